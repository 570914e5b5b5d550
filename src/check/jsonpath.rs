//! The one JSONPath wrapper (RFC 9535, via jsonpath-rust): compiled once at load, queried many
//! times.

use std::fmt;
use std::sync::Arc;

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::query::queryable::Queryable;

use super::plan::Need;

/// A compiled JSONPath query.
#[derive(Clone)]
pub struct JsonPath {
    source: Arc<str>,
    query: Arc<JpQuery>,
    /// What of a document the path can read (`None`: all of it), for a pruned parse.
    need: Option<Arc<Need>>,
}

/// Why a JSONPath does not compile.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid JSONPath `{path}`: {reason}")]
pub struct JsonPathError {
    /// The path as written.
    pub path: String,
    /// What the parser reported, with the position in the path where it has one.
    pub reason: String,
}

impl JsonPath {
    /// Compiles `source`.
    pub fn compile(source: &str) -> Result<Self, JsonPathError> {
        jsonpath_rust::parser::parse_json_path(source)
            .map(|query| JsonPath {
                source: source.into(),
                need: super::plan::of_query(&query).map(Arc::new),
                query: Arc::new(query),
            })
            .map_err(|error| JsonPathError {
                path: source.to_owned(),
                reason: describe(&error),
            })
    }

    /// Every node the path selects in `document`, in document order.
    pub fn query<'a, T: Queryable>(&self, document: &'a T) -> Vec<&'a T> {
        match jsonpath_rust::query::js_path_process(&self.query, document) {
            Ok(nodes) => nodes.into_iter().map(|node| node.val).collect(),
            // The crate reports a function result in place of nodes as an error; a query
            // language can only produce nodes, so that is "no match".
            Err(_) => Vec::new(),
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The path as written, shared.
    pub fn source(&self) -> &Arc<str> {
        &self.source
    }

    /// What of a document the path can read; `None` when that is the whole document.
    pub(super) fn need(&self) -> Option<&Need> {
        self.need.as_deref()
    }
}

impl fmt::Debug for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonPath").field(&self.source).finish()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn describe(error: &jsonpath_rust::parser::errors::JsonPathError) -> String {
    use jsonpath_rust::parser::errors::JsonPathError as E;
    match error {
        E::PestError(pest) => {
            let column = match pest.line_col {
                pest::error::LineColLocation::Pos((_, col)) => col,
                pest::error::LineColLocation::Span((_, col), _) => col,
            };
            format!("syntax error at character {column}")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_every_match_in_order() {
        let doc = json!([{"id": 1}, {"id": 2}]);
        let path = JsonPath::compile("$[*].id").expect("valid");
        assert_eq!(path.query(&doc), vec![&json!(1), &json!(2)]);
    }

    #[test]
    fn reports_the_position_of_a_syntax_error() {
        let error = JsonPath::compile("$.items[").expect_err("invalid");
        assert!(error.reason.contains("character 9"), "{}", error.reason);
    }
}
