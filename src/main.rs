//! The `runner` binary: everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    runner::cli::main()
}
