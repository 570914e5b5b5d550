//! Finds the `line:col` of a field in a collection's YAML source.
//!
//! serde_yaml attaches the position of the node being read to every error. So to locate
//! `steps[1].request.url`, this walks the document with serde, and at that node raises an
//! error whose position is the answer. One YAML parser, no second source of truth.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A path to a field, e.g. `steps[1].request.url`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The path one key deeper.
    pub fn key(&self, key: &str) -> FieldPath {
        let mut next = self.0.clone();
        next.push(Segment::Key(key.to_owned()));
        FieldPath(next)
    }

    /// The path one index deeper.
    pub fn index(&self, index: usize) -> FieldPath {
        let mut next = self.0.clone();
        next.push(Segment::Index(index));
        FieldPath(next)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => {
                    let plain = key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    match (i, plain) {
                        (0, true) => f.write_str(key)?,
                        (_, true) => write!(f, ".{key}")?,
                        (_, false) => write!(f, "[{key:?}]")?,
                    }
                }
            }
        }
        Ok(())
    }
}

const MARKER: &str = "\u{0}located";

/// The 1-based line and column of the value at `path`, if the path exists.
pub fn locate(source: &str, path: &FieldPath) -> Option<(usize, usize)> {
    let deserializer = serde_yaml::Deserializer::from_str(source);
    match (Seek { path: &path.0 }).deserialize(deserializer) {
        Err(error) if error.to_string().contains(MARKER) => {
            error.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

struct Seek<'p> {
    path: &'p [Segment],
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Segment::Key(wanted), rest)) = self.path.split_first() else {
            return Err(de::Error::custom(MARKER));
        };
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            let matches = match &key {
                serde_yaml::Value::String(k) => k == wanted,
                other => serde_yaml::to_string(other).is_ok_and(|k| k.trim() == wanted),
            };
            if matches {
                return map.next_value_seed(Seek { path: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Segment::Index(wanted), rest)) = self.path.split_first() else {
            return Err(de::Error::custom(MARKER));
        };
        let mut index = 0;
        while index < *wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index += 1;
        }
        seq.next_element_seed(Seek { path: rest }).map(|_| ())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.leaf()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.leaf()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.leaf()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.leaf()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.leaf()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.leaf()
    }
}

impl Seek<'_> {
    fn leaf<E: de::Error>(self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(MARKER))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "name: x\nsteps:\n  - name: first\n    request:\n      url: http://a\n  - name: second\n    request: { url: \"{{b}}\" }\n";

    fn path(segments: &[Segment]) -> FieldPath {
        FieldPath(segments.to_vec())
    }

    #[test]
    fn finds_nested_fields() {
        let url = path(&[
            Segment::Key("steps".into()),
            Segment::Index(0),
            Segment::Key("request".into()),
            Segment::Key("url".into()),
        ]);
        assert_eq!(locate(SOURCE, &url), Some((5, 12)));
        let url = path(&[
            Segment::Key("steps".into()),
            Segment::Index(1),
            Segment::Key("request".into()),
            Segment::Key("url".into()),
        ]);
        assert_eq!(locate(SOURCE, &url), Some((7, 21)));
        assert_eq!(
            locate(SOURCE, &path(&[Segment::Key("name".into())])),
            Some((1, 7))
        );
    }

    #[test]
    fn a_missing_path_has_no_location() {
        assert_eq!(locate(SOURCE, &path(&[Segment::Key("nope".into())])), None);
        assert_eq!(
            locate(
                SOURCE,
                &path(&[Segment::Key("steps".into()), Segment::Index(9)])
            ),
            None
        );
    }

    #[test]
    fn displays_like_the_format() {
        let p = FieldPath::default()
            .key("steps")
            .index(1)
            .key("expect")
            .key("jsonpath")
            .key("$[0].id");
        assert_eq!(p.to_string(), "steps[1].expect.jsonpath[\"$[0].id\"]");
    }
}
