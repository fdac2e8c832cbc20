//! In-memory account and session stores, and the contract suite for their storage implementations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use audit::testing::{MemoryAuditLog, event};
use audit::{AuditEvent, AuditLog};
use chrono::{DateTime, Utc};
use kernel::Role;

use crate::model::{Account, AccountId, Session, TokenHash};
use kernel::StoreError;

use crate::ports::{AccountRepo, LoginTaken, SessionRepo};

#[derive(Default)]
struct State {
    accounts: HashMap<AccountId, Account>,
    sessions: HashMap<TokenHash, Session>,
}

/// Accounts and sessions in memory, auditing into an in-memory log.
#[derive(Clone, Default)]
pub struct InMemoryAccess {
    state: Arc<Mutex<State>>,
    audit: MemoryAuditLog,
}

impl InMemoryAccess {
    /// Stores that write their audit rows into `audit`.
    pub fn new(audit: MemoryAuditLog) -> Self {
        Self { state: Arc::default(), audit }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("never poisoned")
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

    async fn get(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError<LoginTaken>> {
        Ok(self.state().sessions.get(token_hash).cloned())
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

/// What every implementation of the two ports must do; panics on the first broken promise.
/// `audit` is the log the stores write their rows into.
pub async fn contract(accounts: Arc<dyn AccountRepo>, sessions: Arc<dyn SessionRepo>, audit: Arc<dyn AuditLog>) {
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
    let rows = || async { audit.scan(0, 1000).await.expect("scan").len() };
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
    assert_eq!(sessions.get(&TokenHash::of("t1")).await.expect("get"), Some(session.clone()));
    let later = now + chrono::TimeDelta::minutes(5);
    sessions.touch(&TokenHash::of("t1"), later).await.expect("touch");
    assert_eq!(sessions.get(&TokenHash::of("t1")).await.expect("get").map(|s| s.last_seen_at), Some(later));
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
    assert_eq!(sessions.get(&TokenHash::of("t3")).await.expect("get"), Some(session), "an unlock ends no session");
    assert_eq!(rows().await, 8);
    accounts.update_and_revoke(&representative, &event(10)).await.expect("update");
    let stored = accounts.get(representative.id).await.expect("get").expect("exists");
    assert_eq!(stored.unlocked_at, Some(unlocked), "an update keeps the unlock time");
    accounts.unlock(AccountId::new(), unlocked, &event(11)).await.expect("unlocking a missing account");
    assert_eq!(rows().await, 9, "unlocking a missing account writes no audit row");
}
