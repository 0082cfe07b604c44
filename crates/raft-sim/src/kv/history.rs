//! One key's history, as etcd's `keyIndex` keeps it: every version since the
//! store's compacted revision, deletions included, so the store can answer
//! a read at a past revision and replay changes to a watch.

use serde::{Deserialize, Serialize};

use super::KeyValue;

/// One version of a key: a put, or a deletion (a tombstone, no value).
///
/// Short field names: snapshots carry the whole history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Version {
    /// The revision of the change (the key's mod revision).
    #[serde(rename = "r")]
    pub(super) revision: u64,
    /// Its place among the changes of one revision (a transaction or a
    /// delete range changes several keys at one revision), so that watches
    /// see them in the order they were made, as etcd's sub-revisions do.
    #[serde(rename = "s", default, skip_serializing_if = "is_zero")]
    pub(super) sub: u32,
    /// The value; `None` for a deletion.
    #[serde(rename = "v")]
    pub(super) value: Option<String>,
    /// Create revision of the generation this version belongs to.
    #[serde(rename = "c", default, skip_serializing_if = "is_zero64")]
    pub(super) create_revision: u64,
    /// Version within that generation (1 for the put that created it).
    #[serde(rename = "n", default, skip_serializing_if = "is_zero64")]
    pub(super) version: u64,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_zero64(n: &u64) -> bool {
    *n == 0
}

impl Version {
    /// The key as this version has it; `None` for a deletion.
    pub(super) fn key_value(&self, key: &str) -> Option<KeyValue> {
        Some(KeyValue {
            key: key.to_string(),
            value: self.value.clone()?,
            create_revision: self.create_revision,
            mod_revision: self.revision,
            version: self.version,
        })
    }

    /// The key as a watch event carries it: a deletion as etcd sends it,
    /// the key and its mod revision, everything else zero.
    pub(super) fn event_kv(&self, key: &str) -> KeyValue {
        self.key_value(key).unwrap_or_else(|| KeyValue {
            key: key.to_string(),
            mod_revision: self.revision,
            ..Default::default()
        })
    }
}

/// The versions of one key, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(super) struct KeyHistory {
    pub(super) versions: Vec<Version>,
}

impl KeyHistory {
    /// The latest version, if any.
    pub(super) fn latest(&self) -> Option<&Version> {
        self.versions.last()
    }

    /// Whether the key exists now.
    pub(super) fn is_live(&self) -> bool {
        self.latest().is_some_and(|v| v.value.is_some())
    }

    /// The version in force at `revision`, if the key existed then.
    pub(super) fn at(&self, revision: u64) -> Option<&Version> {
        let n = self.versions.partition_point(|v| v.revision <= revision);
        let v = self.versions.get(n.checked_sub(1)?)?;
        v.value.is_some().then_some(v)
    }

    /// Writes `value` at `revision`, continuing the key's generation if it
    /// exists and starting a new one if not.
    pub(super) fn put(&mut self, revision: u64, sub: u32, value: String) {
        let (create_revision, version) = match self.latest() {
            Some(v) if v.value.is_some() => (v.create_revision, v.version + 1),
            _ => (revision, 1),
        };
        self.versions.push(Version {
            revision,
            sub,
            value: Some(value),
            create_revision,
            version,
        });
    }

    /// Deletes the key at `revision`; false (and nothing recorded) if it
    /// does not exist.
    pub(super) fn delete(&mut self, revision: u64, sub: u32) -> bool {
        if !self.is_live() {
            return false;
        }
        self.versions.push(Version {
            revision,
            sub,
            value: None,
            create_revision: 0,
            version: 0,
        });
        true
    }

    /// Forgets what no read at `revision` or later and no watch from
    /// `revision` on can need: versions older than `revision`, except the
    /// last one of them if it is a put (still in force at `revision`).
    /// Returns whether anything is left.
    pub(super) fn compact(&mut self, revision: u64) -> bool {
        let older = self.versions.partition_point(|v| v.revision < revision);
        if older > 0 {
            let keep_last = self.versions[older - 1].value.is_some();
            let drop = if keep_last { older - 1 } else { older };
            self.versions.drain(..drop);
        }
        !self.versions.is_empty()
    }
}
