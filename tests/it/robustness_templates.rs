//! Templates that cannot work however the run goes are refused when the collection loads,
//! at their place, before anything is sent; and a template that grows past the limit only
//! with what a server sends fails fast. Generated over the kinds of call and how deep they
//! nest; every run of the binary is bounded in time.

use std::time::{Duration, Instant};

use crate::support::{hits, runner_within, Fixture, Output};

/// How long one run of the binary may take (a debug build, on a loaded machine).
const LIMIT: Duration = Duration::from_secs(30);

/// A collection whose first step is counted under `key` and whose second sends `body`, at
/// line 9 of the file; `vars` adds to the collection's `vars`.
fn collection(key: &str, vars: &str, body: &str) -> String {
    format!(
        "name: t\nvars:\n  a: hello\n  lst: [1, 2]\n{vars}steps:\n  - name: first\n    request: {{ url: \"{{{{SERVER}}}}/hit/{key}\" }}\n  - name: second\n    request: {{ url: \"{{{{SERVER}}}}/hit/{key}\", method: POST,\n      body: {} }}\n",
        quoted(body)
    )
}

/// `text` as a single-quoted YAML scalar.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Runs `text` (written as `name`) and checks it is refused at load: exit 2, `expected` in
/// the message, the place given as `name:line:col`, nothing sent to `key`, within [`LIMIT`].
fn refused(fixture: &Fixture, name: &str, text: &str, key: &str, expected: &str) -> Output {
    let path = fixture.file(name, text);
    let started = Instant::now();
    let output = runner_within(["run", &path.display().to_string()], &[], LIMIT);
    let case = format!(
        "{name}:\n{}\n{}",
        text.chars().take(600).collect::<String>(),
        output.stderr.chars().take(2000).collect::<String>()
    );
    assert_eq!(output.code, 2, "{case}");
    assert!(output.stderr.contains(expected), "{case}");
    assert!(
        regex::Regex::new(&format!(r"--> \S*{}:\d+:\d+", regex::escape(name)))
            .expect("regex")
            .is_match(&output.stderr),
        "not located: {case}"
    );
    assert_eq!(
        hits(key),
        0,
        "a request was sent before the refusal: {case}"
    );
    assert!(started.elapsed() < LIMIT, "{case}");
    output
}

/// Parentheses and blocks nested past the limit, up to depths where handlebars' parser
/// overflowed the stack (exit 134): refused, at the level past the limit.
#[test]
fn nesting_past_the_limit_is_refused_at_load() {
    let fixture = Fixture::new();
    let kinds: [(&str, &dyn Fn(usize) -> String); 4] = [
        ("json", &|n| {
            format!("{{{{json {}a{}}}}}", "(json ".repeat(n), ")".repeat(n))
        }),
        ("urlencode", &|n| {
            format!(
                "{{{{urlencode {}a{}}}}}",
                "(urlencode ".repeat(n),
                ")".repeat(n)
            )
        }),
        ("lookup", &|n| {
            format!("{{{{len {}lst{}}}}}", "(lookup ".repeat(n), " 0)".repeat(n))
        }),
        ("if", &|n| {
            format!("{}x{}", "{{#if a}}".repeat(n), "{{/if}}".repeat(n))
        }),
    ];
    for (kind, make) in kinds {
        for depth in [65, 300, 5_000, 20_000] {
            let key = format!("nest-{kind}-{depth}");
            let text = collection(&key, "", &make(depth));
            refused(
                &fixture,
                &format!("{key}.yaml"),
                &text,
                &key,
                "nests parentheses and blocks more than 64 levels deep",
            );
        }
    }
}

/// Helpers nested over what a server sent, which no check at load can size: the render
/// stops as its helpers' texts pass the limit, the step fails saying which helper, and the
/// run ends as a failed step does — rather than aborting on a failed allocation (exit 134) or
/// filling the memory until the system kills it. (`base64`, as it grows by a third at each
/// level, builds the least on its way to the limit; a debug build escapes JSON slowly, and
/// the unit tests nest every helper in every order against a smaller budget.)
#[test]
fn helpers_nested_over_a_response_fail_fast_at_the_limit() {
    let fixture = Fixture::new();
    let depth = 55;
    let body = format!(
        "{{{{base64 {}raw{}}}}}",
        "(base64 ".repeat(depth - 1),
        ")".repeat(depth - 1)
    );
    let text = format!(
        "name: t\nsteps:\n  - name: page\n    request: {{ url: \"{{{{SERVER}}}}/paged-json\" }}\n    capture: {{ raw: {{ body: true }} }}\n  - name: grow\n    request: {{ url: \"{{{{SERVER}}}}/echo\", method: POST, body: {} }}\n  - name: after\n    request: {{ url: \"{{{{SERVER}}}}/paged-json\" }}\n",
        quoted(&body)
    );
    let path = fixture.file("grows.yaml", &text);
    let started = Instant::now();
    let output = runner_within(["run", &path.display().to_string()], &[], LIMIT);
    let all = format!("{}{}", output.stdout, output.stderr);
    assert_eq!(output.code, 1, "{all}");
    assert!(
        all.contains("the `base64` in this template would write more than 256 MiB"),
        "{all}"
    );
    assert!(all.contains("1 passed, 1 failed, 1 skipped"), "{all}");
    assert!(started.elapsed() < LIMIT);
}

/// The start values of the variables are held together, each made from templates: no more
/// than 256 MiB of them in all, as no one template makes more (each below stays under the
/// limit; together they pass it). Refused at the variable that passes it, before anything is
/// sent.
#[test]
fn start_values_together_past_the_limit_are_refused_at_load() {
    let fixture = Fixture::new();
    // 1 MiB of text, written a hundred times by each of three variables: 300 MiB in all.
    let hundred = "{{mib}}".repeat(100);
    let vars = format!(
        "  mib: {}\n  x1: \"{hundred}\"\n  x2: \"{hundred}\"\n  x3: \"{hundred}\"\n",
        "m".repeat(1 << 20)
    );
    let text = collection("start-values-budget", &vars, "{{x1}}");
    let output = refused(
        &fixture,
        "start-values.yaml",
        &text,
        "start-values-budget",
        "hold more than 256 MiB together",
    );
    assert!(output.stderr.contains("variable `x3`"), "{}", output.stderr);
}

/// A value made of many templates is bounded as a whole, as one template's text is: each
/// copy of a large variable below stays under the limit, 300 of them pass it. In a request
/// (a JSON body's elements, query values, headers) the step fails without sending, having
/// built no more than the limit; in a variable's start value the collection is refused.
#[test]
fn copies_of_a_large_variable_are_bounded_all_together() {
    let fixture = Fixture::new();
    let vars = format!("  mib: {}\n", "m".repeat(1 << 20));
    let copies = |each: &str, separator: &str| vec![each; 300].join(separator);
    for (name, request) in [
        ("json", format!("json: [{}]", copies("\"{{mib}}\"", ", "))),
        (
            "query",
            format!(
                "query: {{ {} }}",
                (0..300)
                    .map(|i| format!("q{i}: \"{{{{mib}}}}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (
            "headers",
            format!(
                "headers: {{ {} }}",
                (0..300)
                    .map(|i| format!("X-H{i}: \"x{{{{mib}}}}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    ] {
        let key = format!("copies-{name}");
        let text = format!(
            "name: t\nvars:\n{vars}steps:\n  - name: many\n    request:\n      url: \"{{{{SERVER}}}}/hit/{key}\"\n      method: POST\n      {request}\n"
        );
        let path = fixture.file(&format!("{name}.yaml"), &text);
        let output = runner_within(["run", &path.display().to_string()], &[], LIMIT);
        let all = format!("{}{}", output.stdout, output.stderr);
        assert_eq!(output.code, 1, "{name}: {all}");
        assert!(
            all.contains("the templates rendered with this one make more than 256 MiB together"),
            "{name}: {all}"
        );
        assert_eq!(hits(&key), 0, "{name}: sent");
    }
    let many = copies("\"{{mib}}\"", ", ");
    let vars = format!("{vars}  v: [{many}]\n");
    let text = collection("copies-start-value", &vars, "{{v}}");
    let output = refused(
        &fixture,
        "start-value.yaml",
        &text,
        "copies-start-value",
        "hold more than 256 MiB together",
    );
    assert!(output.stderr.contains("variable `v`"), "{}", output.stderr);
}
