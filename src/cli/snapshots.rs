//! Snapshot files for `runner run`: whether CI forbids writing them, the approved snapshots
//! loaded before the run, and the [`Recorder`] that stores what each finished step left
//! (pending, or approved with `--update-snapshots`). `runner snapshots review` is
//! [`super::review`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use indexmap::IndexMap;

use runner::collection::{Action, Collection, Diagnostic, Step};
use runner::engine::StepResult;
use runner::snapshot::store;
use runner::snapshot::{Entry, SnapshotFile, SnapshotPaths};

use super::load::Problem;

/// The environment variables that say a run is in CI: `CI` (set by GitHub Actions, GitLab,
/// CircleCI, Travis, Buildkite, Azure Pipelines with `TF_BUILD`...), `GITHUB_ACTIONS`,
/// `GITLAB_CI`, `TF_BUILD`. A value of `false`, `0` or empty does not count.
const CI_VARIABLES: &[&str] = &["CI", "GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD"];

/// The CI variable that is set, if any: nothing is written to snapshot files in CI.
pub(super) fn ci_variable() -> Option<&'static str> {
    CI_VARIABLES.iter().copied().find(|name| {
        std::env::var(name).is_ok_and(|v| {
            let v = v.trim().to_ascii_lowercase();
            !(v.is_empty() || v == "false" || v == "0")
        })
    })
}

/// The approved snapshot file of every collection that has one, by collection path.
/// Refuses (before anything is sent) two collections that would have one snapshot file, and a
/// snapshot file that holds another collection's snapshots. A collection without a step with
/// a snapshot reads and writes no snapshot file, so neither applies to it.
pub(super) fn approved<'a>(
    collections: impl IntoIterator<Item = &'a Collection>,
) -> Result<HashMap<PathBuf, SnapshotFile>, String> {
    let collections: Vec<&Collection> = collections
        .into_iter()
        .filter(|collection| takes_snapshots(collection))
        .collect();
    one_snapshot_file_each(&collections)?;
    let mut approved = HashMap::new();
    for collection in collections {
        let paths = SnapshotPaths::of(&collection.path);
        // A file that names another collection: `api.yml` beside `api.yaml` in another run,
        // or a file copied or left by a renamed collection.
        for path in [&paths.approved, &paths.pending] {
            let file = store::read(path).map_err(|e| e.to_string())?;
            if let Some(file) = file {
                its_own(path, &file, &collection.path)?;
            }
        }
        if let Some(file) = store::read(&paths.approved).map_err(|e| e.to_string())? {
            approved.insert(collection.path.clone(), file);
        }
    }
    Ok(approved)
}

/// Whether a step of `collection` (in a group, an include or `finally` too) has a snapshot.
fn takes_snapshots(collection: &Collection) -> bool {
    fn any(steps: &[Step]) -> bool {
        steps.iter().any(|step| match &step.action {
            Action::Request(request) => request.expect.more().snapshot.is_some(),
            Action::Group(children) => any(children),
            Action::Include(include) => any(&include.steps),
        })
    }
    any(&collection.steps) || any(&collection.finally)
}

/// Refuses two collections of one run whose snapshot files are one (`api.yaml` and `api.yml`
/// in one directory), whether the file exists or not: each would write its snapshots over
/// the other's. The same collection named twice is one collection.
fn one_snapshot_file_each(collections: &[&Collection]) -> Result<(), String> {
    let mut seen: HashMap<PathBuf, &Path> = HashMap::new();
    for collection in collections {
        let path = &collection.path;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
        let approved = SnapshotPaths::of(&dir.join(path.file_name().unwrap_or_default())).approved;
        match seen.get(&approved) {
            Some(other) if other.file_name() != path.file_name() => {
                return Err(format!(
                    "the collections `{}` and `{}` in `{}` would have one snapshot file, `{}`, as their names differ only in their extension; rename one of them",
                    file_name(other),
                    file_name(path),
                    display_dir(path),
                    SnapshotPaths::of(path).approved.display()
                ));
            }
            Some(_) => {}
            None => {
                seen.insert(approved, path);
            }
        }
    }
    Ok(())
}

/// The file name of `path`, as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The directory of the collection at `path`, `.` when it has none.
fn display_dir(path: &Path) -> String {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.display().to_string(),
        _ => ".".to_owned(),
    }
}

/// Refuses the snapshot file `file` at `path` unless it holds the snapshots of `collection`
/// (or names none).
fn its_own(path: &Path, file: &SnapshotFile, collection: &Path) -> Result<(), String> {
    if file.collection.is_empty() || file.collection == file_name(collection) {
        Ok(())
    } else {
        Err(not_its_snapshots(path, file, collection))
    }
}

/// Why the snapshot file at `path`, which names another collection than `collection`, is
/// refused: two collections share it (`api.yaml` and `api.yml` beside it), or it names a
/// file that is not there (copied, or the collection renamed).
fn not_its_snapshots(path: &Path, file: &SnapshotFile, collection: &Path) -> String {
    let name = file_name(collection);
    let dir = display_dir(collection);
    let held = format!(
        "`{}` holds the snapshots of `{}`, not of `{name}`",
        path.display(),
        file.collection
    );
    let other = file.collection_path(path);
    let exists = other.is_file();
    if exists && other.file_stem() == collection.file_stem() {
        return format!(
            "{held}: the collections `{}` and `{name}` in `{dir}` have one snapshot file, as their names differ only in their extension; rename one of them",
            file.collection
        );
    }
    let missing = if exists {
        String::new()
    } else {
        format!(", and `{dir}` has no `{}`", file.collection)
    };
    format!(
        "{held}{missing}: if these are the snapshots of `{name}` (copied, or its file renamed), write `collection: {name}` in it; else delete it"
    )
}

/// What the steps of one collection left to store.
#[derive(Default)]
struct Gathered {
    pending: IndexMap<String, Entry>,
    approved: IndexMap<String, Entry>,
}

/// Gathers the snapshots steps leave, one finished step at a time (only those to store: a
/// snapshot that matched leaves nothing), and writes them to each collection's snapshot files
/// once, when the run ends or is interrupted: one read and one atomic write per file, however
/// many iterations and lanes ran the collection.
#[derive(Default)]
pub(super) struct Recorder {
    gathered: Mutex<HashMap<PathBuf, Gathered>>,
    /// What was written, per file: (path, pending?, count).
    written: Mutex<IndexMap<PathBuf, (bool, usize)>>,
    errors: Mutex<Vec<String>>,
}

impl Recorder {
    /// Keeps the snapshot `step` left, if any.
    pub(super) fn step_finished(&self, collection: &Path, step: &StepResult) {
        let Some(seen) = &step.snapshot else {
            return;
        };
        if let Ok(mut gathered) = self.gathered.lock() {
            let entry = gathered.entry(collection.to_owned()).or_default();
            let target = if seen.approve {
                &mut entry.approved
            } else {
                &mut entry.pending
            };
            target.insert(seen.key.clone(), seen.entry.clone());
        }
    }

    /// Writes what the steps left, collection by collection (also after a signal: what ran
    /// is kept); then the lines to print: what was written, and every error (second).
    pub(super) fn finish(&self) -> (Vec<String>, Vec<String>) {
        let gathered = self
            .gathered
            .lock()
            .map(|mut g| std::mem::take(&mut *g))
            .unwrap_or_default();
        let mut gathered: Vec<(PathBuf, Gathered)> = gathered.into_iter().collect();
        gathered.sort_by(|a, b| a.0.cmp(&b.0));
        for (collection, found) in gathered {
            if let Err(error) = store_gathered(&collection, found, &self.written) {
                if let Ok(mut errors) = self.errors.lock() {
                    errors.push(error);
                }
            }
        }
        let notes = self
            .written
            .lock()
            .map(|written| {
                written
                    .iter()
                    .map(|(path, (pending, count))| {
                        if *pending {
                            format!(
                                "snapshots: {count} pending in {}: review with `runner snapshots review`",
                                path.display()
                            )
                        } else {
                            format!("snapshots: {count} approved in {}", path.display())
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let errors = self.errors.lock().map(|e| e.clone()).unwrap_or_default();
        (notes, errors)
    }
}

/// Merges `found` into the collection's files: pending entries into `.snap.yaml.new`,
/// approved ones into `.snap.yaml` (and out of `.snap.yaml.new`). Holds the lock of the
/// snapshot directory from the first read to the last write, so the entries another run
/// writes at the same time are merged, not lost; a file that another collection's run wrote
/// meanwhile (`api.yml` beside `api.yaml`, run at the same time) is refused, not merged into.
fn store_gathered(
    collection: &Path,
    found: Gathered,
    written: &Mutex<IndexMap<PathBuf, (bool, usize)>>,
) -> Result<(), String> {
    let paths = SnapshotPaths::of(collection);
    let note = |path: &Path, pending: bool, count: usize| {
        if let Ok(mut written) = written.lock() {
            written.entry(path.to_owned()).or_insert((pending, 0)).1 += count;
        }
    };
    let read = |path: &Path| -> Result<Option<SnapshotFile>, String> {
        let file = store::read(path).map_err(|e| e.to_string())?;
        if let Some(file) = &file {
            its_own(path, file, collection)?;
        }
        Ok(file)
    };
    let read_or_new = |path: &Path| {
        read(path).map(|file| file.unwrap_or_else(|| SnapshotFile::for_collection(collection)))
    };
    let _lock = store::lock(&paths.approved).map_err(|e| e.to_string())?;
    if !found.approved.is_empty() {
        let mut approved = read_or_new(&paths.approved)?;
        let count = found.approved.len();
        for (key, entry) in &found.approved {
            approved.snapshots.insert(key.clone(), entry.clone());
        }
        store::write(&paths.approved, &approved).map_err(|e| e.to_string())?;
        note(&paths.approved, false, count);
        if let Some(mut pending) = read(&paths.pending)? {
            let before = pending.snapshots.len();
            pending
                .snapshots
                .retain(|key, _| !found.approved.contains_key(key));
            if pending.snapshots.is_empty() {
                store::remove(&paths.pending).map_err(|e| e.to_string())?;
            } else if pending.snapshots.len() != before {
                store::write(&paths.pending, &pending).map_err(|e| e.to_string())?;
            }
        }
    }
    if !found.pending.is_empty() {
        let mut pending = read_or_new(&paths.pending)?;
        let count = found.pending.len();
        pending.snapshots.extend(found.pending);
        store::write(&paths.pending, &pending).map_err(|e| e.to_string())?;
        note(&paths.pending, true, count);
    }
    Ok(())
}

/// The problem of a snapshot file `run` would refuse (`message`, as
/// [`approved`] tells it), placed at the spot in the file when one of
/// `collections`' snapshot files is not valid there.
pub(super) fn snapshot_problem<'a>(
    collections: impl IntoIterator<Item = &'a Collection>,
    message: String,
) -> Problem {
    for collection in collections {
        let paths = runner::snapshot::SnapshotPaths::of(&collection.path);
        for path in [&paths.approved, &paths.pending] {
            let Err(error) = runner::snapshot::store::read(path) else {
                continue;
            };
            if error.to_string() != message {
                continue;
            }
            let runner::snapshot::store::StoreError::Invalid { path, at, .. } = &error else {
                continue;
            };
            let line_text = std::fs::read_to_string(path).ok().and_then(|text| {
                let (line, _) = (*at)?;
                text.lines().nth(line.checked_sub(1)?).map(str::to_owned)
            });
            return Problem::Collection(Diagnostic {
                file: path.clone(),
                position: *at,
                field: None,
                message,
                hint: None,
                line_text,
                width: None,
                shown: None,
            });
        }
    }
    Problem::Argument(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_file_of_another_collection_is_refused_with_what_is_true() {
        let file = SnapshotFile {
            collection: "c.yml".into(),
            snapshots: IndexMap::new(),
        };
        // A collection named on the command line without a directory: its directory is `.`,
        // and no `c.yml` is there (the tests run in the crate's root).
        let message = not_its_snapshots(
            Path::new("__snapshots__/c.snap.yaml"),
            &file,
            Path::new("c.yaml"),
        );
        assert_eq!(
            message,
            "`__snapshots__/c.snap.yaml` holds the snapshots of `c.yml`, not of `c.yaml`, and `.` has no `c.yml`: if these are the snapshots of `c.yaml` (copied, or its file renamed), write `collection: c.yaml` in it; else delete it"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let collection = dir.path().join("c.yaml");
        let approved = SnapshotPaths::of(&collection).approved;
        std::fs::write(dir.path().join("c.yml"), "name: other\n").expect("write");
        assert_eq!(
            not_its_snapshots(&approved, &file, &collection),
            format!(
                "`{}` holds the snapshots of `c.yml`, not of `c.yaml`: the collections `c.yml` and `c.yaml` in `{}` have one snapshot file, as their names differ only in their extension; rename one of them",
                approved.display(),
                dir.path().display()
            )
        );
        // Another collection's file, copied.
        std::fs::write(dir.path().join("d.yaml"), "name: d\n").expect("write");
        let copied = SnapshotFile {
            collection: "d.yaml".into(),
            snapshots: IndexMap::new(),
        };
        assert!(not_its_snapshots(&approved, &copied, &collection).ends_with(
            "holds the snapshots of `d.yaml`, not of `c.yaml`: if these are the snapshots of `c.yaml` (copied, or its file renamed), write `collection: c.yaml` in it; else delete it"
        ));
    }
}
