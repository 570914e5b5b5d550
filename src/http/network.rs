//! How the run's client reaches servers: TLS trust (`--cacert`, `--insecure`), client
//! certificates (`--cert`, `--key`), proxies (`--proxy`, `HTTP(S)_PROXY`, `NO_PROXY`),
//! `--resolve` and `--connect-timeout`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ClientError;

/// The connect timeout when `--connect-timeout` is not given.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Network and TLS settings of a run.
#[derive(Debug, Clone, Default)]
pub struct NetworkOptions {
    /// Accept any TLS certificate (`--insecure`).
    pub insecure: bool,
    /// Trust the CA certificates in this PEM file instead of the built-in roots (`--cacert`).
    pub cacert: Option<PathBuf>,
    /// A client certificate (PEM, with its chain) and its private key (PEM) (`--cert`, `--key`).
    pub client_certificate: Option<(PathBuf, PathBuf)>,
    /// Send every request through this proxy (`--proxy`); `NO_PROXY` still applies.
    pub proxy: Option<String>,
    /// Host names resolved to fixed addresses (`--resolve host:port:addr`).
    pub resolve: Vec<(String, SocketAddr)>,
    /// Time allowed to connect (`--connect-timeout`, default 10 s).
    pub connect_timeout: Option<Duration>,
}

/// Applies `options` to `builder`.
pub(super) fn configure(
    mut builder: reqwest::ClientBuilder,
    options: &NetworkOptions,
) -> Result<reqwest::ClientBuilder, ClientError> {
    builder = builder
        .connect_timeout(options.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
        .danger_accept_invalid_certs(options.insecure);
    if let Some(path) = &options.cacert {
        let pem = read(path, "CA certificate file")?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem)
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| ClientError::Invalid {
                path: path.clone(),
                reason: "it holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)".into(),
            })?;
        // Like curl's --cacert: these authorities replace the built-in ones.
        builder = builder.tls_built_in_root_certs(false);
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    if let Some((cert, key)) = &options.client_certificate {
        let mut pem = read(cert, "client certificate file")?;
        pem.push(b'\n');
        pem.extend(read(key, "private key file")?);
        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| ClientError::Invalid {
            path: cert.clone(),
            reason: format!(
                "it and `{}` are not a PEM certificate and private key: {e}",
                key.display()
            ),
        })?;
        builder = builder.identity(identity);
    }
    if let Some(proxy) = &options.proxy {
        let parsed = reqwest::Proxy::all(proxy)
            .map_err(|e| {
                ClientError::Argument(format!("--proxy `{proxy}` is not a proxy URL: {e}"))
            })?
            .no_proxy(reqwest::NoProxy::from_env());
        builder = builder.proxy(parsed);
    }
    for (host, address) in &options.resolve {
        builder = builder.resolve(host, *address);
    }
    Ok(builder)
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, ClientError> {
    std::fs::read(path).map_err(|e| ClientError::Invalid {
        path: path.to_owned(),
        reason: format!("cannot read the {what}: {e}"),
    })
}

/// Parses `--resolve host:port:address` (curl's syntax; an IPv6 address may be bracketed).
pub fn parse_resolve(text: &str) -> Result<(String, SocketAddr), String> {
    let error =
        || format!("`{text}` is not HOST:PORT:ADDRESS, e.g. `api.example.com:443:127.0.0.1`");
    let (host, rest) = text.split_once(':').ok_or_else(error)?;
    let (port, address) = rest.split_once(':').ok_or_else(error)?;
    let port: u16 = port.parse().map_err(|_| error())?;
    let address: std::net::IpAddr = address
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| error())?;
    if host.is_empty() {
        return Err(error());
    }
    Ok((host.to_owned(), SocketAddr::new(address, port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_arguments() {
        let (host, address) = parse_resolve("api.test:8443:127.0.0.1").expect("valid");
        assert_eq!(
            (host.as_str(), address.to_string().as_str()),
            ("api.test", "127.0.0.1:8443")
        );
        assert!(parse_resolve("api.test:[::1]").is_err());
        assert_eq!(
            parse_resolve("h:1:[::1]").expect("v6").1.to_string(),
            "[::1]:1"
        );
        assert!(parse_resolve("h:x:1.2.3.4").is_err());
    }
}
