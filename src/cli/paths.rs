//! Turns the PATH arguments of `run`, `validate` and `list` into collection files: files as
//! given, directories searched recursively, globs expanded. Order is the order of the
//! arguments, then path order within a directory or glob; each file once, however many
//! paths lead to it. A directory is searched once however many links lead to it, so a
//! symbolic link back up the tree (`sub/loop -> ..`) is not a loop.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Expands `arguments`; every argument that names nothing is an error.
pub(super) fn collection_files(arguments: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<String>> {
    let mut files = Vec::new();
    // The files found so far, as the file system names them (links resolved).
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for argument in arguments {
        let text = argument.to_string_lossy();
        let found = if text.contains(['*', '?', '[']) {
            glob_collections(&text)
        } else if argument.is_dir() {
            let mut found = Vec::new();
            walk(argument, &mut HashSet::new(), &mut found);
            found.sort();
            Ok(found)
        } else if argument.is_file() {
            Ok(vec![argument.clone()])
        } else {
            match std::fs::metadata(argument) {
                Ok(_) => Err(format!(
                    "`{}` is not a collection file or a folder (a device, a pipe or a socket)",
                    argument.display()
                )),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    Err(format!("`{}` does not exist", argument.display()))
                }
                Err(error) => Err(format!("cannot read `{}`: {error}", argument.display())),
            }
        };
        match found {
            Ok(found) if found.is_empty() => problems.push(format!(
                "`{}` holds no collections (YAML files with `steps:`)",
                argument.display()
            )),
            Ok(found) => {
                for file in found {
                    let real = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
                    if seen.insert(real) {
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

fn glob_collections(pattern: &str) -> Result<Vec<PathBuf>, String> {
    let paths = glob::glob(pattern).map_err(|e| format!("`{pattern}` is not a valid glob: {e}"))?;
    let mut found: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|path| path.is_file() && is_collection(path))
        .collect();
    found.sort();
    Ok(found)
}

/// Collects the collections under `dir`, skipping a directory already searched (`searched`
/// holds their resolved paths).
fn walk(dir: &Path, searched: &mut HashSet<PathBuf>, found: &mut Vec<PathBuf>) {
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if !searched.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, searched, found);
        } else if is_collection(&path) {
            found.push(path);
        }
    }
}

/// A `.yaml`/`.yml` file whose top level is a map with `steps`, or with a key only a
/// collection has, or a key one typo away from `steps` (`stpes:`) — or that is not valid
/// YAML at all: so that the loader reports it rather than it being skipped in silence.
fn is_collection(path: &Path) -> bool {
    let yaml = path
        .extension()
        .is_some_and(|ext| ext == "yaml" || ext == "yml");
    yaml && std::fs::read_to_string(path)
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
