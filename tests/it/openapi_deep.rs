//! OpenAPI documents whose schemas nest deep — through `$ref` chains of every shape, within a
//! file and across files — against the real binary: refused with a located error past the
//! limit, loaded and checked below it, and never a crash (a stack overflow aborts the
//! process). `runner validate` of one collection loads it on the main thread (8 MiB of
//! stack), of several on threads of 2 MiB; `runner run --jobs 2` checks responses on a
//! worker thread of 2 MiB too.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::extract::Query;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::support::{runner, Fixture, Output};

/// The ways one schema leads to the next.
const SHAPES: &[&str] = &[
    "ref",
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "additionalProperties",
    "not",
    "prefixItems",
];

/// A schema of `shape` whose way on is `next` (a `$ref`).
fn link(shape: &str, next: Value) -> Value {
    match shape {
        "ref" => next,
        "properties" => json!({ "type": "object", "properties": { "n": next } }),
        "items" => json!({ "type": "array", "items": next }),
        "additionalProperties" => json!({ "type": "object", "additionalProperties": next }),
        "not" => json!({ "not": { "not": next } }),
        "prefixItems" => json!({ "type": "array", "prefixItems": [next] }),
        list => json!({ list: [next] }),
    }
}

/// A document whose one response schema is `S0`, `S0` to `S{n-1}` each leading to the next
/// (the last to a string); 3.1, so that keywords beside a `$ref` count. In shape `ref`, `S0`
/// is an object whose property is the chain of `$ref`s (a response schema that is itself such
/// a chain is followed to its end before jsonschema sees it).
fn chain(shape: &str, n: usize) -> Value {
    let mut schemas = serde_json::Map::new();
    for i in 0..n {
        let next = json!({ "$ref": format!("#/components/schemas/S{}", i + 1) });
        let shape = if shape == "ref" && i == 0 {
            "properties"
        } else {
            shape
        };
        schemas.insert(format!("S{i}"), link(shape, next));
    }
    schemas.insert(format!("S{n}"), json!({ "type": "string" }));
    document(json!({ "$ref": "#/components/schemas/S0" }), schemas)
}

fn document(schema: Value, schemas: serde_json::Map<String, Value>) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "deep", "version": "1" },
        "paths": { "/body": { "get": { "operationId": "body", "responses": { "200": {
            "description": "ok",
            "content": { "application/json": { "schema": schema } }
        } } } } },
        "components": { "schemas": schemas }
    })
}

/// A collection naming `spec`, one step that gets `body` and checks it.
fn collection(fixture: &Fixture, name: &str, spec: &str, body: &Value) -> PathBuf {
    let url = format!(
        "http://{}/body?b={}",
        server(),
        url::form_urlencoded::byte_serialize(body.to_string().as_bytes()).collect::<String>()
    );
    fixture.file(
        name,
        &format!("name: {name}\nopenapi: {spec}\nsteps:\n  - name: s\n    request: {{ url: \"{url}\" }}\n    expect: {{ status: 200, openapi: true }}\n"),
    )
}

/// Answers `/body?b=JSON` with that JSON.
fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        crate::servers::spawn(Router::new().route(
            "/body",
            get(|Query(query): Query<HashMap<String, String>>| async move {
                (
                    [("content-type", "application/json")],
                    query.get("b").cloned().unwrap_or_default(),
                )
            }),
        ))
    })
}

/// Not a crash: the process ended with an exit code of its own (a stack overflow aborts it,
/// a segmentation fault kills it).
fn no_crash(output: &Output, what: &str) {
    assert!(
        [0, 1, 2].contains(&output.code),
        "{what}: exit {}\n{}",
        output.code,
        output.stderr
    );
    assert!(
        !output.stderr.contains("overflow") && !output.stderr.contains("panicked"),
        "{what}: {}",
        output.stderr
    );
}

fn refused_as_too_deep(output: &Output, what: &str) {
    no_crash(output, what);
    assert_eq!(output.code, 2, "{what}: {output:?}");
    assert!(
        output
            .stderr
            .contains("the schema nests more than 4096 levels deep here"),
        "{what}: {}",
        output.stderr
    );
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    std::fs::write(dir.join(name), value.to_string()).expect("write");
    name.to_owned()
}

#[test]
fn a_chain_of_6000_schemas_of_any_shape_is_refused_where_it_passes_the_limit() {
    let fixture = Fixture::new();
    for shape in SHAPES {
        let spec = write(
            fixture.path(),
            &format!("{shape}.json"),
            &chain(shape, 6000),
        );
        let one = collection(&fixture, &format!("{shape}.yaml"), &spec, &json!("x"));
        let output = runner(["validate", &one.display().to_string()]);
        refused_as_too_deep(&output, shape);
        assert!(
            output
                .stderr
                .contains(&format!("{spec}#/components/schemas/S")),
            "{shape}: {}",
            output.stderr
        );
        // Two collections: one of them loads on a thread of 2 MiB.
        let two = collection(&fixture, &format!("{shape}-2.yaml"), &spec, &json!("x"));
        let output = runner([
            "validate",
            &one.display().to_string(),
            &two.display().to_string(),
        ]);
        refused_as_too_deep(&output, &format!("{shape}, two collections"));
        let out = fixture.path().join(format!("{shape}-imported.yaml"));
        let output = runner([
            "import",
            "openapi",
            &fixture.path().join(&spec).display().to_string(),
            "-o",
            &out.display().to_string(),
        ]);
        refused_as_too_deep(&output, &format!("{shape}, import"));
    }
}

/// A response schema that is a chain of `$ref`s is the schema at its end, however long: a
/// body was checked against the wrong schema past 16 of them, and failed whatever it was.
#[test]
fn a_response_schema_that_is_a_long_chain_of_refs_is_the_schema_at_its_end() {
    let fixture = Fixture::new();
    let mut document = chain("ref", 6000);
    document["components"]["schemas"]["S0"] = json!({ "$ref": "#/components/schemas/S1" });
    let spec = write(fixture.path(), "refs.json", &document);
    let good = collection(&fixture, "good.yaml", &spec, &json!("leaf"));
    let output = runner(["run", &good.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    let bad = collection(&fixture, "bad.yaml", &spec, &json!(7));
    let output = runner(["run", &bad.display().to_string()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains(
            r#"expected type: "string" [schema refs.json#/components/schemas/S6000/type]"#
        ),
        "{}",
        output.stdout
    );
}

#[test]
fn a_chain_of_files_is_refused_where_it_passes_the_limit() {
    let fixture = Fixture::new();
    let n = 3000;
    for i in 0..n {
        let next = json!({ "$ref": format!("f{}.json#/S", i + 1) });
        write(
            fixture.path(),
            &format!("f{i}.json"),
            &json!({ "S": link("properties", next) }),
        );
    }
    write(
        fixture.path(),
        &format!("f{n}.json"),
        &json!({ "S": { "type": "string" } }),
    );
    let spec = write(
        fixture.path(),
        "files.json",
        &document(json!({ "$ref": "f0.json#/S" }), serde_json::Map::new()),
    );
    let one = collection(&fixture, "files.yaml", &spec, &json!("x"));
    let output = runner(["validate", &one.display().to_string()]);
    refused_as_too_deep(&output, "files");
    assert!(output.stderr.contains(".json#/S: "), "{}", output.stderr);
}

/// Below the limit, a deep document loads and imports, and a response is checked through it
/// on the main thread and on a worker thread of the run — also through a schema that refers
/// back to its start from each of its 1000 levels, which jsonschema compiles again, as deep,
/// while it checks.
#[test]
fn a_deep_document_below_the_limit_loads_and_checks_on_every_thread() {
    let fixture = Fixture::new();
    for shape in ["properties", "ref", "allOf"] {
        let spec = write(
            fixture.path(),
            &format!("{shape}.json"),
            &chain(shape, 1000),
        );
        let body = match shape {
            "properties" => (0..100).fold(json!({}), |inner, _| json!({ "n": inner })),
            "ref" => json!({ "n": "leaf" }),
            _ => json!("leaf"),
        };
        let one = collection(&fixture, &format!("{shape}.yaml"), &spec, &body);
        let two = collection(&fixture, &format!("{shape}-2.yaml"), &spec, &body);
        let output = runner([
            "run",
            &one.display().to_string(),
            &two.display().to_string(),
            "--jobs",
            "2",
        ]);
        no_crash(&output, shape);
        assert_eq!(output.code, 0, "{shape}: {}", output.stdout);
        let out = fixture.path().join(format!("{shape}-imported.yaml"));
        let output = runner([
            "import",
            "openapi",
            &fixture.path().join(&spec).display().to_string(),
            "-o",
            &out.display().to_string(),
        ]);
        no_crash(&output, shape);
        assert_eq!(output.code, 0, "{shape}: {output:?}");
    }

    let mut schemas = serde_json::Map::new();
    let n = 1000;
    for i in 0..n {
        let next = format!("#/components/schemas/S{}", (i + 1) % n);
        schemas.insert(
            format!("S{i}"),
            json!({ "type": "object", "properties": {
                "n": { "$ref": next },
                "back": { "$ref": "#/components/schemas/S0" }
            } }),
        );
    }
    let spec = write(
        fixture.path(),
        "ring.json",
        &document(json!({ "$ref": "#/components/schemas/S0" }), schemas),
    );
    let good = json!({ "back": { "back": { "n": {} } } });
    let bad = json!({ "back": { "back": { "n": 7 } } });
    let one = collection(&fixture, "ring.yaml", &spec, &good);
    let two = collection(&fixture, "ring-2.yaml", &spec, &bad);
    let output = runner([
        "run",
        &one.display().to_string(),
        &two.display().to_string(),
        "--jobs",
        "2",
    ]);
    no_crash(&output, "ring");
    assert_eq!(output.code, 1, "ring: {output:?}");
    assert!(
        output.stdout.contains("/back/back/n"),
        "ring: {}",
        output.stdout
    );
}

/// The importer's own walks over request schemas (which no response check compiles): a
/// chain of 20000 schemas of each shape they follow under a JSON, form or multipart body or a query
/// parameter, with and without an example, and an array whose items are itself, never crash it.
#[test]
fn the_importer_walks_request_schemas_of_any_depth() {
    let fixture = Fixture::new();
    // The shapes the importer's walks follow: combinations, properties, items.
    for shape in ["allOf", "oneOf", "anyOf", "properties", "items", "self"] {
        let mut schemas = serde_json::Map::new();
        let n = 20_000;
        for i in 0..n {
            let next = json!({ "$ref": format!("#/components/schemas/S{}", i + 1) });
            schemas.insert(format!("S{i}"), link(shape, next));
        }
        schemas.insert(
            format!("S{n}"),
            json!({ "type": "string", "format": "password" }),
        );
        if shape == "self" {
            schemas.insert(
                "S0".into(),
                json!({ "type": "array", "items": { "$ref": "#/components/schemas/S0" } }),
            );
        }
        let s0 = json!({ "$ref": "#/components/schemas/S0" });
        let field = json!({ "type": "object", "properties": { "f": s0 } });
        for (where_, example) in [
            ("body", true),
            ("body", false),
            ("form", false),
            ("multipart", false),
            ("query", false),
        ] {
            let mut operation =
                json!({ "operationId": "o", "responses": { "204": { "description": "ok" } } });
            match where_ {
                "body" => {
                    let mut media = json!({ "schema": s0 });
                    if example {
                        media["example"] = json!("pw");
                    }
                    operation["requestBody"] = json!({ "content": { "application/json": media } });
                }
                "form" => {
                    operation["requestBody"] = json!({ "content": { "application/x-www-form-urlencoded": { "schema": field } } });
                }
                "multipart" => {
                    operation["requestBody"] =
                        json!({ "content": { "multipart/form-data": { "schema": field } } });
                }
                _ => {
                    operation["parameters"] =
                        json!([{ "name": "q", "in": "query", "required": true, "schema": s0 }]);
                }
            }
            let document = json!({
                "openapi": "3.1.0",
                "info": { "title": "deep", "version": "1" },
                "servers": [{ "url": "http://127.0.0.1:1" }],
                "paths": { "/a": { "post": operation } },
                "components": { "schemas": schemas }
            });
            let spec = write(fixture.path(), "request.json", &document);
            let out = fixture.path().join("imported.yaml");
            let output = runner([
                "import",
                "openapi",
                &fixture.path().join(&spec).display().to_string(),
                "-o",
                &out.display().to_string(),
            ]);
            no_crash(&output, &format!("{shape} {where_} {example}"));
        }
    }
}
