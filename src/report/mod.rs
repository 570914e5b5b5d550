//! Event sinks and report writers that turn a run into output for people and machines.
//! Everything they receive is already redacted by the engine.

pub mod curl;
pub mod html;
pub mod json;
pub mod junit;
pub mod tap;
pub mod terminal;
mod timing;

pub(crate) use timing::{attempts_summary, waited};

use std::io::Write;
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

/// Writes `contents` to `path` atomically: a temporary file beside it, then a rename, so a
/// reader never sees half a report.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), ReportError> {
    let error = |reason: String| ReportError {
        path: path.display().to_string(),
        reason,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| error(e.to_string()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(contents)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(error(e.to_string()));
    }
    Ok(())
}

/// Milliseconds, for machine formats.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
