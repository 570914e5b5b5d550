//! How the run's client reaches servers: TLS trust (`--cacert`, `--insecure`), client
//! certificates (`--cert`, `--key`), proxies (`--proxy`, `HTTP(S)_PROXY`, `NO_PROXY`),
//! `--resolve` and `--connect-timeout`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ClientError, TransportError};

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
        .connect_timeout(crate::spec::duration::time_limit(
            options.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
        ))
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
        let key_pem = read(key, "private key file")?;
        if encrypted(&key_pem) {
            return Err(ClientError::Invalid {
                path: key.clone(),
                reason: format!(
                    "the private key is encrypted, and runner asks for no passphrase: decrypt it \
                     first, e.g. `openssl pkey -in {0} -out {0}.plain`, and give that to --key",
                    key.display()
                ),
            });
        }
        pem.extend(key_pem);
        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| ClientError::Invalid {
            path: cert.clone(),
            reason: format!(
                "it and `{}` are not a PEM certificate and private key: {}",
                key.display(),
                super::error::last_cause(&e)
            ),
        })?;
        builder = builder.identity(identity);
    }
    if let Some(proxy) = &options.proxy {
        let url = checked_proxy(proxy).map_err(ClientError::Argument)?;
        let parsed = reqwest::Proxy::all(url)
            .map_err(|e| {
                ClientError::Argument(format!(
                    "--proxy `{}` is not a proxy URL: {e}",
                    without_password(proxy)
                ))
            })?
            .no_proxy(reqwest::NoProxy::from_env());
        if !bypasses_every_host() {
            builder = builder.proxy(parsed);
        }
    }
    // reqwest reads `NO_PROXY=*` for host names only: an IP address (`127.0.0.1`, `[::1]`)
    // still went through the proxy, where curl sends nothing through it.
    if bypasses_every_host() {
        builder = builder.no_proxy();
    }
    for (host, address) in &options.resolve {
        builder = builder.resolve(host, *address);
    }
    Ok(builder)
}

/// reqwest's refusal to build the client, told in words: with `--cert`, a key that is not
/// the certificate's is what TLS refuses then.
pub(super) fn build_problem(error: reqwest::Error, options: &NetworkOptions) -> ClientError {
    let cause = super::error::last_cause(&error);
    let lower = cause.to_lowercase();
    match &options.client_certificate {
        // rustls: "keys may not be consistent: KeyMismatch".
        Some((cert, key)) if lower.contains("keys may not be consistent") => ClientError::Invalid {
            path: cert.clone(),
            reason: format!(
                "the private key `{}` is not this certificate's (its public key does not \
                 match): give the key the certificate was made for ({cause})",
                key.display()
            ),
        },
        // rustls: "failed to parse private key as RSA, ECDSA, or EdDSA".
        Some((_, key)) if lower.contains("failed to parse private key") => ClientError::Invalid {
            path: key.clone(),
            reason: format!(
                "the private key is of a kind TLS here cannot use (RSA of 2048 bits or more, \
                 ECDSA on P-256 or P-384, or Ed25519 are): {cause}"
            ),
        },
        _ => ClientError::Build(error),
    }
}

/// A PEM private key that needs a passphrase: PKCS#8's `ENCRYPTED PRIVATE KEY`, or OpenSSL's
/// legacy `Proc-Type: 4,ENCRYPTED` header.
fn encrypted(pem: &[u8]) -> bool {
    let text = String::from_utf8_lossy(pem);
    text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED")
}

/// The first of `names` set and not empty in the environment.
fn variable(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

/// `NO_PROXY` (or `no_proxy`) lists `*`: no request goes through a proxy, as in curl.
fn bypasses_every_host() -> bool {
    variable(&["NO_PROXY", "no_proxy"])
        .is_some_and(|list| list.split(',').any(|entry| entry.trim() == "*"))
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, ClientError> {
    crate::spec::file::read(path).map_err(|e| ClientError::Invalid {
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

/// A refused connection or a name that does not resolve, when the request went through a
/// proxy, as the proxy's: the proxy is what did not answer, and its host is the one runner
/// looks up (the proxy resolves the request's). The proxy is `--proxy`, else the
/// environment's for the URL's scheme, unless `NO_PROXY` names the host. Credentials in the
/// proxy URL are left out.
pub(super) fn name_proxy(
    error: TransportError,
    url: &reqwest::Url,
    flag: Option<&str>,
) -> TransportError {
    let (host, port) = match &error {
        TransportError::ConnectionRefused { host, port }
        | TransportError::ProxySocks { host, port, .. } => (host.clone(), *port),
        TransportError::Dns { host } => (host.clone(), url.port_or_known_default().unwrap_or(0)),
        _ => return error,
    };
    let scheme = if url.scheme() == "https" {
        ["HTTPS_PROXY", "https_proxy"]
    } else {
        ["HTTP_PROXY", "http_proxy"]
    };
    let proxy = flag
        .map(str::to_owned)
        .or_else(|| variable(&scheme))
        .or_else(|| variable(&["ALL_PROXY", "all_proxy"]));
    let bypassed = variable(&["NO_PROXY", "no_proxy"]).is_some_and(|list| {
        list.split(',').map(str::trim).any(|entry| {
            let entry = entry.trim_start_matches('.');
            entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
        })
    });
    let proxy = proxy.filter(|_| !bypassed);
    // Through `socks5://` or `socks4://` runner resolves the request's host itself (the error
    // of a proxy's own host that does not resolve comes as the SOCKS connection's): a name
    // that does not resolve is the request's.
    let socks = proxy
        .as_deref()
        .and_then(proxy_url)
        .is_some_and(|url| is_socks(url.scheme()));
    if socks && matches!(error, TransportError::Dns { .. }) {
        return error;
    }
    match (proxy.as_deref().and_then(proxy_address), error) {
        (Some(proxy), TransportError::ConnectionRefused { .. }) => {
            TransportError::ProxyRefused { proxy, host, port }
        }
        (Some(proxy), TransportError::Dns { .. }) => TransportError::ProxyDns { proxy, host },
        (Some(proxy), TransportError::ProxySocks { reason, .. }) => TransportError::ProxySocks {
            proxy: Some(proxy),
            host,
            port,
            reason,
        },
        (_, error) => error,
    }
}

/// The credentials of every proxy a run may use (`--proxy`, `HTTP_PROXY`, `HTTPS_PROXY`,
/// `ALL_PROXY`, either case): the password and `user:password` (whose base64 is the
/// `Proxy-Authorization` header), decoded, for the redactor to mask wherever they show.
pub fn proxy_secrets(flag: Option<&str>) -> Vec<String> {
    let from_env = [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .into_iter()
    .filter_map(|name| std::env::var(name).ok());
    flag.map(str::to_owned)
        .into_iter()
        .chain(from_env)
        .filter_map(|proxy| proxy_url(&proxy))
        .filter_map(|url| {
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(text)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            // A key given as the user name alone (`http://KEY:@proxy:8011`) is the secret then.
            let user = decode(url.username());
            let password = decode(url.password().unwrap_or_default());
            if password.is_empty() && user.is_empty() {
                return None;
            }
            let pair = format!("{user}:{password}");
            let secret = if password.is_empty() { user } else { password };
            Some([secret, pair])
        })
        .flatten()
        .collect()
}

/// A proxy URL, `http://` when it names no scheme.
fn proxy_url(proxy: &str) -> Option<reqwest::Url> {
    if proxy.contains("://") {
        reqwest::Url::parse(proxy).ok()
    } else {
        reqwest::Url::parse(&format!("http://{proxy}")).ok()
    }
}

/// The schemes of the proxies runner sends through: HTTP (`CONNECT` for `https` URLs) and
/// SOCKS, as curl names them (`socks5h` and `socks4a` let the proxy resolve the host).
const PROXY_SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// Whether `scheme` is a SOCKS proxy's.
pub(super) fn is_socks(scheme: &str) -> bool {
    scheme.starts_with("socks")
}

/// `--proxy`'s URL, when runner can send through it: a proxy of one of [`PROXY_SCHEMES`] with
/// a host (`http://` when it names no scheme, as in curl). The error names the URL without its
/// password.
fn checked_proxy(proxy: &str) -> Result<reqwest::Url, String> {
    let shown = without_password(proxy);
    let url = proxy_url(proxy).ok_or_else(|| {
        format!(
            "--proxy `{shown}` is not a proxy URL; write it as `http://[USER:PASSWORD@]HOST:PORT` \
             (or `socks5h://...` for a SOCKS proxy)"
        )
    })?;
    if !PROXY_SCHEMES.contains(&url.scheme()) {
        return Err(format!(
            "--proxy `{shown}`: runner sends through `http://`, `https://`, `socks4://`, \
             `socks4a://`, `socks5://` and `socks5h://` proxies, not `{}://`",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "--proxy `{shown}` names no host; write it as `{}://[USER:PASSWORD@]HOST:PORT`",
            url.scheme()
        ));
    }
    Ok(url)
}

/// `proxy` as written, with the password in its user info (`user:password@`) replaced by
/// `***`: for messages, which must not show it whether or not the URL parses. Everything up
/// to the last `@` is taken for user info, so a password holding a raw `/`, `?` or `#` (a URL
/// that then does not parse) is hidden too.
pub(crate) fn without_password(proxy: &str) -> String {
    let authority = proxy.find("://").map_or(0, |at| at + 3);
    let Some(at) = proxy[authority..].rfind('@').map(|at| authority + at) else {
        return proxy.to_owned();
    };
    match proxy[authority..at].find(':') {
        Some(colon) => format!("{}***{}", &proxy[..authority + colon + 1], &proxy[at..]),
        // A user name alone may be a key (`http://KEY@proxy`).
        None => format!("{}***{}", &proxy[..authority], &proxy[at..]),
    }
}

/// `host:port` of a proxy URL (`http://user:secret@proxy:3128` gives `proxy:3128`; a SOCKS
/// proxy's port is 1080 unless it says).
fn proxy_address(proxy: &str) -> Option<String> {
    let url = proxy_url(proxy)?;
    let default = if is_socks(url.scheme()) { 1080 } else { 80 };
    Some(format!(
        "{}:{}",
        url.host_str()?,
        url.port_or_known_default().unwrap_or(default)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_url_in_a_message_never_shows_its_password() {
        for (written, shown) in [
            ("http://ann:p%40ss@proxy:3128", "http://ann:***@proxy:3128"),
            ("ann:pass@proxy:3128", "ann:***@proxy:3128"),
            ("http://KEY@proxy", "http://***@proxy"),
            ("http://ann:se@cret@:bad", "http://ann:***@:bad"),
            ("http://ann:pa/ss@proxy:3128", "http://ann:***@proxy:3128"),
            ("http://ann:pa#ss?x@proxy:3128", "http://ann:***@proxy:3128"),
            ("http://proxy:3128/a@b", "http://proxy:***@b"),
            ("http://proxy:3128", "http://proxy:3128"),
        ] {
            assert_eq!(without_password(written), shown);
        }
    }

    #[test]
    fn only_http_https_and_socks_proxies_with_a_host_are_taken() {
        for taken in [
            "http://ann:pw@proxy:3128",
            "https://proxy",
            "proxy:3128",
            "socks4://proxy:1080",
            "socks4a://proxy",
            "socks5://ann:pw@proxy:1080",
            "socks5h://[::1]:1080",
        ] {
            assert!(checked_proxy(taken).is_ok(), "{taken}");
        }
        for (written, says) in [
            ("ftp://ann:Secret-99@proxy:21", "not `ftp://`"),
            ("socks://ann:Secret-99@proxy:1080", "not `socks://`"),
            ("http://ann:Secret-99@:bad", "is not a proxy URL"),
            ("http://ann:Secret-99@[::1", "is not a proxy URL"),
            ("http://ann:Sec/ret-99@proxy:3128", "is not a proxy URL"),
            ("http://ann:Sec#ret-99@proxy:3128", "is not a proxy URL"),
        ] {
            let error = checked_proxy(written).expect_err(written);
            assert!(error.contains(says), "{error}");
            assert!(!error.contains("ret-99"), "{error}");
        }
    }

    #[test]
    fn a_proxys_password_or_lone_user_name_is_a_secret() {
        let secrets = proxy_secrets(Some("http://ann:p%40ss@proxy:3128"));
        assert!(secrets.contains(&"p@ss".to_owned()) && secrets.contains(&"ann:p@ss".to_owned()));
        let secrets = proxy_secrets(Some("http://KEY123:@proxy:8011"));
        assert!(secrets.contains(&"KEY123".to_owned()), "{secrets:?}");
        assert!(proxy_secrets(Some("proxy:3128"))
            .iter()
            .all(|s| !s.contains("proxy")));
    }

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
