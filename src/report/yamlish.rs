//! YAMLish: the subset of YAML that TAP 13 diagnostics are written in, as the reference
//! reader (Perl's `TAP::Parser::YAMLish::Reader`, what `prove` runs) reads it — and as full
//! YAML parsers (PyYAML, js-yaml, `yaml`) read it the same way.
//!
//! What that subset asks for: a list indented below its key (a list level with its key would
//! take the keys after it as more items), one line per scalar (no block scalars), and
//! double-quoted strings whose escapes both kinds of reader know (`\n`, `\t`, `\xNN`…).

use std::fmt::Write;

/// A value of a diagnostic.
pub(super) enum Node {
    /// A string, always written double-quoted.
    Text(String),
    /// A count or a position.
    Number(u64),
    /// Keys in the order written.
    Map(Vec<(&'static str, Node)>),
    /// Items in order.
    List(Vec<Node>),
}

/// Writes `map` as a YAMLish document (`---` to `...`), every line after `indent` spaces.
pub(super) fn document(out: &mut String, indent: usize, map: &[(&'static str, Node)]) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}---");
    entries(out, indent, map);
    let _ = writeln!(out, "{pad}...");
}

/// `key: value` lines at `indent`; a nested map or list goes on the next lines, two deeper.
fn entries(out: &mut String, indent: usize, map: &[(&'static str, Node)]) {
    for (key, value) in map {
        let _ = write!(out, "{:indent$}{key}:", "");
        value_after(out, indent, value);
    }
}

/// What follows `key:` or `-` at `indent`: a scalar on the same line, else the lines below.
fn value_after(out: &mut String, indent: usize, value: &Node) {
    match value {
        Node::Text(text) => {
            out.push(' ');
            quoted(out, text);
            out.push('\n');
        }
        Node::Number(number) => {
            let _ = writeln!(out, " {number}");
        }
        Node::Map(map) if map.is_empty() => out.push_str(" {}\n"),
        Node::List(items) if items.is_empty() => out.push_str(" []\n"),
        Node::Map(map) => {
            out.push('\n');
            entries(out, indent + 2, map);
        }
        Node::List(items) => {
            out.push('\n');
            let indent = indent + 2;
            for item in items {
                match item {
                    // `- key: value`, the map's other keys under its first.
                    Node::Map(map) if !map.is_empty() => {
                        let _ = write!(out, "{:indent$}- ", "");
                        let (first, rest) = map.split_at(1);
                        let (key, value) = &first[0];
                        let _ = write!(out, "{key}:");
                        value_after(out, indent + 2, value);
                        entries(out, indent + 2, rest);
                    }
                    other => {
                        let _ = write!(out, "{:indent$}-", "");
                        value_after(out, indent, other);
                    }
                }
            }
        }
    }
}

/// `text` double-quoted, on one line: `\` and `"` escaped, and every character that is not
/// printable YAML (or would steer a terminal) written as an escape both readers decode.
fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            // C0, DEL and C1 controls: `\xNN` is the one escape Perl's reader and YAML share.
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // Line and paragraph separators, a byte order mark, non-characters, and the marks
            // that reorder text: YAML's `\u` (Perl's reader keeps it as written).
            '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_sits_below_its_key_and_the_keys_after_it_stay_out_of_it() {
        let mut out = String::new();
        document(
            &mut out,
            2,
            &[
                ("message", Node::Text("expectations failed".into())),
                (
                    "failures",
                    Node::List(vec![Node::Map(vec![
                        ("subject", Node::Text("status".into())),
                        ("at", Node::Map(vec![("file", Node::Text("a.yaml".into()))])),
                    ])]),
                ),
                ("duration_ms", Node::Number(3)),
            ],
        );
        assert_eq!(
            out,
            "  ---\n  message: \"expectations failed\"\n  failures:\n    - subject: \"status\"\n      at:\n        file: \"a.yaml\"\n  duration_ms: 3\n  ...\n"
        );
    }

    #[test]
    fn every_character_stays_on_one_line_in_an_escape_both_readers_know() {
        let every: String = (0u32..0x250)
            .chain([0x2028, 0x2029, 0xfeff, 0xfffe, 0xffff, 0x202e, 0x1f600])
            .filter_map(char::from_u32)
            .collect();
        let mut out = String::new();
        quoted(&mut out, &every);
        assert!(!out.chars().any(|c| c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{202e}'
            )));
        assert!(
            out.contains("\\x00")
                && out.contains("\\x85")
                && out.contains("\\\"")
                && out.contains("😀")
        );
        // Every backslash starts an escape.
        let inner = &out[1..out.len() - 1];
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                assert!(
                    matches!(
                        chars.next(),
                        Some('\\' | '"' | 'n' | 't' | 'r' | 'e' | 'x' | 'u')
                    ),
                    "{out}"
                );
            } else {
                assert_ne!(c, '"', "{out}");
            }
        }
    }
}
