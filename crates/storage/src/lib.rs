//! The storage core on SQLite (the embedded default) and PostgreSQL: connecting and migrating,
//! the audit log's adapter and the audited commit every change ends in, the one mapping of
//! database errors, and fresh test databases. Each domain's adapter is its own crate
//! (`storage-registry`, `storage-access`, `storage-privacy`) over this core, so an edit in one
//! domain's adapter rebuilds no other.

mod audit_store;
mod database;
mod entities;
pub mod errors;
mod personal_data;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;

pub use audit_store::{SqlAudit, commit_audited, commit_audited_all, raw_audit};
pub use database::{Backend, Database, MigrationState, StorageError};
pub use personal_data::PersonalDataHook;
pub use sql::{
    ByPosition, all_by_position, bytewise, columns_of, contains, count_if, limited, one_of, page_by_position,
};
