//! The HTTP application: routes, hardening layers, and the handlers that feed GraphQL.

use std::net::SocketAddr;
use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use axum::body::Bytes;
use axum::extract::Request;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use kernel::Lang;
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;

use web_console::ConsoleSettings;

use crate::graphql::request::IN_PROCESS;
use crate::graphql::{Endpoint, Refusal, RequestInfo, Schemas};
use crate::settings::GatewayConfig;
use system::bootstrap::open_for_gateway;
use system::{FirstRun, System};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    system: System,
    schemas: Schemas,
}

impl AppState {
    /// State over an opened system.
    pub fn new(system: System) -> Self {
        let schemas = Schemas::new(system.services.clone());
        Self { system, schemas }
    }
}

/// The router with every hardening layer: the GraphQL endpoints and the probes, and the web
/// console's pages (the public directory at `/`, the staff console under `/console/`).
pub fn router(state: AppState, request_timeout: Duration, console: ConsoleSettings) -> Router {
    let pages = web_console::router(state.system.services.clone(), console);
    Router::new()
        .route("/graphql", get(graphiql_or_refuse).post(staff_post))
        .route("/public/graphql", get(graphiql_or_refuse).post(public_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state)
        .merge(pages)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, request_timeout))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            let info = RequestInfo::new(Lang::En);
            json_error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error", &info.id)
        }))
        .layer(middleware::from_fn(json_refusals))
}

/// Gives every refusal made outside the handlers (a body over the limit, a method or a path the
/// router does not serve, a timeout) the body the handlers' refusals have: JSON with a message in
/// the caller's language, a code and a request id. The probes' plain answers stay as they are.
async fn json_refusals(request: Request, next: Next) -> Response {
    let lang = lang_of(request.headers());
    let path = request.uri().path();
    let probe = matches!(path, "/healthz" | "/readyz");
    // A browser asking for a page outside the API (a mistyped address of the citizens' site)
    // gets a page too; API clients keep JSON.
    let browser =
        request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let page = web_console::serves(path) || (browser && !path.ends_with("/graphql"));
    let response = next.run(request).await;
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    // The console's pages answer their own refusals in HTML.
    let is_json_or_page = content_type.starts_with("application/json") || content_type.starts_with("text/html");
    if probe || is_json_or_page || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if page {
        return web_console::failure_page(status, lang);
    }
    let (code, ru, en) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("BAD_USER_INPUT", "тело запроса больше 256 КиБ", "the request body is larger than 256 KiB")
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            ("BAD_USER_INPUT", "отправьте запрос методом POST с телом JSON", "use POST with a JSON body")
        }
        StatusCode::NOT_FOUND => (
            "NOT_FOUND",
            "такого адреса нет: API — /graphql и /public/graphql",
            "no such path: the API is /graphql and /public/graphql",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "UNAVAILABLE",
            "запрос выполнялся слишком долго; повторите позже",
            "the request took too long; retry later",
        ),
        s if s.is_client_error() => ("BAD_USER_INPUT", "запрос отклонён", "the request was refused"),
        _ => ("INTERNAL", "внутренняя ошибка; сообщите администратору номер запроса", "internal error"),
    };
    let info = RequestInfo::new(lang);
    tracing::info!(request_id = %info.id, status = status.as_u16(), "refused before GraphQL");
    let mut refused = refusal(status, code, &info, ru, en);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        refused.headers_mut().insert(header::ALLOW, allow.clone());
    }
    refused
}

/// Runs one request's work in its own task inside a span naming the request id, so a panic (a
/// defect, never an answer) ends this request alone, and the panic hook's one log line carries
/// the id. `None` when it panicked.
async fn isolated<T: Send + 'static>(
    request_id: &str,
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> Option<T> {
    let span = tracing::error_span!("request", request_id = %request_id);
    tokio::spawn(work.instrument(span)).await.ok()
}

/// The answer to a request whose handler panicked: no detail, only the id to quote.
fn internal_error(request_id: &str, lang: Lang) -> Response {
    let message = match lang {
        Lang::Ru => "внутренняя ошибка; сообщите администратору номер запроса",
        Lang::En => "internal error; give the administrator the request id",
    };
    let body = json!({ "data": null, "errors": [{ "message": message,
        "extensions": { "code": "INTERNAL", "requestId": request_id } }] });
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

/// Replaces the default panic output (a backtrace per panic when `RUST_BACKTRACE` is set) with
/// one log line: the message and the place, inside the request's span (which names its id).
pub fn log_panics_as_one_line() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        tracing::error!(panic = %message, location, "a request handler panicked");
    }));
}

/// The caller's language from `Accept-Language`, by its weights (`Lang::from_accept_language`).
fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// A refusal before GraphQL, in the caller's language, with the request's id.
fn refusal(status: StatusCode, code: &str, info: &RequestInfo, ru: &str, en: &str) -> Response {
    json_error(status, code, if info.lang == Lang::En { en } else { ru }, &info.id)
}

fn json_error(status: StatusCode, code: &str, message: &str, request_id: &str) -> Response {
    let body = json!({ "data": null, "errors": [{ "message": message,
        "extensions": { "code": code, "requestId": request_id } }] });
    (status, Json(body)).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.system.db.is_ready().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

/// GET serves GraphiQL to browsers and never executes anything: a query in the URL is refused,
/// so a mutation can never run over GET.
async fn graphiql_or_refuse(headers: HeaderMap, RawQuery(query): RawQuery, uri: axum::http::Uri) -> Response {
    let wants_html = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    if query.is_some() || !wants_html {
        let mut response = refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_USER_INPUT",
            &RequestInfo::new(lang_of(&headers)),
            "отправьте запрос методом POST с телом JSON",
            "use POST with a JSON body",
        );
        response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    Html(GraphiQLSource::build().endpoint(uri.path()).finish()).into_response()
}

/// The peer's address as the socket reports it (`X-Forwarded-For` is never trusted: a client
/// could rotate it to escape the login limits). In-process tests have no socket: "local".
type Peer = Option<Extension<ConnectInfo<SocketAddr>>>;

fn peer_ip(peer: Peer) -> String {
    peer.map_or_else(|| IN_PROCESS.to_owned(), |Extension(ConnectInfo(addr))| addr.ip().to_string())
}

async fn staff_post(State(state): State<AppState>, peer: Peer, headers: HeaderMap, body: Bytes) -> Response {
    handle(state, Endpoint::Staff, peer_ip(peer), headers, body).await
}

async fn public_post(State(state): State<AppState>, peer: Peer, headers: HeaderMap, body: Bytes) -> Response {
    handle(state, Endpoint::Public, peer_ip(peer), headers, body).await
}

async fn handle(state: AppState, endpoint: Endpoint, peer: String, headers: HeaderMap, body: Bytes) -> Response {
    let info = RequestInfo::new(lang_of(&headers));
    let lang = info.lang;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            &info,
            "отправьте запрос как application/json",
            "send the request as application/json",
        );
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(_) => {
            let (ru, en) = ("тело запроса — не JSON", "the body is not valid JSON");
            return refusal(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &info, ru, en);
        }
    };
    if value.is_array() {
        return refusal(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            &info,
            "пакеты запросов не принимаются: отправьте одну операцию",
            "batched requests are not accepted: send one operation",
        );
    }
    let request: async_graphql::Request = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(_) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &info,
                "тело запроса должно быть {\"query\": ..., \"variables\": ...}",
                "the body must be {\"query\": ..., \"variables\": ...}",
            );
        }
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let caller = match state.schemas.caller(endpoint, token, peer, &info).await {
        Ok(caller) => caller,
        Err(refused) => {
            let status = match refused {
                Refusal::InvalidSession => StatusCode::OK,
                Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            };
            return json_error(status, refused.code(), refused.message(lang), &info.id);
        }
    };
    // One line per request, for the operator: never the query's variables, tokens or data.
    let (request_id, role) = (info.id.clone(), caller.actor.role.code());
    let started = std::time::Instant::now();
    let schemas = state.schemas.clone();
    let run = async move { schemas.execute(endpoint, request, caller, info).await };
    let response = match isolated(&request_id, run).await {
        Some(response) => response,
        None => return internal_error(&request_id, lang),
    };
    let codes: Vec<String> =
        response.errors.iter().filter_map(|e| e.extensions.as_ref()?.get("code").map(|c| c.to_string())).collect();
    tracing::info!(
        request_id,
        endpoint = if endpoint == Endpoint::Staff { "staff" } else { "public" },
        role,
        ms = started.elapsed().as_millis() as u64,
        errors = ?codes,
        "graphql request"
    );
    Json(response).into_response()
}

/// Aborts a background task when the gateway stops.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The running gateway: a bound listener and its router.
pub struct Application {
    listener: TcpListener,
    router: Router,
    system: System,
    first_run: FirstRun,
    checkpoint: std::path::PathBuf,
}

impl Application {
    /// Opens the system (migrating and seeding an empty database) and binds the listener.
    pub async fn build(config: &GatewayConfig) -> anyhow::Result<Self> {
        let limits = access::LoginLimits { per_peer: config.login_attempts_per_minute, ..Default::default() };
        let (system, first_run) = open_for_gateway(&config.settings, config.admin_password.as_deref(), limits).await?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
        let checkpoint = system::audit_key::checkpoint_path(&config.settings);
        let console = ConsoleSettings { secure_cookies: config.secure_cookies, checkpoint: Some(checkpoint.clone()) };
        let router = router(AppState::new(system.clone()), Duration::from_secs(config.request_timeout_secs), console);
        Ok(Self { listener, router, system, first_run, checkpoint })
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// What the first run did.
    pub fn first_run(&self) -> &FirstRun {
        &self.first_run
    }

    /// The opened system.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// Serves until `shutdown` resolves, letting in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Every minute: the summaries of refusals counted in the minute that ended, and the
        // local checkpoint of the audit chain. The first round runs before the first request
        // is accepted, so no request ever races it.
        let gate = self.system.services.gate.clone();
        let checkpoint = self.checkpoint.clone();
        every_minute_round(&gate, &checkpoint).await;
        let flusher = tokio::spawn(async move {
            let period = Duration::from_secs(60);
            let mut every_minute = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                every_minute.tick().await;
                every_minute_round(&gate, &checkpoint).await;
            }
        });
        let _stop_flusher = AbortOnDrop(flusher);
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// One round of the minute task: the refusal summaries, then the local checkpoint.
async fn every_minute_round(gate: &audit::Gate, checkpoint: &std::path::Path) {
    if let Err(error) = gate.flush_refusals().await {
        tracing::error!(error = %error, "cannot record the refusal summaries");
    }
    match gate.log().head().await {
        Ok(Some(head)) => {
            let advanced = system::audit_key::advance_checkpoint(gate.log().as_ref(), checkpoint, &head).await;
            if let Err(error) = advanced {
                tracing::error!(error = %format!("{error:#}"), "cannot write the local audit checkpoint");
            }
        }
        Ok(None) => {}
        Err(error) => tracing::error!(error = %error, "cannot read the audit chain's head"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_request_answers_internal_with_its_request_id() {
        let answer = isolated("req-1", async { panic!("boom") }).await;
        let answer: Option<()> = answer;
        assert!(answer.is_none(), "the panic is caught");
        let response = internal_error("req-1", Lang::Ru);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("a body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], "req-1");
        assert!(!body.to_string().contains("boom"), "the panic message stays in the log");
    }

    #[tokio::test]
    async fn a_request_that_does_not_panic_keeps_its_answer() {
        assert_eq!(isolated("req-2", async { 42 }).await, Some(42));
    }
}
