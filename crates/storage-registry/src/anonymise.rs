//! The registry's personal-data hook: anonymising a person rewrites their `people` row by the
//! registry's own rule (`registry::rules::anonymise::anonymised`: no names, contacts or document
//! reference; the id, the legal ground and its dates stay, and memberships are untouched). Part
//! of the registry's adapter.

use async_trait::async_trait;
use kernel::{PersonId, StoreError};
use registry::rules::anonymise::anonymised;
use sea_orm::{ActiveValue::NotSet, DatabaseTransaction, EntityTrait};

use crate::convert;
use crate::entities::person;
use storage::PersonalDataHook;
use storage::errors::unavailable;

/// Anonymises the registry's record of a person.
#[derive(Clone, Copy, Debug, Default)]
pub struct RegistryPersonalData;

#[async_trait]
impl PersonalDataHook for RegistryPersonalData {
    fn domain(&self) -> &'static str {
        "registry"
    }

    async fn anonymise(&self, txn: &DatabaseTransaction, subject: PersonId) -> Result<(), StoreError> {
        let Some(row) = person::Entity::find_by_id(subject.0).one(txn).await.map_err(unavailable)? else {
            return Ok(());
        };
        let stored = convert::person_from(row).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut row = convert::person_row(&anonymised(&stored));
        row.created_at = NotSet;
        person::Entity::update(row).exec(txn).await.map_err(unavailable)?;
        Ok(())
    }
}
