//! Text written into HTML.

/// Text for HTML: markup escaped, and what a server sent that would act on a terminal shown
/// as escapes, as in every other output; so are noncharacters (U+FFFE, U+FDD0…), which HTML
/// counts as parse errors.
pub(super) fn escape(text: &str) -> String {
    use std::fmt::Write as _;
    let text = crate::spec::text::printable(text, true);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_noncharacter(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
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
