//! What the reports show of what was refused before it sent anything: a whole run (a
//! collection that does not validate, arguments that select nothing), written as pytest
//! writes a file it cannot collect, so that a CI system reading them sees the refusal, not the
//! reports an earlier run left at the same paths; and a collection run that could not start
//! (a data row that does not fit it, a sandbox that did not start).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use runner::collection::{Collection, Diagnostic};
use runner::engine::{CollectionReport, PrepareError, StepError, StepResult};
use runner::spec::field::Location;

use super::args::RunArgs;
use super::load::Problem;
use super::reports::{Ended, Reports};

/// The name of the entry that holds the problems of the command's arguments.
const ARGUMENTS: &str = "runner run";

/// Writes every report `args` ask for with `problems`: each collection file that has some
/// is a collection run of errored entries, one a problem, placed at it; the problems of the
/// arguments are one more, named `runner run`. False if a report could not be written (said
/// on `stderr`).
pub(super) fn write(args: &RunArgs, problems: &[Problem], stderr: &mut impl Write) -> bool {
    // Reports that cannot go where they are asked to go are not written (said already, or
    // said here: this is the only problem left to tell).
    if let Err(message) = super::reports::check_destinations(args) {
        let _ = writeln!(stderr, "error: {message}; no report was written");
        return false;
    }
    let runs = by_file(problems);
    let started_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut reports = match Reports::new(args, &started_at, runs.len()) {
        Ok(reports) => reports,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}; no report was written");
            return false;
        }
    };
    for (index, report) in runs.into_iter().enumerate() {
        reports.finished(
            index,
            Some(Ended {
                report,
                tally: None,
            }),
        );
    }
    reports.write(Duration::ZERO, false, stderr)
}

/// What the reports show of a collection run (`iteration`, if it is one of several) that
/// could not start, for `failure`: each problem an errored entry at its place (invalid input),
/// or the sandbox that did not start (a runtime error).
pub(super) fn not_started(
    collection: &Collection,
    iteration: Option<(usize, usize)>,
    failure: &PrepareError,
) -> CollectionReport {
    let mut run = refused_run(&collection.path);
    run.name.clone_from(&collection.name);
    run.iteration = iteration;
    match failure {
        PrepareError::Invalid(problems) => {
            for diagnostic in &problems.0 {
                let error = StepError::invalid(sentence(diagnostic), location(diagnostic));
                let step = StepResult::refused(run.steps.len(), entry_name(diagnostic), error);
                run.steps.push(step);
            }
        }
        PrepareError::Sandbox(_) => {
            let error = StepError::not_started(failure.to_string());
            run.steps
                .push(StepResult::refused(0, "the sandbox".to_owned(), error));
        }
    }
    run
}

/// The name of a problem's entry: the field it is in.
fn entry_name(diagnostic: &Diagnostic) -> String {
    diagnostic
        .field
        .clone()
        .unwrap_or_else(|| "the collection".to_owned())
}

/// One collection run a file (and one for the arguments), in the order the problems are
/// told.
fn by_file(problems: &[Problem]) -> Vec<CollectionReport> {
    let mut runs: Vec<CollectionReport> = Vec::new();
    for problem in problems {
        let (path, name, error) = match problem {
            Problem::Argument(message) => (
                PathBuf::new(),
                ARGUMENTS.to_owned(),
                StepError::invalid(message.clone(), None),
            ),
            Problem::Runtime(message) => (
                PathBuf::new(),
                ARGUMENTS.to_owned(),
                StepError::not_started(message.clone()),
            ),
            Problem::File(problem) => match &problem.at {
                // At its place in the file, which is told as a collection's problem is, without
                // the line (a data file's line may hold what should not be shown).
                Some(place) => (
                    place.file.clone(),
                    place.input.flag().to_owned(),
                    StepError::invalid(
                        place.reason.clone(),
                        Some(Location {
                            file: place.file.clone(),
                            line: place.line,
                            column: place.column,
                            line_text: String::new(),
                            width: None,
                            shown: None,
                        }),
                    ),
                ),
                None => (
                    PathBuf::new(),
                    ARGUMENTS.to_owned(),
                    StepError::invalid(problem.message.clone(), None),
                ),
            },
            Problem::Collection(diagnostic) => (
                diagnostic.file.clone(),
                entry_name(diagnostic),
                StepError::invalid(sentence(diagnostic), location(diagnostic)),
            ),
        };
        let index = match runs.iter().position(|run| run.path == path) {
            Some(index) => index,
            None => {
                runs.push(refused_run(&path));
                runs.len() - 1
            }
        };
        let run = &mut runs[index];
        let step = StepResult::refused(run.steps.len(), name, error);
        run.steps.push(step);
    }
    runs
}

/// A collection run of `path` (none: the arguments) with no entries yet.
fn refused_run(path: &Path) -> CollectionReport {
    let name = if path.as_os_str().is_empty() {
        ARGUMENTS.to_owned()
    } else {
        path.display().to_string()
    };
    CollectionReport {
        name,
        path: path.to_owned(),
        environment: None,
        iteration: None,
        started_at: SystemTime::now(),
        steps: Vec::new(),
        duration: Duration::ZERO,
        interrupted: false,
    }
}

/// The problem on one line: what is wrong, and how to fix it.
fn sentence(diagnostic: &Diagnostic) -> String {
    match &diagnostic.hint {
        Some(hint) => format!("{} (hint: {hint})", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

/// Where the problem is, when it is placed.
fn location(diagnostic: &Diagnostic) -> Option<Location> {
    let (line, column) = diagnostic.position?;
    Some(Location {
        file: diagnostic.file.clone(),
        line,
        column,
        line_text: diagnostic.line_text.clone().unwrap_or_default(),
        width: diagnostic.width.and_then(|w| u32::try_from(w).ok()),
        shown: diagnostic.shown.and_then(|(column, width)| {
            Some((u32::try_from(column).ok()?, u32::try_from(width).ok()?))
        }),
    })
}
