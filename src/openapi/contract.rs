//! A loaded OpenAPI document as the checks use it: its operations by method and path
//! template, each documented response with its content types (schemas compiled once) and
//! required headers; and the judgement of one response against it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::document::{escape, Documents, Place};
use super::routes::{self, Template};
use super::schema::{Bundle, Bundler, Schema};
use super::{OpenapiError, Version};
use crate::response::Received;

/// The HTTP methods an OpenAPI path item may hold, as written there.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The most schema errors reported for one body.
const MAX_SCHEMA_ERRORS: usize = 5;

/// An OpenAPI document, loaded and compiled.
pub struct Contract {
    /// The document's file.
    pub path: PathBuf,
    /// `info.title`.
    pub title: String,
    /// 3.0 or 3.1.
    pub version: Version,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// The servers' base paths, longest first, `""` last.
    base_paths: Vec<String>,
    /// The operations' path templates by shape.
    routes: routes::Routes,
    documents: Documents,
    bundle: Bundle,
}

/// One operation: a method on a path template.
pub struct Operation {
    /// `operationId`, else `METHOD /path`.
    pub id: String,
    /// Upper case, e.g. `GET`.
    pub method: String,
    /// The path template, e.g. `/pets/{petId}`.
    pub path: String,
    /// The documented responses, in document order.
    pub responses: Vec<Response>,
    template: Template,
}

/// One documented response of an operation.
pub struct Response {
    /// The key as written: `200`, `2XX` or `default`.
    pub status: String,
    /// Where it is written, `file#/pointer`.
    pub written_at: String,
    content: Vec<Media>,
    required_headers: Vec<String>,
    /// Headers with a schema: name, the schema's `type` (how to read the text), the schema.
    typed_headers: Vec<TypedHeader>,
}

struct TypedHeader {
    name: String,
    kind: String,
    schema: Option<std::sync::Arc<Schema>>,
}

/// A response schema still to compile: response index, what it is for, where it is written.
type SchemaSite = (usize, Slot, Place);

/// What a compiled schema is for.
#[derive(Clone, Copy)]
enum Slot {
    /// The body of this media type (an index into `content`).
    Media(usize),
    /// This header (an index into `typed_headers`).
    Header(usize),
}

struct Media {
    /// Lower case, parameters dropped (`application/json`, `application/*`, `*/*`).
    media_type: String,
    /// Shared by every response whose schema is the same reference.
    schema: Option<std::sync::Arc<Schema>>,
}

/// A request that matches no operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmatched {
    /// No path template fits; the nearest ones.
    Path {
        /// Up to three templates closest to the path.
        nearest: Vec<String>,
    },
    /// A template fits but has no operation for the method.
    Method {
        /// The template.
        path: String,
        /// The methods it has.
        allowed: Vec<String>,
    },
}

/// The kinds of contract violations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// No operation has the request's path.
    UnknownPath,
    /// The path has no operation for the method.
    UnknownMethod,
    /// The status is not documented for the operation (and there is no `default`).
    UndocumentedStatus,
    /// The content type is not one the response declares.
    ContentType,
    /// The body is not JSON though its type says so.
    NotJson,
    /// The body does not fit the schema.
    Schema,
    /// A required response header is missing.
    MissingHeader,
    /// A response header's value does not fit its schema.
    HeaderValue,
}

/// One way a response breaks the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What kind.
    pub kind: ViolationKind,
    /// The operation, `listPets (GET /pets)`, or the request when none matched.
    pub operation: String,
    /// Where in the body, a JSON Pointer, for a schema violation.
    pub instance_path: Option<String>,
    /// Where in the document the rule is written, `file#/pointer`.
    pub schema_path: String,
    /// What the document says.
    pub expected: String,
    /// What came back.
    pub actual: String,
}

impl Contract {
    /// Reads the document at `path` (and the files its `$ref`s name) and compiles every
    /// response schema, on a stack of its own with room for the deepest document loaded
    /// ([`super::schema::MAX_NESTING`] levels; the thread's may be 2 MiB).
    pub fn load(path: &Path) -> Result<Contract, OpenapiError> {
        stacker::grow(super::schema::LOAD_STACK, || Contract::load_here(path))
    }

    fn load_here(path: &Path) -> Result<Contract, OpenapiError> {
        let mut documents = Documents::load(path)?;
        // Read in place: a copy of a document of thousands of paths is hundreds of MB.
        let root = documents.root();
        let version = match root.get("openapi").and_then(Value::as_str) {
            Some(v) if v.starts_with("3.0") => Version::V30,
            Some(v) if v.starts_with("3.1") => Version::V31,
            Some(v) => {
                return Err(OpenapiError::NotOpenapi {
                    path: path.to_owned(),
                    reason: format!("it says `openapi: {v}`"),
                })
            }
            None if root.get("swagger").is_some() => return Err(OpenapiError::NotOpenapi {
                path: path.to_owned(),
                reason:
                    "it is Swagger 2.0; convert it to OpenAPI 3 first (e.g. with swagger2openapi)"
                        .into(),
            }),
            None => {
                return Err(OpenapiError::NotOpenapi {
                    path: path.to_owned(),
                    reason: "it has no `openapi` version field".into(),
                })
            }
        };
        let title = root
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut base_paths = vec![String::new()];
        let add_servers = |servers: Option<&Value>, base_paths: &mut Vec<String>| {
            for server in servers.and_then(Value::as_array).into_iter().flatten() {
                if let Some(url) = server.get("url").and_then(Value::as_str) {
                    let base = routes::base_path(url, server.get("variables"));
                    if !base_paths.contains(&base) {
                        base_paths.push(base);
                    }
                }
            }
        };
        add_servers(root.get("servers"), &mut base_paths);
        let mut bundler = Bundler::new(version);
        let mut pending: Vec<(Operation, Vec<SchemaSite>)> = Vec::new();
        let templates: Vec<String> = root
            .get("paths")
            .and_then(Value::as_object)
            .map(|paths| paths.keys().cloned().collect())
            .unwrap_or_default();
        for template in &templates {
            let item = documents.root()["paths"][template.as_str()].clone();
            let written = Place {
                file: 0,
                pointer: format!("/paths/{}", escape(template)),
            };
            let (item_place, item) = documents.resolve(&written, &item)?;
            add_servers(item.get("servers"), &mut base_paths);
            for method in METHODS {
                let Some(operation) = item.get(*method) else {
                    continue;
                };
                add_servers(operation.get("servers"), &mut base_paths);
                let operation_place = item_place.under(method);
                let id = operation_id(operation, method, template);
                let mut responses = Vec::new();
                let mut schemas = Vec::new();
                let listed = operation
                    .get("responses")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                for (status, response) in &listed {
                    let written = Place {
                        file: operation_place.file,
                        pointer: format!(
                            "{}/responses/{}",
                            operation_place.pointer,
                            escape(status)
                        ),
                    };
                    let (place, response) = documents.resolve(&written, response)?;
                    let mut content = Vec::new();
                    for (media_type, media) in response
                        .get("content")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        if media.get("schema").is_some() {
                            let schema_place = Place {
                                file: place.file,
                                pointer: format!(
                                    "{}/content/{}/schema",
                                    place.pointer,
                                    escape(media_type)
                                ),
                            };
                            schemas.push((
                                responses.len(),
                                Slot::Media(content.len()),
                                schema_place,
                            ));
                        }
                        content.push(Media {
                            media_type: essence(media_type),
                            schema: None,
                        });
                    }
                    let mut required_headers = Vec::new();
                    let mut typed_headers = Vec::new();
                    for (name, header) in response
                        .get("headers")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let header_place = place.under(&format!("headers/{}", escape(name)));
                        let (header_place, header) = documents.resolve(&header_place, header)?;
                        if name.eq_ignore_ascii_case("content-type") {
                            continue;
                        }
                        if header.get("required") == Some(&Value::Bool(true)) {
                            required_headers.push(name.clone());
                        }
                        if let Some(schema) = header.get("schema") {
                            let schema_place = header_place.under("schema");
                            let kind = documents
                                .resolve(&schema_place, schema)
                                .ok()
                                .and_then(|(_, s)| header_kind(s.get("type")?))
                                .unwrap_or_default();
                            schemas.push((
                                responses.len(),
                                Slot::Header(typed_headers.len()),
                                schema_place,
                            ));
                            typed_headers.push(TypedHeader {
                                name: name.clone(),
                                kind,
                                schema: None,
                            });
                        }
                    }
                    responses.push(Response {
                        status: status.clone(),
                        written_at: documents.describe(&written),
                        content,
                        required_headers,
                        typed_headers,
                    });
                }
                pending.push((
                    Operation {
                        id,
                        method: method.to_uppercase(),
                        path: template.clone(),
                        responses,
                        template: Template::new(template),
                    },
                    schemas,
                ));
            }
        }
        let mut keys = Vec::new();
        for (index, (_, schemas)) in pending.iter().enumerate() {
            for (response, slot, place) in schemas {
                keys.push((index, *response, *slot, bundler.add(&mut documents, place)?));
            }
        }
        let bundle = bundler.finish(&documents, keys.iter().map(|(.., key)| key.as_str()))?;
        let mut operations: Vec<Operation> = pending.into_iter().map(|(op, _)| op).collect();
        let mut shared: std::collections::HashMap<String, std::sync::Arc<Schema>> =
            std::collections::HashMap::new();
        for (operation, response, slot, key) in keys {
            // A schema that is only a reference is shared with its target.
            let key = bundle.target_of(&key);
            let schema = std::sync::Arc::clone(
                shared
                    .entry(key)
                    .or_insert_with_key(|key| std::sync::Arc::new(bundle.schema(key))),
            );
            let response = &mut operations[operation].responses[response];
            match slot {
                Slot::Media(media) => response.content[media].schema = Some(schema),
                Slot::Header(header) => response.typed_headers[header].schema = Some(schema),
            }
        }
        base_paths.sort_by_key(|b| std::cmp::Reverse(b.len()));
        let routes = routes::Routes::new(operations.iter().map(|o| &o.template));
        Ok(Contract {
            path: path.to_owned(),
            title,
            version,
            operations,
            base_paths,
            routes,
            documents,
            bundle,
        })
    }

    /// What of the document's schemas is not checked because it does not compile (a
    /// `pattern` in another regex dialect): left out, the rest checked.
    pub fn unchecked(&self) -> &[super::schema::Unchecked] {
        self.bundle.unchecked()
    }

    /// The operation `method` on `path` (a URL's path, with any server base path) is for.
    pub fn find(&self, method: &str, path: &str) -> Result<usize, Unmatched> {
        let mut method_mismatch: Option<(usize, &Operation)> = None;
        let mut best: Option<(usize, usize)> = None;
        for base in &self.base_paths {
            let Some(rest) = path.strip_prefix(base.as_str()) else {
                continue;
            };
            if !(rest.is_empty() || rest.starts_with('/')) {
                continue;
            }
            let segments: Vec<&str> = routes::split(rest).collect();
            for index in self.routes.candidates(&segments) {
                let Some(operation) = self.operations.get(index) else {
                    continue;
                };
                let Some(literal) = operation.template.fits(&segments) else {
                    continue;
                };
                if !operation.method.eq_ignore_ascii_case(method) {
                    if method_mismatch.is_none_or(|(l, _)| literal > l) {
                        method_mismatch = Some((literal, operation));
                    }
                    continue;
                }
                if best.is_none_or(|(l, _)| literal > l) {
                    best = Some((literal, index));
                }
            }
            if best.is_some() {
                break;
            }
        }
        if let Some((_, index)) = best {
            return Ok(index);
        }
        if let Some((_, operation)) = method_mismatch {
            let allowed = self
                .operations
                .iter()
                .filter(|o| o.path == operation.path)
                .map(|o| o.method.clone())
                .collect();
            return Err(Unmatched::Method {
                path: operation.path.clone(),
                allowed,
            });
        }
        let segments: Vec<&str> = routes::split(path).collect();
        let mut ranked: Vec<(usize, &str)> = Vec::new();
        for operation in &self.operations {
            let distance = self
                .base_paths
                .iter()
                .filter_map(|base| {
                    let rest = path.strip_prefix(base.as_str())?;
                    Some(
                        operation
                            .template
                            .distance(&routes::split(rest).collect::<Vec<_>>()),
                    )
                })
                .min()
                .unwrap_or_else(|| operation.template.distance(&segments));
            if !ranked.iter().any(|(_, p)| *p == operation.path) {
                ranked.push((distance, &operation.path));
            }
        }
        ranked.sort();
        Err(Unmatched::Path {
            nearest: ranked
                .into_iter()
                .take(3)
                .map(|(_, p)| p.to_owned())
                .collect(),
        })
    }

    /// The documented response `status` falls under for `operation`: an exact code, else
    /// its class (`2XX`), else `default`.
    pub fn response_for(&self, operation: usize, status: u16) -> Option<&Response> {
        let responses = &self.operations.get(operation)?.responses;
        let code = status.to_string();
        let class = format!("{}XX", status / 100);
        responses
            .iter()
            .find(|r| r.status == code)
            .or_else(|| {
                responses
                    .iter()
                    .find(|r| r.status.eq_ignore_ascii_case(&class))
            })
            .or_else(|| responses.iter().find(|r| r.status == "default"))
    }

    /// Judges `response` to a `method` request against the document. `json` gives the body
    /// parsed, when a schema needs it.
    pub fn check<'v>(
        &self,
        method: &str,
        response: &Received,
        json: impl FnOnce() -> Result<&'v Value, String>,
    ) -> Vec<Violation> {
        let request = format!("{} {}", method.to_uppercase(), response.url.path());
        let paths_at = format!("{}#/paths", self.documents.file_name(0));
        let index = match self.find(method, response.url.path()) {
            Ok(index) => index,
            Err(Unmatched::Path { nearest }) => {
                return vec![Violation {
                    kind: ViolationKind::UnknownPath,
                    operation: request,
                    instance_path: None,
                    schema_path: paths_at,
                    expected: if nearest.is_empty() {
                        "a path the document describes".into()
                    } else {
                        format!(
                            "a path the document describes (nearest: {})",
                            nearest.join(", ")
                        )
                    },
                    actual: response.url.path().to_owned(),
                }]
            }
            Err(Unmatched::Method { path, allowed }) => {
                return vec![Violation {
                    kind: ViolationKind::UnknownMethod,
                    operation: request,
                    schema_path: format!("{paths_at}/{}", escape(&path)),
                    instance_path: None,
                    expected: format!("one of {} on {path}", allowed.join(", ")),
                    actual: method.to_uppercase(),
                }]
            }
        };
        let operation = &self.operations[index];
        let name = operation.describe();
        let violation = |kind, schema_path: String, expected: String, actual: String| Violation {
            kind,
            operation: name.clone(),
            instance_path: None,
            schema_path,
            expected,
            actual,
        };
        let Some(documented) = self.response_for(index, response.status) else {
            let listed: Vec<&str> = operation
                .responses
                .iter()
                .map(|r| r.status.as_str())
                .collect();
            let responses_at = operation
                .responses
                .first()
                .map(|r| {
                    r.written_at
                        .rsplit_once('/')
                        .map_or(r.written_at.clone(), |(a, _)| a.to_owned())
                })
                .unwrap_or_else(|| {
                    format!(
                        "{paths_at}/{}/{}",
                        escape(&operation.path),
                        operation.method.to_lowercase()
                    )
                });
            return vec![violation(
                ViolationKind::UndocumentedStatus,
                responses_at,
                format!("a documented status: {}", listed.join(", ")),
                response.status.to_string(),
            )];
        };
        let mut violations = Vec::new();
        for header in &documented.required_headers {
            if response.header(&header.to_ascii_lowercase()).is_none() {
                violations.push(violation(
                    ViolationKind::MissingHeader,
                    format!("{}/headers/{}", documented.written_at, escape(header)),
                    format!("header {header} (required)"),
                    "no such header".into(),
                ));
            }
        }
        for header in &documented.typed_headers {
            let (Some(text), Some(schema)) = (
                response.header(&header.name.to_ascii_lowercase()),
                &header.schema,
            ) else {
                continue;
            };
            let value = header_value(&text, &header.kind);
            for error in schema.errors(&value, &self.bundle, &self.documents, 1) {
                violations.push(violation(
                    ViolationKind::HeaderValue,
                    error.schema_path,
                    format!("header {} {}", header.name, error.expected),
                    error.actual,
                ));
            }
        }
        let content_type = response.header("content-type").unwrap_or_default();
        let content_type = content_type.as_ref();
        let received_type = essence(content_type);
        if documented.content.is_empty() {
            if !response.body.is_empty() {
                violations.push(violation(
                    ViolationKind::ContentType,
                    format!("{}/content", documented.written_at),
                    "no body (the response documents no content)".into(),
                    format!(
                        "{} bytes of {}",
                        response.body.len(),
                        shown_type(content_type)
                    ),
                ));
            }
            return violations;
        }
        // No content where none can be: the answer to HEAD, `204 No Content`, `304 Not
        // Modified`. Any other empty answer without a type is not the content documented.
        let bodiless = method.eq_ignore_ascii_case("head") || matches!(response.status, 204 | 304);
        if response.body.is_empty() && received_type.is_empty() && bodiless {
            return violations;
        }
        let Some(media) = documented.media(&received_type) else {
            let declared: Vec<&str> = documented
                .content
                .iter()
                .map(|m| m.media_type.as_str())
                .collect();
            violations.push(violation(
                ViolationKind::ContentType,
                format!("{}/content", documented.written_at),
                format!("Content-Type {}", declared.join(" or ")),
                shown_type(content_type),
            ));
            return violations;
        };
        let Some(schema) = &media.schema else {
            return violations;
        };
        if !is_json(&received_type) {
            return violations;
        }
        let schema_at = format!(
            "{}/content/{}/schema",
            documented.written_at,
            escape(&media.media_type)
        );
        match json() {
            Ok(body) => {
                for error in schema.errors(body, &self.bundle, &self.documents, MAX_SCHEMA_ERRORS) {
                    violations.push(Violation {
                        kind: ViolationKind::Schema,
                        operation: name.clone(),
                        instance_path: Some(error.instance_path),
                        schema_path: error.schema_path,
                        expected: error.expected,
                        actual: error.actual,
                    });
                }
            }
            Err(reason) => violations.push(violation(
                ViolationKind::NotJson,
                schema_at,
                "a JSON body".into(),
                reason,
            )),
        }
        violations
    }
}

impl Operation {
    /// `listPets (GET /pets)`, or `GET /pets` for an operation without an `operationId`.
    pub fn describe(&self) -> String {
        let request = format!("{} {}", self.method, self.path);
        if self.id == request {
            request
        } else {
            format!("{} ({request})", self.id)
        }
    }
}

impl Response {
    /// The declared media type `received` falls under: exact, `type/*`, then `*/*`.
    fn media(&self, received: &str) -> Option<&Media> {
        let wildcard = received.split('/').next().map(|t| format!("{t}/*"));
        self.content
            .iter()
            .find(|m| m.media_type == received)
            .or_else(|| {
                self.content
                    .iter()
                    .find(|m| Some(&m.media_type) == wildcard.as_ref())
            })
            .or_else(|| self.content.iter().find(|m| m.media_type == "*/*"))
    }
}

/// A header's text as the JSON value its schema's `type` reads it as (text that does not
/// parse stays text, and fails the schema).
/// The type a header's text is read as: `type`, or (3.1) the first of `type: [integer,
/// "null"]` that is not `null`.
fn header_kind(declared: &Value) -> Option<String> {
    match declared {
        Value::String(kind) => Some(kind.clone()),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .map(str::to_owned),
        _ => None,
    }
}

fn header_value(text: &str, kind: &str) -> Value {
    let parsed = match kind {
        "integer" | "number" => text
            .trim()
            .parse::<serde_json::Number>()
            .ok()
            .map(Value::Number),
        "boolean" => text.trim().parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}

/// A media type without parameters, lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A JSON media type (`application/json`, `application/problem+json`).
pub fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

fn shown_type(content_type: &str) -> String {
    if content_type.is_empty() {
        "no Content-Type".into()
    } else {
        content_type.to_owned()
    }
}

/// How an operation is named everywhere (checks, coverage, the importer's links): its
/// `operationId`, else `METHOD /path` (`GET /pets/{petId}`).
pub fn operation_id(operation: &Value, method: &str, template: &str) -> String {
    operation
        .get("operationId")
        .and_then(Value::as_str)
        .map_or_else(
            || format!("{} {template}", method.to_uppercase()),
            str::to_owned,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(yaml: &str) -> (tempfile::TempDir, Contract) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("api.yaml");
        std::fs::write(&path, yaml).expect("write");
        let contract = Contract::load(&path).expect("loads");
        (dir, contract)
    }

    fn response(status: u16, url: &str, content_type: &str, body: &str) -> Received {
        let mut received =
            Received::new(status, url::Url::parse(url).expect("url"), body.to_owned());
        if let Ok(value) = content_type.parse() {
            received.headers.insert("content-type", value);
        }
        received
    }

    fn check(contract: &Contract, method: &str, received: &Received) -> Vec<Violation> {
        let body: Option<Value> = serde_json::from_slice(&received.body).ok();
        contract.check(method, received, || {
            body.as_ref().ok_or_else(|| "not JSON".to_owned())
        })
    }

    const API: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
paths:
  /items/{id}:
    get:
      operationId: getItem
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Item" }
        4XX:
          description: client error
  /items/mine:
    get:
      operationId: mine
      responses:
        "200": { description: ok, content: { "text/*": {} } }
components:
  schemas:
    Item:
      type: object
      required: [id, price, secret]
      properties:
        id: { type: integer, format: int32 }
        price: { type: number, maximum: 10, exclusiveMaximum: true }
        note: { type: string, nullable: true }
        secret: { type: string, writeOnly: true }
        pet:
          oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }]
          discriminator: { propertyName: kind }
    Cat: { type: object, required: [kind], properties: { kind: { type: string }, meows: { type: boolean } } }
    Dog: { type: object, required: [kind], properties: { kind: { type: string }, barks: { type: boolean } } }
"##;

    #[test]
    fn a_header_typed_as_a_list_of_types_reads_as_its_first_that_is_not_null() {
        use serde_json::json;
        assert_eq!(header_kind(&json!("integer")), Some("integer".into()));
        assert_eq!(
            header_kind(&json!(["null", "integer"])),
            Some("integer".into())
        );
        assert_eq!(header_kind(&json!(["null"])), None);
        assert_eq!(header_value("42", "integer"), json!(42));
    }

    #[test]
    fn a_literal_path_wins_and_the_base_path_is_optional() {
        let (_dir, contract) = contract(API);
        let mine = contract.find("GET", "/v1/items/mine").expect("found");
        assert_eq!(contract.operations[mine].id, "mine");
        let item = contract.find("get", "/items/7").expect("found");
        assert_eq!(contract.operations[item].id, "getItem");
        assert_eq!(
            contract.find("DELETE", "/items/7"),
            Err(Unmatched::Method {
                path: "/items/{id}".into(),
                allowed: vec!["GET".into()]
            })
        );
        match contract.find("GET", "/v1/itemz/7") {
            Err(Unmatched::Path { nearest }) => assert_eq!(nearest[0], "/items/{id}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dialect_3_0_is_translated_before_validation() {
        let (_dir, contract) = contract(API);
        let url = "https://api.example.com/v1/items/1";
        let fits = r#"{"id": 1, "price": 9.5, "note": null, "pet": {"kind": "Cat", "meows": true, "barks": true}}"#;
        assert_eq!(
            check(
                &contract,
                "GET",
                &response(200, url, "application/json; charset=utf-8", fits)
            ),
            []
        );
        let breaks = r#"{"id": 4294967296, "price": 10, "note": 3, "pet": {"kind": "Cow"}}"#;
        let violations = check(
            &contract,
            "GET",
            &response(200, url, "application/json", breaks),
        );
        let at: Vec<&str> = violations
            .iter()
            .filter_map(|v| v.instance_path.as_deref())
            .collect();
        assert!(
            at.contains(&"/id")
                && at.contains(&"/price")
                && at.contains(&"/note")
                && at.contains(&"/pet/kind"),
            "{violations:#?}"
        );
        let price = violations
            .iter()
            .find(|v| v.instance_path.as_deref() == Some("/price"))
            .expect("price");
        assert_eq!(
            price.schema_path,
            "api.yaml#/components/schemas/Item/properties/price/exclusiveMaximum"
        );
    }

    #[test]
    fn statuses_fall_under_their_class_and_content_types_under_wildcards() {
        let (_dir, contract) = contract(API);
        let url = "https://api.example.com/v1/items/1";
        assert_eq!(check(&contract, "GET", &response(404, url, "", "")), []);
        let undocumented = check(&contract, "GET", &response(500, url, "", ""));
        assert_eq!(undocumented[0].kind, ViolationKind::UndocumentedStatus);
        assert_eq!(undocumented[0].expected, "a documented status: 200, 4XX");
        let mine = "https://api.example.com/v1/items/mine";
        assert_eq!(
            check(&contract, "GET", &response(200, mine, "text/plain", "hi")),
            []
        );
        let html = check(&contract, "GET", &response(200, url, "text/html", "<p>"));
        assert_eq!(html[0].kind, ViolationKind::ContentType);
        let body_without_content =
            check(&contract, "GET", &response(404, url, "text/plain", "gone"));
        assert_eq!(body_without_content[0].kind, ViolationKind::ContentType);
    }

    #[test]
    fn coverage_counts_operations_and_statuses() {
        let (_dir, contract) = contract(API);
        let mut coverage = crate::openapi::Coverage::new(&contract);
        coverage.record(
            &contract,
            "GET",
            "https://api.example.com/v1/items/1",
            Some(200),
        );
        coverage.record(
            &contract,
            "GET",
            "https://api.example.com/v1/items/2",
            Some(500),
        );
        coverage.record(
            &contract,
            "GET",
            "https://api.example.com/v1/other",
            Some(200),
        );
        coverage.record(
            &contract,
            "GET",
            "https://api.example.com/v1/items/mine",
            None,
        );
        let summary = coverage.summary("api.yaml");
        assert_eq!(
            (summary.operations_exercised, summary.operations_total),
            (1, 2)
        );
        assert_eq!((summary.statuses_exercised, summary.statuses_total), (1, 3));
        assert_eq!(summary.operations[0].undocumented, [500]);
        assert_eq!(summary.operations[0].missed, ["4XX"]);
        assert_eq!(summary.outside_the_document, ["GET /v1/other"]);
        assert_eq!(summary.operations_percent, 50.0);
    }

    #[test]
    fn a_schema_that_only_refers_back_to_itself_is_a_load_error_and_recursion_is_fine() {
        let spec = |components: &str| {
            format!("openapi: 3.0.0\ninfo: {{ title: t, version: '1' }}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{ $ref: '#/components/schemas/A' }}\ncomponents:\n  schemas:\n{components}")
        };
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("api.yaml");
        for cycle in [
            "    A: { $ref: '#/components/schemas/B' }\n    B: { $ref: '#/components/schemas/A' }\n",
            "    A: { allOf: [{ $ref: '#/components/schemas/A' }] }\n",
        ] {
            std::fs::write(&path, spec(cycle)).expect("write");
            let error = Contract::load(&path).err().expect("an error").to_string();
            assert!(error.contains("refers back to itself"), "{error}");
        }
        let tree = "    A: { type: object, properties: { children: { type: array, items: { $ref: '#/components/schemas/A' } } } }\n";
        std::fs::write(&path, spec(tree)).expect("write");
        let contract = Contract::load(&path).expect("a recursive schema loads");
        let bad = response(
            200,
            "http://h/a",
            "application/json",
            r#"{"children": [{"children": "x"}]}"#,
        );
        let violations = check(&contract, "GET", &bad);
        assert_eq!(
            violations[0].instance_path.as_deref(),
            Some("/children/0/children")
        );
    }

    #[test]
    fn a_schema_that_does_not_compile_is_left_unchecked_and_said_where() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("api.yaml");
        let response = |pattern: &str| {
            format!("      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{ type: string, pattern: '{pattern}' }}\n")
        };
        std::fs::write(
            &path,
            format!(
                "openapi: 3.0.0\ninfo: {{ title: t, version: '1' }}\npaths:\n  /a:\n    get:\n{}  /b:\n    get:\n{}  /c:\n    get:\n{}",
                response("^a$"),
                response("("),
                response("^a$").replace("type: string", "type: text"),
            ),
        )
        .expect("write");
        let contract = Contract::load(&path).expect("it loads");
        let unchecked: Vec<(&str, &str)> = contract
            .unchecked()
            .iter()
            .map(|u| (u.at.as_str(), u.what.as_str()))
            .collect();
        assert_eq!(
            unchecked,
            [
                (
                    "api.yaml#/paths/~1b/get/responses/200/content/application~1json/schema/pattern",
                    "its pattern `(`"
                ),
                (
                    "api.yaml#/paths/~1c/get/responses/200/content/application~1json/schema",
                    "the schema"
                )
            ],
            "{:?}",
            contract.unchecked()
        );
    }

    #[test]
    fn swagger_2_and_broken_references_are_load_errors() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("s.yaml");
        std::fs::write(&path, "swagger: '2.0'\n").expect("write");
        let error = Contract::load(&path).err().expect("an error").to_string();
        assert!(error.contains("Swagger 2.0"), "{error}");
        std::fs::write(&path, "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '200': { $ref: '#/nowhere' }\n").expect("write");
        let error = Contract::load(&path).err().expect("an error").to_string();
        assert!(
            error.contains("#/nowhere") && error.contains("nothing is there"),
            "{error}"
        );
    }

    /// What JSON Schema 2020-12 (§6.1.1: an integer is any number whose fractional part is
    /// zero) and OpenAPI (3.0's `nullable`; `int32`/`int64` ranges) say of `instance` against a
    /// schema that allows `types` (`None`: any), nullable in 3.0 when `nullable`, of `format`,
    /// with an `enum` when `one_of` is given.
    fn spec_says(
        version: Version,
        types: Option<&[&str]>,
        nullable: bool,
        format: Option<&str>,
        one_of: Option<&[&str]>,
        instance: &Value,
    ) -> bool {
        let null_allowed = version == Version::V30 && nullable;
        if instance.is_null() && null_allowed {
            return true;
        }
        // The number's exact value when it is whole; f64 values past ±2^64 fit no format.
        let whole: Option<i128> = match instance {
            Value::Number(n) => n
                .as_i64()
                .map(i128::from)
                .or(n.as_u64().map(i128::from))
                .or(n
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1.8e19)
                    .map(|f| f as i128)),
            _ => None,
        };
        let is_integer = match instance {
            Value::Number(n) => n.as_f64().is_some_and(|f| f.fract() == 0.0),
            _ => false,
        };
        let kind = match instance {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let typed = types.is_none_or(|types| {
            types.contains(&kind) || (is_integer && types.contains(&"integer"))
        });
        let listed = one_of
            .is_none_or(|values| instance.as_str().is_some_and(|text| values.contains(&text)));
        let formatted = match (format, instance) {
            (Some("int32"), Value::Number(_)) => whole.is_some_and(|i| i32::try_from(i).is_ok()),
            (Some("int64"), Value::Number(_)) => whole.is_some_and(|i| i64::try_from(i).is_ok()),
            _ => true,
        };
        typed && listed && formatted
    }

    /// Integer-valued floats, `int32`/`int64` bounds, `type` lists with `integer`, and
    /// `nullable` in 3.0 and 3.1: every schema of a generated table against every instance,
    /// the verdict the specifications give.
    #[test]
    fn integers_formats_and_nullable_are_judged_as_the_specifications_say() {
        use serde_json::json;
        type Case = (
            Option<&'static [&'static str]>,
            bool,
            Option<&'static str>,
            Option<&'static [&'static str]>,
        );
        let cases: &[Case] = &[
            (Some(&["integer"]), false, None, None),
            (Some(&["integer"]), false, Some("int32"), None),
            (Some(&["integer"]), false, Some("int64"), None),
            (Some(&["number"]), false, Some("int32"), None),
            (Some(&["number"]), false, Some("int64"), None),
            (Some(&["integer"]), true, None, None),
            (Some(&["integer"]), true, Some("int32"), None),
            (Some(&["integer"]), true, Some("int64"), None),
            (Some(&["number"]), true, None, None),
            (Some(&["string"]), true, None, None),
            (None, true, None, Some(&["a", "b"])),
            (Some(&["string"]), true, None, Some(&["a", "b"])),
            (Some(&["integer", "null"]), false, None, None),
            (Some(&["integer", "null"]), false, Some("int32"), None),
            (Some(&["integer", "string"]), false, None, None),
            (Some(&["integer", "number"]), false, None, None),
            (Some(&["string", "null"]), false, None, None),
        ];
        let instances = [
            "1",
            "1.0",
            "-1.0",
            "0.0",
            "-0.0",
            "1.5",
            "-2.5",
            "1e2",
            "2147483647",
            "2147483647.0",
            "2147483648",
            "2147483648.0",
            "-2147483648.0",
            "-2147483649.0",
            "9223372036854775807",
            "9223372036854775808",
            "9.223372036854776e18",
            "-9.223372036854776e18",
            "18446744073709551615",
            "1e300",
            "null",
            "\"1\"",
            "\"a\"",
            "true",
            "[]",
            "{}",
        ];
        let mut wrong = Vec::new();
        for version in [Version::V30, Version::V31] {
            let mut paths = String::new();
            for (i, (types, nullable, format, one_of)) in cases.iter().enumerate() {
                let mut schema = serde_json::Map::new();
                match types {
                    Some([one]) => {
                        schema.insert("type".into(), json!(one));
                    }
                    Some(list) => {
                        schema.insert("type".into(), json!(list));
                    }
                    None => {}
                }
                if *nullable {
                    schema.insert("nullable".into(), json!(true));
                }
                if let Some(format) = format {
                    schema.insert("format".into(), json!(format));
                }
                if let Some(values) = one_of {
                    schema.insert("enum".into(), json!(values));
                }
                paths.push_str(&format!(
                    "  /s{i}:\n    get:\n      responses:\n        \"200\": {{ description: ok, content: {{ application/json: {{ schema: {} }} }} }}\n",
                    Value::Object(schema)
                ));
            }
            let openapi = if version == Version::V30 {
                "3.0.3"
            } else {
                "3.1.0"
            };
            let (_dir, contract) = contract(&format!(
                "openapi: {openapi}\ninfo: {{ title: t, version: '1' }}\npaths:\n{paths}"
            ));
            for (i, (types, nullable, format, one_of)) in cases.iter().enumerate() {
                for text in instances {
                    let instance: Value = serde_json::from_str(text).expect("JSON");
                    let expected =
                        spec_says(version, *types, *nullable, *format, *one_of, &instance);
                    let url = format!("https://x.test/s{i}");
                    let violations = check(
                        &contract,
                        "GET",
                        &response(200, &url, "application/json", text),
                    );
                    if violations.is_empty() != expected {
                        wrong.push(format!(
                            "{version:?} {types:?} nullable={nullable} {format:?} {one_of:?} {text}: expected {}, got {violations:?}",
                            if expected { "pass" } else { "fail" }
                        ));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
