//! The registry's edges, each one batched read of the registry's use cases.

use std::sync::Arc;

use async_graphql::Context;
use registry::model::{
    Coalition, CoalitionId, CoalitionMember, Membership, Organization, OrganizationId, Person, PersonId, Tie,
};
use registry::service::PersonContacts;

use crate::graphql::shared::loaders::{Asking, ByIdLoader, GroupedLoader, by_id, grouped, reading};

/// The registry's loaders of one request.
pub struct RegistryLoaders {
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

/// The request's registry loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> &'a RegistryLoaders {
    ctx.data_unchecked::<RegistryLoaders>()
}
