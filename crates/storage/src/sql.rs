//! SQL shapes shared by every adapter, written once per backend.

use kernel::PageRequest;
use sea_orm::sea_query::extension::postgres::PgFunc;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, LikeExpr, SimpleExpr, Value};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, Iterable, PaginatorTrait, QueryResult, QueryTrait, Select,
    Statement,
};

use crate::Backend;

/// `column` is one of `values`. On PostgreSQL one array parameter (`column = ANY($1)`): the
/// statement's text is the same for 1 and for 500 values, so it is parsed and prepared once per
/// connection and planned without a parameter per value. SQLite has no arrays: `IN (?, ?, ...)`.
pub fn one_of<V>(backend: Backend, column: impl IntoColumnRef, values: Vec<V>) -> SimpleExpr
where
    V: Into<Value>,
    Vec<V>: Into<Value>,
{
    match backend {
        Backend::Postgres => Expr::col(column).eq(PgFunc::any(Expr::val(values))),
        Backend::Sqlite => Expr::col(column).is_in(values),
    }
}

/// A column in bytewise order on both databases (PostgreSQL's default collation depends on the
/// locale; SQLite's BINARY is bytewise): the key of every name-ordered list, which an index
/// declared with the same collation serves.
pub fn bytewise(backend: Backend, column: &str) -> Expr {
    match backend {
        Backend::Postgres => Expr::cust(format!("{column} COLLATE \"C\"")),
        Backend::Sqlite => Expr::cust(column.to_owned()),
    }
}

/// A `LIKE` pattern that finds `needle` literally anywhere (wildcards in the needle are escaped).
pub fn contains(needle: &str) -> LikeExpr {
    let escaped: String = needle
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// A model read by column position rather than by name: sea-orm's derived reading looks every
/// column up by name, formatting the name and an error string for each NULL; on a page of 100
/// organisations with 500 people that was a fifth of the gateway's CPU (docs/benchmarks.md).
/// Implemented by [`by_position!`](crate::by_position), which lists the fields in the entity's
/// column order; in debug builds (every test) each row read is checked to hold those columns.
pub trait ByPosition: Sized {
    /// The columns in the order they are read.
    const COLUMNS: &'static [&'static str];
    /// Reads [`Self::COLUMNS`] from a row, starting at column `at` and leaving `at` after them:
    /// a joined row holds one model after another.
    fn decode(row: &QueryResult, at: &mut usize) -> Result<Self, DbErr>;
}

/// Implements [`ByPosition`] for an entity's model: `by_position!(Model { id, name, ... })`, the
/// fields in the order they are declared (which is the entity's `Column::iter()` order).
#[macro_export]
macro_rules! by_position {
    ($model:ty { $($field:ident),+ $(,)? }) => {
        impl $crate::ByPosition for $model {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
            fn decode(row: &::sea_orm::QueryResult, at: &mut usize) -> Result<Self, ::sea_orm::DbErr> {
                // Debug builds (every test) check that the row holds these columns here.
                #[cfg(debug_assertions)]
                {
                    let names = row.column_names();
                    let here = names.get(*at..*at + Self::COLUMNS.len()).unwrap_or_default();
                    debug_assert!(
                        here.iter().map(String::as_str).eq(Self::COLUMNS.iter().copied()),
                        "{} read by position from columns {:?}", stringify!($model), here
                    );
                }
                Ok(Self {
                    $($field: {
                        let value = row.try_get_by_index(*at)?;
                        *at += 1;
                        value
                    }),+
                })
            }
        }
    };
}

/// The rows of `select` (an entity's `find()`, which selects every column in declared order),
/// read by position.
pub async fn all_by_position<E>(select: Select<E>, conn: &impl ConnectionTrait) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: ByPosition,
{
    let rows = conn.query_all_raw(select.build(conn.get_database_backend())).await?;
    rows.iter().map(|row| E::Model::decode(row, &mut 0)).collect()
}

/// `select` (without a limit of its own) limited to its first `limit` rows, the limit written into
/// the statement's text rather than bound as a parameter. PostgreSQL estimates `LIMIT $1` as a
/// tenth of the table, so the generic plan of a prepared page query looks far dearer than a
/// custom one and the server re-planned every page (a fifth of its CPU on a page of 20,
/// docs/benchmarks.md); with the limit in the text the generic plan is chosen after five
/// executions. A page size is a number the gateway bounds (1 to 101), so the texts are few.
pub fn limited<E: EntityTrait>(select: Select<E>, limit: u64, backend: DbBackend) -> Statement {
    let mut statement = select.build(backend);
    debug_assert!(!statement.sql.contains(" LIMIT "), "limited() adds the limit: {}", statement.sql);
    statement.sql.push_str(" LIMIT ");
    statement.sql.push_str(&limit.to_string());
    statement
}

/// The first `limit` rows of `select` (every column in declared order, no limit of its own), read
/// by position: one page of a keyset list. See [`limited`] for why the limit is in the text.
pub async fn page_by_position<E>(
    select: Select<E>,
    limit: u64,
    conn: &impl ConnectionTrait,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: ByPosition,
{
    let rows = conn.query_all_raw(limited(select, limit, conn.get_database_backend())).await?;
    rows.iter().map(|row| E::Model::decode(row, &mut 0)).collect()
}

/// Every column of entity `E`, qualified by its table, in the order its model reads them: the
/// select list of a join whose rows are read by position.
pub fn columns_of<E>() -> Vec<SimpleExpr>
where
    E: EntityTrait,
    E::Model: ByPosition,
{
    E::Column::iter().map(|column| Expr::col((E::default(), column))).collect()
}

/// The count of the filtered list `select`, when the page asked for it (a second statement,
/// `SELECT count(*)`), else `None`.
pub async fn count_if<E>(
    page: &PageRequest,
    select: &Select<E>,
    conn: &impl ConnectionTrait,
) -> Result<Option<u64>, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
{
    if !page.count {
        return Ok(None);
    }
    select.clone().count(conn).await.map(Some)
}
