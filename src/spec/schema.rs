//! The JSON Schema of the collection format, generated from the types in [`super::collection`].

use serde_json::Value;

use super::collection::CollectionSpec;

/// Where the generated schema is kept in the repository.
pub const SCHEMA_PATH: &str = "schemas/collection.schema.json";

/// The collection schema as pretty JSON, with a trailing newline. Every field that may be
/// left out accepts a null, which the loader reads as left out (docs/format.md).
pub fn collection_schema() -> String {
    text(
        schemars::generate::SchemaSettings::draft2020_12()
            .with_transform(schemars::transform::RecursiveTransform(
                standard_formats_only,
            ))
            .with_transform(schemars::transform::RecursiveTransform(null_leaves_out))
            .with_transform(schemars::transform::RecursiveTransform(integer_types_apart))
            .with_transform(schemars::transform::RecursiveTransform(no_null_default))
            .into_generator()
            .into_root_schema_for::<CollectionSpec>(),
    )
}

/// The JSON Schema (draft 2020-12) of `T` as pretty JSON with a trailing newline, with only
/// the `format`s the standard defines: schemars marks numbers `uint32`, `double` and the like,
/// which strict validators (ajv, by default) refuse to compile; `minimum` and `maximum`
/// already say what they mean.
pub fn schema_text<T: schemars::JsonSchema>() -> String {
    text(
        schemars::generate::SchemaSettings::draft2020_12()
            .with_transform(schemars::transform::RecursiveTransform(
                standard_formats_only,
            ))
            .into_generator()
            .into_root_schema_for::<T>(),
    )
}

fn text(schema: schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Drops `"default": null`, which schemars writes for every optional field: an editor shows it
/// ("Default: null") and completes it, where the field's real default is what its
/// description says (and, where the format has one, its own `default`).
fn no_null_default(schema: &mut schemars::Schema) {
    if let Some(object) = schema.as_object_mut() {
        if object.get("default").is_some_and(Value::is_null) {
            object.remove("default");
        }
    }
}

/// The keywords that describe a schema rather than constrain it: they stay beside the
/// `anyOf` that [`accept_null`] wraps a schema in.
const ANNOTATIONS: [&str; 5] = ["description", "default", "title", "examples", "deprecated"];

/// Makes every property of an object schema that is not `required` accept a null.
fn null_leaves_out(schema: &mut schemars::Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let required: Vec<String> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        if !required.contains(name) {
            accept_null(property);
        }
    }
}

/// `schema`, accepting a null besides what it accepts: `null` joins the types of a schema
/// constrained by its type alone, a branch joins an `anyOf`, and anything else is wrapped in
/// an `anyOf` with a null (its annotations, the description an editor shows, stay outside).
fn accept_null(schema: &mut Value) {
    // `true` accepts everything; `false` is no field's schema.
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if accepts_null(object) {
        return;
    }
    // Not with `integer`: some validators (the Rust `jsonschema` crate, 0.33) take a number
    // written `1.0` for an integer under `"type": "integer"` but not under
    // `"type": ["integer", "null"]`; the `anyOf` below reads the same everywhere.
    let integer = match object.get("type") {
        Some(Value::String(one)) => one == "integer",
        Some(Value::Array(types)) => types.iter().any(|t| t == "integer"),
        _ => false,
    };
    let typed_only = !integer && !object.keys().any(|k| BEYOND_TYPE.contains(&k.as_str()));
    match object.get_mut("type") {
        Some(Value::String(one)) if typed_only => {
            let one = std::mem::take(one);
            object.insert("type".into(), serde_json::json!([one, "null"]));
            return;
        }
        Some(Value::Array(types)) if typed_only => {
            types.push("null".into());
            return;
        }
        _ => {}
    }
    let any_of_only = object
        .keys()
        .all(|k| k == "anyOf" || ANNOTATIONS.contains(&k.as_str()));
    if let (true, Some(Value::Array(branches))) = (any_of_only, object.get_mut("anyOf")) {
        branches.push(serde_json::json!({ "type": "null" }));
        return;
    }
    let (annotations, constraints): (serde_json::Map<_, _>, serde_json::Map<_, _>) =
        std::mem::take(object)
            .into_iter()
            .partition(|(k, _)| ANNOTATIONS.contains(&k.as_str()));
    *object = annotations;
    object.insert(
        "anyOf".into(),
        serde_json::json!([Value::Object(constraints), { "type": "null" }]),
    );
}

/// A schema of several types, `integer` among them, as an `anyOf` of one type each: some
/// validators (the Rust `jsonschema` crate, 0.33) take a number written `1.0` for an integer
/// under `"type": "integer"`, as JSON Schema says, but not under `"type": ["integer",
/// "null"]`. The `anyOf` reads the same everywhere.
fn integer_types_apart(schema: &mut schemars::Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let types = match object.get("type") {
        Some(Value::Array(types)) if types.iter().any(|t| t == "integer") => types.clone(),
        _ => return,
    };
    if object.contains_key("anyOf") {
        return;
    }
    object.remove("type");
    let (annotations, constraints): (serde_json::Map<_, _>, serde_json::Map<_, _>) =
        std::mem::take(object)
            .into_iter()
            .partition(|(k, _)| ANNOTATIONS.contains(&k.as_str()));
    *object = annotations;
    let branches: Vec<Value> = types
        .into_iter()
        .map(|t| {
            let numeric = t == "integer" || t == "number";
            let mut branch: serde_json::Map<String, Value> = constraints
                .iter()
                .filter(|(k, _)| numeric || !NUMERIC.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            branch.insert("type".into(), t);
            Value::Object(branch)
        })
        .collect();
    object.insert("anyOf".into(), Value::Array(branches));
}

/// The keywords that apply to numbers only.
const NUMERIC: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

/// Keywords that constrain a value beyond its type (a null of an allowed type could still
/// fail them).
const BEYOND_TYPE: [&str; 9] = [
    "enum", "const", "$ref", "anyOf", "oneOf", "allOf", "not", "if", "$defs",
];

/// Whether a schema plainly accepts a null: no constraint at all, `null` among the types of
/// a schema constrained by its type alone, or an `anyOf` branch of those.
fn accepts_null(object: &serde_json::Map<String, Value>) -> bool {
    let null_typed = |object: &serde_json::Map<String, Value>| {
        let typed_only = !object.keys().any(|k| BEYOND_TYPE.contains(&k.as_str()));
        typed_only
            && match object.get("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
                _ => false,
            }
    };
    let unconstrained = object.keys().all(|k| ANNOTATIONS.contains(&k.as_str()));
    let any_of_only = object
        .keys()
        .all(|k| k == "anyOf" || ANNOTATIONS.contains(&k.as_str()));
    let branch_accepts = || {
        object
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|branches| {
                branches.iter().any(|b| match b {
                    Value::Bool(accepts) => *accepts,
                    Value::Object(b) => null_typed(b),
                    _ => false,
                })
            })
    };
    unconstrained || null_typed(object) || (any_of_only && branch_accepts())
}

/// The formats of JSON Schema draft 2020-12 (its section 7.3).
const STANDARD_FORMATS: [&str; 19] = [
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

fn standard_formats_only(schema: &mut schemars::Schema) {
    let Some(format) = schema.get("format").and_then(|f| f.as_str()) else {
        return;
    };
    if STANDARD_FORMATS.contains(&format) {
        return;
    }
    // A narrow integer type's format is its range: said with `minimum` and `maximum`
    // instead (a 64-bit one's bounds are past what JSON numbers hold exactly in most readers).
    let range: Option<(i64, i64)> = match format {
        "uint8" => Some((0, u8::MAX.into())),
        "uint16" => Some((0, u16::MAX.into())),
        "uint32" => Some((0, u32::MAX.into())),
        "int8" => Some((i8::MIN.into(), i8::MAX.into())),
        "int16" => Some((i16::MIN.into(), i16::MAX.into())),
        "int32" => Some((i32::MIN.into(), i32::MAX.into())),
        _ => None,
    };
    schema.remove("format");
    if let Some((least, most)) = range {
        for (keyword, bound) in [("minimum", least), ("maximum", most)] {
            if schema.get(keyword).is_none() {
                schema.insert(keyword.into(), bound.into());
            }
        }
    }
}
