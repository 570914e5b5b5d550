//! The one predicate evaluator, shared by every expectation (and, later, `retry.until` and
//! `when`).

use std::cmp::Ordering;

use handlebars::Context;
use regex::Regex;
use serde_json::Value;

use crate::redact::Redactor;
use crate::spec::duration::parse_duration;
/// JSON equality where numbers compare by value (`1` equals `1.0`).
pub use crate::spec::json::equal as json_equal;
use crate::spec::predicate::{JsonType, Operators, PredicateSpec};
use crate::template::{value_to_text, JsonTemplate, Template, TemplateError, Templates};

/// What a predicate is applied to; decides how operands are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A JSON value (a JSONPath match, a length).
    Json,
    /// Text that may hold a number (a header value, the body).
    Text,
    /// A response time in milliseconds; comparison operands are durations (`2s`).
    Duration,
    /// A count (`length`, `count`): an operand written as text that holds a number (a
    /// captured header such as `X-Total-Count`) means that number.
    Count,
}

/// A compiled predicate: every operator must hold.
#[derive(Debug, Clone)]
pub struct Predicate {
    operators: Vec<Operator>,
    subject: Subject,
}

#[derive(Debug, Clone)]
enum Operator {
    Equals(JsonTemplate),
    NotEquals(JsonTemplate),
    Exists(bool),
    Type(JsonType),
    Contains(JsonTemplate),
    NotContains(JsonTemplate),
    StartsWith(Template),
    EndsWith(Template),
    Matches(Regex),
    OneOf(Vec<JsonTemplate>),
    Compare(Comparison, JsonTemplate),
    Length(Box<Predicate>),
    Empty(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Lt,
    Le,
    Gt,
    Ge,
}

/// Why a predicate does not compile.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PredicateError {
    /// An operand template does not compile.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A `matches` regex does not compile.
    #[error("invalid regex `{pattern}`: {reason}")]
    Regex {
        /// The pattern as written.
        pattern: String,
        /// The regex parser's message.
        reason: String,
    },
    /// An operand of the wrong kind.
    #[error("{0}")]
    Operand(String),
    /// `count` outside `expect.jsonpath`.
    #[error("`count` only applies under `expect.jsonpath`")]
    CountOutsideJsonPath,
    /// `{}`: a predicate with no operator.
    #[error("an empty map of operators checks nothing; give at least one operator")]
    Empty,
}

/// A predicate that did not hold: what was expected, and what was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The operator that failed, in words (`type integer`, `< 2000 ms`).
    pub expected: String,
    /// What was there, as JSON or text, shortened.
    pub actual: String,
}

/// The rendering environment for operands that are templates.
#[derive(Clone, Copy)]
pub struct Operands<'a> {
    /// The collection's templates.
    pub templates: &'a Templates,
    /// The current variables.
    pub context: &'a Context,
    /// The run's secrets: a value shown in a message is masked before it is cut.
    pub redactor: &'a Redactor,
}

impl Predicate {
    /// Compiles `spec`; returns the predicate and, when `allow_count`, the `count` predicate
    /// split off.
    pub fn compile(
        spec: &PredicateSpec,
        subject: Subject,
        allow_count: bool,
        templates: &mut Templates,
    ) -> Result<(Predicate, Option<Predicate>), PredicateError> {
        let operators = match spec {
            PredicateSpec::Equals(value) => {
                let operand = JsonTemplate::compile(templates, value)?;
                return Ok((
                    Predicate {
                        operators: vec![Operator::Equals(operand)],
                        subject,
                    },
                    None,
                ));
            }
            PredicateSpec::Operators(operators) => operators,
        };
        let count = match &operators.count {
            Some(_) if !allow_count => return Err(PredicateError::CountOutsideJsonPath),
            Some(count) => Some(Predicate::compile(count, Subject::Count, false, templates)?.0),
            None => None,
        };
        let predicate = Predicate {
            operators: compile_operators(operators, subject, templates)?,
            subject,
        };
        if predicate.operators.is_empty() && count.is_none() {
            return Err(PredicateError::Empty);
        }
        Ok((predicate, count))
    }

    /// A predicate that always holds for a present value (e.g. only `count` was given).
    pub fn is_trivial(&self) -> bool {
        self.operators.is_empty()
    }

    /// True when the predicate expects the value to be absent (`exists: false`).
    pub fn expects_absence(&self) -> bool {
        self.operators
            .iter()
            .any(|op| matches!(op, Operator::Exists(false)))
    }

    /// Templates used by the operands, for reference checks.
    pub fn templates(&self) -> Vec<&Template> {
        let mut found = Vec::new();
        for operator in &self.operators {
            match operator {
                Operator::Equals(t)
                | Operator::NotEquals(t)
                | Operator::Contains(t)
                | Operator::NotContains(t)
                | Operator::Compare(_, t) => found.extend(t.templates()),
                Operator::OneOf(items) => items.iter().for_each(|t| found.extend(t.templates())),
                Operator::StartsWith(t) | Operator::EndsWith(t) => found.push(t),
                Operator::Length(inner) => found.extend(inner.templates()),
                Operator::Exists(_)
                | Operator::Type(_)
                | Operator::Matches(_)
                | Operator::Empty(_) => {}
            }
        }
        found
    }

    /// Checks `actual` (`None`: absent). The first operator that fails is reported.
    pub fn check(&self, actual: Option<&Value>, operands: Operands<'_>) -> Result<(), Mismatch> {
        for operator in &self.operators {
            self.check_one(operator, actual, operands)?;
        }
        Ok(())
    }

    fn check_one(
        &self,
        operator: &Operator,
        actual: Option<&Value>,
        operands: Operands<'_>,
    ) -> Result<(), Mismatch> {
        let render = |t: &JsonTemplate| {
            t.render(operands.templates, operands.context)
                .map_err(|e| Mismatch {
                    expected: format!("an operand that renders ({e})"),
                    actual: show(actual, operands.redactor),
                })
        };
        let fail = |expected: String| {
            Err(Mismatch {
                expected,
                actual: show(actual, operands.redactor),
            })
        };
        if let Operator::Exists(should_exist) = operator {
            return match (should_exist, actual.is_some()) {
                (true, false) => fail("to exist".into()),
                (false, true) => fail("to be absent".into()),
                _ => Ok(()),
            };
        }
        let Some(value) = actual else {
            return fail(describe(operator, operands));
        };
        let holds = match operator {
            Operator::Exists(_) => true,
            Operator::Equals(t) => self.equal(value, &render(t)?),
            Operator::NotEquals(t) => !self.equal(value, &render(t)?),
            Operator::Type(expected) => is_type(value, *expected),
            Operator::Contains(t) => contains(value, &render(t)?),
            Operator::NotContains(t) => !contains(value, &render(t)?),
            Operator::StartsWith(t) => value_to_text(value).starts_with(&render_text(t, operands)?),
            Operator::EndsWith(t) => value_to_text(value).ends_with(&render_text(t, operands)?),
            Operator::Matches(regex) => regex.is_match(&value_to_text(value)),
            Operator::OneOf(items) => {
                let mut any = false;
                for item in items {
                    if self.equal(value, &render(item)?) {
                        any = true;
                        break;
                    }
                }
                any
            }
            Operator::Compare(comparison, t) => {
                compare(value, &render(t)?).is_some_and(|ordering| match comparison {
                    Comparison::Lt => ordering == Ordering::Less,
                    Comparison::Le => ordering != Ordering::Greater,
                    Comparison::Gt => ordering == Ordering::Greater,
                    Comparison::Ge => ordering != Ordering::Less,
                })
            }
            Operator::Length(inner) => match length(value) {
                Some(n) => {
                    return inner
                        .check(Some(&Value::from(n)), operands)
                        .map_err(|m| Mismatch {
                            expected: format!("length {}", m.expected),
                            actual: format!("length {n}: {}", show(Some(value), operands.redactor)),
                        })
                }
                None => false,
            },
            Operator::Empty(should_be_empty) => is_empty(value) == *should_be_empty,
        };
        if holds {
            Ok(())
        } else {
            fail(describe(operator, operands))
        }
    }

    fn equal(&self, actual: &Value, expected: &Value) -> bool {
        if self.subject == Subject::Text {
            if let Value::String(text) = actual {
                return match expected {
                    Value::String(e) => text == e,
                    Value::Number(n) => text.trim().parse::<f64>().ok() == n.as_f64(),
                    other => serde_json::to_string(other).is_ok_and(|json| json == *text),
                };
            }
        }
        if self.subject == Subject::Count {
            if let Value::String(text) = expected {
                return text.trim().parse::<f64>().ok() == actual.as_f64();
            }
        }
        json_equal(actual, expected)
    }
}

fn compile_operators(
    ops: &Operators,
    subject: Subject,
    templates: &mut Templates,
) -> Result<Vec<Operator>, PredicateError> {
    let mut out = Vec::new();
    let operand =
        |templates: &mut Templates, value: &Value| JsonTemplate::compile(templates, value);
    if let Some(exists) = ops.exists {
        out.push(Operator::Exists(exists));
    }
    if let Some(t) = ops.type_ {
        out.push(Operator::Type(t));
    }
    if let Some(v) = &ops.equals {
        out.push(Operator::Equals(operand(templates, v)?));
    }
    if let Some(v) = &ops.not_equals {
        out.push(Operator::NotEquals(operand(templates, v)?));
    }
    if let Some(v) = &ops.contains {
        out.push(Operator::Contains(operand(templates, v)?));
    }
    if let Some(v) = &ops.not_contains {
        out.push(Operator::NotContains(operand(templates, v)?));
    }
    if let Some(text) = &ops.starts_with {
        out.push(Operator::StartsWith(templates.compile(text)?));
    }
    if let Some(text) = &ops.ends_with {
        out.push(Operator::EndsWith(templates.compile(text)?));
    }
    if let Some(pattern) = &ops.matches {
        let regex = Regex::new(pattern).map_err(|e| PredicateError::Regex {
            pattern: pattern.clone(),
            reason: regex_reason(&e),
        })?;
        out.push(Operator::Matches(regex));
    }
    if let Some(items) = &ops.one_of {
        let compiled = items
            .iter()
            .map(|v| operand(templates, v))
            .collect::<Result<_, _>>()?;
        out.push(Operator::OneOf(compiled));
    }
    for (comparison, key, value) in [
        (Comparison::Lt, "lt", &ops.lt),
        (Comparison::Le, "le", &ops.le),
        (Comparison::Gt, "gt", &ops.gt),
        (Comparison::Ge, "ge", &ops.ge),
    ] {
        if let Some(value) = value {
            out.push(Operator::Compare(
                comparison,
                comparison_operand(subject, key, value, templates)?,
            ));
        }
    }
    if let Some(spec) = &ops.length {
        let (inner, _) = Predicate::compile(spec, Subject::Count, false, templates)?;
        out.push(Operator::Length(Box::new(inner)));
    }
    if let Some(empty) = ops.empty {
        out.push(Operator::Empty(empty));
    }
    Ok(out)
}

/// The regex crate's message without its multi-line drawing of the pattern.
pub fn regex_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map_or(text.clone(), |line| {
            line.trim_start_matches("error: ").to_owned()
        })
}

fn comparison_operand(
    subject: Subject,
    key: &str,
    value: &Value,
    templates: &mut Templates,
) -> Result<JsonTemplate, PredicateError> {
    match (subject, value) {
        (Subject::Duration, Value::String(text)) if !text.contains("{{") => {
            let duration = parse_duration(text)
                .map_err(|e| PredicateError::Operand(format!("`{key}`: {e}")))?;
            Ok(JsonTemplate::Static(Value::from(
                duration.as_millis() as u64
            )))
        }
        (_, Value::Number(_)) => Ok(JsonTemplate::Static(value.clone())),
        (_, Value::String(_)) => Ok(JsonTemplate::compile(templates, value)?),
        _ => Err(PredicateError::Operand(format!(
            "`{key}` compares with a number{}, not {value}",
            if subject == Subject::Duration {
                " or a duration such as `2s`"
            } else {
                " or text"
            }
        ))),
    }
}

fn render_text(template: &Template, operands: Operands<'_>) -> Result<String, Mismatch> {
    operands
        .templates
        .render_text(template, operands.context)
        .map_err(|e| Mismatch {
            expected: format!("an operand that renders ({e})"),
            actual: String::new(),
        })
}

fn is_type(value: &Value, expected: JsonType) -> bool {
    match expected {
        JsonType::String => value.is_string(),
        JsonType::Number => value.is_number(),
        JsonType::Integer => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        JsonType::Boolean => value.is_boolean(),
        JsonType::Array => value.is_array(),
        JsonType::Object => value.is_object(),
        JsonType::Null => value.is_null(),
    }
}

fn contains(haystack: &Value, needle: &Value) -> bool {
    match haystack {
        Value::String(text) => text.contains(value_to_text(needle).as_str()),
        Value::Array(items) => items.iter().any(|item| json_equal(item, needle)),
        Value::Object(map) => needle.as_str().is_some_and(|key| map.contains_key(key)),
        other => value_to_text(other).contains(value_to_text(needle).as_str()),
    }
}

/// The order of `actual` and `expected`: numbers (or texts of numbers) by value, exactly (an
/// id past 2^53 is not rounded to its neighbour); other texts as texts.
fn compare(actual: &Value, expected: &Value) -> Option<Ordering> {
    match (actual, expected) {
        (Value::String(a), Value::String(b)) => match (as_number(actual), as_number(expected)) {
            (Some(x), Some(y)) => x.compare(&y),
            _ => Some(a.as_str().cmp(b.as_str())),
        },
        _ => as_number(actual)?.compare(&as_number(expected)?),
    }
}

/// A number compared by value: a JSON number, or the text of one.
enum Number {
    /// A JSON number, or a text of a finite one (an integer read exactly).
    Json(serde_json::Number),
    /// A text of one JSON cannot hold (`inf`, `-Infinity`, `NaN`).
    NotFinite(f64),
}

impl Number {
    fn compare(&self, other: &Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Json(x), Number::Json(y)) => crate::spec::json::numbers_cmp(x, y),
            _ => self.as_f64()?.partial_cmp(&other.as_f64()?),
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Json(n) => n.as_f64(),
            Number::NotFinite(f) => Some(*f),
        }
    }
}

/// A number, or the text of one (an integer read exactly, else a float).
fn as_number(value: &Value) -> Option<Number> {
    match value {
        Value::Number(n) => Some(Number::Json(n.clone())),
        Value::String(text) => {
            let text = text.trim();
            if let Ok(n) = text.parse::<i64>() {
                return Some(Number::Json(n.into()));
            }
            if let Ok(n) = text.parse::<u64>() {
                return Some(Number::Json(n.into()));
            }
            let float = text.parse::<f64>().ok()?;
            Some(serde_json::Number::from_f64(float).map_or(Number::NotFinite(float), Number::Json))
        }
        _ => None,
    }
}

fn length(value: &Value) -> Option<usize> {
    match value {
        Value::String(text) => Some(text.chars().count()),
        Value::Array(items) => Some(items.len()),
        Value::Object(map) => Some(map.len()),
        _ => None,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

fn describe(operator: &Operator, operands: Operands<'_>) -> String {
    let shown = |t: &JsonTemplate| {
        t.render(operands.templates, operands.context)
            .map(|v| show(Some(&v), operands.redactor))
            .unwrap_or_else(|_| "?".into())
    };
    match operator {
        Operator::Equals(t) => shown(t),
        Operator::NotEquals(t) => format!("not equal to {}", shown(t)),
        Operator::Exists(true) => "to exist".into(),
        Operator::Exists(false) => "to be absent".into(),
        Operator::Type(t) => format!("type {}", t.as_str()),
        Operator::Contains(t) => format!("contains {}", shown(t)),
        Operator::NotContains(t) => format!("does not contain {}", shown(t)),
        Operator::StartsWith(t) => format!("starts with {}", shown_text(t, operands)),
        Operator::EndsWith(t) => format!("ends with {}", shown_text(t, operands)),
        Operator::Matches(regex) => format!("matches /{}/", regex.as_str()),
        Operator::OneOf(items) => format!(
            "one of [{}]",
            items.iter().map(shown).collect::<Vec<_>>().join(", ")
        ),
        Operator::Compare(comparison, t) => {
            let symbol = match comparison {
                Comparison::Lt => "<",
                Comparison::Le => "<=",
                Comparison::Gt => ">",
                Comparison::Ge => ">=",
            };
            format!("{symbol} {}", shown(t))
        }
        Operator::Length(inner) => format!(
            "length {}",
            inner
                .operators
                .first()
                .map_or_else(String::new, |op| describe(op, operands))
        ),
        Operator::Empty(true) => "to be empty".into(),
        Operator::Empty(false) => "not to be empty".into(),
    }
}

/// A text operand for a message, quoted as JSON like every other value (never with Rust's
/// `{:?}`, whose escapes, `\u{a0}`, would hide a secret from the redactor), masked and cut.
fn shown_text(template: &Template, operands: Operands<'_>) -> String {
    let text = render_text(template, operands).unwrap_or_default();
    show(Some(&Value::String(text)), operands.redactor)
}

/// Characters of a value a message shows.
pub const SHOWN: usize = 120;

/// A value for a message: JSON, masked, then shortened to [`SHOWN`] characters; `nothing` when
/// absent.
pub fn show(value: Option<&Value>, redactor: &Redactor) -> String {
    let Some(value) = value else {
        return "nothing".into();
    };
    redactor.excerpt_json(value, SHOWN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_with(subject: Subject, yaml: &str, actual: Option<Value>) -> Result<(), Mismatch> {
        let spec: PredicateSpec = serde_yaml::from_str(yaml).expect("valid predicate");
        let mut templates = Templates::new();
        let (predicate, _) =
            Predicate::compile(&spec, subject, true, &mut templates).expect("compiles");
        let context = Context::from(json!({"expected_id": 7}));
        predicate.check(
            actual.as_ref(),
            Operands {
                templates: &templates,
                context: &context,
                redactor: &Redactor::new(),
            },
        )
    }

    fn check(yaml: &str, actual: Value) -> Result<(), Mismatch> {
        check_with(Subject::Json, yaml, Some(actual))
    }

    #[test]
    fn a_text_operand_is_quoted_as_json_and_masked() {
        // Characters Rust's `Debug` escapes (`\u{a0}`): that form hid the secret from the
        // redactor.
        for c in [
            '\u{a0}', '\u{ad}', '\u{200b}', '\u{feff}', '\u{202e}', '\u{7f}', '\u{1}', ' ',
        ] {
            let secret = format!("Zk9Wq{c}correct-horse");
            let mut redactor = Redactor::new();
            redactor.add(&secret);
            for (operator, shown) in [("starts_with", "starts with"), ("ends_with", "ends with")] {
                let spec: PredicateSpec =
                    serde_yaml::from_str(&format!("{{ {operator}: '{{{{pw}}}}' }}"))
                        .expect("valid predicate");
                let mut templates = Templates::new();
                let (predicate, _) = Predicate::compile(&spec, Subject::Json, true, &mut templates)
                    .expect("compiles");
                let context = Context::from(json!({ "pw": secret }));
                let operands = Operands {
                    templates: &templates,
                    context: &context,
                    redactor: &redactor,
                };
                let mismatch = predicate
                    .check(Some(&json!("/echo")), operands)
                    .expect_err("differs");
                assert_eq!(mismatch.expected, format!("{shown} \"***\""), "{c:?}");
            }
        }
        let mismatch = check("{ starts_with: 'a\"b' }", json!("x")).expect_err("differs");
        assert_eq!(mismatch.expected, r#"starts with "a\"b""#);
    }

    #[test]
    fn a_scalar_means_equals() {
        assert!(check("5", json!(5)).is_ok());
        assert!(check("5", json!(5.0)).is_ok());
        assert!(check("abc", json!("abc")).is_ok());
        let mismatch = check("5", json!(6)).expect_err("differs");
        assert_eq!(
            mismatch,
            Mismatch {
                expected: "5".into(),
                actual: "6".into()
            }
        );
    }

    #[test]
    fn equals_and_not_equals() {
        assert!(check("{ equals: {a: [1]} }", json!({"a": [1]})).is_ok());
        assert!(check("{ equals: null }", json!(null)).is_ok());
        assert!(check("{ equals: null }", json!(0)).is_err());
        assert!(check("{ not_equals: 1 }", json!(2)).is_ok());
        assert!(check("{ not_equals: 1 }", json!(1)).is_err());
    }

    #[test]
    fn operands_may_be_templates_keeping_their_type() {
        assert!(check("{ equals: '{{expected_id}}' }", json!(7)).is_ok());
        assert!(check("'{{expected_id}}'", json!(8)).is_err());
    }

    #[test]
    fn exists() {
        assert!(check_with(Subject::Json, "{ exists: true }", Some(json!(null))).is_ok());
        assert!(check_with(Subject::Json, "{ exists: true }", None).is_err());
        assert!(check_with(Subject::Json, "{ exists: false }", None).is_ok());
        assert!(check_with(Subject::Json, "{ exists: false }", Some(json!(1))).is_err());
    }

    #[test]
    fn an_absent_value_fails_every_other_operator() {
        let mismatch = check_with(Subject::Json, "{ type: string }", None).expect_err("absent");
        assert_eq!(mismatch.actual, "nothing");
    }

    #[test]
    fn type_names() {
        assert!(check("{ type: string }", json!("x")).is_ok());
        assert!(check("{ type: number }", json!(1.5)).is_ok());
        assert!(check("{ type: integer }", json!(2)).is_ok());
        assert!(check("{ type: integer }", json!(2.0)).is_ok());
        assert!(check("{ type: integer }", json!(2.5)).is_err());
        assert!(check("{ type: boolean }", json!(false)).is_ok());
        assert!(check("{ type: array }", json!([])).is_ok());
        assert!(check("{ type: object }", json!({})).is_ok());
        assert!(check("{ type: null }", json!(null)).is_ok());
        assert!(check("{ type: string }", json!(1)).is_err());
    }

    #[test]
    fn contains_and_not_contains() {
        assert!(check("{ contains: json }", json!("application/json")).is_ok());
        assert!(check("{ contains: 2 }", json!([1, 2])).is_ok());
        assert!(check("{ contains: id }", json!({"id": 1})).is_ok());
        assert!(check("{ contains: 3 }", json!([1, 2])).is_err());
        assert!(check("{ not_contains: xml }", json!("application/json")).is_ok());
        assert!(check("{ not_contains: json }", json!("application/json")).is_err());
    }

    #[test]
    fn starts_and_ends_with() {
        assert!(check("{ starts_with: 'app' }", json!("application")).is_ok());
        assert!(check("{ starts_with: 'x' }", json!("application")).is_err());
        assert!(check("{ ends_with: 'tion' }", json!("application")).is_ok());
        assert!(check("{ ends_with: 'x' }", json!("application")).is_err());
    }

    #[test]
    fn matches() {
        assert!(check("{ matches: '^[0-9]{19}$' }", json!("8988303000006734768")).is_ok());
        assert!(check("{ matches: '^a' }", json!("ba")).is_err());
        assert!(check("{ matches: '^4' }", json!(42)).is_ok());
    }

    #[test]
    fn one_of() {
        assert!(check("{ one_of: [Enabled, Disabled] }", json!("Enabled")).is_ok());
        let mismatch =
            check("{ one_of: [Enabled, Disabled] }", json!("Deleted")).expect_err("not listed");
        assert_eq!(mismatch.expected, r#"one of ["Enabled", "Disabled"]"#);
    }

    #[test]
    fn comparisons() {
        assert!(check("{ lt: 3 }", json!(2)).is_ok());
        assert!(check("{ lt: 3 }", json!(3)).is_err());
        assert!(check("{ le: 3 }", json!(3)).is_ok());
        assert!(check("{ gt: 3 }", json!(4)).is_ok());
        assert!(check("{ gt: 3 }", json!(3)).is_err());
        assert!(check("{ ge: 3 }", json!(3)).is_ok());
        assert!(check(
            "{ gt: '2021-01-01' }",
            json!("2021-11-18T08:25:53.000+0000")
        )
        .is_ok());
        assert!(check("{ lt: 3 }", json!(null)).is_err());
    }

    #[test]
    fn durations_compare_with_units() {
        assert!(check_with(Subject::Duration, "{ lt: 2s }", Some(json!(1500))).is_ok());
        assert!(check_with(Subject::Duration, "{ lt: 2s }", Some(json!(2500))).is_err());
        assert!(check_with(Subject::Duration, "{ le: 500ms }", Some(json!(500))).is_ok());
    }

    #[test]
    fn text_subjects_compare_numbers_by_value() {
        assert!(check_with(Subject::Text, "25", Some(json!("25"))).is_ok());
        assert!(check_with(Subject::Text, "{ gt: 20 }", Some(json!("25"))).is_ok());
    }

    #[test]
    fn length() {
        assert!(check("{ length: 3 }", json!("abc")).is_ok());
        assert!(check("{ length: 2 }", json!([1, 2])).is_ok());
        assert!(check("{ length: { gt: 0 } }", json!({"a": 1})).is_ok());
        let mismatch = check("{ length: 2 }", json!([1])).expect_err("short");
        assert_eq!(mismatch.expected, "length 2");
        // Issue 18: the actual length is said, not only the value.
        let mismatch =
            check("{ length: 5 }", json!([{ "a": 1 }, { "a": 2 }, { "a": 3 }])).expect_err("short");
        assert!(mismatch.actual.starts_with("length 3"), "{mismatch:?}");
        let mismatch = check("{ length: '{{expected_id}}' }", json!([1, 2])).expect_err("short");
        assert!(mismatch.actual.starts_with("length 2"), "{mismatch:?}");
        assert!(check("{ length: 1 }", json!(5)).is_err());
        assert!(check("{ length: '{{expected_id}}' }", json!("1234567")).is_ok());
        assert!(check("{ length: '3' }", json!("abc")).is_ok());
    }

    #[test]
    fn empty() {
        assert!(check("{ empty: true }", json!("")).is_ok());
        assert!(check("{ empty: true }", json!([])).is_ok());
        assert!(check("{ empty: true }", json!({})).is_ok());
        assert!(check("{ empty: true }", json!([0])).is_err());
        assert!(check("{ empty: false }", json!([0])).is_ok());
    }

    #[test]
    fn all_operators_must_hold() {
        assert!(check("{ type: string, starts_with: a, length: 3 }", json!("abc")).is_ok());
        assert!(check("{ type: string, starts_with: a, length: 4 }", json!("abc")).is_err());
    }

    #[test]
    fn unknown_operators_and_empty_maps_are_rejected() {
        assert!(serde_yaml::from_str::<PredicateSpec>("{ contians: x }").is_err());
        let spec: PredicateSpec = serde_yaml::from_str("{}").expect("parses");
        let mut templates = Templates::new();
        assert!(Predicate::compile(&spec, Subject::Json, true, &mut templates).is_err());
    }

    #[test]
    fn count_is_split_off_and_only_allowed_for_jsonpath() {
        let spec: PredicateSpec =
            serde_yaml::from_str("{ count: 2, type: integer }").expect("parses");
        let mut templates = Templates::new();
        let (_, count) =
            Predicate::compile(&spec, Subject::Json, true, &mut templates).expect("compiles");
        assert!(count.is_some());
        assert!(Predicate::compile(&spec, Subject::Text, false, &mut templates).is_err());
    }

    #[test]
    fn invalid_regex_is_a_compile_error() {
        let spec: PredicateSpec = serde_yaml::from_str("{ matches: '(' }").expect("parses");
        let mut templates = Templates::new();
        assert!(matches!(
            Predicate::compile(&spec, Subject::Json, false, &mut templates),
            Err(PredicateError::Regex { .. })
        ));
    }
}
