//! The registry's part of the staff schema: queries and mutations of organisations, people,
//! memberships, coalitions and ties.

pub mod inputs;
pub mod loaders;
pub mod pages;
pub mod types;

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use kernel::TermKind;
use registry::input::{LegalBasisInput, PersonInput};
use registry::model::{CoalitionId, CoalitionMemberId, MembershipId, OrganizationId, PersonId, TieId};
use registry::ports::{OrganizationOrder, PEOPLE_ORDER, PersonFilter};
use registry::service::NewTie;

use crate::graphql::shared::{GqlResult, actor, page_request, parse_id, services};
use inputs::{
    CoalitionInputGql, LegalBasisInputGql, OrganizationFilterGql, OrganizationInputGql, OrganizationOrderGql,
    PersonFilterGql, PersonInputGql, TieInputGql,
};
use pages::{OrganizationConnection, PersonConnection};
use types::{
    CoalitionGql, CoalitionMemberGql, CoalitionRoleGql, MembershipGql, OrganizationGql, PersonGql,
    RelationshipCountGql, SummaryGql, TermCountGql, TermGql, TermKindGql, TieGql, term,
};

/// The registry's queries. Every field needs a logged-in account and the policy's permission.
#[derive(Default)]
pub struct RegistryQuery;

#[Object]
impl RegistryQuery {
    /// One organisation, or null.
    async fn organization(&self, ctx: &Context<'_>, id: ID) -> Result<Option<OrganizationGql>> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, OrganizationId)?;
        Ok(services(ctx).registry.organization(actor, id).await.gql(ctx)?.map(|o| OrganizationGql(Arc::new(o))))
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
        let order: OrganizationOrder = order_by.into();
        let page = page_request(ctx, first, after, order.list_order())?;
        let found = services(ctx).registry.organizations(actor, &filter, order, page).await.gql(ctx)?;
        Ok(OrganizationConnection(found.map(Arc::new), order.list_order()))
    }

    /// One person, or null.
    async fn person(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PersonGql>> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, PersonId)?;
        Ok(services(ctx).registry.person(actor, id).await.gql(ctx)?.map(|p| PersonGql(Arc::new(p))))
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
            member_on: None,
            contact: filter.contact.filter(|t| !t.trim().is_empty()),
            only: None,
        };
        let page = page_request(ctx, first, after, PEOPLE_ORDER)?;
        Ok(PersonConnection(services(ctx).registry.people(actor, &filter, page).await.gql(ctx)?.map(Arc::new)))
    }

    /// Every coalition, by name.
    async fn coalitions(&self, ctx: &Context<'_>) -> Result<Vec<CoalitionGql>> {
        let actor = actor(ctx)?;
        Ok(services(ctx)
            .registry
            .coalitions(actor)
            .await
            .gql(ctx)?
            .into_iter()
            .map(|c| CoalitionGql(Arc::new(c)))
            .collect())
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

/// The registry's mutations. Every field needs a logged-in account and the policy's permission.
#[derive(Default)]
pub struct RegistryMutation;

#[Object]
impl RegistryMutation {
    /// Adds an organisation; an ИНН or ОГРН already in the registry is a `CONFLICT`.
    async fn create_organization(&self, ctx: &Context<'_>, input: OrganizationInputGql) -> Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let created = services(ctx).registry.create_organization(actor, &input.into()).await.gql(ctx)?;
        Ok(OrganizationGql(Arc::new(created)))
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
        Ok(OrganizationGql(Arc::new(updated)))
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
        Ok(OrganizationGql(Arc::new(updated)))
    }

    /// Records that the caller checked the organisation's record.
    async fn verify_organization(&self, ctx: &Context<'_>, id: ID, expected_version: i64) -> Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, OrganizationId)?;
        let updated = services(ctx).registry.verify_organization(actor, id, expected_version).await.gql(ctx)?;
        Ok(OrganizationGql(Arc::new(updated)))
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
        Ok(PersonGql(Arc::new(services(ctx).registry.add_person(actor, &person, &basis).await.gql(ctx)?)))
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
        Ok(MembershipGql(Arc::new(added)))
    }

    /// Ends a position on a date (today when absent).
    async fn end_membership(&self, ctx: &Context<'_>, id: ID, on: Option<NaiveDate>) -> Result<MembershipGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, MembershipId)?;
        Ok(MembershipGql(Arc::new(services(ctx).registry.end_membership(actor, id, on).await.gql(ctx)?)))
    }

    /// Creates a coalition.
    async fn create_coalition(&self, ctx: &Context<'_>, input: CoalitionInputGql) -> Result<CoalitionGql> {
        let actor = actor(ctx)?;
        let created = services(ctx)
            .registry
            .create_coalition(actor, &input.name, input.purpose.as_deref(), input.founded_on)
            .await
            .gql(ctx)?;
        Ok(CoalitionGql(Arc::new(created)))
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
        Ok(CoalitionMemberGql(Arc::new(added)))
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
        Ok(CoalitionMemberGql(Arc::new(services(ctx).registry.end_coalition_member(actor, id, on).await.gql(ctx)?)))
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
        Ok(TieGql { tie: Arc::new(tie), from: a })
    }

    /// Ends a tie on a date (today when absent).
    async fn end_tie(&self, ctx: &Context<'_>, id: ID, on: Option<NaiveDate>) -> Result<TieGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, TieId)?;
        let tie = services(ctx).registry.end_tie(actor, id, on).await.gql(ctx)?;
        let from = tie.pair().0;
        Ok(TieGql { tie: Arc::new(tie), from })
    }
}
