//! The services domain's edges from organisations, each one batched read of its use cases.

use std::sync::Arc;

use async_graphql::Context;
use kernel::OrganizationId;
use services_catalog::model::delivery::Delivery;
use services_catalog::model::directory::DirectoryService;
use services_catalog::model::referral::Referral;
use services_catalog::model::request::Request;

use crate::graphql::shared::loaders::{Asking, GroupedLoader, grouped, reading};

/// The services loaders of one request.
pub struct ServicesLoaders {
    /// Requests, by the organisation that sent them.
    pub requests: GroupedLoader<OrganizationId, Request>,
    /// Directory services, by provider.
    pub offered: GroupedLoader<OrganizationId, DirectoryService>,
    /// Deliveries, by the organisation that received them.
    pub delivered: GroupedLoader<OrganizationId, Delivery>,
    /// Referrals, by the organisation they went to.
    pub referred: GroupedLoader<OrganizationId, Referral>,
}

/// The services domain's batched read `$use_case`, as a loader reads: with the request's actor.
macro_rules! read {
    ($use_case:ident) => {
        |services, actor, ids| reading(services.catalog.$use_case(actor, ids))
    };
}

impl ServicesLoaders {
    /// Fresh loaders for one request.
    pub fn new(asking: &Arc<Asking>) -> Self {
        Self {
            requests: grouped(asking, read!(requests_of), |r| r.applicant.organization().into_iter().collect()),
            offered: grouped(asking, read!(services_of), |s| vec![s.provider]),
            delivered: grouped(asking, read!(deliveries_to), |d| d.organization().into_iter().collect()),
            referred: grouped(asking, read!(referrals_to), |r| vec![r.provider]),
        }
    }
}

/// The request's services loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> &'a ServicesLoaders {
    ctx.data_unchecked::<ServicesLoaders>()
}
