//! The links of an operation's responses, as `runner import openapi` follows them: each
//! response and each link read through its `$ref` (`links: { repos: { $ref:
//! '#/components/links/UserRepositories' } }` is the link it names), its target found by
//! `operationId` or by `operationRef` (a reference to an operation of the document).

use serde_json::Value;

use super::Operation;
use crate::openapi::document::{escape, Documents, Place};
use crate::postman::Report;

/// A link of one of an operation's responses, resolved.
#[derive(Debug, Clone)]
pub(super) struct Link {
    /// Its name in the response's `links`.
    pub(super) name: String,
    /// The operation it leads to: its [`Operation::order`]; `None` when it names none that
    /// is imported (filtered out, or not in the document).
    pub(super) target: Option<usize>,
    /// Its `parameters`: the target's parameter (`username`, or qualified: `path.username`)
    /// → the runtime expression (`$response.body#/username`).
    pub(super) parameters: Vec<(String, Value)>,
    /// The response that holds it, resolved: what `$response.body` is.
    pub(super) response: (Place, Value),
}

/// Gives each operation its links ([`Operation::links`]): every response and link followed
/// through its `$ref`s. A reference that does not resolve, or an `operationRef` that names
/// no operation of the document, is reported and the link passed over (its target's
/// parameters are then derived as without it).
pub(super) fn assign(documents: &mut Documents, operations: &mut [Operation], report: &mut Report) {
    let mut all = Vec::with_capacity(operations.len());
    for operation in operations.iter() {
        all.push(links_of(documents, operations, operation, report));
    }
    for (operation, links) in operations.iter_mut().zip(all) {
        operation.links = links;
    }
}

fn links_of(
    documents: &mut Documents,
    operations: &[Operation],
    operation: &Operation,
    report: &mut Report,
) -> Vec<Link> {
    let item = operation.step_name();
    let mut links = Vec::new();
    for (status, response) in operation
        .value
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if status.starts_with("x-") {
            continue;
        }
        let written = operation
            .place
            .under(&format!("responses/{}", escape(status)));
        // The shape check has already refused a response that does not resolve.
        let Ok((response_place, response)) = documents.resolve(&written, response) else {
            continue;
        };
        let Some(map) = response.get("links").and_then(Value::as_object) else {
            continue;
        };
        for (name, link) in map {
            let at = response_place.under(&format!("links/{}", escape(name)));
            let where_ = format!("response {status}, link {name}");
            let (link_place, link) = match documents.resolve(&at, link) {
                Ok(resolved) => resolved,
                Err(error) => {
                    report.note(
                        &item,
                        where_,
                        format!("the link does not resolve ({error}): not followed"),
                    );
                    continue;
                }
            };
            let target = if let Some(id) = link.get("operationId").and_then(Value::as_str) {
                operations
                    .iter()
                    .filter(|o| o.value.get("operationId").and_then(Value::as_str) == Some(id))
                    .map(|o| o.order)
                    .min()
            } else if let Some(reference) = link.get("operationRef").and_then(Value::as_str) {
                match documents.target(&link_place, reference) {
                    Ok(place) => operations
                        .iter()
                        .find(|o| o.place == place || written_place(o) == place)
                        .map(|o| o.order),
                    Err(error) => {
                        report.note(
                            &item,
                            where_,
                            format!("its operationRef cannot be followed ({error}): not followed"),
                        );
                        continue;
                    }
                }
            } else {
                None
            };
            let parameters = link
                .get("parameters")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, expression)| (name.clone(), expression.clone()))
                .collect();
            links.push(Link {
                name: name.clone(),
                target,
                parameters,
                response: (response_place.clone(), response.clone()),
            });
        }
    }
    links
}

/// Where an operation is written under `paths` (its path item may be a `$ref`, which
/// [`Operation::place`] follows): an `operationRef` may name either.
fn written_place(operation: &Operation) -> Place {
    Place {
        file: 0,
        pointer: format!(
            "/paths/{}/{}",
            escape(&operation.path),
            operation.method.to_ascii_lowercase()
        ),
    }
}

/// Whether the JSON Pointer `pointer` may be in a body of `schema` (at `place`): an error,
/// saying why, only when the schema says it cannot be — a segment that names no property of an object
/// whose properties are listed (and has no `additionalProperties` schema), an index into
/// something not an array, a name into an array or a scalar. A schema that does not say
/// (none, `{}`, an object without `properties`, a reference that does not resolve) may
/// hold anything.
pub(super) fn pointer_fits(
    documents: &mut Documents,
    place: &Place,
    schema: &Value,
    pointer: &str,
) -> Result<(), String> {
    /// The most schemas looked at for one segment (`allOf`s of `oneOf`s of ...).
    const MAX_SCHEMAS: usize = 256;
    let mut current = vec![(place.clone(), schema.clone())];
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let index = segment.parse::<usize>().is_ok();
        let mut next = Vec::new();
        let mut pending = std::mem::take(&mut current);
        let mut looked = 0;
        let mut kinds: Vec<&'static str> = Vec::new();
        while let Some((place, schema)) = pending.pop() {
            looked += 1;
            if looked > MAX_SCHEMAS {
                return Ok(());
            }
            let Ok((place, schema)) = documents.resolve(&place, &schema) else {
                return Ok(());
            };
            let Some(object) = schema.as_object() else {
                // `true` (anything), or `false`.
                if schema == Value::Bool(true) {
                    return Ok(());
                }
                continue;
            };
            let mut combined = false;
            for keyword in ["allOf", "oneOf", "anyOf"] {
                if let Some(Value::Array(parts)) = object.get(keyword) {
                    combined = true;
                    for (i, part) in parts.iter().enumerate() {
                        pending.push((place.under(&format!("{keyword}/{i}")), part.clone()));
                    }
                }
            }
            let types: Vec<&str> = match object.get("type") {
                Some(Value::String(kind)) => vec![kind.as_str()],
                Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let properties = object.get("properties").and_then(Value::as_object);
            let items = object.get("items");
            let additional = object.get("additionalProperties");
            if let Some(property) = properties.and_then(|p| p.get(&segment)) {
                let at = place.under(&format!("properties/{}", escape(&segment)));
                next.push((at, property.clone()));
                continue;
            }
            if index && (types.contains(&"array") || items.is_some()) {
                match items {
                    Some(items) if items.is_object() => {
                        next.push((place.under("items"), items.clone()));
                    }
                    // No `items`, or a 2019 list of them: any item.
                    _ => return Ok(()),
                }
                continue;
            }
            if let Some(additional) = additional.filter(|a| a.is_object()) {
                next.push((place.under("additionalProperties"), additional.clone()));
                continue;
            }
            let may_be_object = types.is_empty() || types.contains(&"object");
            let says_nothing = may_be_object
                && properties.is_none()
                && items.is_none()
                && additional != Some(&Value::Bool(false))
                && !(combined && types.is_empty());
            if says_nothing || additional == Some(&Value::Bool(true)) {
                return Ok(());
            }
            kinds.push(if properties.is_some() {
                "an object without that property"
            } else if types.contains(&"array") || items.is_some() {
                "an array"
            } else if let Some(kind) = types.first() {
                match *kind {
                    "string" => "a string",
                    "integer" | "number" => "a number",
                    "boolean" => "a boolean",
                    _ => "a value without it",
                }
            } else {
                "a value without it"
            });
        }
        if next.is_empty() {
            let kind = kinds.first().copied().unwrap_or("a value without it");
            return Err(format!(
                "`{segment}` is not in the response's schema ({kind})"
            ));
        }
        current = next;
    }
    Ok(())
}
