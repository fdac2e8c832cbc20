//! The account and session ports on sea-orm.

use std::sync::Arc;

use access::{Account, AccountId, AccountRepo, Role, Session, SessionRepo, StoreError, TokenHash};
use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder};

use crate::database::Database;
use crate::entities::{account, session};
use crate::errors::access_error;

/// Accounts and sessions on one database.
#[derive(Clone)]
pub struct SqlAccess {
    db: Database,
}

impl SqlAccess {
    /// The stores over this database.
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Both ports.
    pub fn ports(&self) -> (Arc<dyn AccountRepo>, Arc<dyn SessionRepo>) {
        (Arc::new(self.clone()), Arc::new(self.clone()))
    }
}

fn account_from(row: account::Model) -> Result<Account, StoreError> {
    Ok(Account {
        id: AccountId(row.id),
        role: Role::parse(&row.role).ok_or_else(|| StoreError::Corrupt(format!("accounts.role: {}", row.role)))?,
        login: row.login,
        password_hash: row.password_hash,
        disabled: row.disabled,
        created_at: row.created_at,
    })
}

fn session_from(row: session::Model) -> Session {
    Session {
        token_hash: TokenHash(row.token_hash),
        account: AccountId(row.account_id),
        created_at: row.created_at,
        expires_at: row.expires_at,
    }
}

#[async_trait]
impl AccountRepo for SqlAccess {
    async fn insert(&self, a: &Account) -> Result<(), StoreError> {
        let row = account::ActiveModel {
            id: Set(a.id.0),
            login: Set(a.login.clone()),
            role: Set(a.role.code().to_owned()),
            password_hash: Set(a.password_hash.clone()),
            disabled: Set(a.disabled),
            created_at: Set(a.created_at),
        };
        account::Entity::insert(row).exec_without_returning(self.db.connection()).await.map_err(access_error)?;
        Ok(())
    }

    async fn by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        let row = account::Entity::find()
            .filter(account::Column::Login.eq(login))
            .one(self.db.connection())
            .await
            .map_err(access_error)?;
        row.map(account_from).transpose()
    }

    async fn get(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let row = account::Entity::find_by_id(id.0).one(self.db.connection()).await.map_err(access_error)?;
        row.map(account_from).transpose()
    }

    async fn list(&self) -> Result<Vec<Account>, StoreError> {
        let rows = account::Entity::find()
            .order_by(account::Column::Login, Order::Asc)
            .all(self.db.connection())
            .await
            .map_err(access_error)?;
        rows.into_iter().map(account_from).collect()
    }

    async fn set_disabled(&self, id: AccountId, disabled: bool) -> Result<(), StoreError> {
        account::Entity::update_many()
            .col_expr(account::Column::Disabled, Expr::value(disabled))
            .filter(account::Column::Id.eq(id.0))
            .exec(self.db.connection())
            .await
            .map_err(access_error)?;
        Ok(())
    }
}

#[async_trait]
impl SessionRepo for SqlAccess {
    async fn insert(&self, s: &Session) -> Result<(), StoreError> {
        let row = session::ActiveModel {
            token_hash: Set(s.token_hash.0.clone()),
            account_id: Set(s.account.0),
            created_at: Set(s.created_at),
            expires_at: Set(s.expires_at),
        };
        session::Entity::insert(row).exec_without_returning(self.db.connection()).await.map_err(access_error)?;
        Ok(())
    }

    async fn get(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        let row =
            session::Entity::find_by_id(token_hash.0.clone()).one(self.db.connection()).await.map_err(access_error)?;
        Ok(row.map(session_from))
    }

    async fn delete(&self, token_hash: &TokenHash) -> Result<(), StoreError> {
        session::Entity::delete_by_id(token_hash.0.clone()).exec(self.db.connection()).await.map_err(access_error)?;
        Ok(())
    }

    async fn delete_for_account(&self, account: AccountId) -> Result<(), StoreError> {
        session::Entity::delete_many()
            .filter(session::Column::AccountId.eq(account.0))
            .exec(self.db.connection())
            .await
            .map_err(access_error)?;
        Ok(())
    }
}
