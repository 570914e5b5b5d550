//! What the edge in front of EMnify's API (CloudFront and the API gateway) does to every
//! exchange, whichever service answers it: the CORS and security headers and CORS preflights.
//!
//! - Every recorded response, the gateway's own 401s included, carries the same nine CORS and
//!   security headers with the same values [REC]; the sandbox adds them to every answer
//!   ([`EDGE_HEADERS`]).
//! - `OPTIONS` (a CORS preflight) → 204 with those headers and no body, on every path and
//!   without a bearer token, as a gateway with CORS enabled answers preflights before its
//!   authoriser [GUESS: no recording has an `OPTIONS`; the header set is the classic nginx CORS
//!   one, whose preflight answer is a 204].

use axum::extract::Request;
use axum::http::header::HeaderName;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The CORS and security headers on every recorded response, with their recorded values [REC].
pub(crate) const EDGE_HEADERS: &[(&str, &str)] = &[
    ("access-control-allow-origin", "*"),
    (
        "access-control-allow-methods",
        "GET, POST, PATCH, PUT, DELETE",
    ),
    (
        "access-control-allow-headers",
        "Authorization,DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,\
         If-Modified-Since,Cache-Control,Content-Type,X-Count-Per-Page,X-Current-Page,X-Sort,\
         X-Total-Count,X-Total-Pages",
    ),
    (
        "access-control-expose-headers",
        "Authorization,DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,\
         If-Modified-Since,Cache-Control,Content-Type,X-Count-Per-Page,X-Current-Page,X-Sort,\
         X-Total-Count,X-Total-Pages,Location,X-Count,X-Per-Page,X-Pages,X-Page",
    ),
    ("access-control-max-age", "86400"),
    ("cache-control", "max-age=0"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("strict-transport-security", "max-age=31536000"),
];

/// Response mapper: adds [`EDGE_HEADERS`] to every answer.
pub(crate) async fn edge_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in EDGE_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

/// Middleware: answers every `OPTIONS` request as a CORS preflight (204, no body).
pub(crate) async fn preflight(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return StatusCode::NO_CONTENT.into_response();
    }
    next.run(request).await
}
