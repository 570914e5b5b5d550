//! The maps of the format: [`Map`], a mapping as it is written, read into one list; and
//! [`IndexMap`], the hashed map the compiled collection looks names up in.
//!
//! A 10,000-step collection reads some 40,000 small mappings while it loads (`query`,
//! `headers`, `capture`, `jsonpath`...), of one to a few entries each, and the compiler only
//! walks them in order. An `IndexMap` costs three allocations and a hash of every key for
//! each; a list costs one allocation and no hashing.

use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// The hasher of the compiled collection's maps and of the loader's and the run's sets of
/// names: foldhash, a fraction of std's SipHash per short key, and seeded per process, so
/// keys written to collide still do not make a map slow.
pub type Hasher = foldhash::fast::RandomState;

/// A hashed map that keeps its insertion order (the compiled collection's `vars`,
/// `inputs`, `environments`).
pub type IndexMap<K, V> = indexmap::IndexMap<K, V, Hasher>;

/// Past this many entries, a mapping being read finds a repeated key through a hash index
/// instead of a scan of the entries read so far.
const SCANNED: usize = 16;

/// A mapping as it is written: its entries in order. A key written twice keeps its first
/// place and its last value, as `IndexMap` does.
#[derive(Debug, Clone, PartialEq)]
pub struct Map<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Map {
            entries: Vec::new(),
        }
    }
}

impl<K, V> Map<K, V> {
    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The value of `key`, found by a scan: these maps are small, and looked into seldom.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entries
            .iter()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` is there.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.get(key).is_some()
    }
}

impl<'a, K, V> IntoIterator for &'a Map<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for Map<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: PartialEq + Eq + Hash + Clone, V> FromIterator<(K, V)> for Map<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = Reading::default();
        entries.into_iter().for_each(|(k, v)| map.insert(k, v));
        map.map
    }
}

/// A map being read: where each key is, once there are too many to scan.
struct Reading<K, V> {
    map: Map<K, V>,
    index: Option<std::collections::HashMap<K, usize, Hasher>>,
}

impl<K, V> Default for Reading<K, V> {
    fn default() -> Self {
        Reading {
            map: Map::default(),
            index: None,
        }
    }
}

impl<K: Eq + Hash + Clone, V> Reading<K, V> {
    fn insert(&mut self, key: K, value: V) {
        let entries = &mut self.map.entries;
        let found = match &mut self.index {
            Some(index) => index.get(&key).copied(),
            None => entries.iter().position(|(k, _)| *k == key),
        };
        match found {
            Some(at) => entries[at].1 = value,
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(key.clone(), entries.len());
                } else if entries.len() == SCANNED {
                    let mut index = std::collections::HashMap::with_hasher(Hasher::default());
                    index.extend(
                        entries
                            .iter()
                            .enumerate()
                            .map(|(at, (k, _))| (k.clone(), at)),
                    );
                    index.insert(key.clone(), entries.len());
                    self.index = Some(index);
                }
                entries.push((key, value));
            }
        }
    }
}

/// Every map of the format is a field that may be left out: a null (`headers: ~`) reads as
/// an empty map, as if the field were not written (docs/format.md).
impl<'de, K, V> Deserialize<'de> for Map<K, V>
where
    K: Deserialize<'de> + Eq + Hash + Clone,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(PhantomData<(K, V)>);
        impl<'de, K, V> Visitor<'de> for Entries<K, V>
        where
            K: Deserialize<'de> + Eq + Hash + Clone,
            V: Deserialize<'de>,
        {
            type Value = Map<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Map<K, V>, E> {
                Ok(Map::default())
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Map<K, V>, E> {
                Ok(Map::default())
            }
            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Map<K, V>, D::Error> {
                deserializer.deserialize_map(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Map<K, V>, A::Error> {
                let mut map = Reading::default();
                // As serde's own maps do: room for what the input says, up to a bound.
                map.map.entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(256));
                while let Some((key, value)) = access.next_entry()? {
                    map.insert(key, value);
                }
                Ok(map.map)
            }
        }
        deserializer.deserialize_option(Entries(PhantomData))
    }
}

/// Written as a mapping (the schema shows an empty one as a field's default).
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for Map<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<K: schemars::JsonSchema, V: schemars::JsonSchema> schemars::JsonSchema for Map<K, V> {
    fn inline_schema() -> bool {
        <std::collections::BTreeMap<K, V> as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <std::collections::BTreeMap<K, V> as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        <std::collections::BTreeMap<K, V> as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <std::collections::BTreeMap<K, V> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::Map;

    /// What `IndexMap` reads from the same entries.
    fn index_map(entries: &[(u32, u32)]) -> Vec<(u32, u32)> {
        let map: indexmap::IndexMap<u32, u32> = entries.iter().copied().collect();
        map.into_iter().collect()
    }

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_its_last_value_at_every_size() {
        // Seeded generator: sizes on both sides of the switch to a hash index, keys drawn
        // from a small range so that repeats are common.
        let mut rng = fastrand::Rng::with_seed(16);
        let mut next = move |bound: u64| u32::try_from(rng.u64(..bound)).unwrap_or(0);
        for round in 0..400 {
            let len = next(70) as usize;
            let range = u64::from(next(60) + 1);
            let entries: Vec<(u32, u32)> =
                (0..len).map(|i| (next(range), i as u32 + round)).collect();
            let map: Map<u32, u32> = entries.iter().copied().collect();
            let ours: Vec<(u32, u32)> = map.into_iter().collect();
            assert_eq!(ours, index_map(&entries), "entries {entries:?}");
        }
    }

    #[test]
    fn it_reads_a_mapping_as_serde_reads_an_index_map() {
        let yaml = "b: 1\na: 2\nb: 3\n";
        let ours: Map<String, u32> = serde_yaml::from_str("b: 1\na: 2\n").expect("reads");
        let keys: Vec<&str> = ours.keys().map(String::as_str).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(ours.get("a"), Some(&2));
        assert!(!ours.contains_key("c"));
        // A key written twice is refused by the YAML reader before either map sees it.
        let theirs = serde_yaml::from_str::<indexmap::IndexMap<String, u32>>(yaml).is_err();
        assert_eq!(
            serde_yaml::from_str::<Map<String, u32>>(yaml).is_err(),
            theirs
        );
    }
}
