//! What is wrong with a template the handlebars parser stopped at the end of: a `{{` not
//! closed, or a block (`{{#if x}}`) not ended — in the user's words, at the opening that is
//! left open, rather than the grammar's rule names at the end of the text.

/// Why the template cannot be read, and the 1-based character where what is left open
/// starts; `None` when neither is what is wrong.
pub(super) fn left_open(source: &str) -> Option<(String, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut blocks: Vec<(String, usize, usize)> = Vec::new();
    let mut at = 0;
    while at + 1 < chars.len() {
        if chars[at] != '{' || chars[at + 1] != '{' || escaped(&chars, at) {
            at += 1;
            continue;
        }
        let Some(close) = (at + 2..chars.len().saturating_sub(1))
            .find(|&i| chars[i] == '}' && chars[i + 1] == '}')
        else {
            return Some((
                format!(
                    "`{}` is not closed: end it with `}}}}`",
                    shown(&chars[at..])
                ),
                at + 1,
            ));
        };
        let end = close + 2;
        let inside: String = chars[at + 2..close].iter().collect();
        let inside = inside.trim_start_matches(['{', '~']).trim_start();
        let name = |rest: &str| {
            rest.split(|c: char| c.is_whitespace() || c == '}' || c == '~')
                .next()
                .unwrap_or("")
                .to_owned()
        };
        if let Some(rest) = inside
            .strip_prefix('#')
            .or_else(|| inside.strip_prefix('^'))
        {
            let rest = rest.strip_prefix('>').unwrap_or(rest);
            blocks.push((name(rest.trim_start()), at, end));
        } else if let Some(rest) = inside.strip_prefix('/') {
            // A close that does not match is the parser's own message ("… was opened,
            // but … is closing"), at the close.
            if blocks
                .last()
                .is_some_and(|(open, ..)| *open == name(rest.trim_start()))
            {
                blocks.pop();
            } else {
                return None;
            }
        }
        at = end;
    }
    let (name, start, end) = blocks.pop()?;
    Some((
        format!(
            "`{}` is not ended: write `{{{{/{name}}}}}` after what it holds",
            chars[start..end].iter().collect::<String>()
        ),
        start + 1,
    ))
}

/// Whether the `{{` at `at` is written `\{{` (text, not an expression); after two or more
/// backslashes it is an expression again.
fn escaped(chars: &[char], at: usize) -> bool {
    chars[..at].iter().rev().take_while(|&&c| c == '\\').count() == 1
}

/// An unclosed expression as shown in a message: up to 20 characters.
fn shown(chars: &[char]) -> String {
    let text: String = chars.iter().take(20).collect();
    if chars.len() > 20 {
        format!("{text}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::left_open;

    #[test]
    fn names_what_is_left_open_and_where() {
        assert_eq!(
            left_open("a/{{id").map(|(_, at)| at),
            Some(3),
            "the `{{{{` of an expression not closed"
        );
        let (reason, at) = left_open("x{{#if a}}y{{#each b}}{{/each}}").expect("open block");
        assert_eq!(at, 2);
        assert!(reason.contains("`{{#if a}}` is not ended"), "{reason}");
        assert!(reason.contains("`{{/if}}`"), "{reason}");
        assert_eq!(
            left_open("{{#each b}}{{/if}}"),
            None,
            "a wrong close is the parser's message"
        );
        assert_eq!(left_open("{{#if a}}{{else}}b{{/if}}"), None);
        assert_eq!(left_open(r"\{{a"), None, "an escaped `{{{{` is text");
        assert_eq!(left_open(r"\\{{a").map(|(_, at)| at), Some(3));
        assert_eq!(left_open("é{{~#if a ~}}").map(|(_, at)| at), Some(2));
    }
}
