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

/// A problem for each YAML merge key (`<<: *anchor`, a plain `<<` where a key goes) in
/// `source`, wherever it is written: in the format's own maps, where serde would take it for
/// an unknown field, and in the free ones (`vars`, a `json` body, a header map), where it
/// would be kept as a key named `<<` and sent as one. A quoted `"<<"` is such a key, and fine.
pub(super) fn merge_keys(path: &Path, source: &str) -> Vec<Diagnostic> {
    use saphyr_parser::{Event, Parser, ScalarStyle};
    /// An open map (the key just read; whether its next node is a key) or list (its next
    /// index), with where it is.
    enum Open {
        Map {
            at: FieldPath,
            key: Option<String>,
            expects_key: bool,
        },
        List {
            at: FieldPath,
            next: usize,
        },
    }
    // No `<<` anywhere (nearly every document): nothing to walk.
    if !source.contains("<<") {
        return Vec::new();
    }
    let mut open: Vec<Open> = Vec::new();
    let mut problems = Vec::new();
    // A node of a map has been read whole: the map goes from key to value, or on to its next key.
    let read = |open: &mut Vec<Open>| {
        if let Some(Open::Map { expects_key, .. }) = open.last_mut() {
            *expects_key = !*expects_key;
        }
    };
    for event in Parser::new_from_str(source) {
        // Broken YAML: the reading after this says what is wrong with it.
        let Ok((event, span)) = event else { break };
        if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
            open.pop();
            read(&mut open);
            continue;
        }
        if !matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        ) {
            continue;
        }
        // Where this node is (for a key, or inside one, where its map is).
        let here = match open.last_mut() {
            None => FieldPath::default(),
            Some(Open::Map {
                at,
                key,
                expects_key: true,
            }) => {
                *key = None;
                if let Event::Scalar(text, style, ..) = &event {
                    if *style == ScalarStyle::Plain && text == "<<" {
                        let place = (span.start.line(), span.start.col() + 1);
                        problems.push(merge_key_problem(path, source, at, place));
                    }
                    *key = Some(text.to_string());
                }
                at.clone()
            }
            Some(Open::Map { at, key, .. }) => {
                key.take().map_or_else(|| at.clone(), |key| at.key(key))
            }
            Some(Open::List { at, next }) => {
                *next += 1;
                at.index(*next - 1)
            }
        };
        match event {
            Event::MappingStart(..) => open.push(Open::Map {
                at: here,
                key: None,
                expects_key: true,
            }),
            Event::SequenceStart(..) => open.push(Open::List { at: here, next: 0 }),
            _ => read(&mut open),
        }
    }
    problems
}

/// The problem of a merge key written at `place` in the map at `map`.
fn merge_key_problem(
    path: &Path,
    source: &str,
    map: &FieldPath,
    place: (usize, usize),
) -> Diagnostic {
    let here = match map.0.last() {
        Some(_) => format!("`{map}`"),
        None => "the top level".to_owned(),
    };
    Diagnostic {
        position: Some(place),
        field: (!map.0.is_empty()).then(|| map.to_string()),
        line_text: Positions::default()
            .line(source, place.0)
            .map(str::to_owned),
        width: Some(2),
        ..Diagnostic::file(
            path,
            format!("`<<` in {here} is a YAML merge key (`<<: *anchor`), which runner does not apply"),
        )
    }
    .with_hint(
        "write the keys out (what every step shares — headers, auth, timeouts, expectations — goes in `defaults`); a key named `<<` is written quoted: `\"<<\": …`",
    )
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

/// The one shape of `schema` (offering several: a capture, written as a JSONPath or as a map)
/// that a map can take, when exactly one can: its keys are then known. `None` where a map
/// fits several shapes, or any value (a predicate's operand): serde judges those.
fn map_shape(schema: &Value) -> Option<&Value> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => self::schema()
            .get("$defs")?
            .get(reference.strip_prefix("#/$defs/")?)?,
        None => schema,
    };
    let branches = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))?
        .as_array()?;
    let takes_a_map = |branch: &Value| match resolve(branch) {
        // Several shapes inside, or any value: a map may be one of them.
        None => true,
        Some(shape) => match shape.get("type") {
            Some(Value::String(kind)) => kind == "object",
            Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "object"),
            _ => true,
        },
    };
    let mut maps = branches.iter().filter(|branch| takes_a_map(branch));
    let only = maps.next()?;
    match maps.next() {
        None => resolve(only),
        Some(_) => None,
    }
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
        let shape = resolve(schema).or_else(|| match value {
            Yaml::Mapping(_) => map_shape(schema),
            _ => None,
        });
        let Some(schema) = shape else {
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

    fn merges(source: &str) -> Vec<String> {
        merge_keys(Path::new("t.yaml"), source)
            .into_iter()
            .map(|d| {
                let (line, column) = d.position.unwrap_or_default();
                format!("{line}:{column} {}", d.field.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn merge_keys_are_found_in_every_map_and_quoted_ones_are_keys() {
        let source = "vars:\n  base: &a { x: 1 }\n  other: { <<: *a, y: 2 }\n  quoted: { \"<<\": 3, '<<': 4 }\n  text: \"<< not a key\"\nsteps:\n  - name: s\n    request:\n      url: u\n      json:\n        list: [1, { <<: *a }]\n        ? [complex, key]\n        : { <<: *a }\n      headers:\n        <<: *a\n<<: *a\n";
        assert_eq!(
            merges(source),
            [
                "3:12 vars.other",
                "11:21 steps[0].request.json.list[1]",
                "13:13 steps[0].request.json",
                "15:9 steps[0].request.headers",
                "16:1 ",
            ]
        );
        assert!(merges("a: [<<, b]\nc: '<<'\n").is_empty());
        assert!(merges("a: { b: 1 }\n").is_empty());
    }

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

    /// A field of a capture (written as a map, one of its two shapes) is judged with the rest:
    /// a typo there shows beside the step's other problems, not after they are mended.
    #[test]
    fn a_capture_written_as_a_map_has_its_keys_judged() {
        let problems = found(
            "name: t\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:1/\", qury: 1 }\n    capture: { x: { jsonpth: $.a }, y: $.b }\n    expect: { statu: 200, jsonpath: { $.a: { equals: { x: 1 } } } }\n",
        );
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("`qury`"), "{problems:#?}");
        assert!(
            problems[1].contains("`jsonpth` in `steps[0].capture.x`")
                && problems[1].contains("did you mean `jsonpath`?"),
            "{problems:#?}"
        );
        assert!(problems[2].contains("`statu`"), "{problems:#?}");
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
