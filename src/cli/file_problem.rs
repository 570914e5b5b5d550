//! A problem of a file a command reads beside its collections (`--data`, `--vars-file`): the
//! sentence it is told in and, when known, the place in the file it is at, so that a refused
//! run's reports (GitHub and GitLab annotations, JSON, JUnit) point there as they point at a
//! collection's problems.

use std::path::{Path, PathBuf};

/// The file a problem is in, by the flag that gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Input {
    /// `--data`.
    Data,
    /// `--vars-file`.
    Vars,
}

impl Input {
    /// The file in a sentence's words.
    fn kind(self) -> &'static str {
        match self {
            Input::Data => "data file",
            Input::Vars => "vars file",
        }
    }

    /// The flag that gave it: the name of a refused run's entry.
    pub fn flag(self) -> &'static str {
        match self {
            Input::Data => "--data",
            Input::Vars => "--vars-file",
        }
    }
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    /// Which input the file is.
    pub input: Input,
    /// What is wrong, without the place: what a report that shows the place says.
    pub reason: String,
    /// The file, as given.
    pub file: PathBuf,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// What is wrong with a data or vars file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileProblem {
    /// The sentence: `data file rows.csv:2:6: …`, or without a place.
    pub message: String,
    /// Where it is, when known.
    pub at: Option<Place>,
}

impl FileProblem {
    /// The problem `reason` of the `input` file `path` at `line` and `column`:
    /// `data file PATH:LINE:COLUMN: REASON`. Placed only in a regular file: a place in
    /// standard input or a pipe (`/dev/fd/63`) is no place a report can point at.
    pub fn at(input: Input, path: &Path, (line, column): (usize, usize), reason: &str) -> Self {
        let regular = std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file());
        FileProblem {
            message: format!(
                "{} {}:{line}:{column}: {reason}",
                input.kind(),
                path.display()
            ),
            at: regular.then(|| Place {
                input,
                reason: format!("{}: {reason}", input.kind()),
                file: path.to_owned(),
                line,
                column,
            }),
        }
    }

    /// The problem with every secret `secrets` knows masked, wherever it is told.
    pub fn mask(&mut self, secrets: &runner::redact::Redactor) {
        secrets.redact_in_place(&mut self.message);
        if let Some(place) = &mut self.at {
            secrets.redact_in_place(&mut place.reason);
        }
    }
}

/// A problem without a place (a file that cannot be read, one without rows).
impl From<String> for FileProblem {
    fn from(message: String) -> Self {
        FileProblem { message, at: None }
    }
}

/// The sentence, for commands that have no reports to place it in.
impl From<FileProblem> for String {
    fn from(problem: FileProblem) -> Self {
        problem.message
    }
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_placed_in_a_regular_file_only() {
        let dir = tempfile::tempdir().expect("dir");
        let rows = dir.path().join("rows.csv");
        std::fs::write(&rows, "id\n").expect("write");
        let placed = FileProblem::at(Input::Data, &rows, (2, 3), "a reason");
        assert_eq!(
            placed.message,
            format!("data file {}:2:3: a reason", rows.display())
        );
        let place = placed.at.expect("placed");
        assert_eq!((place.line, place.column), (2, 3));
        assert_eq!(place.reason, "data file: a reason");
        assert_eq!(place.input.flag(), "--data");
        // Standard input, a pipe, a device: told with the place, but not placed.
        for path in ["/dev/null", "/dev/stdin", "-"] {
            let problem = FileProblem::at(Input::Vars, Path::new(path), (1, 1), "r");
            assert_eq!(problem.at, None, "{path}");
            assert!(problem.message.starts_with("vars file "), "{path}");
        }
    }
}
