//! How the richer request bodies are written: multipart parts and GraphQL requests.

use std::borrow::Cow;
use std::fmt;

use super::map::Map;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::written::Text;

/// One multipart field as written: text (a string, number or boolean), or a map with a
/// `file` or a `value`.
#[derive(Debug, Clone)]
pub struct MultipartPartSpec {
    /// The part's fields.
    pub fields: MultipartPartFields,
}

/// A multipart field: exactly one of `value` (text) and `file` (a path relative to the
/// collection, streamed from disk).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::multipart_content)]
pub struct MultipartPartFields {
    /// The text of the field; may be a template.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub value: Option<String>,
    /// A file to upload, relative to the collection; checked when the collection loads.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub file: Option<String>,
    /// The part's `Content-Type` (files default to a type guessed from the extension).
    #[serde(default)]
    pub content_type: Option<String>,
    /// The file name sent for a `file` part (default: the file's own name).
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub filename: Option<String>,
}

impl<'de> Deserialize<'de> for MultipartPartSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PartVisitor;

        impl<'de> Visitor<'de> for PartVisitor {
            type Value = MultipartPartSpec;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text, or a map such as `{ file: photo.png, content_type: image/png }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(text(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                super::json::number(v).map(|_| text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                MultipartPartFields::deserialize(MapAccessDeserializer::new(map))
                    .map(|fields| MultipartPartSpec { fields })
            }
        }

        fn text(value: String) -> MultipartPartSpec {
            MultipartPartSpec {
                fields: MultipartPartFields {
                    value: Some(value),
                    ..MultipartPartFields::default()
                },
            }
        }

        deserializer.deserialize_any(PartVisitor)
    }
}

impl JsonSchema for MultipartPartSpec {
    fn schema_name() -> Cow<'static, str> {
        "MultipartPart".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let fields = generator.subschema_for::<MultipartPartFields>();
        json_schema!({
            "description": "A text field (shorthand), or a map with `value` or `file`.",
            "anyOf": [ { "type": ["string", "number", "boolean"] }, fields ]
        })
    }
}

/// A GraphQL request, sent as a JSON `POST` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GraphqlSpec {
    /// The query or mutation text.
    #[serde(deserialize_with = "super::written::query")]
    #[schemars(with = "Text")]
    pub query: String,
    /// The variables; values may be templates and keep their JSON type.
    #[serde(default, deserialize_with = "super::json::optional_map")]
    pub variables: Option<Map<String, Value>>,
    /// Which operation of the query to run.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub operation_name: Option<String>,
}
