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

/// The most lines of a diff a failure shows, a text diff's headers not counted; `runner
/// snapshots review` shows them all.
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
            let found = diff::describe(approved, &entry);
            // How to approve comes first: a message is cut at its end, never there.
            let mut text = format!(
                "{} difference{}, {next}:",
                found.count,
                if found.count == 1 { "" } else { "s" }
            );
            text.push_str(&shown_lines(&found.lines));
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

/// The first [`DIFF_LINES`] lines of a diff, each on a line of its own after a newline, and
/// how many more there are. A text diff's headers (`--- approved`, `@@ … @@`) and notes do
/// not count: a header is shown with the line after it, a note with the line before it.
fn shown_lines(lines: &[diff::Line]) -> String {
    let mut text = String::new();
    let mut shown = 0;
    let mut last_shown = false;
    let mut headers: Vec<&str> = Vec::new();
    let push = |text: &mut String, line: &str| {
        text.push('\n');
        // The entries are masked already: cutting a line cannot uncover a secret.
        text.push_str(&crate::spec::text::shorten(line, DIFF_LINE_CHARS));
    };
    for line in lines {
        match line {
            diff::Line::Header(header) => headers.push(header),
            diff::Line::Note(note) => {
                if last_shown {
                    push(&mut text, note);
                }
            }
            diff::Line::Shown(line) => {
                last_shown = shown < DIFF_LINES;
                if last_shown {
                    for header in headers.drain(..) {
                        push(&mut text, header);
                    }
                    push(&mut text, line);
                    shown += 1;
                }
            }
        }
    }
    let total = lines
        .iter()
        .filter(|line| matches!(line, diff::Line::Shown(_)))
        .count();
    if total > shown {
        let more = total - shown;
        text.push_str(&format!(
            "\n… and {more} more line{} (`runner snapshots review` shows them all)",
            if more == 1 { "" } else { "s" }
        ));
    }
    text
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Entry;

    fn text(text: &str) -> Entry {
        Entry {
            status: 200,
            headers: Default::default(),
            json: None,
            text: Some(text.to_owned()),
            base64: None,
            secrets: None,
        }
    }

    #[test]
    fn a_text_diff_shows_twelve_lines_of_change_its_headers_not_counted() {
        let old: String = (1..=30).map(|n| format!("line {n}\n")).collect();
        let new = old.replace("line 2\n", "line two\n");
        let found = diff::describe(&text(&old), &text(&new));
        assert_eq!(found.count, 1);
        let shown = shown_lines(&found.lines);
        assert_eq!(
            shown,
            "\n--- approved\n+++ received\n@@ -1,4 +1,4 @@\n line 1\n-line 2\n+line two\n line 3\n line 4"
        );
        // Every line of the old text goes and one comes: 31 lines, 12 shown.
        let found = diff::describe(&text(&old), &text("one\n"));
        assert_eq!(found.count, 30);
        let shown = shown_lines(&found.lines);
        assert_eq!(shown.lines().filter(|l| l.starts_with('-')).count(), 13);
        assert!(shown.starts_with("\n--- approved\n+++ received\n@@ -1,30 +1 @@\n-line 1\n"));
        assert!(
            shown.ends_with(
                "\n-line 12\n… and 19 more lines (`runner snapshots review` shows them all)"
            ),
            "{shown}"
        );
        // A note goes with the line before it.
        let found = diff::describe(&text("a\nb"), &text("a\nc"));
        assert_eq!(
            shown_lines(&found.lines),
            "\n--- approved\n+++ received\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file"
        );
    }
}
