//! Which names mark a value as a credential: one rule for every importer and exporter and
//! every place a request carries a named value (a header, a form or JSON body field, a query
//! parameter).

use super::looks_secret;

/// Words that name an authentication value on their own (`X-Auth`, `Proxy-Authorization`,
/// Firebase's `?auth=`).
const AUTH_WORDS: &[&str] = &[
    "auth",
    "authn",
    "authz",
    "authorization",
    "authorisation",
    "authentication",
];

/// Words before `key` that make it a name for data, not a credential (`sort_key`,
/// `Idempotency-Key`, an S3 `object_key`).
const DATA_KEY_WORDS: &[&str] = &[
    "sort",
    "partition",
    "primary",
    "foreign",
    "composite",
    "range",
    "hash",
    "row",
    "shard",
    "routing",
    "cache",
    "idempotency",
    "dedup",
    "deduplication",
    "object",
    "group",
    "lookup",
    "map",
    "order",
    "index",
    "unique",
    "natural",
    "message",
    "event",
    "translation",
    "i18n",
    "label",
];

/// Whether the value of a header, body field or query parameter named `name` is a
/// credential: the name reads as one in any case or spelling (`password`, `client_secret`,
/// `access_token`, `apiKey`, `X-Api-Key`, `X-Auth`, `subscription-key`), but not a key that
/// names data (`sort_key`, `Idempotency-Key`).
pub fn is_credential_name(name: &str) -> bool {
    let words = words(name);
    looks_secret(&words.join("_"))
        || words.iter().any(|word| AUTH_WORDS.contains(&word.as_str()))
        || matches!(
            words.as_slice(),
            [.., before, last] if last == "key" && !DATA_KEY_WORDS.contains(&before.as_str())
        )
}

/// The words of a name, lower case: split at anything not a letter or a digit and where
/// camel case starts a word (`X-Api-Key`, `x_api_key`, `xApiKey` and `XAPIKey` all are
/// `x`, `api`, `key`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            words.push(std::mem::take(&mut word));
            continue;
        }
        let previous = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if starts_word {
            words.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    words.push(word);
    words.retain(|word| !word.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_in_any_spelling() {
        for name in [
            "api_key",
            "apiKey",
            "APIKey",
            "X-Api-Key",
            "access_token",
            "accessToken",
            "client_secret",
            "password",
            "X-Auth",
            "Proxy-Authorization",
            "auth",
            "subscription-key",
            "Ocp-Apim-Subscription-Key",
            "credentials",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "id",
            "page",
            "author",
            "key",
            "keyword",
            "monkey",
            "q",
            "",
            "sort_key",
            "Idempotency-Key",
            "partitionKey",
            "object_key",
            "cache-key",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn words_split_at_separators_and_camel_case() {
        assert_eq!(words("XAPIKey"), ["xapi", "key"]);
        assert_eq!(words("xApiKey"), ["x", "api", "key"]);
        assert_eq!(words("X-Api-Key"), ["x", "api", "key"]);
        assert_eq!(words("token2Fa"), ["token2", "fa"]);
        assert_eq!(words("--"), Vec::<String>::new());
    }
}
