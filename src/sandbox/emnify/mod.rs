//! A faithful, stateful, in-memory emulation of EMnify's REST API (`/api/v1/...`), served
//! locally with axum so workflows can run against it without an account or network.
//!
//! What it reproduces comes from real recorded traffic of the official EMnify Python SDK
//! (status codes, content types, `Location`, `x-amzn-ErrorType`, paging headers, the CORS and
//! security headers, gzip, JSON shapes) and EMnify's docs; where neither shows the behaviour,
//! the choice is marked `[GUESS]` in the doc comment of the module that makes it.
//!
//! Routes (all but `/authenticate` need `Authorization: Bearer <auth_token>`):
//!
//! | route | |
//! |---|---|
//! | `POST /api/v1/authenticate` | application token, username/password (SHA-1 hex), refresh token |
//! | `GET, POST /api/v1/endpoint` | paged list (`page`, `per_page`, `sort`, `q`), create |
//! | `GET, PATCH, DELETE /api/v1/endpoint/{id}` | |
//! | `GET, PATCH /api/v1/endpoint/{id}/connectivity` | state, reset |
//! | `GET, POST /api/v1/endpoint/{id}/sms`, `GET …/sms/{sms_id}` | MT SMS |
//! | `GET /api/v1/sim`, `GET, PATCH /api/v1/sim/{id}` | paged list, status changes |
//! | `GET /api/v1/service_profile[/{id}]`, `GET /api/v1/tariff_profile[/{id}]` | |
//!
//! The built-in data set has 26 endpoints, 27 SIMs, 4 service and 4 tariff profiles, SMS
//! history, and the demo user [`DEMO_USERNAME`] / [`DEMO_PASSWORD`]; see [`seed`] for the
//! seed file format that replaces it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), runner::sandbox::emnify::SandboxError> {
//! use runner::sandbox::emnify::{start, SandboxConfig};
//! let sandbox = start(SandboxConfig { port: 0, ..SandboxConfig::default() }).await?;
//! println!("{} token {}", sandbox.url(), sandbox.application_token());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod chaos;
mod config;
mod endpoints;
mod errors;
mod gateway;
mod paging;
mod profiles;
mod rate_limit;
mod response;
pub mod seed;
mod server;
mod sims;
mod state;

pub use config::{
    SandboxConfig, DEFAULT_APPLICATION_TOKEN, DEFAULT_CLI_PORT, DEMO_PASSWORD, DEMO_PASSWORD_SHA1,
    DEMO_USERNAME,
};
pub use server::{router, start, RunningSandbox, SandboxError};
