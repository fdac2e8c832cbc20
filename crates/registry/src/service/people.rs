//! People, their memberships and their contacts (personal data behind their own permission).

use audit::{AuditEvent, object};
use chrono::NaiveDate;
use kernel::{Actor, Page, PageRequest, Period, Scope};

use crate::actions::{MEMBERSHIP_WRITE, PERSON_PERSONAL_DATA, PERSON_READ, PERSON_WRITE};
use crate::error::{InvalidField, RegistryError};
use crate::input::{LegalBasisInput, PersonInput, plausible_start};
use crate::model::{MAX_SHORT_TEXT, Membership, MembershipId, OrgStatus, OrganizationId, Person, PersonId, Text};
use crate::ports::PersonFilter;

use super::{Held, Registry, missing_reference};

impl Registry {
    // People. Person values from these use cases never carry contacts: those come only from
    // `personal_data`, which checks its own permission and records every read.

    /// Adds a person; the legal basis on which the centre holds the record is required.
    pub async fn add_person(
        &self,
        actor: &Actor,
        input: &PersonInput,
        basis: &LegalBasisInput,
    ) -> Result<Person, RegistryError> {
        self.gate.require_all(actor, PERSON_WRITE, None).await?;
        let person = Person {
            id: PersonId::new(),
            profile: input.validate()?,
            legal_basis: basis.validate(self.today())?,
            created_at: self.now(),
        };
        let event = self.gate.event(actor, PERSON_WRITE, object("person", person.id.0)).with_detail("create");
        self.ports.people.insert(&person, &event).await?;
        Ok(without_contacts(person))
    }

    /// One person; `None` when they do not exist or lie outside the actor's scope.
    pub async fn person(&self, actor: &Actor, id: PersonId) -> Result<Option<Person>, RegistryError> {
        match self.reach_person(actor, PERSON_READ, id, Held::EverAMember).await {
            Ok(()) => Ok(self.ports.people.get(id).await?.map(without_contacts)),
            Err(RegistryError::NotFound { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Several people by id; those outside the scope are skipped.
    pub async fn people_by_ids(&self, actor: &Actor, ids: &[PersonId]) -> Result<Vec<Person>, RegistryError> {
        let scope = self.gate.check(actor, PERSON_READ, None).await?;
        let ids = self.in_person_scope(scope, ids).await?;
        Ok(self.ports.people.get_many(&ids).await?.into_iter().map(without_contacts).collect())
    }

    /// A page of people within the actor's scope. Filtering by contacts needs the right to read
    /// them, so the filter cannot be used to guess a phone number.
    pub async fn people(
        &self,
        actor: &Actor,
        filter: &PersonFilter,
        page: PageRequest,
    ) -> Result<Page<Person>, RegistryError> {
        crate::input::check_search("filter.text", filter.text.as_deref())?;
        crate::input::check_search("filter.contact", filter.contact.as_deref())?;
        let scope = self.gate.check(actor, PERSON_READ, None).await?;
        if filter.contact.is_some() && !self.gate.allows(actor, PERSON_PERSONAL_DATA) {
            self.gate.record_out_of_scope(actor, PERSON_PERSONAL_DATA, None).await?;
            return Err(RegistryError::ForbiddenFilter { field: "contact" });
        }
        let mut filter = filter.clone();
        match scope {
            Scope::All => {}
            Scope::Organization(own) => match filter.organization {
                Some(other) if other != own => return Ok(Page::empty(&page)),
                _ => {
                    filter.organization = Some(own);
                    if filter.contact.is_some() {
                        // Contacts are searched among current members only, as they are read.
                        filter.member_on = Some(self.today());
                    }
                }
            },
            Scope::Own(own) => match filter.only {
                Some(other) if other != own => return Ok(Page::empty(&page)),
                _ => filter.only = Some(own),
            },
        }
        let page = self.ports.people.list(&filter, page).await?;
        if filter.contact.is_some() {
            // A search by contact reads contacts: who matched is personal data, and so is a count
            // (asking digit by digit recovers a number). One row for the search, one per person shown.
            let search = self.gate.event(actor, PERSON_PERSONAL_DATA, None).with_detail(match page.total {
                Some(found) => format!("contact search: {found} found"),
                None => format!("contact search: {} shown", page.items.len()),
            });
            let shown = page.items.iter().map(|p| {
                self.gate
                    .event(actor, PERSON_PERSONAL_DATA, object("person", p.id.0))
                    .with_detail("matched a contact search")
            });
            self.gate.record_all(&std::iter::once(search).chain(shown).collect::<Vec<_>>()).await?;
        }
        Ok(page.map(without_contacts))
    }

    /// The phones and e-mails of these people, for those the actor may read; each person read
    /// is recorded in the audit log.
    pub async fn personal_data(&self, actor: &Actor, ids: &[PersonId]) -> Result<Vec<PersonContacts>, RegistryError> {
        let scope = self.gate.check(actor, PERSON_PERSONAL_DATA, None).await?;
        let ids = self.in_contact_scope(scope, ids).await?;
        let people = self.ports.people.get_many(&ids).await?;
        let events: Vec<AuditEvent> =
            people.iter().map(|p| self.gate.event(actor, PERSON_PERSONAL_DATA, object("person", p.id.0))).collect();
        self.gate.record_all(&events).await?;
        Ok(people
            .into_iter()
            .map(|p| PersonContacts { person: p.id, phones: p.profile.phones, emails: p.profile.emails })
            .collect())
    }

    // Memberships.

    /// Records that a person holds a position in an organisation from `from` (today when absent).
    ///
    /// A scoped caller (an NGO's representative) links only people already within their scope:
    /// linking anyone else would bring that person's record into the scope. Such a person is
    /// answered exactly as a missing one, whether they exist or not, and the attempt is recorded.
    pub async fn add_membership(
        &self,
        actor: &Actor,
        person: PersonId,
        organization: OrganizationId,
        position: &str,
        from: Option<NaiveDate>,
    ) -> Result<Membership, RegistryError> {
        self.reach_organization(actor, MEMBERSHIP_WRITE, organization).await?;
        // A former member is linked again by the centre's staff, not by the organisation: a
        // membership of its own making would bring the person's contacts back into its scope.
        self.reach_person(actor, MEMBERSHIP_WRITE, person, self.current_member()).await?;
        let position = Text::parse(position, MAX_SHORT_TEXT).map_err(|p| InvalidField::new("position", p))?;
        let record = self.ports.people.get(person).await?.ok_or(RegistryError::NotFound { entity: "person" })?;
        if crate::rules::anonymise::bears_removed_names(&record) {
            return Err(RegistryError::Anonymised);
        }
        let org = self.existing_organization(organization).await?;
        if matches!(org.status, OrgStatus::Liquidated { .. }) {
            return Err(RegistryError::Liquidated);
        }
        let membership = Membership {
            id: MembershipId::new(),
            person,
            organization,
            position,
            period: Period::open(plausible_start("from", from, self.today())?),
        };
        let event = self.gate.event(actor, MEMBERSHIP_WRITE, object("membership", membership.id.0));
        self.ports.memberships.insert(&membership, &event).await.map_err(missing_reference)?;
        Ok(membership)
    }

    /// Ends a membership on `on` (today when absent).
    pub async fn end_membership(
        &self,
        actor: &Actor,
        id: MembershipId,
        on: Option<NaiveDate>,
    ) -> Result<Membership, RegistryError> {
        let not_found = RegistryError::NotFound { entity: "membership" };
        let Some(mut membership) = self.ports.memberships.get(id).await? else {
            // Asked about a membership that does not exist: answered, and recorded, as one
            // outside the scope.
            let object = object("membership", id.0);
            if self.gate.check(actor, MEMBERSHIP_WRITE, object.clone()).await? != Scope::All {
                self.gate.record_out_of_scope(actor, MEMBERSHIP_WRITE, object).await?;
            }
            return Err(not_found);
        };
        if self.reach_organization(actor, MEMBERSHIP_WRITE, membership.organization).await.is_err() {
            return Err(not_found);
        }
        membership.period = membership
            .period
            .ended_on(on.unwrap_or_else(|| self.today()))
            .map_err(|_| RegistryError::EndBeforeStart)?;
        let event = self.gate.event(actor, MEMBERSHIP_WRITE, object("membership", id.0)).with_detail("end");
        self.ports.memberships.set_end(id, membership.period.to().expect("just ended"), &event).await?;
        Ok(membership)
    }

    /// Memberships in these organisations, within the actor's scope.
    pub async fn memberships_of_organizations(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<Membership>, RegistryError> {
        let scope = self.gate.check(actor, PERSON_READ, None).await?;
        let found = self.ports.memberships.of_organizations(ids).await?;
        Ok(self.memberships_in_scope(scope, found))
    }

    /// Memberships in these organisations with their people (without contacts), within the
    /// actor's scope: a page's people in one read. The same records as
    /// [`Self::memberships_of_organizations`] and then [`Self::people_by_ids`]: a membership in
    /// scope names a person in scope.
    pub async fn members_of_organizations(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<(Membership, Person)>, RegistryError> {
        let scope = self.gate.check(actor, PERSON_READ, None).await?;
        let found = self.ports.memberships.members_of_organizations(ids).await?;
        Ok(found
            .into_iter()
            .filter(|(m, _)| membership_in_scope(scope, m))
            .map(|(m, person)| (m, without_contacts(person)))
            .collect())
    }

    /// Memberships of these people, within the actor's scope.
    pub async fn memberships_of_people(
        &self,
        actor: &Actor,
        ids: &[PersonId],
    ) -> Result<Vec<Membership>, RegistryError> {
        let scope = self.gate.check(actor, PERSON_READ, None).await?;
        let found = self.ports.memberships.of_people(ids).await?;
        Ok(self.memberships_in_scope(scope, found))
    }

    fn memberships_in_scope(&self, scope: Scope, found: Vec<Membership>) -> Vec<Membership> {
        found.into_iter().filter(|m| membership_in_scope(scope, m)).collect()
    }
}

/// A person's contacts: the personal fields behind their own permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonContacts {
    /// Whose.
    pub person: PersonId,
    /// Phones.
    pub phones: Vec<crate::model::Phone>,
    /// E-mails.
    pub emails: Vec<crate::model::Email>,
}

/// The person without the fields behind `person.personal_data`.
/// Whether a scope reaches a membership: every one, those in the actor's organisation, or the
/// actor's own.
fn membership_in_scope(scope: Scope, m: &Membership) -> bool {
    match scope {
        Scope::All => true,
        Scope::Organization(own) => m.organization == own,
        Scope::Own(own) => m.person == own,
    }
}

fn without_contacts(mut person: Person) -> Person {
    person.profile.phones.clear();
    person.profile.emails.clear();
    person
}
