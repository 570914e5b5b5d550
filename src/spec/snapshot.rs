//! `expect.snapshot`: compare the response with an approved snapshot stored next to the
//! collection.

use schemars::JsonSchema;
use serde::Deserialize;

/// `snapshot: true`, or which parts to leave out and which headers to keep.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SnapshotSpec {
    /// `true`: the status and the body (JSON with its keys sorted); `false` turns off a
    /// `defaults.expect.snapshot` for this step.
    Enabled(bool),
    /// The status, the chosen headers and the body, with the ignored paths replaced by
    /// `[ignored]`.
    Options(SnapshotOptionsSpec),
}

/// The options of a snapshot.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotOptionsSpec {
    /// JSONPaths (RFC 9535) whose nodes are stored as `[ignored]` and never fail, e.g.
    /// `$.id` or `"$[*].created_at"` (values that change on every run).
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub ignore: Vec<String>,
    /// Response headers kept in the snapshot (case-insensitive), e.g. `[content-type]`;
    /// none by default.
    #[serde(default, deserialize_with = "super::written::or_default")]
    pub headers: Vec<String>,
}
