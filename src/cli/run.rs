//! `runner run`: load every collection (all problems at once, nothing sent if any), then run
//! them — several at a time with `--jobs` — with terminal output in input order, and write
//! the requested reports, also when the run fails or is interrupted.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::Value;

use super::args::{CiReport, RunArgs};
use super::exit_code;
use super::output::{CollectionWriter, OrderedOutput};
use super::progress::Progress;
use runner::collection::{Collection, Diagnostics};
use runner::engine::workers::{self, Job, Plan};
use runner::engine::{Collector, Event, Observer, Override, PrepareError, RunOptions, Selection};
use runner::http::{ClientError, ClientOptions, HttpClient, NetworkOptions};
use runner::report::coverage::{CoverageBook, CoverageObserver};
use runner::report::terminal::{print_summary, TerminalReporter};
use runner::report::{self, RunRecord};

/// Where the output for people goes: stdout, or stderr when a report takes stdout (`-`).
enum Terminal {
    Stdout(anstream::AutoStream<std::io::Stdout>),
    Stderr(anstream::AutoStream<std::io::Stderr>),
}

impl Write for Terminal {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Terminal::Stdout(out) => out.write(bytes),
            Terminal::Stderr(out) => out.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Terminal::Stdout(out) => out.flush(),
            Terminal::Stderr(out) => out.flush(),
        }
    }
}

/// The path that means standard output.
const STDOUT: &str = "-";

/// The most collection runs (collections times iterations or data rows) in one invocation:
/// each keeps its results for the reports (docs/limits.md).
const MAX_RUNS: usize = 1_000_000;

/// What one collection's task reports to: the terminal, and the collector for reports and
/// the summary (shared, so an interrupted run still has what ran).
struct CollectionObserver {
    terminal: TerminalReporter<CollectionWriter<Terminal>>,
    coverage: CoverageObserver,
    collector: Arc<Mutex<Collector>>,
    progress: Arc<Progress>,
    name: String,
}

impl Observer for CollectionObserver {
    fn on_event(&mut self, event: &Event<'_>) {
        match event {
            Event::CollectionStarted { collection, .. } => self.name.clone_from(&collection.name),
            Event::StepStarted { name, .. } => self.progress.step_started(&self.name, name),
            Event::StepFinished(_) => self.progress.step_done(),
            Event::CollectionFinished(_) => {}
        }
        self.terminal.on_event(event);
        self.coverage.on_event(event);
        if let Ok(mut collector) = self.collector.lock() {
            collector.on_event(event);
        }
    }
}

pub(super) async fn run(args: RunArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let plans = match plans(&args) {
        Ok(plans) => plans,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            return exit_code::INVALID_INPUT;
        }
    };
    let options = plans[0].clone();
    // Each distinct set of data columns is checked once (every row has the same in a CSV).
    let mut checks: Vec<RunOptions> = Vec::new();
    for plan in &plans {
        let names = |o: &RunOptions| {
            o.overrides
                .iter()
                .map(|v| v.name.clone())
                .collect::<Vec<_>>()
        };
        if !checks.iter().any(|c| names(c) == names(plan)) {
            checks.push(plan.clone());
        }
    }
    let collections = match super::load::collections(&args.paths, |_| checks.clone()) {
        Ok(collections) => collections,
        Err(problems) => {
            super::load::print_problems(&mut stderr, &problems, "nothing was sent");
            return exit_code::INVALID_INPUT;
        }
    };
    if let Err(message) = steps_exist(&collections, &options.selection.steps) {
        let _ = writeln!(stderr, "error: {message}; nothing was sent");
        return exit_code::INVALID_INPUT;
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
    if collections.is_empty() {
        // A CI matrix wider than the suite, or a tag this suite does not use yet: nothing to
        // do is not a failure. The reports are still written, empty.
        let _ = writeln!(stderr, "note: {}", nothing_selected(&args, loaded));
    }
    let coverage = match coverage_book(&args, &collections) {
        Ok(book) => Arc::new(Mutex::new(book)),
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}; nothing was sent");
            return exit_code::INVALID_INPUT;
        }
    };
    if let Err(message) = check_destinations(&args) {
        let _ = writeln!(stderr, "error: {message}; nothing was sent");
        return exit_code::INVALID_INPUT;
    }
    if args.insecure {
        let _ = writeln!(
            stderr,
            "warning: --insecure: TLS certificates are not verified; anyone on the network path can read and change this run's traffic"
        );
    }
    let client = match client(&args) {
        Ok(client) => client,
        Err((message, code)) => {
            let _ = writeln!(stderr, "error: {message}");
            return code;
        }
    };

    if collections.len().saturating_mul(plans.len()) > MAX_RUNS {
        let _ = writeln!(
            stderr,
            "error: {} collections times {} iterations is more than the limit of {MAX_RUNS} runs in one invocation; run fewer at a time (e.g. with --shard)",
            collections.len(),
            plans.len()
        );
        return exit_code::INVALID_INPUT;
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs_at_once = args.jobs.map_or(cpus, usize::from);
    // One run per collection and iteration, in that order.
    let runs: Vec<(Arc<Collection>, Arc<RunOptions>)> = collections
        .iter()
        .flat_map(|collection| {
            plans
                .iter()
                .map(|plan| (Arc::clone(collection), Arc::new(plan.clone())))
        })
        .collect();
    let plan = Plan::new(jobs_at_once, cpus, runs.len());
    // One client per thread: connections belong to the runtime that opened them.
    let mut clients = vec![client.clone()];
    let client_settings = client_options(&args);
    for _ in 1..plan.threads() {
        match client.sibling(&client_settings) {
            Ok(sibling) => clients.push(sibling),
            Err(error) => {
                let _ = writeln!(stderr, "error: {error}");
                return exit_code::RUNTIME_ERROR;
            }
        }
    }
    let planned: usize = runs
        .iter()
        .map(|(collection, plan)| runner::engine::planned_steps(collection, &plan.selection))
        .sum();
    let progress = Progress::new(planned);
    let ticker = progress.spawn_ticker();
    let output = OrderedOutput::new(
        if destinations(&args).any(|path| path == Path::new(STDOUT)) {
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
        runs.len(),
        Some(Arc::clone(&progress)),
    );
    let collectors: Vec<Arc<Mutex<Collector>>> = runs.iter().map(|_| Arc::default()).collect();
    let started_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let started = Instant::now();
    let jobs: Vec<Job<CollectionObserver>> = runs
        .iter()
        .enumerate()
        .map(|(index, (collection, options))| Job {
            index,
            collection: Arc::clone(collection),
            options: Arc::clone(options),
            observer: CollectionObserver {
                terminal: TerminalReporter::new(
                    CollectionWriter {
                        index,
                        shared: Arc::clone(&output),
                    },
                    args.verbose,
                ),
                coverage: CoverageObserver::new(Arc::clone(&coverage)),
                collector: Arc::clone(&collectors[index]),
                progress: Arc::clone(&progress),
                name: String::new(),
            },
        })
        .collect();
    let finish = Arc::clone(&output);
    let mut stopped_by = None;
    let ran = workers::run(
        jobs,
        &plan,
        clients,
        Arc::new(super::sandboxes::Bundled),
        move |index| finish.finish(index),
        async {
            stopped_by = Some(stop_signal().await);
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
    let interrupted = ran.interrupted;
    let mut setup_failures: Vec<(usize, PrepareError)> = ran
        .finished
        .into_iter()
        .filter_map(|(index, failure)| Some((index, failure?)))
        .collect();
    let signal = stopped_by.unwrap_or(Signal::Interrupt);
    if interrupted {
        for collector in &collectors {
            if let Ok(mut collector) = collector.lock() {
                collector.interrupt(signal.name());
            }
        }
        for index in 0..runs.len() {
            output.finish(index);
        }
    }
    let run = RunRecord {
        collections: collectors
            .iter()
            .filter_map(|c| c.lock().ok().and_then(|mut c| c.report.take()))
            .collect(),
        started_at,
        duration: started.elapsed(),
        interrupted,
        openapi_coverage: coverage.lock().map(|b| b.summaries()).unwrap_or_default(),
    };
    output.with_output(|out| {
        print_summary(out, &run);
        let _ = write!(
            out,
            "{}",
            report::coverage::terminal_section(&run.openapi_coverage)
        );
    });
    let mut code = if interrupted {
        signal.exit_code()
    } else {
        exit_code::for_totals(&run.totals())
    };
    if let Some(minimum) = args.min_openapi_coverage {
        for problem in report::coverage::below(&run.openapi_coverage, minimum) {
            let _ = writeln!(stderr, "error: {problem}");
            code = code.max(exit_code::FAILED);
        }
    }
    setup_failures.sort_by_key(|(index, _)| *index);
    for (_, failure) in setup_failures {
        match failure {
            PrepareError::Invalid(Diagnostics(problems)) => {
                let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                super::load::print_problems(&mut stderr, &problems, "that collection did not run");
                code = code.max(exit_code::INVALID_INPUT);
            }
            error @ PrepareError::Sandbox(_) => {
                let _ = writeln!(stderr, "error: {error}");
                code = code.max(exit_code::RUNTIME_ERROR);
            }
        }
    }
    if !write_reports(&args, &run, &mut stderr) && !interrupted {
        code = code.max(exit_code::RUNTIME_ERROR);
    }
    if let Some(path) = &args.cookie_jar {
        let saved = report::write_atomically(path, client.cookie_jar().to_netscape().as_bytes());
        if let Err(error) = saved {
            let _ = writeln!(stderr, "error: {error}");
            code = code.max(exit_code::RUNTIME_ERROR);
        }
    }
    code
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

/// A signal that stops a run.
#[derive(Debug, Clone, Copy)]
enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (a CI system cancelling the job).
    Terminate,
}

impl Signal {
    fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => exit_code::INTERRUPTED,
            Signal::Terminate => exit_code::TERMINATED,
        }
    }
}

/// Waits for Ctrl-C or SIGTERM; never returns if neither can be listened for.
async fn stop_signal() -> Signal {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let terminate = async {
            match signal(SignalKind::terminate()) {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            Ok(()) = tokio::signal::ctrl_c() => Signal::Interrupt,
            () = terminate => Signal::Terminate,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        Signal::Interrupt
    }
}

/// The HTTP client's options from the command line.
fn client_options(args: &RunArgs) -> ClientOptions {
    ClientOptions {
        network: NetworkOptions {
            insecure: args.insecure,
            cacert: args.cacert.clone(),
            client_certificate: args.cert.clone().zip(args.key.clone()),
            proxy: args.proxy.clone(),
            resolve: args.resolve.clone(),
            connect_timeout: args.connect_timeout,
        },
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
        match std::fs::read_to_string(path) {
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

/// Every file the run will write: reports, `--curl`, the cookie jar.
fn destinations(args: &RunArgs) -> impl Iterator<Item = &Path> {
    [
        &args.report_junit,
        &args.report_json,
        &args.report_tap,
        &args.report_html,
        &args.curl,
        &args.cookie_jar,
    ]
    .into_iter()
    .filter_map(|path| path.as_deref())
    .chain(args.reports.iter().filter_map(|report| match report {
        CiReport::GitlabCodeQuality(path) => Some(path.as_path()),
        CiReport::Github => None,
    }))
}

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
fn github_annotations(args: &RunArgs) -> bool {
    let chosen = args.reports.contains(&CiReport::Github);
    let any_report = !args.reports.is_empty()
        || args.report_junit.is_some()
        || args.report_json.is_some()
        || args.report_tap.is_some()
        || args.report_html.is_some();
    chosen || (!any_report && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"))
}

/// Writes the GitHub annotations to stdout and the summary to `$GITHUB_STEP_SUMMARY` (when
/// set); false if the summary could not be written.
fn write_github(run: &RunRecord, stderr: &mut impl Write) -> bool {
    let root = ci_root("GITHUB_WORKSPACE");
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(report::github::annotations(run, &root).as_bytes())
        .and_then(|()| stdout.flush());
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return true;
    };
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(report::github::summary(run, &root).as_bytes()));
    if let Err(error) = appended {
        let _ = writeln!(
            stderr,
            "error: cannot write the step summary `{}`: {error}",
            Path::new(&path).display()
        );
        return false;
    }
    true
}

/// Checks before the first request that every destination can be written, and that at most
/// one report goes to standard output.
fn check_destinations(args: &RunArgs) -> Result<(), String> {
    let mut to_stdout = 0;
    for path in destinations(args) {
        if path == Path::new(STDOUT) {
            to_stdout += 1;
            if args.cookie_jar.as_deref() == Some(path) {
                return Err("the cookie jar cannot be `-`; give a file".into());
            }
            continue;
        }
        report::check_writable(path).map_err(|e| e.to_string())?;
    }
    if to_stdout > 1 {
        return Err("only one report can go to standard output (`-`)".into());
    }
    Ok(())
}

/// Writes every requested report; false if one could not be written.
fn write_reports(args: &RunArgs, run: &RunRecord, stderr: &mut impl Write) -> bool {
    type Render<'r> = Box<dyn Fn() -> String + 'r>;
    type Writer<'a> = (&'a Option<std::path::PathBuf>, fn(&RunRecord) -> String);
    let gitlab_root = ci_root("CI_PROJECT_DIR");
    let files: [Writer<'_>; 5] = [
        (&args.report_junit, report::junit::render),
        (&args.report_json, report::json::render),
        (&args.report_tap, report::tap::render),
        (&args.report_html, report::html::render),
        (&args.curl, report::curl::render),
    ];
    let mut outputs: Vec<(&Path, Render<'_>)> = files
        .into_iter()
        .filter_map(|(path, render)| {
            path.as_deref()
                .map(|path| (path, Box::new(move || render(run)) as Render<'_>))
        })
        .collect();
    for ci in &args.reports {
        if let CiReport::GitlabCodeQuality(path) = ci {
            let root = &gitlab_root;
            outputs.push((path, Box::new(move || report::gitlab::render(run, root))));
        }
    }
    let mut ok = true;
    if github_annotations(args) {
        ok &= write_github(run, stderr);
    }
    for (path, render) in outputs {
        if path == Path::new(STDOUT) {
            let mut stdout = std::io::stdout().lock();
            let written = stdout
                .write_all(render().as_bytes())
                .and_then(|()| stdout.flush());
            if let Err(error) = written {
                let _ = writeln!(
                    stderr,
                    "error: cannot write a report to standard output: {error}"
                );
                ok = false;
            }
            continue;
        }
        if let Err(error) = report::write_atomically(path, render().as_bytes()) {
            let _ = writeln!(stderr, "error: {error}");
            ok = false;
        }
    }
    ok
}

/// The options of every iteration: one, or one per `--data` row / `--iterations`.
fn plans(args: &RunArgs) -> Result<Vec<RunOptions>, String> {
    let mut files = Vec::new();
    for file in &args.vars_files {
        files.extend(read_vars_file(file)?);
    }
    let rows = match &args.data {
        Some(path) => super::data::read_rows(path)?,
        None => Vec::new(),
    };
    let count = args.iterations.map_or(rows.len().max(1), |n| n as usize);
    Ok((0..count)
        .map(|i| {
            // Precedence, lowest first: vars files, the data row, --var, --secret.
            let row = rows.get(i % rows.len().max(1)).into_iter().flatten();
            let mut overrides = files.clone();
            overrides.extend(row.map(|(name, value)| Override {
                name: name.clone(),
                value: value.clone(),
                secret: false,
            }));
            let mut options = options(args, overrides);
            options.iteration = (count > 1).then_some((i + 1, count));
            options
        })
        .collect())
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
        ..RunOptions::default()
    }
}

pub(super) fn read_vars_file(path: &Path) -> Result<Vec<Override>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read vars file `{}`: {e}", path.display()))?;
    let map: serde_json::Map<String, Value> = serde_yaml::from_str(&text).map_err(|e| {
        format!(
            "vars file `{}` is not a YAML or JSON map of names to values: {e}",
            path.display()
        )
    })?;
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

/// Why nothing runs, for a one-line note.
fn nothing_selected(args: &RunArgs, loaded: usize) -> String {
    match args.shard {
        Some((k, n)) if loaded < n || loaded == 0 => format!(
            "shard {k}/{n} has no collections ({loaded} collection{} in all); nothing to run",
            if loaded == 1 { "" } else { "s" }
        ),
        _ if !args.tags.is_empty() => format!(
            "no collection or step has the tag{} {}; nothing to run",
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
