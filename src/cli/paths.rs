//! Turns the PATH arguments of `run`, `validate` and `list` into collection files: files as
//! given, directories searched recursively, globs expanded. Order is the order of the
//! arguments, then path order within a directory or glob; each file once, however many
//! paths lead to it. A directory is searched once however many links lead to it, so a
//! symbolic link back up the tree (`sub/loop -> ..`) is not a loop.
//!
//! A file named on its own may be a stream: a pipe (`<(cmd)`, `/dev/stdin`, `-` for standard
//! input, a FIFO) or a device, read up to [`runner::spec::file::MOST_STREAMED`] bytes when the
//! collection loads. A search never opens one: what it finds is only read when it is a
//! regular file, and a `.yaml`/`.yml` entry that is not one (a FIFO, a socket, a device) is
//! an error, as is a folder or entry it cannot read (an unreadable folder, a dangling link, a
//! loop of links) — a folder's collections are all accounted for, or none run.

use std::collections::HashSet;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// What makes two paths one collection: a regular file's resolved path, or a stream's device
/// and inode (`/dev/stdin` and `/proc/self/fd/0` are one pipe, which can be read only once).
#[derive(PartialEq, Eq, Hash)]
enum Identity {
    Path(PathBuf),
    Node(u64, u64),
}

/// Expands `arguments`; every argument that names nothing is an error, and so is every
/// folder or entry a search cannot read.
pub(super) fn collection_files(arguments: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<String>> {
    let mut files = Vec::new();
    // The files found so far, as the file system names them (links resolved).
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for argument in arguments {
        // `-` is standard input, as for `cat`.
        let argument = if argument.as_os_str() == "-" {
            Path::new("/dev/stdin")
        } else {
            argument.as_path()
        };
        let text = argument.to_string_lossy();
        let mut errors = Vec::new();
        let found = if text.contains(['*', '?', '[']) {
            glob_collections(&text, &mut errors)
        } else {
            match std::fs::metadata(argument) {
                Ok(meta) if meta.is_dir() => {
                    let mut found = Vec::new();
                    walk(argument, &mut HashSet::new(), &mut found, &mut errors);
                    found.sort();
                    Ok(found)
                }
                Ok(meta) if meta.file_type().is_socket() => Err(format!(
                    "`{}` is a socket, not a collection file or a folder",
                    argument.display()
                )),
                // A regular file, or a stream (a pipe, a device) read when it loads.
                Ok(_) => Ok(vec![argument.to_owned()]),
                Err(error) => Err(unreadable(argument, &error)),
            }
        };
        match found {
            // A search that met an error says so, whatever else it found; in path order, as
            // its files are.
            _ if !errors.is_empty() => {
                errors.sort();
                problems.append(&mut errors);
            }
            Ok(found) if found.is_empty() => problems.push(format!(
                "`{}` holds no collections (YAML files with `steps:`)",
                argument.display()
            )),
            Ok(found) => {
                for file in found {
                    if seen.insert(identity(&file)) {
                        files.push(file);
                    }
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// What `file` is, to tell it from every other (see [`Identity`]).
fn identity(file: &Path) -> Identity {
    match std::fs::metadata(file) {
        Ok(meta) if !meta.is_file() => Identity::Node(meta.dev(), meta.ino()),
        _ => Identity::Path(std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned())),
    }
}

fn glob_collections(pattern: &str, errors: &mut Vec<String>) -> Result<Vec<PathBuf>, String> {
    let paths = glob::glob(pattern).map_err(|e| format!("`{pattern}` is not a valid glob: {e}"))?;
    let mut found = Vec::new();
    for path in paths {
        match path {
            Ok(path) => match std::fs::metadata(&path) {
                // A glob matches files; a folder it matches is not searched.
                Ok(meta) if meta.is_dir() => {}
                Ok(meta) => {
                    if let Some(file) = candidate(&path, &meta, errors) {
                        found.push(file);
                    }
                }
                Err(error) => errors.push(unreadable(&path, &error)),
            },
            Err(error) => errors.push(format!(
                "cannot search `{}` for `{pattern}`: {}{}",
                error.path().display(),
                error.error(),
                FOLDER_HINT
            )),
        }
    }
    found.sort();
    Ok(found)
}

/// What is told after a folder a search cannot read.
const FOLDER_HINT: &str = "; runner reads every folder it searches, so that no collection in it is left out in silence: make it readable (`chmod u+rx`), or name the collections to run";

/// Collects the collections under `dir`, skipping a directory already searched (`searched`
/// holds their resolved paths); what it cannot read goes to `errors`.
fn walk(
    dir: &Path,
    searched: &mut HashSet<PathBuf>,
    found: &mut Vec<PathBuf>,
    errors: &mut Vec<String>,
) {
    let real = match std::fs::canonicalize(dir) {
        Ok(real) => real,
        Err(error) => {
            errors.push(unreadable(dir, &error));
            return;
        }
    };
    if !searched.insert(real) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(format!(
                "cannot read folder `{}`: {error}{FOLDER_HINT}",
                dir.display()
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                errors.push(format!(
                    "cannot read folder `{}`: {error}{FOLDER_HINT}",
                    dir.display()
                ));
                return;
            }
        };
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        // Links followed: a link to a folder is searched, a link to a file read.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, searched, found, errors),
            Ok(meta) => found.extend(candidate(&path, &meta, errors)),
            Err(error) => errors.push(unreadable(&path, &error)),
        }
    }
}

/// `path` (not a folder; `meta` as its links lead) when it is a collection; an error when it
/// is named as one but is not a regular file, which a search does not open (a FIFO would wait
/// for a writer forever).
fn candidate(path: &Path, meta: &std::fs::Metadata, errors: &mut Vec<String>) -> Option<PathBuf> {
    if !is_yaml(path) {
        return None;
    }
    if meta.is_file() {
        return is_collection(path).then(|| path.to_owned());
    }
    let kind = meta.file_type();
    let what = if kind.is_fifo() {
        "a pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    };
    errors.push(format!(
        "`{}` is {what}, not a collection file: a folder or glob is searched for regular files only, and never waits on a pipe or device; name it on its own to read it (`runner run {}`), or move it out of the folder",
        path.display(),
        path.display()
    ));
    None
}

/// Why `path` cannot be read, said for a missing file, a dangling link and a loop of links.
fn unreadable(path: &Path, error: &io::Error) -> String {
    let link = std::fs::read_link(path).ok();
    match (error.kind(), link) {
        (io::ErrorKind::NotFound, Some(target)) => format!(
            "`{}` is a symbolic link to `{}`, which does not exist: point the link at a collection or a folder, or remove it",
            path.display(),
            target.display()
        ),
        (io::ErrorKind::NotFound, None) => match near_name(path) {
            Some(near) => format!(
                "`{}` does not exist (did you mean `{}`?)",
                path.display(),
                near.display()
            ),
            None => format!("`{}` does not exist", path.display()),
        },
        // `ErrorKind::FilesystemLoop` is not stable.
        _ if error.raw_os_error() == Some(libc::ELOOP) => format!(
            "`{}` is a loop of symbolic links (each leads to the next, and back), which lead to no file: point the link at a collection or a folder, or remove it",
            path.display()
        ),
        _ => format!("cannot read `{}`: {error}", path.display()),
    }
}

/// A file or folder beside where `path` would be, named nearly as it is (a typo): the folder's
/// first 10,000 entries are looked at, not a tree.
fn near_name(path: &Path) -> Option<std::path::PathBuf> {
    let name = path.file_name()?.to_str()?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    let entries = std::fs::read_dir(folder.unwrap_or(Path::new("."))).ok()?;
    let names: Vec<String> = entries
        .take(10_000)
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    let near = runner::spec::text::did_you_mean(name, names.iter().map(String::as_str))?;
    Some(folder.map_or_else(|| near.into(), |folder| folder.join(near)))
}

/// Whether `path` is named as a YAML file.
fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "yaml" || ext == "yml")
}

/// A `.yaml`/`.yml` file whose top level is a map with `steps`, or with a key only a
/// collection has, or a key one typo away from `steps` (`stpes:`) — or that is not valid
/// YAML at all, or cannot be read: so that the loader reports it rather than it being skipped
/// in silence. `path` is a regular file.
fn is_collection(path: &Path) -> bool {
    is_yaml(path)
        && std::fs::read_to_string(path)
            .map(|text| {
                runner::collection::top_level_keys(&text)
                    .is_none_or(|keys| keys.iter().any(|key| is_collection_key(key)))
            })
            .unwrap_or(true)
}

/// Keys that make a YAML file a collection: `steps`, a near miss of it, or a key no other
/// common YAML file (CI workflows, compose files, Kubernetes manifests) has at its top.
fn is_collection_key(key: &str) -> bool {
    const ONLY_IN_COLLECTIONS: [&str; 4] = ["steps", "default_environment", "finally", "inputs"];
    if ONLY_IN_COLLECTIONS.contains(&key) {
        return true;
    }
    let lower = key.to_ascii_lowercase();
    let mut letters: Vec<char> = lower.chars().collect();
    letters.sort_unstable();
    // A transposition (`stpes`), or one letter added, dropped or changed (`step`, `stepz`).
    letters == ['e', 'p', 's', 's', 't']
        || runner::collection::diagnostic::did_you_mean(&lower, ["steps"]).is_some()
}
