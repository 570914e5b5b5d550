//! Values derived from a schema for `runner import openapi`: its example, default, first
//! enum value or const, else one built from its type that fits its constraints.

use serde_json::{json, Map as JsonMap, Value};

use super::writer::Writer;
use crate::openapi::document::{escape, Place};

/// The deepest a schema-derived value goes.
const MAX_DEPTH: usize = 6;

impl Writer<'_> {
    /// A value that fits `schema`: its example, default, first enum value or const, else
    /// built from its type (a request leaves `readOnly` properties out).
    pub(super) fn sample(
        &mut self,
        place: &Place,
        schema: &Value,
        depth: usize,
        request: bool,
    ) -> Value {
        let Ok((place, schema)) = self.documents.resolve(place, schema) else {
            return Value::Null;
        };
        for keyword in ["example", "default", "const"] {
            if let Some(value) = schema.get(keyword) {
                return value.clone();
            }
        }
        if let Some(Value::Array(examples)) = schema.get("examples") {
            if let Some(first) = examples.first() {
                return first.clone();
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            if let Some(first) = values.iter().find(|v| !v.is_null()) {
                return first.clone();
            }
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let at = |suffix: String| Place {
            file: place.file,
            pointer: format!("{}{suffix}", place.pointer),
        };
        if let Some(Value::Array(all)) = schema.get("allOf") {
            let mut merged = JsonMap::new();
            let mut other = None;
            for (i, part) in all.iter().enumerate() {
                match self.sample(&at(format!("/allOf/{i}")), part, depth + 1, request) {
                    Value::Object(fields) => merged.extend(fields),
                    Value::Null => {}
                    value => other = Some(value),
                }
            }
            if merged.is_empty() {
                if let Some(value) = other {
                    return value;
                }
            }
            if let Value::Object(own) = self.object(&place, &schema, depth, request) {
                merged.extend(own);
            }
            return Value::Object(merged);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(options)) = schema.get(keyword) {
                if let Some(first) = options.first() {
                    return self.sample(&at(format!("/{keyword}/0")), first, depth + 1, request);
                }
            }
        }
        let kind = match schema.get("type") {
            Some(Value::String(kind)) => kind.clone(),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|k| *k != "null")
                .unwrap_or("null")
                .to_owned(),
            _ if schema.get("properties").is_some() => "object".into(),
            _ if schema.get("items").is_some() => "array".into(),
            _ => String::new(),
        };
        match kind.as_str() {
            "object" => self.object(&place, &schema, depth, request),
            "array" => match schema.get("items") {
                Some(items) => {
                    json!([self.sample(&at("/items".into()), items, depth + 1, request)])
                }
                None => json!([]),
            },
            "integer" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
            "number" => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.5)),
            "boolean" => json!(true),
            "string" => json!(sample_string(&schema)),
            "null" => Value::Null,
            _ => json!("example"),
        }
    }

    pub(super) fn object(
        &mut self,
        place: &Place,
        schema: &Value,
        depth: usize,
        request: bool,
    ) -> Value {
        let mut out = JsonMap::new();
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let property_place = Place {
                file: place.file,
                pointer: format!("{}/properties/{}", place.pointer, escape(name)),
            };
            let resolved = self
                .documents
                .resolve(&property_place, property)
                .map(|(_, v)| v)
                .unwrap_or_else(|_| property.clone());
            let read_only = resolved.get("readOnly") == Some(&Value::Bool(true));
            let write_only = resolved.get("writeOnly") == Some(&Value::Bool(true));
            if (request && read_only) || (!request && write_only) {
                continue;
            }
            // Optional properties deep down are left out to keep bodies small.
            if depth > 2 && !required.contains(&name.as_str()) {
                continue;
            }
            if request {
                if let Some(secret) = self.password_input(&resolved, name) {
                    out.insert(name.clone(), Value::String(secret));
                    continue;
                }
            }
            out.insert(
                name.clone(),
                self.sample(&property_place, property, depth + 1, request),
            );
        }
        Value::Object(out)
    }
}

impl Writer<'_> {
    /// For a string schema of `format: password` (resolved), the template of the secret
    /// input that stands for it — `{{env.PASSWORD}}` for a field named `password`, declared
    /// the first time a name asks for it — so that an imported collection never holds a
    /// password (not even the document's example of one) and runner redacts it in every
    /// output. `None` for any other schema.
    pub(super) fn password_input(&mut self, schema: &Value, name: &str) -> Option<String> {
        if schema.get("format").and_then(Value::as_str) != Some("password") {
            return None;
        }
        let input = self.secret_input(
            name,
            &format!("The `{name}` the API takes as a password (`format: password`)."),
        );
        Some(format!("{{{{env.{input}}}}}"))
    }

    /// Replaces, in a request's `example`, each field `schema` calls a password (at any
    /// depth, through `$ref`, `allOf` and array items) with its secret input.
    pub(super) fn hide_passwords(
        &mut self,
        place: &Place,
        schema: &Value,
        example: &mut Value,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let Ok((place, schema)) = self.documents.resolve(place, schema) else {
            return;
        };
        let at = |suffix: String| Place {
            file: place.file,
            pointer: format!("{}{suffix}", place.pointer),
        };
        if let Some(Value::Array(all)) = schema.get("allOf") {
            for (i, part) in all.iter().enumerate() {
                self.hide_passwords(&at(format!("/allOf/{i}")), part, example, depth + 1);
            }
        }
        match example {
            Value::Object(fields) => {
                let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                for (name, property) in properties {
                    let Some(field) = fields.get_mut(name) else {
                        continue;
                    };
                    let property_place = at(format!("/properties/{}", escape(name)));
                    let resolved = self
                        .documents
                        .resolve(&property_place, property)
                        .map(|(_, v)| v)
                        .unwrap_or_else(|_| property.clone());
                    match self.password_input(&resolved, name) {
                        Some(secret) => *field = Value::String(secret),
                        None => self.hide_passwords(&property_place, property, field, depth + 1),
                    }
                }
            }
            Value::Array(elements) => {
                if let Some(items) = schema.get("items") {
                    for element in elements {
                        self.hide_passwords(&at("/items".into()), items, element, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The longest string derived from a schema's `minLength`.
const MAX_DERIVED_LENGTH: usize = 4096;

fn sample_string(schema: &Value) -> String {
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "12:00:00",
        "email" => "user@example.com",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "uri" | "url" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZXhhbXBsZQ==",
        _ => "example",
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut text = text.to_owned();
    // A document may ask for any length: a derived value stops at MAX_DERIVED_LENGTH (a
    // request of gigabytes is not a smoke test; the contract check then says what it wants).
    while text.len() < min.min(MAX_DERIVED_LENGTH) {
        text.push('x');
    }
    if text.len() > max {
        text.truncate(max);
    }
    text
}
