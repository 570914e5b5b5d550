//! Walks a collection's steps: `when`, `delay`, `for_each`, groups, `include`, `finally`,
//! stopping after a failure, and `{{steps.<id>...}}` — each request step is run by
//! [`super::step`].

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use super::events::{Event, Observer};
use super::result::{Outcome, StepResult};
use super::state::Run;
use super::step::{self, Seen};

use crate::check::predicate::Operands;
use crate::collection::{Action, Include, Step};
use crate::spec::field::Location;

type Boxed<'f> = Pin<Box<dyn Future<Output = ()> + Send + 'f>>;

impl<'a> Run<'a> {
    /// Runs `steps` in order; `prefix` goes before each name (`Group › `).
    pub(super) fn steps<'f>(
        &'f mut self,
        steps: &'a [Step],
        prefix: &'f str,
        observer: &'f mut dyn Observer,
    ) -> Boxed<'f>
    where
        'a: 'f,
    {
        Box::pin(async move {
            for step in steps {
                self.step(step, prefix, observer).await;
            }
        })
    }

    /// Runs `finally`: every step, whatever happened before and whatever they do.
    pub(super) async fn finally(&mut self, observer: &mut dyn Observer) {
        self.finishing = true;
        // What skips a step inside a `finally` group is a failure there.
        self.skip_reason = "an earlier step failed";
        for step in &self.collection.finally {
            self.stopped = false;
            self.step(step, "", observer).await;
        }
    }

    async fn step(&mut self, step: &'a Step, prefix: &str, observer: &mut dyn Observer) {
        let name = match prefix {
            "" => self.step_name(step),
            _ => format!("{prefix}{}", self.step_name(step)),
        };
        self.hear_interrupt();
        if self.stopped {
            let reason = self.skip_reason;
            return self.finish(observer, step, step::skipped(step, name, reason));
        }
        // A loop's `when` that reads its item filters the items; any other gates the step.
        let per_item = step
            .for_each
            .as_ref()
            .is_some_and(|f| step.when.iter().any(|c| c.reads(&f.name)));
        if !per_item {
            if let Some(reason) = self.unmet_condition(step) {
                return self.skip_unmet(observer, step, name, &reason);
            }
        }
        if let Some(delay) = step.delay {
            // The step is under way while it waits: a run stopped in the wait reports it as
            // interrupted, not as if it never began.
            let method = match &step.action {
                Action::Request(request_step) if step.for_each.is_none() => {
                    request_step.request.method.as_str()
                }
                _ => "",
            };
            observer.on_event(&Event::StepStarted {
                index: step.index,
                name: &name,
                method,
            });
            observer.while_waiting();
            let mut interrupt = self.interrupt.clone();
            let listening = self.interrupted.is_none() && !self.finishing;
            // Dropped in the wait (a second signal), it is reported as cut short all the same.
            let mut flight = InFlight::new(
                self,
                &mut *observer,
                step,
                step::skipped(step, name.clone(), ""),
            );
            tokio::select! {
                biased;
                () = tokio::time::sleep(delay) => {}
                signal = interrupt.stopped(), if listening => {
                    let result = flight.land();
                    return flight.run.interrupted_in_flight(&mut *flight.observer, step, result, signal);
                }
            }
            flight.land();
        }
        let Some(for_each) = &step.for_each else {
            return self.action(step, name, observer).await;
        };
        let items = match for_each
            .items
            .render(&self.collection.templates, self.variables.context())
        {
            Ok(Value::Array(items)) => items,
            Ok(other) => {
                let result = self.broken(
                    step,
                    name,
                    format!(
                        "`for_each` must give a list, got {}",
                        crate::check::predicate::show(Some(&other), &self.redactor)
                    ),
                );
                return self.finish(observer, step, result);
            }
            Err(error) => {
                let message = error.to_string();
                let note = self.unset_note(&message);
                let result = self.broken(step, name, message + &note);
                return self.finish(observer, step, result);
            }
        };
        let count = items.len();
        for (index, item) in items.into_iter().enumerate() {
            self.hear_interrupt();
            if self.stopped {
                let result = step::skipped(
                    step,
                    format!("{name} [{}/{count}]", index + 1),
                    self.skip_reason,
                );
                self.finish(observer, step, result);
                continue;
            }
            self.variables.set(&for_each.name, item);
            let name = match prefix {
                "" => self.step_name(step),
                _ => format!("{prefix}{}", self.step_name(step)),
            };
            let name = format!("{name} [{}/{count}]", index + 1);
            if per_item {
                if let Some(reason) = self.unmet_condition(step) {
                    self.skip_unmet(observer, step, name, &reason);
                    continue;
                }
            }
            self.action(step, name, observer).await;
        }
    }

    /// Takes in an interrupt that came while no step was in flight.
    fn hear_interrupt(&mut self) {
        if self.interrupted.is_none() {
            if let Some(signal) = self.interrupt.signal() {
                self.stop_for(signal);
            }
        }
    }

    /// The run was interrupted by `signal`: the `steps` after this one are skipped (for
    /// that reason, unless a failure skips them already); the `finally` steps still run,
    /// and one in flight is not cut short.
    fn stop_for(&mut self, signal: &'static str) {
        self.interrupted = Some(signal);
        if !self.finishing && !self.stopped {
            self.stopped = true;
            self.skip_reason = super::INTERRUPTED_SKIP_REASON;
        }
    }

    /// Reports the step in flight, cut short by `signal`, with what it got to (the URL it
    /// was sending, its attempts) and where it is written; then stops the run.
    fn interrupted_in_flight(
        &mut self,
        observer: &mut dyn Observer,
        step: &Step,
        mut result: StepResult,
        signal: &'static str,
    ) {
        result.outcome = Outcome::Errored(super::StepError::interrupted(signal));
        step::redact(&mut result, &self.redactor);
        // Before `finish`, which stops the run as for a failure.
        self.stop_for(signal);
        self.finish(observer, step, result);
    }

    /// Why the step's `when` does not hold with the variables of the moment, if it does not.
    fn unmet_condition(&self, step: &Step) -> Option<String> {
        let operands = Operands {
            templates: &self.collection.templates,
            context: self.variables.context(),
            redactor: &self.redactor,
        };
        step.when.iter().find_map(|condition| {
            condition
                .check(operands)
                .err()
                .map(|m| condition.describe_failure(&m))
        })
    }

    /// Reports `step` (named `name`) as skipped because its `when` does not hold.
    fn skip_unmet(&mut self, observer: &mut dyn Observer, step: &Step, name: String, reason: &str) {
        let reason = format!("{reason}{}", self.unset_note(reason));
        // The reason shows the value the condition read, which may be a secret.
        let skipped = step::redact_result(step::skipped(step, name, &reason), &self.redactor);
        self.finish(observer, step, skipped);
    }

    async fn action(&mut self, step: &'a Step, name: String, observer: &mut dyn Observer) {
        match &step.action {
            Action::Request(request_step) => {
                observer.on_event(&Event::StepStarted {
                    index: step.index,
                    name: &name,
                    method: request_step.request.method.as_str(),
                });
                let mut interrupt = self.interrupt.clone();
                let listening = self.interrupted.is_none() && !self.finishing;
                // A `finally` step does not hear the first signal; a second one drops the run
                // where it is, and then `flight` reports the step as any step cut short.
                let mut flight = InFlight::new(self, observer, step, step::skipped(step, name, ""));
                let ran = tokio::select! {
                    biased;
                    seen = step::run(step, request_step, &mut flight.result, flight.run, flight.observer) => Ok(seen),
                    signal = interrupt.stopped(), if listening => Err(signal),
                };
                let result = flight.land();
                let (run, observer) = (&mut *flight.run, &mut *flight.observer);
                match ran {
                    Ok(seen) => {
                        if let (Some(id), Some(seen)) = (&step.id, seen) {
                            run.remember(id, seen);
                        }
                        run.finish(observer, step, result);
                    }
                    Err(signal) => run.interrupted_in_flight(observer, step, result, signal),
                }
            }
            Action::Group(steps) => {
                let prefix = format!("{name} › ");
                self.steps(steps, &prefix, observer).await;
            }
            Action::Include(include) => self.include(include, &name, observer).await,
        }
    }

    /// Runs an included file's steps in a scope of their own: its `vars` under the current
    /// variables, the passed `vars` over them; only `export` comes back.
    async fn include(&mut self, include: &'a Include, name: &str, observer: &mut dyn Observer) {
        let outer = self.variables.clone();
        // Defaults may read one another in any order: render until none more can be.
        let mut pending: Vec<_> = include
            .defaults
            .iter()
            .filter(|(variable, _)| self.variables.get(variable).is_none())
            .collect();
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|(variable, definition)| {
                let (rendered, derived) = crate::template::with_derivations(|| {
                    definition
                        .value
                        .render(&self.collection.templates, self.variables.context())
                });
                self.redactor.learn(&derived);
                match rendered {
                    Ok(value) => {
                        self.variables.set(variable, value);
                        false
                    }
                    Err(_) => true,
                }
            });
            if pending.len() == before {
                break;
            }
        }
        let mut passed = Vec::new();
        for (variable, definition) in &include.passed {
            let (rendered, derived) = crate::template::with_derivations(|| {
                definition
                    .value
                    .render(&self.collection.templates, outer.context())
            });
            self.redactor.learn(&derived);
            if let Ok(value) = rendered {
                passed.push((variable, value));
            }
        }
        for (variable, value) in passed {
            self.variables.set(variable, value);
        }
        let prefix = format!("{name} › ");
        self.files.push(super::state::Source {
            path: &include.path,
            text: &include.source,
            positions: &include.positions,
        });
        self.steps(&include.steps, &prefix, observer).await;
        self.files.pop();
        let exported: Vec<(String, Value)> = include
            .export
            .iter()
            .filter_map(|variable| {
                self.variables
                    .get(variable)
                    .map(|v| (variable.clone(), v.clone()))
            })
            .collect();
        let seen = self.variables.get("steps").cloned();
        self.variables = outer;
        for (variable, value) in exported {
            self.variables.set(&variable, value);
        }
        if let Some(seen) = seen {
            self.variables.set("steps", seen);
        }
    }

    /// The step's name, its template rendered with the variables of the moment; as written
    /// when it cannot be rendered yet. Masked either way: a name written without a template
    /// may hold a secret in clear.
    fn step_name(&self, step: &Step) -> String {
        let rendered = step.name_template.as_ref().and_then(|template| {
            let templates = &self.collection.templates;
            templates
                .render_text(template, self.variables.context())
                .ok()
        });
        let name = rendered.as_deref().unwrap_or(&step.name);
        self.redactor.redact(name).into_owned()
    }

    fn remember(&mut self, id: &str, seen: Seen) {
        let json = match seen.json {
            Ok(json) => {
                self.unread_json.remove(id);
                json
            }
            Err(why) => {
                self.unread_json.insert(id.to_owned(), why);
                Value::Null
            }
        };
        let value =
            serde_json::json!({ "status": seen.status, "headers": seen.headers, "json": json });
        self.variables.set_entry("steps", id, value);
    }

    /// A step that could not start (its `for_each` is not a list).
    fn broken(&self, step: &Step, name: String, message: String) -> StepResult {
        let mut result = step::skipped(step, name, "");
        result.outcome = Outcome::Errored(super::StepError::render(
            &step.field.key("for_each"),
            message,
        ));
        step::redact_result(result, &self.redactor)
    }

    /// Locates what `result` reports (a step that did not pass, its failures, its error) in
    /// the step's file, then tells `observer`.
    fn finish(&mut self, observer: &mut dyn Observer, step: &Step, mut result: StepResult) {
        // Only what did not pass is located: a run of passing steps never reads the
        // collection's source again, nor one whose skipped steps no report lists.
        let located = match result.outcome {
            Outcome::Passed => false,
            Outcome::Skipped(_) => self.options.locate_skipped,
            Outcome::Failed(_) | Outcome::Errored(_) => true,
        };
        // A located line is masked as the result's texts are: reports are written later,
        // by writers that know no secrets.
        let masked = |location: Option<Location>| location.map(|l| l.masked(&self.redactor));
        if located {
            result.location = masked(self.locate(&step.field));
        }
        match &mut result.outcome {
            Outcome::Failed(failures) => {
                for failure in failures {
                    failure.location = masked(self.locate(&step.field.join(&failure.field)));
                }
            }
            Outcome::Errored(error) => {
                let field = error
                    .field
                    .clone()
                    .unwrap_or_else(|| step.field.key("request"));
                let location = self.locate(&field);
                // A variable that did not render: its `{{…}}`, not the whole value.
                let location = match error.undefined_variable() {
                    Some(variable) => location.map(|l| l.at_template_reading(&variable)),
                    None => location,
                };
                error.location = masked(location).map(Box::new);
            }
            Outcome::Passed | Outcome::Skipped(_) => {}
        }
        // A snapshot that is missing or differs fails its step but does not stop the run: one
        // run records (or shows) every step's snapshot.
        if !matches!(result.outcome, Outcome::Passed | Outcome::Skipped(_))
            && !super::snapshots::only_snapshot_failed(&result.outcome)
            && !self.options.continue_on_failure
        {
            self.stopped = true;
        }
        observer.step_finished(result);
    }
}

/// A step under way, with what it got to so far (see [`step::run`]): dropped before it
/// lands — the run was dropped where it was, by a second signal while a `finally` step
/// (which does not hear the first) was in flight or waiting out its `delay` — it reports
/// the step as interrupted, as a step that hears the signal is: with the URL it was
/// sending, its attempts, where it is written. What hears of a run dropped this way (the
/// observer is told as it drops) then has nothing left in flight.
struct InFlight<'f, 'a, 'o> {
    run: &'f mut Run<'a>,
    observer: &'o mut dyn Observer,
    step: &'f Step,
    result: StepResult,
    /// The step's time is its whole time: every attempt or page, and the waits between
    /// them, so that reports and timelines put the waiting on this step.
    started: std::time::Instant,
    landed: bool,
}

impl<'f, 'a, 'o> InFlight<'f, 'a, 'o> {
    fn new(
        run: &'f mut Run<'a>,
        observer: &'o mut dyn Observer,
        step: &'f Step,
        result: StepResult,
    ) -> Self {
        InFlight {
            run,
            observer,
            step,
            result,
            started: std::time::Instant::now(),
            landed: false,
        }
    }

    /// The step ended (or heard the signal): its result, its time set, for the caller to
    /// report; dropped from now on, `self` reports nothing.
    fn land(&mut self) -> StepResult {
        self.landed = true;
        let mut result = std::mem::replace(
            &mut self.result,
            StepResult::unsent(0, String::new(), String::new(), Outcome::Passed),
        );
        result.duration = self.started.elapsed();
        result
    }
}

impl Drop for InFlight<'_, '_, '_> {
    fn drop(&mut self) {
        // Unwinding from a bug: nothing more is told, lest a second panic abort the process.
        if self.landed || std::thread::panicking() {
            return;
        }
        let result = self.land();
        // The signal the run was asked to stop for, as the caller that dropped it names it.
        let signal = self.run.interrupt.signal().unwrap_or("a signal");
        self.run
            .interrupted_in_flight(&mut *self.observer, self.step, result, signal);
    }
}
