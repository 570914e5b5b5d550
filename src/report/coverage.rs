//! OpenAPI coverage over a run: an [`engine::Observer`](crate::engine::Observer) that counts
//! each finished step against the document its collection names (and any named with
//! `--openapi-coverage`) as it finishes, so no result is kept; and the section it adds to
//! the terminal summary and the JSON and HTML reports.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::markup::escape;
use crate::engine::{Event, Observer, StepResult};
use crate::openapi::coverage::CoverageSummary;
use crate::openapi::{Contract, Coverage};

/// The counts of every document seen in a run, shared by the collections' observers.
#[derive(Default)]
pub struct CoverageBook {
    /// Documents every step is counted against (`--openapi-coverage`).
    always: Vec<usize>,
    documents: Vec<Document>,
}

struct Document {
    key: PathBuf,
    shown: String,
    contract: Arc<Contract>,
    coverage: Coverage,
}

/// Feeds one collection run's finished steps into a shared [`CoverageBook`].
pub struct CoverageObserver {
    book: Arc<Mutex<CoverageBook>>,
    /// The documents this collection's steps count against.
    current: Vec<usize>,
}

impl CoverageBook {
    /// A book that counts every step against `contract` too (`--openapi-coverage FILE`).
    pub fn count_everything_against(&mut self, contract: Arc<Contract>, shown: &str) {
        let index = self.document(contract, || shown.to_owned());
        if !self.always.contains(&index) {
            self.always.push(index);
        }
    }

    /// True when any document was named.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    fn document(&mut self, contract: Arc<Contract>, shown: impl FnOnce() -> String) -> usize {
        // The same loaded document (every iteration of a collection): no file system call.
        if let Some(index) = self
            .documents
            .iter()
            .position(|d| Arc::ptr_eq(&d.contract, &contract))
        {
            return index;
        }
        let key = std::fs::canonicalize(&contract.path).unwrap_or_else(|_| contract.path.clone());
        if let Some(index) = self.documents.iter().position(|d| d.key == key) {
            return index;
        }
        self.documents.push(Document {
            key,
            shown: shown(),
            coverage: Coverage::new(&contract),
            contract,
        });
        self.documents.len() - 1
    }

    /// Counts the requests of `step` that went to its API, each with the status it got: the
    /// first, and after a redirect each next request on the same origin (scheme, host and
    /// port) — a `POST` answered `303` exercised that status of its operation, and the
    /// `GET` it led to got the step's status, which the contract check judged. A hop to
    /// another origin (a file store, a login page) is not this API's traffic.
    fn record(&mut self, documents: &[usize], step: &StepResult) {
        // Each request with the status it got: the step's own, then the one each redirect sent.
        let sent = std::iter::once((step.method.as_str(), step.url.as_str(), true)).chain(
            step.redirects
                .iter()
                .map(|hop| (hop.method.as_str(), hop.url.as_str(), hop.same_origin)),
        );
        let got =
            (step.redirects.iter().map(|hop| Some(hop.status))).chain(std::iter::once(step.status));
        for ((method, url, on_origin), status) in sent.zip(got) {
            if !on_origin {
                continue;
            }
            for index in documents {
                if let Some(document) = self.documents.get_mut(*index) {
                    document
                        .coverage
                        .record(&document.contract, method, url, status);
                }
            }
        }
    }

    /// The figures of every document, in the order they were first named.
    pub fn summaries(&self) -> Vec<CoverageSummary> {
        self.documents
            .iter()
            .map(|d| d.coverage.summary(&d.shown))
            .collect()
    }
}

impl CoverageObserver {
    /// An observer for one collection run.
    pub fn new(book: Arc<Mutex<CoverageBook>>) -> Self {
        CoverageObserver {
            book,
            current: Vec::new(),
        }
    }
}

impl Observer for CoverageObserver {
    fn on_event(&mut self, event: &Event<'_>) {
        // The book is shared by every lane: locked only when there is something to count.
        match event {
            Event::CollectionStarted { collection, .. } => {
                let Ok(mut book) = self.book.lock() else {
                    return;
                };
                self.current = book.always.clone();
                if let Some(contract) = &collection.openapi {
                    let index = book.document(Arc::clone(contract), || shown_path(&contract.path));
                    if !self.current.contains(&index) {
                        self.current.push(index);
                    }
                }
            }
            Event::StepFinished(step) if !self.current.is_empty() => {
                if let Ok(mut book) = self.book.lock() {
                    book.record(&self.current, step);
                }
            }
            Event::StepFinished(_) | Event::StepStarted { .. } | Event::CollectionFinished(_) => {}
        }
    }
}

/// A document's path as the user would write it (relative to the working directory when
/// under it).
pub fn shown_path(path: &Path) -> String {
    let Ok(canonical) = std::fs::canonicalize(path) else {
        return path.display().to_string();
    };
    let cwd = std::env::current_dir().ok();
    cwd.and_then(|cwd| canonical.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(canonical)
        .display()
        .to_string()
}

/// The terminal lines: per document, the operations and statuses exercised and the
/// operations never called.
pub fn terminal_section(summaries: &[CoverageSummary]) -> String {
    let mut out = String::new();
    for summary in summaries {
        let _ = writeln!(
            out,
            "\nOpenAPI coverage of {}: {} of {} operations ({}%), {} of {} documented statuses ({}%)",
            summary.spec,
            summary.operations_exercised,
            summary.operations_total,
            summary.operations_percent,
            summary.statuses_exercised,
            summary.statuses_total,
            summary.statuses_percent
        );
        let never: Vec<&str> = summary
            .operations
            .iter()
            .filter(|o| o.requests == 0)
            .map(|o| o.id.as_str())
            .collect();
        if !never.is_empty() {
            let shown: Vec<&str> = never.iter().take(10).copied().collect();
            let more = never.len().saturating_sub(shown.len());
            let _ = writeln!(
                out,
                "  not called: {}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
        }
        let missed: Vec<String> = summary
            .operations
            .iter()
            .filter(|o| o.requests > 0 && !o.missed.is_empty())
            .map(|o| format!("{} {}", o.id, o.missed.join("/")))
            .take(10)
            .collect();
        if !missed.is_empty() {
            let _ = writeln!(out, "  statuses never seen: {}", missed.join(", "));
        }
        if !summary.outside_the_document.is_empty() {
            let _ = writeln!(
                out,
                "  requests outside the document: {}",
                summary.outside_the_document.join(", ")
            );
        }
    }
    // Names and paths come from the document and the requests: shown, never obeyed.
    crate::spec::text::printable(&out, true).into_owned()
}

/// The HTML section (nothing when no document was named).
pub fn html_section(out: &mut String, summaries: &[CoverageSummary]) {
    for summary in summaries {
        let _ = writeln!(
            out,
            "<section class=\"coverage\"><h2>OpenAPI coverage: {}</h2><p><b>{}</b> of {} operations ({}%) · <b>{}</b> of {} documented statuses ({}%)</p>",
            escape(&summary.spec),
            summary.operations_exercised,
            summary.operations_total,
            summary.operations_percent,
            summary.statuses_exercised,
            summary.statuses_total,
            summary.statuses_percent
        );
        out.push_str("<table><thead><tr><th>operation</th><th>method</th><th>path</th><th>responses</th><th>statuses seen</th><th>never seen</th><th>undocumented</th></tr></thead><tbody>\n");
        for operation in &summary.operations {
            let _ = writeln!(
                out,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if operation.requests > 0 { "passed" } else { "skipped" },
                escape(&operation.id),
                escape(&operation.method),
                escape(&operation.path),
                operation.requests,
                escape(&operation.exercised.join(", ")),
                escape(&operation.missed.join(", ")),
                operation
                    .undocumented
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push_str("</tbody></table>\n");
        if !summary.outside_the_document.is_empty() {
            let _ = writeln!(
                out,
                "<p>Requests outside the document: {}</p>",
                escape(&summary.outside_the_document.join(", "))
            );
        }
        out.push_str("</section>\n");
    }
}

/// The documents whose operation coverage is below `minimum` percent, as sentences.
pub fn below(summaries: &[CoverageSummary], minimum: f64) -> Vec<String> {
    summaries
        .iter()
        .filter(|s| s.operations_percent < minimum)
        .map(|s| {
            format!(
                "OpenAPI coverage of {} is {}% of operations ({} of {}), below --min-openapi-coverage {minimum}",
                s.spec, s.operations_percent, s.operations_exercised, s.operations_total
            )
        })
        .collect()
}
