//! serde's words for a shape it did not get (`invalid type: sequence, expected struct
//! RequestSpec`), told in the format's words (`invalid type: a list, expected a request: a map
//! such as { method: GET, url: ... }`): the user writes YAML, not the Rust types runner reads
//! it with.

/// What each of the format's maps is, with an example, by the name of the type serde reads it
/// with (the schema's `$defs` carry the same names; a test holds the two together).
const MAPS: &[(&str, &str)] = &[
    ("CollectionSpec", "a collection: a map such as `{ name: ..., steps: [...] }`"),
    ("StepSpec", "a step: a map such as `{ name: ..., request: { url: ... } }`"),
    ("RequestSpec", "a request: a map such as `{ method: GET, url: ... }`"),
    ("ExpectSpec", "expectations: a map such as `{ status: 200 }`"),
    ("DefaultExpectSpec", "expectations for every step: a map such as `{ status: 2xx }`"),
    ("DefaultsSpec", "settings for every step: a map such as `{ headers: { ... }, timeout: 10s }`"),
    ("EnvironmentSpec", "an environment: a map such as `{ vars: { base_url: ... } }`"),
    ("InputSpec", "an input: a map such as `{ description: ..., secret: true }`"),
    ("AuthFields", "auth: a map such as `{ bearer: ... }`"),
    ("BasicAuthSpec", "a map such as `{ username: ..., password: ... }`"),
    ("ApiKeySpec", "a map such as `{ header: X-API-Key, value: ... }`"),
    ("OAuth2Spec", "a map such as `{ client_credentials: { token_url: ..., client_id: ..., client_secret: ... } }`"),
    ("ClientCredentialsSpec", "a map such as `{ token_url: ..., client_id: ..., client_secret: ... }`"),
    ("SnapshotOptionsSpec", "a map such as `{ ignore: [$.id] }`"),
    ("Operators", "a map of checks such as `{ equals: 1 }`"),
    ("JsonPathOperators", "a map of checks such as `{ equals: 1 }`"),
    ("DurationOperators", "a map of checks such as `{ lt: 500ms }`"),
    ("MultipartPartFields", "a map such as `{ file: photo.png, content_type: image/png }`"),
    ("GraphqlSpec", "a map such as `{ query: \"{ me { id } }\" }`"),
    ("RetrySpec", "a map such as `{ attempts: 3, interval: 1s }`"),
    ("CookieAttributesSpec", "a map such as `{ value: ..., secure: true }`"),
    ("PaginateSpec", "a map such as `{ next: link, max_pages: 10 }`"),
    ("NextField", "a map such as `{ jsonpath: $.next }`"),
    ("CaptureFields", "a map such as `{ jsonpath: $.id }`"),
    ("LoadSpec", "a map such as `{ max_p95: 200ms }`"),
];

/// `message` with serde's names of shapes and types replaced by the format's.
pub fn in_the_formats_words(message: &str) -> String {
    // The place serde may append (` at line 3 column 5`) stays as it is.
    let (message, place) = message.split_at(message.find(" at line ").unwrap_or(message.len()));
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return format!("unknown value {rest}{place}");
    }
    // A JSON list read as a map by position (`invalid length 0, expected struct HarRequest
    // with 5 elements`): it is a list where a map belongs.
    if let Some((_, expected)) = message
        .strip_prefix("invalid length ")
        .and_then(|rest| rest.split_once(", expected struct "))
    {
        let name = expected.split(' ').next().unwrap_or(expected);
        return format!(
            "invalid type: a list, expected {}{place}",
            expected_words(&format!("struct {name}"))
        );
    }
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return format!("{message}{place}");
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return format!("{message}{place}");
    };
    // What serde calls an enum in YAML is a value with a tag of the user's (`!custom x`).
    if found == "enum" {
        return format!(
            "a value with a YAML tag (`!name value`), which runner does not read: remove the tag{place}"
        );
    }
    format!(
        "invalid type: {}, expected {}{place}",
        found_words(found),
        expected_words(expected)
    )
}

/// serde's name of what it found (`sequence`, `unit value`, `floating point `1.5``).
fn found_words(found: &str) -> String {
    match found {
        "sequence" => "a list".to_owned(),
        "map" => "a map".to_owned(),
        "unit value" => "null".to_owned(),
        _ => match found.strip_prefix("floating point ") {
            Some(number) => format!("number {number}"),
            None => found.to_owned(),
        },
    }
}

/// serde's name of what it expected (`struct RequestSpec`, `a sequence`, `f64`).
fn expected_words(expected: &str) -> String {
    if let Some(name) = expected.strip_prefix("struct ") {
        return MAPS
            .iter()
            .find(|(rust, _)| *rust == name)
            .map_or("a map", |(_, words)| words)
            .to_owned();
    }
    let words = match expected {
        "a sequence" => "a list",
        "a boolean" => "`true` or `false`",
        "f32" | "f64" => "a number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        // A name from a fixed list (an enum of unit variants), given a list or a map.
        "a YAML tag starting with '!'" => "one of this field's names, written as text",
        other => other,
    };
    words.to_owned()
}

#[cfg(test)]
mod tests {
    use super::{in_the_formats_words, MAPS};

    #[test]
    fn serdes_names_become_the_formats() {
        for (serde, ours) in [
            (
                "invalid type: enum, expected any YAML value",
                "a value with a YAML tag (`!name value`), which runner does not read: remove the tag",
            ),
            (
                "invalid type: sequence, expected struct RequestSpec",
                "invalid type: a list, expected a request: a map such as `{ method: GET, url: ... }`",
            ),
            (
                "invalid type: unit value, expected struct StepSpec",
                "invalid type: null, expected a step: a map such as `{ name: ..., request: { url: ... } }`",
            ),
            (
                "invalid type: floating point `1.5`, expected a sequence",
                "invalid type: number `1.5`, expected a list",
            ),
            (
                "invalid type: string \"s\", expected f64",
                "invalid type: string \"s\", expected a number",
            ),
            (
                "invalid type: map, expected a boolean",
                "invalid type: a map, expected `true` or `false`",
            ),
            (
                "unknown variant `s`, expected `emnify`",
                "unknown value `s`, expected `emnify`",
            ),
            (
                "invalid type: map, expected struct Unheard",
                "invalid type: a map, expected a map",
            ),
            ("missing field `url`", "missing field `url`"),
            (
                "invalid length 0, expected struct HarRequest with 5 elements at line 1 column 35",
                "invalid type: a list, expected a map at line 1 column 35",
            ),
            (
                "invalid type: sequence, expected struct SeedFile at line 1 column 1",
                "invalid type: a list, expected a map at line 1 column 1",
            ),
        ] {
            assert_eq!(in_the_formats_words(serde), ours);
        }
    }

    /// Every map of the format's schema has its words here (and nothing here is not a map of
    /// the format's).
    #[test]
    fn every_map_of_the_format_has_its_words() {
        let schema = schemars::schema_for!(crate::spec::collection::CollectionSpec);
        let defs = schema.as_value()["$defs"]
            .as_object()
            .expect("the schema has $defs");
        let mut maps: Vec<&str> = defs
            .iter()
            .filter(|(_, def)| def.get("properties").is_some())
            .map(|(name, _)| name.as_str())
            .chain(["CollectionSpec"])
            .collect();
        maps.sort_unstable();
        let mut worded: Vec<&str> = MAPS.iter().map(|(rust, _)| *rust).collect();
        worded.sort_unstable();
        assert_eq!(maps, worded);
    }
}
