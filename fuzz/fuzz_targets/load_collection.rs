//! Loads, compiles and checks arbitrary bytes as a collection: must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use runner::collection::Collection;
use runner::engine::{self, RunOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("fuzz.yaml");
    if let Ok(collection) = Collection::parse(path, source.to_owned()) {
        let options = RunOptions {
            require_inputs: false,
            ..RunOptions::default()
        };
        let _ = engine::check(&collection, &options);
        for environment in collection.environments.keys() {
            let options = RunOptions {
                environment: Some(environment.clone()),
                ..options.clone()
            };
            let _ = engine::check(&collection, &options);
        }
    }
});
