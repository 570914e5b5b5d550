//! The JUnit XML report: a testsuite per collection, a testcase per step, in the dialect that
//! Jenkins' `junit-10.xsd` (xunit plugin) accepts and GitLab and GitHub test reporters read.
//!
//! Written by hand rather than by a JUnit crate: those add attributes (`disabled`) and elements
//! (`<properties>` in a testcase) that the schema Jenkins validates with refuses. The report
//! is valid against that schema as written, so a testcase carries no `file` or `line` (which
//! the schema refuses, as pytest's `xunit2` found): where a step is written is in its
//! failure's text (`file:line:col`) and its suite's `file`, and `--report github` and
//! `--report gitlab-codequality=FILE` annotate the line itself.

use std::fmt::Write;
use std::time::Duration;

use super::stream::{Format, RunSummary};
use super::RunRecord;
use crate::engine::{CollectionReport, Outcome, StepErrorKind, StepResult, Totals};

/// The JUnit report, written a collection run at a time (see [`super::stream`]); each suite's
/// timestamp is when its collection run started.
pub struct Junit;

impl Format for Junit {
    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        suite(out, collection);
    }

    fn head(&mut self, run: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"runner\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
            count(&run.totals),
            run.totals.failed,
            run.totals.errored,
            seconds(run.duration)
        )
    }

    fn tail(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(b"</testsuites>\n")
    }
}

/// The report as XML, all at once.
pub fn render(run: &RunRecord) -> String {
    super::stream::render(Box::new(Junit), run)
}

fn count(totals: &Totals) -> usize {
    totals.passed + totals.failed + totals.errored + totals.skipped
}

fn suite(out: &mut String, collection: &CollectionReport) {
    let started_at = time::OffsetDateTime::from(collection.started_at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut totals = Totals::default();
    collection.steps.iter().for_each(|s| totals.record(s));
    let file = collection.path.display().to_string();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{}\" file=\"{}\">",
        attribute(&collection.title()),
        count(&totals),
        totals.failed,
        totals.errored,
        totals.skipped,
        seconds(collection.duration),
        attribute(&started_at),
        attribute(&file),
    );
    out.push_str("    <properties>\n");
    property(out, "file", &file);
    if let Some(environment) = &collection.environment {
        property(out, "environment", environment);
    }
    if collection.interrupted {
        property(out, "interrupted", "true");
    }
    out.push_str("    </properties>\n");
    // Entries of no file (the arguments of a refused run) are classed by their suite.
    let class = match file.is_empty() {
        true => collection.title(),
        false => file.clone(),
    };
    let names = case_names(&collection.steps);
    for (step, name) in collection.steps.iter().zip(&names) {
        case(out, step, name, &class);
    }
    out.push_str("  </testsuite>\n");
}

fn property(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        out,
        "      <property name=\"{}\" value=\"{}\"/>",
        attribute(name),
        attribute(value)
    );
}

/// Each step's testcase name (as written in the attribute), unique in its suite: GitLab keys
/// a testcase by its suite's name, its classname (here the suite's file) and its name, and
/// counts a case with the same key as an earlier one only once. The first step of a name
/// keeps it; each later one takes ` (2)`, ` (3)`… in run order (the first of those not
/// taken), so a rerun of the same steps names them the same. Compared as written: two names
/// that show alike (a character and its escape) are one name.
fn case_names(steps: &[StepResult]) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let mut taken: HashSet<String> = HashSet::with_capacity(steps.len());
    // Per name: how many steps had it, and the number its next repeat tries first (every
    // number below that its earlier repeats tried was taken): the search resumes where the
    // last one stopped, so steps named `a (2)`…`a (N)` then N steps `a` take linear time.
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    let mut names = Vec::with_capacity(steps.len());
    for step in steps {
        let name = attribute(&step.name);
        let (count, next) = seen.entry(name.clone()).or_insert((0, 2));
        *count += 1;
        if taken.insert(name.clone()) {
            names.push(name);
            continue;
        }
        let mut number = (*count).max(*next);
        loop {
            let candidate = format!("{name} ({number})");
            if taken.insert(candidate.clone()) {
                names.push(candidate);
                break;
            }
            number += 1;
        }
        *next = number + 1;
    }
    names
}

/// A testcase named `name` (an attribute's text, see [`case_names`]).
fn case(out: &mut String, step: &StepResult, name: &str, file: &str) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">",
        name,
        attribute(file),
        seconds(step.duration)
    );
    match &step.outcome {
        Outcome::Passed => {}
        Outcome::Skipped(reason) => {
            let _ = write!(out, "<skipped message=\"{}\"/>", attribute(reason));
        }
        Outcome::Failed(failures) => {
            let lines: Vec<String> = failures
                .iter()
                .map(|f| {
                    let at = f
                        .location
                        .as_ref()
                        .map_or_else(String::new, |l| format!(" ({l})"));
                    format!(
                        "{}: expected {}, got {}{at}",
                        f.subject, f.expected, f.actual
                    )
                })
                .collect();
            let _ = write!(
                out,
                "<failure type=\"expectation\" message=\"{}\">{}</failure>",
                attribute(lines.first().map_or("", String::as_str)),
                text(&lines.join("\n"))
            );
        }
        Outcome::Errored(error) => {
            let (element, kind) = match error.kind {
                StepErrorKind::Render => ("failure", "template"),
                StepErrorKind::Transport => ("error", "transport"),
                StepErrorKind::Interrupted => ("error", "interrupted"),
                StepErrorKind::Invalid => ("error", "invalid"),
            };
            let at = error
                .location
                .as_ref()
                .map_or_else(String::new, |l| format!(" ({l})"));
            let message = format!("{}{at}", error.message);
            let _ = write!(
                out,
                "<{element} type=\"{kind}\" message=\"{}\">{}</{element}>",
                attribute(&message),
                text(&message)
            );
        }
    }
    let output = system_out(step);
    if !output.is_empty() {
        let _ = write!(out, "<system-out>{}</system-out>", text(&output));
    }
    out.push_str("</testcase>\n");
}

/// The request, the status, and the attempts of a step with `retry`, as lines of text.
fn system_out(step: &StepResult) -> String {
    let mut lines = Vec::new();
    if !step.url.is_empty() {
        lines.push(format!("request: {} {}", step.method, step.url));
    }
    if let Some(status) = step.status {
        lines.push(format!("status: {status}"));
    }
    if let Some(pages) = step.pages {
        lines.push(format!("pages: {pages}"));
    }
    if step.attempts.len() > 1 {
        lines.push(super::attempts_summary(step));
        for (number, attempt) in step.attempts.iter().enumerate() {
            lines.push(super::attempt_line(number, attempt));
        }
    }
    lines.join("\n")
}

/// Seconds with millisecond precision, as the schema's `SUREFIRE_TIME` pattern reads them:
/// the milliseconds every other output gives (rounded, [`super::millis`]).
fn seconds(duration: Duration) -> String {
    let millis = super::millis(duration);
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// `value` for an XML attribute: markup escaped, line breaks kept as character references.
fn attribute(value: &str) -> String {
    escape(value, true)
}

/// `value` for XML element content.
fn text(value: &str) -> String {
    escape(value, false)
}

/// Escapes markup, and writes characters that XML 1.0 cannot hold at all (most C0 controls,
/// U+FFFE, U+FFFF) as visible escapes instead of producing a document no parser accepts;
/// so are the other characters a terminal acts on (C1 controls, bidirectional overrides),
/// as in every other output: a CI page shows the report's names and messages.
fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    let value = crate::spec::text::printable(value, true);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(
            attribute("a<b>&\"c\"\n"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#10;"
        );
        assert_eq!(text("x\u{1b}[2J\u{0}\r\n"), "x\\e[2J\\0\\r\n");
        assert_eq!(
            attribute("step \u{202e}gnp.exe\u{9b}\u{fffe}\t"),
            "step \\u{202e}gnp.exe\\u{9b}\\u{fffe}&#9;"
        );
    }

    #[test]
    fn each_suite_is_stamped_with_when_its_collection_started() {
        let at = |seconds: u64| CollectionReport {
            name: "c".to_owned(),
            path: "c.yaml".into(),
            environment: None,
            iteration: None,
            started_at: std::time::UNIX_EPOCH + Duration::from_secs(seconds),
            steps: Vec::new(),
            duration: Duration::ZERO,
            interrupted: false,
        };
        let mut first = String::new();
        suite(&mut first, &at(1_800_000_000));
        let mut second = String::new();
        suite(&mut second, &at(1_800_000_218));
        assert!(
            first.contains("timestamp=\"2027-01-15T08:00:00Z\""),
            "{first}"
        );
        assert!(
            second.contains("timestamp=\"2027-01-15T08:03:38Z\""),
            "{second}"
        );
    }

    #[test]
    fn every_case_name_is_unique_in_its_suite_and_numbered_in_order() {
        let steps = |names: &[&str]| -> Vec<StepResult> {
            names.iter().map(|n| StepResult::passed(n)).collect()
        };
        assert_eq!(
            case_names(&steps(&[
                "a",
                "b",
                "a",
                "a (2)",
                "a",
                "\u{202e}",
                "\\u{202e}"
            ])),
            [
                "a",
                "b",
                "a (2)",
                "a (2) (2)",
                "a (3)",
                "\\u{202e}",
                "\\u{202e} (2)"
            ]
        );
        // Generated: many repeats of a few names, some of them written with a number already.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let written: Vec<String> = (0..2000)
            .map(|_| match next(4) {
                0 => format!("s{}", next(5)),
                1 => format!("s{} ({})", next(5), next(6)),
                2 => format!("s{} ({}) ({})", next(3), next(4), next(4)),
                _ => "same".to_owned(),
            })
            .collect();
        let steps: Vec<StepResult> = written.iter().map(|n| StepResult::passed(n)).collect();
        let names = case_names(&steps);
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        // Each keeps its own name in front, and the same steps get the same names again.
        for (name, written) in names.iter().zip(&written) {
            assert!(name.starts_with(written.as_str()), "{name} {written}");
        }
        assert_eq!(case_names(&steps), names);
        assert_eq!(names, searched_from_the_start(&steps));
        // Names written with the numbers the repeats would take: the same names as a search
        // from the start gives, found without it.
        let mut written: Vec<String> = (2..=300).map(|n| format!("a ({n})")).collect();
        written.extend(std::iter::repeat_n("a".to_owned(), 300));
        let steps: Vec<StepResult> = written.iter().map(|n| StepResult::passed(n)).collect();
        assert_eq!(case_names(&steps), searched_from_the_start(&steps));
    }

    /// [`case_names`] as first written: each repeat searches from its count.
    fn searched_from_the_start(steps: &[StepResult]) -> Vec<String> {
        let mut taken = std::collections::HashSet::new();
        let mut seen = std::collections::HashMap::new();
        steps
            .iter()
            .map(|step| {
                let name = attribute(&step.name);
                let count: &mut usize = seen.entry(name.clone()).or_insert(0);
                *count += 1;
                if taken.insert(name.clone()) {
                    return name;
                }
                let mut number = (*count).max(2);
                loop {
                    let candidate = format!("{name} ({number})");
                    if taken.insert(candidate.clone()) {
                        return candidate;
                    }
                    number += 1;
                }
            })
            .collect()
    }

    #[test]
    fn times_match_the_schema_pattern() {
        assert_eq!(seconds(Duration::from_millis(1834)), "1.834");
        assert_eq!(seconds(Duration::from_millis(3)), "0.003");
    }
}
