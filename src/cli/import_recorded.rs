//! `runner import curl` and `runner import har`: read the recording (a file, standard input,
//! or the words after `--`), call the importer, and hand the result to the same report and
//! write path as `runner import postman`.

use std::io::{Read, Write};
use std::path::Path;

use super::args::{CurlShell, ImportCurlArgs, ImportHarArgs, SandboxName};
use super::exit_code;
use super::import::{finish, read};
use super::reports::{Input, Inputs};
use runner::import::shell::Dialect;
use runner::import::{self, Options};
use runner::spec::collection::SandboxKind;

fn sandbox(name: Option<SandboxName>) -> Option<SandboxKind> {
    name.map(|SandboxName::Emnify| SandboxKind::Emnify)
}

fn fail(stderr: &mut dyn Write, message: String) -> u8 {
    let _ = writeln!(stderr, "error: {message}");
    exit_code::INVALID_INPUT
}

pub(super) fn curl(args: &ImportCurlArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let stdin = args.file.as_deref().is_none_or(|f| f == Path::new("-"));
    let source = if !args.command.is_empty() {
        "the arguments after --".to_owned()
    } else if stdin {
        "standard input".to_owned()
    } else {
        args.file
            .as_deref()
            .map(|f| f.display().to_string())
            .unwrap_or_default()
    };
    // Standard input is read as what it is: a file redirected there is one too.
    let read_from = match (stdin, args.file.as_deref()) {
        (true, _) => Some(Input::new("standard input", "/dev/stdin")),
        (false, Some(file)) => Some(Input::new("the file of curl commands", file)),
        (false, None) => None,
    };
    let inputs = Inputs::new(read_from.filter(|_| args.command.is_empty()));
    if let Err(message) = super::import::refuse_output(args.output.as_deref(), &inputs) {
        return fail(&mut stderr, message);
    }
    let options = Options {
        source: source.clone(),
        schema: super::import::schema_reference(args.schema.as_deref(), args.output.as_deref()),
        sandbox: sandbox(args.sandbox),
        schema_dir: None,
    };
    let paths = super::import::paths(args.output.as_deref());
    let result = if !args.command.is_empty() {
        if args.file.is_some() {
            return fail(
                &mut stderr,
                "give either a FILE or a command after --, not both".to_owned(),
            );
        }
        import::curl::import_words(&args.command, &options, Some(&paths))
    } else {
        let text = if stdin {
            let mut text = String::new();
            if let Err(error) = std::io::stdin().read_to_string(&mut text) {
                return fail(&mut stderr, format!("cannot read standard input: {error}"));
            }
            text
        } else {
            match args.file.as_deref().map(read) {
                Some(Ok(text)) => text,
                Some(Err(message)) => return fail(&mut stderr, message),
                None => String::new(),
            }
        };
        let extension = |wanted: &[&str]| {
            args.file.as_deref().is_some_and(|f| {
                f.extension()
                    .is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
            })
        };
        let dialect = match args.shell {
            Some(CurlShell::Posix) => Some(Dialect::Posix),
            Some(CurlShell::Cmd) => Some(Dialect::Cmd),
            Some(CurlShell::PowerShell) => Some(Dialect::PowerShell),
            None if extension(&["cmd", "bat"]) => Some(Dialect::Cmd),
            None if extension(&["ps1"]) => Some(Dialect::PowerShell),
            None => None,
        };
        import::curl::import_text(&text, dialect, &options, Some(&paths))
    };
    match result {
        Ok(imported) => finish(
            &imported,
            args.strict,
            args.output.as_deref(),
            &source,
            &inputs,
            &mut stderr,
        ),
        Err(error) => fail(&mut stderr, error.to_string()),
    }
}

pub(super) fn har(args: &ImportHarArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let inputs = Inputs::new([Input::new("the HAR file", &args.file)]);
    if let Err(message) = super::import::refuse_output(args.output.as_deref(), &inputs) {
        return fail(&mut stderr, message);
    }
    let text = match read(&args.file) {
        Ok(text) => text,
        Err(message) => return fail(&mut stderr, message),
    };
    let source = args.file.display().to_string();
    let options = Options {
        source: source.clone(),
        schema: super::import::schema_reference(args.schema.as_deref(), args.output.as_deref()),
        sandbox: sandbox(args.sandbox),
        schema_dir: None,
    };
    let filters = import::har::Filters {
        hosts: args.hosts.clone(),
        methods: args.methods.clone(),
        content_types: args.content_types.clone(),
        assets: args.assets,
    };
    match import::har::import(&text, &filters, &options) {
        Ok(imported) => finish(
            &imported,
            args.strict,
            args.output.as_deref(),
            &source,
            &inputs,
            &mut stderr,
        ),
        Err(error) => fail(&mut stderr, error.to_string()),
    }
}
