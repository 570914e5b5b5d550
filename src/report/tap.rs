//! The TAP 13 report: a test point per step, failures as YAML diagnostics.

use std::fmt::Write;

use super::stream::{Format, RunSummary};
use super::yamlish::{self, Node};
use super::RunRecord;
use crate::engine::{CollectionReport, Outcome};

/// A test point's description: one line whatever the names hold (a control character or a
/// Unicode line separator written as an escape, as the terminal shows it) and no directive:
/// `#` escaped, and a backslash too, so that a name's own `\#` cannot end the description.
fn description(collection: &str, step: &str) -> String {
    one_line(&format!("{collection} › {step}"))
        .replace('\\', "\\\\")
        .replace('#', "\\#")
}

/// `text` on one line: a control character or a Unicode line separator written as an escape,
/// as the terminal shows it (a `# SKIP` reason, which may quote a `when` or a server's text).
fn one_line(text: &str) -> String {
    crate::spec::text::printable(text, false)
        .replace('\u{2028}', "\\u{2028}")
        .replace('\u{2029}', "\\u{2029}")
}

/// A diagnostic's `at`: where something is written.
fn at(location: &crate::spec::field::Location) -> Node {
    Node::Map(vec![
        ("file", Node::Text(location.file.display().to_string())),
        ("line", Node::Number(location.line as u64)),
        ("column", Node::Number(location.column as u64)),
    ])
}

/// The TAP report, written a collection run at a time (see [`super::stream`]): a test point
/// per step, numbered across the run.
#[derive(Default)]
pub struct Tap {
    /// Test points written so far.
    number: usize,
}

impl Tap {
    /// A report with no test point yet.
    pub fn new() -> Tap {
        Tap::default()
    }
}

/// The report as TAP version 13, all at once.
pub fn render(run: &RunRecord) -> String {
    super::stream::render(Box::new(Tap::new()), run)
}

impl Format for Tap {
    fn head(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write!(out, "TAP version 13\n1..{}\n", self.number)
    }

    fn tail(&mut self, run: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if run.interrupted {
            out.write_all(b"Bail out! interrupted\n")?;
        }
        Ok(())
    }

    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        for step in &collection.steps {
            self.number += 1;
            let number = self.number;
            let description = description(&collection.title(), &step.name);
            // The diagnostic's place: the error's field, else the step (failures carry their own).
            let place = match &step.outcome {
                Outcome::Errored(error) => error.location.as_deref(),
                _ => step.location.as_ref(),
            };
            let several = step.attempts.len() > 1;
            let (ok, directive, diagnostic) = match &step.outcome {
                // A passing step that needed several attempts says so.
                Outcome::Passed if several => (
                    true,
                    String::new(),
                    Some(("passed after several attempts", "comment", None)),
                ),
                Outcome::Passed => (true, String::new(), None),
                Outcome::Skipped(reason) => (true, format!(" # SKIP {}", one_line(reason)), None),
                Outcome::Failed(failures) => {
                    let failures = failures
                        .iter()
                        .map(|f| {
                            let mut line = vec![
                                ("subject", Node::Text(f.subject.clone())),
                                ("expected", Node::Text(f.expected.clone())),
                                ("actual", Node::Text(f.actual.clone())),
                            ];
                            line.extend(f.location.as_ref().map(|l| ("at", at(l))));
                            Node::Map(line)
                        })
                        .collect();
                    (
                        false,
                        String::new(),
                        Some(("expectations failed", "fail", Some(failures))),
                    )
                }
                Outcome::Errored(error) => (
                    false,
                    String::new(),
                    Some((error.message.as_str(), "error", None)),
                ),
            };
            let _ = writeln!(
                out,
                "{} {number} - {description}{directive}",
                if ok { "ok" } else { "not ok" }
            );
            let Some((message, severity, failures)) = diagnostic else {
                continue;
            };
            let mut map = vec![
                ("message", Node::Text(message.to_owned())),
                ("severity", Node::Text(severity.to_owned())),
                ("file", Node::Text(collection.path.display().to_string())),
            ];
            if !step.url.is_empty() {
                map.push((
                    "request",
                    Node::Text(format!("{} {}", step.method, step.url)),
                ));
            }
            map.extend(failures.map(|f| ("failures", Node::List(f))));
            map.push(("duration_ms", Node::Number(super::millis(step.duration))));
            if several {
                map.push(("attempts", Node::Text(super::attempts_summary(step))));
            }
            map.extend(place.map(|l| ("at", at(l))));
            yamlish::document(out, 2, &map);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_is_one_line_without_a_directive_whatever_the_names_hold() {
        let awkward: String = (0u32..0x20)
            .chain(0x7f..0xa1)
            .chain([0x2028, 0x2029])
            .filter_map(char::from_u32)
            .chain("# TODO not really ✓ \\# \\\\# SKIP".chars())
            .collect();
        let line = description(&awkward, &awkward);
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')),
            "{line:?}"
        );
        // Each `#` behind an odd run of backslashes: escaped, not a directive.
        assert!(
            line.match_indices('#').all(|(at, _)| {
                line[..at].chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
            }),
            "{line:?}"
        );
        assert!(line.contains("TODO not really ✓"), "{line:?}");
    }
}
