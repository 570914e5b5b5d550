//! runner runs declarative HTTP workflows: YAML collections of request steps with templated
//! variables, captures from responses, and expectations on every response.
//!
//! The library loads ([`collection::Collection::load`]), checks ([`engine::check`]) and runs
//! ([`engine::run_collection`]) collections, reporting to an [`engine::Observer`]. It never
//! prints and never exits: the `runner` binary's command line owns the terminal and the exit
//! code, and [`report`] only formats. `ARCHITECTURE.md` shows the layers.

#![warn(missing_docs)]

pub mod check;
pub mod collection;
pub mod engine;
pub mod export;
pub mod http;
pub mod import;
pub mod openapi;
pub mod postman;
pub mod redact;
pub mod report;
pub mod response;
pub mod sandbox;
pub mod snapshot;
pub mod spec;
pub mod template;
pub mod vars;
