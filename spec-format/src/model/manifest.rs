//! `artifacts/manifest.json`: the provenance of every generated artifact.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub artifacts: BTreeMap<String, ArtifactEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub format: String,
    pub generator: String,
    #[serde(default)]
    pub model: Option<String>,
    pub generated_at: String,
    pub content_sha256: String,
    /// Decision key -> sha256 of the decision file the artifact was generated from.
    #[serde(default)]
    pub based_on: BTreeMap<String, String>,
}
