//! In-memory implementations of every registry port: the reference behaviour the contract suite
//! pins down, and the storage of in-process GraphQL tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use audit::AuditEvent;
use audit::testing::MemoryAuditLog;
use chrono::NaiveDate;
use kernel::{After, Page, PageRequest, Term, TermKind, page_of};

use crate::error::{Conflict, NaturalKey};
use crate::model::{
    Coalition, CoalitionId, CoalitionMember, CoalitionMemberId, Inn, Membership, MembershipId, Ogrn, OrgStatus,
    Organization, OrganizationId, Person, PersonId, RelationshipKind, Tie, TieId,
};
use crate::ports::RegistryPorts;
use crate::ports::{
    BatchOutcome, CoalitionRepo, MembershipRepo, OrganizationFilter, OrganizationOrder, OrganizationRepo, PersonFilter,
    PersonRepo, ReferenceRepo, RegistrySummary, StatusKind, TieRepo, person_position,
};
use crate::rules::names::{name_key, search_key};
use kernel::StoreError;

#[derive(Default)]
pub(super) struct State {
    organizations: HashMap<OrganizationId, Organization>,
    pub(super) people: HashMap<PersonId, Person>,
    pub(super) memberships: HashMap<MembershipId, Membership>,
    coalitions: HashMap<CoalitionId, Coalition>,
    members: HashMap<CoalitionMemberId, CoalitionMember>,
    ties: HashMap<TieId, Tie>,
    terms: BTreeMap<(TermKind, String), Term>,
}

/// Every registry port over one shared in-memory state.
#[derive(Clone, Default)]
pub struct InMemoryRegistry {
    state: Arc<Mutex<State>>,
    audit: MemoryAuditLog,
}

impl InMemoryRegistry {
    /// An empty store with its own audit log.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store writing its audit rows into `audit`.
    pub fn with_audit(audit: MemoryAuditLog) -> Self {
        Self { state: Arc::default(), audit }
    }

    /// The ports and the audit log, for the contract suite.
    pub fn stores(&self) -> crate::testing::contract::Stores {
        crate::testing::contract::Stores { ports: self.ports(), audit: Arc::new(self.audit.clone()) }
    }

    /// The audit log the store writes into.
    pub fn audit(&self) -> &MemoryAuditLog {
        &self.audit
    }

    /// Writes the audit row of a change that succeeded (called while the state lock is held,
    /// so the change and its row appear together).
    fn audited<T>(
        &self,
        audit: &AuditEvent,
        result: Result<T, StoreError<Conflict>>,
    ) -> Result<T, StoreError<Conflict>> {
        if result.is_ok() {
            self.audit.append_now(audit);
        }
        result
    }

    /// The ports, all backed by this store.
    pub fn ports(&self) -> RegistryPorts {
        RegistryPorts::over(self.clone())
    }

    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("the in-memory store's lock is never poisoned")
    }
}

fn duplicate_of(state: &State, organization: &Organization) -> Option<NaturalKey> {
    let others = state.organizations.values().filter(|o| o.id != organization.id);
    let mut found = None;
    for other in others {
        if organization.profile.inn.is_some() && other.profile.inn == organization.profile.inn {
            return Some(NaturalKey::Inn);
        }
        if organization.profile.ogrn.is_some() && other.profile.ogrn == organization.profile.ogrn {
            found = Some(NaturalKey::Ogrn);
        }
    }
    found
}

fn matches(filter: &OrganizationFilter, org: &Organization) -> bool {
    let p = &org.profile;
    let has =
        |list: &[crate::model::Code], code: &Option<crate::model::Code>| code.as_ref().is_none_or(|c| list.contains(c));
    let status = match org.status {
        OrgStatus::Active => StatusKind::Active,
        OrgStatus::Suspended => StatusKind::Suspended,
        OrgStatus::Liquidated { .. } => StatusKind::Liquidated,
    };
    filter.text.as_ref().is_none_or(|t| {
        search_key(p.full_name.as_str(), p.short_name.as_ref().map(|s| s.as_str())).contains(&name_key(t))
    }) && filter.inn.as_ref().is_none_or(|v| p.inn.as_ref() == Some(v))
        && filter.ogrn.as_ref().is_none_or(|v| p.ogrn.as_ref() == Some(v))
        && filter.municipality.as_ref().is_none_or(|v| p.municipality.as_ref() == Some(v))
        && filter.legal_form.as_ref().is_none_or(|v| &p.legal_form == v)
        && has(&p.activity_areas, &filter.activity_area)
        && has(&p.target_groups, &filter.target_group)
        && filter.status.is_none_or(|s| s == status)
        && filter.relationship.is_none_or(|r| p.relationship.kind == r)
        && filter.only.is_none_or(|id| org.id == id)
}

fn counts<K: Ord>(keys: impl Iterator<Item = K>) -> Vec<(K, u64)> {
    let mut map = BTreeMap::new();
    for key in keys {
        *map.entry(key).or_insert(0u64) += 1;
    }
    map.into_iter().collect()
}

#[async_trait]
impl OrganizationRepo for InMemoryRegistry {
    async fn insert(&self, organization: &Organization, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        if let Some(key) = duplicate_of(&state, organization) {
            return Err(StoreError::Conflict(Conflict::Duplicate(key)));
        }
        if state.organizations.contains_key(&organization.id) {
            // A primary key clash: the databases report it as a unique violation without a natural key.
            return Err(StoreError::Conflict(Conflict::StaleVersion));
        }
        state.organizations.insert(organization.id, organization.clone());
        self.audited(audit, Ok(()))
    }

    async fn update(&self, organization: &Organization, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        let stored_version = state.organizations.get(&organization.id).map(|o| o.version);
        if stored_version != Some(organization.version - 1) {
            return Err(StoreError::Conflict(Conflict::StaleVersion));
        }
        if let Some(key) = duplicate_of(&state, organization) {
            return Err(StoreError::Conflict(Conflict::Duplicate(key)));
        }
        state.organizations.insert(organization.id, organization.clone());
        self.audited(audit, Ok(()))
    }

    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError<Conflict>> {
        Ok(self.state().organizations.get(&id).cloned())
    }

    async fn get_many(&self, ids: &[OrganizationId]) -> Result<Vec<Organization>, StoreError<Conflict>> {
        let state = self.state();
        Ok(ids.iter().filter_map(|id| state.organizations.get(id).cloned()).collect())
    }

    async fn find_by_keys(&self, inns: &[Inn], ogrns: &[Ogrn]) -> Result<Vec<Organization>, StoreError<Conflict>> {
        let state = self.state();
        Ok(state
            .organizations
            .values()
            .filter(|o| {
                o.profile.inn.as_ref().is_some_and(|v| inns.contains(v))
                    || o.profile.ogrn.as_ref().is_some_and(|v| ogrns.contains(v))
            })
            .cloned()
            .collect())
    }

    async fn list(
        &self,
        filter: &OrganizationFilter,
        order: OrganizationOrder,
        page: PageRequest,
    ) -> Result<Page<Organization>, StoreError<Conflict>> {
        let mut rows: Vec<(Organization, After)> = self
            .state()
            .organizations
            .values()
            .filter(|o| matches(filter, o))
            .map(|o| (o.clone(), order.position(o)))
            .collect();
        rows.sort_by(|a, b| a.1.cmp(&b.1));
        if order.descending() {
            rows.reverse();
        }
        Ok(page_of(&rows, &page, order.descending()))
    }

    async fn summary(&self) -> Result<RegistrySummary, StoreError<Conflict>> {
        let state = self.state();
        let all = || state.organizations.values().map(|o| &o.profile);
        Ok(RegistrySummary {
            total: state.organizations.len() as u64,
            by_municipality: counts(all().map(|p| p.municipality.as_ref().map(|c| c.to_string()))),
            by_legal_form: counts(all().map(|p| p.legal_form.to_string())),
            by_activity_area: counts(all().flat_map(|p| p.activity_areas.iter().map(|c| c.to_string()))),
            by_relationship: counts(all().map(|p| p.relationship.kind.code()))
                .into_iter()
                .filter_map(|(code, n)| RelationshipKind::parse(code).map(|k| (k, n)))
                .collect(),
        })
    }

    async fn write_batch(
        &self,
        new: &[Organization],
        changed: &[Organization],
        audit: &[AuditEvent],
    ) -> Result<BatchOutcome, StoreError<Conflict>> {
        let mut state = self.state();
        let backup = state.organizations.clone();
        let result = (|| {
            for organization in changed {
                let stored_version = state.organizations.get(&organization.id).map(|o| o.version);
                if stored_version != Some(organization.version - 1) {
                    return Err(StoreError::Conflict(Conflict::StaleVersion));
                }
                state.organizations.insert(organization.id, organization.clone());
            }
            for organization in new {
                if state.organizations.contains_key(&organization.id) {
                    return Err(StoreError::Conflict(Conflict::StaleVersion));
                }
                if let Some(key) = duplicate_of(&state, organization) {
                    return Err(StoreError::Conflict(Conflict::Duplicate(key)));
                }
                state.organizations.insert(organization.id, organization.clone());
            }
            for organization in changed {
                if let Some(key) = duplicate_of(&state, organization) {
                    return Err(StoreError::Conflict(Conflict::Duplicate(key)));
                }
            }
            Ok(BatchOutcome { inserted: new.len() as u64, updated: changed.len() as u64 })
        })();
        if result.is_err() {
            state.organizations = backup;
        } else {
            for event in audit {
                self.audit.append_now(event);
            }
        }
        result
    }
}

#[async_trait]
impl PersonRepo for InMemoryRegistry {
    async fn insert(&self, person: &Person, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        state.people.insert(person.id, person.clone());
        self.audited(audit, Ok(()))
    }

    async fn get(&self, id: PersonId) -> Result<Option<Person>, StoreError<Conflict>> {
        Ok(self.state().people.get(&id).cloned())
    }

    async fn get_many(&self, ids: &[PersonId]) -> Result<Vec<Person>, StoreError<Conflict>> {
        let state = self.state();
        Ok(ids.iter().filter_map(|id| state.people.get(id).cloned()).collect())
    }

    async fn list(&self, filter: &PersonFilter, page: PageRequest) -> Result<Page<Person>, StoreError<Conflict>> {
        let state = self.state();
        let member_of = |person: &Person, org: OrganizationId| {
            state.memberships.values().any(|m| {
                m.person == person.id
                    && m.organization == org
                    && filter.member_on.is_none_or(|day| m.period.contains(day))
            })
        };
        let mut rows: Vec<(Person, After)> = state
            .people
            .values()
            .filter(|p| filter.text.as_ref().is_none_or(|t| person_key(p).contains(&name_key(t))))
            .filter(|p| filter.organization.is_none_or(|org| member_of(p, org)))
            .filter(|p| filter.only.is_none_or(|id| p.id == id))
            .filter(|p| {
                filter.contact.as_ref().is_none_or(|c| {
                    let c = c.to_lowercase();
                    p.profile.phones.iter().any(|v| v.as_str().contains(&c))
                        || p.profile.emails.iter().any(|v| v.as_str().contains(&c))
                })
            })
            .map(|p| (p.clone(), person_position(p)))
            .collect();
        rows.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(page_of(&rows, &page, false))
    }
}

fn person_key(person: &Person) -> String {
    let p = &person.profile;
    crate::rules::names::person_key(
        p.last_name.as_str(),
        p.first_name.as_str(),
        p.middle_name.as_ref().map(|m| m.as_str()),
    )
}

#[async_trait]
impl MembershipRepo for InMemoryRegistry {
    async fn insert(&self, membership: &Membership, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        if !state.people.contains_key(&membership.person) || !state.organizations.contains_key(&membership.organization)
        {
            return Err(StoreError::Conflict(Conflict::MissingReference));
        }
        state.memberships.insert(membership.id, membership.clone());
        self.audited(audit, Ok(()))
    }

    async fn get(&self, id: MembershipId) -> Result<Option<Membership>, StoreError<Conflict>> {
        Ok(self.state().memberships.get(&id).cloned())
    }

    async fn set_end(&self, id: MembershipId, to: NaiveDate, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        if let Some(m) = state.memberships.get_mut(&id) {
            m.period = m.period.ended_on(to).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
        self.audited(audit, Ok(()))
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Membership>, StoreError<Conflict>> {
        Ok(self.state().memberships.values().filter(|m| ids.contains(&m.organization)).cloned().collect())
    }

    async fn of_people(&self, ids: &[PersonId]) -> Result<Vec<Membership>, StoreError<Conflict>> {
        Ok(self.state().memberships.values().filter(|m| ids.contains(&m.person)).cloned().collect())
    }

    async fn members_of_organizations(
        &self,
        ids: &[OrganizationId],
    ) -> Result<Vec<(Membership, Person)>, StoreError<Conflict>> {
        let state = self.state();
        let mut found: Vec<(Membership, Person)> = state
            .memberships
            .values()
            .filter(|m| ids.contains(&m.organization))
            .filter_map(|m| state.people.get(&m.person).map(|p| (m.clone(), p.clone())))
            .collect();
        found.sort_by_key(|(m, _)| (m.period.from(), m.id));
        Ok(found)
    }
}

#[async_trait]
impl CoalitionRepo for InMemoryRegistry {
    async fn insert(&self, coalition: &Coalition, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        state.coalitions.insert(coalition.id, coalition.clone());
        self.audited(audit, Ok(()))
    }

    async fn list(&self) -> Result<Vec<Coalition>, StoreError<Conflict>> {
        let mut all: Vec<Coalition> = self.state().coalitions.values().cloned().collect();
        all.sort_by_key(|c| (name_key(c.name.as_str()), c.id));
        Ok(all)
    }

    async fn get_many(&self, ids: &[CoalitionId]) -> Result<Vec<Coalition>, StoreError<Conflict>> {
        let state = self.state();
        Ok(ids.iter().filter_map(|id| state.coalitions.get(id).cloned()).collect())
    }

    async fn insert_member(&self, member: &CoalitionMember, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        if !state.coalitions.contains_key(&member.coalition) || !state.organizations.contains_key(&member.organization)
        {
            return Err(StoreError::Conflict(Conflict::MissingReference));
        }
        state.members.insert(member.id, member.clone());
        self.audited(audit, Ok(()))
    }

    async fn get_member(&self, id: CoalitionMemberId) -> Result<Option<CoalitionMember>, StoreError<Conflict>> {
        Ok(self.state().members.get(&id).cloned())
    }

    async fn set_member_end(
        &self,
        id: CoalitionMemberId,
        to: NaiveDate,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        if let Some(m) = state.members.get_mut(&id) {
            m.period = m.period.ended_on(to).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
        self.audited(audit, Ok(()))
    }

    async fn members_of(&self, ids: &[CoalitionId]) -> Result<Vec<CoalitionMember>, StoreError<Conflict>> {
        Ok(self.state().members.values().filter(|m| ids.contains(&m.coalition)).cloned().collect())
    }

    async fn memberships_of(&self, ids: &[OrganizationId]) -> Result<Vec<CoalitionMember>, StoreError<Conflict>> {
        Ok(self.state().members.values().filter(|m| ids.contains(&m.organization)).cloned().collect())
    }
}

#[async_trait]
impl TieRepo for InMemoryRegistry {
    async fn insert(&self, tie: &Tie, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        let (a, b) = tie.pair();
        if !state.organizations.contains_key(&a) || !state.organizations.contains_key(&b) {
            return Err(StoreError::Conflict(Conflict::MissingReference));
        }
        let open_clash = tie.period.to().is_none()
            && state.ties.values().any(|t| t.pair() == tie.pair() && t.kind == tie.kind && t.period.to().is_none());
        if open_clash {
            return Err(StoreError::Conflict(Conflict::ActiveTie));
        }
        state.ties.insert(tie.id, tie.clone());
        self.audited(audit, Ok(()))
    }

    async fn get(&self, id: TieId) -> Result<Option<Tie>, StoreError<Conflict>> {
        Ok(self.state().ties.get(&id).cloned())
    }

    async fn set_end(&self, id: TieId, to: NaiveDate, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        if let Some(t) = state.ties.get_mut(&id) {
            let period = t.period.ended_on(to).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            *t = t.clone().with_period(period);
        }
        self.audited(audit, Ok(()))
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Tie>, StoreError<Conflict>> {
        Ok(self
            .state()
            .ties
            .values()
            .filter(|t| ids.contains(&t.pair().0) || ids.contains(&t.pair().1))
            .cloned()
            .collect())
    }
}

#[async_trait]
impl ReferenceRepo for InMemoryRegistry {
    async fn all(&self) -> Result<Vec<Term>, StoreError<Conflict>> {
        Ok(self.state().terms.values().cloned().collect())
    }

    async fn upsert(&self, terms: &[Term], audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let mut state = self.state();
        for term in terms {
            state.terms.insert((term.kind, term.code.clone()), term.clone());
        }
        self.audited(audit, Ok(()))
    }
}
