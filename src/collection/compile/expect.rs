//! Compiles what a step expects and captures: status, headers, JSONPaths, body, schema, duration, URL, cookies and `values`; `when` conditions; every JSONPath once per text.

use crate::spec::map::Map;
use crate::spec::schema_spec::SchemaSpec;
use regex::Regex;
use serde_json::Value;

use super::templates::record;
use super::{is_identifier, Compiler};
use crate::check::capture::{Capture, CaptureSource};
use crate::check::expect::{
    CookieExpectation, Expectations, JsonPathExpectation, MoreExpectations, SchemaExpectation,
    SchemaExpectationError, StatusMatcher,
};
use crate::check::jsonpath::JsonPath;
use crate::check::predicate::{Predicate, Subject};
use crate::collection::locate::FieldPath;
use crate::collection::Diagnostic;
use crate::collection::{Condition, Reference, RESERVED_NAMES};
use crate::spec::collection::{CookieExpectSpec, ExpectSpec};
use crate::spec::field::Segment;
use crate::spec::predicate::{PredicateSpec, StatusSpec};

/// The variables an `expect` block's operands read.
pub(super) fn expectation_references(
    references: &mut Vec<Reference>,
    expect: &Expectations,
    field: &FieldPath,
) {
    if let Some(StatusMatcher::Templated(template)) = &expect.status {
        record(references, [template], || field.key("status"));
    }
    for (name, predicate) in &expect.headers {
        record(references, predicate.templates(), || {
            field.key_in("headers", name.to_owned())
        });
    }
    for expectation in &expect.jsonpath {
        record(references, expectation.predicate.templates(), || {
            field
                .key("jsonpath")
                .key(expectation.path.as_str().to_owned())
        });
    }
    let more = expect.more();
    if let Some(body) = &more.body {
        record(references, body.templates(), || field.key("body"));
    }
    if let Some(url) = &more.url {
        record(references, url.templates(), || field.key("url"));
    }
    if !more.values.is_empty() {
        conditions_references(references, &more.values, &field.key("values"));
    }
}

/// The variables `when` or `expect.values` read.
pub(super) fn conditions_references(
    references: &mut Vec<Reference>,
    conditions: &[Condition],
    field: &FieldPath,
) {
    for condition in conditions {
        let at = || field.key(condition.source.to_owned());
        record(references, condition.value.templates(), at);
        record(references, condition.predicate.templates(), at);
    }
}

impl Compiler<'_> {
    /// Compiles an expected status at `field` (a step's or `defaults.expect`'s; made only
    /// for a problem). A template (`"{{expected_status}}"`, a data row's column) resolves
    /// when the step runs.
    pub(super) fn status(
        &mut self,
        status: &StatusSpec,
        field: impl FnOnce() -> FieldPath,
    ) -> Option<StatusMatcher> {
        match status {
            StatusSpec::Text(text) if crate::template::holds_braces(text) => {
                self.template_at(text, field).map(StatusMatcher::Templated)
            }
            _ => match StatusMatcher::compile(status) {
                Ok(matcher) => Some(matcher),
                Err(message) => {
                    self.problem(&field(), message);
                    None
                }
            },
        }
    }

    pub(super) fn expectations(&mut self, spec: &ExpectSpec, field: &FieldPath) -> Expectations {
        let status = spec
            .status
            .as_ref()
            .and_then(|status| self.status(status, || field.key("status")));
        // Sized to what is written, so the step keeps no spare room.
        let mut headers = Vec::with_capacity(spec.headers.len());
        for (name, predicate) in &spec.headers {
            let at = || field.key_in("headers", name.to_owned());
            if let Some((predicate, _)) = self.predicate_at(predicate, Subject::Text, false, at) {
                headers.push((name.to_ascii_lowercase(), predicate));
            }
        }
        let mut jsonpath = Vec::with_capacity(spec.jsonpath.len());
        for (path, predicate) in &spec.jsonpath {
            let at = || field.key_in("jsonpath", path.to_owned());
            let compiled = self.jsonpath_at(path, at);
            if let (Some(path), Some((predicate, count))) = (
                compiled,
                self.predicate_at(predicate, Subject::Json, true, at),
            ) {
                jsonpath.push(JsonPathExpectation {
                    path,
                    predicate,
                    count: count.map(Box::new),
                });
            }
        }
        let body = spec
            .body
            .as_ref()
            .and_then(|p| self.predicate(p, Subject::Text, false, &field.key("body")))
            .map(|(p, _)| p);
        let duration = spec
            .duration
            .as_ref()
            .and_then(|p| self.predicate(p, Subject::Duration, false, &field.key("duration")))
            .map(|(p, _)| p);
        let schema = spec.schema.as_ref().and_then(|written| {
            // Relative to the collection's own folder.
            let base = crate::spec::file::folder_of(self.path);
            let compiled = match written {
                SchemaSpec::File(path) => SchemaExpectation::load(base, path),
                SchemaSpec::Inline(schema) => SchemaExpectation::inline(schema),
            };
            match compiled {
                Ok(schema) => Some(schema),
                Err(error @ SchemaExpectationError::Unreadable { .. }) => {
                    self.problem_with_hint(
                        &field.key("schema"),
                        error.to_string(),
                        "the path is relative to the collection file",
                    );
                    None
                }
                Err(error @ SchemaExpectationError::Invalid { .. }) => {
                    self.problem(&field.key("schema"), error.to_string());
                    None
                }
            }
        });
        let values = if spec.values.is_empty() {
            Vec::new()
        } else {
            self.conditions(&spec.values, &field.key("values"))
        };
        let url = spec
            .url
            .as_ref()
            .and_then(|p| self.predicate(p, Subject::Text, false, &field.key("url")))
            .map(|(p, _)| p);
        let cookies = spec
            .cookies
            .iter()
            .filter_map(|(name, cookie)| {
                self.cookie_expectation(name, cookie, &field.key_in("cookies", name.to_owned()))
            })
            .collect();
        let snapshot = spec
            .snapshot
            .as_ref()
            .and_then(|snapshot| self.snapshot(snapshot, &field.key("snapshot")));
        Expectations::new(
            status,
            headers,
            jsonpath,
            MoreExpectations {
                body,
                schema: schema.map(Box::new),
                duration,
                values,
                url,
                cookies,
                snapshot,
                openapi: None,
            },
        )
    }

    pub(super) fn predicate(
        &mut self,
        spec: &crate::spec::predicate::PredicateSpec,
        subject: Subject,
        allow_count: bool,
        field: &FieldPath,
    ) -> Option<(Predicate, Option<Predicate>)> {
        self.predicate_at(spec, subject, allow_count, || field.clone())
    }

    /// [`Self::predicate`] with the field made only for a problem.
    pub(super) fn predicate_at(
        &mut self,
        spec: &crate::spec::predicate::PredicateSpec,
        subject: Subject,
        allow_count: bool,
        field: impl FnOnce() -> FieldPath,
    ) -> Option<(Predicate, Option<Predicate>)> {
        match Predicate::compile(spec, subject, allow_count, &mut self.templates) {
            Ok(compiled) => Some(compiled),
            Err(e) => {
                self.problem(&field(), e.to_string());
                None
            }
        }
    }

    pub(super) fn cookie_expectation(
        &mut self,
        name: &str,
        spec: &CookieExpectSpec,
        field: &FieldPath,
    ) -> Option<CookieExpectation> {
        let one = |compiler: &mut Self, predicate: &Option<PredicateSpec>, key: &str, subject| {
            predicate.as_ref().and_then(|p| {
                compiler
                    .predicate(p, subject, false, &field.key(key.to_owned()))
                    .map(|(p, _)| p)
            })
        };
        Some(match spec {
            CookieExpectSpec::Value(predicate) => CookieExpectation {
                name: name.to_owned(),
                value: Some(self.predicate(predicate, Subject::Text, false, field)?.0),
                ..CookieExpectation::default()
            },
            CookieExpectSpec::Attributes(attributes) => CookieExpectation {
                name: name.to_owned(),
                value: one(self, &attributes.value, "value", Subject::Text),
                secure: attributes.secure,
                http_only: attributes.http_only,
                path: one(self, &attributes.path, "path", Subject::Text),
                domain: one(self, &attributes.domain, "domain", Subject::Text),
                same_site: one(self, &attributes.same_site, "same_site", Subject::Text),
                max_age: one(self, &attributes.max_age, "max_age", Subject::Json),
                expires: one(self, &attributes.expires, "expires", Subject::Text),
            },
        })
    }

    pub(super) fn capture(
        &mut self,
        name: &str,
        spec: &crate::spec::capture::CaptureFields,
        field: impl Fn() -> FieldPath,
    ) -> Option<Capture> {
        if !is_identifier(name) || RESERVED_NAMES.contains(&name) {
            self.problem(&field(), format!("`{name}` cannot be a variable name: use letters, digits, `_` and `-`, not env, sandbox or steps"));
            return None;
        }
        let mut sources = Vec::new();
        if let Some(path) = &spec.jsonpath {
            let path = self.jsonpath_at(path, || field().key("jsonpath"))?;
            sources.push(CaptureSource::JsonPath {
                path,
                all: spec.all,
            });
        }
        let regex = match &spec.regex {
            Some(pattern) => match Regex::new(pattern) {
                Ok(regex) => Some(regex),
                Err(e) => {
                    self.problem(
                        &field().key("regex"),
                        format!(
                            "invalid regex `{pattern}`: {}",
                            crate::check::predicate::regex_reason(&e)
                        ),
                    );
                    return None;
                }
            },
            None => None,
        };
        match (&spec.header, regex) {
            (Some(header), regex) => {
                sources.push(CaptureSource::Header(header.to_ascii_lowercase(), regex))
            }
            (None, Some(regex)) => sources.push(CaptureSource::Regex(regex)),
            (None, None) => {}
        }
        if spec.status {
            sources.push(CaptureSource::Status);
        }
        if spec.body {
            sources.push(CaptureSource::Body);
        }
        if spec.duration {
            sources.push(CaptureSource::Duration);
        }
        if let Some(cookie) = &spec.cookie {
            sources.push(CaptureSource::Cookie(cookie.clone()));
        }
        if spec.url {
            sources.push(CaptureSource::Url);
        }
        if spec.redirects {
            sources.push(CaptureSource::Redirects);
        }
        if spec.all && spec.jsonpath.is_none() {
            self.problem(
                &field().key("all"),
                "`all` applies only to a `jsonpath` capture",
            );
            return None;
        }
        if sources.len() != 1 {
            self.problem_with_hint(
                &field(),
                format!(
                    "capture `{name}` must name exactly one source, found {}",
                    sources.len()
                ),
                "use one of: jsonpath, header (optionally with regex), regex, status: true, body: true, duration: true, cookie: NAME, url: true, redirects: true",
            );
            return None;
        }
        let source = sources.pop()?;
        Some(Capture {
            name: name.to_owned(),
            source,
            secret: spec.secret,
        })
    }

    pub(super) fn conditions(
        &mut self,
        specs: &Map<String, crate::spec::predicate::PredicateSpec>,
        field: &FieldPath,
    ) -> Vec<Condition> {
        specs
            .iter()
            .filter_map(|(source, predicate)| {
                let at = field.key(source.to_owned());
                let value = self.json(&Value::String(source.clone()), &at)?;
                let (predicate, _) = self.predicate(predicate, Subject::Json, false, &at)?;
                Some(Condition {
                    source: source.clone(),
                    value,
                    predicate,
                })
            })
            .collect()
    }

    /// Compiles a JSONPath, once per distinct text (clones share the compiled query).
    pub(super) fn jsonpath(&mut self, path: &str, field: &FieldPath) -> Option<JsonPath> {
        self.jsonpath_at(path, || field.clone())
    }

    /// [`Self::jsonpath`] with the field made only for a problem.
    pub(super) fn jsonpath_at(
        &mut self,
        path: &str,
        field: impl FnOnce() -> FieldPath,
    ) -> Option<JsonPath> {
        if let Some(compiled) = self.jsonpaths.get(path) {
            return Some(compiled.clone());
        }
        match JsonPath::compile(path) {
            Ok(compiled) => {
                self.jsonpaths.insert(path.to_owned(), compiled.clone());
                Some(compiled)
            }
            Err(e) => {
                let hint = match bracketed(path) {
                    Some(rewrite) => format!(
                        "in RFC 9535 a name after `.` is letters, digits and `_` only: write `{rewrite}`"
                    ),
                    None => "JSONPath follows RFC 9535, e.g. `$.items[0].id` or `$[*].name`".into(),
                };
                let field = field();
                let mut problem = Diagnostic::at(
                    self.path,
                    (self.source, self.positions),
                    &field,
                    e.to_string(),
                )
                .with_hint(hint);
                // A JSONPath written as a key (`jsonpath: { "$.a": 1 }`) is marked there, not
                // at the value after it.
                if matches!(field.0.last(), Some(Segment::Key(key)) if key == path) {
                    problem = problem.at_key((self.source, self.positions), path);
                }
                if let Some(character) = e.character {
                    problem = problem.at_character_of(path, character);
                }
                self.problems.push(problem);
                None
            }
        }
    }
}

/// `path` with each `.name` that RFC 9535 does not allow after a dot (one with `-`, or
/// starting with a digit) written in brackets, `['X-Team']`, if that makes it valid.
fn bracketed(path: &str) -> Option<String> {
    let mut out = String::with_capacity(path.len() + 8);
    let mut changed = false;
    let mut chars = path.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((_, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '.') if chars.peek().is_some_and(|(_, n)| *n != '.' && *n != '*') => {
                let mut name = String::new();
                while let Some((_, n)) = chars.peek() {
                    if n.is_alphanumeric() || *n == '_' || *n == '-' {
                        name.push(*n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if name.contains('-') || name.starts_with(|c: char| c.is_ascii_digit()) {
                    out.push_str(&format!("['{name}']"));
                    changed = true;
                } else {
                    out.push('.');
                    out.push_str(&name);
                }
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    (changed && JsonPath::compile(&out).is_ok()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compiled, problems, request_step};

    #[test]
    fn a_name_with_a_dash_after_a_dot_gets_the_bracketed_rewrite() {
        assert_eq!(
            super::bracketed("$.headers.X-Team").as_deref(),
            Some("$.headers['X-Team']")
        );
        assert_eq!(
            super::bracketed("$.a.x-y[0].b-c").as_deref(),
            Some("$.a['x-y'][0]['b-c']")
        );
        assert_eq!(super::bracketed("$['a.b-c'].d"), None);
        assert_eq!(super::bracketed("$.items[?@.id ==]"), None);
    }

    #[test]
    fn expectations_and_captures_compile_once_each() {
        let collection = compiled(
            r#"
name: t
steps:
  - name: s
    request: { url: "http://127.0.0.1:1/" }
    expect:
      status: [200, 201]
      headers: { content-type: { contains: json } }
      jsonpath: { $.id: { type: integer }, "$.items[*]": { count: 2 } }
      duration: { lt: 2s }
    capture:
      id: $.id
      token: { jsonpath: $.token, secret: true }
"#,
        );
        let step = request_step(&collection, 0);
        assert!(step.expect.status.is_some());
        assert_eq!(step.expect.headers.len(), 1);
        assert_eq!(step.expect.jsonpath.len(), 2);
        assert!(step.expect.more().duration.is_some());
        let captures: Vec<(&str, bool)> = step
            .captures
            .iter()
            .map(|c| (c.name.as_str(), c.secret))
            .collect();
        assert_eq!(captures, [("id", false), ("token", true)]);
    }

    #[test]
    fn a_step_without_a_status_takes_the_default_or_a_success() {
        use crate::check::expect::StatusMatcher;
        let plain = compiled(
            "name: t\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\" }\n",
        );
        assert!(matches!(
            request_step(&plain, 0).expect.status,
            Some(StatusMatcher::Success { written: false })
        ));
        let defaulted = compiled(
            "name: t\ndefaults: { expect: { status: any } }\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\" }\n  - name: own\n    request: { url: \"http://127.0.0.1:1/\" }\n    expect: { status: 201 }\n",
        );
        assert!(matches!(
            request_step(&defaulted, 0).expect.status,
            Some(StatusMatcher::Any)
        ));
        assert!(matches!(
            request_step(&defaulted, 1).expect.status,
            Some(StatusMatcher::Codes(_))
        ));
        let found = problems(
            "name: t\ndefaults: { expect: { status: 2xy } }\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\" }\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("defaults.expect.status: `2xy` is not a status"),
            "{found:?}"
        );
    }

    #[test]
    fn every_broken_expectation_is_reported_at_its_field() {
        let found = problems(
            r#"
name: t
steps:
  - name: s
    request: { url: "http://127.0.0.1:1/" }
    expect:
      jsonpath: { "$[": 1 }
      body: { matches: "(" }
"#,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("steps[0].expect.jsonpath")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.starts_with("steps[0].expect.body")),
            "{found:?}"
        );
    }
}
