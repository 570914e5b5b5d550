//! The rules the loader checks across the fields of one map ("exactly one of", "only with"),
//! written into the schema by `#[schemars(transform = ...)]`, so that an editor flags what
//! `runner validate` refuses. A key written as `~` is a key not written, here as in the
//! loader (docs/format.md).

use schemars::Schema;
use serde_json::{json, Value};

/// `key` is written, and not as a null.
pub(crate) fn written(key: &str) -> Value {
    json!({ "required": [key], "properties": { key: { "not": { "type": "null" } } } })
}

/// `key` is written as `true` (a capture source such as `status: true`).
fn set(key: &str) -> Value {
    json!({ "required": [key], "properties": { key: { "const": true } } })
}

/// `key` is not written, or written as a null.
fn left_out(key: &str) -> Value {
    json!({ "properties": { key: { "type": "null" } } })
}

/// Adds `rule` to the schema's `allOf` (several transforms may add rules to one schema).
fn add(schema: &mut Schema, rule: Value) {
    match schema.get_mut("allOf").and_then(Value::as_array_mut) {
        Some(rules) => rules.push(rule),
        None => {
            schema.insert("allOf".into(), json!([rule]));
        }
    }
}

/// A step: exactly one of `request`, `steps` and `include`; what applies only to a request
/// (`retry`, `paginate`, `expect`, `capture`) or only to an include (`vars`, `export`) is
/// not written elsewhere; `as` only with `for_each`; `retry` and `paginate` not together.
pub(crate) fn step(schema: &mut Schema) {
    add(
        schema,
        json!({ "oneOf": [written("request"), written("steps"), written("include")] }),
    );
    add(
        schema,
        json!({
            "if": { "not": written("request") },
            "then": {
                "allOf": [left_out("retry"), left_out("paginate"), left_out("expect")],
                "properties": { "capture": { "type": ["object", "null"], "maxProperties": 0 } }
            }
        }),
    );
    add(
        schema,
        json!({
            "if": { "anyOf": [
                { "required": ["vars"], "properties": { "vars": { "type": "object", "minProperties": 1 } } },
                { "required": ["export"], "properties": { "export": { "type": "array", "minItems": 1 } } }
            ] },
            "then": written("include")
        }),
    );
    add(
        schema,
        json!({ "if": written("as"), "then": written("for_each") }),
    );
    add(
        schema,
        json!({ "not": { "allOf": [written("retry"), written("paginate")] } }),
    );
}

/// A request: at most one body (`json`, `body`, `body_file`, `form`, `multipart`,
/// `graphql`; one written as `~` is none).
pub(crate) fn request(schema: &mut Schema) {
    let bodies = ["json", "body", "body_file", "form", "multipart", "graphql"];
    let mut pairs = Vec::new();
    for (i, first) in bodies.iter().enumerate() {
        for second in &bodies[i + 1..] {
            pairs.push(json!({ "allOf": [written(first), written(second)] }));
        }
    }
    add(schema, json!({ "not": { "anyOf": pairs } }));
}

/// `auth`: exactly one helper.
pub(crate) fn auth_helpers(schema: &mut Schema) {
    let helpers = ["basic", "bearer", "api_key", "oauth2"].map(written);
    add(schema, json!({ "oneOf": helpers }));
}

/// The characters of a header name (RFC 9110's token).
pub(crate) const HEADER_NAME_PATTERN: &str = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

/// The `propertyNames` of a map of headers to send: header names.
pub(crate) fn header_names(schema: &mut Schema) {
    schema.insert(
        "propertyNames".into(),
        json!({ "pattern": HEADER_NAME_PATTERN }),
    );
}

/// The `propertyNames` of a map of cookies to send: what the loader takes for a cookie's
/// name (not empty; no blank, control character or separator of RFC 9110).
pub(crate) fn cookie_names(schema: &mut Schema) {
    schema.insert(
        "propertyNames".into(),
        json!({ "pattern": "^[^\\u0000-\\u0020\\u007f()<>@,;:\\\\\"/\\[\\]?={}]+$" }),
    );
}

/// `api_key`: exactly one of `header` (a header name) and `query` (not empty).
pub(crate) fn api_key_place(schema: &mut Schema) {
    add(
        schema,
        json!({ "oneOf": [
            { "required": ["header"], "properties": { "header": {
                "not": { "type": "null" }, "pattern": HEADER_NAME_PATTERN } } },
            { "required": ["query"], "properties": { "query": {
                "not": { "type": "null" }, "minLength": 1 } } }
        ] }),
    );
}

/// A capture: exactly one source (`header` with `regex` is one: the regex over the header);
/// `all` only with `jsonpath`.
pub(crate) fn capture_source(schema: &mut Schema) {
    add(
        schema,
        json!({ "oneOf": [
            written("jsonpath"),
            written("header"),
            { "allOf": [written("regex"), { "not": written("header") }] },
            set("status"),
            set("body"),
            set("duration"),
            written("cookie"),
            set("url"),
            set("redirects")
        ] }),
    );
    add(
        schema,
        json!({ "if": set("all"), "then": written("jsonpath") }),
    );
}

/// A multipart field: exactly one of `value` and `file`; `filename` only with `file`.
pub(crate) fn multipart_content(schema: &mut Schema) {
    add(
        schema,
        json!({ "oneOf": [written("value"), written("file")] }),
    );
    add(
        schema,
        json!({ "if": written("filename"), "then": written("file") }),
    );
}

/// `next: { ... }`: exactly one of `jsonpath` and `query`.
pub(crate) fn next_field(schema: &mut Schema) {
    add(
        schema,
        json!({ "oneOf": [written("jsonpath"), written("query")] }),
    );
}

/// `paginate`: `next: { query: ... }` stops where `collect` finds nothing, so it needs one.
pub(crate) fn paginate(schema: &mut Schema) {
    add(
        schema,
        json!({
            "if": { "required": ["next"], "properties": { "next": {
                "type": "object", "allOf": [written("query")] } } },
            "then": { "required": ["collect"], "properties": {
                "collect": { "type": "object", "minProperties": 1 } } }
        }),
    );
}

/// The operators whose null is a value to compare with (`equals: ~`) or the type `null`
/// (`type: ~`), not an operator left out.
pub(crate) const NULL_IS_A_VALUE: [&str; 5] =
    ["equals", "not_equals", "contains", "not_contains", "type"];

/// A map of operators: at least one, not counting those written as a null that reads as
/// left out.
pub(crate) fn at_least_one_operator(schema: &mut Schema) {
    let operators: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default();
    let branches: Vec<Value> = operators
        .iter()
        .map(|name| match NULL_IS_A_VALUE.contains(&name.as_str()) {
            true => json!({ "required": [name] }),
            false => written(name),
        })
        .collect();
    add(schema, json!({ "anyOf": branches }));
}
