//! GitHub Actions: one workflow command per failure (`::error file=…,line=…,col=…,title=…::…`),
//! so that each failure shows on the pull request's diff at its line, and a Markdown summary
//! for `$GITHUB_STEP_SUMMARY`. Escaped as GitHub's toolkit does, so that no text (a server's
//! answer included) can end the command early or start another.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::stream::{Format, RunSummary};
use super::RunRecord;
use crate::engine::{CollectionReport, Outcome, StepResult};
use crate::spec::field::Location;

/// `file` as GitHub wants it: relative to the repository's root (`root`) when it is inside.
/// A relative `file` (as given on the command line) is read from the working directory, which
/// a job's `working-directory` puts below the root; `..` and links are resolved.
pub fn relative(file: &Path, root: &Path) -> String {
    let absolute = |path: &Path| match std::env::current_dir() {
        Ok(dir) if path.is_relative() => dir.join(path),
        _ => path.to_owned(),
    };
    // Resolved (`..`, links) where the paths exist, else `..` taken off as written.
    let resolved = |path: PathBuf| path.canonicalize().unwrap_or_else(|_| lexical(&path));
    let (whole, base) = (resolved(absolute(file)), resolved(absolute(root)));
    let inside = whole.strip_prefix(&base).map(Path::to_owned).ok();
    inside.as_deref().unwrap_or(file).display().to_string()
}

/// `path` with each `..` taking off the component before it (and `.` dropped).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The workflow commands, written a collection run at a time (see [`super::stream`]): an
/// `::error` per failure, expectation or error, in run order; files relative to `root` (the
/// repository, `$GITHUB_WORKSPACE`).
pub struct Annotations {
    root: PathBuf,
}

impl Annotations {
    /// Annotations with files relative to `root`.
    pub fn new(root: &Path) -> Annotations {
        Annotations {
            root: root.to_owned(),
        }
    }
}

/// The workflow commands of `run`, all at once.
pub fn annotations(run: &RunRecord, root: &Path) -> String {
    super::stream::render(Box::new(Annotations::new(root)), run)
}

impl Format for Annotations {
    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        let root = self.root.as_path();
        for step in &collection.steps {
            for (location, message) in problems(step) {
                let title = format!("{} › {}", collection.title(), step.name);
                let mut properties = Vec::new();
                if let Some(location) = location.or(step.location.as_ref()) {
                    properties.push(format!(
                        "file={}",
                        property(&relative(&location.file, root))
                    ));
                    properties.push(format!("line={}", location.line));
                    properties.push(format!("col={}", location.column));
                }
                properties.push(format!("title={}", property(&title)));
                let _ = writeln!(out, "::error {}::{}", properties.join(","), data(&message));
            }
        }
    }

    fn head(&mut self, _: &RunSummary, _: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }

    fn tail(&mut self, _: &RunSummary, _: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }
}

/// Each failure of `step` (or its error) with where it is written.
fn problems(step: &StepResult) -> Vec<(Option<&Location>, String)> {
    match &step.outcome {
        Outcome::Failed(failures) => failures
            .iter()
            .map(|f| {
                (
                    f.location.as_ref(),
                    format!("{}: expected {}, got {}", f.subject, f.expected, f.actual),
                )
            })
            .collect(),
        Outcome::Errored(error) => vec![(error.location.as_deref(), error.message.clone())],
        Outcome::Passed | Outcome::Skipped(_) => Vec::new(),
    }
}

/// The most bytes runner's part of `$GITHUB_STEP_SUMMARY` takes: GitHub drops a step's whole
/// summary past 1 MiB (1024k), and the other steps of the job append to the same file, so
/// runner keeps to half of that. Past it the table ends, and a line counts the rows left out.
pub const SUMMARY_BYTES: usize = 512 * 1024;

/// What the head and the closing line may take of [`SUMMARY_BYTES`]: the rows get the rest.
const SUMMARY_FRAME_BYTES: usize = 4 * 1024;

/// The longest name (a collection's, a step's) and message a row shows, in characters;
/// longer ones are cut with `…` (the JSON and JUnit reports have them whole).
const SHOWN_NAME: usize = 120;
const SHOWN_PLACE: usize = 200;
const SHOWN_MESSAGE: usize = 300;

/// The run as Markdown for the job's summary page, written a collection run at a time (see
/// [`super::stream`]): totals, then each failing step (files relative to `root`), as many as
/// fit in [`SUMMARY_BYTES`].
pub struct StepSummary {
    root: PathBuf,
    /// Bytes of rows written so far, and the most they may take.
    written: usize,
    budget: usize,
    /// Rows that did not fit.
    left_out: usize,
}

/// The size past which GitHub drops a step's whole summary (1024k), less a margin for what
/// later steps of the job append.
const GITHUB_SUMMARY_LIMIT: usize = 1024 * 1024 - 64 * 1024;

impl StepSummary {
    /// A summary with files relative to `root`.
    pub fn new(root: &Path) -> StepSummary {
        StepSummary::within(root, SUMMARY_BYTES)
    }

    /// A summary appended to a file that holds `already` bytes (earlier steps', or an earlier
    /// runner's, of the same job step): at most [`SUMMARY_BYTES`], and no more than keeps the
    /// file under GitHub's limit — past it only the totals and the closing line.
    pub fn after(root: &Path, already: u64) -> StepSummary {
        let already = usize::try_from(already).unwrap_or(usize::MAX);
        let room = GITHUB_SUMMARY_LIMIT.saturating_sub(already);
        StepSummary::within(root, SUMMARY_BYTES.min(room))
    }

    /// A summary of at most `bytes` (about: the head and the closing line may take up to
    /// [`SUMMARY_FRAME_BYTES`] of it).
    fn within(root: &Path, bytes: usize) -> StepSummary {
        StepSummary {
            root: root.to_owned(),
            written: 0,
            budget: bytes.saturating_sub(SUMMARY_FRAME_BYTES),
            left_out: 0,
        }
    }
}

/// The summary of `run`, all at once.
pub fn summary(run: &RunRecord, root: &Path) -> String {
    super::stream::render(Box::new(StepSummary::new(root)), run)
}

impl Format for StepSummary {
    fn head(&mut self, run: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let totals = &run.totals;
        let mut head = String::from(
            "### runner\n\n| passed | failed | errored | skipped |\n|---|---|---|---|\n",
        );
        let _ = writeln!(
            head,
            "| {} | {} | {} | {} |\n",
            totals.passed, totals.failed, totals.errored, totals.skipped
        );
        if run.interrupted {
            head.push_str("**The run was interrupted.**\n\n");
        }
        if totals.failed + totals.errored > 0 {
            head.push_str("| step | where | problem |\n|---|---|---|\n");
        }
        out.write_all(head.as_bytes())
    }

    fn tail(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.left_out == 0 {
            return Ok(());
        }
        write!(
            out,
            "\nand {} more failure{} not listed here, to keep this summary within GitHub's size limit: the JSON and JUnit reports have every step.\n",
            self.left_out,
            if self.left_out == 1 { "" } else { "s" }
        )
    }

    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        let title = cut_cell(&collection.title(), SHOWN_NAME);
        for step in &collection.steps {
            for (location, message) in problems(step) {
                if self.written >= self.budget {
                    self.left_out += 1;
                    continue;
                }
                let place = location
                    .or(step.location.as_ref())
                    .map_or_else(String::new, |l| {
                        // Plain text, escaped as every cell is: in a code span, a `|` or a
                        // backtick of the path would still end the cell or the span.
                        let file = relative(&l.file, &self.root);
                        cut_cell(&format!("{file}:{}", l.line), SHOWN_PLACE)
                    });
                let row = format!(
                    "| {title} › {} | {place} | {} |\n",
                    cut_cell(&step.name, SHOWN_NAME),
                    cut_cell(&message, SHOWN_MESSAGE)
                );
                if self.written + row.len() > self.budget {
                    // No later row is written, however short: the rows stay in run order.
                    self.written = self.budget;
                    self.left_out += 1;
                    continue;
                }
                self.written += row.len();
                out.push_str(&row);
            }
        }
    }
}

/// [`cell`] of `text` cut to `max` characters as shown (its escapes counted), with `…`.
fn cut_cell(text: &str, max: usize) -> String {
    let shown = crate::spec::text::printable(text, false);
    cell(&crate::spec::text::shorten(&shown, max))
}

/// A command's message: what would steer the log's terminal written as an escape (`\e`,
/// `\r`, `\u{202e}`: a server's answer is shown, never obeyed, as everywhere else), then
/// `%` and line feeds escaped as the toolkit does.
fn data(text: &str) -> String {
    crate::spec::text::printable(text, true)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: as [`data`], and `:` and `,` too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text for a Markdown table cell, shown as the text it is: one line; `&`, `<` and `>` as
/// entities (a `<script>` a server sent would be stripped by GitHub); and a backslash before
/// each character Markdown would read as markup (`|`, backticks, emphasis, links, images).
fn cell(text: &str) -> String {
    let text = crate::spec::text::printable(text, false);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_shows_markup_as_text() {
        assert_eq!(
            cell("a | `b` <script>&amp;\n"),
            "a \\| \\`b\\` &lt;script&gt;&amp;amp;\\\\n"
        );
        assert_eq!(
            cell("![x](http://t/p.png) *b* _i_ ~s~ # h"),
            "\\!\\[x\\](http://t/p.png) \\*b\\* \\_i\\_ \\~s\\~ \\# h"
        );
    }

    fn failing_run(number: usize, name: &str) -> CollectionReport {
        use crate::engine::StepError;
        CollectionReport {
            name: format!("run {number}"),
            path: "c.yaml".into(),
            environment: None,
            iteration: None,
            started_at: std::time::UNIX_EPOCH,
            steps: (0..10)
                .map(|index| StepResult {
                    index,
                    outcome: Outcome::Errored(StepError::interrupted(name)),
                    ..StepResult::passed(name)
                })
                .collect(),
            duration: std::time::Duration::ZERO,
            interrupted: false,
        }
    }

    #[test]
    fn a_summary_after_others_keeps_the_file_under_github_s_limit() {
        assert_eq!(
            StepSummary::after(Path::new("/"), 0).budget,
            StepSummary::new(Path::new("/")).budget
        );
        let near = StepSummary::after(Path::new("/"), 900 * 1024);
        assert_eq!(
            near.budget,
            (GITHUB_SUMMARY_LIMIT - 900 * 1024) - SUMMARY_FRAME_BYTES
        );
        assert_eq!(StepSummary::after(Path::new("/"), u64::MAX).budget, 0);
    }

    #[test]
    fn a_summary_keeps_within_its_size_and_counts_the_rows_left_out() {
        for (bytes, name) in [
            (SUMMARY_BYTES, "x".repeat(100_000)),
            (20_000, "a|b\u{202e}".repeat(1000)),
            (20_000, "short".to_owned()),
        ] {
            let mut report = super::super::stream::Streamed::in_memory(Box::new(
                StepSummary::within(Path::new("/"), bytes),
            ));
            let mut summary = RunSummary::default();
            for number in 0..300 {
                let collection = failing_run(number, &name);
                summary.record(&collection);
                report.collection(&collection);
            }
            let mut out = Vec::new();
            report.finish(&summary, &mut out).expect("in memory");
            let text = String::from_utf8(out).expect("text");
            assert!(text.len() <= bytes, "{} bytes", text.len());
            let rows = text.lines().filter(|l| l.starts_with("| run ")).count();
            assert!(rows > 10, "{rows} rows");
            // Every row is whole (three cells), and the rest are counted.
            assert!(text
                .lines()
                .filter(|l| l.starts_with("| run "))
                .all(|l| l.ends_with(" |") && l.matches(" | ").count() == 2));
            let note = format!("and {} more failures not listed here", 3000 - rows);
            assert!(text.contains(&note), "{note}");
            assert!(text.contains("\n\nand "), "no blank line ends the table");
        }
    }

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(data("::set-env name=X::1"), "::set-env name=X::1");
    }

    #[test]
    fn what_would_steer_the_log_is_shown_escaped() {
        assert_eq!(
            data("got \u{1b}]0;x\u{7}\u{1b}[2J\u{9b}\u{202e}gnp\r\n\tend"),
            "got \\e]0;x\\u{7}\\e[2J\\u{9b}\\u{202e}gnp\\r%0A\tend"
        );
        assert_eq!(property("\u{2066}a:b"), "\\u{2066}a%3Ab");
    }
}
