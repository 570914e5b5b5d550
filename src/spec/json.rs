//! JSON values as a collection writes them (`vars`, `json:` bodies, GraphQL variables,
//! `for_each` lists, expected values), read so that nothing written is silently changed:
//! YAML's `.inf`, `-.inf` and `.nan` are numbers no JSON text can hold, and serde_json's own
//! reading makes them `null`. Here they are refused where they are written, with how to
//! write the text instead.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::map::Map;

/// A JSON value read by [`Strict`]'s rules; the fields of the format hold the `Value` inside.
pub struct Strict(pub Value);

/// What a number JSON cannot hold says, where it is written.
pub fn not_a_json_number(number: f64) -> String {
    let written = if number.is_nan() {
        ".nan"
    } else if number > 0.0 {
        ".inf"
    } else {
        "-.inf"
    };
    format!(
        "`{written}` is a YAML number that JSON cannot hold (JSON has no infinity or NaN); \
         quote it to mean the text: '{written}'"
    )
}

/// `number` as a JSON number, or the error [`not_a_json_number`] describes.
pub fn number<E: de::Error>(number: f64) -> Result<Value, E> {
    serde_json::Number::from_f64(number)
        .map(Value::Number)
        .ok_or_else(|| E::custom(not_a_json_number(number)))
}

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        number(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        value(deserializer)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        value(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((key, Strict(item))) = map.next_entry::<String, Strict>()? {
            object.insert(key, item);
        }
        Ok(Value::Object(object))
    }
}

/// A JSON value (`#[serde(deserialize_with = "json::value")]`).
pub fn value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Strict::deserialize(deserializer).map(|strict| strict.0)
}

/// An optional JSON value.
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Option::<Strict>::deserialize(deserializer).map(|strict| strict.map(|s| s.0))
}

/// A mapping of names to JSON values, in the order written.
pub fn map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map<String, Value>, D::Error> {
    Map::<String, Strict>::deserialize(deserializer)
        .map(|map| map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// An optional mapping of names to JSON values.
pub fn optional_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Map<String, Value>>, D::Error> {
    Option::<Map<String, Strict>>::deserialize(deserializer)
        .map(|map| map.map(|map| map.into_iter().map(|(k, v)| (k, v.0)).collect()))
}

/// An optional list of JSON values.
pub fn optional_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<Value>>, D::Error> {
    Option::<Vec<Strict>>::deserialize(deserializer)
        .map(|list| list.map(|list| list.into_iter().map(|s| s.0).collect()))
}

/// A YAML or JSON map of names to values read by the rules of a collection's `vars` (a
/// `--vars-file`): a key written twice, `.nan` and `.inf` are refused, where they are written.
pub fn yaml_map(text: &str) -> Result<serde_json::Map<String, Value>, serde_yaml::Error> {
    super::duplicates::check(text)?;
    let map: Map<String, Strict> = serde_yaml::from_str(text)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Result<Value, String> {
        serde_yaml::from_str::<Strict>(yaml)
            .map(|s| s.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let yaml = "{a: [1, -2, 1.5, 'x', true, ~], b: {c: .5e3}, 7: seven}";
        let expected: Value = serde_yaml::from_str(yaml).expect("YAML");
        assert_eq!(read(yaml), Ok(expected));
    }

    #[test]
    fn numbers_json_cannot_hold_are_refused_where_they_are_written() {
        for (yaml, written) in [
            ("[1, .inf]", ".inf"),
            ("{a: {b: -.Inf}}", "-.inf"),
            ("x: .NaN", ".nan"),
        ] {
            let error = read(yaml).expect_err(yaml);
            assert!(
                error.contains(&format!("`{written}` is a YAML number")),
                "{error}"
            );
            assert!(error.contains("line 1"), "{error}");
        }
        assert_eq!(read("'.inf'"), Ok(Value::String(".inf".into())));
    }
}
