//! The privacy ports on sea-orm: consents, subject access requests, and the people as subjects,
//! whose export walks the schema for every table about a person and sends, of each, the columns
//! `disclosure` classifies as exported (never a credential), with the audit rows about the
//! person's records.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use audit::AuditEvent;
use privacy::{
    Consent, ConsentId, ConsentKind, ConsentRepo, PersonId, PrivacyPorts, PrivacyRuleError, SubjectRequest,
    SubjectRequestId, SubjectRequestRepo, Subjects,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    FromQueryResult, IntoActiveModel, JsonValue, Order, QueryFilter, QueryOrder, Statement,
};

use kernel::StoreError;
use storage::errors::{corrupt, unavailable};
use storage::{Backend, Database, PersonalDataHook, commit_audited, one_of};

use crate::anonymise::PrivacyTexts;
use crate::disclosure::{self, Disclosure};
use crate::entities::{consent, person, subject_request};

/// The key space of PostgreSQL advisory locks on consent documents (`152` for 152-FZ).
const CONSENT_DOCUMENT_LOCKS: i32 = 152;

/// The privacy stores over one database, anonymising people through every domain's hook.
#[derive(Clone)]
pub struct SqlPrivacy {
    db: Database,
    hooks: Arc<[Arc<dyn PersonalDataHook>]>,
}

impl SqlPrivacy {
    /// The stores over this database; anonymising a person runs privacy's own part (the consent
    /// documents) and then each of `hooks` (every other domain's data about people, as the
    /// composition root lists them), all in one transaction with the audit row.
    pub fn new(db: Database, hooks: Vec<Arc<dyn PersonalDataHook>>) -> Self {
        let own: Arc<dyn PersonalDataHook> = Arc::new(PrivacyTexts);
        Self { db, hooks: std::iter::once(own).chain(hooks).collect() }
    }

    /// The three ports.
    pub fn ports(&self) -> PrivacyPorts {
        PrivacyPorts {
            consents: Arc::new(self.clone()),
            requests: Arc::new(self.clone()),
            subjects: Arc::new(self.clone()),
        }
    }

    async fn begin(&self) -> Result<DatabaseTransaction, StoreError> {
        self.db.begin_write().await.map_err(unavailable)
    }

    /// Serialises the inserts from one consent document until `txn` ends, so that the rule
    /// checked against the document's consents still holds at commit. On SQLite the write
    /// transaction (`BEGIN IMMEDIATE`) already holds the database's one write lock; on PostgreSQL
    /// a transaction-scoped advisory lock on the document's hash (in a key space of its own)
    /// makes a second insert from the document wait for the first to commit or roll back.
    async fn lock_document(&self, txn: &DatabaseTransaction, document: &str) -> Result<(), DbErr> {
        if self.db.backend() == Backend::Postgres {
            let sql = Statement::from_sql_and_values(
                txn.get_database_backend(),
                "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                [CONSENT_DOCUMENT_LOCKS.into(), document.into()],
            );
            txn.execute_raw(sql).await?;
        }
        Ok(())
    }

    async fn commit_with(&self, txn: DatabaseTransaction, audit: &AuditEvent) -> Result<(), StoreError> {
        commit_audited(txn, &self.db, audit).await.map_err(unavailable)
    }

    /// The database's own description of its tables: their columns and foreign keys.
    pub async fn catalogue(&self) -> Result<Catalogue, DbErr> {
        let conn = self.db.connection();
        let backend = conn.get_database_backend();
        let mut catalogue = Catalogue::default();
        match self.db.backend() {
            Backend::Sqlite => {
                let tables = conn
                    .query_all_raw(Statement::from_string(
                        backend,
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                    ))
                    .await?;
                for row in tables {
                    let table: String = row.try_get("", "name")?;
                    let columns = conn
                        .query_all_raw(Statement::from_sql_and_values(
                            backend,
                            "SELECT name FROM pragma_table_info(?) ORDER BY cid",
                            [table.clone().into()],
                        ))
                        .await?;
                    let columns: Vec<String> =
                        columns.iter().map(|c| c.try_get("", "name")).collect::<Result<_, _>>()?;
                    let keys = conn
                        .query_all_raw(Statement::from_sql_and_values(
                            backend,
                            "SELECT \"table\" AS target, \"from\" AS source, \"to\" AS target_column
                             FROM pragma_foreign_key_list(?)",
                            [table.clone().into()],
                        ))
                        .await?;
                    for key in keys {
                        catalogue.foreign_keys.push(ForeignKey {
                            table: table.clone(),
                            column: key.try_get("", "source")?,
                            target: key.try_get("", "target")?,
                            // A key naming no column refers to the primary key, `id` in this schema.
                            target_column: key.try_get::<Option<String>>("", "target_column")?.unwrap_or("id".into()),
                        });
                    }
                    catalogue.columns.insert(table, columns);
                }
            }
            Backend::Postgres => {
                let columns = conn
                    .query_all_raw(Statement::from_string(
                        backend,
                        "SELECT table_name::text AS table_name, column_name::text AS column_name
                         FROM information_schema.columns WHERE table_schema = current_schema()
                         ORDER BY table_name, ordinal_position",
                    ))
                    .await?;
                for row in columns {
                    let table: String = row.try_get("", "table_name")?;
                    catalogue.columns.entry(table).or_default().push(row.try_get("", "column_name")?);
                }
                let keys = conn
                    .query_all_raw(Statement::from_string(
                        backend,
                        "SELECT kcu.table_name::text AS source_table, kcu.column_name::text AS source_column,
                                ccu.table_name::text AS target_table, ccu.column_name::text AS target_column
                         FROM information_schema.table_constraints tc
                         JOIN information_schema.key_column_usage kcu
                           ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
                         JOIN information_schema.constraint_column_usage ccu
                           ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
                         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
                    ))
                    .await?;
                for key in keys {
                    catalogue.foreign_keys.push(ForeignKey {
                        table: key.try_get("", "source_table")?,
                        column: key.try_get("", "source_column")?,
                        target: key.try_get("", "target_table")?,
                        target_column: key.try_get("", "target_column")?,
                    });
                }
            }
        }
        Ok(catalogue)
    }

    /// How every table about a person is reached from the person's id, read from the catalogue,
    /// so a new table is covered the day it is created.
    pub async fn person_links(&self) -> Result<Vec<PersonLink>, DbErr> {
        Ok(person_links(&self.catalogue().await?))
    }
}

/// The tables of a database, their columns (in order) and their foreign keys.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    /// Table name to its column names.
    pub columns: BTreeMap<String, Vec<String>>,
    /// Every single-column foreign key.
    pub foreign_keys: Vec<ForeignKey>,
}

/// A foreign key: `table.column` refers to `target.target_column`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referring table.
    pub table: String,
    /// Its column.
    pub column: String,
    /// The referred table.
    pub target: String,
    /// The referred column.
    pub target_column: String,
}

/// How the rows of a table about a person are found: `column` holds the person's id (`via` is
/// `None`) or a value of `via`'s column in rows that are themselves about the person (a session
/// of the person's account).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonLink {
    /// The table.
    pub table: String,
    /// The column that refers to the person, directly or through `via`.
    pub column: String,
    /// The table and column referred to, when not the person's id.
    pub via: Option<(String, String)>,
    /// Steps from `people` (1: refers to the person; 2: to a row that does...).
    pub depth: usize,
}

/// The person table.
const PEOPLE: &str = "people";

/// Every table about a person and how it is reached: a foreign key to `people` or a `person_id`
/// column (depth 1), then, step by step, a foreign key to a table found in an earlier step. A
/// table is linked only to tables found before it, so the links never loop.
pub fn person_links(catalogue: &Catalogue) -> Vec<PersonLink> {
    let mut depth: BTreeMap<String, usize> = BTreeMap::from([(PEOPLE.to_owned(), 0)]);
    let mut links = Vec::new();
    for (table, columns) in &catalogue.columns {
        let direct = columns.iter().filter(|c| *c == "person_id").map(|c| (c.clone(), None)).chain(
            catalogue
                .foreign_keys
                .iter()
                .filter(|k| k.table == *table && k.target == PEOPLE && k.column != "person_id")
                .map(|k| {
                    (k.column.clone(), (k.target_column != "id").then(|| (k.target.clone(), k.target_column.clone())))
                }),
        );
        for (column, via) in direct.collect::<Vec<_>>() {
            if table != PEOPLE {
                depth.insert(table.clone(), 1);
                links.push(PersonLink { table: table.clone(), column, via, depth: 1 });
            }
        }
    }
    for step in 2.. {
        let found: Vec<PersonLink> = catalogue
            .foreign_keys
            .iter()
            .filter(|k| !depth.contains_key(k.table.as_str()) && k.target != PEOPLE)
            .filter(|k| depth.get(k.target.as_str()).is_some_and(|d| *d < step))
            .map(|k| PersonLink {
                table: k.table.clone(),
                column: k.column.clone(),
                via: Some((k.target.clone(), k.target_column.clone())),
                depth: step,
            })
            .collect();
        if found.is_empty() {
            break;
        }
        for link in &found {
            depth.insert(link.table.clone(), step);
        }
        links.extend(found);
    }
    links.sort_by(|a, b| (a.depth, &a.table, &a.column).cmp(&(b.depth, &b.table, &b.column)));
    links
}

/// The columns of `table` that leave in an export; an unclassified column is withheld and logged.
fn exported_columns(table: &str, columns: &[String]) -> Vec<Alias> {
    columns
        .iter()
        .filter(|column| match disclosure::disclosure(table, column) {
            Some(Disclosure::Export) => true,
            Some(Disclosure::Withheld(_)) => false,
            None => {
                tracing::error!(table, column = column.as_str(), "a column without a disclosure class is withheld from subject exports; classify it in storage::disclosure");
                false
            }
        })
        .map(|column| Alias::new(column.as_str()))
        .collect()
}

fn consent_row(c: &Consent) -> consent::ActiveModel {
    consent::Model {
        id: c.id.0,
        person_id: c.subject.0,
        kind: c.kind.code().to_owned(),
        purpose: c.purpose.clone(),
        categories: serde_json::to_string(&c.categories).expect("strings serialise"),
        document: c.document.clone(),
        recipient_id: c.recipient.map(|r| r.0),
        given_at: c.given_at,
        recorded_by: c.recorded_by.clone(),
        withdrawn_at: c.withdrawn_at,
        destroy_by: c.destroy_by,
        destroyed_at: c.destroyed_at,
    }
    .into_active_model()
    .reset_all()
}

fn consent_from(row: consent::Model) -> Result<Consent, StoreError> {
    Ok(Consent {
        id: ConsentId(row.id),
        subject: PersonId(row.person_id),
        kind: ConsentKind::parse(&row.kind).ok_or_else(|| corrupt("consents.kind", &row.kind))?,
        categories: serde_json::from_str(&row.categories)
            .map_err(|_| corrupt("consents.categories", &row.categories))?,
        purpose: row.purpose,
        document: row.document,
        recipient: row.recipient_id.map(kernel::OrganizationId),
        given_at: row.given_at,
        recorded_by: row.recorded_by,
        withdrawn_at: row.withdrawn_at,
        destroy_by: row.destroy_by,
        destroyed_at: row.destroyed_at,
    })
}

fn request_row(r: &SubjectRequest) -> subject_request::ActiveModel {
    subject_request::Model {
        id: r.id.0,
        person_id: r.subject.0,
        received_on: r.received_on,
        due_on: r.due_on,
        due_predicted: r.due_predicted,
        extended_to: r.extension.as_ref().map(|(on, _)| *on),
        extension_reason: r.extension.as_ref().map(|(_, why)| why.clone()),
        answered_on: r.answered_on,
    }
    .into_active_model()
    .reset_all()
}

fn request_from(row: subject_request::Model) -> SubjectRequest {
    SubjectRequest {
        id: SubjectRequestId(row.id),
        subject: PersonId(row.person_id),
        received_on: row.received_on,
        due_on: row.due_on,
        due_predicted: row.due_predicted,
        extension: row.extended_to.zip(row.extension_reason),
        answered_on: row.answered_on,
    }
}

fn all_consents(rows: Vec<consent::Model>) -> Result<Vec<Consent>, StoreError> {
    rows.into_iter().map(consent_from).collect()
}

#[async_trait]
impl ConsentRepo for SqlPrivacy {
    async fn insert(&self, c: &Consent, audit: &AuditEvent) -> Result<(), StoreError<PrivacyRuleError>> {
        let txn = self.begin().await.map_err(StoreError::widen)?;
        self.lock_document(&txn, &c.document).await.map_err(unavailable)?;
        let rows = consent::Entity::find()
            .filter(consent::Column::Document.eq(c.document.as_str()))
            .all(&txn)
            .await
            .map_err(unavailable)?;
        let from_document = all_consents(rows).map_err(StoreError::widen)?;
        privacy::rules::check_new_consent(c, &from_document).map_err(StoreError::Conflict)?;
        consent::Entity::insert(consent_row(c)).exec_without_returning(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await.map_err(StoreError::widen)
    }

    async fn update(&self, c: &Consent, audit: &AuditEvent) -> Result<(), StoreError> {
        let txn = self.begin().await?;
        consent::Entity::update(consent_row(c)).exec(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn mark_destroyed(
        &self,
        id: ConsentId,
        at: chrono::DateTime<chrono::Utc>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let txn = self.begin().await?;
        let done = consent::Entity::update_many()
            .col_expr(consent::Column::DestroyedAt, Expr::value(at))
            .filter(consent::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        if done.rows_affected == 0 {
            return Err(StoreError::unavailable(format!("no consent {}", id.0)));
        }
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: ConsentId) -> Result<Option<Consent>, StoreError> {
        let row = consent::Entity::find_by_id(id.0).one(self.db.connection()).await.map_err(unavailable)?;
        row.map(consent_from).transpose()
    }

    async fn of_subject(&self, subject: PersonId) -> Result<Vec<Consent>, StoreError> {
        let rows = consent::Entity::find()
            .filter(consent::Column::PersonId.eq(subject.0))
            .order_by(consent::Column::GivenAt, Order::Asc)
            .order_by(consent::Column::Id, Order::Asc)
            .all(self.db.connection())
            .await
            .map_err(unavailable)?;
        all_consents(rows)
    }

    async fn pending_destruction(&self) -> Result<Vec<Consent>, StoreError> {
        let rows = consent::Entity::find()
            .filter(consent::Column::WithdrawnAt.is_not_null())
            .filter(consent::Column::DestroyedAt.is_null())
            .order_by(consent::Column::WithdrawnAt, Order::Asc)
            .order_by(consent::Column::Id, Order::Asc)
            .all(self.db.connection())
            .await
            .map_err(unavailable)?;
        all_consents(rows)
    }

    async fn distributing(&self, subjects: &[PersonId], purpose: &str) -> Result<Vec<Consent>, StoreError> {
        if subjects.is_empty() {
            return Ok(Vec::new());
        }
        let rows = consent::Entity::find()
            .filter(one_of(self.db.backend(), consent::Column::PersonId, subjects.iter().map(|s| s.0).collect()))
            .filter(consent::Column::Kind.eq(ConsentKind::Distribution.code()))
            .filter(consent::Column::Purpose.eq(purpose))
            .filter(consent::Column::WithdrawnAt.is_null())
            .all(self.db.connection())
            .await
            .map_err(unavailable)?;
        all_consents(rows)
    }
}

#[async_trait]
impl SubjectRequestRepo for SqlPrivacy {
    async fn insert(&self, r: &SubjectRequest, audit: &AuditEvent) -> Result<(), StoreError> {
        let txn = self.begin().await?;
        subject_request::Entity::insert(request_row(r)).exec_without_returning(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, r: &SubjectRequest, audit: &AuditEvent) -> Result<(), StoreError> {
        let txn = self.begin().await?;
        subject_request::Entity::update(request_row(r)).exec(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, StoreError> {
        let row = subject_request::Entity::find_by_id(id.0).one(self.db.connection()).await.map_err(unavailable)?;
        Ok(row.map(request_from))
    }

    async fn open(&self) -> Result<Vec<SubjectRequest>, StoreError> {
        let rows = subject_request::Entity::find()
            .filter(subject_request::Column::AnsweredOn.is_null())
            .all(self.db.connection())
            .await
            .map_err(unavailable)?;
        let mut open: Vec<SubjectRequest> = rows.into_iter().map(request_from).collect();
        open.sort_by_key(|r| (r.deadline(), r.id));
        Ok(open)
    }
}

#[async_trait]
impl Subjects for SqlPrivacy {
    async fn exists(&self, subject: PersonId) -> Result<bool, StoreError> {
        let found = person::Entity::find_by_id(subject.0).one(self.db.connection()).await.map_err(unavailable)?;
        Ok(found.is_some())
    }

    async fn held_on_consent(&self, subject: PersonId) -> Result<bool, StoreError> {
        let found = person::Entity::find_by_id(subject.0).one(self.db.connection()).await.map_err(unavailable)?;
        Ok(found.is_some_and(|p| p.basis_kind == registry::model::LegalBasisKind::Consent.code()))
    }

    async fn anonymised(&self, subject: PersonId) -> Result<bool, StoreError> {
        let found = person::Entity::find_by_id(subject.0).one(self.db.connection()).await.map_err(unavailable)?;
        Ok(found.is_some_and(|p| registry::rules::anonymise::names_removed(&p.last_name, &p.first_name)))
    }

    async fn anonymise(&self, subject: PersonId, audit: &AuditEvent) -> Result<(), StoreError> {
        let txn = self.begin().await?;
        if person::Entity::find_by_id(subject.0).one(&txn).await.map_err(unavailable)?.is_none() {
            return Ok(());
        }
        // Every domain's part in the one transaction: a failing hook rolls back all of them.
        for hook in self.hooks.iter() {
            hook.anonymise(&txn, subject).await.inspect_err(|error| {
                tracing::error!(domain = hook.domain(), %error, "anonymising a person failed; nothing was written");
            })?;
        }
        self.commit_with(txn, audit).await
    }

    async fn export(&self, subject: PersonId) -> Result<BTreeMap<String, Vec<serde_json::Value>>, StoreError> {
        let conn = self.db.connection();
        let backend = conn.get_database_backend();
        let catalogue = self.catalogue().await.map_err(unavailable)?;
        // Which rows of each table are about the person, built from the person outwards.
        let mut conditions: Vec<(String, Condition)> =
            vec![(PEOPLE.to_owned(), Condition::all().add(Expr::col(Alias::new("id")).eq(subject.0)))];
        for link in person_links(&catalogue) {
            let refers = match &link.via {
                None => Expr::col(Alias::new(link.column.as_str())).eq(subject.0),
                Some((parent, parent_column)) => {
                    let Some((_, parent_rows)) = conditions.iter().find(|(t, _)| t == parent) else { continue };
                    let parent_values = Query::select()
                        .column(Alias::new(parent_column.as_str()))
                        .from(Alias::new(parent.as_str()))
                        .cond_where(parent_rows.clone())
                        .to_owned();
                    Expr::col(Alias::new(link.column.as_str())).in_subquery(parent_values)
                }
            };
            match conditions.iter_mut().find(|(t, _)| *t == link.table) {
                Some((_, condition)) => *condition = condition.clone().add(refers),
                None => conditions.push((link.table.clone(), Condition::any().add(refers))),
            }
        }
        let mut tables = BTreeMap::new();
        let mut objects = Vec::new();
        for (table, condition) in &conditions {
            let columns = exported_columns(table, catalogue.columns.get(table).map_or(&[], Vec::as_slice));
            if columns.is_empty() {
                continue;
            }
            let rows = Query::select()
                .columns(columns)
                .from(Alias::new(table.as_str()))
                .cond_where(condition.clone())
                .to_owned();
            let rows = JsonValue::find_by_statement(backend.build(&rows)).all(conn).await.map_err(unavailable)?;
            tables.insert(table.clone(), rows);
            if let Some(kind) = disclosure::audited_as(table) {
                let ids = Query::select()
                    .column(Alias::new("id"))
                    .from(Alias::new(table.as_str()))
                    .cond_where(condition.clone())
                    .to_owned();
                for row in conn.query_all_raw(backend.build(&ids)).await.map_err(unavailable)? {
                    let id: uuid::Uuid = row.try_get("", "id").map_err(unavailable)?;
                    objects.push(format!("{kind}/{id}"));
                }
            }
        }
        // The audit rows about the person's own records: who (by role) processed them, when, and
        // what was done (152-FZ art. 14), without the staff's identities.
        let audit_columns = catalogue.columns.get(disclosure::AUDIT_TABLE).map_or(&[][..], Vec::as_slice);
        let trail = Query::select()
            .columns(exported_columns(disclosure::AUDIT_TABLE, audit_columns))
            .from(Alias::new(disclosure::AUDIT_TABLE))
            .and_where(Expr::col(Alias::new("object")).is_in(objects))
            .order_by(Alias::new("seq"), sea_orm::sea_query::Order::Asc)
            .to_owned();
        let trail = JsonValue::find_by_statement(backend.build(&trail)).all(conn).await.map_err(unavailable)?;
        tables.insert(disclosure::AUDIT_TABLE.to_owned(), trail);
        Ok(tables)
    }
}
