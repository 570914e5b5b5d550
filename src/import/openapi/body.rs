//! Request bodies for `runner import openapi`: JSON, URL-encoded and multipart forms, text and
//! XML from the document's examples or schemas. What the document cannot give — a binary
//! body, a file part, an XML body without an example — is never made up: a file the user must
//! put in place (the collection does not load until it exists), or a placeholder the run
//! refuses to send until it is set.

use serde_json::Value;

use super::super::yaml::{from_json, Map, Node};
use super::writer::{add_header, json_text, scalar, styled_pairs, Writer};
use crate::openapi::document::{escape, Place};

/// How a media type's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `application/json`, `*+json`: `json`.
    Json,
    /// `application/x-www-form-urlencoded`: `form`.
    Form,
    /// `multipart/form-data` (and other `multipart/*`): `multipart`.
    Multipart,
    /// `text/*`, XML: `body`, from a string example.
    Text,
    /// Anything else (`application/octet-stream`, images, PDF): `body_file`.
    File,
}

impl Kind {
    /// The kind of a media type, by its essence (`type/subtype` without parameters).
    fn of(media_type: &str) -> Kind {
        let essence = essence(media_type);
        if crate::openapi::contract::is_json(&essence) {
            Kind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            Kind::Form
        } else if essence.starts_with("multipart/") {
            Kind::Multipart
        } else if essence.starts_with("text/")
            || essence.ends_with("/xml")
            || essence.ends_with("+xml")
        {
            Kind::Text
        } else {
            Kind::File
        }
    }

    /// Which kind the importer prefers when a body offers several.
    fn preference(self) -> u8 {
        match self {
            Kind::Json => 0,
            Kind::Form => 1,
            Kind::Multipart => 2,
            Kind::Text => 3,
            Kind::File => 4,
        }
    }
}

/// `type/subtype` of a media type, lower case, without parameters.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The step a body is written for.
pub(super) struct BodyStep<'a> {
    /// The step's name, for the report.
    pub(super) item: &'a str,
    /// The step's id: files the user must supply are named after it.
    pub(super) id: &'a str,
}

impl BodyStep<'_> {
    /// Where the collection expects a file the user must supply: `files/<step id>[-<part>]`,
    /// relative to the collection. Only letters, digits, `_` and `-` are kept from the
    /// document's names, so a name can never point outside `files/`.
    fn file_path(&self, part: Option<&str>) -> String {
        let safe = |name: &str| -> String {
            name.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        match part {
            Some(part) => format!("files/{}-{}", safe(self.id), safe(part)),
            None => format!("files/{}", safe(self.id)),
        }
    }
}

impl Writer<'_> {
    /// The request body: the media type the importer prefers (JSON, then a form, multipart,
    /// text, a file), written as its kind says.
    pub(super) fn body(
        &mut self,
        step: &BodyStep,
        place: &Place,
        body: &Value,
        request: &mut Map,
        comments: &mut Vec<String>,
    ) {
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            return;
        };
        let Some(media_type) = content
            .keys()
            .enumerate()
            .min_by_key(|(order, k)| (Kind::of(k).preference(), *order))
            .map(|(_, k)| k.clone())
        else {
            return;
        };
        let media = &content[&media_type];
        let media_place = place.under(&format!("content/{}", escape(&media_type)));
        let mut kind = Kind::of(&media_type);
        // `*/*` (or `application/*`) whose schema or example is a JSON object or array: a
        // JSON body, sent as `application/json`, not a file.
        let wildcard = matches!(essence(&media_type).as_str(), "*/*" | "application/*");
        let mut media_type = media_type.clone();
        if kind == Kind::File && wildcard && self.is_structured(&media_place, media) {
            kind = Kind::Json;
            media_type = "application/json".into();
        }
        if kind == Kind::File {
            self.file_body(step, &media_type, request, comments);
            return;
        }
        // A schema that does not resolve derives nothing, and its passwords cannot be told
        // from the example: said, and the body is left to the user.
        let value = if !self.schema_resolves(step.item, &media_place, media)
            || (kind == Kind::Text && !self.gives_text(&media_place, media))
            || (kind == Kind::Text && self.text_holds_password(&media_place, media))
        {
            None
        } else {
            self.media_example(&media_place, media)
        };
        match kind {
            Kind::Json => self.json_body(step, &media_type, value, request),
            Kind::Form => form_body(media, value, request),
            Kind::Multipart => {
                self.multipart_body(step, &media_place, media, value, request, comments);
            }
            Kind::Text => self.text_body(step, &media_type, value, request),
            Kind::File => {}
        }
    }

    /// Whether the media type's example, or its schema, is a JSON object or array.
    fn is_structured(&mut self, media_place: &Place, media: &Value) -> bool {
        if media
            .get("example")
            .is_some_and(|e| e.is_object() || e.is_array())
        {
            return true;
        }
        let Some(schema) = media.get("schema") else {
            return false;
        };
        let Ok((_, schema)) = self.documents.resolve(&media_place.under("schema"), schema) else {
            return false;
        };
        let kinds: Vec<&str> = match schema.get("type") {
            Some(Value::String(kind)) => vec![kind.as_str()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        kinds.iter().any(|k| *k == "object" || *k == "array")
            || (kinds.is_empty()
                && ["properties", "items", "allOf", "additionalProperties"]
                    .iter()
                    .any(|k| schema.get(*k).is_some()))
    }

    /// Whether the media type's schema (if any) resolves; a note when it does not.
    fn schema_resolves(&mut self, item: &str, media_place: &Place, media: &Value) -> bool {
        let Some(schema) = media.get("schema") else {
            return true;
        };
        let schema_place = media_place.under("schema");
        match self.documents.resolve(&schema_place, schema) {
            Ok(_) => true,
            Err(error) => {
                self.report.note(
                    item,
                    "request body",
                    format!("its schema does not resolve: {error}"),
                );
                false
            }
        }
    }

    /// Whether a text or XML body has a text to send: an example, or a schema of a string
    /// (an object's schema cannot be written as XML).
    fn gives_text(&mut self, media_place: &Place, media: &Value) -> bool {
        if media.get("example").is_some() || media.get("examples").is_some() {
            return true;
        }
        let Some(schema) = media.get("schema") else {
            return false;
        };
        let at = media_place.under("schema");
        self.documents
            .resolve(&at, schema)
            .is_ok_and(|(_, schema)| schema.get("type").and_then(Value::as_str) == Some("string"))
    }

    /// Whether a text or XML body's schema calls a value in it a password: its example is
    /// then not written (the password in the text cannot be lifted into a secret input).
    fn text_holds_password(&mut self, media_place: &Place, media: &Value) -> bool {
        let Some(schema) = media.get("schema") else {
            return false;
        };
        let at = media_place.under("schema");
        self.holds_password(&at, schema)
    }

    fn json_body(
        &mut self,
        step: &BodyStep,
        media_type: &str,
        value: Option<Value>,
        request: &mut Map,
    ) {
        match value {
            Some(value) => {
                if essence(media_type) != "application/json" {
                    add_header(request, "Content-Type", media_type);
                }
                request.insert("json", from_json(&value));
            }
            None => {
                let variable = self.placeholder(step.item, "request body", "body");
                request.insert("json", format!("{{{{{variable}}}}}"));
            }
        }
    }

    /// `text/*` and XML: the example when it is text (an XML body cannot be derived from a
    /// schema), else a placeholder.
    fn text_body(
        &mut self,
        step: &BodyStep,
        media_type: &str,
        value: Option<Value>,
        request: &mut Map,
    ) {
        add_header(request, "Content-Type", media_type);
        match value {
            Some(Value::String(text)) => request.insert("body", text),
            _ => {
                let variable =
                    self.placeholder(step.item, &format!("request body ({media_type})"), "body");
                request.insert("body", format!("{{{{{variable}}}}}"));
            }
        }
    }

    /// A binary body: `body_file` naming a file the user must put in place.
    fn file_body(
        &mut self,
        step: &BodyStep,
        media_type: &str,
        request: &mut Map,
        comments: &mut Vec<String>,
    ) {
        let path = step.file_path(None);
        comments.push(format!(
            "Supply the `{media_type}` body: put the file at {path} (relative to this collection) \
             or point `body_file` at one; the collection does not load until it exists."
        ));
        self.report.lossy(
            step.item,
            "request body",
            format!(
                "a `{media_type}` body is a file the document cannot give: put it at `{path}` \
                 (relative to the collection) or point `body_file` at one; the collection does \
                 not load until it exists"
            ),
        );
        if !media_type.contains('*') {
            add_header(request, "Content-Type", media_type);
        }
        request.insert("body_file", path);
    }

    /// `multipart/form-data`: a text part for each field of the example (or of the value
    /// derived from the schema), a file part for each binary field, which names a file the
    /// user must put in place.
    fn multipart_body(
        &mut self,
        step: &BodyStep,
        media_place: &Place,
        media: &Value,
        value: Option<Value>,
        request: &mut Map,
        comments: &mut Vec<String>,
    ) {
        let fields = match value {
            Some(Value::Object(fields)) => fields,
            _ => serde_json::Map::new(),
        };
        let files = self.file_fields(media_place, media);
        let mut parts = Map::block();
        for (name, value) in &fields {
            let content_type = part_content_type(media, name);
            if files.contains(name) {
                let path = step.file_path(Some(name));
                parts.insert(name.clone(), file_part(&path, content_type));
                self.report_file_part(step, name, &path, comments);
                continue;
            }
            parts.insert(name.clone(), text_part(value, content_type));
        }
        for name in files.iter().filter(|name| !fields.contains_key(*name)) {
            let path = step.file_path(Some(name));
            parts.insert(
                name.clone(),
                file_part(&path, part_content_type(media, name)),
            );
            self.report_file_part(step, name, &path, comments);
        }
        if parts.is_empty() {
            self.report.note(
                step.item,
                "request body",
                "the multipart body documents no field: none is sent",
            );
        }
        request.insert("multipart", Node::Map(parts));
    }

    fn report_file_part(
        &mut self,
        step: &BodyStep,
        name: &str,
        path: &str,
        comments: &mut Vec<String>,
    ) {
        comments.push(format!(
            "Supply the file of the multipart field `{name}`: put it at {path} (relative to this \
             collection) or point its `file` at one; the collection does not load until it exists."
        ));
        self.report.lossy(
            step.item,
            format!("multipart field {name}"),
            format!(
                "a file the document cannot give: put it at `{path}` (relative to the \
                 collection) or point the part's `file` at one; the collection does not load \
                 until it exists"
            ),
        );
    }

    /// The multipart fields whose schema is a file (`format: binary`, a `contentEncoding` or
    /// `contentMediaType`, or an array of them): the media schema's own properties and those
    /// of its `allOf` parts.
    fn file_fields(&mut self, media_place: &Place, media: &Value) -> Vec<String> {
        let Some(schema) = media.get("schema") else {
            return Vec::new();
        };
        let at = media_place.under("schema");
        let Ok((at, schema)) = self.documents.resolve(&at, schema) else {
            return Vec::new();
        };
        let mut objects = vec![(at.clone(), schema.clone())];
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            for (i, part) in parts.iter().enumerate() {
                let part_place = at.under(&format!("allOf/{i}"));
                if let Ok(resolved) = self.documents.resolve(&part_place, part) {
                    objects.push(resolved);
                }
            }
        }
        let mut files = Vec::new();
        for (place, object) in objects {
            for (name, property) in object
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let property_place = place.under(&format!("properties/{}", escape(name)));
                if self.is_file(&property_place, property) && !files.contains(name) {
                    files.push(name.clone());
                }
            }
        }
        files
    }

    /// Whether a schema is a file's content (or an array of files).
    fn is_file(&mut self, place: &Place, schema: &Value) -> bool {
        let (mut place, mut schema) = (place.clone(), schema.clone());
        // A loop, not recursion, down `items` of `items` (as deep as `$ref`s make them),
        // bounded: a schema whose items are itself would go on forever.
        for _ in 0..=crate::openapi::schema::MAX_NESTING {
            let Ok((at, resolved)) = self.documents.resolve(&place, &schema) else {
                return false;
            };
            if resolved.get("format").and_then(Value::as_str) == Some("binary")
                || resolved.get("contentEncoding").is_some()
                || resolved.get("contentMediaType").is_some()
            {
                return true;
            }
            match resolved.get("items") {
                Some(items) => {
                    place = at.under("items");
                    schema = items.clone();
                }
                None => return false,
            }
        }
        false
    }

    /// A media type's example: `example`, the first of `examples`, else from its schema.
    /// In an example, the fields the schema calls passwords are secret inputs instead.
    pub(super) fn media_example(&mut self, place: &Place, media: &Value) -> Option<Value> {
        let schema_place = place.under("schema");
        let mut example = media
            .get("example")
            .cloned()
            .or_else(|| {
                let Some(Value::Object(examples)) = media.get("examples") else {
                    return None;
                };
                let (_, resolved) = self
                    .documents
                    .resolve(place, examples.values().next()?)
                    .ok()?;
                resolved.get("value").cloned()
            })
            .and_then(|example| self.document_value(&example, "request body"));
        let schema = media.get("schema");
        if let (Some(example), Some(schema)) = (&mut example, schema) {
            self.hide_passwords(&schema_place, schema, "", example);
        }
        example.or_else(|| Some(self.sample(&schema_place, schema?, 0, true, "")))
    }
}

/// `application/x-www-form-urlencoded`: each field of the example (or derived value) as its
/// `encoding` says, by `style` and `explode` as a query parameter is ([`styled_pairs`]): an
/// array by default a list (`tag=a&tag=b`). A name sent several times is a list of its
/// values.
fn form_body(media: &Value, value: Option<Value>, request: &mut Map) {
    let mut pairs = Vec::new();
    if let Some(Value::Object(fields)) = value {
        for (name, value) in &fields {
            pairs.extend(styled_pairs(&field_encoding(media, name), name, value));
        }
    }
    let mut fields_written = Map::inline();
    for (name, values) in super::super::params::grouped(pairs) {
        let values = values.into_iter().map(Node::from).collect();
        fields_written.insert(name, super::super::params::one_or_list(values));
    }
    request.insert("form", Node::Map(fields_written));
}

/// The `encoding` of a URL-encoded form's field, as [`styled_pairs`] reads it. One that gives
/// only a `contentType` (no `style` or `explode`, OpenAPI 3.1.1) sends the value as text of
/// that type: as a parameter described by `content` is.
fn field_encoding(media: &Value, name: &str) -> Value {
    let Some(encoding) = media.get("encoding").and_then(|e| e.get(name)) else {
        return Value::Null;
    };
    let styled = encoding.get("style").is_some() || encoding.get("explode").is_some();
    if encoding.get("contentType").is_some() && !styled {
        return serde_json::json!({ "content": {} });
    }
    encoding.clone()
}

/// The `contentType` the media type's `encoding` gives a multipart field (the first of a
/// list; none for a wildcard such as `image/*`).
fn part_content_type(media: &Value, name: &str) -> Option<String> {
    let listed = media
        .get("encoding")?
        .get(name)?
        .get("contentType")?
        .as_str()?;
    let first = listed.split(',').next()?.trim();
    (!first.is_empty() && !first.contains('*')).then(|| first.to_owned())
}

/// A file part: `{ file, content_type }`.
fn file_part(path: &str, content_type: Option<String>) -> Node {
    let mut part = Map::inline();
    part.insert("file", path.to_owned());
    if let Some(content_type) = content_type {
        part.insert("content_type", content_type);
    }
    Node::Map(part)
}

/// A text part: a string as it is, another scalar as JSON text; an object or array as JSON
/// with `content_type: application/json` (OpenAPI's default for them), unless the encoding
/// says another.
fn text_part(value: &Value, content_type: Option<String>) -> Node {
    let structured = value.is_object() || value.is_array();
    let content_type = content_type.or_else(|| structured.then(|| "application/json".to_owned()));
    match content_type {
        None => Node::Scalar(Value::String(scalar(value))),
        Some(content_type) => {
            let text = match value {
                Value::String(text) => text.clone(),
                other => json_text(other),
            };
            let mut part = Map::inline();
            part.insert("value", text);
            part.insert("content_type", content_type);
            Node::Map(part)
        }
    }
}
