//! The bundled sandboxes, started for each collection run whose environment asks for one
//! (`sandbox: emnify`): on a free loopback port, stopped when the run ends.

use futures_util::future::BoxFuture;

use runner::engine::{RunningSandbox, SandboxStartError, SandboxVars, Sandboxes};
use runner::sandbox::emnify;
use runner::spec::collection::SandboxKind;

/// Starts the sandboxes bundled with runner.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bundled;

impl Sandboxes for Bundled {
    fn start(
        &self,
        kind: SandboxKind,
    ) -> BoxFuture<'_, Result<Box<dyn RunningSandbox>, SandboxStartError>> {
        Box::pin(async move {
            match kind {
                SandboxKind::Emnify => {
                    let server = emnify::start(emnify::SandboxConfig {
                        port: 0,
                        ..Default::default()
                    })
                    .await?;
                    let vars = SandboxVars {
                        url: server.url().to_owned(),
                        application_token: server.application_token().to_owned(),
                    };
                    Ok(Box::new(Emnify { server, vars }) as Box<dyn RunningSandbox>)
                }
            }
        })
    }
}

/// The EMnify sandbox serving one run.
struct Emnify {
    server: emnify::RunningSandbox,
    vars: SandboxVars,
}

impl RunningSandbox for Emnify {
    fn vars(&self) -> &SandboxVars {
        &self.vars
    }

    fn stop(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(self.server.shutdown())
    }
}
