//! Turns a parsed [`CollectionSpec`] into a runnable [`Collection`], collecting every problem
//! instead of stopping at the first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;

use super::diagnostic::did_you_mean;
use super::locate::{FieldPath, Positions};
use super::outline::{Outline, MAX_NESTING};
use super::{
    Action, Auth, Body, Collection, Condition, Diagnostic, Environment, ForEach, Include, Input,
    NextPage, Paginate, PartContent, Reference, Request, RequestStep, Retry, Step, Variable,
    RESERVED_NAMES,
};
use crate::check::capture::{Capture, CaptureSource};
use crate::check::expect::{
    CookieExpectation, Expectations, JsonPathExpectation, SchemaExpectation, StatusMatcher,
};
use crate::check::jsonpath::JsonPath;
use crate::check::predicate::{Predicate, Subject};
use crate::spec::collection::{
    CollectionSpec, CookieExpectSpec, EnvironmentSpec, ExpectSpec, NextField, PaginateSpec,
    RequestSpec, RetryOn, RetrySpec, ScalarValue, StepSpec,
};
use crate::spec::predicate::PredicateSpec;
use crate::template::{JsonTemplate, Template, TemplateError, Templates};

/// Compiles `source`, read from `path`: the collection (when its YAML has the format's
/// shape, even if parts of it do not compile, so later checks can still run on the rest) and
/// every problem found.
pub(super) fn compile(path: &Path, source: String) -> (Option<Collection>, Vec<Diagnostic>) {
    // A byte-order mark (written by some Windows editors) is not part of the document.
    let source = match source.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => source,
    };
    if let Some(problem) = too_deep(path, &source) {
        return (None, vec![problem]);
    }
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let positions = Positions::default();
    let new_compiler = || Compiler {
        path,
        source: &source,
        positions: &positions,
        prefix: String::new(),
        templates: Templates::new(),
        problems: Vec::new(),
        inputs: IndexMap::new(),
        defaults: Defaults::default(),
        ids: Vec::new(),
        jsonpaths: HashMap::new(),
        include_stack: vec![canonical.clone()],
    };
    // A plain document is read one top-level step at a time, each step's parsed form dropped
    // once compiled (see `outline`). Anything else, or a step that does not parse, and the
    // whole document is read at once, which also gives the messages for broken YAML.
    let by_step = super::outline::outline(&source).and_then(|outline| {
        let spec = serde_yaml::from_str::<CollectionSpec>(&outline.header).ok()?;
        let mut compiler = new_compiler();
        let parts = compiler.collection(&spec, Some(&outline))?;
        Some((spec, compiler, parts))
    });
    let (spec, compiler, parts) = match by_step {
        Some(compiled) => compiled,
        None => {
            let spec = match parse(path, &source) {
                Ok(spec) => spec,
                Err(problems) => return (None, problems),
            };
            let mut compiler = new_compiler();
            match compiler.collection(&spec, None) {
                Some(parts) => (spec, compiler, parts),
                None => return (None, compiler.problems),
            }
        }
    };
    let (vars, environments, default_timeout, steps, finally) = parts;
    let Compiler {
        templates,
        problems,
        inputs,
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
        finally,
        templates,
        source,
        positions,
    };
    (Some(collection), problems)
}

/// A problem if `source` nests maps and lists deeper than [`MAX_NESTING`].
fn too_deep(path: &Path, source: &str) -> Option<Diagnostic> {
    let position = super::outline::too_deep(source, MAX_NESTING)?;
    Some(Diagnostic {
        file: path.to_owned(),
        position: Some(position),
        field: None,
        message: format!("maps and lists nest more than {MAX_NESTING} levels deep here"),
        hint: Some(format!(
            "a collection may nest at most {MAX_NESTING} levels (docs/limits.md); move a deep JSON body to a file and send it with `body_file`"
        )),
        line_text: None,
    })
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
    IndexMap<String, Variable>,
    IndexMap<String, Environment>,
    Option<Duration>,
    Vec<Step>,
    Vec<Step>,
);

/// Compiles one collection, collecting every problem.
pub(super) struct Compiler<'a> {
    pub(super) path: &'a Path,
    source: &'a str,
    /// Where each field of `source` is, found once for all its problems.
    positions: &'a Positions,
    /// Prepended to template names: each included file gets its own.
    prefix: String,
    templates: Templates,
    problems: Vec<Diagnostic>,
    /// Declared inputs, the included files' too.
    inputs: IndexMap<String, Input>,
    /// `defaults` of the file being compiled.
    defaults: Defaults,
    /// Step ids so far (unique across includes, for `steps.<id>`).
    ids: Vec<String>,
    /// JSONPaths compiled so far, by text.
    jsonpaths: HashMap<String, JsonPath>,
    /// The files being compiled, outermost first, to find include cycles.
    include_stack: Vec<PathBuf>,
}

/// Adds the variables `templates` read at `field` to `references`.
fn record(references: &mut Vec<Reference>, templates: Vec<&Template>, field: &FieldPath) {
    for template in templates {
        for variable in template.references() {
            references.push(Reference {
                variable,
                field: field.clone(),
            });
        }
    }
}

/// Gives back the room collecting left in a request step's lists (a `Vec` collected from an
/// iterator starts with room for four): a collection holds every step while it runs.
fn shrink_to_fit(step: &mut RequestStep) {
    step.request.query.shrink_to_fit();
    step.request.headers.shrink_to_fit();
    step.request.cookies.shrink_to_fit();
    step.captures.shrink_to_fit();
    step.expect.headers.shrink_to_fit();
    step.expect.jsonpath.shrink_to_fit();
    step.expect.values.shrink_to_fit();
    step.expect.cookies.shrink_to_fit();
}

/// The variables an `expect` block's operands read.
fn expectation_references(
    references: &mut Vec<Reference>,
    expect: &Expectations,
    field: &FieldPath,
) {
    for (name, predicate) in &expect.headers {
        record(
            references,
            predicate.templates(),
            &field.key("headers").key(name),
        );
    }
    for expectation in &expect.jsonpath {
        record(
            references,
            expectation.predicate.templates(),
            &field.key("jsonpath").key(expectation.path.as_str()),
        );
    }
    if let Some(body) = &expect.body {
        record(references, body.templates(), &field.key("body"));
    }
    if let Some(url) = &expect.url {
        record(references, url.templates(), &field.key("url"));
    }
    conditions_references(references, &expect.values, &field.key("values"));
}

/// The variables `when` or `expect.values` read.
fn conditions_references(
    references: &mut Vec<Reference>,
    conditions: &[Condition],
    field: &FieldPath,
) {
    for condition in conditions {
        let at = field.key(&condition.source);
        record(references, condition.value.templates(), &at);
        record(references, condition.predicate.templates(), &at);
    }
}

/// What `defaults` gives every step.
#[derive(Clone, Default)]
struct Defaults {
    headers: Vec<(String, Template)>,
    /// `defaults.auth`: `None` when unset or `none`.
    auth: Option<Auth>,
    follow_redirects: Option<bool>,
    max_redirects: Option<u32>,
}

/// The redirects followed when neither the step nor `defaults` says.
const DEFAULT_MAX_REDIRECTS: u32 = 10;
/// The most attempts `retry` may ask for (docs/limits.md).
pub const MAX_ATTEMPTS: u32 = 1000;
/// The largest `retry.backoff` (docs/limits.md).
pub const MAX_BACKOFF: f64 = 100.0;

impl Compiler<'_> {
    pub(super) fn problem(&mut self, field: &FieldPath, message: impl Into<String>) {
        self.problems.push(Diagnostic::at(
            self.path,
            (self.source, self.positions),
            field,
            message,
        ));
    }

    pub(super) fn problem_with_hint(
        &mut self,
        field: &FieldPath,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.problems.push(
            Diagnostic::at(self.path, (self.source, self.positions), field, message)
                .with_hint(hint),
        );
    }

    /// Compiles the collection: its top-level steps from `spec`, or, when `outlined`, from
    /// their text one at a time. `None` when an outlined step does not parse.
    fn collection(&mut self, spec: &CollectionSpec, outlined: Option<&Outline>) -> Option<Parts> {
        let root = FieldPath::default();
        self.declare_inputs(spec);
        let vars = self.variables(&spec.vars, &root.key("vars"));
        let environments = spec
            .environments
            .iter()
            .map(|(name, env)| {
                (
                    name.clone(),
                    self.environment(env, &root.key("environments").key(name)),
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
        self.defaults = self.defaults(spec);
        let steps = match outlined {
            None => self.steps(&spec.steps, &root.key("steps")),
            Some(outline) => self.outlined_steps(outline, &root.key("steps"))?,
        };
        let finally = self.steps(&spec.finally, &root.key("finally"));
        if steps.is_empty() {
            self.problem(&root.key("steps"), "the collection has no steps");
        }
        Some((
            vars,
            environments,
            spec.defaults.timeout.map(|d| d.0),
            steps,
            finally,
        ))
    }

    /// Parses and compiles the outlined top-level steps a run of about 32 KB of text at a
    /// time, dropping each run's parsed form once compiled; `None` when one does not parse
    /// (the whole document is then read at once, for its messages).
    fn outlined_steps(&mut self, outline: &Outline, field: &FieldPath) -> Option<Vec<Step>> {
        const RUN_BYTES: usize = 32 * 1024;
        let mut steps = Vec::with_capacity(outline.steps.len());
        for (first, count, text) in outline.runs(self.source, RUN_BYTES) {
            let specs = serde_yaml::from_str::<Vec<StepSpec>>(text).ok()?;
            if specs.len() != count {
                return None;
            }
            for (index, spec) in (first..).zip(&specs) {
                steps.push(self.step(index, spec, &field.index(index)));
            }
        }
        Some(steps)
    }

    fn declare_inputs(&mut self, spec: &CollectionSpec) {
        for (name, input) in &spec.inputs {
            // An included file's inputs join the including collection's; its own win.
            self.inputs.entry(name.clone()).or_insert_with(|| Input {
                secret: input.secret,
                description: input.description.clone(),
                default: input.default.clone(),
            });
        }
    }

    fn defaults(&mut self, spec: &CollectionSpec) -> Defaults {
        let root = FieldPath::default().key("defaults");
        let headers = spec
            .defaults
            .headers
            .iter()
            .filter_map(|(name, value)| {
                let field = root.key("headers").key(name);
                self.header(name, value, &field)
            })
            .collect();
        let auth = match &spec.defaults.auth {
            Some(auth) => self.auth(auth, &root.key("auth")).ok().flatten(),
            None => None,
        };
        Defaults {
            headers,
            auth,
            follow_redirects: spec.defaults.follow_redirects,
            max_redirects: spec.defaults.max_redirects,
        }
    }

    fn environment(&mut self, spec: &EnvironmentSpec, field: &FieldPath) -> Environment {
        Environment {
            sandbox: spec.sandbox,
            vars: self.variables(&spec.vars, &field.key("vars")),
        }
    }

    fn variables(
        &mut self,
        vars: &IndexMap<String, Value>,
        field: &FieldPath,
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
                let references: Vec<String> = value
                    .templates()
                    .iter()
                    .flat_map(|t| t.references())
                    .collect();
                self.check_env_references(&references, &field);
                out.insert(name.clone(), Variable { value, field });
            }
        }
        out
    }

    /// Compiles a list of steps (top level, a group, `finally`, an included file).
    fn steps(&mut self, specs: &[StepSpec], field: &FieldPath) -> Vec<Step> {
        specs
            .iter()
            .enumerate()
            .map(|(index, spec)| self.step(index, spec, &field.index(index)))
            .collect()
    }

    fn step(&mut self, index: usize, spec: &StepSpec, field: &FieldPath) -> Step {
        if let Some(id) = &spec.id {
            if !is_identifier(id) {
                self.problem(
                    &field.key("id"),
                    format!("step id `{id}` may hold only letters, digits, `_` and `-`"),
                );
            } else if self.ids.contains(id) {
                self.problem(
                    &field.key("id"),
                    format!("step id `{id}` is used by an earlier step; ids must be unique"),
                );
            }
            self.ids.push(id.clone());
        }
        let mut references = Vec::new();
        let when = self.conditions(&spec.when, &field.key("when"));
        conditions_references(&mut references, &when, &field.key("when"));
        let for_each = self.for_each(spec, field, &mut references);
        let kinds = [
            spec.request.is_some(),
            spec.steps.is_some(),
            spec.include.is_some(),
        ];
        let action = match (&spec.request, &spec.steps, &spec.include) {
            (None, None, None) => {
                self.problem_with_hint(
                    field,
                    format!(
                        "step `{}` needs one of `request`, `steps` and `include`",
                        spec.name
                    ),
                    "a step sends a `request`, groups `steps`, or runs an `include`d file",
                );
                Action::Group(Vec::new())
            }
            _ if kinds.iter().filter(|k| **k).count() != 1 => {
                self.problem_with_hint(
                    field,
                    format!(
                        "step `{}` needs exactly one of `request`, `steps` and `include`",
                        spec.name
                    ),
                    "a step sends a `request`, groups `steps`, or runs an `include`d file",
                );
                Action::Group(Vec::new())
            }
            (Some(request), _, _) => Action::Request(Box::new(self.request_step(
                spec,
                request,
                field,
                &mut references,
            ))),
            (_, Some(steps), _) => Action::Group(self.steps(steps, &field.key("steps"))),
            (_, _, Some(path)) => match self.include(spec, path, field, &mut references) {
                Some(include) => Action::Include(Box::new(include)),
                None => Action::Group(Vec::new()),
            },
        };
        if !matches!(action, Action::Request(_)) {
            for (present, key) in [
                (spec.retry.is_some(), "retry"),
                (spec.paginate.is_some(), "paginate"),
                (spec.expect.is_some(), "expect"),
                (!spec.capture.is_empty(), "capture"),
            ] {
                if present {
                    self.problem(
                        &field.key(key),
                        format!("`{key}` applies only to a step with a `request`"),
                    );
                }
            }
        }
        if spec.include.is_none() && (!spec.vars.is_empty() || !spec.export.is_empty()) {
            self.problem(
                field,
                "`vars` and `export` apply only to a step with `include`",
            );
        }
        if let Some(name) = &spec.as_ {
            if spec.for_each.is_none() {
                self.problem(
                    &field.key("as"),
                    "`as` names the element of `for_each`, which this step does not have",
                );
            } else if !is_identifier(name) || RESERVED_NAMES.contains(&name.as_str()) {
                self.problem(
                    &field.key("as"),
                    format!("`{name}` cannot be a variable name"),
                );
            }
        }
        for reference in &references {
            self.check_env_references(std::slice::from_ref(&reference.variable), &reference.field);
        }
        references.shrink_to_fit();
        Step {
            index,
            field: field.clone(),
            name: spec.name.clone(),
            id: spec.id.clone(),
            tags: spec.tags.clone(),
            when,
            delay: spec.delay.map(|d| d.0),
            for_each: for_each.map(Box::new),
            action,
            references,
        }
    }

    fn for_each(
        &mut self,
        spec: &StepSpec,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> Option<ForEach> {
        let items = spec.for_each.as_ref()?;
        let at = field.key("for_each");
        if !matches!(items, Value::Array(_) | Value::String(_)) {
            self.problem_with_hint(
                &at,
                "`for_each` takes a list, or a template that gives one",
                "e.g. `for_each: [a, b]` or `for_each: \"{{ids}}\"`",
            );
            return None;
        }
        let items = self.json(items, &at)?;
        record(references, items.templates(), &at);
        Some(ForEach {
            items,
            name: spec.as_.clone().unwrap_or_else(|| "item".to_owned()),
        })
    }

    fn conditions(
        &mut self,
        specs: &IndexMap<String, crate::spec::predicate::PredicateSpec>,
        field: &FieldPath,
    ) -> Vec<Condition> {
        specs
            .iter()
            .filter_map(|(source, predicate)| {
                let at = field.key(source);
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

    fn request_step(
        &mut self,
        spec: &StepSpec,
        request_spec: &RequestSpec,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> RequestStep {
        // Lent out rather than cloned for every step; put back right after.
        let defaults = std::mem::take(&mut self.defaults);
        let request = self.request(request_spec, &field.key("request"), &defaults);
        self.defaults = defaults;
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
        let retry = spec
            .retry
            .as_ref()
            .map(|retry| self.retry(retry, &field.key("retry"), references));
        let paginate = spec
            .paginate
            .as_ref()
            .and_then(|paginate| self.paginate(paginate, &field.key("paginate")));

        let request_field = field.key("request");
        record(references, vec![&request.url], &request_field.key("url"));
        for (name, template) in &request.query {
            record(
                references,
                vec![template],
                &request_field.key("query").key(name),
            );
        }
        for (name, template) in &request.headers {
            let at = if request_spec
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
            record(references, vec![template], &at);
        }
        match &request.body {
            Body::Json(json) => {
                let at = if request_spec.graphql.is_some() {
                    "graphql"
                } else {
                    "json"
                };
                record(references, json.templates(), &request_field.key(at));
            }
            Body::Text(text) => record(references, vec![text], &request_field.key("body")),
            Body::Form(fields) => {
                for (name, template) in fields {
                    record(
                        references,
                        vec![template],
                        &request_field.key("form").key(name),
                    );
                }
            }
            Body::Multipart(parts) => {
                for part in parts {
                    if let PartContent::Text(template) = &part.content {
                        record(
                            references,
                            vec![template],
                            &request_field.key("multipart").key(&part.name),
                        );
                    }
                }
            }
            Body::File(_) | Body::None => {}
        }
        for (name, template) in &request.cookies {
            record(
                references,
                vec![template],
                &request_field.key("cookies").key(name),
            );
        }
        if let Some(auth) = &request.auth {
            let at = if request_spec.auth.is_some() {
                request_field.key("auth")
            } else {
                FieldPath::default().key("defaults").key("auth")
            };
            for (kind, template) in auth.templates() {
                record(references, vec![template], &at.key(kind));
            }
        }
        expectation_references(references, &expect, &field.key("expect"));
        let mut step = RequestStep {
            request,
            expect,
            captures,
            retry: retry.map(Box::new),
            paginate: paginate.map(Box::new),
        };
        shrink_to_fit(&mut step);
        step
    }

    fn retry(
        &mut self,
        spec: &RetrySpec,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> Retry {
        if !(1..=MAX_ATTEMPTS).contains(&spec.attempts) {
            self.problem(
                &field.key("attempts"),
                "`attempts` counts every attempt, the first included: 1 to 1000",
            );
        }
        let backoff = spec.backoff.unwrap_or(1.0);
        if !(backoff.is_finite() && (1.0..=MAX_BACKOFF).contains(&backoff)) {
            self.problem(
                &field.key("backoff"),
                "`backoff` multiplies the wait after each attempt: 1 to 100 (the wait stops growing at `max_interval`)",
            );
        }
        let until = spec.until.as_ref().map(|until| {
            let expect = self.expectations(until, &field.key("until"));
            expectation_references(references, &expect, &field.key("until"));
            expect
        });
        Retry {
            attempts: spec.attempts.clamp(1, MAX_ATTEMPTS),
            interval: spec.interval.map_or(Duration::from_secs(1), |d| d.0),
            backoff: if backoff.is_finite() {
                backoff.clamp(1.0, MAX_BACKOFF)
            } else {
                1.0
            },
            max_interval: spec.max_interval.map(|d| d.0),
            until,
            on_transport: spec.on.contains(&RetryOn::Transport),
            on_server_error: spec.on.contains(&RetryOn::ServerError),
            on_too_many_requests: spec.on.contains(&RetryOn::TooManyRequests),
        }
    }

    fn paginate(&mut self, spec: &PaginateSpec, field: &FieldPath) -> Option<Paginate> {
        let next = match &spec.next {
            crate::spec::collection::NextPage::Link(_) => NextPage::Link,
            crate::spec::collection::NextPage::Field(NextField {
                jsonpath: Some(path),
                query: None,
            }) => NextPage::JsonPath(self.jsonpath(path, &field.key("next").key("jsonpath"))?),
            crate::spec::collection::NextPage::Field(NextField {
                jsonpath: None,
                query: Some(name),
            }) => NextPage::Query(name.clone()),
            crate::spec::collection::NextPage::Field(_) => {
                self.problem_with_hint(
                    &field.key("next"),
                    "`next` is `link`, `{ jsonpath: PATH }` or `{ query: NAME }`",
                    "follow the Link header with `next: link`",
                );
                return None;
            }
        };
        let mut collect = Vec::new();
        for (name, path) in &spec.collect {
            let at = field.key("collect").key(name);
            if !is_identifier(name) || RESERVED_NAMES.contains(&name.as_str()) {
                self.problem(&at, format!("`{name}` cannot be a variable name"));
                continue;
            }
            if let Some(path) = self.jsonpath(path, &at) {
                collect.push((name.clone(), path));
            }
        }
        if matches!(next, NextPage::Query(_)) && collect.is_empty() {
            self.problem_with_hint(
                &field.key("collect"),
                "`next: { query: ... }` stops at a page where `collect` finds nothing, so it needs `collect`",
                "e.g. `collect: { ids: \"$[*].id\" }`",
            );
        }
        if spec.max_pages == Some(0) {
            self.problem(&field.key("max_pages"), "`max_pages` must be at least 1");
        }
        Some(Paginate {
            next,
            collect,
            max_pages: spec.max_pages.unwrap_or(100).max(1),
        })
    }

    /// Compiles a JSONPath, once per distinct text (clones share the compiled query).
    fn jsonpath(&mut self, path: &str, field: &FieldPath) -> Option<JsonPath> {
        if let Some(compiled) = self.jsonpaths.get(path) {
            return Some(compiled.clone());
        }
        match JsonPath::compile(path) {
            Ok(compiled) => {
                self.jsonpaths.insert(path.to_owned(), compiled.clone());
                Some(compiled)
            }
            Err(e) => {
                self.problem_with_hint(
                    field,
                    e.to_string(),
                    "JSONPath follows RFC 9535, e.g. `$.items[0].id` or `$[*].name`",
                );
                None
            }
        }
    }

    fn include(
        &mut self,
        spec: &StepSpec,
        written: &str,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> Option<Include> {
        let at = field.key("include");
        let base = self.path.parent().unwrap_or(Path::new("."));
        let path = base.join(written);
        let canonical = std::fs::canonicalize(&path).ok();
        let Some(canonical) = canonical else {
            self.problem_with_hint(
                &at,
                format!("cannot read included collection `{}`", path.display()),
                "the path is relative to the including file",
            );
            return None;
        };
        if self.include_stack.contains(&canonical) {
            let chain: Vec<String> = self
                .include_stack
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| p.display().to_string())
                .collect();
            self.problem(&at, format!("includes form a cycle: {}", chain.join(" → ")));
            return None;
        }
        let source = match std::fs::read_to_string(&canonical) {
            Ok(source) => source,
            Err(e) => {
                self.problem(
                    &at,
                    format!("cannot read included collection `{}`: {e}", path.display()),
                );
                return None;
            }
        };
        let source = source
            .strip_prefix('\u{feff}')
            .map_or(source.clone(), str::to_owned);
        if let Some(problem) = too_deep(&path, &source) {
            self.problems.push(problem);
            return None;
        }
        let included = match parse(&path, &source) {
            Ok(included) => included,
            Err(problems) => {
                self.problems.extend(problems);
                return None;
            }
        };
        let passed = self.variables(&spec.vars, &field.key("vars"));
        for variable in passed.values() {
            record(references, variable.value.templates(), &variable.field);
        }
        let mut stack = self.include_stack.clone();
        stack.push(canonical);
        let positions = Positions::default();
        let mut child = Compiler {
            path: &path,
            source: &source,
            positions: &positions,
            prefix: format!("{}{}#", self.prefix, path.display()),
            templates: std::mem::take(&mut self.templates),
            problems: std::mem::take(&mut self.problems),
            inputs: std::mem::take(&mut self.inputs),
            defaults: Defaults::default(),
            ids: std::mem::take(&mut self.ids),
            jsonpaths: std::mem::take(&mut self.jsonpaths),
            include_stack: stack,
        };
        child.declare_inputs(&included);
        let defaults = child.variables(&included.vars, &FieldPath::default().key("vars"));
        child.defaults = child.defaults(&included);
        let steps = child.steps(&included.steps, &FieldPath::default().key("steps"));
        let provided: Vec<String> = steps
            .iter()
            .flat_map(Step::provides)
            .chain(defaults.keys().cloned())
            .collect();
        self.templates = child.templates;
        self.problems = child.problems;
        self.inputs = child.inputs;
        self.ids = child.ids;
        self.jsonpaths = child.jsonpaths;
        for (i, name) in spec.export.iter().enumerate() {
            if !provided.contains(name) {
                let hint = match did_you_mean(name, provided.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("the included steps set: {}", provided.join(", ")),
                };
                self.problem_with_hint(
                    &field.key("export").index(i),
                    format!("`{name}` is not captured or defined by `{written}`"),
                    hint,
                );
            }
        }
        Some(Include {
            path,
            source,
            positions,
            defaults,
            passed,
            export: spec.export.clone(),
            steps,
        })
    }

    fn check_env_references(&mut self, references: &[String], field: &FieldPath) {
        for variable in references {
            if let Some(input) = variable.strip_prefix("env.") {
                let input = input.split('.').next().unwrap_or(input);
                if !self.inputs.contains_key(input) {
                    self.undeclared_input(input, field);
                }
            } else if variable == "env" {
                self.problem(
                    field,
                    "`env` is not a value; read one declared input with `{{env.NAME}}`",
                );
            }
        }
    }

    fn undeclared_input(&mut self, input: &str, field: &FieldPath) {
        let message =
            format!("`env.{input}` reads an environment variable that is not declared in `inputs`");
        let hint = match did_you_mean(input, self.inputs.keys().map(String::as_str)) {
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
                let compiled = self.jsonpath(path, &at);
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
        let values = self.conditions(&spec.values, &field.key("values"));
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
            schema: schema.map(Box::new),
            duration,
            values,
            url,
            cookies,
        }
    }

    fn predicate(
        &mut self,
        spec: &crate::spec::predicate::PredicateSpec,
        subject: Subject,
        allow_count: bool,
        field: &FieldPath,
    ) -> Option<(Predicate, Option<Predicate>)> {
        match Predicate::compile(
            spec,
            subject,
            allow_count,
            &mut self.templates,
            &format!("{}{field}", self.prefix),
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
        spec: &crate::spec::capture::CaptureFields,
        field: &FieldPath,
    ) -> Option<Capture> {
        if !is_identifier(name) || RESERVED_NAMES.contains(&name) {
            self.problem(field, format!("`{name}` cannot be a variable name: use letters, digits, `_` and `-`, not env, sandbox or steps"));
            return None;
        }
        let mut sources = Vec::new();
        if let Some(path) = &spec.jsonpath {
            let path = self.jsonpath(path, &field.key("jsonpath"))?;
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
        let compiled = self
            .templates
            .compile(&format!("{}{field}", self.prefix), text);
        self.compiled(compiled, field)
    }

    pub(super) fn json(&mut self, value: &Value, field: &FieldPath) -> Option<JsonTemplate> {
        let name = format!("{}{field}", self.prefix);
        let compiled = JsonTemplate::compile(&mut self.templates, &name, value);
        self.compiled(compiled, field)
    }

    /// The compiled template, or a problem at `field`.
    fn compiled<T>(&mut self, compiled: Result<T, TemplateError>, field: &FieldPath) -> Option<T> {
        compiled
            .map_err(|e| {
                self.problem_with_hint(
                    field,
                    e.to_string(),
                    "templates are handlebars: `{{name}}`, `{{base64 name}}`",
                )
            })
            .ok()
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
