//! `runner run`: load every collection (all problems at once, nothing sent if any), then run
//! them — several at a time with `--jobs` — with terminal output in input order, and write
//! the requested reports, also when the run fails or is interrupted.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::Value;

use super::args::RunArgs;
use super::exit_code;
use super::file_problem::{FileProblem, Input};
use super::load::Problem;
use super::output::{CollectionWriter, OrderedOutput};
use super::progress::Progress;
use super::reports::{
    check_destinations_reading, collection_inputs, command_inputs, destinations, Ended, Inputs,
    Reports, Tally, STDOUT,
};
use super::signals::{Signal, Signals};
use runner::collection::{Collection, Diagnostics};
use runner::engine::workers::{self, Job, Plan};
use runner::engine::{
    CollectionDone, Collector, Event, Observer, Override, PrepareError, RunOptions, Selection,
    SnapshotMode, Snapshots, StepResult,
};
use runner::http::{ClientError, ClientOptions, HttpClient};
use runner::report;
use runner::report::coverage::{CoverageBook, CoverageObserver};
use runner::report::terminal::{print_summary, TerminalReporter};

/// How soon after the first a signal is the same one sent again (by `timeout`, to the
/// process and its group), not a second asking to stop at once.
const SAME_SIGNAL: std::time::Duration = std::time::Duration::from_millis(250);

/// The collectors of the collection runs under way: each keeps its run's results until the
/// run ends and goes to the reports — or, when no report needs them, a tally of them.
struct Collectors {
    running: Mutex<std::collections::HashMap<usize, Arc<Mutex<RunCollector>>>>,
    /// Whether a report needs every step.
    keep_steps: bool,
}

/// What one collection run leaves behind as it goes.
struct RunCollector {
    collector: Collector,
    /// The counts and digest of its steps, when the collector does not keep them.
    tally: Option<Tally>,
}

impl Collectors {
    /// Collectors keeping every step when `keep_steps`, else a tally of them.
    fn new(keep_steps: bool) -> Collectors {
        Collectors {
            running: Mutex::default(),
            keep_steps,
        }
    }

    /// The collector of run `index`, which starts now.
    fn start(&self, index: usize) -> Arc<Mutex<RunCollector>> {
        let collector = Arc::new(Mutex::new(match self.keep_steps {
            true => RunCollector {
                collector: Collector::default(),
                tally: None,
            },
            false => RunCollector {
                collector: Collector::keeping_no_steps(),
                tally: Some(Tally::default()),
            },
        }));
        if let Ok(mut running) = self.running.lock() {
            running.insert(index, Arc::clone(&collector));
        }
        collector
    }

    /// What run `index` ran (`None` if it never started), now that it ended.
    fn end(&self, index: usize) -> Option<Ended> {
        let collector = self.running.lock().ok()?.remove(&index)?;
        let mut collector = collector.lock().ok()?;
        Some(Ended {
            report: collector.collector.report.take()?,
            tally: collector.tally.take(),
        })
    }

    /// Marks every run under way as interrupted by `signal` (they were dropped where they
    /// were); for each, its index, the step it cut short and its end, which its terminal
    /// reporter, dropped with it, did not print.
    fn interrupt(&self, signal: &'static str) -> Vec<(usize, Option<StepResult>, CollectionDone)> {
        let mut ended = Vec::new();
        if let Ok(running) = self.running.lock() {
            for (index, collector) in running.iter() {
                let Ok(mut collector) = collector.lock() else {
                    continue;
                };
                if collector.collector.finished {
                    continue;
                }
                let step = collector.collector.interrupt(signal);
                if let Some(run) = &collector.collector.report {
                    let done = CollectionDone {
                        name: run.name.clone(),
                        path: run.path.clone(),
                        environment: run.environment.clone(),
                        duration: run.duration,
                        interrupted: Some(signal),
                    };
                    ended.push((*index, step, done));
                }
            }
        }
        ended.sort_by_key(|(index, _, _)| *index);
        ended
    }
}

impl RunCollector {
    /// Takes in `event`.
    fn on_event(&mut self, event: &Event<'_>) {
        if let (Some(tally), Some(run), Event::StepFinished(step)) =
            (&mut self.tally, &self.collector.report, event)
        {
            tally.step(run, step);
        }
        self.collector.on_event(event);
    }

    /// A step finished, its result handed over.
    fn step_finished(&mut self, result: runner::engine::StepResult) {
        if let (Some(tally), Some(run)) = (&mut self.tally, &self.collector.report) {
            tally.step(run, &result);
        }
        self.collector.step_finished(result);
    }
}

/// Where the output for people goes: stdout, or stderr when a report takes stdout (`-`).
enum Terminal {
    Stdout(anstream::AutoStream<std::io::Stdout>),
    Stderr(anstream::AutoStream<std::io::Stderr>),
}

impl Write for Terminal {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Terminal::Stdout(out) => write_event(out, bytes),
            Terminal::Stderr(out) => write_event(out, bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Terminal::Stdout(out) => out.flush(),
            Terminal::Stderr(out) => out.flush(),
        }
    }
}

/// Writes `bytes` (what one event prints) in one go. A stream that strips colour writes each
/// piece between two escapes on its own (on stderr, a system call each), so the colour is
/// stripped here first and the text written to the stream underneath.
fn write_event<S>(out: &mut anstream::AutoStream<S>, bytes: &[u8]) -> std::io::Result<usize>
where
    S: anstream::stream::RawStream,
    anstream::AutoStream<S>: Write,
    for<'s> &'s S: Write,
{
    if out.current_choice() == anstream::ColorChoice::Never {
        out.as_inner().write_all(&without_styles(bytes))?;
    } else {
        out.write_all(bytes)?;
    }
    Ok(bytes.len())
}

/// `bytes` without the styles the reporters write (`ESC [ … m` and the like), as
/// `anstream`'s stripping would leave it; anything else it strips (another escape, a control
/// character other than a blank, DEL, bytes that are not UTF-8) is left to it.
fn without_styles(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const ESC: u8 = 0x1b;
    let stripped_by_anstream =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | ESC)) || b == 0x7f;
    if bytes.iter().any(|&b| stripped_by_anstream(b)) || std::str::from_utf8(bytes).is_err() {
        return anstream::adapter::strip_bytes(bytes).into_vec().into();
    }
    if memchr::memchr(ESC, bytes).is_none() {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut plain = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = memchr::memchr(ESC, rest) {
        plain.extend_from_slice(&rest[..at]);
        let sequence = &rest[at + 1..];
        let Some(parameters) = sequence.strip_prefix(b"[") else {
            return anstream::adapter::strip_bytes(bytes).into_vec().into();
        };
        // Parameter and intermediate bytes, then one final byte (ECMA-48).
        let length = parameters
            .iter()
            .take_while(|b| (0x20..=0x3f).contains(*b))
            .count();
        match parameters.get(length) {
            Some(0x40..=0x7e) => rest = &parameters[length + 1..],
            _ => return anstream::adapter::strip_bytes(bytes).into_vec().into(),
        }
    }
    plain.extend_from_slice(rest);
    plain.into()
}

/// The most collection runs (collections times iterations or data rows) in one invocation
/// (docs/limits.md).
const MAX_RUNS: usize = 1_000_000;

/// What one collection's task reports to: the terminal, and the collector for reports and
/// the summary (shared, so an interrupted run still has what ran).
struct CollectionObserver {
    terminal: TerminalReporter<CollectionWriter<Terminal>>,
    coverage: CoverageObserver,
    collector: Arc<Mutex<RunCollector>>,
    progress: Arc<Progress>,
    name: String,
    /// Stores the snapshots finished steps leave.
    snapshots: Arc<super::snapshots::Recorder>,
    /// The running collection's file.
    path: std::path::PathBuf,
}

impl CollectionObserver {
    /// Everything but the collector hears `event`.
    fn tell_all_but_the_collector(&mut self, event: &Event<'_>) {
        match event {
            Event::CollectionStarted {
                collection, name, ..
            } => {
                (*name).clone_into(&mut self.name);
                self.path.clone_from(&collection.path);
            }
            Event::StepStarted { name, .. } => self.progress.step_started(&self.name, name),
            Event::StepFinished(step) => {
                self.progress.step_done();
                self.snapshots.step_finished(&self.path, step);
            }
            Event::CollectionFinished(_) => {}
        }
        self.terminal.on_event(event);
        self.coverage.on_event(event);
    }
}

impl Observer for CollectionObserver {
    fn on_event(&mut self, event: &Event<'_>) {
        self.tell_all_but_the_collector(event);
        if let Ok(mut collector) = self.collector.lock() {
            collector.on_event(event);
        }
    }

    fn step_finished(&mut self, result: runner::engine::StepResult) {
        self.tell_all_but_the_collector(&Event::StepFinished(&result));
        // The collector keeps the result for the reports (handed over, not copied), or
        // tallies it.
        if let Ok(mut collector) = self.collector.lock() {
            collector.step_finished(result);
        }
    }
}

pub(super) async fn run(args: RunArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    if let Some(message) = super::secret_arg::malformed_secret(&args.secrets) {
        return refuse(&args, &mut stderr, message, exit_code::INVALID_INPUT);
    }
    let tls = [
        ("the CA certificate (--cacert)", &args.cacert),
        ("the client certificate (--cert)", &args.cert),
        ("the client key (--key)", &args.key),
    ];
    let pipes = super::pipes::collections(&args.paths)
        .chain(super::pipes::variables(
            args.data.as_ref(),
            &args.vars_files,
        ))
        .chain(
            tls.iter()
                .filter_map(|(role, path)| Some((*role, path.as_deref()?))),
        );
    if let Err(message) = super::pipes::read_once(pipes) {
        return refuse(&args, &mut stderr, message, exit_code::INVALID_INPUT);
    }
    let plans = match Plans::new(&args) {
        Ok(plans) => plans,
        Err(problem) => {
            let problem = Problem::File(problem);
            return refuse_for(&args, &mut stderr, problem, exit_code::INVALID_INPUT);
        }
    };
    let options = plans.get(0);
    // Each distinct set of data columns is checked once; each row's values, as its
    // iteration starts.
    let data = args.data.as_deref().map(super::data::DataFile::new);
    let groups = plans.groups();
    let loaded = super::row_checks::load(
        &args.paths,
        |_| std::borrow::Cow::Borrowed(&groups[..]),
        data.as_ref(),
        |_, row| vec![plans.get(row)],
    );
    let collections = match loaded {
        Ok(collections) => collections,
        Err(mut problems) => {
            super::load::mask(&mut problems, &problem_secrets(&args));
            super::load::print_problems(&mut stderr, &problems, "nothing was sent");
            super::refused::write(&args, &problems, &mut stderr);
            return exit_code::INVALID_INPUT;
        }
    };
    // Every destination, before anything else can refuse the run and write the reports: none
    // may be a file the run reads (a collection, an included file, the data file...).
    let inputs = Inputs::new(
        command_inputs(&args)
            .into_iter()
            .chain(collection_inputs(&collections)),
    );
    match check_destinations_reading(&args, &inputs) {
        Ok(warnings) => {
            let unchecked = super::load::unchecked_warnings(&collections);
            for warning in warnings.into_iter().chain(unchecked) {
                // A document's pattern, a path: shown, never obeyed by the terminal.
                let warning = runner::spec::text::printable(&warning, false);
                let _ = writeln!(stderr, "warning: {warning}");
            }
        }
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}; nothing was sent");
            return exit_code::INVALID_INPUT;
        }
    }
    if let Err(message) = steps_exist(&collections, &options.selection.steps) {
        return refuse(&args, &mut stderr, message, exit_code::INVALID_INPUT);
    }
    if let Err(message) = tags_select_something(&collections, &options.selection.tags) {
        return refuse(&args, &mut stderr, message, exit_code::INVALID_INPUT);
    }
    let loaded = collections.len();
    let collections: Vec<Arc<Collection>> = collections
        .into_iter()
        .enumerate()
        .filter(|(index, _)| args.shard.is_none_or(|(k, n)| index % n == k - 1))
        .map(|(_, collection)| collection)
        .filter(|collection| options.selection.matches(collection))
        .map(Arc::new)
        .collect();
    super::load::keep_to_the_end(&collections);
    if collections.is_empty() {
        // A CI matrix wider than the suite, or a shard without the tag: nothing to do is not a
        // failure. The reports are still written, empty.
        let _ = writeln!(stderr, "note: {}", nothing_selected(&args, loaded));
    }
    let coverage = match coverage_book(&args, &collections) {
        Ok(book) => Arc::new(Mutex::new(book)),
        Err(message) => {
            return refuse(&args, &mut stderr, message, exit_code::INVALID_INPUT);
        }
    };
    if args.insecure {
        let _ = writeln!(
            stderr,
            "warning: --insecure: TLS certificates are not verified; anyone on the network path can read and change this run's traffic"
        );
    }
    let client = match client(&args) {
        Ok(client) => client,
        Err((message, code)) => {
            return refuse(&args, &mut stderr, message, code);
        }
    };

    let runs = collections.len().saturating_mul(plans.count);
    if runs > MAX_RUNS {
        let message = format!(
            "{} collections times {} iterations is more than the limit of {MAX_RUNS} runs in one invocation; run fewer at a time (e.g. with --shard)",
            collections.len(),
            plans.count
        );
        return refuse(&args, &mut stderr, message, exit_code::INVALID_INPUT);
    }
    let snapshots = match snapshot_settings(&args, &collections, &mut stderr) {
        Ok(snapshots) => Arc::new(snapshots),
        Err(message) => {
            // Placed in the snapshot file, when it is not valid at a spot.
            let problems = [super::snapshots::snapshot_problem(
                collections.iter().map(AsRef::as_ref),
                message,
            )];
            super::load::print_problems(&mut stderr, &problems, "nothing was sent");
            super::refused::write(&args, &problems, &mut stderr);
            return exit_code::INVALID_INPUT;
        }
    };
    let recorder = Arc::new(super::snapshots::Recorder::default());
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs_at_once = args.jobs.map_or(cpus, usize::from);
    let plan = Plan::new(jobs_at_once, cpus, runs);
    // One client per thread: connections belong to the runtime that opened them.
    let mut clients = vec![client.clone()];
    let client_settings = client_options(&args);
    for _ in 1..plan.threads() {
        match client.sibling(&client_settings) {
            Ok(sibling) => clients.push(sibling),
            Err(error) => {
                return refuse(
                    &args,
                    &mut stderr,
                    error.to_string(),
                    exit_code::RUNTIME_ERROR,
                );
            }
        }
    }
    let planned: usize = collections
        .iter()
        .map(|collection| runner::engine::planned_steps(collection, &options.selection))
        .sum::<usize>()
        .saturating_mul(plans.count);
    let started_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let reports = match Reports::new(&args, &started_at, runs) {
        Ok(reports) => Arc::new(Mutex::new(reports)),
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}; nothing was sent");
            return exit_code::RUNTIME_ERROR;
        }
    };
    let progress = Progress::new(planned);
    let ticker = progress.spawn_ticker();
    let output = OrderedOutput::new(
        if destinations(&args).any(|(_, path)| path == Path::new(STDOUT)) {
            Terminal::Stderr(anstream::AutoStream::new(
                std::io::stderr(),
                args.color.choice(),
            ))
        } else {
            Terminal::Stdout(anstream::AutoStream::new(
                std::io::stdout(),
                args.color.choice(),
            ))
        },
        runs,
        Some(Arc::clone(&progress)),
    );
    // Without a report, no step's result is kept, and skipped steps are not located.
    let keep_steps = reports.lock().is_ok_and(|reports| reports.need_steps());
    let collectors = Arc::new(Collectors::new(keep_steps));
    let started = Instant::now();
    // One run per collection and iteration, in that order, each made as a lane takes it.
    let (job_output, job_progress, job_collectors) = (
        Arc::clone(&output),
        Arc::clone(&progress),
        Arc::clone(&collectors),
    );
    let verbose = args.verbose;
    let count = plans.count;
    let job_recorder = Arc::clone(&recorder);
    let job_coverage = Arc::clone(&coverage);
    let (interrupter, interrupt) = runner::engine::Interrupter::new();
    let reported_collections = collections.clone();
    let jobs = (0..runs).map(move |index| {
        let collection = Arc::clone(&collections[index / count]);
        Job {
            index,
            collection,
            options: Arc::new(RunOptions {
                interrupt: interrupt.clone(),
                snapshots: Arc::clone(&snapshots),
                references_checked: plans.checked_at_load(),
                locate_skipped: keep_steps,
                ..plans.get(index % count)
            }),
            observer: CollectionObserver {
                terminal: TerminalReporter::new(
                    CollectionWriter {
                        index,
                        shared: Arc::clone(&job_output),
                    },
                    verbose,
                ),
                coverage: CoverageObserver::new(Arc::clone(&job_coverage)),
                collector: job_collectors.start(index),
                progress: Arc::clone(&job_progress),
                name: String::new(),
                snapshots: Arc::clone(&job_recorder),
                path: std::path::PathBuf::new(),
            },
        }
    });
    let finish = Arc::clone(&output);
    let (done_collectors, done_reports) = (Arc::clone(&collectors), Arc::clone(&reports));
    let mut stopped_by = None;
    let mut signals = Signals::new();
    let ran = workers::run(
        jobs,
        &plan,
        clients,
        Arc::new(super::sandboxes::Bundled),
        move |index, failure| {
            finish.finish(index);
            // The run goes to the reports (in input order) and is dropped; one that could
            // not start goes as its problems.
            let run = done_collectors.end(index).or_else(|| {
                let failure = failure?;
                let iteration = (count > 1).then_some((index % count + 1, count));
                let collection = &reported_collections[index / count];
                Some(Ended {
                    report: super::refused::not_started(collection, iteration, failure),
                    tally: None,
                })
            });
            if let Ok(mut reports) = done_reports.lock() {
                reports.finished(index, run);
            }
        },
        // The first signal asks every run to stop and finish (its `finally` steps); a second
        // stops them where they are.
        async {
            let signal = signals.next().await;
            stopped_by = Some(signal);
            interrupter.interrupt(signal.name());
            let _ = writeln!(
                std::io::stderr(),
                "\n{}: stopping; the `finally` steps still run (send it again to stop at once)",
                signal.name()
            );
            // `timeout` (GNU coreutils) sends its signal to runner and again to runner's
            // process group, a few microseconds apart: a repeat this soon is that one signal,
            // not a second one asking to stop at once (a person's second Ctrl-C comes later).
            let first = std::time::Instant::now();
            loop {
                signals.next().await;
                if first.elapsed() >= SAME_SIGNAL {
                    break;
                }
            }
        },
    )
    .await;
    if let Some(ticker) = ticker {
        ticker.abort();
    }
    progress.clear();
    for error in &ran.thread_failures {
        let _ = writeln!(
            stderr,
            "warning: a worker thread could not start ({error}); the other threads ran its jobs"
        );
    }
    let interrupted = ran.interrupted || stopped_by.is_some();
    let mut setup_failures: Vec<(usize, PrepareError)> = ran
        .finished
        .into_iter()
        .filter_map(|(index, failure)| Some((index, failure?)))
        .collect();
    let signal = stopped_by.unwrap_or(Signal::Interrupt);
    if interrupted {
        for (index, step, done) in collectors.interrupt(signal.name()) {
            // A run dropped where it was took its terminal reporter with it: another prints
            // the step it cut short, as any step interrupted is printed, and its end.
            let mut terminal = TerminalReporter::new(
                CollectionWriter {
                    index,
                    shared: Arc::clone(&output),
                },
                args.verbose,
            );
            if let Some(step) = &step {
                terminal.on_event(&Event::StepFinished(step));
            }
            terminal.on_event(&Event::CollectionFinished(&done));
        }
        for index in 0..runs {
            output.finish(index);
        }
    }
    let mut reports = reports.lock().unwrap_or_else(|e| e.into_inner());
    reports.finish_all(runs, |index| collectors.end(index));
    let duration = started.elapsed();
    let mut summary = reports.summary.clone();
    summary.duration = duration;
    summary.interrupted = interrupted;
    summary.openapi_coverage = coverage.lock().map(|b| b.summaries()).unwrap_or_default();
    reports
        .summary
        .openapi_coverage
        .clone_from(&summary.openapi_coverage);
    output.with_output(|out| {
        print_summary(out, &reports.digest, &summary);
        let _ = write!(
            out,
            "{}",
            report::coverage::terminal_section(&summary.openapi_coverage)
        );
    });
    let (written, snapshot_errors) = recorder.finish();
    for note in written {
        let _ = writeln!(stderr, "{note}");
    }
    let mut code = if interrupted {
        signal.exit_code()
    } else {
        exit_code::for_totals(&summary.totals)
    };
    if let Some(minimum) = args.min_openapi_coverage {
        for problem in report::coverage::below(&summary.openapi_coverage, minimum) {
            let _ = writeln!(stderr, "error: {problem}");
            code = code.max(exit_code::FAILED);
        }
    }
    setup_failures.sort_by_key(|(index, _)| *index);
    for (index, failure) in setup_failures {
        match failure {
            PrepareError::Invalid(Diagnostics(problems)) => {
                let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                // A data row checked as its iteration starts stops that iteration only.
                let consequence = match count {
                    1 => "that collection did not run".to_owned(),
                    _ => format!("iteration {}/{count} did not run", index % count + 1),
                };
                super::load::print_problems(&mut stderr, &problems, &consequence);
                code = code.max(exit_code::INVALID_INPUT);
            }
            error @ PrepareError::Sandbox(_) => {
                let _ = writeln!(stderr, "error: {error}");
                code = code.max(exit_code::RUNTIME_ERROR);
            }
        }
    }
    for error in &snapshot_errors {
        let _ = writeln!(stderr, "error: {error}");
        code = code.max(exit_code::RUNTIME_ERROR);
    }
    if !reports.write(duration, interrupted, &mut stderr) && !interrupted {
        code = code.max(exit_code::RUNTIME_ERROR);
    }
    // What runner prints is the run's result too: lost (a full disk), the exit code says so
    // (a reader that went away, `| head`, is no error).
    if let Some(error) = output.lost() {
        let _ = writeln!(
            stderr,
            "error: cannot write the run's output: {error}; what it printed is incomplete"
        );
        code = code.max(exit_code::RUNTIME_ERROR);
    }
    if let Some(path) = &args.cookie_jar {
        let jar = client.cookie_jar().to_netscape();
        let saved = super::reports::write_destination(path, |out| out.write_all(jar.as_bytes()));
        if let Err(error) = saved {
            let error = super::reports::not_writable("--cookie-jar", &error);
            let _ = writeln!(stderr, "error: {error}");
            code = code.max(exit_code::RUNTIME_ERROR);
        }
    }
    code
}

/// Refuses the run for `message`, a problem of the arguments (or, with a code other than 2,
/// of what the run needs): [`refuse_for`].
fn refuse(args: &RunArgs, stderr: &mut impl Write, message: String, code: u8) -> u8 {
    let problem = match code {
        exit_code::INVALID_INPUT => Problem::Argument(message),
        _ => Problem::Runtime(message),
    };
    refuse_for(args, stderr, problem, code)
}

/// Refuses the run for `problem`: says so, and that nothing was sent; the reports asked for
/// say so too; the run ends with `code`.
fn refuse_for(args: &RunArgs, stderr: &mut impl Write, problem: Problem, code: u8) -> u8 {
    // A data or vars file may quote a `--secret` value.
    let mut problems = [problem];
    super::load::mask(&mut problems, &problem_secrets(args));
    let _ = writeln!(stderr, "error: {}; nothing was sent", problems[0]);
    super::refused::write(args, &problems, stderr);
    code
}

/// What a problem found before the collections load (in a data or vars file) is masked with.
fn problem_secrets(args: &RunArgs) -> runner::redact::Redactor {
    super::secret_inputs::of_run(args)
}

/// The approved snapshots of the collections, and what to do with a missing or changed one:
/// record it as pending, approve it (`--update-snapshots`), or, in CI, write nothing.
fn snapshot_settings(
    args: &RunArgs,
    collections: &[Arc<Collection>],
    stderr: &mut impl Write,
) -> Result<Snapshots, String> {
    let mode = match super::snapshots::ci_variable() {
        Some(variable) => {
            if args.update_snapshots {
                let _ = writeln!(
                    stderr,
                    "warning: --update-snapshots is ignored because {variable} is set: nothing is written to snapshot files in CI"
                );
            }
            SnapshotMode::ReadOnly
        }
        None if args.update_snapshots => SnapshotMode::Update,
        None => SnapshotMode::Record,
    };
    Ok(Snapshots {
        approved: super::snapshots::approved(collections.iter().map(AsRef::as_ref))?,
        mode,
    })
}

/// The documents the run's coverage counts against: `--openapi-coverage`'s, and (as each
/// collection starts) the one it names. `--min-openapi-coverage` needs one of them.
fn coverage_book(args: &RunArgs, collections: &[Arc<Collection>]) -> Result<CoverageBook, String> {
    let mut book = CoverageBook::default();
    if let Some(path) = &args.openapi_coverage {
        let contract = runner::openapi::Contract::load(path)
            .map_err(|e| format!("--openapi-coverage: {e}"))?;
        book.count_everything_against(Arc::new(contract), &path.display().to_string());
    }
    if args.min_openapi_coverage.is_some()
        && book.is_empty()
        && !collections.iter().any(|c| c.openapi.is_some())
    {
        return Err("--min-openapi-coverage needs an OpenAPI document: name it in the collection (`openapi: api.yaml`) or with --openapi-coverage SPEC".into());
    }
    Ok(book)
}

/// The HTTP client's options from the command line.
fn client_options(args: &RunArgs) -> ClientOptions {
    ClientOptions {
        network: args.network_options(),
        max_body: args.max_body.unwrap_or(runner::http::DEFAULT_MAX_BODY),
    }
}

/// The run's HTTP client, with `--cookie-jar` loaded; or the error and its exit code.
fn client(args: &RunArgs) -> Result<HttpClient, (String, u8)> {
    let client = HttpClient::new(&client_options(args)).map_err(|error| {
        let code = match error {
            ClientError::Build(_) => exit_code::RUNTIME_ERROR,
            ClientError::Invalid { .. } | ClientError::Argument(_) => exit_code::INVALID_INPUT,
        };
        (error.to_string(), code)
    })?;
    if let Some(path) = &args.cookie_jar {
        match runner::spec::file::read_to_string(path) {
            Ok(text) => {
                client.cookie_jar().load_netscape(&text).map_err(|e| {
                    (
                        format!("cookie jar `{}`: {e}", path.display()),
                        exit_code::INVALID_INPUT,
                    )
                })?;
            }
            // A jar that does not exist yet is created at the end of the run.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err((
                    format!("cannot read the cookie jar `{}`: {e}", path.display()),
                    exit_code::INVALID_INPUT,
                ))
            }
        }
    }
    Ok(client)
}

/// The options of every iteration: one, or one per `--data` row / `--iterations`, each made
/// when its run starts (a long data-driven run does not hold every run's options at once).
struct Plans {
    /// The options every iteration shares (without the overrides).
    base: RunOptions,
    /// `--vars-file` values: the lowest precedence.
    files: Vec<Override>,
    /// `--data` rows, used in turn: each column's name held once.
    rows: Vec<super::data::CompactRow>,
    /// `--var` and `--secret` values: the highest precedence.
    flags: Vec<Override>,
    /// Iterations.
    count: usize,
}

impl Plans {
    fn new(args: &RunArgs) -> Result<Plans, FileProblem> {
        let mut files = Vec::new();
        for file in &args.vars_files {
            files.extend(read_vars_file(file)?);
        }
        let rows = match &args.data {
            Some(path) => super::data::read_compact_rows(path)?,
            None => Vec::new(),
        };
        let count = args.iterations.map_or(rows.len().max(1), |n| n as usize);
        let flags = options(args, Vec::new()).overrides;
        Ok(Plans {
            base: RunOptions {
                overrides: Vec::new(),
                ..options(args, Vec::new())
            },
            files,
            rows,
            flags,
            count,
        })
    }

    /// The options of iteration `i` (from 0).
    fn get(&self, i: usize) -> RunOptions {
        // Precedence, lowest first: vars files, the data row, --var, --secret.
        let row = self
            .rows
            .get(i % self.rows.len().max(1))
            .into_iter()
            .flatten();
        let mut overrides = self.files.clone();
        overrides.extend(row.map(|(name, value)| Override {
            name: name.to_string(),
            value: value.clone(),
            secret: false,
        }));
        overrides.extend(self.flags.iter().cloned());
        RunOptions {
            overrides,
            iteration: (self.count > 1).then_some((i + 1, self.count)),
            ..self.base.clone()
        }
    }

    /// Whether loading checked every iteration's variables: so it did when there are no
    /// data rows (the iterations differ in their number only, which no variable reads).
    fn checked_at_load(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows used, grouped by their set of data columns (every row of a CSV has the
    /// same): loading checks each collection under the first of each group.
    fn groups(&self) -> Vec<Vec<usize>> {
        if self.rows.is_empty() {
            return vec![vec![0]];
        }
        let used = &self.rows[..self.rows.len().min(self.count.max(1))];
        super::data::column_sets(used.iter().map(|row| row.iter().map(|(name, _)| &**name)))
    }
}

fn options(args: &RunArgs, mut overrides: Vec<Override>) -> RunOptions {
    overrides.extend(args.vars.iter().map(|(name, value)| Override {
        name: name.clone(),
        value: Value::String(value.clone()),
        secret: false,
    }));
    overrides.extend(args.secrets.iter().map(|(name, value)| Override {
        name: name.clone(),
        value: Value::String(value.clone()),
        secret: true,
    }));
    let reports = args.report_junit.is_some()
        || args.report_json.is_some()
        || args.report_tap.is_some()
        || args.report_html.is_some();
    RunOptions {
        environment: args.env.clone(),
        overrides,
        timeout: args.timeout,
        continue_on_failure: args.continue_on_failure,
        record_exchanges: args.verbose > 0 || reports,
        record_requests: args.curl.is_some(),
        exchange_body_limit: if args.verbose >= 2 {
            None
        } else {
            Some(64 * 1024)
        },
        selection: Selection {
            tags: args.tags.clone(),
            steps: args.steps.clone(),
        },
        secrets: runner::http::network::proxy_secrets(args.proxy.as_deref()),
        ..RunOptions::default()
    }
}

/// The problem of a vars file that reads as YAML but is not a map, `value`: what it is, where
/// it starts, and, for lines of `NAME=value` (a dotenv file), how to write them.
fn not_a_map(path: &Path, text: &str, value: &serde_yaml::Value) -> FileProblem {
    use serde_yaml::Value;
    let what = match value {
        Value::Sequence(_) => "a list",
        Value::String(_) => "a text",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        _ => "a value",
    };
    let lines = || {
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
    };
    let line = lines().next().map_or(1, |(index, _)| index + 1);
    let dotenv = lines().all(|(_, line)| {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line);
        line.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    });
    let hint = match dotenv {
        true => " (its lines are `NAME=value`, a dotenv file: write them `NAME: value`)",
        false => " (`base_url: https://example.com`)",
    };
    let reason = format!(
        "it holds {what}, not a map of names to values: a vars file is a YAML or JSON map of names to values{hint}"
    );
    FileProblem::at(Input::Vars, path, (line, 1), &reason)
}

pub(super) fn read_vars_file(path: &Path) -> Result<Vec<Override>, FileProblem> {
    let bytes = runner::spec::file::read(path)
        .map_err(|e| format!("cannot read vars file `{}`: {e}", path.display()))?;
    let text = runner::spec::text::utf8_text(&bytes)
        .map_err(|at| FileProblem::at(Input::Vars, path, (at.line, at.column), &at.reason()))?;
    // Read by the rules of a collection's `vars`, and its names by those of `--var`. An empty
    // one (or one of comments only) is told so, not as the parser's "invalid type".
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(value) if value.is_null() => {
            return Err(format!(
                "vars file `{}` is empty: a vars file is a YAML or JSON map of names to values (`base_url: https://example.com`)",
                path.display()
            )
            .into());
        }
        // Told without quoting what it holds: a file of `NAME=secret` lines read as one text
        // would be shown whole.
        Ok(value) if !value.is_mapping() => return Err(not_a_map(path, text, &value)),
        _ => {}
    }
    if let Some((place, map)) = runner::collection::first_merge_key(text) {
        let map = match map.is_empty() {
            true => "the top level".to_owned(),
            false => format!("`{map}`"),
        };
        return Err(FileProblem::at(
            Input::Vars,
            path,
            place,
            &format!("`<<` in {map} is a YAML merge key (`<<: *anchor`), which runner does not apply: write the keys out (a key named `<<` is written quoted: `\"<<\": …`)"),
        ));
    }
    let map = runner::spec::json::yaml_map(text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .find(" at line ")
            .map_or(message.as_str(), |cut| &message[..cut]);
        // An integer past 64 bits (`invalid type: integer `8988…` as u128`): not quoted, and
        // said in the format's words.
        let message = match message.contains(" as u128") || message.contains(" as i128") {
            true => super::data::INEXACT.to_owned(),
            false => runner::spec::words::in_the_formats_words(message),
        };
        match e.location() {
            Some(at) => FileProblem::at(
                Input::Vars,
                path,
                (at.line(), at.column()),
                &format!("{message}; a vars file is a YAML or JSON map of names to values"),
            ),
            None => match runner::spec::documents::second_document_at(text)
                .filter(|_| message.contains("more than one document"))
            {
                Some(place) => FileProblem::at(
                    Input::Vars,
                    path,
                    place,
                    "a second YAML document starts here; a vars file is one YAML or JSON map of names to values (give each file its own `--vars-file`)",
                ),
                None => format!(
                    "vars file `{}` is not a YAML or JSON map of names to values: {message}",
                    path.display()
                )
                .into(),
            },
        }
    })?;
    for name in map.keys() {
        if let Some(reason) = super::data::bad_variable_name(name) {
            let key = runner::collection::FieldPath::default().key(name.clone());
            return Err(match runner::collection::locate::locate(text, &key) {
                Some(place) => FileProblem::at(Input::Vars, path, place, &reason),
                None => format!("vars file `{}`: {reason}", path.display()).into(),
            });
        }
    }
    Ok(map
        .into_iter()
        .map(|(name, value)| Override {
            name,
            value,
            secret: false,
        })
        .collect())
}

/// Every `--step` names a step (or id) of one of the collections; else a sentence with the
/// nearest name.
fn steps_exist(collections: &[Collection], wanted: &[String]) -> Result<(), String> {
    let mut names: Vec<&str> = Vec::new();
    for collection in collections {
        for step in collection.steps.iter().chain(&collection.finally) {
            names.push(&step.name);
            names.extend(step.id.as_deref());
        }
    }
    for name in wanted {
        if !names.contains(&name.as_str()) {
            let hint = runner::collection::diagnostic::did_you_mean(name, names.iter().copied())
                .map_or(String::new(), |close| format!(" (did you mean `{close}`?)"));
            return Err(format!("`--step {name}` names no step or id{hint}"));
        }
    }
    Ok(())
}

/// The tags a `--tag` can select by: the collections' own and their steps' (a `finally`
/// step runs with its collection, whatever its tags), each once, in order.
fn selectable_tags(collections: &[Collection]) -> std::collections::BTreeSet<&str> {
    collections
        .iter()
        .flat_map(|collection| {
            collection
                .tags
                .iter()
                .chain(collection.steps.iter().flat_map(|step| &step.tags))
        })
        .map(String::as_str)
        .collect()
}

/// The most tags a hint lists.
const LISTED_TAGS: usize = 20;

/// `--tag` selects at least one collection or step of `collections` (all of them, before
/// `--shard` splits them): a tag that nothing has is a typo, not an empty suite. Else a
/// sentence with the nearest tag, or the tags there are.
fn tags_select_something(collections: &[Collection], wanted: &[String]) -> Result<(), String> {
    if wanted.is_empty() {
        return Ok(());
    }
    let known = selectable_tags(collections);
    if wanted.iter().any(|tag| known.contains(tag.as_str())) {
        return Ok(());
    }
    let flags = wanted
        .iter()
        .map(|t| format!("`--tag {t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = match wanted
        .iter()
        .find_map(|tag| runner::collection::diagnostic::did_you_mean(tag, known.iter().copied()))
    {
        Some(close) => format!(" (did you mean `{close}`?)"),
        None if known.is_empty() => " (no collection or step given has a tag)".to_owned(),
        None => {
            let mut listed: Vec<String> = known
                .iter()
                .take(LISTED_TAGS)
                .map(|t| format!("`{t}`"))
                .collect();
            if known.len() > LISTED_TAGS {
                listed.push(format!("and {} more", known.len() - LISTED_TAGS));
            }
            format!(" (the tags there are: {})", listed.join(", "))
        }
    };
    Err(format!(
        "{flags} select{} no collection or step{hint}",
        if wanted.len() == 1 { "s" } else { "" }
    ))
}

/// Why nothing runs, for a one-line note: the shard holds none of the collections, or none
/// of those with the tags (which some collection outside it has).
fn nothing_selected(args: &RunArgs, loaded: usize) -> String {
    match args.shard {
        Some((k, n)) if loaded < n || loaded == 0 => format!(
            "shard {k}/{n} has no collections ({loaded} collection{} in all); nothing to run",
            if loaded == 1 { "" } else { "s" }
        ),
        Some((k, n)) if !args.tags.is_empty() => format!(
            "no collection or step of shard {k}/{n} has the tag{} {}; nothing to run",
            if args.tags.len() == 1 { "" } else { "s" },
            args.tags
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "no collection matches the selection; nothing to run".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_styles;

    #[test]
    fn styles_are_stripped_as_anstream_strips_them() {
        let mut rng = fastrand::Rng::with_seed(48);
        let pieces: &[&[u8]] = &[
            b"\x1b[32m",
            b"\x1b[0m",
            b"\x1b[1;2m",
            b"\x1b[m",
            b"\x1b[38;5;208m",
            b"\x1b",
            b"\x1b[",
            b"\x1b[12",
            b"\x1b]8;;http://x\x07",
            b"\x1bc",
            b"  \xe2\x9c\x93 step ",
            b"200",
            b"\n",
            b"\t",
            b"[x]",
            b"\xc3\xa9",
            b"\x07",
            b"\x08",
            b"\x0b",
            b"\x0c",
            b"\x7f",
            b"\xc2\x85",
            b"\xc2\x9b",
            b"\xc2\xa0",
            b"\x9b",
            b"\x80",
        ];
        for _ in 0..5_000 {
            let mut line = Vec::new();
            for _ in 0..rng.usize(..8) {
                line.extend_from_slice(pieces[rng.usize(..pieces.len())]);
            }
            let want = anstream::adapter::strip_bytes(&line).into_vec();
            assert_eq!(
                without_styles(&line).as_ref(),
                want.as_slice(),
                "{:?}",
                String::from_utf8_lossy(&line)
            );
        }
    }
}
