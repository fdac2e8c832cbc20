//! The composition root: settings, opening the database (migrating and bootstrapping a first
//! run), the audit key, and every use case built from its ports. The gateway and the CLI both
//! start here, so neither depends on the other.

pub mod audit_key;
pub mod bootstrap;
pub mod files;
pub mod personal_data;
mod services;
mod settings;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use bootstrap::{FirstRun, KeyCheck, System};
pub use services::{DirectoryError, Ports, Services};
pub use settings::{CATALOGUE, KALUGA_PROFILE, PERMISSIONS, Settings};
