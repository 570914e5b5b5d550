//! HTTP: one reqwest client (and connection pool, and cookie jar) per run; sends a rendered
//! request and returns the response with its timing.

mod error;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};

pub use error::{format_size, parse_size, TransportError};

/// The `User-Agent` every request carries unless the step sets its own.
pub const USER_AGENT: &str = concat!("runner/", env!("CARGO_PKG_VERSION"));

/// The timeout when neither the step, the collection nor `--timeout` sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response body read by default: generous, but bounded.
pub const DEFAULT_MAX_BODY: u64 = 256 * 1024 * 1024;

/// The clients of one run: one that follows redirects and one that does not, sharing a
/// cookie jar.
#[derive(Clone)]
pub struct HttpClient {
    following: reqwest::Client,
    not_following: reqwest::Client,
    max_body: u64,
}

/// How the run's client behaves.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Accept any TLS certificate (`--insecure`).
    pub insecure: bool,
    /// Fail a response whose body is larger than this many bytes (`--max-body`).
    pub max_body: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            insecure: false,
            max_body: DEFAULT_MAX_BODY,
        }
    }
}

/// A request with every template rendered, ready to send.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    /// The method.
    pub method: reqwest::Method,
    /// The full URL, query included.
    pub url: reqwest::Url,
    /// Headers in the order written.
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Bytes>,
    /// The time allowed for the whole exchange.
    pub timeout: Duration,
    /// Follow redirects.
    pub follow_redirects: bool,
}

/// A response, fully read.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The HTTP version, e.g. `HTTP/1.1`.
    pub version: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, decoded (gzip, brotli).
    pub body: Bytes,
    /// From sending the request to the last byte of the body.
    pub duration: Duration,
}

impl Response {
    /// The first value of header `name` (case-insensitive), as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type` header, or `""`.
    pub fn content_type(&self) -> &str {
        self.header(CONTENT_TYPE.as_str()).unwrap_or("")
    }
}

/// Why the HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("could not set up the HTTP client: {0}")]
pub struct ClientError(#[from] reqwest::Error);

impl HttpClient {
    /// Builds the clients of one run.
    pub fn new(options: &ClientOptions) -> Result<Self, ClientError> {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let builder = || {
            reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .cookie_provider(Arc::clone(&jar))
                .connect_timeout(Duration::from_secs(10))
                .tcp_nodelay(true)
                .danger_accept_invalid_certs(options.insecure)
        };
        Ok(HttpClient {
            following: builder()
                .redirect(reqwest::redirect::Policy::limited(10))
                .build()?,
            not_following: builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            max_body: options.max_body,
        })
    }

    /// Sends `request` and reads the whole response.
    pub async fn send(&self, request: &OutgoingRequest) -> Result<Response, TransportError> {
        let client = if request.follow_redirects {
            &self.following
        } else {
            &self.not_following
        };
        let mut builder = client
            .request(request.method.clone(), request.url.clone())
            .headers(request.headers.clone())
            .timeout(request.timeout);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let started = Instant::now();
        let classify =
            |error: reqwest::Error| TransportError::classify(error, &request.url, request.timeout);
        let mut response = builder.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let version = format!("{:?}", response.version());
        let headers = response.headers().clone();
        let too_large = || TransportError::BodyTooLarge {
            url: request.url.to_string(),
            limit: self.max_body,
        };
        if response
            .content_length()
            .is_some_and(|length| length > self.max_body)
        {
            return Err(too_large());
        }
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if (body.len() + chunk.len()) as u64 > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        Ok(Response {
            status,
            version,
            headers,
            body,
            duration: started.elapsed(),
        })
    }
}

/// Parses a header name and value as written in a collection.
pub fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header `{name}` has characters a header cannot hold"))?;
    Ok((name, value))
}
