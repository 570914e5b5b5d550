//! `runner validate`: every load-time check, for every environment, without sending anything.

use std::io::Write;

use super::args::ValidateArgs;
use super::exit_code;
use runner::engine::RunOptions;

pub(super) fn validate(args: &ValidateArgs) -> u8 {
    let mut stdout = anstream::AutoStream::new(std::io::stdout(), args.color.choice());
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    // Every environment of each collection is checked (or the one `--env` names); inputs
    // need not be set, since a CI lint step has no secrets.
    let base = RunOptions {
        require_inputs: false,
        ..RunOptions::default()
    };
    let checks = |collection: &runner::collection::Collection| -> Vec<RunOptions> {
        let environments: Vec<Option<String>> = match &args.env {
            Some(env) => vec![Some(env.clone())],
            None if collection.environments.is_empty() => vec![None],
            None => collection.environments.keys().cloned().map(Some).collect(),
        };
        environments
            .into_iter()
            .map(|environment| RunOptions {
                environment,
                ..base.clone()
            })
            .collect()
    };
    match super::load::collections(&args.paths, checks) {
        Ok(collections) => {
            for collection in &collections {
                let _ = writeln!(
                    stdout,
                    "ok  {}  ({} steps)",
                    collection.path.display(),
                    collection.steps.len()
                );
            }
            let _ = writeln!(
                stdout,
                "{} collection{} valid",
                collections.len(),
                if collections.len() == 1 { "" } else { "s" }
            );
            exit_code::SUCCESS
        }
        Err(problems) => {
            super::load::print_problems(&mut stderr, &problems, "");
            exit_code::INVALID_INPUT
        }
    }
}
