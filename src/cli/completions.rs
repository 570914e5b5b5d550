//! `runner completions SHELL` (clap_complete) and the man pages in `man/` (clap_mangen), both
//! made from the one clap definition of the command line.

use std::io::Write;

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};
use super::exit_code;

pub(super) fn completions(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "runner", &mut out);
    let mut stdout = std::io::stdout();
    match stdout.write_all(&out).and_then(|()| stdout.flush()) {
        Ok(()) => exit_code::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write the completions: {error}");
            exit_code::RUNTIME_ERROR
        }
    }
}

/// Every man page: `runner.1`, then `runner-<sub>.1` for each subcommand, nested.
#[cfg(test)]
fn man_pages() -> Vec<(String, Vec<u8>)> {
    fn walk(command: &clap::Command, name: String, out: &mut Vec<(String, Vec<u8>)>) {
        let command = command.clone().bin_name(name.replace('-', " "));
        let mut page = Vec::new();
        if clap_mangen::Man::new(command.clone())
            .title(name.clone())
            .render(&mut page)
            .is_ok()
        {
            out.push((format!("{name}.1"), page));
        }
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            walk(sub, format!("{name}-{}", sub.get_name()), out);
        }
    }
    let mut command = Cli::command();
    command.build();
    let mut out = Vec::new();
    walk(&command, "runner".to_owned(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `RUNNER_UPDATE_MAN=1 cargo test --bin runner man_pages` rewrites `man/`.
    #[test]
    fn man_pages_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
        let pages = man_pages();
        assert!(pages.len() > 10, "{}", pages.len());
        if std::env::var_os("RUNNER_UPDATE_MAN").is_some() {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("man/");
            for (name, page) in &pages {
                std::fs::write(dir.join(name), page).expect("write a page");
            }
        }
        let mut stale = Vec::new();
        for (name, page) in &pages {
            if std::fs::read(dir.join(name)).ok().as_ref() != Some(page) {
                stale.push(name.clone());
            }
        }
        let committed = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert!(
            stale.is_empty() && committed == pages.len(),
            "man/ is stale ({stale:?}, {committed} files for {} pages): regenerate it with \
             `RUNNER_UPDATE_MAN=1 cargo test --bin runner man_pages`",
            pages.len()
        );
    }
}
