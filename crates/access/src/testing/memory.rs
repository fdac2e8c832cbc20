//! Accounts and sessions in memory, auditing into the in-memory audit log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use audit::AuditEvent;
use audit::testing::MemoryAuditLog;
use chrono::{DateTime, Utc};
use kernel::{OrganizationId, PersonId, StoreError};

use crate::model::{Account, AccountId, Session, TokenHash};
use crate::ports::{AccessPorts, AccountRepo, BoundRecords, LoginTaken, RecordState, SessionRepo};

#[derive(Default)]
struct State {
    accounts: HashMap<AccountId, Account>,
    sessions: HashMap<TokenHash, Session>,
}

/// Accounts and sessions in memory, auditing into an in-memory log, bound to records of their
/// own ([`InMemoryAccess::records`]) or to another domain's fake.
#[derive(Clone)]
pub struct InMemoryAccess {
    state: Arc<Mutex<State>>,
    audit: MemoryAuditLog,
    own: Arc<KnownRecords>,
    records: Arc<dyn BoundRecords>,
}

impl InMemoryAccess {
    /// Stores that write their audit rows into `audit`, bound to records of their own.
    pub fn new(audit: MemoryAuditLog) -> Self {
        let own = Arc::new(KnownRecords::default());
        Self { state: Arc::default(), audit, records: own.clone(), own }
    }

    /// Stores that write their audit rows into `audit`, bound to the records another domain's
    /// fake holds.
    pub fn over(audit: MemoryAuditLog, records: Arc<dyn BoundRecords>) -> Self {
        Self { records, ..Self::new(audit) }
    }

    /// The records of their own, to put organisations and people on record.
    pub fn records(&self) -> &KnownRecords {
        &self.own
    }

    /// The ports over these stores.
    pub fn ports(&self) -> AccessPorts {
        let stores = Arc::new(self.clone());
        AccessPorts { accounts: stores.clone(), sessions: stores, records: self.records.clone() }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("never poisoned")
    }

    /// Access's part of anonymising `person` (the in-memory counterpart of storage-access's
    /// hook): the accounts bound to them take an anonymised login and are disabled, and their
    /// sessions end. Idempotent.
    pub fn anonymise_person(&self, person: PersonId) {
        let mut state = self.state();
        let mut bound = Vec::new();
        for account in state.accounts.values_mut().filter(|a| a.person == Some(person)) {
            account.login = crate::rules::credentials::anonymised_login(account.id);
            account.disabled = true;
            bound.push(account.id);
        }
        state.sessions.retain(|_, s| !bound.contains(&s.account));
    }
}

/// The organisations and people accounts may be bound to, for tests without the registry.
#[derive(Default)]
pub struct KnownRecords {
    organizations: Mutex<HashMap<OrganizationId, RecordState>>,
    people: Mutex<HashMap<PersonId, RecordState>>,
}

impl KnownRecords {
    /// Puts an organisation on record.
    pub fn add_organization(&self, id: OrganizationId) {
        self.organizations.lock().expect("never poisoned").insert(id, RecordState::Open);
    }

    /// Puts a person on record.
    pub fn add_person(&self, id: PersonId) {
        self.people.lock().expect("never poisoned").insert(id, RecordState::Open);
    }

    /// Puts a liquidated organisation on record.
    pub fn add_liquidated_organization(&self, id: OrganizationId) {
        self.organizations.lock().expect("never poisoned").insert(id, RecordState::Closed);
    }

    /// Puts an anonymised person on record.
    pub fn add_anonymised_person(&self, id: PersonId) {
        self.people.lock().expect("never poisoned").insert(id, RecordState::Closed);
    }
}

#[async_trait]
impl BoundRecords for KnownRecords {
    async fn organization(&self, id: OrganizationId) -> Result<RecordState, StoreError> {
        Ok(self.organizations.lock().expect("never poisoned").get(&id).copied().unwrap_or(RecordState::Unknown))
    }

    async fn person(&self, id: PersonId) -> Result<RecordState, StoreError> {
        Ok(self.people.lock().expect("never poisoned").get(&id).copied().unwrap_or(RecordState::Unknown))
    }
}

#[async_trait]
impl AccountRepo for InMemoryAccess {
    async fn insert(&self, account: &Account, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        let mut state = self.state();
        if state.accounts.values().any(|a| a.login == account.login) {
            return Err(StoreError::Conflict(LoginTaken));
        }
        state.accounts.insert(account.id, account.clone());
        self.audit.append_now(audit);
        Ok(())
    }

    async fn by_login(&self, login: &str) -> Result<Option<Account>, StoreError<LoginTaken>> {
        Ok(self.state().accounts.values().find(|a| a.login == login).cloned())
    }

    async fn get(&self, id: AccountId) -> Result<Option<Account>, StoreError<LoginTaken>> {
        Ok(self.state().accounts.get(&id).cloned())
    }

    async fn list(&self) -> Result<Vec<Account>, StoreError<LoginTaken>> {
        let mut all: Vec<Account> = self.state().accounts.values().cloned().collect();
        all.sort_by(|a, b| a.login.cmp(&b.login));
        Ok(all)
    }

    async fn update_and_revoke(&self, account: &Account, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        let mut state = self.state();
        if let Some(stored) = state.accounts.get_mut(&account.id) {
            *stored = Account { unlocked_at: stored.unlocked_at, ..account.clone() };
            state.sessions.retain(|_, s| s.account != account.id);
            self.audit.append_now(audit);
        }
        Ok(())
    }

    async fn unlock(&self, id: AccountId, at: DateTime<Utc>, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        if let Some(stored) = self.state().accounts.get_mut(&id) {
            stored.unlocked_at = Some(at);
            self.audit.append_now(audit);
        }
        Ok(())
    }
}

#[async_trait]
impl SessionRepo for InMemoryAccess {
    async fn insert(&self, session: &Session, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        self.state().sessions.insert(session.token_hash.clone(), session.clone());
        self.audit.append_now(audit);
        Ok(())
    }

    async fn get(&self, token_hash: &TokenHash) -> Result<Option<(Session, Account)>, StoreError<LoginTaken>> {
        let state = self.state();
        let session = state.sessions.get(token_hash).cloned();
        Ok(session.and_then(|s| state.accounts.get(&s.account).cloned().map(|a| (s, a))))
    }

    async fn touch(&self, token_hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError<LoginTaken>> {
        if let Some(session) = self.state().sessions.get_mut(token_hash) {
            session.last_seen_at = at;
        }
        Ok(())
    }

    async fn delete(&self, token_hash: &TokenHash, audit: Option<&AuditEvent>) -> Result<(), StoreError<LoginTaken>> {
        self.state().sessions.remove(token_hash);
        if let Some(audit) = audit {
            self.audit.append_now(audit);
        }
        Ok(())
    }
}
