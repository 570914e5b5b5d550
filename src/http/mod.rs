//! HTTP: one reqwest client (one connection pool), one cookie jar and one OAuth2 token cache
//! per run; sends a rendered request — following redirects itself, hop by hop — and returns
//! the response with its timing, its redirect chain and the cookies it set.

pub mod auth;
pub mod body;
pub mod cookies;
mod decode;
mod error;
pub mod network;
pub mod oauth2;
pub mod redirect;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{
    self as header, HeaderMap, HeaderName, HeaderValue, ACCEPT_ENCODING, AUTHORIZATION,
    CONTENT_LENGTH, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION,
};

pub use auth::Credentials;
pub use body::{OutgoingBody, OutgoingPart, OutgoingPartContent};
pub use cookies::CookieJar;
pub use error::TransportError;
pub use network::NetworkOptions;

use crate::response::{Received, Redirect};

/// The `User-Agent` every request carries unless the step sets its own.
pub const USER_AGENT: &str = concat!("runner/", env!("CARGO_PKG_VERSION"));

/// The timeout when neither the step, the collection nor `--timeout` sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response body read by default: generous, but bounded.
pub const DEFAULT_MAX_BODY: u64 = 256 * 1024 * 1024;

/// The most memory reserved for a body on the strength of its `Content-Length` alone (16 MiB);
/// a larger body grows the buffer as its bytes arrive.
const PREALLOCATE_LIMIT: u64 = 16 * 1024 * 1024;

/// Reads the body of `response`, at most `max_body` bytes (`Err(None)` past that), into one
/// buffer that is handed on as it is.
///
/// The announced length is believed only up to [`PREALLOCATE_LIMIT`] before any byte comes;
/// past it the buffer grows as bytes arrive, at most doubling what it holds each time (so a
/// server that announces more than it sends costs at most twice what it sent) but never past
/// the announced length while the body keeps to it: an honest 50 MB body ends in a buffer of
/// exactly 50 MB, not a doubled 64 MiB one.
async fn read_body(
    response: &mut reqwest::Response,
    max_body: u64,
) -> Result<bytes::Bytes, Option<reqwest::Error>> {
    let announced = response
        .content_length()
        .and_then(|length| usize::try_from(length).ok());
    let up_front = announced.map_or(0, |length| {
        length.min(usize::try_from(PREALLOCATE_LIMIT).unwrap_or(usize::MAX))
    });
    // A body that comes in one chunk (most small ones) is handed on as that chunk. It may
    // share hyper's read buffer; that is kept only while the step looks at the response
    // (results keep text copies).
    let Some(first) = response.chunk().await.map_err(Some)? else {
        return Ok(bytes::Bytes::new());
    };
    if first.len() as u64 > max_body {
        return Err(None);
    }
    let Some(second) = response.chunk().await.map_err(Some)? else {
        return Ok(first);
    };
    let mut body: Vec<u8> = Vec::with_capacity(up_front);
    for chunk in [first, second] {
        grow(&mut body, chunk.len(), announced, max_body)?;
        body.extend_from_slice(&chunk);
    }
    while let Some(chunk) = response.chunk().await.map_err(Some)? {
        grow(&mut body, chunk.len(), announced, max_body)?;
        body.extend_from_slice(&chunk);
    }
    Ok(bytes::Bytes::from(body))
}

/// Makes room in `body` for `more` bytes, as [`read_body`] says (`Err(None)` past `max_body`).
fn grow(
    body: &mut Vec<u8>,
    more: usize,
    announced: Option<usize>,
    max_body: u64,
) -> Result<(), Option<reqwest::Error>> {
    let needed = body.len().saturating_add(more);
    if needed as u64 > max_body {
        return Err(None);
    }
    if needed > body.capacity() {
        let doubled = needed.max(body.capacity().saturating_mul(2));
        let target = match announced {
            Some(length) if length >= needed => doubled.min(length),
            _ => doubled,
        };
        body.reserve_exact(target - body.len());
    }
    Ok(())
}

/// The one deadline of a step's attempt: its OAuth2 token fetches, its request and every
/// redirect, and after a 401 a new token and the request sent again all end by it, so that
/// `timeout` bounds the whole exchange however many parts it has.
struct Deadline {
    /// When the attempt began.
    started: Instant,
    /// When it must be over.
    at: Instant,
    /// The step's `timeout`, for messages.
    timeout: Duration,
}

/// What of an attempt is running, for the message of a timeout that passes in it.
#[derive(Clone, Copy)]
enum Part {
    /// The request of a step without an OAuth2 token: the message as it always was.
    Request,
    /// The request, after fetching the OAuth2 token took this long.
    AfterToken(Duration),
    /// The request sent again with a new token after a 401, this long after the attempt began.
    Resent(Duration),
}

impl Deadline {
    /// The deadline `timeout` from now (at most 24 h: `spec::duration::time_limit`).
    fn new(timeout: Duration) -> Self {
        let started = Instant::now();
        Deadline {
            started,
            at: started + timeout,
            timeout,
        }
    }

    /// The time left, zero once it has passed.
    fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// The time since the attempt began.
    fn spent(&self) -> Duration {
        self.started.elapsed()
    }

    /// The step's timeout, formatted (`5.00 s`).
    fn timeout_text(&self) -> String {
        crate::spec::duration::format_duration(self.timeout)
    }

    /// What a timeout's message says after "within the request timeout of": the timeout,
    /// and what took the time before `part`.
    fn after(&self, part: Part) -> String {
        use crate::spec::duration::format_duration;
        let timeout = self.timeout_text();
        match part {
            Part::Request => timeout,
            // A token from the cache took no time worth naming.
            Part::AfterToken(spent) if crate::spec::duration::round_millis(spent) == 0 => timeout,
            Part::AfterToken(spent) => format!(
                "{timeout}, of which fetching the OAuth2 token took {}",
                format_duration(spent)
            ),
            Part::Resent(spent) => format!(
                "{timeout}, of which the OAuth2 token, the first try (answered 401) and a new \
                 token took {} before this second try",
                format_duration(spent)
            ),
        }
    }

    /// `error`, with a timeout's message saying what of the attempt took the time.
    fn explain(&self, mut error: TransportError, part: Part) -> TransportError {
        if let TransportError::Timeout { after, .. } = &mut error {
            *after = self.after(part);
        }
        error
    }
}

/// The HTTP side of one run. Cloning shares the pool, the jar and the token cache.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    /// Where a request is sent again after its kept-alive connection closed unanswered.
    resend: Arc<Resend>,
    jar: Arc<CookieJar>,
    tokens: Arc<oauth2::TokenCache>,
    max_body: u64,
    /// `--proxy`, to name the proxy when connecting to it fails.
    proxy: Option<String>,
}

/// A client that keeps no connection for a later request, so a request sent on it goes out
/// on a new connection: the one to send an idempotent request again on after its kept-alive
/// connection closed before the response (RFC 9112 §9.3.1). Built the first time it is
/// needed, with the run's network settings.
struct Resend {
    network: NetworkOptions,
    /// `None` when it could not be built (the run's own client is used instead).
    client: OnceLock<Option<reqwest::Client>>,
}

/// The run's client, pooling connections (`pooled`) or not.
fn build_client(network: &NetworkOptions, pooled: bool) -> Result<reqwest::Client, ClientError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none());
    if !pooled {
        builder = builder.pool_max_idle_per_host(0);
    }
    network::configure(builder, network)?
        .build()
        .map_err(|e| network::build_problem(e, network))
}

/// How the run's client behaves.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// TLS, proxy, resolution and connection settings.
    pub network: NetworkOptions,
    /// Fail a response whose body is larger than this many bytes (`--max-body`).
    pub max_body: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            network: NetworkOptions::default(),
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
    /// The body.
    pub body: OutgoingBody,
    /// Credentials of an auth helper, added on the request's own origin only.
    pub auth: Option<Credentials>,
    /// `cookies` of the step, sent (on the request's own origin) with the jar's.
    pub cookies: Vec<(String, String)>,
    /// The headers whose value holds a secret (`X-Api-Key: {{env.KEY}}`): sent on the
    /// request's own origin only, as `Authorization` is.
    pub secret_headers: Vec<reqwest::header::HeaderName>,
    /// The body holds a secret: a 307 or 308 to another origin, which would send it there,
    /// is not followed.
    pub secret_body: bool,
    /// The time allowed for the whole exchange, redirects included.
    pub timeout: Duration,
    /// Follow redirects.
    pub follow_redirects: bool,
    /// The most redirects to follow.
    pub max_redirects: u32,
}

/// The first request of an exchange as it went on the wire: its URL (with an API key in the
/// query) and its headers (with auth, cookies and the headers runner adds).
pub type SentHop = (reqwest::Url, HeaderMap);

/// What a [`Client::send`] that got no response leaves: the request as it went on the wire, if
/// it got that far, and the secrets met on the way (an OAuth2 token fetched for it), which
/// that request carries and which must be masked wherever it is shown.
#[derive(Debug, Default)]
pub struct Unanswered {
    /// The first hop as sent.
    pub sent: Option<SentHop>,
    /// Secrets the client learnt (OAuth2 access tokens).
    pub secrets: Vec<String>,
}

/// A response, fully read.
#[derive(Debug, Clone)]
pub struct Response {
    /// What came back, as the checks judge it.
    pub received: Received,
    /// The HTTP version, e.g. `HTTP/1.1`.
    pub version: String,
    /// The first request as it went on the wire: its URL (with an API key in the query)...
    pub sent_url: reqwest::Url,
    /// ... and its headers (with auth and cookies).
    pub sent_headers: HeaderMap,
    /// Secrets the client learnt while sending (an OAuth2 access token): mask them.
    pub new_secrets: Vec<String>,
}

/// Why the HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// A file given on the command line cannot be used.
    #[error("`{}`: {reason}", path.display())]
    Invalid {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
    /// An argument cannot be used.
    #[error("{0}")]
    Argument(String),
    /// reqwest refused the configuration (told by its innermost cause: reqwest's own words
    /// are "builder error").
    #[error("could not set up the HTTP client: {}", error::last_cause(.0))]
    Build(#[from] reqwest::Error),
}

impl HttpClient {
    /// Builds the client of one run, with an empty cookie jar.
    pub fn new(options: &ClientOptions) -> Result<Self, ClientError> {
        Ok(HttpClient {
            client: build_client(&options.network, true)?,
            resend: Arc::new(Resend {
                network: options.network.clone(),
                client: OnceLock::new(),
            }),
            jar: Arc::new(CookieJar::default()),
            tokens: Arc::default(),
            max_body: options.max_body,
            proxy: options.network.proxy.clone(),
        })
    }

    /// A client for another thread's runtime: its own connections, this one's cookie jar
    /// and OAuth2 tokens.
    pub fn sibling(&self, options: &ClientOptions) -> Result<Self, ClientError> {
        Ok(HttpClient {
            jar: Arc::clone(&self.jar),
            tokens: Arc::clone(&self.tokens),
            ..HttpClient::new(options)?
        })
    }

    /// The client to send a request again on: a new connection, whatever the pool holds.
    fn resend_client(&self) -> &reqwest::Client {
        self.resend
            .client
            .get_or_init(|| build_client(&self.resend.network, false).ok())
            .as_ref()
            .unwrap_or(&self.client)
    }

    /// The run's cookie jar.
    pub fn cookie_jar(&self) -> &CookieJar {
        &self.jar
    }

    /// Sends `request` (fetching an OAuth2 token first if it needs one, and once more if the
    /// response is 401) and reads the whole response.
    ///
    /// One deadline, `request.timeout` from now, covers the whole attempt: the token fetch,
    /// the request and its redirects, and after a 401 the new token and the request sent
    /// again. A timeout's message says which of them was running when it passed.
    ///
    /// When no response comes, `unanswered` holds the request as it went on the wire, if it
    /// got that far (a refused connection, a timeout; not a token fetch that failed), and the
    /// tokens fetched for it.
    pub async fn send(
        &self,
        request: &OutgoingRequest,
        unanswered: &mut Unanswered,
    ) -> Result<Response, TransportError> {
        let deadline = Deadline::new(request.timeout);
        let token_request = match &request.auth {
            Some(Credentials::ClientCredentials(token_request)) => Some(token_request),
            _ => None,
        };
        let Some(token_request) = token_request else {
            return self
                .exchange(
                    request,
                    None,
                    &deadline,
                    Part::Request,
                    &mut unanswered.sent,
                )
                .await;
        };
        let token = self
            .tokens
            .token(
                &self.client,
                token_request,
                &deadline,
                self.max_body,
                oauth2::Fetch::First,
            )
            .await?;
        let part = Part::AfterToken(deadline.spent());
        let mut response = match self
            .exchange(request, Some(&token), &deadline, part, &mut unanswered.sent)
            .await
        {
            Ok(response) => response,
            Err(error) => {
                unanswered.secrets.push(token);
                return Err(error);
            }
        };
        response.new_secrets.push(token.clone());
        if response.received.status == 401 {
            // The server says the token is no good (revoked, expired early): one new token,
            // one more try.
            self.tokens
                .invalidate(token_request, &token, &deadline)
                .await;
            let fresh = self
                .tokens
                .token(
                    &self.client,
                    token_request,
                    &deadline,
                    self.max_body,
                    oauth2::Fetch::AfterRefusal,
                )
                .await?;
            let mut secrets = std::mem::take(&mut response.new_secrets);
            let part = Part::Resent(deadline.spent());
            response = match self
                .exchange(request, Some(&fresh), &deadline, part, &mut unanswered.sent)
                .await
            {
                Ok(response) => response,
                Err(error) => {
                    unanswered.secrets.extend(secrets);
                    unanswered.secrets.push(fresh);
                    return Err(error);
                }
            };
            secrets.push(fresh);
            response.new_secrets = secrets;
        }
        Ok(response)
    }

    /// One exchange: the request and every redirect it is allowed to follow.
    ///
    /// A hop whose kept-alive connection closes or is reset before any of its response comes
    /// (the server closed it as the request went out: an idle timeout, or a server that
    /// closes after each response without `Connection: close`) is sent once more, on a new
    /// connection, within the same deadline, when its method is idempotent and its body can be
    /// sent again (RFC 9112 §9.3.1). A POST or PATCH is not: the server may have acted on it.
    ///
    /// `first` holds the first hop as sent, once it is: taken into the response when one comes,
    /// left there when none does.
    async fn exchange(
        &self,
        request: &OutgoingRequest,
        token: Option<&str>,
        deadline: &Deadline,
        part: Part,
        first: &mut Option<SentHop>,
    ) -> Result<Response, TransportError> {
        let started = Instant::now();
        let mut url = request.url.clone();
        let mut method = request.method.clone();
        let mut keep_body = true;
        let mut redirects = Vec::new();
        let mut cookies = Vec::new();
        // This hop is being sent again, on a new connection.
        let mut resending = false;
        loop {
            let on_origin = redirect::same_origin(&url, &request.url);
            let mut sent_url = url.clone();
            // Room for what this hop adds (auth, cookies, `User-Agent`, `Accept-Encoding`): a
            // clone would have none, and grow on the first insert.
            let mut headers = HeaderMap::with_capacity(request.headers.len() + 4);
            for (name, value) in &request.headers {
                headers.append(name.clone(), value.clone());
            }
            if on_origin {
                if let Some(auth) = &request.auth {
                    auth.apply(&mut headers, &mut sent_url, token)?;
                }
            } else {
                for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION] {
                    headers.remove(name);
                }
                for name in &request.secret_headers {
                    headers.remove(name);
                }
                if let Some(Credentials::ApiKeyHeader { name, .. }) = &request.auth {
                    headers.remove(name.as_str());
                }
            }
            self.add_cookies(
                &mut headers,
                &url,
                on_origin.then_some(&request.cookies[..]),
            )?;
            if !keep_body {
                headers.remove(CONTENT_TYPE);
                headers.remove(CONTENT_LENGTH);
            }
            // The headers runner adds itself go in the request's map, not the client's
            // defaults, so what is recorded (`-v`, reports, `--curl`) is what was sent.
            if !headers.contains_key(header::USER_AGENT) {
                headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
            }
            if let Some(offer) = decode::accept_encoding(&headers) {
                headers.insert(ACCEPT_ENCODING, offer);
            }
            let timeout = deadline.remaining();
            let classify = |error: reqwest::Error| {
                let error = TransportError::classify(error, &sent_url, request.timeout);
                deadline.explain(error, part)
            };
            if timeout.is_zero() {
                return Err(TransportError::Timeout {
                    host: url.host_str().unwrap_or("").to_owned(),
                    port: url.port_or_known_default().unwrap_or(0),
                    after: deadline.after(part),
                });
            }
            let client = if resending {
                self.resend_client()
            } else {
                &self.client
            };
            let mut builder = client
                .request(method.clone(), sent_url.clone())
                .headers(headers.clone())
                .timeout(timeout);
            if keep_body {
                builder = request.body.attach(builder, &method, &headers).await?;
            }
            let mut response = match builder.send().await {
                Ok(response) => response,
                Err(error) => {
                    if !resending
                        && idempotent(&method)
                        && error::closed_before_response(&error)
                        && (!keep_body || request.body.can_resend().await)
                    {
                        resending = true;
                        continue;
                    }
                    first.get_or_insert_with(|| (sent_url.clone(), headers));
                    if error.is_builder() {
                        let redirected = !redirects.is_empty();
                        return Err(TransportError::unbuildable(&sent_url, redirected, &error));
                    }
                    let error = classify(error);
                    return Err(network::name_proxy(error, &sent_url, self.proxy.as_deref()));
                }
            };
            resending = false;
            first.get_or_insert_with(|| (sent_url.clone(), headers));
            self.jar.store(response.headers(), &url);
            cookies.extend(cookies::set_cookies(response.headers()));
            let status = response.status().as_u16();
            if request.follow_redirects {
                if let Some(hop) = redirect::next(status, response.headers(), &url, &method) {
                    if request.secret_body
                        && keep_body
                        && hop.keep_body
                        && !redirect::same_origin(&hop.url, &request.url)
                    {
                        return Err(TransportError::SecretBodyRedirect {
                            status,
                            url: hop.url.to_string(),
                        });
                    }
                    if redirects.len() as u32 >= request.max_redirects {
                        return Err(TransportError::TooManyRedirects {
                            url: hop.url.to_string(),
                            max: request.max_redirects,
                        });
                    }
                    redirects.push(Redirect {
                        status,
                        to: hop.url.clone(),
                        method: hop.method.to_string(),
                    });
                    url = hop.url;
                    method = hop.method;
                    keep_body &= hop.keep_body;
                    continue;
                }
            }
            let version = format!("{:?}", response.version());
            let too_large = || TransportError::BodyTooLarge {
                url: url.to_string(),
                limit: self.max_body,
            };
            if response
                .content_length()
                .is_some_and(|length| length > self.max_body)
            {
                return Err(too_large());
            }
            // Reading the body does not look at the headers: they are taken, not copied.
            let headers = std::mem::take(response.headers_mut());
            let body = read_body(&mut response, self.max_body)
                .await
                .map_err(|e| e.map_or_else(too_large, classify))?;
            let decode::Prepared {
                headers,
                body,
                charset_text,
            } = decode::prepare(headers, body, self.max_body, deadline.remaining())
                .await
                .map_err(|e| match e {
                    decode::Undecodable::TooLarge => too_large(),
                    decode::Undecodable::Broken(reason) => TransportError::BadEncoding {
                        host: url.host_str().unwrap_or("").to_owned(),
                        port: url.port_or_known_default().unwrap_or(0),
                        reason,
                    },
                    decode::Undecodable::TimedOut => TransportError::Timeout {
                        host: url.host_str().unwrap_or("").to_owned(),
                        port: url.port_or_known_default().unwrap_or(0),
                        after: deadline.after(part),
                    },
                })?;
            let (sent_url, sent_headers) = first
                .take()
                .unwrap_or_else(|| (url.clone(), HeaderMap::new()));
            return Ok(Response {
                received: Received {
                    status,
                    headers,
                    body,
                    charset_text,
                    duration: started.elapsed(),
                    url,
                    redirects,
                    cookies,
                },
                version,
                sent_url,
                sent_headers,
                new_secrets: Vec::new(),
            });
        }
    }

    /// Sets `Cookie`: a header the step wrote, then the jar's cookies for `url`, then the
    /// step's `cookies` (`own`, on the request's origin only), a later name replacing an
    /// earlier one.
    fn add_cookies(
        &self,
        headers: &mut HeaderMap,
        url: &reqwest::Url,
        own: Option<&[(String, String)]>,
    ) -> Result<(), TransportError> {
        let mut pairs = self.jar.header_for(url);
        for (name, value) in own.unwrap_or_default() {
            pairs.retain(|(n, _)| n != name);
            pairs.push((name.clone(), value.clone()));
        }
        if pairs.is_empty() {
            return Ok(());
        }
        let mut text = headers
            .get(COOKIE)
            .map(|v| format!("{}; ", crate::response::header_text(v)))
            .unwrap_or_default();
        text.push_str(
            &pairs
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        );
        let value = HeaderValue::from_str(&text).map_err(|_| TransportError::Unsendable {
            reason: "a cookie value has characters a header cannot hold".into(),
        })?;
        headers.insert(COOKIE, value);
        Ok(())
    }
}

/// RFC 9110's idempotent methods (§9.2.2), the ones sent again after a connection closed
/// unanswered: named here, as the docs name them, whatever `http` comes to count.
fn idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Parses a header name and value as written in a collection.
pub fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header `{name}` has characters a header cannot hold"))?;
    Ok((name, value))
}
