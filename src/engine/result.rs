//! The results of a run: per step and per collection. Every text in them is already
//! redacted.

use std::path::PathBuf;
use std::time::Duration;

use crate::check::expect::Failure;
use crate::http::{OutgoingBody, TransportError};
use crate::spec::field::{FieldPath, Location};

/// How a step ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Every expectation and capture held.
    Passed,
    /// One or more expectations or captures failed.
    Failed(Vec<Failure>),
    /// The request could not be made or got no complete response.
    Errored(StepError),
    /// Not run.
    Skipped(String),
}

/// A step that could not complete its exchange.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct StepError {
    /// What kind of problem it was (decides the exit code).
    pub kind: StepErrorKind,
    /// The problem as a sentence, redacted.
    pub message: String,
    /// The field that failed (a template that did not render), from the top of its file;
    /// `None` for the step's request as a whole.
    pub field: Option<FieldPath>,
    /// Where it is, once located.
    pub location: Option<Box<Location>>,
}

/// The kinds of [`StepError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepErrorKind {
    /// A template of the request did not render (a variable is missing).
    Render,
    /// The transport failed: connection, DNS, TLS, timeout, I/O.
    Transport,
    /// The run was stopped (SIGINT, SIGTERM) while the step was in flight.
    Interrupted,
    /// The run was refused before anything was sent: a collection does not validate, or
    /// the command's arguments select nothing it can run.
    Invalid,
}

impl StepError {
    /// The variable a render problem says is undefined, if that is the problem.
    pub fn undefined_variable(&self) -> Option<String> {
        if self.kind != StepErrorKind::Render {
            return None;
        }
        let (_, after) = self.message.split_once("undefined variable `")?;
        let (variable, _) = after.split_once('`')?;
        Some(variable.to_owned())
    }

    /// A render problem at `field`.
    pub fn render(field: &FieldPath, message: impl std::fmt::Display) -> Self {
        StepError {
            kind: StepErrorKind::Render,
            message: format!("{field}: {message}"),
            field: Some(field.clone()),
            location: None,
        }
    }

    /// The step was in flight when the run was stopped by `signal` (`SIGINT`, `SIGTERM`).
    pub fn interrupted(signal: &str) -> Self {
        StepError {
            kind: StepErrorKind::Interrupted,
            message: format!("interrupted by {signal} before the step ended"),
            field: None,
            location: None,
        }
    }

    /// A problem that refused the whole run before anything was sent, told at `location`
    /// when it has one.
    pub fn invalid(message: impl Into<String>, location: Option<Location>) -> Self {
        StepError {
            kind: StepErrorKind::Invalid,
            message: message.into(),
            field: None,
            location: location.map(Box::new),
        }
    }

    /// A collection run (or the whole run) that could not start for a reason not of its
    /// input: a sandbox that did not start, an HTTP client that could not be built. A runtime
    /// error, as a transport problem is.
    pub fn not_started(message: impl Into<String>) -> Self {
        StepError {
            kind: StepErrorKind::Transport,
            message: message.into(),
            field: None,
            location: None,
        }
    }

    /// A transport problem.
    pub fn transport(error: &TransportError) -> Self {
        StepError {
            kind: StepErrorKind::Transport,
            message: error.to_string(),
            field: None,
            location: None,
        }
    }
}

/// The request as sent, and the response as received, for `-v` and reports.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Request headers, as sent.
    pub request_headers: Vec<(String, String)>,
    /// Request body, as text.
    pub request_body: Option<String>,
    /// `HTTP/1.1`, ...
    pub response_version: String,
    /// Response headers.
    pub response_headers: Vec<(String, String)>,
    /// Response body, as text.
    pub response_body: String,
    /// The redirects followed: status and the URL redirected to.
    pub redirects: Vec<(u16, String)>,
}

/// A request as it was sent, in full, for `--curl` (redacted like everything else).
#[derive(Debug, Clone)]
pub struct SentRequest {
    /// The method.
    pub method: String,
    /// The URL of the first hop.
    pub url: String,
    /// The headers of the first hop (auth and cookies included).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: OutgoingBody,
    /// Redirects were followed.
    pub follow_redirects: bool,
    /// At most this many.
    pub max_redirects: u32,
}

/// What happened in one step.
#[derive(Debug, Clone)]
pub struct StepResult {
    /// Position in the collection, from 0.
    pub index: usize,
    /// The step's name.
    pub name: String,
    /// The step's id.
    pub id: Option<String>,
    /// The method.
    pub method: String,
    /// The URL as sent (redacted); empty if it did not render.
    pub url: String,
    /// The status, if a response came.
    pub status: Option<u16>,
    /// The redirects its response came through (empty for most steps): the request at
    /// `method` and `url` got the first hop's status, and so on; the last hop's request got
    /// `status`.
    pub redirects: Vec<Hop>,
    /// The step's whole time: every attempt or page, the waits between them, the OAuth2
    /// token request.
    pub duration: Duration,
    /// How it ended.
    pub outcome: Outcome,
    /// Variables captured (name, value as text, redacted).
    pub captures: Vec<(String, String)>,
    /// The full exchange, when recorded.
    pub exchange: Option<Box<Exchange>>,
    /// The request as sent, when recorded (`--curl`).
    pub sent: Option<Box<SentRequest>>,
    /// Every attempt, when the step has `retry` (the last one is the result).
    pub attempts: Vec<Attempt>,
    /// Pages followed, when the step has `paginate`.
    pub pages: Option<usize>,
    /// Where the step is written (its file, and the line of its first key), for a step that
    /// failed or errored, and for a skipped one when [`super::RunOptions::locate_skipped`].
    pub location: Option<Location>,
    /// The snapshot to store (pending, or approved with `--update-snapshots`), when the
    /// step's snapshot was missing or differed.
    pub snapshot: Option<Box<super::SnapshotSeen>>,
}

/// A redirect a step's response came through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The redirecting status.
    pub status: u16,
    /// The method of the request it sent next.
    pub method: String,
    /// Where it sent it (redacted).
    pub url: String,
    /// Whether that is the step's own origin (scheme, host and port), as judged on the
    /// real URL before redaction.
    pub same_origin: bool,
}

/// One attempt of a step with `retry`.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The status, if a response came.
    pub status: Option<u16>,
    /// Time of the exchange.
    pub duration: Duration,
    /// Why another attempt followed (empty for the last).
    pub note: String,
}

/// A collection run that finished: what every observer learns at the end. The steps came
/// one by one in [`super::Event::StepFinished`]; a [`super::Collector`] keeps them.
#[derive(Debug, Clone)]
pub struct CollectionDone {
    /// The collection's name.
    pub name: String,
    /// Its file.
    pub path: PathBuf,
    /// The environment used.
    pub environment: Option<String>,
    /// Wall time of the run.
    pub duration: Duration,
    /// The signal that stopped it before its last step (its `finally` steps still ran).
    pub interrupted: Option<&'static str>,
}

/// What happened in one collection run, steps included.
#[derive(Debug, Clone)]
pub struct CollectionReport {
    /// The collection's name.
    pub name: String,
    /// Its file.
    pub path: PathBuf,
    /// The environment used.
    pub environment: Option<String>,
    /// `(n, of)` for data-driven and repeated runs.
    pub iteration: Option<(usize, usize)>,
    /// When it started.
    pub started_at: std::time::SystemTime,
    /// Every step, in order, skipped ones included.
    pub steps: Vec<StepResult>,
    /// Wall time of the run.
    pub duration: Duration,
    /// The run was stopped before the collection finished.
    pub interrupted: bool,
}

/// Counts of step outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Passed steps.
    pub passed: usize,
    /// Failed steps: an expectation or capture failed, or the request did not render.
    pub failed: usize,
    /// Steps with no complete response: a transport error, or interrupted in flight.
    pub errored: usize,
    /// Skipped steps.
    pub skipped: usize,
    /// Of the errored, the entries of a collection run refused before it sent anything (a
    /// data row or the environment it needs is wrong): invalid input, not a runtime error.
    pub invalid: usize,
}

impl StepResult {
    /// A step that sent nothing and has only `outcome` to tell (skipped, interrupted before
    /// its response): no URL, status, exchange or attempts.
    pub(crate) fn unsent(index: usize, name: String, method: String, outcome: Outcome) -> Self {
        StepResult {
            index,
            name,
            id: None,
            method,
            url: String::new(),
            status: None,
            redirects: Vec::new(),
            duration: Duration::ZERO,
            outcome,
            captures: Vec::new(),
            exchange: None,
            sent: None,
            attempts: Vec::new(),
            pages: None,
            location: None,
            snapshot: None,
        }
    }

    /// What a report shows for a problem that refused the run or a collection run before it
    /// sent anything (`error`): entry `index`, named `name`, errored, placed where the problem
    /// is.
    pub fn refused(index: usize, name: String, error: StepError) -> Self {
        let location = error.location.as_deref().cloned();
        StepResult {
            location,
            ..Self::unsent(index, name, String::new(), Outcome::Errored(error))
        }
    }

    /// A passed `GET` step named `name`, status 200, with nothing else recorded: what a test
    /// starts from (`StepResult { outcome, ..StepResult::passed("a") }`).
    #[cfg(test)]
    pub(crate) fn passed(name: &str) -> StepResult {
        StepResult {
            status: Some(200),
            ..Self::unsent(0, name.to_owned(), "GET".to_owned(), Outcome::Passed)
        }
    }
}

impl CollectionReport {
    /// The name with its iteration, when it ran more than once: `Name (iteration 2/3)`.
    pub fn title(&self) -> String {
        match self.iteration {
            Some((n, of)) => format!("{} (iteration {n}/{of})", self.name),
            None => self.name.clone(),
        }
    }
}

impl Totals {
    /// Counts one step. A request that did not render counts as failed (the collection's
    /// logic is wrong); a transport problem counts as errored.
    pub fn record(&mut self, step: &StepResult) {
        match &step.outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Errored(error) if error.kind == StepErrorKind::Render => self.failed += 1,
            Outcome::Errored(error) if error.kind == StepErrorKind::Invalid => {
                self.errored += 1;
                self.invalid += 1;
            }
            Outcome::Errored(_) => self.errored += 1,
            Outcome::Skipped(_) => self.skipped += 1,
        }
    }

    /// Adds the counts of `other`.
    pub fn add(&mut self, other: &Totals) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.errored += other.errored;
        self.invalid += other.invalid;
        self.skipped += other.skipped;
    }
}
