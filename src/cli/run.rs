//! `runner run`: load every collection (all errors at once, nothing sent if any), check each
//! can start, then run them in order with terminal output.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use super::args::RunArgs;
use super::exit_code;
use crate::collection::Diagnostics;
use crate::engine::{self, Override, PrepareError, RunOptions};
use crate::http::{ClientOptions, HttpClient};
use crate::report::terminal::TerminalReporter;

pub(super) async fn run(args: RunArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let options = match options(&args) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            return exit_code::INVALID_INPUT;
        }
    };
    let collections = match super::load::collections(&args.paths, |_| vec![options.clone()]) {
        Ok(collections) => collections,
        Err(problems) => {
            super::load::print_problems(&mut stderr, &problems, "nothing was sent");
            return exit_code::INVALID_INPUT;
        }
    };
    if args.insecure {
        let _ = writeln!(
            stderr,
            "warning: --insecure: TLS certificates are not verified; anyone on the network path can read and change this run's traffic"
        );
    }
    let client_options = ClientOptions {
        insecure: args.insecure,
        max_body: args.max_body.unwrap_or(crate::http::DEFAULT_MAX_BODY),
    };
    let client = match HttpClient::new(&client_options) {
        Ok(client) => client,
        Err(error) => {
            let _ = writeln!(stderr, "error: {error}");
            return exit_code::RUNTIME_ERROR;
        }
    };

    let stdout = anstream::AutoStream::new(std::io::stdout(), args.color.choice());
    let mut reporter = TerminalReporter::new(stdout, args.verbose);
    let started = Instant::now();
    let mut setup_failure = None;
    let interrupted = {
        let all = async {
            for (i, collection) in collections.iter().enumerate() {
                if i > 0 {
                    let _ = writeln!(std::io::stdout());
                }
                if let Err(error) =
                    engine::run_collection(collection, &options, &client, &mut reporter).await
                {
                    setup_failure = Some(error);
                    return;
                }
            }
        };
        tokio::select! {
            () = all => false,
            _ = tokio::signal::ctrl_c() => true,
        }
    };
    reporter.summary(started.elapsed(), interrupted);
    if interrupted {
        return exit_code::INTERRUPTED;
    }
    match setup_failure {
        Some(PrepareError::Invalid(Diagnostics(problems))) => {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            super::load::print_problems(&mut stderr, &problems, "the run stopped");
            exit_code::INVALID_INPUT
        }
        Some(error @ PrepareError::Sandbox(_)) => {
            let _ = writeln!(stderr, "error: {error}");
            exit_code::RUNTIME_ERROR
        }
        None => exit_code::for_totals(&reporter.totals()),
    }
}

fn options(args: &RunArgs) -> Result<RunOptions, String> {
    let mut overrides = Vec::new();
    for file in &args.vars_files {
        overrides.extend(read_vars_file(file)?);
    }
    overrides.extend(args.vars.iter().map(|(name, value)| Override {
        name: name.clone(),
        value: Value::String(value.clone()),
        secret: false,
    }));
    overrides.extend(args.secrets.iter().map(|(name, value)| Override {
        name: name.clone(),
        value: Value::String(value.clone()),
        secret: true,
    }));
    Ok(RunOptions {
        environment: args.env.clone(),
        overrides,
        timeout: args.timeout,
        continue_on_failure: args.continue_on_failure,
        record_exchanges: args.verbose > 0,
        ..RunOptions::default()
    })
}

fn read_vars_file(path: &Path) -> Result<Vec<Override>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read vars file `{}`: {e}", path.display()))?;
    let map: serde_json::Map<String, Value> = serde_yaml::from_str(&text).map_err(|e| {
        format!(
            "vars file `{}` is not a YAML or JSON map of names to values: {e}",
            path.display()
        )
    })?;
    Ok(map
        .into_iter()
        .map(|(name, value)| Override {
            name,
            value,
            secret: false,
        })
        .collect())
}
