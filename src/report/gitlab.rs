//! GitLab's Code Quality report: a JSON array of issues, each with a description, a check
//! name, a fingerprint, a severity and a location (`path`, `lines.begin`), as GitLab
//! documents it, so that failures show in the merge request at their line.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::RunRecord;
use crate::engine::Outcome;

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// The Code Quality report as JSON, with paths relative to `root` (the project,
/// `$CI_PROJECT_DIR`) as GitLab expects.
pub fn render(run: &RunRecord, root: &Path) -> String {
    let mut issues = Vec::new();
    for collection in &run.collections {
        let title = collection.title();
        for step in &collection.steps {
            let found: Vec<(&'static str, &'static str, String, Option<_>)> = match &step.outcome {
                Outcome::Failed(failures) => failures
                    .iter()
                    .map(|f| {
                        (
                            "runner.expectation",
                            "major",
                            format!("{}: expected {}, got {}", f.subject, f.expected, f.actual),
                            f.location.as_ref(),
                        )
                    })
                    .collect(),
                Outcome::Errored(error) => vec![(
                    "runner.error",
                    "critical",
                    error.message.clone(),
                    error.location.as_ref(),
                )],
                Outcome::Passed | Outcome::Skipped(_) => Vec::new(),
            };
            for (check_name, severity, message, location) in found {
                let location = location.or(step.location.as_ref());
                let file = location.map_or(collection.path.as_path(), |l| l.file.as_path());
                let path = super::github::relative(file, root);
                let line = location.map_or(1, |l| l.line);
                let description = format!("{title} › {}: {message}", step.name);
                // Stable across runs for the same failure at the same place, so GitLab can
                // tell new failures from fixed ones.
                let fingerprint = Sha256::digest(format!("{path}\n{line}\n{description}"))
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                issues.push(Issue {
                    description,
                    check_name,
                    fingerprint,
                    severity,
                    location: IssueLocation {
                        path,
                        lines: Lines { begin: line },
                    },
                });
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}
