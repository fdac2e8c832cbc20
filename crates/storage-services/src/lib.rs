//! The services domain's adapter on SQLite and PostgreSQL: the centre's catalogue, the directory
//! of NGOs' services, requests with their history and per-year registration numbers, referrals,
//! deliveries and advocacy cases; and what the domain reads of the rest of the system (the
//! reference terms, referral consents).

mod anonymise;
mod convert;
mod entities;
mod errors;
mod store;

pub use anonymise::ServicesPersonalData;
pub use store::{SqlServices, referred_person};
