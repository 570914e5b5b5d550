//! Checks on a response: predicates, expectations, captures, and the one JSONPath wrapper.

pub mod capture;
pub mod condition;
pub mod document;
pub mod expect;
pub mod jsonpath;
pub mod openapi;
pub mod predicate;
pub mod snapshot;

use std::cell::OnceCell;

use serde_json::Value;

use crate::redact::Redactor;
use crate::response::Received;
pub use document::Document;

/// A response as the checks see it: its JSON parsed at most once, and only when a check
/// needs it.
pub struct ResponseView<'a> {
    /// The response.
    pub response: &'a Received,
    document: OnceCell<Result<Document<'a>, NotJson>>,
    json: OnceCell<Result<Value, NotJson>>,
}

/// The body is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the body is not JSON ({reason}); Content-Type: {content_type:?}")]
pub struct NotJson {
    /// The parser's message.
    pub reason: String,
    /// The response's content type.
    pub content_type: String,
    /// The body (shared with the response, not copied).
    pub body: bytes::Bytes,
}

/// Characters of the body a "not JSON" message shows.
const BODY_START: usize = 60;

impl NotJson {
    /// The problem as a sentence with the start of the body, masked before it is cut.
    pub fn describe(&self, redactor: &Redactor) -> String {
        format!(
            "{self}, body starts with: {:?}",
            redactor.excerpt(&String::from_utf8_lossy(&self.body), BODY_START)
        )
    }
}

impl<'a> ResponseView<'a> {
    /// Wraps a response.
    pub fn new(response: &'a Received) -> Self {
        ResponseView {
            response,
            document: OnceCell::new(),
            json: OnceCell::new(),
        }
    }

    /// The body parsed for JSONPath (borrowing from the body), at most once.
    pub fn document(&self) -> Result<&Document<'a>, NotJson> {
        let body: &'a [u8] = &self.response.body;
        self.document
            .get_or_init(|| {
                serde_json::from_slice(body).map_err(|e| NotJson {
                    reason: e.to_string(),
                    content_type: self.response.content_type().to_owned(),
                    body: self.response.body.clone(),
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The body as a `serde_json::Value`, for what needs the whole tree (a JSON Schema,
    /// `steps.<id>.json`); built from [`Self::document`], at most once.
    pub fn json(&self) -> Result<&Value, NotJson> {
        self.json
            .get_or_init(|| self.document().map(Document::to_value))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The nodes `path` selects in the body, as values.
    pub fn select(&self, path: &jsonpath::JsonPath) -> Result<Vec<Value>, NotJson> {
        Ok(path
            .query(self.document()?)
            .into_iter()
            .map(Document::to_value)
            .collect())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.response.body)
    }
}
