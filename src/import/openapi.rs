//! `runner import openapi`: an OpenAPI 3.0/3.1 document as a smoke suite — one step per
//! operation (filtered by tag, operation id, path), creates before reads before updates
//! before deletes (and a link's source before its target), parameters and bodies from the
//! document's examples, defaults or schemas, security schemes as auth helpers with secret
//! inputs, `servers` as environments, every step expecting its documented success status and
//! `openapi: true`. What cannot be derived is written as a placeholder (`TODO_...`) and
//! listed in the report; `--strict` refuses it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{json, Map as JsonMap, Value};

use super::yaml::{self, from_json, Item, Map, Node};
use super::Imported;
use crate::openapi::contract::METHODS;
use crate::openapi::document::{escape, Documents, Place};
use crate::openapi::OpenapiError;
use crate::postman::Report;

/// Which operations to import, and how to write the collection.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Only operations with one of these tags; empty: all.
    pub tags: Vec<String>,
    /// Only these operation ids; empty: all.
    pub operation_ids: Vec<String>,
    /// Only paths that start with one of these (e.g. `/pets`); empty: all.
    pub paths: Vec<String>,
    /// The `openapi:` value written: the document, relative to the collection file.
    pub document: String,
    /// The `$schema` reference on the first line.
    pub schema: String,
}

/// Why a document could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum OpenapiImportError {
    /// The document does not load.
    #[error(transparent)]
    Load(#[from] OpenapiError),
    /// The filters left nothing.
    #[error("{source_name} has no operation left to import ({total} operations; the filters --tag, --operation-id, --path matched none)")]
    Empty {
        /// The file.
        source_name: String,
        /// Operations in the document.
        total: usize,
    },
}

/// One operation as the importer reads it.
struct Operation {
    method: String,
    path: String,
    place: Place,
    value: Value,
    /// Path-item parameters.
    inherited: Vec<Value>,
    order: usize,
}

/// The deepest a schema-derived value goes.
const MAX_DEPTH: usize = 6;

/// Imports the document at `path`.
pub fn import(path: &Path, settings: &Settings) -> Result<Imported, OpenapiImportError> {
    let source_name = path.display().to_string();
    let contract_check = crate::openapi::Contract::load(path)?;
    drop(contract_check);
    let mut documents = Documents::load(path)?;
    let root = documents.root().clone();
    let mut report = Report::default();
    let mut operations = Vec::new();
    let mut total = 0;
    for (template, item) in root
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let written = Place {
            file: 0,
            pointer: format!("/paths/{}", escape(template)),
        };
        let (item_place, item) = documents.resolve(&written, item)?;
        let inherited: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in METHODS {
            let Some(operation) = item.get(*method) else {
                continue;
            };
            total += 1;
            let id = operation.get("operationId").and_then(Value::as_str);
            let tags: Vec<&str> = operation
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if !settings.tags.is_empty()
                && !tags.iter().any(|t| settings.tags.iter().any(|w| w == t))
            {
                continue;
            }
            if !settings.operation_ids.is_empty()
                && !id.is_some_and(|id| settings.operation_ids.iter().any(|w| w == id))
            {
                continue;
            }
            if !settings.paths.is_empty()
                && !settings
                    .paths
                    .iter()
                    .any(|p| template.starts_with(p.as_str()))
            {
                continue;
            }
            operations.push(Operation {
                method: method.to_uppercase(),
                path: template.clone(),
                place: Place {
                    file: item_place.file,
                    pointer: format!("{}/{method}", item_place.pointer),
                },
                value: operation.clone(),
                inherited: inherited.clone(),
                order: operations.len(),
            });
        }
    }
    if operations.is_empty() {
        return Err(OpenapiImportError::Empty { source_name, total });
    }
    order(&mut operations);

    let mut writer = Writer {
        documents: &mut documents,
        report: &mut report,
        inputs: Map::block(),
        input_names: HashSet::new(),
        vars: Map::block(),
        captures: HashMap::new(),
        by_path: children(&root),
    };
    let defaults_auth = writer.security(root.get("security"), "collection");
    let mut steps = Vec::new();
    for operation in &operations {
        steps.push(writer.step(operation, root.get("security"))?);
    }
    let Writer {
        inputs, mut vars, ..
    } = writer;

    let servers = servers(&root);
    let mut top = Map::block();
    let title = root
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("imported API")
        .to_owned();
    top.insert("name", title.clone());
    if let Some(description) = root.pointer("/info/description").and_then(Value::as_str) {
        top.insert(
            "description",
            crate::spec::text::shorten(description.trim(), 300).into_owned(),
        );
    }
    top.insert_commented(
        "openapi",
        settings.document.clone(),
        vec!["Every response is checked against this document (defaults.expect.openapi).".into()],
    );
    if !inputs.is_empty() {
        top.insert("inputs", Node::Map(inputs));
    }
    let mut base = Map::block();
    let first = servers.first().cloned().unwrap_or_else(|| {
        report.lossy(
            "collection",
            "servers",
            "the document names no server: set `base_url` to the API's URL",
        );
        "TODO_BASE_URL".to_owned()
    });
    base.insert("base_url", first);
    for entry in vars.entries.drain(..) {
        base.entries.push(entry);
    }
    top.insert("vars", Node::Map(base));
    if servers.len() > 1 {
        let mut environments = Map::block();
        for (index, url) in servers.iter().enumerate() {
            let mut vars = Map::inline();
            vars.insert("base_url", url.clone());
            let mut environment = Map::block();
            environment.insert("vars", Node::Map(vars));
            environments.insert(format!("server_{}", index + 1), Node::Map(environment));
        }
        top.insert_commented(
            "environments",
            Node::Map(environments),
            vec![
                "The document's servers; choose one with --env (default: the first, in vars)."
                    .into(),
            ],
        );
    }
    let mut defaults = Map::block();
    if let Some(auth) = defaults_auth {
        defaults.insert("auth", auth);
    }
    let mut expect = Map::inline();
    expect.insert("openapi", true);
    defaults.insert("expect", Node::Map(expect));
    top.insert("defaults", Node::Map(defaults));
    top.insert("steps", Node::Seq(steps));
    let header = vec![
        format!("yaml-language-server: $schema={}", settings.schema),
        format!(
            "Imported from {source_name} ({} {}) by `runner import openapi`.",
            title,
            root.pointer("/info/version")
                .and_then(Value::as_str)
                .unwrap_or_default()
        ),
    ];
    Ok(Imported {
        yaml: yaml::to_string(&header, &top),
        report,
        files: Vec::new(),
        requests: operations.len(),
    })
}

/// Creates, then reads, updates, deletes; shallow paths first (deep first for deletes); a
/// link's source before its target.
fn order(operations: &mut [Operation]) {
    let rank = |o: &Operation| match o.method.as_str() {
        "POST" => 0,
        "GET" | "HEAD" | "OPTIONS" => 1,
        "PUT" | "PATCH" => 2,
        "DELETE" => 4,
        _ => 3,
    };
    operations.sort_by_key(|o| {
        let depth = o.path.matches('/').count() as i64;
        let depth = if o.method == "DELETE" { -depth } else { depth };
        (rank(o), depth, o.order)
    });
    // A link from one operation to another: the target runs after its source.
    let links: Vec<(String, String)> = operations
        .iter()
        .flat_map(|o| {
            let source = operation_id(o);
            link_targets(&o.value)
                .into_iter()
                .map(move |t| (source.clone(), t))
        })
        .collect();
    for _ in 0..operations.len().min(50) {
        let mut moved = false;
        for (source, target) in &links {
            let s = operations.iter().position(|o| operation_id(o) == *source);
            let t = operations.iter().position(|o| operation_id(o) == *target);
            if let (Some(s), Some(t)) = (s, t) {
                if t < s {
                    operations[t..=s].rotate_left(1);
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

fn operation_id(operation: &Operation) -> String {
    operation
        .value
        .get("operationId")
        .and_then(Value::as_str)
        .map_or_else(
            || format!("{} {}", operation.method, operation.path),
            str::to_owned,
        )
}

/// The operation ids an operation's response links lead to.
fn link_targets(operation: &Value) -> Vec<String> {
    let mut targets = Vec::new();
    for response in operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|r| r.values())
    {
        for link in response
            .get("links")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|l| l.values())
        {
            if let Some(id) = link.get("operationId").and_then(Value::as_str) {
                targets.push(id.to_owned());
            }
        }
    }
    targets
}

/// For each `{parent}/{`: the parameter and operation of every operation on
/// `{parent}/{param}`.
fn children(root: &Value) -> HashMap<String, Vec<(String, String)>> {
    let mut map: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (template, item) in root
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(open) = template.rfind("/{") else {
            continue;
        };
        if !template.ends_with('}') {
            continue;
        }
        let parameter = template[open + 2..template.len() - 1].to_owned();
        let prefix = template[..open + 2].to_owned();
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                let target = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map_or_else(
                        || format!("{} {template}", method.to_uppercase()),
                        str::to_owned,
                    );
                map.entry(prefix.clone())
                    .or_default()
                    .push((parameter.clone(), target));
            }
        }
    }
    map
}

/// The servers' URLs, variables replaced by their defaults.
fn servers(root: &Value) -> Vec<String> {
    root.get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|server| {
            let mut url = server.get("url")?.as_str()?.to_owned();
            if let Some(Value::Object(variables)) = server.get("variables") {
                for (name, variable) in variables {
                    let default = variable
                        .get("default")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    url = url.replace(&format!("{{{name}}}"), default);
                }
            }
            Some(url.trim_end_matches('/').to_owned())
        })
        .collect()
}

struct Writer<'a> {
    documents: &'a mut Documents,
    report: &'a mut Report,
    inputs: Map,
    input_names: HashSet<String>,
    /// Variables the steps read (placeholders, captured ids).
    vars: Map,
    /// (operation, path parameter) → the variable an earlier step captured for it.
    captures: HashMap<(String, String), String>,
    /// `{parent}/{` → (parameter, operation) of the paths one parameter below a parent.
    by_path: HashMap<String, Vec<(String, String)>>,
}

impl Writer<'_> {
    fn step(
        &mut self,
        operation: &Operation,
        global_security: Option<&Value>,
    ) -> Result<Item, OpenapiError> {
        let id = operation_id(operation);
        let summary = operation.value.get("summary").and_then(Value::as_str);
        let name = match summary {
            Some(summary) => format!("{id}: {}", summary.trim()),
            None => id.clone(),
        };
        let item = name.clone();
        let mut step = Map::block();
        step.insert("name", name);
        let step_id = super::template::Templates::default()
            .name(&id)
            .replace('_', "-");
        let step_id = step_id.trim_matches('-').to_owned();
        if !step_id.is_empty() {
            step.insert("id", step_id);
        }
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
            let place = Place {
                file: operation.place.file,
                pointer: format!("{}/parameters/{i}", operation.place.pointer),
            };
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
            let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
            if !parameters.iter().any(|(_, p)| key(p) == key(&parameter)) {
                parameters.push((place, parameter));
            }
        }
        let mut url = format!("{{{{base_url}}}}{}", operation.path);
        let mut query = Map::inline();
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
            // An optional parameter is sent only when the document gives an example of it.
            let example = if required || explicit_example(parameter) {
                self.parameter_example(place, parameter)
            } else {
                None
            };
            if location == "path" {
                let captured = self.captures.get(&(id.clone(), name.to_owned())).cloned();
                let value = match (captured, example) {
                    (Some(variable), _) => format!("{{{{{variable}}}}}"),
                    (None, Some(value)) => scalar(&value),
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
            let value = match example {
                Some(value) => scalar(&value),
                None => {
                    let variable =
                        self.placeholder(&item, &format!("{location} parameter {name}"), name);
                    format!("{{{{{variable}}}}}")
                }
            };
            match location {
                "query" => query.insert(name, value),
                "header" => headers.insert(name, value),
                "cookie" => cookies.insert(name, value),
                _ => {}
            }
        }
        request.insert("url", url);
        if !query.is_empty() {
            request.insert("query", Node::Map(query));
        }
        if !headers.is_empty() {
            request.insert("headers", Node::Map(headers));
        }
        if !cookies.is_empty() {
            request.insert("cookies", Node::Map(cookies));
        }
        if let Some(body) = operation.value.get("requestBody") {
            let place = Place {
                file: operation.place.file,
                pointer: format!("{}/requestBody", operation.place.pointer),
            };
            let (place, body) = self.documents.resolve(&place, body)?;
            self.body(&item, &place, &body, &mut request, &mut comments);
        }
        if let Some(security) = operation.value.get("security") {
            if Some(security) != global_security {
                if let Some(auth) = self.security(Some(security), &item) {
                    request.insert("auth", auth);
                } else if security.as_array().is_some_and(Vec::is_empty)
                    || security.as_array().is_some_and(|s| {
                        s.iter()
                            .any(|r| r.as_object().is_some_and(JsonMap::is_empty))
                    })
                {
                    request.insert("auth", "none");
                }
            }
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

    /// A variable holding a placeholder the user must fill, reported.
    fn placeholder(&mut self, item: &str, what: &str, name: &str) -> String {
        let variable = super::template::Templates::default().name(name);
        let value = format!("TODO_{}", variable.to_ascii_uppercase());
        if !self.vars.entries.iter().any(|e| e.key == variable) {
            self.vars.insert_commented(
                variable.clone(),
                value.clone(),
                vec![format!(
                    "Placeholder: the document gives no value for {what} ({item})."
                )],
            );
        }
        self.report.lossy(
            item,
            what.to_owned(),
            format!("the document gives no example, default or schema to derive a value from: set `vars.{variable}` (now `{value}`)"),
        );
        variable
    }

    /// A parameter's value: its example, its first named example, its schema's example,
    /// default or enum, else one derived from its schema.
    fn parameter_example(&mut self, place: &Place, parameter: &Value) -> Option<Value> {
        if let Some(example) = parameter.get("example") {
            return Some(example.clone());
        }
        if let Some(Value::Object(examples)) = parameter.get("examples") {
            if let Some(first) = examples.values().next() {
                let (_, resolved) = self.documents.resolve(place, first).ok()?;
                if let Some(value) = resolved.get("value") {
                    return Some(value.clone());
                }
            }
        }
        let schema = parameter.get("schema")?;
        let schema_place = Place {
            file: place.file,
            pointer: format!("{}/schema", place.pointer),
        };
        Some(self.sample(&schema_place, schema, 0, true))
    }

    /// The request body: JSON from an example or the schema, a form from the schema; other
    /// kinds are placeholders.
    fn body(
        &mut self,
        item: &str,
        place: &Place,
        body: &Value,
        request: &mut Map,
        comments: &mut Vec<String>,
    ) {
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            return;
        };
        let chosen = content
            .keys()
            .find(|k| crate::openapi::contract::is_json(&k.to_ascii_lowercase()))
            .or_else(|| {
                content
                    .keys()
                    .find(|k| k.starts_with("application/x-www-form-urlencoded"))
            })
            .or_else(|| content.keys().next())
            .cloned();
        let Some(media_type) = chosen else {
            return;
        };
        let media = &content[&media_type];
        let media_place = Place {
            file: place.file,
            pointer: format!("{}/content/{}", place.pointer, escape(&media_type)),
        };
        let value = self.media_example(&media_place, media);
        let lower = media_type.to_ascii_lowercase();
        if crate::openapi::contract::is_json(&lower) {
            match value {
                Some(value) => {
                    if lower != "application/json" {
                        add_header(request, "Content-Type", &media_type);
                    }
                    request.insert("json", from_json(&value));
                }
                None => {
                    let variable = self.placeholder(item, "request body", "body");
                    request.insert("json", format!("{{{{{variable}}}}}"));
                }
            }
        } else if lower.starts_with("application/x-www-form-urlencoded") {
            let mut form = Map::inline();
            if let Some(Value::Object(fields)) = value {
                for (name, value) in fields {
                    form.insert(name, scalar(&value));
                }
            }
            request.insert("form", Node::Map(form));
        } else if lower.starts_with("text/") {
            let text = value.map(|v| scalar(&v)).unwrap_or_default();
            add_header(request, "Content-Type", &media_type);
            request.insert("body", text);
        } else {
            comments.push(format!("Placeholder: a `{media_type}` body cannot be derived from the document; set `body_file`."));
            self.report.lossy(
                item,
                "request body",
                format!("a `{media_type}` body cannot be derived: point `body_file` at a real file (now a placeholder text)"),
            );
            add_header(request, "Content-Type", &media_type);
            request.insert("body", format!("TODO_BODY ({media_type})"));
        }
    }

    /// A media type's example: `example`, the first of `examples`, else from its schema.
    fn media_example(&mut self, place: &Place, media: &Value) -> Option<Value> {
        if let Some(example) = media.get("example") {
            return Some(example.clone());
        }
        if let Some(Value::Object(examples)) = media.get("examples") {
            if let Some(first) = examples.values().next() {
                if let Ok((_, resolved)) = self.documents.resolve(place, first) {
                    if let Some(value) = resolved.get("value") {
                        return Some(value.clone());
                    }
                }
            }
        }
        let schema = media.get("schema")?;
        let schema_place = Place {
            file: place.file,
            pointer: format!("{}/schema", place.pointer),
        };
        Some(self.sample(&schema_place, schema, 0, true))
    }

    /// A value that fits `schema`: its example, default, first enum value or const, else
    /// built from its type (a request leaves `readOnly` properties out).
    fn sample(&mut self, place: &Place, schema: &Value, depth: usize, request: bool) -> Value {
        let Ok((place, schema)) = self.documents.resolve(place, schema) else {
            return Value::Null;
        };
        for keyword in ["example", "default", "const"] {
            if let Some(value) = schema.get(keyword) {
                return value.clone();
            }
        }
        if let Some(Value::Array(examples)) = schema.get("examples") {
            if let Some(first) = examples.first() {
                return first.clone();
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            if let Some(first) = values.iter().find(|v| !v.is_null()) {
                return first.clone();
            }
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let at = |suffix: String| Place {
            file: place.file,
            pointer: format!("{}{suffix}", place.pointer),
        };
        if let Some(Value::Array(all)) = schema.get("allOf") {
            let mut merged = JsonMap::new();
            let mut other = None;
            for (i, part) in all.iter().enumerate() {
                match self.sample(&at(format!("/allOf/{i}")), part, depth + 1, request) {
                    Value::Object(fields) => merged.extend(fields),
                    Value::Null => {}
                    value => other = Some(value),
                }
            }
            if merged.is_empty() {
                if let Some(value) = other {
                    return value;
                }
            }
            if let Value::Object(own) = self.object(&place, &schema, depth, request) {
                merged.extend(own);
            }
            return Value::Object(merged);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(options)) = schema.get(keyword) {
                if let Some(first) = options.first() {
                    return self.sample(&at(format!("/{keyword}/0")), first, depth + 1, request);
                }
            }
        }
        let kind = match schema.get("type") {
            Some(Value::String(kind)) => kind.clone(),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|k| *k != "null")
                .unwrap_or("null")
                .to_owned(),
            _ if schema.get("properties").is_some() => "object".into(),
            _ if schema.get("items").is_some() => "array".into(),
            _ => String::new(),
        };
        match kind.as_str() {
            "object" => self.object(&place, &schema, depth, request),
            "array" => match schema.get("items") {
                Some(items) => {
                    json!([self.sample(&at("/items".into()), items, depth + 1, request)])
                }
                None => json!([]),
            },
            "integer" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
            "number" => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.5)),
            "boolean" => json!(true),
            "string" => json!(sample_string(&schema)),
            "null" => Value::Null,
            _ => json!("example"),
        }
    }

    fn object(&mut self, place: &Place, schema: &Value, depth: usize, request: bool) -> Value {
        let mut out = JsonMap::new();
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let property_place = Place {
                file: place.file,
                pointer: format!("{}/properties/{}", place.pointer, escape(name)),
            };
            let resolved = self
                .documents
                .resolve(&property_place, property)
                .map(|(_, v)| v)
                .unwrap_or_else(|_| property.clone());
            let read_only = resolved.get("readOnly") == Some(&Value::Bool(true));
            let write_only = resolved.get("writeOnly") == Some(&Value::Bool(true));
            if (request && read_only) || (!request && write_only) {
                continue;
            }
            // Optional properties deep down are left out to keep bodies small.
            if depth > 2 && !required.contains(&name.as_str()) {
                continue;
            }
            out.insert(
                name.clone(),
                self.sample(&property_place, property, depth + 1, request),
            );
        }
        Value::Object(out)
    }

    /// Security requirements as an auth helper (the first requirement that maps to one);
    /// every credential a secret input.
    fn security(&mut self, requirements: Option<&Value>, item: &str) -> Option<Node> {
        let requirements = requirements?.as_array()?;
        let schemes = self
            .documents
            .root()
            .pointer("/components/securitySchemes")
            .cloned()
            .unwrap_or(Value::Null);
        for requirement in requirements {
            let Some(names) = requirement.as_object() else {
                continue;
            };
            if names.len() > 1 {
                self.report.lossy(
                    item,
                    "security",
                    format!(
                        "a requirement that needs several schemes at once ({}) maps to one auth helper; only the first is used",
                        names.keys().cloned().collect::<Vec<_>>().join(" + ")
                    ),
                );
            }
            let Some((name, scopes)) = names.iter().next() else {
                continue;
            };
            let Some(scheme) = schemes.get(name) else {
                continue;
            };
            let place = Place {
                file: 0,
                pointer: format!("/components/securitySchemes/{}", escape(name)),
            };
            let scheme = self
                .documents
                .resolve(&place, scheme)
                .map(|(_, v)| v)
                .unwrap_or_else(|_| scheme.clone());
            let kind = scheme
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let http = scheme
                .get("scheme")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let description =
                |what: &str| format!("{what} for the security scheme `{name}` of the API");
            let mut auth = Map::inline();
            match (kind, http.as_str()) {
                ("http", "bearer") => {
                    let token = self.input(name, "TOKEN", &description("The bearer token"));
                    auth.insert("bearer", format!("{{{{env.{token}}}}}"));
                }
                ("http", "basic") => {
                    let user = self.input(name, "USERNAME", &description("The user name"));
                    let password = self.input(name, "PASSWORD", &description("The password"));
                    let mut basic = Map::inline();
                    basic.insert("username", format!("{{{{env.{user}}}}}"));
                    basic.insert("password", format!("{{{{env.{password}}}}}"));
                    auth.insert("basic", Node::Map(basic));
                }
                ("apiKey", _) => {
                    let key_name = scheme
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("api_key");
                    let location = scheme.get("in").and_then(Value::as_str).unwrap_or("header");
                    if location == "cookie" {
                        self.report.lossy(item, "security", format!("the API key `{name}` goes in a cookie: runner's api_key helper sends a header or a query parameter; a header is written instead"));
                    }
                    let key = self.input(name, "KEY", &description("The API key"));
                    let mut api_key = Map::inline();
                    api_key.insert(
                        if location == "query" {
                            "query"
                        } else {
                            "header"
                        },
                        key_name.to_owned(),
                    );
                    api_key.insert("value", format!("{{{{env.{key}}}}}"));
                    auth.insert("api_key", Node::Map(api_key));
                }
                ("oauth2", _)
                    if scheme
                        .pointer("/flows/clientCredentials/tokenUrl")
                        .is_some() =>
                {
                    let token_url = scheme
                        .pointer("/flows/clientCredentials/tokenUrl")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let id = self.input(name, "CLIENT_ID", &description("The OAuth2 client id"));
                    let secret = self.input(
                        name,
                        "CLIENT_SECRET",
                        &description("The OAuth2 client secret"),
                    );
                    let mut grant = Map::inline();
                    grant.insert("token_url", token_url.to_owned());
                    grant.insert("client_id", format!("{{{{env.{id}}}}}"));
                    grant.insert("client_secret", format!("{{{{env.{secret}}}}}"));
                    let scopes: Vec<&str> = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    if !scopes.is_empty() {
                        grant.insert("scope", scopes.join(" "));
                    }
                    let mut oauth2 = Map::block();
                    oauth2.insert("client_credentials", Node::Map(grant));
                    auth.inline = false;
                    auth.insert("oauth2", Node::Map(oauth2));
                }
                ("oauth2" | "openIdConnect", _) => {
                    let token = self.input(name, "TOKEN", &description("An access token"));
                    self.report.note(item, "security", format!("`{name}` is {kind} with a flow runner cannot run by itself: the step sends a bearer token from the secret input {token}"));
                    auth.insert("bearer", format!("{{{{env.{token}}}}}"));
                }
                _ => {
                    self.report.lossy(item, "security", format!("the security scheme `{name}` ({kind} {http}) has no runner auth helper: add the credentials by hand"));
                    continue;
                }
            }
            return Some(Node::Map(auth));
        }
        None
    }

    /// A secret input named after the scheme, declared once; its name.
    fn input(&mut self, scheme: &str, what: &str, description: &str) -> String {
        let base: String = scheme
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        let name = format!("{}_{what}", base.trim_matches('_'));
        if self.input_names.insert(name.clone()) {
            let mut spec = Map::inline();
            spec.insert("secret", true);
            spec.insert("description", description.to_owned());
            self.inputs.insert(name.clone(), Node::Map(spec));
        }
        name
    }

    /// Captures this operation's success response offers later steps: each link's
    /// `$response.body#/...` parameters, and the `id` a create returns for the paths below.
    fn captures_for(&mut self, operation: &Operation, id: &str) -> Map {
        let mut captures = Map::inline();
        let prefix = super::template::Templates::default().name(id);
        for response in operation
            .value
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|r| r.values())
        {
            for link in response
                .get("links")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|l| l.values())
            {
                let Some(target) = link.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                for (parameter, expression) in link
                    .get("parameters")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let Some(pointer) = expression
                        .as_str()
                        .and_then(|e| e.strip_prefix("$response.body#"))
                    else {
                        continue;
                    };
                    let variable = format!(
                        "{prefix}_{}",
                        super::template::Templates::default().name(parameter)
                    );
                    let jsonpath = pointer_to_jsonpath(pointer);
                    if !captures.entries.iter().any(|e| e.key == variable) {
                        captures.insert(variable.clone(), jsonpath);
                    }
                    self.captures
                        .insert((target.to_owned(), parameter.clone()), variable);
                }
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

    fn returns_id(&mut self, operation: &Operation) -> bool {
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
        let schema_place = Place {
            file: place.file,
            pointer: format!("{}/content/{}/schema", place.pointer, escape(media_type)),
        };
        let sample = self.sample(&schema_place, schema, 0, false);
        sample.get("id").is_some()
    }

    /// Every later operation on `{path}/{param}` gets `param` from `variable`.
    fn id_captures(&mut self, path: &str, variable: &str) {
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

fn sample_string(schema: &Value) -> String {
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "12:00:00",
        "email" => "user@example.com",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "uri" | "url" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZXhhbXBsZQ==",
        _ => "example",
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut text = text.to_owned();
    while text.len() < min {
        text.push('x');
    }
    if text.len() > max {
        text.truncate(max);
    }
    text
}

/// Adds a header to the request's `headers` (made if missing).
fn add_header(request: &mut Map, name: &str, value: &str) {
    match request.get_mut("headers") {
        Some(Node::Map(headers)) => headers.insert(name, value.to_owned()),
        _ => {
            let mut headers = Map::inline();
            headers.insert(name, value.to_owned());
            request.insert("headers", Node::Map(headers));
        }
    }
}

/// The parameter (or its inline schema) has an example or default.
fn explicit_example(parameter: &Value) -> bool {
    parameter.get("example").is_some()
        || parameter.get("examples").is_some()
        || parameter
            .get("schema")
            .is_some_and(|s| s.get("example").is_some() || s.get("default").is_some())
}

/// A parameter value as text.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}
