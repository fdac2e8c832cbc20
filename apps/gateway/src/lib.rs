//! The GraphQL gateway of the NGO support centre: configuration, start-up, the HTTP router and the
//! two schemas (staff at `/graphql`, the anonymous public directory at `/public/graphql`).

pub mod app;
pub mod bootstrap;
pub mod graphql;
pub mod settings;

pub use app::{router, AppState, Application};
pub use settings::{GatewayConfig, Settings};
