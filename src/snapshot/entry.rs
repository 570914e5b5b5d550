//! One approved (or pending) snapshot: what a step's response looked like, normalised and
//! masked, as it is stored in the YAML file.

use std::collections::BTreeMap;

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
    /// `masked` when a secret was masked in the entry: the stored values are not all the
    /// response held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Secrets>,
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
