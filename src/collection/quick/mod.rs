//! The fast path of loading: a collection written in the plain subset of YAML is read in one
//! pass by a hand-written scanner, straight into the format's types, at a few nanoseconds a
//! byte (the general parsers cost about 400 instructions a byte).
//!
//! The subset: one document (an optional `---` first), a block map at the top; block maps
//! and lists (`- key: v` and `- - a` too), plain scalars on one line, single- and
//! double-quoted scalars on one line (every escape of YAML), flow maps and lists within one
//! line, nested, literal and folded block scalars with chomping and indentation indicators,
//! comments and blank lines. Anything else — anchors, aliases, tags, `?` keys, directives,
//! several documents, a scalar or flow collection over several lines, a tab where
//! indentation or separation is, `\r`, a plain key that may read as a boolean, null or number
//! (`outline::may_not_be_a_string`), a duplicate key, nesting deeper than
//! [`MAX_NESTING`](super::outline::MAX_NESTING), a `steps` that is not a block list — and
//! [`scan`] gives `None` (or [`Quick::steps`] does, for a top-level step): the loader then
//! reads the document as before (the depth check, the outline, or the whole document at
//! once), which also gives the messages for broken YAML.
//!
//! Whatever the fast path reads, it reads exactly as yaml_serde does: the deserializer
//! (`de`) makes the calls yaml_serde's makes, the scalars resolve by the same rules
//! (`scalar`), and any serde error sends the document to the full loader. The differential
//! test (`tests`) holds it to that over generated documents and the repository's collections.
//!
//! Like the outline, the scan keeps the top-level steps apart: it skims them by indentation
//! for where each starts and ends, and [`Quick::steps`] reads each, one at a time, when the
//! compiler asks for it (giving up unless the reading ends where the skim said), so each step
//! is read once and a 10,000-step file never holds every step's parsed form at once.

mod de;
mod event;
mod parse;
mod scalar;
#[cfg(test)]
mod tests;

use serde::de::DeserializeOwned;

use event::Event;
use parse::Item;

/// A collection the scanner read: everything but its top-level steps, and where those are.
pub(super) struct Quick<'a> {
    source: &'a str,
    /// The document's events with `steps: []`.
    header: Vec<Event<'a>>,
    steps: Vec<Item>,
}

/// Reads `source` (without a byte-order mark) but its top-level steps, or `None` when it is
/// not in the subset.
pub(super) fn scan(source: &str) -> Option<Quick<'_>> {
    let (header, steps) = parse::document(source, true)?;
    Some(Quick {
        source,
        header,
        steps,
    })
}

impl<'a> Quick<'a> {
    /// The document without its top-level steps (`steps: []`) as `T`; `None` on any error.
    pub(super) fn header<T: DeserializeOwned>(&self) -> Option<T> {
        de::from_events(&self.header)
    }

    /// Where each top-level step is written (see
    /// [`super::locate::Positions::remember_steps`]).
    pub(super) fn step_spans(&self) -> Vec<super::locate::StepSpan> {
        self.steps
            .iter()
            .map(|item| super::locate::StepSpan {
                text: item.lines(),
                node: item.node(self.source),
            })
            .collect()
    }

    /// How many top-level steps there are.
    pub(super) fn len(&self) -> usize {
        self.steps.len()
    }

    /// Each top-level step as `T`, read when asked for (`None` for one that does not read).
    pub(super) fn steps<T: DeserializeOwned>(&self) -> impl Iterator<Item = Option<T>> + '_ {
        let mut buffers = parse::Buffers::default();
        self.steps.iter().map(move |&item| {
            parse::step(self.source, item, &mut buffers)?;
            de::from_events(&buffers.events)
        })
    }
}
