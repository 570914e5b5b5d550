//! `runner import postman`: reads the files, calls the importer, prints the lossiness report
//! on stderr, and writes the collection (or refuses to, with `--strict`).

use std::io::Write;
use std::path::Path;

use super::args::{ImportPostmanArgs, SandboxName};
use super::exit_code;
use super::reports::{Input, Inputs};
use runner::import::{self, EnvironmentFile, Options};

pub(super) fn postman(args: &ImportPostmanArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let fail = |stderr: &mut dyn Write, message: String| {
        let _ = writeln!(stderr, "error: {message}");
        exit_code::INVALID_INPUT
    };
    let inputs = Inputs::new(
        std::iter::once(Input::new("the Postman collection", &args.collection)).chain(
            args.environments
                .iter()
                .map(|path| Input::new("the Postman environment (-e)", path)),
        ),
    );
    if let Err(message) = refuse_output(args.output.as_deref(), &inputs) {
        return fail(&mut stderr, message);
    }
    let text = match read_json(&args.collection) {
        Ok(text) => text,
        Err(message) => return fail(&mut stderr, message),
    };
    let mut environments = Vec::new();
    for path in &args.environments {
        match read_json(path) {
            Ok(text) => environments.push(EnvironmentFile {
                source: path.display().to_string(),
                text,
            }),
            Err(message) => return fail(&mut stderr, message),
        }
    }
    let schema_dir = args.output.as_ref().map(|output| {
        let stem = output
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "collection".to_owned());
        format!("{stem}.schemas")
    });
    let options = Options {
        source: args.collection.display().to_string(),
        schema: schema_reference(args.schema.as_deref(), args.output.as_deref()),
        sandbox: args
            .sandbox
            .map(|SandboxName::Emnify| runner::spec::collection::SandboxKind::Emnify),
        schema_dir,
    };
    let paths = paths(args.output.as_deref());
    let imported = match import::postman_at(&text, &environments, &options, &paths) {
        Ok(imported) => imported,
        Err(error) => return fail(&mut stderr, error.to_string()),
    };
    finish(
        &imported,
        args.strict,
        args.output.as_deref(),
        &args.collection.display().to_string(),
        &inputs,
        &mut stderr,
    )
}

/// Refuses `output` (`-o`) when it is one of the files the import reads, `inputs`, before
/// anything is read.
pub(super) fn refuse_output(output: Option<&Path>, inputs: &Inputs) -> Result<(), String> {
    match output {
        Some(output) => inputs
            .refuse_output("the output (-o)", output)
            .map_err(|message| format!("{message}; nothing was imported")),
        None => Ok(()),
    }
}

/// Newman and curl read a file's relative path from their working directory; runner from the
/// collection's: the importer rebases it to where the collection is written (`output`).
pub(super) fn paths(output: Option<&Path>) -> import::Paths {
    import::Paths {
        working_dir: std::env::current_dir()
            .and_then(std::fs::canonicalize)
            .unwrap_or_default(),
        output_dir: output.map(|output| output.parent().unwrap_or(Path::new("")).to_path_buf()),
    }
}

/// Prints the report, refuses with `--strict` when anything was lost, writes the collection
/// (to `output`, else stdout) and says what was imported from `source`.
pub(super) fn finish(
    imported: &import::Imported,
    strict: bool,
    output: Option<&Path>,
    source: &str,
    inputs: &Inputs,
    stderr: &mut dyn Write,
) -> u8 {
    let fail = |stderr: &mut dyn Write, message: String| {
        let _ = writeln!(stderr, "error: {message}");
        exit_code::INVALID_INPUT
    };
    // What the file holds (a request's name, a header) is shown, never obeyed by the terminal.
    let printable = runner::spec::text::printable;
    let _ = write!(stderr, "{}", printable(&imported.report.to_string(), true));
    let lossy = imported.report.lossy_count();
    if strict && lossy > 0 {
        return fail(
            stderr,
            format!(
                "{lossy} thing{} could not be translated and --strict is set: nothing was written",
                plural(lossy)
            ),
        );
    }
    let destination = match output {
        Some(output) => {
            // The files written beside the collection (its JSON Schemas) are no input either.
            let dir = output.parent().unwrap_or(Path::new(""));
            for (relative, _) in &imported.files {
                let written = dir.join(relative);
                if let Err(message) =
                    inputs.refuse_output("a file written beside the output", &written)
                {
                    return fail(stderr, format!("{message}; nothing was written"));
                }
            }
            if let Err(message) = write_output(output, imported) {
                return fail(stderr, message);
            }
            output.display().to_string()
        }
        None => {
            if let Some((first, _)) = imported.files.first() {
                let more = imported.files.len() - 1;
                let _ = writeln!(
                    stderr,
                    "warning: the collection reads {}{} beside it, which only `-o FILE` writes: with stdout, those files are not written",
                    first,
                    match more {
                        0 => String::new(),
                        n => format!(" and {n} more file{}", plural(n)),
                    },
                );
            }
            let mut stdout = std::io::stdout();
            let _ = stdout.write_all(imported.yaml.as_bytes());
            let _ = stdout.flush();
            "stdout".to_owned()
        }
    };
    let _ = write!(
        stderr,
        "imported {} request{} from {} to {}",
        imported.requests,
        plural(imported.requests),
        printable(source, false),
        printable(&destination, false),
    );
    let _ = match lossy {
        0 => writeln!(stderr, "; everything was translated"),
        n => writeln!(
            stderr,
            "; {n} thing{} not translated (listed above, and kept as comments beside their steps)",
            plural(n)
        ),
    };
    exit_code::SUCCESS
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub(super) fn read(path: &Path) -> Result<String, String> {
    runner::spec::file::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A JSON file Postman or an editor wrote: UTF-8 (with or without a byte-order mark) or
/// UTF-16 with one; anything else is refused naming the file and what to do.
fn read_json(path: &Path) -> Result<String, String> {
    let bytes = runner::spec::file::read(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    runner::postman::text::decode(&bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes the collection, and the JSON Schemas beside it.
fn write_output(output: &Path, imported: &import::Imported) -> Result<(), String> {
    let dir = output.parent().unwrap_or(Path::new(""));
    for (relative, text) in &imported.files {
        // The directories are created as the file is written.
        write(&dir.join(relative), text)?;
    }
    write(output, &imported.yaml)
}

/// Writes `text` to `path` as reports are written: whole or not at all, through symlinks to
/// their target, never to a file planted at a temporary name.
fn write(path: &Path, text: &str) -> Result<(), String> {
    runner::report::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.reason))
}

/// The `$schema` reference the collection starts with: `--schema` as given; else, writing to
/// FILE, the path from FILE's directory to `schemas/collection.schema.json` under the current
/// directory when there is one, so that editors find it wherever FILE is; else the path from
/// a file in `collections/`. Every importer's.
pub(super) fn schema_reference(schema: Option<&str>, output: Option<&Path>) -> String {
    const FROM_COLLECTIONS: &str = "../schemas/collection.schema.json";
    if let Some(schema) = schema {
        return schema.to_owned();
    }
    let relative = || -> Option<String> {
        let schema = std::fs::canonicalize("schemas/collection.schema.json").ok()?;
        let output = output?;
        let dir = match output.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let dir = std::fs::canonicalize(dir).ok()?;
        let common = dir
            .components()
            .zip(schema.components())
            .take_while(|(a, b)| a == b)
            .count();
        let mut parts: Vec<String> = dir.components().skip(common).map(|_| "..".into()).collect();
        parts.extend(
            schema
                .components()
                .skip(common)
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
        Some(parts.join("/"))
    };
    relative().unwrap_or_else(|| FROM_COLLECTIONS.to_owned())
}
