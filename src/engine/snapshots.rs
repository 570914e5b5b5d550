//! `expect.snapshot` in a run: the step's key, its response as an entry, the comparison with
//! the approved entry the caller loaded, and what is left to record. The engine writes no
//! file: each [`super::StepResult`] carries what to record, and an observer stores it.

use std::collections::HashMap;
use std::path::PathBuf;

use super::state::Run;
use crate::check::expect::Failure;
use crate::check::snapshot::SnapshotExpectation;
use crate::check::ResponseView;
use crate::snapshot::{diff, Entry, SnapshotFile, SnapshotPaths};

/// The most lines of a diff a failure shows; `runner snapshots review` shows them all.
const DIFF_LINES: usize = 12;

/// What a run does with a snapshot that is missing or differs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SnapshotMode {
    /// Fail, and record the response as pending (`.snap.yaml.new`) for review.
    #[default]
    Record,
    /// Approve what the run saw (`--update-snapshots`): the step passes.
    Update,
    /// Fail and record nothing (in CI).
    ReadOnly,
}

/// The approved snapshots of the collections a run runs, and what to do with a change.
#[derive(Debug, Clone, Default)]
pub struct Snapshots {
    /// The approved snapshot file of each collection, by the collection's path.
    pub approved: HashMap<PathBuf, SnapshotFile>,
    /// What to do when a snapshot is missing or differs.
    pub mode: SnapshotMode,
}

/// A snapshot a step leaves to be stored: pending, or approved with `--update-snapshots`.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotSeen {
    /// The entry's key: the step's id or name, then ` #2` for its second run in one
    /// collection run, then ` (iteration N)`.
    pub key: String,
    /// What the response gave (masked).
    pub entry: Entry,
    /// Store it as approved (`--update-snapshots`), not as pending.
    pub approve: bool,
}

/// Compares the step's response with its approved snapshot: a failure if it is missing or
/// differs (unless the run approves), and what to record.
pub(super) fn compare(
    expectation: &SnapshotExpectation,
    view: &ResponseView<'_>,
    id: Option<&str>,
    name: &str,
    run: &mut Run<'_>,
) -> (Option<Failure>, Option<Box<SnapshotSeen>>) {
    let key = key(id, name, run);
    let entry = expectation.entry(view, &run.redactor);
    let snapshots = &run.options.snapshots;
    let collection = &run.collection.path;
    let approved = snapshots
        .approved
        .get(collection)
        .and_then(|file| file.snapshots.get(&key));
    if approved.is_some_and(|approved| diff::same(approved, &entry)) {
        return (None, None);
    }
    let paths = SnapshotPaths::of(collection);
    let mode = snapshots.mode;
    let seen = |approve: bool| {
        Some(Box::new(SnapshotSeen {
            key: key.clone(),
            entry: entry.clone(),
            approve,
        }))
    };
    if mode == SnapshotMode::Update {
        return (None, seen(true));
    }
    let expected = format!(
        "the approved snapshot `{key}` in {}",
        paths.approved.display()
    );
    let next = match mode {
        SnapshotMode::ReadOnly => format!(
            "nothing was recorded because CI is set: run it locally, approve with `runner snapshots review` (or `runner run --update-snapshots`) and commit {}",
            paths.approved.display()
        ),
        _ => format!(
            "recorded as pending in {}: approve it with `runner snapshots review` (or `runner run --update-snapshots`)",
            paths.pending.display()
        ),
    };
    let actual = match approved {
        None => format!("no approved snapshot; {next}"),
        Some(approved) => {
            let lines = diff::describe(approved, &entry);
            // How to approve comes first: a message is cut at its end, never there.
            let mut text = format!(
                "{} difference{}, {next}:",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            );
            for line in lines.iter().take(DIFF_LINES) {
                text.push('\n');
                // The entries are masked already: cutting a line cannot uncover a secret.
                text.push_str(&crate::spec::text::shorten(line, DIFF_LINE_CHARS));
            }
            if lines.len() > DIFF_LINES {
                text.push_str(&format!(
                    "\n… and {} more (`runner snapshots review` shows them all)",
                    lines.len() - DIFF_LINES
                ));
            }
            text
        }
    };
    let failure = Failure::new(["expect", "snapshot"], "snapshot", expected, actual);
    let record = (mode == SnapshotMode::Record)
        .then(|| seen(false))
        .flatten();
    (Some(failure), record)
}

/// The most characters of one line of a snapshot's diff in a message.
const DIFF_LINE_CHARS: usize = 200;

/// The step's key in the snapshot file: its id or name, ` #N` from its second run on in
/// this collection run (a loop with an id), and ` (iteration N)` in a repeated run.
fn key(id: Option<&str>, name: &str, run: &mut Run<'_>) -> String {
    let base = id.unwrap_or(name).to_owned();
    let count = run.snapshot_keys.entry(base.clone()).or_insert(0);
    *count += 1;
    let mut key = base;
    if *count > 1 {
        key.push_str(&format!(" #{count}"));
    }
    if let Some((n, _)) = run.options.iteration {
        key.push_str(&format!(" (iteration {n})"));
    }
    key
}

/// True when every failure of `outcome` is a snapshot's.
pub(super) fn only_snapshot_failed(outcome: &super::Outcome) -> bool {
    match outcome {
        super::Outcome::Failed(failures) => failures
            .iter()
            .all(|f| crate::check::snapshot::is_snapshot_field(&f.field)),
        _ => false,
    }
}
