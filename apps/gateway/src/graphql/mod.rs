//! The two GraphQL schemas: one part per domain, the shared helpers, the limits, and the one
//! path every request runs (over HTTP or in-process).

pub mod access;
pub mod audit;
pub mod limits;
pub mod nulls;
pub mod privacy;
pub mod public;
pub mod registry;
pub mod request;
pub mod services;
pub mod shared;

use async_graphql::{EmptySubscription, MergedObject, Schema};

use limits::{MAX_COMPLEXITY, MAX_DEPTH, MAX_DIRECTIVES, MAX_PUBLIC_COMPLEXITY};

pub use request::{Endpoint, Refusal, Schemas};
pub use shared::{Caller, RequestInfo, Services};

/// The staff schema's queries: one part per area.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct StaffQuery(
    registry::RegistryQuery,
    privacy::PrivacyQuery,
    access::AccessQuery,
    audit::AuditQuery,
    services::ServicesQuery,
);

/// The staff schema's mutations: one part per area.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct StaffMutation(
    registry::RegistryMutation,
    privacy::PrivacyMutation,
    access::AccessMutation,
    services::ServicesMutation,
);

/// The staff schema at `/graphql`.
pub type StaffSchema = Schema<StaffQuery, StaffMutation, EmptySubscription>;
/// The public schema at `/public/graphql`: the directory, the service finder, the appeal form.
pub type PublicSchema = Schema<public::PublicQuery, public::PublicMutation, EmptySubscription>;

/// Builds the staff schema: the one place it is assembled.
fn staff_schema(services: Services) -> StaffSchema {
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
fn public_schema(services: Services) -> PublicSchema {
    public_builder().data(services).finish()
}

fn public_builder() -> async_graphql::SchemaBuilder<public::PublicQuery, public::PublicMutation, EmptySubscription> {
    Schema::build(public::PublicQuery, public::PublicMutation, EmptySubscription)
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
