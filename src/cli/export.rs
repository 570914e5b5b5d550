//! `runner export postman`: validates the collection as `runner validate` does, calls the
//! exporter, prints what could not be expressed on stderr, and writes the Postman collection.

use std::io::Write;

use super::args::ExportPostmanArgs;
use super::exit_code;
use super::reports::{Input, Inputs};
use runner::engine::RunOptions;

pub(super) fn postman(args: &ExportPostmanArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let fail = |stderr: &mut dyn Write, message: String| {
        let _ = writeln!(stderr, "error: {message}");
        exit_code::INVALID_INPUT
    };
    // A collection `runner validate` refuses is not exported: what it would run is unknown.
    // Every environment is checked, as `validate` checks it; inputs need not be set.
    let checks = |collection: &runner::collection::Collection| -> Vec<RunOptions> {
        let environments: Vec<Option<String>> = if collection.environments.is_empty() {
            vec![None]
        } else {
            collection.environments.keys().cloned().map(Some).collect()
        };
        environments
            .into_iter()
            .map(|environment| RunOptions {
                environment,
                require_inputs: false,
                ..RunOptions::default()
            })
            .collect()
    };
    let collections = match super::load::collections(std::slice::from_ref(&args.collection), checks)
    {
        Ok(collections) => collections,
        Err(problems) => {
            super::load::print_problems(&mut stderr, &problems, "nothing was exported");
            return exit_code::INVALID_INPUT;
        }
    };
    // The output may not be a file the export reads: the collection, a file it includes...
    if let Some(output) = &args.output {
        let inputs = std::iter::once(Input::new("the collection", &args.collection))
            .chain(super::reports::collection_inputs(&collections));
        if let Err(message) = Inputs::new(inputs).refuse_output("the output (-o)", output) {
            return fail(&mut stderr, format!("{message}; nothing was exported"));
        }
    }
    drop(collections);
    let text = match runner::spec::file::read_to_string(&args.collection) {
        Ok(text) => text,
        Err(e) => {
            return fail(
                &mut stderr,
                format!("cannot read {}: {e}", args.collection.display()),
            )
        }
    };
    let exported = match runner::export::postman(&text, &args.collection) {
        Ok(exported) => exported,
        Err(error) => return fail(&mut stderr, error.to_string()),
    };
    let _ = write!(stderr, "{}", exported.report);
    let lossy = exported.report.lossy_count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if args.strict && lossy > 0 {
        return fail(
            &mut stderr,
            format!(
                "{lossy} thing{} could not be expressed in Postman and --strict is set: nothing was written",
                plural(lossy)
            ),
        );
    }
    let destination = match &args.output {
        Some(output) => {
            if let Err(e) = runner::report::write_atomically(output, exported.json.as_bytes()) {
                return fail(
                    &mut stderr,
                    format!("cannot write {}: {}", output.display(), e.reason),
                );
            }
            output.display().to_string()
        }
        None => {
            let mut stdout = std::io::stdout();
            let _ = stdout.write_all(exported.json.as_bytes());
            let _ = stdout.flush();
            "stdout".to_owned()
        }
    };
    let _ = writeln!(
        stderr,
        "exported {} request{} from {} to {destination} (Postman Collection v2.1){}",
        exported.requests,
        plural(exported.requests),
        args.collection.display(),
        match lossy {
            0 => String::new(),
            n => format!("; {n} thing{} not expressible (listed above)", plural(n)),
        }
    );
    exit_code::SUCCESS
}
