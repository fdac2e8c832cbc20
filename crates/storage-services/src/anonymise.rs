//! The services domain's personal-data hook: anonymising a person rewrites the requests they
//! made, their history notes, the referrals and deliveries about them and the cases grown from
//! their requests by the domain's rule (`services_catalog::rules::anonymise`): ids, dates, states
//! and codes stay, free texts go.

use async_trait::async_trait;
use kernel::{PersonId, StoreError};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use services_catalog::rules::anonymise;
use storage::PersonalDataHook;
use storage::errors::unavailable;

use crate::convert;
use crate::entities::{advocacy_case, delivery, referral, request, request_event};

/// Anonymises the services records about a person.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServicesPersonalData;

fn corrupt(error: StoreError<services_catalog::Conflict>) -> StoreError {
    match error {
        StoreError::Unavailable(source) => StoreError::Unavailable(source),
        other => StoreError::Corrupt(other.to_string()),
    }
}

#[async_trait]
impl PersonalDataHook for ServicesPersonalData {
    fn domain(&self) -> &'static str {
        "services"
    }

    async fn anonymise(&self, txn: &DatabaseTransaction, subject: PersonId) -> Result<(), StoreError> {
        let requests = request::Entity::find()
            .filter(request::Column::PersonId.eq(subject.0))
            .all(txn)
            .await
            .map_err(unavailable)?;
        let mut request_ids = Vec::new();
        for row in requests {
            let (number, seq) = (row.number.clone(), row.number_seq);
            let stored = convert::request_from(row).map_err(corrupt)?;
            request_ids.push(stored.id.0);
            let mut updated = convert::request_row(&anonymise::request(&stored), &number, seq);
            updated.created_at = NotSet;
            request::Entity::update(updated).exec(txn).await.map_err(unavailable)?;
        }
        if !request_ids.is_empty() {
            let events = request_event::Entity::find()
                .filter(request_event::Column::RequestId.is_in(request_ids.clone()))
                .all(txn)
                .await
                .map_err(unavailable)?;
            for row in events.into_iter().filter(|e| e.note.is_some()) {
                let mut updated: request_event::ActiveModel = row.into();
                updated.note = sea_orm::ActiveValue::Set(Some(anonymise::REMOVED.to_owned()));
                request_event::Entity::update(updated).exec(txn).await.map_err(unavailable)?;
            }
            let cases = advocacy_case::Entity::find()
                .filter(advocacy_case::Column::RequestId.is_in(request_ids))
                .all(txn)
                .await
                .map_err(unavailable)?;
            for row in cases {
                let stored = convert::case_from(row).map_err(corrupt)?;
                advocacy_case::Entity::update(convert::case_row(&anonymise::case(&stored)))
                    .exec(txn)
                    .await
                    .map_err(unavailable)?;
            }
        }
        let referrals = referral::Entity::find()
            .filter(referral::Column::PersonId.eq(subject.0))
            .all(txn)
            .await
            .map_err(unavailable)?;
        for row in referrals {
            let stored = convert::referral_from(row).map_err(corrupt)?;
            referral::Entity::update(convert::referral_row(&anonymise::referral(&stored)))
                .exec(txn)
                .await
                .map_err(unavailable)?;
        }
        let deliveries = delivery::Entity::find()
            .filter(delivery::Column::PersonId.eq(subject.0))
            .all(txn)
            .await
            .map_err(unavailable)?;
        for row in deliveries {
            let stored = convert::delivery_from(row).map_err(corrupt)?;
            delivery::Entity::update(convert::delivery_row(&anonymise::delivery(&stored)))
                .exec(txn)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }
}
