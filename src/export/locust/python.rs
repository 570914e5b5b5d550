//! The locustfile's text: a header saying how to run it, the collection as data, the runtime,
//! and the user class.

use serde_json::{Map, Value};

/// The runtime every locustfile carries (standard library and locust only).
pub(super) const RUNTIME: &str = include_str!("runtime.py");

/// A Python class name from the collection's name: `EMnify — list endpoints` →
/// `EmnifyListEndpointsUser`.
pub(super) fn class_name(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Collection");
    }
    out.push_str("User");
    out
}

/// The whole file.
pub(super) fn locustfile(
    data: &Map<String, Value>,
    class_name: &str,
    source: &str,
    version: &str,
) -> String {
    let mut data = data.clone();
    let pick = |data: &mut Map<String, Value>, key: &str| {
        let value = data.remove(key).unwrap_or(Value::Null);
        python_json(&value)
    };
    let jsonpaths = pick(&mut data, "jsonpaths");
    let schemas = pick(&mut data, "schemas");
    let files = pick(&mut data, "files");
    let patterns = pick(&mut data, "patterns");
    let collection = python_json(&Value::Object(data.clone()));
    let dynamic = python_json(&dynamic_variables());
    let name = data
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .replace(['\n', '\r'], " ");
    let inputs: Vec<String> = data
        .get("inputs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, spec)| {
            let secret = spec.get("secret").and_then(Value::as_bool).unwrap_or(false);
            // A comment line: nothing in a name may end it.
            let name = name.replace(|c: char| c.is_control(), " ");
            format!("#   {name}{}", if secret { " (secret)" } else { "" })
        })
        .collect();
    let inputs = if inputs.is_empty() {
        "#   (none)".to_owned()
    } else {
        inputs.join("\n")
    };
    format!(
        r#"# Locust scenario exported by runner {version} from {source}: {name}
# Re-export after changing the collection (`runner export locust {source} -o FILE`); do not edit.
#
# Run it:   locust -f THIS_FILE --headless -u 10 -r 10 -t 1m
# or let runner start Locust and judge the result:   runner load {source} -u 10 -r 10 -t 1m
#
# Read from the environment when Locust runs (never written here):
{inputs}
#   RUNNER_ENV                 the collection's environment (default: the one exported)
#   RUNNER_VARS, RUNNER_SECRETS   JSON objects of variables, as --var and --secret
#   RUNNER_SANDBOX_URL, RUNNER_SANDBOX_APPLICATION_TOKEN   for an environment with a sandbox
#   RUNNER_ITERATIONS          iterations per user before it stops (default: until the run ends)
#   RUNNER_TIMEOUT             per-request timeout when the collection sets none (default 30s)
#   RUNNER_WAIT                seconds each user waits between iterations (default 0)
#   RUNNER_WORKER_COUNT        workers sharing the --data rows (each takes its turn; default 1)
#   RUNNER_WORKER_INDEX        this worker's turn (default: the index Locust's master gives it)
# See docs/load.md in runner's repository.

import json

COLLECTION = json.loads({collection})
JSONPATHS = json.loads({jsonpaths})
SCHEMAS = json.loads({schemas})
FILES = json.loads({files})
PATTERNS = json.loads({patterns})
DYNAMIC = json.loads({dynamic})

{RUNTIME}

class {class_name}(RunnerUser):
    """{doc}"""

    collection = COLLECTION
"#,
        doc = name.replace('\\', "\\\\").replace('"', "\\\""),
    )
}

/// Postman's dynamic variables (`{{$randomInt}}`, …) as runner makes them — the patterns and
/// their word lists — for the runtime to make the same kinds of values.
fn dynamic_variables() -> Value {
    use crate::template::dynamic::{VARIABLES, WORDS};
    let table = |entries: &[(&str, &[&str])]| -> Map<String, Value> {
        entries
            .iter()
            .map(|(name, items)| ((*name).to_owned(), Value::from(items.to_vec())))
            .collect()
    };
    serde_json::json!({ "variables": table(VARIABLES), "words": table(WORDS) })
}

/// JSON text as a Python string literal (JSON's string syntax is Python's, for what
/// serde_json writes).
fn python_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    serde_json::to_string(&text).unwrap_or_else(|_| "\"null\"".to_owned())
}

#[cfg(test)]
mod tests {
    use super::class_name;

    #[test]
    fn class_names_are_python_identifiers() {
        assert_eq!(
            class_name("EMnify — authenticate with an application token"),
            "EmnifyAuthenticateWithAnApplicationTokenUser"
        );
        assert_eq!(class_name("—"), "CollectionUser");
        assert_eq!(class_name("2 steps"), "Collection2StepsUser");
    }
}
