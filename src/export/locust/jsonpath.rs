//! A JSONPath, parsed by the same parser `runner run` uses, written as a small JSON tree the
//! emitted Python walks (RFC 9535 semantics), so the locustfile needs no JSONPath library and
//! cannot parse a path differently from runner.

use jsonpath_rust::parser::model::{
    Comparable, Comparison, Filter, FilterAtom, FnArg, JpQuery, Literal, Segment, Selector,
    SingularQuery, SingularQuerySegment, Test, TestFunction,
};
use serde_json::{json, Value};

/// The tree of `path`, or why it cannot be written (a parse error, a custom function).
pub(super) fn compile(path: &str) -> Result<Value, String> {
    let query = jsonpath_rust::parser::parse_json_path(path).map_err(|e| e.to_string())?;
    query_segments(&query)
}

fn query_segments(query: &JpQuery) -> Result<Value, String> {
    segments(&query.segments)
}

fn segments(segments: &[Segment]) -> Result<Value, String> {
    segments
        .iter()
        .map(|segment| segment_tree(segment, false))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn segment_tree(segment: &Segment, descendant: bool) -> Result<Value, String> {
    match segment {
        Segment::Descendant(inner) => segment_tree(inner, true),
        Segment::Selector(selector) => {
            Ok(json!({ "d": descendant, "s": [selector_tree(selector)?] }))
        }
        Segment::Selectors(selectors) => Ok(json!({
            "d": descendant,
            "s": selectors.iter().map(selector_tree).collect::<Result<Vec<_>, _>>()?,
        })),
    }
}

fn selector_tree(selector: &Selector) -> Result<Value, String> {
    Ok(match selector {
        Selector::Name(name) => json!(["name", unquote(name)]),
        Selector::Wildcard => json!(["wild"]),
        Selector::Index(index) => json!(["index", index]),
        Selector::Slice(start, end, step) => json!(["slice", start, end, step]),
        Selector::Filter(filter) => json!(["filter", filter_tree(filter)?]),
    })
}

/// Names keep the quotes they were written with in some versions of the parser.
fn unquote(name: &str) -> &str {
    let bytes = name.as_bytes();
    if bytes.len() >= 2
        && ((bytes[0] == b'\'' && bytes[bytes.len() - 1] == b'\'')
            || (bytes[0] == b'"' && bytes[bytes.len() - 1] == b'"'))
    {
        &name[1..name.len() - 1]
    } else {
        name
    }
}

fn filter_tree(filter: &Filter) -> Result<Value, String> {
    Ok(match filter {
        Filter::Or(items) => json!([
            "or",
            items
                .iter()
                .map(filter_tree)
                .collect::<Result<Vec<_>, _>>()?
        ]),
        Filter::And(items) => json!([
            "and",
            items
                .iter()
                .map(filter_tree)
                .collect::<Result<Vec<_>, _>>()?
        ]),
        Filter::Atom(atom) => atom_tree(atom)?,
    })
}

fn atom_tree(atom: &FilterAtom) -> Result<Value, String> {
    let (inner, not) = match atom {
        FilterAtom::Filter { expr, not } => (filter_tree(expr)?, *not),
        FilterAtom::Test { expr, not } => (json!(["test", test_tree(expr)?]), *not),
        FilterAtom::Comparison(comparison) => (comparison_tree(comparison)?, false),
    };
    Ok(if not { json!(["not", inner]) } else { inner })
}

fn comparison_tree(comparison: &Comparison) -> Result<Value, String> {
    let op = match comparison {
        Comparison::Eq(..) => "==",
        Comparison::Ne(..) => "!=",
        Comparison::Gt(..) => ">",
        Comparison::Gte(..) => ">=",
        Comparison::Lt(..) => "<",
        Comparison::Lte(..) => "<=",
    };
    let (left, right) = comparison.vals();
    Ok(json!([
        "cmp",
        op,
        comparable_tree(left)?,
        comparable_tree(right)?
    ]))
}

fn comparable_tree(comparable: &Comparable) -> Result<Value, String> {
    Ok(match comparable {
        Comparable::Literal(literal) => json!(["lit", literal_value(literal)]),
        Comparable::Function(function) => json!(["fn", function_tree(function)?]),
        Comparable::SingularQuery(query) => {
            let (base, items) = match query {
                SingularQuery::Current(items) => ("rel", items),
                SingularQuery::Root(items) => ("abs", items),
            };
            let path: Vec<Value> = items
                .iter()
                .map(|item| match item {
                    SingularQuerySegment::Index(index) => json!(index),
                    SingularQuerySegment::Name(name) => json!(unquote(name)),
                })
                .collect();
            json!(["sq", base, path])
        }
    })
}

fn test_tree(test: &Test) -> Result<Value, String> {
    Ok(match test {
        Test::RelQuery(items) => json!(["rel", segments(items)?]),
        Test::AbsQuery(query) => json!(["abs", query_segments(query)?]),
        Test::Function(function) => json!(["fn", function_tree(function)?]),
    })
}

fn function_tree(function: &TestFunction) -> Result<Value, String> {
    Ok(match function {
        TestFunction::Length(arg) => json!(["length", arg_tree(arg)?]),
        TestFunction::Value(arg) => json!(["value", arg_tree(arg)?]),
        TestFunction::Count(arg) => json!(["count", arg_tree(arg)?]),
        TestFunction::Search(a, b) => json!(["search", arg_tree(a)?, arg_tree(b)?]),
        TestFunction::Match(a, b) => json!(["match", arg_tree(a)?, arg_tree(b)?]),
        TestFunction::Custom(name, _) => {
            return Err(format!("the function `{name}()` is not part of RFC 9535"))
        }
    })
}

fn arg_tree(arg: &FnArg) -> Result<Value, String> {
    Ok(match arg {
        FnArg::Literal(literal) => json!(["lit", literal_value(literal)]),
        FnArg::Test(test) => json!(["test", test_tree(test)?]),
        FnArg::Filter(filter) => json!(["filter", filter_tree(filter)?]),
    })
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Int(n) => json!(n),
        Literal::Float(f) => json!(f),
        Literal::String(s) => json!(unquote(s)),
        Literal::Bool(b) => json!(b),
        Literal::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_trees() {
        assert_eq!(
            compile("$[0].id").unwrap(),
            json!([{"d": false, "s": [["index", 0]]}, {"d": false, "s": [["name", "id"]]}])
        );
        assert_eq!(
            compile("$..items[?@.price < 10]").unwrap(),
            json!([
                {"d": true, "s": [["name", "items"]]},
                {"d": false, "s": [["filter", ["cmp", "<", ["sq", "rel", ["price"]], ["lit", 10]]]]}
            ])
        );
        assert_eq!(compile("$").unwrap(), json!([]));
    }
}
