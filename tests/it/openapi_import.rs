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

/// A document whose text holds template syntax, in every place the importer writes the
/// document's text into a templated field: a step's name, path, query, header and cookie
/// parameter examples, a JSON body example (nested), a schema's `default`, `enum` and 3.1
/// `examples`, a form field, a multipart field and a text body.
fn templated_text_spec(server: SocketAddr, text: &str) -> String {
    let t = serde_json::to_string(text).expect("JSON text");
    format!(
        r#"{{
  "openapi": "3.1.0",
  "info": {{ "title": "Braces", "version": "1" }},
  "servers": [{{ "url": "http://{server}" }}],
  "paths": {{
    "/things/{{p}}": {{
      "post": {{
        "operationId": "things",
        "summary": {t},
        "parameters": [
          {{ "name": "p", "in": "path", "required": true, "schema": {{ "type": "string" }}, "example": {t} }},
          {{ "name": "q", "in": "query", "required": true, "schema": {{ "type": "string", "default": {t} }} }},
          {{ "name": "X-H", "in": "header", "required": true, "schema": {{ "type": "string", "enum": [{t}] }} }},
          {{ "name": "c", "in": "cookie", "required": true, "schema": {{ "type": "string", "examples": [{t}] }} }}
        ],
        "requestBody": {{ "content": {{ "application/json": {{
          "schema": {{ "type": "object" }},
          "example": {{ "a": {t}, "nested": [{{ "b": {t} }}], "n": 1 }}
        }} }} }},
        "responses": {{ "200": {{ "description": "ok", "content": {{ "application/json": {{ "schema": {{ "type": "object" }} }} }} }} }}
      }}
    }},
    "/derived": {{
      "put": {{
        "operationId": "derived",
        "requestBody": {{ "content": {{ "application/json": {{ "schema": {{
          "type": "object",
          "properties": {{ "d": {{ "type": "string", "default": {t} }}, "e": {{ "enum": [{t}] }}, "x": {{ "type": "string", "examples": [{t}] }} }}
        }} }} }} }},
        "responses": {{ "200": {{ "description": "ok", "content": {{ "application/json": {{ "schema": {{ "type": "object" }} }} }} }} }}
      }}
    }},
    "/form": {{
      "post": {{
        "operationId": "form",
        "requestBody": {{ "content": {{ "application/x-www-form-urlencoded": {{ "schema": {{
          "type": "object", "properties": {{ "f": {{ "type": "string", "example": {t} }} }}
        }} }} }} }},
        "responses": {{ "200": {{ "description": "ok", "content": {{ "application/json": {{ "schema": {{ "type": "object" }} }} }} }} }}
      }}
    }},
    "/multi": {{
      "post": {{
        "operationId": "multi",
        "requestBody": {{ "content": {{ "multipart/form-data": {{ "schema": {{
          "type": "object", "properties": {{ "m": {{ "type": "string", "example": {t} }}, "o": {{ "type": "object", "properties": {{ "k": {{ "type": "string", "example": {t} }} }} }} }}
        }} }} }} }},
        "responses": {{ "200": {{ "description": "ok", "content": {{ "application/json": {{ "schema": {{ "type": "object" }} }} }} }} }}
      }}
    }},
    "/text": {{
      "put": {{
        "operationId": "text",
        "requestBody": {{ "content": {{ "text/plain": {{ "schema": {{ "type": "string" }}, "example": {t} }} }} }},
        "responses": {{ "200": {{ "description": "ok", "content": {{ "application/json": {{ "schema": {{ "type": "object" }} }} }} }} }}
      }}
    }}
  }}
}}"#
    )
}

/// Texts a document may hold that a template would read: a variable, a variable the run
/// has, a block helper, triple braces, lone braces, an input.
const TEMPLATED_TEXTS: &[&str] = &[
    "hello {{name}}",
    "{{base_url}}",
    "{{#if x}}y{{/if}}",
    "{{{raw}}} and {{",
    "}}{{ }} {{",
    "{{env.HOME}}",
    "a \\ b {{c}} \\\\",
];

/// Every place the importer writes the document's text sends that text as it is, for every
/// text of [`TEMPLATED_TEXTS`]: the server receives it, and the step is named with it.
#[test]
fn template_syntax_in_the_document_is_sent_as_text() {
    let fixture = Fixture::new();
    for (i, text) in TEMPLATED_TEXTS.iter().enumerate() {
        let spec = fixture.file(
            &format!("braces-{i}.json"),
            &templated_text_spec(echo_server(), text),
        );
        let out = fixture.path().join(format!("braces-{i}.yaml"));
        let output = import(&spec.display().to_string(), &out, &[]);
        assert_eq!(output.code, 0, "{text}: {output:?}");
        assert!(
            !output.stderr.contains("not translated"),
            "{text}: {}",
            output.stderr
        );
        assert_eq!(schema_errors(&out), Vec::<String>::new(), "{text}");
        let report = fixture.path().join(format!("braces-{i}.json.report"));
        let run = runner([
            "run",
            &out.display().to_string(),
            "--report-json",
            &report.display().to_string(),
        ]);
        let yaml = std::fs::read_to_string(&out).expect("written");
        assert_eq!(run.code, 0, "{text}:\n{yaml}\n{run:?}");
        let seen = received(&report);
        let named = format!("things: {}", text.trim());
        let things = seen
            .get(&named)
            .unwrap_or_else(|| panic!("{named:?} among {:?}", seen.keys()));
        let encoded = |set| percent_encoding::utf8_percent_encode(text, set).to_string();
        let uri = things["uri"].as_str().expect("a URI");
        let path = uri.split('?').next().unwrap_or_default();
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        assert_eq!(path, format!("/things/{text}"), "{text}: {uri}");
        let query: HashMap<String, String> =
            url::form_urlencoded::parse(things["query"].as_str().unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        assert_eq!(query["q"], *text, "{text}: {uri}");
        assert_eq!(things["headers"]["x-h"], *text);
        let cookie = things["headers"]["cookie"].as_str().expect("a cookie");
        assert!(
            cookie == format!("c={text}")
                || cookie == format!("c={}", encoded(percent_encoding::NON_ALPHANUMERIC)),
            "{text}: {cookie}"
        );
        let nested = serde_json::json!({ "a": text, "nested": [{ "b": text }], "n": 1 });
        assert_eq!(things["json"], nested, "{text}");
        let derived = serde_json::json!({ "d": text, "e": text, "x": text });
        assert_eq!(seen["derived"]["json"], derived, "{text}");
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(seen["form"]["text"].as_str().expect("a form").as_bytes())
                .into_owned()
                .collect();
        assert_eq!(form["f"], *text);
        let multipart = seen["multi"]["text"].as_str().expect("a multipart body");
        let object = serde_json::json!({ "k": text }).to_string();
        for part in [
            format!("name=\"m\"\r\n\r\n{text}\r\n"),
            format!("\r\n\r\n{object}\r\n"),
        ] {
            assert!(
                multipart.contains(&part),
                "{text}: {part:?} not in {multipart:?}"
            );
        }
        assert_eq!(seen["text"]["text"], *text);
    }
}

/// A backslash right before `{{` has no template that sends it: the example is not written
/// (a value derived from the schema is, and the import says so) rather than sending
/// something else than the document's text.
#[test]
fn an_example_no_template_can_hold_is_reported_and_derived_instead() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "backslash.yaml",
        r#"openapi: 3.0.3
info: { title: Backslash, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /x:
    get:
      operationId: x
      parameters:
        - { name: X-H, in: header, required: true, schema: { type: string }, example: 'a\{{b}}' }
      responses: { "200": { description: ok } }
"#,
    );
    let out = fixture.path().join("backslash.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("x · parameter X-H")
            && output.stderr.contains("cannot be written in a template")
            && output
                .stderr
                .contains("a value derived from the schema is written instead"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(yaml.contains("headers: { X-H: example }"), "{yaml}");
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
}

#[test]
fn a_text_example_whose_schema_marks_a_password_is_not_written() {
    // An XML example holds the password as text, where it cannot be lifted into a secret
    // input: it was written into `body:` as it was.
    let fixture = Fixture::new();
    let spec = fixture.file(
        "xml.yaml",
        r##"openapi: 3.0.3
info: { title: Xml, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /login:
    post:
      operationId: login
      requestBody:
        required: true
        content:
          application/xml:
            schema:
              type: object
              properties:
                user: { type: string }
                secret: { $ref: "#/components/schemas/Password" }
            example: "<login><user>ann</user><secret>Hunter-2222</secret></login>"
      responses: { "200": { description: ok } }
  /note:
    post:
      operationId: note
      requestBody:
        content:
          text/plain:
            schema: { type: string }
            example: "a plain note"
      responses: { "200": { description: ok } }
components:
  schemas:
    Password: { type: string, format: password }
"##,
    );
    let out = fixture.path().join("xml.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(!yaml.contains("Hunter-2222"), "{yaml}");
    assert!(!output.stderr.contains("Hunter-2222"), "{}", output.stderr);
    assert!(yaml.contains("body: a plain note"), "{yaml}");
}

/// A document with one operation, `GET /x` answered with JSON, and `servers`.
fn spec_with_servers(servers: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{ title: Servers, version: "1" }}
{servers}
paths:
  /x:
    get:
      operationId: x
      responses: {{ "200": {{ description: ok, content: {{ application/json: {{ schema: {{ type: object }} }} }} }} }}
"#
    )
}

/// A relative server URL (`/api/v3`, as Swagger's petstore3 has) is relative to where the
/// document is served: `--document-url` resolves it (and a document without servers, which
/// means `/`); without it, `base_url` reads a required input, the import says what to set,
/// and the run refuses to start until it is set — then sends to the URL given.
#[test]
fn a_relative_server_url_is_resolved_or_must_be_given_before_anything_is_sent() {
    let fixture = Fixture::new();
    let server = echo_server();
    let spec = fixture.file(
        "relative.yaml",
        &spec_with_servers("servers: [{ url: /api/v3 }]"),
    );
    let out = fixture.path().join("relative.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stderr
            .contains("not translated: collection · servers")
            && output.stderr.contains("`--document-url`")
            && output
                .stderr
                .contains("`--var base_url=https://HOST/api/v3`"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(yaml.contains("base_url: \"{{env.BASE_URL}}\""), "{yaml}");
    assert_eq!(schema_errors(&out), Vec::<String>::new());
    let report = fixture.path().join("report.json");
    let run = |extra: &[String]| {
        let mut args = vec![
            "run".to_owned(),
            out.display().to_string(),
            "--report-json".into(),
            report.display().to_string(),
        ];
        args.extend_from_slice(extra);
        runner(&args)
    };
    let refused = run(&[]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("input `BASE_URL`")
            && refused.stderr.contains("e.g. https://HOST/api/v3")
            && refused.stderr.contains("nothing was sent"),
        "{}",
        refused.stderr
    );
    let given = run(&["--var".into(), format!("base_url=http://{server}/api/v3")]);
    assert_eq!(given.code, 0, "{given:?}");
    assert_eq!(received(&report)["x"]["uri"], "/api/v3/x");

    // Resolved against where the document is served: nothing left to set.
    for (servers, document_url, base_url) in [
        (
            "servers: [{ url: v2 }]",
            format!("http://{server}/docs/openapi.json"),
            format!("http://{server}/docs/v2"),
        ),
        (
            "",
            format!("http://{server}/openapi.json"),
            format!("http://{server}"),
        ),
        (
            "servers: [{ url: \"https://api.example.com/v1\" }]",
            format!("http://{server}/openapi.json"),
            "https://api.example.com/v1".to_owned(),
        ),
        (
            "servers: [{ url: /api/v3 }]",
            format!("http://{server}/api/v3/openapi.json"),
            format!("http://{server}/api/v3"),
        ),
    ] {
        let spec = fixture.file("resolved.yaml", &spec_with_servers(servers));
        let output = import(
            &spec.display().to_string(),
            &out,
            &["--document-url", &document_url],
        );
        assert_eq!(output.code, 0, "{output:?}");
        assert!(
            !output.stderr.contains("not translated"),
            "{}",
            output.stderr
        );
        let yaml = std::fs::read_to_string(&out).expect("written");
        assert!(
            yaml.contains(&format!("  base_url: {base_url}\n")),
            "{servers}: {yaml}"
        );
    }
    // The last one imported: `/api/v3` resolved against the echo server.
    let resolved = run(&[]);
    assert_eq!(resolved.code, 0, "{resolved:?}");
    assert_eq!(received(&report)["x"]["uri"], "/api/v3/x");
    let not_http = import(
        &spec.display().to_string(),
        &out,
        &["--document-url", "file:///api.yaml"],
    );
    assert_eq!(not_http.code, 2, "{not_http:?}");
}

/// Server variables at their defaults, whatever their type; one without a default at its
/// first enum value; the values each may take named beside `base_url`; each server an
/// environment.
#[test]
fn server_variables_are_written_at_their_defaults() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "variables.yaml",
        &spec_with_servers(
            r#"servers:
  - url: "{scheme}://{host}:{port}/{version}"
    variables:
      scheme: { default: https, enum: [https, http] }
      host: { default: api.example.com }
      port: { default: 8443, enum: [8443, 443] }
      version: { enum: [v1, v2] }
  - url: "https://staging.example.com/{version}"
    variables:
      version: { default: v2 }"#,
        ),
    );
    let out = fixture.path().join("variables.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for part in [
        "  # The first server, its variables at their defaults ({scheme}: one of https, http; {host}; {port}: one of 8443, 443; {version}: one of v1, v2).\n  base_url: https://api.example.com:8443/v1\n",
        "server_2:\n    vars: { base_url: https://staging.example.com/v2 }",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    assert!(
        !output.stderr.contains("not translated"),
        "{}",
        output.stderr
    );
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
}

/// `servers` given on a path item or an operation (which override the document's, the
/// operation's its path item's) are where those steps are sent, their variables at their
/// defaults (else the first enum value); every response is still found in the document
/// behind those servers' base paths, and the suite validates and runs green.
#[test]
fn servers_of_paths_and_operations_are_where_their_requests_go() {
    let fixture = Fixture::new();
    let server = echo_server();
    let ok = r#"responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }"#;
    let spec = fixture.file(
        "servers.yaml",
        &format!(
            r#"openapi: 3.0.3
info: {{ title: Servers, version: "1" }}
servers: [{{ url: "http://{server}/v1" }}]
paths:
  /items/{{id}}:
    servers: [{{ url: "http://{server}/path-level" }}]
    parameters: [{{ name: id, in: path, required: true, schema: {{ type: integer, example: 7 }} }}]
    get: {{ operationId: getItem, {ok} }}
    put:
      operationId: putItem
      servers:
        - url: "http://{server}/{{version}}"
          variables: {{ version: {{ enum: [op-level, v2] }} }}
      {ok}
  /plain:
    get: {{ operationId: plain, {ok} }}
"#
        ),
    );
    let out = fixture.path().join("servers.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("everything was translated"),
        "{}",
        output.stderr
    );
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
    let report = fixture.path().join("report.json");
    let run = runner([
        "run",
        &out.display().to_string(),
        "--report-json",
        &report.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let received = received(&report);
    assert_eq!(received["getItem"]["uri"], "/path-level/items/7");
    assert_eq!(received["putItem"]["uri"], "/op-level/items/7");
    assert_eq!(received["plain"]["uri"], "/v1/plain");
}

/// A URL-encoded form's arrays and objects are sent as the body's `encoding` says, by
/// `style` and `explode` (OpenAPI 3.1, "Encoding Object" and "Style Values"; `form`, and
/// for it `explode: true`, by default): an exploded array the name once per item, else its
/// items joined by `,`, a space or `|`; an object each property its own field, `name[key]`,
/// or `key,value,...`; a field whose encoding gives only a `contentType`, its JSON text.
#[test]
fn form_arrays_and_objects_are_sent_as_their_encoding_says() {
    let fixture = Fixture::new();
    let ok = r#"{ "200": { description: ok, content: { application/json: { schema: { type: object } } } } }"#;
    let spec = fixture.file(
        "form.yaml",
        &format!(
            r#"openapi: 3.1.0
info: {{ title: Forms, version: "1" }}
servers: [{{ url: "http://{server}" }}]
paths:
  /form:
    post:
      operationId: form
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                tag: {{ type: array, items: {{ type: string }}, example: [a, b] }}
                id: {{ type: array, items: {{ type: integer }}, example: [1, 2] }}
                word: {{ type: array, items: {{ type: string }}, example: [x, y] }}
                pipe: {{ type: array, items: {{ type: string }}, example: [p, q] }}
                rgb: {{ type: object, example: {{ R: 100, G: 200 }} }}
                deep: {{ type: object, example: {{ k: v }} }}
                flat: {{ type: object, example: {{ k: v, "{{{{l}}}}": w }} }}
                json: {{ type: object, example: {{ "{{{{k}}}}": v }} }}
            encoding:
              id: {{ explode: false }}
              word: {{ style: spaceDelimited }}
              pipe: {{ style: pipeDelimited, explode: false }}
              deep: {{ style: deepObject, explode: true }}
              flat: {{ style: form, explode: false }}
              json: {{ contentType: application/json }}
      responses: {ok}
"#,
            server = echo_server()
        ),
    );
    let out = fixture.path().join("form.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(yaml.contains("tag: [a, b]"), "{yaml}");
    assert_eq!(schema_errors(&out), Vec::<String>::new());

    let report = fixture.path().join("report.json");
    let run = runner([
        "run",
        &out.display().to_string(),
        "--report-json",
        &report.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let seen = received(&report);
    let sent: Vec<(String, String)> =
        url::form_urlencoded::parse(seen["form"]["text"].as_str().expect("a form").as_bytes())
            .into_owned()
            .collect();
    let expected = [
        ("tag", "a"),
        ("tag", "b"),
        ("id", "1,2"),
        ("word", "x y"),
        ("pipe", "p|q"),
        ("R", "100"),
        ("G", "200"),
        ("deep[k]", "v"),
        ("flat", "k,v,{{l}},w"),
        ("json", r#"{"{{k}}":"v"}"#),
    ]
    .map(|(name, value)| (name.to_owned(), value.to_owned()));
    assert_eq!(sent, expected, "{}", seen["form"]["text"]);
}

/// An optional parameter is sent when the document gives a value of it, wherever: a 3.1
/// schema's `examples` array, a schema behind a `$ref`, the example of its `content`; one
/// without any is not sent. A header parameter the operation overrides in another case is
/// sent once, with the operation's value (header names are case-insensitive).
#[test]
fn optional_parameters_with_a_value_and_overridden_headers_are_sent() {
    let fixture = Fixture::new();
    let ok = r#"{ "200": { description: ok, content: { application/json: { schema: { type: object } } } } }"#;
    let spec = fixture.file(
        "parameters.yaml",
        &format!(
            r##"openapi: 3.1.0
info: {{ title: Parameters, version: "1" }}
servers: [{{ url: "http://{server}" }}]
components:
  schemas:
    Bee: {{ type: string, example: bee }}
paths:
  /things:
    parameters:
      - {{ name: X-Trace, in: header, schema: {{ type: string, example: path-level }} }}
    get:
      operationId: things
      parameters:
        - {{ name: x-trace, in: header, schema: {{ type: string, example: operation }} }}
        - {{ name: a, in: query, schema: {{ type: string, examples: [one, two] }} }}
        - {{ name: b, in: query, schema: {{ $ref: "#/components/schemas/Bee" }} }}
        - {{ name: c, in: query, content: {{ application/json: {{ schema: {{ type: object }}, example: {{ k: 1 }} }} }} }}
        - {{ name: d, in: query, schema: {{ type: string }} }}
      responses: {ok}
"##,
            server = echo_server()
        ),
    );
    let out = fixture.path().join("parameters.runner.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(!yaml.contains("path-level"), "{yaml}");

    let report = fixture.path().join("report.json");
    let run = runner([
        "run",
        &out.display().to_string(),
        "--report-json",
        &report.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let seen = received(&report);
    let sent: Vec<(String, String)> = url::form_urlencoded::parse(
        seen["things"]["query"]
            .as_str()
            .expect("a query")
            .as_bytes(),
    )
    .into_owned()
    .collect();
    let expected = [("a", "one"), ("b", "bee"), ("c", r#"{"k":1}"#)]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
    assert_eq!(sent, expected, "{}", seen["things"]["uri"]);
    assert_eq!(seen["things"]["headers"]["x-trace"], "operation");
}
