//! What the engine tells the outside world while it runs.

use super::result::{CollectionDone, CollectionReport, Outcome, StepError, StepResult};
use crate::collection::Collection;

/// One thing that happened during a run.
pub enum Event<'a> {
    /// A collection is about to run its first step.
    CollectionStarted {
        /// The collection.
        collection: &'a Collection,
        /// Its name as every output shows it: the run's secrets masked in it.
        name: &'a str,
        /// The environment chosen, if any.
        environment: Option<&'a str>,
        /// `(n, of)` for data-driven and repeated runs.
        iteration: Option<(usize, usize)>,
    },
    /// A step is under way: about to be sent, or waiting out its `delay` (then sent again
    /// when the wait ends).
    StepStarted {
        /// Its position.
        index: usize,
        /// Its name.
        name: &'a str,
        /// Its request's method.
        method: &'a str,
    },
    /// A step finished (or was skipped).
    StepFinished(&'a StepResult),
    /// The collection finished.
    CollectionFinished(&'a CollectionDone),
}

/// Receives run events: the terminal printer, report writers, progress bars.
pub trait Observer: Send {
    /// Called for every event, in order.
    fn on_event(&mut self, event: &Event<'_>);

    /// A step finished, its result handed over: an observer that keeps results takes it
    /// instead of copying it. By default, [`Event::StepFinished`].
    fn step_finished(&mut self, result: StepResult) {
        self.on_event(&Event::StepFinished(&result));
    }

    /// Called while the engine waits: a request is on the wire (the connection has written
    /// it), or a step waits out its `delay`. Work that should not hold up the next request
    /// can be done here. By default, nothing.
    fn while_waiting(&mut self) {}
}

/// Keeps every step of one collection run, for reports — or, made with
/// [`Collector::keeping_no_steps`], none of them.
#[derive(Debug, Clone, Default)]
pub struct Collector {
    /// The collection as far as it ran; complete once it finished.
    pub report: Option<CollectionReport>,
    /// True once [`Event::CollectionFinished`] arrived.
    pub finished: bool,
    /// The request step started and not yet finished (one at a time in a collection run).
    in_flight: Option<InFlight>,
    /// When the collection started, for its time when it is interrupted.
    started: Option<std::time::Instant>,
    /// Finished steps are dropped, not kept.
    keeps_no_steps: bool,
}

/// A request step started and not yet finished.
#[derive(Debug, Clone)]
struct InFlight {
    index: usize,
    name: String,
    method: String,
    started: std::time::Instant,
}

impl Collector {
    /// A collector for a run no report needs every step of: it keeps the run's name, file,
    /// time and a step cut short by an interrupt, and drops each finished step (whoever needs
    /// something of them takes it from the events), so a run of any length holds none of its
    /// results.
    pub fn keeping_no_steps() -> Collector {
        Collector {
            keeps_no_steps: true,
            ..Collector::default()
        }
    }

    /// Marks a collection that did not finish as interrupted by `signal`, with the step in
    /// flight as an interrupted step (reports then say what was cut short); that step, for
    /// the observers that did not hear of it (the run was dropped before it finished).
    pub fn interrupt(&mut self, signal: &str) -> Option<StepResult> {
        if self.finished {
            return None;
        }
        let report = self.report.as_mut()?;
        report.interrupted = true;
        // The time it ran until it was stopped, as a step's time is its whole time.
        report.duration = self.started.map(|s| s.elapsed()).unwrap_or_default();
        let step = self.in_flight.take()?;
        let step = StepResult {
            duration: step.started.elapsed(),
            ..StepResult::unsent(
                step.index,
                step.name,
                step.method,
                Outcome::Errored(StepError::interrupted(signal)),
            )
        };
        report.steps.push(step.clone());
        Some(step)
    }
}

impl Observer for Collector {
    fn on_event(&mut self, event: &Event<'_>) {
        match event {
            Event::CollectionStarted {
                collection,
                name,
                environment,
                iteration,
            } => {
                self.started = Some(std::time::Instant::now());
                self.report = Some(CollectionReport {
                    name: (*name).to_owned(),
                    path: collection.path.clone(),
                    environment: environment.map(str::to_owned),
                    iteration: *iteration,
                    started_at: std::time::SystemTime::now(),
                    // One result a top-level step is the usual count (groups and loops add
                    // more): room for it up front rather than doubling past it.
                    steps: match self.keeps_no_steps {
                        true => Vec::new(),
                        false => {
                            Vec::with_capacity(collection.steps.len() + collection.finally.len())
                        }
                    },
                    duration: std::time::Duration::ZERO,
                    interrupted: false,
                });
            }
            Event::StepStarted {
                index,
                name,
                method,
            } => {
                self.in_flight = Some(InFlight {
                    index: *index,
                    name: (*name).to_owned(),
                    method: (*method).to_owned(),
                    started: std::time::Instant::now(),
                });
            }
            Event::StepFinished(step) => match self.keeps_no_steps {
                true => self.in_flight = None,
                false => self.step_finished((*step).clone()),
            },
            Event::CollectionFinished(done) => {
                if let Some(report) = &mut self.report {
                    report.duration = done.duration;
                    report.interrupted = done.interrupted.is_some();
                }
                self.finished = true;
            }
        }
    }

    fn step_finished(&mut self, result: StepResult) {
        self.in_flight = None;
        if let Some(report) = self.report.as_mut().filter(|_| !self.keeps_no_steps) {
            report.steps.push(result);
        }
    }
}

/// Ignores every event.
pub struct NoObserver;

impl Observer for NoObserver {
    fn on_event(&mut self, _: &Event<'_>) {}
}
