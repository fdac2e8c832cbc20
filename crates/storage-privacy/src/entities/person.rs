//! The privacy adapter's read-only view of the `people` table (the registry owns it): the root of
//! every subject, of which privacy reads only that it exists, on which legal ground it is held,
//! and whether its names were removed (anonymised).

use sea_orm::entity::prelude::*;

/// A person as privacy sees it: the id, the names (only to tell an anonymised record) and the
/// kind of its legal ground.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub basis_kind: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
