//! `/api/v1/service_profile` and `/api/v1/tariff_profile`: unpaged lists [DOC] and single
//! profiles, returned as seeded with `used_count` kept up to date [GUESS: field from the docs].

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::errors::ApiError;
use super::response::{json_ok, parse_id};
use super::state::{AppState, Store};

type Shared = State<Arc<AppState>>;

/// Which profile collection.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Service,
    Tariff,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Service => "Service profile",
            Self::Tariff => "Tariff profile",
        }
    }

    fn profiles(self, store: &Store) -> &BTreeMap<i64, Map<String, Value>> {
        match self {
            Self::Service => &store.service_profiles,
            Self::Tariff => &store.tariff_profiles,
        }
    }

    fn used_count(self, store: &Store, id: i64) -> usize {
        store
            .endpoints
            .values()
            .filter(|e| match self {
                Self::Service => e.service_profile_id == id,
                Self::Tariff => e.tariff_profile_id == id,
            })
            .count()
    }
}

fn render(kind: Kind, store: &Store, id: i64, profile: &Map<String, Value>) -> Value {
    let mut profile = profile.clone();
    if profile.contains_key("used_count") {
        profile.insert("used_count".into(), json!(kind.used_count(store, id)));
    }
    Value::Object(profile)
}

fn list(kind: Kind, state: &AppState) -> Response {
    let store = state.store();
    let body: Vec<Value> = kind
        .profiles(&store)
        .iter()
        .map(|(id, profile)| render(kind, &store, *id, profile))
        .collect();
    json_ok(&Value::Array(body))
}

fn get(kind: Kind, state: &AppState, raw_id: &str) -> Response {
    let store = state.store();
    let result = parse_id(raw_id).and_then(|id| {
        kind.profiles(&store)
            .get(&id)
            .map(|profile| json_ok(&render(kind, &store, id, profile)))
            .ok_or_else(|| ApiError::not_found(kind.name(), id))
    });
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/v1/service_profile`.
pub(crate) async fn list_service(State(state): Shared) -> Response {
    list(Kind::Service, &state)
}

/// `GET /api/v1/service_profile/{id}`.
pub(crate) async fn get_service(State(state): Shared, Path(raw_id): Path<String>) -> Response {
    get(Kind::Service, &state, &raw_id)
}

/// `GET /api/v1/tariff_profile`.
pub(crate) async fn list_tariff(State(state): Shared) -> Response {
    list(Kind::Tariff, &state)
}

/// `GET /api/v1/tariff_profile/{id}`.
pub(crate) async fn get_tariff(State(state): Shared, Path(raw_id): Path<String>) -> Response {
    get(Kind::Tariff, &state, &raw_id)
}
