//! The JSON Schemas in `schemas/` that are generated from the code must not go stale.

fn check_generated(relative: &str, generated: String) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("RUNNER_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is stale; regenerate it with `RUNNER_UPDATE_SCHEMAS=1 cargo test --test it schema`"
    );
}

#[test]
fn the_collection_schema_is_up_to_date() {
    use runner::spec::schema::{collection_schema, SCHEMA_PATH};
    check_generated(SCHEMA_PATH, collection_schema());
}

#[test]
fn the_report_schema_is_up_to_date() {
    use runner::report::json::{schema, SCHEMA_PATH};
    check_generated(SCHEMA_PATH, schema());
}

#[test]
fn every_bundled_collection_declares_the_schema() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("collections");
    for entry in std::fs::read_dir(dir).expect("collections/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schemas/collection.schema.json"),
            "{} must start with the yaml-language-server schema line",
            path.display()
        );
    }
}

/// ajv (JavaScript's usual JSON Schema validator, here the copy Prism installs) compiles both
/// schemas in its default strict mode, which refuses a `format` it does not know, and the
/// JSON report of a run validates against the report schema in it.
#[test]
fn ajv_compiles_both_schemas_in_strict_mode_and_accepts_a_report() {
    let Some(prism) = crate::openapi::prism() else {
        return;
    };
    // `…/node_modules/.bin/prism` → `…/node_modules`.
    let modules = std::path::Path::new(&prism)
        .ancestors()
        .nth(2)
        .expect("prism lives in node_modules/.bin");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let output = crate::support::runner([
        "run".as_ref(),
        root.join("collections/emnify.yaml").as_os_str(),
        "--report-json".as_ref(),
        report.as_os_str(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    let script = r#"
const [modules, collection, reportSchema, report] = process.argv.slice(1);
const Ajv = require(modules + '/ajv/dist/2020');
const addFormats = require(modules + '/ajv-formats');
const ajv = new Ajv({ allowUnionTypes: true });
addFormats(ajv);
ajv.compile(require(collection));
const validate = ajv.compile(require(reportSchema));
if (!validate(require(report))) { console.error(JSON.stringify(validate.errors)); process.exit(1); }
"#;
    let node = std::process::Command::new("node")
        .args(["-e", script])
        .arg(modules)
        .arg(root.join("schemas/collection.schema.json"))
        .arg(root.join("schemas/report.schema.json"))
        .arg(&report)
        .output()
        .expect("node runs (Prism needs it)");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
}

/// Collections `runner validate` refuses for their shape: an editor checking them against
/// the schema must flag them too, and the valid ones beside them must pass both.
#[test]
fn the_schema_refuses_what_validate_refuses() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/collection.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let step = |rest: &str| {
        format!(
            "name: c\nsteps:\n  - name: s\n    request: {{ url: \"http://127.0.0.1:9/\" }}\n{rest}"
        )
    };
    // A group of one step, with more fields.
    let group = |rest: &str| {
        format!(
            "name: c\nsteps:\n  - name: s\n    steps: [ {{ name: a, request: {{ url: \"http://127.0.0.1:9/\" }} }} ]\n{rest}"
        )
    };
    // A request with more fields.
    let req = |fields: &str| {
        format!(
            "name: c\nsteps:\n  - name: s\n    request: {{ url: \"http://127.0.0.1:9/\", {fields} }}\n"
        )
    };
    let cases: Vec<(bool, String)> = vec![
        (false, "name: c\nsteps: []\n".into()),
        (false, "name: c\nsteps:\n  - name: s\n".into()),
        (false, "name: c\nsteps:\n  - name: s\n    include: other.yaml\n    request: { url: \"http://x/\" }\n".into()),
        (true, "name: c\nsteps:\n  - name: s\n    steps: []\n".into()),
        // A key given as `~` is a key not given, to both.
        (true, "name: c\nsteps:\n  - name: s\n    request: ~\n    steps: []\n".into()),
        (true, "name: c\nsteps:\n  - name: s\n    steps: ~\n    include: ~\n    request: { url: \"http://x/\" }\n".into()),
        (false, "name: c\nsteps:\n  - name: s\n    request: ~\n".into()),
        (false, "name: c\nsteps:\n  - name: s\n    request: ~\n    steps: ~\n".into()),
        (false, step("    expect: { jsonpath: { $.a: {} } }\n")),
        (false, step("    expect: { headers: { x-a: {} } }\n")),
        (true, step("    expect: { headers: { x-a: { exists: true } } }\n")),
        (false, step("    paginate: { next: link, max_pages: 0 }\n")),
        (true, step("    paginate: { next: link, max_pages: 1 }\n")),
        (true, step("    expect: { status: success }\n")),
        (false, step("    expect: { status: successful }\n")),
        (false, step("    for_each: 7\n")),
        (false, step("    for_each: { a: 1 }\n")),
        (true, step("    for_each: [1, 2]\n")),
        (true, step("    for_each: ~\n")),
        (true, format!("vars: {{ ids: [1] }}\n{}", step("    for_each: \"{{ids}}\"\n"))),
        (false, step("    vars: { a: 1 }\n")),
        (false, step("    export: [a]\n")),
        (false, "name: c\nsteps:\n  - name: s\n    request: { url: \"http://x/\", auth: {} }\n".into()),
        // Text fields: a scalar is text as written, a null is not text.
        (false, "name: c\nsteps:\n  - name: ~\n    request: { url: \"http://x/\" }\n".into()),
        (false, "name:\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        (false, "name: c\nsteps:\n  - name: s\n    request: { url: null }\n".into()),
        (true, "name: 42\nsteps:\n  - name: true\n    request: { url: \"http://x/\" }\n".into()),
        (true, step("    request: { url: \"http://x/\", auth: { basic: { username: 1234, password: } } }\n").replace("    request: { url: \"http://127.0.0.1:9/\" }\n", "")),
        (false, step("    request: { url: \"http://x/\", auth: { api_key: { header: X-Key, value: ~ } } }\n").replace("    request: { url: \"http://127.0.0.1:9/\" }\n", "")),
        (true, step("    request: { url: \"http://x/\", headers: { X-N: 42, X-B: true, X-Gone: ~ }, cookies: { c: 7 } }\n").replace("    request: { url: \"http://127.0.0.1:9/\" }\n", "")),
        (false, step("    request: { url: \"http://x/\", cookies: { c: ~ } }\n").replace("    request: { url: \"http://127.0.0.1:9/\" }\n", "")),
        (false, format!("defaults: {{ headers: {{ X-D: ~ }} }}\n{}", step(""))),
        (true, format!("defaults: {{ headers: {{ X-D: 1 }} }}\n{}", step(""))),
        // Any field that may be left out reads a null as left out.
        (true, "name: c\ndescription: ~\ntags: ~\ninputs: ~\nvars: ~\nenvironments: ~\ndefaults: ~\nfinally: ~\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        (true, step("    tags: ~\n    when: ~\n    capture: ~\n    expect: { headers: ~, jsonpath: ~ }\n")),
        (true, req("query: ~, headers: ~, cookies: ~, form: ~, method: ~, max_redirects: ~")),
        (true, "name: c\ninputs: { A: { secret: ~ } }\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        (true, step("    capture: { a: { jsonpath: $.a, all: ~, secret: ~ } }\n    retry: { attempts: 2, on: ~ }\n")),
        (true, step("    expect: { jsonpath: { $.a: { lt: ~, gt: 1 } } }\n")),
        (true, req("auth: { oauth2: { client_credentials: { token_url: \"http://x/t\", client_id: a, client_secret: b, client_auth: ~ } } }")),
        // Plain text: any scalar is the text as written, to the schema too.
        (true, format!("description: 42\ntags: [1, true]\n{}", step("    id: 12\n    tags: [2.5]\n"))),
        (true, req("auth: { bearer: 1 }")),
        (true, req("auth: { api_key: { header: 7, value: k } }")),
        (true, req("method: POST, body: 1")),
        (true, step("    capture: { a: { header: 1, regex: 2 }, b: { cookie: true } }\n")),
        (true, step("    expect: { body: { starts_with: 1, ends_with: true, matches: 2 } }\n")),
        (true, step("    expect: { cookies: { c: { value: { starts_with: 1 } } } }\n")),
        (true, step("    expect: { snapshot: { headers: [404] } }\n")),
        // A null in a list of texts is not a text.
        (false, "name: c\ntags: [a, ~]\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        (false, step("    tags: [~]\n")),
        (false, step("    expect: { snapshot: { headers: [~] } }\n")),
        // "Exactly one of", a null counting as not written.
        (false, step("    capture: { a: { secret: true } }\n")),
        (false, step("    capture: { a: { jsonpath: $.a, status: true } }\n")),
        (false, step("    capture: { a: { status: false } }\n")),
        (false, step("    capture: { a: { header: X, all: true } }\n")),
        (true, step("    capture: { a: { header: X, regex: x, status: ~ } }\n")),
        (false, req("auth: { api_key: { header: X, query: y, value: k } }")),
        (false, req("auth: { api_key: { value: k } }")),
        (false, req("auth: { api_key: { query: '', value: k } }")),
        (false, req("auth: { api_key: { header: a b, value: k } }")),
        (false, req("method: POST, multipart: { a: { value: x, file: f.csv } }")),
        (false, req("method: POST, multipart: { a: { content_type: text/plain } }")),
        (false, req("method: POST, multipart: { a: { value: x, filename: a.txt } }")),
        (false, step("    paginate: { next: { jsonpath: $.n, query: page }, collect: { a: $.a } }\n")),
        (false, step("    paginate: { next: {} }\n")),
        (false, step("    paginate: { next: { query: page } }\n")),
        (false, req("auth: { bearer: ~ }")),
        (true, req("auth: { bearer: a, basic: ~ }")),
        (false, req("auth: { bearer: a, basic: { username: u } }")),
        (false, step("    expect: { jsonpath: { $.a: { exists: ~ } } }\n")),
        (true, step("    expect: { jsonpath: { $.a: { equals: ~ } } }\n")),
        (false, step("    expect: { cookies: { a: {} } }\n")),
        (true, step("    expect: { cookies: { a: { secure: ~ } } }\n")),
        // What applies to one kind of step only.
        (false, group("    expect: { status: 200 }\n")),
        (false, group("    retry: { attempts: 2 }\n")),
        (false, group("    capture: { a: $.a }\n")),
        (false, group("    paginate: { next: link }\n")),
        (true, group("    capture: {}\n    expect: ~\n")),
        (false, "name: c\nsteps:\n  - name: s\n    include: other.yaml\n    expect: { status: 200 }\n".into()),
        (false, "name: c\nsteps:\n  - name: s\n    include: other.yaml\n    paginate: { next: link }\n".into()),
        (false, step("    as: x\n")),
        (false, step("    as: x\n    for_each: ~\n")),
        (true, step("    vars: {}\n    export: ~\n")),
        (false, step("    expect: { body: { count: 1 } }\n")),
        (false, step("    expect: { headers: { a: { count: 1 } } }\n")),
        (false, step("    expect: { jsonpath: { $.a: { length: { count: 1 } } } }\n")),
        (true, step("    expect: { jsonpath: { $.a: { count: 1 } } }\n")),
        (true, step("    retry: { attempts: 2, until: { jsonpath: { $.a: { count: { gt: 0 } } } } }\n")),
        (false, step("    expect: { duration: { lt: soon } }\n")),
        (true, format!("vars: {{ n: 5 }}\n{}", step("    expect: { duration: { lt: 2s, gt: 5, ge: \"{{n}}\" } }\n"))),
        // `retry` and `paginate` do not combine.
        (false, step("    retry: { attempts: 2 }\n    paginate: { next: link }\n")),
        (true, step("    retry: { attempts: 2 }\n    paginate: ~\n")),
        // Numbers: a whole number may have a zero fraction; bounds are the loader's.
        (true, step("    expect: { status: 200.0 }\n    paginate: { next: link, max_pages: 1.0 }\n")),
        (true, step("    expect: { status: [200.0, 201] }\n    retry: { attempts: 2.0 }\n")),
        (true, req("max_redirects: 1.0")),
        (false, step("    expect: { status: 200.5 }\n")),
        (false, req("max_redirects: 99999999999")),
        (false, req("max_redirects: 2.5")),
        (false, req("timeout: 25h")),
        (false, req("timeout: 1441m")),
        (false, req("timeout: 86400001ms")),
        (true, req("timeout: 24h")),
        (true, req("timeout: .5s")),
        (false, "name: c\nload: { max_failure_rate: 101% }\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        (false, "name: c\nload: { max_failure_rate: 1e1% }\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        (true, "name: c\nload: { max_failure_rate: 100% }\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        // Names: the loader's rules.
        (false, step("    id: a b\n")),
        (false, step("    id: ''\n")),
        (false, step("    for_each: [1]\n    as: env\n")),
        (false, step("    for_each: [1]\n    as: a.b\n")),
        (true, step("    for_each: [1]\n    as: 7\n")),
        (false, format!("vars: {{ a.b: 1 }}\n{}", step(""))),
        (false, format!("vars: {{ env: 1 }}\n{}", step(""))),
        (false, format!("vars: {{ steps: 1 }}\n{}", step(""))),
        (false, step("    capture: { sandbox: $.a }\n")),
        (false, "name: c\ninputs: { a b: {} }\nsteps:\n  - name: s\n    request: { url: \"http://x/\" }\n".into()),
        (false, req("headers: { a b: x }")),
        // Status text as the loader reads it.
        (true, step("    expect: { status: 2XX }\n")),
        (true, step("    expect: { status: '+0201' }\n")),
        (true, format!("vars: {{ s: 200 }}\n{}", step("    expect: { status: \"x\\n{{s}}\" }\n"))),
        // Struct-shaped options are maps, never lists read by position.
        (false, step("    expect: { snapshot: [] }\n")),
        (false, step("    expect: { snapshot: [[$.id], [content-type]] }\n")),
        (false, step("    paginate: { next: [$.next] }\n")),
        (false, step("    paginate: { next: [] }\n")),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut disagreements = Vec::new();
    for (valid, yaml) in &cases {
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, yaml).expect("write");
        let output = crate::support::runner(["validate".as_ref(), path.as_os_str()]);
        let instance: serde_json::Value = serde_yaml::from_str(yaml).expect("YAML");
        let by_schema = validator.is_valid(&instance);
        let by_runner = output.code == 0;
        if by_schema != *valid || by_runner != *valid {
            disagreements.push(format!(
                "{yaml}\n  expected valid: {valid}, schema: {by_schema}, runner: {by_runner} ({})",
                output.stderr.lines().next().unwrap_or_default()
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}

/// Every importer writes a `$schema` line that leads from the file it writes (`-o`) to
/// `schemas/collection.schema.json` of the current directory, wherever that file is; to
/// standard output, the path from a file in `collections/`.
#[test]
fn every_importer_leads_its_schema_line_from_the_written_file_to_the_schema() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures");
    let schema =
        std::fs::canonicalize(root.join("schemas/collection.schema.json")).expect("schema");
    let dir = tempfile::tempdir().expect("temp dir");
    let deep = dir.path().join("deep/er");
    std::fs::create_dir_all(&deep).expect("mkdir");
    let importers: [(&str, Vec<String>); 4] = [
        (
            "postman",
            vec![fixtures
                .join("postman/seed.postman_collection.json")
                .display()
                .to_string()],
        ),
        (
            "openapi",
            vec![fixtures.join("openapi/petstore.yaml").display().to_string()],
        ),
        (
            "har",
            vec![fixtures
                .join("har/emnify-sandbox.har")
                .display()
                .to_string()],
        ),
        (
            "curl",
            ["--", "curl", "http://127.0.0.1:9/x"]
                .map(str::to_owned)
                .to_vec(),
        ),
    ];
    let schema_line = |text: &str| -> String {
        text.lines()
            .next()
            .and_then(|line| line.strip_prefix("# yaml-language-server: $schema="))
            .unwrap_or_else(|| panic!("no schema line in:\n{text}"))
            .to_owned()
    };
    for (importer, rest) in importers {
        let written = deep.join(format!("{importer}.yaml"));
        let mut args = vec!["import".to_owned(), importer.to_owned()];
        let (before, after) = match rest.iter().position(|a| a == "--") {
            Some(at) => rest.split_at(at),
            None => (rest.as_slice(), &[][..]),
        };
        args.extend(before.iter().cloned());
        args.extend(["-o".to_owned(), written.display().to_string()]);
        args.extend(after.iter().cloned());
        let output = crate::support::runner(&args);
        assert!(written.exists(), "{importer}: {output:?}");
        let reference = schema_line(&std::fs::read_to_string(&written).expect("written"));
        let resolved = std::fs::canonicalize(deep.join(&reference))
            .unwrap_or_else(|e| panic!("{importer}: `{reference}` leads nowhere: {e}"));
        assert_eq!(resolved, schema, "{importer}: `{reference}`");

        // `--schema` is written as given.
        let mut given = args.clone();
        given.splice(
            2..2,
            [
                "--schema".to_owned(),
                "https://example.com/s.json".to_owned(),
            ],
        );
        crate::support::runner(&given);
        let text = std::fs::read_to_string(&written).expect("written");
        assert_eq!(
            schema_line(&text),
            "https://example.com/s.json",
            "{importer}"
        );
    }
}

/// Editors (yaml-language-server) complete a value from `enum` and `const`, not from a
/// `pattern`: `status` offers `success`, `any` and the classes, and its description on
/// hover names them.
#[test]
fn the_status_schema_offers_its_words_for_completion() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/collection.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let status = &schema["$defs"]["Status"];
    let offered: Vec<&str> = status["anyOf"]
        .as_array()
        .expect("the status is one of several shapes")
        .iter()
        .flat_map(|branch| branch["enum"].as_array().into_iter().flatten())
        .filter_map(|word| word.as_str())
        .collect();
    for word in ["success", "any", "2xx", "4xx"] {
        assert!(
            offered.contains(&word),
            "`{word}` is not offered: {offered:?}"
        );
    }
    let described = schema["$defs"]["ExpectSpec"]["properties"]["status"]["description"]
        .as_str()
        .expect("a description");
    for word in ["`success`", "`any`", "`\"2xx\"`"] {
        assert!(described.contains(word), "{described}");
    }
}
