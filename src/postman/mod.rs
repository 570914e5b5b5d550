//! What `import postman` and `export postman` share: Postman's `{{...}}` placeholders, the
//! report of what a translation could not carry over, the format's schema address, which
//! names read as credentials, and where a URL keeps its password.

mod credential_name;
pub mod placeholders;
pub mod repeated;
pub mod report;
pub mod text;

pub use credential_name::is_credential_name;
pub use report::Report;

/// The function `runner export postman` writes at the top of a test script whose checks
/// runner's operators need (runner's predicates, in JavaScript), and `runner import postman`
/// reads past when it is exactly this text.
pub const RUNNER_EXPECT: &str = include_str!("runner_expect.js");

/// The name of [`RUNNER_EXPECT`]'s function.
pub const RUNNER_EXPECT_NAME: &str = "runnerExpect";

/// Whether `code` is [`RUNNER_EXPECT`] (blanks aside).
pub fn is_runner_expect(code: &str) -> bool {
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let comments = RUNNER_EXPECT
        .lines()
        .take_while(|line| line.starts_with("//"))
        .count();
    let function: Vec<&str> = RUNNER_EXPECT.lines().skip(comments).collect();
    words(code) == words(&function.join("\n"))
}

/// Why runner would refuse `url` as a request's URL when it loads the collection (`runner
/// validate`): a URL with no `{{…}}` that does not parse (`http://about:blank`: the port is
/// not a number) or is not http(s). `None` for one that loads (a template is checked when
/// the request is sent). Every importer's check of what it writes.
pub fn url_refused(url: &str) -> Option<String> {
    if crate::template::holds_braces(url) {
        return None;
    }
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => None,
        Ok(parsed) => Some(format!(
            "the URL is a `{}:` URL, and runner sends HTTP and HTTPS only",
            parsed.scheme()
        )),
        Err(e) => Some(format!("`{url}` is not a valid URL ({e})")),
    }
}

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

/// Where the password of a URL's `user:password@` is in `url`, as a byte range; `None` when
/// the URL has none. The first `:` of the user info ends the user name, the last `@` before
/// the path ends the user info (as the URL standard reads them).
pub fn url_password(url: &str) -> Option<std::ops::Range<usize>> {
    let authority_start = url.find("://")? + 3;
    let rest = &url[authority_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (user_info, _) = rest[..authority_end].rsplit_once('@')?;
    let colon = user_info.find(':')?;
    Some(authority_start + colon + 1..authority_start + user_info.len())
}

#[cfg(test)]
mod tests {
    use super::{looks_secret, url_password, url_refused};

    #[test]
    fn a_url_that_would_not_load() {
        assert_eq!(url_refused("https://api.example.com/items?a=1"), None);
        assert_eq!(url_refused("{{base}}/x"), None);
        assert_eq!(url_refused("http://{{host}}:{{port}}/x"), None);
        let refused = url_refused("http://about:blank").expect("a port that is not a number");
        assert!(refused.contains("invalid port number"), "{refused}");
        assert!(url_refused("ftp://example.com/f").is_some());
    }

    #[test]
    fn credential_names() {
        assert!(looks_secret("auth_token") && looks_secret("apiKey") && !looks_secret("id"));
    }

    #[test]
    fn the_password_of_a_url() {
        let password = |url: &'static str| url_password(url).map(|range| &url[range]);
        assert_eq!(password("https://ann:pw@host:8080/p?q=1"), Some("pw"));
        assert_eq!(password("https://us@r:p@ssword@host/get"), Some("p@ssword"));
        assert_eq!(password("http://a:b:c@{{host}}/x@y"), Some("b:c"));
        assert_eq!(password("http://ann:@host/"), Some(""));
        assert_eq!(password("http://ann@host/"), None);
        assert_eq!(password("http://host/x?to=a:b@c"), None);
        assert_eq!(password("{{base}}/x?to=a:b@c"), None);
    }
}
