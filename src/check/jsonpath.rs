//! The one JSONPath wrapper (RFC 9535, via jsonpath-rust): compiled once at load, queried many
//! times.

use std::fmt;
use std::sync::Arc;

use jsonpath_rust::parser::model::{JpQuery, Segment, Selector};
use jsonpath_rust::query::queryable::Queryable;

use super::plan::Need;

/// A compiled JSONPath query, shared: every step that queries the same path holds one
/// pointer to it.
#[derive(Clone)]
pub struct JsonPath(Arc<Compiled>);

struct Compiled {
    source: Arc<str>,
    query: JpQuery,
    /// What of a document the path can read (`None`: all of it), for a pruned parse.
    need: Option<Need>,
    /// The path's steps when it names one node by names and indices only (`$.a[0].b`),
    /// which is then found directly, not through the crate's evaluator (which writes out
    /// every node's path as it goes).
    singular: Option<Box<[Step]>>,
}

/// One step of a singular path.
#[derive(Debug)]
enum Step {
    Name(String),
    Index(i64),
}

/// Why a JSONPath does not compile.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid JSONPath `{path}`: {reason}")]
pub struct JsonPathError {
    /// The path as written.
    pub path: String,
    /// What the parser reported, with the position in the path where it has one.
    pub reason: String,
    /// Where in the path it goes wrong, in characters from 1, when the parser says.
    pub character: Option<usize>,
}

impl JsonPath {
    /// Compiles `source`: first checked against RFC 9535 ([`super::rfc9535`]), whose
    /// grammar and function typing jsonpath-rust's parser does not hold to, then parsed by
    /// jsonpath-rust.
    pub fn compile(source: &str) -> Result<Self, JsonPathError> {
        super::rfc9535::check(source).map_err(|error| JsonPathError {
            path: source.to_owned(),
            reason: error.to_string(),
            character: Some(error.character),
        })?;
        let parsed =
            jsonpath_rust::parser::parse_json_path(source).map_err(|error| JsonPathError {
                path: source.to_owned(),
                reason: describe(&error),
                character: None,
            })?;
        let copies = copies(&parsed);
        if copies > MOST_COPIES {
            return Err(JsonPathError {
                path: source.to_owned(),
                reason: format!(
                    "its unions and `..` segments could select a node up to {copies} times (RFC 9535 keeps every copy: `$[0,0][0,0]` gives the same node 4 times), more than the {MOST_COPIES} runner evaluates (docs/limits.md); write fewer selectors in a union, or fewer `..`"
                ),
                character: None,
            });
        }
        Ok(JsonPath(Arc::new(Compiled {
            source: source.into(),
            need: super::plan::of_query(&parsed),
            singular: singular(&parsed),
            query: parsed,
        })))
    }

    /// Every node the path selects in `document`, in document order.
    pub fn query<'a, T: Queryable>(&self, document: &'a T) -> Vec<&'a T> {
        match &self.0.singular {
            Some(steps) => walk(steps, document).into_iter().collect(),
            None => self.evaluate(document),
        }
    }

    /// [`Self::query`] by the crate's evaluator.
    fn evaluate<'a, T: Queryable>(&self, document: &'a T) -> Vec<&'a T> {
        match jsonpath_rust::query::js_path_process(&self.0.query, document) {
            Ok(nodes) => nodes.into_iter().map(|node| node.val).collect(),
            // The crate reports a function result in place of nodes as an error; a query
            // language can only produce nodes, so that is "no match".
            Err(_) => Vec::new(),
        }
    }

    /// Whether the path is only names and indices (`$.items[0].id`): walked directly,
    /// without jsonpath-rust's evaluator.
    pub fn is_singular(&self) -> bool {
        self.0.singular.is_some()
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// The path as written, shared.
    pub fn source(&self) -> &Arc<str> {
        &self.0.source
    }

    /// What of a document the path can read; `None` when that is the whole document.
    pub(super) fn need(&self) -> Option<&Need> {
        self.0.need.as_ref()
    }
}

impl fmt::Debug for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonPath").field(&self.0.source).finish()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.source)
    }
}

/// The most copies of one node a path may select (its unions' selectors multiplied, each
/// `..` counted as [`DESCENDANT_COPIES`]): `$[0,0]` written 40 times over a body nested 40
/// deep selects 2^40 nodes, which took 24 GB before it was refused.
pub const MOST_COPIES: u64 = 10_000_000;

/// What one `..` segment counts for in [`MOST_COPIES`]: a node is reached once from each of
/// its ancestors, and a body nests at most 128 levels.
const DESCENDANT_COPIES: u64 = 128;

/// How many times `query` could select one node, at most (see [`MOST_COPIES`]).
fn copies(query: &JpQuery) -> u64 {
    fn of(segment: &Segment) -> u64 {
        match segment {
            Segment::Selector(_) => 1,
            Segment::Selectors(selectors) => selectors.len().max(1) as u64,
            Segment::Descendant(inner) => DESCENDANT_COPIES.saturating_mul(of(inner)),
        }
    }
    query
        .segments
        .iter()
        .fold(1u64, |product, segment| product.saturating_mul(of(segment)))
}

/// The steps of `query` when each of its segments is one name or one index.
fn singular(query: &JpQuery) -> Option<Box<[Step]>> {
    query
        .segments
        .iter()
        .map(|segment| {
            let selector = match segment {
                Segment::Selector(selector) => selector,
                Segment::Selectors(selectors) if selectors.len() == 1 => &selectors[0],
                _ => return None,
            };
            match selector {
                Selector::Name(name) => Some(Step::Name(name.clone())),
                Selector::Index(index) => Some(Step::Index(*index)),
                _ => None,
            }
        })
        .collect()
}

/// The node `steps` lead to from `node`, as RFC 9535 selects it: a name in an object (the
/// last member of a repeated name, as `Queryable::get` finds it), an index in an array
/// (negative from its end).
fn walk<'a, T: Queryable>(steps: &[Step], mut node: &'a T) -> Option<&'a T> {
    for step in steps {
        node = match step {
            Step::Name(name) => node.get(name)?,
            Step::Index(index) => {
                let items = node.as_array()?;
                let at = if *index >= 0 {
                    usize::try_from(*index).ok()?
                } else {
                    items
                        .len()
                        .checked_sub(usize::try_from(index.unsigned_abs()).ok()?)?
                };
                items.get(at)?
            }
        };
    }
    Some(node)
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
    #[test]
    fn a_path_whose_unions_multiply_past_the_limit_is_refused() {
        assert!(JsonPath::compile(&format!("${}", "[0,1]".repeat(23))).is_ok());
        let error = JsonPath::compile(&format!("${}", "[0,0]".repeat(24))).expect_err("too many");
        assert!(
            error.reason.contains("could select a node up to"),
            "{error}"
        );
        assert!(JsonPath::compile("$..a..b..c").is_ok());
        assert!(JsonPath::compile("$..a..b..c..d").is_err());
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn selects_every_match_in_order() {
        let doc = json!([{"id": 1}, {"id": 2}]);
        let path = JsonPath::compile("$[*].id").expect("valid");
        assert_eq!(path.query(&doc), vec![&json!(1), &json!(2)]);
    }

    #[test]
    fn a_singular_path_selects_what_the_evaluator_selects() {
        let mut rng = fastrand::Rng::with_seed(9535);
        let names = ["a", "b", "", "a b", "é", "'"];
        for _ in 0..3_000 {
            let document = random_document(&mut rng, 0, &names);
            let mut source = String::from("$");
            for _ in 0..rng.usize(..4) {
                match rng.u8(..4) {
                    0 => source.push_str(&format!("[{}]", rng.i64(-4..5))),
                    1 => source.push_str(&format!(".{}", ["a", "b"][rng.usize(..2)])),
                    2 => source.push_str(&format!("[{}]", json!(names[rng.usize(..names.len())]))),
                    _ => source.push_str(&format!("['{}']", ["a", "a b"][rng.usize(..2)])),
                }
            }
            let path = JsonPath::compile(&source).expect("a valid path");
            assert!(path.is_singular(), "{source}");
            assert_eq!(
                path.query(&document),
                path.evaluate(&document),
                "{source} in {document}"
            );
        }
        for source in ["$[*]", "$..a", "$[0,1]", "$['a','b']", "$[0:1]", "$[?@.a]"] {
            let path = JsonPath::compile(source).expect("a valid path");
            assert!(!path.is_singular(), "{source}");
        }
    }

    fn random_document(rng: &mut fastrand::Rng, depth: usize, names: &[&str]) -> serde_json::Value {
        match rng.u8(..if depth < 3 { 4 } else { 2 }) {
            0 => json!(rng.u8(..)),
            1 => json!(names[rng.usize(..names.len())]),
            2 => serde_json::Value::Array(
                (0..rng.usize(..5))
                    .map(|_| random_document(rng, depth + 1, names))
                    .collect(),
            ),
            _ => serde_json::Value::Object(
                (0..rng.usize(..4))
                    .map(|_| {
                        let name = names[rng.usize(..names.len())].to_owned();
                        (name, random_document(rng, depth + 1, names))
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn refuses_what_rfc_9535_refuses_with_where_and_why() {
        let error = JsonPath::compile("$[?@.status in ['a', 'b']]").expect_err("not RFC 9535");
        assert_eq!(
            error.to_string(),
            "invalid JSONPath `$[?@.status in ['a', 'b']]`: `in` is not an RFC 9535 operator at \
             character 13: compare with `==` and join with `||`, e.g. `@.a == 1 || @.a == 2`"
        );
        for source in [
            "$.id junk",
            "$[?length(@.*) == 1]",
            "$[?count(@.*)]",
            "$[?value(@.a)]",
        ] {
            assert!(JsonPath::compile(source).is_err(), "{source}");
            // jsonpath-rust alone accepts each of these.
            assert!(
                jsonpath_rust::parser::parse_json_path(source).is_ok(),
                "{source}"
            );
        }
    }

    #[test]
    fn reports_the_position_of_a_syntax_error() {
        let error = JsonPath::compile("$.items[").expect_err("invalid");
        assert!(error.reason.contains("character 9"), "{}", error.reason);
    }
}
