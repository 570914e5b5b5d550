//! Templated JSON: a body or an operand whose strings may be templates.

use handlebars::Context;
use serde_json::{Map, Value};

use super::{RenderError, Template, TemplateError, Templates};

/// A JSON value whose strings are compiled templates. Subtrees without templates stay
/// [`JsonTemplate::Static`] and are cloned, not walked, when rendered.
#[derive(Debug, Clone)]
pub enum JsonTemplate {
    /// No templates inside.
    Static(Value),
    /// A templated string; exactly `{{var}}` keeps the variable's type.
    Text(Template),
    /// An array with templates inside.
    Array(Vec<JsonTemplate>),
    /// An object with templates inside, in its keys or its values (a key is a
    /// [`Template::Literal`] unless it holds `{{`).
    Object(Vec<(Template, JsonTemplate)>),
}

impl JsonTemplate {
    /// Compiles every string of `value`.
    pub fn compile(templates: &mut Templates, value: &Value) -> Result<Self, TemplateError> {
        if !contains_template(value) {
            return Ok(JsonTemplate::Static(value.clone()));
        }
        Ok(match value {
            Value::String(text) => JsonTemplate::Text(templates.compile(text)?),
            Value::Array(items) => JsonTemplate::Array(
                items
                    .iter()
                    .map(|item| Self::compile(templates, item))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => JsonTemplate::Object(
                map.iter()
                    .map(|(key, item)| {
                        let key = if super::holds_braces(key) {
                            templates.compile(key)?
                        } else {
                            Template::Literal(key.clone())
                        };
                        Ok((key, Self::compile(templates, item)?))
                    })
                    .collect::<Result<_, TemplateError>>()?,
            ),
            other => JsonTemplate::Static(other.clone()),
        })
    }

    /// Renders to a JSON value, of at most [`MOST_RENDERED`](super::MOST_RENDERED) bytes
    /// of texts all together (less where it is rendered with more: [`super::budget`]).
    pub fn render(&self, templates: &Templates, context: &Context) -> Result<Value, RenderError> {
        super::budget::within(super::MOST_RENDERED, || {
            self.render_parts(templates, context)
        })
    }

    fn render_parts(&self, templates: &Templates, context: &Context) -> Result<Value, RenderError> {
        match self {
            JsonTemplate::Static(value) => Ok(value.clone()),
            JsonTemplate::Text(template) => templates.render_value(template, context),
            JsonTemplate::Array(items) => items
                .iter()
                .map(|item| item.render_parts(templates, context))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            JsonTemplate::Object(entries) => {
                let mut map = Map::with_capacity(entries.len());
                // Keys that render alike are one member, the last one's value (as in a
                // JSON object read by a server).
                for (key, item) in entries {
                    map.insert(
                        templates.render_text(key, context)?,
                        item.render_parts(templates, context)?,
                    );
                }
                Ok(Value::Object(map))
            }
        }
    }

    /// Every template inside, for reference checks.
    pub fn templates(&self) -> Vec<&Template> {
        let mut found = Vec::new();
        self.collect_templates(&mut found);
        found
    }

    fn collect_templates<'a>(&'a self, found: &mut Vec<&'a Template>) {
        match self {
            JsonTemplate::Static(_) => {}
            JsonTemplate::Text(template) => found.push(template),
            JsonTemplate::Array(items) => items.iter().for_each(|i| i.collect_templates(found)),
            JsonTemplate::Object(entries) => entries.iter().for_each(|(key, item)| {
                if !matches!(key, Template::Literal(_)) {
                    found.push(key);
                }
                item.collect_templates(found);
            }),
        }
    }
}

fn contains_template(value: &Value) -> bool {
    match value {
        Value::String(text) => super::holds_braces(text),
        Value::Array(items) => items.iter().any(contains_template),
        Value::Object(map) => map
            .iter()
            .any(|(key, item)| super::holds_braces(key) || contains_template(item)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_substitution_inside_a_body() {
        let mut templates = Templates::new();
        let body =
            json!({"n": "{{n}}", "label": "n is {{n}}", "fixed": [1, "x"], "deep": ["{{flag}}"]});
        let t = JsonTemplate::compile(&mut templates, &body).expect("compiles");
        let context = Context::from(json!({"n": 5, "flag": false}));
        assert_eq!(
            t.render(&templates, &context),
            Ok(json!({"n": 5, "label": "n is 5", "fixed": [1, "x"], "deep": [false]}))
        );
    }

    #[test]
    fn keys_are_templates_too() {
        let mut templates = Templates::new();
        let body = json!({"{{k}}": "{{n}}", "id-{{n}}": {"fixed": 1}, "plain": 2, "\\{{k}}": 3});
        let t = JsonTemplate::compile(&mut templates, &body).expect("compiles");
        let context = Context::from(json!({"k": "name", "n": 5}));
        assert_eq!(
            t.render(&templates, &context),
            Ok(json!({"name": 5, "id-5": {"fixed": 1}, "plain": 2, "{{k}}": 3}))
        );
        let read: Vec<String> = t.templates().iter().flat_map(|t| t.references()).collect();
        assert!(
            read.contains(&"k".to_owned()) && read.contains(&"n".to_owned()),
            "{read:?}"
        );
        // A key that does not render is the body's error, as a value's is.
        assert!(t
            .render(&templates, &Context::from(json!({"n": 5})))
            .is_err());
    }
}
