//! `runner list`: what is in each collection, without running anything.

use std::io::Write;

use super::args::ListArgs;
use super::exit_code;
use runner::collection::{Action, Collection, Step};

pub(super) fn list(args: &ListArgs) -> u8 {
    let files = match super::paths::collection_files(&args.paths) {
        Ok(files) => files,
        Err(problems) => {
            super::load::print_problems(&mut std::io::stderr(), &problems, "");
            return exit_code::INVALID_INPUT;
        }
    };
    let mut out = std::io::stdout().lock();
    let mut problems = Vec::new();
    for file in files {
        match Collection::load(&file) {
            Ok(collection) => {
                // An auth helper's credential written in clear is a secret of the collection,
                // wherever else it is written (a name, a URL): masked as a run masks it.
                let mut secrets = runner::redact::Redactor::new();
                collection
                    .clear_credentials
                    .iter()
                    .for_each(|credential| secrets.add(credential));
                let mut text = Vec::new();
                describe(&mut text, &collection);
                let text = String::from_utf8_lossy(&text);
                let _ = out.write_all(secrets.redact(&text).as_bytes());
            }
            Err(found) => problems.extend(found.0.iter().map(ToString::to_string)),
        }
    }
    if problems.is_empty() {
        exit_code::SUCCESS
    } else {
        super::load::print_problems(&mut std::io::stderr(), &problems, "");
        exit_code::INVALID_INPUT
    }
}

fn describe(out: &mut impl Write, collection: &Collection) {
    let tags = |tags: &[String]| {
        if tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", tags.join(", "))
        }
    };
    show(
        out,
        &format!("{}{}", collection.path.display(), tags(&collection.tags)),
    );
    show(out, &format!("  {}", collection.name));
    if !collection.inputs.is_empty() {
        show(out, "  inputs:");
        for (name, input) in &collection.inputs {
            let secret = if input.secret { " (secret)" } else { "" };
            let description = input
                .description
                .as_deref()
                .map_or(String::new(), |d| format!(" — {d}"));
            show(out, &format!("    {name}{secret}{description}"));
        }
    }
    if !collection.environments.is_empty() {
        show(out, "  environments:");
        for (name, environment) in &collection.environments {
            let default = if collection.default_environment.as_deref() == Some(name) {
                " (default)"
            } else {
                ""
            };
            let sandbox = environment
                .sandbox
                .map_or(String::new(), |_| " — starts the EMnify sandbox".to_owned());
            show(out, &format!("    {name}{default}{sandbox}"));
        }
    }
    show(out, "  steps:");
    steps(out, &collection.steps, "    ", &tags);
    if !collection.finally.is_empty() {
        show(out, "  finally:");
        steps(out, &collection.finally, "    ", &tags);
    }
    let _ = writeln!(out);
}

fn steps(out: &mut impl Write, steps: &[Step], indent: &str, tags: &dyn Fn(&[String]) -> String) {
    for step in steps {
        let id = step
            .id
            .as_deref()
            .map_or(String::new(), |id| format!(" ({id})"));
        let what = match &step.action {
            Action::Request(request) => format!(
                "{} {}",
                request.request.method.as_str(),
                request.request.url.source()
            ),
            Action::Group(_) => "group".to_owned(),
            Action::Include(include) => format!("include {}", include.path.display()),
        };
        let each = step
            .for_each
            .as_ref()
            .map_or(String::new(), |f| format!("  for each {}", f.name));
        show(
            out,
            &format!(
                "{indent}{}. {}{id}  {what}{each}{}",
                step.index + 1,
                step.name,
                tags(&step.tags)
            ),
        );
        if let Action::Group(children) = &step.action {
            self::steps(out, children, &format!("{indent}   "), tags);
        }
    }
}

/// Writes one line of the listing, every character that would steer a terminal (an escape
/// sequence, a carriage return, a bidirectional override written in a name, a description,
/// a URL or a file name) shown as an escape, as `run` and `validate` show them.
fn show(out: &mut impl Write, line: &str) {
    let _ = writeln!(out, "{}", runner::spec::text::printable(line, false));
}
