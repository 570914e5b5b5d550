//! OAuth 2.0 client credentials (RFC 6749 §4.4): tokens fetched from the token endpoint,
//! cached for the run (shared by its collections), fetched again when they expire or when a
//! response is 401.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde_json::Value;

use super::{Deadline, TransportError};
use crate::spec::auth::ClientAuthMethod;
use crate::spec::duration::format_duration;
use crate::spec::size::format_size;

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

/// Which token fetch of a step's attempt, for the message of a timeout that passes in it.
#[derive(Clone, Copy)]
pub(super) enum Fetch {
    /// The token the request is first sent with.
    First,
    /// A new token, after the request was answered 401.
    AfterRefusal,
}

impl TokenCache {
    /// A valid token for `request`: the cached one, or a new one, by `deadline` (the step's
    /// one deadline, which the request after it shares). Concurrent callers wait for one fetch
    /// rather than each fetching; the wait counts against the deadline too.
    pub(super) async fn token(
        &self,
        client: &reqwest::Client,
        request: &TokenRequest,
        deadline: &Deadline,
        max_body: u64,
        fetch: Fetch,
    ) -> Result<String, TransportError> {
        // What of the attempt came before this fetch.
        let spent = deadline.spent();
        let at = tokio::time::Instant::from_std(deadline.at);
        let Ok(mut tokens) = tokio::time::timeout_at(at, self.tokens.lock()).await else {
            return Err(TransportError::Token {
                url: request.token_url.clone(),
                reason: format!(
                    "no token within the request timeout of {}: another step was fetching an \
                     OAuth2 token all that time (runner fetches one at a time); raise \
                     `timeout` on the step or collection, or `--timeout`",
                    deadline.timeout_text()
                ),
            });
        };
        if let Some(cached) = tokens.get(request) {
            if cached.refresh_at.is_none_or(|at| Instant::now() < at) {
                return Ok(cached.token.clone());
            }
        }
        // reqwest's timeout bounds the fetch, its body included; this is a backstop for
        // whatever of it reqwest's timer does not see.
        let cached = tokio::time::timeout_at(at, self::fetch(client, request, deadline, max_body))
            .await
            .unwrap_or_else(|_| Err(timed_out(request, deadline, fetch, spent)))
            .map_err(|error| match error {
                TransportError::Timeout { .. } => timed_out(request, deadline, fetch, spent),
                error => error,
            })?;
        let token = cached.token.clone();
        tokens.insert(request.clone(), cached);
        Ok(token)
    }

    /// Forgets `token` (a response said 401), unless another task already replaced it. Waits
    /// for another task's fetch only until `deadline`: past it, the new token's wait says the
    /// time ran out.
    pub(super) async fn invalidate(
        &self,
        request: &TokenRequest,
        token: &str,
        deadline: &Deadline,
    ) {
        let at = tokio::time::Instant::from_std(deadline.at);
        let Ok(mut tokens) = tokio::time::timeout_at(at, self.tokens.lock()).await else {
            return;
        };
        if tokens.get(request).is_some_and(|c| c.token == token) {
            tokens.remove(request);
        }
    }
}

/// A token fetch whose deadline passed: which fetch, and what took the time before it.
fn timed_out(
    request: &TokenRequest,
    deadline: &Deadline,
    fetch: Fetch,
    spent: Duration,
) -> TransportError {
    let timeout = deadline.timeout_text();
    let reason = match fetch {
        Fetch::First => format!(
            "no complete answer within the request timeout of {timeout}, which covers fetching \
             the token too"
        ),
        Fetch::AfterRefusal => format!(
            "no complete answer to fetching a new token (the request was answered 401) within \
             the request timeout of {timeout}, of which the first token and the first try took {}",
            format_duration(spent)
        ),
    };
    TransportError::Token {
        url: request.token_url.clone(),
        reason: format!("{reason}; raise `timeout` on the step or collection, or `--timeout`"),
    }
}

/// Fetches a token, by `deadline`, reading at most `max_body` bytes of the answer (after
/// decoding: a small gzip body can unpack to gigabytes), as a response to a step is read.
async fn fetch(
    client: &reqwest::Client,
    request: &TokenRequest,
    deadline: &Deadline,
    max_body: u64,
) -> Result<Cached, TransportError> {
    let failed = |reason: String| TransportError::Token {
        url: request.token_url.clone(),
        reason,
    };
    let url = reqwest::Url::parse(&request.token_url)
        .map_err(|e| failed(format!("`token_url` is not a URL: {e}")))?;
    let timeout = deadline.remaining();
    if timeout.is_zero() {
        return Err(TransportError::Timeout {
            host: url.host_str().unwrap_or("").to_owned(),
            port: url.port_or_known_default().unwrap_or(0),
            after: deadline.timeout_text(),
        });
    }
    let classify = |e: reqwest::Error| TransportError::classify(e, &url, deadline.timeout);
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
        .header(
            reqwest::header::ACCEPT_ENCODING,
            reqwest::header::HeaderValue::from_static(super::decode::OFFERED),
        )
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
    let mut response = builder
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .map_err(classify)?;
    let status = response.status();
    let too_large = || {
        failed(format!(
            "the token endpoint's answer is larger than the limit of {} (raise it with \
             `--max-body`)",
            format_size(max_body)
        ))
    };
    if response
        .content_length()
        .is_some_and(|length| length > max_body)
    {
        return Err(too_large());
    }
    let headers = std::mem::take(response.headers_mut());
    let body = super::read_body(&mut response, max_body)
        .await
        .map_err(|e| e.map_or_else(too_large, classify))?;
    // Read as a step's response is: every spelling of its codings, in its charset, a large
    // body off the workers within what is left of the timeout.
    let ready = super::decode::prepare(headers, body, max_body, deadline.remaining())
        .await
        .map_err(|e| match e {
            super::decode::Undecodable::TooLarge => too_large(),
            super::decode::Undecodable::Broken(reason) => failed(format!(
                "the token endpoint's answer could not be decoded as its `Content-Encoding` \
                 says ({reason})"
            )),
            // Told by the caller as the token fetch's timeout.
            super::decode::Undecodable::TimedOut => TransportError::Timeout {
                host: url.host_str().unwrap_or("").to_owned(),
                port: url.port_or_known_default().unwrap_or(0),
                after: deadline.timeout_text(),
            },
        })?;
    let body = ready.charset_text.unwrap_or(ready.body);
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    let text = String::from_utf8_lossy(&body);
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
