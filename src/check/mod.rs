//! Checks on a response: predicates, expectations, captures, and the one JSONPath wrapper.

pub mod budget;
pub mod capture;
pub mod condition;
pub mod document;
pub mod expect;
pub mod jsonpath;
pub mod openapi;
pub mod plan;
pub mod predicate;
pub mod pruned;
pub mod rfc9535;
pub mod scan;
mod schema_cycle;
pub mod snapshot;
pub mod sorted;
mod structural;

use std::cell::OnceCell;

use serde_json::Value;

use crate::redact::Redactor;
use crate::response::Received;
pub use document::Document;

/// What knows the JSONPaths the checks on a response may query (a request step).
pub trait Queries {
    /// Shows `visit` each of them.
    fn each_jsonpath(&self, visit: &mut dyn FnMut(&jsonpath::JsonPath));

    /// The plan for these queries, made once by one that answers for many responses (a
    /// step): `Some(None)` when they need the whole document. `None`: each view makes its
    /// own.
    fn kept_plan(&self) -> Option<Option<&plan::BodyPlan>> {
        None
    }
}

/// The plan `queries` parse a body along: `None` when there are none, or one of them needs
/// the whole document.
pub fn plan_for(queries: &(impl Queries + ?Sized)) -> Option<plan::BodyPlan> {
    let mut builder = plan::PlanBuilder::default();
    queries.each_jsonpath(&mut |query| builder.add(query.source(), query.need()));
    builder.finish()
}

impl Queries for Vec<jsonpath::JsonPath> {
    fn each_jsonpath(&self, visit: &mut dyn FnMut(&jsonpath::JsonPath)) {
        self.iter().for_each(visit);
    }
}

/// A response as the checks see it: its JSON parsed at most once, and only when a check
/// needs it.
///
/// Given the JSONPaths its checks may query ([`Self::with_queries`]), a view parses the
/// body only as far as they read ([`plan`], [`pruned`]) and answers them from that; a
/// query it was not given, and everything that needs the whole tree ([`Self::json`]), get
/// the full parse (once).
pub struct ResponseView<'a> {
    /// The response.
    pub response: &'a Received,
    queries: Option<&'a dyn Queries>,
    plan: OnceCell<Option<plan::BodyPlan>>,
    /// The pruned parse; `None` when it failed (the full parse then reports why).
    pruned: OnceCell<Option<Document<'a>>>,
    document: OnceCell<Result<Document<'a>, BodyError>>,
    json: OnceCell<Result<Value, BodyError>>,
    /// What may still be built from the body.
    allowance: budget::Allowance,
}

/// Why a check cannot read the body as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The body is not JSON.
    #[error(transparent)]
    NotJson(#[from] NotJson),
    /// The body holds more JSON values than one reading of it may build.
    #[error(transparent)]
    TooLarge(#[from] budget::TooLarge),
}

impl BodyError {
    /// The problem as a sentence, with any text of the body masked before it is cut.
    pub fn describe(&self, redactor: &Redactor) -> String {
        match self {
            BodyError::NotJson(not_json) => not_json.describe(redactor),
            BodyError::TooLarge(too_large) => too_large.to_string(),
        }
    }
}

/// `response`'s body as a whole document, built within `allowance`.
fn read_document<'a>(
    response: &'a Received,
    allowance: &budget::Allowance,
) -> Result<Document<'a>, BodyError> {
    match budget::within(allowance, || serde_json::from_slice(response.json_bytes())) {
        Ok(Ok(document)) => Ok(document),
        Ok(Err(error)) => Err(BodyError::NotJson(NotJson {
            reason: error.to_string(),
            content_type: response.content_type().into_owned(),
            content_encoding: response.undecoded_encoding(),
            body: response
                .charset_text
                .clone()
                .unwrap_or_else(|| response.body.clone()),
        })),
        Err(too_large) => Err(too_large.into()),
    }
}

/// The body is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NotJson {
    /// The parser's message.
    pub reason: String,
    /// The response's content type.
    pub content_type: String,
    /// The `Content-Encoding` the body still has: one runner does not decode (`zstd`), so
    /// the body is as the server compressed it. (Those it decodes are gone from the
    /// response's headers.)
    pub content_encoding: Option<String>,
    /// The body's text (shared with the response, not copied): in the charset its
    /// `Content-Type` names, else as it came.
    pub body: bytes::Bytes,
}

impl std::fmt::Display for NotJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // JSON's grammar bounds neither nesting nor numbers: a body past runner's bounds is
        // JSON that runner does not read, and says so.
        let what = if self.reason.starts_with("recursion limit exceeded") {
            "the body could not be read as JSON: it nests lists and objects more than 128 levels deep, the most runner reads"
        } else if self.reason.starts_with("number out of range") {
            "the body could not be read as JSON: it holds a number beyond ±1.7976931348623157e308, the largest runner reads"
        } else if self.is_utf32() {
            "the body is not JSON: it is UTF-32 text, which runner does not read (RFC 8259 asks for UTF-8, and the Encoding Standard has no UTF-32): ask the server for UTF-8"
        } else if self.is_utf16() && self.content_type.to_ascii_lowercase().contains("charset") {
            "the body is not JSON: it is UTF-16 text, and the charset its Content-Type names is not UTF-16"
        } else if self.is_utf16() {
            "the body is not JSON: it is UTF-16 text, and runner reads JSON as UTF-8 (as RFC 8259 asks) unless the Content-Type names its charset (`charset=utf-16le`)"
        } else {
            "the body is not JSON"
        };
        write!(
            f,
            "{what} ({}); Content-Type: {:?}",
            self.reason, self.content_type
        )?;
        if let Some(encoding) = &self.content_encoding {
            write!(
                f,
                ", Content-Encoding: {encoding:?} (runner decodes {}, not every coding named \
                 here, so this body is as the server compressed it)",
                crate::response::DECODED_ENCODINGS
            )?;
        }
        Ok(())
    }
}

/// Characters of the body a "not JSON" message shows.
const BODY_START: usize = 60;

impl NotJson {
    /// Whether the body is UTF-16: it starts with UTF-16's byte order mark, or with an ASCII
    /// character and a NUL byte (either way round).
    /// UTF-32: by its byte order mark, or ASCII with three zero bytes beside each character.
    fn is_utf32(&self) -> bool {
        match self.body.as_ref() {
            [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => true,
            [a, 0, 0, 0, ..] | [0, 0, 0, a, ..] => a.is_ascii_graphic() || a.is_ascii_whitespace(),
            _ => false,
        }
    }

    fn is_utf16(&self) -> bool {
        match self.body.as_ref() {
            [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => true,
            [a, 0, ..] | [0, a, ..] => a.is_ascii_graphic() || a.is_ascii_whitespace(),
            _ => false,
        }
    }

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
            queries: None,
            plan: OnceCell::new(),
            pruned: OnceCell::new(),
            document: OnceCell::new(),
            json: OnceCell::new(),
            allowance: budget::Allowance::default(),
        }
    }

    /// Wraps a response whose checks query (at most) the JSONPaths `queries` shows, so that
    /// its body is parsed only as far as they read.
    pub fn with_queries(response: &'a Received, queries: &'a dyn Queries) -> Self {
        ResponseView {
            queries: Some(queries),
            ..Self::new(response)
        }
    }

    /// The body parsed for JSONPath (borrowing from the body), at most once.
    pub fn document(&self) -> Result<&Document<'a>, BodyError> {
        self.document
            .get_or_init(|| read_document(self.response, &self.allowance))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The body as a `serde_json::Value`, for what needs the whole tree (a JSON Schema,
    /// `steps.<id>.json`); built from [`Self::document`], at most once.
    pub fn json(&self) -> Result<&Value, BodyError> {
        self.json
            .get_or_init(|| {
                self.document()
                    .and_then(|document| converted(document, &self.allowance))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The view holding `allowance` for what is built from its body instead of a full one:
    /// a paginated step's page, after the values collected from earlier pages.
    pub fn sharing(mut self, allowance: budget::Allowance) -> Self {
        self.allowance = allowance;
        self
    }

    /// What the view's allowance has left; `None` once it ran out.
    pub fn allowance_left(&self) -> Option<usize> {
        self.allowance.left()
    }

    /// The body as a `serde_json::Value`, taken from the view (not copied) when it was made
    /// already; why not when the body is not JSON, or too large to build.
    pub fn into_json(self) -> Result<Value, BodyError> {
        let ResponseView {
            response,
            json,
            document,
            allowance,
            ..
        } = self;
        if let Some(json) = json.into_inner() {
            return json;
        }
        let document: Document<'_> = match document.into_inner() {
            Some(document) => document?,
            None => read_document(response, &allowance)?,
        };
        converted(&document, &allowance)
    }

    /// The nodes `path` selects in the body, as values.
    pub fn select(&self, path: &jsonpath::JsonPath) -> Result<Vec<Value>, BodyError> {
        let document = match self.document.get() {
            Some(full) => full.as_ref().map_err(Clone::clone)?,
            None => match self.pruned_for(path) {
                Some(pruned) => pruned,
                None => self.document()?,
            },
        };
        budget::within(&self.allowance, || {
            // The evaluator's paths are dropped when it returns: what they take is given back.
            let evaluating = budget::checkpoint();
            if !path.is_singular() && !document.charge_paths(1) {
                return None;
            }
            let nodes = path.query(document);
            evaluating.rewind();
            nodes
                .into_iter()
                .map(Document::to_value)
                .collect::<Option<Vec<_>>>()
        })
        .ok()
        .flatten()
        .ok_or(BodyError::TooLarge(budget::TooLarge))
    }

    /// The body parsed as far as the view's queries read, when `path` is one of them and the
    /// body parses.
    fn pruned_for(&self, path: &jsonpath::JsonPath) -> Option<&Document<'a>> {
        let queries = self.queries?;
        let plan = match queries.kept_plan() {
            Some(kept) => kept,
            None => self.plan.get_or_init(|| plan_for(queries)).as_ref(),
        }?;
        if !plan.covers(path.as_str()) {
            return None;
        }
        let body: &'a [u8] = self.response.json_bytes();
        self.pruned
            .get_or_init(|| {
                // Invalid UTF-8 anywhere is refused, as the full parse refuses it (which
                // then says where).
                let text = simdutf8::basic::from_utf8(body).ok()?;
                budget::within(&self.allowance, || {
                    // A body the pruned parse refuses goes to the full parse, which then says
                    // why: what the pruned one built is dropped, and given back.
                    let before = budget::checkpoint();
                    let parsed = pruned::parse(text, plan).ok();
                    if parsed.is_none() {
                        before.rewind();
                    }
                    parsed
                })
                .ok()
                .flatten()
            })
            .as_ref()
    }

    /// The body as text: in the charset its `Content-Type` names, else UTF-8 (a byte that
    /// does not read replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        self.response.text()
    }
}

/// `document` as a `serde_json::Value`, within one reading's allowance.
fn converted(document: &Document<'_>, allowance: &budget::Allowance) -> Result<Value, BodyError> {
    budget::within(allowance, || document.to_value())
        .ok()
        .flatten()
        .ok_or(BodyError::TooLarge(budget::TooLarge))
}

#[cfg(test)]
mod tests {
    use super::NotJson;

    #[test]
    fn json_past_what_runner_reads_is_not_called_not_json() {
        let not_json = |body: &str| NotJson {
            reason: serde_json::from_str::<serde_json::Value>(body)
                .expect_err("refused")
                .to_string(),
            content_type: "application/json".to_owned(),
            content_encoding: None,
            body: bytes::Bytes::new(),
        };
        let shown = not_json(r#"{"exp": 1e400}"#).to_string();
        assert!(
            shown.starts_with("the body could not be read as JSON: it holds a number beyond ±1.7976931348623157e308, the largest runner reads (number out of range at line 1 column"),
            "{shown}"
        );
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let shown = not_json(&deep).to_string();
        assert!(
            shown.starts_with("the body could not be read as JSON: it nests lists and objects more than 128 levels deep, the most runner reads (recursion limit exceeded at line 1 column"),
            "{shown}"
        );
        let utf16: Vec<u8> = "\u{feff}{\"a\": 1}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut as_utf16 = not_json("\u{feff}{}");
        as_utf16.body = bytes::Bytes::from(utf16);
        assert!(
            as_utf16.to_string().starts_with(
                "the body is not JSON: it is UTF-16 text, and runner reads JSON as UTF-8"
            ),
            "{as_utf16}"
        );
        let utf32: Vec<u8> = "{\"a\": 1}"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let mut as_utf32 = not_json("\u{feff}{}");
        as_utf32.body = bytes::Bytes::from(utf32);
        as_utf32.content_type = "application/json; charset=utf-32".into();
        assert!(
            as_utf32
                .to_string()
                .starts_with("the body is not JSON: it is UTF-32 text, which runner does not read"),
            "{as_utf32}"
        );
        as_utf16.content_type = "application/json; charset=iso-8859-1".into();
        assert!(
            as_utf16.to_string().starts_with(
                "the body is not JSON: it is UTF-16 text, and the charset its Content-Type names is not UTF-16"
            ),
            "{as_utf16}"
        );
        let shown = not_json("<html>").to_string();
        assert!(
            shown.starts_with("the body is not JSON (expected value"),
            "{shown}"
        );
    }
}
