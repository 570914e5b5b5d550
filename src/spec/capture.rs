//! How captures are written: a bare string is a JSONPath, a map names one source.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::written::Text;

/// A capture as written.
#[derive(Debug, Clone)]
pub struct CaptureSpec {
    /// Where the value comes from and how.
    pub source: CaptureFields,
}

/// The capture fields. Exactly one source must be given: `jsonpath`, `header`, `regex`,
/// `status`, `body`, `duration`, `cookie`, `url` or `redirects` (`header` and `regex`
/// together apply the regex to the header).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::capture_source)]
pub struct CaptureFields {
    /// A JSONPath; it must match exactly one node, unless `all: true`.
    #[serde(default)]
    pub jsonpath: Option<String>,
    /// With `jsonpath`: capture every match as a list.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub all: bool,
    /// A response header's value (case-insensitive name).
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub header: Option<String>,
    /// A regular expression over the body (or over `header`'s value); captures its first group
    /// (or the whole match).
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub regex: Option<String>,
    /// `true`: the status code, as a number.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub status: bool,
    /// `true`: the whole body, as text.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub body: bool,
    /// `true`: the response time in milliseconds.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub duration: bool,
    /// The value of the cookie with this name that the response (or a redirect on the way)
    /// set.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub cookie: Option<String>,
    /// `true`: the final URL, after redirects.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub url: bool,
    /// `true`: the URLs redirected to, in order, as a list (empty when there was none).
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub redirects: bool,
    /// Mask the captured value in every output.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub secret: bool,
}

impl<'de> Deserialize<'de> for CaptureSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CaptureVisitor;

        impl<'de> Visitor<'de> for CaptureVisitor {
            type Value = CaptureSpec;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSONPath such as `$.id`, or a map such as `{ header: Location }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CaptureSpec {
                    source: CaptureFields {
                        jsonpath: Some(v.to_owned()),
                        ..CaptureFields::default()
                    },
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                CaptureFields::deserialize(MapAccessDeserializer::new(map))
                    .map(|source| CaptureSpec { source })
            }
        }

        deserializer.deserialize_any(CaptureVisitor)
    }
}

impl JsonSchema for CaptureSpec {
    fn schema_name() -> Cow<'static, str> {
        "Capture".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let fields = generator.subschema_for::<CaptureFields>();
        json_schema!({
            "description": "A JSONPath (shorthand), or a map naming one source.",
            "anyOf": [ { "type": "string", "description": "A JSONPath matching one node." }, fields ]
        })
    }
}
