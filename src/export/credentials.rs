//! Credentials written in clear in a collection, which no export writes: each becomes a
//! variable (`RUNNER_CREDENTIAL_1`, ...) that the exported file reads and the user sets.
//!
//! What counts as one: the secrets of the auth helpers (a Basic password, a bearer token, an
//! API key, an OAuth 2.0 client secret — what a run masks), the credential of an
//! `Authorization` or `Proxy-Authorization` header, a header, query parameter (in `query:` or
//! the URL's own text), form field, multipart text part or cookie whose name reads as a
//! credential (`X-Api-Key`, `X-Auth-Token`, `Ocp-Apim-Subscription-Key`,
//! `?api_key=`, `client_secret`: the importers' rule, [`is_credential_name`]), and the
//! password of a URL's `user:password@`. A value with a
//! template in it (`{{env.TOKEN}}`) is read when the file runs, and is left as it is.
//!
//! Both exports name each credential by one rule ([`Credentials::of_collection`]), so that
//! `RUNNER_CREDENTIAL_2` is the same credential in a Postman export and in a locustfile of one
//! collection.

use serde_json::{Map, Value};

use crate::postman::{is_credential_name, url_password};

/// Where an auth helper keeps its secret, as JSON pointers under `auth`. The user name, the
/// client id and the token URL are not secrets, as in a run.
pub(crate) const AUTH_SECRETS: &[&str] = &[
    "/basic/password",
    "/bearer",
    "/api_key/value",
    "/oauth2/client_credentials/client_secret",
];

/// A credential written in clear in the collection: the exported file reads it from `variable`.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The variable the exported file reads.
    pub variable: String,
    /// The value (for `runner load`, which sets the variable; never written to the file).
    pub value: String,
}

/// The credentials of one export: one variable per distinct value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credentials {
    list: Vec<Credential>,
    /// Whether the export has written each variable of `list` yet.
    used: Vec<bool>,
}

impl Credentials {
    /// The credentials written in clear in the collection `root`, numbered by the rule both
    /// exports share: in the order the file writes them — the top-level keys in order
    /// (`defaults.headers` and `defaults.auth` as `defaults` writes them, then `steps`, then
    /// `finally`), each step's request field by field as written (the URL's password, then its
    /// own query; `query`, `headers`, `form`, `multipart`, `cookies`, `auth`), groups in place.
    /// What an export meets that this does not number — a secret input's default, an included
    /// file's credentials (Locust only) — is numbered after them, as met. None is used yet.
    pub fn of_collection(root: &Map<String, Value>) -> Credentials {
        let mut credentials = Credentials::default();
        let mut found = Vec::new();
        for (key, value) in root {
            match key.as_str() {
                "defaults" => {
                    for (key, value) in value.as_object().into_iter().flatten() {
                        match key.as_str() {
                            "headers" => headers_in(value, &mut found),
                            "auth" => auth_in(value, &mut found),
                            _ => {}
                        }
                    }
                }
                "steps" | "finally" => steps_in(value, &mut found),
                _ => {}
            }
        }
        for value in found {
            credentials.number(&value);
        }
        credentials
    }

    /// The variable that holds `value`, and whether this is the export's first use of it (a
    /// value met before keeps the variable it was given).
    pub fn variable(&mut self, value: &str) -> (String, bool) {
        let index = self.number(value);
        let first = !self.used[index];
        self.used[index] = true;
        (self.list[index].variable.clone(), first)
    }

    /// The credentials the export used, in the order of their numbers.
    pub fn used(&self) -> Vec<Credential> {
        self.list
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| **used)
            .map(|(credential, _)| credential.clone())
            .collect()
    }

    /// The index of `value`'s variable, numbered next when it has none.
    fn number(&mut self, value: &str) -> usize {
        if let Some(index) = self.list.iter().position(|c| c.value == value) {
            return index;
        }
        self.list.push(Credential {
            variable: format!("RUNNER_CREDENTIAL_{}", self.list.len() + 1),
            value: value.to_owned(),
        });
        self.used.push(false);
        self.list.len() - 1
    }
}

/// A scalar written where the format wants text, as text (`None`: not a scalar).
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn steps_in(steps: &Value, found: &mut Vec<String>) {
    for step in steps.as_array().into_iter().flatten() {
        if let Some(request) = step.get("request").and_then(Value::as_object) {
            request_in(request, found);
        }
        if let Some(children) = step.get("steps") {
            steps_in(children, found);
        }
    }
}

fn request_in(request: &Map<String, Value>, found: &mut Vec<String>) {
    for (key, value) in request {
        match key.as_str() {
            "url" => {
                if let Some(text) = value.as_str() {
                    url(text, |credential| {
                        found.push(credential.to_owned());
                        String::new()
                    });
                }
            }
            "headers" => headers_in(value, found),
            "query" | "form" | "cookies" => {
                for (name, value) in value.as_object().into_iter().flatten() {
                    let values = match value {
                        Value::Array(values) => values.as_slice(),
                        one => std::slice::from_ref(one),
                    };
                    found.extend(
                        values
                            .iter()
                            .filter_map(text_of)
                            .filter(|text| named(name, text)),
                    );
                }
            }
            "multipart" => {
                for (name, part) in value.as_object().into_iter().flatten() {
                    if part.get("file").is_some() {
                        continue;
                    }
                    let text = match part {
                        Value::Object(fields) => fields.get("value"),
                        other => Some(other),
                    };
                    found.extend(text.and_then(text_of).filter(|text| named(name, text)));
                }
            }
            "auth" => auth_in(value, found),
            _ => {}
        }
    }
}

fn headers_in(headers: &Value, found: &mut Vec<String>) {
    for (name, value) in headers.as_object().into_iter().flatten() {
        if let Some(text) = text_of(value) {
            header(name, &text, |credential| {
                found.push(credential.to_owned());
                String::new()
            });
        }
    }
}

fn auth_in(auth: &Value, found: &mut Vec<String>) {
    for pointer in AUTH_SECRETS {
        if let Some(text) = auth.pointer(pointer).and_then(text_of) {
            if in_clear(&text) {
                found.push(text);
            }
        }
    }
}

/// Whether `text` is a credential written in clear: something, and no template.
pub(crate) fn in_clear(text: &str) -> bool {
    !text.trim().is_empty() && !text.contains("{{")
}

/// Whether a header named `name` carries a credential.
fn credential_header(name: &str) -> bool {
    is_authorization(&name.trim().to_ascii_lowercase()) || is_credential_name(name)
}

/// Whether the value of the query parameter or form field `name`, `value`, is a credential
/// written in clear.
pub(crate) fn named(name: &str, value: &str) -> bool {
    is_credential_name(name) && in_clear(value)
}

fn is_authorization(lower: &str) -> bool {
    lower == "authorization" || lower == "proxy-authorization"
}

/// The header `name: value` with its credential written in clear replaced by what `lift`
/// makes of it; an `Authorization` header keeps its scheme (`Bearer {{...}}`). `None`: the
/// header carries no credential in clear.
pub(crate) fn header(name: &str, value: &str, lift: impl FnOnce(&str) -> String) -> Option<String> {
    if !credential_header(name) || !in_clear(value) {
        return None;
    }
    let value = value.trim();
    if is_authorization(&name.trim().to_ascii_lowercase()) {
        if let Some((scheme, credential)) = value.split_once(' ') {
            let credential = credential.trim();
            if !credential.is_empty() {
                return Some(format!("{scheme} {}", lift(credential)));
            }
        }
    }
    Some(lift(value))
}

/// `url` with each credential written in clear replaced by what `lift` makes of it: the
/// password of its `user:password@`, and the value of a query parameter written in the URL's
/// own text whose name reads as a credential (`?api_key=abc`). `None`: the URL carries no
/// credential in clear.
pub(crate) fn url(url: &str, mut lift: impl FnMut(&str) -> String) -> Option<String> {
    let (head, query) = match url.find('?') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let mut changed = false;
    let mut out = match url_password(head) {
        Some(range) if in_clear(&head[range.clone()]) => {
            changed = true;
            format!(
                "{}{}{}",
                &head[..range.start],
                lift(&head[range.clone()]),
                &head[range.end..]
            )
        }
        _ => head.to_owned(),
    };
    let (query, fragment) = match query.find('#') {
        Some(at) => query.split_at(at),
        None => (query, ""),
    };
    if let Some(pairs) = query.strip_prefix('?') {
        out.push('?');
        for (index, pair) in pairs.split('&').enumerate() {
            if index > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((name, value)) if named(name, value) => {
                    changed = true;
                    out.push_str(name);
                    out.push('=');
                    out.push_str(&lift(value));
                }
                _ => out.push_str(pair),
            }
        }
    }
    out.push_str(fragment);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn braces(credential: &str) -> String {
        format!("{{{{{}}}}}", credential.len())
    }

    #[test]
    fn a_url_s_own_query_credentials_and_password_are_lifted() {
        assert_eq!(
            url(
                "https://u:pw@h/x?api_key=k1&page=2&client_secret=s#top",
                braces
            )
            .as_deref(),
            Some("https://u:{{2}}@h/x?api_key={{2}}&page=2&client_secret={{1}}#top")
        );
        assert_eq!(url("{{base}}/x?api_key={{key}}&q=1", braces), None);
        assert_eq!(url("https://h/x?page=1", braces), None);
    }

    #[test]
    fn one_variable_per_distinct_value() {
        let mut credentials = Credentials::default();
        assert_eq!(
            credentials.variable("a"),
            ("RUNNER_CREDENTIAL_1".into(), true)
        );
        assert_eq!(
            credentials.variable("b"),
            ("RUNNER_CREDENTIAL_2".into(), true)
        );
        assert_eq!(
            credentials.variable("a"),
            ("RUNNER_CREDENTIAL_1".into(), false)
        );
    }

    #[test]
    fn an_authorization_header_keeps_its_scheme() {
        assert_eq!(
            header("Authorization", "Bearer abc-123", braces).as_deref(),
            Some("Bearer {{7}}")
        );
        assert_eq!(
            header("proxy-authorization", "Basic dXNlcjpwdw==", braces).as_deref(),
            Some("Basic {{12}}")
        );
        assert_eq!(
            header("Authorization", "opaque", braces).as_deref(),
            Some("{{6}}")
        );
        assert_eq!(header("Authorization", "Bearer {{token}}", braces), None);
    }

    #[test]
    fn headers_named_like_a_credential_are_lifted_whole() {
        assert_eq!(header("X-Api-Key", "k-1", braces).as_deref(), Some("{{3}}"));
        assert_eq!(
            header("X-Auth-Token", "t", braces).as_deref(),
            Some("{{1}}")
        );
        assert_eq!(header("Accept", "application/json", braces), None);
        assert_eq!(header("X-Api-Key", "", braces), None);
    }

    #[test]
    fn a_urls_password_is_lifted_and_the_rest_kept() {
        assert_eq!(
            url("https://alice:pw@host:8080/p?q=1", braces).as_deref(),
            Some("https://alice:{{2}}@host:8080/p?q=1")
        );
        assert_eq!(
            url("http://a:b:c@{{host}}/x@y", braces).as_deref(),
            Some("http://a:{{3}}@{{host}}/x@y")
        );
        assert_eq!(url("http://alice@host/", braces), None);
        assert_eq!(url("http://alice:{{pw}}@host/", braces), None);
        assert_eq!(url("{{base}}/x?to=a:b@c", braces), None);
        assert_eq!(url("http://host/x?to=a:b@c", braces), None);
    }
}
