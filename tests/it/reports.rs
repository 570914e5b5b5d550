//! Reports (JUnit, JSON, TAP, HTML), parallel runs, sharding and selection.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{runner, stable, Fixture};

const REPORTS: [(&str, &str); 4] = [
    ("--report-junit", "report.xml"),
    ("--report-json", "report.json"),
    ("--report-tap", "report.tap"),
    ("--report-html", "report.html"),
];

fn report_args(dir: &Path) -> Vec<String> {
    REPORTS
        .iter()
        .flat_map(|(flag, file)| [(*flag).to_owned(), dir.join(file).display().to_string()])
        .collect()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn validate_json_report(text: &str) -> Value {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema"))
            .expect("schema is JSON");
    let report: Value = serde_json::from_str(text).expect("report is JSON");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match its schema: {errors:#?}"
    );
    report
}

#[test]
fn a_passing_run_writes_four_valid_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec![
        "run".to_owned(),
        "collections/emnify-endpoint-lifecycle.yaml".to_owned(),
        "collections/emnify.yaml".to_owned(),
        "--jobs".to_owned(),
        "2".to_owned(),
    ];
    args.extend(report_args(dir.path()));
    let output = runner(args);
    assert_eq!(output.code, 0, "{output:?}");

    let report = validate_json_report(&read(dir.path(), "report.json"));
    assert_eq!(report["totals"]["passed"], 10);
    assert_eq!(
        report["collections"][0]["file"],
        "collections/emnify-endpoint-lifecycle.yaml"
    );

    let junit = read(dir.path(), "report.xml");
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(
        junit.contains(r#"<testsuites name="runner" tests="10" failures="0" errors="0""#),
        "{junit}"
    );
    assert_eq!(junit.matches("<testsuite ").count(), 2);

    let tap = read(dir.path(), "report.tap");
    assert!(tap.starts_with("TAP version 13\n1..10\nok 1 - "), "{tap}");
    assert!(!tap.contains("not ok"), "{tap}");

    let html = read(dir.path(), "report.html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "the HTML report must be self-contained"
    );
    assert!(html.contains("class=\"timeline\""), "{html}");
}

const FAILING: &str = r#"name: Failing
steps:
  - name: Status is wrong
    request: { url: "{{SERVER}}/status/503" }
    expect: { status: 200 }
  - name: Not reached
    request: { url: "{{SERVER}}/text" }
"#;

#[test]
fn each_step_of_a_run_has_its_own_index_in_the_json_report_and_the_curl_script() {
    // `index` was a step's place among its siblings: a group's first step, every
    // `for_each` item and the first `finally` step all said 0.
    let address = crate::support::server();
    let fixture = Fixture::new();
    let collection = fixture.file(
        "nested.yaml",
        &format!(
            r#"name: Nested
vars: {{ base: "http://{address}" }}
steps:
  - name: first
    request: {{ url: "{{{{base}}}}/hit/index-a" }}
  - name: group
    steps:
      - name: inner
        request: {{ url: "{{{{base}}}}/hit/index-b" }}
  - name: each
    for_each: [1, 2]
    request: {{ url: "{{{{base}}}}/hit/index-{{{{item}}}}" }}
finally:
  - name: last
    request: {{ url: "{{{{base}}}}/hit/index-c" }}
"#
        ),
    );
    let report = fixture.path().join("report.json");
    let script = fixture.path().join("steps.sh");
    let output = runner([
        "run".as_ref(),
        collection.as_os_str(),
        "--report-json".as_ref(),
        report.as_os_str(),
        "--curl".as_ref(),
        script.as_os_str(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let report = validate_json_report(&std::fs::read_to_string(&report).expect("report"));
    let indices: Vec<&Value> = report["collections"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|step| &step["index"])
        .collect();
    assert_eq!(indices, [0, 1, 2, 3, 4], "{report:#}");
    let script = std::fs::read_to_string(&script).expect("script");
    for number in 1..=5 {
        assert!(script.contains(&format!("› step {number}: ")), "{script}");
    }
}

#[test]
fn a_failing_run_exits_1_and_still_writes_every_report_with_the_failure() {
    let fixture = Fixture::new();
    let path = fixture.file("failing.yaml", FAILING);
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(report_args(fixture.path()));
    let output = runner(args);
    assert_eq!(output.code, 1, "{output:?}");
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    let steps = &report["collections"][0]["steps"];
    assert_eq!(steps[0]["outcome"], "failed");
    assert_eq!(steps[0]["failures"][0]["expected"], "200");
    assert_eq!(steps[0]["failures"][0]["actual"], "503");
    assert_eq!(steps[0]["response"]["status"], 503);
    assert_eq!(steps[1]["outcome"], "skipped");
    // A skipped step is located for the reports (a run without one does not locate it).
    assert_eq!(steps[1]["location"]["line"], 6, "{}", steps[1]);
    assert!(read(fixture.path(), "report.xml").contains("status: expected 200, got 503"));
    assert!(read(fixture.path(), "report.tap").contains("not ok 1 - Failing › Status is wrong"));
    assert!(read(fixture.path(), "report.tap")
        .contains("ok 2 - Failing › Not reached # SKIP an earlier step failed"));
    assert!(read(fixture.path(), "report.html").contains("expected 200, got 503"));
}

/// A run refused before anything is sent replaces the reports an earlier run left: a CI
/// system reading them sees the refusal (each problem an errored entry at its place), not a
/// green run of the day before.
#[test]
fn a_refused_run_replaces_earlier_reports_with_its_problems() {
    let fixture = Fixture::new();
    let good = fixture.file(
        "good.yaml",
        "name: Good\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:9/\" }\n",
    );
    let broken = fixture.file(
        "broken.yaml",
        "name: Broken\nsteps:\n  - name: s\n    request: 5\n  - name: t\n    request: { url: \"http://127.0.0.1:9/\" }\n    expect: { status: [200, \"x\"] }\n",
    );
    for (_, file) in REPORTS {
        std::fs::write(fixture.path().join(file), "an earlier run's report").expect("write");
    }
    let mut args = vec![
        "run".to_owned(),
        good.display().to_string(),
        broken.display().to_string(),
    ];
    args.extend(report_args(fixture.path()));
    let output = runner(&args);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("nothing was sent"), "{output:?}");

    let report = validate_json_report(&read(fixture.path(), "report.json"));
    assert_eq!(report["totals"]["errored"], 2, "{report}");
    let steps = &report["collections"][0]["steps"];
    assert_eq!(report["collections"].as_array().map(Vec::len), Some(1));
    assert_eq!(steps[0]["name"], "steps[0].request");
    assert_eq!(steps[0]["outcome"], "errored");
    assert_eq!(steps[0]["location"]["line"], 4, "{steps}");
    assert_eq!(steps[0]["location"]["column"], 14, "{steps}");
    assert!(steps[0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("expected a request")));
    assert_eq!(steps[1]["location"]["line"], 7, "{steps}");
    crate::junit_schema::assert_valid(&fixture.path().join("report.xml"));
    let junit = read(fixture.path(), "report.xml");
    assert!(junit.contains("errors=\"2\""), "{junit}");
    assert!(junit.contains("<error type=\"invalid\""), "{junit}");
    assert!(
        junit.contains("broken.yaml:4:14)"),
        "the place, in JUnit too: {junit}"
    );
    let tap = read(fixture.path(), "report.tap");
    assert!(tap.starts_with("TAP version 13\n1..2\n"), "{tap}");
    assert!(tap.contains("not ok 1 - "), "{tap}");
    assert!(read(fixture.path(), "report.html").contains("expected a request"));

    // Arguments that select nothing refuse the run too, and say so in the reports.
    let mut args = vec![
        "run".to_owned(),
        good.display().to_string(),
        "--tag".to_owned(),
        "nope".to_owned(),
    ];
    args.extend(report_args(fixture.path()));
    let output = runner(&args);
    assert_eq!(output.code, 2, "{output:?}");
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    assert_eq!(report["collections"][0]["name"], "runner run", "{report}");
    crate::junit_schema::assert_valid(&fixture.path().join("report.xml"));
    let junit = read(fixture.path(), "report.xml");
    assert!(junit.contains("classname=\"runner run\""), "{junit}");
    assert!(report["collections"][0]["steps"][0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("nope")));
}

fn suite(fixture: &Fixture) -> Vec<PathBuf> {
    (1..=5)
        .map(|n| {
            fixture.file(
                &format!("c{n}.yaml"),
                &format!(
                    "name: Collection {n}\ntags: [{tag}]\nsteps:\n  - name: Echo {n}\n    request: {{ method: POST, url: \"{{{{SERVER}}}}/echo\", json: {{ n: {n} }} }}\n    expect: {{ jsonpath: {{ $.json.n: {n} }} }}\n  - name: Fails {n}\n    tags: [flaky]\n    request: {{ url: \"{{{{SERVER}}}}/status/{status}\" }}\n    expect: {{ status: 200 }}\n",
                    tag = if n % 2 == 0 { "even" } else { "odd" },
                    status = if n == 3 { 500 } else { 200 },
                ),
            )
        })
        .collect()
}

/// Timings, ports, temporary paths and timestamps out — and the "Slowest" recap, which is
/// timing data — so runs can be compared byte for byte.
fn comparable(text: &str, fixture: &Fixture) -> String {
    let text = stable(text, Some(fixture));
    let replacements = [
        (r#""(duration_ms|started_at)": ("[^"]*"|\d+)"#, r#""$1": 0"#),
        (r#"time="[0-9.]+""#, r#"time="0""#),
        (r#"left:[0-9.]+%;width:[0-9.]+%"#, "left:0%;width:0%"),
        (r"(?i)date: [A-Z][a-z]{2}, [^\n<]*GMT", "date: [DATE]"),
        (r#""date",\s*"[^"]*""#, r#""date", "[DATE]""#),
        (r"started [0-9T:.\-]+Z", "started [AT]"),
        (
            r"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
            "started [AT]",
        ),
        (r#"timestamp="[^"]*""#, r#"timestamp="[AT]""#),
        (r#""waited_ms": \d+"#, r#""waited_ms": 0"#),
        (r"duration_ms: \d+", "duration_ms: 0"),
        (r"(?m)^Slowest:\n(^ .*\n)*\n", ""),
    ];
    let mut text = text;
    for (pattern, replacement) in replacements {
        text = regex::Regex::new(pattern)
            .expect("regex")
            .replace_all(&text, replacement)
            .into_owned();
    }
    text
}

#[test]
fn output_and_reports_are_the_same_whatever_jobs_is() {
    let fixture = Fixture::new();
    let files = suite(&fixture);
    let mut outputs = Vec::new();
    for jobs in ["1", "4"] {
        let dir = fixture.path().join(format!("jobs{jobs}"));
        let mut args: Vec<String> = vec!["run".into()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args.extend(["--jobs".into(), jobs.into(), "--continue-on-failure".into()]);
        args.extend(report_args(&dir));
        let output = runner(args);
        assert_eq!(output.code, 1, "{output:?}");
        let mut all = comparable(&output.stdout, &fixture);
        for (_, file) in REPORTS {
            all.push_str(
                &comparable(&read(&dir, file), &fixture).replace(&format!("jobs{jobs}"), "jobsN"),
            );
        }
        outputs.push(all);
    }
    assert_eq!(outputs[0], outputs[1]);
    assert!(outputs[0].contains("Collection 1"));
}

/// Without a report, a run keeps a tally of each collection run's steps instead of the
/// steps: what it prints, the closing summary included, and its exit code stay the same.
#[test]
fn output_and_summary_are_the_same_with_reports_or_without() {
    let fixture = Fixture::new();
    let files = suite(&fixture);
    let mut outputs = Vec::new();
    for reports in [true, false] {
        let mut args: Vec<String> = vec!["run".into()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args.extend(["--jobs", "4", "--iterations", "2"].map(String::from));
        if reports {
            args.extend(report_args(&fixture.path().join("reports")));
        }
        let output = runner(args);
        assert_eq!(output.code, 1, "{output:?}");
        let slowest = output.stdout.contains("\nSlowest:\n");
        outputs.push((comparable(&output.stdout, &fixture), slowest));
    }
    assert_eq!(outputs[0], outputs[1]);
    let (stdout, slowest) = &outputs[0];
    assert!(slowest, "{stdout}");
    assert!(
        stdout.contains("c3.yaml:10 › Fails 3 (iteration 2/2) — status: expected 200, got 500"),
        "{stdout}"
    );
    assert!(
        stdout.contains("18 passed, 2 failed, 0 skipped"),
        "{stdout}"
    );
}

fn names_in(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("Collection "))
        .map(|l| l.split(" (").next().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn shards_split_collections_and_together_run_each_once() {
    let fixture = Fixture::new();
    let files = suite(&fixture);
    let mut seen = Vec::new();
    for shard in ["1/2", "2/2"] {
        let mut args: Vec<String> = vec![
            "run".into(),
            fixture.path().display().to_string(),
            "--shard".into(),
            shard.into(),
        ];
        args.push("--continue-on-failure".into());
        let output = runner(args);
        assert!(output.code == 0 || output.code == 1, "{output:?}");
        let names = names_in(&output.stdout);
        assert!(!names.is_empty(), "{}", output.stdout);
        seen.extend(names);
    }
    seen.sort();
    let expected: Vec<String> = (1..=files.len())
        .map(|n| format!("Collection {n}"))
        .collect();
    assert_eq!(seen, expected);
}

/// In a directory, YAML without a top-level `steps` (a vars file) is not a collection and is
/// skipped; YAML that does not parse, or holds several documents, is reported, not skipped.
#[test]
fn a_directory_skips_other_yaml_and_reports_broken_yaml() {
    let fixture = Fixture::new();
    fixture.file(
        "a.yaml",
        "name: A\nsteps:\n  - name: Local\n    request: { url: \"http://127.0.0.1:9/\" }\n",
    );
    fixture.file("vars.yaml", "base_url: x\nsteps_note: not a collection\n");
    std::fs::create_dir(fixture.path().join("nested")).expect("made");
    fixture.file("nested/values.yml", "- steps\n");
    let dir = fixture.path().display().to_string();
    let output = runner(["validate", dir.as_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("a.yaml"), "{}", output.stdout);
    assert!(!output.stdout.contains("vars.yaml"), "{}", output.stdout);
    assert!(!output.stdout.contains("values.yml"), "{}", output.stdout);

    for (name, text) in [
        ("broken.yaml", "name: \"unclosed\nsteps: []\n"),
        ("two.yaml", "name: B\n---\nname: C\n"),
    ] {
        let path = fixture.file(name, text);
        let output = runner(["validate", dir.as_str()]);
        assert_eq!(output.code, 2, "{name}: {output:?}");
        assert!(output.stderr.contains(name), "{name}: {}", output.stderr);
        std::fs::remove_file(path).expect("removed");
    }
}

#[test]
fn tags_and_steps_select_what_runs() {
    let fixture = Fixture::new();
    suite(&fixture);
    let dir = fixture.path().display().to_string();
    let output = runner(["run", dir.as_str(), "--tag", "even"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(
        names_in(&output.stdout),
        vec!["Collection 2", "Collection 4"]
    );

    let output = runner([
        "run",
        dir.as_str(),
        "--tag",
        "flaky",
        "--continue-on-failure",
    ]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(!output.stdout.contains("Echo"), "{}", output.stdout);
    assert!(output.stdout.contains("Fails 3"), "{}", output.stdout);

    let output = runner(["run", dir.as_str(), "--step", "Echo 5"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("1 passed, 0 failed, 0 skipped"),
        "{}",
        output.stdout
    );

    // A tag that selects nothing in any collection given is a typo: exit 2, nothing sent,
    // like a `--step` that names nothing; the tags that exist are named.
    let report = fixture.path().join("nothing.json").display().to_string();
    for (tags, hint) in [
        (
            &["nothing"][..],
            "(the tags there are: `even`, `flaky`, `odd`)",
        ),
        (&["evn", "nothing"][..], "(did you mean `even`?)"),
    ] {
        let mut args = vec!["run", dir.as_str(), "--report-json", report.as_str()];
        args.extend(tags.iter().flat_map(|tag| ["--tag", *tag]));
        let output = runner(args);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(
            output.stderr.contains("select") && output.stderr.contains("no collection or step"),
            "{}",
            output.stderr
        );
        assert!(output.stderr.contains(hint), "{}", output.stderr);
        assert!(
            output.stderr.contains("nothing was sent"),
            "{}",
            output.stderr
        );
        // The report says the run was refused (README: exit codes), nothing else.
        let written = std::fs::read_to_string(&report).expect("the report is written");
        let written: Value = serde_json::from_str(&written).expect("JSON");
        assert_eq!(written["collections"][0]["name"], "runner run");
        assert_eq!(written["totals"]["passed"], 0);
    }

    // One of the tags selecting something is enough.
    let output = runner(["run", dir.as_str(), "--tag", "even", "--tag", "nothing"]);
    assert_eq!(output.code, 0, "{output:?}");

    // A shard that holds none of the tagged collections, while another does, has nothing to
    // do: that is not a failure (the other shard runs them).
    let output = runner(["run", dir.as_str(), "--tag", "even", "--shard", "1/2"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains(
            "note: no collection or step of shard 1/2 has the tag `even`; nothing to run"
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn list_shows_steps_inputs_environments_and_tags() {
    let output = runner(["list", "collections/emnify.yaml"]);
    assert_eq!(output.code, 0, "{output:?}");
    insta::assert_snapshot!(output.stdout, @r"
    collections/emnify.yaml
      EMnify — authenticate with an application token and list endpoints
      inputs:
        EMNIFY_APPLICATION_TOKEN (secret) — Application token created in the EMnify portal (Integrations → Application Tokens)
      environments:
        sandbox (default) — starts the EMnify sandbox
        production
      steps:
        1. Authenticate with the application token (authenticate)  POST {{base_url}}/api/v1/authenticate
        2. List endpoints (list-endpoints)  GET {{base_url}}/api/v1/endpoint
    ");
}

#[test]
fn an_interrupted_terminated_or_hung_up_run_exits_130_143_or_129_and_writes_what_ran() {
    use std::process::{Command, Stdio};
    let fixture = Fixture::new();
    let path = fixture.file(
        "slow.yaml",
        "name: Interrupted\nsteps:\n  - name: Quick\n    request: { url: \"{{SERVER}}/text\" }\n  - name: Slow\n    request: { url: \"{{SERVER}}/sleep/10000/{{key}}\", timeout: 60s }\n",
    );
    let second = fixture.file(
        "slow-too.yaml",
        &std::fs::read_to_string(&path).expect("written"),
    );
    // One collection (run on the main thread), then two with `--jobs 2` (one of them on a
    // worker thread of its own); Ctrl-C, then SIGTERM as CI systems send on cancel, then
    // SIGHUP as a closed terminal or SSH session sends.
    for (paths, jobs, signal, code) in [
        (vec![&path], "1", "-INT", 130),
        (vec![&path, &second], "2", "-TERM", 143),
        (vec![&path], "1", "-HUP", 129),
    ] {
        let key = format!("interrupt-{jobs}{signal}");
        let mut args = vec!["run".to_owned(), "--jobs".to_owned(), jobs.to_owned()];
        args.extend(paths.iter().map(|p| p.display().to_string()));
        args.extend(report_args(fixture.path()));
        args.extend(["--var".to_owned(), format!("key={key}")]);
        let child = crate::support::runner_command()
            .args(&args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runner starts");
        // Signalled once every collection's slow step is in flight (bounded: 30 s).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while crate::support::hits(&key) < paths.len() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // In flight a while, so that its time shows in whole milliseconds.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let output = child.wait_with_output().expect("exits");
        assert_eq!(output.status.code(), Some(code), "{output:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("(interrupted)"), "{stdout}");
        let report = validate_json_report(&read(fixture.path(), "report.json"));
        assert_eq!(report["interrupted"], true);
        for (index, _) in paths.iter().enumerate() {
            let collection = &report["collections"][index];
            assert_eq!(
                collection["steps"][0]["name"], "Quick",
                "--jobs {jobs}: {report}"
            );
            // The step in flight is there, as interrupted, and so is its collection.
            assert_eq!(collection["outcome"], "interrupted", "{report}");
            assert_eq!(collection["steps"][1]["name"], "Slow", "{report}");
            assert_eq!(collection["steps"][1]["outcome"], "interrupted", "{report}");
            // With its method and the time it ran, and its collection's time.
            assert_eq!(
                collection["steps"][1]["request"]["method"], "GET",
                "{report}"
            );
            assert!(
                collection["steps"][1]["duration_ms"].as_u64() > Some(0),
                "{report}"
            );
            assert!(collection["duration_ms"].as_u64() > Some(0), "{report}");
        }
        let html = read(fixture.path(), "report.html");
        assert!(
            html.contains("<span class=\"badge interrupted\">"),
            "{html}"
        );
        let name = match code {
            130 => "SIGINT",
            143 => "SIGTERM",
            _ => "SIGHUP",
        };
        let junit = read(fixture.path(), "report.xml");
        assert!(junit.contains(&format!("interrupted by {name}")), "{junit}");
        assert!(junit.contains("type=\"interrupted\""), "{junit}");
        let tap = read(fixture.path(), "report.tap");
        assert!(tap.contains("Bail out! interrupted"), "{tap}");
        assert!(tap.contains("not ok 2"), "{tap}");
    }
}

#[test]
fn a_step_interrupted_in_its_delay_is_reported_as_interrupted() {
    use std::process::{Command, Stdio};
    let fixture = Fixture::new();
    let key = "interrupt-delay";
    let path = fixture.file(
        "delay.yaml",
        &format!("name: Delayed\nsteps:\n  - name: Quick\n    request: {{ url: \"{{{{SERVER}}}}/hit/{key}\" }}\n  - name: Clean up\n    delay: 60s\n    request: {{ method: DELETE, url: \"{{{{SERVER}}}}/text\" }}\n"),
    );
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(report_args(fixture.path()));
    let mut child = crate::support::runner_command()
        .args(&args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runner starts");
    // Signalled once the first step's line is written: the second step is then in its wait
    // of a minute (bounded: 30 s).
    let stdout = child.stdout.take().expect("piped");
    let (done, quick) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut seen = String::new();
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("Quick") {
                let _ = done.send(());
            }
            seen.push_str(&line);
            seen.push('\n');
        }
        seen
    });
    let signalled_in_time = quick
        .recv_timeout(std::time::Duration::from_secs(30))
        .is_ok();
    // Well after the first step's line: the second step is in its 60 s delay by then, not
    // between the two (where it would be skipped, not interrupted).
    std::thread::sleep(std::time::Duration::from_millis(500));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().expect("exits");
    let stdout = reader.join().unwrap_or_default();
    assert!(signalled_in_time, "the first step never finished: {stdout}");
    assert_eq!(status.code(), Some(130), "{stdout}");
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    let steps = &report["collections"][0]["steps"];
    assert_eq!(steps[1]["name"], "Clean up", "{report}");
    assert_eq!(steps[1]["outcome"], "interrupted", "{report}");
    assert_eq!(steps[1]["request"]["method"], "DELETE", "{report}");
    // Where it is written, as every step that did not pass.
    assert_eq!(steps[1]["location"]["line"], 5, "{report}");
    let junit = read(fixture.path(), "report.xml");
    assert!(junit.contains("Clean up"), "{junit}");
}

/// `timeout` sends its signal to runner and again to runner's process group: the two,
/// microseconds apart, are one signal, and the `finally` steps run to their end.
#[test]
fn the_same_signal_sent_twice_at_once_is_one() {
    let fixture = Fixture::new();
    let key = "signal-doubled";
    let path = fixture.file(
        "doubled.yaml",
        "name: Doubled\nsteps:\n  - name: Slow\n    request: { url: \"{{SERVER}}/sleep/10000/{{key}}\", timeout: 60s }\nfinally:\n  - name: Slow clean up\n    request: { url: \"{{SERVER}}/sleep/500/{{key}}-cleanup\" }\n  - name: Last clean up\n    request: { url: \"{{SERVER}}/hit/{{key}}-last\" }\n",
    );
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(report_args(fixture.path()));
    args.extend(["--var".to_owned(), format!("key={key}")]);
    let (code, stdout, stderr) = signalled_run_apart(
        &args,
        &[("-TERM", key, 1), ("-TERM", key, 1)],
        std::time::Duration::ZERO,
    );
    assert_eq!(code, Some(143), "{stdout}{stderr}");
    assert_eq!(crate::support::hits(&format!("{key}-last")), 1, "{stdout}");
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    let outcomes: Vec<_> = report["collections"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes,
        [Some("interrupted"), Some("passed"), Some("passed")],
        "{report}"
    );
}

#[test]
fn an_interrupt_during_the_finally_steps_lets_them_finish() {
    let fixture = Fixture::new();
    let key = "interrupt-in-finally";
    let path = fixture.file(
        "finishing.yaml",
        "name: Finishing\nsteps:\n  - name: Quick\n    request: { url: \"{{SERVER}}/text\" }\nfinally:\n  - name: Slow clean up\n    request: { url: \"{{SERVER}}/sleep/1500/{{key}}\" }\n  - name: Last clean up\n    request: { url: \"{{SERVER}}/hit/{{key}}-last\" }\n",
    );
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(report_args(fixture.path()));
    args.extend(["--var".to_owned(), format!("key={key}")]);
    let (code, stdout, stderr) = signalled_run(&args, &[("-INT", key, 1)]);
    assert_eq!(code, Some(130), "{stdout}{stderr}");
    assert_eq!(crate::support::hits(&format!("{key}-last")), 1, "{stdout}");
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    let collection = &report["collections"][0];
    assert_eq!(collection["outcome"], "interrupted", "{report}");
    let outcomes: Vec<_> = collection["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, [Some("passed"); 3], "{report}");
}

/// Starts `runner run` with `args`, and sends it `signals` one after another, each once
/// `hits(key)` reaches its count (bounded: 30 s each) and a second after the one before (a
/// signal within 250 ms of the first runner hears is the same one sent again, as `timeout`
/// does; a second leaves room for a runner slow to hear the first); its exit code, stdout and
/// stderr.
fn signalled_run(
    args: &[String],
    signals: &[(&str, &str, usize)],
) -> (Option<i32>, String, String) {
    signalled_run_apart(args, signals, std::time::Duration::from_secs(1))
}

/// [`signalled_run`], each signal at least `apart` after the one before; with `apart` zero,
/// every signal (all the same one) is sent by one `kill`, once the first's count is reached,
/// as `timeout` sends its two: microseconds apart, however loaded the machine.
fn signalled_run_apart(
    args: &[String],
    signals: &[(&str, &str, usize)],
    apart: std::time::Duration,
) -> (Option<i32>, String, String) {
    use std::process::{Command, Stdio};
    let child = crate::support::runner_command()
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runner starts");
    let mut before: Option<std::time::Instant> = None;
    for (signal, key, count) in signals {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while crate::support::hits(key) < *count && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        if before.is_none() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        if apart.is_zero() {
            let pid = child.id().to_string();
            let _ = Command::new("kill")
                .arg(signal)
                .args(signals.iter().map(|_| &pid))
                .status();
            break;
        }
        if let Some(wait) = before.and_then(|at| apart.checked_sub(at.elapsed())) {
            std::thread::sleep(wait);
        }
        before = Some(std::time::Instant::now());
        let _ = Command::new("kill")
            .args([*signal, &child.id().to_string()])
            .status();
    }
    let output = child.wait_with_output().expect("exits");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_interrupt_ends_the_step_in_flight_where_it_is_written_and_still_runs_finally() {
    let fixture = Fixture::new();
    let key = "interrupt-finally";
    let path = fixture.file(
        "cleanup.yaml",
        "name: Cleanup\nsteps:\n  - name: Quick\n    request: { url: \"{{SERVER}}/text\" }\n  - name: Slow\n    request: { url: \"{{SERVER}}/sleep/10000/{{key}}?token={{token}}\", timeout: 60s }\n  - name: Never\n    request: { url: \"{{SERVER}}/text\" }\nfinally:\n  - name: Clean up\n    request: { url: \"{{SERVER}}/hit/{{key}}-cleanup\" }\n",
    );
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(report_args(fixture.path()));
    args.extend(["--var".to_owned(), format!("key={key}")]);
    args.extend([
        "--secret".to_owned(),
        "token=Zq8-interrupt-secret".to_owned(),
    ]);
    // SIGTERM, as CI systems send when they cancel a job.
    let (code, stdout, stderr) = signalled_run(&args, &[("-TERM", key, 1)]);
    assert_eq!(code, Some(143), "{stdout}{stderr}");
    assert!(stderr.contains("the `finally` steps still run"), "{stderr}");
    // The cleanup was sent.
    assert_eq!(
        crate::support::hits(&format!("{key}-cleanup")),
        1,
        "{stdout}"
    );
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    assert_eq!(report["interrupted"], true, "{report}");
    let collection = &report["collections"][0];
    assert_eq!(collection["outcome"], "interrupted", "{report}");
    let steps = collection["steps"].as_array().expect("steps");
    let outcomes: Vec<_> = steps
        .iter()
        .map(|s| (s["name"].as_str(), s["outcome"].as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Some("Quick"), Some("passed")),
            (Some("Slow"), Some("interrupted")),
            (Some("Never"), Some("skipped")),
            (Some("Clean up"), Some("passed")),
        ],
        "{report}"
    );
    // The step cut short says where it is written and what it was sending, masked.
    let slow = &steps[1];
    assert_eq!(slow["location"]["line"], 5, "{report}");
    let url = slow["request"]["url"].as_str().unwrap_or_default();
    assert!(
        url.contains("/sleep/10000/") && url.ends_with("token=***"),
        "{report}"
    );
    assert_eq!(
        steps[2]["skip_reason"], "the run was interrupted",
        "{report}"
    );
    assert!(stdout.contains("cleanup.yaml:6"), "{stdout}");
    for file in ["report.json", "report.xml", "report.tap", "report.html"] {
        let text = read(fixture.path(), file);
        assert!(!text.contains("Zq8-interrupt-secret"), "{file}: {text}");
    }
    let tap = read(fixture.path(), "report.tap");
    assert!(tap.contains("# SKIP the run was interrupted"), "{tap}");
    assert!(tap.contains("Bail out! interrupted"), "{tap}");
}

#[test]
fn collections_not_begun_at_an_interrupt_are_reported_skipped_and_send_nothing() {
    let fixture = Fixture::new();
    let key = "interrupt-queue";
    let slow = fixture.file(
        "first.yaml",
        "name: First\nsteps:\n  - name: Slow\n    request: { url: \"{{SERVER}}/sleep/10000/{{key}}\", timeout: 60s }\n",
    );
    let second = fixture.file(
        "second.yaml",
        "name: Second\nsteps:\n  - name: Log in\n    request: { url: \"{{SERVER}}/hit/{{key}}-second\" }\n  - name: Read\n    request: { url: \"{{SERVER}}/hit/{{key}}-second\" }\nfinally:\n  - name: Log out\n    request: { url: \"{{SERVER}}/hit/{{key}}-second-finally\" }\n",
    );
    let third = fixture.file(
        "third.yaml",
        "name: Third\nsteps:\n  - name: Never\n    request: { url: \"{{SERVER}}/hit/{{key}}-third\" }\n",
    );
    let mut args = vec!["run".to_owned(), "--jobs".to_owned(), "1".to_owned()];
    args.extend([&slow, &second, &third].map(|path| path.display().to_string()));
    args.extend(report_args(fixture.path()));
    args.extend(["--var".to_owned(), format!("key={key}")]);
    let (code, stdout, stderr) = signalled_run(&args, &[("-INT", key, 1)]);
    assert_eq!(code, Some(130), "{stdout}{stderr}");
    // Nothing of the collections not begun was sent, not even their `finally` steps.
    for hit in ["second", "second-finally", "third"] {
        assert_eq!(crate::support::hits(&format!("{key}-{hit}")), 0, "{stdout}");
    }
    let reason = "the run was interrupted";

    // JSON: each collection, in order; those not begun with every step skipped, and placed.
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    let collections = report["collections"].as_array().expect("collections");
    let names: Vec<_> = collections.iter().map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names,
        [Some("First"), Some("Second"), Some("Third")],
        "{report}"
    );
    let steps = |c: &Value| -> Vec<(String, String, String, u64)> {
        c["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| {
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                (
                    text(&s["name"]),
                    text(&s["outcome"]),
                    text(&s["skip_reason"]),
                    s["location"]["line"].as_u64().unwrap_or_default(),
                )
            })
            .collect()
    };
    let skipped = |name: &str, line: u64| {
        (
            name.to_owned(),
            "skipped".to_owned(),
            reason.to_owned(),
            line,
        )
    };
    assert_eq!(
        steps(&collections[1]),
        [
            skipped("Log in", 3),
            skipped("Read", 5),
            skipped("Log out", 8)
        ],
        "{report}"
    );
    assert_eq!(steps(&collections[2]), [skipped("Never", 3)], "{report}");
    for collection in &collections[1..] {
        assert_eq!(collection["outcome"], "interrupted", "{report}");
    }
    assert_eq!(report["totals"]["collections"], 3, "{report}");
    assert_eq!(report["totals"]["skipped"], 4, "{report}");
    assert_eq!(report["totals"]["errored"], 1, "{report}");

    // JUnit: a suite each, its cases skipped for that reason.
    let junit = read(fixture.path(), "report.xml");
    assert!(
        junit.contains(r#"<testsuites name="runner" tests="5" failures="0" errors="1""#),
        "{junit}"
    );
    for (suite, count) in [("Second", 3), ("Third", 1)] {
        let at = junit
            .find(&format!("<testsuite name=\"{suite}\""))
            .unwrap_or_else(|| panic!("no suite {suite}: {junit}"));
        let end = at + junit[at..].find("</testsuite>").expect("suite end");
        let text = &junit[at..end];
        assert!(text.contains(&format!(r#"skipped="{count}""#)), "{text}");
        assert_eq!(
            text.matches(&format!(r#"<skipped message="{reason}"/>"#))
                .count(),
            count,
            "{text}"
        );
    }

    // TAP: a test point each, skipped for that reason.
    let tap = read(fixture.path(), "report.tap");
    assert!(tap.starts_with("TAP version 13\n1..5\n"), "{tap}");
    for point in [
        "ok 2 - Second › Log in # SKIP the run was interrupted",
        "ok 3 - Second › Read # SKIP the run was interrupted",
        "ok 4 - Second › Log out # SKIP the run was interrupted",
        "ok 5 - Third › Never # SKIP the run was interrupted",
    ] {
        assert!(tap.lines().any(|line| line == point), "{point}: {tap}");
    }

    // The terminal lists them too, and counts them.
    assert!(
        stdout.contains("Third") && stdout.contains("- Never skipped: the run was interrupted"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 1 failed, 4 skipped"), "{stdout}");
}

#[test]
fn a_second_interrupt_stops_the_finally_steps_at_once() {
    let fixture = Fixture::new();
    let key = "interrupt-twice";
    let path = fixture.file(
        "twice.yaml",
        "name: Twice\nsteps:\n  - name: Slow\n    request: { url: \"{{SERVER}}/sleep/10000/{{key}}\", timeout: 60s }\nfinally:\n  - name: Slow clean up\n    request: { url: \"{{SERVER}}/sleep/10000/{{key}}-cleanup\", timeout: 60s }\n  - name: Last\n    request: { url: \"{{SERVER}}/text\" }\n",
    );
    let queued = fixture.file(
        "queued.yaml",
        "name: Queued\nsteps:\n  - name: Never\n    request: { url: \"{{SERVER}}/hit/{{key}}-queued\" }\n",
    );
    let mut args = vec![
        "run".to_owned(),
        "--jobs".to_owned(),
        "1".to_owned(),
        path.display().to_string(),
        queued.display().to_string(),
    ];
    args.extend(report_args(fixture.path()));
    args.extend(["--var".to_owned(), format!("key={key}")]);
    let cleanup = format!("{key}-cleanup");
    let started = std::time::Instant::now();
    let (code, stdout, stderr) =
        signalled_run(&args, &[("-INT", key, 1), ("-INT", cleanup.as_str(), 1)]);
    assert_eq!(code, Some(130), "{stdout}{stderr}");
    // Neither ten-second sleep was waited out.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{stdout}"
    );
    let report = validate_json_report(&read(fixture.path(), "report.json"));
    let steps = &report["collections"][0]["steps"];
    assert_eq!(steps[0]["outcome"], "interrupted", "{report}");
    assert_eq!(steps[1]["name"], "Slow clean up", "{report}");
    assert_eq!(steps[1]["outcome"], "interrupted", "{report}");
    assert_eq!(steps.as_array().map(Vec::len), Some(2), "{report}");
    // The `finally` step cut short says, as the step the first signal cut short, what it was
    // sending and where it is written, in every report.
    for step in [&steps[0], &steps[1]] {
        let url = step["request"]["url"].as_str().unwrap_or_default();
        assert!(url.contains("/sleep/10000/"), "{report}");
    }
    assert_eq!(steps[1]["location"]["line"], 6, "{report}");
    assert_eq!(steps[1]["error_location"]["line"], 7, "{report}");
    let junit = read(fixture.path(), "report.xml");
    assert!(
        junit.contains("twice.yaml:7:") && junit.contains(&format!("/sleep/10000/{key}-cleanup")),
        "{junit}"
    );
    let tap = read(fixture.path(), "report.tap");
    assert!(
        tap.contains(&format!("/sleep/10000/{key}-cleanup")) && tap.contains("line: 7"),
        "{tap}"
    );
    assert!(stdout.contains("twice.yaml:7:"), "{stdout}");
    // The collection that had not begun is listed, skipped, and nothing of it was sent.
    let queued = &report["collections"][1];
    assert_eq!(queued["name"], "Queued", "{report}");
    assert_eq!(queued["steps"][0]["outcome"], "skipped", "{report}");
    assert_eq!(
        queued["steps"][0]["skip_reason"], "the run was interrupted",
        "{report}"
    );
    assert_eq!(
        crate::support::hits(&format!("{key}-queued")),
        0,
        "{stdout}"
    );
    // The terminal prints the `finally` step cut short like any step interrupted, in its
    // collection's place, before the collection not begun.
    let line = "  ✗ Slow clean up";
    let at = stdout.find(line).unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        stdout[at..].contains("error: interrupted by SIGINT before the step ended"),
        "{stdout}"
    );
    assert!(at < stdout.find("Queued").unwrap_or_default(), "{stdout}");
    assert!(
        stdout.contains("- Never skipped: the run was interrupted"),
        "{stdout}"
    );
}

#[test]
fn a_progress_line_shows_on_a_terminal_for_long_runs_only() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "long.yaml",
        "name: Long\nsteps:\n  - name: Sleeping\n    request: { url: \"{{SERVER}}/sleep/1600\" }\n",
    );
    // Not a terminal: never.
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(!output.stderr.contains("[0/1]"), "{}", output.stderr);
    // A terminal (script(1) gives the process a pseudo-terminal): after about a second.
    let command = format!(
        "{} run {} --color never",
        env!("CARGO_BIN_EXE_runner"),
        path.display()
    );
    let Ok(output) = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
    else {
        eprintln!("script(1) is not installed; skipping the terminal half of this test");
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("[0/1] Long › Sleeping"), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

/// Reads a TAP file with Perl's `TAP::Parser` (what `prove` runs, the reference reader of TAP
/// 13) and prints, as JSON, its counts, its parse errors and every YAML diagnostic it read.
const PERL_TAP_READER: &str = r#"
use strict; use warnings; use TAP::Parser; use JSON::PP;
open my $fh, '<:encoding(UTF-8)', $ARGV[0] or die "$ARGV[0]: $!";
my $tap = do { local $/; <$fh> };
my $parser = TAP::Parser->new({ tap => $tap });
my (@yaml, @other);
while (my $result = $parser->next) {
    push @yaml, $result->data if $result->is_yaml;
    push @other, $result->as_string if $result->is_unknown;
}
print JSON::PP->new->canonical->utf8->encode({
    planned => 0 + $parser->tests_planned, run => 0 + $parser->tests_run,
    passed => scalar($parser->passed), failed => scalar($parser->failed),
    skipped => scalar($parser->skipped), errors => [$parser->parse_errors],
    unknown => \@other, yaml => \@yaml,
});
"#;

#[test]
fn perls_tap_parser_reads_every_test_point_and_diagnostic_as_written() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "tap.yaml",
        r#"name: "TAP # readers"
vars: { state: pending }
steps:
  - name: "Two failures \\ \"quoted\""
    request: { method: POST, url: "{{SERVER}}/echo", json: { text: "line one\nline two \"q\" \\ \u0007 \u2028 é" } }
    expect:
      status: 201
      jsonpath:
        $.json.text: "expected \"quoted\" \\ value\nover two lines"
  - name: only in prod
    when: { "{{state}}\nBail out! not really": prod }
    request: { url: "{{SERVER}}/text" }
  - name: only when ready
    when:
      "{{state}}":
        matches: |
          (?x) ^ready$   # a verbose regex ends in a new line
    request: { url: "{{SERVER}}/text" }
  - name: passes
    request: { url: "{{SERVER}}/text" }
"#,
    );
    let tap_file = fixture.path().join("r.tap");
    let json_file = fixture.path().join("r.json");
    let output = runner([
        "run",
        &path.display().to_string(),
        "--continue-on-failure",
        "--report-tap",
        &tap_file.display().to_string(),
        "--report-json",
        &json_file.display().to_string(),
    ]);
    assert_eq!(output.code, 1, "{output:?}");
    let tap = read(fixture.path(), "r.tap");
    let perl = std::process::Command::new("perl")
        .args(["-e", PERL_TAP_READER])
        .arg(&tap_file)
        .output()
        .expect("perl runs (apt-get install perl: TAP::Parser is in its modules)");
    assert!(
        perl.status.success(),
        "{}",
        String::from_utf8_lossy(&perl.stderr)
    );
    let read: Value = serde_json::from_slice(&perl.stdout).expect("the reader prints JSON");
    assert_eq!(read["errors"], serde_json::json!([]), "{tap}");
    assert_eq!(read["unknown"], serde_json::json!([]), "{tap}");
    assert_eq!(
        (
            &read["planned"],
            &read["run"],
            &read["failed"],
            &read["skipped"]
        ),
        (&4.into(), &4.into(), &1.into(), &2.into()),
        "{tap}"
    );
    // The diagnostic holds what the JSON report holds, key for key, nothing moved or lost.
    let report = validate_json_report(&read_text(&json_file));
    let step = &report["collections"][0]["steps"][0];
    let diagnostic = &read["yaml"][0];
    assert_eq!(read["yaml"].as_array().map(Vec::len), Some(1), "{tap}");
    assert_eq!(diagnostic["severity"], "fail", "{tap}");
    assert_eq!(
        diagnostic["duration_ms"],
        step["duration_ms"].to_string(),
        "{tap}"
    );
    assert_eq!(diagnostic["at"]["line"], "4", "{tap}");
    let failures = diagnostic["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 2, "{tap}");
    for (read, written) in failures
        .iter()
        .zip(step["failures"].as_array().expect("failures"))
    {
        for key in ["subject", "expected", "actual"] {
            // A line separator is written `\u2028`, which YAML decodes and Perl's reader keeps.
            let written = written[key]
                .as_str()
                .map(|w| w.replace('\u{2028}', "\\u2028"));
            assert_eq!(read[key].as_str(), written.as_deref(), "{key} in {tap}");
        }
        assert_eq!(
            read["at"]["line"],
            written["location"]["line"].to_string(),
            "{tap}"
        );
    }
    let expected = failures[1]["expected"].as_str().unwrap_or_default();
    assert!(expected.contains(r#"\"quoted\" \\ value\nover"#), "{tap}");
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_collection_run_too_large_for_the_page_shows_its_failing_rows_with_details() {
    let fixture = Fixture::new();
    // 300 failing steps with a 64 KiB body each: more than the page holds.
    let items: Vec<String> = (0..300).map(|n| n.to_string()).collect();
    let path = fixture.file(
        "large.yaml",
        &format!(
            "name: Large\nsteps:\n  - name: big\n    for_each: [{}]\n    request: {{ url: \"{{{{SERVER}}}}/big\" }}\n    expect: {{ status: 201 }}\n",
            items.join(", ")
        ),
    );
    let html = fixture.path().join("report.html");
    let output = runner([
        "run",
        &path.display().to_string(),
        "--continue-on-failure",
        "--report-html",
        &html.display().to_string(),
    ]);
    assert_eq!(output.code, 1, "{output:?}");
    let page = read(fixture.path(), "report.html");
    assert!(page.len() < 17 << 20, "{} bytes", page.len());
    assert!(!page.contains("not shown</h2>"), "the run is hidden");
    // Every failing row is shown and linked, each with its request and response, some of
    // them cut short; and the page says what it left out and where it is.
    assert_eq!(page.matches("<tr class=\"failed\"").count(), 300);
    assert_eq!(page.matches("<li><a href=\"#c0-s").count(), 300);
    let details = page.matches("<details open>").count();
    assert_eq!(details, 300);
    assert!(page.contains("bytes not kept"), "no body cut short");
    assert!(page.contains("too large to show whole"), "no note");
    assert!(page.contains("The JSON report has every step"), "no note");
    // A long name or URL wraps rather than widening the page.
    let style = &page[page.find("<style>").unwrap_or(0)..page.find("</style>").unwrap_or(0)];
    let body = style
        .lines()
        .find(|l| l.starts_with("body {"))
        .unwrap_or_default();
    assert!(body.contains("overflow-wrap: anywhere"), "{body}");
}
