//! Compiles workflow control: `for_each`, `retry` (with its limits), `paginate`, groups, and `include` (the other file compiled in a scope of its own, cycles refused, read once however often it is included, within limits of depth and of the total compiled from included files).

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use foldhash::HashMap;

use serde_json::Value;

use super::expect::expectation_references;
use super::request::Named;
use super::templates::record;
use super::{is_identifier, parse, too_deep, Compiler, Defaults, MAX_ATTEMPTS, MAX_BACKOFF};
use crate::collection::diagnostic::did_you_mean;
use crate::collection::locate::{FieldPath, Positions};
use crate::collection::{
    Diagnostic, ForEach, Include, NextPage, Paginate, Reference, Retry, Step, RESERVED_NAMES,
};
use crate::spec::collection::{
    CollectionSpec, NextField, PaginateSpec, RetryOn, RetrySpec, StepSpec,
};

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

    /// The steps of a group, one level deeper than the group, within [`MAX_STEP_DEPTH`].
    pub(super) fn group(&mut self, specs: &[StepSpec], field: &FieldPath) -> Vec<Step> {
        if self.depth + 2 > MAX_STEP_DEPTH {
            let through = match self.include_stack.len() - 1 {
                1 => "the `include` that leads to this file".to_owned(),
                includes => format!("the {includes} `include`s that lead to this file"),
            };
            self.problem_with_hint(
                field,
                format!(
                    "steps nest more than {MAX_STEP_DEPTH} levels deep here, includes and groups together: this group's steps would be at level {}, counting {through}",
                    self.depth + 2
                ),
                format!(
                    "runner compiles at most {MAX_STEP_DEPTH} levels of steps (docs/limits.md): flatten this group, or include this file from a shallower step"
                ),
            );
            return Vec::new();
        }
        self.depth += 1;
        let steps = self.steps(specs, field);
        self.depth -= 1;
        steps
    }

    pub(super) fn include(
        &mut self,
        spec: &StepSpec,
        written: &str,
        field: &FieldPath,
        references: &mut Vec<Reference>,
    ) -> Option<Include> {
        let at = field.key("include");
        let base = crate::spec::file::folder_of(self.path);
        let path = base.join(written);
        let canonical = self
            .included
            .canonical
            .entry(path.clone())
            .or_insert_with(|| {
                std::fs::canonicalize(&path).map_err(|error| Unreadable::new(&path, &error))
            })
            .clone();
        let canonical = match canonical {
            Ok(canonical) => canonical,
            Err(unreadable) => {
                self.unreadable_include(&unreadable, &at);
                return None;
            }
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
        if self.depth + 2 > MAX_STEP_DEPTH {
            self.problem_with_hint(
                &at,
                format!(
                    "steps nest more than {MAX_STEP_DEPTH} levels deep here, includes and groups together: the steps of `{written}` would be at level {}",
                    self.depth + 2
                ),
                format!(
                    "runner compiles at most {MAX_STEP_DEPTH} levels of steps, so a chain of files each including the next may be at most {MAX_STEP_DEPTH} files long (docs/limits.md): include `{written}` from a shallower step, or flatten the includes and groups above this one"
                ),
            );
            return None;
        }
        let file = match self.included.files.get(&canonical) {
            Some(read) => read.clone(),
            None => {
                let (read, problems) = read_included(&path, &canonical);
                self.problems.extend(problems);
                self.included.files.insert(canonical.clone(), read.clone());
                read
            }
        };
        let file = match file {
            Read::Parsed(file) => file,
            Read::Unreadable(unreadable) => {
                self.unreadable_include(&unreadable, &at);
                return None;
            }
            // Its problems were told where it was first included.
            Read::Broken => return None,
        };
        if !self.within_include_budget(&file, written, &at) {
            return None;
        }
        let included = &file.spec;
        let passed = self.variables(&spec.vars, &field.key("vars"));
        for variable in passed.values() {
            record(references, variable.value.templates(), || {
                variable.field.clone()
            });
        }
        let source = file.source.clone();
        self.include_stack.push(canonical);
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
            include_stack: std::mem::take(&mut self.include_stack),
            depth: self.depth + 1,
            included: std::mem::take(&mut self.included),
            credentials: std::mem::take(&mut self.credentials),
        };
        child.declare_inputs(included);
        let defaults = child.variables(&included.vars, &FieldPath::default().key("vars"));
        child.defaults = child.defaults(included);
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
        self.include_stack = child.include_stack;
        self.include_stack.pop();
        self.included = child.included;
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

    /// Tells, at the `include` at `at`, why the file it names cannot be included.
    fn unreadable_include(&mut self, unreadable: &Unreadable, at: &FieldPath) {
        self.problem_with_hint(
            at,
            unreadable.message.to_string(),
            unreadable.hint.to_string(),
        );
    }

    /// Counts what compiling `file` once more costs against the collection's budget for
    /// included files; past it, refuses this `include` (the first time, saying so, at `at`;
    /// after that, silently: the collection does not load either way).
    fn within_include_budget(
        &mut self,
        file: &IncludedFile,
        written: &str,
        at: &FieldPath,
    ) -> bool {
        let budget = &mut self.included;
        if budget.exhausted {
            return false;
        }
        let steps = budget.steps.saturating_add(file.steps);
        let bytes = budget.bytes.saturating_add(file.source.len());
        let what = if steps > MAX_INCLUDED_STEPS {
            format!("more than {MAX_INCLUDED_STEPS} steps")
        } else if bytes > MAX_INCLUDED_BYTES {
            format!("more than {} MiB of text", MAX_INCLUDED_BYTES >> 20)
        } else {
            budget.steps = steps;
            budget.bytes = bytes;
            return true;
        };
        budget.exhausted = true;
        self.problem_with_hint(
            at,
            format!(
                "including `{written}` here would compile {what} from included files for this collection: an included file is compiled once for every `include` that names it, and again for every time the file holding that `include` is itself included"
            ),
            format!(
                "runner compiles at most {MAX_INCLUDED_STEPS} steps and {} MiB of text from included files for one collection (docs/limits.md): include a shared file from fewer places (e.g. once, from a group of the steps that need it), or split the collection",
                MAX_INCLUDED_BYTES >> 20
            ),
        );
        false
    }
}

/// How deep steps may nest, includes and groups together: the collection's own steps are at
/// level 1, a group's or an included file's steps one level below the step that holds them
/// (docs/limits.md). Compiling, checking and running walk the steps recursively; in a debug
/// build, compiling overflowed a 2 MiB thread's stack at about 150 nested includes (8 MiB:
/// about 550), and running a collection on the main thread's 8 MiB at 78. One file's
/// groups nest at most 49 levels (its maps and lists nest at most 100), so only includes
/// reach this.
pub(super) const MAX_STEP_DEPTH: usize = 64;

/// The most steps compiled from included files for one collection, each counted every time
/// its file is compiled (groups' steps and `include` steps included) (docs/limits.md):
/// about what a file of as many steps costs to compile (4 s in a debug build).
pub(super) const MAX_INCLUDED_STEPS: usize = 100_000;

/// The most text of included files compiled for one collection, each file counted every
/// time it is compiled (docs/limits.md): the compiled steps keep their file's text.
pub(super) const MAX_INCLUDED_BYTES: usize = 16 << 20;

/// The included files of one collection: each read, parsed and checked once, however often
/// it is included, and what compiling them has cost so far.
#[derive(Default)]
pub(super) struct Included {
    /// Each path an `include` names (joined to its file's folder), resolved, or why it
    /// cannot be (no such file, a loop of links).
    canonical: HashMap<PathBuf, Result<PathBuf, Unreadable>>,
    /// Each resolved file, read.
    files: HashMap<PathBuf, Read>,
    /// Steps compiled from included files so far, within [`MAX_INCLUDED_STEPS`].
    steps: usize,
    /// Text of included files compiled so far, within [`MAX_INCLUDED_BYTES`].
    bytes: usize,
    /// The budget was passed (and said so once).
    exhausted: bool,
}

/// An included file, read once.
#[derive(Clone)]
enum Read {
    /// Not read, or holding nothing: why.
    Unreadable(Unreadable),
    /// Read, but it does not parse (its problems were told when it was read).
    Broken,
    Parsed(Rc<IncludedFile>),
}

/// Why an included file cannot be included, told at each `include` that names it.
#[derive(Clone)]
struct Unreadable {
    message: Rc<str>,
    hint: Rc<str>,
}

impl Unreadable {
    /// Why the file written `path` (joined to its includer's folder) could not be resolved
    /// or read, as `error` says, and how to mend it.
    fn new(path: &Path, error: &std::io::Error) -> Unreadable {
        use std::io::ErrorKind;
        let shown = path.display();
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder.display().to_string(),
            _ => ".".to_owned(),
        };
        let relative = format!(
            "a relative `include` is read from the folder of the file that holds it (`{folder}`)"
        );
        let link = std::fs::read_link(path).ok();
        let (reason, hint) = match error.kind() {
            ErrorKind::NotFound => match link {
                Some(target) => (
                    format!(
                        "it is a symbolic link to `{}`, which does not exist",
                        target.display()
                    ),
                    "point the link at a collection file, or include the file by its own path"
                        .to_owned(),
                ),
                None => (
                    "there is no such file".to_owned(),
                    format!("{relative}: correct the path, or create the file"),
                ),
            },
            // `ErrorKind::FilesystemLoop` is not stable.
            _ if error.raw_os_error() == Some(libc::ELOOP) => (
                "it is a loop of symbolic links (each leads to the next, and back), which leads to no file".to_owned(),
                "point one of the links at a collection file, or include the file by its own path".to_owned(),
            ),
            ErrorKind::PermissionDenied => (
                format!("permission denied ({error})"),
                "make the file readable by the user that runs runner (`chmod a+r FILE`), and every folder above it searchable (`chmod a+x FOLDER`)".to_owned(),
            ),
            ErrorKind::NotADirectory => (
                "a part of its path before the file name is a file, not a folder".to_owned(),
                format!("{relative}: correct the path"),
            ),
            _ => (error.to_string(), "`include` names a collection file (a YAML file with `name` and `steps`)".to_owned()),
        };
        Unreadable {
            message: format!("cannot read included collection `{shown}`: {reason}").into(),
            hint: hint.into(),
        }
    }
}

/// An included file that parsed.
struct IncludedFile {
    source: String,
    spec: CollectionSpec,
    /// Its steps, the steps of its groups counted too (an `include` counts as one step).
    steps: usize,
}

/// Reads and parses the included file at `canonical`, written as `path`: what it holds, and
/// its problems when it does not parse.
fn read_included(path: &Path, canonical: &Path) -> (Read, Vec<Diagnostic>) {
    let source = match crate::spec::file::read_to_string(canonical) {
        Ok(source) => source,
        Err(error) => return (Read::Unreadable(Unreadable::new(path, &error)), Vec::new()),
    };
    // As for a collection run on its own (a YAML parser reads it as one null document, and
    // says so in its own words); told at the `include`, as the file has no line to show.
    if crate::collection::holds_nothing(&source) {
        let unreadable = Unreadable {
            message: format!(
                "included collection `{}` is empty: it holds no YAML but blanks and comments",
                path.display()
            )
            .into(),
            hint: "an included file is a collection: it needs `name` and `steps`, e.g. `name: Login` and `steps: [{ name: ping, request: { url: \"https://example.com\" } }]`; or remove this `include`".into(),
        };
        return (Read::Unreadable(unreadable), Vec::new());
    }
    let source = match source.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => source,
    };
    let source = crate::spec::block_scalar::indicate_tab_indentation(&source).unwrap_or(source);
    if let Some(problem) = too_deep(path, &source) {
        return (Read::Broken, vec![problem]);
    }
    // Refused before any reading, as in the including collection (see `compile`).
    let merges = crate::collection::keys::merge_keys(path, &source);
    if !merges.is_empty() {
        return (Read::Broken, merges);
    }
    match parse(path, &source) {
        Ok(spec) => {
            let steps = count_steps(&spec.steps);
            (
                Read::Parsed(Rc::new(IncludedFile {
                    source,
                    spec,
                    steps,
                })),
                Vec::new(),
            )
        }
        Err(problems) => (Read::Broken, problems),
    }
}

/// How many steps `specs` holds, the steps of groups counted too.
fn count_steps(specs: &[StepSpec]) -> usize {
    let mut count = 0;
    let mut lists = vec![specs];
    while let Some(list) = lists.pop() {
        count += list.len();
        lists.extend(list.iter().filter_map(|spec| spec.steps.as_deref()));
    }
    count
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
