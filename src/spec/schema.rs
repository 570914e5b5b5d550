//! The JSON Schema of the collection format, generated from the types in [`super::collection`].

use super::collection::CollectionSpec;

/// Where the generated schema is kept in the repository.
pub const SCHEMA_PATH: &str = "schemas/collection.schema.json";

/// The collection schema as pretty JSON, with a trailing newline.
pub fn collection_schema() -> String {
    let schema = schemars::schema_for!(CollectionSpec);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
