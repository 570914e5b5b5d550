//! A response body parsed for JSONPath without copying it: strings borrow from the body
//! wherever they hold no escapes, and objects are plain lists of members. Parsing into it is
//! about twice as fast as into a `serde_json::Value` and takes about half the memory, which
//! is what a step spends most of its time on above the network (see BENCHMARKS.md). Only the
//! nodes a JSONPath selects become `serde_json::Value`s.

use std::borrow::Cow;
use std::fmt;

use jsonpath_rust::query::queryable::Queryable;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::budget;

/// What a node of a parsed body may take, as [`budget`] counts it: its slot in the list or
/// object that holds it (with the member's name), twice over, as a list grows by doubling.
pub(super) const DOCUMENT_NODE: usize =
    2 * (std::mem::size_of::<Document<'static>>() + std::mem::size_of::<Cow<'static, str>>());

/// What a node converted to a `serde_json::Value` may take, as [`budget`] counts it: its
/// slot in the list or ordered map that holds it (with the entry's name, hash and index),
/// twice over.
pub(super) const VALUE_NODE: usize =
    2 * (std::mem::size_of::<Value>() + std::mem::size_of::<String>() + 16);

/// A JSON value borrowing its strings from the body it was parsed from.
#[derive(Debug, Clone, Default)]
pub enum Document<'a> {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, kept exact.
    Number(Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Document<'a>>),
    /// An object's members, in order.
    Object(Vec<(Cow<'a, str>, Document<'a>)>),
}

impl Document<'_> {
    /// The value as a `serde_json::Value` (a copy), each node counted against the reading's
    /// allowance ([`budget`]): `None` once that has run out.
    pub fn to_value(&self) -> Option<Value> {
        let text = match self {
            Document::String(s) => s.len(),
            _ => 0,
        };
        if !budget::spend(VALUE_NODE + text) {
            return None;
        }
        Some(match self {
            Document::Null => Value::Null,
            Document::Bool(b) => Value::Bool(*b),
            Document::Number(n) => Value::Number(n.clone()),
            Document::String(s) => Value::String(s.as_ref().to_owned()),
            Document::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(item.to_value()?);
                }
                Value::Array(values)
            }
            Document::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (name, member) in members {
                    // The name is copied into the map, once for each ancestor converted.
                    if !budget::spend(name.len()) {
                        return None;
                    }
                    map.insert(name.as_ref().to_owned(), member.to_value()?);
                }
                Value::Object(map)
            }
        })
    }

    /// Charges ([`budget`]) what jsonpath-rust's evaluator builds while it goes through the
    /// value: each node's normalized path (`$['name'][0]`, the text of every segment above
    /// it) as a string of its own, `prefix` bytes long above this value. `false` once the
    /// reading's allowance has run out.
    pub fn charge_paths(&self, prefix: usize) -> bool {
        /// A string, its slot in the evaluator's list, and what the allocator adds.
        const PER_PATH: usize = 56;
        if !budget::spend(prefix + PER_PATH) {
            return false;
        }
        match self {
            Document::Array(items) => items.iter().enumerate().all(|(index, item)| {
                let digits = index.checked_ilog10().unwrap_or(0) as usize + 1;
                item.charge_paths(prefix + digits + 2)
            }),
            Document::Object(members) => members
                .iter()
                .all(|(name, member)| member.charge_paths(prefix + name.len() + 4)),
            _ => true,
        }
    }

    /// How many nodes the value has (itself and everything in it).
    pub fn nodes(&self) -> usize {
        1 + match self {
            Document::Array(items) => items.iter().map(Document::nodes).sum(),
            Document::Object(members) => members.iter().map(|(_, v)| v.nodes()).sum(),
            _ => 0,
        }
    }
}

/// Objects compare as maps (member order does not matter), numbers exactly, like
/// `serde_json::Value`.
impl PartialEq for Document<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Document::Null, Document::Null) => true,
            (Document::Bool(a), Document::Bool(b)) => a == b,
            (Document::Number(a), Document::Number(b)) => a == b,
            (Document::String(a), Document::String(b)) => a == b,
            (Document::Array(a), Document::Array(b)) => a == b,
            (Document::Object(a), Document::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| other.get(k).is_some_and(|w| w == v))
            }
            _ => false,
        }
    }
}

impl<'a> From<&str> for Document<'a> {
    fn from(text: &str) -> Self {
        Document::String(Cow::Owned(text.to_owned()))
    }
}
impl From<String> for Document<'_> {
    fn from(text: String) -> Self {
        Document::String(Cow::Owned(text))
    }
}
impl From<bool> for Document<'_> {
    fn from(b: bool) -> Self {
        Document::Bool(b)
    }
}
impl From<i64> for Document<'_> {
    fn from(n: i64) -> Self {
        Document::Number(n.into())
    }
}
impl From<f64> for Document<'_> {
    fn from(n: f64) -> Self {
        Number::from_f64(n).map_or(Document::Null, Document::Number)
    }
}
impl<'a> From<Vec<Document<'a>>> for Document<'a> {
    fn from(items: Vec<Document<'a>>) -> Self {
        Document::Array(items)
    }
}

impl Queryable for Document<'_> {
    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            // The last member of a name wins, as in serde_json.
            Document::Object(members) => {
                members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&Vec<Self>> {
        match self {
            Document::Array(items) => Some(items),
            _ => None,
        }
    }
    fn as_object(&self) -> Option<Vec<(&str, &Self)>> {
        match self {
            Document::Object(members) => {
                Some(members.iter().map(|(k, v)| (k.as_ref(), v)).collect())
            }
            _ => None,
        }
    }
    fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(s) => Some(s),
            _ => None,
        }
    }
    fn as_i64(&self) -> Option<i64> {
        match self {
            Document::Number(n) => n.as_i64(),
            _ => None,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        match self {
            Document::Number(n) => n.as_f64(),
            _ => None,
        }
    }
    fn as_bool(&self) -> Option<bool> {
        match self {
            Document::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn null() -> Self {
        Document::Null
    }
}

/// A string that borrows from the input when it can (an object's member name).
pub(super) struct Text<'a>(pub(super) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// Reads any JSON value into a [`Document`]; the pruned parse reads its scalars with it.
pub(super) struct DocumentVisitor;

impl<'de> Deserialize<'de> for Document<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DocumentVisitor)
    }
}

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        node(Document::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        node(Document::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        node(Document::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        node(Document::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        node(Number::from_f64(v).map_or(Document::Null, Document::Number))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        node(Document::String(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        node(Document::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        node(Document::String(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        node(Document::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Text(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        node(Document::Object(members))
    }
}

/// `document`, counted against the reading's allowance ([`budget`]); an error once that
/// has run out, which stops the parse.
pub(super) fn node<'a, E: de::Error>(document: Document<'a>) -> Result<Document<'a>, E> {
    if budget::spend(DOCUMENT_NODE) {
        Ok(document)
    } else {
        Err(E::custom(budget::STOPPED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_borrowing_and_converts_back() {
        let text = r#"{"a": [1, 2.5, "x\"y", true, null], "b": {"c": "plain"}, "a2": 18446744073709551615}"#;
        let document: Document<'_> = serde_json::from_str(text).expect("valid");
        assert_eq!(
            document.to_value().expect("within the allowance"),
            json!({"a": [1, 2.5, "x\"y", true, null], "b": {"c": "plain"}, "a2": 18446744073709551615u64})
        );
        let Document::Object(members) = &document else {
            panic!("an object")
        };
        let Document::Object(inner) = &members[1].1 else {
            panic!("an object")
        };
        assert!(matches!(
            inner[0].1,
            Document::String(Cow::Borrowed("plain"))
        ));
    }

    #[test]
    fn objects_compare_as_maps() {
        let a: Document<'_> = serde_json::from_str(r#"{"x": 1, "y": 2}"#).expect("valid");
        let b: Document<'_> = serde_json::from_str(r#"{"y": 2, "x": 1}"#).expect("valid");
        assert_eq!(a, b);
    }
}
