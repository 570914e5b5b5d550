//! How long a step took, in words the reports share: the attempts of a step with `retry`, and
//! the time spent waiting between them.

use std::time::Duration;

use crate::engine::StepResult;
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
