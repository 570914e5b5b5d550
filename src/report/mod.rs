//! Event sinks that turn a run into output for people and machines. Everything they receive
//! is already redacted by the engine.

pub mod terminal;
