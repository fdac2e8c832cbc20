//! The services ports' contract on SQLite and on PostgreSQL, over the registry's organisations
//! and people and the privacy domain's consents; and request numbers that stay unique when
//! requests arrive in parallel.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use audit::{AuditEvent, Outcome, object};
use kernel::{OrganizationId, PersonId, Term};
use privacy::{ConsentId, ConsentKind};
use registry::ports::{OrganizationRepo, PersonRepo, ReferenceRepo};
use services_catalog::model::request::Applicant;
use services_catalog::ports::REFERRAL_CONSENT_PURPOSE;
use services_catalog::testing::{contract, fixtures};
use storage::testing::{execute_sql, query_strings};
use storage::{Database, SqlAudit};
use storage_privacy::SqlPrivacy;
use storage_registry::SqlRegistry;
use storage_services::SqlServices;

/// The registry's and privacy's stores, making the records services rows name.
struct SqlWorld {
    access: access::AccessPorts,
    registry: SqlRegistry,
    privacy: SqlPrivacy,
    next: AtomicU32,
}

fn setup(n: u32) -> AuditEvent {
    AuditEvent::new(
        &audit::testing::coordinator(),
        "setup",
        object("setup", n),
        Outcome::Success,
        audit::testing::instant(),
    )
}

#[async_trait]
impl contract::World for SqlWorld {
    async fn organization(&self) -> OrganizationId {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let organization = registry::testing::fixtures::organization(n);
        OrganizationRepo::insert(&self.registry, &organization, &setup(n)).await.expect("an organisation");
        organization.id
    }

    async fn person(&self) -> PersonId {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let person = registry::testing::fixtures::person("Иванова");
        PersonRepo::insert(&self.registry, &person, &setup(n)).await.expect("a person");
        person.id
    }

    async fn terms(&self, terms: &[Term]) {
        self.registry.upsert(terms, &setup(0)).await.expect("terms");
    }

    async fn staff(&self, login: &str, role: kernel::Role) {
        let account = access::Account {
            id: access::AccountId::new(),
            login: login.to_owned(),
            role,
            organization: None,
            person: None,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
            disabled: false,
            created_at: audit::testing::instant(),
            unlocked_at: None,
        };
        self.access.accounts.insert(&account, &setup(0)).await.expect("an account");
    }

    async fn close(&self, organization: OrganizationId) {
        let mut stored = OrganizationRepo::get(&self.registry, organization).await.expect("read").expect("stored");
        stored.status = registry::model::OrgStatus::Liquidated { on: registry::testing::fixtures::day(2026, 11, 30) };
        stored.version += 1;
        OrganizationRepo::update(&self.registry, &stored, &setup(0)).await.expect("liquidated");
    }

    async fn consent(&self, person: PersonId, organization: OrganizationId, given: bool) {
        let consents = self.privacy.ports().consents;
        let held = consents.of_subject(person).await.expect("consents");
        let active = held.into_iter().find(|c| c.recipient == Some(organization) && c.is_active());
        match (active, given) {
            (None, true) => {
                let n = self.next.fetch_add(1, Ordering::SeqCst);
                let consent = privacy::Consent {
                    id: ConsentId::new(),
                    subject: person,
                    kind: ConsentKind::Processing,
                    purpose: REFERRAL_CONSENT_PURPOSE.into(),
                    categories: vec!["name".into(), "phone".into()],
                    document: format!("Согласие на передачу данных № {n}"),
                    recipient: Some(organization),
                    given_at: audit::testing::instant(),
                    recorded_by: "coordinator".into(),
                    withdrawn_at: None,
                    destroy_by: None,
                    destroyed_at: None,
                };
                consents.insert(&consent, &setup(n)).await.expect("a consent");
            }
            (Some(mut consent), false) => {
                consent.withdrawn_at = Some(audit::testing::instant());
                consents.update(&consent, &setup(0)).await.expect("withdrawn");
            }
            _ => {}
        }
    }
}

fn stores(db: Database) -> contract::Stores {
    contract::Stores {
        ports: SqlServices::new(db.clone()).ports(),
        audit: SqlAudit::new(db.clone()).port(),
        world: Arc::new(SqlWorld {
            access: storage_access::SqlAccess::new(db.clone()).ports(),
            registry: SqlRegistry::new(db.clone()),
            privacy: SqlPrivacy::new(db, Vec::new()),
            next: AtomicU32::new(1),
        }),
    }
}

storage::on_both_databases!(the_services_catalog_ports_keep_the_contract, |db| contract::all(stores(db)));

storage::on_both_databases!(
    /// Sixteen requests stored at once from parallel tasks get sixteen different numbers, 1 to 16.
    parallel_requests_get_distinct_consecutive_numbers,
    |db| async move {
        let stores = stores(db.clone());
        let organization = stores.world.organization().await;
        let tasks: Vec<_> = (0..16)
            .map(|n| {
                let requests = stores.ports.requests.clone();
                tokio::spawn(async move {
                    let at = audit::testing::instant();
                    let r = fixtures::request(Applicant::Organization(organization), fixtures::day(2026, 11, 2), at);
                    let audit = AuditEvent::new(&audit::testing::coordinator(), "request.submit", object("request", n), Outcome::Success, at);
                    requests.insert(&r, &fixtures::event(&r, "receive", at), &audit, None).await
                })
            })
            .collect();
        let mut numbers = Vec::new();
        for task in tasks {
            numbers.push(task.await.expect("the task ran").expect("stored"));
        }
        numbers.sort();
        let expected: Vec<String> = (1..=16).map(|n| format!("2026-{n:05}")).collect();
        assert_eq!(numbers, expected);
    }
);

storage::on_both_databases!(
    /// Eight posts of one appeal form stored at once from parallel tasks: exactly one request is
    /// stored, the others meet its key and store nothing.
    parallel_posts_of_one_form_store_one_request,
    |db| async move {
        let stores = stores(db.clone());
        let key = "c4".repeat(32);
        let tasks: Vec<_> = (0..8)
            .map(|n| {
                let (requests, key) = (stores.ports.requests.clone(), key.clone());
                tokio::spawn(async move {
                    let at = audit::testing::instant();
                    let r = fixtures::request(fixtures::citizen("Иванова Анна"), fixtures::day(2026, 11, 2), at);
                    let audit = AuditEvent::new(&audit::testing::coordinator(), "request.submit", object("request", n), Outcome::Success, at);
                    requests.insert(&r, &fixtures::event(&r, "receive", at), &audit, Some(&key)).await
                })
            })
            .collect();
        let (mut stored, mut refused) = (0, 0);
        for task in tasks {
            match task.await.expect("the task ran") {
                Ok(_) => stored += 1,
                Err(kernel::StoreError::Conflict(services_catalog::Conflict::DuplicateSubmission)) => refused += 1,
                Err(other) => panic!("neither stored nor a duplicate: {other:?}"),
            }
        }
        assert_eq!((stored, refused), (1, 7));
        assert_eq!(query_strings(&db, "SELECT number FROM requests").await, ["2026-00001"]);
    }
);

storage::on_both_databases!(
    /// A request row edited behind the system's back (a deadline before registration, an
    /// unknown state) reads as corrupt, never as a request.
    an_edited_request_row_is_corrupt,
    |db| async move {
        let stores = stores(db.clone());
        let person = stores.world.person().await;
        let at = audit::testing::instant();
        let r = fixtures::request(Applicant::Person(person), fixtures::day(2026, 11, 2), at);
        let audit = AuditEvent::new(&audit::testing::coordinator(), "request.submit", object("request", 1), Outcome::Success, at);
        stores.ports.requests.insert(&r, &fixtures::event(&r, "receive", at), &audit, None).await.expect("stored");
        execute_sql(&db, "UPDATE requests SET state = 'lost'").await.expect("edited");
        assert!(matches!(stores.ports.requests.get(r.id).await, Err(kernel::StoreError::Corrupt(_))));
        assert_eq!(query_strings(&db, "SELECT number FROM requests").await, ["2026-00001"]);
    }
);
