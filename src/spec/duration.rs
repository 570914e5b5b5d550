//! Durations as written in collections: a number and a unit, `500ms`, `2s`, `1.5m`, `4h`.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

/// A duration written as text, already parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationText(pub Duration);

/// The longest duration a collection or flag may give (24 hours): longer timeouts and waits
/// are mistakes, and timers cannot count to some of them.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// A timeout as runner applies it: `0` is no limit, as curl's `--max-time 0` and Newman's
/// `--timeout-request 0` are — the longest duration runner takes (docs/format.md).
pub fn time_limit(timeout: Duration) -> Duration {
    match timeout.is_zero() {
        true => MAX_DURATION,
        false => timeout,
    }
}

/// Why a duration did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// Not a number and a unit.
    #[error(
        "`{0}` is not a duration; write a number and a unit: ms, s, m or h (e.g. `500ms`, `2s`)"
    )]
    Syntax(String),
    /// Longer than [`MAX_DURATION`].
    #[error("`{0}` is longer than the limit of 24h for a duration; write at most `24h`")]
    TooLong(String),
}

/// Parses `500ms`, `2s`, `1.5m`, `4h`; at most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| DurationError::Syntax(text.to_owned()))?;
    let seconds_per_unit = match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(DurationError::Syntax(text.to_owned())),
    };
    let seconds = value * seconds_per_unit;
    if !seconds.is_finite() || seconds > MAX_DURATION.as_secs_f64() {
        return Err(DurationError::TooLong(text.to_owned()));
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| DurationError::Syntax(text.to_owned()))
}

/// `wait` times `factor`, at most [`MAX_DURATION`] however large either is.
pub fn saturating_mul(wait: Duration, factor: f64) -> Duration {
    let seconds = wait.as_secs_f64() * factor;
    if seconds.is_finite() && seconds < MAX_DURATION.as_secs_f64() {
        Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(MAX_DURATION)
    } else {
        MAX_DURATION
    }
}

/// A duration in whole milliseconds, rounded to the nearest (half a millisecond up): the one
/// rounding every output uses, so that the JSON's `duration_ms`, JUnit's `time` and the
/// text for people give one duration the same number.
pub fn round_millis(duration: Duration) -> u64 {
    let millis = (duration.as_nanos() + 500_000) / 1_000_000;
    u64::try_from(millis).unwrap_or(u64::MAX)
}

/// Formats a duration for people: `850 ms`, `1.25 s` — [`round_millis`]'s milliseconds, and
/// from a second on, those milliseconds to the nearest hundredth of a second (half up).
pub fn format_duration(duration: Duration) -> String {
    format_millis(round_millis(duration))
}

/// Formats `millis` milliseconds for people, as [`format_duration`] does.
pub fn format_millis(millis: u64) -> String {
    if millis < 1000 {
        format!("{millis} ms")
    } else {
        let hundredths = millis / 10 + u64::from(millis % 10 >= 5);
        format!("{}.{:02} s", hundredths / 100, hundredths % 100)
    }
}

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(ParsedText {
                parse: parse_duration,
                expecting: "a duration such as `2s`",
            })
            .map(DurationText)
    }
}

/// Reads a scalar (text, or a number written without its unit) and parses it with `parse`,
/// failing while the scalar is read, so that the deserializer says where it is written —
/// not after, when it could only name the map around it.
pub(crate) struct ParsedText<T, Why> {
    /// The parser, whose error is the message.
    pub parse: fn(&str) -> Result<T, Why>,
    /// What is expected, for a value that is not a scalar.
    pub expecting: &'static str,
}

impl<T, Why: fmt::Display> ParsedText<T, Why> {
    fn parsed<E: serde::de::Error>(&self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }
}

impl<'de, T, Why: fmt::Display> serde::de::Visitor<'de> for ParsedText<T, Why> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        self.parsed(v)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        self.parsed(&v.to_string())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        self.parsed(&v.to_string())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        self.parsed(&v.to_string())
    }
}

impl fmt::Display for DurationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

impl JsonSchema for DurationText {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number and a unit: ms, s, m or h (e.g. `500ms`, `2s`); at most `24h`.",
            "type": "string",
            "pattern": duration_pattern()
        })
    }
}

/// What [`parse_duration`] reads, as a regular expression: a number (digits, with a `.`
/// anywhere) of at most 24h in its unit, then the unit, blanks around either.
pub fn duration_pattern() -> String {
    let limit = MAX_DURATION.as_secs();
    let units = [
        ("h", limit / 3600),
        ("m", limit / 60),
        ("s", limit),
        ("ms", limit * 1000),
    ];
    let numbers: Vec<String> = units
        .iter()
        .map(|(unit, most)| format!("(?:{})\\s*{unit}", at_most(*most)))
        .collect();
    format!("^\\s*(?:{})\\s*$", numbers.join("|"))
}

/// A regular expression for the decimal numbers Rust reads from digits and one `.` (`5`,
/// `5.`, `.5`, `0.5`) whose value is at most `most`, leading zeros allowed.
pub(crate) fn at_most(most: u64) -> String {
    format!(
        "0*(?:{})(?:\\.[0-9]*)?|0*{most}(?:\\.0*)?|\\.[0-9]+",
        below(most)
    )
}

/// A regular expression for the integers from 0 to `limit - 1`, written without leading
/// zeros (`limit` at least 1).
fn below(limit: u64) -> String {
    let digits: Vec<u32> = limit
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let mut alternatives = vec!["[0-9]".to_owned()];
    // Shorter than `limit`: any, without a leading zero.
    for length in 2..digits.len() {
        alternatives.push(format!("[1-9][0-9]{{{}}}", length - 1));
    }
    // As long as `limit`: its first digits, then a smaller one, then any.
    if digits.len() > 1 {
        for (at, digit) in digits.iter().enumerate() {
            let lowest = u32::from(at == 0);
            if *digit <= lowest {
                continue;
            }
            let prefix: String = digits[..at].iter().map(u32::to_string).collect();
            let rest = digits.len() - at - 1;
            let tail = match rest {
                0 => String::new(),
                1 => "[0-9]".to_owned(),
                n => format!("[0-9]{{{n}}}"),
            };
            alternatives.push(format!("{prefix}[{lowest}-{}]{tail}", digit - 1));
        }
    } else if limit > 1 {
        alternatives[0] = format!("[0-{}]", limit - 1);
    } else {
        alternatives[0] = "0".to_owned();
    }
    alternatives.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("4h"), Ok(Duration::from_secs(4 * 3600)));
        assert_eq!(parse_duration(" 10 s "), Ok(Duration::from_secs(10)));
    }

    #[test]
    fn rejects_missing_or_unknown_units() {
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("10 days").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn refuses_more_than_a_day() {
        assert_eq!(parse_duration("24h"), Ok(MAX_DURATION));
        assert!(matches!(
            parse_duration("9300000000000000000s"),
            Err(DurationError::TooLong(_))
        ));
        assert!(matches!(
            parse_duration("24.1h"),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn durations_round_to_the_nearest_millisecond_and_text_follows_the_milliseconds() {
        let d = |nanos: u64| Duration::from_nanos(nanos);
        assert_eq!(round_millis(d(204_499_999)), 204);
        assert_eq!(round_millis(d(204_500_000)), 205);
        assert_eq!(round_millis(d(499_999)), 0);
        assert_eq!(round_millis(Duration::MAX), u64::MAX);
        assert_eq!(format_duration(d(204_700_000)), "205 ms");
        assert_eq!(format_duration(d(999_500_000)), "1.00 s");
        // 1244.6 ms is 1245 ms wherever a number is written, so 1.25 s, not 1.24 s.
        assert_eq!(format_duration(d(1_244_600_000)), "1.25 s");
        assert_eq!(format_duration(d(1_834_000_000)), "1.83 s");
        assert_eq!(format_duration(Duration::from_secs(10)), "10.00 s");
        assert_eq!(format_millis(u64::MAX), "18446744073709551.62 s");
    }

    #[test]
    fn the_schema_pattern_reads_what_the_parser_reads() {
        let pattern = regex::Regex::new(&duration_pattern()).expect("a regex");
        for limit in [1, 2, 9, 10, 24, 99, 100, 1440, 86400, 86_400_000] {
            let below = regex::Regex::new(&format!("^(?:{})$", below(limit))).expect("a regex");
            for n in 0..limit.min(3000) {
                assert!(below.is_match(&n.to_string()), "{n} < {limit}");
            }
            for n in [limit - 1, limit, limit + 1, limit * 10] {
                assert_eq!(below.is_match(&n.to_string()), n < limit, "{n} vs {limit}");
            }
        }
        let mut texts: Vec<String> = [
            "24h",
            "24.0h",
            "24.1h",
            "25h",
            "023h",
            ".5s",
            "5.s",
            "1.5m",
            "1440m",
            "1441m",
            "1440.5m",
            "86400s",
            "86401s",
            "86400000ms",
            "86400001ms",
            " 10 s ",
            "10",
            "s",
            ".",
            "1.2.3s",
            "5S",
            "1e3ms",
            "-1s",
            "+1s",
            "0ms",
            "00.5h",
            "0.0001ms",
            "1 h",
        ]
        .map(str::to_owned)
        .to_vec();
        let mut rng = fastrand::Rng::with_seed(24);
        for _ in 0..3000 {
            let unit = ["ms", "s", "m", "h"][rng.usize(..4)];
            let width = rng.u32(1..10);
            let digits = rng.u64(..10u64.pow(width));
            let text = match rng.u8(..3) {
                0 => format!("{digits}{unit}"),
                1 => format!("{digits}.{}{unit}", rng.u8(..100)),
                _ => format!("{}.{digits}{unit}", rng.u8(..3)),
            };
            texts.push(text);
        }
        for text in texts {
            assert_eq!(
                pattern.is_match(&text),
                parse_duration(&text).is_ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn backoff_saturates() {
        assert_eq!(
            saturating_mul(Duration::from_millis(1), 1e308),
            MAX_DURATION
        );
        let mut wait = Duration::from_millis(1);
        for _ in 0..200 {
            wait = saturating_mul(wait, 2.0);
        }
        assert_eq!(wait, MAX_DURATION);
        assert_eq!(
            saturating_mul(Duration::from_secs(1), 2.0),
            Duration::from_secs(2)
        );
    }
}
