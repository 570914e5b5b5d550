//! `{{...}}` placeholders in Postman and runner text, shared by import and export: each
//! direction only says how one placeholder's inside is converted.

use serde_json::Value;

/// `text` with every `{{inner}}` written `{{convert(inner)}}` (`inner` trimmed); an opening
/// `{{` with no closing `}}` and everything outside placeholders are kept as they are.
pub fn map_placeholders(text: &str, mut convert: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(length) = rest[start + 2..].find("}}") else {
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
    fn walks_strings_and_keys() {
        let out = map_strings(&json!({"k": ["v", 1]}), &mut |s: &str| format!("<{s}>"));
        assert_eq!(out, json!({"<k>": ["<v>", 1]}));
    }
}
