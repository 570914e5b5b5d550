//! The JUnit XML report (quick-junit): a testsuite per collection, a testcase per step.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::RunRecord;
use crate::engine::{Outcome, StepErrorKind};

/// The report as XML.
pub fn render(run: &RunRecord) -> String {
    let mut report = Report::new("runner");
    report.set_time(run.duration);
    for collection in &run.collections {
        let mut suite = TestSuite::new(collection.title());
        suite.set_time(collection.duration);
        suite.add_property(Property::new("file", collection.path.display().to_string()));
        if let Some(environment) = &collection.environment {
            suite.add_property(Property::new("environment", environment.as_str()));
        }
        for step in &collection.steps {
            let status = match &step.outcome {
                Outcome::Passed => TestCaseStatus::success(),
                Outcome::Skipped(reason) => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(reason.as_str());
                    status
                }
                Outcome::Failed(failures) => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    let lines: Vec<String> = failures
                        .iter()
                        .map(|f| {
                            format!("{}: expected {}, got {}", f.subject, f.expected, f.actual)
                        })
                        .collect();
                    status.set_message(lines.first().cloned().unwrap_or_default());
                    status.set_type("expectation");
                    status.set_description(lines.join("\n"));
                    status
                }
                Outcome::Errored(error) => {
                    let kind = match error.kind {
                        StepErrorKind::Render => NonSuccessKind::Failure,
                        StepErrorKind::Transport | StepErrorKind::Interrupted => {
                            NonSuccessKind::Error
                        }
                    };
                    let mut status = TestCaseStatus::non_success(kind);
                    status.set_message(error.message.as_str());
                    status.set_type(match error.kind {
                        StepErrorKind::Render => "template",
                        StepErrorKind::Transport => "transport",
                        StepErrorKind::Interrupted => "interrupted",
                    });
                    status
                }
            };
            let mut case = TestCase::new(step.name.as_str(), status);
            case.set_classname(collection.path.display().to_string());
            case.set_time(step.duration);
            if !step.url.is_empty() {
                case.add_property(Property::new(
                    "request",
                    format!("{} {}", step.method, step.url),
                ));
            }
            if let Some(status) = step.status {
                case.add_property(Property::new("status", status.to_string()));
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_default()
}
