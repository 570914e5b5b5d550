//! The variable store of one collection run: one handlebars context, updated in place as
//! captures arrive, that every template renders against.

use handlebars::Context;
use serde_json::{Map, Value};

/// The variables of a run.
#[derive(Clone)]
pub struct Variables {
    context: Context,
}

impl Default for Variables {
    fn default() -> Self {
        Self::new()
    }
}

impl Variables {
    /// No variables.
    pub fn new() -> Self {
        Variables {
            context: Context::from(Value::Object(Map::new())),
        }
    }

    /// The context templates render against.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Sets `name` (a capture, a resolved variable), replacing any earlier value.
    pub fn set(&mut self, name: &str, value: Value) {
        if let Value::Object(map) = self.context.data_mut() {
            map.insert(name.to_owned(), value);
        }
    }

    /// Sets `key` inside the map variable `name` (created if absent), without copying the map.
    pub fn set_entry(&mut self, name: &str, key: &str, value: Value) {
        if let Value::Object(map) = self.context.data_mut() {
            let entry = map
                .entry(name.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                inner.insert(key.to_owned(), value);
            }
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.context.data().get(name)
    }
}
