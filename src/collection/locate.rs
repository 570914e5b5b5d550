//! Finds the `line:col` of a field in a collection's YAML source.
//!
//! serde_yaml attaches the position of the node being read to every error. So to locate
//! `steps[1].request.url`, this walks the document with serde, and at that node raises an
//! error whose position is the answer. One YAML parser, no second source of truth.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};

pub use crate::spec::field::{FieldPath, Segment};

const MARKER: &str = "\u{0}located";

/// The positions of every field of one YAML source, found in a single pass the first time
/// one is asked for: locating each of thousands of problems by reading the document again
/// made `runner validate` quadratic in the size of a broken collection.
#[derive(Debug, Default)]
pub struct Positions {
    index: std::sync::OnceLock<Index>,
    /// Where each top-level step is written, when the loader's first pass saw it: a field of
    /// a step is then found by reading that step's text alone, and a run that skips
    /// thousands of steps after a failure never reads the whole document again.
    steps: std::sync::OnceLock<Vec<StepSpan>>,
    /// The 1-based line each of `steps` starts on, counted in one pass the first time a step
    /// is located: a run that skips thousands of steps places each without the line starts
    /// of the whole file.
    step_lines: std::sync::OnceLock<Vec<usize>>,
    /// The byte offset where each line starts.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// Where one top-level step is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSpan {
    /// Its text: whole lines, from the line of its `-` to the next step's.
    pub text: std::ops::Range<usize>,
    /// The byte where its node starts (a map's first key), as the index places it; `None`
    /// when the first pass could not place it (its text is read then).
    pub node: Option<usize>,
}

/// The line of `text` that starts at byte `start`, without its line break.
fn line_at(text: &str, start: usize) -> &str {
    let line = text.get(start..).unwrap_or_default();
    let line = memchr::memchr(b'\n', line.as_bytes())
        .and_then(|end| line.get(..end))
        .unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

#[derive(Debug, Default)]
struct Index {
    fields: std::collections::HashMap<Vec<Segment>, (usize, usize)>,
}

impl Positions {
    /// The 1-based line and column of the value at `path` in `source` (the source these
    /// positions are for), if the path exists.
    pub fn locate(&self, source: &str, path: &FieldPath) -> Option<(usize, usize)> {
        if let Some(found) = self.locate_in_steps(source, path) {
            return found.map(|(line, column, _)| (line, column));
        }
        let index = self
            .index
            .get_or_init(|| Index::new(source, self.line_starts(source)));
        match index.fields.get(&path.0) {
            Some(position) => Some(*position),
            // What the event walk does not follow (merge keys, complex keys), serde does;
            // in a small document only, as it reads the whole document again.
            None if index.fields.len() <= MAX_FALLBACKS => locate(source, path),
            None => None,
        }
    }

    /// [`Self::locate`], with the text of the line found (without its line break).
    pub fn locate_line<'s>(
        &self,
        source: &'s str,
        path: &FieldPath,
    ) -> Option<(usize, usize, &'s str)> {
        if let Some(found) = self.locate_in_steps(source, path) {
            return found;
        }
        let (line, column) = self.locate(source, path)?;
        Some((line, column, self.line(source, line).unwrap_or_default()))
    }

    /// A field of a top-level step, found in the step's own text when the loader saw where
    /// the steps are written and nothing has needed the whole document's index yet: `None`
    /// when this way does not apply, `Some(None)` when the step has no such field.
    fn locate_in_steps<'s>(
        &self,
        source: &'s str,
        path: &FieldPath,
    ) -> Option<Option<(usize, usize, &'s str)>> {
        let (Some(spans), [Segment::Key(steps), Segment::Index(at), rest @ ..]) =
            (self.steps.get(), path.0.as_slice())
        else {
            return None;
        };
        (steps == "steps" && self.index.get().is_none())
            .then(|| self.locate_in_step(source, spans, *at, rest))
    }

    /// Remembers where each top-level step (`steps[i]`) is written. Only the first call
    /// counts.
    pub fn remember_steps(&self, spans: Vec<StepSpan>) {
        // A second call finds the first one's spans in place, which are the same.
        let _ = self.steps.set(spans);
    }

    /// `rest` of step `at`, found in the step's own text (its lines parse as a one-item list
    /// at the same columns): its line, column and line text.
    fn locate_in_step<'s>(
        &self,
        source: &'s str,
        spans: &[StepSpan],
        at: usize,
        rest: &[Segment],
    ) -> Option<(usize, usize, &'s str)> {
        let span = spans.get(at)?;
        let first_line = self.step_line(source, spans, at)?;
        if let (true, Some(node)) = (rest.is_empty(), span.node) {
            let before = source.get(span.text.start..node)?;
            let line = first_line + super::lines::count(before.as_bytes());
            let line_start = span.text.start + before.rfind('\n').map_or(0, |i| i + 1);
            let column = source.get(line_start..node)?.chars().count() + 1;
            return Some((line, column, line_at(source, line_start)));
        }
        let text = source.get(span.text.clone())?;
        let starts = super::lines::line_starts(text.as_bytes());
        let mut path = Vec::with_capacity(rest.len() + 1);
        path.push(Segment::Index(0));
        path.extend_from_slice(rest);
        let (line, column) = *Index::new(text, &starts).fields.get(&path)?;
        let line_text = line_at(text, *starts.get(line.checked_sub(1)?)?);
        Some((line + first_line - 1, column, line_text))
    }

    /// The 1-based line step `at` of `spans` starts on.
    fn step_line(&self, source: &str, spans: &[StepSpan], at: usize) -> Option<usize> {
        let lines = self.step_lines.get_or_init(|| {
            let (mut line, mut counted) = (1, 0);
            spans
                .iter()
                .map(|span| {
                    let start = span.text.start;
                    // Steps come in the order they are written; were one not, count again.
                    if start < counted {
                        (line, counted) = (1, 0);
                    }
                    let between = source.as_bytes().get(counted..start).unwrap_or_default();
                    line += super::lines::count(between);
                    counted = start;
                    line
                })
                .collect()
        });
        lines.get(at).copied()
    }

    /// The byte offset where each line of `source` starts.
    fn line_starts(&self, source: &str) -> &[usize] {
        self.line_starts
            .get_or_init(|| super::lines::line_starts(source.as_bytes()))
    }

    /// The text of 1-based `line` of `source` (without its line break).
    pub fn line<'s>(&self, source: &'s str, line: usize) -> Option<&'s str> {
        let start = *self.line_starts(source).get(line.checked_sub(1)?)?;
        Some(line_at(source, start))
    }
}

/// Above this many fields, a path the index does not hold is not searched for again with
/// serde (a full read of the document per problem): the problem is shown without a position.
const MAX_FALLBACKS: usize = 2_000;

/// An open map or list while walking the events, with its path (`None` inside something
/// that has no path, such as the value of a key that is not a string).
enum Frame {
    Map {
        path: Option<Vec<Segment>>,
        /// The key read, awaiting its value: `Some(None)` for a key that is not a scalar.
        key: Option<Option<Segment>>,
        /// Where it starts (its `{` when written in flow style).
        start: (usize, usize),
    },
    Seq {
        path: Option<Vec<Segment>>,
        next: usize,
        /// Where it starts (its `[` when written in flow style).
        start: (usize, usize),
    },
}

impl Frame {
    fn start(&self) -> (usize, usize) {
        match self {
            Frame::Map { start, .. } | Frame::Seq { start, .. } => *start,
        }
    }
}

impl Index {
    fn new(source: &str, line_starts: &[usize]) -> Index {
        use saphyr_parser::{Event, Parser, ScalarStyle};
        // serde places a block scalar (`|`, `>`) at its indicator, the parser at its text:
        // the indicator is the first `|` or `>` after the end of the event before it.
        let indicator = |(line, column): (usize, usize)| -> Option<(usize, usize)> {
            let start = *line_starts.get(line.checked_sub(1)?)?;
            let mut position = (line, column);
            for c in source.get(start..)?.chars().skip(column.saturating_sub(1)) {
                match c {
                    '|' | '>' => return Some(position),
                    '\n' => position = (position.0 + 1, 1),
                    _ => position.1 += 1,
                }
            }
            None
        };
        let mut previous_end = (1, 1);
        let dash_before = |line: usize, column: usize| -> (usize, usize) {
            let text = line
                .checked_sub(1)
                .and_then(|l| line_starts.get(l))
                .and_then(|&start| source.get(start..))
                .and_then(|rest| rest.lines().next())
                .unwrap_or("");
            let before: Vec<char> = text.chars().take(column.saturating_sub(1)).collect();
            if text.chars().nth(column.saturating_sub(1)) == Some('-') {
                return (line, column);
            }
            let mut at = before.len();
            while at > 0 && before[at - 1] == ' ' {
                at -= 1;
            }
            if at > 0 && before[at - 1] == '-' && at < before.len() {
                (line, at)
            } else {
                (line, column)
            }
        };
        // The characters of `source` from 1-based (`line`, `column`) on, each with its
        // position.
        let from = |line: usize, column: usize| {
            let start = line
                .checked_sub(1)
                .and_then(|l| line_starts.get(l))
                .copied()
                .unwrap_or(source.len());
            let mut position = (line, column);
            source
                .get(start..)
                .unwrap_or("")
                .chars()
                .skip(column.saturating_sub(1))
                .map(move |c| {
                    let at = position;
                    position = if c == '\n' {
                        (position.0 + 1, 1)
                    } else {
                        (position.0, position.1 + 1)
                    };
                    (c, at)
                })
        };
        // An empty value (`key:` and nothing, `- ` and nothing): serde (libyaml) places it
        // just after its `:` or `-` in block style, and at the token after the `:` in a flow
        // map (`{ a: , b: 1 }`: at the `,`); the parser at the `:` or after the blanks.
        let empty_value = |line: usize, column: usize, in_flow_map: bool| -> (usize, usize) {
            let mut chars = from(line, column);
            if let Some((':', _)) = chars.next() {
                if !in_flow_map {
                    return (line, column + 1);
                }
                let mut comment = false;
                for (c, at) in chars {
                    match c {
                        '\n' => comment = false,
                        _ if comment => {}
                        '#' => comment = true,
                        ' ' | '\t' | '\r' => {}
                        _ => return at,
                    }
                }
                return (line, column);
            }
            let before: Vec<char> = from(line, 1)
                .take(column.saturating_sub(1))
                .map(|(c, _)| c)
                .collect();
            let blanks = before
                .iter()
                .rev()
                .take_while(|c| matches!(c, ' ' | '\t'))
                .count();
            match before.len().checked_sub(blanks + 1) {
                Some(dash) if before[dash] == '-' => (line, dash + 2),
                _ => (line, column),
            }
        };
        let mut fields = std::collections::HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        // Depth inside a key that is itself a map or list: nothing there is a field.
        let mut in_complex_key = 0usize;
        for event in Parser::new_from_str(source) {
            let Ok((event, span)) = event else { break };
            let after_previous = previous_end;
            previous_end = (span.end.line(), span.end.col() + 1);
            let starts = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
            let ends = matches!(event, Event::MappingEnd | Event::SequenceEnd);
            if in_complex_key > 0 {
                if starts {
                    in_complex_key += 1;
                } else if ends {
                    in_complex_key -= 1;
                }
                if in_complex_key == 0 {
                    if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                        *key = Some(None);
                    }
                }
                continue;
            }
            if ends {
                stack.pop();
                continue;
            }
            if matches!(event, Event::DocumentEnd) {
                break;
            }
            if !(starts || matches!(event, Event::Scalar(..) | Event::Alias(..))) {
                continue;
            }
            // A key of the map on top: remember it, and go on to its value.
            if let Some(Frame::Map {
                key: key @ None, ..
            }) = stack.last_mut()
            {
                match &event {
                    Event::Scalar(text, ..) => {
                        *key = Some(Some(Segment::Key(text.to_string().into())))
                    }
                    _ if starts => in_complex_key = 1,
                    _ => *key = Some(None),
                }
                continue;
            }
            let path = match stack.last_mut() {
                None => Some(Vec::new()),
                Some(Frame::Map { path, key, .. }) => {
                    let segment = key.take().flatten();
                    path.as_ref().zip(segment).map(|(path, segment)| {
                        let mut path = path.clone();
                        path.push(segment);
                        path
                    })
                }
                Some(Frame::Seq { path, next, .. }) => {
                    *next += 1;
                    path.as_ref().map(|path| {
                        let mut path = path.clone();
                        path.push(Segment::Index(*next - 1));
                        path
                    })
                }
            };
            // serde places an alias at its anchor: left to the fallback.
            if let Some(path) = path.as_ref().filter(|_| !matches!(event, Event::Alias(..))) {
                let position = match &event {
                    Event::Scalar(_, ScalarStyle::Literal | ScalarStyle::Folded, ..) => {
                        indicator(after_previous)
                            .unwrap_or((span.start.line(), span.start.col() + 1))
                    }
                    // A sequence written without indentation (`key:` then `- item` at
                    // its column) starts, for serde, at its first `-`; a flow one at its `[`.
                    Event::SequenceStart(..)
                        if !matches!(
                            from(span.start.line(), span.start.col() + 1).next(),
                            Some(('[', _))
                        ) =>
                    {
                        dash_before(span.start.line(), span.start.col() + 1)
                    }
                    Event::Scalar(text, ScalarStyle::Plain, 0, None) if text.is_empty() => {
                        // In flow style when a collection around it opened with a bracket
                        // (`[a, b: ]` holds a flow map without braces); asked only here,
                        // so that reading most documents looks at no bracket.
                        let in_flow_map = matches!(stack.last(), Some(Frame::Map { .. }))
                            && stack.iter().any(|frame| {
                                let (line, column) = frame.start();
                                matches!(from(line, column).next(), Some(('{' | '[', _)))
                            });
                        empty_value(span.start.line(), span.start.col() + 1, in_flow_map)
                    }
                    _ => (span.start.line(), span.start.col() + 1),
                };
                fields.entry(path.clone()).or_insert(position);
            }
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let start = (span.start.line(), span.start.col() + 1);
                    stack.push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            path,
                            key: None,
                            start,
                        }
                    } else {
                        Frame::Seq {
                            path,
                            next: 0,
                            start,
                        }
                    });
                }
                _ => {}
            }
        }
        Index { fields }
    }
}

/// The 1-based line and column of the value at `path`, if the path exists.
pub fn locate(source: &str, path: &FieldPath) -> Option<(usize, usize)> {
    let deserializer = serde_yaml::Deserializer::from_str(source);
    match (Seek {
        path: &path.0,
        leaf: Marker,
    })
    .deserialize(deserializer)
    {
        Err(error) if error.to_string().contains(MARKER) => {
            error.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

/// Deserializes only the value at `path` as a `T`: `Ok(None)` when the path does not exist,
/// `Err` with the position of the problem when it is not a valid `T`. Lets the loader report
/// a problem in every step, not only the first.
pub fn deserialize_at<T: DeserializeOwned>(
    source: &str,
    path: &FieldPath,
) -> Result<Option<T>, serde_yaml::Error> {
    let slot = RefCell::new(None);
    let deserializer = serde_yaml::Deserializer::from_str(source);
    (Seek {
        path: &path.0,
        leaf: Typed(&slot),
    })
    .deserialize(deserializer)?;
    Ok(slot.into_inner())
}

/// What to do on reaching the end of the path.
trait Leaf {
    fn at<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error>;
}

/// Raises the marker error, whose position is the answer.
struct Marker;

impl Leaf for Marker {
    fn at<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(MarkerVisitor)
    }
}

struct MarkerVisitor;

impl<'de> Visitor<'de> for MarkerVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
}

/// Deserializes a `T` into the slot.
struct Typed<'s, T>(&'s RefCell<Option<T>>);

impl<T: DeserializeOwned> Leaf for Typed<'_, T> {
    fn at<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let value = T::deserialize(deserializer)?;
        *self.0.borrow_mut() = Some(value);
        Ok(())
    }
}

struct Seek<'p, L> {
    path: &'p [Segment],
    leaf: L,
}

impl<'de, L: Leaf> DeserializeSeed<'de> for Seek<'_, L> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.path.is_empty() {
            self.leaf.at(deserializer)
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de, L: Leaf> Visitor<'de> for Seek<'_, L> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Segment::Key(wanted), rest)) = self.path.split_first() else {
            return Ok(());
        };
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            let matches = match &key {
                serde_yaml::Value::String(k) => k == wanted,
                other => serde_yaml::to_string(other).is_ok_and(|k| k.trim() == wanted),
            };
            if matches {
                map.next_value_seed(Seek {
                    path: rest,
                    leaf: self.leaf,
                })?;
                // The rest of the map must be read for the document to be accepted.
                while map.next_key::<IgnoredAny>()?.is_some() {
                    map.next_value::<IgnoredAny>()?;
                }
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Segment::Index(wanted), rest)) = self.path.split_first() else {
            return Ok(());
        };
        for _ in 0..*wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Seek {
            path: rest,
            leaf: self.leaf,
        })?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The 1-based line and column of `key:` written last before the 1-based `value` position
/// (on its line or the few before it, for a block value). Its lines are read through
/// `positions` (the source's line starts, found once): a run with thousands of failures, or
/// a file with thousands of problems, asks for one for each.
pub(crate) fn key_before(
    (source, positions): (&str, &Positions),
    value: (usize, usize),
    key: &str,
) -> Option<(usize, usize)> {
    let first = value.0.saturating_sub(4).max(1);
    (first..=value.0).rev().find_map(|number| {
        let line = positions.line(source, number)?;
        let end = if number == value.0 {
            line.char_indices()
                .nth(value.1.saturating_sub(1))
                .map_or(line.len(), |(i, _)| i)
        } else {
            line.len()
        };
        let text = line.get(..end)?;
        ["", "\"", "'"].iter().find_map(|quote| {
            let written = format!("{quote}{key}{quote}:");
            let at = text.rfind(&written)?;
            let boundary = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || c == '{' || c == ',' || c == '-');
            boundary.then(|| (number, text[..at].chars().count() + 1))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "name: x\nsteps:\n  - name: first\n    request:\n      url: http://a\n  - name: second\n    request: { url: \"{{b}}\" }\n";

    fn path(segments: &[Segment]) -> FieldPath {
        FieldPath(segments.to_vec())
    }

    #[test]
    fn finds_nested_fields() {
        let url = path(&[
            Segment::Key("steps".into()),
            Segment::Index(0),
            Segment::Key("request".into()),
            Segment::Key("url".into()),
        ]);
        assert_eq!(locate(SOURCE, &url), Some((5, 12)));
        let url = path(&[
            Segment::Key("steps".into()),
            Segment::Index(1),
            Segment::Key("request".into()),
            Segment::Key("url".into()),
        ]);
        assert_eq!(locate(SOURCE, &url), Some((7, 21)));
        assert_eq!(
            locate(SOURCE, &path(&[Segment::Key("name".into())])),
            Some((1, 7))
        );
    }

    #[test]
    fn a_missing_path_has_no_location() {
        assert_eq!(locate(SOURCE, &path(&[Segment::Key("nope".into())])), None);
        assert_eq!(
            locate(
                SOURCE,
                &path(&[Segment::Key("steps".into()), Segment::Index(9)])
            ),
            None
        );
    }

    #[test]
    fn deserializes_one_value_with_positions_in_the_whole_document() {
        let steps = path(&[
            Segment::Key("steps".into()),
            Segment::Index(1),
            Segment::Key("name".into()),
        ]);
        assert_eq!(
            deserialize_at::<String>(SOURCE, &steps).expect("a string"),
            Some("second".into())
        );
        let error = deserialize_at::<u32>(SOURCE, &steps).expect_err("not a number");
        assert_eq!(error.location().map(|l| l.line()), Some(6));
        assert_eq!(
            deserialize_at::<String>(SOURCE, &path(&[Segment::Key("nope".into())]))
                .expect("absent"),
            None
        );
    }

    /// Every field of every collection in the repository: the index finds it where serde
    /// does.
    #[test]
    fn the_index_agrees_with_serde() {
        fn paths(value: &serde_yaml::Value, at: FieldPath, out: &mut Vec<FieldPath>) {
            match value {
                serde_yaml::Value::Mapping(map) => {
                    for (key, value) in map {
                        if let Some(key) = key.as_str() {
                            paths(value, at.key(key.to_owned()), out);
                        }
                    }
                }
                serde_yaml::Value::Sequence(items) => {
                    for (i, value) in items.iter().enumerate() {
                        paths(value, at.index(i), out);
                    }
                }
                _ => {}
            }
            out.push(at);
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = vec![
            SOURCE.to_owned(),
            "a: &x\n  b: 1\nc: !!str 5\nd: *x\ne: [1, {f: 'g'}]\nh:\n- |\n  text\n- i\n".to_owned(),
            // Empty values: after the `:` or `-` in block style, at the next token in flow style.
            "name: s\nsteps:\n  - name: a\n    request:\n      url: u\n      headers:\n        X-Team:\n        X-B: ~\n        X-C: \t# none\n  - \n  -\n  - { name: b, request: { url: , headers: { X-D:\n   # c\n   , X-E: } } }\n  - [a, b: ]\n".to_owned(),
            "- \n- x: {a:    }\n  y:\n\n".to_owned(),
            "name: s\nsteps:\n  - name: a\n    request: { url: u }\n  -   name: b\n      request:\n        url: v\n  - # note\n    name: c\n    request: { url: w }\n  -\n    name: d\n    tags: [é, x]\n".to_owned(),
        ];
        for dir in [
            "collections",
            "tests/fixtures/httpbin",
            "tests/fixtures/broken",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).expect("dir").flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    sources.push(std::fs::read_to_string(path).expect("read"));
                }
            }
        }
        let mut checked = 0;
        for source in &sources {
            let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(source) else {
                continue;
            };
            // An empty document (the broken corpus has one) has no field to find.
            if value.is_null() {
                continue;
            }
            let mut all = Vec::new();
            paths(&value, FieldPath::default(), &mut all);
            let positions = Positions::default();
            for path in all {
                let index = positions
                    .index
                    .get_or_init(|| Index::new(source, positions.line_starts(source)));
                match index.fields.get(&path.0) {
                    Some(found) => assert_eq!(Some(*found), locate(source, &path), "{path}"),
                    // Only through an alias, which serde follows and the walk does not.
                    None => assert!(source.contains('*'), "{path} not indexed"),
                }
                assert_eq!(positions.locate(source, &path), locate(source, &path));
            }
            // A step's fields, found in the step's own text (as the outline and as the fast
            // path place each step), are where the index (and serde) finds them, and the
            // whole document is not read again.
            let spans = [
                super::super::outline::outline(source).map(|o| o.step_spans()),
                super::super::quick::scan(source).map(|q| q.step_spans()),
            ];
            for spans in spans.into_iter().flatten() {
                let remembered = Positions::default();
                remembered.remember_steps(spans);
                let mut all = Vec::new();
                paths(&value, FieldPath::default(), &mut all);
                let steps = Segment::Key("steps".into());
                for path in all.iter().filter(|p| p.0.len() >= 2 && p.0[0] == steps) {
                    assert_eq!(
                        remembered.locate(source, path),
                        locate(source, path),
                        "{path}"
                    );
                    let line_text = remembered
                        .locate_line(source, path)
                        .map(|(_, _, text)| text);
                    let (line, _) = locate(source, path).expect("located");
                    assert_eq!(line_text, positions.line(source, line), "{path}");
                    checked += 1;
                }
                assert!(remembered.index.get().is_none(), "the index was built");
                assert!(
                    remembered.line_starts.get().is_none(),
                    "the whole file's line starts were found"
                );
            }
        }
        assert!(checked > 100, "only {checked} step fields were located");
        let positions = Positions::default();
        assert_eq!(positions.line(SOURCE, 3), Some("  - name: first"));
        assert_eq!(positions.line(SOURCE, 99), None);
    }

    #[test]
    fn displays_like_the_format() {
        let p = FieldPath::default()
            .key("steps")
            .index(1)
            .key("expect")
            .key("jsonpath")
            .key("$[0].id");
        assert_eq!(p.to_string(), "steps[1].expect.jsonpath[\"$[0].id\"]");
    }
}
