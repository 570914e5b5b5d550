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
