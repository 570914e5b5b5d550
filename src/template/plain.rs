//! Templates of text and plain `{{a.b}}` variables, read in one pass without handlebars'
//! parser. That parser finds the line and column of every element by counting from the
//! start of the text, so its time grows with the square of the text: a body of 80,000
//! `{{x}}`s took 55 s to load. What is read here is exactly what [`super::references`]
//! finds in handlebars' compiled template (a test compares them over generated texts); any
//! other text goes to handlebars.

use super::references::Piece;

/// handlebars' blank characters, which may stand around a name (`{{ token }}`).
const BLANKS: [char; 4] = [' ', '\t', '\n', '\r'];

/// The pieces of `source` when it is only text and plain `{{a.b}}` variables (none named
/// like a helper, as `is_helper` says); `None` when anything else is in it — an escape, a
/// helper, a block, a comment, `{{{`, `~`, `@`, `../`, `[…]` — or when it is not a
/// template handlebars accepts. Text may hold `}}` (a JSON body's closing braces), as
/// handlebars' raw text does.
pub(super) fn pieces(source: &str, is_helper: impl Fn(&str) -> bool) -> Option<Vec<Piece>> {
    if source.contains("\\{{") || source.contains("{{{") {
        return None;
    }
    let mut pieces = Vec::new();
    let mut rest = source;
    while let Some(open) = rest.find("{{") {
        push_text(&mut pieces, &rest[..open])?;
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        let written = after[..close].trim_matches(BLANKS);
        let path = path(written)?;
        if let [name] = path.as_slice() {
            if is_helper(name) {
                return None;
            }
        }
        pieces.push(Piece::Variable(path, written.to_owned()));
        rest = &after[close + 2..];
    }
    push_text(&mut pieces, rest)?;
    Some(pieces)
}

/// Adds `text` (when there is some) as a piece.
fn push_text(pieces: &mut Vec<Piece>, text: &str) -> Option<()> {
    if !text.is_empty() {
        pieces.push(Piece::Text(text.to_owned()));
    }
    Some(())
}

/// The segments of `a.b_c.d-e`: each a letter or `_`, then letters, digits, `_` or `-`.
/// Not `this` (the current context), nor a first name that begins with `else` (handlebars
/// reads `{{elsewhere}}` as `{{else where}}`).
fn path(written: &str) -> Option<Vec<String>> {
    if written.starts_with("else") {
        return None;
    }
    written
        .split('.')
        .map(|segment| {
            let mut chars = segment.chars();
            let first = chars.next()?;
            let named = (first.is_ascii_alphabetic() || first == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && segment != "this";
            named.then(|| segment.to_owned())
        })
        .collect()
}

/// The variables `pieces` read, as dotted paths, in order of appearance, once each.
pub(super) fn references(pieces: &[Piece]) -> Vec<String> {
    let mut seen = foldhash::HashSet::default();
    pieces
        .iter()
        .filter_map(|piece| match piece {
            Piece::Variable(path, _) => Some(path.join(".")),
            Piece::Text(_) => None,
        })
        .filter(|path| seen.insert(path.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{helpers, references};
    use super::*;

    fn is_helper(name: &str) -> bool {
        references::names_helper(name, helpers::NAMES)
    }

    /// What handlebars' compiled template gives for `source`, when it compiles.
    fn by_handlebars(source: &str) -> Option<Option<Vec<Piece>>> {
        let compiled = handlebars::Template::compile(source).ok()?;
        Some(references::plain_pieces(&compiled, helpers::NAMES))
    }

    #[test]
    fn text_and_variables_are_read_without_handlebars() {
        let pieces =
            pieces("Bearer {{ token }} for {{user.id}}{{a_b-c}}", is_helper).expect("plain");
        assert_eq!(
            format!("{pieces:?}"),
            r#"[Text("Bearer "), Variable(["token"], "token"), Text(" for "), Variable(["user", "id"], "user.id"), Variable(["a_b-c"], "a_b-c")]"#
        );
        assert_eq!(references(&pieces), ["token", "user.id", "a_b-c"]);
    }

    #[test]
    fn anything_else_is_left_to_handlebars() {
        for source in [
            "{{upper x}}",
            "{{#if x}}y{{/if}}",
            "\\{{x}}",
            "{{{x}}}",
            "{{~x}}",
            "{{@index}}",
            "{{../x}}",
            "{{a.[0]}}",
            "{{this}}",
            "{{uuid}}",
            "{{len}}",
            "{{x}",
            "{{elsewhere}}",
            "{{a.this}}",
            "{{!comment}}",
        ] {
            assert!(pieces(source, is_helper).is_none(), "{source}");
        }
    }

    /// Variables for rendering generated texts: some defined, nested, of each type.
    fn context() -> handlebars::Context {
        handlebars::Context::from(serde_json::json!({
            "a": { "x": "AX", "a": [1, 2] }, "x": 7, "b-c": "BC", "_d": true, "nullable": null,
            "assets": [1, 2], "true": "T", "null": "N", "as": "AS", "else2": "E"
        }))
    }

    /// `source` rendered as runner renders it: `Some(text)`, or `None` for an error.
    fn rendered_here(source: &str) -> Option<String> {
        let mut templates = super::super::Templates::new();
        let template = templates.compile(source).ok()?;
        templates.render_text(&template, &context()).ok()
    }

    /// `source` rendered by handlebars itself, set up as runner sets it up.
    fn rendered_there(source: &str) -> Option<String> {
        let mut registry = handlebars::Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        helpers::register(&mut registry);
        registry.register_template_string("t", source).ok()?;
        registry.render_with_context("t", &context()).ok()
    }

    /// Texts put together from fragments that matter to the parser: whatever is read here
    /// must be what handlebars reads, and render as handlebars renders it.
    #[test]
    fn what_is_read_here_is_what_handlebars_reads_over_generated_texts() {
        const FRAGMENTS: &[&str] = &[
            "{{", "}}", "a", "x", ".", " ", "\\", "{", "}", "~", "#", "b-c", "_d", "1", "else",
            "this", "true", "null", "as", "|", "=", "(", ")", "'", "\"", "@", "/", "[0]", "\n",
            "upper", "-", "é", "$", "\t", "\r", "}}}", "nullable", "assets", "else2", ":",
        ];
        // A fixed linear congruential sequence: the same texts on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0) % bound
        };
        let mut compared = 0;
        for _ in 0..40_000 {
            let length = 1 + next(9);
            let source: String = (0..length)
                .map(|_| FRAGMENTS[next(FRAGMENTS.len())])
                .collect();
            let Some(here) = pieces(&source, is_helper) else {
                continue;
            };
            let there = by_handlebars(&source)
                .unwrap_or_else(|| panic!("handlebars refuses {source:?}, read here"));
            assert_eq!(
                format!("{:?}", Some(here)),
                format!("{there:?}"),
                "{source:?}"
            );
            assert_eq!(
                rendered_here(&source),
                rendered_there(&source),
                "{source:?}"
            );
            compared += 1;
        }
        assert!(compared > 1_000, "only {compared} texts compared");
    }
}
