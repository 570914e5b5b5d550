//! `runner import openapi`: what an imported collection sends, checked on a loopback server
//! that echoes every request — bodies of every kind, files the user supplies, placeholders
//! that refuse to be sent.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::Router;
use serde_json::Value;

use crate::openapi::{import, schema_errors};
use crate::support::{runner, runner_with_env, Fixture};

/// A server that answers every request, on any path and method, with what it received.
fn echo_server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| crate::servers::spawn(Router::new().fallback(crate::servers::echo)))
}

/// What the echo server received for each step of a run's JSON report, by step id.
fn received(report: &std::path::Path) -> HashMap<String, Value> {
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(report).expect("the report")).expect("JSON");
    report["collections"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|step| {
            let body = step["response"]["body"].as_str().expect("a body");
            let name = step["name"].as_str().expect("a name").to_owned();
            (name, serde_json::from_str(body).expect("the echo"))
        })
        .collect()
}

/// Every kind of request body is written as what it is: multipart text and file parts, a
/// URL-encoded form, XML from its example, a binary body from a file. What the document
/// cannot give — the files, an XML body without an example — is never made up: the
/// collection does not load until the files exist, and the run sends nothing until the
/// placeholder is set. Then the server receives exactly the document's values and the files.
#[test]
fn imported_bodies_send_the_documents_values_and_the_users_files() {
    let fixture = Fixture::new();
    let ok = r#"{ "200": { description: ok, content: { application/json: { schema: { type: object } } } } }"#;
    let spec = fixture.file(
        "bodies.yaml",
        &format!(
            r#"openapi: 3.0.3
info: {{ title: Bodies, version: "1" }}
servers: [{{ url: "http://{server}" }}]
paths:
  /upload/{{id}}:
    post:
      operationId: upload
      parameters: [{{ name: id, in: path, required: true, schema: {{ type: integer, example: 7 }} }}]
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {{ type: string, format: binary }}
                note: {{ type: string, example: hello }}
                count: {{ type: integer, example: 3 }}
                meta: {{ type: object, properties: {{ a: {{ type: string, example: x }} }} }}
                photos: {{ type: array, items: {{ type: string, format: binary }} }}
            encoding:
              file: {{ contentType: "image/png, image/jpeg" }}
      responses: {ok}
  /form:
    post:
      operationId: form
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {{ type: object, properties: {{ user: {{ type: string, example: ada }}, n: {{ type: integer, example: 2 }} }} }}
      responses: {ok}
  /raw:
    put:
      operationId: raw
      requestBody:
        content:
          application/octet-stream: {{ schema: {{ type: string, format: binary }} }}
      responses: {ok}
  /xml:
    post:
      operationId: xml
      requestBody:
        content:
          application/xml:
            schema: {{ type: object }}
            example: "<pet><name>Rex</name></pet>"
      responses: {ok}
  /bare:
    post:
      operationId: bare
      requestBody:
        content:
          application/xml:
            schema: {{ type: object, properties: {{ name: {{ type: string }} }} }}
      responses: {ok}
"#,
            server = echo_server()
        ),
    );
    let out = fixture.path().join("bodies.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(!yaml.contains("TODO"), "{yaml}");
    for part in [
        "file: { file: files/upload-file, content_type: image/png }",
        "photos: { file: files/upload-photos }",
        "note: hello",
        "count: \"3\"",
        "meta: { value: \"{\\\"a\\\":\\\"x\\\"}\", content_type: application/json }",
        "form: { user: ada, \"n\": \"2\" }",
        "body_file: files/raw",
        "body: <pet><name>Rex</name></pet>",
        "body: \"{{body}}\"",
        "body: \"{{env.BODY}}\"",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    for said in [
        "upload · multipart field file",
        "put it at `files/upload-file`",
        "upload · multipart field photos",
        "raw · request body",
        "put it at `files/raw`",
        "set the input BODY (`export BODY=...`) or run with `--var body=...`",
    ] {
        assert!(output.stderr.contains(said), "{said}:\n{}", output.stderr);
    }
    assert_eq!(schema_errors(&out), Vec::<String>::new());
    // Without the files, the collection does not load: nothing can be sent.
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 2, "{validated:?}");
    assert!(
        validated.stderr.contains("files/upload-file"),
        "{}",
        validated.stderr
    );

    let files = fixture.path().join("files");
    std::fs::create_dir(&files).expect("files/");
    std::fs::write(files.join("upload-file"), "PNG-BYTES-1").expect("a file");
    std::fs::write(files.join("upload-photos"), "PHOTO-BYTES-2").expect("a file");
    std::fs::write(files.join("raw"), "RAW-BYTES-3").expect("a file");
    let report = fixture.path().join("report.json");
    let run_args = [
        "run".to_owned(),
        out.display().to_string(),
        "--report-json".into(),
        report.display().to_string(),
    ];
    // The placeholder is not set: refused before anything is sent.
    let refused = runner(&run_args);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("input `BODY`") && refused.stderr.contains("nothing was sent"),
        "{}",
        refused.stderr
    );

    let run = runner_with_env(&run_args, &[("BODY", "<pet><name>Set</name></pet>")]);
    assert_eq!(run.code, 0, "{run:?}");
    let seen = received(&report);
    let upload = seen["upload"]["text"].as_str().expect("the multipart body");
    for part in [
        "name=\"note\"\r\n\r\nhello\r\n",
        "name=\"count\"\r\n\r\n3\r\n",
        "name=\"meta\"\r\ncontent-type: application/json\r\n\r\n{\"a\":\"x\"}\r\n",
        "name=\"file\"; filename=\"upload-file\"\r\ncontent-type: image/png\r\n\r\nPNG-BYTES-1\r\n",
        "filename=\"upload-photos\"",
        "PHOTO-BYTES-2",
    ] {
        assert!(
            upload
                .to_ascii_lowercase()
                .contains(&part.to_ascii_lowercase()),
            "`{part}` not in:\n{upload}"
        );
    }
    assert_eq!(seen["upload"]["uri"], "/upload/7");
    assert_eq!(seen["form"]["text"], "user=ada&n=2");
    assert_eq!(
        seen["form"]["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(seen["raw"]["text"], "RAW-BYTES-3");
    assert_eq!(
        seen["raw"]["headers"]["content-type"],
        "application/octet-stream"
    );
    assert_eq!(seen["xml"]["text"], "<pet><name>Rex</name></pet>");
    assert_eq!(seen["xml"]["headers"]["content-type"], "application/xml");
    assert_eq!(seen["bare"]["text"], "<pet><name>Set</name></pet>");
}
