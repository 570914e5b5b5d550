//! The JSON Schema of the collection format, generated from the types in [`super::collection`].

use super::collection::CollectionSpec;

/// Where the generated schema is kept in the repository.
pub const SCHEMA_PATH: &str = "schemas/collection.schema.json";

/// The collection schema as pretty JSON, with a trailing newline.
pub fn collection_schema() -> String {
    schema_text::<CollectionSpec>()
}

/// The JSON Schema (draft 2020-12) of `T` as pretty JSON with a trailing newline, with only
/// the `format`s the standard defines: schemars marks numbers `uint32`, `double` and the like,
/// which strict validators (ajv, by default) refuse to compile; `minimum` and `maximum`
/// already say what they mean.
pub fn schema_text<T: schemars::JsonSchema>() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .with_transform(schemars::transform::RecursiveTransform(
            standard_formats_only,
        ))
        .into_generator()
        .into_root_schema_for::<T>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
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
    let standard = schema
        .get("format")
        .and_then(|f| f.as_str())
        .is_none_or(|f| STANDARD_FORMATS.contains(&f));
    if !standard {
        schema.remove("format");
    }
}
