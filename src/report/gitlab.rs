//! GitLab's Code Quality report: a JSON array of issues, each with a description, a check
//! name, a fingerprint, a severity and a location (`path`, `lines.begin`), as GitLab
//! documents it, so that failures show in the merge request at their line.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::stream::{Format, RunSummary};
use super::RunRecord;
use crate::engine::{CollectionReport, Outcome};

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

/// The Code Quality report, written a collection run at a time (see [`super::stream`]), with
/// paths relative to `root` (the project, `$CI_PROJECT_DIR`) as GitLab expects.
pub struct CodeQuality {
    root: PathBuf,
    /// Issues written so far.
    written: usize,
}

impl CodeQuality {
    /// A report with paths relative to `root`.
    pub fn new(root: &Path) -> CodeQuality {
        CodeQuality {
            root: root.to_owned(),
            written: 0,
        }
    }
}

/// The Code Quality report as JSON, all at once.
pub fn render(run: &RunRecord, root: &Path) -> String {
    super::stream::render(Box::new(CodeQuality::new(root)), run)
}

impl Format for CodeQuality {
    fn head(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.written == 0 { b"[]" } else { b"[\n" })
    }

    fn tail(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.written == 0 { b"\n" } else { b"\n]\n" })
    }

    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        let root = self.root.as_path();
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
                    error.location.as_deref(),
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
                let issue = Issue {
                    description,
                    check_name,
                    fingerprint,
                    severity,
                    location: IssueLocation {
                        path,
                        lines: Lines { begin: line },
                    },
                };
                if self.written > 0 {
                    out.push_str(",\n");
                }
                self.written += 1;
                let text = serde_json::to_string_pretty(&issue).unwrap_or_default();
                for (number, line) in text.split('\n').enumerate() {
                    if number > 0 {
                        out.push('\n');
                    }
                    out.push_str("  ");
                    out.push_str(line);
                }
            }
        }
    }
}
