//! The integration tests: the real `runner` binary against real servers on loopback.

mod emnify;
mod jsonpath_cts;
mod run;
mod sandbox_fidelity;
mod schema;
mod support;
