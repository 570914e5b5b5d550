//! Postman auth (basic, bearer, API key, OAuth 2.0 client credentials) as runner's `auth`
//! helpers. Credentials written literally in the collection become variables read from secret
//! `inputs`: their values are never written to the YAML.

use super::context::Context;
use super::credential::UserInfo;
use super::postman::Auth;
use super::yaml::{Map, Node};

/// The `auth:` value for this Postman auth, or `None` when it cannot be expressed (reported).
pub fn convert(auth: &Auth, cx: &mut Context) -> Option<Node> {
    let item = cx.item.clone();
    match auth.kind.as_str() {
        "noauth" => Some(Node::from("none")),
        "basic" => {
            let mut basic = Map::inline();
            basic.insert(
                "username",
                cx.text(&auth.param("username").unwrap_or_default(), "auth"),
            );
            basic.insert(
                "password",
                credential(auth.param("password"), "basic_password", cx),
            );
            Some(helper("basic", Node::Map(basic)))
        }
        "bearer" => {
            let Some(token) = auth.param("token").filter(|token| !token.is_empty()) else {
                // postman-runtime's bearer.js: no token, nothing to do.
                cx.report.note(
                    &item,
                    "auth",
                    "the bearer auth has no token: Postman sends no `Authorization` for it (an \
                     `Authorization` header of the request's own is sent), and neither does runner",
                );
                return None;
            };
            Some(helper(
                "bearer",
                Node::from(credential(Some(token), "bearer_token", cx)),
            ))
        }
        "apikey" => {
            let mut api_key = Map::inline();
            let place = match auth.param("in").as_deref() {
                Some("query") => "query",
                _ => "header",
            };
            let name = api_key_name(auth, place, &item, cx)?;
            api_key.insert(place, cx.text(&name, "auth"));
            api_key.insert("value", credential(auth.param("value"), "api_key", cx));
            Some(helper("api_key", Node::Map(api_key)))
        }
        "oauth2" => {
            let grant = auth
                .param("grant_type")
                .unwrap_or_else(|| "authorization_code".to_owned());
            let token = auth.param("accessToken").filter(|t| !t.trim().is_empty());
            if let (true, Some(token)) = (grant != "client_credentials", token) {
                return Some(access_token(auth, &token, &grant, cx));
            }
            if grant != "client_credentials" {
                cx.report.lossy(
                    &item,
                    "auth",
                    format!(
                        "OAuth 2.0 with the `{grant}` grant needs a person at a browser: runner \
                         supports client credentials only; the request is sent without auth"
                    ),
                );
                return None;
            }
            let mut grant = Map::block();
            grant.insert(
                "token_url",
                cx.text(&auth.param("accessTokenUrl").unwrap_or_default(), "auth"),
            );
            grant.insert(
                "client_id",
                cx.text(&auth.param("clientId").unwrap_or_default(), "auth"),
            );
            grant.insert(
                "client_secret",
                credential(auth.param("clientSecret"), "oauth2_client_secret", cx),
            );
            for (postman, runner) in [("scope", "scope"), ("audience", "audience")] {
                if let Some(value) = auth.param(postman).filter(|v| !v.is_empty()) {
                    grant.insert(runner, cx.text(&value, "auth"));
                }
            }
            if auth.param("client_authentication").as_deref() == Some("body") {
                grant.insert("client_auth", "body");
            }
            let mut oauth2 = Map::block();
            oauth2.insert("client_credentials", Node::Map(grant));
            Some(helper("oauth2", Node::Map(oauth2)))
        }
        "inherit" => None,
        other => {
            cx.report.lossy(
                &item,
                "auth",
                format!(
                    "the `{other}` auth has no runner helper (runner has basic, bearer, api_key, \
                     oauth2 client credentials): the request is sent without it"
                ),
            );
            None
        }
    }
}

/// The name of an API key auth's header or query parameter; `None` when Postman sends
/// nothing (no name: postman-runtime's apikey.js leaves a key without a name out), or when it
/// is a header name runner cannot send (reported).
fn api_key_name(auth: &Auth, place: &str, item: &str, cx: &mut Context) -> Option<String> {
    let name = auth.param("key").unwrap_or_default();
    let name = if place == "header" {
        name.trim()
    } else {
        name.as_str()
    };
    if name.is_empty() {
        cx.report.note(
            item,
            "auth",
            "the API key auth names no header or query parameter: Postman sends nothing for it, \
             and neither does runner",
        );
        return None;
    }
    if place == "header" && reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        let name = name.escape_debug();
        cx.report.lossy(
            item,
            "auth",
            format!(
                "the API key's header `{name}` is not an HTTP header name (letters, digits and \
                 !#$%&'*+-.^_`|~, with no space): runner cannot send it, the request is sent \
                 without it"
            ),
        );
        return None;
    }
    Some(name.to_owned())
}

/// What Postman takes out of a request before it signs it with `auth` (postman-runtime's
/// authorizers): the request's own header of that name (any case), or its query parameters
/// of that exact name. `None` when the auth sends nothing, or adds without taking out.
pub fn replaces(auth: &Auth) -> Option<Replaced> {
    let filled = |name: &str| auth.param(name).filter(|value| !value.is_empty());
    match auth.kind.as_str() {
        "basic" => Some(Replaced::Header("Authorization".to_owned())),
        "bearer" => filled("token").map(|_| Replaced::Header("Authorization".to_owned())),
        "apikey" => {
            let key = filled("key")?;
            Some(match auth.param("in").as_deref() {
                Some("query") => Replaced::Query(key),
                _ => Replaced::Header(key.trim().to_owned()),
            })
        }
        _ => None,
    }
}

/// A header or query parameter an auth sets in place of the request's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replaced {
    /// A header, by name (any case).
    Header(String),
    /// Query parameters, by exact name.
    Query(String),
}

/// The `auth:` for the user name and password written in a request's URL
/// (`http://user:password@host`): HTTP Basic, as Postman sends them; a literal password is
/// read from a secret input and never written.
pub fn user_info(info: &UserInfo, cx: &mut Context) -> Node {
    let item = cx.item.clone();
    cx.report.note(
        &item,
        "url",
        "the user name and password written in the URL are sent as HTTP Basic auth (`auth: \
         { basic }`), as Postman sends them; the URL is written without them",
    );
    let mut basic = Map::inline();
    basic.insert("username", cx.text(&info.user, "auth"));
    basic.insert(
        "password",
        credential(info.password.clone(), "basic_password", cx),
    );
    helper("basic", Node::Map(basic))
}

/// An OAuth 2.0 auth that holds its access token (stored in the collection or an
/// environment): the token is sent as Postman sends it, as a bearer token (or with the
/// collection's own header prefix, or as the `access_token` query parameter).
fn access_token(auth: &Auth, token: &str, grant: &str, cx: &mut Context) -> Node {
    let item = cx.item.clone();
    let value = credential(Some(token.to_owned()), "oauth2_access_token", cx);
    cx.report.note(
        &item,
        "auth",
        format!(
            "OAuth 2.0 (`{grant}`) with a stored access token: the token is sent as it is; \
             runner does not renew it through the browser grant, so give a fresh one when it expires"
        ),
    );
    let prefix = auth
        .param("headerPrefix")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "Bearer".to_owned());
    if auth.param("addTokenTo").as_deref() == Some("queryParams") {
        let mut api_key = Map::inline();
        api_key.insert("query", "access_token");
        api_key.insert("value", value);
        return helper("api_key", Node::Map(api_key));
    }
    if prefix == "Bearer" {
        return helper("bearer", Node::from(value));
    }
    let mut api_key = Map::inline();
    api_key.insert("header", "Authorization");
    api_key.insert("value", format!("{prefix} {value}"));
    helper("api_key", Node::Map(api_key))
}

fn helper(name: &str, value: Node) -> Node {
    let mut map = Map::block();
    map.insert(name, value);
    Node::Map(map)
}

/// A credential: a template stays one; a literal becomes a variable read from a secret input,
/// and is never written.
fn credential(value: Option<String>, variable: &str, cx: &mut Context) -> String {
    let value = value.unwrap_or_default();
    if value.is_empty() || value.contains("{{") {
        return cx.text(&value, "auth");
    }
    let name = cx.secret_credential(variable, &value, "auth");
    format!("{{{{{name}}}}}")
}
