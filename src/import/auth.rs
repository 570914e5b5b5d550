//! Postman auth (basic, bearer, API key, OAuth 2.0 client credentials) as runner's `auth`
//! helpers. Credentials written literally in the collection become variables read from secret
//! `inputs`: their values are never written to the YAML.

use super::context::Context;
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
        "bearer" => Some(helper(
            "bearer",
            Node::from(credential(auth.param("token"), "bearer_token", cx)),
        )),
        "apikey" => {
            let mut api_key = Map::inline();
            let name = auth.param("key").unwrap_or_else(|| "X-API-Key".to_owned());
            let place = match auth.param("in").as_deref() {
                Some("query") => "query",
                _ => "header",
            };
            api_key.insert(place, cx.text(&name, "auth"));
            api_key.insert("value", credential(auth.param("value"), "api_key", cx));
            Some(helper("api_key", Node::Map(api_key)))
        }
        "oauth2" => {
            let grant = auth
                .param("grant_type")
                .unwrap_or_else(|| "authorization_code".to_owned());
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
    let name = cx.secret_credential(variable, &value);
    format!("{{{{{name}}}}}")
}
