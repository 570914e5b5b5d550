//! Query parameters and form fields as a runner `query` or `form` map writes them: a name
//! that repeats becomes a list of its values.
//!
//! The values of one name keep their order. Names that repeat interleaved with others
//! (`a=1&b=2&a=3`) are gathered at the first place of each name (`a: [1, 3], b: 2`, sent as
//! `a=1&a=3&b=2`): the order between different names changes, which servers read as the same
//! request (a query or form is read by name); the order of one name's values, which servers do
//! read, is kept.

use super::yaml::{Item, Node};

/// `pairs` gathered by name, at the first place of each name, each name's values in order.
/// Linear in the number of pairs (a HAR entry may carry 100,000 parameters).
pub fn grouped<V>(pairs: impl IntoIterator<Item = (String, V)>) -> Vec<(String, Vec<V>)> {
    let mut names: Vec<(String, Vec<V>)> = Vec::new();
    let mut places: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    for (name, value) in pairs {
        match places.get(&name) {
            Some(&at) => names[at].1.push(value),
            None => {
                places.insert(name.clone(), names.len());
                names.push((name, vec![value]));
            }
        }
    }
    names
}

/// Whether a field named `name` can be written: runner sends the names of form fields,
/// parts and cookies as written, not rendered, so one made from a variable (`{{field}}`) is
/// reported (the `what` at `place` of `item`) and left out, rather than sent as `{{field}}`.
pub fn sent_as_written(
    name: &str,
    what: &str,
    (item, place): (&str, &str),
    report: &mut crate::postman::Report,
) -> bool {
    if !crate::template::holds_braces(name) {
        return true;
    }
    report.lossy(
        item,
        place,
        format!("the {what} `{name}` is named by a variable, and runner sends its name as written, not rendered: it is not sent"),
    );
    false
}

/// One value as itself; several as a list (`[a, b]`).
pub fn one_or_list(mut values: Vec<Node>) -> Node {
    if values.len() == 1 {
        if let Some(value) = values.pop() {
            return value;
        }
    }
    Node::Seq(
        values
            .into_iter()
            .map(|value| Item {
                value,
                comments: Vec::new(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_name_keeps_its_values_in_order_at_its_first_place() {
        let pairs = [("a", 1), ("b", 2), ("a", 3), ("c", 4), ("a", 5)]
            .map(|(name, value)| (name.to_owned(), value));
        assert_eq!(
            grouped(pairs),
            vec![
                ("a".to_owned(), vec![1, 3, 5]),
                ("b".to_owned(), vec![2]),
                ("c".to_owned(), vec![4]),
            ]
        );
    }

    #[test]
    fn one_value_is_written_as_itself_several_as_a_list() {
        assert_eq!(one_or_list(vec![Node::from("x")]), Node::from("x"));
        assert!(matches!(
            one_or_list(vec![Node::from("x"), Node::from("y")]),
            Node::Seq(items) if items.len() == 2
        ));
    }
}
