//! Values `runner import openapi` derives from a schema of a string, an integer or a number
//! when the document gives none: each fits every keyword of the schema the importer reads —
//! `format`, `minLength`, `maxLength`, `pattern`; `minimum`, `maximum`, their exclusive
//! forms (3.0's booleans, 3.1's numbers), `multipleOf`, an integer's `int32`/`int64` — or
//! is not derived at all: the error says why, and the caller makes the value a required
//! input. A `pattern` is followed by a small generator over its syntax tree (`regex-syntax`,
//! the parser of the `regex` crate): literals, classes, repetitions, groups, alternations
//! and anchors; what it writes is checked against the pattern (the `regex` crate) before
//! it is used.

use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{json, Value};

use crate::openapi::pattern;

/// The longest string derived (a `minLength` beyond it is a required input: a request of
/// gigabytes is not a smoke test).
pub(super) const MAX_DERIVED_LENGTH: usize = 4096;

/// A string that fits `schema`'s `format`, lengths and `pattern`; else why none is derived.
pub(super) fn string(schema: &Value) -> Result<String, String> {
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let format_text = match format {
        "date-time" => Some("2024-01-01T00:00:00Z"),
        "date" => Some("2024-01-01"),
        "time" => Some("12:00:00"),
        "email" => Some("user@example.com"),
        "uuid" => Some("00000000-0000-4000-8000-000000000000"),
        "uri" | "url" => Some("https://example.com/"),
        "hostname" => Some("example.com"),
        "ipv4" => Some("192.0.2.1"),
        "ipv6" => Some("2001:db8::1"),
        "byte" => Some("ZXhhbXBsZQ=="),
        _ => None,
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
    let max = schema.get("maxLength").and_then(Value::as_u64);
    if min > MAX_DERIVED_LENGTH as u64 {
        return Err(format!(
            "its minLength {min} is longer than a value the importer derives ({MAX_DERIVED_LENGTH} characters)"
        ));
    }
    let min = min as usize;
    let max = max.map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
    if min > max {
        return Err(format!(
            "its minLength {min} is more than its maxLength {max}: no string fits"
        ));
    }
    let pattern = match schema.get("pattern") {
        Some(Value::String(pattern)) => Some(pattern.as_str()),
        _ => None,
    };
    let cannot = |why: &str| {
        format!(
            "its pattern `{}` is beyond what the importer derives values for ({why})",
            short(pattern.unwrap_or_default())
        )
    };
    // The pattern's syntax tree (what the generator reads) and the regex that checks what it
    // writes.
    // Compiled once per text for the process (a document repeats an ARN pattern in
    // hundreds of parameters), ECMA-262's `\w` and `\d` read as ASCII as JSON Schema says.
    let compiled = match pattern {
        Some(text) => {
            let compiled = pattern::compile(text).map_err(|error| cannot(&error.reason))?;
            if compiled.hir().is_none() {
                let why = regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(text)
                    .err()
                    .map(|error| pattern::syntax_error(&error))
                    .unwrap_or_else(|| "look-around and back-references are not supported".into());
                return Err(cannot(&why));
            }
            Some(compiled)
        }
        None => None,
    };
    let fits = |text: &str| {
        let length = text.chars().count();
        (min..=max).contains(&length) && compiled.as_ref().is_none_or(|p| p.is_match(text))
    };
    // The format's value (or `example`), made as long as the lengths ask where the format
    // allows it.
    let base = fitted(format, format_text.unwrap_or("example"), min, max);
    if let Some(text) = base.filter(|t| fits(t)) {
        return Ok(text);
    }
    if format_text.is_some() {
        let mut keywords = Vec::new();
        if schema.get("minLength").is_some() {
            keywords.push(format!("minLength {min}"));
        }
        if schema.get("maxLength").is_some() {
            keywords.push(format!("maxLength {max}"));
        }
        if let Some(pattern) = pattern {
            keywords.push(format!("pattern `{}`", short(pattern)));
        }
        return Err(format!(
            "the importer's {format} value does not fit its {}",
            keywords.join(", ")
        ));
    }
    let Some(hir) = compiled.as_ref().and_then(|p| p.hir()) else {
        // Only lengths: `example` is always made to fit them.
        return Err(format!(
            "no string the importer derives fits minLength {min} and maxLength {max}"
        ));
    };
    let shortest = generate(hir, 0).map_err(cannot)?;
    let mut candidates = vec![shortest.clone()];
    let length = shortest.chars().count();
    if length < min {
        if let Ok(longer) = generate(hir, min - length) {
            candidates.push(longer.clone());
            // An unanchored pattern is found anywhere in the text: padding keeps it.
            let short_by = min.saturating_sub(longer.chars().count());
            candidates.push(format!("{longer}{}", "x".repeat(short_by)));
            candidates.push(format!("{}{longer}", "x".repeat(short_by)));
        }
    }
    candidates
        .into_iter()
        .find(|text| fits(text))
        .ok_or_else(|| {
            let mut lengths = Vec::new();
            if schema.get("minLength").is_some() {
                lengths.push(format!("minLength {min}"));
            }
            if schema.get("maxLength").is_some() {
                lengths.push(format!("maxLength {max}"));
            }
            if lengths.is_empty() {
                cannot("the text it writes does not match")
            } else {
                cannot(&format!(
                    "the text it writes does not match within {}",
                    lengths.join(" and ")
                ))
            }
        })
}

/// `text`, a format's value, made `min`..=`max` characters long where the format allows:
/// a plain text is padded with `x` or cut, a URI padded in its path, an email in its local
/// part; another format's value is kept as it is (`None` when it does not fit).
fn fitted(format: &str, text: &str, min: usize, max: usize) -> Option<String> {
    let length = text.chars().count();
    let short_by = min.saturating_sub(length);
    let text = match format {
        "date-time" | "date" | "time" | "uuid" | "hostname" | "ipv4" | "ipv6" | "byte" => {
            text.to_owned()
        }
        "uri" | "url" => format!("{text}{}", "x".repeat(short_by)),
        // The local part holds at most 64 characters.
        "email" if short_by <= 60 => format!("user{}@example.com", "x".repeat(short_by)),
        "email" => return None,
        _ => {
            let mut text = format!("{text}{}", "x".repeat(short_by));
            if text.len() > max {
                text.truncate(max);
            }
            text
        }
    };
    let length = text.chars().count();
    (min..=max).contains(&length).then_some(text)
}

/// A pattern as a message quotes it: at most 60 characters.
fn short(pattern: &str) -> String {
    crate::spec::text::shorten(pattern, 60).into_owned()
}

/// The text `hir` matches with each repetition as few times as it may, then repeated more,
/// from the first repetition on, until about `extra` more characters are written. A class
/// gives its first letter, digit or other printable ASCII character; an alternation its
/// first branch that gives one. The caller checks the result against the pattern (a word
/// boundary, say, is not followed here).
fn generate(hir: &Hir, extra: usize) -> Result<String, &'static str> {
    let mut generator = Generator {
        out: String::new(),
        length: 0,
        extra,
    };
    generator.hir(hir)?;
    Ok(generator.out)
}

struct Generator {
    out: String,
    /// `out`'s length in characters.
    length: usize,
    /// The characters still to be added by repeating more.
    extra: usize,
}

impl Generator {
    fn push(&mut self, text: &str) -> Result<(), &'static str> {
        self.length += text.chars().count();
        if self.length > MAX_DERIVED_LENGTH {
            return Err("its shortest text is too long");
        }
        self.out.push_str(text);
        Ok(())
    }

    fn hir(&mut self, hir: &Hir) -> Result<(), &'static str> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => Ok(()),
            HirKind::Literal(literal) => {
                let text = std::str::from_utf8(&literal.0).map_err(|_| "bytes, not text")?;
                self.push(text)
            }
            HirKind::Class(class) => {
                let c = pick(class).ok_or("a class no character the importer writes is in")?;
                self.push(c.encode_utf8(&mut [0; 4]))
            }
            HirKind::Capture(capture) => self.hir(&capture.sub),
            HirKind::Concat(parts) => parts.iter().try_for_each(|part| self.hir(part)),
            HirKind::Alternation(branches) => {
                for branch in branches {
                    let mut attempt = Generator {
                        out: String::new(),
                        length: self.length,
                        extra: self.extra,
                    };
                    if attempt.hir(branch).is_ok() {
                        self.out.push_str(&attempt.out);
                        self.length = attempt.length;
                        self.extra = attempt.extra;
                        return Ok(());
                    }
                }
                Err("an alternation none of whose branches it writes")
            }
            HirKind::Repetition(repetition) => {
                for _ in 0..repetition.min {
                    self.hir(&repetition.sub)?;
                }
                if self.extra == 0 || repetition.max == Some(repetition.min) {
                    return Ok(());
                }
                // One more of it, alone, tells how long each is.
                let mut unit = Generator {
                    out: String::new(),
                    length: 0,
                    extra: 0,
                };
                if unit.hir(&repetition.sub).is_err() || unit.length == 0 {
                    return Ok(());
                }
                let room = repetition
                    .max
                    .map_or(usize::MAX, |max| (max - repetition.min) as usize);
                let more = (self.extra / unit.length).min(room);
                for _ in 0..more {
                    self.push(&unit.out)?;
                }
                self.extra -= more * unit.length;
                Ok(())
            }
        }
    }
}

/// The character a class gives: its first lower-case letter, else digit, upper-case
/// letter, other printable ASCII character, else its first character.
fn pick(class: &Class) -> Option<char> {
    let mut preferred = ('a'..='z')
        .chain('0'..='9')
        .chain('A'..='Z')
        .chain((b'!'..=b'~').map(char::from));
    match class {
        Class::Unicode(class) => {
            let ranges = class.ranges();
            preferred
                .find(|c| ranges.iter().any(|r| (r.start()..=r.end()).contains(c)))
                .or_else(|| ranges.first().map(|r| r.start()))
        }
        Class::Bytes(class) => {
            let ranges = class.ranges();
            preferred.find(|c| {
                ranges
                    .iter()
                    .any(|r| (r.start()..=r.end()).contains(&(*c as u8)))
            })
        }
    }
}

/// The bounds of a number's schema: each `(value, exclusive)`.
#[derive(Debug, Default)]
struct Bounds {
    low: Option<(f64, bool)>,
    high: Option<(f64, bool)>,
}

impl Bounds {
    fn of(schema: &Value, integer: bool) -> Bounds {
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));
        let mut bounds = Bounds::default();
        // 3.0: `exclusiveMinimum: true` makes `minimum` exclusive; 3.1: a number of its own.
        let tighter_low = |a: Option<(f64, bool)>, b: (f64, bool)| match a {
            Some(a) if a.0 > b.0 || (a.0 == b.0 && a.1) => Some(a),
            _ => Some(b),
        };
        let tighter_high = |a: Option<(f64, bool)>, b: (f64, bool)| match a {
            Some(a) if a.0 < b.0 || (a.0 == b.0 && a.1) => Some(a),
            _ => Some(b),
        };
        if let Some(minimum) = number("minimum") {
            bounds.low = tighter_low(bounds.low, (minimum, flag("exclusiveMinimum")));
        }
        if let Some(minimum) = number("exclusiveMinimum") {
            bounds.low = tighter_low(bounds.low, (minimum, true));
        }
        if let Some(maximum) = number("maximum") {
            bounds.high = tighter_high(bounds.high, (maximum, flag("exclusiveMaximum")));
        }
        if let Some(maximum) = number("exclusiveMaximum") {
            bounds.high = tighter_high(bounds.high, (maximum, true));
        }
        if integer {
            let range = match schema.get("format").and_then(Value::as_str) {
                Some("int32") => Some((f64::from(i32::MIN), f64::from(i32::MAX))),
                Some("int64") => Some((i64::MIN as f64, i64::MAX as f64)),
                _ => None,
            };
            if let Some((low, high)) = range {
                bounds.low = tighter_low(bounds.low, (low, false));
                bounds.high = tighter_high(bounds.high, (high, false));
            }
        }
        bounds
    }

    fn contains(&self, value: f64) -> bool {
        let above = match self.low {
            Some((low, true)) => value > low,
            Some((low, false)) => value >= low,
            None => true,
        };
        let below = match self.high {
            Some((high, true)) => value < high,
            Some((high, false)) => value <= high,
            None => true,
        };
        above && below
    }
}

/// Whether `value` is a multiple of `step` (the quotient an integer, within rounding).
fn is_multiple(value: f64, step: f64) -> bool {
    if value == 0.0 {
        return true;
    }
    let quotient = value / step;
    (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
}

/// `value` as the shortest decimal a JSON text would carry: `0.30000000000000004` is `0.3`
/// when that is what was meant (a multiple of `0.1` computed in binary).
fn tidy(value: f64) -> f64 {
    for digits in 0..=12 {
        let text = format!("{value:.digits$}");
        if let Ok(tidied) = text.parse::<f64>() {
            if (tidied - value).abs() <= 1e-12 * value.abs().max(1.0) {
                return tidied;
            }
        }
    }
    value
}

/// An integer (`integer`) or a number that fits `schema`'s bounds and `multipleOf`: its
/// lower bound (as before: `minimum` itself when it is inclusive), else `1` (`1.5` for a
/// number), else the first of a few candidates near the bounds that fits; else why none.
pub(super) fn number(schema: &Value, integer: bool) -> Result<Value, String> {
    let bounds = Bounds::of(schema, integer);
    let step = schema
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|s| *s > 0.0 && s.is_finite());
    let whole = |v: f64| if integer { v.ceil() } else { v };
    let mut bases = Vec::new();
    match bounds.low {
        Some((low, false)) => bases.push(whole(low)),
        Some((low, true)) => {
            bases.push(if integer {
                low.floor() + 1.0
            } else {
                low + 1.0
            });
            if !integer {
                bases.push(low + 0.5);
            }
        }
        None => {}
    }
    bases.push(if integer { 1.0 } else { 1.5 });
    match bounds.high {
        Some((high, false)) => bases.push(if integer { high.floor() } else { high }),
        Some((high, true)) => {
            bases.push(if integer {
                high.ceil() - 1.0
            } else {
                high - 1.0
            });
            if !integer {
                bases.push(high - 0.5);
            }
        }
        None => {}
    }
    if let (Some((low, _)), Some((high, _))) = (bounds.low, bounds.high) {
        let middle = low / 2.0 + high / 2.0;
        bases.push(if integer { middle.floor() } else { middle });
        if integer {
            bases.push(middle.ceil());
        }
    }
    bases.push(0.0);
    let mut candidates = Vec::new();
    for base in bases {
        match step {
            Some(step) => {
                let n = (base / step).ceil();
                for k in [n, n + 1.0, n - 1.0, (base / step).floor()] {
                    let v = tidy(k * step);
                    candidates.push(v);
                    if integer {
                        // An integer multiple of a fractional step: the next whole ones.
                        candidates.push(v.ceil());
                    }
                }
            }
            None => candidates.push(base),
        }
    }
    let fits = |v: &f64| {
        v.is_finite()
            && (!integer || (v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0))
            && bounds.contains(*v)
            && step.is_none_or(|s| is_multiple(*v, s))
    };
    if let Some(value) = candidates.into_iter().find(fits) {
        return Ok(if integer {
            json!(value as i64)
        } else if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
            // A whole number is written as one (`2`, not `2.0`): a number still.
            json!(value as i64)
        } else {
            json!(value)
        });
    }
    let mut keywords = Vec::new();
    for key in [
        "minimum",
        "exclusiveMinimum",
        "maximum",
        "exclusiveMaximum",
        "multipleOf",
        "format",
    ] {
        if let Some(value) = schema.get(key) {
            keywords.push(format!("{key} {value}"));
        }
    }
    Err(format!(
        "no {} the importer derives fits its {}",
        if integer { "integer" } else { "number" },
        keywords.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_twilio_sid_matches_its_pattern_and_lengths() {
        let schema = json!({ "type": "string", "minLength": 34, "maxLength": 34,
            "pattern": "^AC[0-9a-fA-F]{32}$" });
        assert_eq!(
            super::string(&schema).as_deref(),
            Ok("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        );
    }

    #[test]
    fn a_pattern_beyond_the_generator_says_why() {
        let schema = json!({ "type": "string", "pattern": "^(?=a)b$" });
        let error = super::string(&schema).expect_err("no value");
        assert!(error.contains("pattern `^(?=a)b$`"), "{error}");
        let schema = json!({ "type": "string", "format": "date", "pattern": "^x" });
        assert!(super::string(&schema).is_err());
    }

    #[test]
    fn numbers_keep_to_their_bounds_and_steps() {
        let cases = [
            (json!({ "maximum": 0 }), true, json!(0)),
            (
                json!({ "minimum": 5, "exclusiveMinimum": true }),
                true,
                json!(6),
            ),
            (json!({ "exclusiveMaximum": 1 }), true, json!(0)),
            (json!({ "minimum": 3, "multipleOf": 5 }), true, json!(5)),
            (
                json!({ "minimum": 0.25, "multipleOf": 0.1 }),
                false,
                json!(0.3),
            ),
            (
                json!({ "minimum": 1, "maximum": 2, "exclusiveMinimum": true }),
                false,
                json!(2),
            ),
            (
                json!({ "exclusiveMinimum": 1, "exclusiveMaximum": 2 }),
                false,
                json!(1.5),
            ),
        ];
        for (schema, integer, expected) in cases {
            assert_eq!(super::number(&schema, integer), Ok(expected), "{schema}");
        }
        let error = super::number(&json!({ "minimum": 2, "maximum": 1 }), true);
        assert!(error.is_err(), "{error:?}");
    }
}
