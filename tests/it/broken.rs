//! The corpus of broken collections (tests/fixtures/broken): every problem is reported with
//! its position, and nothing is ever sent.

use crate::support::{hits, runner, server};

fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            format!(
                "tests/fixtures/broken/{}",
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn validate_reports_every_problem_with_its_position() {
    let mut report = String::new();
    for file in corpus() {
        let output = runner(["validate", file.as_str()]);
        assert_eq!(output.code, 2, "{file}: {output:?}");
        assert!(output.stdout.is_empty(), "{file}: {}", output.stdout);
        report.push_str(&format!("=== runner validate {file}\n{}\n", output.stderr));
    }
    insta::assert_snapshot!("broken_corpus", report);
}

#[test]
fn run_sends_nothing_for_any_broken_collection() {
    let base_url = format!("base_url=http://{}", server());
    for file in corpus() {
        let output = runner(["run", file.as_str(), "--var", base_url.as_str()]);
        assert_eq!(output.code, 2, "{file}: {output:?}");
        assert!(
            output.stderr.contains("nothing was sent"),
            "{file}: {}",
            output.stderr
        );
    }
    assert_eq!(hits("broken"), 0);
    assert_eq!(hits("other"), 0);
}

#[test]
fn all_files_problems_are_reported_together() {
    let output = runner([
        "validate",
        "tests/fixtures/broken/unknown-field.yaml",
        "tests/fixtures/broken/invalid-regex.yaml",
        "collections/emnify.yaml",
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("unknown-field.yaml:6:5"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("invalid-regex.yaml:7:13"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("2 problems found"),
        "{}",
        output.stderr
    );
}

#[test]
fn validate_accepts_the_bundled_collections() {
    let output = runner(["validate", "collections/"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("4 collections valid"),
        "{}",
        output.stdout
    );
}

/// Issue 18: `validate` gets the variables `run` would: `--var`, `--vars-file`, `--secret`
/// (the name is enough), `--data` (every row) and `--env`.
#[test]
fn validate_sees_the_variables_run_will_get() {
    let fixture = crate::support::Fixture::new();
    // Windows' "Unicode" (UTF-16), with its byte order mark and without one (big-endian).
    let text =
        "name: Wide\nsteps:\n  - name: Only\n    request: { url: \"http://127.0.0.1:1/\" }\n";
    let little: Vec<u8> = "\u{feff}"
        .chars()
        .chain(text.chars())
        .collect::<String>()
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let big: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (name, bytes) in [("le.yaml", little), ("be.yaml", big)] {
        let wide = fixture.bytes(name, &bytes);
        let output = runner(["run", &wide]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(
            output
                .stderr
                .contains("the collection is UTF-16 text, not UTF-8")
                && output.stderr.contains(&format!("{wide}:1:1"))
                && output.stderr.contains("save the file as UTF-8"),
            "{}",
            output.stderr
        );
    }

    let path = fixture.file(
        "needs.yaml",
        "name: Needs\nsteps:\n  - name: Only\n    request: { url: \"{{base_url}}/{{id}}?k={{key}}&n={{name}}\" }\n",
    );
    let path = path.display().to_string();
    fixture.file("vars.yaml", "id: 7\n");
    fixture.file("rows.json", r#"[{ "name": "a" }, { "name": "b" }]"#);
    fixture.file("short.json", r#"[{ "name": "a" }, { "nmae": "b" }]"#);
    let at = |name: &str| fixture.path().join(name).display().to_string();

    let output = runner(["validate", &path]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("`base_url`"), "{}", output.stderr);

    let all = [
        "validate",
        &path,
        "--var",
        "base_url=http://127.0.0.1:1",
        "--vars-file",
        &at("vars.yaml"),
        "--secret",
        "key",
        "--data",
        &at("rows.json"),
    ];
    let output = runner(all);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("needs.yaml  (1 step)"),
        "one step, singular: {}",
        output.stdout
    );

    // Each data row counts: the second row lacks `name`.
    let short_rows = at("short.json");
    let mut short = all;
    short[9] = &short_rows;
    let output = runner(short);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("`name`"), "{}", output.stderr);

    // `--secret NAME=VALUE` is accepted too, and its value never shown.
    let output = runner([
        "validate",
        &path,
        "--var",
        "base_url=http://127.0.0.1:1",
        "--var",
        "id=1",
        "--var",
        "name=n",
        "--secret",
        "key=hunter2-secret",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(!output.stdout.contains("hunter2") && !output.stderr.contains("hunter2"));
}

/// A problem in a file two collections include is found by loading each, and told once.
#[test]
fn a_problem_two_collections_share_is_told_once() {
    let fixture = crate::support::Fixture::new();
    fixture.file(
        "shared.yaml",
        "name: Shared\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\", heders: {} }\n",
    );
    let paths: Vec<String> = ["a.yaml", "b.yaml"]
        .map(|name| {
            let text = "name: C\nsteps:\n  - name: shared\n    include: shared.yaml\n";
            fixture.file(name, text).display().to_string()
        })
        .into();
    let output = runner(["run", &paths[0], &paths[1]]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(
        output.stderr.matches("unknown field `heders`").count(),
        1,
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 problem found; nothing was sent"),
        "{}",
        output.stderr
    );
}

/// Issue 18: seven typos in one step are seven problems in one run, each placed.
#[test]
fn every_unknown_key_of_a_step_is_reported_at_once() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "typos.yaml",
        r#"name: Typos
steps:
  - name: One step, seven typos
    requst: { url: "http://127.0.0.1:1/" }
    expcet: { status: 200 }
    captur: { id: $.id }
    retyr: { attempts: 2 }
    whn: { "{{x}}": 1 }
    dealy: 1s
    tag: [smoke]
"#,
    );
    let output = runner(["validate", &path.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    for (typo, meant) in [
        ("requst", "request"),
        ("expcet", "expect"),
        ("captur", "capture"),
        ("retyr", "retry"),
        ("whn", "when"),
        ("dealy", "delay"),
        ("tag", "tags"),
    ] {
        assert!(
            output
                .stderr
                .contains(&format!("unknown field `{typo}` in `steps[0]`")),
            "{typo}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains(&format!("did you mean `{meant}`?")),
            "{meant}: {}",
            output.stderr
        );
    }
    assert!(
        output.stderr.contains("7 problems found"),
        "{}",
        output.stderr
    );
}

/// Issue 18: hints that say what to write.
#[test]
fn hints_say_what_to_write() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "hints.yaml",
        r#"name: Hints
defaults:
  auth: { bearer: "{{token}}" }
steps:
  - name: Login
    request: { method: POST, url: "http://127.0.0.1:1/login" }
    capture: { token: $.token }
  - name: Use
    request: { url: "http://127.0.0.1:1/x" }
    expect:
      jsonpath: { $.headers.X-Team: a }
  - name: Create webhook
    request: { method: POST, url: "http://127.0.0.1:1/hooks", json: { url: "{{webhook_url}}" } }
    capture: { webhook_url: $.url }
"#,
    );
    let output = runner(["validate", &path.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    // A step that reads what it captures itself: not "did you mean" the same name.
    assert!(
        output.stderr.contains("step `Create webhook` captures `webhook_url` from its own response, which comes after its request is sent"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stderr.contains("did you mean `webhook_url`"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("write `$.headers['X-Team']`"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("put `auth: none` on its `request`"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stderr.contains("did you mean `token`"),
        "{}",
        output.stderr
    );
}

/// A data file saved by Excel: "CSV UTF-8" starts with a byte order mark, which is read past;
/// plain "CSV" is Windows-1252, which is refused with where and how to mend it, and nothing
/// is sent.
#[test]
fn data_files_from_excel_are_read_or_refused_with_where_and_how_to_mend_them() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "rows.yaml",
        "name: Rows\nsteps:\n  - name: Only\n    request: { url: \"http://127.0.0.1:1/{{name}}/{{city}}\" }\n",
    );
    let path = path.display().to_string();
    let utf8 = fixture.bytes("utf8.csv", b"\xEF\xBB\xBFname,city\nann,Z\xC3\xBCrich\n");
    let json = fixture.bytes(
        "rows.json",
        b"\xEF\xBB\xBF[{\"name\": \"ann\", \"city\": \"Basel\"}]",
    );
    let latin1 = fixture.bytes("latin1.csv", b"name,city\nann,Z\xFCrich\n");
    for rows in [&utf8, &json] {
        let output = runner(["validate", &path, "--data", rows]);
        assert_eq!(output.code, 0, "{rows}: {output:?}");
    }
    let output = runner(["run", &path, "--data", &latin1]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(&format!(
            "data file {latin1}:2:6: not UTF-8 text (byte 0xFC"
        )),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("save the file as UTF-8"),
        "{}",
        output.stderr
    );
    // A column named twice, or one that runner's own `steps` would hide: refused, placed.
    let twice = fixture.bytes(
        "twice.csv",
        b"name,city,name
ann,Basel,bob
",
    );
    let reserved = fixture.bytes("reserved.json", br#"[{"name": "ann", "steps": 1}]"#);
    for (rows, expected) in [
        (
            &twice,
            format!("data file {twice}:1:11: column `name` is named twice"),
        ),
        (
            &reserved,
            format!("data file {reserved}:1:18: item 1: key `steps` would hide runner's own"),
        ),
    ] {
        let output = runner(["run", &path, "--data", rows]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(output.stderr.contains(&expected), "{}", output.stderr);
    }
}

/// A collection or a vars file in another encoding than UTF-8 is refused with the place of
/// its first byte that is not UTF-8 and how to mend it; nothing is sent.
#[test]
fn a_collection_or_vars_file_that_is_not_utf8_says_where() {
    let fixture = crate::support::Fixture::new();
    let latin1 = fixture.bytes(
        "latin1.yaml",
        b"name: Caf\xE9\nsteps:\n  - name: Only\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    let output = runner(["run", &latin1]);
    assert_eq!(output.code, 2, "{output:?}");
    for part in [
        "the collection is not UTF-8 text (byte 0xE9".to_owned(),
        format!("{latin1}:1:10"),
        "save the file as UTF-8".to_owned(),
        "nothing was sent".to_owned(),
    ] {
        assert!(
            output.stderr.contains(&part),
            "{part:?} in {}",
            output.stderr
        );
    }

    let path = fixture.file(
        "needs.yaml",
        "name: Needs\nsteps:\n  - name: Only\n    request: { url: \"http://127.0.0.1:1/{{id}}\" }\n",
    );
    let vars = fixture.bytes("vars.yaml", b"id: caf\xE9\n");
    let output = runner(["run", &path.display().to_string(), "--vars-file", &vars]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains(&format!("vars file {vars}:1:8: not UTF-8 text (byte 0xE9")),
        "{}",
        output.stderr
    );
}

/// A YAML merge key, as in docker-compose files: runner does not merge, and says so where the
/// `<<` is written (libyaml places the value where the anchor is). Not in the corpus: the
/// locator's step-by-step index cannot follow a merged map, and need not, as it is refused.
#[test]
fn a_merge_key_is_refused_where_it_is_written() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "merge.yaml",
        "name: Merge key\nsteps:\n  - name: First\n    request: &common\n      url: \"http://127.0.0.1:1/\"\n  - name: Second\n    request:\n      <<: *common\n      method: POST\n",
    );
    let output = runner(["validate", &path.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    for part in [
        "`<<` in `steps[1].request` is a YAML merge key (`<<: *anchor`), which runner does not apply",
        "merge.yaml:8:7",
        "goes in `defaults`",
    ] {
        assert!(output.stderr.contains(part), "{part:?} in {}", output.stderr);
    }
    assert_eq!(
        output.stderr.matches("error:").count(),
        1,
        "{}",
        output.stderr
    );
    // In an included file too, placed there.
    fixture.file(
        "shared.yaml",
        "name: Shared\nvars: { base: &b { x: 1 } }\nsteps:\n  - name: Post\n    request: { method: POST, url: \"http://127.0.0.1:1/\", json: { <<: *b } }\n",
    );
    let path = fixture.file(
        "includes.yaml",
        "name: Includes\nsteps:\n  - name: Shared\n    include: shared.yaml\n",
    );
    let output = runner(["validate", &path.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("shared.yaml:5:66") && output.stderr.contains("is a YAML merge key"),
        "{}",
        output.stderr
    );
}

#[test]
fn validate_says_the_same_every_time() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "same.yaml",
        "name: Same\nvars: { base_url: \"http://127.0.0.1:9\", ids: [1, 2], eid: 3 }\nenvironments: { a: {}, b: {} }\nsteps:\n  - name: Each\n    request: { url: \"{{base_url}}/x/{{id}}\" }\n",
    );
    let first = runner(["validate".as_ref(), path.as_os_str()]);
    assert_eq!(first.code, 2, "{first:?}");
    for _ in 0..8 {
        let again = runner(["validate".as_ref(), path.as_os_str()]);
        assert_eq!(again.stderr, first.stderr);
    }
}

/// `validate --data` checks every row as `run` checks it when its iteration starts, not only
/// the first row of each set of column names: a row whose value has another shape (a number
/// where a path reads into an object) is refused by both, naming the data file and the row.
#[test]
fn validate_checks_every_data_row_as_run_does() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "dv.yaml",
        "name: Dv\nsteps:\n  - name: Get {{name}}\n    request: { url: \"{{SERVER}}/text?d={{device.id}}\" }\n",
    );
    let csv = fixture.file("dv.csv", "name,device:json\na,\"{\"\"id\"\":1}\"\nb,5\n");
    let json = fixture.file(
        "dv.json",
        r#"[{"name": "a", "device": {"id": 1}}, {"name": "b", "device": 5}]"#,
    );
    for (data, which) in [(&csv, "row 2 of data file"), (&json, "item 2 of data file")] {
        let data = data.display().to_string();
        let path = path.display().to_string();
        let validated = runner(["validate", &path, "--data", &data]);
        assert_eq!(validated.code, 2, "{validated:?}");
        let ran = runner(["run", &path, "--data", &data]);
        assert_eq!(ran.code, 2, "{ran:?}");
        for output in [&validated, &ran] {
            assert!(
                output
                    .stderr
                    .contains("reads `device.id`, which is not there: `device` is a number"),
                "{}",
                output.stderr
            );
        }
        assert!(
            validated
                .stderr
                .contains(&format!("(with {which} `{data}`)")),
            "{}",
            validated.stderr
        );
    }

    // 20,000 rows alike but one, and a collection variable that reads a column (its size
    // counts then, not its text): checked in a moment, the odd row named.
    let mut rows = String::from("name,device:json\n");
    for i in 0..20_000 {
        if i == 12_344 {
            rows.push_str("odd,\"[1]\"\n");
        } else {
            rows.push_str(&format!("n{i},\"{{\"\"id\"\":{i}}}\"\n"));
        }
    }
    let many = fixture.file("many.csv", &rows);
    let derived = fixture.file(
        "derived.yaml",
        "name: Derived\nvars: { label: \"{{name}}-x\" }\nenvironments: { a: {}, b: {} }\nsteps:\n  - name: Get {{label}}\n    request: { url: \"{{SERVER}}/text?d={{device.id}}\" }\n",
    );
    let started = std::time::Instant::now();
    let output = runner([
        "validate".as_ref(),
        derived.as_os_str(),
        "--data".as_ref(),
        many.as_os_str(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("`device` is a list of 1 item")
            && output.stderr.contains("(with row 12345 of data file"),
        "{}",
        output.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

/// A JSON data item without a key another item has: the problem says which data file and
/// which item lack it (`run` refuses before sending, as `validate` does).
#[test]
fn a_json_data_item_without_a_key_is_named() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "c.yaml",
        "name: C\nsteps:\n  - name: Get {{name}}\n    request: { url: \"{{SERVER}}/text?c={{city}}\" }\n",
    );
    let data = fixture.file(
        "c.json",
        r#"[{"name": "a", "city": "b"}, {"name": "e"}, {"name": "f"}]"#,
    );
    for command in ["run", "validate"] {
        let output = runner([
            command.as_ref(),
            path.as_os_str(),
            "--data".as_ref(),
            data.as_os_str(),
        ]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(
            output.stderr.contains(&format!(
                "reads undefined variable `city` (with items 2 and 3 of data file `{}`)",
                data.display()
            )),
            "{}",
            output.stderr
        );
    }
}

/// A JSON data file's keys follow a CSV's columns: a key written twice in an item, and one
/// that is not a variable name, are refused at the key's line and column; a data file that
/// is not `.csv` is read as JSON, and a problem says so.
#[test]
fn json_data_keys_are_refused_where_they_are_written() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "k.yaml",
        "name: K\nsteps:\n  - name: Get {{name}}\n    request: { url: \"http://127.0.0.1:9/\" }\n",
    );
    let cases = [
        (
            "twice.json",
            "[{\"name\": \"a\",\n  \"name\": \"z\"}]",
            ":2:3: item 1: key `name` is written twice in this item",
        ),
        (
            "spaced.json",
            "[{\"name\": \"a\"},\n {\"name\": \"b\", \"a b\": 1}]",
            ":2:16: item 2: key `a b` is not a variable name",
        ),
        (
            "steps.json",
            "[{\"name\": \"a\", \"steps\": 1}]",
            ":1:16: item 1: key `steps` would hide runner's own `steps`",
        ),
        (
            "rows.yaml",
            "- name: a\n",
            "read as CSV: the name ends in neither `.csv` nor `.json`",
        ),
    ];
    for (name, text, says) in cases {
        let data = fixture.file(name, text);
        for command in ["run", "validate"] {
            let output = runner([
                command.as_ref(),
                path.as_os_str(),
                "--data".as_ref(),
                data.as_os_str(),
            ]);
            assert_eq!(output.code, 2, "{output:?}");
            assert!(
                output.stderr.contains(says)
                    && output
                        .stderr
                        .contains(&format!("data file {}", data.display())),
                "{name}: {}",
                output.stderr
            );
        }
    }
}

/// `--secret` names follow the rule of `--var`; what was given is not shown unless it is one
/// of runner's own names.
#[test]
fn secret_names_follow_the_rule_of_var() {
    let fixture = crate::support::Fixture::new();
    let path = fixture
        .file(
            "ok.yaml",
            "name: Ok\nsteps:\n  - name: One\n    request: { url: \"http://127.0.0.1:9/\" }\n",
        )
        .display()
        .to_string();
    for (secret, says) in [
        (
            "env=hunter2",
            "`--secret env=…`: `env` would hide runner's own `env`",
        ),
        ("steps=hunter2", "`--secret steps=…`: `steps` would hide"),
        (
            "a b=hunter2",
            "one was given whose NAME is not a variable name",
        ),
        (
            "hunter2+/x==",
            "one was given whose NAME is not a variable name",
        ),
    ] {
        for command in ["run", "validate"] {
            let output = runner([command, &path, "--secret", secret]);
            assert_eq!(output.code, 2, "{secret}: {output:?}");
            assert!(output.stderr.contains(says), "{secret}: {}", output.stderr);
            assert!(
                !output.stderr.contains("hunter2") && !output.stdout.contains("hunter2"),
                "{output:?}"
            );
        }
    }
}

/// `validate` reads the snapshot files `run` reads, and refuses one that is not valid at its
/// line and column; the refused run's JSON report places the problem there too.
#[test]
fn validate_reads_the_snapshot_files_run_reads() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "twice.yaml",
        "name: Twice\nsteps:\n  - name: Text\n    request: { url: \"http://127.0.0.1:9/text\" }\n    expect: { snapshot: true }\n",
    );
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    let snapshots = fixture.file(
        "__snapshots__/twice.snap.yaml",
        "collection: twice.yaml\nsnapshots:\n  Text:\n    status: 200\n    text: plain\n  Text:\n    status: 500\n",
    );
    let at = format!("{}:6:3", snapshots.display());
    let output = runner(["validate".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains(&format!("snapshot file {at} is not valid"))
            && output.stderr.contains(&format!("--> {at}")),
        "{}",
        output.stderr
    );
    let report = fixture.path().join("report.json");
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--report-json".as_ref(),
        report.as_os_str(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let step = &report["collections"][0]["steps"][0];
    assert_eq!(step["outcome"], "errored", "{report}");
    assert_eq!(
        step["location"]["file"],
        snapshots.display().to_string(),
        "{report}"
    );
    assert_eq!(step["location"]["line"], 6, "{report}");
}

/// `--color` applies to clap's own errors and help too.
#[test]
fn color_applies_to_clap_s_errors_and_help() {
    let args = |color: &'static str| ["run", "x.yaml", "--timeout", "5q", "--color", color];
    let always = runner(args("always"));
    assert_eq!(always.code, 2, "{always:?}");
    assert!(always.stderr.contains('\u{1b}'), "{always:?}");
    let never = runner(args("never"));
    assert_eq!(never.code, 2, "{never:?}");
    assert!(!never.stderr.contains('\u{1b}'), "{never:?}");
    let help = runner(["--color=always", "validate", "--help"]);
    assert_eq!(help.code, 0, "{help:?}");
    assert!(help.stdout.contains('\u{1b}'), "{help:?}");
}

/// Messages that say what is wrong in the words of what was given.
#[test]
fn small_messages_say_what_was_given() {
    let fixture = crate::support::Fixture::new();
    let path = fixture.file(
        "plain.yaml",
        "name: Plain\nsteps:\n  - name: One\n    request: { url: \"http://127.0.0.1:9/\" }\n",
    );
    let path = path.display().to_string();
    let empty = fixture.file("empty.yaml", "# nothing yet\n");
    let output = runner(["run", &path, "--vars-file", &empty.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("is empty: a vars file is a YAML or JSON map"),
        "{}",
        output.stderr
    );
    let dir = fixture.path().display().to_string();
    let output = runner(["run", &path, "--cookie-jar", &dir]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains(&format!("cannot write the cookie jar `{dir}`"))
            && !output.stderr.contains("report"),
        "{}",
        output.stderr
    );
    let output = runner(["validate", &path, "--env", "prod"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("this collection has no environments to choose from")
            && !output.stderr.contains("choose one with"),
        "{}",
        output.stderr
    );
}

/// Inputs that once overflowed runner's stack (a fuzzer found them): a chain of 10,000
/// variables each reading the next loads; a chain of `$ref`s in `expect.schema` past the
/// limit is refused where it is written, and one within it validates — on a loader thread
/// too (several files load on several threads).
#[test]
fn long_chains_load_or_are_refused_where_they_are_written() {
    let fixture = crate::support::Fixture::new();
    let n = 10_000;
    let vars: String = (0..n)
        .map(|i| format!("  v{i}: \"{{{{v{}}}}}\"\n", i + 1))
        .collect();
    let chain = fixture.file(
        "vars.yaml",
        &format!("name: x\nvars:\n{vars}  v{n}: end\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:9/{{{{v0}}}}\" }}\n"),
    );
    let schema = |links: usize| {
        let defs: Vec<String> = (0..links)
            .map(|i| format!("d{i}: {{ $ref: \"#/$defs/d{}\" }}", i + 1))
            .chain([format!("d{links}: {{ type: object }}")])
            .collect();
        format!(
            "name: x\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:9/\" }}\n    expect:\n      schema: {{ $ref: \"#/$defs/d0\", $defs: {{ {} }} }}\n",
            defs.join(", ")
        )
    };
    let deep = fixture.file("deep.yaml", &schema(2_000));
    let within = fixture.file("within.yaml", &schema(120));
    let output = runner(["validate", chain.to_str().unwrap()]);
    assert_eq!(output.code, 0, "{output:?}");
    let output = runner(["validate", deep.to_str().unwrap()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("more than 128 levels deep")
            && output.stderr.contains("deep.yaml:6:"),
        "{}",
        output.stderr
    );
    // Two files: one loads on a thread of its own.
    let output = runner([
        "validate",
        within.to_str().unwrap(),
        chain.to_str().unwrap(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
}

/// A file named where runner reads one that never ends (`/dev/zero`) is refused once it has
/// given more than any file runner reads, and `/dev/null` reads as empty: no input fills
/// runner's memory or hangs it.
#[test]
fn a_device_that_never_ends_is_refused_where_a_file_is_read() {
    let fixture = crate::support::Fixture::new();
    let schema = fixture.file(
        "schema.yaml",
        "name: x\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:9/\" }\n    expect: { schema: /dev/zero }\n",
    );
    let plain = fixture.file(
        "plain.yaml",
        "name: x\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:9/\" }\n",
    );
    let output = runner(["validate", schema.to_str().unwrap()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("more than 256 MiB"),
        "{}",
        output.stderr
    );
    for flag in ["--vars-file", "--data"] {
        let output = runner(["validate", plain.to_str().unwrap(), flag, "/dev/zero"]);
        assert_eq!(output.code, 2, "{flag}: {output:?}");
        assert!(
            output.stderr.contains("more than 256 MiB"),
            "{flag}: {}",
            output.stderr
        );
    }
    let output = runner(["run", plain.to_str().unwrap(), "--cookie-jar", "/dev/null"]);
    assert_eq!(output.code, 3, "{output:?}");
}

/// What libyaml reads as a second document, or as nesting without end, is told where it
/// starts and in the user's words: a top-level key indented below the first, a `...` line,
/// an alias inside the value its anchor names.
#[test]
fn a_second_document_or_an_alias_inside_itself_is_placed() {
    let fixture = crate::support::Fixture::new();
    for (name, yaml, place, words) in [
        (
            "indent.yaml",
            "  name: x\nsteps: []\n",
            ":2:1",
            "less indented",
        ),
        (
            "dots.yaml",
            "name: x\nsteps: []\n...\nname: y\n",
            ":3:1",
            "`...` line",
        ),
        (
            "alias.yaml",
            "name: x\nvars:\n  a: &a [*a]\nsteps: []\n",
            ":3:10",
            "inside the value its anchor",
        ),
    ] {
        let path = fixture.file(name, yaml);
        let output = runner(["validate", path.to_str().unwrap()]);
        assert_eq!(output.code, 2, "{name}: {output:?}");
        assert!(
            output.stderr.contains(&format!("{name}{place}")) && output.stderr.contains(words),
            "{name}: {}",
            output.stderr
        );
    }
}

/// A character YAML refuses is named and placed, and its line is quoted with a picture of
/// it, one character wide so the caret stays under it: a control as its control picture
/// (`␇`), a noncharacter as `�`; never the raw character.
#[test]
fn a_refused_character_is_quoted_as_a_picture_under_its_caret() {
    let fixture = crate::support::Fixture::new();
    for (raw, picture, name) in [
        ('\u{7}', '\u{2407}', "U+0007 (BEL"),
        ('\u{7f}', '\u{2421}', "U+007F"),
        ('\u{fffe}', '\u{fffd}', "U+FFFE"),
    ] {
        let path = fixture.file(
            "refused.yaml",
            &format!("name: R\nsteps:\n  - name: \"a{raw}b\"\n    request: {{ url: \"http://127.0.0.1:1/\" }}\n"),
        );
        let output = runner(["validate", &path.display().to_string()]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(output.stderr.contains(name), "{}", output.stderr);
        assert!(
            output.stderr.contains(&format!(
                " 3 |   - name: \"a{picture}b\"\n   |             ^\n"
            )),
            "{}",
            output.stderr
        );
        assert!(!output.stderr.contains(raw), "{}", output.stderr);
    }
}
