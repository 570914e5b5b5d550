//! The data a sandbox starts with: the built-in data set (`default_seed.json`) or a user's
//! JSON/YAML seed file, validated into the in-memory store.
//!
//! # Seed file format
//!
//! One JSON or YAML document (chosen by extension: `.yaml`/`.yml` is YAML, anything else
//! JSON) with these top-level keys, all optional; unknown keys are rejected so typos surface.
//! The built-in `default_seed.json` next to this file is a complete example.
//!
//! ```yaml
//! organisation: {id: 13886, name: Sandbox Org, country: {id: 74, name: Germany}}
//! application: {id: 8783}              # becomes the `esc.app` claim of auth tokens
//! issuer_org: {id: 2, name: EMnify GmbH, country: {id: 74, name: Germany}}
//! users:                               # username/password logins
//!   - {id: 71001, username: sandbox@example.com, password: sandbox}   # clear text here
//! service_profiles:                    # free-form objects; `id` (integer) and `name` required,
//!   - {id: 438035, name: Default}      # returned as-is by GET /service_profile
//! tariff_profiles:                     # same; optional `satellite_capable` (bool)
//!   - {id: 424560, name: All Covered}
//! ip_address_spaces:                   # IPv4 CIDRs endpoints get addresses from
//!   - {id: 24746, ip_address_space: 10.191.216.64/26, ip_address_version: 4}
//! sims:
//!   - id: 250
//!     iccid: "8988303000000000129"
//!     imsi: "295050999900095"
//!     msisdn: "423663999900095"
//!     status_id: 0                      # 0 Issued, 1 Activated, 2 Suspended, 3 Deleted, 4 Factory Test
//!     production_date: 2015-03-06T11:15:57.000+0000
//!     activation_date: null             # optional
//!     model: {...}                      # optional, defaults to a "Classic" 3-in-1 SIM
//! endpoints:
//!   - id: 11379224
//!     name: Cold-chain tracker 01
//!     status_id: 0                      # 0 Enabled, 1 Disabled
//!     service_profile_id: 438035
//!     tariff_profile_id: 424560
//!     tags: demo                        # optional: string, "" or null
//!     sim_id: 4397515                   # optional; absent or null = no SIM
//!     imei: null                        # optional
//!     imei_lock: false                  # optional
//!     ip_address: 10.191.216.67         # optional; allocated from the space when absent
//!     ip_address_space_id: 24746        # optional; the first space when absent
//!     created: 2021-11-18T08:25:53.000+0000        # optional; server start when absent
//!     last_updated: 2021-12-29T08:51:00.000+0000   # optional; `created` when absent
//! sms:
//!   - {id: 19649276, endpoint_id: 11379224, payload: hi, submit_date: 2022-03-28T00:37:29.000+0000,
//!      status_id: 6, source_address: EMnify}   # status 1 BUFFERED, 4 DELIVERED, 5 FAILED, 6 EXPIRED
//! ```
//!
//! Timestamps must use the API's format (`YYYY-MM-DDTHH:MM:SS.mmm+0000`). Ids must be unique
//! per kind, references must exist, a SIM may belong to one endpoint only, and IP addresses
//! must be unique. Violations are reported as [`SandboxError::Seed`] with the file path.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha1::{Digest, Sha1};

use super::server::SandboxError;
use super::state::{
    endpoint_status_name, is_timestamp, sim_status_name, sms_status_name, Endpoint, IpSpace,
    Organisation, Sim, Sms, Store, User,
};

/// The built-in data set.
const DEFAULT_SEED: &str = include_str!("default_seed.json");

/// Shown as the path of errors in the built-in data set.
const BUILT_IN: &str = "<built-in seed>";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    #[serde(default = "default_organisation")]
    organisation: SeedOrganisation,
    #[serde(default)]
    application: SeedApplication,
    #[serde(default = "default_issuer_org")]
    issuer_org: Value,
    #[serde(default)]
    users: Vec<SeedUser>,
    #[serde(default)]
    service_profiles: Vec<Map<String, Value>>,
    #[serde(default)]
    tariff_profiles: Vec<Map<String, Value>>,
    #[serde(default)]
    ip_address_spaces: Vec<SeedIpSpace>,
    #[serde(default)]
    sims: Vec<SeedSim>,
    #[serde(default)]
    endpoints: Vec<SeedEndpoint>,
    #[serde(default)]
    sms: Vec<SeedSms>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedOrganisation {
    id: i64,
    name: String,
    #[serde(default = "default_country")]
    country: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedApplication {
    id: i64,
}

impl Default for SeedApplication {
    fn default() -> Self {
        Self { id: 8783 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedUser {
    id: i64,
    username: String,
    password: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedIpSpace {
    id: i64,
    ip_address_space: String,
    #[serde(default = "default_ip_version")]
    ip_address_version: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedSim {
    id: i64,
    iccid: String,
    imsi: String,
    msisdn: String,
    status_id: i64,
    production_date: String,
    #[serde(default)]
    activation_date: Option<String>,
    #[serde(default)]
    model: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedEndpoint {
    id: i64,
    name: String,
    status_id: i64,
    service_profile_id: i64,
    tariff_profile_id: i64,
    #[serde(default)]
    tags: Option<String>,
    #[serde(default)]
    sim_id: Option<i64>,
    #[serde(default)]
    imei: Option<String>,
    #[serde(default)]
    imei_lock: bool,
    #[serde(default)]
    ip_address: Option<String>,
    #[serde(default)]
    ip_address_space_id: Option<i64>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedSms {
    id: i64,
    endpoint_id: i64,
    payload: String,
    submit_date: String,
    #[serde(default = "default_sms_status")]
    status_id: i64,
    #[serde(default)]
    source_address: String,
}

fn default_country() -> Value {
    json!({"id": 74, "name": "Germany"})
}

fn default_organisation() -> SeedOrganisation {
    SeedOrganisation {
        id: 13886,
        name: "Sandbox Org".to_owned(),
        country: default_country(),
    }
}

fn default_issuer_org() -> Value {
    json!({"id": 2, "name": "EMnify GmbH", "country": default_country()})
}

fn default_ip_version() -> i64 {
    4
}

fn default_sms_status() -> i64 {
    4
}

/// The SIM model of the recordings.
fn default_sim_model() -> Value {
    json!({
        "id": 4,
        "description": "Classic",
        "memory_size": 128,
        "formfactor": {"id": 6, "name": "1/2/3FF (3in1) "},
        "manufacturer": {"id": 2, "name": "Bluefish"},
    })
}

/// SHA-1 hex digest (what clients send as `password`).
pub(crate) fn sha1_hex(text: &str) -> String {
    Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_cidr(cidr: &str) -> Option<(u32, u8)> {
    let (addr, prefix) = cidr.split_once('/')?;
    let addr: Ipv4Addr = addr.parse().ok()?;
    let prefix: u8 = prefix.parse().ok()?;
    if !(1..=30).contains(&prefix) {
        return None;
    }
    let mask = u32::MAX << (32 - u32::from(prefix));
    Some((u32::from(addr) & mask, prefix))
}

fn profiles(
    kind: &str,
    list: Vec<Map<String, Value>>,
) -> Result<BTreeMap<i64, Map<String, Value>>, String> {
    let mut out = BTreeMap::new();
    for profile in list {
        let id = profile
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| format!("every {kind} needs an integer `id`"))?;
        if !profile.get("name").is_some_and(Value::is_string) {
            return Err(format!("{kind} {id} needs a string `name`"));
        }
        if out.insert(id, profile).is_some() {
            return Err(format!("duplicate {kind} id {id}"));
        }
    }
    Ok(out)
}

fn check_timestamp(what: &str, value: &str) -> Result<(), String> {
    if is_timestamp(value) {
        Ok(())
    } else {
        Err(format!(
            "{what}: `{value}` is not an API timestamp like 2021-11-18T08:25:53.000+0000"
        ))
    }
}

fn build(seed: SeedFile, now: &str) -> Result<Store, String> {
    let service_profiles = profiles("service profile", seed.service_profiles)?;
    let tariff_profiles = profiles("tariff profile", seed.tariff_profiles)?;

    let mut ip_spaces = BTreeMap::new();
    let ip_space_order: Vec<i64> = seed.ip_address_spaces.iter().map(|s| s.id).collect();
    for space in seed.ip_address_spaces {
        if space.ip_address_version != 4 {
            return Err(format!(
                "ip address space {}: only IPv4 is supported",
                space.id
            ));
        }
        let (network, prefix) = parse_cidr(&space.ip_address_space).ok_or_else(|| {
            format!(
                "ip address space {}: `{}` is not an IPv4 CIDR with prefix 1..=30",
                space.id, space.ip_address_space
            )
        })?;
        let parsed = IpSpace {
            id: space.id,
            cidr: space.ip_address_space,
            network,
            prefix,
        };
        if ip_spaces.insert(space.id, parsed).is_some() {
            return Err(format!("duplicate ip address space id {}", space.id));
        }
    }

    let mut sims = BTreeMap::new();
    for sim in seed.sims {
        sim_status_name(sim.status_id)
            .ok_or_else(|| format!("sim {}: unknown status_id {}", sim.id, sim.status_id))?;
        check_timestamp(
            &format!("sim {} production_date", sim.id),
            &sim.production_date,
        )?;
        if let Some(date) = &sim.activation_date {
            check_timestamp(&format!("sim {} activation_date", sim.id), date)?;
        }
        let parsed = Sim {
            id: sim.id,
            iccid: sim.iccid,
            imsi: sim.imsi,
            msisdn: sim.msisdn,
            status: sim.status_id,
            production_date: sim.production_date,
            activation_date: sim.activation_date,
            model: sim.model.unwrap_or_else(default_sim_model),
        };
        if sims.insert(sim.id, parsed).is_some() {
            return Err(format!("duplicate sim id {}", sim.id));
        }
    }

    let mut store = Store {
        organisation: Organisation {
            id: seed.organisation.id,
            name: seed.organisation.name,
            country: seed.organisation.country,
        },
        application_id: seed.application.id,
        issuer_org: seed.issuer_org,
        users: seed
            .users
            .into_iter()
            .map(|u| User {
                id: u.id,
                username: u.username,
                password_sha1: sha1_hex(&u.password),
            })
            .collect(),
        service_profiles,
        tariff_profiles,
        ip_spaces,
        ip_space_order,
        sims,
        endpoints: BTreeMap::new(),
        sms: BTreeMap::new(),
        detached_data: BTreeSet::new(),
        last_endpoint_id: 0,
    };

    // Endpoints with explicit addresses first, so allocation never hands out a taken one.
    let (explicit, allocated): (Vec<_>, Vec<_>) = seed
        .endpoints
        .into_iter()
        .partition(|e| e.ip_address.is_some());
    for endpoint in explicit.into_iter().chain(allocated) {
        let id = endpoint.id;
        if store.endpoints.contains_key(&id) {
            return Err(format!("duplicate endpoint id {id}"));
        }
        if endpoint_status_name(endpoint.status_id).is_none() || endpoint.status_id == 2 {
            return Err(format!(
                "endpoint {id}: status_id must be 0 (Enabled) or 1 (Disabled)"
            ));
        }
        if !store
            .service_profiles
            .contains_key(&endpoint.service_profile_id)
        {
            return Err(format!(
                "endpoint {id}: unknown service_profile_id {}",
                endpoint.service_profile_id
            ));
        }
        if !store
            .tariff_profiles
            .contains_key(&endpoint.tariff_profile_id)
        {
            return Err(format!(
                "endpoint {id}: unknown tariff_profile_id {}",
                endpoint.tariff_profile_id
            ));
        }
        if let Some(sim_id) = endpoint.sim_id {
            if !store.sims.contains_key(&sim_id) {
                return Err(format!("endpoint {id}: unknown sim_id {sim_id}"));
            }
            if let Some(holder) = store.endpoint_of_sim(sim_id) {
                return Err(format!(
                    "endpoint {id}: sim {sim_id} already belongs to endpoint {}",
                    holder.id
                ));
            }
        }
        if let Some(space_id) = endpoint.ip_address_space_id {
            if !store.ip_spaces.contains_key(&space_id) {
                return Err(format!(
                    "endpoint {id}: unknown ip_address_space_id {space_id}"
                ));
            }
        }
        let (space_id, ip_address) = match endpoint.ip_address {
            Some(ip) => {
                let address: Ipv4Addr = ip
                    .parse()
                    .map_err(|_| format!("endpoint {id}: `{ip}` is not an IPv4 address"))?;
                if store.endpoints.values().any(|e| e.ip_address == ip) {
                    return Err(format!("endpoint {id}: ip_address {ip} is already used"));
                }
                let space_id = endpoint
                    .ip_address_space_id
                    .or_else(|| store.space_of(address))
                    .or_else(|| store.ip_space_order.first().copied())
                    .ok_or_else(|| format!("endpoint {id}: no ip_address_spaces defined"))?;
                (space_id, ip)
            }
            None => store
                .allocate_ip(endpoint.ip_address_space_id)
                .ok_or_else(|| format!("endpoint {id}: no free IP address left"))?,
        };
        let created = endpoint.created.unwrap_or_else(|| now.to_owned());
        check_timestamp(&format!("endpoint {id} created"), &created)?;
        let last_updated = endpoint.last_updated.unwrap_or_else(|| created.clone());
        check_timestamp(&format!("endpoint {id} last_updated"), &last_updated)?;
        store.endpoints.insert(
            id,
            Endpoint {
                id,
                name: endpoint.name,
                tags: endpoint.tags,
                created,
                last_updated,
                status: endpoint.status_id,
                service_profile_id: endpoint.service_profile_id,
                tariff_profile_id: endpoint.tariff_profile_id,
                sim_id: endpoint.sim_id,
                imei: endpoint.imei,
                imei_lock: endpoint.imei_lock,
                ip_address,
                ip_address_space_id: space_id,
            },
        );
    }

    for sms in seed.sms {
        let endpoint = store
            .endpoints
            .get(&sms.endpoint_id)
            .ok_or_else(|| format!("sms {}: unknown endpoint_id {}", sms.id, sms.endpoint_id))?;
        sms_status_name(sms.status_id)
            .ok_or_else(|| format!("sms {}: unknown status_id {}", sms.id, sms.status_id))?;
        check_timestamp(&format!("sms {} submit_date", sms.id), &sms.submit_date)?;
        let sim = endpoint.sim_id.and_then(|id| store.sims.get(&id));
        let parsed = Sms {
            id: sms.id,
            endpoint_id: sms.endpoint_id,
            sim_id: sim.map(|s| s.id),
            iccid: sim.map(|s| s.iccid.clone()),
            msisdn: sim.map(|s| s.msisdn.clone()),
            payload: sms.payload,
            source_address: sms.source_address,
            submit_date: sms.submit_date,
            status: sms.status_id,
        };
        if store.sms.insert(sms.id, parsed).is_some() {
            return Err(format!("duplicate sms id {}", sms.id));
        }
    }
    store.last_endpoint_id = store.endpoints.keys().next_back().copied().unwrap_or(0);
    Ok(store)
}

fn parse(text: &str, yaml: bool) -> Result<SeedFile, String> {
    let words = |message: String| crate::spec::words::in_the_formats_words(&message);
    if yaml {
        serde_yaml::from_str(&crate::spec::block_scalar::readable(text))
            .map_err(|e| words(e.to_string()))
    } else {
        serde_json::from_str(text).map_err(|e| words(e.to_string()))
    }
}

fn seed_error(path: PathBuf, reason: String) -> SandboxError {
    SandboxError::Seed { path, reason }
}

/// Loads the seed file at `path`, or the built-in data set when `None`.
/// `now` is used for missing `created` timestamps.
pub(crate) fn load(path: Option<&Path>, now: &str) -> Result<Store, SandboxError> {
    let Some(path) = path else {
        return parse(DEFAULT_SEED, false)
            .and_then(|seed| build(seed, now))
            .map_err(|reason| seed_error(PathBuf::from(BUILT_IN), reason));
    };
    let text = crate::spec::file::read_to_string(path)
        .map_err(|e| seed_error(path.to_path_buf(), format!("cannot read: {e}")))?;
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    parse(&text, yaml)
        .and_then(|seed| build(seed, now))
        .map_err(|reason| seed_error(path.to_path_buf(), reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2024-01-01T00:00:00.000+0000";

    fn built_in() -> Store {
        load(None, NOW).unwrap_or_else(|e| panic!("built-in seed must load: {e}"))
    }

    #[test]
    fn a_deleted_endpoints_id_is_never_issued_again() {
        let mut store = built_in();
        let highest = store.endpoints.keys().next_back().copied().unwrap_or(0);
        store.endpoints.remove(&highest);
        assert_eq!(store.next_endpoint_id(), highest + 1);
        assert_eq!(store.next_endpoint_id(), highest + 2);
    }

    #[test]
    fn built_in_seed_is_rich_enough() {
        let store = built_in();
        assert!(store.endpoints.len() >= 25);
        let statuses: BTreeSet<i64> = store.endpoints.values().map(|e| e.status).collect();
        assert_eq!(statuses, BTreeSet::from([0, 1]));
        assert!(store.endpoints.values().any(|e| e.sim_id.is_none()));
        assert!(store.endpoints.values().any(|e| e.tags.is_none()));
        assert!(store
            .endpoints
            .values()
            .any(|e| e.tags.as_deref() == Some("")));
        assert!(store.endpoints.values().any(|e| e.imei.is_some()));
        assert!(store
            .sims
            .values()
            .any(|s| s.status == 0 && store.endpoint_of_sim(s.id).is_none()));
        assert!(!store.sms.is_empty());
        assert_eq!(store.users.len(), 1);
        assert_eq!(
            store.users.first().map(|u| u.password_sha1.as_str()),
            Some(super::super::config::DEMO_PASSWORD_SHA1)
        );
    }

    #[test]
    fn minimal_yaml_seed_allocates_addresses() {
        let yaml = "
service_profiles: [{id: 1, name: S}]
tariff_profiles: [{id: 2, name: T}]
ip_address_spaces: [{id: 3, ip_address_space: 10.0.0.0/30}]
endpoints:
  - {id: 10, name: a, status_id: 0, service_profile_id: 1, tariff_profile_id: 2}
  - {id: 11, name: b, status_id: 1, service_profile_id: 1, tariff_profile_id: 2, ip_address: 10.0.0.1}
";
        let store = parse(yaml, true)
            .and_then(|s| build(s, NOW))
            .unwrap_or_else(|e| panic!("{e}"));
        let ips: Vec<&str> = store
            .endpoints
            .values()
            .map(|e| e.ip_address.as_str())
            .collect();
        assert_eq!(ips, vec!["10.0.0.2", "10.0.0.1"]);
        assert_eq!(
            store.endpoints.get(&10).map(|e| e.created.as_str()),
            Some(NOW)
        );
    }

    #[test]
    fn seed_errors_are_reported() {
        let cases = [
            ("{\"colour\": 1}", "unknown field"),
            ("{\"endpoints\": [{\"id\": 1, \"name\": \"a\", \"status_id\": 0, \"service_profile_id\": 9, \"tariff_profile_id\": 9}]}", "unknown service_profile_id"),
            ("{\"sims\": [{\"id\": 1, \"iccid\": \"1\", \"imsi\": \"1\", \"msisdn\": \"1\", \"status_id\": 1, \"production_date\": \"yesterday\"}]}", "not an API timestamp"),
            ("{\"ip_address_spaces\": [{\"id\": 1, \"ip_address_space\": \"10.0.0.0/33\"}]}", "CIDR"),
            ("not json", "expected"),
        ];
        for (text, needle) in cases {
            let error = parse(text, false).and_then(|s| build(s, NOW)).err();
            assert!(
                error.as_deref().is_some_and(|e| e.contains(needle)),
                "{text}: {error:?}"
            );
        }
    }

    #[test]
    fn missing_file_names_the_path() {
        let error = load(Some(Path::new("/nonexistent/seed.json")), NOW).err();
        assert!(matches!(
            error,
            Some(SandboxError::Seed { ref path, .. }) if path == Path::new("/nonexistent/seed.json")
        ));
    }
}
