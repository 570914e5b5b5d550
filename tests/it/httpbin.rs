//! runner against httpbin (https://github.com/psf/httpbin), a third-party server, on
//! loopback. `.ci/run` installs it (PyPI), starts it with gunicorn, passes its URL in
//! `RUNNER_HTTPBIN_URL` and sets `RUNNER_REQUIRE_HTTPBIN=1`, so that CI fails when httpbin is
//! not there. A plain `cargo test` without it skips these tests and says so on the terminal
//! (not only in captured output): everything they cover is also tested against the
//! in-process servers.

use std::io::Write as _;

use crate::support::runner;

/// httpbin's URL; `None` (with a visible note) when it is not running and not required.
fn httpbin() -> Option<String> {
    match std::env::var("RUNNER_HTTPBIN_URL") {
        Ok(url) if url.starts_with("http://127.0.0.1:") => Some(url),
        _ => {
            assert!(
                std::env::var_os("RUNNER_REQUIRE_HTTPBIN").is_none(),
                "RUNNER_REQUIRE_HTTPBIN is set but httpbin is not running (RUNNER_HTTPBIN_URL unset)"
            );
            // Straight to the terminal: the test harness captures `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: httpbin is not running (RUNNER_HTTPBIN_URL unset); .ci/run starts it"
            );
            None
        }
    }
}

#[test]
fn requests_against_httpbin() {
    let Some(url) = httpbin() else { return };
    // Same server under another host name: a different host for redirect rules.
    let other = url.replace("127.0.0.1", "localhost");
    let output = runner([
        "run",
        "tests/fixtures/httpbin/requests.yaml",
        "--var",
        &format!("httpbin={url}"),
        "--var",
        &format!("other_host={other}"),
        "-vv",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    // Basic-auth credentials are secrets: masked even in the URL that carries one.
    assert!(
        !output.stdout.contains("s3cret-httpbin-pass"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("/basic-auth/alice/***"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_slow_httpbin_response_times_out() {
    let Some(url) = httpbin() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("delay.yaml");
    std::fs::write(
        &path,
        format!("name: Delay\nsteps:\n  - name: Too slow\n    request: {{ url: \"{url}/delay/3\", timeout: 300ms }}\n"),
    )
    .expect("write");
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
