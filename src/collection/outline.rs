//! A first, streaming pass over a collection's YAML that finds where each top-level step is
//! written, so that a large collection loads one step at a time.
//!
//! serde_yaml reads a whole document into a list of events before deserializing any of it:
//! for a 10,000-step file that list, and the format's types built from it, are most of the
//! memory a run ever uses. The outline lets the loader deserialize the document without its
//! steps (`steps: []` in their place, every other line where it was), then the steps from
//! their own text a run of a few dozen at a time, compiling them and dropping their parsed
//! form before the next run. The pass also checks for duplicate keys, which serde_yaml would
//! otherwise need a pass of its own for.
//!
//! Only plain documents are outlined: one document, a block mapping at the top with a block
//! sequence of `steps`, no anchors, aliases or tags (a step could refer to another's anchor),
//! no duplicate keys, no plain keys that read as a boolean, null or number (the full loader
//! compares those by value: `true` and `True` are the same key), no tab in the text between
//! steps (YAML 1.2, which this pass reads, allows one after `-`; serde_yaml's parser does
//! not). Anything else, and any document the outline pass cannot read, gives `None`, and the
//! loader reads the whole document at once as before; its messages are the ones users see
//! for broken YAML.

use std::borrow::Cow;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The deepest nesting of maps and lists a collection may have (docs/limits.md). Reading a
/// deeper document costs time that grows faster than its size, and nothing in the format
/// needs more than a few levels (a JSON body may need a few dozen).
pub const MAX_NESTING: usize = 100;

/// The 1-based line and column of the first map or list nested deeper than `limit`, if any;
/// the document is read only up to there. A document that does not parse is left to the
/// loader.
pub(super) fn too_deep(source: &str, limit: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for event in Parser::new_from_str(source) {
        let (event, span) = match event {
            Ok(event) => event,
            // The scanner reads ahead, and refuses flow nesting past its own limit first.
            Err(error) if error.info().contains("recursion limit") => {
                let marker = error.marker();
                return Some((marker.line(), marker.col() + 1));
            }
            Err(_) => return None,
        };
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if depth > limit {
                    return Some((span.start.line(), span.start.col() + 1));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Where a plain collection's top-level steps are written.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Outline {
    /// The document with `steps: []` in place of the steps; other lines keep their numbers.
    pub header: String,
    /// Each top-level step's text, in order.
    pub steps: Vec<StepText>,
}

/// The text of one top-level step.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct StepText {
    /// Byte range in the source, from the start of the line of the step's `-` to the start
    /// of the next step's (or the end of the sequence): consecutive steps' texts touch.
    lines: Range<usize>,
    /// The byte where the step's map starts, where a run locates the step; `None` for a
    /// step that is not a map.
    node: Option<usize>,
}

impl Outline {
    /// Where each step is written (see [`super::locate::Positions::remember_steps`]).
    pub(super) fn step_spans(&self) -> Vec<super::locate::StepSpan> {
        self.steps
            .iter()
            .map(|step| super::locate::StepSpan {
                text: step.lines.clone(),
                node: step.node,
            })
            .collect()
    }

    /// The byte ranges of `count` steps from step `first` (see [`StepText`]).
    pub(super) fn step_lines(
        &self,
        first: usize,
        count: usize,
    ) -> impl Iterator<Item = Range<usize>> + '_ {
        self.steps
            .iter()
            .skip(first)
            .take(count)
            .map(|step| step.lines.clone())
    }

    /// The steps in runs of about `bytes` of text (at least one step each), as the index of
    /// the run's first step, its number of steps and its text: a YAML block sequence of its
    /// own, cut from the file at line starts, so every line keeps its indentation. Parsing
    /// a run at a time spares the parser's set-up for every step.
    pub(super) fn runs<'s>(&self, source: &'s str, bytes: usize) -> Vec<(usize, usize, &'s str)> {
        let mut runs = Vec::new();
        let mut first = 0;
        while let Some(start) = self.steps.get(first) {
            let mut count = 1;
            while let Some(next) = self.steps.get(first + count) {
                if next.lines.end - start.lines.start > bytes {
                    break;
                }
                count += 1;
            }
            let end = self.steps[first + count - 1].lines.end;
            runs.push((first, count, &source[start.lines.start..end]));
            first += count;
        }
        runs
    }
}

/// Past this many keys, a mapping's keys are looked up in a hash set, not scanned.
const SCANNED_KEYS: usize = 16;

/// The scalar keys of a mapping seen so far (for duplicates).
#[derive(Default)]
struct SeenKeys<'a> {
    list: Vec<Cow<'a, str>>,
    /// All of them, once there are more than [`SCANNED_KEYS`] (a map of 100,000 keys
    /// would otherwise compare each key with all the keys before it).
    set: Option<foldhash::HashSet<Cow<'a, str>>>,
}

impl<'a> SeenKeys<'a> {
    /// Adds `key`; `false` when it was there already.
    fn insert(&mut self, key: Cow<'a, str>) -> bool {
        if let Some(set) = &mut self.set {
            return set.insert(key);
        }
        if self.list.contains(&key) {
            return false;
        }
        self.list.push(key);
        if self.list.len() > SCANNED_KEYS {
            self.set = Some(self.list.drain(..).collect());
        }
        true
    }
}

/// One open collection while walking the events.
enum Frame<'a> {
    Mapping {
        /// The scalar keys seen so far.
        keys: SeenKeys<'a>,
        /// The next node is a key.
        at_key: bool,
        /// Whether this mapping is the top-level one.
        top: bool,
    },
    Sequence {
        /// Whether this is the top-level `steps` sequence.
        steps: bool,
    },
}

/// Outlines `source`, or `None` when it is not a plain document (see the module docs).
pub(super) fn outline(source: &str) -> Option<Outline> {
    let mut offsets = ByteOffsets::new(source);
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = 0;
    // The byte where the top-level `steps` key ends, once seen; then the value must follow.
    let mut steps_key_end: Option<usize> = None;
    let mut steps_sequence = false;
    let mut step_starts: Vec<usize> = Vec::new();
    let mut step_nodes: Vec<Option<usize>> = Vec::new();
    let mut steps_end: Option<usize> = None;
    for event in Parser::new_from_str(source) {
        let (event, span) = event.ok()?;
        // Was the event a key of the mapping on top of the stack?
        let is_key = matches!(stack.last(), Some(Frame::Mapping { at_key: true, .. }));
        let top_level_value = matches!(
            stack.last(),
            Some(Frame::Mapping {
                at_key: false,
                top: true,
                ..
            })
        );
        let starts_step = matches!(stack.last(), Some(Frame::Sequence { steps: true }));
        if starts_step && !matches!(event, Event::SequenceEnd) {
            step_starts.push(offsets.byte(&span)?);
            step_nodes.push(
                matches!(event, Event::MappingStart(..))
                    .then(|| step_starts.last().copied())
                    .flatten(),
            );
        }
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
            }
            Event::Alias(_) => return None,
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                if top_level_value && steps_key_end.is_some() && !steps_sequence {
                    // `steps:` with a scalar (or nothing): the full loader says what is wrong.
                    return None;
                }
                if is_key && style == ScalarStyle::Plain && may_not_be_a_string(&value) {
                    return None;
                }
                if is_key {
                    let top = matches!(stack.last(), Some(Frame::Mapping { top: true, .. }));
                    if let Some(Frame::Mapping { keys, .. }) = stack.last_mut() {
                        let steps = top && value == "steps";
                        if !keys.insert(value) {
                            return None;
                        }
                        if steps {
                            steps_key_end = Some(offsets.byte_at(span.end.index())?);
                        }
                    }
                }
                flip(&mut stack, is_key);
            }
            Event::SequenceStart(anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let steps = top_level_value && steps_key_end.is_some() && !steps_sequence;
                if steps {
                    // Only a block sequence: a flow one (`[...]`) is left to the full loader.
                    let start = offsets.byte(&span)?;
                    if source[start..].starts_with('[') {
                        return None;
                    }
                    steps_sequence = true;
                }
                stack.push(Frame::Sequence { steps });
            }
            Event::MappingStart(anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                if top_level_value && steps_key_end.is_some() && !steps_sequence {
                    return None;
                }
                let top = stack.is_empty();
                if top && source[offsets.byte(&span)?..].starts_with('{') {
                    return None;
                }
                stack.push(Frame::Mapping {
                    keys: SeenKeys::default(),
                    at_key: true,
                    top,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Sequence { steps: true }) = stack.pop() {
                    steps_end = Some(offsets.byte(&span)?);
                }
                let is_key = matches!(stack.last(), Some(Frame::Mapping { at_key: true, .. }));
                flip(&mut stack, is_key);
            }
            Event::MappingEnd => {
                stack.pop();
                let is_key = matches!(stack.last(), Some(Frame::Mapping { at_key: true, .. }));
                flip(&mut stack, is_key);
            }
        }
    }
    if documents != 1 {
        return None;
    }
    let (key_end, steps_end) = (steps_key_end?, steps_end?);
    // The steps region ends where the next top-level key (or the document) starts: at the
    // start of a line.
    if steps_end != source.len() && !line_start(source, steps_end) {
        return None;
    }
    // The text dropped before the first step (`: # ...` and its `- `) must have no tab.
    if let Some(&first) = step_starts.first() {
        if source[key_end..first].contains('\t') {
            return None;
        }
    }
    let mut steps = Vec::with_capacity(step_starts.len());
    let mut line = match step_starts.first() {
        Some(&first) => dash_line(source, key_end, first)?,
        None => steps_end,
    };
    for (i, &start) in step_starts.iter().enumerate() {
        let end = match step_starts.get(i + 1) {
            Some(&next) => dash_line(source, start, next)?,
            None => steps_end,
        };
        steps.push(StepText {
            lines: line..end,
            node: step_nodes.get(i).copied().flatten(),
        });
        line = end;
    }
    let region = &source[key_end..steps_end];
    let mut header = String::with_capacity(source.len() - region.len() + 8);
    header.push_str(&source[..key_end]);
    header.push_str(": []");
    header.extend(std::iter::repeat_n('\n', region.matches('\n').count()));
    header.push_str(&source[steps_end..]);
    Some(Outline { header, steps })
}

/// Whether the top level of `source` is a map with `key`; `None` if it is not YAML of one
/// document.
pub fn has_top_level_key(source: &str, key: &str) -> Option<bool> {
    top_level_keys(source).map(|keys| keys.iter().any(|k| k == key))
}

/// The keys of the top-level map of `source` (none if the top level is not a map); `None`
/// if it is not YAML of one document.
pub fn top_level_keys(source: &str) -> Option<Vec<String>> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut root_is_mapping = false;
    let mut documents = 0;
    // In the top-level mapping, whether the next node is a key.
    let mut at_key = true;
    for event in Parser::new_from_str(source) {
        let (event, _) = event.ok()?;
        let in_root = depth == 1 && root_is_mapping;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if depth == 0 {
                    root_is_mapping = matches!(event, Event::MappingStart(..));
                }
                depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                depth = depth.saturating_sub(1);
                if depth == 1 && root_is_mapping {
                    at_key = !at_key;
                }
            }
            Event::Scalar(value, ..) if in_root => {
                if at_key {
                    keys.push(value.into_owned());
                }
                at_key = !at_key;
            }
            Event::Alias(_) if in_root => at_key = !at_key,
            _ => {}
        }
    }
    Some(keys)
}

/// After a node, a mapping waits for the other half of its pair.
fn flip(stack: &mut [Frame], was_key: bool) {
    if let Some(Frame::Mapping { at_key, .. }) = stack.last_mut() {
        *at_key = !was_key;
    }
}

/// Whether `at` is the first byte of a line.
fn line_start(source: &str, at: usize) -> bool {
    at == 0 || source.as_bytes().get(at - 1) == Some(&b'\n')
}

/// The start of the line of the `-` that introduces the step at `next`, which must follow
/// the step at `previous` with only whitespace between that `-` and the step.
fn dash_line(source: &str, previous: usize, next: usize) -> Option<usize> {
    let before = source.get(previous..next)?;
    let dash = before.trim_end_matches([' ', '\t', '\r', '\n']);
    if !dash.ends_with('-') {
        return None;
    }
    let dash_at = previous + dash.len() - 1;
    let line = source[..dash_at]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    // Only spaces before the dash, no tab after it (both are dropped from the step's text),
    // and the line belongs to the step after `previous`.
    (line > previous
        && source[line..dash_at].bytes().all(|b| b == b' ')
        && !source[dash_at..next].contains('\t'))
    .then_some(line)
}

/// Whether a plain scalar may read as a boolean, null or number rather than a string
/// (conservatively: anything starting like a number, and the core schema's words).
pub(super) fn may_not_be_a_string(plain: &str) -> bool {
    plain.is_empty()
        || plain.starts_with(|c: char| c.is_ascii_digit() || "+-.~".contains(c))
        || ["true", "false", "null"]
            .iter()
            .any(|word| plain.eq_ignore_ascii_case(word))
}

/// Turns the parser's character indexes into byte offsets. Events arrive in order, so one
/// cursor that only moves forward converts them all in a single walk over the text.
struct ByteOffsets<'a> {
    source: &'a str,
    chars: usize,
    bytes: usize,
}

impl<'a> ByteOffsets<'a> {
    fn new(source: &'a str) -> Self {
        ByteOffsets {
            source,
            chars: 0,
            bytes: 0,
        }
    }

    /// The byte offset of where `span` starts.
    fn byte(&mut self, span: &Span) -> Option<usize> {
        self.byte_at(span.start.index())
    }

    /// The byte offset of character `index`; `None` if the parser went backwards.
    fn byte_at(&mut self, index: usize) -> Option<usize> {
        if index < self.chars {
            return None;
        }
        let mut rest = self.source[self.bytes..].chars();
        while self.chars < index {
            self.bytes += rest.next()?.len_utf8();
            self.chars += 1;
        }
        Some(self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_is_found_before_and_after_the_keys_are_hashed() {
        for repeat in [0, 5, SCANNED_KEYS, SCANNED_KEYS + 1, 40] {
            let mut keys = SeenKeys::default();
            for n in 0..50 {
                assert!(keys.insert(Cow::Owned(format!("k{n}"))), "k{n} is new");
                if n == repeat {
                    assert!(!keys.insert(Cow::Borrowed("k0")), "k0 again after {n}");
                }
            }
            assert!(!keys.insert(Cow::Borrowed("k49")));
        }
    }

    fn steps(source: &str) -> Vec<String> {
        let outline = outline(source).expect("outlined");
        outline
            .steps
            .iter()
            .map(|s| source[s.lines.clone()].to_owned())
            .collect()
    }

    #[test]
    fn splits_top_level_steps_and_keeps_the_header_lines() {
        let source = "\
---
name: x # ü
steps: # the steps
  - name: a
    request:
      url: \"http://é\"
    # trailing
  -
    name: b
    request: { url: y }

  # between
finally:
- name: z
  request: { url: q }
";
        let outline = outline(source).expect("outlined");
        assert_eq!(
            outline.header,
            "---\nname: x # ü\nsteps: []\n\n\n\n\n\n\n\n\n\nfinally:\n- name: z\n  request: { url: q }\n"
        );
        assert_eq!(outline.header.lines().count(), source.lines().count());
        assert_eq!(
            steps(source),
            [
                "  - name: a\n    request:\n      url: \"http://é\"\n    # trailing\n",
                "  -\n    name: b\n    request: { url: y }\n\n  # between\n",
            ]
        );
    }

    #[test]
    fn the_last_step_runs_to_the_end_of_the_file() {
        let source = "name: x\nsteps:\n- name: a\n  request:\n    body: |+\n      text\n\n";
        assert_eq!(
            steps(source),
            ["- name: a\n  request:\n    body: |+\n      text\n\n"]
        );
    }

    #[test]
    fn finds_a_top_level_key_only() {
        let has_steps = |source: &str| has_top_level_key(source, "steps");
        assert_eq!(has_steps("name: x\nsteps:\n  - name: a\n"), Some(true));
        assert_eq!(has_steps("vars: { steps: 1 }\nname: x\n"), Some(false));
        assert_eq!(has_steps("vars:\n  a: [steps]\nsteps: []\n"), Some(true));
        assert_eq!(has_steps("name: steps\n"), Some(false));
        assert_eq!(has_steps("? [a]\n: steps\n"), Some(false));
        assert_eq!(has_steps("- steps\n"), Some(false));
        assert_eq!(has_steps("steps"), Some(false));
        assert_eq!(has_steps(""), Some(false));
        assert_eq!(has_steps("name: \"x\nsteps: []\n"), None);
        assert_eq!(has_steps("name: x\n---\nname: y\n"), None);
        assert_eq!(has_steps("--- 3\n--- 4\n"), None);
    }

    #[test]
    fn leaves_anything_unusual_to_the_full_loader() {
        for source in [
            "name: x\nsteps: [{ name: a }]\n",
            "name: x\nsteps:\n  - &a { name: a }\n  - *a\n",
            "name: x\nsteps:\n  - !custom { name: a }\n",
            "name: x\nname: y\nsteps:\n  - name: a\n",
            "name: x\nsteps:\n  - name: a\n    name: b\n",
            "name: x\nsteps:\n",
            "name: x\nsteps: 3\n",
            "name: x\nsteps:\n  - name: a\n---\nname: y\n",
            "{ name: x, steps: [] }",
            "name: x\nsteps:\n  - name: a\n    url: \"unclosed\n",
            "name: x\n",
            "name: x\nvars:\n  true: a\n  True: b\nsteps:\n  - name: a\n",
            "name: x\nsteps:\n  - name: a\n    expect: { 200: x }\n",
            "name: x\nsteps:\n  -\tname: a\n",
            "name: x\nsteps:\t\n  - name: a\n",
            "name: x\nsteps:\n  - name: a\n  -\tname: b\n",
        ] {
            assert_eq!(outline(source), None, "{source}");
        }
    }

    use crate::spec::collection::{CollectionSpec, StepSpec};

    /// Every YAML file of the repository's collections and tests, as text.
    fn repository_yaml() -> Vec<String> {
        crate::collection::edits::repository_yaml()
            .into_iter()
            .map(|(_, text)| text)
            .collect()
    }

    /// The collection read through the outline, if it outlines and every part parses.
    /// Read as the loader does, in runs of about `bytes` of text (0: one step a run).
    fn read_outlined(source: &str, bytes: usize) -> Option<CollectionSpec> {
        let outline = outline(source)?;
        let mut spec: CollectionSpec = serde_yaml::from_str(&outline.header).ok()?;
        for (_, count, text) in outline.runs(source, bytes) {
            let run: Vec<StepSpec> = serde_yaml::from_str(text).ok()?;
            if run.len() != count {
                return None;
            }
            spec.steps.extend(run);
        }
        Some(spec)
    }

    /// Every collection in the repository that outlines reads the same outlined as whole.
    #[test]
    fn outlined_collections_read_as_the_whole_document_does() {
        let files = repository_yaml();
        let mut outlined = 0;
        for source in &files {
            let Ok(whole) = serde_yaml::from_str::<CollectionSpec>(source) else {
                continue;
            };
            // A merge key is refused before any reading (serde reads it as a key).
            if crate::collection::first_merge_key(source).is_some() {
                continue;
            }
            for bytes in [0, 400, 1 << 20] {
                let by_step = read_outlined(source, bytes).expect("a valid collection outlines");
                assert_eq!(format!("{by_step:?}"), format!("{whole:?}"), "{source}");
            }
            outlined += 1;
        }
        assert!(outlined >= 10, "only {outlined} of {} files", files.len());
    }

    /// Line-level edits of the repository's collections (the kind a person makes: lines
    /// deleted, duplicated, moved, indented, commented): whenever the outlined reading
    /// succeeds, the whole document reads the same. So the outline never accepts or changes
    /// what the full loader would reject or read differently.
    #[test]
    fn edited_collections_read_the_same_outlined_or_whole() {
        let files: Vec<String> = repository_yaml()
            .into_iter()
            .filter(|text| serde_yaml::from_str::<CollectionSpec>(text).is_ok())
            .collect();
        let mut rng = fastrand::Rng::with_seed(7);
        let (mut compared, mut fell_back) = (0, 0);
        for round in 0..2000 {
            let source = &files[round % files.len()];
            let edited = crate::collection::edits::edit(&mut rng, source);
            // The whole-document reading, as the loader does it: duplicate keys, then the spec.
            let whole = crate::spec::duplicates::check(&edited)
                .and_then(|()| serde_yaml::from_str::<CollectionSpec>(&edited));
            match (read_outlined(&edited, [0, 400][round % 2]), whole) {
                (Some(by_step), Ok(whole)) => {
                    assert_eq!(format!("{by_step:?}"), format!("{whole:?}"), "{edited}");
                    compared += 1;
                }
                (Some(_), Err(error)) => {
                    panic!("outlined but the whole document fails ({error}):\n{edited}")
                }
                (None, Ok(_)) => fell_back += 1,
                (None, Err(_)) => {}
            }
        }
        assert!(
            compared > 200,
            "only {compared} edits compared ({fell_back} fell back)"
        );
    }

    #[test]
    fn a_step_outlined_reads_like_the_whole_document() {
        let source = "name: x\nsteps:\n  - name: a\n    request:\n      url: u\n      headers: { A: \"1\" }\n  - name: b\n    request: { url: v }\n";
        let whole: serde_yaml::Value = serde_yaml::from_str(source).expect("parses");
        let outline = outline(source).expect("outlined");
        for (i, step) in outline.steps.iter().enumerate() {
            let alone: serde_yaml::Value =
                serde_yaml::from_str(&source[step.lines.clone()]).expect("parses");
            assert_eq!(alone[0], whole["steps"][i]);
        }
        let runs = outline.runs(source, 1 << 20);
        assert_eq!(runs.len(), 1);
        let (first, count, text) = runs[0];
        assert_eq!((first, count), (0, 2));
        let run: serde_yaml::Value = serde_yaml::from_str(text).expect("parses");
        assert_eq!(run, whole["steps"]);
        assert_eq!(outline.runs(source, 0).len(), 2);
        let header: serde_yaml::Value = serde_yaml::from_str(&outline.header).expect("parses");
        assert_eq!(header["name"], whole["name"]);
        assert_eq!(header["steps"], serde_yaml::Value::Sequence(Vec::new()));
    }
}
