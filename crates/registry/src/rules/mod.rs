//! Pure business decisions of the registry: no IO, no async, easy to property-test.

pub mod anonymise;
pub mod changes;
pub mod dedup;
pub mod identifiers;
pub mod names;
pub mod ties;
