//! The registry's ports on sea-orm: one `SqlRegistry` implements them all over one pool.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use audit::AuditEvent;
use chrono::NaiveDate;
use kernel::StoreError;
use kernel::{After, Page, PageRequest, SortKey, Term};
use registry::model::{
    Coalition, CoalitionId, CoalitionMember, CoalitionMemberId, Inn, Membership, MembershipId, Ogrn, Organization,
    OrganizationId, Person, PersonId, RelationshipKind, Tie, TieId,
};
use registry::ports::{
    BatchOutcome, CoalitionRepo, MembershipRepo, OrganizationFilter, OrganizationOrder, OrganizationRepo, PersonFilter,
    PersonRepo, ReferenceRepo, RegistrySummary, TieRepo, created_key,
};
use registry::rules::names::name_key;
use registry::{Conflict, RegistryPorts};
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, OnConflict, Query, SimpleExpr, Value};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, RuntimeErr, Select,
};

use storage::{
    Backend, ByPosition, Database, all_by_position, columns_of, commit_audited, contains, page_by_position, raw_audit,
};

use crate::convert::{self, json_item};
use crate::entities::{coalition, coalition_member, membership, organization, person, reference_term, tie};
use crate::errors::repo_error;

/// Rows per multi-row INSERT: 29 columns x 1000 stays under both databases' parameter limits.
const INSERT_CHUNK: usize = 1000;

/// Every registry port on one database.
#[derive(Clone)]
pub struct SqlRegistry {
    db: Database,
}

impl SqlRegistry {
    /// The stores over this database.
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// The ports, all backed by this database.
    pub fn ports(&self) -> RegistryPorts {
        RegistryPorts::over(self.clone())
    }

    fn conn(&self) -> &sea_orm::DatabaseConnection {
        self.db.connection()
    }

    /// `column` is one of `values`, as this database says it ([`storage::one_of`]).
    fn one_of<V>(&self, column: impl IntoColumnRef, values: Vec<V>) -> SimpleExpr
    where
        V: Into<Value>,
        Vec<V>: Into<Value>,
    {
        storage::one_of(self.db.backend(), column, values)
    }

    /// The rows of `select`, read by position and re-validated into domain values by `convert`.
    async fn read<E, T>(
        &self,
        select: Select<E>,
        convert: impl Fn(E::Model) -> Result<T, StoreError<Conflict>>,
    ) -> Result<Vec<T>, StoreError<Conflict>>
    where
        E: EntityTrait<Model: ByPosition>,
    {
        all(all_by_position(select, self.conn()).await.map_err(repo_error)?, convert)
    }

    /// The count of the filtered list, when the page asked for it.
    async fn count_if<E>(&self, page: &PageRequest, select: &Select<E>) -> Result<Option<u64>, StoreError<Conflict>>
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        storage::count_if(page, select, self.conn()).await.map_err(repo_error)
    }

    /// Bytewise order on both databases (PostgreSQL's default collation depends on the locale).
    fn sort_expr(&self, column: &str) -> Expr {
        storage::bytewise(self.db.backend(), column)
    }
}

/// The rows after `after` in an order by `key` and then `id`: `(key, id) > (k, i)`, or `<` when
/// the order runs down. One row comparison, which the index on `(key, id)` serves on both
/// databases (on PostgreSQL the index is declared with the `COLLATE "C"` of the sort expression).
fn after_condition(key: Expr, id: impl IntoColumnRef, after: &After, descending: bool) -> Expr {
    let value: sea_orm::Value = match &after.key {
        SortKey::Text(text) => text.clone().into(),
        SortKey::Number(nanos) => chrono::DateTime::from_timestamp_nanos(*nanos).into(),
    };
    let left = Expr::tuple([key, Expr::col(id)]);
    let right = Expr::tuple([Expr::val(value), Expr::val(after.id)]);
    if descending { left.lt(right) } else { left.gt(right) }
}

fn uuids<T>(ids: &[T], id: impl Fn(&T) -> uuid::Uuid) -> Vec<uuid::Uuid> {
    ids.iter().map(id).collect()
}

fn all<T, R>(
    rows: Vec<R>,
    convert: impl Fn(R) -> Result<T, StoreError<Conflict>>,
) -> Result<Vec<T>, StoreError<Conflict>> {
    rows.into_iter().map(convert).collect()
}

fn organization_condition(filter: &OrganizationFilter) -> Condition {
    use organization::Column as C;
    let mut condition = Condition::all();
    if let Some(text) = filter.text.as_deref().map(name_key).filter(|t| !t.is_empty()) {
        condition = condition.add(C::SearchKey.like(contains(&text)));
    }
    if let Some(inn) = &filter.inn {
        condition = condition.add(C::Inn.eq(inn.to_string()));
    }
    if let Some(ogrn) = &filter.ogrn {
        condition = condition.add(C::Ogrn.eq(ogrn.to_string()));
    }
    if let Some(code) = &filter.municipality {
        condition = condition.add(C::Municipality.eq(code.to_string()));
    }
    if let Some(code) = &filter.legal_form {
        condition = condition.add(C::LegalForm.eq(code.to_string()));
    }
    if let Some(code) = &filter.activity_area {
        condition = condition.add(C::ActivityAreas.like(contains(&json_item(code.as_str()))));
    }
    if let Some(code) = &filter.target_group {
        condition = condition.add(C::TargetGroups.like(contains(&json_item(code.as_str()))));
    }
    if let Some(status) = filter.status {
        condition = condition.add(C::Status.eq(status.code()));
    }
    if let Some(kind) = filter.relationship {
        condition = condition.add(C::Relationship.eq(kind.code()));
    }
    if let Some(id) = filter.only {
        condition = condition.add(C::Id.eq(id.0));
    }
    condition
}

/// Memberships and coalition members are listed oldest first, ties broken by id.
const MEMBERSHIP_ORDER: [membership::Column; 2] = [membership::Column::ValidFrom, membership::Column::Id];
const MEMBER_ORDER: [coalition_member::Column; 2] = [coalition_member::Column::ValidFrom, coalition_member::Column::Id];

impl SqlRegistry {
    /// Rows of a dated table whose `column` is one of `ids`, in the given order. One query.
    async fn periods_where_in<E: EntityTrait<Model: ByPosition>>(
        &self,
        column: E::Column,
        ids: Vec<uuid::Uuid>,
        order: [E::Column; 2],
    ) -> Result<Vec<E::Model>, StoreError<Conflict>> {
        let select =
            E::find().filter(self.one_of(column, ids)).order_by(order[0], Order::Asc).order_by(order[1], Order::Asc);
        all_by_position(select, self.conn()).await.map_err(repo_error)
    }

    /// Sets the end date (`valid_to`) of one row of a dated table.
    async fn set_valid_to<E: EntityTrait>(
        &self,
        id_column: E::Column,
        valid_to: E::Column,
        id: uuid::Uuid,
        to: NaiveDate,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>> {
        let txn = self.begin().await?;
        E::update_many()
            .col_expr(valid_to, Expr::value(to))
            .filter(id_column.eq(id))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        self.commit_with(txn, audit).await
    }

    /// Opens a transaction for a change.
    async fn begin(&self) -> Result<DatabaseTransaction, StoreError<Conflict>> {
        self.db.begin_write().await.map_err(repo_error)
    }

    /// Appends the change's audit row and commits: the change and its row land together or not at all.
    async fn commit_with(&self, txn: DatabaseTransaction, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        commit_audited(txn, &self.db, audit).await.map_err(repo_error)
    }

    /// Inserts one row and its audit row in one transaction.
    async fn insert_audited<A>(
        &self,
        insert: sea_orm::Insert<A>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>>
    where
        A: sea_orm::ActiveModelTrait,
    {
        let txn = self.begin().await?;
        insert.exec_without_returning(&txn).await.map_err(repo_error)?;
        self.commit_with(txn, audit).await
    }

    async fn insert_organizations<C: ConnectionTrait>(
        &self,
        conn: &C,
        new: &[Organization],
    ) -> Result<(), StoreError<Conflict>> {
        for chunk in new.chunks(INSERT_CHUNK) {
            organization::Entity::insert_many(chunk.iter().map(convert::organization_row))
                .exec_without_returning(conn)
                .await
                .map_err(repo_error)?;
        }
        Ok(())
    }

    async fn update_organization<C: ConnectionTrait>(
        &self,
        conn: &C,
        org: &Organization,
    ) -> Result<(), StoreError<Conflict>> {
        let mut row = convert::organization_row(org);
        row.id = sea_orm::ActiveValue::NotSet;
        row.created_at = sea_orm::ActiveValue::NotSet;
        let result = organization::Entity::update_many()
            .set(row)
            .filter(organization::Column::Id.eq(org.id.0))
            .filter(organization::Column::Version.eq(org.version - 1))
            .exec(conn)
            .await
            .map_err(repo_error)?;
        if result.rows_affected == 1 { Ok(()) } else { Err(StoreError::Conflict(Conflict::StaleVersion)) }
    }
}

#[async_trait]
impl OrganizationRepo for SqlRegistry {
    async fn insert(&self, org: &Organization, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let txn = self.begin().await?;
        self.insert_organizations(&txn, std::slice::from_ref(org)).await?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, org: &Organization, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        let txn = self.begin().await?;
        self.update_organization(&txn, org).await?;
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError<Conflict>> {
        let row = organization::Entity::find_by_id(id.0).one(self.conn()).await.map_err(repo_error)?;
        row.map(convert::organization_from).transpose()
    }

    async fn get_many(&self, ids: &[OrganizationId]) -> Result<Vec<Organization>, StoreError<Conflict>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(
            organization::Entity::find().filter(self.one_of(organization::Column::Id, uuids(ids, |id| id.0))),
            convert::organization_from,
        )
        .await
    }

    async fn find_by_keys(&self, inns: &[Inn], ogrns: &[Ogrn]) -> Result<Vec<Organization>, StoreError<Conflict>> {
        if inns.is_empty() && ogrns.is_empty() {
            return Ok(Vec::new());
        }
        // One query, two array parameters: PostgreSQL's plan uses both unique indexes for the OR
        // (a bitmap OR), whatever the batch's size.
        let condition = Condition::any()
            .add(self.one_of(organization::Column::Inn, inns.iter().map(ToString::to_string).collect()))
            .add(self.one_of(organization::Column::Ogrn, ogrns.iter().map(ToString::to_string).collect()));
        self.read(organization::Entity::find().filter(condition), convert::organization_from).await
    }

    async fn list(
        &self,
        filter: &OrganizationFilter,
        order: OrganizationOrder,
        page: PageRequest,
    ) -> Result<Page<Organization>, StoreError<Conflict>> {
        use organization::Column as C;
        let base = organization::Entity::find().filter(organization_condition(filter));
        let total = self.count_if(&page, &base).await?;
        let by_name = matches!(order, OrganizationOrder::NameAsc | OrganizationOrder::NameDesc);
        let key = if by_name { self.sort_expr("sort_key") } else { Expr::col(C::CreatedAt) };
        let direction = if order.descending() { Order::Desc } else { Order::Asc };
        let mut query = base.order_by(key.clone(), direction.clone()).order_by(C::Id, direction);
        if let Some(after) = &page.after {
            query = query.filter(after_condition(key, C::Id, after, order.descending()));
        }
        let rows = page_by_position(query, page.limit(), self.conn()).await.map_err(repo_error)?;
        let positioned = rows
            .into_iter()
            .map(|row| {
                let key = if by_name {
                    SortKey::Text(row.sort_key.clone())
                } else {
                    SortKey::Number(created_key(row.created_at))
                };
                let at = After { key, id: row.id };
                convert::organization_from(row).map(|o| (o, at))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(positioned, &page, total))
    }

    async fn summary(&self) -> Result<RegistrySummary, StoreError<Conflict>> {
        use organization::Column as C;
        let conn = self.conn();
        let grouped = |column: C| {
            organization::Entity::find()
                .select_only()
                .column(column)
                .column_as(Expr::col(C::Id).count(), "n")
                .group_by(column)
                .order_by(column, Order::Asc)
        };
        let by_municipality: Vec<(Option<String>, i64)> =
            grouped(C::Municipality).into_tuple().all(conn).await.map_err(repo_error)?;
        let by_legal_form: Vec<(String, i64)> =
            grouped(C::LegalForm).into_tuple().all(conn).await.map_err(repo_error)?;
        let by_relationship: Vec<(String, i64)> =
            grouped(C::Relationship).into_tuple().all(conn).await.map_err(repo_error)?;
        let areas: Vec<String> = organization::Entity::find()
            .select_only()
            .column(C::ActivityAreas)
            .into_tuple()
            .all(conn)
            .await
            .map_err(repo_error)?;
        let mut by_area: BTreeMap<String, u64> = BTreeMap::new();
        for list in &areas {
            let codes: Vec<String> = serde_json::from_str(list).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            for code in codes {
                *by_area.entry(code).or_default() += 1;
            }
        }
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        let mut by_municipality: Vec<(Option<String>, u64)> =
            by_municipality.into_iter().map(|(k, n)| (k, count(n))).collect();
        by_municipality.sort();
        let mut by_legal_form: Vec<(String, u64)> = by_legal_form.into_iter().map(|(k, n)| (k, count(n))).collect();
        by_legal_form.sort();
        let mut by_relationship = by_relationship
            .into_iter()
            .map(|(k, n)| match RelationshipKind::parse(&k) {
                Some(kind) => Ok((kind, count(n))),
                None => Err(StoreError::Corrupt(format!("organizations.relationship: {k}"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        by_relationship.sort_by_key(|(k, _)| k.code());
        Ok(RegistrySummary {
            total: areas.len() as u64,
            by_municipality,
            by_legal_form,
            by_activity_area: by_area.into_iter().collect(),
            by_relationship,
        })
    }

    async fn write_batch(
        &self,
        new: &[Organization],
        changed: &[Organization],
        audit: &[AuditEvent],
    ) -> Result<BatchOutcome, StoreError<Conflict>> {
        if changed.is_empty() {
            match self.db.backend() {
                Backend::Postgres => self.copy_organizations(new, audit).await?,
                Backend::Sqlite => self.bulk_insert_sqlite(new, audit).await?,
            }
        } else {
            let txn = self.begin().await?;
            for org in changed {
                self.update_organization(&txn, org).await?;
            }
            self.insert_organizations(&txn, new).await?;
            storage::commit_audited_all(txn, &self.db, audit).await.map_err(repo_error)?;
        }
        Ok(BatchOutcome { inserted: new.len() as u64, updated: changed.len() as u64 })
    }
}

impl SqlRegistry {
    /// Inserts new organisations with PostgreSQL's COPY in one transaction: the bulk path of
    /// imports, several times faster than multi-row INSERTs. Constraint violations are reported
    /// exactly as `insert` reports them.
    async fn copy_organizations(&self, new: &[Organization], audit: &[AuditEvent]) -> Result<(), StoreError<Conflict>> {
        if new.is_empty() {
            return Ok(());
        }
        let mut data = String::with_capacity(new.len() * 512);
        for org in new {
            convert::organization_copy_line(org, &mut data);
        }
        let pool = self.conn().get_postgres_connection_pool();
        let mut tx = pool.begin().await.map_err(sqlx_error)?;
        let statement = format!("COPY organizations ({}) FROM STDIN", convert::COPY_COLUMNS);
        let mut copy = tx.copy_in_raw(&statement).await.map_err(sqlx_error)?;
        copy.send(data.as_bytes()).await.map_err(sqlx_error)?;
        copy.finish().await.map_err(sqlx_error)?;
        for event in audit {
            raw_audit::append_postgres(&mut tx, &self.db, event).await.map_err(sqlx_error)?;
        }
        tx.commit().await.map_err(sqlx_error)?;
        self.db.count_statements(1);
        Ok(())
    }

    /// Inserts new organisations on SQLite in one transaction with multi-row INSERTs bound
    /// directly through sqlx: the bulk path of imports, skipping sea-orm's statement building,
    /// which cost as much as SQLite's own work. Constraint violations are reported exactly as
    /// `insert` reports them.
    async fn bulk_insert_sqlite(&self, new: &[Organization], audit: &[AuditEvent]) -> Result<(), StoreError<Conflict>> {
        if new.is_empty() {
            return Ok(());
        }
        let pool = self.conn().get_sqlite_connection_pool();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(sqlx_error)?;
        for chunk in new.chunks(INSERT_CHUNK) {
            let rows: Vec<organization::Model> = chunk.iter().map(convert::organization_model).collect();
            // Building a 29,000-placeholder statement costs milliseconds: the full-size one is
            // built once per process, only a last, shorter chunk is built anew.
            static FULL_CHUNK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let shorter;
            let statement = if rows.len() == INSERT_CHUNK {
                FULL_CHUNK.get_or_init(|| convert::organization_insert_statement(INSERT_CHUNK))
            } else {
                shorter = convert::organization_insert_statement(rows.len());
                &shorter
            };
            let mut query = sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(statement.as_str()));
            for row in &rows {
                query = convert::bind_organization(query, row);
            }
            query.execute(&mut *tx).await.map_err(sqlx_error)?;
        }
        for event in audit {
            raw_audit::append_sqlite(&mut tx, &self.db, event).await.map_err(sqlx_error)?;
        }
        tx.commit().await.map_err(sqlx_error)?;
        self.db.count_statements(new.len().div_ceil(INSERT_CHUNK) as u64);
        Ok(())
    }
}

/// An error of a statement run through sqlx directly, mapped as sea-orm's would be.
fn sqlx_error(e: sea_orm::sqlx::Error) -> StoreError<Conflict> {
    repo_error(DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e))))
}

#[async_trait]
impl PersonRepo for SqlRegistry {
    async fn insert(&self, person: &Person, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        self.insert_audited(person::Entity::insert(convert::person_row(person)), audit).await
    }

    async fn get(&self, id: PersonId) -> Result<Option<Person>, StoreError<Conflict>> {
        let row = person::Entity::find_by_id(id.0).one(self.conn()).await.map_err(repo_error)?;
        row.map(convert::person_from).transpose()
    }

    async fn get_many(&self, ids: &[PersonId]) -> Result<Vec<Person>, StoreError<Conflict>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(
            person::Entity::find().filter(self.one_of(person::Column::Id, uuids(ids, |id| id.0))),
            convert::person_from,
        )
        .await
    }

    async fn list(&self, filter: &PersonFilter, page: PageRequest) -> Result<Page<Person>, StoreError<Conflict>> {
        let mut query = person::Entity::find();
        if let Some(text) = filter.text.as_deref().map(name_key).filter(|t| !t.is_empty()) {
            query = query.filter(person::Column::SearchKey.like(contains(&text)));
        }
        if let Some(org) = filter.organization {
            let mut members = Query::select()
                .column(membership::Column::PersonId)
                .from(membership::Entity)
                .and_where(Expr::col(membership::Column::OrganizationId).eq(org.0))
                .to_owned();
            if let Some(day) = filter.member_on {
                members.and_where(Expr::col(membership::Column::ValidFrom).lte(day)).cond_where(
                    Condition::any()
                        .add(Expr::col(membership::Column::ValidTo).is_null())
                        .add(Expr::col(membership::Column::ValidTo).gte(day)),
                );
            }
            query = query.filter(person::Column::Id.in_subquery(members));
        }
        if let Some(id) = filter.only {
            query = query.filter(person::Column::Id.eq(id.0));
        }
        if let Some(contact) = filter.contact.as_deref().map(str::to_lowercase).filter(|c| !c.is_empty()) {
            query = query.filter(
                Condition::any()
                    .add(person::Column::Phones.like(contains(&contact)))
                    .add(person::Column::Emails.like(contains(&contact))),
            );
        }
        let total = self.count_if(&page, &query).await?;
        let key = self.sort_expr("search_key");
        if let Some(after) = &page.after {
            query = query.filter(after_condition(key.clone(), person::Column::Id, after, false));
        }
        let rows = page_by_position(
            query.order_by(key, Order::Asc).order_by(person::Column::Id, Order::Asc),
            page.limit(),
            self.conn(),
        )
        .await
        .map_err(repo_error)?;
        let positioned = rows
            .into_iter()
            .map(|row| {
                let at = After { key: SortKey::Text(row.search_key.clone()), id: row.id };
                convert::person_from(row).map(|p| (p, at))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(positioned, &page, total))
    }
}

#[async_trait]
impl MembershipRepo for SqlRegistry {
    async fn insert(&self, m: &Membership, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        self.insert_audited(membership::Entity::insert(convert::membership_row(m)), audit).await
    }

    async fn get(&self, id: MembershipId) -> Result<Option<Membership>, StoreError<Conflict>> {
        let row = membership::Entity::find_by_id(id.0).one(self.conn()).await.map_err(repo_error)?;
        row.map(convert::membership_from).transpose()
    }

    async fn set_end(&self, id: MembershipId, to: NaiveDate, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        self.set_valid_to::<membership::Entity>(membership::Column::Id, membership::Column::ValidTo, id.0, to, audit)
            .await
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Membership>, StoreError<Conflict>> {
        let column = membership::Column::OrganizationId;
        let rows = self.periods_where_in::<membership::Entity>(column, uuids(ids, |id| id.0), MEMBERSHIP_ORDER).await?;
        all(rows, convert::membership_from)
    }

    async fn of_people(&self, ids: &[PersonId]) -> Result<Vec<Membership>, StoreError<Conflict>> {
        let column = membership::Column::PersonId;
        let rows = self.periods_where_in::<membership::Entity>(column, uuids(ids, |id| id.0), MEMBERSHIP_ORDER).await?;
        all(rows, convert::membership_from)
    }

    async fn members_of_organizations(
        &self,
        ids: &[OrganizationId],
    ) -> Result<Vec<(Membership, Person)>, StoreError<Conflict>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        use membership::Column as M;
        let select = Query::select()
            .exprs(columns_of::<membership::Entity>())
            .exprs(columns_of::<person::Entity>())
            .from(membership::Entity)
            .inner_join(
                person::Entity,
                Expr::col((person::Entity, person::Column::Id)).equals((membership::Entity, M::PersonId)),
            )
            .and_where(self.one_of((membership::Entity, M::OrganizationId), uuids(ids, |id| id.0)))
            .order_by((membership::Entity, M::ValidFrom), Order::Asc)
            .order_by((membership::Entity, M::Id), Order::Asc)
            .to_owned();
        let conn = self.conn();
        let rows = conn.query_all_raw(conn.get_database_backend().build(&select)).await.map_err(repo_error)?;
        rows.iter()
            .map(|row| {
                let at = &mut 0;
                let membership = membership::Model::decode(row, at).map_err(repo_error)?;
                let person = person::Model::decode(row, at).map_err(repo_error)?;
                Ok((convert::membership_from(membership)?, convert::person_from(person)?))
            })
            .collect()
    }
}

#[async_trait]
impl CoalitionRepo for SqlRegistry {
    async fn insert(&self, c: &Coalition, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        self.insert_audited(coalition::Entity::insert(convert::coalition_row(c)), audit).await
    }

    async fn list(&self) -> Result<Vec<Coalition>, StoreError<Conflict>> {
        self.read(
            coalition::Entity::find()
                .order_by(self.sort_expr("sort_key"), Order::Asc)
                .order_by(coalition::Column::Id, Order::Asc),
            convert::coalition_from,
        )
        .await
    }

    async fn get_many(&self, ids: &[CoalitionId]) -> Result<Vec<Coalition>, StoreError<Conflict>> {
        self.read(
            coalition::Entity::find().filter(self.one_of(coalition::Column::Id, uuids(ids, |id| id.0))),
            convert::coalition_from,
        )
        .await
    }

    async fn insert_member(&self, m: &CoalitionMember, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        self.insert_audited(coalition_member::Entity::insert(convert::coalition_member_row(m)), audit).await
    }

    async fn get_member(&self, id: CoalitionMemberId) -> Result<Option<CoalitionMember>, StoreError<Conflict>> {
        let row = coalition_member::Entity::find_by_id(id.0).one(self.conn()).await.map_err(repo_error)?;
        row.map(convert::coalition_member_from).transpose()
    }

    async fn set_member_end(
        &self,
        id: CoalitionMemberId,
        to: NaiveDate,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>> {
        let (id_column, valid_to) = (coalition_member::Column::Id, coalition_member::Column::ValidTo);
        self.set_valid_to::<coalition_member::Entity>(id_column, valid_to, id.0, to, audit).await
    }

    async fn members_of(&self, ids: &[CoalitionId]) -> Result<Vec<CoalitionMember>, StoreError<Conflict>> {
        let column = coalition_member::Column::CoalitionId;
        let rows =
            self.periods_where_in::<coalition_member::Entity>(column, uuids(ids, |id| id.0), MEMBER_ORDER).await?;
        all(rows, convert::coalition_member_from)
    }

    async fn memberships_of(&self, ids: &[OrganizationId]) -> Result<Vec<CoalitionMember>, StoreError<Conflict>> {
        let column = coalition_member::Column::OrganizationId;
        let rows =
            self.periods_where_in::<coalition_member::Entity>(column, uuids(ids, |id| id.0), MEMBER_ORDER).await?;
        all(rows, convert::coalition_member_from)
    }
}

#[async_trait]
impl TieRepo for SqlRegistry {
    async fn insert(&self, t: &Tie, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        self.insert_audited(tie::Entity::insert(convert::tie_row(t)), audit).await
    }

    async fn get(&self, id: TieId) -> Result<Option<Tie>, StoreError<Conflict>> {
        let row = tie::Entity::find_by_id(id.0).one(self.conn()).await.map_err(repo_error)?;
        row.map(convert::tie_from).transpose()
    }

    async fn set_end(&self, id: TieId, to: NaiveDate, audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        self.set_valid_to::<tie::Entity>(tie::Column::Id, tie::Column::ValidTo, id.0, to, audit).await
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Tie>, StoreError<Conflict>> {
        let ids = uuids(ids, |id| id.0);
        self.read(
            tie::Entity::find()
                .filter(
                    Condition::any()
                        .add(self.one_of(tie::Column::OrganizationA, ids.clone()))
                        .add(self.one_of(tie::Column::OrganizationB, ids)),
                )
                .order_by(tie::Column::ValidFrom, Order::Asc)
                .order_by(tie::Column::Id, Order::Asc),
            convert::tie_from,
        )
        .await
    }
}

#[async_trait]
impl ReferenceRepo for SqlRegistry {
    async fn all(&self) -> Result<Vec<Term>, StoreError<Conflict>> {
        let rows = reference_term::Entity::find()
            .order_by(reference_term::Column::Kind, Order::Asc)
            .order_by(reference_term::Column::Code, Order::Asc)
            .all(self.conn())
            .await
            .map_err(repo_error)?;
        all(rows, convert::term_from)
    }

    async fn upsert(&self, terms: &[Term], audit: &AuditEvent) -> Result<(), StoreError<Conflict>> {
        use reference_term::Column as C;
        if terms.is_empty() {
            return Ok(());
        }
        let on_conflict = OnConflict::columns([C::Kind, C::Code])
            .update_columns([C::NameRu, C::NameEn, C::ExternalCode, C::Category, C::Source, C::ValidFrom, C::ValidTo])
            .to_owned();
        let txn = self.begin().await?;
        for chunk in terms.chunks(INSERT_CHUNK) {
            reference_term::Entity::insert_many(chunk.iter().map(convert::term_row))
                .on_conflict(on_conflict.clone())
                .exec_without_returning(&txn)
                .await
                .map_err(repo_error)?;
        }
        self.commit_with(txn, audit).await
    }
}
