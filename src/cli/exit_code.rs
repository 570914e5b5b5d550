//! The exit codes of `runner`, in one place. Documented in the README.

/// Everything passed.
pub const SUCCESS: u8 = 0;
/// An expectation or capture failed (or a request could not be rendered).
pub const FAILED: u8 = 1;
/// Invalid input: arguments, or a collection that does not load or validate. Nothing was sent.
pub const INVALID_INPUT: u8 = 2;
/// A runtime error: connection refused, DNS, TLS, timeout, I/O.
pub const RUNTIME_ERROR: u8 = 3;
/// Hung up (SIGHUP: the terminal closed, the SSH session dropped).
pub const HUNG_UP: u8 = 129;
/// Interrupted (Ctrl-C, SIGINT).
pub const INTERRUPTED: u8 = 130;
/// Terminated (SIGTERM, as CI systems send on cancel).
pub const TERMINATED: u8 = 143;

/// The exit code for a finished run with these counts (entries of invalid input are the
/// caller's to weigh: they are not runtime errors).
pub fn for_totals(totals: &runner::engine::Totals) -> u8 {
    if totals.errored > totals.invalid {
        RUNTIME_ERROR
    } else if totals.failed > 0 {
        FAILED
    } else {
        SUCCESS
    }
}
