//! Personal data on SQLite and PostgreSQL: the subject access export covers every table that
//! refers to a person (checked against the database's own schema) and nobody else's data;
//! withdrawal, the destruction run and anonymisation keep every count.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use access::{Access, Assignment, LoginAttempt, TokenHash};
use audit::Gate;
use kernel::{Channel, FixedClock, Policy, Role};
use privacy::Subjects;
use privacy::rules::PUBLIC_DIRECTORY;
use privacy::{ConsentKind, NewConsent, PersonId, Privacy};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use registry::Registry;
use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
use registry::model::LegalBasisKind;
use registry::rules::anonymise::{aggregates, is_anonymised};
use registry::testing::fixtures::{self, admin};
use registry::testing::strategies::{PeopleRecords, people_records};
use storage::testing::{postgres, sqlite};
use storage::{Backend, Database, SqlAudit};
use storage_access::SqlAccess;
use storage_privacy::SqlPrivacy;
use storage_privacy::disclosure::{self, Disclosure};
use storage_registry::{RegistryPersonalData, SqlRegistry};

struct World {
    db: Database,
    registry: Registry,
    privacy: Privacy,
    anna: PersonId,
    boris: PersonId,
}

async fn world(db: Database) -> World {
    let policy = Arc::new(Policy::parse(include_str!("../../../profiles/permissions.toml")).expect("valid"));
    let gate = Gate::new(policy, SqlAudit::new(db.clone()).port(), Arc::new(FixedClock(fixtures::instant())));
    let registry = Registry::open(SqlRegistry::new(db.clone()).ports(), gate.clone()).await.expect("open");
    let ports = SqlPrivacy::new(db.clone(), vec![Arc::new(RegistryPersonalData)]).ports();
    let privacy = Privacy::open(ports, gate).await.expect("opens");
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
            subject: person.id,
            kind: ConsentKind::Processing,
            purpose: "ngo_contacts".into(),
            categories: vec!["name".into(), "phone".into()],
            document: format!("Согласие {last} v1"),
            recipient: None,
        };
        privacy.record_consent(&admin, consent).await.expect("consent");
        privacy.register_request(&admin, person.id, None).await.expect("request");
        ids.push(person.id);
    }
    World { db, registry, privacy, anna: ids[0], boris: ids[1] }
}

/// Tables about a person, read independently of the export's own walk: a table whose definition
/// mentions a person, then, until nothing changes, a table with a foreign key to one of those.
async fn tables_about_people(db: &Database) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = BTreeSet::from(["people".to_owned()]);
    match db.backend() {
        Backend::Sqlite => {
            let definitions: Vec<(String, String)> = storage::testing::query_strings(
                db,
                "SELECT name || char(9) || sql FROM sqlite_master WHERE type = 'table'",
            )
            .await
            .into_iter()
            .map(|line| {
                let (name, sql) = line.split_once('\t').expect("name and definition");
                (name.to_owned(), sql.to_owned())
            })
            .collect();
            loop {
                let before = found.len();
                for (name, sql) in &definitions {
                    let refers = found.iter().any(|t| sql.contains(&format!("REFERENCES \"{t}\"")));
                    if sql.contains("person_id") || refers {
                        found.insert(name.clone());
                    }
                }
                if found.len() == before {
                    break;
                }
            }
        }
        Backend::Postgres => {
            let with_person_column = storage::testing::query_strings(
                db,
                "SELECT DISTINCT c.relname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0
                   AND NOT a.attisdropped AND a.attname LIKE '%person%'",
            )
            .await;
            found.extend(with_person_column);
            let keys: Vec<(String, String)> = storage::testing::query_strings(
                db,
                "SELECT conrelid::regclass::text || ' ' || confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'",
            )
            .await
            .into_iter()
            .map(|line| {
                let (from, to) = line.split_once(' ').expect("two tables");
                (from.to_owned(), to.to_owned())
            })
            .collect();
            loop {
                let before = found.len();
                for (from, to) in &keys {
                    if found.contains(to) {
                        found.insert(from.clone());
                    }
                }
                if found.len() == before {
                    break;
                }
            }
        }
    }
    found
}

/// The columns of a table, read from the catalogue.
async fn columns_of(db: &Database, table: &str) -> Vec<String> {
    let sql = match db.backend() {
        Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
        Backend::Postgres => format!(
            "SELECT attname::text FROM pg_attribute WHERE attrelid = '{table}'::regclass AND attnum > 0 AND NOT attisdropped"
        ),
    };
    storage::testing::query_strings(db, &sql).await
}

/// Column names that may hold a credential or another secret.
fn looks_secret(column: &str) -> bool {
    ["hash", "token", "secret", "passw", "key", "salt", "credential", "nonce"].iter().any(|word| column.contains(word))
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
        let memberships = w.registry.memberships_of_people(&admin, &[w.anna, w.boris]).await;
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
    let boris = w.registry.personal_data(&admin, &[w.boris]).await.expect("contacts");
    assert_eq!(boris[0].phones.len(), 1, "the other person is untouched");
    audit::verify_log(SqlAudit::new(w.db.clone()).port().as_ref(), None).await.expect("the audit chain still verifies");
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
        recipient: None,
    };
    let consents = SqlPrivacy::new(w.db.clone(), vec![Arc::new(RegistryPersonalData)]).ports().consents;
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

/// Parallel consents from one document: each checks the document inside its own transaction,
/// so of twelve purposes exactly one is stored, and of six identical consents exactly one.
async fn parallel_consents_from_one_document_keep_one_purpose(w: World) {
    let admin = admin();
    let privacy = Arc::new(w.privacy);
    let consent = |purpose: String, document: &str| NewConsent {
        subject: w.anna,
        kind: ConsentKind::Processing,
        purpose,
        categories: vec!["name".into()],
        document: document.into(),
        recipient: None,
    };
    let race = |consents: Vec<NewConsent>| {
        let tasks: Vec<_> = consents
            .into_iter()
            .map(|c| {
                let (privacy, admin) = (privacy.clone(), admin.clone());
                tokio::spawn(async move { privacy.record_consent(&admin, c).await })
            })
            .collect();
        async move {
            let mut outcomes = Vec::new();
            for task in tasks {
                outcomes.push(task.await.expect("the task ends"));
            }
            outcomes
        }
    };
    let purposes = race((0..12).map(|n| consent(format!("purpose_{n}"), "Общее согласие v1")).collect()).await;
    let stored = purposes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(stored, 1, "one purpose per document, whatever the timing: {purposes:?}");
    assert!(
        purposes
            .iter()
            .filter_map(|o| o.as_ref().err())
            .all(|e| matches!(e, privacy::PrivacyError::Rule(privacy::PrivacyRuleError::OnePurposePerDocument { .. }))),
        "the others are refused by the rule, not by a failure: {purposes:?}"
    );
    let repeats = race((0..6).map(|_| consent("training".into(), "Согласие на обучение v1")).collect()).await;
    assert_eq!(repeats.iter().filter(|o| o.is_ok()).count(), 1, "one active consent, however often sent: {repeats:?}");
    let held = privacy.consents_of(&admin, w.anna).await.expect("consents");
    let from = |document: &str| held.iter().filter(|c| c.document == document).count();
    assert_eq!((from("Общее согласие v1"), from("Согласие на обучение v1")), (1, 1), "nothing else was written");
}

storage::on_both_databases!(parallel_consents_from_one_document_keep_one_purpose, |db| async {
    parallel_consents_from_one_document_keep_one_purpose(world(db).await).await
});

async fn every_column_about_a_person_is_classified_and_secrets_are_withheld(db: &Database) {
    let mut tables = tables_about_people(db).await;
    assert!(tables.contains("sessions") && tables.contains("accounts"), "the walk reaches accounts: {tables:?}");
    tables.insert(disclosure::AUDIT_TABLE.to_owned());
    let (mut unclassified, mut exported_secrets, mut stale) = (Vec::new(), Vec::new(), Vec::new());
    let mut present = BTreeSet::new();
    for table in &tables {
        for column in columns_of(db, table).await {
            match disclosure::disclosure(table, &column) {
                None => unclassified.push(format!("{table}.{column}")),
                Some(Disclosure::Export) if looks_secret(&column) => exported_secrets.push(format!("{table}.{column}")),
                Some(_) => {}
            }
            present.insert((table.clone(), column));
        }
    }
    for (table, column, _) in disclosure::COLUMNS {
        if !present.contains(&(table.to_string(), column.to_string())) {
            stale.push(format!("{table}.{column}"));
        }
    }
    assert!(unclassified.is_empty(), "classify these columns in storage_privacy::disclosure: {unclassified:?}");
    assert!(exported_secrets.is_empty(), "these look like secrets and must be withheld: {exported_secrets:?}");
    assert!(stale.is_empty(), "classified columns the database does not have: {stale:?}");
}

#[tokio::test]
async fn every_column_about_a_person_is_classified_and_secrets_are_withheld_on_sqlite() {
    let (db, _file) = sqlite().await;
    every_column_about_a_person_is_classified_and_secrets_are_withheld(&db).await;
}

#[tokio::test]
async fn every_column_about_a_person_is_classified_and_secrets_are_withheld_on_postgres() {
    let Some(db) = postgres("every_column_about_a_person_is_classified_and_secrets_are_withheld_on_postgres").await
    else {
        return;
    };
    every_column_about_a_person_is_classified_and_secrets_are_withheld(&db).await;
}

async fn the_export_of_a_person_with_an_account_holds_no_credential_and_the_audit_rows_of_their_records(w: World) {
    let admin = admin();
    let gate = Gate::new(
        Arc::new(Policy::parse(include_str!("../../../profiles/permissions.toml")).expect("valid")),
        SqlAudit::new(w.db.clone()).port(),
        Arc::new(FixedClock(fixtures::instant())),
    );
    let ports = SqlAccess::new(w.db.clone()).ports();
    let accounts = ports.accounts.clone();
    let access = Access::open(ports, gate).await.expect("opens");
    let volunteer = Assignment { person: Some(w.anna), ..Assignment::role(Role::Volunteer) };
    access.add_account(&admin, "anna.volunteer", &volunteer, "a long password of Anna").await.expect("account");
    let attempt = LoginAttempt {
        login: "anna.volunteer",
        password: "a long password of Anna",
        peer: "192.0.2.1",
        channel: Channel::Graphql,
        request_id: "test-login",
    };
    let issued = access.login(attempt).await.expect("login");
    let password_hash = accounts.by_login("anna.volunteer").await.expect("read").expect("exists").password_hash;
    assert!(password_hash.starts_with("$argon2id$"));
    let token_hash = TokenHash::of(&issued.token).0;

    // A staff member with a login of their own processes the data; others probe the records.
    let mut staff = fixtures::actor(Role::Coordinator, None, None);
    staff.login = "staff.ivanova".into();
    let directory = NewConsent {
        subject: w.anna,
        kind: ConsentKind::Distribution,
        purpose: PUBLIC_DIRECTORY.into(),
        categories: vec!["name".into()],
        document: "Согласие Р-5".into(),
        recipient: None,
    };
    w.privacy.record_consent(&staff, directory).await.expect("consent");
    let trainer = fixtures::actor(Role::Trainer, None, None);
    let mut records = BTreeMap::new();
    for (subject, name) in [(w.anna, "anna"), (w.boris, "boris")] {
        let consent = w.privacy.consents_of(&admin, subject).await.expect("consents")[0].id;
        let request = w.privacy.open_requests(&admin).await.expect("requests");
        let request = request.iter().find(|r| r.subject == subject).expect("a request").id;
        assert!(w.privacy.withdraw_consent(&trainer, consent).await.is_err(), "a trainer may not");
        assert!(w.privacy.extend_request(&trainer, request, "причина").await.is_err(), "a trainer may not");
        let person = subject;
        let membership = w.registry.memberships_of_people(&admin, &[person]).await.expect("memberships")[0].id;
        let objects = [
            format!("person/{}", subject.0),
            format!("membership/{}", membership.0),
            format!("consent/{}", consent.0),
            format!("subject_request/{}", request.0),
        ];
        records.insert(name, objects);
    }

    let export = w.privacy.export(&admin, w.anna).await.expect("export");
    let text = serde_json::to_string(&export).expect("serialises");
    for secret in [password_hash.as_str(), "$argon2", token_hash.as_str(), "password_hash", "token_hash"] {
        assert!(!text.contains(secret), "a credential ({secret}) left in the export");
    }
    assert!(!text.contains("staff.ivanova"), "a staff member's login left in the export");
    assert_eq!(export.tables["accounts"].len(), 1, "the person's account is data about them");
    assert_eq!(export.tables["accounts"][0]["login"], "anna.volunteer");
    assert_eq!(export.tables["sessions"].len(), 1, "so are the sessions of their account");

    let trail = &export.tables[disclosure::AUDIT_TABLE];
    let named: BTreeSet<&str> = trail.iter().filter_map(|row| row["object"].as_str()).collect();
    for object in &records["anna"] {
        assert!(named.contains(object.as_str()), "the audit rows about {object} are missing: {named:?}");
    }
    let account = format!("account/{}", issued.account.id.0);
    assert!(named.contains(account.as_str()), "the audit rows about the person's account are missing");
    for object in &records["boris"] {
        assert!(!text.contains(object.as_str()), "an audit row about another person's record: {object}");
    }
    let denied = trail.iter().filter(|row| row["outcome"] == "denied" && row["role"] == "trainer").count();
    assert_eq!(denied, 2, "the refused attempts on the person's records are there, by role: {trail:?}");
    for row in trail {
        let keys: BTreeSet<&str> = row.as_object().expect("a row").keys().map(String::as_str).collect();
        assert!(keys.contains("at") && keys.contains("action") && keys.contains("role"), "{keys:?}");
        assert!(!keys.contains("login") && !keys.contains("account_id") && !keys.contains("hash"), "{keys:?}");
    }
}

#[tokio::test]
async fn the_export_of_a_person_with_an_account_holds_no_credential_and_the_audit_rows_of_their_records_on_sqlite() {
    let (db, _file) = sqlite().await;
    the_export_of_a_person_with_an_account_holds_no_credential_and_the_audit_rows_of_their_records(world(db).await)
        .await;
}

#[tokio::test]
async fn the_export_of_a_person_with_an_account_holds_no_credential_and_the_audit_rows_of_their_records_on_postgres() {
    let Some(db) = postgres(
        "the_export_of_a_person_with_an_account_holds_no_credential_and_the_audit_rows_of_their_records_on_postgres",
    )
    .await
    else {
        return;
    };
    the_export_of_a_person_with_an_account_holds_no_credential_and_the_audit_rows_of_their_records(world(db).await)
        .await;
}

/// Generated organisations, people and memberships written through the registry's ports, some
/// people anonymised by the privacy store, and the aggregates of everything read back compared
/// (as the reports would count them: memberships joined to their person and organisation).
fn anonymising_in_the_database_keeps_every_aggregate(runtime: &tokio::runtime::Runtime, db: &Database) {
    let registry = SqlRegistry::new(db.clone()).ports();
    let store = SqlPrivacy::new(db.clone(), vec![Arc::new(RegistryPersonalData)]);
    let strategy = people_records().prop_flat_map(|records| {
        let n = records.people.len();
        (Just(records), proptest::collection::vec(any::<bool>(), n))
    });
    let mut runner = TestRunner::new(ProptestConfig { cases: 12, failure_persistence: None, ..Default::default() });
    let outcome = runner.run(&strategy, |(records, chosen)| {
        // Shrinking runs a case again: new ids keep its rows apart from the earlier run's.
        let records = with_fresh_ids(records);
        runtime.block_on(async {
            let event = audit::testing::event(1);
            for org in &records.organizations {
                registry.organizations.insert(org, &event).await.expect("organisation");
            }
            for person in &records.people {
                registry.people.insert(person, &event).await.expect("person");
            }
            for membership in &records.memberships {
                registry.memberships.insert(membership, &event).await.expect("membership");
            }
            let org_ids: Vec<_> = records.organizations.iter().map(|o| o.id).collect();
            let person_ids: Vec<_> = records.people.iter().map(|p| p.id).collect();
            let counted = || async {
                let orgs = registry.organizations.get_many(&org_ids).await.expect("organisations");
                let people = registry.people.get_many(&person_ids).await.expect("people");
                let memberships = registry.memberships.of_organizations(&org_ids).await.expect("memberships");
                (aggregates(&orgs, &people, &memberships), people)
            };
            let (before, _) = counted().await;
            prop_assert_eq!(&before, &aggregates(&records.organizations, &records.people, &records.memberships));
            for (person, anonymise) in records.people.iter().zip(&chosen) {
                if *anonymise {
                    store.anonymise(person.id, &event).await.expect("anonymise");
                }
            }
            let (after, people) = counted().await;
            prop_assert_eq!(after, before);
            for (original, anonymise) in records.people.iter().zip(&chosen) {
                let stored = people.iter().find(|p| p.id == original.id).expect("still there");
                if *anonymise {
                    prop_assert!(is_anonymised(stored), "{:?}", stored);
                } else {
                    prop_assert_eq!(stored, original, "someone else was changed");
                }
            }
            Ok(())
        })
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// The same records under new ids.
fn with_fresh_ids(mut records: PeopleRecords) -> PeopleRecords {
    let mut organizations = BTreeMap::new();
    for org in &mut records.organizations {
        let id = registry::model::OrganizationId::new();
        organizations.insert(org.id, id);
        org.id = id;
    }
    let mut people = BTreeMap::new();
    for person in &mut records.people {
        let id = registry::model::PersonId::new();
        people.insert(person.id, id);
        person.id = id;
    }
    for membership in &mut records.memberships {
        membership.id = registry::model::MembershipId::new();
        membership.person = people[&membership.person];
        membership.organization = organizations[&membership.organization];
    }
    records
}

#[test]
fn anonymising_in_the_database_keeps_every_aggregate_on_sqlite() {
    let runtime = crate::runtime();
    let (db, _file) = runtime.block_on(sqlite());
    anonymising_in_the_database_keeps_every_aggregate(&runtime, &db);
}

#[test]
fn anonymising_in_the_database_keeps_every_aggregate_on_postgres() {
    let runtime = crate::runtime();
    let Some(db) = runtime.block_on(postgres("anonymising_in_the_database_keeps_every_aggregate_on_postgres")) else {
        return;
    };
    anonymising_in_the_database_keeps_every_aggregate(&runtime, &db);
}

#[test]
fn each_column_is_classified_once_and_every_withheld_column_says_why() {
    let mut seen = std::collections::BTreeSet::new();
    for (table, column, class) in disclosure::COLUMNS {
        assert!(seen.insert((table, column)), "{table}.{column} is classified twice");
        if let Disclosure::Withheld(reason) = class {
            assert!(reason.len() > 20, "{table}.{column}: give the reason");
        }
    }
    assert!(matches!(disclosure::disclosure("accounts", "password_hash"), Some(Disclosure::Withheld(_))));
    assert_eq!(disclosure::disclosure("accounts", "shoe_size"), None);
}
