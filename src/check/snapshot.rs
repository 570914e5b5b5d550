//! `expect.snapshot`: the entry a response gives — status, chosen headers, body normalised
//! (keys sorted, ignored nodes replaced) and masked — to compare with the approved one.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::jsonpath::JsonPath;
use super::ResponseView;
use crate::redact::Redactor;
use crate::snapshot::entry::{mask_bytes, mask_json, normalise};
use crate::snapshot::{Binary, Entry, Secrets};

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
        let (mut json, mut text, mut base64) = (None, None, None);
        match self.json(view) {
            Some(mut document) => {
                let mut changed = false;
                if !redactor.is_empty() {
                    changed = mask_json(&mut document, &|text| match redactor.redact(text) {
                        Cow::Owned(out) if out != text => Some(out),
                        _ => None,
                    });
                }
                masked |= changed;
                json = Some(document);
            }
            None if response.body.is_empty() => {}
            // Text as it came; a body that is not UTF-8 byte for byte (read as text, its
            // bytes past ASCII would all become one U+FFFD, and their changes would not show).
            None => match std::str::from_utf8(&response.body) {
                Ok(body) => text = Some(mask(body).unwrap_or_else(|| body.to_owned())),
                Err(_) => {
                    let bytes = mask_bytes(&response.body, &mut mask)
                        .unwrap_or_else(|| response.body.to_vec());
                    base64 = Some(Binary(bytes));
                }
            },
        }
        masked |= credentials;
        Entry {
            status: response.status,
            headers,
            json,
            text,
            base64,
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

    fn octets(body: &[u8]) -> Received {
        let mut received = Received::new(
            200,
            reqwest::Url::parse("http://127.0.0.1/x").expect("url"),
            body.to_vec(),
        );
        received.headers.insert(
            "content-type",
            reqwest::header::HeaderValue::from_static("application/octet-stream"),
        );
        received
    }

    /// `entry` as a later run reads it back from the snapshot file.
    fn through_the_file(entry: &Entry) -> (Entry, String) {
        let mut file = crate::snapshot::SnapshotFile {
            collection: "c.yaml".into(),
            ..Default::default()
        };
        file.snapshots.insert("step".into(), entry.clone());
        let yaml = file.to_yaml().expect("serialises");
        let back: crate::snapshot::SnapshotFile = serde_yaml::from_str(&yaml).expect("parses");
        (back.snapshots["step"].clone(), yaml)
    }

    #[test]
    fn a_body_that_is_not_utf8_is_stored_byte_for_byte_and_one_changed_byte_fails() {
        use crate::snapshot::diff;
        let expectation = SnapshotExpectation::default();
        let redactor = Redactor::new();
        let entry = |body: &[u8]| expectation.entry(&ResponseView::new(&octets(body)), &redactor);
        let mut rng = fastrand::Rng::with_seed(0x5eed_b1a5);
        let mut compared_as_bytes = 0;
        for case in 0..400 {
            let len = rng.usize(1..300);
            let mut body: Vec<u8> = if case % 2 == 0 {
                (0..len).map(|_| rng.u8(..)).collect()
            } else {
                // Mostly text: Latin-1 or UTF-8 text with a few bytes past ASCII.
                (0..len)
                    .map(|_| {
                        if rng.u8(..16) == 0 {
                            rng.u8(0x80..)
                        } else {
                            rng.u8(b' '..=b'~')
                        }
                    })
                    .collect()
            };
            let (approved, yaml) = through_the_file(&entry(&body));
            assert!(
                diff::same(&approved, &entry(&body)),
                "the same bytes must pass: {body:?}\n{yaml}"
            );
            assert!(diff::describe(&approved, &entry(&body)).is_empty());
            let at = rng.usize(..len);
            let before = body[at];
            while body[at] == before {
                body[at] = rng.u8(..);
            }
            let changed = entry(&body);
            assert!(
                !diff::same(&approved, &changed),
                "byte {at} changed from {before:#04x} to {:#04x} must fail: {body:?}",
                body[at]
            );
            let found = diff::describe(&approved, &changed);
            assert!(!found.is_empty(), "{body:?}");
            if approved.base64.is_some() && changed.base64.is_some() {
                compared_as_bytes += 1;
                let line = found.lines[0].text();
                assert!(
                    line.contains(&format!("first difference at byte offset {at}:")),
                    "{line}"
                );
            }
        }
        assert!(compared_as_bytes > 300, "{compared_as_bytes}");
    }

    #[test]
    fn a_difference_in_bytes_fits_a_line_of_a_failure_however_large_the_body() {
        use crate::snapshot::diff;
        let expectation = SnapshotExpectation::default();
        let entry =
            |body: &[u8]| expectation.entry(&ResponseView::new(&octets(body)), &Redactor::new());
        let old = vec![0xffu8; 1_000_000];
        let mut new = old.clone();
        new[999_990] = 0;
        new.push(1);
        let found = diff::describe(&entry(&old), &entry(&new));
        let line = found.lines[0].text();
        assert!(
            line.chars().count() <= 200,
            "{} {line}",
            line.chars().count()
        );
        assert!(
            line.ends_with(r#", received "…\xFF\xFF\xFF\xFF\xFF\x00\xFF\xFF\xFF\xFF…""#),
            "{line}"
        );
    }

    #[test]
    fn latin1_text_and_octets_changed_past_ascii_fail_with_where() {
        use crate::snapshot::diff;
        let expectation = SnapshotExpectation::default();
        let entry =
            |body: &[u8]| expectation.entry(&ResponseView::new(&octets(body)), &Redactor::new());
        let (approved, yaml) = through_the_file(&entry(b"caf\xe9"));
        assert!(yaml.contains("base64: |\n      Y2Fm6Q==\n"), "{yaml}");
        let found = diff::describe(&approved, &entry(b"caf\xe8"));
        assert_eq!(found.count, 1);
        assert_eq!(
            found.lines[0].text(),
            r#"body: 4 bytes, as approved; first difference at byte offset 3: approved "caf\xE9", received "caf\xE8""#
        );
        let all: Vec<u8> = (0..=255).collect();
        let mut reversed = all.clone();
        reversed[128..].reverse();
        let (approved, _) = through_the_file(&entry(&all));
        assert_eq!(
            approved.base64.as_ref().map(|b| b.0.clone()),
            Some(all.clone())
        );
        assert!(!diff::same(&approved, &entry(&reversed)));
        let found = diff::describe(&approved, &entry(&reversed));
        assert!(
            found.lines[0].text().starts_with(
                r#"body: 256 bytes, as approved; first difference at byte offset 128: approved "…{|}~\x7F\x80\x81"#
            ),
            "{found:?}"
        );
        // Longer: where the approved body ends.
        let found = diff::describe(&approved, &entry(&[all.as_slice(), b"\xff"].concat()));
        assert!(
            found.lines[0].text().ends_with(
                r#"approved "…\xFB\xFC\xFD\xFE\xFF" (end), received "…\xFB\xFC\xFD\xFE\xFF\xFF""#
            ),
            "{found:?}"
        );
        // A snapshot an older runner stored with U+FFFD says why it fails.
        let mut legacy = entry(b"caf\xe9");
        legacy.base64 = None;
        legacy.text = Some("caf\u{fffd}".into());
        let found = diff::describe(&legacy, &entry(b"caf\xe9"));
        assert_eq!(found.count, 1);
        assert!(found.lines[0]
            .text()
            .contains("approve it again to store it byte for byte"));
        // Text stays text.
        let text = entry("café\n".as_bytes());
        assert_eq!((text.text.as_deref(), text.base64), (Some("café\n"), None));
    }

    #[test]
    fn secrets_in_a_body_that_is_not_utf8_are_masked_before_it_is_stored() {
        let expectation = SnapshotExpectation::default();
        let mut redactor = Redactor::new();
        redactor.add("tok-4f9a2c7e1b");
        redactor.add("pässwort-3141");
        let body = [
            &b"\x00\xff\xfeKEY=tok-4f9a2c7e1b\x80;"[..],
            "pw=pässwort-3141".as_bytes(),
            b"\xe9\x01",
        ]
        .concat();
        let entry = expectation.entry(&ResponseView::new(&octets(&body)), &redactor);
        assert_eq!(entry.secrets, Some(Secrets::Masked));
        let stored = entry.base64.as_ref().expect("bytes").0.clone();
        assert_eq!(
            stored,
            [&b"\x00\xff\xfeKEY=***\x80;pw=***"[..], b"\xe9\x01"].concat()
        );
        let (_, yaml) = through_the_file(&entry);
        for secret in ["tok-4f9a2c7e1b", "pässwort-3141"] {
            assert!(!yaml.contains(secret), "{yaml}");
            assert!(redactor.redact(&yaml) == yaml, "{yaml}");
        }
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
