//! Telling the observer a moment late: a step's result is held back until the next request
//! is on the wire, so that printing and recording it (a terminal line, a report's entry, a
//! write to a CI log's pipe) overlaps the wait for the response instead of delaying the
//! request.
//!
//! The observer hears every event, in the order they happened: while a result is held, the
//! next step's start is held behind it, and any other event delivers both first. Whatever is
//! held when the run is dropped (interrupted) is delivered then.

use super::events::{Event, Observer};
use super::result::StepResult;

/// An observer in front of another that holds each step's result until the engine waits.
pub(super) struct Held<'o> {
    observer: &'o mut dyn Observer,
    finished: Option<StepResult>,
    /// The next step's start, when it came while a result was held.
    started: Option<Started>,
}

/// An [`Event::StepStarted`], kept.
struct Started {
    index: usize,
    name: String,
    method: String,
}

impl<'o> Held<'o> {
    pub(super) fn new(observer: &'o mut dyn Observer) -> Self {
        Held {
            observer,
            finished: None,
            started: None,
        }
    }

    /// Tells the observer what is held, in order.
    fn deliver(&mut self) {
        if let Some(result) = self.finished.take() {
            self.observer.step_finished(result);
        }
        if let Some(started) = self.started.take() {
            self.observer.on_event(&Event::StepStarted {
                index: started.index,
                name: &started.name,
                method: &started.method,
            });
        }
    }
}

impl Observer for Held<'_> {
    fn on_event(&mut self, event: &Event<'_>) {
        match event {
            Event::StepStarted {
                index,
                name,
                method,
            } if self.finished.is_some() && self.started.is_none() => {
                self.started = Some(Started {
                    index: *index,
                    name: (*name).to_owned(),
                    method: (*method).to_owned(),
                });
            }
            _ => {
                self.deliver();
                self.observer.on_event(event);
            }
        }
    }

    fn step_finished(&mut self, result: StepResult) {
        self.deliver();
        self.finished = Some(result);
    }

    fn while_waiting(&mut self) {
        self.deliver();
        self.observer.while_waiting();
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.deliver();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes down what it hears.
    #[derive(Default)]
    struct Log(Vec<String>);

    impl Observer for Log {
        fn on_event(&mut self, event: &Event<'_>) {
            self.0.push(match event {
                Event::CollectionStarted { .. } => "collection started".into(),
                Event::StepStarted { name, .. } => format!("started {name}"),
                Event::StepFinished(result) => format!("finished {}", result.name),
                Event::CollectionFinished(_) => "collection finished".into(),
            });
        }
    }

    fn result(name: &str) -> StepResult {
        StepResult::passed(name)
    }

    fn started<'a>(name: &'a str) -> Event<'a> {
        Event::StepStarted {
            index: 0,
            name,
            method: "GET",
        }
    }

    #[test]
    fn a_result_waits_for_the_next_wait_and_the_next_start_waits_behind_it() {
        let mut log = Log::default();
        let mut held = Held::new(&mut log);
        held.on_event(&started("a"));
        held.step_finished(result("a"));
        held.on_event(&started("b"));
        held.on_event(&started("b again"));
        held.while_waiting();
        held.step_finished(result("b"));
        held.step_finished(result("c"));
        drop(held);
        assert_eq!(
            log.0,
            [
                "started a",
                "finished a",
                "started b",
                "started b again",
                "finished b",
                "finished c"
            ]
        );
    }

    #[test]
    fn what_is_held_is_told_before_anything_else_and_when_dropped() {
        let mut log = Log::default();
        let mut held = Held::new(&mut log);
        held.step_finished(result("a"));
        held.on_event(&started("b"));
        held.on_event(&Event::CollectionFinished(&crate::engine::CollectionDone {
            name: "c".to_owned(),
            path: "c.yaml".into(),
            environment: None,
            duration: std::time::Duration::ZERO,
            interrupted: None,
        }));
        held.step_finished(result("b"));
        drop(held);
        assert_eq!(
            log.0,
            [
                "finished a",
                "started b",
                "collection finished",
                "finished b"
            ]
        );
    }
}
