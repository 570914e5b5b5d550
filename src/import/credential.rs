//! Which names mark a value as a credential — one rule for every importer and every place a
//! request carries a named value (a header, a form or JSON body field, a query parameter) —
//! and how a credential lifted into a variable is written back into a URL's query text.

use crate::postman::looks_secret;

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

/// Whether the value of a header, body field or query parameter named `name` is a
/// credential: the name reads as one in any case or spelling (`password`, `client_secret`,
/// `access_token`, `apiKey`, `X-Api-Key`, `X-Auth`, `subscription-key`).
pub fn is_credential_name(name: &str) -> bool {
    let words = words(name);
    looks_secret(&words.join("_"))
        || words.iter().any(|word| AUTH_WORDS.contains(&word.as_str()))
        || (words.len() > 1 && words.last().is_some_and(|word| word == "key"))
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

/// `query` (as written after a URL's `?`) with the value of each parameter named like a
/// credential replaced by `replace(name, value)` (both decoded); a template or an empty value
/// stays.
pub fn replace_in_query(query: &str, mut replace: impl FnMut(&str, &str) -> String) -> String {
    query
        .split('&')
        .map(|pair| {
            let Some((name, value)) = pair.split_once('=') else {
                return pair.to_owned();
            };
            // The pair as sent: `+` a space, `%XX` a byte.
            let Some((name_text, value_text)) = url::form_urlencoded::parse(pair.as_bytes()).next()
            else {
                return pair.to_owned();
            };
            if !is_credential_name(&name_text) || value_text.is_empty() || value.contains("{{") {
                return pair.to_owned();
            }
            format!("{name}={}", replace(&name_text, &value_text))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The template that puts the variable `name`, holding `value`, into a URL's query text:
/// `{{name}}` when the value is sent as it is, `{{urlencode name}}` when it must be encoded.
pub fn in_url(name: &str, value: &str) -> String {
    let unreserved = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c));
    if unreserved {
        format!("{{{{{name}}}}}")
    } else {
        format!("{{{{urlencode {name}}}}}")
    }
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
        for name in ["id", "page", "author", "key", "keyword", "monkey", "q", ""] {
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

    #[test]
    fn only_credential_values_are_replaced_in_a_query() {
        let replaced = replace_in_query("a=1&api_key=k%2B1&token={{t}}&flag&secret=", |n, v| {
            format!("<{n}:{v}>")
        });
        assert_eq!(
            replaced,
            "a=1&api_key=<api_key:k+1>&token={{t}}&flag&secret="
        );
    }

    #[test]
    fn a_value_that_needs_encoding_is_encoded_by_the_template() {
        assert_eq!(in_url("api_key", "QK-1_2.3~"), "{{api_key}}");
        assert_eq!(in_url("api_key", "a+b/c"), "{{urlencode api_key}}");
    }
}
