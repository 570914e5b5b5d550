//! `runner export locust`: a runner collection as a Locust 2.x scenario (a locustfile), so the
//! collection that smoke-tests an API is also its load test.
//!
//! The locustfile holds the collection as data (includes inlined, JSONPaths parsed by runner's
//! own parser into trees, schemas and body files embedded) and a small runtime in Python
//! (`runtime.py`: templates, JSONPath, predicates, the step walk) that runs it on Locust's HTTP
//! session, one user class per collection. What it cannot express is listed in a
//! [`Report`]. No secret is written: inputs, the sandbox's token and credentials written in
//! clear are read from environment variables when Locust runs.

mod jsonpath;
mod python;
mod template;
mod walk;

use std::path::Path;

use serde_json::{Map, Value};

pub use super::credentials::Credential;
use super::ExportError;
use crate::postman::Report;

/// The tree a JSONPath becomes in the locustfile (runner's parser, RFC 9535 semantics in the
/// emitted Python), or why it cannot be written. Public for the tests that check the emitted
/// evaluator against the compliance suite.
pub fn jsonpath_tree(path: &str) -> Result<Value, String> {
    jsonpath::compile(path)
}

/// The Python runtime every locustfile carries.
pub const RUNTIME: &str = python::RUNTIME;

/// What the caller knows that the file does not say.
#[derive(Debug, Clone, Default)]
pub struct LocustOptions {
    /// The environment the file runs by default (`RUNNER_ENV` chooses another at run time);
    /// `None`: the collection's `default_environment`.
    pub environment: Option<String>,
    /// `--data` rows, spread over the users' iterations (embedded in the file).
    pub data: Vec<Map<String, Value>>,
    /// runner's version, sent as `User-Agent: runner/<version>`.
    pub version: String,
}

/// Load-test thresholds a collection sets in `load:`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thresholds {
    /// The largest 50th percentile, per step, in milliseconds.
    pub max_p50: Option<f64>,
    /// The largest 95th percentile, per step, in milliseconds.
    pub max_p95: Option<f64>,
    /// The largest 99th percentile, per step, in milliseconds.
    pub max_p99: Option<f64>,
    /// The largest share of failed requests, per step, from 0 to 1.
    pub max_failure_rate: Option<f64>,
}

/// The result of a Locust export.
#[derive(Debug, Clone)]
pub struct LocustExport {
    /// The locustfile.
    pub python: String,
    /// What could not be expressed (lossy) and what the reader should know (notes).
    pub report: Report,
    /// The number of request steps (an include's counted once per include).
    pub requests: usize,
    /// The user class's name.
    pub class_name: String,
    /// The environment the file runs by default.
    pub environment: Option<String>,
    /// Whether that environment starts the bundled EMnify sandbox.
    pub sandbox: Option<String>,
    /// Credentials written in clear, now read from environment variables.
    pub credentials: Vec<Credential>,
    /// The collection's `load:` thresholds.
    pub thresholds: Thresholds,
}

/// Converts the runner collection `text` (read from `path`, which locates its includes,
/// schemas and body files) to a locustfile. The collection should have passed `validate`.
pub fn locust(
    text: &str,
    path: &Path,
    options: &LocustOptions,
) -> Result<LocustExport, ExportError> {
    let source_name = path.display().to_string();
    let value: Value =
        serde_yaml::from_str(&crate::spec::block_scalar::readable(text)).map_err(|e| {
            ExportError::NotYaml {
                source_name: source_name.clone(),
                message: e.to_string(),
            }
        })?;
    let not = |reason: &str| ExportError::NotACollection {
        source_name: source_name.clone(),
        reason: reason.to_owned(),
    };
    let root = value
        .as_object()
        .ok_or_else(|| not("the top level is not a map"))?;
    if !root.get("steps").is_some_and(Value::is_array) {
        return Err(not("it has no `steps` list"));
    }
    let mut walker = walk::Walker::new(path);
    let mut data = walker.collection(root, options)?;
    // A credential written in clear and lifted is written nowhere else either (repeated in a
    // URL, a body, an expectation): read from its variable there, `***` in a name.
    let pairs: Vec<(String, String)> = walker
        .credentials
        .used()
        .iter()
        .map(|c| (c.value.clone(), c.variable.clone()))
        .collect();
    for part in ["vars", "environments", "steps", "finally"] {
        if let Some(part) = data.get_mut(part) {
            crate::postman::repeated::hide_in_json(part, &pairs, &|variable, encoded| {
                if encoded {
                    format!("{{{{urlencode env.{variable}}}}}")
                } else {
                    format!("{{{{env.{variable}}}}}")
                }
            });
        }
    }
    for part in ["name", "inputs"] {
        if let Some(part) = data.get_mut(part) {
            crate::postman::repeated::masked_json(part, &pairs);
        }
    }
    crate::postman::repeated::mask_report(&mut walker.report, &pairs);
    let class_name = python::class_name(
        data.get("name")
            .and_then(Value::as_str)
            .unwrap_or("Collection"),
    );
    let python = python::locustfile(&data, &class_name, &source_name, &options.version);
    let environment = data
        .get("environment")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let sandbox = environment.as_ref().and_then(|env| {
        data.get("environments")?
            .get(env)?
            .get("sandbox")?
            .as_str()
            .map(str::to_owned)
    });
    Ok(LocustExport {
        python,
        report: walker.report,
        requests: walker.requests,
        class_name,
        environment,
        sandbox,
        credentials: walker.credentials.used(),
        thresholds: walker.thresholds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "runner-locust-unit-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = std::fs::create_dir_all(&dir);
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write");
        }
        dir
    }

    #[test]
    fn includes_are_inlined_credentials_lifted_and_losses_reported() {
        let dir = scratch(&[
            (
                "main.yaml",
                "name: Main\nload: { max_p95: 250ms, max_failure_rate: 2% }\nsteps:\n  - name: Shared\n    include: shared.yaml\n  - name: Odd\n    request:\n      url: \"http://x/{{#each xs}}{{this}}{{/each}}\"\n      auth: { basic: { username: u, password: literal-pw-4411 } }\n    expect: { schema: odd.json, body: { matches: '\\p{Lu}' } }\n",
            ),
            (
                "shared.yaml",
                "name: Shared\nvars: { who: me }\nsteps:\n  - name: Inner\n    request: { url: \"http://x/{{who}}\" }\n    capture: { id: \"$.items[0].id\" }\n",
            ),
            ("odd.json", r#"{"type": "object", "unevaluatedProperties": false}"#),
        ]);
        let path = dir.join("main.yaml");
        let text = std::fs::read_to_string(&path).expect("read");
        let exported = locust(&text, &path, &LocustOptions::default()).expect("exports");
        assert!(!exported.python.contains("literal-pw-4411"));
        assert_eq!(exported.credentials.len(), 1);
        assert_eq!(exported.credentials[0].variable, "RUNNER_CREDENTIAL_1");
        assert_eq!(exported.credentials[0].value, "literal-pw-4411");
        assert!(exported.python.contains("\\\"name\\\":\\\"Inner\\\""));
        assert!(exported.python.contains("class MainUser(RunnerUser)"));
        assert_eq!(exported.requests, 2);
        assert_eq!(exported.thresholds.max_p95, Some(250.0));
        assert_eq!(exported.thresholds.max_failure_rate, Some(0.02));
        let report = exported.report.to_string();
        assert!(report.contains("the block `#each`"), "{report}");
        assert!(report.contains("unevaluatedProperties"), "{report}");
        assert!(report.contains("Unicode classes"), "{report}");
        assert_eq!(exported.report.lossy_count(), 3, "{report}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_secret_inputs_default_is_read_from_the_environment_not_written() {
        let dir = scratch(&[(
            "main.yaml",
            "name: Main\ninputs:\n  TOKEN: { secret: true, default: d3fault-s3cret }\n  PLAIN: { default: shown }\nsteps:\n  - name: S\n    request: { url: \"http://x/{{env.TOKEN}}/{{env.PLAIN}}\" }\n",
        )]);
        let path = dir.join("main.yaml");
        let text = std::fs::read_to_string(&path).expect("read");
        let exported = locust(&text, &path, &LocustOptions::default()).expect("exports");
        assert!(!exported.python.contains("d3fault-s3cret"));
        assert!(exported.python.contains("RUNNER_CREDENTIAL_1"));
        assert_eq!(exported.credentials.len(), 1);
        assert_eq!(exported.credentials[0].value, "d3fault-s3cret");
        // A default that is not secret stays in the file.
        assert!(exported.python.contains("shown"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
