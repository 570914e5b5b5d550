//! The TAP 13 report: a test point per step, failures as YAML diagnostics.

use std::fmt::Write;

use serde::Serialize;

use super::stream::{Format, RunSummary};
use super::RunRecord;
use crate::engine::{CollectionReport, Outcome};

/// A test point's description: one line whatever the names hold (a control character or a
/// Unicode line separator written as an escape, as the terminal shows it) and no directive:
/// `#` escaped, and a backslash too, so that a name's own `\#` cannot end the description.
fn description(collection: &str, step: &str) -> String {
    let line = format!("{collection} › {step}");
    crate::spec::text::printable(&line, false)
        .replace('\u{2028}', "\\u{2028}")
        .replace('\u{2029}', "\\u{2029}")
        .replace('\\', "\\\\")
        .replace('#', "\\#")
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    message: &'a str,
    severity: &'static str,
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    failures: Vec<FailureLine<'a>>,
    duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<At>,
}

#[derive(Serialize)]
struct FailureLine<'a> {
    subject: &'a str,
    expected: &'a str,
    actual: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<At>,
}

/// Where a failure is written.
#[derive(Serialize)]
struct At {
    file: String,
    line: usize,
    column: usize,
}

impl From<&crate::spec::field::Location> for At {
    fn from(location: &crate::spec::field::Location) -> Self {
        At {
            file: location.file.display().to_string(),
            line: location.line,
            column: location.column,
        }
    }
}

/// The TAP report, written a collection run at a time (see [`super::stream`]): a test point
/// per step, numbered across the run.
#[derive(Default)]
pub struct Tap {
    /// Test points written so far.
    number: usize,
}

impl Tap {
    /// A report with no test point yet.
    pub fn new() -> Tap {
        Tap::default()
    }
}

/// The report as TAP version 13, all at once.
pub fn render(run: &RunRecord) -> String {
    super::stream::render(Box::new(Tap::new()), run)
}

impl Format for Tap {
    fn head(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write!(out, "TAP version 13\n1..{}\n", self.number)
    }

    fn tail(&mut self, run: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if run.interrupted {
            out.write_all(b"Bail out! interrupted\n")?;
        }
        Ok(())
    }

    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        for step in &collection.steps {
            self.number += 1;
            let number = self.number;
            let description = description(&collection.title(), &step.name);
            let request = (!step.url.is_empty()).then(|| format!("{} {}", step.method, step.url));
            let file = collection.path.display().to_string();
            let duration_ms = super::millis(step.duration);
            let attempts = (step.attempts.len() > 1).then(|| super::attempts_summary(step));
            // The diagnostic's place: the error's field, else the step (failures carry their own).
            let at = match &step.outcome {
                Outcome::Errored(error) => error.location.as_ref(),
                _ => step.location.as_ref(),
            };
            let (ok, directive, diagnostic) = match &step.outcome {
                // A passing step that needed several attempts says so.
                Outcome::Passed if attempts.is_some() => (
                    true,
                    String::new(),
                    Some(Diagnostic {
                        message: "passed after several attempts",
                        severity: "comment",
                        file,
                        request,
                        failures: Vec::new(),
                        duration_ms,
                        attempts,
                        at: at.map(At::from),
                    }),
                ),
                Outcome::Passed => (true, String::new(), None),
                Outcome::Skipped(reason) => (true, format!(" # SKIP {reason}"), None),
                Outcome::Failed(failures) => (
                    false,
                    String::new(),
                    Some(Diagnostic {
                        message: "expectations failed",
                        severity: "fail",
                        file,
                        request,
                        failures: failures
                            .iter()
                            .map(|f| FailureLine {
                                subject: &f.subject,
                                expected: &f.expected,
                                actual: &f.actual,
                                at: f.location.as_ref().map(At::from),
                            })
                            .collect(),
                        duration_ms,
                        attempts,
                        at: at.map(At::from),
                    }),
                ),
                Outcome::Errored(error) => (
                    false,
                    String::new(),
                    Some(Diagnostic {
                        message: &error.message,
                        severity: "error",
                        file,
                        request,
                        failures: Vec::new(),
                        duration_ms,
                        attempts,
                        at: at.map(At::from),
                    }),
                ),
            };
            let _ = writeln!(
                out,
                "{} {number} - {description}{directive}",
                if ok { "ok" } else { "not ok" }
            );
            if let Some(diagnostic) = diagnostic {
                let yaml = serde_yaml::to_string(&diagnostic).unwrap_or_default();
                let _ = writeln!(out, "  ---");
                for line in yaml.lines() {
                    let _ = writeln!(out, "  {line}");
                }
                let _ = writeln!(out, "  ...");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_is_one_line_without_a_directive_whatever_the_names_hold() {
        let awkward: String = (0u32..0x20)
            .chain(0x7f..0xa1)
            .chain([0x2028, 0x2029])
            .filter_map(char::from_u32)
            .chain("# TODO not really ✓ \\# \\\\# SKIP".chars())
            .collect();
        let line = description(&awkward, &awkward);
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')),
            "{line:?}"
        );
        // Each `#` behind an odd run of backslashes: escaped, not a directive.
        assert!(
            line.match_indices('#').all(|(at, _)| {
                line[..at].chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
            }),
            "{line:?}"
        );
        assert!(line.contains("TODO not really ✓"), "{line:?}");
    }
}
