//! Postman `{{variables}}` as runner templates: names made safe for handlebars, dynamic
//! variables (`{{$guid}}`, `{{$timestamp}}`, ...) mapped to runner's helpers.

use indexmap::{IndexMap, IndexSet};

use crate::postman::Report;

/// Names runner reserves (its scopes and template helpers) or handlebars reads specially.
const RESERVED: &[&str] = &[
    "env",
    "sandbox",
    "steps",
    "uuid",
    "now",
    "timestamp",
    "base64",
    "json",
    "urlencode",
    "this",
    "else",
    "true",
    "false",
    "null",
];

/// The Postman dynamic variables that have a runner helper.
const DYNAMIC: &[(&str, &str)] = &[
    ("$guid", "uuid"),
    ("$randomUUID", "uuid"),
    ("$timestamp", "timestamp"),
    ("$isoTimestamp", "now"),
];

/// Variable names seen while converting: renames, and every name a template reads.
#[derive(Debug, Default)]
pub struct Templates {
    /// Postman name → runner name, for the names that had to change.
    pub renamed: IndexMap<String, String>,
    /// Runner names read by templates, in order of first use.
    pub used: IndexSet<String>,
}

impl Templates {
    /// The runner name of a Postman variable: letters, digits and `_`, not starting with a
    /// digit, and not a reserved name.
    pub fn name(&mut self, postman: &str) -> String {
        let mut name: String = postman
            .trim()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, '_');
        }
        if RESERVED.contains(&name.as_str()) {
            name.push_str("_var");
        }
        if name != postman {
            self.renamed.insert(postman.to_owned(), name.clone());
        }
        name
    }

    /// `text` with each `{{name}}` made a runner template; dynamic variables without a
    /// helper are kept as written and reported.
    pub fn text(&mut self, text: &str, item: &str, place: &str, report: &mut Report) -> String {
        crate::postman::placeholders::map_placeholders(text, |inner| {
            let Some(dynamic) = inner.strip_prefix('$') else {
                let name = self.name(inner);
                self.used.insert(name.clone());
                return name;
            };
            match DYNAMIC.iter().find(|(postman, _)| &postman[1..] == dynamic) {
                Some((_, helper)) => (*helper).to_owned(),
                None => {
                    report.lossy(
                        item,
                        place,
                        format!(
                            "the dynamic variable `{{{{{inner}}}}}` has no runner helper \
                             (runner has uuid, now, timestamp): replace it with a value or a variable"
                        ),
                    );
                    inner.to_owned()
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_dynamic_variables() {
        let mut templates = Templates::default();
        let mut report = Report::default();
        let text = templates.text(
            "{{base-url}}/x/{{ id }}?t={{$timestamp}}&g={{$guid}}&r={{$randomInt}}&e={{env}}",
            "item",
            "url",
            &mut report,
        );
        assert_eq!(
            text,
            "{{base_url}}/x/{{id}}?t={{timestamp}}&g={{uuid}}&r={{$randomInt}}&e={{env_var}}"
        );
        assert_eq!(report.lossy_count(), 1);
        assert_eq!(templates.renamed.len(), 2);
    }
}
