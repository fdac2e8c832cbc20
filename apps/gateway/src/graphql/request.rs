//! The one path every request runs, over HTTP or in-process: who calls (a bearer token is
//! authenticated on the staff endpoint), the limits, the per-request data every resolver relies
//! on (caller, request facts, loaders), the error codes, and the refusals recorded before any
//! account is known. The HTTP handlers add only what HTTP has: the body, headers and statuses.

use std::sync::{Arc, OnceLock};

use async_graphql::{Request, Response, ServerError, Variables};
use kernel::{Actor, Channel, Lang};
use tracing::Instrument as _;

use super::limits::DocumentSize;
use super::nulls::{self, FieldTypes};
use super::shared::loaders::Asking;
use super::shared::{Caller, RequestInfo, Services};
use super::{PublicSchema, StaffSchema, public, public_schema, registry, staff_schema};

/// The peer of a request without a socket (in-process).
pub const IN_PROCESS: &str = "local";

/// Which schema a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `/graphql`: staff, with a bearer token for everything but `login`.
    Staff,
    /// `/public/graphql`: the anonymous directory.
    Public,
}

/// A request refused before GraphQL runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The bearer token names no live session (recorded as `session.invalid_token`).
    InvalidSession,
    /// The session store did not answer.
    Unavailable,
}

impl Refusal {
    /// The code clients see.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::InvalidSession => "UNAUTHENTICATED",
            Refusal::Unavailable => "UNAVAILABLE",
        }
    }

    /// The message, in the caller's language.
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Refusal::InvalidSession, Lang::Ru) => "сеанс недействителен или истёк; войдите снова",
            (Refusal::InvalidSession, Lang::En) => "the session is invalid or expired; log in again",
            (Refusal::Unavailable, lang) => kernel::STORAGE_UNAVAILABLE.in_lang(lang),
        }
    }
}

/// Both schemas over one set of use cases: what every request runs on.
#[derive(Clone)]
pub struct Schemas {
    services: Services,
    staff: StaffSchema,
    public: PublicSchema,
    /// The staff schema's field types, for null propagation: read from its SDL on the first
    /// answer that needs them.
    staff_types: Arc<OnceLock<FieldTypes>>,
    /// The public schema's field types, likewise.
    public_types: Arc<OnceLock<FieldTypes>>,
}

impl Schemas {
    /// Both schemas over these use cases.
    pub fn new(services: Services) -> Self {
        Self {
            staff: staff_schema(services.clone()),
            public: public_schema(services.clone()),
            staff_types: Arc::default(),
            public_types: Arc::default(),
            services,
        }
    }

    /// The use cases.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Who calls from `peer` with `token`: the public, or on the staff endpoint the account of a
    /// live session (a staff call without a token is anonymous; its fields answer
    /// `UNAUTHENTICATED`). A token without a live session is refused and recorded.
    pub async fn caller(
        &self,
        endpoint: Endpoint,
        token: Option<String>,
        peer: String,
        info: &RequestInfo,
    ) -> Result<Caller, Refusal> {
        let mut caller = Caller { actor: Actor::anonymous(&info.id), account: None, token: None, peer };
        caller.actor.origin = Some(caller.peer.clone());
        if endpoint == Endpoint::Public {
            return Ok(caller);
        }
        caller.actor.channel = Channel::Graphql;
        let Some(token) = token else { return Ok(caller) };
        let span = tracing::error_span!("request", request_id = %info.id);
        match self.services.access.authenticate(&token).instrument(span).await {
            Ok(account) => {
                caller.actor = access::actor_of(&account, Channel::Graphql, &info.id);
                caller.actor.origin = Some(caller.peer.clone());
                caller.account = Some(account);
                caller.token = Some(token);
                Ok(caller)
            }
            Err(access::AccessError::InvalidSession) => {
                self.record_refusal("session.invalid_token", &caller.actor).await;
                Err(Refusal::InvalidSession)
            }
            // Storage logged the failure, inside the request's span.
            Err(_) => Err(Refusal::Unavailable),
        }
    }

    /// Executes one request as `caller`: the document's size first, then the schema with the
    /// per-request data every resolver relies on; every error gets a code and the request id.
    /// A staff call without a session answered `UNAUTHENTICATED` is recorded as a refusal.
    pub async fn execute(&self, endpoint: Endpoint, request: Request, caller: Caller, info: RequestInfo) -> Response {
        // Parsed once: the engine executes the document cached in the request. A document that
        // does not parse is left to the engine, which names the error.
        let mut request = request;
        let too_big = request.parsed_query().ok().and_then(|document| DocumentSize::of(document).over_limit(info.lang));
        if let Some(message) = too_big {
            let mut error = ServerError::new(message, None);
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", "BAD_USER_INPUT");
            extensions.set("requestId", info.id.as_str());
            error.extensions = Some(extensions);
            return Response::from_errors(vec![error]);
        }
        let anonymous_staff = (endpoint == Endpoint::Staff && caller.account.is_none()).then(|| caller.actor.clone());
        let (query, operation) = (request.query.clone(), request.operation_name.clone());
        let asking = Arc::new(Asking { services: self.services.clone(), actor: caller.actor.clone() });
        let request = request
            .data(registry::loaders::RegistryLoaders::new(&asking))
            .data(public::PublicLoaders::new(&asking))
            .data(super::services::loaders::ServicesLoaders::new(&asking))
            .data(info.clone())
            .data(caller);
        let response = match endpoint {
            Endpoint::Staff if anonymous_staff.is_some() => self.staff.execute(request.disable_introspection()).await,
            Endpoint::Staff => self.staff.execute(request).await,
            Endpoint::Public => self.public.execute(request).await,
        };
        let mut response = with_codes(response, &info);
        if response.errors.iter().any(|e| !e.path.is_empty()) {
            let types = match endpoint {
                Endpoint::Public => self.public_types.get_or_init(|| FieldTypes::of_sdl(&self.public.sdl())),
                Endpoint::Staff => self.staff_types.get_or_init(|| FieldTypes::of_sdl(&self.staff.sdl())),
            };
            nulls::propagate(&mut response, &query, operation.as_deref(), types);
        }
        if let Some(actor) = anonymous_staff
            && response.errors.iter().any(|e| code_of(e) == Some("UNAUTHENTICATED"))
        {
            self.record_refusal("session.unauthenticated", &actor).await;
        }
        response
    }

    /// One request as the HTTP handler runs it, without TCP (the peer is [`IN_PROCESS`]): the
    /// caller from `token`, then [`Schemas::execute`]. The answer is the JSON body HTTP would
    /// send; a refusal before GraphQL is answered with its code, as over HTTP.
    pub async fn run(
        &self,
        endpoint: Endpoint,
        token: Option<&str>,
        lang: Lang,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let request = Request::new(query).variables(Variables::from_json(variables));
        let info = RequestInfo::new(lang);
        let response = match self.caller(endpoint, token.map(str::to_owned), IN_PROCESS.to_owned(), &info).await {
            Ok(caller) => self.execute(endpoint, request, caller, info).await,
            Err(refusal) => {
                let mut error = ServerError::new(refusal.message(lang), None);
                let mut extensions = async_graphql::ErrorExtensionValues::default();
                extensions.set("code", refusal.code());
                error.extensions = Some(extensions);
                Response::from_errors(vec![error])
            }
        };
        serde_json::to_value(response).expect("a GraphQL response is JSON")
    }

    /// Records a refusal before any account is known (bounded per address and minute); a failure
    /// to record is logged, never turned into another answer.
    async fn record_refusal(&self, kind: &str, actor: &Actor) {
        if let Err(error) = self.services.gate.record_refusal(kind, actor).await {
            tracing::error!(request_id = %actor.request_id, error = %error, "cannot record a refusal");
        }
    }
}

/// An error's code.
fn code_of(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code),
        _ => None,
    }
}

/// The longest engine message passed on: a parse error quotes the query, which may be 256 KiB.
const MAX_ENGINE_MESSAGE: usize = 300;

/// Gives every error a code and the request id. Errors raised by the engine itself (parse,
/// validation, limits) carry none of their own and speak English: in Russian they are introduced
/// in Russian, keeping the engine's words (they name the field or argument), cut to a length.
fn with_codes(mut response: Response, info: &RequestInfo) -> Response {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "BAD_USER_INPUT");
            let mut message: String = error.message.chars().take(MAX_ENGINE_MESSAGE).collect();
            if message.len() < error.message.len() {
                message.push('…');
            }
            error.message = match info.lang {
                Lang::Ru => format!("запрос GraphQL не прошёл проверку: {message}"),
                Lang::En => message,
            };
        }
        if extensions.get("requestId").is_none() {
            extensions.set("requestId", info.id.as_str());
        }
    }
    response
}
