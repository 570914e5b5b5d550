//! Transport failures as sentences a user can act on.

use std::error::Error as _;
use std::time::Duration;

use crate::collection::duration::format_duration;

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
    /// The rendered URL is not a URL.
    #[error("`{url}` is not a valid URL: {reason}")]
    InvalidUrl {
        /// The URL as rendered.
        url: String,
        /// What is wrong.
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
        if error.is_timeout() {
            return TransportError::Timeout {
                host,
                port,
                after: format_duration(timeout),
            };
        }
        let lower = chain.to_lowercase();
        if lower.contains("dns error") || lower.contains("failed to lookup address") {
            return TransportError::Dns { host };
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
                _ => {}
            }
        }
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            return TransportError::Tls {
                host,
                reason: last_cause(&error),
            };
        }
        if error.is_body()
            || error.is_decode()
            || lower.contains("connection closed")
            || lower.contains("incomplete")
        {
            return TransportError::Interrupted { host, port };
        }
        TransportError::Other {
            host,
            port,
            reason: chain,
        }
    }
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

fn last_cause(error: &reqwest::Error) -> String {
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        last = cause.to_string();
        source = cause.source();
    }
    last
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
