//! `runner import har`: the sandbox recording imports, validates and runs green against the
//! sandbox with the token captured (not written); filters, static assets, bodies, cookies,
//! redirects, and bad input.

use crate::support::{runner, Fixture};

const SANDBOX_HAR: &str = "tests/fixtures/har/emnify-sandbox.har";

#[test]
fn the_sandbox_recording_runs_green_against_the_sandbox() {
    let dir = Fixture::new();
    let out = dir.path().join("emnify.yaml");
    let import = runner([
        "import",
        "har",
        SANDBOX_HAR,
        "--sandbox",
        "emnify",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(import.code, 0, "{import:?}");
    assert!(
        import.stderr.contains("1 static asset"),
        "{}",
        import.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    // The recorded token and the application token are not written; the token is captured.
    let har = std::fs::read_to_string(SANDBOX_HAR).expect("har");
    let token = regex::Regex::new(r"Bearer ([\w.-]+)").expect("regex");
    let recorded = &token.captures(&har).expect("a bearer token")[1];
    assert!(!yaml.contains(recorded));
    assert!(!yaml.contains("sandbox-application-token"), "{yaml}");
    assert!(
        yaml.contains("auth_token: { jsonpath: $.auth_token, secret: true }"),
        "{yaml}"
    );
    assert!(
        yaml.contains("Authorization: Bearer {{auth_token}}"),
        "{yaml}"
    );
    assert!(
        yaml.contains("url: \"{{base_url}}/api/v1/endpoint/{{id}}\""),
        "{yaml}"
    );
    assert!(yaml.contains("id: $[1].id"), "{yaml}");
    assert!(yaml.contains("status: 200"));
    assert!(!yaml.contains("favicon"));
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);
    let run = runner(["run", &out.display().to_string()]);
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
    assert!(run.stdout.contains("3 passed"), "{}", run.stdout);
}

const HAND_WRITTEN: &str = r#"{"log": {"version": "1.2", "creator": {"name": "hand", "version": "1"}, "entries": [
 {"request": {"method": "POST", "url": "https://shop.example/login", "httpVersion": "HTTP/2",
   "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
   "cookies": [{"name": "tracking", "value": "trk-secret-42"}], "queryString": [],
   "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [
     {"name": "user", "value": "ann"}, {"name": "password", "value": "hunter2-secret"}]},
   "headersSize": -1, "bodySize": 30},
  "response": {"status": 302, "statusText": "Found", "httpVersion": "HTTP/2",
   "headers": [{"name": "Location", "value": "/home"}, {"name": "Set-Cookie", "value": "session=s3ss10n-value; Path=/; HttpOnly"}],
   "cookies": [], "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "/home", "headersSize": -1, "bodySize": 0},
  "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1},
 {"request": {"method": "GET", "url": "https://shop.example/home", "httpVersion": "HTTP/2",
   "headers": [{"name": "Cookie", "value": "session=s3ss10n-value; tracking=trk-secret-42"}],
   "cookies": [{"name": "session", "value": "s3ss10n-value"}, {"name": "tracking", "value": "trk-secret-42"}],
   "queryString": [], "headersSize": -1, "bodySize": 0},
  "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
   "content": {"size": 2, "mimeType": "text/html", "text": "ok"}, "redirectURL": "", "headersSize": -1, "bodySize": 2},
  "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "startedDateTime": "2024-05-01T10:00:01.000Z", "time": 1},
 {"request": {"method": "POST", "url": "https://shop.example/upload", "httpVersion": "HTTP/2",
   "headers": [{"name": "Content-Type", "value": "multipart/form-data; boundary=----x"}], "cookies": [], "queryString": [],
   "postData": {"mimeType": "multipart/form-data; boundary=----x", "params": [
     {"name": "title", "value": "Q2"}, {"name": "doc", "fileName": "report.pdf", "contentType": "application/pdf"}]},
   "headersSize": -1, "bodySize": 100},
  "response": {"status": 201, "statusText": "Created", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
   "content": {"size": 0, "mimeType": "application/json", "text": "{}"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
  "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "startedDateTime": "2024-05-01T10:00:02.000Z", "time": 1},
 {"request": {"method": "GET", "url": "https://cdn.other.example/app.js", "httpVersion": "HTTP/2", "headers": [], "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
  "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
   "content": {"size": 1, "mimeType": "application/javascript", "text": ";"}, "redirectURL": "", "headersSize": -1, "bodySize": 1},
  "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "startedDateTime": "2024-05-01T10:00:03.000Z", "time": 1}
]}}"#;

#[test]
fn bodies_cookies_redirects_and_filters() {
    let dir = Fixture::new();
    let har = dir.file("shop.har", HAND_WRITTEN);
    let har = har.display().to_string();
    let output = runner(["import", "har", &har]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = &output.stdout;
    for secret in ["hunter2-secret", "trk-secret-42", "s3ss10n-value"] {
        assert!(!yaml.contains(secret), "{secret}:\n{yaml}");
    }
    assert!(
        yaml.contains("form: { user: ann, password: \"{{password}}\" }"),
        "{yaml}"
    );
    assert!(yaml.contains("follow_redirects: false"), "{yaml}");
    assert!(
        yaml.contains("status: 302") && yaml.contains("status: 201"),
        "{yaml}"
    );
    // The session cookie came from the 302's Set-Cookie: the run's cookie jar sends it.
    assert!(!yaml.contains("cookie_session"), "{yaml}");
    assert!(yaml.contains("tracking: \"{{cookie_tracking}}\""), "{yaml}");
    assert!(yaml.contains("multipart:\n        title: Q2\n"), "{yaml}");
    assert!(!yaml.contains("app.js"));
    assert!(output
        .stderr
        .contains("the file `report.pdf` of the part `doc` is not in the HAR"));

    let dir_out = dir.path().join("shop.yaml");
    let strict = runner([
        "import",
        "har",
        &har,
        "--strict",
        "-o",
        &dir_out.display().to_string(),
    ]);
    assert_eq!(strict.code, 2, "{strict:?}");
    assert!(!dir_out.exists());

    let filtered = runner([
        "import",
        "har",
        &har,
        "--method",
        "GET",
        "--host",
        "shop.example",
    ]);
    assert_eq!(filtered.code, 0, "{filtered:?}");
    assert!(filtered.stdout.contains("name: GET /home"));
    assert!(!filtered.stdout.contains("/login") && !filtered.stdout.contains("/upload"));
    let assets = runner([
        "import",
        "har",
        &har,
        "--assets",
        "--content-type",
        "javascript",
    ]);
    assert!(assets.stdout.contains("name: GET /app.js"), "{assets:?}");
    let none = runner(["import", "har", &har, "--host", "nowhere.example"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("has no request left to import"),
        "{}",
        none.stderr
    );
}

/// Two entries whose URLs carry credentials in the query, as browsers record them (also in
/// `queryString`): a plain query, and one kept in the URL (a name repeats, one has no `=`).
const QUERY_CREDENTIALS: &str = r#"{"log": {"version": "1.2", "creator": {"name": "hand", "version": "1"}, "entries": [
 {"request": {"method": "GET", "url": "https://api.example/x?api_key=QK-har-1111&access_token=AT-har-2222&page=2", "httpVersion": "HTTP/2",
   "headers": [], "cookies": [], "queryString": [{"name": "api_key", "value": "QK-har-1111"},
     {"name": "access_token", "value": "AT-har-2222"}, {"name": "page", "value": "2"}], "headersSize": -1, "bodySize": 0},
  "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
   "content": {"size": 2, "mimeType": "application/json", "text": "{}"}, "redirectURL": "", "headersSize": -1, "bodySize": 2},
  "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1},
 {"request": {"method": "GET", "url": "https://api.example/y?token=TK-har-3333&token=TK-har-4444&flag", "httpVersion": "HTTP/2",
   "headers": [], "cookies": [], "queryString": [{"name": "token", "value": "TK-har-3333"},
     {"name": "token", "value": "TK-har-4444"}, {"name": "flag", "value": ""}], "headersSize": -1, "bodySize": 0},
  "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
   "content": {"size": 2, "mimeType": "application/json", "text": "{}"}, "redirectURL": "", "headersSize": -1, "bodySize": 2},
  "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "startedDateTime": "2024-05-01T10:00:01.000Z", "time": 1}
]}}"#;

#[test]
fn query_credentials_become_secret_inputs() {
    let dir = Fixture::new();
    let har = dir.file("keys.har", QUERY_CREDENTIALS);
    let out = dir.path().join("keys.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for credential in ["QK-har-1111", "AT-har-2222", "TK-har-3333", "TK-har-4444"] {
        assert!(!yaml.contains(credential), "{credential}:\n{yaml}");
        assert!(!output.stderr.contains(credential), "{}", output.stderr);
    }
    for wanted in [
        "query: { api_key: \"{{api_key}}\", access_token: \"{{access_token}}\", page: \"2\" }",
        "url: \"{{base_url}}/y?token={{token}}&token={{token_2}}&flag\"",
        "api_key: \"{{env.API_KEY}}\"",
        "token_2: \"{{env.TOKEN_2}}\"",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    for input in ["API_KEY", "ACCESS_TOKEN", "TOKEN", "TOKEN_2"] {
        assert!(
            yaml.contains(&format!("  {input}:\n    secret: true\n")),
            "{input}:\n{yaml}"
        );
    }
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");
}

/// A recorded query and form whose names repeat (interleaved with others): lists of their
/// values, each name's in the recorded order.
#[test]
fn repeated_query_names_and_form_fields_become_lists() {
    let dir = Fixture::new();
    let har = dir.file(
        "lists.har",
        r#"{"log": {"version": "1.2", "creator": {"name": "hand", "version": "1"}, "entries": [
 {"request": {"method": "POST", "url": "https://api.example/search?tag=a&page=2&tag=b", "httpVersion": "HTTP/2",
   "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}], "cookies": [],
   "queryString": [{"name": "tag", "value": "a"}, {"name": "page", "value": "2"}, {"name": "tag", "value": "b"}],
   "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "pick=red&n=1&pick=blue%20sky"},
   "headersSize": -1, "bodySize": 27},
  "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
   "content": {"size": 2, "mimeType": "application/json", "text": "{}"}, "redirectURL": "", "headersSize": -1, "bodySize": 2},
  "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1}
]}}"#,
    );
    let out = dir.path().join("lists.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for wanted in [
        "url: \"{{base_url}}/search\"",
        "query: { tag: [a, b], page: \"2\" }",
        "form: { pick: [red, blue sky], \"n\": \"1\" }",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = Fixture::new();
    for (text, expected) in [
        ("not json", "is not a HAR file"),
        ("{\"log\": {}}", "missing field `entries`"),
        (
            "{\"log\": {\"entries\": [{\"request\": 1}]}}",
            "is not a HAR file",
        ),
        // In the format's words, not the Rust types the file is read with.
        (
            "{\"log\": {\"entries\": {}}}",
            "invalid type: a map, expected a list",
        ),
        (
            "{\"log\": {\"entries\": [{\"request\": []}]}}",
            "invalid type: a list, expected a map",
        ),
    ] {
        let file = dir.file("bad.har", text);
        let output = runner(["import", "har", &file.display().to_string()]);
        assert_eq!(output.code, 2, "{text}: {output:?}");
        assert!(
            output.stderr.contains(expected),
            "{text}: {}",
            output.stderr
        );
    }
}

/// A recorded URL with a user name and password (`http://admin:pw@host/`) is sent with them
/// as HTTP Basic credentials: the step's `auth: { basic }`, the password read from a secret
/// input and written nowhere; the run sends them.
#[test]
fn user_info_in_a_recorded_url_is_basic_auth_with_a_secret_password() {
    use base64::Engine as _;
    let dir = Fixture::new();
    let port = crate::support::server().port();
    let har = dir.file(
        "userinfo.har",
        &format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "hand", "version": "1"}}, "entries": [
 {{"request": {{"method": "GET", "url": "http://admin:h4r-url-pw@127.0.0.1:{port}/echo", "httpVersion": "HTTP/1.1",
   "headers": [], "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0}},
  "response": {{"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
   "content": {{"size": 2, "mimeType": "application/json", "text": "{{}}"}}, "redirectURL": "", "headersSize": -1, "bodySize": 2}},
  "cache": {{}}, "timings": {{"send": 0, "wait": 1, "receive": 0}}, "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1}}
]}}}}"#
        ),
    );
    let out = dir.path().join("userinfo.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for secret in ["h4r-url-pw", "admin:", "@127.0.0.1"] {
        assert!(!yaml.contains(secret), "{secret}:\n{yaml}");
        assert!(!output.stderr.contains(secret), "{}", output.stderr);
    }
    assert!(
        yaml.contains("auth: { basic: { username: admin, password: \"{{basic_password}}\" } }")
            && yaml.contains("BASIC_PASSWORD:\n    secret: true\n"),
        "{yaml}"
    );
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);

    let basic = base64::engine::general_purpose::STANDARD.encode("admin:h4r-url-pw");
    let expect = format!("      jsonpath: {{ $.headers.authorization: \"Basic {basic}\" }}\n");
    std::fs::write(&out, format!("{yaml}{expect}")).expect("write");
    let run = crate::support::runner_with_env(
        ["run", &out.display().to_string()],
        &[("BASIC_PASSWORD", "h4r-url-pw")],
    );
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
    for secret in ["h4r-url-pw", &basic] {
        assert!(!run.stdout.contains(secret), "{secret}:\n{}", run.stdout);
        assert!(!run.stderr.contains(secret), "{secret}:\n{}", run.stderr);
    }
}

/// A body recorded only as `postData.params` (no `text`, as some exporters write a JSON body)
/// is rebuilt and sent: a JSON object of name → value for a JSON type (a credential field
/// lifted into a secret input), a form otherwise; never dropped.
#[test]
fn a_body_recorded_only_as_params_is_rebuilt_and_sent() {
    let dir = Fixture::new();
    let port = crate::support::server().port();
    let entry = |mime: &str, params: &str| {
        format!(
            r#"{{"request": {{"method": "POST", "url": "http://127.0.0.1:{port}/echo", "httpVersion": "HTTP/1.1",
   "headers": [{{"name": "Content-Type", "value": "{mime}"}}], "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 30,
   "postData": {{"mimeType": "{mime}", "params": [{params}]}}}},
  "response": {{"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
   "content": {{"size": 2, "mimeType": "application/json", "text": "{{}}"}}, "redirectURL": "", "headersSize": -1, "bodySize": 2}},
  "cache": {{}}, "timings": {{"send": 0, "wait": 1, "receive": 0}}, "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1}}"#
        )
    };
    let har = dir.file(
        "params.har",
        &format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "WebInspector", "version": "537.36"}}, "entries": [{}, {}]}}}}"#,
            entry(
                "application/json",
                r#"{"name": "eventId", "value": "cebd0fe1"}, {"name": "password", "value": "p4rams-pw"}"#
            ),
            entry("text/plain", r#"{"name": "a", "value": "1"}, {"name": "b", "value": "two"}"#),
        ),
    );
    let out = dir.path().join("params.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(!yaml.contains("p4rams-pw"), "{yaml}");
    assert!(!output.stderr.contains("p4rams-pw"), "{}", output.stderr);
    assert!(
        yaml.contains("json: { eventId: cebd0fe1, password: \"{{password}}\" }"),
        "{yaml}"
    );
    assert!(yaml.contains("form: { a: \"1\", b: two }"), "{yaml}");
    assert!(
        output
            .stderr
            .contains("the JSON body was recorded only as `params` (no `text`)"),
        "{}",
        output.stderr
    );
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);

    // What the server received: the JSON body (first step), the form (second, the last
    // thing written).
    let first = "      status: 200\n";
    let yaml = yaml.replacen(
        first,
        "      status: 200\n      jsonpath: { $.json.eventId: cebd0fe1, $.json.password: p4rams-pw, \"$.headers['content-type']\": application/json }\n",
        1,
    );
    let expect = "      jsonpath: { $.text: a=1&b=two }\n";
    std::fs::write(&out, format!("{yaml}{expect}")).expect("write");
    let run = crate::support::runner_with_env(
        ["run", &out.display().to_string()],
        &[("PASSWORD", "p4rams-pw")],
    );
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
    assert!(run.stdout.contains("2 passed"), "{}", run.stdout);
}

/// chrome-har writes some `params[].value` as numbers and booleans (HAR says text): the file
/// imports, a rebuilt JSON body keeps them as they were written, a form sends their text.
#[test]
fn chrome_har_params_that_are_numbers_or_booleans_import() {
    let dir = Fixture::new();
    let port = crate::support::server().port();
    let entry = |mime: &str, params: &str| {
        format!(
            r#"{{"request": {{"method": "POST", "url": "http://127.0.0.1:{port}/echo", "httpVersion": "HTTP/1.1",
   "headers": [{{"name": "Content-Type", "value": "{mime}"}}, {{"name": "X-Count", "value": 3}}], "cookies": [], "queryString": [],
   "headersSize": -1, "bodySize": 40, "postData": {{"mimeType": "{mime}", "params": [{params}]}}}},
  "response": {{"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
   "content": {{"size": 2, "mimeType": "application/json", "text": "{{}}"}}, "redirectURL": "", "headersSize": -1, "bodySize": 2}},
  "cache": {{}}, "timings": {{"send": 0, "wait": 1, "receive": 0}}, "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1}}"#
        )
    };
    let har = dir.file(
        "chrome-har.har",
        &format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "chrome-har", "version": "0.13"}}, "entries": [{}, {}]}}}}"#,
            entry(
                "application/json",
                r#"{"name": "productID", "value": 10418}, {"name": "anonymizeIP", "value": false}"#
            ),
            entry(
                "application/x-www-form-urlencoded",
                r#"{"name": "qty", "value": 2}, {"name": "gift", "value": true}"#
            ),
        ),
    );
    let out = dir.path().join("chrome-har.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for wanted in [
        "json: { productID: 10418, anonymizeIP: false }",
        "form: { qty: \"2\", gift: \"true\" }",
        "X-Count: \"3\"",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);

    let yaml = yaml.replacen(
        "      status: 200\n",
        "      status: 200\n      jsonpath: { $.json.productID: 10418, $.json.anonymizeIP: false }\n",
        1,
    );
    let expect = "      jsonpath: { $.text: qty=2&gift=true }\n";
    std::fs::write(&out, format!("{yaml}{expect}")).expect("write");
    let run = runner(["run", &out.display().to_string()]);
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
    assert!(run.stdout.contains("2 passed"), "{}", run.stdout);
}

/// An entry with a relative URL (harviewer's issue-78/xml.har records `"url": "XML"`) or a
/// `data:` URL has nothing runner can send it to: it is left out and reported, and the rest
/// validates; a HAR with nothing else is an error saying why.
#[test]
fn an_entry_whose_url_runner_cannot_send_is_reported_and_left_out() {
    let entry = |url: &str| {
        format!(
            r#"{{"request": {{"method": "GET", "url": "{url}", "headers": []}},
                "response": {{"status": 200, "headers": [], "content": {{"mimeType": "text/xml"}}}}}}"#
        )
    };
    let dir = Fixture::new();
    let har = dir.file(
        "mixed.har",
        &format!(
            r#"{{"log": {{"entries": [{}, {}, {}]}}}}"#,
            entry("XML?token=S3CRET-1"),
            entry("data:text/plain,hi"),
            entry("http://h.example/ok")
        ),
    );
    let out = dir.path().join("mixed.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("imported 1 request"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("the URL `XML` is not absolute"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 thing not translated"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("S3CRET"), "{}", output.stderr);
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(!yaml.contains("url: XML"), "{yaml}");
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");

    let only = dir.file(
        "only.har",
        &format!(r#"{{"log": {{"entries": [{}]}}}}"#, entry("XML")),
    );
    let output = runner(["import", "har", &only.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("has no request runner can send (1 entries: 1 runner cannot send (a relative or non-http URL"),
        "{}",
        output.stderr
    );
}

/// A WebSocket connection (Chrome's `_resourceType: websocket` with its frames, or a bare
/// `Upgrade: websocket` answered 101) is not a request runner can send: it is left out and
/// reported, not written as a GET expecting 101 with its handshake keys as secret inputs.
#[test]
fn a_web_socket_connection_is_reported_and_left_out() {
    let handshake = r#"[{"name": "Upgrade", "value": "websocket"},
        {"name": "Connection", "value": "Upgrade"},
        {"name": "Sec-WebSocket-Key", "value": "aOpK58kffMOGmH4do+rCyw=="}]"#;
    let chrome = format!(
        r#"{{"_resourceType": "websocket",
            "request": {{"method": "GET", "url": "https://h.example/chat?api_key=K3Y", "headers": {handshake}}},
            "response": {{"status": 101, "headers": [], "content": {{"mimeType": ""}}}},
            "_webSocketMessages": [{{"type": "send", "opcode": 1, "data": "hi"}},
                                   {{"type": "receive", "opcode": 1, "data": "hello"}}]}}"#
    );
    let bare = format!(
        r#"{{"request": {{"method": "GET", "url": "https://h.example/live", "headers": {handshake}}},
            "response": {{"status": 101, "headers": [], "content": {{"mimeType": ""}}}}}}"#
    );
    let plain = r#"{"request": {"method": "GET", "url": "https://h.example/ok", "headers": []},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/plain"}}}"#;
    let dir = Fixture::new();
    let har = dir.file(
        "ws.har",
        &format!(r#"{{"log": {{"entries": [{chrome}, {bare}, {plain}]}}}}"#),
    );
    let out = dir.path().join("ws.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stderr
            .contains("a WebSocket connection and its 2 messages: runner sends HTTP requests"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("2 things not translated"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(!yaml.contains("/chat") && !yaml.contains("/live"), "{yaml}");
    assert!(
        !yaml.contains("status: 101") && !yaml.contains("WEBSOCKET"),
        "{yaml}"
    );
    assert!(yaml.contains("base_url: https://h.example\n"), "{yaml}");
    assert!(yaml.contains("url: \"{{base_url}}/ok\""), "{yaml}");
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");

    let only = dir.file(
        "only.har",
        &format!(r#"{{"log": {{"entries": [{bare}]}}}}"#),
    );
    let output = runner(["import", "har", &only.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("or a WebSocket"),
        "{}",
        output.stderr
    );
}

/// A multipart file part whose content the HAR records (`fileName` and `value`) is sent as
/// that file: its content written beside the collection, the part's `file` pointing at it
/// and its `filename` the recorded one. A file part without its content is reported.
#[test]
fn a_multipart_file_part_recorded_with_its_content_is_sent_as_that_file() {
    let dir = Fixture::new();
    let har = dir.file(
        "upload.har",
        r#"{"log": {"entries": [{
            "request": {"method": "POST", "url": "http://h.example/upload", "headers": [
                {"name": "Content-Type", "value": "multipart/form-data; boundary=XyZ"}],
              "postData": {"mimeType": "multipart/form-data; boundary=XyZ", "params": [
                {"name": "note", "value": "hello"},
                {"name": "doc", "fileName": "../../report 1.csv", "contentType": "text/csv", "value": "a,b\n1,2\n"},
                {"name": "pic", "fileName": "pic.png", "contentType": "image/png"}]}},
            "response": {"status": 201, "headers": []}}]}}"#,
    );
    let out = dir.path().join("upload.yaml");
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stderr
            .contains("the file `pic.png` of the part `pic` is not in the HAR"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 thing not translated"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    for line in [
        "file: upload-files/report_1.csv",
        "content_type: text/csv",
        "filename: ../../report 1.csv",
    ] {
        assert!(yaml.contains(line), "{line}:\n{yaml}");
    }
    let written = std::fs::read_to_string(dir.path().join("upload-files/report_1.csv"))
        .expect("the part's content is written beside the collection");
    assert_eq!(written, "a,b\n1,2\n");
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");
    // To stdout, the file is not written, and runner says so.
    let output = runner(["import", "har", &har.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stderr
            .contains("warning: the collection reads upload-files/report_1.csv beside it, which only `-o FILE` writes"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_har_wrapped_in_a_call_as_har_viewer_reads_it_is_imported() {
    let dir = Fixture::new();
    let harp = dir.file(
        "session.harp",
        "onInputData({\"log\": {\"entries\": [{\n  \"request\": {\"method\": \"GET\", \"url\": \"http://h.example/a?b=1\", \"headers\": []},\n  \"response\": {\"status\": 200, \"headers\": []}}]}});\n",
    );
    let out = dir.path().join("session.yaml");
    let output = runner([
        "import",
        "har",
        &harp.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{validated:?}");
    // A problem inside is placed in the file, past the call's name.
    let broken = dir.file("broken.harp", "onInputData({\"log\": nope});");
    let output = runner(["import", "har", &broken.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("at line 1, column 22"),
        "{}",
        output.stderr
    );
}

/// A credential in a recorded body is never written, whatever its `mimeType` and shape (the
/// generator of the curl importer's test): each becomes a variable read from a secret input,
/// noted on stderr, and the collection validates.
#[test]
fn a_credential_in_any_recorded_body_is_never_written() {
    let cases = crate::import_curl::credential_bodies();
    let entries: Vec<serde_json::Value> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let headers = match case.content_type {
                Some(content_type) => {
                    serde_json::json!([{"name": "Content-Type", "value": content_type}])
                }
                None => serde_json::json!([]),
            };
            serde_json::json!({
                "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1,
                "request": {"method": "POST", "url": format!("https://api.example/b/{i}"),
                    "httpVersion": "HTTP/1.1", "headers": headers, "cookies": [],
                    "queryString": [], "headersSize": -1, "bodySize": case.body.len(),
                    "postData": {"mimeType": case.content_type.unwrap_or(""), "text": case.body}},
                "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                    "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "text/plain"},
                    "redirectURL": "", "headersSize": -1, "bodySize": 0},
                "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}
            })
        })
        .collect();
    let har = serde_json::json!({"log": {"version": "1.2",
        "creator": {"name": "hand", "version": "1"}, "entries": entries}});
    let dir = Fixture::new();
    let path = dir.file("bodies.har", &har.to_string());
    let out = dir.path().join("bodies.yaml");
    let output = runner([
        "import",
        "har",
        &path.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for case in &cases {
        assert!(
            !yaml.contains(&case.secret),
            "{:?} {:?}:\n{yaml}",
            case.content_type,
            case.body
        );
        assert!(
            !output.stderr.contains(&case.secret),
            "{:?}: {}",
            case.body,
            output.stderr
        );
    }
    for wanted in [
        // application/vnd.api+json and text/plain, as recorded, the credential a variable.
        r#"body: "{\"user\":\"ann\",\"password\":\"{{"#,
        "body: user=ann&password={{",
        "body: <login><user>ann</user><password>{{",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    assert!(
        output
            .stderr
            .contains("in the body (read as JSON) is now `{{"),
        "{}",
        output.stderr
    );
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{validated:?}");
}

/// An escape of a byte that is not UTF-8 (`%E9`, Latin-1's `é`) in a query or a form is sent
/// as recorded: a `query` or `form` map holds text, and would send U+FFFD's `%EF%BF%BD`.
#[test]
fn escapes_that_are_not_utf8_are_sent_as_recorded() {
    let dir = Fixture::new();
    let har = dir.file(
        "latin1.har",
        r#"{"log": {"entries": [{
            "request": {"method": "GET", "url": "http://h.example/s?q=caf%E9&x=1", "headers": []},
            "response": {"status": 200, "headers": []}}, {
            "request": {"method": "POST", "url": "http://h.example/f", "headers": [],
              "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [
                {"name": "d", "value": "%E9"}, {"name": "e", "value": "caf%C3%A9"}]}},
            "response": {"status": 200, "headers": []}}, {
            "request": {"method": "POST", "url": "http://h.example/g", "headers": [],
              "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "t=%E9"}},
            "response": {"status": 200, "headers": []}}]}}"#,
    );
    let output = runner(["import", "har", &har.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = &output.stdout;
    for written in ["/s?q=caf%E9&x=1", "body: d=%E9&e=caf%C3%A9", "body: t=%E9"] {
        assert!(yaml.contains(written), "{written}:\n{yaml}");
    }
    assert!(!yaml.contains('\u{fffd}'), "{yaml}");
}
