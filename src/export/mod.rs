//! `runner export postman`: a runner collection as a Postman Collection v2.1, so a team can
//! share it with Postman users. Captures and expectations become generated test scripts;
//! what Postman cannot express (retries, `for_each`, `when`, `include`, environments) is
//! listed in a [`Report`].
//!
//! The YAML is read as data, not through the typed model, so the export follows every field
//! the format has — including ones newer than the exporter, which it reports instead of
//! dropping silently.

mod context;
mod credentials;
mod js_regex;
pub mod locust;
mod postman;
mod script;

use std::path::Path;

use crate::postman::Report;

pub use locust::locust;

/// The result of an export.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The Postman collection, as JSON text.
    pub json: String,
    /// What could not be expressed.
    pub report: Report,
    /// The number of requests.
    pub requests: usize,
    /// Credentials written in clear, now secret Postman variables with no value (the values
    /// are never written to the file), named as `runner export locust` names them.
    pub credentials: Vec<locust::Credential>,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Not YAML.
    #[error("{source_name} is not YAML: {message}")]
    NotYaml {
        /// The file.
        source_name: String,
        /// The parser's message, with its line and column.
        message: String,
    },
    /// YAML, but not a runner collection.
    #[error("{source_name} is not a runner collection: {reason}")]
    NotACollection {
        /// The file.
        source_name: String,
        /// What is wrong.
        reason: String,
    },
}

/// Converts the runner collection `text` (read from `path`, which locates its schema files)
/// to a Postman Collection v2.1.
pub fn postman(text: &str, path: &Path) -> Result<Exported, ExportError> {
    let source_name = path.display().to_string();
    let value: serde_json::Value = serde_yaml::from_str(&crate::spec::block_scalar::readable(text))
        .map_err(|e| ExportError::NotYaml {
            source_name: source_name.clone(),
            message: e.to_string(),
        })?;
    let not = |reason: &str| ExportError::NotACollection {
        source_name: source_name.clone(),
        reason: reason.to_owned(),
    };
    let root = value
        .as_object()
        .ok_or_else(|| not("the top level is not a map"))?;
    if !root.get("steps").is_some_and(serde_json::Value::is_array) {
        return Err(not("it has no `steps` list"));
    }
    let base = path.parent().unwrap_or(Path::new(""));
    Ok(postman::collection(root, base))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Credentials in every place either export lifts them from, in an order that is not the
    /// order the exporters visit a request's fields, beside a secret input's default (which
    /// only the locustfile reads) and a cookie (which only the locustfile sends).
    const EVERY_PLACE: &str = r#"name: Credentials
inputs:
  TOKEN: { secret: true, default: input-default-0001 }
vars: { token: "{{env.TOKEN}}" }
defaults:
  auth: { bearer: defaults-bearer-0002 }
  headers: { X-Api-Key: defaults-header-0003 }
steps:
  - name: Group
    steps:
      - name: Basic
        request:
          auth: { basic: { username: ann, password: basic-pw-0004 } }
          cookies: { session_token: cookie-0005 }
          url: "http://ann:url-pw-0006@127.0.0.1:9/x?api_key=url-query-0007"
  - name: Parameters
    request:
      method: POST
      form: { client_secret: form-0008 }
      headers: { Authorization: "Bearer header-0009" }
      query: { access_token: [query-0010, defaults-bearer-0002] }
      url: http://127.0.0.1:9/y
  - name: Parts
    request:
      method: POST
      url: http://127.0.0.1:9/z
      multipart: { password: part-0011, note: ann }
      auth: { api_key: { header: X-Key, value: key-0012 } }
finally:
  - name: OAuth
    request:
      url: http://127.0.0.1:9/o
      auth: { oauth2: { client_credentials: { token_url: http://127.0.0.1:9/t, client_id: c, client_secret: client-0013 } } }
"#;

    #[test]
    fn both_exports_name_each_credential_alike_in_the_order_the_file_writes_them() {
        let path = Path::new("credentials.yaml");
        let postman = postman(EVERY_PLACE, path).expect("exports to Postman");
        let locust = locust(EVERY_PLACE, path, &locust::LocustOptions::default())
            .expect("exports to Locust");
        let named = |credentials: &[locust::Credential]| -> Vec<(String, String)> {
            credentials
                .iter()
                .map(|c| (c.variable.clone(), c.value.clone()))
                .collect()
        };
        let numbered = |values: &[&str]| -> Vec<(String, String)> {
            values
                .iter()
                .enumerate()
                .map(|(n, value)| (format!("RUNNER_CREDENTIAL_{}", n + 1), value.to_string()))
                .collect()
        };
        let mut in_order = vec![
            "defaults-bearer-0002",
            "defaults-header-0003",
            "basic-pw-0004",
            "cookie-0005",
            "url-pw-0006",
            "url-query-0007",
            "form-0008",
            "header-0009",
            "query-0010",
            "part-0011",
            "key-0012",
            "client-0013",
        ];
        // Postman sends no request cookies (reported), so it has no variable for the cookie's
        // credential; the others are named alike.
        let mut in_postman = numbered(&in_order);
        in_postman.retain(|(_, value)| value != "cookie-0005");
        assert_eq!(named(&postman.credentials), in_postman);
        // The locustfile reads the secret input's default too, numbered after the rest.
        in_order.push("input-default-0001");
        assert_eq!(named(&locust.credentials), numbered(&in_order));
        for (variable, value) in named(&postman.credentials) {
            assert!(
                postman.json.contains(&format!("{{{{{variable}}}}}")),
                "{variable}"
            );
            assert!(!postman.json.contains(&value), "{value} was written");
            assert!(
                locust.python.contains(&format!("{{{{env.{variable}}}}}")),
                "{variable}"
            );
            assert!(!locust.python.contains(&value), "{value} was written");
        }
    }
}
