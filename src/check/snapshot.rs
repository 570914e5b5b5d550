//! `expect.snapshot`: the entry a response gives — status, chosen headers, body normalised
//! (keys sorted, ignored nodes replaced) and masked — to compare with the approved one.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::jsonpath::JsonPath;
use super::ResponseView;
use crate::redact::Redactor;
use crate::snapshot::entry::{mask_json, normalise};
use crate::snapshot::{Entry, Secrets};

/// True for the field of an `expect.snapshot` failure, whose `actual` is a diff, one change
/// a line.
pub fn is_snapshot_field(field: &crate::spec::field::FieldPath) -> bool {
    use crate::spec::field::Segment;
    matches!(field.0.as_slice(), [Segment::Key(a), Segment::Key(b)] if a == "expect" && b == "snapshot")
}

/// A compiled `expect.snapshot`.
#[derive(Debug, Clone, Default)]
pub struct SnapshotExpectation {
    /// Nodes stored as `[ignored]`, never compared.
    pub ignore: Vec<JsonPath>,
    /// Lower-cased names of the headers kept.
    pub headers: Vec<String>,
}

/// Headers stored masked in a snapshot, by name (lower case).
const CREDENTIAL_HEADERS: &[&str] = &[
    "set-cookie",
    "cookie",
    "authorization",
    "proxy-authorization",
    "www-authenticate",
    "proxy-authenticate",
];

impl SnapshotExpectation {
    /// The entry `view`'s response gives, with every secret `redactor` knows masked (and the
    /// entry marked `secrets: masked` if one was).
    pub fn entry(&self, view: &ResponseView<'_>, redactor: &Redactor) -> Entry {
        let mut masked = false;
        let mut mask = |text: &str| -> Option<String> {
            match redactor.redact(text) {
                Cow::Owned(out) if out != text => {
                    masked = true;
                    Some(out)
                }
                _ => None,
            }
        };
        let response = view.response;
        let mut credentials = false;
        let mut headers = BTreeMap::new();
        for name in &self.headers {
            if let Some(value) = response.header(name) {
                // Snapshot files are committed: a header that carries credentials by its
                // nature is stored masked whatever its value (its presence is still compared).
                let value = if CREDENTIAL_HEADERS.contains(&name.as_str()) {
                    credentials = true;
                    crate::redact::MASK.to_owned()
                } else {
                    mask(&value).unwrap_or_else(|| value.into_owned())
                };
                headers.insert(name.clone(), value);
            }
        }
        let (json, text) = match self.json(view) {
            Some(mut json) => {
                let mut changed = false;
                if !redactor.is_empty() {
                    changed = mask_json(&mut json, &|text| match redactor.redact(text) {
                        Cow::Owned(out) if out != text => Some(out),
                        _ => None,
                    });
                }
                masked |= changed;
                (Some(json), None)
            }
            None if response.body.is_empty() => (None, None),
            None => {
                let text = view.text();
                let text = mask(&text).unwrap_or_else(|| text.into_owned());
                (None, Some(text))
            }
        };
        masked |= credentials;
        Entry {
            status: response.status,
            headers,
            json,
            text,
            secrets: masked.then_some(Secrets::Masked),
        }
    }

    /// The body normalised, if it is JSON: a body that parses and is labelled JSON or is an
    /// object or array (`"123"` labelled text stays text).
    fn json(&self, view: &ResponseView<'_>) -> Option<Value> {
        let labelled = view.response.content_type().contains("json");
        let document = view.json().ok()?;
        if !labelled && !matches!(document, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        let ignored: HashSet<*const Value> = self
            .ignore
            .iter()
            .flat_map(|path| path.query(document))
            .map(std::ptr::from_ref)
            .collect();
        Some(normalise(document, &|node| {
            !ignored.is_empty() && ignored.contains(&std::ptr::from_ref(node))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Received;

    fn received(content_type: &str, body: &str) -> Received {
        let mut received = Received::new(
            200,
            reqwest::Url::parse("http://127.0.0.1/x").expect("url"),
            body.to_owned(),
        );
        if let Ok(value) = content_type.parse() {
            received.headers.insert("content-type", value);
        }
        received
    }

    #[test]
    fn a_json_body_is_sorted_with_ignored_nodes_and_secrets_masked() {
        let expectation = SnapshotExpectation {
            ignore: vec![
                JsonPath::compile("$[*].created_at").expect("path"),
                JsonPath::compile("$[0].id").expect("path"),
            ],
            headers: vec!["content-type".into(), "x-missing".into()],
        };
        let response = received(
            "application/json",
            r#"[{"name": "a", "id": 1, "created_at": "now", "token": "s3cr3t-value"},
                {"id": 2, "created_at": "later"}]"#,
        );
        let mut redactor = Redactor::new();
        redactor.add("s3cr3t-value");
        let entry = expectation.entry(&ResponseView::new(&response), &redactor);
        assert_eq!(
            serde_json::to_string(&entry.json).expect("json"),
            r#"[{"created_at":"[ignored]","id":"[ignored]","name":"a","token":"***"},{"created_at":"[ignored]","id":2}]"#
        );
        assert_eq!(entry.secrets, Some(Secrets::Masked));
        assert_eq!(entry.headers.len(), 1);
        let clean = expectation.entry(&ResponseView::new(&response), &Redactor::new());
        assert_eq!(clean.secrets, None);
    }

    #[test]
    fn credential_headers_are_stored_masked_whatever_their_value() {
        let expectation = SnapshotExpectation {
            ignore: Vec::new(),
            headers: vec!["set-cookie".into(), "content-type".into()],
        };
        let mut response = received("text/plain", "ok");
        response.headers.insert(
            "set-cookie",
            "session=abc123; HttpOnly".parse().expect("header"),
        );
        let entry = expectation.entry(&ResponseView::new(&response), &Redactor::new());
        assert_eq!(entry.headers["set-cookie"], crate::redact::MASK);
        assert_eq!(entry.headers["content-type"], "text/plain");
        assert_eq!(entry.secrets, Some(Secrets::Masked));
    }

    #[test]
    fn a_text_body_is_kept_as_text_masked() {
        let expectation = SnapshotExpectation::default();
        let mut redactor = Redactor::new();
        redactor.add("hunter2-secret");
        let entry = expectation.entry(
            &ResponseView::new(&received("text/plain", "password=hunter2-secret\n")),
            &redactor,
        );
        assert_eq!(entry.text.as_deref(), Some("password=***\n"));
        assert_eq!(entry.json, None);
        assert_eq!(entry.secrets, Some(Secrets::Masked));
        let number = expectation.entry(
            &ResponseView::new(&received("text/plain", "123")),
            &redactor,
        );
        assert_eq!(number.text.as_deref(), Some("123"));
    }
}
