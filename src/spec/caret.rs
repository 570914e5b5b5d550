//! Where a problem is marked on its source line, as a compiler marks it: the YAML token at a
//! field's `line:col` (a quoted string to its closing quote, a flow collection to its
//! closing bracket), or a part of it — the `{{…}}` that reads a variable, the character of a
//! JSONPath where it goes wrong.
//!
//! Columns are 1-based and count characters, as `file:line:col` does.

/// How many characters, from `column` of `line`, the YAML token written there takes: a
/// quoted scalar up to its closing quote, a flow mapping or sequence up to its closing
/// bracket, else a plain scalar up to ` #`, `: ` or the end of the line (and up to `,`, `]`
/// or `}` inside a flow collection). At least 1.
pub fn token_width(line: &str, column: usize) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1);
    let Some(&first) = chars.get(start) else {
        return 1;
    };
    let rest = &chars[start..];
    let width = match first {
        '"' => quoted_end(rest, '"'),
        '\'' => quoted_end(rest, '\''),
        '{' | '[' => flow_end(rest),
        _ => plain_end(rest, in_flow(&chars[..start])),
    };
    width.max(1)
}

/// Where, at or after `column` of `line`, the template expression (`{{ … }}`, `{{{ … }}}`)
/// that reads `variable` (or a path under it, `variable.x`) is written: its column and
/// width. `None` when the line does not show it (a scalar written over several lines).
pub fn template_span(line: &str, column: usize, variable: &str) -> Option<(usize, usize)> {
    let chars: Vec<char> = line.chars().collect();
    let mut at = column.saturating_sub(1);
    while at + 1 < chars.len() {
        if chars[at] != '{' || chars[at + 1] != '{' {
            at += 1;
            continue;
        }
        let close = (at + 2..chars.len().saturating_sub(1))
            .find(|&i| chars[i] == '}' && chars[i + 1] == '}')?;
        // A triple `}}}` closes a triple `{{{`.
        let end = close + 2 + usize::from(chars.get(close + 2) == Some(&'}'));
        let inside: String = chars[at + 2..close].iter().collect();
        if reads(&inside, variable) {
            return Some((at + 1, end - at));
        }
        at = end;
    }
    None
}

/// The column of character `character` (1-based) of `text`, where `text` is the scalar
/// written at `column` of `line` — when the line shows its first `character` characters as
/// they are (no escape, no line break before it).
pub fn character_column(line: &str, column: usize, text: &str, character: usize) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let mut start = column.saturating_sub(1);
    if matches!(chars.get(start), Some('"' | '\'')) {
        start += 1;
    }
    let before: Vec<char> = text.chars().take(character.saturating_sub(1)).collect();
    let shown = chars.get(start..start + before.len())?;
    (shown == before.as_slice()).then_some(start + before.len() + 1)
}

/// Whether the expression inside `{{ }}` reads `variable`: the name stands there as a whole
/// word, or as the start of a dotted path (`variable.x`, `variable.[0]`).
fn reads(expression: &str, variable: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@' | '$');
    expression.match_indices(variable).any(|(at, _)| {
        let before = expression[..at].chars().next_back();
        let after = expression[at + variable.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(|c| is_word(c) && c != '.')
    })
}

/// The width of the quoted scalar at the start of `chars`, its quotes included; to the end
/// of the line when it does not close on it.
fn quoted_end(chars: &[char], quote: char) -> usize {
    let mut i = 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if quote == '"' => i += 2,
            c if c == quote => {
                // `''` is a quote inside a single-quoted scalar.
                if quote == '\'' && chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            _ => i += 1,
        }
    }
    trimmed_len(chars)
}

/// The width of the flow collection at the start of `chars`, to its closing bracket; to the
/// end of the line when it does not close on it.
fn flow_end(chars: &[char]) -> usize {
    match brackets(chars, true) {
        (end, 0) => end,
        (end, _) => trimmed_len(&chars[..end]),
    }
}

/// Reads `chars` counting the brackets open (quoted scalars and a comment aside): where it
/// stopped — after the bracket that closes the first one, when `to_close`, else at the end
/// or the comment — and how many are open there.
fn brackets(chars: &[char], to_close: bool) -> (usize, i32) {
    let mut depth = 0i32;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth -= 1;
                if to_close && depth <= 0 {
                    return (i + 1, 0);
                }
            }
            quote @ ('"' | '\'') => {
                i += quoted_end(&chars[i..], quote);
                continue;
            }
            '#' if i > 0 && chars[i - 1].is_whitespace() => break,
            _ => {}
        }
        i += 1;
    }
    (i, depth)
}

/// The width of the plain scalar at the start of `chars`.
fn plain_end(chars: &[char], in_flow: bool) -> usize {
    let mut end = chars.len();
    for i in 0..chars.len() {
        let next_blank = chars.get(i + 1).is_none_or(|c| c.is_whitespace());
        let stop = match chars[i] {
            '#' => i > 0 && chars[i - 1].is_whitespace(),
            ':' => next_blank || (in_flow && matches!(chars.get(i + 1), Some(',' | '}' | ']'))),
            ',' | '}' | ']' => in_flow,
            _ => false,
        };
        if stop {
            end = i;
            break;
        }
    }
    trimmed_len(&chars[..end])
}

/// Whether the text before a token leaves a flow collection open.
fn in_flow(before: &[char]) -> bool {
    brackets(before, false).1 > 0
}

/// The length of `chars` without the blanks at its end.
fn trimmed_len(chars: &[char]) -> usize {
    chars.len() - chars.iter().rev().take_while(|c| c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The marked text of `line` from the column of the first `at`.
    fn marked(line: &str, at: &str) -> String {
        let column = line[..line.find(at).expect("in line")].chars().count() + 1;
        line.chars()
            .skip(column - 1)
            .take(token_width(line, column))
            .collect()
    }

    #[test]
    fn marks_the_whole_token_at_a_column() {
        let url = r#"      url: "{{base}}/api/v1/endpoint?x={{missing}}""#;
        assert_eq!(
            marked(url, "\"{{"),
            r#""{{base}}/api/v1/endpoint?x={{missing}}""#
        );
        let key = r#"        "$[0].status.descr[": Enabled"#;
        assert_eq!(marked(key, "\"$"), r#""$[0].status.descr[""#);
        assert_eq!(marked(key, "Enabled"), "Enabled");
        let flow = r#"    expect: { status: 201, body: { contains: "a, b}" } } # why"#;
        assert_eq!(marked(flow, "201"), "201");
        assert_eq!(marked(flow, "{ contains"), r#"{ contains: "a, b}" }"#);
        assert_eq!(
            marked(flow, "{ status"),
            r#"{ status: 201, body: { contains: "a, b}" } }"#
        );
        let plain = "      url: http://example.com/a,b}c # the API";
        assert_eq!(marked(plain, "http"), "http://example.com/a,b}c");
        assert_eq!(
            marked("  - name: it's a 'b' test", "it's"),
            "it's a 'b' test"
        );
        assert_eq!(marked("  k: 'it''s' x", "'it"), "'it''s'");
        assert_eq!(marked(r#"  k: "a \" b" x"#, "\"a"), r#""a \" b""#);
        assert_eq!(marked("  k: \"open", "\"open"), "\"open");
        assert_eq!(token_width("short", 40), 1);
        assert_eq!(token_width("", 1), 1);
    }

    #[test]
    fn finds_the_expression_that_reads_a_variable() {
        let line = r#"      url: "{{base}}/x?a={{missing}}&b={{ missing.id }}""#;
        let column = line.find('"').expect("quote") + 1;
        let (at, width) = template_span(line, column, "missing").expect("found");
        assert_eq!(&line[at - 1..at - 1 + width], "{{missing}}");
        let (at, width) = template_span(line, column, "base").expect("found");
        assert_eq!(&line[at - 1..at - 1 + width], "{{base}}");
        // A longer name that starts with it, or one it ends, is another variable.
        assert_eq!(template_span(r#"  u: "{{missing_2}}""#, 1, "missing"), None);
        assert_eq!(
            template_span(r#"  u: "{{env.missing}}""#, 1, "missing"),
            None
        );
        let helper = r#"  h: "{{{json (lookup user 'id')}}} {{base64 user}}""#;
        let (at, width) = template_span(helper, 1, "user").expect("found");
        assert_eq!(
            &helper[at - 1..at - 1 + width],
            "{{{json (lookup user 'id')}}}"
        );
        assert_eq!(template_span("  u: \"{{open", 1, "open"), None);
        assert_eq!(template_span("  u: plain", 1, "plain"), None);
    }

    #[test]
    fn finds_a_character_of_a_scalar_written_as_it_is() {
        let key = r#"        "$[0].status.descr[": Enabled"#;
        let column = key.find('"').expect("quote") + 1;
        let text = "$[0].status.descr[";
        assert_eq!(character_column(key, column, text, 19), Some(column + 19));
        assert_eq!(character_column(key, column, text, 1), Some(column + 1));
        let plain = "      last: $[19].id)";
        let column = plain.find('$').expect("dollar") + 1;
        assert_eq!(
            character_column(plain, column, "$[19].id)", 9),
            Some(column + 8)
        );
        // An escape before it: the line does not show the text as it is.
        let escaped = r#"  k: "\u0024[0" "#;
        assert_eq!(character_column(escaped, 6, "$[0", 3), None);
    }
}
