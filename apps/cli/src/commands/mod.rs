//! One module per command.

pub mod account;
pub mod audit;
pub mod export;
pub mod import;
pub mod migrate;
pub mod privacy;
pub mod seed;
pub mod services;
