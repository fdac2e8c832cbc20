//! The registry's sea-orm entities: one module per table. They never leave this crate; rows are
//! re-validated into domain values on the way in.

pub mod coalition;
pub mod coalition_member;
pub mod membership;
pub mod organization;
pub mod person;
pub mod reference_term;
pub mod tie;
