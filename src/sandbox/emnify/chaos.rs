//! Simulated network trouble: the configured `latency` before every response and random
//! gateway 503s at `fail_rate` (never on `POST /api/v1/authenticate`, see
//! [`SandboxConfig::fail_rate`](super::SandboxConfig::fail_rate)).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::state::AppState;

/// Whether a request may be failed at random.
fn may_fail(path: &str) -> bool {
    path.trim_end_matches('/') != "/api/v1/authenticate"
}

/// Middleware: sleeps `latency`, then fails the request with probability `fail_rate`.
pub(crate) async fn inject(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    let fail_rate = state.config.fail_rate;
    if fail_rate > 0.0 && may_fail(request.uri().path()) && fastrand::f64() < fail_rate {
        return ApiError::service_unavailable().into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authenticate_is_exempt() {
        assert!(!may_fail("/api/v1/authenticate"));
        assert!(!may_fail("/api/v1/authenticate/"));
        assert!(may_fail("/api/v1/endpoint"));
    }
}
