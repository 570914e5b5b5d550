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

/// The collection's text, to see it is left as it was.
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("readable")
}

#[test]
fn a_destination_that_is_a_file_the_run_reads_is_refused_before_the_first_request() {
    let fixture = Fixture::new();
    let key = "destination-is-input";
    let included = fixture.file(
        "included.yaml",
        &format!(
            "name: Included\nsteps:\n  - name: Hit\n    request: {{ url: \"http://{}/hit/{key}\" }}\n",
            server()
        ),
    );
    let path = fixture.file(
        "c.yaml",
        "name: Reads\nsteps:\n  - name: Inner\n    include: included.yaml\n",
    );
    let data = fixture.file("rows.csv", "n\n1\n");
    let hard = fixture.path().join("hard.yaml");
    std::fs::hard_link(&path, &hard).expect("hard link");
    let dir = fixture.path().display().to_string();
    let spelt_through_dots = format!("{dir}/sub/../c.yaml");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "--report-json",
            path.display().to_string(),
            "the collection",
        ),
        ("--report-html", spelt_through_dots, "the collection"),
        ("--report-tap", hard.display().to_string(), "the collection"),
        ("--curl", data.display().to_string(), "the data file"),
        (
            "--report-json",
            included.display().to_string(),
            "an included collection",
        ),
    ];
    let before = (read(&path), read(&included), read(&data));
    for (flag, file, role) in &cases {
        let args = [
            "run",
            &path.display().to_string(),
            "--data",
            &data.display().to_string(),
            flag,
            file,
        ];
        let output = runner(args);
        assert_eq!(output.code, 2, "{args:?}: {output:?}");
        let said = &output.stderr;
        assert!(
            said.contains(&format!("`{file}` is {role}"))
                && said.contains("elsewhere")
                && said.contains("nothing was sent"),
            "{args:?}: {said}"
        );
        assert_eq!(hits(key), 0, "{args:?}: {output:?}");
    }
    // A refusal for another reason writes the reports, but not over a file the run reads.
    let output = runner([
        "run",
        &path.display().to_string(),
        "--tag",
        "no-such-tag",
        "--report-json",
        &path.display().to_string(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!((read(&path), read(&included), read(&data)), before);
    assert_eq!(hits(key), 0);
}

#[test]
fn export_and_import_refuse_to_write_over_what_they_read() {
    let fixture = Fixture::new();
    let path = collection(&fixture, "export-over-input");
    let before = read(&path);
    let output = runner([
        "export",
        "postman",
        &path.display().to_string(),
        "-o",
        &path.display().to_string(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("is the collection") && output.stderr.contains("elsewhere"),
        "{}",
        output.stderr
    );
    assert_eq!(read(&path), before);
    // The same for the locustfile, over the collection and over the data file.
    let data = fixture.file("rows.json", "[{\"who\": \"a\"}]");
    for target in [&path, &data] {
        let kept = read(target);
        let output = runner([
            "export",
            "locust",
            &path.display().to_string(),
            "--data",
            &data.display().to_string(),
            "-o",
            &target.display().to_string(),
        ]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(output.stderr.contains("elsewhere"), "{}", output.stderr);
        assert_eq!(read(target), kept);
    }

    let postman = fixture.file(
        "p.json",
        r#"{"info": {"name": "P", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"name": "Get", "request": {"method": "GET", "url": "http://127.0.0.1:1/x"}}]}"#,
    );
    let environment = fixture.file("env.json", r#"{"name": "E", "values": []}"#);
    let link = fixture.path().join("link.json");
    std::os::unix::fs::symlink("env.json", &link).expect("symlink");
    for (output_file, role) in [
        (postman.clone(), "the Postman collection"),
        (link.clone(), "the Postman environment"),
    ] {
        let (p, e) = (read(&postman), read(&environment));
        let output = runner([
            "import",
            "postman",
            &postman.display().to_string(),
            "-e",
            &environment.display().to_string(),
            "-o",
            &output_file.display().to_string(),
        ]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(output.stderr.contains(role), "{}", output.stderr);
        assert_eq!((read(&postman), read(&environment)), (p, e));
    }
    let har = fixture.file("r.har", r#"{"log": {"entries": []}}"#);
    let output = runner([
        "import",
        "har",
        &har.display().to_string(),
        "-o",
        &har.display().to_string(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("the HAR file"), "{}", output.stderr);
    assert_eq!(read(&har), r#"{"log": {"entries": []}}"#);
}

#[test]
fn a_fifo_no_program_reads_is_refused_rather_than_waited_on() {
    let fixture = Fixture::new();
    let key = "fifo-without-reader";
    let path = collection(&fixture, key);
    let fifo = fixture.path().join("nobody.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; skipping");
        return;
    }
    let side = fixture.path().join("side.xml");
    let output = crate::support::runner_within(
        [
            "run",
            &path.display().to_string(),
            "--report-json",
            &fifo.display().to_string(),
            "--report-junit",
            &side.display().to_string(),
        ],
        &[],
        std::time::Duration::from_secs(20),
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("no program reads the pipe")
            && output.stderr.contains(&fifo.display().to_string()),
        "{}",
        output.stderr
    );
    assert_eq!(hits(key), 0);
}

#[test]
fn dash_and_any_spelling_of_standard_output_are_one_destination() {
    let fixture = Fixture::new();
    let key = "dash-and-dev-stdout";
    let path = collection(&fixture, key);
    for spelling in ["/dev/stdout", "/proc/self/fd/1"] {
        if !Path::new(spelling).exists() {
            continue;
        }
        let output = run(&path, &["--report-json", "-", "--report-junit", spelling]);
        assert_eq!(output.code, 2, "{spelling}: {output:?}");
        assert!(
            output
                .stderr
                .contains("only one report can go to standard output")
                && output.stderr.contains(spelling),
            "{}",
            output.stderr
        );
    }
    assert_eq!(hits(key), 0);
}

#[test]
fn a_github_step_summary_that_cannot_be_written_is_told_and_skipped_before_the_run() {
    let fixture = Fixture::new();
    let path = collection(&fixture, "broken-step-summary");
    let dir = fixture.path().display().to_string();
    for (summary, warned) in [
        ("/nonexistent/summary.md", true),
        (dir.as_str(), true),
        ("", false),
    ] {
        let output = crate::support::runner_with_env(
            ["run", &path.display().to_string()],
            &[("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summary)],
        );
        assert_eq!(output.code, 0, "{summary:?}: {output:?}");
        assert_eq!(
            output.stderr.contains("warning: GITHUB_STEP_SUMMARY"),
            warned,
            "{summary:?}: {}",
            output.stderr
        );
    }
    // One that works is written.
    let summary = fixture.path().join("summary.md");
    let output = crate::support::runner_with_env(
        ["run", &path.display().to_string()],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", &summary.display().to_string()),
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(!output.stderr.contains("warning"), "{}", output.stderr);
    assert!(read(&summary).contains("passed"));
}

/// Runs the binary with its standard output redirected as `redirect` says in `sh` (`>&-`,
/// `>/dev/full`), within 20 s.
fn run_redirected(redirect: &str, args: &[&str]) -> crate::support::Output {
    let binary = std::env::var_os("RUNNER_TEST_BINARY")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_runner").into());
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(binary)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sh starts");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("runner did not finish within 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    crate::support::Output {
        code: status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: reader.join().expect("stderr reader"),
    }
}

#[test]
fn a_report_on_a_closed_standard_output_is_told_and_lost_output_is_an_error() {
    let fixture = Fixture::new();
    let key = "closed-stdout";
    let path = collection(&fixture, key);
    let path = path.display().to_string();
    // Warned, not refused: a daemon's standard output is `/dev/null` opened the same way,
    // and its run is still wanted.
    for (runs, spelling) in [(1, "-"), (2, "/dev/stdout")] {
        let output = run_redirected(">&-", &["run", &path, "--report-json", spelling]);
        assert_eq!(output.code, 0, "{spelling}: {output:?}");
        assert!(
            output.stderr.contains("warning: the JSON report")
                && output
                    .stderr
                    .contains("closed (`>&-`) or `/dev/null`: what is written there is lost"),
            "{}",
            output.stderr
        );
        assert_eq!(hits(key), runs);
    }
    if Path::new("/dev/full").exists() {
        let output = run_redirected(">/dev/full", &["run", &path]);
        assert_eq!(output.code, 3, "{output:?}");
        assert!(
            output.stderr.contains("cannot write the run's output"),
            "{}",
            output.stderr
        );
    }
}

/// A collection that does not load is refused, and its refusal's reports are written: never
/// over a file the loader read before it stopped (one the collection includes), which the
/// run's own list of inputs does not know then.
#[test]
fn a_refused_run_s_report_never_replaces_a_file_its_collection_includes() {
    let fixture = Fixture::new();
    let shared = fixture.file(
        "shared.yaml",
        "name: shared\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    let main = fixture.file(
        "main.yaml",
        "name: main\nsteps:\n  - name: inc\n    include: shared.yaml\n  - name: typo\n    reqest: { url: \"http://127.0.0.1:1/\" }\n",
    );
    let before = read(&shared);
    let output = runner([
        "run",
        &main.display().to_string(),
        "--report-json",
        &shared.display().to_string(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("a file this command read"),
        "{}",
        output.stderr
    );
    assert_eq!(read(&shared), before);
}

/// A cookie jar that does not load refuses the run with its own problem only, and the reports
/// of the refused run are written (the jar, read to be written back, was taken for "a file
/// this run read" and no report was written). A jar that is another input is still refused.
#[test]
fn a_cookie_jar_that_does_not_load_still_gets_the_reports_written() {
    let fixture = Fixture::new();
    let path = collection(&fixture, "jar-bad");
    let jar = fixture.file("jar.txt", "example.com\tFALSE\t/\tFALSE\tsoon\tsess\tv\n");
    let report = fixture.path().join("r.json");
    let before = hits("jar-bad");
    let output = run(
        &path,
        &[
            "--cookie-jar",
            jar.to_str().expect("utf-8"),
            "--report-json",
            report.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("line 1 of the cookie jar")
            && output.stderr.contains("the expiry is not a Unix time")
            && !output.stderr.contains("a file this command read")
            && !output.stderr.contains("no report was written"),
        "{}",
        output.stderr
    );
    assert!(read(&report).contains("the expiry is not a Unix time"));
    assert_eq!(hits("jar-bad"), before, "nothing sent");
    let output = run(&path, &["--cookie-jar", path.to_str().expect("utf-8")]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("is the collection"),
        "{}",
        output.stderr
    );
}
