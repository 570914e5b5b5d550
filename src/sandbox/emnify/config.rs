//! Configuration of one sandbox instance: where it listens, which credentials it accepts,
//! and which failure modes (latency, random 503s, rate limits) it simulates.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

/// The application token a sandbox accepts when none is configured.
pub const DEFAULT_APPLICATION_TOKEN: &str = "sandbox-application-token";

/// The port the CLI (and [`SandboxConfig::default`]) uses. Tests should pass `port: 0`.
pub const DEFAULT_CLI_PORT: u16 = 8088;

/// Username of the demo user seeded by the built-in data set (password: [`DEMO_PASSWORD`]).
///
/// Log in with `POST /api/v1/authenticate` and
/// `{"username": "sandbox@example.com", "password": "<sha1 hex of the password>"}`, exactly as
/// the real API expects (the client sends the SHA-1 hex digest, not the clear password).
pub const DEMO_USERNAME: &str = "sandbox@example.com";

/// Clear-text password of [`DEMO_USERNAME`]; clients send its SHA-1 hex digest,
/// [`DEMO_PASSWORD_SHA1`].
pub const DEMO_PASSWORD: &str = "sandbox";

/// SHA-1 hex digest of [`DEMO_PASSWORD`], i.e. the `password` value a client sends.
pub const DEMO_PASSWORD_SHA1: &str = "9ed037b84943c4caa3a520e48a5540181c46c98c";

/// How a sandbox behaves. Build it with struct-update syntax over [`Default`]:
///
/// ```
/// # use runner::sandbox::emnify::SandboxConfig;
/// let config = SandboxConfig { port: 0, rate_limit: true, ..SandboxConfig::default() };
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to bind. Default `127.0.0.1`.
    pub host: IpAddr,
    /// Port to bind; `0` picks a free port. Default [`DEFAULT_CLI_PORT`] (8088).
    pub port: u16,
    /// The one application token that `POST /api/v1/authenticate` accepts.
    /// Default [`DEFAULT_APPLICATION_TOKEN`].
    pub application_token: String,
    /// Lifetime of issued auth tokens (`exp - iat`). Default 4 hours, as in the recordings.
    /// Refresh tokens (from username/password logins) live 30 days.
    pub token_lifetime: Duration,
    /// Apply EMnify's documented rate limits (429 with the `TooManyRequests` 1105 envelope).
    /// Default `false`.
    pub rate_limit: bool,
    /// Delay added before every response (including errors). Default zero.
    pub latency: Duration,
    /// Probability in `0.0..=1.0` that a request is answered with a gateway-style
    /// `503 {"message":"Service Unavailable"}` instead of being processed.
    ///
    /// Deliberate choice: `POST /api/v1/authenticate` is never failed this way, so a client can
    /// always obtain a token and the retry behaviour of the data calls is what gets exercised.
    /// Default `0.0`.
    pub fail_rate: f64,
    /// Optional JSON or YAML file replacing the built-in seed data; see
    /// [`seed`](super::seed) for the format. Default `None` (built-in data set).
    pub seed: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_CLI_PORT,
            application_token: DEFAULT_APPLICATION_TOKEN.to_owned(),
            token_lifetime: Duration::from_secs(4 * 60 * 60),
            rate_limit: false,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            seed: None,
        }
    }
}
