//! Compiles workflow control: `for_each`, `retry` (with its limits), `paginate`, and `include` (the other file compiled in a scope of its own, cycles refused).

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::expect::expectation_references;
use super::request::Named;
use super::templates::record;
use super::{is_identifier, parse, too_deep, Compiler, Defaults, MAX_ATTEMPTS, MAX_BACKOFF};
use crate::collection::diagnostic::did_you_mean;
use crate::collection::locate::{FieldPath, Positions};
use crate::collection::{
    ForEach, Include, NextPage, Paginate, Reference, Retry, Step, RESERVED_NAMES,
};
use crate::spec::collection::{NextField, PaginateSpec, RetryOn, RetrySpec, StepSpec};

impl Compiler<'_> {
    pub(super) fn for_each(
        &mut self,
        spec: &StepSpec,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> Option<ForEach> {
        let items = spec.for_each.as_ref()?;
        let at = field.key("for_each");
        if !matches!(items, Value::Array(_) | Value::String(_)) {
            self.problem_with_hint(
                &at,
                "`for_each` takes a list, or a template that gives one",
                "e.g. `for_each: [a, b]` or `for_each: \"{{ids}}\"`",
            );
            return None;
        }
        let items = self.json(items, &at)?;
        record(references, items.templates(), || at.clone());
        Some(ForEach {
            items,
            name: spec.as_.clone().unwrap_or_else(|| "item".to_owned()),
        })
    }

    pub(super) fn retry(
        &mut self,
        spec: &RetrySpec,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> Retry {
        if !(1..=MAX_ATTEMPTS).contains(&spec.attempts) {
            self.problem(
                &field.key("attempts"),
                "`attempts` counts every attempt, the first included: 1 to 1000",
            );
        }
        let backoff = spec.backoff.unwrap_or(1.0);
        if !(backoff.is_finite() && (1.0..=MAX_BACKOFF).contains(&backoff)) {
            self.problem(
                &field.key("backoff"),
                "`backoff` multiplies the wait after each attempt: 1 to 100 (the wait stops growing at `max_interval`)",
            );
        }
        let until = spec.until.as_ref().map(|until| {
            let expect = self.expectations(until, &field.key("until"));
            expectation_references(references, &expect, &field.key("until"));
            expect
        });
        Retry {
            attempts: spec.attempts.clamp(1, MAX_ATTEMPTS),
            interval: spec.interval.map_or(Duration::from_secs(1), |d| d.0),
            backoff: if backoff.is_finite() {
                backoff.clamp(1.0, MAX_BACKOFF)
            } else {
                1.0
            },
            max_interval: spec.max_interval.map(|d| d.0),
            until,
            on_transport: spec.on.contains(&RetryOn::Transport),
            on_server_error: spec.on.contains(&RetryOn::ServerError),
            on_too_many_requests: spec.on.contains(&RetryOn::TooManyRequests),
        }
    }

    /// `retry` and `paginate` on one step: a paged request is not re-sent, so the `retry`
    /// would be ignored; refused, at `retry`, rather than ignored in silence.
    pub(super) fn retry_with_paginate(&mut self, spec: &StepSpec, field: &FieldPath) {
        if spec.retry.is_some() && spec.paginate.is_some() {
            self.problem_with_hint(
                &field.key("retry"),
                "`retry` and `paginate` do not combine: the pages of a paged request are not re-sent, so this `retry` would be ignored",
                "remove `retry` or `paginate`; to poll until a resource is ready and then page through it, use two steps",
            );
        }
    }

    pub(super) fn paginate(&mut self, spec: &PaginateSpec, field: &FieldPath) -> Option<Paginate> {
        let next = match &spec.next {
            crate::spec::collection::NextPage::Link(_) => NextPage::Link,
            crate::spec::collection::NextPage::Field(NextField {
                jsonpath: Some(path),
                query: None,
            }) => NextPage::JsonPath(self.jsonpath(path, &field.key_in("next", "jsonpath"))?),
            crate::spec::collection::NextPage::Field(NextField {
                jsonpath: None,
                query: Some(name),
            }) => {
                if !self.name_as_written(name, Named::PageQuery, || field.key_in("next", "query")) {
                    return None;
                }
                NextPage::Query(name.clone())
            }
            crate::spec::collection::NextPage::Field(_) => {
                self.problem_with_hint(
                    &field.key("next"),
                    "`next` is `link`, `{ jsonpath: PATH }` or `{ query: NAME }`",
                    "follow the Link header with `next: link`",
                );
                return None;
            }
        };
        let mut collect = Vec::new();
        for (name, path) in &spec.collect {
            let at = field.key_in("collect", name.to_owned());
            if !is_identifier(name) || RESERVED_NAMES.contains(&name.as_str()) {
                self.problem(&at, format!("`{name}` cannot be a variable name"));
                continue;
            }
            if let Some(path) = self.jsonpath(path, &at) {
                collect.push((name.clone(), path));
            }
        }
        // Written empty, not emptied by a path that did not compile (reported already).
        if matches!(next, NextPage::Query(_)) && spec.collect.is_empty() {
            self.problem_with_hint(
                &field.key("collect"),
                "`next: { query: ... }` stops at a page where `collect` finds nothing, so it needs `collect`",
                "e.g. `collect: { ids: \"$[*].id\" }`",
            );
        }
        if spec.max_pages == Some(0) {
            self.problem(&field.key("max_pages"), "`max_pages` must be at least 1");
        }
        Some(Paginate {
            next,
            collect,
            max_pages: spec.max_pages.unwrap_or(100).max(1),
        })
    }

    pub(super) fn include(
        &mut self,
        spec: &StepSpec,
        written: &str,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> Option<Include> {
        let at = field.key("include");
        let base = self.path.parent().unwrap_or(Path::new("."));
        let path = base.join(written);
        let canonical = std::fs::canonicalize(&path).ok();
        let Some(canonical) = canonical else {
            self.problem_with_hint(
                &at,
                format!("cannot read included collection `{}`", path.display()),
                "the path is relative to the including file",
            );
            return None;
        };
        if self.include_stack.contains(&canonical) {
            let chain: Vec<String> = self
                .include_stack
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| p.display().to_string())
                .collect();
            self.problem(&at, format!("includes form a cycle: {}", chain.join(" → ")));
            return None;
        }
        let source = match std::fs::read_to_string(&canonical) {
            Ok(source) => source,
            Err(e) => {
                self.problem(
                    &at,
                    format!("cannot read included collection `{}`: {e}", path.display()),
                );
                return None;
            }
        };
        let source = source
            .strip_prefix('\u{feff}')
            .map_or(source.clone(), str::to_owned);
        let source = crate::spec::block_scalar::indicate_tab_indentation(&source).unwrap_or(source);
        if let Some(problem) = too_deep(&path, &source) {
            self.problems.push(problem);
            return None;
        }
        let included = match parse(&path, &source) {
            Ok(included) => included,
            Err(problems) => {
                self.problems.extend(problems);
                return None;
            }
        };
        let passed = self.variables(&spec.vars, &field.key("vars"));
        for variable in passed.values() {
            record(references, variable.value.templates(), || {
                variable.field.clone()
            });
        }
        let mut stack = self.include_stack.clone();
        stack.push(canonical);
        let positions = Positions::default();
        let mut child = Compiler {
            path: &path,
            source: &source,
            positions: &positions,
            templates: std::mem::take(&mut self.templates),
            problems: std::mem::take(&mut self.problems),
            inputs: std::mem::take(&mut self.inputs),
            defaults: Defaults::default(),
            ids: std::mem::take(&mut self.ids),
            jsonpaths: std::mem::take(&mut self.jsonpaths),
            plans: std::mem::take(&mut self.plans),
            include_stack: stack,
            credentials: std::mem::take(&mut self.credentials),
        };
        child.declare_inputs(&included);
        let defaults = child.variables(&included.vars, &FieldPath::default().key("vars"));
        child.defaults = child.defaults(&included);
        let steps = child.steps(&included.steps, &FieldPath::default().key("steps"));
        let provided: Vec<String> = steps
            .iter()
            .flat_map(Step::provides)
            .chain(defaults.keys().cloned())
            .collect();
        self.templates = child.templates;
        self.problems = child.problems;
        self.inputs = child.inputs;
        self.ids = child.ids;
        self.jsonpaths = child.jsonpaths;
        self.plans = child.plans;
        self.credentials = child.credentials;
        for (i, name) in spec.export.iter().enumerate() {
            if !provided.contains(name) {
                let hint = match did_you_mean(name, provided.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("the included steps set: {}", provided.join(", ")),
                };
                self.problem_with_hint(
                    &field.key("export").index(i),
                    format!("`{name}` is not captured or defined by `{written}`"),
                    hint,
                );
            }
        }
        Some(Include {
            path,
            source,
            positions,
            defaults,
            passed,
            export: spec.export.clone(),
            steps,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::testing::{compiled, problems, request_step};
    use super::MAX_ATTEMPTS;

    #[test]
    fn retry_reads_its_conditions_and_paginate_its_next_page() {
        let collection = compiled(
            r#"
name: t
steps:
  - name: poll
    request: { url: "http://127.0.0.1:1/" }
    retry: { attempts: 5, interval: 100ms, backoff: 2, on: [transport, 5xx, "429"] }
  - name: pages
    request: { url: "http://127.0.0.1:1/items" }
    paginate: { next: link, collect: { ids: "$[*].id" }, max_pages: 3 }
"#,
        );
        let retry = request_step(&collection, 0)
            .retry
            .as_deref()
            .expect("retry");
        assert_eq!(retry.attempts, 5);
        assert_eq!(retry.interval, Duration::from_millis(100));
        assert!(retry.on_transport && retry.on_server_error && retry.on_too_many_requests);
        let paginate = request_step(&collection, 1)
            .paginate
            .as_deref()
            .expect("paginate");
        assert_eq!(paginate.max_pages, 3);
        assert_eq!(paginate.collect.len(), 1);
    }

    /// `retry` is not applied to a paged request: a step with both is refused where its
    /// `retry` is written, naming both and how to mend it, rather than run without its
    /// `retry`.
    #[test]
    fn retry_and_paginate_on_one_step_are_refused_at_retry() {
        let yaml = "name: t\nsteps:\n  - name: pages\n    request: { url: \"http://127.0.0.1:1/\" }\n    retry: { attempts: 3 }\n    paginate: { next: link }\n";
        let problems = match crate::collection::Collection::parse(
            std::path::Path::new("t.yaml"),
            yaml.to_owned(),
        ) {
            Ok(_) => panic!("a step with `retry` and `paginate` compiles"),
            Err(problems) => problems.0,
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = &problems[0];
        assert_eq!(problem.field.as_deref(), Some("steps[0].retry"));
        assert_eq!(problem.position, Some((5, 12)));
        assert!(
            problem
                .message
                .contains("`retry` and `paginate` do not combine"),
            "{}",
            problem.message
        );
        let hint = problem.hint.as_deref().unwrap_or_default();
        assert!(hint.contains("remove `retry` or `paginate`"), "{hint}");
        // Either alone, or `paginate: ~`, compiles.
        for alone in [
            yaml.replace("    retry: { attempts: 3 }\n", ""),
            yaml.replace("    paginate: { next: link }\n", ""),
            yaml.replace("{ next: link }", "~"),
        ] {
            compiled(&alone);
        }
    }

    #[test]
    fn limits_and_missing_includes_are_problems() {
        let found = problems(&format!(
            r#"
name: t
steps:
  - name: too many
    request: {{ url: "http://127.0.0.1:1/" }}
    retry: {{ attempts: {} }}
  - name: shared flow
    include: no-such-file.yaml
"#,
            MAX_ATTEMPTS + 1
        ));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("steps[0].retry.attempts"), "{found:?}");
        assert!(found[1].starts_with("steps[1].include"), "{found:?}");
    }
}
