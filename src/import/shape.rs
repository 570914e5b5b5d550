//! The shape of a Postman collection or environment file, checked before it is read: a field
//! of the wrong type (`"method": 5`, `"query": {...}`) is named by its path, its line and
//! column, and the type Postman writes there, rather than by the internal type serde could
//! not fill (`data did not match any variant of untagged enum RequestOrUrl`) at the end of
//! the item. The checks follow the types of [`super::postman`]: what passes here, they read.

use serde_json::{Map, Value};

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// An object's member.
    Field(String),
    /// A list's item.
    Index(usize),
}

/// A field of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misshapen {
    /// Where it is.
    pub path: Vec<Key>,
    /// What it is (`a number`), or `None` when it is missing.
    pub found: Option<&'static str>,
    /// What Postman writes there, in the user's words.
    pub expected: &'static str,
}

impl Misshapen {
    /// `item[0].request.method`.
    pub fn path_text(&self) -> String {
        let mut text = String::new();
        for key in &self.path {
            match key {
                Key::Field(name) if text.is_empty() => text.push_str(name),
                Key::Field(name) => {
                    text.push('.');
                    text.push_str(name);
                }
                Key::Index(index) => text.push_str(&format!("[{index}]")),
            }
        }
        text
    }

    /// What is wrong and where, in `text` (the document it was found in).
    pub fn describe(&self, text: &str) -> String {
        let (line, column) = line_column(text, locate(text, &self.path));
        let path = self.path_text();
        match self.found {
            Some(found) => format!(
                "`{path}` at line {line}, column {column} is {found}: it should be {}",
                self.expected
            ),
            None => format!(
                "`{path}` is missing (line {line}, column {column}): it should be {}",
                self.expected
            ),
        }
    }
}

/// The path to the value being checked.
#[derive(Debug, Default)]
struct Path(Vec<Key>);

impl std::ops::Deref for Path {
    type Target = Vec<Key>;
    fn deref(&self) -> &Vec<Key> {
        &self.0
    }
}

impl std::ops::DerefMut for Path {
    fn deref_mut(&mut self) -> &mut Vec<Key> {
        &mut self.0
    }
}

type Checked = Result<(), Misshapen>;

/// A check of one value at `path`.
type Check = fn(&Value, &mut Path) -> Checked;

/// Checks a collection (an object at the top).
pub fn collection(value: &Value) -> Checked {
    object(value, &mut Path::default(), "an object", COLLECTION)
}

/// Checks an environment file (an object at the top).
pub fn environment(value: &Value) -> Checked {
    object(value, &mut Path::default(), "an object", ENVIRONMENT)
}

const COLLECTION: &[(&str, Check)] = &[
    ("info", info),
    ("name", optional_text),
    ("item", items),
    ("auth", auth),
    ("event", events),
    ("variable", variables),
    ("protocolProfileBehavior", settings),
];

const ITEM: &[(&str, Check)] = &[
    ("name", optional_text),
    ("item", folder_items),
    ("request", request),
    ("event", events),
    ("variable", variables),
    ("auth", auth),
    ("protocolProfileBehavior", settings),
    ("response", list_of_anything),
];

const REQUEST: &[(&str, Check)] = &[
    ("method", method),
    ("url", url),
    ("header", headers),
    ("body", body),
    ("auth", auth),
];

const URL: &[(&str, Check)] = &[
    ("raw", optional_text),
    ("protocol", optional_text),
    ("host", text_or_list),
    ("port", optional_text),
    ("path", text_or_list),
    ("query", key_values),
    ("variable", variables),
    ("auth", optional_object),
];

const KEY_VALUE: &[(&str, Check)] = &[
    ("key", optional_text),
    ("disabled", flag),
    ("type", optional_text),
    ("contentType", optional_text),
];

const BODY: &[(&str, Check)] = &[
    ("mode", optional_text),
    ("raw", raw),
    ("urlencoded", key_values),
    ("formdata", key_values),
    ("file", file),
    ("graphql", graphql),
    ("disabled", flag),
];

const EVENT: &[(&str, Check)] = &[("listen", text), ("script", script), ("disabled", flag)];

const VARIABLE: &[(&str, Check)] = &[
    ("key", optional_text),
    ("id", optional_text),
    ("type", optional_text),
    ("disabled", flag),
];

const ENVIRONMENT: &[(&str, Check)] = &[("name", optional_text), ("values", environment_values)];

const ENVIRONMENT_VALUE: &[(&str, Check)] = &[("type", optional_text), ("enabled", flag)];

fn wrong(value: &Value, path: &[Key], expected: &'static str) -> Checked {
    Err(Misshapen {
        path: path.to_vec(),
        found: Some(crate::spec::text::json_kind(value)),
        expected,
    })
}

/// `value` is an object whose known `fields` pass their checks (others are not read).
fn object(
    value: &Value,
    path: &mut Path,
    expected: &'static str,
    fields: &[(&str, Check)],
) -> Checked {
    let Value::Object(map) = value else {
        return wrong(value, path, expected);
    };
    members(map, path, fields)
}

fn members(map: &Map<String, Value>, path: &mut Path, fields: &[(&str, Check)]) -> Checked {
    for (name, check) in fields {
        if let Some(member) = map.get(*name) {
            path.push(Key::Field((*name).to_owned()));
            check(member, path)?;
            path.pop();
        }
    }
    Ok(())
}

/// `value` is a list whose items pass `check`.
fn list(value: &Value, path: &mut Path, expected: &'static str, check: Check) -> Checked {
    let Value::Array(list) = value else {
        return wrong(value, path, expected);
    };
    for (index, item) in list.iter().enumerate() {
        path.push(Key::Index(index));
        check(item, path)?;
        path.pop();
    }
    Ok(())
}

fn text(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) => Ok(()),
        _ => wrong(value, path, "text"),
    }
}

fn optional_text(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) | Value::Null => Ok(()),
        _ => wrong(value, path, "text"),
    }
}

fn method(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) | Value::Null => Ok(()),
        _ => wrong(value, path, "text: the HTTP method, such as \"GET\""),
    }
}

fn raw(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) | Value::Null => Ok(()),
        _ => wrong(
            value,
            path,
            "text: the body as written (a JSON body too is text there, as Postman exports it)",
        ),
    }
}

fn flag(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Bool(_) => Ok(()),
        _ => wrong(value, path, "true or false"),
    }
}

fn optional_object(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Object(_) | Value::Null => Ok(()),
        _ => wrong(value, path, "an object"),
    }
}

fn settings(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Object(_) | Value::Null => Ok(()),
        _ => wrong(
            value,
            path,
            "an object of settings, such as { \"followRedirects\": false }",
        ),
    }
}

fn list_of_anything(value: &Value, path: &mut Path) -> Checked {
    list(value, path, "a list", |_, _| Ok(()))
}

fn info(value: &Value, path: &mut Path) -> Checked {
    object(
        value,
        path,
        "an object with `name` and `schema`",
        &[("name", text), ("schema", optional_text)],
    )
}

fn items(value: &Value, path: &mut Path) -> Checked {
    list(value, path, "a list of requests and folders", item)
}

fn folder_items(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Null => Ok(()),
        _ => items(value, path),
    }
}

fn item(value: &Value, path: &mut Path) -> Checked {
    object(
        value,
        path,
        "an object: a request (`name`, `request`) or a folder (`name`, `item`)",
        ITEM,
    )
}

fn request(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) | Value::Null => Ok(()),
        _ => object(
            value,
            path,
            "an object with `method`, `url`, `header` and `body` (or the URL as text)",
            REQUEST,
        ),
    }
}

fn url(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) | Value::Null => Ok(()),
        _ => object(
            value,
            path,
            "text (the URL) or an object with `raw`, `host`, `path` and `query`",
            URL,
        ),
    }
}

fn text_or_list(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) | Value::Array(_) | Value::Null => Ok(()),
        _ => wrong(value, path, "text, or a list of its parts"),
    }
}

fn headers(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::String(_) | Value::Null => Ok(()),
        _ => list(
            value,
            path,
            "a list of { \"key\": ..., \"value\": ... } objects (or `Name: value` lines as text)",
            key_value,
        ),
    }
}

fn key_values(value: &Value, path: &mut Path) -> Checked {
    list(
        value,
        path,
        "a list of { \"key\": ..., \"value\": ... } objects",
        key_value,
    )
}

fn key_value(value: &Value, path: &mut Path) -> Checked {
    object(
        value,
        path,
        "an object { \"key\": ..., \"value\": ... }",
        KEY_VALUE,
    )
}

fn body(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Null => Ok(()),
        _ => object(
            value,
            path,
            "an object with `mode` and the body under that mode's name (`raw`, `urlencoded`, ...)",
            BODY,
        ),
    }
}

fn file(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Null => Ok(()),
        _ => object(
            value,
            path,
            "an object { \"src\": \"path\" }",
            &[("src", optional_text)],
        ),
    }
}

fn graphql(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Null => Ok(()),
        _ => object(
            value,
            path,
            "an object with `query` and `variables`",
            &[("query", optional_text), ("operationName", optional_text)],
        ),
    }
}

fn auth(value: &Value, path: &mut Path) -> Checked {
    let Value::Object(map) = value else {
        return match value {
            Value::Null => Ok(()),
            _ => wrong(
                value,
                path,
                "an object with `type` (`basic`, `bearer`, ...)",
            ),
        };
    };
    match map.get("type") {
        Some(Value::String(_)) => Ok(()),
        Some(other) => {
            path.push(Key::Field("type".to_owned()));
            wrong(
                other,
                path,
                "text: the auth's type (`noauth`, `basic`, `bearer`, `apikey`, ...)",
            )
        }
        None => Err(Misshapen {
            path: path.to_vec(),
            found: None,
            expected: "an object with `type` (`noauth`, `basic`, `bearer`, `apikey`, ...)",
        }),
    }
}

fn events(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Array(_) => list(value, path, "a list of scripts", event),
        _ => event(value, path),
    }
}

fn event(value: &Value, path: &mut Path) -> Checked {
    object(
        value,
        path,
        "an object { \"listen\": \"test\", \"script\": { \"exec\": [...] } } (or a list of them)",
        EVENT,
    )
}

fn script(value: &Value, path: &mut Path) -> Checked {
    match value {
        Value::Null => Ok(()),
        _ => object(
            value,
            path,
            "an object { \"exec\": [lines] }",
            &[("exec", text_or_list)],
        ),
    }
}

fn variables(value: &Value, path: &mut Path) -> Checked {
    list(
        value,
        path,
        "a list of { \"key\": ..., \"value\": ... } objects",
        variable,
    )
}

fn variable(value: &Value, path: &mut Path) -> Checked {
    object(
        value,
        path,
        "an object { \"key\": ..., \"value\": ... }",
        VARIABLE,
    )
}

fn environment_values(value: &Value, path: &mut Path) -> Checked {
    list(
        value,
        path,
        "a list of { \"key\": ..., \"value\": ... } objects",
        environment_value,
    )
}

fn environment_value(value: &Value, path: &mut Path) -> Checked {
    let expected = "an object { \"key\": ..., \"value\": ... }";
    object(value, path, expected, ENVIRONMENT_VALUE)?;
    match value.get("key") {
        Some(Value::String(_)) => Ok(()),
        Some(other) => {
            path.push(Key::Field("key".to_owned()));
            wrong(other, path, "text: the variable's name")
        }
        None => Err(Misshapen {
            path: path.to_vec(),
            found: None,
            expected: "an object with `key`, the variable's name",
        }),
    }
}

/// The byte offset in `text` (a JSON document) where the value at `path` starts; where the
/// path leads nowhere, where its deepest existing part starts.
pub fn locate(text: &str, path: &[Key]) -> usize {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    for key in path {
        let found = match (key, bytes.get(at)) {
            (Key::Field(name), Some(b'{')) => member(text, at, name),
            (Key::Index(index), Some(b'[')) => element(bytes, at, *index),
            _ => None,
        };
        match found {
            Some(start) => at = start,
            None => break,
        }
    }
    at
}

/// Where the (last) member `name` of the object at `at` starts its value.
fn member(text: &str, at: usize, name: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut found = None;
    let mut at = skip_space(bytes, at + 1);
    while bytes.get(at) == Some(&b'"') {
        let end = skip_string(bytes, at);
        let key: Option<String> = serde_json::from_str(text.get(at..end)?).ok();
        at = skip_space(bytes, end);
        if bytes.get(at) != Some(&b':') {
            return found;
        }
        let value = skip_space(bytes, at + 1);
        if key.as_deref() == Some(name) {
            found = Some(value);
        }
        at = skip_space(bytes, skip_value(bytes, value));
        if bytes.get(at) != Some(&b',') {
            break;
        }
        at = skip_space(bytes, at + 1);
    }
    found
}

/// Where item `index` of the list at `at` starts.
fn element(bytes: &[u8], at: usize, index: usize) -> Option<usize> {
    let mut at = skip_space(bytes, at + 1);
    for _ in 0..index {
        at = skip_space(bytes, skip_value(bytes, at));
        if bytes.get(at) != Some(&b',') {
            return None;
        }
        at = skip_space(bytes, at + 1);
    }
    (bytes.get(at) != Some(&b']')).then_some(at)
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// The end of the string starting at `at` (just past its closing quote).
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    at += 1;
    while let Some(&byte) = bytes.get(at) {
        at += match byte {
            b'\\' => 2,
            b'"' => return at + 1,
            _ => 1,
        };
    }
    at
}

/// The end of the value starting at `at`.
fn skip_value(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b'"') => skip_string(bytes, at),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut at = at;
            while let Some(&byte) = bytes.get(at) {
                match byte {
                    b'"' => {
                        at = skip_string(bytes, at);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return at + 1;
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            at
        }
        _ => {
            let mut at = at;
            while bytes
                .get(at)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                at += 1;
            }
            at
        }
    }
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
pub fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> String {
        let value: Value = serde_json::from_str(text).expect("JSON");
        collection(&value).expect_err("misshapen").describe(text)
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_with_its_place_and_what_it_should_be() {
        let text =
            "{\"item\": [{\"name\": \"a\"},\n {\"request\": {\"url\": \"x\",\n  \"method\": 5}}]}";
        assert_eq!(
            problem(text),
            "`item[1].request.method` at line 3, column 13 is a number: it should be text: the \
             HTTP method, such as \"GET\""
        );
        let text = r#"{"item": [{"request": {"body": {"urlencoded": "a=1"}}}]}"#;
        assert!(problem(text).starts_with(
            "`item[0].request.body.urlencoded` at line 1, column 47 is text: it should be a list"
        ));
        let text = r#"{"item": [{"request": {"url": {"query": {"a": 1}}}}]}"#;
        assert!(problem(text)
            .starts_with("`item[0].request.url.query` at line 1, column 41 is an object"));
        let text = r#"{"item": [{"request": {"auth": {"bearer": []}}}]}"#;
        assert!(
            problem(text).starts_with("`item[0].request.auth` is missing (line 1, column 32)"),
            "{}",
            problem(text)
        );
    }

    #[test]
    fn the_locator_skips_strings_escapes_and_nesting() {
        let text = r#"{"a": "x\"}]", "b": [{"c": [1, {"d": 2}]}, "z"], "b": [0, true]}"#;
        let at = locate(text, &[Key::Field("b".into()), Key::Index(1)]);
        assert_eq!(&text[at..at + 4], "true");
        let at = locate(text, &[Key::Field("a".into())]);
        assert_eq!(&text[at..at + 2], "\"x");
        let at = locate(text, &[Key::Field("nope".into())]);
        assert_eq!(at, 0);
    }

    #[test]
    fn every_collection_the_check_passes_serde_reads() {
        // Each field of the model with a value of every JSON type: what the check passes,
        // serde reads; what it refuses, serde refuses too (a list aside, below).
        let samples = [
            "null",
            "true",
            "1",
            "\"t\"",
            "[]",
            "[{}]",
            "{}",
            "{\"type\": \"basic\"}",
        ];
        let places = [
            r#"{"info": {"name": "n", "schema": X}, "item": []}"#,
            r#"{"info": X, "item": []}"#,
            r#"{"item": X}"#,
            r#"{"item": [X]}"#,
            r#"{"item": [{"item": X}]}"#,
            r#"{"item": [{"request": X}]}"#,
            r#"{"item": [{"request": {"method": X}}]}"#,
            r#"{"item": [{"request": {"url": X}}]}"#,
            r#"{"item": [{"request": {"url": {"host": X, "path": X, "port": X}}}]}"#,
            r#"{"item": [{"request": {"url": {"query": X}}}]}"#,
            r#"{"item": [{"request": {"url": {"query": [{"key": X, "disabled": X}]}}}]}"#,
            r#"{"item": [{"request": {"header": X}}]}"#,
            r#"{"item": [{"request": {"body": X}}]}"#,
            r#"{"item": [{"request": {"body": {"mode": X, "raw": X}}}]}"#,
            r#"{"item": [{"request": {"body": {"urlencoded": X, "formdata": X}}}]}"#,
            r#"{"item": [{"request": {"body": {"file": X, "graphql": X}}}]}"#,
            r#"{"item": [{"request": {"auth": X}}]}"#,
            r#"{"item": [{"event": X}]}"#,
            r#"{"item": [{"event": [{"listen": X, "script": X}]}]}"#,
            r#"{"item": [{"event": [{"script": {"exec": X}}]}]}"#,
            r#"{"item": [{"variable": X}]}"#,
            r#"{"item": [{"variable": [{"key": X, "value": X, "disabled": X}]}]}"#,
            r#"{"item": [], "protocolProfileBehavior": X}"#,
            r#"{"item": [{"response": X}]}"#,
            r#"{"item": [], "auth": {"type": X}}"#,
        ];
        for place in places {
            for sample in samples {
                let text = place.replace('X', sample);
                let value: Value = serde_json::from_str(&text).expect("JSON");
                let checked = collection(&value).is_ok();
                let read = serde_json::from_str::<super::super::postman::Collection>(&text).is_ok();
                // serde also reads a struct from a list of its fields in order, which no
                // Postman file writes: the check refuses that, and agrees on the rest.
                if checked || !sample.starts_with('[') {
                    assert_eq!(checked, read, "{text}");
                }
            }
        }
    }
}
