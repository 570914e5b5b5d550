//! Compiles a request's body: exactly one of `json`, `body`, `body_file`, `form`, `multipart`
//! and `graphql`, with the `Content-Type` each implies unless a header sets it. Files are
//! resolved against the collection's folder and checked here, before anything is sent.

use std::path::PathBuf;

use serde_json::Value;

use super::request::Named;
use super::Compiler;
use crate::collection::locate::FieldPath;
use crate::collection::{Body, MultipartPart, PartContent};
use crate::spec::collection::RequestSpec;
use crate::template::Template;

/// The body fields, in the order they are named in messages.
const BODY_FIELDS: &[&str] = &["json", "body", "body_file", "form", "multipart", "graphql"];

impl Compiler<'_> {
    /// Compiles the body of `spec`, adding its default `Content-Type` to `headers` when no
    /// header sets one.
    pub(super) fn body(
        &mut self,
        spec: &RequestSpec,
        field: &FieldPath,
        headers: &mut Vec<(String, Template)>,
    ) -> Body {
        let given: Vec<&str> = BODY_FIELDS
            .iter()
            .copied()
            .filter(|name| match *name {
                "json" => spec.json.is_some(),
                "body" => spec.body.is_some(),
                "body_file" => spec.body_file.is_some(),
                "form" => spec.form.is_some(),
                "multipart" => spec.multipart.is_some(),
                _ => spec.graphql.is_some(),
            })
            .collect();
        if given.len() > 1 {
            self.problem_with_hint(
                &field.key(given[1].to_owned()),
                format!(
                    "a request has one body, but this one has {}",
                    given
                        .iter()
                        .map(|g| format!("`{g}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                "keep one of: json, body, body_file, form, multipart, graphql",
            );
            return Body::None;
        }
        let mut content_type = |default: &str| {
            if !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("content-type".into(), Template::Literal(default.into())));
            }
        };
        if let Some(json) = &spec.json {
            content_type("application/json");
            return self
                .json(json, &field.key("json"))
                .map_or(Body::None, |json| Body::Json(Box::new(json)));
        }
        if let Some(text) = &spec.body {
            content_type("text/plain; charset=utf-8");
            return self
                .template(text, &field.key("body"))
                .map_or(Body::None, Body::Text);
        }
        if let Some(file) = &spec.body_file {
            content_type("application/octet-stream");
            return self
                .file(file, &field.key("body_file"))
                .map_or(Body::None, Body::File);
        }
        if let Some(form) = &spec.form {
            content_type("application/x-www-form-urlencoded");
            let fields = form
                .iter()
                .filter_map(|(name, value)| {
                    let at = || field.key_in("form", name.to_owned());
                    if !self.name_as_written(name, Named::Form, at) {
                        return None;
                    }
                    let parameter = self.parameter(value, at)?;
                    Some((name.clone(), parameter))
                })
                .collect();
            return Body::Form(fields);
        }
        if let Some(parts) = &spec.multipart {
            if let Some(own) = spec.headers.iter().find_map(|(name, value)| {
                (name.eq_ignore_ascii_case("content-type") && value.is_some()).then_some(name)
            }) {
                self.problem_with_hint(
                    &field.key_in("headers", own.to_owned()),
                    "a multipart body sets its own `Content-Type` (it carries the boundary)",
                    "remove the header; give each part a `content_type` instead",
                );
            }
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
            let at = field.key("multipart");
            let parts = parts
                .iter()
                .filter_map(|(name, part)| {
                    let field = at.key(name.to_owned());
                    if !self.name_as_written(name, Named::Part, || field.clone()) {
                        return None;
                    }
                    self.part(name, &part.fields, &field)
                })
                .collect();
            return Body::Multipart(parts);
        }
        if let Some(graphql) = &spec.graphql {
            content_type("application/json");
            let mut document = serde_json::Map::new();
            document.insert("query".into(), Value::String(graphql.query.clone()));
            if let Some(variables) = &graphql.variables {
                document.insert(
                    "variables".into(),
                    Value::Object(variables.clone().into_iter().collect()),
                );
            }
            if let Some(name) = &graphql.operation_name {
                document.insert("operationName".into(), Value::String(name.clone()));
            }
            return self
                .json(&Value::Object(document), &field.key("graphql"))
                .map_or(Body::None, |json| Body::Json(Box::new(json)));
        }
        Body::None
    }

    fn part(
        &mut self,
        name: &str,
        spec: &crate::spec::body::MultipartPartFields,
        field: &FieldPath,
    ) -> Option<MultipartPart> {
        let content = match (&spec.value, &spec.file) {
            (Some(text), None) => PartContent::Text(self.template(text, &field.key("value"))?),
            (None, Some(file)) => PartContent::File(self.file(file, &field.key("file"))?),
            _ => {
                self.problem_with_hint(
                    field,
                    format!("multipart field `{name}` needs exactly one of `value` and `file`"),
                    "write `name: text`, `name: { value: text }` or `name: { file: path }`",
                );
                return None;
            }
        };
        if spec.filename.is_some() && spec.file.is_none() {
            self.problem(
                &field.key("filename"),
                "`filename` applies only to a `file` part",
            );
        }
        if let Some(content_type) = &spec.content_type {
            if reqwest::header::HeaderValue::from_str(content_type).is_err()
                || !content_type.contains('/')
            {
                self.problem_with_hint(
                    &field.key("content_type"),
                    format!("`{content_type}` is not a content type"),
                    "write a media type such as `image/png` or `text/csv`",
                );
            }
        }
        if let Some(filename) = &spec.filename {
            if !self.name_as_written(filename, Named::Filename, || field.key("filename")) {
                return None;
            }
        }
        Some(MultipartPart {
            name: name.to_owned(),
            content,
            content_type: spec.content_type.clone(),
            filename: spec.filename.clone(),
        })
    }

    /// `written`, relative to the collection's folder: it must be a readable file.
    fn file(&mut self, written: &str, field: &FieldPath) -> Option<PathBuf> {
        let base = crate::spec::file::folder_of(self.path);
        let path = base.join(written);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => match std::fs::File::open(&path) {
                Ok(_) => Some(path),
                Err(e) => {
                    self.problem(field, format!("cannot read `{}`: {e}", path.display()));
                    None
                }
            },
            Ok(_) => {
                self.problem(field, format!("`{}` is not a file", path.display()));
                None
            }
            Err(e) => {
                self.problem_with_hint(
                    field,
                    format!("cannot read `{}`: {e}", path.display()),
                    "the path is relative to the collection file",
                );
                None
            }
        }
    }
}
