//! `expect.openapi`: the response judged against the collection's OpenAPI document (each
//! violation becomes a failure in `check::expect`).

use std::sync::Arc;

use super::predicate::Operands;
use super::ResponseView;
use crate::openapi::{Contract, Violation};

/// A step's `openapi: true`, compiled: the document and the step's method.
#[derive(Clone)]
pub struct OpenapiExpectation {
    /// The collection's document, loaded once.
    pub contract: Arc<Contract>,
    /// The step's method (after a redirect, the final URL is judged with the method the
    /// redirect sent there).
    pub method: String,
}

impl OpenapiExpectation {
    /// Every way the response breaks the contract.
    pub fn check(&self, view: &ResponseView<'_>, operands: Operands<'_>) -> Vec<Violation> {
        let json = || view.json().map_err(|e| e.describe(operands.redactor));
        let method = view.response.final_method(&self.method);
        self.contract.check(method, view.response, json)
    }
}
