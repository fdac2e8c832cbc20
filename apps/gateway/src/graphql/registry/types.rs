//! The registry's object types: wrappers around domain values, never the domain types themselves,
//! and its enums, each mirroring the domain's by `remote`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use kernel::TermKind;
use registry::model::{Coalition, CoalitionMember, Membership, OrgStatus, Organization, OrganizationId, Person, Tie};
use registry::service::PersonContacts;

use super::loaders::loaders;
use crate::graphql::services::loaders::loaders as services_loaders;
use crate::graphql::services::types::{DeliveryGql, DirectoryServiceGql, ReferralGql, RequestGql};
use crate::graphql::shared::mirror::mirror_enum;
use crate::graphql::shared::{GqlResult, lang, services};

/// A term of a reference list, named in the caller's language.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Term")]
pub struct TermGql {
    /// The stable code.
    pub code: String,
    /// The name in the caller's language (Russian when no English name is known).
    pub name: String,
    /// The official code outside this system (ОКОПФ, ОКТМО), if any.
    pub external_code: Option<String>,
    /// Where the term comes from.
    pub source: Option<String>,
}

/// The term for `code` in list `kind`; a code missing from the vocabulary shows as itself.
pub fn term(ctx: &Context<'_>, kind: TermKind, code: &str) -> TermGql {
    let vocabulary = services(ctx).registry.vocabulary();
    match vocabulary.term(kind, code) {
        Some(t) => TermGql {
            code: t.code.clone(),
            name: vocabulary.name(kind, code, lang(ctx)),
            external_code: t.external_code.clone(),
            source: t.source.clone(),
        },
        None => TermGql { code: code.to_owned(), name: code.to_owned(), external_code: None, source: None },
    }
}

/// The terms for several codes of one list, in the codes' order.
pub fn terms(ctx: &Context<'_>, kind: TermKind, codes: &[registry::model::Code]) -> Vec<TermGql> {
    codes.iter().map(|c| term(ctx, kind, c.as_str())).collect()
}

mirror_enum! {
    /// The reference lists.
    TermKindGql as "TermKind" = "kernel::TermKind" {
        Municipality => "Municipalities of the region.",
        LegalForm => "Organisational-legal forms.",
        ActivityArea => "Activity areas (7-FZ art. 31.1).",
        TargetGroup => "Target groups (442-FZ art. 15, 124-FZ).",
        ServiceType => "Types of social services (442-FZ art. 20-22).",
        ServiceForm => "Forms of social service (442-FZ art. 19, and remote).",
    }
}

// The domain's `OrgStatus` carries the liquidation date, so this mirrors the filter's data-free
// `StatusKind` instead.
mirror_enum! {
    /// An organisation's legal status.
    StatusGql as "OrganizationStatus" = "registry::ports::StatusKind" {
        Active => "Working.",
        Suspended => "Suspended.",
        Liquidated => "Liquidated.",
    }
}

mirror_enum! {
    /// The centre's relationship with an organisation.
    RelationshipGql as "Relationship" = "registry::model::RelationshipKind" {
        RegularClient => "Served regularly.",
        OccasionalClient => "Served now and then.",
        None => "Not served.",
    }
}

mirror_enum! {
    /// The grounds for holding a person's data (152-FZ art. 6 p. 1).
    LegalBasisKindGql as "LegalBasisKind" = "registry::model::LegalBasisKind" {
        Consent => "The person's consent.",
        Law => "A law requires it.",
        Contract => "A contract with the person.",
        VitalInterests => "Vital interests.",
        LegitimateInterests => "Legitimate interests of the centre or third parties.",
        Research => "Research with anonymisation.",
    }
}

mirror_enum! {
    /// What two organisations do together.
    TieKindGql as "TieKind" = "registry::model::TieKind" {
        Partnership => "A standing partnership.",
        JointProject => "A shared project.",
        InformationExchange => "Exchange of information.",
        Funding => "Funding.",
        Mentoring => "Mentoring.",
        Other => "Anything else.",
    }
}

mirror_enum! {
    /// An organisation's standing in a coalition.
    CoalitionRoleGql as "CoalitionRole" = "registry::model::CoalitionRole" {
        Founder => "Founding member.",
        Member => "Member.",
        Coordinator => "Coordinator.",
        Observer => "Observer.",
    }
}

fn strings<T: ToString>(values: &[T]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

/// An organisation, as staff see it.
pub struct OrganizationGql(pub Arc<Organization>);

#[Object(name = "Organization")]
impl OrganizationGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Optimistic-concurrency version: pass it as `expectedVersion` when changing the record.
    async fn version(&self) -> i64 {
        self.0.version
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
    async fn inn(&self) -> Option<&str> {
        self.0.profile.inn.as_ref().map(|v| v.as_str())
    }
    async fn ogrn(&self) -> Option<&str> {
        self.0.profile.ogrn.as_ref().map(|v| v.as_str())
    }
    async fn kpp(&self) -> Option<&str> {
        self.0.profile.kpp.as_ref().map(|v| v.as_str())
    }
    async fn registered_on(&self) -> Option<NaiveDate> {
        self.0.profile.registered_on
    }
    async fn municipality(&self, ctx: &Context<'_>) -> Option<TermGql> {
        self.0.profile.municipality.as_ref().map(|c| term(ctx, TermKind::Municipality, c.as_str()))
    }
    async fn legal_address(&self) -> Option<&str> {
        self.0.profile.legal_address.as_ref().map(|v| v.as_str())
    }
    async fn postal_address(&self) -> Option<&str> {
        self.0.profile.postal_address.as_ref().map(|v| v.as_str())
    }
    async fn phones(&self) -> Vec<String> {
        strings(&self.0.profile.phones)
    }
    async fn emails(&self) -> Vec<String> {
        strings(&self.0.profile.emails)
    }
    async fn website(&self) -> Option<&str> {
        self.0.profile.website.as_ref().map(|v| v.as_str())
    }
    async fn activity_areas(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        terms(ctx, TermKind::ActivityArea, &self.0.profile.activity_areas)
    }
    async fn target_groups(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        terms(ctx, TermKind::TargetGroup, &self.0.profile.target_groups)
    }
    async fn status(&self) -> StatusGql {
        match self.0.status {
            OrgStatus::Active => StatusGql::Active,
            OrgStatus::Suspended => StatusGql::Suspended,
            OrgStatus::Liquidated { .. } => StatusGql::Liquidated,
        }
    }
    async fn liquidated_on(&self) -> Option<NaiveDate> {
        match self.0.status {
            OrgStatus::Liquidated { on } => Some(on),
            _ => None,
        }
    }
    async fn relationship(&self) -> RelationshipGql {
        self.0.profile.relationship.kind.into()
    }
    async fn relationship_since(&self) -> Option<NaiveDate> {
        self.0.profile.relationship.since
    }
    /// Listed in the register of SONKO receiving support (7-FZ art. 31.2).
    async fn in_sonko_register(&self) -> bool {
        self.0.profile.in_sonko_register
    }
    /// Listed in the register of social-service providers (442-FZ art. 25).
    async fn social_service_provider(&self) -> bool {
        self.0.profile.social_service_provider
    }
    /// The login of the staff member who verified the record.
    async fn verified_by(&self) -> Option<&str> {
        self.0.verification.as_ref().map(|v| v.by.as_str())
    }
    async fn verified_at(&self) -> Option<DateTime<Utc>> {
        self.0.verification.as_ref().map(|v| v.at)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// People who hold or held positions here.
    async fn people(&self, ctx: &Context<'_>) -> Result<Vec<MembershipGql>> {
        let found = loaders(ctx).memberships_by_organization.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(MembershipGql).collect())
    }
    /// Coalitions the organisation belongs or belonged to.
    async fn coalitions(&self, ctx: &Context<'_>) -> Result<Vec<CoalitionMemberGql>> {
        let found = loaders(ctx).coalitions_by_organization.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(CoalitionMemberGql).collect())
    }
    /// Ties with other organisations, seen from this one.
    async fn ties(&self, ctx: &Context<'_>) -> Result<Vec<TieGql>> {
        let found = loaders(ctx).ties.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(|tie| TieGql { tie, from: self.0.id }).collect())
    }
    /// Requests the organisation sent to the centre, newest first.
    async fn requests(&self, ctx: &Context<'_>) -> Result<Vec<RequestGql>> {
        let found = services_loaders(ctx).requests.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(RequestGql).collect())
    }
    /// The social services the organisation offers (the directory), by name.
    async fn services_offered(&self, ctx: &Context<'_>) -> Result<Vec<DirectoryServiceGql>> {
        let found = services_loaders(ctx).offered.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(DirectoryServiceGql).collect())
    }
    /// Services the organisation received from the centre, latest first.
    async fn deliveries_received(&self, ctx: &Context<'_>) -> Result<Vec<DeliveryGql>> {
        let found = services_loaders(ctx).delivered.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(DeliveryGql).collect())
    }
    /// People the centre referred to the organisation, newest first.
    async fn referrals_received(&self, ctx: &Context<'_>) -> Result<Vec<ReferralGql>> {
        let found = services_loaders(ctx).referred.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(ReferralGql).collect())
    }
}

/// The legal basis of a person's record.
#[derive(SimpleObject)]
#[graphql(name = "LegalBasis")]
pub struct LegalBasisGql {
    /// The ground.
    pub kind: LegalBasisKindGql,
    /// The purpose of processing.
    pub purpose: String,
    /// Since when.
    pub since: NaiveDate,
    /// The document.
    pub document: Option<String>,
}

/// A person.
pub struct PersonGql(pub Arc<Person>);

#[Object(name = "Person")]
impl PersonGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn last_name(&self) -> &str {
        self.0.profile.last_name.as_str()
    }
    async fn first_name(&self) -> &str {
        self.0.profile.first_name.as_str()
    }
    async fn middle_name(&self) -> Option<&str> {
        self.0.profile.middle_name.as_ref().map(|v| v.as_str())
    }
    /// Surname, name and patronymic.
    async fn full_name(&self) -> String {
        let p = &self.0.profile;
        [Some(p.last_name.as_str()), Some(p.first_name.as_str()), p.middle_name.as_ref().map(|m| m.as_str())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
    /// Phones: personal data, for roles the policy lets read it (`FORBIDDEN` otherwise); every
    /// read is recorded in the audit log.
    async fn phones(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self.contacts(ctx).await?.map(|c| strings(&c.phones)).unwrap_or_default())
    }
    /// E-mails: personal data, as `phones`.
    async fn emails(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self.contacts(ctx).await?.map(|c| strings(&c.emails)).unwrap_or_default())
    }
    /// The legal basis on which the centre holds this record.
    async fn legal_basis(&self) -> LegalBasisGql {
        let b = &self.0.legal_basis;
        LegalBasisGql {
            kind: b.kind.into(),
            purpose: b.purpose.to_string(),
            since: b.since,
            document: b.document.as_ref().map(ToString::to_string),
        }
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Positions in organisations.
    async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<MembershipGql>> {
        let found = loaders(ctx).memberships_by_person.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(MembershipGql).collect())
    }
}

impl PersonGql {
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Option<Arc<PersonContacts>>> {
        loaders(ctx).contacts.load_one(self.0.id).await.gql(ctx)
    }
}

/// A person's position in an organisation.
pub struct MembershipGql(pub Arc<Membership>);

#[Object(name = "Membership")]
impl MembershipGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn position(&self) -> &str {
        self.0.position.as_str()
    }
    async fn from(&self) -> NaiveDate {
        self.0.period.from()
    }
    async fn to(&self) -> Option<NaiveDate> {
        self.0.period.to()
    }
    /// Whether the position is held today.
    async fn active(&self, ctx: &Context<'_>) -> bool {
        self.0.period.contains(services(ctx).clock.today())
    }
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<PersonGql>> {
        let found = loaders(ctx).people.load_one(self.0.person).await.gql(ctx)?;
        Ok(found.map(PersonGql))
    }
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<OrganizationGql>> {
        let found = loaders(ctx).organizations.load_one(self.0.organization).await.gql(ctx)?;
        Ok(found.map(OrganizationGql))
    }
}

/// A coalition of organisations.
pub struct CoalitionGql(pub Arc<Coalition>);

#[Object(name = "Coalition")]
impl CoalitionGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_ref().map(|v| v.as_str())
    }
    async fn founded_on(&self) -> Option<NaiveDate> {
        self.0.founded_on
    }
    /// Member organisations, past and present.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<CoalitionMemberGql>> {
        let found = loaders(ctx).members_by_coalition.load_one(self.0.id).await.gql(ctx)?;
        Ok(found.unwrap_or_default().iter().cloned().map(CoalitionMemberGql).collect())
    }
}

/// An organisation's membership in a coalition.
pub struct CoalitionMemberGql(pub Arc<CoalitionMember>);

#[Object(name = "CoalitionMember")]
impl CoalitionMemberGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn role(&self) -> CoalitionRoleGql {
        self.0.role.into()
    }
    async fn from(&self) -> NaiveDate {
        self.0.period.from()
    }
    async fn to(&self) -> Option<NaiveDate> {
        self.0.period.to()
    }
    async fn coalition(&self, ctx: &Context<'_>) -> Result<Option<CoalitionGql>> {
        let found = loaders(ctx).coalitions.load_one(self.0.coalition).await.gql(ctx)?;
        Ok(found.map(CoalitionGql))
    }
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<OrganizationGql>> {
        let found = loaders(ctx).organizations.load_one(self.0.organization).await.gql(ctx)?;
        Ok(found.map(OrganizationGql))
    }
}

/// A tie seen from one of its organisations.
pub struct TieGql {
    /// The tie.
    pub tie: Arc<Tie>,
    /// The organisation it is seen from.
    pub from: OrganizationId,
}

#[Object(name = "Tie")]
impl TieGql {
    async fn id(&self) -> ID {
        ID(self.tie.id.to_string())
    }
    async fn kind(&self) -> TieKindGql {
        self.tie.kind.into()
    }
    /// This organisation's role in the tie.
    async fn role(&self) -> Option<String> {
        let own = self.tie.ends().iter().find(|e| e.organization == self.from);
        own.and_then(|e| e.role.as_ref().map(ToString::to_string))
    }
    /// The other organisation's role in the tie.
    async fn other_role(&self) -> Option<String> {
        self.tie.other_end(self.from).and_then(|e| e.role.as_ref().map(ToString::to_string))
    }
    /// The organisation on the other side.
    async fn other(&self, ctx: &Context<'_>) -> Result<Option<OrganizationGql>> {
        let Some(other) = self.tie.other_end(self.from) else {
            return Ok(None);
        };
        let found = loaders(ctx).organizations.load_one(other.organization).await.gql(ctx)?;
        Ok(found.map(OrganizationGql))
    }
    async fn from(&self) -> NaiveDate {
        self.tie.period.from()
    }
    async fn to(&self) -> Option<NaiveDate> {
        self.tie.period.to()
    }
    async fn note(&self) -> Option<String> {
        self.tie.note.as_ref().map(ToString::to_string)
    }
    /// Whether the tie holds today.
    async fn active(&self, ctx: &Context<'_>) -> bool {
        self.tie.period.contains(services(ctx).clock.today())
    }
}

/// A count under a key.
#[derive(SimpleObject)]
#[graphql(name = "TermCount")]
pub struct TermCountGql {
    /// The term (absent: not given).
    pub term: Option<TermGql>,
    /// How many organisations.
    pub count: u64,
}

/// A count of organisations by relationship.
#[derive(SimpleObject)]
#[graphql(name = "RelationshipCount")]
pub struct RelationshipCountGql {
    /// The relationship.
    pub relationship: RelationshipGql,
    /// How many organisations.
    pub count: u64,
}

/// Counts of the registry.
#[derive(SimpleObject)]
#[graphql(name = "RegistrySummary")]
pub struct SummaryGql {
    /// All organisations.
    pub total: u64,
    /// By municipality.
    pub by_municipality: Vec<TermCountGql>,
    /// By legal form.
    pub by_legal_form: Vec<TermCountGql>,
    /// By activity area (an organisation counts in each of its areas).
    pub by_activity_area: Vec<TermCountGql>,
    /// By relationship with the centre.
    pub by_relationship: Vec<RelationshipCountGql>,
}
