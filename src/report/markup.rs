//! Text written into HTML.

/// Text for HTML: markup escaped, and what a server sent that would act on a terminal shown
/// as escapes, as in every other output.
pub(super) fn escape(text: &str) -> String {
    let text = crate::spec::text::printable(text, true);
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
