//! The TAP 13 report: a test point per step, failures as YAML diagnostics.

use std::fmt::Write;

use serde::Serialize;

use super::RunRecord;
use crate::engine::Outcome;

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

/// The report as TAP version 13.
pub fn render(run: &RunRecord) -> String {
    let total: usize = run.collections.iter().map(|c| c.steps.len()).sum();
    let mut out = format!("TAP version 13\n1..{total}\n");
    let mut number = 0;
    for collection in &run.collections {
        for step in &collection.steps {
            number += 1;
            let description = format!("{} › {}", collection.title(), step.name).replace('#', "\\#");
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
    if run.interrupted {
        out.push_str("Bail out! interrupted\n");
    }
    out
}
