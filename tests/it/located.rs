//! Runtime failures point at the line: the terminal, every report, GitHub annotations and
//! GitLab's Code Quality report carry `file:line:col` of the expectation that failed — inside
//! an included file too.

use serde_json::Value;

use crate::support::{runner_with_env, Fixture};

/// Line 7 holds `status: 201`; line 9 the JSONPath `$.missing` (columns: the value).
const FAILING: &str = r#"name: Located
steps:
  - name: List items
    request:
      url: "{{SERVER}}/items"
    expect:
      status: 201
      jsonpath:
        $.missing: { exists: true }
"#;

fn run(
    fixture: &Fixture,
    yaml_file: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> crate::support::Output {
    let mut all = vec![
        "run".to_owned(),
        fixture.path().join(yaml_file).display().to_string(),
    ];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    runner_with_env(all, env)
}

#[test]
fn a_failing_expectation_shows_its_line_in_the_terminal_and_every_report() {
    let fixture = Fixture::new();
    let path = fixture.file("located.yaml", FAILING);
    let file = path.display().to_string();
    let dir = fixture.path();
    let out = |name: &str| dir.join(name).display().to_string();
    let output = run(
        &fixture,
        "located.yaml",
        &[
            "--report-json",
            &out("r.json"),
            "--report-junit",
            &out("r.xml"),
            "--report-tap",
            &out("r.tap"),
            "--report-html",
            &out("r.html"),
        ],
        &[],
    );
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains(&format!("--> {file}:7:15")),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("7 |       status: 201"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(&format!("--> {file}:9:20")),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(&format!("✗ {file}:7 › List items")),
        "{}",
        output.stdout
    );

    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("written");
    let json: Value = serde_json::from_str(&read("r.json")).expect("JSON");
    assert_eq!(json["version"], 2);
    let failures = &json["collections"][0]["steps"][0]["failures"];
    assert_eq!(failures[0]["location"]["file"], file.as_str(), "{failures}");
    assert_eq!(failures[0]["location"]["line"], 7, "{failures}");
    assert_eq!(failures[0]["location"]["column"], 15, "{failures}");
    assert_eq!(failures[1]["location"]["line"], 9, "{failures}");
    assert_eq!(json["collections"][0]["steps"][0]["location"]["line"], 3);

    let junit = read("r.xml");
    assert!(junit.contains(&format!("{file}:7:15")), "{junit}");
    crate::junit_schema::assert_valid(&dir.join("r.xml"));
    let tap = read("r.tap");
    assert!(
        tap.contains("line: 7") && tap.contains("column: 15"),
        "{tap}"
    );
    let html = read("r.html");
    assert!(html.contains(&format!("--&gt; {file}:7:15")), "{html}");
}

#[test]
fn a_failure_inside_an_included_file_points_into_it() {
    let fixture = Fixture::new();
    fixture.file("shared.yaml", FAILING);
    fixture.file(
        "main.yaml",
        "name: Main\nsteps:\n  - name: Shared flow\n    include: shared.yaml\n",
    );
    let output = run(&fixture, "main.yaml", &[], &[]);
    assert_eq!(output.code, 1, "{output:?}");
    let shared = fixture.path().join("shared.yaml").display().to_string();
    assert!(
        output.stdout.contains(&format!("--> {shared}:7:15")),
        "{}",
        output.stdout
    );
}

/// One GitHub workflow command, read as GitHub reads it: `::error k=v,k=v::message`, with
/// `%25`, `%0D`, `%0A` (and in properties `%3A`, `%2C`) undone.
fn parse_command(line: &str) -> (String, std::collections::BTreeMap<String, String>, String) {
    let unescape = |text: &str| {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, message) = rest.split_once("::").expect("command::message");
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_owned(), unescape(v))
        })
        .collect();
    (command.to_owned(), properties, unescape(message))
}

#[test]
fn github_annotations_point_at_the_line_and_cannot_be_broken_by_a_response() {
    let fixture = Fixture::new();
    // A failure whose text holds a line break and what looks like another command.
    fixture.file(
        "gh.yaml",
        r#"name: GitHub, annotated
steps:
  - name: List items
    request:
      url: "{{SERVER}}/items"
    expect:
      status: 201
      body: { equals: "a,b: 50%\n::warning::injected" }
"#,
    );
    let summary = fixture.path().join("summary.md");
    let summary_text = summary.display().to_string();
    let output = run(
        &fixture,
        "gh.yaml",
        &[],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_WORKSPACE", &fixture.path().display().to_string()),
            ("GITHUB_STEP_SUMMARY", &summary_text),
        ],
    );
    assert_eq!(output.code, 1, "{output:?}");
    let commands: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| l.starts_with("::"))
        .collect();
    assert_eq!(commands.len(), 2, "one per failure:\n{}", output.stdout);
    let (command, properties, message) = parse_command(commands[0]);
    assert_eq!(command, "error");
    assert_eq!(properties["file"], "gh.yaml", "relative to the workspace");
    assert_eq!(properties["line"], "7");
    assert_eq!(properties["col"], "15");
    assert_eq!(properties["title"], "GitHub, annotated › List items");
    assert!(
        message.starts_with("status: expected 201, got "),
        "{message}"
    );
    let (_, properties, message) = parse_command(commands[1]);
    assert_eq!(properties["line"], "8");
    assert!(
        message.contains("a,b: 50%\\n::warning::injected"),
        "{message}"
    );
    let summary = std::fs::read_to_string(&summary).expect("the step summary is written");
    assert!(summary.contains("| 0 | 1 | 0 | 0 |"), "{summary}");
    assert!(summary.contains("| gh.yaml:7 |"), "{summary}");

    // A path that holds Markdown's table and code marks stays in its cell, as text.
    let text = std::fs::read_to_string(fixture.path().join("gh.yaml")).expect("written");
    fixture.file("p|i`pe.yaml", &text);
    let summary = fixture.path().join("summary.md");
    std::fs::remove_file(&summary).expect("removed");
    run(
        &fixture,
        "p|i`pe.yaml",
        &[],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_WORKSPACE", &fixture.path().display().to_string()),
            ("GITHUB_STEP_SUMMARY", &summary_text),
        ],
    );
    let summary = std::fs::read_to_string(&summary).expect("the step summary is written");
    let row = summary
        .lines()
        .find(|l| l.contains("List items"))
        .expect("a row");
    assert!(row.contains("| p\\|i\\`pe.yaml:7 |"), "{row}");
    assert_eq!(
        row.replace("\\|", "").matches('|').count(),
        4,
        "three cells: {row}"
    );

    // Not in GitHub Actions, and no report asked for: no annotations.
    let output = run(&fixture, "gh.yaml", &[], &[]);
    assert!(!output.stdout.contains("::error"), "{}", output.stdout);
}

#[test]
fn the_gitlab_code_quality_report_has_the_fields_gitlab_reads() {
    let fixture = Fixture::new();
    fixture.file("gl.yaml", FAILING);
    let report = fixture.path().join("cq.json");
    let output = run(
        &fixture,
        "gl.yaml",
        &[
            "--report",
            &format!("gitlab-codequality={}", report.display()),
        ],
        &[("CI_PROJECT_DIR", &fixture.path().display().to_string())],
    );
    assert_eq!(output.code, 1, "{output:?}");
    let issues: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("written")).expect("JSON");
    let issues = issues.as_array().expect("an array of issues");
    assert_eq!(issues.len(), 2, "{issues:?}");
    let mut fingerprints = std::collections::HashSet::new();
    for issue in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field}: {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap_or("")),
            "{issue}"
        );
        assert!(
            fingerprints.insert(issue["fingerprint"].to_string()),
            "unique: {issue}"
        );
        assert_eq!(issue["location"]["path"], "gl.yaml", "{issue}");
    }
    assert_eq!(issues[0]["location"]["lines"]["begin"], 7);
    assert_eq!(issues[1]["location"]["lines"]["begin"], 9);

    let refused = run(&fixture, "gl.yaml", &["--report", "sonar"], &[]);
    assert_eq!(refused.code, 2, "{refused:?}");
}

/// A variable that did not render when its step ran (a path into a capture that is not
/// there, given to a helper) is marked at its `{{…}}`, named as the variable, in the
/// terminal and the JSON report.
/// `--vars-file` and `--var` are held to the rules of a collection's `vars` and of `--data`'s
/// columns: a name that is not a variable name or is runner's own, a number JSON cannot hold
/// and a key written twice are refused (exit 2, nothing sent), each vars file's problem at its
/// line and column.
#[test]
fn vars_files_and_var_follow_the_rules_of_vars_and_data() {
    let fixture = Fixture::new();
    fixture.file(
        "c.yaml",
        "name: c\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:9/\" }\n",
    );
    let validate = |extra: &[&str]| {
        let mut args = vec![
            "validate".to_owned(),
            fixture.path().join("c.yaml").display().to_string(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        runner_with_env(args, &[])
    };
    let names = ["a b", "env", "steps", "sandbox", "x.y", "é"];
    for (i, name) in names.iter().enumerate() {
        // In a vars file, on its second line.
        let file = fixture
            .file(&format!("n{i}.yaml"), &format!("ok: 1\n\"{name}\": 2\n"))
            .display()
            .to_string();
        let output = validate(&["--vars-file", &file]);
        assert_eq!(output.code, 2, "{name}: {output:?}");
        assert!(
            output.stderr.contains(&format!("vars file {file}:2:"))
                && output.stderr.contains(&format!("`{name}`")),
            "{name}: {}",
            output.stderr
        );
        let output = validate(&["--var", &format!("{name}=x")]);
        assert_eq!(output.code, 2, "{name}: {output:?}");
        assert!(
            output.stderr.contains(&format!("`{name}`")),
            "{name}: {}",
            output.stderr
        );
    }
    let values = [
        ("x: .nan\n", "`.nan`", 1),
        ("a: 1\nx: .inf\n", "`.inf`", 2),
        ("a: 1\nx: { y: [1, -.inf] }\n", "`-.inf`", 2),
        ("x: 1\nx: 2\n", "duplicate key `x`", 2),
        ("a: 1\nx: { y: 1, y: 2 }\n", "duplicate key `y`", 2),
        ("{\"a\": 1,\n \"a\": 2}\n", "duplicate key `a`", 2),
        (
            "b: &b { y: 1 }\nx:\n  <<: *b\n",
            "`<<` in `x` is a YAML merge key",
            3,
        ),
    ];
    for (i, (text, says, line)) in values.iter().enumerate() {
        let file = fixture
            .file(&format!("v{i}.yaml"), text)
            .display()
            .to_string();
        let output = validate(&["--vars-file", &file]);
        assert_eq!(output.code, 2, "{text}: {output:?}");
        assert!(
            output.stderr.contains(&format!("vars file {file}:{line}:"))
                && output.stderr.contains(says),
            "{text}: {}",
            output.stderr
        );
    }
    let file = fixture
        .file("good.yaml", "a: 1\nb-c_2: [1, 2]\n")
        .display()
        .to_string();
    let output = validate(&["--vars-file", &file, "--var", "d=1"]);
    assert_eq!(output.code, 0, "{output:?}");
}

/// A URL that its rendered text cannot build (a `base_url` without a scheme, or empty) is a
/// rendering failure as a missing variable is: exit 1, as README's table says, and nothing
/// is sent.
#[test]
fn a_url_that_cannot_be_built_from_its_text_is_a_rendering_failure() {
    let fixture = Fixture::new();
    fixture.file(
        "url.yaml",
        "name: Url\nvars: { base_url: 12345 }\nsteps:\n  - name: A\n    request: { url: \"{{base_url}}/a\" }\n",
    );
    for (var, shown) in [
        (None, "`12345/a` is not a valid URL"),
        (Some("base_url="), "`/a` is not a valid URL"),
        (Some("base_url=http://[::1"), "is not a valid URL"),
    ] {
        let mut args = vec![
            "--report-json".to_owned(),
            fixture.path().join("r.json").display().to_string(),
        ];
        if let Some(var) = var {
            args.extend(["--var".to_owned(), var.to_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&fixture, "url.yaml", &args, &[]);
        assert_eq!(output.code, 1, "{var:?}: {output:?}");
        assert!(output.stdout.contains(shown), "{var:?}: {}", output.stdout);
        assert!(
            output.stdout.contains("url.yaml:5:21"),
            "{var:?}: {}",
            output.stdout
        );
        let json: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture.path().join("r.json")).expect("written"),
        )
        .expect("JSON");
        assert_eq!(
            json["collections"][0]["steps"][0]["outcome"], "failed",
            "{json}"
        );
    }
}

#[test]
fn a_variable_that_does_not_render_is_marked_at_its_braces() {
    let fixture = Fixture::new();
    let server = format!("http://{}", crate::support::server());
    fixture.file(
        "render.yaml",
        &r#"name: Render
steps:
  - name: Capture
    request: { url: "SERVER/paged-json" }
    capture: { first: "$.items[0]" }
  - name: Read a path it does not have
    request: { url: "SERVER/paged-json?j={{json first.nope}}&q={{urlencode first.nope}}" }
"#
        .replace("SERVER", &server),
    );
    let report = fixture.path().join("r.json");
    let output = run(
        &fixture,
        "render.yaml",
        &["--report-json", &report.display().to_string()],
        &[],
    );
    assert_eq!(output.code, 1, "{output:?}");
    let file = fixture.path().join("render.yaml").display().to_string();
    // `    request: { url: "` is 21 characters, then the URL before `{{json`.
    let column = 22 + server.len() + "/paged-json?j=".len();
    assert!(
        output.stdout.contains("undefined variable `first.nope`")
            && !output.stdout.contains("param with name"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(&format!("--> {file}:7:{column}")),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(&format!(
            "{}{}\n",
            " ".repeat(column - 1),
            "^".repeat("{{json first.nope}}".len())
        )),
        "{}",
        output.stdout
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(report).expect("written")).expect("JSON");
    assert_eq!(
        json["collections"][0]["steps"][1]["error_location"]["column"], column,
        "{json}"
    );
}

/// A start value a header cannot carry (a line break from a `--data` cell or a `--var`, in a
/// header, a cookie, a bearer token or an API key) is refused before the iteration sends
/// anything, at the `{{…}}` that reads it, without showing the value; `validate --data`
/// finds it too. The same value in a body or a query is sent (it is encoded there).
#[test]
fn a_value_a_header_cannot_carry_is_refused_before_anything_is_sent() {
    let fixture = Fixture::new();
    let server = crate::support::server();
    let collection = fixture.file(
        "two.yaml",
        &format!(
            "name: two\nsteps:\n  - name: create\n    request: {{ method: POST, url: \"http://{server}/hit/header-cr-create\", json: {{ v: \"{{{{v}}}}\" }} }}\n  - name: tag\n    request:\n      url: \"http://{server}/hit/header-cr-tag\"\n      headers: {{ X-V: \"{{{{v}}}}\" }}\n"
        ),
    );
    let collection = collection.display().to_string();
    let rows = fixture.file("rows.csv", "v\n\"evil\r\nX-Injected: yes\"\n");
    let rows = rows.display().to_string();
    for (args, code) in [
        (vec!["run", &collection, "--data", &rows], 2),
        (vec!["validate", &collection, "--data", &rows], 2),
        (vec!["run", &collection, "--var", "v=a\u{7f}b"], 2),
    ] {
        let before = crate::support::hits("header-cr-create");
        let output = runner_with_env(&args, &[]);
        assert_eq!(output.code, code, "{args:?}: {output:?}");
        assert!(
            output
                .stderr
                .contains("which a header cannot carry: the request cannot be sent")
                && output.stderr.contains("two.yaml:8:")
                && !output.stderr.contains("evil")
                && !output.stderr.contains("Injected"),
            "{args:?}: {}",
            output.stderr
        );
        assert_eq!(
            crate::support::hits("header-cr-create"),
            before,
            "{args:?}: nothing sent"
        );
    }
    // In a body only, or encoded by a helper, the value is sent.
    let body_only = fixture.file(
        "body.yaml",
        &format!(
            "name: body\nsteps:\n  - name: create\n    request: {{ method: POST, url: \"http://{server}/hit/header-cr-body\", json: {{ request: {{ headers: \"{{{{v}}}}\" }} }} }}\n  - name: encoded\n    request: {{ url: \"http://{server}/hit/header-cr-body\", headers: {{ X-B: \"{{{{base64 v}}}}\", X-J: \"{{{{json v}}}}\", X-U: \"u={{{{urlencode v}}}}\", X-If: \"{{{{#if v}}}}yes{{{{/if}}}}\" }} }}\n  - name: key in the query\n    request: {{ url: \"http://{server}/hit/header-cr-body\", auth: {{ api_key: {{ query: key, value: \"{{{{v}}}}\" }} }} }}\n"
        ),
    );
    let output = runner_with_env(
        ["run", body_only.to_str().expect("utf-8"), "--data", &rows],
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    // A default header reads it too; a run of selected steps is not refused for the others.
    let defaults = fixture.file(
        "defaults.yaml",
        &format!(
            "name: defaults\ndefaults: {{ headers: {{ X-D: \"{{{{v}}}}\" }} }}\nsteps:\n  - name: one\n    request: {{ url: \"http://{server}/hit/header-cr-create\" }}\n"
        ),
    );
    let defaults = defaults.display().to_string();
    let output = runner_with_env(["run", &defaults, "--data", &rows], &[]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("defaults.yaml:2:"),
        "{}",
        output.stderr
    );
    let output = runner_with_env(
        ["run", &collection, "--data", &rows, "--step", "create"],
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
}

/// A problem of a `--data` or `--vars-file` file is placed in the refused run's reports as a
/// collection's problem is — the JSON report's `location`, a GitHub annotation at the file's
/// line and column, GitLab's `location` — never quoting the line (a data file's line may hold
/// what should not be shown). One case per kind of placed problem.
#[test]
fn a_data_or_vars_file_problem_is_placed_in_every_report() {
    let fixture = Fixture::new();
    fixture.file(
        "c.yaml",
        "name: C\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:9/{{id}}\" }\n",
    );
    // Each offending line holds a marker that no output may quote.
    let cases: [(&str, &[u8], &str, usize, usize); 7] = [
        ("rows.csv", b"id,name\n1,\"open Qx7Marker\n", "--data", 2, 3),
        ("latin.csv", b"id\n1\ncaf\xe9 Qx7Marker\n", "--data", 3, 4),
        (
            "big.json",
            b"[{\"id\": 1},\n {\"id\": 89882806660000000000, \"m\": \"Qx7Marker\"}]",
            "--data",
            2,
            9,
        ),
        (
            "list.yaml",
            b"# vars\n- a Qx7Marker\n- b\n",
            "--vars-file",
            2,
            1,
        ),
        (
            "key.yaml",
            b"ok: 1\n\"bad key\": Qx7Marker\n",
            "--vars-file",
            2,
            12,
        ),
        (
            "two.yaml",
            b"a: 1\n--- # Qx7Marker\nb: 2\n",
            "--vars-file",
            2,
            1,
        ),
        (
            "bytes.yaml",
            b"a: 1\nb: \xff Qx7Marker\n",
            "--vars-file",
            2,
            4,
        ),
    ];
    let workspace = fixture.path().display().to_string();
    for (file, content, flag, line, column) in cases {
        let path = fixture.path().join(file);
        std::fs::write(&path, content).expect("write");
        let json = fixture.path().join("report.json");
        let gitlab = fixture.path().join("cq.json");
        let junit = fixture.path().join("report.xml");
        let html = fixture.path().join("report.html");
        let output = run(
            &fixture,
            "c.yaml",
            &[
                flag,
                &path.display().to_string(),
                "--report-json",
                &json.display().to_string(),
                "--report-junit",
                &junit.display().to_string(),
                "--report-html",
                &html.display().to_string(),
                "--report",
                &format!("gitlab-codequality={}", gitlab.display()),
                "--report",
                "github",
            ],
            &[
                ("GITHUB_ACTIONS", "true"),
                ("GITHUB_WORKSPACE", &workspace),
                ("CI_PROJECT_DIR", &workspace),
            ],
        );
        assert_eq!(output.code, 2, "{file}: {output:?}");
        let place = format!("{}:{line}:{column}: ", path.display());
        assert!(output.stderr.contains(&place), "{file}: {}", output.stderr);
        let written = [&json, &gitlab, &junit, &html]
            .map(|report| std::fs::read_to_string(report).expect("a report"));
        for text in written.iter().chain([&output.stdout, &output.stderr]) {
            assert!(
                !text.contains("Qx7Marker"),
                "{file} quotes its line:\n{text}"
            );
        }
        crate::junit_schema::assert_valid(&junit);
        let at = format!("{}:{line}:{column}", path.display());
        assert!(
            written[2].contains("<error type=\"invalid\"") && written[2].contains(&at),
            "{file}: {}",
            written[2]
        );
        assert!(
            written[3].contains(&format!("--&gt; {at}")),
            "{file}: the HTML report places it"
        );

        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&json).expect("JSON report"))
                .expect("JSON");
        let entry = &report["collections"][0]["steps"][0];
        assert_eq!(entry["name"], flag, "{file}: {report}");
        assert_eq!(entry["outcome"], "errored", "{file}: {report}");
        let location = &entry["error_location"];
        assert_eq!(
            location["file"],
            path.display().to_string(),
            "{file}: {entry}"
        );
        assert_eq!(location["line"], line, "{file}: {entry}");
        assert_eq!(location["column"], column, "{file}: {entry}");

        let annotation = output
            .stdout
            .lines()
            .find(|l| l.starts_with("::error"))
            .unwrap_or_else(|| panic!("{file}: an annotation in {}", output.stdout));
        let (_, properties, message) = parse_command(annotation);
        assert_eq!(properties["file"], file, "{file}: {annotation}");
        assert_eq!(properties["line"], line.to_string(), "{file}: {annotation}");
        assert_eq!(
            properties["col"],
            column.to_string(),
            "{file}: {annotation}"
        );
        // The sentence without its place, which the annotation gives.
        let kind = if flag == "--data" {
            "data file: "
        } else {
            "vars file: "
        };
        assert!(message.starts_with(kind), "{file}: {message}");

        let issues: Value =
            serde_json::from_str(&std::fs::read_to_string(&gitlab).expect("GitLab report"))
                .expect("JSON");
        assert_eq!(issues[0]["location"]["path"], file, "{file}: {issues}");
        assert_eq!(
            issues[0]["location"]["lines"]["begin"], line,
            "{file}: {issues}"
        );
    }
}
