//! `runner completions SHELL`: every subcommand `runner help` lists is completed, bash accepts
//! the script, and zsh and fish check theirs where they are installed.

use std::process::Command;

use crate::support::runner;

/// The subcommands `runner help` lists, nested (`import curl` as `curl`).
fn subcommands(args: &[&str]) -> Vec<String> {
    let mut all = Vec::new();
    let mut help: Vec<&str> = args.to_vec();
    help.push("--help");
    let output = runner(&help);
    let mut in_list = false;
    for line in output.stdout.lines() {
        if line.starts_with("Commands:") {
            in_list = true;
            continue;
        }
        if in_list {
            let Some(name) = line
                .split_whitespace()
                .next()
                .filter(|_| line.starts_with("  "))
            else {
                break;
            };
            if name == "help" {
                continue;
            }
            all.push(name.to_owned());
            let mut nested = args.to_vec();
            nested.push(name);
            all.extend(subcommands(&nested));
        }
    }
    all
}

#[test]
fn every_shell_completes_every_subcommand() {
    let names = subcommands(&[]);
    for expected in [
        "run",
        "import",
        "curl",
        "har",
        "postman",
        "completions",
        "emnify",
    ] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = runner(["completions", shell]);
        assert_eq!(output.code, 0, "{shell}: {output:?}");
        for name in &names {
            assert!(
                output.stdout.contains(name.as_str()),
                "{shell} lacks {name}"
            );
        }
    }
    assert_eq!(runner(["completions", "tcsh"]).code, 2);
}

#[test]
fn bash_loads_the_script() {
    let binary = env!("CARGO_BIN_EXE_runner");
    let output = Command::new("bash")
        .args([
            "-c",
            &format!("source <('{binary}' completions bash); complete -p runner"),
        ])
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("runner"));
}

#[test]
fn zsh_and_fish_accept_their_scripts_where_installed() {
    for (shell, check) in [("zsh", "-n"), ("fish", "--no-execute")] {
        let Ok(probe) = Command::new(shell).arg("--version").output() else {
            eprintln!("skipped: {shell} is not installed (.ci/run installs it)");
            continue;
        };
        assert!(probe.status.success());
        let script = runner(["completions", shell]).stdout;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("runner-completions");
        std::fs::write(&path, script).expect("write");
        let output = Command::new(shell)
            .arg(check)
            .arg(&path)
            .output()
            .expect("runs");
        assert!(output.status.success(), "{shell}: {output:?}");
    }
}
