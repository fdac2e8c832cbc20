//! The personal-data hooks the composition root registers, on SQLite and on PostgreSQL, through
//! the services it builds: after a person is anonymised no direct identifier of theirs is left in
//! any table the subject export walks (every column, the ones the export withholds too), nobody
//! else's is touched, the registry's aggregates stay, and anonymising twice changes nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use access::{Assignment, LoginAttempt, LoginLimits};
use kernel::{Channel, FixedClock, Policy, Role};
use privacy::{ConsentKind, NewConsent, PersonId};
use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
use registry::model::{LegalBasisKind, Person};
use registry::rules::anonymise::{PeopleAggregates, aggregates};
use registry::testing::fixtures::{self, admin};
use storage::Database;
use storage::testing::all_rows;
use storage_privacy::SqlPrivacy;
use storage_registry::SqlRegistry;
use system::Services;

/// A person's direct identifiers as stored, lower-cased (the search key holds the names so).
fn identifiers(person: &Person, consent_document: &str) -> Vec<String> {
    let p = &person.profile;
    [p.last_name.to_string(), p.first_name.to_string(), consent_document.to_owned()]
        .into_iter()
        .chain(p.middle_name.iter().map(ToString::to_string))
        .chain(p.phones.iter().map(ToString::to_string))
        .chain(p.emails.iter().map(ToString::to_string))
        .chain(person.legal_basis.document.iter().map(ToString::to_string))
        .map(|identifier| identifier.to_lowercase())
        .collect()
}

/// Every row of every table the export walks (all but the append-only audit log), lower-cased.
async fn tables_about_people(db: &Database) -> BTreeMap<String, String> {
    let store = SqlPrivacy::new(db.clone(), system::personal_data::hooks());
    let links = store.person_links().await.expect("the catalogue");
    let mut tables = BTreeMap::new();
    for table in links.iter().map(|l| l.table.as_str()).chain(["people"]) {
        let rows = serde_json::to_string(&all_rows(db, table).await).expect("rows serialise");
        tables.insert(table.to_owned(), rows.to_lowercase());
    }
    assert!(tables.len() >= 6, "the walk reaches people, memberships, consents, requests, accounts, sessions");
    tables
}

async fn registry_aggregates(db: &Database, people: &[PersonId]) -> PeopleAggregates {
    let ports = SqlRegistry::new(db.clone()).ports();
    let people = ports.people.get_many(people).await.expect("people");
    let memberships = ports.memberships.of_people(&people.iter().map(|p| p.id).collect::<Vec<_>>()).await;
    let memberships = memberships.expect("memberships");
    let mut organizations: Vec<_> = memberships.iter().map(|m| m.organization).collect();
    organizations.dedup();
    let organizations = ports.organizations.get_many(&organizations).await.expect("organisations");
    aggregates(&organizations, &people, &memberships)
}

/// Adds a person with a membership, a consent whose document names them, a subject request,
/// and the services records a person is named in: a request of theirs whose topic and text name
/// them, a referral of them (on a consent naming the NGO) with a note naming them, and a service
/// given to them with an outcome naming them. Returns the person's id and direct identifiers.
async fn person(
    services: &Services,
    last_name: &str,
    phone: &str,
    org: registry::model::OrganizationId,
    shelter: services_catalog::model::directory::DirectoryServiceId,
) -> (PersonId, Vec<String>) {
    let admin = admin();
    let input = PersonInput {
        last_name: last_name.into(),
        first_name: format!("{last_name}-имя"),
        middle_name: Some(format!("{last_name}-отчество")),
        phones: vec![phone.into()],
        emails: vec![format!("{}@example.org", phone.len() * 7 + last_name.len())],
    };
    let basis = LegalBasisInput {
        kind: LegalBasisKind::Consent,
        purpose: "учёт контактов".into(),
        since: fixtures::day(2026, 1, 10),
        document: Some(format!("Анкета {last_name}")),
    };
    let person = services.registry.add_person(&admin, &input, &basis).await.expect("person");
    services.registry.add_membership(&admin, person.id, org, "волонтёр", None).await.expect("membership");
    let document = format!("Согласие {last_name} v1");
    let consent = NewConsent {
        subject: person.id,
        kind: ConsentKind::Processing,
        purpose: "ngo_contacts".into(),
        categories: vec!["name".into(), "phone".into()],
        document: document.clone(),
        recipient: None,
    };
    services.privacy.record_consent(&admin, consent).await.expect("consent");
    services.privacy.register_request(&admin, person.id, None).await.expect("request");
    services_records(services, person.id, last_name, org, shelter).await;
    let stored = services.registry.personal_data(&admin, &[person.id]).await.expect("contacts");
    let mut found = identifiers(&person, &document);
    let contacts =
        stored[0].phones.iter().map(ToString::to_string).chain(stored[0].emails.iter().map(ToString::to_string));
    found.extend(contacts.map(|c| c.to_lowercase()));
    assert_eq!(found.len(), 7, "three names, two documents, a phone and an e-mail: {found:?}");
    (person.id, found)
}

/// A request from the person, a referral of them and a service given to them, each naming them.
async fn services_records(
    services: &Services,
    person: PersonId,
    last_name: &str,
    org: registry::model::OrganizationId,
    shelter: services_catalog::model::directory::DirectoryServiceId,
) {
    use services_catalog::model::delivery::DeliveredService;
    use services_catalog::model::request::{IntakeChannel, RequestKind};
    use services_catalog::service::{ApplicantInput, DeliveryInput, RecipientInput, ReferralInput, RequestInput};
    let (admin, catalog) = (admin(), &services.catalog);
    let request = RequestInput {
        kind: RequestKind::Citizen,
        channel: IntakeChannel::Visit,
        topic: format!("Ночлег для {last_name}"),
        service: None,
        text: format!("Пишет {last_name}: нужен ночлег"),
        attachments: Vec::new(),
        applicant: ApplicantInput::Person(person),
        consent_given: true,
        received_on: None,
    };
    let request = catalog.receive(&admin, &request).await.expect("a request");
    let consent = NewConsent {
        subject: person,
        kind: ConsentKind::Processing,
        purpose: services_catalog::ports::REFERRAL_CONSENT_PURPOSE.into(),
        categories: vec!["name".into(), "phone".into()],
        document: format!("Согласие {last_name} на передачу"),
        recipient: Some(org),
    };
    services.privacy.record_consent(&admin, consent).await.expect("a referral consent");
    let referral =
        ReferralInput {
            request: request.id, person, service: shelter, note: Some(format!("Примите {last_name}"))
        };
    catalog.refer(&admin, &referral).await.expect("a referral");
    let given = DeliveryInput {
        service: DeliveredService::Directory(shelter),
        recipient: RecipientInput::Person(person),
        delivered_on: fixtures::day(2026, 1, 20),
        quantity: 100,
        volunteer: None,
        staff: None,
        outcome: Some(format!("{last_name} размещена")),
        satisfaction: Some(5),
        request: Some(request.id),
    };
    catalog.record_deliveries(&admin, &[given]).await.expect("a delivery");
}

async fn anonymisation_leaves_no_identifier_in_any_table_about_people(db: Database) {
    let policy = Policy::parse(system::PERMISSIONS).expect("the shipped policy");
    let clock = Arc::new(FixedClock(fixtures::instant()));
    let services = system::bootstrap::services(&db, clock, policy, LoginLimits::default()).await.expect("services");
    let admin = admin();
    services.registry.seed_references(&admin, &fixtures::terms()).await.expect("seed");
    let org = OrganizationInput {
        full_name: "АНО «Вместе»".into(),
        legal_form: "ano".into(),
        inn: Some(fixtures::inn_number(1)),
        ..Default::default()
    };
    let org = services.registry.create_organization(&admin, &org).await.expect("organisation");
    let shelter = services_catalog::service::DirectoryInput {
        provider: Some(org.id),
        name: "Ночлег".into(),
        description: "Ночлег и питание".into(),
        needs: vec!["homelessness".into()],
        cost: "free".into(),
        ..Default::default()
    };
    let shelter = services.catalog.add_service(&admin, &shelter).await.expect("a directory service").id;
    let (anna, mut anna_identifiers) = person(&services, "Канареечкина", "+7 900 111-11-11", org.id, shelter).await;
    let (boris, boris_identifiers) = person(&services, "Борисов", "+7 900 222-22-22", org.id, shelter).await;
    let people = [anna, boris];
    let volunteer = Assignment { person: Some(anna), ..Assignment::role(Role::Volunteer) };
    // A login may be the person's name.
    services.access.add_account(&admin, "kanareechkina", &volunteer, "a long password of hers").await.expect("account");
    anna_identifiers.push("kanareechkina".to_owned());
    let attempt = LoginAttempt {
        login: "kanareechkina",
        password: "a long password of hers",
        peer: "192.0.2.1",
        channel: Channel::Graphql,
        request_id: "test-login",
    };
    let session = services.access.login(attempt).await.expect("a session");

    let before = tables_about_people(&db).await;
    for table in ["requests", "referrals", "deliveries"] {
        let rows = before.get(table).unwrap_or_else(|| panic!("the walk reaches the services table {table}"));
        assert!(rows.contains("канареечкина"), "{table} names her before anonymisation: {rows}");
    }
    let everything = before.values().cloned().collect::<String>();
    for identifier in anna_identifiers.iter().chain(&boris_identifiers) {
        assert!(everything.contains(identifier.as_str()), "{identifier} is stored before anonymisation");
    }
    let counts = registry_aggregates(&db, &people).await;

    services.privacy.anonymise(&admin, anna).await.expect("anonymise");
    let once = tables_about_people(&db).await;
    for (table, rows) in &once {
        for identifier in &anna_identifiers {
            assert!(!rows.contains(identifier.as_str()), "{identifier} survived anonymisation in {table}: {rows}");
        }
    }
    let everything = once.values().cloned().collect::<String>();
    for identifier in &boris_identifiers {
        assert!(everything.contains(identifier.as_str()), "another person's {identifier} was removed");
    }
    assert_eq!(registry_aggregates(&db, &people).await, counts, "the registry's aggregates stay");
    assert!(services.access.authenticate(&session.token).await.is_err(), "her account's sessions ended");
    let accounts = services.access.accounts(&admin).await.expect("accounts");
    let bound = accounts.iter().find(|a| a.person == Some(anna)).expect("the account stays");
    assert!(bound.disabled && bound.login.starts_with("anonymised-"), "{bound:?}");

    services.privacy.anonymise(&admin, anna).await.expect("anonymise again");
    assert_eq!(tables_about_people(&db).await, once, "anonymising twice changes nothing");
}

storage::on_both_databases!(the_root_s_hooks_leave_no_identifier_of_an_anonymised_person, |db| {
    anonymisation_leaves_no_identifier_in_any_table_about_people(db)
});
