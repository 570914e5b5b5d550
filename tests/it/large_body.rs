//! A large JSON body read only as far as a step's JSONPaths go (issue 20): captures and
//! expectations over it still work, paths the plan cannot bound still see everything, and a
//! body broken where nothing is captured still fails the step with the parser's message.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;

use crate::support::{runner, Fixture};

/// Items in the document: about 3 MB of JSON.
const ITEMS: usize = 20_000;

/// `{"note": "first", "total": N, "items": [...], "note": "last"}`: a repeated name, whose
/// last value wins; item 17 holds escapes and a unicode name.
fn document() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = format!("{{\"note\": \"first\", \"total\": {ITEMS}, \"items\": [");
        for id in 0..ITEMS {
            if id > 0 {
                text.push_str(", ");
            }
            let name = if id == 17 {
                r#""caf\u00e9 \"17\"""#.to_owned()
            } else {
                format!("\"item {id}\"")
            };
            text.push_str(&format!(
                r#"{{"id": {id}, "name": {name}, "status": {{"id": 1, "description": "Enabled"}}, "tags": ["a", "b", {{"deep": [1, 2.5, null, true]}}], "ünïcode": "ok"}}"#
            ));
        }
        text.push_str("], \"note\": \"last\"}");
        text
    })
}

/// The document with `bad` in place of item 12,345's `"tags"` value: broken where no path
/// of the steps below looks.
fn broken(bad: &[u8]) -> Vec<u8> {
    let text = document();
    let item = text.find(r#"{"id": 12345,"#).expect("item 12345");
    let at = item + text[item..].find(r#""tags": "#).expect("tags") + r#""tags": "#.len();
    let mut body = text.as_bytes()[..at].to_vec();
    body.extend_from_slice(bad);
    body.extend_from_slice(&text.as_bytes()[at..]);
    body
}

fn json(body: Vec<u8>) -> ([(axum::http::HeaderName, &'static str); 1], Vec<u8>) {
    ([(CONTENT_TYPE, "application/json")], body)
}

fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        crate::servers::spawn(
            Router::new()
                .route(
                    "/big",
                    get(|| async { json(document().as_bytes().to_vec()) }),
                )
                .route(
                    "/big/out-of-range",
                    get(|| async { json(broken(b"1e400, \"x\": ")) }),
                )
                .route(
                    "/big/surrogate",
                    get(|| async { json(broken(br#""\udc00", "x": "#)) }),
                )
                .route(
                    "/big/utf8",
                    get(|| async { json(broken(b"\"\xff\", \"x\": ")) }),
                )
                .route(
                    "/big/comma",
                    get(|| async { json(broken(b"[1,], \"x\": ")) }),
                ),
        )
    })
}

fn collection(fixture: &Fixture, steps: &str) -> std::path::PathBuf {
    let text = format!("name: Large\nsteps:\n{steps}")
        .replace("{{BIG}}", &format!("http://{}/big", server()));
    fixture.file("large.yaml", &text)
}

#[test]
fn captures_and_expectations_over_a_large_body_read_what_they_name() {
    let fixture = Fixture::new();
    let path = collection(
        &fixture,
        r#"
  - name: Big document
    request: { url: "{{BIG}}" }
    expect:
      status: 200
      jsonpath:
        $.items[0].status.description: Enabled
        $.items[-1].id: 19999
        $.items[17].name: 'café "17"'
        $['items'][-2]['ünïcode']: ok
        $.items[19999].tags[2].deep[1]: 2.5
        $.note: last
        $.items[20000]: { exists: false }
    capture:
      total: $.total
      last_id: $.items[19999].id
      second_last: $.items[-2].name
      ids: { jsonpath: "$.items[?@.id < 3].id", all: true }
      deep_count: { jsonpath: "$.items[0]..deep[*]", all: true }
      every_id: { jsonpath: "$.items[*].id", all: true }
      some_names: { jsonpath: "$.items[1:20000:5000]['name']", all: true }
  - name: Captured
    request: { url: "{{BIG}}" }
    expect:
      values:
        "{{total}}": 20000
        "{{last_id}}": 19999
        "{{second_last}}": item 19998
        "{{ids}}": { length: 3 }
        "{{deep_count}}": { length: 4 }
        "{{every_id}}": { length: 20000 }
        "{{every_id.19999}}": 19999
        "{{some_names}}": ["item 1", "item 5001", "item 10001", "item 15001"]
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("2 passed"), "{}", output.stdout);
}

#[test]
fn a_failing_expectation_over_a_large_body_reads_right() {
    let fixture = Fixture::new();
    let path = collection(
        &fixture,
        r#"
  - name: Big document
    request: { url: "{{BIG}}" }
    expect:
      jsonpath:
        $.items[5].status.description: Disabled
        $.items[-3].id: { lt: 10 }
        $.items[*].id: { count: 3 }
  - name: Kept whole for steps.big
    id: big
    request: { url: "{{BIG}}" }
  - name: Whole document
    request: { url: "{{BIG}}" }
    expect:
      values:
        "{{steps.big.json.items.19999.name}}": item 19999
"#,
    );
    let output = runner([
        "run".as_ref(),
        "--continue-on-failure".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(output.code, 1, "{output:?}");
    for line in [
        r#"$.items[5].status.description: expected "Disabled", got "Enabled""#,
        "$.items[-3].id: expected < 10, got 19997",
        "$.items[*].id: expected count 3, got 20000 matches",
        "2 passed, 1 failed",
    ] {
        assert!(output.stdout.contains(line), "{line}\n{}", output.stdout);
    }
}

#[test]
fn a_body_broken_where_no_path_looks_still_fails_with_the_parser_s_message() {
    for (route, bad) in [
        ("out-of-range", &b"1e400, \"x\": "[..]),
        ("surrogate", &br#""\udc00", "x": "#[..]),
        ("utf8", &b"\"\xff\", \"x\": "[..]),
        ("comma", &b"[1,], \"x\": "[..]),
    ] {
        let body = broken(bad);
        let reason = serde_json::from_slice::<serde_json::Value>(&body)
            .expect_err("broken")
            .to_string();
        let fixture = Fixture::new();
        let path = collection(
            &fixture,
            &format!(
                r#"
  - name: Broken
    request: {{ url: "{{{{BIG}}}}/{route}" }}
    expect:
      jsonpath:
        $.items[0].id: 0
    capture:
      total: $.total
"#
            ),
        );
        let output = runner(["run".as_ref(), path.as_os_str()]);
        assert_eq!(output.code, 1, "{route}: {output:?}");
        // JSON's grammar has no bound on a number: one past what runner reads is named so.
        let not_json = match route {
            "out-of-range" => "the body could not be read as JSON: it holds a number beyond ±1.7976931348623157e308, the largest runner reads",
            _ => "the body is not JSON",
        };
        for line in [
            format!("$.items[0].id: expected a JSON body, got {not_json} ({reason})"),
            format!("capture total: expected a value, got {not_json} ({reason})"),
        ] {
            assert!(output.stdout.contains(&line), "{line}\n{}", output.stdout);
        }
    }
}
