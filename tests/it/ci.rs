//! What CI systems and their report readers see: retries visible in every report, and JUnit
//! that validates against the schema Jenkins uses (checked for every run in `support`).

use serde_json::Value;

use crate::support::{runner, Fixture};

#[test]
fn a_polled_step_shows_its_attempts_waits_and_total_time_everywhere() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "poll.yaml",
        r#"name: Poll
steps:
  - name: Wait for the job
    request: { url: "{{SERVER}}/poll/ci-visible-poll/3" }
    retry: { attempts: 5, interval: 250ms, until: { jsonpath: { $.state: done } } }
"#,
    );
    let dir = fixture.path();
    let file = |name: &str| dir.join(name).display().to_string();
    let output = runner([
        "run",
        &path.display().to_string(),
        "--report-json",
        &file("r.json"),
        "--report-junit",
        &file("r.xml"),
        "--report-tap",
        &file("r.tap"),
        "--report-html",
        &file("r.html"),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("· 3 attempts, "),
        "{}",
        output.stdout
    );
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("report written");

    let json: Value = serde_json::from_str(&read("r.json")).expect("JSON");
    let step = &json["collections"][0]["steps"][0];
    let total = step["duration_ms"].as_u64().unwrap_or(0);
    let waited = step["waited_ms"].as_u64().unwrap_or(0);
    assert!(waited >= 500, "two waits of 250 ms: {step}");
    assert!(total >= waited, "{step}");

    let junit = read("r.xml");
    let time: f64 = regex::Regex::new(r#"<testcase [^>]*time="([0-9.]+)""#)
        .expect("regex")
        .captures(&junit)
        .and_then(|c| c[1].parse().ok())
        .unwrap_or(0.0);
    assert!(
        time >= 0.5,
        "the testcase's time includes the waits: {junit}"
    );
    assert!(junit.contains("3 attempts in"), "{junit}");
    assert!(junit.contains("attempt 1: 200 in"), "{junit}");

    let tap = read("r.tap");
    assert!(tap.contains("attempts: \"3 attempts in"), "{tap}");

    let html = read("r.html");
    assert!(html.contains("3 attempts in"), "{html}");
    assert!(
        html.contains("class=\"wait\""),
        "the timeline hatches the waiting: {html}"
    );
}

#[test]
fn an_empty_shard_is_a_note_and_a_tag_or_step_that_selects_nothing_an_error() {
    let fixture = Fixture::new();
    let one = fixture.file(
        "one.yaml",
        "name: One\nsteps:\n  - name: Only step\n    request: { url: \"{{SERVER}}/status/200\" }\n",
    );
    let two = fixture.file(
        "two.yaml",
        "name: Two\nsteps:\n  - name: Other step\n    request: { url: \"{{SERVER}}/status/200\" }\n",
    );
    let (one, two) = (one.display().to_string(), two.display().to_string());
    let junit = fixture.path().join("empty.xml").display().to_string();
    // A CI matrix wider than the suite: shard 3 of 3 over two collections.
    let output = runner([
        "run",
        &one,
        &two,
        "--shard",
        "3/3",
        "--report-junit",
        &junit,
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stderr
            .contains("note: shard 3/3 has no collections (2 collections in all)"),
        "{}",
        output.stderr
    );
    let report = std::fs::read_to_string(&junit).expect("an empty report is still written");
    assert!(report.contains(r#"tests="0""#), "{report}");

    // A tag no collection given has is a mistake, as a step name is: a CI job with a typo in
    // its `--tag` must not pass having run nothing.
    let output = runner(["run", &one, &two, "--tag", "nightly"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(
            "error: `--tag nightly` selects no collection or step (no collection or step given has a tag); nothing was sent"
        ),
        "{}",
        output.stderr
    );

    // A step asked for by name that does not exist is a mistake.
    let output = runner(["run", &one, &two, "--step", "Only stpe"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("`--step Only stpe` names no step or id (did you mean `Only step`?)"),
        "{}",
        output.stderr
    );
}

#[test]
fn global_flags_work_before_the_subcommand() {
    let fixture = Fixture::new();
    let one = fixture.file(
        "one.yaml",
        "name: One\nsteps:\n  - name: Only step\n    request: { url: \"{{SERVER}}/status/200\" }\n",
    );
    let output = runner(["--color", "never", "run", &one.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    let output = runner(["run", &one.display().to_string(), "--color", "always"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains('\u{1b}'), "{}", output.stdout);
}

#[test]
fn a_step_that_says_nothing_about_status_expects_a_success() {
    let fixture = Fixture::new();
    let silent = fixture.file(
        "silent.yaml",
        "name: Smoke\nsteps:\n  - name: Health\n    request: { url: \"{{SERVER}}/status/500\" }\n",
    );
    let output = runner(["run", &silent.display().to_string()]);
    assert_eq!(output.code, 1, "a smoke test fails on a 5xx: {output:?}");
    assert!(
        output.stdout.contains(
            "status: expected a success (2xx or 3xx: the step sets no `expect.status`; `status: any` accepts every status), got 500"
        ),
        "{}",
        output.stdout
    );

    let any = fixture.file(
        "any.yaml",
        "name: Smoke\nsteps:\n  - name: Health\n    request: { url: \"{{SERVER}}/status/500\" }\n    expect: { status: any }\n",
    );
    let output = runner(["run", &any.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");

    let defaults = fixture.file(
        "defaults.yaml",
        "name: Smoke\ndefaults: { expect: { status: 5xx } }\nsteps:\n  - name: Health\n    request: { url: \"{{SERVER}}/status/503\" }\n  - name: Own status wins\n    request: { url: \"{{SERVER}}/status/200\" }\n    expect: { status: 200 }\n",
    );
    let output = runner(["run", &defaults.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");

    // `success` says the default where `defaults` says otherwise.
    let success = fixture.file(
        "success.yaml",
        "name: Smoke\ndefaults: { expect: { status: any } }\nsteps:\n  - name: Moved\n    request: { url: \"{{SERVER}}/status/302\", follow_redirects: false }\n    expect: { status: success }\n  - name: Gone\n    request: { url: \"{{SERVER}}/status/404\" }\n    expect: { status: success }\n",
    );
    let output = runner(["--color", "never", "run", &success.display().to_string()]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains("✓ Moved")
            && output
                .stdout
                .contains("status: expected a success (2xx or 3xx), got 404"),
        "{}",
        output.stdout
    );
}

#[test]
fn an_imported_postman_collection_without_status_tests_passes_on_any_status_as_in_newman() {
    let fixture = Fixture::new();
    let postman = fixture.file(
        "c.postman_collection.json",
        r#"{
  "info": { "name": "No status tests", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "item": [ { "name": "Missing thing", "request": { "method": "GET", "url": "{{SERVER}}/status/404" } } ]
}"#,
    );
    let yaml = fixture.path().join("c.yaml");
    let imported = runner([
        "import",
        "postman",
        &postman.display().to_string(),
        "-o",
        &yaml.display().to_string(),
    ]);
    assert_eq!(imported.code, 0, "{imported:?}");
    let text = std::fs::read_to_string(&yaml).expect("written");
    assert!(text.contains("expect: { status: any }"), "{text}");
    let output = runner(["run", &yaml.display().to_string()]);
    assert_eq!(
        output.code, 0,
        "Newman passes it, so does runner: {output:?}"
    );

    // Exported back, a collection that expects a success says so in a test.
    let strict = fixture.file(
        "strict.yaml",
        "name: Strict\nsteps:\n  - name: Health\n    request: { url: \"{{SERVER}}/status/200\" }\n",
    );
    let exported = runner(["export", "postman", &strict.display().to_string()]);
    assert_eq!(exported.code, 0, "{exported:?}");
    assert!(
        exported
            .stdout
            .contains("pm.expect(pm.response.code).to.be.within(200, 399);"),
        "{}",
        exported.stdout
    );
    // `status: success` under a default of `any` is exported as the same test.
    let written = fixture.file(
        "written.yaml",
        "name: Written\ndefaults: { expect: { status: any } }\nsteps:\n  - name: Health\n    request: { url: \"{{SERVER}}/status/200\" }\n    expect: { status: success }\n",
    );
    let written = runner(["export", "postman", &written.display().to_string()]);
    assert_eq!(written.code, 0, "{written:?}");
    assert!(
        written
            .stdout
            .contains("pm.expect(pm.response.code).to.be.within(200, 399);"),
        "{}",
        written.stdout
    );
    // And imported again, it still expects a success, where the imported default is `any`.
    let postman = fixture.file("strict.postman_collection.json", &exported.stdout);
    let back = runner(["import", "postman", &postman.display().to_string()]);
    assert_eq!(back.code, 0, "{back:?}");
    assert!(
        back.stdout.contains("status: success") && !back.stdout.contains("Not translated"),
        "{}",
        back.stdout
    );
}

#[test]
fn the_failure_list_names_the_iteration_and_a_length_failure_its_length() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "rows.yaml",
        "name: Rows\nsteps:\n  - name: Items\n    request: { url: \"{{SERVER}}/paged-json\" }\n    expect: { status: any, jsonpath: { \"$.items\": { length: 50 } } }\n",
    );
    let output = runner(["run", &path.display().to_string(), "--iterations", "2"]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains("› Items (iteration 2/2) —"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("got length "), "{}", output.stdout);
}

#[test]
fn a_data_row_can_say_which_status_to_expect() {
    let fixture = Fixture::new();
    let data = fixture.file(
        "rows.csv",
        "path,expected_status\n/status/200,200\n/status/404,4xx\n/status/503,\"[500, 503]\"\n/status/204,success\n",
    );
    let path = fixture.file(
        "rows.yaml",
        "name: Rows\nsteps:\n  - name: Probe {{path}}\n    request: { url: \"{{SERVER}}{{path}}\" }\n    expect: { status: \"{{expected_status}}\" }\n",
    );
    let output = runner([
        "run",
        &path.display().to_string(),
        "--data",
        &data.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let validated = runner([
        "validate",
        &path.display().to_string(),
        "--data",
        &data.display().to_string(),
    ]);
    assert_eq!(validated.code, 0, "{validated:?}");

    let wrong = fixture.file(
        "wrong.csv",
        "path,expected_status\n/status/200,201\n/status/200,soon\n",
    );
    let output = runner([
        "run",
        &path.display().to_string(),
        "--data",
        &wrong.display().to_string(),
    ]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains("status: expected 201, got 200"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("`{{expected_status}}` to render a status"),
        "{}",
        output.stdout
    );
}

#[test]
fn github_annotations_and_a_report_on_standard_output_are_refused_together() {
    let output = runner([
        "run",
        "collections/emnify.yaml",
        "--report",
        "github",
        "--report-json",
        "-",
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("only one report can go to standard output"),
        "{output:?}"
    );
}

/// Annotation and Code Quality paths are relative to the repository's root also when the
/// collection is named relative to a working directory below it (a job's
/// `working-directory`): the path is read from where runner runs.
#[test]
fn ci_paths_are_relative_to_the_root_from_any_working_directory() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "fails.yaml",
        "name: Fails\nsteps:\n  - name: a\n    request: { url: \"{{SERVER}}/status/500\" }\n",
    );
    // The same file, named from the repository (where the binary runs) through `..`s.
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let up = "../".repeat(here.components().count() - 1);
    let relative = format!("{up}{}", path.display().to_string().trim_start_matches('/'));
    let root = fixture
        .path()
        .parent()
        .expect("a parent")
        .display()
        .to_string();
    let inside = format!(
        "{}/fails.yaml",
        fixture
            .path()
            .file_name()
            .expect("a name")
            .to_string_lossy()
    );
    let report = fixture.path().join("cq.json").display().to_string();
    let output = crate::support::runner_with_env(
        [
            "run",
            &relative,
            "--report",
            &format!("gitlab-codequality={report}"),
            "--report",
            "github",
        ],
        &[("GITHUB_WORKSPACE", &root), ("CI_PROJECT_DIR", &root)],
    );
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output
            .stdout
            .contains(&format!("::error file={inside},line=3")),
        "{}",
        output.stdout
    );
    let quality: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("written")).expect("JSON");
    assert_eq!(quality[0]["location"]["path"], inside.as_str(), "{quality}");
}

/// A collection of `count` failing steps (one `for_each`), each named `name`.
fn many_failing(fixture: &Fixture, count: usize, name: &str) -> std::path::PathBuf {
    let items: Vec<String> = (0..count).map(|n| n.to_string()).collect();
    fixture.file(
        "many.yaml",
        &format!(
            "name: \"Many {name}\"\nsteps:\n  - name: \"{name}\"\n    for_each: [{}]\n    request: {{ url: \"{{{{SERVER}}}}/status/500\" }}\n    expect: {{ status: 200 }}\n",
            items.join(", ")
        ),
    )
}

#[test]
fn the_github_step_summary_keeps_well_within_githubs_limit_and_counts_the_rest() {
    let fixture = Fixture::new();
    // Long names make long rows (the more so written as entities): 600 of them would make a
    // summary of megabytes.
    let name = format!("{}{}", "<".repeat(4000), "|`*<b>\u{202e}".repeat(50));
    let path = many_failing(&fixture, 600, &name.replace('\\', "\\\\"));
    let summary = fixture.path().join("summary.md");
    let output = crate::support::runner_with_env(
        [
            "run",
            &path.display().to_string(),
            "--continue-on-failure",
            "--report",
            "github",
        ],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_WORKSPACE", &fixture.path().display().to_string()),
            ("GITHUB_STEP_SUMMARY", &summary.display().to_string()),
        ],
    );
    assert_eq!(output.code, 1, "{output:?}");
    let text = std::fs::read_to_string(&summary).expect("the step summary is written");
    assert!(text.len() <= 512 * 1024, "{} bytes", text.len());
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| Many ")).collect();
    assert!(rows.len() > 100, "{} rows", rows.len());
    // Each name is cut, each row whole, and the rows left out are counted.
    assert!(
        rows.iter().all(|r| r.len() < 2000 && r.ends_with(" |")),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains('…'), "{}", rows[0]);
    let note = format!("and {} more failures not listed here", 600 - rows.len());
    assert!(
        text.contains(&note),
        "{note}: {}",
        &text[text.len() - 400..]
    );
    assert!(
        text.contains("the JSON and JUnit reports have every step"),
        "{text}"
    );
}

#[test]
fn every_testcase_of_a_suite_has_its_own_name_as_gitlab_keys_them() {
    let fixture = Fixture::new();
    // Generated: many steps whose names repeat, some written with a number already, a loop
    // whose items repeat, and a group.
    let mut steps = String::new();
    for n in 0..60 {
        let name = match n % 5 {
            0 | 1 => "same".to_owned(),
            2 => format!("same ({})", n % 4 + 1),
            3 => format!("other {}", n % 3),
            _ => "same (2) (2)".to_owned(),
        };
        let status = if n % 2 == 0 { 200 } else { 500 };
        steps.push_str(&format!(
            "  - name: \"{name}\"\n    request: {{ url: \"{{{{SERVER}}}}/status/{status}\" }}\n"
        ));
    }
    steps.push_str("  - name: loop\n    for_each: [a, b, a]\n    request: { url: \"{{SERVER}}/status/500\" }\n");
    steps.push_str("  - name: same\n    steps:\n      - name: same\n        request: { url: \"{{SERVER}}/text\" }\n");
    let path = fixture.file("repeated.yaml", &format!("name: Repeated\nsteps:\n{steps}"));
    let junit = fixture.path().join("junit.xml");
    let run = || {
        let output = runner([
            "run",
            &path.display().to_string(),
            "-n",
            "2",
            "--continue-on-failure",
            "--report-junit",
            &junit.display().to_string(),
        ]);
        assert_eq!(output.code, 1, "{output:?}");
        std::fs::read_to_string(&junit).expect("written")
    };
    let keys = |xml: &str| -> Vec<(String, String, String)> {
        let suite = regex::Regex::new(r#"<testsuite name="([^"]*)""#).expect("regex");
        let case =
            regex::Regex::new(r#"<testcase name="([^"]*)" classname="([^"]*)""#).expect("regex");
        let mut keys = Vec::new();
        let mut current = String::new();
        for line in xml.lines() {
            if let Some(c) = suite.captures(line) {
                current = c[1].to_owned();
            } else if let Some(c) = case.captures(line) {
                keys.push((current.clone(), c[2].to_owned(), c[1].to_owned()));
            }
        }
        keys
    };
    let first = run();
    let keys_first = keys(&first);
    assert_eq!(keys_first.len(), 2 * (60 + 3 + 1), "{first}");
    let unique: std::collections::HashSet<_> = keys_first.iter().collect();
    assert_eq!(unique.len(), keys_first.len(), "{first}");
    let names: Vec<&str> = keys_first.iter().take(7).map(|k| k.2.as_str()).collect();
    assert_eq!(
        names,
        [
            "same",
            "same (2)",
            "same (3)",
            "other 0",
            "same (2) (2)",
            "same (4)",
            "same (5)"
        ],
        "{first}"
    );
    // Another run of the same steps names them the same.
    assert_eq!(keys(&run()), keys_first);
}

#[test]
fn no_text_of_the_code_quality_report_holds_what_would_steer_or_reorder_the_page() {
    let fixture = Fixture::new();
    // Generated: every C0 and C1 control but the line breaks, DEL, the bidirectional
    // overrides and marks, and noncharacters, in a step name and in what the server sends.
    let awkward: Vec<u32> = (1u32..0x20)
        .filter(|c| !matches!(c, 0x0a | 0x0d))
        .chain(0x7f..0xa0)
        .chain([0x200e, 0x200f, 0xfffe, 0xffff])
        .chain(0x202a..0x202f)
        .chain(0x2066..0x206a)
        .collect();
    let escaped: String = awkward.iter().map(|c| format!("\\U{c:08x}")).collect();
    let hex: String = awkward
        .iter()
        .filter_map(|&c| char::from_u32(c))
        .collect::<String>()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = fixture.file(
        "awkward.yaml",
        &format!(
            "name: \"Awkward {escaped}\"\nsteps:\n  - name: \"step {escaped}\"\n    request: {{ url: \"{{{{SERVER}}}}/bytes/{hex}\" }}\n    expect: {{ status: 201, body: {{ equals: x }} }}\n"
        ),
    );
    let report = fixture.path().join("cq.json");
    let output = runner([
        "run",
        &path.display().to_string(),
        "--report",
        &format!("gitlab-codequality={}", report.display()),
    ]);
    assert_eq!(output.code, 1, "{output:?}");
    let issues: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("written")).expect("JSON");
    let issues = issues.as_array().expect("a list");
    assert_eq!(issues.len(), 2, "{issues:?}");
    for issue in issues {
        for text in [
            &issue["description"],
            &issue["check_name"],
            &issue["location"]["path"],
        ] {
            let text = text.as_str().expect("text");
            let raw = text.chars().find(|&c| awkward.contains(&(c as u32)));
            assert_eq!(raw, None, "{text:?}");
        }
        let description = issue["description"].as_str().unwrap_or_default();
        assert!(description.contains("\\u{202e}"), "{description}");
    }
}
