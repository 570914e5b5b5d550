//! Property tests: generated and mutated collections never make runner panic. Loading and
//! checking (the library) over thousands of mutants; the real binary over a sample, which
//! must always exit 0, 1, 2 or 3. Deterministic: the mutations come from a fixed seed. And
//! included files that nest or fan out without bound are refused where they pass the limits.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use runner::collection::Collection;
use runner::engine::{self, RunOptions};

use crate::support::{runner, Fixture};

/// Fragments a mutation inserts: YAML syntax, template syntax, format keys, odd values.
const FRAGMENTS: &[&str] = &[
    "{{",
    "}}",
    "{{x}}",
    "{{env.X}}",
    "{{#if a}}",
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\t",
    "'",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "&a",
    "*a",
    "!!binary",
    "null",
    "~",
    "-1",
    "1e999",
    "18446744073709551616",
    "status: ",
    "jsonpath: ",
    "$[",
    "$..",
    "?(@",
    "matches: '('",
    "schema: x.json",
    "steps: []",
    "capture: ",
    "expect: ",
    "request: ",
    "url: ",
    "json: ",
    "count: ",
    "length: ",
    "type: nothing",
    "one_of: ",
    "lt: 2s",
    "é",
    "\u{0}",
    "\u{feff}",
    "🙂",
    "<<: *a",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
];

fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for dir in ["collections", "tests/fixtures/broken"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        texts.extend(
            files
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("read")),
        );
    }
    texts
}

fn mutate(rng: &mut fastrand::Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.usize(1..=4) {
        let at = rng.usize(0..=chars.len());
        match rng.u8(0..4) {
            0 => {
                let fragment = FRAGMENTS[rng.usize(0..FRAGMENTS.len())];
                chars.splice(at..at, fragment.chars());
            }
            1 if !chars.is_empty() => {
                let end = (at + rng.usize(1..20)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            2 if !chars.is_empty() => {
                let end = (at + rng.usize(1..40)).min(chars.len());
                let copy: Vec<char> = chars[at.min(end)..end].to_vec();
                let to = rng.usize(0..=chars.len());
                chars.splice(to..to, copy);
            }
            _ if !chars.is_empty() => {
                let i = rng.usize(0..chars.len());
                chars[i] = char::from(rng.u8(0x20..0x7f));
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Loads and checks `source` as every command would; returns whether it is valid.
fn load_and_check(source: &str) -> bool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/mutant.yaml");
    let Ok(collection) = Collection::parse(&path, source.to_owned()) else {
        return false;
    };
    let options = RunOptions {
        require_inputs: false,
        ..RunOptions::default()
    };
    let environments: Vec<Option<String>> = std::iter::once(None)
        .chain(collection.environments.keys().cloned().map(Some))
        .collect();
    let mut valid = true;
    for environment in environments {
        let options = RunOptions {
            environment,
            ..options.clone()
        };
        valid &= engine::check(&collection, &options).is_ok();
    }
    valid
}

#[test]
fn loading_and_checking_mutated_collections_never_panics() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_0001);
    let seeds = seeds();
    let mut valid = 0;
    let cases = 3000;
    for case in 0..cases {
        let seed = &seeds[case % seeds.len()];
        let mutant = mutate(&mut rng, seed);
        match catch_unwind(AssertUnwindSafe(|| load_and_check(&mutant))) {
            Ok(true) => valid += 1,
            Ok(false) => {}
            Err(_) => panic!("case {case} panicked on:\n{mutant}"),
        }
    }
    // The mutations must not all be trivially rejected, or the test checks little.
    assert!(
        valid > 50 && valid < cases,
        "{valid} of {cases} mutants were valid"
    );
}

#[test]
fn generated_collections_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_0002);
    let keys = [
        "name",
        "steps",
        "vars",
        "inputs",
        "environments",
        "defaults",
        "request",
        "expect",
        "capture",
        "url",
        "method",
        "json",
        "status",
        "jsonpath",
        "headers",
        "query",
        "body",
        "schema",
        "duration",
        "id",
        "tags",
    ];
    for case in 0..1500 {
        let mut text = String::new();
        for _ in 0..rng.usize(1..12) {
            let depth = rng.usize(0..4);
            let key = keys[rng.usize(0..keys.len())];
            let value = FRAGMENTS[rng.usize(0..FRAGMENTS.len())];
            text.push_str(&format!("{}{key}: {value}\n", "  ".repeat(depth)));
            if rng.bool() {
                text.push_str(&format!(
                    "{}- {}\n",
                    "  ".repeat(depth),
                    FRAGMENTS[rng.usize(0..FRAGMENTS.len())]
                ));
            }
        }
        if catch_unwind(AssertUnwindSafe(|| load_and_check(&text))).is_err() {
            panic!("case {case} panicked on:\n{text}");
        }
    }
}

#[test]
fn the_binary_exits_0_to_3_on_mutated_collections() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_0003);
    let seeds = seeds();
    let dir = tempfile::tempdir().expect("temp dir");
    let closed = format!(
        "base_url=http://127.0.0.1:{}",
        crate::support::closed_port()
    );
    for case in 0..24 {
        let mutant = mutate(&mut rng, &seeds[case % seeds.len()]);
        let path = dir.path().join(format!("mutant-{case}.yaml"));
        std::fs::write(&path, &mutant).expect("write");
        let path = path.display().to_string();
        for args in [
            vec!["validate", path.as_str()],
            vec![
                "run",
                path.as_str(),
                "--env",
                "production",
                "--var",
                closed.as_str(),
                "--timeout",
                "2s",
            ],
        ] {
            let output = crate::support::runner(&args);
            assert!(
                (0..=3).contains(&output.code),
                "{args:?} exited {} on:\n{mutant}\n{}",
                output.code,
                output.stderr
            );
            assert!(
                !output.stderr.contains("panicked"),
                "{args:?} panicked on:\n{mutant}\n{}",
                output.stderr
            );
        }
    }
}

/// Writes a chain of `files` collections `d1.yaml` … each including the next, the last
/// sending one request; each `include` step is nested in `groups` groups.
fn include_chain(fixture: &Fixture, files: usize, groups: usize) {
    for n in 1..files {
        let mut step = format!("{{ name: a, include: d{}.yaml }}", n + 1);
        for _ in 0..groups {
            step = format!("{{ name: g, steps: [{step}] }}");
        }
        fixture.file(
            &format!("d{n}.yaml"),
            &format!("name: d{n}\nsteps: [{step}]\n"),
        );
    }
    fixture.file(
        &format!("d{files}.yaml"),
        &format!(
            "name: d{files}\nsteps: [{{ name: r, request: {{ url: \"http://127.0.0.1:1/\" }} }}]\n"
        ),
    );
}

/// `runner validate` on `d1.yaml` of `fixture`, which must not have overflowed its stack.
fn validate_first(fixture: &Fixture) -> crate::support::Output {
    let first = fixture.path().join("d1.yaml");
    let output = runner(["validate".as_ref(), first.as_os_str()]);
    assert!(
        !output.stderr.contains("overflow") && output.code != 134,
        "{}",
        output.stderr
    );
    output
}

/// Includes compile recursively: a chain of 1,000 files each including the next overflowed
/// the stack (exit 134, at about 600 in a debug build). Steps nest at most 64 levels, so the
/// chain is refused at the `include` of the 64th file, and a chain of 64 files loads.
#[test]
fn a_chain_of_includes_deeper_than_the_limit_is_refused_where_it_crosses_it() {
    let fixture = Fixture::new();
    include_chain(&fixture, 1000, 0);
    let output = validate_first(&fixture);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "steps nest more than 64 levels deep here, includes and groups together: the steps of `d65.yaml` would be at level 65"
        ),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("d64.yaml:2:29"), "{}", output.stderr);
    assert!(
        output.stderr.contains("docs/limits.md"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 problem found"),
        "{}",
        output.stderr
    );
    // `run` checks the same before it sends anything.
    let first = fixture.path().join("d1.yaml");
    let run = runner(["run".as_ref(), first.as_os_str()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains("overflow"), "{}", run.stderr);

    let within = Fixture::new();
    include_chain(&within, 64, 0);
    let output = validate_first(&within);
    assert_eq!(output.code, 0, "{}", output.stderr);
}

/// Groups count with includes: 20 files, each nesting its `include` in 10 groups, are
/// refused at the group whose steps would be at level 65.
#[test]
fn groups_in_included_files_count_toward_the_depth_limit() {
    let fixture = Fixture::new();
    include_chain(&fixture, 20, 10);
    let output = validate_first(&fixture);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("this group's steps would be at level 65, counting the 5 `include`s that lead to this file"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("d6.yaml:2:"), "{}", output.stderr);
}

/// Files that each include the next twice compiled the last 2^levels times: 15 levels took
/// 17.5 s, each one more twice as long. The steps compiled from included files are counted,
/// and the `include` that would pass 100,000 is refused: 30 levels fail at once.
#[test]
fn includes_that_fan_out_are_refused_at_the_include_past_the_budget() {
    let fixture = Fixture::new();
    let levels = 30;
    for n in 1..=levels {
        let next = n + 1;
        fixture.file(
            &format!("d{n}.yaml"),
            &format!(
                "name: d{n}\nsteps:\n  - {{ name: a, include: d{next}.yaml }}\n  - {{ name: b, include: d{next}.yaml }}\n"
            ),
        );
    }
    fixture.file(
        &format!("d{}.yaml", levels + 1),
        "name: leaf\nsteps: [{ name: r, request: { url: \"http://127.0.0.1:1/\" } }]\n",
    );
    let output = validate_first(&fixture);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "here would compile more than 100000 steps from included files for this collection"
        ),
        "{}",
        output.stderr
    );
    // Located at the `include` that crosses it, told once.
    let located = output
        .stderr
        .lines()
        .find(|line| line.trim_start().starts_with("--> "))
        .unwrap_or_default();
    assert!(
        located.contains(".yaml:3:25") || located.contains(".yaml:4:25"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("= field: steps["),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 problem found"),
        "{}",
        output.stderr
    );
}

/// A body plan followed a JSONPath one segment per call and copied the rest of the path for
/// each selector of a union: `$.a.a.a…` of 5,300 segments overflowed the stack at `validate`
/// (exit 134), and `$[0,1]` 22 times took 14.5 s and 1.35 GB. A path of any length or
/// number of unions, in a capture, `expect.jsonpath`, `snapshot.ignore` and `paginate`,
/// now loads and plans in one pass, and a run gets as far as its request.
#[test]
fn jsonpaths_of_any_length_or_number_of_unions_load_and_plan_without_overflow() {
    let repeated = |segment: &str, times: usize| format!("${}", segment.repeat(times));
    let mut paths: Vec<String> = [".a", "[0]", "[-1]", "[*]", "['a']", "[1:3]"]
        .iter()
        .map(|segment| repeated(segment, 10_000))
        .collect();
    // As many unions as may multiply a node's copies up to the limit (10,000,000).
    paths.extend(
        [
            ("[0,1]", 23),
            ("['a','b']", 23),
            ("[0,1,2]", 14),
            ("[0,0]", 23),
        ]
        .iter()
        .map(|(union, times)| repeated(union, *times)),
    );
    paths.push(format!("$.x{}{}", "[0,1]".repeat(23), ".a".repeat(10_000)));
    let captures: String = paths
        .iter()
        .enumerate()
        .map(|(n, path)| format!("      c{n}: \"{path}\"\n"))
        .collect();
    // Keys longer than 1024 characters are written as explicit keys (`? …`).
    let expected: String = paths
        .iter()
        .map(|path| format!("        ? \"{path}\"\n        : {{ exists: true }}\n"))
        .collect();
    let ignored = paths
        .iter()
        .map(|path| format!("\"{path}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let url = format!("http://127.0.0.1:{}/", crate::support::closed_port());
    let fixture = crate::support::Fixture::new();
    let collection = fixture.file(
        "paths.yaml",
        &format!(
            "name: paths\nsteps:\n  - name: checks\n    request: {{ url: \"{url}\" }}\n    \
             capture:\n{captures}    expect:\n      jsonpath:\n{expected}      \
             snapshot: {{ ignore: [{ignored}] }}\n  - name: pages\n    \
             request: {{ url: \"{url}\" }}\n    paginate: {{ next: {{ jsonpath: \"{}\" }}, \
             collect: {{ chain: \"{}\", unions: \"{}\" }} }}\n",
            paths[0], paths[3], paths[6]
        ),
    );
    let collection = collection.display().to_string();
    let validated = crate::support::runner(["validate", collection.as_str()]);
    assert_eq!(validated.code, 0, "{}", validated.stderr);
    assert!(
        !validated.stderr.contains("overflow"),
        "{}",
        validated.stderr
    );
    let ran = crate::support::runner(["run", collection.as_str(), "--timeout", "2s"]);
    assert!(
        (1..=3).contains(&ran.code) && !ran.stderr.contains("overflow"),
        "exit {}: {}",
        ran.code,
        ran.stderr
    );
    assert!(
        ran.stdout.contains("could not connect") || ran.stderr.contains("could not connect"),
        "{}\n{}",
        ran.stdout,
        ran.stderr
    );
    // Past it, refused where it is written: `$[0,0]` 40 times over a body nested 40 deep
    // selects one node 2^40 times.
    let many = fixture.file(
        "many.yaml",
        &format!(
            "name: many\nsteps:\n  - name: a\n    request: {{ url: \"{url}\" }}\n    capture: {{ c: \"{}\" }}\n",
            repeated("[0,0]", 40)
        ),
    );
    let refused = crate::support::runner(["validate", many.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("could select a node up to")
            && refused.stderr.contains("many.yaml:5:"),
        "{}",
        refused.stderr
    );
}
