//! The registry's use cases: load through the ports, decide with the rules, save.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use kernel::{Clock, Page, PageRequest, Period, Term, TermKind};

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
    clock: Arc<dyn Clock>,
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
    /// The registry over these ports, with the vocabulary loaded from storage.
    pub async fn open(ports: RegistryPorts, clock: Arc<dyn Clock>) -> Result<Self, RegistryError> {
        let vocabulary = Vocabulary::from_terms(ports.references.all().await?);
        Ok(Self { ports, clock, vocabulary: RwLock::new(Arc::new(vocabulary)) })
    }

    /// The current vocabulary.
    pub fn vocabulary(&self) -> Arc<Vocabulary> {
        self.vocabulary.read().expect("vocabulary lock is never poisoned").clone()
    }

    /// Stores the profile's reference lists and reloads the vocabulary.
    pub async fn seed_references(&self, terms: &[Term]) -> Result<(), RegistryError> {
        self.ports.references.upsert(terms).await?;
        let vocabulary = Vocabulary::from_terms(self.ports.references.all().await?);
        *self.vocabulary.write().expect("vocabulary lock is never poisoned") = Arc::new(vocabulary);
        Ok(())
    }

    fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    // Organisations.

    /// Adds an organisation after validating it; an ИНН or ОГРН already in the registry is refused.
    pub async fn create_organization(&self, input: &OrganizationInput) -> Result<Organization, RegistryError> {
        let profile = input.validate(&self.vocabulary(), self.today())?;
        self.refuse_duplicates(&profile, None).await?;
        let now = self.clock.now();
        let organization = new_organization(profile, now);
        self.ports.organizations.insert(&organization).await.map_err(|e| self.conflict(e, &organization))?;
        Ok(organization)
    }

    /// Replaces an organisation's description if nobody changed it since `expected_version`.
    pub async fn update_organization(
        &self,
        id: OrganizationId,
        expected_version: i64,
        input: &OrganizationInput,
    ) -> Result<Organization, RegistryError> {
        let profile = input.validate(&self.vocabulary(), self.today())?;
        self.change(id, expected_version, |org| {
            org.profile = profile;
            Ok(())
        })
        .await
    }

    /// Marks an organisation liquidated on `on`; its ties and memberships stay as history.
    pub async fn liquidate_organization(
        &self,
        id: OrganizationId,
        expected_version: i64,
        on: NaiveDate,
    ) -> Result<Organization, RegistryError> {
        let today = self.today();
        self.change(id, expected_version, |org| {
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

    /// Records that `by` (a staff login) checked the organisation's record now.
    pub async fn verify_organization(
        &self,
        id: OrganizationId,
        expected_version: i64,
        by: &str,
    ) -> Result<Organization, RegistryError> {
        let at = self.clock.now();
        self.change(id, expected_version, |org| {
            org.verification = Some(Verification { by: by.to_owned(), at });
            Ok(())
        })
        .await
    }

    async fn change(
        &self,
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
        organization.updated_at = self.clock.now();
        match self.ports.organizations.update(&organization).await {
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

    /// One organisation.
    pub async fn organization(&self, id: OrganizationId) -> Result<Option<Organization>, RegistryError> {
        Ok(self.ports.organizations.get(id).await?)
    }

    /// Several organisations by id (for batched loading).
    pub async fn organizations_by_ids(&self, ids: &[OrganizationId]) -> Result<Vec<Organization>, RegistryError> {
        Ok(self.ports.organizations.get_many(ids).await?)
    }

    /// A page of the filtered, ordered list of organisations.
    pub async fn organizations(
        &self,
        filter: &OrganizationFilter,
        order: OrganizationOrder,
        page: PageRequest,
    ) -> Result<Page<Organization>, RegistryError> {
        Ok(self.ports.organizations.list(filter, order, page).await?)
    }

    /// Counts of organisations by municipality, legal form, activity area and relationship.
    pub async fn summary(&self) -> Result<RegistrySummary, RegistryError> {
        Ok(self.ports.organizations.summary().await?)
    }

    async fn existing_for(&self, rows: &[OrganizationProfile]) -> Result<KeyIndex, RegistryError> {
        let inns: Vec<_> = rows.iter().filter_map(|r| r.inn.clone()).collect();
        let ogrns: Vec<_> = rows.iter().filter_map(|r| r.ogrn.clone()).collect();
        Ok(KeyIndex::new(self.ports.organizations.find_by_keys(&inns, &ogrns).await?))
    }

    /// What importing these validated rows would do, row by row, without writing anything.
    pub async fn plan_import(&self, rows: &[OrganizationProfile]) -> Result<Vec<RowOutcome>, RegistryError> {
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

    /// Imports validated rows: organisations matched by ИНН or ОГРН are updated when they differ,
    /// the others inserted, all in one atomic write. Returns one outcome per row, in order.
    pub async fn import_batch(&self, rows: Vec<OrganizationProfile>) -> Result<Vec<RowOutcome>, RegistryError> {
        let index = self.existing_for(&rows).await?;
        let now = self.clock.now();
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
            let BatchOutcome { .. } = self.ports.organizations.write_batch(&new, &changed).await?;
        }
        Ok(outcomes)
    }

    /// Inserts rows that `plan_import` found new, without looking them up again. A row that
    /// became known meanwhile fails the whole batch with `Duplicate`; nothing of it is written.
    pub async fn insert_planned(&self, rows: Vec<OrganizationProfile>) -> Result<Vec<RowOutcome>, RegistryError> {
        let now = self.clock.now();
        let new: Vec<Organization> = rows.into_iter().map(|profile| new_organization(profile, now)).collect();
        match self.ports.organizations.write_batch(&new, &[]).await {
            Ok(_) => Ok(vec![RowOutcome::Inserted; new.len()]),
            Err(RepoError::Conflict(Conflict::Duplicate(key))) => {
                let existing = new.first().map_or_else(OrganizationId::new, |o| o.id);
                Err(RegistryError::Duplicate { key, existing })
            }
            Err(other) => Err(other.into()),
        }
    }

    // People.

    /// Adds a person; the legal basis on which the centre holds the record is required.
    pub async fn add_person(&self, input: &PersonInput, basis: &LegalBasisInput) -> Result<Person, RegistryError> {
        let person = Person {
            id: PersonId::new(),
            profile: input.validate()?,
            legal_basis: basis.validate(self.today())?,
            created_at: self.clock.now(),
        };
        self.ports.people.insert(&person).await?;
        Ok(person)
    }

    /// One person.
    pub async fn person(&self, id: PersonId) -> Result<Option<Person>, RegistryError> {
        Ok(self.ports.people.get(id).await?)
    }

    /// Several people by id.
    pub async fn people_by_ids(&self, ids: &[PersonId]) -> Result<Vec<Person>, RegistryError> {
        Ok(self.ports.people.get_many(ids).await?)
    }

    /// A page of people.
    pub async fn people(&self, filter: &PersonFilter, page: PageRequest) -> Result<Page<Person>, RegistryError> {
        Ok(self.ports.people.list(filter, page).await?)
    }

    // Memberships.

    /// Records that a person holds a position in an organisation from `from` (today when absent).
    pub async fn add_membership(
        &self,
        person: PersonId,
        organization: OrganizationId,
        position: &str,
        from: Option<NaiveDate>,
    ) -> Result<Membership, RegistryError> {
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
        self.ports.memberships.insert(&membership).await.map_err(missing_reference)?;
        Ok(membership)
    }

    /// Ends a membership on `on` (today when absent).
    pub async fn end_membership(&self, id: MembershipId, on: Option<NaiveDate>) -> Result<Membership, RegistryError> {
        let mut membership =
            self.ports.memberships.get(id).await?.ok_or(RegistryError::NotFound { entity: "membership" })?;
        membership.period = membership
            .period
            .ended_on(on.unwrap_or_else(|| self.today()))
            .map_err(|_| RegistryError::EndBeforeStart)?;
        self.ports.memberships.set_end(id, membership.period.to().expect("just ended")).await?;
        Ok(membership)
    }

    /// Memberships in these organisations.
    pub async fn memberships_of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Membership>, RegistryError> {
        Ok(self.ports.memberships.of_organizations(ids).await?)
    }

    /// Memberships of these people.
    pub async fn memberships_of_people(&self, ids: &[PersonId]) -> Result<Vec<Membership>, RegistryError> {
        Ok(self.ports.memberships.of_people(ids).await?)
    }

    // Coalitions.

    /// Creates a coalition.
    pub async fn create_coalition(
        &self,
        name: &str,
        purpose: Option<&str>,
        founded_on: Option<NaiveDate>,
    ) -> Result<Coalition, RegistryError> {
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
            created_at: self.clock.now(),
        };
        self.ports.coalitions.insert(&coalition).await?;
        Ok(coalition)
    }

    /// Every coalition.
    pub async fn coalitions(&self) -> Result<Vec<Coalition>, RegistryError> {
        Ok(self.ports.coalitions.list().await?)
    }

    /// Several coalitions by id.
    pub async fn coalitions_by_ids(&self, ids: &[CoalitionId]) -> Result<Vec<Coalition>, RegistryError> {
        Ok(self.ports.coalitions.get_many(ids).await?)
    }

    /// Adds an organisation to a coalition from `from` (today when absent).
    pub async fn add_coalition_member(
        &self,
        coalition: CoalitionId,
        organization: OrganizationId,
        role: CoalitionRole,
        from: Option<NaiveDate>,
    ) -> Result<CoalitionMember, RegistryError> {
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
        self.ports.coalitions.insert_member(&member).await.map_err(missing_reference)?;
        Ok(member)
    }

    /// Ends a coalition membership on `on` (today when absent).
    pub async fn end_coalition_member(
        &self,
        id: CoalitionMemberId,
        on: Option<NaiveDate>,
    ) -> Result<CoalitionMember, RegistryError> {
        let mut member = self
            .ports
            .coalitions
            .get_member(id)
            .await?
            .ok_or(RegistryError::NotFound { entity: "coalition member" })?;
        member.period =
            member.period.ended_on(on.unwrap_or_else(|| self.today())).map_err(|_| RegistryError::EndBeforeStart)?;
        self.ports.coalitions.set_member_end(id, member.period.to().expect("just ended")).await?;
        Ok(member)
    }

    /// Members of these coalitions.
    pub async fn members_of_coalitions(&self, ids: &[CoalitionId]) -> Result<Vec<CoalitionMember>, RegistryError> {
        Ok(self.ports.coalitions.members_of(ids).await?)
    }

    /// Coalition memberships of these organisations.
    pub async fn coalition_memberships_of(
        &self,
        ids: &[OrganizationId],
    ) -> Result<Vec<CoalitionMember>, RegistryError> {
        Ok(self.ports.coalitions.memberships_of(ids).await?)
    }

    // Ties.

    /// Adds a tie between two organisations after checking the tie rules.
    pub async fn add_tie(&self, new: &NewTie) -> Result<Tie, RegistryError> {
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
        match self.ports.ties.insert(&tie).await {
            Err(RepoError::Conflict(Conflict::ActiveTie)) => {
                Err(crate::rules::ties::TieRuleViolation::DuplicateActiveTie.into())
            }
            other => other.map_err(missing_reference),
        }?;
        Ok(tie)
    }

    /// Ends a tie on `on` (today when absent).
    pub async fn end_tie(&self, id: TieId, on: Option<NaiveDate>) -> Result<Tie, RegistryError> {
        let tie = self.ports.ties.get(id).await?.ok_or(RegistryError::NotFound { entity: "tie" })?;
        let period =
            tie.period.ended_on(on.unwrap_or_else(|| self.today())).map_err(|_| RegistryError::EndBeforeStart)?;
        self.ports.ties.set_end(id, period.to().expect("just ended")).await?;
        Ok(tie.with_period(period))
    }

    /// Ties of these organisations.
    pub async fn ties_of(&self, ids: &[OrganizationId]) -> Result<Vec<Tie>, RegistryError> {
        Ok(self.ports.ties.of_organizations(ids).await?)
    }

    /// The names of a list's codes, for reports.
    pub fn term_name(&self, kind: TermKind, code: &str) -> Option<String> {
        self.vocabulary().term(kind, code).map(|t| t.name_ru.clone())
    }
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
