//! Reads a compiled handlebars template's AST: which variables it uses, whether it is
//! exactly one variable, and whether it is only text and variables.

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{Path, PathSeg};

/// `Some(path)` when the template is exactly `{{a.b}}` naming a variable, not a helper.
pub(super) fn whole_variable(template: &Template, helpers: &[&str]) -> Option<Vec<String>> {
    let [TemplateElement::Expression(expression)] = template.elements.as_slice() else {
        return None;
    };
    if !expression.params.is_empty() || !expression.hash.is_empty() || expression.block {
        return None;
    }
    let path = named_path(&expression.name)?;
    if let [name] = path.as_slice() {
        if names_helper(name, helpers) {
            return None;
        }
    }
    Some(path)
}

/// One piece of a template made only of text and variables.
#[derive(Debug)]
pub(super) enum Piece {
    /// Text, as it is written out.
    Text(String),
    /// `{{a.b}}`: the path's segments, and the path as written (for the message when it is
    /// undefined).
    Variable(Vec<String>, String),
}

/// Helpers handlebars itself registers: a name alone among them calls the helper.
pub(super) const BUILT_IN_HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len",
];

/// Whether `name` standing alone (`{{name}}`) calls a helper — one of `helpers` or one
/// handlebars registers itself — rather than reading a variable. Every walk of a template
/// asks this one question.
pub(super) fn names_helper(name: &str, helpers: &[&str]) -> bool {
    helpers.contains(&name)
        || BUILT_IN_HELPERS.contains(&name)
        || (name.starts_with('$') && super::dynamic::patterns(name).is_some())
}

/// The first helper the template calls with nothing to work on (`{{len}}`, `{{eq}}`,
/// `{{base64}}`), among handlebars' own and `taking_a_value`: it fails when rendered (or,
/// for `log`, writes nothing), and a variable of that name cannot be read so — handlebars
/// calls the helper wherever the name stands alone.
pub(super) fn bare_helper(template: &Template, taking_a_value: &[&str]) -> Option<String> {
    // A dynamic variable (`{{$randomInt}}`) is a helper that takes nothing.
    let bare = |name: &str| taking_a_value.contains(&name) || BUILT_IN_HELPERS.contains(&name);
    first_call(template, &|helper| {
        let name = called(helper)?;
        (helper.params.is_empty() && helper.hash.is_empty() && !helper.block && bare(&name))
            .then_some(name)
    })
}

/// What [`WrongArity::takes`] is for a helper that takes any number of values.
pub(super) const ANY_NUMBER: usize = usize::MAX;

/// A call of one of runner's helpers with other than the values it takes.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct WrongArity {
    /// The helper.
    pub name: String,
    /// How many values it takes ([`ANY_NUMBER`]: any number).
    pub takes: usize,
    /// How many it was given.
    pub given: usize,
    /// It was given a named argument (`name=value`), which none takes.
    pub named: bool,
}

/// How many values handlebars' own helpers take ([`ANY_NUMBER`] for `and` and `or`), and
/// whether they take named arguments (`{{#if a includeZero=true}}`); `log`, which takes any
/// number and `level=`, is not here.
const BUILT_IN_ARITY: &[(&str, usize, bool)] = &[
    ("and", ANY_NUMBER, false),
    ("or", ANY_NUMBER, false),
    ("eq", 2, false),
    ("ne", 2, false),
    ("gt", 2, false),
    ("gte", 2, false),
    ("lt", 2, false),
    ("lte", 2, false),
    ("lookup", 2, false),
    ("not", 1, false),
    ("len", 1, false),
    ("if", 1, true),
    ("unless", 1, true),
    ("with", 1, true),
    ("each", 1, true),
];

/// The first call of a helper of `arity` (runner's: its name and how many values it takes)
/// or of handlebars' own given other than the values it takes (none: [`bare_helper`]'s), or
/// a named argument it does not take: handlebars would pass over the rest without a word,
/// or fail only when the step runs.
pub(super) fn wrong_arity(template: &Template, arity: &[(&str, usize)]) -> Option<WrongArity> {
    first_call(template, &|helper| {
        let name = called(helper)?;
        let (takes, named_allowed) = arity
            .iter()
            .find(|(helper, _)| *helper == name)
            .map(|(_, takes)| (*takes, false))
            .or_else(|| {
                BUILT_IN_ARITY
                    .iter()
                    .find(|(helper, _, _)| *helper == name)
                    .map(|(_, takes, named)| (*takes, *named))
            })
            .or_else(|| {
                (name.starts_with('$') && super::dynamic::patterns(&name).is_some())
                    .then_some((0, false))
            })?;
        let given = helper.params.len();
        let named = !helper.hash.is_empty() && !named_allowed;
        let wrong_count = takes != ANY_NUMBER && (given > takes || (given > 0 && given < takes));
        (wrong_count || named).then_some(WrongArity {
            name,
            takes,
            given,
            named,
        })
    })
}

/// The name a helper call calls, when it is a plain name.
fn called(helper: &HelperTemplate) -> Option<String> {
    match &helper.name {
        Parameter::Name(name) => Some(name.clone()),
        other => named_path(other).and_then(|path| match path.as_slice() {
            [name] => Some(name.clone()),
            _ => None,
        }),
    }
}

/// What `check` finds first among the template's helper calls, the calls inside their
/// values (`{{json (base64 x)}}`) and inside their blocks included.
fn first_call<T>(template: &Template, check: &dyn Fn(&HelperTemplate) -> Option<T>) -> Option<T> {
    first_in(template, check, &|_| None)
}

/// [`first_call`], with `other` asked of every element that is not a helper call (a
/// partial, a decorator), at every depth.
fn first_in<T>(
    template: &Template,
    check: &dyn Fn(&HelperTemplate) -> Option<T>,
    other: &dyn Fn(&TemplateElement) -> Option<T>,
) -> Option<T> {
    template.elements.iter().find_map(|element| match element {
        TemplateElement::Expression(helper)
        | TemplateElement::HtmlExpression(helper)
        | TemplateElement::HelperBlock(helper) => first_in_call(helper, check, other),
        element => other(element),
    })
}

fn first_in_call<T>(
    helper: &HelperTemplate,
    check: &dyn Fn(&HelperTemplate) -> Option<T>,
    other: &dyn Fn(&TemplateElement) -> Option<T>,
) -> Option<T> {
    check(helper)
        .or_else(|| {
            helper
                .params
                .iter()
                .chain(helper.hash.values())
                .find_map(|parameter| match parameter {
                    Parameter::Subexpression(sub) => match sub.element.as_ref() {
                        TemplateElement::Expression(inner) => first_in_call(inner, check, other),
                        _ => None,
                    },
                    _ => None,
                })
        })
        .or_else(|| {
            helper
                .template
                .as_ref()
                .and_then(|inner| first_in(inner, check, other))
        })
        .or_else(|| {
            helper
                .inverse
                .as_ref()
                .and_then(|inverse| first_in(inverse, check, other))
        })
}

/// `Some(pieces)` when the template is only text and `{{a.b}}` variables (no helper, block,
/// partial, comment, `@` or `../` path): it can then be written out without handlebars.
pub(super) fn plain_pieces(template: &Template, helpers: &[&str]) -> Option<Vec<Piece>> {
    template
        .elements
        .iter()
        .map(|element| match element {
            TemplateElement::RawString(text) => Some(Piece::Text(text.clone())),
            TemplateElement::Expression(expression) => {
                if !expression.params.is_empty() || !expression.hash.is_empty() || expression.block
                {
                    return None;
                }
                let path = named_path(&expression.name)?;
                let Parameter::Path(Path::Relative((_, written))) = &expression.name else {
                    return None;
                };
                if path.is_empty() || (path.len() == 1 && names_helper(&path[0], helpers)) {
                    return None;
                }
                Some(Piece::Variable(path, written.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Every variable the template reads, as dotted paths, in order of appearance, once each.
pub(super) fn collect(template: &Template, helpers: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    walk_template(template, helpers, &mut found);
    found
}

fn walk_template(template: &Template, helpers: &[&str], found: &mut Vec<String>) {
    for element in &template.elements {
        match element {
            TemplateElement::Expression(helper)
            | TemplateElement::HtmlExpression(helper)
            | TemplateElement::HelperBlock(helper) => walk_helper(helper, helpers, found),
            _ => {}
        }
    }
}

fn walk_helper(helper: &HelperTemplate, helpers: &[&str], found: &mut Vec<String>) {
    let is_call = !helper.params.is_empty() || !helper.hash.is_empty() || helper.block;
    match &helper.name {
        Parameter::Name(_) => {}
        name => {
            if let Some(path) = named_path(name) {
                let is_helper = path.len() == 1 && names_helper(&path[0], helpers);
                if !is_call && !is_helper {
                    push(found, path.join("."));
                }
            }
        }
    }
    for parameter in helper.params.iter().chain(helper.hash.values()) {
        walk_parameter(parameter, helpers, found);
    }
    // Inside blocks (`#each`) paths may be relative to `this`; only the outer scope is
    // checked, which is where every variable of a collection lives.
    if let Some(inner) = &helper.template {
        if !matches!(&helper.name, Parameter::Name(n) if n == "each" || n == "with") {
            walk_template(inner, helpers, found);
        }
    }
    if let Some(inverse) = &helper.inverse {
        walk_template(inverse, helpers, found);
    }
}

fn walk_parameter(parameter: &Parameter, helpers: &[&str], found: &mut Vec<String>) {
    match parameter {
        Parameter::Path(_) => {
            if let Some(path) = named_path(parameter) {
                push(found, path.join("."));
            }
        }
        Parameter::Subexpression(sub) => {
            if let TemplateElement::Expression(helper) = sub.element.as_ref() {
                walk_helper(helper, helpers, found);
            }
        }
        _ => {}
    }
}

fn named_path(parameter: &Parameter) -> Option<Vec<String>> {
    let Parameter::Path(Path::Relative((segments, _))) = parameter else {
        return None;
    };
    segments
        .iter()
        .map(|segment| match segment {
            PathSeg::Named(name) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

fn push(found: &mut Vec<String>, path: String) {
    if !found.contains(&path) {
        found.push(path);
    }
}

/// What a template asks for that runner's templates do not have.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unsupported {
    /// `{{upper name}}`, `{{#loop items}}`: a helper that is neither runner's nor handlebars'.
    Helper(String),
    /// `{{> header}}`: runner registers no partials.
    Partial,
    /// `{{* inline}}`: decorators.
    Decorator,
}

/// The first thing in `template` that would fail however the variables are set: a call of a
/// helper that does not exist, a partial, a decorator. Found when the collection is loaded, so
/// that a run does not stop at that step after sending the ones before it.
pub(super) fn unsupported(template: &Template, helpers: &[&str]) -> Option<Unsupported> {
    let call = |helper: &HelperTemplate| {
        let is_call = !helper.params.is_empty() || !helper.hash.is_empty() || helper.block;
        if !is_call {
            return None;
        }
        match called(helper) {
            Some(name) if !names_helper(&name, helpers) => Some(Unsupported::Helper(name)),
            // `{{a.b c}}`, `{{@index x}}`: a path called as a helper.
            None => Some(Unsupported::Helper(parameter_text(&helper.name))),
            Some(_) => None,
        }
    };
    first_in(template, &call, &|element| match element {
        TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
            Some(Unsupported::Partial)
        }
        TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => {
            Some(Unsupported::Decorator)
        }
        _ => None,
    })
}

/// A helper's name as written.
fn parameter_text(parameter: &Parameter) -> String {
    match parameter {
        Parameter::Name(name) => name.clone(),
        Parameter::Path(Path::Relative((_, written))) => written.clone(),
        Parameter::Path(Path::Local((_, _, written))) => written.clone(),
        Parameter::Literal(value) => value.to_string(),
        _ => "(…)".to_owned(),
    }
}
