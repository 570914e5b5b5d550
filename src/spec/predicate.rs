//! How predicates and status expectations are written: a scalar means equals, a map holds
//! operators. Deserialized by hand so a misspelt operator is an error, never an object to
//! compare against.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::written::Text;

/// A predicate as written: a scalar or list (equals), or a map of operators (all must hold).
#[derive(Debug, Clone)]
pub enum PredicateSpec {
    /// `value` — shorthand for `{ equals: value }`.
    Equals(Value),
    /// `{ operator: operand, ... }`.
    Operators(Box<Operators>),
}

/// The predicate operators. Every operator given must hold.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::at_least_one_operator)]
pub struct Operators {
    /// Equal to this value (numbers compare by value: `1` equals `1.0`).
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value")]
    pub equals: Option<Value>,
    /// Not equal to this value.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value")]
    pub not_equals: Option<Value>,
    /// `true`: the value is present (a JSONPath matches, a header is sent); `false`: it is absent.
    #[serde(default)]
    pub exists: Option<bool>,
    /// The JSON type of the value.
    #[serde(default, rename = "type", deserialize_with = "type_name")]
    pub type_: Option<JsonType>,
    /// A string containing this text, or an array containing this element.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value")]
    pub contains: Option<Value>,
    /// The opposite of `contains`.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value")]
    pub not_contains: Option<Value>,
    /// A string starting with this text.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub starts_with: Option<String>,
    /// A string ending with this text.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub ends_with: Option<String>,
    /// A string matching this regular expression (Rust `regex` syntax, unanchored).
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub matches: Option<String>,
    /// Equal to one of these values.
    #[serde(default, deserialize_with = "super::json::optional_list")]
    pub one_of: Option<Vec<Value>>,
    /// Less than this number (or duration, for `duration`, e.g. `2s`).
    #[serde(default, deserialize_with = "super::json::optional")]
    #[schemars(with = "Option<NumberOrText>")]
    pub lt: Option<Value>,
    /// Less than or equal to.
    #[serde(default, deserialize_with = "super::json::optional")]
    #[schemars(with = "Option<NumberOrText>")]
    pub le: Option<Value>,
    /// Greater than.
    #[serde(default, deserialize_with = "super::json::optional")]
    #[schemars(with = "Option<NumberOrText>")]
    pub gt: Option<Value>,
    /// Greater than or equal to.
    #[serde(default, deserialize_with = "super::json::optional")]
    #[schemars(with = "Option<NumberOrText>")]
    pub ge: Option<Value>,
    /// The length of a string (characters), array or object: a number or a predicate.
    #[serde(default)]
    pub length: Option<PredicateSpec>,
    /// `true`: an empty string, array or object (or null); `false`: not empty.
    #[serde(default)]
    pub empty: Option<bool>,
    /// Only under `expect.jsonpath`: the number of nodes the path matches, a number or a predicate.
    #[serde(default)]
    // Only [`JsonPathPredicate`]'s schema has it.
    #[schemars(skip)]
    pub count: Option<PredicateSpec>,
}

/// A JSON type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    /// The type's name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }
}

/// Schema-only stand-in: a number, or text such as a duration (`2s`) or a template.
#[derive(JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)]
enum NumberOrText {
    Number(f64),
    Text(String),
}

/// Deserializes a present key to `Some`, even when its value is `null`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    super::json::value(deserializer).map(Some)
}

/// A type name; YAML reads a bare `null` as no value, so it means the type `null` here.
/// Read by a visitor, so that a wrong name is located where it is written.
fn type_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<JsonType>, D::Error> {
    struct TypeName;
    const NAMES: &str = "`type` is one of string, number, integer, boolean, array, object, null";
    impl<'de> Visitor<'de> for TypeName {
        type Value = Option<JsonType>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a type name")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Some(JsonType::Null))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Some(JsonType::Null))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            serde_json::from_value(Value::String(v.to_owned()))
                .map(Some)
                .map_err(|_| E::custom(NAMES))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::custom(NAMES))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::custom(NAMES))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::custom(NAMES))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom(NAMES))
        }
    }
    deserializer.deserialize_any(TypeName)
}

impl<'de> Deserialize<'de> for PredicateSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PredicateVisitor;

        impl<'de> Visitor<'de> for PredicateVisitor {
            type Value = PredicateSpec;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a value to compare with, or a map of operators such as `{ type: string }`",
                )
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(PredicateSpec::Equals(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(PredicateSpec::Equals(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(PredicateSpec::Equals(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                super::json::number(v).map(PredicateSpec::Equals)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PredicateSpec::Equals(Value::String(v.to_owned())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PredicateSpec::Equals(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PredicateSpec::Equals(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                super::json::value(SeqAccessDeserializer::new(seq)).map(PredicateSpec::Equals)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Operators::deserialize(MapAccessDeserializer::new(map))
                    .map(|ops| PredicateSpec::Operators(Box::new(ops)))
            }
        }

        deserializer.deserialize_any(PredicateVisitor)
    }
}

impl JsonSchema for PredicateSpec {
    fn schema_name() -> Cow<'static, str> {
        "Predicate".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let operators = generator.subschema_for::<Operators>();
        json_schema!({
            "description": "A value to compare with (equals), or a map of operators that must all hold.",
            "anyOf": [
                operators,
                { "type": ["string", "number", "boolean", "null", "array"] }
            ]
        })
    }
}

/// Schema only: a predicate under `expect.jsonpath`, whose operators may include `count`.
pub struct JsonPathPredicate;

impl JsonSchema for JsonPathPredicate {
    fn schema_name() -> Cow<'static, str> {
        "JsonPathPredicate".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let operators = generator.subschema_for::<JsonPathOperators>();
        json_schema!({
            "description": "A value to compare with (equals), or a map of operators that must all hold; `count` checks the number of nodes the path matches.",
            "anyOf": [
                operators,
                { "type": ["string", "number", "boolean", "null", "array"] }
            ]
        })
    }
}

/// Schema only: [`Operators`] and `count`.
struct JsonPathOperators;

impl JsonSchema for JsonPathOperators {
    fn schema_name() -> Cow<'static, str> {
        "JsonPathOperators".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut count = generator.subschema_for::<Option<PredicateSpec>>();
        count.insert(
            "description".into(),
            "The number of nodes the path matches: a number or a predicate.".into(),
        );
        operators_with(generator, |properties| {
            properties.insert("count".into(), count.to_value());
        })
    }
}

/// Schema only: a predicate on `expect.duration`, the response time, whose comparisons
/// take a duration (`2s`), a number of milliseconds or a template.
pub struct DurationPredicate;

impl JsonSchema for DurationPredicate {
    fn schema_name() -> Cow<'static, str> {
        "DurationPredicate".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let operators = generator.subschema_for::<DurationOperators>();
        json_schema!({
            "description": "A predicate on the response time in milliseconds: a value to compare with, or a map of operators such as `{ lt: 2s }`.",
            "anyOf": [
                operators,
                { "type": ["string", "number", "boolean", "null", "array"] }
            ]
        })
    }
}

/// Schema only: [`Operators`] whose comparisons take a duration.
struct DurationOperators;

impl JsonSchema for DurationOperators {
    fn schema_name() -> Cow<'static, str> {
        "DurationOperators".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let duration = generator.subschema_for::<super::duration::DurationText>();
        operators_with(generator, |properties| {
            for (name, described) in [
                (
                    "lt",
                    "Less than this duration (`2s`), number of milliseconds, or template.",
                ),
                ("le", "Less than or equal to."),
                ("gt", "Greater than."),
                ("ge", "Greater than or equal to."),
            ] {
                properties.insert(
                    name.into(),
                    serde_json::json!({
                        "description": described,
                        "anyOf": [
                            { "type": "number" },
                            duration.clone(),
                            { "type": "string", "pattern": "\\{\\{" }
                        ]
                    }),
                );
            }
        })
    }
}

/// [`Operators`]' schema with its properties changed by `change`, and the rule "at least
/// one operator" made again over them.
fn operators_with(
    generator: &mut SchemaGenerator,
    change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) -> Schema {
    let mut schema = Operators::json_schema(generator);
    if let Some(properties) = schema
        .get_mut("properties")
        .and_then(serde_json::Value::as_object_mut)
    {
        change(properties);
    }
    schema.remove("allOf");
    super::rules::at_least_one_operator(&mut schema);
    schema
}

/// The expected status: one code, a list of codes, or a class such as `"2xx"`.
#[derive(Debug, Clone)]
pub enum StatusSpec {
    /// `200`
    Code(u16),
    /// `[200, 201]`
    AnyOf(Vec<u16>),
    /// `"2xx"`, `any`, or a code written as text (`"204"`).
    Text(String),
}

impl<'de> Deserialize<'de> for StatusSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StatusVisitor;

        impl<'de> Visitor<'de> for StatusVisitor {
            type Value = StatusSpec;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a status code (200), a list of codes ([200, 201]), a class (\"2xx\"), `success` or `any`",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                u16::try_from(v)
                    .ok()
                    .filter(|code| (100..=999).contains(code))
                    .map(StatusSpec::Code)
                    .ok_or_else(|| E::custom(format!("{v} is not an HTTP status code (100-999)")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!(
                        "{v} is not an HTTP status code (100-999)"
                    ))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                match super::written::whole_number(v, u64::from(u16::MAX)) {
                    Some(v) => self.visit_u64(v),
                    None => Err(E::custom(format!(
                        "{v} is not an HTTP status code (100-999)"
                    ))),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StatusSpec::Text(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<ListedCode>::deserialize(SeqAccessDeserializer::new(seq))
                    .map(|codes| StatusSpec::AnyOf(codes.into_iter().map(|c| c.0).collect()))
            }
        }

        deserializer.deserialize_any(StatusVisitor)
    }
}

/// A code of a status list: an integer, or a number with no fraction (`200.0`), as JSON
/// Schema's integers are; the list's range is checked where it compiles.
struct ListedCode(u16);

impl<'de> Deserialize<'de> for ListedCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::written::u16_number(deserializer).map(ListedCode)
    }
}

impl JsonSchema for StatusSpec {
    fn schema_name() -> Cow<'static, str> {
        "Status".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The expected status: a code (200), a list of codes ([200, 201]), a class (\"2xx\"), `success` (2xx or 3xx, what a step that says nothing expects), or `any` (every status), or a template that renders one (`\"{{expected_status}}\"`).",
            "anyOf": [
                { "type": "integer", "minimum": 100, "maximum": 999 },
                { "type": "array", "items": { "type": "integer", "minimum": 100, "maximum": 999 }, "minItems": 1 },
                // Named, so that editors offer them.
                { "enum": ["success", "any"], "description": "`success`: 2xx or 3xx, what a step that says nothing expects; `any`: every status." },
                { "enum": ["1xx", "2xx", "3xx", "4xx", "5xx"], "description": "A class of statuses." },
                // Everything else the loader reads: a code as text (`"204"`, `"+204"`), a
                // class in any case (`2XX`), or a template, over several lines too.
                { "type": "string", "pattern": "^(\\+?0*[1-9][0-9]{2}|[1-9][xX][xX]|any|success|[\\s\\S]*\\{\\{[\\s\\S]*)$" }
            ]
        })
    }
}
