//! Where a YAML text that holds more than one document starts its second one: the parser
//! says only "more than one document", without a place.

/// Where the second document of a YAML text starts, by the way it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondDocument {
    /// A `---` line after the first document's content: its line and column.
    Marker((usize, usize)),
    /// A `...` line ends the first document and content follows: the `...` line.
    Ended((usize, usize)),
    /// A line less indented than the first key (`  name: x` then `steps:`): that line.
    Dedented((usize, usize)),
    /// None of these (a second value after the first, as in `{}` then `{}`).
    Unplaced,
}

/// Where `source`'s second document starts (1-based line and column).
pub fn second_document(source: &str) -> SecondDocument {
    // The first `---` after something that is not a comment starts the second document.
    let mut content = false;
    let second = source.lines().enumerate().find_map(|(n, line)| {
        let starts_document = line == "---" || line.starts_with("--- ");
        let second = starts_document && content;
        // Comments and directives (`%YAML 1.2`) come before the first document's `---`.
        content |= !starts_document
            && !line.trim().is_empty()
            && !line.starts_with('#')
            && !line.starts_with('%');
        second.then_some((n + 1, 1))
    });
    let content = |line: &&str| !line.trim().is_empty() && !line.trim_start().starts_with('#');
    // No `---`: a `...` line ended the first, or a line less indented than the first
    // key (`  name: x` then `steps:`) started the second.
    let ended = || {
        let at = source
            .lines()
            .position(|line| line == "..." || line.starts_with("... "))?;
        source
            .lines()
            .skip(at + 1)
            .any(|line| content(&line))
            .then_some((at + 1, 1))
    };
    let dedented = || {
        let mut lines = source.lines().enumerate().filter(|(_, line)| content(line));
        let (_, first) = lines.next()?;
        let indent = |line: &str| line.len() - line.trim_start().len();
        let first = indent(first);
        lines
            .find(|(_, line)| indent(line) < first)
            .map(|(n, line)| (n + 1, indent(line) + 1))
    };
    match (second, ended(), dedented()) {
        (Some(at), _, _) => SecondDocument::Marker(at),
        (None, Some(at), _) => SecondDocument::Ended(at),
        (None, None, Some(at)) => SecondDocument::Dedented(at),
        (None, None, None) => SecondDocument::Unplaced,
    }
}

/// `Some((line, column))` of the second document, when it can be placed.
pub fn second_document_at(source: &str) -> Option<(usize, usize)> {
    match second_document(source) {
        SecondDocument::Marker(at) | SecondDocument::Ended(at) | SecondDocument::Dedented(at) => {
            Some(at)
        }
        SecondDocument::Unplaced => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_document_is_placed_by_how_it_starts() {
        assert_eq!(
            second_document("# c\n---\na: 1\n---\nb: 2\n"),
            SecondDocument::Marker((4, 1))
        );
        assert_eq!(
            second_document("a: 1\n...\nb: 2\n"),
            SecondDocument::Ended((2, 1))
        );
        assert_eq!(
            second_document("  a: 1\nb: 2\n"),
            SecondDocument::Dedented((2, 1))
        );
        assert_eq!(second_document("{}\n{}\n"), SecondDocument::Unplaced);
    }
}
