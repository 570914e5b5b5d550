//! What the engine tells the outside world while it runs.

use super::result::{CollectionReport, StepResult};
use crate::collection::Collection;

/// One thing that happened during a run.
pub enum Event<'a> {
    /// A collection is about to run its first step.
    CollectionStarted {
        /// The collection.
        collection: &'a Collection,
        /// The environment chosen, if any.
        environment: Option<&'a str>,
    },
    /// A step is about to be sent.
    StepStarted {
        /// Its position.
        index: usize,
        /// Its name.
        name: &'a str,
    },
    /// A step finished (or was skipped).
    StepFinished(&'a StepResult),
    /// The collection finished.
    CollectionFinished(&'a CollectionReport),
}

/// Receives run events: the terminal printer, report writers, progress bars.
pub trait Observer: Send {
    /// Called for every event, in order.
    fn on_event(&mut self, event: &Event<'_>);
}

/// Ignores every event.
pub struct NoObserver;

impl Observer for NoObserver {
    fn on_event(&mut self, _: &Event<'_>) {}
}
