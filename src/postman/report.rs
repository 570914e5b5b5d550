//! The lossiness report: what an import or export could not carry over, and where.
//!
//! Every entry names the item (folder › request), the place (a script line, a field) and the
//! reason. `Lossy` entries are behaviour that did not make it (`--strict` refuses them);
//! `Note`s change nothing a run does but are worth knowing (a renamed variable, a dropped
//! `console.log`).

use std::fmt;

/// How much an entry matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Nothing a run does changes.
    Note,
    /// Behaviour was not translated.
    Lossy,
}

/// One thing that was not carried over as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Lossy or a note.
    pub severity: Severity,
    /// The item: `Folder › Request`, or `collection`.
    pub item: String,
    /// Where in the item: `test script line 3`, `auth`, `body`.
    pub place: String,
    /// The code or value concerned (one line, shortened).
    pub code: Option<String>,
    /// Why it was not translated, and what to do.
    pub reason: String,
}

/// Everything an import or export reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The entries, in the order they were found.
    pub entries: Vec<Entry>,
}

impl Report {
    /// Records behaviour that was not translated.
    pub fn lossy(&mut self, item: &str, place: impl Into<String>, reason: impl Into<String>) {
        self.push(Severity::Lossy, item, place.into(), None, reason.into());
    }

    /// Records untranslated code.
    pub fn lossy_code(
        &mut self,
        item: &str,
        place: impl Into<String>,
        code: &str,
        reason: impl Into<String>,
    ) {
        self.push(
            Severity::Lossy,
            item,
            place.into(),
            Some(one_line(code)),
            reason.into(),
        );
    }

    /// Records something worth knowing that changes no behaviour.
    pub fn note(&mut self, item: &str, place: impl Into<String>, reason: impl Into<String>) {
        self.push(Severity::Note, item, place.into(), None, reason.into());
    }

    /// Records code dropped without changing behaviour.
    pub fn note_code(
        &mut self,
        item: &str,
        place: impl Into<String>,
        code: &str,
        reason: impl Into<String>,
    ) {
        self.push(
            Severity::Note,
            item,
            place.into(),
            Some(one_line(code)),
            reason.into(),
        );
    }

    fn push(
        &mut self,
        severity: Severity,
        item: &str,
        place: String,
        code: Option<String>,
        reason: String,
    ) {
        let entry = Entry {
            severity,
            item: item.to_owned(),
            place,
            code,
            reason,
        };
        if !self.entries.contains(&entry) {
            self.entries.push(entry);
        }
    }

    /// Whether any behaviour was lost.
    pub fn is_lossy(&self) -> bool {
        self.entries.iter().any(|e| e.severity == Severity::Lossy)
    }

    /// The number of lossy entries.
    pub fn lossy_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.severity == Severity::Lossy)
            .count()
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Lossy => "not translated",
            Severity::Note => "note",
        };
        write!(f, "{label}: {} · {}", self.item, self.place)?;
        if let Some(code) = &self.code {
            write!(f, ": `{code}`")?;
        }
        write!(f, "\n  {}", self.reason)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Lossy entries first: they are what a reader must act on.
        for severity in [Severity::Lossy, Severity::Note] {
            for entry in self.entries.iter().filter(|e| e.severity == severity) {
                writeln!(f, "{entry}")?;
            }
        }
        Ok(())
    }
}

/// Code on one line, shortened to 80 characters.
fn one_line(code: &str) -> String {
    let joined = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 80 {
        let cut: String = joined.chars().take(77).collect();
        format!("{cut}...")
    } else {
        joined
    }
}
