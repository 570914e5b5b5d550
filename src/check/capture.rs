//! Captures: values taken from a response into variables.

use regex::Regex;
use serde_json::Value;

use super::jsonpath::JsonPath;
use super::ResponseView;

/// One compiled capture.
pub struct Capture {
    /// The variable it sets.
    pub name: String,
    /// Where the value comes from.
    pub source: CaptureSource,
    /// Mask the value in every output.
    pub secret: bool,
}

/// Where a captured value comes from.
pub enum CaptureSource {
    /// One node (or every node, with `all`).
    JsonPath {
        /// The path.
        path: JsonPath,
        /// Capture every match as a list.
        all: bool,
    },
    /// A header's value (lower-cased name).
    Header(String),
    /// The first group (or whole match) of a regex over the body.
    Regex(Regex),
    /// The status code.
    Status,
    /// The body text.
    Body,
    /// The response time in milliseconds.
    Duration,
}

/// Why a capture found no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The body is not JSON.
    #[error("{0}")]
    NotJson(#[from] super::NotJson),
    /// The JSONPath matched nothing.
    #[error("JSONPath `{0}` matched nothing")]
    NoMatch(String),
    /// The JSONPath matched several nodes without `all: true`.
    #[error(
        "JSONPath `{path}` matched {count} nodes; capture one (e.g. `[0]`) or set `all: true`"
    )]
    Ambiguous {
        /// The path.
        path: String,
        /// How many nodes matched.
        count: usize,
    },
    /// The header is absent.
    #[error("the response has no `{0}` header")]
    NoHeader(String),
    /// The regex did not match.
    #[error("regex /{0}/ did not match the body")]
    NoRegexMatch(String),
}

impl CaptureSource {
    /// Takes the value from the response.
    pub fn extract(&self, view: &ResponseView<'_>) -> Result<Value, CaptureError> {
        match self {
            CaptureSource::JsonPath { path, all } => {
                let nodes = path.query(view.json()?);
                match (nodes.as_slice(), all) {
                    (_, true) => Ok(Value::Array(nodes.into_iter().cloned().collect())),
                    ([], false) => Err(CaptureError::NoMatch(path.as_str().to_owned())),
                    ([one], false) => Ok((*one).clone()),
                    (many, false) => Err(CaptureError::Ambiguous {
                        path: path.as_str().to_owned(),
                        count: many.len(),
                    }),
                }
            }
            CaptureSource::Header(name) => view
                .response
                .header(name)
                .map(|v| Value::String(v.to_owned()))
                .ok_or_else(|| CaptureError::NoHeader(name.clone())),
            CaptureSource::Regex(regex) => {
                let text = view.text();
                let captures = regex
                    .captures(&text)
                    .ok_or_else(|| CaptureError::NoRegexMatch(regex.as_str().to_owned()))?;
                let matched = captures.get(1).or_else(|| captures.get(0));
                Ok(Value::String(matched.map_or("", |m| m.as_str()).to_owned()))
            }
            CaptureSource::Status => Ok(Value::from(view.response.status)),
            CaptureSource::Body => Ok(Value::String(view.text().into_owned())),
            CaptureSource::Duration => Ok(Value::from(view.response.duration.as_millis() as u64)),
        }
    }
}
