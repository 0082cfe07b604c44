//! A member's disk: the Raft storage that survives a crash.
//!
//! Only what the Ready loop explicitly persisted lives here: the hard state
//! (term, vote, commit), the log entries, and the latest snapshot (the
//! compacted prefix of the log, with the KV contents and the membership at
//! its index). Everything else a member has (the Raft state machine, unsent
//! messages, waiting reads, the applied KV) is volatile and rebuilt from this
//! on restart.

use std::cell::Cell;

use raft::prelude::{ConfState, Entry, HardState, Snapshot};
use raft::{GetEntriesContext, RaftState, Storage, StorageError};

/// The persisted state of one member.
#[derive(Clone, Debug, Default)]
pub struct Disk {
    hard_state: HardState,
    snapshot: Snapshot,
    /// Entries with indexes `snapshot index + 1 ..= last_index`.
    entries: Vec<Entry>,
    /// Set when Raft asked for a snapshot the disk cannot give yet; the
    /// member then takes a fresh one (see [`Disk::take_snapshot_wanted`]).
    snapshot_wanted: Cell<bool>,
}

impl Disk {
    /// A blank disk, as for a member that joins an existing cluster.
    pub fn empty() -> Self {
        Self::default()
    }

    /// A disk bootstrapped for a founding member: every founding member
    /// starts from the same snapshot at index 1, term 1, holding the initial
    /// voters and an empty store. Starting at index 1 (rather than 0) means
    /// a member added later receives this snapshot first and so learns the
    /// founding membership before replaying later conf changes.
    pub fn bootstrap(founders: ConfState, empty_store: Vec<u8>) -> Self {
        let mut snapshot = Snapshot::default();
        let meta = snapshot.mut_metadata();
        meta.index = 1;
        meta.term = 1;
        meta.set_conf_state(founders);
        snapshot.data = empty_store.into();
        let hard_state = HardState {
            term: 1,
            commit: 1,
            ..Default::default()
        };
        Disk {
            hard_state,
            snapshot,
            entries: Vec::new(),
            snapshot_wanted: Cell::new(false),
        }
    }

    /// The persisted term, vote and commit index.
    pub fn hard_state(&self) -> &HardState {
        &self.hard_state
    }

    /// Persists a new hard state.
    pub fn set_hard_state(&mut self, hs: HardState) {
        self.hard_state = hs;
    }

    /// Persists a new commit index (from a light ready).
    pub fn set_commit(&mut self, commit: u64) {
        self.hard_state.commit = commit;
    }

    /// The latest snapshot (the compacted prefix).
    pub fn snapshot_ref(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Index of the snapshot, 0 on a blank disk.
    pub fn snapshot_index(&self) -> u64 {
        self.snapshot.get_metadata().index
    }

    /// The entries after the snapshot.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The last index on disk (the snapshot's if no entries follow it).
    pub fn last(&self) -> u64 {
        self.snapshot_index() + self.entries.len() as u64
    }

    /// Appends entries from a Ready, first discarding any persisted entries
    /// at or after the first new index (a new leader overwrote them).
    pub fn append(&mut self, ents: &[Entry]) {
        let Some(first) = ents.first() else { return };
        let offset = self.snapshot_index() + 1;
        debug_assert!(first.index >= offset, "append below the snapshot");
        let keep = first.index.saturating_sub(offset) as usize;
        self.entries.truncate(keep);
        self.entries.extend_from_slice(ents);
    }

    /// Installs a snapshot received from the leader: it replaces the whole
    /// log, as in etcd's MemoryStorage.
    pub fn apply_snapshot(&mut self, snap: Snapshot) {
        let meta = snap.get_metadata();
        self.hard_state.commit = meta.index;
        self.hard_state.term = self.hard_state.term.max(meta.term);
        self.entries.clear();
        self.snapshot = snap;
    }

    /// Replaces the log up to `index` by a snapshot holding `data` and the
    /// membership `conf_state` as of `index`. `index` must be applied and
    /// persisted; anything else is refused.
    pub fn compact(
        &mut self,
        index: u64,
        conf_state: ConfState,
        data: Vec<u8>,
    ) -> Result<(), String> {
        if index <= self.snapshot_index() {
            return Err(format!(
                "index {index} is already compacted (snapshot at {})",
                self.snapshot_index()
            ));
        }
        if index > self.last() {
            return Err(format!("index {index} is past the log end {}", self.last()));
        }
        let term = self.entry_term(index).expect("index is within the log");
        let drop = (index - self.snapshot_index()) as usize;
        self.entries.drain(..drop);
        let mut snapshot = Snapshot::default();
        let meta = snapshot.mut_metadata();
        meta.index = index;
        meta.term = term;
        meta.set_conf_state(conf_state);
        snapshot.data = data.into();
        self.snapshot = snapshot;
        Ok(())
    }

    /// Whether Raft asked for a newer snapshot since the last call.
    pub fn take_snapshot_wanted(&self) -> bool {
        self.snapshot_wanted.replace(false)
    }

    fn entry_term(&self, idx: u64) -> Option<u64> {
        let snap = self.snapshot.get_metadata();
        if idx == snap.index {
            return Some(snap.term);
        }
        if idx < snap.index || idx > self.last() {
            return None;
        }
        Some(self.entries[(idx - snap.index - 1) as usize].term)
    }
}

impl Storage for Disk {
    fn initial_state(&self) -> raft::Result<RaftState> {
        // The membership comes from the snapshot; conf changes after it are
        // in the log and are applied again on restart, which rebuilds the
        // current membership exactly (as etcd does).
        Ok(RaftState::new(
            self.hard_state.clone(),
            self.snapshot.get_metadata().get_conf_state().clone(),
        ))
    }

    fn entries(
        &self,
        low: u64,
        high: u64,
        max_size: impl Into<Option<u64>>,
        _context: GetEntriesContext,
    ) -> raft::Result<Vec<Entry>> {
        let offset = self.snapshot_index() + 1;
        if low < offset {
            return Err(raft::Error::Store(StorageError::Compacted));
        }
        if high > self.last() + 1 {
            return Err(raft::Error::Store(StorageError::Unavailable));
        }
        let lo = (low - offset) as usize;
        let hi = (high - offset) as usize;
        let mut ents = self.entries[lo..hi].to_vec();
        raft::util::limit_size(&mut ents, max_size.into());
        Ok(ents)
    }

    fn term(&self, idx: u64) -> raft::Result<u64> {
        if idx < self.snapshot_index() {
            return Err(raft::Error::Store(StorageError::Compacted));
        }
        self.entry_term(idx)
            .ok_or(raft::Error::Store(StorageError::Unavailable))
    }

    fn first_index(&self) -> raft::Result<u64> {
        Ok(self.snapshot_index() + 1)
    }

    fn last_index(&self) -> raft::Result<u64> {
        Ok(self.last())
    }

    fn snapshot(&self, request_index: u64, to: u64) -> raft::Result<Snapshot> {
        // A member that joined after the last compaction is not in that
        // snapshot's membership and would refuse it: ask for a fresh one.
        let cs = self.snapshot.get_metadata().get_conf_state();
        let names_to = cs.voters.contains(&to)
            || cs.learners.contains(&to)
            || cs.voters_outgoing.contains(&to)
            || cs.learners_next.contains(&to);
        if self.snapshot_index() < request_index || !names_to {
            self.snapshot_wanted.set(true);
            return Err(raft::Error::Store(
                StorageError::SnapshotTemporarilyUnavailable,
            ));
        }
        Ok(self.snapshot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voters(ids: &[u64]) -> ConfState {
        ConfState {
            voters: ids.to_vec(),
            ..Default::default()
        }
    }

    fn entry(index: u64, term: u64) -> Entry {
        Entry {
            index,
            term,
            ..Default::default()
        }
    }

    #[test]
    fn append_overwrites_conflicting_suffix() {
        let mut d = Disk::bootstrap(voters(&[1, 2, 3]), Vec::new());
        d.append(&[entry(2, 2), entry(3, 2), entry(4, 2)]);
        d.append(&[entry(3, 3)]);
        assert_eq!(d.last(), 3);
        assert_eq!(d.term(3).unwrap(), 3);
        assert_eq!(d.term(1).unwrap(), 1);
        assert!(d.term(0).is_err());
    }

    #[test]
    fn compact_keeps_the_tail() {
        let mut d = Disk::bootstrap(voters(&[1]), Vec::new());
        d.append(&[entry(2, 2), entry(3, 2), entry(4, 3)]);
        let cs = d.snapshot_ref().get_metadata().get_conf_state().clone();
        d.compact(3, cs, b"{}".to_vec()).unwrap();
        assert_eq!(d.first_index().unwrap(), 4);
        assert_eq!(d.term(3).unwrap(), 2);
        let ctx = || GetEntriesContext::empty(false);
        assert!(Storage::entries(&d, 2, 4, None, ctx()).is_err());
        assert_eq!(Storage::entries(&d, 4, 5, None, ctx()).unwrap().len(), 1);
        assert!(d.compact(3, ConfState::default(), Vec::new()).is_err());
        assert!(d.compact(9, ConfState::default(), Vec::new()).is_err());
    }
}
