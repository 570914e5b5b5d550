//! Block scalars whose first line starts with a tab, made readable by libyaml.
//!
//! YAML 1.2 lets a block scalar's text start with a tab once the line is indented (`body: |`
//! then `    \tcol1\tcol2`: the tab is text, as in a tab-separated body), but libyaml, which
//! yaml_serde reads with, refuses it ("found a tab character where an indentation space is
//! expected") unless the header gives the indentation (`|2`). [`indicate_tab_indentation`]
//! writes that indicator where the first line of a block scalar starts with a tab, so the
//! document reads as YAML 1.2 says (as PyYAML and the YAML test suite read it).

/// `source` with an indentation indicator added to the header (`|`, `>`, `|-`, …) of every
/// block scalar whose first line with text starts with spaces then a tab; `None` when there
/// is none (most documents: one without a tab is not looked at). Only the header lines
/// change, each by one character after its `|` or `>`: every other line, and so every
/// position a problem is told at, stays where it was.
pub fn indicate_tab_indentation(source: &str) -> Option<String> {
    // Most documents hold no tab: one look at the bytes.
    memchr::memchr(b'\t', source.as_bytes())?;
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    let mut inserts: Vec<(usize, usize, usize)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some((at, parent)) = header(line) else {
            continue;
        };
        // The first line of the scalar's text: lines of spaces only are blank.
        let first = lines[index + 1..].iter().find(|line| {
            !line
                .trim_end_matches(['\n', '\r'])
                .bytes()
                .all(|b| b == b' ')
        });
        let Some(first) = first else { continue };
        let spaces = first.bytes().take_while(|&b| b == b' ').count();
        if first.as_bytes().get(spaces) != Some(&b'\t') || spaces <= parent {
            continue;
        }
        let indentation = spaces - parent;
        if indentation <= 9 {
            inserts.push((index, at, indentation));
        }
    }
    if inserts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(source.len() + inserts.len());
    let mut inserts = inserts.into_iter().peekable();
    for (index, line) in lines.iter().enumerate() {
        match inserts.next_if(|(i, _, _)| *i == index) {
            Some((_, at, indentation)) => {
                out.push_str(&line[..=at]);
                out.push(char::from(b'0' + indentation as u8));
                out.push_str(&line[at + 1..]);
            }
            None => out.push_str(line),
        }
    }
    Some(out)
}

/// `text` as libyaml can read it: [`indicate_tab_indentation`]'s, else `text` itself.
pub fn readable(text: &str) -> std::borrow::Cow<'_, str> {
    indicate_tab_indentation(text).map_or(std::borrow::Cow::Borrowed(text), std::borrow::Cow::Owned)
}

/// Where `line` writes a block scalar's header without an indentation indicator (the byte
/// offset of its `|` or `>`), and the indentation of the node that holds the scalar (a
/// mapping's key, or a `-`): `key: |`, `- key: >-`, `- |+  # comment`.
fn header(line: &str) -> Option<(usize, usize)> {
    let text = line.trim_end_matches(['\n', '\r']);
    // A comment after the header starts at ` #`.
    let text = match text.find(" #") {
        Some(comment) => &text[..comment],
        None => text,
    };
    let text = text.trim_end_matches([' ', '\t']);
    let bytes = text.as_bytes();
    let end = bytes.len();
    let chomping = matches!(bytes.last(), Some(b'-' | b'+'));
    let at = end.checked_sub(1 + usize::from(chomping))?;
    if !matches!(bytes.get(at), Some(b'|' | b'>')) {
        return None;
    }
    let before = text[..at].trim_end_matches(' ');
    if before.len() == at {
        // `key:|` is a plain scalar, not a header.
        return None;
    }
    // The node that holds the scalar: a key after any `- `, or the last `-`.
    let mut column = line.bytes().take_while(|&b| b == b' ').count();
    loop {
        let rest = &before[column.min(before.len())..];
        if rest == "-" {
            return Some((at, column));
        }
        match rest.strip_prefix("- ") {
            Some(after) => column = before.len() - after.trim_start_matches(' ').len(),
            None => break,
        }
    }
    let key = &before[column.min(before.len())..];
    (key.ends_with(':') && key.len() > 1).then_some((at, column))
}

#[cfg(test)]
mod tests {
    use super::indicate_tab_indentation;

    #[test]
    fn a_first_line_starting_with_a_tab_gets_the_indentation_written() {
        let cases = [
            ("body: |\n  \tx\n", "body: |2\n  \tx\n"),
            ("  body: >-\n    \tx\n", "  body: >2-\n    \tx\n"),
            ("- |\n  \tx\n", "- |2\n  \tx\n"),
            (
                "- - body: |+ # c\n      \tx\n",
                "- - body: |2+ # c\n      \tx\n",
            ),
            (
                "a:\n  b: |\n\n    \tx\n    y\n",
                "a:\n  b: |2\n\n    \tx\n    y\n",
            ),
            ("a: |\r\n  \tx\r\n", "a: |2\r\n  \tx\r\n"),
        ];
        for (source, expected) in cases {
            assert_eq!(
                indicate_tab_indentation(source).as_deref(),
                Some(expected),
                "{source:?}"
            );
            let theirs: serde_yaml::Value =
                serde_yaml::from_str(expected).unwrap_or_else(|e| panic!("{expected:?}: {e}"));
            assert!(format!("{theirs:?}").contains("\\tx"), "{theirs:?}");
        }
    }

    #[test]
    fn other_documents_are_left_alone() {
        for source in [
            "body: |\n  x\n",
            "body: |\n  x\n  \ty\n",
            "body: |2\n  \tx\n",
            "body: \"|\"\n\tx\n",
            "body:|\n  \tx\n",
            "a: |\nb: \tx\n",
            "a: |\n\tx\n",
            "a: 'x |'\n  \ty\n",
        ] {
            assert_eq!(indicate_tab_indentation(source), None, "{source:?}");
        }
    }
}
