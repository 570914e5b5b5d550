//! A Postman request body as one of runner's body kinds: `json`, `body`, `form`,
//! `multipart`, `body_file` or `graphql`.

use serde_json::Value;

use super::context::Context;
use super::postman::{Body, KeyValue};
use super::yaml::{from_json, Map, Node};

/// A converted body: the request field, its value, and the `Content-Type` Postman would have
/// sent that runner does not set by itself for this kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// `json`, `body`, `form`, `multipart`, `body_file` or `graphql`.
    pub field: &'static str,
    /// The value.
    pub value: Node,
    /// A `Content-Type` to send unless the request sets one.
    pub content_type: Option<String>,
    /// A `Content-Type` header the request sets that runner's body kind sets by itself.
    pub implied_type: Option<&'static str>,
}

/// How a raw JSON body may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonRoom {
    /// The request's own `Content-Type` header says JSON.
    pub json_header: bool,
    /// How many levels of nesting a `json:` body may take where the step is written (runner's
    /// collection nests at most 100 levels); a deeper one is sent as the text it is.
    pub levels: usize,
}

/// Converts a body; `None` when there is nothing to send.
pub fn convert(body: &Body, room: JsonRoom, cx: &mut Context) -> Option<Converted> {
    if body.disabled {
        return None;
    }
    match body.mode.as_deref().unwrap_or("raw") {
        "raw" => raw(body, room, cx),
        "urlencoded" => urlencoded(&body.urlencoded, cx),
        "formdata" => formdata(&body.formdata, cx),
        "file" => {
            let src = body.file.as_ref().and_then(|file| file.src.clone());
            match src.filter(|src| !src.is_empty()) {
                Some(src) => {
                    let path = file_path(&src, cx);
                    Some(Converted {
                        field: "body_file",
                        value: Node::from(path),
                        content_type: None,
                        implied_type: None,
                    })
                }
                None => {
                    let item = cx.item.clone();
                    cx.report.lossy(
                        &item,
                        "body",
                        "the file body names no file: nothing is sent",
                    );
                    None
                }
            }
        }
        "graphql" => graphql(body, cx),
        other => {
            let item = cx.item.clone();
            cx.report.lossy(
                &item,
                "body",
                format!("the body mode `{other}` is unknown to the importer: no body is sent"),
            );
            None
        }
    }
}

/// A raw body: JSON text is `json` when Postman sends it as JSON (its language is JSON, or
/// the request's own `Content-Type` says so); other text, JSON or not, is `body` with the
/// `Content-Type` Postman sends (`text/plain` when no language is given).
fn raw(body: &Body, room: JsonRoom, cx: &mut Context) -> Option<Converted> {
    let text = body.raw.as_deref().unwrap_or("");
    if text.trim().is_empty() {
        return None;
    }
    let language = body
        .options
        .as_ref()
        .and_then(|options| options.pointer("/raw/language"))
        .and_then(Value::as_str)
        .unwrap_or("text");
    let json = parse_json(text).filter(|_| language == "json" || room.json_header);
    if json.as_ref().is_some_and(|json| depth(json) > room.levels) {
        let item = cx.item.clone();
        cx.report.note(
            &item,
            "body",
            format!(
                "the JSON body nests deeper than the {} levels left where the step is written \
                 (a collection nests at most 100): it is sent as the text it is",
                room.levels
            ),
        );
    }
    if let Some(json) = json.filter(|json| depth(json) <= room.levels) {
        let json = cx.json_body(&json, None, "body");
        return Some(Converted {
            field: "json",
            value: from_json(&json),
            content_type: None,
            implied_type: Some("application/json"),
        });
    }
    let content_type = match language {
        "json" => "application/json",
        "javascript" => "application/javascript",
        "html" => "text/html",
        "xml" => "application/xml",
        _ => "text/plain",
    };
    Some(Converted {
        field: "body",
        value: Node::from(cx.body_text(text, "body")),
        content_type: Some(content_type.to_owned()),
        implied_type: None,
    })
}

/// How many lists and objects nest in `value` (a scalar: 0).
fn depth(value: &Value) -> usize {
    let inner = match value {
        Value::Array(items) => items.iter().map(depth).max(),
        Value::Object(members) => members.values().map(depth).max(),
        _ => return 0,
    };
    1 + inner.unwrap_or(0)
}

/// The raw text as JSON, if it is JSON. Text with bare `{{variables}}` (`{"n": {{n}}}`) is
/// not: it stays a text body, which runner templates by substitution as Postman does.
fn parse_json(text: &str) -> Option<Value> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with(['{', '[']) {
        return None;
    }
    serde_json::from_str(text).ok()
}

fn fields(list: &[KeyValue]) -> Vec<&KeyValue> {
    list.iter()
        .filter(|field| !field.disabled && field.key.is_some())
        .collect()
}

fn urlencoded(list: &[KeyValue], cx: &mut Context) -> Option<Converted> {
    let fields = fields(list);
    if fields.is_empty() {
        return None;
    }
    let item = cx.item.clone();
    let pairs: Vec<(String, Node)> = fields
        .into_iter()
        .filter_map(|field| {
            let postman_key = field.key.as_deref().unwrap_or_default();
            let key = cx.text(postman_key, "body");
            if !super::params::sent_as_written(
                &key,
                "urlencoded field",
                (&item, "body"),
                &mut cx.report,
            ) {
                return None;
            }
            let text = field.value_text();
            // A field not named like a credential may carry one in its text.
            let value = match cx.credential_variable(postman_key, &text, "body") {
                Some(name) => format!("{{{{{name}}}}}"),
                None => cx.body_text(&text, "body"),
            };
            Some((key, Node::from(value)))
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    // A repeated field is a list of its values (see `params`).
    let mut map = Map::inline();
    for (key, values) in super::params::grouped(pairs) {
        map.insert(key, super::params::one_or_list(values));
    }
    Some(Converted {
        field: "form",
        value: Node::Map(map),
        content_type: None,
        implied_type: Some("application/x-www-form-urlencoded"),
    })
}

fn formdata(list: &[KeyValue], cx: &mut Context) -> Option<Converted> {
    let fields = fields(list);
    if fields.is_empty() {
        return None;
    }
    let item = cx.item.clone();
    let mut map = Map::block();
    for field in fields {
        let key = cx.text(field.key.as_deref().unwrap_or_default(), "body");
        if !super::params::sent_as_written(&key, "form-data field", (&item, "body"), &mut cx.report)
        {
            continue;
        }
        if map.entries.iter().any(|entry| entry.key == key) {
            cx.report.lossy(
                &item,
                "body",
                format!("the form-data field `{key}` repeats: runner sends each name once, the first is kept"),
            );
            continue;
        }
        let is_file = field.kind.as_deref() == Some("file");
        let mut part = Map::inline();
        if is_file {
            let sources: Vec<String> = match &field.src {
                Some(Value::String(src)) => vec![src.clone()],
                Some(Value::Array(list)) => list
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => Vec::new(),
            };
            let Some(src) = sources.first().filter(|src| !src.is_empty()) else {
                cx.report.lossy(
                    &item,
                    "body",
                    format!("the form-data file field `{key}` names no file: it is not sent"),
                );
                continue;
            };
            if sources.len() > 1 {
                cx.report.lossy(
                    &item,
                    "body",
                    format!("the form-data field `{key}` sends {} files: runner sends one part per name, the first is kept", sources.len()),
                );
            }
            let path = file_path(src, cx);
            part.insert("file", path);
        } else {
            let postman_key = field.key.as_deref().unwrap_or_default();
            let text = field.value_text();
            // A part not named like a credential may carry one (a JSON part).
            let value = match cx.credential_variable(postman_key, &text, "body") {
                Some(name) => format!("{{{{{name}}}}}"),
                None => cx.body_text(&text, "body"),
            };
            part.insert("value", value);
        }
        if let Some(content_type) = field.content_type.as_ref().filter(|t| !t.is_empty()) {
            part.insert("content_type", content_type.clone());
        }
        match (is_file, part.entries.len()) {
            // A text field alone is written as its value.
            (false, 1) => map.insert(key, part.entries.remove(0).value),
            _ => map.insert(key, Node::Map(part)),
        }
    }
    if map.is_empty() {
        return None;
    }
    Some(Converted {
        field: "multipart",
        value: Node::Map(map),
        content_type: None,
        implied_type: Some("multipart/form-data"),
    })
}

fn graphql(body: &Body, cx: &mut Context) -> Option<Converted> {
    let graphql = body.graphql.as_ref()?;
    let query = graphql.query.as_deref().unwrap_or("");
    if query.trim().is_empty() {
        return None;
    }
    let mut map = Map::block();
    map.insert("query", cx.body_text(query, "body"));
    let variables = match &graphql.variables {
        Some(Value::String(text)) if text.trim().is_empty() => None,
        Some(Value::String(text)) => match parse_json(text) {
            Some(value) => Some(value),
            None => {
                let item = cx.item.clone();
                cx.report.lossy(
                    &item,
                    "body",
                    "the GraphQL variables are not JSON: they are not sent",
                );
                None
            }
        },
        Some(Value::Null) | None => None,
        Some(other) => Some(other.clone()),
    };
    if let Some(variables) = variables {
        let variables = cx.json_body(&variables, None, "body");
        map.insert("variables", from_json(&variables));
    }
    if let Some(name) = graphql.operation_name.as_ref().filter(|n| !n.is_empty()) {
        map.insert("operation_name", name.clone());
    }
    Some(Converted {
        field: "graphql",
        value: Node::Map(map),
        content_type: None,
        implied_type: Some("application/json"),
    })
}

/// The path to write for a file the collection names (`src`), as [`super::files::rebased`]
/// writes it for Newman's working directory.
fn file_path(src: &str, cx: &mut Context) -> String {
    let item = cx.item.clone();
    super::files::rebased(
        src,
        cx.paths.as_ref(),
        super::files::Tool::Newman,
        (&item, "body"),
        &mut cx.report,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_is_json() {
        assert!(parse_json("{\"id\": \"{{id}}\"}").is_some());
        assert!(parse_json("{\"id\": {{id}}}").is_none());
        assert!(parse_json("hello {{x}}").is_none());
    }
}
