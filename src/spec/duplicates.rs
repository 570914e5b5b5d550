//! Duplicate keys: YAML forbids them, but a map type would silently keep the last one.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Fails with the position of the first key that appears twice in one map.
pub(crate) fn check(source: &str) -> Result<(), serde_yaml::Error> {
    UniqueKeys::deserialize(serde_yaml::Deserializer::from_str(source)).map(|_| ())
}

struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        // A set: a map of 80,000 keys is checked in linear time, not compared pairwise.
        let mut seen: foldhash::HashSet<String> = foldhash::HashSet::default();
        while let Some(key) = map.next_key_seed(Key { seen: &seen })? {
            seen.insert(key);
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_unit<E: de::Error>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
}

/// Stands for a map or list used as a key; such keys are not compared.
const COMPLEX: &str = "\u{0}complex";

/// Reads a key, failing (at the key's own position) when the map already has it.
struct Key<'a> {
    seen: &'a foldhash::HashSet<String>,
}

impl<'de> de::DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        if !key.starts_with(COMPLEX) && self.seen.contains(key) {
            return Err(E::custom(format!(
                "duplicate key `{key}`: a key may appear only once in a map"
            )));
        }
        Ok(key.to_owned())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.visit_str("null")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        while map.next_key::<UniqueKeys>()?.is_some() {
            map.next_value::<UniqueKeys>()?;
        }
        Ok(String::from(COMPLEX))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(String::from(COMPLEX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_repeated_key_with_its_line() {
        let error = check("a: 1\nb:\n  c: 1\n  c: 2\n").expect_err("duplicate");
        assert!(error.to_string().contains("duplicate key `c`"), "{error}");
        assert_eq!(error.location().map(|l| l.line()), Some(4));
        assert!(check("a: 1\nb: [ {c: 1}, {c: 2} ]\n").is_ok());
    }
}
