//! More loopback servers for the request features: a second origin (for cross-host
//! redirects and as a forward proxy), an OAuth2 token endpoint that counts what it issues, a
//! cookie-setting route, and TLS listeners with a CA made at test time.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{Query, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

/// Starts `app` on a free loopback port in its own thread; returns the address.
pub fn spawn(app: Router) -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind loopback");
            sender
                .send(listener.local_addr().expect("address"))
                .expect("report address");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("server started")
}

/// The request as the server saw it, as JSON: method, full URI, headers, body text.
pub async fn echo(request: Request) -> Json<Value> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 8 << 20)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let headers: serde_json::Map<String, Value> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                Value::String(v.to_str().unwrap_or("").to_owned()),
            )
        })
        .collect();
    Json(json!({
        "method": parts.method.as_str(),
        "uri": parts.uri.to_string(),
        "query": parts.uri.query(),
        "version": format!("{:?}", parts.version),
        "headers": headers,
        "json": serde_json::from_str::<Value>(&text).ok(),
        "text": text,
    }))
}

/// What the second origin saw: every request's headers, by path.
pub fn other_seen() -> &'static Mutex<Vec<(String, HeaderMap)>> {
    static SEEN: OnceLock<Mutex<Vec<(String, HeaderMap)>>> = OnceLock::new();
    SEEN.get_or_init(Default::default)
}

/// A second origin (another port): `/echo`, and any other path answered as a forward proxy
/// would (`{"via": "proxy", "uri": ...}`), so a test can tell it was used as one.
pub fn other_server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        spawn(
            Router::new()
                .route("/echo", get(record_and_echo).post(record_and_echo))
                .fallback(|request: Request| async move {
                    Json(json!({ "via": "proxy", "uri": request.uri().to_string() }))
                }),
        )
    })
}

async fn record_and_echo(request: Request) -> Json<Value> {
    if let Ok(mut seen) = other_seen().lock() {
        seen.push((request.uri().to_string(), request.headers().clone()));
    }
    echo(request).await
}

/// The request-features server: redirects, cookies, OAuth2.
pub fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        spawn(
            Router::new()
                .route("/echo", any(echo))
                .route("/echo/{*rest}", any(echo))
                .route("/redirect", get(redirect).post(redirect))
                .route("/cookies/set", get(set_cookies))
                .route("/oauth/token", post(token))
                .route("/oauth/protected", get(protected))
                .route("/oauth/revoke", post(revoke))
                .route("/oauth/gzip-token/{mib}", post(gzip_token))
                .route("/oauth/endless-token", post(endless_token))
                .route("/oauth/slow-token/{ms}", post(slow_token))
                .route("/oauth/slow-protected/{ms}", get(slow_protected))
                .route("/oauth/slow-refuse/{ms}", get(slow_refuse)),
        )
    })
}

/// `/redirect?to=URL&status=302&hops=N`: redirects `hops` times to itself, then to `to`.
async fn redirect(Query(query): Query<HashMap<String, String>>) -> Response {
    let status = query
        .get("status")
        .and_then(|s| s.parse().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::FOUND);
    let hops: u32 = query.get("hops").and_then(|h| h.parse().ok()).unwrap_or(0);
    let to = query.get("to").cloned().unwrap_or_else(|| "/echo".into());
    let location = if hops > 0 {
        format!(
            "/redirect?to={}&status={}&hops={}",
            percent(&to),
            status.as_u16(),
            hops - 1
        )
    } else {
        to
    };
    (
        status,
        [
            (header::LOCATION, location),
            (header::SET_COOKIE, "hop=1; Path=/".to_owned()),
        ],
    )
        .into_response()
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn set_cookies() -> Response {
    let mut headers = HeaderMap::new();
    for cookie in [
        "session=s-123; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=3600",
        "theme=dark; Path=/",
    ] {
        headers.append(header::SET_COOKIE, cookie.parse().expect("cookie"));
    }
    (headers, "cookies set").into_response()
}

struct Issued {
    token: String,
    client_id: String,
    expires: Instant,
    revoked: bool,
}

fn issued() -> &'static Mutex<Vec<Issued>> {
    static ISSUED: OnceLock<Mutex<Vec<Issued>>> = OnceLock::new();
    ISSUED.get_or_init(Default::default)
}

/// How many tokens the token endpoint issued to `client_id`.
pub fn tokens_issued(client_id: &str) -> usize {
    issued()
        .lock()
        .map(|i| i.iter().filter(|t| t.client_id == client_id).count())
        .unwrap_or(0)
}

/// The client secret every test client uses.
pub const CLIENT_SECRET: &str = "cs-Very-Secret-771";

/// `POST /oauth/token`: client credentials with HTTP Basic client auth. A client id that
/// starts with `short-` gets tokens that live 1 s, others an hour.
async fn token(headers: HeaderMap, body: String) -> Response {
    use base64::Engine as _;
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
        .and_then(|v| String::from_utf8(v).ok());
    let (client_id, secret) = match basic.as_deref().and_then(|b| b.split_once(':')) {
        Some((id, secret)) => (id.to_owned(), secret.to_owned()),
        None => (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned().unwrap_or_default(),
        ),
    };
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || secret != CLIENT_SECRET
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client", "error_description": "bad client credentials"})),
        )
            .into_response();
    }
    let lifetime = if client_id.starts_with("short-") {
        1
    } else {
        3600
    };
    let mut issued = match issued().lock() {
        Ok(issued) => issued,
        Err(poisoned) => poisoned.into_inner(),
    };
    let n = issued.len();
    let token = format!("at-{client_id}-{n}-Zq9");
    issued.push(Issued {
        token: token.clone(),
        client_id,
        expires: Instant::now() + Duration::from_secs(lifetime),
        revoked: false,
    });
    Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": form.get("scope"),
        "audience": form.get("audience"),
    }))
    .into_response()
}

/// 200 with a valid, unexpired, unrevoked bearer token; 401 otherwise.
async fn protected(headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let valid = issued().lock().is_ok_and(|issued| {
        issued
            .iter()
            .any(|t| t.token == token && !t.revoked && Instant::now() < t.expires)
    });
    if valid {
        Json(json!({"ok": true, "token": token})).into_response()
    } else {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_token"})),
        )
            .into_response()
    }
}

/// Revokes every token of `?client_id=`.
async fn revoke(Query(query): Query<HashMap<String, String>>) -> StatusCode {
    if let Ok(mut issued) = issued().lock() {
        for t in issued.iter_mut() {
            if Some(&t.client_id) == query.get("client_id") {
                t.revoked = true;
            }
        }
    }
    StatusCode::NO_CONTENT
}

/// `POST /oauth/gzip-token/{mib}`: a gzip body of a few KiB that unpacks to a token answer
/// of `mib` MiB (a valid one: its `access_token` comes first, then padding).
async fn gzip_token(axum::extract::Path(mib): axum::extract::Path<usize>) -> Response {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let head = br#"{"access_token":"at-gzip-Zq9","token_type":"Bearer","pad":""#;
    let mut written = head.len();
    encoder.write_all(head).expect("gzip");
    let block = vec![b'a'; 64 << 10];
    while written < mib << 20 {
        encoder.write_all(&block).expect("gzip");
        written += block.len();
    }
    encoder.write_all(b"\"}").expect("gzip");
    let body = encoder.finish().expect("gzip");
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_ENCODING, "gzip"),
        ],
        body,
    )
        .into_response()
}

/// `POST /oauth/endless-token`: a chunked token answer that never ends (padding after its
/// `access_token`, 64 KiB a chunk, until the client goes away).
async fn endless_token() -> Response {
    let head = bytes::Bytes::from_static(br#"{"access_token":"at-endless-Zq9","pad":""#);
    let pad = bytes::Bytes::from(vec![b'a'; 64 << 10]);
    let chunks = std::iter::once(head)
        .chain(std::iter::repeat(pad))
        .map(Ok::<_, std::io::Error>);
    (
        [(header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}

/// `POST /oauth/slow-token/{ms}`: [`token`], after `ms` milliseconds.
async fn slow_token(
    axum::extract::Path(ms): axum::extract::Path<u64>,
    headers: HeaderMap,
    body: String,
) -> Response {
    tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
    token(headers, body).await
}

/// `GET /oauth/slow-protected/{ms}`: [`protected`], after `ms` milliseconds.
async fn slow_protected(
    axum::extract::Path(ms): axum::extract::Path<u64>,
    headers: HeaderMap,
) -> Response {
    tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
    protected(headers).await
}

/// `GET /oauth/slow-refuse/{ms}`: 401 whatever the token, after `ms` milliseconds.
async fn slow_refuse(axum::extract::Path(ms): axum::extract::Path<u64>) -> Response {
    tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "invalid_token"})),
    )
        .into_response()
}

/// A test CA and a server certificate for `localhost`, `api.test` and 127.0.0.1, and a
/// client certificate, all made at test time, written as PEM files into `dir`.
pub struct Pki {
    /// The CA certificate.
    pub ca: std::path::PathBuf,
    /// The client certificate.
    pub client_cert: std::path::PathBuf,
    /// Its key.
    pub client_key: std::path::PathBuf,
    server_cert: String,
    server_key: String,
    ca_pem: String,
}

impl Pki {
    /// Makes the certificates.
    pub fn new(dir: &std::path::Path) -> Self {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "runner test CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA cert");
        let issuer = Issuer::new(ca_params, ca_key);
        let server_key = KeyPair::generate().expect("server key");
        let server_params = CertificateParams::new(vec![
            "localhost".to_owned(),
            "api.test".to_owned(),
            "127.0.0.1".to_owned(),
        ])
        .expect("server params");
        let server_cert = server_params
            .signed_by(&server_key, &issuer)
            .expect("server cert");
        let client_key = KeyPair::generate().expect("client key");
        let mut client_params =
            CertificateParams::new(vec!["client.test".to_owned()]).expect("client params");
        client_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "runner test client");
        let client_cert = client_params
            .signed_by(&client_key, &issuer)
            .expect("client cert");
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write pem");
            path
        };
        Pki {
            ca: write("ca.pem", &ca_cert.pem()),
            client_cert: write("client.pem", &client_cert.pem()),
            client_key: write("client.key", &client_key.serialize_pem()),
            server_cert: server_cert.pem(),
            server_key: server_key.serialize_pem(),
            ca_pem: ca_cert.pem(),
        }
    }

    /// The server's certificate chain and key.
    fn server_identity(
        &self,
    ) -> (
        Vec<rustls::pki_types::CertificateDer<'static>>,
        rustls::pki_types::PrivateKeyDer<'static>,
    ) {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs =
            vec![CertificateDer::from_pem_slice(self.server_cert.as_bytes()).expect("cert")];
        let key = PrivateKeyDer::from_pem_slice(self.server_key.as_bytes()).expect("key");
        (certs, key)
    }

    /// A TLS configuration with the server's certificate that offers HTTP/1.1 only, for a
    /// raw server that speaks HTTP itself over `rustls::StreamOwned`.
    pub fn http1_config(&self) -> Arc<rustls::ServerConfig> {
        self.raw_config(b"http/1.1")
    }

    /// [`Self::http1_config`] offering HTTP/2 only: a raw server that writes frames itself.
    pub fn http2_config(&self) -> Arc<rustls::ServerConfig> {
        self.raw_config(b"h2")
    }

    fn raw_config(&self, protocol: &[u8]) -> Arc<rustls::ServerConfig> {
        let (certs, key) = self.server_identity();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("config");
        config.alpn_protocols = vec![protocol.to_vec()];
        Arc::new(config)
    }

    /// Serves `/echo` over TLS on a free loopback port, HTTP/2 and HTTP/1.1 offered; with
    /// `require_client_cert`, only clients with a certificate from the test CA get through.
    pub fn serve(&self, require_client_cert: bool) -> SocketAddr {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::CertificateDer;
        let (certs, key) = self.server_identity();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .expect("versions");
        let mut config = if require_client_cert {
            let mut roots = rustls::RootCertStore::empty();
            roots
                .add(CertificateDer::from_pem_slice(self.ca_pem.as_bytes()).expect("ca"))
                .expect("root");
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .expect("verifier");
            builder
                .with_client_cert_verifier(verifier)
                .with_single_cert(certs, key)
                .expect("config")
        } else {
            builder
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .expect("config")
        };
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let tls = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(config));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        listener.set_nonblocking(true).expect("nonblocking");
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let app = Router::new().route("/echo", get(echo).post(echo));
                let _ = axum_server::from_tcp_rustls(listener, tls)
                    .expect("tls server")
                    .serve(app.into_make_service())
                    .await;
            });
        });
        address
    }
}
