//! The secret inputs' values a problem found before the collections load may quote: a cell of
//! a `--data` file, a value in a `--vars-file`, equal to a secret the run reads from its
//! environment (`inputs: { API_PW: { secret: true } }`). The collections have not loaded
//! (their checks need the data's columns, or they failed), so the declarations are read from
//! the files' YAML alone, included files too. Only regular files are read: a collection from
//! a pipe was read already, or would wait on a terminal.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

/// Included files followed at most, as the loader nests steps.
const MOST_DEPTH: usize = 64;

/// The secrets of `runner run`'s command line (`--secret` values, a proxy's credentials) and
/// the values of the secret inputs its collections declare: what is masked in what the run
/// tells from its arguments alone (a problem of a data or vars file, `--curl`'s network
/// options).
pub(super) fn of_run(args: &super::args::RunArgs) -> runner::redact::Redactor {
    let proxy = runner::http::network::proxy_secrets(args.proxy.as_deref());
    let flags = args.secrets.iter().map(|(_, value)| value.as_str());
    problem_secrets(
        flags.chain(proxy.iter().map(String::as_str)),
        &args.paths,
        |name| std::env::var(name).ok(),
    )
}

/// The secrets a problem of the command line's files is masked with: `flags` (the
/// `--secret` values and the like) and the secret inputs the collections `paths` names
/// declare, their values read by `read_env` (the environment) or else their defaults.
pub(super) fn problem_secrets<'a>(
    flags: impl IntoIterator<Item = &'a str>,
    paths: &[PathBuf],
    read_env: impl Fn(&str) -> Option<String>,
) -> runner::redact::Redactor {
    let mut secrets = super::load::command_secrets(flags);
    for value in declared_values(paths, read_env) {
        secrets.add(&value);
    }
    secrets
}

/// The values of every secret input the collections `paths` names declare, their included
/// files' too: from `read_env`, else the declared default; an empty one counts as unset, as
/// the run counts it. A file that does not read declares nothing here (its problem is told by
/// the loader), and a path that names nothing leaves the others' found.
fn declared_values(paths: &[PathBuf], read_env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut names = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        let files = super::paths::collection_files(std::slice::from_ref(path)).unwrap_or_default();
        for file in files {
            declared_in(&file, 0, &mut seen, &mut names);
        }
    }
    names
        .into_iter()
        .filter_map(|(name, default)| {
            read_env(&name)
                .filter(|value| !value.is_empty())
                .or(default)
                .filter(|value| !value.is_empty())
        })
        .collect()
}

/// Adds the secret inputs (name, default) `file` declares, and those of the files it includes.
fn declared_in(
    file: &Path,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
    found: &mut Vec<(String, Option<String>)>,
) {
    if depth > MOST_DEPTH || !std::fs::metadata(file).is_ok_and(|meta| meta.is_file()) {
        return;
    }
    let key = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned());
    if !seen.insert(key) {
        return;
    }
    let Ok(bytes) = runner::spec::file::read(file) else {
        return;
    };
    // A file the loader refuses for its depth is not parsed here either (it would take a
    // minute); it declares nothing a run could use.
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return;
    };
    if runner::collection::nests_too_deep(text) {
        return;
    }
    let Ok(document) = serde_yaml::from_str::<Value>(text) else {
        return;
    };
    if let Some(Value::Mapping(inputs)) = document.get("inputs") {
        for (name, input) in inputs {
            let (Some(name), Some(true)) =
                (name.as_str(), input.get("secret").and_then(Value::as_bool))
            else {
                continue;
            };
            let default = input
                .get("default")
                .and_then(Value::as_str)
                .map(str::to_owned);
            found.push((name.to_owned(), default));
        }
    }
    let folder = runner::spec::file::folder_of(file);
    let mut included = Vec::new();
    includes(&document, &mut included);
    for path in included {
        declared_in(&folder.join(path), depth + 1, seen, found);
    }
}

/// The paths the `include` keys of `value`'s steps (at any depth) name.
fn includes(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    (Some("include"), Value::String(path)) => found.push(path.clone()),
                    _ => includes(value, found),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| includes(item, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_input_is_found_in_a_file_and_in_what_it_includes_and_a_plain_one_is_not() {
        let dir = std::env::temp_dir().join(format!("runner-secret-inputs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        std::fs::write(
            dir.join("main.yaml"),
            "name: x\ninputs:\n  PW_A: { secret: true }\n  PLAIN: {}\n  PW_EMPTY: { secret: true, default: its-default }\nsteps:\n  - name: shared\n    include: shared.yaml\n",
        )
        .expect("written");
        std::fs::write(
            dir.join("shared.yaml"),
            "name: y\ninputs:\n  PW_B: { secret: true, default: fallback-pw }\nsteps:\n  - name: again\n    include: main.yaml\n",
        )
        .expect("written");
        let env = |name: &str| match name {
            "PW_A" => Some("from-the-environment".to_owned()),
            "PLAIN" => Some("not-a-secret".to_owned()),
            "PW_EMPTY" => Some(String::new()),
            _ => None,
        };
        // A path that names nothing leaves the others' inputs found.
        let paths = [dir.join("main.yaml"), dir.join("missing.yaml")];
        let values = declared_values(&paths, env);
        assert_eq!(
            values,
            ["from-the-environment", "its-default", "fallback-pw"]
        );
        std::fs::remove_dir_all(&dir).expect("removed");
    }
}
