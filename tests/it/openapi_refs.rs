//! Which files a `$ref` of an OpenAPI document may name, against the real binary: another
//! YAML or JSON file by a path relative to the file that holds the reference (`../` too);
//! never a URL, an absolute path or a file of another kind, and no error quotes what a file
//! holds.

use std::path::Path;

use crate::support::{runner, Fixture, Output};

/// What the files of the fixture hold that must never be shown.
const SECRET: &str = "SECRET-MARKER";

/// A document whose one response schema is `{ $ref: reference }`.
fn document(reference: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{ title: t, version: \"1\" }}\npaths:\n  /a:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {{ $ref: '{reference}' }}\n"
    )
}

/// `runner validate` of a collection naming a document (`api/doc.yaml`) whose response schema
/// is `reference`, and `runner import openapi` of it.
fn load(fixture: &Fixture, reference: &str) -> [Output; 2] {
    let doc = fixture.path().join("api/doc.yaml");
    std::fs::write(&doc, document(reference)).expect("write");
    let collection = fixture.file(
        "c.yaml",
        "name: c\nopenapi: api/doc.yaml\nsteps:\n  - name: s\n    request: { url: \"http://127.0.0.1:1/a\" }\n    expect: { openapi: true }\n",
    );
    let out = fixture.path().join("imported.yaml");
    [
        runner(["validate", &collection.display().to_string()]),
        runner([
            "import",
            "openapi",
            &doc.display().to_string(),
            "-o",
            &out.display().to_string(),
        ]),
    ]
}

fn files(dir: &Path) {
    for sub in ["api/sub", "shared"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    let long = format!("{SECRET} {}", "x".repeat(200));
    for (name, contents) in [
        ("api/secret.txt", format!("{SECRET} in text\n")),
        ("api/.env", format!("TOKEN={SECRET}\n")),
        ("api/id_rsa", format!("-----BEGIN KEY-----\n{SECRET}\n")),
        ("api/credentials", format!("[default]\nkey = {SECRET}\n")),
        (
            "api/notes.yaml.bak",
            format!("S: {{ type: string }}\n# {SECRET}\n"),
        ),
        ("secret.txt", format!("{SECRET} above the document\n")),
        ("api/plain.yaml", format!("{long}\n")),
        ("api/list.json", format!("[\"{long}\"]")),
        ("api/number.json", "12345".to_owned()),
        ("api/big.yaml", format!("S: {{ type: \"{long}\" }}\n")),
        ("api/sub/ok.yaml", "S: { type: string }\n".to_owned()),
        ("shared/s.yaml", "S: { type: string }\n".to_owned()),
    ] {
        std::fs::write(dir.join(name), contents).expect("write");
    }
}

#[test]
fn a_reference_names_a_yaml_or_json_file_by_a_relative_path_and_no_error_quotes_a_file() {
    let fixture = Fixture::new();
    files(fixture.path());
    let absolute = fixture.path().join("api/sub/ok.yaml").display().to_string();
    let mut cases: Vec<(String, &str)> = Vec::new();
    for reference in [
        format!("{absolute}#/S"),
        "/etc/passwd".into(),
        "/proc/self/environ".into(),
        "//server/share/x.yaml".into(),
        r"\\server\share\x.yaml".into(),
        "C:/x.yaml".into(),
        r"c:\x.yaml".into(),
    ] {
        cases.push((reference, "an absolute path is not followed"));
    }
    for reference in [
        "file:///etc/passwd",
        "file:/etc/passwd",
        "FILE://localhost/etc/passwd",
        "file:sub/ok.yaml#/S",
        "https://example.com/x.yaml#/S",
        "ftp://example.com/x.json",
    ] {
        cases.push((reference.into(), "a reference to a URL is not followed"));
    }
    for reference in [
        "secret.txt",
        ".env",
        "id_rsa",
        "credentials",
        "notes.yaml.bak#/S",
        "../secret.txt",
        "sub",
        ".",
    ] {
        cases.push((reference.into(), "only YAML and JSON files"));
    }
    cases.push(("plain.yaml".into(), "text is there, not a schema"));
    cases.push(("plain.yaml#".into(), "text is there, not a schema"));
    cases.push(("list.json".into(), "a list is there, not a schema"));
    cases.push(("number.json".into(), "a number is there, not a schema"));
    for (reference, reason) in &cases {
        for output in load(&fixture, reference) {
            assert_eq!(output.code, 2, "{reference}: {output:?}");
            assert!(
                output.stderr.contains(reason),
                "{reference}: {}",
                output.stderr
            );
            assert!(
                !output.stderr.contains(SECRET) && !output.stderr.contains("root:x:0"),
                "{reference}: {}",
                output.stderr
            );
        }
    }
    // A schema that is there but does not compile (its `type` a long text) is left out of
    // the checks and said so, by its size, never quoting it: `validate` warns, `import`
    // reports it as not translated; both go on.
    for output in load(&fixture, "big.yaml#/S") {
        assert_eq!(output.code, 0, "{output:?}");
        assert!(
            output
                .stderr
                .contains("holds text of 216 bytes, which is not valid there"),
            "{}",
            output.stderr
        );
        assert!(!output.stderr.contains(SECRET), "{}", output.stderr);
    }
    for reference in ["sub/ok.yaml#/S", "./sub/ok.yaml#/S", "../shared/s.yaml#/S"] {
        for output in load(&fixture, reference) {
            assert_eq!(output.code, 0, "{reference}: {output:?}");
        }
    }
}
