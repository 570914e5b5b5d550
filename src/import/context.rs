//! What every part of a Postman import shares while it converts: variable names, the report,
//! the inputs made for secrets, and the item being converted.

use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

use super::credential::is_credential_name;
use super::template::Templates;
use crate::postman::Report;

/// What every part of the conversion shares: variable names, the report, the inputs made for
/// secrets, and the item being converted (for the report).
#[derive(Debug, Default)]
pub struct Context {
    /// Variable names and renames.
    pub templates: Templates,
    /// What could not be carried over.
    pub report: Report,
    /// The item being converted, as `Folder › Request`.
    pub item: String,
    /// Inputs declared: name → (secret, description).
    pub(super) inputs: IndexMap<String, (bool, String)>,
    /// Literal credentials already given a variable: (value, variable name). Never written.
    pub(super) credentials: Vec<(String, String)>,
    /// Variables defined by folders and requests, merged into `vars`.
    pub(super) item_vars: IndexMap<String, Value>,
    /// Variables the steps capture (runner names).
    pub(super) captured: IndexSet<String>,
    /// Where JSON Schemas go, relative to the output.
    pub(super) schema_dir: Option<String>,
    /// JSON Schema files to write.
    pub(super) files: Vec<(String, String)>,
    /// The values the collection, its folders and requests, and the environment files give
    /// each Postman variable (by its Postman name; empty ones left out). Never written.
    pub(super) values: IndexMap<String, Vec<String>>,
    /// Where relative file paths are read from and written for ([`super::Paths`]).
    pub(super) paths: Option<super::Paths>,
}

/// Whether the values of a variable at the start of a URL name its scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    /// Every value known names one (`https://host`).
    Named,
    /// The values known name none (`127.0.0.1:8765`); others may be unknown.
    Missing,
    /// Some do and some do not.
    Mixed,
    /// No value is known (defined nowhere, set by a script, or from another unknown one).
    Unknown,
}

impl Context {
    /// Whether the values of the Postman variable `name` name a scheme; a value that starts
    /// with another variable (`{{base}}/v1`) is read through it.
    pub(super) fn scheme_of(&self, name: &str) -> Scheme {
        self.scheme_within(name, 0)
    }

    fn scheme_within(&self, name: &str, depth: usize) -> Scheme {
        let (mut named, mut missing) = (false, false);
        for value in self.values.get(name).into_iter().flatten() {
            let value = value.trim();
            let scheme = if names_scheme(value) {
                Scheme::Named
            } else if let Some(inner) = leading_variable(value) {
                if depth < 8 {
                    self.scheme_within(inner, depth + 1)
                } else {
                    Scheme::Unknown
                }
            } else {
                Scheme::Missing
            };
            match scheme {
                Scheme::Named => named = true,
                Scheme::Missing => missing = true,
                Scheme::Mixed => (named, missing) = (true, true),
                Scheme::Unknown => {}
            }
        }
        match (named, missing) {
            (true, true) => Scheme::Mixed,
            (true, false) => Scheme::Named,
            (false, true) => Scheme::Missing,
            (false, false) => Scheme::Unknown,
        }
    }

    /// `text` as a runner template (see [`Templates::text`]).
    pub fn text(&mut self, text: &str, place: &str) -> String {
        let item = self.item.clone();
        self.templates.text(text, &item, place, &mut self.report)
    }

    /// Every string (and key) of `value` as a runner template.
    pub fn json(&mut self, value: &Value, place: &str) -> Value {
        crate::postman::placeholders::map_strings(value, &mut |text| self.text(text, place))
    }

    /// A JSON body as runner's `json`: every string (and key) a template, and each literal
    /// string of a member named like a credential ([`is_credential_name`]; an element of a
    /// list that is one's value too) a variable read from a secret input.
    pub fn json_body(&mut self, value: &Value, key: Option<&str>, place: &str) -> Value {
        match value {
            Value::String(text) => {
                let lifted = key.and_then(|key| self.credential_variable(key, text, place));
                match lifted {
                    Some(name) => Value::String(format!("{{{{{name}}}}}")),
                    None => Value::String(self.text(text, place)),
                }
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.json_body(item, key, place))
                    .collect(),
            ),
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (self.text(k, place), self.json_body(v, Some(k), place)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// A text body, whatever its `Content-Type`, as a runner template: each literal credential
    /// in it ([`super::credential::in_body_text`]: a JSON or form field, or a field of other
    /// text, named like a credential) a variable read from a secret input, the rest converted
    /// as [`Context::text`].
    pub fn body_text(&mut self, text: &str, place: &str) -> String {
        let (_, found) = super::credential::in_body_text(text);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for credential in &found {
            let Some(name) = self.credential_variable(&credential.key, &credential.value, place)
            else {
                continue;
            };
            out.push_str(&self.text(&text[at..credential.range.start], place));
            out.push_str(&credential.template(&name));
            at = credential.range.end;
        }
        out.push_str(&self.text(&text[at..], place));
        out
    }

    /// A variable for a literal credential, read from a secret input: the value is never
    /// written. Returns the variable's name (one per distinct value).
    pub fn secret_credential(&mut self, base: &str, value: &str, place: &str) -> String {
        let value = &super::credential::identity(value, base);
        if let Some((_, name)) = self.credentials.iter().find(|(v, _)| v == value) {
            return name.clone();
        }
        let mut name = base.to_owned();
        let mut n = 2;
        while self.item_vars.contains_key(&name) || self.templates.used.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        let input = self.secret_variable(&name, "collection", None);
        self.item_vars
            .insert(name.clone(), Value::String(format!("{{{{env.{input}}}}}")));
        self.credentials.push((value.to_owned(), name.clone()));
        let item = self.item.clone();
        self.report.note(
            &item,
            place,
            format!(
                "the credential written in the collection is now the variable `{name}`, read from \
                 the secret input `{input}`; its value is not written: set the environment \
                 variable {input} to run"
            ),
        );
        name
    }

    /// The value of a form field, header or query parameter named `key`: a literal
    /// credential (the name reads as one: `password`, `client_secret`, `X-Api-Key`,
    /// `access_token`) becomes a variable read from a secret input; anything else is
    /// converted as a template.
    pub fn field_value(&mut self, key: &str, value: &str, place: &str) -> String {
        match self.credential_variable(key, value, place) {
            Some(name) => format!("{{{{{name}}}}}"),
            None => self.text(value, place),
        }
    }

    /// The variable, read from a secret input, holding `value` when it is a literal
    /// credential: the field, header or query parameter `key` is named like one
    /// ([`is_credential_name`]).
    pub fn credential_variable(&mut self, key: &str, value: &str, place: &str) -> Option<String> {
        if value.trim().is_empty() || value.contains("{{") || !is_credential_name(key) {
            return None;
        }
        let base: String = key
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let base = self.templates.name(&base);
        Some(self.secret_credential(&base, value, place))
    }

    /// The value of a header: an `Authorization` header written with a literal credential
    /// (`Basic dXNlcjpwYXNz`, `Bearer abc`) keeps its scheme and reads the credential from a
    /// secret input; other headers as [`Context::field_value`].
    pub fn header_value(&mut self, key: &str, value: &str) -> String {
        if !key.trim().eq_ignore_ascii_case("authorization") {
            return self.field_value(key, value, "headers");
        }
        if value.trim().is_empty() || value.contains("{{") {
            return self.text(value, "headers");
        }
        let (scheme, credential) = match value.trim().split_once(' ') {
            Some((scheme, credential)) if !credential.trim().is_empty() => {
                (Some(scheme), credential.trim())
            }
            _ => (None, value.trim()),
        };
        let base = match scheme.map(str::to_ascii_lowercase).as_deref() {
            Some("basic") => "basic_credentials",
            Some("bearer") => "bearer_token",
            _ => "authorization",
        };
        let name = self.secret_credential(base, credential, "headers");
        match scheme {
            Some(scheme) => format!("{scheme} {{{{{name}}}}}"),
            None => format!("{{{{{name}}}}}"),
        }
    }

    /// The input for a secret variable of a collection or environment (described as
    /// `description`, or as a secret of `origin`).
    pub(super) fn secret_variable(
        &mut self,
        variable: &str,
        origin: &str,
        description: Option<&str>,
    ) -> String {
        let name = input_name(variable, "SECRET");
        let description = description.map_or_else(
            || {
                format!(
                    "`{variable}`, a secret of the Postman {origin} (its value is not imported)"
                )
            },
            str::to_owned,
        );
        self.inputs
            .entry(name.clone())
            .or_insert((true, description));
        name
    }

    /// The input for a variable the collection reads but defines nowhere (it lived in a
    /// Postman environment or the globals): required when a run uses it, secret when its name
    /// reads as a credential, described so that a run names what to set.
    pub(super) fn missing_variable(&mut self, variable: &str) -> String {
        let description = |name: &str| {
            format!(
                "`{variable}`: the Postman collection reads it but defines it nowhere (it was in a \
                 Postman environment or the globals): set {name}, or pass --var {variable}=..."
            )
        };
        self.variable_input(variable, description)
    }

    /// The input for a variable some environment files set and those in `lacking` do not:
    /// required when a run in one of those uses it.
    pub(super) fn partly_defined_variable(&mut self, variable: &str, lacking: &[String]) -> String {
        let lacking = lacking.join("`, `");
        let description = |name: &str| {
            format!(
                "`{variable}`: the Postman environment `{lacking}` does not set it: there, set \
                 {name}, or pass --var {variable}=..."
            )
        };
        self.variable_input(variable, description)
    }

    /// An input for `variable`, secret when its name reads as a credential, described by
    /// `description` (given the input's name).
    fn variable_input(&mut self, variable: &str, description: impl Fn(&str) -> String) -> String {
        let mut name = input_name(
            variable,
            if is_credential_name(variable) {
                "SECRET"
            } else {
                "VAR"
            },
        );
        while self.inputs.contains_key(&name) {
            name.push('_');
        }
        let description = description(&name);
        self.inputs
            .insert(name.clone(), (is_credential_name(variable), description));
        name
    }
}

/// The environment variable an imported input is read from, for `name` (a Postman variable,
/// an OpenAPI field): upper case, `_` for anything not a letter or a digit. A name most
/// environments already set (`HOME`, `USER`, `PATH`) takes `kind` after it (`USER_VAR`,
/// `HOME_SECRET`), so an input the user forgot is never silently filled from the
/// environment; one a shell cannot set (`2FA`) takes it before (`SECRET_2FA`); a name with
/// no letter or digit is `kind` itself.
pub(in crate::import) fn input_name(name: &str, kind: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        kind.to_owned()
    } else if SET_EVERYWHERE.contains(&name.as_str()) {
        format!("{name}_{kind}")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{kind}_{name}")
    } else {
        name
    }
}

/// Environment variables set in most shells and CI runners (see [`input_name`]).
const SET_EVERYWHERE: &[&str] = &[
    "CI", "DISPLAY", "EDITOR", "HOME", "HOST", "HOSTNAME", "IFS", "LANG", "LANGUAGE", "LC_ALL",
    "LOGNAME", "MAIL", "OLDPWD", "PAGER", "PATH", "PS1", "PWD", "SHELL", "SHLVL", "TEMP", "TERM",
    "TMP", "TMPDIR", "TZ", "USER", "USERNAME", "VISUAL",
];

/// Whether a URL (or the value of a variable it starts with) names its scheme: `://`, or one
/// the URL parser reads as http or https (`https:\\host/path`, as browsers do).
pub(super) fn names_scheme(text: &str) -> bool {
    text.contains("://")
        || reqwest::Url::parse(text).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

/// The name of the variable a text starts with (`host` for `{{host}}/x`); `None` when it
/// starts otherwise, or with a nested name (`{{a{{b}}}}`).
pub(super) fn leading_variable(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("{{")?;
    let name = &rest[..rest.find("}}")?];
    (!name.contains("{{") && !name.trim().is_empty()).then(|| name.trim())
}
