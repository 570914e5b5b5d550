//! `runner import openapi`: reads the document, calls the importer, and hands the result to
//! the same report and write path as the other importers.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::ImportOpenapiArgs;
use super::exit_code;
use super::import::finish;
use super::reports::{Input, Inputs};
use runner::import::openapi::{self, Settings};

pub(super) fn openapi(args: &ImportOpenapiArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let source = args.spec.display().to_string();
    let inputs = Inputs::new([Input::new("the OpenAPI document", &args.spec)]);
    if let Err(message) = super::import::refuse_output(args.output.as_deref(), &inputs) {
        let _ = writeln!(stderr, "error: {message}");
        return exit_code::INVALID_INPUT;
    }
    let settings = Settings {
        tags: args.tags.clone(),
        operation_ids: args.operation_ids.clone(),
        paths: args.paths.clone(),
        document: relative(&args.spec, args.output.as_deref()),
        schema: super::import::schema_reference(args.schema.as_deref(), args.output.as_deref()),
        document_url: args.document_url.clone(),
    };
    match openapi::import(&args.spec, &settings) {
        Ok(imported) => finish(
            &imported,
            args.strict,
            args.output.as_deref(),
            &source,
            &inputs,
            &mut stderr,
        ),
        Err(error) => {
            let _ = writeln!(stderr, "error: {error}");
            exit_code::INVALID_INPUT
        }
    }
}

/// The document's path as the collection names it: relative to the output file's directory
/// (the current directory for stdout); absolute when no relative path leads there.
fn relative(spec: &Path, output: Option<&Path>) -> String {
    let dir = match output.and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let (Ok(spec_abs), Ok(dir_abs)) = (std::fs::canonicalize(spec), std::fs::canonicalize(&dir))
    else {
        return spec.display().to_string();
    };
    let common = dir_abs
        .components()
        .zip(spec_abs.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = dir_abs
        .components()
        .skip(common)
        .map(|_| "..".to_owned())
        .collect();
    parts.extend(
        spec_abs
            .components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
