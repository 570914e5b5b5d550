//! Postman `{{variables}}` as runner templates: names made safe for handlebars, dynamic
//! variables (`{{$guid}}`, `{{$timestamp}}`, ...) mapped to runner's helpers where runner
//! has one of its own, kept as written otherwise (`{{$randomEmail}}` is runner's too).

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
    /// Runner name → the Postman name it stands for, so two Postman names that would
    /// become the same runner name (`@` and `?` are both `_`) stay two variables.
    owners: IndexMap<String, String>,
}

impl Templates {
    /// The runner name of a Postman variable: letters, digits and `_`, not starting with a
    /// digit, and not a reserved name.
    pub fn name(&mut self, postman: &str) -> String {
        if let Some(name) = self.renamed.get(postman) {
            return name.clone();
        }
        let mut name: String = postman
            .trim()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, '_');
        }
        if name.starts_with("else") {
            // Handlebars reads `{{elsewhere}}` as `{{else where}}`.
            name.insert(0, '_');
        } else if RESERVED.contains(&name.as_str()) {
            name.push_str("_var");
        }
        let base = name.clone();
        let mut n = 2;
        while self.owners.get(&name).is_some_and(|owner| owner != postman) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.owners.insert(name.clone(), postman.to_owned());
        if name != postman {
            self.renamed.insert(postman.to_owned(), name.clone());
        }
        name
    }

    /// `text` with each `{{name}}` made a runner template; dynamic variables without a
    /// helper are kept as written and reported.
    pub fn text(&mut self, text: &str, item: &str, place: &str, report: &mut Report) -> String {
        crate::postman::placeholders::map_placeholders(text, |inner| {
            if inner.contains("{{") {
                // `{{host.{{one}}}}`: Postman resolves `one`, then reads the variable so named.
                let flat = crate::postman::placeholders::map_placeholders(inner, str::to_owned)
                    .replace("{{", "")
                    .replace("}}", "");
                let name = self.name(&flat);
                self.used.insert(name.clone());
                report.lossy(
                    item,
                    place,
                    format!(
                        "`{{{{{inner}}}}}` reads a variable whose name is built from another \
                         variable's value: runner names are fixed; written as `{{{{{name}}}}}`, \
                         give it the value Postman would resolve"
                    ),
                );
                return name;
            }
            let Some(dynamic) = inner.strip_prefix('$') else {
                let name = self.name(inner);
                self.used.insert(name.clone());
                return name;
            };
            match DYNAMIC.iter().find(|(postman, _)| &postman[1..] == dynamic) {
                Some((_, helper)) => (*helper).to_owned(),
                // runner has Postman's other dynamic variables under their own names.
                None if crate::template::dynamic::patterns(inner).is_some() => inner.to_owned(),
                None => {
                    report.lossy(
                        item,
                        place,
                        format!(
                            "`{{{{{inner}}}}}` is not one of Postman's dynamic variables \
                             (runner has them all, `$guid` to `$randomSemver`): replace it with a value or a variable"
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
            "{{base-url}}/x/{{ id }}?t={{$timestamp}}&g={{$guid}}&r={{$randomInt}}&e={{env}}&m={{$randomEmail}}&q={{$randomQuux}}",
            "item",
            "url",
            &mut report,
        );
        assert_eq!(
            text,
            "{{base_url}}/x/{{id}}?t={{timestamp}}&g={{uuid}}&r={{$randomInt}}&e={{env_var}}&m={{$randomEmail}}&q={{$randomQuux}}"
        );
        // Only the one Postman does not have either.
        assert_eq!(report.lossy_count(), 1);
        assert_eq!(templates.renamed.len(), 2);
    }

    #[test]
    fn names_that_would_collide_stay_distinct() {
        let mut templates = Templates::default();
        let mut report = Report::default();
        let text = templates.text("{{@}}:{{?}}/{{@}}/{{_}}", "item", "url", &mut report);
        assert_eq!(text, "{{_}}:{{__2}}/{{_}}/{{__3}}");
        assert!(report.entries.is_empty());
    }

    #[test]
    fn a_nested_variable_is_reported_and_written_once() {
        let mut templates = Templates::default();
        let mut report = Report::default();
        let text = templates.text("https://{{host.{{one}}}}/get", "item", "url", &mut report);
        assert_eq!(text, "https://{{host_one}}/get");
        assert_eq!(report.lossy_count(), 1);
    }
}
