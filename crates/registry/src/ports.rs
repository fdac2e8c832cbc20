//! The registry's repository ports. Storage implements them on SQLite and PostgreSQL; `testing`
//! implements them in memory; one contract suite checks all three.

use std::sync::Arc;

use async_trait::async_trait;
use audit::AuditEvent;
use chrono::NaiveDate;
use kernel::{After, KeyKind, ListOrder, Page, PageRequest, SortKey, Term};

use crate::error::Conflict;
use crate::model::{
    Coalition, CoalitionId, CoalitionMember, CoalitionMemberId, Code, Inn, Membership, MembershipId, Ogrn,
    Organization, OrganizationId, Person, PersonId, RelationshipKind, Tie, TieId,
};
use crate::rules::names::{name_key, person_key};
use kernel::StoreError;

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

impl RegistryPorts {
    /// Every port over one store (a database, or the in-memory fake).
    pub fn over<S>(store: S) -> Self
    where
        S: OrganizationRepo + PersonRepo + MembershipRepo + CoalitionRepo + TieRepo + ReferenceRepo + Clone + 'static,
    {
        Self {
            organizations: Arc::new(store.clone()),
            people: Arc::new(store.clone()),
            memberships: Arc::new(store.clone()),
            coalitions: Arc::new(store.clone()),
            ties: Arc::new(store.clone()),
            references: Arc::new(store),
        }
    }
}

/// Which organisations a list shows. Every field narrows the list; `None` does not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationFilter {
    /// Text contained in the full or short name (case, quotes and ё/е ignored).
    pub text: Option<String>,
    /// Exact ИНН.
    pub inn: Option<Inn>,
    /// Exact ОГРН.
    pub ogrn: Option<Ogrn>,
    /// Municipality code.
    pub municipality: Option<Code>,
    /// Legal form code.
    pub legal_form: Option<Code>,
    /// Has this activity area.
    pub activity_area: Option<Code>,
    /// Has this target group.
    pub target_group: Option<Code>,
    /// Status code: `active`, `suspended` or `liquidated`.
    pub status: Option<StatusKind>,
    /// The centre's relationship.
    pub relationship: Option<RelationshipKind>,
    /// Only this organisation (the record scope of an NGO's representative).
    pub only: Option<OrganizationId>,
}

/// The status of an organisation without its date, for filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    /// Working.
    Active,
    /// Suspended.
    Suspended,
    /// Liquidated.
    Liquidated,
}

impl StatusKind {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            StatusKind::Active => "active",
            StatusKind::Suspended => "suspended",
            StatusKind::Liquidated => "liquidated",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        [StatusKind::Active, StatusKind::Suspended, StatusKind::Liquidated].into_iter().find(|s| s.code() == code)
    }
}

/// The stable orders of the organisation list; ties are broken by id so pages never overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OrganizationOrder {
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

impl OrganizationOrder {
    /// The order as a cursor names it.
    pub fn list_order(self) -> ListOrder {
        let (name, key) = match self {
            OrganizationOrder::NameAsc => ("org.name.asc", KeyKind::Text),
            OrganizationOrder::NameDesc => ("org.name.desc", KeyKind::Text),
            OrganizationOrder::CreatedAsc => ("org.created.asc", KeyKind::Number),
            OrganizationOrder::CreatedDesc => ("org.created.desc", KeyKind::Number),
        };
        ListOrder { name, key }
    }

    /// Whether the order runs from the largest key down.
    pub fn descending(self) -> bool {
        matches!(self, OrganizationOrder::NameDesc | OrganizationOrder::CreatedDesc)
    }

    /// The organisation's position in this order: its name's sort key (`names::name_key`, stored
    /// as `sort_key`), or its creation time in nanoseconds (every digit a database keeps: a key
    /// rounded below the stored time would show a batch created in one instant again); then its id.
    pub fn position(self, organization: &Organization) -> After {
        let key = match self {
            OrganizationOrder::NameAsc | OrganizationOrder::NameDesc => {
                SortKey::Text(name_key(organization.profile.full_name.as_str()))
            }
            OrganizationOrder::CreatedAsc | OrganizationOrder::CreatedDesc => {
                SortKey::Number(created_key(organization.created_at))
            }
        };
        After { key, id: organization.id.0 }
    }
}

/// The key of a creation time: nanoseconds since the epoch, saturated outside 1677-2262 (which no
/// clock of this system gives, but an edited database may hold).
pub fn created_key(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 { i64::MIN } else { i64::MAX })
}

/// The one order of the people list: by surname, name and patronymic folded for sorting
/// (`names::person_key`, stored as `search_key`), then by id.
pub const PEOPLE_ORDER: ListOrder = ListOrder { name: "person.name.asc", key: KeyKind::Text };

/// A person's position in [`PEOPLE_ORDER`].
pub fn person_position(person: &Person) -> After {
    let p = &person.profile;
    let key = person_key(p.last_name.as_str(), p.first_name.as_str(), p.middle_name.as_ref().map(|m| m.as_str()));
    After { key: SortKey::Text(key), id: person.id.0 }
}

/// Counts of organisations, grouped several ways.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrySummary {
    /// All organisations.
    pub total: u64,
    /// By municipality code (`None`: not given), ordered by code.
    pub by_municipality: Vec<(Option<String>, u64)>,
    /// By legal form code, ordered by code.
    pub by_legal_form: Vec<(String, u64)>,
    /// By activity area code, ordered by code; an organisation counts once in each of its areas.
    pub by_activity_area: Vec<(String, u64)>,
    /// By relationship, ordered by code.
    pub by_relationship: Vec<(RelationshipKind, u64)>,
}

/// What one import batch changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Rows inserted.
    pub inserted: u64,
    /// Rows updated.
    pub updated: u64,
}

/// Stores organisations. Every change carries its audit event, which the store writes in the
/// change's own transaction: a change that is not written leaves no audit row.
#[async_trait]
pub trait OrganizationRepo: Send + Sync {
    /// Stores a new organisation.
    ///
    /// # Errors
    /// MUST return `Conflict(Duplicate(key))` and write nothing when another organisation has the
    /// same ИНН or ОГРН (ИНН is reported when both clash).
    async fn insert(&self, organization: &Organization, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;

    /// Replaces the stored organisation with `organization`, whose `version` is the stored version + 1.
    ///
    /// # Errors
    /// MUST return `Conflict(StaleVersion)` and write nothing when the stored version is not
    /// `organization.version - 1` (or the row is gone), and `Conflict(Duplicate(key))` as `insert` does.
    async fn update(&self, organization: &Organization, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;

    /// The organisation with this id, if any.
    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError<Conflict>>;

    /// The organisations with these ids, in any order; unknown ids are skipped. One query.
    async fn get_many(&self, ids: &[OrganizationId]) -> Result<Vec<Organization>, StoreError<Conflict>>;

    /// Organisations that have any of these ИНН or ОГРН. One query.
    async fn find_by_keys(&self, inns: &[Inn], ogrns: &[Ogrn]) -> Result<Vec<Organization>, StoreError<Conflict>>;

    /// A page of the filtered list in the given order, with the filtered total.
    async fn list(
        &self,
        filter: &OrganizationFilter,
        order: OrganizationOrder,
        page: PageRequest,
    ) -> Result<Page<Organization>, StoreError<Conflict>>;

    /// Counts by municipality, legal form, activity area and relationship.
    async fn summary(&self) -> Result<RegistrySummary, StoreError<Conflict>>;

    /// Writes an import batch atomically: inserts `new` and replaces `changed` (version checked as
    /// in `update`), with the batch's audit rows, in order, in the same transaction (one per
    /// changed organisation, then the batch's own).
    ///
    /// # Errors
    /// MUST write nothing of the batch, its audit rows included, when any row conflicts.
    async fn write_batch(
        &self,
        new: &[Organization],
        changed: &[Organization],
        audit: &[AuditEvent],
    ) -> Result<BatchOutcome, StoreError<Conflict>>;
}

/// Which people a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonFilter {
    /// Text contained in the full name (case and ё/е ignored).
    pub text: Option<String>,
    /// Only people with a membership in this organisation.
    pub organization: Option<OrganizationId>,
    /// With `organization`: only memberships whose period holds this day (current members).
    pub member_on: Option<NaiveDate>,
    /// Text contained in a phone or e-mail (a personal-data filter: the use case refuses it to
    /// callers who may not read contacts).
    pub contact: Option<String>,
    /// Only this person (the record scope of a volunteer).
    pub only: Option<PersonId>,
}

/// Stores people.
#[async_trait]
pub trait PersonRepo: Send + Sync {
    /// Stores a new person.
    async fn insert(&self, person: &Person, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// The person with this id, if any.
    async fn get(&self, id: PersonId) -> Result<Option<Person>, StoreError<Conflict>>;
    /// The people with these ids; unknown ids are skipped. One query.
    async fn get_many(&self, ids: &[PersonId]) -> Result<Vec<Person>, StoreError<Conflict>>;
    /// A page of people sorted by last, first and middle name, then id.
    async fn list(&self, filter: &PersonFilter, page: PageRequest) -> Result<Page<Person>, StoreError<Conflict>>;
}

/// Stores memberships of people in organisations.
#[async_trait]
pub trait MembershipRepo: Send + Sync {
    /// Stores a new membership.
    ///
    /// # Errors
    /// MUST return `Conflict(MissingReference)` when the person or organisation does not exist.
    async fn insert(&self, membership: &Membership, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// The membership with this id, if any.
    async fn get(&self, id: MembershipId) -> Result<Option<Membership>, StoreError<Conflict>>;
    /// Sets the end date of a membership.
    async fn set_end(&self, id: MembershipId, to: NaiveDate, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// Every membership in any of these organisations. One query.
    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Membership>, StoreError<Conflict>>;
    /// Every membership of any of these people. One query.
    async fn of_people(&self, ids: &[PersonId]) -> Result<Vec<Membership>, StoreError<Conflict>>;
    /// Every membership in any of these organisations with its person, oldest first (then by
    /// id): a page's people in one query.
    async fn members_of_organizations(
        &self,
        ids: &[OrganizationId],
    ) -> Result<Vec<(Membership, Person)>, StoreError<Conflict>>;
}

/// Stores coalitions and their members.
#[async_trait]
pub trait CoalitionRepo: Send + Sync {
    /// Stores a new coalition.
    async fn insert(&self, coalition: &Coalition, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// Every coalition, by name then id.
    async fn list(&self) -> Result<Vec<Coalition>, StoreError<Conflict>>;
    /// The coalitions with these ids. One query.
    async fn get_many(&self, ids: &[CoalitionId]) -> Result<Vec<Coalition>, StoreError<Conflict>>;
    /// Stores a new member.
    ///
    /// # Errors
    /// MUST return `Conflict(MissingReference)` when the coalition or organisation does not exist.
    async fn insert_member(&self, member: &CoalitionMember, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// The member record with this id, if any.
    async fn get_member(&self, id: CoalitionMemberId) -> Result<Option<CoalitionMember>, StoreError<Conflict>>;
    /// Sets the end date of a membership.
    async fn set_member_end(
        &self,
        id: CoalitionMemberId,
        to: NaiveDate,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>>;
    /// Members of any of these coalitions. One query.
    async fn members_of(&self, ids: &[CoalitionId]) -> Result<Vec<CoalitionMember>, StoreError<Conflict>>;
    /// Coalition memberships of any of these organisations. One query.
    async fn memberships_of(&self, ids: &[OrganizationId]) -> Result<Vec<CoalitionMember>, StoreError<Conflict>>;
}

/// Stores ties between organisations.
#[async_trait]
pub trait TieRepo: Send + Sync {
    /// Stores a new tie.
    ///
    /// # Errors
    /// MUST return `Conflict(ActiveTie)` when an open-ended tie of the same kind joins the same pair,
    /// and `Conflict(MissingReference)` when an organisation does not exist.
    async fn insert(&self, tie: &Tie, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// The tie with this id, if any.
    async fn get(&self, id: TieId) -> Result<Option<Tie>, StoreError<Conflict>>;
    /// Sets the end date of a tie.
    async fn set_end(&self, id: TieId, to: NaiveDate, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// Every tie with one end in any of these organisations. One query.
    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Tie>, StoreError<Conflict>>;
}

/// Stores the reference lists seeded from the region profile.
#[async_trait]
pub trait ReferenceRepo: Send + Sync {
    /// Every stored term.
    async fn all(&self) -> Result<Vec<Term>, StoreError<Conflict>>;
    /// Inserts or updates these terms by (kind, code), atomically. Terms not given are kept, since
    /// records may still refer to them.
    async fn upsert(&self, terms: &[Term], audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
}
