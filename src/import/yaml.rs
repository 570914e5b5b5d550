//! A small YAML writer that keeps comments: block style for structure, flow style for short
//! leaf maps, and quoting wherever a plain scalar would read back as something else
//! (`{{var}}`, `true`, `1.0`, `a: b`, ...). serde_yaml cannot write comments, and an imported
//! collection needs them to keep what could not be translated beside its step.

use serde_json::Value;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A scalar, written as its JSON value would read back.
    Scalar(Value),
    /// A map, in insertion order.
    Map(Map),
    /// A sequence.
    Seq(Vec<Item>),
}

/// A map: entries in order, and whether it may be written on one line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map {
    /// The entries.
    pub entries: Vec<Entry>,
    /// Written as `{ a: 1, b: 2 }` when every value is a scalar and the line stays short.
    pub inline: bool,
}

/// A map entry, with comment lines written above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Node,
    /// Comment lines (without `#`) written above the entry.
    pub comments: Vec<String>,
}

/// A sequence item, with comment lines written above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The value.
    pub value: Node,
    /// Comment lines (without `#`) written above the item.
    pub comments: Vec<String>,
}

impl Map {
    /// An empty block map.
    pub fn block() -> Self {
        Map::default()
    }

    /// An empty map that may be written on one line.
    pub fn inline() -> Self {
        Map {
            entries: Vec::new(),
            inline: true,
        }
    }

    /// Appends `key: value`.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Node>) {
        self.entries.push(Entry {
            key: key.into(),
            value: value.into(),
            comments: Vec::new(),
        });
    }

    /// Appends `key: value` with comment lines above it.
    pub fn insert_commented(
        &mut self,
        key: impl Into<String>,
        value: impl Into<Node>,
        comments: Vec<String>,
    ) {
        self.entries.push(Entry {
            key: key.into(),
            value: value.into(),
            comments,
        });
    }

    /// The value of `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|entry| entry.key == key)
            .map(|entry| &mut entry.value)
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl From<Map> for Node {
    fn from(map: Map) -> Self {
        Node::Map(map)
    }
}

impl From<Value> for Node {
    fn from(value: Value) -> Self {
        from_json(&value)
    }
}

impl From<&str> for Node {
    fn from(text: &str) -> Self {
        Node::Scalar(Value::String(text.to_owned()))
    }
}

impl From<String> for Node {
    fn from(text: String) -> Self {
        Node::Scalar(Value::String(text))
    }
}

impl From<bool> for Node {
    fn from(flag: bool) -> Self {
        Node::Scalar(Value::Bool(flag))
    }
}

impl From<Vec<Item>> for Node {
    fn from(items: Vec<Item>) -> Self {
        Node::Seq(items)
    }
}

/// A JSON value as a node; objects of scalars may be written inline.
pub fn from_json(value: &Value) -> Node {
    match value {
        Value::Object(object) => Node::Map(Map {
            inline: true,
            entries: object
                .iter()
                .map(|(key, value)| Entry {
                    key: key.clone(),
                    value: from_json(value),
                    comments: Vec::new(),
                })
                .collect(),
        }),
        Value::Array(items) => Node::Seq(
            items
                .iter()
                .map(|value| Item {
                    value: from_json(value),
                    comments: Vec::new(),
                })
                .collect(),
        ),
        scalar => Node::Scalar(scalar.clone()),
    }
}

/// The longest line an inline map or list may make.
const INLINE_WIDTH: usize = 96;

/// Writes a document: `header` comment lines, then the top-level map.
pub fn to_string(header: &[String], root: &Map) -> String {
    let mut out = String::new();
    for line in header {
        push_comment(&mut out, 0, line);
    }
    write_map_block(&mut out, root, 0);
    out
}

/// Writes `line` as a comment: a line break inside it starts another comment line, and any
/// other control character (which YAML does not allow in a comment) is written escaped.
fn push_comment(out: &mut String, indent: usize, line: &str) {
    for line in line.split(['\r', '\n']) {
        out.push_str(&" ".repeat(indent));
        if line.is_empty() {
            out.push_str("#\n");
            continue;
        }
        out.push_str("# ");
        for c in line.trim_end().chars() {
            if c.is_control() && c != '\t' {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        out.push('\n');
    }
}

fn write_map_block(out: &mut String, map: &Map, indent: usize) {
    for (index, entry) in map.entries.iter().enumerate() {
        // The first entry of a map inside a sequence item shares the `- ` line, so its
        // comments were written above the dash.
        if !(index == 0 && out.ends_with("- ")) {
            for line in &entry.comments {
                push_comment(out, indent, line);
            }
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&key(&entry.key));
        out.push(':');
        write_value(out, &entry.value, indent);
    }
}

/// Writes the value after `key:` (or after `- `, with `indent` of the item's content).
fn write_value(out: &mut String, value: &Node, indent: usize) {
    match value {
        Node::Scalar(scalar) => {
            if let Some(block) = block_literal(scalar, indent + 2) {
                out.push(' ');
                out.push_str(&block);
            } else {
                out.push(' ');
                out.push_str(&scalar_text(scalar, false));
                out.push('\n');
            }
        }
        Node::Map(map) if map.entries.is_empty() => out.push_str(" {}\n"),
        Node::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        node => match inline(node) {
            Some(text) if indent + text.len() + 16 <= INLINE_WIDTH => {
                out.push(' ');
                out.push_str(&text);
                out.push('\n');
            }
            _ => {
                out.push('\n');
                match node {
                    Node::Map(map) => write_map_block(out, map, indent + 2),
                    Node::Seq(items) => write_seq_block(out, items, indent + 2),
                    Node::Scalar(_) => {}
                }
            }
        },
    }
}

fn write_seq_block(out: &mut String, items: &[Item], indent: usize) {
    for item in items {
        let block_map = match &item.value {
            Node::Map(map) if !map.entries.is_empty() && inline(&item.value).is_none() => Some(map),
            _ => None,
        };
        // The first entry of a block map shares the `- ` line: its comments go above it.
        let first_comments = block_map
            .and_then(|map| map.entries.first())
            .map(|entry| entry.comments.as_slice())
            .unwrap_or_default();
        for line in item.comments.iter().chain(first_comments) {
            push_comment(out, indent, line);
        }
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match (&item.value, block_map) {
            (_, Some(map)) => write_map_block(out, map, indent + 2),
            (Node::Seq(inner), None) if !inner.is_empty() && inline(&item.value).is_none() => {
                out.push('\n');
                write_seq_block(out, inner, indent + 2);
            }
            (value, None) => {
                // `write_value` writes a leading space, which `- ` already has.
                let mut text = String::new();
                write_value(&mut text, value, indent);
                out.push_str(text.strip_prefix(' ').unwrap_or(&text));
            }
        }
    }
}

/// The one-line form of a node, if it has one: inline maps and lists of scalars.
fn inline(node: &Node) -> Option<String> {
    match node {
        Node::Scalar(scalar) => {
            if matches!(scalar, Value::String(text) if text.contains('\n')) {
                None
            } else {
                Some(scalar_text(scalar, true))
            }
        }
        Node::Map(map) if map.inline => {
            let mut parts = Vec::new();
            for entry in &map.entries {
                if !entry.comments.is_empty() {
                    return None;
                }
                parts.push(format!(
                    "{}: {}",
                    flow_key(&entry.key),
                    inline(&entry.value)?
                ));
            }
            Some(format!("{{ {} }}", parts.join(", ")))
        }
        Node::Map(_) => None,
        Node::Seq(items) => {
            let mut parts = Vec::new();
            for item in items {
                if !item.comments.is_empty() || !matches!(item.value, Node::Scalar(_)) {
                    return None;
                }
                parts.push(inline(&item.value)?);
            }
            Some(format!("[{}]", parts.join(", ")))
        }
    }
}

fn key(text: &str) -> String {
    scalar_text(&Value::String(text.to_owned()), false)
}

fn flow_key(text: &str) -> String {
    scalar_text(&Value::String(text.to_owned()), true)
}

/// A multi-line string as a literal block (`|`, `|-` or `|+`), when it can be one.
fn block_literal(value: &Value, indent: usize) -> Option<String> {
    let Value::String(text) = value else {
        return None;
    };
    if !text.contains('\n')
        || text.starts_with([' ', '\t', '\n'])
        || text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        || text.lines().any(|line| line.ends_with([' ', '\t']))
    {
        return None;
    }
    let body = text.trim_end_matches('\n');
    let trailing = text.len() - body.len();
    let indicator = match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    let mut out = format!("{indicator}\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    Some(out)
}

/// A scalar as YAML text: plain when it reads back as the same value, else double-quoted.
pub fn scalar_text(value: &Value, flow: bool) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => {
            if plain_is_safe(text, flow) {
                text.clone()
            } else {
                quoted(text)
            }
        }
        // Not scalars; written as JSON, which is YAML.
        other => other.to_string(),
    }
}

fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `text` may be written without quotes and read back as the same string.
fn plain_is_safe(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text != text.trim() || looks_like_other_type(text) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-x`, `?x` and `:x` are plain in YAML 1.2, but not every reader agrees.
        return false;
    }
    if text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.chars().any(|c| c.is_control())
    {
        return false;
    }
    if flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    true
}

/// Whether a plain scalar with this text would read as a null, boolean or number.
fn looks_like_other_type(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) {
        return true;
    }
    if matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan") {
        return true;
    }
    let digits = lower.trim_start_matches(['-', '+']);
    if digits.starts_with("0x") || digits.starts_with("0o") || digits.starts_with("0b") {
        return true;
    }
    // Anything made only of digits, dots, signs, `e` and `_` may read as a number.
    !digits.is_empty()
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(value: Value) {
        let Value::Object(_) = &value else {
            panic!("a map")
        };
        let Node::Map(map) = from_json(&value) else {
            panic!("a map")
        };
        let text = to_string(&["header".into()], &map);
        let back: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, value, "{text}");
    }

    #[test]
    fn tricky_scalars_read_back_as_written() {
        round_trip(json!({
            "template": "{{base_url}}/x",
            "bearer": "Bearer {{token}}",
            "bools": ["true", "no", "On", "null", "~", ""],
            "numbers": ["1", "1.0", "-2", "1e3", "0x1F", "12:30", ".5", "1_000"],
            "real": [1, 2.5, true, null],
            "colon": "a: b",
            "hash": "a #b",
            "ends": "key:",
            "indicators": ["-x", "*a", "&a", "!t", "|", ">", "%x", "@x", "`x", "'x", "\"x"],
            "flowy": { "a": "x,y", "b": "[1]", "c": "{a}" },
            "spaces": [" leading", "trailing "],
            "multi": "line one\nline two\n",
            "multi_no_end": "a\nb",
            "multi_more": "a\n\n",
            "multi_lead": "  indented\nx",
            "control": "tab\there\u{1}",
            "unicode": "EMnify — ü",
            "$.auth_token": { "jsonpath": "$.auth_token", "secret": true },
            "nested": { "deep": { "list": [{ "a": 1 }, { "b": [1, 2] }], "empty": {}, "none": [] } },
        }));
    }

    #[test]
    fn comments_sit_above_entries_and_items() {
        let mut step = Map::block();
        step.insert_commented(
            "name",
            "Login",
            vec!["not translated:".into(), "  x()".into()],
        );
        step.insert("request", from_json(&json!({ "url": "{{u}}" })));
        let mut root = Map::block();
        root.insert(
            "steps",
            Node::Seq(vec![Item {
                value: Node::Map(step),
                comments: vec!["a step".into()],
            }]),
        );
        let text = to_string(&[], &root);
        assert_eq!(
            text,
            "steps:\n  # a step\n  # not translated:\n  #   x()\n  - name: Login\n    request: { url: \"{{u}}\" }\n"
        );
    }
}
