//! `expect.snapshot`: compare the response with an approved snapshot stored next to the
//! collection.

use std::fmt;

use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// `snapshot: true`, or which parts to leave out and which headers to keep.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum SnapshotSpec {
    /// `true`: the status and the body (JSON with its keys sorted); `false` turns off a
    /// `defaults.expect.snapshot` for this step.
    Enabled(bool),
    /// The status, the chosen headers and the body, with the ignored paths replaced by
    /// `[ignored]`.
    Options(SnapshotOptionsSpec),
}

/// Read straight from the document (not through serde's `untagged` buffer, which reads a
/// struct from a list by position, and a header name written as a number not at all).
impl<'de> Deserialize<'de> for SnapshotSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Snapshot;

        impl<'de> Visitor<'de> for Snapshot {
            type Value = SnapshotSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true`, `false`, or a map such as `{ ignore: [$.id], headers: [content-type] }`")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<SnapshotSpec, E> {
                Ok(SnapshotSpec::Enabled(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SnapshotSpec, A::Error> {
                SnapshotOptionsSpec::deserialize(MapAccessDeserializer::new(map))
                    .map(SnapshotSpec::Options)
            }
        }

        deserializer.deserialize_any(Snapshot)
    }
}

/// The options of a snapshot.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotOptionsSpec {
    /// JSONPaths (RFC 9535) whose nodes are stored as `[ignored]` and never fail, e.g.
    /// `$.id` or `"$[*].created_at"` (values that change on every run).
    #[serde(default, deserialize_with = "super::written::ignore")]
    pub ignore: Vec<String>,
    /// Response headers kept in the snapshot (case-insensitive), e.g. `[content-type]`;
    /// none by default.
    #[serde(default, deserialize_with = "super::written::header_names")]
    #[schemars(with = "Vec<super::written::Text>")]
    pub headers: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_or_a_map_of_options_never_a_list() {
        let read = |yaml: &str| serde_yaml::from_str::<SnapshotSpec>(yaml);
        assert!(matches!(read("true"), Ok(SnapshotSpec::Enabled(true))));
        let Ok(SnapshotSpec::Options(options)) = read("{ ignore: [$.id], headers: [404] }") else {
            panic!("options");
        };
        assert_eq!(
            (options.ignore, options.headers),
            (vec!["$.id".to_owned()], vec!["404".to_owned()])
        );
        for list in ["[]", "[[$.id], [content-type]]"] {
            let error = read(list).expect_err(list).to_string();
            assert!(error.contains("invalid type: sequence"), "{error}");
        }
    }
}
