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
