//! `/api/v1/endpoint` and its sub-resources: list (paged), create, get, update, delete,
//! connectivity (get and reset) and MT SMS (send, list, get).
//!
//! Deliberate choices [GUESS where the recordings show nothing]:
//! - Unknown body fields are ignored; wrongly typed ones are `1403 InvalidFormat` and missing
//!   required ones (`name`, `status`, `service_profile`, `tariff_profile` on create) are
//!   `1402 Required`, nested in a 422 `InputValidationFailed` envelope whose message is
//!   `Create endpoint validation error` / `Update endpoint validation error` [REC for update].
//! - Unknown references are nested `1401 InvalidReference` errors [REC]; assigning a SIM that
//!   another endpoint holds, or a Deleted SIM, is a nested `1406 NotAllowed`.
//! - Status `2` (Deleted) cannot be set; delete the endpoint instead.
//! - Assigning an Issued SIM activates it (as the recordings show); releasing a SIM
//!   (`"sim": {"id": null}` [REC] or `"sim": null`) leaves its status alone.
//! - Without `ip_address`, a new endpoint gets the lowest free address of the given
//!   `ip_address_space`, else of the first space (in seed order) that has one; when none is
//!   left: 404 `Unavailable` 1601 `No IP Address available.` [REC].
//! - Every successful PATCH (even `{}`) bumps `last_updated`.
//! - `DELETE` while a SIM is assigned → 409 `NotAllowed` 1406 [DOC says 409].
//! - SMS to an endpoint without SIM → 409 `NotAllowed` 1406. A new SMS is `DELIVERED` when the
//!   endpoint is `ONLINE`, else `BUFFERED`. SMS lists are newest first and unpaged [REC].
//! - `PATCH …/connectivity` takes `{"pdp_context": null}` (data session reset: the endpoint
//!   reads `ATTACHED` until its next change or location reset) or `{"location": null}`
//!   (network reset); anything else is 422.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::errors::{ApiError, SubError};
use super::paging::{self, FieldKind, ListSpec};
use super::response::{
    as_id, base_url, created, empty, json_object, json_ok, json_with, parse_id, CT_HTML_UTF8,
    CT_JSON, CT_JSON_UTF8,
};
use super::state::{now_timestamp, AppState, Endpoint, EndpointRow, Sms, Store};

/// Paging rules of `GET /api/v1/endpoint`.
pub(crate) const ENDPOINT_LIST: ListSpec = ListSpec {
    sort_fields: &[
        "id",
        "name",
        "status",
        "service_profile",
        "tariff_profile",
        "last_updated",
        "created",
        "tags",
        "ip_address",
        "imei",
        "iccid",
        "imsi",
        "msisdn",
    ],
    filter_fields: &[
        ("id", FieldKind::Int),
        ("status", FieldKind::Int),
        ("service_profile", FieldKind::Int),
        ("tariff_profile", FieldKind::Int),
        ("ip_address_space", FieldKind::Int),
        ("sim", FieldKind::Int),
        ("name", FieldKind::Text),
        ("tags", FieldKind::Text),
        ("imei", FieldKind::Text),
        ("ip_address", FieldKind::Text),
        ("iccid", FieldKind::Text),
        ("imsi", FieldKind::Text),
        ("msisdn", FieldKind::Text),
    ],
    default_per_page: 1000,
    max_per_page: 1000,
};

type Shared = State<Arc<AppState>>;
pub(crate) type ListParams = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// Turns an axum query rejection into the API's 400.
pub(crate) fn query_pairs(params: ListParams) -> Result<Vec<(String, String)>, ApiError> {
    params
        .map(|Query(pairs)| pairs)
        .map_err(|e| ApiError::bad_request(format!("Invalid query string: {e}")))
}

fn find<'a>(store: &'a Store, raw_id: &str) -> Result<&'a Endpoint, ApiError> {
    let id = parse_id(raw_id)?;
    store
        .endpoints
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Endpoint", id))
}

/// `GET /api/v1/endpoint`.
pub(crate) async fn list(State(state): Shared, params: ListParams, headers: HeaderMap) -> Response {
    list_inner(&state, params, &headers).into_response()
}

fn list_inner(
    state: &AppState,
    params: ListParams,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let query = paging::parse_query(&query_pairs(params)?, &ENDPOINT_LIST)?;
    let store = state.store();
    let rows = store
        .endpoints
        .values()
        .map(|endpoint| EndpointRow {
            endpoint,
            sim: endpoint.sim_id.and_then(|id| store.sims.get(&id)),
        })
        .collect();
    let (page, info) = paging::select(rows, &query);
    let body = Value::Array(
        page.iter()
            .map(|row| store.endpoint_json(row.endpoint, false))
            .collect(),
    );
    let url = format!(
        "{}/api/v1/endpoint",
        base_url(state.base_url.as_deref(), headers)
    );
    let extra = paging::headers(&url, &info, &query);
    Ok(json_with(StatusCode::OK, CT_JSON_UTF8, &body, extra))
}

/// `GET /api/v1/endpoint/{id}`.
pub(crate) async fn get(State(state): Shared, Path(raw_id): Path<String>) -> Response {
    let store = state.store();
    find(&store, &raw_id)
        .map(|endpoint| json_ok(&store.endpoint_json(endpoint, true)))
        .into_response()
}

/// Parsed, validated changes of a create or update body.
#[derive(Debug, Default)]
struct Changes {
    name: Option<String>,
    tags: Option<Option<String>>,
    status: Option<i64>,
    service_profile: Option<i64>,
    tariff_profile: Option<i64>,
    sim: Option<Option<i64>>,
    imei: Option<Option<String>>,
    imei_lock: Option<bool>,
    ip_address: Option<String>,
    ip_address_space: Option<i64>,
}

const OBJECT: &str = "Endpoint";

fn string_field(
    body: &Map<String, Value>,
    key: &str,
    nullable: bool,
    errors: &mut Vec<SubError>,
) -> Option<Option<String>> {
    match body.get(key)? {
        Value::String(s) => Some(Some(s.clone())),
        Value::Null if nullable => Some(None),
        _ => {
            errors.push(SubError::invalid_format(OBJECT, key, "String"));
            None
        }
    }
}

/// A `{"id": n}` reference; `Some(None)` for `null` or `{"id": null}` when `nullable`.
fn reference_field(
    body: &Map<String, Value>,
    key: &str,
    nullable: bool,
    errors: &mut Vec<SubError>,
) -> Option<Option<i64>> {
    let value = body.get(key)?;
    let id = match value {
        Value::Null if nullable => return Some(None),
        Value::Object(object) => match object.get("id") {
            Some(Value::Null) if nullable => return Some(None),
            Some(id) => as_id(id),
            None => None,
        },
        _ => None,
    };
    if id.is_none() {
        errors.push(SubError::invalid_format(
            OBJECT,
            key,
            "Object with numeric id",
        ));
    }
    id.map(Some)
}

fn parse_changes(
    body: &Map<String, Value>,
    store: &Store,
    endpoint_id: Option<i64>,
) -> Result<Changes, Vec<SubError>> {
    let mut errors = Vec::new();
    let changes = Changes {
        name: string_field(body, "name", false, &mut errors).flatten(),
        tags: string_field(body, "tags", true, &mut errors),
        status: reference_field(body, "status", false, &mut errors).flatten(),
        service_profile: reference_field(body, "service_profile", false, &mut errors).flatten(),
        tariff_profile: reference_field(body, "tariff_profile", false, &mut errors).flatten(),
        sim: reference_field(body, "sim", true, &mut errors),
        imei: string_field(body, "imei", true, &mut errors),
        imei_lock: match body.get("imei_lock") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                errors.push(SubError::invalid_format(OBJECT, "imei_lock", "Boolean"));
                None
            }
        },
        ip_address: string_field(body, "ip_address", false, &mut errors).flatten(),
        ip_address_space: reference_field(body, "ip_address_space", false, &mut errors).flatten(),
    };

    if endpoint_id.is_none() {
        let required = [
            ("name", changes.name.is_some()),
            ("status", changes.status.is_some()),
            ("service_profile", changes.service_profile.is_some()),
            ("tariff_profile", changes.tariff_profile.is_some()),
        ];
        for (field, present) in required {
            if !present && !body.contains_key(field) {
                errors.push(SubError::required(OBJECT, field));
            }
        }
    }
    match changes.status {
        Some(0 | 1) | None => {}
        Some(2) => errors.push(SubError::not_allowed(
            "Endpoint status 'Deleted' cannot be set; delete the endpoint instead.".to_owned(),
        )),
        Some(other) => errors.push(SubError::invalid_reference("Endpoint status", other)),
    }
    if let Some(id) = changes.service_profile {
        if !store.service_profiles.contains_key(&id) {
            errors.push(SubError::invalid_reference("Service profile", id));
        }
    }
    if let Some(id) = changes.tariff_profile {
        if !store.tariff_profiles.contains_key(&id) {
            errors.push(SubError::invalid_reference("Tariff profile", id));
        }
    }
    if let Some(id) = changes.ip_address_space {
        if !store.ip_spaces.contains_key(&id) {
            errors.push(SubError::invalid_reference("IP address space", id));
        }
    }
    if let Some(Some(sim_id)) = changes.sim {
        match store.sims.get(&sim_id) {
            None => errors.push(SubError::invalid_reference("SIM", sim_id)),
            Some(sim) if sim.status == 3 => errors.push(SubError::not_allowed(format!(
                "SIM with Id '{sim_id}' is deleted."
            ))),
            Some(_) => {
                if let Some(holder) = store
                    .endpoint_of_sim(sim_id)
                    .filter(|holder| Some(holder.id) != endpoint_id)
                {
                    errors.push(SubError::not_allowed(format!(
                        "SIM with Id '{sim_id}' is already assigned to Endpoint with Id '{}'.",
                        holder.id
                    )));
                }
            }
        }
    }
    if let Some(ip) = &changes.ip_address {
        check_ip(store, ip, &changes, endpoint_id, &mut errors);
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(errors)
    }
}

fn check_ip(
    store: &Store,
    ip: &str,
    changes: &Changes,
    endpoint_id: Option<i64>,
    errors: &mut Vec<SubError>,
) {
    let Ok(address) = ip.parse::<std::net::Ipv4Addr>() else {
        errors.push(SubError::invalid_format(
            OBJECT,
            "ip_address",
            "IPv4 address",
        ));
        return;
    };
    let space_id = changes.ip_address_space.or_else(|| {
        endpoint_id
            .and_then(|id| store.endpoints.get(&id))
            .map(|e| e.ip_address_space_id)
    });
    if let Some(space) = space_id.and_then(|id| store.ip_spaces.get(&id)) {
        if !space.hosts().any(|host| host == address) {
            errors.push(SubError::not_allowed(format!(
                "IP address {ip} is not part of IP address space {}.",
                space.cidr
            )));
        }
    }
    if store
        .endpoints
        .values()
        .any(|e| e.ip_address == ip && Some(e.id) != endpoint_id)
    {
        errors.push(SubError::not_allowed(format!(
            "IP address {ip} is already in use."
        )));
    }
}

/// `POST /api/v1/endpoint` → 201, empty body, `Location` [REC].
pub(crate) async fn create(State(state): Shared, headers: HeaderMap, body: Bytes) -> Response {
    create_inner(&state, &headers, &body).into_response()
}

fn create_inner(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<Response, ApiError> {
    let body = json_object(body)?;
    let mut store = state.store();
    let changes = parse_changes(&body, &store, None)
        .map_err(|errors| ApiError::validation("Create endpoint validation error", errors))?;
    let (Some(name), Some(status), Some(service_profile_id), Some(tariff_profile_id)) = (
        changes.name,
        changes.status,
        changes.service_profile,
        changes.tariff_profile,
    ) else {
        // parse_changes reports missing required fields; this is unreachable in practice.
        return Err(ApiError::validation(
            "Create endpoint validation error",
            Vec::new(),
        ));
    };
    let (space_id, ip_address) = match changes.ip_address {
        Some(ip) => {
            let space = changes
                .ip_address_space
                .or_else(|| ip.parse().ok().and_then(|a| store.space_of(a)))
                .or_else(|| store.ip_space_order.first().copied())
                .ok_or_else(ApiError::no_ip_address)?;
            (space, ip)
        }
        None => store
            .allocate_ip(changes.ip_address_space)
            .ok_or_else(ApiError::no_ip_address)?,
    };
    let now = now_timestamp();
    let id = store.next_endpoint_id();
    let sim_id = changes.sim.flatten();
    if let Some(sim_id) = sim_id {
        store.activate_on_assign(sim_id, &now);
    }
    store.endpoints.insert(
        id,
        Endpoint {
            id,
            name,
            tags: changes.tags.flatten(),
            created: now.clone(),
            last_updated: now,
            status,
            service_profile_id,
            tariff_profile_id,
            sim_id,
            imei: changes.imei.flatten(),
            imei_lock: changes.imei_lock.unwrap_or(false),
            ip_address,
            ip_address_space_id: space_id,
        },
    );
    let location = format!(
        "{}/api/v1/endpoint/{id}",
        base_url(state.base_url.as_deref(), headers)
    );
    Ok(created(&location, CT_JSON))
}

/// `PATCH /api/v1/endpoint/{id}` → 204 [REC].
pub(crate) async fn update(
    State(state): Shared,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    update_inner(&state, &raw_id, &body).into_response()
}

fn update_inner(state: &AppState, raw_id: &str, body: &Bytes) -> Result<Response, ApiError> {
    let mut store = state.store();
    let id = find(&store, raw_id)?.id;
    let body = json_object(body)?;
    let changes = parse_changes(&body, &store, Some(id))
        .map_err(|errors| ApiError::validation("Update endpoint validation error", errors))?;
    let now = now_timestamp();
    let new_ip = match (&changes.ip_address, changes.ip_address_space) {
        (Some(ip), _) => Some(ip.clone()),
        (None, Some(space))
            if store.endpoints.get(&id).map(|e| e.ip_address_space_id) != Some(space) =>
        {
            Some(store.free_ip(space).ok_or_else(ApiError::no_ip_address)?)
        }
        _ => None,
    };
    if let Some(Some(sim_id)) = changes.sim {
        store.activate_on_assign(sim_id, &now);
    }
    store.detached_data.remove(&id);
    let Some(endpoint) = store.endpoints.get_mut(&id) else {
        return Err(ApiError::not_found("Endpoint", id));
    };
    if let Some(name) = changes.name {
        endpoint.name = name;
    }
    if let Some(tags) = changes.tags {
        endpoint.tags = tags;
    }
    if let Some(status) = changes.status {
        endpoint.status = status;
    }
    if let Some(profile) = changes.service_profile {
        endpoint.service_profile_id = profile;
    }
    if let Some(profile) = changes.tariff_profile {
        endpoint.tariff_profile_id = profile;
    }
    if let Some(sim) = changes.sim {
        endpoint.sim_id = sim;
    }
    if let Some(imei) = changes.imei {
        endpoint.imei = imei;
    }
    if let Some(lock) = changes.imei_lock {
        endpoint.imei_lock = lock;
    }
    if let Some(space) = changes.ip_address_space {
        endpoint.ip_address_space_id = space;
    }
    if let Some(ip) = new_ip {
        endpoint.ip_address = ip;
    }
    endpoint.last_updated = now;
    Ok(empty(StatusCode::NO_CONTENT, CT_JSON))
}

/// `DELETE /api/v1/endpoint/{id}` → 204 [REC]; 409 while a SIM is assigned [DOC].
pub(crate) async fn delete(State(state): Shared, Path(raw_id): Path<String>) -> Response {
    delete_inner(&state, &raw_id).into_response()
}

fn delete_inner(state: &AppState, raw_id: &str) -> Result<Response, ApiError> {
    let mut store = state.store();
    let endpoint = find(&store, raw_id)?;
    let id = endpoint.id;
    if let Some(sim_id) = endpoint.sim_id {
        return Err(ApiError::conflict(format!(
            "Endpoint with Id '{id}' cannot be deleted while SIM with Id '{sim_id}' is assigned."
        )));
    }
    store.endpoints.remove(&id);
    store.detached_data.remove(&id);
    Ok(empty(StatusCode::NO_CONTENT, CT_JSON))
}

/// `GET /api/v1/endpoint/{id}/connectivity` (`application/json` [REC]).
pub(crate) async fn connectivity(State(state): Shared, Path(raw_id): Path<String>) -> Response {
    let store = state.store();
    (find(&store, &raw_id).map(|endpoint| {
        json_with(
            StatusCode::OK,
            CT_JSON,
            &store.connectivity_json(endpoint),
            HeaderMap::new(),
        )
    }))
    .into_response()
}

/// `PATCH /api/v1/endpoint/{id}/connectivity` → 204 `text/html` [REC].
pub(crate) async fn reset_connectivity(
    State(state): Shared,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    reset_connectivity_inner(&state, &raw_id, &body).into_response()
}

fn reset_connectivity_inner(
    state: &AppState,
    raw_id: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let mut store = state.store();
    let id = find(&store, raw_id)?.id;
    let body = json_object(body)?;
    if body.contains_key("pdp_context") {
        store.detached_data.insert(id);
    } else if body.contains_key("location") {
        store.detached_data.remove(&id);
    } else {
        return Err(ApiError::validation(
            "Connectivity reset validation error",
            vec![SubError::required(
                "Connectivity",
                "pdp_context or location",
            )],
        ));
    }
    Ok(empty(StatusCode::NO_CONTENT, CT_HTML_UTF8))
}

/// `GET /api/v1/endpoint/{id}/sms`: newest first, unpaged, `application/json` [REC].
pub(crate) async fn list_sms(State(state): Shared, Path(raw_id): Path<String>) -> Response {
    let store = state.store();
    (find(&store, &raw_id).map(|endpoint| {
        let body = Value::Array(
            store
                .sms
                .values()
                .rev()
                .filter(|sms| sms.endpoint_id == endpoint.id)
                .map(|sms| store.sms_json(sms))
                .collect(),
        );
        json_with(StatusCode::OK, CT_JSON, &body, HeaderMap::new())
    }))
    .into_response()
}

/// `GET /api/v1/endpoint/{id}/sms/{sms_id}`.
pub(crate) async fn get_sms(
    State(state): Shared,
    Path((raw_id, raw_sms_id)): Path<(String, String)>,
) -> Response {
    get_sms_inner(&state, &raw_id, &raw_sms_id).into_response()
}

fn get_sms_inner(state: &AppState, raw_id: &str, raw_sms_id: &str) -> Result<Response, ApiError> {
    let store = state.store();
    let endpoint = find(&store, raw_id)?;
    let sms_id = parse_id(raw_sms_id)?;
    let sms = store
        .sms
        .get(&sms_id)
        .filter(|sms| sms.endpoint_id == endpoint.id)
        .ok_or_else(|| ApiError::not_found("SMS", sms_id))?;
    Ok(json_with(
        StatusCode::OK,
        CT_JSON,
        &store.sms_json(sms),
        HeaderMap::new(),
    ))
}

/// `POST /api/v1/endpoint/{id}/sms` → 201, empty `text/html` body, `Location` [REC].
pub(crate) async fn send_sms(
    State(state): Shared,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    send_sms_inner(&state, &raw_id, &headers, &body).into_response()
}

fn send_sms_inner(
    state: &AppState,
    raw_id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let mut store = state.store();
    let endpoint = find(&store, raw_id)?.clone();
    let body = json_object(body)?;
    let payload = match body.get("payload") {
        Some(Value::String(payload)) => payload.clone(),
        Some(_) => {
            return Err(ApiError::validation(
                "SMS validation error",
                vec![SubError::invalid_format("SMS", "payload", "String")],
            ))
        }
        None => {
            return Err(ApiError::validation(
                "SMS validation error",
                vec![SubError::required("SMS", "payload")],
            ))
        }
    };
    let source_address = match body.get("source_address") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let Some(sim) = endpoint.sim_id.and_then(|id| store.sims.get(&id)).cloned() else {
        return Err(ApiError::conflict(format!(
            "Endpoint with Id '{}' has no SIM assigned.",
            endpoint.id
        )));
    };
    let delivered = store.connectivity(&endpoint) == super::state::Connectivity::Online;
    let id = store.next_sms_id();
    store.sms.insert(
        id,
        Sms {
            id,
            endpoint_id: endpoint.id,
            sim_id: Some(sim.id),
            iccid: Some(sim.iccid),
            msisdn: Some(sim.msisdn),
            payload,
            source_address,
            submit_date: now_timestamp(),
            status: if delivered { 4 } else { 1 },
        },
    );
    let location = format!(
        "{}/api/v1/endpoint/{}/sms/{id}",
        base_url(state.base_url.as_deref(), headers),
        endpoint.id
    );
    Ok(created(&location, CT_HTML_UTF8))
}
