//! `load:` — what a load run of the collection (`runner load`, Locust) must achieve. A smoke
//! run (`runner run`) ignores it.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

use super::duration::{DurationText, ParsedText};

/// Thresholds of a load run, checked per step by `runner load` (the command line's
/// `--max-p95` and friends win over these).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// The largest median response time a step may have (`200ms`).
    #[serde(default)]
    pub max_p50: Option<DurationText>,
    /// The largest 95th percentile response time a step may have (`500ms`).
    #[serde(default)]
    pub max_p95: Option<DurationText>,
    /// The largest 99th percentile response time a step may have (`1s`).
    #[serde(default)]
    pub max_p99: Option<DurationText>,
    /// The largest share of a step's requests that may fail (`1%`).
    #[serde(default)]
    pub max_failure_rate: Option<Percent>,
}

/// A share written as a percentage: `1%`, `0.5%`; kept as a fraction (0.01).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percent(pub f64);

/// Parses `1%` or `0.5 %` into a fraction between 0 and 1: digits with a `.` anywhere, as
/// a duration's number is written (no sign, no exponent), then `%`.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let number = text.trim().strip_suffix('%').ok_or_else(|| {
        format!("`{text}` is not a percentage; write a number and `%`, e.g. `1%`")
    })?;
    let number = number.trim();
    let digits = number.chars().all(|c| c.is_ascii_digit() || c == '.');
    match number.parse::<f64>() {
        Ok(value) if digits && (0.0..=100.0).contains(&value) => Ok(value / 100.0),
        _ => Err(format!(
            "`{text}` is not a percentage from 0% to 100%; write e.g. `1%` or `0.5%`"
        )),
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(ParsedText {
                parse: parse_percent,
                expecting: "a percentage such as `1%`",
            })
            .map(Percent)
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A percentage from 0% to 100% (e.g. `1%`, `0.5%`).",
            "type": "string",
            "pattern": format!("^\\s*(?:{})\\s*%\\s*$", super::duration::at_most(100))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_fractions() {
        assert_eq!(parse_percent("1%"), Ok(0.01));
        assert_eq!(parse_percent(" 0.5 % "), Ok(0.005));
        assert!(parse_percent("1").is_err());
        assert!(parse_percent("101%").is_err());
    }

    #[test]
    fn the_schema_pattern_reads_what_the_parser_reads() {
        let schema = Percent::json_schema(&mut schemars::SchemaGenerator::default());
        let pattern = schema
            .get("pattern")
            .and_then(|p| p.as_str())
            .expect("a pattern");
        let pattern = regex::Regex::new(pattern).expect("a regex");
        for text in [
            "1%", "0.5 %", " 100% ", "100.0%", "100.5%", "101%", ".5%", "5.%", "0%", "-0%", "+5%",
            "1e2%", "inf%", "NaN%", "1", "%", ".%", "1.2.3%", "099.9%", "1000%",
        ] {
            assert_eq!(
                pattern.is_match(text),
                parse_percent(text).is_ok(),
                "{text:?}"
            );
        }
    }
}
