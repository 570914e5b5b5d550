//! `runner validate`: every load-time check, for every environment, without sending anything.

use std::io::Write;

use serde_json::Value;

use super::args::ValidateArgs;
use super::exit_code;
use runner::collection::Collection;
use runner::engine::{Override, RunOptions};

pub(super) fn validate(args: &ValidateArgs) -> u8 {
    let mut stdout = anstream::AutoStream::new(std::io::stdout(), args.color.choice());
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    if let Some(message) =
        super::secret_arg::malformed_secret_name(args.secrets.iter().map(|(name, _)| name.as_str()))
    {
        let _ = writeln!(stderr, "error: {message}");
        return exit_code::INVALID_INPUT;
    }
    // A problem may quote a `--secret` value, or a secret input's from the environment: both
    // are masked (the second read only when there is a problem to mask).
    let secrets = || {
        super::secret_inputs::problem_secrets(
            args.secrets.iter().filter_map(|(_, v)| v.as_deref()),
            &args.paths,
            |name| std::env::var(name).ok(),
        )
    };
    let pipes = super::pipes::collections(&args.paths).chain(super::pipes::variables(
        args.data.as_ref(),
        &args.vars_files,
    ));
    if let Err(message) = super::pipes::read_once(pipes) {
        let _ = writeln!(stderr, "error: {message}");
        return exit_code::INVALID_INPUT;
    }
    let variables = match Variables::read(args) {
        Ok(variables) => variables,
        Err(message) => {
            let message = secrets().redact(&message).into_owned();
            let _ = writeln!(stderr, "error: {message}");
            return exit_code::INVALID_INPUT;
        }
    };
    // Every environment of each collection is checked (or the one `--env` names), with the
    // variables of each `--data` row, as `run` checks each as its iteration starts; inputs
    // need not be set, since a CI lint step has no secrets.
    let options = |collection: &runner::collection::Collection, row: usize| -> Vec<RunOptions> {
        let environments: Vec<Option<String>> = match &args.env {
            Some(env) => vec![Some(env.clone())],
            None if collection.environments.is_empty() => vec![None],
            None => collection.environments.keys().cloned().map(Some).collect(),
        };
        environments
            .into_iter()
            .map(|environment| RunOptions {
                environment,
                overrides: variables.of_row(row),
                require_inputs: false,
                ..RunOptions::default()
            })
            .collect()
    };
    let loaded = super::row_checks::load(
        &args.paths,
        |collection| std::borrow::Cow::Owned(variables.groups(collection)),
        variables.data.as_ref(),
        options,
    )
    .and_then(|collections| {
        // The snapshot files `run` reads before it sends.
        match super::snapshots::approved(&collections) {
            Ok(_) => Ok(collections),
            Err(message) => Err(vec![super::snapshots::snapshot_problem(
                &collections,
                message,
            )]),
        }
    });
    match loaded {
        Ok(collections) => {
            for warning in super::load::unchecked_warnings(&collections) {
                let warning = runner::spec::text::printable(&warning, false);
                let _ = writeln!(stderr, "warning: {warning}");
            }
            for collection in &collections {
                let steps = collection.steps.len();
                let _ = writeln!(
                    stdout,
                    "ok  {}  ({steps} step{})",
                    runner::spec::text::printable(&collection.path.display().to_string(), false),
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
        Err(mut problems) => {
            super::load::mask(&mut problems, &secrets());
            super::load::print_problems(&mut stderr, &problems, "");
            exit_code::INVALID_INPUT
        }
    }
}

/// The variables `run` would get from the command line, as `run` orders them (vars files, the
/// data row, `--var`, `--secret`). A secret's value is not needed: it stands empty.
struct Variables {
    /// `--vars-file` values, the lowest.
    files: Vec<Override>,
    /// The `--data` rows (none without `--data`).
    rows: Vec<super::data::CompactRow>,
    /// `--var` and `--secret`, the highest.
    flags: Vec<Override>,
    data: Option<super::data::DataFile>,
}

impl Variables {
    fn read(args: &ValidateArgs) -> Result<Variables, String> {
        let mut files = Vec::new();
        for file in &args.vars_files {
            files.extend(super::run::read_vars_file(file)?);
        }
        let rows = match &args.data {
            Some(path) => super::data::read_compact_rows(path)?,
            None => Vec::new(),
        };
        let mut flags: Vec<Override> = args
            .vars
            .iter()
            .map(|(name, value)| Override {
                name: name.clone(),
                value: Value::String(value.clone()),
                secret: false,
            })
            .collect();
        flags.extend(args.secrets.iter().map(|(name, value)| Override {
            name: name.clone(),
            value: Value::String(value.clone().unwrap_or_default()),
            secret: true,
        }));
        Ok(Variables {
            files,
            rows,
            flags,
            data: args.data.as_deref().map(super::data::DataFile::new),
        })
    }

    /// The rows grouped as the checks of `collection` cannot tell them apart (each group's
    /// first row is checked for all). The checks before a run read paths into the start
    /// values, which see a value's shape only (its type, an object's keys and a list's
    /// items, each by its shape), and render the variables of the collection and its
    /// environments: one of text and `{{name}}`s only sees the size of each value too (its
    /// budget), one with handlebars' helpers or blocks the value itself. `run` checks every
    /// row as its iteration starts: so is every row checked here, without checking 100,000
    /// alike.
    fn groups(&self, collection: &Collection) -> Vec<Vec<usize>> {
        if self.rows.is_empty() {
            return vec![vec![0]];
        }
        // The names the variables read (their roots), or none: any may be.
        let mut read = std::collections::HashSet::new();
        let mut any_read = false;
        let variables = collection.vars.values().chain(
            collection
                .environments
                .values()
                .flat_map(|env| env.vars.values()),
        );
        'variables: for variable in variables {
            for template in variable.value.templates() {
                if !template.reads_strictly() {
                    any_read = true;
                    break 'variables;
                }
                for reference in template.each_reference() {
                    let root = reference.split('.').next().unwrap_or_default();
                    read.insert(root.to_owned());
                }
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut key = String::new();
        for (i, row) in self.rows.iter().enumerate() {
            key.clear();
            for (name, value) in row.iter() {
                key.push_str(name);
                key.push('\0');
                if any_read {
                    key.push('=');
                    key.push_str(&value.to_string());
                } else {
                    shape(value, read.contains(&**name), &mut key);
                }
                key.push('\0');
            }
            let next = groups.len();
            let group = *seen.entry(key.clone()).or_insert(next);
            if group == next {
                groups.push(Vec::new());
            }
            groups[group].push(i);
        }
        groups
    }

    /// The overrides of data row `row` (any, without `--data`).
    fn of_row(&self, row: usize) -> Vec<Override> {
        let mut overrides = self.files.clone();
        if let Some(row) = self.rows.get(row) {
            overrides.extend(row.iter().map(|(name, value)| Override {
                name: name.to_string(),
                value: value.clone(),
                secret: false,
            }));
        }
        overrides.extend(self.flags.iter().cloned());
        overrides
    }
}

/// Writes the shape of `value` to `key`: its type, an object's keys and a list's items, each
/// by its shape, and (`sized`) the length of each scalar as text.
fn shape(value: &Value, sized: bool, key: &mut String) {
    use std::fmt::Write as _;
    match value {
        Value::Null => key.push('z'),
        Value::Bool(flag) => key.push(if sized && *flag { 't' } else { 'b' }),
        Value::Number(number) => {
            key.push('n');
            if sized {
                let _ = write!(key, "{}", number.to_string().len());
            }
        }
        Value::String(text) => {
            key.push('s');
            if sized {
                let _ = write!(key, "{}", text.len());
            }
        }
        Value::Array(items) => {
            key.push('[');
            for item in items {
                shape(item, sized, key);
                key.push(',');
            }
            key.push(']');
        }
        Value::Object(map) => {
            key.push('{');
            for (name, value) in map {
                // A key's text as JSON: it may hold any character.
                key.push_str(&Value::String(name.clone()).to_string());
                key.push(':');
                shape(value, sized, key);
                key.push(',');
            }
            key.push('}');
        }
    }
}
