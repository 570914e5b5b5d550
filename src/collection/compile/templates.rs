//! Compiles templates: each text once, its problem located at the field that holds it.

use serde_json::Value;

use super::Compiler;
use crate::collection::locate::FieldPath;
use crate::collection::{Diagnostic, Parameter, Reference};
use crate::spec::collection::ParameterValue;
use crate::template::{JsonTemplate, Template, TemplateError};

/// Adds the variables `templates` read at `field` to `references` (the field is only made
/// when one of them reads a variable: most templates are plain text).
pub(super) fn record<'t>(
    references: &mut Vec<Reference>,
    templates: impl IntoIterator<Item = &'t Template>,
    field: impl FnOnce() -> FieldPath,
) {
    let mut variables = templates
        .into_iter()
        .flat_map(|t| {
            let strict = t.reads_strictly();
            t.each_reference().map(move |v| (v, strict))
        })
        .peekable();
    if variables.peek().is_none() {
        return;
    }
    // The last reference takes the field itself: most templates read one variable.
    let mut field = Some(field());
    while let Some((variable, strict)) = variables.next() {
        let field = match variables.peek() {
            Some(_) => field.clone(),
            None => field.take(),
        };
        references.extend(field.map(|field| Reference {
            variable: variable.into_owned(),
            field,
            strict,
        }));
    }
}

/// [`record`] for each template of a query parameter or form field at `field`, an element of
/// a list at its index.
pub(super) fn record_parameter(
    references: &mut Vec<Reference>,
    parameter: &Parameter,
    field: impl Fn() -> FieldPath,
) {
    for (index, template) in parameter.templates() {
        record(references, [template], || match index {
            Some(index) => field().index(index),
            None => field(),
        });
    }
}

impl Compiler<'_> {
    pub(super) fn template(&mut self, text: &str, field: &FieldPath) -> Option<Template> {
        self.template_at(text, || field.clone())
    }

    /// [`Self::template`] with the field made only for a problem.
    pub(super) fn template_at(
        &mut self,
        text: &str,
        field: impl FnOnce() -> FieldPath,
    ) -> Option<Template> {
        match self.templates.compile(text) {
            Ok(template) => Some(template),
            Err(error) => self.compiled(Err(error), &field()),
        }
    }

    /// A query parameter's or form field's value: one template, or one per element of a
    /// list (a problem is at the element's field).
    pub(super) fn parameter(
        &mut self,
        value: &ParameterValue,
        field: impl Fn() -> FieldPath,
    ) -> Option<Parameter> {
        match value {
            ParameterValue::One(value) => {
                self.template_at(&value.text(), field).map(Parameter::One)
            }
            ParameterValue::Many(values) => {
                // Every element compiled, so that each bad one is reported.
                let templates: Vec<Option<Template>> = values
                    .iter()
                    .enumerate()
                    .map(|(index, value)| self.template_at(&value.text(), || field().index(index)))
                    .collect();
                templates
                    .into_iter()
                    .collect::<Option<_>>()
                    .map(Parameter::Many)
            }
        }
    }

    pub(super) fn json(&mut self, value: &Value, field: &FieldPath) -> Option<JsonTemplate> {
        let compiled = JsonTemplate::compile(&mut self.templates, value);
        self.compiled(compiled, field)
    }

    /// The compiled template, or a problem at `field`.
    pub(super) fn compiled<T>(
        &mut self,
        compiled: Result<T, TemplateError>,
        field: &FieldPath,
    ) -> Option<T> {
        compiled
            .map_err(|e| {
                let problem = Diagnostic::at(
                    self.path,
                    (self.source, self.positions),
                    field,
                    e.to_string(),
                )
                .with_hint("templates are handlebars: `{{name}}`, `{{base64 name}}`");
                self.problems.push(match (&e.names, e.character) {
                    (Some(name), _) => problem.at_template_reading(name),
                    (None, Some(character)) => problem.at_character_of(&e.source_text, character),
                    (None, None) => problem,
                });
            })
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compiled, problems, request_step};
    use crate::template::Template;

    #[test]
    fn the_same_text_compiles_once() {
        let collection = compiled(
            r#"
name: t
vars: { base: "http://127.0.0.1:1" }
steps:
  - name: a
    request: { url: "{{base}}/items" }
  - name: b
    request: { url: "{{base}}/items" }
"#,
        );
        let (Template::Rendered(a), Template::Rendered(b)) = (
            &request_step(&collection, 0).request.url,
            &request_step(&collection, 1).request.url,
        ) else {
            panic!("rendered templates")
        };
        assert!(std::sync::Arc::ptr_eq(a, b));
    }

    #[test]
    fn a_template_that_does_not_compile_is_a_problem_at_its_field() {
        let found = problems(
            "name: t\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/{{#if x}}\" }\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("steps[0].request.url: invalid template"),
            "{found:?}"
        );
    }
}
