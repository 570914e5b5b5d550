//! `runner import postman`: a Postman collection (v2.0 or v2.1) and its environment files as a
//! runner collection, with a report of everything that could not be carried over.
//!
//! The flow is one way: parse ([`postman`]) → convert each part ([`url`], [`body`], [`auth`],
//! [`script`], [`template`]) into YAML nodes → write them with comments ([`yaml`]). What was
//! not translated is kept as a comment beside its step and listed in the [`report`].
//!
//! Folders become named groups of steps (a step with `name` and `steps`), nested and in
//! order, so one Postman collection is one runner file that runs top to bottom as Postman's
//! collection runner does.

pub mod auth;
pub mod body;
mod context;
mod convert;
pub mod credential;
pub mod curl;
mod files;
pub mod har;
pub mod openapi;
pub mod params;
pub mod postman;
mod repeated;
pub mod script;
pub mod shape;
pub mod shell;
pub mod steps;
pub mod template;
pub mod url;
pub mod yaml;

use serde_json::Value;

pub use crate::postman::Report;
pub use context::Context;

/// What the importer was asked to do besides converting.
#[derive(Debug, Clone)]
pub struct Options {
    /// How messages name the collection file.
    pub source: String,
    /// The `$schema` reference written on the first line.
    pub schema: String,
    /// Add an environment `sandbox` that runs against this bundled sandbox (and make it the
    /// default).
    pub sandbox: Option<crate::spec::collection::SandboxKind>,
    /// Where JSON Schemas found in test scripts are written, relative to the output file;
    /// `None` (output to stdout) reports them as not translated.
    pub schema_dir: Option<String>,
}

/// A Postman environment file to import as a runner environment.
#[derive(Debug, Clone)]
pub struct EnvironmentFile {
    /// How messages name the file.
    pub source: String,
    /// Its text.
    pub text: String,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The collection, as YAML.
    pub yaml: String,
    /// What was not carried over.
    pub report: Report,
    /// Other files to write beside the collection (JSON Schemas), by relative path.
    pub files: Vec<(String, String)>,
    /// The number of request steps.
    pub requests: usize,
}

/// Why an import failed: the input is not what it should be.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not JSON at all.
    #[error("{source_name} is not JSON: {message} at line {line}, column {column}")]
    NotJson {
        /// The file.
        source_name: String,
        /// serde_json's message.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON, but not a Postman collection.
    #[error("{source_name} is not a Postman collection: {reason}")]
    NotACollection {
        /// The file.
        source_name: String,
        /// What is wrong, and where.
        reason: String,
    },
    /// A collection of a version the importer does not read.
    #[error(
        "{source_name} is a Postman collection of an unknown format version (`{schema}` at line \
         {line}, column {column}): runner reads Collection v2.0.0 and v2.1.0 (in Postman: \
         Export → Collection v2.1)"
    )]
    UnknownVersion {
        /// The file.
        source_name: String,
        /// `info.schema`.
        schema: String,
        /// 1-based line of `info.schema`.
        line: usize,
        /// 1-based column of `info.schema`.
        column: usize,
    },
    /// A Postman Collection v1, which the importer does not read.
    #[error(
        "{source_name} is a Postman Collection v1: runner reads v2.0.0 and v2.1.0. Convert it \
         first, as newman does: `npx postman-collection-transformer convert --input {source_name} \
         --input-version 1.0.0 --output collection.v2.json --output-version 2.1.0`, or in Postman: \
         Import, then Export → Collection v2.1"
    )]
    V1 {
        /// The file.
        source_name: String,
    },
    /// Not a Postman environment file.
    #[error("{source_name} is not a Postman environment: {reason}")]
    NotAnEnvironment {
        /// The file.
        source_name: String,
        /// What is wrong, and where.
        reason: String,
    },
    /// Nothing to import.
    #[error("{source_name} has no request to import (every item is a folder, disabled or empty)")]
    Empty {
        /// The file.
        source_name: String,
    },
}

/// The Postman format versions the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Collection v2.0.0.
    V2_0,
    /// Collection v2.1.0.
    V2_1,
}

impl Version {
    /// As Postman names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2_0 => "v2.0.0",
            Version::V2_1 => "v2.1.0",
        }
    }
}

/// Where a Postman collection's relative file paths (a `formdata` file's and a `file`
/// body's `src`) are read from, and where they are written for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    /// The directory they are relative to: the working directory, as Newman reads them.
    pub working_dir: std::path::PathBuf,
    /// The directory the collection is written to (`-o`), relative to the working directory
    /// or absolute; `None` (standard output): the working directory.
    pub output_dir: Option<std::path::PathBuf>,
}

/// Converts a Postman collection (and environment files) to a runner collection; relative
/// file paths are written as they are ([`postman_at`] rebases them).
pub fn postman(
    text: &str,
    environments: &[EnvironmentFile],
    options: &Options,
) -> Result<Imported, ImportError> {
    postman_with(text, environments, options, None)
}

/// [`postman`], with each relative file path rebased from `paths.working_dir`, where Newman
/// reads it, to the output's directory, where runner reads it (reported), and a file that
/// does not exist reported.
pub fn postman_at(
    text: &str,
    environments: &[EnvironmentFile],
    options: &Options,
    paths: &Paths,
) -> Result<Imported, ImportError> {
    postman_with(text, environments, options, Some(paths))
}

fn postman_with(
    text: &str,
    environments: &[EnvironmentFile],
    options: &Options,
    paths: Option<&Paths>,
) -> Result<Imported, ImportError> {
    // A byte-order mark (Windows editors, newman's own fixtures) is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source_name = options.source.clone();
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        source_name: source_name.clone(),
        message: crate::spec::json::error_text(&e),
        line: e.line(),
        column: e.column(),
    })?;
    let version = version(&value, text, &source_name)?;
    shape::collection(&value).map_err(|misshapen| ImportError::NotACollection {
        source_name: source_name.clone(),
        reason: misshapen.describe(text),
    })?;
    let collection: postman::Collection =
        serde_json::from_str(text).map_err(|e| ImportError::NotACollection {
            source_name: source_name.clone(),
            reason: format!(
                "{} at line {}, column {}",
                crate::spec::json::error_text(&e),
                e.line(),
                e.column()
            ),
        })?;
    let mut parsed = Vec::new();
    for file in environments {
        parsed.push((file.source.clone(), environment(file)?));
    }
    convert::collection(&collection, version, &parsed, options, paths)
}

fn version(value: &Value, text: &str, source_name: &str) -> Result<Version, ImportError> {
    let not = |reason: &str| ImportError::NotACollection {
        source_name: source_name.to_owned(),
        reason: reason.to_owned(),
    };
    let Some(object) = value.as_object() else {
        return Err(not("the top level is not an object"));
    };
    if object.contains_key("requests") && object.contains_key("order") {
        return Err(ImportError::V1 {
            source_name: source_name.to_owned(),
        });
    }
    if object.contains_key("values") && !object.contains_key("info") {
        return Err(not(
            "it is a Postman environment: give it with --environment, and the collection first",
        ));
    }
    let Some(info) = object.get("info").and_then(Value::as_object) else {
        // Hand-written collections (newman's own fixtures) leave `info` out and give the
        // name at the top: with an `item` list, they are read as v2.1, as newman does.
        if object.get("item").is_some_and(Value::is_array) {
            return Ok(Version::V2_1);
        }
        return Err(not(
            "it has no `info` object (a collection export has `info` and `item`)",
        ));
    };
    let path = [shape::Key::Field("info".to_owned())];
    let schema = match info.get("schema") {
        Some(Value::String(schema)) if !schema.trim().is_empty() => schema,
        Some(Value::Null | Value::String(_)) | None => {
            let (line, column) = shape::line_column(text, shape::locate(text, &path));
            return Err(not(&format!(
                "`info` (line {line}, column {column}) has no `schema`, so the format version is \
                 unknown: a Postman export has `\"schema\": \"{}\"`",
                crate::postman::SCHEMA_V2_1
            )));
        }
        Some(other) => {
            let misshapen = shape::Misshapen {
                path: vec![path[0].clone(), shape::Key::Field("schema".to_owned())],
                found: Some(crate::spec::text::json_kind(other)),
                expected:
                    "text: the format's schema URL, such as \
                           \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"",
            };
            return Err(not(&misshapen.describe(text)));
        }
    };
    if schema.contains("/v2.1") {
        Ok(Version::V2_1)
    } else if schema.contains("/v2.0") || schema.ends_with("/collection/v2/collection.json") {
        // `…/collection/v2/collection.json` names v2.0 before its schema had a version of
        // three parts (postman-collection's own examples are written so).
        Ok(Version::V2_0)
    } else {
        let at = shape::locate(
            text,
            &[path[0].clone(), shape::Key::Field("schema".to_owned())],
        );
        let (line, column) = shape::line_column(text, at);
        Err(ImportError::UnknownVersion {
            source_name: source_name.to_owned(),
            schema: schema.to_owned(),
            line,
            column,
        })
    }
}

fn environment(file: &EnvironmentFile) -> Result<postman::Environment, ImportError> {
    let error = |reason: String| ImportError::NotAnEnvironment {
        source_name: file.source.clone(),
        reason,
    };
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        error(format!(
            "not JSON: {} at line {}, column {}",
            crate::spec::json::error_text(&e),
            e.line(),
            e.column()
        ))
    })?;
    if value.get("values").and_then(Value::as_array).is_none() {
        return Err(error(
            "it has no `values` list (an environment export has `name` and `values`)".to_owned(),
        ));
    }
    shape::environment(&value).map_err(|misshapen| error(misshapen.describe(text)))?;
    serde_json::from_str(text).map_err(|e| {
        error(format!(
            "{} at line {}, column {}",
            crate::spec::json::error_text(&e),
            e.line(),
            e.column()
        ))
    })
}
