//! What the edge in front of EMnify's API (CloudFront and the API gateway) does to every
//! exchange, whichever service answers it: the CORS and security headers, CORS preflights, and
//! gzip.
//!
//! - Every recorded response, the gateway's own 401s included, carries the same nine CORS and
//!   security headers with the same values [REC]; the sandbox adds them to every answer
//!   ([`EDGE_HEADERS`]).
//! - `OPTIONS` (a CORS preflight) → 204 with those headers and no body, on every path and
//!   without a bearer token, as a gateway with CORS enabled answers preflights before its
//!   authoriser [GUESS: no recording has an `OPTIONS`; the header set is the classic nginx CORS
//!   one, whose preflight answer is a 204].
//! - gzip [REC]: 81 of the 138 recorded responses are gzipped, with `Vary: Accept-Encoding`;
//!   all were asked for with `Accept-Encoding: gzip, deflate`. Of the answers from EMnify's own
//!   servers (not the SDK authors' mock, `x-powered-by: Express`), every body of 97 bytes or
//!   more is gzipped, whatever its status and content type; the empty 201/204 bodies and the
//!   50- and 58-byte ones (a connectivity state, a SIM batch result, the gateway's 401s) are
//!   not. The sandbox gzips bodies of
//!   [`GZIP_MIN_LENGTH`] bytes or more when the request accepts gzip [GUESS: the threshold
//!   lies somewhere in 59..=97], with the compressed `Content-Length`, as recorded. `deflate`
//!   is never chosen (no recording shows it). `Vary: Accept-Encoding` goes on every response
//!   that would be gzipped, also to a client that does not accept gzip, so caches keep the two
//!   apart [GUESS: every recorded request accepted gzip].

use std::io::Write as _;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{HeaderName, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, VARY};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flate2::write::GzEncoder;
use flate2::Compression;

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

/// Bodies shorter than this are sent as they are (see the module docs).
pub(crate) const GZIP_MIN_LENGTH: usize = 64;

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

/// The weight the request's `Accept-Encoding` gives gzip: `gzip`/`x-gzip` by name, else `*`,
/// else none. `q=0` refuses it.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut named = None;
    let mut any = None;
    let items = headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','));
    for item in items {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let weight = parts
            .filter_map(|param| param.split_once('='))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
            .map_or(1.0, |(_, q)| q.trim().parse::<f32>().unwrap_or(0.0));
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            named = Some(weight);
        } else if coding == "*" {
            any = Some(weight);
        }
    }
    named.or(any).is_some_and(|weight| weight > 0.0)
}

/// gzip of `body`, or `None` when the encoder fails (it writes to memory, so it does not).
fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(body.len() / 4 + 32),
        Compression::default(),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

/// Middleware: gzips the answer when it is long enough and the request accepts gzip.
pub(crate) async fn compress(request: Request, next: Next) -> Response {
    let wants_gzip = accepts_gzip(request.headers());
    let is_head = request.method() == Method::HEAD;
    let response = next.run(request).await;
    let status = response.status();
    if is_head
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status.is_informational()
        || response.headers().contains_key(CONTENT_ENCODING)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Every sandbox body is already in memory; collecting it cannot fail.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if bytes.len() < GZIP_MIN_LENGTH {
        return Response::from_parts(parts, Body::from(bytes));
    }
    parts
        .headers
        .append(VARY, HeaderValue::from_static("Accept-Encoding"));
    if !wants_gzip {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match gzip(&bytes) {
        Some(compressed) => {
            parts
                .headers
                .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            // The server sets the length of the body it sends.
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(compressed))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(ACCEPT_ENCODING, value);
        }
        headers
    }

    #[test]
    fn accept_encoding_is_read_with_weights() {
        assert!(accepts_gzip(&accept("gzip, deflate")));
        assert!(accepts_gzip(&accept("deflate, GZIP;q=0.5")));
        assert!(accepts_gzip(&accept("x-gzip")));
        assert!(accepts_gzip(&accept("br;q=1, *;q=0.1")));
        assert!(!accepts_gzip(&accept("gzip;q=0, *")));
        assert!(!accepts_gzip(&accept("*;q=0")));
        assert!(!accepts_gzip(&accept("deflate, br")));
        assert!(!accepts_gzip(&accept("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn gzip_round_trips() {
        use std::io::Read as _;
        let body = br#"{"error_code":1401,"error_token":"InvalidReference"}"#;
        let compressed = gzip(body).unwrap_or_default();
        assert!(compressed.starts_with(&[0x1f, 0x8b]));
        let mut out = Vec::new();
        let read = flate2::read::GzDecoder::new(compressed.as_slice()).read_to_end(&mut out);
        assert!(read.is_ok());
        assert_eq!(out, body);
    }
}
