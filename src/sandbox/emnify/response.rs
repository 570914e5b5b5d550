//! Success responses with the content types and empty-body conventions the recordings show,
//! plus the helpers that turn request input (path ids, JSON bodies) into values or errors.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::errors::ApiError;

/// The API's JSON content type [REC].
pub(crate) const CT_JSON_UTF8: &str = "application/json; charset=UTF-8";
/// The gateway's / some services' JSON content type without charset [REC].
pub(crate) const CT_JSON: &str = "application/json";
/// What the SMS and connectivity services send with empty 201/204 bodies [REC].
pub(crate) const CT_HTML_UTF8: &str = "text/html; charset=UTF-8";

/// 200 with a JSON body and `application/json; charset=UTF-8`.
pub(crate) fn json_ok(body: &Value) -> Response {
    json_with(StatusCode::OK, CT_JSON_UTF8, body, HeaderMap::new())
}

/// A JSON body with an explicit status, content type and extra headers.
pub(crate) fn json_with(
    status: StatusCode,
    content_type: &'static str,
    body: &Value,
    extra: HeaderMap,
) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.to_string(),
    )
        .into_response();
    response.headers_mut().extend(extra);
    response
}

/// An empty body with the given status and content type (201/204 answers).
pub(crate) fn empty(status: StatusCode, content_type: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
    )
        .into_response()
}

/// 201, empty body, `Location: <location>`.
pub(crate) fn created(location: &str, content_type: &'static str) -> Response {
    let mut response = empty(StatusCode::CREATED, content_type);
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Parses a path id the way the Java backend does (`Long.parseLong`), 400 otherwise [REC].
pub(crate) fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .map_err(|_| ApiError::unparsable_id("id", raw))
}

/// Parses a request body that must be a JSON object; anything else is 400 `BadRequest`.
///
/// An empty body counts as `{}` [GUESS: lenient, like most Java/Jackson endpoints for PATCH].
pub(crate) fn json_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "Request body must be a JSON object".to_owned(),
        )),
        Err(error) => Err(ApiError::bad_request(format!(
            "Malformed JSON request body: {error}"
        ))),
    }
}

/// Reads an integer id from a JSON value, accepting integral floats such as `1.0`
/// (the official SDK sends `{"status": {"id": 1.0}}` [REC]).
pub(crate) fn as_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

/// The base URL (`http://host:port`, no trailing slash) used for `Location` and `Link`:
/// the server's own URL when known, else the request's `Host` header.
pub(crate) fn base_url(own: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(own) = own {
        return own.to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_parse_like_java_long() {
        assert_eq!(parse_id("11380016"), Ok(11_380_016));
        assert_eq!(parse_id("-1"), Ok(-1));
        assert!(parse_id("None").is_err());
        assert!(parse_id("99999999999999999999").is_err());
    }

    #[test]
    fn integral_floats_are_ids() {
        assert_eq!(as_id(&json!(1.0)), Some(1));
        assert_eq!(as_id(&json!(2)), Some(2));
        assert_eq!(as_id(&json!(1.5)), None);
        assert_eq!(as_id(&json!("1")), None);
        assert_eq!(as_id(&Value::Null), None);
    }

    #[test]
    fn bodies_must_be_objects() {
        assert!(json_object(&Bytes::from_static(b"")).is_ok());
        assert!(json_object(&Bytes::from_static(b"{\"a\":1}")).is_ok());
        assert!(json_object(&Bytes::from_static(b"[1]")).is_err());
        assert!(json_object(&Bytes::from_static(b"{oops")).is_err());
    }
}
