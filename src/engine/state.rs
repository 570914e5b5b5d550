//! The state of one collection run: what the walk through the steps ([`super::flow`]) and
//! each request step ([`super::step`]) read and update.

use super::RunOptions;
use crate::collection::Collection;
use crate::http::HttpClient;
use crate::redact::Redactor;
use crate::vars::Variables;

/// The state of one collection run.
pub(super) struct Run<'a> {
    pub(super) collection: &'a Collection,
    pub(super) options: &'a RunOptions,
    pub(super) client: &'a HttpClient,
    pub(super) variables: Variables,
    pub(super) redactor: Redactor,
    /// A step failed (without `--continue-on-failure`): the rest are skipped.
    pub(super) stopped: bool,
}

impl<'a> Run<'a> {
    /// A run at its start: the prepared variables and the secrets known so far.
    pub(super) fn new(
        collection: &'a Collection,
        options: &'a RunOptions,
        client: &'a HttpClient,
        variables: Variables,
        redactor: Redactor,
    ) -> Self {
        Run {
            collection,
            options,
            client,
            variables,
            redactor,
            stopped: false,
        }
    }
}
