//! The state of one collection run: what the walk through the steps ([`super::flow`]) and
//! each request step ([`super::step`]) read and update.

use std::path::Path;

use super::RunOptions;
use crate::collection::locate::Positions;
use crate::collection::Collection;
use crate::http::HttpClient;
use crate::redact::Redactor;
use crate::spec::field::{FieldPath, Location};
use crate::vars::Variables;

/// A file steps come from: the collection, or a file it includes.
#[derive(Clone, Copy)]
pub(super) struct Source<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
    pub(super) positions: &'a Positions,
}

/// The state of one collection run.
pub(super) struct Run<'a> {
    pub(super) collection: &'a Collection,
    pub(super) options: &'a RunOptions,
    pub(super) client: &'a HttpClient,
    pub(super) variables: Variables,
    pub(super) redactor: Redactor,
    /// A step failed (without `--continue-on-failure`), or the run was interrupted: the rest
    /// are skipped, for [`Run::skip_reason`].
    pub(super) stopped: bool,
    /// Why steps are skipped once `stopped`.
    pub(super) skip_reason: &'static str,
    /// Asks the run to stop (the first Ctrl-C or SIGTERM).
    pub(super) interrupt: super::Interrupt,
    /// The signal that interrupted the run, once it did.
    pub(super) interrupted: Option<&'static str>,
    /// The `finally` steps are running: an interrupt does not cut them short (a second
    /// signal drops the whole run).
    pub(super) finishing: bool,
    /// The file of the steps running now, innermost `include` last.
    pub(super) files: Vec<Source<'a>>,
    /// How often each snapshot key was used so far (a loop runs a step more than once).
    pub(super) snapshot_keys: std::collections::HashMap<String, usize>,
    /// The last URL text parsed, and what it parsed to: consecutive steps often call the
    /// same URL, and parsing one costs more than the rest of rendering a request.
    pub(super) last_url: Option<(String, reqwest::Url)>,
    /// The steps (by id) whose last response was not JSON, and why: their `steps.<id>.json`
    /// is null, and a message about a template that reads into it says why.
    pub(super) unread_json: std::collections::BTreeMap<String, String>,
    /// The variables whose capture failed (with `--continue-on-failure` the run goes on),
    /// and the step that failed to capture each: a template reading one says so, not only
    /// "undefined variable".
    pub(super) not_captured: std::collections::BTreeMap<String, String>,
}

impl<'a> Run<'a> {
    /// What to add to a message about `text` (a template, or a problem naming one) for each
    /// `steps.<id>.json` it reads that is null, and each variable whose capture failed:
    /// "undefined variable `steps.login.json.token`" or "got nothing" alone does not say that
    /// `login`'s response was HTML, or that `token`'s capture failed.
    pub(super) fn unset_note(&self, text: &str) -> String {
        let mut note = String::new();
        for (id, why) in &self.unread_json {
            if text.contains(&format!("steps.{id}.json")) {
                note.push_str(&format!(
                    " (`steps.{id}.json` is null: step `{id}`'s response was not read as JSON: {why})"
                ));
            }
        }
        // Only while it is still unset: a later step, an include or a loop may have set it.
        let unset = self
            .not_captured
            .iter()
            .filter(|(name, _)| self.variables.get(name).is_none());
        for (name, step) in unset {
            let reads = ["`", "{{"].iter().any(|open| {
                [
                    format!("{open}{name}`"),
                    format!("{open}{name}}}}}"),
                    format!("{open}{name}."),
                ]
                .iter()
                .any(|written| text.contains(written.as_str()))
            });
            if reads {
                note.push_str(&format!(
                    " (`{name}` was not captured: its capture in step `{step}` failed)"
                ));
            }
        }
        note
    }

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
            skip_reason: "an earlier step failed",
            interrupt: options.interrupt.clone(),
            interrupted: None,
            finishing: false,
            files: vec![Source::of(collection)],
            snapshot_keys: std::collections::HashMap::new(),
            last_url: None,
            unread_json: std::collections::BTreeMap::new(),
            not_captured: std::collections::BTreeMap::new(),
        }
    }

    /// Where `field` of the current file is; a field that is not written (a header name
    /// written in another case, a default) is located at its nearest written parent.
    pub(super) fn locate(&self, field: &FieldPath) -> Option<Location> {
        self.files.last()?.locate(field)
    }
}

impl Source<'_> {
    /// The file of a collection's own steps.
    pub(super) fn of(collection: &Collection) -> Source<'_> {
        Source {
            path: &collection.path,
            text: &collection.source,
            positions: &collection.positions,
        }
    }

    /// Where `field` of this file is; a field that is not written (a header name written in
    /// another case, a default) is located at its nearest written parent.
    pub(super) fn locate(&self, field: &FieldPath) -> Option<Location> {
        let source = self;
        let found = |line, column, line_text: &str| Location {
            file: source.path.to_owned(),
            line,
            column,
            line_text: line_text.to_owned(),
            width: None,
            shown: None,
        };
        // Most fields are written: the path is copied only to walk up from one that is not.
        if let Some((line, column, text)) = source.positions.locate_line(source.text, field) {
            return Some(found(line, column, text));
        }
        let mut path = field.clone();
        loop {
            path.0.pop()?;
            if let Some(position) = source.positions.locate(source.text, &path) {
                // A map is marked at its key (`expect:`), not at the first field in it,
                // which the problem is not about.
                let key = match path.0.last() {
                    Some(crate::collection::locate::Segment::Key(key)) => {
                        crate::collection::locate::key_before(
                            (source.text, source.positions),
                            position,
                            key,
                        )
                    }
                    _ => None,
                };
                let (line, column) = key.unwrap_or(position);
                let text = source.positions.line(source.text, line).unwrap_or_default();
                return Some(found(line, column, text));
            }
        }
    }
}
