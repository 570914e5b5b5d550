//! The snapshot files with the real binary: runs at the same time merge their snapshots (the
//! directory's lock), two collections that would share one snapshot file are refused before
//! anything is sent, and `runner snapshots review` tells a file it cannot use on stderr, once,
//! with exit code 2.

use std::path::Path;

use crate::support::{hits, runner_with_env, Fixture, Output, OUTSIDE_CI};

/// Outside CI: the snapshot files are written.
const LOCAL: &[(&str, &str)] = OUTSIDE_CI;

/// Runs `runner` with `args` outside CI.
fn runner_locally(args: &[String]) -> Output {
    runner_with_env(args, LOCAL)
}

/// The keys of the snapshot file at `path`, in their order.
fn keys(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let file: serde_yaml::Value = serde_yaml::from_str(&text).expect("a valid snapshot file");
    file["snapshots"]
        .as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(ToOwned::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `runner run` on `collection` once for each of `who` at the same time, each with
/// `--var who=…` and `extra`; returns their outputs.
fn at_once(collection: &Path, who: &[String], extra: &[&str]) -> Vec<Output> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = who
            .iter()
            .map(|who| {
                let mut args = vec![
                    "run".to_owned(),
                    collection.display().to_string(),
                    "--var".to_owned(),
                    format!("who={who}"),
                ];
                args.extend(extra.iter().map(|a| (*a).to_owned()));
                scope.spawn(move || runner_locally(&args))
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("a run"))
            .collect()
    })
}

#[test]
fn runs_at_the_same_time_merge_their_snapshots_approved_and_pending() {
    let fixture = Fixture::new();
    let collection = fixture.file(
        "d.yaml",
        "name: D\nsteps:\n  - name: Get {{who}}\n    request: { url: \"{{SERVER}}/text\" }\n    expect: { snapshot: true }\n",
    );
    let approved = fixture.path().join("__snapshots__/d.snap.yaml");
    let pending = fixture.path().join("__snapshots__/d.snap.yaml.new");
    let who: Vec<String> = (1..=8).map(|i| format!("w{i}")).collect();
    let mut expected: Vec<String> = who.iter().map(|w| format!("Get {w}")).collect();
    expected.sort();

    // Each approves its own: every one of them is in the file (they lost some before).
    for output in at_once(&collection, &who, &["--update-snapshots"]) {
        assert_eq!(output.code, 0, "{output:?}");
        assert!(
            output
                .stderr
                .contains(&format!("snapshots: 1 approved in {}", approved.display())),
            "{output:?}"
        );
    }
    let mut found = keys(&approved);
    found.sort();
    assert_eq!(found, expected);

    // Each records a pending one: all of them wait for review.
    let others: Vec<String> = (1..=8).map(|i| format!("p{i}")).collect();
    for output in at_once(&collection, &others, &[]) {
        assert_eq!(output.code, 1, "{output:?}");
        assert!(
            output.stderr.contains(&format!(
                "snapshots: 1 pending in {}: review with `runner snapshots review`",
                pending.display()
            )),
            "{output:?}"
        );
    }
    let mut found = keys(&pending);
    found.sort();
    let mut expected_pending: Vec<String> = others.iter().map(|w| format!("Get {w}")).collect();
    expected_pending.sort();
    assert_eq!(found, expected_pending);
    // The approved ones are untouched, and no temporary file is left; the lock file stays.
    assert_eq!(keys(&approved).len(), 8);
    let names: Vec<String> = std::fs::read_dir(fixture.path().join("__snapshots__"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    assert!(names.iter().any(|n| n == ".lock"), "{names:?}");

    // A review accepting all of them at the same time as runs approving others keeps both.
    let dir = fixture.path().display().to_string();
    let third: Vec<String> = (1..=4).map(|i| format!("r{i}")).collect();
    let (review, runs) = std::thread::scope(|scope| {
        let review = scope.spawn(|| {
            runner_locally(&[
                "snapshots".into(),
                "review".into(),
                "--accept-all".into(),
                dir,
            ])
        });
        let runs = at_once(&collection, &third, &["--update-snapshots"]);
        (review.join().expect("review"), runs)
    });
    assert_eq!(review.code, 0, "{review:?}");
    for output in runs {
        assert_eq!(output.code, 0, "{output:?}");
    }
    assert_eq!(keys(&approved).len(), 8 + 8 + 4);
    assert!(!pending.exists());
}

#[test]
fn two_collections_with_one_snapshot_file_are_refused_before_anything_is_sent_on_a_first_run() {
    let fixture = Fixture::new();
    let step = |key: &str| {
        format!(
            "name: Api\nsteps:\n  - name: Hit\n    request: {{ url: \"{{{{SERVER}}}}/hit/{key}\" }}\n    expect: {{ snapshot: true }}\n"
        )
    };
    let yaml = fixture.file("api.yaml", &step("snapshot-files-api-yaml"));
    let yml = fixture.file("api.yml", &step("snapshot-files-api-yml"));
    let snapshots = fixture.path().join("__snapshots__");
    for extra in [&["--update-snapshots", "--jobs", "2"][..], &[]] {
        let mut args = vec![
            "run".to_owned(),
            yaml.display().to_string(),
            yml.display().to_string(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let output = runner_locally(&args);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(
            output.stderr.contains(&format!(
                "error: the collections `api.yaml` and `api.yml` in `{}` would have one snapshot file, `{}`, as their names differ only in their extension; rename one of them",
                fixture.path().display(),
                snapshots.join("api.snap.yaml").display()
            )) && output.stderr.contains("nothing was sent"),
            "{output:?}"
        );
        assert!(!snapshots.exists());
    }
    assert_eq!(hits("snapshot-files-api-yaml"), 0);
    assert_eq!(hits("snapshot-files-api-yml"), 0);

    // One run of each at the same time: one writes the file, the other is refused (before it
    // sends, or when it would write, if it started first) and writes nothing.
    let outputs: Vec<Output> = std::thread::scope(|scope| {
        let runs: Vec<_> = [&yaml, &yml]
            .into_iter()
            .map(|path| {
                let args = vec![
                    "run".to_owned(),
                    path.display().to_string(),
                    "--update-snapshots".to_owned(),
                ];
                scope.spawn(move || runner_locally(&args))
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("a run"))
            .collect()
    });
    let passed: Vec<&Output> = outputs.iter().filter(|o| o.code == 0).collect();
    assert_eq!(passed.len(), 1, "{outputs:?}");
    let refused = outputs.iter().find(|o| o.code != 0).expect("one refused");
    assert!(
        [2, 3].contains(&refused.code) && refused.stderr.contains("have one snapshot file"),
        "{outputs:?}"
    );
    let approved = snapshots.join("api.snap.yaml");
    let text = std::fs::read_to_string(&approved).expect("written");
    let owner = if text.contains("collection: api.yaml\n") {
        "api.yaml"
    } else {
        "api.yml"
    };
    assert!(text.contains(&format!("collection: {owner}\n")), "{text}");
    assert!(
        refused
            .stderr
            .contains(&format!("holds the snapshots of `{owner}`")),
        "{outputs:?}"
    );
    assert_eq!(keys(&approved), ["Hit"]);
    std::fs::remove_dir_all(&snapshots).expect("removed");

    // A collection without a snapshot writes no snapshot file: the two run, and run again.
    fixture.file(
        "api.yml",
        "name: Other\nsteps:\n  - name: Hit\n    request: { url: \"{{SERVER}}/hit/snapshot-files-other\" }\n",
    );
    for _ in 0..2 {
        let output = runner_locally(&[
            "run".to_owned(),
            yaml.display().to_string(),
            yml.display().to_string(),
            "--update-snapshots".to_owned(),
        ]);
        assert_eq!(output.code, 0, "{output:?}");
    }
    assert_eq!(keys(&snapshots.join("api.snap.yaml")), ["Hit"]);

    // The same collection named twice is one collection.
    let output = runner_locally(&[
        "run".to_owned(),
        yaml.display().to_string(),
        yaml.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn a_review_tells_a_snapshot_file_it_cannot_use_on_stderr_once_with_exit_code_2() {
    let fixture = Fixture::new();
    fixture.file(
        "api.yaml",
        "name: Api\nsteps:\n  - name: Text\n    request: { url: \"{{SERVER}}/text\" }\n    expect: { snapshot: true }\n",
    );
    let snapshots = fixture.path().join("__snapshots__");
    std::fs::create_dir_all(&snapshots).expect("dir");
    let approved = fixture.file(
        "__snapshots__/api.snap.yaml",
        "collection: api.yaml\nsnapshots: [",
    );
    let pending = fixture.file(
        "__snapshots__/api.snap.yaml.new",
        "collection: api.yaml\nsnapshots:\n  Text:\n    status: 200\n    text: plain text, not JSON\n",
    );
    let dir = fixture.path().display().to_string();
    for extra in [&[][..], &["--accept-all"], &["--prune"]] {
        let mut args = vec!["snapshots".to_owned(), "review".to_owned(), dir.clone()];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let output = runner_locally(&args);
        assert_eq!(output.code, 2, "{extra:?}: {output:?}");
        let message = format!("error: snapshot file {}:", approved.display());
        assert_eq!(output.stderr.matches(&message).count(), 1, "{output:?}");
        assert!(!output.stdout.contains("error:"), "{output:?}");
        assert!(
            !output.stdout.contains("no pending snapshots"),
            "{output:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&approved).expect("kept"),
            "collection: api.yaml\nsnapshots: ["
        );
        assert!(pending.exists());
    }

    // A pending file that is not valid: the same.
    std::fs::remove_file(&approved).expect("remove");
    std::fs::write(&pending, "snapshots: [").expect("write");
    let output = runner_locally(&["snapshots".to_owned(), "review".to_owned(), dir.clone()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(
        output
            .stderr
            .matches(&format!("error: snapshot file {}:", pending.display()))
            .count(),
        1,
        "{output:?}"
    );
    assert_eq!(output.stdout, "", "{output:?}");

    // A path that is not there: stderr, exit code 2.
    let missing = fixture.path().join("missing").display().to_string();
    let output = runner_locally(&["snapshots".to_owned(), "review".to_owned(), missing]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("is not a file or directory"),
        "{output:?}"
    );
    assert_eq!(output.stdout, "", "{output:?}");
}

/// A snapshot file a merge left with two documents, or an editor saved in Latin-1, is refused
/// at the line that makes it so, with what to do; a vars file with two documents the same.
#[test]
fn a_snapshot_or_vars_file_with_two_documents_or_not_utf8_says_where() {
    let fixture = Fixture::new();
    let collection = fixture.file(
        "api.yaml",
        "name: Api\nsteps:\n  - name: Text\n    request: { url: \"{{SERVER}}/text\" }\n    expect: { snapshot: true }\n",
    );
    std::fs::create_dir_all(fixture.path().join("__snapshots__")).expect("dir");
    let approved = fixture.path().join("__snapshots__/api.snap.yaml");
    let entry = "collection: api.yaml\nsnapshots:\n  Text:\n    status: 200\n    text: plain\n";
    for (bytes, says) in [
        (
            format!("{entry}---\n{entry}").into_bytes(),
            ":6:1 is not valid: the file holds more than one YAML document".to_owned(),
        ),
        (
            b"collection: api.yaml\nsnapshots:\n  Text:\n    status: 200\n    text: caf\xe9\n"
                .to_vec(),
            ":5:14 is not valid: not UTF-8 text (byte 0xE9".to_owned(),
        ),
    ] {
        std::fs::write(&approved, &bytes).expect("write");
        let output = runner_locally(&["validate".to_owned(), collection.display().to_string()]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(
            output
                .stderr
                .contains(&format!("{}{says}", approved.display())),
            "{output:?}"
        );
    }
    let vars = fixture.file("vars.yaml", "a: 1\n---\nb: 2\n");
    std::fs::remove_file(&approved).expect("remove");
    let output = runner_locally(&[
        "validate".to_owned(),
        collection.display().to_string(),
        "--vars-file".to_owned(),
        vars.display().to_string(),
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains(&format!(
            "vars file {}:2:1: a second YAML document starts here",
            vars.display()
        )),
        "{output:?}"
    );
}
