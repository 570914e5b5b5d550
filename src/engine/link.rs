//! The `Link` header (RFC 8288), read for `paginate: { next: link }`.

/// The target of the first link of `header` whose relation types include `next`.
///
/// Read as RFC 8288 §3 writes it: links separated by commas outside `<…>` and quoted strings,
/// parameters after `;` with white space around their `=`, a quoted value with its escapes,
/// and `rel` a list of relation types separated by white space, compared without case
/// (`rel="next last"`); only the first `rel` of a link counts.
pub(super) fn next_link(header: &str) -> Option<String> {
    links(header).find_map(|link| {
        let rel = link.rel?;
        rel.split_ascii_whitespace()
            .any(|relation| relation.eq_ignore_ascii_case("next"))
            .then_some(link.target)
    })
}

/// One link: its target, and its first `rel` parameter's value.
struct Link {
    target: String,
    rel: Option<String>,
}

/// The links of `header`: `<target>` and its parameters, or, leniently, a target written
/// without `<…>` before its first `;`; other text is skipped up to the next comma.
fn links(header: &str) -> impl Iterator<Item = Link> + '_ {
    let mut rest = header;
    std::iter::from_fn(move || loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return None;
        }
        let target = match rest.strip_prefix('<') {
            Some(after) => {
                let Some(end) = after.find('>') else {
                    rest = "";
                    return None;
                };
                rest = &after[end + 1..];
                after[..end].trim().to_owned()
            }
            // Without `<…>`, as some servers write it: the text before its parameters.
            None => {
                let end = rest.find([';', ',']).unwrap_or(rest.len());
                if !rest[end..].starts_with(';') {
                    rest = skip_past_comma(rest);
                    continue;
                }
                let target = rest[..end].trim().to_owned();
                rest = &rest[end..];
                target
            }
        };
        let mut rel = None;
        loop {
            rest = rest.trim_start();
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let (name, value, left) = parameter(after);
            rest = left;
            if rel.is_none() && name.eq_ignore_ascii_case("rel") {
                rel = Some(value);
            }
        }
        // Anything else before the next link is not part of this one.
        if !rest.trim_start().starts_with(',') && !rest.trim().is_empty() {
            rest = skip_past_comma(rest);
        }
        return Some(Link { target, rel });
    })
}

/// A parameter after its `;`: its name, its value (unquoted; empty when it has none) and the
/// text after it.
fn parameter(text: &str) -> (&str, String, &str) {
    let text = text.trim_start();
    let name_end = text
        .find(|c: char| c == '=' || c == ';' || c == ',' || c.is_ascii_whitespace())
        .unwrap_or(text.len());
    let name = &text[..name_end];
    let rest = text[name_end..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return (name, String::new(), rest);
    };
    let rest = rest.trim_start();
    if let Some(quoted) = rest.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                '"' => return (name, value, &quoted[at + 1..]),
                c => value.push(c),
            }
        }
        // No closing quote: the value runs to the end.
        return (name, value, "");
    }
    let end = rest
        .find(|c: char| c == ';' || c == ',' || c.is_ascii_whitespace())
        .unwrap_or(rest.len());
    (name, rest[..end].to_owned(), &rest[end..])
}

/// `text` after its first comma outside a quoted string (empty when there is none).
fn skip_past_comma(text: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return &text[at + 1..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_read_as_rfc_8288_writes_it() {
        let cases = [
            (r#"<https://a/x?p=2>; rel="next""#, Some("https://a/x?p=2")),
            (r#"<https://a/x?p=2>; rel=next"#, Some("https://a/x?p=2")),
            // GitHub's shape: several links, `next` not first.
            (
                r#"<https://a/x?p=1>; rel="prev", <https://a/x?p=3>; rel="next", <https://a/x?p=9>; rel="last""#,
                Some("https://a/x?p=3"),
            ),
            // A comma inside the target, and inside a quoted title.
            (
                r#"</c?fields=id,name&p=2>; rel="next""#,
                Some("/c?fields=id,name&p=2"),
            ),
            (
                r#"</t?p=2>; title="Page, next"; rel="next""#,
                Some("/t?p=2"),
            ),
            (
                r#"</t?p=1>; title="next"; rel="prev", </t?p=2>; rel="next""#,
                Some("/t?p=2"),
            ),
            // Several relation types, any case, white space around `=`.
            (r#"</m?p=2>; rel="next last""#, Some("/m?p=2")),
            (r#"</m?p=2>; rel = "NEXT""#, Some("/m?p=2")),
            (r#"</m?p=2> ;rel=Next"#, Some("/m?p=2")),
            // An escaped quote in a title; a second `rel` does not count.
            (
                r#"</e?p=2>; title="a \"quoted\", text"; rel="next""#,
                Some("/e?p=2"),
            ),
            (r#"</d?p=2>; rel="prev"; rel="next""#, None),
            // No next: none.
            (r#"</x?p=1>; rel="prev""#, None),
            (r#"</x?p=1>; rel="nextpage""#, None),
            ("", None),
            ("garbage, </g?p=2>; rel=next", Some("/g?p=2")),
            // Without angle brackets, as some servers write it.
            ("https://a/x?p=2; rel=next", Some("https://a/x?p=2")),
            ("/x?p=1; rel=prev, /x?p=3; rel=\"next\"", Some("/x?p=3")),
            ("<unclosed; rel=next", None),
        ];
        for (header, expected) in cases {
            assert_eq!(next_link(header).as_deref(), expected, "{header}");
        }
    }
}
