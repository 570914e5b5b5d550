//! `runner sandbox emnify`: serve the EMnify sandbox until Ctrl-C.

use std::io::Write;

use super::args::EmnifySandboxArgs;
use super::exit_code;
use runner::sandbox::emnify::{self, SandboxConfig, DEMO_PASSWORD, DEMO_USERNAME};

pub(super) async fn emnify(args: EmnifySandboxArgs) -> u8 {
    // A seed file brings its own users: the built-in demo login is not one of them.
    let login = match &args.seed {
        Some(seed) => format!("the users of {}", seed.display()),
        None => format!("{DEMO_USERNAME} / {DEMO_PASSWORD}"),
    };
    let config = SandboxConfig {
        host: args.host,
        port: args.port,
        application_token: args.application_token,
        token_lifetime: args.token_lifetime,
        rate_limit: args.rate_limit,
        latency: args.latency,
        fail_rate: args.fail_rate,
        seed: args.seed,
    };
    let sandbox = match emnify::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: {error}");
            return match error {
                emnify::SandboxError::Bind { .. } => exit_code::RUNTIME_ERROR,
                emnify::SandboxError::Seed { .. } | emnify::SandboxError::InvalidFailRate(_) => {
                    exit_code::INVALID_INPUT
                }
                _ => exit_code::RUNTIME_ERROR,
            };
        }
    };
    // Listened for before the banner: a Ctrl-C (or SIGTERM, SIGHUP) as soon as the URL is out
    // stops the sandbox cleanly, instead of killing the process.
    let mut signals = super::signals::Signals::new();
    let mut stdout = std::io::stdout();
    let bound = sandbox.local_addr();
    let listening = if bound.ip().is_loopback() {
        sandbox.url().to_owned()
    } else {
        // Bound beyond loopback: said as it is, with where to reach it from this machine.
        eprintln!(
            "warning: the sandbox listens on {bound}, beyond this machine's loopback: anyone who can reach it can use the sandbox and its demo credentials"
        );
        if bound.ip().is_unspecified() {
            format!(
                "{bound} (every interface; from this machine {})",
                sandbox.url()
            )
        } else {
            sandbox.url().to_owned()
        }
    };
    let _ = writeln!(
        stdout,
        "EMnify sandbox listening on {listening}\n\
         \n  base URL           {url}\n  application token  {token}\n  demo login         {login} (send the password SHA-1 hashed)\n\
         \nTry:  curl -s -X POST {url}/api/v1/authenticate -H 'Content-Type: application/json' -d '{{\"application_token\":\"{token}\"}}'\n\
         Press Ctrl-C to stop.",
        url = sandbox.url(),
        token = sandbox.application_token(),
    );
    let _ = stdout.flush();
    signals.next().await;
    sandbox.shutdown().await;
    let _ = writeln!(stdout, "stopped");
    exit_code::SUCCESS
}
