//! Storage on SQLite (the embedded default) and PostgreSQL: sea-orm entities and the implementations
//! of every domain port. The only crate that knows SQL.

mod access_store;
mod audit_store;
mod convert;
mod database;
pub mod disclosure;
mod entities;
mod errors;
mod personal_data;
mod privacy_anonymise;
mod privacy_store;
mod registry_anonymise;
mod registry_store;
#[cfg(feature = "testing")]
pub mod testing;

pub use access_store::SqlAccess;
pub use audit_store::SqlAudit;
pub use database::{Backend, Database, MigrationState, StorageError};
pub use personal_data::PersonalDataHook;
pub use privacy_store::{Catalogue, ForeignKey, PersonLink, SqlPrivacy, person_links};
pub use registry_anonymise::RegistryPersonalData;
pub use registry_store::SqlRegistry;
