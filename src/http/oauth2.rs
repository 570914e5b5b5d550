//! OAuth 2.0 client credentials (RFC 6749 §4.4): tokens fetched from the token endpoint,
//! cached for the run (shared by its collections), fetched again when they expire or when a
//! response is 401.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde_json::Value;

use super::TransportError;
use crate::spec::auth::ClientAuthMethod;

/// A rendered `oauth2.client_credentials`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenRequest {
    /// The token endpoint.
    pub token_url: String,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// `scope`.
    pub scope: Option<String>,
    /// `audience`.
    pub audience: Option<String>,
    /// How the client authenticates.
    pub client_auth: ClientAuthMethod,
}

impl TokenRequest {
    /// `id:secret` as the Basic client authentication encodes it (RFC 6749 §2.3.1: both are
    /// form-urlencoded before base64).
    pub fn basic_pair(&self) -> String {
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "{}:{}",
            encode(&self.client_id),
            encode(&self.client_secret)
        )
    }
}

struct Cached {
    token: String,
    /// When to fetch a new one: a little before the token's `expires_in` runs out.
    refresh_at: Option<Instant>,
}

/// The tokens of one run, by request.
#[derive(Default)]
pub(super) struct TokenCache {
    tokens: tokio::sync::Mutex<HashMap<TokenRequest, Cached>>,
}

impl TokenCache {
    /// A valid token for `request`: the cached one, or a new one. Concurrent callers wait for
    /// one fetch rather than each fetching.
    pub(super) async fn token(
        &self,
        client: &reqwest::Client,
        request: &TokenRequest,
        timeout: Duration,
    ) -> Result<String, TransportError> {
        let mut tokens = self.tokens.lock().await;
        if let Some(cached) = tokens.get(request) {
            if cached.refresh_at.is_none_or(|at| Instant::now() < at) {
                return Ok(cached.token.clone());
            }
        }
        let cached = fetch(client, request, timeout).await?;
        let token = cached.token.clone();
        tokens.insert(request.clone(), cached);
        Ok(token)
    }

    /// Forgets `token` (a response said 401), unless another task already replaced it.
    pub(super) async fn invalidate(&self, request: &TokenRequest, token: &str) {
        let mut tokens = self.tokens.lock().await;
        if tokens.get(request).is_some_and(|c| c.token == token) {
            tokens.remove(request);
        }
    }
}

async fn fetch(
    client: &reqwest::Client,
    request: &TokenRequest,
    timeout: Duration,
) -> Result<Cached, TransportError> {
    let failed = |reason: String| TransportError::Token {
        url: request.token_url.clone(),
        reason,
    };
    let url = reqwest::Url::parse(&request.token_url)
        .map_err(|e| failed(format!("`token_url` is not a URL: {e}")))?;
    let mut form: Vec<(&str, &str)> = vec![("grant_type", "client_credentials")];
    if let Some(scope) = &request.scope {
        form.push(("scope", scope));
    }
    if let Some(audience) = &request.audience {
        form.push(("audience", audience));
    }
    let mut builder = client
        .post(url.clone())
        .header(ACCEPT, "application/json")
        .timeout(timeout);
    match request.client_auth {
        ClientAuthMethod::Basic => {
            let pair = base64::engine::general_purpose::STANDARD.encode(request.basic_pair());
            builder = builder.header(AUTHORIZATION, format!("Basic {pair}"));
        }
        ClientAuthMethod::Body => {
            form.push(("client_id", &request.client_id));
            form.push(("client_secret", &request.client_secret));
        }
    }
    let body = form
        .iter()
        .fold(
            url::form_urlencoded::Serializer::new(String::new()),
            |mut s, (k, v)| {
                s.append_pair(k, v);
                s
            },
        )
        .finish();
    let response = builder
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .map_err(|e| TransportError::classify(e, &url, timeout))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| TransportError::classify(e, &url, timeout))?;
    let json: Option<Value> = serde_json::from_str(&text).ok();
    if !status.is_success() {
        let detail = json
            .as_ref()
            .map(|j| {
                [j.get("error"), j.get("error_description")]
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(": ")
            })
            .filter(|d| !d.is_empty())
            // Whole: the engine masks the run's secrets in it before it cuts it.
            .unwrap_or_else(|| text.trim().to_owned());
        return Err(failed(format!(
            "the token endpoint answered {}{}",
            status.as_u16(),
            if detail.is_empty() {
                String::new()
            } else {
                format!(" ({detail})")
            }
        )));
    }
    let json = json.ok_or_else(|| failed("the token endpoint's answer is not JSON".into()))?;
    let token = json
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| failed("the token endpoint's answer has no `access_token`".into()))?
        .to_owned();
    let expires_in = match json.get("expires_in") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let refresh_at = expires_in.filter(|s| *s > 0.0).map(|seconds| {
        // Refresh a tenth of the lifetime early (at most 30 s), so a token does not expire
        // between the check and its use.
        let lifetime = Duration::from_secs_f64(seconds.min(1e9));
        Instant::now() + lifetime - (lifetime / 10).min(Duration::from_secs(30))
    });
    Ok(Cached { token, refresh_at })
}
