//! Workflow control: retry, when, for_each, groups, include, finally, paginate, data-driven
//! runs and `steps.<id>`, against the in-process test server and the sandbox.

use serde_json::Value;

use crate::support::{hits, runner, Fixture};

fn run(fixture: &Fixture, file: &str, yaml: &str, extra: &[&str]) -> crate::support::Output {
    let path = fixture.file(file, yaml);
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    runner(args)
}

#[test]
fn retry_on_5xx_until_the_server_recovers() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "retry.yaml",
        r#"name: Retry
steps:
  - name: Flaky
    request: { url: "{{SERVER}}/flaky/retry-5xx/2" }
    retry: { attempts: 4, interval: 50ms, backoff: 2, on: [5xx] }
    expect: { status: 200 }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(hits("retry-5xx"), 3);
    assert!(output.stdout.contains("· 3 attempts"), "{}", output.stdout);
    assert!(
        output
            .stdout
            .contains("attempt 1: 503, retried: status 503"),
        "{}",
        output.stdout
    );
}

#[test]
fn retry_until_polls_and_reports_every_attempt() {
    let fixture = Fixture::new();
    let report = fixture.path().join("report.json");
    let output = run(
        &fixture,
        "poll.yaml",
        r#"name: Poll
steps:
  - name: Wait for the job
    request: { url: "{{SERVER}}/poll/poll-job/3" }
    retry:
      attempts: 5
      interval: 20ms
      until: { jsonpath: { $.state: done } }
    capture: { polls: $.polls }
"#,
        &["--report-json", report.to_str().unwrap_or_default()],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("json");
    let attempts = &report["collections"][0]["steps"][0]["attempts"];
    assert_eq!(attempts.as_array().map(Vec::len), Some(3), "{attempts}");
    assert_eq!(
        attempts[0]["retried_because"],
        r#"$.state: expected "done", got "pending""#
    );
    assert_eq!(
        report["collections"][0]["steps"][0]["captures"]["polls"],
        "3"
    );
}

#[test]
fn retry_that_runs_out_fails_with_the_last_response() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "exhausted.yaml",
        "name: Exhausted\nsteps:\n  - name: Never ready\n    request: { url: \"{{SERVER}}/poll/never-ready/99\" }\n    retry: { attempts: 3, interval: 10ms }\n    expect: { jsonpath: { $.state: done } }\n",
        &[],
    );
    assert_eq!(output.code, 1, "{output:?}");
    assert_eq!(hits("never-ready"), 3);
    assert!(
        output
            .stdout
            .contains(r#"$.state: expected "done", got "pending""#),
        "{}",
        output.stdout
    );
}

#[test]
fn retry_honours_retry_after_on_429() {
    let fixture = Fixture::new();
    let started = std::time::Instant::now();
    let output = run(
        &fixture,
        "429.yaml",
        "name: Busy\nsteps:\n  - name: Rate limited\n    request: { url: \"{{SERVER}}/retry-after/busy\" }\n    retry: { attempts: 2, interval: 10ms, on: [\"429\"] }\n    expect: { status: 200 }\n",
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(hits("busy"), 2);
    // Retry-After said one second, the interval 10 ms: the wait followed the server.
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
}

#[test]
fn when_skips_with_the_reason_and_runs_when_it_holds() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "when.yaml",
        r#"name: When
vars: { region: eu, retries: 2 }
steps:
  - name: Only in the US
    when: { "{{region}}": us }
    request: { url: "{{SERVER}}/hit/when-us" }
  - name: Only in the EU
    delay: 10ms
    when: { "{{region}}": { one_of: [eu, uk] }, "{{retries}}": { gt: 1 } }
    request: { url: "{{SERVER}}/hit/when-eu" }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(hits("when-us"), 0);
    assert_eq!(hits("when-eu"), 1);
    assert!(
        output
            .stdout
            .contains(r#"- Only in the US skipped: when {{region}}: expected "us", got "eu""#),
        "{}",
        output.stdout
    );
}

#[test]
fn for_each_runs_a_step_or_a_group_per_element() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "each.yaml",
        r#"name: Each
steps:
  - name: List
    request: { url: "{{SERVER}}/paged?per_page=7" }
    capture: { ids: { jsonpath: "$[*].id", all: true } }
  - name: Echo
    for_each: "{{ids}}"
    as: id
    request: { method: POST, url: "{{SERVER}}/echo", json: { id: "{{id}}" } }
    expect: { jsonpath: { $.json.id: "{{id}}" } }
  - name: Pair
    for_each: [a, b]
    steps:
      - name: First
        request: { url: "{{SERVER}}/hit/each-{{item}}" }
      - name: Second
        request: { url: "{{SERVER}}/hit/each-{{item}}" }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("✓ Echo [7/7]"), "{}", output.stdout);
    assert!(
        output.stdout.contains("✓ Pair [2/2] › Second"),
        "{}",
        output.stdout
    );
    assert_eq!(hits("each-a"), 2);
    assert_eq!(hits("each-b"), 2);
    assert!(output.stdout.contains("12 passed"), "{}", output.stdout);
}

#[test]
fn a_loops_when_that_reads_its_item_filters_the_items() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "filter.yaml",
        r#"name: Filter
vars: { stage: test }
steps:
  - name: "Region {{region}}"
    for_each: [eu, us, ap]
    as: region
    when: { "{{region}}": { one_of: [eu, ap] } }
    request: { url: "{{SERVER}}/hit/filter-{{region}}" }
  - name: Gated
    for_each: [a, b]
    when: { "{{stage}}": production }
    request: { url: "{{SERVER}}/hit/filter-gated" }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(
        (hits("filter-eu"), hits("filter-us"), hits("filter-ap")),
        (1, 0, 1)
    );
    // Each item named with its value, the one left out skipped with the reason.
    assert!(
        output.stdout.contains("✓ Region eu [1/3]"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("Region us [2/3]") && output.stdout.contains("expected one of"),
        "{}",
        output.stdout
    );
    // A `when` that does not read the item gates the whole loop, once.
    assert_eq!(hits("filter-gated"), 0);
    assert!(
        output.stdout.contains("2 passed, 0 failed, 2 skipped"),
        "{}",
        output.stdout
    );
}

#[test]
fn include_passes_vars_in_and_exports_captures_out() {
    let fixture = Fixture::new();
    fixture.file(
        "login.yaml",
        r#"name: Login
vars: { who: nobody }
steps:
  - name: Authenticate
    request: { method: POST, url: "{{base}}/auth", json: { application_token: "{{token}}" } }
    capture:
      token_out: { jsonpath: $.token, secret: true }
      helper: $.token
"#,
    );
    let output = run(
        &fixture,
        "main.yaml",
        r#"name: Main
vars: { base: "{{SERVER}}" }
steps:
  - name: Log in
    include: login.yaml
    vars: { token: app-secret-123 }
    export: [token_out]
  - name: Use it
    request: { url: "{{base}}/items", headers: { Authorization: "Bearer {{token_out}}" } }
    expect: { status: 200 }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("✓ Log in › Authenticate"),
        "{}",
        output.stdout
    );

    // Only exported names come back: `helper` is not visible after the include.
    let output = run(
        &fixture,
        "leaky.yaml",
        "name: Leaky\nvars: { base: \"{{SERVER}}\" }\nsteps:\n  - name: Log in\n    include: login.yaml\n    vars: { token: x }\n    export: [token_out]\n  - name: Use helper\n    request: { url: \"{{base}}/text?h={{helper}}\" }\n",
        &[],
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("reads undefined variable `helper`"),
        "{}",
        output.stderr
    );
}

/// Issue 18: an included file's `vars` that read its `inputs` (and read one another, in any
/// order), and a group's child that reads an input directly.
#[test]
fn include_vars_that_read_inputs_are_defined() {
    let fixture = Fixture::new();
    fixture.file(
        "post.yaml",
        r#"name: Post
inputs: { SHOP_PASSWORD: { secret: true } }
vars: { body: "p={{password}}", password: "{{env.SHOP_PASSWORD}}" }
steps:
  - name: post
    request: { method: POST, url: "{{SERVER}}/echo", json: { p: "{{password}}", b: "{{body}}" } }
    expect:
      status: 200
      jsonpath: { "$.json.p": "zz-shop-pw", "$.json.b": "p=zz-shop-pw" }
"#,
    );
    let path = fixture.file(
        "main.yaml",
        r#"name: Main
inputs: { OTHER: {} }
steps:
  - name: Shop
    include: post.yaml
  - name: Group
    steps:
      - name: direct
        request: { url: "{{SERVER}}/echo?o={{env.OTHER}}" }
        expect: { jsonpath: { "$.query": "o=x" } }
"#,
    );
    let output = runner(["validate", &path.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    let output = crate::support::runner_with_env(
        ["run", &path.display().to_string()],
        // Long enough not to turn up by chance (in a temporary directory's name, say).
        &[("SHOP_PASSWORD", "zz-shop-pw"), ("OTHER", "x")],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("2 passed"), "{}", output.stdout);
    assert!(
        !output.stdout.contains("zz-shop-pw"),
        "the input is secret: {}",
        output.stdout
    );

    // Without the input, the run names it before sending anything.
    let output = runner(["run", &path.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("SHOP_PASSWORD"), "{}", output.stderr);
}

#[test]
fn include_cycles_and_unknown_exports_are_load_errors() {
    let fixture = Fixture::new();
    fixture.file(
        "a.yaml",
        "name: A\nsteps:\n  - name: To B\n    include: b.yaml\n",
    );
    fixture.file(
        "b.yaml",
        "name: B\nsteps:\n  - name: Back to A\n    include: a.yaml\n",
    );
    let a = fixture.path().join("a.yaml").display().to_string();
    let output = runner(["validate", a.as_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("includes form a cycle"),
        "{}",
        output.stderr
    );

    fixture.file("inc.yaml", "name: Inc\nsteps:\n  - name: S\n    request: { url: \"http://127.0.0.1:1/\" }\n    capture: { token: $.t }\n");
    let path = fixture.file(
        "export.yaml",
        "name: E\nsteps:\n  - name: I\n    include: inc.yaml\n    export: [tokn]\n",
    );
    let output = runner(["validate".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("`tokn` is not captured or defined by `inc.yaml`"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("did you mean `token`?"),
        "{}",
        output.stderr
    );
}

#[test]
fn finally_runs_after_a_failure_and_the_run_still_fails() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "finally.yaml",
        r#"name: Finally
steps:
  - name: Create
    request: { url: "{{SERVER}}/status/500" }
    expect: { status: 201 }
  - name: Skipped
    request: { url: "{{SERVER}}/hit/finally-skipped" }
finally:
  - name: Clean up
    request: { url: "{{SERVER}}/hit/finally-cleanup" }
"#,
        &[],
    );
    assert_eq!(output.code, 1, "{output:?}");
    assert_eq!(hits("finally-cleanup"), 1);
    assert_eq!(hits("finally-skipped"), 0);
    assert!(output.stdout.contains("✓ Clean up"), "{}", output.stdout);
}

#[test]
fn paginate_by_link_by_jsonpath_and_by_page_number() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "pages.yaml",
        r#"name: Pages
steps:
  - name: By Link
    request: { url: "{{SERVER}}/paged", query: { per_page: 2 } }
    paginate: { next: link, collect: { by_link: "$[*].id" } }
    expect:
      status: 200
      values: { "{{by_link}}": { length: 7 } }
  - name: By JSONPath
    request: { url: "{{SERVER}}/paged-json" }
    paginate: { next: { jsonpath: $.next }, collect: { by_json: "$.items[*].id" } }
    expect:
      values: { "{{by_json}}": [1, 2, 3, 4, 5, 6, 7] }
  - name: By page number
    request: { url: "{{SERVER}}/paged", query: { per_page: 3, page: 1 } }
    paginate: { next: { query: page }, collect: { by_page: "$[*].id" }, max_pages: 10 }
    expect:
      values: { "{{by_page}}": { length: 7 } }
  - name: Capped
    request: { url: "{{SERVER}}/paged", query: { per_page: 1 } }
    paginate: { next: link, collect: { capped: "$[*].id" }, max_pages: 2 }
    expect:
      values: { "{{capped}}": [1, 2] }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    // A server whose last page links back to an earlier one, which answers as it did: a
    // loop, not collected again, and the step fails naming both pages (it passed with the
    // same items over and over until `max_pages`).
    let looping = run(
        &fixture,
        "loop.yaml",
        r#"name: Loop
steps:
  - name: Looping
    request: { url: "{{SERVER}}/paged", query: { per_page: 3, loop_to: 2 } }
    paginate: { next: link, collect: { looped: "$[*].id" } }
"#,
        &[],
    );
    assert_eq!(looping.code, 1, "{looping:?}");
    assert!(
        looping.stdout.contains("page 4: the next page")
            && looping
                .stdout
                .contains("answered as page 2 did: the pages loop; not collected again")
            && looping.stdout.contains("· 4 pages"),
        "{}",
        looping.stdout
    );
    // A queue names one URL until it is drained, each time with another item: no loop.
    let queue = run(
        &fixture,
        "queue.yaml",
        r#"name: Queue
steps:
  - name: Drain
    request: { url: "{{SERVER}}/queue/drain/3" }
    paginate: { next: link, collect: { drained: "$[*]" } }
    expect: { values: { "{{drained}}": [1, 2, 3] } }
"#,
        &[],
    );
    assert_eq!(queue.code, 0, "{queue:?}");
    assert!(output.stdout.contains("By Link  GET"), "{}", output.stdout);
    assert!(output.stdout.contains("· 4 pages"), "{}", output.stdout);
    assert!(output.stdout.contains("· 3 pages"), "{}", output.stdout);
}

#[test]
fn steps_by_id_expose_status_headers_and_json() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "ids.yaml",
        r#"name: Ids
steps:
  - name: List
    id: list
    request: { url: "{{SERVER}}/items", headers: { Authorization: "Bearer tok-9f8e7d6c5b4a" } }
  - name: Echo what the list said
    request:
      method: POST
      url: "{{SERVER}}/echo"
      json: { status: "{{steps.list.status}}", total: "{{steps.list.headers.x-total-count}}", first: "{{steps.list.json.0.name}}" }
    expect:
      jsonpath: { $.json.status: 200, $.json.total: "3", $.json.first: alpha }
"#,
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let output = run(
        &fixture,
        "bad-ids.yaml",
        "name: Bad\nsteps:\n  - name: S\n    request: { url: \"{{SERVER}}/text?s={{steps.nope.status}}\" }\n",
        &[],
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("`steps.<id>` reads an earlier request step"),
        "{}",
        output.stderr
    );
}

#[test]
fn reading_into_the_json_of_a_step_whose_response_was_not_json_says_why() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "not-json.yaml",
        r#"name: Not JSON
steps:
  - name: Log in
    id: login
    request: { url: "{{SERVER}}/text" }
  - name: Gated on the token
    when: { "{{steps.login.json.token}}": { exists: true } }
    request: { url: "{{SERVER}}/echo" }
  - name: Check the token
    request: { url: "{{SERVER}}/echo" }
    expect: { values: { "{{steps.login.json.token}}": abc } }
  - name: Use the token
    request: { url: "{{SERVER}}/echo", headers: { Authorization: "Bearer {{steps.login.json.token}}" } }
"#,
        &["--continue-on-failure"],
    );
    assert_eq!(output.code, 1, "{output:?}");
    // In the skip's reason, the failed expectation and the template's error.
    for said in [
        "got nothing (`steps.login.json`",
        "expected \"abc\", got nothing (`steps.login.json`",
        "undefined variable `steps.login.json.token` (`steps.login.json`",
    ] {
        assert!(output.stdout.contains(said), "{said}\n{}", output.stdout);
    }
    assert!(
        output
            .stdout
            .contains("step `login`'s response was not read as JSON: the body is not JSON"),
        "{}",
        output.stdout
    );
}

/// A step reading a variable whose capture failed (the run going on with
/// `--continue-on-failure`) says which step's capture failed, not only "undefined variable";
/// a capture that succeeds later clears it.
#[test]
fn reading_a_variable_whose_capture_failed_says_so() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "not-captured.yaml",
        r#"name: Not captured
steps:
  - name: Log in
    request: { url: "{{SERVER}}/echo" }
    capture: { token: $.nope }
  - name: Use the token
    request: { url: "{{SERVER}}/echo", headers: { Authorization: "Bearer {{token}}" } }
  - name: Check it
    request: { url: "{{SERVER}}/echo" }
    expect: { values: { "{{token}}": abc } }
  - name: Capture it after all
    request: { url: "{{SERVER}}/echo" }
    capture: { token: $.method }
  - name: Check it again
    request: { url: "{{SERVER}}/echo" }
    expect: { values: { "{{token}}": abc } }
"#,
        &["--continue-on-failure"],
    );
    assert_eq!(output.code, 1, "{output:?}");
    // Set by then: the last failure is a plain one.
    assert!(
        output
            .stdout
            .contains("{{token}}: expected \"abc\", got \"GET\"\n"),
        "{}",
        output.stdout
    );
    let note = "(`token` was not captured: its capture in step `Log in` failed)";
    for said in [
        format!("undefined variable `token` {note}"),
        format!("expected \"abc\", got nothing {note}"),
    ] {
        assert!(output.stdout.contains(&said), "{said}\n{}", output.stdout);
    }
}

#[test]
fn data_rows_run_the_collection_once_each_numbered() {
    let fixture = Fixture::new();
    let rows = fixture.file("rows.csv", "name,expected\nalpha,1\nbeta,2\n");
    let report = fixture.path().join("report.json");
    let output = run(
        &fixture,
        "data.yaml",
        r#"name: Data
steps:
  - name: Echo the row
    request: { method: POST, url: "{{SERVER}}/echo", json: { name: "{{name}}" } }
    expect: { jsonpath: { $.json.name: "{{name}}" } }
"#,
        &[
            "--data",
            rows.to_str().unwrap_or_default(),
            "--report-json",
            report.to_str().unwrap_or_default(),
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("· iteration 1/2)"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("· iteration 2/2)"),
        "{}",
        output.stdout
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(report["collections"][1]["iteration"], 2);

    let json_rows = fixture.file("rows.json", r#"[{"name": "x"}]"#);
    let output = run(
        &fixture,
        "data.yaml",
        "name: Data\nsteps:\n  - name: E\n    request: { url: \"{{SERVER}}/text?n={{name}}\" }\n",
        &[
            "--data",
            json_rows.to_str().unwrap_or_default(),
            "--iterations",
            "3",
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("3 passed"), "{}", output.stdout);
}

/// Loading checks the first row of each set of data columns; a later row whose value a path
/// does not go into is found as its iteration starts, before that iteration sends anything
/// (a run without rows is checked once, at load).
#[test]
fn each_data_row_is_checked_before_its_iteration_sends() {
    let fixture = Fixture::new();
    let rows = fixture.file("rows.json", r#"[{"device": {"id": 1}}, {"device": 5}]"#);
    let output = run(
        &fixture,
        "rows.yaml",
        r#"name: Rows
steps:
  - name: First
    request: { url: "{{SERVER}}/hit/row-checked-first" }
  - name: Second
    request: { url: "{{SERVER}}/hit/row-checked-{{device.id}}" }
"#,
        &[
            "--data",
            rows.to_str().unwrap_or_default(),
            "--report-json",
            fixture.path().join("r.json").to_str().unwrap_or_default(),
        ],
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(hits("row-checked-first"), 1, "{output:?}");
    // The iteration that did not run is in the report, as its problem, not left out.
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture.path().join("r.json")).expect("report"),
    )
    .expect("JSON");
    let refused = &report["collections"][1];
    assert_eq!(refused["iteration"], 2, "{report}");
    assert_eq!(refused["steps"][0]["outcome"], "errored", "{report}");
    assert!(
        refused["steps"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("which has no `id`")),
        "{report}"
    );
    assert_eq!(report["totals"]["errored"], 1, "{report}");
    assert_eq!(hits("row-checked-1"), 1, "{output:?}");
    assert!(
        output
            .stderr
            .contains("`device` is a number, which has no `id`")
            && output.stderr.contains("or a `--data` row")
            && output.stderr.contains("iteration 2/2 did not run"),
        "{}",
        output.stderr
    );
}

/// Issue 18: step names are templates, so each row's failure says which row; a CSV column
/// headed `name:json` is typed, a plain one is text.
#[test]
fn data_driven_steps_are_named_by_their_row_and_typed_columns_compare_as_json() {
    let fixture = Fixture::new();
    let rows = fixture.file("rows.csv", "name,n:json,text\nann,201,201\nbob,202,7\n");
    let report = fixture.path().join("report.json");
    let output = run(
        &fixture,
        "typed.yaml",
        r#"name: Typed
steps:
  - name: "Create {{name}}"
    request: { method: POST, url: "{{SERVER}}/echo", json: { n: 201, t: "201" } }
    expect: { jsonpath: { $.json.n: "{{n}}", $.json.t: "{{text}}" } }
"#,
        &[
            "--data",
            rows.to_str().unwrap_or_default(),
            "--continue-on-failure",
            "--report-json",
            report.to_str().unwrap_or_default(),
        ],
    );
    assert_eq!(output.code, 1, "{output:?}");
    assert!(output.stdout.contains("✓ Create ann"), "{}", output.stdout);
    let failed = output.stdout.split("Failed:").nth(1).unwrap_or_default();
    assert!(
        failed.contains("› Create bob") && failed.contains("$.json.n: expected 202, got 201"),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains("{{name}}"), "{}", output.stdout);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(report["collections"][1]["iteration"], 2);
    assert_eq!(
        report["collections"][1]["steps"][0]["name"], "Create bob",
        "{report}"
    );
}

#[test]
fn the_all_endpoints_collection_pages_through_the_sandbox() {
    let output = runner(["run", "collections/emnify-all-endpoints.yaml"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("List every endpoint"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("· 6 pages"), "{}", output.stdout);
}

#[test]
fn a_when_reason_never_shows_a_secret() {
    let fixture = Fixture::new();
    let output = run(
        &fixture,
        "when-secret.yaml",
        "name: When secret\nsteps:\n  - name: Only for the admin token\n    when: { \"{{token}}\": admin }\n    request: { url: \"{{SERVER}}/hit/when-secret\" }\n",
        &["--secret", "token=when-secret-value"],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        !output.stdout.contains("when-secret-value"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(r#"expected "admin", got "***""#),
        "{}",
        output.stdout
    );
}

#[test]
fn list_shows_groups_loops_and_includes() {
    let fixture = Fixture::new();
    fixture.file(
        "inc.yaml",
        "name: Inc\nsteps:\n  - name: S\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    let path = fixture.file(
        "tree.yaml",
        "name: Tree\nsteps:\n  - name: Login\n    include: inc.yaml\n  - name: Pair\n    for_each: [a, b]\n    steps:\n      - name: First\n        request: { url: \"http://127.0.0.1:1/{{item}}\" }\nfinally:\n  - name: Clean\n    request: { method: DELETE, url: \"http://127.0.0.1:1/\" }\n",
    );
    let output = runner(["list".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("1. Login  include "),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("2. Pair  group  for each item"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("       1. First  GET http://127.0.0.1:1/{{item}}"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("  finally:\n    1. Clean  DELETE"),
        "{}",
        output.stdout
    );
}
