//! What the scanner reads from the text and the deserializer walks: one flat list of events.

use std::borrow::Cow;

/// One event of a document, in the order of the text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Event<'a> {
    /// A map opens; its keys and values follow, alternating.
    MapStart,
    /// The map opened last closes.
    MapEnd,
    /// A list opens; its items follow.
    SeqStart,
    /// The list opened last closes.
    SeqEnd,
    /// A scalar: its text (borrowed from the source when written without escapes), and
    /// whether it was plain (unquoted, not a block scalar), which decides how it resolves.
    Scalar { text: Cow<'a, str>, plain: bool },
}
