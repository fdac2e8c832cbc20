//! Fresh, migrated databases for tests: a new SQLite file, or a new PostgreSQL database on the
//! server named by `NKO_TEST_DATABASE_URL` (checked at run time; CI always sets it).

use std::io::Write;
use std::path::PathBuf;

use audit::ChainKeys;
use sea_orm::{ConnectionTrait, Statement};

use crate::database::Database;

/// The environment variable naming a PostgreSQL server for tests.
pub const TEST_DATABASE_URL: &str = "NKO_TEST_DATABASE_URL";
/// When set, every test that really ran on PostgreSQL appends its name to this file (CI compares
/// it with every test named `*postgres*`).
pub const TEST_REPORT: &str = "NKO_TEST_REPORT";
/// When set, a PostgreSQL test without `NKO_TEST_DATABASE_URL` fails instead of passing (CI sets it).
pub const REQUIRE_POSTGRES: &str = "NKO_REQUIRE_POSTGRES";

/// A SQLite file that is removed when dropped.
#[derive(Debug)]
pub struct TempSqlite {
    /// The file.
    pub path: PathBuf,
}

impl TempSqlite {
    /// A new, unused path in the temporary directory.
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("nko-test-{}.sqlite", uuid::Uuid::now_v7()));
        Self { path }
    }

    /// The connection URL.
    pub fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.path.display())
    }
}

impl Default for TempSqlite {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempSqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// A fresh, migrated SQLite database in a temporary file, sealing audit rows with a new key.
pub async fn sqlite() -> (Database, TempSqlite) {
    let file = TempSqlite::new();
    let db = Database::connect(&file.url())
        .await
        .expect("open a temporary SQLite file")
        .with_audit_keys(ChainKeys::generate(1));
    db.migrate_up().await.expect("migrate SQLite");
    (db, file)
}

/// Fresh SQLite databases for a suite that takes a new store for each of its parts: every file
/// lives as long as this value.
#[derive(Debug, Default)]
pub struct FreshSqlite(std::sync::Mutex<Vec<TempSqlite>>);

impl FreshSqlite {
    /// One more fresh, migrated database.
    pub async fn database(&self) -> Database {
        let (db, file) = sqlite().await;
        self.0.lock().expect("never poisoned").push(file);
        db
    }
}

/// The URL of a fresh, empty PostgreSQL database, or `None` when no server is configured.
/// `test` names the calling test for CI's count of PostgreSQL tests (empty: a helper database, not counted).
pub async fn postgres_url(test: &str) -> Option<String> {
    let Some(server) = std::env::var(TEST_DATABASE_URL).ok().filter(|u| !u.is_empty()) else {
        assert!(
            std::env::var_os(REQUIRE_POSTGRES).is_none(),
            "{test}: {REQUIRE_POSTGRES} is set but {TEST_DATABASE_URL} is not: this test would pass without running"
        );
        return None;
    };
    let name = format!("nko_test_{}", uuid::Uuid::now_v7().simple());
    let admin =
        Database::connect(&server).await.unwrap_or_else(|e| panic!("{TEST_DATABASE_URL} is set but unusable: {e}"));
    admin
        .connection()
        .execute_raw(Statement::from_string(admin.db_backend(), format!("CREATE DATABASE {name}")))
        .await
        .expect("create a test database");
    admin.close().await.expect("close the admin pool");
    if let Some(report) = std::env::var(TEST_REPORT).ok().filter(|_| !test.is_empty()) {
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).open(report).expect("open the test report");
        writeln!(file, "{test}").expect("write the test report");
    }
    Some(with_database(&server, &name))
}

/// A fresh, migrated PostgreSQL database sealing audit rows with a new key, or `None` when no
/// server is configured.
pub async fn postgres(test: &str) -> Option<Database> {
    let url = postgres_url(test).await?;
    let db =
        Database::connect(&url).await.expect("connect to the test database").with_audit_keys(ChainKeys::generate(1));
    db.migrate_up().await.expect("migrate PostgreSQL");
    Some(db)
}

/// The same test on both databases: given a name and a body (`|db| future`), defines the module
/// of that name with the tests `on_sqlite` and `on_postgres`, each running the body on a
/// fresh migrated database of its kind. The PostgreSQL one reports itself as `name_on_postgres`
/// (CI counts it among the PostgreSQL tests that must run). The body gets `db: Database`.
#[macro_export]
macro_rules! on_both_databases {
    ($(#[$doc:meta])* $name:ident, |$db:ident| $body:expr) => {
        $(#[$doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn on_sqlite() {
                let ($db, _file) = $crate::testing::sqlite().await;
                $body.await
            }

            #[tokio::test]
            async fn on_postgres() {
                let test = concat!(stringify!($name), "_on_postgres");
                let Some($db) = $crate::testing::postgres(test).await else {
                    return;
                };
                $body.await
            }
        }
    };
}

/// Runs raw SQL as someone with direct database access would (tests of tamper detection).
pub async fn execute_sql(db: &Database, sql: &str) -> Result<(), sea_orm::DbErr> {
    db.connection().execute_unprepared(sql).await.map(|_| ())
}

/// The first column of every row of a raw query, as text (tests reading the catalogue).
pub async fn query_strings(db: &Database, sql: &str) -> Vec<String> {
    let rows = db
        .connection()
        .query_all_raw(Statement::from_string(db.db_backend(), sql.to_owned()))
        .await
        .expect("a valid catalogue query");
    rows.into_iter().map(|row| row.try_get_by_index::<String>(0).expect("a text column")).collect()
}

/// Every row of a table, every column (the withheld ones too), as JSON objects: what someone
/// reading the database would see (tests of anonymisation).
pub async fn all_rows(db: &Database, table: &str) -> Vec<serde_json::Value> {
    use sea_orm::FromQueryResult;
    use sea_orm::sea_query::{Alias, Asterisk, Query};
    let query = Query::select().column(Asterisk).from(Alias::new(table)).to_owned();
    sea_orm::JsonValue::find_by_statement(db.db_backend().build(&query))
        .all(db.connection())
        .await
        .expect("a readable table")
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(with_database("postgres://u@h:5/postgres", "x"), "postgres://u@h:5/x");
        assert_eq!(
            with_database("postgres://u@h:5/postgres?sslmode=disable", "x"),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h:5", "x"), "postgres://u@h:5/x");
    }
}
