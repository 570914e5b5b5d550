//! Compiles `openapi: FILE` (the document, loaded and compiled once per collection) and a
//! step's `expect.openapi` (or `defaults.expect.openapi`).

use std::sync::Arc;

use super::Compiler;
use crate::check::expect::Expectations;
use crate::check::openapi::OpenapiExpectation;
use crate::collection::locate::FieldPath;
use crate::openapi::Contract;
use crate::spec::collection::{CollectionSpec, RequestSpec, StepSpec};

/// What `openapi` and `defaults.expect.openapi` give every step.
type OpenapiDefaults = (Option<Arc<Contract>>, Option<bool>);

impl Compiler<'_> {
    /// The collection's document (loaded) and `defaults.expect.openapi`.
    pub(super) fn openapi_defaults(&mut self, spec: &CollectionSpec) -> OpenapiDefaults {
        let contract = spec.openapi.as_ref().and_then(|written| {
            self.openapi_document(written, &FieldPath::default().key("openapi"))
        });
        let openapi = spec.defaults.expect.as_ref().and_then(|e| e.openapi);
        if openapi == Some(true) && spec.openapi.is_none() {
            self.problem_with_hint(
                &FieldPath::default()
                    .key("defaults")
                    .key("expect")
                    .key("openapi"),
                "`openapi: true` needs the collection to name its OpenAPI document",
                "add `openapi: api.yaml` (relative to this file) at the top of the collection",
            );
        }
        (contract, openapi)
    }

    /// Loads the document `written` names (relative to the collection); a problem at
    /// `field` when it cannot be.
    pub(super) fn openapi_document(
        &mut self,
        written: &str,
        field: &FieldPath,
    ) -> Option<Arc<Contract>> {
        let base = crate::spec::file::folder_of(self.path);
        match Contract::load(&base.join(written)) {
            Ok(contract) => Some(Arc::new(contract)),
            Err(error) => {
                self.problem_with_hint(
                    field,
                    error.to_string(),
                    "`openapi` names an OpenAPI 3.0 or 3.1 document (YAML or JSON), relative to the collection file",
                );
                None
            }
        }
    }

    /// Sets `expect.openapi` when the step (or `defaults.expect`) asks for it.
    pub(super) fn openapi_expectation(
        &mut self,
        spec: &StepSpec,
        request: &RequestSpec,
        field: &FieldPath,
        expect: &mut Expectations,
    ) {
        let own = spec.expect.as_ref().and_then(|e| e.openapi);
        if !own.or(self.defaults.openapi).unwrap_or(false) {
            return;
        }
        match &self.defaults.contract {
            Some(contract) => {
                expect.change_more(|more| {
                    more.openapi = Some(OpenapiExpectation {
                        contract: Arc::clone(contract),
                        method: request.method.as_str().to_owned(),
                    });
                });
            }
            // `defaults.expect.openapi` without a document is reported once, there; a document
            // that does not load, at `openapi`.
            None if own == Some(true) && !self.defaults.openapi_named => self.problem_with_hint(
                &field.key_in("expect", "openapi"),
                "`openapi: true` needs the collection to name its OpenAPI document",
                "add `openapi: api.yaml` (relative to this file) at the top of the collection",
            ),
            None => {}
        }
    }
}
