//! What every part of a Postman export shares: the report, the inputs read as `{{env.X}}`, the
//! credentials written in clear, and runner templates written as Postman variables.

use std::path::{Component, Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{Map as JsonMap, Value};

use super::credentials::{self, Credentials};
use crate::postman::placeholders;
use crate::postman::Report;

type Object = JsonMap<String, Value>;

/// What the export shares: the report, the inputs read as `{{env.X}}`, the schema base.
pub(super) struct Context<'a> {
    pub report: Report,
    pub item: String,
    /// Inputs read by templates: name → secret.
    pub(super) env_reads: IndexMap<String, bool>,
    /// Credentials written in clear, each a secret Postman variable with no value.
    pub(super) credentials: Credentials,
    pub(super) inputs: &'a Object,
    pub base: &'a Path,
    /// `defaults.expect.status`: what a step without its own status expects (`None`: a
    /// success, 2xx or 3xx).
    pub(super) default_status: Option<Value>,
}

impl Context<'_> {
    /// A file the collection names (relative to its own directory, [`Self::base`]) as
    /// Newman reads it: relative to its working directory, which is this process's (an
    /// absolute path, or one made from variables, as written).
    pub fn file_path(&self, written: &str) -> String {
        let path = Path::new(written);
        if path.is_absolute() || written.contains("{{") {
            return written.to_owned();
        }
        let Ok(working) = std::env::current_dir() else {
            return written.to_owned();
        };
        let file = lexical(&working.join(self.base).join(path));
        relative_to(&file, &lexical(&working)).display().to_string()
    }

    /// A runner template as Postman text: `{{uuid}}` → `{{$guid}}`, `{{env.X}}` → `{{X}}`,
    /// and `\{{` the text `{{`. Postman has no escape for `{{`: a literal `{{name}}` is sent as
    /// written only while no Postman variable `name` is set (newman leaves an unknown one as
    /// it is, and always replaces `{{$guid}}` and the other dynamic variables) — reported.
    pub fn text(&mut self, text: &str, place: &str) -> String {
        let mut pieces = text.split("\\{{");
        let mut out = self.template_text(pieces.next().unwrap_or_default(), place);
        for after_braces in pieces {
            if let Some(name) = read_as_variable(after_braces) {
                let item = self.item.clone();
                self.report.lossy(
                    &item,
                    place,
                    format!(
                        "Postman has no escape for `{{{{`: the text `{{{{{name}}}}}` is sent as \
                         written only while no Postman variable `{}` is set (a dynamic one such \
                         as `$guid` is always replaced)",
                        name.trim()
                    ),
                );
            }
            out.push_str("{{");
            out.push_str(&self.template_text(after_braces, place));
        }
        out
    }

    /// A runner template without `\{{` as Postman text ([`Context::text`]).
    fn template_text(&mut self, text: &str, place: &str) -> String {
        placeholders::map_placeholders(text, |inner| match inner {
            "uuid" => "$guid".to_owned(),
            "timestamp" => "$timestamp".to_owned(),
            "now" => "$isoTimestamp".to_owned(),
            _ if inner.starts_with("env.") => {
                let name = &inner[4..];
                let secret = self
                    .inputs
                    .get(name)
                    .and_then(|input| input.get("secret"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                self.env_reads.insert(name.to_owned(), secret);
                name.to_owned()
            }
            _ if inner.contains(' ')
                || inner.starts_with('#')
                || inner.starts_with('/')
                || inner.starts_with("sandbox.")
                || inner.starts_with("steps.") =>
            {
                let item = self.item.clone();
                self.report.lossy(
                    &item,
                    place,
                    format!(
                        "the template `{{{{{inner}}}}}` has no Postman equivalent: written as is"
                    ),
                );
                inner.to_owned()
            }
            _ => inner.to_owned(),
        })
    }

    /// The secret of an auth helper (a password, token, key or client secret): written in
    /// clear, it is a Postman variable ([`Context::credential`]); a template, as Postman text.
    pub fn secret(&mut self, text: &str, place: &str) -> String {
        if credentials::in_clear(text) {
            self.credential(text, place)
        } else {
            self.text(text, place)
        }
    }

    /// A header's value as Postman text, its credential written in clear a Postman variable
    /// (an `Authorization` header keeps its scheme: `Bearer {{RUNNER_CREDENTIAL_1}}`).
    pub fn header(&mut self, name: &str, value: &str, place: &str) -> String {
        match credentials::header(name, value, |c| self.credential(c, place)) {
            Some(lifted) => lifted,
            None => self.text(value, place),
        }
    }

    /// A query parameter's or form field's value as Postman text; written in clear under a
    /// name that reads as a credential (`api_key`), a Postman variable.
    pub fn parameter(&mut self, name: &str, value: &str, place: &str) -> String {
        if credentials::named(name, value) {
            self.credential(value, place)
        } else {
            self.text(value, place)
        }
    }

    /// A URL as Postman text, the password of its `user:password@` a Postman variable when
    /// written in clear.
    pub fn url(&mut self, url: &str, place: &str) -> String {
        let url = credentials::url(url, |password| self.credential(password, place))
            .unwrap_or_else(|| url.to_owned());
        self.text(&url, place)
    }

    /// A credential written in clear as the Postman variable that takes its place,
    /// `{{RUNNER_CREDENTIAL_1}}`: declared secret with no value, so the value is written
    /// nowhere. Noted when the variable is new, to say which variable to set.
    pub fn credential(&mut self, value: &str, place: &str) -> String {
        let (variable, new) = self.credentials.variable(value);
        if new {
            let item = self.item.clone();
            self.report.note(
                &item,
                place,
                format!("a credential written in clear is not written to the Postman collection: it is the secret variable `{variable}`, with no value: set it in Postman (newman: --env-var {variable}=...)"),
            );
        }
        format!("{{{{{variable}}}}}")
    }

    /// Every string of a JSON value through [`Context::text`].
    pub fn json(&mut self, value: &Value, place: &str) -> Value {
        placeholders::map_strings(value, &mut |text| self.text(text, place))
    }
}

/// The name Postman reads between a literal `{{` and the `}}` closing it (Postman's
/// `{{([^{}]*?)}}`), given the text after the braces.
fn read_as_variable(after_braces: &str) -> Option<&str> {
    let end = after_braces.find(['{', '}'])?;
    after_braces[end..]
        .starts_with("}}")
        .then(|| &after_braces[..end])
}

/// A scalar as the text Postman sends.
pub(super) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `path` without `.` and with each `..` taking off the name before it (no link is read).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `from` (both absolute and lexical): `..` for each name of `from` past
/// what they share.
fn relative_to(path: &Path, from: &Path) -> PathBuf {
    let (path_parts, from_parts): (Vec<_>, Vec<_>) =
        (path.components().collect(), from.components().collect());
    let shared = path_parts
        .iter()
        .zip(&from_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in shared..from_parts.len() {
        out.push("..");
    }
    for part in &path_parts[shared..] {
        out.push(part);
    }
    out
}
