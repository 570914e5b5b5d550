//! Walks the collection as data: inlines includes, parses JSONPaths, embeds schemas and body
//! files, lifts credentials written in clear into environment variables, and reports what the
//! emitted Python cannot do.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::{LocustOptions, Thresholds};
use crate::export::credentials::{self, Credentials, AUTH_SECRETS};
use crate::export::ExportError;
use crate::postman::Report;

type Object = Map<String, Value>;

/// The state of one export.
pub(super) struct Walker {
    pub report: Report,
    pub requests: usize,
    pub credentials: Credentials,
    pub thresholds: Thresholds,
    /// The files being walked, outermost first (for relative paths and cycles).
    files: Vec<PathBuf>,
    inputs: Object,
    jsonpaths: Object,
    schemas: Object,
    embedded: Object,
    patterns: Vec<Value>,
}

/// JSON Schema keywords the emitted validator checks (others are reported).
const SCHEMA_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "definitions",
    "$comment",
    "title",
    "description",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
    "type",
    "enum",
    "const",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

impl Walker {
    pub(super) fn new(path: &Path) -> Self {
        Walker {
            report: Report::default(),
            requests: 0,
            credentials: Credentials::default(),
            thresholds: Thresholds::default(),
            files: vec![path.to_path_buf()],
            inputs: Object::new(),
            jsonpaths: Object::new(),
            schemas: Object::new(),
            embedded: Object::new(),
            patterns: Vec::new(),
        }
    }

    fn base(&self) -> PathBuf {
        self.files
            .last()
            .and_then(|f| f.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The collection as the data the runtime walks.
    pub(super) fn collection(
        &mut self,
        root: &Object,
        options: &LocustOptions,
    ) -> Result<Object, ExportError> {
        // Numbered as the Postman export numbers them; a secret input's default and an
        // included file's credentials after the collection's own.
        self.credentials = Credentials::of_collection(root);
        self.declare_inputs(root);
        if let Some(load) = root.get("load") {
            self.thresholds(load);
        }
        let environment = options.environment.clone().or_else(|| {
            root.get("default_environment")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        let mut data = Object::new();
        data.insert("source".into(), json!(self.files[0].display().to_string()));
        data.insert(
            "name".into(),
            root.get("name").cloned().unwrap_or(Value::Null),
        );
        data.insert("version".into(), json!(options.version));
        let vars = self.templates_in(root.get("vars"), "collection", "vars");
        data.insert("vars".into(), vars);
        let mut environments = Object::new();
        for (name, env) in root
            .get("environments")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let mut env = env.as_object().cloned().unwrap_or_default();
            let vars = self.templates_in(
                env.get("vars"),
                "collection",
                &format!("environments.{name}.vars"),
            );
            env.insert("vars".into(), vars);
            environments.insert(name.clone(), Value::Object(env));
        }
        data.insert("environments".into(), Value::Object(environments));
        data.insert("environment".into(), json!(environment));
        data.insert(
            "defaults".into(),
            self.defaults(root.get("defaults"), "collection"),
        );
        let steps = self.steps(root.get("steps"), "steps")?;
        data.insert("steps".into(), steps);
        let finally = self.steps(root.get("finally"), "finally")?;
        data.insert("finally".into(), finally);
        data.insert(
            "inputs".into(),
            Value::Object(std::mem::take(&mut self.inputs)),
        );
        data.insert(
            "data".into(),
            Value::Array(options.data.iter().cloned().map(Value::Object).collect()),
        );
        data.insert(
            "jsonpaths".into(),
            Value::Object(std::mem::take(&mut self.jsonpaths)),
        );
        data.insert(
            "schemas".into(),
            Value::Object(std::mem::take(&mut self.schemas)),
        );
        data.insert(
            "files".into(),
            Value::Object(std::mem::take(&mut self.embedded)),
        );
        data.insert(
            "patterns".into(),
            Value::Array(std::mem::take(&mut self.patterns)),
        );
        Ok(data)
    }

    /// Inputs of every file; the outer file's declaration wins.
    fn declare_inputs(&mut self, root: &Object) {
        for (name, spec) in root
            .get("inputs")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if self.inputs.contains_key(name) {
                continue;
            }
            let mut spec = spec.clone();
            // A secret's default is a secret too: it is read from the environment, as a
            // credential written in clear is, and never written to the file.
            let secret = spec.get("secret").and_then(Value::as_bool) == Some(true);
            if let (true, Some(object)) = (secret, spec.as_object_mut()) {
                if let Some(default) = object.remove("default").filter(|d| !d.is_null()) {
                    let (variable, _) = self.credentials.variable(&match default {
                        Value::String(text) => text,
                        other => other.to_string(),
                    });
                    object.insert("default_from".into(), json!(variable));
                    self.report.note(
                        "collection",
                        format!("inputs.{name}.default"),
                        format!("the default of a secret input is not written to the locustfile: it reads ${variable} (runner load sets it)"),
                    );
                }
            }
            self.inputs.insert(name.clone(), spec);
        }
    }

    fn thresholds(&mut self, load: &Value) {
        let Ok(spec) = serde_json::from_value::<crate::spec::load::LoadSpec>(load.clone()) else {
            return;
        };
        let millis =
            |d: Option<crate::spec::duration::DurationText>| d.map(|d| d.0.as_secs_f64() * 1000.0);
        self.thresholds = Thresholds {
            max_p50: millis(spec.max_p50),
            max_p95: millis(spec.max_p95),
            max_p99: millis(spec.max_p99),
            max_failure_rate: spec.max_failure_rate.map(|p| p.0),
        };
    }

    fn defaults(&mut self, defaults: Option<&Value>, item: &str) -> Value {
        let Some(Value::Object(defaults)) = defaults else {
            return json!({});
        };
        let mut out = defaults.clone();
        if let Some(headers) = out.get("headers").cloned() {
            out.insert(
                "headers".into(),
                self.headers(&headers, item, "defaults.headers"),
            );
        }
        if let Some(auth) = out.get("auth").cloned() {
            out.insert("auth".into(), self.auth(&auth, item, "defaults.auth"));
        }
        if let Some(Value::Object(expect)) = out.get_mut("expect") {
            self.runner_only_checks(expect, item, "defaults.expect");
        }
        Value::Object(out)
    }

    /// Removes the checks only `runner run` makes — snapshots (the approved files live beside
    /// the collection, and a load run records nothing) and OpenAPI contracts (the document is
    /// not carried into the locustfile) — and says so.
    fn runner_only_checks(&mut self, expect: &mut Map<String, Value>, item: &str, place: &str) {
        for (key, why) in [
            ("snapshot", "snapshot comparisons are made by `runner run` only (a load run records no snapshots)"),
            ("openapi", "OpenAPI contract checks are made by `runner run` only (the document is not carried into the locustfile)"),
        ] {
            if let Some(value) = expect.remove(key) {
                if value != Value::Bool(false) {
                    self.report.lossy(item, format!("{place}.{key}"), why);
                }
            }
        }
    }

    fn steps(&mut self, steps: Option<&Value>, place: &str) -> Result<Value, ExportError> {
        let mut out = Vec::new();
        for (i, step) in steps
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(step) = step.as_object() {
                out.push(self.step(step, &format!("{place}[{i}]"))?);
            }
        }
        Ok(Value::Array(out))
    }

    fn step(&mut self, step: &Object, place: &str) -> Result<Value, ExportError> {
        let item = step
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(place)
            .to_owned();
        let mut out = step.clone();
        out.remove("tags");
        self.check_templates(step.get("name"), &item, "name");
        self.check_templates(
            step.get("when")
                .map(|w| json!(w.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>())))
                .as_ref(),
            &item,
            "when",
        );
        for predicate in step
            .get("when")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(_, p)| p)
        {
            self.predicate(predicate, &item, "when");
        }
        self.check_templates(step.get("for_each"), &item, "for_each");
        if let Some(request) = step.get("request").and_then(Value::as_object) {
            self.requests += 1;
            out.insert("request".into(), self.request(request, &item));
        }
        if let Some(steps) = step.get("steps") {
            out.insert(
                "steps".into(),
                self.steps(Some(steps), &format!("{place}.steps"))?,
            );
        }
        if let Some(include) = step.get("include").and_then(Value::as_str) {
            out.insert("include".into(), self.include(include, &item)?);
            self.check_templates(step.get("vars"), &item, "vars");
        }
        if let Some(expect) = step.get("expect") {
            out.insert("expect".into(), self.expect(expect, &item, "expect"));
        }
        if let Some(retry) = step.get("retry").and_then(Value::as_object) {
            let mut retry = retry.clone();
            if let Some(until) = retry.get("until").cloned() {
                retry.insert("until".into(), self.expect(&until, &item, "retry.until"));
            }
            if let Some(on) = retry.get("on").and_then(Value::as_array) {
                let on: Vec<Value> = on
                    .iter()
                    .map(|v| json!(crate::template::value_to_text(v)))
                    .collect();
                retry.insert("on".into(), Value::Array(on));
            }
            out.insert("retry".into(), Value::Object(retry));
        }
        if let Some(paginate) = step.get("paginate").and_then(Value::as_object) {
            for path in paginate
                .get("collect")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(_, p)| p)
            {
                self.jsonpath(path, &item, "paginate.collect");
            }
            if let Some(path) = paginate.get("next").and_then(|n| n.get("jsonpath")) {
                self.jsonpath(path, &item, "paginate.next");
            }
        }
        for (name, capture) in step
            .get("capture")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let place = format!("capture.{name}");
            match capture {
                Value::String(_) => self.jsonpath(capture, &item, &place),
                Value::Object(spec) => {
                    if let Some(path) = spec.get("jsonpath") {
                        self.jsonpath(path, &item, &place);
                    }
                    if let Some(pattern) = spec.get("regex") {
                        self.pattern(pattern, &item, &place);
                    }
                }
                _ => {}
            }
        }
        Ok(Value::Object(out))
    }

    fn include(&mut self, written: &str, item: &str) -> Result<Value, ExportError> {
        let path = self.base().join(written);
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        let cycle = self
            .files
            .iter()
            .any(|f| f.canonicalize().unwrap_or_else(|_| f.clone()) == canonical);
        let source_name = path.display().to_string();
        if cycle {
            return Err(ExportError::NotACollection {
                source_name,
                reason: "includes form a cycle".into(),
            });
        }
        let text =
            crate::spec::file::read_to_string(&path).map_err(|e| ExportError::NotACollection {
                source_name: source_name.clone(),
                reason: format!("cannot read it ({e}), included by `{item}`"),
            })?;
        let text = crate::spec::block_scalar::readable(&text);
        let value: Value = serde_yaml::from_str(&text).map_err(|e| ExportError::NotYaml {
            source_name: source_name.clone(),
            message: e.to_string(),
        })?;
        let root = value.as_object().cloned().unwrap_or_default();
        self.files.push(path);
        self.declare_inputs(&root);
        let vars = self.templates_in(root.get("vars"), item, "include vars");
        let defaults = self.defaults(root.get("defaults"), item);
        let steps = self.steps(root.get("steps"), "steps");
        self.files.pop();
        if root
            .get("finally")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty())
        {
            self.report.note(
                item,
                "include",
                "the included file's `finally` is not run by an include, as in `runner run`",
            );
        }
        Ok(json!({ "vars": vars, "defaults": defaults, "steps": steps? }))
    }

    fn request(&mut self, request: &Object, item: &str) -> Value {
        let mut out = request.clone();
        for key in [
            "url", "query", "headers", "json", "body", "form", "cookies", "graphql",
        ] {
            self.check_templates(request.get(key), item, &format!("request.{key}"));
        }
        if let Some(Value::String(url)) = request.get("url") {
            if let Some(url) = credentials::url(url, |password| {
                self.credential(password, item, "request.url")
            }) {
                out.insert("url".into(), json!(url));
            }
        }
        if let Some(headers) = request.get("headers") {
            out.insert(
                "headers".into(),
                self.headers(headers, item, "request.headers"),
            );
        }
        for key in ["query", "form", "cookies"] {
            if let Some(parameters) = request.get(key) {
                let lifted = self.parameters(parameters, item, &format!("request.{key}"));
                out.insert(key.into(), lifted);
            }
        }
        if let Some(auth) = request.get("auth") {
            out.insert("auth".into(), self.auth(auth, item, "request.auth"));
        }
        if let Some(Value::String(file)) = request.get("body_file") {
            self.embed(file, item, "request.body_file");
        }
        if let Some(parts) = request.get("multipart").and_then(Value::as_object) {
            let mut lifted = parts.clone();
            for (name, part) in &mut lifted {
                if let Some(file) = part.get("file").and_then(Value::as_str) {
                    let file = file.to_owned();
                    self.embed(&file, item, &format!("request.multipart.{name}"));
                    continue;
                }
                // A text part named like a credential, written in clear, as a form field.
                let text = match &mut *part {
                    Value::Object(fields) => fields.get_mut("value"),
                    other => Some(other),
                };
                if let Some(value) = text {
                    if let Some(clear) = scalar_text(value).filter(|t| credentials::named(name, t))
                    {
                        *value = json!(self.credential(&clear, item, "request.multipart"));
                    }
                }
                self.check_templates(part.get("value").or(Some(part)), item, "request.multipart");
            }
            out.insert("multipart".into(), Value::Object(lifted));
        }
        Value::Object(out)
    }

    /// Credentials written in clear are read from an environment variable instead.
    fn auth(&mut self, auth: &Value, item: &str, place: &str) -> Value {
        let mut out = auth.clone();
        for pointer in AUTH_SECRETS {
            let Some(target) = out.pointer_mut(pointer) else {
                continue;
            };
            if let Some(text) = scalar_text(target).filter(|t| credentials::in_clear(t)) {
                *target = json!(self.credential(&text, item, place));
            }
        }
        self.check_templates(Some(&out), item, place);
        out
    }

    /// Headers whose credential is written in clear read it from an environment variable
    /// instead (an `Authorization` header keeps its scheme).
    fn headers(&mut self, headers: &Value, item: &str, place: &str) -> Value {
        let mut out = headers.clone();
        for (name, value) in out.as_object_mut().into_iter().flatten() {
            let Some(text) = scalar_text(value) else {
                continue;
            };
            if let Some(lifted) =
                credentials::header(name, &text, |c| self.credential(c, item, place))
            {
                *value = json!(lifted);
            }
        }
        self.check_templates(Some(&out), item, place);
        out
    }

    /// Query parameters or form fields whose name reads as a credential (`api_key`) and whose
    /// value is written in clear read it from an environment variable instead (each element
    /// of a list too).
    fn parameters(&mut self, parameters: &Value, item: &str, place: &str) -> Value {
        let mut out = parameters.clone();
        for (name, value) in out.as_object_mut().into_iter().flatten() {
            let values: Vec<&mut Value> = match value {
                Value::Array(values) => values.iter_mut().collect(),
                one => vec![one],
            };
            for value in values {
                if let Some(text) = scalar_text(value).filter(|t| credentials::named(name, t)) {
                    *value = json!(self.credential(&text, item, place));
                }
            }
        }
        out
    }

    /// A credential written in clear as the template that reads it from the environment, from
    /// a secret input of the variable's name; noted when the variable is new.
    fn credential(&mut self, value: &str, item: &str, place: &str) -> String {
        let (variable, new) = self.credentials.variable(value);
        self.inputs.entry(variable.clone()).or_insert_with(|| {
            json!({ "secret": true, "description": format!("the credential written in clear at {place} of `{item}`") })
        });
        if new {
            self.report.note(
                item,
                place,
                format!("a credential written in clear is not written to the locustfile: it reads ${variable} (runner load sets it)"),
            );
        }
        format!("{{{{env.{variable}}}}}")
    }

    fn expect(&mut self, expect: &Value, item: &str, place: &str) -> Value {
        let Some(expect) = expect.as_object() else {
            return expect.clone();
        };
        let mut out = expect.clone();
        self.check_templates(expect.get("status"), item, &format!("{place}.status"));
        for (key, subject) in [("headers", "headers"), ("cookies", "cookies")] {
            for (_, predicate) in expect
                .get(key)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                self.predicate(predicate, item, &format!("{place}.{subject}"));
            }
        }
        for (path, predicate) in expect
            .get("jsonpath")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            self.jsonpath(&json!(path), item, &format!("{place}.jsonpath"));
            self.predicate(predicate, item, &format!("{place}.jsonpath"));
        }
        for key in ["body", "url", "duration"] {
            if let Some(predicate) = expect.get(key) {
                self.predicate(predicate, item, &format!("{place}.{key}"));
            }
        }
        for (source, predicate) in expect
            .get("values")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            self.check_templates(Some(&json!(source)), item, &format!("{place}.values"));
            self.predicate(predicate, item, &format!("{place}.values"));
        }
        match expect.get("schema") {
            Some(Value::String(written)) => self.schema(written, item, &format!("{place}.schema")),
            // A schema written in place: kept under a name of its own (`(inline)` and its
            // JSON, which the runtime shows as `schema (inline)`), as a file's is under its
            // path.
            Some(schema @ Value::Object(_)) => {
                let name = format!("(inline) {schema}");
                self.known_schema(&name, schema.clone(), item, &format!("{place}.schema"));
                out.insert("schema".into(), Value::String(name));
            }
            _ => {}
        }
        self.runner_only_checks(&mut out, item, place);
        out.remove("description");
        Value::Object(out)
    }

    fn predicate(&mut self, predicate: &Value, item: &str, place: &str) {
        self.check_templates(Some(predicate), item, place);
        if let Some(map) = predicate.as_object() {
            if let Some(pattern) = map.get("matches") {
                self.pattern(pattern, item, place);
            }
            if let Some(length) = map.get("length") {
                self.predicate(length, item, place);
            }
            if let Some(value) = map.get("value") {
                self.predicate(value, item, place);
            }
        }
    }

    fn jsonpath(&mut self, path: &Value, item: &str, place: &str) {
        let Some(path) = path.as_str() else { return };
        if self.jsonpaths.contains_key(path) {
            return;
        }
        if path.contains("\\p{") || path.contains("\\P{") {
            self.report.lossy(
                item,
                place,
                format!("the JSONPath `{path}` uses a Unicode class (`\\p{{...}}`), which Python's `re` does not know"),
            );
        }
        match super::jsonpath::compile(path) {
            Ok(tree) => {
                self.jsonpaths.insert(path.to_owned(), tree);
            }
            Err(reason) => {
                self.report.lossy(
                    item,
                    place,
                    format!("the JSONPath `{path}` cannot be evaluated under Locust: {reason}"),
                );
                self.jsonpaths.insert(path.to_owned(), json!([]));
            }
        }
    }

    /// Rust regex syntax Python's `re` reads differently or not at all.
    fn pattern(&mut self, pattern: &Value, item: &str, place: &str) {
        let Some(pattern) = pattern.as_str() else {
            return;
        };
        for (needle, what) in [
            ("\\p{", "Unicode classes `\\p{...}`"),
            ("\\P{", "Unicode classes `\\P{...}`"),
            ("\\z", "`\\z`"),
            ("[[:", "POSIX classes `[[:...:]]`"),
            ("(?<", "named groups written `(?<name>...)`"),
            ("\\pL", "Unicode classes `\\pL`"),
            ("(?x", "the `x` flag"),
            ("(?U", "the `U` flag"),
        ] {
            if pattern.contains(needle)
                && !(needle == "(?<" && (pattern.contains("(?<=") || pattern.contains("(?<!")))
            {
                self.report.lossy(
                    item,
                    place,
                    format!(
                        "the regex /{pattern}/ uses {what}, which Python's `re` reads differently"
                    ),
                );
            }
        }
        let pattern = json!(pattern);
        if !self.patterns.contains(&pattern) {
            self.patterns.push(pattern);
        }
    }

    fn schema(&mut self, written: &str, item: &str, place: &str) {
        if self.schemas.contains_key(written) {
            return;
        }
        let path = self.base().join(written);
        let schema = crate::spec::file::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok());
        let Some(schema) = schema else {
            self.report.lossy(
                item,
                place,
                format!("the schema `{written}` could not be read: the check fails when it runs"),
            );
            self.schemas.insert(written.to_owned(), json!(false));
            return;
        };
        self.known_schema(written, schema, item, place);
    }

    /// Keeps `schema` under `name`, saying which of its keywords the runtime does not check.
    fn known_schema(&mut self, name: &str, schema: Value, item: &str, place: &str) {
        let mut unknown = Vec::new();
        schema_keywords(&schema, &mut unknown);
        if !unknown.is_empty() {
            self.report.lossy(
                item,
                place,
                format!(
                    "the schema `{name}` uses keywords the locustfile does not check: {}",
                    unknown.join(", ")
                ),
            );
        }
        self.schemas.insert(name.to_owned(), schema);
    }

    fn embed(&mut self, written: &str, item: &str, place: &str) {
        if self.embedded.contains_key(written) {
            return;
        }
        let path = self.base().join(written);
        match crate::spec::file::read(&path) {
            Ok(bytes) => {
                if bytes.len() > 8 * 1024 * 1024 {
                    self.report.note(
                        item,
                        place,
                        format!(
                            "`{written}` ({} bytes) is embedded in the locustfile",
                            bytes.len()
                        ),
                    );
                }
                self.embedded.insert(
                    written.to_owned(),
                    json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
                );
            }
            Err(e) => {
                self.report.lossy(
                    item,
                    place,
                    format!("cannot read `{}`: {e}", path.display()),
                );
                self.embedded.insert(written.to_owned(), json!(""));
            }
        }
    }

    /// Every string of `value` (and the keys of a map) checked as a template; returns `value`.
    fn templates_in(&mut self, value: Option<&Value>, item: &str, place: &str) -> Value {
        self.check_templates(value, item, place);
        value.cloned().unwrap_or_else(|| json!({}))
    }

    fn check_templates(&mut self, value: Option<&Value>, item: &str, place: &str) {
        match value {
            Some(Value::String(text)) => self.check_template(text, item, place),
            Some(Value::Array(items)) => {
                for v in items {
                    self.check_templates(Some(v), item, place);
                }
            }
            Some(Value::Object(map)) => {
                for (key, v) in map {
                    self.check_template(key, item, place);
                    self.check_templates(Some(v), item, place);
                }
            }
            _ => {}
        }
    }
}

impl Walker {
    /// Reports `text` (a value, or a JSON body's key) when it is a template the locustfile
    /// does not render.
    fn check_template(&mut self, text: &str, item: &str, place: &str) {
        if let Err(what) = super::template::check(text) {
            self.report.lossy(
                item,
                place,
                format!("the template `{text}` uses {what}, which the locustfile does not render"),
            );
        }
    }
}

/// A string or a number as text (YAML reads `12345` as a number); `None` for anything else.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn schema_keywords(schema: &Value, unknown: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                if !SCHEMA_KEYWORDS.contains(&key.as_str()) && !unknown.contains(key) {
                    unknown.push(key.clone());
                }
                if key == "$ref" && !value.as_str().is_some_and(|r| r.starts_with('#')) {
                    unknown.push(format!("$ref {value}"));
                }
                match key.as_str() {
                    "properties" | "patternProperties" | "$defs" | "definitions"
                    | "dependentRequired" => {
                        for v in value.as_object().into_iter().flatten().map(|(_, v)| v) {
                            schema_keywords(v, unknown);
                        }
                    }
                    "enum" | "const" | "examples" | "default" | "required" => {}
                    _ => schema_keywords(value, unknown),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| schema_keywords(v, unknown)),
        _ => {}
    }
}
