//! The conversion itself: Postman items → steps and groups, variables and environment files →
//! `vars`, `environments` and `inputs`, all as YAML nodes, with the report filled on the way.

use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

use super::context::Context;
use super::credential::{is_credential_name, mask_code};
use super::postman::{self, Collection, Environment, Event, Item, RequestOrUrl};
use super::script::{self, CaptureSource, Expectations, Predicate, ScriptKind, Translation};
use super::yaml::{self, from_json, Map, Node};
use super::{ImportError, Imported, Options, Version};
use crate::spec::collection::SandboxKind;

/// Where an item sits: its folders, the auth and expectations they hand down.
#[derive(Debug, Clone, Default)]
struct Scope {
    path: Vec<String>,
    /// `None`: the collection's auth (in `defaults`); `Some(None)`: a folder auth runner
    /// cannot express (already reported); `Some(Some(node))`: a folder's auth.
    auth: Option<Option<Node>>,
    /// Expectations of folder and collection test scripts, checked on every request.
    expect: Expectations,
    /// Settings (`protocolProfileBehavior`) of the collection and folders, the nearest last.
    behavior: IndexMap<String, Value>,
    /// The nearest folder's (or the collection's) Postman auth, as written.
    postman_auth: Option<postman::Auth>,
    /// How many groups the item is written in (folders nested deeper than [`MAX_GROUPS`]
    /// are not groups).
    groups: usize,
}

/// The most groups written inside each other: a step 32 groups deep is at level 67 of the
/// YAML, which leaves room for its request under runner's limit of 100 levels.
const MAX_GROUPS: usize = 32;

impl Scope {
    fn label(&self, name: &str) -> String {
        let mut parts = self.path.clone();
        parts.push(name.to_owned());
        parts.join(" › ")
    }
}

/// The values the collection, its folders and requests, and the environment files give each
/// variable, by its Postman name (empty ones and disabled ones left out).
fn variable_values(
    collection: &Collection,
    environments: &[(String, Environment)],
) -> IndexMap<String, Vec<String>> {
    fn add(values: &mut IndexMap<String, Vec<String>>, name: &str, value: Option<&Value>) {
        let text = postman::value_text(value);
        if !text.trim().is_empty() {
            values.entry(name.to_owned()).or_default().push(text);
        }
    }
    fn items(values: &mut IndexMap<String, Vec<String>>, list: &[Item]) {
        for item in list {
            for variable in item.variable.iter().filter(|v| !v.disabled) {
                if let Some(name) = variable.name() {
                    add(values, name, variable.value.as_ref());
                }
            }
            items(values, item.item.as_deref().unwrap_or_default());
        }
    }
    let mut values = IndexMap::new();
    for variable in collection.variable.iter().filter(|v| !v.disabled) {
        if let Some(name) = variable.name() {
            add(&mut values, name, variable.value.as_ref());
        }
    }
    items(&mut values, &collection.item);
    for (_, environment) in environments {
        for value in environment.values.iter().filter(|v| v.enabled) {
            add(&mut values, &value.key, value.value.as_ref());
        }
    }
    values
}

/// Converts a parsed collection.
pub(super) fn collection(
    collection: &Collection,
    version: Version,
    environments: &[(String, Environment)],
    options: &Options,
    paths: Option<&super::Paths>,
) -> Result<Imported, ImportError> {
    let mut cx = Context {
        schema_dir: options.schema_dir.clone(),
        item: "collection".to_owned(),
        values: variable_values(collection, environments),
        paths: paths.cloned(),
        ..Context::default()
    };
    let defaults_auth = collection.auth.as_ref().and_then(|auth| {
        cx.item = "collection".to_owned();
        match auth.kind.as_str() {
            "noauth" | "inherit" => None,
            _ => super::auth::convert(auth, &mut cx),
        }
    });
    let mut root_scope = Scope {
        postman_auth: collection.auth.clone(),
        ..Scope::default()
    };
    if let Some(behavior) = &collection.protocol_profile_behavior {
        root_scope.behavior.extend(behavior.clone());
    }
    let top_comments = scope_scripts(&collection.event, "collection", &mut root_scope, &mut cx);
    let mut requests = 0;
    let steps = items(
        &collection.item,
        &root_scope,
        defaults_auth.is_some(),
        &mut cx,
        &mut requests,
    );
    if requests == 0 {
        return Err(ImportError::Empty {
            source_name: options.source.clone(),
        });
    }

    // Variables: the collection's, then those folders and requests define.
    cx.item = "collection".to_owned();
    let mut vars = Map::block();
    for variable in collection.variable.iter().filter(|v| !v.disabled) {
        let Some(name) = variable.name() else {
            continue;
        };
        if let Some(value) = variable_value(
            name,
            variable.value.as_ref(),
            variable.kind(),
            "collection",
            variable.description(),
            &mut cx,
        ) {
            let name = cx.templates.name(name);
            vars.insert(name, value);
        }
    }
    // What Postman's reading of the list leaves out: unchecked variables, a name defined
    // again (the last one is kept).
    for dropped in collection.variable.dropped() {
        cx.report.note(
            "collection",
            "variables",
            dropped.describe("the collection's variables"),
        );
    }
    for (name, value) in std::mem::take(&mut cx.item_vars) {
        if vars.entries.iter().any(|entry| entry.key == name) {
            cx.report.lossy(
                "collection",
                "variables",
                format!("`{name}` is defined by the collection and by a folder or request: runner variables are not scoped to folders; the collection's value is kept"),
            );
            continue;
        }
        vars.insert(name, from_json(&value));
    }

    let mut environment_maps: Vec<(String, Map)> = Vec::new();
    for (source, environment) in environments {
        let label = environment.name.clone().unwrap_or_else(|| source.clone());
        cx.item = format!("environment {label}");
        for dropped in environment.values.dropped() {
            let item = cx.item.clone();
            cx.report.note(
                &item,
                "variables",
                dropped.describe(&format!("the environment file {source}")),
            );
        }
        let mut env_vars = Map::block();
        for value in environment.values.iter().filter(|v| v.enabled) {
            if let Some(node) = variable_value(
                &value.key,
                value.value.as_ref(),
                value.kind.as_deref(),
                &format!("environment `{label}`"),
                None,
                &mut cx,
            ) {
                let name = cx.templates.name(&value.key);
                env_vars.insert(name, node);
            }
        }
        let mut name = slug(&label);
        while environment_maps.iter().any(|(n, _)| *n == name) || name == "sandbox" {
            name.push('_');
        }
        environment_maps.push((name, env_vars));
    }

    // Variables read but defined nowhere.
    let defined: IndexSet<String> = vars
        .entries
        .iter()
        .map(|e| e.key.clone())
        .chain(
            environment_maps
                .iter()
                .flat_map(|(_, m)| m.entries.iter().map(|e| e.key.clone())),
        )
        .chain(cx.captured.iter().cloned())
        .collect();
    let undefined: Vec<String> = cx
        .templates
        .used
        .iter()
        .filter(|name| !defined.contains(*name) && !name.starts_with("env."))
        .cloned()
        .collect();
    let partly = partly_defined(&cx, &vars, &environment_maps);

    let mut root = Map::block();
    let name = match collection.name.as_deref() {
        Some(name) if collection.info.name.trim().is_empty() => name,
        _ => &collection.info.name,
    };
    let name = super::repeated::masked(name, &cx.credentials);
    root.insert("name", non_empty(&name, "Imported from Postman"));
    if let Some(description) = collection.info.description.as_ref().and_then(|d| d.text()) {
        root.insert("description", description.trim_end().to_owned() + "\n");
    }

    let mut environments_node = Map::block();
    let mut default_environment = None;
    if let Some(SandboxKind::Emnify) = options.sandbox {
        let mut sandbox_vars = Map::block();
        let base = first_url_variable(&steps);
        for name in defined.iter().chain(undefined.iter()) {
            if Some(name) == base.as_ref() {
                sandbox_vars.insert(name.clone(), "{{sandbox.url}}");
            } else if name.to_ascii_lowercase().contains("application_token") {
                sandbox_vars.insert(name.clone(), "{{sandbox.application_token}}");
            }
        }
        if let Some(base) = base.filter(|b| !defined.contains(b) && !undefined.contains(b)) {
            sandbox_vars.insert(base, "{{sandbox.url}}");
        }
        let mut sandbox = Map::block();
        sandbox.insert("sandbox", "emnify");
        sandbox.insert(
            "vars",
            Node::Map(Map {
                inline: false,
                ..sandbox_vars
            }),
        );
        environments_node.insert_commented(
            "sandbox",
            Node::Map(sandbox),
            vec![
                "Added by --sandbox emnify: runs against runner's bundled EMnify sandbox."
                    .to_owned(),
            ],
        );
        default_environment = Some("sandbox".to_owned());
    }
    for (name, env_vars) in environment_maps {
        default_environment.get_or_insert_with(|| name.clone());
        let mut environment = Map::block();
        if !env_vars.is_empty() {
            environment.insert("vars", Node::Map(env_vars));
        }
        environments_node.insert(name, Node::Map(environment));
    }
    // Whatever is still undefined is reported (after the sandbox had its say).
    let sandbox_defined: Vec<String> = environments_node
        .entries
        .iter()
        .filter(|e| e.key == "sandbox")
        .flat_map(|e| match &e.value {
            Node::Map(map) => map
                .entries
                .iter()
                .filter(|e| e.key == "vars")
                .flat_map(|e| match &e.value {
                    Node::Map(vars) => vars.entries.iter().map(|e| e.key.clone()).collect(),
                    _ => Vec::new(),
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    // Declared as inputs, so that a run names exactly what to set (and validation passes).
    for name in undefined.iter().filter(|n| !sandbox_defined.contains(n)) {
        let input = cx.missing_variable(name);
        cx.report.note(
            "collection",
            "variables",
            format!("`{name}` is read but defined by no collection variable, environment file or capture (a Postman environment or global?): it reads the input {input}; set {input}, or pass --var {name}=..."),
        );
        vars.insert(name.clone(), format!("{{{{env.{input}}}}}"));
    }
    // Set by some environment files only: the others read an input, so that every
    // environment validates and a run in one of them names the value to give.
    for (name, lacking) in &partly {
        let input = cx.partly_defined_variable(name, lacking);
        let lacking = lacking.join("`, `");
        cx.report.note(
            "collection",
            "variables",
            format!("`{name}` is set by some environment files but not by `{lacking}`: there it reads the input {input} (Postman would send the text `{{{{{name}}}}}`); set {input}, or pass --var {name}=..."),
        );
        vars.insert(name.clone(), format!("{{{{env.{input}}}}}"));
    }
    // The variables that read an input last, sorted (as the inputs are): where each was met
    // (a collection variable, a credential, a variable defined nowhere) is not kept by export.
    let reads_input = |entry: &yaml::Entry| {
        matches!(&entry.value, Node::Scalar(Value::String(text))
            if text.starts_with("{{env.") && text.ends_with("}}") && text.matches("{{").count() == 1)
    };
    let (mut from_inputs, others): (Vec<yaml::Entry>, Vec<yaml::Entry>) =
        vars.entries.drain(..).partition(|e| reads_input(e));
    from_inputs.sort_by(|a, b| a.key.cmp(&b.key));
    vars.entries = others.into_iter().chain(from_inputs).collect();
    for (postman, runner) in cx.templates.renamed.clone() {
        cx.report.note(
            "collection",
            "variables",
            format!("the variable `{postman}` is `{runner}` in runner (names are letters, digits and `_`; some are reserved)"),
        );
    }

    if !cx.inputs.is_empty() {
        let mut inputs = Map::block();
        // Sorted, so the order does not depend on where each secret was met.
        cx.inputs.sort_keys();
        for (name, (secret, description)) in &cx.inputs {
            let mut input = Map::inline();
            if *secret {
                input.insert("secret", true);
            }
            input.insert("description", description.clone());
            inputs.insert(name.clone(), Node::Map(input));
        }
        root.insert("inputs", Node::Map(inputs));
    }
    if !vars.is_empty() {
        root.insert("vars", Node::Map(vars));
    }
    if !environments_node.is_empty() {
        root.insert("environments", Node::Map(environments_node));
    }
    if let Some(default) = default_environment {
        root.insert("default_environment", default);
    }
    let mut defaults = Map::block();
    if let Some(auth) = defaults_auth {
        defaults.insert("auth", auth);
    }
    // Newman passes a request whatever its status unless a test says otherwise; runner expects
    // a success of a step that says nothing. Keep Newman's meaning for the whole collection.
    let mut expect = Map::inline();
    expect.insert("status", "any");
    defaults.insert("expect", Node::Map(expect));
    root.insert("defaults", Node::Map(defaults));
    let mut steps = steps;
    for variable in super::repeated::hide(&mut steps, &cx.credentials) {
        cx.report.note(
            "collection",
            "credentials",
            format!("the value of `{variable}` was written in other places too (a URL, a header, a body, a name): it is `{{{{{variable}}}}}` there as well"),
        );
    }
    root.insert_commented("steps", Node::Seq(steps), top_comments);

    let header = vec![
        format!("yaml-language-server: $schema={}", options.schema),
        format!(
            "Imported by `runner import postman` from {} (Postman Collection {}).",
            options.source,
            version.as_str()
        ),
        "Postman folders are groups here: a step with `name` and `steps`, in the same order."
            .to_owned(),
    ];
    super::repeated::mask_report(&mut cx.report, &cx.credentials);
    Ok(Imported {
        yaml: yaml::to_string(&header, &root),
        report: cx.report,
        files: cx.files,
        requests,
    })
}

fn non_empty(text: &str, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_owned()
    } else {
        text.trim().to_owned()
    }
}

/// A variable's value as written to `vars`; secrets become inputs; `None` to leave it out.
fn variable_value(
    name: &str,
    value: Option<&Value>,
    kind: Option<&str>,
    origin: &str,
    description: Option<&str>,
    cx: &mut Context,
) -> Option<Node> {
    let runner_name = cx.templates.name(name);
    let text = postman::value_text(value);
    // A variable a step captures needs no starting value.
    if text.is_empty() && cx.captured.contains(&runner_name) {
        return None;
    }
    // A secret variable, or one named like a credential (`apiKey`, `token`, `password`: the
    // rule for fields) holding a literal: its value is never written.
    let literal_credential =
        is_credential_name(name) && !text.trim().is_empty() && !text.contains("{{");
    if kind == Some("secret") || literal_credential {
        let input = cx.secret_variable(name, origin, description);
        // Written elsewhere as itself (a body, a URL), it is this variable there too.
        if !text.trim().is_empty() && !cx.credentials.iter().any(|(value, _)| *value == text) {
            cx.credentials.push((text.clone(), runner_name.clone()));
        }
        if kind != Some("secret") {
            let item = cx.item.clone();
            cx.report.note(
                &item,
                "variables",
                format!(
                    "the variable `{name}` of the Postman {origin} is named like a credential: it \
                     reads the secret input `{input}`, and its value is not written: set the \
                     environment variable {input} to run"
                ),
            );
        }
        return Some(Node::from(format!("{{{{env.{input}}}}}")));
    }
    Some(match value {
        Some(Value::String(text)) => Node::from(cx.text(text, "variables")),
        Some(other @ (Value::Number(_) | Value::Bool(_))) => from_json(other),
        Some(other) => from_json(&cx.json(other, "variables")),
        None => Node::from(""),
    })
}

/// The variables the steps (or variables) read that some environment files set and others
/// do not, with neither a collection variable nor a capture to fall back on: each with the
/// names of the environments that lack it.
fn partly_defined(
    cx: &Context,
    vars: &Map,
    environments: &[(String, Map)],
) -> Vec<(String, Vec<String>)> {
    let sets = |map: &Map, name: &str| map.entries.iter().any(|entry| entry.key == name);
    cx.templates
        .used
        .iter()
        .filter(|name| !sets(vars, name) && !cx.captured.contains(*name))
        .filter(|name| environments.iter().any(|(_, env)| sets(env, name)))
        .filter_map(|name| {
            let lacking: Vec<String> = environments
                .iter()
                .filter(|(_, env)| !sets(env, name))
                .map(|(environment, _)| environment.clone())
                .collect();
            (!lacking.is_empty()).then(|| (name.clone(), lacking))
        })
        .collect()
}

/// Lower-case letters, digits, `-` and `_`.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() {
        "environment".to_owned()
    } else {
        slug
    }
}

/// The variable the first request's URL starts with (`{{base_url}}/...`).
fn first_url_variable(steps: &[yaml::Item]) -> Option<String> {
    for item in steps {
        let Node::Map(step) = &item.value else {
            continue;
        };
        for entry in &step.entries {
            match (&*entry.key, &entry.value) {
                ("request", Node::Map(request)) => {
                    let url = request.entries.iter().find(|e| e.key == "url")?;
                    let Node::Scalar(Value::String(url)) = &url.value else {
                        return None;
                    };
                    let rest = url.strip_prefix("{{")?;
                    return rest.split_once("}}").map(|(name, _)| name.to_owned());
                }
                ("steps", Node::Seq(inner)) => {
                    if let Some(found) = first_url_variable(inner) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// Folder or collection scripts: test expectations are handed down to every request; the
/// rest is returned as comments and reported.
fn scope_scripts(
    events: &[Event],
    label: &str,
    scope: &mut Scope,
    cx: &mut Context,
) -> Vec<String> {
    let mut comments = Vec::new();
    for (kind, translation) in scripts(events) {
        let place = format!(
            "{} of the {}",
            kind.label(),
            if label == "collection" {
                "collection"
            } else {
                "folder"
            }
        );
        for reason in scope.expect.merge(&translation.expect) {
            cx.report.lossy(label, &place, reason);
        }
        for (name, _) in &translation.captures {
            cx.report.lossy(
                label,
                &place,
                format!("sets `{name}` after every request of the {}: runner captures per step; add the capture to the step that should set it", if label == "collection" { "collection" } else { "folder" }),
            );
        }
        pre_request_vars(&translation, label, cx);
        comments.extend(leftovers(&translation, kind, label, cx));
    }
    comments
}

/// What a pre-request script sets before the request becomes `vars` (runner variables are
/// set when the run starts, for the whole run): a name set to two values is reported.
fn pre_request_vars(translation: &Translation, label: &str, cx: &mut Context) {
    let previous = std::mem::replace(&mut cx.item, label.to_owned());
    for (postman, value) in &translation.vars {
        let runner = cx.templates.name(postman);
        // A literal credential the script sets (`pm.environment.set('api_token', '...')`)
        // reads a secret input: its value is never written.
        let value = match value.as_str() {
            Some(text)
                if is_credential_name(postman)
                    && !text.trim().is_empty()
                    && !text.contains("{{") =>
            {
                let input = cx.secret_variable(
                    &runner,
                    "collection",
                    Some(&format!(
                        "`{postman}`, set to a literal credential by a pre-request script (its \
                         value is not imported)"
                    )),
                );
                cx.report.note(
                    label,
                    "pre-request script",
                    format!(
                        "`{postman}` is set to a literal credential: it reads the secret input \
                         `{input}`, and its value is not written: set the environment variable \
                         {input} to run"
                    ),
                );
                cx.credentials.push((text.to_owned(), runner.clone()));
                Value::String(format!("{{{{env.{input}}}}}"))
            }
            _ => cx.json(value, "pre-request script"),
        };
        if value.as_str().is_some_and(|text| {
            text.contains("{{uuid}}")
                || text.contains("{{timestamp}}")
                || text.contains("{{now}}")
                || text.contains("{{$")
        }) {
            cx.report.note(label, "pre-request script", format!("`{postman}` is set once when the run starts (runner variables are), where Postman sets it anew before each request the script runs for"));
        }
        match cx.item_vars.get(&runner) {
            Some(existing) if *existing != value => cx.report.lossy(
                label,
                "pre-request script",
                format!("`{postman}` is set to different values before different requests: runner variables are not scoped; the first is kept"),
            ),
            _ => {
                cx.item_vars.insert(runner, value);
            }
        }
    }
    cx.item = previous;
}

/// The enabled scripts of these events, translated.
fn scripts(events: &[Event]) -> Vec<(ScriptKind, Translation)> {
    events
        .iter()
        .filter(|event| !event.disabled)
        .filter_map(|event| {
            let kind = match event.listen.as_str() {
                "test" => ScriptKind::Test,
                "prerequest" => ScriptKind::PreRequest,
                _ => return None,
            };
            let source = event.script.as_ref()?.source();
            if source.trim().is_empty() {
                return None;
            }
            Some((kind, script::translate(&source, kind)))
        })
        .collect()
}

/// Comments for the untranslated statements, each also reported.
fn leftovers(
    translation: &Translation,
    kind: ScriptKind,
    label: &str,
    cx: &mut Context,
) -> Vec<String> {
    let mut comments = Vec::new();
    for leftover in &translation.leftovers {
        let place = format!("{} line {}", kind.label(), leftover.line);
        // Shown, not run: a literal that looks like a credential is `***`.
        let code = mask_code(&leftover.code);
        if leftover.lossy {
            cx.report.lossy_code(label, &place, &code, &leftover.reason);
        } else {
            cx.report.note_code(label, &place, &code, &leftover.reason);
        }
        comments.push(format!(
            "Not translated: {} line {} ({}):",
            kind.label(),
            leftover.line,
            leftover.reason
        ));
        for line in code.lines() {
            comments.push(format!("  {}", line.trim_end()));
        }
    }
    comments
}

fn description_comments(description: Option<&postman::Description>) -> Vec<String> {
    description
        .and_then(|d| d.text())
        .map(|text| {
            text.trim()
                .lines()
                .map(|l| l.trim_end().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Converts items to steps; `collection_auth` says whether `defaults.auth` is set.
fn items(
    list: &[Item],
    scope: &Scope,
    collection_auth: bool,
    cx: &mut Context,
    requests: &mut usize,
) -> Vec<yaml::Item> {
    let mut steps = Vec::new();
    for item in list {
        let name = non_empty(item.name.as_deref().unwrap_or_default(), "Unnamed");
        let label = scope.label(&name);
        cx.item = label.clone();
        for variable in item.variable.iter().filter(|v| !v.disabled) {
            let Some(var_name) = variable.name() else {
                continue;
            };
            if let Some(Node::Scalar(value)) = variable_value(
                var_name,
                variable.value.as_ref(),
                variable.kind(),
                "folder",
                variable.description(),
                cx,
            ) {
                let runner = cx.templates.name(var_name);
                match cx.item_vars.get(&runner) {
                    Some(existing) if *existing != value => cx.report.lossy(
                        &label,
                        "variables",
                        format!("`{var_name}` has different values in different folders or requests: runner variables are not scoped; the first is kept"),
                    ),
                    _ => {
                        cx.item_vars.insert(runner, value);
                    }
                }
            }
        }
        if let Some(children) = &item.item {
            let mut inner = scope.clone();
            inner.path.push(name.clone());
            if let Some(behavior) = &item.protocol_profile_behavior {
                inner.behavior.extend(behavior.clone());
            }
            if let Some(auth) = &item.auth {
                if auth.kind != "inherit" {
                    inner.auth = Some(super::auth::convert(auth, cx));
                    inner.postman_auth = Some(auth.clone());
                }
            }
            let flattened = scope.groups >= MAX_GROUPS;
            if !flattened {
                inner.groups += 1;
            }
            let mut comments = description_comments(item.description.as_ref());
            comments.extend(scope_scripts(&item.event, &label, &mut inner, cx));
            let mut group = items(children, &inner, collection_auth, cx, requests);
            if group.is_empty() {
                cx.report.note(
                    &label,
                    "folder",
                    "the folder has no request: it is left out",
                );
                continue;
            }
            if flattened {
                // Its steps join the enclosing group, in order, under the folder's comments.
                if scope.path.len() == MAX_GROUPS {
                    cx.report.note(&label, "folder", format!("the folder is nested in more than {MAX_GROUPS} folders: its steps (and those of the folders inside it) are written in the enclosing group, not in groups of their own (a collection nests at most 100 levels); their folders' scripts and auth still apply"));
                }
                comments.append(&mut group[0].comments);
                group[0].comments = comments;
                steps.append(&mut group);
                continue;
            }
            let mut step = Map::block();
            step.insert("name", name);
            step.insert("steps", Node::Seq(group));
            steps.push(yaml::Item {
                value: Node::Map(step),
                comments,
            });
            continue;
        }
        let request = match &item.request {
            Some(RequestOrUrl::Request(request)) => (**request).clone(),
            Some(RequestOrUrl::Url(url)) => postman::Request {
                url: Some(postman::Url::Text(url.clone())),
                ..postman::Request::default()
            },
            None => {
                cx.report.lossy(
                    &label,
                    "request",
                    "the item has neither a request nor items: it is left out",
                );
                continue;
            }
        };
        if let Some(step) = request_step(&name, item, &request, scope, collection_auth, cx) {
            *requests += 1;
            steps.push(step);
        }
    }
    steps
}

/// Postman settings at the value they have when not set, which is also what runner does
/// (a redirected POST becomes a GET, the `Authorization` header is not sent to another
/// host, certificates are checked, ...): nothing to translate.
const POSTMAN_DEFAULTS: &[(&str, Option<bool>)] = &[
    ("followOriginalHttpMethod", Some(false)),
    ("followAuthorizationHeader", Some(false)),
    // runner sends no `Referer` at all, so removing it on a redirect is what it does too.
    ("removeRefererHeaderOnRedirect", Some(false)),
    ("removeRefererHeaderOnRedirect", Some(true)),
    ("disableUrlEncoding", Some(false)),
    ("disableCookies", Some(false)),
    ("insecureHTTPParser", Some(false)),
    ("strictSSL", Some(true)),
];

fn request_step(
    name: &str,
    item: &Item,
    request: &postman::Request,
    scope: &Scope,
    collection_auth: bool,
    cx: &mut Context,
) -> Option<yaml::Item> {
    let label = cx.item.clone();
    let reported = cx.report.entries.len();
    let Some(url) = request.url.as_ref() else {
        cx.report
            .lossy(&label, "url", "the request has no URL: it is left out");
        return None;
    };
    let mut comments =
        description_comments(item.description.as_ref().or(request.description.as_ref()));
    let mut out = Map::block();

    let method = request
        .method
        .as_deref()
        .unwrap_or("GET")
        .to_ascii_uppercase();
    if let Some(problem) = super::steps::method_problem(&method) {
        cx.report.lossy(&label, "method", problem);
    }
    if method != "GET" {
        out.insert("method", method.clone());
    }
    // What the request's auth (its own, else the nearest folder's or the collection's)
    // takes out of the request before it sets its own, as Postman does.
    let replaced = request
        .auth
        .as_ref()
        .filter(|auth| auth.kind != "inherit")
        .or(scope.postman_auth.as_ref())
        .filter(|auth| auth.kind != "inherit")
        .and_then(super::auth::replaces);
    let replaced_query = match &replaced {
        Some(super::auth::Replaced::Query(name)) => Some(name.as_str()),
        _ => None,
    };
    let converted = super::url::convert(url, replaced_query, cx);
    if converted.url.trim().is_empty() {
        cx.report
            .lossy(&label, "url", "the request's URL is empty: it is left out");
        return None;
    }
    // What runner would refuse to load (`http://about:blank`, from a URL object with a port
    // that is no number) is not written: the collection must validate.
    if let Some(problem) = crate::postman::url_refused(&converted.url) {
        cx.report.lossy(
            &label,
            "url",
            format!("{problem}: runner cannot send it, so the request is left out; fix its URL in Postman, or add the step by hand"),
        );
        return None;
    }
    out.insert("url", converted.url);
    if !converted.query.is_empty() {
        let mut query = Map::inline();
        for (key, values) in converted.query {
            let values = values.into_iter().map(Node::Scalar).collect();
            query.insert(key, super::params::one_or_list(values));
        }
        out.insert("query", Node::Map(query));
    }

    // The request's settings over its folders' over the collection's.
    let mut behavior = scope.behavior.clone();
    behavior.extend(item.protocol_profile_behavior.clone().unwrap_or_default());
    // One order, wherever each setting came from (as export writes them).
    let rank = |key: &str| match key {
        "followRedirects" => 0,
        "maxRedirects" => 1,
        _ => 2,
    };
    behavior.sort_by(|a, _, b, _| rank(a).cmp(&rank(b)));
    let prune_body = matches!(method.as_str(), "GET" | "HEAD")
        && behavior.get("disableBodyPruning") != Some(&Value::Bool(true));
    let room = super::body::JsonRoom {
        json_header: declares_json(request),
        // `json:` of a step written in no group is at level 5; each group adds two.
        levels: 96 - 2 * scope.groups,
    };
    let body = match &request.body {
        Some(body) if prune_body => {
            if super::body::convert(body, room, cx).is_some() {
                cx.report.note(&label, "body", format!("Postman does not send a body with {method} (unless `disableBodyPruning` is set): it is left out"));
            }
            None
        }
        Some(body) => super::body::convert(body, room, cx),
        None => None,
    };

    let mut headers = Map::inline();
    for header in request
        .header
        .as_ref()
        .map(|h| h.list())
        .unwrap_or_default()
    {
        if header.disabled {
            continue;
        }
        let Some(key) = header_name(header.key.as_deref(), &label, cx) else {
            continue;
        };
        if let Some(super::auth::Replaced::Header(name)) = &replaced {
            if key.eq_ignore_ascii_case(name) {
                cx.report.note(&label, "headers", format!("the header `{key}` is replaced by the request's auth, as Postman replaces it: it is left out"));
                continue;
            }
        }
        let value = header.value_text();
        let multipart = body.as_ref().and_then(|b| b.implied_type) == Some("multipart/form-data");
        if multipart && key.eq_ignore_ascii_case("content-type") {
            // runner's multipart body sets its own `Content-Type`, with the boundary it uses.
            let base = value.split(';').next().unwrap_or("").trim();
            if !base.eq_ignore_ascii_case("multipart/form-data") {
                cx.report.lossy(&label, "headers", format!("the header `{key}: {value}` goes with a form-data body: runner sends `multipart/form-data` (with its boundary), as a multipart body must; the header is left out"));
            } else if value.contains("boundary") {
                cx.report.note(&label, "headers", format!("the header `{key}` names a boundary of its own: runner's multipart body sets `Content-Type` with the boundary it uses; the header is left out"));
            }
            continue;
        }
        if key.eq_ignore_ascii_case("content-type") {
            if let Some(implied) = body.as_ref().and_then(|b| b.implied_type) {
                // The body kind sets it; one with parameters (`; charset=utf-8`) is kept, as
                // Postman sends it.
                if value.trim().eq_ignore_ascii_case(implied) {
                    continue;
                }
            }
        }
        if headers
            .entries
            .iter()
            .any(|e| e.key.eq_ignore_ascii_case(&key))
        {
            cx.report.lossy(&label, "headers", format!("the header `{key}` is sent twice: runner sends each header once, the first is kept"));
            continue;
        }
        // Checked as written, before a literal credential in it becomes a secret input.
        if reqwest::header::HeaderValue::from_str(&value).is_err() {
            cx.report.lossy(&label, "headers", format!("the value of the header `{key}` holds a line break or another control character, which no header can carry (Postman's Node.js refuses it too): the header is left out"));
            continue;
        }
        let value = cx.header_value(&key, &value);
        headers.insert(key, value);
    }
    if let Some(content_type) = body.as_ref().and_then(|b| b.content_type.clone()) {
        if !headers
            .entries
            .iter()
            .any(|e| e.key.eq_ignore_ascii_case("content-type"))
        {
            headers.insert("Content-Type", content_type);
        }
    }
    let authorization_header = headers
        .entries
        .iter()
        .any(|e| e.key.eq_ignore_ascii_case("authorization"));
    if !headers.is_empty() {
        out.insert("headers", Node::Map(headers));
    }

    // Auth: the request's own, else the nearest folder's, else the collection's defaults.
    // An auth runner cannot express was reported as "sent without auth": make it so, rather
    // than let a collection or folder auth apply.
    let inherited = collection_auth || matches!(scope.auth, Some(Some(_)));
    let none = || Node::from("none");
    let auth = match request.auth.as_ref().filter(|a| a.kind != "inherit") {
        Some(auth) if auth.kind == "noauth" => inherited.then(none),
        Some(auth) => super::auth::convert(auth, cx).or_else(|| inherited.then(none)),
        None => match &scope.auth {
            Some(Some(node)) => Some(node.clone()),
            Some(None) => collection_auth.then(none),
            None => None,
        },
    };
    // The URL's user name and password: Postman sends them as Basic auth when no auth
    // (and no `Authorization` header) sends its own.
    let auth = match &converted.user_info {
        Some(info) => {
            let own_auth = match &auth {
                Some(Node::Scalar(Value::String(none))) if none == "none" => false,
                Some(_) => true,
                None => collection_auth && scope.auth.is_none(),
            };
            if own_auth || authorization_header {
                let sent = if authorization_header {
                    "the `Authorization` header"
                } else {
                    "the request's auth"
                };
                cx.report.lossy(
                    &label,
                    "url",
                    format!(
                        "the URL holds a user name and password: {sent} is sent instead (as \
                         Postman does), and the URL's are left out (not written)"
                    ),
                );
                auth
            } else {
                Some(super::auth::user_info(info, cx))
            }
        }
        None => auth,
    };
    if let Some(auth) = auth {
        out.insert("auth", auth);
    }
    if let Some(body) = body {
        out.insert(body.field, body.value);
    }
    for (key, value) in &behavior {
        match (key.as_str(), value) {
            ("followRedirects", Value::Bool(follow)) => out.insert("follow_redirects", *follow),
            ("maxRedirects", Value::Number(n)) => out.insert("max_redirects", Node::Scalar(Value::Number(n.clone()))),
            ("disableBodyPruning", _) => {}
            ("strictSSL", Value::Bool(false)) => cx.report.note(&label, "settings", "SSL certificate verification is off for this request in Postman: runner checks certificates unless run with --insecure"),
            _ if POSTMAN_DEFAULTS.contains(&(key.as_str(), value.as_bool())) => {}
            _ => cx.report.lossy(&label, "settings", format!("the Postman setting `{key}: {value}` has no runner equivalent: runner behaves as Postman does without it")),
        }
    }

    let mut step = Map::block();
    step.insert("name", name.to_owned());
    step.insert("request", Node::Map(out));

    // Scripts: the folder's expectations first, then the request's own.
    let mut expect = scope.expect.clone();
    let mut captures = IndexMap::new();
    for (kind, translation) in scripts(&item.event) {
        for reason in expect.merge(&translation.expect) {
            cx.report.lossy(
                &label,
                kind.label(),
                format!("{reason} (the folder's or an earlier check is kept)"),
            );
        }
        for (name, capture) in &translation.captures {
            captures.insert(name.clone(), capture.clone());
        }
        if translation.guarded {
            cx.report.note(&label, kind.label(), "a capture guarded by `if (...)` is a plain capture: where Postman skipped it, the step fails because the capture finds nothing");
        }
        pre_request_vars(&translation, &label, cx);
        comments.extend(leftovers(&translation, kind, &label, cx));
    }
    if let Some(node) = expectations(&expect, cx) {
        step.insert("expect", node);
    }
    if !captures.is_empty() {
        let mut capture_map = Map::block();
        for (postman_name, capture) in captures {
            let runner = cx.templates.name(&postman_name);
            cx.captured.insert(runner.clone());
            let secret = is_credential_name(&postman_name);
            let mut spec = Map::inline();
            match capture.source {
                CaptureSource::JsonPath(path) if !secret => {
                    capture_map.insert(runner, path);
                    continue;
                }
                CaptureSource::JsonPath(path) => spec.insert("jsonpath", path),
                CaptureSource::Header(name) => spec.insert("header", name),
                CaptureSource::Status => spec.insert("status", true),
                CaptureSource::Body => spec.insert("body", true),
                CaptureSource::Duration => spec.insert("duration", true),
            }
            if secret {
                spec.insert("secret", true);
            }
            capture_map.insert(runner, Node::Map(spec));
        }
        step.insert("capture", Node::Map(capture_map));
    }
    // What the request lost sits beside it too (scripts have their own comments).
    for entry in &cx.report.entries[reported..] {
        if entry.severity == crate::postman::report::Severity::Lossy
            && !entry.place.contains("script")
        {
            comments.push(format!(
                "Not translated: {} ({})",
                entry.place, entry.reason
            ));
        }
    }
    Some(yaml::Item {
        value: Node::Map(step),
        comments,
    })
}

/// Whether the request's own enabled `Content-Type` header names JSON (`application/json`,
/// `application/vnd.api+json`).
fn declares_json(request: &postman::Request) -> bool {
    let headers = request
        .header
        .as_ref()
        .map(|h| h.list())
        .unwrap_or_default();
    headers.iter().any(|header| {
        let is_content_type = header
            .key
            .as_deref()
            .is_some_and(|key| key.trim().eq_ignore_ascii_case("content-type"));
        let value = header.value_text().to_ascii_lowercase();
        let base = value.split(';').next().unwrap_or("").trim();
        !header.disabled
            && is_content_type
            && (base == "application/json" || base.ends_with("+json"))
    })
}

/// A request header's name as it is sent: without the spaces around it (which no HTTP
/// header name holds; postman-collection's `Header.parseSingle` trims them too; noted); `None` for no name, and
/// for a name that is not an HTTP token (`X-Nöme`, `X Lead`, `{{name}}`), which runner cannot
/// send (reported).
fn header_name(key: Option<&str>, label: &str, cx: &mut Context) -> Option<String> {
    let written = key?;
    let key = written.trim();
    if key.is_empty() {
        return None;
    }
    if reqwest::header::HeaderName::from_bytes(key.as_bytes()).is_err() {
        let key = key.escape_debug();
        cx.report.lossy(label, "headers", format!("`{key}` is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~, with no space; a name from a variable is not one either): runner cannot send it, the header is left out"));
        return None;
    }
    if key != written {
        let written = written.escape_debug();
        cx.report.note(
            label,
            "headers",
            format!("the header name `{written}` is sent as `{key}`, without the spaces around it"),
        );
    }
    Some(key.to_owned())
}

fn predicate(predicate: &Predicate, cx: &mut Context) -> Node {
    match predicate.0.get("equals") {
        Some(value) if predicate.0.len() == 1 && !value.is_object() => {
            from_json(&cx.json(value, "expect"))
        }
        _ => {
            let mut map = Map::inline();
            for (operator, operand) in &predicate.0 {
                let operand = cx.json(operand, "expect");
                map.insert(operator.clone(), from_json(&operand));
            }
            Node::Map(map)
        }
    }
}

fn expectations(expect: &Expectations, cx: &mut Context) -> Option<Node> {
    if expect.is_empty() {
        return None;
    }
    let label = cx.item.clone();
    let mut map = Map::block();
    if let Some(status) = &expect.status {
        map.insert("status", from_json(status));
    }
    if !expect.headers.is_empty() {
        let mut headers = Map::block();
        for (name, p) in &expect.headers {
            let node = predicate(p, cx);
            headers.insert(name.clone(), node);
        }
        map.insert("headers", Node::Map(headers));
    }
    if !expect.jsonpath.is_empty() {
        let mut paths = Map::block();
        for (path, p) in &expect.jsonpath {
            let node = predicate(p, cx);
            paths.insert(path.clone(), node);
        }
        map.insert("jsonpath", Node::Map(paths));
    }
    if let Some(body) = &expect.body {
        let node = predicate(body, cx);
        map.insert("body", node);
    }
    if let Some(schema) = &expect.schema {
        match cx.schema_dir.clone() {
            Some(dir) => {
                let mut file = format!("{dir}/{}.schema.json", slug(&label));
                let mut n = 2;
                while cx.files.iter().any(|(f, _)| *f == file) {
                    file = format!("{dir}/{}-{n}.schema.json", slug(&label));
                    n += 1;
                }
                let text = serde_json::to_string_pretty(schema).unwrap_or_default() + "\n";
                cx.files.push((file.clone(), text));
                map.insert("schema", file);
            }
            // Written to standard output: the schema goes in place.
            None => {
                map.insert("schema", super::yaml::from_json(schema));
            }
        }
    }
    if let Some(duration) = &expect.duration {
        let node = predicate(duration, cx);
        map.insert("duration", node);
    }
    (!map.is_empty()).then_some(Node::Map(map))
}
