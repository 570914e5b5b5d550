//! The live progress line: on a terminal, for runs longer than about a second, stderr shows
//! `[steps done/steps in all] collection › step`. It is cleared before any other output is written and
//! never appears when stderr is not a terminal.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs shorter than this never show the line.
const DELAY: Duration = Duration::from_secs(1);

struct State {
    shown: bool,
    total: usize,
    done: usize,
    current: String,
}

/// The progress line of one run.
pub(super) struct Progress {
    enabled: bool,
    started: Instant,
    state: Mutex<State>,
}

impl Progress {
    /// A progress line for `total` steps over the whole run, enabled only when stderr is a
    /// terminal.
    pub(super) fn new(total: usize) -> Arc<Self> {
        Arc::new(Progress {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            state: Mutex::new(State {
                shown: false,
                total,
                done: 0,
                current: String::new(),
            }),
        })
    }

    /// A step started.
    pub(super) fn step_started(&self, collection: &str, step: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.current = runner::spec::text::printable(&format!("{collection} › {step}"), false)
                .into_owned();
        }
    }

    /// A step finished (or was skipped).
    pub(super) fn step_done(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.done += 1;
            // A `for_each` runs more steps than could be counted before the run.
            state.total = state.total.max(state.done);
        }
    }

    /// Erases the line, if shown, so other output starts on a clean line.
    pub(super) fn clear(&self) {
        if let Ok(mut state) = self.state.lock() {
            if state.shown {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
                state.shown = false;
            }
        }
    }

    /// Draws the line (called on a timer).
    pub(super) fn tick(&self) {
        if !self.enabled || self.started.elapsed() < DELAY {
            return;
        }
        if let Ok(mut state) = self.state.lock() {
            let width = terminal_width().saturating_sub(1);
            let line = format!("[{}/{}] {}", state.done, state.total, state.current);
            let line: String = line.chars().take(width).collect();
            let _ = write!(std::io::stderr(), "\r\x1b[2K{line}");
            let _ = std::io::stderr().flush();
            state.shown = true;
        }
    }

    /// Redraws every 100 ms until the returned task is aborted.
    pub(super) fn spawn_ticker(self: &Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        if !self.enabled {
            return None;
        }
        let progress = Arc::clone(self);
        Some(tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_millis(100));
            loop {
                interval.tick().await;
                progress.tick();
            }
        }))
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}
