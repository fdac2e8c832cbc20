//! The account and session ports on sea-orm.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use access::{Account, AccountId, AccountRepo, Session, SessionRepo, StoreError, TokenHash};
use async_trait::async_trait;
use audit::AuditEvent;
use chrono::{DateTime, Utc};
use kernel::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, Order, QueryFilter, QueryOrder,
    TransactionTrait,
};

use crate::audit_store::append_in;

use crate::database::Database;
use crate::entities::{account, session};
use crate::errors::access_error;

/// A boxed future borrowing a transaction.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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
        organization: row.organization_id,
        person: row.person_id,
        login: row.login,
        password_hash: row.password_hash,
        disabled: row.disabled,
        created_at: row.created_at,
    })
}

fn account_row(a: &Account) -> account::ActiveModel {
    account::ActiveModel {
        id: Set(a.id.0),
        login: Set(a.login.clone()),
        role: Set(a.role.code().to_owned()),
        organization_id: Set(a.organization),
        person_id: Set(a.person),
        password_hash: Set(a.password_hash.clone()),
        disabled: Set(a.disabled),
        created_at: Set(a.created_at),
    }
}

fn session_from(row: session::Model) -> Session {
    Session {
        token_hash: TokenHash(row.token_hash),
        account: AccountId(row.account_id),
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_seen_at: row.last_seen_at,
    }
}

impl SqlAccess {
    /// Runs `change` and appends the audit row in one transaction.
    async fn audited<F>(&self, audit: Option<&AuditEvent>, change: F) -> Result<(), StoreError>
    where
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<(), DbErr>> + Send,
    {
        let txn = self.db.connection().begin().await.map_err(access_error)?;
        change(&txn).await.map_err(access_error)?;
        if let Some(event) = audit {
            append_in(&txn, self.db.backend(), event).await.map_err(access_error)?;
        }
        txn.commit().await.map_err(access_error)
    }
}

#[async_trait]
impl AccountRepo for SqlAccess {
    async fn insert(&self, a: &Account, audit: &AuditEvent) -> Result<(), StoreError> {
        let row = account_row(a);
        self.audited(Some(audit), |txn| {
            Box::pin(async move { account::Entity::insert(row).exec_without_returning(txn).await.map(|_| ()) })
        })
        .await
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

    async fn update_and_revoke(&self, a: &Account, audit: &AuditEvent) -> Result<(), StoreError> {
        let mut row = account_row(a);
        row.created_at = sea_orm::ActiveValue::NotSet;
        let id = a.id.0;
        let exists = account::Entity::find_by_id(id).one(self.db.connection()).await.map_err(access_error)?.is_some();
        if !exists {
            return Ok(());
        }
        self.audited(Some(audit), |txn| {
            Box::pin(async move {
                account::Entity::update(row).exec(txn).await?;
                session::Entity::delete_many().filter(session::Column::AccountId.eq(id)).exec(txn).await?;
                Ok(())
            })
        })
        .await
    }
}

#[async_trait]
impl SessionRepo for SqlAccess {
    async fn insert(&self, s: &Session, audit: &AuditEvent) -> Result<(), StoreError> {
        let row = session::ActiveModel {
            token_hash: Set(s.token_hash.0.clone()),
            account_id: Set(s.account.0),
            created_at: Set(s.created_at),
            expires_at: Set(s.expires_at),
            last_seen_at: Set(s.last_seen_at),
        };
        self.audited(Some(audit), |txn| {
            Box::pin(async move { session::Entity::insert(row).exec_without_returning(txn).await.map(|_| ()) })
        })
        .await
    }

    async fn get(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        let row =
            session::Entity::find_by_id(token_hash.0.clone()).one(self.db.connection()).await.map_err(access_error)?;
        Ok(row.map(session_from))
    }

    async fn touch(&self, token_hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(at))
            .filter(session::Column::TokenHash.eq(token_hash.0.as_str()))
            .exec(self.db.connection())
            .await
            .map_err(access_error)?;
        Ok(())
    }

    async fn delete(&self, token_hash: &TokenHash, audit: Option<&AuditEvent>) -> Result<(), StoreError> {
        let key = token_hash.0.clone();
        self.audited(audit, |txn| {
            Box::pin(async move { session::Entity::delete_by_id(key).exec(txn).await.map(|_| ()) })
        })
        .await
    }
}
