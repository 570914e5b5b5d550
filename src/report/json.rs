//! The JSON report: a documented, versioned format. Its schema,
//! `schemas/report.schema.json`, is generated from these types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::stream::{Format, RunSummary};
use super::{millis, RunRecord};
use crate::engine::{CollectionReport, Outcome, StepErrorKind, StepResult};
use crate::spec::field::Location;

/// The version of the format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 2;

/// Where the generated schema is kept in the repository.
pub const SCHEMA_PATH: &str = "schemas/report.schema.json";

/// A runner run.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "runner JSON report")]
pub struct Report {
    /// Always `runner-report`.
    pub format: &'static str,
    /// The format version (this is version 2: locations of steps, failures and errors).
    pub version: u32,
    /// The runner version that wrote it.
    pub runner: &'static str,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// The run was interrupted (Ctrl-C, SIGTERM): the collections hold what ran, and each
    /// collection run that had not begun, every step skipped.
    pub interrupted: bool,
    /// Step counts.
    pub totals: TotalsReport,
    /// Every collection, in input order.
    pub collections: Vec<CollectionEntry>,
    /// Which operations and documented statuses of each OpenAPI document the run exercised
    /// (present when a collection names one, or with `--openapi-coverage`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub openapi_coverage: Vec<crate::openapi::coverage::CoverageSummary>,
}

/// Step counts.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TotalsReport {
    /// Collection runs reported (with those an interrupt kept from beginning).
    pub collections: usize,
    /// Steps that passed.
    pub passed: usize,
    /// Steps whose expectations or captures failed, or whose request could not be rendered
    /// (outcome `failed`).
    pub failed: usize,
    /// Steps that got no complete response: a transport error (outcome `errored`), or the
    /// run stopped while the step was in flight (outcome `interrupted`).
    pub errored: usize,
    /// Steps not run.
    pub skipped: usize,
}

/// One collection's run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CollectionEntry {
    /// The collection's name.
    pub name: String,
    /// Its file, as given.
    pub file: String,
    /// The environment used.
    pub environment: Option<String>,
    /// The iteration number (from 1), for data-driven and repeated runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iteration: Option<usize>,
    /// `passed`, `failed` (an expectation or capture), `errored` (a transport error), or
    /// `interrupted` (the run was stopped before the collection finished).
    pub outcome: OutcomeName,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Every step, in order.
    pub steps: Vec<StepEntry>,
}

/// A step's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum OutcomeName {
    Passed,
    Failed,
    Errored,
    Skipped,
    Interrupted,
}

/// One step's run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StepEntry {
    /// The step's place in the collection run's order, from 0: one for each entry, so
    /// unique within the run (steps in groups, each `for_each` item and each `finally`
    /// step have their own).
    pub index: usize,
    /// The step's name.
    pub name: String,
    /// The step's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// How it ended.
    pub outcome: OutcomeName,
    /// Why it was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// Milliseconds the step took in all: every attempt or page, and the waits between them.
    pub duration_ms: u64,
    /// Of `duration_ms`, the milliseconds spent waiting between attempts (a step with `retry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waited_ms: Option<u64>,
    /// The request.
    pub request: RequestSummary,
    /// The response, if one came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseSummary>,
    /// Expectations and captures that failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<FailureEntry>,
    /// The transport or render error, as a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Where the error's field (a template that did not render) or the step's request is
    /// written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_location: Option<LocationEntry>,
    /// Where the step is written (for a step that did not pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationEntry>,
    /// Every attempt, for a step with `retry`; the last one is the step's result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<AttemptEntry>,
    /// Pages followed, for a step with `paginate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
    /// Captured values as text (secrets masked as `***`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub captures: BTreeMap<String, String>,
}

/// One attempt of a step with `retry`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttemptEntry {
    /// The status, if a response came.
    pub status: Option<u16>,
    /// Milliseconds.
    pub duration_ms: u64,
    /// Why another attempt followed (absent for the last).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub retried_because: String,
}

/// The request as sent.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RequestSummary {
    /// The method.
    pub method: String,
    /// The URL, query included.
    pub url: String,
    /// Headers, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<(String, String)>>,
    /// Body text, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// The response as received.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ResponseSummary {
    /// The status code.
    pub status: u16,
    /// Headers, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<(String, String)>>,
    /// Body text, when recorded (long bodies are cut).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// An expectation or capture that failed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FailureEntry {
    /// What was checked: `status`, `header content-type`, a JSONPath, `capture NAME`...
    pub subject: String,
    /// What was expected.
    pub expected: String,
    /// What came back.
    pub actual: String,
    /// Where the expectation or capture is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationEntry>,
}

/// A place in a collection file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LocationEntry {
    /// The file, as the run named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl From<&Location> for LocationEntry {
    fn from(location: &Location) -> Self {
        LocationEntry {
            file: location.file.display().to_string(),
            line: location.line,
            column: location.column,
        }
    }
}

/// The outcome of a step, named.
pub fn outcome_name(outcome: &Outcome) -> OutcomeName {
    match outcome {
        Outcome::Passed => OutcomeName::Passed,
        Outcome::Failed(_) => OutcomeName::Failed,
        Outcome::Errored(e) if e.kind == StepErrorKind::Render => OutcomeName::Failed,
        Outcome::Errored(e) if e.kind == StepErrorKind::Interrupted => OutcomeName::Interrupted,
        Outcome::Errored(_) => OutcomeName::Errored,
        Outcome::Skipped(_) => OutcomeName::Skipped,
    }
}

/// Builds the report document, all at once.
pub fn report(run: &RunRecord) -> Report {
    let summary = super::stream::RunSummary::of(run);
    Report {
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        runner: env!("CARGO_PKG_VERSION"),
        started_at: run.started_at.clone(),
        duration_ms: millis(run.duration),
        interrupted: run.interrupted,
        totals: totals(&summary),
        collections: run.collections.iter().map(collection).collect(),
        openapi_coverage: run.openapi_coverage.clone(),
    }
}

/// What the `format` field always holds.
const FORMAT_NAME: &str = "runner-report";

fn totals(run: &super::stream::RunSummary) -> TotalsReport {
    TotalsReport {
        collections: run.collections,
        passed: run.totals.passed,
        failed: run.totals.failed,
        errored: run.totals.errored,
        skipped: run.totals.skipped,
    }
}

fn collection(collection: &CollectionReport) -> CollectionEntry {
    let steps: Vec<StepEntry> = collection.steps.iter().enumerate().map(step).collect();
    let outcome = if collection.interrupted {
        OutcomeName::Interrupted
    } else if steps.iter().any(|s| s.outcome == OutcomeName::Errored) {
        OutcomeName::Errored
    } else if steps.iter().any(|s| s.outcome == OutcomeName::Failed) {
        OutcomeName::Failed
    } else {
        OutcomeName::Passed
    };
    CollectionEntry {
        name: collection.name.clone(),
        file: collection.path.display().to_string(),
        environment: collection.environment.clone(),
        iteration: collection.iteration.map(|(n, _)| n),
        outcome,
        duration_ms: millis(collection.duration),
        steps,
    }
}

/// The JSON report, written a collection run at a time (see [`super::stream`]): the same
/// text as [`Report`] pretty printed whole.
#[derive(Default)]
pub struct Json {
    /// Collection runs written so far.
    written: usize,
}

impl Json {
    /// A report with no collection run yet.
    pub fn new() -> Json {
        Json::default()
    }
}

impl Format for Json {
    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        if self.written > 0 {
            out.push_str(",\n");
        }
        self.written += 1;
        let text = serde_json::to_string_pretty(&self::collection(collection)).unwrap_or_default();
        indented(out, &text, "    ", true);
    }

    fn head(&mut self, run: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut head = String::from("{\n");
        head.push_str(&format!("  \"format\": {},\n", string(FORMAT_NAME)));
        head.push_str(&format!("  \"version\": {FORMAT_VERSION},\n"));
        head.push_str(&format!(
            "  \"runner\": {},\n",
            string(env!("CARGO_PKG_VERSION"))
        ));
        head.push_str(&format!("  \"started_at\": {},\n", string(&run.started_at)));
        head.push_str(&format!("  \"duration_ms\": {},\n", millis(run.duration)));
        head.push_str(&format!("  \"interrupted\": {},\n", run.interrupted));
        head.push_str("  \"totals\": ");
        let totals = serde_json::to_string_pretty(&totals(run)).unwrap_or_default();
        indented(&mut head, &totals, "  ", false);
        head.push_str(",\n  \"collections\": ");
        head.push_str(if self.written == 0 { "[]" } else { "[\n" });
        out.write_all(head.as_bytes())
    }

    fn tail(&mut self, run: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut tail = String::from(if self.written == 0 { "" } else { "\n  ]" });
        if !run.openapi_coverage.is_empty() {
            tail.push_str(",\n  \"openapi_coverage\": ");
            let coverage = serde_json::to_string_pretty(&run.openapi_coverage).unwrap_or_default();
            indented(&mut tail, &coverage, "  ", false);
        }
        tail.push_str("\n}\n");
        out.write_all(tail.as_bytes())
    }
}

/// `text` as a JSON string.
fn string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Appends `text` with every line indented by `indent` (the first one too when `first`): a
/// value pretty printed on its own, placed deeper in a document. Line breaks inside strings
/// are escaped by JSON, so every line break is the printer's.
fn indented(out: &mut String, text: &str, indent: &str, first: bool) {
    for (number, line) in text.split('\n').enumerate() {
        if number > 0 {
            out.push('\n');
        }
        if number > 0 || first {
            out.push_str(indent);
        }
        out.push_str(line);
    }
}

/// The entry of `result`, the `index`th step the collection run went through.
fn step((index, result): (usize, &StepResult)) -> StepEntry {
    let exchange = result.exchange.as_ref();
    StepEntry {
        index,
        name: result.name.clone(),
        id: result.id.clone(),
        outcome: outcome_name(&result.outcome),
        skip_reason: match &result.outcome {
            Outcome::Skipped(reason) => Some(reason.clone()),
            _ => None,
        },
        duration_ms: millis(result.duration),
        waited_ms: (result.attempts.len() > 1).then(|| millis(super::waited(result))),
        request: RequestSummary {
            method: result.method.clone(),
            url: result.url.clone(),
            headers: exchange.map(|e| e.request_headers.clone()),
            body: exchange.and_then(|e| e.request_body.clone()),
        },
        response: result.status.map(|status| ResponseSummary {
            status,
            headers: exchange.map(|e| e.response_headers.clone()),
            body: exchange.map(|e| e.response_body.clone()),
        }),
        failures: match &result.outcome {
            Outcome::Failed(failures) => failures
                .iter()
                .map(|f| FailureEntry {
                    subject: f.subject.clone(),
                    expected: f.expected.clone(),
                    actual: f.actual.clone(),
                    location: f.location.as_ref().map(LocationEntry::from),
                })
                .collect(),
            _ => Vec::new(),
        },
        error: match &result.outcome {
            Outcome::Errored(error) => Some(error.message.clone()),
            _ => None,
        },
        error_location: match &result.outcome {
            Outcome::Errored(error) => error.location.as_deref().map(LocationEntry::from),
            _ => None,
        },
        location: result.location.as_ref().map(LocationEntry::from),
        attempts: result
            .attempts
            .iter()
            .map(|a| AttemptEntry {
                status: a.status,
                duration_ms: millis(a.duration),
                retried_because: a.note.clone(),
            })
            .collect(),
        pages: result.pages,
        captures: result.captures.iter().cloned().collect(),
    }
}

/// The report as pretty JSON, all at once.
pub fn render(run: &RunRecord) -> String {
    super::stream::render(Box::new(Json::new()), run)
}

/// The JSON Schema of the report, as pretty JSON with a trailing newline.
pub fn schema() -> String {
    crate::spec::schema::schema_text::<Report>()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::{CollectionReport, Exchange, StepError};

    fn step(index: usize, outcome: Outcome) -> StepResult {
        StepResult {
            index,
            name: format!("step \"{index}\"\nwith a line break"),
            id: None,
            method: "GET".into(),
            url: "http://127.0.0.1/x".into(),
            status: Some(200),
            redirects: Vec::new(),
            duration: Duration::from_millis(12),
            outcome,
            captures: vec![("token".into(), "***".into())],
            exchange: Some(Box::new(Exchange {
                request_headers: vec![("accept".into(), "*/*".into())],
                request_body: None,
                response_version: "HTTP/1.1".into(),
                response_headers: Vec::new(),
                response_body: "{\"a\": [1, 2]}".into(),
                redirects: Vec::new(),
            })),
            sent: None,
            attempts: Vec::new(),
            pages: None,
            location: None,
            snapshot: None,
        }
    }

    fn run(collections: usize) -> RunRecord {
        RunRecord {
            collections: (0..collections)
                .map(|n| CollectionReport {
                    name: format!("c{n}"),
                    path: "c.yaml".into(),
                    environment: Some("sandbox".into()),
                    iteration: Some((n + 1, collections)),
                    started_at: std::time::UNIX_EPOCH,
                    steps: vec![
                        step(0, Outcome::Passed),
                        step(1, Outcome::Skipped("a reason".into())),
                        step(2, Outcome::Errored(StepError::interrupted("SIGINT"))),
                    ],
                    duration: Duration::from_millis(40),
                    interrupted: n == 2,
                })
                .collect(),
            started_at: "2026-11-29T00:00:00Z".into(),
            duration: Duration::from_millis(99),
            interrupted: false,
            openapi_coverage: Vec::new(),
        }
    }

    #[test]
    fn written_a_collection_at_a_time_it_is_the_whole_document_pretty_printed() {
        for collections in [0, 1, 3] {
            let run = run(collections);
            let mut whole = serde_json::to_string_pretty(&report(&run)).expect("serialises");
            whole.push('\n');
            assert_eq!(render(&run), whole, "{collections} collections");
        }
    }
}
