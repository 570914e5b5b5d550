//! Templates that cannot work however the run goes are refused when the collection loads,
//! at their place, before anything is sent; and a template that grows past the limit only
//! with what a server sends fails fast. Generated over the kinds of call and how deep they
//! nest; every run of the binary is bounded in time.

use std::time::{Duration, Instant};

use crate::support::{hits, runner_within, Fixture, Output};

/// How long one run of the binary may take (a debug build, on a loaded machine).
const LIMIT_TIME: Duration = Duration::from_secs(30);

/// A collection whose first step is counted under `key` and whose second sends `body`, at
/// line 10 of the file (after `vars`); `vars` adds to the collection's `vars`.
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
    let output = runner_within(["run", &path.display().to_string()], &[], LIMIT_TIME);
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
    assert!(started.elapsed() < LIMIT_TIME, "{case}");
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
    let output = runner_within(["run", &path.display().to_string()], &[], LIMIT_TIME);
    let all = format!("{}{}", output.stdout, output.stderr);
    assert_eq!(output.code, 1, "{all}");
    assert!(
        all.contains("the `base64` in this template would write more than 256 MiB"),
        "{all}"
    );
    assert!(all.contains("1 passed, 1 failed, 1 skipped"), "{all}");
    assert!(started.elapsed() < LIMIT_TIME);
}

/// `helper` nested `depth` deep over `input`: `{{json (json … input)}}`.
fn nested(helpers: &[&str], depth: usize, input: &str) -> String {
    let names: Vec<&str> = (0..depth).map(|i| helpers[i % helpers.len()]).collect();
    let inner = names
        .iter()
        .rev()
        .fold(input.to_owned(), |inner, name| format!("({name} {inner})"));
    format!("{{{{{}}}}}", &inner[1..inner.len() - 1])
}

/// The lengths each level of `base64` nested over `bytes` writes, added up.
fn base64_spent(bytes: u64, depth: usize) -> u64 {
    let mut length = bytes;
    let mut spent = 0;
    for _ in 0..depth {
        length = length.div_ceil(3) * 4;
        spent += length;
    }
    spent
}

/// Helpers nested so that they would write past the limit (256 MiB, for everything one
/// template's helpers write) with values known at load — a `vars` text, a literal, or any
/// value at all — over each helper and depth past where that happens: refused when the
/// collection loads, at the call, in a fraction of a second, before the first step is sent.
/// Where they stay under it, the run goes on (`urlencode` grows by a constant, `json` of
/// `base64` by two quotes, `json` of `urlencode` by a little).
#[test]
fn helpers_that_would_write_past_the_limit_are_refused_at_load() {
    const LIMIT: u64 = 256 << 20;
    let fixture = Fixture::new();
    // Each level of `json` over `hello` writes 2^(k+1) + 3 bytes: 2^(d+2) - 4 + 3d in all,
    // past the limit from 26 levels. Over a value not known (a capture): 2^k - 1 at least,
    // past it from 28. 1,000 quotes double from the first level: past it from 18.
    const { assert!((1u64 << 28) + 3 * 26 > LIMIT + 4 && (1u64 << 27) + 3 * 25 < LIMIT + 4) };
    let first_base64 = (1..64)
        .find(|&d| base64_spent(5, d) > LIMIT)
        .expect("within 64");
    let mut cases: Vec<(String, String, String)> = Vec::new();
    for depth in [26, 27, 30, 40, 64] {
        cases.push((
            format!("json-{depth}"),
            String::new(),
            nested(&["json"], depth, "a"),
        ));
    }
    for depth in [28, 33, 64] {
        cases.push((
            format!("json-any-{depth}"),
            String::new(),
            nested(&["json"], depth, "(lookup lst 0)"),
        ));
    }
    for depth in [18, 20, 50] {
        let vars = format!("  q: '{}'\n", "\"".repeat(1000));
        cases.push((
            format!("json-quotes-{depth}"),
            vars,
            nested(&["json"], depth, "q"),
        ));
    }
    for depth in [first_base64, first_base64 + 1, 64] {
        cases.push((
            format!("base64-{depth}"),
            String::new(),
            nested(&["base64"], depth, "a"),
        ));
        cases.push((
            format!("base64-literal-{depth}"),
            String::new(),
            nested(&["base64"], depth, "\"hello\""),
        ));
    }
    // Two calls side by side, each under the limit, past it together.
    let two = nested(&["json"], 25, "a");
    cases.push(("json-25-twice".into(), String::new(), format!("{two}{two}")));
    for (name, vars, body) in &cases {
        let key = format!("grow-{name}");
        let output = refused(
            &fixture,
            &format!("{key}.yaml"),
            &collection(&key, vars, body),
            &key,
            "here would write at least",
        );
        assert!(
            output
                .stderr
                .contains("more than the 256 MiB runner builds from one template"),
            "{name}: {}",
            output.stderr
        );
        // Marked at the `{{` of the call (the second, of two), on the body's line.
        let line = 10 + vars.lines().count();
        let column = if name.ends_with("twice") {
            14 + two.chars().count()
        } else {
            14
        };
        assert!(
            output
                .stderr
                .contains(&format!("{key}.yaml:{line}:{column}\n")),
            "{name}: {}",
            output.stderr
        );
    }
    // Under the limit: sent. (`urlencode` writes the quotes `json` doubles as `%22`, which
    // the next `json` does not escape: nested together they grow by a little each level.)
    for (name, helpers, depth) in [
        (
            "json-json-urlencode",
            ["json", "json", "urlencode"].as_slice(),
            63,
        ),
        ("urlencode", ["urlencode"].as_slice(), 64),
        ("json-base64", ["json", "base64"].as_slice(), 63),
        ("json", ["json"].as_slice(), 12),
        ("base64", ["base64"].as_slice(), 30),
    ] {
        let key = format!("under-{name}-{depth}");
        let path = fixture.file(
            &format!("{key}.yaml"),
            &collection(&key, "", &nested(helpers, depth, "a")),
        );
        let output = runner_within(["run", &path.display().to_string()], &[], LIMIT_TIME);
        assert_eq!(output.code, 0, "{name}: {}{}", output.stdout, output.stderr);
        assert_eq!(hits(&key), 2, "{name}");
    }
}

/// Variables that each write the one before again, grown (`json`, `base64`, both, or
/// written twice): refused at the first whose text would pass the limit, in a fraction of a
/// second, without building the ones before (a chain of 27 `json`s took 25 s and 1.6 GB
/// before being refused) — and before anything is sent.
#[test]
fn variables_that_multiply_one_another_are_refused_at_the_first_past_the_limit() {
    const LIMIT: u64 = 256 << 20;
    let fixture = Fixture::new();
    // `json` over `hello`: v_k is 2^(k+1) + 3 bytes, past the limit at v27.
    // Written twice: 5 × 2^k, past it at v26. Both `json`s in one: v14 writes v13's
    // 2^27 + 3 bytes escaped again, past it. `base64`: the first past it, computed.
    let first_base64 = (1..200)
        .find(|&k| {
            let mut length = 5u64;
            for _ in 0..k {
                length = length.div_ceil(3) * 4;
            }
            length > LIMIT
        })
        .expect("within 200");
    /// A variable's template, from its number.
    type Make<'a> = &'a dyn Fn(usize) -> String;
    let chains: [(&str, Make, usize); 4] = [
        ("json", &|k| format!("'{{{{json v{}}}}}'", k - 1), 27),
        (
            "twice",
            &|k| format!("'{{{{v{0}}}}}{{{{v{0}}}}}'", k - 1),
            26,
        ),
        (
            "json-json",
            &|k| format!("'{{{{json (json v{})}}}}'", k - 1),
            14,
        ),
        (
            "base64",
            &|k| format!("'{{{{base64 v{}}}}}'", k - 1),
            first_base64,
        ),
    ];
    for (name, make, first) in chains {
        for length in [first, first + 3, first + 40] {
            let mut vars = String::from("  v0: hello\n");
            for k in 1..=length {
                vars.push_str(&format!("  v{k}: {}\n", make(k)));
            }
            let key = format!("chain-{name}-{length}");
            let body = format!("{{{{v{length}}}}}");
            let started = Instant::now();
            let output = refused(
                &fixture,
                &format!("{key}.yaml"),
                &collection(&key, &vars, &body),
                &key,
                &format!("variable `v{first}`: the "),
            );
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{name}: {:?}",
                started.elapsed()
            );
            // Marked at the variable's line: `a`, `lst`, then v0 on line 5.
            assert!(
                output
                    .stderr
                    .contains(&format!("{key}.yaml:{}:", 5 + first)),
                "{name}: {}",
                output.stderr
            );
        }
    }
}
