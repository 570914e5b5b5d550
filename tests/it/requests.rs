//! Requests as users write them: bodies, auth helpers, cookies, redirects, TLS, proxies and
//! `--curl` — the real binary against loopback servers.

use std::path::Path;

use crate::servers::{self, other_seen, other_server, tokens_issued, Pki, CLIENT_SECRET};
use crate::support::{closed_port, runner, runner_with_env, Fixture, ISSUED_TOKEN};

/// Writes `yaml` with `{{R}}` (the request-features server) and `{{OTHER}}` (the second
/// origin) replaced, and runs it with `args`.
fn run(fixture: &Fixture, yaml: &str, args: &[&str]) -> crate::support::Output {
    run_with_env(fixture, yaml, args, &[])
}

fn run_with_env(
    fixture: &Fixture,
    yaml: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> crate::support::Output {
    let text = yaml
        .replace("{{R}}", &format!("http://{}", servers::server()))
        .replace("{{OTHER}}", &format!("http://{}", other_server()));
    let path = fixture.file("c.yaml", &text);
    let mut all = vec!["run".to_owned(), path.display().to_string()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    runner_with_env(all, env)
}

#[test]
fn every_body_kind_is_sent_as_written() {
    let fixture = Fixture::new();
    std::fs::write(fixture.path().join("payload.bin"), "raw file body").expect("write");
    std::fs::write(fixture.path().join("data.csv"), "a,b\n1,2\n").expect("write");
    let output = run(
        &fixture,
        r#"
name: Bodies
vars: { who: Ada, n: 3 }
steps:
  - name: JSON
    request: { method: POST, url: "{{R}}/echo", json: { name: "{{who}}", n: "{{n}}" } }
    expect:
      jsonpath: { $.json.n: 3, $.json.name: Ada, "$.headers['content-type']": application/json }
  - name: Text
    request: { method: POST, url: "{{R}}/echo", body: "hello {{who}}" }
    expect:
      jsonpath: { $.text: hello Ada, "$.headers['content-type']": text/plain; charset=utf-8 }
  - name: Empty
    request: { method: POST, url: "{{R}}/echo", body: "" }
    expect:
      jsonpath: { $.text: "", "$.headers['content-length']": "0" }
  - name: File
    request: { method: PUT, url: "{{R}}/echo", body_file: payload.bin, headers: { Content-Type: application/x-thing } }
    expect:
      jsonpath: { $.text: raw file body, "$.headers['content-type']": application/x-thing, "$.headers['content-length']": "13" }
  - name: Form
    request: { method: POST, url: "{{R}}/echo", form: { user: "{{who}}", q: "a b&c", n: 1 } }
    expect:
      jsonpath: { $.text: user=Ada&q=a+b%26c&n=1, "$.headers['content-type']": application/x-www-form-urlencoded }
  - name: Multipart
    request:
      method: POST
      url: "{{R}}/echo"
      multipart:
        title: "report for {{who}}"
        meta: { value: '{"k":1}', content_type: application/json }
        doc: { file: data.csv, content_type: text/csv, filename: numbers.csv }
        first name: Ann
        'prénom "x"': Zoé
    expect:
      jsonpath:
        "$.headers['content-type']": { starts_with: multipart/form-data; boundary= }
        $.text:
          contains: "Content-Disposition: form-data; name=\"doc\"; filename=\"numbers.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n"
        # Names as browsers and curl write them (RFC 7578 §4.2), not `name*=utf-8''…`.
        $['text']:
          contains: "Content-Disposition: form-data; name=\"first name\"\r\n\r\nAnn\r\n"
        $["text"]:
          contains: "Content-Disposition: form-data; name=\"prénom %22x%22\"\r\n\r\nZoé\r\n"
      body: { contains: report for Ada }
  - name: GraphQL
    request:
      method: POST
      url: "{{R}}/echo"
      graphql:
        query: "query Get($id: ID!) { user(id: $id) { name } }"
        variables: { id: "{{n}}" }
        operation_name: Get
    expect:
      jsonpath:
        $.json.query: "query Get($id: ID!) { user(id: $id) { name } }"
        $.json.variables.id: 3
        $.json.operationName: Get
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("7 passed"), "{}", output.stdout);
}

/// A JSON body's keys are templates, as its values are (and as in Postman and Hurl); the
/// names a request sends as written — query parameters', form fields', parts', cookies' —
/// are refused at load, at the name, when they hold `{{`, instead of going out as `{{…}}`.
#[test]
fn json_keys_are_rendered_and_names_sent_as_written_refuse_templates() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        r#"
name: Keys
vars: { field: color, n: 3 }
steps:
  - name: JSON keys
    request:
      method: POST
      url: "{{R}}/echo"
      json: { "{{field}}": red, "id-{{n}}": { "{{field}}": "{{n}}" }, "\\{{field}}": 1 }
    expect:
      jsonpath:
        $.json.color: red
        "$.json['id-3'].color": 3
        "$.json['{{field}}']": 1
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");

    let path = fixture.file(
        "names.yaml",
        r#"name: Names
vars: { k: a }
steps:
  - name: s
    request:
      method: POST
      url: "{{SERVER}}/hit/templated-names"
      query: { "{{k}}": 1, ok: 2 }
      cookies: { "c{{k}}": 1 }
  - name: t
    request: { method: POST, url: "{{SERVER}}/hit/templated-names", form: { "{{k}}": 1 } }
  - name: u
    request:
      method: POST
      url: "{{SERVER}}/hit/templated-names"
      multipart:
        "{{k}}": { value: v }
  - name: w
    request:
      url: "{{SERVER}}/hit/templated-names"
      auth: { api_key: { query: "{{k}}", value: v } }
      multipart:
        f: { value: v, filename: "{{k}}.csv" }
    paginate: { next: { query: "{{k}}" } }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(crate::support::hits("templated-names"), 0);
    for (what, at) in [
        ("a query parameter's name", "names.yaml:8:16"),
        ("a cookie's name", "names.yaml:9:18"),
        // (its column moves with the server's port)
        ("a form field's name", "names.yaml:11:"),
        ("a multipart part's name", "names.yaml:17:9"),
        ("the query parameter an API key goes in", "names.yaml:21:"),
        ("a part's file name", "names.yaml:23:"),
        (
            "the query parameter a page is asked for by",
            "names.yaml:24:",
        ),
    ] {
        assert!(
            output
                .stderr
                .contains(&format!("{what} is sent as written")),
            "{what}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains(at),
            "{what} at {at}: {}",
            output.stderr
        );
    }
}

#[test]
fn two_bodies_or_a_missing_file_are_load_errors_that_send_nothing() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "bad.yaml",
        r#"name: Bad bodies
steps:
  - name: Two bodies
    request: { method: POST, url: "{{SERVER}}/hit/two-bodies", json: { a: 1 }, form: { a: 1 } }
  - name: No file
    request: { method: POST, url: "{{SERVER}}/hit/two-bodies", body_file: nowhere.bin }
  - name: Bad auth
    request: { url: "{{SERVER}}/hit/two-bodies", auth: { api_key: { header: X-Key, query: key, value: v } } }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(crate::support::hits("two-bodies"), 0);
    let err = &output.stderr;
    assert!(
        err.contains("a request has one body, but this one has `json` and `form`"),
        "{err}"
    );
    assert!(err.contains("bad.yaml:4:"), "{err}");
    assert!(
        err.contains("hint: keep one of: json, body, body_file, form, multipart, graphql"),
        "{err}"
    );
    assert!(err.contains("nowhere.bin"), "{err}");
    assert!(err.contains("field: steps[1].request.body_file"), "{err}");
    assert!(
        err.contains("give exactly one of `header` and `query`"),
        "{err}"
    );
}

#[test]
fn auth_helpers_are_inherited_overridden_and_opted_out_of() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        r#"
name: Auth helpers
defaults:
  auth: { bearer: "{{token}}" }
vars: { token: bt-Default-Token-5, key: ak-Key-Value-6 }
steps:
  - name: Inherited bearer
    request: { url: "{{R}}/echo" }
    expect: { jsonpath: { $.headers.authorization: Bearer bt-Default-Token-5 } }
  - name: Basic
    request: { url: "{{R}}/echo", auth: { basic: { username: alice, password: pw-Basic-Secret-42 } } }
    expect: { jsonpath: { $.headers.authorization: Basic YWxpY2U6cHctQmFzaWMtU2VjcmV0LTQy } }
  - name: API key header
    request: { url: "{{R}}/echo", auth: { api_key: { header: X-API-Key, value: "{{key}}" } } }
    expect: { jsonpath: { "$.headers['x-api-key']": ak-Key-Value-6, $.headers.authorization: { exists: false } } }
  - name: API key query
    request: { url: "{{R}}/echo", query: { a: 1 }, auth: { api_key: { query: api_key, value: "{{key}}" } } }
    expect: { jsonpath: { $.query: a=1&api_key=ak-Key-Value-6 } }
  - name: None
    request: { url: "{{R}}/echo", auth: none }
    expect: { jsonpath: { $.headers.authorization: { exists: false } } }
"#,
        &["-v"],
    );
    assert_eq!(output.code, 0, "{output:?}");
    for secret in [
        "bt-Default-Token-5",
        "ak-Key-Value-6",
        "pw-Basic-Secret-42",
        "YWxpY2U6cHctQmFzaWMtU2VjcmV0LTQy",
    ] {
        assert!(
            !output.stdout.contains(secret),
            "{secret} leaks:\n{}",
            output.stdout
        );
    }
    assert!(
        output.stdout.contains("> authorization: Basic ***"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("> x-api-key: ***"),
        "{}",
        output.stdout
    );
}

fn oauth2_collection(client_id: &str, steps: &str) -> String {
    format!(
        r#"
name: OAuth2
inputs: {{ CLIENT_SECRET: {{ secret: true }} }}
defaults:
  auth:
    oauth2:
      client_credentials:
        token_url: "{{{{R}}}}/oauth/token"
        client_id: {client_id}
        client_secret: "{{{{env.CLIENT_SECRET}}}}"
        scope: read write
        audience: https://api.test
steps:
{steps}
"#
    )
}

fn protected_steps(count: usize) -> String {
    (1..=count)
        .map(|i| {
            format!(
                "  - name: Call {i}\n    request: {{ url: \"{{{{R}}}}/oauth/protected\" }}\n    expect: {{ status: 200 }}\n"
            )
        })
        .collect()
}

/// `--jobs` runs collections on several threads, each with its own connections: the token
/// is still fetched once for the whole run.
#[test]
fn collections_on_several_threads_share_one_token() {
    let fixture = Fixture::new();
    let yaml = oauth2_collection("threads", &protected_steps(5))
        .replace("{{R}}", &format!("http://{}", servers::server()));
    for i in 1..=4 {
        fixture.file(&format!("c{i}.yaml"), &yaml);
    }
    let output = runner_with_env(
        vec![
            "run".to_owned(),
            "--jobs".to_owned(),
            "4".to_owned(),
            fixture.path().display().to_string(),
        ],
        &[("CLIENT_SECRET", CLIENT_SECRET)],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("20 passed"), "{}", output.stdout);
    assert_eq!(tokens_issued("threads"), 1);
}

#[test]
fn twenty_steps_fetch_one_token_and_no_secret_appears_anywhere() {
    let fixture = Fixture::new();
    let yaml = oauth2_collection("twenty", &protected_steps(20))
        + r#"  - name: Basic too
    request: { url: "{{R}}/echo", auth: { basic: { username: bob, password: pw-Basic-Secret-42 } } }
    expect: { status: 200 }
"#;
    let dir = fixture.path().display().to_string();
    let (json, junit, html, tap, curl) = (
        format!("{dir}/r.json"),
        format!("{dir}/r.xml"),
        format!("{dir}/r.html"),
        format!("{dir}/r.tap"),
        format!("{dir}/requests.sh"),
    );
    let output = run_with_env(
        &fixture,
        &yaml,
        &[
            "-vv",
            "--report-json",
            &json,
            "--report-junit",
            &junit,
            "--report-html",
            &html,
            "--report-tap",
            &tap,
            "--curl",
            &curl,
        ],
        &[("CLIENT_SECRET", CLIENT_SECRET)],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(tokens_issued("twenty"), 1);
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode("bob:pw-Basic-Secret-42");
    let token = "at-twenty-";
    let mut texts = vec![
        ("stdout", output.stdout.clone()),
        ("stderr", output.stderr.clone()),
    ];
    for file in [&json, &junit, &html, &tap, &curl] {
        texts.push((
            file.as_str(),
            std::fs::read_to_string(file).expect("report written"),
        ));
    }
    for (name, text) in &texts {
        for secret in [CLIENT_SECRET, "pw-Basic-Secret-42", basic.as_str(), token] {
            assert!(!text.contains(secret), "{name} leaks {secret}:\n{text}");
        }
    }
    assert!(
        output.stdout.contains("> authorization: Bearer ***"),
        "{}",
        output.stdout
    );
    let curl_text = &texts[6].1;
    assert!(
        curl_text.contains("-H 'authorization: Bearer ***'"),
        "{curl_text}"
    );
    assert!(
        curl_text.contains("-H 'authorization: Basic ***'"),
        "{curl_text}"
    );
}

#[test]
fn an_expired_token_is_fetched_again() {
    let fixture = Fixture::new();
    let steps = protected_steps(1)
        + "  - name: Wait for expiry\n    request: { url: \"{{SERVER}}/sleep/1100\", auth: none }\n"
        + &protected_steps(1).replace("Call 1", "Call again");
    let output = run_with_env(
        &fixture,
        &oauth2_collection("short-lived", &steps),
        &[],
        &[("CLIENT_SECRET", CLIENT_SECRET)],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(tokens_issued("short-lived"), 2);
}

#[test]
fn a_401_fetches_a_new_token_and_retries_once() {
    let fixture = Fixture::new();
    let steps = protected_steps(1)
        + "  - name: Revoke\n    request: { method: POST, url: \"{{R}}/oauth/revoke?client_id=revoked\", auth: none }\n"
        + &protected_steps(1).replace("Call 1", "Call after revocation");
    let output = run_with_env(
        &fixture,
        &oauth2_collection("revoked", &steps),
        &[],
        &[("CLIENT_SECRET", CLIENT_SECRET)],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(tokens_issued("revoked"), 2);
}

#[test]
fn a_rejected_client_is_a_runtime_error_without_the_secret() {
    let fixture = Fixture::new();
    let output = run_with_env(
        &fixture,
        &oauth2_collection("rejected", &protected_steps(1)),
        &[],
        &[("CLIENT_SECRET", "wrong-Secret-Value-9")],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stdout
            .contains("could not get an OAuth2 token from http://127.0.0.1:"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("answered 401 (invalid_client: bad client credentials)"),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains("wrong-Secret-Value-9"));
}

/// A step that gets `url` (on the request-features server) within `timeout`, with an OAuth2
/// token from `token_path` there, and expects 200.
fn token_step(name: &str, client_id: &str, token_path: &str, url: &str, timeout: &str) -> String {
    format!(
        r#"  - name: {name}
    request:
      url: "{{{{R}}}}{url}"
      timeout: {timeout}
      auth:
        oauth2:
          client_credentials:
            token_url: "{{{{R}}}}{token_path}"
            client_id: {client_id}
            client_secret: "{{{{env.CLIENT_SECRET}}}}"
    expect: {{ status: 200 }}
"#
    )
}

/// Runs each of `steps` alone, as a collection whose client secret comes from
/// `CLIENT_SECRET` (a failed step skips the steps after it), each in a runner of its own, all
/// at once, with `args`: their outputs in order, and the time they took together.
fn run_token_steps(
    steps: &[String],
    args: &[&str],
) -> (Vec<crate::support::Output>, std::time::Duration) {
    let started = std::time::Instant::now();
    let outputs = std::thread::scope(|scope| {
        let runs: Vec<_> = steps
            .iter()
            .map(|step| {
                scope.spawn(move || {
                    let yaml = format!(
                        "name: Tokens\ninputs: {{ CLIENT_SECRET: {{ secret: true }} }}\nsteps:\n{step}"
                    );
                    run_with_env(
                        &Fixture::new(),
                        &yaml,
                        args,
                        &[("CLIENT_SECRET", CLIENT_SECRET)],
                    )
                })
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("runner thread"))
            .collect()
    });
    (outputs, started.elapsed())
}

/// The token answer is read with `--max-body`, as a response is: a gzip body of a few KiB
/// that unpacks to 4 MiB, and a chunked one that never ends, each stop at 1 MiB.
#[test]
fn a_token_answer_past_max_body_fails_the_step_naming_the_limit() {
    let (outputs, elapsed) = run_token_steps(
        &[
            token_step(
                "Gzip bomb",
                "gzip-bomb",
                "/oauth/gzip-token/4",
                "/echo",
                "20s",
            ),
            token_step("Endless", "endless", "/oauth/endless-token", "/echo", "20s"),
        ],
        &["--max-body", "1MB"],
    );
    let base = format!("http://{}", servers::server());
    for (output, path) in outputs
        .iter()
        .zip(["/oauth/gzip-token/4", "/oauth/endless-token"])
    {
        assert_eq!(output.code, 3, "{output:?}");
        let expected = format!(
            "could not get an OAuth2 token from {base}{path}: the token endpoint's answer is larger than the limit of 1 MiB (raise it with `--max-body`)"
        );
        assert!(
            output.stdout.contains(&expected),
            "{expected}\n{}",
            output.stdout
        );
        // The token's tail, with the dash no temporary path holds.
        assert!(!output.stdout.contains("-Zq9"), "{}", output.stdout);
    }
    // Not the 20 s timeout: the endless answer stops at the limit.
    assert!(elapsed.as_secs() < 15, "{elapsed:?}");
}

/// One deadline covers the step's token fetches and its requests, and a timeout says which
/// was running: 1 s for the token and 3 s for the request do not fit in 3.5 s; a token
/// that takes 3 s does not come within 1 s; after a 401, the new token (and then the
/// request sent again with it) run out of what the first token and the first try left.
/// Each deadline passes at least a second after the part the message names has ended (a
/// loaded machine only makes a part end later), and each phase named takes whole seconds,
/// so the time the message tells has a second of room.
#[test]
fn one_timeout_covers_the_token_fetches_and_the_requests() {
    let (outputs, elapsed) = run_token_steps(
        &[
            token_step(
                "Slow token, slow request",
                "slow-both",
                "/oauth/slow-token/1000",
                "/oauth/slow-protected/3000",
                "3500ms",
            ),
            token_step(
                "Token too slow",
                "slow-token",
                "/oauth/slow-token/3000",
                "/oauth/protected",
                "1s",
            ),
            token_step(
                "New token too slow",
                "slow-again",
                "/oauth/slow-token/2000",
                "/oauth/slow-refuse/1000",
                "4500ms",
            ),
            token_step(
                "Second try too slow",
                "slow-resend",
                "/oauth/slow-token/500",
                "/oauth/slow-refuse/2000",
                "4500ms",
            ),
        ],
        &[],
    );
    let address = servers::server();
    let port = address.port();
    let raise = "; raise `timeout` on the step or collection, or `--timeout`";
    let expected = [
        format!("no complete response from 127.0.0.1:{port} within the request timeout of 3.50 s, of which fetching the OAuth2 token took 1."),
        format!("could not get an OAuth2 token from http://{address}/oauth/slow-token/3000: no complete answer within the request timeout of 1.00 s, which covers fetching the token too{raise}"),
        format!("could not get an OAuth2 token from http://{address}/oauth/slow-token/2000: no complete answer to fetching a new token (the request was answered 401) within the request timeout of 4.50 s, of which the first token and the first try took 3."),
        format!("no complete response from 127.0.0.1:{port} within the request timeout of 4.50 s, of which the OAuth2 token, the first try (answered 401) and a new token took 3."),
    ];
    for (output, expected) in outputs.iter().zip(expected) {
        assert_eq!(output.code, 3, "{output:?}");
        assert!(
            output.stdout.contains(&expected),
            "{expected}\n{}",
            output.stdout
        );
    }
    // At most 4.5 s of timeout each, all at once (the messages above tell the deadline was
    // one: each part given its own timeout, these steps would run 4.5 s, 4 s, 8 s and 5 s).
    assert!(elapsed.as_secs() < 12, "{elapsed:?}");
    for client in ["slow-both", "slow-again", "slow-resend"] {
        assert!(tokens_issued(client) >= 1, "{client}");
    }
}

#[test]
fn cookies_are_sent_captured_checked_and_kept_in_a_jar_file() {
    let fixture = Fixture::new();
    let jar = fixture.path().join("jar.txt");
    let port = servers::server().port();
    std::fs::write(
        &jar,
        format!("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tloaded\tfrom-file\n#HttpOnly_127.0.0.1\tFALSE\t/nowhere\tFALSE\t0\telsewhere\tx\n# port {port}\n"),
    )
    .expect("jar");
    let output = run(
        &fixture,
        r#"
name: Cookies
steps:
  - name: Set
    request: { url: "{{R}}/cookies/set" }
    expect:
      cookies:
        theme: dark
        session: { value: { starts_with: s- }, secure: true, http_only: true, path: /, same_site: Strict, max_age: 3600 }
    capture:
      theme: { cookie: theme }
  - name: Send
    request:
      url: "{{R}}/echo"
      cookies: { extra: "{{theme}}-x", theme: light }
    expect:
      jsonpath:
        $.headers.cookie:
          matches: "^[^;]+(; [^;]+)*$"
          contains: loaded=from-file
          not_contains: theme=dark
      # a cookie the step sets replaces the jar's cookie of that name
      body: { contains: extra=dark-x; theme=light }
"#,
        &["--cookie-jar", &jar.display().to_string()],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let saved = std::fs::read_to_string(&jar).expect("jar saved");
    assert!(
        saved.contains("127.0.0.1\tFALSE\t/\tFALSE\t0\ttheme\tdark"),
        "{saved}"
    );
    assert!(
        saved.contains("#HttpOnly_127.0.0.1\tFALSE\t/\tTRUE\t"),
        "{saved}"
    );
    assert!(saved.contains("\tsession\ts-123"), "{saved}");
    assert!(saved.contains("loaded\tfrom-file"), "{saved}");

    let failing = run(
        &fixture,
        r#"
name: Cookie expectations fail
steps:
  - name: Set
    request: { url: "{{R}}/cookies/set" }
    expect:
      cookies:
        theme: { value: light, secure: true }
        missing: { exists: true }
"#,
        &[],
    );
    assert_eq!(failing.code, 1, "{failing:?}");
    assert!(
        failing
            .stdout
            .contains(r#"cookie theme: expected "light", got "dark""#),
        "{}",
        failing.stdout
    );
    assert!(
        failing
            .stdout
            .contains("cookie theme Secure: expected set, got not set"),
        "{}",
        failing.stdout
    );
    assert!(
        failing
            .stdout
            .contains("cookie missing: expected the response to set it"),
        "{}",
        failing.stdout
    );
}

#[test]
fn a_cross_origin_redirect_drops_credentials_and_a_same_origin_one_keeps_them() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        r#"
name: Redirects
steps:
  - name: To another origin
    request:
      method: POST
      url: "{{R}}/redirect?status=307&to={{OTHER}}/echo%3Fcase%3Dcross"
      headers: { Authorization: Bearer hdr-Token-1, Cookie: mine=1, X-Kept: yes, X-Token: "t {{tok}}" }
      cookies: { step: c-Cookie-2 }
      auth: { api_key: { header: X-API-Key, value: ak-Redirected-3 } }
      json: { still: here }
    expect:
      status: 200
      url: { ends_with: /echo?case=cross }
      jsonpath:
        $.method: POST
        $.json.still: here
        $.headers.authorization: { exists: false }
        # the jar's cookies follow RFC 6265 (a host's cookies are not isolated by port);
        # the step's own cookies and Cookie header stay on their origin
        $.headers.cookie: hop=1
        "$.headers['x-api-key']": { exists: false }
        "$.headers['x-kept']": "yes"
        "$.headers['x-token']": { exists: false }
    capture:
      final_url: { url: true }
      chain: { redirects: true }
  - name: Same origin
    request:
      url: "{{R}}/redirect?hops=1"
      auth: { basic: { username: u, password: p-Same-Origin-4 } }
      headers: { X-Token: "{{tok}}" }
    expect:
      jsonpath: { $.headers.authorization: { starts_with: "Basic " }, $.headers.cookie: hop=1, "$.headers['x-token']": { exists: true } }
"#,
        &["-v", "--secret", "tok=sec-Header-5"],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let seen = other_seen().lock().expect("seen").clone();
    let (_, headers) = seen
        .iter()
        .find(|(uri, _)| uri.ends_with("case=cross"))
        .expect("the second origin got the redirected request");
    for name in ["authorization", "x-api-key", "x-token"] {
        assert!(
            headers.get(name).is_none(),
            "{name} reached the other origin: {headers:?}"
        );
    }
    let cookie = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        !cookie.contains("mine=1") && !cookie.contains("c-Cookie-2"),
        "{cookie}"
    );
    let other = other_server();
    assert!(
        output
            .stdout
            .contains(&format!("< 307 redirect → http://{other}/echo?case=cross")),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(&format!(
            "captured final_url = http://{other}/echo?case=cross"
        )),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(&format!(
            "captured chain = [\"http://{other}/echo?case=cross\"]"
        )),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains("p-Same-Origin-4"));
}

/// A 307 or 308 sends the body again; to another origin it would take a secret in the body
/// where the step never sent it: not followed, the step errs and says why, and the other
/// origin gets nothing. A body without a secret, a 303 (which drops the body) and a same-origin
/// 307 are followed.
#[test]
fn a_body_holding_a_secret_is_not_sent_again_to_another_origin() {
    let fixture = Fixture::new();
    for status in [307, 308] {
        let case = format!("secret-body-{status}");
        let output = run(
            &fixture,
            &format!(
                r#"
name: Secret body
steps:
  - name: login
    request:
      method: POST
      url: "{{{{R}}}}/redirect?status={status}&to={{{{OTHER}}}}/echo%3Fcase%3D{case}"
      json: {{ password: "{{{{tok}}}}" }}
"#
            ),
            &["--secret", "tok=sec-Body-6"],
        );
        assert_eq!(output.code, 3, "{output:?}");
        assert!(
            output.stdout.contains(&format!(
                "the server redirects ({status}) to another origin, http://{}/echo?case={case}, and a {status} sends the body again: the body holds a secret",
                other_server()
            )),
            "{}",
            output.stdout
        );
        assert!(!output.stdout.contains("sec-Body-6"), "{}", output.stdout);
        let seen = other_seen().lock().expect("seen").clone();
        assert!(
            !seen.iter().any(|(uri, _)| uri.ends_with(&case)),
            "the other origin got the body: {seen:?}"
        );
    }
    let output = run(
        &fixture,
        r#"
name: Followed
steps:
  - name: a body without a secret
    request:
      method: POST
      url: "{{R}}/redirect?status=307&to={{OTHER}}/echo%3Fcase%3Dplain-body"
      json: { still: here }
    expect: { status: 200, jsonpath: { $.json.still: here } }
  - name: a 303 drops the body
    request:
      method: POST
      url: "{{R}}/redirect?status=303&to={{OTHER}}/echo%3Fcase%3Dsee-other"
      json: { password: "{{tok}}" }
    expect: { status: 200, jsonpath: { $.method: GET } }
  - name: the same origin
    request:
      method: POST
      url: "{{R}}/redirect?status=307&to={{R}}/echo"
      json: { password: "{{tok}}" }
    expect: { status: 200, jsonpath: { $.json.password: { exists: true } } }
"#,
        &["--secret", "tok=sec-Body-7"],
    );
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn redirect_limits_and_not_following() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        r#"
name: Redirect limits
defaults: { max_redirects: 2 }
steps:
  - name: Not followed
    request: { url: "{{R}}/redirect", follow_redirects: false }
    expect: { status: 302, headers: { location: /echo } }
  - name: Within the limit
    request: { url: "{{R}}/redirect?hops=1" }
    expect: { status: 200 }
  - name: Too many
    request: { url: "{{R}}/redirect?hops=2" }
"#,
        &[],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output.stdout.contains("✓ Not followed"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("✓ Within the limit"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("stopped after 2 redirects"),
        "{}",
        output.stdout
    );
}

#[test]
fn tls_with_a_test_ca_speaks_http2_and_fails_clearly_without_it() {
    let fixture = Fixture::new();
    let pki = Pki::new(fixture.path());
    let address = pki.serve(false);
    let yaml = format!(
        "name: TLS\nsteps:\n  - name: Echo\n    request: {{ url: \"https://localhost:{}/echo\" }}\n    expect: {{ jsonpath: {{ $.version: HTTP/2.0 }} }}\n",
        address.port()
    );
    let ca = pki.ca.display().to_string();
    let output = run(&fixture, &yaml, &["--cacert", &ca, "-v"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("< HTTP/2.0 200"),
        "{}",
        output.stdout
    );

    let untrusted = run(&fixture, &yaml, &[]);
    assert_eq!(untrusted.code, 3, "{untrusted:?}");
    assert!(
        untrusted
            .stdout
            .contains("not signed by an authority this machine trusts"),
        "{}",
        untrusted.stdout
    );

    let resolved = yaml.replace("localhost", "api.test");
    let resolve = format!("api.test:{}:127.0.0.1", address.port());
    let output = run(
        &fixture,
        &resolved,
        &["--cacert", &ca, "--resolve", &resolve],
    );
    assert_eq!(output.code, 0, "{output:?}");

    let missing = run(&fixture, &yaml, &["--cacert", "/nonexistent/ca.pem"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing
            .stderr
            .contains("cannot read the CA certificate file"),
        "{}",
        missing.stderr
    );
}

#[test]
fn client_certificates_get_through_a_server_that_requires_them() {
    let fixture = Fixture::new();
    let pki = Pki::new(fixture.path());
    let address = pki.serve(true);
    let yaml = format!(
        "name: mTLS\nsteps:\n  - name: Echo\n    request: {{ url: \"https://127.0.0.1:{}/echo\" }}\n    expect: {{ status: 200 }}\n",
        address.port()
    );
    let ca = pki.ca.display().to_string();
    let (cert, key) = (
        pki.client_cert.display().to_string(),
        pki.client_key.display().to_string(),
    );
    let output = run(
        &fixture,
        &yaml,
        &["--cacert", &ca, "--cert", &cert, "--key", &key],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let refused = run(&fixture, &yaml, &["--cacert", &ca]);
    assert_eq!(refused.code, 3, "{refused:?}");
    // A key that is not the certificate's, and one that needs a passphrase, are named.
    let other_key = fixture.file(
        "other.key",
        &rcgen::KeyPair::generate().expect("key").serialize_pem(),
    );
    let encrypted = fixture.file(
        "encrypted.key",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI\n-----END ENCRYPTED PRIVATE KEY-----\n",
    );
    for (key, said) in [
        (&other_key, "is not this certificate's"),
        (
            &encrypted,
            "the private key is encrypted, and runner asks for no passphrase",
        ),
    ] {
        let key = key.display().to_string();
        let output = run(
            &fixture,
            &yaml,
            &["--cacert", &ca, "--cert", &cert, "--key", &key],
        );
        assert_eq!(output.code, 2, "{output:?}");
        assert!(output.stderr.contains(said), "{said}: {output:?}");
    }
}

/// A proxy that refuses the tunnel of an `https` request (407) is told as the proxy's
/// answer, not as a TLS handshake that failed (none was tried).
#[test]
fn a_tunnel_the_proxy_refuses_is_the_proxys_answer() {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    // A password no temporary path can hold by chance (their names are letters and digits).
    let proxy = format!(
        "http://user:pr0xy-pa55@{}",
        listener.local_addr().expect("address")
    );
    let server = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n",
            );
        }
    });
    let fixture = Fixture::new();
    let yaml = format!(
        "name: Tunnel\nsteps:\n  - name: Secure\n    request: {{ url: \"https://127.0.0.1:{}/x\" }}\n",
        closed_port()
    );
    let output = run(&fixture, &yaml, &["--proxy", &proxy]);
    let _ = server.join();
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stdout
            .contains("the proxy did not open a tunnel to 127.0.0.1:"),
        "{output:?}"
    );
    assert!(!output.stdout.contains("TLS handshake"), "{output:?}");
    assert!(!output.stdout.contains("pr0xy-pa55"), "{output:?}");
}

#[test]
fn proxies_from_the_flag_and_the_environment_and_no_proxy() {
    let fixture = Fixture::new();
    let yaml = format!(
        "name: Proxy\nsteps:\n  - name: Via the proxy\n    request: {{ url: \"http://127.0.0.1:{}/only-through-proxy\" }}\n    expect: {{ jsonpath: {{ $.via: proxy }} }}\n",
        closed_port()
    );
    let proxy = format!("http://{}", other_server());
    let output = run(&fixture, &yaml, &["--proxy", &proxy]);
    assert_eq!(output.code, 0, "{output:?}");
    let output = run_with_env(
        &fixture,
        &yaml,
        &[],
        &[("HTTP_PROXY", &proxy), ("NO_PROXY", "")],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let bypassed = run_with_env(
        &fixture,
        &yaml,
        &["--proxy", &proxy],
        &[("NO_PROXY", "127.0.0.1")],
    );
    assert_eq!(bypassed.code, 3, "{bypassed:?}");
    assert!(
        bypassed.stdout.contains("connection refused"),
        "{}",
        bypassed.stdout
    );
    // A request `NO_PROXY` sends past the proxy (a range, here) that fails is not told as the
    // proxy's failure; one sent through it is.
    let unused = format!("http://127.0.0.1:{}", closed_port());
    for (list, through) in [("127.0.0.0/8", false), ("10.0.0.0/8", true)] {
        let output = run_with_env(
            &fixture,
            &yaml,
            &["--proxy", &unused],
            &[("NO_PROXY", list)],
        );
        assert_eq!(output.code, 3, "{output:?}");
        assert_eq!(
            output.stdout.contains("could not connect to the proxy"),
            through,
            "{list}: {}",
            output.stdout
        );
    }
    // `*` bypasses every host, an IP address too (reqwest matched it against names only),
    // for the flag's proxy and the environment's, in either spelling.
    for env in [
        [("NO_PROXY", "*"), ("HTTP_PROXY", ""), ("no_proxy", "")],
        [
            ("no_proxy", " x.example, * "),
            ("HTTP_PROXY", proxy.as_str()),
            ("NO_PROXY", ""),
        ],
    ] {
        let args: &[&str] = if env[1].1.is_empty() {
            &["--proxy", &proxy]
        } else {
            &[]
        };
        let bypassed = run_with_env(&fixture, &yaml, args, &env);
        assert_eq!(bypassed.code, 3, "{env:?} {bypassed:?}");
        assert!(
            bypassed.stdout.contains("connection refused"),
            "{}",
            bypassed.stdout
        );
    }
}

/// SOCKS proxies, from `--proxy` and from the environment: `socks5h` leaves the host name to
/// the proxy, `socks5` sends it the address runner resolved; the proxy's password is used and
/// never shown; a proxy that refuses the credentials, is not running, or cannot reach the host
/// is told as the proxy's doing (not as a TLS handshake for an `https` URL).
#[test]
fn socks_proxies_from_the_flag_and_the_environment() {
    let proxy = crate::socks::Socks5::start(Some(("ann", "s0cks-pa55")));
    let port = servers::server().port();
    let fixture = Fixture::new();
    let yaml = format!(
        "name: Socks\nsteps:\n  - name: Via the proxy\n    request: {{ url: \"http://localhost:{port}/echo\" }}\n    expect: {{ status: 200 }}\n"
    );
    let flag = format!("socks5h://ann:s0cks-pa55@{}", proxy.address);
    let output = run(&fixture, &yaml, &["--proxy", &flag]);
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(proxy.destinations(), [format!("localhost:{port}")]);

    let env = format!("socks5://ann:s0cks-pa55@{}", proxy.address);
    let output = run_with_env(
        &fixture,
        &yaml,
        &[],
        &[("ALL_PROXY", &env), ("NO_PROXY", "")],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let destinations = proxy.destinations();
    assert!(
        ["127.0.0.1", "[::1]"]
            .map(|a| format!("{a}:{port}"))
            .contains(&destinations[1]),
        "{destinations:?}"
    );

    let wrong = format!("socks5h://ann:wr0ng-pa55@{}", proxy.address);
    let output = run(&fixture, &yaml, &["--proxy", &wrong]);
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output.stdout.contains(&format!(
            "the SOCKS proxy {} did not open a connection to localhost:{port}: it did not accept the user and password of its URL",
            proxy.address
        )),
        "{output:?}"
    );
    assert!(!output.stdout.contains("wr0ng-pa55"), "{output:?}");

    let closed = format!("socks5h://127.0.0.1:{}", closed_port());
    let output = run(&fixture, &yaml, &["--proxy", &closed]);
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stdout
            .contains("could not connect to the proxy (is it running"),
        "{output:?}"
    );

    // A proxy URL of the environment runner cannot use is refused, as `--proxy`'s is: the
    // requests went straight to the server past it.
    for (name, value) in [
        ("ALL_PROXY", "socks://ann:s0cks-pa55@127.0.0.1:1080"),
        ("HTTP_PROXY", "socks5h://ann:s0cks/pa55@127.0.0.1:1080"),
        ("https_proxy", "ftp://proxy:21"),
    ] {
        let output = run_with_env(&fixture, &yaml, &[], &[(name, value), ("NO_PROXY", "")]);
        assert_eq!(output.code, 2, "{name}: {output:?}");
        assert!(
            output.stderr.contains(&format!("error: {name} `"))
                && output
                    .stderr
                    .contains(&format!("(set {name} to one runner can use, or unset it)")),
            "{name}: {output:?}"
        );
        assert!(!output.stderr.contains("pa55"), "{output:?}");
    }
    assert_eq!(
        proxy.destinations().len(),
        2,
        "nothing more went through the proxy"
    );

    let open = crate::socks::Socks5::start(None);
    let https = format!(
        "name: Socks\nsteps:\n  - name: Nothing there\n    request: {{ url: \"https://127.0.0.1:{}/x\" }}\n",
        closed_port()
    );
    let output = run(
        &fixture,
        &https,
        &["--proxy", &format!("socks5://{}", open.address)],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output.stdout.contains("it answered `connection refused`"),
        "{output:?}"
    );
    assert!(!output.stdout.contains("TLS handshake"), "{output:?}");

    // An IPv6 address through `socks5://`, which reqwest cannot send, says which scheme can.
    let v6 = "name: Socks\nsteps:\n  - name: V6\n    request: { url: \"http://[::1]:9/x\" }\n";
    let output = run(
        &fixture,
        v6,
        &["--proxy", &format!("socks5://{}", open.address)],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(output.stdout.contains("use `socks5h://`"), "{output:?}");

    // A proxy that takes the connection and never answers the handshake is cut off by
    // `--connect-timeout`, and named.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let stalled = format!("socks5h://{}", silent.local_addr().expect("address"));
    let output = run(
        &fixture,
        &yaml,
        &["--proxy", &stalled, "--connect-timeout", "1s"],
    );
    drop(silent);
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output.stdout.contains(&format!(
            "could not connect to localhost:{port} through the proxy {}",
            &stalled["socks5h://".len()..]
        )),
        "{output:?}"
    );

    // A CGI script (`REQUEST_METHOD` set) reads no proxy from the environment: there
    // `HTTP_PROXY` is the request's own `Proxy` header.
    let output = run_with_env(
        &fixture,
        &yaml,
        &[],
        &[
            ("REQUEST_METHOD", "GET"),
            ("ALL_PROXY", "socks://unusable"),
            ("NO_PROXY", ""),
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
}

/// Runs the `--curl` script `script` with `sh` in `dir`, without the proxies of the
/// environment; `None` where curl is not installed (CI has it: `.ci/run` installs it, and
/// there a test cannot pass without running it).
fn run_curl_script(script: &Path, dir: &Path) -> Option<std::process::Output> {
    let has_curl = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_curl || std::env::var_os("CI").is_none(),
        "curl is not installed"
    );
    has_curl.then(|| {
        std::process::Command::new("sh")
            .arg(script)
            .current_dir(dir)
            .env_remove("http_proxy")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .output()
            .expect("sh runs")
    })
}

#[test]
fn the_curl_file_repeats_the_requests() {
    let fixture = Fixture::new();
    std::fs::write(fixture.path().join("data.csv"), "a,b\n").expect("write");
    let curl = fixture.path().join("requests.sh");
    let output = run(
        &fixture,
        r#"
name: Curl
steps:
  - name: Post JSON
    request: { method: POST, url: "{{R}}/echo?x=1", json: { it's: "quoted" }, headers: { X-One: "1" } }
  - name: Upload
    request: { method: POST, url: "{{R}}/echo", multipart: { note: "@not-a-file", doc: { file: data.csv, content_type: text/csv } } }
"#,
        &["--curl", &curl.display().to_string()],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let script = std::fs::read_to_string(&curl).expect("curl file");
    assert!(!script.contains("-X POST"), "{script}");
    // The headers runner adds itself are recorded with the request, as they were sent.
    assert!(
        script.contains("-H 'user-agent: runner/")
            && script.contains("-H 'accept-encoding: gzip,deflate,br'")
            && script.contains("--compressed"),
        "{script}"
    );
    assert!(
        script.contains(r#"--data-raw '{"it'\''s":"quoted"}'"#),
        "{script}"
    );
    assert!(
        script.contains("--form-string 'note=@not-a-file'"),
        "{script}"
    );
    // Runnable: where curl is installed, it repeats them against the same server.
    if let Some(ran) = run_curl_script(&curl, fixture.path()) {
        let text = String::from_utf8_lossy(&ran.stdout);
        assert!(ran.status.success(), "{ran:?}");
        assert!(text.contains(r#""json":{"it's":"quoted"}"#), "{text}");
        assert!(text.contains(r#""x-one":"1""#), "{text}");
        assert!(text.contains("@not-a-file"), "{text}");
        assert!(text.contains("a,b"), "{text}");
    }
    let _ = ISSUED_TOKEN;
}

/// The run's network options are in every command of the curl file, so that it repeats the
/// requests the way the run sent them: to the `--resolve` address, through the proxy (its
/// password masked).
#[test]
fn the_curl_file_carries_the_runs_network_options() {
    let fixture = Fixture::new();
    let curl = fixture.path().join("requests.sh");
    let port = servers::server().port();
    let yaml = format!(
        "name: Network\nsteps:\n  - name: By name\n    request: {{ url: \"http://api.test:{port}/echo\" }}\n    expect: {{ status: 200 }}\n"
    );
    let resolve = format!("api.test:{port}:127.0.0.1");
    let output = run(
        &fixture,
        &yaml,
        &[
            "--resolve",
            &resolve,
            "--connect-timeout",
            "3s",
            "--curl",
            &curl.display().to_string(),
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let script = std::fs::read_to_string(&curl).expect("curl file");
    assert!(
        script.contains(&format!("--resolve '{resolve}'"))
            && script.contains("--connect-timeout 3 "),
        "{script}"
    );
    if let Some(ran) = run_curl_script(&curl, fixture.path()) {
        assert!(ran.status.success(), "{ran:?}");
        assert!(
            String::from_utf8_lossy(&ran.stdout).contains(r#""uri":"/echo""#),
            "{ran:?}"
        );
    }
    // Through a proxy: written with its password masked, as everywhere.
    let proxy = format!("http://ann:pr0xy-pa55@{}", other_server());
    let output = run(
        &fixture,
        "name: Proxy\nsteps:\n  - name: Via\n    request: { url: \"http://127.0.0.1:9/only-through-proxy\" }\n",
        &["--proxy", &proxy, "--curl", &curl.display().to_string()],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let script = std::fs::read_to_string(&curl).expect("curl file");
    assert!(
        script.contains(&format!("-x 'http://ann:***@{}'", other_server())),
        "{script}"
    );
    assert!(!script.contains("pr0xy-pa55"), "{script}");
}

/// A value with a tab or a line break rendered into a URL's path or query (a data cell, a
/// capture) is sent as it is, encoded: the URL parser would drop those characters and send
/// the request to another resource (`DELETE /items/abcd` for `ab\ncd`). White space at the end
/// of the URL is dropped, as the parser drops it.
#[test]
fn characters_the_url_parser_drops_are_sent_encoded() {
    let fixture = Fixture::new();
    let rows = fixture.file(
        "rows.csv",
        "id,expected\n\"ab\ncd\",/echo/items/ab%0Acd?x=ab%0Acd\n\"t\tab\",/echo/items/t%09ab?x=t%09ab\n\"end \",/echo/items/end%20?x=end\n",
    );
    let output = run(
        &fixture,
        "name: Kept\nsteps:\n  - name: Delete {{id}}\n    request: { method: DELETE, url: \"{{R}}/echo/items/{{id}}?x={{id}}\" }\n    expect: { jsonpath: { $.uri: \"{{expected}}\" } }\n",
        &["--data", &rows.display().to_string()],
    );
    assert_eq!(output.code, 0, "{output:?}");
}

/// An OAuth2 token fetched for a request that then got no answer is masked in the curl file
/// (the request as sent carries it), as in every other output.
#[test]
fn a_token_fetched_for_an_unanswered_request_is_masked() {
    let fixture = Fixture::new();
    let curl = fixture.path().join("requests.sh");
    let steps = format!(
        "  - name: Refused\n    request: {{ url: \"http://127.0.0.1:{}/x\" }}\n",
        closed_port()
    );
    let output = run_with_env(
        &fixture,
        &oauth2_collection("unanswered-token", &steps),
        &["--curl", &curl.display().to_string(), "-v"],
        &[("CLIENT_SECRET", CLIENT_SECRET)],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert_eq!(tokens_issued("unanswered-token"), 1);
    let script = std::fs::read_to_string(&curl).expect("curl file");
    assert!(
        script.contains("-H 'authorization: Bearer ***'"),
        "{script}"
    );
    for text in [&script, &output.stdout, &output.stderr] {
        assert!(!text.contains("at-unanswered-token-"), "{text}");
    }
}

/// A request that got no answer is written as it went on the wire, with the auth, cookies and
/// headers runner added, so that the command repeats the attempt that failed.
#[test]
fn the_curl_file_writes_an_unanswered_request_as_it_was_sent() {
    let fixture = Fixture::new();
    let curl = fixture.path().join("requests.sh");
    let yaml = format!(
        "name: Curl\nsteps:\n  - name: Refused\n    request:\n      url: \"http://127.0.0.1:{}/x\"\n      auth: {{ bearer: \"{{{{token}}}}\" }}\n      cookies: {{ session: abc }}\n",
        closed_port()
    );
    let output = run(
        &fixture,
        &yaml,
        &[
            "--curl",
            &curl.display().to_string(),
            "--secret",
            "token=Tok-4f1d9c2b",
        ],
    );
    assert_eq!(output.code, 3, "{output:?}");
    let script = std::fs::read_to_string(&curl).expect("curl file");
    assert!(
        script.contains("-H 'authorization: Bearer ***'")
            && script.contains("-H 'cookie: session=abc'")
            && script.contains("-H 'user-agent: runner/")
            && script.contains("--compressed"),
        "{script}"
    );
    assert!(!script.contains("Tok-4f1d9c2b"), "{script}");
}

/// Requests a shell or curl would read otherwise than runner sent them: each step's echo is
/// checked in runner's run (`expect`) and, where curl is installed, in the curl file's run.
#[test]
fn the_curl_file_sends_what_runner_sent_where_curl_and_the_shell_read_otherwise() {
    let fixture = Fixture::new();
    std::fs::write(fixture.path().join("data.csv"), "a,b\n").expect("write");
    std::fs::write(fixture.path().join("q\"x.csv"), "q\n").expect("write");
    std::fs::write(fixture.path().join("secret.txt"), "SECRET").expect("write");
    let big = "x".repeat(200_000);
    let curl = fixture.path().join("requests.sh");
    let yaml = r#"
name: Curl fidelity
vars: { big: "BIG" }
steps:
  - name: A GET with a body
    request: { method: GET, url: "{{R}}/echo", body: hello }
    expect: { jsonpath: { $.method: GET, $.text: hello } }
  - name: A body starting with @
    request: { method: POST, url: "{{R}}/echo", body: "@/etc/hostname" }
    expect: { jsonpath: { $.text: "@/etc/hostname" } }
  - name: A NUL in the body
    request: { method: POST, url: "{{R}}/echo", body: "a\0b" }
    expect: { jsonpath: { $.text: "a\0b" } }
  - name: A body over 128 KiB
    request: { method: PUT, url: "{{R}}/echo", body: "{{big}}" }
    expect: { jsonpath: { $.method: PUT, "$.headers['content-length']": "200000" } }
  - name: Brackets in the URL
    request: { method: GET, url: "{{R}}/echo?f[name]=x" }
    expect: { jsonpath: { $.query: "f[name]=x" } }
  - name: An empty header
    request: { method: GET, url: "{{R}}/echo", headers: { X-Empty: "" } }
    expect: { jsonpath: { "$.headers['x-empty']": "" } }
  - name: Quoted parts
    request:
      method: POST
      url: "{{R}}/echo"
      multipart:
        t: { value: 'a "q" \ b', content_type: text/plain }
        doc: { file: data.csv, filename: 'a;b,c.csv' }
    expect:
      jsonpath:
        $.text: { contains: "name=\"t\"\r\nContent-Type: text/plain\r\n\r\na \"q\" \\ b\r\n" }
        $['text']: { contains: "name=\"doc\"; filename=\"a;b,c.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n" }
  - name: A part named after its file
    request: { method: POST, url: "{{R}}/echo", multipart: { doc: { file: 'q"x.csv', content_type: "text/csv; charset=utf-8" } } }
    expect:
      jsonpath:
        $.text: { contains: "name=\"doc\"; filename=\"q%22x.csv\"\r\nContent-Type: text/csv; charset=utf-8\r\n\r\n" }
  - name: A POST without a body
    request: { method: POST, url: "{{R}}/echo" }
    expect: { jsonpath: { "$.headers['content-length']": "0" } }
  - name: A part name curl cannot write
    request: { method: POST, url: "{{R}}/echo", multipart: { "x=@secret.txt;n": hello } }
"#
    .replace("BIG", &big);
    let output = run(&fixture, &yaml, &["--curl", &curl.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    let Some(ran) = run_curl_script(&curl, fixture.path()) else {
        return;
    };
    assert!(ran.status.success(), "{ran:?}");
    let echoes: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&ran.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("one JSON echo a command");
    // The part curl would name `x` and fill from `secret.txt` is left as a comment.
    let script = std::fs::read_to_string(&curl).expect("curl file");
    assert!(
        script.contains("# runner: the part name `x=@secret.txt;n` holds `=`"),
        "{script}"
    );
    assert!(!String::from_utf8_lossy(&ran.stdout).contains("SECRET"));
    assert_eq!(echoes.len(), 9, "{echoes:?}");
    assert_eq!(
        (echoes[0]["method"].as_str(), echoes[0]["text"].as_str()),
        (Some("GET"), Some("hello"))
    );
    assert_eq!(echoes[1]["text"], "@/etc/hostname");
    assert_eq!(echoes[2]["text"], "a\0b");
    assert_eq!(echoes[3]["method"], "PUT");
    assert_eq!(echoes[3]["text"].as_str().map(str::len), Some(big.len()));
    assert_eq!(echoes[4]["query"], "f[name]=x");
    assert_eq!(echoes[5]["headers"]["x-empty"], "");
    let parts = echoes[6]["text"].as_str().unwrap_or_default();
    assert!(
        parts.contains("name=\"t\"\r\nContent-Type: text/plain\r\n\r\na \"q\" \\ b\r\n"),
        "{parts}"
    );
    assert!(
        parts.contains(
            "name=\"doc\"; filename=\"a;b,c.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n"
        ),
        "{parts}"
    );
    let parts = echoes[7]["text"].as_str().unwrap_or_default();
    assert!(
        parts
            .contains("filename=\"q%22x.csv\"\r\nContent-Type: text/csv; charset=utf-8\r\n\r\nq\n"),
        "{parts}"
    );
    assert_eq!(echoes[8]["headers"]["content-length"], "0");
    assert!(
        echoes[8]["headers"].get("content-type").is_none(),
        "{}",
        echoes[8]
    );
}

#[test]
fn steps_calling_the_same_url_each_send_only_their_own_query() {
    // Consecutive steps with one URL share its parse; each must still send its own query.
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        r#"
name: Same URL
steps:
  - name: First
    request: { url: "{{R}}/echo", query: { page: 1 } }
    expect: { jsonpath: { $.query: page=1 } }
  - name: Second
    request: { url: "{{R}}/echo", query: { page: 2, size: 5 } }
    expect: { jsonpath: { $.query: page=2&size=5 } }
  - name: Third
    request: { url: "{{R}}/echo" }
    expect: { jsonpath: { $.query: null } }
  - name: Fourth
    request: { url: "{{R}}/echo?fixed=1", query: { page: 3 } }
    expect: { jsonpath: { $.query: fixed=1&page=3 } }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
}

/// A server of encodings: headers that carry text beyond ASCII (UTF-8 `café` and Latin-1
/// `caf\xe9` in a header, a `Content-Disposition` file name, a cookie, redirects to such
/// paths) and a JSON body after a UTF-8 byte order mark. It echoes the path and the `X-Got`
/// and `Cookie` headers it is sent, read as UTF-8.
fn encodings_server() -> std::net::SocketAddr {
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::get;
    let value = |bytes: &'static [u8]| HeaderValue::from_bytes(bytes).expect("a header value");
    let app = axum::Router::new()
        .route(
            "/h",
            get(move || async move {
                (
                    [
                        (
                            header::HeaderName::from_static("x-name"),
                            value(b"caf\xc3\xa9"),
                        ),
                        (
                            header::HeaderName::from_static("x-latin"),
                            value(b"caf\xe9"),
                        ),
                        (
                            header::CONTENT_DISPOSITION,
                            value(b"attachment; filename=\"r\xc3\xa9sum\xc3\xa9.pdf\""),
                        ),
                        (header::CONTENT_TYPE, value(b"application/json")),
                    ],
                    axum::response::AppendHeaders([
                        (header::SET_COOKIE, value(b"name=caf\xc3\xa9; Path=/")),
                        (header::SET_COOKIE, value(b"latin=caf\xe9; Path=/")),
                    ]),
                    "{}",
                )
            }),
        )
        .route(
            "/bom",
            get(move || async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        value(b"application/json; charset=utf-8"),
                    )],
                    &b"\xef\xbb\xbf{\"id\": 7, \"tags\": [\"a\", \"b\"]}"[..],
                )
            }),
        )
        .route(
            "/to-utf8",
            get(move || async move {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, value(b"/landed/caf\xc3\xa9"))],
                )
            }),
        )
        .route(
            "/to-latin1",
            get(move || async move {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, value(b"/landed/caf\xe9"))],
                )
            }),
        )
        .fallback(|request: axum::extract::Request| async move {
            let text = |name: &str| {
                request
                    .headers()
                    .get(name)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            };
            axum::Json(serde_json::json!({
                "path": request.uri().path(),
                "got": text("x-got"),
                "cookie": text("cookie"),
            }))
            .into_response()
        });
    servers::spawn(app)
}

#[test]
fn header_values_beyond_ascii_are_read_as_text_not_taken_for_missing() {
    let fixture = Fixture::new();
    let base = format!("http://{}", encodings_server());
    let path = fixture.file(
        "c.yaml",
        &r#"
name: non-ASCII headers
steps:
  - name: read
    request:
      url: "BASE/h"
    expect:
      headers:
        x-name: café
        x-latin: café
        content-disposition: { contains: résumé }
      cookies: { name: café, latin: café }
    capture:
      name: { header: X-Name }
      file: { header: Content-Disposition, regex: 'filename="(.+)"' }
  - name: send them back
    request:
      url: "BASE/echo"
      headers: { X-Got: "{{name}} {{file}}" }
    expect:
      jsonpath:
        $.got: café résumé.pdf
        $.cookie: name=café
  - name: a UTF-8 Location
    request:
      url: "BASE/to-utf8"
    expect:
      status: 200
      jsonpath:
        $.path: /landed/caf%C3%A9
  - name: a Latin-1 Location
    request:
      url: "BASE/to-latin1"
    expect:
      status: 200
      jsonpath:
        $.path: /landed/caf%E9
"#
        .replace("BASE", &base),
    );
    let output = runner(["run", &path.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn a_json_body_after_a_byte_order_mark_is_read_without_it() {
    let fixture = Fixture::new();
    let base = format!("http://{}", encodings_server());
    let path = fixture.file(
        "c.yaml",
        &r#"
name: a byte order mark
steps:
  - name: read
    id: read
    request:
      url: "BASE/bom"
    expect:
      jsonpath:
        $.tags[1]: b
    capture:
      id: $.id
  - name: use
    request:
      url: "BASE/echo"
      headers: { X-Got: "{{id}} {{steps.read.json.tags.0}}" }
    expect:
      jsonpath:
        $.got: 7 a
"#
        .replace("BASE", &base),
    );
    let output = runner(["run", &path.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
}

/// A body compressed with `deflate` (zlib, RFC 9110 §8.4.1.2) is decoded like gzip and
/// brotli, all three are offered in `Accept-Encoding`, and a body in an encoding runner does
/// not decode is read as it came, with a check that reads it as JSON saying why it fails.
#[test]
fn deflate_bodies_are_decoded_and_an_undecoded_encoding_is_named() {
    use axum::http::{header, HeaderMap};
    use std::io::Write as _;
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(br#"{"id": 7, "name": "deflated"}"#)
        .expect("zlib");
    let deflated = zlib.finish().expect("zlib");
    let app = axum::Router::new()
        .route(
            "/deflate",
            axum::routing::get(move |headers: HeaderMap| {
                let deflated = deflated.clone();
                async move {
                    let offered = headers
                        .get(header::ACCEPT_ENCODING)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    (
                        [
                            (header::CONTENT_TYPE, "application/json".to_owned()),
                            (header::CONTENT_ENCODING, "deflate".to_owned()),
                            (header::HeaderName::from_static("x-offered"), offered),
                        ],
                        deflated,
                    )
                }
            }),
        )
        .route(
            "/zstd",
            axum::routing::get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "application/json"),
                        (header::CONTENT_ENCODING, "zstd"),
                    ],
                    b"\x28\xb5\x2f\xfd\x00\x58\x31\x00\x00".to_vec(),
                )
            }),
        );
    let address = servers::spawn(app);
    let fixture = Fixture::new();
    let path = fixture.file(
        "c.yaml",
        &format!(
            r#"name: Encodings
steps:
  - name: deflated
    request: {{ url: "http://{address}/deflate" }}
    expect:
      headers: {{ x-offered: "gzip,deflate,br" }}
      jsonpath: {{ $.name: deflated, $.id: 7 }}
  - name: zstd
    request: {{ url: "http://{address}/zstd" }}
    expect:
      jsonpath: {{ $.id: 7 }}
"#
        ),
    );
    let output = runner(["run", &path.display().to_string()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(output.stdout.contains("✓ deflated"), "{}", output.stdout);
    assert!(
        output.stdout.contains(
            r#"Content-Encoding: "zstd" (runner decodes gzip, deflate and br, not every coding named here, so this body is as the server compressed it)"#
        ),
        "{}",
        output.stdout
    );
}

/// Postman's dynamic variables, written as Postman writes them: each use is a new value of
/// Postman's shape, in the URL, a header and a JSON body, and as a helper's argument.
#[test]
fn postmans_dynamic_variables_make_a_new_value_at_each_use() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        r#"
name: dynamic variables
steps:
  - name: first
    request:
      method: POST
      url: "{{R}}/echo?n={{$randomInt}}&mail={{urlencode ($randomEmail)}}"
      headers: { X-Id: "{{$guid}}", X-When: "{{$randomDatePast}}" }
      json: { ip: "{{$randomIP}}", price: "{{$randomPrice}}", slug: "{{$randomLoremSlug}}", name: "{{$randomFirstName}} {{$randomLastName}}" }
    capture: { first_id: "$.headers['x-id']" }
    expect:
      status: 200
      jsonpath:
        $.query: { matches: "^n=([0-9]|[1-9][0-9]{1,2}|1000)&mail=[A-Za-z0-9._]+%40[a-z]+[.][a-z]+$" }
        "$.headers['x-id']": { matches: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" }
        "$.headers['x-when']": { matches: "^[A-Z][a-z]{2} [A-Z][a-z]{2} [0-3][0-9] [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-5][0-9] GMT[+]0000 [(]Coordinated Universal Time[)]$" }
        $.json.ip: { matches: "^[0-9]{1,3}([.][0-9]{1,3}){3}$" }
        $.json.price: { matches: "^[0-9]{1,4}[.][0-9]{2}$" }
        $.json.slug: { matches: "^[a-z]+-[a-z]+-[a-z]+$" }
        $.json.name: { matches: "^[A-Z][a-z]+ [A-Z][a-z]+$" }
  - name: second
    request: { url: "{{R}}/echo", headers: { X-Id: "{{$guid}}" } }
    expect:
      jsonpath:
        "$.headers['x-id']": { not_equals: "{{first_id}}", matches: "^[0-9a-f-]{36}$" }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("2 passed"), "{output:?}");

    // A name Postman does not have is refused at load, with the nearest one.
    let output = run(
        &fixture,
        "name: t\nsteps:\n  - name: a\n    request: { url: \"{{R}}/echo?m={{$randomEmial}}\" }\n",
        &[],
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("`$randomEmial` is not one of Postman's dynamic variables: did you mean `$randomEmail`?"),
        "{output:?}"
    );
}

/// Methods beyond the usual seven, as Hurl, curl and Postman send them: `TRACE` and
/// extension methods written in capitals (WebDAV's `PROPFIND`, a CDN's `PURGE`), with a body.
#[test]
fn extension_methods_are_sent_as_written() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        r#"
name: methods
steps:
  - name: PROPFIND with a body
    request:
      method: PROPFIND
      url: "{{R}}/echo"
      headers: { Depth: "1", Content-Type: application/xml }
      body: "<propfind xmlns='DAV:'><allprop/></propfind>"
    expect:
      status: 200
      jsonpath: { $.method: PROPFIND, $.text: { contains: allprop } }
  - name: PURGE
    request: { method: PURGE, url: "{{R}}/echo" }
    expect: { jsonpath: { $.method: PURGE } }
  - name: TRACE
    request: { method: TRACE, url: "{{R}}/echo" }
    expect: { jsonpath: { $.method: TRACE } }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("PROPFIND http://"),
        "{}",
        output.stdout
    );
}
