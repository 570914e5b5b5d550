//! Compiles and renders arbitrary text as a template, against a few variables of every JSON
//! type: must never panic, whatever the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use runner::template::Templates;
use runner::vars::Variables;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let mut variables = Variables::new();
    variables.set("text", json!("value"));
    variables.set("number", json!(42));
    variables.set("list", json!([1, "two", null]));
    variables.set("object", json!({"a": {"b": [true, 1.5]}}));
    let mut templates = Templates::new();
    if let Ok(template) = templates.compile("fuzz", source) {
        let _ = template.references();
        let _ = templates.render_text(&template, variables.context());
        let _ = templates.render_value(&template, variables.context());
    }
});
