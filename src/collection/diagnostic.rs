//! Load-time problems: what is wrong, where (`file:line:col` and the field), how to fix it.

use std::fmt;
use std::path::PathBuf;

use super::locate::{FieldPath, Positions};

/// One problem found while loading or validating a collection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The collection file.
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// The field, e.g. `steps[1].request.url`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The source line at `position`, shown with the spot marked.
    pub line_text: Option<String>,
    /// How many characters the spot takes; `None` for the YAML token at `position`.
    pub width: Option<usize>,
    /// Where the spot is on `line_text` (its column and width) once [`Self::mask`] has
    /// masked a secret in the line, which moves it; `None`: at `position`.
    pub shown: Option<(usize, usize)>,
}

impl Diagnostic {
    /// A problem at `field`, located in `source` with `positions` (the source's own).
    pub fn at(
        file: &std::path::Path,
        (source, positions): (&str, &Positions),
        field: &FieldPath,
        message: impl Into<String>,
    ) -> Self {
        // A shorthand (a capture written as a bare JSONPath) has no `jsonpath` key to point
        // at: point at the nearest enclosing field that exists.
        let position = (0..=field.0.len())
            .rev()
            .find_map(|len| positions.locate(source, &FieldPath(field.0[..len].to_vec())));
        Diagnostic {
            file: file.to_owned(),
            position,
            field: (!field.0.is_empty()).then(|| field.to_string()),
            message: message.into(),
            hint: None,
            line_text: position
                .and_then(|(line, _)| positions.line(source, line))
                .map(str::to_owned),
            width: None,
            shown: None,
        }
    }

    /// A problem with the file as a whole (it cannot be read, or the run cannot start).
    pub fn file(file: &std::path::Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            position: None,
            field: None,
            message: message.into(),
            hint: None,
            line_text: None,
            width: None,
            shown: None,
        }
    }

    /// Marks `key`, written before the value the problem is placed at (a key is the
    /// problem, not its value), when it is found there.
    pub fn at_key(mut self, (source, positions): (&str, &Positions), key: &str) -> Self {
        let at = self
            .position
            .and_then(|value| super::locate::key_before((source, positions), value, key));
        if let Some(at) = at {
            self.position = Some(at);
            self.line_text = positions.line(source, at.0).map(str::to_owned);
            self.width = None;
        }
        self
    }

    /// Marks the `{{…}}` on the problem's line that reads `variable`, when the line shows
    /// it, rather than the whole field.
    pub fn at_template_reading(mut self, variable: &str) -> Self {
        if let (Some((line, column)), Some(text)) = (self.position, &self.line_text) {
            if let Some((at, width)) = crate::spec::caret::template_span(text, column, variable) {
                self.position = Some((line, at));
                self.width = Some(width);
            }
        }
        self
    }

    /// Marks character `character` (1-based; past the end, the last) of `text`, the scalar
    /// written at the problem's position, when the line shows it as it is.
    pub fn at_character_of(mut self, text: &str, character: usize) -> Self {
        // Past the end ("the query ends inside brackets"): its last character.
        let character = character.min(text.chars().count());
        if let (Some((line, column)), Some(line_text)) = (self.position, &self.line_text) {
            if let Some(at) =
                crate::spec::caret::character_column(line_text, column, text, character)
            {
                self.position = Some((line, at));
                self.width = Some(1);
            }
        }
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col`, or just the file.
    pub fn location(&self) -> String {
        match self.position {
            Some((line, column)) => format!("{}:{line}:{column}", self.file.display()),
            None => self.file.display().to_string(),
        }
    }
}

/// The source line at `position`, if any.
pub(crate) fn line_at(source: &str, position: Option<(usize, usize)>) -> Option<String> {
    let (line, _) = position?;
    source.lines().nth(line.checked_sub(1)?).map(str::to_owned)
}

/// Renders like a compiler: the message, `--> file:line:col`, the line with the spot
/// underlined, the field, and the hint. The line is masked as
/// [`crate::spec::field::mark`] masks it (a credential written in clear in an auth helper
/// shows as `***`); [`Diagnostic::mask`] masks the secrets a caller knows first.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What the file holds is shown, never obeyed: an escape sequence or a bidirectional
        // override in a name, a path or the line is written as one that does not steer the
        // terminal.
        use crate::spec::text::{pictured, printable};
        writeln!(f, "{}", printable(&self.message, true))?;
        write!(f, "  --> {}", printable(&self.location(), false))?;
        if let (Some((line, column)), Some(text)) = (self.position, &self.line_text) {
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            let (column, width) = match self.shown {
                Some((column, width)) => (column, Some(width)),
                None => (column, self.width),
            };
            let secrets = crate::spec::field::NoSecrets;
            let marked = crate::spec::field::mark(text, column, width, &secrets);
            write!(
                f,
                "\n {pad} |\n {number} | {}\n {pad} | {}",
                pictured(&marked.text),
                marked.underline()
            )?;
        }
        let pad = " ".repeat(self.position.map_or(1, |(line, _)| line.to_string().len()));
        if let Some(field) = &self.field {
            write!(f, "\n {pad} = field: {}", printable(field, false))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n {pad} = hint: {}", printable(hint, true))?;
        }
        Ok(())
    }
}

impl Diagnostic {
    /// Masks every secret `secrets` knows (the command's `--secret` values, a run's
    /// secrets) in the problem: its message, field and hint, and its line, the mark moved
    /// with the text (the place, `file:line:col`, stays). Done before the problem is told anywhere, so no output shows it in
    /// clear (the terminal, and the reports of a refused run).
    pub fn mask(&mut self, secrets: &dyn crate::spec::field::Secrets) {
        let redact = |text: &mut String| {
            if let std::borrow::Cow::Owned(masked) = secrets.redact(text) {
                *text = masked;
            }
        };
        redact(&mut self.message);
        self.hint.iter_mut().for_each(redact);
        self.field.iter_mut().for_each(redact);
        match (self.position, &self.line_text) {
            (Some((_, column)), Some(text))
                if self.shown.is_none() && secrets.contains_secret(text) =>
            {
                let marked = crate::spec::field::mark(text, column, self.width, secrets);
                self.shown = Some((marked.column, marked.width));
                self.line_text = Some(marked.text);
            }
            (None, Some(_)) => self.line_text.iter_mut().for_each(redact),
            _ => {}
        }
    }
}

/// Every problem found in one or more collections.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f, "\n")?;
            }
            write!(f, "error: {diagnostic}")?;
        }
        Ok(())
    }
}

/// The closest of the names to one, if close enough to be a likely typo (kept in
/// [`crate::spec::text`], which the template layer below this one uses too).
pub use crate::spec::text::did_you_mean;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("auth_tokn", ["base_url", "auth_token"]),
            Some("auth_token")
        );
        assert_eq!(did_you_mean("zzz", ["base_url", "auth_token"]), None);
        assert_eq!(did_you_mean("expcet", ["export", "expect"]), Some("expect"));
    }

    #[test]
    fn of_names_as_near_the_same_one_whatever_their_order() {
        assert_eq!(did_you_mean("id", ["ids", "eid"]), Some("eid"));
        assert_eq!(did_you_mean("id", ["eid", "ids"]), Some("eid"));
    }
}
