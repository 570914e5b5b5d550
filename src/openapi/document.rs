//! The files of an OpenAPI document: read once (YAML or JSON), with every `$ref` — within a
//! file or across files — resolved on demand to the file and JSON Pointer it names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::OpenapiError;

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
        if file_part.contains("://") {
            return Err(fail(
                "a reference to a URL is not followed: save the file next to the document and refer to it by a relative path",
            ));
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
        let text = std::fs::read_to_string(&canonical).map_err(|e| OpenapiError::Read {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let value = parse(&text).map_err(|reason| OpenapiError::Read {
            path: path.to_owned(),
            reason,
        })?;
        let index = self.files.len();
        self.files.push((canonical.clone(), value));
        self.by_path.insert(canonical, index);
        Ok(index)
    }
}

/// Parses a YAML or JSON text into JSON (YAML's non-string keys, such as `200:`, become
/// strings).
pub fn parse(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| format!("not JSON: {e}"));
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| format!("{e}"))?;
    Ok(yaml_to_json(yaml))
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
        let value = parse("responses:\n  200: { description: ok }\n  default: {}\n").expect("yaml");
        assert!(value.pointer("/responses/200/description").is_some());
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
