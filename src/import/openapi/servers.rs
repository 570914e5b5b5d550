//! `servers` for `runner import openapi`: each server's URL with its variables at their
//! defaults, resolved against where the document is served when it is relative, as the
//! collection's `base_url`; a relative one nothing resolves is a required input.

use serde_json::Value;

use super::writer::{self, Writer};
use crate::postman::Report;

/// A server's URL as the collection can use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ServerUrl {
    /// A whole URL (`https://api.example.com/v1`).
    Absolute(String),
    /// Relative to where the document is served (`/api/v3`), which the importer does not
    /// know.
    Relative(String),
}

/// The servers' URLs, each variable at its default (else its first enum value); a variable
/// the server does not define is reported.
pub(super) fn servers(root: &Value, report: &mut Report) -> Vec<String> {
    root.get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|server| {
            let url = server.get("url")?.as_str()?;
            Some(with_variables(url, server.get("variables"), report))
        })
        .collect()
}

/// `url` with each `{variable}` replaced by its default (else its first enum value).
fn with_variables(url: &str, variables: Option<&Value>, report: &mut Report) -> String {
    let mut url = url.to_owned();
    for (name, variable) in variables.and_then(Value::as_object).into_iter().flatten() {
        let value = variable
            .get("default")
            .or_else(|| variable.get("enum")?.as_array()?.first())
            .map(|value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        url = url.replace(&format!("{{{name}}}"), &value);
    }
    if let Some(open) = url.find('{') {
        let name: String = url[open + 1..].chars().take_while(|c| *c != '}').collect();
        // Shown without a user name and password it may hold (those are never written).
        let shown = crate::import::credential::split_user_info(&url).map_or(url.clone(), |i| i.url);
        report.lossy(
            "collection",
            "servers",
            format!("the server URL `{shown}` uses the variable `{name}`, which its `variables` do not define: set `base_url`"),
        );
    }
    url
}

/// A server URL, resolved against where the document is served when it is relative and
/// that is known.
pub(super) fn resolve(url: &str, document_url: Option<&url::Url>) -> ServerUrl {
    match url::Url::parse(url) {
        Ok(_) => ServerUrl::Absolute(url.trim_end_matches('/').to_owned()),
        Err(url::ParseError::RelativeUrlWithoutBase) => match document_url.map(|d| d.join(url)) {
            Some(Ok(joined)) => {
                ServerUrl::Absolute(joined.as_str().trim_end_matches('/').to_owned())
            }
            _ => ServerUrl::Relative(url.to_owned()),
        },
        Err(_) => ServerUrl::Absolute(url.trim_end_matches('/').to_owned()),
    }
}

/// A user name and password in a server's URL are no part of the API's contract (its
/// security schemes are): never written, and reported.
pub(super) fn without_user_info(server: ServerUrl, report: &mut Report) -> ServerUrl {
    let ServerUrl::Absolute(url) = server else {
        return server;
    };
    match crate::import::credential::split_user_info(&url) {
        Some(info) => {
            report.lossy(
                "collection",
                "servers",
                format!(
                    "the server URL `{}` holds a user name and password: they are left out \
                     (not written). If the API needs them, add `auth: {{ basic: {{ username, \
                     password: \"{{{{env.PASSWORD}}}}\" }} }}` to `defaults` with a secret \
                     input PASSWORD",
                    info.url
                ),
            );
            ServerUrl::Absolute(info.url)
        }
        None => ServerUrl::Absolute(url),
    }
}

/// A comment on `base_url` naming the first server's variables and the values they may
/// take, so the user knows what else to set.
pub(super) fn server_comments(root: &Value) -> Vec<String> {
    let Some(variables) = root
        .pointer("/servers/0/variables")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let described: Vec<String> = variables
        .iter()
        .map(|(name, variable)| {
            let values: Vec<String> = variable
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|value| match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect();
            if values.is_empty() {
                format!("{{{name}}}")
            } else {
                format!("{{{name}}}: one of {}", values.join(", "))
            }
        })
        .collect();
    vec![format!(
        "The first server, its variables at their defaults ({}).",
        described.join("; ")
    )]
}

impl Writer<'_> {
    /// What `base_url` is for a server: its URL (template syntax escaped); for a relative
    /// one, the required input `BASE_URL` — the run sends nothing until it is set — reported
    /// with what to set.
    pub(super) fn base_url(&mut self, server: &ServerUrl) -> String {
        let path = match server {
            ServerUrl::Absolute(url) => return writer::literal_label(url),
            ServerUrl::Relative(path) => path,
        };
        let example = format!("https://HOST/{}", path.trim_matches('/'));
        let example = example.trim_end_matches('/');
        let input = self.required_input(
            "BASE_URL",
            &format!(
                "The API's whole URL: the document's server `{path}` is relative to where the \
                 document is served, e.g. {example}"
            ),
        );
        self.report.lossy(
            "collection",
            "servers",
            format!(
                "the server URL `{path}` is relative to where the document is served, which a \
                 file does not say: import with `--document-url` set to the document's URL, or \
                 set {input} (`export {input}={example}`) or run with \
                 `--var base_url={example}`; the run sends nothing until then"
            ),
        );
        format!("{{{{env.{input}}}}}")
    }
}
