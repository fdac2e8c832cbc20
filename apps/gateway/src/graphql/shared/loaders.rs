//! Batched loads, written once for every domain: whatever the page size, each edge between
//! records costs one read, asked as the request's actor (so a batch passes the same policy and
//! scope as a single read). Loaders are made per request, so nothing cached outlives it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use kernel::Actor;

use super::context::Services;
use super::errors::LoadError;

/// A batched read under way.
pub type Reading<'a, T> = Pin<Box<dyn Future<Output = Result<Vec<T>, LoadError>> + Send + 'a>>;

/// A batched read of a domain: the records for a batch of keys, as the actor may see them.
pub type Read<K, T> = for<'a> fn(&'a Services, &'a Actor, &'a [K]) -> Reading<'a, T>;

/// Boxes a use case's batched read, turning its error into a [`LoadError`].
pub fn reading<'a, T, E: Into<LoadError>>(read: impl Future<Output = Result<Vec<T>, E>> + Send + 'a) -> Reading<'a, T> {
    Box::pin(async move { read.await.map_err(Into::into) })
}

/// Who a request's loaders ask, and as whom.
pub struct Asking {
    /// The use cases.
    pub services: Services,
    /// The request's actor.
    pub actor: Actor,
}

/// Records by their own key: an organisation by its id.
pub struct ById<K, T> {
    asking: Arc<Asking>,
    read: Read<K, T>,
    key: fn(&T) -> K,
}

/// Records listed under every key they name: memberships under their organisation, a tie under
/// both of its ends. Every key asked for gets a list, empty when no record names it.
pub struct Grouped<K, T> {
    asking: Arc<Asking>,
    read: Read<K, T>,
    keys: fn(&T) -> Vec<K>,
}

/// The records listed under one key, shared: a loader's cache, the resolvers and the answer hold
/// the same records, so a page of 100 organisations with 500 people copies none of them.
pub type List<T> = Arc<[Arc<T>]>;

/// A request's loader of records by key.
pub type ByIdLoader<K, T> = DataLoader<ById<K, T>, HashMapCache>;
/// A request's loader of record lists by key.
pub type GroupedLoader<K, T> = DataLoader<Grouped<K, T>, HashMapCache>;

/// Bounds of a loader's key.
pub trait Key: Hash + Eq + Copy + Send + Sync + 'static {}
impl<K: Hash + Eq + Copy + Send + Sync + 'static> Key for K {}

/// Bounds of a loaded record.
pub trait Record: Send + Sync + 'static {}
impl<T: Send + Sync + 'static> Record for T {}

impl<K: Key, T: Record> Loader<K> for ById<K, T> {
    type Value = Arc<T>;
    type Error = LoadError;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Arc<T>>, LoadError> {
        let found = (self.read)(&self.asking.services, &self.asking.actor, keys).await?;
        Ok(found.into_iter().map(|record| ((self.key)(&record), Arc::new(record))).collect())
    }
}

impl<K: Key, T: Record> Loader<K> for Grouped<K, T> {
    type Value = List<T>;
    type Error = LoadError;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, List<T>>, LoadError> {
        let found = (self.read)(&self.asking.services, &self.asking.actor, keys).await?;
        let mut lists: HashMap<K, Vec<Arc<T>>> = keys.iter().map(|key| (*key, Vec::new())).collect();
        for record in found {
            let record = Arc::new(record);
            for key in (self.keys)(&record) {
                if let Some(list) = lists.get_mut(&key) {
                    list.push(record.clone());
                }
            }
        }
        Ok(lists.into_iter().map(|(key, list)| (key, list.into())).collect())
    }
}

/// A loader that caches within its request, so a prefetched batch answers every later lookup.
fn cached<T: Send + Sync + 'static>(loader: T) -> DataLoader<T, HashMapCache> {
    DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
}

/// A loader of records by their own key.
pub fn by_id<K: Key, T: Record>(asking: &Arc<Asking>, read: Read<K, T>, key: fn(&T) -> K) -> ByIdLoader<K, T> {
    cached(ById { asking: asking.clone(), read, key })
}

/// A loader of records listed under every key they name.
pub fn grouped<K: Key, T: Record>(
    asking: &Arc<Asking>,
    read: Read<K, T>,
    keys: fn(&T) -> Vec<K>,
) -> GroupedLoader<K, T> {
    cached(Grouped { asking: asking.clone(), read, keys })
}
