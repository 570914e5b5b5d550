//! Property tests: generated and mutated collections never make runner panic. Loading and
//! checking (the library) over thousands of mutants; the real binary over a sample, which
//! must always exit 0, 1, 2 or 3. Deterministic: the mutations come from a fixed seed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use runner::collection::Collection;
use runner::engine::{self, RunOptions};

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
