//! Turns a parsed [`CollectionSpec`] into a runnable [`Collection`], collecting every problem
//! instead of stopping at the first.

use std::path::Path;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;

use super::diagnostic::did_you_mean;
use super::locate::FieldPath;
use super::model::{
    CollectionSpec, CookieExpectSpec, EnvironmentSpec, ExpectSpec, RequestSpec, ScalarValue,
    StepSpec,
};
use super::predicate_spec::PredicateSpec;
use super::{
    Auth, Body, Collection, Diagnostic, Environment, Input, PartContent, Reference, Request, Step,
    Variable, RESERVED_NAMES,
};
use crate::check::capture::{Capture, CaptureSource};
use crate::check::expect::{
    CookieExpectation, Expectations, JsonPathExpectation, SchemaExpectation, StatusMatcher,
};
use crate::check::jsonpath::JsonPath;
use crate::check::predicate::{Predicate, Subject};
use crate::template::{JsonTemplate, Template, Templates};

/// Compiles `source`, read from `path`: the collection (when its YAML has the format's
/// shape, even if parts of it do not compile, so later checks can still run on the rest) and
/// every problem found.
pub(super) fn compile(path: &Path, source: String) -> (Option<Collection>, Vec<Diagnostic>) {
    let spec = match parse(path, &source) {
        Ok(spec) => spec,
        Err(problems) => return (None, problems),
    };
    let mut compiler = Compiler {
        path,
        source: &source,
        templates: Templates::new(),
        problems: Vec::new(),
    };
    let (inputs, vars, environments, default_timeout, steps) = compiler.collection(&spec);
    let Compiler {
        templates,
        problems,
        ..
    } = compiler;
    let collection = Collection {
        path: path.to_owned(),
        name: spec.name,
        description: spec.description,
        tags: spec.tags,
        inputs,
        vars,
        environments,
        default_environment: spec.default_environment,
        default_timeout,
        steps,
        templates,
        source,
    };
    (Some(collection), problems)
}

/// Parses the YAML into the format's types. serde stops at the first problem, so after one,
/// every step is parsed on its own too: a collection with three broken steps shows three
/// problems.
fn parse(path: &Path, source: &str) -> Result<CollectionSpec, Vec<Diagnostic>> {
    if let Err(error) = super::duplicates::check(source) {
        return Err(vec![yaml_error(path, source, &error)]);
    }
    let first = match serde_yaml::from_str::<CollectionSpec>(source) {
        Ok(spec) => return Ok(spec),
        Err(error) => yaml_error(path, source, &error),
    };
    let mut problems = vec![first];
    let steps = serde_yaml::from_str::<serde_yaml::Value>(source)
        .ok()
        .and_then(|doc| doc.get("steps").and_then(|s| s.as_sequence()).map(Vec::len))
        .unwrap_or(0);
    for index in 0..steps {
        let at = FieldPath::default().key("steps").index(index);
        if let Err(error) = super::locate::deserialize_at::<StepSpec>(source, &at) {
            let problem = yaml_error(path, source, &error);
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    Err(problems)
}

type Parts = (
    IndexMap<String, Input>,
    IndexMap<String, Variable>,
    IndexMap<String, Environment>,
    Option<std::time::Duration>,
    Vec<Step>,
);

/// Compiles one collection, collecting every problem.
pub(super) struct Compiler<'a> {
    pub(super) path: &'a Path,
    source: &'a str,
    templates: Templates,
    problems: Vec<Diagnostic>,
}

/// What `defaults` gives every step.
struct Defaults {
    headers: Vec<(String, Template)>,
    /// `defaults.auth`: `None` when unset or `none`.
    auth: Option<Auth>,
    follow_redirects: Option<bool>,
    max_redirects: Option<u32>,
}

/// The redirects followed when neither the step nor `defaults` says.
const DEFAULT_MAX_REDIRECTS: u32 = 10;

impl Compiler<'_> {
    pub(super) fn problem(&mut self, field: &FieldPath, message: impl Into<String>) {
        self.problems
            .push(Diagnostic::at(self.path, self.source, field, message));
    }

    pub(super) fn problem_with_hint(
        &mut self,
        field: &FieldPath,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.problems
            .push(Diagnostic::at(self.path, self.source, field, message).with_hint(hint));
    }

    fn collection(&mut self, spec: &CollectionSpec) -> Parts {
        let root = FieldPath::default();
        let inputs: IndexMap<String, Input> = spec
            .inputs
            .iter()
            .map(|(name, input)| {
                (
                    name.clone(),
                    Input {
                        secret: input.secret,
                        description: input.description.clone(),
                        default: input.default.clone(),
                    },
                )
            })
            .collect();
        let vars = self.variables(&spec.vars, &root.key("vars"), &inputs);
        let environments = spec
            .environments
            .iter()
            .map(|(name, env)| {
                (
                    name.clone(),
                    self.environment(env, &root.key("environments").key(name), &inputs),
                )
            })
            .collect();
        if let Some(default) = &spec.default_environment {
            if !spec.environments.contains_key(default) {
                let known: Vec<&str> = spec.environments.keys().map(String::as_str).collect();
                let message =
                    format!("default_environment `{default}` is not one of the environments");
                match did_you_mean(default, known.iter().copied()) {
                    Some(close) => self.problem_with_hint(
                        &root.key("default_environment"),
                        message,
                        format!("did you mean `{close}`?"),
                    ),
                    None => self.problem(&root.key("default_environment"), message),
                }
            }
        }
        let default_headers: Vec<(String, Template)> = spec
            .defaults
            .headers
            .iter()
            .filter_map(|(name, value)| {
                let field = root.key("defaults").key("headers").key(name);
                self.header(name, value, &field)
            })
            .collect();
        let defaults_auth = match &spec.defaults.auth {
            Some(auth) => self
                .auth(auth, &root.key("defaults").key("auth"))
                .ok()
                .flatten(),
            None => None,
        };
        let defaults = Defaults {
            headers: default_headers,
            auth: defaults_auth,
            follow_redirects: spec.defaults.follow_redirects,
            max_redirects: spec.defaults.max_redirects,
        };
        let mut ids = Vec::<String>::new();
        let mut steps = Vec::with_capacity(spec.steps.len());
        for (index, step) in spec.steps.iter().enumerate() {
            let field = root.key("steps").index(index);
            if let Some(id) = &step.id {
                if !is_identifier(id) {
                    self.problem(
                        &field.key("id"),
                        format!("step id `{id}` may hold only letters, digits, `_` and `-`"),
                    );
                } else if ids.contains(id) {
                    self.problem(
                        &field.key("id"),
                        format!("step id `{id}` is used by an earlier step; ids must be unique"),
                    );
                }
                ids.push(id.clone());
            }
            steps.push(self.step(index, step, &field, &defaults, &inputs));
        }
        if spec.steps.is_empty() {
            self.problem(&root.key("steps"), "the collection has no steps");
        }
        (
            inputs,
            vars,
            environments,
            spec.defaults.timeout.map(|d| d.0),
            steps,
        )
    }

    fn environment(
        &mut self,
        spec: &EnvironmentSpec,
        field: &FieldPath,
        inputs: &IndexMap<String, Input>,
    ) -> Environment {
        Environment {
            sandbox: spec.sandbox,
            vars: self.variables(&spec.vars, &field.key("vars"), inputs),
        }
    }

    fn variables(
        &mut self,
        vars: &IndexMap<String, Value>,
        field: &FieldPath,
        inputs: &IndexMap<String, Input>,
    ) -> IndexMap<String, Variable> {
        let mut out = IndexMap::new();
        for (name, value) in vars {
            let field = field.key(name);
            if !is_identifier(name) {
                self.problem(
                    &field,
                    format!("variable name `{name}` may hold only letters, digits, `_` and `-`"),
                );
                continue;
            }
            if RESERVED_NAMES.contains(&name.as_str()) {
                self.problem(
                    &field,
                    format!("`{name}` is provided by runner and cannot be defined as a variable"),
                );
                continue;
            }
            if let Some(value) = self.json(value, &field) {
                for template in value.templates() {
                    self.check_env_references(template, &field, inputs);
                }
                out.insert(name.clone(), Variable { value, field });
            }
        }
        out
    }

    fn step(
        &mut self,
        index: usize,
        spec: &StepSpec,
        field: &FieldPath,
        defaults: &Defaults,
        inputs: &IndexMap<String, Input>,
    ) -> Step {
        let mut references = Vec::new();
        let request = self.request(&spec.request, &field.key("request"), defaults);
        let expect = match &spec.expect {
            Some(expect) => self.expectations(expect, &field.key("expect")),
            None => Expectations::default(),
        };
        let captures = spec
            .capture
            .iter()
            .filter_map(|(name, capture)| {
                self.capture(name, &capture.source, &field.key("capture").key(name))
            })
            .collect();

        let request_field = field.key("request");
        let mut record = |template: &Template, at: FieldPath| {
            for variable in template.references() {
                references.push(Reference {
                    variable,
                    field: at.clone(),
                });
            }
        };
        record(&request.url, request_field.key("url"));
        for (name, template) in &request.query {
            record(template, request_field.key("query").key(name));
        }
        for (name, template) in &request.headers {
            let at = if spec
                .request
                .headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case(name))
            {
                request_field.key("headers").key(name)
            } else {
                FieldPath::default()
                    .key("defaults")
                    .key("headers")
                    .key(name)
            };
            record(template, at);
        }
        match &request.body {
            Body::Json(json) => {
                let at = if spec.request.graphql.is_some() {
                    "graphql"
                } else {
                    "json"
                };
                json.templates()
                    .into_iter()
                    .for_each(|t| record(t, request_field.key(at)))
            }
            Body::Text(text) => record(text, request_field.key("body")),
            Body::Form(fields) => {
                for (name, template) in fields {
                    record(template, request_field.key("form").key(name));
                }
            }
            Body::Multipart(parts) => {
                for part in parts {
                    if let PartContent::Text(template) = &part.content {
                        record(template, request_field.key("multipart").key(&part.name));
                    }
                }
            }
            Body::File(_) | Body::None => {}
        }
        for (name, template) in &request.cookies {
            record(template, request_field.key("cookies").key(name));
        }
        if let Some(auth) = &request.auth {
            let at = if spec.request.auth.is_some() {
                request_field.key("auth")
            } else {
                FieldPath::default().key("defaults").key("auth")
            };
            for (kind, template) in auth.templates() {
                record(template, at.key(kind));
            }
        }
        if let Some(url) = &expect.url {
            url.templates()
                .into_iter()
                .for_each(|t| record(t, field.key("expect").key("url")));
        }
        let expect_field = field.key("expect");
        for (name, predicate) in &expect.headers {
            predicate
                .templates()
                .into_iter()
                .for_each(|t| record(t, expect_field.key("headers").key(name)));
        }
        for expectation in &expect.jsonpath {
            let at = expect_field.key("jsonpath").key(expectation.path.as_str());
            expectation
                .predicate
                .templates()
                .into_iter()
                .for_each(|t| record(t, at.clone()));
        }
        if let Some(body) = &expect.body {
            body.templates()
                .into_iter()
                .for_each(|t| record(t, expect_field.key("body")));
        }
        for reference in &references {
            if let Some(input) = reference.variable.strip_prefix("env.") {
                let input = input.split('.').next().unwrap_or(input).to_owned();
                if !inputs.contains_key(&input) {
                    self.undeclared_input(&input, &reference.field.clone(), inputs);
                }
            } else if reference.variable == "env" {
                self.problem(
                    &reference.field.clone(),
                    "`env` is not a value; read one declared input with `{{env.NAME}}`",
                );
            }
        }
        Step {
            index,
            name: spec.name.clone(),
            id: spec.id.clone(),
            tags: spec.tags.clone(),
            request,
            expect,
            captures,
            references,
        }
    }

    fn check_env_references(
        &mut self,
        template: &Template,
        field: &FieldPath,
        inputs: &IndexMap<String, Input>,
    ) {
        for variable in template.references() {
            if let Some(input) = variable.strip_prefix("env.") {
                let input = input.split('.').next().unwrap_or(input);
                if !inputs.contains_key(input) {
                    self.undeclared_input(input, field, inputs);
                }
            }
        }
    }

    fn undeclared_input(
        &mut self,
        input: &str,
        field: &FieldPath,
        inputs: &IndexMap<String, Input>,
    ) {
        let message =
            format!("`env.{input}` reads an environment variable that is not declared in `inputs`");
        let hint = match did_you_mean(input, inputs.keys().map(String::as_str)) {
            Some(close) => format!("did you mean `env.{close}`? Otherwise declare it: `inputs: {{ {input}: {{ description: ... }} }}`"),
            None => format!("declare it so users know the collection reads it: `inputs: {{ {input}: {{ description: ... }} }}`"),
        };
        self.problem_with_hint(field, message, hint);
    }

    fn request(&mut self, spec: &RequestSpec, field: &FieldPath, defaults: &Defaults) -> Request {
        let url = self.template(&spec.url, &field.key("url"));
        let query = spec
            .query
            .iter()
            .filter_map(|(name, value)| {
                let text = match value {
                    ScalarValue::String(s) => s.clone(),
                    ScalarValue::Number(n) => n.to_string(),
                    ScalarValue::Bool(b) => b.to_string(),
                };
                let template = self.template(&text, &field.key("query").key(name))?;
                Some((name.clone(), template))
            })
            .collect();
        let mut headers: Vec<(String, Template)> = defaults
            .headers
            .iter()
            .filter(|(name, _)| {
                !spec
                    .headers
                    .keys()
                    .any(|own| own.eq_ignore_ascii_case(name))
            })
            .cloned()
            .collect();
        for (name, value) in &spec.headers {
            if let Some(value) = value {
                if let Some(header) = self.header(name, value, &field.key("headers").key(name)) {
                    headers.push(header);
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
                let at = field.key("cookies").key(name);
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
            method: spec.method,
            url: url.unwrap_or(Template::Literal(String::new())),
            query,
            headers,
            body,
            auth,
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

    fn header(&mut self, name: &str, value: &str, field: &FieldPath) -> Option<(String, Template)> {
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            self.problem(field, format!("`{name}` is not a valid header name"));
            return None;
        }
        Some((name.to_owned(), self.template(value, field)?))
    }

    fn expectations(&mut self, spec: &ExpectSpec, field: &FieldPath) -> Expectations {
        let status = spec
            .status
            .as_ref()
            .and_then(|status| match StatusMatcher::compile(status) {
                Ok(matcher) => Some(matcher),
                Err(message) => {
                    self.problem(&field.key("status"), message);
                    None
                }
            });
        let headers = spec
            .headers
            .iter()
            .filter_map(|(name, predicate)| {
                let at = field.key("headers").key(name);
                let (predicate, _) = self.predicate(predicate, Subject::Text, false, &at)?;
                Some((name.to_ascii_lowercase(), predicate))
            })
            .collect();
        let jsonpath = spec
            .jsonpath
            .iter()
            .filter_map(|(path, predicate)| {
                let at = field.key("jsonpath").key(path);
                let compiled = match JsonPath::compile(path) {
                    Ok(compiled) => Some(compiled),
                    Err(e) => {
                        self.problem_with_hint(
                            &at,
                            e.to_string(),
                            "JSONPath follows RFC 9535, e.g. `$.items[0].id` or `$[*].name`",
                        );
                        None
                    }
                };
                let (predicate, count) = self.predicate(predicate, Subject::Json, true, &at)?;
                Some(JsonPathExpectation {
                    path: compiled?,
                    predicate,
                    count,
                })
            })
            .collect();
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
        let base = self.path.parent().unwrap_or(Path::new("."));
        let schema =
            spec.schema
                .as_ref()
                .and_then(|written| match SchemaExpectation::load(base, written) {
                    Ok(schema) => Some(schema),
                    Err(message) => {
                        self.problem_with_hint(
                            &field.key("schema"),
                            message,
                            "the path is relative to the collection file",
                        );
                        None
                    }
                });
        let url = spec
            .url
            .as_ref()
            .and_then(|p| self.predicate(p, Subject::Text, false, &field.key("url")))
            .map(|(p, _)| p);
        let cookies = spec
            .cookies
            .iter()
            .filter_map(|(name, cookie)| {
                self.cookie_expectation(name, cookie, &field.key("cookies").key(name))
            })
            .collect();
        Expectations {
            status,
            headers,
            jsonpath,
            body,
            schema,
            duration,
            url,
            cookies,
        }
    }

    fn predicate(
        &mut self,
        spec: &super::predicate_spec::PredicateSpec,
        subject: Subject,
        allow_count: bool,
        field: &FieldPath,
    ) -> Option<(Predicate, Option<Predicate>)> {
        match Predicate::compile(
            spec,
            subject,
            allow_count,
            &mut self.templates,
            &field.to_string(),
        ) {
            Ok(compiled) => Some(compiled),
            Err(e) => {
                self.problem(field, e.to_string());
                None
            }
        }
    }

    fn cookie_expectation(
        &mut self,
        name: &str,
        spec: &CookieExpectSpec,
        field: &FieldPath,
    ) -> Option<CookieExpectation> {
        let one = |compiler: &mut Self, predicate: &Option<PredicateSpec>, key: &str, subject| {
            predicate.as_ref().and_then(|p| {
                compiler
                    .predicate(p, subject, false, &field.key(key))
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

    fn capture(
        &mut self,
        name: &str,
        spec: &super::capture_spec::CaptureFields,
        field: &FieldPath,
    ) -> Option<Capture> {
        if !is_identifier(name) || RESERVED_NAMES.contains(&name) {
            self.problem(field, format!("`{name}` cannot be a variable name: use letters, digits, `_` and `-`, not env, sandbox or steps"));
            return None;
        }
        let mut sources = Vec::new();
        if let Some(path) = &spec.jsonpath {
            match JsonPath::compile(path) {
                Ok(path) => sources.push(CaptureSource::JsonPath {
                    path,
                    all: spec.all,
                }),
                Err(e) => {
                    self.problem_with_hint(
                        &field.key("jsonpath"),
                        e.to_string(),
                        "JSONPath follows RFC 9535, e.g. `$.auth_token`",
                    );
                    return None;
                }
            }
        }
        let regex = match &spec.regex {
            Some(pattern) => match Regex::new(pattern) {
                Ok(regex) => Some(regex),
                Err(e) => {
                    self.problem(
                        &field.key("regex"),
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
                &field.key("all"),
                "`all` applies only to a `jsonpath` capture",
            );
            return None;
        }
        if sources.len() != 1 {
            self.problem_with_hint(
                field,
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

    pub(super) fn template(&mut self, text: &str, field: &FieldPath) -> Option<Template> {
        match self.templates.compile(&field.to_string(), text) {
            Ok(template) => Some(template),
            Err(e) => {
                self.problem_with_hint(
                    field,
                    e.to_string(),
                    "templates are handlebars: `{{name}}`, `{{base64 name}}`",
                );
                None
            }
        }
    }

    pub(super) fn json(&mut self, value: &Value, field: &FieldPath) -> Option<JsonTemplate> {
        match JsonTemplate::compile(&mut self.templates, &field.to_string(), value) {
            Ok(json) => Some(json),
            Err(e) => {
                self.problem_with_hint(
                    field,
                    e.to_string(),
                    "templates are handlebars: `{{name}}`, `{{base64 name}}`",
                );
                None
            }
        }
    }
}

/// Letters, digits, `_` and `-`, not empty.
pub(crate) fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A YAML or shape error from serde, with its position and a hint where one helps.
fn yaml_error(path: &Path, source: &str, error: &serde_yaml::Error) -> Diagnostic {
    let position = error.location().map(|l| (l.line(), l.column()));
    let message = error.to_string();
    // serde_yaml appends " at line L column C"; the position is shown in front instead.
    let message = match message.find(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    };
    // It also prefixes the path of the offending node (`steps[1]: ...`); show it as the field.
    let (field, message) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && !path.is_empty() => {
            (Some(path.to_owned()), rest.to_owned())
        }
        _ => (None, message),
    };
    let line_text = position
        .and_then(|(line, _)| source.lines().nth(line.saturating_sub(1)))
        .unwrap_or("");
    let hint = if message.contains("unexpected end of stream") {
        Some("a quote, bracket or brace opened earlier is never closed".to_owned())
    } else if line_text.contains(": {{") || line_text.trim_start().starts_with("- {{") {
        Some("a value that starts with `{{` must be quoted in YAML: write `url: \"{{base_url}}/path\"`".to_owned())
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        did_you_mean(unknown, expected.iter().copied())
            .map(|close| format!("did you mean `{close}`?"))
            .or_else(|| {
                (!expected.is_empty()).then(|| format!("allowed here: {}", expected.join(", ")))
            })
    } else {
        None
    };
    Diagnostic {
        file: path.to_owned(),
        position,
        field,
        message,
        hint,
        line_text: super::diagnostic::line_at(source, position),
    }
}
