//! Values derived from a schema for `runner import openapi`: its example, default, first
//! enum value or const, else one built from its type that fits its constraints.

use std::collections::HashSet;

use serde_json::{json, Map as JsonMap, Value};

use super::writer::Writer;
use crate::openapi::document::{escape, Place};

/// The deepest a schema-derived value goes.
const MAX_DEPTH: usize = 6;

impl Writer<'_> {
    /// A value that fits `schema`: its example, default, first enum value or const, else
    /// built from its type (a request leaves `readOnly` properties out). In a request, a
    /// password — the value itself (of the field or parameter `name`) or any field in it —
    /// is its secret input ([`Self::password_input`]), never the document's example.
    pub(super) fn sample(
        &mut self,
        place: &Place,
        schema: &Value,
        depth: usize,
        request: bool,
        name: &str,
    ) -> Value {
        let Ok((place, schema)) = self.documents.resolve(place, schema) else {
            return Value::Null;
        };
        if request && self.is_password(&place, &schema) {
            return Value::String(self.password_input(name));
        }
        let given = ["example", "default", "const"]
            .iter()
            .find_map(|keyword| schema.get(*keyword))
            .or_else(|| schema.get("examples").and_then(|e| e.as_array()?.first()))
            .or_else(|| {
                let values = schema.get("enum")?.as_array()?;
                values.iter().find(|v| !v.is_null())
            });
        let given = given
            .cloned()
            .and_then(|given| self.document_value(&given, &format!("the value of {name}")));
        if let Some(mut value) = given {
            if request {
                self.hide_passwords(&place, &schema, name, &mut value);
            }
            return value;
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
                match self.sample(&at(format!("/allOf/{i}")), part, depth + 1, request, name) {
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
                    let first_place = at(format!("/{keyword}/0"));
                    return self.sample(&first_place, first, depth + 1, request, name);
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
                    json!([self.sample(&at("/items".into()), items, depth + 1, request, name)])
                }
                None => json!([]),
            },
            "integer" | "number" => {
                let derived = super::derived::number(&schema, kind == "integer");
                self.derived(derived, &place, name, request)
            }
            "boolean" => json!(true),
            "string" => {
                // Sent as its text: a template's `{{` escaped.
                let derived = super::derived::string(&schema).and_then(|text| {
                    crate::template::literal(&text)
                        .map(|text| json!(text))
                        .map_err(|error| {
                            format!("the value derived from it cannot be written: {error}")
                        })
                });
                self.derived(derived, &place, name, request)
            }
            "null" => Value::Null,
            _ => json!("example"),
        }
    }

    /// A value derived from the schema at `place` (of the field or parameter `name`), or,
    /// when none fits it (`why`), in a request a required input the user sets (reported with
    /// what, where and why: nothing made up is sent); in a response (what a create returns)
    /// `null`.
    fn derived(
        &mut self,
        derived: Result<Value, String>,
        place: &Place,
        name: &str,
        request: bool,
    ) -> Value {
        let why = match derived {
            Ok(value) => return value,
            Err(_) if !request => return Value::Null,
            Err(why) => why,
        };
        let item = self.item.clone();
        let what = format!(
            "{} (schema {})",
            if name.is_empty() {
                "the request body"
            } else {
                name
            },
            self.documents.describe(place)
        );
        let variable = self.placeholder_because(
            &item,
            &what,
            if name.is_empty() { "value" } else { name },
            &why,
        );
        Value::String(format!("{{{{{variable}}}}}"))
    }

    /// The document's value (an example, a default, an enum value) as the importer writes
    /// it: each string a template that sends its text ([`crate::template::literal`]). A text
    /// with a `\` right before `{{` has none: reported, and `None` (the caller derives a
    /// value instead).
    pub(super) fn document_value(&mut self, value: &Value, what: &str) -> Option<Value> {
        match escape_strings(value) {
            Ok(escaped) => Some(escaped),
            Err(error) => {
                self.report.lossy(
                    &self.item,
                    what.to_owned(),
                    format!("the document's example cannot be written: {error}; a value derived from the schema is written instead"),
                );
                None
            }
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
            let property_place = place.under(&format!("properties/{}", escape(name)));
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
            out.insert(
                name.clone(),
                self.sample(&property_place, property, depth + 1, request, name),
            );
        }
        Value::Object(out)
    }
}

/// The deepest [`Writer::hide_passwords`] goes into an example (which is finite: this only
/// bounds a pathological one).
const MAX_PASSWORD_DEPTH: usize = 64;

impl Writer<'_> {
    /// Whether `schema` says a password: `format: password`, on it or on any schema it
    /// combines (`$ref`, `allOf`, `oneOf`, `anyOf` — a nullable password is one). Each
    /// schema is looked at once, so cycles and repeated `$ref`s cost nothing more.
    pub(super) fn is_password(&mut self, place: &Place, schema: &Value) -> bool {
        self.says_password(place, schema, &mut HashSet::new())
    }

    /// Whether `schema` calls any value in it a password (its own, a property's, an item's,
    /// at any depth): a text example of it (XML) may hold one where it cannot be replaced.
    pub(super) fn holds_password(&mut self, place: &Place, schema: &Value) -> bool {
        self.holds_password_in(place, schema, &mut HashSet::new(), 0)
    }

    fn holds_password_in(
        &mut self,
        place: &Place,
        schema: &Value,
        seen: &mut HashSet<Place>,
        depth: usize,
    ) -> bool {
        if depth > MAX_PASSWORD_DEPTH {
            return false;
        }
        let Ok((place, schema)) = self.documents.resolve(place, schema) else {
            return false;
        };
        if !seen.insert(place.clone()) {
            return false;
        }
        if self.is_password(&place, &schema) {
            return true;
        }
        let at = |suffix: String| Place {
            file: place.file,
            pointer: format!("{}{suffix}", place.pointer),
        };
        let mut parts: Vec<(Place, Value)> = Vec::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                parts.push((
                    at(format!("/properties/{}", escape(name))),
                    property.clone(),
                ));
            }
        }
        for keyword in ["items", "additionalProperties"] {
            if let Some(part) = schema.get(keyword).filter(|p| p.is_object()) {
                parts.push((at(format!("/{keyword}")), part.clone()));
            }
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(options)) = schema.get(keyword) {
                for (i, part) in options.iter().enumerate() {
                    parts.push((at(format!("/{keyword}/{i}")), part.clone()));
                }
            }
        }
        parts
            .iter()
            .any(|(at, part)| self.holds_password_in(at, part, seen, depth + 1))
    }

    /// From a list, not by recursion: a chain of thousands of `allOf`s is as long as the list,
    /// never as deep as the stack.
    fn says_password(&mut self, place: &Place, schema: &Value, seen: &mut HashSet<Place>) -> bool {
        let mut pending = vec![(place.clone(), schema.clone())];
        while let Some((place, schema)) = pending.pop() {
            let Ok((place, schema)) = self.documents.resolve(&place, &schema) else {
                continue;
            };
            if !seen.insert(place.clone()) {
                continue;
            }
            if schema.get("format").and_then(Value::as_str) == Some("password") {
                return true;
            }
            for keyword in ["allOf", "oneOf", "anyOf"] {
                if let Some(Value::Array(parts)) = schema.get(keyword) {
                    // Reversed: the first part is looked at first, as before.
                    for (i, part) in parts.iter().enumerate().rev() {
                        pending.push((place.under(&format!("{keyword}/{i}")), part.clone()));
                    }
                }
            }
        }
        false
    }

    /// The template of the secret input that stands for a password named `name` —
    /// `{{env.PASSWORD}}` for a field `password` — declared the first time it is asked
    /// for, so that an imported collection never holds a password and runner masks it in
    /// every output.
    pub(super) fn password_input(&mut self, name: &str) -> String {
        // `newPassword` is `NEW_PASSWORD`, not `NEWPASSWORD`.
        let mut words = String::with_capacity(name.len() + 4);
        let mut previous: Option<char> = None;
        for c in name.chars() {
            if c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
            {
                words.push('_');
            }
            words.push(c);
            previous = Some(c);
        }
        let input = self.secret_input(
            &words,
            &format!("The `{name}` the API takes as a password (`format: password`)."),
        );
        format!("{{{{env.{input}}}}}")
    }

    /// Replaces, in `value` (a request's example of `schema`: a whole body, or the value of
    /// the field or parameter `name`), each scalar the schema calls a password with its
    /// secret input: at any depth, through `$ref`, `allOf`, `oneOf`, `anyOf` (every branch:
    /// hiding too much is the safe side), properties, `additionalProperties` and array
    /// items.
    pub(super) fn hide_passwords(
        &mut self,
        place: &Place,
        schema: &Value,
        name: &str,
        value: &mut Value,
    ) {
        self.hide_in(place, schema, name, value, &mut HashSet::new(), 0);
    }

    /// [`Self::hide_passwords`] for one node of the example; `seen` holds the schemas
    /// already applied to this node (each is applied once).
    fn hide_in(
        &mut self,
        place: &Place,
        schema: &Value,
        name: &str,
        value: &mut Value,
        seen: &mut HashSet<Place>,
        depth: usize,
    ) {
        if depth > MAX_PASSWORD_DEPTH {
            return;
        }
        let Ok((place, schema)) = self.documents.resolve(place, schema) else {
            return;
        };
        if !seen.insert(place.clone()) {
            return;
        }
        let at = |suffix: String| Place {
            file: place.file,
            pointer: format!("{}{suffix}", place.pointer),
        };
        // A null is no password (a nullable password's example may be one): kept.
        let scalar = !(value.is_object() || value.is_array() || value.is_null());
        if scalar && self.is_password(&place, &schema) {
            *value = Value::String(self.password_input(name));
            return;
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = schema.get(keyword) {
                for (i, part) in parts.iter().enumerate() {
                    let part_place = at(format!("/{keyword}/{i}"));
                    self.hide_in(&part_place, part, name, value, seen, depth + 1);
                }
            }
        }
        match value {
            Value::Object(fields) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let additional = schema.get("additionalProperties").filter(|a| a.is_object());
                for (field_name, field) in fields.iter_mut() {
                    let (field_place, field_schema) = match properties
                        .and_then(|p| p.get(field_name))
                    {
                        Some(property) => {
                            (at(format!("/properties/{}", escape(field_name))), property)
                        }
                        None => match additional {
                            Some(additional) => (at("/additionalProperties".into()), additional),
                            None => continue,
                        },
                    };
                    let fresh = &mut HashSet::new();
                    self.hide_in(
                        &field_place,
                        field_schema,
                        field_name,
                        field,
                        fresh,
                        depth + 1,
                    );
                }
            }
            Value::Array(elements) => {
                if let Some(items) = schema.get("items") {
                    for element in elements {
                        let fresh = &mut HashSet::new();
                        self.hide_in(&at("/items".into()), items, name, element, fresh, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `value` with each string, and each key (a JSON body's keys are templates too), a template
/// that sends it.
fn escape_strings(value: &Value) -> Result<Value, crate::template::NotExpressible> {
    Ok(match value {
        Value::String(text) => Value::String(crate::template::literal(text)?.into_owned()),
        Value::Array(items) => {
            Value::Array(items.iter().map(escape_strings).collect::<Result<_, _>>()?)
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, field)| {
                    let key = crate::template::literal(key)?.into_owned();
                    Ok((key, escape_strings(field)?))
                })
                .collect::<Result<_, crate::template::NotExpressible>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// An example is sent as written: its strings and its keys (a JSON body's keys are
    /// templates too) have each `{{` escaped.
    #[test]
    fn example_keys_and_strings_are_escaped() {
        let escaped = super::escape_strings(&json!({"{{a}}": "{{b}}", "n": [{"{{c}}": 1}]}));
        assert_eq!(
            escaped.ok(),
            Some(json!({"\\{{a}}": "\\{{b}}", "n": [{"\\{{c}}": 1}]}))
        );
    }
}
