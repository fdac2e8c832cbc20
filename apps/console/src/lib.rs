//! The web console: server-rendered pages for the centre's staff under `/console/` and the public
//! directory of NGOs under `/`, calling the same use cases as the GraphQL gateway and the CLI,
//! with the same policy and audit. Sessions are cookies over the API's sessions; every form
//! carries a token bound to the session; every page is sent under a strict Content-Security-Policy.

// A refusal page is the error of every handler's early return: it is built once per request and
// returned at once, so boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

mod accounts;
mod audit_log;
mod cases;
mod catalogue;
mod deliveries;
mod desk;
mod dispatch;
mod format;
mod import;
mod layout;
mod login;
mod organizations;
mod people;
mod public;
mod reception;
mod referrals;
mod refusals;
mod requests;
mod texts;
mod visit;

#[cfg(test)]
mod tests;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use system::Services;
use tower_http::catch_panic::CatchPanicLayer;

pub use visit::{FORM_COOKIE, FORM_FIELD, SESSION_COOKIE};

/// The error page of a refusal made before the console's handlers (a body over the limit, a
/// method or a content type no page takes, a timeout), with the pages' security headers.
pub fn failure_page(status: StatusCode, lang: kernel::Lang) -> Response {
    let mut response = layout::failure(status, lang);
    secure(&mut response, true);
    response
}

/// Whether a path is one of the console's pages (its refusals are HTML pages, not JSON).
pub fn serves(path: &str) -> bool {
    path == "/"
        || path == "/services"
        || path == "/appeal"
        || ["/console", "/directory/", "/assets/"].iter().any(|prefix| path.starts_with(prefix))
}

/// How the console is served.
#[derive(Clone, Debug, Default)]
pub struct ConsoleSettings {
    /// Marks cookies `Secure`: set when the gateway is reached over TLS (behind a proxy).
    pub secure_cookies: bool,
    /// The local checkpoint of the audit chain the gateway keeps, which verification checks
    /// the log against.
    pub checkpoint: Option<std::path::PathBuf>,
}

/// What every console handler runs on.
#[derive(Clone)]
pub struct Console {
    services: Services,
    settings: ConsoleSettings,
}

/// The console's routes: the public directory at `/`, the staff pages under `/console/`, and the
/// stylesheet. Every answer carries the security headers; a panic answers an HTML error page.
pub fn router(services: Services, settings: ConsoleSettings) -> Router {
    let console = Console { services, settings };
    Router::new()
        .route("/", get(public::directory))
        .route("/directory/{id}", get(public::card))
        .route("/services", get(reception::finder))
        .route("/appeal", get(reception::appeal_page).post(reception::submit))
        .route("/assets/console.css", get(stylesheet))
        .route("/console", get(|| async { Redirect::to("/console/organizations") }))
        .route("/console/", get(|| async { Redirect::to("/console/organizations") }))
        .route("/console/login", get(login::form).post(login::submit))
        .route("/console/logout", post(login::logout))
        .route("/console/organizations", get(organizations::list))
        .route("/console/organizations/{id}", get(organizations::card))
        .route("/console/organizations/{id}/edit", get(organizations::edit_form).post(organizations::edit))
        .route("/console/import", get(import::form).post(import::submit))
        .route("/console/people", get(people::list))
        .route("/console/people/{id}", get(people::card))
        .route("/console/people/{id}/consents", post(people::record_consent))
        .route("/console/people/{id}/consents/{consent}/withdraw", post(people::withdraw_consent))
        .route("/console/people/{id}/requests", post(people::register_request))
        .route("/console/accounts", get(accounts::list).post(accounts::add))
        .route("/console/accounts/{change}", post(accounts::change))
        .route("/console/audit", get(audit_log::list))
        .route("/console/audit/verify", post(audit_log::verify))
        .route("/console/requests", get(requests::list))
        .route("/console/requests/{id}/extend", post(requests::extend))
        .route("/console/requests/{id}/answer", post(requests::answer))
        .route("/console/desk", get(desk::list))
        .route("/console/desk/{id}", get(desk::card))
        .route("/console/desk/{id}/step", post(desk::step))
        .route("/console/dispatch", get(dispatch::page))
        .route("/console/dispatch/refer", post(dispatch::refer))
        .route("/console/catalogue", get(catalogue::list))
        .route("/console/catalogue/{id}", get(catalogue::edit_form).post(catalogue::save))
        .route("/console/catalogue/{id}/retire", post(catalogue::retire))
        .route("/console/cases", get(cases::list))
        .route("/console/cases/{id}", get(cases::card).post(cases::change))
        .route("/console/referrals", get(referrals::list))
        .route("/console/referrals/{id}", post(referrals::answer))
        .route("/console/deliveries", get(deliveries::list).post(deliveries::record))
        .route("/console/{*rest}", get(not_found))
        .with_state(console)
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a console page panicked");
            layout::failure(StatusCode::INTERNAL_SERVER_ERROR, kernel::Lang::Ru)
        }))
        .layer(middleware::from_fn(security_headers))
}

/// The stylesheet, compiled into the binary (no CDN, nothing fetched at run time).
async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../assets/console.css"),
    )
        .into_response()
}

/// A console path that names no page.
async fn not_found(headers: axum::http::HeaderMap) -> Response {
    layout::failure(StatusCode::NOT_FOUND, visit::lang_of(&headers))
}

/// The policy of what a page may load and do: its own stylesheet, no scripts, no frames, forms
/// posted only to itself; no sniffing, no referrer outside the site; staff pages never cached.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    // Staff pages, and the appeal form (it carries this visit's form id and token), are never
    // stored by a cache.
    let path = request.uri().path();
    let staff = path.starts_with("/console") || path == "/appeal";
    let mut response = next.run(request).await;
    secure(&mut response, staff);
    response
}

/// Sets the security headers every page carries.
fn secure(response: &mut Response, staff: bool) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if staff {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
