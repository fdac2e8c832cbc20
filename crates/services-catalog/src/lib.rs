//! The centre's services: its own catalogue (seed sections 7 and 8), the HSDS-shaped directory
//! of NGOs' social services with their pathways, requests and citizens' appeals on 59-FZ
//! deadlines, dispatch of a person's need to the services that can help, consent-gated
//! referrals, deliveries (what the KPIs count) and public advocacy cases.
//!
//! Pure rules and use cases behind ports; storage implements them.

pub mod actions;
pub mod error;
pub mod hsds;
pub mod model;
pub mod ports;
pub mod rules;
pub mod service;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{Conflict, ServicesError};
pub use ports::ServicesPorts;
pub use service::ServicesCatalog;
