//! The pruned parse of an ordinary body, by hand: one pass over the bytes that walks the
//! [`BodyPlan`] like [`super::pruned`] does, reading past what the plan does not name with a
//! validating scan that keeps nothing and decodes nothing.
//!
//! It gives up (`None`, and the body goes to serde's pruned parse, which then accepts or
//! refuses it and says why) on anything a scan cannot judge as serde_json would without
//! decoding it: a syntax error, a `\u` surrogate that does not pair, a number that might
//! be out of range, nesting near serde_json's limit. So what it accepts, serde_json accepts,
//! and the document it builds is the one serde's pruned parse builds: each value the plan
//! keeps whole (a scalar, or a `Need::Whole` subtree) is handed to serde_json as its own
//! text.

use std::borrow::Cow;
use std::collections::VecDeque;

use serde::Deserialize as _;

use super::document::{Document, Text, DOCUMENT_NODE};
use super::plan::{BodyPlan, Need, Parts};
use super::{budget, structural};

/// `text` parsed as far as `plan` needs, or `None` when serde's pruned parse must judge it.
pub fn parse<'a>(text: &'a str, plan: &BodyPlan) -> Option<Document<'a>> {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
        by_blocks: true,
    };
    scan.blank();
    let document = scan.value(&plan.root)?;
    scan.blank();
    (scan.at == scan.bytes.len()).then_some(document)
}

/// Deeper nesting than this is left to serde_json, whose limit is 128.
const MAX_DEPTH: usize = 100;

/// The largest power of ten a number may reach, and the lowest exponent it may have, and
/// still be judged here (`f64` overflows past 1.8e308, which serde_json refuses; exponents of
/// more than four digits are left to serde_json too).
const MAX_MAGNITUDE: i64 = 300;

/// The most digits after a decimal point judged here.
const MAX_FRACTION: usize = 1_000_000;

struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
    /// Whether a container read past is first given to [`structural`] (not while reading
    /// one it could not judge, so no byte is looked at by it twice).
    by_blocks: bool,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Reads past JSON whitespace.
    fn blank(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Reads `byte`, else gives up.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// One value, as far as `need` says.
    fn value(&mut self, need: &Need) -> Option<Document<'a>> {
        match (need, self.peek()?) {
            (Need::Parts(parts), b'{') => self.object(parts),
            (Need::Parts(parts), b'[') => self.array(parts),
            _ => self.whole(),
        }
    }

    /// One value kept whole: scanned, then its text read by serde_json (by hand for a
    /// string without escapes and for the three literals).
    fn whole(&mut self) -> Option<Document<'a>> {
        let start = self.at;
        match self.peek()? {
            b'"' => {
                self.at += 1;
                if !self.string_body()? {
                    budget::spend(DOCUMENT_NODE).then_some(())?;
                    return Some(Document::String(Cow::Borrowed(
                        &self.text[start + 1..self.at - 1],
                    )));
                }
            }
            b't' | b'f' | b'n' => {
                self.skip()?;
                budget::spend(DOCUMENT_NODE).then_some(())?;
                return Some(match &self.bytes[start..self.at] {
                    b"true" => Document::Bool(true),
                    b"false" => Document::Bool(false),
                    _ => Document::Null,
                });
            }
            _ => self.skip()?,
        }
        let mut deserializer = serde_json::Deserializer::from_str(&self.text[start..self.at]);
        let document = Document::deserialize(&mut deserializer).ok()?;
        deserializer.end().ok()?;
        Some(document)
    }

    /// An object the plan names members of: those members (every one of a repeated name),
    /// or all of them under a wildcard.
    fn object(&mut self, parts: &Parts) -> Option<Document<'a>> {
        self.enter()?;
        let mut members = Vec::new();
        let mut first = true;
        while let Some(key) = self.next_member(&mut first)? {
            match parts.members.get(key.as_ref()).or(parts.every.as_deref()) {
                Some(need) => members.push((key, self.value(need)?)),
                None => self.skip()?,
            }
        }
        self.depth -= 1;
        budget::spend(DOCUMENT_NODE).then_some(())?;
        Some(Document::Object(members))
    }

    /// At `{` (when `first`) or after a member: the next member's name, read up to its
    /// value, or `None` at the object's end (read past).
    fn next_member(&mut self, first: &mut bool) -> Option<Option<Cow<'a, str>>> {
        if !self.another(first, b'}')? {
            return Some(None);
        }
        let key = self.key()?;
        self.colon()?;
        Some(Some(key))
    }

    /// At a container's opening bracket (when `first`) or after one of its values: whether
    /// another value follows (the cursor then at it), else its `close` is read past.
    fn another(&mut self, first: &mut bool, close: u8) -> Option<bool> {
        if std::mem::take(first) {
            self.at += 1;
            self.blank();
            if self.peek()? == close {
                self.at += 1;
                return Some(false);
            }
            return Some(true);
        }
        self.blank();
        match self.peek()? {
            b',' => {
                self.at += 1;
                self.blank();
                Some(true)
            }
            byte if byte == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Reads past the colon after a member's name, and the blanks around it.
    fn colon(&mut self) -> Option<()> {
        self.blank();
        self.expect(b':')?;
        self.blank();
        Some(())
    }

    /// A member's name, decoded.
    fn key(&mut self) -> Option<Cow<'a, str>> {
        let start = self.at;
        self.expect(b'"')?;
        if !self.string_body()? {
            return Some(Cow::Borrowed(&self.text[start + 1..self.at - 1]));
        }
        let mut deserializer = serde_json::Deserializer::from_str(&self.text[start..self.at]);
        Text::deserialize(&mut deserializer)
            .ok()
            .map(|Text(key)| key)
    }

    /// At `[` (when `first`) or after an element: whether another element follows (the
    /// cursor then at it), else the array's end is read past.
    fn next_element(&mut self, first: &mut bool) -> Option<bool> {
        self.another(first, b']')
    }

    /// An array the plan names elements of, kept as [`super::pruned`] keeps it.
    fn array(&mut self, parts: &Parts) -> Option<Document<'a>> {
        self.enter()?;
        let items = match (&parts.every, &parts.tail) {
            (Some(every), _) => self.every_element(parts, every)?,
            (None, None) => self.prefix(parts)?,
            (None, Some(tail)) => self.whole_length(parts, tail)?,
        };
        self.depth -= 1;
        budget::spend(DOCUMENT_NODE).then_some(())?;
        Some(Document::Array(items))
    }

    /// The elements up to the last index named (`null` for those not named); the rest read
    /// past.
    fn prefix(&mut self, parts: &Parts) -> Option<Vec<Document<'a>>> {
        let kept = parts.kept_prefix();
        let mut items = Vec::new();
        let mut first = true;
        while self.next_element(&mut first)? {
            if items.len() >= kept {
                self.skip()?;
                continue;
            }
            let need = i64::try_from(items.len())
                .ok()
                .and_then(|i| parts.indices.get(&i));
            let item = match need {
                Some(need) => self.value(need)?,
                None => {
                    self.skip()?;
                    budget::spend(DOCUMENT_NODE).then_some(())?;
                    Document::Null
                }
            };
            items.push(item);
        }
        Some(items)
    }

    /// Every element, each as far as its index (if named) or `every` says.
    fn every_element(&mut self, parts: &Parts, every: &Need) -> Option<Vec<Document<'a>>> {
        let mut items = Vec::new();
        let mut first = true;
        while self.next_element(&mut first)? {
            let need = i64::try_from(items.len())
                .ok()
                .and_then(|i| parts.indices.get(&i))
                .unwrap_or(every);
            items.push(self.value(need)?);
        }
        Some(items)
    }

    /// As long as the array is: the elements the non-negative indices name and the last
    /// ones a negative index may name; `null` elsewhere.
    fn whole_length(&mut self, parts: &Parts, tail: &Need) -> Option<Vec<Document<'a>>> {
        let last = parts.kept_suffix();
        let mut named = Vec::new();
        let mut recent: VecDeque<(usize, Document<'a>)> = VecDeque::new();
        let mut index = 0usize;
        let mut first = true;
        while self.next_element(&mut first)? {
            let need = i64::try_from(index)
                .ok()
                .and_then(|i| parts.indices.get(&i));
            match need {
                Some(need) => named.push((index, self.value(need)?)),
                None => {
                    let item = self.value(tail)?;
                    if recent.len() == last {
                        if let Some((_, dropped)) = recent.pop_front() {
                            budget::refund(dropped.nodes() * DOCUMENT_NODE);
                        }
                    }
                    if last > 0 {
                        recent.push_back((index, item));
                    }
                }
            }
            index += 1;
        }
        // Exactly as long as the array: each placeholder takes its slot.
        budget::spend(index.saturating_mul(std::mem::size_of::<Document<'_>>())).then_some(())?;
        let mut items = vec![Document::Null; index];
        for (at, item) in named.into_iter().chain(recent) {
            items[at] = item;
        }
        Some(items)
    }

    /// Reads past one value, checking it as serde_json would.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.string_body().map(drop)
            }
            b'{' | b'[' if self.by_blocks => {
                let text = self.text;
                let judged = structural::skip_container(
                    self.bytes,
                    self.at,
                    MAX_DEPTH.saturating_sub(self.depth),
                    |at| number_end(text, at),
                );
                if let Some(end) = judged {
                    self.at = end;
                    return Some(());
                }
                self.by_blocks = false;
                let skipped = self.skip();
                self.by_blocks = true;
                skipped
            }
            b'{' => {
                self.enter()?;
                let mut first = true;
                while self.next_member_skipped(&mut first)? {
                    self.skip()?;
                }
                self.depth -= 1;
                Some(())
            }
            b'[' => {
                self.enter()?;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.skip()?;
                }
                self.depth -= 1;
                Some(())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// [`Self::next_member`] for an object read past: the name is checked, not decoded.
    fn next_member_skipped(&mut self, first: &mut bool) -> Option<bool> {
        if !self.another(first, b'}')? {
            return Some(false);
        }
        self.expect(b'"')?;
        self.string_body()?;
        self.colon()?;
        Some(true)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// Reads past a number in JSON's grammar whose value serde_json surely accepts.
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let integer = match self.peek()? {
            b'0' => {
                self.at += 1;
                0
            }
            b'1'..=b'9' => self.digits(),
            _ => return None,
        };
        if self.peek() == Some(b'.') {
            self.at += 1;
            // serde_json counts a fraction's digits in an `i32`.
            if !(1..=MAX_FRACTION).contains(&self.digits()) {
                return None;
            }
        }
        let mut magnitude = i64::try_from(integer).ok()?;
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            let negative = match self.peek()? {
                b'-' => {
                    self.at += 1;
                    true
                }
                b'+' => {
                    self.at += 1;
                    false
                }
                _ => false,
            };
            let start = self.at;
            let count = self.digits();
            if count == 0 || count > 4 {
                return None;
            }
            let exponent: i64 = self.text[start..self.at].parse().ok()?;
            if negative && exponent > MAX_MAGNITUDE {
                return None;
            }
            if !negative {
                magnitude += exponent;
            }
        }
        (magnitude <= MAX_MAGNITUDE).then_some(())
    }

    /// Reads past ASCII digits; how many.
    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    /// After a string's opening quote: reads past it and its closing quote, checking it as
    /// serde_json decodes it; whether it has escapes.
    fn string_body(&mut self) -> Option<bool> {
        let mut escaped = false;
        loop {
            // Eight bytes at a time up to the first that needs a look.
            if let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
                let look = needs_a_look(u64::from_le_bytes(chunk.try_into().ok()?));
                if look == 0 {
                    self.at += 8;
                    continue;
                }
                self.at += (look.trailing_zeros() / 8) as usize;
            }
            let byte = self.peek()?;
            self.at += 1;
            match byte {
                b'"' => return Some(escaped),
                b'\\' => {
                    self.escape()?;
                    escaped = true;
                }
                // serde_json refuses control characters in a string.
                0..=0x1f => return None,
                _ => {}
            }
        }
    }

    /// After a backslash: reads past a valid escape (a `\u` one naming a character, or two
    /// making a surrogate pair).
    #[cold]
    #[inline(never)]
    fn escape(&mut self) -> Option<()> {
        let byte = self.peek()?;
        self.at += 1;
        match byte {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => {
                let hex = self.text.get(self.at..self.at + 4)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                let unit = u16::from_str_radix(hex, 16).ok()?;
                self.at += 4;
                match unit {
                    // A leading surrogate must be followed by a trailing one.
                    0xD800..=0xDBFF => {
                        self.expect(b'\\')?;
                        self.expect(b'u')?;
                        let hex = self.text.get(self.at..self.at + 4)?;
                        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        let trailing = u16::from_str_radix(hex, 16).ok()?;
                        self.at += 4;
                        (0xDC00..=0xDFFF).contains(&trailing).then_some(())
                    }
                    // A lone trailing surrogate: serde_json refuses it.
                    0xDC00..=0xDFFF => None,
                    _ => Some(()),
                }
            }
            _ => None,
        }
    }
}

/// The end of the number at `at` in `text`, when serde_json surely accepts its value.
pub(super) fn number_end(text: &str, at: usize) -> Option<usize> {
    let mut scan = Scan::byte_by_byte(text, at);
    scan.number()?;
    Some(scan.at)
}

/// The end of the value at `at` in `text` as the scan reads past it byte by byte, without
/// [`structural`]; for tests that hold one to the other.
#[cfg(test)]
pub(super) fn skip_byte_by_byte(text: &str, at: usize) -> Option<usize> {
    let mut scan = Scan::byte_by_byte(text, at);
    scan.skip()?;
    Some(scan.at)
}

impl<'a> Scan<'a> {
    /// A scan of `text` from `at`, at the top level, that does not use [`structural`].
    fn byte_by_byte(text: &'a str, at: usize) -> Self {
        Scan {
            text,
            bytes: text.as_bytes(),
            at,
            depth: 0,
            by_blocks: false,
        }
    }
}

/// The bytes of `word` (little-endian) that are a quote, a backslash or a control character:
/// the high bit of each is set, and the lowest one set marks the first such byte exactly
/// (a borrow may also mark bytes after it).
fn needs_a_look(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control
}

#[cfg(test)]
mod tests {
    use super::needs_a_look;

    #[test]
    fn a_word_marks_exactly_its_first_byte_that_needs_a_look() {
        let mut rng = fastrand::Rng::with_seed(20);
        let interesting = [b'"', b'\\', 0, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xff, b'a'];
        for _ in 0..20_000 {
            let bytes: [u8; 8] = std::array::from_fn(|_| {
                if rng.bool() {
                    interesting[rng.usize(..interesting.len())]
                } else {
                    rng.u8(..)
                }
            });
            let want = bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let look = needs_a_look(u64::from_le_bytes(bytes));
            let got = (look != 0).then(|| look.trailing_zeros() as usize / 8);
            assert_eq!(got, want, "{bytes:?}");
        }
    }
}
