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

/// The most levels a template may nest parentheses (`{{json (json x)}}`) and blocks
/// (`{{#if a}}{{#each b}}`) inside one another, together. handlebars reads and renders them
/// recursively: 5,000 levels overflowed the stack (4,000 in a debug build's parser).
pub(super) const MOST_NESTING: usize = 64;

/// Where `source` first nests parentheses and blocks more than [`MOST_NESTING`] levels deep:
/// the 1-based character of the `(` or `{{#` that goes past it. A scan of the text, made
/// before handlebars' parser sees it; a `"…"` or `'…'` inside an expression is skipped, and
/// so is the body of a raw block (`{{{{raw}}}}…{{{{/raw}}}}`), which is text.
pub(super) fn too_deep(source: &str) -> Option<usize> {
    let chars: Vec<char> = source.chars().collect();
    let mut blocks = 0usize;
    let mut at = 0;
    while at + 1 < chars.len() {
        if chars[at] != '{' || chars[at + 1] != '{' || escaped(&chars, at) {
            at += 1;
            continue;
        }
        let open = at;
        let braces = chars[at..].iter().take_while(|&&c| c == '{').count();
        if braces >= 4 {
            // A raw block: its body is text up to the closing `{{{{/`.
            let body = (at + braces..chars.len()).find(|&i| chars[i..].starts_with(&['{'; 4]))?;
            at = body + 4;
            continue;
        }
        let mut i = at + braces;
        let inside = chars[i..]
            .iter()
            .position(|c| !c.is_whitespace() && *c != '~')
            .map_or(i, |skip| i + skip);
        let next = chars.get(inside + 1).copied();
        match chars.get(inside) {
            Some('!') => {
                // A comment: text up to its end.
                let end: &[char] = if next == Some('-') {
                    &['-', '-', '}', '}']
                } else {
                    &['}', '}']
                };
                let close = (inside..chars.len()).find(|&i| chars[i..].starts_with(end))?;
                at = close + end.len();
                continue;
            }
            Some('#') if !matches!(next, Some('>' | '*')) => blocks += 1,
            Some('^') if !matches!(next, Some('}' | '~')) => blocks += 1,
            Some('/') => blocks = blocks.saturating_sub(1),
            _ => {}
        }
        if blocks > MOST_NESTING {
            return Some(open + 1);
        }
        let mut parentheses = 0usize;
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let c = chars[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '(' => {
                    parentheses += 1;
                    if blocks + parentheses > MOST_NESTING {
                        return Some(i + 1);
                    }
                }
                None if c == ')' => parentheses = parentheses.saturating_sub(1),
                None if c == '}' && chars.get(i + 1) == Some(&'}') => break,
                None => {}
            }
            i += 1;
        }
        at = i + 2;
    }
    None
}

/// The first name in an expression that starts with `else` and goes on (`{{elsewhere}}`,
/// `{{#if else_x}}`), which handlebars' grammar reads as the keyword `else` and the rest: the
/// name, and its 1-based character. A name in quotes is text, and is passed over.
pub(super) fn else_prefixed(source: &str) -> Option<(String, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | ':');
    let mut inside = false;
    let mut quote = None;
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if !inside {
            if c == '{' && chars.get(at + 1) == Some(&'{') && !escaped(&chars, at) {
                inside = true;
                at += 2;
                continue;
            }
        } else if let Some(open) = quote {
            if c == open {
                quote = None;
            }
        } else if c == '"' || c == '\'' {
            quote = Some(c);
        } else if c == '}' && chars.get(at + 1) == Some(&'}') {
            inside = false;
            at += 2;
            continue;
        } else if chars[at..].starts_with(&['e', 'l', 's', 'e'])
            && chars.get(at + 4).is_some_and(|&next| name_char(next))
            && (at == 0 || !name_char(chars[at - 1]) && chars[at - 1] != '.')
        {
            let end = (at..chars.len())
                .find(|&j| !(name_char(chars[j]) || chars[j] == '.'))
                .unwrap_or(chars.len());
            return Some((chars[at..end].iter().collect(), at + 1));
        }
        at += 1;
    }
    None
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

    /// Parentheses, blocks and both, at the limit and one past it: the one past is found
    /// at its own character; quotes and raw blocks hide what looks like nesting.
    #[test]
    fn finds_the_level_past_the_most_nesting() {
        use super::{too_deep, MOST_NESTING};
        let parentheses =
            |n: usize| format!("{{{{json {}a{}}}}}", "(json ".repeat(n), ")".repeat(n));
        let blocks = |n: usize| format!("{}x{}", "{{#if a}}".repeat(n), "{{/if}}".repeat(n));
        let both = |n: usize| format!("{{{{#if a}}}}{}{{{{/if}}}}", parentheses(n - 1));
        for make in [&parentheses as &dyn Fn(usize) -> String, &blocks, &both] {
            assert_eq!(
                too_deep(&make(MOST_NESTING)),
                None,
                "{}",
                make(MOST_NESTING)
            );
            let deeper = make(MOST_NESTING + 1);
            let at = too_deep(&deeper).expect("too deep");
            let marked: String = deeper.chars().skip(at - 1).take(3).collect();
            assert!(marked == "(js" || marked == "{{#", "{deeper}: {marked}");
        }
        // Siblings do not add up.
        assert_eq!(too_deep(&"{{#if a}}{{/if}}".repeat(100)), None);
        assert_eq!(too_deep(&"{{json (json a)}}".repeat(100)), None);
        let quoted = format!("{{{{lookup o \"{}\"}}}}", "(".repeat(100));
        assert_eq!(too_deep(&quoted), None);
        let raw = format!(
            "{{{{{{{{raw}}}}}}}}{}{{{{{{{{/raw}}}}}}}}",
            "{{#if a}}".repeat(100)
        );
        assert_eq!(too_deep(&raw), None);
        assert_eq!(too_deep(&format!(r"\{{{{{}", "(".repeat(100))), None);
        assert_eq!(
            too_deep(&format!("{{{{!-- {} --}}}}", "(".repeat(100))),
            None
        );
    }
}
