//! The GraphQL gateway of the NGO support centre: configuration, start-up, the HTTP router and the
//! two schemas (staff at `/graphql`, the anonymous public directory at `/public/graphql`).

pub mod app;
pub mod graphql;
pub mod settings;

pub use app::{AppState, Application, log_panics_as_one_line, router};
pub use settings::GatewayConfig;
