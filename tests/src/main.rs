//! Cross-crate tests, one binary: the gateway over real HTTP, the console in a real browser, the SQL statement budget, the SDL
//! contract, anonymisation through every domain's hook, and tidy checks of the workspace's
//! boundaries.

mod access_http;
mod authz_matrix;
mod browser;
mod e2e;
mod fuzz;
mod hardening;
mod logs;
mod personal_data;
mod schema_doc;
mod services_http;
mod statements;
mod support;
mod tidy;
