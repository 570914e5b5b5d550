//! A step's captures and expectations as a Postman test script — in the patterns
//! `runner import postman` translates back, so a round trip keeps them.

use serde_json::{Map as JsonMap, Value};

use super::context::{scalar_text, Context};
use crate::postman::looks_secret;

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
        let result = match key.as_str() {
            "status" => status(spec).map(|line| if line.is_empty() { Vec::new() } else { vec![line] }),
            "headers" => each(spec, key, &label, cx, |name, predicate| {
                header(name, predicate)
            }),
            "jsonpath" => each(spec, key, &label, cx, |path, predicate| {
                if let Some((list, rest)) = every_element(path) {
                    // `$.items[*].id`: the check on every element, in a loop.
                    let mut lines = vec![format!("pm.response.json(){list}.forEach(function (item) {{")];
                    let inner = assertions(&format!("item{rest}"), predicate, Operand::Json, true)?;
                    lines.extend(inner.into_iter().map(|line| format!("    {line}")));
                    lines.push("});".to_owned());
                    return Ok(lines);
                }
                let accessor = accessor(path).ok_or_else(|| {
                    format!("the JSONPath `{path}` is not a plain path of names and indexes: no JavaScript is generated for it")
                })?;
                assertions(&format!("pm.response.json(){accessor}"), predicate, Operand::Json, true)
            }),
            "body" => assertions("pm.response.text()", spec, Operand::Json, false),
            "duration" => assertions("pm.response.responseTime", spec, Operand::Milliseconds, false),
            "schema" => schema(spec, cx),
            "values" => Err("`values` checks runner variables after the captures: write that test in Postman by hand".to_owned()),
            other => Err(format!("the expectation `{other}` is not exported")),
        };
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
            js_regex(regex)
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

fn header(name: &str, predicate: &Value) -> Result<Vec<String>, String> {
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
        predicate,
        Operand::Text,
        false,
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
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the schema {}: {e}", path.display()))?;
    let schema: Value = serde_json::from_str(&text)
        .map_err(|e| format!("the schema {} is not JSON: {e}", path.display()))?;
    Ok(vec![format!("pm.response.to.have.jsonSchema({schema});")])
}

/// How operands are written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// As JSON values.
    Json,
    /// As text (header values are text; runner compares numbers by value).
    Text,
    /// Durations (`2s`, `500ms`) as milliseconds.
    Milliseconds,
}

/// `pm.expect(subject)...` lines for one predicate; `json` allows `.length` checks.
fn assertions(
    subject: &str,
    predicate: &Value,
    operand: Operand,
    json: bool,
) -> Result<Vec<String>, String> {
    let operators: Vec<(String, Value)> = match predicate {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        other => vec![("equals".to_owned(), other.clone())],
    };
    let mut lines = Vec::new();
    for (operator, value) in operators {
        let value_js = |value: &Value| -> Result<String, String> { literal(value, operand) };
        let chain = match operator.as_str() {
            "equals" => format!("to.eql({})", value_js(&value)?),
            "not_equals" => format!("to.not.eql({})", value_js(&value)?),
            "exists" if value == Value::Bool(true) => "to.exist".to_owned(),
            "exists" => "to.not.exist".to_owned(),
            "type" => match value.as_str() {
                Some("integer") => {
                    return Err("chai has no integer type: check `type: number` instead".into())
                }
                Some(name @ ("array" | "object")) => format!("to.be.an({})", js_string(name)),
                Some(name) => format!("to.be.a({})", js_string(name)),
                None => return Err("a type that is not a name".into()),
            },
            "contains" => format!("to.include({})", value_js(&value)?),
            "not_contains" => format!("to.not.include({})", value_js(&value)?),
            "starts_with" => format!(
                "to.match({})",
                js_regex(&format!("^{}", regex::escape(&scalar_text(&value))))
            ),
            "ends_with" => format!(
                "to.match({})",
                js_regex(&format!("{}$", regex::escape(&scalar_text(&value))))
            ),
            "matches" => format!("to.match({})", js_regex(&scalar_text(&value))),
            "one_of" => format!("to.be.oneOf({})", value_js(&value)?),
            "lt" => format!("to.be.below({})", value_js(&value)?),
            "le" => format!("to.be.at.most({})", value_js(&value)?),
            "gt" => format!("to.be.above({})", value_js(&value)?),
            "ge" => format!("to.be.at.least({})", value_js(&value)?),
            "empty" if value == Value::Bool(true) => "to.be.empty".to_owned(),
            "empty" => "to.not.be.empty".to_owned(),
            "length" if json => match &value {
                Value::Number(n) => format!("to.have.lengthOf({n})"),
                other => {
                    lines.extend(assertions(
                        &format!("{subject}.length"),
                        other,
                        Operand::Json,
                        false,
                    )?);
                    continue;
                }
            },
            other => return Err(format!("the operator `{other}` is not exported here")),
        };
        lines.push(format!("pm.expect({subject}).{chain};"));
    }
    Ok(lines)
}

/// An operand as JavaScript: a lone `{{variable}}` reads the Postman variable.
fn literal(value: &Value, operand: Operand) -> Result<String, String> {
    if let Value::String(text) = value {
        if let Some(name) = text.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")) {
            if !name.contains(['{', '}', ' ']) {
                return Ok(format!("pm.variables.get({})", js_string(name.trim())));
            }
        }
        if text.contains("{{") {
            return Ok(format!("pm.variables.replaceIn({})", js_string(text)));
        }
    }
    Ok(match (operand, value) {
        (Operand::Milliseconds, Value::String(text)) => {
            let duration =
                crate::spec::duration::parse_duration(text).map_err(|e| e.to_string())?;
            duration.as_millis().to_string()
        }
        (Operand::Text, Value::Number(n)) => js_string(&n.to_string()),
        (_, value) => value.to_string(),
    })
}

fn js_string(text: &str) -> String {
    Value::from(text).to_string()
}

/// A Rust regex as a JavaScript regex literal (`(?i)` becomes the `i` flag).
fn js_regex(pattern: &str) -> String {
    let (pattern, flags) = match pattern.strip_prefix("(?i)") {
        Some(rest) => (rest, "i"),
        None => (pattern, ""),
    };
    let mut out = String::from("/");
    let mut escaped = false;
    for c in pattern.chars() {
        if c == '/' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out.push('/');
    out.push_str(flags);
    out
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
        assert_eq!(js_regex("(?i)^a/b$"), "/^a\\/b$/i");
    }
}
