//! EMnify's documented rate limits (applied only with `rate_limit: true`), answered with 429
//! and the `TooManyRequests` 1105 envelope, plus the client-IP extractor they are keyed by.
//!
//! Limits [DOC], all per client IP:
//! - every request: 2,000 per 5 minutes;
//! - `POST /api/v1/authenticate`: 100 per 5 minutes;
//! - `GET /api/v1/endpoint`: token bucket of 10 requests/s with a burst of 5;
//! - `GET /api/v1/endpoint/{id}`: token bucket of 50 requests/s with a burst of 25.
//!
//! Deliberate choices [GUESS]: the 5-minute limits are fixed windows starting at the first
//! request; refused requests count too; no `Retry-After`/`X-RateLimit-*` headers (none are
//! documented). Without a known peer address (in-process `router()` use) all requests share
//! one key.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::state::AppState;

/// The peer's IP address, when the server was started with connection info.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

const WINDOW: Duration = Duration::from_secs(5 * 60);
const GLOBAL_PER_WINDOW: u32 = 2_000;
const AUTH_PER_WINDOW: u32 = 100;

/// A token bucket's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
struct BucketSpec {
    name: &'static str,
    rate_per_sec: f64,
    burst: f64,
}

const ENDPOINT_LIST: BucketSpec = BucketSpec {
    name: "GET /endpoint",
    rate_per_sec: 10.0,
    burst: 5.0,
};
const ENDPOINT_GET: BucketSpec = BucketSpec {
    name: "GET /endpoint/{id}",
    rate_per_sec: 50.0,
    burst: 25.0,
};

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    count: u32,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Counters and buckets of all clients.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    windows: HashMap<(Option<IpAddr>, &'static str), Window>,
    buckets: HashMap<(Option<IpAddr>, &'static str), Bucket>,
}

impl Limiter {
    fn window(&mut self, ip: Option<IpAddr>, name: &'static str, limit: u32, now: Instant) -> bool {
        let window = self.windows.entry((ip, name)).or_insert(Window {
            start: now,
            count: 0,
        });
        if now.duration_since(window.start) >= WINDOW {
            *window = Window {
                start: now,
                count: 0,
            };
        }
        window.count = window.count.saturating_add(1);
        window.count <= limit
    }

    fn bucket(&mut self, ip: Option<IpAddr>, spec: BucketSpec, now: Instant) -> bool {
        let bucket = self.buckets.entry((ip, spec.name)).or_insert(Bucket {
            tokens: spec.burst,
            last: now,
        });
        let refill = now.duration_since(bucket.last).as_secs_f64() * spec.rate_per_sec;
        bucket.tokens = (bucket.tokens + refill).min(spec.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Admits or refuses one request.
    pub(crate) fn check(
        &mut self,
        ip: Option<IpAddr>,
        method: &Method,
        path: &str,
        now: Instant,
    ) -> Result<(), ApiError> {
        let refused = || ApiError::too_many_requests("Rate limit exceeded. Please slow down.");
        if !self.window(ip, "all", GLOBAL_PER_WINDOW, now) {
            return Err(refused());
        }
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let admitted = match (method, segments.as_slice()) {
            (&Method::POST, ["", "api", "v1", "authenticate"]) => {
                self.window(ip, "authenticate", AUTH_PER_WINDOW, now)
            }
            (&Method::GET, ["", "api", "v1", "endpoint"]) => self.bucket(ip, ENDPOINT_LIST, now),
            (&Method::GET, ["", "api", "v1", "endpoint", _]) => self.bucket(ip, ENDPOINT_GET, now),
            _ => true,
        };
        if admitted {
            Ok(())
        } else {
            Err(refused())
        }
    }
}

/// Middleware applying [`Limiter`] when the sandbox was configured with `rate_limit: true`.
pub(crate) async fn enforce(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    request: Request,
    next: Next,
) -> Response {
    if state.config.rate_limit {
        let verdict = state
            .limiter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .check(ip, request.method(), request.uri().path(), Instant::now());
        if let Err(error) = verdict {
            return error.into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_list_bucket_bursts_then_refills() {
        let mut limiter = Limiter::default();
        let t0 = Instant::now();
        let get = Method::GET;
        for i in 0..5 {
            assert!(
                limiter.check(None, &get, "/api/v1/endpoint", t0).is_ok(),
                "request {i}"
            );
        }
        let refused = limiter.check(None, &get, "/api/v1/endpoint", t0).err();
        assert_eq!(refused.as_ref().and_then(ApiError::code), Some(1105));
        // Other paths and other clients are unaffected.
        assert!(limiter.check(None, &get, "/api/v1/sim", t0).is_ok());
        let other = Some(IpAddr::from([127, 0, 0, 2]));
        assert!(limiter.check(other, &get, "/api/v1/endpoint", t0).is_ok());
        // 10/s: one token back after 100 ms.
        let later = t0 + Duration::from_millis(100);
        assert!(limiter.check(None, &get, "/api/v1/endpoint", later).is_ok());
        assert!(limiter
            .check(None, &get, "/api/v1/endpoint", later)
            .is_err());
    }

    #[test]
    fn endpoint_detail_bucket() {
        let mut limiter = Limiter::default();
        let t0 = Instant::now();
        let admitted = (0..30)
            .filter(|_| {
                limiter
                    .check(None, &Method::GET, "/api/v1/endpoint/1", t0)
                    .is_ok()
            })
            .count();
        assert_eq!(admitted, 25);
    }

    #[test]
    fn authenticate_window() {
        let mut limiter = Limiter::default();
        let t0 = Instant::now();
        let admitted = (0..120)
            .filter(|_| {
                limiter
                    .check(None, &Method::POST, "/api/v1/authenticate", t0)
                    .is_ok()
            })
            .count();
        assert_eq!(admitted, 100);
        assert!(limiter
            .check(None, &Method::POST, "/api/v1/authenticate", t0 + WINDOW)
            .is_ok());
    }

    #[test]
    fn global_window() {
        let mut limiter = Limiter::default();
        let t0 = Instant::now();
        let admitted = (0..2_100)
            .filter(|_| limiter.check(None, &Method::GET, "/api/v1/sim", t0).is_ok())
            .count();
        assert_eq!(admitted, 2_000);
    }
}
