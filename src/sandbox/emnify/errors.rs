//! Error responses exactly as EMnify sends them: the API's `error_code` envelope, the API
//! gateway's bare `{"message": ...}` bodies, and the empty-bodied 401 of `/authenticate`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::response::{CT_JSON, CT_JSON_UTF8};

/// One entry of the `errors` array of an `InputValidationFailed` envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SubError {
    pub code: u16,
    pub token: &'static str,
    pub message: String,
}

impl SubError {
    /// `1401 InvalidReference`, e.g. `Service profile with Id '-1' not found.` [REC].
    pub(crate) fn invalid_reference(resource: &str, id: impl std::fmt::Display) -> Self {
        Self {
            code: 1401,
            token: "InvalidReference",
            message: format!("{resource} with Id '{id}' not found."),
        }
    }

    /// `1402 Required`, `{Object} - {field} is required.` [DOC].
    pub(crate) fn required(object: &str, field: &str) -> Self {
        Self {
            code: 1402,
            token: "Required",
            message: format!("{object} - {field} is required."),
        }
    }

    /// `1403 InvalidFormat`, `{Object} - {field} has invalid format: expecting {kind}.` [DOC].
    pub(crate) fn invalid_format(object: &str, field: &str, expecting: &str) -> Self {
        Self {
            code: 1403,
            token: "InvalidFormat",
            message: format!("{object} - {field} has invalid format: expecting {expecting}."),
        }
    }

    /// `1406 NotAllowed` nested in a validation envelope [GUESS].
    pub(crate) fn not_allowed(message: String) -> Self {
        Self {
            code: 1406,
            token: "NotAllowed",
            message,
        }
    }

    fn to_json(&self) -> Value {
        json!({"error_code": self.code, "error_token": self.token, "message": self.message})
    }
}

/// Everything a handler or middleware can answer with instead of success.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ApiError {
    /// The API's envelope `{error_code, error_token, message[, errors]}`,
    /// `Content-Type: application/json; charset=UTF-8` [REC].
    Envelope {
        status: StatusCode,
        code: u16,
        token: &'static str,
        message: String,
        errors: Vec<SubError>,
    },
    /// An API-gateway answer: `{"message": ...}`, `Content-Type: application/json`,
    /// plus `x-amzn-ErrorType` when given [REC].
    Gateway {
        status: StatusCode,
        message: &'static str,
        error_type: Option<&'static str>,
    },
    /// A status with an empty body (unknown application token → 401 [DOC]).
    Empty(StatusCode),
}

impl ApiError {
    fn envelope(status: StatusCode, code: u16, token: &'static str, message: String) -> Self {
        Self::Envelope {
            status,
            code,
            token,
            message,
            errors: Vec::new(),
        }
    }

    /// 400 `BadRequest` 1000.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::envelope(StatusCode::BAD_REQUEST, 1000, "BadRequest", message.into())
    }

    /// 400 for a path id that is not a Java `Long`, worded as recorded:
    /// `Cannot parse parameter id as Long: For input string: "None"` [REC].
    pub(crate) fn unparsable_id(name: &str, raw: &str) -> Self {
        Self::bad_request(format!(
            "Cannot parse parameter {name} as Long: For input string: \"{raw}\""
        ))
    }

    /// 404 `InvalidReference` 1401, `Endpoint with Id '-1' not found.` [REC].
    pub(crate) fn not_found(resource: &str, id: impl std::fmt::Display) -> Self {
        let sub = SubError::invalid_reference(resource, id);
        Self::envelope(StatusCode::NOT_FOUND, sub.code, sub.token, sub.message)
    }

    /// 404 `NotFound` 1201 for paths the API does not have [DOC].
    pub(crate) fn no_such_route(path: &str) -> Self {
        Self::envelope(
            StatusCode::NOT_FOUND,
            1201,
            "NotFound",
            format!("Resource {path} not found"),
        )
    }

    /// 405 for a known path with an unsupported method [GUESS: envelope 1000].
    pub(crate) fn method_not_allowed() -> Self {
        Self::envelope(
            StatusCode::METHOD_NOT_ALLOWED,
            1000,
            "BadRequest",
            "HTTP method not supported for this resource".to_owned(),
        )
    }

    /// 404 `Unavailable` 1601 `No IP Address available.` when every IP address space is
    /// exhausted [REC].
    pub(crate) fn no_ip_address() -> Self {
        Self::envelope(
            StatusCode::NOT_FOUND,
            1601,
            "Unavailable",
            "No IP Address available.".to_owned(),
        )
    }

    /// 422 `InputValidationFailed` 1400 with nested errors [REC].
    pub(crate) fn validation(message: impl Into<String>, errors: Vec<SubError>) -> Self {
        Self::Envelope {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: 1400,
            token: "InputValidationFailed",
            message: message.into(),
            errors,
        }
    }

    /// 422 `InvalidQueryCriteria` 1301 [DOC].
    pub(crate) fn invalid_query(criteria: &str) -> Self {
        Self::envelope(
            StatusCode::UNPROCESSABLE_ENTITY,
            1301,
            "InvalidQueryCriteria",
            format!("Search criteria {criteria} is invalid"),
        )
    }

    /// 422 `InvalidSortCriteria` 1302 [DOC].
    pub(crate) fn invalid_sort(criteria: &str) -> Self {
        Self::envelope(
            StatusCode::UNPROCESSABLE_ENTITY,
            1302,
            "InvalidSortCriteria",
            format!("Sort criteria {criteria} is invalid"),
        )
    }

    /// 409 `NotAllowed` 1406 for operations the current state forbids [GUESS: code/token
    /// from the documented 1406 example; 409 per "most resource-specific errors are 409"].
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::envelope(StatusCode::CONFLICT, 1406, "NotAllowed", message.into())
    }

    /// 429 `TooManyRequests` 1105 [DOC].
    pub(crate) fn too_many_requests(message: impl Into<String>) -> Self {
        Self::envelope(
            StatusCode::TOO_MANY_REQUESTS,
            1105,
            "TooManyRequests",
            message.into(),
        )
    }

    /// 401 `InvalidCredentials` 1101 for a wrong username/password [GUESS: documented code].
    pub(crate) fn invalid_credentials() -> Self {
        Self::envelope(
            StatusCode::UNAUTHORIZED,
            1101,
            "InvalidCredentials",
            "Invalid credentials".to_owned(),
        )
    }

    /// 401 `InvalidToken` 1102 for an unusable refresh token [GUESS: documented code].
    pub(crate) fn invalid_token() -> Self {
        Self::envelope(
            StatusCode::UNAUTHORIZED,
            1102,
            "InvalidToken",
            "Invalid token".to_owned(),
        )
    }

    /// Gateway 401 with `x-amzn-ErrorType: AccessDeniedException` [REC].
    pub(crate) fn access_denied(message: &'static str) -> Self {
        Self::Gateway {
            status: StatusCode::UNAUTHORIZED,
            message,
            error_type: Some("AccessDeniedException"),
        }
    }

    /// Gateway 503, used by `fail_rate` [GUESS: API Gateway's generic body].
    pub(crate) fn service_unavailable() -> Self {
        Self::Gateway {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "Service Unavailable",
            error_type: None,
        }
    }

    /// The `error_code` of an envelope error.
    #[cfg(test)]
    pub(crate) fn code(&self) -> Option<u16> {
        match self {
            Self::Envelope { code, .. } => Some(*code),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Envelope {
                status,
                code,
                token,
                message,
                errors,
            } => {
                let mut body =
                    json!({"error_code": code, "error_token": token, "message": message});
                if !errors.is_empty() {
                    body["errors"] = Value::Array(errors.iter().map(SubError::to_json).collect());
                }
                (
                    status,
                    [(header::CONTENT_TYPE, HeaderValue::from_static(CT_JSON_UTF8))],
                    body.to_string(),
                )
                    .into_response()
            }
            Self::Gateway {
                status,
                message,
                error_type,
            } => {
                let mut response = (
                    status,
                    [(header::CONTENT_TYPE, HeaderValue::from_static(CT_JSON))],
                    json!({ "message": message }).to_string(),
                )
                    .into_response();
                if let Some(error_type) = error_type {
                    response
                        .headers_mut()
                        .insert("x-amzn-ErrorType", HeaderValue::from_static(error_type));
                }
                response
            }
            Self::Empty(status) => status.into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(error: ApiError) -> (StatusCode, String, Value) {
        let response = error.into_response();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap_or_default();
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, content_type, value)
    }

    #[tokio::test]
    async fn not_found_matches_recording() {
        let (status, ct, body) = body_of(ApiError::not_found("Endpoint", -1)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(ct, "application/json; charset=UTF-8");
        assert_eq!(
            body,
            json!({"error_code":1401,"error_token":"InvalidReference","message":"Endpoint with Id '-1' not found."})
        );
    }

    #[tokio::test]
    async fn validation_nests_errors() {
        let error = ApiError::validation(
            "Update endpoint validation error",
            vec![SubError::invalid_reference("Service profile", -1)],
        );
        let (status, _, body) = body_of(error).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body,
            json!({"error_code":1400,"error_token":"InputValidationFailed","message":"Update endpoint validation error","errors":[{"error_code":1401,"error_token":"InvalidReference","message":"Service profile with Id '-1' not found."}]})
        );
    }

    #[tokio::test]
    async fn gateway_401_has_error_type() {
        let response =
            ApiError::access_denied("token contains an invalid number of segments").into_response();
        assert_eq!(
            response.headers().get("x-amzn-errortype"),
            Some(&HeaderValue::from_static("AccessDeniedException"))
        );
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json"))
        );
    }

    #[test]
    fn unparsable_id_message_matches_recording() {
        let ApiError::Envelope { message, code, .. } = ApiError::unparsable_id("id", "None") else {
            panic!("expected an envelope");
        };
        assert_eq!(code, 1000);
        assert_eq!(
            message,
            "Cannot parse parameter id as Long: For input string: \"None\""
        );
    }
}
