//! Text written into HTML, and into other reports a page shows.

use std::borrow::Cow;

/// Text for HTML: markup escaped, and what a server sent that would act on a terminal shown
/// as escapes, as in every other output; so are noncharacters (U+FFFE, U+FDD0…), which HTML
/// counts as parse errors.
pub(super) fn escape(text: &str) -> String {
    let text = shown(text, true);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a page shows it (a GitLab merge request, a browser): what would act on a
/// terminal or reorder the text around it (controls, bidirectional overrides and marks) and
/// noncharacters (U+FFFE, U+FDD0…) written as escapes (`\e`, `\u{202e}`), line feeds and
/// tabs kept when `keep_lines` is true.
pub(super) fn shown(text: &str, keep_lines: bool) -> Cow<'_, str> {
    use std::fmt::Write as _;
    let text = crate::spec::text::printable(text, keep_lines);
    if text.is_ascii() || !text.chars().any(is_noncharacter) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_noncharacter(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Unicode's noncharacters: U+FDD0 to U+FDEF, and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let code = c as u32;
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_controls_bidi_overrides_and_noncharacters_are_escaped() {
        assert_eq!(
            escape("<a href='x'>&\u{1b}[2J\u{202e}\u{fffe}\u{fdd0}\u{1ffff}é\n"),
            "&lt;a href=&#39;x&#39;&gt;&amp;\\e[2J\\u{202e}\\u{fffe}\\u{fdd0}\\u{1ffff}é\n"
        );
    }
}
