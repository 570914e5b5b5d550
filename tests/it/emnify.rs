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
