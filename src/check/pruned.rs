//! A body parsed only as far as a [`BodyPlan`] needs: [`super::scan`]'s pass by hand when
//! it can judge the body, else one pass of serde_json that builds
//! [`Document`] nodes along the plan's tree and reads past everything else without keeping
//! it.
//!
//! What is read past is still read as a value — every string decoded, every number
//! converted — so the pass accepts and refuses exactly the bodies a full parse does (the
//! same syntax errors, lone surrogates, numbers out of range and nesting limit). An object
//! keeps only the members the plan names (every one of a repeated name, so the last still
//! wins), or all of them under a wildcard; an array keeps its elements up to the last index
//! the plan names, other elements as `null` placeholders, or — when the plan has a negative
//! index — its full length, with the elements it may name from the end, or — under a
//! wildcard or slice — every element, each pruned.

use std::collections::VecDeque;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::budget;
use super::document::{node, Document, DocumentVisitor, Text, DOCUMENT_NODE};
use super::plan::{BodyPlan, Need, Parts};

/// Parses `text` as far as `plan` needs. The error is serde_json's, as a full parse would
/// report it.
pub fn parse<'a>(text: &'a str, plan: &BodyPlan) -> serde_json::Result<Document<'a>> {
    let before = budget::checkpoint();
    match super::scan::parse(text, plan) {
        Some(document) => Ok(document),
        None => {
            // What the scan built is dropped: serde's parse starts from the same allowance.
            before.rewind();
            parse_with_serde(text, plan)
        }
    }
}

/// [`parse`] by serde_json alone (what judges every body [`super::scan`] gives up on).
fn parse_with_serde<'a>(text: &'a str, plan: &BodyPlan) -> serde_json::Result<Document<'a>> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let document = Pruned(&plan.root).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(document)
}

/// One value, parsed as far as `Need` says.
struct Pruned<'p>(&'p Need);

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Document<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match self.0 {
            Need::Whole => Document::deserialize(deserializer),
            Need::Parts(parts) => deserializer.deserialize_any(PartsVisitor(parts)),
        }
    }
}

struct PartsVisitor<'p>(&'p Parts);

impl<'de> Visitor<'de> for PartsVisitor<'_> {
    type Value = Document<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    // A scalar is kept as it is, as a full parse reads it.
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        DocumentVisitor.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        DocumentVisitor.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        DocumentVisitor.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        DocumentVisitor.visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        DocumentVisitor.visit_f64(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        DocumentVisitor.visit_borrowed_str(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        DocumentVisitor.visit_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        DocumentVisitor.visit_string(v)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(Text(key)) = map.next_key()? {
            match self.0.members.get(key.as_ref()).or(self.0.every.as_deref()) {
                Some(need) => members.push((key, map.next_value_seed(Pruned(need))?)),
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        node(Document::Object(members))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        match (&self.0.every, &self.0.tail) {
            (Some(every), _) => every_element(self.0, every, seq),
            (None, None) => prefix(self.0, seq),
            (None, Some(tail)) => whole_length(self.0, tail, seq),
        }
    }
}

/// An array the plan names only by non-negative indices: its elements up to the last one
/// named (`null` in place of those not named); the rest are read past.
fn prefix<'de, A: SeqAccess<'de>>(parts: &Parts, mut seq: A) -> Result<Document<'de>, A::Error> {
    let kept = parts.kept_prefix();
    let mut items = Vec::new();
    let mut index = 0usize;
    loop {
        if index >= kept {
            while seq.next_element::<Skip>()?.is_some() {}
            break;
        }
        let need = i64::try_from(index)
            .ok()
            .and_then(|i| parts.indices.get(&i));
        let item = match need {
            Some(need) => seq.next_element_seed(Pruned(need))?,
            None => match seq.next_element::<Skip>()? {
                Some(Skip) => Some(node(Document::Null)?),
                None => None,
            },
        };
        match item {
            Some(item) => items.push(item),
            None => break,
        }
        index += 1;
    }
    node(Document::Array(items))
}

/// An array a wildcard or slice goes through: every element, each as far as its index (if
/// named) or `every` says.
fn every_element<'de, A: SeqAccess<'de>>(
    parts: &Parts,
    every: &Need,
    mut seq: A,
) -> Result<Document<'de>, A::Error> {
    let mut items = Vec::new();
    let mut index = 0usize;
    loop {
        let need = i64::try_from(index)
            .ok()
            .and_then(|i| parts.indices.get(&i))
            .unwrap_or(every);
        match seq.next_element_seed(Pruned(need))? {
            Some(item) => items.push(item),
            None => break,
        }
        index += 1;
    }
    node(Document::Array(items))
}

/// An array the plan names by a negative index: as long as it is, with the elements the
/// non-negative indices name and the last ones a negative index may name; `null` elsewhere.
fn whole_length<'de, A: SeqAccess<'de>>(
    parts: &Parts,
    tail: &Need,
    mut seq: A,
) -> Result<Document<'de>, A::Error> {
    let last = parts.kept_suffix();
    let mut named: Vec<(usize, Document<'de>)> = Vec::new();
    let mut recent: VecDeque<(usize, Document<'de>)> = VecDeque::new();
    let mut index = 0usize;
    loop {
        let need = i64::try_from(index)
            .ok()
            .and_then(|i| parts.indices.get(&i));
        match need {
            // A non-negative index's need was widened by the tail's: one parse serves both.
            Some(need) => match seq.next_element_seed(Pruned(need))? {
                Some(item) => named.push((index, item)),
                None => break,
            },
            None => match seq.next_element_seed(Pruned(tail))? {
                Some(item) => {
                    if recent.len() == last {
                        if let Some((_, dropped)) = recent.pop_front() {
                            budget::refund(dropped.nodes() * DOCUMENT_NODE);
                        }
                    }
                    if last > 0 {
                        recent.push_back((index, item));
                    }
                }
                None => break,
            },
        }
        index += 1;
    }
    // Exactly as long as the array: each placeholder takes its slot.
    if !budget::spend(index.saturating_mul(std::mem::size_of::<Document<'_>>())) {
        return Err(de::Error::custom(budget::STOPPED));
    }
    let mut items = vec![Document::Null; index];
    for (at, item) in named.into_iter().chain(recent) {
        items[at] = item;
    }
    node(Document::Array(items))
}

/// A value read and dropped: decoded like any other (so it is refused where a full parse
/// refuses it), but nothing of it kept.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

#[cfg(test)]
#[path = "pruned_tests.rs"]
mod tests;
