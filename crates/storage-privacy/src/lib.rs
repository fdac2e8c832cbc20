//! The privacy rules' adapter on SQLite and PostgreSQL: consents, subject access requests, and
//! the subjects themselves, found by walking the database's catalogue for every table that refers
//! to a person (so a new domain's table is exported without a line here).

mod anonymise;
pub mod disclosure;
mod entities;
mod store;

pub use store::{Catalogue, ForeignKey, PersonLink, SqlPrivacy, person_links};
