//! The steps of `runner import openapi`: one per operation, its parameters, body, auth,
//! expected status and the captures later steps use.

use std::collections::HashMap;

use serde_json::{json, Map as JsonMap, Value};

use super::super::credential::is_credential_name;
use super::super::template::Templates;
use super::super::yaml::{Item, Map, Node};
use super::body::BodyStep;
use super::security::Secured;
use super::servers::ServerVariable;
use super::Operation;
use crate::openapi::document::{escape, Documents, Place};
use crate::openapi::OpenapiError;
use crate::postman::Report;

/// What is escaped in an example put in a path segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

pub(super) struct Writer<'a> {
    pub(super) documents: &'a mut Documents,
    pub(super) report: &'a mut Report,
    pub(super) inputs: Map,
    /// The secret inputs declared, with their descriptions.
    pub(super) input_descriptions: HashMap<String, String>,
    /// Variables the steps read (placeholders, captured ids).
    pub(super) vars: Map,
    /// (operation, path parameter) → the variable an earlier step captured for it.
    pub(super) captures: HashMap<(String, String), String>,
    /// `{parent}/{` → (parameter, operation) of the paths one parameter below a parent.
    pub(super) by_path: HashMap<String, Vec<(String, String)>>,
    /// Placeholder variable → the required input it reads.
    pub(super) placeholders: HashMap<String, String>,
    /// Each operation's order (what a link's target is) → its key.
    pub(super) keys: HashMap<usize, String>,
    /// The document's own `servers` (`null` when it has none).
    pub(super) document_servers: Value,
    /// Where the document is served, for relative server URLs.
    pub(super) document_url: Option<url::Url>,
    /// The variables of the servers paths and operations give instead of the document's.
    pub(super) server_variables: Vec<ServerVariable>,
    /// The step being written, for the report.
    pub(super) item: String,
}

impl Writer<'_> {
    pub(super) fn step(
        &mut self,
        operation: &Operation,
        global_security: Option<&Value>,
        global_auth: Option<&Secured>,
    ) -> Result<Item, OpenapiError> {
        // Captures, files and links are named after the operation's key: its operationId,
        // unless another operation's is the same.
        let id = operation.key.clone();
        let name = operation.step_name();
        let item = name.clone();
        self.item = item.clone();
        let mut step = Map::block();
        step.insert("name", literal_label(&name));
        step.insert("id", operation.step_id.clone());
        let mut comments = Vec::new();
        let mut request = Map::block();
        if operation.method != "GET" {
            request.insert("method", operation.method.clone());
        }
        // Parameters: the operation's, then the path item's it does not override.
        let mut parameters: Vec<(Place, Value)> = Vec::new();
        let own = operation
            .value
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, parameter) in own.iter().enumerate() {
            let place = operation.place.under(&format!("parameters/{i}"));
            parameters.push(self.documents.resolve(&place, parameter)?);
        }
        for (i, parameter) in operation.inherited.iter().enumerate() {
            let place = Place {
                file: operation.place.file,
                pointer: format!(
                    "{}/parameters/{i}",
                    operation
                        .place
                        .pointer
                        .rsplit_once('/')
                        .map_or("", |(a, _)| a)
                ),
            };
            let (place, parameter) = self.documents.resolve(&place, parameter)?;
            if !parameters.iter().any(|(_, own)| overrides(own, &parameter)) {
                parameters.push((place, parameter));
            }
        }
        // The operation's own security, when it differs from the document's: `Some(None)`
        // when it maps to no helper (`auth: none` for an empty one; else `defaults.auth`
        // still applies).
        let own_security = operation
            .value
            .get("security")
            .filter(|security| Some(*security) != global_security);
        let own_auth = own_security.map(|security| self.security(Some(security), &item));
        let no_auth = own_security.is_some_and(|security| {
            security.as_array().is_some_and(|s| {
                s.is_empty()
                    || s.iter()
                        .any(|r| r.as_object().is_some_and(JsonMap::is_empty))
            })
        });
        let auth = match &own_auth {
            Some(Some(own)) => Some(own),
            Some(None) if no_auth => None,
            _ => global_auth,
        };
        let base_url = self.server_variable(operation, &item);
        let mut url = format!("{{{{{base_url}}}}}{}", operation.path);
        let mut query: Vec<(String, String)> = Vec::new();
        let mut headers = Map::inline();
        let mut cookies = Map::inline();
        for (place, parameter) in &parameters {
            let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                continue;
            };
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let required =
                parameter.get("required") == Some(&Value::Bool(true)) || location == "path";
            // OpenAPI 3: a header parameter named Accept, Content-Type or Authorization "SHALL
            // be ignored" (the body and the security schemes say them).
            if location == "header"
                && ["accept", "content-type", "authorization"]
                    .iter()
                    .any(|ignored| name.eq_ignore_ascii_case(ignored))
            {
                continue;
            }
            // A name no request can carry (empty; a header's that is no HTTP token): left out,
            // said where, so that the collection loads.
            if let Some(why) = unwritable(location, name) {
                let at = self.documents.describe(place);
                self.report.lossy(
                    &item,
                    format!("{location} parameter `{name}`"),
                    format!(
                        "{why} ({at}): left out; add it to the step by hand if the API needs it"
                    ),
                );
                continue;
            }
            // The API key `auth` sends: written once, as a secret input, not also as the
            // document's example.
            if auth.is_some_and(|auth| auth.sends_parameter(location, name)) {
                continue;
            }
            // An optional parameter is sent only when the document gives an example of it.
            let example = if required || self.explicit_example(place, parameter) {
                self.parameter_example(place, parameter, name)
            } else {
                None
            };
            if location == "path" {
                let captured = self.captures.get(&(id.clone(), name.to_owned())).cloned();
                let value = match (captured, example) {
                    (Some(variable), _) => format!("{{{{{variable}}}}}"),
                    // A password is its secret input's template, written as it is.
                    // So is a placeholder for a value none fits the schema of.
                    (None, Some(value))
                        if self.is_placeholder(&value)
                            || self.is_password_parameter(place, parameter) =>
                    {
                        scalar(&value)
                    }
                    // One path segment: `/`, `?`, `#`, `%`, spaces and template braces
                    // in an example are sent as its text, not as URL syntax.
                    (None, Some(value)) => percent_encoding::utf8_percent_encode(
                        &unescape(&scalar(&value)),
                        PATH_SEGMENT,
                    )
                    .to_string(),
                    (None, None) => {
                        let variable =
                            self.placeholder(&item, &format!("path parameter {name}"), name);
                        format!("{{{{{variable}}}}}")
                    }
                };
                url = url.replace(&format!("{{{name}}}"), &value);
                continue;
            }
            if !required && example.is_none() {
                continue;
            }
            if location == "query" {
                let pairs = match &example {
                    Some(example) => styled_pairs(parameter, name, example),
                    None => {
                        let variable =
                            self.placeholder(&item, &format!("query parameter {name}"), name);
                        vec![(name.to_owned(), format!("{{{{{variable}}}}}"))]
                    }
                };
                for (key, value) in pairs {
                    let value = self.query_value(&key, value);
                    query.push((key, value));
                }
                continue;
            }
            let value = match example {
                Some(value) => scalar(&value),
                None => {
                    let variable =
                        self.placeholder(&item, &format!("{location} parameter {name}"), name);
                    format!("{{{{{variable}}}}}")
                }
            };
            match location {
                "header" => headers.insert(name, value),
                "cookie" => cookies.insert(name, value),
                _ => {}
            }
        }
        request.insert("url", url);
        if !query.is_empty() {
            // A name sent several times is a list of its values.
            let mut map = Map::inline();
            for (key, values) in super::super::params::grouped(query) {
                let values = values.into_iter().map(Node::from).collect();
                map.insert(key, super::super::params::one_or_list(values));
            }
            request.insert("query", Node::Map(map));
        }
        if !headers.is_empty() {
            request.insert("headers", Node::Map(headers));
        }
        if !cookies.is_empty() {
            request.insert("cookies", Node::Map(cookies));
        }
        if let Some(body) = operation.value.get("requestBody") {
            let place = operation.place.under("requestBody");
            let (place, body) = self.documents.resolve(&place, body)?;
            let step = BodyStep {
                item: &item,
                id: &id,
            };
            self.body(&step, &place, &body, &mut request, &mut comments);
        }
        match own_auth {
            Some(Some(own)) => request.insert("auth", own.auth),
            Some(None) if no_auth => request.insert("auth", "none"),
            _ => {}
        }
        step.insert("request", Node::Map(request));
        let mut expect = Map::inline();
        match success_status(&operation.value) {
            Some(status) => expect.insert("status", status),
            None => self.report.note(
                &item,
                "responses",
                "no 2xx or 3xx response is documented: the step expects a success (runner's default)",
            ),
        }
        if !expect.is_empty() {
            step.insert("expect", Node::Map(expect));
        }
        let captures = self.captures_for(operation, &id);
        if !captures.is_empty() {
            step.insert("capture", Node::Map(captures));
        }
        Ok(Item {
            value: Node::Map(step),
            comments,
        })
    }

    /// The value of the query parameter `name`: one named like a credential (`api_key`,
    /// `access_token`) is its secret input, never the document's example of it.
    fn query_value(&mut self, name: &str, value: String) -> String {
        if value.contains("{{") || !is_credential_name(name) {
            return value;
        }
        let input = self.secret_input(
            name,
            &format!(
                "The `{name}` query parameter: named like a credential, so the document's \
                 example is not used."
            ),
        );
        format!("{{{{env.{input}}}}}")
    }

    /// A variable the user must give a value: the step reads `{{variable}}`, which reads a
    /// required input, so the run refuses to start (nothing is sent) until it is set.
    /// Reported as not translated.
    pub(super) fn placeholder(&mut self, item: &str, what: &str, name: &str) -> String {
        self.placeholder_because(
            item,
            what,
            name,
            "the document gives no example, default or schema to derive a value from",
        )
    }

    /// [`Self::placeholder`], for the reason `why`.
    pub(super) fn placeholder_because(
        &mut self,
        item: &str,
        what: &str,
        name: &str,
        why: &str,
    ) -> String {
        let variable = Templates::default().name(name);
        let input = match self.placeholders.get(&variable) {
            Some(input) => input.clone(),
            None => {
                let input =
                    self.required_input(&variable, &format!("A value for {what} ({item}): {why}"));
                self.vars.insert_commented(
                    variable.clone(),
                    format!("{{{{env.{input}}}}}"),
                    vec![format!(
                        "Placeholder for {what} ({item}): {why}; \
                         the run refuses to start until {input} is set."
                    )],
                );
                self.placeholders.insert(variable.clone(), input.clone());
                input
            }
        };
        self.report.lossy(
            item,
            what.to_owned(),
            format!(
                "{why}: set the input {input} (`export {input}=...`) or run with \
                 `--var {variable}=...`; the run sends nothing until then"
            ),
        );
        variable
    }

    /// Whether `value` is a placeholder's template (`{{variable}}`, [`Self::placeholder`]):
    /// written as it is, never as text.
    fn is_placeholder(&self, value: &Value) -> bool {
        value
            .as_str()
            .and_then(|text| text.strip_prefix("{{")?.strip_suffix("}}"))
            .is_some_and(|variable| self.placeholders.contains_key(variable))
    }

    /// A parameter's schema and where it is: its `schema`, else the schema of its `content`'s
    /// media type.
    fn parameter_schema(&self, place: &Place, parameter: &Value) -> Option<(Place, Value)> {
        if let Some(schema) = parameter.get("schema") {
            let at = place.under("schema");
            return Some((at, schema.clone()));
        }
        let (media_type, media) = parameter.get("content")?.as_object()?.iter().next()?;
        let at = place.under(&format!("content/{}/schema", escape(media_type)));
        Some((at, media.get("schema")?.clone()))
    }

    /// Whether the document gives a value of the parameter (so an optional one is sent): an
    /// example of it or of its `content`, or its schema's example, 3.1 `examples` or default,
    /// the schema followed through a `$ref`.
    fn explicit_example(&mut self, place: &Place, parameter: &Value) -> bool {
        let media = parameter
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().next());
        if gives_example(parameter) || media.is_some_and(gives_example) {
            return true;
        }
        let Some((at, schema)) = self.parameter_schema(place, parameter) else {
            return false;
        };
        self.documents
            .resolve(&at, &schema)
            .is_ok_and(|(_, schema)| gives_example(&schema) || schema.get("default").is_some())
    }

    /// Whether the parameter's schema says a password ([`Self::is_password`]).
    fn is_password_parameter(&mut self, place: &Place, parameter: &Value) -> bool {
        self.parameter_schema(place, parameter)
            .is_some_and(|(at, schema)| self.is_password(&at, &schema))
    }

    /// A parameter's value: its example, its first named example (or its `content`'s),
    /// its schema's example, default or enum, else one derived from its schema — with any
    /// password in it (the value itself, or a field of it) its secret input.
    pub(super) fn parameter_example(
        &mut self,
        place: &Place,
        parameter: &Value,
        name: &str,
    ) -> Option<Value> {
        let schema = self.parameter_schema(place, parameter);
        let named_example =
            |examples: &Value, documents: &mut crate::openapi::document::Documents| {
                let first = examples.as_object()?.values().next()?;
                let (_, resolved) = documents.resolve(place, first).ok()?;
                resolved.get("value").cloned()
            };
        let media = parameter
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().next());
        let given = match parameter.get("example") {
            Some(example) => Some(example.clone()),
            None => parameter
                .get("examples")
                .and_then(|examples| named_example(examples, &mut *self.documents))
                .or_else(|| media.and_then(|media| media.get("example").cloned()))
                .or_else(|| {
                    media
                        .and_then(|media| media.get("examples"))
                        .and_then(|examples| named_example(examples, &mut *self.documents))
                }),
        };
        let given =
            given.and_then(|value| self.document_value(&value, &format!("parameter {name}")));
        let (at, schema) = match (given, schema) {
            (Some(mut value), Some((at, schema))) => {
                self.hide_passwords(&at, &schema, name, &mut value);
                return Some(value);
            }
            (Some(value), None) => return Some(value),
            (None, schema) => schema?,
        };
        Some(self.sample(&at, &schema, 0, true, name))
    }

    /// Captures this operation's success response offers later steps: each link's
    /// `$response.body#/...` parameters (the link and its response followed through their
    /// `$ref`s), and the `id` a create returns for the paths below. A pointer the response's
    /// schema says is not there is not captured (the capture would fail the step): noted.
    pub(super) fn captures_for(&mut self, operation: &Operation, id: &str) -> Map {
        let mut captures = Map::inline();
        let prefix = Templates::default().name(id);
        for link in &operation.links {
            let Some(target) = link.target.and_then(|t| self.keys.get(&t)).cloned() else {
                continue;
            };
            let (response_place, response) = &link.response;
            for (parameter, expression) in &link.parameters {
                let Some(pointer) = expression
                    .as_str()
                    .and_then(|e| e.strip_prefix("$response.body#"))
                else {
                    continue;
                };
                // A parameter name may say where it goes: `path.id`; only a path
                // parameter is taken from a capture.
                let parameter = match parameter.split_once('.') {
                    Some(("path", name)) => name,
                    Some(("query" | "header" | "cookie", _)) => continue,
                    _ => parameter.as_str(),
                };
                if let Err(why) = self.body_may_hold(response_place, response, pointer) {
                    self.report.note(
                        &self.item,
                        format!("link {}", link.name),
                        format!(
                            "{parameter} from `{}`: {why}, so it is not captured; {target}'s \
                             {parameter} is written as without the link",
                            expression.as_str().unwrap_or_default()
                        ),
                    );
                    continue;
                }
                let jsonpath = pointer_to_jsonpath(pointer);
                let base = format!("{prefix}_{}", Templates::default().name(parameter));
                // Two links may take one parameter name from two places: each its own.
                let mut variable = base.clone();
                let mut n = 1;
                loop {
                    match captures.entries.iter().find(|e| e.key == variable) {
                        None => {
                            captures.insert(variable.clone(), jsonpath.clone());
                            break;
                        }
                        Some(entry) if entry.value == Node::from(jsonpath.clone()) => break,
                        Some(_) => {
                            n += 1;
                            variable = format!("{base}_{n}");
                        }
                    }
                }
                self.captures
                    .insert((target.clone(), parameter.to_owned()), variable);
            }
        }
        // A create (`POST /things`) whose response has an `id`: the id of `/things/{thingId}`.
        if operation.method == "POST"
            && !operation.path.ends_with('}')
            && captures.is_empty()
            && self.returns_id(operation)
        {
            let variable = format!("{prefix}_id");
            captures.insert(variable.clone(), "$.id");
            self.id_captures(&operation.path, &variable);
        }
        captures
    }

    /// Whether a JSON body of `response` (at `place`) may hold `pointer`
    /// ([`super::links::pointer_fits`]); a response without a JSON schema may hold anything.
    fn body_may_hold(
        &mut self,
        place: &Place,
        response: &Value,
        pointer: &str,
    ) -> Result<(), String> {
        let Some((media_type, media)) = response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .find(|(k, _)| crate::openapi::contract::is_json(&k.to_ascii_lowercase()))
        else {
            return Ok(());
        };
        let Some(schema) = media.get("schema") else {
            return Ok(());
        };
        let at = place.under(&format!("content/{}/schema", escape(media_type)));
        super::links::pointer_fits(self.documents, &at, schema, pointer)
    }

    pub(super) fn returns_id(&mut self, operation: &Operation) -> bool {
        let Some(status) = success_key(&operation.value) else {
            return false;
        };
        let pointer = format!("{}/responses/{}", operation.place.pointer, escape(&status));
        let place = Place {
            file: operation.place.file,
            pointer,
        };
        let Some(response) = self.documents.get(&place).cloned() else {
            return false;
        };
        let Ok((place, response)) = self.documents.resolve(&place, &response) else {
            return false;
        };
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return false;
        };
        let Some((media_type, media)) = content
            .iter()
            .find(|(k, _)| crate::openapi::contract::is_json(&k.to_ascii_lowercase()))
        else {
            return false;
        };
        let Some(schema) = media.get("schema") else {
            return false;
        };
        let schema_place = place.under(&format!("content/{}/schema", escape(media_type)));
        let sample = self.sample(&schema_place, schema, 0, false, "");
        sample.get("id").is_some()
    }

    /// Every later operation on `{path}/{param}` gets `param` from `variable`.
    pub(super) fn id_captures(&mut self, path: &str, variable: &str) {
        let prefix = format!("{path}/{{");
        let Some(targets) = self.by_path.get(&prefix) else {
            return;
        };
        for (parameter, target) in targets {
            self.captures
                .insert((target.clone(), parameter.clone()), variable.to_owned());
        }
    }
}

/// Whether an operation's parameter overrides one of its path item: the same location and
/// name, a header's name in any case (HTTP header names are case-insensitive).
fn overrides(own: &Value, inherited: &Value) -> bool {
    let location = own.get("in").and_then(Value::as_str);
    if location != inherited.get("in").and_then(Value::as_str) {
        return false;
    }
    let (Some(name), Some(other)) = (
        own.get("name").and_then(Value::as_str),
        inherited.get("name").and_then(Value::as_str),
    ) else {
        return false;
    };
    match location {
        Some("header") => name.eq_ignore_ascii_case(other),
        _ => name == other,
    }
}

/// The lowest documented success status as written (`201`), else a class (`2XX`).
fn success_key(operation: &Value) -> Option<String> {
    let responses = operation.get("responses")?.as_object()?;
    let mut codes: Vec<(u16, &String)> = responses
        .keys()
        .filter_map(|k| Some((k.parse::<u16>().ok()?, k)))
        .filter(|(c, _)| (200..400).contains(c))
        .collect();
    codes.sort_unstable();
    if let Some((_, key)) = codes.first() {
        return Some((*key).clone());
    }
    responses
        .keys()
        .find(|k| k.eq_ignore_ascii_case("2XX"))
        .cloned()
}

/// The success status a step expects: `201`, or `2xx` for a class.
fn success_status(operation: &Value) -> Option<Node> {
    let key = success_key(operation)?;
    Some(match key.parse::<u16>() {
        Ok(code) => Node::Scalar(json!(code)),
        Err(_) => Node::Scalar(json!(key.to_ascii_lowercase())),
    })
}

/// `/a/0/b` as `$.a[0].b`.
fn pointer_to_jsonpath(pointer: &str) -> String {
    let mut path = "$".to_owned();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            path.push_str(&format!("[{segment}]"));
        } else if segment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !segment.is_empty()
        {
            path.push('.');
            path.push_str(&segment);
        } else {
            path.push_str(&format!("['{}']", segment.replace('\'', "\\'")));
        }
    }
    path
}

/// Adds a header to the request's `headers` (made if missing).
pub(super) fn add_header(request: &mut Map, name: &str, value: &str) {
    match request.get_mut("headers") {
        Some(Node::Map(headers)) => headers.insert(name, value.to_owned()),
        _ => {
            let mut headers = Map::inline();
            headers.insert(name, value.to_owned());
            request.insert("headers", Node::Map(headers));
        }
    }
}

/// Whether a parameter or schema gives an example: `example`, or `examples` (a parameter's
/// named examples, a 3.1 schema's array).
fn gives_example(value: &Value) -> bool {
    value.get("example").is_some() || value.get("examples").is_some()
}

/// The name → value pairs a query parameter's `value` is sent as, in order, by its `style`
/// and `explode` (OpenAPI 3.1, "Style Values"; `form` and, for it, `explode: true` by
/// default): an array is the name once per item (`explode: true`) or its items joined by `,`,
/// a space (`spaceDelimited`) or `|` (`pipeDelimited`); an object is each property as its
/// own parameter (`form`, `explode: true`: `R=100&G=200`), `name[property]` (`deepObject`),
/// or `property,value,...` joined as an array is. A parameter described by `content` is its
/// value as JSON text. `parameter` is a Parameter Object, or the Encoding Object of a
/// URL-encoded form's field, which say `style` and `explode` alike.
pub(super) fn styled_pairs(parameter: &Value, name: &str, value: &Value) -> Vec<(String, String)> {
    let one = |text: String| vec![(name.to_owned(), text)];
    if parameter.get("content").is_some() {
        return one(match value {
            Value::String(text) => text.clone(),
            other => json_text(other),
        });
    }
    let style = parameter
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or("form");
    let explode = parameter
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    let separator = match style {
        "spaceDelimited" => " ",
        "pipeDelimited" => "|",
        _ => ",",
    };
    match value {
        Value::Array(items) if explode => items
            .iter()
            .map(|item| (name.to_owned(), scalar(item)))
            .collect(),
        Value::Array(items) => one(join(items.iter().map(scalar), separator)),
        Value::Object(properties) if style == "deepObject" => properties
            .iter()
            .map(|(key, item)| (format!("{name}[{key}]"), scalar(item)))
            .collect(),
        Value::Object(properties) if explode => properties
            .iter()
            .map(|(key, item)| (key.clone(), scalar(item)))
            .collect(),
        // The property names become part of the value, a template: escaped as the values
        // were when they entered (a name holding `{{` is sent as its text).
        Value::Object(properties) => one(join(
            properties
                .iter()
                .flat_map(|(key, item)| [name_text(key), scalar(item)]),
            separator,
        )),
        other => one(scalar(other)),
    }
}

/// A member name from the document as template text that sends it.
fn name_text(name: &str) -> String {
    crate::template::literal(name).map_or_else(|_| name.to_owned(), std::borrow::Cow::into_owned)
}

fn join(texts: impl Iterator<Item = String>, separator: &str) -> String {
    texts.collect::<Vec<_>>().join(separator)
}

/// A parameter value as text.
pub(super) fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        other => json_text(other),
    }
}

/// A value whose strings are templates (the document's text escaped, `\{{`) as the
/// template of its JSON text: JSON writes each escaping backslash as `\\`, put back to one (a
/// document's own backslash never stands before `{{`: [`crate::template::literal`]).
pub(super) fn json_text(value: &Value) -> String {
    with_names_escaped(value)
        .to_string()
        .replace("\\\\{{", "\\{{")
}

/// `value` with its member names' `{{` escaped: a `json:` body's names are no templates, so
/// they are written as they are, but in a JSON text they are part of the template.
fn with_names_escaped(value: &Value) -> std::borrow::Cow<'_, Value> {
    use std::borrow::Cow;
    match value {
        Value::Object(members) => Cow::Owned(Value::Object(
            members
                .iter()
                .map(|(name, member)| {
                    let name = name_text(name);
                    (name, with_names_escaped(member).into_owned())
                })
                .collect(),
        )),
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            Cow::Owned(Value::Array(
                items
                    .iter()
                    .map(|i| with_names_escaped(i).into_owned())
                    .collect(),
            ))
        }
        other => Cow::Borrowed(other),
    }
}

/// The document's text of a template made from it (`\{{` back to `{{`), for a place that
/// is not a template once escaped otherwise (a path segment, percent-encoded).
fn unescape(template: &str) -> String {
    template.replace("\\{{", "{{")
}

/// A text from the document (a step's name, a URL) as a template that shows it: `{{` escaped; a
/// `\` before `{{`, which no template shows, keeps the braces apart (`{ {`).
pub(super) fn literal_label(text: &str) -> String {
    crate::template::literal(text)
        .map(std::borrow::Cow::into_owned)
        .unwrap_or_else(|_| text.replace("{{", "{ {"))
}

/// Why a parameter `in` `location` named `name` cannot be written in a step, if it cannot:
/// an empty name, or a header's or cookie's name that is no HTTP token (`X Id`, `a:b`).
fn unwritable(location: &str, name: &str) -> Option<&'static str> {
    if location == "path" {
        return None;
    }
    if name.is_empty() {
        return Some("its name is empty");
    }
    let token = |name: &str| {
        name.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    match location {
        "header" if !token(name) => {
            Some("its name is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~)")
        }
        "cookie" if !token(name) => {
            Some("its name is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~)")
        }
        _ => None,
    }
}
