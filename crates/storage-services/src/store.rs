//! The services ports on sea-orm: one `SqlServices` implements them all over one pool. Every
//! change runs in one write transaction that also appends its audit row; a request's history
//! entry is written in the same transaction as the change it records.

use async_trait::async_trait;
use audit::AuditEvent;
use chrono::{Datelike, NaiveDate};
use kernel::{After, OrganizationId, Page, PageRequest, PersonId, SortKey, StoreError, Term};
use registry::ports::ReferenceRepo;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, Query, SimpleExpr, Value};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Select, Statement,
};
use services_catalog::Conflict;
use services_catalog::model::case::{AdvocacyCase, CaseId};
use services_catalog::model::catalogue::{CatalogueService, CatalogueServiceId};
use services_catalog::model::delivery::{DeliveredService, Delivery};
use services_catalog::model::directory::{DirectoryService, DirectoryServiceId, ServiceStatus};
use services_catalog::model::referral::{Referral, ReferralId, ReferredPerson};
use services_catalog::model::request::{Request, RequestEvent, RequestId, RequestState};
use services_catalog::model::values::Code;
use services_catalog::ports::{
    CaseFilter, CaseRepo, CatalogueRepo, DeliveryFilter, DeliveryRepo, DirectoryFilter, DirectoryRepo, Parties, Queue,
    QueueCounts, REFERRAL_CONSENT_PURPOSE, ReferralFilter, ReferralRepo, RequestFilter, RequestRepo, ServicesPorts,
    name_key,
};
use storage::errors::unavailable;
use storage::{Backend, ByPosition, Database, all_by_position, commit_audited, contains, page_by_position};
use storage_registry::SqlRegistry;

use crate::convert::{self, day_key};
use crate::entities::{
    advocacy_case, catalogue_service, delivery, directory_service, referral, request, request_event,
};
use crate::errors::{duplicate_code, duplicate_submission, repo_error};

/// The key space of PostgreSQL advisory locks on request numbers (`59` for 59-FZ).
const REQUEST_NUMBER_LOCKS: i32 = 59;
/// Rows per multi-row INSERT of deliveries: 17 columns x 1000 stays under both databases' limits.
const INSERT_CHUNK: usize = 1000;

type Stored<T> = Result<T, StoreError<Conflict>>;

/// Every services port on one database.
#[derive(Clone)]
pub struct SqlServices {
    db: Database,
}

impl SqlServices {
    /// The stores over this database.
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// The ports, all backed by this database.
    pub fn ports(&self) -> ServicesPorts {
        ServicesPorts::over(self.clone())
    }

    fn conn(&self) -> &sea_orm::DatabaseConnection {
        self.db.connection()
    }

    async fn begin(&self) -> Stored<DatabaseTransaction> {
        self.db.begin_write().await.map_err(unavailable)
    }

    async fn commit_with(&self, txn: DatabaseTransaction, audit: &AuditEvent) -> Stored<()> {
        commit_audited(txn, &self.db, audit).await.map_err(unavailable)
    }

    fn one_of<V>(&self, column: impl IntoColumnRef, values: Vec<V>) -> SimpleExpr
    where
        V: Into<Value>,
        Vec<V>: Into<Value>,
    {
        storage::one_of(self.db.backend(), column, values)
    }

    /// Bytewise order on both databases (PostgreSQL's default collation depends on the locale).
    fn sort_expr(&self, column: &str) -> Expr {
        storage::bytewise(self.db.backend(), column)
    }

    async fn read<E, T>(&self, select: Select<E>, convert: impl Fn(E::Model) -> Stored<T>) -> Stored<Vec<T>>
    where
        E: EntityTrait<Model: ByPosition>,
    {
        all_by_position(select, self.conn()).await.map_err(repo_error)?.into_iter().map(convert).collect()
    }

    async fn count_if<E>(&self, page: &PageRequest, select: &Select<E>) -> Stored<Option<u64>>
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        storage::count_if(page, select, self.conn()).await.map_err(repo_error)
    }

    /// A keyset page of `select` in `order` (then by `id`), each row converted and positioned.
    async fn page<E, T>(
        &self,
        select: Select<E>,
        order: Keyset,
        id: E::Column,
        page: &PageRequest,
        convert: impl Fn(E::Model) -> Stored<(T, After)>,
    ) -> Stored<Page<T>>
    where
        E: EntityTrait<Model: ByPosition + Sync>,
    {
        let Keyset { key, descending, value } = order;
        let total = self.count_if(page, &select).await?;
        let direction = if descending { Order::Desc } else { Order::Asc };
        let mut query = select.order_by(key.clone(), direction.clone()).order_by(id, direction);
        if let Some(after) = &page.after {
            let left = Expr::tuple([key, Expr::col(id)]);
            let right = Expr::tuple([Expr::val(value(&after.key)), Expr::val(after.id)]);
            query = query.filter(if descending { left.lt(right) } else { left.gt(right) });
        }
        let rows = page_by_position(query, page.limit(), self.conn()).await.map_err(repo_error)?;
        let positioned = rows.into_iter().map(convert).collect::<Stored<Vec<_>>>()?;
        Ok(Page::from_rows(positioned, page, total))
    }
}

/// A list's order: its key expression, its direction, and how a cursor's key becomes a value of
/// the key's column.
struct Keyset {
    key: Expr,
    descending: bool,
    value: fn(&SortKey) -> Value,
}

fn text_value(key: &SortKey) -> Value {
    match key {
        SortKey::Text(text) => text.clone().into(),
        SortKey::Number(n) => n.to_string().into(),
    }
}

fn number_value(key: &SortKey) -> Value {
    match key {
        SortKey::Number(n) => (*n).into(),
        SortKey::Text(_) => i64::MIN.into(),
    }
}

fn nanos_value(key: &SortKey) -> Value {
    match key {
        SortKey::Number(n) => chrono::DateTime::from_timestamp_nanos(*n).into(),
        SortKey::Text(_) => chrono::DateTime::<chrono::Utc>::MIN_UTC.into(),
    }
}

fn day_value(key: &SortKey) -> Value {
    let day = match key {
        SortKey::Number(n) => i32::try_from(*n).ok().and_then(NaiveDate::from_num_days_from_ce_opt),
        SortKey::Text(_) => None,
    };
    day.unwrap_or(NaiveDate::MIN).into()
}

/// A JSON list of codes in a text column holds `code`.
fn lists(code: &Code) -> sea_orm::sea_query::LikeExpr {
    contains(&format!("\"{code}\""))
}

fn open_states() -> Vec<String> {
    RequestState::ALL.iter().filter(|s| s.is_open()).map(|s| s.code().to_owned()).collect()
}

fn directory_condition(filter: &DirectoryFilter) -> Condition {
    use directory_service::Column as C;
    let mut condition = Condition::all();
    if let Some(text) = filter.text.as_deref().map(name_key).filter(|t| !t.is_empty()) {
        condition = condition.add(C::SortKey.like(contains(&text)));
    }
    if let Some(provider) = filter.provider {
        condition = condition.add(C::ProviderId.eq(provider.0));
    }
    if let Some(need) = &filter.need {
        condition =
            condition.add(Condition::any().add(C::Needs.like(lists(need))).add(C::ServiceTypes.like(lists(need))));
    }
    if let Some(municipality) = &filter.municipality {
        condition = condition
            .add(Condition::any().add(C::Municipalities.eq("[]")).add(C::Municipalities.like(lists(municipality))));
    }
    if let Some(form) = &filter.form {
        condition = condition.add(C::Forms.like(lists(form)));
    }
    if let Some(status) = filter.status {
        condition = condition.add(C::Status.eq(status.code()));
    }
    if filter.active_providers {
        condition = condition.add(C::ProviderId.in_subquery(active_organizations()));
    }
    condition
}

/// The ids of active organisations (the registry's `organizations.status`).
fn active_organizations() -> sea_orm::sea_query::SelectStatement {
    let organizations = Alias::new("organizations");
    Query::select()
        .column((organizations.clone(), Alias::new("id")))
        .from(organizations.clone())
        .and_where(Expr::col((organizations, Alias::new("status"))).eq("active"))
        .to_owned()
}

fn service_positioned(row: directory_service::Model) -> Stored<(DirectoryService, After)> {
    let at = After { key: SortKey::Text(row.sort_key.clone()), id: row.id };
    let service = convert::directory_from(row)?;
    if at != services_catalog::ports::service_position(&service) {
        return Err(storage::errors::corrupt("directory_services.sort_key", at.id));
    }
    Ok((service, at))
}

#[async_trait]
impl CatalogueRepo for SqlServices {
    async fn insert(&self, service: &CatalogueService, audit: &AuditEvent) -> Stored<()> {
        let txn = self.begin().await?;
        catalogue_service::Entity::insert(convert::catalogue_row(service))
            .exec_without_returning(&txn)
            .await
            .map_err(duplicate_code(service.code.as_str()))?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, service: &CatalogueService, audit: &AuditEvent) -> Stored<()> {
        let txn = self.begin().await?;
        let mut row = convert::catalogue_row(service);
        row.id = NotSet;
        let result = catalogue_service::Entity::update_many()
            .set(row)
            .filter(catalogue_service::Column::Id.eq(service.id.0))
            .filter(catalogue_service::Column::Version.eq(service.version - 1))
            .exec(&txn)
            .await
            .map_err(duplicate_code(service.code.as_str()))?;
        if result.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::StaleVersion));
        }
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: CatalogueServiceId) -> Stored<Option<CatalogueService>> {
        let rows = self.read(catalogue_service::Entity::find_by_id(id.0), convert::catalogue_from).await?;
        Ok(rows.into_iter().next())
    }

    async fn all(&self) -> Stored<Vec<CatalogueService>> {
        let select = catalogue_service::Entity::find()
            .order_by(self.sort_expr("category"), Order::Asc)
            .order_by(self.sort_expr("code"), Order::Asc);
        self.read(select, convert::catalogue_from).await
    }
}

#[async_trait]
impl DirectoryRepo for SqlServices {
    async fn insert(&self, service: &DirectoryService, audit: &AuditEvent) -> Stored<()> {
        let txn = self.begin().await?;
        directory_service::Entity::insert(convert::directory_row(service))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, service: &DirectoryService, audit: &AuditEvent) -> Stored<()> {
        use directory_service::Column as C;
        let txn = self.begin().await?;
        let mut row = convert::directory_row(service);
        row.id = NotSet;
        let result = directory_service::Entity::update_many()
            .set(row)
            .filter(C::Id.eq(service.id.0))
            .filter(C::Version.eq(service.version - 1))
            .filter(C::ProviderId.eq(service.provider.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if result.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::StaleVersion));
        }
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: DirectoryServiceId) -> Stored<Option<DirectoryService>> {
        let rows = self.read(directory_service::Entity::find_by_id(id.0), convert::directory_from).await?;
        Ok(rows.into_iter().next())
    }

    async fn get_many(&self, ids: &[DirectoryServiceId]) -> Stored<Vec<DirectoryService>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        self.read(
            directory_service::Entity::find().filter(self.one_of(directory_service::Column::Id, ids)),
            convert::directory_from,
        )
        .await
    }

    async fn list(&self, filter: &DirectoryFilter, page: PageRequest) -> Stored<Page<DirectoryService>> {
        let select = directory_service::Entity::find().filter(directory_condition(filter));
        let order = Keyset { key: self.sort_expr("sort_key"), descending: false, value: text_value };
        self.page(select, order, directory_service::Column::Id, &page, service_positioned).await
    }

    async fn candidates(&self, need: &Code, limit: u64) -> Stored<Vec<DirectoryService>> {
        let filter = DirectoryFilter {
            need: Some(need.clone()),
            status: Some(ServiceStatus::Active),
            active_providers: true,
            ..Default::default()
        };
        let select = directory_service::Entity::find()
            .filter(directory_condition(&filter))
            .order_by(directory_service::Column::Id, Order::Asc);
        let rows = page_by_position(select, limit, self.conn()).await.map_err(repo_error)?;
        rows.into_iter().map(convert::directory_from).collect()
    }

    async fn of_providers(&self, ids: &[OrganizationId]) -> Stored<Vec<DirectoryService>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        let select = directory_service::Entity::find()
            .filter(self.one_of(directory_service::Column::ProviderId, ids))
            .order_by(self.sort_expr("sort_key"), Order::Asc)
            .order_by(directory_service::Column::Id, Order::Asc);
        self.read(select, convert::directory_from).await
    }
}

impl SqlServices {
    /// Serialises the numbering of one receipt year until `txn` ends: on SQLite the write
    /// transaction already holds the one write lock; on PostgreSQL a transaction-scoped advisory
    /// lock on the year makes a parallel insert wait, so two requests never get one number.
    async fn next_number(&self, txn: &DatabaseTransaction, year: i32) -> Stored<i32> {
        if self.db.backend() == Backend::Postgres {
            let sql = Statement::from_sql_and_values(
                txn.get_database_backend(),
                "SELECT pg_advisory_xact_lock($1, $2)",
                [REQUEST_NUMBER_LOCKS.into(), year.into()],
            );
            txn.execute_raw(sql).await.map_err(repo_error)?;
        }
        let last: Option<Option<i32>> = request::Entity::find()
            .select_only()
            .column_as(request::Column::NumberSeq.max(), "last")
            .filter(request::Column::NumberYear.eq(year))
            .into_tuple()
            .one(txn)
            .await
            .map_err(repo_error)?;
        Ok(last.flatten().unwrap_or(0) + 1)
    }

    fn request_condition(&self, filter: &RequestFilter) -> Condition {
        use request::Column as C;
        let mut condition = Condition::all();
        if let Some(queue) = &filter.queue {
            condition = condition.add(self.one_of(C::State, open_states()));
            condition = match queue {
                Queue::Mine(login) => condition.add(C::Assignee.eq(login.as_str())),
                Queue::Unassigned => condition.add(C::Assignee.is_null()),
                Queue::AtRisk { from, until } => {
                    condition.add(C::DeadlineKey.gte(day_key(*from))).add(C::DeadlineKey.lte(day_key(*until)))
                }
                Queue::Overdue(today) => condition.add(C::DeadlineKey.lt(day_key(*today))),
            };
        }
        if let Some(state) = filter.state {
            condition = condition.add(C::State.eq(state.code()));
        }
        if let Some(kind) = filter.kind {
            condition = condition.add(C::Kind.eq(kind.code()));
        }
        if let Some(organization) = filter.organization {
            condition = condition.add(C::OrganizationId.eq(organization.0));
        }
        if let Some(person) = filter.person {
            condition = condition.add(C::PersonId.eq(person.0));
        }
        condition
    }
}

fn newest_positioned(row: request::Model) -> Stored<(Request, After)> {
    let at = After { key: SortKey::Text(row.number.clone()), id: row.id };
    Ok((convert::request_from(row)?, at))
}

fn deadline_positioned(row: request::Model) -> Stored<(Request, After)> {
    let at = After { key: SortKey::Number(row.deadline_key), id: row.id };
    Ok((convert::request_from(row)?, at))
}

#[async_trait]
impl RequestRepo for SqlServices {
    async fn insert(
        &self,
        request: &Request,
        event: &RequestEvent,
        audit: &AuditEvent,
        submission: Option<&str>,
    ) -> Stored<String> {
        let txn = self.begin().await?;
        let year = request.received_on.year();
        let seq = self.next_number(&txn, year).await?;
        let number = format!("{year:04}-{seq:05}");
        request::Entity::insert(convert::request_row(request, &number, seq))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        request_event::Entity::insert(convert::event_row(event))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        if let Some(key) = submission {
            // A second post of the form meets the first one's key here and rolls back whole.
            let insert = Query::insert()
                .into_table(Alias::new("appeal_submissions"))
                .columns([Alias::new("submission_key"), Alias::new("request_id"), Alias::new("created_at")])
                .values_panic([key.into(), request.id.0.into(), request.created_at.into()])
                .to_owned();
            let statement = txn.get_database_backend().build(&insert);
            txn.execute_raw(statement).await.map_err(duplicate_submission)?;
        }
        self.commit_with(txn, audit).await?;
        Ok(number)
    }

    async fn update(&self, request: &Request, event: &RequestEvent, audit: &AuditEvent) -> Stored<()> {
        use request::Column as C;
        let txn = self.begin().await?;
        let mut row = convert::request_row(request, "", 0);
        row.id = NotSet;
        row.number = NotSet;
        row.number_year = NotSet;
        row.number_seq = NotSet;
        row.created_at = NotSet;
        let result = request::Entity::update_many()
            .set(row)
            .filter(C::Id.eq(request.id.0))
            .filter(C::Version.eq(request.version - 1))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if result.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::StaleVersion));
        }
        request_event::Entity::insert(convert::event_row(event))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: RequestId) -> Stored<Option<Request>> {
        let rows = self.read(request::Entity::find_by_id(id.0), convert::request_from).await?;
        Ok(rows.into_iter().next())
    }

    async fn by_submission(&self, key: &str) -> Stored<Option<Request>> {
        let filed = Query::select()
            .column(Alias::new("request_id"))
            .from(Alias::new("appeal_submissions"))
            .and_where(Expr::col(Alias::new("submission_key")).eq(key))
            .to_owned();
        let select = request::Entity::find().filter(request::Column::Id.in_subquery(filed));
        Ok(self.read(select, convert::request_from).await?.into_iter().next())
    }

    async fn get_many(&self, ids: &[RequestId]) -> Stored<Vec<Request>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        self.read(request::Entity::find().filter(self.one_of(request::Column::Id, ids)), convert::request_from).await
    }

    async fn history(&self, id: RequestId) -> Stored<Vec<RequestEvent>> {
        use request_event::Column as C;
        let select = request_event::Entity::find()
            .filter(C::RequestId.eq(id.0))
            .order_by(C::At, Order::Asc)
            .order_by(C::Id, Order::Asc);
        self.read(select, convert::event_from).await
    }

    async fn list(&self, filter: &RequestFilter, page: PageRequest) -> Stored<Page<Request>> {
        let select = request::Entity::find().filter(self.request_condition(filter));
        if filter.queue.is_some() {
            let key = Expr::col(request::Column::DeadlineKey);
            self.page(
                select,
                Keyset { key, descending: false, value: number_value },
                request::Column::Id,
                &page,
                deadline_positioned,
            )
            .await
        } else {
            let key = self.sort_expr("number");
            self.page(
                select,
                Keyset { key, descending: true, value: text_value },
                request::Column::Id,
                &page,
                newest_positioned,
            )
            .await
        }
    }

    async fn counts(
        &self,
        today: NaiveDate,
        at_risk_until: NaiveDate,
        login: &str,
        organization: Option<OrganizationId>,
    ) -> Stored<QueueCounts> {
        use request::Column as C;
        let when = |condition: Condition| Expr::case(condition, 1).finally(0).sum();
        let mut select = request::Entity::find()
            .select_only()
            .column_as(Expr::col(C::Id).count(), "open")
            .column_as(when(Condition::all().add(C::Assignee.is_null())), "unassigned")
            .column_as(
                when(
                    Condition::all()
                        .add(C::DeadlineKey.gte(day_key(today)))
                        .add(C::DeadlineKey.lte(day_key(at_risk_until))),
                ),
                "at_risk",
            )
            .column_as(when(Condition::all().add(C::DeadlineKey.lt(day_key(today)))), "overdue")
            .column_as(when(Condition::all().add(C::Assignee.eq(login))), "mine")
            .filter(self.one_of(C::State, open_states()));
        if let Some(organization) = organization {
            select = select.filter(C::OrganizationId.eq(organization.0));
        }
        let row: Option<(i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>)> =
            select.into_tuple().one(self.conn()).await.map_err(repo_error)?;
        let (open, unassigned, at_risk, overdue, mine) = row.unwrap_or_default();
        let n = |v: Option<i64>| u64::try_from(v.unwrap_or(0)).unwrap_or(0);
        Ok(QueueCounts {
            open: n(Some(open)),
            unassigned: n(unassigned),
            at_risk: n(at_risk),
            overdue: n(overdue),
            mine: n(mine),
        })
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Stored<Vec<Request>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        let select = request::Entity::find()
            .filter(self.one_of(request::Column::OrganizationId, ids))
            .order_by(self.sort_expr("number"), Order::Desc)
            .order_by(request::Column::Id, Order::Desc);
        self.read(select, convert::request_from).await
    }
}

fn referral_positioned(row: referral::Model) -> Stored<(Referral, After)> {
    let referral = convert::referral_from(row)?;
    let at = services_catalog::ports::referral_position(&referral);
    Ok((referral, at))
}

#[async_trait]
impl ReferralRepo for SqlServices {
    async fn insert(&self, referral: &Referral, event: &RequestEvent, audit: &AuditEvent) -> Stored<()> {
        let txn = self.begin().await?;
        // The referral's provider is its service's: a row naming another organisation is refused.
        let provider: Option<uuid::Uuid> = directory_service::Entity::find_by_id(referral.service.0)
            .select_only()
            .column(directory_service::Column::ProviderId)
            .into_tuple()
            .one(&txn)
            .await
            .map_err(repo_error)?;
        if provider != Some(referral.provider.0) || event.request != referral.request {
            return Err(StoreError::Conflict(Conflict::MissingReference));
        }
        referral::Entity::insert(convert::referral_row(referral))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        request_event::Entity::insert(convert::event_row(event))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, referral: &Referral, event: &RequestEvent, audit: &AuditEvent) -> Stored<()> {
        use referral::Column as C;
        if event.request != referral.request {
            return Err(StoreError::Conflict(Conflict::MissingReference));
        }
        let txn = self.begin().await?;
        let mut row = convert::referral_row(referral);
        row.id = NotSet;
        row.request_id = NotSet;
        row.person_id = NotSet;
        row.service_id = NotSet;
        row.provider_id = NotSet;
        row.created_at = NotSet;
        row.created_by = NotSet;
        let result = referral::Entity::update_many()
            .set(row)
            .filter(C::Id.eq(referral.id.0))
            .filter(C::Version.eq(referral.version - 1))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if result.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::StaleVersion));
        }
        request_event::Entity::insert(convert::event_row(event))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: ReferralId) -> Stored<Option<Referral>> {
        let rows = self.read(referral::Entity::find_by_id(id.0), convert::referral_from).await?;
        Ok(rows.into_iter().next())
    }

    async fn list(&self, filter: &ReferralFilter, page: PageRequest) -> Stored<Page<Referral>> {
        use referral::Column as C;
        let mut condition = Condition::all();
        if let Some(provider) = filter.provider {
            condition = condition.add(C::ProviderId.eq(provider.0));
        }
        if let Some(request) = filter.request {
            condition = condition.add(C::RequestId.eq(request.0));
        }
        if let Some(state) = filter.state {
            condition = condition.add(C::State.eq(state.code()));
        }
        let select = referral::Entity::find().filter(condition);
        self.page(
            select,
            Keyset { key: Expr::col(C::CreatedAt), descending: true, value: nanos_value },
            C::Id,
            &page,
            referral_positioned,
        )
        .await
    }

    async fn of_providers(&self, ids: &[OrganizationId]) -> Stored<Vec<Referral>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        let select = referral::Entity::find()
            .filter(self.one_of(referral::Column::ProviderId, ids))
            .order_by(referral::Column::CreatedAt, Order::Desc)
            .order_by(referral::Column::Id, Order::Desc);
        self.read(select, convert::referral_from).await
    }
}

fn delivery_positioned(row: delivery::Model) -> Stored<(Delivery, After)> {
    let delivery = convert::delivery_from(row)?;
    let at = services_catalog::ports::delivery_position(&delivery);
    Ok((delivery, at))
}

#[async_trait]
impl DeliveryRepo for SqlServices {
    async fn insert_all(&self, deliveries: &[Delivery], audit: &AuditEvent) -> Stored<()> {
        let txn = self.begin().await?;
        for chunk in deliveries.chunks(INSERT_CHUNK) {
            delivery::Entity::insert_many(chunk.iter().map(convert::delivery_row))
                .exec_without_returning(&txn)
                .await
                .map_err(repo_error)?;
        }
        self.commit_with(txn, audit).await
    }

    async fn list(&self, filter: &DeliveryFilter, page: PageRequest) -> Stored<Page<Delivery>> {
        use delivery::Column as C;
        let mut condition = Condition::all();
        match filter.service {
            Some(DeliveredService::Catalogue(id)) => condition = condition.add(C::CatalogueServiceId.eq(id.0)),
            Some(DeliveredService::Directory(id)) => condition = condition.add(C::DirectoryServiceId.eq(id.0)),
            None => {}
        }
        if let Some(organization) = filter.organization {
            condition = condition.add(C::OrganizationId.eq(organization.0));
        }
        if let Some(from) = filter.from {
            condition = condition.add(C::DeliveredOn.gte(from));
        }
        if let Some(to) = filter.to {
            condition = condition.add(C::DeliveredOn.lte(to));
        }
        let select = delivery::Entity::find().filter(condition);
        self.page(
            select,
            Keyset { key: Expr::col(C::DeliveredOn), descending: true, value: day_value },
            C::Id,
            &page,
            delivery_positioned,
        )
        .await
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Stored<Vec<Delivery>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        let select = delivery::Entity::find()
            .filter(self.one_of(delivery::Column::OrganizationId, ids))
            .order_by(delivery::Column::DeliveredOn, Order::Desc)
            .order_by(delivery::Column::Id, Order::Desc);
        self.read(select, convert::delivery_from).await
    }
}

fn case_positioned(row: advocacy_case::Model) -> Stored<(AdvocacyCase, After)> {
    let case = convert::case_from(row)?;
    let at = services_catalog::ports::case_position(&case);
    Ok((case, at))
}

#[async_trait]
impl CaseRepo for SqlServices {
    async fn insert(&self, case: &AdvocacyCase, audit: &AuditEvent) -> Stored<()> {
        let txn = self.begin().await?;
        advocacy_case::Entity::insert(convert::case_row(case))
            .exec_without_returning(&txn)
            .await
            .map_err(repo_error)?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, case: &AdvocacyCase, audit: &AuditEvent) -> Stored<()> {
        use advocacy_case::Column as C;
        let txn = self.begin().await?;
        let mut row = convert::case_row(case);
        row.id = NotSet;
        row.opened_at = NotSet;
        let result = advocacy_case::Entity::update_many()
            .set(row)
            .filter(C::Id.eq(case.id.0))
            .filter(C::Version.eq(case.version - 1))
            .filter(C::RequestId.eq(case.request.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if result.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::StaleVersion));
        }
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: CaseId) -> Stored<Option<AdvocacyCase>> {
        let rows = self.read(advocacy_case::Entity::find_by_id(id.0), convert::case_from).await?;
        Ok(rows.into_iter().next())
    }

    async fn list(&self, filter: &CaseFilter, page: PageRequest) -> Stored<Page<AdvocacyCase>> {
        use advocacy_case::Column as C;
        let mut condition = Condition::all();
        if let Some(lawyer) = &filter.lawyer {
            condition = condition.add(C::Lawyer.eq(lawyer.as_str()));
        }
        if filter.open {
            condition = condition.add(C::ClosedOn.is_null());
        }
        let select = advocacy_case::Entity::find().filter(condition);
        self.page(
            select,
            Keyset { key: Expr::col(C::OpenedAt), descending: true, value: nanos_value },
            C::Id,
            &page,
            case_positioned,
        )
        .await
    }
}

#[async_trait]
impl Parties for SqlServices {
    async fn terms(&self) -> Result<Vec<Term>, StoreError> {
        SqlRegistry::new(self.db.clone()).all().await.map_err(from_registry)
    }

    async fn staff_role(&self, login: &str) -> Result<Option<kernel::Role>, StoreError> {
        let accounts = Alias::new("accounts");
        let query = Query::select()
            .column((accounts.clone(), Alias::new("role")))
            .from(accounts.clone())
            .and_where(Expr::col((accounts.clone(), Alias::new("login"))).eq(login))
            .and_where(Expr::col((accounts, Alias::new("disabled"))).eq(false))
            .to_owned();
        let statement = self.conn().get_database_backend().build(&query);
        let Some(row) = self.conn().query_one_raw(statement).await.map_err(unavailable)? else { return Ok(None) };
        let role: String = row.try_get_by_index(0).map_err(unavailable)?;
        kernel::Role::parse(&role).map(Some).ok_or_else(|| StoreError::Corrupt(format!("accounts.role: {role}")))
    }

    async fn active_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<OrganizationId>, StoreError> {
        let active = Expr::col((Alias::new("organizations"), Alias::new("status"))).eq("active");
        let found = self.ids_in("organizations", ids.iter().map(|o| o.0).collect(), Some(active)).await?;
        Ok(found.into_iter().map(OrganizationId).collect())
    }

    async fn known(
        &self,
        organizations: &[OrganizationId],
        people: &[PersonId],
    ) -> Result<(Vec<OrganizationId>, Vec<PersonId>), StoreError> {
        let organizations = self.ids_in("organizations", organizations.iter().map(|o| o.0).collect(), None).await?;
        let people = self.ids_in("people", people.iter().map(|p| p.0).collect(), None).await?;
        Ok((organizations.into_iter().map(OrganizationId).collect(), people.into_iter().map(PersonId).collect()))
    }

    async fn consented_to_share(&self, person: PersonId, organization: OrganizationId) -> Result<bool, StoreError> {
        let consents = Alias::new("consents");
        let column = |name: &str| Expr::col((consents.clone(), Alias::new(name)));
        let query = Query::select()
            .expr(Expr::val(1))
            .from(consents.clone())
            .and_where(column("person_id").eq(person.0))
            .and_where(column("recipient_id").eq(organization.0))
            .and_where(column("purpose").eq(REFERRAL_CONSENT_PURPOSE))
            .and_where(column("kind").eq("processing"))
            .and_where(column("withdrawn_at").is_null())
            .limit(1)
            .to_owned();
        let statement = self.conn().get_database_backend().build(&query);
        let found = self.conn().query_one_raw(statement).await.map_err(unavailable)?;
        Ok(found.is_some())
    }

    async fn referred_person(&self, person: PersonId) -> Result<Option<ReferredPerson>, StoreError> {
        use registry::ports::PersonRepo;
        let found = PersonRepo::get(&SqlRegistry::new(self.db.clone()), person).await.map_err(from_registry)?;
        Ok(found.as_ref().map(referred_person))
    }
}

impl SqlServices {
    /// Which of `ids` are ids of rows of `table` that also meet `and` (one query; none for no
    /// ids).
    async fn ids_in(
        &self,
        table: &str,
        ids: Vec<uuid::Uuid>,
        and: Option<SimpleExpr>,
    ) -> Result<Vec<uuid::Uuid>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (table, id) = (Alias::new(table), Alias::new("id"));
        let mut query = Query::select()
            .column((table.clone(), id.clone()))
            .from(table.clone())
            .and_where(storage::one_of(self.db.backend(), (table, id), ids))
            .to_owned();
        if let Some(and) = and {
            query.and_where(and);
        }
        let statement = self.conn().get_database_backend().build(&query);
        let rows = self.conn().query_all_raw(statement).await.map_err(unavailable)?;
        rows.iter().map(|row| row.try_get_by_index::<uuid::Uuid>(0).map_err(unavailable)).collect()
    }
}

/// A registry read's failure as a read of the rest of the system fails (a registry conflict on a
/// read means the stored rows disagree).
fn from_registry(error: StoreError<registry::Conflict>) -> StoreError {
    match error {
        StoreError::Corrupt(what) => StoreError::Corrupt(what),
        StoreError::Unavailable(source) => StoreError::Unavailable(source),
        StoreError::Conflict(conflict) => StoreError::Corrupt(conflict.to_string()),
    }
}

/// What a referral lets its NGO know of a registry person: the name and contacts.
pub fn referred_person(person: &registry::model::Person) -> ReferredPerson {
    let p = &person.profile;
    ReferredPerson {
        id: person.id,
        last_name: p.last_name.to_string(),
        first_name: p.first_name.to_string(),
        middle_name: p.middle_name.as_ref().map(ToString::to_string),
        phones: p.phones.iter().map(ToString::to_string).collect(),
        emails: p.emails.iter().map(ToString::to_string).collect(),
    }
}
