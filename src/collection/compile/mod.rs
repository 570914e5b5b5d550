//! Turns a parsed [`CollectionSpec`] into a runnable [`Collection`], collecting every problem
//! instead of stopping at the first.

mod auth;
mod body;
mod expect;
mod openapi;
mod request;
mod snapshot;
mod templates;
mod workflow;

use expect::conditions_references;

use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::spec::map::IndexMap;
use serde_json::Value;

use super::diagnostic::did_you_mean;
use super::locate::{FieldPath, Positions};
use super::outline::{Outline, MAX_NESTING};
use super::{
    Action, Auth, Collection, Diagnostic, Environment, Input, Step, Variable, RESERVED_NAMES,
};
use crate::check::expect::StatusMatcher;
use crate::check::jsonpath::JsonPath;
use crate::spec::collection::{CollectionSpec, EnvironmentSpec, ParameterValue, StepSpec};
use crate::spec::written::NULL_MAP_VALUE;
use crate::template::{Template, Templates};

/// Compiles `source`, read from `path`: the collection (when its YAML has the format's
/// shape, even if parts of it do not compile, so later checks can still run on the rest) and
/// every problem found.
pub(super) fn compile(path: &Path, source: String) -> (Option<Collection>, Vec<Diagnostic>) {
    // A byte-order mark (written by some Windows editors) is not part of the document.
    let source = match source.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => source,
    };
    // A block scalar whose text starts with a tab, which libyaml cannot read unless its
    // header gives the indentation.
    let source = crate::spec::block_scalar::indicate_tab_indentation(&source).unwrap_or(source);
    // Refused before any reading: in a free map (`vars`, a `json` body) one would be read as
    // a key named `<<`, and sent.
    let merges = super::keys::merge_keys(path, &source);
    if !merges.is_empty() {
        return (None, merges);
    }
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let positions = Positions::default();
    let new_compiler = || Compiler {
        path,
        source: &source,
        positions: &positions,
        templates: Templates::new(),
        problems: Vec::new(),
        inputs: IndexMap::default(),
        defaults: Defaults::default(),
        ids: foldhash::HashSet::default(),
        jsonpaths: HashMap::default(),
        plans: super::queries::Plans::default(),
        include_stack: vec![canonical.clone()],
        depth: 0,
        included: workflow::Included::default(),
        credentials: Vec::new(),
    };
    // A document in the plain subset is read by the fast path (`quick`), one top-level step
    // at a time; otherwise, after the depth check, a plain document is read one top-level
    // step at a time by yaml_serde (see `outline`). Anything else, or a step that does not
    // parse, and the whole document is read at once, which also gives the messages for
    // broken YAML.
    // Once a path has read every step, where each is written is remembered (for locating
    // their fields later without reading the whole document again).
    let quick = super::quick::scan(&source).and_then(|quick| {
        let spec = quick.header::<CollectionSpec>()?;
        let mut compiler = new_compiler();
        let parts = compiler.collection(&spec, Some(Outlined::Quick(&quick)))?;
        positions.remember_steps(quick.step_spans());
        Some((spec, compiler, parts))
    });
    let by_step = match quick {
        Some(compiled) => Some(compiled),
        None => {
            if let Some(problem) = too_deep(path, &source) {
                return (None, vec![problem]);
            }
            super::outline::outline(&source).and_then(|outline| {
                let spec = serde_yaml::from_str::<CollectionSpec>(&outline.header).ok()?;
                let mut compiler = new_compiler();
                let parts = compiler.collection(&spec, Some(Outlined::Saphyr(&outline)))?;
                positions.remember_steps(outline.step_spans());
                Some((spec, compiler, parts))
            })
        }
    };
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
        defaults,
        credentials,
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
        openapi: defaults.contract,
        clear_credentials: credentials,
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
        width: None,
        shown: None,
    })
}

/// How many top-level steps of a document without an outline are read one by one, after a
/// problem, for more problems (each re-reads the whole document).
const MOST_STEPS_READ_ALONE: usize = 32;

/// Parses the YAML into the format's types. serde stops at the first problem, so after one,
/// every step is parsed on its own too: a collection with three broken steps shows three
/// problems. A plain document (one the outline reads, with lines that end in `\n`) has each
/// of its steps read from the step's own text; any other, its first
/// [`MOST_STEPS_READ_ALONE`].
fn parse(path: &Path, source: &str) -> Result<CollectionSpec, Vec<Diagnostic>> {
    if let Err(error) = crate::spec::duplicates::check(source) {
        return Err(vec![yaml_error(path, source, &error)]);
    }
    let first = match serde_yaml::from_str::<CollectionSpec>(source) {
        Ok(spec) => return Ok(spec),
        Err(error) => yaml_error(path, source, &error),
    };
    let mut problems = vec![first];
    let document = serde_yaml::from_str::<serde_yaml::Value>(source).ok();
    let steps = document
        .as_ref()
        .and_then(|doc| doc.get("steps").and_then(|s| s.as_sequence()).map(Vec::len))
        .unwrap_or(0);
    let outline = breaks_only_at_newlines(source)
        .then(|| super::outline::outline(source))
        .flatten();
    let alone = match outline {
        Some(outline) => outlined_step_problems(path, source, &outline),
        // A step read alone from the whole document re-reads all of it (yaml_serde parses
        // all of it before it reads any), so a long file would take time growing with its
        // square: the first steps are read alone, and the unknown-key walk below still
        // covers every step.
        None => (0..steps.min(MOST_STEPS_READ_ALONE))
            .filter_map(|index| {
                let at = FieldPath::default().key("steps").index(index);
                super::locate::deserialize_at::<StepSpec>(source, &at)
                    .err()
                    .map(|error| yaml_error(path, source, &error))
            })
            .collect(),
    };
    // A set: every step of a long file may be broken.
    let mut seen: foldhash::HashSet<Diagnostic> = problems.iter().cloned().collect();
    for problem in alone {
        if seen.insert(problem.clone()) {
            problems.push(problem);
        }
    }
    // serde names one unknown field per step; the schema walk names all of them, in order.
    let unknown = document.map_or_else(Vec::new, |doc| {
        super::keys::unknown_keys(path, source, &doc)
    });
    if !unknown.is_empty() {
        // serde's message for a key the walk names too gives way to the walk's.
        let named: foldhash::HashSet<&str> = unknown
            .iter()
            .map(|u| u.message.split('`').nth(1).unwrap_or(""))
            .collect();
        problems.retain(|problem| {
            let key = problem
                .message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next());
            !key.is_some_and(|key| named.contains(key))
        });
        let mut all = unknown;
        all.extend(problems);
        all.sort_by_key(|p| p.position);
        problems = all;
    }
    Err(problems)
}

/// Whether every line of `source` ends in `\n` (or `\r\n`): libyaml also breaks lines at a
/// lone `\r`, U+0085, U+2028 and U+2029, and places its problems by its own count, which a
/// step read from its own text could not then agree with.
fn breaks_only_at_newlines(source: &str) -> bool {
    let bytes = source.as_bytes();
    let lone_return = memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'));
    !lone_return && !source.contains(['\u{85}', '\u{2028}', '\u{2029}'])
}

/// The problems of the outlined document's top-level steps, each step read from its own text
/// as a one-item list (the outline refuses anchors and aliases, so a step reads alone as it
/// does in the file): a run of steps at a time, and the steps of a run that does not read one
/// by one. Time grows with the file, not with its square.
fn outlined_step_problems(path: &Path, source: &str, outline: &Outline) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // The line each step starts on, counted on from the step before.
    let (mut line, mut counted) = (1, 0);
    for (first, count, text) in outline.runs(source, RUN_BYTES) {
        if serde_yaml::from_str::<Vec<StepSpec>>(text).is_ok() {
            continue;
        }
        for (index, lines) in (first..first + count).zip(outline.step_lines(first, count)) {
            line += super::lines::count(
                source
                    .as_bytes()
                    .get(counted..lines.start)
                    .unwrap_or_default(),
            );
            counted = lines.start;
            let Some(text) = source.get(lines) else {
                continue;
            };
            if let Err(error) = serde_yaml::from_str::<Vec<StepSpec>>(text) {
                problems.push(step_error(path, (index, line), text, &error));
            }
        }
    }
    problems
}

/// Where the top-level steps of a document read one at a time are.
#[derive(Clone, Copy)]
enum Outlined<'o, 's> {
    /// Found by the outline pass; read by yaml_serde.
    Saphyr(&'o Outline),
    /// Found and read by the fast path.
    Quick(&'o super::quick::Quick<'s>),
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
    templates: Templates,
    problems: Vec<Diagnostic>,
    /// Declared inputs, the included files' too.
    inputs: IndexMap<String, Input>,
    /// `defaults` of the file being compiled.
    defaults: Defaults,
    /// Step ids so far (unique across includes, for `steps.<id>`).
    ids: foldhash::HashSet<String>,
    /// JSONPaths compiled so far, by text.
    jsonpaths: HashMap<String, JsonPath>,
    /// Body plans made so far, shared by the steps that query the same paths.
    plans: super::queries::Plans,
    /// The files being compiled, outermost first, to find include cycles.
    include_stack: Vec<PathBuf>,
    /// How many groups and includes enclose the steps being compiled, across files (0 for
    /// the collection's own top-level steps), kept within [`workflow::MAX_STEP_DEPTH`].
    depth: usize,
    /// The included files read so far, and what compiling them has cost, kept within
    /// [`workflow::MAX_INCLUDED_STEPS`] and [`workflow::MAX_INCLUDED_BYTES`].
    included: workflow::Included,
    /// Credentials auth helpers write in clear, the included files' too.
    credentials: Vec<String>,
}

/// What `defaults` gives every step.
#[derive(Clone, Default)]
struct Defaults {
    headers: Vec<(String, Template)>,
    /// `defaults.auth`: `None` when unset or `none`.
    auth: Option<Auth>,
    follow_redirects: Option<bool>,
    max_redirects: Option<u32>,
    /// `defaults.expect.status`.
    status: Option<StatusMatcher>,
    /// `defaults.expect.snapshot`.
    snapshot: Option<crate::check::snapshot::SnapshotExpectation>,
    /// The collection's `openapi` document, loaded once.
    contract: Option<std::sync::Arc<crate::openapi::Contract>>,
    /// `defaults.expect.openapi`.
    openapi: Option<bool>,
    /// The collection names a document (loaded or not: one that did not load is reported once).
    openapi_named: bool,
}

/// About how much text of outlined steps yaml_serde reads at a time (a run of whole steps):
/// its set-up is paid once a run, not once a step.
const RUN_BYTES: usize = 32 * 1024;

/// From how many top-level steps reading them and compiling them run side by side.
const SIDE_BY_SIDE: usize = 256;

/// How many read steps go to the compiling thread at a time.
const BATCH: usize = 64;

/// Reads the skimmed steps of `quick` and sends them in batches of [`BATCH`] until one does
/// not read, dropping the batches that come back meanwhile.
fn read_batches(
    quick: &super::quick::Quick<'_>,
    batches: &std::sync::mpsc::SyncSender<Vec<StepSpec>>,
    returned: &std::sync::mpsc::Receiver<Vec<StepSpec>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    for spec in quick.steps::<StepSpec>() {
        // A step that does not read ends the batches early.
        let Some(spec) = spec else { break };
        batch.push(spec);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if batches.send(full).is_err() {
                return;
            }
            while returned.try_recv().is_ok() {}
        }
    }
    let _ = batches.send(batch);
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
    fn collection(&mut self, spec: &CollectionSpec, outlined: Option<Outlined>) -> Option<Parts> {
        let root = FieldPath::default();
        self.declare_inputs(spec);
        let vars = self.variables(&spec.vars, &root.key("vars"));
        let environments = spec
            .environments
            .iter()
            .map(|(name, env)| {
                (
                    name.clone(),
                    self.environment(env, &root.key_in("environments", name.to_owned())),
                )
            })
            .collect();
        if let Some(default) = &spec.default_environment {
            if !spec.environments.contains_key(default) {
                // Worded as a run checking the collection words it (`engine::check`), so the
                // two are told once.
                let known: Vec<&str> = spec.environments.keys().map(String::as_str).collect();
                self.problem_with_hint(
                    &root.key("default_environment"),
                    super::no_such_environment(default, &known),
                    super::environment_hint(!known.is_empty(), false),
                );
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
    fn outlined_steps(&mut self, outlined: Outlined, field: &FieldPath) -> Option<Vec<Step>> {
        let outline = match outlined {
            Outlined::Saphyr(outline) => outline,
            Outlined::Quick(quick) => return self.quick_steps(quick, field),
        };
        let mut steps = Vec::with_capacity(outline.steps.len());
        for (first, count, text) in outline.runs(self.source, RUN_BYTES) {
            let specs = serde_yaml::from_str::<Vec<StepSpec>>(text).ok()?;
            if specs.len() != count {
                return None;
            }
            for (index, spec) in (first..).zip(&specs) {
                steps.push(self.step(index, spec, field.index(index)));
            }
        }
        Some(steps)
    }

    /// Reads and compiles the steps the fast path skimmed; `None` when one does not read.
    /// Past [`SIDE_BY_SIDE`] steps, on a machine with more than one CPU, they are read on a
    /// thread of their own while this one compiles them (a batch at a time, so the two
    /// threads seldom wait for each other).
    fn quick_steps(
        &mut self,
        quick: &super::quick::Quick<'_>,
        field: &FieldPath,
    ) -> Option<Vec<Step>> {
        let count = quick.len();
        if count >= SIDE_BY_SIDE
            && std::thread::available_parallelism().is_ok_and(|cpus| cpus.get() > 1)
        {
            // `None`: no thread to be had, and the steps are read here after all.
            if let Some(steps) = self.read_side_by_side(quick, field) {
                // Fewer steps than skimmed: one did not read, and the slow path reads the file.
                return (steps.len() == count).then_some(steps);
            }
        }
        let mut steps = Vec::with_capacity(count);
        for (index, spec) in quick.steps::<StepSpec>().enumerate() {
            steps.push(self.step(index, &spec?, field.index(index)));
        }
        Some(steps)
    }

    /// The steps read on a thread of their own and compiled here, up to the first that does
    /// not read; `None` when no thread could be started.
    fn read_side_by_side(
        &mut self,
        quick: &super::quick::Quick<'_>,
        field: &FieldPath,
    ) -> Option<Vec<Step>> {
        std::thread::scope(|scope| {
            let (batches, received) = std::sync::mpsc::sync_channel::<Vec<StepSpec>>(4);
            // Read batches go back to be dropped where they were made: freeing memory
            // another thread's allocator arena gave out is slow.
            let (used, returned) = std::sync::mpsc::channel::<Vec<StepSpec>>();
            let reader = std::thread::Builder::new()
                .name("runner-read-steps".into())
                .spawn_scoped(scope, move || {
                    read_batches(quick, &batches, &returned);
                    drop(batches);
                    for _dropped in returned {}
                })
                .ok()?;
            let mut steps = Vec::with_capacity(quick.len());
            for batch in received {
                for spec in &batch {
                    let index = steps.len();
                    steps.push(self.step(index, spec, field.index(index)));
                }
                let _ = used.send(batch);
            }
            drop(used);
            // A reader that panicked is a bug: raised again with its own message.
            if let Err(panic) = reader.join() {
                std::panic::resume_unwind(panic);
            }
            Some(steps)
        })
    }

    fn declare_inputs(&mut self, spec: &CollectionSpec) {
        for (name, input) in &spec.inputs {
            if !is_identifier(name) {
                // An environment variable's name, read as `{{env.NAME}}`.
                self.problem(
                    &FieldPath::default().key_in("inputs", name.to_owned()),
                    format!("input name `{}` may hold only letters, digits, `_` and `-` (it names an environment variable, e.g. `API_TOKEN`)", name.escape_debug()),
                );
                continue;
            }
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
                let field = root.key_in("headers", name.to_owned());
                self.header(name, value, || field.clone())
            })
            .collect();
        let auth = match &spec.defaults.auth {
            Some(auth) => self.auth(auth, &root.key("auth")).ok().flatten(),
            None => None,
        };
        let status = spec
            .defaults
            .expect
            .as_ref()
            .and_then(|expect| expect.status.as_ref())
            .and_then(|status| self.status(status, || root.key_in("expect", "status")));
        let snapshot = spec
            .defaults
            .expect
            .as_ref()
            .and_then(|expect| expect.snapshot.as_ref())
            .and_then(|snapshot| self.snapshot(snapshot, &root.key_in("expect", "snapshot")));
        let (contract, openapi) = self.openapi_defaults(spec);
        Defaults {
            headers,
            auth,
            follow_redirects: spec.defaults.follow_redirects,
            max_redirects: spec.defaults.max_redirects,
            status,
            snapshot,
            contract,
            openapi,
            openapi_named: spec.openapi.is_some(),
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
        vars: &crate::spec::map::Map<String, Value>,
        field: &FieldPath,
    ) -> IndexMap<String, Variable> {
        let mut out = IndexMap::default();
        for (name, value) in vars {
            let field = field.key(name.to_owned());
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
            .map(|(index, spec)| self.step(index, spec, field.index(index)))
            .collect()
    }

    /// Compiles the step `spec`, number `index` of its list, written at `at`.
    fn step(&mut self, index: usize, spec: &StepSpec, at: FieldPath) -> Step {
        let field = &at;
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
            self.ids.insert(id.clone());
        }
        let mut references = Vec::new();
        let name_template = if crate::template::holds_braces(&spec.name) {
            self.template(&spec.name, &field.key("name"))
        } else {
            None
        };
        templates::record(&mut references, name_template.iter(), || field.key("name"));
        // Boxed: most names hold no template, and a collection holds every step.
        let name_template = name_template.map(Box::new);
        let when = if spec.when.is_empty() {
            Vec::new()
        } else {
            let at = field.key("when");
            let when = self.conditions(&spec.when, &at);
            conditions_references(&mut references, &when, &at);
            when
        };
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
            (_, Some(steps), _) => Action::Group(self.group(steps, &field.key("steps"))),
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
                        &field.key(key.to_owned()),
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
            field: at,
            name: spec.name.clone(),
            name_template,
            id: spec.id.clone(),
            tags: spec.tags.clone(),
            when,
            delay: spec.delay.map(|d| d.0),
            for_each: for_each.map(Box::new),
            action,
            references,
        }
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
            Some(close) => format!(
                "did you mean `env.{close}`? Otherwise declare it: `inputs: {{ {input}: {{ description: ... }} }}`"
            ),
            None => format!(
                "declare it so users know the collection reads it: `inputs: {{ {input}: {{ description: ... }} }}`"
            ),
        };
        self.problem_with_hint(field, message, hint);
    }
}

/// Letters, digits, `_` and `-`, not empty.
pub(crate) fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The first value of `line` that starts with `{{`, written quoted as YAML needs it, with its
/// key (`id: "{{id}}"`) or as a list item (`- "{{item}}"`): in a flow map or list up to the
/// `,`, `}` or `]` that ends it, else to the end of the line (before a comment); a `}` or `#`
/// inside a template is part of it.
fn quoted_template(line: &str) -> String {
    let (key, start) = match line.find(": {{") {
        Some(at) => {
            let key = line[..at]
                .rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',')
                .next()
                .unwrap_or("");
            (Some(key), at + 2)
        }
        None => (None, line.find("{{").unwrap_or(line.len())),
    };
    let in_flow = line[..start].contains(['{', '[']);
    let rest = &line[start..];
    let mut end = rest.len();
    let mut at = 0;
    while at < rest.len() {
        let here = &rest[at..];
        if here.starts_with("{{") {
            at += here.find("}}").map_or(here.len(), |close| close + 2);
            continue;
        }
        let Some(c) = here.chars().next() else { break };
        if (in_flow && matches!(c, ',' | '}' | ']')) || (c == '#' && rest[..at].ends_with(' ')) {
            end = at;
            break;
        }
        at += c.len_utf8();
    }
    let value = rest[..end].trim_end().replace('"', "\\\"");
    match key {
        Some(key) if !key.is_empty() => format!("{key}: \"{value}\""),
        _ => format!("- \"{value}\""),
    }
}

/// A YAML or shape error from serde, with its position and a hint where one helps.
fn yaml_error(path: &Path, source: &str, error: &serde_yaml::Error) -> Diagnostic {
    let position = error.location().map(|l| (l.line(), l.column()));
    yaml_problem(path, source, position, error.to_string())
}

/// [`yaml_error`] for an error in top-level step `index`, found reading the step alone from
/// `text`, its own lines (a one-item list whose first line is line `first_line` of the
/// file): judged on the step's text alone, then placed and named as reading the whole file
/// places and names it.
fn step_error(
    path: &Path,
    (index, first_line): (usize, usize),
    text: &str,
    error: &serde_yaml::Error,
) -> Diagnostic {
    let position = error.location().map(|l| (l.line(), l.column()));
    // The path in front is the one-item list's own (`.[0].expect: …`): `[0].expect` in the
    // step's text.
    let message = error.to_string();
    let message = match message.strip_prefix(".[0]") {
        Some(rest) => format!("[0]{rest}"),
        None => message,
    };
    let mut problem = yaml_problem(path, text, position, message);
    problem.position = problem
        .position
        .map(|(line, column)| (line + first_line - 1, column));
    let in_the_file = |text: String| match text.strip_prefix("[0]") {
        Some(rest) => format!("steps[{index}]{rest}"),
        None => text,
    };
    problem.field = problem.field.map(in_the_file);
    // A path with a space in it (a JSONPath filter's key) stays in front of the message.
    if problem.field.is_none() {
        problem.message = in_the_file(problem.message);
    }
    problem
}

/// [`yaml_error`] from serde's position and message.
fn yaml_problem(
    path: &Path,
    source: &str,
    position: Option<(usize, usize)>,
    message: String,
) -> Diagnostic {
    if let Some(diagnostic) = whole_file_error(path, source, &message) {
        return diagnostic;
    }
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
    // A required text that is null is reported at the mapping holding it: placed at the
    // field its message names.
    // (No path in front: a field of the collection itself.)
    let holder = field
        .as_deref()
        .map_or(Some(FieldPath::default()), parse_path);
    let (position, field, message) = match (null_field(&message), holder) {
        (Some(name), Some(at)) => {
            let at = at.key(name.to_owned());
            match super::locate::locate(source, &at) {
                Some(exact) => (Some(exact), Some(at.to_string()), message),
                None => (position, field, message),
            }
        }
        // A null header or cookie value: at its map, which has no name for it; placed at
        // the first null entry of that map, and named.
        (None, Some(map)) if message.starts_with(NULL_MAP_VALUE) => {
            match null_entry(source, &map) {
                Some((key, exact)) => (
                    Some(exact),
                    Some(map.key(key.clone()).to_string()),
                    message.replacen(NULL_MAP_VALUE, &format!("the value of `{key}`"), 1),
                ),
                None => (position, field, message),
            }
        }
        // A null item of a list of texts (`spec::written`): at its list; placed at the
        // first null item, and named.
        (None, Some(list)) if message.starts_with(NULL_LIST_ITEM) => {
            match null_item(source, &list) {
                Some((index, exact)) => (
                    Some(exact),
                    Some(list.index(index).to_string()),
                    message.replacen(NULL_LIST_ITEM, &format!("item {} of `", index + 1), 1),
                ),
                None => (position, field, message),
            }
        }
        _ => (position, field, message),
    };
    let line_text = position
        .and_then(|(line, _)| source.lines().nth(line.saturating_sub(1)))
        .unwrap_or("");
    // An integer past 64 bits: serde names the visitor's expectations, not the reason.
    let (message, beyond_64_bits) = match integer_beyond_64_bits(&message) {
        Some(integer) => (
            format!(
                "`{integer}` is an integer beyond 64 bits (−9223372036854775808 to 18446744073709551615), which runner's values cannot hold exactly"
            ),
            Some(integer.to_owned()),
        ),
        None => (crate::spec::words::in_the_formats_words(&message), None),
    };
    let hint = if let Some(integer) = beyond_64_bits {
        Some(format!(
            "write `{integer}.0` to compare it with a number in a body (runner reads those beyond 64 bits as floating point, to 17 significant digits), or `\"{integer}\"` for text"
        ))
    } else if message.contains("unexpected end of stream") {
        Some("a quote, bracket or brace opened earlier is never closed".to_owned())
    } else if line_text.contains(": {{") || line_text.trim_start().starts_with("- {{") {
        Some(format!(
            "a value that starts with `{{{{` must be quoted in YAML: write `{}`",
            quoted_template(line_text)
        ))
    } else if message.starts_with("did not find expected ','") && line_text.contains("$[") {
        Some("inside `{ … }` or `[ … ]`, a JSONPath holding `[` or `]` must be quoted: write `first: \"$[0]\"`".to_owned())
    } else if message == ParameterValue::NESTED {
        Some(ParameterValue::NESTED_HINT.to_owned())
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
        width: None,
        shown: None,
    }
}

/// The integer of serde's "invalid type: integer `N` as u128, expected …" (or `i128`).
fn integer_beyond_64_bits(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("invalid type: integer `")?;
    let (integer, rest) = rest.split_once('`')?;
    (rest.starts_with(" as u128") || rest.starts_with(" as i128")).then_some(integer)
}

/// The first key of the map at `map` in `source` whose value is null, and where that key is
/// written.
fn null_entry(source: &str, map: &FieldPath) -> Option<(String, (usize, usize))> {
    use crate::collection::locate::Segment;
    let document: serde_yaml::Value = serde_yaml::from_str(source).ok()?;
    let mut node = &document;
    for segment in &map.0 {
        node = match segment {
            Segment::Key(key) => node.get(key.as_ref())?,
            Segment::Index(index) => node.get(*index)?,
        };
    }
    let key = node
        .as_mapping()?
        .iter()
        .find_map(|(key, value)| value.is_null().then(|| key.as_str().map(str::to_owned))?)?;
    let value = super::locate::locate(source, &map.key(key.clone()))?;
    let positions = super::locate::Positions::default();
    let at = super::locate::key_before((source, &positions), value, &key).unwrap_or(value);
    Some((key, at))
}

/// How `spec::written` begins the message about a null item of a list of texts.
const NULL_LIST_ITEM: &str = "an item of `";

/// The index and position of the first null item of the list at `list`.
fn null_item(source: &str, list: &FieldPath) -> Option<(usize, (usize, usize))> {
    use crate::collection::locate::Segment;
    let document: serde_yaml::Value = serde_yaml::from_str(source).ok()?;
    let mut node = &document;
    for segment in &list.0 {
        node = match segment {
            Segment::Key(key) => node.get(key.as_ref())?,
            Segment::Index(index) => node.get(*index)?,
        };
    }
    let index = node
        .as_sequence()?
        .iter()
        .position(serde_yaml::Value::is_null)?;
    let at = super::locate::locate(source, &list.index(index))?;
    Some((index, at))
}

/// The field a "`name` is null" message (from `spec::written`) names.
fn null_field(message: &str) -> Option<&str> {
    let (name, _) = message.strip_prefix('`')?.split_once("` is null (")?;
    is_identifier(name).then_some(name)
}

/// The path serde_yaml writes in front of a message (`steps[1].request`), read back.
fn parse_path(text: &str) -> Option<FieldPath> {
    let mut path = FieldPath::default();
    for part in text.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            path = path.key(key.to_owned());
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let (index, after) = inner.split_once(']')?;
            path = path.index(index.parse().ok()?);
            rest = after;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(path)
}

/// A problem libyaml finds with the file as a whole, which it reports without a position:
/// said in the user's words, at the line that causes it.
fn whole_file_error(path: &Path, source: &str, message: &str) -> Option<Diagnostic> {
    if message.starts_with("control characters are not allowed") {
        return refused_character(path, source);
    }
    let (message, position, hint) = if message.contains("more than one document") {
        use crate::spec::documents::{second_document, SecondDocument};
        match second_document(source) {
            SecondDocument::Marker(second) => (
                "the file holds more than one YAML document".to_owned(),
                Some(second),
                "a collection is one document: remove this `---` line, or put each collection in its own file",
            ),
            SecondDocument::Ended(end) => (
                "the file holds more than one YAML document: a `...` line ends the first, and more follows".to_owned(),
                Some(end),
                "a collection is one document: remove this `...` line",
            ),
            SecondDocument::Dedented(line) => (
                "the YAML ends its document before this line, which is less indented than the file's first key: it reads as a second document".to_owned(),
                Some(line),
                "write every top-level key (`name`, `steps`, ...) at the first column of its line",
            ),
            SecondDocument::Unplaced => (
                "the file holds more than one YAML document (a second value after the first one, as in `{}` then `{}`)".to_owned(),
                None,
                "a collection is one map: `name: …` and `steps: …` at the top level, and nothing after it",
            ),
        }
    } else if message.contains("repetition limit exceeded") {
        (
            "the YAML's aliases (`*name`) are read more than 100 times for each value written (aliases of lists of aliases)".to_owned(),
            first_line_matching(source, |line| {
                let code = line.split(" #").next().unwrap_or(line);
                !line.trim_start().starts_with('#') && (code.contains(" *") || code.contains("[*"))
            }),
            "write the values out, or do not nest aliases of lists of aliases",
        )
    } else if message.contains("recursion limit exceeded") {
        // An alias inside the value its anchor names (`a: &a [*a]`) nests without end.
        let inside = source.lines().enumerate().find_map(|(n, line)| {
            let code = line.split(" #").next().unwrap_or(line);
            let (at, rest) = code.split_once('&')?;
            let name: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect();
            let alias = format!("*{name}");
            let past = at.len() + 1 + name.len();
            (!name.is_empty() && code[past..].contains(&alias))
                .then(|| (n + 1, past + code[past..].find(&alias).unwrap_or(0) + 1))
        });
        match inside {
            Some(at) => (
                "an alias is inside the value its anchor names: it nests without end".to_owned(),
                Some(at),
                "an alias (`*name`) can only repeat a value written before it, not the one it is in",
            ),
            None => (
                "the YAML is nested too deeply (more than 128 levels of lists and maps)".to_owned(),
                None,
                "flatten the nesting; no collection needs this many levels",
            ),
        }
    } else {
        return None;
    };
    Some(Diagnostic {
        file: path.to_owned(),
        position,
        field: None,
        message,
        hint: Some(hint.to_owned()),
        line_text: super::diagnostic::line_at(source, position),
        width: None,
        shown: None,
    })
}

/// Whether libyaml refuses `c` in a YAML text: the C0 controls but tab, `\n` and `\r`, DEL,
/// the C1 controls but U+0085 (a line break), and U+FFFE and U+FFFF.
fn yaml_refuses(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{FFFD}')
        && c < '\u{10000}'
}

/// The name of a character libyaml refuses, for people: `U+0007 (BEL, a control character)`.
fn refused_name(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let code = u32::from(c);
    let what = match code {
        0..=0x1F => format!("{}, a control character", C0[code as usize]),
        0x7F => "DEL, a control character".to_owned(),
        0x80..=0x9F => "a C1 control character".to_owned(),
        _ => "a noncharacter".to_owned(),
    };
    format!("U+{code:04X} ({what})")
}

/// libyaml's "control characters are not allowed", which has no place: the first character
/// of `source` it refuses, placed, named, and shown as a control picture in the line.
fn refused_character(path: &Path, source: &str) -> Option<Diagnostic> {
    let (at, c) = source.char_indices().find(|&(_, c)| yaml_refuses(c))?;
    let before = &source[..at];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let position = (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    );
    // The line as `source.lines()` has it, the character shown as a picture of it (one
    // character wide, so the column stays right) rather than sent to the terminal, as every
    // quoted line is; a noncharacter (U+FFFE), which steers nothing, as `�`.
    let line_text = super::diagnostic::line_at(source, Some(position)).map(|line| {
        crate::spec::text::pictured(&line)
            .chars()
            .map(|c| if yaml_refuses(c) { '\u{FFFD}' } else { c })
            .collect()
    });
    Some(Diagnostic {
        file: path.to_owned(),
        position: Some(position),
        field: None,
        message: format!("{} is not allowed in a YAML file", refused_name(c)),
        hint: Some(format!(
            "delete it; to have it in a value, write it as an escape in a double-quoted string: \"\\u{:04X}\"",
            u32::from(c)
        )),
        line_text,
        width: Some(1),
        shown: None,
    })
}

/// The first line (from 1) that `matches` says is the one, at the column (from 1) where its
/// text starts.
fn first_line_matching(source: &str, matches: impl Fn(&str) -> bool) -> Option<(usize, usize)> {
    source.lines().enumerate().find_map(|(n, line)| {
        matches(line).then(|| (n + 1, line.len() - line.trim_start().len() + 1))
    })
}

/// Compiling collections written in a test, for the unit tests of each part of the compiler.
#[cfg(test)]
mod testing {
    use std::path::Path;

    use crate::collection::{Collection, RequestStep};

    /// The collection `yaml` compiles to; panics with the problems if it does not.
    pub(super) fn compiled(yaml: &str) -> Collection {
        match Collection::parse(Path::new("t.yaml"), yaml.to_owned()) {
            Ok(collection) => collection,
            Err(problems) => panic!("does not compile: {problems}"),
        }
    }

    /// The request step at `index` of `collection`.
    pub(super) fn request_step(collection: &Collection, index: usize) -> &RequestStep {
        collection.steps[index]
            .request_step()
            .expect("a request step")
    }

    /// Every problem `yaml` has, as `field: message`.
    pub(super) fn problems(yaml: &str) -> Vec<String> {
        match Collection::parse(Path::new("t.yaml"), yaml.to_owned()) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .0
                .iter()
                .map(|p| format!("{}: {}", p.field.as_deref().unwrap_or("-"), p.message))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{compiled, problems, request_step};
    use super::{BATCH, SIDE_BY_SIDE};
    use crate::collection::Collection;
    use std::path::Path;

    /// The hint for an unquoted template writes the line's own key and value, quoted.
    #[test]
    fn an_unquoted_template_is_shown_quoted_as_written() {
        for (line, quoted) in [
            ("      json: { id: {{id}} }", r#"id: "{{id}}""#),
            (
                "    url: {{base_url}}/items",
                r#"url: "{{base_url}}/items""#,
            ),
            ("  headers: { X-A: {{a}}, X-B: b }", r#"X-A: "{{a}}""#),
            ("    - {{item}}", r#"- "{{item}}""#),
            ("    body: {{x}} # note", r#"body: "{{x}}""#),
            (
                "    url: {{base_url}}/items/{{id}}",
                r#"url: "{{base_url}}/items/{{id}}""#,
            ),
            ("    body: {{a}} b", r#"body: "{{a}} b""#),
            ("  q: { a: {{x}}/{{y}}, b: 1 }", r#"a: "{{x}}/{{y}}""#),
        ] {
            assert_eq!(super::quoted_template(line), quoted, "{line}");
        }
        let found = Collection::parse(
            Path::new("t.yaml"),
            "name: q\nsteps:\n  - name: s\n    request:\n      url: \"http://127.0.0.1:1/\"\n      json: { id: {{id}} }\n".to_owned(),
        )
        .err()
        .expect("an unquoted template");
        let hint = found.0[0].hint.clone().unwrap_or_default();
        assert!(hint.contains(r#"write `id: "{{id}}"`"#), "{hint}");
    }

    /// Every character libyaml refuses (the C0 controls but tab, `\n` and `\r`, DEL, the C1
    /// controls but U+0085, U+FFFE, U+FFFF), at the start, in a key, in plain, quoted and
    /// block text and a comment, in the file's top and in a step: placed at its line and
    /// column, named, with how to write it.
    #[test]
    fn a_refused_character_is_placed_named_and_told_how_to_write() {
        let refused: Vec<char> = (0u32..0x20)
            .filter(|c| ![0x09, 0x0A, 0x0D].contains(c))
            .chain([0x7F, 0xFFFE, 0xFFFF])
            .chain((0x80..0xA0).filter(|&c| c != 0x85))
            .filter_map(char::from_u32)
            .collect();
        assert_eq!(refused.len(), 29 + 1 + 2 + 31);
        // The text before the character and after it: the line (from 1) and column it is at.
        let places: [(&str, &str, usize, usize); 7] = [
            ("", "name: t\nsteps: []\n", 1, 1),
            ("name: t\ndescription: a", "b\nsteps: []\n", 2, 15),
            ("name: \"t", "\"\nsteps: []\n", 1, 9),
            ("name: t\n# é", "\nsteps: []\n", 2, 4),
            ("name: t\nvars:\n  k", ": 1\nsteps: []\n", 3, 4),
            ("name: t\ndescription: |\n  ab", "\n\nsteps: []\n", 3, 5),
            (
                "name: t\nsteps:\n  - name: s\n    request: { url: \"http://h/",
                "\" }\n",
                4,
                31,
            ),
        ];
        for c in refused {
            for (before, after, line, column) in places {
                let yaml = format!("{before}{c}{after}");
                let Err(found) = Collection::parse(Path::new("c.yaml"), yaml.clone()) else {
                    panic!("accepted {yaml:?}");
                };
                let problem = &found.0[0];
                assert_eq!(problem.position, Some((line, column)), "{yaml:?}: {found}");
                let code = format!("U+{:04X}", u32::from(c));
                assert!(problem.message.starts_with(&code), "{yaml:?}: {found}");
                let hint = problem.hint.as_deref().unwrap_or_default();
                assert!(
                    hint.contains(&format!("\"\\u{:04X}\"", u32::from(c))),
                    "{yaml:?}: {found}"
                );
                // The character is not sent to the terminal.
                assert!(!found.to_string().contains(c), "{yaml:?}: {found}");
            }
        }
        let Err(found) = Collection::parse(Path::new("c.yaml"), "name: a\u{7}\n".to_owned()) else {
            panic!("accepted");
        };
        assert!(
            found.0[0]
                .message
                .contains("U+0007 (BEL, a control character)"),
            "{found}"
        );
    }

    /// A null in a list of texts is not read as the text `~`: it is refused, named by its
    /// place in the list and placed where it is written, in a flow list or a block list.
    #[test]
    fn a_null_in_a_list_of_texts_is_refused_where_it_is_written() {
        let yaml = "name: c\ntags: [a, ~]\nsteps:\n  - name: s\n    tags:\n      - b\n      -\n    request: { url: \"http://x/\" }\n  - name: t\n    request: { url: \"http://x/\" }\n    expect: { snapshot: { headers: [x, y, null] } }\n";
        let problems = match Collection::parse(Path::new("t.yaml"), yaml.to_owned()) {
            Ok(_) => panic!("a null tag loads"),
            Err(problems) => problems.0,
        };
        type Found<'a> = (Option<&'a str>, Option<(usize, usize)>, &'a str);
        let found: Vec<Found> = problems
            .iter()
            .map(|p| (p.field.as_deref(), p.position, p.message.as_str()))
            .collect();
        let null = "is null (`~`, `null`, or nothing after the `-`): write a text, or quote `'~'` to mean that text";
        assert_eq!(
            found,
            [
                (
                    Some("tags[1]"),
                    Some((2, 11)),
                    format!("item 2 of `tags` {null}").as_str()
                ),
                (
                    Some("steps[0].tags[1]"),
                    Some((7, 8)),
                    format!("item 2 of `tags` {null}").as_str()
                ),
                (
                    Some("steps[1].expect.snapshot.headers[2]"),
                    Some((11, 43)),
                    format!("item 3 of `headers` {null}").as_str()
                ),
            ]
        );
    }

    /// `count` request steps `s0`, `s1`…; those in `anchored` written with an anchor (outside
    /// the fast path's subset), the one at `broken` with a template that does not compile.
    fn many_steps(count: usize, anchored: &[usize], broken: Option<usize>) -> String {
        let mut yaml = String::from("name: many\nsteps:\n");
        for i in 0..count {
            let url = match broken == Some(i) {
                true => "http://127.0.0.1:1/{{#if x}}".to_owned(),
                false => format!("http://127.0.0.1:1/s{i}"),
            };
            let anchor = if anchored.contains(&i) { "&a " } else { "" };
            yaml.push_str(&format!(
                "  - name: s{i}\n    request: {anchor}{{ url: \"{url}\" }}\n"
            ));
        }
        yaml
    }

    fn names_and_urls(collection: &Collection) -> Vec<(String, String)> {
        (0..collection.steps.len())
            .map(|i| {
                let url = request_step(collection, i).request.url.source().to_owned();
                (collection.steps[i].name.clone(), url)
            })
            .collect()
    }

    #[test]
    fn a_null_text_is_placed_at_its_field_wherever_it_is_written() {
        for (yaml, at) in [
            (
                "name:\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n",
                (1, 6),
            ),
            (
                "name: c\nsteps:\n  - name: ~\n    request: { url: \"http://x/\" }\n",
                (3, 11),
            ),
            (
                "name: c\nsteps:\n  - name: s\n    request:\n      url: http://x/\n      auth: { basic: { username: null } }\n",
                (6, 34),
            ),
        ] {
            let Err(found) = Collection::parse(Path::new("t.yaml"), yaml.to_owned()) else {
                panic!("{yaml} loads");
            };
            let placed: Vec<_> = found.0.iter().map(|p| (p.position, &p.message)).collect();
            assert!(
                placed
                    .iter()
                    .any(|(position, message)| *position == Some(at) && message.contains("is null")),
                "{yaml}\n{placed:?}"
            );
        }
        assert_eq!(super::null_field("`url` is null (`~`…"), Some("url"));
        assert_eq!(super::null_field("`a b` is null ("), None);
        assert_eq!(
            super::parse_path("steps[1].request.auth").map(|p| p.to_string()),
            Some("steps[1].request.auth".to_owned())
        );
        assert_eq!(
            super::parse_path("finally[0][2]").map(|p| p.to_string()),
            Some("finally[0][2]".to_owned())
        );
        assert!(super::parse_path("steps[x]").is_none());
    }

    #[test]
    fn steps_read_on_a_second_thread_compile_as_the_slow_path_compiles_them() {
        for count in [SIDE_BY_SIDE, SIDE_BY_SIDE + 1, BATCH * 5, BATCH * 5 + 1] {
            let quick = compiled(&many_steps(count, &[], None));
            // An anchor in the first step sends the whole file down the slow path.
            let slow = compiled(&many_steps(count, &[0], None));
            assert_eq!(quick.steps.len(), count);
            assert_eq!(
                names_and_urls(&quick),
                names_and_urls(&slow),
                "{count} steps"
            );
        }
    }

    #[test]
    fn a_step_the_second_thread_cannot_read_sends_the_file_down_the_slow_path() {
        let count = BATCH * 5;
        let want = names_and_urls(&compiled(&many_steps(count, &[0], None)));
        for odd in [1, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH, count - 1] {
            let yaml = many_steps(count, &[odd], None);
            // The skim takes the file; reading that one step is what fails.
            let skimmed = crate::collection::quick::scan(&yaml).expect("skimmed");
            assert!(skimmed
                .steps::<crate::spec::collection::StepSpec>()
                .nth(odd)
                .expect("a step")
                .is_none());
            let got = compiled(&yaml);
            assert_eq!(names_and_urls(&got), want, "anchor at step {odd}");
        }
    }

    #[test]
    fn a_problem_found_side_by_side_is_the_slow_path_s_problem() {
        let count = BATCH * 5;
        let shown = |yaml: String| match Collection::parse(Path::new("t.yaml"), yaml) {
            Ok(_) => panic!("a problem"),
            Err(problems) => problems.to_string(),
        };
        for broken in [0, BATCH, count - 1] {
            let quick = shown(many_steps(count, &[], Some(broken)));
            // The anchor is on another line than the problem, which both show the same.
            let slow = shown(many_steps(count, &[(broken + 1) % count], Some(broken)));
            assert!(
                quick.contains(&format!("steps[{broken}].request.url")),
                "{quick}"
            );
            assert_eq!(quick, slow);
        }
        assert_eq!(
            problems(&many_steps(count, &[], Some(7))).len(),
            1,
            "one problem, reported once"
        );
    }

    #[test]
    fn an_input_is_named_as_an_environment_variable() {
        let found = problems(
            "name: c\ninputs:\n  \"X\\nimport os\": {}\n  API_TOKEN: {}\nsteps:\n  - name: s\n    request: { url: \"http://x/{{env.API_TOKEN}}\" }\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("may hold only letters, digits") && found[0].contains("\\n"),
            "{found:?}"
        );
    }

    /// A step read from its own text (the outline's way) has the problem reading it from the
    /// whole file gives (the field, message, place and hint), for shape errors of every kind,
    /// at any step, whatever the list's indentation and the blank lines and comments between
    /// steps; runs of steps cut past 32 KB keep the lines counted.
    #[test]
    fn a_step_read_from_its_own_text_has_the_problem_the_whole_file_gives() {
        use super::{outlined_step_problems, parse, yaml_error};
        use crate::collection::locate::{deserialize_at, FieldPath};
        use crate::spec::collection::StepSpec;
        // A broken request, in place of the step's own, and a broken other field.
        let requests = [
            "request: { url: [1, 2] }",
            "request: { url: ~ }",
            "request: { url: \"http://x/\", headers: { A: ~ } }",
            "request: { url: \"http://x/\", query: { a: { b: 1 } } }",
            "request: { url: \"http://x/\", method: [GET] }",
            "request: { url: \"http://x/\", cookies: { a: ~ } }",
        ];
        let others = [
            "expect: { statuz: 200 }",
            "expect: { status: { a: 1 } }",
            "expect: { status: [200, x] }",
            "capture: [1]",
            "timeout: abc",
            "retry: { attempts: -1 }",
            "delay: [1]",
            "id: [x]",
            "expect: { jsonpath: { \"$.items[?(@.id == 1)].name\": { eq: [1, 2], bogus: 1 } } }",
            "capture: { \"a b\": [1] }",
        ];
        let path = Path::new("t.yaml");
        let mut rng = fastrand::Rng::with_seed(21);
        for case in 0..80 {
            // The first case: 600 steps, so two runs, the first of which reads; only its
            // last steps are broken.
            let count = match case {
                0 => 600,
                _ => rng.usize(1..10),
            };
            let first_broken = if case == 0 { count - 8 } else { 0 };
            let indent = " ".repeat(rng.usize(0..3) * 2);
            let mut yaml = String::from("name: t\nsteps:\n");
            for i in 0..count {
                if rng.u8(..) < 40 {
                    yaml.push_str(&format!("\n{indent}# before s{i}\n"));
                }
                let last = i + 1 == count;
                if i >= first_broken && !last && rng.u8(..) < 10 {
                    // A step that is not a map.
                    yaml.push_str(&format!("{indent}- just text s{i}\n"));
                    continue;
                }
                yaml.push_str(&format!("{indent}- name: s{i}\n"));
                if rng.u8(..) < 40 {
                    // A block scalar, with a blank line and a line less indented than the
                    // step's keys would be in it.
                    yaml.push_str(&format!(
                        "{indent}  vars:\n{indent}    note: |\n{indent}      one\n\n{indent}      two\n"
                    ));
                }
                match rng.u8(..) {
                    0..60 if i >= first_broken => {
                        let broken = requests[rng.usize(0..requests.len())];
                        yaml.push_str(&format!("{indent}  {broken}\n"));
                    }
                    _ => yaml.push_str(&format!(
                        "{indent}  request:\n{indent}    url: \"http://127.0.0.1:1/s{i}\"\n"
                    )),
                }
                if (rng.u8(..) < 60 && i >= first_broken) || last {
                    let broken = others[rng.usize(0..others.len())];
                    yaml.push_str(&format!("{indent}  {broken}\n"));
                }
            }
            match rng.u8(..3) {
                0 => yaml.push_str("vars: { a: 1 }\n"),
                1 => yaml.push_str("finally:\n  - name: f\n    request: { url: \"http://x/\" }\n"),
                _ => {}
            }
            // The first case spans two runs of steps.
            assert!(case > 0 || yaml.len() > 32 * 1024, "{}", yaml.len());
            let outline = crate::collection::outline::outline(&yaml)
                .unwrap_or_else(|| panic!("not outlined:\n{yaml}"));
            let each_alone = outlined_step_problems(path, &yaml, &outline);
            let steps = FieldPath::default().key("steps");
            let from_the_whole_file: Vec<_> = (first_broken..count)
                .filter_map(|i| {
                    deserialize_at::<StepSpec>(&yaml, &steps.index(i))
                        .err()
                        .map(|error| yaml_error(path, &yaml, &error))
                })
                .collect();
            assert!(!each_alone.is_empty(), "{yaml}");
            assert_eq!(each_alone, from_the_whole_file, "{yaml}");
            // With serde's first problem from the whole file: each named once.
            let Err(found) = parse(path, &yaml) else {
                panic!("read:\n{yaml}");
            };
            let mut named: Vec<_> = found.iter().map(|p| (&p.field, &p.message)).collect();
            named.sort();
            named.dedup();
            assert_eq!(named.len(), found.len(), "{found:#?}");
        }
        // Where libyaml breaks lines the outline does not (U+2028 here, and U+0085, U+2029, a
        // lone `\r`), serde's place and a step's own would not agree: the steps are read from
        // the whole file, and the problem is named once.
        for break_ in ["\u{2028}", "\u{85}", "\u{2029}", "\r"] {
            let yaml = format!(
                "name: t\ndescription: \"a{break_}b\"\nsteps:\n  - name: s0\n    request: {{ url: \"http://x/\" }}\n    expect: {{ status: {{ a: 1 }} }}\n"
            );
            let Err(found) = parse(path, &yaml) else {
                panic!("read:\n{yaml}");
            };
            assert_eq!(found.len(), 1, "{found:#?}");
        }
    }
}
