//! The seam between the engine and the servers a collection's environment asks for
//! (`sandbox: emnify`): the caller starts and stops them, so that the engine starts no
//! servers and does not depend on the sandbox.

use futures_util::future::BoxFuture;

use super::SandboxVars;
use crate::spec::collection::SandboxKind;

/// Why a sandbox did not start, as its starter told it.
pub type SandboxStartError = Box<dyn std::error::Error + Send + Sync>;

/// Starts the sandboxes that collections' environments ask for, one per run.
pub trait Sandboxes: Send + Sync {
    /// Starts a sandbox of `kind` for one collection run.
    fn start(
        &self,
        kind: SandboxKind,
    ) -> BoxFuture<'_, Result<Box<dyn RunningSandbox>, SandboxStartError>>;
}

/// A sandbox serving one collection run.
pub trait RunningSandbox: Send + Sync {
    /// What it gives templates as `{{sandbox.*}}`.
    fn vars(&self) -> &SandboxVars;
    /// Stops it, letting requests in flight finish.
    fn stop(self: Box<Self>) -> BoxFuture<'static, ()>;
}

/// Starts no sandbox: a run whose environment asks for one fails to start, saying so.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSandboxes;

impl Sandboxes for NoSandboxes {
    fn start(
        &self,
        kind: SandboxKind,
    ) -> BoxFuture<'_, Result<Box<dyn RunningSandbox>, SandboxStartError>> {
        Box::pin(
            async move { Err(format!("no sandbox `{kind:?}` is available to this run").into()) },
        )
    }
}
