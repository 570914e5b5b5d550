//! Which operations of a document, and which of their documented statuses, a run
//! exercised: fed one finished request at a time, so nothing but counts is kept.
//!
//! An operation is exercised when a response to a request for it came back (whatever its
//! status). A documented status is exercised when a response fell under it (`200`, `2XX`);
//! `default` is shown when hit but is not a status code, so it is not counted among them.

use schemars::JsonSchema;
use serde::Serialize;

use super::contract::Contract;

/// The counts of one document over a run.
#[derive(Debug, Clone)]
pub struct Coverage {
    operations: Vec<OperationCount>,
    outside: Vec<String>,
}

#[derive(Debug, Clone)]
struct OperationCount {
    id: String,
    method: String,
    path: String,
    requests: u64,
    statuses: Vec<(String, u64)>,
    undocumented: Vec<u16>,
}

/// The coverage of one document, for the terminal and reports.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CoverageSummary {
    /// The document's file, as the collection names it.
    pub spec: String,
    /// Operations in the document.
    pub operations_total: usize,
    /// Operations a response came back for.
    pub operations_exercised: usize,
    /// `operations_exercised` of `operations_total`, in percent (100 for a document with
    /// none).
    pub operations_percent: f64,
    /// Documented status codes (and ranges such as `2XX`; not `default`) over every
    /// operation.
    pub statuses_total: usize,
    /// Those a response fell under.
    pub statuses_exercised: usize,
    /// `statuses_exercised` of `statuses_total`, in percent.
    pub statuses_percent: f64,
    /// Requests that matched no operation (`METHOD /path`, each once).
    pub outside_the_document: Vec<String>,
    /// Every operation, in document order.
    pub operations: Vec<OperationCoverage>,
}

/// One operation's coverage.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OperationCoverage {
    /// `operationId`, else `METHOD /path`.
    pub id: String,
    /// `GET`, ...
    pub method: String,
    /// The path template.
    pub path: String,
    /// Responses received for it.
    pub requests: u64,
    /// Documented statuses that came back.
    pub exercised: Vec<String>,
    /// Documented statuses that never came back.
    pub missed: Vec<String>,
    /// Statuses that came back but are not documented (and no `default` covers them).
    pub undocumented: Vec<u16>,
}

/// The most distinct requests outside the document that are listed.
const MAX_OUTSIDE: usize = 50;

impl Coverage {
    /// Nothing exercised yet of `contract`.
    pub fn new(contract: &Contract) -> Self {
        Coverage {
            operations: contract
                .operations
                .iter()
                .map(|operation| OperationCount {
                    id: operation.id.clone(),
                    method: operation.method.clone(),
                    path: operation.path.clone(),
                    requests: 0,
                    statuses: operation
                        .responses
                        .iter()
                        .map(|r| (r.status.clone(), 0))
                        .collect(),
                    undocumented: Vec::new(),
                })
                .collect(),
            outside: Vec::new(),
        }
    }

    /// Counts one request: `method` on `url` (as sent), answered with `status` (`None`: no
    /// response, which exercises nothing).
    pub fn record(&mut self, contract: &Contract, method: &str, url: &str, status: Option<u16>) {
        let Some(status) = status else {
            return;
        };
        let path = match url::Url::parse(url) {
            Ok(url) => url.path().to_owned(),
            Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
        };
        let Ok(index) = contract.find(method, &path) else {
            let request = format!("{} {path}", method.to_uppercase());
            if self.outside.len() < MAX_OUTSIDE && !self.outside.contains(&request) {
                self.outside.push(request);
            }
            return;
        };
        let Some(count) = self.operations.get_mut(index) else {
            return;
        };
        count.requests += 1;
        match contract.response_for(index, status) {
            Some(response) => {
                if let Some((_, hits)) = count
                    .statuses
                    .iter_mut()
                    .find(|(s, _)| *s == response.status)
                {
                    *hits += 1;
                }
            }
            None => {
                if !count.undocumented.contains(&status) {
                    count.undocumented.push(status);
                }
            }
        }
    }

    /// The figures, for the document written as `spec`.
    pub fn summary(&self, spec: &str) -> CoverageSummary {
        let percent = |part: usize, whole: usize| {
            if whole == 0 {
                100.0
            } else {
                (part as f64 * 1000.0 / whole as f64).round() / 10.0
            }
        };
        let operations: Vec<OperationCoverage> = self
            .operations
            .iter()
            .map(|count| OperationCoverage {
                id: count.id.clone(),
                method: count.method.clone(),
                path: count.path.clone(),
                requests: count.requests,
                exercised: count
                    .statuses
                    .iter()
                    .filter(|(_, hits)| *hits > 0)
                    .map(|(s, _)| s.clone())
                    .collect(),
                missed: count
                    .statuses
                    .iter()
                    .filter(|(s, hits)| *hits == 0 && s != "default")
                    .map(|(s, _)| s.clone())
                    .collect(),
                undocumented: count.undocumented.clone(),
            })
            .collect();
        let operations_total = operations.len();
        let operations_exercised = operations.iter().filter(|o| o.requests > 0).count();
        let statuses_total = self
            .operations
            .iter()
            .flat_map(|o| &o.statuses)
            .filter(|(s, _)| s != "default")
            .count();
        let statuses_exercised = self
            .operations
            .iter()
            .flat_map(|o| &o.statuses)
            .filter(|(s, hits)| s != "default" && *hits > 0)
            .count();
        CoverageSummary {
            spec: spec.to_owned(),
            operations_total,
            operations_exercised,
            operations_percent: percent(operations_exercised, operations_total),
            statuses_total,
            statuses_exercised,
            statuses_percent: percent(statuses_exercised, statuses_total),
            outside_the_document: self.outside.clone(),
            operations,
        }
    }
}
