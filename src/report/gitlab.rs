//! GitLab's Code Quality report: a JSON array of issues, each with a description, a check
//! name, a fingerprint, a severity and a location (`path`, `lines.begin`), as GitLab
//! documents it, so that failures show in the merge request at their line.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::markup::shown;
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
                // Every text as the other reports show it: what a server sent (or a name holds)
                // that would reorder or hide the text around it in the merge request is an
                // escape there, not obeyed.
                let path = shown(&super::github::relative(file, root), false).into_owned();
                let line = location.map_or(1, |l| l.line);
                let description =
                    shown(&format!("{title} › {}: {message}", step.name), false).into_owned();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{StepError, StepResult};

    #[test]
    fn no_text_of_an_issue_holds_what_would_steer_or_reorder_the_page() {
        // Every control, bidirectional override or mark and noncharacter, in the names, the
        // message and the file.
        let awkward: String = (0u32..0x20)
            .chain(0x7f..0xa0)
            .chain([
                0x200e, 0x200f, 0x2028, 0x2029, 0xfdd0, 0xfffe, 0xffff, 0x1fffe,
            ])
            .chain(0x202a..0x202f)
            .chain(0x2066..0x206a)
            .filter_map(char::from_u32)
            .collect();
        let step = StepResult {
            outcome: Outcome::Errored(StepError::interrupted(&awkward)),
            ..StepResult::passed(&format!("step {awkward}"))
        };
        let collection = CollectionReport {
            name: format!("c {awkward}"),
            path: format!("dir {awkward}/c.yaml").into(),
            environment: None,
            iteration: None,
            started_at: std::time::UNIX_EPOCH,
            steps: vec![step],
            duration: std::time::Duration::ZERO,
            interrupted: false,
        };
        let mut report = CodeQuality::new(Path::new("/nowhere"));
        let mut out = String::new();
        report.collection(&collection, &mut out);
        let issues: serde_json::Value = serde_json::from_str(&format!("[{out}]")).expect("JSON");
        let issue = &issues[0];
        for text in [
            &issue["description"],
            &issue["check_name"],
            &issue["location"]["path"],
        ] {
            let text = text.as_str().expect("text");
            assert!(
                !text.chars().any(|c| c.is_control()
                    || matches!(c as u32, 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069)
                    || (c as u32) & 0xfffe == 0xfffe
                    || (0xfdd0..=0xfdef).contains(&(c as u32))),
                "{text:?}"
            );
        }
        let description = issue["description"].as_str().unwrap_or_default();
        assert!(description.contains("\\u{202e}"), "{description}");
        assert!(description.contains("\\u{fffe}"), "{description}");
    }
}
