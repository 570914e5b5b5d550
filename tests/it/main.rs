//! The integration tests: the real `runner` binary against real servers on loopback.

mod broken;
mod ci;
mod completions;
mod destinations;
mod emnify;
mod faults;
mod generator;
mod hostile;
mod httpbin;
mod import_curl;
mod import_har;
mod jsonpath_cts;
mod junit_schema;
mod layers;
mod located;
mod postman;
mod reports;
mod requests;
mod robustness;
mod run;
mod sandbox_fidelity;
mod schema;
mod secrets;
mod servers;
mod support;
mod workflow;
