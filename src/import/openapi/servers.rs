//! `servers` for `runner import openapi`: each server's URL with its variables at their
//! defaults, resolved against where the document is served when it is relative, as the
//! collection's `base_url`; a relative one nothing resolves is a required input.

use serde_json::Value;

use super::writer::{self, Writer};
use super::Operation;
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
    urls(root.get("servers"), "collection", report)
}

/// The URLs of a `servers` list, each variable at its default (else its first enum value); a
/// variable a server does not define is reported under `item`.
fn urls(servers: Option<&Value>, item: &str, report: &mut Report) -> Vec<String> {
    servers
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|server| {
            let url = server.get("url")?.as_str()?;
            Some(with_variables(url, server.get("variables"), item, report))
        })
        .collect()
}

/// `url` with each `{variable}` replaced by its default (else its first enum value).
fn with_variables(url: &str, variables: Option<&Value>, item: &str, report: &mut Report) -> String {
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
            item,
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
pub(super) fn without_user_info(server: ServerUrl, item: &str, report: &mut Report) -> ServerUrl {
    let ServerUrl::Absolute(url) = server else {
        return server;
    };
    match crate::import::credential::split_user_info(&url) {
        Some(info) => {
            report.lossy(
                item,
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
    match root.pointer("/servers/0").and_then(described_variables) {
        Some(described) => vec![format!(
            "The first server, its variables at their defaults ({described})."
        )],
        None => Vec::new(),
    }
}

/// A server's variables and the values each may take: `{scheme}: one of https, http; {host}`.
fn described_variables(server: &Value) -> Option<String> {
    let variables = server.get("variables")?.as_object()?;
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
    Some(described.join("; "))
}

/// The variable of the `servers` a path item or an operation gives instead of the
/// document's (OpenAPI: an operation's override its path item's, which override the
/// document's): `base_url_2`, ... beside `base_url`, its first server's URL.
pub(super) struct ServerVariable {
    /// `base_url_2`, ...
    pub(super) name: String,
    /// Its value: the first server's URL (or the required input of a relative one).
    pub(super) value: String,
    /// The first server's URL, its variables at their defaults: the operations whose first
    /// server is the same share the variable.
    first: String,
    /// Whose servers they are: `GET /ops`, `the path /items/{id}`.
    owners: Vec<String>,
    /// The first server's variables and the values they may take.
    variables: Option<String>,
    /// The other servers' URLs, each variable at its default.
    others: Vec<String>,
}

/// The most owners a server variable's comment names.
const OWNERS_SHOWN: usize = 3;

impl ServerVariable {
    /// The comment written above it: whose servers, the variables, the other servers.
    pub(super) fn comments(&self) -> Vec<String> {
        let mut owners = self.owners[..self.owners.len().min(OWNERS_SHOWN)].join(", ");
        if self.owners.len() > OWNERS_SHOWN {
            owners.push_str(&format!(" and {} more", self.owners.len() - OWNERS_SHOWN));
        }
        let mut text = match self.others.is_empty() {
            true => format!("The server of {owners} (in place of the document's)"),
            false => format!("The first server of {owners} (in place of the document's)"),
        };
        if let Some(variables) = &self.variables {
            text.push_str(&format!(", its variables at their defaults ({variables})"));
        }
        if !self.others.is_empty() {
            text.push_str(&format!(
                "; the others: {} (choose one with --var {}=URL)",
                self.others.join(", "),
                self.name
            ));
        }
        text.push('.');
        vec![text]
    }
}

/// The servers an operation is sent to when it gives its own, or its path item does, with
/// whose they are; `None` when the document's apply.
fn own_servers(operation: &Operation) -> Option<(&Value, String)> {
    let given = |servers: &&Value| servers.as_array().is_some_and(|s| !s.is_empty());
    if let Some(servers) = operation.value.get("servers").filter(given) {
        return Some((servers, operation.method_and_path()));
    }
    let servers = operation.item_servers.as_ref().filter(given)?;
    Some((servers, format!("the path {}", operation.path)))
}

/// The first server's URL of a `servers` list, its variables at their defaults (nothing
/// reported).
fn first_url(servers: &Value) -> Option<String> {
    urls(Some(servers), "", &mut Report::default())
        .into_iter()
        .next()
}

impl Writer<'_> {
    /// The variable an operation's URL starts with: `base_url`, or the variable of the
    /// servers it or its path item gives instead of the document's (made the first time
    /// they are met, its problems reported under `item`).
    pub(super) fn server_variable(&mut self, operation: &Operation, item: &str) -> String {
        let Some((servers, owner)) = own_servers(operation) else {
            return "base_url".into();
        };
        let document_first = first_url(&self.document_servers).unwrap_or_else(|| "/".into());
        if *servers == self.document_servers || first_url(servers).as_ref() == Some(&document_first)
        {
            return "base_url".into();
        }
        let mut urls = urls(Some(servers), item, self.report).into_iter();
        let Some(first) = urls.next() else {
            return "base_url".into();
        };
        if let Some(variable) = self
            .server_variables
            .iter_mut()
            .find(|variable| variable.first == first)
        {
            if !variable.owners.contains(&owner) {
                variable.owners.push(owner);
            }
            return variable.name.clone();
        }
        let name = format!("base_url_{}", self.server_variables.len() + 2);
        let server = resolve(&first, self.document_url.as_ref());
        let server = without_user_info(server, item, self.report);
        let value = self.server_url(&server, &name, &format!("the server of {owner}"), item);
        let others = urls
            .map(|url| resolve(&url, self.document_url.as_ref()))
            .map(
                |server| match without_user_info(server, item, self.report) {
                    ServerUrl::Absolute(url) | ServerUrl::Relative(url) => {
                        writer::literal_label(&url)
                    }
                },
            )
            .collect();
        self.server_variables.push(ServerVariable {
            name: name.clone(),
            value,
            first,
            owners: vec![owner],
            variables: servers.get(0).and_then(described_variables),
            others,
        });
        name
    }

    /// What `base_url` is for a server: its URL (template syntax escaped); for a relative
    /// one, the required input `BASE_URL` — the run sends nothing until it is set — reported
    /// with what to set.
    pub(super) fn base_url(&mut self, server: &ServerUrl) -> String {
        self.server_url(server, "base_url", "the document's server", "collection")
    }

    /// What the variable `variable` is for `server` (`whose` server it is: "the document's
    /// server"): its URL (template syntax escaped); for a relative one, a required input
    /// named after the variable — the run sends nothing until it is set — reported under
    /// `item` with what to set.
    fn server_url(
        &mut self,
        server: &ServerUrl,
        variable: &str,
        whose: &str,
        item: &str,
    ) -> String {
        let path = match server {
            ServerUrl::Absolute(url) => return writer::literal_label(url),
            ServerUrl::Relative(path) => path,
        };
        let example = format!("https://HOST/{}", path.trim_matches('/'));
        let example = example.trim_end_matches('/');
        let input = self.required_input(
            &variable.to_ascii_uppercase(),
            &format!(
                "The API's whole URL: {whose} `{path}` is relative to where the \
                 document is served, e.g. {example}"
            ),
        );
        self.report.lossy(
            item,
            "servers",
            format!(
                "the server URL `{path}` is relative to where the document is served, which a \
                 file does not say: import with `--document-url` set to the document's URL, or \
                 set {input} (`export {input}={example}`) or run with \
                 `--var {variable}={example}`; the run sends nothing until then"
            ),
        );
        format!("{{{{env.{input}}}}}")
    }
}
