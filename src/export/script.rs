//! A step's captures and expectations as a Postman test script — in the patterns
//! `runner import postman` translates back, so a round trip keeps them.
//!
//! An expectation is a chai assertion where chai checks exactly what runner checks (`eql` of a
//! JSON value, its type, a response time below a number of milliseconds); every other is a
//! call of `runnerExpect` ([`RUNNER_EXPECT`]), a function the script carries that checks
//! runner's operators as runner does — texts that hold numbers compare as numbers, two other
//! texts as text, `contains` of an object is a key, `length` of an object its key count, a
//! header's text equals a number by value — with runner's messages. A regex goes through
//! [`js_regex`], which refuses what JavaScript cannot match alike (reported).

use serde_json::{Map as JsonMap, Value};

use super::context::{scalar_text, Context};
use super::js_regex::js_regex;
use crate::postman::{looks_secret, RUNNER_EXPECT, RUNNER_EXPECT_NAME};

/// The test script lines of a step (empty when it captures and expects nothing).
pub(super) fn test_lines(step: &JsonMap<String, Value>, cx: &mut Context<'_>) -> Vec<String> {
    let label = cx.item.clone();
    let mut lines = Vec::new();
    // Captures first: runner captures before it checks.
    if let Some(captures) = step.get("capture").and_then(Value::as_object) {
        for (name, capture) in captures {
            let fields = match capture {
                Value::String(path) => {
                    let mut map = JsonMap::new();
                    map.insert("jsonpath".into(), Value::from(path.as_str()));
                    map
                }
                Value::Object(map) => map.clone(),
                _ => continue,
            };
            let value = match capture_source(&fields) {
                Ok(value) => value,
                Err(reason) => {
                    cx.report.lossy(&label, format!("capture {name}"), reason);
                    continue;
                }
            };
            // A secret is a local variable: Postman keeps it for the run and never saves or
            // syncs it (a collection variable would be saved with the collection, and synced).
            let secret = fields.get("secret") == Some(&Value::Bool(true));
            if secret {
                cx.report.note(
                    &label,
                    format!("capture {name}"),
                    format!(
                        "a secret capture is a local variable (`pm.variables.set`), which Postman \
                         never saves or syncs: it lasts for a run of the collection or folder (the \
                         Collection Runner, newman), not from one request sent by hand to the next{}",
                        if looks_secret(name) {
                            ""
                        } else {
                            "; `runner import postman` reads it back as a capture that is not secret"
                        }
                    ),
                );
            }
            lines.push(format!(
                "pm.{}.set({}, {value});",
                if secret {
                    "variables"
                } else {
                    "collectionVariables"
                },
                js_string(name)
            ));
        }
    }
    // The status a step expects without saying so: `defaults.expect.status`, else a success.
    let own_status = step
        .get("expect")
        .and_then(|expect| expect.get("status"))
        .is_some();
    if !own_status {
        match &cx.default_status {
            Some(Value::String(any)) if any == "any" => {}
            Some(status_spec) => {
                if let Ok(line) = status(status_spec) {
                    lines.push(line);
                }
            }
            None => lines.push("pm.expect(pm.response.code).to.be.within(200, 399);".to_owned()),
        }
    }
    let Some(expect) = step.get("expect").and_then(Value::as_object) else {
        return lines;
    };
    for (key, spec) in expect {
        // Operators left out of an assertion that is written (a regex JavaScript cannot match
        // alike), each reported with its reason.
        let mut refused = Vec::new();
        let result = match key.as_str() {
            "status" => status(spec).map(|line| if line.is_empty() { Vec::new() } else { vec![line] }),
            "headers" => each(spec, key, &label, cx, |name, predicate| {
                header(name, predicate, &mut refused)
            }),
            "jsonpath" => each(spec, key, &label, cx, |path, predicate| {
                if let Some((list, rest)) = every_element(path) {
                    // `$.items[*].id`: the check on every element, in a loop.
                    let mut lines = vec![format!("pm.response.json(){list}.forEach(function (item) {{")];
                    let inner = assertions(&format!("item{rest}"), path, predicate, Kind::Json, &mut refused)?;
                    lines.extend(inner.into_iter().map(|line| format!("    {line}")));
                    lines.push("});".to_owned());
                    return Ok(lines);
                }
                let accessor = accessor(path).ok_or_else(|| {
                    format!("the JSONPath `{path}` is not a plain path of names and indexes: no JavaScript is generated for it")
                })?;
                assertions(&format!("pm.response.json(){accessor}"), path, predicate, Kind::Json, &mut refused)
            }),
            "body" => assertions("pm.response.text()", "body", spec, Kind::Text, &mut refused),
            "duration" => assertions("pm.response.responseTime", "duration", spec, Kind::Duration, &mut refused),
            "schema" => schema(spec, cx),
            "values" => Err("`values` checks runner variables after the captures: write that test in Postman by hand".to_owned()),
            other => Err(format!("the expectation `{other}` is not exported")),
        };
        for reason in refused {
            cx.report.lossy(&label, format!("expect.{key}"), reason);
        }
        match result {
            Ok(assertions) if !assertions.is_empty() => {
                lines.push(format!(
                    "pm.test({}, function () {{",
                    js_string(&test_name(key))
                ));
                lines.extend(assertions.into_iter().map(|line| format!("    {line}")));
                lines.push("});".to_owned());
            }
            Ok(_) => {}
            Err(reason) => cx.report.lossy(&label, format!("expect.{key}"), reason),
        }
    }
    // The function the checks call, first in the script.
    let call = format!("{RUNNER_EXPECT_NAME}(");
    if lines.iter().any(|line| line.contains(&call)) {
        let mut with_helper: Vec<String> = RUNNER_EXPECT.lines().map(str::to_owned).collect();
        with_helper.extend(lines);
        lines = with_helper;
    }
    lines
}

fn test_name(key: &str) -> String {
    match key {
        "status" => "status".to_owned(),
        "headers" => "headers".to_owned(),
        "jsonpath" => "JSON body".to_owned(),
        "body" => "body".to_owned(),
        "duration" => "response time".to_owned(),
        "schema" => "JSON Schema".to_owned(),
        other => other.to_owned(),
    }
}

/// The lines for each entry of a map; an entry that cannot be exported is reported alone.
fn each(
    spec: &Value,
    key: &str,
    label: &str,
    cx: &mut Context<'_>,
    mut one: impl FnMut(&str, &Value) -> Result<Vec<String>, String>,
) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for (name, predicate) in spec.as_object().into_iter().flatten() {
        match one(name, predicate) {
            Ok(more) => lines.extend(more),
            Err(reason) => cx
                .report
                .lossy(label, format!("expect.{key}.{name}"), reason),
        }
    }
    Ok(lines)
}

fn capture_source(fields: &JsonMap<String, Value>) -> Result<String, String> {
    if fields.get("all") == Some(&Value::Bool(true)) {
        return Err("a capture of every match (`all: true`): write it in Postman by hand".into());
    }
    let regex = fields.get("regex").and_then(Value::as_str);
    if let Some(path) = fields.get("jsonpath").and_then(Value::as_str) {
        let accessor = accessor(path).ok_or_else(|| {
            format!("the JSONPath `{path}` is not a plain path of names and indexes")
        })?;
        return Ok(format!("pm.response.json(){accessor}"));
    }
    let text = if let Some(header) = fields.get("header").and_then(Value::as_str) {
        format!("pm.response.headers.get({})", js_string(header))
    } else if fields.get("cookie").is_some() {
        format!(
            "pm.cookies.get({})",
            js_string(&fields.get("cookie").map(scalar_text).unwrap_or_default())
        )
    } else if fields.get("status") == Some(&Value::Bool(true)) {
        return Ok("pm.response.code".into());
    } else if fields.get("duration") == Some(&Value::Bool(true)) {
        return Ok("pm.response.responseTime".into());
    } else if fields.get("body") == Some(&Value::Bool(true)) || regex.is_some() {
        "pm.response.text()".to_owned()
    } else {
        return Err("a capture the exporter does not know".into());
    };
    Ok(match regex {
        // The first group, else the whole match — as runner captures it.
        Some(regex) => format!(
            "(function (m) {{ return m && (m[1] !== undefined ? m[1] : m[0]); }})(String({text}).match({}))",
            js_regex(regex)?
        ),
        None => text,
    })
}

fn status(spec: &Value) -> Result<String, String> {
    match spec {
        Value::Number(code) => Ok(format!("pm.response.to.have.status({code});")),
        Value::Array(codes) => Ok(format!(
            "pm.expect(pm.response.code).to.be.oneOf({});",
            Value::Array(codes.clone())
        )),
        Value::String(text) if text == "any" => Ok(String::new()),
        Value::String(text) if text == "success" => {
            Ok("pm.expect(pm.response.code).to.be.within(200, 399);".to_owned())
        }
        Value::String(text) => {
            let class = match text.as_str() {
                "1xx" => "info",
                "2xx" => "success",
                "3xx" => "redirection",
                "4xx" => "clientError",
                "5xx" => "serverError",
                code => {
                    let code: u16 = code.parse().map_err(|_| format!("the status `{code}`"))?;
                    return Ok(format!("pm.response.to.have.status({code});"));
                }
            };
            Ok(format!("pm.response.to.be.{class};"))
        }
        _ => Err("a status the exporter does not know".into()),
    }
}

fn header(name: &str, predicate: &Value, refused: &mut Vec<String>) -> Result<Vec<String>, String> {
    let quoted = js_string(name);
    if let Value::Object(operators) = predicate {
        if operators.len() == 1 {
            match operators.get("exists") {
                Some(Value::Bool(true)) => {
                    return Ok(vec![format!("pm.response.to.have.header({quoted});")])
                }
                Some(Value::Bool(false)) => {
                    return Ok(vec![format!("pm.response.to.not.have.header({quoted});")])
                }
                _ => {}
            }
        }
    }
    assertions(
        &format!("pm.response.headers.get({quoted})"),
        &format!("header {name}"),
        predicate,
        Kind::Text,
        refused,
    )
}

fn schema(spec: &Value, cx: &mut Context<'_>) -> Result<Vec<String>, String> {
    // A schema written in place goes as it is.
    if spec.is_object() {
        return Ok(vec![format!("pm.response.to.have.jsonSchema({spec});")]);
    }
    let file = spec
        .as_str()
        .ok_or("a schema that is neither a file name nor a map")?;
    let path = cx.base.join(file);
    let text = crate::spec::file::read_to_string(&path)
        .map_err(|e| format!("cannot read the schema {}: {e}", path.display()))?;
    let schema: Value = serde_json::from_str(&text)
        .map_err(|e| format!("the schema {} is not JSON: {e}", path.display()))?;
    Ok(vec![format!("pm.response.to.have.jsonSchema({schema});")])
}

/// How a subject is read, as runner reads it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A JSON value (a JSONPath match).
    Json,
    /// Text that may hold a number (a header's value, the body): a number operand equals it by
    /// value.
    Text,
    /// The response time in milliseconds; comparison operands are durations (`2s`).
    Duration,
}

/// The lines that check one predicate on `subject` (`label` names it in a failure): chai
/// where chai checks exactly what runner checks, a `runnerExpect` call for the rest. An
/// operator left out (a regex JavaScript cannot match alike) is added to `refused`.
fn assertions(
    subject: &str,
    label: &str,
    predicate: &Value,
    kind: Kind,
    refused: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let operators: Vec<(String, Value)> = match predicate {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        other => vec![("equals".to_owned(), other.clone())],
    };
    let mut lines = Vec::new();
    let mut helper = JsonMap::new();
    let mut regex = None;
    for (operator, value) in operators {
        let template = value.as_str().is_some_and(|text| text.contains("{{"));
        let chai = match (kind, operator.as_str()) {
            // Deep equality of JSON values, and the JSON types chai tells apart as runner does.
            (Kind::Json, "equals") => Some(format!("to.eql({})", literal(&value)?)),
            (Kind::Json, "type") => match value.as_str() {
                Some(name @ ("array" | "object")) => Some(format!("to.be.an({})", js_string(name))),
                Some(name @ ("string" | "number" | "boolean" | "null")) => {
                    Some(format!("to.be.a({})", js_string(name)))
                }
                _ => None,
            },
            // Text equals text.
            (Kind::Text, "equals") if value.is_string() && !template => {
                Some(format!("to.eql({})", literal(&value)?))
            }
            // The response time is a number of milliseconds.
            (Kind::Duration, "lt" | "le" | "gt" | "ge") if !template => {
                let millis = milliseconds(&value)?;
                Some(match operator.as_str() {
                    "lt" => format!("to.be.below({millis})"),
                    "le" => format!("to.be.at.most({millis})"),
                    "gt" => format!("to.be.above({millis})"),
                    _ => format!("to.be.at.least({millis})"),
                })
            }
            _ => None,
        };
        if let Some(chai) = chai {
            lines.push(format!("pm.expect({subject}).{chai};"));
            continue;
        }
        match operator.as_str() {
            "count" => return Err("`count` is not exported here".into()),
            "matches" => {
                let pattern = scalar_text(&value);
                match js_regex(&pattern) {
                    Ok(translated) => regex = Some(translated),
                    Err(reason) => {
                        refused.push(format!("{label}: `matches` is not exported: {reason}"));
                        continue;
                    }
                }
            }
            "lt" | "le" | "gt" | "ge" if kind == Kind::Duration && !template => {
                helper.insert(operator, Value::from(milliseconds(&value)?));
                continue;
            }
            "equals" | "not_equals" | "exists" | "type" | "contains" | "not_contains"
            | "starts_with" | "ends_with" | "one_of" | "lt" | "le" | "gt" | "ge" | "length"
            | "empty" => {}
            other => return Err(format!("the operator `{other}` is not exported here")),
        }
        helper.insert(operator, value);
    }
    if !helper.is_empty() {
        let kind = match kind {
            Kind::Text => "text",
            Kind::Json | Kind::Duration => "json",
        };
        lines.push(format!(
            "{RUNNER_EXPECT_NAME}({subject}, {}, {}, {}{});",
            js_string(kind),
            js_object(&helper)?,
            js_string(label),
            regex.map(|regex| format!(", {regex}")).unwrap_or_default()
        ));
    }
    Ok(lines)
}

/// A duration operand (`2s`, `500ms`, or a number of milliseconds) in milliseconds.
fn milliseconds(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => {
            let duration =
                crate::spec::duration::parse_duration(text).map_err(|e| e.to_string())?;
            Ok(duration.as_millis().to_string())
        }
        other => Ok(other.to_string()),
    }
}

/// Runner's operators as a JavaScript object literal, each operand through [`literal`].
fn js_object(operators: &JsonMap<String, Value>) -> Result<String, String> {
    let mut entries = Vec::with_capacity(operators.len());
    for (operator, value) in operators {
        let value = match (operator.as_str(), value) {
            // `length: { gt: 2 }`: the operators on the count.
            ("length", Value::Object(inner)) => js_object(inner)?,
            _ => literal(value)?,
        };
        entries.push(format!("{}: {value}", js_string(operator)));
    }
    Ok(format!("{{ {} }}", entries.join(", ")))
}

/// An operand as JavaScript: a lone `{{variable}}` reads the Postman variable, a text with
/// templates is filled in by Postman, anything else is the JSON it is.
fn literal(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => {
            if let Some(name) = text.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")) {
                if !name.contains(['{', '}', ' ']) {
                    return Ok(format!("pm.variables.get({})", js_string(name.trim())));
                }
            }
            if text.contains("{{") {
                return Ok(format!("pm.variables.replaceIn({})", js_string(text)));
            }
            Ok(js_string(text))
        }
        Value::Array(items) => Ok(format!(
            "[{}]",
            items
                .iter()
                .map(literal)
                .collect::<Result<Vec<_>, _>>()?
                .join(", ")
        )),
        Value::Object(fields) => {
            let mut entries = Vec::with_capacity(fields.len());
            for (key, value) in fields {
                entries.push(format!("{}: {}", js_string(key), literal(value)?));
            }
            Ok(format!("{{{}}}", entries.join(", ")))
        }
        other => Ok(other.to_string()),
    }
}

fn js_string(text: &str) -> String {
    Value::from(text).to_string()
}

/// The JavaScript property path of a plain JSONPath (`$.a.b[0]['c-d']`), if it is one.
/// `$.a[*].b`, one `[*]` between plain paths: the accessors of the list and of each element.
fn every_element(path: &str) -> Option<(String, String)> {
    let (list, rest) = path.split_once("[*]")?;
    Some((accessor(list)?, accessor(&format!("${rest}"))?))
}

fn accessor(path: &str) -> Option<String> {
    let mut rest = path.strip_prefix('$')?;
    let mut out = String::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            out.push('.');
            out.push_str(name);
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = &after[..end];
            if let Ok(index) = inside.parse::<u64>() {
                out.push_str(&format!("[{index}]"));
            } else if inside.len() >= 2
                && ((inside.starts_with('\'') && inside.ends_with('\''))
                    || (inside.starts_with('"') && inside.ends_with('"')))
                && !inside[1..inside.len() - 1].contains(['\'', '"', '\\'])
            {
                out.push_str(&format!("[{}]", js_string(&inside[1..inside.len() - 1])));
            } else {
                return None;
            }
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_become_property_paths() {
        assert_eq!(accessor("$").as_deref(), Some(""));
        assert_eq!(
            accessor("$.a.b[0]['c-d']").as_deref(),
            Some(".a.b[0][\"c-d\"]")
        );
        assert_eq!(accessor("$[*].id"), None);
        assert_eq!(
            every_element("$.items[*].id"),
            Some((".items".to_owned(), ".id".to_owned()))
        );
        assert_eq!(every_element("$[*][*].id"), None);
        assert_eq!(accessor("$..id"), None);
    }
}
