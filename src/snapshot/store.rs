//! The snapshot files: `__snapshots__/<collection>.snap.yaml` (approved) and `.snap.yaml.new`
//! (pending, waiting for review), next to the collection. Read and written whole; every
//! write goes to a temporary file renamed over the old one, so a file is never half written.
//! A change (read, merge, write) holds [`lock`], the exclusive lock of the directory's
//! [`LOCK_FILE`], so runs and reviews at the same time merge their snapshots rather than
//! each writing back what it read and losing what the others wrote.

use std::io::Write;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::entry::Entry;

/// The directory of snapshot files, next to the collection.
pub const DIRECTORY: &str = "__snapshots__";
/// The ending of an approved snapshot file.
pub const APPROVED_SUFFIX: &str = ".snap.yaml";
/// The ending of a pending snapshot file.
pub const PENDING_SUFFIX: &str = ".snap.yaml.new";
/// The file in `__snapshots__` whose exclusive lock a change of a snapshot file there holds.
/// It is empty and stays (removing it would let two processes lock two different files);
/// the snapshot files are renamed over, so they cannot be locked themselves.
pub const LOCK_FILE: &str = ".lock";

/// The snapshots of one collection, by key (step id or name, and iteration).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFile {
    /// The collection's file name (in the directory above `__snapshots__`).
    pub collection: String,
    /// Key → entry, in the order they were first recorded.
    #[serde(default)]
    pub snapshots: IndexMap<String, Entry>,
}

/// A snapshot file that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading, writing or locking failed.
    #[error("cannot {action} snapshot file `{path}`: {source}")]
    Io {
        /// `read`, `write` or `lock`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a snapshot file (or could not be written as one).
    #[error(
        "snapshot file {} is not valid: {reason}; fix it or delete it and record the snapshots again",
        place(.path, *.at)
    )]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where in it, 1-based line and column, when the parser knows.
        at: Option<(usize, usize)>,
        /// What is wrong.
        reason: String,
    },
}

/// `file:line:col`, or the file alone.
fn place(path: &Path, at: Option<(usize, usize)>) -> String {
    match at {
        Some((line, column)) => format!("{}:{line}:{column}", path.display()),
        None => path.display().to_string(),
    }
}

impl StoreError {
    /// The problem `error` found in the snapshot file at `path` (which holds `text`), at its
    /// line and column; a second document (a merge gone wrong) where it starts.
    fn yaml(path: &Path, text: &str, error: &serde_yaml::Error) -> Self {
        let mut reason = error.to_string();
        let mut at = error.location().map(|l| (l.line(), l.column()));
        if at.is_none() && reason.contains("more than one document") {
            at = crate::spec::documents::second_document_at(text);
            reason = "the file holds more than one YAML document (a snapshot file is one map: keep one of the two, or merge their `snapshots`)".to_owned();
        }
        if at.is_some() {
            if let Some(cut) = reason.rfind(" at line ") {
                reason.truncate(cut);
            }
        }
        StoreError::Invalid {
            path: path.to_owned(),
            at,
            reason: crate::spec::words::in_the_formats_words(&reason),
        }
    }
}

/// Where the snapshots of the collection at `collection` are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotPaths {
    /// The approved snapshots.
    pub approved: PathBuf,
    /// The pending ones.
    pub pending: PathBuf,
}

impl SnapshotPaths {
    /// The snapshot files of the collection file `collection`.
    pub fn of(collection: &Path) -> Self {
        let dir = collection
            .parent()
            .unwrap_or(Path::new("."))
            .join(DIRECTORY);
        let stem = collection
            .file_stem()
            .map_or_else(|| "collection".into(), |s| s.to_string_lossy());
        SnapshotPaths {
            approved: dir.join(format!("{stem}{APPROVED_SUFFIX}")),
            pending: dir.join(format!("{stem}{PENDING_SUFFIX}")),
        }
    }
}

impl SnapshotFile {
    /// An empty file for the collection at `collection`.
    pub fn for_collection(collection: &Path) -> Self {
        SnapshotFile {
            collection: collection
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            snapshots: IndexMap::new(),
        }
    }

    /// The collection file this snapshot file at `path` belongs to.
    pub fn collection_path(&self, path: &Path) -> PathBuf {
        path.parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("."))
            .join(&self.collection)
    }

    /// The file as YAML, with a comment saying what it is.
    pub fn to_yaml(&self) -> Result<String, String> {
        let body = serde_yaml::to_string(self).map_err(|e| e.to_string())?;
        Ok(format!(
            "# Snapshots of the responses of {}: review changes to this file like code.\n\
             # Recorded by `runner run`, approved with `runner snapshots review` or `runner run --update-snapshots`.\n{body}",
            self.collection
        ))
    }
}

/// Reads the snapshot file at `path`; `None` if there is none.
pub fn read(path: &Path) -> Result<Option<SnapshotFile>, StoreError> {
    let bytes = match crate::spec::file::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Io {
                action: "read",
                path: path.to_owned(),
                source,
            })
        }
    };
    // Not UTF-8 (a file saved by an editor in Latin-1): where, and how to mend it.
    let text = crate::spec::text::utf8_text(&bytes).map_err(|at| StoreError::Invalid {
        path: path.to_owned(),
        at: Some((at.line, at.column)),
        reason: format!("{at}; {}", crate::spec::text::NotUtf8::HINT),
    })?;
    // A map keeps the last of two equal keys: a file edited by hand (or merged) with one
    // snapshot twice is refused where the second one is, not read as one of them.
    let text = crate::spec::block_scalar::readable(text);
    let yaml = |e: serde_yaml::Error| StoreError::yaml(path, &text, &e);
    crate::spec::duplicates::check(&text).map_err(yaml)?;
    serde_yaml::from_str(&text).map(Some).map_err(yaml)
}

/// Writes `file` to `path` atomically (a temporary file in the same directory, renamed over
/// it); creates the directory. On failure the old file is left as it was.
pub fn write(path: &Path, file: &SnapshotFile) -> Result<(), StoreError> {
    let text = file.to_yaml().map_err(|reason| StoreError::Invalid {
        path: path.to_owned(),
        at: None,
        reason,
    })?;
    let io = |source| StoreError::Io {
        action: "write",
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map_or_else(|| "snapshots".into(), |n| n.to_string_lossy());
    let temporary = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        fastrand::u64(..)
    ));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut out| {
            out.write_all(text.as_bytes())?;
            out.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(io(error));
    }
    Ok(())
}

/// The exclusive lock of the snapshot files of one `__snapshots__` directory, held from
/// [`lock`] until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

/// Waits for, and takes, the exclusive lock of the directory that holds the snapshot file at
/// `path` (its [`LOCK_FILE`]; the directory is created). Hold it across a read, a merge and
/// the write: another process (a run, a review) waits for it rather than writing back a file
/// without this one's change. One process takes it once at a time: a second `lock` on the
/// same directory before the first is dropped waits for ever. Where the file system cannot
/// lock (some network file systems), the change is made without it.
pub fn lock(path: &Path) -> Result<Lock, StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let lock_path = dir.join(LOCK_FILE);
    let io = |source| StoreError::Io {
        action: "lock",
        path: lock_path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(io)?;
    // `File::lock` is std's since Rust 1.89, the `rust-version` Cargo.toml declares.
    let locked = file.lock();
    match locked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {}
        Err(e) => return Err(io(e)),
    }
    Ok(Lock { _file: file })
}

/// Removes the file at `path`, if there is one.
pub fn remove(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StoreError::Io {
            action: "write",
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_json_value_survives_the_yaml_file() {
        let tricky = [
            "yes",
            "no",
            "NO",
            "on",
            "off",
            "true",
            "True",
            "null",
            "Null",
            "~",
            "",
            " lead",
            "trail ",
            "1.0",
            "0x10",
            "0o7",
            "1e3",
            ".inf",
            "-.inf",
            ".nan",
            "+1",
            "010",
            "1_000",
            "2021-11-18",
            "2021-11-18T08:25:53.000+0000",
            "a: b",
            "- x",
            "#c",
            "x #c",
            "multi\nline",
            "\ttab",
            "'q'",
            "\"dq\"",
            "@a",
            "`b`",
            "%p",
            "!tag",
            "&anchor",
            "*alias",
            "[ignored]",
            "{a}",
            "[1]",
            "?",
            ":",
            "|",
            ">",
            "\u{1b}[2J",
            "日本",
            "😀",
            "\r\n",
            "\u{85}",
            "\u{feff}x",
        ];
        let numbers = json!([
            0,
            -0.0,
            0.1,
            1.5e300,
            -1.5e-300,
            i64::MIN,
            i64::MAX,
            u64::MAX,
            1.0,
            100.0,
            123456789.125
        ]);
        let value = json!({
            "strings": tricky.to_vec(),
            "numbers": numbers,
            "nested": [[], {}, [null, true, false], {"": "", " ": "k", "yes": "no", "1": 1}],
        });
        let mut file = SnapshotFile {
            collection: "c.yaml".into(),
            ..SnapshotFile::default()
        };
        for key in ["yes", "a: b", "#x", "s [1/2]", "s (iteration 3)", "日本"] {
            file.snapshots.insert(
                key.into(),
                Entry {
                    status: 200,
                    headers: [("x-h".to_owned(), "yes".to_owned())].into(),
                    json: Some(value.clone()),
                    text: None,
                    base64: None,
                    secrets: None,
                },
            );
        }
        file.snapshots.insert(
            "text".into(),
            Entry {
                status: 500,
                headers: Default::default(),
                json: None,
                text: Some(tricky.join("\n") + "\n\n  indented\n"),
                base64: None,
                secrets: Some(crate::snapshot::Secrets::Masked),
            },
        );
        let yaml = file.to_yaml().expect("serialises");
        let back: SnapshotFile = serde_yaml::from_str(&yaml).expect("parses");
        assert_eq!(back, file, "{yaml}");
    }

    #[test]
    fn a_file_round_trips_through_yaml_and_is_written_atomically() {
        let dir = tempfile::tempdir().expect("temp dir");
        let collection = dir.path().join("api.yaml");
        let paths = SnapshotPaths::of(&collection);
        assert!(paths.approved.ends_with("__snapshots__/api.snap.yaml"));
        assert!(paths.pending.ends_with("__snapshots__/api.snap.yaml.new"));
        assert_eq!(read(&paths.approved).expect("no file is fine"), None);
        let mut file = SnapshotFile::for_collection(&collection);
        file.snapshots.insert(
            "list".into(),
            Entry {
                status: 200,
                headers: [("content-type".to_owned(), "application/json".to_owned())].into(),
                json: Some(json!({"a": [1, "yes", null, 1.5, "[ignored]"], "b": {"c": "no"}})),
                text: None,
                base64: None,
                secrets: None,
            },
        );
        write(&paths.approved, &file).expect("written");
        assert_eq!(read(&paths.approved).expect("readable"), Some(file.clone()));
        assert_eq!(file.collection_path(&paths.approved), collection);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join(DIRECTORY))
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::write(&paths.pending, "snapshots: [").expect("write");
        let error = read(&paths.pending).expect_err("invalid");
        assert!(
            error.to_string().starts_with(&format!(
                "snapshot file {}:2:1 is not valid: ",
                paths.pending.display()
            )),
            "{error}"
        );
    }

    #[test]
    fn changes_made_at_the_same_time_under_the_lock_all_stay() {
        let dir = tempfile::tempdir().expect("temp dir");
        let collection = dir.path().join("api.yaml");
        let path = SnapshotPaths::of(&collection).approved;
        let entry = Entry {
            status: 200,
            headers: Default::default(),
            json: Some(json!({"a": 1})),
            text: None,
            base64: None,
            secrets: None,
        };
        // Each thread opens the lock file itself, as another process does.
        std::thread::scope(|scope| {
            for thread in 0..8 {
                let (path, collection, entry) = (&path, &collection, &entry);
                scope.spawn(move || {
                    for round in 0..5 {
                        let _lock = lock(path).expect("locked");
                        let mut file = read(path)
                            .expect("readable")
                            .unwrap_or_else(|| SnapshotFile::for_collection(collection));
                        file.snapshots
                            .insert(format!("{thread}/{round}"), entry.clone());
                        std::thread::yield_now();
                        write(path, &file).expect("written");
                    }
                });
            }
        });
        let file = read(&path).expect("readable").expect("a file");
        assert_eq!(file.snapshots.len(), 40);
        assert!(dir.path().join(DIRECTORY).join(LOCK_FILE).is_file());
    }

    #[test]
    fn a_key_written_twice_is_refused_where_the_second_one_is() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.snap.yaml");
        let twice = "collection: c.yaml\nsnapshots:\n  list:\n    status: 200\n  other:\n    status: 200\n  list:\n    status: 404\n";
        std::fs::write(&path, twice).expect("write");
        let error = read(&path).expect_err("a key twice");
        assert!(
            matches!(&error, StoreError::Invalid { at: Some((7, 3)), reason, .. } if reason == "snapshots: duplicate key `list`: a key may appear only once in a map"),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "snapshot file {}:7:3 is not valid: snapshots: duplicate key `list`: a key may appear only once in a map; fix it or delete it and record the snapshots again",
                path.display()
            )
        );
        // Inside an entry too.
        std::fs::write(
            &path,
            "collection: c.yaml\nsnapshots:\n  list:\n    status: 200\n    status: 404\n",
        )
        .expect("write");
        let error = read(&path).expect_err("a key twice");
        assert!(
            matches!(
                &error,
                StoreError::Invalid {
                    at: Some((5, 5)),
                    ..
                }
            ),
            "{error:?}"
        );
        // A `base64` that is not base64 is placed too (yaml_serde places it in its entry, and
        // the reason names the entry).
        std::fs::write(
            &path,
            "collection: c.yaml\nsnapshots:\n  bytes:\n    status: 200\n    base64: Y2Fm6Q=!\n",
        )
        .expect("write");
        let error = read(&path).expect_err("not base64");
        assert!(
            matches!(&error, StoreError::Invalid { at: Some(_), reason, .. } if reason.starts_with("snapshots.bytes: `base64` is not base64")),
            "{error:?}"
        );
    }
}
