//! The collection schema and the loader, held to each other over generated collections: a
//! collection that writes every field of the format, and every mutation of one of its values
//! (another type, a null, left out, an unknown key, a list for a map). Where the schema
//! accepts what the loader refuses, the loader's every problem must be one a schema cannot
//! express ([`CANNOT_EXPRESS`]); everywhere else they agree (docs/format.md: "the schema and
//! `runner validate` refuse the same shapes").

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};

/// What the loader checks that no JSON Schema can: a problem whose message holds one of
/// these is the loader's alone.
const CANNOT_EXPRESS: &[&str] = &[
    // A URL's, a JSONPath's, a regex's, a JSON Schema's, a content type's syntax.
    "is not a valid URL",
    "is not an http:// or https:// URL",
    "the URL is empty",
    "invalid JSONPath",
    "invalid regex",
    "is not a content type",
    "the schema is not a valid JSON Schema",
    // Files.
    "cannot read",
    "is not a file",
    "cannot read included collection",
    // What one field says of another written elsewhere.
    "reads an environment variable that is not declared",
    "is not captured or defined by",
    "needs the collection to name its OpenAPI document",
    "is used by an earlier step",
    // `default_environment` naming none of the `environments`.
    "the collection defines",
];

/// The files the collection names.
fn files(dir: &Path) {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("data/report.csv", "a,b\n");
    write("data/s.json", r#"{"type":"object"}"#);
    write(
        "inc.yaml",
        "name: inc\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:9/x\" }\n    capture: { tok: $.t }\n",
    );
    write(
        "openapi.yaml",
        "openapi: 3.0.3\ninfo: { title: t, version: \"1\" }\npaths:\n  /x:\n    get:\n      responses:\n        \"200\": { description: ok }\n",
    );
}

/// A collection that writes every field of the format at least once (the test checks it
/// does, against the schema).
fn full() -> Value {
    serde_json::from_str(
        r#"{
        "name": "Full",
        "description": "all fields",
        "inputs": { "TOK": { "secret": true, "description": "a token", "default": "d" } },
        "vars": {
            "base_url": "http://127.0.0.1:9", "n": 3, "ids": [1, 2], "obj": { "a": 1 },
            "flag": true, "target": "prod", "count": 1, "tok": "{{env.TOK}}"
        },
        "environments": {
            "sb": { "sandbox": "emnify", "vars": { "base_url": "{{sandbox.url}}" } },
            "prod": { "vars": { "target": "production" } },
            "empty": {}
        },
        "default_environment": "sb",
        "defaults": {
            "headers": { "X-A": "1", "X-N": 2 },
            "timeout": "10s",
            "auth": { "bearer": "{{tok}}" },
            "follow_redirects": true,
            "max_redirects": 5,
            "expect": { "status": "any", "snapshot": false, "openapi": false }
        },
        "openapi": "openapi.yaml",
        "tags": ["smoke"],
        "load": { "max_p50": "100ms", "max_p95": "200ms", "max_p99": "1s", "max_failure_rate": "1%" },
        "steps": [
            {
                "name": "Req", "id": "req-1", "tags": ["a"],
                "when": { "{{target}}": "prod", "{{count}}": { "gt": 0 } },
                "delay": "1ms",
                "request": {
                    "method": "POST", "url": "{{base_url}}/x",
                    "query": { "page": 1, "tag": ["a", "{{target}}"], "b": true },
                    "headers": { "Authorization": null, "X-B": "b" },
                    "json": { "a": "{{n}}", "b": [1, { "c": null }] },
                    "auth": { "basic": { "username": "u", "password": "p" } },
                    "cookies": { "theme": "dark" },
                    "timeout": "5s", "follow_redirects": false, "max_redirects": 0
                },
                "expect": {
                    "status": [200, 201],
                    "headers": { "content-type": { "contains": "json" } },
                    "jsonpath": {
                        "$.id": { "type": "integer" },
                        "$[*].a": { "one_of": [1, 2] },
                        "$.b": { "count": { "ge": 1 } },
                        "$.c": { "exists": false },
                        "$.i": { "not_contains": 1 }
                    },
                    "body": { "not_contains": "err" },
                    "schema": "data/s.json",
                    "duration": { "lt": "2s" },
                    "values": { "{{ids}}": { "length": 2 } },
                    "url": { "starts_with": "http" },
                    "cookies": {
                        "theme": "dark",
                        "session": {
                            "value": { "starts_with": "s-" }, "http_only": true, "secure": true,
                            "path": "/", "domain": { "ends_with": "x" }, "same_site": "Strict",
                            "max_age": { "ge": 3600 }, "expires": { "gt": "2020-01-01" }
                        }
                    },
                    "snapshot": { "ignore": ["$.id"], "headers": ["content-type"] },
                    "openapi": true
                },
                "capture": {
                    "a": "$.a",
                    "b": { "jsonpath": "$.b", "secret": true },
                    "c": { "jsonpath": "$[*].id", "all": true },
                    "d": { "header": "Location" },
                    "e": { "header": "Location", "regex": "/(\\d+)$" },
                    "f": { "regex": "x(\\d)" },
                    "g": { "status": true },
                    "h": { "body": true },
                    "i": { "duration": true },
                    "j": { "cookie": "session" },
                    "k": { "url": true },
                    "l": { "redirects": true }
                },
                "retry": {
                    "attempts": 3, "interval": "10ms", "backoff": 2, "max_interval": "1s",
                    "until": { "jsonpath": { "$.state": "done" } },
                    "on": ["transport", "5xx", "429", 429]
                }
            },
            { "name": "Body", "request": { "method": "PUT", "url": "{{base_url}}/y", "body": "text {{n}}" } },
            { "name": "BodyFile", "request": { "method": "PATCH", "url": "{{base_url}}/y", "body_file": "data/report.csv" } },
            { "name": "Form", "request": { "method": "POST", "url": "{{base_url}}/y", "form": { "a": "1", "b": ["x", "y"], "c": 2 } } },
            { "name": "Multi", "request": { "method": "POST", "url": "{{base_url}}/y", "multipart": {
                "title": "T", "n": 3,
                "meta": { "value": "{}", "content_type": "application/json" },
                "f": { "file": "data/report.csv", "content_type": "text/csv", "filename": "w.csv" }
            } } },
            { "name": "GQL", "request": { "method": "POST", "url": "{{base_url}}/g", "graphql": {
                "query": "query{a}", "variables": { "id": "{{n}}" }, "operation_name": "Get"
            } } },
            { "name": "ApiKeyH", "request": { "url": "{{base_url}}/y", "auth": { "api_key": { "header": "X-Key", "value": "k" } } } },
            { "name": "ApiKeyQ", "request": { "method": "DELETE", "url": "{{base_url}}/y", "auth": { "api_key": { "query": "key", "value": "k" } } } },
            { "name": "OAuth", "request": { "method": "HEAD", "url": "{{base_url}}/y", "auth": { "oauth2": { "client_credentials": {
                "token_url": "{{base_url}}/t", "client_id": "id", "client_secret": "s",
                "scope": "a b", "audience": "aud", "client_auth": "body"
            } } } } },
            { "name": "None", "request": { "method": "OPTIONS", "url": "{{base_url}}/y", "auth": "none" } },
            { "name": "Ext", "request": { "method": "PROPFIND", "url": "{{base_url}}/y" } },
            { "name": "Loop", "for_each": "{{ids}}", "as": "id", "request": { "method": "TRACE", "url": "{{base_url}}/y/{{id}}" } },
            { "name": "Group", "for_each": ["eu", "us"], "steps": [ { "name": "In", "request": { "url": "{{base_url}}/{{item}}" } } ] },
            { "name": "Inc", "include": "inc.yaml", "vars": { "v": "1" }, "export": ["tok"] },
            {
                "name": "PageLink", "request": { "url": "{{base_url}}/p" },
                "paginate": { "next": "link", "collect": { "pids": "$[*].id" }, "max_pages": 5 },
                "expect": { "status": 200, "values": { "{{pids}}": { "length": { "gt": 0 } } } }
            },
            { "name": "PageJP", "request": { "url": "{{base_url}}/p" }, "paginate": { "next": { "jsonpath": "$.next" } } },
            { "name": "PageQ", "request": { "url": "{{base_url}}/p" }, "paginate": { "next": { "query": "page" }, "collect": { "q": "$[*]" } } },
            {
                "name": "Snap", "request": { "url": "{{base_url}}/p" },
                "expect": { "snapshot": true, "schema": { "type": "array", "items": { "required": ["id"] } }, "status": "2xx" }
            },
            {
                "name": "Preds", "request": { "url": "{{base_url}}/p" },
                "expect": { "status": "success", "jsonpath": {
                    "$.a": { "equals": { "x": 1 }, "not_equals": 2 },
                    "$.b": { "starts_with": "a", "ends_with": "b", "matches": "^a.*b$" },
                    "$.c": { "le": 5, "lt": 6, "ge": 0, "gt": -1 },
                    "$.d": { "length": { "lt": 3 } },
                    "$.e": { "empty": true },
                    "$.f": [1, 2],
                    "$.g": null,
                    "$.h": { "contains": 1 }
                } }
            },
            {
                "name": "Ops", "request": { "url": "{{base_url}}/p" },
                "expect": { "headers": { "x-a": {
                    "equals": "a", "not_equals": "b", "exists": true, "type": "string",
                    "contains": "a", "not_contains": "b", "starts_with": "a", "ends_with": "a",
                    "matches": "a", "one_of": ["a"], "lt": "b", "le": "a", "gt": "0", "ge": "a",
                    "length": 1, "empty": false
                } }, "duration": {
                    "equals": 1, "not_equals": 2, "exists": true, "type": "number",
                    "contains": 1, "not_contains": 2, "starts_with": "1", "ends_with": "1",
                    "matches": "1", "one_of": [1], "lt": "2s", "le": 2000, "gt": "{{n}}",
                    "ge": "1ms", "length": 1, "empty": false
                } }
            },
            { "name": "StatusT", "request": { "url": "{{base_url}}/p" }, "expect": { "status": "{{n}}" } }
        ],
        "finally": [ { "name": "Cleanup", "request": { "method": "DELETE", "url": "{{base_url}}/z" } } ]
    }"#,
    )
    .expect("the generated collection is JSON")
}

/// Every value of `value` with where it is.
fn paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                at.push(Step::Key(key.clone()));
                paths(item, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                at.push(Step::Index(index));
                paths(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn get<'v>(value: &'v Value, path: &[Step]) -> &'v Value {
    path.iter().fold(value, |node, step| match step {
        Step::Key(key) => &node[key.as_str()],
        Step::Index(index) => &node[*index],
    })
}

/// `value` with the node at `path` replaced (or removed, `None`).
fn with(value: &Value, path: &[Step], new: Option<Value>) -> Value {
    let mut copy = value.clone();
    let Some((last, parent)) = path.split_last() else {
        return new.unwrap_or(Value::Null);
    };
    let mut node = &mut copy;
    for step in parent {
        node = match step {
            Step::Key(key) => &mut node[key.as_str()],
            Step::Index(index) => &mut node[*index],
        };
    }
    match (last, new, node) {
        (Step::Key(key), Some(new), Value::Object(map)) => {
            map.insert(key.clone(), new);
        }
        (Step::Key(key), None, Value::Object(map)) => {
            map.shift_remove(key);
        }
        (Step::Index(index), Some(new), Value::Array(items)) => items[*index] = new,
        (Step::Index(index), None, Value::Array(items)) => {
            items.remove(*index);
        }
        _ => unreachable!("a path into the value"),
    }
    copy
}

fn shown(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => key.clone(),
            Step::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The mutations of the value at `path`: what it is replaced by, `None` to leave it out.
fn mutations(value: &Value, path: &[Step]) -> Vec<(String, Option<Value>)> {
    let mut out = Vec::new();
    if let Value::Object(map) = value {
        let mut more = map.clone();
        more.insert("zz_unknown".into(), json!(1));
        out.push(("an unknown key".into(), Some(Value::Object(more))));
        // serde reads a struct from a list, by position.
        let values: Vec<Value> = map.values().cloned().collect();
        out.push(("its values as a list".into(), Some(Value::Array(values))));
    }
    // A request with a second body, and with a second one written as `~` (none).
    if let (Value::Object(map), Some(Step::Key(last))) = (value, path.last()) {
        if last == "request" {
            for (body, sample) in [
                ("json", json!({ "a": 1 })),
                ("body", json!("x")),
                ("body_file", json!("data/report.csv")),
                ("form", json!({ "a": 1 })),
                ("multipart", json!({ "a": "v" })),
                ("graphql", json!({ "query": "{ a }" })),
            ] {
                if map.contains_key(body) {
                    continue;
                }
                for (label, added) in [("", sample), (" as null", Value::Null)] {
                    let mut more = map.clone();
                    more.insert(body.into(), added);
                    out.push((format!("with `{body}`{label}"), Some(Value::Object(more))));
                }
            }
        }
    }
    // Names the loader refuses in maps of names it sends: the schema says so too (a header
    // removed with `null` is named as one sent).
    if let (Value::Object(map), Some(Step::Key(last))) = (value, path.last()) {
        if matches!(last.as_str(), "headers" | "cookies") {
            for (label, name) in [("blank", "a b"), ("empty", ""), ("`;`", "a;b")] {
                for (kind, sample) in [("text", json!("v")), ("null", Value::Null)] {
                    let mut more = map.clone();
                    more.insert(name.into(), sample);
                    out.push((
                        format!("with a {label} name ({kind})"),
                        Some(Value::Object(more)),
                    ));
                }
            }
        }
    }
    if path.is_empty() {
        return out;
    }
    out.push(("left out".into(), None));
    let replacements = [
        json!(1),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(1.0),
        json!("s"),
        json!(""),
        json!(true),
        json!(null),
        json!([]),
        json!({}),
        json!([1]),
        json!([null]),
        json!({ "a": 1 }),
    ];
    for replacement in replacements {
        if &replacement != value {
            out.push((replacement.to_string(), Some(replacement)));
        }
    }
    out
}

/// The (definition, property) pairs of every object schema the generated schema defines.
fn properties(schema: &Value) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    let definitions = schema["$defs"].as_object().into_iter().flatten();
    for (name, definition) in std::iter::once((&"root".to_owned(), schema)).chain(definitions) {
        for property in definition["properties"].as_object().into_iter().flatten() {
            all.insert((name.clone(), property.0.clone()));
        }
    }
    all
}

/// Marks the (definition, property) pairs `instance` writes, walking it beside `schema`
/// (every branch of an `anyOf` or `oneOf`: a property is named by one branch only).
fn covered(
    root: &Value,
    schema: &Value,
    definition: &str,
    instance: &Value,
    seen: &mut BTreeSet<(String, String)>,
) {
    if let Some(name) = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        covered(root, &root["$defs"][name], name, instance, seen);
        return;
    }
    for keyword in ["anyOf", "oneOf", "allOf"] {
        for branch in schema[keyword].as_array().into_iter().flatten() {
            covered(root, branch, definition, instance, seen);
        }
    }
    match instance {
        Value::Object(map) => {
            let properties = schema["properties"].as_object();
            for (key, value) in map {
                match properties.and_then(|p| p.get(key)) {
                    Some(property) => {
                        seen.insert((definition.to_owned(), key.clone()));
                        covered(root, property, definition, value, seen);
                    }
                    None if schema["additionalProperties"].is_object() => {
                        covered(
                            root,
                            &schema["additionalProperties"],
                            definition,
                            value,
                            seen,
                        );
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for item in items {
                covered(root, &schema["items"], definition, item, seen);
            }
        }
        _ => {}
    }
}

/// The collection a mutation of `mutated` (at `path`) is judged in: its top level, and of its
/// steps only the one the path is in (or the first light one, for a path outside the steps),
/// so that each judgement compiles one step, not all of them.
fn judged(mutated: &Value, path: &[Step]) -> Value {
    let mut judged = mutated.clone();
    let Some(map) = judged.as_object_mut() else {
        return judged;
    };
    let step = match path {
        [Step::Key(list), Step::Index(index), ..] if list == "steps" => {
            mutated["steps"].get(*index).cloned()
        }
        _ => mutated["steps"]
            .as_array()
            .and_then(|steps| steps.get(1))
            .cloned(),
    };
    if let Some(step) = step {
        map.insert("steps".into(), json!([step]));
    }
    judged
}

/// A whole number written with a fraction in a name: YAML gives JSON (and the schema) the
/// integer 1, runner the text as written, `1.0`, which is not a name. JSON cannot tell the
/// two apart.
fn a_whole_number_with_a_fraction_as_a_name(path: &[Step], label: &str) -> bool {
    let last = match path.last() {
        Some(Step::Key(key)) => key.as_str(),
        _ => "",
    };
    label == "1.0" && ["id", "as"].contains(&last)
}

#[test]
fn the_schema_and_the_loader_agree_on_every_mutation_of_a_collection_with_every_field() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/collection.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let dir = tempfile::tempdir().expect("temp dir");
    files(dir.path());
    let file = dir.path().join("c.yaml");
    let base = full();

    // The base writes every field the schema defines, so every field is mutated below.
    let mut seen = BTreeSet::new();
    covered(&schema, &schema, "root", &base, &mut seen);
    let missing: Vec<String> = properties(&schema)
        .difference(&seen)
        .map(|(definition, property)| format!("{definition}.{property}"))
        .collect();
    assert!(
        missing.is_empty(),
        "the generated collection does not write these fields; add them to `full()`: {}",
        missing.join(", ")
    );

    let load = |instance: &Value| -> Result<(), Vec<String>> {
        let text = serde_json::to_string_pretty(instance).expect("JSON");
        runner::collection::Collection::parse(&file, text)
            .map(|_| ())
            .map_err(|problems| problems.0.into_iter().map(|p| p.message).collect())
    };
    assert_eq!(load(&base), Ok(()), "the generated collection loads");
    assert!(
        validator.is_valid(&base),
        "the generated collection fits the schema"
    );

    let mut where_ = Vec::new();
    paths(&base, &mut Vec::new(), &mut where_);
    let cases: Vec<(Vec<Step>, String, Value)> = where_
        .iter()
        .flat_map(|path| {
            mutations(get(&base, path), path)
                .into_iter()
                .map(|(label, new)| (path.clone(), label, judged(&with(&base, path, new), path)))
        })
        .collect();
    let judge = |(path, label, instance): &(Vec<Step>, String, Value)| -> Option<String> {
        let by_schema = validator.is_valid(instance);
        let by_loader = load(instance);
        let agree = match (&by_loader, by_schema) {
            (Ok(()), true) => true,
            (Err(problems), false) => !problems.is_empty(),
            (Err(problems), true) => problems
                .iter()
                .all(|p| CANNOT_EXPRESS.iter().any(|c| p.contains(c))),
            (Ok(()), false) => false,
        };
        if agree || a_whole_number_with_a_fraction_as_a_name(path, label) {
            return None;
        }
        let why = match &by_loader {
            Ok(()) => validator
                .iter_errors(instance)
                .next()
                .map(|e| format!("the schema refuses: {e} at {}", e.instance_path))
                .unwrap_or_default(),
            Err(problems) => format!("the loader refuses: {}", problems.join(" | ")),
        };
        Some(format!("{} = {label}: {why}", shown(path)))
    };
    // Every refusal is told in the format's words, not in the Rust types runner reads it with.
    let rust_words = regex::Regex::new(
        r"\b(struct|enum|variant|untagged|unit value|sequence|[ui](8|16|32|64|128)|usize|f(32|64))\b|[A-Z][a-z]+Spec\b",
    )
    .expect("a regex");
    let in_rust_words = |(path, label, instance): &(Vec<Step>, String, Value)| -> Vec<String> {
        match load(instance) {
            Ok(()) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .filter(|p| rust_words.is_match(p))
                .map(|p| format!("{} = {label}: {p}", shown(path)))
                .collect(),
        }
    };
    // Side by side: each judgement compiles a collection.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let chunk = cases.len().div_ceil(threads);
    let disagreements: Vec<String> = std::thread::scope(|scope| {
        let running: Vec<_> = cases
            .chunks(chunk)
            .map(|cases| {
                scope.spawn(|| {
                    cases
                        .iter()
                        .filter_map(judge)
                        .chain(cases.iter().flat_map(in_rust_words))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        running
            .into_iter()
            .flat_map(|thread| thread.join().expect("a judging thread"))
            .collect()
    });
    assert!(cases.len() > 3000, "{} mutations", cases.len());
    assert!(
        disagreements.is_empty(),
        "{} of {} mutations disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
