//! The shape of the document `runner import openapi` reads: every field it takes something
//! from must be of the type OpenAPI gives it (`parameters` a list of maps, `responses` a map,
//! a server's `url` text...). One that is not is passed over — a parameter never sent, a
//! body never written — so each is reported as not translated at its `file:line:col`, with
//! the type expected (`--strict` refuses them); `paths` of the wrong type, which leaves
//! nothing to import, is an error.

use std::path::Path;

use serde_json::Value;

use super::OpenapiImportError;
use crate::openapi::contract::METHODS;
use crate::openapi::document::{escape, Documents, Place};
use crate::openapi::OpenapiError;
use crate::postman::Report;

/// The most problems placed at their line and column (each by reading its file again); the
/// others are named by their JSON Pointer.
const MAX_LOCATED: usize = 20;

/// The JSON types a field may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    List,
    Text,
}

impl Kind {
    fn fits(self, value: &Value) -> bool {
        match self {
            Kind::Map => value.is_object(),
            Kind::List => value.is_array(),
            Kind::Text => value.is_string(),
        }
    }
}

/// A field of the wrong type: the step it concerns, where, and what it should be.
struct Problem {
    item: String,
    place: Place,
    expected: &'static str,
    found: String,
}

/// Walks the parts of the document the importer reads.
struct Walk<'d> {
    documents: &'d mut Documents,
    problems: Vec<Problem>,
    /// The step (or `collection`) the fields being read concern.
    item: String,
}

/// Checks the document's shape: each field of the wrong type is reported, located; `paths`
/// of the wrong type is an error.
pub(super) fn check(
    documents: &mut Documents,
    root: &Value,
    path: &Path,
    report: &mut Report,
) -> Result<(), OpenapiImportError> {
    let mut walk = Walk {
        documents,
        problems: Vec::new(),
        item: "collection".into(),
    };
    walk.document(root)?;
    let Walk {
        documents,
        problems,
        ..
    } = walk;
    for (index, problem) in problems.iter().enumerate() {
        let at = location(documents, path, &problem.place, index < MAX_LOCATED);
        let field = documents
            .field_path(&problem.place)
            .map_or_else(|| problem.place.pointer.clone(), |f| f.to_string());
        if problem.place.pointer == "/paths" {
            return Err(OpenapiImportError::Shape {
                source_name: path.display().to_string(),
                problem: format!(
                    "{at}: `paths` is {}: expected {}",
                    problem.found, problem.expected
                ),
            });
        }
        report.lossy(
            &problem.item,
            field,
            format!(
                "{at}: {}, where OpenAPI expects {}: passed over",
                problem.found, problem.expected
            ),
        );
    }
    Ok(())
}

/// Reports each part of the document's schemas the contract checks leave out because it
/// does not compile (a `pattern` written for Java's regexes): where (`file:line:col`, else
/// `file#/pointer`), what and why. The import goes on: `expect.openapi` checks the rest.
pub(super) fn unchecked(unchecked: &[crate::openapi::schema::Unchecked], report: &mut Report) {
    for (index, part) in unchecked.iter().enumerate() {
        let located = (index < MAX_LOCATED)
            .then(|| {
                let text = std::fs::read_to_string(part.file.as_ref()?).ok()?;
                let (line, column) =
                    crate::collection::locate::locate(&text, part.field.as_ref()?)?;
                Some(format!("{}:{line}:{column}", part.file.as_ref()?.display()))
            })
            .flatten();
        let at = match located {
            Some(located) => format!("{located} ({})", part.at),
            None => part.at.clone(),
        };
        report.lossy(
            "collection",
            format!("schema {at}"),
            format!(
                "{} does not compile: {}; `expect.openapi` leaves it out and checks the rest (a JSON Schema pattern is an ECMA-262 regex)",
                part.what, part.why
            ),
        );
    }
}

/// `file:line:col` of `place` (the file named as the document was, or relative to it),
/// else `file#pointer`.
fn location(documents: &Documents, path: &Path, place: &Place, locate: bool) -> String {
    let file = match place.file {
        0 => path.display().to_string(),
        other => path
            .parent()
            .unwrap_or(Path::new(""))
            .join(documents.file_name(other))
            .display()
            .to_string(),
    };
    match locate.then(|| line_and_column(documents, place)).flatten() {
        Some((line, column)) => format!("{file}:{line}:{column}"),
        None => format!("{file}#{}", place.pointer),
    }
}

/// The 1-based line and column where the value at `place` is written, its file read again
/// (for a problem's message only); `None` when it cannot be placed.
fn line_and_column(documents: &Documents, place: &Place) -> Option<(usize, usize)> {
    let path = documents.field_path(place)?;
    let text = std::fs::read_to_string(documents.file_path(place.file)?).ok()?;
    crate::collection::locate::locate(&text, &path)
}

/// What a value is, for the message: `5 (a number)`.
fn found(value: &Value) -> String {
    let kind = crate::spec::text::json_kind(value);
    match value {
        Value::Null | Value::Array(_) | Value::Object(_) => kind.to_owned(),
        _ => format!(
            "{} ({kind})",
            crate::spec::text::shorten(&value.to_string(), 40)
        ),
    }
}

impl Walk<'_> {
    /// Records a problem unless `value` (at `place`) is of `kind`; whether it is.
    fn expect(&mut self, place: &Place, value: &Value, kind: Kind, expected: &'static str) -> bool {
        if kind.fits(value) {
            return true;
        }
        self.problems.push(Problem {
            item: self.item.clone(),
            place: place.clone(),
            expected,
            found: found(value),
        });
        false
    }

    /// The field `key` of `value` (at `place`), when it is there: checked to be of `kind`;
    /// it and its place when it is.
    fn field<'v>(
        &mut self,
        place: &Place,
        value: &'v Value,
        key: &str,
        kind: Kind,
        expected: &'static str,
    ) -> Option<(Place, &'v Value)> {
        let field = value.get(key)?;
        let at = place.under(&escape(key));
        self.expect(&at, field, kind, expected)
            .then_some((at, field))
    }

    /// Follows a `$ref`, then checks the value is a map.
    fn resolved_map(
        &mut self,
        place: &Place,
        value: &Value,
        expected: &'static str,
    ) -> Result<Option<(Place, Value)>, OpenapiError> {
        let (place, value) = self.documents.resolve(place, value)?;
        Ok(self
            .expect(&place, &value, Kind::Map, expected)
            .then_some((place, value)))
    }

    /// The document's `root` (read in place: a copy of a document of thousands of paths is
    /// hundreds of MB).
    fn document(&mut self, root: &Value) -> Result<(), OpenapiError> {
        let root_place = Place {
            file: 0,
            pointer: String::new(),
        };
        self.servers(&root_place, root);
        self.security(&root_place, root);
        if let Some((place, tags)) = self.field(
            &root_place,
            root,
            "tags",
            Kind::List,
            "a list of tags (`- name: pets`)",
        ) {
            self.each(&place, tags, Kind::Map, "a tag (`name: pets`)");
        }
        self.components(&root_place, root);
        let Some((paths_place, paths)) = self.field(
            &root_place,
            root,
            "paths",
            Kind::Map,
            "a map of paths (`/pets: { get: ... }`)",
        ) else {
            return Ok(());
        };
        for (template, item) in paths.as_object().into_iter().flatten() {
            if template.starts_with("x-") {
                continue;
            }
            self.item = format!("path {template}");
            let at = paths_place.under(&escape(template));
            let Some((item_place, item)) =
                self.resolved_map(&at, item, "a path item (`get: { responses: ... }`)")?
            else {
                continue;
            };
            self.parameters(&item_place, &item)?;
            self.servers(&item_place, &item);
            for method in METHODS {
                if let Some(operation) = item.get(*method) {
                    self.item = super::step_name(operation, method, template);
                }
                let Some((place, operation)) = self.field(
                    &item_place,
                    &item,
                    method,
                    Kind::Map,
                    "an operation (`responses: { \"200\": { description: ok } }`)",
                ) else {
                    continue;
                };
                self.operation(&place, operation)?;
            }
        }
        Ok(())
    }

    fn operation(&mut self, place: &Place, operation: &Value) -> Result<(), OpenapiError> {
        self.field(
            place,
            operation,
            "operationId",
            Kind::Text,
            "text (the operation's id)",
        );
        if let Some((at, tags)) = self.field(
            place,
            operation,
            "tags",
            Kind::List,
            "a list of tag names (`[pets]`)",
        ) {
            self.each(&at, tags, Kind::Text, "a tag name");
        }
        self.parameters(place, operation)?;
        self.servers(place, operation);
        self.security(place, operation);
        if let Some(body) = operation.get("requestBody") {
            let at = place.under("requestBody");
            if let Some((body_place, body)) = self.resolved_map(
                &at,
                body,
                "a request body (`content: { application/json: ... }`)",
            )? {
                self.content(&body_place, &body);
            }
        }
        let Some((responses_place, responses)) = self.field(
            place,
            operation,
            "responses",
            Kind::Map,
            "a map of responses by status (`\"200\": { description: ok }`)",
        ) else {
            return Ok(());
        };
        for (status, response) in responses.as_object().into_iter().flatten() {
            if status.starts_with("x-") {
                continue;
            }
            let at = responses_place.under(&escape(status));
            let Some((response_place, response)) =
                self.resolved_map(&at, response, "a response (`description: ok`)")?
            else {
                continue;
            };
            self.content(&response_place, &response);
            self.field(
                &response_place,
                &response,
                "headers",
                Kind::Map,
                "a map of headers by name",
            );
            self.field(
                &response_place,
                &response,
                "links",
                Kind::Map,
                "a map of links by name",
            );
        }
        Ok(())
    }

    /// `parameters`: a list of parameters (or references to them), each with a text `name`
    /// and `in`.
    fn parameters(&mut self, place: &Place, value: &Value) -> Result<(), OpenapiError> {
        let Some((at, parameters)) = self.field(
            place,
            value,
            "parameters",
            Kind::List,
            "a list of parameters (`- { name: id, in: path, required: true }`)",
        ) else {
            return Ok(());
        };
        for (index, parameter) in parameters.as_array().into_iter().flatten().enumerate() {
            let item = at.under(&index.to_string());
            let Some((place, parameter)) = self.resolved_map(
                &item,
                parameter,
                "a parameter (`{ name: id, in: path, required: true }`)",
            )?
            else {
                continue;
            };
            for (key, what) in [
                ("name", "text (the parameter's name)"),
                ("in", "text: path, query, header or cookie"),
            ] {
                match parameter.get(key) {
                    Some(_) => {
                        self.field(&place, &parameter, key, Kind::Text, what);
                    }
                    None => self.problems.push(Problem {
                        item: self.item.clone(),
                        place: place.clone(),
                        expected: what,
                        found: format!("a parameter without `{key}`"),
                    }),
                }
            }
        }
        Ok(())
    }

    /// `servers`: a list of servers, each with a text `url` and a map of `variables`.
    fn servers(&mut self, place: &Place, value: &Value) {
        let Some((at, servers)) = self.field(
            place,
            value,
            "servers",
            Kind::List,
            "a list of servers (`- url: https://api.example.com/v1`)",
        ) else {
            return;
        };
        for (index, server) in servers.as_array().into_iter().flatten().enumerate() {
            let item = at.under(&index.to_string());
            if !self.expect(
                &item,
                server,
                Kind::Map,
                "a server (`url: https://api.example.com/v1`)",
            ) {
                continue;
            }
            match server.get("url") {
                Some(_) => {
                    self.field(&item, server, "url", Kind::Text, "text (the server's URL)");
                }
                None => self.problems.push(Problem {
                    item: self.item.clone(),
                    place: item.clone(),
                    expected: "a server with a `url`",
                    found: "a server without `url`".into(),
                }),
            }
            if let Some((variables_place, variables)) = self.field(
                &item,
                server,
                "variables",
                Kind::Map,
                "a map of server variables (`version: { default: v1 }`)",
            ) {
                for (name, variable) in variables.as_object().into_iter().flatten() {
                    let at = variables_place.under(&escape(name));
                    if self.expect(
                        &at,
                        variable,
                        Kind::Map,
                        "a server variable (`default: v1`)",
                    ) {
                        self.field(
                            &at,
                            variable,
                            "enum",
                            Kind::List,
                            "a list of the values it may take",
                        );
                    }
                }
            }
        }
    }

    /// `security`: a list of requirements, each a map of scheme names to lists of scopes.
    fn security(&mut self, place: &Place, value: &Value) {
        let Some((at, requirements)) = self.field(
            place,
            value,
            "security",
            Kind::List,
            "a list of security requirements (`- api_key: []`)",
        ) else {
            return;
        };
        for (index, requirement) in requirements.as_array().into_iter().flatten().enumerate() {
            let item = at.under(&index.to_string());
            if !self.expect(
                &item,
                requirement,
                Kind::Map,
                "a security requirement (`api_key: []`)",
            ) {
                continue;
            }
            for (name, scopes) in requirement.as_object().into_iter().flatten() {
                let scopes_place = item.under(&escape(name));
                self.expect(
                    &scopes_place,
                    scopes,
                    Kind::List,
                    "a list of scopes (`[]` for none)",
                );
            }
        }
    }

    /// `content`: a map of media types, each a map.
    fn content(&mut self, place: &Place, value: &Value) {
        let Some((at, content)) = self.field(
            place,
            value,
            "content",
            Kind::Map,
            "a map of media types (`application/json: { schema: ... }`)",
        ) else {
            return;
        };
        for (media_type, media) in content.as_object().into_iter().flatten() {
            let item = at.under(&escape(media_type));
            self.expect(
                &item,
                media,
                Kind::Map,
                "a media type (`schema: { type: object }`)",
            );
        }
    }

    /// `components`: a map of maps; each security scheme a map with a text `type`.
    fn components(&mut self, place: &Place, root: &Value) {
        let Some((at, components)) = self.field(
            place,
            root,
            "components",
            Kind::Map,
            "a map of components (`schemas: ...`)",
        ) else {
            return;
        };
        for kind in [
            "schemas",
            "responses",
            "parameters",
            "examples",
            "requestBodies",
            "headers",
            "securitySchemes",
            "links",
            "callbacks",
            "pathItems",
        ] {
            self.field(
                &at,
                components,
                kind,
                Kind::Map,
                "a map of components by name",
            );
        }
        let Some(schemes) = components.get("securitySchemes").and_then(Value::as_object) else {
            return;
        };
        let schemes_place = at.under("securitySchemes");
        for (name, scheme) in schemes {
            let item = schemes_place.under(&escape(name));
            if scheme.get("$ref").is_none()
                && self.expect(
                    &item,
                    scheme,
                    Kind::Map,
                    "a security scheme (`type: http, scheme: bearer`)",
                )
            {
                self.field(
                    &item,
                    scheme,
                    "type",
                    Kind::Text,
                    "text: apiKey, http, oauth2, openIdConnect or mutualTLS",
                );
            }
        }
    }

    /// Each item of the list `list` (at `place`) is of `kind`.
    fn each(&mut self, place: &Place, list: &Value, kind: Kind, expected: &'static str) {
        for (index, item) in list.as_array().into_iter().flatten().enumerate() {
            self.expect(&place.under(&index.to_string()), item, kind, expected);
        }
    }
}
