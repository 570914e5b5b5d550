//! The collection format as data: its serde and schemars types, and the small value types
//! every layer shares (durations, sizes, text cut for messages). The leaf of the module graph:
//! it imports nothing from the rest of the crate.

pub mod auth;
pub mod block_scalar;
pub mod body;
pub mod capture;
pub mod caret;
pub mod collection;
pub mod documents;
pub(crate) mod duplicates;
pub mod duration;
pub mod field;
pub mod file;
pub mod json;
pub mod load;
pub mod map;
pub mod predicate;
pub(crate) mod rules;
pub mod schema;
pub mod schema_spec;
pub mod size;
pub mod snapshot;
pub mod text;
pub mod words;
pub mod written;
