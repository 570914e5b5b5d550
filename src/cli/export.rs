//! `runner export postman`: reads the collection, calls the exporter, prints what could not be
//! expressed on stderr, and writes the Postman collection.

use std::io::Write;

use super::args::ExportPostmanArgs;
use super::exit_code;

pub(super) fn postman(args: &ExportPostmanArgs) -> u8 {
    let mut stderr = anstream::AutoStream::new(std::io::stderr(), args.color.choice());
    let fail = |stderr: &mut dyn Write, message: String| {
        let _ = writeln!(stderr, "error: {message}");
        exit_code::INVALID_INPUT
    };
    let text = match std::fs::read_to_string(&args.collection) {
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
