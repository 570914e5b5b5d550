//! Postman test and pre-request scripts, parsed with a real JavaScript parser (oxc), with
//! their common patterns turned into declarative `capture` and `expect`:
//! `pm.environment.set("x", pm.response.json().a.b)`, `pm.response.to.have.status(200)`,
//! `pm.expect(x).to.eql(...)`, `tests["..."] = responseCode.code === 200`, and so on.
//!
//! Each statement is translated whole or not at all: what is not (`pm.sendRequest`,
//! `postman.setNextRequest`, `require`, any other logic) comes back as a [`Leftover`] with
//! its line and the reason, for the YAML comment and the report.

use std::collections::HashMap;

use indexmap::IndexMap;
use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrayExpressionElement, AssignmentExpression, AssignmentOperator, AssignmentTarget,
    BinaryOperator, BindingPatternKind, CallExpression, Expression, LogicalOperator,
    ObjectPropertyKind, PropertyKey, Statement, UnaryOperator,
};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};
use serde_json::Value;

use crate::postman::{is_runner_expect, RUNNER_EXPECT_NAME};

/// Which script this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// Runs after the response: tests and variable setting.
    Test,
    /// Runs before the request.
    PreRequest,
}

impl ScriptKind {
    /// How the report names it.
    pub fn label(self) -> &'static str {
        match self {
            ScriptKind::Test => "test script",
            ScriptKind::PreRequest => "pre-request script",
        }
    }
}

/// What a script became.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Translation {
    /// Expectations on the response.
    pub expect: Expectations,
    /// Captures, by Postman variable name, in order.
    pub captures: IndexMap<String, Capture>,
    /// Variables a pre-request script sets to a value known before the request (a literal,
    /// another variable, a timestamp, a UUID), by Postman name: text in Postman's syntax
    /// (`{{other}}`, `{{$timestamp}}`), or a number or boolean.
    pub vars: IndexMap<String, Value>,
    /// Statements that were not translated.
    pub leftovers: Vec<Leftover>,
    /// A capture was guarded (`if (json.id) { ... }`): runner's capture fails the step where
    /// Postman's guard skipped it.
    pub guarded: bool,
}

/// A statement that was not translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Its first line in the script (1-based).
    pub line: usize,
    /// Its source text.
    pub code: String,
    /// Why it was not translated.
    pub reason: String,
    /// `false` when dropping it changes nothing a run checks (`console.log`).
    pub lossy: bool,
}

/// Expectations gathered from a script.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expectations {
    /// `200`, `[200, 201]` or `"2xx"`.
    pub status: Option<Value>,
    /// Header name → predicate.
    pub headers: IndexMap<String, Predicate>,
    /// JSONPath → predicate.
    pub jsonpath: IndexMap<String, Predicate>,
    /// Predicate on the body text.
    pub body: Option<Predicate>,
    /// A JSON Schema the body must satisfy.
    pub schema: Option<Value>,
    /// Predicate on the response time (operands like `200ms`).
    pub duration: Option<Predicate>,
}

impl Expectations {
    /// Whether nothing is expected.
    pub fn is_empty(&self) -> bool {
        self == &Expectations::default()
    }

    /// Adds `other`'s expectations; each one that conflicts with what is there is left out
    /// and described in the returned list.
    pub fn merge(&mut self, other: &Expectations) -> Vec<String> {
        let mut conflicts = Vec::new();
        let mut note = |result: Result<(), String>| {
            if let Err(reason) = result {
                conflicts.push(reason);
            }
        };
        if let Some(status) = &other.status {
            note(merge_status(&mut self.status, status));
        }
        for (name, predicate) in &other.headers {
            note(
                self.headers
                    .entry(name.clone())
                    .or_default()
                    .merge(predicate),
            );
        }
        for (path, predicate) in &other.jsonpath {
            note(
                self.jsonpath
                    .entry(path.clone())
                    .or_default()
                    .merge(predicate),
            );
        }
        if let Some(body) = &other.body {
            note(self.body.get_or_insert_with(Predicate::default).merge(body));
        }
        if let Some(schema) = &other.schema {
            note(set_once(&mut self.schema, schema.clone(), "JSON Schema"));
        }
        if let Some(duration) = &other.duration {
            note(
                self.duration
                    .get_or_insert_with(Predicate::default)
                    .merge(duration),
            );
        }
        conflicts
    }
}

/// Two status checks: one within the other (`200` and `"2xx"`, `"2xx"` and `success`) is the
/// narrower, which implies both; anything else must be equal.
fn merge_status(slot: &mut Option<Value>, status: &Value) -> Result<(), String> {
    // The codes a check accepts, when they are one range.
    let range = |value: &Value| match value {
        Value::Number(code) => code.as_u64().map(|code| (code, code)),
        Value::String(text) if text == "success" => Some((200, 399)),
        Value::String(text) if text.len() == 3 && text.ends_with("xx") => text[..1]
            .parse::<u64>()
            .ok()
            .map(|class| (class * 100, class * 100 + 99)),
        _ => None,
    };
    match (slot.as_ref().and_then(range), range(status)) {
        (Some((low, high)), Some((new_low, new_high))) if low <= new_low && new_high <= high => {
            *slot = Some(status.clone());
            Ok(())
        }
        (Some((low, high)), Some((new_low, new_high))) if new_low <= low && high <= new_high => {
            Ok(())
        }
        _ => set_once(slot, status.clone(), "status"),
    }
}

fn set_once(slot: &mut Option<Value>, value: Value, what: &str) -> Result<(), String> {
    match slot {
        Some(existing) if *existing != value => Err(format!(
            "a second, different {what} check: runner checks one"
        )),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// A predicate: operator → operand (`equals` alone is written as the bare value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Predicate(pub IndexMap<String, Value>);

impl Predicate {
    fn add(&mut self, operator: &str, operand: Value) -> Result<(), String> {
        match self.0.get(operator) {
            Some(existing) if *existing == operand => Ok(()),
            Some(Value::Object(existing)) if operator == "length" => {
                let Value::Object(new) = operand else {
                    return Err(CONFLICT.into());
                };
                let mut merged = existing.clone();
                for (key, value) in new {
                    match merged.get(&key) {
                        Some(old) if *old != value => return Err(CONFLICT.into()),
                        _ => {
                            merged.insert(key, value);
                        }
                    }
                }
                self.0.insert(operator.to_owned(), Value::Object(merged));
                Ok(())
            }
            Some(_) => Err(CONFLICT.into()),
            None => {
                self.0.insert(operator.to_owned(), operand);
                Ok(())
            }
        }
    }

    fn merge(&mut self, other: &Predicate) -> Result<(), String> {
        for (operator, operand) in &other.0 {
            self.add(operator, operand.clone())?;
        }
        Ok(())
    }
}

const CONFLICT: &str = "a second, different check of the same value";

/// Where a captured value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureSource {
    /// A JSONPath into the body.
    JsonPath(String),
    /// A response header.
    Header(String),
    /// The status code.
    Status,
    /// The body text.
    Body,
    /// The response time.
    Duration,
}

/// A capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// Where from.
    pub source: CaptureSource,
}

/// The deepest nesting of brackets a script may have to be translated (docs/limits.md): the
/// parser descends once per level, and a script nesting thousands of levels would exhaust
/// the stack.
pub const MAX_SCRIPT_NESTING: usize = 128;

/// Translates one script.
pub fn translate(source: &str, kind: ScriptKind) -> Translation {
    if nesting(source) > MAX_SCRIPT_NESTING {
        let mut out = Translation::default();
        out.leftovers.push(Leftover {
            line: 1,
            code: source.trim_end().to_owned(),
            reason: format!(
                "the script nests brackets more than {MAX_SCRIPT_NESTING} levels deep: nothing of it is translated"
            ),
            lossy: true,
        });
        return out;
    }
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::cjs()).parse();
    let mut translator = Translator {
        source,
        kind,
        aliases: HashMap::new(),
        out: Translation::default(),
    };
    if let Some(error) = parsed.errors.first() {
        translator.out.leftovers.push(Leftover {
            line: 1,
            code: source.trim_end().to_owned(),
            reason: format!(
                "the script is not valid JavaScript ({error}): nothing of it is translated"
            ),
            lossy: true,
        });
        return translator.out;
    }
    translator.statements(&parsed.program.body);
    translator.out
}

/// The deepest nesting of `(`, `[` and `{` in `source`, outside strings and comments; an
/// overestimate where a regular expression literal holds brackets, never an underestimate.
fn nesting(source: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '\'' | '"' | '`' => {
                while let Some(next) = chars.next() {
                    match next {
                        '\\' => {
                            chars.next();
                        }
                        _ if next == c => break,
                        // In a template literal, `${...}` holds code: count its brackets.
                        '(' | '[' | '{' if c == '`' => {
                            depth += 1;
                            deepest = deepest.max(depth);
                        }
                        ')' | ']' | '}' if c == '`' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut star = false;
                for next in chars.by_ref() {
                    if star && next == '/' {
                        break;
                    }
                    star = next == '*';
                }
            }
            _ => {}
        }
    }
    deepest
}

/// The value a script variable holds, as far as the translation follows it.
#[derive(Debug, Clone)]
enum Alias {
    Subject(Subject),
    Literal(Value),
    /// `var user = json.user || {}`: the value at the path, or an empty object where it is
    /// missing. Only its properties are followed (`user.email`, `user.hasOwnProperty("x")`),
    /// which read as missing either way; `user` itself is not (`{}` is not a missing value).
    Fallback(Vec<Segment>),
    /// `var ok = pm.response.code === 200`: a check, for `tests["..."] = ok` and `if (ok)`.
    Check(Subject, &'static str, Value),
}

/// Something of the response a script looks at.
#[derive(Debug, Clone, PartialEq)]
enum Subject {
    /// `pm.response` itself (for `pm.response.to.have...`).
    Response,
    Json(Vec<Segment>),
    JsonLength(Vec<Segment>),
    Status,
    Duration,
    Body,
    Header(String),
    /// `tv4.validate(body, schema)`.
    SchemaValid(Value),
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Name(String),
    Index(u64),
    /// Every element (inside `forEach`): `[*]`.
    Each,
}

/// The JSONPath of a JavaScript property path from the body's root.
fn json_path(segments: &[Segment]) -> String {
    let mut path = String::from("$");
    for segment in segments {
        match segment {
            Segment::Name(name) => {
                let plain = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if plain {
                    path.push('.');
                    path.push_str(name);
                } else {
                    path.push_str("['");
                    path.push_str(&name.replace('\\', "\\\\").replace('\'', "\\'"));
                    path.push_str("']");
                }
            }
            Segment::Index(index) => path.push_str(&format!("[{index}]")),
            Segment::Each => path.push_str("[*]"),
        }
    }
    path
}

const SETTERS: &[&str] = &[
    "pm.environment.set",
    "pm.collectionVariables.set",
    "pm.globals.set",
    "pm.variables.set",
    "postman.setEnvironmentVariable",
    "postman.setGlobalVariable",
];

const GETTERS: &[&str] = &[
    "pm.environment.get",
    "pm.collectionVariables.get",
    "pm.globals.get",
    "pm.variables.get",
    "postman.getEnvironmentVariable",
    "postman.getGlobalVariable",
];

/// The names Postman's sandbox gives a script: an assignment to one is not a variable of the
/// script's own.
const SANDBOX_NAMES: &[&str] = &[
    "pm",
    "postman",
    "tests",
    "environment",
    "globals",
    "data",
    "iteration",
    "request",
    "responseBody",
    "responseCode",
    "responseHeaders",
    "responseTime",
    "responseCookies",
    "console",
    "undefined",
];

/// Chai words that carry no meaning of their own.
const FILLER: &[&str] = &[
    "to", "be", "been", "is", "that", "which", "and", "has", "have", "with", "at", "of", "same",
    "but", "does", "still", "deep", "also",
];

const LOGIC: &str = "logic the importer does not translate (runner runs no JavaScript)";

struct Translator<'s> {
    source: &'s str,
    kind: ScriptKind,
    aliases: HashMap<String, Alias>,
    out: Translation,
}

impl Translator<'_> {
    fn statements(&mut self, statements: &[Statement<'_>]) {
        for statement in statements {
            let before = (
                self.out.expect.clone(),
                self.out.captures.clone(),
                self.out.vars.clone(),
            );
            let result = match self.kind {
                ScriptKind::Test => self.statement(statement),
                ScriptKind::PreRequest => self.pre_request(statement),
            };
            if let Err(reason) = result {
                // A statement is translated whole or not at all.
                (self.out.expect, self.out.captures, self.out.vars) = before;
                self.leftover(statement.span(), reason);
            }
        }
    }

    fn leftover(&mut self, span: Span, reason: String) {
        let (start, end) = (span.start as usize, span.end as usize);
        let code = self.source.get(start..end).unwrap_or_default().to_owned();
        let line = self.source[..start.min(self.source.len())]
            .matches('\n')
            .count()
            + 1;
        let (reason, lossy) = classify(&code, reason);
        self.out.leftovers.push(Leftover {
            line,
            code,
            reason,
            lossy,
        });
    }

    fn statement(&mut self, statement: &Statement<'_>) -> Result<(), String> {
        match statement {
            Statement::EmptyStatement(_) => Ok(()),
            Statement::VariableDeclaration(declaration) => {
                for declarator in &declaration.declarations {
                    let Some(init) = &declarator.init else {
                        continue;
                    };
                    if let BindingPatternKind::ObjectPattern(pattern) = &declarator.id.kind {
                        // `const {url, headers: {host}} = pm.response.json()`.
                        let subject = self.subject(init).ok_or_else(|| {
                            "computes a value the importer cannot follow".to_owned()
                        })?;
                        self.destructure(pattern, subject)?;
                        continue;
                    }
                    let BindingPatternKind::BindingIdentifier(id) = &declarator.id.kind else {
                        return Err(LOGIC.into());
                    };
                    let alias = self
                        .alias(init)
                        .ok_or_else(|| "computes a value the importer cannot follow".to_owned())?;
                    self.aliases.insert(id.name.to_string(), alias);
                }
                Ok(())
            }
            Statement::ExpressionStatement(statement) => self.expression(&statement.expression),
            Statement::IfStatement(statement) => self.conditional(statement),
            // The function `runner export postman` writes for runner's checks: its calls are
            // the checks; the function itself, as written, translates to nothing.
            Statement::FunctionDeclaration(function)
                if function
                    .id
                    .as_ref()
                    .is_some_and(|id| id.name == RUNNER_EXPECT_NAME)
                    && is_runner_expect(
                        self.source
                            .get(function.span.start as usize..function.span.end as usize)
                            .unwrap_or_default(),
                    ) =>
            {
                Ok(())
            }
            _ => Err(LOGIC.into()),
        }
    }

    /// `runnerExpect(subject, kind, { operator: operand, ... }, label, regex)`, as `runner
    /// export postman` writes runner's checks: the operators, as they are, on the subject.
    fn runner_expect(&mut self, call: &CallExpression<'_>) -> Result<(), String> {
        let argument = |index: usize| call.arguments.get(index).and_then(Argument::as_expression);
        let subject = argument(0)
            .and_then(|subject| self.subject(subject))
            .ok_or_else(|| {
                format!("`{RUNNER_EXPECT_NAME}` of a value the importer cannot follow")
            })?;
        let operators = argument(2)
            .and_then(|operators| self.literal(operators))
            .and_then(|operators| operators.as_object().cloned())
            .ok_or_else(|| {
                format!("`{RUNNER_EXPECT_NAME}` with operators that are not written out")
            })?;
        for (operator, operand) in operators {
            self.expect(subject.clone(), &operator, operand)?;
        }
        Ok(())
    }

    /// `{a, b: {c}, d: e}` bound to the parts of a JSON subject.
    fn destructure(
        &mut self,
        pattern: &oxc_ast::ast::ObjectPattern<'_>,
        subject: Subject,
    ) -> Result<(), String> {
        let Subject::Json(path) = subject else {
            return Err("destructures a value the importer cannot follow".into());
        };
        if pattern.rest.is_some() {
            return Err(LOGIC.into());
        }
        for property in &pattern.properties {
            let key = match &property.key {
                PropertyKey::StaticIdentifier(id) if !property.computed => id.name.to_string(),
                PropertyKey::StringLiteral(text) => text.value.to_string(),
                _ => return Err(LOGIC.into()),
            };
            let mut inner = path.clone();
            inner.push(Segment::Name(key));
            match &property.value.kind {
                BindingPatternKind::BindingIdentifier(id) => {
                    self.aliases
                        .insert(id.name.to_string(), Alias::Subject(Subject::Json(inner)));
                }
                BindingPatternKind::ObjectPattern(nested) => {
                    self.destructure(nested, Subject::Json(inner))?;
                }
                _ => return Err(LOGIC.into()),
            }
        }
        Ok(())
    }

    /// `items.forEach(function (item) { pm.expect(item.id).to.be.a("number") })` (also
    /// `_.each(items, ...)`): the body's assertions on every element, as `$.items[*]`
    /// JSONPaths. Captures inside are not translated (which element would be kept?).
    fn for_each(&mut self, call: &CallExpression<'_>) -> Result<(), String> {
        let (array, function) = match &call.callee {
            Expression::StaticMemberExpression(member) if member.property.name == "forEach" => {
                (Some(&member.object), call.arguments.first())
            }
            callee if matches!(dotted(callee).as_deref(), Some("_.each" | "_.forEach")) => (
                call.arguments.first().and_then(Argument::as_expression),
                call.arguments.get(1),
            ),
            _ => return Err(LOGIC.into()),
        };
        let Some(Subject::Json(mut path)) = array.and_then(|a| self.subject(a)) else {
            return Err("loops over a value the importer cannot follow".into());
        };
        path.push(Segment::Each);
        let (params, body) = match function {
            Some(Argument::FunctionExpression(function)) => {
                (&function.params, function.body.as_ref())
            }
            Some(Argument::ArrowFunctionExpression(arrow)) => (&arrow.params, Some(&arrow.body)),
            _ => return Err("loops with a function the importer cannot read".into()),
        };
        let body = body.ok_or_else(|| "loops with a function without a body".to_owned())?;
        let Some(BindingPatternKind::BindingIdentifier(item)) =
            params.items.first().map(|p| &p.pattern.kind)
        else {
            return Err(LOGIC.into());
        };
        if params.items.len() > 1 || params.rest.is_some() || body.statements.is_empty() {
            return Err(LOGIC.into());
        }
        let name = item.name.to_string();
        let shadowed = self
            .aliases
            .insert(name.clone(), Alias::Subject(Subject::Json(path)));
        let captures = self.out.captures.len();
        let leftovers = self.out.leftovers.len();
        // Every statement of the loop must be an assertion: the loop is translated whole.
        let mut result = Ok(());
        for statement in &body.statements {
            result = self.statement(statement);
            if result.is_err() {
                break;
            }
        }
        match shadowed {
            Some(alias) => self.aliases.insert(name, alias),
            None => self.aliases.remove(&name),
        };
        if self.out.leftovers.len() != leftovers {
            // The loop is left whole: what its body left goes with it.
            self.out.leftovers.truncate(leftovers);
            return Err("a loop whose body is not only assertions".into());
        }
        if self.out.captures.len() != captures {
            return Err("sets variables inside a loop: not translated".into());
        }
        result
    }

    /// What a script variable is set to (`var x = ...`, `x = ...`): a part of the response, a
    /// literal, a part of the response or `{}` (`json.user || {}`), or a check.
    fn alias(&self, init: &Expression<'_>) -> Option<Alias> {
        if let Some(subject) = self.subject(init) {
            return Some(Alias::Subject(subject));
        }
        if let Some(value) = self.literal(init) {
            return Some(Alias::Literal(value));
        }
        match init.without_parentheses() {
            Expression::LogicalExpression(logical) if logical.operator == LogicalOperator::Or => {
                let empty = match logical.right.without_parentheses() {
                    Expression::ObjectExpression(object) => object.properties.is_empty(),
                    Expression::ArrayExpression(array) => array.elements.is_empty(),
                    _ => false,
                };
                match self.object(&logical.left) {
                    Some(path) if empty => Some(Alias::Fallback(path)),
                    _ => None,
                }
            }
            Expression::BinaryExpression(binary) => {
                let (subject, operator, operand) = self.comparison(binary).ok()?;
                Some(Alias::Check(subject, operator, operand))
            }
            _ => None,
        }
    }

    /// The JSON path of a value whose properties a script reads: a JSON subject, or a
    /// [`Alias::Fallback`].
    fn object(&self, expression: &Expression<'_>) -> Option<Vec<Segment>> {
        if let Some(path) = self.fallback(expression) {
            return Some(path);
        }
        match self.subject(expression)? {
            Subject::Json(path) => Some(path),
            _ => None,
        }
    }

    /// The status code an `if` tests for (`pm.response.code === 200`, or a variable set to
    /// that check).
    fn status_test(&self, test: &Expression<'_>) -> Option<Value> {
        let check = match test.without_parentheses() {
            Expression::Identifier(id) => match self.aliases.get(id.name.as_str())? {
                Alias::Check(subject, operator, operand) => {
                    (subject.clone(), *operator, operand.clone())
                }
                _ => return None,
            },
            Expression::BinaryExpression(binary) => self.comparison(binary).ok()?,
            _ => return None,
        };
        match check {
            (Subject::Status, "equals", code @ Value::Number(_)) => Some(code),
            _ => None,
        }
    }

    /// An `if` statement of a test script:
    /// - on the status the script has already checked (`tests["200"] = is200; if (is200) {
    ///   ... }`): the statements inside, each translated on its own — where the status
    ///   differs, the step fails on the status check, as the script's test does;
    /// - on variables only, not on the response (`if (!environment.isIntegrationTest) {
    ///   ... }`): the statements inside, each on its own, and the condition not translated
    ///   (reported): runner checks them whatever the variables hold;
    /// - else a guarded capture ([`Self::guarded`]).
    fn conditional(&mut self, statement: &oxc_ast::ast::IfStatement<'_>) -> Result<(), String> {
        if statement.alternate.is_some() {
            return Err(LOGIC.into());
        }
        let body: Vec<&Statement<'_>> = match &statement.consequent {
            Statement::BlockStatement(block) => block.body.iter().collect(),
            other => vec![other],
        };
        if let Some(code) = self.status_test(&statement.test) {
            if self.out.expect.status.as_ref() == Some(&code) {
                self.each(&body);
                return Ok(());
            }
        }
        if let Some(names) = self.variable_condition(&statement.test) {
            let head_end = match &statement.consequent {
                Statement::BlockStatement(block) => block.span.start + 1,
                other => other.span().start,
            };
            let names = names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.leftover(
                Span::new(statement.span.start, head_end),
                format!(
                    "a condition on {names}, not on the response: runner cannot make checks depend \
                     on a variable, so the statements inside are translated and checked whatever \
                     {names} hold{}, where Postman checks them only when the condition holds",
                    if names.contains(',') { "" } else { "s" }
                ),
            );
            self.each(&body);
            return Ok(());
        }
        self.guarded(statement)
    }

    /// Translates `statements` each on its own, as [`Self::statements`] does.
    fn each(&mut self, statements: &[&Statement<'_>]) {
        for statement in statements {
            let before = (
                self.out.expect.clone(),
                self.out.captures.clone(),
                self.out.vars.clone(),
            );
            if let Err(reason) = self.statement(statement) {
                (self.out.expect, self.out.captures, self.out.vars) = before;
                self.leftover(statement.span(), reason);
            }
        }
    }

    /// The variables a condition reads, when it reads nothing else: `environment.flag`,
    /// `pm.environment.get("flag")` (and the other getters), literals, `!`, `&&`, `||`,
    /// comparisons. `None` when it reads the response or anything else.
    fn variable_condition(&self, test: &Expression<'_>) -> Option<Vec<String>> {
        let mut names = Vec::new();
        self.variables_read(test, &mut names)?;
        (!names.is_empty()).then_some(names)
    }

    fn variables_read(&self, expression: &Expression<'_>, names: &mut Vec<String>) -> Option<()> {
        let mut add = |name: String| {
            if !names.contains(&name) {
                names.push(name);
            }
        };
        match expression.without_parentheses() {
            Expression::UnaryExpression(unary) if unary.operator == UnaryOperator::LogicalNot => {
                self.variables_read(&unary.argument, names)
            }
            Expression::LogicalExpression(logical) => {
                self.variables_read(&logical.left, names)?;
                self.variables_read(&logical.right, names)
            }
            Expression::BinaryExpression(binary)
                if matches!(
                    binary.operator,
                    BinaryOperator::StrictEquality
                        | BinaryOperator::Equality
                        | BinaryOperator::StrictInequality
                        | BinaryOperator::Inequality
                ) =>
            {
                for side in [&binary.left, &binary.right] {
                    // A literal operand (a getter reads as `"{{name}}"`: followed below).
                    let fixed = self
                        .literal(side)
                        .is_some_and(|value| !value.as_str().is_some_and(|t| t.contains("{{")));
                    if !fixed {
                        self.variables_read(side, names)?;
                    }
                }
                Some(())
            }
            Expression::CallExpression(call)
                if dotted(&call.callee).is_some_and(|c| {
                    GETTERS.contains(&c.as_str()) || c == "pm.iterationData.get"
                }) =>
            {
                let name = self.argument_literal(call, 0)?;
                add(name.as_str()?.to_owned());
                Some(())
            }
            other => {
                // The legacy sandbox's `environment.flag`, `globals.flag` (unless the script
                // names a variable of its own so).
                let path = dotted(other)?;
                let (scope, name) = path.split_once('.')?;
                if matches!(scope, "environment" | "globals")
                    && !self.aliases.contains_key(scope)
                    && !name.contains('.')
                {
                    add(name.to_owned());
                    Some(())
                } else {
                    None
                }
            }
        }
    }

    /// `if (json.id) { pm.environment.set("id", json.id) }`: a capture guarded by the value
    /// it captures, or by the status (a guard with no `else`, holding only captures). runner
    /// captures unguarded: a capture that finds nothing fails the step, which the report notes.
    fn guarded(&mut self, statement: &oxc_ast::ast::IfStatement<'_>) -> Result<(), String> {
        if statement.alternate.is_some() {
            return Err(LOGIC.into());
        }
        let guard_ok = match statement.test.without_parentheses() {
            Expression::LogicalExpression(_) => false,
            // `if (tests["has a token"]) { ...set... }`: guarded by a check of the script.
            Expression::ComputedMemberExpression(member)
                if member.object.is_specific_id("tests") =>
            {
                true
            }
            test => {
                self.subject(test).is_some()
                    || {
                        matches!(test, Expression::BinaryExpression(binary)
                    if self.subject(&binary.left) == Some(Subject::Status)
                        && matches!(binary.operator, BinaryOperator::StrictEquality | BinaryOperator::Equality))
                    }
            }
        };
        if !guard_ok {
            return Err(LOGIC.into());
        }
        let body: Vec<&Statement<'_>> = match &statement.consequent {
            Statement::BlockStatement(block) => block.body.iter().collect(),
            other => vec![other],
        };
        let captures = self.out.captures.len();
        for inner in &body {
            let Statement::ExpressionStatement(expression) = inner else {
                return Err(LOGIC.into());
            };
            let Expression::CallExpression(call) = expression.expression.without_parentheses()
            else {
                return Err(LOGIC.into());
            };
            if !dotted(&call.callee).is_some_and(|c| SETTERS.contains(&c.as_str())) {
                return Err(LOGIC.into());
            }
            self.capture(call)?;
        }
        if self.out.captures.len() == captures {
            return Err(LOGIC.into());
        }
        self.out.guarded = true;
        Ok(())
    }

    /// A pre-request statement: setting a variable to a value known before the request, or
    /// naming such a value.
    fn pre_request(&mut self, statement: &Statement<'_>) -> Result<(), String> {
        const PRE: &str = "runs before the request: runner runs no JavaScript; set the value in \
                           `vars`, with --var, or capture it in an earlier step";
        match statement {
            Statement::EmptyStatement(_) => Ok(()),
            Statement::VariableDeclaration(declaration) => {
                for declarator in &declaration.declarations {
                    let BindingPatternKind::BindingIdentifier(id) = &declarator.id.kind else {
                        return Err(PRE.into());
                    };
                    let Some(value) = declarator.init.as_ref().and_then(|e| self.pre_value(e))
                    else {
                        return Err(PRE.into());
                    };
                    self.aliases
                        .insert(id.name.to_string(), Alias::Literal(value));
                }
                Ok(())
            }
            Statement::ExpressionStatement(statement) => {
                let Expression::CallExpression(call) = statement.expression.without_parentheses()
                else {
                    return Err(PRE.into());
                };
                if !dotted(&call.callee).is_some_and(|c| SETTERS.contains(&c.as_str())) {
                    return Err(PRE.into());
                }
                let name = self
                    .argument_literal(call, 0)
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .ok_or_else(|| "sets a variable whose name is computed".to_owned())?;
                let value = call
                    .arguments
                    .get(1)
                    .and_then(Argument::as_expression)
                    .and_then(|e| self.pre_value(e))
                    .ok_or_else(|| {
                        "sets a variable to a value computed in JavaScript: runner runs none; \
                         set it in `vars` (helpers: uuid, now, timestamp) or with --var"
                            .to_owned()
                    })?;
                if value.is_object() || value.is_array() || value.is_null() {
                    return Err(
                        "sets a variable to a structure or null: define it in `vars`".into(),
                    );
                }
                self.out.vars.shift_remove(&name);
                self.out.vars.insert(name, value);
                Ok(())
            }
            _ => Err(PRE.into()),
        }
    }

    /// A value known before the request: a literal, another variable, a timestamp, a UUID,
    /// or text joined from those; in Postman's template syntax.
    fn pre_value(&self, expression: &Expression<'_>) -> Option<Value> {
        if let Some(value) = self.literal(expression) {
            return Some(value);
        }
        let text = |value: Value| match value {
            Value::String(text) => Some(text),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match expression.without_parentheses() {
            Expression::BinaryExpression(binary) if binary.operator == BinaryOperator::Addition => {
                let left = self.pre_value(&binary.left)?;
                let right = self.pre_value(&binary.right)?;
                // `+` adds numbers and joins anything else.
                if left.is_number() && right.is_number() {
                    return None;
                }
                Some(Value::String(text(left)? + &text(right)?))
            }
            Expression::TemplateLiteral(template) => {
                let mut out = String::new();
                for (index, quasi) in template.quasis.iter().enumerate() {
                    out.push_str(quasi.value.cooked.as_deref()?);
                    if let Some(expression) = template.expressions.get(index) {
                        out.push_str(&text(self.pre_value(expression)?)?);
                    }
                }
                Some(Value::String(out))
            }
            Expression::CallExpression(call) => {
                let callee = dotted(&call.callee);
                let helper = match callee.as_deref() {
                    Some("uuid.v4" | "crypto.randomUUID") if call.arguments.is_empty() => "$guid",
                    Some("pm.variables.replaceIn") => {
                        return self.argument_literal(call, 0).filter(Value::is_string)
                    }
                    Some("Math.floor" | "Math.round" | "parseInt") => {
                        // `Math.floor(Date.now() / 1000)`: the Unix time in seconds.
                        let Some(Expression::BinaryExpression(division)) = call
                            .arguments
                            .first()
                            .and_then(Argument::as_expression)
                            .map(Expression::without_parentheses)
                        else {
                            return None;
                        };
                        let thousand = matches!(self.literal(&division.right), Some(Value::Number(n)) if n.as_u64() == Some(1000));
                        if division.operator != BinaryOperator::Division
                            || !thousand
                            || !is_now_ms(&division.left)
                        {
                            return None;
                        }
                        "$timestamp"
                    }
                    _ => {
                        // `new Date().toISOString()`, `require('uuid').v4()`.
                        let Expression::StaticMemberExpression(member) = &call.callee else {
                            return None;
                        };
                        match (
                            member.property.name.as_str(),
                            member.object.without_parentheses(),
                        ) {
                            ("toISOString", Expression::NewExpression(new))
                                if new.callee.is_specific_id("Date")
                                    && new.arguments.is_empty() =>
                            {
                                "$isoTimestamp"
                            }
                            ("v4", Expression::CallExpression(require))
                                if require.callee.is_specific_id("require")
                                    && self.argument_literal(require, 0)
                                        == Some(Value::from("uuid")) =>
                            {
                                "$guid"
                            }
                            _ => return None,
                        }
                    }
                };
                Some(Value::String(format!("{{{{{helper}}}}}")))
            }
            _ => None,
        }
    }

    fn expression(&mut self, expression: &Expression<'_>) -> Result<(), String> {
        match expression.without_parentheses() {
            Expression::CallExpression(call) => {
                let callee = dotted(&call.callee);
                match callee.as_deref() {
                    Some("pm.test") => self.test(call),
                    Some(RUNNER_EXPECT_NAME) => self.runner_expect(call),
                    Some("_.each" | "_.forEach") => self.for_each(call),
                    _ if matches!(&call.callee, Expression::StaticMemberExpression(m) if m.property.name == "forEach") => {
                        self.for_each(call)
                    }
                    Some(setter) if SETTERS.contains(&setter) => self.capture(call),
                    _ => self.assertion(expression.without_parentheses()),
                }
            }
            Expression::StaticMemberExpression(_) => {
                self.assertion(expression.without_parentheses())
            }
            Expression::AssignmentExpression(assignment) => match &assignment.left {
                // `article = json.articles[0]`: a script variable followed anew.
                // (or, undeclared, a global of the sandbox's: as `var` for the script).
                AssignmentTarget::AssignmentTargetIdentifier(id)
                    if assignment.operator == AssignmentOperator::Assign
                        && !SANDBOX_NAMES.contains(&id.name.as_str()) =>
                {
                    let alias = self
                        .alias(&assignment.right)
                        .ok_or_else(|| "computes a value the importer cannot follow".to_owned())?;
                    self.aliases.insert(id.name.to_string(), alias);
                    Ok(())
                }
                _ => self.legacy_test(assignment),
            },
            _ => Err(LOGIC.into()),
        }
    }

    /// `pm.test("name", function () { ... })`: the body's statements, each on its own.
    fn test(&mut self, call: &CallExpression<'_>) -> Result<(), String> {
        let body = match call.arguments.get(1) {
            Some(Argument::FunctionExpression(function)) => function.body.as_ref(),
            Some(Argument::ArrowFunctionExpression(arrow)) => Some(&arrow.body),
            _ => None,
        };
        let body = body.ok_or_else(|| "a test whose body is not a function literal".to_owned())?;
        self.statements(&body.statements);
        Ok(())
    }

    /// `pm.environment.set("name", <response value>)`.
    fn capture(&mut self, call: &CallExpression<'_>) -> Result<(), String> {
        let name = call
            .arguments
            .first()
            .and_then(Argument::as_expression)
            .and_then(|e| self.literal(e))
            .and_then(|v| v.as_str().map(str::to_owned))
            .ok_or_else(|| "sets a variable whose name is computed".to_owned())?;
        let value = call
            .arguments
            .get(1)
            .and_then(Argument::as_expression)
            .ok_or_else(|| "sets a variable to nothing".to_owned())?;
        let source = match self.subject(value) {
            Some(Subject::Json(path)) if path.contains(&Segment::Each) => {
                return Err("sets a variable from every element of a list".into())
            }
            Some(Subject::Json(path)) => CaptureSource::JsonPath(json_path(&path)),
            Some(Subject::Header(name)) => CaptureSource::Header(name),
            Some(Subject::Status) => CaptureSource::Status,
            Some(Subject::Body) => CaptureSource::Body,
            Some(Subject::Duration) => CaptureSource::Duration,
            Some(_) => return Err("sets a variable to a value the importer cannot capture".into()),
            None if self.literal(value).is_some() => return Err(
                "sets a variable to a fixed value, not one from the response: define it in `vars`"
                    .into(),
            ),
            None => {
                return Err("sets a variable to a value computed in JavaScript".into());
            }
        };
        self.out.captures.shift_remove(&name);
        self.out.captures.insert(name, Capture { source });
        Ok(())
    }

    /// `tests["name"] = <boolean expression>` (the legacy sandbox).
    fn legacy_test(&mut self, assignment: &AssignmentExpression<'_>) -> Result<(), String> {
        let is_tests = match &assignment.left {
            AssignmentTarget::ComputedMemberExpression(member) => {
                member.object.is_specific_id("tests")
            }
            AssignmentTarget::StaticMemberExpression(member) => {
                member.object.is_specific_id("tests")
            }
            _ => false,
        };
        if !is_tests || assignment.operator != AssignmentOperator::Assign {
            return Err(LOGIC.into());
        }
        self.boolean(&assignment.right)
    }

    fn boolean(&mut self, expression: &Expression<'_>) -> Result<(), String> {
        match expression.without_parentheses() {
            Expression::LogicalExpression(logical) if logical.operator == LogicalOperator::And => {
                self.boolean(&logical.left)?;
                self.boolean(&logical.right)
            }
            Expression::BinaryExpression(binary) => {
                let (subject, operator, operand) = self.comparison(binary)?;
                self.expect(subject, operator, operand)
            }
            Expression::Identifier(id) => match self.aliases.get(id.name.as_str()) {
                // `var ok = pm.response.code === 200; tests["200"] = ok`.
                Some(Alias::Check(subject, operator, operand)) => {
                    let (subject, operator, operand) =
                        (subject.clone(), *operator, operand.clone());
                    self.expect(subject, operator, operand)
                }
                _ => Err(LOGIC.into()),
            },
            Expression::CallExpression(call) if self.has_own_property(call).is_some() => {
                let path = self
                    .has_own_property(call)
                    .ok_or_else(|| LOGIC.to_owned())?;
                self.expect(Subject::Json(path), "exists", Value::Bool(true))
            }
            Expression::CallExpression(call)
                if dotted(&call.callee).as_deref() != Some("responseBody.has") =>
            {
                // `Number.isInteger(x)`, `Array.isArray(x)`, `/re/.test(x)`.
                let argument = call
                    .arguments
                    .first()
                    .and_then(Argument::as_expression)
                    .filter(|_| call.arguments.len() == 1)
                    .ok_or_else(|| LOGIC.to_owned())?;
                let type_check = match dotted(&call.callee).as_deref() {
                    Some("Number.isInteger") => Some("integer"),
                    Some("Array.isArray") => Some("array"),
                    _ => None,
                };
                if let Some(kind) = type_check {
                    let subject = self
                        .subject(argument)
                        .filter(|subject| matches!(subject, Subject::Json(_)))
                        .ok_or_else(|| "checks a value the importer cannot follow".to_owned())?;
                    return self.expect(subject, "type", Value::from(kind));
                }
                match &call.callee {
                    Expression::StaticMemberExpression(member)
                        if member.property.name == "test"
                            && matches!(
                                member.object.without_parentheses(),
                                Expression::RegExpLiteral(_)
                            ) =>
                    {
                        let subject = self
                            .subject(argument)
                            .filter(|subject| {
                                matches!(
                                    subject,
                                    Subject::Json(_) | Subject::Body | Subject::Header(_)
                                )
                            })
                            .ok_or_else(|| {
                                "matches a value the importer cannot follow".to_owned()
                            })?;
                        let regex = self.regex(Some(&member.object))?;
                        self.expect(subject, "matches", regex)
                    }
                    _ => Err(LOGIC.into()),
                }
            }
            Expression::CallExpression(call)
                if dotted(&call.callee).as_deref() == Some("responseBody.has") =>
            {
                let text = self
                    .argument_literal(call, 0)
                    .ok_or_else(|| "searches the body for a computed value".to_owned())?;
                self.expect(Subject::Body, "contains", text)
            }
            Expression::UnaryExpression(unary) if unary.operator == UnaryOperator::LogicalNot => {
                if let Expression::CallExpression(call) = unary.argument.without_parentheses() {
                    if let Some(path) = self.has_own_property(call) {
                        return self.expect(Subject::Json(path), "exists", Value::Bool(false));
                    }
                }
                match self.subject(&unary.argument) {
                    Some(subject @ Subject::Header(_)) => {
                        self.expect(subject, "exists", Value::Bool(false))
                    }
                    _ => Err(LOGIC.into()),
                }
            }
            other => match self.subject(other) {
                Some(subject @ Subject::Header(_)) => {
                    self.expect(subject, "exists", Value::Bool(true))
                }
                Some(subject @ Subject::SchemaValid(_)) => {
                    self.expect(subject, "equals", Value::Bool(true))
                }
                _ => Err(LOGIC.into()),
            },
        }
    }

    /// `x.hasOwnProperty("k")` of a JSON value (or a [`Alias::Fallback`]): the path of `x.k`.
    /// Present with any value, `null` too, as runner's `exists` is.
    fn has_own_property(&self, call: &CallExpression<'_>) -> Option<Vec<Segment>> {
        let Expression::StaticMemberExpression(member) = &call.callee else {
            return None;
        };
        if member.property.name != "hasOwnProperty" || call.arguments.len() != 1 {
            return None;
        }
        let mut path = self.object(&member.object)?;
        match self.argument_literal(call, 0)? {
            Value::String(key) => path.push(Segment::Name(key)),
            _ => return None,
        }
        Some(path)
    }

    /// A comparison of a part of the response with a literal: `(subject, operator, operand)`.
    /// `x !== undefined` is `exists: true` (JavaScript's `null` is not `undefined`; runner's
    /// `exists` holds for `null`), `x === undefined` is `exists: false`.
    fn comparison(
        &self,
        binary: &oxc_ast::ast::BinaryExpression<'_>,
    ) -> Result<(Subject, &'static str, Value), String> {
        let (subject, operand, flipped) =
            match (self.subject(&binary.left), self.subject(&binary.right)) {
                (Some(subject), None) => (subject, &binary.right, false),
                (None, Some(subject)) => (subject, &binary.left, true),
                _ => return Err("compares values the importer cannot follow".into()),
            };
        if operand.without_parentheses().is_specific_id("undefined")
            && !self.aliases.contains_key("undefined")
        {
            return match binary.operator {
                BinaryOperator::StrictEquality => Ok((subject, "exists", Value::Bool(false))),
                BinaryOperator::StrictInequality => Ok((subject, "exists", Value::Bool(true))),
                _ => Err("compares with `undefined` loosely (`==` holds for `null` too)".into()),
            };
        }
        let operand = self
            .literal(operand)
            .ok_or_else(|| "compares with a computed value".to_owned())?;
        let operator =
            match (binary.operator, flipped) {
                (BinaryOperator::StrictEquality | BinaryOperator::Equality, _) => "equals",
                (BinaryOperator::StrictInequality | BinaryOperator::Inequality, _) => "not_equals",
                (BinaryOperator::LessThan, false) | (BinaryOperator::GreaterThan, true) => "lt",
                (BinaryOperator::LessEqualThan, false)
                | (BinaryOperator::GreaterEqualThan, true) => "le",
                (BinaryOperator::GreaterThan, false) | (BinaryOperator::LessThan, true) => "gt",
                (BinaryOperator::GreaterEqualThan, false)
                | (BinaryOperator::LessEqualThan, true) => "ge",
                _ => return Err("an operator the importer does not translate".into()),
            };
        Ok((subject, operator, operand))
    }

    /// A chai assertion: `pm.expect(x).to.not.eql(1)`, `pm.response.to.have.status(200)`,
    /// `pm.expect(x).to.be.true`.
    fn assertion(&mut self, expression: &Expression<'_>) -> Result<(), String> {
        let (arguments, mut current) = match expression {
            Expression::CallExpression(call) => (Some(&call.arguments), &call.callee),
            other => (None, other),
        };
        let mut words = Vec::new();
        // `.property("a")` calls inside the chain (`.to.have.property("a").that.equals(1)`),
        // innermost last.
        let mut properties: Vec<String> = Vec::new();
        let subject = loop {
            match current {
                Expression::StaticMemberExpression(member) => {
                    words.push(member.property.name.as_str());
                    current = &member.object;
                }
                Expression::CallExpression(call) if matches!(&call.callee, Expression::StaticMemberExpression(m) if m.property.name == "property") =>
                {
                    let Expression::StaticMemberExpression(member) = &call.callee else {
                        return Err(LOGIC.into());
                    };
                    if call.arguments.len() != 1 || words.contains(&"not") {
                        return Err("a chai assertion the importer does not translate".into());
                    }
                    let key = self
                        .argument_literal(call, 0)
                        .and_then(|k| k.as_str().map(str::to_owned))
                        .ok_or_else(|| "`.property()` with a computed name".to_owned())?;
                    properties.push(key);
                    current = &member.object;
                }
                Expression::CallExpression(call)
                    if dotted(&call.callee).as_deref() == Some("pm.expect") =>
                {
                    let value = call
                        .arguments
                        .first()
                        .and_then(Argument::as_expression)
                        .ok_or_else(|| "`pm.expect()` of nothing".to_owned())?;
                    break self
                        .subject(value)
                        .ok_or_else(|| "checks a value the importer cannot follow".to_owned())?;
                }
                Expression::Identifier(id) if id.name == "pm" => {
                    if words.last() == Some(&"response") {
                        words.pop();
                        break Subject::Response;
                    }
                    return Err(LOGIC.into());
                }
                _ => return Err(LOGIC.into()),
            }
        };
        words.reverse();
        let subject = match subject {
            subject if properties.is_empty() => subject,
            Subject::Json(mut path) => {
                path.extend(properties.into_iter().rev().map(Segment::Name));
                Subject::Json(path)
            }
            _ => return Err("`.property()` of a value the importer cannot follow".into()),
        };
        let negated = words.contains(&"not");
        let meaningful: Vec<&str> = words
            .iter()
            .copied()
            .filter(|word| *word != "not" && !FILLER.contains(word))
            .collect();
        let [method] = meaningful.as_slice() else {
            return Err("a chai assertion the importer does not translate".into());
        };
        let arguments: Vec<&Expression<'_>> = arguments
            .map(|list| list.iter().filter_map(Argument::as_expression).collect())
            .unwrap_or_default();
        if subject == Subject::Response {
            return self.response_assertion(method, negated, &arguments);
        }
        let argument = |index: usize| -> Result<Value, String> {
            arguments
                .get(index)
                .and_then(|e| self.literal(e))
                .ok_or_else(|| format!("`.{method}()` with a computed value"))
        };
        if *method == "property" {
            // `.property("k")`: it exists; `.property("k", v)`: it equals v.
            let Subject::Json(mut path) = subject else {
                return Err("`.property()` of a value the importer cannot follow".into());
            };
            let key = argument(0)?;
            path.push(Segment::Name(
                key.as_str()
                    .ok_or_else(|| "`.property()` with a name that is not text".to_owned())?
                    .to_owned(),
            ));
            let (operator, operand) = match (arguments.len(), negated) {
                (1, negated) => ("exists", Value::Bool(!negated)),
                (2, false) => ("equals", argument(1)?),
                (2, true) => ("not_equals", argument(1)?),
                _ => return Err("`.property()` with more arguments".into()),
            };
            return self.expect(Subject::Json(path), operator, operand);
        }
        if (*method, negated) == ("within", false) {
            let (low, high) = (argument(0)?, argument(1)?);
            return match subject {
                Subject::Status => self.status_within(&low, &high),
                // Both bounds or neither: a bound that is not a number translates nothing.
                _ if !(low.is_number() && high.is_number()) => {
                    Err("`.within()` with a bound that is not a number".into())
                }
                Subject::Duration | Subject::Json(_) | Subject::JsonLength(_) => {
                    self.expect(subject.clone(), "ge", low)?;
                    self.expect(subject, "le", high)
                }
                _ => Err("`.within()` of a value runner does not compare by size".into()),
            };
        }
        let (operator, operand) = match (*method, negated) {
            ("eql" | "equal" | "equals" | "eq", false) => ("equals", argument(0)?),
            ("eql" | "equal" | "equals" | "eq", true) => ("not_equals", argument(0)?),
            ("include" | "includes" | "contain" | "contains" | "string", false) => {
                ("contains", argument(0)?)
            }
            ("include" | "includes" | "contain" | "contains" | "string", true) => {
                ("not_contains", argument(0)?)
            }
            ("a" | "an", _) => {
                let name = argument(0)?;
                let name = name.as_str().unwrap_or_default().to_ascii_lowercase();
                match (name.as_str(), negated) {
                    ("undefined", negated) => ("exists", Value::Bool(negated)),
                    ("string" | "number" | "boolean" | "array" | "object" | "null", false) => {
                        ("type", Value::String(name))
                    }
                    _ => return Err(format!("a type check (`{name}`) runner does not have")),
                }
            }
            ("below" | "lessThan" | "lt", false) => ("lt", argument(0)?),
            ("above" | "greaterThan" | "gt", false) => ("gt", argument(0)?),
            ("most" | "lte", false) => ("le", argument(0)?),
            ("least" | "gte", false) => ("ge", argument(0)?),
            ("oneOf", false) => ("one_of", argument(0)?),
            ("match", false) => ("matches", self.regex(arguments.first().copied())?),
            ("lengthOf" | "length", false) if !arguments.is_empty() => ("length", argument(0)?),
            ("exist" | "exists", negated) => ("exists", Value::Bool(!negated)),
            ("undefined", negated) => ("exists", Value::Bool(negated)),
            ("true", negated) => (
                if negated { "not_equals" } else { "equals" },
                Value::Bool(true),
            ),
            ("false", negated) => (
                if negated { "not_equals" } else { "equals" },
                Value::Bool(false),
            ),
            ("null", negated) => (if negated { "not_equals" } else { "equals" }, Value::Null),
            ("empty", negated) => ("empty", Value::Bool(!negated)),
            _ => {
                return Err(format!(
                    "the chai assertion `{}{method}` is not one the importer translates",
                    if negated { "not." } else { "" }
                ))
            }
        };
        self.expect(subject, operator, operand)
    }

    /// `pm.expect(pm.response.code).to.be.within(low, high)`: `success` for 200–399 (what
    /// `runner export postman` writes for a step that expects the default), a class for a
    /// whole hundred (`200, 299`: `2xx`), the codes of a range of ten or fewer.
    fn status_within(&mut self, low: &Value, high: &Value) -> Result<(), String> {
        let (Some(low), Some(high)) = (low.as_u64(), high.as_u64()) else {
            return Err("a status range whose bounds are not codes".into());
        };
        let status = match (low, high) {
            (200, 399) => Value::from("success"),
            (100..=900, _) if low % 100 == 0 && high == low + 99 => {
                Value::String(format!("{}xx", low / 100))
            }
            (100..=999, 100..=999) if low <= high && high - low < 10 => {
                Value::Array((low..=high).map(Value::from).collect())
            }
            _ => {
                return Err(format!(
                    "a status range ({low} to {high}) runner does not check: it checks a code, a list of codes, a class (`2xx`) or `success` (200 to 399)"
                ))
            }
        };
        merge_status(&mut self.out.expect.status, &status)
    }

    /// `pm.response.to.have.status(200)`, `.header("X")`, `.jsonSchema(schema)`, `.be.ok`, ...
    fn response_assertion(
        &mut self,
        method: &str,
        negated: bool,
        arguments: &[&Expression<'_>],
    ) -> Result<(), String> {
        let argument = |index: usize| arguments.get(index).and_then(|e| self.literal(e));
        let class = |class: &str| Ok::<_, String>(Value::String(class.to_owned()));
        let status = match (method, negated) {
            ("status", false) => match argument(0) {
                Some(code @ Value::Number(_)) => Ok(code),
                _ => Err("a status given by its reason phrase or a computed value".to_owned()),
            },
            ("ok", false) => Ok(Value::from(200)),
            ("success", false) => class("2xx"),
            ("info", false) => class("1xx"),
            ("redirection", false) => class("3xx"),
            ("clientError", false) => class("4xx"),
            ("serverError", false) => class("5xx"),
            ("header", _) => {
                let name = argument(0)
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .ok_or_else(|| "a header check with a computed name".to_owned())?;
                let subject = Subject::Header(name);
                return match (arguments.get(1), negated) {
                    (None, negated) => self.expect(subject, "exists", Value::Bool(!negated)),
                    (Some(_), false) => {
                        let value = argument(1)
                            .ok_or_else(|| "a header compared with a computed value".to_owned())?;
                        self.expect(subject, "equals", value)
                    }
                    (Some(_), true) => {
                        let value = argument(1)
                            .ok_or_else(|| "a header compared with a computed value".to_owned())?;
                        self.expect(subject, "not_equals", value)
                    }
                };
            }
            ("jsonSchema", false) => {
                let schema = argument(0).filter(Value::is_object).ok_or_else(|| {
                    "a JSON Schema the importer cannot read as a literal".to_owned()
                })?;
                return self.expect(Subject::SchemaValid(schema), "equals", Value::Bool(true));
            }
            ("body", false) => {
                let text = argument(0)
                    .ok_or_else(|| "a body compared with a computed value".to_owned())?;
                return self.expect(Subject::Body, "equals", text);
            }
            _ => {
                return Err(format!(
                    "`pm.response.to.{}{method}` is not an assertion the importer translates",
                    if negated { "not." } else { "" }
                ))
            }
        }?;
        merge_status(&mut self.out.expect.status, &status)
    }

    /// Records `subject operator operand` as an expectation.
    fn expect(&mut self, subject: Subject, operator: &str, operand: Value) -> Result<(), String> {
        let expect = &mut self.out.expect;
        match subject {
            Subject::Status => match (operator, &operand) {
                ("equals", Value::Number(_)) => merge_status(&mut expect.status, &operand),
                ("one_of", Value::Array(codes)) if codes.iter().all(Value::is_u64) => {
                    merge_status(&mut expect.status, &operand)
                }
                _ => Err(format!(
                    "a status check with `{operator}`: runner checks a code, a list of codes or a class"
                )),
            },
            Subject::Duration => match (operator, operand.as_f64()) {
                ("lt" | "le" | "gt" | "ge", Some(ms)) => expect
                    .duration
                    .get_or_insert_with(Predicate::default)
                    .add(operator, Value::String(format!("{ms}ms"))),
                _ => Err(format!("a response time check with `{operator}`")),
            },
            Subject::Header(name) => expect.headers.entry(name).or_default().add(operator, operand),
            Subject::Body => expect
                .body
                .get_or_insert_with(Predicate::default)
                .add(operator, operand),
            Subject::Json(path) => expect
                .jsonpath
                .entry(json_path(&path))
                .or_default()
                .add(operator, operand),
            Subject::JsonLength(path) => {
                let length = match operator {
                    "equals" => operand,
                    "lt" | "le" | "gt" | "ge" | "not_equals" => {
                        let mut map = serde_json::Map::new();
                        map.insert(operator.to_owned(), operand);
                        Value::Object(map)
                    }
                    _ => return Err(format!("a length check with `{operator}`")),
                };
                expect
                    .jsonpath
                    .entry(json_path(&path))
                    .or_default()
                    .add("length", length)
            }
            Subject::SchemaValid(schema) if operator == "equals" && operand == Value::Bool(true) => {
                set_once(&mut expect.schema, schema, "JSON Schema")
            }
            Subject::SchemaValid(_) | Subject::Response => Err(LOGIC.into()),
        }
    }

    /// What part of the response an expression is, if any.
    fn subject(&self, expression: &Expression<'_>) -> Option<Subject> {
        let expression = expression.without_parentheses();
        if let Some(path) = dotted(expression) {
            match path.as_str() {
                "pm.response.code" | "responseCode.code" => return Some(Subject::Status),
                "pm.response.responseTime" | "responseTime" => return Some(Subject::Duration),
                "responseBody" => return Some(Subject::Body),
                _ => {}
            }
        }
        match expression {
            Expression::Identifier(id) => match self.aliases.get(id.name.as_str()) {
                Some(Alias::Subject(subject)) => Some(subject.clone()),
                _ => None,
            },
            Expression::StaticMemberExpression(member) => {
                if member.object.is_specific_id("responseHeaders") {
                    return Some(Subject::Header(member.property.name.to_string()));
                }
                let base = match self.fallback(&member.object) {
                    Some(path) => Subject::Json(path),
                    None => self.subject(&member.object)?,
                };
                match base {
                    Subject::Json(path) if member.property.name == "length" => {
                        Some(Subject::JsonLength(path))
                    }
                    Subject::Json(mut path) => {
                        path.push(Segment::Name(member.property.name.to_string()));
                        Some(Subject::Json(path))
                    }
                    _ => None,
                }
            }
            Expression::ComputedMemberExpression(member) => {
                let key = self.literal(&member.expression)?;
                if member.object.is_specific_id("responseHeaders") {
                    return Some(Subject::Header(key.as_str()?.to_owned()));
                }
                let mut path = match self.fallback(&member.object) {
                    Some(path) => path,
                    None => match self.subject(&member.object)? {
                        Subject::Json(path) => path,
                        _ => return None,
                    },
                };
                match key {
                    Value::String(name) => path.push(Segment::Name(name)),
                    Value::Number(index) => path.push(Segment::Index(index.as_u64()?)),
                    _ => return None,
                }
                Some(Subject::Json(path))
            }
            Expression::CallExpression(call) => {
                let callee = dotted(&call.callee)?;
                let first = call.arguments.first().and_then(Argument::as_expression);
                match callee.as_str() {
                    "pm.response.json" => Some(Subject::Json(Vec::new())),
                    "pm.response.text" => Some(Subject::Body),
                    "JSON.parse" if self.subject(first?)? == Subject::Body => {
                        Some(Subject::Json(Vec::new()))
                    }
                    "pm.response.headers.get" | "postman.getResponseHeader" => {
                        Some(Subject::Header(self.literal(first?)?.as_str()?.to_owned()))
                    }
                    "tv4.validate" => {
                        let body = self.subject(first?)?;
                        let schema = call
                            .arguments
                            .get(1)
                            .and_then(Argument::as_expression)
                            .and_then(|e| self.literal(e))
                            .filter(Value::is_object)?;
                        (body == Subject::Json(Vec::new())).then_some(Subject::SchemaValid(schema))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The path of a [`Alias::Fallback`] variable (`user` of `var user = json.user || {}`).
    fn fallback(&self, expression: &Expression<'_>) -> Option<Vec<Segment>> {
        match expression.without_parentheses() {
            Expression::Identifier(id) => match self.aliases.get(id.name.as_str())? {
                Alias::Fallback(path) => Some(path.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A literal value (or a variable read, as a `{{template}}`).
    fn literal(&self, expression: &Expression<'_>) -> Option<Value> {
        match expression.without_parentheses() {
            Expression::StringLiteral(text) => Some(Value::String(text.value.to_string())),
            Expression::NumericLiteral(number) => Some(number_value(number.value)?),
            Expression::BooleanLiteral(flag) => Some(Value::Bool(flag.value)),
            Expression::NullLiteral(_) => Some(Value::Null),
            Expression::UnaryExpression(unary)
                if unary.operator == UnaryOperator::UnaryNegation =>
            {
                match self.literal(&unary.argument)? {
                    Value::Number(number) => number_value(-number.as_f64()?),
                    _ => None,
                }
            }
            Expression::TemplateLiteral(template) if template.expressions.is_empty() => template
                .quasis
                .first()
                .and_then(|quasi| quasi.value.cooked.as_ref())
                .map(|text| Value::String(text.to_string())),
            Expression::ArrayExpression(array) => array
                .elements
                .iter()
                .map(|element| match element {
                    ArrayExpressionElement::SpreadElement(_)
                    | ArrayExpressionElement::Elision(_) => None,
                    other => self.literal(other.as_expression()?),
                })
                .collect::<Option<Vec<_>>>()
                .map(Value::Array),
            Expression::ObjectExpression(object) => {
                let mut map = serde_json::Map::new();
                for property in &object.properties {
                    let ObjectPropertyKind::ObjectProperty(property) = property else {
                        return None;
                    };
                    if property.computed || property.method {
                        return None;
                    }
                    let key = match &property.key {
                        PropertyKey::StaticIdentifier(id) => id.name.to_string(),
                        PropertyKey::StringLiteral(text) => text.value.to_string(),
                        PropertyKey::NumericLiteral(number) => number.value.to_string(),
                        _ => return None,
                    };
                    map.insert(key, self.literal(&property.value)?);
                }
                Some(Value::Object(map))
            }
            Expression::Identifier(id) => match self.aliases.get(id.name.as_str()) {
                Some(Alias::Literal(value)) => Some(value.clone()),
                _ => None,
            },
            Expression::CallExpression(call)
                if dotted(&call.callee)
                    .is_some_and(|callee| GETTERS.contains(&callee.as_str())) =>
            {
                let name = self.argument_literal(call, 0)?;
                Some(Value::String(format!("{{{{{}}}}}", name.as_str()?)))
            }
            _ => None,
        }
    }

    fn argument_literal(&self, call: &CallExpression<'_>, index: usize) -> Option<Value> {
        self.literal(call.arguments.get(index)?.as_expression()?)
    }

    /// A regex operand: `/re/i` or `new RegExp("re")`, in Rust syntax.
    fn regex(&self, expression: Option<&Expression<'_>>) -> Result<Value, String> {
        let unsupported = || "`.match()` with a regex the importer cannot read".to_owned();
        match expression.map(Expression::without_parentheses) {
            Some(Expression::RegExpLiteral(literal)) => {
                let pattern = literal.regex.pattern.text.replace("\\/", "/");
                let flags = literal.regex.flags;
                let prefix = if flags.contains(oxc_ast::ast::RegExpFlags::I) {
                    "(?i)"
                } else {
                    ""
                };
                Ok(Value::String(format!("{prefix}{pattern}")))
            }
            Some(Expression::NewExpression(new)) if new.callee.is_specific_id("RegExp") => {
                if new.arguments.len() != 1 {
                    return Err(unsupported());
                }
                let pattern = new
                    .arguments
                    .first()
                    .and_then(Argument::as_expression)
                    .and_then(|e| self.literal(e))
                    .filter(Value::is_string)
                    .ok_or_else(unsupported)?;
                Ok(pattern)
            }
            _ => Err(unsupported()),
        }
    }
}

/// `Date.now()` or `new Date().getTime()`: the time in milliseconds.
fn is_now_ms(expression: &Expression<'_>) -> bool {
    let Expression::CallExpression(call) = expression.without_parentheses() else {
        return false;
    };
    if dotted(&call.callee).as_deref() == Some("Date.now") {
        return true;
    }
    matches!(&call.callee, Expression::StaticMemberExpression(member)
        if member.property.name == "getTime"
            && matches!(member.object.without_parentheses(), Expression::NewExpression(new)
                if new.callee.is_specific_id("Date") && new.arguments.is_empty()))
}

fn number_value(number: f64) -> Option<Value> {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        // An integral f64 within ±9e15 converts to i64 exactly.
        #[allow(clippy::cast_possible_truncation)]
        Some(Value::from(number as i64))
    } else {
        serde_json::Number::from_f64(number).map(Value::Number)
    }
}

/// `a.b.c` for a chain of plain property reads from an identifier.
fn dotted(expression: &Expression<'_>) -> Option<String> {
    match expression.without_parentheses() {
        Expression::Identifier(id) => Some(id.name.to_string()),
        Expression::StaticMemberExpression(member) => {
            let mut path = dotted(&member.object)?;
            path.push('.');
            path.push_str(&member.property.name);
            Some(path)
        }
        _ => None,
    }
}

/// A better reason for statements that use a known Postman API, and whether dropping the
/// statement changes what a run checks.
fn classify(code: &str, reason: String) -> (String, bool) {
    let known = [
        (
            "pm.sendRequest",
            "sends another request: make it a step of its own",
        ),
        (
            "setNextRequest",
            "changes which request runs next: use groups, `when` or `include`",
        ),
        (
            "require(",
            "loads a JavaScript library: runner runs no JavaScript",
        ),
        (
            ".unset(",
            "removes a variable: runner variables last for the whole run",
        ),
        (
            ".clear(",
            "removes variables: runner variables last for the whole run",
        ),
        (
            "pm.cookies",
            "reads cookies: not translated by the importer",
        ),
        (
            "pm.visualizer",
            "draws in Postman's visualizer: runner has none",
        ),
    ];
    if code.trim_start().starts_with("console.") {
        return ("writes to the Postman console only".to_owned(), false);
    }
    for (needle, better) in known {
        if code.contains(needle) {
            return (better.to_owned(), true);
        }
    }
    (reason, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(source: &str) -> Translation {
        translate(source, ScriptKind::Test)
    }

    #[test]
    fn deep_nesting_is_refused_not_parsed() {
        let deep = format!("var x = {}1{};", "(".repeat(10_000), ")".repeat(10_000));
        let out = test(&deep);
        assert!(out.leftovers[0].reason.contains("levels deep"), "{out:?}");
        assert_eq!(nesting("a('(((', \"[[\", `${(b)}`) // ((((\n/* [[[ */"), 3);
    }

    /// What `runner export postman` writes for runner's own checks reads back as them; the
    /// function it writes translates to nothing only as written.
    #[test]
    fn runner_expect_calls_are_runners_checks() {
        let calls = r#"
pm.test("checks", function () {
    runnerExpect(pm.response.json().d, "json", { "lt": "2025-01-01", "length": { "gt": 1, "lt": "3" } }, "$.d");
    runnerExpect(pm.response.headers.get("X-N"), "text", { "gt": 9 }, "header X-N");
    runnerExpect(pm.response.text(), "text", { "matches": "\\A\\{" }, "body", /^\{/u);
    runnerExpect(pm.response.responseTime, "json", { "lt": 2000 }, "duration");
});"#;
        let out = test(&format!("{}{calls}", crate::postman::RUNNER_EXPECT));
        assert!(out.leftovers.is_empty(), "{out:?}");
        let predicate = |pairs: &[(&str, Value)]| {
            Predicate(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
            )
        };
        assert_eq!(
            out.expect.jsonpath.get("$.d"),
            Some(&predicate(&[
                ("lt", Value::from("2025-01-01")),
                ("length", serde_json::json!({ "gt": 1, "lt": "3" })),
            ]))
        );
        assert_eq!(
            out.expect.headers.get("X-N"),
            Some(&predicate(&[("gt", Value::from(9))]))
        );
        assert_eq!(
            out.expect.body,
            Some(predicate(&[("matches", Value::from("\\A\\{"))]))
        );
        assert_eq!(
            out.expect.duration,
            Some(predicate(&[("lt", Value::from("2000ms"))]))
        );
        // Edited, the function is logic like any other.
        let edited = crate::postman::RUNNER_EXPECT.replacen("return null;", "return 1;", 1);
        let out = test(&format!("{edited}{calls}"));
        assert_eq!(out.leftovers.len(), 1, "{out:?}");
        assert!(
            out.leftovers[0].code.starts_with("function runnerExpect("),
            "{out:?}"
        );
    }

    #[test]
    fn the_seed_script_is_a_capture() {
        let out = test(
            "var jsonData = JSON.parse(responseBody);\npm.environment.set(\"auth_token\", jsonData.auth_token)",
        );
        assert!(out.leftovers.is_empty(), "{out:?}");
        assert_eq!(
            out.captures.get("auth_token").map(|c| &c.source),
            Some(&CaptureSource::JsonPath("$.auth_token".into()))
        );
    }

    #[test]
    fn chai_assertions_become_expectations() {
        let out = test(
            r#"pm.test("ok", function () {
                pm.response.to.have.status(201);
                const body = pm.response.json();
                pm.expect(body.items[0]["first-name"]).to.eql("Ann");
                pm.expect(body.tags).to.have.lengthOf(2);
                pm.expect(body.items.length).to.be.above(1);
                pm.expect(body.id).to.be.a("number");
                pm.expect(body.tags).to.not.include("x");
                pm.expect(pm.response.responseTime).to.be.below(500);
                pm.expect(pm.response.headers.get("Content-Type")).to.include("json");
                pm.response.to.have.header("X-Id");
                pm.expect(body.name).to.match(/^a\/b$/i);
                pm.expect(body.owner).to.eql(pm.environment.get("user"));
            });"#,
        );
        assert!(out.leftovers.is_empty(), "{out:?}");
        let expect = &out.expect;
        assert_eq!(expect.status, Some(Value::from(201)));
        assert_eq!(
            expect.jsonpath.keys().collect::<Vec<_>>(),
            [
                "$.items[0]['first-name']",
                "$.tags",
                "$.items",
                "$.id",
                "$.name",
                "$.owner"
            ]
        );
        assert_eq!(
            expect.jsonpath["$.items"].0["length"],
            serde_json::json!({ "gt": 1 })
        );
        assert_eq!(expect.jsonpath["$.tags"].0["length"], 2);
        assert_eq!(expect.jsonpath["$.name"].0["matches"], "(?i)^a/b$");
        assert_eq!(expect.jsonpath["$.owner"].0["equals"], "{{user}}");
        assert_eq!(
            expect.duration.as_ref().map(|d| d.0["lt"].clone()),
            Some("500ms".into())
        );
    }

    #[test]
    fn within_is_a_range_of_sizes_and_of_statuses_runner_can_check() {
        let status = |script: &str| {
            let out = test(script);
            (out.expect.status.clone(), out.leftovers.len())
        };
        let code = "pm.expect(pm.response.code).to.be.within";
        assert_eq!(
            status(&format!("{code}(200, 399);")),
            (Some("success".into()), 0)
        );
        assert_eq!(
            status(&format!("{code}(400, 499);")),
            (Some("4xx".into()), 0)
        );
        assert_eq!(
            status(&format!("{code}(200, 204);")),
            (Some(serde_json::json!([200, 201, 202, 203, 204])), 0)
        );
        // With a narrower check beside it, the narrower one, whichever comes first.
        for both in [
            format!("{code}(200, 399);\npm.response.to.have.status(201);"),
            format!("pm.response.to.be.success;\n{code}(200, 399);"),
        ] {
            let (status, leftovers) = status(&both);
            assert_eq!(leftovers, 0, "{both}");
            assert!(
                status == Some(Value::from(201)) || status == Some(Value::from("2xx")),
                "{both}: {status:?}"
            );
        }
        for unchecked in ["(200, 450)", "(399, 200)", "(995, 1004)", "(\"a\", 2)"] {
            assert_eq!(
                status(&format!("{code}{unchecked};")),
                (None, 1),
                "{unchecked}"
            );
        }
        let out = test("pm.expect(pm.response.json().n).to.be.within(1, \"9\");");
        assert!(
            out.expect.jsonpath.is_empty() && out.leftovers.len() == 1,
            "{out:?}"
        );
        let out = test(
            "pm.expect(pm.response.responseTime).to.be.within(10, 500);\n\
             pm.expect(pm.response.json().n).to.be.within(1, 9);",
        );
        assert!(out.leftovers.is_empty(), "{out:?}");
        let n = &out.expect.jsonpath["$.n"].0;
        assert_eq!((&n["ge"], &n["le"]), (&Value::from(1), &Value::from(9)));
        let duration = out.expect.duration.as_ref().map(|d| d.0.clone());
        let duration = duration.unwrap_or_default();
        assert_eq!(
            (&duration["ge"], &duration["le"]),
            (&Value::from("10ms"), &Value::from("500ms"))
        );
    }

    #[test]
    fn legacy_tests_and_leftovers() {
        let out = test(
            "tests[\"Status code is 200\"] = responseCode.code === 200;\n\
             tests[\"fast\"] = responseTime < 200;\n\
             tests[\"has id\"] = responseBody.has(\"id\");\n\
             pm.sendRequest(\"https://x\", function (err, res) {\n  console.log(res);\n});\n\
             postman.setNextRequest(\"Login\");\n\
             console.log(\"done\");\n\
             if (responseCode.code === 200) { pm.environment.set(\"ok\", \"1\"); }",
        );
        assert_eq!(out.expect.status, Some(Value::from(200)));
        assert_eq!(
            out.expect.body.as_ref().map(|b| b.0["contains"].clone()),
            Some("id".into())
        );
        let lines: Vec<(usize, bool)> = out.leftovers.iter().map(|l| (l.line, l.lossy)).collect();
        assert_eq!(lines, [(4, true), (7, true), (8, false), (9, true)]);
    }

    #[test]
    fn properties_destructuring_loops_and_guards() {
        let out = test(
            r#"const {url, headers: {host}} = pm.response.json();
            pm.expect(url).to.equal("/");
            pm.expect(host).to.include("echo");
            var json = pm.response.json();
            pm.expect(json).to.have.property("id");
            pm.expect(json).to.have.property("kind", "sim");
            pm.expect(json).to.have.property("owner").that.has.property("name", "Ann");
            json.items.forEach(function (item) {
                pm.expect(item.id).to.be.a("number");
                pm.expect(item).to.have.property("name");
            });
            _.each(json.tags, (tag) => pm.expect(tag).to.be.a("string"));
            if (json.id) { pm.collectionVariables.set("id", json.id); }
            if (pm.response.code === 200) pm.variables.set("kind", json.kind);"#,
        );
        assert!(out.leftovers.is_empty(), "{out:?}");
        let paths: Vec<&String> = out.expect.jsonpath.keys().collect();
        assert_eq!(
            paths,
            [
                "$.url",
                "$.headers.host",
                "$.id",
                "$.kind",
                "$.owner.name",
                "$.items[*].id",
                "$.items[*].name",
                "$.tags[*]"
            ]
        );
        assert_eq!(out.expect.jsonpath["$.id"].0["exists"], true);
        assert_eq!(out.expect.jsonpath["$.owner.name"].0["equals"], "Ann");
        assert_eq!(out.captures.keys().collect::<Vec<_>>(), ["id", "kind"]);
        assert!(out.guarded);
    }

    #[test]
    fn legacy_tests_of_properties_fallbacks_and_a_checked_status() {
        // The RealWorld "Conduit" collection's patterns.
        let out = test(
            r#"var is200Response = responseCode.code === 200;
            tests['Response code is 200 OK'] = is200Response;
            if (is200Response) {
                var responseJSON = JSON.parse(responseBody);
                tests['has user'] = responseJSON.hasOwnProperty('user');
                var user = responseJSON.user || {};
                tests['has email'] = user.hasOwnProperty('email');
                tests['no password'] = !user.hasOwnProperty('password');
                tests['count'] = Number.isInteger(user.count);
                tests['tags'] = Array.isArray(user.tags);
                tests['date'] = /^\d{4}-\d\d$/.test(user.createdAt);
                tests['given'] = user.bio !== undefined;
                article = responseJSON.articles[0];
                tests['following'] = article.following === false;
                if (tests['has email']) { pm.globals.set('email', user.email); }
            }"#,
        );
        assert!(out.leftovers.is_empty(), "{out:?}");
        assert_eq!(out.expect.status, Some(Value::from(200)));
        let json = &out.expect.jsonpath;
        assert_eq!(
            json.keys().collect::<Vec<_>>(),
            [
                "$.user",
                "$.user.email",
                "$.user.password",
                "$.user.count",
                "$.user.tags",
                "$.user.createdAt",
                "$.user.bio",
                "$.articles[0].following"
            ]
        );
        assert_eq!(json["$.user"].0["exists"], true);
        assert_eq!(json["$.user.password"].0["exists"], false);
        assert_eq!(json["$.user.count"].0["type"], "integer");
        assert_eq!(json["$.user.tags"].0["type"], "array");
        assert_eq!(json["$.user.createdAt"].0["matches"], "^\\d{4}-\\d\\d$");
        assert_eq!(json["$.user.bio"].0["exists"], true);
        assert_eq!(json["$.articles[0].following"].0["equals"], false);
        assert_eq!(out.captures.keys().collect::<Vec<_>>(), ["email"]);
        assert!(out.guarded);
    }

    #[test]
    fn a_fallback_object_itself_and_an_unchecked_status_are_not_followed() {
        // `{}` where `user` is missing is an object: `$.user` would not be.
        let out = test(
            "var user = pm.response.json().user || {};
             pm.expect(user).to.be.an('object');
             if (pm.response.code === 200) { pm.expect(user.id).to.eql(1); }
             tests['loose'] = user.id == undefined;",
        );
        assert_eq!(out.leftovers.len(), 3, "{out:?}");
        assert!(out.expect.is_empty());
    }

    #[test]
    fn a_condition_on_variables_keeps_its_body_and_reports_the_condition() {
        let out = test(
            "if (!(environment.isIntegrationTest)) {
                 var json = JSON.parse(responseBody);
                 tests['has user'] = json.hasOwnProperty('user');
                 postman.setNextRequest(null);
             }
             if (pm.environment.get('stage') === 'prod' && !globals.dry) {
                 pm.response.to.have.status(201);
             }",
        );
        assert_eq!(out.expect.jsonpath["$.user"].0["exists"], true);
        assert_eq!(out.expect.status, Some(Value::from(201)));
        let lines: Vec<(usize, &str)> = out
            .leftovers
            .iter()
            .map(|l| (l.line, l.code.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (1, "if (!(environment.isIntegrationTest)) {"),
                (4, "postman.setNextRequest(null);"),
                (
                    6,
                    "if (pm.environment.get('stage') === 'prod' && !globals.dry) {"
                ),
            ]
        );
        assert!(out.leftovers[0].lossy && out.leftovers[0].reason.contains("`isIntegrationTest`"));
        assert!(out.leftovers[2].reason.contains("`stage`, `dry`"));
        // A script variable named like the sandbox's is the script's: a condition on the
        // response, not translated.
        let out = test(
            "var environment = pm.response.json();
             if (environment.ready) { pm.expect(environment.id).to.eql(1); }",
        );
        assert_eq!(out.leftovers.len(), 1, "{out:?}");
        assert!(out.expect.is_empty());
    }

    #[test]
    fn a_loop_or_guard_with_anything_else_is_left_whole() {
        let out = test(
            "json.items.forEach(function (item) { pm.environment.set('x', item.id); });
             if (json.id) { pm.environment.set('id', json.id); } else { postman.setNextRequest(null); }",
        );
        assert_eq!(out.leftovers.len(), 2, "{out:?}");
        assert!(out.captures.is_empty() && out.expect.is_empty());
    }

    #[test]
    fn pre_request_values_known_before_the_request_are_vars() {
        let out = translate(
            "pm.environment.set('ts', Math.floor(Date.now() / 1000));
             pm.variables.set('id', require('uuid').v4());
             const when = new Date().toISOString();
             pm.collectionVariables.set('when', when);
             pm.environment.set('auth', 'Bearer ' + pm.environment.get('token'));
             pm.globals.set('url', `${pm.environment.get('host')}/v1`);
             postman.setEnvironmentVariable('n', 3);
             pm.environment.set('ms', Date.now());",
            ScriptKind::PreRequest,
        );
        assert_eq!(
            serde_json::to_value(&out.vars).unwrap_or_default(),
            serde_json::json!({
                "ts": "{{$timestamp}}",
                "id": "{{$guid}}",
                "when": "{{$isoTimestamp}}",
                "auth": "Bearer {{token}}",
                "url": "{{host}}/v1",
                "n": 3
            })
        );
        assert_eq!(
            out.leftovers.len(),
            1,
            "milliseconds have no helper: {out:?}"
        );
    }

    #[test]
    fn a_statement_is_translated_whole_or_not_at_all() {
        let out = test("tests[\"a\"] = responseCode.code === 200 && someFunction();");
        assert!(out.expect.is_empty());
        assert_eq!(out.leftovers.len(), 1);
    }

    #[test]
    fn invalid_javascript_is_one_leftover() {
        let out = test("pm.test(\"x\", function () {");
        assert_eq!(out.leftovers.len(), 1);
        assert!(out.leftovers[0].reason.contains("not valid JavaScript"));
    }
}
