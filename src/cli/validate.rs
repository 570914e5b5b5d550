//! `runner validate`: every load-time check, for every environment, without sending anything.

use std::io::Write;

use serde_json::Value;

use super::args::ValidateArgs;
use super::exit_code;
use runner::engine::{Override, RunOptions};

pub(super) fn validate(args: &ValidateArgs) -> u8 {
    let mut stdout = anstream::AutoStream::new(std::io::stdout(), args.color.choice());
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let variable_sets = match variable_sets(args) {
        Ok(sets) => sets,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            return exit_code::INVALID_INPUT;
        }
    };
    // Every environment of each collection is checked (or the one `--env` names), with the
    // variables each `--data` row gives; inputs need not be set, since a CI lint step has no
    // secrets.
    let checks = |collection: &runner::collection::Collection| -> Vec<RunOptions> {
        let environments: Vec<Option<String>> = match &args.env {
            Some(env) => vec![Some(env.clone())],
            None if collection.environments.is_empty() => vec![None],
            None => collection.environments.keys().cloned().map(Some).collect(),
        };
        environments
            .into_iter()
            .flat_map(|environment| {
                variable_sets.iter().map(move |overrides| RunOptions {
                    environment: environment.clone(),
                    overrides: overrides.clone(),
                    require_inputs: false,
                    ..RunOptions::default()
                })
            })
            .collect()
    };
    match super::load::collections(&args.paths, checks) {
        Ok(collections) => {
            for collection in &collections {
                let steps = collection.steps.len();
                let _ = writeln!(
                    stdout,
                    "ok  {}  ({steps} step{})",
                    collection.path.display(),
                    if steps == 1 { "" } else { "s" }
                );
            }
            let _ = writeln!(
                stdout,
                "{} collection{} valid",
                collections.len(),
                if collections.len() == 1 { "" } else { "s" }
            );
            // Freed by the exit, not one compiled step at a time.
            std::mem::forget(collections);
            exit_code::SUCCESS
        }
        Err(problems) => {
            super::load::print_problems(&mut stderr, &problems, "");
            exit_code::INVALID_INPUT
        }
    }
}

/// The variables `run` would get from the command line, as `run` orders them (vars files, the
/// data row, `--var`, `--secret`): one set per distinct set of `--data` column names, since
/// the checks look at names, not values. A secret's value is not needed: it stands empty.
fn variable_sets(args: &ValidateArgs) -> Result<Vec<Vec<Override>>, String> {
    let mut files = Vec::new();
    for file in &args.vars_files {
        files.extend(super::run::read_vars_file(file)?);
    }
    let rows = match &args.data {
        Some(path) => super::data::read_rows(path)?,
        None => vec![serde_json::Map::new()],
    };
    let distinct = super::data::first_of_each_column_set(
        rows.iter().map(|row| row.keys().map(String::as_str)),
    );
    Ok(distinct
        .into_iter()
        .map(|i| {
            let mut overrides = files.clone();
            overrides.extend(rows[i].iter().map(|(name, value)| Override {
                name: name.clone(),
                value: value.clone(),
                secret: false,
            }));
            overrides.extend(args.vars.iter().map(|(name, value)| Override {
                name: name.clone(),
                value: Value::String(value.clone()),
                secret: false,
            }));
            overrides.extend(args.secrets.iter().map(|name| Override {
                name: name.clone(),
                value: Value::String(String::new()),
                secret: true,
            }));
            overrides
        })
        .collect())
}
