//! `runner run`: load every collection (all errors at once, nothing sent if any), check each
//! can start, then run them in order with terminal output.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use super::args::RunArgs;
use super::exit_code;
use crate::collection::{Collection, Diagnostics};
use crate::engine::{self, Override, PrepareError, RunOptions};
use crate::http::HttpClient;
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
    let mut collections = Vec::new();
    let mut problems = Vec::new();
    for path in &args.paths {
        match Collection::load(path) {
            Ok(collection) => collections.push(collection),
            Err(Diagnostics(found)) => problems.extend(found),
        }
    }
    for collection in &collections {
        if let Err(PrepareError::Invalid(Diagnostics(found))) = engine::check(collection, &options)
        {
            problems.extend(found);
        }
    }
    if !problems.is_empty() {
        print_problems(&mut stderr, &Diagnostics(problems));
        return exit_code::INVALID_INPUT;
    }
    let client = match HttpClient::new() {
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
        Some(PrepareError::Invalid(diagnostics)) => {
            print_problems(&mut stderr, &diagnostics);
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

fn print_problems(stderr: &mut impl Write, diagnostics: &Diagnostics) {
    let count = diagnostics.0.len();
    for diagnostic in &diagnostics.0 {
        let _ = writeln!(stderr, "error: {diagnostic}");
    }
    let _ = writeln!(
        stderr,
        "{count} problem{} found; nothing was sent",
        if count == 1 { "" } else { "s" }
    );
}
