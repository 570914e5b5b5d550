//! The documentation as a new user meets it: every collection in `collections/` and every YAML
//! block of README.md and docs/*.md is checked against `schemas/collection.schema.json` with a
//! real JSON Schema validator, and every complete collection in the docs passes
//! `runner validate`.
//!
//! How a Markdown block says what it is, after ` ```yaml`:
//! - nothing: a whole collection (schema and `runner validate`);
//! - `fragment=collection`: top-level keys, merged into a one-step collection;
//! - `fragment=steps`: a list of steps;
//! - `fragment=step`: keys of a step (`expect:`, `capture:`...), merged into a request step;
//! - `fragment=request`: keys of a request (bodies...), merged into a request;
//! - `fragment=comment`: only comments;
//! - `not-a-collection`: another tool's YAML (a CI pipeline): it must parse, nothing more.
//!
//! Fragments are checked against the schema only: they read variables defined elsewhere.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::support::runner;

/// A fenced block of a Markdown file.
pub struct Block {
    /// The file and the line of the opening fence, for messages.
    pub place: String,
    /// The info string after the fence: `yaml fragment=steps`, `sh`, ...
    pub info: String,
    /// The text between the fences.
    pub text: String,
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md.
pub fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![repository().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repository().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The fenced blocks of `path`, in order.
pub fn blocks(path: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(path).expect("read markdown");
    let name = path
        .strip_prefix(repository())
        .unwrap_or(path)
        .display()
        .to_string();
    let mut found = Vec::new();
    let mut open: Option<(usize, String, Vec<&str>)> = None;
    for (number, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((number + 1, info.trim().to_owned(), Vec::new())),
            (Some(_), Some("")) => {
                if let Some((start, info, lines)) = open.take() {
                    found.push(Block {
                        place: format!("{name}:{start}"),
                        info,
                        text: lines.join("\n") + "\n",
                    });
                }
            }
            (Some((_, _, lines)), _) => lines.push(line),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "{name}: a fence is not closed");
    found
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repository().join("schemas/collection.schema.json"))
        .expect("read the schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

fn merge(into: &mut Value, fragment: Value) {
    match (into.as_object_mut(), fragment) {
        (Some(into), Value::Object(fragment)) => into.extend(fragment),
        (_, fragment) => *into = fragment,
    }
}

/// The collection a block stands for, or `None` for a block that is not one.
fn as_collection(block: &Block) -> Option<(Value, bool)> {
    let mut words = block.info.split_whitespace();
    if words.next() != Some("yaml") {
        return None;
    }
    let marker = words.next();
    let value: Value = serde_yaml::from_str(&block.text)
        .unwrap_or_else(|e| panic!("{}: the YAML does not parse: {e}", block.place));
    let mut skeleton = json!({
        "name": "fragment",
        "steps": [{ "name": "step", "request": { "url": "http://127.0.0.1:1/" } }]
    });
    match marker {
        None => return Some((value, true)),
        Some("not-a-collection") => return None,
        Some("fragment=comment") => {
            assert!(value.is_null(), "{}: more than comments", block.place);
            return None;
        }
        Some("fragment=collection") => merge(&mut skeleton, value),
        Some("fragment=steps") => skeleton["steps"] = value,
        Some("fragment=step") => merge(&mut skeleton["steps"][0], value),
        Some("fragment=request") => merge(&mut skeleton["steps"][0]["request"], value),
        Some(other) => panic!("{}: unknown marker `{other}`", block.place),
    }
    Some((skeleton, false))
}

/// Every YAML block of the docs, as collections: `(place, collection, whole)`.
pub fn documented_collections() -> Vec<(String, Value, bool, String)> {
    markdown_files()
        .iter()
        .flat_map(|file| blocks(file))
        .filter_map(|block| {
            as_collection(&block).map(|(value, whole)| (block.place, value, whole, block.text))
        })
        .collect()
}

#[test]
fn every_bundled_and_documented_collection_passes_the_schema() {
    let validator = validator();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(repository().join("collections"))
        .expect("collections/")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let value: Value = serde_yaml::from_str(&text).expect("YAML");
        checked += 1;
        for error in schema_errors(&validator, &value) {
            problems.push(format!("{}: {error}", path.display()));
        }
    }
    for (place, value, _, _) in documented_collections() {
        checked += 1;
        for error in schema_errors(&validator, &value) {
            problems.push(format!("{place}: {error}"));
        }
    }
    assert!(checked > 10, "only {checked} collections found");
    assert!(
        problems.is_empty(),
        "the schema rejects:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_schema_accepts_what_the_loader_accepts_and_rejects_what_it_rejects() {
    let validator = validator();
    let retry = |on: &str| {
        let text = format!(
            "name: r\nsteps:\n  - name: s\n    request: {{ url: \"http://127.0.0.1:1/\" }}\n    retry: {{ attempts: 2, on: {on} }}\n"
        );
        let value: Value = serde_yaml::from_str(&text).expect("YAML");
        (text, schema_errors(&validator, &value).is_empty())
    };
    let fixture = crate::support::Fixture::new();
    for (on, valid) in [
        ("[transport, 5xx, 429]", true),
        ("[transport, 5xx, \"429\"]", true),
        ("[4xx]", false),
        ("[503]", false),
    ] {
        let (text, schema_accepts) = retry(on);
        let path = fixture.file("retry.yaml", &text);
        let loader_accepts = runner(["validate", &path.display().to_string()]).code == 0;
        assert_eq!(schema_accepts, valid, "schema on `{on}`");
        assert_eq!(loader_accepts, valid, "loader on `{on}`");
    }
}

#[test]
fn every_complete_collection_in_the_docs_validates() {
    // Written beside a `schemas` link, so that `../schemas/...` resolves as it does from
    // `collections/`.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("collections")).expect("mkdir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(repository().join("schemas"), dir.path().join("schemas"))
        .expect("link schemas");
    let mut failures = Vec::new();
    let mut whole = 0;
    for (i, (place, _, complete, text)) in documented_collections().into_iter().enumerate() {
        if !complete {
            continue;
        }
        whole += 1;
        let path = dir.path().join("collections").join(format!("doc-{i}.yaml"));
        std::fs::write(&path, text).expect("write");
        let output = runner(["validate", &path.display().to_string()]);
        if output.code != 0 {
            failures.push(format!("{place}:\n{}", output.stderr));
        }
    }
    assert!(whole >= 1, "no complete collection found in the docs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The seed file the README documents is one `runner sandbox emnify --seed` loads, and the
/// sandbox then serves its data (and names its users, not the built-in demo login).
#[test]
fn the_documented_seed_file_loads() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut child = crate::support::runner_command()
        .args(["sandbox", "emnify", "--port", "0", "--seed"])
        .arg(repository().join("docs/sandbox-seed.yaml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sandbox starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let Some(url) = first.strip_prefix("EMnify sandbox listening on ") else {
        let _ = child.kill();
        let mut stderr = String::new();
        let _ =
            std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr);
        panic!("the seed does not load: {first}{stderr}");
    };
    let url = url.to_owned();
    let banner: Vec<String> = lines.by_ref().take(4).map_while(Result::ok).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let names = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .no_proxy()
            .build()
            .expect("client");
        let login = client
            .post(format!("{url}/api/v1/authenticate"))
            .header("content-type", "application/json")
            .body(json!({ "application_token": "sandbox-application-token" }).to_string())
            .send()
            .await
            .expect("authenticate")
            .bytes()
            .await
            .expect("body");
        let login: Value = serde_json::from_slice(&login).expect("json");
        let token = login["auth_token"].as_str().unwrap_or_default().to_owned();
        let list = client
            .get(format!("{url}/api/v1/endpoint"))
            .bearer_auth(token)
            .send()
            .await
            .expect("list")
            .bytes()
            .await
            .expect("body");
        let list: Value = serde_json::from_slice(&list).expect("json");
        list.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|e| e["name"].as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let _ = child.wait();
    assert_eq!(names, ["Truck 1", "Truck 2"]);
    assert!(
        banner.iter().any(|l| l.contains("the users of")),
        "{banner:?}"
    );
}

/// A `runner` child process killed when dropped, so that a failing test leaves none behind.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `runner sandbox emnify` with `args` and returns it with its URL, or the first line
/// it printed instead of its URL.
fn sandbox(dir: &Path, args: &[String]) -> (Child, Result<String, String>) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Child(
        crate::support::runner_command()
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sandbox starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let url = match first.strip_prefix("EMnify sandbox listening on ") {
        Some(url) => Ok(url.to_owned()),
        None => {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.0.stderr.take() {
                let _ = child.0.wait();
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            Err(format!("{first}{stderr}"))
        }
    };
    (child, url)
}

/// Runs `runner args` in `dir`, killing it after 60 s: (exit code, stdout + stderr).
fn run_in(dir: &Path, args: &[String], env: &[(&str, &str)]) -> (i32, String) {
    use std::process::{Command, Stdio};
    let mut command = crate::support::runner_command();
    command
        .args(args)
        .current_dir(dir)
        .env_remove("EMNIFY_APPLICATION_TOKEN")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let child = command.spawn().expect("runner starts");
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let output = child.wait_with_output();
        let _ = done.send(());
        output
    });
    if finished
        .recv_timeout(std::time::Duration::from_secs(60))
        .is_err()
    {
        let _ = Command::new("kill").arg(pid.to_string()).status();
        panic!("`runner {}` did not finish within 60 s", args.join(" "));
    }
    let output = waiter.join().expect("waiter").expect("output");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

/// The words of a shell command line: whitespace-separated, `'...'` and `"..."` kept whole,
/// a `#` comment dropped.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, '#') if !started => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Every `runner` command of the docs, by block: the lines of ` ```sh ` blocks (`\`
/// continuations joined, `cargo run --release --` read as `runner`), and the `runner`
/// strings of CI pipelines (` ```yaml not-a-collection `), their CI variables set to shard 1
/// of 3. Other commands (`cargo test`, `export`, `.ci/run`) are not runner's to check.
fn documented_commands() -> Vec<(String, Vec<Vec<String>>)> {
    let mut found = Vec::new();
    for file in markdown_files() {
        for block in blocks(&file) {
            let lines: Vec<String> = if block.info == "sh" {
                block
                    .text
                    .replace("\\\n", " ")
                    .lines()
                    .map(str::to_owned)
                    .collect()
            } else if block.info == "yaml not-a-collection" {
                let value: Value = serde_yaml::from_str(&block.text).expect("YAML");
                let mut strings = Vec::new();
                collect_strings(&value, &mut strings);
                strings
                    .into_iter()
                    .flat_map(|s| s.lines().map(str::to_owned).collect::<Vec<_>>())
                    .map(|s| {
                        s.replace("${{ matrix.shard }}", "1")
                            .replace("${CI_NODE_INDEX}", "1")
                            .replace("${CI_NODE_TOTAL}", "3")
                    })
                    .collect()
            } else {
                continue;
            };
            let commands: Vec<Vec<String>> = lines
                .iter()
                .map(|line| {
                    let line = line.trim();
                    let line = line
                        .strip_prefix("cargo run --release -- ")
                        .map_or_else(|| line.to_owned(), |rest| format!("runner {rest}"));
                    words(&line)
                })
                .filter(|words| words.first().map(String::as_str) == Some("runner"))
                // What follows `>` or `|` is the shell's: runner's output is read here.
                .map(|words| {
                    words[1..]
                        .iter()
                        .take_while(|w| !matches!(w.as_str(), ">" | ">>" | "|" | "2>"))
                        .cloned()
                        .collect()
                })
                .collect();
            if !commands.is_empty() {
                found.push((block.place, commands));
            }
        }
    }
    found
}

fn collect_strings(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(text) if text.trim_start().starts_with("runner ") => {
            // A folded block (`run: >`) is one command over several lines.
            into.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, into)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, into)),
        _ => {}
    }
}

/// Stand-ins for the files the docs' examples name but a reader brings (their own Postman
/// exports, curl commands, HAR files): the repository's fixtures. (`run.sh`, what
/// `runner run --curl` writes, is written by a real run instead; `session.har` is the
/// sandbox recording as if made against `api.example.com`, the host the examples filter on.)
const STAND_INS: &[(&str, &str)] = &[
    ("requests.sh", "tests/fixtures/curl/chrome-bash.sh"),
    ("sandbox.har", "tests/fixtures/har/emnify-sandbox.har"),
    (
        "API.postman_collection.json",
        "tests/fixtures/postman/seed.postman_collection.json",
    ),
    (
        "API.postman_environment.json",
        "tests/fixtures/postman/seed.postman_environment.json",
    ),
    (
        "Staging.postman_environment.json",
        "tests/fixtures/postman/seed.postman_environment.json",
    ),
    (
        "Production.postman_environment.json",
        "tests/fixtures/postman/seed.postman_environment.json",
    ),
];

/// Runs every `runner` command of README.md and docs/*.md, each block in order in a fresh
/// directory that holds a copy of `collections/` (commands may write there) and links to
/// `schemas/`, `tests/` and `docs/`. Nothing leaves loopback: `runner sandbox` listens on a
/// free port (`--port 0`) and is stopped once it serves; `--env production` and the sandbox's
/// documented URL are pointed at a bundled sandbox started for the test.
#[test]
fn every_documented_runner_command_works() {
    let commands = documented_commands();
    let total: usize = commands.iter().map(|(_, c)| c.len()).sum();
    assert!(total >= 15, "only {total} commands found: {commands:?}");
    let root = tempfile::tempdir().expect("temp dir");
    let (_api, api) = sandbox(
        root.path(),
        &["sandbox", "emnify", "--port", "0"].map(String::from),
    );
    let api = api.expect("the test's sandbox starts");
    let token = "sandbox-application-token";
    // The docs' Prism mock (`-p 4010`): one started here on a free port, when Prism is
    // installed (`RUNNER_PRISM`; `.ci/run` requires it); without it those commands are skipped.
    let mut mock: Option<Option<crate::openapi::Prism>> = None;
    let mut failures = Vec::new();
    for (number, (place, block)) in commands.iter().enumerate() {
        let dir = root.path().join(format!("block-{number}"));
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::create_dir(dir.join("collections")).expect("mkdir");
        for entry in std::fs::read_dir(repository().join("collections")).expect("collections/") {
            let path = entry.expect("entry").path();
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, dir.join("collections").join(name)).expect("copy");
            }
        }
        #[cfg(unix)]
        for name in ["schemas", "tests", "docs"] {
            std::os::unix::fs::symlink(repository().join(name), dir.join(name)).expect("link");
        }
        for (name, fixture) in STAND_INS {
            std::fs::copy(repository().join(fixture), dir.join(name)).expect("stand-in");
        }
        let recorded =
            std::fs::read_to_string(repository().join("tests/fixtures/har/emnify-sandbox.har"))
                .expect("HAR fixture")
                .replace("http://127.0.0.1:18088", "https://api.example.com")
                .replace("127.0.0.1:18088", "api.example.com");
        std::fs::write(dir.join("session.har"), recorded).expect("stand-in");
        if block.iter().flatten().any(|word| word == "run.sh") {
            let args = ["run", "collections/emnify.yaml", "--curl", "run.sh"].map(String::from);
            assert_eq!(run_in(&dir, &args, &[]).0, 0, "writing run.sh");
        }
        for args in block {
            let mut args: Vec<String> = args
                .iter()
                .map(|a| a.replace("http://127.0.0.1:8088", &api))
                .collect();
            let shown = format!("{place}: runner {}", args.join(" "));
            if args.first().map(String::as_str) == Some("sandbox") {
                match args.iter().position(|a| a == "--port") {
                    Some(at) if at + 1 < args.len() => args[at + 1] = "0".into(),
                    _ => args.extend(["--port".into(), "0".into()]),
                }
                if let (_child, Err(first)) = sandbox(&dir, &args) {
                    failures.push(format!("{shown}\n{first}"));
                }
                continue;
            }
            if args.iter().any(|a| a.contains("http://127.0.0.1:4010")) {
                let started = mock.get_or_insert_with(|| {
                    crate::openapi::prism().map(|binary| {
                        crate::openapi::Prism::start(
                            &binary,
                            &[
                                "mock",
                                "-d",
                                "tests/fixtures/openapi/petstore-expanded.yaml",
                            ],
                        )
                    })
                });
                let Some(prism) = started else { continue };
                for arg in &mut args {
                    *arg = arg.replace("http://127.0.0.1:4010", &prism.url);
                }
            }
            // `runner load` needs Locust: skipped visibly without it, as in tests/it/locust.rs.
            if args.first().map(String::as_str) == Some("load") && crate::locust::locust().is_none()
            {
                continue;
            }
            let production = args
                .windows(2)
                .any(|w| w[0] == "--env" && w[1] == "production");
            if production && !args.iter().any(|a| a.starts_with("base_url=")) {
                args.extend(["--var".into(), format!("base_url={api}")]);
            }
            let (code, output) = run_in(&dir, &args, &[("EMNIFY_APPLICATION_TOKEN", token)]);
            if code != 0 {
                failures.push(format!("{shown}\nexit {code}\n{output}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "documented commands that fail:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn commands_are_read_as_a_shell_would() {
    assert_eq!(
        words(r#"runner run a.yaml --var "x=a b" 'y'   # a comment"#),
        ["runner", "run", "a.yaml", "--var", "x=a b", "y"]
    );
    assert_eq!(words("  # only a comment"), Vec::<String>::new());
}

/// README's example of a load problem is what runner prints for the collection it shows:
/// the step named as runner names it, the spot, the field, the hint and the closing line.
#[test]
fn the_readme_shows_a_load_problem_as_runner_prints_it() {
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("README");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("collections")).expect("mkdir");
    // Line 10 and its column are the ones the README shows.
    std::fs::write(
        dir.path().join("collections/flow.yaml"),
        r#"name: Flow
vars: { base_url: "http://127.0.0.1:9" }
steps:
  - name: Log in
    request: { method: POST, url: "{{base_url}}/login", json: { user: ann } }
    capture: { auth_token: $.token }
  - name: Use the token
    request:
      url: "{{base_url}}/me"
      headers: { Authorization: "Bearer {{auth_tokn}}" }
"#,
    )
    .expect("write");
    let args = ["run".to_owned(), "collections/flow.yaml".to_owned()];
    let (code, printed) = run_in(dir.path(), &args, &[]);
    assert_eq!(code, 2, "{printed}");
    let shown = format!("```\n{}```", printed);
    assert!(
        readme.contains(&shown),
        "README.md should show, as runner prints it:\n{shown}"
    );
}
