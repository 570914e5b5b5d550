//! The signals that stop `runner run` and `runner load`: Ctrl-C, SIGTERM (a cancelled CI
//! job) and SIGHUP (a closed terminal or SSH session), each with its exit code.

use super::exit_code;

/// A signal that stops a run (or a load run's Locust).
#[derive(Debug, Clone, Copy)]
pub(super) enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (a CI system cancelling the job).
    Terminate,
    /// SIGHUP (the terminal closed, the SSH session dropped).
    HangUp,
}

impl Signal {
    pub(super) fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
            Signal::HangUp => "SIGHUP",
        }
    }

    pub(super) fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => exit_code::INTERRUPTED,
            Signal::Terminate => exit_code::TERMINATED,
            Signal::HangUp => exit_code::HUNG_UP,
        }
    }
}

/// Ctrl-C, SIGTERM and SIGHUP, listened for from when it is made.
pub(super) struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hang_up: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    pub(super) fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
                hang_up: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Waits for the next Ctrl-C, SIGTERM or SIGHUP; never returns if none can be listened
    /// for.
    pub(super) async fn next(&mut self) -> Signal {
        #[cfg(unix)]
        {
            async fn recv(signal: Option<&mut tokio::signal::unix::Signal>) {
                let received = match signal {
                    Some(signal) => signal.recv().await.is_some(),
                    None => false,
                };
                if !received {
                    std::future::pending::<()>().await;
                }
            }
            tokio::select! {
                () = recv(self.interrupt.as_mut()) => Signal::Interrupt,
                () = recv(self.terminate.as_mut()) => Signal::Terminate,
                () = recv(self.hang_up.as_mut()) => Signal::HangUp,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            Signal::Interrupt
        }
    }
}
