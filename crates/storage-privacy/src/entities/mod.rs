//! The privacy rules' sea-orm entities: consents and subject access requests. They never leave
//! this crate.

pub mod consent;
pub mod subject_request;
