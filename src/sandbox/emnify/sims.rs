//! `/api/v1/sim`: paged list, get by id, and status changes.
//!
//! Deliberate choices [GUESS where the recordings show nothing]:
//! - Default and maximum `per_page` are 2000 (the recordings show `X-Count-Per-Page: 2000`).
//! - `PATCH` only acts on `status` (`{"status": {"id": n}}`, integral floats accepted); other
//!   fields are ignored. Unknown status → 422 with nested `1401 InvalidReference`. Going back
//!   to Issued, or changing a Deleted SIM, → 409 `NotAllowed` 1406. Activating sets
//!   `activation_date` once. Deleting a SIM releases it from its endpoint.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::endpoints::{query_pairs, ListParams};
use super::errors::{ApiError, SubError};
use super::paging::{self, FieldKind, ListSpec};
use super::response::{
    as_id, base_url, empty, json_object, json_ok, json_with, parse_id, CT_JSON, CT_JSON_UTF8,
};
use super::state::{now_timestamp, sim_status_name, AppState, SimRow};

/// Paging rules of `GET /api/v1/sim`.
pub(crate) const SIM_LIST: ListSpec = ListSpec {
    sort_fields: &[
        "id",
        "iccid",
        "imsi",
        "msisdn",
        "status",
        "production_date",
        "activation_date",
        "endpoint",
        "endpoint_name",
    ],
    filter_fields: &[
        ("id", FieldKind::Int),
        ("status", FieldKind::Int),
        ("endpoint", FieldKind::Int),
        ("iccid", FieldKind::Text),
        ("imsi", FieldKind::Text),
        ("msisdn", FieldKind::Text),
        ("endpoint_name", FieldKind::Text),
    ],
    default_per_page: 2000,
    max_per_page: 2000,
};

type Shared = State<Arc<AppState>>;

/// `GET /api/v1/sim`.
pub(crate) async fn list(State(state): Shared, params: ListParams, headers: HeaderMap) -> Response {
    list_inner(&state, params, &headers).into_response()
}

fn list_inner(
    state: &AppState,
    params: ListParams,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let query = paging::parse_query(&query_pairs(params)?, &SIM_LIST)?;
    let store = state.store();
    let rows = store
        .sims
        .values()
        .map(|sim| SimRow {
            sim,
            endpoint: store.endpoint_of_sim(sim.id),
        })
        .collect();
    let (page, info) = paging::select(rows, &query);
    let body = Value::Array(page.iter().map(|row| store.sim_json(row.sim)).collect());
    let url = format!(
        "{}/api/v1/sim",
        base_url(state.base_url.as_deref(), headers)
    );
    let extra = paging::headers(&url, &info, &query);
    Ok(json_with(StatusCode::OK, CT_JSON_UTF8, &body, extra))
}

/// `GET /api/v1/sim/{id}` [REC].
pub(crate) async fn get(State(state): Shared, Path(raw_id): Path<String>) -> Response {
    get_inner(&state, &raw_id).into_response()
}

fn get_inner(state: &AppState, raw_id: &str) -> Result<Response, ApiError> {
    let id = parse_id(raw_id)?;
    let store = state.store();
    let sim = store
        .sims
        .get(&id)
        .ok_or_else(|| ApiError::not_found("SIM", id))?;
    Ok(json_ok(&store.sim_json(sim)))
}

/// `PATCH /api/v1/sim/{id}` → 204 [REC].
pub(crate) async fn update(
    State(state): Shared,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    update_inner(&state, &raw_id, &body).into_response()
}

fn update_inner(state: &AppState, raw_id: &str, body: &Bytes) -> Result<Response, ApiError> {
    let id = parse_id(raw_id)?;
    let mut store = state.store();
    let current = store
        .sims
        .get(&id)
        .ok_or_else(|| ApiError::not_found("SIM", id))?
        .status;
    let body = json_object(body)?;
    let Some(status) = body.get("status") else {
        return Ok(empty(StatusCode::NO_CONTENT, CT_JSON));
    };
    let invalid = |errors| ApiError::validation("Update SIM validation error", errors);
    let new_status = status.get("id").and_then(as_id).ok_or_else(|| {
        invalid(vec![SubError::invalid_format(
            "SIM",
            "status",
            "Object with numeric id",
        )])
    })?;
    if sim_status_name(new_status).is_none() {
        return Err(invalid(vec![SubError::invalid_reference(
            "SIM status",
            new_status,
        )]));
    }
    if current == 3 && new_status != 3 {
        return Err(ApiError::conflict(format!(
            "SIM with Id '{id}' is deleted and cannot change its status."
        )));
    }
    if new_status == 0 && current != 0 {
        return Err(ApiError::conflict(format!(
            "SIM with Id '{id}' cannot be set back to status 'Issued'."
        )));
    }
    let now = now_timestamp();
    if new_status == 3 {
        let holders: Vec<i64> = store
            .endpoints
            .values()
            .filter(|e| e.sim_id == Some(id))
            .map(|e| e.id)
            .collect();
        for endpoint_id in holders {
            if let Some(endpoint) = store.endpoints.get_mut(&endpoint_id) {
                endpoint.sim_id = None;
                endpoint.last_updated.clone_from(&now);
            }
        }
    }
    if let Some(sim) = store.sims.get_mut(&id) {
        sim.status = new_status;
        if new_status == 1 && sim.activation_date.is_none() {
            sim.activation_date = Some(now);
        }
    }
    Ok(empty(StatusCode::NO_CONTENT, CT_JSON))
}
