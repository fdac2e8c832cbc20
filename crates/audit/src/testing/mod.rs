//! Test support: sample events and chains ([`event`], [`chain_of`]), the in-memory log
//! ([`memory`]) and the contract every `AuditLog` keeps ([`contract`]).

use chrono::{DateTime, TimeZone, Utc};
use kernel::{Actor, Channel, Role};
use uuid::Uuid;

use crate::model::{AuditEvent, AuditRecord, Outcome, object};
use crate::rules::chain::{ChainKeys, GENESIS};

pub mod contract;
mod memory;

pub use memory::MemoryAuditLog;

/// A fixed instant for sample events.
pub fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).single().expect("a valid instant")
}

/// A coordinator on the staff API, for sample events.
pub fn coordinator() -> Actor {
    Actor {
        account: Some(Uuid::from_u128(1)),
        login: "coordinator".into(),
        role: Role::Coordinator,
        organization: None,
        person: None,
        channel: Channel::Graphql,
        request_id: "req-1".into(),
        origin: Some("192.0.2.7".into()),
    }
}

/// The keys of test chains: fixed, so that sample rows hash the same in every run.
pub fn test_keys() -> ChainKeys {
    ChainKeys::parse(&format!("1 {}", "5a".repeat(32))).expect("a valid test key")
}

/// The `n`-th sample event.
pub fn event(n: usize) -> AuditEvent {
    let outcome = if n.is_multiple_of(3) { Outcome::Denied } else { Outcome::Success };
    AuditEvent::new(
        &coordinator(),
        if n.is_multiple_of(2) { "organization.write" } else { "person.read" },
        object("organization", Uuid::from_u128(n as u128)),
        outcome,
        instant() + chrono::TimeDelta::seconds(n as i64),
    )
    .with_detail(format!("sample {n}"))
}

/// A valid chain of `n` sample rows sealed with [`test_keys`].
pub fn chain_of(n: usize) -> Vec<AuditRecord> {
    chain_with(&test_keys(), n)
}

/// A valid chain of `n` sample rows sealed with `keys` (rows before their first key unkeyed;
/// those carry no origin, as rows written before keyed chains never did).
pub fn chain_with(keys: &ChainKeys, n: usize) -> Vec<AuditRecord> {
    let mut prev = GENESIS.to_owned();
    (0..n)
        .map(|i| {
            let seq = i as i64 + 1;
            let mut event = event(i);
            if keys.key_for(seq).is_none() {
                event.origin = None;
            }
            let hash = keys.seal(&prev, seq, &event);
            AuditRecord { seq, event, prev_hash: std::mem::replace(&mut prev, hash.clone()), hash }
        })
        .collect()
}
