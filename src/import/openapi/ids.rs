//! Step ids for `runner import openapi`: each step's id is its operation's `operationId`
//! (else its method and path) as an id may be written — letters, digits and `-` — and no two
//! steps share one. A document may repeat an `operationId` (the specification forbids it,
//! but real documents do), and two names may read alike once written as ids
//! (`list_items` and `list-items`, `GET /a/b` and `GET /a-b`): the steps are taken in the
//! order they are written, the ids the document names claim theirs first, and each later
//! step whose id is taken gets the first free `-2`, `-3`, ... after it, reported as a note.

use std::collections::HashMap;

use serde_json::Value;

use super::super::template::Templates;
use super::Operation;
use crate::postman::Report;

/// `name` as a step id: letters, digits and `-` (each other character a `-`), no `-` at
/// either end; empty when nothing is left.
pub(super) fn as_step_id(name: &str) -> String {
    let id = Templates::default().name(name).replace('_', "-");
    id.trim_matches('-').to_owned()
}

/// Gives every operation (in the order the steps are written) its step id and its key (what
/// its captures, files and link targets are named after), unique among them; a renamed one
/// is reported.
pub(super) fn assign(operations: &mut [Operation], report: &mut Report) {
    let mut holders: HashMap<String, usize> = HashMap::new();
    // The ids the document names claim theirs first.
    for (index, operation) in operations.iter_mut().enumerate() {
        let Some(named) = operation.value.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let id = as_step_id(named);
        if !id.is_empty() && !holders.contains_key(&id) {
            holders.insert(id.clone(), index);
            operation.step_id = id;
            operation.key = named.to_owned();
        }
    }
    for index in 0..operations.len() {
        if !operations[index].step_id.is_empty() {
            continue;
        }
        let wanted = wanted_id(&operations[index]);
        let id = free_id(&wanted, &holders);
        if let Some(&holder) = holders.get(&wanted) {
            let holder = &operations[holder];
            let reason = format!(
                "`{wanted}` is already the id of the step for {} {} (an operationId may be \
                 used only once in a document, and names that read alike as ids make one id): \
                 this step's id is `{id}`",
                holder.method, holder.path
            );
            let item = operations[index].step_name();
            report.note(&item, "id", reason);
        }
        holders.insert(id.clone(), index);
        let operation = &mut operations[index];
        operation.key = if id == wanted && operation.value.get("operationId").is_none() {
            operation.method_and_path()
        } else {
            id.clone()
        };
        operation.step_id = id;
    }
}

/// The id an operation asks for: its `operationId` as an id, else (or when nothing of it is
/// left) its method and path as one.
fn wanted_id(operation: &Operation) -> String {
    let named = operation
        .value
        .get("operationId")
        .and_then(Value::as_str)
        .map(as_step_id)
        .filter(|id| !id.is_empty());
    named.unwrap_or_else(|| as_step_id(&operation.method_and_path()))
}

/// `wanted` when no step holds it, else the first of `wanted-2`, `wanted-3`, ... none holds.
fn free_id(wanted: &str, holders: &HashMap<String, usize>) -> String {
    if !holders.contains_key(wanted) {
        return wanted.to_owned();
    }
    (2..)
        .map(|n| format!("{wanted}-{n}"))
        .find(|id| !holders.contains_key(id))
        .unwrap_or_default()
}
