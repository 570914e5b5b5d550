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
    /// A header's value (lower-cased name), or the first group of a regex over it.
    Header(String, Option<Regex>),
    /// The first group (or whole match) of a regex over the body.
    Regex(Regex),
    /// The status code.
    Status,
    /// The body text.
    Body,
    /// The response time in milliseconds.
    Duration,
    /// The value of a cookie the response set.
    Cookie(String),
    /// The final URL.
    Url,
    /// The URLs redirected to, as a list.
    Redirects,
}

/// Why a capture found no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The body cannot be read as JSON.
    #[error("{0}")]
    Body(#[from] super::BodyError),
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
    /// The response set no such cookie.
    #[error("the response set no cookie `{0}`")]
    NoCookie(String),
    /// The regex did not match.
    #[error("regex /{pattern}/ did not match {subject}")]
    NoRegexMatch {
        /// The pattern.
        pattern: String,
        /// What it was applied to.
        subject: String,
    },
}

impl CaptureError {
    /// The problem as a sentence, with any text of the response masked before it is cut.
    pub fn describe(&self, redactor: &crate::redact::Redactor) -> String {
        match self {
            CaptureError::Body(error) => error.describe(redactor),
            other => other.to_string(),
        }
    }
}

/// The first group of `regex` in `text`, or the whole match when it has no group.
fn first_group(regex: &Regex, text: &str, subject: &str) -> Result<Value, CaptureError> {
    let captures = regex
        .captures(text)
        .ok_or_else(|| CaptureError::NoRegexMatch {
            pattern: regex.as_str().to_owned(),
            subject: subject.to_owned(),
        })?;
    let matched = captures.get(1).or_else(|| captures.get(0));
    Ok(Value::String(matched.map_or("", |m| m.as_str()).to_owned()))
}

impl CaptureSource {
    /// The JSONPath the capture queries the body with, if any.
    pub fn jsonpath(&self) -> Option<&JsonPath> {
        match self {
            CaptureSource::JsonPath { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Takes the value from the response.
    pub fn extract(&self, view: &ResponseView<'_>) -> Result<Value, CaptureError> {
        match self {
            CaptureSource::JsonPath { path, all } => {
                let mut nodes = view.select(path)?;
                match (nodes.len(), all) {
                    (_, true) => Ok(Value::Array(nodes)),
                    (0, false) => Err(CaptureError::NoMatch(path.as_str().to_owned())),
                    (1, false) => Ok(nodes.swap_remove(0)),
                    (count, false) => Err(CaptureError::Ambiguous {
                        path: path.as_str().to_owned(),
                        count,
                    }),
                }
            }
            CaptureSource::Header(name, regex) => {
                let value = view
                    .response
                    .header(name)
                    .ok_or_else(|| CaptureError::NoHeader(name.clone()))?;
                match regex {
                    Some(regex) => first_group(regex, &value, &format!("the `{name}` header")),
                    None => Ok(Value::String(value.into_owned())),
                }
            }
            CaptureSource::Regex(regex) => first_group(regex, &view.text(), "the body"),
            CaptureSource::Status => Ok(Value::from(view.response.status)),
            CaptureSource::Body => Ok(Value::String(view.text().into_owned())),
            CaptureSource::Duration => Ok(Value::from(crate::spec::duration::round_millis(
                view.response.duration,
            ))),
            CaptureSource::Cookie(name) => view
                .response
                .cookie(name)
                .map(|c| Value::String(c.value.clone()))
                .ok_or_else(|| CaptureError::NoCookie(name.clone())),
            CaptureSource::Url => Ok(Value::String(view.response.url.to_string())),
            CaptureSource::Redirects => Ok(Value::Array(
                view.response
                    .redirects
                    .iter()
                    .map(|r| Value::String(r.to.to_string()))
                    .collect(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::response::Received;

    fn response(body: &str) -> Received {
        let mut received = Received::new(
            201,
            reqwest::Url::parse("http://127.0.0.1/items/7").expect("url"),
            body.to_owned(),
        );
        received
            .headers
            .insert("location", "/items/7".parse().expect("header"));
        received
    }

    fn path(source: &str, all: bool) -> CaptureSource {
        CaptureSource::JsonPath {
            path: JsonPath::compile(source).expect("a path"),
            all,
        }
    }

    #[test]
    fn values_come_from_every_part_of_the_response() {
        let response = response(r#"{"id": 7, "tags": ["a", "b"]}"#);
        let view = ResponseView::new(&response);
        assert_eq!(path("$.id", false).extract(&view), Ok(json!(7)));
        assert_eq!(
            path("$.tags[*]", true).extract(&view),
            Ok(json!(["a", "b"]))
        );
        assert_eq!(CaptureSource::Status.extract(&view), Ok(json!(201)));
        let location = Regex::new(r"/items/(\d+)").expect("regex");
        assert_eq!(
            CaptureSource::Header("location".into(), Some(location)).extract(&view),
            Ok(json!("7"))
        );
    }

    #[test]
    fn a_capture_that_finds_nothing_or_too_much_says_which() {
        let response = response(r#"{"tags": ["a", "b"]}"#);
        let view = ResponseView::new(&response);
        assert_eq!(
            path("$.id", false).extract(&view),
            Err(CaptureError::NoMatch("$.id".into()))
        );
        assert!(matches!(
            path("$.tags[*]", false).extract(&view),
            Err(CaptureError::Ambiguous { count: 2, .. })
        ));
        assert_eq!(
            CaptureSource::Cookie("session".into()).extract(&view),
            Err(CaptureError::NoCookie("session".into()))
        );
    }
}
