//! Every unknown or misplaced key of a document, found in one pass by walking it beside the
//! format's JSON Schema (generated from the serde types, so the two cannot disagree): serde
//! stops at the first unknown field, and seven typos should not take seven runs.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use serde_yaml::Value as Yaml;

use super::diagnostic::did_you_mean;
use super::locate::{FieldPath, Positions};
use super::Diagnostic;
use crate::spec::collection::CollectionSpec;

/// The format's schema, generated once.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| schemars::schema_for!(CollectionSpec).as_value().clone())
}

/// A problem for each key of `document` the format does not have where it is written.
pub(super) fn unknown_keys(path: &Path, source: &str, document: &Yaml) -> Vec<Diagnostic> {
    let positions = Positions::default();
    let mut walk = Walk {
        path,
        source,
        positions: &positions,
        problems: Vec::new(),
    };
    walk.value(document, schema(), None, &FieldPath::default());
    walk.problems
}

struct Walk<'a> {
    path: &'a Path,
    source: &'a str,
    positions: &'a Positions,
    problems: Vec<Diagnostic>,
}

/// `schema` with its `$ref` followed and an optional (`anyOf` with `null`) unwrapped; `None`
/// where the schema offers several shapes (a predicate, a capture): serde judges those.
fn resolve(schema: &Value) -> Option<&Value> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/$defs/")?;
        return resolve(self::schema().get("$defs")?.get(name)?);
    }
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let mut shapes = branches
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"));
        let only = shapes.next()?;
        return match shapes.next() {
            None => resolve(only),
            Some(_) => None,
        };
    }
    Some(schema)
}

/// The fixed keys of an object schema that allows no others.
fn closed_keys(schema: &Value) -> Option<&serde_json::Map<String, Value>> {
    if schema.get("additionalProperties") != Some(&Value::Bool(false)) {
        return None;
    }
    schema.get("properties").and_then(Value::as_object)
}

impl Walk<'_> {
    fn value(&mut self, value: &Yaml, schema: &Value, parent: Option<&Value>, at: &FieldPath) {
        let Some(schema) = resolve(schema) else {
            return;
        };
        match value {
            Yaml::Mapping(map) => {
                if let Some(keys) = closed_keys(schema) {
                    for (key, item) in map {
                        let Some(key) = key.as_str() else { continue };
                        match keys.get(key) {
                            Some(property) => {
                                self.value(item, property, Some(schema), &at.key(key.to_owned()))
                            }
                            None => self.unknown(key, keys, parent, at),
                        }
                    }
                } else if let Some(items) = schema.get("additionalProperties") {
                    if items.is_object() {
                        for (key, item) in map {
                            if let Some(key) = key.as_str() {
                                self.value(item, items, Some(schema), &at.key(key.to_owned()));
                            }
                        }
                    }
                }
            }
            Yaml::Sequence(list) => {
                if let Some(items) = schema.get("items") {
                    for (index, item) in list.iter().enumerate() {
                        self.value(item, items, parent, &at.index(index));
                    }
                }
            }
            Yaml::Tagged(tagged) => self.value(&tagged.value, schema, parent, at),
            _ => {}
        }
    }

    /// `<<: *anchor`: libyaml reads a merge key as a key like any other, and places its value
    /// where the anchor is; the mark goes on the map that holds the `<<`.
    fn merge_key(&mut self, at: &FieldPath) {
        let here = match at.0.last() {
            Some(_) => format!("`{at}`"),
            None => "the top level".to_owned(),
        };
        let problem = Diagnostic::at(
            self.path,
            (self.source, self.positions),
            at,
            format!("unknown field `<<` in {here}: YAML merge keys (`<<: *anchor`) are not supported"),
        )
        .with_hint(
            "write the keys out; what every step shares (headers, auth, timeouts, expectations) goes in `defaults`",
        );
        self.problems.push(problem);
    }

    fn unknown(
        &mut self,
        key: &str,
        keys: &serde_json::Map<String, Value>,
        parent: Option<&Value>,
        at: &FieldPath,
    ) {
        let here = match at.0.last() {
            Some(_) => format!("`{at}`"),
            None => "the top level".to_owned(),
        };
        // Misplaced: a key of the enclosing map, or of one of this map's own fields.
        let up = parent
            .and_then(closed_keys)
            .is_some_and(|outer| outer.contains_key(key));
        let down = keys.iter().find_map(|(name, property)| {
            resolve(property)
                .and_then(closed_keys)
                .is_some_and(|inner| inner.contains_key(key))
                .then_some(name.as_str())
        });
        if key == "<<" {
            self.merge_key(at);
            return;
        }
        let hint = if up {
            format!("`{key}` belongs one level up, beside `{}`", last_key(at))
        } else if let Some(down) = down {
            format!("`{key}` belongs under `{down}`: `{down}: {{ {key}: ... }}`")
        } else if let Some(close) = did_you_mean(key, keys.keys().map(String::as_str)) {
            format!("did you mean `{close}`?")
        } else {
            let allowed: Vec<&str> = keys.keys().map(String::as_str).collect();
            format!("allowed here: {}", allowed.join(", "))
        };
        // The index knows where the value is; the mark belongs on the key written before it.
        let problem = Diagnostic::at(
            self.path,
            (self.source, self.positions),
            &at.key(key.to_owned()),
            format!("unknown field `{key}` in {here}"),
        )
        .with_hint(hint)
        .at_key((self.source, self.positions), key);
        self.problems.push(problem);
    }
}

fn last_key(at: &FieldPath) -> String {
    at.0.iter()
        .rev()
        .find_map(|segment| match segment {
            super::locate::Segment::Key(key) => Some(key.to_string()),
            super::locate::Segment::Index(_) => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str) -> Vec<String> {
        let document: Yaml = serde_yaml::from_str(source).expect("YAML");
        unknown_keys(Path::new("t.yaml"), source, &document)
            .into_iter()
            .map(|d| format!("{} | {}", d.message, d.hint.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn every_unknown_key_of_every_step_is_found_at_once() {
        let problems = found(
            r#"
name: t
stpes: []
steps:
  - name: a
    requets: { url: "http://127.0.0.1:1/" }
    expcet: { stauts: 200 }
  - name: b
    request: { url: "http://127.0.0.1:1/", heders: {}, expect: { status: 200 } }
    retry: { attempts: 2, intervall: 1s }
    capture: { id: $.id }
"#,
        );
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(problems[0].contains("`stpes` in the top level | did you mean `steps`?"));
        assert!(problems[1].contains("`requets`") && problems[1].contains("`request`"));
        assert!(problems[2].contains("`expcet`") && problems[2].contains("`expect`"));
        assert!(problems[3].contains("`heders` in `steps[1].request`"));
        assert!(problems[4].contains("`expect`") && problems[4].contains("one level up"));
        assert!(problems[5].contains("did you mean `interval`?"));
        // `stauts` inside a misspelled key is not judged: its schema is unknown.
    }

    #[test]
    fn a_key_of_a_field_written_one_level_too_high_is_placed() {
        let problems =
            found("name: t\nsteps:\n  - name: a\n    request: { url: x }\n    status: 200\n");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains("belongs under `expect`"),
            "{problems:#?}"
        );
    }
}
