//! Runs a collection: prepares its variables, runs its steps in order, and reports every
//! step to an [`Observer`]. Never prints.

mod events;
mod flow;
mod held;
mod interrupt;
mod link;
mod prepare;
mod queries;
mod request;
mod result;
mod sandboxes;
mod select;
mod snapshots;
mod state;
mod step;
pub mod workers;

use std::time::{Duration, Instant};

pub use events::{Collector, Event, NoObserver, Observer};
pub use interrupt::{Interrupt, Interrupter};
pub use prepare::{prepare, Override, PrepareError, Prepared, SandboxVars};
pub use result::{
    Attempt, CollectionDone, CollectionReport, Exchange, Hop, Outcome, SentRequest, StepError,
    StepErrorKind, StepResult, Totals,
};
pub use sandboxes::{NoSandboxes, RunningSandbox, SandboxStartError, Sandboxes};
pub use select::{planned_steps, Selection};
pub use snapshots::{SnapshotMode, SnapshotSeen, Snapshots};

use crate::collection::Collection;
use crate::http::HttpClient;

/// How to run a collection.
#[derive(Clone)]
pub struct RunOptions {
    /// `--env`.
    pub environment: Option<String>,
    /// `--vars-file`, `--var` and `--secret` values, lowest precedence first.
    pub overrides: Vec<Override>,
    /// `--timeout`: replaces the 30 s default; a step's or collection's own timeout wins.
    pub timeout: Option<Duration>,
    /// `--continue-on-failure`.
    pub continue_on_failure: bool,
    /// Keep request and response headers and bodies in results (`-v`, reports).
    pub record_exchanges: bool,
    /// Reads an environment variable (a declared input).
    pub read_env: fn(&str) -> Option<String>,
    /// Stop when a used input is unset (true for runs; `runner validate` sets false).
    pub require_inputs: bool,
    /// Which steps to run (`--tag`, `--step`); empty runs all.
    pub selection: Selection,
    /// Longest body text kept in a recorded exchange (`None`: all of it).
    pub exchange_body_limit: Option<usize>,
    /// `(n, of)` when the collection runs several times (`--data`, `--iterations`).
    pub iteration: Option<(usize, usize)>,
    /// Keep every request as sent, in full (`--curl`).
    pub record_requests: bool,
    /// The approved snapshots, and what to do when one is missing or differs.
    pub snapshots: std::sync::Arc<Snapshots>,
    /// Values masked in every output that are no variable's: a proxy's credentials.
    pub secrets: Vec<String>,
    /// Loading already checked every step's variable references under these options
    /// ([`check`]): the run does not walk the steps again to check them.
    pub references_checked: bool,
    /// Locate the steps that were skipped (where each is written, as reports list it); a
    /// step that did not pass otherwise is located always.
    pub locate_skipped: bool,
    /// Asks the run to stop (the first Ctrl-C or SIGTERM): the step in flight ends as
    /// interrupted, the rest are skipped, and the `finally` steps still run.
    pub interrupt: Interrupt,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            environment: None,
            overrides: Vec::new(),
            timeout: None,
            continue_on_failure: false,
            record_exchanges: false,
            read_env: |name| std::env::var(name).ok(),
            require_inputs: true,
            selection: Selection::default(),
            exchange_body_limit: Some(64 * 1024),
            iteration: None,
            record_requests: false,
            snapshots: std::sync::Arc::default(),
            secrets: Vec::new(),
            references_checked: false,
            locate_skipped: true,
            interrupt: Interrupt::never(),
        }
    }
}

/// Runs `collection` with `client`, reporting to `observer`. The sandbox its environment asks
/// for is started by `sandboxes` (the caller's) for the duration of the run.
pub async fn run_collection(
    collection: &Collection,
    options: &RunOptions,
    client: &HttpClient,
    sandboxes: &dyn Sandboxes,
    observer: &mut dyn Observer,
) -> Result<CollectionDone, PrepareError> {
    let environment = collection
        .environment(options.environment.as_deref())
        .ok()
        .flatten();
    let sandbox = match environment.and_then(|(_, env)| env.sandbox) {
        Some(kind) => Some(sandboxes.start(kind).await.map_err(PrepareError::Sandbox)?),
        None => None,
    };
    let sandbox_vars = sandbox.as_ref().map(|s| s.vars().clone());
    let prepared = prepare(collection, options, sandbox_vars.as_ref());
    let report = match prepared {
        Ok(prepared) => Ok(run_prepared(collection, options, client, observer, prepared).await),
        Err(error) => Err(error),
    };
    if let Some(sandbox) = sandbox {
        sandbox.stop().await;
    }
    report
}

/// Why the steps of a run that was stopped are skipped: those after the step interrupted,
/// and every step of a collection run that had not begun.
pub const INTERRUPTED_SKIP_REASON: &str = "the run was interrupted";

/// Reports a run of `collection` that had not begun when the run was stopped by `signal`:
/// started and finished at once, every step it would have run (those `options` select, then
/// the `finally` steps) skipped because the run was interrupted, and the run itself
/// interrupted. Nothing is prepared, started or sent — not even the `finally` steps.
pub fn report_not_begun(
    collection: &Collection,
    options: &RunOptions,
    observer: &mut dyn Observer,
    signal: &'static str,
) -> CollectionDone {
    let environment = collection
        .environment(options.environment.as_deref())
        .ok()
        .flatten()
        .map(|(name, _)| name);
    let secrets = prepare::known_secrets(collection, options);
    let name = secrets.redact(&collection.name).into_owned();
    observer.on_event(&Event::CollectionStarted {
        collection,
        name: &name,
        environment,
        iteration: options.iteration,
    });
    let selected = select::selected_steps(collection, &options.selection);
    let source = state::Source::of(collection);
    let steps = collection.steps.iter().filter(|s| selected[s.index]);
    for step in steps.chain(&collection.finally) {
        let shown = secrets.redact(&step.name).into_owned();
        let mut result = step::skipped(step, shown, INTERRUPTED_SKIP_REASON);
        if options.locate_skipped {
            result.location = source.locate(&step.field).map(|l| l.masked(&secrets));
        }
        observer.step_finished(result);
    }
    let done = CollectionDone {
        name,
        path: collection.path.clone(),
        environment: environment.map(str::to_owned),
        duration: Duration::ZERO,
        interrupted: Some(signal),
    };
    observer.on_event(&Event::CollectionFinished(&done));
    done
}

/// Checks that `collection` can start with `options` (environment, inputs, variables)
/// without starting anything or sending a request.
pub fn check(collection: &Collection, options: &RunOptions) -> Result<(), PrepareError> {
    let sandbox_declared = collection
        .environment(options.environment.as_deref())
        .ok()
        .flatten()
        .is_some_and(|(_, env)| env.sandbox.is_some());
    let placeholder = SandboxVars {
        url: "http://127.0.0.1:1".into(),
        application_token: "placeholder".into(),
    };
    prepare(
        collection,
        options,
        sandbox_declared.then_some(&placeholder),
    )
    .map(|_| ())
}

async fn run_prepared(
    collection: &Collection,
    options: &RunOptions,
    client: &HttpClient,
    observer: &mut dyn Observer,
    prepared: Prepared,
) -> CollectionDone {
    let Prepared {
        variables,
        redactor,
        environment,
    } = prepared;
    // Each step's result reaches `observer` while the next request is on the wire.
    let mut held = held::Held::new(observer);
    let observer: &mut dyn Observer = &mut held;
    let name = redactor.redact(&collection.name).into_owned();
    observer.on_event(&Event::CollectionStarted {
        collection,
        name: &name,
        environment: environment.as_deref(),
        iteration: options.iteration,
    });
    let started = Instant::now();
    let selected = select::selected_steps(collection, &options.selection);
    let steps: Vec<&crate::collection::Step> = collection
        .steps
        .iter()
        .filter(|s| selected[s.index])
        .collect();
    let mut run = state::Run::new(collection, options, client, variables, redactor);
    if steps.len() == collection.steps.len() {
        run.steps(&collection.steps, "", observer).await;
    } else {
        for step in steps {
            run.steps(std::slice::from_ref(step), "", observer).await;
        }
    }
    run.finally(observer).await;
    let done = CollectionDone {
        name,
        path: collection.path.clone(),
        environment,
        duration: started.elapsed(),
        interrupted: run.interrupted,
    };
    observer.on_event(&Event::CollectionFinished(&done));
    done
}
