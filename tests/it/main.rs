//! The integration tests: the real `runner` binary against real servers on loopback.

mod broken;
mod destinations;
mod emnify;
mod faults;
mod generator;
mod hostile;
mod httpbin;
mod jsonpath_cts;
mod postman;
mod reports;
mod requests;
mod robustness;
mod run;
mod sandbox_fidelity;
mod schema;
mod servers;
mod support;
mod workflow;
