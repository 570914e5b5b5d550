//! The files of an OpenAPI document: read once (YAML or JSON), with every `$ref` — within a
//! file or across files — resolved on demand to the file and JSON Pointer it names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::OpenapiError;
use crate::spec::field::FieldPath;

/// A place in one of the files: the file (an index into [`Documents`]) and a JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// Which file.
    pub file: usize,
    /// The JSON Pointer into it (`""` for the whole file).
    pub pointer: String,
}

impl Place {
    /// The place `path` below this one (`path` already escaped: `properties/a~1b`).
    pub fn under(&self, path: &str) -> Place {
        Place {
            file: self.file,
            pointer: format!("{}/{path}", self.pointer),
        }
    }
}

/// Every file the document is made of, the one named first at index 0.
#[derive(Debug)]
pub struct Documents {
    files: Vec<(PathBuf, Value)>,
    by_path: HashMap<PathBuf, usize>,
    /// The directory of the first file, to name the others relative to it.
    root_dir: PathBuf,
}

/// The most `$ref`s followed in a row before a cycle of references is reported.
const MAX_REF_HOPS: usize = 64;

impl Documents {
    /// Reads the document at `path`.
    pub fn load(path: &Path) -> Result<Self, OpenapiError> {
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let root_dir = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_owned());
        let mut documents = Documents {
            files: Vec::new(),
            by_path: HashMap::new(),
            root_dir,
        };
        documents.file(path)?;
        Ok(documents)
    }

    /// The first file's contents.
    pub fn root(&self) -> &Value {
        &self.files[0].1
    }

    /// The value at `place`, if there is one.
    pub fn get(&self, place: &Place) -> Option<&Value> {
        self.files.get(place.file)?.1.pointer(&place.pointer)
    }

    /// A file's name relative to the first file's directory.
    pub fn file_name(&self, file: usize) -> String {
        let Some((path, _)) = self.files.get(file) else {
            return String::new();
        };
        path.strip_prefix(&self.root_dir)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// The field path of `place` (`paths["/a"].get.parameters`), its segments told apart
    /// by what the file holds (`/0` is a list's first item, or a map's key `0`); `None`
    /// when nothing is there.
    pub fn field_path(&self, place: &Place) -> Option<FieldPath> {
        let mut current = &self.files.get(place.file)?.1;
        let mut path = FieldPath::default();
        for segment in place.pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            match current {
                Value::Array(items) => {
                    let index: usize = segment.parse().ok()?;
                    current = items.get(index)?;
                    path = path.index(index);
                }
                Value::Object(members) => {
                    current = members.get(&segment)?;
                    path = path.key(segment);
                }
                _ => return None,
            }
        }
        Some(path)
    }

    /// Where file `file` was read from.
    pub fn file_path(&self, file: usize) -> Option<&Path> {
        self.files.get(file).map(|(path, _)| path.as_path())
    }

    /// `place` written as `file#/pointer`.
    pub fn describe(&self, place: &Place) -> String {
        format!("{}#{}", self.file_name(place.file), place.pointer)
    }

    /// Follows `value`'s `$ref` (found at `at`), and the target's, until a value that is not
    /// a reference: that value and where it is. A value that is not a reference is itself.
    pub fn resolve(&mut self, at: &Place, value: &Value) -> Result<(Place, Value), OpenapiError> {
        let mut place = at.clone();
        let mut current = value.clone();
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Ok((place, current));
            };
            let from = place.clone();
            place = self.target(&from, reference).map_err(|error| match error {
                // Said where the reference is written.
                OpenapiError::Reference {
                    at,
                    reference,
                    reason,
                } if at.is_empty() => OpenapiError::Reference {
                    at: self.describe(&from),
                    reference,
                    reason,
                },
                other => other,
            })?;
            current = self
                .get(&place)
                .cloned()
                .ok_or_else(|| OpenapiError::Reference {
                    at: self.describe(&place),
                    reference: reference.to_owned(),
                    reason: "nothing is there".into(),
                })?;
        }
        Err(OpenapiError::Reference {
            at: self.describe(at),
            reference: String::new(),
            reason: format!("more than {MAX_REF_HOPS} references in a row (a cycle?)"),
        })
    }

    /// Where the reference `reference`, written in the file of `from`, points (the file is
    /// read if it was not yet).
    pub fn target(&mut self, from: &Place, reference: &str) -> Result<Place, OpenapiError> {
        let fail = |reason: &str| OpenapiError::Reference {
            at: String::new(),
            reference: reference.to_owned(),
            reason: reason.to_owned(),
        };
        let (file_part, pointer) = match reference.split_once('#') {
            Some((file, pointer)) => (file, pointer),
            None => (reference, ""),
        };
        let pointer = percent_encoding::percent_decode_str(pointer)
            .decode_utf8()
            .map_err(|_| fail("the pointer is not UTF-8"))?
            .into_owned();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(fail("only JSON Pointer fragments (`#/...`) are supported"));
        }
        if file_part.is_empty() {
            return Ok(Place {
                file: from.file,
                pointer,
            });
        }
        if let Some(reason) = refused_file(file_part) {
            return Err(fail(reason));
        }
        let base = self.files[from.file]
            .0
            .parent()
            .unwrap_or(Path::new("."))
            .to_owned();
        let file = self
            .file(&base.join(file_part))
            .map_err(|e| fail(&e.to_string()))?;
        Ok(Place { file, pointer })
    }

    /// Reads `path` unless it was read; its index.
    fn file(&mut self, path: &Path) -> Result<usize, OpenapiError> {
        let canonical = std::fs::canonicalize(path).map_err(|e| OpenapiError::Read {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        if let Some(index) = self.by_path.get(&canonical) {
            return Ok(*index);
        }
        let text =
            crate::spec::file::read_to_string(&canonical).map_err(|e| OpenapiError::Read {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        let value = parse_document(&text).map_err(|problem| match problem.at {
            Some((line, column)) => OpenapiError::Syntax {
                path: path.to_owned(),
                line,
                column,
                reason: problem.reason,
            },
            None => OpenapiError::Read {
                path: path.to_owned(),
                reason: problem.reason,
            },
        })?;
        let index = self.files.len();
        self.files.push((canonical.clone(), value));
        self.by_path.insert(canonical, index);
        Ok(index)
    }
}

/// Why the file part of a `$ref` is not followed, if it is not. A reference names another
/// file of the document by a path relative to the file that holds it (`schemas/pet.yaml`,
/// `../common/errors.yaml`), and that file is YAML or JSON: a URL (`https:`, `file:`), an
/// absolute path (`/etc/passwd`, `C:\x.yaml`, `\\server\x`) or a file of another kind
/// (`.env`, `id_rsa`) is refused before anything is read, so a document cannot make runner
/// read an arbitrary file of the machine it runs on.
fn refused_file(file_part: &str) -> Option<&'static str> {
    let scheme = file_part
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
    const ABSOLUTE: &str = "an absolute path is not followed: refer to the file by a path relative to the file that holds the `$ref`";
    match scheme {
        // A drive letter: `C:\x.yaml`.
        Some(drive) if drive.len() == 1 => return Some(ABSOLUTE),
        Some(_) => return Some("a reference to a URL is not followed: save the file next to the document and refer to it by a path relative to the file that holds the `$ref`"),
        None => {}
    }
    if file_part.starts_with(['/', '\\']) || Path::new(file_part).is_absolute() {
        return Some(ABSOLUTE);
    }
    let extension = Path::new(file_part)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("yaml" | "yml" | "json")) {
        return Some(
            "only YAML and JSON files (`.yaml`, `.yml`, `.json`) are read as parts of a document",
        );
    }
    None
}

/// Why a document's text does not parse, and where (1-based line and column) when that is
/// known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseProblem {
    /// What is wrong, and what to do.
    pub reason: String,
    /// Line and column.
    pub at: Option<(usize, usize)>,
}

/// Parses a YAML or JSON document into JSON (YAML's non-string keys, such as `200:`, become
/// strings). A key written twice in one map — which YAML and JSON both say a map may not
/// have — is refused at the second one, whatever the syntax (serde_json would keep the
/// last silently), as is any other syntax problem, each with its line and column.
pub fn parse_document(text: &str) -> Result<Value, ParseProblem> {
    let unmarked = text.trim_start_matches('\u{feff}');
    if unmarked.trim_start().starts_with('{') {
        let mut deserializer = serde_json::Deserializer::from_str(unmarked);
        let value = serde::de::DeserializeSeed::deserialize(UniqueJson, &mut deserializer)
            .map_err(json_problem)?;
        deserializer.end().map_err(json_problem)?;
        return Ok(value);
    }
    match serde_yaml::from_str::<serde_yaml::Value>(&crate::spec::block_scalar::readable(text)) {
        Ok(yaml) => Ok(yaml_to_json(yaml)),
        Err(error) => {
            // yaml_serde places a repeated key at the document's start: the check that
            // finds repeated keys places it at the key.
            let located = crate::spec::duplicates::check(text)
                .err()
                .filter(|found| found.to_string().contains("duplicate key `"))
                .unwrap_or(error);
            let mut reason = located.to_string();
            if let Some(at) = reason.rfind(" at line ") {
                reason.truncate(at);
            }
            if reason.contains("duplicate key `") {
                reason = with_fix(reason);
            }
            Err(ParseProblem {
                reason,
                at: located.location().map(|l| (l.line(), l.column())),
            })
        }
    }
}

/// The message of a repeated key, with what to do.
fn with_fix(message: String) -> String {
    format!("{message}; keep one of the two, with what both hold")
}

/// A JSON document's problem at its line and column; a repeated key at its opening quote
/// (serde_json places it at the closing one).
fn json_problem(error: serde_json::Error) -> ParseProblem {
    let message = crate::spec::json::error_text(&error);
    let repeated = message
        .strip_prefix("duplicate key `")
        .and_then(|rest| rest.split_once("`:"))
        .map(|(key, _)| key.chars().count() + 1);
    ParseProblem {
        reason: match repeated {
            Some(_) => with_fix(message),
            None => format!("not JSON: {message}"),
        },
        at: Some((
            error.line(),
            error.column().saturating_sub(repeated.unwrap_or(0)).max(1),
        )),
    }
}

/// A JSON value read into a [`Value`] as serde_json reads one, except that a map that
/// repeats a key is refused at the key (serde_json keeps the last one silently).
struct UniqueJson;

impl<'de> serde::de::DeserializeSeed<'de> for UniqueJson {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueJson {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }
    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(UniqueJson)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate key `{key}`: a key may appear only once in a map"
                )));
            }
            let value = map.next_value_seed(UniqueJson)?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

fn yaml_to_json(yaml: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".to_owned(),
                    other => serde_yaml::to_string(&other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                out.insert(key, yaml_to_json(value));
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

/// Escapes a key for a JSON Pointer (`~` → `~0`, `/` → `~1`).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_status_keys_become_strings() {
        let value = parse_document("responses:\n  200: { description: ok }\n  default: {}\n")
            .expect("yaml");
        assert!(value.pointer("/responses/200/description").is_some());
    }

    /// A key written twice in one map, at any depth, in YAML (block or flow) or JSON: refused
    /// at the second one, with what to do; other syntax problems are placed too.
    #[test]
    fn a_repeated_key_is_refused_where_it_is_written() {
        for (text, at) in [
            ("openapi: 3.0.3\npaths: {}\npaths: {}\n", (3, 1)),
            ("paths:\n  /a:\n    get: {}\n    get: {}\n", (4, 5)),
            ("paths: { /a: { get: {}, get: {} } }\n", (1, 25)),
            ("{\n  \"paths\": {},\n  \"paths\": {}\n}\n", (3, 3)),
            ("\n\n{ \"a\": { \"b\": 1, \"b\": 2 } }", (3, 18)),
        ] {
            let problem = parse_document(text).expect_err(text);
            assert_eq!(problem.at, Some(at), "{text}: {problem:?}");
            assert!(
                problem.reason.contains("duplicate key `")
                    && problem
                        .reason
                        .ends_with("keep one of the two, with what both hold"),
                "{problem:?}"
            );
        }
        let problem = parse_document("{\n  \"a\": 1,\n}").expect_err("trailing comma");
        assert_eq!(problem.at, Some((3, 1)), "{problem:?}");
        assert!(
            problem.reason.starts_with("not JSON: trailing comma"),
            "{problem:?}"
        );
        let problem = parse_document("a: [1\nb: 2\n").expect_err("not YAML");
        assert!(problem.at.is_some(), "{problem:?}");

        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("api.yaml");
        std::fs::write(&path, "openapi: 3.0.3\npaths: {}\npaths: {}\n").expect("write");
        let error = Documents::load(&path).expect_err("refused").to_string();
        assert!(
            error.starts_with(&format!("{}:3:1: ", path.display()))
                && error.contains("duplicate key `paths`"),
            "{error}"
        );
    }

    #[test]
    fn references_across_files_resolve_relative_to_the_file_that_holds_them() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir(dir.path().join("schemas")).expect("mkdir");
        std::fs::write(
            dir.path().join("api.yaml"),
            "a: { $ref: 'schemas/b.yaml#/B' }\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("schemas/b.yaml"),
            "B: { $ref: '#/C' }\nC: { type: string }\n",
        )
        .expect("write");
        let mut documents = Documents::load(&dir.path().join("api.yaml")).expect("loads");
        let a = documents.root()["a"].clone();
        let root = Place {
            file: 0,
            pointer: "/a".into(),
        };
        let (place, value) = documents.resolve(&root, &a).expect("resolves");
        assert_eq!(value["type"], "string");
        assert_eq!(documents.describe(&place), "schemas/b.yaml#/C");
    }
}
