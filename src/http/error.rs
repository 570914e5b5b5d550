//! Transport failures as sentences a user can act on.

use std::error::Error as _;
use std::time::Duration;

use crate::spec::duration::format_duration;
use crate::spec::size::format_size;

/// A request that got no complete response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    /// Nothing listens at the address.
    #[error("could not connect to {host}:{port}: connection refused (is the server running?)")]
    ConnectionRefused {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// Nothing listens at the proxy the request was sent through.
    #[error("could not connect to the proxy {proxy} (for {host}:{port}): connection refused (is the proxy running? check --proxy, HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY)")]
    ProxyRefused {
        /// The proxy's host and port (no credentials).
        proxy: String,
        /// The request's host.
        host: String,
        /// The request's port.
        port: u16,
    },
    /// No connection through the proxy (to it, and through it to the host) within
    /// `--connect-timeout`.
    #[error("could not connect to {host}:{port} through the proxy {proxy} within the connect timeout (`--connect-timeout`); is the proxy up, and can it reach the server? Raise `--connect-timeout` for a slow network")]
    ProxyConnectTimeout {
        /// The proxy's host and port (no credentials).
        proxy: String,
        /// The request's host.
        host: String,
        /// The request's port.
        port: u16,
    },
    /// runner has as many files and connections open as the system lets a process have.
    #[error("could not open a connection to {host}:{port}: too many open files (the limit of open files a process may have, `ulimit -n`, is reached); run fewer collections at once (a lower `--jobs`) or raise the limit")]
    TooManyOpenFiles {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// The proxy's host name does not resolve.
    #[error("could not resolve the proxy's host in {proxy} (for {host}; check --proxy, HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY)")]
    ProxyDns {
        /// The proxy's host and port (no credentials).
        proxy: String,
        /// The request's host.
        host: String,
    },
    /// The proxy answered the tunnel (`CONNECT`) for an `https` URL with an error, e.g. 407.
    #[error("the proxy did not open a tunnel to {host}:{port}: {reason} (check the proxy's URL, and its user and password: `http://user:password@proxy:3128`)")]
    ProxyTunnel {
        /// The request's host.
        host: String,
        /// The request's port.
        port: u16,
        /// What the proxy answered, in reqwest's words.
        reason: String,
    },
    /// The SOCKS proxy the request was sent through did not open a connection to the host: it
    /// could not be reached, refused the credentials, or could not reach the host itself.
    #[error("the SOCKS proxy{} did not open a connection to {host}:{port}: {reason}", proxy.as_deref().map(|p| format!(" {p}")).unwrap_or_default())]
    ProxySocks {
        /// The proxy's host and port (no credentials), when runner knows which it was.
        proxy: Option<String>,
        /// The request's host.
        host: String,
        /// The request's port.
        port: u16,
        /// What went wrong, in words.
        reason: String,
    },
    /// The host name does not resolve.
    #[error("could not resolve host `{host}` (check the URL and your DNS or network)")]
    Dns {
        /// The host.
        host: String,
    },
    /// TLS failed, e.g. an untrusted certificate.
    #[error("TLS handshake with {host} failed: {reason}")]
    Tls {
        /// The host.
        host: String,
        /// The certificate or protocol problem.
        reason: String,
    },
    /// The request took longer than allowed.
    #[error("no complete response from {host}:{port} within the request timeout of {after}; raise `timeout` on the step or collection, or `--timeout`")]
    Timeout {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The timeout, formatted.
        after: String,
    },
    /// No connection (TCP, and TLS for `https`) within `--connect-timeout`.
    #[error("could not connect to {host}:{port} within the connect timeout (`--connect-timeout`); is the server up and accepting connections? Raise `--connect-timeout` for a slow network")]
    ConnectTimeout {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// The connection broke mid-exchange.
    #[error(
        "the connection to {host}:{port} was closed or reset before the response was complete"
    )]
    Interrupted {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// The body is not what its `Content-Encoding` says (a broken gzip, deflate or brotli
    /// stream).
    #[error("the response body from {host}:{port} could not be decoded as its `Content-Encoding` says ({reason}); the server sent a broken compressed body")]
    BadEncoding {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What the decoder found.
        reason: String,
    },
    /// The response body is larger than `--max-body`.
    #[error("the response body of {url} is larger than the limit of {} (raise it with `--max-body`)", format_size(*limit))]
    BodyTooLarge {
        /// The URL.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The rendered URL is not a URL.
    #[error("`{url}` is not a valid URL: {reason}")]
    InvalidUrl {
        /// The URL as rendered.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A file of the request (a `body_file`, a multipart file) could not be read.
    #[error("cannot read `{path}`: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The request cannot be put on the wire (a credential or content type a header cannot hold).
    #[error("the request cannot be sent: {reason}")]
    Unsendable {
        /// Why.
        reason: String,
    },
    /// No OAuth2 token could be obtained.
    #[error("could not get an OAuth2 token from {url}: {reason}")]
    Token {
        /// The token endpoint.
        url: String,
        /// Why.
        reason: String,
    },
    /// The server's answer is not HTTP/1.1 that runner can read: a status line, a header or
    /// a head it refuses.
    #[error("the response from {host}:{port} is not valid HTTP/1.1: {reason}")]
    NotHttp {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What is wrong, as a sentence.
        reason: String,
    },
    /// More redirects than `max_redirects`.
    #[error("stopped after {max} redirects, at {url} (raise `max_redirects`, or set `follow_redirects: false` to check a redirect itself)")]
    TooManyRedirects {
        /// The redirect not followed.
        url: String,
        /// The limit.
        max: u32,
    },
    /// A 307 or 308 to another origin, which would send the body again there, and the body
    /// holds a secret.
    #[error("the server redirects ({status}) to another origin, {url}, and a {status} sends the body again: the body holds a secret, which goes to the request's own origin only, so the redirect is not followed (set `follow_redirects: false` to check the redirect itself)")]
    SecretBodyRedirect {
        /// The redirect's status.
        status: u16,
        /// Where it leads.
        url: String,
    },
    /// The server broke HTTP/2's rules, or ended the HTTP/2 connection (GOAWAY, a reset
    /// stream).
    #[error("the HTTP/2 exchange with {host}:{port} failed: {reason}; the server broke the protocol or ended the connection")]
    Http2 {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What the HTTP/2 library found.
        reason: String,
    },
    /// Anything else, with the underlying chain of causes.
    #[error("request to {host}:{port} failed: {reason}")]
    Other {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The chain of causes.
        reason: String,
    },
}

impl TransportError {
    /// Turns a reqwest error into the sentence for it.
    pub fn classify(error: reqwest::Error, url: &reqwest::Url, timeout: Duration) -> Self {
        let host = url.host_str().unwrap_or("").to_owned();
        let port = url.port_or_known_default().unwrap_or(0);
        let chain = causes(&error);
        // reqwest's connect timeout covers the TCP connection and the TLS handshake; the
        // request's own timeout, passing while connecting, is told as the request's.
        if error.is_timeout() && error.is_connect() {
            return TransportError::ConnectTimeout { host, port };
        }
        if error.is_timeout() {
            return TransportError::Timeout {
                host,
                port,
                after: format_duration(timeout),
            };
        }
        let lower = chain.to_lowercase();
        if lower.contains("too many open files") {
            return TransportError::TooManyOpenFiles { host, port };
        }
        if lower.contains("dns error") || lower.contains("failed to lookup address") {
            return TransportError::Dns { host };
        }
        if let Some(reason) = not_http(&error) {
            return TransportError::NotHttp { host, port, reason };
        }
        // The proxy refused the `CONNECT` (407, 403, 502…): no TLS was tried yet.
        if lower.contains("tunnel error") {
            let cause = last_cause(&error);
            let reason = cause
                .strip_prefix("tunnel error: ")
                .unwrap_or(&cause)
                .to_owned();
            return TransportError::ProxyTunnel { host, port, reason };
        }
        // A SOCKS proxy that could not be reached, or did not connect to the host: no TLS was
        // tried yet either.
        if lower.contains("socks error") {
            return TransportError::ProxySocks {
                proxy: None,
                host,
                port,
                reason: socks_reason(&last_cause(&error)),
            };
        }
        // A TLS alert from the server: with TLS 1.3 one refusing the client's certificate
        // comes with the first read, after the handshake, as an `InvalidData` read error.
        if url.scheme() == "https" && lower.contains("received fatal alert") {
            return TransportError::Tls {
                host,
                reason: tls_reason(&last_cause(&error)),
            };
        }
        if let Some(kind) = io_kind(&error) {
            use std::io::ErrorKind;
            match kind {
                ErrorKind::ConnectionRefused => {
                    return TransportError::ConnectionRefused { host, port }
                }
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => return TransportError::Interrupted { host, port },
                // A body the server framed wrongly (a chunk size that is not hexadecimal):
                // named as it is, not taken for a cut. Only once connected: a TLS handshake
                // error is `InvalidData` too, and is told below.
                ErrorKind::InvalidInput | ErrorKind::InvalidData if !error.is_connect() => {
                    return TransportError::NotHttp {
                        host,
                        port,
                        reason: {
                            let cause = last_cause(&error);
                            let what = if cause.to_lowercase().contains("chunk") {
                                "its chunked body is broken"
                            } else {
                                "its body is framed wrongly"
                            };
                            format!("{what} ({cause})")
                        },
                    }
                }
                _ => {}
            }
        }
        if url.scheme() == "https" && (error.is_connect() || lower.contains("(connect)")) {
            return TransportError::Tls {
                host,
                reason: tls_reason(&last_cause(&error)),
            };
        }
        if error.is_body()
            || error.is_decode()
            || lower.contains("connection closed")
            || lower.contains("incomplete")
        {
            return TransportError::Interrupted { host, port };
        }
        if lower.contains("http2 error") {
            return TransportError::Http2 {
                host,
                port,
                reason: last_cause(&error),
            };
        }
        TransportError::Other {
            host,
            port,
            reason: chain,
        }
    }
}

/// hyper-util's SOCKS error (`SOCKS error: credentials not accepted`) in words.
fn socks_reason(cause: &str) -> String {
    let what = cause.strip_prefix("SOCKS error: ").unwrap_or(cause);
    match what {
        "failed to create underlying connection" => "could not connect to the proxy (is it \
            running? check --proxy, HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY)"
            .to_owned(),
        "io error during SOCKS handshake" | "failed parsing server response" => format!(
            "it broke off or did not answer as a SOCKS proxy ({what}); is it one, of the version \
             its URL's scheme names?"
        ),
        "credentials not accepted" => "it did not accept the user and password of its URL \
            (`socks5h://user:password@proxy:1080`)"
            .to_owned(),
        "server does not support user/pass authentication" => "it accepts none of the ways of \
            logging in runner offered (the user and password of its URL, \
            `socks5h://user:password@proxy:1080`, or none when it has none)"
            .to_owned(),
        "server implements authentication incorrectly" => {
            "it chose a way of logging in runner did not offer".to_owned()
        }
        "host address is more than 255 characters" => "the host name is longer than the 255 \
            bytes SOCKS5 can send (with `socks5://` runner sends the address it resolves)"
            .to_owned(),
        "IPV6 is not supported" => {
            "SOCKS4 cannot reach an IPv6 address; use `socks5h://`".to_owned()
        }
        // The proxy's reply to CONNECT: "connection refused", "host unreachable"...
        status => format!("it answered `{status}`"),
    }
}

/// Whether `error`, met sending a request (before its response's head came whole), says the
/// connection closed or was reset before the response: what a request meets when it races a
/// server closing a kept-alive connection (RFC 9112 §9.3.1) — hyper's "connection closed
/// before message completed", or a reset, an abort, a broken pipe or an end without TLS's
/// `close_notify` under it. Not a connection that could not be opened, nor a timeout.
pub(super) fn closed_before_response(error: &reqwest::Error) -> bool {
    if error.is_connect() || error.is_timeout() {
        return false;
    }
    let mut source = error.source();
    while let Some(cause) = source {
        if cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return true;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            return matches!(
                io.kind(),
                ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
            );
        }
        source = cause.source();
    }
    false
}

/// What is wrong with a response head hyper refused to parse, as a sentence: `None` when
/// hyper's error among the causes is not one of parsing.
fn not_http(error: &reqwest::Error) -> Option<String> {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>() {
            if !(hyper.is_parse() || hyper.is_parse_too_large() || hyper.is_parse_status()) {
                return None;
            }
            return Some(parse_reason(&hyper.to_string()));
        }
        source = cause.source();
    }
    None
}

/// The longest URL a request can carry: reqwest hands hyper the whole URL as an `http::Uri`,
/// which holds at most `u16::MAX - 1` bytes.
const LONGEST_TARGET: usize = u16::MAX as usize - 1;

impl TransportError {
    /// A request to `url` that reqwest could not build (`redirected`: a server sent runner
    /// there). The URL comes last and whole: it may be 64 KiB, and a message is cut only once
    /// its secrets are masked, so that no secret is cut in two.
    pub(super) fn unbuildable(
        url: &reqwest::Url,
        redirected: bool,
        error: &reqwest::Error,
    ) -> Self {
        let length = url.as_str().len();
        let why = if length > LONGEST_TARGET {
            format!("{length} bytes long, past the {LONGEST_TARGET} bytes a request's URL can hold")
        } else {
            format!("one an HTTP request cannot carry ({})", causes(error))
        };
        let reason = if redirected {
            format!("the server redirected to a URL {why} (set `follow_redirects: false` to check the redirect itself): {url}")
        } else {
            format!("its URL is {why}: {url}")
        };
        TransportError::Unsendable { reason }
    }
}

/// hyper's words for a head it refused, as what the server did wrong.
fn parse_reason(hyper: &str) -> String {
    let sentence = match hyper {
        "invalid HTTP version parsed" | "invalid HTTP version parsed (found HTTP2 preface)" => {
            "its first line is not an HTTP/1.x status line (is the port serving HTTP?)"
        }
        "invalid HTTP status-code parsed" => {
            "its status line is not `HTTP/1.1 NNN reason`: the status code is not three digits from 100 to 999, or the reason phrase holds a control character"
        }
        "message head is too large" => {
            "its head is larger than runner reads (more than 100 headers, or more than 408 KiB of status line and headers), or its Content-Length is 18446744073709551614 or more, past what HTTP/1.1 can frame"
        }
        "invalid HTTP header parsed" => {
            "a header holds a byte HTTP does not allow (a control character such as ESC in a value, or a space or colon out of place in a name)"
        }
        "invalid content-length parsed" => {
            "its Content-Length is not a number, or it sends two that differ"
        }
        "unexpected transfer-encoding parsed" => {
            "it has a Transfer-Encoding where none may be (a 1xx, 204 or 304 response)"
        }
        other => return other.to_owned(),
    };
    format!("{sentence} (hyper: {hyper})")
}

/// rustls's terse reasons, as sentences.
fn tls_reason(cause: &str) -> String {
    let lower = cause.to_lowercase();
    if lower.contains("received fatal alert") {
        return alert_reason(&lower, cause);
    }
    let sentence = if lower.contains("unknownissuer") {
        "the server's certificate is not signed by an authority this machine trusts (self-signed, or a private CA); use --insecure only if you trust the network"
    } else if lower.contains("expired") {
        "the server's certificate has expired"
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        "the server's certificate is not valid for this host name"
    } else if lower.contains("invalidcontenttype") || lower.contains("corrupt message") {
        "the server did not answer with TLS (is it plain HTTP? try http://)"
    } else if lower.contains("causedasendentity") {
        "the server presented a CA certificate as its own; it must present a certificate for its host name, signed by that CA"
    } else if lower.contains("notvalidyet") {
        "the server's certificate is not valid yet (check this machine's clock)"
    } else if lower.contains("badsignature") || lower.contains("invalidsignature") {
        "the server's certificate has a signature that does not verify"
    } else if lower.contains("revoked") {
        "the server's certificate has been revoked"
    } else if lower.contains("unsupportedsignaturealgorithm") {
        "the server's certificate is signed with an algorithm runner does not accept"
    } else {
        return in_words(cause);
    };
    format!("{sentence} ({})", in_words(cause))
}

/// A TLS alert the server sent (rustls: `received fatal alert: CertificateRequired`), as what
/// it says of this side.
fn alert_reason(lower: &str, cause: &str) -> String {
    let sentence = if lower.contains("certificaterequired") {
        "the server requires a client certificate: give one with --cert and --key"
    } else if lower.contains("certificateexpired") {
        "the server refused the client certificate (--cert): it has expired"
    } else if [
        "unknownca",
        "badcertificate",
        "certificateunknown",
        "unsupportedcertificate",
        "certificaterevoked",
        "accessdenied",
    ]
    .iter()
    .any(|alert| lower.contains(alert))
    {
        "the server refused the client certificate (--cert), or requires one: it does not trust the authority that signed it, or does not accept it"
    } else if lower.contains("protocolversion") {
        "the server speaks no TLS version runner speaks (TLS 1.2 and 1.3)"
    } else if lower.contains("handshakefailure") {
        "the server ended the handshake: no cipher or TLS version in common, or it requires a client certificate (--cert)"
    } else {
        "the server ended the TLS session with an alert"
    };
    let alert = cause.rsplit(": ").next().unwrap_or(cause);
    format!("{sentence} (alert: {})", in_words(alert))
}

/// rustls's `Other(OtherError(CaUsedAsEndEntity))` as `ca used as end entity`: the
/// innermost name, its words apart. Anything else as it is.
fn in_words(cause: &str) -> String {
    let inner = cause
        .rsplit('(')
        .next()
        .unwrap_or(cause)
        .trim_end_matches(')');
    if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_alphanumeric()) {
        return cause.to_owned();
    }
    // A capital after a small letter starts a word; capitals together are one (`UnknownCA`).
    let mut words = String::new();
    let mut previous = ' ';
    for c in inner.chars() {
        if c.is_ascii_uppercase() && (previous.is_ascii_lowercase() || previous.is_ascii_digit()) {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
        previous = c;
    }
    words
}

fn causes(error: &reqwest::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// The innermost cause of `error`, in its own words (reqwest's own is often "builder error").
pub(crate) fn last_cause(error: &reqwest::Error) -> String {
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        last = cause.to_string();
        source = cause.source();
    }
    last
}

/// What the decoder found: its own words, or that the compressed stream stopped short (it
/// says only "unexpected end of file").
/// A decoder's failure (`kind` and `cause`, its message) in the words of a message
/// (`decode::content_codings`).
pub(super) fn decoding_reason(kind: std::io::ErrorKind, cause: String) -> String {
    if kind == std::io::ErrorKind::UnexpectedEof {
        "the compressed stream is cut short".to_owned()
    } else if [
        "deflate decompression error",
        "corrupt deflate stream",
        "Invalid Data",
    ]
    .contains(&cause.as_str())
    {
        // flate2's words for a broken deflate stream, which a gzip body holds too (said so
        // that a gzip body is not told it is deflate), and the brotli decoder's.
        "the compressed data is corrupt".to_owned()
    } else if cause.eq_ignore_ascii_case("invalid gzip header") {
        "its gzip header is not valid".to_owned()
    } else {
        cause
    }
}

fn io_kind(error: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = cause.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socks_reasons_are_words() {
        for (cause, says) in [
            (
                "SOCKS error: failed to create underlying connection",
                "could not connect to the proxy",
            ),
            (
                "SOCKS error: io error during SOCKS handshake",
                "did not answer as a SOCKS proxy",
            ),
            (
                "SOCKS error: failed parsing server response",
                "did not answer as a SOCKS proxy",
            ),
            (
                "SOCKS error: credentials not accepted",
                "did not accept the user and password",
            ),
            (
                "SOCKS error: server does not support user/pass authentication",
                "none of the ways",
            ),
            ("SOCKS error: IPV6 is not supported", "use `socks5h://`"),
            (
                "SOCKS error: server implements authentication incorrectly",
                "did not offer",
            ),
            (
                "SOCKS error: host address is more than 255 characters",
                "longer than the 255",
            ),
            (
                "SOCKS error: host unreachable",
                "it answered `host unreachable`",
            ),
        ] {
            let reason = socks_reason(cause);
            assert!(reason.contains(says), "{cause}: {reason}");
            assert!(!reason.contains("SOCKS error"), "{reason}");
        }
    }

    #[test]
    fn tls_reasons_are_words() {
        let reason = tls_reason("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))");
        assert!(
            reason.starts_with("the server presented a CA certificate as its own"),
            "{reason}"
        );
        assert!(reason.ends_with("(ca used as end entity)"), "{reason}");
        assert_eq!(
            tls_reason("Other(OtherError(SomethingNew))"),
            "something new"
        );
        assert_eq!(tls_reason("handshake failure"), "handshake failure");
        let reason = tls_reason("received fatal alert: CertificateRequired");
        assert!(
            reason.starts_with("the server requires a client certificate: give one with --cert"),
            "{reason}"
        );
        assert!(
            reason.ends_with("(alert: certificate required)"),
            "{reason}"
        );
        let reason = tls_reason("received fatal alert: UnknownCA");
        assert!(
            reason.starts_with("the server refused the client certificate"),
            "{reason}"
        );
        // A client certificate that expired is not the server's.
        let reason = tls_reason("received fatal alert: CertificateExpired");
        assert!(
            reason.contains("client certificate (--cert): it has expired"),
            "{reason}"
        );
    }
}
