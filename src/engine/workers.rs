//! Runs a list of collection runs on worker threads, `--jobs` at a time.
//!
//! One thread per job up to the number of CPUs — the calling thread, with its single-threaded
//! tokio runtime, and more threads each with a single-threaded runtime of its own — each
//! with its own HTTP connections (sharing the run's cookie jar and OAuth2 tokens), so a
//! response wakes the thread that sent the request. More jobs than CPUs run concurrently on
//! those threads. A single multi-threaded runtime moved work and wake-ups between threads on
//! every request: `--jobs 2` was barely faster than `--jobs 1` on 2 CPUs.

use std::sync::{Arc, Mutex};

use futures_util::FutureExt as _;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{Observer, PrepareError, RunOptions, Sandboxes};
use crate::collection::Collection;
use crate::http::HttpClient;

/// One run of one collection.
pub struct Job<O> {
    /// Its position in the run's order.
    pub index: usize,
    /// The collection to run.
    pub collection: Arc<Collection>,
    /// How (environment, variables, selection).
    pub options: Arc<RunOptions>,
    /// Where its events go.
    pub observer: O,
}

/// How the jobs are spread: `lanes[t]` jobs run at once on thread `t`.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    lanes: Vec<usize>,
}

impl Plan {
    /// `jobs` at a time over `runs` runs, on at most `cpus` threads.
    pub fn new(jobs: usize, cpus: usize, runs: usize) -> Plan {
        let jobs = jobs.clamp(1, runs.max(1));
        let threads = jobs.min(cpus.max(1));
        let lanes = (0..threads)
            .map(|t| jobs / threads + usize::from(t < jobs % threads))
            .collect();
        Plan { lanes }
    }

    /// The number of threads.
    pub fn threads(&self) -> usize {
        self.lanes.len()
    }
}

/// The end of one job: its index and, if it could not start, why.
pub type Finished = (usize, Option<PrepareError>);

/// How the jobs went.
pub struct Ran {
    /// Every job that ended, in no particular order: all of them, but those dropped where
    /// they were by `interrupt`. A job not begun when it was asked to stop (or when
    /// `interrupt` fired) ended at once, reported as not begun
    /// ([`super::report_not_begun`]).
    pub finished: Vec<Finished>,
    /// Whether `interrupt` fired and the jobs still running were dropped where they were
    /// (their [`super::Interrupt`] asks them to stop and finish instead).
    pub interrupted: bool,
    /// Threads that could not start their runtime; their share of the jobs ran on the
    /// others (the first thread, the caller's, always runs).
    pub thread_failures: Vec<std::io::Error>,
}

/// What is called as each job ends: its index, and why it could not start, if it could not.
type Done = dyn Fn(usize, Option<&PrepareError>) + Send + Sync;

/// The jobs not taken yet, made as they are taken.
type Queue<O> = Box<dyn Iterator<Item = Job<O>> + Send>;

/// What the lanes share.
struct Shared<O> {
    queue: Mutex<Queue<O>>,
    done: Box<Done>,
    finished: Mutex<Vec<Finished>>,
    /// The first job that panicked (a bug): raised again once every job has ended.
    panic: Mutex<Option<Box<dyn std::any::Any + Send>>>,
    /// Starts the sandboxes the jobs' environments ask for.
    sandboxes: Arc<dyn Sandboxes>,
}

/// Runs `jobs` (made one at a time, as a lane is free for the next) as `plan` says, thread `t` with `clients[t]`, starting the sandboxes their
/// environments ask for with `sandboxes`; `done(index, failure)` is called as each job ends, with
/// why it could not start, if it could not. Drops the
/// jobs still running when `interrupt` fires (a job asked to stop by its options'
/// [`super::Interrupt`] finishes its `finally` steps first). No job begins after either: each
/// is reported to its observer as not begun, every step skipped, and ends. The first thread
/// is the caller's, whose runtime must be single-threaded.
pub async fn run<O: Observer + 'static>(
    jobs: impl Iterator<Item = Job<O>> + Send + 'static,
    plan: &Plan,
    clients: Vec<HttpClient>,
    sandboxes: Arc<dyn Sandboxes>,
    done: impl Fn(usize, Option<&PrepareError>) + Send + Sync + 'static,
    interrupt: impl std::future::Future<Output = ()>,
) -> Ran {
    let shared = Arc::new(Shared {
        queue: Mutex::new(Box::new(jobs)),
        done: Box::new(done),
        finished: Mutex::new(Vec::new()),
        panic: Mutex::new(None),
        sandboxes,
    });
    let (stop, stopped) = watch::channel(false);
    let mut clients = clients.into_iter();
    let mut here = match clients.next() {
        Some(client) => lanes(&shared, plan.lanes[0], &client),
        None => JoinSet::new(),
    };
    let mut threads = JoinSet::new();
    for (lanes, client) in plan.lanes.iter().copied().skip(1).zip(clients) {
        let shared = Arc::clone(&shared);
        let stopped = stopped.clone();
        threads.spawn_blocking(move || thread(&shared, lanes, &client, stopped));
    }
    let interrupted = tokio::select! {
        () = async {
            while here.join_next().await.is_some() {}
            while threads.join_next().await.is_some() {}
        } => false,
        () = interrupt => true,
    };
    if interrupted {
        let _ = stop.send(true);
        here.abort_all();
        while here.join_next().await.is_some() {}
    }
    let mut thread_failures = Vec::new();
    while let Some(joined) = threads.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => thread_failures.push(error),
            // A thread that panicked is a bug: re-raise it.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => {}
        }
    }
    if let Some(panic) = shared.panic.lock().ok().and_then(|mut p| p.take()) {
        std::panic::resume_unwind(panic);
    }
    // The jobs no lane took before they were dropped: not begun.
    if interrupted {
        while let Some(job) = next(&shared.queue) {
            let signal = job.options.interrupt.signal().unwrap_or("a signal");
            not_begun(&shared, job, signal);
        }
    }
    let finished = std::mem::take(&mut *shared.finished.lock().unwrap_or_else(|e| e.into_inner()));
    Ran {
        finished,
        interrupted,
        thread_failures,
    }
}

/// One more thread: its own runtime running `count` lanes until the queue is empty or
/// `stopped`.
fn thread<O: Observer + 'static>(
    shared: &Arc<Shared<O>>,
    count: usize,
    client: &HttpClient,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut running = lanes(shared, count, client);
        tokio::select! {
            () = async { while running.join_next().await.is_some() {} } => {}
            _ = stopped.wait_for(|stop| *stop) => running.abort_all(),
        }
        while running.join_next().await.is_some() {}
    });
    // Not waiting for blocking work still in flight (a DNS lookup) after an interrupt.
    runtime.shutdown_background();
    Ok(())
}

/// `count` tasks on the current runtime, each running jobs from the queue one after another.
fn lanes<O: Observer + 'static>(
    shared: &Arc<Shared<O>>,
    count: usize,
    client: &HttpClient,
) -> JoinSet<()> {
    let mut running = JoinSet::new();
    for _ in 0..count {
        let shared = Arc::clone(shared);
        let client = client.clone();
        running.spawn(async move {
            while let Some(mut job) = next(&shared.queue) {
                // Asked to stop: a job not begun is not begun, but reported as such.
                if let Some(signal) = job.options.interrupt.signal() {
                    not_begun(&shared, job, signal);
                    // A long queue holds up neither the other lanes' `finally` steps nor
                    // the second signal.
                    tokio::task::yield_now().await;
                    continue;
                }
                // A job that panics (a bug) does not take the lane's later jobs with it.
                let ran = std::panic::AssertUnwindSafe(super::run_collection(
                    &job.collection,
                    &job.options,
                    &client,
                    shared.sandboxes.as_ref(),
                    &mut job.observer,
                ))
                .catch_unwind()
                .await;
                let failure = match &ran {
                    Ok(Err(failure)) => Some(failure),
                    _ => None,
                };
                (shared.done)(job.index, failure);
                match ran {
                    Ok(result) => {
                        if let Ok(mut finished) = shared.finished.lock() {
                            finished.push((job.index, result.err()));
                        }
                    }
                    Err(panic) => {
                        if let Ok(mut first) = shared.panic.lock() {
                            first.get_or_insert(panic);
                        }
                    }
                }
            }
        });
    }
    running
}

/// Ends `job`, which had not begun when the run was stopped by `signal`: its observer hears
/// it as a run whose every step was skipped, and nothing of it is sent.
fn not_begun<O: Observer>(shared: &Shared<O>, mut job: Job<O>, signal: &'static str) {
    super::report_not_begun(&job.collection, &job.options, &mut job.observer, signal);
    (shared.done)(job.index, None);
    if let Ok(mut finished) = shared.finished.lock() {
        finished.push((job.index, None));
    }
}

/// The next job, if any.
fn next<O>(queue: &Mutex<Queue<O>>) -> Option<Job<O>> {
    queue.lock().ok()?.next()
}

#[cfg(test)]
mod tests {
    use super::Plan;

    #[test]
    fn one_thread_per_job_up_to_the_cpus_then_more_lanes() {
        assert_eq!(Plan::new(1, 2, 50).lanes, [1]);
        assert_eq!(Plan::new(2, 2, 50).lanes, [1, 1]);
        assert_eq!(Plan::new(5, 2, 50).lanes, [3, 2]);
        assert_eq!(Plan::new(8, 4, 3).lanes, [1, 1, 1]);
        assert_eq!(Plan::new(0, 0, 0).lanes, [1]);
    }
}
