//! The HTML report: one self-contained file (inline CSS, no scripts, no external assets) with
//! the summary, each collection's steps, failures expanded with the request and response, and
//! a timeline of step durations.

use super::markup::escape;
use std::fmt::Write;

use super::stream::{Format, RunSummary};
use super::{millis, RunRecord};
use crate::engine::{CollectionReport, Exchange, Outcome, StepErrorKind, StepResult, Totals};
use crate::spec::duration::format_duration;
use crate::spec::field::Location;
use crate::spec::text::shorten;

const STYLE: &str = r#"
:root { --pass: #1a7f37; --fail: #cf222e; --error: #9a6700; --skip: #6e7781; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; overflow-wrap: anywhere; }
header { background: #24292f; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .meta { color: #d0d7de; font-size: 13px; }
main { padding: 20px 28px; max-width: 1200px; }
.totals { display: flex; gap: 10px; margin: 0 0 18px; flex-wrap: wrap; }
.total { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.total b { display: block; font-size: 22px; }
.total.passed b { color: var(--pass); } .total.failed b { color: var(--fail); }
.total.errored b { color: var(--error); } .total.skipped b { color: var(--skip); }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 18px; }
section > h2 { font-size: 16px; margin: 0; padding: 12px 16px; border-bottom: 1px solid var(--line); display: flex; gap: 10px; align-items: center; }
section > h2 small { color: #57606a; font-weight: normal; }
.badge { font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px; color: #fff; }
.badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); }
.badge.errored, .badge.interrupted { background: var(--error); } .badge.skipped { background: var(--skip); }
.timeline { padding: 10px 16px 4px; }
.timeline .row { display: grid; grid-template-columns: 220px 1fr 70px; gap: 8px; align-items: center; font-size: 12px; margin-bottom: 3px; }
.timeline .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: #57606a; }
.timeline .track { position: relative; height: 12px; background: #f6f8fa; border-radius: 3px; }
.timeline .bar { position: absolute; top: 0; height: 12px; border-radius: 3px; min-width: 2px; }
.bar.passed { background: var(--pass); } .bar.failed { background: var(--fail); }
.bar.errored { background: var(--error); } .bar.skipped { background: var(--skip); }
.timeline .ms { text-align: right; color: #57606a; }
table { width: 100%; border-collapse: collapse; }
td { border-top: 1px solid var(--line); padding: 7px 16px; vertical-align: top; }
table { table-layout: fixed; }
td.mark { width: 40px; font-weight: bold; } td.num { width: 80px; text-align: right; white-space: nowrap; color: #57606a; }
tr.passed td.mark { color: var(--pass); } tr.failed td.mark { color: var(--fail); }
tr.errored td.mark { color: var(--error); } tr.skipped td.mark, tr.skipped td { color: var(--skip); }
.url { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; color: #57606a; word-break: break-all; }
details { margin: 6px 0 2px; }
summary { cursor: pointer; color: #0969da; }
ul.failures { margin: 6px 0; padding-left: 18px; }
ul.failures li { margin: 2px 0; white-space: pre-wrap; }
.subject { font-family: ui-monospace, monospace; font-weight: 600; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow-x: auto; font-size: 12px; max-height: 360px; margin: 6px 0; white-space: pre-wrap; word-break: break-all; }
.error { color: var(--error); }
.bar .wait { position: absolute; top: 0; right: 0; height: 12px; border-radius: 0 3px 3px 0; background: repeating-linear-gradient(45deg, rgba(255,255,255,.55) 0 3px, transparent 3px 6px); }
section.failures { border-color: var(--fail); }
section.failures > h2 { color: var(--fail); }
section.failures ol { margin: 8px 0; padding: 0 16px 4px 36px; }
section.failures li { margin: 4px 0; }
section.failures .what { color: #57606a; }
section p.more, section.hidden p { margin: 8px 16px 12px; color: #57606a; }
.left { color: #57606a; font-size: 12px; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
ul.attempts { margin: 4px 0; padding-left: 18px; color: #57606a; font-size: 12px; }
tr:target td { background: #fff8c5; }
pre.where { margin: 4px 0 6px; padding: 4px 8px; color: #57606a; background: #fff; }
"#;

/// How many bytes of collection sections a report shows for runs that passed, and for all
/// runs: past that, a run shows the rows that fit (the failing ones first, then the others
/// in order; see [`partial_section`]), or, when none would, is counted in a closing note (a
/// long data-driven run would otherwise make a page no browser opens; the JSON and JUnit
/// reports have every step). Headless Chromium lays out 16 MiB of report in a few seconds.
const PASSING_BYTES: usize = 8 << 20;
const SHOWN_BYTES: usize = 16 << 20;

/// The least room a collection run is shown in, in part: its heading, a few rows and the note
/// of what is left out.
const LEAST_SECTION: usize = 4 * 1024;

/// How much of a request's and a response's body a failing step shows when the whole of them
/// do not fit (the JSON report has them up to 64 KiB).
const SHORT_BODY: usize = 2 * 1024;

/// The longest name and message the list of failing steps shows, in characters (the step's
/// row shows them whole).
const LISTED_TEXT: usize = 300;

/// Which rows of a collection run the page shows.
enum Shown {
    All,
    /// Those marked, of a run too large to show whole.
    Rows(Vec<bool>),
    None,
}

impl Shown {
    fn row(&self, index: usize) -> bool {
        match self {
            Shown::All => true,
            Shown::Rows(rows) => rows.get(index).copied().unwrap_or(false),
            Shown::None => false,
        }
    }
}

/// How much of a step's request and response its row shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Whole,
    /// Bodies cut to [`SHORT_BODY`].
    Short,
    /// None, with a note that the JSON report has them.
    Left,
}

/// How many failing steps the list at the top names.
const LISTED_FAILURES: usize = 1000;

/// The HTML report, written a collection run at a time (see [`super::stream`]).
pub struct Html {
    /// [`PASSING_BYTES`] and [`SHOWN_BYTES`] (smaller in tests).
    passing_budget: usize,
    shown_budget: usize,
    /// Collection runs seen so far.
    runs: usize,
    /// Bytes of sections written so far.
    shown_bytes: usize,
    /// A passing run did not fit whole: no later passing run is rendered.
    passing_full: bool,
    /// Runs not shown, and their steps.
    hidden_runs: usize,
    hidden: Totals,
    /// The list of failing steps (at most [`LISTED_FAILURES`]), and how many there are.
    failure_items: String,
    failures: usize,
}

impl Html {
    /// A report with no collection run yet.
    pub fn new() -> Html {
        Html::with_budgets(PASSING_BYTES, SHOWN_BYTES)
    }

    fn with_budgets(passing_budget: usize, shown_budget: usize) -> Html {
        Html {
            passing_budget,
            shown_budget,
            runs: 0,
            shown_bytes: 0,
            passing_full: false,
            hidden_runs: 0,
            hidden: Totals::default(),
            failure_items: String::new(),
            failures: 0,
        }
    }
}

impl Default for Html {
    fn default() -> Html {
        Html::new()
    }
}

/// The report as one HTML document, all at once.
pub fn render(run: &RunRecord) -> String {
    super::stream::render(Box::new(Html::new()), run)
}

impl Format for Html {
    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        let number = self.runs;
        self.runs += 1;
        let failing = collection.steps.iter().any(is_failing);
        // What this run may take: a passing one, of the budget of passing runs until one did
        // not fit; any, of the budget of all.
        let budget = match (failing, self.passing_full) {
            (true, _) => self.shown_budget,
            (false, false) => self.passing_budget,
            (false, true) => 0,
        };
        let room = budget.saturating_sub(self.shown_bytes);
        let before = out.len();
        let mut shown = Shown::None;
        if room >= LEAST_SECTION {
            if collection_section(out, number, collection, room) {
                shown = Shown::All;
            } else {
                // As many of its rows as fit, the failing ones first.
                out.truncate(before);
                if let Some(rows) = partial_section(out, number, collection, room) {
                    shown = Shown::Rows(rows);
                }
            }
        }
        if !matches!(shown, Shown::All) && !failing {
            self.passing_full = true;
        }
        self.shown_bytes += out.len() - before;
        if matches!(shown, Shown::None) {
            self.hidden_runs += 1;
            collection.steps.iter().for_each(|s| self.hidden.record(s));
        }
        self.list_failures(number, collection, &shown);
    }

    fn head(&mut self, run: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let totals = &run.totals;
        let mut head = String::with_capacity(16 * 1024);
        let _ = write!(
            head,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>runner report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>runner report</h1><div class=\"meta\">started {} · {} · runner {}{}</div></header>\n<main>\n",
            escape(&human_time(&run.started_at)),
            format_duration(run.duration),
            env!("CARGO_PKG_VERSION"),
            if run.interrupted { " · <b>interrupted</b>" } else { "" },
        );
        let _ = writeln!(
            head,
            "<div class=\"totals\"><div class=\"total\"><b>{}</b>collections</div><div class=\"total passed\"><b>{}</b>passed</div><div class=\"total failed\"><b>{}</b>failed</div><div class=\"total errored\"><b>{}</b>errored</div><div class=\"total skipped\"><b>{}</b>skipped</div></div>",
            run.collections,
            totals.passed,
            totals.failed,
            totals.errored,
            totals.skipped
        );
        if self.failures > 0 {
            let more = self.failures.saturating_sub(LISTED_FAILURES);
            let _ = write!(
                head,
                "<section class=\"failures\">\n<h2>{} failing step{}</h2>\n<ol>\n{}</ol>\n{}</section>\n",
                self.failures,
                if self.failures == 1 { "" } else { "s" },
                self.failure_items,
                if more > 0 {
                    format!("<p class=\"more\">and {more} more, not listed here: the JSON and JUnit reports have every step.</p>\n")
                } else {
                    String::new()
                }
            );
        }
        super::coverage::html_section(&mut head, &run.openapi_coverage);
        out.write_all(head.as_bytes())
    }

    fn tail(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut tail = String::new();
        if self.hidden_runs > 0 {
            let _ = write!(
                tail,
                "<section class=\"hidden\">\n<h2>{} more collection run{} not shown</h2>\n<p>{} passed, {} failed, {} errored, {} skipped. This page shows the first runs and the failing ones up to a size a browser opens comfortably; the JSON and JUnit reports have every step.</p>\n</section>\n",
                self.hidden_runs,
                if self.hidden_runs == 1 { "" } else { "s" },
                self.hidden.passed,
                self.hidden.failed,
                self.hidden.errored,
                self.hidden.skipped,
            );
        }
        tail.push_str("</main>\n</body>\n</html>\n");
        out.write_all(tail.as_bytes())
    }
}

impl Html {
    /// Adds the failing steps of collection run `number` to the list at the top, linked to
    /// their rows where they are `shown`.
    fn list_failures(&mut self, number: usize, collection: &CollectionReport, shown: &Shown) {
        for (s, step) in collection.steps.iter().enumerate() {
            let Some(problem) = first_problem(step) else {
                continue;
            };
            self.failures += 1;
            if self.failures > LISTED_FAILURES {
                continue;
            }
            let place = super::terminal::first_location(step)
                .or(step.location.as_ref())
                .map_or_else(String::new, |l| {
                    format!(
                        " <small>{}:{}</small>",
                        escape(&l.file.display().to_string()),
                        l.line
                    )
                });
            let title = format!(
                "{} › {}",
                escape(&shorten(&collection.title(), LISTED_TEXT)),
                escape(&shorten(&step.name, LISTED_TEXT))
            );
            let title = if shown.row(s) {
                format!("<a href=\"#{}\">{title}</a>", anchor(number, s))
            } else {
                title
            };
            let _ = writeln!(
                self.failure_items,
                "<li>{title}{place} <span class=\"what\">— {}</span></li>",
                escape(&shorten(&problem, LISTED_TEXT))
            );
        }
    }
}

/// The step failed or errored: the page lists it at the top and shows it first.
fn is_failing(step: &StepResult) -> bool {
    matches!(class(&step.outcome), "failed" | "errored")
}

fn class(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Failed(_) => "failed",
        Outcome::Errored(e) if e.kind == StepErrorKind::Render => "failed",
        Outcome::Errored(_) => "errored",
        Outcome::Skipped(_) => "skipped",
    }
}

/// The anchor of a step's row.
fn anchor(collection: usize, step: usize) -> String {
    format!("c{collection}-s{step}")
}

/// What went wrong first, for the failures list: the first failure, or the error.
fn first_problem(step: &StepResult) -> Option<String> {
    match &step.outcome {
        Outcome::Failed(failures) => failures
            .first()
            .map(|f| format!("{}: expected {}, got {}", f.subject, f.expected, f.actual)),
        Outcome::Errored(error) => Some(error.message.clone()),
        Outcome::Passed | Outcome::Skipped(_) => None,
    }
}

/// `2026-11-29 20:27:20 UTC` from an RFC 3339 time; the text as it is when it does not parse.
fn human_time(rfc3339: &str) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| rfc3339.to_owned())
}

/// Appends the whole section of collection run `number` to `out`, if it takes at most
/// `room` bytes; false (with part of it appended) if it does not.
fn collection_section(
    out: &mut String,
    number: usize,
    collection: &CollectionReport,
    room: usize,
) -> bool {
    let start = out.len();
    section_heading(out, collection);
    timeline(out, collection);
    out.push_str("<table>\n");
    for (index, step) in collection.steps.iter().enumerate() {
        // A run far past the room is not written out in full only to be taken back.
        if out.len() - start > room {
            return false;
        }
        step_row(out, &anchor(number, index), step, Detail::Whole);
    }
    out.push_str("</table>\n</section>\n");
    out.len() - start <= room
}

/// A collection run too large to show whole in `room` bytes, in part: every failing step's
/// row that fits, then their requests and responses (cut short for all first, then whole as
/// far as they fit), then the other rows in order, without theirs; the timeline when it is
/// small beside the room; and a note of what is left out and where it is. Which rows are
/// shown, or `None` when not even the heading fits.
fn partial_section(
    out: &mut String,
    number: usize,
    collection: &CollectionReport,
    room: usize,
) -> Option<Vec<bool>> {
    const CLOSING: &str = "</table>\n";
    // The note, the closing tags.
    const NOTE_ROOM: usize = 1024;
    let start = out.len();
    section_heading(out, collection);
    let mut bars = String::new();
    timeline(&mut bars, collection);
    let timeline_shown = bars.len() <= room / 8;
    if timeline_shown {
        out.push_str(&bars);
    }
    drop(bars);
    out.push_str("<table>\n");
    let Some(mut left) = room.checked_sub(out.len() - start + CLOSING.len() + NOTE_ROOM) else {
        out.truncate(start);
        return None;
    };
    let steps = &collection.steps;
    let mut rows: Vec<Option<(String, Detail)>> = vec![None; steps.len()];
    let row = |index: usize, detail: Detail| {
        let mut row = String::new();
        step_row(&mut row, &anchor(number, index), &steps[index], detail);
        row
    };
    let failing: Vec<usize> = (0..steps.len())
        .filter(|&i| is_failing(&steps[i]))
        .collect();
    let others = (0..steps.len()).filter(|&i| !is_failing(&steps[i]));
    // Every failing row that fits, then the others, each without its request and response.
    for index in failing.iter().copied().chain(others) {
        let text = row(index, Detail::Left);
        if text.len() <= left {
            left -= text.len();
            rows[index] = Some((text, Detail::Left));
        }
    }
    // The failing rows' requests and responses: short for all first, then whole.
    for detail in [Detail::Short, Detail::Whole] {
        for &index in &failing {
            let Some((shown, _)) = &rows[index] else {
                continue;
            };
            if steps[index].exchange.is_none() {
                continue;
            }
            let text = row(index, detail);
            let more = text.len().saturating_sub(shown.len());
            if more <= left {
                left -= more;
                rows[index] = Some((text, detail));
            }
        }
    }
    let count = |detail: Detail| {
        failing
            .iter()
            .filter(|&&i| steps[i].exchange.is_some())
            .filter(|&&i| rows[i].as_ref().is_some_and(|(_, d)| *d == detail))
            .count()
    };
    let (short, without) = (count(Detail::Short), count(Detail::Left));
    let shown_rows = rows.iter().filter(|r| r.is_some()).count();
    let failing_left_out = failing.iter().filter(|&&i| rows[i].is_none()).count();
    let mut shown = Vec::with_capacity(rows.len());
    for text in rows {
        shown.push(text.is_some());
        if let Some((text, _)) = text {
            out.push_str(&text);
        }
    }
    out.push_str(CLOSING);
    let mut left_out = Vec::new();
    if shown_rows < steps.len() {
        left_out.push(format!(
            "{} of its {} steps{}",
            steps.len() - shown_rows,
            steps.len(),
            match failing_left_out {
                0 => String::new(),
                n => format!(" ({n} of them failing)"),
            }
        ));
    }
    if short > 0 {
        left_out.push(format!(
            "the end of the request and response bodies of {short} failing step{}",
            plural(short)
        ));
    }
    if without > 0 {
        left_out.push(format!(
            "the request and response of {without} failing step{}",
            plural(without)
        ));
    }
    if (0..steps.len()).any(|i| shown[i] && !is_failing(&steps[i]) && steps[i].exchange.is_some()) {
        left_out.push("the request and response of the steps that did not fail".to_owned());
    }
    if !timeline_shown {
        left_out.push("the timeline".to_owned());
    }
    let _ = write!(
        out,
        "<p class=\"more\">This collection run is too large to show whole on a page a browser opens comfortably: the failing steps come first. Not shown here: {}. The JSON report has every step, with its request and response.</p>\n</section>\n",
        left_out.join("; ")
    );
    Some(shown)
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// The section's opening and its heading: the run's outcome, name, file and time.
fn section_heading(out: &mut String, collection: &CollectionReport) {
    // As the JSON report says it: a run cut short is interrupted, whatever its steps did.
    let outcome = if collection.interrupted {
        "interrupted"
    } else if collection
        .steps
        .iter()
        .any(|s| class(&s.outcome) == "errored")
    {
        "errored"
    } else if collection
        .steps
        .iter()
        .any(|s| class(&s.outcome) == "failed")
    {
        "failed"
    } else {
        "passed"
    };
    let env = collection
        .environment
        .as_deref()
        .map_or(String::new(), |e| format!(" · env {}", escape(e)));
    let _ = write!(
        out,
        "<section>\n<h2><span class=\"badge {outcome}\">{outcome}</span>{} <small>{}{env} · {}</small></h2>\n",
        escape(&collection.title()),
        escape(&collection.path.display().to_string()),
        format_duration(collection.duration),
    );
}

/// Bars placed one after another, as the steps ran, scaled to the collection's total.
fn timeline(out: &mut String, collection: &CollectionReport) {
    let total: u64 = collection
        .steps
        .iter()
        .map(|s| millis(s.duration).max(1))
        .sum::<u64>()
        .max(1);
    out.push_str("<div class=\"timeline\">\n");
    let mut offset = 0u64;
    for step in &collection.steps {
        let ms = millis(step.duration);
        let width = ms.max(1);
        let _ = writeln!(
            out,
            "<div class=\"row\"><span class=\"name\" title=\"{name}\">{name}</span><span class=\"track\"><span class=\"bar {class}\" style=\"left:{left:.2}%;width:{w:.2}%\"{title}>{wait}</span></span><span class=\"ms\">{dur}</span></div>",
            name = escape(&step.name),
            class = class(&step.outcome),
            left = offset as f64 * 100.0 / total as f64,
            w = width as f64 * 100.0 / total as f64,
            dur = format_duration(step.duration),
            title = if step.attempts.len() > 1 {
                format!(" title=\"{}\"", escape(&super::attempts_summary(step)))
            } else {
                String::new()
            },
            wait = wait_overlay(step),
        );
        offset += width;
    }
    out.push_str("</div>\n");
}

/// The waiting part of a retried step's bar, hatched, at its end.
fn wait_overlay(step: &StepResult) -> String {
    let waited = super::waited(step);
    if step.attempts.len() < 2 || step.duration.is_zero() || waited.is_zero() {
        return String::new();
    }
    let share = waited.as_secs_f64() * 100.0 / step.duration.as_secs_f64();
    format!("<span class=\"wait\" style=\"width:{share:.2}%\"></span>")
}

fn step_row(out: &mut String, id: &str, step: &StepResult, detail: Detail) {
    let class = class(&step.outcome);
    let mark = match class {
        "passed" => "✓",
        "skipped" => "–",
        _ => "✗",
    };
    let status = step.status.map_or_else(String::new, |s| s.to_string());
    let _ = write!(
        out,
        "<tr class=\"{class}\" id=\"{id}\"><td class=\"mark\">{mark}</td><td>{}<div class=\"url\">{} {}</div>",
        escape(&step.name),
        escape(&step.method),
        escape(&step.url),
    );
    match &step.outcome {
        Outcome::Failed(failures) => {
            out.push_str("<ul class=\"failures\">");
            for failure in failures {
                let _ = write!(
                    out,
                    "<li><span class=\"subject\">{}</span>: expected {}, got {}{}</li>",
                    escape(&failure.subject),
                    escape(&failure.expected),
                    escape(&failure.actual),
                    marked(failure.location.as_ref())
                );
            }
            out.push_str("</ul>");
        }
        Outcome::Errored(error) => {
            let _ = write!(
                out,
                "<div class=\"error\">{}</div>{}",
                escape(&error.message),
                marked(error.location.as_deref())
            );
        }
        Outcome::Skipped(reason) => {
            let _ = write!(out, "<div>skipped: {}</div>", escape(reason));
        }
        Outcome::Passed => {}
    }
    if step.attempts.len() > 1 {
        let _ = write!(
            out,
            "<div>{}</div><ul class=\"attempts\">",
            escape(&super::attempts_summary(step))
        );
        for (number, attempt) in step.attempts.iter().enumerate() {
            let _ = write!(
                out,
                "<li>{}</li>",
                escape(&super::attempt_line(number, attempt))
            );
        }
        out.push_str("</ul>");
    }
    match (&step.exchange, detail) {
        (None, _) => {}
        (Some(_), Detail::Left) => {
            if is_failing(step) {
                out.push_str("<div class=\"left\">request and response not shown here: the JSON report has them</div>");
            }
        }
        (Some(exchange), _) => {
            let open = if matches!(step.outcome, Outcome::Passed) {
                ""
            } else {
                " open"
            };
            let _ = write!(
                out,
                "<details{open}><summary>request and response</summary>"
            );
            let limit = match detail {
                Detail::Short => Some(SHORT_BODY),
                _ => None,
            };
            exchange_details(out, step, exchange, limit);
            out.push_str("</details>");
        }
    }
    let _ = writeln!(
        out,
        "</td><td class=\"num\">{status}</td><td class=\"num\">{}</td></tr>",
        format_duration(step.duration)
    );
}

/// The request and the response, each body cut at `limit` bytes when there is one (and each
/// header's value at an eighth of that).
fn exchange_details(
    out: &mut String,
    step: &StepResult,
    exchange: &Exchange,
    limit: Option<usize>,
) {
    let cut = |body: &str| -> String {
        match limit {
            Some(limit) => crate::spec::text::cut_bytes(body, limit).into_owned(),
            None => body.to_owned(),
        }
    };
    // Cut short, a header's value is cut too: a server's header can be longer than a body.
    let header = |value: &str| -> String {
        match limit {
            Some(limit) => crate::spec::text::cut_bytes(value, limit / 8).into_owned(),
            None => value.to_owned(),
        }
    };
    let mut request = format!("{} {}\n", step.method, step.url);
    for (name, value) in &exchange.request_headers {
        let _ = writeln!(request, "{name}: {}", header(value));
    }
    if let Some(body) = &exchange.request_body {
        let _ = write!(request, "\n{}", cut(body));
    }
    let _ = write!(out, "<pre>{}</pre>", escape(&request));
    if let Some(status) = step.status {
        let mut response = format!("{} {status}\n", exchange.response_version);
        for (name, value) in &exchange.response_headers {
            let _ = writeln!(response, "{name}: {}", header(value));
        }
        if !exchange.response_body.is_empty() {
            let _ = write!(response, "\n{}", cut(&pretty(&exchange.response_body)));
        }
        let _ = write!(out, "<pre>{}</pre>", escape(&response));
    }
}

/// The line a failure points at, marked and masked, as the terminal shows it.
fn marked(location: Option<&Location>) -> String {
    location.map_or_else(String::new, |location| {
        format!(
            "<pre class=\"where\">{}</pre>",
            escape(&location.snippet().join("\n"))
        )
    })
}

/// A JSON body pretty printed with every token as the server wrote it (a number past what a
/// float holds, a key written twice, an escape); anything else (text, a body cut short) as it
/// is.
fn pretty(body: &str) -> std::borrow::Cow<'_, str> {
    // After a byte order mark, as the checks read a JSON body.
    let json = body.strip_prefix('\u{feff}').unwrap_or(body);
    let trimmed = json.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return body.into();
    }
    match serde_json::from_str::<serde::de::IgnoredAny>(json) {
        Ok(_) => reindent(json).into(),
        Err(_) => body.into(),
    }
}

/// `json` (valid JSON) laid out as `serde_json::to_string_pretty` lays it out, its strings,
/// numbers and literals copied as they are.
fn reindent(json: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
    let is_blank = |byte: u8| matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + json.len() / 2);
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'"' => {
                // An escape's second byte is ASCII in valid JSON: skipping it keeps `i` on a
                // character boundary.
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                out.push_str(&json[start..i.min(bytes.len())]);
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                i += 1;
                while i < bytes.len() && is_blank(bytes[i]) {
                    i += 1;
                }
                out.push(char::from(open));
                if bytes.get(i) == Some(&close) {
                    out.push(char::from(close));
                    i += 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            close @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(char::from(close));
                i += 1;
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
                i += 1;
            }
            b':' => {
                out.push_str(": ");
                i += 1;
            }
            byte if is_blank(byte) => i += 1,
            _ => {
                // A number or a literal: ASCII up to the next structural byte or blank.
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b':')
                    && !is_blank(bytes[i])
                {
                    i += 1;
                }
                out.push_str(&json[start..i]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::StepError;

    #[test]
    fn a_json_body_is_laid_out_with_every_token_as_it_came() {
        let body = r#"{"z": 1, "id": 123456789012345678901234567890, "f": 0.1000000000000000055511151231257827, "dup": 1, "dup": 2, "e": "\u00e9\/", "a": [], "o": {}}"#;
        assert_eq!(
            pretty(body),
            "{\n  \"z\": 1,\n  \"id\": 123456789012345678901234567890,\n  \"f\": 0.1000000000000000055511151231257827,\n  \"dup\": 1,\n  \"dup\": 2,\n  \"e\": \"\\u00e9\\/\",\n  \"a\": [],\n  \"o\": {}\n}"
        );
        // Not JSON, or cut short: as it is.
        for text in ["{\"a\": 1", "[1, 2,]", "plain", "{\"a\": 1} trailing"] {
            assert_eq!(pretty(text), text);
        }
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_one() {
        // Generated values: written compactly, laid out again, they read as serde_json lays
        // them out.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        fn value(next: &mut dyn FnMut(u64) -> u64, depth: u32) -> serde_json::Value {
            use serde_json::{json, Value};
            match next(if depth > 3 { 4 } else { 6 }) {
                0 => Value::Null,
                1 => json!(next(2) == 0),
                2 => json!(next(1_000_000) as f64 / 7.0 - 5000.0),
                3 => json!(["", "a b", "é\"\\\n", "{[,:]}", "\u{1f600}"][next(5) as usize]),
                4 => Value::Array((0..next(4)).map(|_| value(next, depth + 1)).collect()),
                _ => Value::Object(
                    (0..next(4))
                        .map(|k| (format!("k{k} {{:,"), value(next, depth + 1)))
                        .collect(),
                ),
            }
        }
        for _ in 0..500 {
            let v = value(&mut next, 0);
            if !(v.is_array() || v.is_object()) {
                continue;
            }
            let compact = serde_json::to_string(&v).expect("writes");
            let expected = serde_json::to_string_pretty(&v).expect("writes");
            assert_eq!(pretty(&compact), expected, "{compact}");
            assert_eq!(pretty(&expected), expected, "{expected}");
        }
    }

    fn run(number: usize, failing: bool) -> CollectionReport {
        let step = |index: usize, outcome: Outcome| StepResult {
            index,
            url: "http://127.0.0.1/x".into(),
            duration: Duration::from_millis(3),
            outcome,
            ..StepResult::passed(&format!("step {index}"))
        };
        CollectionReport {
            name: format!("run {number}"),
            path: "c.yaml".into(),
            environment: None,
            iteration: None,
            started_at: std::time::UNIX_EPOCH,
            steps: vec![
                step(0, Outcome::Passed),
                step(
                    1,
                    if failing {
                        Outcome::Errored(StepError::interrupted("SIGINT"))
                    } else {
                        Outcome::Passed
                    },
                ),
            ],
            duration: Duration::from_millis(6),
            interrupted: false,
        }
    }

    /// `html` over runs 0..`count` (every third one failing), whole.
    fn rendered(html: Html, count: usize) -> String {
        let mut report = super::super::stream::Streamed::in_memory(Box::new(html));
        let mut summary = RunSummary::default();
        for number in 0..count {
            let collection = run(number, number % 3 == 0);
            summary.record(&collection);
            report.collection(&collection);
        }
        let mut out = Vec::new();
        report.finish(&summary, &mut out).expect("in memory");
        String::from_utf8(out).expect("text")
    }

    #[test]
    fn a_json_body_is_shown_pretty_after_a_byte_order_mark_too() {
        assert_eq!(pretty("\u{feff}{\"a\":1}"), "{\n  \"a\": 1\n}");
        assert_eq!(pretty("{\"a\":1}"), "{\n  \"a\": 1\n}");
        assert_eq!(pretty("\u{feff}not json"), "\u{feff}not json");
    }

    #[test]
    fn a_long_run_shows_the_first_runs_and_the_failing_ones_and_counts_the_rest() {
        let page = rendered(Html::with_budgets(20_000, 40_000), 300);
        let sections = page.matches("<section>").count();
        assert!(sections > 3 && sections < 300, "{sections} sections shown");
        assert!(
            page.contains("more collection runs not shown</h2>"),
            "no closing note"
        );
        // The failures list names every failing step, linked only where its run is shown.
        assert!(page.contains("100 failing steps"));
        let linked = page.matches("<li><a href=\"#c").count();
        assert!(linked > 0 && linked < 100, "{linked} linked failures");
        for anchor in page.match_indices("<a href=\"#").map(|(at, _)| {
            let rest = &page[at + 10..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        }) {
            assert!(
                page.contains(&format!("id=\"{anchor}\"")),
                "#{anchor} has no row"
            );
        }
        assert!(page.ends_with("</html>\n"));
    }

    /// A run of `count` steps, every `nth` failing with a large response, the others
    /// passing with one.
    fn large_run(count: usize, nth: usize) -> CollectionReport {
        let exchange = Exchange {
            request_headers: vec![("accept".into(), "*/*".into())],
            request_body: None,
            response_version: "HTTP/1.1".into(),
            response_headers: vec![("x-long".into(), "L".repeat(20_000))],
            response_body: "<html>".repeat(10_000),
            redirects: Vec::new(),
        };
        let mut collection = run(0, false);
        collection.steps = (0..count)
            .map(|index| StepResult {
                index,
                status: Some(500),
                exchange: Some(Box::new(exchange.clone())),
                outcome: if index % nth == nth - 1 {
                    Outcome::Errored(StepError::interrupted("SIGINT"))
                } else {
                    Outcome::Passed
                },
                ..StepResult::passed(&format!("step {index}"))
            })
            .collect();
        collection
    }

    fn page(html: Html, collections: &[CollectionReport]) -> String {
        let mut report = super::super::stream::Streamed::in_memory(Box::new(html));
        let mut summary = RunSummary::default();
        for collection in collections {
            summary.record(collection);
            report.collection(collection);
        }
        let mut out = Vec::new();
        report.finish(&summary, &mut out).expect("in memory");
        String::from_utf8(out).expect("text")
    }

    #[test]
    fn a_run_too_large_to_show_whole_shows_its_failing_rows_first_with_their_details() {
        for (count, nth, budget) in [(400, 1, 2_000_000), (600, 4, 1_500_000), (300, 3, 100_000)] {
            let collection = large_run(count, nth);
            let page = page(Html::with_budgets(budget / 2, budget), &[collection]);
            assert!(page.len() < budget + 200_000, "{} bytes", page.len());
            assert!(!page.contains("not shown</h2>"), "the run is hidden");
            assert!(page.contains("too large to show whole"), "no note");
            let failing = count / nth;
            // Every failing row is shown, and linked from the list at the top.
            let rows = |class: &str| page.matches(&format!("<tr class=\"{class}\"")).count();
            assert_eq!(rows("errored"), failing);
            assert!(rows("passed") <= count - failing);
            for (at, _) in page.match_indices("<a href=\"#") {
                let rest = &page[at + 10..];
                let anchor = &rest[..rest.find('"').unwrap_or(0)];
                assert!(page.contains(&format!("id=\"{anchor}\"")), "#{anchor}");
            }
            assert_eq!(
                page.matches("<li><a href=\"#c0-").count(),
                failing.min(1000)
            );
            // Each failing row has its request and response, cut short when need be.
            let details = page.matches("<details open>").count();
            let left = page.matches("<div class=\"left\">").count();
            assert_eq!(details + left, failing);
            assert!(details > 0, "no details");
            assert!(page.ends_with("</html>\n"));
        }
    }

    #[test]
    fn a_short_run_is_shown_whole() {
        let page = rendered(Html::new(), 30);
        assert_eq!(page.matches("<section>").count(), 30);
        assert!(!page.contains("not shown"));
    }
}
