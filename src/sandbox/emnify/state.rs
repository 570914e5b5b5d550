//! The in-memory data model (organisation, profiles, IP spaces, SIMs, endpoints, SMS) and its
//! rendering into the exact JSON shapes of the API. Lives behind one mutex for the life of the
//! server; handlers lock it briefly and never across an `.await`.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{json, Map, Value};
use time::macros::format_description;
use time::OffsetDateTime;

use super::auth::{Keys, Lockout};
use super::config::SandboxConfig;
use super::paging::{FieldValue, Listed};
use super::rate_limit::Limiter;

/// Everything the handlers share.
pub(crate) struct AppState {
    pub config: SandboxConfig,
    /// `http://host:port` when known (set by `start`), used for `Location` and `Link`.
    pub base_url: Option<String>,
    pub store: Mutex<Store>,
    pub keys: Keys,
    pub lockout: Mutex<Lockout>,
    pub limiter: Mutex<Limiter>,
}

impl AppState {
    /// Locks the store, recovering from a poisoned lock (a panicking handler cannot leave the
    /// store half-updated: every mutation validates first and then applies infallibly).
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Endpoint status names by id [DOC].
pub(crate) fn endpoint_status_name(id: i64) -> Option<&'static str> {
    match id {
        0 => Some("Enabled"),
        1 => Some("Disabled"),
        2 => Some("Deleted"),
        _ => None,
    }
}

/// SIM status names by id [DOC].
pub(crate) fn sim_status_name(id: i64) -> Option<&'static str> {
    match id {
        0 => Some("Issued"),
        1 => Some("Activated"),
        2 => Some("Suspended"),
        3 => Some("Deleted"),
        4 => Some("Factory Test"),
        _ => None,
    }
}

/// SMS status names by id [6 EXPIRED is REC; the others are GUESS].
pub(crate) fn sms_status_name(id: i64) -> Option<&'static str> {
    match id {
        1 => Some("BUFFERED"),
        4 => Some("DELIVERED"),
        5 => Some("FAILED"),
        6 => Some("EXPIRED"),
        _ => None,
    }
}

/// The API's timestamp format: `2021-11-18T08:25:53.000+0000` [REC].
const API_TIMESTAMP: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000");

/// Formats `at` (in UTC) as an API timestamp, in whole seconds: every timestamp the API
/// records ends in `.000+0000` [REC], so the fraction of a second is dropped (not rounded).
pub(crate) fn format_timestamp(at: OffsetDateTime) -> String {
    let utc = at
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    utc.format(API_TIMESTAMP)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000+0000".to_owned())
}

/// Whether `value` is in the API's timestamp format.
pub(crate) fn is_timestamp(value: &str) -> bool {
    time::PrimitiveDateTime::parse(value, API_TIMESTAMP).is_ok()
}

/// `value` moved by `by`, or `value` unchanged when it is not an API timestamp.
pub(crate) fn shift_timestamp(value: &str, by: time::Duration) -> String {
    time::PrimitiveDateTime::parse(value, API_TIMESTAMP).map_or_else(
        |_| value.to_owned(),
        |at| format_timestamp(at.assume_utc() + by),
    )
}

/// "Now" as an API timestamp.
pub(crate) fn now_timestamp() -> String {
    format_timestamp(OffsetDateTime::now_utc())
}

/// The ICCID with its Luhn check digit appended (`iccid_with_luhn` [REC]).
pub(crate) fn iccid_with_luhn(iccid: &str) -> String {
    let digits: Vec<u32> = iccid.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    format!("{iccid}{}", (10 - sum % 10) % 10)
}

/// The customer organisation the sandbox pretends to be.
#[derive(Debug, Clone)]
pub(crate) struct Organisation {
    pub id: i64,
    pub name: String,
    pub country: Value,
}

/// A user that can log in with username/password.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: i64,
    pub username: String,
    /// Lower-case SHA-1 hex of the password, i.e. what clients send.
    pub password_sha1: String,
}

/// An IPv4 address space endpoints get their addresses from.
#[derive(Debug, Clone)]
pub(crate) struct IpSpace {
    pub id: i64,
    pub cidr: String,
    pub network: u32,
    pub prefix: u8,
}

impl IpSpace {
    /// Usable host addresses (network and broadcast excluded).
    pub(crate) fn hosts(&self) -> impl Iterator<Item = Ipv4Addr> {
        let size: u64 = 1u64 << (32 - u32::from(self.prefix));
        let first = u64::from(self.network) + 1;
        let last = u64::from(self.network) + size.saturating_sub(2);
        (first..=last).filter_map(|n| u32::try_from(n).ok().map(Ipv4Addr::from))
    }
}

/// A SIM card of the organisation.
#[derive(Debug, Clone)]
pub(crate) struct Sim {
    pub id: i64,
    pub iccid: String,
    pub imsi: String,
    pub msisdn: String,
    pub status: i64,
    pub production_date: String,
    pub activation_date: Option<String>,
    pub model: Value,
}

/// An endpoint (device).
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub id: i64,
    pub name: String,
    pub tags: Option<String>,
    pub created: String,
    pub last_updated: String,
    pub status: i64,
    pub service_profile_id: i64,
    pub tariff_profile_id: i64,
    pub sim_id: Option<i64>,
    pub imei: Option<String>,
    pub imei_lock: bool,
    pub ip_address: String,
    pub ip_address_space_id: i64,
}

/// A mobile-terminated SMS sent to an endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Sms {
    pub id: i64,
    pub endpoint_id: i64,
    pub sim_id: Option<i64>,
    pub iccid: Option<String>,
    pub msisdn: Option<String>,
    pub payload: String,
    pub source_address: String,
    pub submit_date: String,
    pub status: i64,
}

/// Connectivity state of an endpoint, derived from its state [GUESS]: no SIM or a SIM that is
/// not Activated → `OFFLINE`; Disabled endpoint with an Activated SIM → `BLOCKED`;
/// Enabled endpoint with an Activated SIM → `ONLINE`, unless its data session was reset, in
/// which case it reads `ATTACHED` (no PDP context) until the next SMS or endpoint change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Connectivity {
    Online,
    Attached,
    Offline,
    Blocked,
}

impl Connectivity {
    fn description(self) -> &'static str {
        match self {
            Self::Online => "ONLINE",
            Self::Attached => "ATTACHED",
            Self::Offline => "OFFLINE",
            Self::Blocked => "BLOCKED",
        }
    }
}

/// All data of one sandbox.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    pub organisation: Organisation,
    pub application_id: i64,
    pub issuer_org: Value,
    pub users: Vec<User>,
    pub service_profiles: BTreeMap<i64, Map<String, Value>>,
    pub tariff_profiles: BTreeMap<i64, Map<String, Value>>,
    pub ip_spaces: BTreeMap<i64, IpSpace>,
    /// IP address space ids in seed order: new endpoints take the first free address of the
    /// first space that has one.
    pub ip_space_order: Vec<i64>,
    pub sims: BTreeMap<i64, Sim>,
    pub endpoints: BTreeMap<i64, Endpoint>,
    pub sms: BTreeMap<i64, Sms>,
    /// Endpoints whose PDP context was reset (they read `ATTACHED`).
    pub detached_data: std::collections::BTreeSet<i64>,
    /// The highest endpoint id issued so far: ids of deleted endpoints are never issued
    /// again, as with the real API (a load test's users delete and create concurrently).
    pub last_endpoint_id: i64,
}

fn profile_ref(profile: Option<&Map<String, Value>>, id: i64) -> Value {
    let name = profile
        .and_then(|p| p.get("name"))
        .cloned()
        .unwrap_or(Value::Null);
    json!({"id": id, "name": name})
}

impl Store {
    /// The endpoint holding `sim_id`, if any.
    pub(crate) fn endpoint_of_sim(&self, sim_id: i64) -> Option<&Endpoint> {
        self.endpoints.values().find(|e| e.sim_id == Some(sim_id))
    }

    /// The lowest free host address of an IP space.
    pub(crate) fn free_ip(&self, space_id: i64) -> Option<String> {
        let space = self.ip_spaces.get(&space_id)?;
        space
            .hosts()
            .map(|ip| ip.to_string())
            .find(|ip| !self.endpoints.values().any(|e| &e.ip_address == ip))
    }

    /// A free address from `space` if given, else from the first space (in seed order) that
    /// has one.
    pub(crate) fn allocate_ip(&self, space: Option<i64>) -> Option<(i64, String)> {
        match space {
            Some(space) => self.free_ip(space).map(|ip| (space, ip)),
            None => self
                .ip_space_order
                .iter()
                .find_map(|&space| self.free_ip(space).map(|ip| (space, ip))),
        }
    }

    /// The IP address space containing `ip`, if any.
    pub(crate) fn space_of(&self, ip: Ipv4Addr) -> Option<i64> {
        self.ip_spaces
            .values()
            .find(|space| space.hosts().any(|host| host == ip))
            .map(|space| space.id)
    }

    /// Next id for a new endpoint: above every id issued before, deleted ones included.
    pub(crate) fn next_endpoint_id(&mut self) -> i64 {
        let highest = self.endpoints.keys().next_back().copied().unwrap_or(0);
        self.last_endpoint_id = self.last_endpoint_id.max(highest) + 1;
        self.last_endpoint_id
    }

    /// Next id for a new SMS.
    pub(crate) fn next_sms_id(&self) -> i64 {
        self.sms.keys().next_back().map_or(1, |id| id + 1)
    }

    /// Assigns `sim_id` to an endpoint: an Issued SIM becomes Activated (as recorded for
    /// `create_device_with_sim`), and its activation date is set once.
    pub(crate) fn activate_on_assign(&mut self, sim_id: i64, now: &str) {
        if let Some(sim) = self.sims.get_mut(&sim_id) {
            if sim.status == 0 {
                sim.status = 1;
            }
            if sim.status == 1 && sim.activation_date.is_none() {
                sim.activation_date = Some(now.to_owned());
            }
        }
    }

    /// The connectivity state of an endpoint.
    pub(crate) fn connectivity(&self, endpoint: &Endpoint) -> Connectivity {
        let sim_active = endpoint
            .sim_id
            .and_then(|id| self.sims.get(&id))
            .is_some_and(|sim| sim.status == 1);
        match (sim_active, endpoint.status) {
            (false, _) => Connectivity::Offline,
            (true, 0) if self.detached_data.contains(&endpoint.id) => Connectivity::Attached,
            (true, 0) => Connectivity::Online,
            (true, _) => Connectivity::Blocked,
        }
    }

    fn embedded_sim(&self, sim_id: i64) -> Option<Value> {
        let sim = self.sims.get(&sim_id)?;
        Some(json!({
            "id": sim.id,
            "iccid": sim.iccid,
            "iccid_with_luhn": iccid_with_luhn(&sim.iccid),
            "sim_profile_type_id": 1,
            "imsi": sim.imsi,
            "msisdn": sim.msisdn,
            "status": {"id": sim.status, "description": sim_status_name(sim.status)},
        }))
    }

    /// An endpoint as listed (`detail == false`) or fetched by id (`detail == true`, with the
    /// full `ip_address_space` and the tariff profile's `satellite_capable`) [REC].
    /// `sim` is omitted when no SIM is assigned [REC].
    pub(crate) fn endpoint_json(&self, endpoint: &Endpoint, detail: bool) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(endpoint.id));
        out.insert("name".into(), json!(endpoint.name));
        out.insert("tags".into(), json!(endpoint.tags));
        out.insert("created".into(), json!(endpoint.created));
        out.insert("last_updated".into(), json!(endpoint.last_updated));
        out.insert(
            "status".into(),
            json!({"id": endpoint.status, "description": endpoint_status_name(endpoint.status)}),
        );
        out.insert(
            "service_profile".into(),
            profile_ref(
                self.service_profiles.get(&endpoint.service_profile_id),
                endpoint.service_profile_id,
            ),
        );
        let tariff = self.tariff_profiles.get(&endpoint.tariff_profile_id);
        let mut tariff_ref = profile_ref(tariff, endpoint.tariff_profile_id);
        if detail {
            tariff_ref["satellite_capable"] = tariff
                .and_then(|t| t.get("satellite_capable"))
                .cloned()
                .unwrap_or(Value::Bool(false));
        }
        out.insert("tariff_profile".into(), tariff_ref);
        if let Some(sim) = endpoint.sim_id.and_then(|id| self.embedded_sim(id)) {
            out.insert("sim".into(), sim);
        }
        out.insert("imei".into(), json!(endpoint.imei));
        out.insert("ip_address".into(), json!(endpoint.ip_address));
        let space = if detail {
            match self.ip_spaces.get(&endpoint.ip_address_space_id) {
                Some(space) => json!({
                    "id": space.id,
                    "ip_address_space": space.cidr,
                    "ip_address_version": 4,
                }),
                None => json!({"id": endpoint.ip_address_space_id}),
            }
        } else {
            json!({"id": endpoint.ip_address_space_id})
        };
        out.insert("ip_address_space".into(), space);
        out.insert("imei_lock".into(), json!(endpoint.imei_lock));
        Value::Object(out)
    }

    /// A SIM as listed or fetched by id [REC]; `activation_date` and `endpoint` are omitted
    /// when unset [REC].
    pub(crate) fn sim_json(&self, sim: &Sim) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(sim.id));
        out.insert("iccid".into(), json!(sim.iccid));
        out.insert("production_date".into(), json!(sim.production_date));
        if let Some(date) = &sim.activation_date {
            out.insert("activation_date".into(), json!(date));
        }
        out.insert(
            "status".into(),
            json!({"id": sim.status, "description": sim_status_name(sim.status)}),
        );
        out.insert(
            "customer_org".into(),
            json!({
                "id": self.organisation.id,
                "name": self.organisation.name,
                "country": self.organisation.country,
            }),
        );
        out.insert("issuer_org".into(), self.issuer_org.clone());
        if let Some(endpoint) = self.endpoint_of_sim(sim.id) {
            out.insert(
                "endpoint".into(),
                json!({
                    "id": endpoint.id,
                    "name": endpoint.name,
                    "imei": endpoint.imei,
                    "created": endpoint.created,
                    "last_updated": endpoint.last_updated,
                    "organisation_id": self.organisation.id,
                    "service_profile_id": endpoint.service_profile_id,
                    "tariff_profile_id": endpoint.tariff_profile_id,
                    "tags": endpoint.tags,
                    "ip_address": endpoint.ip_address,
                    "ip_address_space_id": endpoint.ip_address_space_id,
                }),
            );
        }
        out.insert("imsi".into(), json!(sim.imsi));
        out.insert("msisdn".into(), json!(sim.msisdn));
        out.insert("model".into(), sim.model.clone());
        Value::Object(out)
    }

    /// An SMS record exactly in the recorded shape (note the numbers-as-strings) [REC].
    /// Dates derived from the status: delivered/expired/failed messages have final dates,
    /// buffered ones have nulls [GUESS].
    pub(crate) fn sms_json(&self, sms: &Sms) -> Value {
        let final_state = sms.status != 1;
        let final_date = final_state.then(|| sms.submit_date.clone());
        let expired = sms.status == 6;
        let (source_type_id, source_type) =
            if sms.source_address.chars().any(|c| c.is_ascii_alphabetic()) {
                (208, "Alphanumeric")
            } else {
                (161, "National")
            };
        json!({
            "dlr_status_id": if final_state { "4" } else { "1" },
            "organisation_id": self.organisation.id.to_string(),
            "submit_date": sms.submit_date,
            "delivery_date": final_date,
            "expiry_date": shift_timestamp(&sms.submit_date, time::Duration::days(1)),
            "final_date": final_date,
            "retry_date": if expired { final_date.clone() } else { None },
            "last_delivery_attempt": final_date,
            "retry_count": "0",
            "gsm_map_error": null,
            "dcs": "0",
            "pid": "0",
            "source_address": sms.source_address,
            "endpoint_id": sms.endpoint_id.to_string(),
            "sim_id": sms.sim_id.map(|id| id.to_string()),
            "iccid": sms.iccid,
            "called_party_prefix": null,
            "msisdn": sms.msisdn,
            "imsi": "",
            "msc": null,
            "udh": "",
            "payload": sms.payload,
            "registered_delivery": "0",
            "smpp_bind_id": null,
            "p2p_ext": 0,
            "smpp_dlr_bind_id": null,
            "id": sms.id,
            "status": {"description": sms_status_name(sms.status), "id": sms.status},
            "sms_type": {"description": "MT", "id": 1},
            "source_address_type": {"description": source_type, "id": source_type_id},
            "esme_interface_type": {"description": "RestAPI", "id": 1},
        })
    }

    /// `GET /endpoint/{id}/connectivity`. `OFFLINE` is exactly as recorded; the other states
    /// add `location`/`pdp_context` objects modelled on EMnify's docs [GUESS].
    pub(crate) fn connectivity_json(&self, endpoint: &Endpoint) -> Value {
        let state = self.connectivity(endpoint);
        let sim = endpoint.sim_id.and_then(|id| self.sims.get(&id));
        let mut out = Map::new();
        out.insert("status".into(), json!({"description": state.description()}));
        if let (Some(sim), Connectivity::Online | Connectivity::Attached | Connectivity::Blocked) =
            (sim, state)
        {
            out.insert(
                "location".into(),
                json!({
                    "iccid": sim.iccid,
                    "imsi": sim.imsi,
                    "msc": "491600190000",
                    "vlr": "491600190000",
                    "sgsn": "491600190001",
                    "operator": {"id": 2, "name": "Telekom", "country": {"id": 74, "name": "Germany"}},
                    "country": {"id": 74, "name": "Germany"},
                    "last_updated": endpoint.last_updated,
                }),
            );
        }
        if let (Some(sim), Connectivity::Online) = (sim, state) {
            out.insert(
                "pdp_context".into(),
                json!({
                    "pdp_context_id": format!("{}", endpoint.id * 10 + 1),
                    "endpoint_id": endpoint.id.to_string(),
                    "tariff_profile_id": endpoint.tariff_profile_id.to_string(),
                    "organisation_id": self.organisation.id.to_string(),
                    "imsi": sim.imsi,
                    "sim_id": sim.id.to_string(),
                    "apn": "em",
                    "ue_ip_address": endpoint.ip_address,
                    "rat_type": {"id": 6, "description": "4G"},
                    "created": endpoint.last_updated,
                }),
            );
        }
        let services: Vec<&str> = match state {
            Connectivity::Online => vec!["GPRS", "SMS"],
            Connectivity::Attached => vec!["SMS"],
            Connectivity::Offline | Connectivity::Blocked => Vec::new(),
        };
        out.insert("services".into(), json!(services));
        Value::Object(out)
    }
}

fn ip_sort_key(ip: &str) -> FieldValue {
    ip.parse::<Ipv4Addr>().map_or_else(
        |_| FieldValue::text(Some(ip)),
        |a| FieldValue::Int(i64::from(u32::from(a))),
    )
}

/// An endpoint together with what list queries need to see of its SIM.
pub(crate) struct EndpointRow<'a> {
    pub endpoint: &'a Endpoint,
    pub sim: Option<&'a Sim>,
}

impl Listed for EndpointRow<'_> {
    fn id(&self) -> i64 {
        self.endpoint.id
    }

    fn sort_value(&self, field: &str) -> FieldValue {
        let e = self.endpoint;
        match field {
            "id" => FieldValue::Int(e.id),
            "name" => FieldValue::text(Some(&e.name)),
            "status" => FieldValue::Int(e.status),
            "service_profile" => FieldValue::Int(e.service_profile_id),
            "tariff_profile" => FieldValue::Int(e.tariff_profile_id),
            "last_updated" => FieldValue::text(Some(&e.last_updated)),
            "created" => FieldValue::text(Some(&e.created)),
            "tags" => FieldValue::text(e.tags.as_deref()),
            "ip_address" => ip_sort_key(&e.ip_address),
            "imei" => FieldValue::text(e.imei.as_deref()),
            "iccid" => FieldValue::text(self.sim.map(|s| s.iccid.as_str())),
            "imsi" => FieldValue::text(self.sim.map(|s| s.imsi.as_str())),
            "msisdn" => FieldValue::text(self.sim.map(|s| s.msisdn.as_str())),
            _ => FieldValue::Null,
        }
    }

    fn filter_value(&self, field: &str) -> FieldValue {
        match field {
            "ip_address" => FieldValue::text(Some(&self.endpoint.ip_address)),
            "ip_address_space" => FieldValue::Int(self.endpoint.ip_address_space_id),
            "sim" => self
                .endpoint
                .sim_id
                .map_or(FieldValue::Null, FieldValue::Int),
            other => self.sort_value(other),
        }
    }
}

/// A SIM together with its endpoint, for list queries.
pub(crate) struct SimRow<'a> {
    pub sim: &'a Sim,
    pub endpoint: Option<&'a Endpoint>,
}

impl Listed for SimRow<'_> {
    fn id(&self) -> i64 {
        self.sim.id
    }

    fn sort_value(&self, field: &str) -> FieldValue {
        let s = self.sim;
        match field {
            "id" => FieldValue::Int(s.id),
            "iccid" => FieldValue::text(Some(&s.iccid)),
            "imsi" => FieldValue::text(Some(&s.imsi)),
            "msisdn" => FieldValue::text(Some(&s.msisdn)),
            "status" => FieldValue::Int(s.status),
            "production_date" => FieldValue::text(Some(&s.production_date)),
            "activation_date" => FieldValue::text(s.activation_date.as_deref()),
            "endpoint" => self
                .endpoint
                .map_or(FieldValue::Null, |e| FieldValue::Int(e.id)),
            "endpoint_name" => FieldValue::text(self.endpoint.map(|e| e.name.as_str())),
            _ => FieldValue::Null,
        }
    }

    fn filter_value(&self, field: &str) -> FieldValue {
        self.sort_value(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_recording() {
        assert_eq!(
            iccid_with_luhn("8988303000006738593"),
            "89883030000067385937"
        );
        assert_eq!(
            iccid_with_luhn("8988303000006738591"),
            "89883030000067385911"
        );
    }

    #[test]
    fn timestamps_round_trip() {
        let at = OffsetDateTime::from_unix_timestamp(1_637_223_953)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let text = format_timestamp(at);
        assert_eq!(text, "2021-11-18T08:25:53.000+0000");
        assert!(is_timestamp(&text));
        assert!(!is_timestamp("2021-11-18T08:25:53Z"));
    }

    #[test]
    fn timestamps_are_whole_seconds() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_637_223_953_987_654_321)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(format_timestamp(at), "2021-11-18T08:25:53.000+0000");
        // "Now", as every created, updated, activated and submitted date is stamped.
        let now = now_timestamp();
        assert!(now.ends_with(".000+0000"), "{now}");
        // Moving a timestamp keeps whole seconds whole.
        assert_eq!(
            shift_timestamp("2021-11-18T08:25:53.000+0000", time::Duration::days(1)),
            "2021-11-19T08:25:53.000+0000"
        );
    }

    #[test]
    fn ip_space_hosts_exclude_network_and_broadcast() {
        let space = IpSpace {
            id: 1,
            cidr: "10.191.216.64/28".into(),
            network: u32::from(Ipv4Addr::new(10, 191, 216, 64)),
            prefix: 28,
        };
        let hosts: Vec<Ipv4Addr> = space.hosts().collect();
        assert_eq!(hosts.len(), 14);
        assert_eq!(hosts.first(), Some(&Ipv4Addr::new(10, 191, 216, 65)));
        assert_eq!(hosts.last(), Some(&Ipv4Addr::new(10, 191, 216, 78)));
    }
}
