//! Auth helpers at send time: the credentials of a request, rendered, and how each goes on the
//! wire. They are added per hop, and only on the request's own origin, so a redirect to
//! another host never receives them.

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::Url;

use super::oauth2::TokenRequest;
use super::TransportError;

/// The credentials of one request, rendered.
#[derive(Clone)]
pub enum Credentials {
    /// HTTP Basic.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
    /// An API key in a header.
    ApiKeyHeader {
        /// The header.
        name: String,
        /// The key.
        value: String,
    },
    /// An API key in the query.
    ApiKeyQuery {
        /// The parameter.
        name: String,
        /// The key.
        value: String,
    },
    /// An OAuth2 client-credentials token, fetched (and cached) by the client.
    ClientCredentials(TokenRequest),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the values: a Debug print must not leak a credential.
        f.write_str(match self {
            Credentials::Basic { .. } => "Basic(***)",
            Credentials::Bearer(_) => "Bearer(***)",
            Credentials::ApiKeyHeader { .. } => "ApiKeyHeader(***)",
            Credentials::ApiKeyQuery { .. } => "ApiKeyQuery(***)",
            Credentials::ClientCredentials(_) => "ClientCredentials(***)",
        })
    }
}

impl Credentials {
    /// The values to mask in every output: passwords, keys, tokens, client secrets, and the
    /// `user:password` pair whose base64 form Basic auth sends.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Credentials::Basic { username, password } => {
                vec![password.clone(), format!("{username}:{password}")]
            }
            Credentials::Bearer(token) => vec![token.clone()],
            Credentials::ApiKeyHeader { value, .. } | Credentials::ApiKeyQuery { value, .. } => {
                vec![value.clone()]
            }
            // The Basic header a token endpoint may echo is derived from the secret.
            Credentials::ClientCredentials(request) => {
                vec![request.client_secret.clone(), request.basic_pair()]
            }
        }
    }

    /// Puts the credentials on a request to `url`; `token` is the OAuth2 access token.
    pub(super) fn apply(
        &self,
        headers: &mut HeaderMap,
        url: &mut Url,
        token: Option<&str>,
    ) -> Result<(), TransportError> {
        let invalid = |what: &str| TransportError::Unsendable {
            reason: format!("the {what} has characters a header cannot hold"),
        };
        match self {
            Credentials::Basic { username, password } => {
                let pair = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                let value = HeaderValue::from_str(&format!("Basic {pair}"))
                    .map_err(|_| invalid("Basic credential"))?;
                headers.insert(AUTHORIZATION, sensitive(value));
            }
            Credentials::Bearer(token) => {
                let value = HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| invalid("bearer token"))?;
                headers.insert(AUTHORIZATION, sensitive(value));
            }
            Credentials::ApiKeyHeader { name, value } => {
                let (name, value) = super::header(name, value).map_err(|_| invalid("API key"))?;
                headers.insert(name, sensitive(value));
            }
            Credentials::ApiKeyQuery { name, value } => {
                url.query_pairs_mut().append_pair(name, value);
            }
            Credentials::ClientCredentials(_) => {
                if let Some(token) = token {
                    let value = HeaderValue::from_str(&format!("Bearer {token}"))
                        .map_err(|_| invalid("OAuth2 access token"))?;
                    headers.insert(AUTHORIZATION, sensitive(value));
                }
            }
        }
        Ok(())
    }
}

fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}
