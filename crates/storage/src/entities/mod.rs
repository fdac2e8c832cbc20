//! The core's sea-orm entities: the audit log and its head. They never leave this crate; each
//! domain adapter has its own.

pub mod audit_head;
pub mod audit_log;
