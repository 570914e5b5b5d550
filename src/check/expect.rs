//! Expectations on a response: status, headers, JSONPath, body, JSON Schema, duration.

use std::path::Path;

use serde_json::Value;

use super::jsonpath::JsonPath;
use super::predicate::{Operands, Predicate};
use super::ResponseView;
use crate::spec::field::{FieldPath, Location};
use crate::spec::predicate::StatusSpec;
use crate::template::Template;

/// The most levels of schemas nested in one another and `$ref`s followed together that an
/// `expect.schema` may have: each takes the JSON Schema compiler's stack (a chain of 600
/// `$ref`s overflowed it).
pub const MOST_SCHEMA_LEVELS: usize = 128;

/// The stack a schema is compiled and checked on: room for [`MOST_SCHEMA_LEVELS`] levels
/// (about 13 KiB each when compiled in a debug build) with plenty to spare; reserved, only
/// what a deep schema needs is used.
const SCHEMA_STACK: usize = 16 * 1024 * 1024;

/// The compiled `expect` block of a step.
#[derive(Default)]
pub struct Expectations {
    /// `status`.
    pub status: Option<StatusMatcher>,
    /// `headers`: lower-cased name → predicate.
    pub headers: Vec<(String, Predicate)>,
    /// `jsonpath`.
    pub jsonpath: Vec<JsonPathExpectation>,
    /// The rest, boxed: a collection holds every step's expectations, and most steps set
    /// none of these (`None` then). Read through [`Expectations::more`].
    more: Option<Box<MoreExpectations>>,
}

/// The expectations few steps set.
#[derive(Default)]
pub struct MoreExpectations {
    /// `body`.
    pub body: Option<Predicate>,
    /// `schema` (boxed: a compiled schema is large, and `defaults.expect` can give every
    /// step a snapshot or an OpenAPI check, and so this struct).
    pub schema: Option<Box<SchemaExpectation>>,
    /// `duration` (milliseconds).
    pub duration: Option<Predicate>,
    /// `values`: templated values and their predicates, checked after the captures.
    pub values: Vec<super::condition::Condition>,
    /// `url`: the final URL.
    pub url: Option<Predicate>,
    /// `cookies`.
    pub cookies: Vec<CookieExpectation>,
    /// `snapshot`: compared by the engine, which holds the approved snapshots.
    pub snapshot: Option<super::snapshot::SnapshotExpectation>,
    /// `openapi: true`: the collection's document and the step's method.
    pub openapi: Option<super::openapi::OpenapiExpectation>,
}

/// What a step without any of the [`MoreExpectations`] reads.
static NO_MORE: MoreExpectations = MoreExpectations {
    body: None,
    schema: None,
    duration: None,
    values: Vec::new(),
    url: None,
    cookies: Vec::new(),
    snapshot: None,
    openapi: None,
};

impl MoreExpectations {
    fn is_empty(&self) -> bool {
        let MoreExpectations {
            body,
            schema,
            duration,
            values,
            url,
            cookies,
            snapshot,
            openapi,
        } = self;
        body.is_none()
            && schema.is_none()
            && duration.is_none()
            && values.is_empty()
            && url.is_none()
            && cookies.is_empty()
            && snapshot.is_none()
            && openapi.is_none()
    }
}

/// One `expect.cookies` entry: the cookie must have been set, with these attributes.
#[derive(Default)]
pub struct CookieExpectation {
    /// The cookie's name.
    pub name: String,
    /// On the value.
    pub value: Option<Predicate>,
    /// `Secure` must be this.
    pub secure: Option<bool>,
    /// `HttpOnly` must be this.
    pub http_only: Option<bool>,
    /// On `Path`.
    pub path: Option<Predicate>,
    /// On `Domain`.
    pub domain: Option<Predicate>,
    /// On `SameSite`.
    pub same_site: Option<Predicate>,
    /// On `Max-Age` (seconds).
    pub max_age: Option<Predicate>,
    /// On `Expires` (RFC 3339).
    pub expires: Option<Predicate>,
}

/// The accepted status codes.
#[derive(Debug, Clone)]
pub enum StatusMatcher {
    /// Any of these codes.
    Codes(Vec<u16>),
    /// A class: `2` for `2xx`.
    Class(u16),
    /// Every status (`any`).
    Any,
    /// A success, 2xx or 3xx (after redirects): what a step that says nothing about status
    /// expects (`written` false), or `status: success`.
    Success {
        /// Written as `status: success`, not the default.
        written: bool,
    },
    /// A template that renders one of the above when the step runs (a data row's
    /// `expected_status`).
    Templated(Template),
}

/// One `expect.jsonpath` entry.
pub struct JsonPathExpectation {
    /// The path.
    pub path: JsonPath,
    /// Applied to every match.
    pub predicate: Predicate,
    /// On the number of matches (boxed: few expectations have one).
    pub count: Option<Box<Predicate>>,
}

/// A compiled JSON Schema, with where it came from.
pub struct SchemaExpectation {
    /// What failures call it: `schema FILE` (the file as written, relative to the
    /// collection), or `schema (inline)` for one written in place.
    pub subject: String,
    /// The compiled validator.
    pub validator: jsonschema::Validator,
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The field of the step that failed (`expect.status`, `capture.token`), relative to the
    /// step.
    pub field: FieldPath,
    /// Where that field is, once the engine has located it.
    pub location: Option<Location>,
    /// What was checked: `status`, `header content-type`, `$.id`, `body`, `schema`, `duration`.
    pub subject: String,
    /// What was expected.
    pub expected: String,
    /// What came back.
    pub actual: String,
}

impl Failure {
    /// A failure of the step's field `field` (keys relative to the step), not yet located.
    pub fn new<'a>(
        field: impl IntoIterator<Item = &'a str>,
        subject: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Failure {
            field: FieldPath::keys(field),
            location: None,
            subject: subject.into(),
            expected: expected.into(),
            actual: actual.into(),
        }
    }
}

impl StatusMatcher {
    /// Compiles `status`.
    pub fn compile(spec: &StatusSpec) -> Result<Self, String> {
        let valid = |code: u16| (100..=999).contains(&code);
        match spec {
            StatusSpec::Code(code) => Ok(StatusMatcher::Codes(vec![*code])),
            StatusSpec::AnyOf(codes) if !codes.is_empty() && codes.iter().all(|c| valid(*c)) => {
                Ok(StatusMatcher::Codes(codes.clone()))
            }
            StatusSpec::AnyOf(_) => {
                Err("a status list holds one or more codes between 100 and 999".into())
            }
            StatusSpec::Text(text) if text == "any" => Ok(StatusMatcher::Any),
            StatusSpec::Text(text) if text == "success" => {
                Ok(StatusMatcher::Success { written: true })
            }
            StatusSpec::Text(text) => {
                let bytes = text.as_bytes();
                match bytes {
                    [d @ b'1'..=b'9', b'x' | b'X', b'x' | b'X'] => {
                        Ok(StatusMatcher::Class(u16::from(d - b'0')))
                    }
                    _ => text
                        .parse::<u16>()
                        .ok()
                        .filter(|c| valid(*c))
                        .map(|c| StatusMatcher::Codes(vec![c]))
                        .ok_or_else(|| {
                            // `Success`, `sucess`, `Any`: the word it is near.
                            let near = crate::spec::text::did_you_mean(
                                &text.to_ascii_lowercase(),
                                ["success", "any"],
                            )
                            .map(|near| format!(" (did you mean `{near}`?)"))
                            .unwrap_or_default();
                            format!(
                                "`{text}` is not a status{near}; write 200, [200, 201], \"2xx\", success or any"
                            )
                        }),
                }
            }
        }
    }

    /// True when `status` is accepted. A templated matcher accepts nothing: resolve it first.
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            StatusMatcher::Codes(codes) => codes.contains(&status),
            StatusMatcher::Class(class) => status / 100 == *class,
            StatusMatcher::Any => true,
            StatusMatcher::Success { .. } => (200..400).contains(&status),
            StatusMatcher::Templated(_) => false,
        }
    }

    /// The matcher itself, or the one its template renders with the current variables: a
    /// code, a list of codes, a class (`"2xx"`) or `any`.
    pub fn resolve(&self, operands: Operands<'_>) -> Result<std::borrow::Cow<'_, Self>, String> {
        let StatusMatcher::Templated(template) = self else {
            return Ok(std::borrow::Cow::Borrowed(self));
        };
        let value = operands
            .templates
            .render_value(template, operands.context)
            .map_err(|e| format!("`{}` to render ({e})", template.source()))?;
        // A data row's text may hold a list (`[500, 503]`): read it as JSON when it is one.
        let value = match value {
            Value::String(text) if text.trim_start().starts_with('[') => {
                serde_json::from_str(&text).unwrap_or(Value::String(text))
            }
            other => other,
        };
        let spec = match &value {
            Value::Number(n) => n
                .as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .map(StatusSpec::Code),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_u64().and_then(|n| u16::try_from(n).ok()))
                .collect::<Option<Vec<u16>>>()
                .map(StatusSpec::AnyOf),
            Value::String(text) => Some(StatusSpec::Text(text.trim().to_owned())),
            _ => None,
        };
        spec.ok_or_else(|| format!("`{}` to render a status, got {value}", template.source()))
            .and_then(|spec| {
                Self::compile(&spec)
                    .map_err(|e| format!("`{}` to render a status: {e}", template.source()))
            })
            .map(std::borrow::Cow::Owned)
    }

    fn describe(&self) -> String {
        match self {
            StatusMatcher::Codes(codes) if codes.len() == 1 => codes[0].to_string(),
            StatusMatcher::Codes(codes) => format!(
                "one of {}",
                codes
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            StatusMatcher::Class(class) => format!("{class}xx"),
            StatusMatcher::Any => "any status".to_owned(),
            StatusMatcher::Success { written: false } => "a success (2xx or 3xx: the step sets no \
                 `expect.status`; `status: any` accepts every status)"
                .to_owned(),
            StatusMatcher::Success { written: true } => "a success (2xx or 3xx)".to_owned(),
            StatusMatcher::Templated(template) => template.source().to_owned(),
        }
    }
}

/// Why `expect.schema` cannot serve: its file cannot be read, or the schema is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaExpectationError {
    /// The file cannot be read (missing, a directory…).
    #[error("{message}")]
    Unreadable {
        /// What happened, naming the file.
        message: String,
    },
    /// The schema (read from its file, or written in place) is not a JSON Schema one can
    /// check values against.
    #[error("{message}")]
    Invalid {
        /// What is wrong, naming the file or saying "the schema".
        message: String,
        /// Where in the schema, a JSON Pointer (`/properties/token/pattern`), when known.
        pointer: Option<String>,
    },
}

impl SchemaExpectation {
    /// Reads and compiles the schema file `written`, relative to `base`.
    pub fn load(base: &Path, written: &str) -> Result<Self, SchemaExpectationError> {
        let path = base.join(written);
        let bytes =
            crate::spec::file::read(&path).map_err(|e| SchemaExpectationError::Unreadable {
                message: format!("cannot read schema file `{}`: {e}", path.display()),
            })?;
        // Read as every other file of the user's is: a byte order mark is skipped, and text
        // that is not UTF-8 is placed and told how to mend.
        let text =
            crate::spec::text::utf8_text(&bytes).map_err(|at| SchemaExpectationError::Invalid {
                message: format!("schema file {}", at.in_file(&path)),
                pointer: None,
            })?;
        let what = format!("schema file `{}`", path.display());
        let schema: Value =
            serde_json::from_str(text).map_err(|e| SchemaExpectationError::Invalid {
                message: format!("{what} is not JSON: {e}"),
                pointer: None,
            })?;
        Self::compile(&schema, &what, format!("schema {written}"))
    }

    /// Compiles a schema written in place in the collection.
    ///
    /// (Schemas nest at most [`MOST_SCHEMA_LEVELS`] levels, references followed included.)
    pub fn inline(schema: &Value) -> Result<Self, SchemaExpectationError> {
        Self::compile(schema, "the schema", "schema (inline)".to_owned())
    }

    /// Compiles `schema` (`what` names it in a problem; `subject` in a failure).
    fn compile(
        schema: &Value,
        what: &str,
        subject: String,
    ) -> Result<Self, SchemaExpectationError> {
        let invalid = |message: String| SchemaExpectationError::Invalid {
            message,
            pointer: None,
        };
        if let Some(at) = super::schema_cycle::in_place_cycle(schema) {
            return Err(invalid(format!(
                "{what} refers back to itself at `{at}` without describing any value (a cycle of `$ref`s, `allOf`, `anyOf`, `oneOf` or `not`): no value could ever be checked against it; reach the schema again only under `properties` or `items`"
            )));
        }
        if let Some(at) = super::schema_cycle::deeper_than(schema, MOST_SCHEMA_LEVELS) {
            return Err(invalid(format!(
                "{what} nests schemas and `$ref`s more than {MOST_SCHEMA_LEVELS} levels deep together (at `{at}`), the most runner compiles (docs/limits.md): refer to a schema directly rather than through a chain of `$ref`s, or flatten the nesting"
            )));
        }
        // The compiler follows each level by recursion: on a stack with room for the most
        // levels there may be (a loader thread has 2 MiB).
        let validator = stacker::grow(SCHEMA_STACK, || {
            // `pattern`s as ECMA-262 reads them, each compiled once (crate::openapi::pattern).
            crate::openapi::pattern::with_keyword(jsonschema::options())
                .build(schema)
                .map_err(|e| (e.to_string(), e.instance_path.as_str().to_owned()))
        })
        .map_err(|(e, pointer)| SchemaExpectationError::Invalid {
            message: format!("{what} is not a valid JSON Schema: {e}"),
            pointer: Some(pointer).filter(|p| !p.is_empty()),
        })?;
        Ok(SchemaExpectation { subject, validator })
    }
}

impl Expectations {
    /// Expectations of `status`, `headers`, `jsonpath` and `more`.
    pub fn new(
        status: Option<StatusMatcher>,
        headers: Vec<(String, Predicate)>,
        jsonpath: Vec<JsonPathExpectation>,
        more: MoreExpectations,
    ) -> Expectations {
        let mut expectations = Expectations {
            status,
            headers,
            jsonpath,
            more: None,
        };
        expectations.set_more(more);
        expectations
    }

    /// The expectations few steps set.
    pub fn more(&self) -> &MoreExpectations {
        self.more.as_deref().unwrap_or(&NO_MORE)
    }

    /// Changes the expectations few steps set with `change` (in place).
    pub fn change_more(&mut self, change: impl FnOnce(&mut MoreExpectations)) {
        let more = self.more.get_or_insert_with(Box::default);
        change(more);
        self.tidy_more();
    }

    fn set_more(&mut self, more: MoreExpectations) {
        self.more = (!more.is_empty()).then(|| Box::new(more));
        self.tidy_more();
    }

    /// Drops the box when it holds nothing, else the room its lists have left over (a
    /// collection holds every step).
    fn tidy_more(&mut self) {
        match self.more.as_deref_mut() {
            Some(more) if more.is_empty() => self.more = None,
            Some(more) => {
                more.values.shrink_to_fit();
                more.cookies.shrink_to_fit();
            }
            None => {}
        }
    }

    /// Shows `visit` every JSONPath these expectations query the body with.
    pub fn each_jsonpath(&self, visit: &mut dyn FnMut(&JsonPath)) {
        for expectation in &self.jsonpath {
            visit(&expectation.path);
        }
    }

    /// True when checking these expectations reads the whole body as JSON (a schema, an
    /// OpenAPI contract, a snapshot), so parsing only part of it first would be wasted.
    pub fn read_whole_body(&self) -> bool {
        let more = self.more();
        more.schema.is_some() || more.openapi.is_some() || more.snapshot.is_some()
    }

    /// Checks `values` (after the captures, which they may read).
    pub fn check_values(&self, operands: Operands<'_>) -> Vec<Failure> {
        self.more()
            .values
            .iter()
            .filter_map(|condition| {
                condition.check(operands).err().map(|mismatch| {
                    Failure::new(
                        ["expect", "values", condition.source.as_str()],
                        condition.source.clone(),
                        mismatch.expected,
                        mismatch.actual,
                    )
                })
            })
            .collect()
    }

    /// Checks every expectation on the response (not `values`); returns every failure, in
    /// the order written.
    pub fn check(&self, view: &ResponseView<'_>, operands: Operands<'_>) -> Vec<Failure> {
        let mut failures = Vec::new();
        let response = view.response;
        if let Some(status) = &self.status {
            match status.resolve(operands) {
                Ok(status) if status.accepts(response.status) => {}
                Ok(status) => failures.push(Failure::new(
                    ["expect", "status"],
                    "status",
                    status.describe(),
                    response.status.to_string(),
                )),
                Err(expected) => failures.push(Failure::new(
                    ["expect", "status"],
                    "status",
                    expected,
                    response.status.to_string(),
                )),
            }
        }
        for (name, predicate) in &self.headers {
            let actual = response.header(name).map(|v| Value::String(v.into_owned()));
            if let Err(mismatch) = predicate.check(actual.as_ref(), operands) {
                failures.push(Failure::new(
                    ["expect", "headers", name.as_str()],
                    format!("header {name}"),
                    mismatch.expected,
                    mismatch.actual,
                ));
            }
        }
        for expectation in &self.jsonpath {
            expectation.check(view, operands, &mut failures);
        }
        let more = self.more();
        if let Some(predicate) = &more.body {
            let text = Value::String(view.text().into_owned());
            if let Err(mismatch) = predicate.check(Some(&text), operands) {
                failures.push(Failure::new(
                    ["expect", "body"],
                    "body",
                    mismatch.expected,
                    mismatch.actual,
                ));
            }
        }
        if let Some(schema) = &more.schema {
            match view.json() {
                Ok(document) => {
                    // Checked by recursion as deep as the schema's levels and the body's
                    // nesting: on a stack of its own when the thread has too little left.
                    let errors = stacker::maybe_grow(SCHEMA_STACK / 4, SCHEMA_STACK, || {
                        schema
                            .validator
                            .iter_errors(document)
                            .take(5)
                            .collect::<Vec<_>>()
                    });
                    for error in errors {
                        let at = error.instance_path.to_string();
                        failures.push(Failure::new(
                            ["expect", "schema"],
                            schema.subject.clone(),
                            format!(
                                "the body to match the schema at `{}`",
                                if at.is_empty() { "/" } else { &at }
                            ),
                            error.to_string(),
                        ));
                    }
                }
                Err(not_json) => failures.push(Failure::new(
                    ["expect", "schema"],
                    schema.subject.clone(),
                    "a JSON body",
                    not_json.describe(operands.redactor),
                )),
            }
        }
        if let Some(predicate) = &more.url {
            let url = Value::String(response.url.to_string());
            if let Err(mismatch) = predicate.check(Some(&url), operands) {
                failures.push(Failure::new(
                    ["expect", "url"],
                    "url",
                    mismatch.expected,
                    mismatch.actual,
                ));
            }
        }
        for cookie in &more.cookies {
            cookie.check(response, operands, &mut failures);
        }
        if let Some(openapi) = &more.openapi {
            failures.extend(
                openapi
                    .check(view, operands)
                    .into_iter()
                    .map(openapi_failure),
            );
        }
        if let Some(predicate) = &more.duration {
            let millis = Value::from(crate::spec::duration::round_millis(response.duration));
            if let Err(mismatch) = predicate.check(Some(&millis), operands) {
                failures.push(Failure::new(
                    ["expect", "duration"],
                    "duration",
                    format!("{} ms", mismatch.expected),
                    format!("{} ms", mismatch.actual),
                ));
            }
        }
        failures
    }
}

/// A contract violation as a failure of `expect.openapi`: `openapi OPERATION[ body PATH]:
/// expected RULE [schema FILE#POINTER], got ACTUAL`.
fn openapi_failure(violation: crate::openapi::Violation) -> Failure {
    let subject = match &violation.instance_path {
        Some(path) if path.is_empty() => format!("openapi {} body /", violation.operation),
        Some(path) => format!("openapi {} body {path}", violation.operation),
        None => format!("openapi {}", violation.operation),
    };
    Failure::new(
        ["expect", "openapi"],
        subject,
        format!("{} [schema {}]", violation.expected, violation.schema_path),
        violation.actual,
    )
}

impl CookieExpectation {
    fn check(
        &self,
        response: &crate::response::Received,
        operands: Operands<'_>,
        failures: &mut Vec<Failure>,
    ) {
        let Some(cookie) = response.cookie(&self.name) else {
            failures.push(Failure::new(
                ["expect", "cookies", self.name.as_str()],
                format!("cookie {}", self.name),
                "the response to set it",
                "no such Set-Cookie",
            ));
            return;
        };
        let text = |v: &Option<String>| v.as_ref().map(|v| Value::String(v.clone()));
        let checks: [(&str, &Option<Predicate>, Option<Value>); 6] = [
            ("", &self.value, Some(Value::String(cookie.value.clone()))),
            (" Path", &self.path, text(&cookie.path)),
            (" Domain", &self.domain, text(&cookie.domain)),
            (" SameSite", &self.same_site, text(&cookie.same_site)),
            (" Max-Age", &self.max_age, cookie.max_age.map(Value::from)),
            (" Expires", &self.expires, text(&cookie.expires)),
        ];
        for (attribute, predicate, actual) in checks {
            if let Some(predicate) = predicate {
                if let Err(mismatch) = predicate.check(actual.as_ref(), operands) {
                    failures.push(Failure::new(
                        ["expect", "cookies", self.name.as_str()],
                        format!("cookie {}{attribute}", self.name),
                        mismatch.expected,
                        mismatch.actual,
                    ));
                }
            }
        }
        for (attribute, wanted, actual) in [
            ("Secure", self.secure, cookie.secure),
            ("HttpOnly", self.http_only, cookie.http_only),
        ] {
            if let Some(wanted) = wanted {
                if wanted != actual {
                    let state = |on: bool| if on { "set" } else { "not set" };
                    failures.push(Failure::new(
                        ["expect", "cookies", self.name.as_str()],
                        format!("cookie {} {attribute}", self.name),
                        state(wanted),
                        state(actual),
                    ));
                }
            }
        }
    }
}

impl JsonPathExpectation {
    fn check(&self, view: &ResponseView<'_>, operands: Operands<'_>, failures: &mut Vec<Failure>) {
        let subject = self.path.as_str().to_owned();
        let matches = match view.select(&self.path) {
            Ok(matches) => matches,
            Err(not_json) => {
                failures.push(Failure::new(
                    ["expect", "jsonpath", self.path.as_str()],
                    subject,
                    "a JSON body",
                    not_json.describe(operands.redactor),
                ));
                return;
            }
        };
        if let Some(count) = &self.count {
            if let Err(mismatch) = count.check(Some(&Value::from(matches.len())), operands) {
                failures.push(Failure::new(
                    ["expect", "jsonpath", self.path.as_str()],
                    subject.clone(),
                    format!("count {}", mismatch.expected),
                    format!("{} matches", matches.len()),
                ));
            }
        }
        if self.predicate.is_trivial() {
            return;
        }
        if matches.is_empty() {
            if let Err(mismatch) = self.predicate.check(None, operands) {
                failures.push(Failure::new(
                    ["expect", "jsonpath", self.path.as_str()],
                    subject,
                    mismatch.expected,
                    "no match",
                ));
            }
            return;
        }
        for node in &matches {
            if let Err(mismatch) = self.predicate.check(Some(node), operands) {
                // The predicate's own account of the value (`length 3: [...]` for a length).
                failures.push(Failure::new(
                    ["expect", "jsonpath", self.path.as_str()],
                    subject,
                    mismatch.expected,
                    mismatch.actual,
                ));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// A schema file is read as every other file is: after a UTF-8 byte order mark, and, when
    /// it is not UTF-8 (Latin-1, UTF-16), refused as that, not as unreadable or not JSON.
    #[test]
    fn a_schema_file_is_read_as_text_as_every_other_file_is() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.path().join(name), bytes).expect("written");
            SchemaExpectation::load(dir.path(), name)
        };
        assert!(write("bom.json", b"\xEF\xBB\xBF{\"type\": \"object\"}").is_ok());
        let utf16: Vec<u8> = "\u{feff}{\"type\": \"object\"}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        for (name, bytes, says) in [
            (
                "latin1.json",
                &b"{\"description\": \"caf\xE9\"}"[..],
                ":1:21: not UTF-8 text (byte 0xE9",
            ),
            ("utf16.json", &utf16[..], ":1:1: UTF-16 text"),
        ] {
            let Err(error) = write(name, bytes) else {
                panic!("{name} accepted");
            };
            assert!(
                matches!(error, SchemaExpectationError::Invalid { .. }),
                "{name}: {error:?}"
            );
            let message = error.to_string();
            assert!(message.contains(says), "{name}: {message}");
            assert!(
                message.contains("save the file as UTF-8"),
                "{name}: {message}"
            );
        }
    }

    use super::*;
    use crate::check::jsonpath::JsonPath;
    use crate::check::predicate::{Operands, Subject};
    use crate::check::ResponseView;
    use crate::redact::Redactor;
    use crate::response::Received;
    use crate::template::Templates;

    fn predicate(yaml: &str, subject: Subject, templates: &mut Templates) -> Predicate {
        let spec = serde_yaml::from_str(yaml).expect("a predicate");
        Predicate::compile(&spec, subject, false, templates)
            .expect("compiles")
            .0
    }

    fn received(status: u16, content_type: &str, body: &str) -> Received {
        let mut received = Received::new(
            status,
            reqwest::Url::parse("http://127.0.0.1/items").expect("url"),
            body.to_owned(),
        );
        if let Ok(value) = content_type.parse() {
            received.headers.insert("content-type", value);
        }
        received
    }

    /// Checks `expectations` on `response` with no variables and `secrets` masked.
    fn check(expectations: &Expectations, response: &Received, secrets: &[&str]) -> Vec<Failure> {
        let templates = Templates::new();
        let context = handlebars::Context::from(serde_json::json!({}));
        let mut redactor = Redactor::new();
        secrets.iter().for_each(|s| redactor.add(s));
        let operands = Operands {
            templates: &templates,
            context: &context,
            redactor: &redactor,
        };
        expectations.check(&ResponseView::new(response), operands)
    }

    #[test]
    fn a_status_word_near_one_runner_has_is_named() {
        let problem = |text: &str| match StatusMatcher::compile(&StatusSpec::Text(text.into())) {
            Err(message) => message,
            Ok(_) => panic!("`{text}` compiles"),
        };
        assert!(problem("sucess").contains("(did you mean `success`?)"));
        assert!(problem("Success").contains("(did you mean `success`?)"));
        assert!(problem("Any").contains("(did you mean `any`?)"));
        assert!(
            !problem("2xy").contains("did you mean"),
            "{}",
            problem("2xy")
        );
    }

    #[test]
    fn the_expectations_few_steps_set_take_room_only_when_set() {
        let mut templates = Templates::new();
        let mut expectations = Expectations::new(None, Vec::new(), Vec::new(), Default::default());
        assert!(expectations.more.is_none());
        assert!(expectations.more().body.is_none());
        expectations.change_more(|more| {
            more.body = Some(predicate("{ contains: ok }", Subject::Text, &mut templates));
        });
        assert!(expectations.more.is_some());
        let ok = received(200, "text/plain", "it is ok");
        assert_eq!(check(&expectations, &ok, &[]), []);
        let bad = received(200, "text/plain", "it is not");
        assert_eq!(check(&expectations, &bad, &[])[0].subject, "body");
        expectations.change_more(|more| more.body = None);
        assert!(expectations.more.is_none());
    }

    #[test]
    fn every_expectation_that_fails_is_reported_in_order() {
        let mut templates = Templates::new();
        let expectations = Expectations {
            status: Some(status("200").expect("valid")),
            headers: vec![(
                "content-type".into(),
                predicate("{ contains: json }", Subject::Text, &mut templates),
            )],
            jsonpath: vec![JsonPathExpectation {
                path: JsonPath::compile("$.id").expect("a path"),
                predicate: predicate("{ type: integer }", Subject::Json, &mut templates),
                count: None,
            }],
            ..Expectations::default()
        };
        let ok = received(200, "application/json", r#"{"id": 7}"#);
        assert_eq!(check(&expectations, &ok, &[]), []);
        let bad = received(404, "text/plain", r#"{"id": "seven"}"#);
        let failures = check(&expectations, &bad, &[]);
        let subjects: Vec<&str> = failures.iter().map(|f| f.subject.as_str()).collect();
        assert_eq!(
            subjects,
            ["status", "header content-type", "$.id"],
            "{failures:?}"
        );
        assert_eq!(failures[0].actual, "404");
        assert_eq!(failures[2].actual, r#""seven""#);
    }

    #[test]
    fn a_body_that_is_not_json_says_so_with_its_start_masked() {
        let expectations = Expectations {
            jsonpath: vec![JsonPathExpectation {
                path: JsonPath::compile("$.id").expect("a path"),
                predicate: predicate("1", Subject::Json, &mut Templates::new()),
                count: None,
            }],
            ..Expectations::default()
        };
        let response = received(200, "text/html", "<html>token=hunter22-secret</html>");
        let failures = check(&expectations, &response, &["hunter22-secret"]);
        assert_eq!(failures.len(), 1);
        assert!(
            failures[0].actual.contains("the body is not JSON"),
            "{failures:?}"
        );
        assert!(failures[0].actual.contains("token=***"), "{failures:?}");
        assert!(!failures[0].actual.contains("hunter22"), "{failures:?}");
    }

    fn status(yaml: &str) -> Result<StatusMatcher, String> {
        StatusMatcher::compile(&serde_yaml::from_str(yaml).expect("parses"))
    }

    #[test]
    fn status_forms() {
        assert!(status("200").expect("valid").accepts(200));
        assert!(!status("200").expect("valid").accepts(201));
        assert!(status("[200, 201]").expect("valid").accepts(201));
        assert!(status("'2xx'").expect("valid").accepts(204));
        assert!(!status("'2xx'").expect("valid").accepts(301));
        assert!(status("'204'").expect("valid").accepts(204));
        assert!(status("'2xy'").is_err());
        assert!(status("[]").is_err());
        assert!(serde_yaml::from_str::<StatusSpec>("42").is_err());
    }
}
