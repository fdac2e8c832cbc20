//! The two GraphQL schemas, their limits, and the one function that executes a request.

pub mod access;
pub mod audit;
pub mod limits;
pub mod privacy;
pub mod public;
pub mod registry;
pub mod shared;

use std::sync::Arc;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Request, Response, Schema, ServerError};

pub use limits::{DocumentSize, MAX_COMPLEXITY, MAX_DEPTH, MAX_DIRECTIVES, MAX_PUBLIC_COMPLEXITY};
pub use shared::{Caller, RequestInfo, Services};

/// The staff schema's queries: one part per area.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct StaffQuery(registry::RegistryQuery, privacy::PrivacyQuery, access::AccessQuery, audit::AuditQuery);

/// The staff schema's mutations: one part per area.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct StaffMutation(registry::RegistryMutation, privacy::PrivacyMutation, access::AccessMutation);

/// The staff schema at `/graphql`.
pub type StaffSchema = Schema<StaffQuery, StaffMutation, EmptySubscription>;
/// The public directory schema at `/public/graphql`.
pub type PublicSchema = Schema<public::PublicQuery, EmptyMutation, EmptySubscription>;

/// Builds the staff schema: the one place it is assembled.
pub fn staff_schema(services: Services) -> StaffSchema {
    staff_builder().data(services).finish()
}

fn staff_builder() -> async_graphql::SchemaBuilder<StaffQuery, StaffMutation, EmptySubscription> {
    Schema::build(StaffQuery::default(), StaffMutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(MAX_DIRECTIVES)
        .disable_suggestions()
}

/// Builds the public directory schema.
pub fn public_schema(services: Services) -> PublicSchema {
    public_builder().data(services).finish()
}

fn public_builder() -> async_graphql::SchemaBuilder<public::PublicQuery, EmptyMutation, EmptySubscription> {
    Schema::build(public::PublicQuery, EmptyMutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_PUBLIC_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(MAX_DIRECTIVES)
        .disable_suggestions()
}

/// The SDL of the staff schema (the authorisation matrix is generated from it).
pub fn staff_sdl() -> String {
    staff_builder().finish().sdl()
}

/// The SDL of both schemas, as kept in `docs/schema.graphql`.
pub fn sdl() -> String {
    format!(
        "# Staff schema: POST /graphql (bearer token required for everything but `login`).\n\n{}\n\
         # Public directory schema: POST /public/graphql (anonymous).\n\n{}",
        staff_builder().finish().sdl(),
        public_builder().finish().sdl()
    )
}

/// Which schema a request is for.
#[derive(Clone)]
pub enum Target {
    /// `/graphql`.
    Staff(StaffSchema),
    /// `/public/graphql`.
    Public(PublicSchema),
}

/// Executes one request with the per-request data every resolver relies on. Used by the HTTP
/// handler and by in-process tests alike.
pub async fn execute(
    target: &Target,
    services: &Services,
    request: Request,
    caller: Caller,
    info: RequestInfo,
) -> Response {
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
    let staff_introspection = caller.account.is_some();
    let asking = Arc::new(shared::loaders::Asking { services: services.clone(), actor: caller.actor.clone() });
    let request = request
        .data(registry::loaders::RegistryLoaders::new(&asking))
        .data(public::PublicLoaders::new(&asking))
        .data(info.clone())
        .data(caller);
    let response = match target {
        Target::Staff(schema) => {
            let request = if staff_introspection { request } else { request.disable_introspection() };
            schema.execute(request).await
        }
        Target::Public(schema) => schema.execute(request).await,
    };
    with_codes(response, &info)
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
                kernel::Lang::Ru => format!("запрос GraphQL не прошёл проверку: {message}"),
                kernel::Lang::En => message,
            };
        }
        if extensions.get("requestId").is_none() {
            extensions.set("requestId", info.id.as_str());
        }
    }
    response
}
