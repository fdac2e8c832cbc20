//! The contract every implementation of the account ports keeps, with one audit row per change
//! and none on a refusal, and finding the records accounts are bound to: run on the in-memory fake here, and on SQLite and PostgreSQL in
//! storage's tests.

use std::sync::Arc;

use audit::AuditLog;
use audit::testing::event;
use chrono::DateTime;
use kernel::{OrganizationId, PersonId, Role, StoreError};
use uuid::Uuid;

use crate::model::{Account, AccountId, Session, TokenHash};
use crate::ports::{AccessPorts, BoundRecords, LoginTaken};

/// What every implementation of `AccountRepo` and `SessionRepo` must do (together: a session
/// belongs to an account); panics on the first broken promise. `audit` is the log the stores
/// write their rows into (it may hold rows already: only this suite's are counted).
pub async fn accounts_and_sessions(ports: AccessPorts, audit: Arc<dyn AuditLog>) {
    let AccessPorts { accounts, sessions, .. } = ports;
    let now = DateTime::from_timestamp(1_780_000_000, 0).expect("valid");
    let account = |login: &str| Account {
        id: AccountId::new(),
        login: login.into(),
        role: Role::Coordinator,
        organization: None,
        person: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        disabled: false,
        created_at: now,
        unlocked_at: None,
    };
    let all_rows = || async { audit.scan(0, 1000).await.expect("scan").len() };
    let before = all_rows().await;
    let rows = || async { all_rows().await - before };
    let maria = account("maria");
    accounts.insert(&maria, &event(1)).await.expect("insert");
    assert_eq!(rows().await, 1, "the insert wrote its audit row");
    assert!(matches!(accounts.insert(&account("maria"), &event(2)).await, Err(StoreError::Conflict(LoginTaken))));
    assert_eq!(rows().await, 1, "a refused insert writes no audit row");
    let mut representative = account("anton");
    representative.role = Role::NgoRepresentative;
    representative.organization = Some(kernel::OrganizationId(uuid::Uuid::from_u128(5)));
    accounts.insert(&representative, &event(3)).await.expect("insert");
    assert_eq!(accounts.by_login("maria").await.expect("by_login"), Some(maria.clone()));
    assert_eq!(accounts.get(representative.id).await.expect("get"), Some(representative.clone()));
    assert_eq!(
        accounts.list().await.expect("list").iter().map(|a| a.login.as_str()).collect::<Vec<_>>(),
        ["anton", "maria"]
    );

    let session = Session {
        token_hash: TokenHash::of("t1"),
        account: maria.id,
        created_at: now,
        expires_at: now + chrono::TimeDelta::hours(12),
        last_seen_at: now,
    };
    sessions.insert(&session, &event(4)).await.expect("insert");
    assert_eq!(
        sessions.get(&TokenHash::of("t1")).await.expect("get"),
        Some((session.clone(), maria.clone())),
        "a session with its account, in one read"
    );
    let later = now + chrono::TimeDelta::minutes(5);
    sessions.touch(&TokenHash::of("t1"), later).await.expect("touch");
    assert_eq!(sessions.get(&TokenHash::of("t1")).await.expect("get").map(|(s, _)| s.last_seen_at), Some(later));
    sessions.insert(&Session { token_hash: TokenHash::of("t2"), ..session.clone() }, &event(5)).await.expect("insert");
    sessions.delete(&TokenHash::of("t1"), Some(&event(6))).await.expect("delete");
    assert_eq!(sessions.get(&TokenHash::of("t1")).await.expect("get"), None);
    sessions.delete(&TokenHash::of("t1"), None).await.expect("deleting a missing session is fine");
    assert_eq!(rows().await, 5);

    let mut disabled = maria.clone();
    disabled.disabled = true;
    disabled.role = Role::Lawyer;
    accounts.update_and_revoke(&disabled, &event(7)).await.expect("update");
    assert_eq!(accounts.get(maria.id).await.expect("get"), Some(disabled.clone()));
    assert_eq!(sessions.get(&TokenHash::of("t2")).await.expect("get"), None, "the update ended the sessions");
    assert_eq!(rows().await, 6);

    let session = Session { token_hash: TokenHash::of("t3"), account: representative.id, ..session };
    sessions.insert(&session, &event(8)).await.expect("insert");
    let unlocked = now + chrono::TimeDelta::minutes(7);
    accounts.unlock(representative.id, unlocked, &event(9)).await.expect("unlock");
    let stored = accounts.by_login("anton").await.expect("by_login").expect("exists");
    assert_eq!(stored, Account { unlocked_at: Some(unlocked), ..representative.clone() });
    assert_eq!(
        sessions.get(&TokenHash::of("t3")).await.expect("get").map(|(s, _)| s),
        Some(session),
        "an unlock ends no session"
    );
    assert_eq!(rows().await, 8);
    accounts.update_and_revoke(&representative, &event(10)).await.expect("update");
    let stored = accounts.get(representative.id).await.expect("get").expect("exists");
    assert_eq!(stored.unlocked_at, Some(unlocked), "an update keeps the unlock time");
    accounts.unlock(AccountId::new(), unlocked, &event(11)).await.expect("unlocking a missing account");
    assert_eq!(rows().await, 9, "unlocking a missing account writes no audit row");
}

/// Organisations and people another domain holds, put on record before the suite runs.
#[derive(Clone, Copy, Debug)]
pub struct OnRecord {
    /// An active organisation.
    pub organization: OrganizationId,
    /// A person.
    pub person: PersonId,
    /// A liquidated organisation.
    pub liquidated: OrganizationId,
    /// An anonymised person.
    pub anonymised: PersonId,
}

/// What every implementation of `BoundRecords` must do: find what is on record, and nothing
/// else (an organisation's id is no person's, and the other way round), and tell a liquidated
/// organisation or an anonymised person as closed.
pub async fn bound_records(records: Arc<dyn BoundRecords>, on_record: OnRecord) {
    use crate::ports::RecordState::{Closed, Open, Unknown};
    let OnRecord { organization, person, liquidated, anonymised } = on_record;
    let unknown = Uuid::from_u128(0x5eed);
    let org = |id| {
        let records = records.clone();
        async move { records.organization(id).await.expect("read") }
    };
    let someone = |id| {
        let records = records.clone();
        async move { records.person(id).await.expect("read") }
    };
    assert_eq!(org(organization).await, Open, "an organisation on record");
    assert_eq!(someone(person).await, Open, "a person on record");
    assert_eq!(org(liquidated).await, Closed, "a liquidated organisation");
    assert_eq!(someone(anonymised).await, Closed, "an anonymised person");
    assert_eq!(org(OrganizationId(unknown)).await, Unknown, "an unknown organisation");
    assert_eq!(someone(PersonId(unknown)).await, Unknown, "an unknown person");
    assert_eq!(org(OrganizationId(person.0)).await, Unknown, "a person is no organisation");
    assert_eq!(someone(PersonId(organization.0)).await, Unknown, "an organisation is no person");
}

/// Every port's contract, on empty stores writing into `audit`, with `on_record` held by the
/// domain accounts are bound to.
pub async fn all(ports: AccessPorts, audit: Arc<dyn AuditLog>, on_record: OnRecord) {
    bound_records(ports.records.clone(), on_record).await;
    accounts_and_sessions(ports, audit).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::InMemoryAccess;
    use audit::testing::MemoryAuditLog;

    #[tokio::test]
    async fn the_access_ports_keep_the_contract_in_memory() {
        let log = MemoryAuditLog::default();
        let stores = InMemoryAccess::new(log.clone());
        let on_record = OnRecord {
            organization: OrganizationId(Uuid::from_u128(1)),
            person: PersonId(Uuid::from_u128(2)),
            liquidated: OrganizationId(Uuid::from_u128(3)),
            anonymised: PersonId(Uuid::from_u128(4)),
        };
        stores.records().add_organization(on_record.organization);
        stores.records().add_person(on_record.person);
        stores.records().add_liquidated_organization(on_record.liquidated);
        stores.records().add_anonymised_person(on_record.anonymised);
        all(stores.ports(), Arc::new(log), on_record).await;
    }
}
