//! What every part of a Postman export shares: the report, the inputs read as `{{env.X}}`, and
//! runner templates written as Postman variables.

use std::path::Path;

use indexmap::IndexMap;
use serde_json::{Map as JsonMap, Value};

use crate::postman::placeholders;
use crate::postman::Report;

type Object = JsonMap<String, Value>;

/// What the export shares: the report, the inputs read as `{{env.X}}`, the schema base.
pub(super) struct Context<'a> {
    pub report: Report,
    pub item: String,
    /// Inputs read by templates: name → secret.
    pub(super) env_reads: IndexMap<String, bool>,
    pub(super) inputs: &'a Object,
    pub base: &'a Path,
    /// `defaults.expect.status`: what a step without its own status expects (`None`: a
    /// success, 2xx or 3xx).
    pub(super) default_status: Option<Value>,
}

impl Context<'_> {
    /// A runner template as Postman text: `{{uuid}}` → `{{$guid}}`, `{{env.X}}` → `{{X}}`.
    pub fn text(&mut self, text: &str, place: &str) -> String {
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

    /// Every string of a JSON value through [`Context::text`].
    pub fn json(&mut self, value: &Value, place: &str) -> Value {
        placeholders::map_strings(value, &mut |text| self.text(text, place))
    }
}

/// A scalar as the text Postman sends.
pub(super) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
