//! The paths `run`, `validate` and `list` are given: a folder search that never waits on a
//! pipe and never leaves out what it cannot read, a collection or `--data` file given as a
//! stream (`-`, `/dev/stdin`, `<(cmd)`), and what an `include` that cannot be read says.
//! Every run is bounded in time: a hang fails the test.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{hits, runner_within, server, Fixture, Output};

const LIMIT: Duration = Duration::from_secs(20);

/// A collection of one step that counts its hits under `key` on the test server.
fn counted(key: &str) -> String {
    format!(
        "name: {key}\nsteps:\n  - name: hit\n    request: {{ url: \"http://{}/hit/{key}\" }}\n",
        server()
    )
}

/// Runs `command` (its program and arguments set) in `dir`, with `input` on its standard
/// input, killing it (and failing) after [`LIMIT`].
fn finish(mut command: Command, dir: &Path, input: &[u8]) -> Output {
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("EMNIFY_APPLICATION_TOKEN");
    crate::support::bounded(&mut command, Some(input.to_vec()), LIMIT)
}

/// The runner binary with `args`, as a command.
fn runner_command<'a>(args: impl IntoIterator<Item = &'a str>) -> Command {
    let mut command = crate::support::runner_command();
    command.args(args);
    command
}

/// Runs runner with `args` in `dir` as a user who is not root (as `nobody` through `setpriv`
/// when the tests run as root, who may read any folder): `None`, with the reason printed,
/// when that cannot be done.
fn as_unprivileged(dir: &Path, args: &[&str]) -> Option<Output> {
    let command = if is_root() {
        let binary = std::env::var_os("RUNNER_TEST_BINARY")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_runner").into());
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(binary)
            .args(args);
        let works = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status()
            .is_ok_and(|status| status.success());
        if !works {
            println!("skipped: running as root, and `setpriv` cannot drop to nobody here");
            return None;
        }
        command
    } else {
        runner_command(args.iter().copied())
    };
    Some(finish(command, dir, b""))
}

/// Whether the tests run as root (who owns the process's `/proc/self`).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// A fixture readable by every user (a temporary folder is its owner's alone).
fn open_fixture() -> Fixture {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::new();
    std::fs::set_permissions(fixture.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    fixture
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A FIFO named `*.yaml` in a folder (`runner validate /` met one) is refused, named, at
/// once: a search never opens one (it would wait for a writer forever). One named otherwise
/// is no collection and left alone; one named on its own is read.
#[test]
fn a_pipe_in_a_folder_is_refused_without_waiting_for_it() {
    let fixture = Fixture::new();
    let dir = fixture.path().join("suite");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("a.yaml"), counted("fifo-folder")).expect("write");
    let fifo = dir.join("f.yaml");
    mkfifo(&fifo);
    let folder = dir.display().to_string();
    let glob = format!("{folder}/*.yaml");
    for command in ["validate", "run", "list"] {
        for path in [&folder, &glob] {
            let output = runner_within([command, path.as_str()], &[], LIMIT);
            assert_eq!(output.code, 2, "{command} {path}: {output:?}");
            assert!(
                output.stderr.contains(&format!(
                    "`{}` is a pipe (FIFO), not a collection file",
                    fifo.display()
                )),
                "{command} {path}: {}",
                output.stderr
            );
        }
    }
    assert_eq!(hits("fifo-folder"), 0, "nothing is sent");
    // Not named as a collection: not one.
    std::fs::remove_file(&fifo).expect("rm");
    mkfifo(&dir.join("f.txt"));
    let output = runner_within(["validate", folder.as_str()], &[], LIMIT);
    assert_eq!(output.code, 0, "{output:?}");
    // Named on its own, a FIFO is read when it loads, as `cat` would.
    let fifo = dir.join("g.yaml");
    mkfifo(&fifo);
    let path = fifo.clone();
    let text = counted("fifo-named");
    let writer = std::thread::spawn(move || std::fs::write(path, text));
    let output = runner_within(["validate", &fifo.display().to_string()], &[], LIMIT);
    // A reader of the test's own, so that the writer ends even if runner never opened it.
    let _reader = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
    };
    writer.join().expect("writer").expect("written");
    assert_eq!(output.code, 0, "{output:?}");
}

/// A folder a search cannot read (here `sub`, mode 700 and another user's) is an error
/// naming it and the system's reason, before anything is sent: it held a failing collection
/// that was left out in silence ("1 passed", exit 0).
#[test]
fn an_unreadable_folder_is_an_error_not_a_smaller_suite() {
    use std::os::unix::fs::PermissionsExt;
    let fixture = open_fixture();
    let suite = fixture.path().join("suite");
    let sub = suite.join("sub");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::write(suite.join("a.yaml"), counted("unreadable-a")).expect("write");
    std::fs::write(sub.join("x.yaml"), counted("unreadable-x")).expect("write");
    // Another user's folder to the unprivileged user: root's under `setpriv`, else none.
    let mode = if is_root() { 0o700 } else { 0o000 };
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(mode)).expect("chmod");
    for args in [
        &["run", "suite"][..],
        &["validate", "suite"],
        &["list", "suite"],
        &["run", "suite/*/*.yaml"],
    ] {
        let Some(output) = as_unprivileged(fixture.path(), args) else {
            break;
        };
        let _ = std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(mode));
        assert_eq!(output.code, 2, "{args:?}: {output:?}");
        assert!(
            output.stderr.contains("`suite/sub`")
                && output.stderr.contains("Permission denied (os error 13)"),
            "{args:?}: {}",
            output.stderr
        );
        assert!(!output.stdout.contains("passed"), "{args:?}: {output:?}");
    }
    assert_eq!(
        hits("unreadable-a") + hits("unreadable-x"),
        0,
        "nothing is sent"
    );
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A link a search cannot follow — to nothing, or round a loop — is an error naming it, not
/// skipped: it may have led to collections.
#[test]
fn a_dangling_link_or_a_loop_of_links_in_a_folder_is_an_error() {
    let fixture = Fixture::new();
    let dir = fixture.path().join("suite");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("a.yaml"), counted("links")).expect("write");
    let dangling = dir.join("gone.yaml");
    std::os::unix::fs::symlink("nowhere.yaml", &dangling).expect("link");
    let (one, two) = (dir.join("one"), dir.join("two"));
    std::os::unix::fs::symlink("two", &one).expect("link");
    std::os::unix::fs::symlink("one", &two).expect("link");
    let output = runner_within(["validate", &dir.display().to_string()], &[], LIMIT);
    assert_eq!(output.code, 2, "{output:?}");
    for said in [
        format!(
            "`{}` is a symbolic link to `nowhere.yaml`, which does not exist",
            dangling.display()
        ),
        format!("`{}` is a loop of symbolic links", one.display()),
        format!("`{}` is a loop of symbolic links", two.display()),
    ] {
        assert!(output.stderr.contains(&said), "{said}: {}", output.stderr);
    }
    // Hidden entries are not searched.
    for link in [&dangling, &one, &two] {
        let hidden = dir.join(format!(
            ".{}",
            link.file_name().expect("name").to_string_lossy()
        ));
        std::fs::rename(link, hidden).expect("rename");
    }
    let output = runner_within(["validate", &dir.display().to_string()], &[], LIMIT);
    assert_eq!(output.code, 0, "{output:?}");
}

/// A collection given as `-`, `/dev/stdin` or `<(cmd)` is read from the pipe, and what it
/// names relatively (an `include`, a `body_file`) is read from the working directory.
#[test]
fn a_collection_is_read_from_a_pipe_with_relative_paths_from_the_working_directory() {
    let fixture = Fixture::new();
    fixture.file("shared.yaml", &counted("piped-include"));
    fixture.file("body.json", "{\"a\": 1}");
    let main = format!(
        "name: piped\nsteps:\n  - name: shared\n    include: shared.yaml\n  - name: post\n    request: {{ method: POST, url: \"http://{}/hit/piped-body\", body_file: body.json }}\n",
        server()
    );
    fixture.file("main.txt", &main);
    for (args, sent) in [
        (&["validate", "-"][..], 0),
        (&["validate", "/dev/stdin"], 0),
        (&["list", "-"], 0),
        (&["run", "-"], 1),
        (&["run", "/dev/stdin", "-"], 1),
    ] {
        let before = hits("piped-include");
        let output = finish(
            runner_command(args.iter().copied()),
            fixture.path(),
            main.as_bytes(),
        );
        assert_eq!(output.code, 0, "{args:?}: {output:?}");
        assert_eq!(hits("piped-include") - before, sent, "{args:?}: run once");
    }
    let mut bash = Command::new("bash");
    let binary = env!("CARGO_BIN_EXE_runner");
    bash.args(["-c", &format!("'{binary}' run <(cat main.txt)")]);
    let output = finish(bash, fixture.path(), b"");
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("/dev/fd/"), "{}", output.stdout);
    // Snapshots are kept beside a collection file; a pipe has no folder to keep them in.
    let output = finish(
        runner_command(["validate", "-"]),
        fixture.path(),
        main.replace(
            "body_file: body.json }",
            "body_file: body.json }\n    expect: { snapshot: true }",
        )
        .as_bytes(),
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("`snapshot` needs a collection file")
            && output.stderr.contains("--> /dev/stdin:7:"),
        "{}",
        output.stderr
    );
    // The includer's folder is not the pipe's (`/dev`): so a missing file says.
    let output = finish(
        runner_command(["validate", "-"]),
        fixture.path(),
        main.replace("shared.yaml", "missing.yaml").as_bytes(),
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("cannot read included collection `./missing.yaml`: there is no such file"),
        "{}",
        output.stderr
    );
}

/// `--data` from a pipe is read as its text says: JSON when it starts with `[` or `{`, else
/// CSV (before, any name but `*.csv` was JSON, so `--data <(cat rows.csv)` was refused).
#[test]
fn data_from_a_pipe_is_read_as_its_text_says() {
    let fixture = Fixture::new();
    let collection = fixture.file(
        "c.yaml",
        &format!(
            "name: rows\nsteps:\n  - name: get {{{{id}}}}\n    request: {{ url: \"http://{}/hit/data-{{{{id}}}}\" }}\n",
            server()
        ),
    );
    let collection = collection.display().to_string();
    for (text, key) in [
        ("id\ncsv1\ncsv2\n", "data-csv1"),
        (
            "\u{feff}\n  [{\"id\": \"json1\"}, {\"id\": \"json2\"}]",
            "data-json1",
        ),
    ] {
        // `-` is standard input, as for a collection.
        for stdin in ["/dev/stdin", "-"] {
            let output = finish(
                runner_command(["validate", &collection, "--data", stdin]),
                fixture.path(),
                text.as_bytes(),
            );
            assert_eq!(output.code, 0, "{text:?}: {output:?}");
            let before = hits(key);
            let output = finish(
                runner_command(["run", &collection, "--data", stdin]),
                fixture.path(),
                text.as_bytes(),
            );
            assert_eq!(output.code, 0, "{text:?}: {output:?}");
            assert_eq!(hits(key) - before, 1, "{output:?}");
        }
    }
    // A problem says how the text chose, and names rows as it read them.
    let output = finish(
        runner_command(["validate", &collection, "--data", "/dev/stdin"]),
        fixture.path(),
        b"- id: 1\n",
    );
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("read as CSV: the name ends in neither `.csv` nor `.json`"),
        "{}",
        output.stderr
    );
    let mut bash = Command::new("bash");
    let binary = env!("CARGO_BIN_EXE_runner");
    bash.args([
        "-c",
        &format!("'{binary}' validate '{collection}' --data <(printf 'id\\n1\\n')"),
    ]);
    let output = finish(bash, fixture.path(), b"");
    assert_eq!(output.code, 0, "{output:?}");
}

/// Standard input (or any pipe) read by two inputs would give the first all it holds and the
/// second nothing: refused before anything is read or sent, naming both; `--vars-file -`
/// alone reads it.
#[test]
fn one_pipe_named_as_two_inputs_is_refused_before_anything_is_sent() {
    let fixture = Fixture::new();
    let main = format!(
        "name: piped\nsteps:\n  - name: get {{{{id}}}}\n    request: {{ url: \"http://{}/hit/two-pipes-{{{{id}}}}\" }}\n",
        server()
    );
    let collection = fixture.file("c.yaml", &main).display().to_string();
    let report = fixture.path().join("report.json").display().to_string();
    for args in [
        &["run", "-", "--data", "-"][..],
        &["run", "/dev/stdin", "--vars-file", "-"],
        &[
            "run",
            &collection,
            "--data",
            "-",
            "--vars-file",
            "/dev/stdin",
        ],
        &["run", &collection, "--vars-file", "-", "--vars-file", "-"],
        &["validate", "-", "--data", "/dev/stdin"],
        &["export", "locust", "/dev/stdin", "--data", "-"],
    ] {
        let before = hits("two-pipes-1");
        let mut args = args.to_vec();
        if args[0] == "run" {
            args.extend(["--report-json", &report]);
        }
        let output = finish(
            runner_command(args.iter().copied()),
            fixture.path(),
            main.as_bytes(),
        );
        assert_eq!(output.code, 2, "{args:?}: {output:?}");
        assert!(
            output
                .stderr
                .contains("are both standard input, which feeds one input"),
            "{args:?}: {}",
            output.stderr
        );
        assert_eq!(hits("two-pipes-1"), before, "{args:?}: nothing sent");
        if args[0] == "run" {
            let written = std::fs::read_to_string(&report).expect("the report of a refused run");
            assert!(written.contains("both standard input"), "{written}");
            std::fs::remove_file(&report).expect("removed");
        }
    }
    // Standard input given a file (`< rows.csv`) feeds one input too.
    let rows = fixture.file("rows.csv", "id\n1\n");
    let output = Command::new("bash")
        .args([
            "-c",
            &format!(
                "'{}' validate '{collection}' --data - --vars-file /dev/stdin < '{}'",
                env!("CARGO_BIN_EXE_runner"),
                rows.display()
            ),
        ])
        .output()
        .expect("bash");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("are both standard input"),
        "{output:?}"
    );
    let before = hits("two-pipes-1");
    let output = finish(
        runner_command(["run", &collection, "--vars-file", "-"]),
        fixture.path(),
        b"id: 1\n",
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(hits("two-pipes-1") - before, 1, "{output:?}");
}

/// An `include` that cannot be read says why (no such file, a loop of links, no permission,
/// an empty file), where (the `include`'s line and column) and how to mend it.
#[test]
fn an_include_that_cannot_be_read_says_why_where_and_how_to_fix_it() {
    let fixture = open_fixture();
    let including = |name: &str, included: &str| {
        fixture.file(
            name,
            &format!("name: x\nsteps:\n  - name: a\n    include: {included}\n"),
        )
    };
    fixture.file("empty.yaml", "# nothing yet\n");
    std::os::unix::fs::symlink("loop-b.yaml", fixture.path().join("loop-a.yaml")).expect("link");
    std::os::unix::fs::symlink("loop-a.yaml", fixture.path().join("loop-b.yaml")).expect("link");
    for (name, included, says, hint) in [
        (
            "missing.yaml",
            "nowhere.yaml",
            "nowhere.yaml`: there is no such file",
            "correct the path, or create the file",
        ),
        (
            "loop.yaml",
            "loop-a.yaml",
            "loop-a.yaml`: it is a loop of symbolic links",
            "point one of the links at a collection file",
        ),
        (
            "empty-include.yaml",
            "empty.yaml",
            "empty.yaml` is empty: it holds no YAML but blanks and comments",
            "an included file is a collection: it needs `name` and `steps`",
        ),
    ] {
        let path = including(name, included);
        let output = runner_within(["validate", &path.display().to_string()], &[], LIMIT);
        assert_eq!(output.code, 2, "{name}: {output:?}");
        for said in [
            says.to_owned(),
            format!("--> {}:4:14", path.display()),
            hint.to_owned(),
        ] {
            assert!(
                output.stderr.contains(&said),
                "{name}: {said}: {}",
                output.stderr
            );
        }
        assert!(!output.stderr.contains("invalid type"), "{}", output.stderr);
    }
    // A file the user may not read.
    use std::os::unix::fs::PermissionsExt;
    let secret = fixture.file("secret.yaml", &counted("include-denied"));
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    including("denied.yaml", "secret.yaml");
    if !is_root() {
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    if let Some(output) = as_unprivileged(fixture.path(), &["validate", "denied.yaml"]) {
        assert_eq!(output.code, 2, "{output:?}");
        assert!(
            output.stderr.contains("secret.yaml`: permission denied")
                && output.stderr.contains("--> denied.yaml:4:14")
                && output.stderr.contains("chmod a+r"),
            "{}",
            output.stderr
        );
    }
}
