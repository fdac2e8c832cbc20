//! The privacy ports on sea-orm: consents, subject access requests, and the people as subjects,
//! whose export walks the schema for every table that refers to a person.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use audit::AuditEvent;
use privacy::{
    Consent, ConsentId, ConsentKind, ConsentRepo, PrivacyStoreError, SubjectId, SubjectRequest, SubjectRequestId,
    SubjectRequestRepo, Subjects,
};
use registry::rules::anonymise::anonymised;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, FromQueryResult,
    JsonValue, Order, QueryFilter, QueryOrder, Statement, TransactionTrait,
};

use crate::audit_store::commit_audited;
use crate::convert;
use crate::database::{Backend, Database};
use crate::entities::{consent, person, subject_request};

/// The privacy stores over one database.
#[derive(Clone)]
pub struct SqlPrivacy {
    db: Database,
}

fn unavailable(error: DbErr) -> PrivacyStoreError {
    tracing::error!(error = %error, "privacy store database error");
    PrivacyStoreError::Unavailable(error.to_string())
}

fn corrupt(what: &str, value: &str) -> PrivacyStoreError {
    PrivacyStoreError::Corrupt(format!("{what}: {value}"))
}

impl SqlPrivacy {
    /// The stores over this database.
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// The three ports.
    pub fn ports(&self) -> (Arc<dyn ConsentRepo>, Arc<dyn SubjectRequestRepo>, Arc<dyn Subjects>) {
        (Arc::new(self.clone()), Arc::new(self.clone()), Arc::new(self.clone()))
    }

    async fn begin(&self) -> Result<DatabaseTransaction, PrivacyStoreError> {
        self.db.connection().begin().await.map_err(unavailable)
    }

    async fn commit_with(&self, txn: DatabaseTransaction, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        commit_audited(txn, self.db.backend(), audit).await.map_err(unavailable)
    }

    /// `(table, column)` of every column that refers to a person: a foreign key to `people`, or
    /// a column named `person_id`. Read from the database's own catalogue, so a new table is
    /// covered the day it is created.
    pub async fn person_references(&self) -> Result<Vec<(String, String)>, DbErr> {
        let conn = self.db.connection();
        let backend = conn.get_database_backend();
        let mut found = std::collections::BTreeSet::new();
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
                    let keys = conn
                        .query_all_raw(Statement::from_sql_and_values(
                            backend,
                            "SELECT \"table\" AS target, \"from\" AS source FROM pragma_foreign_key_list(?)",
                            [table.clone().into()],
                        ))
                        .await?;
                    for key in keys {
                        if key.try_get::<String>("", "target")? == "people" {
                            found.insert((table.clone(), key.try_get("", "source")?));
                        }
                    }
                    let columns = conn
                        .query_all_raw(Statement::from_sql_and_values(
                            backend,
                            "SELECT name FROM pragma_table_info(?) WHERE name = 'person_id'",
                            [table.clone().into()],
                        ))
                        .await?;
                    for column in columns {
                        found.insert((table.clone(), column.try_get("", "name")?));
                    }
                }
            }
            Backend::Postgres => {
                let rows = conn
                    .query_all_raw(Statement::from_string(
                        backend,
                        "SELECT kcu.table_name::text AS table_name, kcu.column_name::text AS column_name
                         FROM information_schema.table_constraints tc
                         JOIN information_schema.key_column_usage kcu
                           ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
                         JOIN information_schema.constraint_column_usage ccu
                           ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
                         WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'people'
                           AND tc.table_schema = current_schema()
                         UNION
                         SELECT table_name::text, column_name::text FROM information_schema.columns
                         WHERE table_schema = current_schema() AND column_name = 'person_id'",
                    ))
                    .await?;
                for row in rows {
                    found.insert((row.try_get("", "table_name")?, row.try_get("", "column_name")?));
                }
            }
        }
        Ok(found.into_iter().collect())
    }
}

fn consent_row(c: &Consent) -> consent::ActiveModel {
    consent::ActiveModel {
        id: Set(c.id.0),
        person_id: Set(c.subject.0),
        kind: Set(c.kind.code().to_owned()),
        purpose: Set(c.purpose.clone()),
        categories: Set(serde_json::to_string(&c.categories).expect("strings serialise")),
        document: Set(c.document.clone()),
        given_at: Set(c.given_at),
        recorded_by: Set(c.recorded_by.clone()),
        withdrawn_at: Set(c.withdrawn_at),
        destroy_by: Set(c.destroy_by),
        destroyed_at: Set(c.destroyed_at),
    }
}

fn consent_from(row: consent::Model) -> Result<Consent, PrivacyStoreError> {
    Ok(Consent {
        id: ConsentId(row.id),
        subject: SubjectId(row.person_id),
        kind: ConsentKind::parse(&row.kind).ok_or_else(|| corrupt("consents.kind", &row.kind))?,
        categories: serde_json::from_str(&row.categories)
            .map_err(|_| corrupt("consents.categories", &row.categories))?,
        purpose: row.purpose,
        document: row.document,
        given_at: row.given_at,
        recorded_by: row.recorded_by,
        withdrawn_at: row.withdrawn_at,
        destroy_by: row.destroy_by,
        destroyed_at: row.destroyed_at,
    })
}

fn request_row(r: &SubjectRequest) -> subject_request::ActiveModel {
    subject_request::ActiveModel {
        id: Set(r.id.0),
        person_id: Set(r.subject.0),
        received_on: Set(r.received_on),
        due_on: Set(r.due_on),
        due_predicted: Set(r.due_predicted),
        extended_to: Set(r.extension.as_ref().map(|(on, _)| *on)),
        extension_reason: Set(r.extension.as_ref().map(|(_, why)| why.clone())),
        answered_on: Set(r.answered_on),
    }
}

fn request_from(row: subject_request::Model) -> SubjectRequest {
    SubjectRequest {
        id: SubjectRequestId(row.id),
        subject: SubjectId(row.person_id),
        received_on: row.received_on,
        due_on: row.due_on,
        due_predicted: row.due_predicted,
        extension: row.extended_to.zip(row.extension_reason),
        answered_on: row.answered_on,
    }
}

fn all_consents(rows: Vec<consent::Model>) -> Result<Vec<Consent>, PrivacyStoreError> {
    rows.into_iter().map(consent_from).collect()
}

#[async_trait]
impl ConsentRepo for SqlPrivacy {
    async fn insert(&self, c: &Consent, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        let txn = self.begin().await?;
        consent::Entity::insert(consent_row(c)).exec_without_returning(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, c: &Consent, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        let txn = self.begin().await?;
        consent::Entity::update(consent_row(c)).exec(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn mark_destroyed(
        &self,
        id: ConsentId,
        at: chrono::DateTime<chrono::Utc>,
        audit: &AuditEvent,
    ) -> Result<(), PrivacyStoreError> {
        let txn = self.begin().await?;
        consent::Entity::update_many()
            .col_expr(consent::Column::DestroyedAt, Expr::value(at))
            .filter(consent::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: ConsentId) -> Result<Option<Consent>, PrivacyStoreError> {
        let row = consent::Entity::find_by_id(id.0).one(self.db.connection()).await.map_err(unavailable)?;
        row.map(consent_from).transpose()
    }

    async fn of_subject(&self, subject: SubjectId) -> Result<Vec<Consent>, PrivacyStoreError> {
        let rows = consent::Entity::find()
            .filter(consent::Column::PersonId.eq(subject.0))
            .order_by(consent::Column::GivenAt, Order::Asc)
            .order_by(consent::Column::Id, Order::Asc)
            .all(self.db.connection())
            .await
            .map_err(unavailable)?;
        all_consents(rows)
    }

    async fn with_document(&self, document: &str) -> Result<Vec<Consent>, PrivacyStoreError> {
        let rows = consent::Entity::find()
            .filter(consent::Column::Document.eq(document))
            .all(self.db.connection())
            .await
            .map_err(unavailable)?;
        all_consents(rows)
    }

    async fn pending_destruction(&self) -> Result<Vec<Consent>, PrivacyStoreError> {
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

    async fn distributing(&self, subjects: &[SubjectId], purpose: &str) -> Result<Vec<Consent>, PrivacyStoreError> {
        if subjects.is_empty() {
            return Ok(Vec::new());
        }
        let rows = consent::Entity::find()
            .filter(consent::Column::PersonId.is_in(subjects.iter().map(|s| s.0)))
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
    async fn insert(&self, r: &SubjectRequest, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        let txn = self.begin().await?;
        subject_request::Entity::insert(request_row(r)).exec_without_returning(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn update(&self, r: &SubjectRequest, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        let txn = self.begin().await?;
        subject_request::Entity::update(request_row(r)).exec(&txn).await.map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn get(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, PrivacyStoreError> {
        let row = subject_request::Entity::find_by_id(id.0).one(self.db.connection()).await.map_err(unavailable)?;
        Ok(row.map(request_from))
    }

    async fn open(&self) -> Result<Vec<SubjectRequest>, PrivacyStoreError> {
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
    async fn exists(&self, subject: SubjectId) -> Result<bool, PrivacyStoreError> {
        let found = person::Entity::find_by_id(subject.0).one(self.db.connection()).await.map_err(unavailable)?;
        Ok(found.is_some())
    }

    async fn held_on_consent(&self, subject: SubjectId) -> Result<bool, PrivacyStoreError> {
        let found = person::Entity::find_by_id(subject.0).one(self.db.connection()).await.map_err(unavailable)?;
        Ok(found.is_some_and(|p| p.basis_kind == registry::model::LegalBasisKind::Consent.code()))
    }

    async fn anonymise(&self, subject: SubjectId, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        let txn = self.begin().await?;
        let Some(row) = person::Entity::find_by_id(subject.0).one(&txn).await.map_err(unavailable)? else {
            return Ok(());
        };
        let person = convert::person_from(row).map_err(|e| PrivacyStoreError::Corrupt(e.to_string()))?;
        let mut row = convert::person_row(&anonymised(&person));
        row.created_at = sea_orm::ActiveValue::NotSet;
        person::Entity::update(row).exec(&txn).await.map_err(unavailable)?;
        // A consent's document reference may carry the name ("Согласие Ивановой"): the row stays
        // as the record of lawful processing, its reference does not.
        consent::Entity::update_many()
            .col_expr(consent::Column::Document, Expr::value(registry::rules::anonymise::REMOVED))
            .filter(consent::Column::PersonId.eq(subject.0))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        self.commit_with(txn, audit).await
    }

    async fn export(&self, subject: SubjectId) -> Result<BTreeMap<String, Vec<serde_json::Value>>, PrivacyStoreError> {
        let conn = self.db.connection();
        let backend = conn.get_database_backend();
        let rows_where = |table: &str, column: &str| {
            let query = Query::select()
                .expr(Expr::cust("*"))
                .from(Alias::new(table))
                .and_where(Expr::col(Alias::new(column)).eq(subject.0))
                .to_owned();
            backend.build(&query)
        };
        let mut tables = BTreeMap::new();
        let own = JsonValue::find_by_statement(rows_where("people", "id")).all(conn).await.map_err(unavailable)?;
        tables.insert("people".to_owned(), own);
        for (table, column) in self.person_references().await.map_err(unavailable)? {
            let rows =
                JsonValue::find_by_statement(rows_where(&table, &column)).all(conn).await.map_err(unavailable)?;
            tables.entry(table).or_insert_with(Vec::new).extend(rows);
        }
        // The audit trail of what was done with the person's data, without the staff's identities.
        let trail = Query::select()
            .columns([
                Alias::new("seq"),
                Alias::new("at"),
                Alias::new("channel"),
                Alias::new("action"),
                Alias::new("outcome"),
            ])
            .from(Alias::new("audit_log"))
            .and_where(Expr::col(Alias::new("object")).eq(format!("person/{}", subject.0)))
            .order_by(Alias::new("seq"), sea_orm::sea_query::Order::Asc)
            .to_owned();
        let trail = JsonValue::find_by_statement(backend.build(&trail)).all(conn).await.map_err(unavailable)?;
        tables.insert("audit_log".to_owned(), trail);
        Ok(tables)
    }
}
