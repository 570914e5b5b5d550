//! Hostile input (issue 14): absurd numbers and durations, deep nesting, huge iteration
//! counts. Each is refused with what, where and how to fix it, or handled within bounds;
//! none makes runner panic or abort.

use crate::support::{runner, server, Fixture};

/// No panic and no abort: the exit code is one runner documents.
fn assert_clean(output: &crate::support::Output) {
    assert!(
        matches!(output.code, 0 | 1 | 2 | 3 | 130 | 143),
        "exit code {}: {output:?}",
        output.code
    );
    assert!(!output.stderr.contains("panicked"), "{output:?}");
}

#[test]
fn absurd_retry_values_and_durations_are_refused_where_they_are_written() {
    let fixture = Fixture::new();
    let retry = fixture.file(
        "retry.yaml",
        "name: Retry\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:1/\" }\n    retry: { attempts: 2000, interval: 1ms, backoff: 1e308 }\n",
    );
    let output = runner(["validate".as_ref(), retry.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("retry.yaml:5:24"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("1 to 1000"), "{}", output.stderr);
    assert!(
        output.stderr.contains("retry.yaml:5:54"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("1 to 100 "), "{}", output.stderr);

    let timeout = fixture.file(
        "timeout.yaml",
        "name: Timeout\ndefaults:\n  timeout: 9300000000000000000s\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    let output = runner(["validate".as_ref(), timeout.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("is longer than the limit of 24h for a duration"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("timeout.yaml:3:"),
        "{}",
        output.stderr
    );
}

#[test]
fn flags_beyond_their_limits_are_usage_errors() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "one.yaml",
        "name: One\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    for flags in [
        ["--timeout", "9300000000000000000s"],
        ["--connect-timeout", "1e300s"],
        ["--iterations", "4294967295"],
    ] {
        let mut args = vec!["run".to_owned(), path.display().to_string()];
        args.extend(flags.iter().map(|f| (*f).to_owned()));
        let output = runner(&args);
        assert_eq!(output.code, 2, "{flags:?}: {output:?}");
        assert_clean(&output);
    }
}

#[test]
fn a_doubling_backoff_saturates_instead_of_overflowing() {
    // With `backoff: 2` from 1 ms, the wait passes what a Duration holds at about the 74th
    // attempt; `max_interval` keeps the real pauses at 1 ms.
    let fixture = Fixture::new();
    let path = fixture.file(
        "backoff.yaml",
        &format!(
            "name: Backoff\nsteps:\n  - name: Always 503\n    request: {{ url: \"http://{}/status/503\" }}\n    expect: {{ status: 200 }}\n    retry: {{ attempts: 100, interval: 1ms, backoff: 2, max_interval: 1ms, on: [5xx] }}\n",
            server()
        ),
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_clean(&output);
    assert_eq!(output.code, 1, "{output:?}");
}

#[test]
fn a_postman_script_nesting_thousands_of_brackets_is_reported_not_parsed() {
    let fixture = Fixture::new();
    let script = format!("var x = {}1{};", "(".repeat(10_000), ")".repeat(10_000));
    let collection = serde_json::json!({
        "info": {
            "name": "Deep",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "item": [{
            "name": "Request",
            "request": { "method": "GET", "url": "http://127.0.0.1/" },
            "event": [{ "listen": "test", "script": { "exec": [script] } }]
        }]
    });
    let path = fixture.file("deep.json", &collection.to_string());
    let output = runner(["import".as_ref(), "postman".as_ref(), path.as_os_str()]);
    assert_clean(&output);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stderr
            .contains("the script nests brackets more than 128 levels deep"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_byte_order_mark_is_accepted_in_collections_and_postman_imports() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "bom.yaml",
        &format!(
            "\u{feff}name: BOM\nsteps:\n  - name: Text\n    request: {{ url: \"http://{}/text\" }}\n",
            server()
        ),
    );
    let output = runner(["run".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    let postman = fixture.file(
        "bom.json",
        "\u{feff}{\"info\": {\"name\": \"BOM\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"}, \"item\": [{\"name\": \"r\", \"request\": {\"method\": \"GET\", \"url\": \"http://127.0.0.1/\"}}]}",
    );
    let output = runner(["import".as_ref(), "postman".as_ref(), postman.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("name: BOM"), "{}", output.stdout);
}

#[test]
fn a_directory_run_reports_a_collection_with_a_misspelt_steps_key() {
    let fixture = Fixture::new();
    fixture.file(
        "typo.yaml",
        "name: Typo\nstpes:\n  - name: a\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    // Other YAML in the directory is still skipped.
    fixture.file("ci.yaml", "name: CI\non: push\njobs: {}\n");
    let output = runner(["run".as_ref(), fixture.path().as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("typo.yaml:2:1"), "{}", output.stderr);
    assert!(
        output.stderr.contains("did you mean `steps`?"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("ci.yaml"), "{}", output.stderr);
}

/// Symbolic links back up the tree (one ran a collection 41 times; two never ended) and a
/// second link to the same file: each collection is found once.
#[cfg(unix)]
#[test]
fn a_directory_with_links_back_up_the_tree_lists_each_collection_once() {
    let fixture = Fixture::new();
    fixture.file(
        "good.yaml",
        "name: Good\nsteps:\n  - name: a\n    request: { url: \"http://127.0.0.1:1/\" }\n",
    );
    let sub = fixture.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    std::os::unix::fs::symlink("..", sub.join("l1")).expect("link");
    std::os::unix::fs::symlink("..", sub.join("l2")).expect("link");
    std::os::unix::fs::symlink("../good.yaml", sub.join("same.yaml")).expect("link");
    let output = runner(["validate".as_ref(), fixture.path().as_os_str()]);
    assert_clean(&output);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("1 collection valid"),
        "{}",
        output.stdout
    );
}

/// Variables that each hold the next twice: 1 KB of YAML that would make a 4 GiB body (the
/// run aborted out of memory) is refused at load, where the text outgrows the bound, and
/// the variables that read it are not reported again.
#[test]
fn variables_that_double_at_each_level_are_refused_where_they_outgrow_the_bound() {
    let fixture = Fixture::new();
    let levels = 32;
    let vars: Vec<String> = (0..levels)
        .map(|i| format!("v{i}: \"{{{{v{n}}}}}{{{{v{n}}}}}\"", n = i + 1))
        .collect();
    let path = fixture.file(
        "double.yaml",
        &format!(
            "name: Doubling\nvars: {{ {}, v{levels}: x }}\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:1/\", body: \"{{{{v0}}}}\" }}\n",
            vars.join(", ")
        ),
    );
    let output = runner(["validate".as_ref(), path.as_os_str()]);
    assert_clean(&output);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output
            .stderr
            .contains("variable `v4`: the start values of the variables rendered so far, this one with them, hold more than 256 MiB together"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 problem found"),
        "{}",
        output.stderr
    );
}

/// One problem at the end of a long collection: every step read alone re-read the whole file
/// (4,000 steps ran past a minute); now each is read from its own text, and the problem is
/// found with its place.
#[test]
fn a_problem_at_the_end_of_a_long_collection_is_found_in_linear_time() {
    let fixture = Fixture::new();
    let mut text = String::from("name: Long\nsteps:\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "  - name: s{i}\n    request: {{ url: \"http://127.0.0.1:1/\" }}\n    expect: {{ status: 200 }}\n"
        ));
    }
    text.push_str(
        "  - name: bad\n    request: { url: \"http://127.0.0.1:1/\" }\n    expect: { stauts: 1 }\n",
    );
    let path = fixture.file("long.yaml", &text);
    let output = runner(["validate".as_ref(), path.as_os_str()]);
    assert_clean(&output);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("long.yaml:12005:15")
            && output.stderr.contains("did you mean `status`?"),
        "{}",
        output.stderr
    );
}

/// Past the 32nd step too, every step serde cannot read is named at its place: each is read
/// from its own text, not by re-reading the whole file.
#[test]
fn every_step_of_a_long_collection_that_does_not_read_is_named() {
    let fixture = Fixture::new();
    let mut text = String::from("name: Long\nsteps:\n");
    let broken: Vec<usize> = (0..3000).filter(|i| i % 50 == 49).collect();
    for i in 0..3000 {
        let status = if broken.contains(&i) {
            "{ a: 1 }"
        } else {
            "200"
        };
        text.push_str(&format!(
            "  - name: s{i}\n    request: {{ url: \"http://127.0.0.1:1/\" }}\n    expect: {{ status: {status} }}\n"
        ));
    }
    let path = fixture.file("long.yaml", &text);
    let output = runner(["validate".as_ref(), path.as_os_str()]);
    assert_clean(&output);
    assert_eq!(output.code, 2, "{output:?}");
    for i in &broken {
        // Step i starts on line 3 + 3i, its `expect` on line 5 + 3i, the status value at
        // column 23.
        let place = format!("long.yaml:{}:23", 5 + 3 * i);
        let field = format!("field: steps[{i}].expect.status");
        assert!(
            output.stderr.contains(&place) && output.stderr.contains(&field),
            "{place} {field}\n{}",
            output.stderr
        );
    }
    assert!(
        output
            .stderr
            .contains(&format!("{} problems found", broken.len())),
        "{}",
        output.stderr
    );
}

#[test]
fn yaml_nested_beyond_the_limit_is_refused_at_once_with_its_place() {
    let fixture = Fixture::new();
    for (name, value) in [
        (
            "flow.yaml",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "maps.yaml",
            format!("{}1{}", "{a: ".repeat(100_000), "}".repeat(100_000)),
        ),
        (
            "just-over.yaml",
            format!("{}{}", "[".repeat(101), "]".repeat(101)),
        ),
    ] {
        let path = fixture.file(
            name,
            &format!("name: Deep\nsteps: []\nvars:\n  a: {value}\n"),
        );
        let output = runner(["validate".as_ref(), path.as_os_str()]);
        assert_eq!(output.code, 2, "{output:?}");
        assert!(
            output
                .stderr
                .contains("maps and lists nest more than 100 levels deep here"),
            "{name}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains(&format!("{name}:4:")),
            "{}",
            output.stderr
        );
        // The 200 KB line is not printed back.
        assert!(
            output.stderr.len() < 2_000,
            "{name}: {} bytes",
            output.stderr.len()
        );
    }
    // At the limit is fine.
    let path = fixture.file(
        "at-limit.yaml",
        &format!(
            "name: Deep\nvars:\n  a: {}{}\nsteps:\n  - name: s\n    request: {{ url: \"http://127.0.0.1:1/\" }}\n",
            "[".repeat(98),
            "]".repeat(98)
        ),
    );
    let output = runner(["validate".as_ref(), path.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
}

#[test]
fn a_body_of_more_json_values_than_runner_keeps_fails_its_step_within_bounded_memory() {
    // 25,000,001 zeros (50 MB): what `$[*]` keeps of them took more than 4 GB, and a
    // 200 MB body of small objects more than 10 GB (the system killed the run). What is
    // built from one body is now bounded; past the bound the step fails and says what to
    // do, and a path that names little still reads the same body.
    let Some(prlimit) = prlimit() else { return };
    let address = server();
    let fixture = Fixture::new();
    let collection = fixture.file(
        "zeros.yaml",
        &format!(
            "name: Zeros\nsteps:\n  - name: first\n    request: {{ url: \"http://{address}/zeros/25000001\" }}\n    expect: {{ jsonpath: {{ \"$[0]\": 0 }} }}\n  - name: every\n    request: {{ url: \"http://{address}/zeros/25000001\" }}\n    capture: {{ all: {{ jsonpath: \"$[*]\", all: true }} }}\n"
        ),
    );
    let (code, output) = run_capped(prlimit, &collection);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("1 passed, 1 failed"), "{output}");
    assert!(
        output.contains("holds more JSON values than runner keeps from one response (2 GiB")
            && output.contains("`$[0:1000]` rather than `$[*]`"),
        "{output}"
    );
}

#[test]
fn a_paginated_step_whose_pages_each_read_their_whole_body_is_not_bounded_by_their_sum() {
    // Each page's schema check builds its whole tree (~350 MB as counted, for 1,000,000
    // values) and drops it with the page: eight pages ran past the bound when every page's
    // checks were charged for good. Only what `collect` keeps adds up.
    let Some(prlimit) = prlimit() else { return };
    let address = server();
    let fixture = Fixture::new();
    fixture.file("array.json", r#"{ "type": "array" }"#);
    let collection = fixture.file(
        "pages.yaml",
        &format!(
            r#"name: Pages
steps:
  - name: pages
    request: {{ url: "http://{address}/zeros/1000000" }}
    expect: {{ schema: array.json }}
    paginate: {{ next: {{ query: page }}, collect: {{ first: "$[0]" }}, max_pages: 8 }}
"#
        ),
    );
    let (code, output) = run_capped(prlimit, &collection);
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("· 8 pages"), "{output}");
}

/// `runner run --continue-on-failure COLLECTION` under a 3 GB address-space cap (one malloc
/// arena, so that the cap measures what is used): its exit code and output.
fn run_capped(prlimit: &str, collection: &std::path::Path) -> (Option<i32>, String) {
    let binary = std::env::var_os("RUNNER_TEST_BINARY")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_runner").into());
    let output = std::process::Command::new(prlimit)
        .arg("--as=3000000000")
        .arg("--")
        .arg(binary)
        .args(["run", "--color", "never", "--continue-on-failure"])
        .arg(collection)
        .env("MALLOC_ARENA_MAX", "1")
        .output()
        .expect("prlimit runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.code(), format!("{stdout}\n{stderr}"))
}

#[test]
fn what_jsonpath_builds_for_long_names_and_across_pages_is_bounded_and_a_cut_body_is_not_json() {
    // A 1 MB member name over 50,000 values: `$..*` built a 1 MB path string for each (50
    // GB). Pages of 2,000,000 values collected add up past the bound, each within it.
    // A body cut short after 5,000,000 objects is not JSON: what the pruned parse built for
    // `$[*].id` is given back before the full parse says why (both together were past the
    // bound, and the step said "too large").
    let Some(prlimit) = prlimit() else { return };
    let address = server();
    let fixture = Fixture::new();
    let collection = fixture.file(
        "bounded.yaml",
        &format!(
            r#"name: Bounded
steps:
  - name: long names
    request: {{ url: "http://{address}/long-name/1000000/50000" }}
    capture: {{ all: {{ jsonpath: "$..*", all: true }} }}
  - name: pages
    request: {{ url: "http://{address}/zeros/2000000" }}
    paginate: {{ next: {{ query: page }}, collect: {{ every: "$[*]" }}, max_pages: 5 }}
  - name: cut
    request: {{ url: "http://{address}/ids-cut/5000000" }}
    capture: {{ all: {{ jsonpath: "$[*].id", all: true }} }}
"#
        ),
    );
    let (code, output) = run_capped(prlimit, &collection);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("0 passed, 3 failed"), "{output}");
    let too_large = "holds more JSON values than runner keeps from one response";
    assert_eq!(output.matches(too_large).count(), 4, "{output}");
    assert!(
        output.contains("page 4: collect `every`") && output.contains("· 4 pages"),
        "{output}"
    );
    assert!(output.contains("EOF while parsing"), "{output}");
}

#[test]
fn a_text_of_many_templates_loads_in_linear_time_or_is_refused_where_it_is_written() {
    // handlebars' parser counts lines from the start of the text for every element: 80,000
    // `{{x}}` took 55 s to load, and its time grows with the square of the text.
    let fixture = Fixture::new();
    let plain = fixture.file(
        "plain.yaml",
        &format!(
            "name: Plain\nvars: {{ x: a }}\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:1/\", method: POST, body: \"{}\" }}\n",
            vec!["{{x}}"; 100_000].join(" ")
        ),
    );
    let output = runner(["validate".as_ref(), plain.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");
    // So is a JSON text body, whose closing braces stand next to its variables.
    let json_text = fixture.file(
        "json-text.yaml",
        &format!(
            "name: JSON text\nvars: {{ id: 1 }}\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:1/\", method: POST, body: '[{}]' }}\n",
            vec![r#"{"u": {"id": "{{id}}"}}"#; 20_000].join(",")
        ),
    );
    let output = runner(["validate".as_ref(), json_text.as_os_str()]);
    assert_eq!(output.code, 0, "{output:?}");

    // Helpers go through handlebars: a text that would take it seconds is refused.
    let helpers = fixture.file(
        "helpers.yaml",
        &format!(
            "name: Helpers\nvars: {{ x: a }}\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:1/\", method: POST, body: \"{}\" }}\n",
            vec!["{{upper x}}"; 20_000].join(" ")
        ),
    );
    let output = runner(["validate".as_ref(), helpers.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("helpers.yaml:5:64")
            && output.stderr.contains(
                "20000 `{{…}}` in a text of 239999 bytes are more than the template parser reads"
            ),
        "{}",
        output.stderr
    );

    // Its escape rule is tried at every backslash of a run: 200,000 of them took 11.8 s.
    let backslashes = fixture.file(
        "backslashes.yaml",
        &format!(
            "name: Backslashes\nvars: {{ x: a }}\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:1/\", method: POST, body: '{{{{upper x}}}}{}' }}\n",
            "\\".repeat(200_000)
        ),
    );
    let output = runner(["validate".as_ref(), backslashes.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("backslashes.yaml:5:64")
            && output
                .stderr
                .contains("runs of backslashes (the longest 200000) are more than"),
        "{}",
        output.stderr
    );

    // Two backslashes do not escape a `{{`: each is an expression handlebars must read.
    let doubled = fixture.file(
        "doubled.yaml",
        &format!(
            "name: Doubled\nvars: {{ x: a }}\nsteps:\n  - name: a\n    request: {{ url: \"http://127.0.0.1:1/\", method: POST, body: '{}' }}\n",
            "\\\\{{x}}".repeat(80_000)
        ),
    );
    let output = runner(["validate".as_ref(), doubled.as_os_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("80000 `{{…}}` in a text of"),
        "{}",
        output.stderr
    );
}

/// `prlimit` (util-linux), when it is installed.
fn prlimit() -> Option<&'static str> {
    let found = std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: no prlimit to cap the memory of runner with");
    }
    found.then_some("prlimit")
}

/// A server names the next page on another origin (here `localhost` for `127.0.0.1`): the
/// page is not followed, so the step's credentials (its `Authorization` header, `cookies`,
/// `auth`) go nowhere the request was not sent; the step fails, saying why.
#[test]
fn a_next_page_on_another_origin_is_not_followed() {
    let fixture = Fixture::new();
    let other = format!("http://localhost:{}/hit/paged-elsewhere", server().port());
    let path = fixture.file(
        "elsewhere.yaml",
        &format!(
            r#"name: pages
steps:
  - name: list
    request:
      url: "{{{{SERVER}}}}/echo"
      method: POST
      headers: {{ Authorization: "Bearer t0ken" }}
      cookies: {{ sid: s1d }}
      auth: {{ api_key: {{ header: X-Api-Key, value: k3y }} }}
      json: {{ next: "{other}", items: [1] }}
    paginate: {{ next: {{ jsonpath: $.json.next }}, collect: {{ items: "$.json.items[*]" }} }}
"#
        ),
    );
    let output = runner(["run", &path.display().to_string()]);
    let all = format!("{}{}", output.stdout, output.stderr);
    assert_clean(&output);
    assert_eq!(output.code, 1, "{all}");
    assert!(all.contains("page 1: the next page"), "{all}");
    assert!(all.contains("on another origin: not followed"), "{all}");
    assert_eq!(crate::support::hits("paged-elsewhere"), 0, "{all}");
}

/// What a collection's author wrote — a name, a tag, an environment's name, an input's
/// description, the file's own name, a line quoted under a problem — is shown by `list` and
/// `validate`, never obeyed: every character that steers a terminal (an escape sequence, a
/// carriage return, a bell, a C1 control, DEL, a bidirectional override) comes out escaped or
/// pictured, for each such character in each place.
#[test]
fn what_a_collection_holds_never_steers_the_terminal() {
    let steering = [
        ("\\e[2J", '\u{1b}'),
        ("\\r", '\r'),
        ("\\a", '\u{7}'),
        ("\\u009B", '\u{9b}'),
        ("\\u007F", '\u{7f}'),
        ("\\u202E", '\u{202e}'),
        ("\\u2066", '\u{2066}'),
        ("\\u200F", '\u{200f}'),
    ];
    let fixture = Fixture::new();
    for (index, (escape, c)) in steering.iter().enumerate() {
        let collection = format!(
            "name: \"collection {escape} name\"\ntags: [\"tag {escape}\"]\ninputs:\n  TOKEN: {{ description: \"desc {escape}\" }}\nenvironments:\n  \"env {escape}\": {{ vars: {{ a: b }} }}\nsteps:\n  - name: \"step {escape} name\"\n    tags: [\"t {escape}\"]\n    request: {{ url: \"http://127.0.0.1:1/{{{{env.TOKEN}}}}\" }}\n"
        );
        // The file's own name holds the character too (a bidirectional override is a
        // valid file name; so is an escape).
        let name = format!("c{index}{c}.yaml");
        let path = fixture.file(&name, &collection);
        let broken = fixture.file(
            &format!("broken{index}.yaml"),
            &format!("name: b\nsteps:\n  - name: \"s {escape}\"\n    request: {{ url: \"http://127.0.0.1:1/\" }}\n    statuz: 200 # {c}\n"),
        );
        let outputs = [
            runner(["list".as_ref(), path.as_os_str()]),
            runner(["validate".as_ref(), path.as_os_str()]),
            runner(["validate".as_ref(), broken.as_os_str()]),
            runner([
                "run".as_ref(),
                path.as_os_str(),
                "--env".as_ref(),
                format!("nope{c}").as_ref(),
            ]),
        ];
        for output in &outputs {
            assert_clean(output);
            for text in [&output.stdout, &output.stderr] {
                assert!(
                    !text.contains(*c),
                    "{c:?} ({escape}) reaches the terminal:\n{text}"
                );
            }
        }
        assert_eq!(outputs[0].code, 0, "{:?}", outputs[0]);
        assert!(outputs[0].stdout.contains("step "), "{:?}", outputs[0]);
        assert_eq!(outputs[2].code, 2, "{:?}", outputs[2]);
        assert!(outputs[2].stderr.contains("statuz"), "{:?}", outputs[2]);
    }
}

/// What an imported file holds (a request's name, its method, a header's name, a script
/// line) is quoted by the importer's report escaped, never obeyed by the terminal.
#[test]
fn an_import_report_never_steers_the_terminal() {
    let fixture = Fixture::new();
    for (index, c) in [
        '\u{1b}', '\r', '\u{7}', '\u{9b}', '\u{7f}', '\u{202e}', '\u{2066}',
    ]
    .into_iter()
    .enumerate()
    {
        let escaped = format!("\\u{:04x}", c as u32);
        let collection = fixture.file(
            &format!("evil{index}.json"),
            &format!(
                r#"{{"info": {{"name": "pm {escaped} coll", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
 "item": [{{"name": "req {escaped} evil", "event": [{{"listen": "test", "script": {{"exec": ["pm.sendRequest('x{escaped}')"]}}}}],
   "request": {{"method": "GET{escaped}", "url": "http://127.0.0.1:9/fast{escaped}", "header": [{{"key": "X-{escaped}", "value": "v{escaped}"}}]}}}}]}}"#
            ),
        );
        let output = runner([
            "import".as_ref(),
            "postman".as_ref(),
            collection.as_os_str(),
        ]);
        assert_clean(&output);
        assert!(
            output.stderr.contains("not translated: req "),
            "{}",
            output.stderr
        );
        assert!(
            !output.stderr.contains(c),
            "{c:?} reaches the terminal:\n{}",
            output.stderr
        );
    }
}

/// A pattern of an OpenAPI document runner cannot compile is quoted in the warning `run` and
/// `validate` give, escaped: the document's text never steers the terminal, colour on or off.
#[test]
fn an_openapi_warning_never_steers_the_terminal() {
    let fixture = Fixture::new();
    fixture.file(
        "api.yaml",
        "openapi: 3.1.0\ninfo: { title: t, version: \"1\" }\npaths:\n  /a:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: { type: object, properties: { p: { type: string, pattern: \"\\\\p{\\e]0;owned\\a\\e[2J\\u202e}\" } } }\n",
    );
    let collection = fixture.file(
        "c.yaml",
        "name: c\nopenapi: api.yaml\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/a\" }\n    expect: { openapi: true }\n",
    );
    for color in ["always", "never"] {
        let output = runner([
            "validate".as_ref(),
            collection.as_os_str(),
            "--color".as_ref(),
            color.as_ref(),
        ]);
        assert_eq!(output.code, 0, "{output:?}");
        assert!(
            output
                .stderr
                .contains("warning: `expect.openapi` does not check"),
            "{output:?}"
        );
        for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!output.stderr.contains(c), "{c:?} in {:?}", output.stderr);
        }
    }
}
