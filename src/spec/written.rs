//! The fields the format reads as text. A YAML scalar is read as it is written: `42`, `true`
//! and `0x1F` are the texts `42`, `true` and `0x1F`, so a password or a client id that looks
//! like a number needs no quotes. A null (`~`, `null`, or nothing after the colon) is not a
//! text: it was read as the text `~` (or as nothing), so a `name:` left empty named the step
//! `~`.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// The functions that read the format's required text fields, by name: a null is refused
/// with the field's name. (serde_yaml places the error at the mapping that holds the field;
/// the loader moves it to the field the message names.)
macro_rules! required_texts {
    ($($function:ident => $field:literal),* $(,)?) => {$(
        #[doc = concat!("`", $field, "`: a required text.")]
        pub fn $function<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
            deserializer.deserialize_option(RequiredText(concat!("`", $field, "`"), "after the colon"))
        }
    )*};
}

required_texts! {
    name => "name",
    url => "url",
    username => "username",
    value => "value",
    token_url => "token_url",
    client_id => "client_id",
    client_secret => "client_secret",
    query => "query",
}

/// Reads a required text: what it is (`` `name` ``, "a cookie's value") and where nothing
/// written is a null ("after the colon"), for the message about a null.
struct RequiredText(&'static str, &'static str);

impl<'de> Visitor<'de> for RequiredText {
    type Value = String;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} as a text", self.0)
    }

    fn visit_none<E: Error>(self) -> Result<String, E> {
        Err(E::custom(format!(
            "{} is null (`~`, `null`, or nothing {}): write a text, or quote `'~'` to mean that text",
            self.0, self.1
        )))
    }

    fn visit_unit<E: Error>(self) -> Result<String, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        String::deserialize(deserializer)
    }
}

/// A field that may be left out, read by its type's own rules: a null (`~`, `null`, or
/// nothing after the colon) leaves it out, as if it were not written (its default: `false`,
/// an empty list).
pub fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The functions that read the format's lists of texts, by name: a null list leaves the
/// field out, a null item is refused with the list's name (it was read as the text `~`).
macro_rules! text_lists {
    ($($function:ident => $field:literal),* $(,)?) => {$(
        #[doc = concat!("`", $field, "`: a list of texts that may be left out.")]
        pub fn $function<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
            struct Item(String);
            impl<'de> Deserialize<'de> for Item {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    deserializer
                        .deserialize_option(RequiredText(
                            concat!("an item of `", $field, "`"),
                            "after the `-`",
                        ))
                        .map(Item)
                }
            }
            let items = Option::<Vec<Item>>::deserialize(deserializer)?;
            Ok(items.unwrap_or_default().into_iter().map(|Item(text)| text).collect())
        }
    )*};
}

text_lists! {
    tags => "tags",
    export => "export",
    ignore => "ignore",
    header_names => "headers",
}

/// `number` as a whole number from 0 to `max`, if it is one: JSON Schema's `integer` is a
/// number with no fraction, so `1.0` is the integer 1 there, as it is here.
pub fn whole_number(number: f64, max: u64) -> Option<u64> {
    // In range and whole: the conversion is exact.
    (number.fract() == 0.0 && (0.0..=max as f64).contains(&number)).then_some(number as u64)
}

/// The functions that read the format's whole numbers: an integer, or a number with no
/// fraction (`1.0`), from 0 to the type's largest; a field that may be left out reads a
/// null as left out.
macro_rules! whole_numbers {
    ($($function:ident, $optional:ident => $type:ty),* $(,)?) => {$(
        #[doc = concat!("A `", stringify!($type), "`, written as a whole number.")]
        pub fn $function<'de, D: Deserializer<'de>>(deserializer: D) -> Result<$type, D::Error> {
            struct Whole;
            impl Visitor<'_> for Whole {
                type Value = $type;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    write!(f, "a whole number from 0 to {}", <$type>::MAX)
                }
                fn visit_u64<E: Error>(self, v: u64) -> Result<$type, E> {
                    <$type>::try_from(v).map_err(|_| E::custom(format!(
                        "{v} is more than {}, the largest this field holds", <$type>::MAX
                    )))
                }
                fn visit_i64<E: Error>(self, v: i64) -> Result<$type, E> {
                    match u64::try_from(v) {
                        Ok(v) => self.visit_u64(v),
                        Err(_) => Err(E::custom(format!(
                            "{v} is negative; write a whole number from 0 to {}", <$type>::MAX
                        ))),
                    }
                }
                fn visit_f64<E: Error>(self, v: f64) -> Result<$type, E> {
                    match whole_number(v, u64::MAX) {
                        Some(v) => self.visit_u64(v),
                        None => Err(E::custom(format!(
                            "{v} is not a whole number; write one from 0 to {}", <$type>::MAX
                        ))),
                    }
                }
            }
            deserializer.deserialize_any(Whole)
        }

        #[doc = concat!("An optional `", stringify!($type), "`, written as a whole number.")]
        pub fn $optional<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<$type>, D::Error> {
            struct Present(Option<$type>);
            impl<'de> Deserialize<'de> for Present {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    $function(deserializer).map(|n| Present(Some(n)))
                }
            }
            Ok(Option::<Present>::deserialize(deserializer)?.and_then(|p| p.0))
        }
    )*};
}

whole_numbers! {
    u16_number, optional_u16 => u16,
    u32_number, optional_u32 => u32,
}

/// A text the field may leave out (an empty password): a null leaves it out.
pub fn or_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// A text as a map's value (a default header, a cookie): a null is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = String;

    fn deref(&self) -> &String {
        &self.0
    }
}

/// What the message about a null [`Text`] calls it: its map's key is not known where it is
/// read, so the loader names and places it (`compile::yaml_error`).
pub const NULL_MAP_VALUE: &str = "a header's or a cookie's value";

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_option(RequiredText(NULL_MAP_VALUE, "after the colon"))
            .map(Text)
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Text; a number or `true`/`false` is the text as written.",
            "type": ["string", "number", "boolean"]
        })
    }
}

/// What a name the collection defines (a variable, a capture, a step id, an input) may hold:
/// letters, digits, `_` and `-`, at least one.
pub const IDENTIFIER_PATTERN: &str = "^[A-Za-z0-9_-]+$";

/// Variable names runner itself provides; a collection cannot define them.
pub const RESERVED_NAMES: [&str; 3] = ["env", "sandbox", "steps"];

/// The schema of a name written as a scalar (read as the text as written, like [`Text`]):
/// text that [`IDENTIFIER_PATTERN`] matches, an integer (its digits, and `-`), or a boolean;
/// not one of [`RESERVED_NAMES`] when `reserved` names are refused.
fn name_schema(description: &str, reserved: bool) -> Schema {
    let mut text = json_schema!({ "type": "string", "pattern": IDENTIFIER_PATTERN });
    if reserved {
        text.insert("not".into(), serde_json::json!({ "enum": RESERVED_NAMES }));
    }
    json_schema!({
        "description": description,
        "anyOf": [text, { "type": "integer" }, { "type": "boolean" }]
    })
}

/// Schema only: a step id.
pub struct Identifier;

impl JsonSchema for Identifier {
    fn schema_name() -> Cow<'static, str> {
        "Identifier".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        name_schema("Letters, digits, `_` and `-`.", false)
    }
}

/// Schema only: the name of a variable the collection defines (not `env`, `sandbox` or
/// `steps`, which runner provides).
pub struct VariableName;

impl JsonSchema for VariableName {
    fn schema_name() -> Cow<'static, str> {
        "VariableName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        name_schema(
            "A variable name: letters, digits, `_` and `-`; not `env`, `sandbox` or `steps`, which runner provides.",
            true,
        )
    }
}

/// The `propertyNames` of a map whose keys name variables (`vars`, `capture`, `collect`):
/// for `#[schemars(transform = variable_names)]`.
pub fn variable_names(schema: &mut Schema) {
    schema.insert(
        "propertyNames".into(),
        serde_json::json!({ "pattern": IDENTIFIER_PATTERN, "not": { "enum": RESERVED_NAMES } }),
    );
}

/// The `propertyNames` of `inputs`: environment variables' names (`env` is one too).
pub fn input_names(schema: &mut Schema) {
    schema.insert(
        "propertyNames".into(),
        serde_json::json!({ "pattern": IDENTIFIER_PATTERN }),
    );
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Fields {
        #[serde(deserialize_with = "super::name")]
        name: String,
        #[serde(default, deserialize_with = "super::or_empty")]
        password: String,
    }

    fn read(yaml: &str) -> Result<Fields, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn scalars_are_read_as_written_and_a_null_is_not_a_text() {
        let fields = read("name: 0x1F\npassword: 1e3").expect("reads");
        assert_eq!(
            (fields.name.as_str(), fields.password.as_str()),
            ("0x1F", "1e3")
        );
        assert_eq!(read("name: '~'").expect("reads").name, "~");
        assert_eq!(read("name: \"null\"").expect("reads").name, "null");
        for null in ["name: ~", "name: null", "name:", "name: Null"] {
            let error = read(null).expect_err(null);
            assert!(error.contains("`name` is null"), "{error}");
        }
        assert_eq!(read("name: a\npassword: ~").expect("reads").password, "");
        assert_eq!(read("name: a\npassword:").expect("reads").password, "");
    }
}
