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
    // The proxies are runner's to choose (reqwest's own reading of the environment sent a
    // request straight to the server past a proxy URL it could not use, and a SOCKS one
    // without a port to port 80): `--proxy`, else the environment's, each checked.
    builder = builder.no_proxy();
    // reqwest reads `NO_PROXY=*` for host names only: an IP address (`127.0.0.1`, `[::1]`)
    // still went through the proxy, where curl sends nothing through it.
    if !bypasses_every_host() {
        let chosen = match &options.proxy {
            Some(proxy) => vec![(Scope::All, "--proxy", proxy.clone())],
            None => environment_proxies(),
        };
        for (scope, source, proxy) in chosen {
            let url = checked_proxy(&proxy, source).map_err(ClientError::Argument)?;
            let parsed = match scope {
                Scope::Http => reqwest::Proxy::http(url),
                Scope::Https => reqwest::Proxy::https(url),
                Scope::All => reqwest::Proxy::all(url),
            }
            .map_err(|e| {
                ClientError::Argument(format!(
                    "{source} `{}` is not a proxy URL: {e}",
                    without_password(&proxy)
                ))
            })?
            .no_proxy(no_proxy_list().and_then(|list| reqwest::NoProxy::from_string(&list)));
            builder = builder.proxy(parsed);
        }
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

/// The requests a proxy of the environment is for.
#[derive(Clone, Copy)]
enum Scope {
    /// `http` URLs (`HTTP_PROXY`).
    Http,
    /// `https` URLs (`HTTPS_PROXY`).
    Https,
    /// Both (`ALL_PROXY`, `--proxy`).
    All,
}

/// The environment's proxies, as curl reads them: `HTTP_PROXY` for `http` URLs, `HTTPS_PROXY`
/// for `https` ones, `ALL_PROXY` for the rest (each name in capitals or not, the first set and
/// not empty), in the order a request looks them up; none for a CGI script (`REQUEST_METHOD`
/// set), where `HTTP_PROXY` is the request's own `Proxy` header ("httpoxy").
fn environment_proxies() -> Vec<(Scope, &'static str, String)> {
    if std::env::var_os("REQUEST_METHOD").is_some() {
        return Vec::new();
    }
    [
        (Scope::Http, ["HTTP_PROXY", "http_proxy"]),
        (Scope::Https, ["HTTPS_PROXY", "https_proxy"]),
        (Scope::All, ["ALL_PROXY", "all_proxy"]),
    ]
    .into_iter()
    .filter_map(|(scope, names)| {
        names.into_iter().find_map(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
                .map(|value| (scope, name, value))
        })
    })
    .collect()
}

/// The environment's `NO_PROXY` list (or `no_proxy`'s: the first set and not empty).
fn no_proxy_list() -> Option<String> {
    variable(&["NO_PROXY", "no_proxy"])
}

/// `NO_PROXY` (or `no_proxy`) lists `*`: no request goes through a proxy, as in curl.
fn bypasses_every_host() -> bool {
    no_proxy_list().is_some_and(|list| list.split(',').any(|entry| entry.trim() == "*"))
}

/// Whether `list` (`NO_PROXY`'s) names the host of `url`, matched as reqwest matches it
/// (names and their subdomains, addresses, CIDR ranges, IPv6 in brackets or not).
fn bypasses(url: &reqwest::Url, list: &str) -> bool {
    let Ok(uri) = url.as_str().parse::<hyper::Uri>() else {
        return false;
    };
    hyper_util::client::proxy::matcher::Matcher::builder()
        .all("http://proxy.invalid")
        .no(list)
        .build()
        .intercept(&uri)
        .is_none()
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

/// A refused connection, a connect timeout or a name that does not resolve, when the request
/// went through a proxy, as the proxy's: the proxy is what did not answer, and its host is
/// the one runner looks up (an HTTP proxy resolves the request's; through `socks5://` runner
/// does, so a name that does not resolve stays the request's). A SOCKS failure gets the
/// proxy's address. The proxy is `--proxy`, else the environment's for the URL's scheme,
/// unless `NO_PROXY` names the host. Credentials in the proxy URL are left out.
pub(super) fn name_proxy(
    error: TransportError,
    url: &reqwest::Url,
    flag: Option<&str>,
) -> TransportError {
    let (host, port) = match &error {
        TransportError::ConnectionRefused { host, port }
        | TransportError::ConnectTimeout { host, port }
        | TransportError::ProxySocks { host, port, .. } => (host.clone(), *port),
        TransportError::Dns { host } => (host.clone(), url.port_or_known_default().unwrap_or(0)),
        _ => return error,
    };
    // The proxy reqwest was given for the URL's scheme, as `configure` gave them.
    let proxy = match flag {
        Some(flag) => Some(flag.to_owned()),
        None => environment_proxies()
            .into_iter()
            .find(|(scope, _, _)| match scope {
                Scope::Http => url.scheme() == "http",
                Scope::Https => url.scheme() == "https",
                Scope::All => true,
            })
            .map(|(_, _, proxy)| proxy),
    };
    let bypassed =
        bypasses_every_host() || no_proxy_list().is_some_and(|list| bypasses(url, &list));
    let proxy = proxy.filter(|_| !bypassed);
    // Through `socks5://` or `socks4://` runner resolves the request's host itself (the error
    // of a proxy's own host that does not resolve comes as the SOCKS connection's): a name
    // that does not resolve is the request's.
    let socks = proxy
        .as_deref()
        .and_then(proxy_url)
        .is_some_and(|url| is_socks(url.scheme()));
    if socks {
        if let TransportError::Dns { host } = &error {
            // reqwest looks an address literal up as a name, brackets and all.
            if host.starts_with('[') {
                return TransportError::ProxySocks {
                    proxy: proxy.as_deref().and_then(proxy_address),
                    host: host.clone(),
                    port,
                    reason: "runner's client cannot send an IPv6 address through a `socks5://` \
                             or `socks4://` proxy; use `socks5h://`"
                        .to_owned(),
                };
            }
            return error;
        }
    }
    match (proxy.as_deref().and_then(proxy_address), error) {
        (Some(proxy), TransportError::ConnectionRefused { .. }) => {
            TransportError::ProxyRefused { proxy, host, port }
        }
        (Some(proxy), TransportError::Dns { .. }) => TransportError::ProxyDns { proxy, host },
        (Some(proxy), TransportError::ConnectTimeout { .. }) => {
            TransportError::ProxyConnectTimeout { proxy, host, port }
        }
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

/// A proxy's URL (`source` says where it was given: `--proxy`, or a variable of the
/// environment), when runner can send through it: a proxy of one of [`PROXY_SCHEMES`] with a
/// host (`http://` when it names no scheme, as in curl), and for SOCKS5 a user name and
/// password it can send. The error names the URL without its password.
fn checked_proxy(proxy: &str, source: &str) -> Result<reqwest::Url, String> {
    let shown = without_password(proxy);
    let mend = if source.starts_with("--") {
        String::new()
    } else {
        format!(" (set {source} to one runner can use, or unset it)")
    };
    let url = proxy_url(proxy).ok_or_else(|| {
        format!(
            "{source} `{shown}` is not a proxy URL; write it as `http://[USER:PASSWORD@]HOST:PORT` \
             (or `socks5h://...` for a SOCKS proxy){mend}"
        )
    })?;
    if !PROXY_SCHEMES.contains(&url.scheme()) {
        let schemes: Vec<String> = PROXY_SCHEMES.iter().map(|s| format!("`{s}://`")).collect();
        return Err(format!(
            "{source} `{shown}`: runner sends through {} proxies, not `{}://`{mend}",
            schemes.join(", "),
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "{source} `{shown}` names no host; write it as `{}://[USER:PASSWORD@]HOST:PORT`{mend}",
            url.scheme()
        ));
    }
    if url.scheme().starts_with("socks5") {
        let decoded = |text: &str| percent_encoding::percent_decode_str(text).count();
        let (user, password) = (
            decoded(url.username()),
            decoded(url.password().unwrap_or_default()),
        );
        // RFC 1929 gives each a length byte; the client sends at most 259 bytes of the two.
        if user > 255 || password > 255 || user + password > 259 {
            return Err(format!(
                "{source} `{shown}`: its user name ({user} bytes) and password ({password} \
                 bytes) are longer than a SOCKS5 login can carry: at most 255 bytes each, 259 \
                 together{mend}"
            ));
        }
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
            assert!(checked_proxy(taken, "--proxy").is_ok(), "{taken}");
        }
        for (written, says) in [
            ("ftp://ann:Secret-99@proxy:21", "not `ftp://`"),
            ("socks://ann:Secret-99@proxy:1080", "not `socks://`"),
            ("http://ann:Secret-99@:bad", "is not a proxy URL"),
            ("http://ann:Secret-99@[::1", "is not a proxy URL"),
            ("http://ann:Sec/ret-99@proxy:3128", "is not a proxy URL"),
            ("http://ann:Sec#ret-99@proxy:3128", "is not a proxy URL"),
        ] {
            let error = checked_proxy(written, "--proxy").expect_err(written);
            assert!(error.contains(says), "{error}");
            assert!(!error.contains("ret-99"), "{error}");
        }
    }

    #[test]
    fn a_proxy_of_the_environment_is_checked_and_told_how_to_mend() {
        let error = checked_proxy("socks://ann:Secret-99@proxy", "ALL_PROXY").expect_err("socks");
        assert!(
            error.starts_with("ALL_PROXY `socks://ann:***@proxy`: runner sends through")
                && error.ends_with("(set ALL_PROXY to one runner can use, or unset it)"),
            "{error}"
        );
        let error = checked_proxy("http://ann:Sec/ret-99@proxy:3128", "https_proxy")
            .expect_err("a raw slash");
        assert!(error.contains("is not a proxy URL"), "{error}");
        assert!(!error.contains("ret-99"), "{error}");
    }

    #[test]
    fn a_socks5_login_longer_than_the_protocol_carries_is_refused() {
        let long = "u".repeat(256);
        for (url, taken) in [
            (format!("socks5h://{}:pw@proxy", "u".repeat(255)), true),
            (
                format!("socks5h://{}:{}@proxy", "u".repeat(129), "p".repeat(130)),
                true,
            ),
            (format!("socks5h://{long}:pw@proxy"), false),
            (format!("socks5://u:{}@proxy", "p%41".repeat(256)), false),
            (
                format!("socks5h://{}:{}@proxy", "u".repeat(130), "p".repeat(130)),
                false,
            ),
            // SOCKS4 sends no password: its user id has no such bound.
            (format!("socks4a://{long}@proxy"), true),
        ] {
            let checked = checked_proxy(&url, "--proxy");
            assert_eq!(checked.is_ok(), taken, "{checked:?}");
            if let Err(error) = checked {
                assert!(
                    error.contains("longer than a SOCKS5 login can carry"),
                    "{error}"
                );
                assert!(!error.contains("ppp"), "{error}");
            }
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
