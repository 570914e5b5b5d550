//! A path to a field of a collection, e.g. `steps[1].request.url`: what load problems and
//! runtime failures point at, before it is turned into a `line:col`.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

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
    /// The source line.
    pub line_text: String,
    /// How many characters the mark spans, when known (a `{{…}}`); else the YAML token
    /// at the column.
    pub width: Option<u32>,
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
    pub fn snippet(&self) -> Vec<String> {
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        let before: String = self
            .line_text
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = self.width.map_or_else(
            || super::caret::token_width(&self.line_text, self.column),
            |width| width as usize,
        );
        vec![
            format!("{pad}--> {self}"),
            format!("{number} | {}", self.line_text),
            format!("{pad} | {before}{}", "^".repeat(width)),
        ]
    }
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
        };
        assert_eq!(
            location.snippet(),
            [
                "  --> c.yaml:14:15",
                "14 |     expect: { status: 201 }",
                "   |               ^^^^^^",
            ]
        );
    }
}
