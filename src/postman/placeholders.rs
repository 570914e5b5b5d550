//! `{{...}}` placeholders in Postman and runner text, shared by import and export: each
//! direction only says how one placeholder's inside is converted.

use serde_json::Value;

/// `text` with every `{{inner}}` written `{{convert(inner)}}` (`inner` trimmed); an opening
/// `{{` with no closing `}}` and everything outside placeholders are kept as they are. A
/// placeholder inside another (`{{host.{{one}}}}`) stays part of the outer one's `inner`.
pub fn map_placeholders(text: &str, mut convert: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(length) = closing(&rest[start + 2..]) else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = rest[start + 2..start + 2 + length].trim();
        rest = &rest[start + 2 + length + 2..];
        out.push_str("{{");
        out.push_str(&convert(inner));
        out.push_str("}}");
    }
    out.push_str(rest);
    out
}

/// `text` with everything outside `{{...}}` placeholders passed through `outside`, the
/// placeholders kept as they are written (an opening `{{` with no closing `}}` is outside).
pub fn map_outside(text: &str, mut outside: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(length) = closing(&rest[start + 2..]) else {
            break;
        };
        out.push_str(&outside(&rest[..start]));
        out.push_str(&rest[start..start + 2 + length + 2]);
        rest = &rest[start + 2 + length + 2..];
    }
    out.push_str(&outside(rest));
    out
}

/// Where the `}}` closing a placeholder whose inside starts `text` is, counting the `{{...}}`
/// nested in it.
fn closing(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while at + 1 < bytes.len() {
        match &bytes[at..at + 2] {
            b"{{" => {
                depth += 1;
                at += 2;
            }
            b"}}" if depth == 0 => return Some(at),
            b"}}" => {
                depth -= 1;
                at += 2;
            }
            _ => at += 1,
        }
    }
    None
}

/// The byte offset of the first of `chars` in `text` outside `{{...}}` placeholders: a `#` or
/// `?` inside a variable's name is part of the name, not a URL's fragment or query.
pub fn find_outside(text: &str, chars: &[char]) -> Option<usize> {
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        if let Some(after) = rest.strip_prefix("{{") {
            if let Some(length) = closing(after) {
                at += 2 + length + 2;
                continue;
            }
        }
        let c = rest.chars().next()?;
        if chars.contains(&c) {
            return Some(at);
        }
        at += c.len_utf8();
    }
    None
}

/// `text` with the inside of every `{{...}}` placeholder replaced by `_`, byte for byte: the
/// offsets of URL syntax found in it (`://`, `@`, `/`) are those of `text`, and a `@` or `:`
/// inside a variable's name is not found.
pub fn mask_placeholders(text: &str) -> String {
    let mut masked = text.as_bytes().to_vec();
    let mut at = 0;
    while let Some(start) = text[at..].find("{{").map(|i| at + i) {
        let Some(length) = closing(&text[start + 2..]) else {
            break;
        };
        masked[start + 2..start + 2 + length].fill(b'_');
        at = start + 2 + length + 2;
    }
    String::from_utf8(masked).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `value` with every string and object key passed through `convert`.
pub fn map_strings(value: &Value, convert: &mut impl FnMut(&str) -> String) -> Value {
    match value {
        Value::String(text) => Value::String(convert(text)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| map_strings(v, convert)).collect())
        }
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| (convert(key), map_strings(value, convert)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_each_placeholder_and_keeps_the_rest() {
        let out = map_placeholders("a {{ x }} b {{y}} {{open", |inner| inner.to_uppercase());
        assert_eq!(out, "a {{X}} b {{Y}} {{open");
    }

    #[test]
    fn a_nested_placeholder_is_part_of_the_outer_one() {
        let out = map_placeholders("https://{{host.{{one}}}}/get", |inner| format!("<{inner}>"));
        assert_eq!(out, "https://{{<host.{{one}}>}}/get");
    }

    #[test]
    fn finds_a_character_outside_placeholders_only() {
        let url = "{{p://}}://{{@}}:{{###}}@{{h}}/{{f/o/o}}?{{?}}={{&}}#top";
        assert_eq!(find_outside(url, &['?']), url.find("?{{?}}"));
        assert_eq!(find_outside(url, &['#']), url.find("#top"));
        assert_eq!(find_outside("{{a#b}}", &['#']), None);
        assert_eq!(find_outside("{{open #x", &['#']), Some(7));
    }

    #[test]
    fn walks_strings_and_keys() {
        let out = map_strings(&json!({"k": ["v", 1]}), &mut |s: &str| format!("<{s}>"));
        assert_eq!(out, json!({"<k>": ["<v>", 1]}));
    }
}
