//! The bundled EMnify collections, run by the real binary against the in-process sandbox.

use insta::assert_snapshot;

use crate::support::{runner, runner_with_env, stable};

/// The base64url of `{"alg":"HS384"}`: every token the sandbox issues starts with it.
const JWT_HEADER: &str = "eyJhbGciOiJIUzM4NCJ9";

#[test]
fn the_quickstart_passes_offline_against_the_sandbox() {
    let output = runner(["run", "collections/emnify.yaml"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert_snapshot!(stable(&output.stdout, None), @r"
    EMnify — authenticate with an application token and list endpoints (collections/emnify.yaml · env sandbox)
      ✓ Authenticate with the application token  POST http://127.0.0.1:[PORT]/api/v1/authenticate  200  [TIME]
      ✓ List endpoints  GET http://127.0.0.1:[PORT]/api/v1/endpoint?page=1&per_page=20&sort=id  200  [TIME]

    2 passed, 0 failed, 0 skipped in [TIME]
    ");
}

#[test]
fn neither_the_application_token_nor_the_auth_token_leaks_at_full_verbosity() {
    let output = runner(["run", "collections/emnify.yaml", "-vv"]);
    assert_eq!(output.code, 0, "{output:?}");
    for leak in ["sandbox-application-token", JWT_HEADER] {
        assert!(!output.stdout.contains(leak), "stdout leaks {leak}");
        assert!(!output.stderr.contains(leak), "stderr leaks {leak}");
    }
    assert!(
        output.stdout.contains("> authorization: Bearer ***"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(r#"{"auth_token":"***"}"#),
        "{}",
        output.stdout
    );
}

#[test]
fn production_without_a_token_stops_before_any_request() {
    let output = runner(["run", "collections/emnify.yaml", "--env", "production"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(output.stdout, "");
    assert!(
        output.stderr.contains("input `EMNIFY_APPLICATION_TOKEN`"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("nothing was sent"),
        "{}",
        output.stderr
    );
    // Placed where the input is declared.
    assert!(
        output.stderr.contains("--> collections/emnify.yaml:10:3"),
        "{}",
        output.stderr
    );
    // Set empty (a CI secret not defined): said so, not "not set".
    let output = runner_with_env(
        ["run", "collections/emnify.yaml", "--env", "production"],
        &[("EMNIFY_APPLICATION_TOKEN", "")],
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("is required by environment `production` but set empty: an empty secret counts as unset"),
        "{}",
        output.stderr
    );
}

/// The first mistakes with the main flow: a short environment name, a misspelt file name.
#[test]
fn a_near_environment_or_file_name_is_suggested_with_its_place() {
    let output = runner(["run", "collections/emnify.yaml", "--env", "prod"]);
    assert_eq!(output.code, 2, "{output:?}");
    for part in [
        "environment `prod` does not exist (did you mean `production`?)",
        "--> collections/emnify.yaml:18:1",
    ] {
        assert!(output.stderr.contains(part), "{part}: {}", output.stderr);
    }
    let output = runner(["run", "collections/emnfy.yaml"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(
            "`collections/emnfy.yaml` does not exist (did you mean `collections/emnify.yaml`?)"
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn production_reads_the_token_from_the_environment_and_masks_it() {
    // Point production at a closed loopback port: the token must be read, sent nowhere
    // else, and never printed, even in the connection error.
    let port = crate::support::closed_port();
    let output = runner_with_env(
        [
            "run",
            "collections/emnify.yaml",
            "--env",
            "production",
            "--var",
            &format!("base_url=http://127.0.0.1:{port}"),
            "-vv",
        ],
        &[("EMNIFY_APPLICATION_TOKEN", "real-token-from-ci")],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(!output.stdout.contains("real-token-from-ci"));
    assert!(!output.stderr.contains("real-token-from-ci"));
    assert!(
        output.stdout.contains("connection refused"),
        "{}",
        output.stdout
    );
}

#[test]
fn the_endpoint_lifecycle_passes_against_the_sandbox() {
    let output = runner(["run", "collections/emnify-endpoint-lifecycle.yaml"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("8 passed, 0 failed, 0 skipped"),
        "{}",
        output.stdout
    );
}

#[test]
fn runner_sandbox_emnify_serves_until_interrupted() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut child = crate::support::runner_command()
        .args([
            "sandbox",
            "emnify",
            "--port",
            "0",
            "--application-token",
            "cli-token",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sandbox starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let url = first
        .strip_prefix("EMnify sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .no_proxy()
            .build()
            .expect("client");
        let login = client
            .post(format!("{url}/api/v1/authenticate"))
            .header("content-type", "application/json")
            .body(r#"{"application_token":"cli-token"}"#)
            .send()
            .await
            .expect("authenticate");
        assert_eq!(login.status(), 200);
        let body: serde_json::Value =
            serde_json::from_slice(&login.bytes().await.expect("body")).expect("json");
        let token = body["auth_token"].as_str().expect("auth_token").to_owned();
        let list = client
            .get(format!("{url}/api/v1/endpoint?per_page=20&sort=-id"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list");
        assert_eq!(list.status(), 200);
        assert_eq!(list.headers()["x-total-count"], "26");
        let link = list.headers()["link"].to_str().expect("link").to_owned();
        assert!(link.contains("rel=\"next\""), "{link}");
        let items: Vec<serde_json::Value> =
            serde_json::from_slice(&list.bytes().await.expect("body")).expect("array");
        let ids: Vec<i64> = items.iter().filter_map(|e| e["id"].as_i64()).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "descending: {ids:?}");
        let bad = client
            .get(format!("{url}/api/v1/endpoint"))
            .bearer_auth("bad")
            .send()
            .await
            .expect("bad bearer");
        assert_eq!(bad.status(), 401);
    });

    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(0));
    assert_eq!(rest.last().map(String::as_str), Some("stopped"));
}

/// SIGTERM (a service manager, `timeout`) and SIGHUP (a closed terminal) stop the sandbox as
/// Ctrl-C does, cleanly and with exit code 0, even sent the moment its URL is out.
#[test]
fn the_sandbox_stops_cleanly_on_each_stopping_signal_as_soon_as_it_listens() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    for signal in ["-INT", "-TERM", "-HUP"] {
        let mut child = crate::support::runner_command()
            .args(["sandbox", "emnify", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sandbox starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        assert!(first.starts_with("EMnify sandbox listening on "), "{first}");
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        let status = child.wait().expect("exits");
        assert_eq!(status.code(), Some(0), "{signal}: {status:?}");
        assert_eq!(
            rest.last().map(String::as_str),
            Some("stopped"),
            "{signal}: {rest:?}"
        );
    }
}

#[test]
fn no_token_reaches_any_output_or_report() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args: Vec<String> = ["run", "collections/", "-vv", "--jobs", "2"]
        .map(String::from)
        .to_vec();
    for (flag, file) in [
        ("--report-junit", "r.xml"),
        ("--report-json", "r.json"),
        ("--report-tap", "r.tap"),
        ("--report-html", "r.html"),
    ] {
        args.push(flag.into());
        args.push(dir.path().join(file).display().to_string());
    }
    let output = runner(args);
    assert_eq!(output.code, 0, "{output:?}");
    let token = "sandbox-application-token";
    let leaks = [
        token.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(token),
        JWT_HEADER.to_owned(),
    ];
    let mut texts = vec![
        ("stdout".to_owned(), output.stdout),
        ("stderr".to_owned(), output.stderr),
    ];
    for entry in std::fs::read_dir(dir.path()).expect("reports") {
        let path = entry.expect("entry").path();
        texts.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).expect("report"),
        ));
    }
    assert_eq!(texts.len(), 6);
    for (name, text) in &texts {
        for leak in &leaks {
            assert!(!text.contains(leak.as_str()), "{name} leaks {leak}");
        }
    }
}
