//! The one redactor: every output (terminal at any verbosity, reports, `--curl`, error and skip
//! messages) passes through it, before anything is cut or formatted.
//!
//! Masking is by value. A secret is replaced wherever it appears in any form it takes on the
//! wire or in a server's answer: as itself; percent-encoded as the URL parser writes a path, a
//! query, a fragment or user info, as a form or a URI component writes it, in upper or lower
//! case hex; JSON-escaped once or twice, with `\uXXXX` for non-ASCII or for `<>&'`, with `\/`;
//! base64 (standard and URL-safe, padded or not, and inside a longer base64 text at any of the
//! three byte offsets: a JWT payload, `Basic user:pass`); HTML/XML-escaped; as a host name
//! (lower case, punycode); in Latin-1, as runner reads those bytes in a header (U+FFFD) and
//! follows them (`%E4`); and as "mojibake", its UTF-8 bytes read as Latin-1 or Windows-1252 and
//! written back as UTF-8; as runner's own messages write it: Rust's `Debug` escapes (`\u{a0}`),
//! a JSON Pointer token (`~1`), a quoted JSONPath name (`\'`). A secret trimmed of the white
//! space at its ends, and an http(s) URL as the URL parser normalises it (with its path and
//! query as the request line carries them), are secrets of their own. A secret number that
//! JSON holds as floating point is masked by value, however a text writes it. Where two
//! secrets overlap in a text, both are masked whole.
//!
//! Secrets shorter than [`MIN_SECRET_CHARS`] are masked only where they stand as a whole token
//! (not inside a longer word), so that a one-letter secret does not mask every `p` in
//! `http`. What is derived from a secret is a secret too: callers add the scalars inside a
//! secret capture ([`Redactor::add_value`]) and the output of every template helper whose input
//! held a secret ([`Redactor::learn`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use base64::Engine as _;
use serde_json::Value;

mod entities;

pub use crate::spec::text::MASK;

/// Secrets with fewer characters than this are masked only as whole tokens.
pub const MIN_SECRET_CHARS: usize = 4;

/// A capture that is a piece of a secret, of this many characters or more, is a secret too.
pub const MIN_SECRET_PIECE_CHARS: usize = 8;

/// The secret values of a run, in every form they may take in output.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// The secrets as given, to add each once.
    secrets: HashSet<String>,
    /// Every form of every secret.
    needles: Vec<Needle>,
    /// The texts of `needles`, to keep each once.
    needle_texts: HashSet<String>,
    /// Secret numbers that JSON holds as floating point, by magnitude: their text in a body
    /// (`89882806660000012345`, `0.12345678901234567890`) is not the text runner writes for
    /// them (`8.988280666000001e19`), so every number written in a text is read and
    /// compared.
    numbers: Vec<f64>,
    /// The automaton over `needles`, built at the first use after a change.
    matcher: OnceLock<Option<Arc<AhoCorasick>>>,
    /// The secrets' UTF-16 forms ([`utf16_forms`]): looked for only in a text that holds a
    /// NUL or its escape, which only such an echo does — long forms that would make every
    /// rebuild of `matcher` (one per secret a run learns) slower.
    wide: Vec<String>,
    /// The automaton over `wide`, built at the first text that needs it after a change.
    wide_matcher: OnceLock<Option<Arc<AhoCorasick>>>,
}

#[derive(Debug, Clone)]
struct Needle {
    text: String,
    /// Mask only where no letter or digit touches it on either side.
    whole_token: bool,
}

/// A writer that takes `limit` bytes, then refuses more (ending a serialisation early).
struct Bounded {
    out: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let room = self.limit.saturating_sub(self.out.len());
        if room == 0 {
            return Err(std::io::Error::other("the excerpt is long enough"));
        }
        let taken = bytes.len().min(room);
        self.out.extend_from_slice(&bytes[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A text a template helper wrote from its input (`base64`, `urlencode`, `json`): when the input
/// holds a secret, the output is one too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// The helper's input, as text.
    pub input: std::sync::Arc<str>,
    /// What it wrote.
    pub output: std::sync::Arc<str>,
}

impl Redactor {
    /// An empty redactor.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret value (and its encoded forms). Empty values are ignored.
    pub fn add(&mut self, secret: &str) {
        if secret.is_empty() || self.secrets.contains(secret) {
            return;
        }
        self.secrets.insert(secret.to_owned());
        let whole_token = secret.chars().count() < MIN_SECRET_CHARS;
        for form in forms(secret) {
            if !form.is_empty() && self.needle_texts.insert(form.clone()) {
                self.needles.push(Needle {
                    text: form,
                    whole_token,
                });
            }
        }
        self.matcher = OnceLock::new();
        for form in utf16_forms(secret) {
            if self.needle_texts.insert(form.clone()) {
                self.wide.push(form);
            }
        }
        self.wide_matcher = OnceLock::new();
        for changed in changed_secrets(secret) {
            self.add(&changed);
        }
    }

    /// Adds a secret JSON value: its text, and every string and number inside it (a secret
    /// capture of a list or an object). Booleans and null hold nothing to hide. The text of a
    /// list or object is a secret of its own up to [`MAX_WHOLE_VALUE_BYTES`]; a larger one is
    /// masked by its strings and numbers (its forms, each as long as it, would take many
    /// times its size in the matcher, for a text its masked pieces already hide).
    pub fn add_value(&mut self, value: &Value) {
        let mut whole = |value: &Value| {
            let text = value.to_string();
            if text.len() <= MAX_WHOLE_VALUE_BYTES {
                self.add(&text);
            }
        };
        match value {
            Value::Null | Value::Bool(_) => {}
            Value::String(text) => self.add(text),
            Value::Number(number) => self.add_number(number),
            Value::Array(items) => {
                whole(value);
                items.iter().for_each(|item| self.add_value(item));
            }
            Value::Object(map) => {
                whole(value);
                map.values().for_each(|item| self.add_value(item));
            }
        }
    }

    /// Adds a secret number: its text, and, when JSON holds it as floating point, its value,
    /// so that it is masked however a text writes it past its shortest form (see
    /// [`number_ranges`]).
    fn add_number(&mut self, number: &serde_json::Number) {
        let text = number.to_string();
        self.add(&text);
        let Some(value) = number.as_f64().filter(|_| number.is_f64()) else {
            return;
        };
        if text.chars().count() >= MIN_SECRET_CHARS && !self.numbers.contains(&value.abs()) {
            self.numbers.push(value.abs());
        }
    }

    /// Adds the output of every derivation whose input holds a secret, in order (an output
    /// learnt makes a later derivation of it a secret too).
    pub fn learn(&mut self, derivations: &[Derivation]) {
        for derivation in derivations {
            if derivation.input != derivation.output && self.contains_secret(&derivation.input) {
                self.add(&derivation.output);
            }
        }
    }

    /// True when `text` is a piece of a secret of [`MIN_SECRET_PIECE_CHARS`] or more: what a
    /// capture cut out of a value that held one (`Bearer (.{8})`) is a secret too, or the
    /// pieces would show it. Shorter pieces (an id `2024` that a token happens to contain)
    /// are not, or they would be masked wherever they appear.
    pub fn is_part_of_a_secret(&self, text: &str) -> bool {
        text.chars().count() >= MIN_SECRET_PIECE_CHARS
            && self.secrets.iter().any(|secret| secret.contains(text))
    }

    /// True when there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// True when `text` holds a secret, in any of its forms.
    pub fn contains_secret(&self, text: &str) -> bool {
        let found = self
            .matcher()
            .filter(|_| !text.is_empty())
            .is_some_and(|automaton| {
                automaton.find_overlapping_iter(text).any(|m| {
                    !self.needles[m.pattern().as_usize()].whole_token
                        || is_whole_token(text, m.start(), m.end())
                })
            });
        found
            || number_ranges(text, &self.numbers).next().is_some()
            || self
                .wide_matcher(text)
                .is_some_and(|automaton| automaton.is_match(text))
    }

    /// `text` with every secret replaced by [`MASK`].
    ///
    /// A secret written in a mix of encodings that no single form covers (a URL the parser
    /// encoded only in part, a server's own choice of escapes, an echo of an echo) is looked
    /// for in the decoded text too; when it is there, the decoded text is shown, masked — and
    /// looked at again, since another copy may be in another mix. A text that still reveals a
    /// secret after [`REVEAL_ROUNDS`] such rounds is withheld whole.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        // A run without secrets masks every step's name and texts: nothing to look for.
        if self.needles.is_empty() && self.numbers.is_empty() {
            return Cow::Borrowed(text);
        }
        self.redact_within(text, 0)
    }

    /// [`Self::redact`] of a text found `layers` base64 encodings deep.
    fn redact_within<'a>(&self, text: &'a str, layers: usize) -> Cow<'a, str> {
        let mut masked = self.mask(text);
        if self.is_empty() {
            return masked;
        }
        if layers < BASE64_LAYERS {
            if let Some(unwrapped) = self.unwrap_base64(&masked, layers) {
                masked = Cow::Owned(unwrapped);
            }
        }
        for _ in 0..REVEAL_ROUNDS {
            if !has_escapes(&masked) {
                return masked;
            }
            match self.reveal(&masked) {
                Some(decoded) => masked = Cow::Owned(decoded),
                None => return masked,
            }
        }
        if has_escapes(&masked) && self.reveal(&masked).is_some() {
            // Owned: callers take a borrowed answer for "nothing to mask" and keep their text.
            return Cow::Owned(WITHHELD.to_owned());
        }
        masked
    }

    /// `text` with each run of base64 that hides a secret (a JWT's payload, base64 of a URL or
    /// JSON holding one) shown decoded and redacted; the other runs are left as they are.
    /// `None` when no run hides one.
    fn unwrap_base64(&self, text: &str, layers: usize) -> Option<String> {
        let mut out: Option<String> = None;
        let mut copied = 0;
        for run in base64_runs(text) {
            // A run that follows a mask may start inside a group of four (it is the rest of a
            // run): each of the four ways to read it is tried. Any other run starts a group.
            let ways = if text[..run.start].ends_with(MASK) {
                4
            } else {
                1
            };
            let shown = (0..ways).find_map(|skip| {
                let start = run.start + skip;
                let decoded = decode_base64(text.get(start..run.end)?)?;
                match self.redact_within(&decoded, layers + 1) {
                    Cow::Owned(redacted) => Some((start, redacted)),
                    Cow::Borrowed(_) => None,
                }
            });
            let Some((start, redacted)) = shown else {
                continue;
            };
            let written = out.get_or_insert_with(|| String::with_capacity(text.len()));
            written.push_str(&text[copied..start]);
            written.push_str(&redacted);
            copied = run.past_padding;
        }
        let mut written = out?;
        written.push_str(&text[copied..]);
        Some(written)
    }

    /// `text` decoded (up to three layers, in any order: JSON escapes, percent-escapes, form
    /// encoding) until a secret shows, then masked; `None` when no decoding shows one.
    ///
    /// Shallower decodings are looked at before deeper ones, as a breadth-first search would,
    /// but the deeper ones are made one at a time from their text (depth-first), and the
    /// decodings seen are kept as hashes: a text of hundreds of megabytes is held a handful of
    /// times at once, never once for each of the dozens of ways to decode it.
    fn reveal(&self, text: &str) -> Option<String> {
        // By hash, each text met and how many layers below it were looked at (0: the text
        // itself was looked at): one met again (decodings that commute, `\"` then `%2F` or
        // `%2F` then `\"`) is not looked at again.
        let mut seen: HashSet<(u64, usize)> = HashSet::new();
        let hash = |text: &str| {
            use std::hash::{BuildHasher as _, Hasher as _};
            let mut hasher = foldhash::quality::FixedState::with_seed(0x5ec2e7).build_hasher();
            hasher.write(text.as_bytes());
            hasher.finish()
        };
        seen.insert((hash(text), 0));
        for depth in 1..=DECODE_DEPTH {
            if let Some(found) = self.reveal_at(text, depth, &mut seen, &hash) {
                return Some(found);
            }
        }
        None
    }

    /// [`Self::reveal`] of the decodings `depth` layers below `text` (each made one at a
    /// time, each seen only once).
    fn reveal_at(
        &self,
        text: &str,
        depth: usize,
        seen: &mut HashSet<(u64, usize)>,
        hash: &dyn Fn(&str) -> u64,
    ) -> Option<String> {
        if depth > 1 && !seen.insert((hash(text), depth)) {
            return None;
        }
        for decode in DECODINGS {
            let Some(decoded) = decode(text) else {
                continue;
            };
            if decoded == text {
                continue;
            }
            if depth == 1 {
                if !seen.insert((hash(&decoded), 0)) {
                    continue;
                }
                if self.contains_secret(&decoded) {
                    return Some(self.mask(&decoded).into_owned());
                }
            } else if let Some(found) = self.reveal_at(&decoded, depth - 1, seen, hash) {
                return Some(found);
            }
        }
        None
    }

    /// `text` with every form of every secret replaced by [`MASK`].
    fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut ranges = self.masked_ranges(text).peekable();
        if ranges.peek().is_none() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (start, end) in ranges {
            out.push_str(&text[last..start]);
            out.push_str(MASK);
            last = end;
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }

    /// `text` masked, then cut at `max` characters: what a message shows of a value.
    pub fn excerpt(&self, text: &str, max: usize) -> String {
        crate::spec::text::shorten(&self.redact(text), max).into_owned()
    }

    /// `value` as JSON, masked, then cut at `max` characters: [`Self::excerpt`] of its JSON
    /// text. Without secrets to mask, no more of a large value (a body of megabytes) is
    /// written than the cut shows; with some, all of it is (a secret's form may be anywhere in
    /// a base64 run or an escaped text that starts in what is shown).
    pub fn excerpt_json(&self, value: &Value, max: usize) -> String {
        if !self.is_empty() {
            return self.excerpt(&value.to_string(), max);
        }
        // A character is at most 6 bytes as a JSON escape: one more than the cut shows.
        let mut written = Bounded {
            out: Vec::new(),
            limit: (max + 1) * 6,
        };
        let _ = serde_json::to_writer(&mut written, value);
        let mut out = written.out;
        if let Err(error) = std::str::from_utf8(&out) {
            // Cut inside a character.
            out.truncate(error.valid_up_to());
        }
        let text = String::from_utf8(out).unwrap_or_default();
        crate::spec::text::shorten(&text, max).into_owned()
    }

    /// Masks `text` in place.
    pub fn redact_in_place(&self, text: &mut String) {
        if let Cow::Owned(masked) = self.redact(text) {
            *text = masked;
        }
    }

    /// The byte ranges of `text` to mask, in order, not overlapping: every match of every
    /// form, overlapping ones joined (two secrets that share a piece are both masked whole).
    fn masked_ranges<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize)> + 't {
        let mut ranges: Vec<(usize, usize)> = match self.matcher().filter(|_| !text.is_empty()) {
            Some(automaton) => automaton
                .find_overlapping_iter(text)
                .filter(|m| {
                    !self.needles[m.pattern().as_usize()].whole_token
                        || is_whole_token(text, m.start(), m.end())
                })
                .map(|m| (m.start(), m.end()))
                .collect(),
            None => Vec::new(),
        };
        ranges.extend(number_ranges(text, &self.numbers));
        if let Some(wide) = self.wide_matcher(text) {
            ranges.extend(
                wide.find_overlapping_iter(text)
                    .map(|m| (m.start(), m.end())),
            );
        }
        ranges.sort_unstable();
        let mut joined: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match joined.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => joined.push((start, end)),
            }
        }
        joined.into_iter()
    }

    /// The automaton over the UTF-16 forms, when `text` may hold one: a NUL, or its escape
    /// (`\u0000` as JSON writes it, `\0` as `Debug` does).
    fn wide_matcher(&self, text: &str) -> Option<&AhoCorasick> {
        if self.wide.is_empty() || !may_hold_wide(text.as_bytes()) {
            return None;
        }
        self.wide_matcher
            .get_or_init(|| automaton(&self.wide))
            .as_deref()
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        if self.needles.is_empty() {
            return None;
        }
        self.matcher
            .get_or_init(|| automaton(self.needles.iter().map(|n| n.text.as_str())))
            .as_deref()
    }
}

/// Whether `bytes` hold a NUL or its escape (`\u0000`, `\0`), in one pass over them: a text
/// without one holds no UTF-16 form of an ASCII secret (most texts a run masks, bodies among
/// them, are scanned once more for this alone).
fn may_hold_wide(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(0, b'\\', bytes).any(|at| {
        let after = &bytes[at + 1..];
        bytes[at] == 0 || after.starts_with(b"u0000") || after.starts_with(b"0")
    })
}

/// The automaton finding every one of `patterns`, overlapping matches too. A contiguous NFA
/// builds in a fraction of a DFA's time and searches nearly as fast: the automaton is rebuilt
/// whenever a run learns a secret.
fn automaton<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P>) -> Option<Arc<AhoCorasick>> {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .match_kind(MatchKind::Standard)
        .build(patterns)
        .ok()
        .map(Arc::new)
}

/// The longest text of a secret list or object masked as a secret of its own.
pub const MAX_WHOLE_VALUE_BYTES: usize = 4096;

/// Layers of encoding undone when looking for a secret written in a mix of them.
const DECODE_DEPTH: usize = 3;

/// Times a text is decoded and masked again, each for copies of a secret in another mix of
/// encodings, before it is withheld whole.
const REVEAL_ROUNDS: usize = 8;

/// What a text shows instead when it holds secrets in more mixes of encodings than
/// [`REVEAL_ROUNDS`] undoes.
pub const WITHHELD: &str = "*** (withheld: it holds a secret in too many mixes of encodings)";

/// True when `text` holds a percent-escape (`%2F`), a JSON escape (`\\"`, `\\u00e4`) or an
/// HTML/XML character reference (`&#115;`, `&#x73;`, `&amp;`): only then can decoding reveal
/// a secret that masking did not find.
fn has_escapes(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        || bytes.windows(2).any(|w| {
            w[0] == b'\\'
                && matches!(
                    w[1],
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u'
                )
        })
        || memchr::memchr_iter(b'&', bytes).any(|at| html_reference(&text[at..]).is_some())
}

/// What an HTML/XML character reference stands for: one character (`&#115;`), or the one
/// or two a named reference does (`&NotEqualTilde;`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Referenced {
    Char(char),
    Named(&'static str),
}

impl Referenced {
    fn push_to(self, out: &mut String) {
        match self {
            Referenced::Char(character) => out.push(character),
            Referenced::Named(text) => out.push_str(text),
        }
    }
}

/// The longest name in [`entities::NAMED`].
const LONGEST_ENTITY: usize = 31;

/// What the HTML/XML character reference at the start of `text` stands for, and the
/// reference's length: `&#115;` and `&#x73;` (any character; the `;` may be left out when
/// no digit follows, as browsers read it), and HTML's named references, `&amp;` to `&plus;`
/// and `&euro;` (the few a browser reads without `;`, `&amp` and `&copy`, without it too).
fn html_reference(text: &str) -> Option<(Referenced, usize)> {
    let rest = text.strip_prefix('&')?;
    if let Some(number) = rest.strip_prefix('#') {
        let (radix, digits) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (16, hex),
            None => (10, number),
        };
        let count = digits
            .bytes()
            .take_while(|b| char::from(*b).is_digit(radix))
            .count();
        // Leading zeros aside, seven digits say more than any code point.
        let significant = digits[..count].trim_start_matches('0');
        if count == 0 || significant.len() > 7 {
            return None;
        }
        let code = match significant {
            "" => 0,
            significant => u32::from_str_radix(significant, radix).ok()?,
        };
        let character = char::from_u32(code)?;
        let length = text.len() - digits.len() + count;
        let semicolon = usize::from(digits[count..].starts_with(';'));
        return Some((Referenced::Char(character), length + semicolon));
    }
    let name_length = rest
        .bytes()
        .take(LONGEST_ENTITY + 1)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    let name = &rest[..name_length];
    let named = |name: &str| {
        entities::NAMED
            .binary_search_by(|(entry, _)| entry.as_bytes().cmp(name.as_bytes()))
            .ok()
            .map(|at| Referenced::Named(entities::NAMED[at].1))
    };
    if rest[name_length..].starts_with(';') {
        if let Some(referenced) = named(name) {
            return Some((referenced, name_length + 2));
        }
    }
    // Without its `;`, the longest name a browser reads that way (`&notit` is `¬it`).
    (1..=name_length).rev().find_map(|length| {
        let prefix = &name[..length];
        entities::WITHOUT_SEMICOLON
            .binary_search_by(|entry| entry.as_bytes().cmp(prefix.as_bytes()))
            .ok()?;
        Some((named(prefix)?, length + 1))
    })
}

/// `text` with HTML/XML character references (see [`html_reference`]) undone; an `&` that
/// starts none is left as it is.
fn html_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        match html_reference(&rest[at..]) {
            Some((referenced, length)) => {
                referenced.push_to(&mut out);
                rest = &rest[at + length..];
            }
            None => {
                out.push('&');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` decoded one layer, each way it may have been encoded and that changes it: JSON
/// escapes, percent-escapes, form encoding (`+` for a space, with percent-escapes), and HTML
/// or XML character references.
const DECODINGS: [fn(&str) -> Option<String>; 4] = [
    |text| text.contains('\\').then(|| json_unescape(text)),
    |text| text.contains('%').then(|| percent_decoded(text)),
    |text| {
        (text.contains('%') && text.contains('+')).then(|| percent_decoded(&text.replace('+', " ")))
    },
    |text| text.contains('&').then(|| html_unescape(text)),
];

/// `text` with its percent-escapes decoded (bytes that are not UTF-8 replaced).
fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Base64 runs shorter than this are not decoded: they hold less than a secret of
/// [`MIN_SECRET_CHARS`].
const MIN_BASE64_RUN_CHARS: usize = 6;

/// Layers of base64 undone when looking for a secret (a token in a token).
const BASE64_LAYERS: usize = 3;

/// A run of base64 characters in a text.
struct Base64Run {
    start: usize,
    end: usize,
    /// Past the run and the `=` padding after it.
    past_padding: usize,
}

/// The line breaks base64 is wrapped at (PEM, MIME), as written or JSON-escaped.
const BASE64_LINE_BREAKS: [&[u8]; 4] = [b"\r\n", b"\n", b"\\r\\n", b"\\n"];

/// The shortest line of base64 a run goes on after: PEM writes 64 characters a line, MIME
/// 76.
const MIN_BASE64_LINE_CHARS: usize = 16;

/// The runs of base64 in `text` (standard or URL-safe alphabet) of [`MIN_BASE64_RUN_CHARS`]
/// or more that mix two of upper case, lower case, digits and `+/-_`, as base64 of text does
/// (a word or a number does not, and is not decoded). A run wrapped into lines (PEM, MIME:
/// every line but the last as wide as the first, a multiple of four characters and
/// [`MIN_BASE64_LINE_CHARS`] or more) is one run, its line breaks included.
fn base64_runs(text: &str) -> impl Iterator<Item = Base64Run> + '_ {
    let bytes = text.as_bytes();
    let is_base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            // The letter of an escape (`\n`) is not the start of a run.
            if !is_base64(bytes[at]) || (at > 0 && bytes[at - 1] == b'\\') {
                at += 1;
                continue;
            }
            let start = at;
            // The width of the run's lines: every line but the last is as wide as the first.
            let mut width = None;
            loop {
                let line = at;
                while at < bytes.len() && is_base64(bytes[at]) {
                    at += 1;
                }
                let length = at - line;
                let full_line = length >= MIN_BASE64_LINE_CHARS
                    && length % 4 == 0
                    && *width.get_or_insert(length) == length;
                // The next line goes on with the run when it is as wide, or ends the run (a
                // line of words after it, such as PEM's `-----END X-----`, does not, nor does
                // a MIME boundary, `--frontier`).
                let goes_on = |next: usize| {
                    let end = next + bytes[next..].iter().take_while(|b| is_base64(**b)).count();
                    end > next
                        && !bytes[next..].starts_with(b"--")
                        && (Some(end - next) == width
                            || !matches!(bytes.get(end), Some(b' ' | b'\t')))
                };
                let next_line = BASE64_LINE_BREAKS
                    .iter()
                    .find(|b| bytes[at..].starts_with(b))
                    .map(|b| at + b.len())
                    .filter(|&next| full_line && goes_on(next));
                match next_line {
                    Some(next) => at = next,
                    None => break,
                }
            }
            let end = at;
            while at < bytes.len() && bytes[at] == b'=' {
                at += 1;
            }
            let run = &bytes[start..end];
            let kinds = [
                run.iter().any(u8::is_ascii_uppercase),
                run.iter().any(u8::is_ascii_lowercase),
                run.iter().any(u8::is_ascii_digit),
                run.iter().any(|b| matches!(b, b'+' | b'/' | b'-' | b'_')),
            ];
            if run.len() >= MIN_BASE64_RUN_CHARS && kinds.iter().filter(|k| **k).count() >= 2 {
                return Some(Base64Run {
                    start,
                    end,
                    past_padding: at,
                });
            }
        }
        None
    })
}

/// `run` decoded as base64 (either alphabet, padding optional, line breaks left out), when
/// that gives printable text of [`MIN_SECRET_CHARS`] bytes or more. A last character that
/// holds no whole byte is left out.
fn decode_base64(run: &str) -> Option<String> {
    use base64::engine::{general_purpose::GeneralPurpose, DecodePaddingMode};
    const LENIENT: base64::engine::GeneralPurposeConfig =
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);
    let unwrapped;
    let run = if run.contains(['\n', '\\']) {
        unwrapped = run
            .replace("\\r", "")
            .replace("\\n", "")
            .replace(['\r', '\n'], "");
        unwrapped.as_str()
    } else {
        run
    };
    let run = match run.len() % 4 {
        1 => &run[..run.len() - 1],
        _ => run,
    };
    let engine = if run.contains(['-', '_']) {
        &URL_SAFE
    } else {
        &STANDARD
    };
    let decoded = printable_utf8(&engine.decode(run).ok()?)?;
    (decoded.len() >= MIN_SECRET_CHARS).then_some(decoded)
}

/// `bytes` as text when they are UTF-8 without control characters but tabs and line breaks,
/// up to three bytes at either end aside (the rest of a character cut by the run's ends).
fn printable_utf8(bytes: &[u8]) -> Option<String> {
    let lead = bytes
        .iter()
        .take(3)
        .take_while(|b| (0x80..0xC0).contains(*b))
        .count();
    let bytes = &bytes[lead..];
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) if error.error_len().is_none() && bytes.len() - error.valid_up_to() <= 3 => {
            std::str::from_utf8(&bytes[..error.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .then(|| text.to_owned())
}

/// `text` with JSON string escapes (`\"`, `\/`, `\n`, `\uXXXX` with surrogate pairs) undone;
/// anything that is not a valid escape is left as it is.
fn json_unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let hex4 = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| -> Option<u32> {
        let digits: String = chars.clone().take(4).collect();
        let value = (digits.len() == 4)
            .then(|| u32::from_str_radix(&digits, 16).ok())
            .flatten()?;
        for _ in 0..4 {
            chars.next();
        }
        Some(value)
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(e @ ('"' | '\\' | '/')) => {
                chars.next();
                out.push(e);
            }
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('r') => {
                chars.next();
                out.push('\r');
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            Some('b') => {
                chars.next();
                out.push('\u{8}');
            }
            Some('f') => {
                chars.next();
                out.push('\u{c}');
            }
            Some('u') => {
                let mut ahead = chars.clone();
                ahead.next();
                match hex4(&mut ahead) {
                    Some(high @ 0xD800..=0xDBFF) => {
                        let mut after = ahead.clone();
                        let low = (after.next() == Some('\\') && after.next() == Some('u'))
                            .then(|| hex4(&mut after))
                            .flatten()
                            .filter(|low| (0xDC00..=0xDFFF).contains(low));
                        match low.and_then(|low| {
                            char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                        }) {
                            Some(c) => {
                                out.push(c);
                                chars = after;
                            }
                            None => out.push('\\'),
                        }
                    }
                    Some(unit) => match char::from_u32(unit) {
                        Some(c) => {
                            out.push(c);
                            chars = ahead;
                        }
                        None => out.push('\\'),
                    },
                    None => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// The byte ranges of the numbers written in `text` whose magnitude is one of `numbers`, in
/// any notation (`89882806660000012345`, `8.9882806660000012345e19`, `8.988280666000001E+19`):
/// each run of digits that no letter, digit, `_` or `.` comes right before and no letter,
/// digit or `_` right after, with its fraction and exponent, read as a 64-bit floating-point
/// number ([`reads_as_one_of`]). A sign is left shown.
fn number_ranges<'t>(
    text: &'t str,
    numbers: &'t [f64],
) -> impl Iterator<Item = (usize, usize)> + 't {
    let bytes = text.as_bytes();
    let mut at = if numbers.is_empty() { bytes.len() } else { 0 };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            if !bytes[at].is_ascii_digit() {
                at += 1;
                continue;
            }
            let start = at;
            let end = number_end(bytes, start);
            at = end;
            let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
            let glued_before = start > 0 && (word(&bytes[start - 1]) || bytes[start - 1] == b'.');
            if glued_before || bytes.get(end).is_some_and(word) {
                continue;
            }
            if reads_as_one_of(&text[start..end], numbers) {
                return Some((start, end));
            }
        }
        None
    })
}

/// True when `literal` (a number's digits, fraction and exponent) is one of `numbers`, read as
/// the JSON parser reads a body (its quick reading may differ from the nearest floating-point
/// number in the last bit) or exactly (another parser's reading).
///
/// Only a literal written past its value's shortest form counts (`0.65769307042903602362`,
/// `1e2`): one written as its shortest form (`200`) is masked as text, where it is the
/// secret's own text, and left alone where it is not, or a secret `200.0` would mask every
/// status 200 of a run.
fn reads_as_one_of(literal: &str, numbers: &[f64]) -> bool {
    let as_json = serde_json::from_str::<f64>(literal).ok();
    let exact = literal.parse::<f64>().ok();
    [as_json, exact]
        .into_iter()
        .flatten()
        .any(|value| numbers.contains(&value) && value.to_string() != literal)
}

/// Where the number that starts at `start` (a digit) ends: its digits, a fraction, an
/// exponent.
fn number_end(bytes: &[u8], start: usize) -> usize {
    let digits = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut end = digits(start);
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        if bytes.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
            end = digits(end + 1 + sign);
        }
    }
    end
}

/// True when no letter, digit or `_` touches `text[start..end]` on either side.
fn is_whole_token(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    !text[..start].chars().next_back().is_some_and(word)
        && !text[end..].chars().next().is_some_and(word)
}

/// Every form `secret` may take in output.
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    // The URL parser reads `\\` in an http(s) path as `/`.
    if secret.contains('\\') {
        forms.push(secret.replace('\\', "/"));
    }
    forms.extend(url_forms(secret));
    forms.extend(json_forms(secret));
    // Inside a longer base64 text: the secret as itself and as JSON writes it (a JWT's
    // payload). Base64 of text is also decoded when redacting, which finds the other forms.
    let mut pieces = base64_pieces(secret);
    let json = json_escape(secret, JsonStyle::PLAIN);
    if json != secret {
        pieces.extend(base64_pieces(&json));
    }
    forms.extend(base64_forms(secret));
    forms.extend(pieces);
    forms.extend(html_forms(secret));
    forms.extend(latin1_forms(secret));
    forms.extend(mojibake_forms(secret));
    // Host names: the URL parser lowercases them and writes non-ASCII labels in punycode.
    let lower = secret.to_lowercase();
    if lower != secret {
        forms.push(lower);
    }
    if let Ok(url::Host::Domain(domain)) = url::Host::parse(secret) {
        forms.push(domain);
    }
    forms.extend(debug_form(secret));
    forms.extend(json_pointer_form(secret));
    forms.extend(jsonpath_name_forms(secret));
    forms
}

/// The secrets a secret turns into on its way out, each masked as a secret of its own (with
/// all its forms): without the white space or control characters at either end (the URL
/// parser drops them, a header's value is read without them, a message quotes a value
/// trimmed), and, for an http(s) URL, the URL as the parser normalises it.
fn changed_secrets(secret: &str) -> Vec<String> {
    let mut changed = trimmed_forms(secret);
    changed.extend(normalised_url_forms(secret));
    changed.retain(|form| !form.is_empty() && form != secret);
    changed.dedup();
    changed
}

/// True for what is trimmed off the ends of a value: white space (Unicode's, which HTTP's
/// spaces and tabs are part of) and control characters (the URL parser's C0 controls).
fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// `secret` trimmed at both ends, at its start only and at its end only (a value at the end
/// of a URL loses only its trailing spaces).
fn trimmed_forms(secret: &str) -> Vec<String> {
    [
        secret.trim_matches(is_trimmed),
        secret.trim_start_matches(is_trimmed),
        secret.trim_end_matches(is_trimmed),
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// An http(s) URL as the URL parser normalises it (scheme and host in lower case, the default
/// port left out, leading zeros of a port dropped, an IPv4 address in any notation written
/// in dotted decimal, `.` and `..` segments resolved), and its path and query as the request
/// line carries them (a server's "Cannot POST /…" page echoes it), when they are a piece of
/// [`MIN_SECRET_PIECE_CHARS`] or more.
fn normalised_url_forms(secret: &str) -> Vec<String> {
    let Ok(url) = url::Url::parse(secret) else {
        return Vec::new();
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Vec::new();
    }
    let mut forms = vec![url.as_str().to_owned()];
    let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    if target.chars().count() >= MIN_SECRET_PIECE_CHARS {
        forms.push(target.to_owned());
    }
    // The credentials of its user info, which the client sends as Basic auth
    // (`base64(user:password)`), as written and decoded.
    if let Some(password) = url.password() {
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        let (user, decoded) = (decode(url.username()), decode(password));
        forms.push(format!("{user}:{decoded}"));
        forms.push(format!("{}:{password}", url.username()));
        forms.push(decoded);
        forms.push(password.to_owned());
    }
    forms
}

/// `secret` as Rust's `Debug` writes it inside quotes (`\u{a0}`, `\u{200b}`, `\"`, `\n`):
/// what a message that quotes a value with `{:?}` shows.
fn debug_form(secret: &str) -> Option<String> {
    let quoted = format!("{secret:?}");
    let inner = quoted.get(1..quoted.len() - 1)?;
    (inner != secret).then(|| inner.to_owned())
}

/// `secret` as one token of a JSON Pointer (`~` as `~0`, `/` as `~1`): a member name in the
/// place a schema failure or an OpenAPI violation names.
fn json_pointer_form(secret: &str) -> Option<String> {
    let token = secret.replace('~', "~0").replace('/', "~1");
    (token != secret).then_some(token)
}

/// `secret` as a member name in a JSONPath written with quotes, `$['…']`: as RFC 9535's
/// normalized paths escape it (`\\`, `\'`, control characters as JSON escapes them), and
/// with only `\\` and `\'` escaped (a snapshot's changes).
fn jsonpath_name_forms(secret: &str) -> Vec<String> {
    let quotes_only = secret.replace('\\', "\\\\").replace('\'', "\\'");
    let mut normalized = String::with_capacity(quotes_only.len());
    for c in secret.chars() {
        match c {
            '\\' => normalized.push_str("\\\\"),
            '\'' => normalized.push_str("\\'"),
            '\u{8}' => normalized.push_str("\\b"),
            '\u{c}' => normalized.push_str("\\f"),
            '\n' => normalized.push_str("\\n"),
            '\r' => normalized.push_str("\\r"),
            '\t' => normalized.push_str("\\t"),
            c if u32::from(c) < 0x20 => normalized.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => normalized.push(c),
        }
    }
    [quotes_only, normalized]
        .into_iter()
        .filter(|form| form != secret)
        .collect()
}

/// A secret beyond ASCII that a server sent back in Latin-1 (in a header, or a `Location`):
/// as runner reads those bytes (each U+FFFD) and as it follows them (percent-encoded).
fn latin1_forms(secret: &str) -> Vec<String> {
    if secret.is_ascii() {
        return Vec::new();
    }
    let Ok(bytes) = secret
        .chars()
        .map(|c| u8::try_from(u32::from(c)))
        .collect::<Result<Vec<u8>, _>>()
    else {
        return Vec::new();
    };
    vec![
        String::from_utf8_lossy(&bytes).into_owned(),
        percent_encoding::percent_encode(&bytes, percent_encoding::CONTROLS).to_string(),
    ]
}

/// `secret` echoed in a body in UTF-16 (`charset=utf-16`, little- or big-endian), as runner
/// reads such bytes: each byte a character (a snapshot's bytes, read as Latin-1), or as
/// UTF-8 with the NULs of ASCII (the terminal and the reports), and as JSON and Rust's
/// `Debug` escape those NULs (`B\u0000e\u0000`). Secrets of ASCII give both readings at once.
fn utf16_forms(secret: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for big_endian in [false, true] {
        let bytes: Vec<u8> = secret
            .encode_utf16()
            .flat_map(|unit| match big_endian {
                true => unit.to_be_bytes(),
                false => unit.to_le_bytes(),
            })
            .collect();
        let form: String = bytes.iter().copied().map(char::from).collect();
        forms.push(json_escape(&form, JsonStyle::PLAIN));
        forms.extend(debug_form(&form));
        forms.push(form);
    }
    forms
}

/// Characters left alone by a URI component encoder (RFC 3986 unreserved).
const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The percent-encodings of `secret`: as a URI component, a form value, and each part of a URL
/// as the URL parser encodes it (taken from the parser itself, so they cannot drift apart).
fn url_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![
        percent_encoding::utf8_percent_encode(secret, URL_COMPONENT).to_string(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
    ];
    if let Ok(base) = url::Url::parse("http://host/") {
        let mut url = base.clone();
        url.set_path(secret);
        forms.push(url.path().trim_start_matches('/').to_owned());
        let mut url = base.clone();
        url.set_query(Some(secret));
        forms.extend(url.query().map(str::to_owned));
        let mut url = base.clone();
        url.set_fragment(Some(secret));
        forms.extend(url.fragment().map(str::to_owned));
        let mut url = base.clone();
        if url.set_username(secret).is_ok() {
            forms.push(url.username().to_owned());
        }
        let mut url = base;
        if url.set_password(Some(secret)).is_ok() {
            forms.extend(url.password().map(str::to_owned));
        }
    }
    // Servers and proxies may write the hex digits in lower case.
    let lower: Vec<String> = forms.iter().filter_map(|f| lower_hex(f)).collect();
    forms.extend(lower);
    forms
}

/// `text` with the hex digits of its percent-escapes in lower case, when that changes it.
fn lower_hex(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or(&rest[at..]);
        out.push_str(&escape.to_ascii_lowercase());
        rest = &rest[at + escape.len()..];
    }
    out.push_str(rest);
    (out != text).then_some(out)
}

/// How a JSON encoder may escape a string.
#[derive(Clone, Copy)]
struct JsonStyle {
    /// Non-ASCII as `\uXXXX` (Python's default).
    ascii: bool,
    /// `\uXXXX` with upper-case hex digits.
    upper: bool,
    /// `/` as `\/` (PHP's default).
    slash: bool,
    /// `<`, `>`, `&`, `'` as `\u003c`... (Go's default).
    html: bool,
}

impl JsonStyle {
    /// As serde_json writes a string.
    const PLAIN: JsonStyle = JsonStyle {
        ascii: false,
        upper: false,
        slash: false,
        html: false,
    };
}

/// `secret` inside a JSON string as common encoders write it, and escaped twice (a JSON string
/// inside a JSON string).
fn json_forms(secret: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for ascii in [false, true] {
        for slash in [false, true] {
            for html in [false, true] {
                for upper in [false, true] {
                    if upper && !(ascii || html) {
                        continue;
                    }
                    let style = JsonStyle {
                        ascii,
                        upper,
                        slash,
                        html,
                    };
                    forms.push(json_escape(secret, style));
                }
            }
        }
    }
    let plain = JsonStyle::PLAIN;
    let twice: Vec<String> = forms
        .iter()
        .take(2)
        .chain(forms.iter().filter(|f| f.contains("\\u")).take(1))
        .map(|once| json_escape(once, plain))
        .collect();
    forms.extend(twice);
    forms
}

fn json_escape(text: &str, style: JsonStyle) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let unicode = |out: &mut String, unit: u16| {
        if style.upper {
            out.push_str(&format!("\\u{unit:04X}"));
        } else {
            out.push_str(&format!("\\u{unit:04x}"));
        }
    };
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '/' if style.slash => out.push_str("\\/"),
            '<' | '>' | '&' | '\'' if style.html => unicode(&mut out, c as u16),
            c if (c as u32) < 0x20 => unicode(&mut out, c as u16),
            c if style.ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    unicode(&mut out, *unit);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Base64 pieces shorter than this are not looked for inside a longer base64 text: they would
/// match by chance (a secret too short for a piece at some offset is still found where the
/// base64 decodes to text).
const MIN_BASE64_PIECE_CHARS: usize = 6;

/// `secret` in base64, encoded alone: standard and URL-safe, padded or not.
fn base64_forms(secret: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .map(|engine| engine.encode(secret))
        .collect()
}

/// The base64 characters that `text`'s bytes alone decide when it is encoded inside a longer
/// text (`{"sub":"…"}` in a JWT, `user:password` after `Basic`), for each of the three offsets
/// it may start at in a group of three bytes, standard and URL-safe. The characters at either
/// end, shared with the bytes around it, are left: each shows at most four bits of it.
fn base64_pieces(text: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let mut pieces = Vec::new();
    if text.chars().count() < MIN_SECRET_CHARS {
        return pieces;
    }
    let bits = 8 * text.len();
    for offset in 0..3 {
        let mut bytes = vec![0u8; offset];
        bytes.extend_from_slice(text.as_bytes());
        // Character `i` holds bits `6i..6i + 6`; the text holds bits `8 * offset..`.
        let first = (8 * offset).div_ceil(6);
        let end = (8 * offset + bits) / 6;
        if end < first + MIN_BASE64_PIECE_CHARS {
            continue;
        }
        for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
            pieces.push(engine.encode(&bytes)[first..end].to_owned());
        }
    }
    pieces
}

/// `secret` HTML- or XML-escaped, as common escapers write `&<>"'`: an echo in an HTML page or
/// an XML document.
fn html_forms(secret: &str) -> Vec<String> {
    if !secret.contains(['&', '<', '>', '"', '\'']) {
        return Vec::new();
    }
    // (`"`, `'`) as Python's `html.escape`, PHP's `htmlspecialchars`, XML, Go's `html`, and
    // text content that leaves quotes alone.
    let quotes = [
        ("&quot;", "&#x27;"),
        ("&quot;", "&#039;"),
        ("&quot;", "&apos;"),
        ("&#34;", "&#39;"),
        ("\"", "'"),
    ];
    quotes
        .iter()
        .map(|(double, single)| {
            let mut out = String::with_capacity(secret.len() + 16);
            for c in secret.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str(double),
                    '\'' => out.push_str(single),
                    c => out.push(c),
                }
            }
            out
        })
        .collect()
}

/// A secret beyond ASCII whose UTF-8 bytes a server read as Latin-1 or Windows-1252 and wrote
/// back as UTF-8 (`pässwort` as `pÃ¤sswort`).
fn mojibake_forms(secret: &str) -> Vec<String> {
    if secret.is_ascii() {
        return Vec::new();
    }
    let latin1: String = secret.bytes().map(char::from).collect();
    let windows_1252: String = secret.bytes().map(windows_1252_char).collect();
    vec![latin1, windows_1252]
}

/// The character Windows-1252 gives a byte (Latin-1 but for 0x80–0x9F; the five bytes it leaves
/// undefined are read as Latin-1's control characters, as browsers do).
fn windows_1252_char(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        byte => char::from(byte),
    }
}

/// A quoted source line is masked with the run's secrets through this.
impl crate::spec::field::Secrets for Redactor {
    fn contains_secret(&self, text: &str) -> bool {
        Redactor::contains_secret(self, text)
    }

    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        Redactor::redact(self, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redactor(secrets: &[&str]) -> Redactor {
        let mut redactor = Redactor::new();
        secrets.iter().for_each(|s| redactor.add(s));
        redactor
    }

    /// A secret's UTF-16 forms, which live in an automaton of their own, are found by
    /// `contains_secret` as `redact` masks them (a quoted line, a request body's check).
    #[test]
    fn a_utf16_form_is_a_secret_to_contains_secret_too() {
        let redactor = redactor(&["Wide7Secret"]);
        let le: String = "Wide7Secret"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .map(char::from)
            .collect();
        let escaped = serde_json::to_string(&le).expect("json");
        for text in [format!("x {le} y"), escaped] {
            assert!(redactor.contains_secret(&text), "{text:?}");
            assert!(!redactor.redact(&text).contains(&le), "{text:?}");
        }
        assert!(!redactor.contains_secret(r"W\u0000ide7 nothing"));
    }

    #[test]
    fn masks_every_form() {
        let redactor = redactor(&["s3cr3t/+ \"x\""]);
        assert_eq!(redactor.redact("Bearer s3cr3t/+ \"x\""), "Bearer ***");
        assert_eq!(redactor.redact("?t=s3cr3t%2F%2B%20%22x%22"), "?t=***");
        assert_eq!(redactor.redact("?t=s3cr3t%2f%2b%20%22x%22"), "?t=***");
        assert_eq!(
            redactor.redact(r#"{"t":"s3cr3t/+ \"x\""}"#),
            r#"{"t":"***"}"#
        );
        assert_eq!(
            redactor.redact(r#"{"t":"s3cr3t\/+ \"x\""}"#),
            r#"{"t":"***"}"#
        );
        assert_eq!(
            redactor.redact(r#"{"t":"{\"u\":\"s3cr3t/+ \\\"x\\\"\"}"}"#),
            r#"{"t":"{\"u\":\"***\"}"}"#
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode("s3cr3t/+ \"x\"");
        assert_eq!(redactor.redact(&format!("Basic {b64}")), "Basic ***");
    }

    #[test]
    fn masks_what_the_url_parser_wrote() {
        let redactor = redactor(&["p@ss w0rd!", "s3cr3t\"/+&=tok", "a~b c"]);
        assert_eq!(redactor.redact("/p/p@ss%20w0rd!"), "/p/***");
        assert_eq!(redactor.redact("?t=s3cr3t%22/+&=tok"), "?t=***");
        assert_eq!(redactor.redact("a=a%7Eb+c"), "a=***");
    }

    #[test]
    fn masks_a_secret_a_server_sent_back_in_latin1() {
        let redactor = redactor(&["pässwort-123"]);
        assert_eq!(
            redactor.redact("x-echo: p\u{fffd}sswort-123"),
            "x-echo: ***"
        );
        assert_eq!(redactor.redact("/to/p%E4sswort-123"), "/to/***");
    }

    #[test]
    fn masks_json_escapes_a_server_chose() {
        let redactor = redactor(&["pässwörd/x<y"]);
        assert_eq!(redactor.redact(r#""p\u00e4ssw\u00f6rd/x<y""#), "\"***\"");
        assert_eq!(redactor.redact(r#""p\u00E4ssw\u00F6rd\/x<y""#), "\"***\"");
        assert_eq!(redactor.redact(r#""pässwörd/x\u003cy""#), "\"***\"");
    }

    #[test]
    fn masks_host_names_as_the_parser_writes_them() {
        let redactor = redactor(&["Tenant-Ä"]);
        assert_eq!(
            redactor.redact("https://tenant-ä.example"),
            "https://***.example"
        );
        let punycode = match url::Host::parse("Tenant-Ä") {
            Ok(url::Host::Domain(d)) => d,
            _ => unreachable!("a valid host"),
        };
        assert_eq!(
            redactor.redact(&format!("https://{punycode}.example")),
            "https://***.example"
        );
    }

    #[test]
    fn short_secrets_are_masked_only_as_whole_tokens() {
        let redactor = redactor(&["p", "42"]);
        assert_eq!(redactor.redact("http://x/p?q=p"), "http://x/***?q=***");
        assert_eq!(
            redactor.redact("expected 420, got p2"),
            "expected 420, got p2"
        );
        assert_eq!(redactor.redact("id 42."), "id ***.");
    }

    #[test]
    fn scalars_of_a_secret_value_are_secrets() {
        let mut redactor = Redactor::new();
        redactor.add_value(
            &serde_json::json!({"user": "alice", "password": "hunter22", "n": [12345, true]}),
        );
        assert_eq!(
            redactor.redact("hunter22 12345 alice true"),
            "*** *** *** true"
        );
    }

    /// A secret list of many keys: each key is masked, and the list's own text (megabytes,
    /// with a dozen forms each as long) is not made a secret of its own; a short list's is.
    #[test]
    fn a_long_secret_list_is_masked_by_its_items() {
        let keys: Vec<String> = (0..1000).map(|i| format!("key-{i:012}-xyzw")).collect();
        let list = serde_json::json!(keys);
        let mut redactor = Redactor::new();
        redactor.add_value(&list);
        assert!(!redactor.secrets.contains(&list.to_string()));
        assert!(redactor.secrets.contains("key-000000000999-xyzw"));
        let text = list.to_string();
        let shown = redactor.redact(&text);
        assert!(!shown.contains("key-"), "{shown}");
        let short = serde_json::json!(["ab", "cd"]);
        redactor.add_value(&short);
        assert!(redactor.secrets.contains(&short.to_string()));
    }

    #[test]
    fn what_a_helper_derived_from_a_secret_is_a_secret() {
        let mut redactor = redactor(&["hunter2"]);
        redactor.learn(&[
            Derivation {
                input: "user:hunter2".into(),
                output: "dXNlcjpodW50ZXIy".into(),
            },
            Derivation {
                input: "plain".into(),
                output: "cGxhaW4=".into(),
            },
        ]);
        assert_eq!(
            redactor.redact("Basic dXNlcjpodW50ZXIy cGxhaW4="),
            "Basic *** cGxhaW4="
        );
    }

    #[test]
    fn a_piece_of_a_secret_is_one_when_long_enough() {
        let redactor = redactor(&["Zebra-Pass-99"]);
        assert!(redactor.is_part_of_a_secret("Zebra-Pa"));
        assert!(redactor.is_part_of_a_secret("ebra-Pass-99"));
        assert!(!redactor.is_part_of_a_secret("Zebra-P"));
        assert!(!redactor.is_part_of_a_secret("Zebra-Pass-990"));
    }

    #[test]
    fn a_json_excerpt_is_the_excerpt_of_the_whole_json() {
        let long = "ab\u{e9}\"\u{1}".repeat(100_000) + "Zk9Wq-correct-horse";
        let values = [
            json!(long),
            json!([long, 1]),
            json!({ "a": "Zk9Wq-correct-horse", "b": long }),
            json!(format!("{}Zk9Wq-correct-horse", "x".repeat(110))),
            json!("x".repeat(119)),
            json!("x".repeat(120)),
            json!("\u{1}".repeat(200)),
            json!("short"),
            Value::Array(vec![json!("Zk9Wq-correct-horse"); 100]),
        ];
        for redactor in [Redactor::new(), redactor(&["Zk9Wq-correct-horse"])] {
            for value in &values {
                let whole = redactor.excerpt(&value.to_string(), 120);
                assert_eq!(redactor.excerpt_json(value, 120), whole, "{whole}");
            }
        }
    }

    #[test]
    fn excerpts_are_cut_after_masking() {
        let redactor = redactor(&["MY-LONG-SECRET-PASSWORD"]);
        let text = format!("{}MY-LONG-SECRET-PASSWORD", "x".repeat(10));
        assert_eq!(redactor.excerpt(&text, 15), "xxxxxxxxxx***");
        assert_eq!(redactor.excerpt(&text, 12), "xxxxxxxxxx**…");
    }

    #[test]
    fn finds_secrets_written_in_a_mix_of_encodings() {
        let redactor = redactor(&["a b?c/ä\"q"]);
        // The path encoded, the query left as the parser found it.
        assert_eq!(
            redactor.redact("http://h/r/a%20b?c/ä%22q"),
            "http://h/r/***"
        );
        // Split by a `?` between the path and the query, `\\` read as `/` in the path.
        let redactor_with_backslash = super::tests::redactor(&["q\\w e?r t"]);
        assert_eq!(
            redactor_with_backslash.redact("http://h/p/q/w%20e?r%20t"),
            "http://h/p/***"
        );
        // Escaped by a server one character at a time, then put in a URL.
        assert_eq!(
            redactor.redact(r#"{"e":"a b?c\/\u00e4\"q"}"#),
            r#"{"e":"***"}"#
        );
        assert_eq!(redactor.redact("x=a+b%3Fc%2F%C3%A4%22q"), "x=***");
    }

    #[test]
    fn masks_every_copy_when_each_is_in_another_mix_of_encodings() {
        let redactor = redactor(&["tok3n-Qx81-zz"]);
        // One copy with a JSON escape, one with a percent-escape: no one decoding shows both.
        assert_eq!(
            redactor.redact(r"a=tok\u0033n-Qx81-zz&u=tok%33n-Qx81-zz"),
            "a=***&u=***"
        );
        assert_eq!(
            redactor.redact(r"u=tok%33n-Qx81-zz&a=tok\u0033n-Qx81-zz&f=tok%2533n-Qx81-zz"),
            "u=***&a=***&f=***"
        );
        // Copies under one, two, three… layers of percent-escapes: a round shows one more.
        let layered = |layers: usize| {
            let escape = format!("%{}33", "25".repeat(layers - 1));
            format!("tok{escape}n-Qx81-zz")
        };
        let few: Vec<String> = (1..=REVEAL_ROUNDS).map(layered).collect();
        assert_eq!(
            redactor.redact(&few.join(" ")),
            [MASK; REVEAL_ROUNDS].join(" ")
        );
        // More than the rounds undo: withheld whole, never shown in part.
        let many: Vec<String> = (1..=REVEAL_ROUNDS + 2).map(layered).collect();
        assert_eq!(redactor.redact(&many.join(" ")), WITHHELD);
        let mut in_place = many.join(" ");
        redactor.redact_in_place(&mut in_place);
        assert_eq!(in_place, WITHHELD);
    }

    #[test]
    fn unescapes_json_and_keeps_what_is_not_an_escape() {
        assert_eq!(
            json_unescape(r#"\u00e4\ud83d\ude00\/\"\x\u12"#),
            "ä😀/\"\\x\\u12"
        );
    }

    /// Every byte string that base64 text `text` may decode to, at each of its four offsets,
    /// in either alphabet.
    fn base64_readings(text: &str) -> Vec<Vec<u8>> {
        use base64::engine::general_purpose::STANDARD_NO_PAD;
        let standard: String = text
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        let mut readings = Vec::new();
        for run in standard.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/')) {
            for shift in 0..4.min(run.len()) {
                let rest = &run[shift..];
                let whole = &rest[..rest.len() / 4 * 4];
                if let Ok(bytes) = STANDARD_NO_PAD.decode(whole) {
                    readings.push(bytes);
                }
            }
        }
        readings
    }

    #[test]
    fn secrets_inside_a_longer_base64_text_are_masked_at_every_offset() {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        let mut rng = fastrand::Rng::with_seed(0xBA5E64);
        const CHARS: &[char] = &[
            'a', 'Z', '0', '9', ' ', '"', '/', '+', '\\', 'ä', '日', '😀', ':',
        ];
        for case in 0..300 {
            let len = 4 + rng.usize(..40);
            let secret: String = (0..len).map(|_| CHARS[rng.usize(..CHARS.len())]).collect();
            let redactor = redactor(&[&secret]);
            // `{` and `}` are not in any secret: what they decode to can only be around it.
            let before = "{".repeat(rng.usize(..7));
            let after = "}".repeat(rng.usize(..7));
            for wrapped in [
                format!("{before}{secret}{after}"),
                format!(
                    "{before}{}{after}",
                    serde_json::Value::from(secret.as_str())
                ),
            ] {
                for encoded in [STANDARD.encode(&wrapped), URL_SAFE_NO_PAD.encode(&wrapped)] {
                    let masked = redactor.redact(&encoded);
                    assert!(
                        masked.contains(MASK),
                        "case {case}: {secret:?} in {encoded}"
                    );
                    // No two bytes of the secret in a row can be read back.
                    let pairs: Vec<&[u8]> = secret.as_bytes().windows(2).collect();
                    for reading in base64_readings(&masked) {
                        let shown = reading.windows(2).find(|w| pairs.contains(w));
                        assert!(
                            shown.is_none(),
                            "case {case}: {secret:?} shows {shown:?} in {masked}"
                        );
                    }
                }
            }
        }
        // A JWT whose payload holds a token: its base64 is masked, the rest shown.
        let redactor = redactor(&["tok-3f9a1c7e"]);
        let payload = URL_SAFE_NO_PAD.encode(r#"{"iat":1,"sub":"tok-3f9a1c7e","n":2}"#);
        let jwt = format!("eyJhbGciOiJub25lIn0.{payload}.sig");
        let masked = redactor.redact(&jwt);
        assert!(masked.starts_with("eyJhbGciOiJub25lIn0.eyJ"), "{masked}");
        assert!(
            masked.contains(MASK) && masked.ends_with(".sig"),
            "{masked}"
        );
    }

    #[test]
    fn masks_html_and_xml_escapes() {
        let redactor = redactor(&["p<a>&\"q'9"]);
        for escaped in [
            "p&lt;a&gt;&amp;&quot;q&#x27;9",
            "p&lt;a&gt;&amp;&quot;q&#039;9",
            "p&lt;a&gt;&amp;&quot;q&apos;9",
            "p&lt;a&gt;&amp;&#34;q&#39;9",
            "p&lt;a&gt;&amp;\"q'9",
        ] {
            assert_eq!(redactor.redact(&format!("<p>{escaped}</p>")), "<p>***</p>");
        }
    }

    #[test]
    fn masks_character_references_of_any_character_in_any_mix() {
        let secret = "s3cr3t-Pä55/wörd";
        let redactor = redactor(&[secret]);
        let each = |reference: &dyn Fn(char) -> String| -> String {
            secret.chars().map(reference).collect()
        };
        let decimal = each(&|c| format!("&#{};", u32::from(c)));
        let hex = each(&|c| format!("&#x{:X};", u32::from(c)));
        let padded = each(&|c| format!("&#x{:012x};", u32::from(c)));
        let bare = each(&|c| format!("&#{}", u32::from(c)));
        // Every other character a reference, the rest as written.
        let mixed: String = secret
            .chars()
            .enumerate()
            .map(|(i, c)| match i % 2 {
                0 => format!("&#{};", u32::from(c)),
                _ => c.to_string(),
            })
            .collect();
        // The references JSON-escaped, then percent-encoded (an echo of an echo).
        let in_json = decimal.replace('&', "\\u0026");
        let in_url = percent_encoding::utf8_percent_encode(&decimal, URL_COMPONENT).to_string();
        for encoded in [decimal, hex, padded, bare, mixed, in_json, in_url] {
            let text = format!("<p title=\"a &amp; b\">{encoded}</p>");
            let shown = redactor.redact(&text);
            assert!(shown.contains(MASK), "{text} -> {shown}");
            assert!(
                !html_unescape(&shown).contains("s3cr3t"),
                "{text} -> {shown}"
            );
        }
        // An ampersand that starts no reference is left alone, as are text and numbers.
        assert_eq!(
            html_unescape("a & b &#; &#x; &#1114112; &bogus; &x"),
            "a & b &#; &#x; &#1114112; &bogus; &x"
        );
        assert_eq!(
            html_unescape("&#60;&#x3e;&quot;&apos;&amp;lt;"),
            "<>\"'&lt;"
        );
        assert_eq!(redactor.redact("a &amp; b"), "a &amp; b");
        // Latin-1 as PHP's `htmlentities` writes it.
        let php = "s3cr3t-P&auml;55/w&ouml;rd";
        assert_eq!(html_unescape(php), secret);
        assert!(!redactor.redact(&format!("<b>{php}</b>")).contains("s3cr3t"));
        assert_eq!(
            html_unescape("&nbsp;&Agrave;&yuml;&times;&auml"),
            "\u{a0}Àÿ×ä"
        );
    }

    #[test]
    fn masks_a_secret_written_with_html5_named_references() {
        // PHP's `htmlentities($s, ENT_QUOTES | ENT_HTML5)` names ASCII's punctuation too.
        let secret = "tok+EN/9=a.b:c,d(e)f_g!h";
        let redactor = redactor(&[secret]);
        let html5 =
            "tok&plus;EN&sol;9&equals;a&period;b&colon;c&comma;d&lpar;e&rpar;f&lowbar;g&excl;h";
        assert_eq!(html_unescape(html5), secret);
        let cell = format!("<td>{html5}</td>");
        assert_eq!(redactor.redact(&cell), "<td>***</td>");
        // Any name of the standard's table, with the one or two characters it stands for;
        // without `;` only the names a browser reads so, and the longest of them.
        assert_eq!(
            html_unescape("&euro;&alpha;&hellip;&NotEqualTilde;&fjlig;&ThickSpace;"),
            "€α…\u{2242}\u{338}fj\u{205f}\u{200a}"
        );
        assert_eq!(
            html_unescape("&copy &amp &notit; &noti &euro"),
            "© & ¬it; ¬i &euro"
        );
        assert_eq!(
            html_unescape("&NotAName; &plus &sol"),
            "&NotAName; &plus &sol"
        );
        let longest = entities::NAMED.iter().map(|(name, _)| name.len()).max();
        assert_eq!(longest, Some(LONGEST_ENTITY));
        assert!(entities::NAMED.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(entities::WITHOUT_SEMICOLON.windows(2).all(|w| w[0] < w[1]));
        let beyond_latin1 = super::tests::redactor(&["pässwörd€2026"]);
        let shown = beyond_latin1.redact("<p>p&auml;ssw&ouml;rd&euro;2026</p>");
        assert_eq!(shown, "<p>***</p>");
    }

    #[test]
    fn masks_base64_wrapped_into_lines() {
        use base64::engine::general_purpose::STANDARD;
        let secret = "MY-LONG-SECRET-0123456789";
        let redactor = redactor(&[secret]);
        for pad in 0..70 {
            let text = format!("{}{{\"token\":\"{secret}\"}} and after", "x".repeat(pad));
            let encoded = STANDARD.encode(&text);
            let lines = |width: usize| -> Vec<&str> {
                encoded
                    .as_bytes()
                    .chunks(width)
                    .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
                    .collect()
            };
            for (width, brk) in [(64, "\n"), (76, "\r\n"), (64, "\\n"), (76, "\\r\\n")] {
                let wrapped = lines(width).join(brk);
                let body = format!("-----BEGIN DATA-----{brk}{wrapped}{brk}-----END DATA-----");
                let shown = redactor.redact(&body);
                assert!(shown.contains(MASK), "pad {pad}, {width}: {shown}");
                for reading in base64_readings(&shown) {
                    for window in secret.as_bytes().windows(6) {
                        assert!(
                            !reading.windows(6).any(|w| w == window),
                            "pad {pad}, {width} {brk:?}: {shown}"
                        );
                    }
                }
            }
        }
        // Whole lines to the last, then PEM's closing line; the secret in a mix of encodings
        // that only decoding the run finds.
        let mixed = "MY%2dLONG-SECRET%2D0123456789";
        let text = (0..48)
            .map(|n| format!("{{\"url\":\"/p?t={mixed}\",\"pad\":\"{}\"}}", "y".repeat(n)))
            .find(|text| text.len() % 48 == 0)
            .expect("one of 48 lengths is a multiple of 48");
        let encoded = STANDARD.encode(&text);
        let wrapped: Vec<&str> = encoded
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
            .collect();
        for body in [
            format!(
                "-----BEGIN X-----\n{}\n-----END X-----\n",
                wrapped.join("\n")
            ),
            format!(
                "--frontier\r\n\r\n{}\r\n--frontier--\r\n",
                wrapped.join("\r\n")
            ),
        ] {
            let shown = redactor.redact(&body);
            assert!(shown.contains(MASK), "{shown}");
            assert!(!shown.contains(&encoded[..8]), "{shown}");
        }
        // Lines of words are not joined into base64 (nothing in them is decoded).
        let prose = "Thisisnotbase64butwords\nAndmorewordshereokay";
        assert_eq!(redactor.redact(prose), prose);
    }

    #[test]
    fn masks_utf8_read_as_latin1_or_windows_1252_and_sent_back() {
        let redactor = redactor(&["pässwort—€"]);
        let latin1: String = "pässwort—€".bytes().map(char::from).collect();
        assert_eq!(redactor.redact(&format!("echo {latin1}")), "echo ***");
        // Windows-1252 reads 0x80 as `€` and 0x94 as `”`.
        assert_eq!(redactor.redact("echo pÃ¤sswortâ€”â‚¬"), "echo ***");
    }

    #[test]
    fn two_secrets_that_overlap_are_both_masked_whole() {
        let redactor = redactor(&["alpha-bravo", "bravo-charlie"]);
        assert_eq!(redactor.redact("x alpha-bravo-charlie y"), "x *** y");
        assert_eq!(redactor.redact("bravo-charlie alpha-bravo"), "*** ***");
    }

    #[test]
    fn finds_secrets_under_base64_and_other_encodings() {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        let redactor = redactor(&["ä(UuZ5<JPZG!Yh"]);
        // A cookie of a form-encoded query, echoed in a token's payload.
        let payload = r#"{"echo":"c=key%3D%25C3%25A4%2528UuZ5%253CJPZG%2521Yh"}"#;
        let jwt = format!(
            "eyJhbGciOiJub25lIn0.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload)
        );
        // Only the run that hides it is shown decoded; the header and signature stay.
        let text = format!("response password {jwt} contentType");
        let masked = redactor.redact(&text);
        assert_eq!(
            masked,
            "response password eyJhbGciOiJub25lIn0.{\"echo\":\"c=key=***\"}.c2ln contentType",
            "{masked}"
        );
        let basic = format!("Basic {}=", STANDARD.encode("u:ä%28UuZ5%3CJPZG%21Yh1"));
        assert!(!redactor.redact(&basic).contains("UuZ5"));
        // Base64 of nothing secret, and words, are left as they are.
        let plain = format!(
            "id {} ok response password contentType deadbeef12",
            STANDARD.encode("nothing to see")
        );
        assert!(matches!(redactor.redact(&plain), Cow::Borrowed(_)));
        // A token in a token in a token.
        let nested = (0..3).fold("x ä(UuZ5<JPZG!Yh y".to_owned(), |text, _| {
            STANDARD.encode(format!("{{\"t\":\"{text}\"}}"))
        });
        let masked = redactor.redact(&nested);
        assert!(
            masked.contains(MASK) && !masked.contains("UuZ5"),
            "{masked}"
        );
    }

    /// A random text of a length in `lengths`, of characters from `pool`.
    fn pick_secret(
        rng: &mut fastrand::Rng,
        pool: &[char],
        lengths: std::ops::Range<usize>,
    ) -> String {
        let len = rng.usize(lengths);
        (0..len).map(|_| pool[rng.usize(..pool.len())]).collect()
    }

    /// Characters a secret may hold: ASCII, and the ones Rust's `Debug` escapes.
    const SECRET_CHARS: &[char] = &[
        'Z', 'k', '9', 'W', 'q', '-', '+', '/', '~', '\'', '"', '\\', ' ', 'ä', '日', '\u{a0}',
        '\u{ad}', '\u{200b}', '\u{feff}', '\u{202e}', '\u{2066}', '\u{7f}', '\u{1}', '\u{1b}',
        '\u{301}', '\t', '\n',
    ];

    /// What trimming leaves out: spaces, tabs, line breaks, Unicode's spaces, controls.
    const TRIMMED: &[char] = &[
        ' ', '\t', '\n', '\r', '\u{a0}', '\u{3000}', '\u{1}', '\u{7f}',
    ];

    #[test]
    fn a_secret_is_masked_without_the_white_space_at_its_ends() {
        let mut rng = fastrand::Rng::with_seed(0x7219);
        for case in 0..300 {
            let core = format!("Zk9{}", pick_secret(&mut rng, &SECRET_CHARS[..12], 1..20));
            let core = core.trim_matches(is_trimmed);
            let before = pick_secret(&mut rng, TRIMMED, 0..3);
            let after = pick_secret(&mut rng, TRIMMED, 1..3);
            let secret = format!("{before}{core}{after}");
            let redactor = redactor(&[&secret]);
            // As a message quotes it, a header holds it, and the URL parser writes it.
            let quoted = format!("`{}` is not a status", secret.trim());
            let url = url::Url::parse(&format!("http://h/p?api_key={secret}"))
                .map(String::from)
                .unwrap_or_default();
            for text in [quoted, format!("x-echo: {core}"), url] {
                let shown = redactor.redact(&text);
                assert!(
                    !shown.contains(core),
                    "case {case}: {secret:?} in {text:?}: {shown}"
                );
            }
        }
        // Trimmed to fewer than 4 characters: a short secret, masked as a whole token.
        let redactor = redactor(&[" ab7\n"]);
        assert_eq!(
            redactor.redact("`ab7` is not a status"),
            "`***` is not a status"
        );
        assert_eq!(redactor.redact("tab7s"), "tab7s");
        // Nothing is left of a secret of white space alone.
        assert!(super::tests::redactor(&[" \t "])
            .redact("a b")
            .contains("a b"));
    }

    #[test]
    fn a_secret_is_masked_as_rust_debug_writes_it() {
        let mut rng = fastrand::Rng::with_seed(0xDEB9);
        for case in 0..300 {
            let secret = format!("Zk9Wq{}", pick_secret(&mut rng, SECRET_CHARS, 1..16));
            let redactor = redactor(&[&secret]);
            let text = format!("{:?}", format!("starts with {secret} and more"));
            let shown = redactor.redact(&text);
            assert!(
                !shown.contains("Zk9Wq"),
                "case {case}: {secret:?} in {text}: {shown}"
            );
        }
        let redactor = redactor(&["Zk9Wq\u{a0}correct-horse"]);
        assert_eq!(
            redactor.redact(r#"expected starts with "Zk9Wq\u{a0}correct-horse""#),
            r#"expected starts with "***""#
        );
    }

    #[test]
    fn a_member_name_is_masked_in_a_json_pointer_and_a_jsonpath() {
        let mut rng = fastrand::Rng::with_seed(0x7011);
        let schema = serde_json::json!({ "additionalProperties": { "type": "string" } });
        let validator = jsonschema::validator_for(&schema).expect("a valid schema");
        for case in 0..300 {
            let secret = format!("Zk9Wq{}", pick_secret(&mut rng, SECRET_CHARS, 1..16));
            let redactor = redactor(&[&secret]);
            // Where a schema failure says it is, as the validator writes it.
            let body = serde_json::json!({ format!("x/{secret}~y"): 1 });
            let pointers: Vec<String> = validator
                .iter_errors(&body)
                .map(|error| error.instance_path.to_string())
                .collect();
            assert_eq!(pointers.len(), 1, "case {case}: {secret:?}");
            assert!(pointers[0].contains("Zk9Wq"), "case {case}: {pointers:?}");
            // As RFC 9535 writes a normalized path, and as `\\` and `'` alone escaped.
            let mut normalized = String::new();
            for c in secret.chars() {
                match c {
                    '\\' | '\'' => normalized.extend(['\\', c]),
                    '\n' => normalized.push_str("\\n"),
                    '\t' => normalized.push_str("\\t"),
                    c if u32::from(c) < 0x20 => {
                        normalized.push_str(&format!("\\u{:04x}", u32::from(c)))
                    }
                    c => normalized.push(c),
                }
            }
            let escaped = secret.replace('\\', "\\\\").replace('\'', "\\'");
            for text in [
                pointers[0].clone(),
                format!("$['{normalized}'].b"),
                format!("$['{escaped}'].b"),
            ] {
                let shown = redactor.redact(&text);
                assert!(
                    !shown.contains("Zk9Wq"),
                    "case {case}: {secret:?} in {text}: {shown}"
                );
            }
        }
        let redactor = redactor(&["Zk9Wq/Abc+Def/GhiJkl"]);
        assert_eq!(
            redactor.redact("the body to match the schema at `/Zk9Wq~1Abc+Def~1GhiJkl`"),
            "the body to match the schema at `/***`"
        );
    }

    #[test]
    fn a_secret_url_is_masked_as_the_url_parser_normalises_it() {
        let token = "Zk9WqHookToken";
        for secret in [
            format!("http://127.0.0.1:80/services/T0/B0/{token}"),
            format!("HTTP://LOCALHOST:8080/services/T0/B0/{token}"),
            format!("http://127.0.0.1:0080/services/T0/B0/{token}?x=1"),
            format!("http://0x7f.1:8080/services/T0/B0/{token}"),
            format!("http://2130706433/services/T0/B0/{token}"),
            format!("https://Hooks.Example.COM:443/a/../services/./T0/B0/{token}"),
            format!("http://h/services/T0/B0/{token}#frag"),
            format!("http://h/services/T0 B0/{token}"),
        ] {
            let redactor = redactor(&[&secret]);
            let url = url::Url::parse(&secret).expect("a URL");
            let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
            for text in [
                format!("POST {url} failed"),
                format!("Cannot POST {target}"),
                format!("{{\"url\":{}}}", serde_json::Value::from(url.as_str())),
            ] {
                let shown = redactor.redact(&text);
                assert!(!shown.contains(token), "{secret}: {text} -> {shown}");
            }
        }
        // A short path is not a piece of the secret: `/` stays readable.
        let redactor = redactor(&["HTTP://Secret-Host.Example/"]);
        assert_eq!(redactor.redact("GET /x/"), "GET /x/");
        assert_eq!(redactor.redact("http://secret-host.example/"), "***");
        // Only http(s) URLs: a password that reads as `scheme:path` learns nothing more.
        let redactor = super::tests::redactor(&["Passw0rd:Hunter2-Long"]);
        assert_eq!(
            redactor.redact("passw0rd Hunter2-Long"),
            "passw0rd Hunter2-Long"
        );
    }

    #[test]
    fn a_secret_number_is_masked_however_a_text_writes_it() {
        let mut rng = fastrand::Rng::with_seed(0x0089);
        for case in 0..300 {
            let digits: String = (0..rng.usize(18..30))
                .map(|i| char::from(b'0' + if i == 0 { rng.u8(1..10) } else { rng.u8(..10) }))
                .collect();
            let written = match case % 3 {
                0 => digits.clone(),
                1 => format!("0.{digits}"),
                _ => format!("{}.{}e{}", &digits[..1], &digits[1..], rng.u8(..40)),
            };
            let body = format!("{{\"account\": {written}, \"n\": 7}}");
            let value: Value = serde_json::from_str(&body).expect("JSON");
            let mut redactor = Redactor::new();
            redactor.add_value(&value["account"]);
            let shown = redactor.redact(&body);
            assert_eq!(shown, "{\"account\": ***, \"n\": 7}", "case {case}: {body}");
            // Sent on in another notation, and echoed in a URL or a sentence.
            let sent = value["account"].to_string();
            let echo = format!("u=/a?n={sent}&m=-{written}. And {written}, 7");
            let shown = redactor.redact(&echo);
            assert_eq!(
                shown, "u=/a?n=***&m=-***. And ***, 7",
                "case {case}: {echo}"
            );
        }
        // Not a number of its own (inside a word, a version), or another number.
        let mut redactor = Redactor::new();
        redactor.add_value(&serde_json::json!(0.12345678901234568));
        assert_eq!(redactor.redact("0.12345678901234567890"), "***");
        for other in [
            "v0.12345678901234567890",
            "1.0.12345678901234567890",
            "0.1234567890123456",
        ] {
            assert_eq!(redactor.redact(other), other);
        }
        // A number a float holds in few digits is masked as its text, not by value: a secret
        // `200.0` leaves the status 200 alone.
        for (secret, text) in [
            (serde_json::json!(200.0), "status 200, limit=200"),
            (serde_json::json!(12.5), "125, 12 and 5"),
            (serde_json::json!(1e2), "100 items"),
        ] {
            let mut redactor = Redactor::new();
            redactor.add_value(&secret);
            assert_eq!(redactor.redact(text), text, "{secret}");
        }
        // An integer JSON holds exactly is masked as its digits.
        let mut redactor = Redactor::new();
        redactor.add_value(&serde_json::json!(18446744073709551615u64));
        assert_eq!(redactor.redact("id 18446744073709551615"), "id ***");
    }

    #[test]
    fn leaves_other_text_alone() {
        let redactor = redactor(&["", "token"]);
        assert!(matches!(redactor.redact("nothing here"), Cow::Borrowed(_)));
        assert!(Redactor::new().is_empty());
    }
}
