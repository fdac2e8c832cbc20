//! Privacy's own part of anonymising a person: a consent's document reference may carry the name
//! ("Согласие Ивановой"), so it is replaced by `privacy::rules::REMOVED_DOCUMENT`; the reason given
//! for extending a subject request (free text sent to the person) by `REMOVED_REASON`. The rows
//! stay as the record of lawful processing. `SqlPrivacy` always runs it, before the domains' hooks.

use async_trait::async_trait;
use kernel::{PersonId, StoreError};
use privacy::rules::{REMOVED_DOCUMENT, REMOVED_REASON};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::entities::{consent, subject_request};
use storage::PersonalDataHook;
use storage::errors::unavailable;

/// Removes the document references of a person's consents and the reasons of their requests'
/// extensions.
#[derive(Clone, Copy, Debug, Default)]
pub struct PrivacyTexts;

#[async_trait]
impl PersonalDataHook for PrivacyTexts {
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
        subject_request::Entity::update_many()
            .col_expr(subject_request::Column::ExtensionReason, Expr::value(REMOVED_REASON))
            .filter(subject_request::Column::PersonId.eq(subject.0))
            .filter(subject_request::Column::ExtensionReason.is_not_null())
            .exec(txn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
