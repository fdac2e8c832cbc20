//! The chain rule: each row's hash covers the previous hash and every field of the row, so an
//! edited, inserted or removed row breaks the chain at a place the verifier names.

use sha2::{Digest, Sha256};

use crate::model::{AuditEvent, AuditRecord, ChainHead};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of the row at `seq` with this event after `prev_hash`: SHA-256 over length-prefixed
/// fields, so no two different rows encode alike.
pub fn link(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(&seq.to_be_bytes());
    field(&event.at.timestamp_micros().to_be_bytes());
    field(event.account.map(|a| a.to_string()).unwrap_or_default().as_bytes());
    field(event.login.as_bytes());
    field(event.role.code().as_bytes());
    field(event.channel.code().as_bytes());
    field(event.action.as_bytes());
    field(event.object.as_deref().unwrap_or("").as_bytes());
    field(event.request_id.as_bytes());
    field(event.outcome.code().as_bytes());
    field(event.detail.as_deref().unwrap_or("").as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where and how the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// A row is missing (deleted) or out of place.
    #[error(
        "запись {expected} журнала аудита отсутствует (следующая: {found}) / audit row {expected} is missing (next found: {found})"
    )]
    Missing { expected: i64, found: i64 },
    /// A row's content no longer matches its hash.
    #[error("запись {seq} журнала аудита изменена / audit row {seq} was edited")]
    Edited { seq: i64 },
    /// A row does not point at its predecessor.
    #[error("запись {seq} журнала аудита не связана с предыдущей / audit row {seq} does not link to the previous one")]
    Unlinked { seq: i64 },
    /// The chain ends before (or after) the recorded head: rows were removed from the end.
    #[error(
        "журнал аудита обрывается на записи {last}, а последняя записанная — {head} / the audit log ends at row {last} but the head says {head}"
    )]
    Truncated { last: i64, head: i64 },
}

/// Checks rows in `seq` order, one at a time, so a long log needs no memory.
#[derive(Debug)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { next_seq: 1, prev_hash: GENESIS.to_owned() }
    }
}

impl ChainVerifier {
    /// Checks the next row.
    pub fn check(&mut self, record: &AuditRecord) -> Result<(), ChainBreak> {
        if record.seq != self.next_seq {
            return Err(ChainBreak::Missing { expected: self.next_seq, found: record.seq });
        }
        if record.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked { seq: record.seq });
        }
        if link(&record.prev_hash, record.seq, &record.event) != record.hash {
            return Err(ChainBreak::Edited { seq: record.seq });
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&record.hash);
        Ok(())
    }

    /// Ends the walk: the last row checked must be the recorded head. Returns the rows checked.
    pub fn finish(self, head: Option<&ChainHead>) -> Result<u64, ChainBreak> {
        let last = self.next_seq - 1;
        match head {
            None if last == 0 => Ok(0),
            Some(head) if head.seq == last && head.hash == self.prev_hash => Ok(last.unsigned_abs()),
            head => Err(ChainBreak::Truncated { last, head: head.map_or(0, |h| h.seq) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::chain_of;
    use proptest::prelude::*;

    fn verify(records: &[AuditRecord], head: Option<&ChainHead>) -> Result<u64, ChainBreak> {
        let mut verifier = ChainVerifier::default();
        for record in records {
            verifier.check(record)?;
        }
        verifier.finish(head)
    }

    fn head_of(records: &[AuditRecord]) -> Option<ChainHead> {
        records.last().map(|r| ChainHead { seq: r.seq, hash: r.hash.clone() })
    }

    #[test]
    fn an_empty_log_verifies() {
        assert_eq!(verify(&[], None), Ok(0));
    }

    proptest! {
        #[test]
        fn an_untouched_chain_verifies(n in 1usize..40) {
            let records = chain_of(n);
            prop_assert_eq!(verify(&records, head_of(&records).as_ref()), Ok(n as u64));
        }

        #[test]
        fn editing_any_field_of_any_row_is_detected(n in 1usize..30, at in 0usize..30, what in 0usize..5) {
            let mut records = chain_of(n);
            let head = head_of(&records);
            let row = &mut records[at % n];
            match what {
                0 => row.event.login.push('x'),
                1 => row.event.outcome = crate::Outcome::Denied,
                2 => row.event.detail = Some("changed".into()),
                3 => row.event.at += chrono::TimeDelta::microseconds(1),
                _ => row.event.object = None,
            }
            let changed = *row != chain_of(n)[at % n];
            prop_assume!(changed);
            prop_assert!(verify(&records, head.as_ref()).is_err());
        }

        #[test]
        fn removing_any_row_is_detected(n in 1usize..30, at in 0usize..30) {
            let mut records = chain_of(n);
            let head = head_of(&records);
            records.remove(at % n);
            prop_assert!(verify(&records, head.as_ref()).is_err());
        }
    }

    #[test]
    fn rehashing_an_edited_row_still_breaks_the_next_link() {
        let mut records = chain_of(3);
        records[1].event.login = "someone-else".into();
        records[1].hash = link(&records[1].prev_hash, 2, &records[1].event);
        let head = head_of(&records);
        assert_eq!(verify(&records, head.as_ref()), Err(ChainBreak::Unlinked { seq: 3 }));
    }
}
