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
