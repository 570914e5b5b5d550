//! Snapshots of responses: the stored entry and its normalisation, the diff between an
//! approved entry and a response, and the snapshot files next to a collection.
//!
//! Pure data and file I/O: the check that builds an entry from a response (masking
//! secrets) is `check::snapshot`; the engine compares; the binary writes the files.

pub mod diff;
pub mod entry;
pub mod store;

pub use entry::{Binary, Entry, Secrets, IGNORED};
pub use store::{SnapshotFile, SnapshotPaths, StoreError};
