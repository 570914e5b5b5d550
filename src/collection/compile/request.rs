//! Compiles a request step: the request (method, URL, query, headers, cookies, redirects, timeout) with what `defaults` gives it, then its expectations, captures, retry and pages.

use super::expect::expectation_references;
use super::templates::{record, record_parameter};
use super::{Compiler, Defaults, DEFAULT_MAX_REDIRECTS};
use crate::check::expect::{Expectations, StatusMatcher};
use crate::collection::locate::FieldPath;
use crate::collection::Diagnostic;
use crate::collection::{Body, PartContent, Reference, Request, RequestStep};
use crate::spec::collection::{RequestSpec, StepSpec};
use crate::template::Template;

/// Gives back the room collecting left in a request step's lists (a `Vec` collected from an
/// iterator starts with room for four): a collection holds every step while it runs.
pub(super) fn shrink_to_fit(step: &mut RequestStep) {
    step.request.query.shrink_to_fit();
    step.request.headers.shrink_to_fit();
    step.request.cookies.shrink_to_fit();
    step.captures.shrink_to_fit();
    step.expect.headers.shrink_to_fit();
    step.expect.jsonpath.shrink_to_fit();
}

impl Compiler<'_> {
    pub(super) fn request_step(
        &mut self,
        spec: &StepSpec,
        request_spec: &RequestSpec,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> RequestStep {
        let request_field = field.key("request");
        let expect_field = field.key("expect");
        // Lent out rather than cloned for every step; put back right after.
        let defaults = std::mem::take(&mut self.defaults);
        let request = self.request(request_spec, &request_field, &defaults);
        self.defaults = defaults;
        let mut expect = match &spec.expect {
            Some(expect) => self.expectations(expect, &expect_field),
            None => Expectations::default(),
        };
        // A step that says nothing about status expects `defaults.expect.status`, else a
        // success: a smoke test must fail on a 4xx or 5xx.
        if spec.expect.as_ref().is_none_or(|e| e.status.is_none()) {
            expect.status = Some(
                self.defaults
                    .status
                    .clone()
                    .unwrap_or(StatusMatcher::Success { written: false }),
            );
        }
        // A step that says nothing about a snapshot takes `defaults.expect.snapshot`.
        if spec.expect.as_ref().is_none_or(|e| e.snapshot.is_none()) {
            if let Some(snapshot) = &self.defaults.snapshot {
                expect.change_more(|more| more.snapshot = Some(snapshot.clone()));
            }
        }
        self.openapi_expectation(spec, request_spec, field, &mut expect);
        let mut captures = Vec::with_capacity(spec.capture.len());
        for (name, capture) in &spec.capture {
            let at = || field.key_in("capture", name.to_owned());
            captures.extend(self.capture(name, &capture.source, at));
        }
        let retry = spec
            .retry
            .as_ref()
            .map(|retry| self.retry(retry, &field.key("retry"), references));
        let paginate = spec
            .paginate
            .as_ref()
            .and_then(|paginate| self.paginate(paginate, &field.key("paginate")));
        self.retry_with_paginate(spec, field);

        record(references, [&request.url], || request_field.key("url"));
        for (name, parameter) in &request.query {
            record_parameter(references, parameter, || {
                request_field.key_in("query", name.to_owned())
            });
        }
        for (name, template) in &request.headers {
            let at = || {
                if request_spec
                    .headers
                    .keys()
                    .any(|k| k.eq_ignore_ascii_case(name))
                {
                    request_field.key_in("headers", name.to_owned())
                } else {
                    FieldPath::default()
                        .key("defaults")
                        .key_in("headers", name.to_owned())
                }
            };
            record(references, [template], at);
        }
        match &request.body {
            Body::Json(json) => {
                let at = if request_spec.graphql.is_some() {
                    "graphql"
                } else {
                    "json"
                };
                record(references, json.templates(), || request_field.key(at));
            }
            Body::Text(text) => record(references, [text], || request_field.key("body")),
            Body::Form(fields) => {
                for (name, parameter) in fields {
                    record_parameter(references, parameter, || {
                        request_field.key_in("form", name.to_owned())
                    });
                }
            }
            Body::Multipart(parts) => {
                for part in parts {
                    if let PartContent::Text(template) = &part.content {
                        record(references, [template], || {
                            request_field.key_in("multipart", part.name.to_owned())
                        });
                    }
                }
            }
            Body::File(_) | Body::None => {}
        }
        for (name, template) in &request.cookies {
            record(references, [template], || {
                request_field.key_in("cookies", name.to_owned())
            });
        }
        if let Some(auth) = &request.auth {
            let at = if request_spec.auth.is_some() {
                request_field.key("auth")
            } else {
                FieldPath::default().key_in("defaults", "auth")
            };
            for (kind, template) in auth.templates() {
                record(references, [template], || at.key(kind));
            }
        }
        expectation_references(references, &expect, &expect_field);
        let mut step = RequestStep {
            request,
            expect,
            captures,
            retry: retry.map(Box::new),
            paginate: paginate.map(Box::new),
            body_plan: None,
        };
        step.body_plan = self.plans.plan(&step);
        shrink_to_fit(&mut step);
        step
    }

    pub(super) fn request(
        &mut self,
        spec: &RequestSpec,
        field: &FieldPath,
        defaults: &Defaults,
    ) -> Request {
        let url = self.template_at(&spec.url, || field.key("url"));
        if let Some(Template::Literal(text)) = &url {
            if let Err(message) = literal_url(text) {
                self.problem(&field.key("url"), message);
            }
        }
        let mut query = Vec::with_capacity(spec.query.len());
        for (name, value) in &spec.query {
            let at = || field.key_in("query", name.to_owned());
            if !self.name_as_written(name, Named::Query, at) {
                continue;
            }
            if let Some(parameter) = self.parameter(value, at) {
                query.push((name.clone(), parameter));
            }
        }
        let mut headers: Vec<(String, Template)> =
            Vec::with_capacity(defaults.headers.len() + spec.headers.len());
        headers.extend(
            defaults
                .headers
                .iter()
                .filter(|(name, _)| {
                    !spec
                        .headers
                        .keys()
                        .any(|own| own.eq_ignore_ascii_case(name))
                })
                .cloned(),
        );
        for (name, value) in &spec.headers {
            let at = || field.key_in("headers", name.to_owned());
            match value {
                Some(value) => headers.extend(self.header(name, value, at)),
                // A header removed is named as one sent is: a name no header has removes
                // nothing, silently.
                None => {
                    self.header_name(name, at);
                }
            }
        }
        let body = self.body(spec, field, &mut headers);
        let auth = match &spec.auth {
            Some(auth) => self.auth(auth, &field.key("auth")).ok().flatten(),
            None => defaults.auth.clone(),
        };
        let cookies = spec
            .cookies
            .iter()
            .filter_map(|(name, value)| {
                let at = field.key_in("cookies", name.to_owned());
                if !self.name_as_written(name, Named::Cookie, || at.clone()) {
                    return None;
                }
                if name.is_empty()
                    || name
                        .chars()
                        .any(|c| c.is_ascii_control() || "()<>@,;:\\\"/[]?={} \t".contains(c))
                {
                    self.problem(&at, format!("`{name}` is not a valid cookie name"));
                    return None;
                }
                Some((name.clone(), self.template(value, &at)?))
            })
            .collect();
        Request {
            method: spec.method.clone(),
            url: url.unwrap_or(Template::Literal(String::new())),
            query,
            headers,
            body,
            auth: auth.map(Box::new),
            cookies,
            timeout: spec.timeout.map(|d| d.0),
            follow_redirects: spec
                .follow_redirects
                .or(defaults.follow_redirects)
                .unwrap_or(true),
            max_redirects: spec
                .max_redirects
                .or(defaults.max_redirects)
                .unwrap_or(DEFAULT_MAX_REDIRECTS),
        }
    }

    pub(super) fn header(
        &mut self,
        name: &str,
        value: &str,
        field: impl Fn() -> FieldPath,
    ) -> Option<(String, Template)> {
        if !self.header_name(name, &field) {
            return None;
        }
        Some((name.to_owned(), self.template_at(value, field)?))
    }

    /// Whether `name` is a header's name; a problem at `field` when it is not.
    pub(super) fn header_name(&mut self, name: &str, field: impl Fn() -> FieldPath) -> bool {
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            let problem = Diagnostic::at(
                self.path,
                (self.source, self.positions),
                &field(),
                format!("`{name}` is not a valid header name"),
            );
            let problem = match crate::template::holds_braces(name) {
                true => problem.with_hint("a header's name is sent as written, not rendered: put the variable in its value"),
                false => problem,
            };
            self.problems
                .push(problem.at_key((self.source, self.positions), name));
            return false;
        }
        true
    }
}

/// What a name sent as it is written names (its words, and how to send a name made from a
/// variable instead).
#[derive(Clone, Copy)]
pub(super) enum Named {
    Query,
    Form,
    Part,
    Cookie,
    /// `auth.api_key.query`.
    ApiKeyQuery,
    /// `paginate.next.query`.
    PageQuery,
    /// A multipart part's `filename`.
    Filename,
}

impl Named {
    fn what(self) -> &'static str {
        match self {
            Named::Query => "a query parameter's name",
            Named::Form => "a form field's name",
            Named::Part => "a multipart part's name",
            Named::Cookie => "a cookie's name",
            Named::ApiKeyQuery => "the query parameter an API key goes in",
            Named::PageQuery => "the query parameter a page is asked for by",
            Named::Filename => "a part's file name",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Named::Query => "write the parameter in the URL, which is rendered: `url: \"{{base_url}}/items?{{name}}={{value}}\"` (a literal `{{` there is `\\{{`)",
            Named::Form => "write the body as text, which is rendered: `body: \"{{name}}={{urlencode value}}\"` with `headers: { Content-Type: application/x-www-form-urlencoded }`",
            Named::Part => "name the part with a fixed name; its value may be a template",
            Named::Cookie => "write the Cookie header, which is rendered: `headers: { Cookie: \"{{name}}={{value}}\" }`",
            Named::ApiKeyQuery => "name the parameter as the API names it; the key itself is `value`, which may be a template",
            Named::PageQuery => "name the parameter as the API names it; the page's value comes from the response",
            Named::Filename => "write the file name as it is sent (`file` is the file read)",
        }
    }
}

impl Compiler<'_> {
    /// Whether `name` can be sent as it is written: one that holds `{{` is refused (a
    /// problem at the name), since names are not rendered and it would go out as `{{…}}`.
    pub(super) fn name_as_written(
        &mut self,
        name: &str,
        named: Named,
        field: impl Fn() -> FieldPath,
    ) -> bool {
        if !crate::template::holds_braces(name) {
            return true;
        }
        let problem = Diagnostic::at(
            self.path,
            (self.source, self.positions),
            &field(),
            format!(
                "{} is sent as written, not rendered: `{name}` would go out as it is",
                named.what()
            ),
        )
        .with_hint(named.hint());
        // A name written as a map's key is marked there; the others are values.
        let problem = match named {
            Named::Query | Named::Form | Named::Part | Named::Cookie => {
                problem.at_key((self.source, self.positions), name)
            }
            Named::ApiKeyQuery | Named::PageQuery | Named::Filename => problem,
        };
        self.problems.push(problem);
        false
    }
}

/// A URL written without templates is checked when the collection loads, so that a typo in
/// the fifth step is found before the first four are sent.
fn literal_url(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the URL is empty; write the whole URL, e.g. `https://api.example.com/items`, or `{{base_url}}/items`".into());
    }
    let url = reqwest::Url::parse(text).map_err(|e| {
        format!("`{text}` is not a valid URL: {e}; write the whole URL, e.g. `https://api.example.com/items`")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{text}` is not an http:// or https:// URL, the only ones runner sends"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compiled, problems, request_step};
    use crate::collection::Body;

    #[test]
    fn defaults_fill_in_what_a_step_leaves_out() {
        let collection = compiled(
            r#"
name: t
defaults: { headers: { Accept: application/json, X-Team: core }, follow_redirects: false }
steps:
  - name: s
    request:
      method: POST
      url: "http://127.0.0.1:1/items"
      query: { page: "2" }
      headers: { X-Team: edge }
      json: { n: 1 }
"#,
        );
        let request = &request_step(&collection, 0).request;
        assert_eq!(request.method.as_str(), "POST");
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.source()))
            .collect();
        assert!(
            headers.contains(&("Accept", "application/json")),
            "{headers:?}"
        );
        assert!(
            headers.contains(&("X-Team", "edge")),
            "the step's own header wins: {headers:?}"
        );
        assert!(!headers.contains(&("X-Team", "core")), "{headers:?}");
        assert_eq!(request.query.len(), 1);
        assert!(!request.follow_redirects);
        assert!(matches!(request.body, Body::Json(_)));
    }

    #[test]
    fn steps_that_query_the_same_paths_share_one_body_plan() {
        let collection = compiled(
            r#"
name: t
steps:
  - name: a
    request: { url: "http://127.0.0.1:1/" }
    expect: { jsonpath: { $.id: 1 } }
    capture: { name: $.name }
  - name: b
    request: { url: "http://127.0.0.1:1/" }
    expect: { jsonpath: { $.id: 2 } }
    capture: { other: $.name }
  - name: c
    request: { url: "http://127.0.0.1:1/" }
    capture: { name: $.name }
  - name: d
    request: { url: "http://127.0.0.1:1/" }
  - name: e
    request: { url: "http://127.0.0.1:1/" }
    capture: { all: $ }
"#,
        );
        let plan = |index| request_step(&collection, index).body_plan.clone();
        let (a, b, c) = (plan(0), plan(1), plan(2));
        let (a, b, c) = (a.expect("a plan"), b.expect("b plan"), c.expect("c plan"));
        assert!(std::sync::Arc::ptr_eq(&a, &b), "the same paths, one plan");
        assert!(!std::sync::Arc::ptr_eq(&a, &c), "other paths, another plan");
        assert!(plan(3).is_none(), "no JSONPath, no plan");
        assert!(plan(4).is_none(), "the whole document: no plan");
    }

    #[test]
    fn a_header_name_that_cannot_be_sent_is_a_problem_at_its_field() {
        let found = problems(
            "name: t\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/\", headers: { \"Bad Name\": x } }\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("steps[0].request.headers"),
            "{found:?}"
        );
    }
}
