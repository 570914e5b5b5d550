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

/// The position of the step `id` in an imported collection.
fn step_position(yaml: &str, id: &str) -> usize {
    yaml.find(&format!("    id: {id}\n"))
        .unwrap_or_else(|| panic!("{id} in {yaml}"))
}

/// The steps of an imported collection, without the header that names the document.
fn steps_of(yaml: &str) -> &str {
    &yaml[yaml.find("\nsteps:\n").expect("steps")..]
}

/// Links written as `$ref`s (the OpenAPI Initiative's `link-example.yaml` names every link
/// from `components/links`) are followed as inlined ones are: captures on the source, the
/// captured values in the target's path, the target after its source. The same document with
/// its links inlined gives the same steps. A link whose pointer the response's schema says
/// is not there (the example points into an array as if it were an object) is not captured,
/// and said.
#[test]
fn links_written_as_refs_are_followed_as_inlined_ones() {
    let fixture = Fixture::new();
    let spec = "tests/fixtures/openapi/link-example.yaml";
    let out = fixture.path().join("links.yaml");
    let output = import(spec, &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for part in [
        "capture: { getUserByName_username: $.username }",
        "url: \"{{base_url}}/2.0/repositories/{{getUserByName_username}}\"",
        "capture: { getRepository_username: $.owner.username, getRepository_slug: $.slug }",
        "url: \"{{base_url}}/2.0/repositories/{{getRepository_username}}/{{getRepository_slug}}/pullrequests\"",
        "getPullRequestsById_pid: $.id",
        "url: \"{{base_url}}/2.0/repositories/{{getPullRequestsById_username}}/{{getPullRequestsById_slug}}/pullrequests/{{getPullRequestsById_pid}}/merge\"",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    let position = |id: &str| step_position(&yaml, id);
    assert!(position("getUserByName") < position("getRepositoriesByOwner"));
    assert!(position("getRepository") < position("getPullRequestsByRepository"));
    assert!(position("getPullRequestsById") < position("mergePullRequest"));
    // `getRepositoriesByOwner` returns an array: `/owner/username` cannot be in it.
    assert!(
        output
            .stderr
            .contains("getRepositoriesByOwner · link userRepository")
            && output
                .stderr
                .contains("`owner` is not in the response's schema (an array)"),
        "{}",
        output.stderr
    );
    assert_eq!(schema_errors(&out), Vec::<String>::new());

    // The same document with each link written in place.
    let mut document: Value =
        serde_yaml::from_str(&std::fs::read_to_string(spec).expect("the fixture")).expect("YAML");
    let components = document["components"]["links"].clone();
    let paths = document["paths"].as_object_mut().expect("paths");
    for operation in paths
        .values_mut()
        .flat_map(|item| item.as_object_mut().expect("a path item").values_mut())
    {
        let responses = operation["responses"].as_object_mut().expect("responses");
        for response in responses.values_mut() {
            let Some(links) = response.get_mut("links").and_then(Value::as_object_mut) else {
                continue;
            };
            for link in links.values_mut() {
                let reference = link["$ref"].as_str().expect("a $ref").to_owned();
                let name = reference.rsplit('/').next().expect("a name");
                *link = components[name].clone();
            }
        }
    }
    let inlined = fixture.file("inlined.json", &document.to_string());
    let inlined_out = fixture.path().join("inlined.yaml");
    let output = import(&inlined.display().to_string(), &inlined_out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let inlined_yaml = std::fs::read_to_string(&inlined_out).expect("written");
    assert_eq!(steps_of(&inlined_yaml), steps_of(&yaml));
}

/// Every object the importer reads may be a `$ref`, into the document or another file: a
/// response (`components/responses`) holding a link that is itself a `$ref` to another
/// file, whose target is named by `operationRef` and whose parameter is qualified
/// (`path.thingId`). The run captures the created thing's id and reads it back.
#[test]
fn referenced_responses_and_links_with_an_operation_ref_capture_and_send_the_id() {
    let fixture = Fixture::new();
    fixture.file(
        "links.yaml",
        "ThingLink:\n  operationRef: 'api.yaml#/paths/~1things~1{thingId}/get'\n  parameters:\n    path.thingId: $response.body#/json/id\n",
    );
    let spec = fixture.file(
        "api.yaml",
        &format!(
            r##"openapi: 3.0.3
info: {{ title: Things, version: "1" }}
servers: [{{ url: "http://{server}" }}]
paths:
  /things/{{thingId}}:
    get:
      operationId: getThing
      parameters: [{{ $ref: "#/components/parameters/ThingId" }}]
      responses:
        "200": {{ description: ok, content: {{ application/json: {{ schema: {{ type: object }} }} }} }}
  /things:
    post:
      operationId: createThing
      requestBody: {{ $ref: "#/components/requestBodies/Thing" }}
      responses:
        "200": {{ $ref: "#/components/responses/Created" }}
components:
  parameters:
    ThingId: {{ name: thingId, in: path, required: true, schema: {{ type: integer }} }}
  requestBodies:
    Thing:
      content:
        application/json:
          schema: {{ type: object, properties: {{ id: {{ type: integer }} }} }}
          examples: {{ one: {{ $ref: "#/components/examples/Thing" }} }}
  examples:
    Thing: {{ value: {{ id: 42 }} }}
  responses:
    Created:
      description: the echo of the thing
      content:
        application/json:
          schema:
            type: object
            properties: {{ json: {{ type: object, properties: {{ id: {{ type: integer }} }} }} }}
      links:
        read: {{ $ref: "links.yaml#/ThingLink" }}
"##,
            server = echo_server()
        ),
    );
    let out = fixture.path().join("things.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        !output.stderr.contains("not translated"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    for part in [
        "capture: { createThing_thingId: $.json.id }",
        "url: \"{{base_url}}/things/{{createThing_thingId}}\"",
    ] {
        assert!(yaml.contains(part), "`{part}` not in:\n{yaml}");
    }
    assert!(step_position(&yaml, "createThing") < step_position(&yaml, "getThing"));
    let report = fixture.path().join("report.json");
    let run = runner([
        "run",
        &out.display().to_string(),
        "--report-json",
        &report.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let seen = received(&report);
    assert_eq!(seen["createThing"]["json"], serde_json::json!({ "id": 42 }));
    assert_eq!(seen["getThing"]["uri"], "/things/42");
}

/// A seeded string schema: a pattern of the shapes real documents use (an anchored literal
/// prefix, classes with counts, optional and alternative groups), sometimes lengths that
/// agree with it or not, sometimes a format.
fn string_schema(rng: &mut fastrand::Rng) -> Value {
    let prefixes = ["", "AC", "CA", "sk_", "v", "id-"];
    let classes = [
        "[0-9a-fA-F]",
        "[A-Z]",
        "[a-z0-9]",
        "\\d",
        "\\w",
        "[^/]",
        "[._-]",
        ".",
    ];
    let counts = ["", "+", "*", "?", "{3}", "{2,5}", "{32}", "{1,}"];
    let mut pattern = String::new();
    let anchored = rng.bool();
    if anchored {
        pattern.push('^');
    }
    pattern.push_str(prefixes[rng.usize(..prefixes.len())]);
    for _ in 0..rng.usize(1..4) {
        match rng.usize(..6) {
            0 => pattern.push_str("(foo|ba[rz])"),
            1 => pattern.push_str("(-[0-9]{2})?"),
            _ => {
                pattern.push_str(classes[rng.usize(..classes.len())]);
                pattern.push_str(counts[rng.usize(..counts.len())]);
            }
        }
    }
    if anchored && rng.bool() {
        pattern.push('$');
    }
    let mut schema = serde_json::json!({ "type": "string", "pattern": pattern });
    if rng.bool() {
        schema["minLength"] = rng.u64(0..40).into();
    }
    if rng.bool() {
        schema["maxLength"] = rng.u64(0..40).into();
    }
    if rng.u8(..8) == 0 {
        schema["format"] = ["date", "uuid", "email", "uri"][rng.usize(..4)].into();
    }
    schema
}

/// A seeded number schema: bounds inclusive or exclusive (3.0's booleans or 3.1's numbers),
/// `multipleOf`, sometimes none that any value fits.
fn number_schema(rng: &mut fastrand::Rng, openapi_31: bool) -> Value {
    let integer = rng.bool();
    let mut schema = serde_json::json!({ "type": if integer { "integer" } else { "number" } });
    let bound = |rng: &mut fastrand::Rng| -> Value {
        if rng.bool() {
            rng.i64(-50..50).into()
        } else {
            (f64::from(rng.i32(-200..200)) / 4.0).into()
        }
    };
    for (key, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        match rng.usize(..3) {
            0 => {}
            1 => schema[key] = bound(rng),
            _ if openapi_31 => schema[exclusive] = bound(rng),
            _ => {
                schema[key] = bound(rng);
                schema[exclusive] = true.into();
            }
        }
    }
    if rng.bool() {
        let steps = [2.0, 3.0, 7.0, 0.5, 0.25, 0.1];
        schema["multipleOf"] = steps[rng.usize(..steps.len())].into();
        // jsonschema's check of a fractional step refuses every negative value (one below
        // the step), a multiple or not: such a schema is kept to positive values, which its
        // check reads right.
        if schema["multipleOf"]
            .as_f64()
            .is_some_and(|s| s.fract() != 0.0)
        {
            for key in ["minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"] {
                if let Some(bound) = schema[key].as_f64() {
                    schema[key] = (bound.abs() + 1.0).into();
                }
            }
        }
    }
    schema
}

/// Seeded documents of string and number schemas without examples (OpenAPI 3.0 and 3.1):
/// every value the importer derives fits its schema — pattern, lengths, format, bounds,
/// multipleOf, checked by `jsonschema` —, and one it cannot derive is a required input,
/// reported on stderr with where it is and why, never a value that does not fit. A simple
/// pattern (a literal prefix, classes with counts, groups) is always derived: Twilio's
/// `^AC[0-9a-fA-F]{32}$` of 34 characters, in a path, is `AC` and 32 hex digits.
#[test]
fn derived_values_fit_their_schemas_or_are_required_inputs() {
    let fixture = Fixture::new();
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let mut derived = 0;
    let mut inputs = 0;
    for round in 0..6 {
        let openapi_31 = round % 2 == 1;
        let mut schemas: Vec<Value> = Vec::new();
        for _ in 0..40 {
            schemas.push(if rng.bool() {
                string_schema(&mut rng)
            } else {
                number_schema(&mut rng, openapi_31)
            });
        }
        // Beyond the generator: look-around and a back-reference; and lengths no value has.
        schemas.push(serde_json::json!({ "type": "string", "pattern": "^(?!x)[a-z]+$" }));
        schemas.push(serde_json::json!({ "type": "string", "pattern": "^(a)\\1$" }));
        schemas.push(serde_json::json!({ "type": "string", "minLength": 5, "maxLength": 2 }));
        schemas.push(
            serde_json::json!({ "type": "integer", "minimum": 3, "maximum": 4, "multipleOf": 5 }),
        );
        let properties: serde_json::Map<String, Value> = schemas
            .iter()
            .enumerate()
            .map(|(i, schema)| (format!("p{i}"), schema.clone()))
            .collect();
        let sid = serde_json::json!({ "type": "string", "minLength": 34, "maxLength": 34,
            "pattern": "^AC[0-9a-fA-F]{32}$" });
        let document = serde_json::json!({
            "openapi": if openapi_31 { "3.1.0" } else { "3.0.3" },
            "info": { "title": "derived", "version": "1" },
            "servers": [{ "url": "http://127.0.0.1:9" }],
            "paths": { "/Accounts/{Sid}": { "post": {
                "operationId": "values",
                "parameters": [{ "name": "Sid", "in": "path", "required": true, "schema": sid }],
                "requestBody": { "content": { "application/json": { "schema": {
                    "type": "object", "properties": properties,
                    "required": (0..schemas.len()).map(|i| format!("p{i}")).collect::<Vec<_>>(),
                } } } },
                "responses": { "200": { "description": "ok" } }
            } } }
        });
        let spec = fixture.file(&format!("derived-{round}.json"), &document.to_string());
        let out = fixture.path().join(format!("derived-{round}.yaml"));
        let output = import(&spec.display().to_string(), &out, &[]);
        assert_eq!(output.code, 0, "{output:?}");
        assert_eq!(schema_errors(&out), Vec::<String>::new());
        let written: Value =
            serde_yaml::from_str(&std::fs::read_to_string(&out).expect("written")).expect("YAML");
        let request = &written["steps"][0]["request"];
        assert_eq!(
            request["url"], "{{base_url}}/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "{written:#}"
        );
        let draft = if openapi_31 {
            jsonschema::Draft::Draft202012
        } else {
            jsonschema::Draft::Draft4
        };
        for (i, schema) in schemas.iter().enumerate() {
            let value = &request["json"][format!("p{i}")];
            let text = value.as_str().unwrap_or_default();
            if let Some(variable) = text.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")) {
                // A required input: reported, with where and why.
                let said = format!("values · p{i} (schema derived-{round}.json#/paths/");
                assert!(
                    output.stderr.contains(&said)
                        && output.stderr.contains(&format!("`--var {variable}=...`")),
                    "{schema}: {said} not in {}",
                    output.stderr
                );
                assert_eq!(
                    written["vars"][variable],
                    format!("{{{{env.{}}}}}", variable.to_uppercase())
                );
                let simple = schema.get("minLength").is_none()
                    && schema.get("maxLength").is_none()
                    && schema.get("format").is_none()
                    && i < 40;
                assert!(
                    !(simple && schema["type"] == "string"),
                    "a simple pattern is derived: {schema}"
                );
                inputs += 1;
                continue;
            }
            // The value as it is sent (a string is a template: `\{{` is `{{`).
            let sent = match value {
                Value::String(text) => Value::String(text.replace("\\{{", "{{")),
                other => other.clone(),
            };
            let validator = jsonschema::options()
                .with_draft(draft)
                .should_validate_formats(true)
                .build(schema)
                .expect("a schema");
            let errors: Vec<String> = validator
                .iter_errors(&sent)
                .map(|e| e.to_string())
                .collect();
            assert!(
                errors.is_empty(),
                "{sent} does not fit {schema}: {errors:?}"
            );
            derived += 1;
        }
        for fixed in 40..44 {
            assert!(
                request["json"][format!("p{fixed}")]
                    .as_str()
                    .is_some_and(|t| t.starts_with("{{")),
                "p{fixed}: {written:#}"
            );
        }
    }
    assert!(
        derived > 150 && inputs >= 24,
        "{derived} derived, {inputs} inputs"
    );
}

/// A path parameter none of whose values the importer can derive (its pattern is beyond the
/// generator) is a required input written as a template, not as text: the run refuses to
/// start without it, and sends the value given.
#[test]
fn a_path_parameter_no_derived_value_fits_is_a_required_input() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "api.yaml",
        &format!(
            r#"openapi: 3.1.0
info: {{ title: Calls, version: "1" }}
servers: [{{ url: "http://{server}" }}]
paths:
  /Calls/{{CallSid}}:
    get:
      operationId: FetchCall
      parameters:
        - {{ name: CallSid, in: path, required: true, schema: {{ type: string, pattern: "^CA(?=[0-9a-f])[0-9a-f]{{32}}$" }} }}
      responses:
        "200": {{ description: ok, content: {{ application/json: {{ schema: {{ type: object }} }} }} }}
"#,
            server = echo_server()
        ),
    );
    let out = fixture.path().join("calls.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("not translated: FetchCall · CallSid (schema api.yaml#/paths/~1Calls~1{CallSid}/get/parameters/0/schema)")
            && output.stderr.contains("look-around")
            && output.stderr.contains("set the input CALLSID"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(
        yaml.contains("url: \"{{base_url}}/Calls/{{CallSid}}\""),
        "{yaml}"
    );
    let strict = import(&spec.display().to_string(), &out, &["--strict"]);
    assert_eq!(strict.code, 2, "{strict:?}");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let report = fixture.path().join("report.json");
    let args = [
        "run".to_owned(),
        out.display().to_string(),
        "--report-json".into(),
        report.display().to_string(),
    ];
    let refused = runner(&args);
    assert_eq!(refused.code, 2, "{refused:?}");
    let sid = "CA0123456789abcdef0123456789abcdef";
    let run = runner_with_env(&args, &[("CALLSID", sid)]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        received(&report)["FetchCall"]["uri"],
        format!("/Calls/{sid}")
    );
}

/// The audit's reductions (`tests/fixtures/openapi/audit/patterns.yaml`): patterns that are
/// ECMA-262 but too large for the regex crate's default limit (`\S{1,8192}`,
/// `^.{0,262144}$`), a `[` inside a class, UTF-16 surrogate ranges — all compile and are
/// checked; a Java class (`\p{Graph}`) does not, and is left out of the checks with a note
/// naming the pattern's place (`file:line:col` and pointer) and why, every operation kept.
/// An AWS ARN pattern gives a derived value, not a required input; header parameters whose
/// names cannot be sent are left out, said where; a `*/*` JSON body is a JSON body; a
/// mutual TLS alternative to a bearer token is not reported as left out.
#[test]
fn patterns_that_do_not_compile_leave_the_rest_of_the_document_imported_and_checked() {
    let fixture = Fixture::new();
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openapi/audit/patterns.yaml");
    let out = fixture.path().join("patterns.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let stderr = &output.stderr;
    assert!(
        stderr.contains("patterns.yaml:37:53 (patterns.yaml#/paths/~1session/post/responses/200/content/application~1json/schema/properties/display/pattern)")
            && stderr.contains("`\\p{Graph}` is no Unicode property of ECMA-262"),
        "{stderr}"
    );
    for compiled in ["token", "text", "code", "xml"] {
        assert!(
            !stderr.contains(&format!("properties/{compiled}/")),
            "{compiled}: {stderr}"
        );
    }
    assert!(
        stderr.contains("header parameter ``\n  its name is empty (patterns.yaml#/paths/~1things~1{arn}/get/parameters/1)")
            && stderr.contains("header parameter `X Trace Id`"),
        "{stderr}"
    );
    assert!(!stderr.contains("ClientCertificate"), "{stderr}");
    assert!(
        !stderr.contains("ARN") && !stderr.contains("set the input"),
        "{stderr}"
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(
        yaml.contains("url: \"{{base_url}}/things/arn:aws:::000000000000:a\"")
            && yaml.contains("json: { name: kim }")
            && !yaml.contains("body_file")
            && !yaml.contains("\"\": "),
        "{yaml}"
    );
    let validated = runner(["validate".to_owned(), out.display().to_string()]);
    assert_eq!(validated.code, 0, "{validated:?}");
}

/// Each response's body is checked against the patterns that compile, also those the regex
/// crate's default limit refused (ECMA-262's meaning: `\S` is no whitespace, `[[` a `[`), and
/// a body that breaks one fails the step: a pattern left out silences only itself.
#[test]
fn large_and_ecma_only_patterns_are_checked_in_responses() {
    let fixture = Fixture::new();
    let spec = fixture.file(
        "api.yaml",
        &format!(
            r#"openapi: 3.0.3
info: {{ title: Echo, version: "1" }}
servers: [{{ url: "http://{server}" }}]
paths:
  /good:
    get:
      operationId: good
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  method: {{ type: string, pattern: '^\S{{1,8192}}$' }}
                  version: {{ type: string, pattern: '^[[A-Z0-9/.]{{1,18}}$' }}
                  uri: {{ type: string, pattern: '[\p{{Graph}}]+' }}
  /bad:
    get:
      operationId: bad
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  method: {{ type: string, pattern: '^\S{{1,8192}}x$' }}
"#,
            server = echo_server()
        ),
    );
    let out = fixture.path().join("echo.yaml");
    let output = import(&spec.display().to_string(), &out, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    let run = runner(["run".to_owned(), out.display().to_string()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("✓ good") && run.stdout.contains("✗ bad"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("does not match \"^\\S{1,8192}x$\""),
        "{run:?}"
    );
}

/// A pattern a user writes in `expect.schema` compiles as ECMA-262 reads it, and one that does
/// not compile is a load problem naming where in the schema and why — not a panic, not a pass.
#[test]
fn an_expect_schema_pattern_compiles_as_ecma_262_or_is_a_located_load_problem() {
    let fixture = Fixture::new();
    let collection = |pattern: &str| {
        format!(
            r#"name: schema patterns
steps:
  - name: echo
    request:
      url: http://{server}/x
    expect:
      schema:
        type: object
        properties:
          method: {{ type: string, pattern: '{pattern}' }}
"#,
            server = echo_server()
        )
    };
    let good = fixture.file("good.yaml", &collection(r"^[[A-Z]\S{1,8192}$"));
    let run = runner(["run".to_owned(), good.display().to_string()]);
    assert_eq!(run.code, 0, "{run:?}");
    let failing = fixture.file("failing.yaml", &collection(r"^\S{1,8192}x$"));
    let run = runner(["run".to_owned(), failing.display().to_string()]);
    assert_eq!(run.code, 1, "{run:?}");
    let java = fixture.file("java.yaml", &collection(r"[\p{Graph}\x20]*"));
    let validated = runner(["validate".to_owned(), java.display().to_string()]);
    assert_eq!(validated.code, 2, "{validated:?}");
    assert!(
        validated.stderr.contains("java.yaml:8:9")
            && validated
                .stderr
                .contains("the pattern at `/properties/method/pattern` does not compile")
            && validated
                .stderr
                .contains("`\\p{Graph}` is no Unicode property"),
        "{validated:?}"
    );
}

/// Whatever the importer writes loads: every OpenAPI document among the fixtures imports,
/// and the collection passes `runner validate` once the files it asks for are in place.
#[test]
fn every_fixture_document_imports_to_a_collection_that_validates() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi");
    let mut documents = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                let text = std::fs::read_to_string(&path).expect("a fixture");
                // Documents, not the schema files they refer to.
                if text.contains("openapi:") || text.contains("\"openapi\"") {
                    documents.push(path);
                }
            }
        }
    }
    documents.sort();
    assert!(documents.len() >= 7, "{documents:?}");
    for (index, document) in documents.iter().enumerate() {
        let fixture = Fixture::new();
        let out = fixture.path().join(format!("imported-{index}.yaml"));
        let output = import(&document.display().to_string(), &out, &[]);
        assert_eq!(output.code, 0, "{}: {output:?}", document.display());
        let yaml = std::fs::read_to_string(&out).expect("written");
        // The files a binary body or a file part names, which the user puts in place.
        for file in yaml
            .split(|c: char| c.is_whitespace() || c == ',' || c == '}')
            .filter(|word| word.starts_with("files/"))
        {
            let path = fixture.path().join(file);
            std::fs::create_dir_all(path.parent().expect("files/")).expect("a folder");
            std::fs::write(&path, b"x").expect("a file");
        }
        let validated = runner(["validate".to_owned(), out.display().to_string()]);
        assert_eq!(
            validated.code,
            0,
            "{}: {validated:?}\n{yaml}",
            document.display()
        );
    }
}

/// A collection that checks responses against a document with a part runner cannot compile
/// (a `pattern` in Java's syntax) says so when it is validated and run: the run checks less
/// than the document says, and the user is told which part.
#[test]
fn run_and_validate_tell_what_expect_openapi_does_not_check() {
    let fixture = crate::support::Fixture::new();
    let document = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openapi/audit/patterns.yaml");
    let collection = fixture.file(
        "c.yaml",
        &format!(
            "name: c\nopenapi: {}\ndefaults:\n  expect: {{ openapi: true }}\nsteps:\n  - name: s\n    request: {{ url: \"http://127.0.0.1:1/x\" }}\n",
            document.display()
        ),
    );
    for command in ["validate", "run"] {
        let output = crate::support::runner([command.as_ref(), collection.as_os_str()]);
        assert!(
            output
                .stderr
                .contains("warning: `expect.openapi` does not check its pattern")
                && output.stderr.contains("\\p{Graph}"),
            "{command}: {output:?}"
        );
    }
    // Ten are told, then how many more: a document with hundreds does not flood the output.
    let properties: String = (0..13)
        .map(|i| format!("p{i}: {{ type: string, pattern: '\\p{{Alnum}}{{{i}}}' }}, "))
        .collect();
    fixture.file(
        "many.yaml",
        &format!("openapi: 3.1.0\ninfo: {{ title: t, version: \"1\" }}\npaths:\n  /a:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {{ type: object, properties: {{ {properties} }} }}\n"),
    );
    let many = fixture.file(
        "m.yaml",
        "name: m\nopenapi: many.yaml\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/a\" }\n    expect: { openapi: true }\n",
    );
    let output = crate::support::runner(["validate".as_ref(), many.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    let told = output
        .stderr
        .matches("warning: `expect.openapi` does not check its pattern")
        .count();
    assert_eq!(told, 10, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("warning: … and 3 more parts of the OpenAPI documents"),
        "{}",
        output.stderr
    );
}
