//! The store as a Raft snapshot's data: a compact binary form.
//!
//! Members snapshot their store every `snapshot_threshold` applied entries,
//! and the store now carries its history (up to [`RETAINED_REVISIONS`]
//! versions); as JSON that made the simulation measurably slower (string
//! escaping and number formatting of every version). This form is
//! length-prefixed bytes and LEB128 numbers: written and read in one pass,
//! about half the size.
//!
//! Layout: the magic `KV1`, revision, compacted revision, 1 if a
//! compaction happened (else 0), key count, then
//! per key its bytes and versions (revision, sub-revision, 0 for a deletion
//! or 1 and value, create revision, version), then the remembered op ids
//! as ascending deltas.
//!
//! [`RETAINED_REVISIONS`]: super::RETAINED_REVISIONS

use std::collections::BTreeMap;

use super::history::{KeyHistory, Version};
use super::KvStore;

const MAGIC: &[u8] = b"KV1";

/// Why snapshot data could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unreadable KV snapshot data: {0}")]
pub struct SnapshotError(&'static str);

struct Writer(Vec<u8>);

impl Writer {
    fn num(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        self.num(b.len() as u64);
        self.0.extend_from_slice(b);
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn num(&mut self) -> Result<u64, SnapshotError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first().ok_or(SnapshotError("cut short"))?;
            self.0 = rest;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(SnapshotError("a number is too long"))
    }

    fn text(&mut self) -> Result<String, SnapshotError> {
        let len = usize::try_from(self.num()?).map_err(|_| SnapshotError("a length is too big"))?;
        if len > self.0.len() {
            return Err(SnapshotError("cut short"));
        }
        let (b, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(b.to_vec()).map_err(|_| SnapshotError("a key or value is not UTF-8"))
    }
}

impl KvStore {
    /// Serialized form for a Raft snapshot (history included, so that a
    /// member that catches up by snapshot can serve past revisions too).
    pub fn to_snapshot_data(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 + 24 * self.versions_kept()));
        w.0.extend_from_slice(MAGIC);
        w.num(self.revision);
        w.num(self.compact_revision);
        w.num(u64::from(self.compacted));
        w.num(self.keys.len() as u64);
        for (key, h) in &self.keys {
            w.bytes(key.as_bytes());
            w.num(h.versions.len() as u64);
            for v in &h.versions {
                w.num(v.revision);
                w.num(u64::from(v.sub));
                match &v.value {
                    None => w.num(0),
                    Some(value) => {
                        w.num(1);
                        w.bytes(value.as_bytes());
                        w.num(v.create_revision);
                        w.num(v.version);
                    }
                }
            }
        }
        w.num(self.applied_ops.len() as u64);
        let mut prev = 0;
        for &op in &self.applied_ops {
            w.num(op - prev);
            prev = op;
        }
        w.0
    }

    /// Rebuilds a store from snapshot data; empty data is an empty store.
    pub fn from_snapshot_data(data: &[u8]) -> Result<KvStore, SnapshotError> {
        if data.is_empty() {
            return Ok(KvStore::new());
        }
        let body = data
            .strip_prefix(MAGIC)
            .ok_or(SnapshotError("no KV1 mark"))?;
        let mut r = Reader(body);
        let revision = r.num()?;
        let compact_revision = r.num()?;
        let compacted = r.num()? == 1;
        let mut keys = BTreeMap::new();
        for _ in 0..r.num()? {
            let key = r.text()?;
            let n = r.num()?;
            let mut versions = Vec::with_capacity(n.min(1 << 16) as usize);
            for _ in 0..n {
                let revision = r.num()?;
                let sub = u32::try_from(r.num()?).map_err(|_| SnapshotError("bad sub-revision"))?;
                let v = match r.num()? {
                    0 => Version {
                        revision,
                        sub,
                        value: None,
                        create_revision: 0,
                        version: 0,
                    },
                    1 => Version {
                        revision,
                        sub,
                        value: Some(r.text()?),
                        create_revision: r.num()?,
                        version: r.num()?,
                    },
                    _ => return Err(SnapshotError("bad version tag")),
                };
                versions.push(v);
            }
            keys.insert(key, KeyHistory { versions });
        }
        let mut applied_ops = std::collections::BTreeSet::new();
        let mut op = 0u64;
        for _ in 0..r.num()? {
            op = op.checked_add(r.num()?).ok_or(SnapshotError("bad op id"))?;
            applied_ops.insert(op);
        }
        if !r.0.is_empty() {
            return Err(SnapshotError("bytes after the end"));
        }
        Ok(KvStore {
            revision,
            compact_revision,
            compacted,
            keys,
            applied_ops,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{Command, RangeEnd, WriteOp};

    #[test]
    fn a_store_survives_the_round_trip_and_bad_data_is_an_error() {
        let mut kv = KvStore::new();
        for (op_id, key, value) in [(1, "a", "1"), (2, "b", "ü\"\n"), (7, "a", "2")] {
            kv.apply(&Command {
                op_id,
                op: WriteOp::Put {
                    key: key.into(),
                    value: value.into(),
                },
            });
        }
        kv.apply(&Command {
            op_id: 300,
            op: WriteOp::DeleteRange {
                key: "a".into(),
                end: RangeEnd::FromKey,
            },
        });
        kv.compact(3).unwrap();
        let data = kv.to_snapshot_data();
        assert_eq!(KvStore::from_snapshot_data(&data).unwrap(), kv);
        assert_eq!(KvStore::from_snapshot_data(&[]).unwrap(), KvStore::new());
        for cut in 0..data.len() {
            assert!(KvStore::from_snapshot_data(&data[..cut]).is_err() || cut == 0);
        }
        assert!(KvStore::from_snapshot_data(b"{\"revision\":1}").is_err());
    }
}
