//! What every part of a Postman import shares while it converts: variable names, the report,
//! the inputs made for secrets, and the item being converted.

use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

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
    /// Inputs declared for secrets: name → description.
    pub(super) inputs: IndexMap<String, String>,
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
}

impl Context {
    /// `text` as a runner template (see [`Templates::text`]).
    pub fn text(&mut self, text: &str, place: &str) -> String {
        let item = self.item.clone();
        self.templates.text(text, &item, place, &mut self.report)
    }

    /// Every string (and key) of `value` as a runner template.
    pub fn json(&mut self, value: &Value, place: &str) -> Value {
        crate::postman::placeholders::map_strings(value, &mut |text| self.text(text, place))
    }

    /// A variable for a literal credential, read from a secret input: the value is never
    /// written. Returns the variable's name (one per distinct value).
    pub fn secret_credential(&mut self, base: &str, value: &str) -> String {
        if let Some((_, name)) = self.credentials.iter().find(|(v, _)| v == value) {
            return name.clone();
        }
        let mut name = base.to_owned();
        let mut n = 2;
        while self.item_vars.contains_key(&name) || self.templates.used.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        let input = self.secret_variable(&name, "collection");
        self.item_vars
            .insert(name.clone(), Value::String(format!("{{{{env.{input}}}}}")));
        self.credentials.push((value.to_owned(), name.clone()));
        let item = self.item.clone();
        self.report.note(
            &item,
            "auth",
            format!(
                "the credential written in the collection is now the variable `{name}`, read from \
                 the secret input `{input}`; its value is not written: set the environment \
                 variable {input} to run"
            ),
        );
        name
    }

    /// The input for a secret variable of a collection or environment.
    pub(super) fn secret_variable(&mut self, variable: &str, origin: &str) -> String {
        let name: String = variable
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        self.inputs.entry(name.clone()).or_insert_with(|| {
            format!("`{variable}`, a secret of the Postman {origin} (its value is not imported)")
        });
        name
    }
}
