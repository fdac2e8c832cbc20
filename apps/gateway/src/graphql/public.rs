//! The anonymous public directory: a separate, smaller schema. It shows active organisations'
//! public fields, and of their people only those with a distribution consent (152-FZ art. 10.1),
//! each with only the consented fields.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use kernel::{Actor, Page, TermKind};
use registry::model::{OrgStatus, Organization, OrganizationId};
use registry::ports::{OrganizationFilter, OrganizationOrder, StatusKind};
use registry::service::PublicPerson;

use super::registry::inputs::OrganizationFilterGql;
use super::registry::terms_of;
use super::registry::types::{TermGql, TermKindGql, term, terms};
use super::shared::loaders::{Asking, GroupedLoader, grouped, reading};
use super::shared::{
    GqlResult, LoadError, PageInfoGql, Services, caller, page_info, page_request, parse_id, services, total_count,
};

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
}
