//! In-memory account and session stores, and the contract suite for their storage implementations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::model::{Account, AccountId, Role, Session, TokenHash};
use crate::ports::{AccountRepo, SessionRepo, StoreError};

#[derive(Default)]
struct State {
    accounts: HashMap<AccountId, Account>,
    sessions: HashMap<TokenHash, Session>,
}

/// Accounts and sessions in memory.
#[derive(Clone, Default)]
pub struct InMemoryAccess {
    state: Arc<Mutex<State>>,
}

impl InMemoryAccess {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("never poisoned")
    }
}

#[async_trait]
impl AccountRepo for InMemoryAccess {
    async fn insert(&self, account: &Account) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.accounts.values().any(|a| a.login == account.login) {
            return Err(StoreError::LoginTaken);
        }
        state.accounts.insert(account.id, account.clone());
        Ok(())
    }

    async fn by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        Ok(self.state().accounts.values().find(|a| a.login == login).cloned())
    }

    async fn get(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        Ok(self.state().accounts.get(&id).cloned())
    }

    async fn list(&self) -> Result<Vec<Account>, StoreError> {
        let mut all: Vec<Account> = self.state().accounts.values().cloned().collect();
        all.sort_by(|a, b| a.login.cmp(&b.login));
        Ok(all)
    }

    async fn set_disabled(&self, id: AccountId, disabled: bool) -> Result<(), StoreError> {
        if let Some(a) = self.state().accounts.get_mut(&id) {
            a.disabled = disabled;
        }
        Ok(())
    }
}

#[async_trait]
impl SessionRepo for InMemoryAccess {
    async fn insert(&self, session: &Session) -> Result<(), StoreError> {
        self.state().sessions.insert(session.token_hash.clone(), session.clone());
        Ok(())
    }

    async fn get(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        Ok(self.state().sessions.get(token_hash).cloned())
    }

    async fn delete(&self, token_hash: &TokenHash) -> Result<(), StoreError> {
        self.state().sessions.remove(token_hash);
        Ok(())
    }

    async fn delete_for_account(&self, account: AccountId) -> Result<(), StoreError> {
        self.state().sessions.retain(|_, s| s.account != account);
        Ok(())
    }
}

/// What every implementation of the two ports must do; panics on the first broken promise.
pub async fn contract(accounts: Arc<dyn AccountRepo>, sessions: Arc<dyn SessionRepo>) {
    let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("valid");
    let account = |login: &str| Account {
        id: AccountId::new(),
        login: login.into(),
        role: Role::Staff,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        disabled: false,
        created_at: now,
    };
    let maria = account("maria");
    accounts.insert(&maria).await.expect("insert");
    assert!(matches!(accounts.insert(&account("maria")).await, Err(StoreError::LoginTaken)));
    accounts.insert(&account("anton")).await.expect("insert");
    assert_eq!(accounts.by_login("maria").await.expect("by_login"), Some(maria.clone()));
    assert_eq!(accounts.get(maria.id).await.expect("get"), Some(maria.clone()));
    assert_eq!(
        accounts.list().await.expect("list").iter().map(|a| a.login.as_str()).collect::<Vec<_>>(),
        ["anton", "maria"]
    );
    accounts.set_disabled(maria.id, true).await.expect("disable");
    assert!(accounts.get(maria.id).await.expect("get").expect("present").disabled);

    let session = Session { token_hash: TokenHash::of("t1"), account: maria.id, created_at: now, expires_at: now };
    sessions.insert(&session).await.expect("insert");
    assert_eq!(sessions.get(&TokenHash::of("t1")).await.expect("get"), Some(session.clone()));
    sessions.insert(&Session { token_hash: TokenHash::of("t2"), ..session.clone() }).await.expect("insert");
    sessions.delete(&TokenHash::of("t1")).await.expect("delete");
    assert_eq!(sessions.get(&TokenHash::of("t1")).await.expect("get"), None);
    sessions.delete_for_account(maria.id).await.expect("delete all");
    assert_eq!(sessions.get(&TokenHash::of("t2")).await.expect("get"), None);
}
