//! Authentication: HS384 JWTs like EMnify's, `POST /api/v1/authenticate` (application token,
//! username/password, refresh token), the failed-login lockout, and the bearer check that
//! guards every other path with the API gateway's 401 answers.
//!
//! Deliberate choices [GUESS where EMnify shows nothing]:
//! - Tokens are signed with a random per-server key, so tokens of another sandbox run (or of
//!   the real API) are rejected with `signature is invalid`. The key comes from `fastrand`,
//!   which is fine for a local test double and not meant to resist attackers.
//! - Application-token logins get the recorded claims (`aud`, `esc.app`, `api_key`, `esc.org`,
//!   `esc.orgName`, `iss`, `exp`, `iat`); user logins replace `esc.app`/`api_key` with
//!   `esc.user` and `sub` (the username).
//! - Refresh tokens are HS384 JWTs too, with `aud: "/api/v1/authentication/refresh"`, living
//!   30 days; they are not accepted as bearer tokens, and auth tokens are not accepted as
//!   refresh tokens.
//! - Unknown application token → 401 with an empty body [DOC]; wrong username/password →
//!   401 `InvalidCredentials` 1101; unusable refresh token → 401 `InvalidToken` 1102.
//! - Lockout [DOC: 3 failures, 5 minutes]: counted per username for password logins and per
//!   client IP for application-token and refresh-token logins; while blocked even correct
//!   credentials get 429 `TooManyRequests` 1105; a success resets the count.
//! - Bearer errors reuse golang-jwt's wording like the recorded gateway message: missing
//!   header → `Unauthorized`; not three segments → `token contains an invalid number of
//!   segments` [REC]; undecodable → `token is malformed`; other `alg` → `signing method
//!   (alg) is unavailable.`; bad signature → `signature is invalid`; refresh token →
//!   `token has invalid audience`; expired → `Token is expired`.
//! - The gateway checks the token before routing [REC: `GET /api/v1/operator` and
//!   `PATCH /api/v1/sim_batch/bic/…` answer the 401 before logging in, like every emulated
//!   route]: every path but [`AUTHENTICATE_PATH`] needs the token, so a path the sandbox does
//!   not emulate or a method a route does not have answers the 401 first, and 404/405 only
//!   with a valid token.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha384;

use super::errors::ApiError;
use super::rate_limit::ClientIp;
use super::response::{json_object, json_ok};
use super::state::{AppState, Store};

type HmacSha384 = Hmac<Sha384>;

/// The one path the gateway lets through without a bearer token (where the token is got).
pub(crate) const AUTHENTICATE_PATH: &str = "/api/v1/authenticate";
/// `aud` of auth tokens [REC].
pub(crate) const ACCESS_AUDIENCE: &str = "/api/v1/authentication";
/// `aud` of refresh tokens [GUESS].
pub(crate) const REFRESH_AUDIENCE: &str = "/api/v1/authentication/refresh";
/// `iss` of all tokens [REC].
pub(crate) const ISSUER: &str = "spc-frontend001@spc-frontend";
/// Lifetime of refresh tokens [GUESS].
const REFRESH_LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Consecutive failures before a login key is blocked [DOC].
const MAX_FAILURES: u32 = 3;
/// How long a blocked login key stays blocked [DOC].
const BLOCK_DURATION: Duration = Duration::from_secs(5 * 60);

/// Per-server secrets.
pub(crate) struct Keys {
    secret: [u8; 48],
    /// The `api_key` claim of application tokens (40 alphanumerics, as recorded).
    api_key: String,
}

impl Keys {
    /// Fresh random keys.
    pub(crate) fn random() -> Self {
        let mut secret = [0u8; 48];
        secret.iter_mut().for_each(|b| *b = fastrand::u8(..));
        let api_key = (0..40).map(|_| fastrand::alphanumeric()).collect();
        Self { secret, api_key }
    }

    fn mac(&self) -> HmacSha384 {
        // HMAC accepts keys of any length; this cannot fail.
        <HmacSha384 as Mac>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any size"))
    }

    /// Signs `claims` as an HS384 JWT with header exactly `{"alg":"HS384"}` [REC].
    pub(crate) fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS384"}"#);
        let payload = URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// Verifies signature, audience and expiry; returns the claims.
    pub(crate) fn verify(
        &self,
        token: &str,
        audience: &str,
        now: u64,
    ) -> Result<Map<String, Value>, TokenError> {
        let parts: Vec<&str> = token.split('.').collect();
        let [header, payload, signature] = parts.as_slice() else {
            return Err(TokenError::Segments);
        };
        let decode_json = |part: &str| -> Result<Map<String, Value>, TokenError> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| TokenError::Malformed)?;
            match serde_json::from_slice(&bytes) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(TokenError::Malformed),
            }
        };
        let header_claims = decode_json(header)?;
        let claims = decode_json(payload)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        if header_claims.get("alg").and_then(Value::as_str) != Some("HS384") {
            return Err(TokenError::Algorithm);
        }
        let mut mac = self.mac();
        mac.update(format!("{header}.{payload}").as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::Signature)?;
        if claims.get("aud").and_then(Value::as_str) != Some(audience) {
            return Err(TokenError::Audience);
        }
        match claims.get("exp").and_then(Value::as_u64) {
            Some(exp) if exp > now => Ok(claims),
            _ => Err(TokenError::Expired),
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    Segments,
    Malformed,
    Algorithm,
    Signature,
    Audience,
    Expired,
}

impl TokenError {
    /// The gateway's `message`.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::Segments => "token contains an invalid number of segments",
            Self::Malformed => "token is malformed",
            Self::Algorithm => "signing method (alg) is unavailable.",
            Self::Signature => "signature is invalid",
            Self::Audience => "token has invalid audience",
            Self::Expired => "Token is expired",
        }
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Who a token is issued to.
enum Subject<'a> {
    Application,
    User { id: i64, username: &'a str },
}

fn access_claims(
    store: &Store,
    keys: &Keys,
    subject: &Subject<'_>,
    lifetime: Duration,
    now: u64,
) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("aud".into(), json!(ACCESS_AUDIENCE));
    match subject {
        Subject::Application => {
            claims.insert("esc.app".into(), json!(store.application_id));
            claims.insert("api_key".into(), json!(keys.api_key));
        }
        Subject::User { id, username } => {
            claims.insert("esc.user".into(), json!(id));
            claims.insert("sub".into(), json!(username));
        }
    }
    claims.insert("esc.org".into(), json!(store.organisation.id));
    claims.insert("esc.orgName".into(), json!(store.organisation.name));
    claims.insert("iss".into(), json!(ISSUER));
    claims.insert("exp".into(), json!(now.saturating_add(lifetime.as_secs())));
    claims.insert("iat".into(), json!(now));
    claims
}

fn refresh_claims(store: &Store, user_id: i64, username: &str, now: u64) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("aud".into(), json!(REFRESH_AUDIENCE));
    claims.insert("esc.user".into(), json!(user_id));
    claims.insert("sub".into(), json!(username));
    claims.insert("esc.org".into(), json!(store.organisation.id));
    claims.insert("iss".into(), json!(ISSUER));
    claims.insert(
        "exp".into(),
        json!(now.saturating_add(REFRESH_LIFETIME.as_secs())),
    );
    claims.insert("iat".into(), json!(now));
    claims
}

/// Consecutive failed logins per key, and blocks.
#[derive(Debug, Default)]
pub(crate) struct Lockout {
    entries: HashMap<String, LockEntry>,
}

#[derive(Debug, Default, Clone, Copy)]
struct LockEntry {
    failures: u32,
    blocked_until: Option<Instant>,
}

impl Lockout {
    /// Whether `key` is currently blocked.
    pub(crate) fn is_blocked(&mut self, key: &str, now: Instant) -> bool {
        match self.entries.get_mut(key) {
            Some(entry) => match entry.blocked_until {
                Some(until) if until > now => true,
                Some(_) => {
                    *entry = LockEntry::default();
                    false
                }
                None => false,
            },
            None => false,
        }
    }

    /// Records a failure; the third in a row blocks the key.
    pub(crate) fn fail(&mut self, key: &str, now: Instant) {
        let entry = self.entries.entry(key.to_owned()).or_default();
        entry.failures += 1;
        if entry.failures >= MAX_FAILURES {
            entry.failures = 0;
            entry.blocked_until = Some(now + BLOCK_DURATION);
        }
    }

    /// Records a success.
    pub(crate) fn succeed(&mut self, key: &str) {
        self.entries.remove(key);
    }
}

/// What the request body asked for.
enum Login {
    ApplicationToken(String),
    Password { username: String, password: String },
    Refresh(String),
}

fn parse_login(body: &Bytes) -> Result<Login, ApiError> {
    let map = json_object(body)?;
    let text = |key: &str| -> Result<Option<String>, ApiError> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::bad_request(format!("{key} must be a string"))),
        }
    };
    if let Some(token) = text("application_token")? {
        return Ok(Login::ApplicationToken(token));
    }
    match (text("username")?, text("password")?) {
        (Some(username), Some(password)) => return Ok(Login::Password { username, password }),
        (Some(_), None) | (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "username and password must be given together",
            ))
        }
        (None, None) => {}
    }
    if let Some(token) = text("refresh_token")? {
        return Ok(Login::Refresh(token));
    }
    Err(ApiError::bad_request(
        "Request must contain application_token, username and password, or refresh_token",
    ))
}

/// `POST /api/v1/authenticate`.
pub(crate) async fn authenticate(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> Response {
    match login(&state, ip, &body) {
        Ok(body) => json_ok(&body),
        Err(error) => error.into_response(),
    }
}

fn login(state: &AppState, ip: Option<IpAddr>, body: &Bytes) -> Result<Value, ApiError> {
    let request = parse_login(body)?;
    let key = match &request {
        Login::Password { username, .. } => format!("user:{}", username.to_lowercase()),
        Login::ApplicationToken(_) | Login::Refresh(_) => {
            format!(
                "ip:{}",
                ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
            )
        }
    };
    let now = Instant::now();
    let mut lockout = state.lockout.lock().unwrap_or_else(PoisonError::into_inner);
    if lockout.is_blocked(&key, now) {
        return Err(ApiError::too_many_requests(
            "Too many failed login attempts. Try again in 5 minutes.",
        ));
    }
    let store = state.store();
    let lifetime = state.config.token_lifetime;
    let unix = unix_now();
    let outcome = match &request {
        Login::ApplicationToken(token) => {
            if *token == state.config.application_token {
                let claims =
                    access_claims(&store, &state.keys, &Subject::Application, lifetime, unix);
                Ok(json!({"auth_token": state.keys.sign(&claims)}))
            } else {
                Err(ApiError::Empty(StatusCode::UNAUTHORIZED))
            }
        }
        Login::Password { username, password } => store
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
            .filter(|u| u.password_sha1.eq_ignore_ascii_case(password))
            .map(|user| {
                let subject = Subject::User {
                    id: user.id,
                    username: &user.username,
                };
                let access = access_claims(&store, &state.keys, &subject, lifetime, unix);
                let refresh = refresh_claims(&store, user.id, &user.username, unix);
                json!({
                    "auth_token": state.keys.sign(&access),
                    "refresh_token": state.keys.sign(&refresh),
                })
            })
            .ok_or_else(ApiError::invalid_credentials),
        Login::Refresh(token) => state
            .keys
            .verify(token, REFRESH_AUDIENCE, unix)
            .ok()
            .and_then(|claims| claims.get("esc.user").and_then(Value::as_i64))
            .and_then(|id| store.users.iter().find(|u| u.id == id))
            .map(|user| {
                let subject = Subject::User {
                    id: user.id,
                    username: &user.username,
                };
                let access = access_claims(&store, &state.keys, &subject, lifetime, unix);
                json!({"auth_token": state.keys.sign(&access)})
            })
            .ok_or_else(ApiError::invalid_token),
    };
    match &outcome {
        Ok(_) => lockout.succeed(&key),
        Err(_) => lockout.fail(&key, now),
    }
    outcome
}

/// Middleware: requires a valid bearer auth token on every path but [`AUTHENTICATE_PATH`],
/// before routing, answering like the API gateway otherwise.
pub(crate) async fn require_bearer(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == AUTHENTICATE_PATH {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(AUTHORIZATION) else {
        return ApiError::access_denied("Unauthorized").into_response();
    };
    let value = value.to_str().unwrap_or_default().trim();
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => value,
    };
    match state.keys.verify(token, ACCESS_AUDIENCE, unix_now()) {
        Ok(_) => next.run(request).await,
        Err(error) => ApiError::access_denied(error.message()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(aud: &str, exp: u64) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("aud".into(), json!(aud));
        map.insert("exp".into(), json!(exp));
        map
    }

    #[test]
    fn jwt_round_trip_and_header() {
        let keys = Keys::random();
        let token = keys.sign(&claims(ACCESS_AUDIENCE, 2_000));
        let header = token.split('.').next().unwrap_or_default();
        assert_eq!(
            URL_SAFE_NO_PAD.decode(header).ok(),
            Some(br#"{"alg":"HS384"}"#.to_vec())
        );
        // HS384 signature: 48 bytes → 64 base64url characters.
        assert_eq!(token.rsplit('.').next().map(str::len), Some(64));
        assert!(keys.verify(&token, ACCESS_AUDIENCE, 1_000).is_ok());
    }

    #[test]
    fn jwt_rejections() {
        let keys = Keys::random();
        let token = keys.sign(&claims(ACCESS_AUDIENCE, 2_000));
        assert_eq!(
            keys.verify("None", ACCESS_AUDIENCE, 1_000),
            Err(TokenError::Segments)
        );
        assert_eq!(
            keys.verify("a.b", ACCESS_AUDIENCE, 1_000),
            Err(TokenError::Segments)
        );
        assert_eq!(
            keys.verify("a.b.c", ACCESS_AUDIENCE, 1_000),
            Err(TokenError::Malformed)
        );
        assert_eq!(
            keys.verify(&token, ACCESS_AUDIENCE, 2_000),
            Err(TokenError::Expired)
        );
        assert_eq!(
            keys.verify(&token, REFRESH_AUDIENCE, 1_000),
            Err(TokenError::Audience)
        );
        let other = Keys::random();
        assert_eq!(
            other.verify(&token, ACCESS_AUDIENCE, 1_000),
            Err(TokenError::Signature)
        );
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        if let Some(header) = parts.first_mut() {
            *header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
        }
        assert_eq!(
            keys.verify(&parts.join("."), ACCESS_AUDIENCE, 1_000),
            Err(TokenError::Algorithm)
        );
    }

    #[test]
    fn recorded_token_is_parsed_but_not_trusted() {
        // An auth token from the recordings: well-formed HS384, signed with EMnify's key.
        let recorded = "eyJhbGciOiJIUzM4NCJ9.eyJhdWQiOiJcL2FwaVwvdjFcL2F1dGhlbnRpY2F0aW9uIiwiZXNjLmFwcCI6OTQ1NCwiYXBpX2tleSI6IlFFNFdQQmdlbUY1YUtGSXZ6cnpRQzduNEJzQzNFOXBBMXl5d0hxWkoiLCJlc2Mub3JnIjoxNDc1MSwiZXNjLm9yZ05hbWUiOiJpdGVybmFsIHRlc3Rpbmcgb3JnIG1hcmtldGluZyBpZ25vcmUiLCJpc3MiOiJzcGMtZnJvbnRlbmQwMDFAc3BjLWZyb250ZW5kIiwiZXhwIjoxNjU2NDc3NTQwLCJpYXQiOjE2NTY0NjMxNDB9.Y92Gkj_KSHFKOwa1YB4khKDEYDM_bVP3mo5xoch9PsGawRh3Oj_PqT9HJPP1Awk5";
        assert_eq!(
            Keys::random().verify(recorded, ACCESS_AUDIENCE, 0),
            Err(TokenError::Signature)
        );
    }

    #[test]
    fn lockout_after_three_failures() {
        let mut lockout = Lockout::default();
        let t0 = Instant::now();
        for _ in 0..2 {
            lockout.fail("k", t0);
        }
        assert!(!lockout.is_blocked("k", t0));
        lockout.succeed("k");
        for _ in 0..2 {
            lockout.fail("k", t0);
        }
        assert!(!lockout.is_blocked("k", t0), "success resets the count");
        lockout.fail("k", t0);
        assert!(lockout.is_blocked("k", t0));
        assert!(!lockout.is_blocked("other", t0));
        assert!(lockout.is_blocked("k", t0 + Duration::from_secs(299)));
        assert!(!lockout.is_blocked("k", t0 + BLOCK_DURATION + Duration::from_secs(1)));
    }

    #[test]
    fn login_bodies() {
        let parse = |s: &'static str| parse_login(&Bytes::from_static(s.as_bytes()));
        assert!(matches!(
            parse(r#"{"application_token":"x"}"#),
            Ok(Login::ApplicationToken(_))
        ));
        assert!(matches!(
            parse(r#"{"username":"u","password":"p"}"#),
            Ok(Login::Password { .. })
        ));
        assert!(matches!(
            parse(r#"{"refresh_token":"r"}"#),
            Ok(Login::Refresh(_))
        ));
        for bad in [
            "{}",
            "{",
            "[]",
            r#"{"username":"u"}"#,
            r#"{"application_token":1}"#,
        ] {
            assert_eq!(parse(bad).err().and_then(|e| e.code()), Some(1000), "{bad}");
        }
    }
}
