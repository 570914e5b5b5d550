//! `runner import openapi`: an OpenAPI 3.0/3.1 document as a smoke suite — one step per
//! operation (filtered by tag, operation id, path), creates before reads before updates
//! before deletes (and a link's source before its target), parameters and bodies from the
//! document's examples, defaults or schemas, security schemes as auth helpers with secret
//! inputs, `servers` as environments, every step expecting its documented success status and
//! `openapi: true`. What cannot be derived is never made up: a placeholder reads a required
//! input (the run refuses to start without it), a binary body or file part names a file the
//! user puts in place (the collection does not load without it); each is listed in the
//! report, and `--strict` refuses them.

mod body;
mod derived;
mod ids;
mod links;
mod security;
mod servers;
mod shape;
#[cfg(test)]
mod tests;
mod values;
mod writer;

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use servers::{resolve, server_comments, servers, without_user_info};
use writer::Writer;

use super::yaml::{self, Map, Node};
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
    /// Where the document is served: relative server URLs (`/api/v3`, and the `/` a document
    /// without `servers` means) are resolved against it, as OpenAPI says.
    pub document_url: Option<url::Url>,
}

/// Why a document could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum OpenapiImportError {
    /// The document does not load.
    #[error(transparent)]
    Load(#[from] OpenapiError),
    /// `paths` is not a map of paths.
    #[error("{source_name} is not a valid OpenAPI document: {problem}")]
    Shape {
        /// The file.
        source_name: String,
        /// Where, what it is, what it should be.
        problem: String,
    },
    /// The filters left nothing.
    #[error("{source_name} has no operation left to import ({total} operations; the filters --tag, --operation-id, --path matched none)")]
    Empty {
        /// The file.
        source_name: String,
        /// Operations in the document.
        total: usize,
    },
    /// The document describes no operation under `paths` (only components, or webhooks —
    /// requests the API sends, not ones to send it).
    #[error("{source_name} has no operation to import: {what}{webhooks}")]
    NoOperations {
        /// The file.
        source_name: String,
        /// What its `paths` hold.
        what: &'static str,
        /// A note on webhooks, when it has some.
        webhooks: &'static str,
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
    /// The path item's `servers`, when it has its own.
    item_servers: Option<Value>,
    order: usize,
    /// Its step's id, unique in the collection ([`ids::assign`]).
    step_id: String,
    /// What its captures, its files and the links to it are named after: its operationId
    /// (else `METHOD /path`), or its step id when another operation's is the same.
    key: String,
    /// The links of its responses, followed through their `$ref`s ([`links::assign`]).
    links: Vec<links::Link>,
}

impl Operation {
    /// `GET /path`.
    fn method_and_path(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Its step's name: `operationId: summary`.
    fn step_name(&self) -> String {
        step_name(&self.value, &self.method, &self.path)
    }
}

/// The name of an operation's step: `operationId: summary` (else `METHOD /path`).
fn step_name(operation: &Value, method: &str, template: &str) -> String {
    let id = crate::openapi::contract::operation_id(operation, method, template);
    match operation.get("summary").and_then(Value::as_str) {
        Some(summary) => format!("{id}: {}", summary.trim()),
        None => id,
    }
}

/// Imports the document at `path`.
pub fn import(path: &Path, settings: &Settings) -> Result<Imported, OpenapiImportError> {
    let source_name = path.display().to_string();
    let contract_check = crate::openapi::Contract::load(path)?;
    let mut documents = Documents::load(path)?;
    let root = documents.root().clone();
    let mut report = Report::default();
    shape::check(&mut documents, &root, path, &mut report)?;
    shape::unchecked(contract_check.unchecked(), &mut report);
    drop(contract_check);
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
        let item_servers = item.get("servers").cloned();
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
                place: item_place.under(method),
                value: operation.clone(),
                inherited: inherited.clone(),
                item_servers: item_servers.clone(),
                order: operations.len(),
                step_id: String::new(),
                key: String::new(),
                links: Vec::new(),
            });
        }
    }
    if total == 0 {
        let what = match root.get("paths").and_then(Value::as_object) {
            None => "it has no `paths`",
            Some(paths) if paths.is_empty() => "its `paths` are empty",
            Some(_) => {
                "no path under `paths` has a get, put, post, delete, options, head, patch or trace"
            }
        };
        let webhooks = if root
            .get("webhooks")
            .and_then(Value::as_object)
            .is_some_and(|w| !w.is_empty())
        {
            " (its `webhooks` are requests the API sends to you: runner does not send them)"
        } else {
            ""
        };
        return Err(OpenapiImportError::NoOperations {
            source_name,
            what,
            webhooks,
        });
    }
    if operations.is_empty() {
        return Err(OpenapiImportError::Empty { source_name, total });
    }
    links::assign(&mut documents, &mut operations, &mut report);
    order(&mut operations);
    ids::assign(&mut operations, &mut report);

    let mut writer = Writer {
        documents: &mut documents,
        report: &mut report,
        inputs: Map::block(),
        input_descriptions: HashMap::new(),
        vars: Map::block(),
        captures: HashMap::new(),
        by_path: children(&operations),
        keys: keys(&operations),
        document_servers: root.get("servers").cloned().unwrap_or(Value::Null),
        document_url: settings.document_url.clone(),
        server_variables: Vec::new(),
        placeholders: HashMap::new(),
        item: String::new(),
    };
    let defaults_auth = writer.security(root.get("security"), "collection");
    let mut steps = Vec::new();
    for operation in &operations {
        steps.push(writer.step(operation, root.get("security"), defaults_auth.as_ref())?);
    }
    let mut servers = servers(&root, writer.report);
    if servers.is_empty() {
        // OpenAPI: a document without servers has one, `/`.
        servers.push("/".into());
    }
    let base_urls: Vec<String> = servers
        .iter()
        .map(|url| resolve(url, settings.document_url.as_ref()))
        .map(|server| {
            let server = without_user_info(server, "collection", writer.report);
            writer.base_url(&server)
        })
        .collect();
    let Writer {
        inputs,
        mut vars,
        server_variables,
        ..
    } = writer;

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
    base.insert_commented("base_url", base_urls[0].clone(), server_comments(&root));
    for variable in server_variables {
        let comments = variable.comments();
        base.insert_commented(variable.name, variable.value, comments);
    }
    for entry in vars.entries.drain(..) {
        base.entries.push(entry);
    }
    top.insert("vars", Node::Map(base));
    if servers.len() > 1 {
        let mut environments = Map::block();
        for (index, url) in base_urls.iter().enumerate() {
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
    if let Some(secured) = defaults_auth {
        defaults.insert("auth", secured.auth);
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
    let links: Vec<(usize, usize)> = operations
        .iter()
        .flat_map(|o| {
            o.links
                .iter()
                .filter_map(|link| link.target)
                .filter(move |target| *target != o.order)
                .map(move |target| (o.order, target))
        })
        .collect();
    for _ in 0..operations.len().min(50) {
        let mut moved = false;
        for (source, target) in &links {
            let s = operations.iter().position(|o| o.order == *source);
            let t = operations.iter().position(|o| o.order == *target);
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

/// For each `{parent}/{`: the parameter and key of every operation on `{parent}/{param}`.
fn children(operations: &[Operation]) -> HashMap<String, Vec<(String, String)>> {
    let mut map: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for operation in operations {
        let template = &operation.path;
        let Some(open) = template.rfind("/{") else {
            continue;
        };
        if !template.ends_with('}') {
            continue;
        }
        let parameter = template[open + 2..template.len() - 1].to_owned();
        let prefix = template[..open + 2].to_owned();
        map.entry(prefix)
            .or_default()
            .push((parameter, operation.key.clone()));
    }
    map
}

/// Each operation's [`Operation::order`] (what a link's target is) → its key.
fn keys(operations: &[Operation]) -> HashMap<usize, String> {
    operations
        .iter()
        .map(|operation| (operation.order, operation.key.clone()))
        .collect()
}
