//! `expect.openapi`: the response judged against the collection's OpenAPI document, each
//! violation a [`Failure`] naming the operation, the place in the body and the place in the
//! document.

use std::sync::Arc;

use super::expect::Failure;
use super::predicate::Operands;
use super::ResponseView;
use crate::openapi::{Contract, Violation};

/// A step's `openapi: true`, compiled: the document and the step's method.
#[derive(Clone)]
pub struct OpenapiExpectation {
    /// The collection's document, loaded once.
    pub contract: Arc<Contract>,
    /// The step's method (after a redirect the final URL is judged with it).
    pub method: String,
}

impl OpenapiExpectation {
    /// Every way the response breaks the contract.
    pub fn check(&self, view: &ResponseView<'_>, operands: Operands<'_>) -> Vec<Failure> {
        let json = || view.json().map_err(|e| e.describe(operands.redactor));
        self.contract
            .check(&self.method, view.response, json)
            .into_iter()
            .map(failure)
            .collect()
    }
}

/// A violation as a failure of `expect.openapi`: `openapi OPERATION[ body PATH]: expected
/// RULE [schema FILE#POINTER], got ACTUAL`.
pub fn failure(violation: Violation) -> Failure {
    let subject = match &violation.instance_path {
        Some(path) if path.is_empty() => format!("openapi {} body /", violation.operation),
        Some(path) => format!("openapi {} body {path}", violation.operation),
        None => format!("openapi {}", violation.operation),
    };
    Failure::new(
        ["expect", "openapi"],
        subject,
        format!("{} [schema {}]", violation.expected, violation.schema_path),
        violation.actual,
    )
}
