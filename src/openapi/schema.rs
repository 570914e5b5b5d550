//! The schemas of an OpenAPI document as JSON Schema 2020-12: every schema a response uses
//! (and every schema those refer to, in any file) gathered once into one bundle, 3.0's
//! dialect translated, and every response schema compiled together, once, as one validator
//! (a def many responses share is compiled once, not once per response: a document of
//! thousands of operations over a deep `$ref` graph compiles in time and memory about
//! linear in its size).
//!
//! OpenAPI 3.0 translation (3.0 only): `nullable: true` adds `null` to `type` (and to `enum`); a
//! boolean `exclusiveMinimum`/`exclusiveMaximum` becomes the 2020-12 number form; keywords
//! beside a `$ref` are ignored, as 3.0 says. In both versions: a `discriminator` over a
//! `oneOf`/`anyOf` of references picks the one schema its property names (so two shapes
//! that both fit do not fail `oneOf`), a `writeOnly` property is not required in a
//! response, and the formats `int32`, `int64`, `float`, `double` and `byte` are checked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use super::document::{escape, Documents, Place};
use super::{OpenapiError, Version};

/// The URI the bundle is registered under.
const BUNDLE: &str = "urn:runner:openapi";

/// The most levels the checker follows into the schemas: the segments of the path it takes
/// from a response's schema (`/properties/node/$ref/items/$ref/...`), each `$ref` followed
/// counting one. jsonschema compiles and checks a schema by recursion, a level of the stack
/// for each, so a deeper path (a chain of thousands of `$ref`s) would overflow it.
pub const MAX_NESTING: usize = 4096;

/// The keyword translation adds at the root of every schema of the bundle (its value the
/// schema's key): where jsonschema compiles it, the depth of the path it took is checked.
const DEPTH_KEYWORD: &str = "x-runner-depth";

/// Stack for one level of that path, at the most jsonschema takes (measured: 14 KiB for a
/// `$ref` to a `$ref`, 8 KiB a segment for `properties/name/$ref`, in a debug build).
const STACK_PER_LEVEL: usize = 16 * 1024;

/// The stack a document is compiled on: room for [`MAX_NESTING`] levels and what comes
/// before them. Reserved, not used: only the pages a deep document reaches are touched.
pub const LOAD_STACK: usize = MAX_NESTING * STACK_PER_LEVEL + 16 * 1024 * 1024;

/// Keywords whose value is one schema.
const ONE_SCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
];

/// Gathers schemas into one bundle of `$defs`, one per place in the document.
pub struct Bundler {
    version: Version,
    defs: Map<String, Value>,
    /// Def key → where the schema is written.
    origins: HashMap<String, Place>,
    keys: HashMap<Place, String>,
    /// Schemas given a key and not yet translated.
    pending: Vec<(String, Place)>,
    /// The keywords left out because they do not compile.
    unchecked: Vec<(Place, String, String)>,
}

/// A part of the document's schemas that is not checked, because it does not compile (a
/// `pattern` written for another regex dialect, a schema jsonschema refuses): left out so
/// that the rest is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchecked {
    /// Where it is written, `file#/pointer`.
    pub at: String,
    /// The file it is in.
    pub file: Option<std::path::PathBuf>,
    /// Where it is in that file.
    pub field: Option<crate::spec::field::FieldPath>,
    /// What is left out: ``its pattern `\p{Graph}+` `` or `the schema`.
    pub what: String,
    /// Why it does not compile.
    pub why: String,
}

/// The bundle of every schema used, with every response schema compiled in one validator.
pub struct Bundle {
    root: Value,
    origins: HashMap<String, Place>,
    /// `properties` maps each response schema's key to its def: a body is checked as the
    /// value of its key (`{ key: body }`), so all of them share one compilation of each
    /// def. jsonschema compiles a `$ref` in place the first time it meets it in a
    /// compilation: a validator per response schema compiled every def it reaches again,
    /// so a document whose responses reach most of its thousands of schemas took memory
    /// in the number of responses times the number of schemas.
    validator: jsonschema::Validator,
    /// The stack a check needs: room for the deepest path compiled, and for what
    /// jsonschema compiles while it checks (a schema that refers back to itself is compiled
    /// again, lazily, as the body goes deeper).
    stack: usize,
    /// The response schemas left out of the validator: they do not compile.
    dropped: std::collections::HashSet<String>,
    /// What is not checked, and why.
    unchecked: Vec<Unchecked>,
}

/// One response schema: its key in the bundle's validator.
pub struct Schema {
    key: String,
    /// It does not compile: nothing is checked.
    unchecked: bool,
}

/// One way a body does not fit its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Where in the body, a JSON Pointer (`""` is the whole body).
    pub instance_path: String,
    /// Where in the document the keyword that failed is written, `file#/pointer`.
    pub schema_path: String,
    /// The keyword and its value, e.g. `type: "integer"`.
    pub expected: String,
    /// The validator's account of the value.
    pub actual: String,
}

impl Bundler {
    /// An empty bundle for a document of `version`.
    pub fn new(version: Version) -> Self {
        Bundler {
            version,
            defs: Map::new(),
            origins: HashMap::new(),
            keys: HashMap::new(),
            pending: Vec::new(),
            unchecked: Vec::new(),
        }
    }

    /// Adds the schema written at `place` (and everything it refers to); its key.
    ///
    /// The schemas a reference leads to are translated one after another from a list, not
    /// by following each `$ref` down the call stack: a chain of thousands of `$ref`s (one
    /// schema's property the next schema) is as long as the list, never as deep as the stack.
    pub fn add(
        &mut self,
        documents: &mut Documents,
        place: &Place,
    ) -> Result<String, OpenapiError> {
        let key = self.reserve(place);
        while let Some((key, place)) = self.pending.pop() {
            let value = documents
                .get(&place)
                .cloned()
                .ok_or_else(|| OpenapiError::Reference {
                    at: documents.describe(&place),
                    reference: String::new(),
                    reason: "no schema is there".into(),
                })?;
            if !(value.is_object() || value.is_boolean()) {
                // Said by its kind: the value may be a whole file that is no schema.
                return Err(OpenapiError::Schema {
                    at: documents.describe(&place),
                    reason: format!(
                        "{} is there, not a schema (a map of keywords)",
                        crate::spec::text::json_kind(&value)
                    ),
                });
            }
            let translated = match self.translate(documents, &place, &value, true)? {
                // First: jsonschema compiles a schema's keywords in order, so that the depth
                // is checked before the `$ref`s and subschemas beside it are followed.
                Value::Object(schema) => {
                    let mut first = Map::with_capacity(schema.len() + 1);
                    first.insert(DEPTH_KEYWORD.into(), json!(key));
                    first.extend(schema);
                    Value::Object(first)
                }
                other => other,
            };
            self.defs.insert(key, translated);
        }
        Ok(key)
    }

    /// The key of the schema written at `place`: its own when it was added, else a new one,
    /// its translation left to [`Bundler::add`]'s list.
    fn reserve(&mut self, place: &Place) -> String {
        if let Some(key) = self.keys.get(place) {
            return key.clone();
        }
        let key = format!("s{}", self.keys.len());
        self.keys.insert(place.clone(), key.clone());
        self.origins.insert(key.clone(), place.clone());
        self.pending.push((key.clone(), place.clone()));
        key
    }

    /// Finishes the bundle and compiles the schemas added as `responses` (each the key
    /// [`Bundler::add`] gave) in one validator. A schema that refers back to itself without
    /// descending into the value (`A: { $ref: B }`, `B: { allOf: [{ $ref: A }] }`) is an
    /// error: no value could ever be checked against it.
    pub fn finish<'k>(
        self,
        documents: &Documents,
        responses: impl IntoIterator<Item = &'k str>,
    ) -> Result<Bundle, OpenapiError> {
        if let Some(key) = self.in_place_cycle() {
            return Err(OpenapiError::Reference {
                at: self
                    .origins
                    .get(&key)
                    .map(|p| documents.describe(p))
                    .unwrap_or_default(),
                reference: String::new(),
                reason: "the schema refers back to itself without describing any value (a cycle of `$ref`s, `allOf`, `anyOf`, `oneOf` or `not`)".into(),
            });
        }
        let root = json!({ "$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": self.defs });
        let resource = jsonschema::Draft::Draft202012.create_resource(root.clone());
        let registry =
            jsonschema::Registry::try_new(BUNDLE, resource).map_err(|e| OpenapiError::Schema {
                at: "the document's schemas".into(),
                reason: e.to_string(),
            })?;
        let mut targets: Vec<String> = responses
            .into_iter()
            .map(|key| target_of(&self.defs, key))
            .collect();
        let mut unchecked: Vec<Unchecked> = self
            .unchecked
            .iter()
            .map(|(place, what, why)| unchecked_at(documents, place, what, why))
            .collect();
        let mut dropped = std::collections::HashSet::new();
        let depth = Arc::new(Depth::default());
        let validator = match self.compile(registry.clone(), &targets, documents, &depth) {
            Ok(validator) => validator,
            Err(OpenapiError::Schema { .. }) if depth.too_deep().is_none() => {
                // A schema that does not compile is left unchecked; the others are checked.
                for key in targets.iter().collect::<std::collections::BTreeSet<_>>() {
                    if let Some(error) = options(registry.clone(), &depth)
                        .build(&reference(key))
                        .err()
                    {
                        if let Some(place) = self.origins.get(key) {
                            unchecked.push(unchecked_at(
                                documents,
                                place,
                                "the schema",
                                &unquoted(&error),
                            ));
                        }
                        dropped.insert(key.clone());
                    }
                }
                targets.retain(|key| !dropped.contains(key));
                self.compile(registry, &targets, documents, &depth)?
            }
            Err(error) => return Err(error),
        };
        // What jsonschema compiles while it checks is not refused: it would panic.
        depth.loading.store(false, Ordering::Relaxed);
        let deepest = depth.deepest.load(Ordering::Relaxed);
        Ok(Bundle {
            root,
            origins: self.origins,
            validator,
            stack: (2 * deepest + 64) * STACK_PER_LEVEL,
            dropped,
            unchecked,
        })
    }

    /// `value`, a schema written at `place`, in 2020-12 with its references into the bundle.
    fn translate(
        &mut self,
        documents: &mut Documents,
        place: &Place,
        value: &Value,
        response: bool,
    ) -> Result<Value, OpenapiError> {
        let Value::Object(schema) = value else {
            return Ok(value.clone());
        };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = documents.target(place, reference).map_err(|e| match e {
                OpenapiError::Reference {
                    reference, reason, ..
                } => OpenapiError::Reference {
                    at: documents.describe(place),
                    reference,
                    reason,
                },
                other => other,
            })?;
            let key = self.reserve(&target);
            let pointer = json!(format!("#/$defs/{key}"));
            if self.version == Version::V30 || schema.len() == 1 {
                return Ok(json!({ "$ref": pointer }));
            }
            let mut rest = schema.clone();
            rest.remove("$ref");
            let mut out = self.translate(documents, place, &Value::Object(rest), response)?;
            if let Value::Object(out) = &mut out {
                out.insert("$ref".into(), pointer);
            }
            return Ok(out);
        }
        let mut out = Map::with_capacity(schema.len());
        for (keyword, inner) in schema {
            let at = |suffix: &str| place.under(&format!("{}{suffix}", escape(keyword)));
            let translated = if ONE_SCHEMA.contains(&keyword.as_str()) && inner.is_object() {
                self.translate(documents, &at(""), inner, response)?
            } else if SCHEMA_LISTS.contains(&keyword.as_str()) || keyword == "items" {
                match inner {
                    Value::Array(items) => {
                        let mut list = Vec::with_capacity(items.len());
                        for (i, item) in items.iter().enumerate() {
                            list.push(self.translate(
                                documents,
                                &at(&format!("/{i}")),
                                item,
                                response,
                            )?);
                        }
                        Value::Array(list)
                    }
                    other => other.clone(),
                }
            } else if SCHEMA_MAPS.contains(&keyword.as_str()) {
                match inner {
                    Value::Object(map) => {
                        let mut translated = Map::with_capacity(map.len());
                        for (name, item) in map {
                            let place = at(&format!("/{}", escape(name)));
                            translated.insert(
                                name.clone(),
                                self.translate(documents, &place, item, response)?,
                            );
                        }
                        Value::Object(translated)
                    }
                    other => other.clone(),
                }
            } else if keyword == "pattern" && inner.is_string() {
                let text = inner.as_str().unwrap_or_default();
                if let Err(error) = super::pattern::compile(text) {
                    // Left out: the rest of the schema is checked.
                    self.unchecked.push((
                        at(""),
                        format!("its pattern `{}`", crate::spec::text::shorten(text, 60)),
                        error.reason,
                    ));
                    continue;
                }
                inner.clone()
            } else {
                inner.clone()
            };
            out.insert(keyword.clone(), translated);
        }
        self.dialect(&mut out);
        // jsonschema takes `integer` in a list of types for integers written as such only
        // (`1.0` is not one of `[integer, "null"]`, though it is an `integer` alone): the list
        // is checked by a keyword of runner's, as 2020-12 says (a number whose fractional
        // part is zero is an integer).
        if let Some(Value::Array(kinds)) = out.get("type") {
            if kinds.contains(&json!("integer")) && !kinds.contains(&json!("number")) {
                if let Some(kinds) = out.shift_remove("type") {
                    out.insert(TYPES.into(), kinds);
                }
            }
        }
        if let Some(format @ ("int32" | "int64")) = out.get("format").and_then(Value::as_str) {
            let format = json!(format);
            out.insert(NUMERIC_FORMAT.into(), format);
        }
        if response {
            self.drop_write_only_required(documents, place, schema, &mut out);
        }
        self.discriminate(documents, place, &mut out)?;
        Ok(Value::Object(out))
    }

    /// 3.0's `nullable` and boolean exclusive bounds in 2020-12's words (in 3.1 neither is
    /// OpenAPI's: `nullable` is no keyword of 2020-12, and is ignored as any unknown one).
    fn dialect(&self, schema: &mut Map<String, Value>) {
        if self.version == Version::V30 && schema.remove("nullable") == Some(Value::Bool(true)) {
            match schema.get_mut("type") {
                Some(Value::String(kind)) => {
                    let kind = kind.clone();
                    schema.insert("type".into(), json!([kind, "null"]));
                }
                Some(Value::Array(kinds)) if !kinds.contains(&json!("null")) => {
                    kinds.push(json!("null"));
                }
                _ => {}
            }
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
        }
        if self.version == Version::V30 {
            for (exclusive, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                match schema.get(exclusive) {
                    Some(Value::Bool(true)) => {
                        if let Some(limit) = schema.remove(bound) {
                            schema.insert(exclusive.into(), limit);
                        } else {
                            schema.remove(exclusive);
                        }
                    }
                    Some(Value::Bool(false)) => {
                        schema.remove(exclusive);
                    }
                    _ => {}
                }
            }
        }
    }

    /// A response need not carry what only a request sends.
    fn drop_write_only_required(
        &self,
        documents: &mut Documents,
        place: &Place,
        original: &Map<String, Value>,
        schema: &mut Map<String, Value>,
    ) {
        let Some(Value::Object(properties)) = original.get("properties") else {
            return;
        };
        let Some(Value::Array(required)) = schema.get("required") else {
            return;
        };
        let kept: Vec<Value> = required
            .iter()
            .filter(|name| {
                let Some(property) = name.as_str().and_then(|name| properties.get(name)) else {
                    return true;
                };
                let resolved = documents
                    .resolve(place, property)
                    .map(|(_, value)| value)
                    .unwrap_or_else(|_| property.clone());
                resolved.get("writeOnly") != Some(&Value::Bool(true))
            })
            .cloned()
            .collect();
        schema.insert("required".into(), Value::Array(kept));
    }

    /// A `discriminator` over a `oneOf`/`anyOf` of references: the property's value picks
    /// the schema (explicit `mapping`, else the schema's name).
    fn discriminate(
        &mut self,
        documents: &mut Documents,
        place: &Place,
        schema: &mut Map<String, Value>,
    ) -> Result<(), OpenapiError> {
        let Some(property) = schema
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return Ok(());
        };
        let list = ["oneOf", "anyOf"]
            .into_iter()
            .find(|k| schema.get(*k).is_some_and(Value::is_array));
        let Some(list) = list else {
            return Ok(());
        };
        let mut choices: Vec<(String, Value)> = Vec::new();
        if let Some(Value::Object(mapping)) =
            schema.get("discriminator").and_then(|d| d.get("mapping"))
        {
            for (value, target) in mapping {
                let Some(target) = target.as_str() else {
                    continue;
                };
                let reference = if target.contains('#') || target.contains('.') {
                    target.to_owned()
                } else {
                    format!("#/components/schemas/{target}")
                };
                let target = documents.target(place, &reference)?;
                let key = self.reserve(&target);
                choices.push((value.clone(), json!(format!("#/$defs/{key}"))));
            }
        }
        let options = schema.get(list).and_then(Value::as_array).cloned();
        for option in options.iter().flatten() {
            let Some(reference) = option.get("$ref").and_then(Value::as_str) else {
                // Not every option is a reference: the list is checked as written.
                return Ok(());
            };
            if choices.iter().any(|(_, r)| r.as_str() == Some(reference)) {
                continue;
            }
            let key = reference.trim_start_matches("#/$defs/");
            let Some(origin) = self.origins.get(key) else {
                continue;
            };
            let name = origin.pointer.rsplit('/').next().unwrap_or_default();
            if !choices.iter().any(|(value, _)| value == name) {
                choices.push((name.to_owned(), option["$ref"].clone()));
            }
        }
        if choices.is_empty() {
            return Ok(());
        }
        schema.remove(list);
        let values: Vec<Value> = choices.iter().map(|(v, _)| json!(v)).collect();
        let mut all = vec![json!({
            "required": [property],
            "properties": { property.clone(): { "enum": values } }
        })];
        for (value, reference) in choices {
            all.push(json!({
                "if": { "properties": { property.clone(): { "const": value } }, "required": [property] },
                "then": { "$ref": reference }
            }));
        }
        match schema.get_mut("allOf") {
            Some(Value::Array(existing)) => existing.extend(all),
            _ => {
                schema.insert("allOf".into(), Value::Array(all));
            }
        }
        Ok(())
    }
}

/// Keywords that apply their schemas to the value itself (not to a part of it).
const IN_PLACE: &[&str] = &["allOf", "anyOf", "oneOf", "not", "if", "then", "else"];

/// The defs `schema` refers to in place (through `$ref` and [`IN_PLACE`] keywords).
fn in_place_refs(schema: &Value, into: &mut Vec<String>) {
    let Value::Object(map) = schema else {
        return;
    };
    if let Some(key) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        into.push(key.to_owned());
    }
    for keyword in IN_PLACE {
        match map.get(*keyword) {
            Some(Value::Array(items)) => items.iter().for_each(|i| in_place_refs(i, into)),
            Some(item @ Value::Object(_)) => in_place_refs(item, into),
            _ => {}
        }
    }
}

impl Bundler {
    /// A def on a cycle of in-place references, if there is one.
    fn in_place_cycle(&self) -> Option<String> {
        let edges: HashMap<&str, Vec<String>> = self
            .defs
            .iter()
            .map(|(key, schema)| {
                let mut refs = Vec::new();
                in_place_refs(schema, &mut refs);
                (key.as_str(), refs)
            })
            .collect();
        // 0: not seen, 1: on the current path, 2: done.
        let mut state: HashMap<&str, u8> = HashMap::new();
        for start in self.defs.keys().map(String::as_str) {
            if state.get(start).copied().unwrap_or(0) != 0 {
                continue;
            }
            let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
            state.insert(start, 1);
            while let Some((node, next)) = stack.pop() {
                let targets = edges.get(node).map(Vec::as_slice).unwrap_or_default();
                if let Some(target) = targets.get(next) {
                    stack.push((node, next + 1));
                    let Some((target, _)) = edges.get_key_value(target.as_str()) else {
                        continue;
                    };
                    match state.get(target).copied().unwrap_or(0) {
                        1 => return Some((*target).to_owned()),
                        0 => {
                            state.insert(target, 1);
                            stack.push((target, 0));
                        }
                        _ => {}
                    }
                } else {
                    state.insert(node, 2);
                }
            }
        }
        None
    }
}

/// The key a def that is only a reference (`{ "$ref": "#/$defs/s7" }`) leads to, through any
/// chain of them (to its end: the key it gives leads nowhere further, so that asking again
/// gives the same key); `key` itself otherwise.
fn target_of(defs: &Map<String, Value>, key: &str) -> String {
    let mut key = key.to_owned();
    // A cycle of references is refused before: the bound only ends the loop.
    for _ in 0..=defs.len() {
        let next = defs
            .get(&key)
            .and_then(Value::as_object)
            .filter(|def| def.keys().all(|k| k == "$ref" || k == DEPTH_KEYWORD))
            .and_then(|def| def.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"));
        match next {
            Some(next) => key = next.to_owned(),
            None => break,
        }
    }
    key
}

impl Bundler {
    /// One validator for the response schemas `keys`: `{ key: body }` is checked against the
    /// def `key` (a `$ref` into the registered bundle).
    fn compile(
        &self,
        registry: jsonschema::Registry,
        keys: &[String],
        documents: &Documents,
        depth: &Arc<Depth>,
    ) -> Result<jsonschema::Validator, OpenapiError> {
        let properties: Map<String, Value> = keys
            .iter()
            .map(|key| (key.clone(), reference(key)))
            .collect();
        // `additionalProperties` makes jsonschema find the key by hash, not try each one.
        let all = json!({ "properties": properties, "additionalProperties": false });
        options(registry.clone(), depth)
            .build(&all)
            .map_err(|e| self.culprit(registry, keys, documents, depth, unquoted(&e)))
    }

    /// The error of the first response schema that does not compile on its own (the
    /// compiler does not say in which one it failed), `reason` if each does.
    fn culprit(
        &self,
        registry: jsonschema::Registry,
        keys: &[String],
        documents: &Documents,
        depth: &Arc<Depth>,
        reason: String,
    ) -> OpenapiError {
        let describe = |key: &str| {
            self.origins
                .get(key)
                .map(|p| documents.describe(p))
                .unwrap_or_default()
        };
        if let Some(key) = depth.too_deep() {
            return OpenapiError::TooDeep {
                at: describe(&key),
                limit: MAX_NESTING,
            };
        }
        keys.iter()
            .find_map(|key| {
                let error = options(registry.clone(), depth)
                    .build(&reference(key))
                    .err()?;
                Some(OpenapiError::Schema {
                    at: describe(key),
                    reason: unquoted(&error),
                })
            })
            .unwrap_or_else(|| OpenapiError::Schema {
                at: "the document's schemas".into(),
                reason,
            })
    }
}

/// [`Unchecked`] for the keyword or schema at `place`.
fn unchecked_at(documents: &Documents, place: &Place, what: &str, why: &str) -> Unchecked {
    Unchecked {
        at: documents.describe(place),
        file: documents
            .file_path(place.file)
            .map(std::path::Path::to_path_buf),
        field: documents.field_path(place),
        what: what.to_owned(),
        why: why.to_owned(),
    }
}

/// The compiler's message, with a value it quotes longer than a few words told by its kind
/// and size instead: what does not compile may be a whole file that is no schema.
fn unquoted(error: &jsonschema::ValidationError) -> String {
    const QUOTED: usize = 40;
    let message = error.to_string();
    let quoted = error.instance.to_string();
    if quoted.len() <= QUOTED {
        return message;
    }
    let told = format!(
        "{} of {} bytes",
        crate::spec::text::json_kind(&error.instance),
        quoted.len()
    );
    if message.contains(&quoted) {
        message.replace(&quoted, &told)
    } else {
        format!(
            "`{}` holds {told}, which is not valid there",
            error.instance_path.as_str()
        )
    }
}

/// `{ "$ref": <the def key in the bundle> }`.
fn reference(key: &str) -> Value {
    json!({ "$ref": format!("{BUNDLE}#/$defs/{key}") })
}

/// How the schemas are compiled: JSON Schema 2020-12 with OpenAPI's formats, against the
/// bundle in `registry`.
// The depth keyword's factory returns the error `with_keyword` takes.
#[allow(clippy::result_large_err)]
fn options(registry: jsonschema::Registry, depth: &Arc<Depth>) -> jsonschema::ValidationOptions {
    let depth = Arc::clone(depth);
    super::pattern::with_keyword(jsonschema::options())
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(registry)
        .should_validate_formats(true)
        .with_format("int32", |_: &str| true)
        .with_format("int64", |_: &str| true)
        .with_format("float", |_: &str| true)
        .with_format("double", |_: &str| true)
        .with_format("password", |_: &str| true)
        .with_format("binary", |_: &str| true)
        .with_format("byte", is_base64)
        .with_keyword(NUMERIC_FORMAT, format_keyword)
        .with_keyword(TYPES, types_keyword)
        .with_keyword(
            DEPTH_KEYWORD,
            move |_: &Map<String, Value>, value: &Value, path| depth.reached(value, &path),
        )
}

/// How deep jsonschema went into the bundle while it compiled it.
struct Depth {
    /// The most segments of a path to a schema of the bundle.
    deepest: AtomicUsize,
    /// While the document loads: a path longer than [`MAX_NESTING`] is refused.
    loading: AtomicBool,
    /// The key of the schema where a path was too long.
    too_deep: Mutex<Option<String>>,
}

impl Default for Depth {
    fn default() -> Self {
        Depth {
            deepest: AtomicUsize::new(0),
            loading: AtomicBool::new(true),
            too_deep: Mutex::new(None),
        }
    }
}

impl Depth {
    /// Where a path was too long, if one was.
    fn too_deep(&self) -> Option<String> {
        self.too_deep.lock().ok()?.clone()
    }

    /// jsonschema compiles the schema `key` at the end of `path`.
    // The signature is the one `jsonschema::ValidationOptions::with_keyword` takes.
    #[allow(clippy::result_large_err)]
    fn reached<'a>(
        &self,
        key: &'a Value,
        path: &jsonschema::paths::Location,
    ) -> Result<Box<dyn jsonschema::Keyword>, jsonschema::ValidationError<'a>> {
        let segments = path.as_str().bytes().filter(|b| *b == b'/').count();
        self.deepest.fetch_max(segments, Ordering::Relaxed);
        if segments > MAX_NESTING && self.loading.load(Ordering::Relaxed) {
            if let Ok(mut too_deep) = self.too_deep.lock() {
                too_deep.get_or_insert_with(|| key.as_str().unwrap_or_default().to_owned());
            }
            return Err(jsonschema::ValidationError::custom(
                path.clone(),
                jsonschema::paths::Location::new(),
                key,
                "nested too deep",
            ));
        }
        Ok(Box::new(Reached))
    }
}

/// [`DEPTH_KEYWORD`], which every value passes.
struct Reached;

impl jsonschema::Keyword for Reached {
    fn validate<'i>(
        &self,
        _: &'i Value,
        _: &jsonschema::paths::LazyLocation,
    ) -> Result<(), jsonschema::ValidationError<'i>> {
        Ok(())
    }

    fn is_valid(&self, _: &Value) -> bool {
        true
    }
}

impl Bundle {
    /// The key a def that is only a reference (`{ "$ref": "#/$defs/s7" }`) leads to, through
    /// any chain of them; `key` itself otherwise.
    pub fn target_of(&self, key: &str) -> String {
        match self.root["$defs"].as_object() {
            Some(defs) => target_of(defs, key),
            None => key.to_owned(),
        }
    }

    /// The schema added as `key` (compiled in [`Bundler::finish`]).
    pub fn schema(&self, key: &str) -> Schema {
        let key = self.target_of(key);
        Schema {
            unchecked: self.dropped.contains(&key),
            key,
        }
    }

    /// What is not checked because it does not compile, and why.
    pub fn unchecked(&self) -> &[Unchecked] {
        &self.unchecked
    }

    /// Where the schema keyword at the validator's `schema_path` is written, and the
    /// keyword with its value.
    fn locate(&self, key: &str, schema_path: &str, documents: &Documents) -> (String, String) {
        let defs = &self.root["$defs"];
        let mut node = &defs[key];
        let mut origin = self.origins.get(key);
        let mut suffix: Vec<String> = Vec::new();
        let mut segments = schema_path.split('/').skip(1).peekable();
        // The validator's root is `{ "$ref": <key> }`.
        if segments.peek() == Some(&"$ref") {
            segments.next();
        }
        let mut last = String::new();
        for segment in segments {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            // runner's keywords stand for the document's `type` and `format`.
            if segment == TYPES || segment == NUMERIC_FORMAT {
                let written = if segment == TYPES { "type" } else { "format" };
                node = node.get(&segment).unwrap_or(&Value::Null);
                suffix.push(written.to_owned());
                last = written.to_owned();
                continue;
            }
            if segment == "$ref" {
                if let Some(next) = node
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                {
                    node = &defs[next];
                    origin = self.origins.get(next);
                    suffix.clear();
                    continue;
                }
            }
            node = match node {
                Value::Array(items) => segment
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .unwrap_or(&Value::Null),
                other => other.get(&segment).unwrap_or(&Value::Null),
            };
            suffix.push(escape(&segment));
            last = segment;
        }
        let written = match origin {
            Some(place) => {
                let mut path = documents.describe(place);
                for part in &suffix {
                    path.push('/');
                    path.push_str(part);
                }
                path
            }
            None => schema_path.to_owned(),
        };
        let value = crate::spec::text::shorten(&node.to_string(), 80).into_owned();
        (written, format!("{last}: {value}"))
    }
}

impl Schema {
    /// Every way `body` does not fit (at most `limit`).
    pub fn errors(
        &self,
        body: &Value,
        bundle: &Bundle,
        documents: &Documents,
        limit: usize,
    ) -> Vec<SchemaError> {
        if self.unchecked {
            return Vec::new();
        }
        let mut wrapped = Map::with_capacity(1);
        wrapped.insert(self.key.clone(), body.clone());
        let wrapped = Value::Object(wrapped);
        let in_body = format!("/{}", self.key);
        let in_schema = format!("/properties/{}", self.key);
        // jsonschema checks by recursion as deep as the schemas and the body go: on a stack
        // with room for it (a check on a thread of 2 MiB, as the run's worker threads are,
        // goes on a stack of its own when a deep document needs more than is left).
        stacker::maybe_grow(bundle.stack, 2 * bundle.stack, || {
            self.collect(&wrapped, bundle, documents, limit, &in_body, &in_schema)
        })
    }

    fn collect(
        &self,
        wrapped: &Value,
        bundle: &Bundle,
        documents: &Documents,
        limit: usize,
        in_body: &str,
        in_schema: &str,
    ) -> Vec<SchemaError> {
        bundle
            .validator
            .iter_errors(wrapped)
            .take(limit)
            .map(|error| {
                let schema_path = error.schema_path.as_str();
                let schema_path = schema_path.strip_prefix(in_schema).unwrap_or(schema_path);
                let (schema_path, expected) = bundle.locate(&self.key, schema_path, documents);
                let instance_path = error.instance_path.as_str();
                SchemaError {
                    instance_path: instance_path
                        .strip_prefix(in_body)
                        .unwrap_or(instance_path)
                        .to_owned(),
                    schema_path,
                    expected,
                    // Whole: the engine masks secrets in it before it cuts it.
                    actual: error.to_string(),
                }
            })
            .collect()
    }
}

fn is_base64(text: &str) -> bool {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_ok()
}

/// The keyword that stands for a `type` list with `integer` (and without `number`).
const TYPES: &str = "x-runner-type";

// The signature is the one `jsonschema::ValidationOptions::with_keyword` takes.
#[allow(clippy::result_large_err)]
fn types_keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    path: jsonschema::paths::Location,
) -> Result<Box<dyn jsonschema::Keyword>, jsonschema::ValidationError<'a>> {
    const KINDS: &[&str] = &[
        "array", "boolean", "integer", "null", "number", "object", "string",
    ];
    let mut kinds = Vec::new();
    for kind in value.as_array().into_iter().flatten() {
        match kind.as_str() {
            Some(name) if KINDS.contains(&name) => kinds.push(name.to_owned()),
            _ => {
                return Err(jsonschema::ValidationError::custom(
                    path.clone(),
                    jsonschema::paths::Location::new(),
                    kind,
                    format!(
                        "{kind} is not a JSON Schema type (one of {})",
                        KINDS.join(", ")
                    ),
                ))
            }
        }
    }
    Ok(Box::new(Types { kinds, path }))
}

/// A `type` list, an integer being any number whose fractional part is zero.
struct Types {
    kinds: Vec<String>,
    path: jsonschema::paths::Location,
}

impl Types {
    fn fits(&self, instance: &Value) -> bool {
        let kind = match instance {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Number(n) => {
                let integer =
                    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0);
                if integer && self.kinds.iter().any(|k| k == "integer") {
                    return true;
                }
                "number"
            }
        };
        self.kinds.iter().any(|k| k == kind)
    }
}

impl jsonschema::Keyword for Types {
    fn validate<'i>(
        &self,
        instance: &'i Value,
        location: &jsonschema::paths::LazyLocation,
    ) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.fits(instance) {
            return Ok(());
        }
        let kinds: Vec<String> = self.kinds.iter().map(|k| format!("{k:?}")).collect();
        Err(jsonschema::ValidationError::custom(
            self.path.clone(),
            location.into(),
            instance,
            format!("{instance} is not of types {}", kinds.join(", ")),
        ))
    }

    fn is_valid(&self, instance: &Value) -> bool {
        self.fits(instance)
    }
}

/// The keyword translation adds beside `format: int32`/`int64`: the built-in `format` checks
/// strings only, this checks that a number fits (an `int32` of 2^40 fails).
const NUMERIC_FORMAT: &str = "x-runner-format";

// The signature is the one `jsonschema::ValidationOptions::with_keyword` takes.
#[allow(clippy::result_large_err)]
fn format_keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    path: jsonschema::paths::Location,
) -> Result<Box<dyn jsonschema::Keyword>, jsonschema::ValidationError<'a>> {
    Ok(Box::new(NumericFormat {
        format: value.as_str().unwrap_or_default().to_owned(),
        path,
    }))
}

struct NumericFormat {
    format: String,
    path: jsonschema::paths::Location,
}

impl NumericFormat {
    fn fits(&self, instance: &Value) -> bool {
        let Value::Number(n) = instance else {
            return true;
        };
        // An integer written with a fraction of zero (`1.0`) is one, as in `type: integer`.
        let whole = match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Some(i128::from(i)),
            (None, Some(u), _) => Some(i128::from(u)),
            // Beyond ±2^64 it fits neither format: left out before the conversion saturates.
            (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 2f64.powi(64) => Some(f as i128),
            _ => None,
        };
        match self.format.as_str() {
            "int32" => whole.is_some_and(|i| i32::try_from(i).is_ok()),
            "int64" => whole.is_some_and(|i| i64::try_from(i).is_ok()),
            _ => true,
        }
    }
}

impl jsonschema::Keyword for NumericFormat {
    fn validate<'i>(
        &self,
        instance: &'i Value,
        location: &jsonschema::paths::LazyLocation,
    ) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.fits(instance) {
            Ok(())
        } else {
            Err(jsonschema::ValidationError::custom(
                self.path.clone(),
                location.into(),
                instance,
                format!("{instance} is not an {}", self.format),
            ))
        }
    }

    fn is_valid(&self, instance: &Value) -> bool {
        self.fits(instance)
    }
}
