//! Steps → Postman items: requests, folders for groups, auth, bodies, and runner templates
//! as Postman variables. Credentials written in clear become secret Postman variables with no
//! value (`{{RUNNER_CREDENTIAL_1}}`), which the user sets.

use std::path::Path;

use indexmap::IndexMap;
use serde_json::{json, Map as JsonMap, Value};

use super::context::{scalar_text, Context};
use super::credentials;
use super::script;
use super::Exported;
use crate::postman::Report;
use crate::postman::SCHEMA_V2_1;

type Object = JsonMap<String, Value>;

fn key_values(pairs: impl IntoIterator<Item = (String, String)>) -> Value {
    Value::Array(
        pairs
            .into_iter()
            .map(|(key, value)| json!({ "key": key, "value": value, "type": "string" }))
            .collect(),
    )
}

/// The name → value pairs of a `query` or `form` map, in order: a list is one pair per value,
/// which Postman sends as the name repeated.
fn parameter_pairs(map: &Object, place: &str, cx: &mut Context<'_>) -> Vec<(String, String)> {
    let mut pairs = Vec::with_capacity(map.len());
    for (written, value) in map {
        let name = cx.text(written, place);
        let values = match value {
            Value::Array(values) => values.as_slice(),
            one => std::slice::from_ref(one),
        };
        for value in values {
            pairs.push((
                name.clone(),
                cx.parameter(written, &scalar_text(value), place),
            ));
        }
    }
    pairs
}

pub(super) fn collection(root: &Object, base: &Path) -> Exported {
    let empty = Object::new();
    let inputs = root
        .get("inputs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut cx = Context {
        report: Report::default(),
        item: "collection".to_owned(),
        env_reads: IndexMap::new(),
        credentials: credentials::Credentials::of_collection(root),
        inputs,
        base,
        default_status: None,
    };
    for key in root.keys() {
        match key.as_str() {
            "name" | "description" | "inputs" | "vars" | "defaults" | "steps" | "finally" => {}
            "environments" | "default_environment" => cx.report.lossy(
                "collection",
                key.as_str(),
                "Postman keeps environments in files of their own: export them from runner's YAML by hand, or set the variables in Postman",
            ),
            "tags" => cx.report.note("collection", "tags", "Postman has no tags"),
            "load" => cx.report.note(
                "collection",
                "load",
                "load-test thresholds are for `runner load`; Postman has none",
            ),
            other => cx.report.lossy("collection", other, format!("the field `{other}` is not exported")),
        }
    }
    let defaults = root
        .get("defaults")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let default_headers = defaults
        .get("headers")
        .and_then(Value::as_object)
        .map(|headers| lift_default_headers(headers, &mut cx))
        .unwrap_or_default();
    let collection_auth = defaults.get("auth").and_then(|auth| {
        cx.item = "collection".to_owned();
        auth_value(auth, "defaults.auth", &mut cx)
    });
    cx.default_status = defaults
        .get("expect")
        .and_then(|expect| expect.get("status"))
        .cloned();
    for key in defaults.keys() {
        match key.as_str() {
            "headers" | "auth" => {}
            "expect" => {
                if let Some(expect) = defaults.get("expect").and_then(Value::as_object) {
                    for other in expect.keys().filter(|k| *k != "status") {
                        cx.report.lossy(
                            "collection",
                            format!("defaults.expect.{other}"),
                            "not expressible in a Postman collection",
                        );
                    }
                }
            }
            other => cx.report.lossy(
                "collection",
                format!("defaults.{other}"),
                "not expressible in a Postman collection: set it in Postman's settings",
            ),
        }
    }

    let mut requests = 0;
    let mut items = Vec::new();
    for (key, label) in [("steps", ""), ("finally", "finally")] {
        let Some(steps) = root.get(key).and_then(Value::as_array) else {
            continue;
        };
        if key == "finally" && !steps.is_empty() {
            cx.report.lossy("collection", "finally", "Postman has no `finally`: these requests are added at the end and run only if the run gets there");
        }
        items.extend(step_items(
            steps,
            &[label.to_owned()]
                .into_iter()
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>(),
            &default_headers,
            &mut cx,
            &mut requests,
        ));
    }

    let mut info = Object::new();
    info.insert(
        "name".into(),
        root.get("name")
            .cloned()
            .unwrap_or_else(|| Value::from("runner collection")),
    );
    if let Some(description) = root.get("description").and_then(Value::as_str) {
        info.insert("description".into(), Value::from(description));
    }
    info.insert("schema".into(), Value::from(SCHEMA_V2_1));
    let mut collection = Object::new();
    collection.insert("info".into(), Value::Object(info));
    collection.insert("item".into(), Value::Array(items));
    if let Some(auth) = collection_auth {
        collection.insert("auth".into(), auth);
    }

    let mut variables = Vec::new();
    if let Some(vars) = root.get("vars").and_then(Value::as_object) {
        cx.item = "collection".to_owned();
        for (name, value) in vars {
            // A variable that is exactly a secret input becomes a Postman secret variable.
            if let Some(input) = value
                .as_str()
                .and_then(|t| t.strip_prefix("{{env."))
                .and_then(|t| t.strip_suffix("}}"))
            {
                let secret = inputs
                    .get(input)
                    .and_then(|i| i.get("secret"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let default = inputs
                    .get(input)
                    .and_then(|i| i.get("default"))
                    .and_then(Value::as_str);
                let description = inputs
                    .get(input)
                    .and_then(|i| i.get("description"))
                    .and_then(Value::as_str);
                match (secret, default) {
                    (true, _) => {
                        let mut variable = secret_variable(name);
                        if let Some(description) = description {
                            variable["description"] = Value::from(description);
                        }
                        variables.push(variable);
                    }
                    (false, Some(default)) => variables
                        .push(json!({ "key": name, "value": default, "type": "string" })),
                    // Nothing to write: Postman reads it from the environment the user picks.
                    (false, None) => cx.report.note(
                        "collection",
                        "vars",
                        format!("`{name}` reads the input `{input}`, which has no default: define `{name}` in a Postman environment"),
                    ),
                }
                continue;
            }
            if value.is_object() || value.is_array() {
                cx.report.note("collection", "vars", format!("`{name}` is a structure: Postman variables are text, it is written as JSON"));
            }
            // Numbers and booleans keep their type (Postman variables may hold them).
            let value = match value {
                Value::Number(_) | Value::Bool(_) => value.clone(),
                other => Value::from(cx.text(&scalar_text(other), "vars")),
            };
            variables.push(json!({ "key": name, "value": value, "type": "string" }));
        }
    }
    variables.extend(credential_variables(&cx));
    for (name, secret) in std::mem::take(&mut cx.env_reads) {
        if variables.iter().any(|v| v["key"] == name.as_str()) {
            continue;
        }
        cx.report.note("collection", "inputs", format!("the environment variable `{name}` is the Postman variable `{name}`: set its value in Postman"));
        variables.push(if secret {
            secret_variable(&name)
        } else {
            json!({ "key": name, "value": "", "type": "string" })
        });
    }
    if !variables.is_empty() {
        collection.insert("variable".into(), Value::Array(variables));
    }
    // A credential written in clear and lifted is written nowhere else either (repeated in a
    // URL, a body, a name): a Postman variable there, `***` in a name or a script.
    let credentials = cx.credentials.used();
    let pairs: Vec<(String, String)> = credentials
        .iter()
        .map(|c| (c.value.clone(), c.variable.clone()))
        .collect();
    let mut whole = Value::Object(collection);
    for part in ["info", "item"] {
        if let Some(part) = whole.get_mut(part) {
            crate::postman::repeated::hide_in_json(part, &pairs, &|variable, _| {
                format!("{{{{{variable}}}}}")
            });
        }
    }
    crate::postman::repeated::mask_report(&mut cx.report, &pairs);
    let json = serde_json::to_string_pretty(&whole).unwrap_or_default() + "\n";
    Exported {
        json,
        credentials,
        report: cx.report,
        requests,
    }
}

/// `defaults.headers` with their credentials written in clear as Postman variables, noted once
/// for the collection rather than for each request they are merged into.
fn lift_default_headers(headers: &Object, cx: &mut Context<'_>) -> Object {
    cx.item = "collection".to_owned();
    headers
        .iter()
        .map(|(name, value)| {
            let lifted = match value {
                Value::String(_) | Value::Number(_) => {
                    credentials::header(name, &scalar_text(value), |credential| {
                        cx.credential(credential, "defaults.headers")
                    })
                }
                _ => None,
            };
            (
                name.clone(),
                lifted.map_or_else(|| value.clone(), Value::from),
            )
        })
        .collect()
}

/// A variable that holds a secret, with no value: the Collection v2.1.0 schema knows no
/// `secret` type (a variable's type is `string`, `boolean`, `any` or `number`), so it is a
/// `string` marked `"secret": true`, as Postman's own collection SDK marks a secret variable.
fn secret_variable(name: &str) -> Value {
    json!({ "key": name, "value": "", "type": "string", "secret": true })
}

/// The variables of the credentials written in clear: secret, with no value (Postman and
/// newman read the value from the environment the user gives).
fn credential_variables(cx: &Context<'_>) -> Vec<Value> {
    cx.credentials
        .used()
        .iter()
        .map(|credential| {
            let mut variable = secret_variable(&credential.variable);
            variable["description"] = Value::from("a credential written in clear in the runner collection (its value is not exported): set it in Postman, or give newman --env-var");
            variable
        })
        .collect()
}

fn step_items(
    steps: &[Value],
    path: &[String],
    default_headers: &Object,
    cx: &mut Context<'_>,
    requests: &mut usize,
) -> Vec<Value> {
    let mut items = Vec::new();
    for step in steps {
        let Some(step) = step.as_object() else {
            continue;
        };
        let name = step
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("Unnamed")
            .to_owned();
        let mut labels = path.to_vec();
        labels.push(name.clone());
        let label = labels.join(" › ");
        cx.item = label.clone();
        for key in step.keys() {
            match key.as_str() {
                "name" | "request" | "steps" | "expect" | "capture" => {}
                "id" | "tags" => cx.report.note(&label, key.as_str(), format!("Postman has no step `{key}`")),
                "include" | "vars" | "export" if step.contains_key("include") => {}
                other => cx.report.lossy(&label, other, format!("`{other}` has no Postman equivalent (it needs a script of your own): not exported")),
            }
        }
        if let Some(include) = step.get("include").and_then(Value::as_str) {
            cx.report.lossy(
                &label,
                "include",
                format!("the included file `{include}` is not exported: export it on its own"),
            );
            continue;
        }
        if let Some(children) = step.get("steps").and_then(Value::as_array) {
            let inner = step_items(children, &labels, default_headers, cx, requests);
            items.push(json!({ "name": name, "item": inner }));
            continue;
        }
        let Some(request) = step.get("request").and_then(Value::as_object) else {
            continue;
        };
        *requests += 1;
        let mut item = Object::new();
        item.insert("name".into(), Value::from(name));
        let lines = script::test_lines(step, cx);
        if !lines.is_empty() {
            item.insert(
                "event".into(),
                json!([{ "listen": "test", "script": { "type": "text/javascript", "exec": lines } }]),
            );
        }
        item.insert(
            "request".into(),
            request_value(request, default_headers, cx),
        );
        let mut behavior = Object::new();
        if let Some(follow) = request.get("follow_redirects").filter(|v| v.is_boolean()) {
            behavior.insert("followRedirects".into(), follow.clone());
        }
        if let Some(max) = request.get("max_redirects").filter(|v| v.is_number()) {
            behavior.insert("maxRedirects".into(), max.clone());
        }
        // Postman drops the body of a GET or HEAD unless told not to.
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET");
        let has_body = ["json", "body", "form", "multipart", "body_file", "graphql"]
            .iter()
            .any(|field| request.contains_key(*field));
        if has_body && ["GET", "HEAD"].contains(&method.to_ascii_uppercase().as_str()) {
            behavior.insert("disableBodyPruning".into(), Value::Bool(true));
        }
        if !behavior.is_empty() {
            item.insert("protocolProfileBehavior".into(), Value::Object(behavior));
        }
        items.push(Value::Object(item));
    }
    items
}

fn request_value(request: &Object, default_headers: &Object, cx: &mut Context<'_>) -> Value {
    let label = cx.item.clone();
    let mut out = Object::new();
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("GET");
    out.insert("method".into(), Value::from(method));

    // Headers: the defaults, replaced (or removed, with null) by the request's own.
    let mut headers: Vec<(String, String)> = Vec::new();
    let own = request
        .get("headers")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (name, value) in default_headers {
        if !own.keys().any(|k| k.eq_ignore_ascii_case(name)) {
            headers.push((
                name.clone(),
                cx.header(name, &scalar_text(value), "headers"),
            ));
        }
    }
    for (name, value) in &own {
        if !value.is_null() {
            headers.push((
                name.clone(),
                cx.header(name, &scalar_text(value), "headers"),
            ));
        }
    }

    let mut body = None;
    for key in request.keys() {
        let value = &request[key];
        match key.as_str() {
            "method" | "url" | "query" | "headers" | "auth" => {}
            "json" => {
                let json = cx.json(value, "body");
                let raw = serde_json::to_string_pretty(&json).unwrap_or_default();
                body = Some(
                    json!({ "mode": "raw", "raw": raw, "options": { "raw": { "language": "json" } } }),
                );
            }
            "body" => {
                let text = cx.text(&scalar_text(value), "body");
                let content_type = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                    .map(|(_, v)| v.to_ascii_lowercase())
                    .unwrap_or_default();
                let language = if content_type.contains("json") {
                    "json"
                } else if content_type.contains("xml") {
                    "xml"
                } else if content_type.contains("html") {
                    "html"
                } else if content_type.contains("javascript") {
                    "javascript"
                } else {
                    "text"
                };
                body = Some(
                    json!({ "mode": "raw", "raw": text, "options": { "raw": { "language": language } } }),
                );
            }
            "form" => {
                let fields = value
                    .as_object()
                    .map(|map| parameter_pairs(map, "body", cx))
                    .unwrap_or_default();
                body = Some(json!({ "mode": "urlencoded", "urlencoded": key_values(fields) }));
            }
            "multipart" => {
                let mut parts = Vec::new();
                for (written, part) in value.as_object().cloned().unwrap_or_default() {
                    let name = cx.text(&written, "body");
                    let mut entry = Object::new();
                    entry.insert("key".into(), Value::from(name));
                    match &part {
                        Value::Object(fields) => {
                            if let Some(file) = fields.get("file") {
                                entry.insert("type".into(), Value::from("file"));
                                entry.insert(
                                    "src".into(),
                                    Value::from(cx.file_path(&scalar_text(file))),
                                );
                            } else {
                                entry.insert(
                                    "value".into(),
                                    Value::from(cx.parameter(
                                        &written,
                                        &scalar_text(fields.get("value").unwrap_or(&Value::Null)),
                                        "body",
                                    )),
                                );
                                entry.insert("type".into(), Value::from("text"));
                            }
                            if let Some(content_type) = fields.get("content_type") {
                                entry.insert(
                                    "contentType".into(),
                                    Value::from(scalar_text(content_type)),
                                );
                            }
                            if fields.contains_key("filename") {
                                cx.report.lossy(&label, "body", "a multipart file name other than the file's own: Postman sends the file's name");
                            }
                        }
                        other => {
                            entry.insert(
                                "value".into(),
                                Value::from(cx.parameter(&written, &scalar_text(other), "body")),
                            );
                            entry.insert("type".into(), Value::from("text"));
                        }
                    }
                    parts.push(Value::Object(entry));
                }
                body = Some(json!({ "mode": "formdata", "formdata": parts }));
            }
            "body_file" => {
                body = Some(
                    json!({ "mode": "file", "file": { "src": cx.file_path(&scalar_text(value)) } }),
                );
            }
            "graphql" => {
                let query = value.get("query").map(scalar_text).unwrap_or_default();
                let variables = value
                    .get("variables")
                    .map(|v| serde_json::to_string_pretty(&cx.json(v, "body")).unwrap_or_default())
                    .unwrap_or_default();
                if value.get("operation_name").is_some() {
                    cx.report.lossy(&label, "body", "Postman's GraphQL body has no operation name: the query's first operation runs");
                }
                body = Some(
                    json!({ "mode": "graphql", "graphql": { "query": cx.text(&query, "body"), "variables": variables } }),
                );
            }
            // Item settings (`protocolProfileBehavior`), written by the caller.
            "follow_redirects" | "max_redirects" => {}
            "timeout" => cx.report.lossy(
                &label,
                "timeout",
                "Postman has one request timeout for all requests, in its settings",
            ),
            "cookies" => cx.report.lossy(
                &label,
                "cookies",
                "request cookies are not exported: Postman keeps cookies in its cookie jar",
            ),
            other => cx.report.lossy(
                &label,
                other,
                format!("the request field `{other}` is not exported"),
            ),
        }
    }
    out.insert("header".into(), key_values(headers));
    if let Some(body) = body {
        out.insert("body".into(), body);
    }
    out.insert("url".into(), url_value(request, cx));
    if let Some(auth) = request.get("auth") {
        if let Some(auth) = auth_value(auth, "auth", cx) {
            out.insert("auth".into(), auth);
        }
    }
    Value::Object(out)
}

/// The request's URL as Postman's URL object. Postman sends the `query` list, not `raw`: the
/// URL's own query (`/echo?a=1&b=two`) is that list's first entries, as written (Postman
/// sends them byte for byte, as runner does), then the `query` map's, encoded as runner
/// encodes them (`a b` is `a+b`, `&` is `%26`), so that Postman sends what runner sends. A
/// fragment is the URL's `hash` (neither sends it).
fn url_value(request: &Object, cx: &mut Context<'_>) -> Value {
    use crate::postman::placeholders::find_outside;
    let url = cx.url(
        &request.get("url").map(scalar_text).unwrap_or_default(),
        "url",
    );
    let (url, fragment) = match find_outside(&url, &['#']) {
        Some(at) => (&url[..at], Some(&url[at + 1..])),
        None => (url.as_str(), None),
    };
    let (base, own_query) = match find_outside(url, &['?']) {
        Some(at) => (&url[..at], Some(&url[at + 1..])),
        None => (url, None),
    };
    let map = request
        .get("query")
        .and_then(Value::as_object)
        .map(|map| parameter_pairs(map, "query", cx))
        .unwrap_or_default();
    let mut query: Vec<(String, Option<String>)> = Vec::new();
    match own_query {
        // A bare `?`: sent as it is unless the map adds parameters (runner writes no `&`
        // before the first).
        Some("") if map.is_empty() => query.push((String::new(), None)),
        Some("") | None => {}
        Some(text) => {
            let mut rest = text;
            loop {
                let (pair, next) = match find_outside(rest, &['&']) {
                    Some(at) => (&rest[..at], Some(&rest[at + 1..])),
                    None => (rest, None),
                };
                query.push(match find_outside(pair, &['=']) {
                    Some(at) => (pair[..at].to_owned(), Some(pair[at + 1..].to_owned())),
                    None => (pair.to_owned(), None),
                });
                match next {
                    Some(next) => rest = next,
                    None => break,
                }
            }
        }
    }
    query.extend(
        map.into_iter()
            .map(|(name, value)| (form_encoded(&name), Some(form_encoded(&value)))),
    );
    let mut raw = base.to_owned();
    if !query.is_empty() {
        let text: Vec<String> = query
            .iter()
            .map(|(key, value)| match value {
                Some(value) => format!("{key}={value}"),
                None => key.clone(),
            })
            .collect();
        raw.push('?');
        raw.push_str(&text.join("&"));
    }
    if let Some(fragment) = fragment {
        raw.push('#');
        raw.push_str(fragment);
    }
    let mut out = Object::new();
    out.insert("raw".into(), Value::from(raw));
    let (protocol, rest) = match base.split_once("://") {
        Some((protocol, rest)) => (Some(protocol), rest),
        None => (None, base),
    };
    let mut segments = rest.split('/');
    let host = segments.next().unwrap_or_default();
    if let Some(protocol) = protocol {
        out.insert("protocol".into(), Value::from(protocol));
    }
    let (host, port) = match host.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() => {
            (host, Some(port))
        }
        _ => (host, None),
    };
    let host_parts: Vec<Value> = if host.starts_with("{{") {
        vec![Value::from(host)]
    } else {
        host.split('.').map(Value::from).collect()
    };
    out.insert("host".into(), Value::Array(host_parts));
    if let Some(port) = port {
        out.insert("port".into(), Value::from(port));
    }
    out.insert(
        "path".into(),
        Value::Array(segments.map(Value::from).collect()),
    );
    if !query.is_empty() {
        out.insert(
            "query".into(),
            Value::Array(
                query
                    .into_iter()
                    .map(|(key, value)| json!({ "key": key, "value": value }))
                    .collect(),
            ),
        );
    }
    if let Some(fragment) = fragment {
        out.insert("hash".into(), Value::from(fragment));
    }
    Value::Object(out)
}

/// A `query` name or value as runner sends it, `application/x-www-form-urlencoded` (`a b` is
/// `a+b`, `&` is `%26`): Postman sends such text as it is. A `{{variable}}` is left for
/// Postman to fill in (and to encode as it does: docs/postman.md).
fn form_encoded(text: &str) -> String {
    crate::postman::placeholders::map_outside(text, |literal| {
        url::form_urlencoded::byte_serialize(literal.as_bytes()).collect()
    })
}

/// The auth helper written at `place` (`auth`, `defaults.auth`) as Postman's auth, its
/// secrets written in clear as Postman variables.
fn auth_value(auth: &Value, place: &str, cx: &mut Context<'_>) -> Option<Value> {
    let label = cx.item.clone();
    if auth.as_str() == Some("none") {
        return Some(json!({ "type": "noauth" }));
    }
    let object = auth.as_object()?;
    let (kind, spec) = object.iter().next()?;
    let text = |cx: &mut Context<'_>, v: Option<&Value>| {
        cx.text(&v.map(scalar_text).unwrap_or_default(), place)
    };
    let secret = |cx: &mut Context<'_>, v: Option<&Value>| {
        cx.secret(&v.map(scalar_text).unwrap_or_default(), place)
    };
    let params: Vec<(String, String)> = match kind.as_str() {
        "basic" => vec![
            ("username".into(), text(cx, spec.get("username"))),
            ("password".into(), secret(cx, spec.get("password"))),
        ],
        "bearer" => vec![("token".into(), secret(cx, Some(spec)))],
        "api_key" => {
            let (location, name) = match (spec.get("header"), spec.get("query")) {
                (_, Some(query)) => ("query", scalar_text(query)),
                (Some(header), None) => ("header", scalar_text(header)),
                (None, None) => ("header", String::new()),
            };
            vec![
                ("key".into(), cx.text(&name, place)),
                ("value".into(), secret(cx, spec.get("value"))),
                ("in".into(), location.into()),
            ]
        }
        "oauth2" => {
            let Some(grant) = spec.get("client_credentials") else {
                cx.report.lossy(
                    &label,
                    place,
                    "an OAuth 2.0 grant the exporter does not know",
                );
                return None;
            };
            let mut params = vec![
                ("grant_type".to_owned(), "client_credentials".to_owned()),
                ("accessTokenUrl".into(), text(cx, grant.get("token_url"))),
                ("clientId".into(), text(cx, grant.get("client_id"))),
                (
                    "clientSecret".into(),
                    secret(cx, grant.get("client_secret")),
                ),
            ];
            for (runner, postman) in [("scope", "scope"), ("audience", "audience")] {
                if grant.get(runner).is_some() {
                    params.push((postman.into(), text(cx, grant.get(runner))));
                }
            }
            let body = grant.get("client_auth").and_then(Value::as_str) == Some("body");
            params.push((
                "client_authentication".into(),
                if body { "body" } else { "header" }.into(),
            ));
            params
        }
        other => {
            cx.report.lossy(
                &label,
                place,
                format!("the auth helper `{other}` is not exported"),
            );
            return None;
        }
    };
    let postman_kind = match kind.as_str() {
        "api_key" => "apikey",
        other => other,
    };
    Some(json!({ "type": postman_kind, postman_kind: key_values(params) }))
}
