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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::Value;

    use crate::engine::{Attempt, CollectionReport, Event, Observer, StepResult};
    use crate::report::terminal::{print_summary, Digest, TerminalReporter};
    use crate::report::{json, junit, stream::RunSummary, tap, RunRecord};

    /// A duration of fewer than `below` milliseconds, often just either side of a half or a
    /// whole millisecond (where truncating and rounding part).
    fn near(rng: &mut fastrand::Rng, below: u64) -> Duration {
        let millis = rng.u64(0..below);
        let nanos = match rng.u8(0..5) {
            0 => 500_000,
            1 => 499_999,
            2 => 999_999,
            3 => 0,
            _ => rng.u64(0..1_000_000),
        };
        Duration::from_nanos(millis * 1_000_000 + nanos)
    }

    /// Whether `text` (`205 ms`, `1.25 s`) says `millis`: the same milliseconds, or from a
    /// second on, those milliseconds to the nearest hundredth of a second (half up).
    fn says(text: &str, millis: u64) -> bool {
        if let Some(number) = text.strip_suffix(" ms") {
            return number.parse() == Ok(millis);
        }
        let Some((whole, hundredths)) = text.strip_suffix(" s").and_then(|n| n.split_once('.'))
        else {
            return false;
        };
        let (Ok(whole), Ok(hundredths)) = (whole.parse::<u64>(), hundredths.parse::<u64>()) else {
            return false;
        };
        millis >= 1000 && whole * 100 + hundredths == (millis + 5) / 10
    }

    /// `seconds` (JUnit's `1.834`) in milliseconds.
    fn junit_millis(seconds: &str) -> u64 {
        let (whole, thousandths) = seconds.split_once('.').expect("seconds.milliseconds");
        assert_eq!(thousandths.len(), 3, "{seconds}");
        whole.parse::<u64>().expect("seconds") * 1000 + thousandths.parse::<u64>().expect("ms")
    }

    /// The text between `before` and `after` in `text`, the first time.
    fn between<'t>(text: &'t str, before: &str, after: &str) -> &'t str {
        let start = text.find(before).map(|at| at + before.len());
        let start = start.unwrap_or_else(|| panic!("no {before:?} in {text}"));
        let end = text[start..].find(after).expect("the end");
        &text[start..start + end]
    }

    #[test]
    fn every_output_gives_each_duration_of_a_run_the_same_number() {
        let mut rng = fastrand::Rng::with_seed(205);
        for case in 0..500 {
            let count = rng.usize(2..5);
            let attempts: Vec<Attempt> = (0..count)
                .map(|n| Attempt {
                    status: Some(if n + 1 == count { 200 } else { 503 }),
                    duration: near(&mut rng, 1500),
                    note: if n + 1 == count {
                        String::new()
                    } else {
                        "status 503".into()
                    },
                })
                .collect();
            let exchanges: Duration = attempts.iter().map(|a| a.duration).sum();
            let step = StepResult {
                url: "http://127.0.0.1/flaky".into(),
                duration: exchanges + near(&mut rng, 3000),
                attempts,
                ..StepResult::passed("Flaky")
            };
            let collection = CollectionReport {
                name: "Timed".into(),
                path: "timed.yaml".into(),
                environment: None,
                iteration: None,
                started_at: std::time::UNIX_EPOCH,
                steps: vec![step.clone()],
                duration: step.duration + near(&mut rng, 5),
                interrupted: false,
            };
            let run = RunRecord {
                duration: collection.duration + near(&mut rng, 5),
                collections: vec![collection.clone()],
                started_at: "2026-12-02T00:00:00Z".into(),
                interrupted: false,
                openapi_coverage: Vec::new(),
            };
            let case = format!("case {case}: {run:?}");

            // JSON: every number the nearest whole millisecond.
            let report: Value = serde_json::from_str(&json::render(&run)).expect("JSON");
            let entry = &report["collections"][0]["steps"][0];
            let ms = |value: &Value| value.as_u64().expect("milliseconds");
            let (run_ms, collection_ms) = (
                ms(&report["duration_ms"]),
                ms(&report["collections"][0]["duration_ms"]),
            );
            let (step_ms, waited_ms) = (ms(&entry["duration_ms"]), ms(&entry["waited_ms"]));
            let attempt_ms: Vec<u64> = entry["attempts"]
                .as_array()
                .expect("attempts")
                .iter()
                .map(|a| ms(&a["duration_ms"]))
                .collect();
            let pairs = [
                (run_ms, run.duration),
                (collection_ms, collection.duration),
                (step_ms, step.duration),
                (waited_ms, super::waited(&step)),
            ];
            let attempt_pairs = attempt_ms
                .iter()
                .zip(step.attempts.iter().map(|a| a.duration));
            for (millis, duration) in pairs.into_iter().chain(attempt_pairs.map(|(m, d)| (*m, d))) {
                assert!(
                    (i128::from(millis) * 1_000_000 - duration.as_nanos() as i128).abs() <= 500_000,
                    "{millis} for {duration:?}; {case}"
                );
            }

            // JUnit: the same milliseconds, in seconds; its text says them too.
            let xml = junit::render(&run);
            let times: Vec<u64> = xml
                .split(" time=\"")
                .skip(1)
                .map(|rest| junit_millis(&rest[..rest.find('"').expect("quote")]))
                .collect();
            assert_eq!(times, [run_ms, collection_ms, step_ms], "{xml}; {case}");
            let summary = between(&xml, "attempts in ", ")");
            let (total, waited) = summary.split_once(" (").expect("waiting");
            assert!(
                says(total, step_ms) && says(waited.trim_end_matches(" waiting"), waited_ms),
                "{summary}; {case}"
            );
            for (number, millis) in attempt_ms.iter().enumerate() {
                let said = between(&xml, &format!("attempt {}: ", number + 1), "\n");
                let said = said.split_once(" in ").expect("in").1;
                let said = said.split(", retried").next().unwrap_or(said);
                let said = said.split("</system-out>").next().unwrap_or(said);
                assert!(says(said, *millis), "{said} for {millis}; {case}");
            }

            // TAP: its `duration_ms` and its words.
            let text = tap::render(&run);
            assert_eq!(
                between(&text, "duration_ms: ", "\n").parse::<u64>(),
                Ok(step_ms),
                "{text}"
            );
            let summary = between(&text, "attempts in ", ")");
            let (total, waited) = summary.split_once(" (").expect("waiting");
            assert!(
                says(total, step_ms) && says(waited.trim_end_matches(" waiting"), waited_ms),
                "{text}; {case}"
            );

            // The terminal: the step's line and the closing summary.
            let mut out = Vec::new();
            let mut terminal = TerminalReporter::new(&mut out, 0);
            terminal.on_event(&Event::StepFinished(&step));
            drop(terminal);
            let mut digest = Digest::new();
            digest.record(&collection);
            print_summary(&mut out, &digest, &RunSummary::of(&run));
            let text = anstream::adapter::strip_str(&String::from_utf8_lossy(&out)).to_string();
            let line = between(&text, "  200  ", "\n");
            let (total, rest) = line.split_once(" · ").expect("attempts");
            let waited = between(rest, "attempts, ", " waiting");
            assert!(
                says(total, step_ms) && says(waited, waited_ms),
                "{line}; {case}"
            );
            let said = between(&text, "skipped in ", "\n");
            assert!(says(said, run_ms), "{said} for {run_ms}; {case}");
        }
    }
}
