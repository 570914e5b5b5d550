//! Local stand-ins for third-party APIs that workflows can run against offline.

pub mod emnify;
