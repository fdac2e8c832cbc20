//! The registry's pages: organisations and people a page at a time, with what the selection
//! will ask for loaded one batch per edge.

use std::sync::Arc;

use async_graphql::{Context, Lookahead, Object, Result, SimpleObject};
use kernel::{ListOrder, Page};
use registry::model::{Organization, OrganizationId, Person};
use registry::ports::PEOPLE_ORDER;

use super::loaders::loaders;
use super::types::{OrganizationGql, PersonGql};
use crate::graphql::shared::{Caller, GqlResult, PageInfoGql, cursors, page_info, services, total_count};

/// A page of organisations.
pub struct OrganizationConnection(pub Page<Arc<Organization>>, pub ListOrder);

/// An organisation with its cursor.
#[derive(SimpleObject)]
#[graphql(name = "OrganizationEdge")]
pub struct OrganizationEdge {
    /// Pass as `after` to continue after this item.
    pub cursor: String,
    /// The organisation.
    pub node: OrganizationGql,
}

#[Object(name = "OrganizationConnection")]
impl OrganizationConnection {
    /// How many organisations match the filter in all.
    async fn total_count(&self) -> u64 {
        total_count(&self.0)
    }
    async fn page_info(&self) -> PageInfoGql {
        page_info(&self.0, self.1)
    }
    async fn edges(&self, ctx: &Context<'_>) -> Result<Vec<OrganizationEdge>> {
        prefetch(ctx, ctx.look_ahead().field("node"), &self.0.items).await?;
        let nodes = self.0.items.iter().cloned().map(OrganizationGql);
        Ok(cursors(&self.0, self.1).zip(nodes).map(|(cursor, node)| OrganizationEdge { cursor, node }).collect())
    }
    /// The organisations of the page, without cursors.
    async fn nodes(&self, ctx: &Context<'_>) -> Result<Vec<OrganizationGql>> {
        prefetch(ctx, ctx.look_ahead(), &self.0.items).await?;
        Ok(self.0.items.iter().cloned().map(OrganizationGql).collect())
    }
}

/// Loads, one batch per edge, what the selected fields of a page of organisations will ask for,
/// two levels deep; the resolvers below then answer from the request's loader cache. Without this
/// the batches would depend on timing, and the statement count could grow with the page.
async fn prefetch(ctx: &Context<'_>, node: Lookahead<'_>, organizations: &[Arc<Organization>]) -> Result<()> {
    let loaders = loaders(ctx);
    let ids: Vec<OrganizationId> = organizations.iter().map(|o| o.id).collect();
    loaders.organizations.feed_many(organizations.iter().map(|o| (o.id, o.clone()))).await;
    let person = node.field("people").field("person");
    if person.exists() {
        let people = loaders.feed_members(&ids).await.gql(ctx)?;
        let contacts = person.field("phones").exists() || person.field("emails").exists();
        // Prefetched only for callers who may read them; for the others each field answers FORBIDDEN.
        if contacts
            && let Some(caller) = ctx.data_opt::<Caller>()
            && services(ctx).gate.allows(&caller.actor, registry::actions::PERSON_PERSONAL_DATA)
        {
            loaders.contacts.load_many(people).await.gql(ctx)?;
        }
    } else if node.field("people").exists() {
        loaders.memberships_by_organization.load_many(ids.iter().copied()).await.gql(ctx)?;
    }
    if node.field("ties").exists() {
        let ties = loaders.ties.load_many(ids.iter().copied()).await.gql(ctx)?;
        if node.field("ties").field("other").exists() {
            let ends = ties.values().flat_map(|list| list.iter()).flat_map(|t| [t.pair().0, t.pair().1]);
            loaders.organizations.load_many(ends).await.gql(ctx)?;
        }
    }
    let services = crate::graphql::services::loaders::loaders(ctx);
    if node.field("requests").exists() {
        services.requests.load_many(ids.iter().copied()).await.gql(ctx)?;
    }
    if node.field("servicesOffered").exists() {
        services.offered.load_many(ids.iter().copied()).await.gql(ctx)?;
    }
    if node.field("deliveriesReceived").exists() {
        services.delivered.load_many(ids.iter().copied()).await.gql(ctx)?;
    }
    if node.field("referralsReceived").exists() {
        services.referred.load_many(ids.iter().copied()).await.gql(ctx)?;
    }
    if node.field("coalitions").exists() {
        let members = loaders.coalitions_by_organization.load_many(ids.iter().copied()).await.gql(ctx)?;
        if node.field("coalitions").field("coalition").exists() {
            loaders
                .coalitions
                .load_many(members.values().flat_map(|list| list.iter()).map(|m| m.coalition))
                .await
                .gql(ctx)?;
        }
    }
    Ok(())
}

/// A page of people.
pub struct PersonConnection(pub Page<Arc<Person>>);

/// A person with its cursor.
#[derive(SimpleObject)]
#[graphql(name = "PersonEdge")]
pub struct PersonEdge {
    /// Pass as `after` to continue after this item.
    pub cursor: String,
    /// The person.
    pub node: PersonGql,
}

#[Object(name = "PersonConnection")]
impl PersonConnection {
    /// How many people match the filter in all.
    async fn total_count(&self) -> u64 {
        total_count(&self.0)
    }
    async fn page_info(&self) -> PageInfoGql {
        page_info(&self.0, PEOPLE_ORDER)
    }
    async fn edges(&self) -> Vec<PersonEdge> {
        let nodes = self.0.items.iter().cloned().map(PersonGql);
        cursors(&self.0, PEOPLE_ORDER).zip(nodes).map(|(cursor, node)| PersonEdge { cursor, node }).collect()
    }
    /// The people of the page.
    async fn nodes(&self) -> Vec<PersonGql> {
        self.0.items.iter().cloned().map(PersonGql).collect()
    }
}
