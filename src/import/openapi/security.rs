//! Security schemes as runner auth helpers for `runner import openapi`, every credential a
//! secret input.

use serde_json::Value;

use super::super::yaml::{Map, Node};
use super::writer::{literal_label, Writer};
use crate::openapi::document::{escape, Place};

/// The auth helper written for a security requirement.
pub(super) struct Secured {
    /// The `auth` value.
    pub(super) auth: Node,
    /// The parameter an API key scheme sends, `(in, name)`: an operation's own parameter of
    /// that name is not written again (a query parameter would be sent twice).
    pub(super) sends: Option<(&'static str, String)>,
}

impl Secured {
    /// Whether the parameter `name` in `location` is the API key this auth sends.
    pub(super) fn sends_parameter(&self, location: &str, name: &str) -> bool {
        self.sends
            .as_ref()
            .is_some_and(|(place, key)| match *place {
                "header" => location == "header" && key.eq_ignore_ascii_case(name),
                _ => location == *place && key == name,
            })
    }
}

impl Writer<'_> {
    /// Security requirements as an auth helper (the first requirement that maps to one);
    /// every credential a secret input.
    pub(super) fn security(&mut self, requirements: Option<&Value>, item: &str) -> Option<Secured> {
        let requirements = requirements?.as_array()?;
        let schemes = self
            .documents
            .root()
            .pointer("/components/securitySchemes")
            .cloned()
            .unwrap_or(Value::Null);
        // Requirements are alternatives: one without a helper is left out only when no other
        // one is used.
        let mut passed_over: Vec<String> = Vec::new();
        for requirement in requirements {
            let Some(names) = requirement.as_object() else {
                continue;
            };
            let Some((name, scopes)) = names.iter().next() else {
                continue;
            };
            let Some(scheme) = schemes.get(name) else {
                continue;
            };
            let place = Place {
                file: 0,
                pointer: format!("/components/securitySchemes/{}", escape(name)),
            };
            let scheme = self
                .documents
                .resolve(&place, scheme)
                .map(|(_, v)| v)
                .unwrap_or_else(|_| scheme.clone());
            let kind = scheme
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let http = scheme
                .get("scheme")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let description =
                |what: &str| format!("{what} for the security scheme `{name}` of the API");
            let mut auth = Map::inline();
            let mut sends = None;
            match (kind, http.as_str()) {
                ("http", "bearer") => {
                    let token = self.input(name, "TOKEN", &description("The bearer token"));
                    auth.insert("bearer", format!("{{{{env.{token}}}}}"));
                }
                ("http", "basic") => {
                    let user = self.input(name, "USERNAME", &description("The user name"));
                    let password = self.input(name, "PASSWORD", &description("The password"));
                    let mut basic = Map::inline();
                    basic.insert("username", format!("{{{{env.{user}}}}}"));
                    basic.insert("password", format!("{{{{env.{password}}}}}"));
                    auth.insert("basic", Node::Map(basic));
                }
                ("apiKey", _) => {
                    let key_name = scheme
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("api_key");
                    let location = scheme.get("in").and_then(Value::as_str).unwrap_or("header");
                    if location == "cookie" {
                        self.report.lossy(item, "security", format!("the API key `{name}` goes in a cookie: runner's api_key helper sends a header or a query parameter; a header is written instead"));
                    }
                    let key = self.input(name, "KEY", &description("The API key"));
                    let mut api_key = Map::inline();
                    let place = if location == "query" {
                        "query"
                    } else {
                        "header"
                    };
                    api_key.insert(place, key_name.to_owned());
                    // A cookie key is sent as a header (noted above); the operation's cookie
                    // parameter would only carry the document's example of it.
                    let sent = if location == "cookie" {
                        "cookie"
                    } else {
                        place
                    };
                    sends = Some((sent, key_name.to_owned()));
                    api_key.insert("value", format!("{{{{env.{key}}}}}"));
                    auth.insert("api_key", Node::Map(api_key));
                }
                ("oauth2", _)
                    if scheme
                        .pointer("/flows/clientCredentials/tokenUrl")
                        .is_some() =>
                {
                    let token_url = scheme
                        .pointer("/flows/clientCredentials/tokenUrl")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let id = self.input(name, "CLIENT_ID", &description("The OAuth2 client id"));
                    let secret = self.input(
                        name,
                        "CLIENT_SECRET",
                        &description("The OAuth2 client secret"),
                    );
                    let mut grant = Map::inline();
                    grant.insert("token_url", literal_label(token_url));
                    grant.insert("client_id", format!("{{{{env.{id}}}}}"));
                    grant.insert("client_secret", format!("{{{{env.{secret}}}}}"));
                    let scopes: Vec<&str> = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    if !scopes.is_empty() {
                        grant.insert("scope", literal_label(&scopes.join(" ")));
                    }
                    let mut oauth2 = Map::block();
                    oauth2.insert("client_credentials", Node::Map(grant));
                    auth.inline = false;
                    auth.insert("oauth2", Node::Map(oauth2));
                }
                ("oauth2" | "openIdConnect", _) => {
                    let token = self.input(name, "TOKEN", &description("An access token"));
                    self.report.note(item, "security", format!("`{name}` is {kind} with a flow runner cannot run by itself: the step sends a bearer token from the secret input {token}"));
                    auth.insert("bearer", format!("{{{{env.{token}}}}}"));
                }
                _ => {
                    passed_over.push(format!("the security scheme `{name}` ({kind} {http}) has no runner auth helper: add the credentials by hand"));
                    continue;
                }
            }
            if names.len() > 1 {
                self.report.lossy(
                    item,
                    "security",
                    format!(
                        "a requirement that needs several schemes at once ({}) maps to one auth helper; only the first is used",
                        names.keys().cloned().collect::<Vec<_>>().join(" + ")
                    ),
                );
            }
            return Some(Secured {
                auth: Node::Map(auth),
                sends,
            });
        }
        for reason in passed_over {
            self.report.lossy(item, "security", reason);
        }
        None
    }

    /// A secret input named after the scheme, declared once; its name.
    pub(super) fn input(&mut self, scheme: &str, what: &str, description: &str) -> String {
        let scheme = scheme.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        self.secret_input(&format!("{scheme}_{what}"), description)
    }

    /// A secret input named after `name` (`crate::import::context::input_name`), declared
    /// with `description` unless it already is: its name. A name already declared for
    /// another input (another description) gets a number (`USER_PASSWORD_2`): two secrets
    /// are never merged.
    pub(super) fn secret_input(&mut self, name: &str, description: &str) -> String {
        self.declare_input(name, description, true)
    }

    /// A required input that is no secret (a value the user must give: a placeholder),
    /// declared like [`Self::secret_input`]: its name.
    pub(super) fn required_input(&mut self, name: &str, description: &str) -> String {
        self.declare_input(name, description, false)
    }

    fn declare_input(&mut self, name: &str, description: &str, secret: bool) -> String {
        let base =
            crate::import::context::input_name(name, if secret { "SECRET" } else { "VALUE" });
        let mut name = base.clone();
        for n in 2.. {
            match self.input_descriptions.get(&name) {
                Some(declared) if declared == description => break,
                Some(_) => name = format!("{base}_{n}"),
                None => {
                    self.input_descriptions
                        .insert(name.clone(), description.to_owned());
                    let mut spec = Map::inline();
                    if secret {
                        spec.insert("secret", true);
                    }
                    spec.insert("description", description.to_owned());
                    self.inputs.insert(name.clone(), Node::Map(spec));
                    break;
                }
            }
        }
        name
    }
}
