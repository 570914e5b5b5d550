//! A credential an importer lifted into a variable (a Basic password, a bearer token, an
//! `X-Api-Key`, a password field of the body) may be written elsewhere in what it imports
//! too: in the URL's path, another header, a body of another shape, a step's name, a
//! comment. Every such place is given the variable instead (`{{name}}`, or `{{urlencode
//! name}}` where the URL holds it percent-encoded), and a comment `***`, so that no value of
//! a lifted credential is written to the collection.

use super::yaml::{Item, Map, Node};
use crate::postman::repeated::{lifted, replaced, replaced_as, role as role_of, Lifted, Role};
pub use crate::postman::repeated::{mask_report, masked};
use serde_json::Value;

/// A template for the variable: `{{name}}`, `{{urlencode name}}` where the text held the
/// value percent-encoded.
fn template(variable: &str, encoded: bool) -> String {
    if encoded {
        format!("{{{{urlencode {variable}}}}}")
    } else {
        format!("{{{{{variable}}}}}")
    }
}

/// Gives `variable` for every place of `value` in the scalars of `nodes` (never in a map's
/// keys nor in another name — an API key's `header` or `query`, a URL's query parameter
/// names, what a capture reads — nor inside a `{{…}}` already written), and `***` in their
/// comments, for each
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

fn hide_in_item(item: &mut Item, lifted: &[Lifted<'_>], written: &mut Vec<String>) {
    hide_in_comments(&mut item.comments, lifted);
    hide_in_node(&mut item.value, None, Role::Value, lifted, written);
}

/// `map`, the value of the field `parent`.
fn hide_in_map(
    map: &mut Map,
    parent: Option<&str>,
    lifted: &[Lifted<'_>],
    written: &mut Vec<String>,
) {
    for entry in &mut map.entries {
        hide_in_comments(&mut entry.comments, lifted);
        let role = role_of(parent, &entry.key);
        hide_in_node(&mut entry.value, Some(&entry.key), role, lifted, written);
    }
}

/// `node`, the value of the field `parent`, of the role `role`.
fn hide_in_node(
    node: &mut Node,
    parent: Option<&str>,
    role: Role,
    lifted: &[Lifted<'_>],
    written: &mut Vec<String>,
) {
    match node {
        _ if role == Role::Name => {}
        Node::Scalar(Value::String(text)) => {
            if let Some(replaced) = replaced_as(role, text, lifted, written, Some(&template)) {
                *text = replaced;
            }
        }
        Node::Scalar(_) => {}
        Node::Map(map) => hide_in_map(map, parent, lifted, written),
        Node::Seq(items) => {
            for item in items {
                hide_in_comments(&mut item.comments, lifted);
                hide_in_node(&mut item.value, parent, Role::Value, lifted, written);
            }
        }
    }
}

fn hide_in_comments(comments: &mut [String], lifted: &[Lifted<'_>]) {
    for comment in comments {
        if let Some(replaced) = replaced(comment, lifted, &mut Vec::new(), None) {
            *comment = replaced;
        }
    }
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

    #[test]
    fn a_value_inside_a_longer_word_is_another_word() {
        let mut step = Map::block();
        step.insert("url", "{{base_url}}/admin/users?role=admin&q=sysadmin");
        step.insert(
            "body",
            r#"{"group":"admins","user":"admin","mail":"admin@x.org"}"#,
        );
        step.insert("sign", "+k3y+ and a+k3y+b");
        step.insert("token", "/bot123456:AAH/send?t=x123456:AAHy");
        let mut items = vec![Item {
            value: Node::Map(step),
            comments: vec![],
        }];
        let credentials = [
            ("admin".to_owned(), "password".to_owned()),
            ("+k3y+".to_owned(), "key".to_owned()),
            ("123456:AAH".to_owned(), "token".to_owned()),
        ];
        assert_eq!(hide(&mut items, &credentials), ["password", "key", "token"]);
        let Node::Map(step) = &items[0].value else {
            panic!("a map")
        };
        let values: Vec<&str> = step.entries.iter().map(|e| scalar(&e.value)).collect();
        assert_eq!(
            values,
            [
                "{{base_url}}/{{password}}/users?role={{password}}&q=sysadmin",
                r#"{"group":"admins","user":"{{password}}","mail":"{{password}}@x.org"}"#,
                "{{key}} and a{{key}}b",
                // Not a word: the credential wherever it stands.
                "/bot{{token}}/send?t=x{{token}}y",
            ]
        );
    }
}
