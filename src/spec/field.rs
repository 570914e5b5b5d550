//! A path to a field of a collection, e.g. `steps[1].request.url`: what load problems and
//! runtime failures point at, before it is turned into a `line:col`.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use super::text::MASK;

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A map key: the format's own field names are borrowed, not allocated for every step.
    Key(Cow<'static, str>),
    /// A list index.
    Index(usize),
}

/// A path to a field, e.g. `steps[1].request.url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The path one key deeper: a field name of the format (`"request"`) is borrowed, a
    /// name written in the collection (a header's, a variable's) is passed owned.
    pub fn key(&self, key: impl Into<Cow<'static, str>>) -> FieldPath {
        self.push([Segment::Key(key.into())])
    }

    /// The path to `key` in the map `map` one level deeper: `field.key_in("headers", name)`
    /// is `field.key("headers").key(name)`, made at once.
    pub fn key_in(&self, map: &'static str, key: impl Into<Cow<'static, str>>) -> FieldPath {
        self.push([Segment::Key(Cow::Borrowed(map)), Segment::Key(key.into())])
    }

    /// The path one index deeper.
    pub fn index(&self, index: usize) -> FieldPath {
        self.push([Segment::Index(index)])
    }

    /// A copy of the path with `segments` after it, allocated once at its final size.
    fn push<const N: usize>(&self, segments: [Segment; N]) -> FieldPath {
        let mut next = Vec::with_capacity(self.0.len() + N);
        next.extend_from_slice(&self.0);
        next.extend(segments);
        FieldPath(next)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => {
                    let plain = key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    match (i, plain) {
                        (0, true) => f.write_str(key)?,
                        (_, true) => write!(f, ".{key}")?,
                        (_, false) => write!(f, "[{key:?}]")?,
                    }
                }
            }
        }
        Ok(())
    }
}

impl FieldPath {
    /// `self` followed by every segment of `rest`.
    pub fn join(&self, rest: &FieldPath) -> FieldPath {
        let mut joined = self.0.clone();
        joined.extend(rest.0.iter().cloned());
        FieldPath(joined)
    }

    /// A path of keys, e.g. `["expect", "status"]`.
    pub fn keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> FieldPath {
        FieldPath(
            keys.into_iter()
                .map(|k| Segment::Key(Cow::Owned(k.to_owned())))
                .collect(),
        )
    }
}

/// Where a field is: its file, 1-based line and column, and the text of that line (to show
/// it with the spot marked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The collection (or included) file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The source line; empty when it is not to be shown (a data file's line may hold what
    /// should not be), and then only the place is.
    pub line_text: String,
    /// How many characters the mark spans, when known (a `{{…}}`); else the YAML token
    /// at the column.
    pub width: Option<u32>,
    /// Where the mark is on `line_text` (its column and width) once [`Self::masked`] has
    /// masked a secret in the line, which moves the spot; `None`: at `column`.
    pub shown: Option<(u32, u32)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

impl Location {
    /// The same place, marked at the `{{…}}` of the line's template that reads `variable`
    /// (a variable that did not render), when the line shows it.
    pub fn at_template_reading(mut self, variable: &str) -> Self {
        if let Some((column, width)) =
            super::caret::template_span(&self.line_text, self.column, variable)
        {
            self.column = column;
            self.width = u32::try_from(width).ok();
        }
        self
    }

    /// `--> file:line:col`, then the line with the spot marked, as a compiler shows it:
    ///
    /// ```text
    ///   --> c.yaml:14:15
    /// 14 |     expect: { status: 201 }
    ///    |               ^^^
    /// ```
    ///
    /// The line is masked as [`mark`] masks it: a credential written in clear in an auth
    /// helper shows as `***`; the secrets of a run are masked by [`Self::masked`] first.
    pub fn snippet(&self) -> Vec<String> {
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        if self.line_text.is_empty() {
            return vec![format!("{pad}--> {self}")];
        }
        let (column, width) = match self.shown {
            Some((column, width)) => (column as usize, Some(width as usize)),
            None => (self.column, self.width.map(|width| width as usize)),
        };
        let marked = mark(&self.line_text, column, width, &NoSecrets);
        vec![
            format!("{pad}--> {self}"),
            format!("{number} | {}", marked.text),
            format!("{pad} | {}", marked.underline()),
        ]
    }

    /// The same place with every secret `secrets` knows masked in its line, the mark moved
    /// with the text ([`mark`]; the place itself, `file:line:col`, stays): what a result
    /// keeps, so that no later output (a report written after the run, which knows no
    /// secrets) can show the line in clear.
    pub fn masked(self, secrets: &dyn Secrets) -> Location {
        if self.shown.is_some() || !secrets.contains_secret(&self.line_text) {
            return self;
        }
        let width = self.width.map(|width| width as usize);
        let marked = mark(&self.line_text, self.column, width, secrets);
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Location {
            line_text: marked.text,
            shown: Some((at(marked.column), at(marked.width))),
            ..self
        }
    }
}

/// The secrets a quoted line is masked with: the run's redactor (`redact::Redactor`, a layer
/// above this one), or [`NoSecrets`].
pub trait Secrets {
    /// Whether `text` holds a secret, in any form masked.
    fn contains_secret(&self, text: &str) -> bool;
    /// `text` with every secret masked.
    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str>;
}

/// No secrets known (a line is still masked for the credentials written on it).
pub struct NoSecrets;

impl Secrets for NoSecrets {
    fn contains_secret(&self, _: &str) -> bool {
        false
    }

    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(text)
    }
}

/// A source line as runner shows it: masked, with the spot to mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// The line, masked.
    pub text: String,
    /// The 1-based column of the mark in `text`.
    pub column: usize,
    /// How many characters the mark spans.
    pub width: usize,
}

impl Marked {
    /// The mark: blanks (a tab where the line has one) up to the column, then `^`s.
    pub fn underline(&self) -> String {
        let before: String = self
            .text
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!("{before}{}", "^".repeat(self.width))
    }
}

/// The one place a source line is made ready to be shown (a failure's snippet, a load
/// problem, a report): `line` with the spot at `column` (1-based) marked, `width`
/// characters wide (else the YAML token there), after masking
///
/// - every credential written in clear in an auth helper on the line (`password`, `bearer`,
///   `client_secret`, an `api_key`'s `value`: what is written outside `{{…}}`), and
/// - every secret `secrets` knows (a run's, or `--secret` values),
///
/// each as [`MASK`]. The mark moves with the text: it still spans the field
/// it spanned, a secret inside it counted as its mask, and one that straddles an end of it
/// marked whole.
pub fn mark(line: &str, column: usize, width: Option<usize>, secrets: &dyn Secrets) -> Marked {
    let chars: Vec<char> = line.chars().collect();
    let width = width.unwrap_or_else(|| super::caret::token_width(line, column));
    let start = column.saturating_sub(1);
    let end = start + width;
    // Credentials written on the line: replaced where they are written.
    let hidden = credential_spans(&chars);
    let mask = MASK.chars().count() as isize;
    let moved = |at: usize, is_end: bool| {
        let mut moved = at as isize;
        for span in &hidden {
            if at >= span.end {
                moved += mask - span.len() as isize;
            } else if at > span.start {
                // Inside a mask: to its start, or (the end of the mark) past it.
                moved -= (at - span.start) as isize;
                moved += if is_end { mask } else { 0 };
            }
        }
        moved.max(0) as usize
    };
    let (start, end) = (moved(start, false), moved(end, true));
    let mut text = String::with_capacity(line.len());
    let mut at = 0;
    for span in &hidden {
        text.extend(&chars[at..span.start]);
        text.push_str(MASK);
        at = span.end;
    }
    text.extend(&chars[at.min(chars.len())..]);
    let (start, end) = if secrets.contains_secret(&text) {
        let masked = secrets.redact(&text).into_owned();
        let length = text.chars().count();
        let split = |at: usize| {
            let byte = text
                .char_indices()
                .nth(at)
                .map_or(text.len(), |(byte, _)| byte);
            (&text[..byte], &text[byte..])
        };
        let before = secrets.redact(split(start.min(length)).0).into_owned();
        let after = secrets.redact(split(end.min(length)).1).into_owned();
        let same_start = masked
            .chars()
            .zip(before.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let same_end = masked
            .chars()
            .rev()
            .zip(after.chars().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let masked_length = masked.chars().count();
        // A mark past the end of the line (a missing value) stays past it.
        let past = end.saturating_sub(length);
        text = masked;
        (same_start, masked_length.saturating_sub(same_end) + past)
    } else {
        (start, end)
    };
    Marked {
        text,
        column: start + 1,
        width: end.saturating_sub(start).max(1),
    }
}

/// The keys of the auth helpers whose value is a credential: `basic.password`, `bearer`,
/// `oauth2.client_credentials.client_secret`, and `api_key.value` (a `value` key only on a
/// line that writes `api_key`, as other fields are named `value` too).
const CREDENTIAL_KEYS: [&str; 4] = ["password", "bearer", "client_secret", "value"];

/// Where, in `line`, credentials are written in clear after a key of [`CREDENTIAL_KEYS`]
/// (character ranges, in order, apart): the scalar after the key, its quotes aside, each
/// piece outside `{{…}}` (a variable's name is not a secret; the value it renders is masked
/// by the run).
fn credential_spans(line: &[char]) -> Vec<std::ops::Range<usize>> {
    let text: String = line.iter().collect();
    let api_key = text.contains("api_key");
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut spans = Vec::new();
    let mut at = 0;
    while at < line.len() {
        let Some(key) = CREDENTIAL_KEYS.iter().find(|key| {
            let chars: Vec<char> = key.chars().collect();
            line[at..].starts_with(&chars)
                && (at == 0 || !is_word(line[at - 1]))
                && (**key != "value" || api_key)
        }) else {
            at += 1;
            continue;
        };
        let mut i = at + key.chars().count();
        // `"password": x` in a flow mapping written as JSON.
        if matches!(line.get(i), Some('"' | '\'')) && at > 0 && line[at - 1] == line[i] {
            i += 1;
        }
        at = i;
        if line.get(i) != Some(&':') || !line.get(i + 1).is_none_or(|c| c.is_whitespace()) {
            continue;
        }
        i += 1;
        while line.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let Some(&first) = line.get(i) else { break };
        // The scalar as YAML reads it on this line: a quoted one to its closing quote, a
        // plain one to ` #` (and in a flow mapping, `{ bearer: x }`, to its `,` or `}`).
        let width = super::caret::token_width(&text, i + 1);
        let value = match first {
            // A map, a list, a block scalar, a comment, no value: nothing written here.
            '{' | '[' | '|' | '>' | '#' | ',' | '}' | ']' => continue,
            '"' | '\'' => {
                let close = usize::from(width > 1 && line.get(i + width - 1) == Some(&first));
                i + 1..i + width - close
            }
            _ => i..i + width,
        };
        if matches!(text_of(line, &value).as_str(), "~" | "null") {
            continue;
        }
        let next = i + width;
        spans.extend(outside_templates(line, value));
        at = next.max(at + 1);
    }
    spans.retain(|span| !span.is_empty());
    spans
}

/// The characters `span` of `line`.
fn text_of(line: &[char], span: &std::ops::Range<usize>) -> String {
    line[span.clone()].iter().collect()
}

/// The pieces of `span` of `line` outside `{{…}}`.
fn outside_templates(line: &[char], span: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = span.start;
    let mut i = span.start;
    while i + 1 < span.end {
        if line[i] == '{' && line[i + 1] == '{' {
            let close =
                (i + 2..span.end.saturating_sub(1)).find(|&j| line[j] == '}' && line[j + 1] == '}');
            let Some(close) = close else { break };
            pieces.push(start..i);
            let mut after = close + 2;
            while after < span.end && line[after] == '}' {
                after += 1;
            }
            start = after;
            i = after;
        } else {
            i += 1;
        }
    }
    pieces.push(start..span.end);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_in_a_map_is_the_two_keys_one_after_the_other() {
        let step = FieldPath::default().key("steps").index(3);
        for name in ["Authorization", "a b", ""] {
            let at = step.key_in("headers", name.to_owned());
            assert_eq!(at, step.key("headers").key(name.to_owned()));
            assert_eq!(at.0.len(), 4);
        }
        assert_eq!(
            step.key_in("expect", "status").to_string(),
            "steps[3].expect.status"
        );
    }

    #[test]
    fn a_location_marks_its_spot() {
        let location = Location {
            file: PathBuf::from("c.yaml"),
            line: 14,
            column: 15,
            line_text: "    expect: { status: 201 }".into(),
            width: None,
            shown: None,
        };
        assert_eq!(
            location.snippet(),
            [
                "  --> c.yaml:14:15",
                "14 |     expect: { status: 201 }",
                "   |               ^^^^^^",
            ]
        );
        // A place whose line is not to be shown (a data file's) is the place alone.
        let data = Location {
            file: PathBuf::from("rows.csv"),
            line: 2,
            column: 3,
            line_text: String::new(),
            width: None,
            shown: None,
        };
        assert_eq!(data.snippet(), [" --> rows.csv:2:3"]);
    }

    /// Secrets known by value, masked where they are written as they are.
    struct Known<'s>(&'s [&'s str]);

    impl Secrets for Known<'_> {
        fn contains_secret(&self, text: &str) -> bool {
            self.0.iter().any(|secret| text.contains(secret))
        }

        fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
            let mut masked = Cow::Borrowed(text);
            for secret in self.0 {
                if masked.contains(secret) {
                    masked = Cow::Owned(masked.replace(secret, MASK));
                }
            }
            masked
        }
    }

    fn marked(line: &str, column: usize, width: Option<usize>, secrets: &[&str]) -> Marked {
        mark(line, column, width, &Known(secrets))
    }

    #[test]
    fn a_credential_written_in_an_auth_helper_is_masked_and_the_mark_follows() {
        let cases: [(&str, &str, &str); 6] = [
            (
                r#"      auth: { basic: { username: u, password: ClearBasicPw99 } }"#,
                "ClearBasicPw99",
                r#"      auth: { basic: { username: u, password: *** } }"#,
            ),
            (
                r#"  - { name: a, request: { url: "http://h/", auth: { bearer: "ClearBearerTok123" } }, expect: { status: 201 } }"#,
                "ClearBearerTok123",
                r#"  - { name: a, request: { url: "http://h/", auth: { bearer: "***" } }, expect: { status: 201 } }"#,
            ),
            (
                r#"    auth: { api_key: { header: X-Key, value: 'ClearKey42' } }"#,
                "ClearKey42",
                r#"    auth: { api_key: { header: X-Key, value: '***' } }"#,
            ),
            (
                r#"          client_secret: ClearClientSecret7 # the secret"#,
                "ClearClientSecret7",
                r#"          client_secret: *** # the secret"#,
            ),
            (
                r#"    auth: { bearer: "sk_{{env.KIND}}_ClearTail99" }"#,
                "ClearTail99",
                r#"    auth: { bearer: "***{{env.KIND}}***" }"#,
            ),
            (
                r#"    auth: { "password": "pw9", bearer: ab }"#,
                "pw9",
                r#"    auth: { "password": "***", bearer: *** }"#,
            ),
        ];
        for (line, secret, shown) in cases {
            let status = line
                .find("201")
                .map_or(1, |at| line[..at].chars().count() + 1);
            let at = marked(line, status, None, &[]);
            assert_eq!(at.text, shown);
            assert!(!at.text.contains(secret));
            if line.contains("201") {
                let column = at.text.find("201").unwrap() + 1;
                assert_eq!((at.column, at.width), (column, 3), "{line}");
            }
        }
        // A variable's name is not a secret: a mark on it stays where it is.
        let line = r#"    auth: { basic: { username: "{{user}}", password: ClearBasicPw99 } }"#;
        let (column, width) = crate::spec::caret::template_span(line, 1, "user").unwrap();
        let at = marked(line, column, Some(width), &[]);
        assert_eq!(
            &at.text[at.column - 1..at.column - 1 + at.width],
            "{{user}}"
        );
        // Nothing written, or null: nothing to mask.
        for line in [
            "    auth: { basic: { username: u, password: } }",
            "    auth: { basic: { username: u, password: ~ }, bearer: null }",
        ] {
            assert_eq!(marked(line, 1, None, &[]).text, line);
        }
        // Other fields named `value` are not credentials.
        let line = "    parts: { a: { value: shown } }";
        assert_eq!(marked(line, 1, None, &[]).text, line);
    }

    #[test]
    fn a_secret_the_caller_knows_is_masked_and_the_mark_still_points_at_its_field() {
        let line = r#"  - { request: { url: "http://h/?k=TopSecret-1", headers: { X: TopSecret-1 } }, expect: { status: 201 } }"#;
        let column = line.find("201").unwrap() + 1;
        let at = marked(line, column, None, &["TopSecret-1"]);
        assert!(!at.text.contains("TopSecret"), "{}", at.text);
        assert_eq!(at.column, at.text.find("201").unwrap() + 1);
        assert_eq!(at.width, 3);
        // A mark on a field holding the secret spans its masked text.
        let url = line.find('"').unwrap() + 1;
        let at = marked(line, url, None, &["TopSecret-1"]);
        assert_eq!(
            &at.text[at.column - 1..at.column - 1 + at.width],
            r#""http://h/?k=***""#
        );
        // A mark that starts inside a secret starts at its mask.
        let inside = line.find("Secret-1 }").unwrap() + 1;
        let at = marked(line, inside, Some(3), &["TopSecret-1"]);
        assert_eq!(&at.text[at.column - 1..at.column - 1 + at.width], "***");
        // A mark past the end of the line stays past it.
        let at = marked("  a: TopSecret-1", 17, Some(1), &["TopSecret-1"]);
        assert_eq!((at.text.as_str(), at.column, at.width), ("  a: ***", 9, 1));
    }

    #[test]
    fn a_snippet_never_shows_a_credential() {
        let location = Location {
            file: PathBuf::from("c.yaml"),
            line: 6,
            column: 12,
            line_text: "    auth: { bearer: ClearBearerTok123 }, expect: { status: 201 }".into(),
            width: None,
            shown: None,
        };
        let shown = location.snippet().join("\n");
        assert!(!shown.contains("ClearBearerTok123"), "{shown}");
        assert!(shown.contains("bearer: ***"), "{shown}");
    }
}
