//! DataLoaders for every cross-entity edge: whatever the page size, each edge costs one query.
//! They are made per request, so nothing cached outlives the request.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use kernel::Actor;
use privacy::Privacy;
use registry::model::{
    Coalition, CoalitionId, CoalitionMember, Membership, Organization, OrganizationId, Person, PersonId, Tie,
};
use registry::service::{PersonContacts, PublicPerson};
use registry::{Registry, RegistryError};

/// The registry and the actor a request's loaders ask it for: every batch passes the same
/// policy and scope as a single read.
#[derive(Clone)]
pub struct Asking {
    /// The registry.
    pub registry: Arc<Registry>,
    /// Who asks.
    pub actor: Actor,
}

/// People's contacts by person (reads of personal data, recorded in the audit log).
pub struct ContactsByPerson(pub Asking);

/// The public cards of organisations' people, by organisation: current members with a
/// distribution consent covering their name, showing only the consented categories.
pub struct PublicContactsByOrganization(pub Asking, pub Arc<Privacy>);

/// A loader failure, shared by every key of the failed batch.
pub type LoadError = Arc<RegistryError>;

/// Organisations by id.
pub struct OrganizationsById(pub Asking);
/// People by id.
pub struct PeopleById(pub Asking);
/// Coalitions by id.
pub struct CoalitionsById(pub Asking);
/// Memberships of people, keyed by organisation.
pub struct MembershipsByOrganization(pub Asking);
/// Memberships in organisations, keyed by person.
pub struct MembershipsByPerson(pub Asking);
/// Ties, keyed by each organisation at either end.
pub struct TiesByOrganization(pub Asking);
/// Coalition memberships, keyed by organisation.
pub struct CoalitionsByOrganization(pub Asking);
/// Coalition members, keyed by coalition.
pub struct MembersByCoalition(pub Asking);

fn by_id<K: std::hash::Hash + Eq, V>(items: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    items.into_iter().map(|v| (key(&v), v)).collect()
}

fn grouped<K: std::hash::Hash + Eq + Copy, V: Clone>(
    keys: &[K],
    items: Vec<V>,
    key_of: impl Fn(&V) -> Vec<K>,
) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for item in items {
        for key in key_of(&item) {
            if let Some(list) = map.get_mut(&key) {
                list.push(item.clone());
            }
        }
    }
    map
}

impl Loader<OrganizationId> for OrganizationsById {
    type Value = Organization;
    type Error = LoadError;

    async fn load(&self, keys: &[OrganizationId]) -> Result<HashMap<OrganizationId, Organization>, LoadError> {
        Ok(by_id(self.0.registry.organizations_by_ids(&self.0.actor, keys).await.map_err(Arc::new)?, |o| o.id))
    }
}

impl Loader<PersonId> for PeopleById {
    type Value = Person;
    type Error = LoadError;

    async fn load(&self, keys: &[PersonId]) -> Result<HashMap<PersonId, Person>, LoadError> {
        Ok(by_id(self.0.registry.people_by_ids(&self.0.actor, keys).await.map_err(Arc::new)?, |p| p.id))
    }
}

impl Loader<CoalitionId> for CoalitionsById {
    type Value = Coalition;
    type Error = LoadError;

    async fn load(&self, keys: &[CoalitionId]) -> Result<HashMap<CoalitionId, Coalition>, LoadError> {
        Ok(by_id(self.0.registry.coalitions_by_ids(&self.0.actor, keys).await.map_err(Arc::new)?, |c| c.id))
    }
}

impl Loader<OrganizationId> for MembershipsByOrganization {
    type Value = Vec<Membership>;
    type Error = LoadError;

    async fn load(&self, keys: &[OrganizationId]) -> Result<HashMap<OrganizationId, Vec<Membership>>, LoadError> {
        let items = self.0.registry.memberships_of_organizations(&self.0.actor, keys).await.map_err(Arc::new)?;
        Ok(grouped(keys, items, |m| vec![m.organization]))
    }
}

impl Loader<PersonId> for MembershipsByPerson {
    type Value = Vec<Membership>;
    type Error = LoadError;

    async fn load(&self, keys: &[PersonId]) -> Result<HashMap<PersonId, Vec<Membership>>, LoadError> {
        let items = self.0.registry.memberships_of_people(&self.0.actor, keys).await.map_err(Arc::new)?;
        Ok(grouped(keys, items, |m| vec![m.person]))
    }
}

impl Loader<OrganizationId> for TiesByOrganization {
    type Value = Vec<Tie>;
    type Error = LoadError;

    async fn load(&self, keys: &[OrganizationId]) -> Result<HashMap<OrganizationId, Vec<Tie>>, LoadError> {
        let items = self.0.registry.ties_of(&self.0.actor, keys).await.map_err(Arc::new)?;
        Ok(grouped(keys, items, |t| vec![t.pair().0, t.pair().1]))
    }
}

impl Loader<OrganizationId> for CoalitionsByOrganization {
    type Value = Vec<CoalitionMember>;
    type Error = LoadError;

    async fn load(&self, keys: &[OrganizationId]) -> Result<HashMap<OrganizationId, Vec<CoalitionMember>>, LoadError> {
        let items = self.0.registry.coalition_memberships_of(&self.0.actor, keys).await.map_err(Arc::new)?;
        Ok(grouped(keys, items, |m| vec![m.organization]))
    }
}

impl Loader<CoalitionId> for MembersByCoalition {
    type Value = Vec<CoalitionMember>;
    type Error = LoadError;

    async fn load(&self, keys: &[CoalitionId]) -> Result<HashMap<CoalitionId, Vec<CoalitionMember>>, LoadError> {
        let items = self.0.registry.members_of_coalitions(&self.0.actor, keys).await.map_err(Arc::new)?;
        Ok(grouped(keys, items, |m| vec![m.coalition]))
    }
}

impl Loader<PersonId> for ContactsByPerson {
    type Value = PersonContacts;
    type Error = LoadError;

    async fn load(&self, keys: &[PersonId]) -> Result<HashMap<PersonId, PersonContacts>, LoadError> {
        Ok(by_id(self.0.registry.personal_data(&self.0.actor, keys).await.map_err(Arc::new)?, |c| c.person))
    }
}

impl Loader<OrganizationId> for PublicContactsByOrganization {
    type Value = Vec<PublicPerson>;
    type Error = LoadError;

    async fn load(&self, keys: &[OrganizationId]) -> Result<HashMap<OrganizationId, Vec<PublicPerson>>, LoadError> {
        let Self(asking, privacy) = self;
        let members = asking.registry.directory_members(&asking.actor, keys).await.map_err(Arc::new)?;
        let consented = privacy.publishable(&members).await.map_err(|e| {
            Arc::new(match e {
                privacy::PrivacyError::Gate(gate) => RegistryError::Gate(gate),
                privacy::PrivacyError::Store(store) => RegistryError::Store(store.widen()),
                other => RegistryError::Store(kernel::StoreError::Corrupt(other.to_string())),
            })
        })?;
        let cards = asking.registry.directory_people(&asking.actor, keys, &consented).await.map_err(Arc::new)?;
        let mut by_org: HashMap<OrganizationId, Vec<PublicPerson>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (org, card) in cards {
            by_org.entry(org).or_default().push(card);
        }
        Ok(by_org)
    }
}

/// Every loader of one request.
pub struct Loaders {
    /// Organisations by id.
    pub organizations: DataLoader<OrganizationsById, HashMapCache>,
    /// People by id.
    pub people: DataLoader<PeopleById, HashMapCache>,
    /// Coalitions by id.
    pub coalitions: DataLoader<CoalitionsById, HashMapCache>,
    /// Memberships by organisation.
    pub memberships_by_organization: DataLoader<MembershipsByOrganization, HashMapCache>,
    /// Memberships by person.
    pub memberships_by_person: DataLoader<MembershipsByPerson, HashMapCache>,
    /// Ties by organisation.
    pub ties: DataLoader<TiesByOrganization, HashMapCache>,
    /// Coalition memberships by organisation.
    pub coalitions_by_organization: DataLoader<CoalitionsByOrganization, HashMapCache>,
    /// Coalition members by coalition.
    pub members_by_coalition: DataLoader<MembersByCoalition, HashMapCache>,
    /// Contacts by person.
    pub contacts: DataLoader<ContactsByPerson, HashMapCache>,
    /// Public cards of people by organisation.
    pub public_contacts: DataLoader<PublicContactsByOrganization, HashMapCache>,
}

/// A loader that caches within its request, so a prefetched batch answers every later lookup.
fn cached<T: Send + Sync + 'static>(loader: T) -> DataLoader<T, HashMapCache> {
    DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
}

impl Loaders {
    /// Fresh loaders for one request.
    pub fn new(registry: &Arc<Registry>, privacy: &Arc<Privacy>, actor: &Actor) -> Self {
        let r = || Asking { registry: registry.clone(), actor: actor.clone() };
        Self {
            organizations: cached(OrganizationsById(r())),
            people: cached(PeopleById(r())),
            coalitions: cached(CoalitionsById(r())),
            memberships_by_organization: cached(MembershipsByOrganization(r())),
            memberships_by_person: cached(MembershipsByPerson(r())),
            ties: cached(TiesByOrganization(r())),
            coalitions_by_organization: cached(CoalitionsByOrganization(r())),
            members_by_coalition: cached(MembersByCoalition(r())),
            contacts: cached(ContactsByPerson(r())),
            public_contacts: cached(PublicContactsByOrganization(r(), privacy.clone())),
        }
    }
}
