//! The fast path reads what yaml_serde reads, or gives up: unit tests of each construct and
//! each bail-out, the repository's collections, and a differential test over generated
//! documents.

use std::fmt::Write as _;

use super::{de, parse, scan};
use crate::spec::collection::{CollectionSpec, StepSpec};

/// The collection through the fast path, as the loader reads it (header, then each step).
fn quick_collection(source: &str) -> Option<CollectionSpec> {
    let quick = scan(source)?;
    let mut spec: CollectionSpec = quick.header()?;
    for step in quick.steps::<StepSpec>() {
        spec.steps.push(step?);
    }
    Some(spec)
}

/// The collection as the full loader reads it: duplicate keys refused, then yaml_serde.
fn full_collection(source: &str) -> Result<CollectionSpec, serde_yaml::Error> {
    crate::spec::duplicates::check(source)?;
    serde_yaml::from_str(source)
}

/// Any document (steps not kept apart) through the fast path, as `T`.
fn quick_any<T: serde::de::DeserializeOwned>(source: &str) -> Option<T> {
    let (events, _) = parse::document(source, false)?;
    de::from_events(&events)
}

/// Both readings of a document as YAML and JSON values (`Debug`, so NaN compares).
fn both(source: &str) -> (Option<String>, Option<String>) {
    let quick = quick_any::<serde_yaml::Value>(source).map(|yaml| {
        let json = quick_any::<serde_json::Value>(source);
        format!("{yaml:?} {json:?}")
    });
    let full = crate::spec::duplicates::check(source)
        .and_then(|()| serde_yaml::from_str::<serde_yaml::Value>(source))
        .ok()
        .map(|yaml| {
            let json = serde_yaml::from_str::<serde_json::Value>(source).ok();
            format!("{yaml:?} {json:?}")
        });
    (quick, full)
}

/// The fast path reads `source`, the same as yaml_serde.
#[track_caller]
fn reads_the_same(source: &str) {
    let (quick, full) = both(source);
    assert!(quick.is_some(), "the fast path gave up on:\n{source}");
    assert_eq!(quick, full, "{source}");
}

#[test]
fn reads_each_construct_as_yaml_serde_does() {
    for source in [
        "a: 1\n",
        "---\na: 1\n",
        "--- # start\na: 1\n",
        "a: b\nc: d # comment\n# whole line\n\ne: 'f'\n",
        "a:\n  b:\n    c: 1\n  d: [1, 2]\n",
        "a:\n- 1\n- two\n-\n- - x\n  - y\n",
        "a:\n  - k: v\n    l: w\n  -   m: 1\n      n: 2\n  - - a\n    - b\n",
        "a: { b: 1, c: [x, \"y\"], d: { e: ~ }, 'f': [] , g: {} }\n",
        "a: [1, -2, +3, 0x1F, 0o17, 0b11, 1e3, .5, -.inf, .NaN, .inf, ~, null, Null, NULL, true, True, TRUE, false, yes, no, on, off]\n",
        "a: [0123, -0123, 1_000, 1., 18446744073709551615, -9223372036854775808, inf, nan, 0x, -0x1A, +0x1A, 1e400]\n",
        "a: \"\\0\\a\\b\\t\\\t\\n\\v\\f\\r\\e\\ \\\"\\/\\\\\\N\\_\\L\\P\\x41\\u00e9\\U0001F600\"\n",
        "a: 'it''s'\nb: ''''\nc: ''\nd: \"\"\n",
        "a: http://x:8080/p?q=1#frag\nb: a#b\nc: x:y\nd: -x\ne: $.id\nf: '{{base}}'\n",
        "\"quoted key\": 1\n'single': 2\n\"200\": 3\n",
        "a: |\n  line 1\n  line 2\nb: 1\n",
        "a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: >\n  folded\n  text\n\n  para\n    more\n  end\n",
        "a: |2\n    two more\n  base\nb: >-\n   x\n   y\n",
        "a:\n  - |\n    in a list\n  - >+\n    kept\n\n",
        "a: |\n  \n  after an empty line\n   \n  x\n",
        "a: |\n  tab\there\n",
        "a:\n  b: 1\n\n  # between\n  c: 2\n",
        "a:\n    b: 1\n    c:\n       - x\n",
        "a: b\n   # an indented comment\nc: d\n",
        "a:\n  \"x\"\nb:\n  [1, 2]\n",
        "é: ü\nk: 日本\n",
        "a:\nb:\n  -\nc: ''\n",
        "a: x \"y\" z\nb: [a\"b, c'd]\n",
        "a: 'no newline at the end'",
        "a: |\n  no newline at the end",
        "a: >+\n  x\n\n  ",
        "a: |-\n  x\n  ",
        "a: [x:y, 'a', { b: c:d }]\n",
        "<<: { a: 1 }\n",
    ] {
        reads_the_same(source);
    }
    // Integers past 64 bits: the same error as yaml_serde's, or the same value.
    for source in [
        "a: 18446744073709551616\n",
        "a: -9223372036854775809\n",
        "a: 340282366920938463463374607431768211456\n",
    ] {
        let (quick, full) = both(source);
        assert_eq!(quick, full, "{source}");
    }
}

#[test]
fn a_map_of_many_keys_goes_to_the_full_loader() {
    let mut source = String::from("name: c\nvars:\n");
    for i in 0..300 {
        let _ = writeln!(source, "  v{i}: {i}");
    }
    source.push_str("steps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\" }\n");
    assert!(scan(&source).is_none());
    assert!(full_collection(&source).is_ok());
    let flow = format!(
        "a: {{{}}}\n",
        (0..300)
            .map(|i| format!("k{i}: {i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(quick_any::<serde_json::Value>(&flow).is_none());
}

#[test]
fn gives_up_on_anything_outside_the_subset() {
    for source in [
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "? a\n: 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\n...\n",
        "a: plain\n  continued\n",
        "a: \"double\n  quoted\"\n",
        "a: 'single\n  quoted'\n",
        "a: [1,\n  2]\n",
        "a:\n\tb: 1\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "true: 1\n",
        "1: x\n",
        "~: x\n",
        "a: { 200: x }\n",
        "a: 1\na: 2\n",
        "a: { b: 1, b: 2 }\n",
        "a: 1\n\"a\": 2\n",
        "- 1\n- 2\n",
        "plain scalar\n",
        "",
        "  a: 1\n",
        "a: b: c\n",
        "a: [b: c]\n",
        "a: [1, 2,]\n",
        "a: \"\\q\"\n",
        "a: \"\\ud800\"\n",
        "a: \"x\" y\n",
        "a: |\nb: 1\n",
        "a: \u{7}\n",
        "a: \u{85}\n",
        "a: { b:1 }\n",
        "a:\n  - 1\n - 2\n",
        "a: [x:, y]\n",
        "a: [x:?]\n",
        "a: [-]\n",
        "a: \u{feff}x\n",
        "a: x\n\u{feff}b: y\n",
    ] {
        assert!(
            quick_any::<serde_yaml::Value>(source).is_none(),
            "{source:?}"
        );
    }
    // libyaml gives up on a key longer than 1024 characters; so does the fast path, sooner.
    for key in ["k".repeat(1001), format!("\"{}\"", "k".repeat(999))] {
        let source = format!("{key}: 1\n");
        assert!(quick_any::<serde_yaml::Value>(&source).is_none());
        let source = format!("a: {{ {key}: 1 }}\n");
        assert!(quick_any::<serde_yaml::Value>(&source).is_none());
    }
    reads_the_same(&format!("{}: 1\n", "k".repeat(1000)));
    // A character YAML refuses, wherever it is (the text is checked in blocks of 4096).
    for at in [4090, 4094, 4095, 4096, 8190] {
        for refused in ["\u{85}", "\u{2028}", "\u{feff}", "\u{fffe}", "\u{1}", "\r"] {
            let source = format!("a: {}{refused}\n", "x".repeat(at - 3));
            assert!(
                quick_any::<serde_yaml::Value>(&source).is_none(),
                "{at} {refused:?}"
            );
        }
        reads_the_same(&format!("a: {}é日😀\n", "x".repeat(at - 3)));
    }
    let deep = format!("a: {}{}\n", "[".repeat(101), "]".repeat(101));
    assert!(quick_any::<serde_yaml::Value>(&deep).is_none());
    let deep_enough = format!("a: {}{}\n", "[".repeat(99), "]".repeat(99));
    reads_the_same(&deep_enough);
}

#[test]
fn typed_fields_read_as_yaml_serde_reads_them() {
    let source = "\
name: 200
description: true
tags: [1, 'x', '~']
inputs: ~
vars:
  n: 1e3
  s: '1e3'
  l: [.5, +1, 0x1F]
defaults:
  timeout: 10s
  follow_redirects: True
  max_redirects: 3
steps:
  - name: first
    request:
      method: POST
      url: \"{{base}}/x\"
      query: { a: 1, b: x, c: true, d: 1.5, e: [1, x, true], f: [] }
      headers: { A: 1, B: ~, C: '' }
      json: { a: [1, 2.5, null, yes], b: { c: '' } }
    expect:
      status: [200, 201]
      jsonpath:
        $.a: 1
        $.b: { gt: 2 }
    capture:
      id: $.id
    retry: { attempts: 3, on: [429, transport, 5xx] }
  - name: second
    delay: 500ms
    request:
      url: http://x
      form:
        tag:
          - a
          - 2
      body: |
        text
";
    let quick = quick_collection(source).expect("read by the fast path");
    let full = full_collection(source).expect("read by yaml_serde");
    assert_eq!(format!("{quick:?}"), format!("{full:?}"));
    // A null in a list of texts is refused by both; a null field is left out by both.
    let null_tag = source.replace("'~'", "~");
    assert!(quick_collection(&null_tag).is_none());
    assert!(full_collection(&null_tag).is_err());
    // `steps` must be a block list for the steps to be read one at a time.
    for other in [
        "name: x\nsteps: [{ name: a, request: { url: u } }]\n",
        "name: x\nsteps:\n",
        "name: x\nsteps: a\n",
        "name: x\nsteps:\n  name: a\n",
    ] {
        assert!(scan(other).is_none(), "{other}");
    }
    // Each step must end where the next starts (or where the list ends).
    for stray in [
        "name: x\nsteps:\n  - name: a\n    request: { url: u }\n   stray: 1\n",
        "name: x\nsteps:\n  - name: a\n    request: { url: u }\n     - stray\n  - name: b\n    request: { url: v }\n",
        "name: x\nsteps:\n  - name: a\n    request: { url: \"u\n  - name: b\"}\n",
        "name: x\nsteps:\n  - name: a\n    request: { url: u }\n - name: b\n",
        "name: x\nsteps:\n  - name: a\n    request: { url: u }\n\tfinally: []\n",
        "name: x\nsteps:\n  - name: a\n    request:\n\t url: u\n",
    ] {
        assert!(quick_collection(stray).is_none(), "{stray}");
    }
    for tiled in [
        "name: x\nsteps:\n  - name: a\n    request: { url: u }\n# at column 0\n\n  # between\n  - name: b\n    request:\n      url: v\n      body: |\n        # text\n\n        more\n  # last\n\nfinally: []\n",
        "name: x\nsteps:\n- name: a\n  request: { url: u }\n-\n  name: b\n  request: { url: v }",
        "steps:\n  - name: a\n    request: { url: u }\nname: x # after the steps\n",
        "name: x\nsteps:\n  - name: a\n    request:\n      url: u\n      body: |+\n        kept\n\n\n",
    ] {
        let quick = quick_collection(tiled).unwrap_or_else(|| panic!("not read: {tiled}"));
        let full = full_collection(tiled).expect("read by yaml_serde");
        assert_eq!(format!("{quick:?}"), format!("{full:?}"));
    }
    let indentless = "name: x\nsteps:\n- name: a\n  request: { url: u }\n- name: b\n  request:\n    url: v\nfinally: []\n";
    let quick = quick_collection(indentless).expect("read by the fast path");
    let full = full_collection(indentless).expect("read by yaml_serde");
    assert_eq!(format!("{quick:?}"), format!("{full:?}"));
    // A value serde refuses sends the document to the full loader.
    for refused in [
        source.replace("max_redirects: 3", "max_redirects: '3'"),
        source.replace("method: POST", "method: post"),
        source.replace("name: second", "nme: second"),
    ] {
        assert!(full_collection(&refused).is_err());
        assert!(quick_collection(&refused).is_none(), "{refused}");
    }
}

/// Every collection of the repository reads the same through the fast path as through
/// yaml_serde, and most are read by it.
#[test]
fn repository_collections_read_the_same() {
    let (mut read, mut collections) = (0, 0);
    for (path, source) in crate::collection::edits::repository_yaml() {
        let source = source.strip_prefix('\u{feff}').unwrap_or(&source);
        let full = full_collection(source);
        match quick_collection(source) {
            Some(quick) => {
                let full = full.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(
                    format!("{quick:?}"),
                    format!("{full:?}"),
                    "{}",
                    path.display()
                );
                read += 1;
            }
            None if full.is_ok() => eprintln!("not read by the fast path: {}", path.display()),
            None => {}
        }
        if full_collection(source).is_ok() {
            collections += 1;
        }
        // Any YAML: the same values, or the fast path gave up.
        if let (Some(quick), full) = both(source) {
            assert_eq!(Some(quick), full, "{}", path.display());
        }
    }
    assert!(
        read * 10 >= collections * 8 && read >= 10,
        "the fast path read only {read} of {collections} collections"
    );
}

/// Builds random documents of the plain subset (and a little outside it).
struct Generator {
    rng: fastrand::Rng,
    /// Spaces per level of this document: 2, 3 or 4.
    width: usize,
    /// The next collection is written in block style (the top-level `steps`: the fast path
    /// reads only a block list there, as the outline does).
    block: bool,
}

/// A node to write, its style chosen when written.
enum Node {
    /// A scalar: its text (written plain, quoted or escaped).
    Text(String),
    /// A block scalar's lines.
    Block(Vec<String>),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

const SCALARS: &[&str] = &[
    "200",
    "true",
    "True",
    "TRUE",
    "yes",
    "no",
    "on",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    "1e3",
    ".5",
    "+1",
    "-1",
    "0x1F",
    "0o17",
    "0b101",
    "-.inf",
    ".NaN",
    ".inf",
    "+.inf",
    "1_000",
    "0123",
    "-0x1A",
    "18446744073709551616",
    "-9223372036854775809",
    "1.",
    "1.5e-3",
    "-0",
    "0.0",
    "inf",
    "nan",
    "abc",
    "hello world",
    "http://x:8080/a?b=c#frag",
    "a#b",
    "{{base_url}}/x",
    "$.id",
    "$[0].status.description",
    "-x",
    "é ü 日本",
    "it's",
    "say \"hi\"",
    "a\\b",
    "tab\there",
    " lead",
    "trail ",
    "x:y",
    "@at",
    "%pct",
    "!bang",
    "&amp",
    "*star",
    "- dash",
    "? q",
    "[a]",
    "{b}",
    ",c",
    "#hash",
    "a, b",
    "a: b",
    "multi\nline",
    "\u{85}nel",
    "\u{2028}ls",
    "\u{7}bell",
    "😀",
    "500ms",
    "2xx",
    "GET",
    "POST",
    "transport",
    "429",
    "a'b\"c",
    "/",
    "\\",
    ":",
    "-",
    "---",
    "...",
    "a ",
    "a #b",
];

const KEYS: &[&str] = &[
    "a",
    "b c",
    "$.x",
    "X-Header",
    "true",
    "200",
    "é",
    "k:v",
    "-k",
    "_",
    "name",
    "url",
    "id",
    "base_url",
    "Content-Type",
    "a.b",
    "q?",
    "x y z",
    "'",
    "\"",
    "#k",
    "[k]",
    "null",
];

impl Generator {
    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.rng.usize(..from.len())]
    }

    fn text(&mut self) -> Node {
        Node::Text(self.pick(SCALARS).to_owned())
    }

    fn block(&mut self) -> Node {
        let mut lines = Vec::new();
        for _ in 0..self.rng.usize(1..5) {
            lines.push(
                match self.rng.u8(..6) {
                    0 => "",
                    1 => "  more indented",
                    2 => "# not a comment",
                    3 => "a: b",
                    _ => "some text",
                }
                .to_owned(),
            );
        }
        if lines[0].is_empty() && self.rng.bool() {
            lines[0] = "first".to_owned();
        }
        if self.rng.u8(..6) == 0 {
            // A line of spaces only, longer or shorter than the indentation.
            let at = self.rng.usize(..=lines.len());
            lines.insert(at, " ".repeat(self.rng.usize(1..8)) + "\u{0}");
        }
        Node::Block(lines)
    }

    /// Any value, `depth` levels deep at most.
    fn value(&mut self, depth: usize) -> Node {
        match self.rng.u8(..10) {
            0..=4 => self.text(),
            5 => self.block(),
            6 | 7 if depth > 0 => {
                let n = self.rng.usize(..4);
                let mut entries: Vec<(String, Node)> = Vec::new();
                for _ in 0..n {
                    let key = self.pick(KEYS).to_owned();
                    // Mostly distinct keys: a duplicate only now and then.
                    if entries.iter().any(|(k, _)| *k == key) && self.rng.u8(..8) != 0 {
                        continue;
                    }
                    let value = self.value(depth - 1);
                    entries.push((key, value));
                }
                Node::Map(entries)
            }
            8 | 9 if depth > 0 => {
                let n = self.rng.usize(..4);
                Node::Seq((0..n).map(|_| self.value(depth - 1)).collect())
            }
            _ => self.text(),
        }
    }

    /// A scalar written in a style chosen at random (`flow`: inside a flow collection).
    fn scalar(&mut self, text: &str, flow: bool) -> String {
        let plain_ok = !text.contains('\n');
        match self.rng.u8(..10) {
            0..=4 if plain_ok && !(flow && text.contains([',', '[', ']', '{', '}'])) => {
                text.to_owned()
            }
            5 | 6 if plain_ok => format!("'{}'", text.replace('\'', "''")),
            _ => {
                let mut out = String::from("\"");
                for c in text.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' if self.rng.bool() => out.push_str("\\t"),
                        '/' if self.rng.bool() => out.push_str("\\/"),
                        '\u{85}' => out.push_str("\\N"),
                        '\u{2028}' => out.push_str("\\L"),
                        c if (c as u32) < 0x20 => {
                            let _ = write!(out, "\\x{:02x}", c as u32);
                        }
                        c if !c.is_ascii() && self.rng.u8(..3) == 0 => {
                            if (c as u32) > 0xffff {
                                let _ = write!(out, "\\U{:08X}", c as u32);
                            } else {
                                let _ = write!(out, "\\u{:04x}", c as u32);
                            }
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
                out
            }
        }
    }

    fn key(&mut self, key: &str) -> String {
        self.scalar(key, false)
    }

    fn comment(&mut self) -> &'static str {
        if self.rng.u8(..6) == 0 {
            " # note"
        } else {
            ""
        }
    }

    /// `node` in flow style, if it has no block scalar.
    fn flow(&mut self, node: &Node) -> Option<String> {
        Some(match node {
            Node::Text(text) => {
                let written = self.scalar(text, true);
                if written.is_empty() {
                    "''".to_owned()
                } else {
                    written
                }
            }
            Node::Block(_) => return None,
            Node::Seq(items) => {
                let items: Option<Vec<String>> = items.iter().map(|i| self.flow(i)).collect();
                format!("[{}]", items?.join(", "))
            }
            Node::Map(entries) => {
                let mut parts = Vec::new();
                for (key, value) in entries {
                    let key = self.scalar(key, true);
                    parts.push(format!("{key}: {}", self.flow(value)?));
                }
                if parts.is_empty() {
                    "{}".to_owned()
                } else {
                    format!("{{ {} }}", parts.join(", "))
                }
            }
        })
    }

    /// The header and lines of a block scalar whose block collection is at `parent`.
    fn block_scalar(&mut self, lines: &[String], parent: usize, out: &mut String) {
        let style = if self.rng.bool() { '|' } else { '>' };
        let chomp = ["", "-", "+"][self.rng.usize(..3)];
        let explicit = self.rng.u8(..4) == 0;
        let indent = parent + self.width;
        if explicit {
            // Mostly the indentation written; now and then less or more.
            let indicator = self.rng.usize(1..=self.width + 1).min(9);
            let _ = writeln!(out, " {style}{indicator}{chomp}");
        } else {
            let _ = writeln!(out, " {style}{chomp}{}", self.comment());
        }
        for line in lines {
            if let Some(spaces) = line.strip_suffix('\u{0}') {
                let _ = writeln!(out, "{spaces}");
            } else if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "{}{line}", " ".repeat(indent));
            }
        }
        if self.rng.u8(..3) == 0 {
            out.push('\n');
        }
    }

    /// `node` as the value after `key:` or `-` (already written), in the block collection at
    /// column `parent`; `in_seq`: after a `-`.
    fn after(&mut self, node: &Node, parent: usize, in_seq: bool, out: &mut String) {
        match node {
            Node::Text(text) => {
                let written = self.scalar(text, false);
                if written.is_empty() {
                    out.push('\n');
                } else {
                    let comment = self.comment();
                    let _ = writeln!(out, " {written}{comment}");
                }
            }
            Node::Block(lines) => self.block_scalar(lines, parent, out),
            Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
            Node::Seq(items) if items.is_empty() => out.push_str(" []\n"),
            _ => {
                let block = std::mem::take(&mut self.block);
                if !block && self.rng.u8(..4) == 0 {
                    if let Some(flow) = self.flow(node) {
                        let _ = writeln!(out, " {flow}");
                        return;
                    }
                }
                match node {
                    Node::Map(_) if in_seq && self.rng.bool() => {
                        // `- key: value`, the map at the column of its first key.
                        let gap = self.rng.usize(1..4);
                        out.push_str(&" ".repeat(gap));
                        self.write(node, parent + 1 + gap, true, out);
                    }
                    Node::Seq(_) if in_seq && self.rng.bool() => {
                        out.push(' ');
                        self.write(node, parent + 2, true, out);
                    }
                    Node::Seq(_) if !in_seq && self.rng.u8(..3) == 0 => {
                        // A list at the column of its key.
                        let _ = writeln!(out, "{}", self.comment());
                        self.write(node, parent, false, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{}", self.comment());
                        if self.rng.u8(..8) == 0 {
                            out.push_str("\n  # a comment line\n");
                        }
                        self.write(node, parent + self.width, false, out);
                    }
                }
            }
        }
    }

    /// A block map or list at column `indent`; `inline`: its first line is already
    /// indented (after a `-`).
    fn write(&mut self, node: &Node, indent: usize, inline: bool, out: &mut String) {
        let pad = " ".repeat(indent);
        match node {
            Node::Map(entries) => {
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 || !inline {
                        out.push_str(&pad);
                    }
                    self.block = indent == 0 && key == "steps";
                    let key = self.key(key);
                    let _ = write!(out, "{key}:");
                    self.after(value, indent, false, out);
                }
            }
            Node::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 || !inline {
                        out.push_str(&pad);
                    }
                    out.push('-');
                    self.after(item, indent, true, out);
                }
            }
            other => self.after(other, indent, false, out),
        }
    }

    /// A document: a map at the top.
    fn document(&mut self, top: Node) -> String {
        self.width = self.rng.usize(2..=4);
        let mut out = String::new();
        if self.rng.u8(..4) == 0 {
            out.push_str("---\n");
        }
        self.write(&top, 0, false, &mut out);
        out
    }

    fn choose(&mut self, options: &[&str]) -> Node {
        Node::Text(self.pick(options).to_owned())
    }

    /// A collection made of the format's fields, with values mostly of the right kind.
    fn collection(&mut self) -> Node {
        let mut top = vec![(
            "name".to_owned(),
            self.choose(&["c", "200", "a collection"]),
        )];
        if self.rng.bool() {
            top.push(("vars".to_owned(), self.map_of_any(2)));
        }
        if self.rng.u8(..3) == 0 {
            top.push((
                "defaults".to_owned(),
                Node::Map(vec![
                    ("timeout".to_owned(), self.choose(&["10s", "500ms", "10"])),
                    ("headers".to_owned(), self.map_of(&["x", "1", "true", ""])),
                ]),
            ));
        }
        let steps = (0..self.rng.usize(1..6)).map(|_| self.step()).collect();
        top.push(("steps".to_owned(), Node::Seq(steps)));
        if self.rng.u8(..4) == 0 {
            top.push(("finally".to_owned(), Node::Seq(vec![self.step()])));
        }
        if self.rng.u8(..20) == 0 {
            top.push(("unknown".to_owned(), self.text()));
        }
        Node::Map(top)
    }

    fn map_of_any(&mut self, depth: usize) -> Node {
        let mut entries: Vec<(String, Node)> = Vec::new();
        for _ in 0..self.rng.usize(1..4) {
            let key = self
                .pick(&["a", "b", "base_url", "token", "n", "list"])
                .to_owned();
            if entries.iter().all(|(k, _)| *k != key) {
                let value = self.value(depth);
                entries.push((key, value));
            }
        }
        Node::Map(entries)
    }

    fn map_of(&mut self, values: &[&str]) -> Node {
        let mut entries: Vec<(String, Node)> = Vec::new();
        for key in ["A", "B", "C"] {
            if self.rng.bool() {
                let value = self.choose(values);
                entries.push((key.to_owned(), value));
            }
        }
        Node::Map(entries)
    }

    fn step(&mut self) -> Node {
        let mut request = vec![(
            "url".to_owned(),
            self.choose(&["http://x/a", "{{base_url}}/x?y=1", "/p"]),
        )];
        if self.rng.bool() {
            request.push((
                "method".to_owned(),
                self.choose(&["GET", "POST", "DELETE", "post"]),
            ));
        }
        match self.rng.u8(..4) {
            0 => request.push(("json".to_owned(), self.value(3))),
            1 => request.push(("body".to_owned(), self.block())),
            _ => {}
        }
        if self.rng.bool() {
            request.push((
                "query".to_owned(),
                self.map_of(&["1", "x", "true", "1.5", "0x1F", "~"]),
            ));
        }
        if self.rng.bool() {
            request.push((
                "headers".to_owned(),
                self.map_of(&["x", "~", "", "Bearer {{t}}", "1"]),
            ));
        }
        let mut step = vec![
            ("name".to_owned(), self.choose(&["s", "list", "1", "true"])),
            ("request".to_owned(), Node::Map(request)),
        ];
        if self.rng.bool() {
            let status = match self.rng.u8(..3) {
                0 => self.choose(&["200", "2xx", "any", "0x1F"]),
                1 => Node::Seq(vec![self.choose(&["200", "201"]), self.choose(&["204"])]),
                _ => self.choose(&["201"]),
            };
            let mut expect = vec![("status".to_owned(), status)];
            if self.rng.bool() {
                let mut paths: Vec<(String, Node)> = Vec::new();
                for key in ["$.a", "$[0].status.description", "$.n"] {
                    if self.rng.bool() {
                        let predicate = if self.rng.bool() {
                            self.value(2)
                        } else {
                            Node::Map(vec![("gt".to_owned(), self.choose(&["1", "2.5"]))])
                        };
                        paths.push((key.to_owned(), predicate));
                    }
                }
                expect.push(("jsonpath".to_owned(), Node::Map(paths)));
            }
            step.push(("expect".to_owned(), Node::Map(expect)));
        }
        if self.rng.bool() {
            step.push((
                "capture".to_owned(),
                Node::Map(vec![("id".to_owned(), self.choose(&["$.id", "$[19].id"]))]),
            ));
        }
        if self.rng.u8(..4) == 0 {
            step.push((
                "retry".to_owned(),
                Node::Map(vec![
                    ("attempts".to_owned(), self.choose(&["3", "'3'", "1e1"])),
                    (
                        "on".to_owned(),
                        Node::Seq(vec![self.choose(&["429", "transport", "5xx"])]),
                    ),
                ]),
            ));
        }
        if self.rng.u8(..4) == 0 {
            step.push(("delay".to_owned(), self.choose(&["500ms", "1s", "1"])));
        }
        Node::Map(step)
    }
}

/// Generated documents: whenever the fast path reads one, yaml_serde reads it the same; and
/// the fast path reads most of those yaml_serde reads, or this proves little.
#[test]
fn generated_documents_read_as_yaml_serde_reads_them() {
    let mut generator = Generator {
        rng: fastrand::Rng::with_seed(20),
        width: 2,
        block: false,
    };
    let (mut any_read, mut any_valid) = (0, 0);
    for _ in 0..5000 {
        let top = match generator.value(4) {
            map @ Node::Map(_) => map,
            other => Node::Map(vec![("top".to_owned(), other)]),
        };
        let source = generator.document(top);
        let (quick, full) = both(&source);
        if full.is_some() {
            any_valid += 1;
        }
        if quick.is_some() {
            assert_eq!(quick, full, "{source}");
            any_read += 1;
        }
    }
    let (mut read, mut valid) = (0, 0);
    for _ in 0..4000 {
        let top = generator.collection();
        let source = generator.document(top);
        let full = full_collection(&source).ok();
        if full.is_some() {
            valid += 1;
        }
        if let Some(quick) = quick_collection(&source) {
            let full = full.unwrap_or_else(|| panic!("yaml_serde refuses:\n{source}"));
            assert_eq!(format!("{quick:?}"), format!("{full:?}"), "{source}");
            read += 1;
        }
    }
    eprintln!("any YAML: {any_read} of {any_valid}; collections: {read} of {valid}");
    assert!(any_read * 10 >= any_valid * 8, "{any_read} of {any_valid}");
    assert!(read * 10 >= valid * 8 && valid >= 300, "{read} of {valid}");
}

/// Edits of the repository's collections, line by line and character by character (the
/// slips a person makes): whenever the fast path reads the edited text, yaml_serde reads it
/// the same; so the fast path never accepts, or reads differently, what the full loader
/// would refuse or read otherwise.
#[test]
fn edited_collections_read_the_same_or_fall_back() {
    let files: Vec<String> = crate::collection::edits::repository_yaml()
        .into_iter()
        .map(|(_, text)| text)
        .filter(|text| full_collection(text).is_ok())
        .collect();
    let mut rng = fastrand::Rng::with_seed(21);
    let (mut compared, mut fell_back) = (0, 0);
    for round in 0..3000 {
        let source = &files[round % files.len()];
        let edited = crate::collection::edits::edit(&mut rng, source);
        match (quick_collection(&edited), full_collection(&edited)) {
            (Some(quick), Ok(full)) => {
                assert_eq!(format!("{quick:?}"), format!("{full:?}"), "{edited}");
                compared += 1;
            }
            (Some(_), Err(error)) => {
                panic!("read by the fast path, but yaml_serde refuses it ({error}):\n{edited}")
            }
            (None, Ok(_)) => fell_back += 1,
            (None, Err(_)) => {}
        }
        if let (Some(quick), full) = both(&edited) {
            assert_eq!(Some(quick), full, "{edited}");
        }
    }
    assert!(
        compared > 500,
        "only {compared} edits compared ({fell_back} fell back)"
    );
}

/// A collection's problems are the same, at the same places, whether the fast path or the
/// full loader read it (an anchor nobody uses sends the second reading to the full loader).
#[test]
fn problems_are_the_same_through_either_path() {
    let plain = "\
name: c
vars:
  base: http://x
steps:
  - name: a
    request: { url: \"{{base}}/a\" }
    expect:
      jsonpath:
        \"$[\": 1
  - name: b
    request:
      url: \"{{nope}}/b\"
      headers: { A: \"{{env.MISSING}}\" }
  - name: c
    retry: { attempts: 0 }
    request: { url: \"{{base}}/c\" }
";
    let anchored = plain.replacen("name: c\n", "name: &n c\n", 1);
    assert!(scan(plain).is_some());
    assert!(scan(&anchored).is_none());
    let problems = |source: &str| match crate::collection::Collection::parse(
        std::path::Path::new("c.yaml"),
        source.to_owned(),
    ) {
        Ok(_) => panic!("compiles"),
        Err(problems) => problems
            .0
            .iter()
            .map(|p| format!("{:?} {:?} {}", p.position, p.field, p.message))
            .collect::<Vec<_>>(),
    };
    let fast = problems(plain);
    assert!(fast.len() >= 3, "{fast:?}");
    assert_eq!(fast, problems(&anchored));
}

/// A step nested too deep is refused by the depth check, as before the fast path (which
/// reads steps only when compiling them, and gives up on them past the limit).
#[test]
fn a_step_nested_too_deep_gets_the_depth_message() {
    for depth in [96, 97, 150, 5000] {
        let source = format!(
            "name: x\nsteps:\n  - name: a\n    request:\n      url: http://h/\n      json: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert!(scan(&source).is_some());
        let result =
            crate::collection::Collection::parse(std::path::Path::new("c.yaml"), source.clone());
        match result {
            // With the map at the top, `steps`, the step and `request`: 4 levels more.
            Ok(_) => assert!(depth + 4 <= 100, "{depth} levels accepted"),
            Err(problems) => {
                assert!(depth + 4 > 100, "{problems}");
                assert!(
                    problems.0[0].message.contains("nest more than 100 levels"),
                    "{problems}"
                );
                // The 101st level (the depth check's parser stops earlier on very deep text).
                if depth < 200 {
                    assert_eq!(problems.0[0].position, Some((6, 109)));
                }
            }
        }
    }
}
