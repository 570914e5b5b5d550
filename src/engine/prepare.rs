//! Before the first request: choose the environment, check inputs, resolve variables in
//! dependency order, and check that every variable a step reads will be defined.

use foldhash::HashSet;

use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

use super::RunOptions;
use crate::collection::diagnostic::did_you_mean;
use crate::collection::locate::{FieldPath, Positions};
use std::path::Path;

use crate::collection::{
    environment_hint, Action, Collection, Diagnostic, Diagnostics, Reference, Step, Variable,
};
use crate::redact::Redactor;
use crate::template::value_to_text;
use crate::vars::Variables;

/// Why a collection cannot start.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// Invalid input: unknown environment, missing inputs, undefined variables.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// A bundled sandbox could not start.
    #[error("could not start the sandbox: {0}")]
    Sandbox(#[source] super::SandboxStartError),
}

/// A value for a variable coming from outside the collection (`--var`, `--vars-file`,
/// `--secret`), in the order they apply: later ones win.
#[derive(Debug, Clone)]
pub struct Override {
    /// The variable.
    pub name: String,
    /// Its value.
    pub value: Value,
    /// Mask it.
    pub secret: bool,
}

/// What a sandbox exposes to templates as `{{sandbox.*}}`.
#[derive(Debug, Clone)]
pub struct SandboxVars {
    /// `sandbox.url`.
    pub url: String,
    /// `sandbox.application_token` (secret).
    pub application_token: String,
}

/// A collection ready to send its first request.
pub struct Prepared {
    /// The variables at the start of the run.
    pub variables: Variables,
    /// Every secret known at the start.
    pub redactor: Redactor,
    /// The environment chosen.
    pub environment: Option<String>,
}

enum Definition<'a> {
    Template(&'a Variable),
    Value(Value),
}

/// Prepares `collection` for a run.
pub fn prepare(
    collection: &Collection,
    options: &RunOptions,
    sandbox: Option<&SandboxVars>,
) -> Result<Prepared, PrepareError> {
    // A problem placed at the key of `field` of the collection (the file alone where it has no
    // such field).
    let invalid = |field: Option<FieldPath>, message: String, hint: Option<String>| {
        let mut diagnostic = match field {
            Some(field) => {
                let source = (collection.source.as_str(), &collection.positions);
                let key = match field.0.last() {
                    Some(crate::spec::field::Segment::Key(key)) => key.to_string(),
                    _ => String::new(),
                };
                Diagnostic::at(&collection.path, source, &field, message).at_key(source, &key)
            }
            None => Diagnostic::file(&collection.path, message),
        };
        diagnostic.hint = hint;
        PrepareError::Invalid(Diagnostics(vec![diagnostic]))
    };
    let environment = collection
        .environment(options.environment.as_deref())
        .map_err(|message| {
            let by_flag = options.environment.is_some();
            let hint = environment_hint(!collection.environments.is_empty(), by_flag);
            if !by_flag {
                // The collection's own `default_environment`: the problem loading it told,
                // placed and worded the same, so that it is told once.
                let source = (collection.source.as_str(), &collection.positions);
                let field = FieldPath::default().key("default_environment");
                return PrepareError::Invalid(Diagnostics(vec![Diagnostic::at(
                    &collection.path,
                    source,
                    &field,
                    message,
                )
                .with_hint(hint)]));
            }
            let field = (!collection.environments.is_empty())
                .then(|| FieldPath::default().key("environments"));
            invalid(field, message, Some(hint.into()))
        })?;
    let mut redactor = known_secrets(collection, options);
    let mut variables = Variables::new();

    // The effective definitions: collection vars, then the environment's, then overrides.
    let mut definitions: IndexMap<&str, Definition<'_>> = IndexMap::new();
    for (name, variable) in &collection.vars {
        definitions.insert(name, Definition::Template(variable));
    }
    if let Some((_, env)) = environment {
        for (name, variable) in &env.vars {
            definitions.insert(name, Definition::Template(variable));
        }
    }
    for o in &options.overrides {
        definitions.insert(&o.name, Definition::Value(o.value.clone()));
    }

    // Inputs: only those the effective definitions and the steps read are required.
    let mut used_inputs: IndexSet<&str, foldhash::fast::RandomState> = IndexSet::default();
    let mut note_input = |variable: &str| {
        if let Some(input) = variable.strip_prefix("env.") {
            let input = input.split('.').next().unwrap_or(input);
            if let Some((name, _)) = collection.inputs.get_key_value(input) {
                used_inputs.insert(name.as_str());
            }
        }
    };
    for definition in definitions.values() {
        if let Definition::Template(variable) = definition {
            variable
                .value
                .templates()
                .iter()
                .flat_map(|t| t.references())
                .for_each(|r| note_input(&r));
        }
    }
    // Every step at every depth, and the `vars` of included files: an input read only by an
    // included file's variable is still an input of this run.
    // A walk over every step, which a large collection's steps are too many to hold in a
    // cache for: made only when there are inputs to find, and what the steps provide is
    // gathered only for a group or an include to read against.
    if !collection.inputs.is_empty() {
        let all = || collection.steps.iter().chain(&collection.finally);
        let nested = all().any(|step| !matches!(step.action, Action::Request(_)));
        let mut defined: HashSet<String> = if nested {
            definitions.keys().map(|k| (*k).to_owned()).collect()
        } else {
            HashSet::default()
        };
        for step in all() {
            match &step.action {
                // Most steps: their own references, read in place.
                Action::Request(_) => {
                    step.references.iter().for_each(|r| note_input(&r.variable));
                }
                _ => reads(step, &defined)
                    .iter()
                    .for_each(|variable| note_input(variable)),
            }
            if nested {
                define(&mut defined, step);
            }
        }
    }

    let mut env = serde_json::Map::new();
    let mut missing = Vec::new();
    for name in used_inputs {
        let input = &collection.inputs[name];
        let set = (options.read_env)(name);
        // An empty secret counts as unset: CI expands a secret it does not have to nothing,
        // and an empty password or token sent is a confusing 401 later.
        let empty = input.secret && set.as_deref() == Some("");
        match set.filter(|_| !empty).or_else(|| input.default.clone()) {
            Some(value) => {
                if input.secret {
                    redactor.add(&value);
                }
                env.insert(name.to_owned(), Value::String(value));
            }
            None if options.require_inputs => {
                missing.push((name, input.description.as_deref(), empty));
            }
            // `runner validate` checks structure without the secrets CI would provide.
            None => {
                env.insert(name.to_owned(), Value::String(String::new()));
            }
        }
    }
    if !missing.is_empty() {
        let by = environment.map_or(String::new(), |(name, _)| {
            format!(" by environment `{name}`")
        });
        let names: Vec<&str> = missing.iter().map(|(name, _, _)| *name).collect();
        let described: Vec<String> = missing
            .iter()
            .map(|(name, description, empty)| {
                let empty = if *empty && missing.len() > 1 {
                    "; set empty"
                } else {
                    ""
                };
                match description {
                    Some(description) => format!("`{name}` ({description}{empty})"),
                    None if empty.is_empty() => format!("`{name}`"),
                    None => format!("`{name}` (set empty)"),
                }
            })
            .collect();
        // Unset, or set to nothing: an empty secret counts as unset (CI expands a secret it
        // does not have to nothing).
        let how = match (missing.iter().all(|m| m.2), missing.iter().any(|m| m.2)) {
            (true, _) if missing.len() == 1 => " but set empty: an empty secret counts as unset (a CI secret not defined is empty)",
            (_, true) => " but not set, or set empty: an empty secret counts as unset (a CI secret not defined is empty)",
            _ => " but not set",
        };
        // Placed where the first is declared.
        let declared = FieldPath::default().key("inputs").key(names[0].to_owned());
        return Err(invalid(
            Some(declared),
            format!(
                "input {} required{by}{how}",
                if missing.len() > 1 {
                    format!("{} are", described.join(", "))
                } else {
                    format!("{} is", described.join(""))
                },
            ),
            Some(format!(
                "set it before running: {}; or choose another environment with `--env`",
                names
                    .iter()
                    .map(|n| format!("`export {n}=...`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ));
    }
    variables.set("env", Value::Object(env));
    let sandbox_declared = environment.is_some_and(|(_, e)| e.sandbox.is_some());
    if let Some(sandbox) = sandbox {
        redactor.add(&sandbox.application_token);
        variables.set(
            "sandbox",
            serde_json::json!({ "url": sandbox.url, "application_token": sandbox.application_token }),
        );
    }

    // Resolve definitions in dependency order.
    let mut resolver = Resolver {
        collection,
        definitions: &definitions,
        variables: &mut variables,
        redactor: &mut redactor,
        resolving: IndexSet::default(),
        rendered_names: HashSet::default(),
        told: HashSet::default(),
        problems: Vec::new(),
        rendered: 0,
    };
    for name in definitions.keys() {
        resolver.resolve(name);
    }
    let mut problems = std::mem::take(&mut resolver.problems);

    // Every variable a step reads must exist by the time the step runs (checked once: a run
    // under the options loading checked does not walk every step again).
    if !options.references_checked {
        let mut known: HashSet<String> = definitions.keys().map(|k| (*k).to_owned()).collect();
        let mut check = References {
            sandbox_declared,
            ids: HashSet::default(),
            start: &variables,
            rebound: HashSet::default(),
            check_headers: options.selection.is_empty(),
            problems: Vec::new(),
        };
        let file = (
            collection.path.as_path(),
            collection.source.as_str(),
            &collection.positions,
        );
        check.steps(&collection.steps, &mut known, file);
        let mut after = known.clone();
        check.steps(&collection.finally, &mut after, file);
        problems.extend(check.problems);
    }
    if !problems.is_empty() {
        // Told on the terminal and in the reports: masked as a result's texts are (a line
        // may hold a `--secret` value written in clear).
        problems
            .iter_mut()
            .for_each(|problem| problem.mask(&redactor));
        return Err(PrepareError::Invalid(Diagnostics(problems)));
    }
    Ok(Prepared {
        variables,
        redactor,
        environment: environment.map(|(name, _)| name.to_owned()),
    })
}

/// The secrets known before anything is prepared: the client's (a proxy's credentials), the
/// `--secret` values of `options`, and the credentials `collection` writes in clear.
pub(super) fn known_secrets(collection: &Collection, options: &RunOptions) -> Redactor {
    let mut redactor = Redactor::new();
    collection
        .clear_credentials
        .iter()
        .for_each(|credential| redactor.add(credential));
    options
        .secrets
        .iter()
        .for_each(|secret| redactor.add(secret));
    for o in options.overrides.iter().filter(|o| o.secret) {
        redactor.add(&value_to_text(&o.value));
    }
    redactor
}

/// Adds what `step` provides to `defined` (copying only the names not there yet).
fn define(defined: &mut HashSet<String>, step: &Step) {
    step.each_provided(&mut |name| {
        if !defined.contains(name) {
            defined.insert(name.to_owned());
        }
    });
}

/// Every variable `step` reads, at any depth: its own templates, its children's, and an
/// included file's `vars` — the ones passed in, and the defaults that will be used: those
/// neither passed nor `defined` by then (a default gives way to a defined variable).
fn reads(step: &Step, defined: &HashSet<String>) -> Vec<String> {
    let mut names: Vec<String> = step.references.iter().map(|r| r.variable.clone()).collect();
    // Only a group or an include needs its own copy of what is defined: a request step,
    // most steps, reads without one.
    let mut defined = match &step.action {
        Action::Request(_) => return names,
        Action::Group(_) | Action::Include(_) => defined.clone(),
    };
    let children = |steps: &[Step], defined: &mut HashSet<String>, names: &mut Vec<String>| {
        for child in steps {
            names.extend(reads(child, defined));
            define(defined, child);
        }
    };
    match &step.action {
        Action::Request(_) => {}
        Action::Group(steps) => children(steps, &mut defined, &mut names),
        Action::Include(include) => {
            let used = include
                .defaults
                .iter()
                .filter(|(name, _)| {
                    !include.passed.contains_key(*name) && !defined.contains(name.as_str())
                })
                .map(|(_, variable)| variable);
            names.extend(
                used.chain(include.passed.values())
                    .flat_map(|v| v.value.templates())
                    .flat_map(|t| t.references()),
            );
            defined.extend(include.defaults.keys().cloned());
            defined.extend(include.passed.keys().cloned());
            children(&include.steps, &mut defined, &mut names);
        }
    }
    names
}

/// Checks, step by step, that every variable read is defined by then.
struct References<'v> {
    sandbox_declared: bool,
    /// Ids of the request steps seen so far (`{{steps.<id>...}}`).
    ids: HashSet<String>,
    /// The variables' values when the run starts.
    start: &'v Variables,
    /// Variables a step or an include may have given another value by then: their paths
    /// are not checked against the values at the start.
    rebound: HashSet<String>,
    /// Check the start values read into headers (every step will run, if the run goes on).
    check_headers: bool,
    problems: Vec<Diagnostic>,
}

impl References<'_> {
    fn steps(
        &mut self,
        steps: &[Step],
        known: &mut HashSet<String>,
        file: (&Path, &str, &Positions),
    ) {
        // What each step provides, one step at a time (one buffer for them all).
        let mut own: Vec<&str> = Vec::new();
        for step in steps {
            // What this step sees: copied only when it adds to it (`as`, a group's steps).
            let mut scope = std::borrow::Cow::Borrowed(&*known);
            if let Some(for_each) = &step.for_each {
                scope.to_mut().insert(for_each.name.clone());
            }
            own.clear();
            step.each_provided(&mut |name| own.push(name));
            for reference in &step.references {
                let mut parts = reference.variable.split('.');
                let root = parts.next().unwrap_or("");
                // An expectation may read what its own step captures.
                let own_in_expect = || {
                    own.contains(&root)
                        && reference
                            .field
                            .0
                            .contains(&crate::collection::locate::Segment::Key("expect".into()))
                };
                let defined = match root {
                    "env" => true, // checked at load against `inputs`
                    "sandbox" => self.sandbox_declared,
                    "steps" => parts.next().is_some_and(|id| self.ids.contains(id)),
                    _ => scope.contains(root) || own_in_expect(),
                };
                if !defined {
                    self.undefined(step, reference, &scope, &own, file);
                    continue;
                }
                // The value it reads is the one it had when the run started: no step, include
                // or loop has given it another by this step.
                let from_the_start = !matches!(root, "sandbox" | "steps")
                    && !self.rebound.contains(root)
                    && !own.contains(&root)
                    && step.for_each.as_ref().is_none_or(|each| each.name != root);
                if from_the_start
                    && reference.variable.len() > root.len()
                    && reference.strict
                    && root != "env"
                {
                    self.path_into_start_value(step, reference, root, file);
                }
                // Only where the value goes in as it is: a template of text and variables
                // (`{{base64 v}}`, `{{json v}}` and `{{#if v}}` send no line break of it),
                // of a step that runs whatever the values (not one a `when` may skip, nor a
                // run that selects some steps: those steps may never be sent).
                if from_the_start
                    && self.check_headers
                    && reference.strict
                    && step.when.is_empty()
                    && goes_in_a_header(&reference.field, step)
                {
                    self.header_value(reference, file);
                }
            }
            match &step.action {
                Action::Request(_) => {}
                Action::Group(children) => self.steps(children, scope.to_mut(), file),
                Action::Include(include) => {
                    let mut inner = scope.clone().into_owned();
                    inner.extend(include.defaults.keys().cloned());
                    inner.extend(include.passed.keys().cloned());
                    self.rebound.extend(include.defaults.keys().cloned());
                    self.rebound.extend(include.passed.keys().cloned());
                    self.steps(
                        &include.steps,
                        &mut inner,
                        (
                            include.path.as_path(),
                            include.source.as_str(),
                            &include.positions,
                        ),
                    );
                }
            }
            for &name in &own {
                if !known.contains(name) {
                    known.insert(name.to_owned());
                } else if !self.rebound.contains(name) {
                    // Known before this step: a variable with a start value may be one (a
                    // new name cannot; the start values' own map is slow to ask).
                    self.rebound.insert(name.to_owned());
                }
            }
            if let (Some(id), Action::Request(_)) = (&step.id, &step.action) {
                self.ids.insert(id.clone());
            }
        }
    }

    /// A path into a variable that holds its value from the start of the run (`{{n.x}}`
    /// with `n: 5`): each step of the path must be there, or rendering fails — found now,
    /// before the first request, rather than at the step. Names types and keys, not values.
    fn path_into_start_value(
        &mut self,
        step: &Step,
        reference: &Reference,
        root: &str,
        file: (&Path, &str, &Positions),
    ) {
        let Some(mut current) = self.start.get(root) else {
            return;
        };
        let mut walked = root.to_owned();
        // The path comes dotted: a key holding a dot (`{{o.[a.b]}}`) spans segments, so the
        // longest run of them that is a key is taken.
        let segments: Vec<&str> = reference.variable.split('.').skip(1).collect();
        let mut at = 0;
        while let Some(&segment) = segments.get(at) {
            let next = match current {
                // A key spans no more segments than the most dots a key of this map holds:
                // a path of thousands of segments is not joined thousands of ways at each.
                Value::Object(map) => {
                    let most_dots = map.keys().map(|k| k.matches('.').count()).max();
                    let last = segments.len().min(at + 1 + most_dots.unwrap_or(0));
                    (at + 1..=last).rev().find_map(|end| {
                        let key = segments[at..end].join(".");
                        map.get(&key).map(|value| (value, key, end))
                    })
                }
                Value::Array(items) => segment
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|value| (value, segment.to_owned(), at + 1)),
                _ => None,
            };
            let Some((next, key, end)) = next else {
                let why = match current {
                    Value::Object(map) if map.is_empty() => {
                        format!("`{walked}` is an empty object")
                    }
                    Value::Object(map) => {
                        let mut keys: Vec<&str> = map.keys().map(String::as_str).take(10).collect();
                        if map.len() > 10 {
                            keys.push("…");
                        }
                        format!("`{walked}` has no key `{segment}` (it has `{}`)", keys.join("`, `"))
                    }
                    Value::Array(items) => format!(
                        "`{walked}` is a list of {} item{}, read by index from 0: `{segment}` is not one of them",
                        items.len(),
                        if items.len() == 1 { "" } else { "s" }
                    ),
                    other => format!(
                        "`{walked}` is {}, which has no `{segment}`",
                        crate::spec::text::json_kind(other)
                    ),
                };
                self.problem(
                    reference,
                    file,
                    format!(
                        "step `{}` reads `{}`, which is not there: {why}",
                        step.name, reference.variable
                    ),
                    format!(
                        "`{root}` holds this from the start of the run (`vars`, an environment, `--var`, `--vars-file` or a `--data` row); read a path it has"
                    ),
                );
                return;
            };
            walked.push('.');
            walked.push_str(&key);
            current = next;
            at = end;
        }
    }

    fn undefined(
        &mut self,
        step: &Step,
        reference: &Reference,
        scope: &HashSet<String>,
        own: &[&str],
        file: (&Path, &str, &Positions),
    ) {
        let root = reference.variable.split('.').next().unwrap_or("");
        let mut candidates: Vec<&str> = scope.iter().map(String::as_str).collect();
        candidates.extend(own.iter().copied());
        let in_defaults = reference.field.0.first()
            == Some(&crate::collection::locate::Segment::Key("defaults".into()));
        let hint = match root {
            "sandbox" => "`sandbox.*` exists only in an environment with `sandbox: emnify`".to_owned(),
            "steps" => "`steps.<id>` reads an earlier request step with that `id`".to_owned(),
            // A default that reads what a step captures applies to that step too.
            _ if in_defaults && own.contains(&root) => {
                let instead = match reference.field.0.get(1) {
                    Some(crate::collection::locate::Segment::Key(k)) if k == "headers" => {
                        match reference.field.0.get(2) {
                            Some(crate::collection::locate::Segment::Key(h)) => {
                                format!("`headers: {{ {h}: null }}`")
                            }
                            _ => "`headers: { NAME: null }`".to_owned(),
                        }
                    }
                    _ => "`auth: none`".to_owned(),
                };
                format!(
                    "step `{}` captures `{root}` itself, and `{}` applies to it too: put {instead} on its `request` so the step that fetches `{root}` does not send it",
                    step.name, reference.field
                )
            }
            // Read by the step's own request, captured from its own response: not there yet.
            _ if own.contains(&root) => format!(
                "step `{}` captures `{root}` from its own response, which comes after its request is sent: capture it in an earlier step, or give it a start value in `vars` or with `--var`",
                step.name
            ),
            _ if crate::template::dynamic::patterns(root).is_some() => format!(
                "`{root}` is a dynamic variable, which makes a value where it stands alone; to give its value to a helper, call it in parentheses: `({root})`, as in `{{{{urlencode ({root})}}}}`"
            ),
            _ if root.starts_with('$') => {
                let known = crate::template::dynamic::VARIABLES.iter().map(|(name, _)| *name);
                match did_you_mean(root, known) {
                    Some(close) => format!("`{root}` is not one of Postman's dynamic variables: did you mean `{close}`?"),
                    None => format!("`{root}` is not one of Postman's dynamic variables (`$guid`, `$randomInt`, `$randomEmail`, …: docs/format.md lists them)"),
                }
            }
            _ => match did_you_mean(root, candidates) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "define it in `vars`, an environment, with `--var`, or capture it in an earlier step".to_owned(),
            },
        };
        self.problem(
            reference,
            file,
            format!(
                "step `{}` reads undefined variable `{}`",
                step.name, reference.variable
            ),
            hint,
        );
    }

    /// A start value (a `--data` cell, a `--var`, an input) that a header cannot carry — a
    /// line break or another control character — read into a header: found before the
    /// iteration sends anything, not at its step after the earlier ones were sent. (A header
    /// cannot be split by one: the request would not be sent at all.)
    fn header_value(&mut self, reference: &Reference, file: (&Path, &str, &Positions)) {
        let mut parts = reference.variable.split('.');
        let Some(mut value) = parts.next().and_then(|root| self.start.get(root)) else {
            return;
        };
        for part in parts {
            let next = match value {
                Value::Object(map) => map.get(part),
                Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            // A path the value does not have is told by `path_into_start_value`.
            let Some(next) = next else { return };
            value = next;
        }
        let Value::String(text) = value else { return };
        let Some(bad) = text
            .bytes()
            .find(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
        else {
            return;
        };
        let what = match bad {
            b'\r' | b'\n' => "a line break",
            0 => "a NUL byte",
            _ => "a control character",
        };
        let variable = &reference.variable;
        self.problem(
            reference,
            file,
            format!(
                "`{variable}` holds {what} (0x{bad:02X}), which a header cannot carry: the request cannot be sent"
            ),
            format!(
                "remove it from `{variable}`'s value (a data cell, a `--var`, an input); a header value is one line"
            ),
        );
    }

    /// A problem with what `reference` reads, marked at its `{{…}}`.
    fn problem(
        &mut self,
        reference: &Reference,
        file: (&Path, &str, &Positions),
        message: String,
        hint: String,
    ) {
        self.problems.push(
            Diagnostic::at(file.0, (file.1, file.2), &reference.field, message)
                .at_template_reading(&reference.variable)
                .with_hint(hint),
        );
    }
}

/// Whether the template at `field` of `step` goes into a request's header: a header, a
/// cookie, a bearer token, or an API key sent in a header — the step's own or its
/// collection's `defaults`.
fn goes_in_a_header(field: &crate::spec::field::FieldPath, step: &Step) -> bool {
    use crate::collection::{ApiKeyPlace, Auth};
    use crate::spec::field::Segment;
    let mut keys = field.0.iter().filter_map(|segment| match segment {
        Segment::Key(key) => Some(key.as_ref()),
        Segment::Index(_) => None,
    });
    // The step's own `request` (or the `defaults`) is the first: a body's keys come after it
    // (`json: { request: { headers: … } }` is a body).
    if !keys
        .by_ref()
        .any(|key| key == "request" || key == "defaults")
    {
        return false;
    }
    match keys.next() {
        Some("headers" | "cookies") => true,
        Some("auth") => match keys.next() {
            Some("bearer") => true,
            Some("api_key") => match &step.action {
                Action::Request(request) => matches!(
                    request.request.auth.as_deref(),
                    Some(Auth::ApiKey {
                        place: ApiKeyPlace::Header(_),
                        ..
                    })
                ),
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

/// A variable being resolved: what it reads, and how many of those are resolved.
struct Frame<'a> {
    name: &'a str,
    variable: &'a Variable,
    reads: Vec<&'a str>,
    next: usize,
}

struct Resolver<'a, 'd> {
    collection: &'a Collection,
    definitions: &'d IndexMap<&'a str, Definition<'a>>,
    variables: &'d mut Variables,
    redactor: &'d mut Redactor,
    /// The variables being resolved, innermost last.
    resolving: IndexSet<&'a str, foldhash::fast::RandomState>,
    /// The variables rendered, well or not: each is rendered once, however many read it.
    rendered_names: HashSet<&'a str>,
    /// The variables whose problem was told: one problem a variable.
    told: HashSet<&'a str>,
    problems: Vec<Diagnostic>,
    /// The bytes the templated start values rendered so far hold together: no more than
    /// [`crate::template::MOST_RENDERED`], as no one template makes more (a chain of `json`s
    /// doubles at each link, and every link is kept).
    rendered: usize,
}

impl<'a> Resolver<'a, '_> {
    /// Resolves `name` after every variable it reads, depth first with a stack of its own:
    /// a chain of thousands of variables (`v0: "{{v1}}"`, `v1: "{{v2}}"`, …) does not grow
    /// the thread's stack.
    fn resolve(&mut self, name: &'a str) {
        let Some(first) = self.enter(name) else {
            return;
        };
        let mut frames = vec![first];
        while let Some(frame) = frames.last_mut() {
            if let Some(&next) = frame.reads.get(frame.next) {
                frame.next += 1;
                if let Some(entered) = self.enter(next) {
                    frames.push(entered);
                }
                continue;
            }
            let Some(done) = frames.pop() else { break };
            self.resolving.pop();
            if self.rendered_names.insert(done.name) {
                self.render(done.name, done.variable);
            }
        }
    }

    /// Starts resolving `name`: `None` when there is nothing to render (set already, a
    /// value given, undefined here, or in a cycle, told), else the variables it reads.
    fn enter(&mut self, name: &'a str) -> Option<Frame<'a>> {
        if self.rendered_names.contains(name) || self.variables.get(name).is_some() {
            return None;
        }
        let definition = self.definitions.get(name)?;
        let variable = match definition {
            Definition::Value(value) => {
                self.variables.set(name, value.clone());
                return None;
            }
            Definition::Template(variable) => *variable,
        };
        if self.resolving.contains(name) {
            self.told.insert(name);
            let mut cycle: Vec<&str> = self.resolving.iter().copied().collect();
            cycle.push(name);
            self.problems.push(Diagnostic::at(
                &self.collection.path,
                (&self.collection.source, &self.collection.positions),
                &variable.field,
                format!(
                    "variables refer to each other in a cycle: {}",
                    cycle.join(" → ")
                ),
            ));
            return None;
        }
        self.resolving.insert(name);
        let mut reads = Vec::new();
        for template in variable.value.templates() {
            for reference in template.references() {
                let root = reference.split('.').next().unwrap_or("");
                if let Some((key, _)) = self.definitions.get_key_value(root) {
                    reads.push(*key);
                }
            }
        }
        Some(Frame {
            name,
            variable,
            reads,
            next: 0,
        })
    }

    /// Renders `name`'s start value, every variable it reads resolved.
    fn render(&mut self, name: &'a str, variable: &'a Variable) {
        // Past the budget: the problem is told once, at the variable that passed it.
        if self.rendered > crate::template::MOST_RENDERED {
            return;
        }
        // The render stops where the start values would pass the budget, having built no
        // more (a chain of `json`s doubles at every link).
        let left = crate::template::MOST_RENDERED - self.rendered;
        let (rendered, derived) = crate::template::with_derivations(|| {
            crate::template::budget::within(left, || {
                variable
                    .value
                    .render(&self.collection.templates, self.variables.context())
            })
        });
        self.redactor.learn(&derived);
        let value = match rendered {
            Ok(value) => {
                self.rendered = self
                    .rendered
                    .saturating_add(crate::template::budget::held_bytes(&value));
                Ok(value)
            }
            Err(crate::template::RenderError::TooMuchTogether) => {
                self.rendered = usize::MAX;
                Err(None)
            }
            Err(error) => Err(Some(error)),
        };
        if self.rendered > crate::template::MOST_RENDERED {
            self.told.insert(name);
            self.problems.push(
                Diagnostic::at(
                    &self.collection.path,
                    (&self.collection.source, &self.collection.positions),
                    &variable.field,
                    format!(
                        "variable `{name}`: the start values of the variables rendered so far, this one with them, hold more than {} MiB together, the most runner builds from templates before a run",
                        crate::template::MOST_RENDERED >> 20
                    ),
                )
                .with_hint("a variable that holds another several times (`a: \"{{b}}{{b}}\"`), or another's `json`, `base64` or `urlencode`, grows at every link of the chain, and every link is kept: write the text once, or call the helpers fewer times"),
            );
            // Nothing more is rendered (`rendered` stays past the budget): each later
            // variable that reads this one is undefined, which its problem says.
            return;
        }
        match value {
            Ok(value) => self.variables.set(name, value),
            Err(None) => {}
            Err(Some(error)) => {
                use crate::template::RenderError;
                let hint = match &error {
                    // A variable that is defined but did not resolve has its own problem
                    // reported already.
                    RenderError::UndefinedVariable(missing)
                        if self
                            .definitions
                            .contains_key(missing.split('.').next().unwrap_or("")) =>
                    {
                        return;
                    }
                    RenderError::UndefinedVariable(missing) if missing.starts_with("sandbox") => {
                        Some("`sandbox.*` exists only in an environment with `sandbox: emnify`")
                    }
                    RenderError::UndefinedVariable(_) => {
                        Some("define it in `vars`, an environment, or with `--var`")
                    }
                    _ => None,
                };
                if self.told.insert(name) {
                    let problem = Diagnostic::at(
                        &self.collection.path,
                        (&self.collection.source, &self.collection.positions),
                        &variable.field,
                        format!("variable `{name}`: {error}"),
                    );
                    self.problems.push(match hint {
                        Some(hint) => problem.with_hint(hint),
                        None => problem,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SOURCE: &str = r#"
name: precedence
inputs: { TOKEN: { secret: true } }
vars: { a: collection, b: collection, c: collection, d: collection, later: "{{a}}-{{d}}", uses_input: "{{env.TOKEN}}" }
environments:
  e: { vars: { b: environment, c: environment, d: environment } }
  offline: { vars: { uses_input: none } }
steps:
  - name: s
    request: { url: "http://127.0.0.1:1/{{later}}" }
"#;

    fn collection() -> Collection {
        Collection::parse(std::path::Path::new("p.yaml"), SOURCE.to_owned()).expect("valid")
    }

    fn options(environment: &str, overrides: &[(&str, &str, bool)]) -> RunOptions {
        RunOptions {
            environment: Some(environment.to_owned()),
            overrides: overrides
                .iter()
                .map(|(name, value, secret)| Override {
                    name: (*name).into(),
                    value: json!(value),
                    secret: *secret,
                })
                .collect(),
            read_env: |name| (name == "TOKEN").then(|| "input-secret".to_owned()),
            ..RunOptions::default()
        }
    }

    #[test]
    fn later_layers_win_and_definitions_resolve_in_dependency_order() {
        let collection = collection();
        let prepared = prepare(
            &collection,
            &options(
                "e",
                &[
                    ("c", "file", false),
                    ("d", "file", false),
                    ("d", "flag", false),
                ],
            ),
            None,
        )
        .expect("prepares");
        let get = |name: &str| prepared.variables.get(name).cloned();
        assert_eq!(get("a"), Some(json!("collection")));
        assert_eq!(get("b"), Some(json!("environment")));
        assert_eq!(get("c"), Some(json!("file")));
        assert_eq!(get("d"), Some(json!("flag")));
        assert_eq!(get("later"), Some(json!("collection-flag")));
    }

    /// Each variable is told once, however many others read it, and a cycle is told where it
    /// closes; every other variable still resolves.
    #[test]
    fn a_variable_s_problem_is_told_once_however_many_read_it() {
        let source = "name: c\nvars:\n  broken: \"{{nope}}\"\n  r1: \"{{broken}}\"\n  r2: \"{{broken}}-{{r1}}\"\n  a: \"{{b}}\"\n  b: \"{{a}}\"\n  fine: ok\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/{{fine}}\" }\n";
        let collection =
            Collection::parse(std::path::Path::new("c.yaml"), source.to_owned()).expect("parses");
        let Err(PrepareError::Invalid(Diagnostics(problems))) =
            prepare(&collection, &RunOptions::default(), None)
        else {
            panic!("the undefined variable is a problem");
        };
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "variable `broken`: undefined variable `nope`",
                "variables refer to each other in a cycle: a → b → a",
            ],
            "{problems:#?}"
        );
    }

    #[test]
    fn secret_inputs_and_overrides_are_masked() {
        let collection = collection();
        let prepared = prepare(
            &collection,
            &options("e", &[("x", "flag-secret", true)]),
            None,
        )
        .expect("prepares");
        assert_eq!(
            prepared.redactor.redact("input-secret flag-secret"),
            "*** ***"
        );
    }

    #[test]
    fn references_are_walked_unless_loading_checked_them_under_the_same_options() {
        let source =
            "name: c\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/{{nope}}\" }\n";
        let collection =
            Collection::parse(std::path::Path::new("p.yaml"), source.to_owned()).expect("valid");
        let mut options = RunOptions::default();
        let Err(PrepareError::Invalid(found)) = prepare(&collection, &options, None) else {
            panic!("an undefined variable is found");
        };
        assert!(found.to_string().contains("nope"), "{found}");
        // `runner run` says so for the options its loading checked (and refused to run).
        options.references_checked = true;
        assert!(prepare(&collection, &options, None).is_ok());
    }

    #[test]
    fn inputs_unused_by_the_environment_are_not_read() {
        let collection = collection();
        let mut options = options("offline", &[]);
        options.read_env = |_| None;
        assert!(prepare(&collection, &options, None).is_ok());
        options.environment = Some("e".into());
        assert!(matches!(
            prepare(&collection, &options, None),
            Err(PrepareError::Invalid(_))
        ));
    }

    /// A secret input set to nothing (a CI secret that is not defined) counts as unset, and
    /// says so; a plain input may be empty.
    #[test]
    fn an_empty_secret_input_is_unset() {
        let mut options = options("e", &[]);
        options.read_env = |_| Some(String::new());
        let Err(PrepareError::Invalid(found)) = prepare(&collection(), &options, None) else {
            panic!("an empty secret is no secret");
        };
        assert!(
            found
                .to_string()
                .contains("`TOKEN` is required by environment `e` but set empty"),
            "{found}"
        );
        let plain = SOURCE.replace("TOKEN: { secret: true }", "TOKEN: {}");
        let plain = Collection::parse(std::path::Path::new("p.yaml"), plain).expect("valid");
        assert!(prepare(&plain, &options, None).is_ok());
    }
}
