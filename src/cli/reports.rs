//! The reports of `runner run`, written as the run goes: each collection run goes to every
//! requested report as soon as it and every run before it have finished (so the reports keep
//! input order whatever `--jobs` is), then is dropped. The closing summary and the exit code
//! come from counts and a digest gathered on the way, not from every result kept to the end;
//! when no report is asked for, not even one collection run's results are kept (a [`Tally`]
//! of each run's steps instead).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use runner::engine::{CollectionReport, StepResult, Totals};
use runner::report::destination::{Destination, FileIdentity};
use runner::report::stream::{Format, RunSummary, Streamed};
use runner::report::terminal::Digest;
use runner::report::{self, github, gitlab, html, json, junit, tap};

use super::args::{CiReport, RunArgs};

/// The path that means standard output.
pub(super) const STDOUT: &str = "-";

/// The repository's root as the CI system names it in `variable`, else the current directory:
/// annotations and code quality reports want paths relative to it.
fn ci_root(variable: &str) -> std::path::PathBuf {
    std::env::var_os(variable)
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// GitHub annotations are on when asked for, or by default in GitHub Actions when no other
/// report is.
pub(super) fn github_annotations(args: &RunArgs) -> bool {
    let chosen = args.reports.contains(&CiReport::Github);
    let any_report = !args.reports.is_empty()
        || args.report_junit.is_some()
        || args.report_json.is_some()
        || args.report_tap.is_some()
        || args.report_html.is_some();
    chosen || (!any_report && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"))
}

/// Every file the run will write, with the flag that names it: reports, `--curl`, the
/// cookie jar.
pub(super) fn destinations(args: &RunArgs) -> impl Iterator<Item = (&'static str, &Path)> {
    [
        ("--report-junit", &args.report_junit),
        ("--report-json", &args.report_json),
        ("--report-tap", &args.report_tap),
        ("--report-html", &args.report_html),
        ("--curl", &args.curl),
        ("--cookie-jar", &args.cookie_jar),
    ]
    .into_iter()
    .filter_map(|(flag, path)| Some((flag, path.as_deref()?)))
    .chain(args.reports.iter().filter_map(|report| match report {
        CiReport::GitlabCodeQuality(path) => Some(("--report gitlab-codequality", path.as_path())),
        CiReport::Github => None,
    }))
}

/// Checks before the first request that every destination can be written, that no two are
/// one file (however spelt: through `..`, a symlink or a hard link), and that at most one
/// report goes to standard output.
pub(super) fn check_destinations(args: &RunArgs) -> Result<(), String> {
    let mut to_stdout = 0;
    let mut files: Vec<(&str, &Path, FileIdentity)> = Vec::new();
    // The null device keeps nothing: any number of outputs may go there.
    let null = Destination::resolve(Path::new("/dev/null"))
        .ok()
        .map(|d| d.identity());
    for (flag, path) in destinations(args) {
        if path == Path::new(STDOUT) {
            to_stdout += 1;
            if flag == "--cookie-jar" {
                return Err("the cookie jar cannot be `-`; give a file".into());
            }
            continue;
        }
        let destination = Destination::resolve(path).map_err(|e| not_writable(flag, &e))?;
        destination
            .check(path)
            .map_err(|e| not_writable(flag, &e))?;
        let identity = destination.identity();
        if null.as_ref() == Some(&identity) {
            continue;
        }
        if let Some((other_flag, other, _)) = files.iter().find(|(_, _, i)| *i == identity) {
            let spelt = match *other == path {
                true => format!("`{}`", path.display()),
                false => format!("`{}` and `{}`", other.display(), path.display()),
            };
            return Err(format!(
                "{other_flag} and {flag} both write {spelt}, one file: one would overwrite the other; give each its own file"
            ));
        }
        files.push((flag, path, identity));
    }
    // GitHub's annotations are written to standard output too.
    if github_annotations(args) {
        to_stdout += 1;
    }
    if to_stdout > 1 {
        return Err("only one report can go to standard output (`-`; GitHub annotations are written there too)".into());
    }
    Ok(())
}

/// Why the file `flag` names cannot be written, told as the file it is: a report, the
/// `--curl` file or the cookie jar.
pub(super) fn not_writable(flag: &str, error: &runner::report::ReportError) -> String {
    let (what, example) = match flag {
        "--cookie-jar" => ("the cookie jar", "cookies.txt"),
        "--curl" => ("the --curl file", "requests.sh"),
        _ => return error.to_string(),
    };
    format!(
        "cannot write {what} `{}`: {}",
        error.path,
        error
            .reason
            .replace("`reports/report.xml`", &format!("`{example}`"))
    )
}

/// Where a report goes.
enum Target {
    /// A file, replaced atomically once the report is complete.
    File(PathBuf),
    /// Standard output (`-`).
    Stdout,
    /// GitHub's workflow commands, on standard output.
    GithubAnnotations,
    /// GitHub's job summary, appended to `$GITHUB_STEP_SUMMARY`.
    GithubSummary(PathBuf),
}

/// What the closing summary needs of a collection run whose steps its collector does not
/// keep (no report needs them), gathered a step at a time: its counts and its digest.
#[derive(Default)]
pub(super) struct Tally {
    totals: Totals,
    digest: Digest,
}

impl Tally {
    /// One more step of `run` (as its collector has it so far) finished.
    pub(super) fn step(&mut self, run: &CollectionReport, step: &StepResult) {
        self.totals.record(step);
        let file = run.path.to_str().unwrap_or("");
        self.digest.record_step(file, run.iteration, step);
    }
}

/// A collection run that ended: what its collector kept, and the tally of the steps it did
/// not keep.
pub(super) struct Ended {
    pub(super) report: CollectionReport,
    pub(super) tally: Option<Tally>,
}

/// Every report of a run, and what the closing summary needs.
pub(super) struct Reports {
    outputs: Vec<(Target, Streamed)>,
    /// Counts over every collection run given so far.
    pub(super) summary: RunSummary,
    /// The failing and slowest steps, for the closing summary.
    pub(super) digest: Digest,
    /// The next collection run to give to the reports, in input order.
    next: usize,
    /// Runs that finished before an earlier one.
    waiting: BTreeMap<usize, Option<Ended>>,
    /// How many collection runs the command makes.
    runs: usize,
}

impl Reports {
    /// The reports `args` ask for, for a run that started at `started_at`; an error when a
    /// temporary file for them cannot be made.
    pub(super) fn new(args: &RunArgs, started_at: &str, runs: usize) -> Result<Reports, String> {
        let mut wanted: Vec<(Target, Box<dyn Format>)> = Vec::new();
        if github_annotations(args) {
            let root = ci_root("GITHUB_WORKSPACE");
            wanted.push((
                Target::GithubAnnotations,
                Box::new(github::Annotations::new(&root)),
            ));
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
                wanted.push((
                    Target::GithubSummary(path.into()),
                    Box::new(github::StepSummary::new(&root)),
                ));
            }
        }
        let target = |path: &Path| {
            if path == Path::new(STDOUT) {
                Target::Stdout
            } else {
                Target::File(path.to_owned())
            }
        };
        if let Some(path) = &args.report_junit {
            wanted.push((target(path), Box::new(junit::Junit)));
        }
        if let Some(path) = &args.report_json {
            wanted.push((target(path), Box::new(json::Json::new())));
        }
        if let Some(path) = &args.report_tap {
            wanted.push((target(path), Box::new(tap::Tap::new())));
        }
        if let Some(path) = &args.report_html {
            wanted.push((target(path), Box::new(html::Html::new())));
        }
        if let Some(path) = &args.curl {
            wanted.push((target(path), Box::new(report::curl::Curl)));
        }
        for ci in &args.reports {
            if let CiReport::GitlabCodeQuality(path) = ci {
                let root = ci_root("CI_PROJECT_DIR");
                wanted.push((target(path), Box::new(gitlab::CodeQuality::new(&root))));
            }
        }
        let mut outputs = Vec::with_capacity(wanted.len());
        for (target, format) in wanted {
            // GitHub's outputs hold only the failing steps: they wait in memory, so a plain
            // run in GitHub Actions needs no temporary file.
            if matches!(target, Target::GithubAnnotations | Target::GithubSummary(_)) {
                outputs.push((target, Streamed::in_memory(format)));
                continue;
            }
            let streamed = Streamed::new(format).map_err(|e| {
                format!(
                    "cannot create a temporary file for the reports in `{}`: {e} (set TMPDIR to a writable directory)",
                    std::env::temp_dir().display()
                )
            })?;
            outputs.push((target, streamed));
        }
        Ok(Reports {
            outputs,
            summary: RunSummary {
                started_at: started_at.to_owned(),
                ..RunSummary::default()
            },
            digest: Digest::new(),
            next: 0,
            waiting: BTreeMap::new(),
            runs,
        })
    }

    /// Whether a report needs every step of each collection run (else the runs keep a
    /// [`Tally`] of their steps instead of the steps).
    pub(super) fn need_steps(&self) -> bool {
        !self.outputs.is_empty()
    }

    /// Collection run `index` has ended, with what it ran (`None` if it did not start).
    pub(super) fn finished(&mut self, index: usize, run: Option<Ended>) {
        if index < self.next {
            return;
        }
        self.waiting.insert(index, run);
        while let Some(run) = self.waiting.remove(&self.next) {
            self.next += 1;
            if let Some(mut run) = run {
                self.give(&mut run);
                // The last run is not freed step by step as the command ends (10,000 steps
                // take milliseconds, after the last request): the process's exit frees it
                // at once, as `load::keep_to_the_end` does the collections.
                if self.next == self.runs {
                    std::mem::forget(run);
                }
            }
        }
    }

    /// Gives every run of the `count` not given yet, in order, taking each with `take`
    /// (after an interrupt: what ran of the runs cut short).
    pub(super) fn finish_all(&mut self, count: usize, take: impl Fn(usize) -> Option<Ended>) {
        for index in self.next..count {
            if !self.waiting.contains_key(&index) {
                let run = take(index);
                self.finished(index, run);
            }
        }
    }

    fn give(&mut self, run: &mut Ended) {
        // The steps tallied came before any the collector kept (one cut short by an interrupt).
        if let Some(tally) = run.tally.take() {
            self.summary.totals.add(&tally.totals);
            self.digest.merge(tally.digest);
        }
        self.summary.record(&run.report);
        self.digest.record(&run.report);
        for (_, report) in &mut self.outputs {
            report.collection(&run.report);
        }
    }

    /// Writes every report; false if one could not be written (said on `stderr`).
    pub(super) fn write(
        &mut self,
        duration: Duration,
        interrupted: bool,
        stderr: &mut impl Write,
    ) -> bool {
        self.summary.duration = duration;
        self.summary.interrupted = interrupted;
        let mut ok = true;
        for (target, report) in &mut self.outputs {
            let summary = &self.summary;
            let written = match target {
                Target::File(path) => {
                    report::write_atomically_with(path, |out| report.finish(summary, out))
                        .map_err(|e| e.to_string())
                }
                // As before any report: annotations that cannot be printed are not an error.
                Target::GithubAnnotations => {
                    let _ = report.finish(summary, &mut std::io::stdout().lock());
                    Ok(())
                }
                Target::Stdout => {
                    let mut stdout = std::io::stdout().lock();
                    report
                        .finish(summary, &mut stdout)
                        .map_err(|e| format!("cannot write a report to standard output: {e}"))
                }
                Target::GithubSummary(path) => std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&*path)
                    .and_then(|file| {
                        let mut out = std::io::BufWriter::new(file);
                        report.finish(summary, &mut out)
                    })
                    .map_err(|e| {
                        format!("cannot write the step summary `{}`: {e}", path.display())
                    }),
            };
            if let Err(message) = written {
                let _ = writeln!(stderr, "error: {message}");
                ok = false;
            }
        }
        ok
    }
}
