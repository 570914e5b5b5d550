//! `runner export postman`: a runner collection as a Postman Collection v2.1, so a team can
//! share it with Postman users. Captures and expectations become generated test scripts;
//! what Postman cannot express (retries, `for_each`, `when`, `include`, environments) is
//! listed in a [`Report`].
//!
//! The YAML is read as data, not through the typed model, so the export follows every field
//! the format has — including ones newer than the exporter, which it reports instead of
//! dropping silently.

mod context;
mod credentials;
pub mod locust;
mod postman;
mod script;

use std::path::Path;

use crate::postman::Report;

pub use locust::locust;

/// The result of an export.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The Postman collection, as JSON text.
    pub json: String,
    /// What could not be expressed.
    pub report: Report,
    /// The number of requests.
    pub requests: usize,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Not YAML.
    #[error("{source_name} is not YAML: {message}")]
    NotYaml {
        /// The file.
        source_name: String,
        /// The parser's message, with its line and column.
        message: String,
    },
    /// YAML, but not a runner collection.
    #[error("{source_name} is not a runner collection: {reason}")]
    NotACollection {
        /// The file.
        source_name: String,
        /// What is wrong.
        reason: String,
    },
}

/// Converts the runner collection `text` (read from `path`, which locates its schema files)
/// to a Postman Collection v2.1.
pub fn postman(text: &str, path: &Path) -> Result<Exported, ExportError> {
    let source_name = path.display().to_string();
    let value: serde_json::Value =
        serde_yaml::from_str(text).map_err(|e| ExportError::NotYaml {
            source_name: source_name.clone(),
            message: e.to_string(),
        })?;
    let not = |reason: &str| ExportError::NotACollection {
        source_name: source_name.clone(),
        reason: reason.to_owned(),
    };
    let root = value
        .as_object()
        .ok_or_else(|| not("the top level is not a map"))?;
    if !root.get("steps").is_some_and(serde_json::Value::is_array) {
        return Err(not("it has no `steps` list"));
    }
    let base = path.parent().unwrap_or(Path::new(""));
    Ok(postman::collection(root, base))
}
