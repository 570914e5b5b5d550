//! How long a step took, in words the reports share: the attempts of a step with `retry`, and
//! the time spent waiting between them.

use std::time::Duration;

use crate::engine::{Attempt, StepResult};
use crate::spec::duration::format_duration;

/// The time of `step` spent between its exchanges: waits between attempts (and the OAuth2
/// token request, rendering and checking, which take next to nothing).
pub fn waited(step: &StepResult) -> Duration {
    let exchanges: Duration = step.attempts.iter().map(|a| a.duration).sum();
    step.duration.saturating_sub(exchanges)
}

/// `3 attempts in 1.84 s (1.8 s waiting)`, for a step that was sent more than once.
pub fn attempts_summary(step: &StepResult) -> String {
    format!(
        "{} attempts in {} ({} waiting)",
        step.attempts.len(),
        format_duration(step.duration),
        format_duration(waited(step))
    )
}

/// `attempt 2: 503 in 12 ms, retried: status 503` (`number` from 0), for the reports that
/// list a retried step's attempts.
pub fn attempt_line(number: usize, attempt: &Attempt) -> String {
    let status = attempt
        .status
        .map_or_else(|| "no response".to_owned(), |s| s.to_string());
    let mut line = format!(
        "attempt {}: {status} in {}",
        number + 1,
        format_duration(attempt.duration)
    );
    if !attempt.note.is_empty() {
        line.push_str(", retried: ");
        line.push_str(&attempt.note);
    }
    line
}
