//! [`SortedMap`]: a map kept as a list sorted by key, for the small maps of a body plan (a
//! node names a member or two). A `BTreeMap` allocates a node of eleven entries for one; a
//! collection with thousands of distinct JSONPath sets keeps thousands of plans.

use std::borrow::Borrow;
use std::ops::RangeBounds;

/// A map in key order, in one list; looked up by binary search.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let at = self.position(key).ok()?;
        self.entries.get(at).map(|(_, v)| v)
    }

    /// Sets `key` to `value`; the value it had.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(at) => self
                .entries
                .get_mut(at)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The entries whose key is in `range`, in order.
    pub fn range(&self, range: impl RangeBounds<K>) -> impl Iterator<Item = (&K, &V)> {
        let (from, to) = self.bounds(&range);
        self.entries[from..to].iter().map(|(k, v)| (k, v))
    }

    /// [`Self::range`], the values to change.
    pub fn range_mut(&mut self, range: impl RangeBounds<K>) -> impl Iterator<Item = (&K, &mut V)> {
        let (from, to) = self.bounds(&range);
        self.entries[from..to].iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Where the keys in `range` start and end.
    fn bounds(&self, range: &impl RangeBounds<K>) -> (usize, usize) {
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let from = match range.start_bound() {
            Included(start) => self.entries.partition_point(|(k, _)| k < start),
            Excluded(start) => self.entries.partition_point(|(k, _)| k <= start),
            Unbounded => 0,
        };
        let to = match range.end_bound() {
            Included(end) => self.entries.partition_point(|(k, _)| k <= end),
            Excluded(end) => self.entries.partition_point(|(k, _)| k < end),
            Unbounded => self.entries.len(),
        };
        (from, to.max(from))
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// `self` and `other` in one map, in one pass over both: a key in both keeps `self`'s
    /// value, with `other`'s given to `combine`.
    pub fn merge(self, other: SortedMap<K, V>, mut combine: impl FnMut(&mut V, V)) -> Self {
        if other.entries.is_empty() {
            return self;
        }
        if self.entries.is_empty() {
            return other;
        }
        let mut entries = Vec::with_capacity(self.entries.len() + other.entries.len());
        let mut mine = self.entries.into_iter().peekable();
        let mut theirs = other.entries.into_iter().peekable();
        loop {
            let order = match (mine.peek(), theirs.peek()) {
                (Some((a, _)), Some((b, _))) => a.cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match order {
                std::cmp::Ordering::Less => entries.extend(mine.next()),
                std::cmp::Ordering::Greater => entries.extend(theirs.next()),
                std::cmp::Ordering::Equal => {
                    if let (Some((key, mut value)), Some((_, other))) = (mine.next(), theirs.next())
                    {
                        combine(&mut value, other);
                        entries.push((key, value));
                    }
                }
            }
        }
        SortedMap { entries }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = SortedMap::default();
        for (key, value) in entries {
            map.insert(key, value);
        }
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::SortedMap;

    #[test]
    fn it_answers_as_a_btree_map_does() {
        // Seeded generator: inserts (repeats included), then every lookup and range the
        // plans make, against `BTreeMap`.
        let mut rng = fastrand::Rng::with_seed(11);
        let mut next = move |bound: u64| i64::try_from(rng.u64(..bound)).unwrap_or(0);
        for _ in 0..300 {
            let mut ours = SortedMap::default();
            let mut theirs = BTreeMap::new();
            for _ in 0..next(20) {
                let (key, value) = (next(30) - 15, next(1000));
                assert_eq!(ours.insert(key, value), theirs.insert(key, value));
            }
            for key in -16..16 {
                assert_eq!(ours.get(&key), theirs.get(&key));
            }
            assert!(ours.keys().eq(theirs.keys()));
            assert_eq!(ours.keys().next_back(), theirs.keys().next_back());
            assert!(ours.range(..0).eq(theirs.range(..0)));
            assert!(ours.range(0..).eq(theirs.range(0..)));
            for (_, v) in ours.range_mut(0..) {
                *v += 1;
            }
            for (_, v) in theirs.range_mut(0..) {
                *v += 1;
            }
            ours.values_mut().for_each(|v| *v *= 2);
            theirs.values_mut().for_each(|v| *v *= 2);
            assert!(ours.into_iter().eq(theirs));
        }
        for _ in 0..300 {
            let mut sides = [SortedMap::default(), SortedMap::default()];
            let mut theirs: BTreeMap<i64, i64> = BTreeMap::new();
            for side in &mut sides {
                for _ in 0..next(12) {
                    let (key, value) = (next(20), next(100));
                    side.insert(key, value);
                }
            }
            let [mine, other] = sides;
            for (key, value) in mine.clone().into_iter().chain(other.clone()) {
                *theirs.entry(key).or_default() += value;
            }
            let merged = mine.merge(other, |a, b| *a += b);
            assert!(merged.into_iter().eq(theirs));
        }
        let names: SortedMap<String, u8> = [("b".to_owned(), 1), ("a".to_owned(), 2)].into();
        assert_eq!(names.get("a"), Some(&2));
        assert_eq!(names.keys().collect::<Vec<_>>(), ["a", "b"]);
    }
}
