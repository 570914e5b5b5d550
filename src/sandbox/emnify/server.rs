//! Wiring: the axum router (routes, bearer guard, rate limits, chaos, the edge's headers),
//! binding and serving, and the handle of a running sandbox.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::Uri;
use axum::middleware::{from_fn, from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::auth::{self, Keys, Lockout};
use super::config::SandboxConfig;
use super::errors::ApiError;
use super::rate_limit::{self, Limiter};
use super::state::{now_timestamp, AppState, Store};
use super::{chaos, endpoints, gateway, profiles, seed, sims};

/// How long [`RunningSandbox::shutdown`] waits for in-flight requests before aborting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why a sandbox could not be created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The seed file could not be read, parsed or validated.
    #[error("invalid seed file {}: {reason}", path.display())]
    Seed {
        /// The seed file (`<built-in seed>` for the bundled data).
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// `fail_rate` is not within `0.0..=1.0`.
    #[error("fail_rate must be between 0.0 and 1.0, got {0}")]
    InvalidFailRate(f64),
}

fn validate(config: &SandboxConfig) -> Result<Store, SandboxError> {
    if !(0.0..=1.0).contains(&config.fail_rate) {
        return Err(SandboxError::InvalidFailRate(config.fail_rate));
    }
    seed::load(config.seed.as_deref(), &now_timestamp())
}

async fn no_such_route(uri: Uri) -> Response {
    ApiError::no_such_route(uri.path()).into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::method_not_allowed().into_response()
}

fn app(config: &SandboxConfig, store: Store, base_url: Option<String>) -> Router {
    let state = Arc::new(AppState {
        config: config.clone(),
        base_url,
        store: Mutex::new(store),
        keys: Keys::random(),
        lockout: Mutex::new(Lockout::default()),
        limiter: Mutex::new(Limiter::default()),
    });
    let routes = Router::new()
        .route(auth::AUTHENTICATE_PATH, post(auth::authenticate))
        .route(
            "/api/v1/endpoint",
            get(endpoints::list).post(endpoints::create),
        )
        .route(
            "/api/v1/endpoint/{id}",
            get(endpoints::get)
                .patch(endpoints::update)
                .delete(endpoints::delete),
        )
        .route(
            "/api/v1/endpoint/{id}/connectivity",
            get(endpoints::connectivity).patch(endpoints::reset_connectivity),
        )
        .route(
            "/api/v1/endpoint/{id}/sms",
            get(endpoints::list_sms).post(endpoints::send_sms),
        )
        .route(
            "/api/v1/endpoint/{id}/sms/{sms_id}",
            get(endpoints::get_sms),
        )
        .route("/api/v1/sim", get(sims::list))
        .route("/api/v1/sim/{id}", get(sims::get).patch(sims::update))
        .route("/api/v1/service_profile", get(profiles::list_service))
        .route("/api/v1/service_profile/{id}", get(profiles::get_service))
        .route("/api/v1/tariff_profile", get(profiles::list_tariff))
        .route("/api/v1/tariff_profile/{id}", get(profiles::get_tariff))
        .fallback(no_such_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone());
    // The gateway's layers wrap the routes as a whole, so they act before routing as the real
    // gateway does (`Router::layer` would wrap each route, and routing's `Allow` header would
    // reach the gateway's 401s and the preflights). Outermost last: the edge's headers on every
    // answer → gzip → chaos (latency, 503s) → rate limits → CORS preflights → the bearer check
    // (for every path but /authenticate, emulated or not) → routing.
    Router::new()
        .fallback_service(routes)
        .layer(from_fn_with_state(state.clone(), auth::require_bearer))
        .layer(from_fn(gateway::preflight))
        .layer(from_fn_with_state(state.clone(), rate_limit::enforce))
        .layer(from_fn_with_state(state, chaos::inject))
        .layer(from_fn(gateway::compress))
        .layer(map_response(gateway::edge_headers))
}

/// The axum [`Router`] of a sandbox, for in-process tests (e.g. with `tower::ServiceExt`).
///
/// `Location` and `Link` URLs use `http://{host}:{port}` from the config when the port is
/// fixed, else the request's `Host` header. Without connection info (plain `Router` use), rate
/// limits and the login lockout treat all requests as coming from one client.
pub fn router(config: &SandboxConfig) -> Result<Router, SandboxError> {
    let store = validate(config)?;
    let base_url = (config.port != 0 && !config.host.is_unspecified())
        .then(|| format!("http://{}", SocketAddr::new(config.host, config.port)));
    Ok(app(config, store, base_url))
}

/// A sandbox serving on a background task. Dropping it stops the server too (without
/// waiting); prefer [`RunningSandbox::shutdown`].
#[derive(Debug)]
pub struct RunningSandbox {
    url: String,
    application_token: String,
    local_addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    /// Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. For an unspecified
    /// bind address (`0.0.0.0`, `::`) this names the loopback address of the same family.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The application token `POST /api/v1/authenticate` accepts.
    pub fn application_token(&self) -> &str {
        &self.application_token
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections, lets in-flight requests finish (up to 5 s), then returns.
    pub async fn shutdown(mut self) {
        if let Some(signal) = self.shutdown.take() {
            // The server may already be gone; nothing to do then.
            let _ = signal.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
    }
}

/// Binds and spawns the server on the current tokio runtime; returns once it is listening.
///
/// The seed is loaded and validated before binding, so a bad seed never occupies the port.
pub async fn start(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let store = validate(&config)?;
    let addr = SocketAddr::new(config.host, config.port);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let visible = if local_addr.ip().is_unspecified() {
        let loopback = match local_addr {
            SocketAddr::V4(_) => std::net::IpAddr::from(std::net::Ipv4Addr::LOCALHOST),
            SocketAddr::V6(_) => std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        };
        SocketAddr::new(loopback, local_addr.port())
    } else {
        local_addr
    };
    let url = format!("http://{visible}");
    let base_url = (!local_addr.ip().is_unspecified()).then(|| url.clone());
    let app = app(&config, store, base_url);
    let (signal, stop) = oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        // Resolves on an explicit signal and when the handle is dropped.
        let _ = stop.await;
    });
    let task = tokio::spawn(async move {
        // `serve` only returns on shutdown; an accept-loop error has nobody to report to.
        let _ = server.await;
    });
    Ok(RunningSandbox {
        url,
        application_token: config.application_token,
        local_addr,
        shutdown: Some(signal),
        task: Some(task),
    })
}
