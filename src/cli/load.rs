//! Loading for `run` and `validate`: expand the paths, load every collection, and check each
//! can start — gathering every problem of every file before anything is sent.

use std::io::Write;
use std::path::PathBuf;

use runner::collection::{Collection, Diagnostic};
use runner::engine::{self, PrepareError, RunOptions};
use runner::redact::Redactor;

/// Why the files given cannot run: an argument that names no collection file, or a problem
/// of a collection.
pub(super) enum Problem {
    /// An argument that is not a collection (a path that does not exist, a folder without
    /// one), told as a sentence.
    Argument(String),
    /// A problem of a collection, placed.
    Collection(Diagnostic),
    /// What the run needs could not be made (its HTTP client): not the input's fault.
    Runtime(String),
    /// A problem of a data or vars file, told as a sentence, placed when its place is known.
    File(super::file_problem::FileProblem),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Argument(message) | Problem::Runtime(message) => f.write_str(message),
            Problem::File(problem) => problem.fmt(f),
            Problem::Collection(diagnostic) => diagnostic.fmt(f),
        }
    }
}

/// Loads the collections named by `arguments` and checks each under every option set
/// `checks` gives for it (one per environment to try). Returns them, or every problem found. Files load on one thread per CPU (loading is the part of a large run that
/// cannot overlap with requests); results keep the input order.
pub(super) fn collections(
    arguments: &[PathBuf],
    checks: impl Fn(&Collection) -> Vec<RunOptions> + Sync,
) -> Result<Vec<Collection>, Vec<Problem>> {
    let files = super::paths::collection_files(arguments).map_err(|problems| {
        problems
            .into_iter()
            .map(Problem::Argument)
            .collect::<Vec<_>>()
    })?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    let chunk = files.len().div_ceil(threads).max(1);
    let load_all = |files: &[PathBuf]| -> Vec<(Option<Collection>, Vec<Diagnostic>)> {
        files.iter().map(|file| load(file, &checks)).collect()
    };
    let mut chunks = files.chunks(chunk);
    // The last chunk loads on this thread: one file, the common case, starts no thread, and
    // its compiled steps come from the main allocator arena, which grows in large steps (a
    // thread's arena grows a page at a time: 5,000 `mprotect` calls for 10,000 steps).
    let last = chunks.next_back();
    let loaded: Vec<(Option<Collection>, Vec<Diagnostic>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = chunks
            .map(|files| scope.spawn(move || load_all(files)))
            .collect();
        let here = last.map(load_all).unwrap_or_default();
        workers
            .into_iter()
            // A loader that panicked is a bug: re-raise it rather than lose its files.
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .chain(here)
            .collect()
    });
    let mut collections = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    // The same problem found twice (a file given twice, an included file) is told once; a
    // set, as a broken file may have tens of thousands.
    let mut seen = foldhash::HashSet::default();
    for (collection, found) in loaded {
        for problem in found {
            if seen.insert(problem.clone()) {
                problems.push(problem);
            }
        }
        collections.extend(collection);
    }
    if problems.is_empty() {
        Ok(collections)
    } else {
        Err(problems.into_iter().map(Problem::Collection).collect())
    }
}

/// Keeps `collections` until the process exits, which frees their memory at once: dropping
/// them frees every compiled step one at a time (a few milliseconds for 10,000 steps, after
/// the run's last request). The command ends right after its run.
pub(super) fn keep_to_the_end(collections: &[std::sync::Arc<Collection>]) {
    for collection in collections {
        std::mem::forget(std::sync::Arc::clone(collection));
    }
}

/// Loads and checks one file.
fn load(
    file: &std::path::Path,
    checks: &(impl Fn(&Collection) -> Vec<RunOptions> + Sync),
) -> (Option<Collection>, Vec<Diagnostic>) {
    let (collection, mut problems) = Collection::load_partial(file);
    if let Some(collection) = &collection {
        for options in checks(collection) {
            if let Err(PrepareError::Invalid(found)) = engine::check(collection, &options) {
                problems.extend(found.0);
            }
        }
    }
    (collection, problems)
}

/// The most parts of one run's OpenAPI documents told as not checked, one line each.
const MOST_UNCHECKED_TOLD: usize = 10;

/// What `expect.openapi` leaves out of the collections' OpenAPI documents because it does
/// not compile (a `pattern` written for Java's regexes), one warning each, the same part of
/// a document two collections name told once: a run that checks less than the document says
/// tells so, as `runner import openapi` does.
pub(super) fn unchecked_warnings(collections: &[Collection]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let parts: Vec<_> = collections
        .iter()
        .filter_map(|collection| collection.openapi.as_deref())
        .flat_map(|contract| contract.unchecked())
        .filter(|part| seen.insert(part.at.clone()))
        .collect();
    let mut warnings: Vec<String> = parts
        .iter()
        .take(MOST_UNCHECKED_TOLD)
        .map(|part| {
            let note = if part.what.contains("pattern") {
                "; a JSON Schema pattern is an ECMA-262 regex"
            } else {
                ""
            };
            format!(
                "`expect.openapi` does not check {} at {}: it does not compile ({}){note}",
                part.what, part.at, part.why
            )
        })
        .collect();
    if parts.len() > MOST_UNCHECKED_TOLD {
        warnings.push(format!(
            "… and {} more parts of the OpenAPI documents `expect.openapi` does not check (`runner import openapi` lists them all)",
            parts.len() - MOST_UNCHECKED_TOLD
        ));
    }
    warnings
}

/// The secrets of a command line (its `--secret` values, a proxy's credentials), to mask in
/// what it tells before a run knows them: a problem of a collection, a data or vars file
/// that holds one written in clear.
pub(super) fn command_secrets<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Redactor {
    let mut redactor = Redactor::new();
    secrets.into_iter().for_each(|secret| redactor.add(secret));
    redactor
}

/// Masks every secret `secrets` knows in `problems`, before they are told anywhere: a
/// collection may hold one written in clear, and its line or a message quoting it would
/// show it.
pub(super) fn mask(problems: &mut [Problem], secrets: &Redactor) {
    if secrets.is_empty() {
        return;
    }
    for problem in problems {
        match problem {
            Problem::Collection(diagnostic) => diagnostic.mask(secrets),
            Problem::Argument(message) | Problem::Runtime(message) => {
                secrets.redact_in_place(message);
            }
            Problem::File(problem) => problem.mask(secrets),
        }
    }
}

/// Prints every problem, then how many there were and what that means (`nothing was sent`).
pub(super) fn print_problems(
    stderr: &mut impl Write,
    problems: &[impl std::fmt::Display],
    consequence: &str,
) {
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
