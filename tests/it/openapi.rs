//! OpenAPI contract checks, coverage and import, against real servers on loopback: an
//! in-process server of our own that breaks the contract of `tests/fixtures/openapi/tasks`
//! on demand (`?break=KIND`), and Prism (`@stoplight/prism-cli`, a third-party mock server
//! and validation proxy driven by the same documents). `.ci/run` installs Prism from npm and
//! passes its binary in `RUNNER_PRISM` with `RUNNER_REQUIRE_PRISM=1`, so CI fails when it is
//! missing; a plain `cargo test` without it skips the Prism tests and says so.

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::support::{runner, Fixture};

type Breaks = Query<HashMap<String, String>>;

fn broken(query: &Breaks) -> &str {
    query.get("break").map_or("", String::as_str)
}

fn task(id: i64) -> Value {
    // `secret_note` is writeOnly: required, yet absent from a response. `due` is nullable.
    json!({ "id": id, "title": "write tests", "done": false, "due": null })
}

async fn list_tasks(query: Breaks) -> Response {
    let body = Json(json!([task(1), task(2)]));
    match broken(&query) {
        "status" => (StatusCode::IM_A_TEAPOT, [("x-total-count", "2")], body).into_response(),
        "content-type" => (
            [("x-total-count", "2"), ("content-type", "text/html")],
            "<p>tasks</p>",
        )
            .into_response(),
        "header" => body.into_response(),
        "header-value" => ([("x-total-count", "many")], body).into_response(),
        _ => ([("x-total-count", "2")], body).into_response(),
    }
}

async fn get_task(UrlPath(id): UrlPath<i64>, query: Breaks) -> Response {
    match broken(&query) {
        "schema" => {
            Json(json!({ "id": "seven", "title": "", "done": "yes", "due": null })).into_response()
        }
        "format" => Json(task(1 << 40)).into_response(),
        "nullable" => {
            Json(json!({ "id": 1, "title": "t", "done": true, "due": 5 })).into_response()
        }
        "missing" => (
            StatusCode::NOT_FOUND,
            [("content-type", "application/problem+json")],
            json!({ "title": "no such task", "status": 404 }).to_string(),
        )
            .into_response(),
        "problem" => (
            StatusCode::NOT_FOUND,
            [("content-type", "application/problem+json")],
            json!({ "status": 404 }).to_string(),
        )
            .into_response(),
        _ => Json(task(id)).into_response(),
    }
}

async fn create_task(query: Breaks) -> Response {
    match broken(&query) {
        "status" => (StatusCode::OK, Json(task(3))).into_response(),
        _ => (StatusCode::CREATED, Json(task(3))).into_response(),
    }
}

async fn delete_task() -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn list_events(query: Breaks) -> Json<Value> {
    // Each event fits both `Created` and `Deleted`: only the discriminator tells them apart.
    let created = json!({ "kind": "created", "task": task(1), "id": 1 });
    match broken(&query) {
        "discriminator" => Json(json!([created, { "kind": "archived", "id": 1 }])),
        "mapped" => Json(json!([{ "kind": "created", "id": 1 }])),
        _ => Json(json!([created, { "kind": "deleted", "id": 1, "task": task(1) }])),
    }
}

async fn get_note(UrlPath(id): UrlPath<i64>, query: Breaks) -> Json<Value> {
    match broken(&query) {
        "schema" => Json(json!({ "id": id, "text": 5 })),
        _ => Json(json!({ "id": id, "text": null, "created": "2024-05-01T10:00:00Z" })),
    }
}

/// The task API of `tests/fixtures/openapi/tasks`, breaking its contract when asked.
fn tasks_server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        crate::servers::spawn(
            Router::new()
                .route("/api/v1/tasks", get(list_tasks).post(create_task))
                .route("/api/v1/tasks/{id}", get(get_task).delete(delete_task))
                .route("/api/v1/events", get(list_events))
                .route("/v2/notes/{id}", get(get_note))
                // Not in the document: a POST answered with "see the task".
                .route(
                    "/api/v1/tasks/{id}/copy",
                    axum::routing::post(|UrlPath(id): UrlPath<i64>| async move {
                        (
                            StatusCode::SEE_OTHER,
                            [("location", format!("/api/v1/tasks/{id}"))],
                        )
                    }),
                )
                // Not in the document: the task, found on another origin (`localhost`
                // instead of `127.0.0.1`).
                .route(
                    "/api/v1/tasks/{id}/elsewhere",
                    get(
                        |UrlPath(id): UrlPath<i64>, headers: axum::http::HeaderMap| async move {
                            let host = headers
                                .get("host")
                                .and_then(|h| h.to_str().ok())
                                .unwrap_or_default()
                                .replace("127.0.0.1", "localhost");
                            (
                                StatusCode::FOUND,
                                [("location", format!("http://{host}/api/v1/tasks/{id}"))],
                            )
                        },
                    ),
                ),
        )
    })
}

/// A collection in `fixture` naming the tasks document, with `steps` (YAML, `{{SERVER}}`
/// for the server's URL).
fn tasks_collection(fixture: &Fixture, spec: &str, steps: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/tasks");
    let text = format!(
        "name: tasks\nopenapi: {}\ndefaults:\n  expect: {{ openapi: true }}\nsteps:\n{steps}",
        dir.join(spec).display()
    )
    .replace("{{SERVER}}", &format!("http://{}", tasks_server()));
    fixture.file("tasks.yaml", &text)
}

/// The failures of a JSON report's steps: step name → "subject: expected …, got …" lines.
fn failures(report: &Value) -> HashMap<String, Vec<String>> {
    let mut found = HashMap::new();
    for collection in report["collections"].as_array().into_iter().flatten() {
        for step in collection["steps"].as_array().into_iter().flatten() {
            let lines: Vec<String> = step["failures"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    format!(
                        "{}: expected {}, got {}",
                        f["subject"].as_str().unwrap_or_default(),
                        f["expected"].as_str().unwrap_or_default(),
                        f["actual"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            found.insert(step["name"].as_str().unwrap_or_default().to_owned(), lines);
        }
    }
    found
}

fn run_json(
    collection: &std::path::Path,
    fixture: &Fixture,
    extra: &[&str],
) -> (crate::support::Output, Value) {
    let report = fixture.path().join("report.json");
    let mut args = vec![
        "run".to_owned(),
        collection.display().to_string(),
        "--continue-on-failure".into(),
        "--report-json".into(),
        report.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let output = runner(&args);
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("{e}: {output:?}"));
    (
        output,
        serde_json::from_str(&text).expect("the report is JSON"),
    )
}

#[test]
fn a_conforming_server_passes_every_contract_check() {
    let fixture = Fixture::new();
    let collection = tasks_collection(
        &fixture,
        "api.yaml",
        r#"
  - name: list
    request: { url: "{{SERVER}}/api/v1/tasks" }
  - name: create
    request: { method: POST, url: "{{SERVER}}/api/v1/tasks", json: { title: t, done: false, due: null, secret_note: s } }
  - name: get
    request: { url: "{{SERVER}}/api/v1/tasks/1" }
  - name: not found is documented
    request: { url: "{{SERVER}}/api/v1/tasks/1?break=missing" }
    expect: { status: 404 }
  - name: delete
    request: { method: DELETE, url: "{{SERVER}}/api/v1/tasks/1" }
  - name: events told apart by their discriminator
    request: { url: "{{SERVER}}/api/v1/events" }
"#,
    );
    let output = runner(["run", &collection.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("6 passed"), "{}", output.stdout);
}

#[test]
fn after_a_redirect_the_response_is_judged_with_the_method_that_got_it() {
    let fixture = Fixture::new();
    let collection = tasks_collection(
        &fixture,
        "api.yaml",
        r#"
  - name: copy, then see the task
    request: { method: POST, url: "{{SERVER}}/api/v1/tasks/1/copy" }
"#,
    );
    // The 303 sends a GET to /api/v1/tasks/1, which the document has; a POST there it has not.
    let output = runner(["run", &collection.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("1 passed"), "{}", output.stdout);
}

#[test]
fn each_kind_of_violation_fails_with_operation_instance_path_and_schema_path() {
    let fixture = Fixture::new();
    let collection = tasks_collection(
        &fixture,
        "api.yaml",
        r#"
  - name: undocumented status
    request: { url: "{{SERVER}}/api/v1/tasks?break=status" }
    expect: { status: any }
  - name: wrong content type
    request: { url: "{{SERVER}}/api/v1/tasks?break=content-type" }
  - name: missing header
    request: { url: "{{SERVER}}/api/v1/tasks?break=header" }
  - name: header value
    request: { url: "{{SERVER}}/api/v1/tasks?break=header-value" }
  - name: schema mismatch
    request: { url: "{{SERVER}}/api/v1/tasks/7?break=schema" }
  - name: unknown path
    request: { url: "{{SERVER}}/api/v1/taks/7" }
    expect: { status: any }
  - name: unknown method
    request: { method: PUT, url: "{{SERVER}}/api/v1/tasks/7" }
    expect: { status: any }
  - name: int32 out of range
    request: { url: "{{SERVER}}/api/v1/tasks/7?break=format" }
  - name: not nullable enough
    request: { url: "{{SERVER}}/api/v1/tasks/7?break=nullable" }
  - name: problem without title
    request: { url: "{{SERVER}}/api/v1/tasks/7?break=problem" }
    expect: { status: 404 }
  - name: discriminator names no schema
    request: { url: "{{SERVER}}/api/v1/events?break=discriminator" }
  - name: discriminated schema does not fit
    request: { url: "{{SERVER}}/api/v1/events?break=mapped" }
  - name: opted out
    request: { url: "{{SERVER}}/api/v1/tasks?break=header" }
    expect: { openapi: false }
"#,
    );
    let (output, report) = run_json(&collection, &fixture, &[]);
    assert_eq!(output.code, 1, "{output:?}");
    let found = failures(&report);
    let one = |step: &str| -> String {
        let lines = &found[step];
        assert!(!lines.is_empty(), "{step} should fail: {output:?}");
        lines.join("\n")
    };
    let expect_all = |step: &str, parts: &[&str]| {
        let text = one(step);
        for part in parts {
            assert!(text.contains(part), "{step}: `{part}` not in:\n{text}");
        }
    };
    expect_all(
        "undocumented status",
        &[
            "openapi listTasks (GET /tasks)",
            "a documented status: 200",
            "[schema api.yaml#/paths/~1tasks/get/responses]",
            "got 418",
        ],
    );
    expect_all(
        "wrong content type",
        &[
            "openapi listTasks (GET /tasks)",
            "Content-Type application/json",
            "api.yaml#/paths/~1tasks/get/responses/200/content",
            "got text/html",
        ],
    );
    expect_all(
        "missing header",
        &[
            "openapi listTasks (GET /tasks)",
            "header X-Total-Count (required)",
            "api.yaml#/paths/~1tasks/get/responses/200/headers/X-Total-Count",
        ],
    );
    expect_all(
        "header value",
        &[
            "openapi listTasks (GET /tasks)",
            "header X-Total-Count type: \"integer\"",
            "api.yaml#/paths/~1tasks/get/responses/200/headers/X-Total-Count/schema/type",
            "\"many\" is not of type \"integer\"",
        ],
    );
    expect_all(
        "schema mismatch",
        &[
            "openapi getTask (GET /tasks/{taskId}) body /id",
            "type: \"integer\" [schema schemas.yaml#/Task/properties/id/type]",
            "\"seven\" is not of type \"integer\"",
            "body /done",
            "schemas.yaml#/Task/properties/done/type",
            "body /title",
            "schemas.yaml#/Task/properties/title/minLength",
        ],
    );
    expect_all(
        "unknown path",
        &[
            "openapi GET /api/v1/taks/7",
            "nearest: /tasks/{taskId}",
            "got /api/v1/taks/7",
        ],
    );
    expect_all(
        "unknown method",
        &[
            "openapi PUT /api/v1/tasks/7",
            "one of GET, DELETE on /tasks/{taskId}",
            "got PUT",
        ],
    );
    expect_all(
        "int32 out of range",
        &[
            "body /id",
            "is not an int32",
            "schemas.yaml#/Task/properties/id/format",
        ],
    );
    expect_all(
        "not nullable enough",
        &[
            "body /due",
            "schemas.yaml#/Task/properties/due/type",
            "[\"string\",\"null\"]",
        ],
    );
    expect_all(
        "problem without title",
        &[
            "openapi getTask (GET /tasks/{taskId}) body /",
            "required",
            "schemas.yaml#/Problem/required",
        ],
    );
    expect_all(
        "discriminator names no schema",
        &["body /1/kind", "enum", "\"archived\""],
    );
    expect_all(
        "discriminated schema does not fit",
        &[
            "body /0",
            "schemas.yaml#/Created/required",
            "\"task\" is a required property",
        ],
    );
    assert!(found["opted out"].is_empty(), "{:?}", found["opted out"]);
    // The terminal shows the same, located at the step.
    assert!(
        output
            .stdout
            .contains("openapi getTask (GET /tasks/{taskId}) body /id: expected type: \"integer\""),
        "{}",
        output.stdout
    );
}

#[test]
fn openapi_3_1_json_documents_are_checked_as_json_schema_2020_12() {
    let fixture = Fixture::new();
    let collection = tasks_collection(
        &fixture,
        "api-3.1.json",
        r#"
  - name: fits
    request: { url: "{{SERVER}}/v2/notes/1" }
  - name: does not fit
    request: { url: "{{SERVER}}/v2/notes/1?break=schema" }
"#,
    );
    let (output, report) = run_json(&collection, &fixture, &[]);
    assert_eq!(output.code, 1, "{output:?}");
    let found = failures(&report);
    assert!(found["fits"].is_empty(), "{found:?}");
    let text = found["does not fit"].join("\n");
    assert!(
        text.contains("openapi getNote (GET /notes/{id}) body /text")
            && text.contains("api-3.1.json#/components/schemas/Note/properties/text/type"),
        "{text}"
    );
}

#[test]
fn a_document_that_does_not_load_is_a_load_problem_and_nothing_is_sent() {
    let fixture = Fixture::new();
    fixture.file("bad.yaml", "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: 'missing.yaml#/R'\n");
    let collection = fixture.file(
        "c.yaml",
        "name: c\nopenapi: bad.yaml\nsteps:\n  - name: s\n    request: { url: \"{{SERVER}}/hit/openapi-bad\" }\n    expect: { openapi: true }\n",
    );
    let output = runner(["run", &collection.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("c.yaml:2:10") && output.stderr.contains("missing.yaml"),
        "{}",
        output.stderr
    );
    assert_eq!(crate::support::hits("openapi-bad"), 0);
    let without = fixture.file(
        "d.yaml",
        "name: d\nsteps:\n  - name: s\n    request: { url: \"{{SERVER}}/hit/openapi-bad\" }\n    expect: { openapi: true }\n",
    );
    let output = runner(["run", &without.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("d.yaml:5:24")
            && output
                .stderr
                .contains("needs the collection to name its OpenAPI document"),
        "{}",
        output.stderr
    );
}

/// Prism's binary; `None` (with a visible note) when it is not installed and not required.
pub fn prism() -> Option<String> {
    match std::env::var("RUNNER_PRISM") {
        Ok(path) if std::path::Path::new(&path).exists() => Some(path),
        _ => {
            assert!(
                std::env::var_os("RUNNER_REQUIRE_PRISM").is_none(),
                "RUNNER_REQUIRE_PRISM is set but Prism is not installed (RUNNER_PRISM unset or missing)"
            );
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: Prism is not installed (RUNNER_PRISM unset); .ci/run installs it from npm"
            );
            None
        }
    }
}

/// A Prism process on a free loopback port, killed when dropped.
pub struct Prism {
    child: Child,
    /// Its base URL.
    pub url: String,
}

impl Prism {
    /// Starts `prism ARGS… -h 127.0.0.1 -p PORT` and waits (at most 60 s) until it answers.
    pub fn start(binary: &str, args: &[&str]) -> Prism {
        let port = crate::support::port_for_a_child();
        let child = Command::new(binary)
            .args(args)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prism starts");
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !listens(port) {
            assert!(
                prism.child.try_wait().is_ok_and(|status| status.is_none()),
                "Prism exited before it listened on {port}"
            );
            assert!(
                Instant::now() < deadline,
                "Prism did not listen on {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }
}

/// Whether something listens on loopback `port`. A connection to itself does not count:
/// polling a port in the ephemeral range while nothing listens there, Linux now and then
/// picks that very port as the source and the connection succeeds (TCP's simultaneous
/// open) — the likely way a test once ran with every request refused (CI of `6402b6a`).
fn listens(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port))
        .is_ok_and(|stream| stream.local_addr().ok() != stream.peer_addr().ok())
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The coverage fixture: 5 operations with 7 documented statuses in `tasks/api.yaml`; the
/// steps exercise 3 operations (listTasks, getTask, createTask) and 4 statuses (listTasks
/// 200, getTask 200 and 404, createTask 201), and send one request outside the document.
const COVERAGE_STEPS: &str = r#"
  - name: list
    request: { url: "{{SERVER}}/api/v1/tasks" }
  - name: get
    request: { url: "{{SERVER}}/api/v1/tasks/1" }
  - name: get again
    request: { url: "{{SERVER}}/api/v1/tasks/2" }
  - name: missing
    request: { url: "{{SERVER}}/api/v1/tasks/9?break=missing" }
    expect: { status: 404 }
  - name: create
    request: { method: POST, url: "{{SERVER}}/api/v1/tasks", json: { title: t } }
  - name: outside
    request: { url: "{{SERVER}}/api/v1/nothing-here" }
    expect: { status: any, openapi: false }
"#;

#[test]
fn coverage_counts_operations_and_documented_statuses() {
    let fixture = Fixture::new();
    let collection = tasks_collection(&fixture, "api.yaml", COVERAGE_STEPS);
    let html = fixture.path().join("report.html");
    let (output, report) = run_json(
        &collection,
        &fixture,
        &[
            "--report-html",
            &html.display().to_string(),
            "--min-openapi-coverage",
            "60",
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    // The section is part of the report's published format.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/report.schema.json").expect("the schema"),
    )
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let coverage = &report["openapi_coverage"][0];
    assert_eq!(coverage["operations_total"], 5, "{coverage:#}");
    assert_eq!(coverage["operations_exercised"], 3, "{coverage:#}");
    assert_eq!(coverage["operations_percent"], 60.0, "{coverage:#}");
    assert_eq!(coverage["statuses_total"], 7, "{coverage:#}");
    assert_eq!(coverage["statuses_exercised"], 4, "{coverage:#}");
    assert_eq!(coverage["statuses_percent"], 57.1, "{coverage:#}");
    assert_eq!(
        coverage["outside_the_document"],
        json!(["GET /api/v1/nothing-here"])
    );
    let get = &coverage["operations"][2];
    assert_eq!(get["id"], "getTask");
    assert_eq!(get["requests"], 3);
    assert_eq!(get["exercised"], json!(["200", "404"]));
    let create = &coverage["operations"][1];
    assert_eq!(create["missed"], json!(["400"]));
    assert!(
        output.stdout.contains(
            "OpenAPI coverage of tests/fixtures/openapi/tasks/api.yaml: 3 of 5 operations (60%), 4 of 7 documented statuses (57.1%)"
        ) && output.stdout.contains("not called: deleteTask, listEvents"),
        "{}",
        output.stdout
    );
    let html = std::fs::read_to_string(&html).expect("html report");
    assert!(
        html.contains("OpenAPI coverage: tests/fixtures/openapi/tasks/api.yaml"),
        "{html}"
    );
    assert!(html.contains("<td>deleteTask</td>"), "{html}");

    let (output, _) = run_json(&collection, &fixture, &["--min-openapi-coverage", "61"]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output
            .stderr
            .contains("is 60% of operations (3 of 5), below --min-openapi-coverage 61"),
        "{}",
        output.stderr
    );
}

#[test]
fn coverage_counts_each_request_of_a_redirect_under_its_own_operation() {
    let fixture = Fixture::new();
    let collection = tasks_collection(
        &fixture,
        "api.yaml",
        r#"
  - name: copy, then see the task
    request: { method: POST, url: "{{SERVER}}/api/v1/tasks/1/copy" }
  - name: found on another origin
    request: { url: "{{SERVER}}/api/v1/tasks/2/elsewhere" }
    expect: { openapi: false }
"#,
    );
    let (output, report) = run_json(&collection, &fixture, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let coverage = &report["openapi_coverage"][0];
    // The POST got the 303 (an operation the document does not have); the GET it led to
    // got the 200, and that is what the contract check judged. The request the 302 sent to
    // another origin is not this API's traffic, and is not counted.
    assert_eq!(
        coverage["outside_the_document"],
        json!(["POST /api/v1/tasks/1/copy", "GET /api/v1/tasks/2/elsewhere"]),
        "{coverage:#}"
    );
    let get = &coverage["operations"][2];
    assert_eq!(get["id"], "getTask");
    assert_eq!(get["requests"], 1, "{coverage:#}");
    assert_eq!(get["exercised"], json!(["200"]), "{coverage:#}");
}

#[test]
fn coverage_against_a_document_the_collection_does_not_name() {
    let fixture = Fixture::new();
    let steps = COVERAGE_STEPS.replace("{{SERVER}}", &format!("http://{}", tasks_server()));
    let collection = fixture.file("plain.yaml", &format!("name: plain\nsteps:\n{steps}"));
    let (output, report) = run_json(
        &collection,
        &fixture,
        &[
            "--openapi-coverage",
            "tests/fixtures/openapi/tasks/api.yaml",
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(report["openapi_coverage"][0]["operations_exercised"], 3);
    let output = runner([
        "run",
        &collection.display().to_string(),
        "--min-openapi-coverage",
        "50",
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("needs an OpenAPI document"),
        "{}",
        output.stderr
    );
}

/// The vendored OpenAPI Initiative examples.
const VENDORED: &[&str] = &[
    "petstore",
    "petstore-expanded",
    "link-example",
    "api-with-examples",
];

/// Prism's mock mode for each vendored document: dynamic (`-d`, values generated from the
/// schemas) where its static examples do not fit (an `allOf` without examples is mocked as
/// `null`, so the created pet has no `id`), static (the documents' own examples) elsewhere.
fn dynamic_mock(name: &str) -> bool {
    name == "petstore-expanded"
}

/// Imports `spec` to `out` with `extra` arguments.
pub(crate) fn import(spec: &str, out: &std::path::Path, extra: &[&str]) -> crate::support::Output {
    let mut args = vec![
        "import".to_owned(),
        "openapi".into(),
        spec.to_owned(),
        "-o".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    runner(&args)
}

/// Every problem `schemas/collection.schema.json` finds in the YAML file `path`.
pub(crate) fn schema_errors(path: &std::path::Path) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/collection.schema.json").expect("the schema"),
    )
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let yaml: Value = serde_yaml::from_str(&std::fs::read_to_string(path).expect("written"))
        .expect("the import is YAML");
    validator
        .iter_errors(&yaml)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

/// Query parameters are written as each `style` and `explode` serializes them (OpenAPI 3.1,
/// "Style Values"), and the run sends exactly that query.
#[test]
fn query_parameters_are_sent_as_their_style_and_explode_say() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "api.yaml",
        r#"openapi: 3.1.0
info: { title: t, version: "1" }
paths:
  /echo:
    get:
      operationId: search
      parameters:
        - { name: tags, in: query, schema: { type: array, items: { type: string } }, example: [a, b c] }
        - { name: ids, in: query, explode: false, schema: { type: array, items: { type: integer } }, example: [1, 2] }
        - { name: words, in: query, style: spaceDelimited, explode: false, schema: { type: array }, example: [x, y] }
        - { name: pipes, in: query, style: pipeDelimited, explode: false, schema: { type: array }, example: [x, y] }
        - { name: color, in: query, schema: { type: object }, example: { R: 100, G: 200 } }
        - { name: point, in: query, explode: false, schema: { type: object }, example: { x: 1, y: 2 } }
        - { name: filter, in: query, style: deepObject, explode: true, schema: { type: object }, example: { status: open } }
        - { name: page, in: query, required: true, schema: { type: integer, example: 3 } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
"#,
    );
    let out = fixture.path().join("search.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    let written = r#"
      query:
        tags: [a, b c]
        ids: 1,2
        words: x y
        pipes: x|y
        R: "100"
        G: "200"
        point: x,1,y,2
        filter[status]: open
        page: "3"
"#;
    assert!(yaml.contains(written), "{yaml}");
    assert_eq!(schema_errors(&out), Vec::<String>::new());
    let run = runner([
        "run",
        &out.display().to_string(),
        "--var",
        &format!("base_url=http://{}", crate::support::server()),
        "-v",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let sent = "/echo?tags=a&tags=b+c&ids=1%2C2&words=x+y&pipes=x%7Cy&R=100&G=200&point=x%2C1%2Cy%2C2&filter%5Bstatus%5D=open&page=3";
    assert!(run.stdout.contains(sent), "{}", run.stdout);
}

#[test]
fn header_parameters_the_specification_ignores_are_not_written() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "api.yaml",
        r#"openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /items:
    post:
      operationId: createItem
      parameters:
        - { name: Content-Type, in: header, required: true, schema: { type: string }, example: text/plain }
        - { name: Authorization, in: header, required: true, schema: { type: string }, example: Bearer abc }
        - { name: accept, in: header, required: true, schema: { type: string } }
        - { name: X-Trace, in: header, required: true, schema: { type: string }, example: t1 }
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { n: { type: integer, example: 1 } } }
      responses: { "201": { description: created } }
"#,
    );
    let out = fixture.path().join("items.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(yaml.contains("X-Trace: t1"), "{yaml}");
    for ignored in ["text/plain", "Bearer abc", "Authorization", "accept"] {
        assert!(!yaml.contains(ignored), "{ignored} in {yaml}");
    }
    assert_eq!(schema_errors(&out), Vec::<String>::new());
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{validated:?}");
}

#[test]
fn every_vendored_document_imports_to_a_collection_that_validates() {
    let fixture = Fixture::new();
    for name in VENDORED {
        let out = fixture.path().join(format!("{name}.yaml"));
        let output = import(&format!("tests/fixtures/openapi/{name}.yaml"), &out, &[]);
        assert_eq!(output.code, 0, "{name}: {output:?}");
        assert!(
            output.stderr.contains("imported"),
            "{name}: {}",
            output.stderr
        );
        assert_eq!(schema_errors(&out), Vec::<String>::new(), "{name}");
        let validated = runner(["validate", &out.display().to_string()]);
        assert_eq!(validated.code, 0, "{name}: {validated:?}");
    }
}

#[test]
fn an_imported_suite_orders_creates_first_reuses_the_created_id_and_runs_green() {
    let fixture = Fixture::new();
    let out = fixture.path().join("tasks.yaml");
    let output = import("tests/fixtures/openapi/tasks/api.yaml", &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    let position = |id: &str| {
        yaml.find(&format!("id: {id}\n"))
            .unwrap_or_else(|| panic!("{id} in {yaml}"))
    };
    assert!(position("createTask") < position("listTasks"), "{yaml}");
    assert!(position("getTask") < position("deleteTask"), "{yaml}");
    assert!(yaml.contains("capture: { createTask_id: $.id }"), "{yaml}");
    assert!(
        yaml.contains("url: \"{{base_url}}/tasks/{{createTask_id}}\""),
        "{yaml}"
    );
    assert!(yaml.contains("expect: { status: 201 }"), "{yaml}");
    assert!(
        yaml.contains("defaults:\n  expect: { openapi: true }"),
        "{yaml}"
    );
    assert!(yaml.contains("openapi: ../"), "{yaml}");
    // The request body leaves out `id`, which is readOnly, and keeps `secret_note` (writeOnly).
    assert!(yaml.contains("secret_note"), "{yaml}");
    assert!(!yaml.contains("json: { id:"), "{yaml}");
    let output = runner([
        "run",
        &out.display().to_string(),
        "--var",
        &format!("base_url=http://{}/api/v1", tasks_server()),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("5 passed"), "{}", output.stdout);
    assert!(
        output.stdout.contains("5 of 5 operations (100%)"),
        "{}",
        output.stdout
    );
}

#[test]
fn import_filters_by_tag_operation_id_and_path() {
    let fixture = Fixture::new();
    let out = fixture.path().join("f.yaml");
    let spec = "tests/fixtures/openapi/tasks/api.yaml";
    let ids = |extra: &[&str]| -> Vec<String> {
        let output = import(spec, &out, extra);
        assert_eq!(output.code, 0, "{output:?}");
        std::fs::read_to_string(&out)
            .expect("written")
            .lines()
            .filter_map(|l| l.trim().strip_prefix("id: ").map(str::to_owned))
            .collect()
    };
    assert_eq!(ids(&["--tag", "events"]), ["listEvents"]);
    assert_eq!(
        ids(&["--operation-id", "getTask", "--operation-id", "deleteTask"]),
        ["getTask", "deleteTask"]
    );
    assert_eq!(ids(&["--path", "/tasks/"]), ["getTask", "deleteTask"]);
    let none = import(spec, &out, &["--tag", "nothing"]);
    assert_eq!(none.code, 2, "{none:?}");
    assert!(
        none.stderr
            .contains("has no operation left to import (5 operations"),
        "{}",
        none.stderr
    );
    // A document without operations says what it holds instead, filters or none.
    let hooks = fixture.file(
        "hooks.yaml",
        "openapi: 3.1.0\ninfo: { title: hooks, version: '1' }\nwebhooks:\n  newPet:\n    post:\n      responses: { '200': { description: ok } }\n",
    );
    let empty = import(&hooks.display().to_string(), &out, &[]);
    assert_eq!(empty.code, 2, "{empty:?}");
    assert!(
        empty.stderr.contains("has no operation to import: it has no `paths` (its `webhooks` are requests the API sends to you: runner does not send them)"),
        "{}",
        empty.stderr
    );
}

#[test]
fn security_schemes_become_auth_helpers_with_secret_inputs_and_placeholders_are_listed() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "secured.yaml",
        r#"openapi: 3.0.3
info: { title: Secured, version: "1" }
servers:
  - url: https://api.example.com/v1
  - url: https://staging.example.com/v1
security: [{ token: [] }]
paths:
  /files:
    post:
      operationId: upload
      parameters:
        - { name: X-Request-Id, in: header, required: true }
      requestBody:
        content:
          application/octet-stream: { schema: { type: string, format: binary } }
      responses:
        "201": { description: stored }
  /admin:
    get:
      operationId: admin
      security: [{ basicAuth: [] }]
      responses:
        "200": { description: ok }
  /public:
    get:
      operationId: open
      security: []
      responses:
        "200": { description: ok }
  /keyed:
    get:
      operationId: keyed
      security: [{ key: [] }]
      responses:
        "200": { description: ok }
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
    basicAuth: { type: http, scheme: basic }
    key: { type: apiKey, in: header, name: X-API-Key }
"#,
    );
    let out = fixture.path().join("secured-suite.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for part in [
        "TOKEN_TOKEN:\n    secret: true",
        "BASICAUTH_PASSWORD:\n    secret: true",
        "KEY_KEY:\n    secret: true",
        "  auth: { bearer: \"{{env.TOKEN_TOKEN}}\" }",
        "auth: { api_key: { header: X-API-Key, value: \"{{env.KEY_KEY}}\" } }",
        "auth: none",
        "server_2:",
        "base_url: https://staging.example.com/v1",
        "X-Request-Id: \"{{X_Request_Id}}\"\n        Content-Type: application/octet-stream",
        "body_file: files/upload",
        "X_Request_Id: \"{{env.X_REQUEST_ID}}\"",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    assert!(
        output
            .stderr
            .contains("not translated: upload · header parameter X-Request-Id")
            && output
                .stderr
                .contains("not translated: upload · request body"),
        "{}",
        output.stderr
    );
    assert!(!yaml.contains("TODO"), "{yaml}");
    assert_eq!(schema_errors(&out), Vec::<String>::new());
    // The binary body is a file the user supplies: the collection loads once it exists.
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 2);
    std::fs::create_dir(fixture.path().join("files")).expect("files/");
    std::fs::write(fixture.path().join("files/upload"), "bytes").expect("the body");
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
    let strict_out = fixture.path().join("strict.yaml");
    let strict = import(&spec.display().to_string(), &strict_out, &["--strict"]);
    assert_eq!(strict.code, 2, "{strict:?}");
    assert!(!strict_out.exists());
}

#[test]
fn an_api_key_parameter_is_sent_once_by_the_auth_helper() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "keys.yaml",
        r#"
openapi: 3.0.3
info: { title: Keys, version: "1" }
servers: [{ url: "https://api.example.com" }]
security: [{ headerKey: [] }]
paths:
  /search:
    get:
      operationId: search
      security: [{ queryKey: [] }]
      parameters:
        - { name: api_key, in: query, required: true, schema: { type: string }, example: from-the-doc }
        - { name: q, in: query, required: true, schema: { type: string }, example: cats }
      responses:
        "200": { description: ok }
  /items:
    get:
      operationId: items
      parameters:
        - { name: x-api-key, in: header, required: true, schema: { type: string }, example: from-the-doc }
        - { name: X-Trace, in: header, required: true, schema: { type: string }, example: t1 }
      responses:
        "200": { description: ok }
  /session:
    get:
      operationId: session
      security: [{ cookieKey: [] }]
      parameters:
        - { name: session_key, in: cookie, required: true, schema: { type: string }, example: from-the-doc }
        - { name: theme, in: cookie, required: true, schema: { type: string }, example: dark }
      responses:
        "200": { description: ok }
components:
  securitySchemes:
    headerKey: { type: apiKey, in: header, name: X-API-Key }
    queryKey: { type: apiKey, in: query, name: api_key }
    cookieKey: { type: apiKey, in: cookie, name: session_key }
"#,
    );
    let out = fixture.path().join("keys-suite.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for part in [
        "query: { q: cats }",
        "headers: { X-Trace: t1 }",
        "auth: { api_key: { query: api_key, value: \"{{env.QUERYKEY_KEY}}\" } }",
        "auth: { api_key: { header: X-API-Key, value: \"{{env.HEADERKEY_KEY}}\" } }",
        // A cookie key goes as a header (noted as lossy); the other cookie stays.
        "auth: { api_key: { header: session_key, value: \"{{env.COOKIEKEY_KEY}}\" } }",
        "cookies: { theme: dark }",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    // The document's example of the key is not written as a parameter too: a query
    // parameter would be sent twice, a header would show a value that is never sent.
    assert!(!yaml.contains("from-the-doc"), "{yaml}");
    assert_eq!(schema_errors(&out), Vec::<String>::new());
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
}

#[test]
fn a_spec_with_thousands_of_operations_imports_and_validates() {
    let fixture = Fixture::new();
    let spec = fixture.path().join("large.json");
    std::fs::write(&spec, large_spec(1000).to_string()).expect("write");
    let out = fixture.path().join("large-suite.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains("imported 4000 requests"),
        "{}",
        output.stderr
    );
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{validated:?}");
    assert!(
        validated.stdout.contains("(4000 steps)"),
        "{}",
        validated.stdout
    );
}

#[test]
fn many_responses_over_a_deep_ref_graph_load_in_bounded_memory() {
    // Each response schema reached the whole graph: compiled once per response, this
    // document took 1.5 GB (Microsoft Graph's, 20 MB, more than 6 GB); compiled once, 60 MB.
    let Some(prlimit) = prlimit() else { return };
    let fixture = Fixture::new();
    let spec = fixture.path().join("deep.json");
    std::fs::write(&spec, deep_spec(100, 400).to_string()).expect("write");
    let collection = fixture.file(
        "deep.yaml",
        "name: deep\nopenapi: deep.json\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    let binary = std::env::var_os("RUNNER_TEST_BINARY")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_runner").into());
    // 1 GB of address space; one malloc arena so that the cap measures what is used.
    let output = Command::new(prlimit)
        .arg("--as=1000000000")
        .arg("--")
        .arg(binary)
        .arg("validate")
        .arg(&collection)
        .env("MALLOC_ARENA_MAX", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("prlimit runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 collection valid"),
        "{:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `prlimit` (util-linux), when it is installed.
fn prlimit() -> Option<&'static str> {
    let found = Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: no prlimit to cap the memory of runner with");
    }
    found.then_some("prlimit")
}

/// A generated document of `responses` operations whose response schemas (each its own,
/// written inline) all reach a graph of `depth` component schemas, each referring to the
/// next four.
fn deep_spec(depth: usize, responses: usize) -> Value {
    let mut schemas = serde_json::Map::new();
    for i in 0..depth {
        let mut properties = serde_json::Map::new();
        properties.insert("name".into(), json!({ "type": "string", "minLength": 1 }));
        properties.insert(
            "size".into(),
            json!({ "type": "integer", "format": "int32", "nullable": true }),
        );
        for next in (i + 1..depth).take(4) {
            properties.insert(
                format!("next{}", next - i),
                json!({ "$ref": format!("#/components/schemas/Node{next}") }),
            );
        }
        schemas.insert(
            format!("Node{i}"),
            json!({ "type": "object", "required": ["name"], "properties": properties }),
        );
    }
    let mut paths = serde_json::Map::new();
    for r in 0..responses {
        let schema = json!({ "type": "object", "properties": { "id": { "type": "integer" }, "node": { "$ref": "#/components/schemas/Node0" } } });
        paths.insert(
            format!("/items{r}"),
            json!({ "get": { "operationId": format!("get{r}"), "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } } } }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Deep generated API", "version": "1" },
        "paths": paths,
        "components": { "schemas": schemas }
    })
}

/// A generated document of `resources` × 4 operations (create, list, read, delete), the
/// schemas shared through components and every response referring to them.
pub fn large_spec(resources: usize) -> Value {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".into(),
        json!({ "type": "object", "required": ["code", "message"], "properties": { "code": { "type": "integer", "format": "int32" }, "message": { "type": "string" } } }),
    );
    for r in 0..resources {
        let name = format!("Thing{r}");
        schemas.insert(
            name.clone(),
            json!({
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": { "type": "integer", "format": "int64", "readOnly": true },
                    "name": { "type": "string", "minLength": 1 },
                    "status": { "type": "string", "enum": ["new", "done"], "nullable": true },
                    "created": { "type": "string", "format": "date-time" },
                    "owner": { "$ref": "#/components/schemas/Error" }
                }
            }),
        );
        let one = json!({ "$ref": format!("#/components/schemas/{name}") });
        let error = json!({ "description": "error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
        paths.insert(
            format!("/things{r}"),
            json!({
                "get": { "operationId": format!("list{name}"), "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "array", "items": one } } } }, "default": error } },
                "post": { "operationId": format!("create{name}"), "requestBody": { "content": { "application/json": { "schema": one } } }, "responses": { "201": { "description": "created", "content": { "application/json": { "schema": one } } }, "default": error } }
            }),
        );
        paths.insert(
            format!("/things{r}/{{id}}"),
            json!({
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "get": { "operationId": format!("get{name}"), "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": one } } }, "404": error } },
                "delete": { "operationId": format!("delete{name}"), "responses": { "204": { "description": "gone" }, "default": error } }
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Large generated API", "version": "1" },
        "servers": [{ "url": "https://api.example.com/v1" }],
        "paths": paths,
        "components": { "schemas": schemas }
    })
}

#[test]
fn suites_imported_from_the_vendored_documents_run_green_against_prisms_mock() {
    let Some(binary) = prism() else { return };
    let fixture = Fixture::new();
    for name in VENDORED {
        let spec = format!("tests/fixtures/openapi/{name}.yaml");
        let out = fixture.path().join(format!("{name}.yaml"));
        let output = import(&spec, &out, &[]);
        assert_eq!(output.code, 0, "{name}: {output:?}");
        let mode: &[&str] = if dynamic_mock(name) {
            &["mock", "-d"]
        } else {
            &["mock"]
        };
        let mock = Prism::start(&binary, &[mode, &[spec.as_str()]].concat());
        let output = runner([
            "run",
            &out.display().to_string(),
            "--var",
            &format!("base_url={}", mock.url),
        ]);
        assert_eq!(output.code, 0, "{name}: {output:?}");
        assert!(
            output.stdout.contains("(100%)"),
            "{name}: {}",
            output.stdout
        );
    }
}

#[test]
fn runner_and_prisms_validation_proxy_agree_on_the_same_traffic() {
    let Some(binary) = prism() else { return };
    let upstream = format!("http://{}/api/v1", tasks_server());
    let proxy = Prism::start(
        &binary,
        &["proxy", "tests/fixtures/openapi/tasks/api.yaml", &upstream],
    );
    let fixture = Fixture::new();
    let cases = [
        ("conforming list", "/tasks"),
        ("conforming task", "/tasks/1"),
        ("undocumented status", "/tasks?break=status"),
        ("wrong content type", "/tasks?break=content-type"),
        ("missing header", "/tasks?break=header"),
        ("header value", "/tasks?break=header-value"),
        ("schema mismatch", "/tasks/1?break=schema"),
        ("not nullable", "/tasks/1?break=nullable"),
        ("problem without title", "/tasks/1?break=problem"),
        ("conforming events", "/events"),
    ];
    let steps: String = cases
        .iter()
        .map(|(name, path)| {
            format!(
                "  - name: {name}\n    request: {{ url: \"{}{path}\" }}\n    expect: {{ status: any }}\n",
                proxy.url
            )
        })
        .collect();
    let collection = fixture.file(
        "proxied.yaml",
        &format!(
            "name: proxied\nopenapi: {}\ndefaults:\n  expect: {{ openapi: true }}\nsteps:\n{steps}",
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/openapi/tasks/api.yaml")
                .display()
        ),
    );
    let (output, report) = run_json(&collection, &fixture, &["-v"]);
    assert_eq!(output.code, 1, "{output:?}");
    let steps = report["collections"][0]["steps"]
        .as_array()
        .expect("steps")
        .clone();
    assert_eq!(steps.len(), cases.len(), "{output:?}");
    let mut disagreements = Vec::new();
    for step in &steps {
        let name = step["name"].as_str().unwrap_or_default();
        let runner_fails = step["failures"].as_array().is_some_and(|f| !f.is_empty());
        let violations = step["response"]["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|h| {
                h[0].as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case("sl-violations"))
            })
            .and_then(|h| h[1].as_str())
            .unwrap_or("[]")
            .to_owned();
        let parsed: Value = serde_json::from_str(&violations).unwrap_or(json!([]));
        // Prism reports an undocumented status as a warning, the rest as errors: either is
        // a violation of the response's contract.
        let prism_fails = parsed
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| v["location"][0] == "response");
        if runner_fails != prism_fails {
            disagreements.push(format!(
                "{name}: runner {runner_fails}, Prism {prism_fails} ({violations})"
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{}\n{output:?}",
        disagreements.join("\n")
    );
}

#[test]
fn a_secret_in_a_violating_body_is_masked_in_the_failure() {
    let fixture = Fixture::new();
    let collection = tasks_collection(
        &fixture,
        "api.yaml",
        r#"
  - name: schema mismatch
    request: { url: "{{SERVER}}/api/v1/tasks/7?break=schema" }
"#,
    );
    let (output, report) = run_json(&collection, &fixture, &["--secret", "leaked=seven"]);
    assert_eq!(output.code, 1, "{output:?}");
    let text = failures(&report)["schema mismatch"].join("\n");
    assert!(
        text.contains("body /id") && text.contains("\"***\""),
        "{text}"
    );
    assert!(
        !text.contains("seven") && !output.stdout.contains("seven"),
        "{text}\n{}",
        output.stdout
    );
}

/// A field or parameter the document calls a password (`format: password`) is imported as a
/// secret input — never as the document's example of it — and the run sends the value the
/// environment gives, masked in every output.
#[test]
fn passwords_are_imported_as_secret_inputs_and_sent_masked() {
    let fixture = Fixture::new();
    let server = crate::support::server();
    let spec = fixture.file(
        "passwords.yaml",
        &format!(
            r##"openapi: 3.0.3
info: {{ title: Accounts, version: "1" }}
servers:
  - url: http://{server}
paths:
  /echo:
    post:
      operationId: login
      requestBody:
        content:
          application/json:
            schema: {{ $ref: "#/components/schemas/Login" }}
      responses:
        "200": {{ description: ok, content: {{ application/json: {{ schema: {{ type: object }} }} }} }}
    put:
      operationId: register
      requestBody:
        content:
          application/json:
            schema: {{ $ref: "#/components/schemas/Login" }}
            example: {{ user: ada, password: doc-example-pw, recovery: {{ pin: doc-example-pin }}, keys: [{{ secret: doc-example-key }}] }}
      responses:
        "200": {{ description: ok, content: {{ application/json: {{ schema: {{ type: object }} }} }} }}
    get:
      operationId: check
      parameters:
        - {{ name: user_password, in: query, required: true, schema: {{ type: string, format: password, example: doc-example-query }} }}
        - {{ name: X-Pin, in: header, required: true, schema: {{ $ref: "#/components/schemas/Pin" }} }}
      responses:
        "200": {{ description: ok, content: {{ application/json: {{ schema: {{ type: object }} }} }} }}
components:
  schemas:
    Pin: {{ type: string, format: password }}
    Login:
      type: object
      required: [user, password, recovery, keys]
      properties:
        user: {{ type: string, example: ada }}
        password: {{ type: string, format: password, example: doc-example-pw }}
        recovery:
          type: object
          required: [pin]
          properties:
            pin: {{ $ref: "#/components/schemas/Pin" }}
        keys:
          type: array
          items:
            allOf:
              - type: object
                required: [secret]
                properties:
                  secret: {{ type: string, format: password }}
"##
        ),
    );
    let out = fixture.path().join("accounts.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for part in [
        "PASSWORD:\n    secret: true",
        "PIN:\n    secret: true",
        "SECRET:\n    secret: true",
        "USER_PASSWORD:\n    secret: true",
        "X_PIN:\n    secret: true",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    assert!(!yaml.contains("doc-example-"), "{yaml}");
    assert!(yaml.contains("ada"), "{yaml}");
    assert_eq!(schema_errors(&out), Vec::<String>::new());

    let report = fixture.path().join("report.json");
    let secrets = [
        ("PASSWORD", "pw-0451-zq"),
        ("PIN", "pin-8812-zq"),
        ("SECRET", "key-3307-zq"),
        ("USER_PASSWORD", "qp-6620-zq"),
        ("X_PIN", "hp-1945-zq"),
    ];
    let run = crate::support::runner_with_env(
        [
            "run",
            &out.display().to_string(),
            "-vv",
            "--report-json",
            &report.display().to_string(),
        ],
        &secrets,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let report_text = std::fs::read_to_string(&report).expect("the report");
    for (_, value) in secrets {
        for (channel, text) in [
            ("stdout", &run.stdout),
            ("stderr", &run.stderr),
            ("report", &report_text),
        ] {
            assert!(
                !text.contains(value),
                "{value} leaked to {channel}:\n{text}"
            );
        }
    }
    // The server echoed what it got: each password, which the report shows masked.
    let report: Value = serde_json::from_str(&report_text).expect("JSON");
    let echoed: HashMap<String, Value> = report["collections"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|step| {
            let body = step["response"]["body"].as_str().expect("a body");
            let name = step["name"].as_str().expect("a name").to_owned();
            (name, serde_json::from_str(body).expect("the echo"))
        })
        .collect();
    assert_eq!(echoed.len(), 3, "{report:#}");
    let masked = json!({"user": "ada", "password": "***", "recovery": {"pin": "***"}, "keys": [{"secret": "***"}]});
    assert_eq!(echoed["login"]["json"], masked);
    assert_eq!(echoed["register"]["json"], masked);
    assert_eq!(echoed["check"]["query"], json!("user_password=***"));
    assert_eq!(echoed["check"]["headers"]["x-pin"], json!("***"));
}

/// A query parameter named like a credential is a secret input, never the document's
/// example: beside an API key the auth sends in the query (not written twice), and in an
/// operation without auth.
#[test]
fn query_parameters_named_like_credentials_are_secret_inputs() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "keys.yaml",
        r#"openapi: 3.0.3
info: { title: Keys, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: api_key }
security: [{ key: [] }]
paths:
  /x:
    get:
      parameters:
        - { name: api_key, in: query, required: true, schema: { type: string }, example: QK-oa-1111 }
        - { name: access_token, in: query, required: true, schema: { type: string }, example: AT-oa-2222 }
        - { name: page, in: query, required: true, schema: { type: integer }, example: 2 }
      responses: { "200": { description: ok } }
  /open:
    get:
      security: []
      parameters:
        - { name: api_key, in: query, required: true, schema: { type: string }, example: QK-oa-3333 }
      responses: { "200": { description: ok } }
"#,
    );
    let out = fixture.path().join("keys.collection.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for example in ["QK-oa-1111", "AT-oa-2222", "QK-oa-3333"] {
        assert!(!yaml.contains(example), "{example}:\n{yaml}");
    }
    for wanted in [
        "auth: { api_key: { query: api_key, value: \"{{env.KEY_KEY}}\" } }",
        "query: { access_token: \"{{env.ACCESS_TOKEN}}\", page: \"2\" }",
        "query: { api_key: \"{{env.API_KEY}}\" }",
        "  ACCESS_TOKEN:\n    secret: true\n",
        "  API_KEY:\n    secret: true\n",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");
}

/// Every way a document can give a password — a schema's own example, a `$ref` wrapped in
/// `allOf`, a nullable `anyOf`, an array of them, a map of them, an example under `oneOf`, a
/// named example by `$ref`, a parameter described by `content`, an object parameter's
/// example, a path parameter — is written as a secret input, and none of the document's
/// example passwords reaches the file. Two different secrets never share an input, and none
/// is named after a variable every environment sets (`home` is `HOME_SECRET`). A schema
/// whose every branch leads back to itself is read in time.
#[test]
fn no_example_password_reaches_the_imported_file() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "vault.yaml",
        r##"openapi: 3.1.0
info: { title: Vault, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
security: [{ user: [] }]
paths:
  /accounts:
    post:
      operationId: createAccount
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Account" }
      responses:
        "201": { description: created }
  /accounts/{vault_key}:
    put:
      operationId: rotate
      parameters:
        - { name: vault_key, in: path, required: true, schema: { type: string, format: password, example: doc-example-path } }
        - name: filter
          in: query
          required: true
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Filter" }
              example: { owner: ada, pin: doc-example-content }
        - name: opts
          in: query
          required: true
          schema: { $ref: "#/components/schemas/Filter" }
          example: { owner: ada, pin: doc-example-object }
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - { $ref: "#/components/schemas/Filter" }
                - { type: object, properties: { token: { type: string, format: password } } }
            examples:
              first: { $ref: "#/components/examples/Rotation" }
      responses:
        "200": { description: ok }
  /loops:
    post:
      operationId: loop
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Loop" }
            example: { deep: [{ deep: [] }, 2] }
      responses:
        "200": { description: ok }
  /legacy:
    post:
      operationId: legacy
      requestBody:
        content:
          application/xml:
            schema: { type: object, properties: { xml_secret: { type: string, format: password } } }
      responses:
        "200": { description: ok }
components:
  securitySchemes:
    user: { type: http, scheme: basic }
  examples:
    Rotation: { value: { owner: ada, pin: doc-example-ref, token: doc-example-token } }
  schemas:
    Password: { type: string, format: password }
    # Every branch leads back here: each schema must be looked at once, not once a path.
    Loop:
      anyOf:
        - { $ref: "#/components/schemas/Loop" }
        - { allOf: [{ $ref: "#/components/schemas/Loop" }, { $ref: "#/components/schemas/Loop" }] }
        - { $ref: "#/components/schemas/Loop" }
        - { type: object, properties: { deep: { type: array, items: { $ref: "#/components/schemas/Loop" } } } }
    Filter:
      type: object
      properties:
        owner: { type: string }
        pin: { $ref: "#/components/schemas/Password" }
    Account:
      type: object
      example:
        user_password: doc-example-schema
        old: doc-example-allof
        recovery: null
        backups: [doc-example-array]
        vaults: { home: doc-example-map }
        name: ada
        newPassword: doc-example-camel
        2fa: doc-example-digit
      properties:
        2fa: { $ref: "#/components/schemas/Password" }
        newPassword: { $ref: "#/components/schemas/Password" }
        user_password: { $ref: "#/components/schemas/Password" }
        old: { allOf: [{ $ref: "#/components/schemas/Password" }], description: the old one }
        recovery: { anyOf: [{ type: string, format: password }, { type: "null" }] }
        backups: { type: array, items: { $ref: "#/components/schemas/Password" } }
        vaults: { type: object, additionalProperties: { $ref: "#/components/schemas/Password" } }
        name: { type: string }
"##,
    );
    let out = fixture.path().join("vault-suite.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(!yaml.contains("doc-example"), "{yaml}");
    for part in [
        // The basic scheme's password, and the field of the same name: two inputs.
        "USER_PASSWORD:\n    secret: true",
        "USER_PASSWORD_2:\n    secret: true",
        "user_password: \"{{env.USER_PASSWORD_2}}\"",
        "old: \"{{env.OLD}}\"",
        "backups: [\"{{env.BACKUPS}}\"]",
        "home: \"{{env.HOME_SECRET}}\"",
        "newPassword: \"{{env.NEW_PASSWORD}}\"",
        "2fa: \"{{env.SECRET_2FA}}\"",
        "pin: \"{{env.PIN}}\"",
        "token: \"{{env.TOKEN}}\"",
        "/accounts/{{env.VAULT_KEY}}",
        "name: ada",
        "json:\n        deep:\n          - { deep: [] }\n          - 2",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    // A nullable password whose example is null stays null; an XML body gets no value, so
    // its password declares no input.
    assert!(yaml.contains("recovery: null"), "{yaml}");
    assert!(!yaml.contains("XML_SECRET"), "{yaml}");
    assert_eq!(schema_errors(&out), Vec::<String>::new());
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
}

/// A request body whose schema `$ref` leads nowhere is not written as `null`: the import
/// says why, leaves a placeholder, and `--strict` refuses it.
#[test]
fn a_body_schema_that_does_not_resolve_is_reported_not_written_as_null() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "dangling.yaml",
        r##"openapi: 3.0.3
info: { title: Dangling, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /x:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Gone" }
            example: { password: doc-example-dangling }
      responses:
        "200": { description: ok }
"##,
    );
    let out = fixture.path().join("dangling-suite.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("its schema does not resolve")
            && output.stderr.contains("#/components/schemas/Gone"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(yaml.contains("json: \"{{body}}\""), "{yaml}");
    assert!(!yaml.contains("doc-example-dangling"), "{yaml}");
    let strict_out = fixture.path().join("strict.yaml");
    let strict = import(&spec.display().to_string(), &strict_out, &["--strict"]);
    assert_eq!(strict.code, 2, "{strict:?}");
}

/// A user name and password in a server's URL are never written (the URL is `base_url`, and
/// an environment's): left out, and reported as not translated.
#[test]
fn import_leaves_the_user_info_of_a_server_url_out() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "userinfo.yaml",
        r#"openapi: 3.0.3
info: { title: Userinfo, version: "1" }
servers:
  - url: https://admin:s3rver-pw@api.example.com/v1
  - url: https://staging.example.com/v1
paths:
  /ping:
    get:
      responses:
        "200": { description: ok }
"#,
    );
    let out = fixture.path().join("userinfo.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for secret in ["s3rver-pw", "admin:", "admin@"] {
        assert!(!yaml.contains(secret), "{secret}:\n{yaml}");
        assert!(!output.stderr.contains(secret), "{}", output.stderr);
    }
    assert!(
        yaml.contains("base_url: https://api.example.com/v1"),
        "{yaml}"
    );
    assert!(
        output.stderr.contains("holds a user name and password")
            && output.stderr.contains("1 thing not translated"),
        "{}",
        output.stderr
    );
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
}
