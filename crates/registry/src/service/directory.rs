//! The public directory: organisations as anyone may list them, and the people who consented to appear.

use std::collections::HashMap;

use kernel::{Actor, Page, PageRequest};

use crate::actions::DIRECTORY_READ;
use crate::error::RegistryError;
use crate::model::{Organization, OrganizationId, PersonId};
use crate::ports::{OrganizationFilter, OrganizationOrder};

use super::Registry;

impl Registry {
    /// A page of the public directory: organisations as anyone may list them. The public API
    /// shows only their public fields.
    pub async fn directory(
        &self,
        actor: &Actor,
        filter: &OrganizationFilter,
        page: PageRequest,
    ) -> Result<Page<Organization>, RegistryError> {
        self.gate.require_all(actor, DIRECTORY_READ, None).await?;
        crate::input::check_search("filter.text", filter.text.as_deref())?;
        Ok(self.ports.organizations.list(filter, OrganizationOrder::NameAsc, page).await?)
    }

    /// One organisation of the public directory.
    pub async fn directory_entry(
        &self,
        actor: &Actor,
        id: OrganizationId,
    ) -> Result<Option<Organization>, RegistryError> {
        self.gate.require_all(actor, DIRECTORY_READ, None).await?;
        Ok(self.ports.organizations.get(id).await?)
    }

    /// The people holding a current position in these organisations of the public directory,
    /// by id only: which of them may appear is for their distribution consents to say. One query.
    pub async fn directory_members(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<PersonId>, RegistryError> {
        self.gate.require_all(actor, DIRECTORY_READ, None).await?;
        let today = self.today();
        let mut people: Vec<PersonId> = self
            .ports
            .memberships
            .of_organizations(ids)
            .await?
            .into_iter()
            .filter(|m| m.period.contains(today))
            .map(|m| m.person)
            .collect();
        people.sort();
        people.dedup();
        Ok(people)
    }

    /// The public cards of these organisations' people: only those whose distribution consent
    /// covers their `name` and whose record is not anonymised, and of each only the consented
    /// categories (`position`, `phone`, `email`). `consented` comes from the privacy rules. Two queries for any number of
    /// organisations.
    pub async fn directory_people(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
        consented: &HashMap<PersonId, std::collections::BTreeSet<String>>,
    ) -> Result<Vec<(OrganizationId, PublicPerson)>, RegistryError> {
        self.gate.require_all(actor, DIRECTORY_READ, None).await?;
        let shown: Vec<PersonId> = consented.iter().filter(|(_, c)| c.contains("name")).map(|(p, _)| *p).collect();
        let today = self.today();
        let memberships = self.ports.memberships.of_people(&shown).await?;
        let mut people = self.ports.people.get_many(&shown).await?;
        people.sort_by_key(|p| (p.profile.last_name.to_string(), p.profile.first_name.to_string(), p.id));
        let mut cards = Vec::new();
        for p in &people {
            // An anonymised record has no one left who consented: it is never published.
            if crate::rules::anonymise::bears_removed_names(p) {
                continue;
            }
            let Some(allowed) = consented.get(&p.id) else { continue };
            let current = memberships
                .iter()
                .filter(|m| m.person == p.id && ids.contains(&m.organization) && m.period.contains(today));
            for membership in current {
                let names = [Some(&p.profile.last_name), Some(&p.profile.first_name), p.profile.middle_name.as_ref()];
                let card = PublicPerson {
                    full_name: names.into_iter().flatten().map(ToString::to_string).collect::<Vec<_>>().join(" "),
                    position: allowed.contains("position").then(|| membership.position.to_string()),
                    phones: if allowed.contains("phone") { p.profile.phones.clone() } else { Vec::new() },
                    emails: if allowed.contains("email") { p.profile.emails.clone() } else { Vec::new() },
                };
                cards.push((membership.organization, card));
            }
        }
        Ok(cards)
    }
}

/// A person as the public directory shows them: only what their distribution consent allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicPerson {
    /// The full name.
    pub full_name: String,
    /// The position, when consented.
    pub position: Option<String>,
    /// Phones, when consented.
    pub phones: Vec<crate::model::Phone>,
    /// E-mails, when consented.
    pub emails: Vec<crate::model::Email>,
}
