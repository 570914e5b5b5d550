//! One approved (or pending) snapshot: what a step's response looked like, normalised and
//! masked, as it is stored in the YAML file.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The text that stands for a node an `ignore` path selects.
pub const IGNORED: &str = "[ignored]";

/// A step's response as a snapshot stores it: status, chosen headers, body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The status code.
    pub status: u16,
    /// The headers the step chose to keep, lower-cased name → value (masked).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A JSON body: keys sorted, ignored nodes replaced by [`IGNORED`], secrets masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// A body that is not JSON, as text (masked); absent for an empty body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A body that is not JSON and not UTF-8, byte for byte (masked), written as base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<Binary>,
    /// `masked` when a secret was masked in the entry: the stored values are not all the
    /// response held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Secrets>,
}

/// The bytes of a body that is not UTF-8. In the file, base64 (RFC 4648, padded) in lines of
/// 76 characters, so that a change shows as a changed line; read with any white space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary(pub Vec<u8>);

/// Characters of a line of [`Binary`] in the file (as MIME writes base64).
const BASE64_LINE: usize = 76;

impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let encoded = STANDARD.encode(&self.0);
        let mut text = String::with_capacity(encoded.len() + encoded.len() / BASE64_LINE + 1);
        // base64 is ASCII: every chunk is whole characters.
        for line in encoded.as_bytes().chunks(BASE64_LINE) {
            text.push_str(&String::from_utf8_lossy(line));
            text.push('\n');
        }
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        STANDARD.decode(compact).map(Binary).map_err(|error| {
            serde::de::Error::custom(format!(
                "`base64` is not base64 (RFC 4648, padded with `=`): {error}"
            ))
        })
    }
}

/// The `secrets` marker of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Secrets {
    /// At least one secret was replaced by `***`.
    Masked,
}

/// Builds the JSON of an entry: `value` with its object keys sorted and every node for
/// which `ignored` holds replaced by [`IGNORED`]. `ignored` sees the nodes of `value` itself
/// (compare addresses to match the nodes a JSONPath selected).
pub fn normalise(value: &Value, ignored: &dyn Fn(&Value) -> bool) -> Value {
    if ignored(value) {
        return Value::String(IGNORED.to_owned());
    }
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|key| (key.clone(), normalise(&map[key], ignored)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| normalise(item, ignored)).collect())
        }
        other => other.clone(),
    }
}

/// Applies `mask` to every text of `value` — object keys, strings, and numbers (as their
/// text; a masked number becomes a string). True if anything changed.
pub fn mask_json(value: &mut Value, mask: &dyn Fn(&str) -> Option<String>) -> bool {
    match value {
        Value::String(text) => match mask(text) {
            Some(masked) => {
                *text = masked;
                true
            }
            None => false,
        },
        Value::Number(number) => match mask(&number.to_string()) {
            Some(masked) => {
                *value = Value::String(masked);
                true
            }
            None => false,
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| mask_json(item, mask) | changed),
        Value::Object(map) => {
            let mut changed = false;
            let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for (key, mut item) in entries {
                changed |= mask_json(&mut item, mask);
                let key = match mask(&key) {
                    Some(masked) => {
                        changed = true;
                        masked
                    }
                    None => key,
                };
                map.insert(key, item);
            }
            changed
        }
        Value::Null | Value::Bool(_) => false,
    }
}

/// Applies `mask` to `bytes` read as Latin-1 (each byte one character, so that no byte is
/// lost and every secret the redactor knows in a form of ASCII, Latin-1 or UTF-8 read as
/// Latin-1 is found), and gives back the bytes, each mask's characters as their bytes. `None`
/// if nothing changed.
pub fn mask_bytes(bytes: &[u8], mask: &mut dyn FnMut(&str) -> Option<String>) -> Option<Vec<u8>> {
    let latin1: String = bytes.iter().copied().map(char::from).collect();
    let masked = mask(&latin1)?;
    let mut out = Vec::with_capacity(masked.len());
    for c in masked.chars() {
        match u8::try_from(c) {
            Ok(byte) => out.push(byte),
            // Not in Latin-1, so not from the body: a mask's own text, as UTF-8.
            Err(_) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_ignored_nodes_replaced() {
        let value = json!({"b": 1, "a": {"d": 2, "c": [3, {"z": 1, "y": 2}]}, "id": 7});
        let id = &value["id"];
        let normal = normalise(&value, &|node| std::ptr::eq(node, id));
        assert_eq!(
            serde_json::to_string(&normal).expect("json"),
            r#"{"a":{"c":[3,{"y":2,"z":1}],"d":2},"b":1,"id":"[ignored]"}"#
        );
    }

    #[test]
    fn masking_reaches_keys_strings_and_numbers() {
        let mut value = json!({"token": "abc-secret-1", "abc-secret-1": 1, "pin": 424242, "n": 5});
        let mask = |text: &str| {
            (text.contains("abc-secret-1") || text == "424242")
                .then(|| text.replace("abc-secret-1", "***").replace("424242", "***"))
        };
        assert!(mask_json(&mut value, &mask));
        assert_eq!(
            value,
            json!({"token": "***", "***": 1, "pin": "***", "n": 5})
        );
        let mut clean = json!({"n": [1, "two"]});
        assert!(!mask_json(&mut clean, &mask));
    }
}
