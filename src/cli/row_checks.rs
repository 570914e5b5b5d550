//! The checks `run` and `validate` make before sending, with the variables of each `--data`
//! row: a problem found with some rows but not all names the data file and those rows.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Mutex;

use indexmap::IndexMap;

use runner::collection::{Collection, Diagnostic};
use runner::engine::{self, PrepareError, RunOptions};

use super::data::DataFile;
use super::load::Problem;

/// Groups of rows smaller than this are checked on one thread.
const ONE_THREAD: usize = 64;

/// Loads the collections `paths` name and checks each under the option sets `options` makes
/// for a row (one per environment to try), for the first row of each of `groups` (rows, from
/// 0, that the checks of `collection` cannot tell apart: the first stands for all). Without `--data`, one
/// group of row 0. Returns the collections, or every problem found: a problem found with some
/// groups only says which rows of `data` it was found with.
pub(super) fn load<'g>(
    paths: &[PathBuf],
    groups: impl Fn(&Collection) -> Cow<'g, [Vec<usize>]> + Sync,
    data: Option<&DataFile>,
    options: impl Fn(&Collection, usize) -> Vec<RunOptions> + Sync,
) -> Result<Vec<Collection>, Vec<Problem>> {
    let found: Mutex<Vec<(PathBuf, Vec<Diagnostic>)>> = Mutex::new(Vec::new());
    let loaded = super::load::collections(paths, |collection| {
        let problems = check(collection, &groups(collection), data, &options);
        if !problems.is_empty() {
            if let Ok(mut found) = found.lock() {
                found.push((collection.path.clone(), problems));
            }
        }
        // Checked here: loading has nothing more to check.
        Vec::new()
    });
    let mut found = found.into_inner().unwrap_or_default();
    if found.is_empty() {
        return loaded;
    }
    // In the order of the files (loading runs on several threads).
    let files = super::paths::collection_files(paths).unwrap_or_default();
    found.sort_by_key(|(path, _)| files.iter().position(|file| file == path));
    let mut problems = loaded.err().unwrap_or_default();
    // A problem loading told already (a `default_environment` naming no environment, which
    // a run cannot start with either) is told once.
    let mut seen: std::collections::HashSet<Diagnostic> = problems
        .iter()
        .filter_map(|problem| match problem {
            Problem::Collection(diagnostic) => Some(diagnostic.clone()),
            _ => None,
        })
        .collect();
    for problem in found.into_iter().flat_map(|(_, problems)| problems) {
        if seen.insert(problem.clone()) {
            problems.push(Problem::Collection(problem));
        }
    }
    Err(problems)
}

/// Every problem `collection` has under the options of the first row of each group, each
/// told once, in the order first found.
fn check(
    collection: &Collection,
    groups: &[Vec<usize>],
    data: Option<&DataFile>,
    options: &(impl Fn(&Collection, usize) -> Vec<RunOptions> + Sync),
) -> Vec<Diagnostic> {
    // Each problem, with the groups it was found with (in order, each once).
    let check_groups = |first: usize, groups: &[Vec<usize>]| {
        let mut found: IndexMap<Diagnostic, Vec<usize>> = IndexMap::new();
        for (offset, group) in groups.iter().enumerate() {
            let Some(&row) = group.first() else { continue };
            for options in options(collection, row) {
                if let Err(PrepareError::Invalid(problems)) = engine::check(collection, &options) {
                    for problem in problems.0 {
                        let with = found.entry(problem).or_default();
                        if with.last() != Some(&(first + offset)) {
                            with.push(first + offset);
                        }
                    }
                }
            }
        }
        found
    };
    let threads = if groups.len() < ONE_THREAD {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let chunk = groups.len().div_ceil(threads).max(1);
    let parts: Vec<IndexMap<Diagnostic, Vec<usize>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = groups
            .chunks(chunk)
            .enumerate()
            .skip(1)
            .map(|(index, part)| scope.spawn(move || check_groups(index * chunk, part)))
            .collect();
        let here = check_groups(0, groups.get(..chunk.min(groups.len())).unwrap_or_default());
        std::iter::once(here)
            .chain(workers.into_iter().map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }))
            .collect()
    });
    let mut found: IndexMap<Diagnostic, Vec<usize>> = IndexMap::new();
    for part in parts {
        for (problem, with) in part {
            found.entry(problem).or_default().extend(with);
        }
    }
    found
        .into_iter()
        .map(|(mut problem, with)| {
            if let Some(data) = data.filter(|_| with.len() < groups.len()) {
                let mut rows: Vec<usize> = with
                    .iter()
                    .flat_map(|&group| groups[group].iter().copied())
                    .collect();
                rows.sort_unstable();
                data.attribute(&mut problem, &rows);
            }
            problem
        })
        .collect()
}
