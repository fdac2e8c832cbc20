//! Privacy's own part of anonymising a person: a consent's document reference may carry the name
//! ("Согласие Ивановой"), so it is replaced by `privacy::rules::REMOVED_DOCUMENT`; the row stays
//! as the record of lawful processing. `SqlPrivacy` always runs it, before the domains' hooks.

use async_trait::async_trait;
use kernel::{PersonId, StoreError};
use privacy::rules::REMOVED_DOCUMENT;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::entities::consent;
use storage::PersonalDataHook;
use storage::errors::unavailable;

/// Removes the document references of a person's consents.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConsentDocuments;

#[async_trait]
impl PersonalDataHook for ConsentDocuments {
    fn domain(&self) -> &'static str {
        "privacy"
    }

    async fn anonymise(&self, txn: &DatabaseTransaction, subject: PersonId) -> Result<(), StoreError> {
        consent::Entity::update_many()
            .col_expr(consent::Column::Document, Expr::value(REMOVED_DOCUMENT))
            .filter(consent::Column::PersonId.eq(subject.0))
            .exec(txn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
