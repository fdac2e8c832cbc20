//! The privacy rules' sea-orm entities: consents, subject access requests, and a read-only view
//! of the people they are about. They never leave this crate.

pub mod consent;
pub mod person;
pub mod subject_request;
