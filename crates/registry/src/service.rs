//! The registry's use cases: ask the policy, load through the ports, decide with the rules, save
//! with the audit row.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use audit::{AuditEvent, Gate, object};
use chrono::NaiveDate;
use kernel::{Action, Actor, Denied, Page, PageRequest, Period, Scope, Term, TermKind};

use crate::actions::{
    COALITION_WRITE, DIRECTORY_READ, MEMBERSHIP_WRITE, ORGANIZATION_EXPORT, ORGANIZATION_IMPORT, ORGANIZATION_READ,
    ORGANIZATION_VERIFY, ORGANIZATION_WRITE, PERSON_PERSONAL_DATA, PERSON_READ, PERSON_WRITE, REFERENCE_WRITE,
    REGISTRY_SUMMARY, TIE_WRITE,
};
use crate::error::{Conflict, InvalidField, NaturalKey, Problem, RegistryError, RepoError};
use crate::input::{LegalBasisInput, OrganizationInput, PersonInput};
use crate::model::{
    Coalition, CoalitionId, CoalitionMember, CoalitionMemberId, CoalitionRole, MAX_SHORT_TEXT, MAX_TEXT, Membership,
    MembershipId, OrgName, OrgStatus, Organization, OrganizationId, OrganizationProfile, Person, PersonId, Text, Tie,
    TieEnd, TieId, TieKind, Verification,
};
use crate::ports::{
    BatchOutcome, CoalitionRepo, MembershipRepo, OrganizationFilter, OrganizationOrder, OrganizationRepo, PersonFilter,
    PersonRepo, ReferenceRepo, RegistrySummary, TieRepo,
};
use crate::rules::dedup::shared_key;
use crate::rules::ties::check_new_tie;
use crate::vocabulary::Vocabulary;

/// The ports the registry works through.
#[derive(Clone)]
pub struct RegistryPorts {
    /// Organisations.
    pub organizations: Arc<dyn OrganizationRepo>,
    /// People.
    pub people: Arc<dyn PersonRepo>,
    /// Memberships of people in organisations.
    pub memberships: Arc<dyn MembershipRepo>,
    /// Coalitions and their members.
    pub coalitions: Arc<dyn CoalitionRepo>,
    /// Ties between organisations.
    pub ties: Arc<dyn TieRepo>,
    /// Reference lists.
    pub references: Arc<dyn ReferenceRepo>,
}

/// The registry's use cases.
pub struct Registry {
    ports: RegistryPorts,
    gate: Gate,
    vocabulary: RwLock<Arc<Vocabulary>>,
}

/// A new tie, as a client describes it.
#[derive(Clone, Debug)]
pub struct NewTie {
    /// What the organisations do together.
    pub kind: TieKind,
    /// One side.
    pub a: OrganizationId,
    /// Its role.
    pub a_role: Option<String>,
    /// The other side.
    pub b: OrganizationId,
    /// Its role.
    pub b_role: Option<String>,
    /// The first day (today when absent).
    pub from: Option<NaiveDate>,
    /// The last day, for a tie that has already ended.
    pub to: Option<NaiveDate>,
    /// A note.
    pub note: Option<String>,
}

/// What happened to one import row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    /// A new organisation was (or, in a dry run, would be) added.
    Inserted,
    /// An existing organisation was (or would be) changed.
    Updated,
    /// The organisation exists and is identical.
    Unchanged,
    /// The row was refused.
    Rejected(RowRejection),
}

/// Why an import row was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowRejection {
    /// A field is invalid.
    Invalid(InvalidField),
    /// The row has neither ИНН nor ОГРН, so it cannot be matched on a re-run.
    NoNaturalKey,
    /// Another row of the same file has the same key.
    RepeatsRow {
        /// The key they share.
        key: NaturalKey,
        /// The index of the earlier row.
        first: usize,
    },
    /// Its ИНН and ОГРН belong to two different stored organisations.
    KeysOfTwoOrganizations,
}

/// Validates import rows one after another, remembering the natural keys seen so far: rows
/// without a natural key and repeats of an earlier row's key are refused.
pub struct RowValidator<'a> {
    vocabulary: &'a Vocabulary,
    today: NaiveDate,
    first_by_key: HashMap<(NaturalKey, String), usize>,
    next_index: usize,
}

impl<'a> RowValidator<'a> {
    /// A validator for a file of about `rows` rows.
    pub fn new(vocabulary: &'a Vocabulary, today: NaiveDate, rows: usize) -> Self {
        Self { vocabulary, today, first_by_key: HashMap::with_capacity(rows * 2), next_index: 0 }
    }

    /// The verdict on the next row (rows are numbered from 0 in the order they are checked).
    pub fn check(&mut self, row: &OrganizationInput) -> Result<OrganizationProfile, RowRejection> {
        let index = self.next_index;
        self.next_index += 1;
        let profile = row.validate(self.vocabulary, self.today).map_err(RowRejection::Invalid)?;
        let keys = [
            profile.inn.as_ref().map(|v| (NaturalKey::Inn, v.to_string())),
            profile.ogrn.as_ref().map(|v| (NaturalKey::Ogrn, v.to_string())),
        ];
        if keys.iter().all(Option::is_none) {
            return Err(RowRejection::NoNaturalKey);
        }
        for key in keys.iter().flatten() {
            if let Some(&first) = self.first_by_key.get(key) {
                return Err(RowRejection::RepeatsRow { key: key.0, first });
            }
        }
        for key in keys.into_iter().flatten() {
            self.first_by_key.insert(key, index);
        }
        Ok(profile)
    }
}

/// Validates import rows without touching storage: each row's profile, or why it is refused.
pub fn validate_rows(
    rows: &[OrganizationInput],
    vocabulary: &Vocabulary,
    today: NaiveDate,
) -> Vec<Result<OrganizationProfile, RowRejection>> {
    let mut validator = RowValidator::new(vocabulary, today, rows.len());
    rows.iter().map(|row| validator.check(row)).collect()
}

impl Registry {
    /// The registry over these ports, with the vocabulary loaded from storage. Every use case
    /// passes `gate`: the policy decides, the audit log records.
    pub async fn open(ports: RegistryPorts, gate: Gate) -> Result<Self, RegistryError> {
        let vocabulary = Vocabulary::from_terms(ports.references.all().await?);
        Ok(Self { ports, gate, vocabulary: RwLock::new(Arc::new(vocabulary)) })
    }

    /// The current vocabulary (public reference data: no actor needed).
    pub fn vocabulary(&self) -> Arc<Vocabulary> {
        self.vocabulary.read().expect("vocabulary lock is never poisoned").clone()
    }

    /// Stores the profile's reference lists and reloads the vocabulary.
    pub async fn seed_references(&self, actor: &Actor, terms: &[Term]) -> Result<(), RegistryError> {
        self.require_all(actor, REFERENCE_WRITE, None).await?;
        let event = self.gate.event(actor, REFERENCE_WRITE, None).with_detail(format!("{} terms", terms.len()));
        self.ports.references.upsert(terms, &event).await?;
        let vocabulary = Vocabulary::from_terms(self.ports.references.all().await?);
        *self.vocabulary.write().expect("vocabulary lock is never poisoned") = Arc::new(vocabulary);
        Ok(())
    }

    fn today(&self) -> NaiveDate {
        self.gate.clock().today()
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.gate.clock().now()
    }

    // The record scope.

    /// Passes only actors the policy lets reach every record (creating records, imports, reports).
    async fn require_all(&self, actor: &Actor, action: Action, object: Option<String>) -> Result<(), RegistryError> {
        match self.gate.check(actor, action, object.clone()).await? {
            Scope::All => Ok(()),
            _ => {
                self.gate.record_out_of_scope(actor, action, object).await?;
                Err(RegistryError::Denied(Denied { action, role: actor.role }))
            }
        }
    }

    /// Passes actors who may take `action` on organisation `id`. Anything outside a scoped
    /// actor's organisation is answered exactly as a missing record, whether it exists or not.
    async fn reach_organization(&self, actor: &Actor, action: Action, id: OrganizationId) -> Result<(), RegistryError> {
        let object = object("organization", id.0);
        match self.gate.check(actor, action, object.clone()).await? {
            Scope::All => Ok(()),
            Scope::Organization(own) if own == id.0 => Ok(()),
            _ => {
                self.gate.record_out_of_scope(actor, action, object).await?;
                Err(RegistryError::NotFound { entity: "organization" })
            }
        }
    }

    /// Passes actors who may take `action` on person `id` (a representative: people with a
    /// membership in their organisation; a volunteer: their own record). Outside the scope the
    /// answer is that of a missing person.
    async fn reach_person(&self, actor: &Actor, action: Action, id: PersonId) -> Result<(), RegistryError> {
        let object = object("person", id.0);
        let scope = self.gate.check(actor, action, object.clone()).await?;
        if self.in_person_scope(scope, &[id]).await?.contains(&id) {
            return Ok(());
        }
        self.gate.record_out_of_scope(actor, action, object).await?;
        Err(RegistryError::NotFound { entity: "person" })
    }

    /// Those of `ids` inside the scope.
    async fn in_person_scope(&self, scope: Scope, ids: &[PersonId]) -> Result<Vec<PersonId>, RegistryError> {
        Ok(match scope {
            Scope::All => ids.to_vec(),
            Scope::Own(own) => ids.iter().copied().filter(|id| id.0 == own).collect(),
            Scope::Organization(org) => {
                let members: HashSet<PersonId> = self
                    .ports
                    .memberships
                    .of_people(ids)
                    .await?
                    .into_iter()
                    .filter(|m| m.organization.0 == org)
                    .map(|m| m.person)
                    .collect();
                ids.iter().copied().filter(|id| members.contains(id)).collect()
            }
        })
    }

    // Organisations.

    /// Adds an organisation after validating it; an ИНН or ОГРН already in the registry is refused.
    pub async fn create_organization(
        &self,
        actor: &Actor,
        input: &OrganizationInput,
    ) -> Result<Organization, RegistryError> {
        self.require_all(actor, ORGANIZATION_WRITE, None).await?;
        let profile = input.validate(&self.vocabulary(), self.today())?;
        self.refuse_duplicates(&profile, None).await?;
        let organization = new_organization(profile, self.now());
        let event = self.gate.event(actor, ORGANIZATION_WRITE, object("organization", organization.id.0));
        self.ports
            .organizations
            .insert(&organization, &event.with_detail("create"))
            .await
            .map_err(|e| self.conflict(e, &organization))?;
        Ok(organization)
    }

    /// Replaces an organisation's description if nobody changed it since `expected_version`.
    pub async fn update_organization(
        &self,
        actor: &Actor,
        id: OrganizationId,
        expected_version: i64,
        input: &OrganizationInput,
    ) -> Result<Organization, RegistryError> {
        self.reach_organization(actor, ORGANIZATION_WRITE, id).await?;
        let profile = input.validate(&self.vocabulary(), self.today())?;
        self.change(actor, ORGANIZATION_WRITE, "update", id, expected_version, |org| {
            org.profile = profile;
            Ok(())
        })
        .await
    }

    /// Marks an organisation liquidated on `on`; its ties and memberships stay as history.
    pub async fn liquidate_organization(
        &self,
        actor: &Actor,
        id: OrganizationId,
        expected_version: i64,
        on: NaiveDate,
    ) -> Result<Organization, RegistryError> {
        self.reach_organization(actor, ORGANIZATION_WRITE, id).await?;
        let today = self.today();
        self.change(actor, ORGANIZATION_WRITE, "liquidate", id, expected_version, |org| {
            if on > today {
                return Err(InvalidField::new("on", Problem::ImpossibleDate { reason: "in the future" }).into());
            }
            if org.profile.registered_on.is_some_and(|r| on < r) {
                return Err(InvalidField::new("on", Problem::ImpossibleDate { reason: "before registration" }).into());
            }
            org.status = OrgStatus::Liquidated { on };
            Ok(())
        })
        .await
    }

    /// Records that the actor checked the organisation's record now.
    pub async fn verify_organization(
        &self,
        actor: &Actor,
        id: OrganizationId,
        expected_version: i64,
    ) -> Result<Organization, RegistryError> {
        self.reach_organization(actor, ORGANIZATION_VERIFY, id).await?;
        let (by, at) = (actor.login.clone(), self.now());
        self.change(actor, ORGANIZATION_VERIFY, "verify", id, expected_version, |org| {
            org.verification = Some(Verification { by, at });
            Ok(())
        })
        .await
    }

    async fn change(
        &self,
        actor: &Actor,
        action: Action,
        what: &str,
        id: OrganizationId,
        expected_version: i64,
        apply: impl FnOnce(&mut Organization) -> Result<(), RegistryError>,
    ) -> Result<Organization, RegistryError> {
        let mut organization = self.existing_organization(id).await?;
        if organization.version != expected_version {
            return Err(RegistryError::StaleVersion { expected: expected_version, current: organization.version });
        }
        let keys_before = (organization.profile.inn.clone(), organization.profile.ogrn.clone());
        apply(&mut organization)?;
        // Only a changed ИНН or ОГРН can clash with another organisation.
        if keys_before != (organization.profile.inn.clone(), organization.profile.ogrn.clone()) {
            self.refuse_duplicates(&organization.profile, Some(id)).await?;
        }
        organization.version += 1;
        organization.updated_at = self.now();
        let event = self
            .gate
            .event(actor, action, object("organization", id.0))
            .with_detail(format!("{what} -> version {}", organization.version));
        match self.ports.organizations.update(&organization, &event).await {
            Ok(()) => Ok(organization),
            Err(RepoError::Conflict(Conflict::StaleVersion)) => {
                let current = self.existing_organization(id).await?.version;
                Err(RegistryError::StaleVersion { expected: expected_version, current })
            }
            Err(error) => Err(self.conflict(error, &organization)),
        }
    }

    async fn existing_organization(&self, id: OrganizationId) -> Result<Organization, RegistryError> {
        self.ports.organizations.get(id).await?.ok_or(RegistryError::NotFound { entity: "organization" })
    }

    async fn refuse_duplicates(
        &self,
        profile: &OrganizationProfile,
        except: Option<OrganizationId>,
    ) -> Result<(), RegistryError> {
        let inns: Vec<_> = profile.inn.iter().cloned().collect();
        let ogrns: Vec<_> = profile.ogrn.iter().cloned().collect();
        if inns.is_empty() && ogrns.is_empty() {
            return Ok(());
        }
        let found = self.ports.organizations.find_by_keys(&inns, &ogrns).await?;
        for other in found.into_iter().filter(|o| Some(o.id) != except) {
            if let Some(key) = shared_key(profile, &other.profile) {
                return Err(RegistryError::Duplicate { key, existing: other.id });
            }
        }
        Ok(())
    }

    /// Turns a storage conflict that raced past the checks into the use case's error.
    fn conflict(&self, error: RepoError, organization: &Organization) -> RegistryError {
        match error {
            RepoError::Conflict(Conflict::Duplicate(key)) => {
                RegistryError::Duplicate { key, existing: organization.id }
            }
            RepoError::Conflict(Conflict::StaleVersion) => {
                RegistryError::StaleVersion { expected: organization.version - 1, current: organization.version }
            }
            other => RegistryError::Store(other),
        }
    }

    /// One organisation; `None` when it does not exist or lies outside the actor's scope.
    pub async fn organization(&self, actor: &Actor, id: OrganizationId) -> Result<Option<Organization>, RegistryError> {
        match self.reach_organization(actor, ORGANIZATION_READ, id).await {
            Ok(()) => Ok(self.ports.organizations.get(id).await?),
            Err(RegistryError::NotFound { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Several organisations by id (for batched loading); those outside the scope are skipped.
    pub async fn organizations_by_ids(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<Organization>, RegistryError> {
        let ids: Vec<OrganizationId> = match self.gate.check(actor, ORGANIZATION_READ, None).await? {
            Scope::All => ids.to_vec(),
            Scope::Organization(own) => ids.iter().copied().filter(|id| id.0 == own).collect(),
            Scope::Own(_) => Vec::new(),
        };
        Ok(self.ports.organizations.get_many(&ids).await?)
    }

    /// A page of the filtered, ordered list of organisations within the actor's scope.
    pub async fn organizations(
        &self,
        actor: &Actor,
        filter: &OrganizationFilter,
        order: OrganizationOrder,
        page: PageRequest,
    ) -> Result<Page<Organization>, RegistryError> {
        let mut filter = filter.clone();
        match self.gate.check(actor, ORGANIZATION_READ, None).await? {
            Scope::All => {}
            Scope::Organization(own) => match filter.only {
                Some(other) if other.0 != own => return Ok(Page { items: Vec::new(), total: 0, offset: 0 }),
                _ => filter.only = Some(OrganizationId(own)),
            },
            Scope::Own(_) => return Ok(Page { items: Vec::new(), total: 0, offset: 0 }),
        }
        Ok(self.ports.organizations.list(&filter, order, page).await?)
    }

    /// A page of the public directory: organisations as anyone may list them. The public API
    /// shows only their public fields.
    pub async fn directory(
        &self,
        actor: &Actor,
        filter: &OrganizationFilter,
        page: PageRequest,
    ) -> Result<Page<Organization>, RegistryError> {
        self.require_all(actor, DIRECTORY_READ, None).await?;
        Ok(self.ports.organizations.list(filter, OrganizationOrder::NameAsc, page).await?)
    }

    /// One organisation of the public directory.
    pub async fn directory_entry(
        &self,
        actor: &Actor,
        id: OrganizationId,
    ) -> Result<Option<Organization>, RegistryError> {
        self.require_all(actor, DIRECTORY_READ, None).await?;
        Ok(self.ports.organizations.get(id).await?)
    }

    /// The people holding a current position in these organisations of the public directory,
    /// by id only: which of them may appear is for their distribution consents to say. One query.
    pub async fn directory_members(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<PersonId>, RegistryError> {
        self.require_all(actor, DIRECTORY_READ, None).await?;
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
    /// covers their `name`, and of each only the consented categories (`position`, `phone`,
    /// `email`). `consented` comes from the privacy rules. Two queries for any number of
    /// organisations.
    pub async fn directory_people(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
        consented: &HashMap<PersonId, std::collections::BTreeSet<String>>,
    ) -> Result<Vec<(OrganizationId, PublicPerson)>, RegistryError> {
        self.require_all(actor, DIRECTORY_READ, None).await?;
        let shown: Vec<PersonId> = consented.iter().filter(|(_, c)| c.contains("name")).map(|(p, _)| *p).collect();
        let today = self.today();
        let memberships = self.ports.memberships.of_people(&shown).await?;
        let mut people = self.ports.people.get_many(&shown).await?;
        people.sort_by_key(|p| (p.profile.last_name.to_string(), p.profile.first_name.to_string(), p.id));
        let mut cards = Vec::new();
        for p in &people {
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

    /// Counts of organisations by municipality, legal form, activity area and relationship.
    pub async fn summary(&self, actor: &Actor) -> Result<RegistrySummary, RegistryError> {
        self.require_all(actor, REGISTRY_SUMMARY, None).await?;
        Ok(self.ports.organizations.summary().await?)
    }

    /// Passes an actor who may export the whole list of organisations, and records the export.
    pub async fn record_export(&self, actor: &Actor, rows: usize) -> Result<(), RegistryError> {
        self.require_all(actor, ORGANIZATION_EXPORT, None).await?;
        let event = self.gate.event(actor, ORGANIZATION_EXPORT, None).with_detail(format!("{rows} organizations"));
        Ok(self.gate.record(&event).await?)
    }

    /// Passes an actor who may import organisations (checked once before a file is read).
    pub async fn may_import(&self, actor: &Actor) -> Result<(), RegistryError> {
        self.require_all(actor, ORGANIZATION_IMPORT, None).await
    }

    async fn existing_for(&self, rows: &[OrganizationProfile]) -> Result<KeyIndex, RegistryError> {
        let inns: Vec<_> = rows.iter().filter_map(|r| r.inn.clone()).collect();
        let ogrns: Vec<_> = rows.iter().filter_map(|r| r.ogrn.clone()).collect();
        Ok(KeyIndex::new(self.ports.organizations.find_by_keys(&inns, &ogrns).await?))
    }

    /// What importing these validated rows would do, row by row, without writing anything.
    pub async fn plan_import(
        &self,
        actor: &Actor,
        rows: &[OrganizationProfile],
    ) -> Result<Vec<RowOutcome>, RegistryError> {
        self.require_all(actor, ORGANIZATION_IMPORT, None).await?;
        let index = self.existing_for(rows).await?;
        Ok(rows
            .iter()
            .map(|profile| match index.matching(profile) {
                Match::None => RowOutcome::Inserted,
                Match::One(existing) if existing.profile == *profile => RowOutcome::Unchanged,
                Match::One(_) => RowOutcome::Updated,
                Match::Two => RowOutcome::Rejected(RowRejection::KeysOfTwoOrganizations),
            })
            .collect())
    }

    fn batch_event(&self, actor: &Actor, inserted: usize, updated: usize) -> AuditEvent {
        self.gate
            .event(actor, ORGANIZATION_IMPORT, None)
            .with_detail(format!("batch: {inserted} new, {updated} changed"))
    }

    /// Imports validated rows: organisations matched by ИНН or ОГРН are updated when they differ,
    /// the others inserted, all in one atomic write with one audit row. Returns one outcome per
    /// row, in order.
    pub async fn import_batch(
        &self,
        actor: &Actor,
        rows: Vec<OrganizationProfile>,
    ) -> Result<Vec<RowOutcome>, RegistryError> {
        self.require_all(actor, ORGANIZATION_IMPORT, None).await?;
        let index = self.existing_for(&rows).await?;
        let now = self.now();
        let (mut new, mut changed, mut outcomes) = (Vec::new(), Vec::new(), Vec::with_capacity(rows.len()));
        for profile in rows {
            let outcome = match index.matching(&profile) {
                Match::None => {
                    new.push(new_organization(profile, now));
                    RowOutcome::Inserted
                }
                Match::One(existing) if existing.profile == profile => RowOutcome::Unchanged,
                Match::One(existing) => {
                    let mut updated = existing.clone();
                    updated.profile = profile;
                    updated.version += 1;
                    updated.updated_at = now;
                    changed.push(updated);
                    RowOutcome::Updated
                }
                Match::Two => RowOutcome::Rejected(RowRejection::KeysOfTwoOrganizations),
            };
            outcomes.push(outcome);
        }
        if !new.is_empty() || !changed.is_empty() {
            let event = self.batch_event(actor, new.len(), changed.len());
            let BatchOutcome { .. } = self.ports.organizations.write_batch(&new, &changed, &event).await?;
        }
        Ok(outcomes)
    }

    /// Inserts rows that `plan_import` found new, without looking them up again. A row that
    /// became known meanwhile fails the whole batch with `Duplicate`; nothing of it is written.
    pub async fn insert_planned(
        &self,
        actor: &Actor,
        rows: Vec<OrganizationProfile>,
    ) -> Result<Vec<RowOutcome>, RegistryError> {
        self.require_all(actor, ORGANIZATION_IMPORT, None).await?;
        let now = self.now();
        let new: Vec<Organization> = rows.into_iter().map(|profile| new_organization(profile, now)).collect();
        let event = self.batch_event(actor, new.len(), 0);
        match self.ports.organizations.write_batch(&new, &[], &event).await {
            Ok(_) => Ok(vec![RowOutcome::Inserted; new.len()]),
            Err(RepoError::Conflict(Conflict::Duplicate(key))) => {
                let existing = new.first().map_or_else(OrganizationId::new, |o| o.id);
                Err(RegistryError::Duplicate { key, existing })
            }
            Err(other) => Err(other.into()),
        }
    }

    // People. Person values from these use cases never carry contacts: those come only from
    // `personal_data`, which checks its own permission and records every read.

    /// Adds a person; the legal basis on which the centre holds the record is required.
    pub async fn add_person(
        &self,
        actor: &Actor,
        input: &PersonInput,
        basis: &LegalBasisInput,
    ) -> Result<Person, RegistryError> {
        self.require_all(actor, PERSON_WRITE, None).await?;
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
        match self.reach_person(actor, PERSON_READ, id).await {
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
        let scope = self.gate.check(actor, PERSON_READ, None).await?;
        if filter.contact.is_some() && !self.gate.allows(actor, PERSON_PERSONAL_DATA) {
            self.gate.record_out_of_scope(actor, PERSON_PERSONAL_DATA, None).await?;
            return Err(RegistryError::ForbiddenFilter { field: "contact" });
        }
        let empty = || Page { items: Vec::new(), total: 0, offset: 0 };
        let mut filter = filter.clone();
        match scope {
            Scope::All => {}
            Scope::Organization(own) => match filter.organization {
                Some(other) if other.0 != own => return Ok(empty()),
                _ => filter.organization = Some(OrganizationId(own)),
            },
            Scope::Own(own) => match filter.only {
                Some(other) if other.0 != own => return Ok(empty()),
                _ => filter.only = Some(PersonId(own)),
            },
        }
        let page = self.ports.people.list(&filter, page).await?;
        Ok(Page { items: page.items.into_iter().map(without_contacts).collect(), ..page })
    }

    /// The phones and e-mails of these people, for those the actor may read; each person read
    /// is recorded in the audit log.
    pub async fn personal_data(&self, actor: &Actor, ids: &[PersonId]) -> Result<Vec<PersonContacts>, RegistryError> {
        let scope = self.gate.check(actor, PERSON_PERSONAL_DATA, None).await?;
        let ids = self.in_person_scope(scope, ids).await?;
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
    pub async fn add_membership(
        &self,
        actor: &Actor,
        person: PersonId,
        organization: OrganizationId,
        position: &str,
        from: Option<NaiveDate>,
    ) -> Result<Membership, RegistryError> {
        self.reach_organization(actor, MEMBERSHIP_WRITE, organization).await?;
        let position = Text::parse(position, MAX_SHORT_TEXT).map_err(|p| InvalidField::new("position", p))?;
        self.ports.people.get(person).await?.ok_or(RegistryError::NotFound { entity: "person" })?;
        let org = self.existing_organization(organization).await?;
        if matches!(org.status, OrgStatus::Liquidated { .. }) {
            return Err(RegistryError::Liquidated);
        }
        let membership = Membership {
            id: MembershipId::new(),
            person,
            organization,
            position,
            period: Period::open(from.unwrap_or_else(|| self.today())),
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
            // Asked about a membership that does not exist: answered as one outside the scope.
            self.gate.check(actor, MEMBERSHIP_WRITE, object("membership", id.0)).await?;
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
        found
            .into_iter()
            .filter(|m| match scope {
                Scope::All => true,
                Scope::Organization(own) => m.organization.0 == own,
                Scope::Own(own) => m.person.0 == own,
            })
            .collect()
    }

    // Coalitions.

    /// Creates a coalition.
    pub async fn create_coalition(
        &self,
        actor: &Actor,
        name: &str,
        purpose: Option<&str>,
        founded_on: Option<NaiveDate>,
    ) -> Result<Coalition, RegistryError> {
        self.require_all(actor, COALITION_WRITE, None).await?;
        let today = self.today();
        if founded_on.is_some_and(|d| d > today) {
            return Err(InvalidField::new("foundedOn", Problem::ImpossibleDate { reason: "in the future" }).into());
        }
        let coalition = Coalition {
            id: CoalitionId::new(),
            name: OrgName::parse(name).map_err(|p| InvalidField::new("name", p))?,
            purpose: purpose
                .filter(|p| !p.trim().is_empty())
                .map(|p| Text::parse(p, MAX_TEXT))
                .transpose()
                .map_err(|p| InvalidField::new("purpose", p))?,
            founded_on,
            created_at: self.now(),
        };
        let event = self.gate.event(actor, COALITION_WRITE, object("coalition", coalition.id.0)).with_detail("create");
        self.ports.coalitions.insert(&coalition, &event).await?;
        Ok(coalition)
    }

    /// Every coalition (for a representative: those their organisation belongs to).
    pub async fn coalitions(&self, actor: &Actor) -> Result<Vec<Coalition>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        let all = self.ports.coalitions.list().await?;
        self.coalitions_in_scope(scope, all).await
    }

    /// Several coalitions by id, within the actor's scope.
    pub async fn coalitions_by_ids(&self, actor: &Actor, ids: &[CoalitionId]) -> Result<Vec<Coalition>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        let found = self.ports.coalitions.get_many(ids).await?;
        self.coalitions_in_scope(scope, found).await
    }

    async fn coalitions_in_scope(&self, scope: Scope, found: Vec<Coalition>) -> Result<Vec<Coalition>, RegistryError> {
        match scope {
            Scope::All => Ok(found),
            Scope::Organization(own) => {
                let joined: HashSet<CoalitionId> = self
                    .ports
                    .coalitions
                    .memberships_of(&[OrganizationId(own)])
                    .await?
                    .into_iter()
                    .map(|m| m.coalition)
                    .collect();
                Ok(found.into_iter().filter(|c| joined.contains(&c.id)).collect())
            }
            Scope::Own(_) => Ok(Vec::new()),
        }
    }

    /// Coalition member records within the scope: a representative sees their organisation's own.
    fn members_in_scope(scope: Scope, found: Vec<CoalitionMember>) -> Vec<CoalitionMember> {
        match scope {
            Scope::All => found,
            Scope::Organization(own) => found.into_iter().filter(|m| m.organization.0 == own).collect(),
            Scope::Own(_) => Vec::new(),
        }
    }

    /// Adds an organisation to a coalition from `from` (today when absent).
    pub async fn add_coalition_member(
        &self,
        actor: &Actor,
        coalition: CoalitionId,
        organization: OrganizationId,
        role: CoalitionRole,
        from: Option<NaiveDate>,
    ) -> Result<CoalitionMember, RegistryError> {
        self.require_all(actor, COALITION_WRITE, object("coalition", coalition.0)).await?;
        if self.ports.coalitions.get_many(&[coalition]).await?.is_empty() {
            return Err(RegistryError::NotFound { entity: "coalition" });
        }
        let org = self.existing_organization(organization).await?;
        if matches!(org.status, OrgStatus::Liquidated { .. }) {
            return Err(RegistryError::Liquidated);
        }
        let member = CoalitionMember {
            id: CoalitionMemberId::new(),
            coalition,
            organization,
            role,
            period: Period::open(from.unwrap_or_else(|| self.today())),
        };
        let event = self.gate.event(actor, COALITION_WRITE, object("coalition_member", member.id.0));
        self.ports.coalitions.insert_member(&member, &event).await.map_err(missing_reference)?;
        Ok(member)
    }

    /// Ends a coalition membership on `on` (today when absent).
    pub async fn end_coalition_member(
        &self,
        actor: &Actor,
        id: CoalitionMemberId,
        on: Option<NaiveDate>,
    ) -> Result<CoalitionMember, RegistryError> {
        let object = object("coalition_member", id.0);
        self.require_all(actor, COALITION_WRITE, object.clone()).await?;
        let mut member = self
            .ports
            .coalitions
            .get_member(id)
            .await?
            .ok_or(RegistryError::NotFound { entity: "coalition member" })?;
        member.period =
            member.period.ended_on(on.unwrap_or_else(|| self.today())).map_err(|_| RegistryError::EndBeforeStart)?;
        let event = self.gate.event(actor, COALITION_WRITE, object).with_detail("end");
        self.ports.coalitions.set_member_end(id, member.period.to().expect("just ended"), &event).await?;
        Ok(member)
    }

    /// Members of these coalitions.
    pub async fn members_of_coalitions(
        &self,
        actor: &Actor,
        ids: &[CoalitionId],
    ) -> Result<Vec<CoalitionMember>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        Ok(Self::members_in_scope(scope, self.ports.coalitions.members_of(ids).await?))
    }

    /// Coalition memberships of these organisations.
    pub async fn coalition_memberships_of(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<CoalitionMember>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        Ok(Self::members_in_scope(scope, self.ports.coalitions.memberships_of(ids).await?))
    }

    // Ties.

    /// Adds a tie between two organisations after checking the tie rules.
    pub async fn add_tie(&self, actor: &Actor, new: &NewTie) -> Result<Tie, RegistryError> {
        self.require_all(actor, TIE_WRITE, None).await?;
        let role = |name: &str, value: &Option<String>| {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| Text::parse(v, MAX_SHORT_TEXT))
                .transpose()
                .map_err(|p| InvalidField::new(name, p))
        };
        let from = new.from.unwrap_or_else(|| self.today());
        let period = Period::new(from, new.to).map_err(|_| RegistryError::EndBeforeStart)?;
        let note = new
            .note
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| Text::parse(v, MAX_TEXT))
            .transpose()
            .map_err(|p| InvalidField::new("note", p))?;
        let tie = Tie::new(
            TieId::new(),
            new.kind,
            TieEnd { organization: new.a, role: role("aRole", &new.a_role)? },
            TieEnd { organization: new.b, role: role("bRole", &new.b_role)? },
            period,
            note,
        );
        let a = self.existing_organization(new.a).await?;
        let b = if new.a == new.b { a.clone() } else { self.existing_organization(new.b).await? };
        let existing: Vec<Tie> =
            self.ports.ties.of_organizations(&[new.a]).await?.into_iter().filter(|t| t.pair() == tie.pair()).collect();
        check_new_tie(&tie, [&a, &b], &existing)?;
        let event = self.gate.event(actor, TIE_WRITE, object("tie", tie.id.0)).with_detail("create");
        match self.ports.ties.insert(&tie, &event).await {
            Err(RepoError::Conflict(Conflict::ActiveTie)) => {
                Err(crate::rules::ties::TieRuleViolation::DuplicateActiveTie.into())
            }
            other => other.map_err(missing_reference),
        }?;
        Ok(tie)
    }

    /// Ends a tie on `on` (today when absent).
    pub async fn end_tie(&self, actor: &Actor, id: TieId, on: Option<NaiveDate>) -> Result<Tie, RegistryError> {
        let object = object("tie", id.0);
        self.require_all(actor, TIE_WRITE, object.clone()).await?;
        let tie = self.ports.ties.get(id).await?.ok_or(RegistryError::NotFound { entity: "tie" })?;
        let period =
            tie.period.ended_on(on.unwrap_or_else(|| self.today())).map_err(|_| RegistryError::EndBeforeStart)?;
        let event = self.gate.event(actor, TIE_WRITE, object).with_detail("end");
        self.ports.ties.set_end(id, period.to().expect("just ended"), &event).await?;
        Ok(tie.with_period(period))
    }

    /// Ties of these organisations (a representative sees only ties of their organisation).
    pub async fn ties_of(&self, actor: &Actor, ids: &[OrganizationId]) -> Result<Vec<Tie>, RegistryError> {
        let ids: Vec<OrganizationId> = match self.gate.check(actor, ORGANIZATION_READ, None).await? {
            Scope::All => ids.to_vec(),
            Scope::Organization(own) => ids.iter().copied().filter(|id| id.0 == own).collect(),
            Scope::Own(_) => Vec::new(),
        };
        Ok(self.ports.ties.of_organizations(&ids).await?)
    }

    /// The names of a list's codes, for reports.
    pub fn term_name(&self, kind: TermKind, code: &str) -> Option<String> {
        self.vocabulary().term(kind, code).map(|t| t.name_ru.clone())
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
fn without_contacts(mut person: Person) -> Person {
    person.profile.phones.clear();
    person.profile.emails.clear();
    person
}

/// A new, active organisation at version 1.
fn new_organization(profile: OrganizationProfile, now: chrono::DateTime<chrono::Utc>) -> Organization {
    Organization {
        id: OrganizationId::new(),
        version: 1,
        profile,
        status: OrgStatus::Active,
        verification: None,
        created_at: now,
        updated_at: now,
    }
}

/// Stored organisations indexed by their natural keys, for matching import rows.
struct KeyIndex {
    existing: Vec<Organization>,
    by_inn: HashMap<String, usize>,
    by_ogrn: HashMap<String, usize>,
}

/// Which stored organisations an import row matches.
enum Match<'a> {
    None,
    One(&'a Organization),
    Two,
}

impl KeyIndex {
    fn new(existing: Vec<Organization>) -> Self {
        let mut by_inn = HashMap::new();
        let mut by_ogrn = HashMap::new();
        for (i, org) in existing.iter().enumerate() {
            if let Some(inn) = &org.profile.inn {
                by_inn.insert(inn.to_string(), i);
            }
            if let Some(ogrn) = &org.profile.ogrn {
                by_ogrn.insert(ogrn.to_string(), i);
            }
        }
        Self { existing, by_inn, by_ogrn }
    }

    /// The stored organisations sharing the row's ИНН or ОГРН (the rule of `rules::dedup`).
    fn matching(&self, profile: &OrganizationProfile) -> Match<'_> {
        let by_inn = profile.inn.as_ref().and_then(|v| self.by_inn.get(v.as_str()));
        let by_ogrn = profile.ogrn.as_ref().and_then(|v| self.by_ogrn.get(v.as_str()));
        match (by_inn, by_ogrn) {
            (None, None) => Match::None,
            (Some(a), Some(b)) if a != b => Match::Two,
            (Some(i), _) | (None, Some(i)) => {
                let found = &self.existing[*i];
                debug_assert!(shared_key(profile, &found.profile).is_some());
                Match::One(found)
            }
        }
    }
}

fn missing_reference(error: RepoError) -> RegistryError {
    match error {
        RepoError::Conflict(Conflict::MissingReference) => RegistryError::NotFound { entity: "referenced record" },
        other => RegistryError::Store(other),
    }
}
