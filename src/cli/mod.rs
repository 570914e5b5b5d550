//! The command line: parses arguments, calls the library, prints, and owns the exit code.

pub mod allocator;
mod args;
mod completions;
mod data;
pub mod exit_code;
mod export;
mod file_problem;
mod import;
mod import_openapi;
mod import_recorded;
mod list;
mod load;
mod locust;
mod locust_args;
mod output;
mod paths;
mod pipes;
mod progress;
mod refused;
mod reports;
mod review;
mod row_checks;
mod run;
mod sandbox;
mod sandboxes;
mod secret_arg;
mod secret_inputs;
mod signals;
mod snapshots;
mod validate;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use args::{Cli, Command, ExportCommand, ImportCommand, SandboxCommand, SnapshotsCommand};

/// The async runtime: single-threaded for `runner run`, whose collections run on worker
/// threads of their own (see `workers`), else one worker thread per CPU (the sandbox server).
fn runtime_for(command: &Command) -> std::io::Result<tokio::runtime::Runtime> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = match command {
        Command::Run(_) => 1,
        _ => cpus,
    };
    // Threads the runtime starts (a `--jobs` lane's, a worker's) run steps nested in groups
    // and included files by recursion: room for the 64 levels a collection may nest (a
    // debug build overflowed 2 MiB at 48). Reserved, not used unless needed.
    let stack = 16 << 20;
    if workers <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .thread_stack_size(stack)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_stack_size(stack)
            .enable_all()
            .build()
    }
}

/// Runs `runner` with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    // clap's own errors and help follow `--color` too: read before clap parses it.
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let color = args::ColorWhen::in_arguments(&arguments);
    let mut command = Cli::command().color(color.clap());
    let parsed = command
        .try_get_matches_from_mut(&arguments)
        .and_then(|mut matches| {
            Cli::from_arg_matches_mut(&mut matches).map_err(|error| error.format(&mut command))
        });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    exit_code::SUCCESS
                }
                _ => exit_code::INVALID_INPUT,
            });
        }
    };
    let runtime = match runtime_for(&cli.command) {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(exit_code::RUNTIME_ERROR);
        }
    };
    let color = cli.color;
    let code = runtime.block_on(async {
        match cli.command {
            Command::Run(mut args) => {
                args.color = color;
                run::run(*args).await
            }
            Command::Validate(mut args) => {
                args.color = color;
                validate::validate(&args)
            }
            Command::List(args) => list::list(&args),
            Command::Sandbox(SandboxCommand::Emnify(args)) => sandbox::emnify(args).await,
            Command::Import(ImportCommand::Postman(mut args)) => {
                args.color = color;
                import::postman(&args)
            }
            Command::Import(ImportCommand::Curl(mut args)) => {
                args.color = color;
                import_recorded::curl(&args)
            }
            Command::Import(ImportCommand::Har(mut args)) => {
                args.color = color;
                import_recorded::har(&args)
            }
            Command::Import(ImportCommand::Openapi(mut args)) => {
                args.color = color;
                import_openapi::openapi(&args)
            }
            Command::Export(ExportCommand::Postman(mut args)) => {
                args.color = color;
                export::postman(&args)
            }
            Command::Export(ExportCommand::Locust(args)) => locust::export_locust(&args, color),
            Command::Load(args) => locust::load(*args, color).await,
            Command::Completions(args) => completions::completions(&args),
            Command::Snapshots(SnapshotsCommand::Review(args)) => review::review(&args, color),
        }
    });
    ExitCode::from(code)
}
