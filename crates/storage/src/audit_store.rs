//! The audit log on sea-orm. Appends lock the chain head, so concurrent appends take turns and
//! each links to the one before; a change appends its row inside its own transaction.

use std::sync::Arc;

use async_trait::async_trait;
use audit::{AuditEvent, AuditFilter, AuditLog, AuditRecord, ChainBreak, ChainHead, ChainKeys, Outcome};
use kernel::{After, Channel, Page, PageRequest, Role, SortKey, StoreError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use crate::database::{Backend, Database};
use crate::entities::{audit_head, audit_log};
use crate::errors::{self, unavailable};

/// The audit log on one database.
#[derive(Clone)]
pub struct SqlAudit {
    db: Database,
}

impl SqlAudit {
    /// The store over this database.
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// The port.
    pub fn port(&self) -> Arc<dyn AuditLog> {
        Arc::new(self.clone())
    }
}

/// Reads the chain head within `conn`'s transaction; on PostgreSQL the row stays locked until
/// that transaction ends, so the chain cannot fork.
async fn head_in<C: ConnectionTrait>(conn: &C, backend: Backend) -> Result<(i64, String), DbErr> {
    const LOCKING: &str = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
    const PLAIN: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
    let sql = match backend {
        Backend::Postgres => LOCKING,
        Backend::Sqlite => PLAIN,
    };
    let head = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head: the chain head row is missing".into()))?;
    Ok((head.try_get("", "seq")?, head.try_get("", "hash")?))
}

/// The keys that seal audit rows written through `db` now, or the error every write without them
/// gets. Asked after the chain head is locked, so a rotation by another process is seen. Keys
/// that begin after the next row (a key file made for a longer log) would seal it unkeyed:
/// refused.
pub(crate) fn keys_for(db: &Database, next_seq: i64) -> Result<Arc<ChainKeys>, String> {
    let keys = db.audit_keys()?;
    match keys.key_for(next_seq) {
        Some(_) => Ok(keys),
        None => Err(format!(
            "the audit key begins at row {} but the log's next row is {next_seq}: this key file belongs to a \
             longer log (restore the matching database or key file)",
            keys.all()[0].from_seq()
        )),
    }
}

/// Appends rows for `events`, in order, through `conn` (a transaction the caller commits with its
/// change): one read of the head, multi-row inserts, one update of the head.
pub(crate) async fn append_all_in<C: ConnectionTrait>(
    conn: &C,
    db: &Database,
    events: &[AuditEvent],
) -> Result<Vec<AuditRecord>, DbErr> {
    let head = head_in(conn, db.backend()).await?;
    let keys = keys_for(db, head.0 + 1).map_err(DbErr::Custom)?;
    append_after(conn, head, &keys, events).await
}

/// Writes `events` after `head` (read, and on PostgreSQL locked, in `conn`'s transaction),
/// sealed with `keys`, and moves the head to the last of them.
async fn append_after<C: ConnectionTrait>(
    conn: &C,
    (mut seq, mut prev_hash): (i64, String),
    keys: &ChainKeys,
    events: &[AuditEvent],
) -> Result<Vec<AuditRecord>, DbErr> {
    let mut records = Vec::with_capacity(events.len());
    for event in events {
        seq += 1;
        let hash = keys.seal(&prev_hash, seq, event);
        records.push(AuditRecord {
            seq,
            event: event.clone(),
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        });
    }
    // 14 columns x 500 rows stays under both databases' parameter limits.
    for chunk in records.chunks(500) {
        audit_log::Entity::insert_many(chunk.iter().map(|r| audit_log::ActiveModel::from(row_of(r))))
            .exec_without_returning(conn)
            .await?;
    }
    if let Some(last) = records.last() {
        audit_head::Entity::update_many()
            .col_expr(audit_head::Column::Seq, Expr::value(last.seq))
            .col_expr(audit_head::Column::Hash, Expr::value(last.hash.clone()))
            .filter(audit_head::Column::Id.eq(1))
            .exec(conn)
            .await?;
    }
    Ok(records)
}

/// Appends the change's audit row to `txn` and commits both: the change and its row land
/// together or not at all. Every store's changes end here.
pub async fn commit_audited(txn: DatabaseTransaction, db: &Database, audit: &AuditEvent) -> Result<(), DbErr> {
    append_in(&txn, db, audit).await?;
    txn.commit().await
}

/// Appends several audit rows, in order, in the change's transaction, then commits it (a batch
/// whose every change has its own row).
pub async fn commit_audited_all(txn: DatabaseTransaction, db: &Database, audit: &[AuditEvent]) -> Result<(), DbErr> {
    append_all_in(&txn, db, audit).await?;
    txn.commit().await
}

/// Appends one row through `conn`, as [`append_all_in`].
async fn append_in<C: ConnectionTrait>(conn: &C, db: &Database, event: &AuditEvent) -> Result<AuditRecord, DbErr> {
    let mut records = append_all_in(conn, db, std::slice::from_ref(event)).await?;
    Ok(records.pop().expect("one event, one record"))
}

fn row_of(r: &AuditRecord) -> audit_log::Model {
    let e = &r.event;
    audit_log::Model {
        seq: r.seq,
        at: e.at,
        account_id: e.account,
        login: e.login.clone(),
        role: e.role.code().to_owned(),
        channel: e.channel.code().to_owned(),
        action: e.action.clone(),
        object: e.object.clone(),
        request_id: e.request_id.clone(),
        outcome: e.outcome.code().to_owned(),
        detail: e.detail.clone(),
        origin: e.origin.clone(),
        prev_hash: r.prev_hash.clone(),
        hash: r.hash.clone(),
    }
}

/// Appending inside a raw sqlx transaction (the bulk paths of imports, which bypass sea-orm):
/// the same row and the same head update as [`append_in`], in each database's dialect.
pub mod raw_audit {
    use audit::AuditEvent;

    use crate::database::Database;
    use sea_orm::sqlx::{self, PgConnection, Row, SqliteConnection};

    /// The three statements of an append, in one dialect; each function below runs them on its
    /// database (sqlx's binds are typed per database, so the body is spelled once, here).
    macro_rules! append {
        ($conn:expr, $db:expr, $event:expr, $head:literal, $insert:literal, $update:literal) => {{
            let conn = $conn;
            let e: &AuditEvent = $event;
            let head = sqlx::query($head).fetch_one(&mut *conn).await?;
            let (seq, prev): (i64, String) = (head.try_get::<i64, _>("seq")? + 1, head.try_get("hash")?);
            let keys = super::keys_for($db, seq).map_err(sqlx::Error::Protocol)?;
            let hash = keys.seal(&prev, seq, e);
            sqlx::query($insert)
                .bind(seq)
                .bind(e.at)
                .bind(e.account)
                .bind(&e.login)
                .bind(e.role.code())
                .bind(e.channel.code())
                .bind(&e.action)
                .bind(e.object.as_deref())
                .bind(&e.request_id)
                .bind(e.outcome.code())
                .bind(e.detail.as_deref())
                .bind(e.origin.as_deref())
                .bind(&prev)
                .bind(&hash)
                .execute(&mut *conn)
                .await?;
            sqlx::query($update).bind(seq).bind(&hash).execute(conn).await?;
            Ok(())
        }};
    }

    /// Appends `event` within the caller's PostgreSQL transaction, locking the chain head.
    pub async fn append_postgres(
        conn: &mut PgConnection,
        db: &Database,
        event: &AuditEvent,
    ) -> Result<(), sqlx::Error> {
        append!(
            conn,
            db,
            event,
            "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
            "INSERT INTO audit_log (seq, at, account_id, login, role, channel, action, object, request_id, outcome, \
             detail, origin, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1"
        )
    }

    /// Appends `event` within the caller's SQLite transaction (one writer: no lock needed).
    pub async fn append_sqlite(
        conn: &mut SqliteConnection,
        db: &Database,
        event: &AuditEvent,
    ) -> Result<(), sqlx::Error> {
        append!(
            conn,
            db,
            event,
            "SELECT seq, hash FROM audit_head WHERE id = 1",
            "INSERT INTO audit_log (seq, at, account_id, login, role, channel, action, object, request_id, outcome, \
             detail, origin, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"
        )
    }
}

fn corrupt(column: &str, value: &str) -> StoreError<ChainBreak> {
    errors::corrupt(&format!("audit_log.{column}"), value)
}

fn record_from(row: audit_log::Model) -> Result<AuditRecord, StoreError<ChainBreak>> {
    let channel =
        Channel::ALL.into_iter().find(|c| c.code() == row.channel).ok_or_else(|| corrupt("channel", &row.channel))?;
    Ok(AuditRecord {
        seq: row.seq,
        event: AuditEvent {
            at: row.at,
            account: row.account_id,
            role: Role::parse(&row.role).ok_or_else(|| corrupt("role", &row.role))?,
            outcome: Outcome::parse(&row.outcome).ok_or_else(|| corrupt("outcome", &row.outcome))?,
            login: row.login,
            channel,
            action: row.action,
            object: row.object,
            request_id: row.request_id,
            detail: row.detail,
            origin: row.origin,
        },
        prev_hash: row.prev_hash,
        hash: row.hash,
    })
}

impl SqlAudit {
    /// Starts a new key at the next row, atomically with that row: under the chain head's lock
    /// (no other process can append meanwhile), `install` is given the first row the new key
    /// seals and returns the keys with it (having written them where every process reads them);
    /// `event` is then appended as that first row, sealed with the new key. If the commit fails
    /// afterwards, the next append, by anyone, still begins the new key at that row.
    pub async fn rotate_key(
        &self,
        event: &AuditEvent,
        install: impl FnOnce(i64) -> Result<ChainKeys, String>,
    ) -> Result<AuditRecord, StoreError<ChainBreak>> {
        let txn = self.db.begin_write().await.map_err(unavailable)?;
        let head = head_in(&txn, self.db.backend()).await.map_err(unavailable)?;
        let keys = install(head.0 + 1).map_err(StoreError::unavailable)?;
        let record = append_after(&txn, head, &keys, std::slice::from_ref(event))
            .await
            .map_err(unavailable)?
            .pop()
            .expect("one event, one record");
        txn.commit().await.map_err(unavailable)?;
        Ok(record)
    }
}

#[async_trait]
impl AuditLog for SqlAudit {
    async fn append(&self, event: &AuditEvent) -> Result<AuditRecord, StoreError<ChainBreak>> {
        let txn = self.db.begin_write().await.map_err(unavailable)?;
        let record = append_in(&txn, &self.db, event).await.map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(record)
    }

    async fn append_all(&self, events: &[AuditEvent]) -> Result<(), StoreError<ChainBreak>> {
        let txn = self.db.begin_write().await.map_err(unavailable)?;
        append_all_in(&txn, &self.db, events).await.map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)
    }

    async fn list(&self, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditRecord>, StoreError<ChainBreak>> {
        let mut query = audit_log::Entity::find();
        if let Some(action) = &filter.action {
            query = query.filter(audit_log::Column::Action.eq(action.as_str()));
        }
        if let Some(login) = &filter.login {
            query = query.filter(audit_log::Column::Login.eq(login.as_str()));
        }
        if let Some(object) = &filter.object {
            query = query.filter(audit_log::Column::Object.eq(object.as_str()));
        }
        if let Some(outcome) = filter.outcome {
            query = query.filter(audit_log::Column::Outcome.eq(outcome.code()));
        }
        let conn = self.db.connection();
        let total = crate::count_if(&page, &query, conn).await.map_err(unavailable)?;
        if let Some(After { key: SortKey::Number(seq), .. }) = &page.after {
            query = query.filter(audit_log::Column::Seq.lt(*seq));
        } else if page.after.is_some() {
            // `AuditRecord::ORDER` has numeric keys; the gateway's cursor check keeps text out.
            return Err(StoreError::unavailable("a text position cannot start a page of the audit log"));
        }
        let select = query.order_by(audit_log::Column::Seq, Order::Desc);
        let rows = audit_log::Entity::find()
            .from_raw_sql(crate::limited(select, page.limit(), conn.get_database_backend()))
            .all(conn)
            .await;
        let records = rows.map_err(unavailable)?.into_iter().map(record_from).collect::<Result<Vec<_>, _>>()?;
        let positioned = records.into_iter().map(|r| {
            let at = r.position();
            (r, at)
        });
        Ok(Page::from_rows(positioned.collect(), &page, total))
    }

    async fn scan(&self, after: i64, limit: u64) -> Result<Vec<AuditRecord>, StoreError<ChainBreak>> {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gt(after))
            .order_by(audit_log::Column::Seq, Order::Asc)
            .limit(limit)
            .all(self.db.connection())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(record_from).collect()
    }

    async fn head(&self) -> Result<Option<ChainHead>, StoreError<ChainBreak>> {
        let head = audit_head::Entity::find_by_id(1).one(self.db.connection()).await.map_err(unavailable)?;
        match head {
            None => Err(errors::corrupt("audit_head", "the chain head row is missing")),
            Some(h) if h.seq == 0 => Ok(None),
            Some(h) => Ok(Some(ChainHead { seq: h.seq, hash: h.hash })),
        }
    }

    fn keys(&self) -> Arc<ChainKeys> {
        // A log opened without keys verifies nothing as keyed: every keyed row then reads as edited.
        self.db.audit_keys().unwrap_or_else(|_| Arc::new(ChainKeys::generate(i64::MAX)))
    }
}
