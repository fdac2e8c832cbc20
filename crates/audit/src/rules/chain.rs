//! The chain rule: each row's seal covers the previous hash and every field of the row, keyed
//! with a secret that does not live in the database. An edited, inserted or removed row breaks
//! the chain at a place the verifier names, and someone who can write the database but lacks the
//! key cannot recompute a rewritten suffix. Keys rotate: each seals the rows from its first
//! `seq` on, and rows written before the first key (logs older than keyed chains) keep their
//! unkeyed SHA-256 links.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::model::{AuditEvent, AuditRecord, ChainHead};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Bytes of secret in one key (256 bits, the size of the HMAC-SHA-256 output).
pub const KEY_BYTES: usize = 32;

/// One key: it seals the rows from `from_seq` on, until the next key begins.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainKey {
    from_seq: i64,
    secret: [u8; KEY_BYTES],
}

impl ChainKey {
    /// The first row this key seals.
    pub fn from_seq(&self) -> i64 {
        self.from_seq
    }

    /// A short public name of the key (the first 8 bytes of SHA-256 of the secret), for logs
    /// and the operator guide's rotation steps; it reveals nothing usable about the secret.
    pub fn fingerprint(&self) -> String {
        hex(&Sha256::digest(self.secret)[..8])
    }
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainKey {{ from_seq: {}, fingerprint: {} }}", self.from_seq, self.fingerprint())
    }
}

/// Why a key text is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No key at all.
    #[error("ключ журнала аудита пуст / the audit key holds no key: expected lines `FROM_SEQ HEX64`")]
    Empty,
    /// A line is not `FROM_SEQ HEX64`.
    #[error(
        "ключ журнала аудита, строка {line}: ожидается `НОМЕР 64-шестнадцатеричных-цифры` / audit key, line {line}: expected `FROM_SEQ HEX64` ({problem})"
    )]
    Line {
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Keys must begin at increasing rows.
    #[error(
        "ключ журнала аудита, строка {line}: номер первой записи должен быть больше, чем у предыдущего ключа / audit key, line {line}: each key must begin after the previous one"
    )]
    Order {
        /// The line, from 1.
        line: usize,
    },
}

/// Where a process gets the keys it seals with, asked again before every append (under the
/// chain head's lock), so a key rotated by another process is used from its first row on.
pub trait KeySource: Send + Sync {
    /// The keys in effect now, or why they cannot be had (then nothing is appended).
    fn current(&self) -> Result<std::sync::Arc<ChainKeys>, String>;
}

/// Keys that never change (tests, and `NKO_AUDIT_KEY`, which a running process cannot see change).
#[derive(Clone, Debug)]
pub struct FixedKeys(pub std::sync::Arc<ChainKeys>);

impl KeySource for FixedKeys {
    fn current(&self) -> Result<std::sync::Arc<ChainKeys>, String> {
        Ok(self.0.clone())
    }
}

/// Every key the chain was ever sealed with, oldest first (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainKeys {
    keys: Vec<ChainKey>,
}

impl ChainKeys {
    /// One new random key sealing the rows from `from_seq` on (`from_seq` is at least 1).
    pub fn generate(from_seq: i64) -> Self {
        Self { keys: vec![ChainKey { from_seq: from_seq.max(1), secret: rand::random() }] }
    }

    /// The keys from their text: one `FROM_SEQ HEX64` per line, oldest first; blank lines and
    /// lines starting with `#` are ignored. A single bare `HEX64` is one key from row 1 (the
    /// short form for `NKO_AUDIT_KEY`).
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let mut keys: Vec<ChainKey> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (from, secret) = match (parts.next(), parts.next(), parts.next()) {
                (Some(secret), None, None) => ("1", secret),
                (Some(from), Some(secret), None) => (from, secret),
                _ => return Err(KeyError::Line { line: line_no, problem: "two fields" }),
            };
            let from_seq = from
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or(KeyError::Line { line: line_no, problem: "the first row is a positive number" })?;
            let secret =
                unhex(secret).ok_or(KeyError::Line { line: line_no, problem: "the key is 64 hexadecimal digits" })?;
            if keys.last().is_some_and(|k| k.from_seq >= from_seq) {
                return Err(KeyError::Order { line: line_no });
            }
            keys.push(ChainKey { from_seq, secret });
        }
        if keys.is_empty() { Err(KeyError::Empty) } else { Ok(Self { keys }) }
    }

    /// The text [`ChainKeys::parse`] reads, with a comment saying what it is.
    pub fn to_text(&self) -> String {
        let mut text = String::from(
            "# Ключи журнала аудита НКО-центра: храните в секрете, не удаляйте старые строки.\n\
             # NKO audit chain keys: keep secret, never delete old lines. FROM_SEQ HEX64, oldest first.\n",
        );
        for key in &self.keys {
            text.push_str(&format!("{} {}\n", key.from_seq, hex(&key.secret)));
        }
        text
    }

    /// Adds a new random key sealing the rows from `from_seq` on (after the newest key's first row).
    pub fn rotate(&mut self, from_seq: i64) -> Result<&ChainKey, KeyError> {
        if from_seq <= self.newest().from_seq {
            return Err(KeyError::Order { line: self.keys.len() + 1 });
        }
        self.keys.push(ChainKey { from_seq, secret: rand::random() });
        Ok(self.newest())
    }

    /// The newest key (the one new rows are sealed with).
    pub fn newest(&self) -> &ChainKey {
        self.keys.last().expect("ChainKeys is never empty")
    }

    /// Every key, oldest first.
    pub fn all(&self) -> &[ChainKey] {
        &self.keys
    }

    /// The key that seals row `seq`; `None` for rows written before keyed chains began.
    pub fn key_for(&self, seq: i64) -> Option<&ChainKey> {
        self.keys.iter().rev().find(|k| k.from_seq <= seq)
    }

    /// The hash of the row at `seq` with this event after `prev_hash`: HMAC-SHA-256 under the
    /// row's key over length-prefixed fields (absent and empty optional fields differ), or, for
    /// rows before the first key, the unkeyed [`legacy_link`].
    pub fn seal(&self, prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
        match self.key_for(seq) {
            Some(key) => keyed_link(key, prev_hash, seq, event),
            None => legacy_link(prev_hash, seq, event),
        }
    }
}

/// The keyed rule (version 2): HMAC-SHA-256 over a domain tag and every field, each optional
/// field marked present or absent before its bytes.
fn keyed_link(key: &ChainKey, prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.secret).expect("HMAC takes a key of any length");
    let mut field = |bytes: &[u8]| {
        mac.update(&(bytes.len() as u64).to_be_bytes());
        mac.update(bytes);
    };
    field(b"nko-audit/2");
    field(prev_hash.as_bytes());
    field(&seq.to_be_bytes());
    field(&event.at.timestamp_micros().to_be_bytes());
    let account = event.account.map(|a| a.to_string());
    for optional in [account.as_deref(), event.object.as_deref(), event.detail.as_deref(), event.origin.as_deref()] {
        match optional {
            None => field(&[0]),
            Some(value) => {
                field(&[1]);
                field(value.as_bytes());
            }
        }
    }
    field(event.login.as_bytes());
    field(event.role.code().as_bytes());
    field(event.channel.code().as_bytes());
    field(event.action.as_bytes());
    field(event.request_id.as_bytes());
    field(event.outcome.code().as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The unkeyed rule (version 1) of rows written before keyed chains: SHA-256 over
/// length-prefixed fields, where an absent optional field hashes like an empty one. Kept only to
/// verify those rows; such a row can carry no `origin` (the field did not exist).
pub fn legacy_link(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
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
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; KEY_BYTES]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * KEY_BYTES {
        return None;
    }
    let mut out = [0u8; KEY_BYTES];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

/// Where and how the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// A row is missing (deleted) or out of place.
    #[error(
        "запись {expected} журнала аудита отсутствует (следующая: {found}) / audit row {expected} is missing (next found: {found})"
    )]
    Missing { expected: i64, found: i64 },
    /// A row's content no longer matches its seal.
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
    /// The chain ends before a row the operator (a checkpoint) or the key file knows existed.
    #[error(
        "журнал аудита обрывается на записи {last}, а запись {known} существовала (контрольная точка или ключ) / the audit log ends at row {last} but row {known} existed (checkpoint or key)"
    )]
    Shortened { last: i64, known: i64 },
    /// The row at a checkpoint has another hash than the one kept: the chain up to it was rewritten.
    #[error(
        "запись {seq} журнала аудита не совпадает с контрольной точкой / audit row {seq} differs from the checkpoint"
    )]
    CheckpointMismatch { seq: i64 },
}

/// Checks rows in `seq` order, one at a time, so a long log needs no memory.
#[derive(Debug)]
pub struct ChainVerifier<'k> {
    keys: &'k ChainKeys,
    checkpoint: Option<ChainHead>,
    next_seq: i64,
    prev_hash: String,
}

impl<'k> ChainVerifier<'k> {
    /// A verifier of a chain sealed with `keys`.
    pub fn new(keys: &'k ChainKeys) -> Self {
        Self { keys, checkpoint: None, next_seq: 1, prev_hash: GENESIS.to_owned() }
    }

    /// Also requires the row at `checkpoint.seq` to exist with `checkpoint.hash` (a head the
    /// operator printed earlier and kept elsewhere).
    #[must_use]
    pub fn with_checkpoint(mut self, checkpoint: Option<ChainHead>) -> Self {
        self.checkpoint = checkpoint;
        self
    }

    /// Checks the next row.
    pub fn check(&mut self, record: &AuditRecord) -> Result<(), ChainBreak> {
        if record.seq != self.next_seq {
            return Err(ChainBreak::Missing { expected: self.next_seq, found: record.seq });
        }
        if record.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked { seq: record.seq });
        }
        let legacy_with_origin = self.keys.key_for(record.seq).is_none() && record.event.origin.is_some();
        if legacy_with_origin || self.keys.seal(&record.prev_hash, record.seq, &record.event) != record.hash {
            return Err(ChainBreak::Edited { seq: record.seq });
        }
        if self.checkpoint.as_ref().is_some_and(|c| c.seq == record.seq && c.hash != record.hash) {
            return Err(ChainBreak::CheckpointMismatch { seq: record.seq });
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&record.hash);
        Ok(())
    }

    /// Ends the walk: the last row checked must be the recorded head, and no earlier than the
    /// checkpoint or the row before the newest key began (the log had reached it then).
    /// Returns the rows checked.
    pub fn finish(self, head: Option<&ChainHead>) -> Result<u64, ChainBreak> {
        let last = self.next_seq - 1;
        let known = self.checkpoint.as_ref().map_or(0, |c| c.seq).max(self.keys.newest().from_seq() - 1);
        if last < known {
            return Err(ChainBreak::Shortened { last, known });
        }
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
    use crate::testing::{chain_of, chain_with, event, test_keys};
    use proptest::prelude::*;

    fn verify(keys: &ChainKeys, records: &[AuditRecord], head: Option<&ChainHead>) -> Result<u64, ChainBreak> {
        verify_from(keys, records, head, None)
    }

    fn verify_from(
        keys: &ChainKeys,
        records: &[AuditRecord],
        head: Option<&ChainHead>,
        checkpoint: Option<ChainHead>,
    ) -> Result<u64, ChainBreak> {
        let mut verifier = ChainVerifier::new(keys).with_checkpoint(checkpoint);
        for record in records {
            verifier.check(record)?;
        }
        verifier.finish(head)
    }

    fn head_of(records: &[AuditRecord]) -> Option<ChainHead> {
        records.last().map(|r| ChainHead { seq: r.seq, hash: r.hash.clone() })
    }

    /// Recomputes every seal from `from` on with `keys`, as an attacker with database access
    /// (and perhaps a key) would after editing a row.
    fn rehash(records: &mut [AuditRecord], keys: &ChainKeys) {
        let mut prev = GENESIS.to_owned();
        for record in records.iter_mut() {
            record.prev_hash = prev.clone();
            record.hash = keys.seal(&prev, record.seq, &record.event);
            prev = record.hash.clone();
        }
    }

    /// Every hashed field of an event, changed in turn (14 ways over the 11 event fields plus
    /// `seq`, `prev_hash` and `hash`, which the verifier checks separately).
    fn edit(record: &mut AuditRecord, what: usize) {
        let e = &mut record.event;
        match what {
            0 => e.at += chrono::TimeDelta::microseconds(1),
            1 => e.account = if e.account.is_some() { None } else { Some(uuid::Uuid::from_u128(7)) },
            2 => e.login.push('x'),
            3 => e.role = if e.role == kernel::Role::Admin { kernel::Role::Lawyer } else { kernel::Role::Admin },
            4 => {
                e.channel =
                    if e.channel == kernel::Channel::Cli { kernel::Channel::Graphql } else { kernel::Channel::Cli }
            }
            5 => e.action.push('x'),
            6 => e.object = Some(format!("{}x", e.object.clone().unwrap_or_default())),
            7 => e.request_id.push('x'),
            8 => {
                e.outcome =
                    if e.outcome == crate::Outcome::Failed { crate::Outcome::Success } else { crate::Outcome::Failed }
            }
            9 => e.detail = Some(format!("{}x", e.detail.clone().unwrap_or_default())),
            10 => e.origin = Some(format!("{}x", e.origin.clone().unwrap_or_default())),
            11 => e.detail = None,
            12 => e.object = None,
            _ => e.origin = None,
        }
    }

    #[test]
    fn an_empty_log_verifies() {
        assert_eq!(verify(&test_keys(), &[], None), Ok(0));
    }

    #[test]
    fn the_keyed_seal_is_hmac_sha256_of_the_documented_encoding() {
        // An independent HMAC (RFC 2104 spelled out over SHA-256) of the documented encoding.
        let keys = ChainKeys::parse(&format!("1 {}", "2a".repeat(32))).expect("a key");
        let event = crate::testing::event(1);
        let mut message = Vec::new();
        let mut field = |bytes: &[u8]| {
            message.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            message.extend_from_slice(bytes);
        };
        field(b"nko-audit/2");
        field(GENESIS.as_bytes());
        field(&1i64.to_be_bytes());
        field(&event.at.timestamp_micros().to_be_bytes());
        for value in
            [event.account.map(|a| a.to_string()), event.object.clone(), event.detail.clone(), event.origin.clone()]
        {
            match value {
                None => field(&[0]),
                Some(v) => {
                    field(&[1]);
                    field(v.as_bytes());
                }
            }
        }
        for text in [
            &event.login,
            event.role.code(),
            event.channel.code(),
            &event.action,
            &event.request_id,
            event.outcome.code(),
        ] {
            field(text.as_bytes());
        }
        let (mut inner, mut outer) = (vec![0x36u8 ^ 0x2a; 64], vec![0x5cu8 ^ 0x2a; 64]);
        inner[32..].fill(0x36);
        outer[32..].fill(0x5c);
        inner.extend_from_slice(&message);
        outer.extend_from_slice(&Sha256::digest(&inner));
        assert_eq!(keys.seal(GENESIS, 1, &event), hex(&Sha256::digest(&outer)));
    }

    #[test]
    fn an_absent_and_an_empty_optional_field_seal_differently() {
        let keys = test_keys();
        for (absent, empty) in [
            (AuditEvent { detail: None, ..event(1) }, AuditEvent { detail: Some(String::new()), ..event(1) }),
            (AuditEvent { object: None, ..event(1) }, AuditEvent { object: Some(String::new()), ..event(1) }),
            (AuditEvent { origin: None, ..event(1) }, AuditEvent { origin: Some(String::new()), ..event(1) }),
        ] {
            assert_ne!(keys.seal(GENESIS, 1, &absent), keys.seal(GENESIS, 1, &empty));
        }
    }

    #[test]
    fn moving_text_between_adjacent_fields_changes_the_seal() {
        let keys = test_keys();
        let a = AuditEvent { detail: Some("ab".into()), origin: Some("c".into()), ..event(1) };
        let b = AuditEvent { detail: Some("a".into()), origin: Some("bc".into()), ..event(1) };
        assert_ne!(keys.seal(GENESIS, 1, &a), keys.seal(GENESIS, 1, &b));
    }

    #[test]
    fn key_text_reads_back_and_names_the_bad_line() {
        let mut keys = ChainKeys::generate(1);
        keys.rotate(40).expect("a later key");
        assert_eq!(ChainKeys::parse(&keys.to_text()), Ok(keys.clone()));
        assert_eq!(keys.key_for(39).map(ChainKey::from_seq), Some(1));
        assert_eq!(keys.key_for(40).map(ChainKey::from_seq), Some(40));
        assert_eq!(ChainKeys::parse("# only a comment\n"), Err(KeyError::Empty));
        assert!(matches!(ChainKeys::parse("1 abc"), Err(KeyError::Line { line: 1, .. })));
        assert!(matches!(ChainKeys::parse(&format!("0 {}", "00".repeat(32))), Err(KeyError::Line { line: 1, .. })));
        let out_of_order = format!("5 {k}\n\n3 {k}", k = "11".repeat(32));
        assert_eq!(ChainKeys::parse(&out_of_order), Err(KeyError::Order { line: 3 }));
        assert!(keys.rotate(40).is_err(), "a key cannot begin where the newest one does");
        assert!(!format!("{keys:?}").contains(&hex(&keys.newest().secret)), "Debug never shows a secret");
    }

    proptest! {
        #[test]
        fn an_untouched_chain_verifies(n in 1usize..40) {
            let keys = test_keys();
            let records = chain_of(n);
            prop_assert_eq!(verify(&keys, &records, head_of(&records).as_ref()), Ok(n as u64));
        }

        #[test]
        fn editing_any_field_of_any_row_is_detected(n in 1usize..30, at in 0usize..30, what in 0usize..14) {
            let keys = test_keys();
            let mut records = chain_of(n);
            let head = head_of(&records);
            edit(&mut records[at % n], what);
            let changed = records[at % n] != chain_of(n)[at % n];
            prop_assume!(changed);
            prop_assert_eq!(
                verify(&keys, &records, head.as_ref()),
                Err(ChainBreak::Edited { seq: (at % n) as i64 + 1 })
            );
        }

        #[test]
        fn rewriting_a_row_and_resealing_the_suffix_without_the_key_is_detected(
            n in 1usize..30, at in 0usize..30, what in 0usize..14,
        ) {
            let keys = test_keys();
            let mut records = chain_of(n);
            edit(&mut records[at % n], what);
            prop_assume!(records[at % n] != chain_of(n)[at % n]);
            // The attacker recomputes every later hash and the head, with a key of their own.
            rehash(&mut records, &ChainKeys::generate(1));
            let forged_head = head_of(&records);
            prop_assert!(verify(&keys, &records, forged_head.as_ref()).is_err());
        }

        #[test]
        fn a_resealed_suffix_is_caught_by_the_checkpoint_even_with_the_key(
            n in 2usize..30, at in 0usize..30, what in 0usize..14,
        ) {
            // Someone holding the key too: only a checkpoint kept elsewhere catches the rewrite.
            let keys = test_keys();
            let mut records = chain_of(n);
            let checkpoint = head_of(&records);
            edit(&mut records[at % n], what);
            prop_assume!(records[at % n] != chain_of(n)[at % n]);
            rehash(&mut records, &keys);
            let forged_head = head_of(&records);
            prop_assert_eq!(verify(&keys, &records, forged_head.as_ref()), Ok(n as u64));
            prop_assert_eq!(
                verify_from(&keys, &records, forged_head.as_ref(), checkpoint),
                Err(ChainBreak::CheckpointMismatch { seq: n as i64 })
            );
        }

        #[test]
        fn removing_any_row_is_detected(n in 1usize..30, at in 0usize..30) {
            let keys = test_keys();
            let mut records = chain_of(n);
            let head = head_of(&records);
            records.remove(at % n);
            prop_assert!(verify(&keys, &records, head.as_ref()).is_err());
        }

        #[test]
        fn cutting_the_tail_and_moving_the_head_back_is_caught_by_a_checkpoint(n in 2usize..30, keep in 1usize..30) {
            let keys = test_keys();
            let records = chain_of(n);
            let checkpoint = head_of(&records);
            let kept = &records[..keep % n];
            let moved_head = head_of(kept);
            prop_assert_eq!(verify(&keys, kept, moved_head.as_ref()), Ok((keep % n) as u64), "without a checkpoint it looks whole");
            prop_assert_eq!(
                verify_from(&keys, kept, moved_head.as_ref(), checkpoint),
                Err(ChainBreak::Shortened { last: (keep % n) as i64, known: n as i64 })
            );
        }
    }

    #[test]
    fn rows_before_the_first_key_verify_by_the_legacy_rule_and_later_rows_by_the_key() {
        // A log of 5 unkeyed rows that got its key at row 6, and a rotation at row 9.
        let mut keys = ChainKeys::generate(6);
        keys.rotate(9).expect("a later key");
        let records = chain_with(&keys, 12);
        assert_eq!(records[4].hash, legacy_link(&records[4].prev_hash, 5, &records[4].event));
        assert_ne!(records[5].hash, legacy_link(&records[5].prev_hash, 6, &records[5].event));
        assert_eq!(verify(&keys, &records, head_of(&records).as_ref()), Ok(12));
        // A legacy row cannot gain an origin: the unkeyed rule never covered one.
        let mut edited = records.clone();
        edited[2].event.origin = Some("root@host".into());
        assert_eq!(verify(&keys, &edited, head_of(&records).as_ref()), Err(ChainBreak::Edited { seq: 3 }));
        // Cutting back before the newest key's first row is caught without any checkpoint.
        let cut = &records[..7];
        assert_eq!(verify(&keys, cut, head_of(cut).as_ref()), Err(ChainBreak::Shortened { last: 7, known: 8 }));
    }

    #[test]
    fn rehashing_an_edited_row_still_breaks_the_next_link() {
        let keys = test_keys();
        let mut records = chain_of(3);
        records[1].event.login = "someone-else".into();
        records[1].hash = keys.seal(&records[1].prev_hash, 2, &records[1].event);
        let head = head_of(&records);
        assert_eq!(verify(&keys, &records, head.as_ref()), Err(ChainBreak::Unlinked { seq: 3 }));
    }
}
