//! OpenAPI documents (3.0 and 3.1, YAML or JSON, `$ref`s across files): loaded once into a
//! [`Contract`] whose operations are found by method and path and whose response schemas are
//! compiled once, responses judged against it ([`Contract::check`]), and the operations and
//! documented statuses a run exercised counted ([`coverage::Coverage`]).

pub mod contract;
pub mod coverage;
pub mod document;
pub mod routes;
pub mod schema;

use std::path::PathBuf;

pub use contract::{Contract, Operation, Unmatched, Violation, ViolationKind};
pub use coverage::Coverage;

/// The OpenAPI version of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 3.0.x: schemas are OpenAPI's own dialect (translated to JSON Schema 2020-12).
    V30,
    /// 3.1.x: schemas are JSON Schema 2020-12.
    V31,
}

/// Why a document could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OpenapiError {
    /// A file could not be read or parsed.
    #[error("cannot read OpenAPI document `{}`: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A file does not parse, at a known place.
    #[error("{}:{line}:{column}: cannot read OpenAPI document: {reason}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, and what to do.
        reason: String,
    },
    /// The document is not OpenAPI 3.0 or 3.1.
    #[error("`{}` is not an OpenAPI 3.0 or 3.1 document: {reason}", path.display())]
    NotOpenapi {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// A `$ref` does not lead anywhere.
    #[error("{}", reference_message(at, reference, reason))]
    Reference {
        /// Where the reference is written.
        at: String,
        /// The reference (empty for a cycle).
        reference: String,
        /// Why not.
        reason: String,
    },
    /// A schema does not compile.
    #[error("{at}: the schema does not compile: {reason}")]
    Schema {
        /// Where the schema is written.
        at: String,
        /// The compiler's message.
        reason: String,
    },
}

fn reference_message(at: &str, reference: &str, reason: &str) -> String {
    let at = if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    };
    if reference.is_empty() {
        format!("{at}{reason}")
    } else {
        format!("{at}$ref `{reference}` cannot be followed: {reason}")
    }
}
