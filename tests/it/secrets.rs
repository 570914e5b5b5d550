//! Secrets never appear in any output: each way they once leaked, reproduced, and a seeded
//! generator of secrets × places they are used × ways a server reflects them × every output
//! channel (terminal at `-vv`, the JSON, JUnit, TAP and HTML reports, `--curl`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::{Path as UrlPath, Query, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use base64::Engine as _;
use serde_json::json;

use crate::support::{runner, runner_with_env, Fixture, Output, OUTSIDE_CI};

/// The reflecting server: every route answers with what it received.
fn reflector() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        crate::servers::spawn(
            Router::new()
                .route("/r/{mode}/{pad}/{*rest}", any(reflect))
                .route("/landing/{pad}", get(landing))
                .route("/issue/{hex}", get(issue))
                .route("/body/{hex}", get(body_of))
                .route("/token/{pad}", post(token))
                .route("/terminal", get(terminal)),
        )
    })
}

/// What the request carried: its target, every header value but the plumbing, and its body.
async fn dump(request: Request) -> String {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let mut text = parts.uri.to_string();
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "host" | "content-length" | "accept" | "accept-encoding" | "user-agent"
        ) {
            text.push_str(" | ");
            text.push_str(&String::from_utf8_lossy(value.as_bytes()));
        }
    }
    text.push_str(" | ");
    text.push_str(&String::from_utf8_lossy(&body));
    text
}

fn form(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// JSON as Python writes it by default: non-ASCII as `\uXXXX`, and `/` as `\/` as PHP does.
fn json_ascii(text: &str) -> String {
    let mut out = String::new();
    for c in serde_json::to_string(text).unwrap_or_default().chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

/// `/r/{mode}/{pad}/...`: reflects the request after `pad` characters of filler, as `mode`
/// says: in a text body, JSON (escaped as serde, Python or twice), a header, a cookie, a
/// redirect's `Location`, or an error page.
async fn reflect(
    UrlPath((mode, pad, _)): UrlPath<(String, usize, String)>,
    request: Request,
) -> Response {
    let echo = format!("{}{}", "x".repeat(pad.min(100_000)), dump(request).await);
    let filler = "x".repeat(pad.min(100_000));
    let json_type = [(header::CONTENT_TYPE, "application/json")];
    match mode.as_str() {
        "json" => (json_type, json!({ "echo": echo }).to_string()).into_response(),
        "json-ascii" => (json_type, format!("{{\"echo\":{}}}", json_ascii(&echo))).into_response(),
        "json-twice" => {
            let inner = json!({ "echo": echo }).to_string();
            (json_type, json!({ "outer": inner }).to_string()).into_response()
        }
        "header" => {
            let value = HeaderValue::from_str(&echo).unwrap_or_else(|_| {
                HeaderValue::from_str(&form(&echo)).unwrap_or(HeaderValue::from_static("?"))
            });
            ([(header::HeaderName::from_static("x-echo"), value)], filler).into_response()
        }
        "cookie" => {
            let value = HeaderValue::from_str(&format!("c={}; Path=/", form(&echo)))
                .unwrap_or(HeaderValue::from_static("c=?"));
            ([(header::SET_COOKIE, value)], filler).into_response()
        }
        "location" => {
            let to = format!("/landing/{pad}?e={}", form(&echo));
            let value =
                HeaderValue::from_str(&to).unwrap_or(HeaderValue::from_static("/landing/0"));
            (StatusCode::FOUND, [(header::LOCATION, value)]).into_response()
        }
        "error" => (StatusCode::INTERNAL_SERVER_ERROR, format!("failed: {echo}")).into_response(),
        // A token whose payload holds the request, after `pad` characters (every offset).
        "jwt" => {
            let payload = json!({ "pad": filler, "echo": dump_of(&echo, pad) }).to_string();
            let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            format!("eyJhbGciOiJub25lIn0.{}.c2ln", engine.encode(payload)).into_response()
        }
        "html" => (
            [(header::CONTENT_TYPE, "text/html")],
            format!("<p>{}</p>", html_escape(&echo)),
        )
            .into_response(),
        // In UTF-16, as its charset says.
        "utf16le" | "utf16be" => {
            let big = mode == "utf16be";
            let bytes: Vec<u8> = echo
                .encode_utf16()
                .flat_map(|unit| match big {
                    true => unit.to_be_bytes(),
                    false => unit.to_le_bytes(),
                })
                .collect();
            let charset = match big {
                true => "text/plain; charset=utf-16be",
                false => "text/plain; charset=utf-16le",
            };
            ([(header::CONTENT_TYPE, charset)], bytes).into_response()
        }
        // UTF-8 read as Latin-1 and written back as UTF-8.
        "mojibake" => echo
            .bytes()
            .map(char::from)
            .collect::<String>()
            .into_response(),
        // Every character a numeric character reference, decimal and hexadecimal in turn.
        "entities" => (
            [(header::CONTENT_TYPE, "text/html")],
            echo.chars()
                .enumerate()
                .map(|(i, c)| match i % 2 {
                    0 => format!("&#{};", u32::from(c)),
                    _ => format!("&#x{:x};", u32::from(c)),
                })
                .collect::<String>(),
        )
            .into_response(),
        // Named references for every character HTML names, as PHP's
        // `htmlentities($s, ENT_QUOTES | ENT_HTML5)` writes them.
        "html5" => (
            [(header::CONTENT_TYPE, "text/html")],
            echo.chars()
                .map(|c| match html5_name(c) {
                    Some(name) => format!("&{name};"),
                    None => c.to_string(),
                })
                .collect::<String>(),
        )
            .into_response(),
        // Base64 wrapped at 64 characters a line, as PEM writes it.
        "pem" => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&echo);
            let lines: Vec<&str> = encoded
                .as_bytes()
                .chunks(64)
                .filter_map(|line| std::str::from_utf8(line).ok())
                .collect();
            format!(
                "-----BEGIN ECHO-----\n{}\n-----END ECHO-----\n",
                lines.join("\n")
            )
            .into_response()
        }
        _ => echo.into_response(),
    }
}

/// The request as [`reflect`] echoes it, without the `pad` characters of filler before it.
fn dump_of(echo: &str, pad: usize) -> &str {
    echo.get(pad.min(100_000)..).unwrap_or(echo)
}

/// Names HTML5 gives characters a secret may hold, as PHP writes them.
const HTML5_NAMES: &[(char, &str)] = &[
    ('\t', "Tab"),
    ('\n', "NewLine"),
    ('!', "excl"),
    ('"', "quot"),
    ('#', "num"),
    ('$', "dollar"),
    ('%', "percnt"),
    ('&', "amp"),
    ('\'', "apos"),
    ('(', "lpar"),
    (')', "rpar"),
    ('*', "ast"),
    ('+', "plus"),
    (',', "comma"),
    ('.', "period"),
    ('/', "sol"),
    (':', "colon"),
    (';', "semi"),
    ('<', "lt"),
    ('=', "equals"),
    ('>', "gt"),
    ('?', "quest"),
    ('@', "commat"),
    ('[', "lsqb"),
    ('\\', "bsol"),
    (']', "rsqb"),
    ('^', "Hat"),
    ('_', "lowbar"),
    ('`', "grave"),
    ('{', "lcub"),
    ('|', "verbar"),
    ('}', "rcub"),
    ('ä', "auml"),
    ('é', "eacute"),
    ('ö', "ouml"),
    ('ü', "uuml"),
    ('ß', "szlig"),
    ('€', "euro"),
];

fn html5_name(c: char) -> Option<&'static str> {
    HTML5_NAMES
        .iter()
        .find_map(|(named, name)| (*named == c).then_some(*name))
}

/// HTML-escaped as Python's `html.escape` writes it.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

async fn landing(
    UrlPath(pad): UrlPath<usize>,
    Query(query): Query<HashMap<String, String>>,
) -> String {
    format!(
        "{}{}",
        "x".repeat(pad.min(100_000)),
        query.get("e").cloned().unwrap_or_default()
    )
}

/// `/issue/{hex}`: a list and an object holding the secret written in hex in the path.
async fn issue(UrlPath(hex): UrlPath<String>) -> Response {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    let secret = String::from_utf8_lossy(&bytes).into_owned();
    axum::Json(json!({
        "toks": [secret, "not-a-secret"],
        "cred": { "user": "someone", "password": secret },
    }))
    .into_response()
}

/// `text` in hex, to put it in a path.
fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// `/body/{hex}`: a JSON body written in hex in the path, as it is (big numbers, member
/// names holding a secret).
async fn body_of(UrlPath(hex): UrlPath<String>) -> Response {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// `/token/{pad}`: a token endpoint that refuses every client, quoting its credentials back.
async fn token(UrlPath(pad): UrlPath<usize>, request: Request) -> Response {
    let echo = format!("{}{}", "x".repeat(pad.min(100_000)), dump(request).await);
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({ "error": "invalid_client", "error_description": echo })),
    )
        .into_response()
}

/// A body that would steer a terminal: clear the screen, set the clipboard, rewrite the line.
async fn terminal() -> &'static str {
    "before\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\rafter\u{9b}31m\u{202e}end"
}

/// Every file a run wrote, and what it printed.
struct Channels(Vec<(String, String)>);

/// Runs `yaml` (with `{{R}}` the reflector) at `-vv` (everything, uncut) with every report
/// and `--curl`.
fn run_everywhere(
    fixture: &Fixture,
    yaml: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Output, Channels) {
    run_at(fixture, yaml, "-vv", args, env)
}

/// [`run_everywhere`] at `verbosity`: `-v` cuts bodies (2 KiB in the terminal, 64 KiB in
/// reports).
fn run_at(
    fixture: &Fixture,
    yaml: &str,
    verbosity: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Output, Channels) {
    let path = fixture.file(
        "c.yaml",
        &yaml.replace("{{R}}", &format!("http://{}", reflector())),
    );
    let dir = fixture.path();
    let files: Vec<(&str, std::path::PathBuf)> = ["r.json", "r.xml", "r.tap", "r.html", "curl.sh"]
        .iter()
        .map(|name| (*name, dir.join(name)))
        .collect();
    let mut all: Vec<String> = vec![
        "run".into(),
        path.display().to_string(),
        verbosity.into(),
        "--continue-on-failure".into(),
    ];
    for (flag, (_, file)) in [
        "--report-json",
        "--report-junit",
        "--report-tap",
        "--report-html",
        "--curl",
    ]
    .iter()
    .zip(&files)
    {
        all.push((*flag).into());
        all.push(file.display().to_string());
    }
    all.extend(args.iter().map(|a| (*a).to_owned()));
    let output = runner_with_env(all, env);
    let mut channels = vec![
        ("stdout".to_owned(), output.stdout.clone()),
        ("stderr".to_owned(), output.stderr.clone()),
    ];
    for (name, file) in files {
        channels.push((
            name.to_owned(),
            std::fs::read_to_string(&file).unwrap_or_default(),
        ));
    }
    (output, Channels(channels))
}

/// The forms a secret takes on the wire and in servers' answers, as this test writes them
/// (independently of runner's redactor).
fn encodings(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned(), form(secret)];
    const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    forms.push(percent_encoding::utf8_percent_encode(secret, COMPONENT).to_string());
    if let Ok(base) = url::Url::parse("http://h/") {
        let mut u = base.clone();
        u.set_path(secret);
        forms.push(u.path().trim_start_matches('/').to_owned());
        let mut u = base;
        u.set_query(Some(secret));
        forms.extend(u.query().map(str::to_owned));
    }
    let lower: Vec<String> = forms
        .iter()
        .filter(|f| f.contains('%'))
        .map(|f| {
            let re = regex::Regex::new("%[0-9A-F]{2}").expect("regex");
            re.replace_all(f, |c: &regex::Captures<'_>| c[0].to_ascii_lowercase())
                .into_owned()
        })
        .collect();
    forms.extend(lower);
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    let once = quoted[1..quoted.len() - 1].to_owned();
    let twice_quoted = serde_json::to_string(&once).unwrap_or_default();
    forms.push(twice_quoted[1..twice_quoted.len() - 1].to_owned());
    forms.push(once);
    let ascii = json_ascii(secret);
    forms.push(ascii[1..ascii.len() - 1].to_owned());
    let engine = base64::engine::general_purpose::STANDARD;
    forms.push(engine.encode(secret));
    forms.push(engine.encode(format!("user:{secret}")));
    forms.push(engine.encode(format!("client-id:{}", form(secret))));
    forms.push(html_escape(secret));
    forms.push(secret.bytes().map(char::from).collect());
    forms.retain(|f| f.chars().count() >= 3);
    forms.sort();
    forms.dedup();
    forms
}

/// Every byte string the base64 runs in `text` decode to, at each of their four offsets, in
/// either alphabet.
fn base64_readings(text: &str) -> Vec<Vec<u8>> {
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let standard = text.replace('-', "+").replace('_', "/");
    let mut readings = Vec::new();
    for run in standard.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/')) {
        // Runs of the filler alone decode to nothing of the secret.
        if run.len() < 8 || run.bytes().all(|b| b == b'x') {
            continue;
        }
        for shift in 0..4 {
            let rest = &run[shift..];
            if let Ok(bytes) = engine.decode(&rest[..rest.len() / 4 * 4]) {
                readings.push(bytes);
            }
        }
    }
    readings
}

/// Where `secret` shows in `channels`, whole, as the start of one of its forms left before
/// a cut (`…`), or as six bytes of one of its forms in a base64 text.
fn leaks(secret: &str, channels: &Channels) -> Vec<String> {
    let forms = encodings(secret);
    // The forms that are base64 themselves are not what a base64 text decodes to.
    let base64 = regex::Regex::new("^[A-Za-z0-9+/]+=*$").expect("regex");
    let windows: std::collections::HashSet<&[u8]> = forms
        .iter()
        .filter(|form| form.as_str() == secret || !base64.is_match(form))
        .flat_map(|form| form.as_bytes().windows(6))
        .collect();
    let mut found = Vec::new();
    let references =
        regex::Regex::new("&#(?:[xX]([0-9a-fA-F]{1,7})|([0-9]{1,7}));?").expect("regex");
    for (channel, text) in &channels.0 {
        // Numeric character references read back (`&#115;` is `s`).
        let unreferenced = references.replace_all(text, |c: &regex::Captures<'_>| {
            let code = match (c.get(1), c.get(2)) {
                (Some(hex), _) => u32::from_str_radix(hex.as_str(), 16).ok(),
                (_, Some(decimal)) => decimal.as_str().parse().ok(),
                _ => None,
            };
            code.and_then(char::from_u32)
                .map_or_else(|| c[0].to_owned(), String::from)
        });
        // And the names of `HTML5_NAMES` (`&plus;` is `+`).
        let unreferenced = HTML5_NAMES
            .iter()
            .fold(unreferenced.into_owned(), |text, (c, name)| {
                text.replace(&format!("&{name};"), &c.to_string())
            });
        if unreferenced != *text {
            for form in &forms {
                if unreferenced.contains(form.as_str()) {
                    found.push(format!("{channel} holds {form:?} as character references"));
                }
            }
        }
        for reading in base64_readings(text) {
            if let Some(shown) = reading.windows(6).find(|w| windows.contains(w)) {
                found.push(format!(
                    "{channel} holds base64 of {:?}",
                    String::from_utf8_lossy(shown)
                ));
            }
        }
        for form in &forms {
            if text.contains(form.as_str()) {
                found.push(format!("{channel} holds {form:?}"));
            }
        }
        for (at, _) in text.match_indices('…') {
            let before = &text[..at];
            for form in &forms {
                let chars: Vec<char> = form.chars().collect();
                for len in 3..chars.len() {
                    let prefix: String = chars[..len].iter().collect();
                    // Escapes alone (`\\\"`, `%`) start many texts: a leak shows some of
                    // the secret itself.
                    let telling = prefix
                        .chars()
                        .filter(|c| !matches!(c, '\\' | '"' | '%' | ' '))
                        .count();
                    if telling >= 3 && before.ends_with(&prefix) {
                        found.push(format!(
                            "{channel} holds {prefix:?}… (the start of {form:?})"
                        ));
                    }
                }
            }
        }
    }
    found
}

fn assert_no_leak(secret: &str, output: &Output, channels: &Channels) {
    assert!(!output.stderr.contains("panicked"), "{output:?}");
    let found = leaks(secret, channels);
    assert!(
        found.is_empty(),
        "{secret:?} leaks:\n{}\n{output:?}",
        found.join("\n")
    );
}

#[test]
fn a_secret_across_a_cut_shows_no_start() {
    let fixture = Fixture::new();
    let secret = "MY-LONG-SECRET-PASSWORD-0123456789";
    // The failure shows 120 characters of the body: the secret starts at about 100.
    for pad in [80, 95, 100, 110, 118] {
        let yaml = format!(
            r#"
name: cut
steps:
  - name: text
    request: {{ url: "{{{{R}}}}/r/text/{pad}/p", query: {{ s: "{{{{pw}}}}" }} }}
    expect: {{ body: "x" }}
  - name: not json
    request: {{ url: "{{{{R}}}}/r/text/{pad}/p", query: {{ s: "{{{{pw}}}}" }} }}
    expect: {{ jsonpath: {{ $.a: 1 }} }}
  - name: skipped
    when: {{ "x{pad}{{{{pw}}}}": "no" }}
    request: {{ url: "{{{{R}}}}/r/text/0/p" }}
"#
        );
        let (output, channels) =
            run_everywhere(&fixture, &yaml, &["--secret", &format!("pw={secret}")], &[]);
        assert_eq!(output.code, 1, "{output:?}");
        assert!(output.stdout.contains("***"), "{}", output.stdout);
        assert_no_leak(secret, &output, &channels);
    }
}

#[test]
fn recorded_bodies_are_masked_before_they_are_cut() {
    let fixture = Fixture::new();
    let secret = "MY-LONG-SECRET-PASSWORD-0123456789";
    // Reports keep 64 KiB of a body: the secret starts 10 bytes before that edge.
    // Something follows the secret, so that the body is still longer than 64 KiB once masked.
    let yaml = format!(
        r#"
name: cut at 64 KiB
steps:
  - name: big
    request: {{ url: "{{{{R}}}}/r/text/65508/p", query: {{ s: "{{{{pw}}}}", then: "{}" }} }}
"#,
        "y".repeat(200)
    );
    let (output, channels) = run_at(
        &fixture,
        &yaml,
        "-v",
        &["--secret", &format!("pw={secret}")],
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        channels.0[2].1.contains("bytes in all)"),
        "the JSON report cuts the body, and gives its size as it came (masking changed it)"
    );
    assert_no_leak(secret, &output, &channels);
}

#[test]
fn every_scalar_of_a_secret_list_or_object_capture_is_masked() {
    let fixture = Fixture::new();
    let secret = "list-and-object-secret-77";
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let yaml = format!(
        r#"
name: structured captures
steps:
  - name: issue
    request: {{ url: "{{{{R}}}}/issue/{hex}" }}
    capture:
      toks: {{ jsonpath: $.toks, secret: true }}
      cred: {{ jsonpath: $.cred, secret: true }}
  - name: use the list
    request: {{ url: "{{{{R}}}}/r/json/0/{{{{lookup toks 0}}}}", headers: {{ X-P: "{{{{cred.password}}}}" }} }}
    expect: {{ body: "no" }}
"#
    );
    let (output, channels) = run_everywhere(&fixture, &yaml, &[], &[]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains("not-a-secret") || output.stdout.contains("***"),
        "{}",
        output.stdout
    );
    assert_no_leak(secret, &output, &channels);
}

#[test]
fn secrets_are_masked_in_every_encoding_on_the_wire_and_in_answers() {
    let fixture = Fixture::new();
    for secret in [
        "p@ss w0rd!",
        "a~b c",
        "s3cr3t\"/+&=tok",
        "pässwörd/ü<>&'",
        "日本語のひみつ",
    ] {
        let yaml = r#"
name: encodings
steps:
  - name: path
    request: { url: "{{R}}/r/json-ascii/0/p/{{pw}}" }
  - name: raw query
    request: { url: "{{R}}/r/json-twice/0/p?t={{pw}}" }
  - name: query
    request: { url: "{{R}}/r/location/0/p", query: { s: "{{pw}}" } }
  - name: form
    request: { method: POST, url: "{{R}}/r/cookie/0/p", form: { s: "{{pw}}" } }
  - name: api key
    request: { url: "{{R}}/r/header/0/p", auth: { api_key: { query: key, value: "{{pw}}" } } }
  - name: multipart
    request: { method: POST, url: "{{R}}/r/error/0/p", multipart: { s: "{{pw}}" } }
"#;
        let (output, channels) =
            run_everywhere(&fixture, yaml, &["--secret", &format!("pw={secret}")], &[]);
        assert!(matches!(output.code, 0 | 1), "{output:?}");
        assert_no_leak(secret, &output, &channels);
    }
}

#[test]
fn host_names_are_masked_as_the_url_parser_writes_them() {
    let fixture = Fixture::new();
    let port = reflector().port();
    // The parser lowercases a host name and writes a non-ASCII one in punycode.
    for secret in ["Secret-Tenant.Test", "tënant-secret.test"] {
        let host = match url::Host::parse(secret) {
            Ok(url::Host::Domain(domain)) => domain,
            other => panic!("{secret} is not a domain: {other:?}"),
        };
        let yaml = format!(
            r#"
name: hosts
steps:
  - name: host
    request: {{ url: "http://{{{{pw}}}}:{port}/r/json/0/p" }}
    expect: {{ body: "no" }}
"#
        );
        let (output, channels) = run_everywhere(
            &fixture,
            &yaml,
            &[
                "--secret",
                &format!("pw={secret}"),
                "--resolve",
                &format!("{host}:{port}:127.0.0.1"),
            ],
            &[],
        );
        assert_eq!(output.code, 1, "{output:?}");
        for (channel, text) in &channels.0 {
            assert!(!text.contains(&host), "{channel} holds {host}:\n{text}");
        }
        assert_no_leak(secret, &output, &channels);
    }
}

#[test]
fn values_derived_from_a_secret_are_masked() {
    let fixture = Fixture::new();
    let secret = "hunter2-derived";
    let yaml = r#"
name: derived
vars: { creds: "user:{{pw}}", obj: { k: "{{pw}}" } }
steps:
  - name: basic by hand
    request: { url: "{{R}}/r/json/0/p", headers: { Authorization: "Basic {{base64 creds}}", X-J: "{{base64 (json obj)}}" } }
  - name: oauth2 echoes its basic header
    request:
      url: "{{R}}/r/json/0/p"
      auth: { oauth2: { client_credentials: { token_url: "{{R}}/token/0", client_id: client-id, client_secret: "{{pw}}" } } }
"#;
    let (output, channels) =
        run_everywhere(&fixture, yaml, &["--secret", &format!("pw={secret}")], &[]);
    assert_eq!(output.code, 3, "{output:?}");
    let json_of_obj =
        base64::engine::general_purpose::STANDARD.encode(format!("{{\"k\":\"{secret}\"}}"));
    for (channel, text) in &channels.0 {
        assert!(
            !text.contains(&json_of_obj),
            "{channel} holds the base64 of a JSON with the secret"
        );
    }
    assert!(output.stdout.contains("Basic ***"), "{}", output.stdout);
    assert_no_leak(secret, &output, &channels);
}

#[test]
fn a_short_secret_is_masked_only_as_a_whole_token() {
    let fixture = Fixture::new();
    let yaml = r#"
name: short
steps:
  - name: s
    request: { url: "{{R}}/r/json/0/p", query: { s: "{{pw}}" } }
    expect: { status: 201 }
"#;
    let (output, channels) = run_everywhere(&fixture, yaml, &["--secret", "pw=p"], &[]);
    assert_eq!(output.code, 1, "{output:?}");
    for (channel, text) in &channels.0 {
        assert!(!text.contains("htt***"), "{channel}: {text}");
        assert!(!text.contains("ex***ected"), "{channel}: {text}");
        assert!(
            !text.contains("s=p&") && !text.contains("s=p\""),
            "{channel} shows the secret: {text}"
        );
    }
    let report: serde_json::Value =
        serde_json::from_str(&channels.0[2].1).expect("the JSON report is JSON");
    assert!(report.get("collections").is_some(), "{report}");
    assert!(output.stdout.contains("s=***"), "{}", output.stdout);
}

#[test]
fn what_a_server_sends_never_steers_the_terminal() {
    let fixture = Fixture::new();
    let yaml = r#"
name: terminal
steps:
  - name: hostile body
    request: { url: "{{R}}/terminal" }
    expect: { body: "calm" }
"#;
    for verbosity in ["-v", "-vv"] {
        let path = fixture.file(
            "t.yaml",
            &yaml.replace("{{R}}", &format!("http://{}", reflector())),
        );
        let output = runner_with_env(
            [
                "run",
                &path.display().to_string(),
                verbosity,
                "--color",
                "never",
            ],
            &[],
        );
        assert_eq!(output.code, 1, "{output:?}");
        for c in ['\u{1b}', '\r', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(
                !output.stdout.contains(c),
                "{c:?} reaches the terminal:\n{}",
                output.stdout
            );
        }
        assert!(output.stdout.contains("\\e[2J"), "{}", output.stdout);
    }
}

/// Asserts that no channel holds `text`.
fn assert_nowhere(text: &str, output: &Output, channels: &Channels) {
    for (channel, written) in &channels.0 {
        assert!(
            !written.contains(text),
            "{channel} holds {text:?}:\n{written}\n{output:?}"
        );
    }
}

#[test]
fn a_secret_with_white_space_at_an_end_is_masked_trimmed_too() {
    let fixture = Fixture::new();
    // The URL parser drops what ends a URL, a header's value is read trimmed, and a message
    // quotes a value trimmed.
    let yaml = r#"
name: trimmed
steps:
  - name: key at the end of the URL
    request: { url: "{{R}}/r/json/0/p?api_key={{key}}" }
    expect: { status: "{{key}}" }
  - name: echoed in a header
    request: { url: "{{R}}/r/header/0/p", headers: { X-Key: "{{key}}" } }
    expect: { headers: { x-echo: "no" } }
"#;
    for secret in [
        "Zk9WqSecretKey42 ",
        " Zk9WqLeadSpace4d2",
        "Zk9WqTrailingNL4d2\n",
        "\tZk9WqLeadTab4d2",
        "Zk9WqTrailingCRLF4d2\r\n",
        "Zk9WqNbsp4d2\u{a0}",
    ] {
        let (output, channels) =
            run_everywhere(&fixture, yaml, &["--secret", &format!("key={secret}")], &[]);
        // 1: the expectations fail; 2: a line break cannot be sent in a header, refused
        // before anything is sent.
        let refused = secret.contains('\n');
        assert_eq!(output.code, if refused { 2 } else { 1 }, "{output:?}");
        assert!(
            refused || output.stdout.contains("***"),
            "{}",
            output.stdout
        );
        assert_no_leak(secret, &output, &channels);
        assert_no_leak(secret.trim(), &output, &channels);
    }
}

#[test]
fn a_secret_with_a_character_debug_escapes_is_masked_in_text_predicates() {
    let fixture = Fixture::new();
    let yaml = r#"
name: debug
steps:
  - name: s
    request: { url: "{{R}}/r/json/0/p" }
    expect: { jsonpath: { $.echo: { starts_with: "{{pw}}", ends_with: "{{pw}}" } } }
"#;
    for c in [
        '\u{a0}', '\u{ad}', '\u{200b}', '\u{feff}', '\u{202e}', '\u{7f}', '\u{1}',
    ] {
        let secret = format!("Zk9Wq{c}correct-horse");
        let (output, channels) =
            run_everywhere(&fixture, yaml, &["--secret", &format!("pw={secret}")], &[]);
        assert_eq!(output.code, 1, "{output:?}");
        assert!(
            output.stdout.contains(r#"starts with "***""#),
            "{}",
            output.stdout
        );
        assert_no_leak(&secret, &output, &channels);
        assert_nowhere("correct-horse", &output, &channels);
    }
}

#[test]
fn a_member_name_holding_a_secret_is_masked_where_a_schema_says_it_is() {
    let fixture = Fixture::new();
    fixture.file(
        "api.yaml",
        r#"
openapi: 3.0.3
info: { title: keys, version: "1" }
paths:
  /body/{hex}:
    get:
      parameters: [{ name: hex, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, additionalProperties: { type: string } }
"#,
    );
    for secret in [
        "Zk9Wq/Abc+Def/GhiJkl",
        "Zk9Wq~Tilde/Slash~0",
        "Zk9Wq'quote\\back",
    ] {
        let body = serde_json::to_string(&json!({ secret: 1 })).expect("JSON");
        let yaml = format!(
            r#"
name: pointer
openapi: api.yaml
steps:
  - name: schema
    request: {{ url: "{{{{R}}}}/body/{}" }}
    expect: {{ schema: {{ type: object, additionalProperties: {{ type: string }} }} }}
  - name: contract
    request: {{ url: "{{{{R}}}}/body/{}" }}
    expect: {{ openapi: true }}
"#,
            hex(&body),
            hex(&body)
        );
        let (output, channels) =
            run_everywhere(&fixture, &yaml, &["--secret", &format!("k={secret}")], &[]);
        assert_eq!(output.code, 1, "{output:?}");
        assert!(output.stdout.contains("`/***`"), "{}", output.stdout);
        assert!(output.stdout.contains("body /***"), "{}", output.stdout);
        assert_no_leak(secret, &output, &channels);
        assert_nowhere("Zk9Wq", &output, &channels);
    }
}

#[test]
fn a_secret_url_is_masked_as_the_url_parser_normalises_it() {
    let fixture = Fixture::new();
    let port = reflector().port();
    let yaml = r#"
name: hook
steps:
  - name: notify
    request: { method: POST, url: "{{webhook}}", json: { text: hi } }
    expect: { status: 201 }
"#;
    // The error page quotes the request line, as "Cannot POST /…" pages do.
    let path = "r/error/0/services/T0/B0/Zk9WqHookToken";
    for secret in [
        format!("HTTP://LOCALHOST:{port}/{path}"),
        format!("http://127.0.0.1:0{port}/{path}"),
        format!("http://0x7f.1:{port}/{path}"),
        format!("http://2130706433:{port}/{path}?x=1"),
        format!("http://127.0.0.1:{port}/a/../{path}"),
        format!("http://127.0.0.1:{port}/./{path}#frag"),
    ] {
        let (output, channels) = run_everywhere(
            &fixture,
            yaml,
            &["--secret", &format!("webhook={secret}")],
            &[],
        );
        assert_eq!(output.code, 1, "{output:?}");
        assert!(output.stdout.contains("***"), "{}", output.stdout);
        assert_no_leak(&secret, &output, &channels);
        assert_nowhere("Zk9WqHookToken", &output, &channels);
    }
}

#[test]
fn a_secret_number_capture_is_masked_as_the_body_writes_it() {
    let fixture = Fixture::new();
    let body = r#"{"account": 89882806660000012345, "rate": 0.12345678901234567890, "n": 7}"#;
    let yaml = format!(
        r#"
name: numbers
steps:
  - name: s
    request: {{ url: "{{{{R}}}}/body/{}" }}
    capture:
      account: {{ jsonpath: $.account, secret: true }}
      rate: {{ jsonpath: $.rate, secret: true }}
    expect: {{ jsonpath: {{ $.n: 8 }} }}
  - name: sent on
    request: {{ url: "{{{{R}}}}/r/json/0/p", query: {{ a: "{{{{account}}}}", r: "{{{{rate}}}}" }} }}
"#,
        hex(body)
    );
    for verbosity in ["-v", "-vv"] {
        let (output, channels) = run_at(&fixture, &yaml, verbosity, &[], &[]);
        assert_eq!(output.code, 1, "{output:?}");
        assert!(
            output.stdout.contains(r#""account": ***"#),
            "{}",
            output.stdout
        );
        for written in [
            "89882806660000012345",
            "0.12345678901234567890",
            "8.98828066",
        ] {
            assert_no_leak(written, &output, &channels);
            assert_nowhere(written, &output, &channels);
        }
    }
}

/// A small deterministic generator (SplitMix64), so that a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A random secret of 4 to 64 characters: letters, digits, punctuation, spaces, non-ASCII.
/// (`x` and `*` are left out: they are the filler and the mask, and would read as a cut start.)
fn random_secret(rng: &mut Rng) -> String {
    const LETTERS: &str = "abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const PUNCTUATION: &str = "!\"$%&'()+,-./:;<=>?@[\\]^_`{|}~#";
    const OTHER: &[&str] = &["ä", "é", "ß", "日", "本", "😀", "ñ", "Ω"];
    let len = 4 + rng.below(61);
    let mut secret = String::new();
    while secret.chars().count() < len {
        match rng.below(10) {
            0..=5 => secret.push(LETTERS.as_bytes()[rng.below(LETTERS.len())] as char),
            6 | 7 => secret.push(PUNCTUATION.as_bytes()[rng.below(PUNCTUATION.len())] as char),
            8 => secret.push(' '),
            _ => {
                let other: &&str = rng.pick(OTHER);
                secret.push_str(other);
            }
        }
    }
    // Leading and trailing spaces do not survive a header or a command line as themselves.
    let trimmed = secret.trim().to_owned();
    if trimmed.chars().count() < 4 {
        return "pad-".to_owned() + &trimmed;
    }
    trimmed
}

/// Places a secret is used: `@SECRET@` is the template that reads it, `@BARE@` the same as a
/// helper's argument.
const PLACES: &[&str] = &[
    r#"request: { url: "{{R}}/r/MODE/PAD/p/@SECRET@" }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p?t=@SECRET@" }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p", query: { s: "@SECRET@" } }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p", headers: { X-S: "@SECRET@" } }"#,
    r#"request: { method: POST, url: "{{R}}/r/MODE/PAD/p", json: { s: "@SECRET@", n: [1, "@SECRET@"] } }"#,
    r#"request: { method: POST, url: "{{R}}/r/MODE/PAD/p", form: { s: "@SECRET@" } }"#,
    r#"request: { method: POST, url: "{{R}}/r/MODE/PAD/p", multipart: { s: "@SECRET@" } }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p", auth: { basic: { username: user, password: "@SECRET@" } } }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p", auth: { api_key: { query: key, value: "@SECRET@" } } }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p", auth: { api_key: { header: X-Key, value: "@SECRET@" } } }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p", auth: { oauth2: { client_credentials: { token_url: "{{R}}/token/PAD", client_id: client-id, client_secret: "@SECRET@" } } } }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p", auth: { oauth2: { client_credentials: { token_url: "{{R}}/token/PAD", client_id: client-id, client_secret: "@SECRET@", client_auth: body } } } }"#,
    r#"request: { url: "{{R}}/r/MODE/PAD/p?t={{urlencode @BARE@}}", headers: { X-B: "{{base64 @BARE@}}" } }"#,
    r#"request: { method: POST, url: "{{R}}/r/MODE/PAD/p", body: "user:@SECRET@" }"#,
];

const MODES: &[&str] = &[
    "text",
    "json",
    "json-ascii",
    "json-twice",
    "header",
    "cookie",
    "location",
    "error",
    "jwt",
    "html",
    "mojibake",
    "entities",
    "html5",
    "pem",
];

/// Expectations that fail and so print what they saw.
const EXPECTS: &[&str] = &[
    r#"expect: { body: "no" }"#,
    r#"expect: { jsonpath: { $.echo: "no" } }"#,
    r#"expect: { jsonpath: { $.outer: { contains: "no" } } }"#,
    r#"expect: { headers: { x-echo: "no" } }"#,
    r#"expect: { body: { matches: "^no$" } }"#,
];

/// Filler lengths that put the secret across each cut: a value in a message (120), the start
/// of a body that is not JSON (60), a `-v` body (2048), a recorded body (64 KiB).
fn random_pad(rng: &mut Rng, secret_len: usize) -> usize {
    let edge = *rng.pick(&[60usize, 120, 2048, 65536]);
    let back = rng.below(secret_len + 40);
    edge.saturating_sub(back)
}

#[test]
fn generated_secrets_never_show_on_any_channel() {
    let seed: u64 = std::env::var("RUNNER_SECRETS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EC2E7);
    let cases: usize = std::env::var("RUNNER_SECRETS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let only: Option<usize> = std::env::var("RUNNER_SECRETS_CASE")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut rng = Rng(seed);
    let fixture = Fixture::new();
    let mut failures = Vec::new();
    let mut steps_run = 0;
    for case in 0..cases {
        let secret = random_secret(&mut rng);
        // Where the secret comes from: a flag, a secret input, or a secret capture.
        let source = rng.below(3);
        let (expression, bare) = match source {
            0 => ("{{pw}}", "pw"),
            1 => ("{{env.PW_INPUT}}", "env.PW_INPUT"),
            _ => {
                if rng.below(2) == 0 {
                    ("{{lookup toks 0}}", "(lookup toks 0)")
                } else {
                    ("{{cred.password}}", "cred.password")
                }
            }
        };
        let mut yaml =
            String::from("name: generated\ninputs: { PW_INPUT: { secret: true } }\nsteps:\n");
        if source == 2 {
            let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
            yaml.push_str(&format!(
                "  - name: issue\n    request: {{ url: \"{{{{R}}}}/issue/{hex}\" }}\n    capture:\n      toks: {{ jsonpath: $.toks, secret: true }}\n      cred: {{ jsonpath: $.cred, secret: true }}\n"
            ));
        }
        let steps = 4 + rng.below(4);
        for n in 0..steps {
            // A `#` in a secret in the URL's text is refused before sending (it would start
            // the fragment, and the server would see and echo a part of the secret).
            let place = *rng.pick(PLACES);
            let mode = *rng.pick(MODES);
            let pad = random_pad(&mut rng, secret.len());
            let body = place
                .replace("MODE", mode)
                .replace("PAD", &pad.to_string())
                .replace("@BARE@", bare)
                .replace("@SECRET@", expression);
            yaml.push_str(&format!(
                "  - name: step {n} {mode}\n    {body}\n    {}\n",
                rng.pick(EXPECTS)
            ));
        }
        yaml.push_str(&format!("  - name: skipped\n    when: {{ \"{}{}\": nothing }}\n    request: {{ url: \"{{{{R}}}}/r/text/0/p\" }}\n", "x".repeat(random_pad(&mut rng, secret.len()).min(200)), expression));
        steps_run += steps;
        let mut args: Vec<String> = Vec::new();
        let mut env: Vec<(&str, &str)> = Vec::new();
        match source {
            0 => args.extend(["--secret".to_owned(), format!("pw={secret}")]),
            1 => env.push(("PW_INPUT", secret.as_str())),
            _ => {}
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // `-v` cuts what it shows, `-vv` shows everything.
        let verbosity = if case % 2 == 0 { "-v" } else { "-vv" };
        // `RUNNER_SECRETS_CASE=N` runs case N alone (the same collection as in a full run).
        if only.is_some_and(|only| only != case) {
            continue;
        }
        let (output, channels) = run_at(&fixture, &yaml, verbosity, &args, &env);
        let mut found = leaks(&secret, &channels);
        if output.stderr.contains("panicked") || !matches!(output.code, 0 | 1 | 3) {
            found.push(format!("exit {}: {}", output.code, output.stderr));
        }
        if !found.is_empty() {
            failures.push(format!(
                "case {case} (seed {seed}), secret {secret:?}:\n{yaml}\n{}",
                found.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} generated collections ({steps_run} steps) leaked:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every snapshot file under `dir`, as channels.
fn snapshot_files(dir: &std::path::Path) -> Vec<(String, String)> {
    std::fs::read_dir(dir.join("__snapshots__"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(entry.path()).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn generated_secrets_never_reach_a_snapshot_file() {
    let seed: u64 = std::env::var("RUNNER_SECRETS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5A9_5EC2);
    let cases: usize = std::env::var("RUNNER_SECRETS_CASES")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .map_or(12, |n| n.div_ceil(3));
    let only: Option<usize> = std::env::var("RUNNER_SECRETS_CASE")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    let mut masked_entries = 0;
    for case in 0..cases {
        let secret = random_secret(&mut rng);
        let source = rng.below(3);
        let (expression, bare) = match source {
            0 => ("{{pw}}", "pw"),
            1 => ("{{env.PW_INPUT}}", "env.PW_INPUT"),
            _ => ("{{cred.password}}", "cred.password"),
        };
        // Every step snapshots its response, headers included, by `defaults.expect`.
        let mut yaml = String::from(
            "name: generated\ninputs: { PW_INPUT: { secret: true } }\ndefaults:\n  expect: { status: any, snapshot: { headers: [x-echo, set-cookie, location, content-type] } }\nsteps:\n",
        );
        if source == 2 {
            let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
            yaml.push_str(&format!(
                "  - name: issue\n    request: {{ url: \"{{{{R}}}}/issue/{hex}\" }}\n    capture:\n      cred: {{ jsonpath: $.cred, secret: true }}\n"
            ));
        }
        for n in 0..3 + rng.below(3) {
            let mut place = *rng.pick(PLACES);
            // A token endpoint that refuses every client leaves nothing to snapshot: the first
            // step always gets a response.
            while n == 0 && place.contains("oauth2") {
                place = *rng.pick(PLACES);
            }
            if secret.contains('#')
                && (place.contains("/p/@SECRET@") || place.contains("?t=@SECRET@"))
            {
                place = PLACES[2];
            }
            let mode = *rng.pick(MODES);
            let pad = rng.below(200);
            let body = place
                .replace("MODE", mode)
                .replace("PAD", &pad.to_string())
                .replace("@BARE@", bare)
                .replace("@SECRET@", expression);
            yaml.push_str(&format!("  - name: step {n} {mode}\n    {body}\n"));
        }
        let mut args: Vec<String> = Vec::new();
        let mut env: Vec<(&str, &str)> = OUTSIDE_CI.to_vec();
        match source {
            0 => args.extend(["--secret".to_owned(), format!("pw={secret}")]),
            1 => env.push(("PW_INPUT", secret.as_str())),
            _ => {}
        }
        if only.is_some_and(|only| only != case) {
            continue;
        }
        let fixture = Fixture::new();
        // The first run records pending snapshots; the second approves them.
        let mut found = Vec::new();
        for update in [false, true] {
            let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
            if update {
                all.push("--update-snapshots");
            }
            let (output, mut channels) = run_at(&fixture, &yaml, "-v", &all, &env);
            let files = snapshot_files(fixture.path());
            if files.is_empty() {
                found.push(format!("no snapshot file was written: {output:?}"));
            }
            masked_entries += files
                .iter()
                .map(|(_, text)| text.matches("secrets: masked").count())
                .sum::<usize>();
            channels.0.extend(files);
            found.extend(leaks(&secret, &channels));
            if output.stderr.contains("panicked") || !matches!(output.code, 0 | 1 | 3) {
                found.push(format!("exit {}: {}", output.code, output.stderr));
            }
        }
        if !found.is_empty() {
            failures.push(format!(
                "case {case} (seed {seed}), secret {secret:?}:\n{yaml}\n{}",
                found.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} generated collections leaked into snapshots:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The reflector sends the secret back in most responses: entries say they were masked.
    assert!(masked_entries > 0, "no entry was marked `secrets: masked`");
}

#[test]
fn a_secret_given_without_its_name_is_not_echoed() {
    for command in ["run", "load"] {
        let output = crate::support::runner_with_env(
            [
                command,
                "collections/emnify.yaml",
                "--secret",
                "s3cr3t-given-alone",
            ],
            &[],
        );
        assert_eq!(output.code, 2, "{command}: {output:?}");
        assert!(
            output.stderr.contains("`--secret` takes NAME=VALUE"),
            "{command}: {output:?}"
        );
        assert!(
            !output.stderr.contains("s3cr3t") && !output.stdout.contains("s3cr3t"),
            "{command}: {output:?}"
        );
    }
}

#[test]
fn a_proxys_credentials_are_masked_on_every_channel() {
    // The reflector stands in for the proxy: it answers with the headers it was sent,
    // `Proxy-Authorization` among them.
    let secret = "ProxyPw-1234";
    let proxy = format!("http://user:{secret}@{}", reflector());
    for (flag, env) in [
        (vec!["--proxy", proxy.as_str()], vec![]),
        (vec![], vec![("HTTP_PROXY", proxy.as_str())]),
    ] {
        let fixture = Fixture::new();
        let (output, channels) = run_everywhere(
            &fixture,
            "name: Proxied\nsteps:\n  - name: through the proxy\n    request: { url: \"http://proxied.test/r/json/0/x\" }\n",
            &flag,
            &env,
        );
        assert_eq!(output.code, 0, "{output:?}");
        assert!(output.stdout.contains("Basic ***"), "{output:?}");
        assert_no_leak(secret, &output, &channels);
    }
}

#[test]
fn a_proxy_url_runner_cannot_use_is_refused_without_its_password_and_sends_nothing() {
    // `--proxy ftp://…` was ignored (the request went straight to the server), and a URL
    // that did not parse was repeated whole in the error, password and all.
    let secret = "ProxyPw-5678";
    let address = crate::support::server();
    let fixture = Fixture::new();
    let collection = fixture.file(
        "direct.yaml",
        &format!(
            "name: Direct\nsteps:\n  - name: a\n    request: {{ url: \"http://{address}/hit/bad-proxy\" }}\n"
        ),
    );
    for (proxy, says) in [
        (format!("ftp://user:{secret}@127.0.0.1:21"), "not `ftp://`"),
        (format!("http://user:{secret}@:bad"), "is not a proxy URL"),
    ] {
        let output = crate::support::runner([
            "run".as_ref(),
            "--proxy".as_ref(),
            proxy.as_ref(),
            collection.as_os_str(),
        ]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(output.stderr.contains(says), "{output:?}");
        assert!(output.stderr.contains("user:***@"), "{output:?}");
        assert!(
            !output.stderr.contains(secret) && !output.stdout.contains(secret),
            "{output:?}"
        );
    }
    assert_eq!(crate::support::hits("bad-proxy"), 0);
}

#[test]
fn pieces_a_capture_cuts_out_of_a_secret_are_masked() {
    let fixture = Fixture::new();
    let (output, channels) = run_everywhere(
        &fixture,
        r#"name: Pieces
steps:
  - name: echo the token
    request: { url: "{{R}}/r/header/0/x", auth: { bearer: "{{tok}}" } }
    capture:
      head: { header: X-Echo, regex: 'Bearer (.{8})' }
      tail: { header: X-Echo, regex: 'Bearer .([^ ]*)' }
  - name: a piece listed before the secret capture it is cut from
    request: { url: "{{R}}/r/header/0/y", headers: { X-Given: "Bearer Quail-Seed-4477" } }
    capture:
      early: { header: X-Echo, regex: 'Bearer (.{9})' }
      whole: { header: X-Echo, regex: 'Bearer ([^ ]*)', secret: true }
  - name: "use {{head}} and {{tail}}"
    request: { url: "{{R}}/r/json/0/{{head}}/{{tail}}" }
"#,
        &["--secret", "tok=Zebra-Pass-99"],
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("use *** and ***"), "{output:?}");
    for piece in ["Zebra-Pa", "ebra-Pass-99", "Quail-See"] {
        assert_no_leak(piece, &output, &channels);
    }
}

/// Every auth helper, written with `SECRET` as its credential in clear: `(kind, flow)`.
const CLEAR_HELPERS: [(&str, &str); 5] = [
    ("basic", "{ basic: { username: u, password: SECRET } }"),
    ("bearer", r#"{ bearer: "SECRET" }"#),
    (
        "api_key header",
        "{ api_key: { header: X-Key, value: SECRET } }",
    ),
    (
        "api_key query",
        "{ api_key: { query: key, value: 'SECRET' } }",
    ),
    (
        "oauth2",
        r#"{ oauth2: { client_credentials: { token_url: "{{R}}/token/0", client_id: cid, client_secret: SECRET } } }"#,
    ),
];

/// A credential written in clear in an auth helper never shows in the source line a
/// problem quotes: not in `runner validate`'s errors, not in a refused run's reports, not in a
/// failure's snippet on stdout or in the HTML and JSON reports — for every helper, written
/// in flow style on the step's one line or in block style on its own line.
#[test]
fn a_credential_written_in_clear_never_shows_in_a_quoted_line() {
    let fixture = Fixture::new();
    let mut rng = Rng(0x5EC2_C1EA);
    for (kind, helper) in CLEAR_HELPERS {
        for round in 0..2 {
            let secret = format!(
                "Clear{}{}",
                rng.pick(&["Pw", "Tok-", "K.", "Cs_"]),
                (0..10)
                    .map(|_| *rng.pick(
                        &"abcdefghijklmnopqrstuvwyz0123456789"
                            .chars()
                            .collect::<Vec<_>>()
                    ))
                    .collect::<String>()
            );
            let auth = helper.replace("SECRET", &secret);
            // The step on one line: the url reads a variable that is not defined (a load
            // problem quoting the line), or the status is not what is expected (a failure).
            let one_line = |url: &str| {
                format!(
                    "name: clear\nsteps:\n  - {{ name: a, request: {{ url: \"{url}\", auth: {auth} }}, expect: {{ status: 201 }} }}\n"
                )
            };
            // The credential on its own line, after a variable that is not defined.
            let block = helper
                .replace("'SECRET'", "SECRET")
                .replace("\"SECRET\"", "SECRET")
                .replace("SECRET", &format!("\"{{{{nope}}}}{secret}\""));
            let broken = [
                one_line("{{R}}/r/text/0/{{nope}}"),
                format!(
                    "name: clear\nsteps:\n  - name: a\n    request:\n      url: \"{{{{R}}}}/r/text/0/p\"\n      auth: {block}\n"
                ),
            ];
            for yaml in &broken {
                let path = fixture.file(
                    "c.yaml",
                    &yaml.replace("{{R}}", &format!("http://{}", reflector())),
                );
                let output = runner_with_env(["validate", path.to_str().unwrap()], &[]);
                assert_eq!(output.code, 2, "{kind}: {output:?}");
                assert!(output.stderr.contains("***"), "{kind}: {}", output.stderr);
                let channels = Channels(vec![("validate".into(), output.stderr.clone())]);
                assert_no_leak(&secret, &output, &channels);
                let (output, channels) = run_everywhere(&fixture, yaml, &[], &[]);
                assert_eq!(output.code, 2, "{kind}: {output:?}");
                assert!(output.stderr.contains("***"), "{kind}: {}", output.stderr);
                let html = &channels
                    .0
                    .iter()
                    .find(|(name, _)| name == "r.html")
                    .unwrap()
                    .1;
                assert!(html.contains("***"), "{kind}: {html}");
                assert_no_leak(&secret, &output, &channels);
            }
            // At run time: the step fails (or its token is refused) and its line is quoted.
            let (output, channels) =
                run_everywhere(&fixture, &one_line("{{R}}/r/text/0/p"), &[], &[]);
            assert!(matches!(output.code, 1 | 3), "{kind}: {output:?}");
            assert!(
                output.stdout.contains("auth: {") && output.stdout.contains("***"),
                "{kind} (round {round}): {}",
                output.stdout
            );
            assert_no_leak(&secret, &output, &channels);
        }
    }
}

/// The mark under a quoted line still points at the field once a credential before it is
/// masked.
#[test]
fn the_mark_points_at_the_field_after_a_credential_is_masked() {
    let fixture = Fixture::new();
    let yaml = "name: mark\nsteps:\n  - { name: a, request: { url: \"{{R}}/r/text/0/p\", auth: { bearer: \"ClearBearerTok123\" } }, expect: { status: 201 } }\n";
    let (output, _) = run_everywhere(&fixture, yaml, &[], &[]);
    assert_eq!(output.code, 1, "{output:?}");
    let lines: Vec<&str> = output.stdout.lines().collect();
    let quoted = lines
        .iter()
        .position(|line| line.contains("bearer: \"***\""))
        .unwrap_or_else(|| panic!("{}", output.stdout));
    let (line, mark) = (lines[quoted], lines[quoted + 1]);
    let column = mark.find('^').expect("a mark");
    assert_eq!(&line[column..column + 3], "201", "{line}\n{mark}");
    assert_eq!(mark.trim_end().len() - column, 3, "{mark}");
}

/// Where a collection may hold a `--secret` value written in clear (`SECRET`), all on the
/// step's one line.
const CLEAR_VALUES: [&str; 5] = [
    "url: '{{R}}/r/text/0/p?t=SECRET'",
    "url: '{{R}}/r/text/0/p', headers: { X-S: 'SECRET' }",
    "method: POST, url: '{{R}}/r/text/0/p', json: { s: 'SECRET' }",
    "method: POST, url: '{{R}}/r/text/0/p', body: 'user:SECRET'",
    "url: '{{R}}/r/text/0/p', query: { t: 'SECRET' }",
];

/// A `--secret` value written in clear anywhere in a collection never shows in the line a
/// problem quotes, nor in a message quoting what is written: a load problem on the line
/// (`runner validate` and `runner run`, and a refused run's reports), a problem found as the
/// run is checked (a variable no one defines), and a failure's snippet at run time (stdout,
/// the HTML and JSON reports). The mark still points at the field. Generated secrets.
#[test]
fn a_secret_value_written_in_clear_never_shows_in_a_quoted_line() {
    let fixture = Fixture::new();
    let mut rng = Rng(0x5EC2_C1EB);
    let mut failures = Vec::new();
    for case in 0..12 {
        // Written in single quotes, where only `'` is special; `{{` would be a template.
        let secret = loop {
            let secret = random_secret(&mut rng);
            if !secret.contains('\'') && !secret.contains("{{") && !secret.contains("}}") {
                break secret;
            }
        };
        let place = CLEAR_VALUES[case % CLEAR_VALUES.len()].replace("SECRET", &secret);
        let step = |request: &str, expect: &str| {
            format!("name: clear\nsteps:\n  - {{ name: a, request: {{ {request} }}, expect: {{ status: {expect} }} }}\n")
        };
        let undefined = place.replace("/p", "/{{nope}}");
        // A `#` of a secret in the URL's text is refused at the URL (the server would see a
        // part of the secret): the failure is there.
        let cut = place.starts_with("url: '{{R}}/r/text/0/p?t=") && secret.contains('#');
        let cases = [
            ("a load problem", step(&place, "20x"), "20x", 2),
            ("a check problem", step(&undefined, "200"), "{{nope}}", 2),
            (
                "a failure",
                step(&place, "201"),
                if cut { "'http" } else { "201" },
                1,
            ),
        ];
        let args = ["--secret".to_owned(), format!("tok={secret}")];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for (what, yaml, spot, code) in cases {
            let mut outputs = Vec::new();
            if code == 2 {
                let path = fixture.file("c.yaml", &yaml.replace("{{R}}", "http://127.0.0.1:9"));
                let output = runner_with_env(
                    ["validate", path.to_str().unwrap(), "--secret", args[1]],
                    &[],
                );
                let channels = Channels(vec![("validate".into(), output.stderr.clone())]);
                outputs.push((output, channels));
            }
            outputs.push(run_everywhere(&fixture, &yaml, &args, &[]));
            for (output, channels) in outputs {
                let shown = format!("{}{}", output.stdout, output.stderr);
                let mut found = leaks(&secret, &channels);
                if output.code != code {
                    found.push(format!("exit {} (not {code})", output.code));
                }
                // The line is quoted, masked, and its mark is under the spot.
                let lines: Vec<&str> = shown.lines().collect();
                let quoted = lines.iter().position(|line| line.contains("name: a,"));
                match quoted {
                    Some(at) if lines[at].contains("***") => {
                        let mark = lines.get(at + 1).copied().unwrap_or_default();
                        let column = mark.find('^').unwrap_or(0);
                        if lines[at].get(column..column + spot.len()) != Some(spot) {
                            found.push(format!(
                                "the mark is not under {spot}:\n{}\n{mark}",
                                lines[at]
                            ));
                        }
                    }
                    _ => found.push("no masked line is quoted".to_owned()),
                }
                if !found.is_empty() {
                    failures.push(format!(
                        "{what}, secret {secret:?}:\n{yaml}\n{}\n{shown}",
                        found.join("\n")
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A secret the URL parser would cut or rewrite — a `#` or `?` in a password of the user
/// info, a `#` anywhere, a host name it is part of in punycode, an IPv4 address in another
/// notation — is refused before anything is sent, and no part of it shows; a secret URL's
/// user info, which the client sends as Basic auth, is masked in that form too.
#[test]
fn a_secret_the_url_parser_would_cut_is_refused_and_never_shown() {
    let fixture = Fixture::new();
    let reflector = reflector();
    let cases = [
        ("9#SecretPart", "http://deploy:{{s}}@R/r/text/0/p"),
        ("9?SecretPart", "http://deploy:{{s}}@R/r/text/0/p"),
        ("Se#cretPart", "http://R/r/text/0/p?t={{s}}"),
        ("Se#cretPart", "http://R/r/text/0/{{s}}"),
        ("SecretÄbcdef", "http://a{{s}}b.invalid/x"),
        ("2130706433", "http://{{s}}:9/x"),
    ];
    for (secret, url) in cases {
        let url = url.replace('R', &reflector.to_string());
        let yaml = format!("name: cut\nsteps:\n  - name: a\n    request: {{ url: \"{url}\" }}\n");
        let args = ["--secret".to_owned(), format!("s={secret}")];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (output, channels) = run_everywhere(&fixture, &yaml, &args, &[]);
        assert_eq!(output.code, 1, "{secret} in {url}: {output:?}");
        assert!(output.stdout.contains("does not stay whole"), "{output:?}");
        assert!(!output.stdout.contains("GET http"), "sent? {output:?}");
        let pieces: Vec<&str> = secret.split(['#', '?']).filter(|p| p.len() >= 4).collect();
        for piece in pieces.iter().chain([&secret]) {
            assert_no_leak(piece, &output, &channels);
        }
        assert!(
            !output.stdout.contains("xn--") && !output.stdout.contains("127.0.0.1:9"),
            "{output:?}"
        );
    }
    // A secret URL with user info: the Basic header the client builds from it is masked.
    let yaml = "name: userinfo\nsteps:\n  - name: a\n    request: { url: \"{{hook}}\" }\n    expect: { jsonpath: { $.headers.authorization: nope } }\n";
    let hook = format!("http://deploy:SecretPw99@{reflector}/r/json/0/p");
    let args = ["--secret".to_owned(), format!("hook={hook}")];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (output, channels) = run_everywhere(&fixture, yaml, &args, &[]);
    assert_eq!(output.code, 1, "{output:?}");
    for piece in ["SecretPw99", "deploy:SecretPw99"] {
        assert_no_leak(piece, &output, &channels);
    }
}

/// A secret written in clear in a name — the collection's, a step's, with or without a
/// template — or an auth helper's credential written in clear and repeated in a name, never
/// shows: not on the terminal, in a report, nor in the name a snapshot is kept under.
#[test]
fn a_secret_written_in_a_name_is_masked_everywhere() {
    let fixture = Fixture::new();
    let yaml = "name: \"c MySecretLit1\"\nsteps:\n  - name: \"Static MySecretLit1\"\n    request: { url: \"{{R}}/r/json/0/p\" }\n    expect: { status: 201 }\n  - name: \"Static2 PWclearPass99\"\n    request: { url: \"{{R}}/r/json/0/p\", auth: { basic: { username: bob, password: PWclearPass99 } } }\n    expect: { status: 201, snapshot: true }\n  - name: \"{{n}} MySecretLit1\"\n    request: { url: \"{{R}}/r/json/0/p\" }\n    expect: { status: 201 }\n";
    let yaml = yaml.replace("{{n}}", "{{ n }}");
    let (output, mut channels) = run_everywhere(
        &fixture,
        &format!("vars: {{ n: x }}\n{yaml}"),
        &["--secret", "s=MySecretLit1"],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(output.code, 1, "{output:?}");
    assert!(output.stdout.contains("Static ***"), "{}", output.stdout);
    assert!(output.stdout.contains("Static2 ***"), "{}", output.stdout);
    channels.0.extend(snapshot_files(fixture.path()));
    for secret in ["MySecretLit1", "PWclearPass99"] {
        assert_no_leak(secret, &output, &channels);
    }
    // `runner list` knows the credentials written in clear (it takes no `--secret`).
    let list = runner(["list", fixture.path().join("c.yaml").to_str().unwrap()]);
    assert_eq!(list.code, 0, "{list:?}");
    assert!(list.stdout.contains("Static2 ***"), "{}", list.stdout);
    assert!(!list.stdout.contains("PWclearPass99"), "{}", list.stdout);
}

/// A `--secret` value in a problem of a `--data` or `--vars-file` file is not shown, in `run`
/// and in `validate`: masked where the problem quotes it.
#[test]
fn a_secret_in_a_data_or_vars_file_problem_is_masked() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "c.yaml",
        "name: t\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:9/{{val}}\" }\n",
    );
    let data = fixture.file(
        "d.csv",
        "name,val:json\nx,\"{\"\"token\"\": \"\"DataSecretVF1\"\"\"\n",
    );
    let vars = fixture.file("v.yaml", "DataSecretVF1\n");
    let keys = fixture.file("k.yaml", "\"DataSecretVF1 x\": 1\n");
    for (flag, file) in [
        ("--data", &data),
        ("--vars-file", &vars),
        ("--vars-file", &keys),
    ] {
        for command in ["run", "validate"] {
            let output = runner([
                command,
                path.to_str().unwrap(),
                "--secret",
                "s=DataSecretVF1",
                flag,
                file.to_str().unwrap(),
            ]);
            assert_eq!(output.code, 2, "{command} {flag}: {output:?}");
            // A cell, or a vars file that is one text, is not quoted at all; a key is, masked.
            assert!(
                *file != keys || output.stderr.contains("***"),
                "{command} {flag}: {output:?}"
            );
            assert!(
                !output.stderr.contains("DataSecretVF1"),
                "{command} {flag}: {output:?}"
            );
        }
    }
}

/// `runner load` masks a `--secret` value written in clear in the problems it finds before
/// it starts Locust, as `runner run` does (it needs no Locust to refuse).
#[test]
fn load_masks_a_secret_in_the_problems_it_tells() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "c.yaml",
        "name: t\nsteps:\n  - name: one\n    request:\n      url: http://127.0.0.1:9/x?token=hunter2secret{{nope\n",
    );
    let output = runner([
        "load",
        path.to_str().unwrap(),
        "--secret",
        "tok=hunter2secret",
        "--users",
        "1",
        "--spawn-rate",
        "1",
        "--run-time",
        "1s",
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("token=***"), "{}", output.stderr);
    assert!(
        !output.stderr.contains("hunter2secret"),
        "{}",
        output.stderr
    );
}

/// A secret input's value from the environment is masked in a problem found before the
/// collections load — a `--data` cell or a `--vars-file` value equal to it — as a `--secret`
/// value is: in the terminal and every report of the refused run, and in `validate`. The
/// declarations are found in an included file too. A dotenv file given as a vars file or as
/// data is not quoted either.
#[test]
fn a_secret_input_is_masked_in_a_data_or_vars_file_problem() {
    let secret = "SuperSecretCell9";
    let fixture = Fixture::new();
    fixture.file(
        "shared.yaml",
        "name: shared\ninputs:\n  API_PW: { secret: true }\nsteps:\n  - name: in\n    request: { url: \"{{R}}/in\" }\n"
            .replace("{{R}}", &format!("http://{}", reflector()))
            .as_str(),
    );
    let yaml = "name: c\nsteps:\n  - name: shared\n    include: shared.yaml\n  - name: get {{v}}\n    request:\n      url: \"{{R}}/x\"\n      headers: { X-Pw: \"{{env.API_PW}}\" }\n";
    let rows = fixture.file("rows.csv", &format!("id,v:json\n1,{secret}\n"));
    let vars = fixture.file("vars.yaml", &format!("{secret}\n"));
    let dotenv = fixture.file("creds.env", &format!("API_TOKEN={secret}\nOTHER=x\n"));
    let env = [("API_PW", secret)];
    let (rows, vars, dotenv) = (
        rows.display().to_string(),
        vars.display().to_string(),
        dotenv.display().to_string(),
    );
    for args in [
        ["--data", rows.as_str()],
        ["--vars-file", &vars],
        ["--vars-file", &dotenv],
        ["--data", &dotenv],
    ] {
        let (output, channels) = run_everywhere(&fixture, yaml, &args, &env);
        assert_eq!(output.code, 2, "{args:?}: {output:?}");
        assert_no_leak(secret, &output, &channels);
        let c = fixture.path().join("c.yaml").display().to_string();
        let mut validate = vec!["validate", c.as_str()];
        validate.extend(args);
        let output = runner_with_env(validate, &env);
        assert_eq!(output.code, 2, "{args:?}: {output:?}");
        assert!(
            !output.stderr.contains(secret),
            "{args:?}: {}",
            output.stderr
        );
    }
    let (output, _) = run_everywhere(&fixture, yaml, &["--vars-file", &dotenv], &[]);
    assert!(
        output.stderr.contains("creds.env:1:1: it holds a text")
            && output
                .stderr
                .contains("a dotenv file: write them `NAME: value`"),
        "{}",
        output.stderr
    );
}

/// A secret echoed back in UTF-16 (a body whose charset says so) is masked wherever the body
/// shows: the failure's `got`, `-vv`, every report, and a pending snapshot, which keeps a
/// body that is not UTF-8 as base64 of its bytes.
#[test]
fn a_secret_echoed_in_utf16_is_masked_everywhere() {
    let secret = "Zq9Tok3nUtf16Secret";
    for mode in ["utf16le", "utf16be"] {
        let fixture = Fixture::new();
        let yaml = format!(
            "name: utf16\nsteps:\n  - name: echoed\n    request: {{ url: \"{{{{R}}}}/r/{mode}/0/p\", headers: {{ Authorization: \"Bearer {{{{tok}}}}\" }} }}\n    expect: {{ body: \"no\", snapshot: true }}\n"
        );
        let (output, mut channels) = run_everywhere(
            &fixture,
            &yaml,
            &["--secret", &format!("tok={secret}")],
            OUTSIDE_CI,
        );
        assert_eq!(output.code, 1, "{output:?}");
        let snapshots = fixture.path().join("__snapshots__");
        for entry in std::fs::read_dir(&snapshots)
            .expect("a pending snapshot")
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            channels.0.push((entry.path().display().to_string(), text));
        }
        let utf16 = |big: bool| -> Vec<u8> {
            secret
                .encode_utf16()
                .flat_map(|unit| match big {
                    true => unit.to_be_bytes(),
                    false => unit.to_le_bytes(),
                })
                .collect()
        };
        for (channel, written) in &channels.0 {
            for big in [false, true] {
                let bytes = utf16(big);
                let latin1: String = bytes.iter().copied().map(char::from).collect();
                let escaped = serde_json::to_string(&latin1).expect("json");
                let escaped = &escaped[1..escaped.len() - 1];
                assert!(
                    !written.contains(&latin1) && !written.contains(escaped),
                    "{mode}: {channel} holds the secret in UTF-16:\n{written}"
                );
                // Base64 of the bytes, at each of the three alignments, whole groups only.
                for skip in 0..3 {
                    let aligned = &bytes[skip..];
                    let whole = aligned.len() / 3 * 3;
                    let encoded =
                        base64::engine::general_purpose::STANDARD.encode(&aligned[..whole]);
                    let inner = &encoded[4.min(encoded.len())..];
                    assert!(
                        !written.contains(inner),
                        "{mode}: {channel} holds the secret's UTF-16 in base64:\n{written}"
                    );
                }
            }
        }
        assert_no_leak(secret, &output, &channels);
    }
}
