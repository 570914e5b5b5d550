//! What changed between an approved snapshot and a response: JSON as a list of changes by
//! JSONPath, text as a unified diff.

use std::fmt;

use serde_json::Value;

use super::entry::Entry;
use crate::spec::json::{equal, numbers_equal};

/// Characters of a value a change shows.
const VALUE_CHARS: usize = 80;
/// Lines of context around a change in a text diff.
const CONTEXT_LINES: usize = 2;

/// One difference between two JSON documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Where, as a JSONPath: `$[3].status.description`.
    pub path: String,
    /// What happened there.
    pub kind: ChangeKind,
}

/// The kinds of [`Change`], with the values on each side.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    /// The response has a node the snapshot has not.
    Added(Value),
    /// The snapshot has a node the response has not.
    Removed(Value),
    /// Same type, another value: approved, received.
    Value(Value, Value),
    /// Another type: approved, received.
    Type(Value, Value),
}

/// Every difference between `approved` and `received`, in document order.
pub fn json_changes(approved: &Value, received: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    walk("$".to_owned(), approved, received, &mut changes);
    changes
}

fn walk(path: String, approved: &Value, received: &Value, changes: &mut Vec<Change>) {
    match (approved, received) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, old_value) in old {
                let at = format!("{path}{}", member(key));
                match new.get(key) {
                    Some(new_value) => walk(at, old_value, new_value, changes),
                    None => changes.push(Change {
                        path: at,
                        kind: ChangeKind::Removed(old_value.clone()),
                    }),
                }
            }
            for (key, new_value) in new {
                if !old.contains_key(key) {
                    changes.push(Change {
                        path: format!("{path}{}", member(key)),
                        kind: ChangeKind::Added(new_value.clone()),
                    });
                }
            }
        }
        (Value::Array(old), Value::Array(new)) if old.len() == new.len() => {
            for (index, (o, n)) in old.iter().zip(new).enumerate() {
                walk(format!("{path}[{index}]"), o, n, changes);
            }
        }
        (Value::Array(old), Value::Array(new)) => items(&path, old, new, changes),
        // Numbers compare by value, as the predicates do: a server that writes the same
        // value as `1.0` rather than `1` has not changed it.
        (Value::Number(old), Value::Number(new)) if numbers_equal(old, new) => {}
        (old, new) if old == new => {}
        (old, new) if type_name(old) == type_name(new) => changes.push(Change {
            path,
            kind: ChangeKind::Value(old.clone(), new.clone()),
        }),
        (old, new) => changes.push(Change {
            path,
            kind: ChangeKind::Type(old.clone(), new.clone()),
        }),
    }
}

/// `value` as JSON text with every object's members sorted and every number that is an
/// integer written as one: equal values (objects compare as maps, numbers by value) give
/// equal text, whatever order their members came in and however their numbers were written.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Number(number) => Value::Number(integral(number)),
            Value::Object(map) => {
                let mut members: Vec<(&String, &Value)> = map.iter().collect();
                members.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// `number` as an integer when it is a float that holds one (`1.0` is `1`), else itself.
fn integral(number: &serde_json::Number) -> serde_json::Number {
    // 2^63 and 2^64: the floats below them in magnitude that are integers fit i64 and u64.
    const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;
    const U64_LIMIT: f64 = 18_446_744_073_709_551_616.0;
    match number.as_f64() {
        Some(f) if number.is_f64() && f.fract() == 0.0 && f.abs() < I64_LIMIT => (f as i64).into(),
        Some(f) if number.is_f64() && f.fract() == 0.0 && f > 0.0 && f < U64_LIMIT => {
            (f as u64).into()
        }
        _ => number.clone(),
    }
}

/// The changes between two lists of different lengths: aligned on the items that are equal
/// (a vanished item is one removal, not a change of every item after it); items replaced
/// in place are compared node by node.
fn items(path: &str, old: &[Value], new: &[Value], changes: &mut Vec<Change>) {
    let text = |items: &[Value]| items.iter().map(canonical).collect::<Vec<_>>();
    let (old_text, new_text) = (text(old), text(new));
    // Bounded in time: past the deadline, the rest of two huge lists is one replaced range
    // (compared node by node), not minutes of searching for the shortest edit.
    let deadline = std::time::Instant::now() + DIFF_TIME;
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        &old_text,
        &new_text,
        Some(deadline),
    );
    for op in ops {
        let (_, old_range, new_range) = op.as_tag_tuple();
        let paired = old_range.len().min(new_range.len());
        if old_range.len() == new_range.len()
            && old[old_range.clone()]
                .iter()
                .zip(&new[new_range.clone()])
                .all(|(o, n)| equal(o, n))
        {
            continue;
        }
        for i in 0..paired {
            let (o, n) = (old_range.start + i, new_range.start + i);
            walk(format!("{path}[{n}]"), &old[o], &new[n], changes);
        }
        let start = old_range.start + paired;
        for (o, item) in old[start..old_range.end].iter().enumerate() {
            changes.push(Change {
                path: format!("{path}[{}]", start + o),
                kind: ChangeKind::Removed(item.clone()),
            });
        }
        let start = new_range.start + paired;
        for (n, item) in new[start..new_range.end].iter().enumerate() {
            changes.push(Change {
                path: format!("{path}[{}]", start + n),
                kind: ChangeKind::Added(item.clone()),
            });
        }
    }
}

/// `.name` for a name RFC 9535 allows after a dot, else `['name']`.
fn member(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!(".{key}")
    } else {
        format!("['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// The JSON type of a value, as people say it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn shown(value: &Value) -> String {
    crate::spec::text::shorten(&value.to_string(), VALUE_CHARS).into_owned()
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match &self.kind {
            ChangeKind::Added(new) => write!(f, "{path}: added, {}", shown(new)),
            ChangeKind::Removed(old) => write!(f, "{path}: removed, was {}", shown(old)),
            ChangeKind::Value(old, new) => {
                write!(f, "{path}: changed from {} to {}", shown(old), shown(new))
            }
            ChangeKind::Type(old, new) => write!(
                f,
                "{path}: type changed from {} {} to {} {}",
                type_name(old),
                shown(old),
                type_name(new),
                shown(new)
            ),
        }
    }
}

/// The longest a diff searches for the smallest set of changes.
const DIFF_TIME: std::time::Duration = std::time::Duration::from_millis(500);

/// The differences between two entries, as [`describe`] finds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Differences {
    /// How many changes: one for the status, for each header, for the `secrets` marker, for
    /// the kind of body, for each JSON change, and for each line of a text replaced, added or
    /// removed (a line replaced by another is one change).
    pub count: usize,
    /// The lines that show them, in order.
    pub lines: Vec<Line>,
}

impl Differences {
    /// True when the entries do not differ.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds a change shown on one line.
    fn change(&mut self, line: String) {
        self.count += 1;
        self.lines.push(Line::Shown(line));
    }
}

/// One line of [`Differences`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A change, or a line of context around a text's change: what a failure's budget of
    /// lines counts.
    Shown(String),
    /// A text diff's `--- approved` and `+++ received`, or a hunk's `@@ … @@`: shown with
    /// the first line after it, and not counted.
    Header(String),
    /// `\ No newline at end of file`, about the line before it: shown with that line, and not
    /// counted.
    Note(String),
}

impl Line {
    /// The line as shown.
    pub fn text(&self) -> &str {
        match self {
            Line::Shown(text) | Line::Header(text) | Line::Note(text) => text,
        }
    }
}

/// A unified diff of two texts, line by line (`-` approved, `+` received), into `out`: each
/// line of a text replaced, added or removed is one change.
fn text_diff(approved: &str, received: &str, out: &mut Differences) {
    let diff = similar::TextDiff::configure()
        .timeout(DIFF_TIME)
        .diff_lines(approved, received);
    for op in diff.ops() {
        out.count += match *op {
            similar::DiffOp::Equal { .. } => 0,
            similar::DiffOp::Delete { old_len, .. } => old_len,
            similar::DiffOp::Insert { new_len, .. } => new_len,
            similar::DiffOp::Replace {
                old_len, new_len, ..
            } => old_len.max(new_len),
        };
    }
    let mut unified = diff.unified_diff();
    unified.context_radius(CONTEXT_LINES);
    for (index, hunk) in unified.iter_hunks().enumerate() {
        if index == 0 {
            out.lines.push(Line::Header("--- approved".to_owned()));
            out.lines.push(Line::Header("+++ received".to_owned()));
        }
        out.lines.push(Line::Header(hunk.header().to_string()));
        for change in hunk.iter_changes() {
            let value = change.to_string_lossy();
            let value = value.strip_suffix('\n').unwrap_or(&value);
            let value = value.strip_suffix('\r').unwrap_or(value);
            out.lines
                .push(Line::Shown(format!("{}{value}", change.tag())));
            if change.missing_newline() {
                out.lines
                    .push(Line::Note("\\ No newline at end of file".to_owned()));
            }
        }
    }
}

/// The body of an entry, as [`same`] and [`describe`] read it.
#[derive(Clone, Copy)]
enum Body<'a> {
    Empty,
    Json(&'a Value),
    Text(&'a str),
    Binary(&'a [u8]),
}

impl<'a> Body<'a> {
    /// The body of `entry` (of a hand-written entry with more than one, the first of `json`,
    /// `base64` and `text`; an empty text or base64 is an empty body).
    fn of(entry: &'a Entry) -> Self {
        match (&entry.json, &entry.base64, &entry.text) {
            (Some(json), _, _) => Body::Json(json),
            (None, Some(bytes), _) if !bytes.0.is_empty() => Body::Binary(&bytes.0),
            (None, _, Some(text)) if !text.is_empty() => Body::Text(text),
            _ => Body::Empty,
        }
    }

    /// What kind of body it is, as a change names it.
    fn kind(self) -> &'static str {
        match self {
            Body::Empty => "empty",
            Body::Json(_) => "JSON",
            Body::Text(_) => "text",
            Body::Binary(_) => "bytes that are not UTF-8",
        }
    }

    /// The body as text: JSON laid out, one value a line.
    fn text(self) -> std::borrow::Cow<'a, str> {
        match self {
            Body::Empty => "".into(),
            Body::Json(json) => {
                (serde_json::to_string_pretty(json).unwrap_or_default() + "\n").into()
            }
            Body::Text(text) => text.into(),
            Body::Binary(bytes) => String::from_utf8_lossy(bytes),
        }
    }

    /// The body's bytes.
    fn bytes(self) -> std::borrow::Cow<'a, [u8]> {
        match self {
            Body::Binary(bytes) => bytes.into(),
            other => match other.text() {
                std::borrow::Cow::Borrowed(text) => text.as_bytes().into(),
                std::borrow::Cow::Owned(text) => text.into_bytes().into(),
            },
        }
    }
}

/// True when `received` matches `approved`: [`describe`] finds no difference (numbers compare
/// by value, bodies that are not UTF-8 byte for byte).
pub fn same(approved: &Entry, received: &Entry) -> bool {
    approved.status == received.status
        && approved.headers == received.headers
        && approved.secrets == received.secrets
        && match (Body::of(approved), Body::of(received)) {
            (Body::Json(old), Body::Json(new)) => equal(old, new),
            (Body::Binary(old), Body::Binary(new)) => old == new,
            (Body::Text(old), Body::Text(new)) => old == new,
            (Body::Empty, Body::Empty) => true,
            _ => false,
        }
}

/// Bytes shown around a first difference: before it, and from it on (so that a line of a
/// failure, at most 200 characters, holds both sides of a body of any size, each byte
/// `\xNN`).
const BYTES_BEFORE: usize = 5;
const BYTES_FROM: usize = 5;

/// How two bodies' bytes differ: the sizes and the first offset where they do, with the bytes
/// around it on each side.
fn bytes_change(old: &[u8], new: &[u8]) -> String {
    let at = old
        .iter()
        .zip(new)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len().min(new.len()));
    let sizes = if old.len() == new.len() {
        format!("{} bytes, as approved", new.len())
    } else {
        format!("{} bytes, was {}", new.len(), old.len())
    };
    format!(
        "body: {sizes}; first difference at byte offset {at}: approved {}, received {}",
        around(old, at),
        around(new, at)
    )
}

/// The bytes of `bytes` around `at`, quoted, printable ASCII as itself and every other byte
/// as `\xNN`; `(end)` when `bytes` ends at `at`.
fn around(bytes: &[u8], at: usize) -> String {
    let start = at.saturating_sub(BYTES_BEFORE);
    let end = (at + BYTES_FROM).min(bytes.len());
    let mut text = String::from("\"");
    if start > 0 {
        text.push('…');
    }
    for &byte in bytes.get(start..end).unwrap_or_default() {
        match byte {
            b'\\' => text.push_str("\\\\"),
            b'"' => text.push_str("\\\""),
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b'\t' => text.push_str("\\t"),
            b' '..=b'~' => text.push(char::from(byte)),
            other => text.push_str(&format!("\\x{other:02X}")),
        }
    }
    if end < bytes.len() {
        text.push('…');
    }
    text.push('"');
    if at >= bytes.len() {
        text.push_str(" (end)");
    }
    text
}

/// Every difference between two entries: status, headers, then the body (JSON changes by
/// path, or a unified diff of the text). Empty when they are equal.
pub fn describe(approved: &Entry, received: &Entry) -> Differences {
    let mut out = Differences::default();
    if approved.status != received.status {
        out.change(format!(
            "status: changed from {} to {}",
            approved.status, received.status
        ));
    }
    for (name, old) in &approved.headers {
        match received.headers.get(name) {
            Some(new) if new == old => {}
            Some(new) => out.change(format!("header {name}: changed from {old:?} to {new:?}")),
            None => out.change(format!("header {name}: removed, was {old:?}")),
        }
    }
    for (name, new) in &received.headers {
        if !approved.headers.contains_key(name) {
            out.change(format!("header {name}: added, {new:?}"));
        }
    }
    if approved.secrets != received.secrets {
        let state = |masked: bool| if masked { "masked" } else { "none" };
        out.change(format!(
            "secrets: changed from {} to {}",
            state(approved.secrets.is_some()),
            state(received.secrets.is_some())
        ));
    }
    let (old, new) = (Body::of(approved), Body::of(received));
    match (old, new) {
        (Body::Json(old), Body::Json(new)) => {
            for change in json_changes(old, new) {
                out.change(change.to_string());
            }
        }
        (Body::Text(text), Body::Binary(bytes)) if String::from_utf8_lossy(bytes) == text => {
            out.change(
                "body: the approved snapshot holds this body as text, its bytes that are not \
                 UTF-8 each read as U+FFFD (as runner stored such a body before), so its bytes \
                 cannot be compared: approve it again to store it byte for byte"
                    .to_owned(),
            );
        }
        (Body::Binary(_), _) | (_, Body::Binary(_)) => {
            if old.kind() != new.kind() {
                out.change(format!(
                    "body: changed from {} to {}",
                    old.kind(),
                    new.kind()
                ));
            }
            let (old_bytes, new_bytes) = (old.bytes(), new.bytes());
            if old_bytes != new_bytes {
                out.change(bytes_change(&old_bytes, &new_bytes));
            }
        }
        (old, new) => {
            if old.kind() != new.kind() {
                out.change(format!(
                    "body: changed from {} to {}",
                    old.kind(),
                    new.kind()
                ));
            }
            let (old_text, new_text) = (old.text(), new.text());
            if old_text != new_text {
                text_diff(&old_text, &new_text, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_changes_name_each_path_with_both_values() {
        let old =
            json!([{"id": 1}, {"status": {"description": "Enabled", "id": 0}, "n": 1, "x-y": 1}]);
        let new = json!([{"id": 1}, {"status": {"id": 0}, "n": "1", "x-y": 1, "tags": []}]);
        let changes: Vec<String> = json_changes(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            changes,
            [
                r#"$[1].status.description: removed, was "Enabled""#,
                r#"$[1].n: type changed from number 1 to string "1""#,
                "$[1].tags: added, []",
            ]
        );
        let grown = json_changes(&json!({"a b": [1]}), &json!({"a b": [2, 3]}));
        let grown: Vec<String> = grown.iter().map(ToString::to_string).collect();
        assert_eq!(
            grown,
            ["$['a b'][0]: changed from 1 to 2", "$['a b'][1]: added, 3"]
        );
    }

    #[test]
    fn lists_are_aligned_on_their_equal_items() {
        let shown = |old: Value, new: Value| -> Vec<String> {
            json_changes(&old, &new)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            shown(json!([1, 2, 3]), json!([1, 3])),
            ["$[1]: removed, was 2"]
        );
        assert_eq!(shown(json!([1, 3]), json!([1, 2, 3])), ["$[1]: added, 2"]);
        // Equal objects with their members in another order are the same item.
        assert_eq!(
            shown(
                json!([{"a": 1, "b": 2}, {"c": 3}]),
                json!([{"x": 0}, {"b": 2, "a": 1}, {"c": 3}])
            ),
            [r#"$[0]: added, {"x":0}"#]
        );
    }

    #[test]
    fn numbers_compare_by_value_and_big_integers_exactly() {
        let shown = |old: Value, new: Value| -> Vec<String> {
            json_changes(&old, &new)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert!(shown(
            json!({"b": 1, "c": [-0.0, 100]}),
            json!({"b": 1.0, "c": [0, 1e2]})
        )
        .is_empty());
        // A list of another length is aligned on items equal by value.
        assert_eq!(
            shown(json!([1, 2, {"a": 3}]), json!([1.0, {"a": 3.0}])),
            ["$[1]: removed, was 2"]
        );
        assert_eq!(
            shown(json!({"big": u64::MAX}), json!({"big": u64::MAX - 1})),
            ["$.big: changed from 18446744073709551615 to 18446744073709551614"]
        );
        let entry = |json: Value| Entry {
            status: 200,
            headers: Default::default(),
            json: Some(json),
            text: None,
            base64: None,
            secrets: None,
        };
        let (approved, received) = (entry(json!({"b": 1})), entry(json!({"b": 1.0})));
        assert!(same(&approved, &received));
        assert!(describe(&approved, &received).is_empty());
        let big = (entry(json!([u64::MAX])), entry(json!([u64::MAX - 1])));
        assert!(!same(&big.0, &big.1));
    }

    #[test]
    fn entries_are_the_same_exactly_when_no_difference_is_described() {
        /// `json`, `text`, `base64`.
        type Parts = (Option<Value>, Option<&'static str>, Option<&'static [u8]>);
        let bodies: Vec<Parts> = vec![
            (None, None, None),
            (Some(json!({"a": 1})), None, None),
            (Some(json!({"a": 1.0})), None, None),
            (Some(json!({"a": 2})), None, None),
            (None, Some(""), None),
            (None, Some("caf\u{fffd}"), None),
            (None, Some("{\n  \"a\": 1\n}\n"), None),
            (None, None, Some(b"caf\xe9")),
            (None, None, Some(b"caf\xe8")),
            (None, None, Some(b"")),
            (Some(json!(1)), Some("x"), None),
        ];
        let mut entries = Vec::new();
        for (json, text, bytes) in &bodies {
            for status in [200, 201] {
                for secrets in [None, Some(crate::snapshot::Secrets::Masked)] {
                    entries.push(Entry {
                        status,
                        headers: Default::default(),
                        json: json.clone(),
                        text: text.map(str::to_owned),
                        base64: bytes.map(|b| crate::snapshot::Binary(b.to_vec())),
                        secrets,
                    });
                }
            }
        }
        for a in &entries {
            for b in &entries {
                let found = describe(a, b);
                assert_eq!(same(a, b), found.is_empty(), "{a:?}\n{b:?}\n{found:?}");
                assert_eq!(found.is_empty(), found.lines.is_empty(), "{found:?}");
            }
        }
    }

    #[test]
    fn a_body_that_comes_or_goes_is_called_empty_on_that_side() {
        let entry = |json: Option<Value>, text: Option<&str>| Entry {
            status: 200,
            headers: Default::default(),
            json,
            text: text.map(str::to_owned),
            base64: None,
            secrets: None,
        };
        let first = |a: &Entry, b: &Entry| describe(a, b).lines[0].text().to_owned();
        let empty = entry(None, None);
        let json = entry(Some(json!({"a": 1})), None);
        let text = entry(None, Some("ok"));
        assert_eq!(first(&empty, &json), "body: changed from empty to JSON");
        assert_eq!(first(&json, &empty), "body: changed from JSON to empty");
        assert_eq!(first(&empty, &text), "body: changed from empty to text");
        assert_eq!(first(&text, &json), "body: changed from text to JSON");
    }

    #[test]
    fn text_bodies_get_a_unified_diff() {
        let entry = |text: &str| Entry {
            status: 200,
            headers: Default::default(),
            json: None,
            text: Some(text.to_owned()),
            base64: None,
            secrets: None,
        };
        let found = describe(&entry("a\nb\nc\n"), &entry("a\nB\nc\n"));
        // One line replaced is one change; the headers are lines of their own.
        assert_eq!(found.count, 1, "{found:?}");
        assert_eq!(
            found.lines,
            [
                Line::Header("--- approved".into()),
                Line::Header("+++ received".into()),
                Line::Header("@@ -1,3 +1,3 @@".into()),
                Line::Shown(" a".into()),
                Line::Shown("-b".into()),
                Line::Shown("+B".into()),
                Line::Shown(" c".into()),
            ]
        );
        // Three lines replaced (two by three), two added, one removed.
        let found = describe(
            &entry("1\n2\n3\n4\n5\n6\n7\n8\n9\nlast"),
            &entry("1\nx\ny\nz\n4\nnew\nnew\n5\n6\n7\n8\nlast"),
        );
        assert_eq!(found.count, 3 + 2 + 1, "{found:?}");
        let found = describe(&entry("a\nb"), &entry("a\nb\n"));
        assert_eq!(found.count, 1, "{found:?}");
        assert!(
            found
                .lines
                .contains(&Line::Note("\\ No newline at end of file".into())),
            "{found:?}"
        );
        assert!(describe(&entry("same"), &entry("same")).is_empty());
        let mut masked = entry("same");
        masked.secrets = Some(crate::snapshot::Secrets::Masked);
        let found = describe(&entry("same"), &masked);
        assert_eq!(found.count, 1);
        assert_eq!(
            found.lines,
            [Line::Shown("secrets: changed from none to masked".into())]
        );
    }
}
