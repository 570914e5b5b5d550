//! Finds a JSON Schema that refers back to itself without describing any value:
//! `{ "allOf": [{ "$ref": "#" }] }`, or `A → B → A` through `$defs`. Checking a value against
//! such a schema never ends (each step applies the same schema to the same value), so it is
//! refused when the schema file is loaded.
//!
//! Only in-place applicators are followed — `$ref`, `$dynamicRef`, `allOf`, `anyOf`, `oneOf`,
//! `not`, `if`/`then`/`else`, `dependentSchemas` — and references within the file
//! (`#`, `#/json/pointer`). A keyword that descends into the value (`properties`, `items`…)
//! ends a path: a recursive schema for a tree is fine.

use serde_json::Value;

/// Keywords whose value is one schema applied to the same value.
const IN_PLACE_ONE: [&str; 4] = ["not", "if", "then", "else"];
/// Keywords whose value is a list of schemas applied to the same value.
const IN_PLACE_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// The JSON Pointer (`#/allOf/0`) of a schema on a cycle that never descends into the value,
/// if `schema` has one.
pub fn in_place_cycle(schema: &Value) -> Option<String> {
    let mut state = Walk {
        root: schema,
        on_path: Vec::new(),
        done: std::collections::HashSet::new(),
    };
    // From every object in the file, not only the root: a cycle among `$defs` reached only
    // under `properties` is checked against the value there, and never ends either.
    let mut starts = Vec::new();
    objects(schema, String::new(), &mut starts);
    starts.into_iter().find_map(|pointer| state.visit(pointer))
}

/// The pointer of every object in `value`, outermost first (nesting is bounded at load).
fn objects(value: &Value, pointer: String, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            into.push(pointer.clone());
            for (key, inner) in map {
                objects(inner, format!("{pointer}/{}", escape(key)), into);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                objects(inner, format!("{pointer}/{i}"), into);
            }
        }
        _ => {}
    }
}

struct Walk<'a> {
    root: &'a Value,
    /// The pointers being visited, outermost first.
    on_path: Vec<String>,
    /// Pointers known to start no cycle.
    done: std::collections::HashSet<String>,
}

impl Walk<'_> {
    /// Visits the schema at `pointer`: the first pointer found on a cycle, if any.
    fn visit(&mut self, pointer: String) -> Option<String> {
        if self.on_path.contains(&pointer) {
            return Some(format!("#{pointer}"));
        }
        if self.done.contains(&pointer) {
            return None;
        }
        // A schema nested past any real document's depth is not followed further.
        if self.on_path.len() > 256 {
            return None;
        }
        let Some(Value::Object(schema)) = self.root.pointer(&pointer) else {
            self.done.insert(pointer);
            return None;
        };
        let mut next: Vec<String> = Vec::new();
        for keyword in ["$ref", "$dynamicRef"] {
            if let Some(target) = schema.get(keyword).and_then(Value::as_str).and_then(local) {
                next.push(target);
            }
        }
        for keyword in IN_PLACE_ONE {
            if schema.get(keyword).is_some_and(Value::is_object) {
                next.push(format!("{pointer}/{keyword}"));
            }
        }
        for keyword in IN_PLACE_LISTS {
            if let Some(Value::Array(items)) = schema.get(keyword) {
                next.extend((0..items.len()).map(|i| format!("{pointer}/{keyword}/{i}")));
            }
        }
        if let Some(Value::Object(map)) = schema.get("dependentSchemas") {
            next.extend(
                map.keys()
                    .map(|name| format!("{pointer}/dependentSchemas/{}", escape(name))),
            );
        }
        self.on_path.push(pointer.clone());
        let found = next.into_iter().find_map(|target| self.visit(target));
        self.on_path.pop();
        if found.is_none() {
            self.done.insert(pointer);
        }
        found
    }
}

/// Where `schema` nests schemas and references within the file (`$ref`, `$dynamicRef`)
/// deeper than `limit` levels together (`#/$defs/d64`, the first beyond), if it does.
/// Compiling a schema follows each reference once, and each level takes the compiler's stack:
/// a chain of hundreds of `$ref`s would overflow it. A reference back to a schema being
/// followed (a recursive schema for a tree) ends a path, as it ends the compiler's. Walked
/// with a stack of its own.
pub fn deeper_than(schema: &Value, limit: usize) -> Option<String> {
    struct Frame {
        pointer: String,
        next: Vec<String>,
        at: usize,
        deepest: usize,
    }
    let children = |pointer: &str| -> Vec<String> {
        let mut next = Vec::new();
        match schema.pointer(pointer) {
            Some(Value::Object(map)) => {
                for (key, value) in map {
                    if value.is_object() || value.is_array() {
                        next.push(format!("{pointer}/{}", escape(key)));
                    }
                }
                for keyword in ["$ref", "$dynamicRef"] {
                    if let Some(target) = map.get(keyword).and_then(Value::as_str).and_then(local) {
                        if schema.pointer(&target).is_some_and(|t| t.is_object()) {
                            next.push(target);
                        }
                    }
                }
            }
            Some(Value::Array(items)) => {
                for (i, value) in items.iter().enumerate() {
                    if value.is_object() || value.is_array() {
                        next.push(format!("{pointer}/{i}"));
                    }
                }
            }
            _ => {}
        }
        next
    };
    let mut depths: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut on_path: std::collections::HashSet<String> = std::collections::HashSet::new();
    on_path.insert(String::new());
    let mut frames = vec![Frame {
        next: children(""),
        pointer: String::new(),
        at: 0,
        deepest: 0,
    }];
    while let Some(frame) = frames.last_mut() {
        if let Some(child) = frame.next.get(frame.at).cloned() {
            frame.at += 1;
            if on_path.contains(&child) {
                continue;
            }
            if let Some(&depth) = depths.get(&child) {
                frame.deepest = frame.deepest.max(depth);
                continue;
            }
            if frames.len() >= limit {
                return Some(format!("#{child}"));
            }
            on_path.insert(child.clone());
            frames.push(Frame {
                next: children(&child),
                pointer: child,
                at: 0,
                deepest: 0,
            });
            continue;
        }
        let Some(done) = frames.pop() else { break };
        let depth = done.deepest + 1;
        if depth > limit {
            return Some(format!("#{}", done.pointer));
        }
        on_path.remove(&done.pointer);
        if let Some(parent) = frames.last_mut() {
            parent.deepest = parent.deepest.max(depth);
        }
        depths.insert(done.pointer, depth);
    }
    None
}

/// The JSON Pointer a reference within the file names (`#/$defs/a%20b` → `/$defs/a b`);
/// `None` for a reference to another file or to an anchor.
fn local(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    if !(fragment.is_empty() || fragment.starts_with('/')) {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// A name as one JSON Pointer token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::{deeper_than, in_place_cycle};
    use serde_json::json;

    #[test]
    fn a_chain_of_references_deeper_than_the_limit_is_found_and_a_tree_is_not() {
        let chain = |links: usize| {
            let mut defs = serde_json::Map::new();
            for i in 0..links {
                defs.insert(
                    format!("d{i}"),
                    json!({ "$ref": format!("#/$defs/d{}", i + 1) }),
                );
            }
            defs.insert(format!("d{links}"), json!({ "type": "object" }));
            json!({ "$ref": "#/$defs/d0", "$defs": defs })
        };
        assert_eq!(deeper_than(&chain(100), 128), None);
        assert!(deeper_than(&chain(10_000), 128).is_some());
        let tree = json!({
            "type": "object",
            "properties": { "children": { "type": "array", "items": { "$ref": "#" } } }
        });
        assert_eq!(deeper_than(&tree, 128), None);
        let mut nested = json!({ "type": "string" });
        for _ in 0..200 {
            nested = json!({ "type": "object", "properties": { "a": nested } });
        }
        assert!(deeper_than(&nested, 128).is_some());
    }

    #[test]
    fn finds_a_schema_that_applies_itself_to_the_same_value() {
        assert!(in_place_cycle(&json!({ "allOf": [{ "$ref": "#" }] })).is_some());
        assert!(in_place_cycle(&json!({ "$ref": "#" })).is_some());
        assert!(in_place_cycle(&json!({
            "$ref": "#/$defs/a",
            "$defs": { "a": { "anyOf": [{ "$ref": "#/$defs/b" }] }, "b": { "not": { "$ref": "#/$defs/a" } } }
        }))
        .is_some());
        assert!(in_place_cycle(&json!({
            "$defs": { "a/b": { "oneOf": [{ "$ref": "#/$defs/a~1b" }] } },
            "if": { "$ref": "#/$defs/a~1b" }
        }))
        .is_some());
        // Reached only under `properties`: the value there is checked against it forever.
        assert!(in_place_cycle(&json!({
            "properties": { "a": { "$ref": "#/$defs/A" } },
            "$defs": { "A": { "allOf": [{ "$ref": "#/$defs/A" }] } }
        }))
        .is_some());
    }

    #[test]
    fn a_schema_that_descends_into_the_value_is_fine() {
        // A tree: each node's children are nodes.
        assert_eq!(
            in_place_cycle(&json!({
                "type": "object",
                "properties": { "children": { "type": "array", "items": { "$ref": "#" } } }
            })),
            None
        );
        // The same definition reached twice is no cycle.
        assert_eq!(
            in_place_cycle(&json!({
                "allOf": [{ "$ref": "#/$defs/a" }, { "$ref": "#/$defs/a" }],
                "$defs": { "a": { "type": "string" } }
            })),
            None
        );
        assert_eq!(in_place_cycle(&json!({ "$ref": "other.json#" })), None);
        assert_eq!(in_place_cycle(&json!(true)), None);
    }
}
