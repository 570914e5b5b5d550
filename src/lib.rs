//! runner runs declarative HTTP workflows: YAML collections of request steps with templated
//! variables, captures from responses, and expectations on every response.
//!
//! The library loads ([`collection::Collection::load`]), checks ([`engine::check`]) and runs
//! ([`engine::run_collection`]) collections, reporting to an [`engine::Observer`]. It never
//! prints and never exits; only [`cli`] and [`report`] write to the terminal.

#![warn(missing_docs)]

pub mod check;
pub mod cli;
pub mod collection;
pub mod engine;
pub mod export;
pub mod http;
pub mod import;
pub mod redact;
pub mod report;
pub mod sandbox;
pub mod template;
pub mod text;
pub mod vars;
