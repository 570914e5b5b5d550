//! The terminal reporter: one line per step, failures with expected vs actual, `-v` dumps,
//! and the closing summary.

use std::io::Write;
use std::time::Duration;

use anstyle::{AnsiColor, Style};

use super::stream::RunSummary;
use crate::engine::{CollectionReport, Event, Exchange, Observer, Outcome, StepResult};
use crate::spec::duration::format_duration;
use crate::spec::field::Location;
use crate::spec::text::printable;

/// A text for one line: what would steer the terminal (`ESC`, `\r`, ...) written as escapes.
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    printable(text, false)
}

/// Body characters shown at `-v`; `-vv` shows everything.
const SHORT_BODY: usize = 2048;

const PASS: Style = AnsiColor::Green.on_default();
const FAIL: Style = AnsiColor::Red.on_default();
const SKIP: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

/// Prints one collection's run for people. Write errors (a closed pipe) are ignored:
/// output is best effort, the exit code is not.
pub struct TerminalReporter<W: Write + Send> {
    out: W,
    verbosity: u8,
    /// What one event prints, written to `out` at once (a line is many small pieces).
    line: Vec<u8>,
    /// The steps skipped in a row for one reason: the reason, how many were listed and how
    /// many not (past [`LISTED_SKIPPED`], without `-v`).
    skipped: Option<SkippedRun>,
}

/// Steps skipped in a row for the same reason.
struct SkippedRun {
    reason: String,
    listed: usize,
    unlisted: usize,
    /// The name of the last one not listed: a single one is listed after all.
    last_unlisted: String,
}

/// How many steps skipped in a row for the same reason are listed one by one; the rest are
/// counted on one line (`-v` lists every one).
const LISTED_SKIPPED: usize = 3;

impl<W: Write + Send> TerminalReporter<W> {
    /// A reporter writing to `out` (an `anstream` stream strips colour where it must).
    pub fn new(out: W, verbosity: u8) -> Self {
        TerminalReporter {
            out,
            verbosity,
            line: Vec::new(),
            skipped: None,
        }
    }

    fn collection_started(
        &mut self,
        name: &str,
        path: &std::path::Path,
        environment: Option<&str>,
        iteration: Option<(usize, usize)>,
    ) {
        let mut env = environment.map_or(String::new(), |e| format!(" · env {e}"));
        if let Some((n, of)) = iteration {
            env.push_str(&format!(" · iteration {n}/{of}"));
        }
        let _ = writeln!(
            self.line,
            "{BOLD}{}{BOLD:#} {DIM}({}{}){DIM:#}",
            shown(name),
            shown(&path.display().to_string()),
            shown(&env)
        );
    }

    fn print_step(&mut self, step: &StepResult) {
        let (mark, style) = match step.outcome {
            Outcome::Passed => ("✓", PASS),
            Outcome::Failed(_) | Outcome::Errored(_) => ("✗", FAIL),
            Outcome::Skipped(_) => ("-", SKIP),
        };
        if let Outcome::Skipped(reason) = &step.outcome {
            match &mut self.skipped {
                Some(run) if run.reason == *reason => {
                    if run.listed >= LISTED_SKIPPED && self.verbosity == 0 {
                        run.unlisted += 1;
                        run.last_unlisted.clone_from(&step.name);
                        return;
                    }
                    run.listed += 1;
                }
                _ => {
                    self.end_skipped_run();
                    self.skipped = Some(SkippedRun {
                        reason: reason.clone(),
                        listed: 1,
                        unlisted: 0,
                        last_unlisted: String::new(),
                    });
                }
            }
            let _ = writeln!(
                self.line,
                "  {style}{mark}{style:#} {} {DIM}skipped: {}{DIM:#}",
                shown(&step.name),
                shown(reason)
            );
            return;
        }
        self.end_skipped_run();
        let status = step
            .status
            .map_or_else(|| "---".to_owned(), |s| s.to_string());
        let extra = match (step.attempts.len(), step.pages) {
            (_, Some(pages)) => format!(" · {pages} page{}", if pages == 1 { "" } else { "s" }),
            (0 | 1, None) => String::new(),
            (attempts, None) => format!(
                " · {attempts} attempts, {} waiting",
                format_duration(super::waited(step))
            ),
        };
        let _ = writeln!(
            self.line,
            "  {style}{mark}{style:#} {}  {DIM}{} {}{DIM:#}  {status}  {DIM}{}{extra}{DIM:#}",
            shown(&step.name),
            shown(&step.method),
            shown(&step.url),
            format_duration(step.duration),
        );
        if step.attempts.len() > 1 {
            for (number, attempt) in step.attempts.iter().enumerate() {
                if attempt.note.is_empty() {
                    continue;
                }
                let status = attempt
                    .status
                    .map_or_else(|| "---".to_owned(), |s| s.to_string());
                let _ = writeln!(
                    self.line,
                    "      {DIM}attempt {}: {status}, retried: {}{DIM:#}",
                    number + 1,
                    shown(&attempt.note)
                );
            }
        }
        match &step.outcome {
            Outcome::Failed(failures) => {
                for failure in failures {
                    // A snapshot's diff is one change a line, each shown on its own.
                    let (actual, more) =
                        match crate::check::snapshot::is_snapshot_field(&failure.field) {
                            true => failure
                                .actual
                                .split_once('\n')
                                .unwrap_or((&failure.actual, "")),
                            false => (failure.actual.as_str(), ""),
                        };
                    let _ = writeln!(
                        self.line,
                        "      {FAIL}{}{FAIL:#}: expected {}, got {}",
                        shown(&failure.subject),
                        shown(&failure.expected),
                        shown(actual)
                    );
                    for line in more.lines() {
                        let _ = writeln!(self.line, "        {}", shown(line));
                    }
                    self.location(failure.location.as_ref());
                }
            }
            Outcome::Errored(error) => {
                let _ = writeln!(
                    self.line,
                    "      {FAIL}error{FAIL:#}: {}",
                    shown(&error.message)
                );
                self.location(error.location.as_deref());
            }
            Outcome::Passed | Outcome::Skipped(_) => {}
        }
        if self.verbosity > 0 {
            for (name, value) in &step.captures {
                let _ = writeln!(
                    self.line,
                    "      {DIM}captured{DIM:#} {} = {}",
                    shown(name),
                    shown(&self.body(value))
                );
            }
            if let Some(exchange) = &step.exchange {
                self.exchange(step, exchange);
            }
        }
    }

    /// Counts on one line the steps skipped in a row that were not listed (lists the one, if
    /// only one was not).
    fn end_skipped_run(&mut self) {
        match self.skipped.take() {
            Some(run) if run.unlisted == 1 => {
                let _ = writeln!(
                    self.line,
                    "  {SKIP}-{SKIP:#} {} {DIM}skipped: {}{DIM:#}",
                    shown(&run.last_unlisted),
                    shown(&run.reason)
                );
            }
            Some(run) if run.unlisted > 1 => {
                let _ = writeln!(
                    self.line,
                    "  {SKIP}-{SKIP:#} {DIM}and {} more steps skipped: {}{DIM:#}",
                    run.unlisted,
                    shown(&run.reason)
                );
            }
            _ => {}
        }
    }

    /// Where a failure is written: `--> file:line:col` and the line with the spot marked,
    /// masked by [`Location::snippet`] (a credential written in clear shows as `***`).
    fn location(&mut self, location: Option<&Location>) {
        for line in location.map(Location::snippet).unwrap_or_default() {
            let _ = writeln!(self.line, "        {DIM}{}{DIM:#}", shown(&line));
        }
    }

    fn exchange(&mut self, step: &StepResult, exchange: &Exchange) {
        let mut lines = vec![format!("> {} {}", step.method, step.url)];
        lines.extend(
            exchange
                .request_headers
                .iter()
                .map(|(n, v)| format!("> {n}: {v}")),
        );
        if let Some(body) = &exchange.request_body {
            lines.push(">".into());
            lines.extend(self.body(body).lines().map(|l| format!("> {l}")));
        }
        for (status, to) in &exchange.redirects {
            lines.push(format!("< {status} redirect → {to}"));
        }
        if let Some(status) = step.status {
            lines.push(format!("< {} {status}", exchange.response_version));
            lines.extend(
                exchange
                    .response_headers
                    .iter()
                    .map(|(n, v)| format!("< {n}: {v}")),
            );
            if !exchange.response_body.is_empty() {
                lines.push("<".into());
                lines.extend(
                    self.body(&exchange.response_body)
                        .lines()
                        .map(|l| format!("< {l}")),
                );
            }
        }
        for line in lines {
            let _ = writeln!(self.line, "      {DIM}{}{DIM:#}", printable(&line, true));
        }
    }

    fn body(&self, text: &str) -> String {
        if self.verbosity >= 2 {
            return text.to_owned();
        }
        match text.char_indices().nth(SHORT_BODY) {
            Some((cut, _)) => format!(
                "{}… ({} more bytes; -vv shows everything)",
                &text[..cut],
                text.len() - cut
            ),
            None => text.to_owned(),
        }
    }

    fn collection_finished(&mut self) {
        self.end_skipped_run();
        let _ = writeln!(self.line);
        self.deliver();
        let _ = self.out.flush();
    }
}

impl<W: Write + Send> TerminalReporter<W> {
    /// Writes what the event printed.
    fn deliver(&mut self) {
        if !self.line.is_empty() {
            let _ = self.out.write_all(&self.line);
            self.line.clear();
        }
    }
}

impl<W: Write + Send> Observer for TerminalReporter<W> {
    fn on_event(&mut self, event: &Event<'_>) {
        match event {
            Event::CollectionStarted {
                collection,
                name,
                environment,
                iteration,
            } => self.collection_started(name, &collection.path, *environment, *iteration),
            // A step that starts is not skipped: the skipped ones before it are counted now,
            // not when it ends (nor never, if the run is interrupted meanwhile).
            Event::StepStarted { .. } => self.end_skipped_run(),
            Event::StepFinished(step) => self.print_step(step),
            Event::CollectionFinished(_) => self.collection_finished(),
        }
        self.deliver();
    }
}

/// Where the first failure (or the error) of `step` is written.
pub fn first_location(step: &StepResult) -> Option<&Location> {
    match &step.outcome {
        Outcome::Failed(failures) => failures.iter().find_map(|f| f.location.as_ref()),
        Outcome::Errored(error) => error.location.as_deref(),
        Outcome::Passed | Outcome::Skipped(_) => None,
    }
}

/// How many of the slowest steps the summary lists.
const SLOWEST: usize = 3;

/// How many failing steps the closing summary lists.
const LISTED_FAILURES: usize = 1000;

/// What the closing summary needs of a run, gathered a collection run at a time: the
/// failing steps (the first [`LISTED_FAILURES`]) and the slowest steps.
#[derive(Debug, Default)]
pub struct Digest {
    failures: Vec<FailingStep>,
    more_failures: usize,
    /// The slowest steps, slowest first (earlier first among equals).
    slowest: Vec<(Duration, String, String)>,
    /// Steps that ran (not skipped).
    timed: usize,
}

/// A failing step as the summary lists it.
#[derive(Debug)]
struct FailingStep {
    place: String,
    name: String,
    iteration: Option<(usize, usize)>,
    what: String,
}

impl Digest {
    /// An empty digest.
    pub fn new() -> Digest {
        Digest::default()
    }

    /// Takes in one more collection run.
    pub fn record(&mut self, collection: &CollectionReport) {
        let file = collection.path.to_str().unwrap_or("");
        for step in &collection.steps {
            self.record_step(file, collection.iteration, step);
        }
    }

    /// Takes in one more step of the collection run in `file` (its `iteration`, when it ran
    /// more than once), as [`Digest::record`] takes in each step of a collection run.
    pub fn record_step(
        &mut self,
        file: &str,
        iteration: Option<(usize, usize)>,
        step: &StepResult,
    ) {
        if matches!(step.outcome, Outcome::Failed(_) | Outcome::Errored(_)) {
            if self.failures.len() < LISTED_FAILURES {
                self.failures.push(FailingStep {
                    place: first_location(step).or(step.location.as_ref()).map_or_else(
                        || file.to_string(),
                        |l| format!("{}:{}", l.file.display(), l.line),
                    ),
                    name: step.name.clone(),
                    iteration,
                    what: match &step.outcome {
                        Outcome::Failed(f) => f
                            .first()
                            // The summary keeps one line: a snapshot's diff is shown above it.
                            .map(|f| {
                                let actual =
                                    match crate::check::snapshot::is_snapshot_field(&f.field) {
                                        true => f.actual.lines().next().unwrap_or_default(),
                                        false => &f.actual,
                                    };
                                format!("{}: expected {}, got {actual}", f.subject, f.expected)
                            })
                            .unwrap_or_default(),
                        Outcome::Errored(e) => e.message.clone(),
                        _ => String::new(),
                    },
                });
            } else {
                self.more_failures += 1;
            }
        }
        if !matches!(step.outcome, Outcome::Skipped(_)) {
            self.timed += 1;
            self.note_time(step.duration, || (file.to_owned(), step.name.clone()));
        }
    }

    /// Takes in what `later` gathered of the steps after this digest's: the digest is then
    /// the one those steps would have made taken in one by one.
    pub fn merge(&mut self, later: Digest) {
        let room = LISTED_FAILURES.saturating_sub(self.failures.len());
        let listed = later.failures.len().min(room);
        self.more_failures += later.failures.len() - listed + later.more_failures;
        self.failures
            .extend(later.failures.into_iter().take(listed));
        self.timed += later.timed;
        for (duration, file, name) in later.slowest {
            self.note_time(duration, || (file, name));
        }
    }

    /// Lists a step that took `duration` among the slowest, if it is one (after those as slow
    /// taken in before it); `named` gives its file and name.
    fn note_time(&mut self, duration: Duration, named: impl FnOnce() -> (String, String)) {
        let at = self
            .slowest
            .iter()
            .position(|(slowest, ..)| *slowest < duration)
            .unwrap_or(self.slowest.len());
        if at < SLOWEST {
            let (file, name) = named();
            self.slowest.insert(at, (duration, file, name));
            self.slowest.truncate(SLOWEST);
        }
    }
}

/// Prints the closing summary: failures recapped with where to look, the slowest steps, and
/// `N passed, N failed, N skipped in T`.
pub fn print_summary(out: &mut impl Write, digest: &Digest, run: &RunSummary) {
    let totals = run.totals;
    let failed = totals.failed + totals.errored;
    if !digest.failures.is_empty() {
        let _ = writeln!(out, "{FAIL}Failed:{FAIL:#}");
        for step in &digest.failures {
            // A data-driven run names the row that failed.
            let iteration = step
                .iteration
                .map_or(String::new(), |(n, of)| format!(" (iteration {n}/{of})"));
            let _ = writeln!(
                out,
                "  {FAIL}✗{FAIL:#} {} › {}{iteration} — {}",
                shown(&step.place),
                shown(&step.name),
                shown(&step.what)
            );
        }
        if digest.more_failures > 0 {
            let _ = writeln!(
                out,
                "  … and {} more failing steps (the reports list every step)",
                digest.more_failures
            );
        }
        let _ = writeln!(out);
    }
    if digest.timed > SLOWEST {
        let _ = writeln!(out, "{DIM}Slowest:{DIM:#}");
        for (duration, file, name) in &digest.slowest {
            let _ = writeln!(
                out,
                "  {DIM}{:>9}{DIM:#}  {} › {}",
                format_duration(*duration),
                shown(file),
                shown(name)
            );
        }
        let _ = writeln!(out);
    }
    let passed = format!("{} passed", totals.passed);
    let failed_text = format!("{failed} failed");
    let (pass_style, fail_style) = (
        if failed == 0 && totals.passed > 0 {
            PASS
        } else {
            Style::new()
        },
        if failed > 0 { FAIL } else { Style::new() },
    );
    let _ = writeln!(
        out,
        "{pass_style}{passed}{pass_style:#}, {fail_style}{failed_text}{fail_style:#}, {} skipped in {}{}",
        totals.skipped,
        format_duration(run.duration),
        if run.interrupted { " (interrupted)" } else { "" },
    );
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{print_summary, Digest, RunSummary, LISTED_FAILURES};
    use crate::check::expect::Failure;
    use crate::engine::{Outcome, StepError, StepResult, Totals};
    use crate::http::TransportError;

    /// A step of a random outcome and one of few durations (so that some tie).
    fn step(rng: &mut fastrand::Rng, index: usize, failing: u32) -> StepResult {
        let outcome = match rng.u32(0..100) {
            n if n < failing / 2 => Outcome::Failed(vec![Failure::new(
                ["expect", "status"],
                "status",
                "200",
                format!("{}", 400 + n),
            )]),
            n if n < failing => {
                Outcome::Errored(StepError::transport(&TransportError::ConnectionRefused {
                    host: "127.0.0.1".into(),
                    port: u16::try_from(n).unwrap(),
                }))
            }
            n if n < failing + 10 => Outcome::Skipped("an earlier step failed".into()),
            _ => Outcome::Passed,
        };
        StepResult {
            index,
            status: None,
            duration: Duration::from_millis(rng.u64(0..6)),
            outcome,
            ..StepResult::passed(&format!("step {index}"))
        }
    }

    fn summary(digest: &Digest, totals: Totals) -> String {
        let mut out = Vec::new();
        let run = RunSummary {
            totals,
            ..RunSummary::default()
        };
        print_summary(&mut out, digest, &run);
        String::from_utf8(out).unwrap()
    }

    /// A run's steps taken in one by one, or a tally per collection run merged in order, give
    /// the same closing summary: the failures listed and counted past the limit, and the
    /// slowest steps (earlier first among equals).
    #[test]
    fn digests_merged_in_order_summarise_as_the_steps_taken_in_one_by_one() {
        let seed = fastrand::u64(..);
        let mut rng = fastrand::Rng::with_seed(seed);
        for case in 0..200 {
            let count = match case % 10 {
                0 => rng.usize(LISTED_FAILURES..LISTED_FAILURES * 3),
                _ => rng.usize(0..40),
            };
            let failing = rng.u32(0..90);
            let steps: Vec<StepResult> = (0..count).map(|i| step(&mut rng, i, failing)).collect();
            let mut whole = Digest::new();
            let mut totals = Totals::default();
            for (i, step) in steps.iter().enumerate() {
                whole.record_step(&format!("c{}.yaml", i % 3), Some((i % 4, 4)), step);
                totals.record(step);
            }
            let mut merged = Digest::new();
            let mut at = 0;
            while at < steps.len() {
                let chunk = rng.usize(1..=steps.len() - at);
                let mut part = Digest::new();
                for (i, step) in steps.iter().enumerate().skip(at).take(chunk) {
                    part.record_step(&format!("c{}.yaml", i % 3), Some((i % 4, 4)), step);
                }
                merged.merge(part);
                at += chunk;
            }
            assert_eq!(
                summary(&merged, totals),
                summary(&whole, totals),
                "seed {seed}, case {case}"
            );
        }
    }
}
