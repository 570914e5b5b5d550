//! `expect.snapshot` with the real binary against the bundled EMnify sandbox, seeded: the
//! first run records, a review approves, the second run passes, a changed seed fails with a
//! diff by JSONPath, `--update-snapshots` approves it; ignored paths never fail; in CI
//! nothing is written.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::{runner_with_env, Fixture, Output, OUTSIDE_CI};

/// The application token the test sandboxes accept.
const APPLICATION_TOKEN: &str = "snapshot-app-token-7c1e";

/// A `runner sandbox emnify --seed` process, stopped when dropped.
struct Sandbox {
    child: Child,
    url: String,
}

impl Sandbox {
    fn start(seed: &Path) -> Self {
        let mut child = crate::support::runner_command()
            .args(["sandbox", "emnify", "--port", "0", "--application-token"])
            .arg(APPLICATION_TOKEN)
            .arg("--seed")
            .arg(seed)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sandbox starts");
        let stdout = child.stdout.take().expect("stdout");
        let first = BufReader::new(stdout)
            .lines()
            .next()
            .and_then(Result::ok)
            .unwrap_or_default();
        let url = first
            .strip_prefix("EMnify sandbox listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_owned();
        Sandbox { child, url }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Four endpoints; `fourth` is the status of the fourth, `first_name` the name of the first
/// (an ignored path).
fn seed(fixture: &Fixture, name: &str, fourth: u8, first_name: &str) -> PathBuf {
    fixture.file(
        name,
        &format!(
            r#"
ip_address_spaces: [{{ id: 6001, ip_address_space: 10.0.0.0/28, ip_address_version: 4 }}]
service_profiles: [{{ id: 4001, name: Fleet }}]
tariff_profiles: [{{ id: 5001, name: Europe }}]
endpoints:
  - {{ id: 8001, name: "{first_name}", status_id: 0, service_profile_id: 4001, tariff_profile_id: 5001 }}
  - {{ id: 8002, name: Truck 2, status_id: 1, service_profile_id: 4001, tariff_profile_id: 5001 }}
  - {{ id: 8003, name: Truck 3, status_id: 0, service_profile_id: 4001, tariff_profile_id: 5001 }}
  - {{ id: 8004, name: Truck 4, status_id: {fourth}, service_profile_id: 4001, tariff_profile_id: 5001 }}
"#
        ),
    )
}

const COLLECTION: &str = r#"
name: snapshots against the sandbox
inputs:
  APP_TOKEN: { secret: true }
steps:
  - name: Authenticate
    id: authenticate
    request:
      method: POST
      url: "{{base_url}}/api/v1/authenticate"
      json: { application_token: "{{env.APP_TOKEN}}" }
    expect:
      snapshot: { headers: [content-type] }
    capture:
      auth_token: { jsonpath: $.auth_token, secret: true }
  - name: List endpoints
    id: list-endpoints
    request:
      url: "{{base_url}}/api/v1/endpoint"
      query: { sort: id }
      headers: { Authorization: "Bearer {{auth_token}}" }
    expect:
      status: 200
      snapshot:
        ignore: ["$[*].created", "$[*].last_updated", "$[0].name"]
"#;

/// Runs the collection at `path` against `sandbox`, outside CI unless `env` says otherwise.
fn run(path: &Path, sandbox: &Sandbox, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec![
        "run".to_owned(),
        path.display().to_string(),
        "--var".to_owned(),
        format!("base_url={}", sandbox.url),
    ];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let mut all_env = vec![("APP_TOKEN", APPLICATION_TOKEN)];
    all_env.extend_from_slice(OUTSIDE_CI);
    all_env.extend_from_slice(env);
    runner_with_env(args, &all_env)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn record_approve_pass_change_and_update_against_the_sandbox() {
    let fixture = Fixture::new();
    let collection = fixture.file("emnify-snap.yaml", COLLECTION);
    let approved = fixture.path().join("__snapshots__/emnify-snap.snap.yaml");
    let pending = fixture
        .path()
        .join("__snapshots__/emnify-snap.snap.yaml.new");
    let original = Sandbox::start(&seed(&fixture, "seed-a.yaml", 0, "Truck 1"));

    // The first run records both steps as pending and fails, saying how to approve.
    let first = run(&collection, &original, &[], &[]);
    assert_eq!(first.code, 1, "{first:?}");
    assert!(
        first.stdout.contains("recorded as pending in ")
            && first
                .stdout
                .contains("approve it with `runner snapshots review`"),
        "{first:?}"
    );
    assert!(!approved.exists());
    let recorded = read(&pending);
    assert!(
        recorded.contains("authenticate:") && recorded.contains("list-endpoints:"),
        "{recorded}"
    );
    assert!(recorded.contains("created: '[ignored]'"), "{recorded}");
    assert!(recorded.contains("secrets: masked"), "{recorded}");
    assert!(!recorded.contains(APPLICATION_TOKEN), "{recorded}");
    // The auth token the sandbox answered with (a JWT: `eyJ…`) is stored masked.
    assert!(!recorded.contains("eyJ"), "{recorded}");

    // Review without a terminal and without a choice decides nothing.
    let undecided = runner_with_env(
        ["snapshots", "review", &fixture.path().display().to_string()],
        &[],
    );
    assert_eq!(undecided.code, 1, "{undecided:?}");
    assert!(
        undecided.stdout.contains("`list-endpoints` (new)"),
        "{undecided:?}"
    );
    assert!(pending.exists());
    let review = runner_with_env(
        [
            "snapshots",
            "review",
            "--accept-all",
            &fixture.path().display().to_string(),
        ],
        &[],
    );
    assert_eq!(review.code, 0, "{review:?}");
    assert!(!pending.exists());
    assert!(read(&approved).contains("list-endpoints:"));

    // The second run passes (new timestamps and a new token are ignored or masked).
    let second = run(&collection, &original, &[], &[]);
    assert_eq!(second.code, 0, "{second:?}");
    assert!(!pending.exists());
    drop(original);

    // Only an ignored path changed: still passes.
    let renamed_first = Sandbox::start(&seed(&fixture, "seed-b.yaml", 0, "Tractor 1"));
    let ignored = run(&collection, &renamed_first, &[], &[]);
    assert_eq!(ignored.code, 0, "{ignored:?}");
    drop(renamed_first);

    // The fourth endpoint changed: the diff names the path with both values, in the terminal
    // and in the reports.
    let changed = Sandbox::start(&seed(&fixture, "seed-c.yaml", 1, "Tractor 1"));
    let report = fixture.path().join("report.json");
    let junit = fixture.path().join("report.xml");
    let tap = fixture.path().join("report.tap");
    let html = fixture.path().join("report.html");
    let third = run(
        &collection,
        &changed,
        &[
            "--report-json",
            &report.display().to_string(),
            "--report-junit",
            &junit.display().to_string(),
            "--report-tap",
            &tap.display().to_string(),
            "--report-html",
            &html.display().to_string(),
        ],
        &[],
    );
    assert_eq!(third.code, 1, "{third:?}");
    let line = r#"$[3].status.description: changed from "Enabled" to "Disabled""#;
    assert!(third.stdout.contains(line), "{third:?}");
    assert!(
        third.stdout.contains("$[3].status.id: changed from 0 to 1"),
        "{third:?}"
    );
    assert!(!third.stdout.contains("$[0].name: "), "{third:?}");
    assert!(
        read(&report).contains("$[3].status.description"),
        "{}",
        read(&report)
    );
    for other in [&junit, &tap, &html] {
        assert!(
            read(other).contains("$[3].status.description"),
            "{}",
            read(other)
        );
    }
    let disabled = |path: &Path| read(path).matches("description: Disabled").count();
    assert_eq!((disabled(&approved), disabled(&pending)), (1, 2));

    // Rejecting drops what the run saw and keeps the approved snapshot as it was.
    let kept = read(&approved);
    let reject = runner_with_env(
        [
            "snapshots",
            "review",
            "--reject-all",
            &fixture.path().display().to_string(),
        ],
        &[],
    );
    assert_eq!(reject.code, 0, "{reject:?}");
    assert!(!pending.exists(), "{reject:?}");
    assert_eq!(read(&approved), kept);

    // `--update-snapshots` approves what the run saw; the next run passes.
    let update = run(&collection, &changed, &["--update-snapshots"], &[]);
    assert_eq!(update.code, 0, "{update:?}");
    assert!(
        update.stderr.contains("snapshots: 1 approved in "),
        "{update:?}"
    );
    assert_eq!(disabled(&approved), 2);
    assert!(
        !pending.exists(),
        "the approved entry leaves the pending file"
    );
    let after = run(&collection, &changed, &[], &[]);
    assert_eq!(after.code, 0, "{after:?}");
}

#[test]
fn in_ci_nothing_is_written_and_a_missing_snapshot_fails_with_the_sentence() {
    let fixture = Fixture::new();
    let collection = fixture.file("ci-snap.yaml", COLLECTION);
    let sandbox = Sandbox::start(&seed(&fixture, "seed.yaml", 0, "Truck 1"));
    for env in [("CI", "true"), ("GITHUB_ACTIONS", "true")] {
        let output = run(&collection, &sandbox, &["--update-snapshots"], &[env]);
        assert_eq!(output.code, 1, "{output:?}");
        assert!(
            output.stdout.contains(
                "no approved snapshot; nothing was recorded because CI is set: run it locally"
            ),
            "{output:?}"
        );
        assert!(
            output.stderr.contains("--update-snapshots is ignored"),
            "{output:?}"
        );
        assert!(!fixture.path().join("__snapshots__").exists());
    }
}

#[test]
fn stale_snapshots_are_listed_and_pruned() {
    let fixture = Fixture::new();
    let collection = fixture.file("stale.yaml", COLLECTION);
    let sandbox = Sandbox::start(&seed(&fixture, "seed.yaml", 0, "Truck 1"));
    let recorded = run(&collection, &sandbox, &["--update-snapshots"], &[]);
    assert_eq!(recorded.code, 0, "{recorded:?}");
    // The list step is renamed away: its snapshot is stale.
    fixture.file(
        "stale.yaml",
        &COLLECTION.replace("id: list-endpoints", "id: all-endpoints"),
    );
    let dir = fixture.path().display().to_string();
    let listed = runner_with_env(["snapshots", "review", &dir], &[]);
    assert_eq!(listed.code, 0, "{listed:?}");
    assert!(
        listed.stdout.contains(&format!(
            "stale: `list-endpoints` in {} (no step of {} with a snapshot has this key: its id, or its name if it has none)",
            fixture.path().join("__snapshots__/stale.snap.yaml").display(),
            collection.display()
        )),
        "{listed:?}"
    );
    assert!(
        !listed.stdout.contains("stale: `authenticate`"),
        "{listed:?}"
    );
    let approved = fixture.path().join("__snapshots__/stale.snap.yaml");
    assert!(read(&approved).contains("list-endpoints:"));
    let pruned = runner_with_env(["snapshots", "review", "--prune", &dir], &[]);
    assert_eq!(pruned.code, 0, "{pruned:?}");
    assert!(!read(&approved).contains("list-endpoints:"));
    assert!(read(&approved).contains("authenticate:"));
}

#[test]
fn a_snapshot_file_that_is_not_valid_stops_the_run_before_anything_is_sent() {
    let fixture = Fixture::new();
    let collection = fixture.file("broken.yaml", COLLECTION);
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    let approved = fixture.path().join("__snapshots__/broken.snap.yaml");
    std::fs::write(&approved, "collection: broken.yaml\nsnapshots: [").expect("write");
    let sandbox = Sandbox::start(&seed(&fixture, "seed.yaml", 0, "Truck 1"));
    let output = run(&collection, &sandbox, &["--update-snapshots"], &[]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("is not valid"), "{output:?}");
    assert!(output.stderr.contains("nothing was sent"), "{output:?}");
    assert_eq!(read(&approved), "collection: broken.yaml\nsnapshots: [");
}

#[test]
fn an_interrupted_run_leaves_the_snapshots_of_the_steps_that_finished_in_a_valid_file() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "cut.yaml",
        "name: Cut short\nsteps:\n  - name: Quick\n    request: { url: \"{{SERVER}}/text\" }\n    expect: { snapshot: true }\n  - name: Slow\n    request: { url: \"{{SERVER}}/sleep/10000/snapshot-cut\", timeout: 60s }\n    expect: { snapshot: true }\n",
    );
    let child = crate::support::runner_command()
        .arg("run")
        .arg(&path)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("TF_BUILD")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runner starts");
    // Signalled once the slow step is in flight (bounded: 30 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while crate::support::hits("snapshot-cut") < 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let output = child.wait_with_output().expect("exits");
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    let pending = read(&fixture.path().join("__snapshots__/cut.snap.yaml.new"));
    let file: serde_yaml::Value = serde_yaml::from_str(&pending).expect("valid YAML");
    let keys: Vec<&str> = file["snapshots"]
        .as_mapping()
        .map(|m| m.keys().filter_map(|k| k.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, ["Quick"], "{pending}");
    let leftovers: Vec<_> = std::fs::read_dir(fixture.path().join("__snapshots__"))
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_pending_file_that_is_not_valid_is_never_overwritten() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "keep.yaml",
        "name: Keep\nsteps:\n  - name: Text\n    request: { url: \"{{SERVER}}/text\" }\n    expect: { snapshot: true }\n",
    );
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    let pending = fixture.path().join("__snapshots__/keep.snap.yaml.new");
    std::fs::write(&pending, "hand-edited: [").expect("write");
    let output = runner_with_env(["run", &path.display().to_string()], OUTSIDE_CI);
    // Found before anything is sent (the run would record what it cannot write).
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains(&format!("snapshot file {}:", pending.display()))
            && output.stderr.contains(" is not valid: ")
            && output.stderr.contains("nothing was sent"),
        "{output:?}"
    );
    assert_eq!(read(&pending), "hand-edited: [");
}

#[test]
fn a_snapshot_file_with_a_key_written_twice_stops_the_run_where_the_second_one_is() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "twice.yaml",
        "name: Twice\nsteps:\n  - name: Text\n    request: { url: \"{{SERVER}}/text\" }\n    expect: { snapshot: true }\n",
    );
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    // Merged by hand: the last `Text` would win, and the first be dropped unseen.
    let approved = fixture.file(
        "__snapshots__/twice.snap.yaml",
        "collection: twice.yaml\nsnapshots:\n  Text:\n    status: 200\n    text: plain text, not JSON\n  Text:\n    status: 500\n",
    );
    let output = run_locally(&path, &[]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(&format!(
            "snapshot file {}:6:3 is not valid: snapshots: duplicate key `Text`: a key may appear only once in a map",
            approved.display()
        )) && output.stderr.contains("nothing was sent"),
        "{output:?}"
    );
}

#[test]
fn two_collections_that_would_share_a_snapshot_file_are_refused() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "api.yaml",
        "name: Api\nsteps:\n  - name: Text\n    request: { url: \"http://127.0.0.1:9/text\" }\n    expect: { snapshot: true }\n",
    );
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    fixture.file(
        "__snapshots__/api.snap.yaml",
        "collection: api.yml\nsnapshots: {}\n",
    );
    // No `api.yml` is there: the file was copied, or the collection renamed.
    let output = runner_with_env(["run", &path.display().to_string()], OUTSIDE_CI);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(&format!(
            "holds the snapshots of `api.yml`, not of `api.yaml`, and `{}` has no `api.yml`: if these are the snapshots of `api.yaml` (copied, or its file renamed), write `collection: api.yaml` in it; else delete it",
            fixture.path().display()
        )) && output.stderr.contains("nothing was sent"),
        "{output:?}"
    );
    assert!(!output.stderr.contains("share"), "{output:?}");
    // With `api.yml` beside it, the two collections share the file.
    fixture.file(
        "api.yml",
        "name: Other\nsteps:\n  - name: Text\n    request: { url: \"http://127.0.0.1:9/text\" }\n",
    );
    let output = runner_with_env(["run", &path.display().to_string()], OUTSIDE_CI);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(&format!(
            "holds the snapshots of `api.yml`, not of `api.yaml`: the collections `api.yml` and `api.yaml` in `{}` have one snapshot file, as their names differ only in their extension; rename one of them",
            fixture.path().display()
        )),
        "{output:?}"
    );
}

/// Runs `runner run` on `path` outside CI (the snapshot files are written).
fn run_locally(path: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    runner_with_env(args, OUTSIDE_CI)
}

#[test]
fn a_number_the_server_writes_another_way_is_the_same_value() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "numbers.yaml",
        "name: Numbers\nsteps:\n  - name: Zeros\n    request: { url: \"{{SERVER}}/zeros/3\" }\n    expect: { snapshot: true }\n",
    );
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    // The server writes `[0,0,0]`.
    let approved = "collection: numbers.yaml\nsnapshots:\n  Zeros:\n    status: 200\n    json: [0.0, -0.0, 0e5]\n";
    fixture.file("__snapshots__/numbers.snap.yaml", approved);
    let output = run_locally(&path, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(
        read(&fixture.path().join("__snapshots__/numbers.snap.yaml")),
        approved
    );
    assert!(!fixture
        .path()
        .join("__snapshots__/numbers.snap.yaml.new")
        .exists());
}

#[test]
fn a_changed_text_counts_its_changed_lines_not_the_lines_of_its_diff() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "text.yaml",
        "name: Text\nsteps:\n  - name: Text\n    request: { url: \"{{SERVER}}/text\" }\n    expect: { snapshot: true }\n",
    );
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    // The server answers `plain text, not JSON`, without a newline.
    fixture.file(
        "__snapshots__/text.snap.yaml",
        "collection: text.yaml\nsnapshots:\n  Text:\n    status: 200\n    text: plain text, JSON\n",
    );
    let output = run_locally(&path, &[]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output
            .stdout
            .contains("1 difference, recorded as pending in "),
        "{output:?}"
    );
    let lines: Vec<&str> = output.stdout.lines().map(str::trim).collect();
    assert!(
        lines.windows(3).any(|w| w
            == [
                "-plain text, JSON",
                "\\ No newline at end of file",
                "+plain text, not JSON"
            ]),
        "{output:?}"
    );
}

#[test]
fn a_body_that_is_not_utf8_is_approved_byte_for_byte() {
    let fixture = Fixture::new();
    let collection = |hex: &str| {
        fixture.file(
            "octets.yaml",
            &format!("name: Octets\nsteps:\n  - name: Latin-1\n    request: {{ url: \"{{{{SERVER}}}}/bytes/{hex}\" }}\n    expect: {{ snapshot: true }}\n"),
        )
    };
    // `café` in Latin-1, then `cafè`.
    let path = collection("636166e9");
    let approve = run_locally(&path, &["--update-snapshots"]);
    assert_eq!(approve.code, 0, "{approve:?}");
    let approved = read(&fixture.path().join("__snapshots__/octets.snap.yaml"));
    assert!(
        approved.contains("base64: |\n      Y2Fm6Q==\n"),
        "{approved}"
    );
    let same = run_locally(&path, &[]);
    assert_eq!(same.code, 0, "{same:?}");
    let path = collection("636166e8");
    let changed = run_locally(&path, &[]);
    assert_eq!(changed.code, 1, "{changed:?}");
    assert!(
        changed.stdout.contains(r#"body: 4 bytes, as approved; first difference at byte offset 3: approved "caf\xE9", received "caf\xE8""#),
        "{changed:?}"
    );
}

#[test]
fn a_snapshot_under_the_name_of_a_step_that_now_has_an_id_is_stale_and_says_why() {
    let fixture = Fixture::new();
    let step = |id: &str| {
        format!("name: Ids\nsteps:\n  - name: Text\n{id}    request: {{ url: \"{{{{SERVER}}}}/text\" }}\n    expect: {{ snapshot: true }}\n")
    };
    let path = fixture.file("ids.yaml", &step(""));
    let recorded = run_locally(&path, &["--update-snapshots"]);
    assert_eq!(recorded.code, 0, "{recorded:?}");
    let approved = fixture.path().join("__snapshots__/ids.snap.yaml");
    assert!(
        read(&approved).contains("\n  Text:\n"),
        "{}",
        read(&approved)
    );
    // The step keeps its name and gets an id: its snapshot is stored under the id now.
    fixture.file("ids.yaml", &step("    id: text\n"));
    let dir = fixture.path().display().to_string();
    let listed = runner_with_env(["snapshots", "review", &dir], &[]);
    assert_eq!(listed.code, 0, "{listed:?}");
    assert!(
        listed.stdout.contains(&format!(
            "stale: `Text` in {} (the step of {} named `Text` has the id `text`, and a step with an id stores its snapshot under the id)",
            approved.display(),
            path.display()
        )),
        "{listed:?}"
    );
    let run = run_locally(&path, &["--update-snapshots"]);
    assert_eq!(run.code, 0, "{run:?}");
    let pruned = runner_with_env(["snapshots", "review", "--prune", &dir], &[]);
    assert_eq!(pruned.code, 0, "{pruned:?}");
    assert!(pruned.stdout.contains(": removed"), "{pruned:?}");
    let left = read(&approved);
    assert!(
        left.contains("\n  text:\n") && !left.contains("\n  Text:\n"),
        "{left}"
    );
}
