//! Event sinks and report writers that turn a run into output for people and machines.
//! Everything they receive is already redacted by the engine.

pub mod coverage;
pub mod curl;
pub mod destination;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod junit;
mod markup;
pub mod stream;
pub mod tap;
pub mod terminal;
mod timing;
mod yamlish;

pub(crate) use timing::{attempt_line, attempts_summary, waited};

use std::path::Path;
use std::time::Duration;

use crate::engine::{CollectionReport, Totals};

/// A whole run, as the report writers see it.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// Every collection, in input order (including one cut short by an interrupt).
    pub collections: Vec<CollectionReport>,
    /// When the run started, RFC 3339.
    pub started_at: String,
    /// Wall time of the run.
    pub duration: Duration,
    /// The run was interrupted (Ctrl-C).
    pub interrupted: bool,
    /// The OpenAPI coverage of each document the run counted against (see [`coverage`]).
    pub openapi_coverage: Vec<crate::openapi::coverage::CoverageSummary>,
}

impl RunRecord {
    /// Step counts over every collection.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for collection in &self.collections {
            for step in &collection.steps {
                totals.record(step);
            }
        }
        totals
    }
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write report `{path}`: {reason}")]
pub struct ReportError {
    /// The report file.
    pub path: String,
    /// What went wrong.
    pub reason: String,
}

/// Writes `contents` to `path` without clobbering (see [`destination`]): through symlinks
/// to their target, to a device or pipe directly, else through an exclusively created
/// temporary file and a rename, so a reader never sees half a report.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), ReportError> {
    destination::Destination::resolve(path)?.write(path, contents)
}

/// Writes to `path` without clobbering, as [`write_atomically`] does, what `write` writes.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    destination::Destination::resolve(path)?.write_with(path, write)
}

/// Checks before a run that `path` can be written (see [`destination::Destination::check`]).
pub fn check_writable(path: &Path) -> Result<(), ReportError> {
    destination::Destination::resolve(path)?.check(path)
}

/// Milliseconds, for machine formats: rounded as the text for people rounds them
/// ([`crate::spec::duration::round_millis`]).
pub(crate) fn millis(duration: Duration) -> u64 {
    crate::spec::duration::round_millis(duration)
}
