//! The registry's input objects: what staff type, validated into the registry's inputs.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::NaiveDate;
use kernel::TermKind;
use registry::input::{OrganizationInput, filter_code};
use registry::model::{Inn, Ogrn};
use registry::ports::OrganizationFilter;
use registry::{InvalidField, Problem, RegistryError};

use super::types::{LegalBasisKindGql, RelationshipGql, StatusGql, TieKindGql};
use crate::graphql::shared::mirror::mirror_enum;
use crate::graphql::shared::{IntoGql, services};

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
            status: self.status.map(Into::into),
            relationship: self.relationship.map(Into::into),
            only: None,
        })
    }
}

mirror_enum! {
    /// The orders of the organisation list.
    OrganizationOrderGql as "OrganizationOrder" = "registry::ports::OrganizationOrder" {
        NameAsc => "By full name, А to Я.",
        NameDesc => "By full name, Я to А.",
        CreatedAsc => "Oldest records first.",
        CreatedDesc => "Newest records first.",
    }
}

/// By name, when no order is asked for.
impl Default for OrganizationOrderGql {
    fn default() -> Self {
        OrganizationOrderGql::NameAsc
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
