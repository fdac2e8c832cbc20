//! The account and session ports on sea-orm.

use std::sync::Arc;

use access::{
    AccessPorts, Account, AccountId, AccountRepo, BoundRecords, LoginTaken, RecordState, Session, SessionRepo,
    TokenHash,
};
use async_trait::async_trait;
use audit::AuditEvent;
use chrono::{DateTime, Utc};
use kernel::{OrganizationId, PersonId, Role, StoreError};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, Order,
    QueryFilter, QueryOrder, SqlErr,
};

use storage::errors::{corrupt, store_error, unavailable};
use storage::{Database, commit_audited};

use crate::entities::{account, session};

/// Classifies a database error for the account ports: a unique violation is a taken login.
fn access_error(error: DbErr) -> StoreError<LoginTaken> {
    store_error(error, |violation| matches!(violation, SqlErr::UniqueConstraintViolation(_)).then_some(LoginTaken))
}

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

    /// The ports; the records accounts are bound to are read from the registry's tables.
    pub fn ports(&self) -> AccessPorts {
        AccessPorts {
            accounts: Arc::new(self.clone()),
            sessions: Arc::new(self.clone()),
            records: Arc::new(self.clone()),
        }
    }

    /// The text `columns` of the row of `table` with this id (`None`: no such row), in one
    /// `SELECT` by primary key.
    async fn texts_of(
        &self,
        table: &str,
        id: sea_orm::prelude::Uuid,
        columns: &[&str],
    ) -> Result<Option<Vec<String>>, StoreError> {
        let query = Query::select()
            .columns(columns.iter().map(|c| Alias::new(*c)))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        let conn = self.db.connection();
        let found = conn.query_one_raw(conn.get_database_backend().build(&query)).await.map_err(unavailable)?;
        found
            .map(|row| (0..columns.len()).map(|i| row.try_get_by_index::<String>(i).map_err(unavailable)).collect())
            .transpose()
    }
}

/// The registry's `organizations` and `people` tables, read (never written) to check an
/// account's binding, as the privacy adapter reads `people` for its subjects.
#[async_trait]
impl BoundRecords for SqlAccess {
    async fn organization(&self, id: OrganizationId) -> Result<RecordState, StoreError> {
        let status = self.texts_of("organizations", id.0, &["status"]).await?;
        Ok(match status.as_deref() {
            None => RecordState::Unknown,
            Some([status]) if status == registry::ports::StatusKind::Liquidated.code() => RecordState::Closed,
            Some(_) => RecordState::Open,
        })
    }

    async fn person(&self, id: PersonId) -> Result<RecordState, StoreError> {
        let names = self.texts_of("people", id.0, &["last_name", "first_name"]).await?;
        Ok(match names.as_deref() {
            None => RecordState::Unknown,
            Some([last, first]) if registry::rules::anonymise::names_removed(last, first) => RecordState::Closed,
            Some(_) => RecordState::Open,
        })
    }
}

fn account_from(row: account::Model) -> Result<Account, StoreError<LoginTaken>> {
    Ok(Account {
        id: AccountId(row.id),
        role: Role::parse(&row.role).ok_or_else(|| corrupt("accounts.role", &row.role))?,
        organization: row.organization_id.map(kernel::OrganizationId),
        person: row.person_id.map(kernel::PersonId),
        login: row.login,
        password_hash: row.password_hash,
        disabled: row.disabled,
        created_at: row.created_at,
        unlocked_at: row.unlocked_at,
    })
}

fn account_row(a: &Account) -> account::ActiveModel {
    account::Model {
        id: a.id.0,
        login: a.login.clone(),
        role: a.role.code().to_owned(),
        organization_id: a.organization.map(|o| o.0),
        person_id: a.person.map(|p| p.0),
        password_hash: a.password_hash.clone(),
        disabled: a.disabled,
        created_at: a.created_at,
        unlocked_at: a.unlocked_at,
    }
    .into_active_model()
    .reset_all()
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
    async fn begin(&self) -> Result<DatabaseTransaction, StoreError<LoginTaken>> {
        self.db.begin_write().await.map_err(access_error)
    }

    async fn commit_with(&self, txn: DatabaseTransaction, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        commit_audited(txn, &self.db, audit).await.map_err(access_error)
    }
}

#[async_trait]
impl AccountRepo for SqlAccess {
    async fn insert(&self, a: &Account, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        let txn = self.begin().await?;
        account::Entity::insert(account_row(a)).exec_without_returning(&txn).await.map_err(access_error)?;
        self.commit_with(txn, audit).await
    }

    async fn by_login(&self, login: &str) -> Result<Option<Account>, StoreError<LoginTaken>> {
        let row = account::Entity::find()
            .filter(account::Column::Login.eq(login))
            .one(self.db.connection())
            .await
            .map_err(access_error)?;
        row.map(account_from).transpose()
    }

    async fn get(&self, id: AccountId) -> Result<Option<Account>, StoreError<LoginTaken>> {
        let row = account::Entity::find_by_id(id.0).one(self.db.connection()).await.map_err(access_error)?;
        row.map(account_from).transpose()
    }

    async fn list(&self) -> Result<Vec<Account>, StoreError<LoginTaken>> {
        let rows = account::Entity::find()
            .order_by(account::Column::Login, Order::Asc)
            .all(self.db.connection())
            .await
            .map_err(access_error)?;
        rows.into_iter().map(account_from).collect()
    }

    async fn update_and_revoke(&self, a: &Account, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        let mut row = account_row(a);
        row.id = sea_orm::ActiveValue::NotSet;
        row.created_at = sea_orm::ActiveValue::NotSet;
        row.unlocked_at = sea_orm::ActiveValue::NotSet;
        let txn = self.begin().await?;
        let updated = account::Entity::update_many()
            .set(row)
            .filter(account::Column::Id.eq(a.id.0))
            .exec(&txn)
            .await
            .map_err(access_error)?;
        if updated.rows_affected == 0 {
            // A missing account: nothing to change, nothing to record (the transaction rolls back).
            return Ok(());
        }
        session::Entity::delete_many()
            .filter(session::Column::AccountId.eq(a.id.0))
            .exec(&txn)
            .await
            .map_err(access_error)?;
        self.commit_with(txn, audit).await
    }

    async fn unlock(&self, id: AccountId, at: DateTime<Utc>, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        let txn = self.begin().await?;
        let updated = account::Entity::update_many()
            .col_expr(account::Column::UnlockedAt, Expr::value(at))
            .filter(account::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(access_error)?;
        if updated.rows_affected == 0 {
            // A missing account: nothing to record (the transaction rolls back).
            return Ok(());
        }
        self.commit_with(txn, audit).await
    }
}

#[async_trait]
impl SessionRepo for SqlAccess {
    async fn insert(&self, s: &Session, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>> {
        let row = session::Model {
            token_hash: s.token_hash.0.clone(),
            account_id: s.account.0,
            created_at: s.created_at,
            expires_at: s.expires_at,
            last_seen_at: s.last_seen_at,
        }
        .into_active_model()
        .reset_all();
        let txn = self.begin().await?;
        session::Entity::insert(row).exec_without_returning(&txn).await.map_err(access_error)?;
        self.commit_with(txn, audit).await
    }

    async fn get(&self, token_hash: &TokenHash) -> Result<Option<(Session, Account)>, StoreError<LoginTaken>> {
        let found = session::Entity::find_by_id(token_hash.0.clone())
            .find_also_related(account::Entity)
            .one(self.db.connection())
            .await
            .map_err(access_error)?;
        match found {
            Some((session, Some(account))) => Ok(Some((session_from(session), account_from(account)?))),
            // The foreign key keeps every session's account; without one there is no session.
            Some((_, None)) | None => Ok(None),
        }
    }

    async fn touch(&self, token_hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError<LoginTaken>> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(at))
            .filter(session::Column::TokenHash.eq(token_hash.0.as_str()))
            .exec(self.db.connection())
            .await
            .map_err(access_error)?;
        Ok(())
    }

    async fn delete(&self, token_hash: &TokenHash, audit: Option<&AuditEvent>) -> Result<(), StoreError<LoginTaken>> {
        let delete = session::Entity::delete_by_id(token_hash.0.clone());
        match audit {
            None => delete.exec(self.db.connection()).await.map(|_| ()).map_err(access_error),
            Some(audit) => {
                let txn = self.begin().await?;
                delete.exec(&txn).await.map_err(access_error)?;
                self.commit_with(txn, audit).await
            }
        }
    }
}
