//! Finds the `line:col` of a field in a collection's YAML source.
//!
//! serde_yaml attaches the position of the node being read to every error. So to locate
//! `steps[1].request.url`, this walks the document with serde, and at that node raises an
//! error whose position is the answer. One YAML parser, no second source of truth.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};

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
    match (Seek {
        path: &path.0,
        leaf: Marker,
    })
    .deserialize(deserializer)
    {
        Err(error) if error.to_string().contains(MARKER) => {
            error.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

/// Deserializes only the value at `path` as a `T`: `Ok(None)` when the path does not exist,
/// `Err` with the position of the problem when it is not a valid `T`. Lets the loader report
/// a problem in every step, not only the first.
pub fn deserialize_at<T: DeserializeOwned>(
    source: &str,
    path: &FieldPath,
) -> Result<Option<T>, serde_yaml::Error> {
    let slot = RefCell::new(None);
    let deserializer = serde_yaml::Deserializer::from_str(source);
    (Seek {
        path: &path.0,
        leaf: Typed(&slot),
    })
    .deserialize(deserializer)?;
    Ok(slot.into_inner())
}

/// What to do on reaching the end of the path.
trait Leaf {
    fn at<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error>;
}

/// Raises the marker error, whose position is the answer.
struct Marker;

impl Leaf for Marker {
    fn at<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(MarkerVisitor)
    }
}

struct MarkerVisitor;

impl<'de> Visitor<'de> for MarkerVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
}

/// Deserializes a `T` into the slot.
struct Typed<'s, T>(&'s RefCell<Option<T>>);

impl<T: DeserializeOwned> Leaf for Typed<'_, T> {
    fn at<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let value = T::deserialize(deserializer)?;
        *self.0.borrow_mut() = Some(value);
        Ok(())
    }
}

struct Seek<'p, L> {
    path: &'p [Segment],
    leaf: L,
}

impl<'de, L: Leaf> DeserializeSeed<'de> for Seek<'_, L> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.path.is_empty() {
            self.leaf.at(deserializer)
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de, L: Leaf> Visitor<'de> for Seek<'_, L> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Segment::Key(wanted), rest)) = self.path.split_first() else {
            return Ok(());
        };
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            let matches = match &key {
                serde_yaml::Value::String(k) => k == wanted,
                other => serde_yaml::to_string(other).is_ok_and(|k| k.trim() == wanted),
            };
            if matches {
                map.next_value_seed(Seek {
                    path: rest,
                    leaf: self.leaf,
                })?;
                // The rest of the map must be read for the document to be accepted.
                while map.next_key::<IgnoredAny>()?.is_some() {
                    map.next_value::<IgnoredAny>()?;
                }
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Segment::Index(wanted), rest)) = self.path.split_first() else {
            return Ok(());
        };
        for _ in 0..*wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Seek {
            path: rest,
            leaf: self.leaf,
        })?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
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
    fn deserializes_one_value_with_positions_in_the_whole_document() {
        let steps = path(&[
            Segment::Key("steps".into()),
            Segment::Index(1),
            Segment::Key("name".into()),
        ]);
        assert_eq!(
            deserialize_at::<String>(SOURCE, &steps).expect("a string"),
            Some("second".into())
        );
        let error = deserialize_at::<u32>(SOURCE, &steps).expect_err("not a number");
        assert_eq!(error.location().map(|l| l.line()), Some(6));
        assert_eq!(
            deserialize_at::<String>(SOURCE, &path(&[Segment::Key("nope".into())]))
                .expect("absent"),
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
