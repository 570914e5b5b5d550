//! The fields the format reads as text. A YAML scalar is read as it is written: `42`, `true`
//! and `0x1F` are the texts `42`, `true` and `0x1F`, so a password or a client id that looks
//! like a number needs no quotes. A null (`~`, `null`, or nothing after the colon) is not a
//! text: it was read as the text `~` (or as nothing), so a `name:` left empty named the step
//! `~`.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserialize, Deserializer, Error, Unexpected};

/// What a required text says it expected when it finds a null.
const EXPECTED: &str = "a text (quote `~` or `null` to mean that text)";

/// A text the field must have: a null is refused where it is written.
pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(deserializer)?
        .ok_or_else(|| D::Error::invalid_type(Unexpected::Other("null"), &EXPECTED))
}

/// A text the field may leave out (an empty password): a null leaves it out.
pub fn or_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// A text as a map's value (a default header, a cookie): read as [`required`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = String;

    fn deref(&self) -> &String {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        required(deserializer).map(Text)
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
        #[serde(deserialize_with = "super::required")]
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
            assert!(
                error.contains("invalid type: null, expected a text"),
                "{error}"
            );
        }
        assert_eq!(read("name: a\npassword: ~").expect("reads").password, "");
        assert_eq!(read("name: a\npassword:").expect("reads").password, "");
    }
}
