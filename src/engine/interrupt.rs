//! Asking running collections to stop: the first Ctrl-C or SIGTERM of a run.
//!
//! A run that hears it stops the step in flight, reports it as interrupted (where it is
//! written, the URL it was sending, the attempts it made), lists the steps after it as
//! skipped, and still runs its `finally` steps, so that cleanup happens when CI cancels a
//! job. What stops everything at once (a second signal) is the caller's: it drops the runs.

use tokio::sync::watch;

/// Sends the stop to every run holding one of its [`Interrupt`]s.
#[derive(Debug)]
pub struct Interrupter(watch::Sender<Option<&'static str>>);

/// A run's side of an [`Interrupter`]: whether to stop, and why.
#[derive(Debug, Clone)]
pub struct Interrupt(watch::Receiver<Option<&'static str>>);

impl Interrupter {
    /// An interrupter and the first of its interrupts (clone it for more runs).
    pub fn new() -> (Interrupter, Interrupt) {
        let (sender, receiver) = watch::channel(None);
        (Interrupter(sender), Interrupt(receiver))
    }

    /// Asks every run to stop, because of `signal` (`"SIGINT"`, `"SIGTERM"`). Only the
    /// first call counts.
    pub fn interrupt(&self, signal: &'static str) {
        self.0.send_if_modified(|current| {
            let first = current.is_none();
            if first {
                *current = Some(signal);
            }
            first
        });
    }
}

impl Interrupt {
    /// One that never asks to stop (its interrupter is gone).
    pub fn never() -> Interrupt {
        Interrupter::new().1
    }

    /// The signal, once the run was asked to stop.
    pub fn signal(&self) -> Option<&'static str> {
        *self.0.borrow()
    }

    /// Waits until the run is asked to stop (at once if it was); never, if it cannot be.
    pub async fn stopped(&mut self) -> &'static str {
        let signal = self.0.wait_for(Option::is_some).await.map(|signal| *signal);
        match signal {
            Ok(signal) => signal.unwrap_or("a signal"),
            Err(_) => std::future::pending().await,
        }
    }
}

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt::never()
    }
}

#[cfg(test)]
mod tests {
    use super::{Interrupt, Interrupter};

    #[tokio::test]
    async fn the_first_signal_is_the_one_every_run_hears() {
        let (interrupter, interrupt) = Interrupter::new();
        let mut other = interrupt.clone();
        assert_eq!(interrupt.signal(), None);
        interrupter.interrupt("SIGTERM");
        interrupter.interrupt("SIGINT");
        assert_eq!(interrupt.signal(), Some("SIGTERM"));
        assert_eq!(other.stopped().await, "SIGTERM");
        // Heard again by a run that already heard it: a `finally` step is not cut short by
        // the same signal twice only because the run stops waiting for it (flow.rs).
        assert_eq!(other.stopped().await, "SIGTERM");
    }

    #[tokio::test]
    async fn one_that_never_stops_waits_forever() {
        let mut never = Interrupt::never();
        assert_eq!(never.signal(), None);
        let waited = tokio::time::timeout(std::time::Duration::from_millis(20), never.stopped());
        assert!(waited.await.is_err());
    }
}
