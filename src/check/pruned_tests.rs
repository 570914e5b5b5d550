//! The pruned parse against the full one: on chosen cases, then on seeded random documents
//! and random JSONPaths, every answer must be the full parse's.

use bytes::Bytes;
use serde_json::{json, Value};

use super::*;
use crate::check::jsonpath::JsonPath;
use crate::check::plan::PlanBuilder;
use crate::check::ResponseView;
use crate::response::Received;

fn compile(paths: &[&str]) -> Vec<JsonPath> {
    paths
        .iter()
        .map(|p| JsonPath::compile(p).expect("a valid path"))
        .collect()
}

fn plan_of(paths: &[JsonPath]) -> Option<BodyPlan> {
    let mut builder = PlanBuilder::default();
    for path in paths {
        builder.add(path.source(), path.need());
    }
    builder.finish()
}

fn received(body: impl Into<Bytes>) -> Received {
    Received::new(
        200,
        "http://127.0.0.1/".parse().expect("a URL"),
        body.into(),
    )
}

/// Every path's answer through a view that knows `known` (pruned where it can) and through a
/// plain one (the full parse): the same values, or the same error.
fn answers(body: &[u8], known: &[JsonPath], asked: &[JsonPath]) -> Vec<(String, String)> {
    let response = received(body.to_vec());
    let known = known.to_vec();
    let pruned = ResponseView::with_queries(&response, &known);
    let full = ResponseView::new(&response);
    asked
        .iter()
        .map(|path| {
            let show = |r: Result<Vec<Value>, crate::check::BodyError>| match r {
                Ok(values) => Value::Array(values).to_string(),
                Err(crate::check::BodyError::NotJson(e)) => format!("error: {}", e.reason),
                Err(e) => format!("error: {e}"),
            };
            (show(pruned.select(path)), show(full.select(path)))
        })
        .collect()
}

fn assert_same(body: &str, paths: &[&str]) {
    let compiled = compile(paths);
    for ((got, want), path) in answers(body.as_bytes(), &compiled, &compiled)
        .into_iter()
        .zip(paths)
    {
        assert_eq!(got, want, "{path} over {body}");
    }
}

#[test]
fn keeps_only_what_the_plan_names() {
    let paths = compile(&["$.total", "$.items[1].id"]);
    let plan = plan_of(&paths).expect("a plan");
    let text = r#"{"total": 3, "items": [{"id": 1, "x": [1, 2]}, {"id": 2, "x": "y"}, {"id": 3}], "other": {"deep": [1]}}"#;
    let document = parse(text, &plan).expect("valid");
    assert_eq!(
        document.to_value().expect("within the allowance"),
        json!({"total": 3, "items": [null, {"id": 2}]})
    );
}

#[test]
fn a_negative_index_keeps_the_length_and_the_last_elements() {
    let paths = compile(&["$[-1].a", "$[-3]", "$[0].b"]);
    let plan = plan_of(&paths).expect("a plan");
    let text = r#"[{"a": 0, "b": 0}, {"a": 1}, {"a": 2, "c": 2}, {"a": 3}, {"a": 4, "b": 4}]"#;
    let document = parse(text, &plan).expect("valid");
    // `[-3]` wants elements whole, and any element may be the one it names.
    assert_eq!(
        document.to_value().expect("within the allowance"),
        json!([{"a": 0, "b": 0}, null, {"a": 2, "c": 2}, {"a": 3}, {"a": 4, "b": 4}])
    );
    assert_same(text, &["$[-1].a", "$[-3]", "$[0].b", "$[-9]", "$[-5].a"]);
}

#[test]
fn the_last_of_repeated_names_wins_as_in_a_full_parse() {
    assert_same(
        r#"{"a": 1, "b": {"c": 1}, "a": {"x": 2}, "b": {"c": 3}}"#,
        &["$.a", "$.b.c", "$.a.x"],
    );
}

#[test]
fn escaped_and_unicode_names_match_as_they_decode() {
    assert_same(
        r#"{"a\"b": 1, "\u00e9t\u00e9": 2, "été": 3, "tab\t": 4, "😀": {"\ud83d\ude00": 5}}"#,
        &[
            "$['a\"b']",
            "$['été']",
            "$['tab\\t']",
            "$['😀']['😀']",
            "$[\"\\u00e9t\\u00e9\"]",
        ],
    );
}

#[test]
fn what_the_plan_did_not_name_comes_from_the_full_parse() {
    let known = compile(&["$.a"]);
    let asked = compile(&["$.a", "$.b", "$..c", "$"]);
    let body = br#"{"a": 1, "b": {"c": 2}}"#;
    for (got, want) in answers(body, &known, &asked) {
        assert_eq!(got, want);
    }
}

#[test]
fn invalid_bodies_are_refused_with_the_full_parse_s_message() {
    let paths = compile(&["$.a"]);
    let invalid: [&[u8]; 10] = [
        br#"{"a": 1, "b": [1, 2,]}"#,
        br#"{"a": 1, "b": "\ud800"}"#,
        br#"{"a": 1, "b": 1e400}"#,
        b"{\"a\": 1, \"b\": \"\xff\"}",
        b"{\"a\": 1, \"b\xc3\": 2}",
        br#"{"a": 1, "b": "\x"}"#,
        br#"{"a": 1} x"#,
        br#"{"a": 1, "b": 01}"#,
        b"{\"a\": 1, \"b\": \"tab\there\"}",
        br#"<html>not JSON</html>"#,
    ];
    for body in invalid {
        let answers = answers(body, &paths, &paths);
        let (got, want) = &answers[0];
        assert!(want.starts_with("error: "), "{want}");
        assert_eq!(got, want, "{}", String::from_utf8_lossy(body));
    }
    let deep = format!(
        "{{\"a\": 1, \"b\": {}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let answers = answers(deep.as_bytes(), &paths, &paths);
    assert!(answers[0].1.contains("recursion limit"), "{}", answers[0].1);
    assert_eq!(answers[0].0, answers[0].1);
}

#[test]
fn a_view_parses_once_and_only_in_part_for_its_own_paths() {
    let paths = compile(&["$.items[0].id"]);
    let response = received(r#"{"items": [{"id": 1, "big": [1, 2, 3]}], "rest": "x"}"#);
    let view = ResponseView::with_queries(&response, &paths);
    assert_eq!(view.select(&paths[0]).expect("JSON"), vec![json!(1)]);
    assert!(view.document.get().is_none(), "no full parse");
    assert_eq!(
        view.pruned
            .get()
            .and_then(Option::as_ref)
            .and_then(Document::to_value),
        Some(json!({"items": [{"id": 1}]}))
    );
    // The whole tree, when asked for, is the full parse; later queries use it.
    assert_eq!(view.json().expect("JSON")["rest"], json!("x"));
    assert_eq!(view.select(&paths[0]).expect("JSON"), vec![json!(1)]);
}

/// A small seeded generator of JSON texts (with repeated names, escapes, unicode) and of
/// JSONPaths over the same names, of every kind.
struct Generator(fastrand::Rng);

const NAMES: [&str; 8] = ["a", "b", "id", "é", "a\"b", "😀", "x y", ""];

impl Generator {
    fn name_json(&mut self) -> String {
        let name = NAMES[self.0.usize(..NAMES.len())];
        match (name, self.0.u8(..4)) {
            ("é", 0) => "\"\\u00e9\"".to_owned(),
            ("😀", 0) => "\"\\ud83d\\ude00\"".to_owned(),
            _ => Value::String(name.to_owned()).to_string(),
        }
    }

    fn value(&mut self, depth: u32) -> String {
        let kind = if depth == 0 {
            self.0.u8(..5)
        } else {
            self.0.u8(..8)
        };
        match kind {
            0 => ["null", "true", "false"][self.0.usize(..3)].to_owned(),
            1 => match self.0.u8(..4) {
                0 => self.0.i64(-1000..1000).to_string(),
                1 => format!("{:.3}", self.0.f64() * 100.0),
                2 => "18446744073709551615".to_owned(),
                _ => [
                    "-2.5e-3",
                    "1.5E+10",
                    "-0",
                    "0.0",
                    "123456789012345678901234567890",
                    "7e299",
                ][self.0.usize(..6)]
                .to_owned(),
            },
            2 => self.name_json(),
            3 => "\"line\\nbreak \\\"q\\\" \\u0041\"".to_owned(),
            4 if self.0.bool() => "\"plain\"".to_owned(),
            4 => self.text(),
            5 | 6 => {
                let members: Vec<String> = (0..self.0.usize(..6))
                    .map(|_| format!("{}: {}", self.name_json(), self.value(depth - 1)))
                    .collect();
                format!("{{{}}}", members.join(", "))
            }
            _ => {
                let items: Vec<String> = (0..self.0.usize(..7))
                    .map(|_| self.value(depth - 1))
                    .collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    /// A string of up to 40 pieces: plain and non-ASCII letters, and every kind of escape.
    fn text(&mut self) -> String {
        const PIECES: [&str; 12] = [
            "a", "Z", " ", "é", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\u20ac", "\\t",
        ];
        let pieces: String = (0..self.0.usize(..40))
            .map(|_| PIECES[self.0.usize(..PIECES.len())])
            .collect();
        format!("\"{pieces}\"")
    }

    fn name_selector(&mut self) -> String {
        let name = NAMES[self.0.usize(..NAMES.len())];
        match name {
            "a\"b" => "['a\"b']".to_owned(),
            "x y" => "['x y']".to_owned(),
            "" => "['']".to_owned(),
            "é" if self.0.bool() => "['\\u00e9']".to_owned(),
            _ if self.0.bool() => format!(".{name}"),
            _ => format!("['{name}']"),
        }
    }

    fn segment(&mut self) -> String {
        match self.0.u8(..40) {
            0..=14 => self.name_selector(),
            15..=27 => format!("[{}]", self.0.i64(-4..5)),
            28..=29 => "[*]".to_owned(),
            30..=31 => ["[1:3]", "[::-1]", "[-2:]"][self.0.usize(..3)].to_owned(),
            32..=33 => format!("..{}", &self.name_selector().trim_start_matches('.')),
            34..=35 => "[?@.id > 0]".to_owned(),
            36 => "[?@.a == $.b]".to_owned(),
            _ => format!("['a', {}, 'id']", self.0.i64(-2..3)),
        }
    }

    fn path(&mut self) -> String {
        let mut path = "$".to_owned();
        for _ in 0..self.0.usize(1..6) {
            let segment = self.segment();
            path.push_str(&segment);
        }
        path
    }
}

#[test]
fn pruned_answers_equal_full_answers_on_random_documents_and_paths() {
    // `RUNNER_PRUNED_SEED=N` explores other seeds.
    let first = std::env::var("RUNNER_PRUNED_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    for seed in first..first + 3 {
        random_rounds(seed);
    }
}

fn random_rounds(seed: u64) {
    let mut generator = Generator(fastrand::Rng::with_seed(seed));
    let mut pruned_parses = 0;
    let mut scanned = 0;
    for round in 0..3000 {
        let mut body = generator.value(4).into_bytes();
        // Now and then a body broken somewhere: refused alike, with the same message.
        if generator.0.u8(..6) == 0 {
            const BAD: [&[u8]; 9] = [
                b"1e400",
                br#""\ud800""#,
                b",",
                b"\xff",
                b"\"",
                b"]",
                b"\t",
                b"\\",
                b"\x01",
            ];
            let bad = BAD[generator.0.usize(..BAD.len())];
            let at = generator.0.usize(..=body.len());
            body.splice(at..at, bad.iter().copied());
        }
        let sources: Vec<String> = (0..generator.0.usize(1..5))
            .map(|_| generator.path())
            .collect();
        let paths: Vec<JsonPath> = sources
            .iter()
            .filter_map(|p| JsonPath::compile(p).ok())
            .collect();
        // One path the view was not told about: answered from the full parse.
        let mut asked = paths.clone();
        if let Ok(extra) = JsonPath::compile(&generator.path()) {
            asked.push(extra);
        }
        for ((got, want), path) in answers(&body, &paths, &asked).into_iter().zip(&asked) {
            assert_eq!(
                got,
                want,
                "seed {seed} round {round}: {path} over {} (known: {sources:?})",
                String::from_utf8_lossy(&body)
            );
        }
        if let Some(plan) = plan_of(&paths) {
            pruned_parses += 1;
            scanned += usize::from(scan_agrees_with_serde(&body, &plan, seed, round));
        }
    }
    // The generator makes plans often enough for the comparison to mean something, and the
    // scan judges most of those bodies itself.
    assert!(pruned_parses > 1200, "seed {seed}: {pruned_parses} plans");
    assert!(
        scanned * 10 > pruned_parses * 6,
        "seed {seed}: the scan judged {scanned} of {pruned_parses}"
    );
}

#[test]
fn edge_bodies_are_judged_as_serde_judges_them() {
    let paths = compile(&["$.a", "$.b[0]"]);
    let plan = plan_of(&paths).expect("a plan");
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let mut bodies: Vec<String> = [
        r#"{"a": 1, "b": ["\ud83d\ude00", "x"]}"#,
        r#"{"a": "\ud83d\ude00", "b": [1]}"#,
        r#"{"a": 1, "b": ["\ud83d"]}"#,
        r#"{"a": 1, "b": ["\ud83dx"]}"#,
        r#"{"a": 1, "b": ["\ud83d\u0041"]}"#,
        r#"{"a": 1, "b": ["\ude00"]}"#,
        r#"{"a": 1, "b": ["\u00"]}"#,
        r#"{"a": 1, "b": ["\u"#,
        "\u{feff}{\"a\": 1}",
        r#"{"a": 1e300, "b": [1e301, 1E-300, 1e-301, 1e0300, 1e1000, 1e99999, -1e300]}"#,
        r#"{"a": 0.5e300, "b": [-0, -0.0, 0e5, 1.0e+2, 12e-2]}"#,
        r#"{"a": 1, "b": [1.]}"#,
        r#"{"a": 1, "b": [.5]}"#,
        r#"{"a": 1, "b": [-]}"#,
        r#"{"a": 1, "b": [+1]}"#,
        r#"{"a": 1, "b": [1e]}"#,
        r#"{"a": 1, "b": [1e+]}"#,
        "",
        "   ",
        "{\"a\": 1}\u{0}",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for digits in [299, 300, 301, 302] {
        bodies.push(format!("{{\"a\": 1, \"b\": [{}]}}", "9".repeat(digits)));
        bodies.push(format!(
            "{{\"a\": 1, \"b\": [1{}e1]}}",
            "0".repeat(digits - 2)
        ));
    }
    for depth in [98, 99, 100, 101, 126, 127, 128, 129] {
        bodies.push(format!("{{\"a\": 1, \"b\": [{}]}}", nested(depth)));
        bodies.push(format!("{{\"a\": {}, \"b\": [1]}}", nested(depth)));
    }
    for body in &bodies {
        for (got, want) in answers(body.as_bytes(), &paths, &paths) {
            assert_eq!(got, want, "{body}");
        }
        scan_agrees_with_serde(body.as_bytes(), &plan, 0, 0);
    }
    // The scan judges ordinary bodies itself, surrogate pairs and large exponents included.
    let scanned = |body: &str| crate::check::scan::parse(body, &plan).is_some();
    assert!(scanned(&bodies[0]));
    assert!(scanned(&bodies[1]));
    assert!(scanned(r#"{"a": 1e299, "b": [1E-300, 0.5e300]}"#));
    assert!(!scanned(&bodies[2]));
}

/// When [`crate::check::scan`] judges `body` itself, serde's pruned parse accepts it and
/// builds the same document; whether it judged it.
fn scan_agrees_with_serde(body: &[u8], plan: &BodyPlan, seed: u64, round: usize) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let Some(scanned) = crate::check::scan::parse(text, plan) else {
        return false;
    };
    match parse_with_serde(text, plan) {
        Ok(parsed) => assert_eq!(
            format!("{scanned:?}"),
            format!("{parsed:?}"),
            "seed {seed} round {round}: {text}"
        ),
        Err(error) => panic!("seed {seed} round {round}: the scan accepted {text}, serde: {error}"),
    }
    true
}

#[test]
fn the_whole_tree_is_taken_from_a_view_whatever_it_parsed_before() {
    let paths = compile(&["$.a"]);
    let response = received(r#"{"a": 1, "b": [2]}"#);
    let pruned_only = ResponseView::with_queries(&response, &paths);
    assert_eq!(pruned_only.select(&paths[0]).expect("JSON"), vec![json!(1)]);
    assert_eq!(
        pruned_only.into_json().ok(),
        Some(json!({"a": 1, "b": [2]}))
    );
    let whole = ResponseView::new(&response);
    assert_eq!(whole.json().expect("JSON")["b"], json!([2]));
    assert_eq!(whole.into_json().ok(), Some(json!({"a": 1, "b": [2]})));
    assert_eq!(
        ResponseView::new(&received("<html>")).into_json().ok(),
        None
    );
}

/// Queries that keep their plan, as a step does for all its responses.
struct Kept {
    paths: Vec<JsonPath>,
    plan: Option<BodyPlan>,
}

impl crate::check::Queries for Kept {
    fn each_jsonpath(&self, visit: &mut dyn FnMut(&JsonPath)) {
        self.paths.iter().for_each(visit);
    }
    fn kept_plan(&self) -> Option<Option<&BodyPlan>> {
        Some(self.plan.as_ref())
    }
}

#[test]
fn a_plan_kept_by_the_queries_is_used_for_every_response() {
    let paths = compile(&["$.a"]);
    let plan = crate::check::plan_for(&paths);
    assert!(plan.is_some());
    let kept = Kept { paths, plan };
    for body in [r#"{"a": 1, "b": 2}"#, r#"{"a": 3, "b": 4}"#] {
        let response = received(body);
        let view = ResponseView::with_queries(&response, &kept);
        let answer = view.select(&kept.paths[0]).expect("JSON");
        assert_eq!(answer.len(), 1);
        assert!(view.plan.get().is_none(), "not made again in the view");
        assert!(
            view.document.get().is_none(),
            "answered from the pruned parse"
        );
    }
}
