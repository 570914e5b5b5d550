//! What `import postman` and `export postman` share: Postman's `{{...}}` placeholders, the
//! report of what a translation could not carry over, the format's schema address, and
//! which names read as credentials.

pub mod placeholders;
pub mod report;

pub use report::Report;

/// The schema URL of Collection v2.1, written by `runner export postman`.
pub const SCHEMA_V2_1: &str =
    "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

/// Whether a variable name suggests a credential, so its capture should be a secret.
pub fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "api_key",
        "credential",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn credential_names() {
        assert!(looks_secret("auth_token") && looks_secret("apiKey") && !looks_secret("id"));
    }
}
