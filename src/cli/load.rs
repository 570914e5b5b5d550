//! Loading for `run` and `validate`: expand the paths, load every collection, and check each
//! can start — gathering every problem of every file before anything is sent.

use std::io::Write;
use std::path::PathBuf;

use crate::collection::Collection;
use crate::engine::{self, PrepareError, RunOptions};

/// Loads the collections named by `arguments` and checks each under every option set
/// `checks` gives for it (one per environment to try). Returns them, or every problem found,
/// rendered.
pub(super) fn collections(
    arguments: &[PathBuf],
    checks: impl Fn(&Collection) -> Vec<RunOptions>,
) -> Result<Vec<Collection>, Vec<String>> {
    let files = super::paths::collection_files(arguments)?;
    let mut collections = Vec::new();
    let mut problems = Vec::new();
    for file in &files {
        let (collection, found) = Collection::load_partial(file);
        problems.extend(found);
        if let Some(collection) = collection {
            for options in checks(&collection) {
                if let Err(PrepareError::Invalid(found)) = engine::check(&collection, &options) {
                    for problem in found.0 {
                        if !problems.contains(&problem) {
                            problems.push(problem);
                        }
                    }
                }
            }
            collections.push(collection);
        }
    }
    if problems.is_empty() {
        Ok(collections)
    } else {
        Err(problems.iter().map(ToString::to_string).collect())
    }
}

/// Prints every problem, then how many there were and what that means (`nothing was sent`).
pub(super) fn print_problems(stderr: &mut impl Write, problems: &[String], consequence: &str) {
    for problem in problems {
        let _ = writeln!(stderr, "error: {problem}\n");
    }
    let count = problems.len();
    let plural = if count == 1 { "" } else { "s" };
    let _ = match consequence {
        "" => writeln!(stderr, "{count} problem{plural} found"),
        _ => writeln!(stderr, "{count} problem{plural} found; {consequence}"),
    };
}
