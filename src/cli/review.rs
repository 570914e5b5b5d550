//! `runner snapshots review`: each pending snapshot shown as a diff against the approved one,
//! accepted, rejected or skipped (asked on a terminal, `--accept-all` / `--reject-all`
//! otherwise); stale snapshots, of steps that no longer exist, listed and `--prune`d.
//! What it shows goes to stdout; a file it cannot read or use goes to stderr, once, and
//! ends it with exit code 2 (invalid input), as everywhere else.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::args::{ColorWhen, ReviewArgs};
use super::exit_code;
use runner::collection::{Action, Collection, Step};
use runner::snapshot::store::{self, APPROVED_SUFFIX, DIRECTORY, PENDING_SUFFIX};
use runner::snapshot::{diff, Entry, SnapshotFile, SnapshotPaths, StoreError};

/// What a review does with one pending snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Accept,
    Reject,
    Skip,
}

/// Why a snapshot file could not be reviewed, and the exit code that makes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    /// [`exit_code::INVALID_INPUT`] for a file that cannot be read or is not valid (or a
    /// collection that does not load), [`exit_code::RUNTIME_ERROR`] for one that cannot be
    /// written.
    code: u8,
    message: String,
}

impl Problem {
    /// Invalid input.
    fn invalid(message: String) -> Self {
        Problem {
            code: exit_code::INVALID_INPUT,
            message,
        }
    }
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Self {
        let code = match &error {
            StoreError::Io { action, .. } if *action != "read" => exit_code::RUNTIME_ERROR,
            _ => exit_code::INVALID_INPUT,
        };
        Problem {
            code,
            message: error.to_string(),
        }
    }
}

/// `runner snapshots review`.
pub(super) fn review(args: &ReviewArgs, color: ColorWhen) -> u8 {
    let mut out = anstream::AutoStream::new(std::io::stdout(), color.choice());
    let mut err = anstream::AutoStream::new(std::io::stderr(), color.choice());
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (pending_files, approved_files) = match snapshot_files(&roots) {
        Ok(found) => found,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return exit_code::INVALID_INPUT;
        }
    };
    let interactive = std::io::stdin().is_terminal() && !args.accept_all && !args.reject_all;
    let mut undecided = 0usize;
    let mut code = exit_code::SUCCESS;
    // A file that is not valid is found by the review of its pending file and again by the
    // search for stale snapshots: it is told once.
    let mut problems: Vec<Problem> = Vec::new();
    let mut found = |problem: Problem, code: &mut u8| {
        *code = (*code).max(problem.code);
        if !problems.contains(&problem) {
            let _ = writeln!(err, "error: {}", problem.message);
            problems.push(problem);
        }
    };
    let mut input = std::io::stdin().lock();
    for pending_path in &pending_files {
        match review_file(pending_path, args, interactive, &mut input, &mut out) {
            Ok(left) => undecided += left,
            Err(problem) => found(problem, &mut code),
        }
    }
    let mut stale_total = 0usize;
    let approved_files: Vec<PathBuf> = approved_files
        .into_iter()
        .chain(pending_files.iter().map(|p| approved_of(p)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for approved_path in &approved_files {
        match stale(approved_path, args.prune, &mut out) {
            Ok(count) => stale_total += count,
            Err(problem) => found(problem, &mut code),
        }
    }
    if pending_files.is_empty() && stale_total == 0 && code == exit_code::SUCCESS {
        let _ = writeln!(out, "no pending snapshots");
    }
    if stale_total > 0 && !args.prune {
        let _ = writeln!(
            out,
            "{stale_total} stale snapshot{}: run `runner snapshots review --prune` to remove {}",
            if stale_total == 1 { "" } else { "s" },
            if stale_total == 1 { "it" } else { "them" }
        );
    }
    if undecided > 0 {
        let _ = writeln!(
            out,
            "{undecided} pending snapshot{} left undecided: not a terminal, so pass `--accept-all` or `--reject-all`",
            if undecided == 1 { "" } else { "s" }
        );
        code = code.max(exit_code::FAILED);
    }
    code
}

/// The approved file a pending one belongs to.
fn approved_of(pending: &Path) -> PathBuf {
    let text = pending.to_string_lossy();
    match text.strip_suffix(PENDING_SUFFIX) {
        Some(stem) => PathBuf::from(format!("{stem}{APPROVED_SUFFIX}")),
        None => PathBuf::from(text.as_ref()),
    }
}

/// Every pending and approved snapshot file under `roots` (a collection file names its own).
fn snapshot_files(roots: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), String> {
    let mut pending = Vec::new();
    let mut approved = Vec::new();
    let mut sort = |path: PathBuf| {
        let name = path.to_string_lossy();
        if name.ends_with(PENDING_SUFFIX) {
            pending.push(path);
        } else if name.ends_with(APPROVED_SUFFIX) {
            approved.push(path);
        }
    };
    for root in roots {
        if root.is_file() {
            let paths = SnapshotPaths::of(root);
            for path in [paths.pending, paths.approved] {
                if path.is_file() {
                    sort(path);
                }
            }
            continue;
        }
        if !root.is_dir() {
            return Err(format!(
                "`{}` is not a file or directory; give a collection or a directory that holds `__snapshots__`",
                root.display()
            ));
        }
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                // Symbolic links to directories are not followed (a link cycle would never end).
                if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                    let skip = name.starts_with('.') || name == "target" || name == "node_modules";
                    if !skip {
                        stack.push(path);
                    }
                } else if dir.file_name().is_some_and(|d| d == DIRECTORY) {
                    sort(path);
                }
            }
        }
    }
    pending.sort();
    pending.dedup();
    approved.sort();
    approved.dedup();
    Ok((pending, approved))
}

/// Reviews one pending file; returns how many entries were left undecided. What was decided
/// is written under the lock of the snapshot directory, into the files as they are then: a
/// run that recorded or approved snapshots while this one asked keeps them.
fn review_file(
    pending_path: &Path,
    args: &ReviewArgs,
    interactive: bool,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<usize, Problem> {
    let approved_path = approved_of(pending_path);
    let Some(pending) = store::read(pending_path)? else {
        return Ok(0);
    };
    let approved = store::read(&approved_path)?;
    let mut accepted: IndexMap<String, Entry> = IndexMap::new();
    let mut decided: IndexMap<String, Entry> = IndexMap::new();
    let mut left = 0;
    for (key, entry) in &pending.snapshots {
        let old = approved.as_ref().and_then(|file| file.snapshots.get(key));
        let _ = writeln!(
            out,
            "── {} · `{key}` ({}) ──",
            pending.collection,
            if old.is_some() { "changed" } else { "new" }
        );
        match old {
            Some(old) => {
                for line in diff::describe(old, entry).lines {
                    let _ = writeln!(
                        out,
                        "  {}",
                        runner::spec::text::printable(line.text(), false)
                    );
                }
            }
            None => {
                let yaml = serde_yaml::to_string(entry).unwrap_or_default();
                for line in yaml.lines() {
                    let _ = writeln!(out, "  + {}", runner::spec::text::printable(line, false));
                }
            }
        }
        let decision = if args.accept_all {
            Decision::Accept
        } else if args.reject_all {
            Decision::Reject
        } else if interactive {
            ask(input, out)
        } else {
            Decision::Skip
        };
        match decision {
            Decision::Accept => {
                accepted.insert(key.clone(), entry.clone());
                decided.insert(key.clone(), entry.clone());
            }
            Decision::Reject => {
                decided.insert(key.clone(), entry.clone());
            }
            Decision::Skip => left += 1,
        }
    }
    let left = if interactive { 0 } else { left };
    // Nothing decided leaves the files as they are (a pending file without entries goes).
    if decided.is_empty() && !pending.snapshots.is_empty() {
        return Ok(left);
    }
    let _lock = store::lock(pending_path)?;
    if !accepted.is_empty() {
        let mut approved = store::read(&approved_path)?.unwrap_or_else(|| SnapshotFile {
            collection: pending.collection.clone(),
            snapshots: IndexMap::new(),
        });
        let count = accepted.len();
        approved.snapshots.extend(accepted);
        store::write(&approved_path, &approved)?;
        let _ = writeln!(out, "accepted {count} into {}", approved_path.display());
    }
    if let Some(mut now) = store::read(pending_path)? {
        let before = now.snapshots.len();
        // A decided entry leaves the file, unless a run recorded another one under its key
        // since it was shown: that one waits for the next review.
        now.snapshots
            .retain(|key, entry| decided.get(key) != Some(&*entry));
        if now.snapshots.is_empty() {
            store::remove(pending_path)?;
        } else if now.snapshots.len() != before {
            store::write(pending_path, &now)?;
        }
    }
    Ok(left)
}

/// Asks on the terminal: accept, reject or skip.
fn ask(input: &mut impl BufRead, out: &mut impl Write) -> Decision {
    loop {
        let _ = write!(out, "accept this snapshot? [a]ccept / [r]eject / [s]kip: ");
        let _ = out.flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Decision::Skip,
            Ok(_) => {}
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "a" | "accept" | "y" | "yes" => return Decision::Accept,
            "r" | "reject" | "n" | "no" => return Decision::Reject,
            "s" | "skip" | "" => return Decision::Skip,
            _ => {}
        }
    }
}

/// Lists (and with `prune`, removes) the entries of an approved file whose step no longer
/// exists; returns how many there were.
fn stale(approved_path: &Path, prune: bool, out: &mut impl Write) -> Result<usize, Problem> {
    let Some(file) = store::read(approved_path)? else {
        return Ok(0);
    };
    let collection_path = file.collection_path(approved_path);
    let keys = if collection_path.is_file() {
        let (collection, problems) = Collection::load_partial(&collection_path);
        let Some(collection) = collection else {
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(Problem::invalid(format!(
                "cannot load `{}` to find stale snapshots: {first}",
                collection_path.display()
            )));
        };
        match snapshot_steps(&collection) {
            Some(keys) => keys,
            // A templated name without an id: its keys cannot be known without running it.
            None => return Ok(0),
        }
    } else {
        SnapshotKeys::default()
    };
    let stale: Vec<String> = file
        .snapshots
        .keys()
        .filter(|key| !keys.keys.contains(base(key)))
        .cloned()
        .collect();
    for key in &stale {
        // A step that has this name but an id stores its snapshot under the id: this entry
        // is never compared again.
        let collection = collection_path.display();
        let why = match keys.ids.get(base(key)) {
            Some(id) => format!(
                "the step of {collection} named `{}` has the id `{id}`, and a step with an id stores its snapshot under the id",
                base(key)
            ),
            None => format!(
                "no step of {collection} with a snapshot has this key: its id, or its name if it has none"
            ),
        };
        let _ = writeln!(
            out,
            "stale: `{key}` in {} ({why}){}",
            approved_path.display(),
            if prune { ": removed" } else { "" }
        );
    }
    if prune && !stale.is_empty() {
        // Read again under the lock: what a run approved since stays.
        let _lock = store::lock(approved_path)?;
        if let Some(mut file) = store::read(approved_path)? {
            file.snapshots.retain(|key, _| !stale.contains(key));
            if file.snapshots.is_empty() {
                store::remove(approved_path)?;
            } else {
                store::write(approved_path, &file)?;
            }
        }
    }
    Ok(stale.len())
}

/// A key without its iteration, repeat and loop-item suffixes: the step's id or name.
fn base(key: &str) -> &str {
    let mut key = key;
    if let Some(at) = key.rfind(" (iteration ") {
        if key.ends_with(')') {
            key = &key[..at];
        }
    }
    if let Some(at) = key.rfind(" #") {
        if key[at + 2..].chars().all(|c| c.is_ascii_digit()) {
            key = &key[..at];
        }
    }
    if key.ends_with(']') {
        if let Some(at) = key.rfind(" [") {
            let inside = &key[at + 2..key.len() - 1];
            if inside
                .split('/')
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            {
                key = &key[..at];
            }
        }
    }
    key
}

/// The keys of the steps of a collection that have a snapshot.
#[derive(Debug, Default)]
struct SnapshotKeys {
    /// Each step's key: its id, or its name (group and include prefixes included) if it has
    /// none.
    keys: HashSet<String>,
    /// The name of each step with an id → the id.
    ids: HashMap<String, String>,
}

/// The keys of the steps with a snapshot; `None` if one has a templated name and no id.
fn snapshot_steps(collection: &Collection) -> Option<SnapshotKeys> {
    fn walk(steps: &[Step], prefix: &str, keys: &mut SnapshotKeys) -> bool {
        for step in steps {
            let name = format!("{prefix}{}", step.name);
            match &step.action {
                Action::Request(request) if request.expect.more().snapshot.is_some() => {
                    match &step.id {
                        Some(id) => {
                            keys.keys.insert(id.clone());
                            keys.ids.insert(name, id.clone());
                        }
                        None if step.name_template.is_some() => return false,
                        None => {
                            keys.keys.insert(name);
                        }
                    }
                }
                Action::Request(_) => {}
                Action::Group(children) => {
                    if !walk(children, &format!("{name} › "), keys) {
                        return false;
                    }
                }
                Action::Include(include) => {
                    if !walk(&include.steps, &format!("{name} › "), keys) {
                        return false;
                    }
                }
            }
        }
        true
    }
    let mut keys = SnapshotKeys::default();
    (walk(&collection.steps, "", &mut keys) && walk(&collection.finally, "", &mut keys))
        .then_some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: u16) -> Entry {
        Entry {
            status,
            headers: Default::default(),
            json: Some(serde_json::json!({ "status": status })),
            text: None,
            base64: None,
            secrets: None,
        }
    }

    #[test]
    fn a_review_on_a_terminal_accepts_rejects_and_skips_as_answered() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = SnapshotPaths::of(&dir.path().join("api.yaml"));
        let mut approved = SnapshotFile::for_collection(&dir.path().join("api.yaml"));
        approved.snapshots.insert("changed".into(), entry(200));
        store::write(&paths.approved, &approved).expect("written");
        let mut pending = approved.clone();
        pending.snapshots.insert("changed".into(), entry(404));
        pending.snapshots.insert("rejected".into(), entry(201));
        pending.snapshots.insert("skipped".into(), entry(202));
        store::write(&paths.pending, &pending).expect("written");
        let args = ReviewArgs {
            paths: Vec::new(),
            accept_all: false,
            reject_all: false,
            prune: false,
        };
        // An unknown answer is asked again.
        let mut input = std::io::Cursor::new("what\na\nr\ns\n");
        let mut out = Vec::new();
        let left = review_file(&paths.pending, &args, true, &mut input, &mut out).expect("ok");
        assert_eq!(left, 0);
        let shown = String::from_utf8_lossy(&out);
        assert!(shown.contains("status: changed from 200 to 404"), "{shown}");
        assert!(
            shown.contains("$.status: changed from 200 to 404"),
            "{shown}"
        );
        assert_eq!(shown.matches("accept this snapshot?").count(), 4, "{shown}");
        let approved = store::read(&paths.approved).expect("ok").expect("file");
        assert_eq!(approved.snapshots["changed"].status, 404);
        assert!(!approved.snapshots.contains_key("rejected"));
        let pending = store::read(&paths.pending).expect("ok").expect("file");
        assert_eq!(pending.snapshots.keys().collect::<Vec<_>>(), ["skipped"]);
    }

    #[test]
    fn a_key_loses_its_suffixes() {
        assert_eq!(super::base("list (iteration 2)"), "list");
        assert_eq!(super::base("list #3 (iteration 2)"), "list");
        assert_eq!(super::base("Group › item [2/5]"), "Group › item");
        assert_eq!(super::base("odd [name]"), "odd [name]");
    }
}
