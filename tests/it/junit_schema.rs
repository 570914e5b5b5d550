//! Validates JUnit files against Jenkins' `junit-10.xsd` (vendored in `tests/fixtures/junit`)
//! with a real XSD validator: `xmllint` when it is installed, else Python's `xmlschema`, which
//! the tests install once into `target/test-tools` from PyPI. A missing validator fails the
//! test that needs it; it never passes silently.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// How to run the validator.
#[derive(Debug, Clone)]
enum Validator {
    Xmllint,
    Python(PathBuf),
}

fn schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit/junit-10.xsd")
}

fn validator() -> &'static Result<Validator, String> {
    static VALIDATOR: OnceLock<Result<Validator, String>> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        if Command::new("xmllint").arg("--version").output().is_ok() {
            return Ok(Validator::Xmllint);
        }
        let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools");
        let venv = tools.join("xsd-venv");
        let python = venv.join("bin/python");
        let works = |python: &Path| {
            Command::new(python)
                .args(["-c", "import xmlschema"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if works(&python) {
            return Ok(Validator::Python(python));
        }
        // Built aside and renamed into place, so that test processes running at once never
        // see half a virtualenv.
        let building = tools.join(format!("xsd-venv.{}", std::process::id()));
        let _ = std::fs::create_dir_all(&tools);
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&building)
            .output()
            .is_ok_and(|o| o.status.success())
            && Command::new(building.join("bin/pip"))
                .args(["install", "-q", "xmlschema"])
                .output()
                .is_ok_and(|o| o.status.success());
        if made && std::fs::rename(&building, &venv).is_err() {
            let _ = std::fs::remove_dir_all(&building);
        }
        if works(&python) {
            Ok(Validator::Python(python))
        } else {
            let _ = std::fs::remove_dir_all(&building);
            Err(
                "no XSD validator: install xmllint (Debian: `apt-get install libxml2-utils`) or \
                 let the tests install Python's xmlschema from PyPI into target/test-tools"
                    .to_owned(),
            )
        }
    })
}

/// Fails unless `path` validates against `junit-10.xsd`.
pub fn assert_valid(path: &Path) {
    let validator = match validator() {
        Ok(validator) => validator.clone(),
        Err(reason) => panic!("cannot check {}: {reason}", path.display()),
    };
    let xml = std::fs::read_to_string(path).expect("JUnit file is text");
    let output = match validator {
        Validator::Xmllint => Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema())
            .arg(path)
            .output(),
        Validator::Python(python) => Command::new(python)
            .args([
                "-c",
                "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
            ])
            .arg(schema())
            .arg(path)
            .output(),
    }
    .expect("validator runs");
    assert!(
        output.status.success(),
        "{} does not validate against junit-10.xsd:\n{}\n{}\n{xml}",
        path.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_validator_refuses_what_jenkins_refuses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.xml");
    std::fs::write(
        &bad,
        r#"<testsuites><testsuite name="s" tests="1" failures="0" errors="0" disabled="0"><testcase name="c"><properties/></testcase></testsuite></testsuites>"#,
    )
    .expect("write");
    let refused = std::panic::catch_unwind(|| assert_valid(&bad));
    assert!(refused.is_err(), "a `disabled` attribute must not validate");
    let good = dir.path().join("good.xml");
    std::fs::write(
        &good,
        r#"<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="c" classname="a.yaml"/></testsuite></testsuites>"#,
    )
    .expect("write");
    assert_valid(&good);
    // `file` and `line` on a testcase (pytest's `xunit1`) are refused, so runner writes none.
    let located = dir.path().join("located.xml");
    std::fs::write(
        &located,
        r#"<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="c" file="a.yaml" line="3"/></testsuite></testsuites>"#,
    )
    .expect("write");
    let refused = std::panic::catch_unwind(|| assert_valid(&located));
    assert!(refused.is_err(), "`file` on a testcase must not validate");
}
