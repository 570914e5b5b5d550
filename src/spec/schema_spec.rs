//! How `expect.schema` is written: the path of a JSON Schema file, or the schema itself.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// `expect.schema`: a JSON Schema file, relative to the collection, or a schema written in
/// place (`{ type: object, required: [id] }`).
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaSpec {
    /// The file's path, as written.
    File(String),
    /// The schema, as JSON.
    Inline(Value),
}

impl<'de> Deserialize<'de> for SchemaSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SchemaVisitor;

        impl<'de> Visitor<'de> for SchemaVisitor {
            type Value = SchemaSpec;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the path of a JSON Schema file, or a JSON Schema written as a map such as `{ type: object, required: [id] }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SchemaSpec::File(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                super::json::value(MapAccessDeserializer::new(map)).map(SchemaSpec::Inline)
            }
        }

        deserializer.deserialize_any(SchemaVisitor)
    }
}

impl JsonSchema for SchemaSpec {
    fn schema_name() -> Cow<'static, str> {
        "Schema".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A JSON Schema the JSON body must satisfy: the path of a schema file (JSON), relative to the collection, or the schema written in place, e.g. `{ type: object, required: [id] }`.",
            "anyOf": [ { "type": "string" }, { "type": "object" } ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_or_a_schema_in_place() {
        let file: SchemaSpec = serde_yaml::from_str("schemas/item.json").expect("a path");
        assert_eq!(file, SchemaSpec::File("schemas/item.json".into()));
        let inline: SchemaSpec = serde_yaml::from_str(
            "{ type: object, required: [id], properties: { id: { type: integer, minimum: 1 } } }",
        )
        .expect("a schema");
        assert_eq!(
            inline,
            SchemaSpec::Inline(serde_json::json!({
                "type": "object",
                "required": ["id"],
                "properties": { "id": { "type": "integer", "minimum": 1 } }
            }))
        );
        let error = serde_yaml::from_str::<SchemaSpec>("[1, 2]").expect_err("a list");
        assert!(
            error
                .to_string()
                .contains("the path of a JSON Schema file, or a JSON Schema written as a map"),
            "{error}"
        );
    }
}
