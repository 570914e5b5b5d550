//! Imports arbitrary bytes as a Postman collection, and as the JavaScript of a test and a
//! pre-request script: must never panic or exhaust the stack, whatever the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use runner::import::script::{translate, ScriptKind};
use runner::import::{postman, Options};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = Options {
        source: "fuzz.json".into(),
        schema: "collection.schema.json".into(),
        sandbox: None,
        schema_dir: None,
    };
    let _ = postman(text, &[], &options);
    let _ = translate(text, ScriptKind::Test);
    let _ = translate(text, ScriptKind::PreRequest);
});
