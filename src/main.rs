//! The `runner` binary: the command line (`cli`) over the `runner` library. The command line
//! is not part of the library's API: argument parsing, the terminal and exit codes are the
//! binary's own.

mod cli;

#[global_allocator]
static ALLOCATOR: cli::allocator::Allocator = cli::allocator::Allocator;

fn main() -> std::process::ExitCode {
    cli::main()
}
