//! Snapshot files for `runner run`: whether CI forbids writing them, the approved snapshots
//! loaded before the run, and the [`Recorder`] that stores what each finished step left
//! (pending, or approved with `--update-snapshots`). `runner snapshots review` is
//! [`super::review`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use indexmap::IndexMap;

use runner::collection::Collection;
use runner::engine::StepResult;
use runner::snapshot::store;
use runner::snapshot::{Entry, SnapshotFile, SnapshotPaths};

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
pub(super) fn approved<'a>(
    collections: impl IntoIterator<Item = &'a Collection>,
) -> Result<HashMap<PathBuf, SnapshotFile>, String> {
    let mut approved = HashMap::new();
    for collection in collections {
        let paths = SnapshotPaths::of(&collection.path);
        // Two collections whose names differ only in their extension (`api.yaml`, `api.yml`)
        // would share a snapshot file and overwrite each other's snapshots.
        for path in [&paths.approved, &paths.pending] {
            let file = store::read(path).map_err(|e| e.to_string())?;
            let name = collection
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(file) = file.filter(|f| !f.collection.is_empty() && f.collection != name) {
                return Err(not_its_snapshots(path, &file, &collection.path));
            }
        }
        if let Some(file) = store::read(&paths.approved).map_err(|e| e.to_string())? {
            approved.insert(collection.path.clone(), file);
        }
    }
    Ok(approved)
}

/// Why the snapshot file at `path`, which names another collection than `collection`, is
/// refused: two collections share it (`api.yaml` and `api.yml` beside it), or it names a
/// file that is not there (copied, or the collection renamed).
fn not_its_snapshots(path: &Path, file: &SnapshotFile, collection: &Path) -> String {
    let name = collection
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = match collection.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.display().to_string(),
        _ => ".".to_owned(),
    };
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
/// approved ones into `.snap.yaml` (and out of `.snap.yaml.new`).
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
    let read = |path: &Path| {
        store::read(path)
            .map(|file| file.unwrap_or_else(|| SnapshotFile::for_collection(collection)))
            .map_err(|e| e.to_string())
    };
    if !found.approved.is_empty() {
        let mut approved = read(&paths.approved)?;
        let count = found.approved.len();
        for (key, entry) in &found.approved {
            approved.snapshots.insert(key.clone(), entry.clone());
        }
        store::write(&paths.approved, &approved).map_err(|e| e.to_string())?;
        note(&paths.approved, false, count);
        if let Some(mut pending) = store::read(&paths.pending).map_err(|e| e.to_string())? {
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
        let mut pending = read(&paths.pending)?;
        let count = found.pending.len();
        pending.snapshots.extend(found.pending);
        store::write(&paths.pending, &pending).map_err(|e| e.to_string())?;
        note(&paths.pending, true, count);
    }
    Ok(())
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
