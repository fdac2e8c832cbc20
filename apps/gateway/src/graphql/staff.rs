//! The registry's part of the staff schema: queries and mutations of organisations, people,
//! memberships, coalitions and ties.

use async_graphql::{Context, Enum, ID, InputObject, Lookahead, Object, Result, SimpleObject};
use chrono::NaiveDate;
use kernel::{Cursor, Localized as _, Page, PageRequest, TermKind};
use registry::input::{LegalBasisInput, OrganizationInput, PersonInput, filter_code};
use registry::model::{
    CoalitionId, CoalitionMemberId, Inn, MembershipId, Ogrn, Organization, OrganizationId, Person, PersonId, TieId,
};
use registry::ports::{OrganizationFilter, OrganizationOrder, PersonFilter, StatusKind};
use registry::service::NewTie;
use registry::{InvalidField, Problem, RegistryError};

use super::context::{actor, services};
use super::errors::{GqlResult, IntoGql, error, lang};
use super::types::{
    CoalitionGql, CoalitionMemberGql, CoalitionRoleGql, LegalBasisKindGql, MembershipGql, OrganizationGql, PageInfoGql,
    PersonGql, RelationshipCountGql, RelationshipGql, StatusGql, SummaryGql, TermCountGql, TermGql, TermKindGql,
    TieGql, TieKindGql, load_failed, loaders, term,
};

/// Parses an id argument, naming the argument when it is not an id.
pub fn parse_id<T>(ctx: &Context<'_>, field: &str, id: &ID, make: fn(uuid::Uuid) -> T) -> Result<T> {
    uuid::Uuid::parse_str(id.as_str())
        .map(make)
        .map_err(|_| RegistryError::Invalid(InvalidField::new(field, Problem::IdShape)).gql(ctx))
}

/// Validates `first` and `after`.
pub fn page_request(ctx: &Context<'_>, first: i32, after: Option<String>) -> Result<PageRequest> {
    let after = after
        .map(|a| Cursor::decode(&a))
        .transpose()
        .map_err(|e| error(ctx, super::errors::Code::BadUserInput, e.message(lang(ctx)), Some("after")))?;
    PageRequest::new(i64::from(first), after)
        .map_err(|e| error(ctx, super::errors::Code::BadUserInput, e.message(lang(ctx)), Some("first")))
}

/// A staff member's input for an organisation.
#[derive(InputObject)]
#[graphql(name = "OrganizationInput")]
pub struct OrganizationInputGql {
    /// Full name (required).
    pub full_name: String,
    /// Short name.
    pub short_name: Option<String>,
    /// Legal form code (see `terms(kind: LEGAL_FORM)`).
    pub legal_form: String,
    /// ИНН: 10 digits.
    pub inn: Option<String>,
    /// ОГРН: 13 digits.
    pub ogrn: Option<String>,
    /// КПП: 9 characters.
    pub kpp: Option<String>,
    /// Date of state registration.
    pub registered_on: Option<NaiveDate>,
    /// Municipality code.
    pub municipality: Option<String>,
    /// Legal address.
    pub legal_address: Option<String>,
    /// Postal address.
    pub postal_address: Option<String>,
    /// Public phones.
    #[graphql(default)]
    pub phones: Vec<String>,
    /// Public e-mails.
    #[graphql(default)]
    pub emails: Vec<String>,
    /// Website.
    pub website: Option<String>,
    /// Activity area codes.
    #[graphql(default)]
    pub activity_areas: Vec<String>,
    /// Target group codes.
    #[graphql(default)]
    pub target_groups: Vec<String>,
    /// The centre's relationship.
    #[graphql(default_with = "RelationshipGql::None")]
    pub relationship: RelationshipGql,
    /// Since when.
    pub relationship_since: Option<NaiveDate>,
    /// In the register of SONKO receiving support.
    #[graphql(default)]
    pub in_sonko_register: bool,
    /// In the register of social-service providers.
    #[graphql(default)]
    pub social_service_provider: bool,
}

impl From<OrganizationInputGql> for OrganizationInput {
    fn from(i: OrganizationInputGql) -> Self {
        OrganizationInput {
            full_name: i.full_name,
            short_name: i.short_name,
            legal_form: i.legal_form,
            inn: i.inn,
            ogrn: i.ogrn,
            kpp: i.kpp,
            registered_on: i.registered_on,
            municipality: i.municipality,
            legal_address: i.legal_address,
            postal_address: i.postal_address,
            phones: i.phones,
            emails: i.emails,
            website: i.website,
            activity_areas: i.activity_areas,
            target_groups: i.target_groups,
            relationship: Some(i.relationship.into()),
            relationship_since: i.relationship_since,
            in_sonko_register: i.in_sonko_register,
            social_service_provider: i.social_service_provider,
        }
    }
}

/// Which organisations to list; every given field narrows the list.
#[derive(InputObject, Default)]
#[graphql(name = "OrganizationFilter")]
pub struct OrganizationFilterGql {
    /// Text in the full or short name.
    pub text: Option<String>,
    /// Exact ИНН.
    pub inn: Option<String>,
    /// Exact ОГРН.
    pub ogrn: Option<String>,
    /// Municipality code.
    pub municipality: Option<String>,
    /// Legal form code.
    pub legal_form: Option<String>,
    /// Activity area code.
    pub activity_area: Option<String>,
    /// Target group code.
    pub target_group: Option<String>,
    /// Status.
    pub status: Option<StatusGql>,
    /// Relationship with the centre.
    pub relationship: Option<RelationshipGql>,
}

impl OrganizationFilterGql {
    /// Validates the filter; a wrong value is named (`filter.inn`, `filter.municipality`...).
    pub fn validate(self, ctx: &Context<'_>) -> Result<OrganizationFilter> {
        let vocabulary = services(ctx).registry.vocabulary();
        let code = |kind, name: &str, value: Option<String>| {
            value
                .map(|v| filter_code(&vocabulary, kind, name, &v))
                .transpose()
                .map_err(|f| RegistryError::Invalid(f).gql(ctx))
        };
        let invalid = |name: &str, p: Problem| RegistryError::Invalid(InvalidField::new(name, p)).gql(ctx);
        Ok(OrganizationFilter {
            text: self.text.filter(|t| !t.trim().is_empty()),
            inn: self.inn.map(|v| Inn::parse(&v)).transpose().map_err(|p| invalid("filter.inn", p))?,
            ogrn: self.ogrn.map(|v| Ogrn::parse(&v)).transpose().map_err(|p| invalid("filter.ogrn", p))?,
            municipality: code(TermKind::Municipality, "filter.municipality", self.municipality)?,
            legal_form: code(TermKind::LegalForm, "filter.legalForm", self.legal_form)?,
            activity_area: code(TermKind::ActivityArea, "filter.activityArea", self.activity_area)?,
            target_group: code(TermKind::TargetGroup, "filter.targetGroup", self.target_group)?,
            status: self.status.map(|s| match s {
                StatusGql::Active => StatusKind::Active,
                StatusGql::Suspended => StatusKind::Suspended,
                StatusGql::Liquidated => StatusKind::Liquidated,
            }),
            relationship: self.relationship.map(Into::into),
            only: None,
        })
    }
}

/// The orders of the organisation list.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[graphql(name = "OrganizationOrder")]
pub enum OrganizationOrderGql {
    /// By full name, А to Я.
    #[default]
    NameAsc,
    /// By full name, Я to А.
    NameDesc,
    /// Oldest records first.
    CreatedAsc,
    /// Newest records first.
    CreatedDesc,
}

impl From<OrganizationOrderGql> for OrganizationOrder {
    fn from(order: OrganizationOrderGql) -> Self {
        match order {
            OrganizationOrderGql::NameAsc => OrganizationOrder::NameAsc,
            OrganizationOrderGql::NameDesc => OrganizationOrder::NameDesc,
            OrganizationOrderGql::CreatedAsc => OrganizationOrder::CreatedAsc,
            OrganizationOrderGql::CreatedDesc => OrganizationOrder::CreatedDesc,
        }
    }
}

/// A page of organisations.
pub struct OrganizationConnection(pub Page<Organization>);

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
        self.0.total
    }
    async fn page_info(&self) -> PageInfoGql {
        page_info(&self.0)
    }
    async fn edges(&self, ctx: &Context<'_>) -> Result<Vec<OrganizationEdge>> {
        prefetch(ctx, ctx.look_ahead().field("node"), &self.0.items).await?;
        Ok(self
            .0
            .items
            .iter()
            .enumerate()
            .map(|(i, o)| OrganizationEdge { cursor: self.0.cursor_of(i).encode(), node: OrganizationGql(o.clone()) })
            .collect())
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
async fn prefetch(ctx: &Context<'_>, node: Lookahead<'_>, organizations: &[Organization]) -> Result<()> {
    let loaders = loaders(ctx);
    let ids: Vec<OrganizationId> = organizations.iter().map(|o| o.id).collect();
    let failed = |e| load_failed(ctx, e);
    loaders.organizations.feed_many(organizations.iter().map(|o| (o.id, o.clone()))).await;
    if node.field("people").exists() {
        let memberships = loaders.memberships_by_organization.load_many(ids.iter().copied()).await.map_err(failed)?;
        let person = node.field("people").field("person");
        if person.exists() {
            let people = || memberships.values().flatten().map(|m| m.person);
            loaders.people.load_many(people()).await.map_err(failed)?;
            let contacts = person.field("phones").exists() || person.field("emails").exists();
            // Prefetched only for callers who may read them; for the others each field answers FORBIDDEN.
            if contacts
                && let Some(caller) = ctx.data_opt::<super::context::Caller>()
                && services(ctx).gate.allows(&caller.actor, registry::actions::PERSON_PERSONAL_DATA)
            {
                loaders.contacts.load_many(people()).await.map_err(failed)?;
            }
        }
    }
    if node.field("ties").exists() {
        let ties = loaders.ties.load_many(ids.iter().copied()).await.map_err(failed)?;
        if node.field("ties").field("other").exists() {
            let ends = ties.values().flatten().flat_map(|t| [t.pair().0, t.pair().1]);
            loaders.organizations.load_many(ends).await.map_err(failed)?;
        }
    }
    if node.field("coalitions").exists() {
        let members = loaders.coalitions_by_organization.load_many(ids.iter().copied()).await.map_err(failed)?;
        if node.field("coalitions").field("coalition").exists() {
            loaders.coalitions.load_many(members.values().flatten().map(|m| m.coalition)).await.map_err(failed)?;
        }
    }
    Ok(())
}

/// The page information of any page.
pub fn page_info<T>(page: &Page<T>) -> PageInfoGql {
    PageInfoGql {
        has_next_page: page.has_next(),
        end_cursor: (!page.items.is_empty()).then(|| page.cursor_of(page.items.len() - 1).encode()),
    }
}

/// Which people to list.
#[derive(InputObject, Default)]
#[graphql(name = "PersonFilter")]
pub struct PersonFilterGql {
    /// Text in the full name.
    pub text: Option<String>,
    /// Only people with a position in this organisation.
    pub organization_id: Option<ID>,
    /// Text in a phone or e-mail: needs the right to read personal data (`FORBIDDEN` otherwise).
    pub contact: Option<String>,
}

/// A page of people.
pub struct PersonConnection(pub Page<Person>);

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
        self.0.total
    }
    async fn page_info(&self) -> PageInfoGql {
        page_info(&self.0)
    }
    async fn edges(&self) -> Vec<PersonEdge> {
        self.0
            .items
            .iter()
            .enumerate()
            .map(|(i, p)| PersonEdge { cursor: self.0.cursor_of(i).encode(), node: PersonGql(p.clone()) })
            .collect()
    }
    /// The people of the page.
    async fn nodes(&self) -> Vec<PersonGql> {
        self.0.items.iter().cloned().map(PersonGql).collect()
    }
}

/// The registry's queries. Every field needs a logged-in account and the policy's permission.
#[derive(Default)]
pub struct RegistryQuery;

#[Object]
impl RegistryQuery {
    /// One organisation, or null.
    async fn organization(&self, ctx: &Context<'_>, id: ID) -> Result<Option<OrganizationGql>> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, OrganizationId)?;
        Ok(services(ctx).registry.organization(actor, id).await.gql(ctx)?.map(OrganizationGql))
    }

    /// Organisations, filtered, in a stable order, a page at a time (at most 100).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        #[graphql(default)] order_by: OrganizationOrderGql,
    ) -> Result<OrganizationConnection> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default().validate(ctx)?;
        let page = page_request(ctx, first, after)?;
        let found = services(ctx).registry.organizations(actor, &filter, order_by.into(), page).await.gql(ctx)?;
        Ok(OrganizationConnection(found))
    }

    /// One person, or null.
    async fn person(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PersonGql>> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, PersonId)?;
        Ok(services(ctx).registry.person(actor, id).await.gql(ctx)?.map(PersonGql))
    }

    /// People, by surname, a page at a time (at most 100).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<PersonConnection> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let organization =
            filter.organization_id.map(|id| parse_id(ctx, "filter.organizationId", &id, OrganizationId)).transpose()?;
        let filter = PersonFilter {
            text: filter.text.filter(|t| !t.trim().is_empty()),
            organization,
            contact: filter.contact.filter(|t| !t.trim().is_empty()),
            only: None,
        };
        let page = page_request(ctx, first, after)?;
        Ok(PersonConnection(services(ctx).registry.people(actor, &filter, page).await.gql(ctx)?))
    }

    /// Every coalition, by name.
    async fn coalitions(&self, ctx: &Context<'_>) -> Result<Vec<CoalitionGql>> {
        let actor = actor(ctx)?;
        Ok(services(ctx).registry.coalitions(actor).await.gql(ctx)?.into_iter().map(CoalitionGql).collect())
    }

    /// Counts of organisations by municipality, legal form, activity area and relationship.
    async fn registry_summary(&self, ctx: &Context<'_>) -> Result<SummaryGql> {
        let actor = actor(ctx)?;
        let s = services(ctx).registry.summary(actor).await.gql(ctx)?;
        let counts = |kind: TermKind, list: Vec<(String, u64)>| {
            list.into_iter().map(|(code, count)| TermCountGql { term: Some(term(ctx, kind, &code)), count }).collect()
        };
        Ok(SummaryGql {
            total: s.total,
            by_municipality: s
                .by_municipality
                .into_iter()
                .map(|(code, count)| TermCountGql { term: code.map(|c| term(ctx, TermKind::Municipality, &c)), count })
                .collect(),
            by_legal_form: counts(TermKind::LegalForm, s.by_legal_form),
            by_activity_area: counts(TermKind::ActivityArea, s.by_activity_area),
            by_relationship: s
                .by_relationship
                .into_iter()
                .map(|(kind, count)| RelationshipCountGql { relationship: kind.into(), count })
                .collect(),
        })
    }

    /// The terms of a reference list, for pick-lists.
    async fn terms(&self, ctx: &Context<'_>, kind: TermKindGql) -> Result<Vec<TermGql>> {
        actor(ctx)?;
        Ok(terms_of(ctx, kind))
    }
}

/// Every term of a list, named in the caller's language.
pub fn terms_of(ctx: &Context<'_>, kind: TermKindGql) -> Vec<TermGql> {
    let kind = TermKind::from(kind);
    let vocabulary = services(ctx).registry.vocabulary();
    vocabulary.terms(kind).map(|t| term(ctx, kind, &t.code)).collect()
}

/// A person as typed.
#[derive(InputObject)]
#[graphql(name = "PersonInput")]
pub struct PersonInputGql {
    /// Surname.
    pub last_name: String,
    /// Given name.
    pub first_name: String,
    /// Patronymic.
    pub middle_name: Option<String>,
    /// Phones.
    #[graphql(default)]
    pub phones: Vec<String>,
    /// E-mails.
    #[graphql(default)]
    pub emails: Vec<String>,
}

/// The legal basis on which the centre will hold a person's data.
#[derive(InputObject)]
#[graphql(name = "LegalBasisInput")]
pub struct LegalBasisInputGql {
    /// The ground.
    pub kind: LegalBasisKindGql,
    /// The purpose of processing (for consent: as written in the consent document).
    pub purpose: String,
    /// When the consent was given or the ground arose.
    pub since: NaiveDate,
    /// The document: consent form number and version, contract, law article.
    pub document: Option<String>,
}

/// A new coalition.
#[derive(InputObject)]
#[graphql(name = "CoalitionInput")]
pub struct CoalitionInputGql {
    /// Name.
    pub name: String,
    /// What it is for.
    pub purpose: Option<String>,
    /// When it was founded.
    pub founded_on: Option<NaiveDate>,
}

/// A new tie between two organisations.
#[derive(InputObject)]
#[graphql(name = "TieInput")]
pub struct TieInputGql {
    /// What they do together.
    pub kind: TieKindGql,
    /// One organisation.
    pub organization_id: ID,
    /// Its role (funder, mentor, partner...).
    pub role: Option<String>,
    /// The other organisation.
    pub other_organization_id: ID,
    /// Its role.
    pub other_role: Option<String>,
    /// First day (today when absent).
    pub from: Option<NaiveDate>,
    /// Last day, for a tie that has already ended.
    pub to: Option<NaiveDate>,
    /// A note.
    pub note: Option<String>,
}

/// The registry's mutations. Every field needs a logged-in account and the policy's permission.
#[derive(Default)]
pub struct RegistryMutation;

#[Object]
impl RegistryMutation {
    /// Adds an organisation; an ИНН or ОГРН already in the registry is a `CONFLICT`.
    async fn create_organization(&self, ctx: &Context<'_>, input: OrganizationInputGql) -> Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let created = services(ctx).registry.create_organization(actor, &input.into()).await.gql(ctx)?;
        Ok(OrganizationGql(created))
    }

    /// Replaces an organisation's description; a stale `expectedVersion` is a `CONFLICT`.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        input: OrganizationInputGql,
    ) -> Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, OrganizationId)?;
        let updated =
            services(ctx).registry.update_organization(actor, id, expected_version, &input.into()).await.gql(ctx)?;
        Ok(OrganizationGql(updated))
    }

    /// Marks an organisation liquidated on a date.
    async fn liquidate_organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
        on: NaiveDate,
    ) -> Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, OrganizationId)?;
        let updated = services(ctx).registry.liquidate_organization(actor, id, expected_version, on).await.gql(ctx)?;
        Ok(OrganizationGql(updated))
    }

    /// Records that the caller checked the organisation's record.
    async fn verify_organization(&self, ctx: &Context<'_>, id: ID, expected_version: i64) -> Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, OrganizationId)?;
        let updated = services(ctx).registry.verify_organization(actor, id, expected_version).await.gql(ctx)?;
        Ok(OrganizationGql(updated))
    }

    /// Adds a person with the legal basis on which the centre holds their data.
    async fn add_person(
        &self,
        ctx: &Context<'_>,
        input: PersonInputGql,
        legal_basis: LegalBasisInputGql,
    ) -> Result<PersonGql> {
        let actor = actor(ctx)?;
        let person = PersonInput {
            last_name: input.last_name,
            first_name: input.first_name,
            middle_name: input.middle_name,
            phones: input.phones,
            emails: input.emails,
        };
        let basis = LegalBasisInput {
            kind: legal_basis.kind.into(),
            purpose: legal_basis.purpose,
            since: legal_basis.since,
            document: legal_basis.document,
        };
        Ok(PersonGql(services(ctx).registry.add_person(actor, &person, &basis).await.gql(ctx)?))
    }

    /// Records a person's position in an organisation.
    async fn add_membership(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
        organization_id: ID,
        position: String,
        from: Option<NaiveDate>,
    ) -> Result<MembershipGql> {
        let actor = actor(ctx)?;
        let person = parse_id(ctx, "personId", &person_id, PersonId)?;
        let organization = parse_id(ctx, "organizationId", &organization_id, OrganizationId)?;
        let added =
            services(ctx).registry.add_membership(actor, person, organization, &position, from).await.gql(ctx)?;
        Ok(MembershipGql(added))
    }

    /// Ends a position on a date (today when absent).
    async fn end_membership(&self, ctx: &Context<'_>, id: ID, on: Option<NaiveDate>) -> Result<MembershipGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, MembershipId)?;
        Ok(MembershipGql(services(ctx).registry.end_membership(actor, id, on).await.gql(ctx)?))
    }

    /// Creates a coalition.
    async fn create_coalition(&self, ctx: &Context<'_>, input: CoalitionInputGql) -> Result<CoalitionGql> {
        let actor = actor(ctx)?;
        let created = services(ctx)
            .registry
            .create_coalition(actor, &input.name, input.purpose.as_deref(), input.founded_on)
            .await
            .gql(ctx)?;
        Ok(CoalitionGql(created))
    }

    /// Adds an organisation to a coalition.
    async fn add_coalition_member(
        &self,
        ctx: &Context<'_>,
        coalition_id: ID,
        organization_id: ID,
        #[graphql(default_with = "CoalitionRoleGql::Member")] role: CoalitionRoleGql,
        from: Option<NaiveDate>,
    ) -> Result<CoalitionMemberGql> {
        let actor = actor(ctx)?;
        let coalition = parse_id(ctx, "coalitionId", &coalition_id, CoalitionId)?;
        let organization = parse_id(ctx, "organizationId", &organization_id, OrganizationId)?;
        let added = services(ctx)
            .registry
            .add_coalition_member(actor, coalition, organization, role.into(), from)
            .await
            .gql(ctx)?;
        Ok(CoalitionMemberGql(added))
    }

    /// Ends a coalition membership on a date (today when absent).
    async fn end_coalition_member(
        &self,
        ctx: &Context<'_>,
        id: ID,
        on: Option<NaiveDate>,
    ) -> Result<CoalitionMemberGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, CoalitionMemberId)?;
        Ok(CoalitionMemberGql(services(ctx).registry.end_coalition_member(actor, id, on).await.gql(ctx)?))
    }

    /// Adds a tie between two organisations (seen from the first in the answer).
    async fn add_tie(&self, ctx: &Context<'_>, input: TieInputGql) -> Result<TieGql> {
        let actor = actor(ctx)?;
        let a = parse_id(ctx, "input.organizationId", &input.organization_id, OrganizationId)?;
        let b = parse_id(ctx, "input.otherOrganizationId", &input.other_organization_id, OrganizationId)?;
        let new = NewTie {
            kind: input.kind.into(),
            a,
            a_role: input.role,
            b,
            b_role: input.other_role,
            from: input.from,
            to: input.to,
            note: input.note,
        };
        let tie = services(ctx).registry.add_tie(actor, &new).await.gql(ctx)?;
        Ok(TieGql { tie, from: a })
    }

    /// Ends a tie on a date (today when absent).
    async fn end_tie(&self, ctx: &Context<'_>, id: ID, on: Option<NaiveDate>) -> Result<TieGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, TieId)?;
        let tie = services(ctx).registry.end_tie(actor, id, on).await.gql(ctx)?;
        let from = tie.pair().0;
        Ok(TieGql { tie, from })
    }
}
