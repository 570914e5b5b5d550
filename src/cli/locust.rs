//! `runner export locust` and `runner load`: the collection as a Locust scenario, and a load
//! run of it on a local Locust (headless, optionally with worker processes), judged against
//! thresholds with runner's own per-step summary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Map, Value};

use super::args::ColorWhen;
use super::exit_code;
use super::locust_args::{ExportLocustArgs, LoadArgs};
use super::signals::{Signal, Signals};
use runner::engine::{Override, RunOptions, Sandboxes};
use runner::export::locust::{LocustExport, LocustOptions, Thresholds};
use runner::spec::collection::SandboxKind;

/// How to get Locust, shown when it is missing.
const INSTALL: &str = "Locust is not installed (or not on PATH). Install it with \
    `python3 -m pip install locust` (or `pipx install locust`), or point RUNNER_LOCUST at the \
    `locust` executable (e.g. RUNNER_LOCUST=.venv/bin/locust)";

fn error(stderr: &mut dyn Write, message: impl std::fmt::Display) {
    let _ = writeln!(stderr, "error: {message}");
}

/// Tells a problem of the `--data` file, which may quote a cell equal to a `--secret` value or
/// to a secret input's from the environment: both masked.
fn data_problem(
    stderr: &mut dyn Write,
    message: &str,
    secrets: &[(String, String)],
    collection: &Path,
) {
    let secrets = super::secret_inputs::problem_secrets(
        secrets.iter().map(|(_, value)| value.as_str()),
        &[collection.to_path_buf()],
        |name| std::env::var(name).ok(),
    );
    error(stderr, secrets.redact(message));
}

/// Validates `path` under each of `checks`, then exports it; prints what could not be
/// expressed.
fn export(
    stderr: &mut dyn Write,
    consequence: &str,
    path: &Path,
    checks: Vec<RunOptions>,
    locust: &LocustOptions,
    strict: bool,
) -> Result<LocustExport, u8> {
    if let Err(mut problems) = super::load::collections(&[path.to_path_buf()], |_| checks.clone()) {
        // A `--secret` value the collection writes in clear is masked as `run` masks it.
        let secrets = checks
            .iter()
            .flat_map(|options| &options.overrides)
            .filter(|o| o.secret)
            .filter_map(|o| o.value.as_str());
        super::load::mask(&mut problems, &super::load::command_secrets(secrets));
        let mut text = Vec::new();
        super::load::print_problems(&mut text, &problems, consequence);
        let _ = stderr.write_all(&text);
        return Err(exit_code::INVALID_INPUT);
    }
    let text = runner::spec::file::read_to_string(path).map_err(|e| {
        error(stderr, format!("cannot read {}: {e}", path.display()));
        exit_code::INVALID_INPUT
    })?;
    let exported = runner::export::locust(&text, path, locust).map_err(|e| {
        error(stderr, e);
        exit_code::INVALID_INPUT
    })?;
    let _ = write!(stderr, "{}", exported.report);
    let lossy = exported.report.lossy_count();
    if strict && lossy > 0 {
        error(
            stderr,
            format!(
                "{lossy} thing{} could not be expressed in Locust and --strict is set: nothing was run or written",
                plural(lossy)
            ),
        );
        return Err(exit_code::INVALID_INPUT);
    }
    Ok(exported)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn rows(path: Option<&PathBuf>) -> Result<Vec<Map<String, Value>>, String> {
    match path {
        Some(path) => super::data::read_rows(path).map_err(String::from),
        None => Ok(Vec::new()),
    }
}

/// The overrides the collection is checked under before it is exported, as `runner run`
/// checks it: once for each distinct set of data columns (the rows of a JSON data file need
/// not have the same keys; a CSV's all do), each row's columns then the `--var`s and
/// `--secret`s. Names matter, not values.
fn override_sets(
    vars: &[(String, String)],
    secrets: &[(String, String)],
    rows: &[Map<String, Value>],
) -> Vec<Vec<Override>> {
    let empty = [Map::new()];
    let rows = if rows.is_empty() { &empty[..] } else { rows };
    let distinct = super::data::first_of_each_column_set(
        rows.iter().map(|row| row.keys().map(String::as_str)),
    );
    let mut sets = Vec::new();
    for row in distinct.into_iter().map(|i| &rows[i]) {
        let mut set: Vec<Override> = row
            .iter()
            .map(|(name, value)| Override {
                name: name.clone(),
                value: value.clone(),
                secret: false,
            })
            .collect();
        for (list, secret) in [(vars, false), (secrets, true)] {
            set.extend(list.iter().map(|(name, value)| Override {
                name: name.clone(),
                value: Value::String(value.clone()),
                secret,
            }));
        }
        sets.push(set);
    }
    sets
}

/// `runner export locust`.
pub(super) fn export_locust(args: &ExportLocustArgs, color: ColorWhen) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), color.choice());
    let pipes = super::pipes::collections(std::slice::from_ref(&args.collection))
        .chain(super::pipes::variables(args.data.as_ref(), &[]));
    if let Err(message) = super::pipes::read_once(pipes) {
        error(&mut stderr, message);
        return exit_code::INVALID_INPUT;
    }
    let data = match rows(args.data.as_ref()) {
        Ok(rows) => rows,
        Err(message) => {
            data_problem(&mut stderr, &message, &[], &args.collection);
            return exit_code::INVALID_INPUT;
        }
    };
    let checks = override_sets(&[], &[], &data)
        .into_iter()
        .map(|overrides| RunOptions {
            environment: args.env.clone(),
            overrides,
            require_inputs: false,
            ..RunOptions::default()
        })
        .collect();
    let locust = LocustOptions {
        environment: args.env.clone(),
        data,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let exported = match export(
        &mut stderr,
        "nothing was exported",
        &args.collection,
        checks,
        &locust,
        args.strict,
    ) {
        Ok(exported) => exported,
        Err(code) => return code,
    };
    let destination = match &args.output {
        Some(output) => {
            // The output may not be a file the export read: the collection, `--data`, a file
            // the collection includes (every file read is known by then).
            let inputs = super::reports::Inputs::new(
                std::iter::once(super::reports::Input::new(
                    "the collection",
                    &args.collection,
                ))
                .chain(
                    args.data
                        .iter()
                        .map(|data| super::reports::Input::new("the data file (--data)", data)),
                ),
            );
            if let Err(message) = inputs.refuse_output("the output (-o)", output) {
                error(&mut stderr, format!("{message}; nothing was exported"));
                return exit_code::INVALID_INPUT;
            }
            if let Err(e) = runner::report::write_atomically(output, exported.python.as_bytes()) {
                error(
                    &mut stderr,
                    format!("cannot write {}: {}", output.display(), e.reason),
                );
                return exit_code::INVALID_INPUT;
            }
            output.display().to_string()
        }
        None => {
            let mut stdout = std::io::stdout();
            let _ = stdout.write_all(exported.python.as_bytes());
            let _ = stdout.flush();
            "stdout".to_owned()
        }
    };
    let lossy = exported.report.lossy_count();
    let _ = writeln!(
        stderr,
        "exported {} request step{} from {} to {destination} (Locust 2.x, user class {}){}",
        exported.requests,
        plural(exported.requests),
        args.collection.display(),
        exported.class_name,
        match lossy {
            0 => String::new(),
            n => format!("; {n} thing{} not expressible (listed above)", plural(n)),
        }
    );
    if let Some(kind) = &exported.sandbox {
        let _ = writeln!(
            stderr,
            "the environment `{}` runs against the bundled {kind} sandbox: start `runner sandbox {kind}` and set RUNNER_SANDBOX_URL and RUNNER_SANDBOX_APPLICATION_TOKEN, or use `runner load`",
            exported.environment.as_deref().unwrap_or_default()
        );
    }
    exit_code::SUCCESS
}

/// The `locust` executable: `RUNNER_LOCUST`, else `locust` on PATH.
fn find_locust() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("RUNNER_LOCUST").filter(|p| !p.is_empty()) {
        // A `RUNNER_LOCUST` that names no file is said as such where Locust is looked for.
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join("locust"))
        .find(|candidate| candidate.is_file())
}

/// One row of Locust's `_stats.csv`.
#[derive(Debug, Clone)]
struct StepStats {
    method: String,
    name: String,
    requests: u64,
    failures: u64,
    p50: f64,
    p95: f64,
    p99: f64,
}

/// Every step's statistics, the total, and `(occurrences, step, message)` per failure.
type Statistics = (Vec<StepStats>, StepStats, Vec<(u64, String, String)>);

/// The statistics the locustfile writes when Locust quits (`RUNNER_STATS_FILE`): every
/// step, the total, and the failures with their messages.
fn read_stats(path: &Path) -> Result<Statistics, String> {
    let text = runner::spec::file::read_to_string(path)
        .map_err(|e| format!("cannot read Locust's statistics {}: {e}", path.display()))?;
    let document: Value = serde_json::from_str(&text)
        .map_err(|e| format!("Locust's statistics {} are not JSON: {e}", path.display()))?;
    // A figure a threshold reads must be there: missing, it would read as 0 and pass.
    let entry = |v: &Value| -> Result<StepStats, String> {
        let name = v["name"].as_str().unwrap_or_default().to_owned();
        let incomplete = |what: &str| {
            format!(
                "Locust's statistics {} give no {what} for `{name}`; the run cannot be judged",
                path.display()
            )
        };
        let requests = v["requests"]
            .as_u64()
            .ok_or_else(|| incomplete("request count"))?;
        let failures = v["failures"]
            .as_u64()
            .ok_or_else(|| incomplete("failure count"))?;
        // A step with no request has no percentiles.
        let percentile = |key: &str| match v[key].as_f64() {
            Some(value) => Ok(value),
            None if requests == 0 => Ok(0.0),
            None => Err(incomplete(key)),
        };
        Ok(StepStats {
            method: v["method"].as_str().unwrap_or_default().to_owned(),
            requests,
            failures,
            p50: percentile("p50")?,
            p95: percentile("p95")?,
            p99: percentile("p99")?,
            name,
        })
    };
    let steps = document["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(entry)
        .collect::<Result<Vec<_>, _>>()?;
    let total = entry(&document["total"])?;
    let mut failures: Vec<(u64, String, String)> = document["failures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["occurrences"].as_u64().unwrap_or(0),
                f["name"].as_str().unwrap_or_default().to_owned(),
                f["error"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    failures.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok((steps, total, failures))
}

fn ms(value: f64) -> String {
    format!("{} ms", value.round() as u64)
}

/// A scratch directory for the locustfile and the statistics, removed unless kept.
struct Scratch {
    dir: PathBuf,
    keep: bool,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `runner load`.
pub(super) async fn load(args: LoadArgs, color: ColorWhen) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), color.choice());
    let mut stdout = anstream::AutoStream::new(std::io::stdout(), color.choice());
    if let Some(message) = super::secret_arg::malformed_secret(&args.secrets) {
        error(&mut stderr, message);
        return exit_code::INVALID_INPUT;
    }
    let pipes = super::pipes::collections(std::slice::from_ref(&args.collection))
        .chain(super::pipes::variables(args.data.as_ref(), &[]));
    if let Err(message) = super::pipes::read_once(pipes) {
        error(&mut stderr, message);
        return exit_code::INVALID_INPUT;
    }
    let data = match rows(args.data.as_ref()) {
        Ok(rows) => rows,
        Err(message) => {
            data_problem(&mut stderr, &message, &args.secrets, &args.collection);
            return exit_code::INVALID_INPUT;
        }
    };
    let checks = override_sets(&args.vars, &args.secrets, &data)
        .into_iter()
        .map(|overrides| RunOptions {
            environment: args.env.clone(),
            overrides,
            ..RunOptions::default()
        })
        .collect();
    let locust_options = LocustOptions {
        environment: args.env.clone(),
        data,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let exported = match export(
        &mut stderr,
        "nothing was sent",
        &args.collection,
        checks,
        &locust_options,
        args.strict,
    ) {
        Ok(exported) => exported,
        Err(code) => return code,
    };
    let Some(locust) = find_locust() else {
        error(&mut stderr, INSTALL);
        return exit_code::RUNTIME_ERROR;
    };
    if !locust.is_file() {
        error(
            &mut stderr,
            format!(
                "RUNNER_LOCUST is `{}`, which is not a file: point it at the `locust` executable, or unset it to use `locust` on PATH. If Locust is not installed, install it with `python3 -m pip install locust` (or `pipx install locust`)",
                locust.display()
            ),
        );
        return exit_code::RUNTIME_ERROR;
    }
    let scratch = match &args.keep {
        Some(dir) => Scratch {
            dir: dir.clone(),
            keep: true,
        },
        None => Scratch {
            dir: std::env::temp_dir().join(format!(
                "runner-load-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            )),
            keep: false,
        },
    };
    if let Err(e) = std::fs::create_dir_all(&scratch.dir) {
        error(
            &mut stderr,
            format!("cannot create {}: {e}", scratch.dir.display()),
        );
        return exit_code::RUNTIME_ERROR;
    }
    let locustfile = scratch.dir.join("locustfile.py");
    if let Err(e) = std::fs::write(&locustfile, &exported.python) {
        error(
            &mut stderr,
            format!("cannot write {}: {e}", locustfile.display()),
        );
        return exit_code::RUNTIME_ERROR;
    }

    // The sandbox the environment asks for, as `runner run` starts it.
    let sandbox = match exported.sandbox.as_deref() {
        Some("emnify") => match super::sandboxes::Bundled.start(SandboxKind::Emnify).await {
            Ok(sandbox) => Some(sandbox),
            Err(e) => {
                error(&mut stderr, format!("cannot start the EMnify sandbox: {e}"));
                return exit_code::RUNTIME_ERROR;
            }
        },
        Some(other) => {
            error(&mut stderr, format!("unknown sandbox `{other}`"));
            return exit_code::INVALID_INPUT;
        }
        None => None,
    };

    let stats_path = scratch.dir.join("statistics.json");
    let seconds = args.run_time.as_secs_f64().ceil() as u64;
    let spawn_rate = args.spawn_rate.unwrap_or(f64::from(args.users));
    let mut command = Command::new(&locust);
    command
        .arg("-f")
        .arg(&locustfile)
        .args(["--headless", "--only-summary", "--skip-log-setup"])
        .args(["-u", &args.users.to_string()])
        .args(["-r", &spawn_rate.to_string()])
        .args(["-t", &format!("{seconds}s")])
        .args(["--stop-timeout", "10", "--exit-code-on-error", "0"])
        .env("RUNNER_STATS_FILE", &stats_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(workers) = args.workers {
        // The master listens on loopback on a free port, not on Locust's 5557 on every
        // interface: runs side by side do not collide, and nothing is exposed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_or(5557, |address| address.port())
            .to_string();
        command.args(["--processes", &workers.to_string()]);
        command.env("RUNNER_WORKER_COUNT", workers.to_string());
        command.args([
            "--master-bind-host",
            "127.0.0.1",
            "--master-bind-port",
            &port,
        ]);
        command.args(["--master-host", "127.0.0.1", "--master-port", &port]);
    }
    if let Some(env) = &exported.environment {
        command.env("RUNNER_ENV", env);
    }
    if let Some(n) = args.iterations {
        command.env("RUNNER_ITERATIONS", n.to_string());
    }
    let to_json = |pairs: &[(String, String)]| {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
        .to_string()
    };
    command.env("RUNNER_VARS", to_json(&args.vars));
    command.env("RUNNER_SECRETS", to_json(&args.secrets));
    for credential in &exported.credentials {
        command.env(&credential.variable, &credential.value);
    }
    if let Some(sandbox) = &sandbox {
        command.env("RUNNER_SANDBOX_URL", &sandbox.vars().url);
        command.env(
            "RUNNER_SANDBOX_APPLICATION_TOKEN",
            &sandbox.vars().application_token,
        );
    }
    let _ = writeln!(
        stderr,
        "Locust ({}): {} user{} (spawn rate {spawn_rate}/s) for {seconds}s{} · {}{}",
        locust.display(),
        args.users,
        plural(args.users as usize),
        args.workers.map_or(String::new(), |k| format!(
            " on {k} worker process{}",
            if k == 1 { "" } else { "es" }
        )),
        args.collection.display(),
        exported
            .environment
            .as_deref()
            .map_or(String::new(), |e| format!(" · env {e}")),
    );
    let (status, signalled) = wait_for(command).await;
    if let Some(sandbox) = sandbox {
        sandbox.stop().await;
    }
    let status = match status {
        Ok(status) => status,
        Err(e) => {
            error(
                &mut stderr,
                format!("cannot start {}: {e}", locust.display()),
            );
            return exit_code::RUNTIME_ERROR;
        }
    };
    if let Some(code @ (exit_code::TERMINATED | exit_code::HUNG_UP)) = signalled {
        let how = if code == exit_code::HUNG_UP {
            "hung up (SIGHUP)"
        } else {
            "terminated"
        };
        error(
            &mut stderr,
            format!("{how}: Locust and its workers were stopped"),
        );
        return code;
    }
    if let (Some(code), false) = (signalled, stats_path.is_file()) {
        // Ctrl-C came before Locust had written statistics (while it was still starting, on
        // a slow machine): the run was interrupted, not broken.
        error(
            &mut stderr,
            "interrupted before Locust had statistics: nothing to summarise",
        );
        return code;
    }
    if !status.success() || !stats_path.is_file() {
        error(
            &mut stderr,
            format!(
                "Locust stopped without statistics ({status}); its messages are above{}",
                if args.keep.is_some() {
                    ""
                } else {
                    " (--keep DIR keeps the locustfile)"
                }
            ),
        );
        return exit_code::RUNTIME_ERROR;
    }
    let (stats, total, failures) = match read_stats(&stats_path) {
        Ok(stats) => stats,
        Err(message) => {
            error(&mut stderr, message);
            return exit_code::RUNTIME_ERROR;
        }
    };
    let thresholds = Thresholds {
        max_p50: args
            .max_p50
            .map(|d| d.as_secs_f64() * 1000.0)
            .or(exported.thresholds.max_p50),
        max_p95: args
            .max_p95
            .map(|d| d.as_secs_f64() * 1000.0)
            .or(exported.thresholds.max_p95),
        max_p99: args
            .max_p99
            .map(|d| d.as_secs_f64() * 1000.0)
            .or(exported.thresholds.max_p99),
        max_failure_rate: args
            .max_failure_rate
            .or(exported.thresholds.max_failure_rate)
            .or(Some(0.0)),
    };
    let broken = summary(&mut stdout, &stats, &total, &failures, &thresholds);
    if let Some(code) = signalled {
        error(
            &mut stderr,
            "interrupted: the statistics above cover the run until Ctrl-C",
        );
        return code;
    }
    if total.requests == 0 {
        error(
            &mut stderr,
            "Locust sent no request: is the run time long enough for the users to start?",
        );
        return exit_code::RUNTIME_ERROR;
    }
    if broken {
        exit_code::FAILED
    } else {
        exit_code::SUCCESS
    }
}

/// Runs Locust to its end, in a process group of its own (its `--workers` processes too), so
/// that a signal reaches all of them: Ctrl-C is passed on as SIGINT, on which Locust stops and
/// writes its statistics (the summary is printed; exit 130); SIGTERM (a cancelled CI job) is
/// passed on as SIGTERM, then SIGKILL if Locust is still there 5 s later (exit 143); SIGHUP (the
/// terminal closed) as SIGTERM (exit 129).
async fn wait_for(mut command: Command) -> (std::io::Result<std::process::ExitStatus>, Option<u8>) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    // The listeners are made before Locust starts, and serve the whole wait: one made on each
    // turn of the loop dropped a signal that came between two. Made first, they also give
    // runner a handler for SIGINT and SIGTERM, which Locust starts without (a handler is not
    // inherited across exec; an ignored signal is — as in a script's background job — and
    // then Locust would not stop on SIGINT). SIGHUP (the terminal closed) stops Locust as
    // SIGTERM does: runner would otherwise die and leave Locust's process group running.
    let mut signals = Signals::new();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return (Err(e), None),
    };
    let mut signalled = None;
    let mut deadline: Option<std::time::Instant> = None;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                // Worker processes a failed master left behind go with it.
                signal_group(child.id(), "KILL");
                return (Ok(status), signalled);
            }
            Ok(None) => {}
            Err(e) => return (Err(e), signalled),
        }
        if deadline.is_some_and(|d| std::time::Instant::now() > d) {
            signal_group(child.id(), "KILL");
            let _ = child.kill();
            return (child.wait(), signalled);
        }
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_millis(100)) => {}
            signal = signals.next() => match signal {
                // Ctrl-C once: Locust stops and writes its statistics; again, nothing more.
                Signal::Interrupt if signalled.is_none() => {
                    signalled = Some(signal.exit_code());
                    signal_group(child.id(), "INT");
                }
                Signal::Interrupt => {}
                Signal::Terminate | Signal::HangUp => {
                    signalled = Some(signal.exit_code());
                    signal_group(child.id(), "TERM");
                    deadline = Some(std::time::Instant::now() + std::time::Duration::from_secs(5));
                }
            },
        }
    }
}

/// Sends `signal` to the process group `group` (Locust and its worker processes).
fn signal_group(group: u32, signal: &str) {
    if cfg!(unix) {
        let _ = Command::new("kill")
            .args([format!("-{signal}"), "--".to_owned(), format!("-{group}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Prints the per-step table, the failures and the thresholds; true when one is broken.
fn summary(
    out: &mut dyn Write,
    stats: &[StepStats],
    total: &StepStats,
    failures: &[(u64, String, String)],
    thresholds: &Thresholds,
) -> bool {
    let steps: Vec<&StepStats> = stats.iter().collect();
    let label = |s: &StepStats| format!("{} {}", s.method, s.name);
    let width = steps
        .iter()
        .map(|s| label(s).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "\n  {:<width$}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}",
        "step", "requests", "failures", "p50", "p95", "p99"
    );
    for step in &steps {
        let _ = writeln!(
            out,
            "  {:<width$}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}",
            label(step),
            step.requests,
            step.failures,
            ms(step.p50),
            ms(step.p95),
            ms(step.p99)
        );
    }
    {
        let all = total;
        let _ = writeln!(
            out,
            "  {:<width$}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}",
            "all",
            all.requests,
            all.failures,
            ms(all.p50),
            ms(all.p95),
            ms(all.p99)
        );
    }
    if !failures.is_empty() {
        let _ = writeln!(out, "\nfailures:");
        for (count, step, message) in failures.iter().take(20) {
            let _ = writeln!(out, "  {count}× {step}: {message}");
        }
    }
    let mut broken = false;
    let mut lines = Vec::new();
    let mut judge = |what: &str,
                     limit: Option<f64>,
                     value: &dyn Fn(&StepStats) -> f64,
                     show: &dyn Fn(f64) -> String| {
        let Some(limit) = limit else { return };
        let over: Vec<String> = steps
            .iter()
            .filter(|s| s.requests > 0 && value(s) > limit + f64::EPSILON)
            .map(|s| format!("{} {}", s.name, show(value(s))))
            .collect();
        if over.is_empty() {
            let highest = steps
                .iter()
                .filter(|s| s.requests > 0)
                .map(|s| value(s))
                .fold(0.0, f64::max);
            lines.push(format!(
                "  ✓ {what} ≤ {} for every step (highest {})",
                show(limit),
                show(highest)
            ));
        } else {
            broken = true;
            lines.push(format!("  ✗ {what} ≤ {}: {}", show(limit), over.join(", ")));
        }
    };
    let percent = |v: f64| {
        let p = v * 100.0;
        if p.fract() == 0.0 {
            format!("{p:.0}%")
        } else {
            format!("{p:.2}%")
        }
    };
    judge("p50", thresholds.max_p50, &|s| s.p50, &ms);
    judge("p95", thresholds.max_p95, &|s| s.p95, &ms);
    judge("p99", thresholds.max_p99, &|s| s.p99, &ms);
    judge(
        "failure rate",
        thresholds.max_failure_rate,
        &|s| s.failures as f64 / (s.requests.max(1)) as f64,
        &percent,
    );
    let _ = writeln!(out, "\nthresholds:");
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "{}",
        if broken {
            "\nload run failed: a threshold is broken"
        } else {
            "\nload run passed"
        }
    );
    broken
}
