//! A credential an importer lifted into a variable (a Basic password, a bearer token, an
//! `X-Api-Key`, a password field of the body) may be written elsewhere in what it imports
//! too: in the URL's path, another header, a body of another shape, a step's name, a
//! comment. Every such place is given the variable instead (`{{name}}`, or `{{urlencode
//! name}}` where the URL holds it percent-encoded), and a comment `***`, so that no value of
//! a lifted credential is written to the collection.

use super::yaml::{Item, Map, Node};
use serde_json::Value;

/// Values shorter than this are left where they are: a 3-letter password would be found
/// inside ordinary words.
const SHORTEST: usize = 4;

/// A lifted credential: its value, the variable that holds it, and its percent-encoded form
/// when that differs.
struct Lifted<'a> {
    value: &'a str,
    variable: &'a str,
    encoded: Option<String>,
}

/// Gives `variable` for every place of `value` in the scalars of `nodes` (never in a map's
/// keys, nor inside a `{{…}}` already written), and `***` in their comments, for each
/// `(value, variable)` of `credentials`. Returns the variables written somewhere, in order.
pub fn hide(nodes: &mut [Item], credentials: &[(String, String)]) -> Vec<String> {
    let lifted = lifted(credentials);
    if lifted.is_empty() {
        return Vec::new();
    }
    let mut written = Vec::new();
    for item in nodes {
        hide_in_item(item, &lifted, &mut written);
    }
    written
}

/// `text` (a collection's name, which is not a template) with every lifted value `***`.
pub fn masked(text: &str, credentials: &[(String, String)]) -> String {
    let lifted = lifted(credentials);
    replaced(text, &lifted, &mut Vec::new(), false).unwrap_or_else(|| text.to_owned())
}

/// The credentials long enough to look for, the longest first (a value inside another is
/// the other's), each with its percent-encoded form.
fn lifted(credentials: &[(String, String)]) -> Vec<Lifted<'_>> {
    let mut lifted: Vec<Lifted<'_>> = credentials
        .iter()
        .filter(|(value, _)| value.chars().count() >= SHORTEST && !value.contains("{{"))
        .map(|(value, variable)| {
            let encoded = percent_encoding::utf8_percent_encode(value, COMPONENT).to_string();
            Lifted {
                value,
                variable,
                encoded: (encoded != *value).then_some(encoded),
            }
        })
        .collect();
    lifted.sort_by_key(|l| std::cmp::Reverse(l.value.len()));
    lifted
}

/// `report` with every lifted value `***` in its entries (an item named after a request
/// whose name holds one, a note quoting code).
pub fn mask_report(report: &mut crate::postman::report::Report, credentials: &[(String, String)]) {
    for entry in &mut report.entries {
        for text in [&mut entry.item, &mut entry.place, &mut entry.reason]
            .into_iter()
            .chain(entry.code.as_mut())
        {
            *text = masked(text, credentials);
        }
    }
}

/// What `percent_encoding` leaves alone: RFC 3986's unreserved characters.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn hide_in_item(item: &mut Item, lifted: &[Lifted<'_>], written: &mut Vec<String>) {
    hide_in_comments(&mut item.comments, lifted);
    hide_in_node(&mut item.value, lifted, written);
}

fn hide_in_map(map: &mut Map, lifted: &[Lifted<'_>], written: &mut Vec<String>) {
    for entry in &mut map.entries {
        hide_in_comments(&mut entry.comments, lifted);
        hide_in_node(&mut entry.value, lifted, written);
    }
}

fn hide_in_node(node: &mut Node, lifted: &[Lifted<'_>], written: &mut Vec<String>) {
    match node {
        Node::Scalar(Value::String(text)) => {
            if let Some(replaced) = replaced(text, lifted, written, true) {
                *text = replaced;
            }
        }
        Node::Scalar(_) => {}
        Node::Map(map) => hide_in_map(map, lifted, written),
        Node::Seq(items) => {
            for item in items {
                hide_in_item(item, lifted, written);
            }
        }
    }
}

fn hide_in_comments(comments: &mut [String], lifted: &[Lifted<'_>]) {
    for comment in comments {
        if let Some(replaced) = replaced(comment, lifted, &mut Vec::new(), false) {
            *comment = replaced;
        }
    }
}

/// `text` with each lifted value outside `{{…}}` given its variable (`templates`) or `***`;
/// `None` when it holds none.
fn replaced(
    text: &str,
    lifted: &[Lifted<'_>],
    written: &mut Vec<String>,
    templates: bool,
) -> Option<String> {
    if !lifted
        .iter()
        .any(|l| text.contains(l.value) || l.encoded.as_deref().is_some_and(|e| text.contains(e)))
    {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(inside) = rest.strip_prefix("{{") {
            // A template already written: copied whole.
            let end = inside.find("}}").map_or(inside.len(), |end| end + 2);
            out.push_str("{{");
            out.push_str(&inside[..end]);
            rest = &inside[end..];
            continue;
        }
        let at = text.len() - rest.len();
        // In text for people (a comment, a note), a value inside a longer word is left: the
        // password `password` of the variable `basic_password`.
        let alone = |length: usize| {
            let word = |c: char| c.is_alphanumeric() || c == '_';
            templates
                || (!text[..at].chars().next_back().is_some_and(word)
                    && !text[at + length..].chars().next().is_some_and(word))
        };
        let found = lifted.iter().find_map(|l| {
            if rest.starts_with(l.value) && alone(l.value.len()) {
                Some((l, l.value.len(), false))
            } else {
                let encoded = l.encoded.as_deref()?;
                (rest.starts_with(encoded) && alone(encoded.len())).then_some((
                    l,
                    encoded.len(),
                    true,
                ))
            }
        });
        match found {
            Some((l, length, encoded)) => {
                if !templates {
                    out.push_str(crate::redact::MASK);
                } else if encoded {
                    out.push_str(&format!("{{{{urlencode {}}}}}", l.variable));
                } else {
                    out.push_str(&format!("{{{{{}}}}}", l.variable));
                }
                if !written.iter().any(|w| w == l.variable) {
                    written.push(l.variable.to_owned());
                }
                rest = &rest[length..];
            }
            None => {
                let next = rest.chars().next().map_or(1, char::len_utf8);
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(node: &Node) -> &str {
        match node {
            Node::Scalar(Value::String(text)) => text,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_other_place_of_a_lifted_value_gets_its_variable() {
        let mut step = Map::block();
        step.insert("name", "GET /f/Pass Word+1");
        step.insert("url", "{{base_url}}/f/Pass%20Word%2B1?x={{password}}");
        step.insert("body", "user:Pass Word+1 and {{Pass Word+1}}");
        let mut items = vec![Item {
            value: Node::Map(step),
            comments: vec!["was Pass Word+1".to_owned()],
        }];
        let credentials = [
            ("Pass Word+1".to_owned(), "password".to_owned()),
            ("abc".to_owned(), "short".to_owned()),
        ];
        assert_eq!(hide(&mut items, &credentials), ["password"]);
        let Node::Map(step) = &items[0].value else {
            panic!("a map")
        };
        let values: Vec<&str> = step.entries.iter().map(|e| scalar(&e.value)).collect();
        assert_eq!(
            values,
            [
                "GET /f/{{password}}",
                "{{base_url}}/f/{{urlencode password}}?x={{password}}",
                "user:{{password}} and {{Pass Word+1}}",
            ]
        );
        assert_eq!(items[0].comments, ["was ***"]);
    }
}
