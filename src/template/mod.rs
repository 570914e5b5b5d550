//! Templates: handlebars, compiled once at load, rendered against the run's variables.
//!
//! Strict (an undefined variable is an error), no HTML escaping. A string that is exactly one
//! `{{path}}` is a [`Template::Variable`] and keeps the value's JSON type; a string without
//! `{{` never touches handlebars, nor does one made only of text and variables
//! (`Bearer {{token}}`), which is joined directly, each value written as handlebars writes it.

pub mod budget;
pub mod dynamic;
mod helpers;
mod json;
mod plain;
mod references;
mod size;
mod syntax;

use foldhash::HashMap;
use std::borrow::Cow;
use std::sync::Arc;

use handlebars::{Context, Handlebars};
use serde_json::Value;

pub use helpers::with_derivations;
pub use json::JsonTemplate;

/// Every template of one collection, registered once: the same text compiles once, however
/// many steps use it.
pub struct Templates {
    registry: Handlebars<'static>,
    compiled: HashMap<String, Template>,
    /// Whether the dynamic variables' helpers are registered (when a template first may
    /// name one).
    dynamic: bool,
}

/// One compiled template.
#[derive(Debug, Clone)]
pub enum Template {
    /// Text without `{{`: used as is.
    Literal(String),
    /// Exactly `{{a.b}}`: looked up directly, keeping the value's JSON type. Boxed, so
    /// that a template is no larger than its text: a collection holds every step's.
    Variable(Box<WholeVariable>),
    /// Anything else: rendered by handlebars to text. Shared: every step that writes the same
    /// text (a default header, a URL) holds the same compiled template.
    Rendered(Arc<Rendered>),
}

/// A template that is exactly one variable, `{{a.b}}`.
#[derive(Debug, Clone)]
pub struct WholeVariable {
    /// The path's segments (`["a", "b"]`).
    pub path: Vec<String>,
    /// The source text, for messages.
    pub source: String,
}

/// A template handlebars renders.
#[derive(Debug)]
pub struct Rendered {
    /// The name it is registered under.
    name: String,
    /// The source text, for messages.
    source: String,
    /// The variables it reads, as dotted paths (`env.TOKEN`, `auth_token`).
    references: Vec<String>,
    /// When it is only text and variables (`Bearer {{token}}`): its pieces, joined here as
    /// handlebars would write them, without a trip through handlebars.
    pieces: Option<Vec<references::Piece>>,
}

/// The most work handlebars' parser is given for one text ([`parser_work`]; 20,000 `{{…}}`
/// in 120 KB took 3.4 s, a run of 200,000 backslashes 11.8 s; this bound is ~0.3 s).
const MOST_PARSER_WORK: usize = 200_000_000;

/// What handlebars' parser does for `source`, in bytes read: it counts lines from the start
/// for every element (its unescaped `{{` count times the length), and tries its escape rule
/// at every backslash of a run, to the run's end (each run, squared). Also the count and the
/// longest run, for the message.
fn parser_work(source: &str) -> (usize, usize, usize) {
    let bytes = source.as_bytes();
    // Only a single backslash escapes a `{{`; after two or more the `{{` is an expression.
    let openings = source
        .match_indices("{{")
        .filter(|(at, _)| {
            let run = bytes[..*at]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            run != 1
        })
        .count();
    let runs = bytes.split(|&b| b != b'\\').map(<[u8]>::len);
    let longest_run = runs.clone().max().unwrap_or(0);
    let squares = runs.fold(0usize, |sum, run| {
        sum.saturating_add(run.saturating_mul(run))
    });
    let work = openings
        .saturating_mul(source.len())
        .saturating_add(squares);
    (work, openings, longest_run)
}

/// The start of a long template's text, for a message.
fn excerpt(source: &str) -> String {
    const SHOWN: usize = 80;
    match source.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &source[..at]),
        None => source.to_owned(),
    }
}

/// The 1-based character of `text` at 1-based `line` and `column` (as the template parser
/// counts them), if there is one.
fn character_at(text: &str, line: usize, column: usize) -> Option<usize> {
    let before: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(|l| l.chars().count())
        .sum();
    let on_line = text.split_inclusive('\n').nth(line - 1)?.chars().count();
    (column >= 1 && column <= on_line + 1).then_some(before + column)
}

/// Why a template does not compile.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid template `{}`: {reason}", excerpt(source_text))]
pub struct TemplateError {
    /// The template text.
    pub source_text: String,
    /// What is wrong, from the parser.
    pub reason: String,
    /// The name in the `{{…}}` that is wrong (a helper that does not exist), to mark it.
    pub names: Option<String>,
    /// Where in the template text the parser stopped (1-based, in characters), to mark it.
    pub character: Option<usize>,
}

/// Why a template did not render.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// A variable the template reads is not defined.
    #[error("undefined variable `{0}`")]
    UndefinedVariable(String),
    /// A helper failed, or handlebars reported another problem.
    #[error("{0}")]
    Failed(String),
    /// A list sent as repeated values holds something that is not a string, number or
    /// boolean.
    #[error("`{variable}` holds a list whose element {index} is {found}; each element of a list sent as repeated values must be a string, number or boolean (to send the list as one JSON text, write `{{{{json {variable}}}}}`)")]
    NotAValue {
        /// The variable holding the list.
        variable: String,
        /// The element's index, from 0.
        index: usize,
        /// What it is: `a list`, `a map`, `null`.
        found: &'static str,
    },
    /// The text would be longer than [`MOST_RENDERED`]: variables that each hold the next
    /// twice (`a: "{{b}}{{b}}"`, `b: "{{c}}{{c}}"`...) double at every level.
    #[error("the text this template makes is longer than {} MiB, the most runner builds from one template: a variable that holds another several times, which holds another several times, grows without bound (`a: \"{{{{b}}}}{{{{b}}}}\"`, `b: \"{{{{c}}}}{{{{c}}}}\"`...); write the text once instead", MOST_RENDERED >> 20)]
    TooLong,
    /// A helper (`json`, `base64`, `urlencode`) would write past [`MOST_RENDERED`], with what
    /// the template's other helpers wrote before it: nested, they multiply what they write.
    #[error("the `{0}` in this template would write more than {mib} MiB with what the helpers before it wrote, the most runner builds from one template: {GROWTH}", mib = MOST_RENDERED >> 20)]
    HelperTooLong(&'static str),
    /// The templates rendered together (a request's, a variable's value, a JSON body) would
    /// make more than [`MOST_RENDERED`] all together ([`budget`]).
    #[error("the templates rendered with this one make more than {} MiB together, the most runner builds for one request or one value: a value that holds a large variable many times (`[\"{{{{big}}}}\", \"{{{{big}}}}\", …]`) copies it each time; send the large text once", MOST_RENDERED >> 20)]
    TooMuchTogether,
}

/// How the helpers grow what they are given, for messages.
pub(crate) const GROWTH: &str = "`json` escapes every quote and backslash again, so each `json` of a `json` doubles them; `base64` adds a third; `urlencode` triples every byte but letters, digits and `-_.~`. Call them fewer times, or on less";

/// The longest text one template may make: the default limit of a response body, so any
/// body runner would read can still be sent on.
pub const MOST_RENDERED: usize = 256 << 20;

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a helper's call is refused: what it takes, and what it was given.
fn wrong_arity_reason(wrong: &references::WrongArity) -> String {
    let name = &wrong.name;
    let (takes, example) = match wrong.takes {
        0 => return format!("`{name}` takes no value: write `{{{{{name}}}}}` alone"),
        1 => ("one value", format!("{{{{{name} items}}}}")),
        references::ANY_NUMBER => ("values", format!("{{{{{name} a b}}}}")),
        _ => ("two values", format!("{{{{{name} a b}}}}")),
    };
    if wrong.named {
        return format!(
            "`{name}` takes {takes} and no named argument (`key=value`): write `{example}`"
        );
    }
    let more = match wrong.takes {
        1 => format!(
            "; for more than one, write a call for each: `{{{{{name} a}}}}{{{{{name} b}}}}`"
        ),
        _ => String::new(),
    };
    format!(
        "`{name}` takes {takes}, as in `{example}`, but is given {}{more}",
        wrong.given
    )
}

/// What a template asks for that runner does not have, and what to write instead.
fn unsupported_reason(problem: &references::Unsupported) -> String {
    match problem {
        references::Unsupported::Helper(name) => {
            let known = helpers::NAMES
                .iter()
                .chain(references::BUILT_IN_HELPERS)
                .copied();
            let hint = match crate::spec::text::did_you_mean(name, known) {
                Some(near) => format!("did you mean `{near}`? "),
                None => String::new(),
            };
            format!(
                "`{name}` is not a template helper; {hint}the helpers are runner's `{}` and handlebars' `{}`",
                helpers::NAMES.join("`, `"),
                references::BUILT_IN_HELPERS.join("`, `")
            )
        }
        references::Unsupported::Partial => "partials (`{{> name}}`) are not supported in runner's templates: write the text out, or put it in a variable and write `{{variable}}`".to_owned(),
        references::Unsupported::Decorator => "decorators (`{{* name}}`, `{{#* inline}}`) are not supported in runner's templates: write the text out, or put it in a variable".to_owned(),
    }
}

impl Templates {
    /// An empty registry: strict, no escaping, with runner's helpers.
    pub fn new() -> Self {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        helpers::register(&mut registry);
        Templates {
            registry,
            compiled: HashMap::default(),
            dynamic: false,
        }
    }

    /// Compiles `source`. A text compiled before is not compiled again: its template is
    /// shared.
    pub fn compile(&mut self, source: &str) -> Result<Template, TemplateError> {
        if !holds_braces(source) {
            return Ok(Template::Literal(source.to_owned()));
        }
        if let Some(template) = self.compiled.get(source) {
            return Ok(template.clone());
        }
        let template = match plain::pieces(source, |name| {
            references::names_helper(name, helpers::NAMES)
        }) {
            Some(pieces) => self.plain(source, pieces),
            None => self.by_handlebars(source)?,
        };
        self.compiled.insert(source.to_owned(), template.clone());
        Ok(template)
    }

    /// A template of text and plain variables, read without handlebars.
    fn plain(&self, source: &str, mut pieces: Vec<references::Piece>) -> Template {
        if let [references::Piece::Variable(..)] = pieces.as_slice() {
            if let Some(references::Piece::Variable(path, _)) = pieces.pop() {
                return Template::Variable(Box::new(WholeVariable {
                    path,
                    source: source.to_owned(),
                }));
            }
        }
        Template::Rendered(Arc::new(Rendered {
            name: format!("#{}", self.compiled.len()),
            source: source.to_owned(),
            references: plain::references(&pieces),
            pieces: Some(pieces),
        }))
    }

    /// A template handlebars compiles (and, unless it is only text and variables, renders).
    fn by_handlebars(&mut self, source: &str) -> Result<Template, TemplateError> {
        if let Some(character) = syntax::too_deep(source) {
            return Err(TemplateError {
                source_text: source.to_owned(),
                reason: format!(
                    "the template nests parentheses and blocks more than {} levels deep here: write the inner part to a variable of its own (`vars: {{ inner: \"{{{{json x}}}}\" }}`) and use it",
                    syntax::MOST_NESTING
                ),
                names: None,
                character: Some(character),
            });
        }
        if let Some((name, character)) = syntax::else_prefixed(source) {
            return Err(TemplateError {
                source_text: source.to_owned(),
                reason: format!(
                    "handlebars reads `{name}` as the keyword `else` and `{}` after it, so no variable's name can start with `else`: rename it (e.g. `_{name}`)",
                    &name[4..]
                ),
                names: None,
                character: Some(character),
            });
        }
        let (work, expressions, backslashes) = parser_work(source);
        if work > MOST_PARSER_WORK {
            let what = if expressions.saturating_mul(source.len()) <= MOST_PARSER_WORK / 2 {
                format!("runs of backslashes (the longest {backslashes}) are")
            } else {
                format!(
                    "{expressions} `{{{{…}}}}` in a text of {} bytes are",
                    source.len()
                )
            };
            return Err(TemplateError {
                source_text: source.to_owned(),
                reason: format!(
                    "{what} more than the template parser reads in reasonable time (its time grows with the square of it): keep helpers and blocks to smaller texts, or write plain `{{{{variable}}}}`s, which are read without it"
                ),
                names: None,
                character: None,
            });
        }
        if !self.dynamic && source.contains('$') {
            helpers::register_dynamic(&mut self.registry);
            self.dynamic = true;
        }
        let compiled = handlebars::Template::compile(source).map_err(|e| {
            let character = e
                .pos()
                .and_then(|(line, column)| character_at(source, line, column));
            // The parser stops at the end of a text with an expression or a block left open
            // and lists its grammar's rules there: say what is open, where it opens.
            let (reason, character) = match syntax::left_open(source) {
                Some((reason, open)) if character.is_none_or(|c| c >= open) => (reason, Some(open)),
                _ => (e.reason().to_string(), character),
            };
            TemplateError {
                source_text: source.to_owned(),
                reason,
                names: None,
                character,
            }
        })?;
        if let Some(problem) = references::unsupported(&compiled, helpers::NAMES) {
            return Err(TemplateError {
                source_text: source.to_owned(),
                reason: unsupported_reason(&problem),
                names: match problem {
                    references::Unsupported::Helper(name) => Some(name),
                    _ => None,
                },
                character: None,
            });
        }
        if let Some(name) = references::bare_helper(&compiled, helpers::TAKING_A_VALUE) {
            return Err(TemplateError {
                source_text: source.to_owned(),
                reason: format!(
                    "`{name}` is a template helper and needs a value to work on (e.g. `{{{{{name} items}}}}`); a variable named `{name}` cannot be read in a template: rename it"
                ),
                names: Some(name),
                character: None,
            });
        }
        if let Some(wrong) = references::wrong_arity(&compiled, helpers::ARITY) {
            return Err(TemplateError {
                source_text: source.to_owned(),
                reason: wrong_arity_reason(&wrong),
                names: Some(wrong.name),
                character: None,
            });
        }
        Ok(
            match references::whole_variable(&compiled, helpers::NAMES) {
                Some(path) => Template::Variable(Box::new(WholeVariable {
                    path,
                    source: source.to_owned(),
                })),
                None => {
                    let references = references::collect(&compiled, helpers::NAMES);
                    let pieces = references::plain_pieces(&compiled, helpers::NAMES);
                    // Only a key into the registry: one per distinct text. A template of text and
                    // variables alone is joined here and never rendered by handlebars, so it is
                    // not kept there too.
                    let name = format!("#{}", self.compiled.len());
                    if pieces.is_none() {
                        self.registry.register_template(&name, compiled);
                    }
                    Template::Rendered(Arc::new(Rendered {
                        name,
                        source: source.to_owned(),
                        references,
                        pieces,
                    }))
                }
            },
        )
    }

    /// Renders to text. Non-string values of a whole-variable template are written as JSON
    /// (numbers and booleans as themselves).
    pub fn render_text(
        &self,
        template: &Template,
        context: &Context,
    ) -> Result<String, RenderError> {
        self.render_within(template, context, MOST_RENDERED)
    }

    /// [`Self::render_text`] making at most `limit` bytes ([`MOST_RENDERED`]; less in tests).
    fn render_within(
        &self,
        template: &Template,
        context: &Context,
        own: usize,
    ) -> Result<String, RenderError> {
        // What is left of the budget of the renders this one is part of, when the others
        // have used most of it: the text stops there, and the problem is theirs together.
        // Else the template is bounded by its own limit, and its own problem told (what it
        // makes still counts against the budget, below).
        let left = budget::left();
        let limit = if left <= own / 2 { left } else { own };
        let past = |error: RenderError| match error {
            RenderError::TooLong | RenderError::HelperTooLong(_) if limit < own => {
                RenderError::TooMuchTogether
            }
            error => error,
        };
        let text = match template {
            Template::Literal(text) => {
                budget::take(text.len())?;
                return Ok(text.clone());
            }
            Template::Variable(variable) => {
                let value = lookup(context, &variable.path)?;
                budget::take(budget::held_bytes(value))?;
                return Ok(value_to_text(value));
            }
            Template::Rendered(rendered) => match &rendered.pieces {
                Some(pieces) => join_pieces(pieces, context, limit).map_err(past)?,
                None => {
                    // The text stops at the limit as it is written, and the helpers share
                    // a budget of as much: nothing past it is built.
                    let mut text = Bounded {
                        bytes: Vec::new(),
                        limit,
                        past_the_limit: false,
                    };
                    helpers::budgeted(limit, || {
                        self.registry.render_with_context_to_write(
                            &rendered.name,
                            context,
                            &mut text,
                        )
                    })
                    .map_err(|error| {
                        if text.past_the_limit {
                            return past(RenderError::TooLong);
                        }
                        missing_parameter(&error, rendered, context)
                            .unwrap_or_else(|| past(convert_error(error)))
                    })?;
                    String::from_utf8(text.bytes)
                        .map_err(|error| RenderError::Failed(error.to_string()))?
                }
            },
        };
        budget::take(text.len())?;
        Ok(text)
    }

    /// Renders a value that may repeat (a query parameter's, a form field's): each text goes
    /// to `each`, in order — one text, or, where the template is exactly one `{{var}}`
    /// holding a list, one per element (none for an empty list). Other values are written as
    /// [`render_text`](Self::render_text) writes them.
    pub fn render_each(
        &self,
        template: &Template,
        context: &Context,
        mut each: impl FnMut(&str),
    ) -> Result<(), RenderError> {
        let Template::Variable(variable) = template else {
            each(&self.render_text(template, context)?);
            return Ok(());
        };
        let path = &variable.path;
        let value = lookup(context, path)?;
        budget::take(budget::held_bytes(value))?;
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    each(&scalar_text(item).ok_or_else(|| RenderError::NotAValue {
                        variable: path.join("."),
                        index,
                        found: kind(item),
                    })?);
                }
            }
            Value::String(text) => each(text),
            other => each(&other.to_string()),
        }
        Ok(())
    }

    /// Renders keeping JSON types where the template is exactly one variable.
    pub fn render_value(
        &self,
        template: &Template,
        context: &Context,
    ) -> Result<Value, RenderError> {
        match template {
            Template::Variable(variable) => {
                let value = lookup(context, &variable.path)?;
                budget::take(budget::held_bytes(value))?;
                Ok(value.clone())
            }
            other => {
                let text = self.render_text(other, context)?;
                Ok(match other {
                    Template::Rendered(rendered) => typed_dynamic(&rendered.source, text),
                    _ => Value::String(text),
                })
            }
        }
    }
}

/// What a template that is exactly one of Postman's typed dynamic variables makes, standing
/// alone (`{{$randomInt}}`): a number (`$randomInt`, `$timestamp`) or a boolean
/// (`$randomBoolean`), as Postman sends it; any other template's `text`, as text.
fn typed_dynamic(source: &str, text: String) -> Value {
    let name = source
        .strip_prefix("{{")
        .and_then(|rest| rest.strip_suffix("}}"))
        .map(str::trim);
    match name {
        Some("$randomInt" | "$timestamp") => text
            .parse::<i64>()
            .map_or_else(|_| Value::String(text), Value::from),
        Some("$randomBoolean") => match text.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text),
        },
        _ => Value::String(text),
    }
}

impl Template {
    /// The variables the template reads, as dotted paths.
    pub fn references(&self) -> Vec<String> {
        self.each_reference().map(Cow::into_owned).collect()
    }

    /// [`Template::references`] one at a time, copied only when a path of several segments
    /// is joined.
    pub fn each_reference(&self) -> impl Iterator<Item = Cow<'_, str>> {
        let (whole, rendered): (Option<Cow<'_, str>>, &[String]) = match self {
            Template::Literal(_) => (None, &[]),
            Template::Variable(variable) => {
                let path = match variable.path.as_slice() {
                    [name] => Cow::Borrowed(name.as_str()),
                    path => Cow::Owned(path.join(".")),
                };
                (Some(path), &[])
            }
            Template::Rendered(rendered) => (None, &rendered.references),
        };
        whole
            .into_iter()
            .chain(rendered.iter().map(|name| Cow::Borrowed(name.as_str())))
    }

    /// Whether every variable the template reads must exist when it renders (text and
    /// variables only): handlebars' `{{#if x}}` reads a missing `x` as false.
    pub fn reads_strictly(&self) -> bool {
        match self {
            Template::Literal(_) | Template::Variable(_) => true,
            Template::Rendered(rendered) => rendered.pieces.is_some(),
        }
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        match self {
            Template::Literal(text) => text,
            Template::Variable(variable) => &variable.source,
            Template::Rendered(rendered) => &rendered.source,
        }
    }
}

/// Text for a value in a text position: strings as they are, everything else as JSON.
pub fn value_to_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A string, number or boolean as text; `None` for anything else.
fn scalar_text(value: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match value {
        Value::String(text) => Some(text.into()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string().into()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// What a value is, in words, for a message.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// A text that cannot be written as a template: a backslash stands right before `{{`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a `\\` right before `{{{{` cannot be written in a template (handlebars reads it as an escape)"
)]
pub struct NotExpressible;

/// True when `source` is only text and plain `{{a.b}}` variables (no helper, block, escape
/// or other syntax): read in one pass without handlebars' parser, whose time grows with the
/// square of the number of expressions.
pub fn is_plain(source: &str) -> bool {
    plain::pieces(source, |name| {
        references::names_helper(name, helpers::NAMES)
    })
    .is_some()
}

/// Whether `text` holds a `{{`, which every template starts with. Loading asks it of every
/// text a collection holds, a few times a step: `str::contains("{{")` sets up a substring
/// search each time (75 to 230 instructions for a short text, callgrind); `{` is rare enough
/// in text to look for it alone.
pub fn holds_braces(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|at| bytes.get(at + 1) == Some(&b'{'))
}

/// The template that renders as `text` itself: each `{{` escaped as `\{{`, so that text from
/// elsewhere (an OpenAPI example) is sent as written, not read as a template. A backslash
/// right before `{{` has no template that renders it (handlebars reads `\\{{` as one
/// backslash and a variable): [`NotExpressible`].
pub fn literal(text: &str) -> Result<std::borrow::Cow<'_, str>, NotExpressible> {
    if !text.contains("{{") {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let before = &rest[..at];
        if before.ends_with('\\') {
            return Err(NotExpressible);
        }
        escaped.push_str(before);
        escaped.push_str("\\{{");
        rest = &rest[at + 2..];
    }
    escaped.push_str(rest);
    Ok(std::borrow::Cow::Owned(escaped))
}

fn lookup<'a>(context: &'a Context, path: &[String]) -> Result<&'a Value, RenderError> {
    let mut current = context.data();
    for segment in path {
        let next = match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        current = next.ok_or_else(|| RenderError::UndefinedVariable(path.join(".")))?;
    }
    Ok(current)
}

/// Text and variables written out as handlebars writes them: a variable's value as
/// [`handlebars::JsonRender`] renders it, an undefined one the same error.
fn join_pieces(
    pieces: &[references::Piece],
    context: &Context,
    limit: usize,
) -> Result<String, RenderError> {
    use handlebars::JsonRender as _;
    // Room for a URL or a header value without growing.
    let mut text = String::with_capacity(64);
    let push = |text: &mut String, more: &str| {
        if text.len() + more.len() > limit {
            return Err(RenderError::TooLong);
        }
        text.push_str(more);
        Ok(())
    };
    for piece in pieces {
        match piece {
            references::Piece::Text(raw) => push(&mut text, raw)?,
            references::Piece::Variable(path, written) => {
                let mut current = Some(context.data());
                for segment in path {
                    current = match current {
                        Some(Value::Object(map)) => map.get(segment),
                        Some(Value::Array(items)) => match segment.parse::<usize>() {
                            Ok(index) => items.get(index),
                            Err(_) => {
                                let reason = handlebars::RenderErrorReason::InvalidJsonIndex(
                                    segment.clone(),
                                );
                                return Err(RenderError::Failed(reason.to_string()));
                            }
                        },
                        _ => None,
                    };
                }
                match current {
                    // What `render` gives a string, without the copy it makes.
                    Some(Value::String(value)) => push(&mut text, value)?,
                    Some(value) => push(&mut text, &value.render())?,
                    None => return Err(RenderError::UndefinedVariable(written.clone())),
                }
            }
        }
    }
    Ok(text)
}

/// A helper given a variable that is not there (`{{json o.z}}`): handlebars names the
/// helper's parameter (`json param with name value required but not found`); this names the
/// variable, as for `{{o.z}}`. The first path the template reads that the context lacks.
fn missing_parameter(
    error: &handlebars::RenderError,
    rendered: &Rendered,
    context: &Context,
) -> Option<RenderError> {
    use handlebars::RenderErrorReason::{ParamNotFoundForIndex, ParamNotFoundForName};
    if !matches!(
        error.reason(),
        ParamNotFoundForName(..) | ParamNotFoundForIndex(..)
    ) {
        return None;
    }
    rendered.references.iter().find_map(|reference| {
        let path: Vec<String> = reference.split('.').map(str::to_owned).collect();
        lookup(context, &path).err()
    })
}

fn convert_error(error: handlebars::RenderError) -> RenderError {
    match error.reason() {
        handlebars::RenderErrorReason::MissingVariable(Some(path)) => {
            RenderError::UndefinedVariable(path.clone())
        }
        // What a helper gave is not there: `lookup` past a list's end, or of a key its map
        // does not have (handlebars says "Failed to access variable in strict mode None").
        handlebars::RenderErrorReason::MissingVariable(None) => RenderError::Failed(
            "a `lookup` found nothing: the list has no element at that index, or the map no such key"
                .to_owned(),
        ),
        handlebars::RenderErrorReason::NestedError(nested) => {
            match nested.downcast_ref::<helpers::PastTheLimit>() {
                Some(helpers::PastTheLimit(helper)) => RenderError::HelperTooLong(helper),
                None => RenderError::Failed(error.reason().to_string()),
            }
        }
        reason => RenderError::Failed(reason.to_string()),
    }
}

/// Where handlebars writes a template's text: it refuses to grow past `limit`
/// ([`MOST_RENDERED`]).
struct Bounded {
    bytes: Vec<u8>,
    limit: usize,
    past_the_limit: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, more: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + more.len() > self.limit {
            self.past_the_limit = true;
            return Err(std::io::Error::other("the text is longer than the limit"));
        }
        self.bytes.extend_from_slice(more);
        Ok(more.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn each(source: &str, variables: Value) -> Result<Vec<String>, RenderError> {
        let mut templates = Templates::new();
        let template = templates.compile(source).expect("compiles");
        let mut texts = Vec::new();
        templates.render_each(&template, &Context::from(variables), |text| {
            texts.push(text.to_owned())
        })?;
        Ok(texts)
    }

    #[test]
    fn holds_braces_is_str_contains_of_two_braces() {
        for text in [
            "", "{", "{{", "a{b{c", "a{{b", "{ {", "}}{{", "é{{", "{é{", "x{", "{{{", "{x}",
        ] {
            assert_eq!(holds_braces(text), text.contains("{{"), "{text:?}");
        }
    }

    #[test]
    fn a_lone_variable_holding_a_list_renders_once_per_element() {
        let variables = json!({"ids": [1, "two", true], "none": [], "page": 3, "o": {"a": 1}});
        assert_eq!(
            each("{{ids}}", variables.clone()),
            Ok(vec!["1".into(), "two".into(), "true".into()])
        );
        assert_eq!(each("{{none}}", variables.clone()), Ok(vec![]));
        assert_eq!(each("{{page}}", variables.clone()), Ok(vec!["3".into()]));
        assert_eq!(
            each("{{o}}", variables.clone()),
            Ok(vec![r#"{"a":1}"#.into()])
        );
        assert_eq!(
            each("ids={{ids}}", variables.clone()),
            Ok(vec![r#"ids=[1, two, true]"#.into()]),
            "inside text, a list is written as handlebars writes it"
        );
        assert_eq!(each("fixed", variables), Ok(vec!["fixed".into()]));
    }

    #[test]
    fn a_list_holding_a_list_map_or_null_does_not_render_as_repeated_values() {
        for (value, found) in [
            (json!([1, [2]]), "a list"),
            (json!([1, {"a": 1}]), "a map"),
            (json!([1, null]), "null"),
        ] {
            assert_eq!(
                each("{{ids}}", json!({ "ids": value })),
                Err(RenderError::NotAValue {
                    variable: "ids".into(),
                    index: 1,
                    found
                })
            );
        }
    }

    /// Every text over the characters that matter (`{`, `}`, `\\`, a letter, a space) up to
    /// seven long: [`literal`] either renders back to the text itself or says it cannot.
    #[test]
    fn a_literal_renders_as_the_text_itself() {
        let alphabet = ['{', '}', '\\', 'a', ' '];
        let context = Context::from(json!({ "a": "VARIABLE" }));
        let mut texts = vec![String::new()];
        let mut refused = 0;
        for _ in 0..7 {
            texts = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            for text in &texts {
                match literal(text) {
                    Ok(source) => {
                        let mut templates = Templates::new();
                        let template = templates
                            .compile(&source)
                            .unwrap_or_else(|e| panic!("{text:?} as {source:?}: {e}"));
                        let rendered = templates.render_text(&template, &context);
                        assert_eq!(rendered.as_deref(), Ok(text.as_str()), "{source:?}");
                    }
                    Err(NotExpressible) => {
                        assert!(text.contains("\\{{"), "{text:?}");
                        refused += 1;
                    }
                }
            }
        }
        assert!(refused > 0);
    }

    #[test]
    fn a_helper_named_alone_is_refused_wherever_it_stands() {
        // Handlebars calls the helper wherever its name stands alone, so `{{len}}` alone
        // and inside text are the same call, with nothing to work on.
        for source in [
            "{{len}}",
            "n={{len}}",
            "{{eq}}",
            "{{log}}",
            "{{base64}}",
            "{{#each xs}}{{len}}{{/each}}",
            "{{#if a}}x{{else}}{{not}}{{/if}}",
            "{{eq (len) 2}}",
        ] {
            let error = Templates::new()
                .compile(source)
                .err()
                .unwrap_or_else(|| panic!("{source} compiled"));
            assert!(
                error
                    .reason
                    .contains("is a template helper and needs a value"),
                "{source}: {error}"
            );
        }
        for source in [
            "{{len items}}",
            "{{eq a 2}}",
            "{{uuid}}",
            "{{now}}",
            "{{timestamp}}",
            "{{base64 token}}",
            "{{#if a}}x{{/if}}",
            "{{len.x}}",
            "{{lengthy}}",
            "{{#each xs}}{{this}}{{@index}}{{/each}}",
        ] {
            assert!(Templates::new().compile(source).is_ok(), "{source}");
        }
    }

    #[test]
    fn a_name_that_starts_with_else_is_refused_with_what_to_write() {
        for (source, name) in [
            ("{{elsewhere}}", "elsewhere"),
            ("x/{{else_a.b}}/{{y}}", "else_a.b"),
            ("{{#if else_x}}a{{/if}}", "else_x"),
            ("{{json (lookup m elsewhere)}}", "elsewhere"),
        ] {
            let error = Templates::new().compile(source).expect_err(source);
            assert!(
                error
                    .reason
                    .contains(&format!("handlebars reads `{name}` as the keyword `else`")),
                "{source}: {error}"
            );
        }
        for source in [
            "{{#if a}}x{{else}}y{{/if}}",
            "{{#if a}}x{{else if b}}y{{/if}}",
            "{{eq a \"elsewhere\"}}",
            "{{a.elsewhere}}",
            "{{welse}}",
            "\\{{elsewhere}}",
        ] {
            assert!(Templates::new().compile(source).is_ok(), "{source}");
        }
    }

    #[test]
    fn a_lookup_that_finds_nothing_says_so() {
        let mut templates = Templates::new();
        for source in ["{{lookup xs 5}}", "x-{{lookup m \"nope\"}}"] {
            let template = templates.compile(source).expect("compiles");
            let context = Context::from(serde_json::json!({ "xs": [1, 2], "m": { "a": 1 } }));
            let error = templates
                .render_text(&template, &context)
                .expect_err("nothing there");
            assert_eq!(
                error.to_string(),
                "a `lookup` found nothing: the list has no element at that index, or the map no such key",
                "{source}"
            );
        }
    }

    #[test]
    fn a_helper_given_more_than_it_takes_is_refused_wherever_it_is_called() {
        // Handlebars passes over the values a helper does not read, without a word.
        for (source, helper) in [
            ("{{urlencode a b}}", "`urlencode` takes one value"),
            ("x{{json a 5}}y", "`json` takes one value"),
            ("{{base64 a pad=1}}", "no named argument"),
            ("{{uuid 3}}", "`uuid` takes no value"),
            ("{{now \"%Y\"}}", "`now` takes no value"),
            ("{{timestamp a}}", "`timestamp` takes no value"),
            ("{{$randomInt 5}}", "`$randomInt` takes no value"),
            ("{{json (base64 a b)}}", "`base64` takes one value"),
            (
                "{{#if a}}{{urlencode a a}}{{/if}}",
                "`urlencode` takes one value",
            ),
            (
                "{{#if a}}x{{else}}{{json a a}}{{/if}}",
                "`json` takes one value",
            ),
            ("{{eq a b c}}", "`eq` takes two values"),
            ("{{#if (eq a)}}x{{/if}}", "`eq` takes two values"),
            ("{{#if a b}}x{{/if}}", "`if` takes one value"),
            ("{{len a b}}", "`len` takes one value"),
            (
                "{{#if (and a b strict=true)}}x{{/if}}",
                "`and` takes values and no named argument (`key=value`): write `{{and a b}}`",
            ),
            ("{{or a x=1}}", "`or` takes values and no named argument"),
        ] {
            let error = Templates::new()
                .compile(source)
                .err()
                .unwrap_or_else(|| panic!("{source} compiled"));
            assert!(error.reason.contains(helper), "{source}: {error}");
        }
        for source in [
            "{{json (base64 a)}}",
            "{{urlencode a}}{{urlencode b}}",
            "{{$randomInt}}",
            "{{eq a 2}}",
            "{{#if a includeZero=true}}x{{/if}}",
            "{{#each xs}}{{lookup ../m this}}{{/each}}",
            "{{and a b c}}",
            "{{#or a}}x{{/or}}",
            "{{log a b level=\"warn\"}}",
        ] {
            assert!(Templates::new().compile(source).is_ok(), "{source}");
        }
    }

    /// `source` rendered by handlebars itself, registered as runner registers a template.
    fn handlebars_alone(source: &str, context: &Context) -> Result<String, RenderError> {
        let mut registry = Templates::new().registry;
        let compiled = handlebars::Template::compile(source).expect("compiles");
        registry.register_template("t", compiled);
        registry
            .render_with_context("t", context)
            .map_err(convert_error)
    }

    #[test]
    fn text_and_variables_are_written_as_handlebars_writes_them() {
        let data = json!({
            "s": "x y", "n": 1.5, "i": 7, "b": true, "z": null, "e": "",
            "a": [1, "two", [3, {"k": 1}]], "o": {"k": "v", "n": {"m": 2}},
        });
        let context = Context::from(data);
        let plain = [
            "a {{s}} b",
            "{{s}}{{n}}",
            "{{i}}/{{b}}/{{z}}",
            "[{{a}}]",
            "{{o}}!",
            "{{e}}-",
            "{{o.k}} {{a.1}} {{a.[2]}} {{o.n.m}}",
            "{{missing}} x",
            "{{o.missing}} x",
            "{{a.x}} y",
            "{{a.9}} y",
            "{{s.deeper}} z",
            "{{z.deeper}} z",
            "{{this.s}} t",
            "  {{~s~}}  end",
            "\\{{s}} {{s}}",
            "{{[s]}} q",
            "{{ s }} w",
        ];
        for source in plain {
            let mut templates = Templates::new();
            let template = templates.compile(source).expect("compiles");
            let Template::Rendered(rendered) = &template else {
                panic!("{source}: rendered")
            };
            assert!(
                rendered.pieces.is_some(),
                "{source}: only text and variables"
            );
            let direct = templates.render_text(&template, &context);
            assert!(
                templates.registry.get_template(&rendered.name).is_none(),
                "{source}: kept by handlebars too"
            );
            let through = handlebars_alone(source, &context);
            assert_eq!(direct, through, "{source}");
        }
        let not_plain = [
            "{{uuid}} a",
            "{{#if s}}x{{/if}}",
            "{{base64 s}} a",
            "{{len a}} a",
            "{{@root.s}} a",
            "{{../s}} a",
            "{{! note }} a",
            "{{{s}}} a",
            "{{this}} a",
            "{{lookup a 1}} a",
        ];
        for source in not_plain {
            let mut templates = Templates::new();
            let Ok(Template::Rendered(rendered)) = templates.compile(source) else {
                panic!("{source}: rendered")
            };
            assert!(rendered.pieces.is_none(), "{source}: through handlebars");
        }
    }

    #[test]
    fn a_name_that_is_no_helper_of_handlebars_is_a_variable_to_it_too() {
        // The plain path treats every name but handlebars' own helpers (and runner's) as a
        // variable; a handlebars that registers more (its `string_helpers` feature, a new
        // version) must fail here before it writes such a name differently.
        let context = Context::from(json!({"snakeCase": "v", "titleCase": "w", "upper": "u"}));
        let mut templates = Templates::new();
        for source in ["{{snakeCase}} a", "{{titleCase}} a", "{{upper}} a"] {
            let template = templates.compile(source).expect("compiles");
            let Template::Rendered(rendered) = &template else {
                panic!("{source}: rendered")
            };
            assert!(rendered.pieces.is_some(), "{source}: joined directly");
            assert_eq!(
                handlebars_alone(source, &context),
                templates.render_text(&template, &context),
                "{source}"
            );
        }
    }

    fn render(source: &str, data: Value) -> Result<Value, RenderError> {
        let mut templates = Templates::new();
        let template = templates.compile(source).expect("compiles");
        templates.render_value(&template, &Context::from(data))
    }

    #[test]
    fn a_typed_dynamic_variable_standing_alone_is_its_type() {
        for source in ["{{$randomInt}}", "{{ $timestamp }}"] {
            let value = render(source, json!({})).expect("renders");
            assert!(value.is_i64(), "{source}: {value}");
        }
        let value = render("{{$randomBoolean}}", json!({})).expect("renders");
        assert!(value.is_boolean(), "{value}");
        for source in ["n{{$randomInt}}", "{{$randomInt}} ", "{{$guid}}"] {
            let value = render(source, json!({})).expect("renders");
            assert!(value.is_string(), "{source}: {value}");
        }
    }

    #[test]
    fn a_whole_variable_keeps_its_type() {
        assert_eq!(render("{{n}}", json!({"n": 5})), Ok(json!(5)));
        assert_eq!(render("{{ flag }}", json!({"flag": true})), Ok(json!(true)));
        assert_eq!(render("{{a.b}}", json!({"a": {"b": [1]}})), Ok(json!([1])));
        assert_eq!(render("{{list.1}}", json!({"list": [1, 2]})), Ok(json!(2)));
    }

    #[test]
    fn mixed_text_renders_to_a_string() {
        assert_eq!(render("n={{n}}", json!({"n": 5})), Ok(json!("n=5")));
        assert_eq!(render("plain", json!({})), Ok(json!("plain")));
    }

    #[test]
    fn no_html_escaping() {
        assert_eq!(
            render("x {{s}}", json!({"s": "<a&b>"})),
            Ok(json!("x <a&b>"))
        );
        // Through handlebars too.
        assert_eq!(
            render("x {{#if s}}{{s}}{{/if}}", json!({"s": "<a&b>"})),
            Ok(json!("x <a&b>"))
        );
    }

    #[test]
    fn undefined_variables_are_errors_naming_them() {
        assert_eq!(
            render("{{missing}}", json!({})),
            Err(RenderError::UndefinedVariable("missing".into()))
        );
        assert_eq!(
            render("Bearer {{token}}", json!({})),
            Err(RenderError::UndefinedVariable("token".into()))
        );
    }

    #[test]
    fn references_are_collected_from_helpers_and_blocks() {
        let mut templates = Templates::new();
        let t = templates
            .compile("{{base64 user}}:{{#if flag}}{{env.TOKEN}}{{/if}}{{uuid}}")
            .expect("compiles");
        let mut refs = t.references();
        refs.sort();
        assert_eq!(refs, vec!["env.TOKEN", "flag", "user"]);
    }

    #[test]
    fn a_helper_alone_is_rendered_not_looked_up() {
        let value = render("{{timestamp}}", json!({})).expect("renders");
        assert!(value.as_str().is_some_and(|s| s.parse::<u64>().is_ok()));
    }

    #[test]
    fn what_no_variable_can_mend_is_refused_when_compiled() {
        let mut templates = Templates::new();
        let reason = |source: &str| {
            Templates::new()
                .compile(source)
                .err()
                .map(|e| e.reason)
                .unwrap_or_default()
        };
        assert!(reason("x {{upper name}}").starts_with("`upper` is not a template helper;"));
        assert!(reason("{{#if a}}{{base46 a}}{{/if}}").contains("did you mean `base64`?"));
        assert!(reason("{{json (lenght items)}}").contains("`lenght`"));
        assert!(reason("{{#loop items}}x{{/loop}}").contains("`loop`"));
        assert!(reason("{{> header}}").starts_with("partials"));
        assert!(reason("{{#> layout}}x{{/layout}}").starts_with("partials"));
        assert!(reason("{{#*inline \"p\"}}x{{/inline}}").starts_with("decorators"));
        for fine in [
            "{{base64 user}}",
            "{{#each items}}{{this}}{{/each}}",
            "{{#if (eq a 1)}}one{{else}}{{len items}}{{/if}}",
            "{{lookup toks 0}}",
            "{{a.b}} {{uuid}}",
        ] {
            assert!(templates.compile(fine).is_ok(), "{fine}");
        }
    }

    /// Nesting past the limit, of each kind, up to where handlebars' parser overflowed the
    /// stack (2,000 levels in a debug build, 5,000 in a release one): refused before it is
    /// parsed, at the level past the limit; at the limit, it compiles.
    #[test]
    fn nesting_past_the_limit_is_refused_before_it_is_parsed() {
        let parentheses =
            |n: usize| format!("{{{{json {}a{}}}}}", "(json ".repeat(n), ")".repeat(n));
        let blocks = |n: usize| format!("{}x{}", "{{#if a}}".repeat(n), "{{/if}}".repeat(n));
        let lookups =
            |n: usize| format!("{{{{len {}o{}}}}}", "(lookup ".repeat(n), " 1)".repeat(n));
        for make in [&blocks as &dyn Fn(usize) -> String, &lookups] {
            let deepest = make(syntax::MOST_NESTING - 1);
            assert!(Templates::new().compile(&deepest).is_ok(), "{deepest}");
        }
        for make in [&parentheses as &dyn Fn(usize) -> String, &blocks, &lookups] {
            for n in [syntax::MOST_NESTING + 1, 2_000, 20_000] {
                let source = make(n);
                let error = Templates::new().compile(&source).expect_err("too deep");
                assert!(
                    error.reason.contains("more than 64 levels deep"),
                    "{n}: {}",
                    error.reason
                );
                assert!(error.character.is_some_and(|c| c <= 65 * 9), "{n}");
                assert!(
                    error.to_string().len() < 400,
                    "{n}: the message shows an excerpt"
                );
            }
        }
    }

    #[test]
    fn invalid_syntax_is_a_compile_error() {
        let mut templates = Templates::new();
        assert!(templates.compile("{{#if x}}").is_err());
    }
}
