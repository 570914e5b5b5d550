//! The `pattern` keyword of JSON Schema (and OpenAPI): an ECMA-262 regular expression,
//! translated to the `regex` crate's syntax and compiled once per text for the whole
//! process ([`compile`]), for the contract checks, the `expect.schema` checks and the values
//! `runner import openapi` derives.
//!
//! ECMA-262's meaning is kept where the two dialects differ: `\d`, `\w`, `\s`, `\b` and `.`
//! as ECMA-262 defines them (ASCII digits and word characters; `.` is any character but a
//! line terminator), a `[` inside a class a literal, a class escape beside a `-` in a class
//! (`[\w-.]`) the escape and a literal `-`, `\uXXXX` (and surrogate pairs), `\u{...}`, `\cX`,
//! `\0` and Annex B's octal `\000`, an escaped character that is no letter or digit (`\:`,
//! `\_`) the character. A lone surrogate, which no text holds, matches nothing. A count over
//! one class (`\S{1,8192}`, `^.{0,262144}$`) as the whole pattern is checked by counting, not
//! by an automaton of the count's size; other patterns are compiled with a size limit of
//! [`SIZE_LIMIT`]. Look-around and back-references are left to jsonschema's backtracking
//! engine (fancy-regex). What does not compile says why ([`PatternError`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex_syntax::hir::{Class, Hir, HirKind, Look};
use serde_json::{json, Map, Value};

/// The most memory a compiled pattern's automaton may take (the `regex` crate's default is
/// 10 MiB).
pub const SIZE_LIMIT: usize = 64 * 1024 * 1024;

/// Why a pattern does not compile: the reason, in a few words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct PatternError {
    /// What is wrong with it.
    pub reason: String,
}

/// A compiled pattern.
pub struct Pattern {
    /// As written.
    source: String,
    matcher: Matcher,
    /// The syntax tree of the translation (none for look-around and back-references).
    hir: Option<Hir>,
}

enum Matcher {
    Regex(regex::Regex),
    /// One class counted: `^C{min,max}$` and its unanchored forms.
    Run(Run),
    /// Look-around or back-references: jsonschema's own `pattern` (fancy-regex).
    Backtracking(jsonschema::Validator),
}

struct Run {
    ranges: Vec<(char, char)>,
    min: usize,
    max: Option<usize>,
    start: bool,
    end: bool,
}

impl Run {
    fn contains(&self, c: char) -> bool {
        self.ranges
            .binary_search_by(|(low, high)| {
                if *high < c {
                    std::cmp::Ordering::Less
                } else if *low > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    fn is_match(&self, text: &str) -> bool {
        let within = |n: usize| n >= self.min && self.max.is_none_or(|max| n <= max);
        match (self.start, self.end) {
            (true, true) => text.chars().all(|c| self.contains(c)) && within(text.chars().count()),
            (true, false) => text.chars().take_while(|c| self.contains(*c)).count() >= self.min,
            (false, true) => {
                text.chars().rev().take_while(|c| self.contains(*c)).count() >= self.min
            }
            (false, false) => {
                if self.min == 0 {
                    return true;
                }
                let mut run = 0;
                for c in text.chars() {
                    run = if self.contains(c) { run + 1 } else { 0 };
                    if run >= self.min {
                        return true;
                    }
                }
                false
            }
        }
    }
}

impl Pattern {
    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether `text` matches (found anywhere in it, as ECMA-262 searches).
    pub fn is_match(&self, text: &str) -> bool {
        match &self.matcher {
            Matcher::Regex(regex) => regex.is_match(text),
            Matcher::Run(run) => run.is_match(text),
            Matcher::Backtracking(validator) => validator.is_valid(&Value::String(text.into())),
        }
    }

    /// The syntax tree of the pattern in the `regex` crate's terms; `None` for look-around
    /// and back-references.
    pub fn hir(&self) -> Option<&Hir> {
        self.hir.as_ref()
    }
}

type Cache = Mutex<HashMap<String, Result<Arc<Pattern>, PatternError>>>;

/// `pattern` compiled, once per text for the process (a document repeats a pattern in
/// hundreds of places; a large one takes tens of milliseconds).
pub fn compile(pattern: &str) -> Result<Arc<Pattern>, PatternError> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return found;
    }
    let compiled = compile_uncached(pattern).map(Arc::new);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(pattern.to_owned(), compiled.clone());
    }
    compiled
}

fn compile_uncached(pattern: &str) -> Result<Pattern, PatternError> {
    let error = |reason: String| PatternError { reason };
    let translated = match translate(pattern) {
        Ok((translated, false)) => translated,
        Ok((translated, true)) => return backtracking(pattern, &translated),
        Err(reason) => return Err(error(reason)),
    };
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&translated)
        .map_err(|e| error(syntax_error(&e)))?;
    if let Some(run) = run_of(&hir) {
        return Ok(Pattern {
            source: pattern.to_owned(),
            matcher: Matcher::Run(run),
            hir: Some(hir),
        });
    }
    let regex = regex::RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => error(format!(
                "its automaton is larger than the {} MiB runner compiles (a long count, `{{1,1000}}`, over a large class such as `.` or `\\S` makes one copy of the class per count)",
                limit / (1024 * 1024)
            )),
            other => error(other.to_string()),
        })?;
    Ok(Pattern {
        source: pattern.to_owned(),
        matcher: Matcher::Regex(regex),
        hir: Some(hir),
    })
}

/// A pattern with look-around or back-references, compiled by jsonschema (fancy-regex):
/// its translation, else as written.
fn backtracking(pattern: &str, translated: &str) -> Result<Pattern, PatternError> {
    let build = |text: &str| {
        jsonschema::options()
            .build(&json!({ "pattern": text }))
            .ok()
    };
    let validator = build(translated)
        .or_else(|| build(pattern))
        .ok_or_else(|| PatternError {
            reason: "its look-around or back-reference is not one runner's regex engine reads"
                .into(),
        })?;
    Ok(Pattern {
        source: pattern.to_owned(),
        matcher: Matcher::Backtracking(validator),
        hir: None,
    })
}

/// `^C{min,max}$`, `^C{min,max}`, `C{min,max}$` or `C{min,max}` over one class `C`, with a
/// long count.
fn run_of(hir: &Hir) -> Option<Run> {
    let parts: Vec<&Hir> = match hir.kind() {
        HirKind::Concat(parts) => parts.iter().collect(),
        _ => vec![hir],
    };
    let start = parts.first().is_some_and(|p| is_look(p, Look::Start));
    let end =
        parts.len() > usize::from(start) && parts.last().is_some_and(|p| is_look(p, Look::End));
    let inner: Vec<&Hir> = parts
        .iter()
        .copied()
        .skip(usize::from(start))
        .take(parts.len() - usize::from(start) - usize::from(end))
        .collect();
    let [only] = inner.as_slice() else {
        return None;
    };
    let HirKind::Repetition(repetition) = only.kind() else {
        return None;
    };
    let mut sub = &*repetition.sub;
    while let HirKind::Capture(capture) = sub.kind() {
        sub = &capture.sub;
    }
    let HirKind::Class(Class::Unicode(class)) = sub.kind() else {
        return None;
    };
    // Worth it only for long counts: a short one is a small automaton.
    if repetition.max.unwrap_or(repetition.min) < 256 {
        return None;
    }
    Some(Run {
        ranges: class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect(),
        min: repetition.min as usize,
        max: repetition.max.map(|m| m as usize),
        start,
        end,
    })
}

fn is_look(hir: &Hir, look: Look) -> bool {
    matches!(hir.kind(), HirKind::Look(l) if *l == look)
}

/// What in a pattern the parser does not read, in a few words (`look-around, including
/// look-ahead and look-behind, is not supported`).
pub fn syntax_error(error: &regex_syntax::Error) -> String {
    match error {
        regex_syntax::Error::Parse(error) => error.kind().to_string(),
        regex_syntax::Error::Translate(error) => error.kind().to_string(),
        _ => "syntax it does not read".into(),
    }
}

/// ECMA-262 whitespace and line terminators (`\s`).
const SPACE: &str =
    r"\t\n\x0B\x0C\r \xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// Names of Java's and POSIX's classes that are no Unicode property ECMA-262 knows: a
/// pattern written for Java (`\p{Graph}`, `\p{Alnum}`), whose meaning differs from
/// Unicode's where the `regex` crate knows a property of the name.
const NOT_ECMA: &[&str] = &[
    "Alnum", "Punct", "Graph", "Print", "Blank", "Cntrl", "XDigit", "Digit", "Space", "Lower",
    "Upper", "Alpha", "LD",
];

/// A class that matches nothing (what a lone surrogate is in a text runner reads).
const NOTHING: &str = r"[^\x00-\x{10FFFF}]";

/// `pattern` (ECMA-262) in the `regex` crate's syntax, with ECMA-262's meaning, and whether
/// it holds look-around or back-references (which only a backtracking engine reads); else
/// why it is no pattern runner reads.
fn translate(pattern: &str) -> Result<(String, bool), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut backtracking = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\\' if matches!(chars.get(i), Some('1'..='9' | 'k')) => {
                backtracking = true;
                out.push('\\');
            }
            '\\' => match escape(&chars, &mut i, false)? {
                Atom::Char(c) => push_char(&mut out, c),
                Atom::Set(set) => out.push_str(&set),
                Atom::Assertion(text) => out.push_str(text),
                Atom::Surrogate(_) => out.push_str(NOTHING),
            },
            '[' => out.push_str(&class(&chars, &mut i)?),
            '.' => out.push_str(r"[^\n\r\x{2028}\x{2029}]"),
            '(' => {
                if chars.get(i) == Some(&'?') {
                    match (chars.get(i + 1), chars.get(i + 2)) {
                        (Some(':'), _) => {
                            out.push_str("(?:");
                            i += 2;
                        }
                        (Some(&kind @ ('=' | '!')), _) => {
                            backtracking = true;
                            out.push_str("(?");
                            out.push(kind);
                            i += 2;
                        }
                        (Some('<'), Some(&kind @ ('=' | '!'))) => {
                            backtracking = true;
                            out.push_str("(?<");
                            out.push(kind);
                            i += 3;
                        }
                        (Some('<'), _) => {
                            out.push_str("(?P<");
                            i += 2;
                        }
                        _ => return Err("a group `(?` of a kind ECMA-262 does not have".into()),
                    }
                } else {
                    out.push('(');
                }
            }
            '{' => {
                let end = chars[i..].iter().position(|c| *c == '}').map(|p| i + p);
                let count: Option<String> = end.map(|end| chars[i..end].iter().collect());
                match count {
                    Some(count) if is_count(&count) => {
                        out.push('{');
                        out.push_str(&count);
                        out.push('}');
                        i += count.chars().count() + 1;
                    }
                    _ => {
                        return Err(
                            "a `{` that is not a count (`{2}`, `{1,}`, `{1,70}`); write `\\{` for the character".into(),
                        )
                    }
                }
            }
            '}' => return Err("a `}` that closes no count; write `\\}` for the character".into()),
            ']' => out.push_str(r"\]"),
            '^' | '$' | '|' | ')' | '*' | '+' | '?' => out.push(c),
            other => push_char(&mut out, other),
        }
    }
    Ok((out, backtracking))
}

fn is_count(text: &str) -> bool {
    let mut parts = text.splitn(2, ',');
    let low = parts.next().unwrap_or_default();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(low)
        && match parts.next() {
            None => true,
            Some(high) => high.is_empty() || digits(high),
        }
}

fn push_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == '_' {
        out.push(c);
    } else {
        out.push_str(&format!(r"\x{{{:X}}}", u32::from(c)));
    }
}

enum Atom {
    Char(char),
    /// A class, in the `regex` crate's syntax (`[0-9]`, `\p{L}`).
    Set(String),
    /// `\b`, `\B`.
    Assertion(&'static str),
    /// A lone surrogate (which no text holds).
    Surrogate(u32),
}

/// `digits` hexadecimal digits read at `i`; `None` when there are none.
fn hex(chars: &[char], i: &mut usize, digits: usize) -> Option<u32> {
    let text: String = chars.get(*i..*i + digits)?.iter().collect();
    if !text.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let value = u32::from_str_radix(&text, 16).ok()?;
    *i += digits;
    Some(value)
}

/// The escape after a `\` at `chars[i - 1]`.
fn escape(chars: &[char], i: &mut usize, in_class: bool) -> Result<Atom, String> {
    let Some(&c) = chars.get(*i) else {
        return Err("it ends with a lone `\\`".into());
    };
    *i += 1;
    let set = |s: &str| Ok(Atom::Set(s.to_owned()));
    match c {
        'd' => set("[0-9]"),
        'D' => set("[^0-9]"),
        'w' => set("[0-9A-Za-z_]"),
        'W' => set("[^0-9A-Za-z_]"),
        's' => set(&format!("[{SPACE}]")),
        'S' => set(&format!("[^{SPACE}]")),
        'b' if in_class => Ok(Atom::Char('\u{8}')),
        'b' => Ok(Atom::Assertion(r"(?-u:\b)")),
        'B' if !in_class => Ok(Atom::Assertion(r"(?-u:\B)")),
        't' => Ok(Atom::Char('\t')),
        'n' => Ok(Atom::Char('\n')),
        'r' => Ok(Atom::Char('\r')),
        'v' => Ok(Atom::Char('\u{B}')),
        'f' => Ok(Atom::Char('\u{C}')),
        'c' => match chars.get(*i) {
            Some(letter) if letter.is_ascii_alphabetic() => {
                *i += 1;
                Ok(Atom::Char(char::from(*letter as u8 % 32)))
            }
            _ => Err("`\\c` without a letter".into()),
        },
        '0' => {
            // `\0`, and Annex B's octal `\000`..`\077` (`[\000-\037]`).
            let mut value = 0u32;
            let mut digits = 0;
            while digits < 2 {
                let Some(digit) = chars.get(*i).and_then(|d| d.to_digit(8)) else {
                    break;
                };
                value = value * 8 + digit;
                *i += 1;
                digits += 1;
            }
            Ok(Atom::Char(char::from_u32(value).unwrap_or('\0')))
        }
        'x' => match hex(chars, i, 2).and_then(char::from_u32) {
            Some(c) => Ok(Atom::Char(c)),
            None => Err("`\\x` without two hexadecimal digits".into()),
        },
        'u' => {
            let unit = if chars.get(*i) == Some(&'{') {
                let end = chars[*i..].iter().position(|c| *c == '}');
                let text: Option<String> = end.map(|end| chars[*i + 1..*i + end].iter().collect());
                match text.and_then(|t| u32::from_str_radix(&t, 16).ok().map(|v| (v, t))) {
                    Some((value, text)) if value <= 0x10FFFF => {
                        *i += text.chars().count() + 2;
                        value
                    }
                    _ => return Err("`\\u{` without a code point and `}`".into()),
                }
            } else {
                match hex(chars, i, 4) {
                    Some(unit) => unit,
                    None => return Err("`\\u` without four hexadecimal digits".into()),
                }
            };
            if (0xD800..0xDC00).contains(&unit) && chars.get(*i) == Some(&'\\') {
                // A surrogate pair: one character.
                let mut next = *i + 1;
                if chars.get(next) == Some(&'u') {
                    next += 1;
                    if let Some(low) =
                        hex(chars, &mut next, 4).filter(|l| (0xDC00..0xE000).contains(l))
                    {
                        *i = next;
                        let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(c).map_or(Atom::Surrogate(c), Atom::Char));
                    }
                }
            }
            Ok(char::from_u32(unit).map_or(Atom::Surrogate(unit), Atom::Char))
        }
        'p' | 'P' => {
            let end = (chars.get(*i) == Some(&'{'))
                .then(|| chars[*i..].iter().position(|c| *c == '}'))
                .flatten();
            let Some(end) = end else {
                return Err(format!("`\\{c}` without a `{{property}}`"));
            };
            let name: String = chars[*i + 1..*i + end].iter().collect();
            *i += end + 1;
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=')
                && !NOT_ECMA.contains(&name.as_str())
                && !name.starts_with("Is")
                && !name.starts_with("In")
                && !name.starts_with("java");
            if !valid {
                return Err(format!(
                    "`\\{c}{{{name}}}` is no Unicode property of ECMA-262 (Java's classes such as `\\p{{Graph}}` or `\\p{{Alnum}}` are not JSON Schema's); write the characters as a class, e.g. `[!-~]` for the printable ASCII characters"
                ));
            }
            set(&format!(r"\{c}{{{name}}}"))
        }
        // Syntax characters, `-`, and (Annex B) any other that is no letter or digit: `\:`.
        c if !c.is_alphanumeric() => Ok(Atom::Char(c)),
        c => Err(format!(
            "`\\{c}` is no escape of ECMA-262; write `{c}` for the character"
        )),
    }
}

/// The class that starts after the `[` at `chars[i - 1]`, in the `regex` crate's syntax.
fn class(chars: &[char], i: &mut usize) -> Result<String, String> {
    let negated = chars.get(*i) == Some(&'^');
    if negated {
        *i += 1;
    }
    // Single characters and ranges (as code points: a surrogate is one), and classes within
    // (`\d`, `\p{L}`).
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut sets: Vec<String> = Vec::new();
    let atom = |i: &mut usize| -> Result<Option<Atom>, String> {
        match chars.get(*i) {
            None => Err("a `[` that no `]` closes".into()),
            Some(']') => Ok(None),
            Some('\\') => {
                *i += 1;
                escape(chars, i, true).map(Some)
            }
            Some(c) => {
                *i += 1;
                Ok(Some(Atom::Char(*c)))
            }
        }
    };
    let unit = |atom: &Atom| match atom {
        Atom::Char(c) => Some(u32::from(*c)),
        Atom::Surrogate(unit) => Some(*unit),
        _ => None,
    };
    loop {
        let Some(first) = atom(i)? else {
            *i += 1;
            break;
        };
        let range_follows =
            chars.get(*i) == Some(&'-') && chars.get(*i + 1).is_some_and(|c| *c != ']');
        if range_follows {
            if let Some(low) = unit(&first) {
                let mut after = *i + 1;
                let second = atom(&mut after)?;
                if let Some(high) = second.as_ref().and_then(unit) {
                    if low > high {
                        return Err(format!(
                            "the range `{}-{}` in a class goes backwards",
                            char::from_u32(low).unwrap_or(char::REPLACEMENT_CHARACTER),
                            char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER)
                        ));
                    }
                    *i = after;
                    ranges.push((low, high));
                    continue;
                }
            }
        }
        match first {
            Atom::Char(c) => ranges.push((u32::from(c), u32::from(c))),
            Atom::Surrogate(unit) => ranges.push((unit, unit)),
            Atom::Set(set) => sets.push(set),
            Atom::Assertion(_) => {}
        }
    }
    let mut out = String::from("[");
    if negated {
        out.push('^');
    }
    let mut empty = true;
    for (low, high) in ranges {
        // Without the surrogates, which no text holds.
        for (low, high) in [(low, high.min(0xD7FF)), (low.max(0xE000), high)] {
            if low > high {
                continue;
            }
            let (Some(low), Some(high)) = (char::from_u32(low), char::from_u32(high)) else {
                continue;
            };
            push_char(&mut out, low);
            if high != low {
                out.push('-');
                push_char(&mut out, high);
            }
            empty = false;
        }
    }
    for set in sets {
        out.push_str(&set);
        empty = false;
    }
    if empty {
        // `[]` matches nothing, `[^]` anything.
        return Ok(if negated {
            r"[\x00-\x{10FFFF}]".into()
        } else {
            NOTHING.into()
        });
    }
    out.push(']');
    Ok(out)
}

/// `options` with runner's `pattern` keyword: ECMA-262 patterns as [`compile`] reads them,
/// each compiled once for the process; one that does not compile is an error naming where
/// it is in the schema and why.
pub fn with_keyword(options: jsonschema::ValidationOptions) -> jsonschema::ValidationOptions {
    options.with_keyword("pattern", keyword)
}

// The signature is the one `jsonschema::ValidationOptions::with_keyword` takes.
#[allow(clippy::result_large_err)]
fn keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    path: jsonschema::paths::Location,
) -> Result<Box<dyn jsonschema::Keyword>, jsonschema::ValidationError<'a>> {
    let Some(text) = value.as_str() else {
        return Err(jsonschema::ValidationError::custom(
            jsonschema::paths::Location::new(),
            path,
            value,
            format!("{value} is not of type \"string\""),
        ));
    };
    match compile(text) {
        Ok(pattern) => Ok(Box::new(Keyword { pattern, path })),
        Err(error) => Err(jsonschema::ValidationError::custom(
            jsonschema::paths::Location::new(),
            path.clone(),
            value,
            format!(
                "the pattern at `{}` does not compile: {error}",
                path.as_str()
            ),
        )),
    }
}

struct Keyword {
    pattern: Arc<Pattern>,
    path: jsonschema::paths::Location,
}

impl jsonschema::Keyword for Keyword {
    fn validate<'i>(
        &self,
        instance: &'i Value,
        location: &jsonschema::paths::LazyLocation,
    ) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.is_valid(instance) {
            return Ok(());
        }
        Err(jsonschema::ValidationError::custom(
            self.path.clone(),
            location.into(),
            instance,
            format!("{instance} does not match \"{}\"", self.pattern.source()),
        ))
    }

    fn is_valid(&self, instance: &Value) -> bool {
        match instance {
            Value::String(text) => self.pattern.is_match(text),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::compile;

    #[test]
    fn ecma_patterns_compile_with_their_meaning() {
        let cases: &[(&str, &str, bool)] = &[
            (r"[[A-Z0-9]{1,18}", "[AB", true),
            (r"^[[A-Z0-9]{1,18}$", "a", false),
            (r"\S{1,8192}", "token", true),
            (r"\S{1,8192}", "  ", false),
            (r"^.{0,262144}$", "any text", true),
            (r"^.{0,262144}$", "two\nlines", false),
            (r"^[\w-.+]+@[\w-.+]+$", "a.b-c@d", true),
            (r"^[a-zA-Z0-9\s-_()\[\]]+$", "a (b)_[c]", true),
            (r"^\w+$", "é", false),
            (r"[^/:|\000-\037]+", "ab", true),
            (r"^[^/:|\000-\037]+$", "a\u{1}", false),
            (
                r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\r\n\t]*",
                "x",
                true,
            ),
            (r"^[\uD800\uDC00-\uDBFF\uDFFF]$", "\u{10000}", true),
            (r"^[\P{M}\p{M}]{0,20000}$", "x", true),
            (r"^(\w|\/|-){1,1011}$", "a/b-c", true),
            (r"^[a-z\_\:]+$", "a_b:c", true),
            (r"^a(?=b)", "ab", true),
            (r"^a(?=b)", "ac", false),
            (r"^(a)\1$", "aa", true),
            (
                r"^(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF]+$",
                " a",
                true,
            ),
            (
                r"^(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF]+$",
                "  ",
                false,
            ),
        ];
        for (pattern, text, matches) in cases {
            let compiled = compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            assert_eq!(compiled.is_match(text), *matches, "{pattern} on {text:?}");
        }
    }

    #[test]
    fn what_is_not_ecma_says_why() {
        for pattern in [
            r"[\p{Graph}\x20]*",
            r"^(\p{LD}|\p{Punct}| )+$",
            r"[a-zA-Z]{1-70}",
            r"[\p{Print}&&[^|:/]]+",
            r"\q",
        ] {
            let error = compile(pattern).err();
            assert!(error.is_some(), "{pattern} compiled");
        }
    }
}
