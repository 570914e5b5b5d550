//! The importer over classes of documents: step ids whatever the operationIds, servers of
//! paths and operations, fields of the wrong type.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{import, Imported, OpenapiImportError, Settings};
use crate::collection::Collection;

/// Writes `document` (JSON text) as `api.json` in `dir` and imports it; the collection is
/// written beside it, as `api.runner.yaml`.
fn imported(dir: &Path, document: &str) -> (Result<Imported, OpenapiImportError>, PathBuf) {
    let spec = dir.join("api.json");
    std::fs::write(&spec, document).expect("write");
    let settings = Settings {
        document: "api.json".into(),
        schema: "collection.schema.json".into(),
        ..Settings::default()
    };
    (import(&spec, &settings), dir.join("api.runner.yaml"))
}

/// The ids of the steps of an imported collection, in order.
fn step_ids(yaml: &str) -> Vec<String> {
    yaml.lines()
        .filter_map(|line| line.strip_prefix("    id: "))
        .map(str::to_owned)
        .collect()
}

fn operation(id: Option<&str>, status: u16) -> Value {
    let mut operation = json!({ "responses": { status.to_string(): { "description": "ok" } } });
    if let Some(id) = id {
        operation["operationId"] = json!(id);
    }
    operation
}

fn document(paths: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "servers": [{ "url": "http://127.0.0.1:9/v1" }],
        "paths": paths,
    })
}

/// Seeded documents whose operations repeat operationIds, have ids that read alike once
/// written as step ids (`list_items`, `list-items`, `List Items`), ids that are left empty
/// (`-`), that look like a renamed id (`list-2`) or like a method and path (`GET /a`), and
/// operations without one on paths that read alike (`/a/b`, `/a-b`, `/a_b`): every
/// collection loads (the ids are unique and well formed), the same document gives the same
/// ids, and an operationId no other operation has is its step's id.
#[test]
fn step_ids_are_unique_whatever_the_operation_ids() {
    let dir = tempfile::tempdir().expect("dir");
    let mut rng = fastrand::Rng::with_seed(133);
    let ids = [
        None,
        Some("list"),
        Some("list"),
        Some("list_items"),
        Some("list-items"),
        Some("List Items"),
        Some("list-2"),
        Some("-"),
        Some("GET /a"),
        Some("GET--a-b"),
        Some("2fa"),
    ];
    let paths = [
        "/a",
        "/a/b",
        "/a-b",
        "/a_b",
        "/a/{id}",
        "/list",
        "/list/items",
    ];
    let methods = ["get", "post", "put", "delete"];
    for round in 0..150 {
        let mut written = serde_json::Map::new();
        for _ in 0..rng.usize(1..12) {
            let path = paths[rng.usize(..paths.len())];
            let method = methods[rng.usize(..methods.len())];
            let id = ids[rng.usize(..ids.len())];
            let item = written.entry(path).or_insert_with(|| json!({}));
            item[method] = operation(id, 200);
        }
        let document = document(Value::Object(written.clone())).to_string();
        let (first, out) = imported(dir.path(), &document);
        let first = first.expect("imports");
        std::fs::write(&out, &first.yaml).expect("write");
        if let Err(problems) = Collection::load(&out) {
            panic!("round {round}: {problems}\n{}", first.yaml);
        }
        let steps = step_ids(&first.yaml);
        assert_eq!(
            steps.iter().collect::<HashSet<_>>().len(),
            steps.len(),
            "{}",
            first.yaml
        );
        let (again, _) = imported(dir.path(), &document);
        assert_eq!(step_ids(&again.expect("imports").yaml), steps);
        // An operationId that no other operation's reads like keeps it as its step id.
        let all: Vec<String> = written
            .values()
            .flat_map(|item| item.as_object().into_iter().flatten())
            .filter_map(|(_, o)| o["operationId"].as_str().map(super::ids::as_step_id))
            .collect();
        for id in &all {
            if !id.is_empty() && all.iter().filter(|other| *other == id).count() == 1 {
                assert!(steps.contains(id), "{id}: {}", first.yaml);
            }
        }
    }
}

/// Two operations with one operationId: the second step's id, captures and files are its
/// own (`create-2`, `create_2_id`), so the read below each create uses the id that create
/// returned, and the import says so.
#[test]
fn a_repeated_operation_id_gives_the_later_step_its_own_id_and_captures() {
    let dir = tempfile::tempdir().expect("dir");
    let created = json!({ "201": { "description": "created", "content": { "application/json": {
        "schema": { "type": "object", "properties": { "id": { "type": "integer" } } } } } } });
    let create = json!({ "operationId": "create", "responses": created });
    let read = |parameter: &str| {
        json!({
            "parameters": [{ "name": parameter, "in": "path", "required": true, "schema": { "type": "integer" } }],
            "get": { "operationId": "read", "responses": { "200": { "description": "ok" } } },
        })
    };
    let document = document(json!({
        "/a": { "post": create },
        "/b": { "post": create },
        "/a/{aId}": read("aId"),
        "/b/{bId}": read("bId"),
    }));
    let (result, out) = imported(dir.path(), &document.to_string());
    let result = result.expect("imports");
    std::fs::write(&out, &result.yaml).expect("write");
    assert!(Collection::load(&out).is_ok(), "{}", result.yaml);
    assert_eq!(
        step_ids(&result.yaml),
        ["create", "create-2", "read", "read-2"]
    );
    for part in [
        "capture: { create_id: $.id }",
        "capture: { create_2_id: $.id }",
        "url: \"{{base_url}}/a/{{create_id}}\"",
        "url: \"{{base_url}}/b/{{create_2_id}}\"",
    ] {
        assert!(result.yaml.contains(part), "{part} not in {}", result.yaml);
    }
    let notes = result.report.to_string();
    assert!(
        notes.contains("`create` is already the id of the step for POST /a")
            && notes.contains("this step's id is `create-2`")
            && notes.contains("this step's id is `read-2`"),
        "{notes}"
    );
    assert!(!result.report.is_lossy(), "{notes}");
}

/// `servers` of a path item, and of an operation (which override its path item's), are
/// where their steps are sent: each its own variable beside `base_url`, the first server's
/// URL with its variables at their defaults (the values each may take, and the other
/// servers, in its comment); operations that give the same first server share one; servers
/// that are the document's are `base_url`; a relative one is a required input named after
/// its variable, reported.
#[test]
fn servers_of_paths_and_operations_are_where_their_steps_are_sent() {
    let dir = tempfile::tempdir().expect("dir");
    let ok = || operation(None, 200);
    let with_servers = |servers: Value| {
        let mut operation = ok();
        operation["servers"] = servers;
        operation
    };
    let document = document(json!({
        "/items/{id}": {
            "servers": [{ "url": "http://127.0.0.1:9/path-level" }],
            "parameters": [{ "name": "id", "in": "path", "required": true, "example": 7 }],
            "get": ok(),
            "delete": with_servers(json!([{ "url": "http://127.0.0.1:9/op-level" }])),
        },
        "/ops": {
            "get": with_servers(json!([
                { "url": "http://{host}:9/{version}",
                  "variables": { "host": { "default": "127.0.0.1" },
                                 "version": { "default": "op-level", "enum": ["op-level", "v2"] } } },
                { "url": "http://127.0.0.1:9/spare" },
            ])),
            "put": with_servers(json!([{ "url": "http://127.0.0.1:9/v1" }])),
            "post": with_servers(json!([{ "url": "/relative" }])),
        },
        "/plain": { "get": ok() },
    }));
    let (result, out) = imported(dir.path(), &document.to_string());
    let result = result.expect("imports");
    let yaml = &result.yaml;
    for part in [
        "  base_url: http://127.0.0.1:9/v1\n",
        "  # The first server of GET /ops, DELETE /items/{id} (in place of the document's), its variables at their defaults ({host}; {version}: one of op-level, v2); the others: http://127.0.0.1:9/spare (choose one with --var base_url_3=URL).\n",
        "  base_url_3: http://127.0.0.1:9/op-level\n",
        "  # The server of the path /items/{id} (in place of the document's).\n",
        "  base_url_4: http://127.0.0.1:9/path-level\n",
        "  base_url_2: \"{{env.BASE_URL_2}}\"\n",
        "url: \"{{base_url_2}}/ops\"",
        "url: \"{{base_url_3}}/ops\"",
        "url: \"{{base_url_3}}/items/7\"",
        "url: \"{{base_url_4}}/items/7\"",
        "url: \"{{base_url}}/ops\"",
        "url: \"{{base_url}}/plain\"",
    ] {
        assert!(yaml.contains(part), "`{part}` not in {yaml}");
    }
    let report = result.report.to_string();
    assert!(
        report.contains("set BASE_URL_2 (`export BASE_URL_2=https://HOST/relative`)")
            && report.contains("`--var base_url_2=https://HOST/relative`"),
        "{report}"
    );
    std::fs::write(&out, yaml).expect("write");
    assert!(Collection::load(&out).is_ok(), "{yaml}");
}

/// The fields the importer reads, each given a value of another type: reported as not
/// translated at the `file:line:col` where the value is written, with the type expected;
/// `paths` of the wrong type is an error there.
#[test]
fn fields_of_the_wrong_type_are_reported_where_they_are_written() {
    let dir = tempfile::tempdir().expect("dir");
    let base = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "servers": [{ "url": "http://127.0.0.1:9", "variables": { "v": { "default": "1", "enum": ["1"] } } }],
        "security": [{ "key": [] }],
        "tags": [{ "name": "a" }],
        "components": {
            "schemas": {}, "parameters": {}, "responses": {},
            "securitySchemes": { "key": { "type": "apiKey", "name": "k", "in": "header" } },
        },
        "paths": {
            "/a": {
                "servers": [{ "url": "http://127.0.0.1:9/a" }],
                "parameters": [{ "name": "q", "in": "query" }],
                "post": {
                    "operationId": "postA",
                    "tags": ["a"],
                    "servers": [{ "url": "http://127.0.0.1:9/b" }],
                    "security": [{ "key": [] }],
                    "parameters": [{ "name": "p", "in": "query" }],
                    "requestBody": { "content": { "application/json": { "schema": {} } } },
                    "responses": { "200": { "description": "ok", "content": { "application/json": {} },
                                            "headers": {}, "links": {} } },
                },
            },
            "/b": { "get": { "responses": { "200": { "description": "ok" } } } },
        },
    });
    let fields = [
        "/servers",
        "/servers/0",
        "/servers/0/url",
        "/servers/0/variables",
        "/servers/0/variables/v",
        "/servers/0/variables/v/enum",
        "/security",
        "/security/0",
        "/security/0/key",
        "/tags",
        "/tags/0",
        "/components",
        "/components/schemas",
        "/components/parameters",
        "/components/responses",
        "/components/securitySchemes",
        "/components/securitySchemes/key",
        "/components/securitySchemes/key/type",
        "/paths/~1a",
        "/paths/~1a/servers",
        "/paths/~1a/parameters",
        "/paths/~1a/parameters/0",
        "/paths/~1a/parameters/0/name",
        "/paths/~1a/post",
        "/paths/~1a/post/operationId",
        "/paths/~1a/post/tags",
        "/paths/~1a/post/tags/0",
        "/paths/~1a/post/servers",
        "/paths/~1a/post/security",
        "/paths/~1a/post/parameters",
        "/paths/~1a/post/parameters/0",
        "/paths/~1a/post/parameters/0/in",
        "/paths/~1a/post/requestBody",
        "/paths/~1a/post/requestBody/content",
        "/paths/~1a/post/requestBody/content/application~1json",
        "/paths/~1a/post/responses",
        "/paths/~1a/post/responses/200",
        "/paths/~1a/post/responses/200/content",
        "/paths/~1a/post/responses/200/content/application~1json",
        "/paths/~1a/post/responses/200/headers",
        "/paths/~1a/post/responses/200/links",
    ];
    let (valid, _) = imported(
        dir.path(),
        &serde_json::to_string_pretty(&base).expect("json"),
    );
    let valid = valid.expect("the base document imports");
    assert!(
        !valid.report.to_string().contains("where OpenAPI expects"),
        "{}",
        valid.report
    );
    let mut rng = fastrand::Rng::with_seed(5);
    for field in fields {
        let mut document = base.clone();
        let slot = document.pointer_mut(field).expect("the field is there");
        // A value of another type than the field's, written on its own line.
        let wrong = match slot {
            Value::String(_) => json!(12345),
            _ if rng.bool() => json!(12345),
            _ => json!("wrong"),
        };
        *slot = wrong.clone();
        let text = serde_json::to_string_pretty(&document).expect("json");
        let (result, _) = imported(dir.path(), &text);
        let report = result
            .unwrap_or_else(|error| panic!("{field}: {error}"))
            .report
            .to_string();
        let (line, column) = located(&report, &dir.path().join("api.json"))
            .unwrap_or_else(|| panic!("{field}: not located in {report}"));
        let written = text.lines().nth(line - 1).expect("the line");
        assert!(
            written[column - 1..].starts_with(&wrong.to_string()),
            "{field}: {line}:{column} is `{written}`\n{report}"
        );
        assert!(
            report.contains("where OpenAPI expects"),
            "{field}: {report}"
        );
    }
    let mut document = base.clone();
    document["paths"] = json!(["/a"]);
    let (result, _) = imported(dir.path(), &text_of(&document));
    let Err(error) = result else {
        panic!("`paths` of the wrong type is refused")
    };
    let error = error.to_string();
    let (line, column) = located(&error, &dir.path().join("api.json")).expect("located");
    let written = text_of(&document)
        .lines()
        .nth(line - 1)
        .expect("the line")
        .to_owned();
    assert!(
        written[..column - 1].ends_with("\"paths\": ") && written[column - 1..].starts_with('['),
        "{line}:{column} is `{written}`: {error}"
    );
    assert!(
        error.contains("`paths` is a list: expected a map of paths"),
        "{error}"
    );
}

fn text_of(document: &Value) -> String {
    serde_json::to_string_pretty(document).expect("json")
}

/// The first `line:column` after `file:` in `text`.
fn located(text: &str, file: &Path) -> Option<(usize, usize)> {
    let file = format!("{}:", file.display());
    let rest = &text[text.find(&file)? + file.len()..];
    let mut numbers = rest.split(':');
    let line = numbers.next()?.parse().ok()?;
    let column = numbers.next()?.parse().ok()?;
    Some((line, column))
}
