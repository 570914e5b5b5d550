//! How auth helpers are written: `auth:` on a request or in `defaults`.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::written::Text;

/// Credentials added to the request: `none`, or a map with exactly one helper. Every
/// credential is a secret: masked in every output.
#[derive(Debug, Clone)]
pub enum AuthSpec {
    /// No auth helper, even if `defaults.auth` sets one.
    None,
    /// HTTP Basic: `Authorization: Basic base64(username:password)`.
    Basic(BasicAuthSpec),
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
    /// An API key in a header or a query parameter.
    ApiKey(ApiKeySpec),
    /// OAuth 2.0: a token obtained by the runner, sent as `Authorization: Bearer ...`.
    Oauth2(OAuth2Spec),
}

/// The auth helpers; exactly one must be given.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::auth_helpers)]
pub struct AuthFields {
    /// HTTP Basic: `Authorization: Basic base64(username:password)`.
    #[serde(default)]
    pub basic: Option<BasicAuthSpec>,
    /// `Authorization: Bearer TOKEN`.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub bearer: Option<String>,
    /// An API key in a header or a query parameter.
    #[serde(default)]
    pub api_key: Option<ApiKeySpec>,
    /// OAuth 2.0: a token obtained by the runner, sent as `Authorization: Bearer ...`.
    #[serde(default)]
    pub oauth2: Option<OAuth2Spec>,
}

impl<'de> Deserialize<'de> for AuthSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AuthVisitor;

        impl<'de> Visitor<'de> for AuthVisitor {
            type Value = AuthSpec;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`none`, or one of `basic`, `bearer`, `api_key`, `oauth2`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "none" => Ok(AuthSpec::None),
                    other => Err(E::custom(format!(
                        "`{other}` is not an auth helper: write `none`, or a map such as `{{ bearer: \"{{{{token}}}}\" }}`"
                    ))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let fields = AuthFields::deserialize(MapAccessDeserializer::new(map))?;
                let mut helpers = Vec::new();
                if let Some(basic) = fields.basic {
                    helpers.push(AuthSpec::Basic(basic));
                }
                if let Some(token) = fields.bearer {
                    helpers.push(AuthSpec::Bearer(token));
                }
                if let Some(key) = fields.api_key {
                    helpers.push(AuthSpec::ApiKey(key));
                }
                if let Some(oauth2) = fields.oauth2 {
                    helpers.push(AuthSpec::Oauth2(oauth2));
                }
                match helpers.len() {
                    1 => helpers.pop().ok_or_else(|| de::Error::custom("no helper")),
                    n => Err(de::Error::custom(format!(
                        "an auth helper is one of `basic`, `bearer`, `api_key`, `oauth2`; found {n}"
                    ))),
                }
            }
        }

        deserializer.deserialize_any(AuthVisitor)
    }
}

impl JsonSchema for AuthSpec {
    fn schema_name() -> Cow<'static, str> {
        "Auth".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let fields = generator.subschema_for::<AuthFields>();
        json_schema!({
            "description": "`none` (no auth, even if `defaults.auth` sets one), or exactly one helper. Credentials are masked in every output.",
            "anyOf": [ { "const": "none" }, fields ]
        })
    }
}

/// `basic`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuthSpec {
    /// The user name.
    #[serde(deserialize_with = "super::written::username")]
    #[schemars(extend("type" = ["string", "number", "boolean"]))]
    pub username: String,
    /// The password (masked); none when left out.
    #[serde(default, deserialize_with = "super::written::or_empty")]
    #[schemars(extend("type" = ["string", "number", "boolean", "null"]))]
    pub password: String,
}

/// `api_key`: exactly one of `header` and `query`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::api_key_place)]
pub struct ApiKeySpec {
    /// The header carrying the key, e.g. `X-API-Key`.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub header: Option<String>,
    /// The query parameter carrying the key, e.g. `api_key`.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub query: Option<String>,
    /// The key (masked).
    #[serde(deserialize_with = "super::written::value")]
    #[schemars(extend("type" = ["string", "number", "boolean"]))]
    pub value: String,
}

/// `oauth2`: the grant to use.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Spec {
    /// The client credentials grant (RFC 6749 §4.4): the token is fetched once per run,
    /// cached, and fetched again when it expires or a response is 401.
    pub client_credentials: ClientCredentialsSpec,
}

/// `oauth2.client_credentials`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentialsSpec {
    /// The token endpoint, e.g. `https://auth.example.com/oauth/token`.
    #[serde(deserialize_with = "super::written::token_url")]
    #[schemars(with = "Text")]
    pub token_url: String,
    /// The client id.
    #[serde(deserialize_with = "super::written::client_id")]
    #[schemars(extend("type" = ["string", "number", "boolean"]))]
    pub client_id: String,
    /// The client secret (masked).
    #[serde(deserialize_with = "super::written::client_secret")]
    #[schemars(extend("type" = ["string", "number", "boolean"]))]
    pub client_secret: String,
    /// The scopes to request, space-separated.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub scope: Option<String>,
    /// The `audience` parameter some providers (Auth0, Okta) require.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub audience: Option<String>,
    /// How the client authenticates to the token endpoint: `basic` (an `Authorization`
    /// header, the default) or `body` (`client_id` and `client_secret` in the form).
    #[serde(default, deserialize_with = "super::written::or_default")]
    #[schemars(extend("default" = "basic"))]
    pub client_auth: ClientAuthMethod,
}

/// How the client id and secret reach the token endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthMethod {
    /// HTTP Basic with the id and secret (RFC 6749 §2.3.1).
    #[default]
    Basic,
    /// `client_id` and `client_secret` as form fields.
    Body,
}
