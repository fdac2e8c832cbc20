//! Access's part of anonymising a person: an account bound to them (a volunteer's) may carry their
//! name in its login ("ivanova.a"), so it takes `access::rules::credentials::anonymised_login`, is
//! disabled, and its sessions end; the row stays (who did what stays countable in the audit log).

use access::AccountId;
use access::rules::credentials::anonymised_login;
use async_trait::async_trait;
use kernel::{PersonId, StoreError};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::entities::{account, session};
use storage::PersonalDataHook;
use storage::errors::unavailable;

/// Anonymises the accounts bound to a person.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccessPersonalData;

#[async_trait]
impl PersonalDataHook for AccessPersonalData {
    fn domain(&self) -> &'static str {
        "access"
    }

    async fn anonymise(&self, txn: &DatabaseTransaction, subject: PersonId) -> Result<(), StoreError> {
        let bound = account::Entity::find().filter(account::Column::PersonId.eq(subject.0)).all(txn).await;
        for row in bound.map_err(unavailable)? {
            account::Entity::update_many()
                .col_expr(account::Column::Login, Expr::value(anonymised_login(AccountId(row.id))))
                .col_expr(account::Column::Disabled, Expr::value(true))
                .filter(account::Column::Id.eq(row.id))
                .exec(txn)
                .await
                .map_err(unavailable)?;
            session::Entity::delete_many()
                .filter(session::Column::AccountId.eq(row.id))
                .exec(txn)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }
}
