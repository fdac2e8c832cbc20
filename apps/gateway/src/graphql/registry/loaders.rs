//! The registry's edges, each one batched read of the registry's use cases.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use registry::model::{
    Coalition, CoalitionId, CoalitionMember, Membership, Organization, OrganizationId, Person, PersonId, Tie,
};
use registry::service::PersonContacts;

use crate::graphql::shared::errors::LoadError;
use crate::graphql::shared::loaders::{Asking, ByIdLoader, GroupedLoader, by_id, grouped, reading};

/// The registry's loaders of one request.
pub struct RegistryLoaders {
    /// Who reads, for reads that fill more than one loader.
    asking: Arc<Asking>,
    /// Organisations by id.
    pub organizations: ByIdLoader<OrganizationId, Organization>,
    /// People by id.
    pub people: ByIdLoader<PersonId, Person>,
    /// Coalitions by id.
    pub coalitions: ByIdLoader<CoalitionId, Coalition>,
    /// People's contacts by person (reads of personal data, recorded in the audit log).
    pub contacts: ByIdLoader<PersonId, PersonContacts>,
    /// Memberships of people, by organisation.
    pub memberships_by_organization: GroupedLoader<OrganizationId, Membership>,
    /// Memberships in organisations, by person.
    pub memberships_by_person: GroupedLoader<PersonId, Membership>,
    /// Ties, under each organisation at either end.
    pub ties: GroupedLoader<OrganizationId, Tie>,
    /// Coalition memberships, by organisation.
    pub coalitions_by_organization: GroupedLoader<OrganizationId, CoalitionMember>,
    /// Coalition members, by coalition.
    pub members_by_coalition: GroupedLoader<CoalitionId, CoalitionMember>,
}

/// The registry's batched read `$use_case`, as a loader reads: with the request's actor.
macro_rules! read {
    ($use_case:ident) => {
        |services, actor, ids| reading(services.registry.$use_case(actor, ids))
    };
}

impl RegistryLoaders {
    /// Fresh loaders for one request.
    pub fn new(asking: &Arc<Asking>) -> Self {
        Self {
            asking: asking.clone(),
            organizations: by_id(asking, read!(organizations_by_ids), |o| o.id),
            people: by_id(asking, read!(people_by_ids), |p| p.id),
            coalitions: by_id(asking, read!(coalitions_by_ids), |c| c.id),
            contacts: by_id(asking, read!(personal_data), |c| c.person),
            memberships_by_organization: grouped(asking, read!(memberships_of_organizations), |m| vec![m.organization]),
            memberships_by_person: grouped(asking, read!(memberships_of_people), |m| vec![m.person]),
            ties: grouped(asking, read!(ties_of), |t| vec![t.pair().0, t.pair().1]),
            coalitions_by_organization: grouped(asking, read!(coalition_memberships_of), |m| vec![m.organization]),
            members_by_coalition: grouped(asking, read!(members_of_coalitions), |m| vec![m.coalition]),
        }
    }
}

impl RegistryLoaders {
    /// The memberships in these organisations and their people, in one read, into both loaders'
    /// caches (every organisation gets its list, empty or not); answers the people's ids.
    pub async fn feed_members(&self, ids: &[OrganizationId]) -> Result<Vec<PersonId>, LoadError> {
        let Asking { services, actor } = &*self.asking;
        let found = services.registry.members_of_organizations(actor, ids).await?;
        let mut lists: HashMap<OrganizationId, Vec<Arc<Membership>>> = ids.iter().map(|id| (*id, Vec::new())).collect();
        let mut people = Vec::with_capacity(found.len());
        for (membership, person) in found {
            people.push((person.id, Arc::new(person)));
            if let Some(list) = lists.get_mut(&membership.organization) {
                list.push(Arc::new(membership));
            }
        }
        let ids = people.iter().map(|(id, _)| *id).collect();
        self.memberships_by_organization.feed_many(lists.into_iter().map(|(id, list)| (id, list.into()))).await;
        self.people.feed_many(people).await;
        Ok(ids)
    }
}

/// The request's registry loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> &'a RegistryLoaders {
    ctx.data_unchecked::<RegistryLoaders>()
}
