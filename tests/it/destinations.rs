//! Where reports and scripts are written (issue 14): through symlinks to their target, to
//! devices and pipes in place, `-` for standard output, checked before the first request;
//! the `--curl` script quotes everything it interpolates; `body_file` sends what a file holds.

use std::path::Path;

use crate::support::{hits, runner, server, Fixture};

fn collection(fixture: &Fixture, key: &str) -> std::path::PathBuf {
    fixture.file(
        "c.yaml",
        &format!(
            "name: Files\nsteps:\n  - name: Hit\n    request: {{ url: \"http://{}/hit/{key}\" }}\n",
            server()
        ),
    )
}

fn run(path: &Path, extra: &[&str]) -> crate::support::Output {
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    runner(args)
}

#[test]
fn a_report_path_that_is_a_symlink_writes_its_target() {
    let fixture = Fixture::new();
    let path = collection(&fixture, "symlink-report");
    let target = fixture.path().join("real.json");
    let link = fixture.path().join("report.json");
    std::os::unix::fs::symlink("real.json", &link).expect("symlink");
    let output = run(&path, &["--report-json", &link.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    let kind = std::fs::symlink_metadata(&link).expect("link").file_type();
    assert!(kind.is_symlink(), "the link was replaced by a file");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).expect("target")).expect("JSON");
    assert_eq!(report["totals"]["passed"], 1);
}

#[test]
fn dash_and_dev_stdout_write_the_report_to_standard_output() {
    let fixture = Fixture::new();
    let path = collection(&fixture, "dash-report");
    let output = run(&path, &["--report-json", "-"]);
    assert_eq!(output.code, 0, "{output:?}");
    // Standard output is the report alone; the output for people went to stderr.
    let report: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON report");
    assert_eq!(report["totals"]["passed"], 1);
    assert!(output.stderr.contains("1 passed"), "{}", output.stderr);
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("-").exists());

    let output = run(&path, &["--report-junit", "/dev/stdout"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("<testsuites"), "{}", output.stdout);
    assert!(output.stdout.contains("1 passed"), "{}", output.stdout);

    let output = run(&path, &["--report-json", "-", "--report-tap", "-"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("only one report"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_fifo_gets_the_report_written_into_it() {
    let fixture = Fixture::new();
    let path = collection(&fixture, "fifo-report");
    let fifo = fixture.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; skipping");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap_or_default())
    };
    let output = run(&path, &["--report-tap", &fifo.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    let text = reader.join().expect("reader");
    assert!(text.starts_with("TAP version"), "{text}");
    let kind = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
    assert!(!kind.is_file(), "the FIFO was replaced by a file");
}

#[test]
fn an_unwritable_report_destination_is_found_before_the_first_request() {
    let fixture = Fixture::new();
    let path = collection(&fixture, "unwritable-report");
    let directory = fixture.path().join("a-directory");
    std::fs::create_dir(&directory).expect("dir");
    let output = run(&path, &["--report-junit", &directory.display().to_string()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("is a directory"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("nothing was sent"),
        "{}",
        output.stderr
    );
    assert_eq!(hits("unwritable-report"), 0);
}

#[test]
fn a_collection_path_with_a_newline_does_not_inject_commands_into_the_curl_script() {
    let fixture = Fixture::new();
    let yaml = format!(
        "name: Injection\nsteps:\n  - name: \"Hit\\ntouch NAME-INJECTED\"\n    request: {{ url: \"http://{}/hit/curl-injection\" }}\n",
        server()
    );
    let path = fixture.file("x\ntouch INJECTED\n.yaml", &yaml);
    let script = fixture.path().join("requests.sh");
    let output = run(&path, &["--curl", &script.display().to_string()]);
    assert!(matches!(output.code, 0 | 1 | 3), "{output:?}");
    let text = std::fs::read_to_string(&script).expect("script");
    assert!(!text.contains("\ntouch"), "{text}");
    let ran = std::process::Command::new("sh")
        .arg(&script)
        .current_dir(fixture.path())
        .output()
        .expect("sh runs");
    for name in ["INJECTED", "NAME-INJECTED"] {
        assert!(
            !fixture.path().join(name).exists(),
            "{name}: {text}\n{ran:?}"
        );
    }
}

#[test]
fn a_body_file_whose_size_reads_as_zero_is_sent_in_full() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "proc.yaml",
        &format!(
            "name: Proc\nsteps:\n  - name: Status\n    request: {{ method: POST, url: \"http://{}/echo\", body_file: /proc/self/status }}\n    expect:\n      jsonpath: {{ $.text: {{ contains: \"Name:\" }} }}\n",
            crate::servers::server()
        ),
    );
    let output = run(&path, &[]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn reports_that_cannot_have_a_temporary_file_stop_the_run_before_it_sends() {
    let fixture = Fixture::new();
    let collection = fixture.file(
        "c.yaml",
        "name: C\nsteps:\n  - name: s\n    request: { url: \"{{SERVER}}/status/200\" }\n",
    );
    let report = fixture.path().join("report.json");
    let missing = fixture.path().join("no-such-directory");
    let output = crate::support::runner_with_env(
        [
            "run",
            &collection.display().to_string(),
            "--report-json",
            &report.display().to_string(),
        ],
        &[("TMPDIR", &missing.display().to_string())],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stderr
            .contains("cannot create a temporary file for the reports")
            && output.stderr.contains("set TMPDIR")
            && output.stderr.contains("nothing was sent"),
        "{output:?}"
    );
    assert!(!report.exists());
    // A run without reports needs no temporary file.
    let output = crate::support::runner_with_env(
        ["run", &collection.display().to_string()],
        &[("TMPDIR", &missing.display().to_string())],
    );
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn two_outputs_that_are_one_file_are_refused_before_the_first_request() {
    let fixture = Fixture::new();
    let key = "one-file-twice";
    let path = collection(&fixture, key);
    let dir = fixture.path().display().to_string();
    let existing = fixture.path().join("existing.json");
    std::fs::write(&existing, "{}").expect("file");
    let link = fixture.path().join("link.json");
    std::os::unix::fs::symlink("existing.json", &link).expect("symlink");
    let hard = fixture.path().join("hard.json");
    std::fs::hard_link(&existing, &hard).expect("hard link");
    let dangling = fixture.path().join("dangling.tap");
    std::os::unix::fs::symlink("later/report.tap", &dangling).expect("symlink");
    let cases: Vec<[String; 4]> = vec![
        [
            "--report-junit".into(),
            format!("{dir}/out/same.out"),
            "--report-json".into(),
            format!("{dir}/out/same.out"),
        ],
        [
            "--cookie-jar".into(),
            format!("{dir}/out/cj.txt"),
            "--report-junit".into(),
            format!("{dir}/out/cj.txt"),
        ],
        // Spelt differently, through a directory that does not exist yet.
        [
            "--report-tap".into(),
            format!("{dir}/new/./deeper/../same.out"),
            "--report-html".into(),
            format!("{dir}/./new/../new/same.out"),
        ],
        // A symlink to an existing file, and a hard link to it.
        [
            "--curl".into(),
            link.display().to_string(),
            "--report-json".into(),
            existing.display().to_string(),
        ],
        [
            "--report gitlab-codequality".into(),
            hard.display().to_string(),
            "--report-tap".into(),
            existing.display().to_string(),
        ],
        // A symlink to a file not made yet.
        [
            "--report-tap".into(),
            dangling.display().to_string(),
            "--report-json".into(),
            format!("{dir}/later/report.tap"),
        ],
    ];
    for [first_flag, first, second_flag, second] in &cases {
        let mut args = vec!["run".to_owned(), path.display().to_string()];
        for (flag, file) in [(first_flag, first), (second_flag, second)] {
            match flag.strip_prefix("--report ") {
                Some(kind) => args.extend(["--report".to_owned(), format!("{kind}={file}")]),
                None => args.extend([flag.clone(), file.clone()]),
            }
        }
        let output = runner(&args);
        assert_eq!(output.code, 2, "{args:?}: {output:?}");
        let said = &output.stderr;
        for named in [first_flag, first, second_flag, second] {
            assert!(said.contains(named.as_str()), "{named} in {args:?}: {said}");
        }
        assert!(
            said.contains("one file") && said.contains("nothing was sent"),
            "{said}"
        );
        assert_eq!(hits(key), 0, "{args:?}: {output:?}");
    }
    assert_eq!(std::fs::read_to_string(&existing).expect("kept"), "{}");
    assert!(!fixture.path().join("out/same.out").exists());

    // Different files pass, and so does the null device taken twice.
    let output = run(
        &path,
        &[
            "--report-json",
            &format!("{dir}/out/one.json"),
            "--report-junit",
            &format!("{dir}/out/one.xml"),
            "--report-tap",
            "/dev/null",
            "--curl",
            "/dev/null",
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(hits(key), 1, "{output:?}");
}
