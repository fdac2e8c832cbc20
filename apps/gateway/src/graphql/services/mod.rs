//! The services domain's part of the staff schema: the centre's catalogue, the directory of NGOs'
//! services, requests and appeals through their 59-FZ states, dispatch and referrals, deliveries
//! and advocacy cases.

pub mod inputs;
pub mod loaders;
pub mod pages;
pub mod types;

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use services_catalog::ServicesError;
use services_catalog::model::case::CaseId;
use services_catalog::model::catalogue::CatalogueServiceId;
use services_catalog::model::directory::DirectoryServiceId;
use services_catalog::model::referral::ReferralId;
use services_catalog::model::request::RequestId;
use services_catalog::model::values::Invalid;
use services_catalog::ports::{
    CASE_NEWEST, DELIVERY_LATEST, REFERRAL_NEWEST, REQUEST_BY_DEADLINE, REQUEST_NEWEST, SERVICE_BY_NAME,
};
use services_catalog::service::CatalogueInput;

use crate::graphql::shared::{GqlResult, actor, page_request, parse_id, services};
use inputs::{
    CaseChangeInputGql, CaseFilterGql, CaseInputGql, CatalogueServiceInputGql, DeliveryFilterGql, DeliveryInputGql,
    DirectoryFilterGql, DirectoryServiceInputGql, NeedInputGql, ReferralFilterGql, ReferralInputGql, RequestFilterGql,
    RequestInputGql, RequestStepInputGql,
};
use pages::{
    AdvocacyCaseConnection, DeliveryConnection, DirectoryServiceConnection, ReferralConnection, RequestConnection,
};
use types::{
    AdvocacyCaseGql, CatalogueServiceGql, DeliveryGql, DirectoryServiceGql, QueueCountsGql, QueueGql, RankedServiceGql,
    ReferralGql, ReferralStepGql, RequestGql, ServiceStatusGql,
};

/// The most deliveries one `recordDeliveries` takes (bigger files go through `nko import deliveries`).
pub const MAX_DELIVERIES_PER_CALL: usize = 500;

/// The use case's error with its input field named as the API names it: `prefix.field`, and a
/// batch's `deliveries[i].field` as `prefix[i].field`.
pub fn within(prefix: &'static str) -> impl Fn(ServicesError) -> ServicesError {
    move |error| match error {
        ServicesError::Invalid(Invalid { field, problem }) => {
            let field = match field.strip_prefix("deliveries") {
                Some(rest) => format!("{prefix}{rest}"),
                None => format!("{prefix}.{field}"),
            };
            ServicesError::Invalid(Invalid { field, problem })
        }
        other => other,
    }
}

/// A missing record (or one outside the caller's scope) as null.
fn found<T>(result: Result<T, ServicesError>) -> Result<Option<T>, ServicesError> {
    match result {
        Ok(found) => Ok(Some(found)),
        Err(ServicesError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The services queries.
#[derive(Default)]
pub struct ServicesQuery;

#[Object]
impl ServicesQuery {
    /// The centre's catalogue of services, retired ones too, by category then code.
    async fn catalogue(&self, ctx: &Context<'_>) -> Result<Vec<CatalogueServiceGql>> {
        let actor = actor(ctx)?;
        Ok(services(ctx).catalog.catalogue(actor).await.gql(ctx)?.into_iter().map(CatalogueServiceGql).collect())
    }

    /// The directory of NGOs' social services, by name, a page at a time (a representative:
    /// their organisation's).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn directory_services(
        &self,
        ctx: &Context<'_>,
        filter: Option<DirectoryFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<DirectoryServiceConnection> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default().into_filter(ctx)?;
        let page = page_request(ctx, first, after, SERVICE_BY_NAME)?;
        let found = services(ctx).catalog.services(actor, filter, page).await.map_err(within("filter")).gql(ctx)?;
        Ok(DirectoryServiceConnection(found.map(Arc::new), SERVICE_BY_NAME))
    }

    /// One directory service, or null.
    async fn directory_service(&self, ctx: &Context<'_>, id: ID) -> Result<Option<DirectoryServiceGql>> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, DirectoryServiceId)?;
        let service = found(services(ctx).catalog.service(actor, id).await).gql(ctx)?;
        Ok(service.map(|s| DirectoryServiceGql(Arc::new(s))))
    }

    /// Requests: a queue by its running deadline, or all newest first; a page at a time (a
    /// representative: their organisation's).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn requests(
        &self,
        ctx: &Context<'_>,
        queue: Option<QueueGql>,
        filter: Option<RequestFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<RequestConnection> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default().into_filter(ctx)?;
        let order = if queue.is_some() { REQUEST_BY_DEADLINE } else { REQUEST_NEWEST };
        let page = page_request(ctx, first, after, order)?;
        let queue = queue.map(Into::into);
        let found = services(ctx).catalog.requests(actor, queue, filter, page).await.gql(ctx)?;
        Ok(RequestConnection(found.map(Arc::new), order))
    }

    /// One request with its personal data (the read is recorded), or null.
    async fn request(&self, ctx: &Context<'_>, id: ID) -> Result<Option<RequestGql>> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, RequestId)?;
        let request = found(services(ctx).catalog.request(actor, id).await).gql(ctx)?;
        Ok(request.map(|r| RequestGql(Arc::new(r))))
    }

    /// How many open requests each queue holds today.
    async fn request_counts(&self, ctx: &Context<'_>) -> Result<QueueCountsGql> {
        let actor = actor(ctx)?;
        let c = services(ctx).catalog.queue_counts(actor).await.gql(ctx)?;
        Ok(QueueCountsGql {
            open: c.open,
            unassigned: c.unassigned,
            at_risk: c.at_risk,
            overdue: c.overdue,
            mine: c.mine,
        })
    }

    /// Directory services that can help with a need, best first, with the reasons: eligibility
    /// excludes, then territory, need, free places and language rank.
    async fn dispatch(&self, ctx: &Context<'_>, need: NeedInputGql) -> Result<Vec<RankedServiceGql>> {
        let actor = actor(ctx)?;
        let ranked = services(ctx).catalog.dispatch(actor, &need.into()).await.map_err(within("need")).gql(ctx)?;
        Ok(ranked.into_iter().map(RankedServiceGql).collect())
    }

    /// Referrals, newest first, a page at a time (a representative: those to their organisation).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        filter: Option<ReferralFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<ReferralConnection> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default().into_filter(ctx)?;
        let page = page_request(ctx, first, after, REFERRAL_NEWEST)?;
        let found = services(ctx).catalog.referrals(actor, filter, page).await.gql(ctx)?;
        Ok(ReferralConnection(found.map(Arc::new), REFERRAL_NEWEST))
    }

    /// Deliveries, latest first, a page at a time (a representative: what their organisation
    /// received).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        filter: Option<DeliveryFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<DeliveryConnection> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default().into_filter(ctx)?;
        let page = page_request(ctx, first, after, DELIVERY_LATEST)?;
        let found = services(ctx).catalog.deliveries(actor, filter, page).await.gql(ctx)?;
        Ok(DeliveryConnection(found.map(Arc::new), DELIVERY_LATEST))
    }

    /// Public advocacy cases, newest first, a page at a time.
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn advocacy_cases(
        &self,
        ctx: &Context<'_>,
        filter: Option<CaseFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<AdvocacyCaseConnection> {
        let actor = actor(ctx)?;
        let page = page_request(ctx, first, after, CASE_NEWEST)?;
        let found = services(ctx).catalog.cases(actor, filter.unwrap_or_default().into(), page).await.gql(ctx)?;
        Ok(AdvocacyCaseConnection(found.map(Arc::new), CASE_NEWEST))
    }

    /// One advocacy case, or null.
    async fn advocacy_case(&self, ctx: &Context<'_>, id: ID) -> Result<Option<AdvocacyCaseGql>> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, CaseId)?;
        let case = found(services(ctx).catalog.case(actor, id).await).gql(ctx)?;
        Ok(case.map(|c| AdvocacyCaseGql(Arc::new(c))))
    }
}

/// The services mutations.
#[derive(Default)]
pub struct ServicesMutation;

#[Object]
impl ServicesMutation {
    /// Adds a service to the centre's catalogue.
    async fn add_catalogue_service(
        &self,
        ctx: &Context<'_>,
        input: CatalogueServiceInputGql,
    ) -> Result<CatalogueServiceGql> {
        let actor = actor(ctx)?;
        let input = CatalogueInput::from(input);
        let added =
            services(ctx).catalog.add_catalogue_service(actor, &input).await.map_err(within("input")).gql(ctx)?;
        Ok(CatalogueServiceGql(added))
    }

    /// Changes a catalogue service read at `expectedVersion`.
    async fn change_catalogue_service(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        input: CatalogueServiceInputGql,
    ) -> Result<CatalogueServiceGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, CatalogueServiceId)?;
        let input = CatalogueInput::from(input);
        let catalog = &services(ctx).catalog;
        let changed = catalog
            .change_catalogue_service(actor, id, expected_version, &input)
            .await
            .map_err(within("input"))
            .gql(ctx)?;
        Ok(CatalogueServiceGql(changed))
    }

    /// Retires a catalogue service from `on` (today when absent).
    async fn retire_catalogue_service(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        on: Option<NaiveDate>,
    ) -> Result<CatalogueServiceGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, CatalogueServiceId)?;
        let retired = services(ctx).catalog.retire_catalogue_service(actor, id, expected_version, on).await.gql(ctx)?;
        Ok(CatalogueServiceGql(retired))
    }

    /// Adds a service an organisation offers (a representative: their own organisation's).
    async fn add_directory_service(
        &self,
        ctx: &Context<'_>,
        input: DirectoryServiceInputGql,
    ) -> Result<DirectoryServiceGql> {
        let actor = actor(ctx)?;
        let input = input.into_input(ctx)?;
        let added = services(ctx).catalog.add_service(actor, &input).await.map_err(within("input")).gql(ctx)?;
        Ok(DirectoryServiceGql(Arc::new(added)))
    }

    /// Changes a directory service read at `expectedVersion`.
    async fn change_directory_service(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        input: DirectoryServiceInputGql,
    ) -> Result<DirectoryServiceGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, DirectoryServiceId)?;
        let input = input.into_input(ctx)?;
        let catalog = &services(ctx).catalog;
        let changed =
            catalog.change_service(actor, id, expected_version, &input).await.map_err(within("input")).gql(ctx)?;
        Ok(DirectoryServiceGql(Arc::new(changed)))
    }

    /// Retires (or offers again) a directory service read at `expectedVersion`.
    async fn set_directory_service_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        status: ServiceStatusGql,
    ) -> Result<DirectoryServiceGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, DirectoryServiceId)?;
        let catalog = &services(ctx).catalog;
        let changed = catalog.set_service_status(actor, id, expected_version, status.into()).await.gql(ctx)?;
        Ok(DirectoryServiceGql(Arc::new(changed)))
    }

    /// Receives a request as staff enter it (a representative: their organisation's); it starts
    /// `RECEIVED` with its number and must be registered within 3 days.
    async fn receive_request(&self, ctx: &Context<'_>, input: RequestInputGql) -> Result<RequestGql> {
        let actor = actor(ctx)?;
        let input = input.into_input(ctx)?;
        let received = services(ctx).catalog.receive(actor, &input).await.map_err(within("input")).gql(ctx)?;
        Ok(RequestGql(Arc::new(received)))
    }

    /// Takes one step on a request read at `expectedVersion`: register, assign, start, extend
    /// (once, by at most 30 days), answer, redirect, reject, close or reopen.
    async fn advance_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        step: RequestStepInputGql,
    ) -> Result<RequestGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, RequestId)?;
        let step = step.into();
        let catalog = &services(ctx).catalog;
        let request = catalog.step(actor, id, expected_version, &step).await.map_err(within("step")).gql(ctx)?;
        Ok(RequestGql(Arc::new(request)))
    }

    /// Refers a person to a directory service for a request: refused without the person's
    /// consent to share their data with the service's provider.
    async fn refer(&self, ctx: &Context<'_>, input: ReferralInputGql) -> Result<ReferralGql> {
        let actor = actor(ctx)?;
        let input = input.into_input(ctx)?;
        let referral = services(ctx).catalog.refer(actor, &input).await.map_err(within("input")).gql(ctx)?;
        Ok(ReferralGql(Arc::new(referral)))
    }

    /// Accepts, declines or completes a referral (the NGO), or revokes it (the centre); a decline
    /// or a revocation says why in `outcome`.
    async fn answer_referral(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        step: ReferralStepGql,
        outcome: Option<String>,
    ) -> Result<ReferralGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, ReferralId)?;
        let catalog = &services(ctx).catalog;
        let referral =
            catalog.answer_referral(actor, id, expected_version, step.into(), outcome.as_deref()).await.gql(ctx)?;
        Ok(ReferralGql(Arc::new(referral)))
    }

    /// Records services given, all or none (at most 500 at once; larger files through
    /// `nko import deliveries`).
    async fn record_deliveries(&self, ctx: &Context<'_>, input: Vec<DeliveryInputGql>) -> Result<Vec<DeliveryGql>> {
        let actor = actor(ctx)?;
        if input.len() > MAX_DELIVERIES_PER_CALL {
            let problem = services_catalog::model::values::Problem::TooMany { max: MAX_DELIVERIES_PER_CALL };
            return Err(ServicesError::Invalid(Invalid { field: "input".into(), problem })).gql(ctx);
        }
        let inputs =
            input.into_iter().enumerate().map(|(row, d)| d.into_input(ctx, row)).collect::<Result<Vec<_>>>()?;
        let recorded =
            services(ctx).catalog.record_deliveries(actor, &inputs).await.map_err(within("input")).gql(ctx)?;
        Ok(recorded.into_iter().map(|d| DeliveryGql(Arc::new(d))).collect())
    }

    /// Opens a public advocacy case from a request.
    async fn open_advocacy_case(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        input: CaseInputGql,
    ) -> Result<AdvocacyCaseGql> {
        let actor = actor(ctx)?;
        let request = parse_id(ctx, "requestId", &request_id, RequestId)?;
        let input = input.into();
        let case = services(ctx).catalog.open_case(actor, request, &input).await.map_err(within("input")).gql(ctx)?;
        Ok(AdvocacyCaseGql(Arc::new(case)))
    }

    /// Changes a case read at `expectedVersion`: its details, a hearing, a deadline (or one met),
    /// a document in the register, its outcome (closing it), or reopening it.
    async fn change_advocacy_case(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        change: CaseChangeInputGql,
    ) -> Result<AdvocacyCaseGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, CaseId)?;
        let change = change.into();
        let catalog = &services(ctx).catalog;
        let case =
            catalog.change_case(actor, id, expected_version, &change).await.map_err(within("change")).gql(ctx)?;
        Ok(AdvocacyCaseGql(Arc::new(case)))
    }
}
