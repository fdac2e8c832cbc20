//! Personal data on SQLite and PostgreSQL: the subject access export covers every table that
//! refers to a person (checked against the database's own schema) and nobody else's data;
//! withdrawal, the destruction run and anonymisation keep every count.

use std::collections::BTreeSet;
use std::sync::Arc;

use audit::Gate;
use kernel::{FixedClock, Policy};
use privacy::rules::PUBLIC_DIRECTORY;
use privacy::{ConsentKind, NewConsent, Privacy, SubjectId};
use registry::Registry;
use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
use registry::model::LegalBasisKind;
use registry::testing::fixtures::{self, admin};
use storage::testing::{postgres, sqlite};
use storage::{Backend, Database, SqlAudit, SqlPrivacy, SqlRegistry};

struct World {
    db: Database,
    registry: Registry,
    privacy: Privacy,
    anna: SubjectId,
    boris: SubjectId,
}

async fn world(db: Database) -> World {
    let policy = Arc::new(Policy::parse(include_str!("../../../profiles/permissions.toml")).expect("valid"));
    let gate = Gate::new(policy, SqlAudit::new(db.clone()).port(), Arc::new(FixedClock(fixtures::instant())));
    let registry = Registry::open(SqlRegistry::new(db.clone()).ports(), gate.clone()).await.expect("open");
    let (consents, requests, subjects) = SqlPrivacy::new(db.clone()).ports();
    let privacy = Privacy::new(consents, requests, subjects, gate);
    let admin = admin();
    registry.seed_references(&admin, &fixtures::terms()).await.expect("seed");
    let org = OrganizationInput {
        full_name: "АНО «Вместе»".into(),
        legal_form: "ano".into(),
        inn: Some(fixtures::inn_number(1)),
        ..Default::default()
    };
    let org = registry.create_organization(&admin, &org).await.expect("org");
    let basis = LegalBasisInput {
        kind: LegalBasisKind::Consent,
        purpose: "учёт контактов".into(),
        since: fixtures::day(2026, 1, 10),
        document: Some("Согласие №5".into()),
    };
    let mut ids = Vec::new();
    for (last, phone) in [("Канареечкина", "+7 900 111-11-11"), ("Борисов", "+7 900 222-22-22")] {
        let input = PersonInput {
            last_name: last.into(),
            first_name: "Тест".into(),
            phones: vec![phone.into()],
            emails: vec![format!("{}@example.org", phone.len() + last.len())],
            ..Default::default()
        };
        let person = registry.add_person(&admin, &input, &basis).await.expect("person");
        registry.add_membership(&admin, person.id, org.id, "волонтёр", None).await.expect("membership");
        let consent = NewConsent {
            subject: SubjectId(person.id.0),
            kind: ConsentKind::Processing,
            purpose: "ngo_contacts".into(),
            categories: vec!["name".into(), "phone".into()],
            document: format!("Согласие {last} v1"),
        };
        privacy.record_consent(&admin, consent).await.expect("consent");
        privacy.register_request(&admin, SubjectId(person.id.0), None).await.expect("request");
        ids.push(SubjectId(person.id.0));
    }
    World { db, registry, privacy, anna: ids[0], boris: ids[1] }
}

/// Tables whose definition mentions a person, read independently of the export's own walk.
async fn tables_about_people(db: &Database) -> BTreeSet<String> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND (sql LIKE '%person_id%' OR sql LIKE '%REFERENCES \"people\"%')"
        }
        Backend::Postgres => {
            "SELECT DISTINCT table_name::text AS t FROM information_schema.columns WHERE table_schema = current_schema() AND column_name LIKE '%person%'"
        }
    };
    storage::testing::query_strings(db, sql).await.into_iter().collect()
}

async fn the_export_is_complete_and_about_one_person(w: World) {
    let export = w.privacy.export(&admin(), w.anna).await.expect("export");
    let listed: BTreeSet<String> = export.tables.keys().cloned().collect();
    let expected = tables_about_people(&w.db).await;
    assert!(expected.len() >= 4, "people's tables found: {expected:?}");
    let missing: Vec<_> = expected.difference(&listed).collect();
    assert!(missing.is_empty(), "tables about people missing from the export: {missing:?}");
    for table in ["people", "memberships", "consents", "subject_requests", "audit_log"] {
        assert!(!export.tables[table].is_empty(), "{table} has rows about the person");
    }
    let text = serde_json::to_string(&export).expect("serialises");
    assert!(text.contains("Канареечкина"), "the person's own data are there");
    for canary in ["Борисов", "222-22-22", "79002222222", &w.boris.0.to_string()] {
        assert!(!text.contains(canary), "another person's data ({canary}) leaked into the export");
    }
}

#[tokio::test]
async fn the_subject_export_is_complete_and_about_one_person_on_sqlite() {
    let (db, _file) = sqlite().await;
    the_export_is_complete_and_about_one_person(world(db).await).await;
}

#[tokio::test]
async fn the_subject_export_is_complete_and_about_one_person_on_postgres() {
    let Some(db) = postgres("the_subject_export_is_complete_and_about_one_person_on_postgres").await else {
        return;
    };
    the_export_is_complete_and_about_one_person(world(db).await).await;
}

async fn withdrawal_ends_in_anonymisation_that_keeps_the_counts(w: World) {
    let admin = admin();
    let counts = || async {
        let summary =
            w.registry.people(&admin, &Default::default(), kernel::PageRequest::new(100, None).unwrap()).await;
        let memberships = w
            .registry
            .memberships_of_people(&admin, &[registry::model::PersonId(w.anna.0), registry::model::PersonId(w.boris.0)])
            .await;
        (summary.expect("people").total, memberships.expect("memberships").len())
    };
    let before = counts().await;
    let consent = w.privacy.consents_of(&admin, w.anna).await.expect("consents").remove(0);
    w.privacy.withdraw_consent(&admin, consent.id).await.expect("withdraw");
    let report = w.privacy.run(&admin).await.expect("run");
    assert_eq!((report.destroyed, report.anonymised), (1, 1));
    assert_eq!(w.privacy.run(&admin).await.expect("run again").destroyed, 0, "idempotent");
    assert_eq!(counts().await, before, "every count stays");
    let text = serde_json::to_string(&w.privacy.export(&admin, w.anna).await.expect("export")).expect("json");
    for identifier in ["Канареечкина", "111-11-11", "79001111111", "Согласие №5"] {
        assert!(!text.contains(identifier), "{identifier} survived anonymisation");
    }
    let boris = w.registry.personal_data(&admin, &[registry::model::PersonId(w.boris.0)]).await.expect("contacts");
    assert_eq!(boris[0].phones.len(), 1, "the other person is untouched");
    audit::verify_log(SqlAudit::new(w.db.clone()).port().as_ref()).await.expect("the audit chain still verifies");
}

#[tokio::test]
async fn withdrawal_ends_in_anonymisation_that_keeps_the_counts_on_sqlite() {
    let (db, _file) = sqlite().await;
    withdrawal_ends_in_anonymisation_that_keeps_the_counts(world(db).await).await;
}

#[tokio::test]
async fn withdrawal_ends_in_anonymisation_that_keeps_the_counts_on_postgres() {
    let Some(db) = postgres("withdrawal_ends_in_anonymisation_that_keeps_the_counts_on_postgres").await else {
        return;
    };
    withdrawal_ends_in_anonymisation_that_keeps_the_counts(world(db).await).await;
}

async fn only_a_distribution_consent_for_the_directory_publishes(w: World) {
    let admin = admin();
    let consent = |subject, purpose: &str, document: &str| NewConsent {
        subject,
        kind: ConsentKind::Distribution,
        purpose: purpose.into(),
        categories: vec!["name".into(), "phone".into()],
        document: document.into(),
    };
    let (consents, _, _) = SqlPrivacy::new(w.db.clone()).ports();
    let both = [w.anna, w.boris];
    w.privacy.record_consent(&admin, consent(w.anna, "newsletter", "Рассылка v1")).await.expect("newsletter");
    let found = consents.distributing(&both, PUBLIC_DIRECTORY).await.expect("query");
    assert!(found.is_empty(), "the directory's query asks for the purpose: {found:?}");
    assert!(w.privacy.publishable(&both).await.expect("publishable").is_empty(), "a newsletter publishes nobody");
    w.privacy.record_consent(&admin, consent(w.boris, PUBLIC_DIRECTORY, "Каталог v1")).await.expect("directory");
    let found = consents.distributing(&both, PUBLIC_DIRECTORY).await.expect("query");
    assert_eq!(found.iter().map(|c| c.subject).collect::<Vec<_>>(), vec![w.boris]);
    let shown = w.privacy.publishable(&both).await.expect("publishable");
    assert_eq!(shown.keys().copied().collect::<Vec<_>>(), vec![w.boris]);
}

#[tokio::test]
async fn only_a_distribution_consent_for_the_directory_publishes_on_sqlite() {
    let (db, _file) = sqlite().await;
    only_a_distribution_consent_for_the_directory_publishes(world(db).await).await;
}

#[tokio::test]
async fn only_a_distribution_consent_for_the_directory_publishes_on_postgres() {
    let Some(db) = postgres("only_a_distribution_consent_for_the_directory_publishes_on_postgres").await else {
        return;
    };
    only_a_distribution_consent_for_the_directory_publishes(world(db).await).await;
}
