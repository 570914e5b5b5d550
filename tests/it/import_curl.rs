//! `runner import curl`: the corpus in tests/fixtures/curl (browser "Copy as cURL" commands
//! for bash and cmd) imports, validates and keeps no credential; `--strict`, the words after
//! `--`, standard input and bad input; and the round trip `runner run --curl` → import → run,
//! which must send the same requests.

use std::io::Write;
use std::process::Stdio;

use crate::support::{runner, runner_with_env, server, Fixture};

const CORPUS: &[&str] = &[
    "chrome-bash.sh",
    "chrome-cmd.cmd",
    "firefox-bash.sh",
    "firefox-windows.cmd",
    "curlconverter-get_with_browser_headers.sh",
    "curlconverter-post_with_browser_headers.sh",
    "curlconverter-multiline_post_with_data.sh",
    "powershell.ps1",
    "curlconverter-bash_redirect_heredoc.sh",
    "curlconverter-bash_redirect_herestring.sh",
    "curlconverter-read_stdin.sh",
    "curlconverter-redirect_command_data.sh",
    "curlconverter-redirect_variable_and_string_data.sh",
    "curlconverter-get_proxy_with_auth.sh",
    "curlconverter-form_quotes.sh",
];

/// Credentials written in the corpus; none may reach the YAML.
const CREDENTIALS: &[&str] = &[
    "chr0me-app-t0ken",
    "eyJhbGciOiJIUzM4NCJ9",
    "q9XkTzP0v7",
    "cG9ydGFsLXVzZXI6ZmlyZWYweC1wYXNzd29yZA",
    "firef0x-password",
    "VaHaeVW3m0ymvx9kacwshZIDkv8zgF9y",
    "MCMDKFMBLLLHGKCGNMKNGPKI",
    "000000000000000-0000",
    "anonymous",
    "A21AAGOs8Yauykf6g",
];

#[test]
fn the_corpus_imports_validates_and_keeps_no_credential() {
    let dir = Fixture::new();
    for name in CORPUS {
        let out = dir.path().join(name.replace(['.'], "_") + ".yaml");
        let output = runner([
            "import",
            "curl",
            &format!("tests/fixtures/curl/{name}"),
            "-o",
            &out.display().to_string(),
        ]);
        assert_eq!(output.code, 0, "{name}: {output:?}");
        assert!(
            output.stderr.contains("imported "),
            "{name}: {}",
            output.stderr
        );
        let yaml = std::fs::read_to_string(&out).expect("written");
        for credential in CREDENTIALS {
            assert!(
                !yaml.contains(credential),
                "{name} leaks {credential}:\n{yaml}"
            );
            assert!(
                !output.stderr.contains(credential),
                "{name}: {}",
                output.stderr
            );
        }
        let validated = runner(["validate", &out.display().to_string()]);
        assert_eq!(validated.code, 0, "{name}:\n{yaml}\n{validated:?}");
    }
}

#[test]
fn browser_quoting_is_read_as_the_shell_would() {
    // The bash and the cmd copies of the same login carry the same JSON body.
    let bash = runner(["import", "curl", "tests/fixtures/curl/chrome-bash.sh"]);
    assert!(
        bash.stdout.contains(
            "      json:\n        application_token: \"{{application_token}}\"\n        note: |-\n          it's \"quoted\"\n          and on two lines\n"
        ),
        "{}",
        bash.stdout
    );
    let cmd = runner(["import", "curl", "tests/fixtures/curl/chrome-cmd.cmd"]);
    assert!(
        cmd.stdout
            .contains("json: { application_token: \"{{application_token}}\", discount: 50% off }"),
        "{}",
        cmd.stdout
    );
    assert!(cmd
        .stdout
        .contains("query: { page: \"1\", per_page: \"20\" }"));
    let firefox = runner(["import", "curl", "tests/fixtures/curl/firefox-windows.cmd"]);
    assert!(
        firefox
            .stdout
            .contains("form: { name: Tracker 8, note: say \"hi\", status: \"1\" }"),
        "{}",
        firefox.stdout
    );
    assert!(firefox
        .stdout
        .contains("auth: { basic: { username: portal-user, password: \"{{basic_password}}\" } }"));
    let powershell = runner(["import", "curl", "tests/fixtures/curl/powershell.ps1"]);
    assert!(
        powershell.stdout.contains("(written for PowerShell)")
            && powershell.stdout.contains(
                "json: { application_token: \"{{application_token}}\", note: it's quoted }"
            )
            && powershell.stdout.contains("x-note: say \"hi\"")
            && powershell
                .stdout
                .contains("query: { page: \"1\", per_page: \"20\" }"),
        "{}",
        powershell.stdout
    );
}

#[test]
fn powershell_is_read_from_a_ps1_file_or_by_shell_without_a_backtick_to_tell() {
    // One line, so no continuation tells the dialect: `'it''s'` is `it's` in PowerShell,
    // `its` in a POSIX shell (two quoted words side by side).
    let command = "curl.exe 'https://h.example/a' -H 'x-note: it''s'\n";
    let fixture = Fixture::new();
    let text = fixture.file("login.txt", command);
    let script = fixture.file("login.ps1", command);
    let text = text.display().to_string();
    let as_posix = runner(["import", "curl", &text]);
    assert!(
        as_posix.stdout.contains("x-note: its"),
        "{}",
        as_posix.stdout
    );
    for output in [
        runner(["import", "curl", &script.display().to_string()]),
        runner(["import", "curl", "--shell", "powershell", &text]),
    ] {
        assert_eq!(output.code, 0, "{}", output.stderr);
        assert!(
            output.stdout.contains("x-note: it's")
                && output.stdout.contains("(written for PowerShell)"),
            "{}",
            output.stdout
        );
    }
}

#[test]
fn words_after_the_double_dash_and_unknown_options() {
    let output = runner([
        "import",
        "curl",
        "--",
        "curl",
        "-X",
        "DELETE",
        "https://h.example/x/1",
        "--retry",
        "3",
        "--frobnicate",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("method: DELETE"),
        "{}",
        output.stdout
    );
    assert!(
        output.stderr.contains("not translated: line 1 · --retry"),
        "{}",
        output.stderr
    );
    assert!(output
        .stderr
        .contains("not translated: line 1 · --frobnicate"));
    assert!(output.stderr.contains("2 things not translated"));

    let dir = Fixture::new();
    let out = dir.path().join("strict.yaml");
    let strict = runner([
        "import",
        "curl",
        "--strict",
        "-o",
        &out.display().to_string(),
        "--",
        "-k",
        "--frobnicate",
        "https://h.example/",
    ]);
    assert_eq!(strict.code, 2, "{strict:?}");
    assert!(strict
        .stderr
        .contains("--strict is set: nothing was written"));
    assert!(!out.exists());
}

#[test]
fn standard_input_is_read_when_no_file_is_given() {
    let mut child = crate::support::runner_command()
        .args(["import", "curl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runner starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"curl https://h.example/a\ncurl -d x=1 https://h.example/b\n")
        .expect("write");
    let output = child.wait_with_output().expect("runner ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("name: GET /a") && stdout.contains("name: POST /b"),
        "{stdout}"
    );
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = Fixture::new();
    for (text, expected) in [
        ("echo hello\n", "has no curl command"),
        ("curl -X POST\n", "line 1: the curl command has no URL"),
        (
            "curl https://h/ \\\n  -H 'open\n",
            "line 2: the single quote opened here is never closed",
        ),
        ("curl https://h/ -H\n", "`--header` needs a value"),
    ] {
        let file = dir.file("bad.sh", text);
        let output = runner(["import", "curl", &file.display().to_string()]);
        assert_eq!(output.code, 2, "{text}: {output:?}");
        assert!(
            output.stderr.contains(expected),
            "{text}: {}",
            output.stderr
        );
    }
}

/// The tester's command: query parameters named like credentials are secret inputs, their
/// values written nowhere; the collection validates.
#[test]
fn query_credentials_become_secret_inputs() {
    let dir = Fixture::new();
    let out = dir.path().join("a.yaml");
    let output = runner([
        "import",
        "curl",
        "-o",
        &out.display().to_string(),
        "--",
        "curl",
        "http://h/x?api_key=QK-imp-8888&access_token=AT-imp-9999&page=2",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for credential in ["QK-imp-8888", "AT-imp-9999"] {
        assert!(!yaml.contains(credential), "{credential}:\n{yaml}");
        assert!(!output.stderr.contains(credential), "{}", output.stderr);
    }
    for wanted in [
        "query: { api_key: \"{{api_key}}\", access_token: \"{{access_token}}\", page: \"2\" }",
        "  API_KEY:\n    secret: true\n",
        "  ACCESS_TOKEN:\n    secret: true\n",
        "api_key: \"{{env.API_KEY}}\"",
        "access_token: \"{{env.ACCESS_TOKEN}}\"",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");
}

/// A query kept in the URL (a name repeats, one has no `=`), with `-G` data and a value that
/// must be encoded: the credentials are secret inputs there too, and a run with them set
/// sends the query as curl would.
#[test]
fn query_credentials_kept_in_the_url_are_secret_inputs_and_sent() {
    let dir = Fixture::new();
    let out = dir.path().join("kept.yaml");
    let url = format!(
        "http://{}/echo?token=TK-imp-1111&token=TK-imp-2222&flag",
        server()
    );
    let output = runner([
        "import",
        "curl",
        "-o",
        &out.display().to_string(),
        "--",
        "curl",
        "-G",
        &url,
        "--data-urlencode",
        "api_key=QK imp/3333",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for credential in ["TK-imp-1111", "TK-imp-2222", "QK", "3333"] {
        assert!(!yaml.contains(credential), "{credential}:\n{yaml}");
        assert!(!output.stderr.contains(credential), "{}", output.stderr);
    }
    assert!(
        yaml.contains(
            "url: \"{{base_url}}/echo?token={{token}}&token={{token_2}}&flag&api_key={{urlencode api_key}}\""
        ),
        "{yaml}"
    );
    for input in ["TOKEN", "TOKEN_2", "API_KEY"] {
        assert!(
            yaml.contains(&format!("  {input}:\n    secret: true\n")),
            "{input}:\n{yaml}"
        );
    }
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);

    // The step is the last thing written: check what the server saw.
    let expect = "    expect:\n      jsonpath: { $.query: \"token=TK-imp-1111&token=TK-imp-2222&flag&api_key=QK%20imp%2F3333\" }\n";
    std::fs::write(&out, format!("{yaml}{expect}")).expect("write");
    let run = runner_with_env(
        ["run", &out.display().to_string()],
        &[
            ("TOKEN", "TK-imp-1111"),
            ("TOKEN_2", "TK-imp-2222"),
            ("API_KEY", "QK imp/3333"),
        ],
    );
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
}

/// A repeated query name and form field, interleaved with others, become lists of their
/// values; the run sends each name's values in order.
#[test]
fn repeated_query_names_and_form_fields_become_lists_sent_in_order() {
    let dir = Fixture::new();
    let out = dir.path().join("lists.yaml");
    let url = format!("http://{}/echo?tag=a&page=2&tag=b%20c", server());
    let output = runner([
        "import",
        "curl",
        "-o",
        &out.display().to_string(),
        "--",
        "curl",
        &url,
        "-d",
        "pick=red&n=1&pick=blue",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for wanted in [
        "query: { tag: [a, b c], page: \"2\" }",
        "form: { pick: [red, blue], \"n\": \"1\" }",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    let expect = "    expect:\n      jsonpath: { $.query: tag=a&tag=b+c&page=2, $.text: pick=red&pick=blue&n=1 }\n";
    std::fs::write(&out, format!("{yaml}{expect}")).expect("write");
    let run = runner(["run", &out.display().to_string()]);
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
}

/// The commands of a `--curl` file, without comments, the multipart boundary or the port.
fn commands(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).expect("curl file");
    let boundary = regex::Regex::new(r"boundary=[-\w]+").expect("regex");
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    boundary
        .replace_all(&kept.join("\n"), "boundary=B")
        .into_owned()
}

#[test]
fn run_curl_output_reimports_to_the_same_requests() {
    let dir = Fixture::new();
    let collection = dir.file(
        "original.yaml",
        r#"name: round trip
inputs:
  TOKEN: { secret: true }
  PW: { secret: true }
vars:
  base: "{{SERVER}}"
steps:
  - name: json
    request:
      method: POST
      url: "{{base}}/echo"
      query: { a: "1", q: x y }
      headers: { X-Trace: abc }
      auth: { bearer: "{{env.TOKEN}}" }
      json: { name: "it's", n: 2, password: "{{env.PW}}" }
  - name: form
    request: { method: PUT, url: "{{base}}/echo", form: { a: "1", b: "two words" }, auth: { bearer: "{{env.TOKEN}}" } }
  - name: text
    request: { method: POST, url: "{{base}}/echo", body: "plain\ntext", headers: { Content-Type: text/plain } }
  - name: multipart
    request: { method: POST, url: "{{base}}/echo", multipart: { note: hello } }
  - name: no redirects
    request: { url: "{{base}}/echo", follow_redirects: false }
"#,
    );
    let _ = server();
    let first = dir.path().join("first.sh");
    let run = runner_with_env(
        [
            "run",
            &collection.display().to_string(),
            "--curl",
            &first.display().to_string(),
        ],
        &[
            ("TOKEN", "round-trip-secret"),
            ("PW", "round-trip-password"),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");

    let imported = dir.path().join("imported.yaml");
    let import = runner([
        "import",
        "curl",
        &first.display().to_string(),
        "-o",
        &imported.display().to_string(),
    ]);
    assert_eq!(import.code, 0, "{import:?}");
    let yaml = std::fs::read_to_string(&imported).expect("imported");
    assert!(!yaml.contains("round-trip-secret"));
    assert_eq!(
        runner(["validate", &imported.display().to_string()]).code,
        0,
        "{yaml}"
    );

    // The masked bearer token and password became a secret input each (both written `***`,
    // they are not taken for one value), the bearer token of two steps one input: give them
    // their values and run again.
    assert!(
        yaml.contains("BEARER_TOKEN:") && yaml.contains("PASSWORD:"),
        "{yaml}"
    );
    assert!(!yaml.contains("BEARER_TOKEN_2"), "{yaml}");
    let second = dir.path().join("second.sh");
    let rerun = runner_with_env(
        [
            "run",
            &imported.display().to_string(),
            "--curl",
            &second.display().to_string(),
        ],
        &[
            ("BEARER_TOKEN", "round-trip-secret"),
            ("PASSWORD", "round-trip-password"),
        ],
    );
    assert_eq!(rerun.code, 0, "{yaml}\n{rerun:?}");
    let sent = commands(&first);
    assert!(
        sent.contains("--data-raw") && sent.contains("--form-string"),
        "{sent}"
    );
    assert_eq!(sent, commands(&second), "{yaml}");
}

/// curl sends the user name and password of a URL (`http://admin:pw@host/`) as HTTP Basic
/// credentials: the step's `auth: { basic }`, the password read from a secret input, written
/// nowhere (not in the YAML, not in a message about a URL that does not parse); the run
/// sends them. `-u` wins over the URL's, as in curl.
#[test]
fn user_info_in_the_url_is_basic_auth_with_a_secret_password() {
    use base64::Engine as _;
    let dir = Fixture::new();
    let port = server().port();
    let script = dir.file(
        "userinfo.sh",
        &format!(
            "curl http://admin:s3cr3t-url-pw@127.0.0.1:{port}/echo\n\
             curl -u me:m3-pw http://eve:0ther-url-pw@127.0.0.1:{port}/echo\n"
        ),
    );
    let out = dir.path().join("userinfo.yaml");
    let output = runner([
        "import",
        "curl",
        &script.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for secret in ["s3cr3t-url-pw", "m3-pw", "0ther-url-pw", "@127.0.0.1"] {
        assert!(!yaml.contains(secret), "{secret}:\n{yaml}");
        assert!(!output.stderr.contains(secret), "{}", output.stderr);
    }
    for wanted in [
        "auth: { basic: { username: admin, password: \"{{basic_password}}\" } }",
        "auth: { basic: { username: me, password: \"{{basic_password_2}}\" } }",
        "BASIC_PASSWORD:\n    secret: true\n",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    assert!(
        output.stderr.contains("everything was translated"),
        "{}",
        output.stderr
    );
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);

    // The step is the last thing written: check what the server saw.
    let basic = base64::engine::general_purpose::STANDARD.encode("me:m3-pw");
    let expect =
        format!("    expect:\n      jsonpath: {{ $.headers.authorization: \"Basic {basic}\" }}\n");
    std::fs::write(&out, format!("{yaml}{expect}")).expect("write");
    let run = runner_with_env(
        ["run", &out.display().to_string(), "-v"],
        &[
            ("BASIC_PASSWORD", "s3cr3t-url-pw"),
            ("BASIC_PASSWORD_2", "m3-pw"),
        ],
    );
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
    assert!(
        run.stdout.contains("\"authorization\":\"Basic ***\""),
        "{}",
        run.stdout
    );
    for secret in ["s3cr3t-url-pw", "m3-pw", &basic] {
        assert!(!run.stdout.contains(secret), "{secret}:\n{}", run.stdout);
        assert!(!run.stderr.contains(secret), "{secret}:\n{}", run.stderr);
    }

    // A URL that does not parse is reported, and named, without its user info.
    let broken = dir.file("broken.sh", "curl 'http://ops:n0t-a-url-pw@ho st/x'\n");
    let output = runner(["import", "curl", &broken.display().to_string()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("`http://***@ho st/x`"),
        "{}",
        output.stderr
    );
    assert!(!output.stdout.contains("n0t-a-url-pw"), "{}", output.stdout);
    assert!(!output.stderr.contains("n0t-a-url-pw"), "{}", output.stderr);
}

/// An API key given as the Basic user name with an empty password (`curl -u sk_test_…:`, as
/// Stripe, Twilio and Mailgun document their APIs; a token as a URL's user name) is the
/// credential: it becomes a secret input, the empty password stays empty (no input to set),
/// and the run sends `key:` as curl does, masked in its output.
#[test]
fn an_api_key_given_as_the_user_name_is_a_secret_input() {
    use base64::Engine as _;
    let dir = Fixture::new();
    let port = server().port();
    let script = dir.file(
        "stripe.sh",
        &format!(
            "curl http://127.0.0.1:{port}/echo -u sk_test_4eC39HqLyjWD: -d description=x\n\
             curl http://ghp_t0kenAsUser@127.0.0.1:{port}/echo\n"
        ),
    );
    let out = dir.path().join("stripe.yaml");
    let output = runner([
        "import",
        "curl",
        &script.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for secret in ["sk_test_4eC39HqLyjWD", "ghp_t0kenAsUser"] {
        assert!(!yaml.contains(secret), "{secret}:\n{yaml}");
        assert!(!output.stderr.contains(secret), "{}", output.stderr);
    }
    for wanted in [
        "auth: { basic: { username: \"{{basic_username}}\", password: \"\" } }",
        "auth: { basic: { username: \"{{basic_username_2}}\", password: \"\" } }",
        "BASIC_USERNAME:\n    secret: true\n",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    assert!(!yaml.contains("BASIC_PASSWORD"), "{yaml}");
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);

    // The first step is what the server saw with the key as the user name.
    let basic = base64::engine::general_purpose::STANDARD.encode("sk_test_4eC39HqLyjWD:");
    let first = yaml
        .find("\n  - name: POST /echo\n")
        .expect("the first step");
    let end = yaml[first + 1..]
        .find("\n  - name:")
        .map_or(yaml.len(), |i| first + 1 + i);
    let expect =
        format!("\n    expect:\n      jsonpath: {{ $.headers.authorization: \"Basic {basic}\" }}");
    let with_check = format!("{}{expect}{}", &yaml[..end], &yaml[end..]);
    std::fs::write(&out, &with_check).expect("write");
    let run = runner_with_env(
        ["run", &out.display().to_string(), "-v"],
        &[
            ("BASIC_USERNAME", "sk_test_4eC39HqLyjWD"),
            ("BASIC_USERNAME_2", "ghp_t0kenAsUser"),
        ],
    );
    assert_eq!(run.code, 0, "{with_check}\n{run:?}");
    for secret in ["sk_test_4eC39HqLyjWD", "ghp_t0kenAsUser", &basic] {
        assert!(!run.stdout.contains(secret), "{secret}:\n{}", run.stdout);
        assert!(!run.stderr.contains(secret), "{secret}:\n{}", run.stderr);
    }
}

/// A file curl reads (`-d @file`, `-F name=@file`, `-T file`) is relative to curl's working
/// directory, and runner reads it relative to the collection's: the path is rebased to where
/// the collection is written, and a file that is not there is reported (the collection does
/// not validate until it is), not "everything was translated".
#[test]
fn a_file_curl_reads_is_rebased_to_the_collection_or_reported_missing() {
    let dir = Fixture::new();
    dir.file("body.txt", "hello");
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("out");
    let import = |args: &[&str]| {
        let mut command = crate::support::runner_command();
        command.current_dir(dir.path()).args(args);
        let output = command.output().expect("runner");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = import(&[
        "import",
        "curl",
        "-o",
        "out/a.yaml",
        "--",
        "curl",
        "-F",
        "doc=@body.txt",
        "http://h.example/upload",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let yaml = std::fs::read_to_string(out_dir.join("a.yaml")).expect("written");
    assert!(yaml.contains("file: ../body.txt"), "{yaml}");
    assert!(stderr.contains("is written `../body.txt`"), "{stderr}");
    let validated = runner(["validate", &out_dir.join("a.yaml").display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");

    for (option, value) in [
        ("-d", "@missing.json"),
        ("-F", "f=@missing.json"),
        ("-T", "missing.json"),
    ] {
        let (code, stderr) = import(&[
            "import",
            "curl",
            "-o",
            "out/b.yaml",
            "--",
            "curl",
            option,
            value,
            "http://h.example/x",
        ]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stderr.contains("the file `missing.json` does not exist in the working directory, where curl reads it"),
            "{option}: {stderr}"
        );
        assert!(
            !stderr.contains("everything was translated"),
            "{option}: {stderr}"
        );
    }
}

/// `--digest`, `--ntlm`, `--negotiate` and `--anyauth` make curl send the credentials in
/// another scheme (never Basic up front): runner has none of them, so the step sends no
/// credentials at all, and the report says so and what to do. `--basic` goes back to Basic.
#[test]
fn digest_ntlm_negotiate_and_anyauth_credentials_are_never_sent_as_basic() {
    let dir = Fixture::new();
    let port = server().port();
    let script = dir.file(
        "schemes.sh",
        &format!(
            "curl \"http://127.0.0.1:{port}/echo\" -u \"some_username:d1gest-pw\" --digest\n\
             curl --ntlm -u 'DOM\\\\ann:ntlm-pw' http://127.0.0.1:{port}/echo\n\
             curl --negotiate -u : http://127.0.0.1:{port}/echo\n\
             curl --anyauth http://ann:any-pw@127.0.0.1:{port}/echo\n\
             curl --digest --basic -u ann:b4sic-pw http://127.0.0.1:{port}/echo\n"
        ),
    );
    let out = dir.path().join("schemes.yaml");
    let output = runner([
        "import",
        "curl",
        &script.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for secret in ["d1gest-pw", "ntlm-pw", "any-pw", "b4sic-pw"] {
        assert!(!yaml.contains(secret), "{secret}:\n{yaml}");
        assert!(!output.stderr.contains(secret), "{}", output.stderr);
    }
    // Only the `--basic` command sends Basic auth.
    assert_eq!(yaml.matches("basic:").count(), 1, "{yaml}");
    assert!(
        yaml.contains("auth: { basic: { username: ann, password: \"{{basic_password}}\" } }"),
        "{yaml}"
    );
    for option in ["--digest", "--ntlm", "--negotiate", "--anyauth"] {
        let reported = regex::Regex::new(&format!(
            r"not translated: line \d+ · {option}\n  runner does not"
        ))
        .expect("regex");
        assert!(
            reported.is_match(&output.stderr),
            "{option}: {}",
            output.stderr
        );
    }
    assert!(
        output
            .stderr
            .contains("runner does not support HTTP Digest authentication, and curl never sends these credentials as Basic")
            && output.stderr.contains("4 things not translated")
            && !output.stderr.contains("is sent without it\n"),
        "{}",
        output.stderr
    );
    assert_eq!(runner(["validate", &out.display().to_string()]).code, 0);

    // Run: the first four steps send no Authorization header at all.
    let run = runner_with_env(
        ["run", &out.display().to_string(), "-v"],
        &[("BASIC_PASSWORD", "b4sic-pw")],
    );
    assert_eq!(run.code, 0, "{yaml}\n{run:?}");
    assert_eq!(
        run.stdout.matches("\"authorization\":").count(),
        1,
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.matches("\"user-agent\":").count(),
        5,
        "{}",
        run.stdout
    );
}

/// `multipart:` holds one part per name: a field curl sends again (`-F a=1 -F a=2`) keeps its
/// first part, and the others are reported as not translated — never a collection with the
/// name twice, which does not load.
#[test]
fn a_repeated_multipart_field_keeps_the_first_and_reports_the_others() {
    let dir = Fixture::new();
    let out = dir.path().join("parts.yaml");
    let output = runner([
        "import",
        "curl",
        "-o",
        &out.display().to_string(),
        "--",
        "curl",
        "-F",
        "a=1",
        "-F",
        "b=x",
        "-F",
        "a=2",
        "http://127.0.0.1:9/upload",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains(
            "the multipart field `a` repeats: runner sends each name once, the first is kept"
        ),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(
        yaml.contains("a: \"1\"") && !yaml.contains("a: \"2\""),
        "{yaml}"
    );
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{validated:?}");
}

/// `--cert FILE:PASSPHRASE` is a run setting: the note that says so names the file, never the
/// passphrase.
#[test]
fn a_certificate_s_passphrase_is_not_printed() {
    let output = runner([
        "import",
        "curl",
        "--",
        "curl",
        "https://h.example/x",
        "--cert",
        "client.pem:Imp0rtCertPwZ",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("runner run --cert client.pem`"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stdout.contains("Imp0rtCertPwZ"),
        "{}",
        output.stdout
    );
    assert!(
        !output.stderr.contains("Imp0rtCertPwZ"),
        "{}",
        output.stderr
    );
}

/// A multipart text part named like a credential is read from a secret input, as a form or
/// JSON field is (curl and HAR build their parts the same way).
#[test]
fn a_multipart_credential_is_read_from_a_secret_input() {
    let output = runner([
        "import",
        "curl",
        "--",
        "curl",
        "https://h.example/x",
        "-F",
        "password=Imp0rtFormZ",
        "--form-string",
        "api_token=Tok3nZZ9",
        "-F",
        "name=ann",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    for secret in ["Imp0rtFormZ", "Tok3nZZ9"] {
        assert!(!output.stdout.contains(secret), "{}", output.stdout);
        assert!(!output.stderr.contains(secret), "{}", output.stderr);
    }
    assert!(
        output.stdout.contains("password: \"{{password}}\"") && output.stdout.contains("name: ann"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_value_of_an_option_runner_does_not_translate_is_neither_a_request_nor_printed() {
    for option in [
        &["--pass", "KEYPW-1"][..],
        &["--tlspassword", "KEYPW-1"],
        &["--key-type", "KEYPW-1"],
        &["--socks5-gssapi-service", "KEYPW-1"],
        &["-U", "anon:KEYPW-1"],
        &["--proxy-user=anon:KEYPW-1"],
        &["-sUanon:KEYPW-1"],
        &["--a-future-option", "KEYPW-1"],
    ] {
        let mut args = vec!["import", "curl", "--", "curl", "http://127.0.0.1:19401/a"];
        args.extend_from_slice(option);
        let output = runner(args);
        assert_eq!(output.code, 0, "{option:?}: {output:?}");
        assert!(
            output.stderr.contains("imported 1 request"),
            "{option:?}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains("not translated"),
            "{option:?}: {}",
            output.stderr
        );
        assert!(
            !output.stdout.contains("KEYPW"),
            "{option:?}:\n{}",
            output.stdout
        );
        assert!(
            !output.stderr.contains("KEYPW"),
            "{option:?}: {}",
            output.stderr
        );
    }
}

#[test]
fn shell_redirections_give_the_body_or_are_reported_and_never_a_url() {
    let dir = Fixture::new();
    let script = dir.path().join("redirect.sh");
    std::fs::write(
        &script,
        "curl -H 'Content-Type: application/json' --data-binary @- http://h.example/a <<DATA\n{\"a\": 1}\nDATA\n\
         curl -d @- http://h.example/b <<< 'x=1' > out.txt 2>&1\n\
         cat body | curl --data @- http://h.example/c\n\
         curl --data @- http://h.example/d < $BODY && echo done\n",
    )
    .expect("written");
    let out = dir.path().join("redirect.yaml");
    let output = runner([
        "import",
        "curl",
        &script.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("imported 4 requests"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("2 things not translated"),
        "{}",
        output.stderr
    );
    let yaml = std::fs::read_to_string(&out).expect("written");
    assert!(yaml.contains("json: { a: 1 }"), "{yaml}");
    assert!(yaml.contains("form: { x: \"1\" }"), "{yaml}");
    assert!(
        !yaml.contains("http://<") && !yaml.contains("out.txt"),
        "{yaml}"
    );
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{yaml}\n{validated:?}");
}

/// A body holding a credential, for the generator of
/// [`a_credential_in_any_body_is_never_written`].
pub(crate) struct CredentialBody {
    /// The `Content-Type` sent with it, if any.
    pub content_type: Option<&'static str>,
    /// The body's text.
    pub body: String,
    /// The credential it holds, which no output may show.
    pub secret: String,
}

/// Content types a recorded body comes with: none, JSON and JSON-based, text, XML, a form,
/// bytes.
const BODY_TYPES: &[Option<&str>] = &[
    None,
    Some("text/plain"),
    Some("application/json"),
    Some("application/vnd.api+json"),
    Some("application/problem+json; charset=utf-8"),
    Some("application/xml"),
    Some("application/x-www-form-urlencoded"),
    Some("application/octet-stream"),
];

/// Names that read as a credential, in the spellings bodies use.
const CREDENTIAL_NAMES: &[&str] = &[
    "password",
    "token",
    "apiKey",
    "client_secret",
    "access_token",
    "X-Api-Key",
    "auth",
];

/// Every content type × body shape × credential name: JSON (flat, nested and pretty, a list,
/// an escaped string), JSON that does not parse, a form, XML (an element, an attribute, a
/// prefixed CDATA element), `.env`/YAML lines and single-quoted pairs. Each case holds a
/// credential of its own.
pub(crate) fn credential_bodies() -> Vec<CredentialBody> {
    type Shape = fn(&str, &str) -> String;
    let shapes: &[Shape] = &[
        |n, v| format!(r#"{{"user":"ann","{n}":"{v}"}}"#),
        |n, v| format!("{{\n  \"data\": {{\n    \"{n}\" : \"{v}\",\n    \"n\": 1\n  }}\n}}"),
        |n, v| format!(r#"[{{"{n}":["{v}"]}}]"#),
        |n, v| format!(r#"{{"{n}":"{v}\"q\\/"}}"#),
        |n, v| format!(r#"{{"{n}": "{v}", }}"#),
        |n, v| format!("user=ann&{n}={v}&page=2"),
        |n, v| format!("<login><user>ann</user><{n}>{v}</{n}></login>"),
        |n, v| format!(r#"<login user="ann" {n}="{v}"/>"#),
        |n, v| format!(r#"<a:login xmlns:a="urn:x"><a:{n}><![CDATA[{v}]]></a:{n}></a:login>"#),
        |n, v| format!("user: ann\n{n}: {v}\n"),
        |n, v| format!("user=ann\n{n} = {v}\n"),
        |n, v| format!("{{'user': 'ann', '{n}': '{v}'}}"),
    ];
    let mut cases = Vec::new();
    for &content_type in BODY_TYPES {
        for shape in shapes {
            for name in CREDENTIAL_NAMES {
                let secret = format!("Cr3d{:04}Zq", cases.len());
                cases.push(CredentialBody {
                    content_type,
                    body: shape(name, &secret),
                    secret,
                });
            }
        }
    }
    cases
}

/// `text` as one word of a POSIX shell.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A credential in a body is never written, whatever the body's `Content-Type` and shape:
/// each becomes a variable read from a secret input, noted on stderr, and the collection
/// validates.
#[test]
fn a_credential_in_any_body_is_never_written() {
    let dir = Fixture::new();
    let cases = credential_bodies();
    let mut script = String::new();
    for (i, case) in cases.iter().enumerate() {
        let method = if i % 2 == 0 { "POST" } else { "PUT" };
        script.push_str(&format!("curl -X {method} https://h.example/b/{i}"));
        if let Some(content_type) = case.content_type {
            script.push_str(&format!(" -H 'Content-Type: {content_type}'"));
        }
        let option = if i % 3 == 0 {
            "--data-binary"
        } else {
            "--data-raw"
        };
        script.push_str(&format!(" {option} {}\n", shell_quoted(&case.body)));
    }
    let commands = dir.file("bodies.sh", &script);
    let out = dir.path().join("bodies.yaml");
    let output = runner([
        "import",
        "curl",
        &commands.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = std::fs::read_to_string(&out).expect("written");
    for case in &cases {
        assert!(
            !yaml.contains(&case.secret),
            "{:?} {:?}:\n{yaml}",
            case.content_type,
            case.body
        );
        assert!(
            !output.stderr.contains(&case.secret),
            "{:?}: {}",
            case.body,
            output.stderr
        );
    }
    // The samples of the audit, as written.
    for wanted in [
        "body: <login><user>ann</user><password>{{",
        r#"body: "{\"user\":\"ann\",\"password\":\"{{"#,
        r#"\"password\":{{json password"#,
        "body: user=ann&password={{",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    assert!(
        output
            .stderr
            .contains("in the body (read as text) is now `{{"),
        "{}",
        output.stderr
    );
    let validated = runner(["validate", &out.display().to_string()]);
    assert_eq!(validated.code, 0, "{validated:?}");
}

/// The bodies of the audit: a text body is read for credentials whatever its `Content-Type`,
/// and sent as it was written, the credential from its secret input.
#[test]
fn a_text_body_s_credential_is_sent_from_its_secret_input() {
    let output = runner([
        "import",
        "curl",
        "--",
        "curl",
        "-X",
        "PUT",
        "https://h.example/x",
        "--data-binary",
        r#"{"token":"Put5757","note":"kept"}"#,
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(!output.stdout.contains("Put5757"), "{}", output.stdout);
    assert!(
        output
            .stdout
            .contains(r#"body: "{\"token\":\"{{token}}\",\"note\":\"kept\"}""#)
            && output.stdout.contains("token: \"{{env.TOKEN}}\""),
        "{}",
        output.stdout
    );
}

/// A shell variable in a word of a POSIX command, in each place curl reads one and each way
/// of quoting it: unquoted or in double quotes (`$NAME`, `${NAME}`) it is the input `NAME`,
/// read as `{{env.NAME}}` (reported), and the run sends its value; in single quotes it is the
/// text `$NAME`, sent as written and not reported.
#[test]
fn shell_variables_become_inputs_in_every_argument_and_quoting() {
    // (what the word holds, with `@V` for the variable; the options before it; what the run
    // sends where the variable was, given RV_VALUE=v4lue, when it is not secret).
    let positions: &[(&str, &str, &[&str], Option<&str>)] = &[
        ("url", "{{SERVER}}/echo?q=@V", &[], Some("q=v4lue")),
        (
            "header",
            "X-Rv:@V",
            &["{{SERVER}}/echo", "-H"],
            Some("x-rv: v4lue"),
        ),
        ("-d", "a=@V", &["{{SERVER}}/echo", "-d"], Some("a=v4lue")),
        ("-u", "@V:@V", &["{{SERVER}}/echo", "-u"], None),
        ("-F", "f=@V", &["{{SERVER}}/echo", "-F"], Some("f=v4lue")),
        (
            "--data-urlencode",
            "b=@V",
            &["{{SERVER}}/echo", "--data-urlencode"],
            Some("b=v4lue"),
        ),
    ];
    // (the quoting, how it writes a word, the variable as written, whether it is read).
    type Quoting = (&'static str, fn(&str) -> String, &'static str, bool);
    let quotings: &[Quoting] = &[
        ("unquoted", |w| w.to_owned(), "$RV_VALUE", true),
        ("unquoted, braced", |w| w.to_owned(), "${RV_VALUE}", true),
        ("double-quoted", |w| format!("\"{w}\""), "$RV_VALUE", true),
        (
            "double-quoted, braced",
            |w| format!("\"{w}\""),
            "${RV_VALUE}",
            true,
        ),
        ("single-quoted", |w| format!("'{w}'"), "$RV_VALUE", false),
    ];
    let dir = Fixture::new();
    for (place, word, before, sent) in positions {
        for (quoting, quote, variable, read) in quotings {
            let case = format!("{place}, {quoting}");
            let mut command = vec!["curl".to_owned()];
            command.extend(before.iter().map(|w| w.to_string()));
            command.push(quote(&word.replace("@V", variable)));
            let file = dir.file("command.sh", &command.join(" "));
            let out = dir.path().join("out.yaml");
            let imported = runner([
                "import".as_ref(),
                "curl".as_ref(),
                file.as_os_str(),
                "-o".as_ref(),
                out.as_os_str(),
            ]);
            assert_eq!(imported.code, 0, "{case}: {imported:?}");
            let yaml = std::fs::read_to_string(&out).expect("written");
            if !*read {
                assert!(
                    !yaml.contains("env.RV_VALUE") && !imported.stderr.contains("RV_VALUE"),
                    "{case}: {yaml}\n{}",
                    imported.stderr
                );
                // `-u '$RV_VALUE:$RV_VALUE'`: the user name is the password, lifted into a
                // variable, and so written as the variable too.
                assert!(
                    yaml.contains("$RV_VALUE") || *place == "-u",
                    "{case}: {yaml}"
                );
                continue;
            }
            assert!(
                yaml.contains("\"{{env.RV_VALUE}}")
                    && yaml.contains("  RV_VALUE: { description: ")
                    && yaml.matches("$RV_VALUE").count() == 1,
                "{case}: {yaml}"
            );
            assert!(
                imported
                    .stderr
                    .contains("`$RV_VALUE` is a shell variable, which the shell replaces"),
                "{case}: {}",
                imported.stderr
            );
            assert!(
                imported.stderr.contains("everything was translated"),
                "{case}: {}",
                imported.stderr
            );
            let validated = runner(["validate".as_ref(), out.as_os_str()]);
            assert_eq!(validated.code, 0, "{case}: {yaml}\n{validated:?}");
            let Some(sent) = sent else {
                assert!(
                    yaml.contains(
                        r#"auth: { basic: { username: "{{env.RV_VALUE}}", password: "{{env.RV_VALUE}}" } }"#
                    ),
                    "{case}: {yaml}"
                );
                continue;
            };
            let curl = dir.path().join("sent.sh");
            let run = runner_with_env(
                [
                    "run".as_ref(),
                    out.as_os_str(),
                    "--curl".as_ref(),
                    curl.as_os_str(),
                ],
                &[("RV_VALUE", "v4lue")],
            );
            assert_eq!(run.code, 0, "{case}: {yaml}\n{run:?}");
            let commands = std::fs::read_to_string(&curl).expect("--curl written");
            assert!(commands.contains(sent), "{case}: {commands}");
            let unset = runner(["run".as_ref(), out.as_os_str()]);
            assert_ne!(unset.code, 0, "{case}: {unset:?}");
            assert!(unset.stderr.contains("RV_VALUE"), "{case}: {unset:?}");
        }
    }
}

/// Twilio's documented snippet: the account SID in the path and as the Basic user, the auth
/// token as the password (a secret input, by its name); nothing is sent as `$NAME`.
#[test]
fn the_twilio_snippet_reads_its_shell_variables_as_inputs() {
    let dir = Fixture::new();
    let file = dir.file(
        "twilio.sh",
        "curl -X POST \"https://api.twilio.com/2010-04-01/Accounts/$TWILIO_ACCOUNT_SID/Messages.json\" \\\n\
         --data-urlencode \"Body=Hi\" \\\n\
         -u $TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN\n",
    );
    let output = runner(["import".as_ref(), "curl".as_ref(), file.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    let yaml = &output.stdout;
    for wanted in [
        "  TWILIO_ACCOUNT_SID: { description: ",
        "  TWILIO_AUTH_TOKEN:\n    secret: true\n",
        "- name: POST /2010-04-01/Accounts/{{env.TWILIO_ACCOUNT_SID}}/Messages.json",
        r#"url: "{{base_url}}/2010-04-01/Accounts/{{env.TWILIO_ACCOUNT_SID}}/Messages.json""#,
        "        basic:\n          username: \"{{env.TWILIO_ACCOUNT_SID}}\"\n          password: \"{{env.TWILIO_AUTH_TOKEN}}\"\n",
        "form: { Body: Hi }",
    ] {
        assert!(yaml.contains(wanted), "{wanted}:\n{yaml}");
    }
    assert!(
        !yaml.replace("$schema", "").contains("$TWILIO_ACCOUNT_SID/")
            && !yaml.contains("username: $"),
        "{yaml}"
    );
    assert!(
        output
            .stderr
            .contains("the secret input `TWILIO_AUTH_TOKEN`"),
        "{}",
        output.stderr
    );
}

/// What runner cannot read from the shell is sent as written and reported as not translated,
/// its text shown up to its first word (a command's arguments may be a credential).
#[test]
fn other_shell_expansions_are_reported_as_sent_as_written() {
    let dir = Fixture::new();
    let file = dir.file(
        "other.sh",
        "curl https://h.example/x -H \"X-Date: $(date +%s)\" -H \"X-T: `cat tok3n-file`\" \
         -d \"a=${TOKEN:-s3cr3t-default}&b=$1\" -H 'X-Lit: $(lit3ral)'\n\
         curl \"$BASE/y\" -d @\"$FILE\"\n",
    );
    let output = runner(["import".as_ref(), "curl".as_ref(), file.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    for wanted in [
        "`$(date …)` is a command substitution",
        "``cat …`` is a command substitution",
        "`${TOKEN…}` is a parameter expansion runner does not read",
        "`$1` is a special parameter",
        "the URL starts with a shell variable: its value must name the scheme",
        "the file `{{env.FILE}}` is named by a variable",
    ] {
        assert!(
            output.stderr.contains(wanted),
            "{wanted}: {}",
            output.stderr
        );
    }
    assert!(
        !output.stderr.contains("s3cr3t-default"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("tok3n-file"), "{}", output.stderr);
    assert!(!output.stderr.contains("lit3ral"), "{}", output.stderr);
    assert!(
        output.stdout.contains(r#"url: "{{env.BASE}}/y""#),
        "{}",
        output.stdout
    );
}

/// A credential an importer lifts into a variable is never written anywhere else either:
/// repeated in the URL's path (plain and percent-encoded), another header, the body, the
/// request's name (and so the collection's and the notes'), or a script kept as a comment —
/// for curl, HAR-like and Postman input. The collection still validates.
#[test]
fn a_lifted_credential_repeated_elsewhere_is_written_nowhere() {
    let fixture = Fixture::new();
    for (n, secret) in ["BasicPassImp08", "Pa ss+Word/9", "pässwört-42"]
        .iter()
        .enumerate()
    {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let path_form = encoded.replace('+', "%20");
        let curl = fixture.file(
            &format!("c{n}.sh"),
            &format!(
                "curl -u 'bob:{secret}' -H 'X-Echo: {secret}' --data-raw 'note={path_form}' 'https://api.example.com/f/{path_form}/x'\n"
            ),
        );
        let postman = fixture.file(
            &format!("p{n}.json"),
            &serde_json::json!({
                "info": { "name": format!("PM {secret}"), "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
                "item": [{
                    "name": format!("get {secret}"),
                    "event": [{ "listen": "prerequest", "script": { "exec": [format!("pm.sendRequest('https://x/?k={secret}')")] } }],
                    "request": {
                        "method": "POST",
                        "url": format!("https://x.example/a/{path_form}"),
                        "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": secret }] },
                        "header": [{ "key": "X-Echo", "value": format!("v {secret}") }],
                        "body": { "mode": "raw", "raw": format!("token {secret}") }
                    }
                }]
            })
            .to_string(),
        );
        for (kind, input) in [("curl", &curl), ("postman", &postman)] {
            let out = fixture.path().join(format!("{kind}{n}.yaml"));
            let output = runner([
                "import",
                kind,
                input.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ]);
            assert!(matches!(output.code, 0 | 1), "{kind}: {output:?}");
            let yaml = std::fs::read_to_string(&out).expect("written");
            for form in [secret.to_string(), encoded.clone(), path_form.clone()] {
                assert!(!yaml.contains(&form), "{kind}: {form} in\n{yaml}");
                assert!(
                    !output.stderr.contains(&form),
                    "{kind}: {form} in\n{}",
                    output.stderr
                );
            }
            let valid = runner(["validate", out.to_str().unwrap()]);
            assert_eq!(valid.code, 0, "{kind}: {valid:?}\n{yaml}");
        }
    }
}
