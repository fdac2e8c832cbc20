//! The anonymous public directory: a separate, smaller schema. It shows active organisations'
//! public fields, and of their people only those with a distribution consent (152-FZ art. 10.1),
//! each with only the consented fields; the service finder; and the public reception's appeal
//! form, rate-limited per address.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use kernel::{Actor, Page, TermKind};
use registry::model::{OrgStatus, Organization, OrganizationId};
use registry::ports::{OrganizationFilter, OrganizationOrder, StatusKind};
use registry::service::PublicPerson;

use super::registry::inputs::OrganizationFilterGql;
use super::registry::terms_of;
use super::registry::types::{TermGql, TermKindGql, term, terms};
use super::services::inputs::{AppealInputGql, FinderFilterGql};
use super::services::types::{CostGql, EligibilityGql, PathwayStepGql};
use super::services::within;
use super::shared::loaders::{Asking, GroupedLoader, grouped, reading};
use super::shared::{
    GqlResult, LoadError, PageInfoGql, Services, caller, page_info, page_request, parse_id, services, total_count,
};
use chrono::NaiveDate;
use services_catalog::model::directory::DirectoryService;
use services_catalog::ports::SERVICE_BY_NAME;

/// The public directory's loaders of one request.
pub struct PublicLoaders {
    /// The public cards of organisations' people, under their organisation: current members
    /// with a distribution consent covering their name, showing only the consented categories.
    pub contacts: GroupedLoader<OrganizationId, (OrganizationId, PublicPerson)>,
}

impl PublicLoaders {
    /// Fresh loaders for one request.
    pub fn new(asking: &Arc<Asking>) -> Self {
        Self { contacts: grouped(asking, |s, a, ids| reading(public_cards(s, a, ids)), |(org, _)| vec![*org]) }
    }
}

/// The public cards of these organisations' people (`Services::public_contacts`).
async fn public_cards(
    services: &Services,
    actor: &Actor,
    organizations: &[OrganizationId],
) -> Result<Vec<(OrganizationId, PublicPerson)>, LoadError> {
    Ok(services.public_contacts(actor, organizations).await?)
}

fn loaders<'a>(ctx: &Context<'a>) -> &'a PublicLoaders {
    ctx.data_unchecked::<PublicLoaders>()
}

/// An organisation as the public directory shows it.
pub struct PublicOrganizationGql(pub Organization);

#[Object(name = "Organization")]
impl PublicOrganizationGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn full_name(&self) -> &str {
        self.0.profile.full_name.as_str()
    }
    async fn short_name(&self) -> Option<&str> {
        self.0.profile.short_name.as_ref().map(|n| n.as_str())
    }
    async fn legal_form(&self, ctx: &Context<'_>) -> TermGql {
        term(ctx, TermKind::LegalForm, self.0.profile.legal_form.as_str())
    }
    async fn municipality(&self, ctx: &Context<'_>) -> Option<TermGql> {
        self.0.profile.municipality.as_ref().map(|c| term(ctx, TermKind::Municipality, c.as_str()))
    }
    async fn activity_areas(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        terms(ctx, TermKind::ActivityArea, &self.0.profile.activity_areas)
    }
    async fn target_groups(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        terms(ctx, TermKind::TargetGroup, &self.0.profile.target_groups)
    }
    /// The organisation's public phones.
    async fn phones(&self) -> Vec<String> {
        self.0.profile.phones.iter().map(ToString::to_string).collect()
    }
    /// The organisation's public e-mails.
    async fn emails(&self) -> Vec<String> {
        self.0.profile.emails.iter().map(ToString::to_string).collect()
    }
    async fn website(&self) -> Option<&str> {
        self.0.profile.website.as_ref().map(|v| v.as_str())
    }
    /// The organisation's postal address.
    async fn postal_address(&self) -> Option<&str> {
        self.0.profile.postal_address.as_ref().map(|v| v.as_str())
    }
    /// Its people who consented to appear here (art. 10.1), with only what they consented to
    /// show. A withdrawn consent takes effect on the next query.
    #[graphql(complexity = "2 + child_complexity")]
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<PublicContactGql>> {
        let found = loaders(ctx).contacts.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().map(|card| PublicContactGql::from(&card.1)).collect())
    }
}

/// A person of an organisation, as they consented to appear in the public directory.
#[derive(SimpleObject)]
#[graphql(name = "Contact")]
pub struct PublicContactGql {
    /// The full name.
    pub full_name: String,
    /// The position, if consented.
    pub position: Option<String>,
    /// Phones, if consented.
    pub phones: Vec<String>,
    /// E-mails, if consented.
    pub emails: Vec<String>,
}

impl From<&PublicPerson> for PublicContactGql {
    fn from(p: &PublicPerson) -> Self {
        Self {
            full_name: p.full_name.clone(),
            position: p.position.clone(),
            phones: p.phones.iter().map(ToString::to_string).collect(),
            emails: p.emails.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Which organisations the directory lists.
#[derive(InputObject, Default)]
#[graphql(name = "DirectoryFilter")]
pub struct DirectoryFilterGql {
    /// Text in the name.
    pub text: Option<String>,
    /// Municipality code.
    pub municipality: Option<String>,
    /// Legal form code.
    pub legal_form: Option<String>,
    /// Activity area code.
    pub activity_area: Option<String>,
    /// Target group code.
    pub target_group: Option<String>,
}

/// A page of the directory.
#[derive(SimpleObject)]
#[graphql(name = "DirectoryPage")]
pub struct DirectoryPageGql {
    /// How many organisations match in all.
    pub total_count: u64,
    /// Paging.
    pub page_info: PageInfoGql,
    /// The organisations.
    pub nodes: Vec<PublicOrganizationGql>,
}

/// A social service as the public finder shows it: what it is, for whom, where, at what cost,
/// and its pathway; never anything about a person.
#[derive(SimpleObject)]
#[graphql(name = "Service")]
pub struct PublicServiceGql {
    /// Identity.
    pub id: ID,
    /// The organisation that provides it (look it up with `organization(id)`).
    pub provider_id: ID,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Types of social services (442-FZ art. 20-22).
    pub service_types: Vec<TermGql>,
    /// Forms of service.
    pub forms: Vec<TermGql>,
    /// Needs served.
    pub needs: Vec<TermGql>,
    /// Municipalities served; empty: the whole region.
    pub municipalities: Vec<TermGql>,
    /// Who may receive it.
    pub eligibility: EligibilityGql,
    /// Languages (ISO 639-1).
    pub languages: Vec<String>,
    /// Schedule.
    pub schedule: Option<String>,
    /// What it costs.
    pub cost: CostGql,
    /// Tariffs.
    pub fees: Option<String>,
    /// Free places, when the provider says.
    pub free_places: Option<u32>,
    /// The steps a person goes through, in order.
    pub pathway: Vec<PathwayStepGql>,
}

impl PublicServiceGql {
    fn of(ctx: &Context<'_>, s: DirectoryService) -> Self {
        let codes = |kind, codes: &[services_catalog::model::values::Code]| {
            codes.iter().map(|c| term(ctx, kind, c.as_str())).collect::<Vec<_>>()
        };
        let eligibility = EligibilityGql {
            min_age: s.eligibility.min_age,
            max_age: s.eligibility.max_age,
            target_groups: codes(TermKind::TargetGroup, &s.eligibility.target_groups),
            income_limit: s.eligibility.income_limit.map(|l| f64::from(l) / 100.0),
            documents: s.eligibility.documents.clone(),
        };
        Self {
            id: ID(s.id.to_string()),
            provider_id: ID(s.provider.to_string()),
            service_types: codes(TermKind::ServiceType, &s.service_types),
            forms: codes(TermKind::ServiceForm, &s.forms),
            needs: codes(TermKind::TargetGroup, &s.needs),
            municipalities: codes(TermKind::Municipality, &s.municipalities),
            eligibility,
            languages: s.spoken().map(str::to_owned).collect(),
            cost: s.cost.into(),
            free_places: s.capacity.map(|c| c.free),
            pathway: s
                .pathway
                .into_iter()
                .map(|p| PathwayStepGql {
                    title: p.title,
                    who: p.who,
                    documents: p.documents,
                    expected_days: p.expected_days,
                })
                .collect(),
            name: s.name,
            description: s.description,
            schedule: s.schedule,
            fees: s.fees,
        }
    }
}

/// A page of the service finder.
#[derive(SimpleObject)]
#[graphql(name = "ServicePage")]
pub struct ServicePageGql {
    /// How many services match in all.
    pub total_count: u64,
    /// Paging.
    pub page_info: PageInfoGql,
    /// The services.
    pub nodes: Vec<PublicServiceGql>,
}

/// What a citizen gets back for an appeal.
#[derive(SimpleObject)]
#[graphql(name = "AppealReceipt")]
pub struct AppealReceiptGql {
    /// The registration number: quote it in every letter about the appeal.
    pub number: String,
    /// The day it was registered.
    pub registered_on: NaiveDate,
    /// The answer is due by this day (59-FZ art. 12: 30 days from registration).
    pub answer_due: Option<NaiveDate>,
}

/// The public directory's queries.
pub struct PublicQuery;

#[Object(name = "Query")]
impl PublicQuery {
    /// Active organisations, by name, a page at a time (at most 100).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<DirectoryFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<DirectoryPageGql> {
        let f = filter.unwrap_or_default();
        let staff_filter = OrganizationFilterGql {
            text: f.text,
            municipality: f.municipality,
            legal_form: f.legal_form,
            activity_area: f.activity_area,
            target_group: f.target_group,
            ..Default::default()
        };
        let filter = OrganizationFilter { status: Some(StatusKind::Active), ..staff_filter.validate(ctx)? };
        let page = page_request(ctx, first, after, OrganizationOrder::NameAsc.list_order())?;
        let found: Page<Organization> =
            services(ctx).registry.directory(&caller(ctx).actor, &filter, page).await.gql(ctx)?;
        // One batch of contacts for the whole page, whatever the scheduler does.
        if ctx.look_ahead().field("nodes").field("contacts").exists() {
            let ids = found.items.iter().map(|o| o.id);
            loaders(ctx).contacts.load_many(ids).await.gql(ctx)?;
        }
        Ok(DirectoryPageGql {
            total_count: total_count(&found),
            page_info: page_info(&found, OrganizationOrder::NameAsc.list_order()),
            nodes: found.items.into_iter().map(PublicOrganizationGql).collect(),
        })
    }

    /// One active organisation, or null.
    async fn organization(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PublicOrganizationGql>> {
        let id = parse_id(ctx, "id", &id, OrganizationId)?;
        let found = services(ctx).registry.directory_entry(&caller(ctx).actor, id).await.gql(ctx)?;
        Ok(found.filter(|o| o.status == OrgStatus::Active).map(PublicOrganizationGql))
    }

    /// The terms of a reference list, for the directory's pick-lists.
    async fn terms(&self, ctx: &Context<'_>, kind: TermKindGql) -> Vec<TermGql> {
        terms_of(ctx, kind)
    }

    /// The service finder: active social services of the region's NGOs by need, municipality,
    /// form and name, a page at a time (at most 100). No personal data.
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn services(
        &self,
        ctx: &Context<'_>,
        filter: Option<FinderFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<ServicePageGql> {
        let filter = filter.unwrap_or_default().into_filter(ctx)?;
        let page = page_request(ctx, first, after, SERVICE_BY_NAME)?;
        let catalog = &services(ctx).catalog;
        let found = catalog.find_services(&caller(ctx).actor, filter, page).await.map_err(within("filter")).gql(ctx)?;
        Ok(ServicePageGql {
            total_count: total_count(&found),
            page_info: page_info(&found, SERVICE_BY_NAME),
            nodes: found.items.into_iter().map(|s| PublicServiceGql::of(ctx, s)).collect(),
        })
    }
}

/// The public reception's mutation.
pub struct PublicMutation;

#[Object(name = "Mutation")]
impl PublicMutation {
    /// A citizen's appeal to the single public reception: registered at once (59-FZ art. 8),
    /// answered to the e-mail given within 30 days (art. 12). Consent to the processing of the
    /// personal data in it is required. At most five appeals an hour from one address.
    async fn submit_appeal(&self, ctx: &Context<'_>, input: AppealInputGql) -> Result<AppealReceiptGql> {
        let caller = caller(ctx);
        let input = input.into();
        let request =
            services(ctx).catalog.submit_appeal(&caller.actor, &input).await.map_err(within("input")).gql(ctx)?;
        Ok(AppealReceiptGql {
            number: request.number,
            registered_on: request.registered_on.unwrap_or(request.received_on),
            answer_due: request.answer_due,
        })
    }
}
