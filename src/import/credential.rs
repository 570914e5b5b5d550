//! Credentials in what is imported: the rule for names (`crate::postman`'s, which the
//! exporters share), how a credential lifted into a variable is written back into a URL's
//! query text, and a URL's user info.

pub use crate::postman::is_credential_name;

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

/// The user name and password written in a URL (`http://user:password@host/`), and the URL
/// without them. curl, browsers and Postman send them as HTTP Basic credentials; runner sends
/// a URL as written, so an importer moves them into the step's `auth` (the password read from
/// a secret input) and never writes them back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// The URL without its user info.
    pub url: String,
    /// The user name, percent-decoded (a template stays as written).
    pub user: String,
    /// The password, percent-decoded; `None` when the URL has no `:` after the user name.
    pub password: Option<String>,
}

impl UserInfo {
    /// The password, empty when the URL gives none (curl sends `user:` then).
    pub fn password(&self) -> &str {
        self.password.as_deref().unwrap_or_default()
    }
}

/// `url`'s user info, when it has some: the part of the authority (after `scheme://`, or at
/// the start of a URL written without a scheme) before its last `@`. URL syntax inside a
/// `{{...}}` placeholder is part of the variable's name.
pub fn split_user_info(url: &str) -> Option<UserInfo> {
    let masked = crate::postman::placeholders::mask_placeholders(url);
    let start = match masked.find("://") {
        Some(at) if !masked[..at].contains(['/', '?', '#', '@']) => at + 3,
        _ => 0,
    };
    let end = masked[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| start + at);
    let at = start + masked[start..end].rfind('@')?;
    let info = &url[start..at];
    let (user, password) = match info.split_once(':') {
        Some((user, password)) => (user, Some(password)),
        None => (info, None),
    };
    let decode = |text: &str| match percent_encoding::percent_decode_str(text).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => text.to_owned(),
    };
    Some(UserInfo {
        url: format!("{}{}", &url[..start], &url[at + 1..]),
        user: decode(user),
        password: password.map(decode),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    #[test]
    fn user_info_is_split_off_a_url() {
        let info = split_user_info("http://admin:s3cr3t%40x@127.0.0.1:8080/get?a=b@c").unwrap();
        assert_eq!(info.url, "http://127.0.0.1:8080/get?a=b@c");
        assert_eq!(info.user, "admin");
        assert_eq!(info.password.as_deref(), Some("s3cr3t@x"));
        let info = split_user_info("me@example.com/x").unwrap();
        assert_eq!(
            (info.url.as_str(), info.user.as_str()),
            ("example.com/x", "me")
        );
        assert_eq!(info.password, None);
        let info = split_user_info("{{scheme}}://{{user}}:{{pass}}@{{host}}/").unwrap();
        assert_eq!(info.url, "{{scheme}}://{{host}}/");
        assert_eq!(info.password(), "{{pass}}");
        let info = split_user_info("{{p://}}://{{@}}:{{###}}@{{host.name}}:{{:p}}/{{f/o/o}}");
        let info = info.unwrap();
        assert_eq!(info.url, "{{p://}}://{{host.name}}:{{:p}}/{{f/o/o}}");
        assert_eq!((info.user.as_str(), info.password()), ("{{@}}", "{{###}}"));
        let info = split_user_info("https://us@r:p@ssword@postman-echo.com/get").unwrap();
        assert_eq!(info.url, "https://postman-echo.com/get");
        assert_eq!((info.user.as_str(), info.password()), ("us@r", "p@ssword"));
        for url in [
            "http://example.com/users/@me",
            "http://example.com?to=a@b",
            "{{base_url}}/x",
            "{{user@host}}/x",
            "example.com/a?next=http://u:p@h/",
        ] {
            assert_eq!(split_user_info(url), None, "{url}");
        }
    }
}
