//! The collection format v1 as it is written: serde + schemars types, nothing compiled yet.
//!
//! These types are the single source of `schemas/collection.schema.json`; every field carries
//! a doc comment because it becomes the description an editor shows on hover.

use std::collections::BTreeMap;

use super::map::Map;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::auth::AuthSpec;
use super::body::{GraphqlSpec, MultipartPartSpec};
use super::capture::CaptureSpec;
use super::duration::DurationText;
use super::predicate::{PredicateSpec, StatusSpec};
use super::schema_spec::SchemaSpec;
use super::snapshot::SnapshotSpec;
use super::written::Text;

/// A runner collection: request steps run in order, with variables, captures and expectations.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "runner collection (format v1)")]
pub struct CollectionSpec {
    /// A short title, shown in output and reports.
    #[serde(deserialize_with = "super::written::name")]
    #[schemars(extend("type" = ["string", "number", "boolean"]))]
    pub name: String,
    /// What the collection does, for people reading it.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub description: Option<String>,
    /// Labels for selecting collections with `--tag`.
    #[serde(default, deserialize_with = "super::written::tags")]
    #[schemars(with = "Vec<Text>")]
    pub tags: Vec<String>,
    /// The environment variables this collection may read, as `{{env.NAME}}`.
    /// Reading an undeclared variable is an error, so a shared collection cannot read your other secrets.
    #[serde(default)]
    #[schemars(transform = super::written::input_names)]
    pub inputs: Map<String, InputSpec>,
    /// Variables available to every step as `{{name}}`; values may be templates.
    #[serde(default, deserialize_with = "super::json::map")]
    #[schemars(transform = super::written::variable_names)]
    pub vars: Map<String, Value>,
    /// Named sets of variables chosen with `--env NAME`; they override `vars`.
    #[serde(default)]
    pub environments: Map<String, EnvironmentSpec>,
    /// The environment used when `--env` is not given.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub default_environment: Option<String>,
    /// Settings applied to every step unless the step overrides them.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub defaults: DefaultsSpec,
    /// The OpenAPI document (3.0 or 3.1, YAML or JSON) the API follows, relative to this
    /// file: `expect: { openapi: true }` checks responses against it, and the run reports
    /// which of its operations and statuses the steps exercised.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub openapi: Option<String>,
    /// The steps, run in order.
    #[schemars(length(min = 1))]
    pub steps: Vec<StepSpec>,
    /// Steps that always run after `steps`, whether they passed or failed (clean up what the
    /// run created).
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub finally: Vec<StepSpec>,
    /// Thresholds of a load run (`runner load`, docs/load.md); `runner run` ignores them.
    #[serde(default)]
    pub load: Option<super::load::LoadSpec>,
}

/// An environment variable the collection reads.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// Mask the value in every output.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub secret: bool,
    /// What the value is and where to get it; shown when it is missing.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub description: Option<String>,
    /// The value used when the environment variable is unset.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub default: Option<String>,
}

/// A named environment.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// Start a bundled sandbox for the run and expose `{{sandbox.url}}` and
    /// `{{sandbox.application_token}}`.
    #[serde(default)]
    pub sandbox: Option<SandboxKind>,
    /// Variables of this environment; they override the collection's `vars`.
    #[serde(default, deserialize_with = "super::json::map")]
    #[schemars(transform = super::written::variable_names)]
    pub vars: Map<String, Value>,
}

/// The bundled sandboxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SandboxKind {
    /// The EMnify REST API sandbox.
    Emnify,
}

/// Settings for every step.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultsSpec {
    /// Headers sent with every request; a step's own headers win.
    #[serde(default)]
    #[schemars(transform = super::rules::header_names)]
    pub headers: Map<String, Text>,
    /// Time allowed for each request, e.g. `10s` (default 30s).
    #[serde(default)]
    pub timeout: Option<DurationText>,
    /// The auth helper of every step that sets no `auth` of its own (`auth: none` opts out).
    #[serde(default)]
    pub auth: Option<AuthSpec>,
    /// Follow redirects (default true), unless a step says otherwise.
    #[schemars(extend("default" = true))]
    #[serde(default)]
    pub follow_redirects: Option<bool>,
    /// The most redirects followed for one request (default 10), unless a step says otherwise.
    #[schemars(extend("default" = 10))]
    #[serde(default, deserialize_with = "super::written::optional_u32")]
    pub max_redirects: Option<u32>,
    /// What every step expects unless it says otherwise.
    #[serde(default)]
    pub expect: Option<DefaultExpectSpec>,
}

/// `defaults.expect`: what a step that says nothing of it expects.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultExpectSpec {
    /// The status every step expects unless it sets its own (default: a success, 2xx or 3xx;
    /// `any` accepts every status).
    #[serde(default)]
    pub status: Option<StatusSpec>,
    /// Compare every step's response with its approved snapshot (a step's own `snapshot`
    /// wins; `snapshot: false` opts a step out).
    #[serde(default)]
    pub snapshot: Option<SnapshotSpec>,
    /// Check every response against the collection's `openapi` document, unless a step
    /// says `openapi: false`.
    #[serde(default)]
    pub openapi: Option<bool>,
}

/// One request, what to expect of its response, and what to capture from it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::step)]
pub struct StepSpec {
    /// What the step does, shown in output and reports.
    #[serde(deserialize_with = "super::written::name")]
    #[schemars(extend("type" = ["string", "number", "boolean"]))]
    pub name: String,
    /// A short identifier for the step (letters, digits, `_`, `-`), for `--step`.
    #[serde(default)]
    #[schemars(with = "Option<super::written::Identifier>")]
    pub id: Option<String>,
    /// Labels for selecting steps with `--tag`.
    #[serde(default, deserialize_with = "super::written::tags")]
    #[schemars(with = "Vec<Text>")]
    pub tags: Vec<String>,
    /// Run the step only if every templated value satisfies its predicate, e.g.
    /// `when: { "{{region}}": eu }`; otherwise it is reported as skipped, with the reason.
    #[serde(default)]
    pub when: Map<String, PredicateSpec>,
    /// Wait this long before the step, e.g. `500ms`.
    #[serde(default)]
    pub delay: Option<DurationText>,
    /// Run the step (or its `steps`) once per element of a list: a literal list or a template
    /// that gives one, e.g. `"{{endpoint_ids}}"`.
    #[serde(default, deserialize_with = "super::json::optional")]
    #[schemars(extend("type" = ["array", "string", "null"]))]
    pub for_each: Option<Value>,
    /// The variable holding the current element of `for_each` (default `item`).
    #[schemars(extend("default" = "item"))]
    #[serde(default, rename = "as")]
    #[schemars(with = "Option<super::written::VariableName>")]
    pub as_: Option<String>,
    /// The HTTP request to send. A step has exactly one of `request`, `steps` and `include`.
    // Boxed, as `expect` is: a read step is moved a few times on its way to the compiler,
    // and both are most of its size (520 and 472 bytes).
    #[serde(default)]
    pub request: Option<Box<RequestSpec>>,
    /// A group of steps run in order (with `for_each`: once per element).
    #[serde(default)]
    pub steps: Option<Vec<StepSpec>>,
    /// Another collection file whose steps run here (relative to this file).
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub include: Option<String>,
    /// With `include`: variables passed to the included steps (they override its own).
    #[serde(default, deserialize_with = "super::json::map")]
    #[schemars(transform = super::written::variable_names)]
    pub vars: Map<String, Value>,
    /// With `include`: the variables the included steps set that this collection keeps.
    #[serde(default, deserialize_with = "super::written::export")]
    #[schemars(with = "Vec<Text>")]
    pub export: Vec<String>,
    /// Re-send the request until `until` holds (polling), or on transport errors, 5xx, 429.
    #[serde(default)]
    pub retry: Option<Box<RetrySpec>>,
    /// Follow the pages of a paged response, collecting values over every page.
    #[serde(default)]
    pub paginate: Option<Box<PaginateSpec>>,
    /// What the response must satisfy.
    #[serde(default)]
    pub expect: Option<Box<ExpectSpec>>,
    /// Values taken from the response into variables, for later steps.
    #[serde(default)]
    #[schemars(transform = super::written::variable_names)]
    pub capture: Map<String, CaptureSpec>,
}

/// `retry`: how often and how long to re-send a step.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Attempts in all, the first included (1 to 1000).
    #[serde(deserialize_with = "super::written::u32_number")]
    #[schemars(range(min = 1, max = 1000))]
    pub attempts: u32,
    /// Wait between attempts (default `1s`).
    #[schemars(extend("default" = "1s"))]
    #[serde(default)]
    pub interval: Option<DurationText>,
    /// Multiply the wait by this after each attempt (default 1: constant; 1 to 100). The wait
    /// never grows past `max_interval`, nor past 24h.
    #[schemars(extend("default" = 1))]
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    pub backoff: Option<f64>,
    /// The longest wait, however large the backoff makes it.
    #[serde(default)]
    pub max_interval: Option<DurationText>,
    /// Stop when this holds (an `expect` block); default: the step's own `expect`.
    #[serde(default)]
    pub until: Option<ExpectSpec>,
    /// Also retry these failures: `transport` (connection, timeout), `5xx`, `429`.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub on: Vec<RetryOn>,
}

/// A failure `retry.on` can retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOn {
    /// A connection, DNS, TLS or timeout error.
    Transport,
    /// A 5xx status.
    ServerError,
    /// 429 Too Many Requests (its `Retry-After` is honoured).
    TooManyRequests,
}

/// The words of `retry.on`, as its errors name them.
const RETRY_ON: &[&str] = &["transport", "5xx", "429"];

// `429` as a text or as a number, written any way the schema's `enum` takes it (`429.0` is the
// number 429 in JSON Schema, as `max_redirects: 3.0` is 3 here).
impl<'de> Deserialize<'de> for RetryOn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Words;
        impl serde::de::Visitor<'_> for Words {
            type Value = RetryOn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("one of `transport`, `5xx`, `429`")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<RetryOn, E> {
                match text {
                    "transport" => Ok(RetryOn::Transport),
                    "5xx" => Ok(RetryOn::ServerError),
                    "429" => Ok(RetryOn::TooManyRequests),
                    _ => Err(E::unknown_variant(text, RETRY_ON)),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<RetryOn, E> {
                self.visit_str(&number.to_string())
            }
            fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<RetryOn, E> {
                self.visit_str(&number.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<RetryOn, E> {
                match super::written::whole_number(number, u64::MAX) {
                    Some(whole) => self.visit_u64(whole),
                    None => self.visit_str(&number.to_string()),
                }
            }
        }
        deserializer.deserialize_any(Words)
    }
}

// YAML reads `429` unquoted as a number and the loader takes it: so must the schema.
impl JsonSchema for RetryOn {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RetryOn".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A failure to retry: `transport` (connection, DNS, TLS, timeout), `5xx`, or `429` (its `Retry-After` is honoured).",
            "enum": ["transport", "5xx", "429", 429]
        })
    }
}

/// `paginate`: follow the next page until there is none.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::paginate)]
pub struct PaginateSpec {
    /// How to find the next page.
    pub next: NextPage,
    /// Variables to fill with a JSONPath's matches over every page, e.g. `{ ids: "$[*].id" }`.
    #[serde(default)]
    #[schemars(transform = super::written::variable_names)]
    pub collect: Map<String, String>,
    /// Stop after this many pages (default 100).
    #[schemars(extend("default" = 100))]
    #[serde(default, deserialize_with = "super::written::optional_u32")]
    #[schemars(range(min = 1))]
    pub max_pages: Option<u32>,
}

/// How `paginate` finds the next page.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum NextPage {
    /// `link`: the `Link` header's `rel="next"` URL.
    Link(LinkKeyword),
    /// `{ jsonpath: $.next }`: a URL in the body (absolute or relative); none ends.
    /// `{ query: page }`: add 1 to this query parameter; a page where every `collect` path
    /// matches nothing ends.
    Field(NextField),
}

/// Read straight from the document (not through serde's `untagged` buffer, which reads a
/// struct from a list by position, and a parameter's name written as a number not at all).
impl<'de> Deserialize<'de> for NextPage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Next;

        impl<'de> serde::de::Visitor<'de> for Next {
            type Value = NextPage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`link`, `{ jsonpath: PATH }` or `{ query: NAME }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NextPage, E> {
                match v {
                    "link" => Ok(NextPage::Link(LinkKeyword::Link)),
                    other => Err(E::custom(format!(
                        "`{}` is not a way to the next page: write `link`, `{{ jsonpath: PATH }}` or `{{ query: NAME }}`",
                        other.escape_debug()
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<NextPage, A::Error> {
                NextField::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(NextPage::Field)
            }
        }

        deserializer.deserialize_any(Next)
    }
}

/// The keyword `link`.
#[derive(Debug, Clone, Copy, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LinkKeyword {
    /// Follow `Link: <...>; rel="next"`.
    Link,
}

/// A next-page rule that names a field.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::next_field)]
pub struct NextField {
    /// A JSONPath to the next page's URL.
    #[serde(default)]
    pub jsonpath: Option<String>,
    /// A query parameter holding the page number.
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub query: Option<String>,
}

/// The HTTP method: `GET` (the default), `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, `OPTIONS`,
/// `TRACE`, or an extension method (`PROPFIND`, `PURGE`, `LINK`) — capitals, digits, `-` and
/// `_`, starting with a capital, as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method(std::borrow::Cow<'static, str>);

/// The methods editors offer (any other written in capitals is sent too).
const STANDARD_METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
];

/// What a method may be written with: RFC 9110's token, in capitals.
const METHOD_PATTERN: &str = "^[A-Z][A-Z0-9_-]*$";

impl Default for Method {
    fn default() -> Self {
        Method::GET
    }
}

impl Method {
    /// `GET`.
    pub const GET: Method = Method(std::borrow::Cow::Borrowed("GET"));

    /// The method as it goes on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `text` as a method, or what is wrong with it.
    pub fn parse(text: &str) -> Result<Method, String> {
        let shown = text.escape_debug();
        if let Some(standard) = STANDARD_METHODS.iter().find(|m| **m == text) {
            return Ok(Method(std::borrow::Cow::Borrowed(standard)));
        }
        if text == "CONNECT" {
            return Err("`CONNECT` opens a tunnel through a proxy, which runner does not send as a step: give the proxy with `--proxy`".to_owned());
        }
        // METHOD_PATTERN, as code.
        let written_in_capitals = |text: &str| {
            let mut chars = text.chars();
            chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
        };
        if written_in_capitals(text) {
            return Ok(Method(std::borrow::Cow::Owned(text.to_owned())));
        }
        let upper = text.to_ascii_uppercase();
        if written_in_capitals(&upper) {
            return Err(format!(
                "`{shown}` is written in small letters: methods are case-sensitive and written in capitals, `{upper}`"
            ));
        }
        Err(format!(
            "`{shown}` is not an HTTP method: write one of {} or another method in capitals, digits, `-` and `_` (`PROPFIND`, `PURGE`)",
            STANDARD_METHODS.join(", ")
        ))
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Checked inside the visitor, so that a problem is placed at the method itself.
        struct MethodVisitor;
        impl serde::de::Visitor<'_> for MethodVisitor {
            type Value = Method;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an HTTP method such as GET or POST")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Method, E> {
                Method::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(MethodVisitor)
    }
}

impl JsonSchema for Method {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Method".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The HTTP method (default GET): one of these, or an extension method in capitals (`PROPFIND`, `PURGE`).",
            "anyOf": [
                { "enum": STANDARD_METHODS },
                { "type": "string", "pattern": METHOD_PATTERN, "not": { "const": "CONNECT" } }
            ]
        })
    }
}

/// A request. It has at most one body: `json`, `body`, `body_file`, `form`, `multipart` or
/// `graphql`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::rules::request)]
pub struct RequestSpec {
    /// The HTTP method (default GET).
    #[schemars(extend("default" = "GET"))]
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub method: Method,
    /// The URL, e.g. `{{base_url}}/api/v1/endpoint`.
    #[serde(deserialize_with = "super::written::url")]
    pub url: String,
    /// Query parameters appended to the URL; values may be templates. A list sends the
    /// parameter once per element, in order (`tag: [a, b]` sends `tag=a&tag=b`), as does a
    /// value that is exactly one `{{var}}` holding a list.
    #[serde(default)]
    pub query: Map<String, ParameterValue>,
    /// Request headers; values may be templates. `null` removes a header set in `defaults`.
    #[serde(default)]
    #[schemars(transform = super::rules::header_names)]
    pub headers: Map<String, Option<Text>>,
    /// A JSON body (sets `Content-Type: application/json`). A string that is exactly one
    /// `{{expr}}` keeps the value's JSON type.
    #[serde(default, deserialize_with = "super::json::optional")]
    pub json: Option<Value>,
    /// A text body, sent as is after templating (`Content-Type: text/plain; charset=utf-8`
    /// unless a header sets it).
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub body: Option<String>,
    /// A file sent as the body, relative to the collection, streamed from disk
    /// (`Content-Type: application/octet-stream` unless a header sets it).
    #[serde(default)]
    #[schemars(with = "Option<Text>")]
    pub body_file: Option<String>,
    /// A URL-encoded form (`application/x-www-form-urlencoded`); values may be templates. A
    /// list sends the field once per element, in order, as does a value that is exactly one
    /// `{{var}}` holding a list.
    #[serde(default)]
    pub form: Option<Map<String, ParameterValue>>,
    /// A `multipart/form-data` body: text fields and files (streamed from disk).
    #[serde(default)]
    pub multipart: Option<Map<String, MultipartPartSpec>>,
    /// A GraphQL request, sent as JSON: `{ query, variables, operation_name }`.
    #[serde(default)]
    pub graphql: Option<GraphqlSpec>,
    /// The auth helper; overrides `defaults.auth` (`none`: no auth for this request).
    #[serde(default)]
    pub auth: Option<AuthSpec>,
    /// Cookies sent with the request, name → value (templates), besides the run's cookie jar.
    #[serde(default)]
    #[schemars(transform = super::rules::cookie_names)]
    pub cookies: Map<String, Text>,
    /// Time allowed for this request, e.g. `5s`.
    #[serde(default)]
    pub timeout: Option<DurationText>,
    /// Follow redirects (default true). `Authorization`, `Cookie` and auth-helper credentials
    /// are never sent to another origin.
    #[schemars(extend("default" = true))]
    #[serde(default)]
    pub follow_redirects: Option<bool>,
    /// The most redirects to follow (default 10); more fails the step.
    #[schemars(extend("default" = 10))]
    #[serde(default, deserialize_with = "super::written::optional_u32")]
    pub max_redirects: Option<u32>,
}

/// A query parameter's or form field's value: one value, or a list of values sent as the
/// name repeated once per element, in order (an empty list sends nothing).
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum ParameterValue {
    /// One value, sent once.
    One(ScalarValue),
    /// Values sent in order, each as the name again.
    Many(Vec<ScalarValue>),
}

impl ParameterValue {
    /// The message of a list or map inside a list, which [`ParameterValue`] refuses.
    pub const NESTED: &'static str =
        "a query parameter or form field takes a value or a list of values, not a list or map inside a list";
    /// How to write it instead.
    pub const NESTED_HINT: &'static str = "write every value in one list, `name: [a, b, c]`; for a JSON text, quote it: `name: '[1, 2]'`";

    /// The values in order: one, or the list's.
    pub fn values(&self) -> &[ScalarValue] {
        match self {
            ParameterValue::One(value) => std::slice::from_ref(value),
            ParameterValue::Many(values) => values,
        }
    }
}

/// One value, or a list of values each read straight from its scalar (a list or map inside
/// the list is refused with [`ParameterValue::NESTED`]).
impl<'de> Deserialize<'de> for ParameterValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrMany;
        impl<'de> serde::de::Visitor<'de> for OneOrMany {
            type Value = ParameterValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, number or boolean, or a list of them")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ParameterValue, A::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(ListElement(value)) = seq.next_element()? {
                    values.push(value);
                }
                Ok(ParameterValue::Many(values))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ParameterValue, E> {
                Scalar.visit_str(v).map(ParameterValue::One)
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<ParameterValue, E> {
                Scalar.visit_string(v).map(ParameterValue::One)
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ParameterValue, E> {
                Scalar.visit_bool(v).map(ParameterValue::One)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ParameterValue, E> {
                Scalar.visit_u64(v).map(ParameterValue::One)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ParameterValue, E> {
                Scalar.visit_i64(v).map(ParameterValue::One)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ParameterValue, E> {
                Scalar.visit_f64(v).map(ParameterValue::One)
            }
        }
        deserializer.deserialize_any(OneOrMany)
    }
}

/// An element of a [`ParameterValue::Many`]: a scalar; a list or a map is
/// [`ParameterValue::NESTED`].
struct ListElement(ScalarValue);

impl<'de> Deserialize<'de> for ListElement {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Element;
        impl<'de> serde::de::Visitor<'de> for Element {
            type Value = ListElement;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                _: A,
            ) -> Result<ListElement, A::Error> {
                Err(serde::de::Error::custom(ParameterValue::NESTED))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                _: A,
            ) -> Result<ListElement, A::Error> {
                Err(serde::de::Error::custom(ParameterValue::NESTED))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ListElement, E> {
                Scalar.visit_str(v).map(ListElement)
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<ListElement, E> {
                Scalar.visit_string(v).map(ListElement)
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ListElement, E> {
                Scalar.visit_bool(v).map(ListElement)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ListElement, E> {
                Scalar.visit_u64(v).map(ListElement)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ListElement, E> {
                Scalar.visit_i64(v).map(ListElement)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ListElement, E> {
                Scalar.visit_f64(v).map(ListElement)
            }
        }
        deserializer.deserialize_any(Element)
    }
}

/// A string, number or boolean.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
#[allow(missing_docs)]
pub enum ScalarValue {
    String(String),
    Number(serde_json::Number),
    Bool(bool),
}

impl ScalarValue {
    /// The value as it is sent: a string as it is, a number or boolean as written in JSON.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ScalarValue::String(s) => s.into(),
            // An integer straight to its digits, without the formatting machinery.
            ScalarValue::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(n), _) => n.to_string().into(),
                (None, Some(n)) => n.to_string().into(),
                (None, None) => n.to_string().into(),
            },
            ScalarValue::Bool(b) => b.to_string().into(),
        }
    }
}

/// Read straight from the scalar (a query parameter's value, a form field's): `untagged`
/// would first copy each into serde's buffer and try the variants one by one.
impl<'de> Deserialize<'de> for ScalarValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Scalar)
    }
}

/// Reads a [`ScalarValue`] from a YAML or JSON scalar.
struct Scalar;

impl serde::de::Visitor<'_> for Scalar {
    type Value = ScalarValue;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ScalarValue, E> {
        Ok(ScalarValue::String(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<ScalarValue, E> {
        Ok(ScalarValue::String(v))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ScalarValue, E> {
        Ok(ScalarValue::Bool(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ScalarValue, E> {
        Ok(ScalarValue::Number(v.into()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ScalarValue, E> {
        Ok(ScalarValue::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ScalarValue, E> {
        // `.nan` and `.inf` are YAML numbers but not JSON ones.
        serde_json::Number::from_f64(v)
            .map(ScalarValue::Number)
            .ok_or_else(|| E::custom(super::json::not_a_json_number(v)))
    }
}

/// What a response must satisfy. Every part is optional; all must hold.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    /// The status: a code (`200`), a list of codes (`[200, 201]`), a class (`"2xx"`),
    /// `success` (2xx or 3xx, what a step that says nothing expects) or `any` (every status),
    /// or a template that renders one.
    #[serde(default)]
    pub status: Option<StatusSpec>,
    /// Header name (case-insensitive) → predicate on its value.
    #[serde(default)]
    pub headers: Map<String, PredicateSpec>,
    /// JSONPath (RFC 9535) → predicate, applied to every node the path matches.
    /// The operator `count` asserts the number of matches.
    #[serde(default)]
    #[schemars(with = "Map<String, super::predicate::JsonPathPredicate>")]
    pub jsonpath: Map<String, PredicateSpec>,
    /// A predicate on the body text.
    #[serde(default)]
    pub body: Option<PredicateSpec>,
    /// A JSON Schema the JSON body must satisfy: the path of a schema file, relative to the
    /// collection, or the schema written in place.
    #[serde(default)]
    pub schema: Option<SchemaSpec>,
    /// A predicate on the response time, e.g. `{ lt: 2s }`.
    #[serde(default)]
    #[schemars(with = "Option<super::predicate::DurationPredicate>")]
    pub duration: Option<PredicateSpec>,
    /// Templated value → predicate, checked after the captures, e.g.
    /// `"{{ids}}": { length: "{{total}}" }`.
    #[serde(default)]
    pub values: Map<String, PredicateSpec>,
    /// A predicate on the final URL, after redirects.
    #[serde(default)]
    pub url: Option<PredicateSpec>,
    /// Cookie name → a predicate on the value the response set, or `{ value, secure,
    /// http_only, path, domain, same_site, max_age, expires }` to check its attributes.
    #[serde(default)]
    pub cookies: Map<String, CookieExpectSpec>,
    /// Compare the status, chosen headers and body with the approved snapshot in
    /// `__snapshots__/<collection>.snap.yaml`: `true`, or `{ ignore: [$.id], headers:
    /// [content-type] }`.
    #[serde(default)]
    pub snapshot: Option<SnapshotSpec>,
    /// `true`: the response must follow the collection's `openapi` document — a documented
    /// status, a declared content type, a body that fits the schema, the required headers —
    /// for the operation the method and URL path match.
    #[serde(default)]
    pub openapi: Option<bool>,
}

/// A cookie expectation: a predicate on the value (shorthand), or its attributes.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum CookieExpectSpec {
    /// The cookie's attributes, each optional.
    Attributes(Box<CookieAttributesSpec>),
    /// A predicate on the value.
    Value(PredicateSpec),
}

/// The attributes of a cookie set by the response.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// `{}` holds no attribute: it is a predicate with no operator, which is refused.
#[schemars(extend("minProperties" = 1))]
pub struct CookieAttributesSpec {
    /// A predicate on the value.
    #[serde(default)]
    pub value: Option<PredicateSpec>,
    /// The `Secure` flag.
    #[serde(default)]
    pub secure: Option<bool>,
    /// The `HttpOnly` flag.
    #[serde(default)]
    pub http_only: Option<bool>,
    /// A predicate on `Path`.
    #[serde(default)]
    pub path: Option<PredicateSpec>,
    /// A predicate on `Domain`.
    #[serde(default)]
    pub domain: Option<PredicateSpec>,
    /// A predicate on `SameSite` (`Strict`, `Lax` or `None`).
    #[serde(default)]
    pub same_site: Option<PredicateSpec>,
    /// A predicate on `Max-Age`, in seconds.
    #[serde(default)]
    pub max_age: Option<PredicateSpec>,
    /// A predicate on `Expires`, as RFC 3339 text (compare with `lt`/`gt` on dates).
    #[serde(default)]
    pub expires: Option<PredicateSpec>,
}

/// The keys of [`CookieAttributesSpec`]: a map made only of these is attributes, anything
/// else is a predicate.
const COOKIE_ATTRIBUTES: &[&str] = &[
    "value",
    "secure",
    "http_only",
    "path",
    "domain",
    "same_site",
    "max_age",
    "expires",
];

/// A map whose first key is an attribute is attributes (another key after it is unknown
/// there); any other value is a predicate. Read straight from the document, not through a
/// buffered value, so that a text written as a number (`starts_with: 1`) is read as written,
/// as everywhere else.
impl<'de> Deserialize<'de> for CookieExpectSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        use serde::de::{MapAccess, SeqAccess};

        struct Cookie;

        impl<'de> serde::de::Visitor<'de> for Cookie {
            type Value = CookieExpectSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a predicate on the cookie's value, or a map of its attributes such as `{ secure: true }`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let Some(first) = map.next_key::<String>()? else {
                    // `{}`: no operator, which the predicate's compiler reports.
                    return Ok(CookieExpectSpec::Value(PredicateSpec::Operators(
                        Box::default(),
                    )));
                };
                let rest = MapAccessDeserializer::new(FirstKeyRead {
                    first: Some(first.clone()),
                    map,
                });
                if COOKIE_ATTRIBUTES.contains(&first.as_str()) {
                    CookieAttributesSpec::deserialize(rest)
                        .map(|a| CookieExpectSpec::Attributes(Box::new(a)))
                } else {
                    PredicateSpec::deserialize(rest).map(CookieExpectSpec::Value)
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                PredicateSpec::deserialize(SeqAccessDeserializer::new(seq))
                    .map(CookieExpectSpec::Value)
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(CookieExpectSpec::Value(PredicateSpec::Equals(v.into())))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(CookieExpectSpec::Value(PredicateSpec::Equals(v.into())))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(CookieExpectSpec::Value(PredicateSpec::Equals(v.into())))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                super::json::number(v).map(|n| CookieExpectSpec::Value(PredicateSpec::Equals(n)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CookieExpectSpec::Value(PredicateSpec::Equals(v.into())))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(CookieExpectSpec::Value(PredicateSpec::Equals(Value::Null)))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                self.visit_unit()
            }
        }

        deserializer.deserialize_any(Cookie)
    }
}

/// A map whose first key was read already: that key, then the rest.
struct FirstKeyRead<A> {
    first: Option<String>,
    map: A,
}

impl<'de, A: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for FirstKeyRead<A> {
    type Error = A::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        use serde::de::IntoDeserializer;
        match self.first.take() {
            Some(first) => seed.deserialize(first.into_deserializer()).map(Some),
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// Variables given on the command line or in a vars file: name → value.
pub type VarsFile = BTreeMap<String, Value>;

#[cfg(test)]
mod tests {
    use super::{RetryOn, ScalarValue};

    /// `retry.on` takes what the schema's `enum` takes: each word, and 429 as a text or as any
    /// number equal to it; anything else is named with the words it may be.
    #[test]
    fn retry_on_takes_what_the_schema_takes() {
        let read = |yaml: &str| serde_yaml::from_str::<Vec<RetryOn>>(yaml);
        assert_eq!(
            read("[transport, 5xx, 429, \"429\", 429.0, 4.29e2]").ok(),
            Some(vec![
                RetryOn::Transport,
                RetryOn::ServerError,
                RetryOn::TooManyRequests,
                RetryOn::TooManyRequests,
                RetryOn::TooManyRequests,
                RetryOn::TooManyRequests,
            ])
        );
        for wrong in ["[428]", "[429.5]", "[5XX]", "[\"429.0\"]", "[true]"] {
            let error = read(wrong).expect_err(wrong).to_string();
            assert!(
                error.contains("`transport`, `5xx`, `429`"),
                "{wrong}: {error}"
            );
        }
    }

    /// A number is sent as JSON writes it, whichever way it was read: the integers take a
    /// shorter way to their digits than the rest, and must give the same text.
    #[test]
    fn a_number_is_sent_as_json_writes_it() {
        let mut rng = fastrand::Rng::with_seed(17);
        let edges = [
            0,
            1,
            9,
            10,
            99,
            100,
            i64::MAX as u64,
            i64::MAX as u64 + 1,
            u64::MAX,
        ];
        let unsigned = edges
            .into_iter()
            .chain((0..2000).map(|_| rng.u64(..) >> rng.u32(0..64)));
        for n in unsigned {
            let number = serde_json::Number::from(n);
            assert_eq!(ScalarValue::Number(number).text(), n.to_string());
        }
        let signed = [-1, -9, -10, i64::MIN, i64::MIN + 1]
            .into_iter()
            .chain((0..2000).map(|_| rng.i64(i64::MIN..0) >> rng.u32(0..63)));
        for n in signed {
            let number = serde_json::Number::from(n);
            assert_eq!(
                ScalarValue::Number(number.clone()).text(),
                number.to_string()
            );
            assert_eq!(ScalarValue::Number(number).text(), n.to_string());
        }
        for (f, text) in [
            (0.5, "0.5"),
            (-1.25, "-1.25"),
            (1e300, "1e+300"),
            (3.0, "3.0"),
            (-0.0, "-0.0"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
        ] {
            let number = serde_json::Number::from_f64(f).expect("finite");
            assert_eq!(ScalarValue::Number(number).text(), text);
        }
        assert_eq!(ScalarValue::String("x y".into()).text(), "x y");
        assert_eq!(ScalarValue::Bool(false).text(), "false");
    }
}
