//! The collection format: its serde + schemars types, loading from YAML, and compiling into
//! the form the engine runs (templates, JSONPaths, regexes and schemas compiled once).

mod compile;
pub mod diagnostic;
#[cfg(test)]
mod edits;
pub(crate) mod keys;
mod lines;
pub mod locate;
mod outline;
mod queries;
mod quick;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::spec::map::IndexMap;

use crate::check::capture::Capture;
use crate::check::expect::Expectations;
use crate::template::{JsonTemplate, Template, Templates};

pub use crate::check::condition::Condition;
pub use crate::spec::collection::{CollectionSpec, Method, SandboxKind};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use locate::FieldPath;
pub use outline::{has_top_level_key, top_level_keys};

/// Whether `source` nests maps and lists deeper than a collection may (found without parsing
/// it, which at 100,000 levels takes a YAML parser a minute).
pub fn nests_too_deep(source: &str) -> bool {
    outline::too_deep(source, outline::MAX_NESTING).is_some()
}

/// Where the first YAML merge key (`<<: *anchor`) of `source` is written, and in which map
/// (`""` at the top level): runner does not apply merge keys, in a collection or a file of
/// values, rather than read one as a key named `<<`.
pub fn first_merge_key(source: &str) -> Option<((usize, usize), String)> {
    keys::merge_keys(std::path::Path::new(""), source)
        .into_iter()
        .next()
        .map(|problem| {
            (
                problem.position.unwrap_or((1, 1)),
                problem.field.unwrap_or_default(),
            )
        })
}

/// True for a valid variable name: letters, digits, `_` and `-`, not empty.
pub fn is_variable_name(name: &str) -> bool {
    compile::is_identifier(name)
}

/// Variable names the runner itself provides; a collection cannot define them.
pub const RESERVED_NAMES: &[&str] = &crate::spec::written::RESERVED_NAMES;

/// A loaded, compiled collection, ready to run many times.
pub struct Collection {
    /// The file it was loaded from.
    pub path: PathBuf,
    /// The YAML source, for locating problems found later (e.g. undefined variables).
    pub source: String,
    /// Where the fields of `source` are, found once for all the problems found later.
    pub positions: locate::Positions,
    /// `name`.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `inputs`.
    pub inputs: IndexMap<String, Input>,
    /// `vars`.
    pub vars: IndexMap<String, Variable>,
    /// `environments`.
    pub environments: IndexMap<String, Environment>,
    /// `default_environment`.
    pub default_environment: Option<String>,
    /// `defaults.timeout`.
    pub default_timeout: Option<Duration>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// `finally`: steps that always run after `steps`.
    pub finally: Vec<Step>,
    /// Every template of the collection.
    pub templates: Templates,
    /// `openapi`: the document the API follows, loaded and compiled once.
    pub openapi: Option<std::sync::Arc<crate::openapi::Contract>>,
    /// The credentials its auth helpers (and its included files') write in clear, without a
    /// template: secrets of every run, masked wherever else they show (a step's name, a URL).
    pub clear_credentials: Vec<String>,
}

/// A declared environment variable.
#[derive(Debug, Clone)]
pub struct Input {
    /// Mask the value.
    pub secret: bool,
    /// What it is.
    pub description: Option<String>,
    /// Used when unset.
    pub default: Option<String>,
}

/// A variable definition: its template and where it is written.
#[derive(Debug, Clone)]
pub struct Variable {
    /// The value, possibly templated.
    pub value: JsonTemplate,
    /// Where it is defined.
    pub field: FieldPath,
}

/// An environment.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The bundled sandbox to start, if any.
    pub sandbox: Option<SandboxKind>,
    /// Its variables.
    pub vars: IndexMap<String, Variable>,
}

/// A compiled step.
pub struct Step {
    /// Position among its siblings, from 0.
    pub index: usize,
    /// Where it is written, e.g. `steps[2]` or `steps[1].steps[0]`.
    pub field: FieldPath,
    /// `name`.
    pub name: String,
    /// `name` when it holds a template (`Create {{name}}`): rendered as the step starts.
    pub name_template: Option<Box<Template>>,
    /// `id`.
    pub id: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `when`: all must hold for the step to run.
    pub when: Vec<Condition>,
    /// `delay`.
    pub delay: Option<Duration>,
    /// `for_each` and `as`.
    pub for_each: Option<Box<ForEach>>,
    /// What the step does.
    pub action: Action,
    /// Every variable the step's own templates read (not its children's), with the field.
    pub references: Vec<Reference>,
}

// A collection holds every step it has, 10,000 or more: what a step holds inline is kept
// small, and what few steps have is boxed (sizes on 64-bit targets).
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(std::mem::size_of::<Step>() <= 208);
    assert!(std::mem::size_of::<RequestStep>() <= 320);
    assert!(std::mem::size_of::<Template>() <= 24);
};

/// What a step does.
pub enum Action {
    /// Send a request.
    Request(Box<RequestStep>),
    /// Run a group of steps.
    Group(Vec<Step>),
    /// Run another collection file's steps.
    Include(Box<Include>),
}

/// A request, what to expect of it, what to capture, and how to retry or page it.
pub struct RequestStep {
    /// The request.
    pub request: Request,
    /// `expect`.
    pub expect: Expectations,
    /// `capture`, in order.
    pub captures: Vec<Capture>,
    /// `retry` (boxed, like `paginate`: most steps have neither, and a collection holds
    /// every step).
    pub retry: Option<Box<Retry>>,
    /// `paginate`.
    pub paginate: Option<Box<Paginate>>,
    /// The plan its responses' bodies are parsed along (`check::Queries::kept_plan`), made
    /// when the collection compiles and shared with the steps that query the same paths;
    /// `None` when it queries no JSONPath or one needs the whole document.
    pub body_plan: Option<std::sync::Arc<crate::check::plan::BodyPlan>>,
}

/// `for_each` + `as`.
pub struct ForEach {
    /// The list, literal or templated.
    pub items: JsonTemplate,
    /// The variable bound to the current element.
    pub name: String,
}

/// `retry`.
pub struct Retry {
    /// Attempts in all.
    pub attempts: u32,
    /// The first wait.
    pub interval: Duration,
    /// The wait's multiplier after each attempt.
    pub backoff: f64,
    /// The longest wait.
    pub max_interval: Option<Duration>,
    /// Stop when this holds; `None`: the step's own expectations.
    pub until: Option<Expectations>,
    /// Transport errors are retried.
    pub on_transport: bool,
    /// 5xx responses are retried.
    pub on_server_error: bool,
    /// 429 responses are retried.
    pub on_too_many_requests: bool,
}

/// `paginate`.
pub struct Paginate {
    /// How to find the next page.
    pub next: NextPage,
    /// Variables filled with a JSONPath's matches over every page.
    pub collect: Vec<(String, crate::check::jsonpath::JsonPath)>,
    /// The most pages followed.
    pub max_pages: u32,
}

/// How `paginate` finds the next page.
pub enum NextPage {
    /// The `Link` header's `rel="next"`.
    Link,
    /// A URL in the body.
    JsonPath(crate::check::jsonpath::JsonPath),
    /// A query parameter holding the page number.
    Query(String),
}

/// `include`.
pub struct Include {
    /// The included file.
    pub path: PathBuf,
    /// Its YAML source, for locating problems in it.
    pub source: String,
    /// Where the fields of `source` are.
    pub positions: locate::Positions,
    /// Its own `vars`: defaults, below the including run's variables.
    pub defaults: IndexMap<String, Variable>,
    /// `vars` passed in: over everything.
    pub passed: IndexMap<String, Variable>,
    /// `export`: variables kept after the included steps ran.
    pub export: Vec<String>,
    /// Its steps.
    pub steps: Vec<Step>,
}

impl Step {
    /// The request step, if this step sends a request.
    pub fn request_step(&self) -> Option<&RequestStep> {
        match &self.action {
            Action::Request(step) => Some(step),
            _ => None,
        }
    }

    /// The root names of the variables this step and its children read.
    pub fn reads(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .references
            .iter()
            .map(|r| r.variable.split('.').next().unwrap_or("").to_owned())
            .collect();
        match &self.action {
            Action::Request(_) => {}
            Action::Group(steps) => names.extend(steps.iter().flat_map(Step::reads)),
            Action::Include(include) => names.extend(include.steps.iter().flat_map(Step::reads)),
        }
        names
    }

    /// The variables this step (with its children) sets for the steps after it.
    pub fn provides(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.each_provided(&mut |name| names.push(name.to_owned()));
        names
    }

    /// Calls `each` with every variable this step (with its children) sets for the steps
    /// after it, in order, without copying the names.
    pub fn each_provided<'s>(&'s self, each: &mut dyn FnMut(&'s str)) {
        match &self.action {
            Action::Request(step) => {
                step.captures.iter().for_each(|c| each(&c.name));
                if let Some(paginate) = &step.paginate {
                    paginate.collect.iter().for_each(|(name, _)| each(name));
                }
            }
            Action::Group(steps) => steps.iter().for_each(|step| step.each_provided(each)),
            Action::Include(include) => include.export.iter().for_each(|name| each(name)),
        }
    }
}

/// A template's use of a variable.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The dotted path, e.g. `auth_token` or `env.TOKEN`.
    pub variable: String,
    /// The field holding the template.
    pub field: FieldPath,
    /// The whole path must exist when the template renders (text and variables only, not
    /// a condition of `{{#if}}`).
    pub strict: bool,
}

/// A compiled request.
pub struct Request {
    /// The method.
    pub method: Method,
    /// The URL.
    pub url: Template,
    /// Query parameters, in order.
    pub query: Vec<(String, Parameter)>,
    /// Headers: the collection defaults merged with the step's own (the step wins).
    pub headers: Vec<(String, Template)>,
    /// The body.
    pub body: Body,
    /// The auth helper: the step's own, else `defaults.auth`; `None` for `auth: none`.
    pub auth: Option<Box<Auth>>,
    /// `cookies`: sent besides the run's cookie jar.
    pub cookies: Vec<(String, Template)>,
    /// The step's own timeout.
    pub timeout: Option<Duration>,
    /// Follow redirects.
    pub follow_redirects: bool,
    /// The most redirects to follow.
    pub max_redirects: u32,
}

/// A request body.
pub enum Body {
    /// No body.
    None,
    /// `json`, and `graphql` (compiled to its JSON form). Boxed, as a JSON value is larger
    /// than the other kinds of body and a collection holds every step's.
    Json(Box<JsonTemplate>),
    /// `body`.
    Text(Template),
    /// `body_file`: the resolved path, checked at load.
    File(PathBuf),
    /// `form`: name → value, in order.
    Form(Vec<(String, Parameter)>),
    /// `multipart`.
    Multipart(Vec<MultipartPart>),
}

/// The value of a query parameter or form field: sent once, or once per value.
pub enum Parameter {
    /// One value; where it is exactly one `{{var}}` holding a list, sent once per element.
    One(Template),
    /// A list written in the collection: each value in turn (each may hold a list as `One`
    /// does).
    Many(Box<[Template]>),
}

impl Parameter {
    /// Its templates, with where each is written below the parameter's field (`None` for a
    /// single value, the index for a list's element).
    pub fn templates(&self) -> impl Iterator<Item = (Option<usize>, &Template)> {
        let (one, many): (Option<&Template>, &[Template]) = match self {
            Parameter::One(template) => (Some(template), &[]),
            Parameter::Many(templates) => (None, templates),
        };
        one.map(|t| (None, t))
            .into_iter()
            .chain(many.iter().enumerate().map(|(i, t)| (Some(i), t)))
    }
}

/// One field of a multipart body.
pub struct MultipartPart {
    /// The field name.
    pub name: String,
    /// Text or a file.
    pub content: PartContent,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    /// The file name sent with a file part.
    pub filename: Option<String>,
}

/// What a multipart field holds.
pub enum PartContent {
    /// Text, templated.
    Text(Template),
    /// A file, resolved and checked at load.
    File(PathBuf),
}

/// A compiled auth helper.
#[derive(Clone)]
pub enum Auth {
    /// `basic`.
    Basic {
        /// `username`.
        username: Template,
        /// `password`.
        password: Template,
    },
    /// `bearer`.
    Bearer(Template),
    /// `api_key`.
    ApiKey {
        /// Where the key goes.
        place: ApiKeyPlace,
        /// The key.
        value: Template,
    },
    /// `oauth2.client_credentials`.
    ClientCredentials(Box<ClientCredentials>),
}

/// Where an API key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyPlace {
    /// A header with this name.
    Header(String),
    /// A query parameter with this name.
    Query(String),
}

/// A compiled `oauth2.client_credentials`.
#[derive(Clone)]
pub struct ClientCredentials {
    /// `token_url`.
    pub token_url: Template,
    /// `client_id`.
    pub client_id: Template,
    /// `client_secret`.
    pub client_secret: Template,
    /// `scope`.
    pub scope: Option<Template>,
    /// `audience`.
    pub audience: Option<Template>,
    /// `client_auth`.
    pub client_auth: crate::spec::auth::ClientAuthMethod,
}

impl Auth {
    /// Every template of the helper, with the name of its field under `auth`.
    pub fn templates(&self) -> Vec<(&'static str, &Template)> {
        match self {
            Auth::Basic { username, password } => {
                vec![("basic", username), ("basic", password)]
            }
            Auth::Bearer(token) => vec![("bearer", token)],
            Auth::ApiKey { value, .. } => vec![("api_key", value)],
            Auth::ClientCredentials(c) => {
                let mut all = vec![
                    ("oauth2", &c.token_url),
                    ("oauth2", &c.client_id),
                    ("oauth2", &c.client_secret),
                ];
                all.extend(c.scope.iter().map(|t| ("oauth2", t)));
                all.extend(c.audience.iter().map(|t| ("oauth2", t)));
                all
            }
        }
    }
}

impl Collection {
    /// Reads and compiles the collection at `path`.
    pub fn load(path: &Path) -> Result<Collection, Diagnostics> {
        match Self::load_partial(path) {
            (Some(collection), problems) if problems.is_empty() => Ok(collection),
            (_, problems) => Err(Diagnostics(problems)),
        }
    }

    /// Compiles a collection from its YAML `source`; `path` names it in messages and anchors
    /// relative paths (schemas).
    pub fn parse(path: &Path, source: String) -> Result<Collection, Diagnostics> {
        match compile::compile(path, source) {
            (Some(collection), problems) if problems.is_empty() => Ok(collection),
            (_, problems) => Err(Diagnostics(problems)),
        }
    }

    /// Reads and compiles `path`, returning every problem and, when the file has the
    /// format's shape, the collection without its broken parts, so that later checks (such
    /// as undefined variables) can report their problems in the same pass.
    pub fn load_partial(path: &Path) -> (Option<Collection>, Vec<Diagnostic>) {
        let bytes = match crate::spec::file::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                return (
                    None,
                    vec![Diagnostic::file(
                        path,
                        format!("cannot read the collection: {e}"),
                    )],
                )
            }
        };
        let not_utf8 = |at: crate::spec::text::NotUtf8| {
            let mut problem = Diagnostic::file(path, format!("the collection is {at}"))
                .with_hint(crate::spec::text::NotUtf8::HINT);
            problem.position = Some((at.line, at.column));
            problem.line_text = at.line_text;
            (None, vec![problem])
        };
        // UTF-16 passes as UTF-8 when it is ASCII without a byte order mark (a NUL byte beside
        // each letter): it is named as what it is.
        match crate::spec::text::utf8_string(bytes) {
            Err(at) => not_utf8(at),
            Ok(source) if holds_nothing(&source) => (
                None,
                vec![Diagnostic::file(
                    path,
                    "the collection is empty: it holds no YAML but blanks and comments",
                )
                .with_hint(
                    "a collection needs `name` and `steps`, e.g. `name: Smoke` and `steps: [{ name: ping, request: { url: \"https://example.com\" } }]`",
                )],
            ),
            Ok(source) => compile::compile(path, source),
        }
    }

    /// The environment a run uses: `requested`, else `default_environment`.
    pub fn environment<'a>(
        &'a self,
        requested: Option<&'a str>,
    ) -> Result<Option<(&'a str, &'a Environment)>, String> {
        match requested.or(self.default_environment.as_deref()) {
            None => Ok(None),
            Some(name) => self
                .environments
                .get_key_value(name)
                .map(|(k, v)| Some((k.as_str(), v)))
                .ok_or_else(|| {
                    let known: Vec<&str> = self.environments.keys().map(String::as_str).collect();
                    no_such_environment(name, &known)
                }),
        }
    }
}

/// Why `name` is none of `known`, a collection's environments, naming the one it may mean.
pub(crate) fn no_such_environment(name: &str, known: &[&str]) -> String {
    if known.is_empty() {
        return format!(
            "environment `{name}` does not exist: the collection defines no environments"
        );
    }
    // A typo, or a short form of one name (`prod`, `dev`, `stag`).
    let near = crate::spec::text::did_you_mean(name, known.iter().copied())
        .or_else(|| {
            let mut longer = known
                .iter()
                .filter(|k| name.len() >= 2 && k.starts_with(name));
            longer.next().filter(|_| longer.next().is_none()).copied()
        })
        .map(|near| format!(" (did you mean `{near}`?)"))
        .unwrap_or_default();
    format!(
        "environment `{name}` does not exist{near}; the collection defines: {}",
        known.join(", ")
    )
}

/// How to mend a run that names an environment the collection does not define: with
/// `--env` (`by_flag`), or in its own `default_environment`.
pub(crate) fn environment_hint(has_environments: bool, by_flag: bool) -> &'static str {
    match (has_environments, by_flag) {
        (false, true) => "this collection has no environments to choose from: run it without `--env` (its `vars` apply), or add an `environments` map to it",
        (false, false) => "add an `environments` map to the collection with this environment in it, or remove `default_environment`",
        (true, true) => "choose one with `--env NAME`",
        (true, false) => "name one of them in `default_environment`, or choose one with `--env NAME`",
    }
}

/// Whether `source` holds no YAML at all: only blanks, comments and a byte-order mark (a YAML
/// parser reads it as one null document, and says so in its own words).
fn holds_nothing(source: &str) -> bool {
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`; `---` and `...` only mark documents.
    source
        .trim_start_matches('\u{feff}')
        .split(['\n', '\r'])
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with('#') || line == "---" || line == "...")
}

#[cfg(test)]
mod empty_tests {
    use super::holds_nothing;

    #[test]
    fn only_blanks_comments_and_document_markers_are_nothing() {
        for empty in ["", "\u{feff}", "# c\n\n", "---\n# c\n...\n", "# a\r# b\r"] {
            assert!(holds_nothing(empty), "{empty:?}");
        }
        for something in [
            "name: x",
            "# c\rname: x\rsteps: []",
            "--- \nname: x\n",
            "- a",
        ] {
            assert!(!holds_nothing(something), "{something:?}");
        }
    }
}
