//! `runner run` end to end: the real binary against the in-process test server.

use insta::assert_snapshot;

use crate::support::{closed_port, hits, runner, runner_with_env, stable, Fixture, ISSUED_TOKEN};

const FLOW: &str = r#"# yaml-language-server: $schema=../schemas/collection.schema.json
name: Token flow
vars:
  base_url: "{{SERVER}}"
steps:
  - name: Authenticate
    request:
      method: POST
      url: "{{base_url}}/auth"
      json: { application_token: "{{app_token}}" }
    expect:
      status: 200
      jsonpath: { $.token: { type: string } }
    capture:
      token: { jsonpath: $.token, secret: true }
  - name: List items
    request:
      url: "{{base_url}}/items"
      headers: { Authorization: "Bearer {{token}}" }
    expect:
      status: "2xx"
      headers: { x-total-count: 3, content-type: { contains: json } }
      jsonpath:
        $[*].id: { type: integer, count: 3 }
        $[*].status.description: { one_of: [Enabled, Disabled] }
        $[0].name: alpha
      duration: { lt: 5s }
    capture:
      first_id: $[0].id
      names: { jsonpath: "$[*].name", all: true }
"#;

#[test]
fn a_passing_flow_captures_and_reuses_a_token() {
    let fixture = Fixture::new();
    let path = fixture.file("flow.yaml", FLOW);
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--secret".as_ref(),
        "app_token=app-secret-123".as_ref(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert_snapshot!(stable(&output.stdout, Some(&fixture)), @r"
    Token flow ([DIR]/flow.yaml)
      ✓ Authenticate  POST http://127.0.0.1:[PORT]/auth  200  [TIME]
      ✓ List items  GET http://127.0.0.1:[PORT]/items  200  [TIME]

    2 passed, 0 failed, 0 skipped in [TIME]
    ");
}

#[test]
fn secrets_never_appear_even_with_full_verbosity() {
    let fixture = Fixture::new();
    let path = fixture.file("flow.yaml", FLOW);
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "-vv".as_ref(),
        "--secret".as_ref(),
        "app_token=app-secret-123".as_ref(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    for secret in ["app-secret-123", ISSUED_TOKEN] {
        assert!(
            !output.stdout.contains(secret),
            "stdout leaks {secret}:\n{}",
            output.stdout
        );
        assert!(!output.stderr.contains(secret), "stderr leaks {secret}");
    }
    assert!(
        output.stdout.contains("> authorization: Bearer ***"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(r#"{"application_token":"***"}"#),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(r#"{"token":"***"}"#),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("captured names = [\"alpha\",\"beta\",\"gamma\"]"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_schema_written_in_place_checks_the_body_and_is_checked_when_loaded() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "inline.yaml",
        r#"
name: Inline schemas
steps:
  - name: Fits
    request: { url: "{{SERVER}}/items", headers: { Authorization: "Bearer tok-9f8e7d6c5b4a" } }
    expect:
      schema: { type: array, items: { type: object, required: [id, name] } }
  - name: Does not fit
    request: { url: "{{SERVER}}/items", headers: { Authorization: "Bearer tok-9f8e7d6c5b4a" } }
    expect:
      schema:
        type: array
        items: { required: [missing] }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(output.stdout.contains("✓ Fits"), "{}", output.stdout);
    assert!(
        output.stdout.contains(
            "schema (inline): expected the body to match the schema at `/0`, got \"missing\" is a required property"
        ),
        "{}",
        output.stdout
    );
    let broken = fixture.file(
        "broken.yaml",
        "name: b\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:9/\" }\n    expect:\n      schema: { type: 5 }\n",
    );
    let output = runner(["validate".as_ref(), broken.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("the schema is not a valid JSON Schema")
            && output.stderr.contains("broken.yaml:6:15"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_check_that_is_not_written_is_marked_at_the_key_holding_the_step_s_checks() {
    // No `expect.status`: the status check is runner's own, marked at `expect:`, not at the
    // first check written in it.
    let fixture = Fixture::new();
    let path = fixture.file(
        "unwritten.yaml",
        "name: u\nsteps:\n  - name: Unauthorised\n    request: { url: \"{{SERVER}}/items\" }\n    expect:\n      jsonpath:\n        $.message: Unauthorized\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 1, "{output:?}");
    let at = format!("--> {}:5:5\n", path.display());
    let marked = "5 |     expect:\n          |     ^^^^^^";
    assert!(
        output.stdout.contains(&at) && output.stdout.contains(marked),
        "{}",
        output.stdout
    );
}

#[test]
fn a_failed_expectation_exits_1_and_shows_expected_and_actual() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "fail.yaml",
        r#"
name: Failing expectations
steps:
  - name: Wrong expectations
    request: { url: "{{SERVER}}/items", headers: { Authorization: "Bearer tok-9f8e7d6c5b4a" } }
    expect:
      status: 201
      headers: { x-total-count: { gt: 10 } }
      jsonpath:
        $[1].name: alpha
        $[*].id: { lt: 3 }
        $.missing: { exists: true }
  - name: Never sent
    request: { url: "{{SERVER}}/hit/never-sent-after-failure" }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert_eq!(hits("never-sent-after-failure"), 0);
    assert_snapshot!(stable(&output.stdout, Some(&fixture)), @r#"
    Failing expectations ([DIR]/fail.yaml)
      ✗ Wrong expectations  GET http://127.0.0.1:[PORT]/items  200  [TIME]
          status: expected 201, got 200
             --> [DIR]/fail.yaml:7:15
            7 |       status: 201
              |               ^^^
          header x-total-count: expected > 10, got "3"
             --> [DIR]/fail.yaml:8:33
            8 |       headers: { x-total-count: { gt: 10 } }
              |                                 ^^^^^^^^^^
          $[1].name: expected "alpha", got "beta"
              --> [DIR]/fail.yaml:10:20
            10 |         $[1].name: alpha
               |                    ^^^^^
          $[*].id: expected < 3, got 3
              --> [DIR]/fail.yaml:11:18
            11 |         $[*].id: { lt: 3 }
               |                  ^^^^^^^^^
          $.missing: expected to exist, got no match
              --> [DIR]/fail.yaml:12:20
            12 |         $.missing: { exists: true }
               |                    ^^^^^^^^^^^^^^^^
      - Never sent skipped: an earlier step failed

    Failed:
      ✗ [DIR]/fail.yaml:7 › Wrong expectations — status: expected 201, got 200

    0 passed, 1 failed, 1 skipped in [TIME]
    "#);
}

#[test]
fn a_long_run_of_skipped_steps_is_counted_on_one_line() {
    let fixture = Fixture::new();
    let file = |later: usize| {
        let steps: String = (1..=later)
            .map(|n| {
                format!("  - name: Later {n}\n    request: {{ url: \"{{{{SERVER}}}}/items\" }}\n")
            })
            .collect();
        fixture.file(
            &format!("skips-{later}.yaml"),
            &format!(
                "name: Skips\nsteps:\n  - name: Fails\n    request: {{ url: \"{{{{SERVER}}}}/status/500\" }}\n    expect: {{ status: 200 }}\n{steps}"
            ),
        )
    };
    let skipped = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|line| line.contains("skipped: "))
            .map(str::to_owned)
            .collect()
    };
    let path = file(6);
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert_eq!(
        skipped(&output.stdout),
        [
            "  - Later 1 skipped: an earlier step failed",
            "  - Later 2 skipped: an earlier step failed",
            "  - Later 3 skipped: an earlier step failed",
            "  - and 3 more steps skipped: an earlier step failed",
        ],
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("0 passed, 1 failed, 6 skipped"),
        "{}",
        output.stdout
    );
    // `-v` lists every one.
    let output = runner(["run".as_ref(), path.as_os_str(), "-v".as_ref()]);
    assert_eq!(skipped(&output.stdout).len(), 6, "{}", output.stdout);
    assert!(
        !output.stdout.contains("more steps skipped"),
        "{}",
        output.stdout
    );
    // One more than three is listed, not counted.
    let output = runner(["run".as_ref(), file(4).as_os_str()]);
    assert_eq!(
        skipped(&output.stdout).last().map(String::as_str),
        Some("  - Later 4 skipped: an earlier step failed"),
        "{}",
        output.stdout
    );
    assert_eq!(skipped(&output.stdout).len(), 4, "{}", output.stdout);
}

#[test]
fn continue_on_failure_runs_the_remaining_steps() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "continue.yaml",
        r#"
name: Continue
steps:
  - name: Fails
    request: { url: "{{SERVER}}/status/500" }
    expect: { status: 200 }
  - name: Still sent
    request: { url: "{{SERVER}}/hit/continue-on-failure" }
"#,
    );
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--continue-on-failure".as_ref(),
    ]);
    assert_eq!(output.code, 1, "{output:?}");
    assert_eq!(hits("continue-on-failure"), 1);
    assert!(
        output.stdout.contains("1 passed, 1 failed, 0 skipped"),
        "{}",
        output.stdout
    );
}

#[test]
fn connection_refused_exits_3_naming_host_and_port() {
    let fixture = Fixture::new();
    let port = closed_port();
    let path = fixture.file(
        "refused.yaml",
        &format!("name: Refused\nsteps:\n  - name: Nobody listens\n    request: {{ url: \"http://127.0.0.1:{port}/\" }}\n"),
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output.stdout.contains(&format!(
            "error: could not connect to 127.0.0.1:{port}: connection refused"
        )),
        "{}",
        output.stdout
    );
}

#[test]
fn a_timeout_exits_3_and_says_which_timeout() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "slow.yaml",
        "name: Slow\nsteps:\n  - name: Too slow\n    request: { url: \"{{SERVER}}/slow\", timeout: 300ms }\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stdout
            .contains("within the request timeout of 300 ms"),
        "{}",
        output.stdout
    );
}

#[test]
fn an_unknown_field_exits_2_and_sends_nothing() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "unknown.yaml",
        r#"name: Unknown field
steps:
  - name: Would be sent
    request: { url: "{{SERVER}}/hit/unknown-field" }
  - name: Typo
    request: { url: "{{SERVER}}/hit/unknown-field" }
    expcet: { status: 200 }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(hits("unknown-field"), 0);
    assert_snapshot!(stable(&output.stderr, Some(&fixture)), @r"
    error: unknown field `expcet` in `steps[1]`
      --> [DIR]/unknown.yaml:7:5
       |
     7 |     expcet: { status: 200 }
       |     ^^^^^^
       = field: steps[1].expcet
       = hint: did you mean `expect`?

    1 problem found; nothing was sent
    ");
}

#[test]
fn an_unquoted_template_gets_a_quoting_hint() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "unquoted.yaml",
        "name: Unquoted\nsteps:\n  - name: x\n    request:\n      url: {{base_url}}/x\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("unquoted.yaml:5:"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("must be quoted in YAML"),
        "{}",
        output.stderr
    );
}

#[test]
fn an_undefined_variable_is_reported_before_anything_is_sent() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "undefined.yaml",
        r#"name: Undefined
vars: { auth_token: x }
steps:
  - name: Sent only if valid
    request: { url: "{{SERVER}}/hit/undefined-variable" }
  - name: Uses a typo
    request:
      url: "{{SERVER}}/hit/undefined-variable"
      headers: { Authorization: "Bearer {{auth_tokn}}" }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(hits("undefined-variable"), 0);
    assert_snapshot!(stable(&output.stderr, Some(&fixture)), @r#"
    error: step `Uses a typo` reads undefined variable `auth_tokn`
      --> [DIR]/undefined.yaml:9:41
       |
     9 |       headers: { Authorization: "Bearer {{auth_tokn}}" }
       |                                         ^^^^^^^^^^^^^
       = field: steps[1].request.headers.Authorization
       = hint: did you mean `auth_token`?

    1 problem found; nothing was sent
    "#);
}

#[test]
fn a_whole_template_keeps_the_json_type() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "typed.yaml",
        r#"name: Typed substitution
vars: { n: 5, flag: true, label: "n" }
steps:
  - name: Echo
    request:
      method: POST
      url: "{{SERVER}}/echo"
      query: { page: "{{n}}", size: 20 }
      json: { n: "{{n}}", flag: "{{flag}}", text: "{{label}}={{n}}" }
    expect:
      jsonpath:
        $.json.n: { equals: 5, type: integer }
        $.json.flag: true
        $.json.text: "n=5"
        $.query: "page=5&size=20"
        "$.headers['content-type']": application/json
        "$.headers['user-agent']": { starts_with: "runner/" }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn variable_precedence_var_over_file_over_environment_over_vars() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "precedence.yaml",
        r#"name: Precedence
vars: { a: collection, b: collection, c: collection, d: collection, derived: "{{a}}+{{d}}" }
environments:
  staging: { vars: { b: environment, c: environment, d: environment } }
steps:
  - name: Echo
    request: { method: POST, url: "{{SERVER}}/echo", json: { a: "{{a}}", b: "{{b}}", c: "{{c}}", d: "{{d}}", derived: "{{derived}}" } }
    expect:
      jsonpath:
        $.json.a: collection
        $.json.b: environment
        $.json.c: file
        $.json.d: flag
        $.json.derived: collection+flag
"#,
    );
    let vars = fixture.file("vars.yaml", "c: file\nd: file\n");
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--env".as_ref(),
        "staging".as_ref(),
        "--vars-file".as_ref(),
        vars.as_os_str(),
        "--var".as_ref(),
        "d=flag".as_ref(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn an_unknown_environment_is_invalid_input() {
    let fixture = Fixture::new();
    let path = fixture.file("env.yaml", "name: E\nenvironments: { staging: {}, production: {} }\nsteps:\n  - name: x\n    request: { url: \"{{SERVER}}/text\" }\n");
    let run = |env: &str| {
        runner([
            "run".as_ref(),
            path.as_os_str(),
            "--env".as_ref(),
            env.as_ref(),
        ])
    };
    let output = run("b");
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(
            "environment `b` does not exist; the collection defines: staging, production"
        ),
        "{}",
        output.stderr
    );
    // A typo is named with the environment it is near.
    let output = run("prodution");
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("environment `prodution` does not exist (did you mean `production`?); the collection defines: staging, production"),
        "{}",
        output.stderr
    );
}

/// A `default_environment` naming none of the environments is one problem, at its value, with
/// the name it may mean and how to mend it, whether the collection is run or validated.
#[test]
fn a_default_environment_that_does_not_exist_is_told_once() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "env.yaml",
        "name: E\ndefault_environment: prod\nenvironments: { staging: {}, production: {} }\nsteps:\n  - name: x\n    request: { url: \"http://127.0.0.1:1/x\" }\n",
    );
    for command in ["run", "validate"] {
        let output = runner([command.as_ref(), path.as_os_str()]);
        assert_eq!(output.code, 2, "{output:?}");
        let said = "environment `prod` does not exist (did you mean `production`?); the collection defines: staging, production";
        assert_eq!(
            output.stderr.matches(said).count(),
            1,
            "{command}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains("env.yaml:2:22"),
            "{command}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains(
                "hint: name one of them in `default_environment`, or choose one with `--env NAME`"
            ),
            "{command}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains("1 problem found"),
            "{command}: {}",
            output.stderr
        );
    }
    // Without environments, the hint says to add them.
    let path = fixture.file(
        "none.yaml",
        "name: E\ndefault_environment: prod\nsteps:\n  - name: x\n    request: { url: \"http://127.0.0.1:1/x\" }\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("environment `prod` does not exist: the collection defines no environments"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("add an `environments` map"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 problem found"),
        "{}",
        output.stderr
    );
}

const INPUTS: &str = r#"name: Inputs
inputs:
  API_TOKEN: { secret: true, description: Token from the admin page }
vars: { token: "{{env.API_TOKEN}}" }
environments:
  offline: { vars: { token: fixed } }
  online: {}
steps:
  - name: Echo
    request: { method: POST, url: "{{SERVER}}/echo", body: "token={{token}}" }
    expect:
      jsonpath: { $.text: { starts_with: "token=" } }
"#;

#[test]
fn a_required_input_that_is_unset_stops_the_run() {
    let fixture = Fixture::new();
    let path = fixture.file("inputs.yaml", INPUTS);
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--env".as_ref(),
        "online".as_ref(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(
            "input `API_TOKEN` (Token from the admin page) is required by environment `online` but not set"
        ),
        "{}",
        output.stderr
    );
    assert_eq!(output.stdout, "");
}

#[test]
fn an_input_is_required_only_where_it_is_used() {
    let fixture = Fixture::new();
    let path = fixture.file("inputs.yaml", INPUTS);
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--env".as_ref(),
        "offline".as_ref(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let output = runner_with_env(
        [
            "run".as_ref(),
            path.as_os_str(),
            "--env".as_ref(),
            "online".as_ref(),
            "-v".as_ref(),
        ],
        &[("API_TOKEN", "input-secret-value")],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        !output.stdout.contains("input-secret-value"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("token=***"), "{}", output.stdout);
}

#[test]
fn reading_an_undeclared_environment_variable_is_an_error() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "env-read.yaml",
        "name: E\nsteps:\n  - name: x\n    request: { url: \"{{SERVER}}/text?h={{env.HOME}}\" }\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("`env.HOME` reads an environment variable that is not declared in `inputs`"),
        "{}",
        output.stderr
    );
}

#[test]
fn jsonpath_on_a_body_that_is_not_json_says_what_came_back() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "text.yaml",
        "name: T\nsteps:\n  - name: Text\n    request: { url: \"{{SERVER}}/text\" }\n    expect:\n      body: { contains: plain }\n      jsonpath: { $.x: 1 }\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output
            .stdout
            .contains("$.x: expected a JSON body, got the body is not JSON"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("Content-Type: \"text/plain; charset=utf-8\""),
        "{}",
        output.stdout
    );
}

#[test]
fn redirects_are_followed_unless_turned_off() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "redirect.yaml",
        r#"name: Redirects
steps:
  - name: Followed
    request: { url: "{{SERVER}}/redirect" }
    expect: { status: 200, body: "plain text, not JSON" }
  - name: Not followed
    request: { url: "{{SERVER}}/redirect", follow_redirects: false }
    expect: { status: "3xx", headers: { location: /text } }
    capture:
      target: { header: location }
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn captures_of_every_source() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "captures.yaml",
        r#"name: Captures
steps:
  - name: Capture
    request: { url: "{{SERVER}}/items", headers: { Authorization: "Bearer tok-9f8e7d6c5b4a" } }
    capture:
      total: { header: X-Total-Count }
      second: { regex: '"name":"(\w+)","status":\{"description":"Disabled"' }
      code: { status: true }
      raw: { body: true }
      took: { duration: true }
  - name: Reuse
    request:
      method: POST
      url: "{{SERVER}}/echo"
      json: { total: "{{total}}", second: "{{second}}", code: "{{code}}" }
    expect:
      jsonpath:
        $.json.total: "3"
        $.json.second: beta
        $.json.code: 200
"#,
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn a_capture_that_matches_nothing_fails_the_step() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "nocapture.yaml",
        "name: C\nsteps:\n  - name: Missing\n    request: { url: \"{{SERVER}}/items\", headers: { Authorization: \"Bearer tok-9f8e7d6c5b4a\" } }\n    capture: { id: $.nope }\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output
            .stdout
            .contains("capture id: expected a value, got JSONPath `$.nope` matched nothing"),
        "{}",
        output.stdout
    );
}

/// A block scalar whose text starts with a tab (a tab-separated body) is YAML 1.2 that
/// libyaml cannot read without an indentation indicator: runner reads it as written, in a
/// collection, an included file and a vars file.
#[test]
fn a_block_scalar_may_start_with_a_tab() {
    let fixture = Fixture::new();
    fixture.file("vars.yaml", "tsv: |\n  \tx\ty\n");
    fixture.file(
        "part.yaml",
        "name: Part\nsteps:\n  - name: Included\n    request:\n      method: POST\n      url: \"{{SERVER}}/echo\"\n      body: >-\n        \tfolded\n    expect:\n      jsonpath: { $.text: \"\\tfolded\" }\n",
    );
    let path = fixture.file(
        "tabs.yaml",
        "name: Tabs\nsteps:\n  - name: Body\n    request:\n      method: POST\n      url: \"{{SERVER}}/echo\"\n      body: |\n\n        \tcol1\tcol2\n        a\tb\n    expect:\n      jsonpath:\n        $.text: \"\\n\\tcol1\\tcol2\\na\\tb\\n\"\n  - name: From the vars file\n    request: { method: POST, url: \"{{SERVER}}/echo\", body: \"{{tsv}}\" }\n    expect:\n      jsonpath: { $.text: \"\\tx\\ty\\n\" }\n  - name: Part\n    include: part.yaml\n",
    );
    let vars = fixture.path().join("vars.yaml");
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--vars-file".as_ref(),
        vars.as_os_str(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("3 passed"), "{}", output.stdout);
}

/// Postman's typed dynamic variables standing alone keep their type in a JSON body and in a
/// `when` (docs/format.md): `$randomInt` and `$timestamp` numbers, `$randomBoolean` a boolean.
#[test]
fn a_typed_dynamic_variable_standing_alone_is_sent_as_its_type() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "dynamic.yaml",
        "name: Dynamic\nsteps:\n  - name: Typed\n    request: { method: POST, url: \"{{SERVER}}/echo\", json: { r: \"{{$randomInt}}\", t: \"{{ $timestamp }}\", b: \"{{$randomBoolean}}\", s: \"n{{$randomInt}}\" } }\n    expect:\n      jsonpath:\n        $.json.r: { type: integer }\n        $.json.t: { type: integer }\n        $.json.b: { type: boolean }\n        $.json.s: { type: string }\n  - name: When\n    when: { \"{{$randomInt}}\": { type: integer } }\n    request: { url: \"{{SERVER}}/echo\" }\n",
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("2 passed"), "{}", output.stdout);
}
