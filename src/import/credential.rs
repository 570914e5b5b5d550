//! Credentials in what is imported: the rule for names (`crate::postman`'s, which the
//! exporters share), how a credential lifted into a variable is written back into a URL's
//! query text, and a URL's user info.

pub use crate::postman::is_credential_name;

/// What a credential `value` found in `place` (the name its variable is made from) is told
/// apart by, so that one variable holds each distinct credential: the value itself, but for a
/// value holding runner's mask (`***`, where a `--curl` file had a secret), which stands for
/// a different secret in each kind of place (the login's `application_token`, the bearer token
/// it buys) and is one value only within one.
pub fn identity(value: &str, place: &str) -> String {
    match value.contains(crate::spec::text::MASK) {
        true => format!("{value}\u{0}{place}"),
        false => value.to_owned(),
    }
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

/// How a credential found in a body's text is written back in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// The characters between a JSON string's quotes, which hold no escape: `{{name}}` there.
    JsonInside,
    /// A whole JSON string, quotes included (it holds an escape): `{{json name}}` writes
    /// the variable back as that string.
    JsonString,
    /// A form field's value (decoded): `{{name}}`, or `{{urlencode name}}` ([`in_url`]).
    Form,
    /// Text as written (XML, JSON that does not parse, `key=value` lines): `{{name}}`, the
    /// variable holding the text exactly as it was written.
    Text,
}

/// The shape a body's text was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// JSON: every string value of a field named like a credential (in a list under such a
    /// field too), as the importers lift a `json:` body's.
    Json,
    /// `name=value&...`: every value of a field named like a credential, as a `form:` body's.
    Form,
    /// Anything else: the conservative rule of [`in_text`].
    Text,
}

impl Shape {
    /// As messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Json => "read as JSON",
            Shape::Form => "read as a form",
            Shape::Text => "read as text",
        }
    }
}

/// A literal credential in a body's text: where its value is, the field that names it, and
/// its value (decoded for JSON and forms, as written otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The bytes of `text` the template replaces.
    pub range: std::ops::Range<usize>,
    /// The name of the field, element or parameter.
    pub key: String,
    /// The credential: what the variable must hold for the body to be sent as recorded.
    pub value: String,
    /// How it is written back.
    pub syntax: Syntax,
}

impl Found {
    /// The template that puts the variable `name` back in place of the credential.
    pub fn template(&self, name: &str) -> String {
        match self.syntax {
            Syntax::JsonInside | Syntax::Text => format!("{{{{{name}}}}}"),
            Syntax::JsonString => format!("{{{{json {name}}}}}"),
            Syntax::Form => in_url(name, &self.value),
        }
    }
}

/// The literal credentials of a request body's text, whatever its `Content-Type` says, in
/// order: a credential is a non-empty value, not a template (`{{`), of a field whose name
/// reads as one ([`is_credential_name`]).
///
/// Text that parses as JSON is read as JSON, `name=value&...` (no blank, each pair with a
/// `=`) as a form; other text (XML, JSON that does not parse, `.env` or YAML lines) by a
/// conservative rule: the content of an element named like a credential
/// (`<password>…</password>`, `<ns:Token><![CDATA[…]]></ns:Token>`), a quoted value after a
/// name and `:` or `=` (`"password": "…"`, `password='…'`, an XML attribute
/// `api_key="…"`), an unquoted value after a name and `=` (`token=…`, up to a blank, `&`,
/// `;`, `,`, a quote or a bracket), or the rest of a line that starts with a name and `:`
/// (`password: …`).
pub fn in_body_text(text: &str) -> (Shape, Vec<Found>) {
    let trimmed = text.trim_start();
    if trimmed.starts_with(['{', '[']) && serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return (Shape::Json, in_json(text));
    }
    if let Some(found) = in_form(text) {
        return (Shape::Form, found);
    }
    (Shape::Text, in_text(text))
}

/// The credentials of valid JSON text: each string value of a member named like a
/// credential, or an element of a list that is one's value.
fn in_json(text: &str) -> Vec<Found> {
    enum Frame {
        Object {
            key: Option<String>,
            wants_key: bool,
        },
        List(Option<String>),
    }
    fn value_key(stack: &[Frame]) -> Option<String> {
        match stack.last() {
            Some(Frame::Object { key, .. }) | Some(Frame::List(key)) => key.clone(),
            None => None,
        }
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'{' => stack.push(Frame::Object {
                key: None,
                wants_key: true,
            }),
            b'[' => {
                let key = value_key(&stack);
                stack.push(Frame::List(key));
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' | b':' => {
                if let Some(Frame::Object { wants_key, .. }) = stack.last_mut() {
                    *wants_key = bytes[at] == b',';
                }
            }
            b'"' => {
                let mut end = at + 1;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let end = (end + 1).min(bytes.len());
                let token = &text[at..end];
                let decoded: String = serde_json::from_str(token).unwrap_or_default();
                match stack.last_mut() {
                    Some(Frame::Object {
                        key,
                        wants_key: true,
                    }) => *key = Some(decoded),
                    _ => {
                        if let Some(key) = value_key(&stack) {
                            if is_credential_name(&key) && literal(&decoded) {
                                let escaped = token.contains('\\');
                                found.push(Found {
                                    range: if escaped { at..end } else { at + 1..end - 1 },
                                    key,
                                    value: decoded,
                                    syntax: if escaped {
                                        Syntax::JsonString
                                    } else {
                                        Syntax::JsonInside
                                    },
                                });
                            }
                        }
                    }
                }
                at = end;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    found
}

/// A credential's value: not empty, not a template.
fn literal(value: &str) -> bool {
    !value.trim().is_empty() && !value.contains("{{") && !value.contains("}}")
}

/// The credentials of `name=value&...` text; `None` when the text is not one: it holds a
/// blank, or a pair without `=`, or a name that is not a plain word.
fn in_form(text: &str) -> Option<Vec<Found>> {
    let body = text.trim_end_matches(['\r', '\n']);
    if body.is_empty() || body.contains(char::is_whitespace) {
        return None;
    }
    let plain_name = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.~%+-[]".contains(c))
    };
    let mut found = Vec::new();
    let mut start = 0;
    for pair in body.split('&') {
        let (name, value) = pair.split_once('=')?;
        if !plain_name(name) {
            return None;
        }
        let value_start = start + name.len() + 1;
        if let Some((key, decoded)) = url::form_urlencoded::parse(pair.as_bytes()).next() {
            if is_credential_name(&key) && literal(&decoded) && !value.contains("{{") {
                found.push(Found {
                    range: value_start..value_start + value.len(),
                    key: key.into_owned(),
                    value: decoded.into_owned(),
                    syntax: Syntax::Form,
                });
            }
        }
        start += pair.len() + 1;
    }
    Some(found)
}

/// The rules of [`in_text`], in order of precedence: each names the field `k` and its value
/// `v` (an element's closing tag `k2` must name the same).
static TEXT_RULES: std::sync::LazyLock<Vec<regex::Regex>> = std::sync::LazyLock::new(|| {
    const NAME: &str = r"[A-Za-z_$@][\w.\-]*";
    const PREFIX: &str = r"(?:[A-Za-z_][\w.\-]*:)?";
    [
        // <password attr="…">value</password>, <ns:token><![CDATA[value]]></ns:token>
        format!(
            r"(?s)<{PREFIX}(?P<k>{NAME})(?:\s[^<>]*)?>\s*<!\[CDATA\[(?P<v>.*?)\]\]>\s*</{PREFIX}(?P<k2>{NAME})\s*>"
        ),
        format!(r"<{PREFIX}(?P<k>{NAME})(?:\s[^<>]*)?>(?P<v>[^<]+)</{PREFIX}(?P<k2>{NAME})\s*>"),
        // "password": "value", password='value', api_key="value", const token = `value`
        format!(r#"["'`]?(?P<k>{NAME})["'`]?\s*(?::|=|:=|=>)\s*"(?P<v>(?:[^"\\\r\n]|\\.)*)""#),
        format!(r#"["'`]?(?P<k>{NAME})["'`]?\s*(?::|=|:=|=>)\s*'(?P<v>(?:[^'\\\r\n]|\\.)*)'"#),
        format!(r#"["'`]?(?P<k>{NAME})["'`]?\s*(?::|=|:=|=>)\s*`(?P<v>(?:[^`\\\r\n]|\\.)*)`"#),
        // token=value
        format!(r#"(?P<k>{NAME})[ \t]*=[ \t]*(?P<v>[^\s"'`<>&;,(){{}}\[\]]+)"#),
        // password: value (a line of its own)
        format!(
            r#"(?m)^[ \t]*["']?(?P<k>{NAME})["']?[ \t]*:[ \t]*(?P<v>[^\s"'`<>{{}}\[\]][^\r\n]*?)[ \t]*\r?$"#
        ),
    ]
    .iter()
    .map(|rule| regex::Regex::new(rule).expect("a valid rule"))
    .collect()
});

/// The credentials of text that is neither JSON nor a form, by the rule of
/// [`in_body_text`]: each value as written.
pub fn in_text(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for rule in TEXT_RULES.iter() {
        for captures in rule.captures_iter(text) {
            let (Some(key), Some(value)) = (captures.name("k"), captures.name("v")) else {
                continue;
            };
            if captures
                .name("k2")
                .is_some_and(|k2| k2.as_str() != key.as_str())
            {
                continue;
            }
            let raw = value.as_str();
            let lead = raw.len() - raw.trim_start().len();
            let range = value.start() + lead..value.start() + raw.trim_end().len();
            let value = &text[range.clone()];
            if !is_credential_name(key.as_str()) || !literal(value) {
                continue;
            }
            if found
                .iter()
                .any(|f| f.range.start < range.end && range.start < f.range.end)
            {
                continue;
            }
            found.push(Found {
                range,
                key: key.as_str().to_owned(),
                value: value.to_owned(),
                syntax: Syntax::Text,
            });
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

/// `text` with each credential of `found` (in order, not overlapping) replaced by what
/// `replace` gives it (`None`: kept as it is).
pub fn splice(
    text: &str,
    found: &[Found],
    mut replace: impl FnMut(&Found) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in found {
        if let Some(template) = replace(f) {
            out.push_str(&text[at..f.range.start]);
            out.push_str(&template);
            at = f.range.end;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// Script code as a comment or a message shows it (it is not run): each literal that looks
/// like a credential is `***` — a value given a name that reads as one (as in a body's text:
/// `const password = '…'`, `{ token: "…" }`), the second argument after such a name
/// (`pm.environment.set('api_token', '…')`, `headers.add('X-Api-Key', '…')`), the value of a
/// `{ key: 'Authorization', value: '…' }` header, and what follows `Bearer`, `Basic`,
/// `Digest` or `Token` in a string.
pub fn mask_code(code: &str) -> String {
    static CODE_RULES: std::sync::LazyLock<Vec<regex::Regex>> = std::sync::LazyLock::new(|| {
        [
            r#"["'`](?P<k>[^"'`\r\n]{1,80})["'`]\s*,\s*["'`](?P<v>(?:[^"'`\\\r\n]|\\.)+)["'`]"#,
            r#"key\s*:\s*["'`](?P<k>[^"'`\r\n]{1,80})["'`]\s*,\s*value\s*:\s*["'`](?P<v>(?:[^"'`\\\r\n]|\\.)+)["'`]"#,
        ]
        .iter()
        .map(|rule| regex::Regex::new(rule).expect("a valid rule"))
        .collect()
    });
    static SCHEME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:bearer|basic|digest|token)\s+(?P<v>[A-Za-z0-9._~+/=\-]{4,})")
            .expect("a valid rule")
    });
    let mut found: Vec<std::ops::Range<usize>> =
        in_text(code).into_iter().map(|f| f.range).collect();
    let mut add = |range: std::ops::Range<usize>| {
        if !found
            .iter()
            .any(|r| r.start < range.end && range.start < r.end)
        {
            found.push(range);
        }
    };
    for rule in CODE_RULES.iter() {
        for captures in rule.captures_iter(code) {
            if let (Some(key), Some(value)) = (captures.name("k"), captures.name("v")) {
                if is_credential_name(key.as_str()) && literal(value.as_str()) {
                    add(value.range());
                }
            }
        }
    }
    for captures in SCHEME.captures_iter(code) {
        if let Some(value) = captures.name("v") {
            add(value.range());
        }
    }
    found.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(code.len());
    let mut at = 0;
    for range in found {
        out.push_str(&code[at..range.start]);
        out.push_str("***");
        at = range.end;
    }
    out.push_str(&code[at..]);
    out
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
