//! The two GraphQL schemas, their limits, and the one function that executes a request.

pub mod accounts;
pub mod context;
pub mod errors;
pub mod loaders;
pub mod privacy;
pub mod public;
pub mod staff;
pub mod types;

use std::collections::HashMap;

use async_graphql::parser::types::{FragmentDefinition, Selection, SelectionSet};
use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Request, Response, Schema, ServerError};
use async_graphql::{Name, Positioned};

pub use context::{Caller, RequestInfo, Services};
use loaders::Loaders;

/// The staff schema's queries: one part per area.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct StaffQuery(staff::RegistryQuery, privacy::PrivacyQuery, accounts::AccountQuery);

/// The staff schema's mutations: one part per area.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct StaffMutation(staff::RegistryMutation, privacy::PrivacyMutation, accounts::AccountMutation);

/// The staff schema at `/graphql`.
pub type StaffSchema = Schema<StaffQuery, StaffMutation, EmptySubscription>;
/// The public directory schema at `/public/graphql`.
pub type PublicSchema = Schema<public::PublicQuery, EmptyMutation, EmptySubscription>;

/// Deepest accepted query (OWASP depth limiting).
pub const MAX_DEPTH: usize = 10;
/// Highest accepted complexity of a staff query; list fields cost `first` times their children.
pub const MAX_COMPLEXITY: usize = 2_000;
/// Highest accepted complexity of a public query.
pub const MAX_PUBLIC_COMPLEXITY: usize = 1_000;
/// Most directives in one query (CVE-2024-47614).
pub const MAX_DIRECTIVES: usize = 10;
/// Most aliases in one query: alias floods are a cheap way to multiply work.
pub const MAX_ALIASES: usize = 60;

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

/// Counts the aliases a selection executes, with every fragment spread expanded where it is
/// spread: ten aliased fields spreading a 50-alias fragment are 500 aliases plus ten. Each
/// fragment's count is computed once (`known`), so a deep tree of spreads costs its size, not
/// its expansion; counts saturate instead of overflowing. A spread of an unknown fragment, or
/// one inside its own cycle, counts nothing here: validation refuses the document anyway.
fn count_aliases<'a>(
    set: &'a SelectionSet,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    known: &mut HashMap<&'a str, usize>,
    visiting: &mut Vec<&'a str>,
) -> usize {
    set.items.iter().fold(0usize, |total, item| {
        let here = match &item.node {
            Selection::Field(field) => usize::from(field.node.alias.is_some()).saturating_add(count_aliases(
                &field.node.selection_set.node,
                fragments,
                known,
                visiting,
            )),
            Selection::InlineFragment(fragment) => {
                count_aliases(&fragment.node.selection_set.node, fragments, known, visiting)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                match (known.get(name), fragments.get(name)) {
                    (Some(count), _) => *count,
                    (None, Some(fragment)) if !visiting.contains(&name) => {
                        visiting.push(name);
                        let count = count_aliases(&fragment.node.selection_set.node, fragments, known, visiting);
                        visiting.pop();
                        known.insert(name, count);
                        count
                    }
                    _ => 0,
                }
            }
        };
        total.saturating_add(here)
    })
}

/// How many aliases a query executes, fragments expanded where they are spread (a fragment no
/// operation spreads executes nothing). `None` when the query does not parse.
pub fn aliases_in(query: &str) -> Option<usize> {
    let document = async_graphql::parser::parse_query(query).ok()?;
    let mut known = HashMap::new();
    let mut visiting = Vec::new();
    let count = document.operations.iter().fold(0usize, |total, (_, op)| {
        total.saturating_add(count_aliases(&op.node.selection_set.node, &document.fragments, &mut known, &mut visiting))
    });
    Some(count)
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
    if let Some(count) = aliases_in(&request.query).filter(|n| *n > MAX_ALIASES) {
        let message = format!("the query uses {count} aliases; at most {MAX_ALIASES} are allowed");
        let mut error = ServerError::new(message, None);
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", "BAD_USER_INPUT");
        extensions.set("requestId", info.id.as_str());
        error.extensions = Some(extensions);
        return Response::from_errors(vec![error]);
    }
    let staff_introspection = caller.account.is_some();
    let request = request
        .data(Loaders::new(&services.registry, &services.privacy, &caller.actor))
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

/// Gives every error a code and the request id: errors raised by the engine itself (parse,
/// validation, limits) carry none of their own.
fn with_codes(mut response: Response, info: &RequestInfo) -> Response {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "BAD_USER_INPUT");
        }
        if extensions.get("requestId").is_none() {
            extensions.set("requestId", info.id.as_str());
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::aliases_in;

    #[test]
    fn a_fragment_counts_once_per_spread() {
        let fragment: String = (0..50).map(|i| format!("a{i}: __typename ")).collect();
        let spreads: String = (0..10).map(|i| format!("s{i}: organizations {{ ...F }} ")).collect();
        let query = format!("query {{ {spreads} }} fragment F on OrganizationConnection {{ {fragment} }}");
        assert_eq!(aliases_in(&query), Some(10 + 10 * 50));
    }

    #[test]
    fn nested_fragments_multiply_and_saturate_instead_of_overflowing() {
        let mut query = String::from("query { ...F0 }");
        for level in 0..80 {
            query.push_str(&format!(" fragment F{level} on Query {{ x: __typename ...F{n} ...F{n} }}", n = level + 1));
        }
        query.push_str(" fragment F80 on Query { y: __typename }");
        assert_eq!(aliases_in(&query), Some(usize::MAX));
    }

    #[test]
    fn a_fragment_cycle_and_an_unknown_fragment_end_the_count() {
        let query = "query { a: __typename ...A ...Missing } fragment A on Query { b: __typename ...A }";
        assert_eq!(aliases_in(query), Some(2));
    }

    #[test]
    fn a_fragment_no_operation_spreads_executes_no_alias() {
        assert_eq!(aliases_in("query { a: __typename } fragment F on Query { b: __typename c: __typename }"), Some(1));
    }
}
