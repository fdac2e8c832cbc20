//! Connecting to the database, migrating it, and counting the statements it runs.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use audit::{ChainKeys, FixedKeys, KeySource};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// Which database a connection talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// The production database.
    Postgres,
}

/// Why the database cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The URL is neither `sqlite:` nor `postgres:`.
    #[error("the database URL must start with sqlite: or postgres:// (got `{0}`)")]
    UnsupportedUrl(String),
    /// The database could not be reached or refused a statement.
    #[error("the database failed: {0}")]
    Database(#[from] DbErr),
    /// Migrations are missing.
    #[error("the database schema is not up to date ({pending} migration(s) pending): run `nko migrate up`")]
    NotMigrated {
        /// How many migrations have not been applied.
        pending: usize,
    },
}

/// Where the schema stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationState {
    /// Applied migrations, by name, oldest first.
    pub applied: Vec<String>,
    /// Pending migrations, by name.
    pub pending: Vec<String>,
}

/// A database connection pool with a counter of executed statements, and the keys that seal
/// the audit rows written through it (kept outside the database).
#[derive(Clone)]
pub struct Database {
    connection: DatabaseConnection,
    backend: Backend,
    statements: Arc<AtomicU64>,
    audit_keys: Option<Arc<dyn KeySource>>,
}

impl Database {
    /// Connects to `url`. SQLite runs in WAL mode with one connection, so there is exactly one
    /// writer and "database is locked" cannot happen; the file is created when missing.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StorageError::UnsupportedUrl(url.chars().take(40).collect()));
        };
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .acquire_timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(5))
            .max_lifetime(Duration::from_secs(30 * 60))
            .test_before_acquire(true)
            .sqlx_logging(false);
        match backend {
            Backend::Sqlite => {
                let sqlite = SqliteConnectOptions::from_str(url)
                    .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
                options.max_connections(1).min_connections(1).map_sqlx_sqlite_opts(move |_| {
                    sqlite
                        .clone()
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(5))
                });
            }
            Backend::Postgres => {
                options.max_connections(10).min_connections(1).map_sqlx_postgres_opts(|pg| {
                    // Plans: sqlx prepares every statement and PostgreSQL may keep a generic
                    // plan for it. Lists of keys are one array parameter (`storage::one_of`),
                    // so the generic plan probes the index whatever the list's length; forcing
                    // custom plans instead cost a millisecond of planning per 500 keys and, with
                    // 500 random keys of 50,000, chose to scan the whole table (docs/benchmarks.md).
                    pg.application_name("nko").options([("statement_timeout", "5s")])
                });
            }
        }
        let mut connection = sea_orm::Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        connection.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Ok(Self { connection, backend, statements, audit_keys: None })
    }

    /// The same pool, sealing audit rows with `keys`. Without keys no audit row can be written
    /// (every change fails with a storage error), so no unkeyed row is ever appended.
    #[must_use]
    pub fn with_audit_keys(self, keys: ChainKeys) -> Self {
        self.with_key_source(Arc::new(FixedKeys(Arc::new(keys))))
    }

    /// The same pool, asking `source` for the keys before every append (a key file another
    /// process may rotate).
    #[must_use]
    pub fn with_key_source(mut self, source: Arc<dyn KeySource>) -> Self {
        self.audit_keys = Some(source);
        self
    }

    /// The audit keys in effect now.
    pub fn audit_keys(&self) -> Result<Arc<ChainKeys>, String> {
        self.audit_keys
            .as_ref()
            .ok_or_else(|| "no audit key is configured: audit rows cannot be sealed".to_owned())
            .and_then(|source| source.current())
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the write lock
    /// is taken (waiting up to the busy timeout) before the first read, so a transaction never
    /// fails half way when another connection or process (the CLI beside the gateway) wrote
    /// since its read.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite).then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        self.connection.begin_with_options(options).await
    }

    /// The sea-orm connection (for this crate's stores).
    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// Counts statements run outside sea-orm (PostgreSQL COPY).
    pub fn count_statements(&self, n: u64) {
        self.statements.fetch_add(n, Ordering::Relaxed);
    }

    /// How many SQL statements this pool has executed so far.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Applies every pending migration.
    pub async fn migrate_up(&self) -> Result<(), StorageError> {
        Ok(Migrator::up(&self.connection, None).await?)
    }

    /// Rolls back the last `steps` migrations (all of them when `None`).
    pub async fn migrate_down(&self, steps: Option<u32>) -> Result<(), StorageError> {
        Ok(Migrator::down(&self.connection, steps).await?)
    }

    /// Which migrations are applied and which are pending.
    pub async fn migration_state(&self) -> Result<MigrationState, StorageError> {
        let applied: Vec<String> =
            Migrator::get_applied_migrations(&self.connection).await?.iter().map(|m| m.name().to_owned()).collect();
        let pending =
            Migrator::get_pending_migrations(&self.connection).await?.iter().map(|m| m.name().to_owned()).collect();
        Ok(MigrationState { applied, pending })
    }

    /// Fails with a pointer to `nko migrate up` when migrations are pending.
    pub async fn require_migrated(&self) -> Result<(), StorageError> {
        let pending = self.migration_state().await?.pending.len();
        if pending == 0 { Ok(()) } else { Err(StorageError::NotMigrated { pending }) }
    }

    /// Whether the database answers a trivial query.
    pub async fn is_ready(&self) -> bool {
        let sql = sea_orm::Statement::from_string(self.db_backend(), "SELECT 1");
        self.connection.execute_raw(sql).await.is_ok()
    }

    /// The value of a PostgreSQL run-time setting in a pooled session (`None` on SQLite).
    pub async fn session_setting(&self, name: &str) -> Result<Option<String>, StorageError> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let sql =
            sea_orm::Statement::from_sql_and_values(self.db_backend(), "SELECT current_setting($1)", [name.into()]);
        let row = self.connection.query_one_raw(sql).await?;
        Ok(row.map(|r| r.try_get_by_index::<String>(0)).transpose()?)
    }

    pub fn db_backend(&self) -> DbBackend {
        self.connection.get_database_backend()
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StorageError> {
        Ok(self.connection.close().await?)
    }
}
