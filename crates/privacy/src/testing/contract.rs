//! The contract suite of the privacy ports: what every implementation of `ConsentRepo`,
//! `SubjectRequestRepo` and `Subjects` must do, with exactly one audit row per change (the event
//! it was given) and none on a refusal or a failure. Run against the in-memory fakes here and in
//! `registry`, and against SQLite and PostgreSQL in `storage`.
//!
//! Each function takes fresh, empty stores and panics with a message on the first broken promise.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use audit::{AuditEvent, AuditLog, Outcome, object};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use kernel::StoreError;
use uuid::Uuid;

use crate::model::{Consent, ConsentId, ConsentKind, PersonId, SubjectRequest, SubjectRequestId};
use crate::ports::{PrivacyPorts, Subjects};
use crate::rules::{PUBLIC_DIRECTORY, PrivacyRuleError, REMOVED_DOCUMENT};

/// Where the people the data are about come from: the registry's records in the real system.
#[async_trait]
pub trait Population: Send + Sync {
    /// Adds a person called `name`, whose record is held on consent alone (`on_consent`) or on
    /// another ground; returns their id and every direct identifier stored about them (each of
    /// which anonymisation must remove).
    async fn add(&self, name: &str, on_consent: bool) -> (PersonId, Vec<String>);
}

/// The stores under test.
#[derive(Clone)]
pub struct Stores {
    /// The ports under test.
    pub ports: PrivacyPorts,
    /// The log the stores' changes append to.
    pub audit: Arc<dyn AuditLog>,
    /// Adds the people the data are about.
    pub people: Arc<dyn Population>,
    /// The same subjects, whose anonymisation fails after it changed something (a domain's step
    /// failing after another's); `None` where an implementation cannot fail part way (the
    /// in-memory fakes: one lock, no I/O).
    pub failing: Option<Arc<dyn Subjects>>,
}

/// The `n`-th event of the suite: `action` on `kind/id`.
fn event(n: i64, action: &str, kind: &str, id: Uuid) -> AuditEvent {
    let at = audit::testing::instant() + TimeDelta::seconds(n);
    AuditEvent::new(&audit::testing::coordinator(), action, object(kind, id), Outcome::Success, at)
        .with_detail(format!("contract step {n}"))
}

/// The audit log, as the suite checks it.
struct Log(Arc<dyn AuditLog>);

impl Log {
    async fn events(&self) -> Vec<AuditEvent> {
        self.0.scan(0, 100_000).await.expect("scan the audit log").into_iter().map(|r| r.event).collect()
    }

    async fn count(&self) -> usize {
        self.events().await.len()
    }

    /// Exactly one row since `before`, and it is `event`.
    async fn wrote(&self, before: usize, event: &AuditEvent, what: &str) {
        let events = self.events().await;
        assert_eq!(events.len(), before + 1, "{what} writes exactly one audit row");
        assert_eq!(events.last(), Some(event), "{what} writes the event it was given");
    }

    /// No row since `before`.
    async fn wrote_nothing(&self, before: usize, what: &str) {
        assert_eq!(self.count().await, before, "{what} writes no audit row");
    }
}

fn at(minutes: i64) -> DateTime<Utc> {
    audit::testing::instant() + TimeDelta::minutes(minutes)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// A consent with the id `n`, given `given` minutes after the suite's instant.
fn consent(n: u128, subject: PersonId, kind: ConsentKind, purpose: &str, document: &str, given: i64) -> Consent {
    Consent {
        id: ConsentId(Uuid::from_u128(n)),
        subject,
        kind,
        purpose: purpose.into(),
        categories: vec!["name".into(), "phone".into()],
        document: document.into(),
        recipient: (kind == ConsentKind::Processing).then_some(kernel::OrganizationId(Uuid::from_u128(1))),
        given_at: at(given),
        recorded_by: "coordinator".into(),
        withdrawn_at: None,
        destroy_by: None,
        destroyed_at: None,
    }
}

/// A request with the id `n`, received and due on these days.
fn request(n: u128, subject: PersonId, received_on: NaiveDate, due_on: NaiveDate) -> SubjectRequest {
    SubjectRequest {
        id: SubjectRequestId(Uuid::from_u128(n)),
        subject,
        received_on,
        due_on,
        due_predicted: false,
        extension: None,
        answered_on: None,
    }
}

fn ids(consents: &[Consent]) -> Vec<ConsentId> {
    consents.iter().map(|c| c.id).collect()
}

fn sorted(consents: &[Consent]) -> Vec<ConsentId> {
    let mut ids = ids(consents);
    ids.sort();
    ids
}

/// Consents: round trip, refusals, the orders of `of_subject` and `pending_destruction`, and
/// `distributing` choosing only active distribution consents of the purpose.
pub async fn consent_repo(stores: Stores) {
    let Stores { ports: PrivacyPorts { consents: repo, .. }, audit, people, .. } = stores;
    let log = Log(audit);
    let (anna, _) = people.add("Аннова", true).await;
    let (boris, _) = people.add("Борисов", false).await;
    // Given in this order of time: 4, 1, then 2 and 3 at once (2 first by id).
    let c1 = consent(1, anna, ConsentKind::Processing, "ngo_contacts", "Согласие К-1", 10);
    let c2 = consent(2, anna, ConsentKind::Distribution, PUBLIC_DIRECTORY, "Согласие Р-1", 20);
    let c3 = consent(3, anna, ConsentKind::Processing, "training", "Согласие Т-1", 20);
    let c4 = consent(4, boris, ConsentKind::Distribution, PUBLIC_DIRECTORY, "Согласие Р-2", 5);
    let c5 = consent(5, boris, ConsentKind::Distribution, "newsletter", "Рассылка Р-3", 6);
    for (n, c) in [&c3, &c1, &c4, &c2, &c5].into_iter().enumerate() {
        let before = log.count().await;
        let ev = event(n as i64, "consent.manage", "consent", c.id.0);
        repo.insert(c, &ev).await.expect("insert");
        log.wrote(before, &ev, "an insert").await;
    }
    assert_eq!(repo.get(c3.id).await.expect("get"), Some(c3.clone()), "a stored consent reads back equal");
    assert_eq!(repo.get(ConsentId(Uuid::from_u128(99))).await.expect("get"), None);
    assert_eq!(ids(&repo.of_subject(anna).await.expect("of")), [c1.id, c2.id, c3.id], "oldest first, then by id");
    assert_eq!(repo.of_subject(boris).await.expect("of"), [c4.clone(), c5.clone()]);
    assert!(repo.of_subject(PersonId(Uuid::from_u128(99))).await.expect("of").is_empty());

    // Refusals write nothing.
    let before = log.count().await;
    let second_purpose = consent(8, boris, ConsentKind::Processing, "newsletter", "Согласие Т-1", 30);
    assert!(
        matches!(
            repo.insert(&second_purpose, &event(8, "consent.manage", "consent", second_purpose.id.0)).await,
            Err(StoreError::Conflict(PrivacyRuleError::OnePurposePerDocument { ref other, .. })) if other == "training"
        ),
        "a second purpose on one document is the rule's conflict"
    );
    let repeat = consent(9, anna, ConsentKind::Processing, "training", "Согласие Т-1", 30);
    assert!(
        matches!(
            repo.insert(&repeat, &event(9, "consent.manage", "consent", repeat.id.0)).await,
            Err(StoreError::Conflict(PrivacyRuleError::AlreadyGiven { .. }))
        ),
        "the same active consent twice is the rule's conflict"
    );
    for refused in [&second_purpose, &repeat] {
        assert_eq!(repo.get(refused.id).await.expect("get"), None, "a refused consent is not stored");
    }
    let twice = Consent { purpose: "other".into(), ..c3.clone() };
    assert!(repo.insert(&twice, &event(10, "consent.manage", "consent", c3.id.0)).await.is_err(), "a known id");
    assert_eq!(repo.get(c3.id).await.expect("get"), Some(c3.clone()), "a refused insert changes nothing");
    let stranger = consent(6, PersonId(Uuid::from_u128(99)), ConsentKind::Processing, "training", "Д", 0);
    assert!(repo.insert(&stranger, &event(11, "consent.manage", "consent", stranger.id.0)).await.is_err());
    assert_eq!(repo.get(stranger.id).await.expect("get"), None, "a consent of an unknown subject is not stored");
    let ghost = consent(7, anna, ConsentKind::Processing, "training", "Д", 0);
    assert!(repo.update(&ghost, &event(12, "consent.manage", "consent", ghost.id.0)).await.is_err());
    assert_eq!(repo.get(ghost.id).await.expect("get"), None, "an update stores no new consent");
    assert!(repo.mark_destroyed(ghost.id, at(60), &event(13, "privacy.run", "consent", ghost.id.0)).await.is_err());
    log.wrote_nothing(before, "a refused change").await;

    // Distribution: active, of the purpose, of the subjects asked about.
    let both = [anna, boris];
    assert_eq!(sorted(&repo.distributing(&both, PUBLIC_DIRECTORY).await.expect("d")), [c2.id, c4.id]);
    assert_eq!(repo.distributing(&[anna], PUBLIC_DIRECTORY).await.expect("d"), vec![c2.clone()]);
    assert_eq!(repo.distributing(&both, "newsletter").await.expect("d"), vec![c5.clone()]);
    assert!(repo.distributing(&both, "training").await.expect("d").is_empty(), "a processing consent is not one");
    assert!(repo.distributing(&[], PUBLIC_DIRECTORY).await.expect("d").is_empty());

    // Withdrawal; destruction pending, oldest withdrawal first, then by id.
    let withdrawn = |c: &Consent, minutes| Consent {
        withdrawn_at: Some(at(minutes)),
        destroy_by: Some(day(2026, 12, 27)),
        ..c.clone()
    };
    let (w1, w2, w3) = (withdrawn(&c1, 40), withdrawn(&c2, 50), withdrawn(&c3, 40));
    for (n, w) in [&w2, &w3, &w1].into_iter().enumerate() {
        let before = log.count().await;
        let ev = event(20 + n as i64, "consent.manage", "person", anna.0);
        repo.update(w, &ev).await.expect("update");
        log.wrote(before, &ev, "an update").await;
        assert_eq!(repo.get(w.id).await.expect("get").as_ref(), Some(w), "an update reads back");
    }
    assert_eq!(repo.distributing(&both, PUBLIC_DIRECTORY).await.expect("d"), vec![c4.clone()], "withdrawn: not active");
    assert_eq!(ids(&repo.pending_destruction().await.expect("pending")), [w1.id, w3.id, w2.id]);
    let before = log.count().await;
    let ev = event(30, "privacy.run", "consent", c3.id.0);
    repo.mark_destroyed(c3.id, at(70), &ev).await.expect("mark destroyed");
    log.wrote(before, &ev, "marking destroyed").await;
    let destroyed = Consent { destroyed_at: Some(at(70)), ..w3.clone() };
    assert_eq!(repo.get(c3.id).await.expect("get"), Some(destroyed), "only the time of destruction changes");
    assert_eq!(ids(&repo.pending_destruction().await.expect("pending")), [w1.id, w2.id]);
}

/// Requests: round trip, refusals, and `open` by deadline (counting the extension), then by id.
pub async fn subject_request_repo(stores: Stores) {
    let Stores { ports: PrivacyPorts { requests: repo, .. }, audit, people, .. } = stores;
    let log = Log(audit);
    let (anna, _) = people.add("Аннова", true).await;
    let r1 = SubjectRequest { due_predicted: true, ..request(1, anna, day(2026, 3, 3), day(2026, 3, 17)) };
    let r2 = request(2, anna, day(2026, 3, 2), day(2026, 3, 17));
    let r3 = request(3, anna, day(2026, 2, 20), day(2026, 3, 6));
    for (n, r) in [&r2, &r3, &r1].into_iter().enumerate() {
        let before = log.count().await;
        let ev = event(n as i64, "privacy.subject_request", "person", anna.0);
        repo.insert(r, &ev).await.expect("insert");
        log.wrote(before, &ev, "an insert").await;
    }
    assert_eq!(repo.get(r1.id).await.expect("get"), Some(r1.clone()), "a stored request reads back equal");
    assert_eq!(repo.get(SubjectRequestId(Uuid::from_u128(99))).await.expect("get"), None);
    let open = |expected: Vec<SubjectRequest>, what: &'static str| {
        let repo = repo.clone();
        async move { assert_eq!(repo.open().await.expect("open"), expected, "{what}") }
    };
    open(vec![r3.clone(), r1.clone(), r2.clone()], "earliest deadline first, then by id").await;

    let extended = SubjectRequest { extension: Some((day(2026, 3, 20), "архив".into())), ..r3.clone() };
    let answered = SubjectRequest { answered_on: Some(day(2026, 3, 10)), ..r2.clone() };
    for (n, r) in [&extended, &answered].into_iter().enumerate() {
        let before = log.count().await;
        let ev = event(10 + n as i64, "privacy.subject_request", "person", anna.0);
        repo.update(r, &ev).await.expect("update");
        log.wrote(before, &ev, "an update").await;
        assert_eq!(repo.get(r.id).await.expect("get").as_ref(), Some(r), "an update reads back");
    }
    open(vec![r1.clone(), extended.clone()], "the extension moves the deadline; answered ones are not open").await;

    let before = log.count().await;
    let twice = SubjectRequest { received_on: day(2026, 1, 5), ..r1.clone() };
    assert!(repo.insert(&twice, &event(20, "privacy.subject_request", "person", anna.0)).await.is_err());
    assert_eq!(repo.get(r1.id).await.expect("get"), Some(r1.clone()), "a refused insert changes nothing");
    let stranger = request(4, PersonId(Uuid::from_u128(99)), day(2026, 3, 2), day(2026, 3, 17));
    assert!(
        repo.insert(&stranger, &event(21, "privacy.subject_request", "person", Uuid::from_u128(99))).await.is_err()
    );
    let ghost = request(5, anna, day(2026, 3, 2), day(2026, 3, 17));
    assert!(repo.update(&ghost, &event(22, "privacy.subject_request", "person", anna.0)).await.is_err());
    assert_eq!((repo.get(stranger.id).await.expect("get"), repo.get(ghost.id).await.expect("get")), (None, None));
    log.wrote_nothing(before, "a refused change").await;
    open(vec![r1, extended], "refusals leave the open requests as they were").await;
}

/// An export without the audit trail (which grows with every action, anonymisation included).
fn without_trail(mut tables: BTreeMap<String, Vec<serde_json::Value>>) -> BTreeMap<String, Vec<serde_json::Value>> {
    tables.remove("audit_log");
    tables
}

fn text(tables: &BTreeMap<String, Vec<serde_json::Value>>) -> String {
    serde_json::to_string(tables).expect("an export serialises")
}

/// Subjects: existence, the consent ground, the export (everything about one person and nothing
/// about another), and anonymisation (every identifier gone, every record kept, nobody else
/// touched, idempotent, nothing written when it fails, an unknown person left alone).
pub async fn subjects(stores: Stores) {
    let Stores { ports: PrivacyPorts { consents, requests, subjects }, audit, people, failing } = stores;
    let log = Log(audit);
    let (anna, mut identifiers) = people.add("Канареечкина", true).await;
    let (boris, boris_identifiers) = people.add("Борисов", false).await;
    let nobody = PersonId(Uuid::from_u128(99));
    assert!(subjects.exists(anna).await.expect("exists") && subjects.exists(boris).await.expect("exists"));
    assert!(!subjects.exists(nobody).await.expect("exists"));
    assert!(subjects.held_on_consent(anna).await.expect("held"), "anna is held on consent");
    assert!(!subjects.held_on_consent(boris).await.expect("held"), "boris is held on another ground");
    assert!(!subjects.held_on_consent(nobody).await.expect("held"));
    for someone in [anna, boris, nobody] {
        assert!(!subjects.anonymised(someone).await.expect("anonymised"), "nobody is anonymised yet");
    }

    let own = consent(1, anna, ConsentKind::Processing, "ngo_contacts", "Согласие Канареечкиной", 0);
    let other = consent(2, boris, ConsentKind::Processing, "ngo_contacts", "Согласие Борисова", 0);
    identifiers.push(own.document.clone());
    for (n, c) in [&own, &other].into_iter().enumerate() {
        consents.insert(c, &event(n as i64, "consent.manage", "consent", c.id.0)).await.expect("consent");
    }
    // The reason for an extension is free text sent to the person: it may name them.
    let reason = "Канареечкина просила прислать копии анкет".to_owned();
    let asked = SubjectRequest {
        extension: Some((day(2026, 3, 24), reason.clone())),
        ..request(1, anna, day(2026, 3, 2), day(2026, 3, 17))
    };
    identifiers.push(reason);
    requests.insert(&asked, &event(2, "privacy.subject_request", "person", anna.0)).await.expect("request");
    let boris_asked = SubjectRequest {
        extension: Some((day(2026, 3, 24), "Борисов просил копии".to_owned())),
        ..request(2, boris, day(2026, 3, 2), day(2026, 3, 17))
    };
    requests.insert(&boris_asked, &event(2, "privacy.subject_request", "person", boris.0)).await.expect("request");

    let export = subjects.export(anna).await.expect("export");
    let all = text(&export);
    for identifier in &identifiers {
        assert!(all.contains(identifier.as_str()), "the export holds {identifier}: {all}");
    }
    for (table, rows) in [("people", 1), ("consents", 1), ("subject_requests", 1)] {
        assert_eq!(export.get(table).map(Vec::len), Some(rows), "{table} in the export: {all}");
    }
    let trail: Vec<&str> = export["audit_log"].iter().filter_map(|row| row["object"].as_str()).collect();
    assert!(trail.contains(&format!("consent/{}", own.id.0).as_str()), "the audit rows of their records: {trail:?}");
    let canaries = boris_identifiers.iter().cloned().chain([boris.0.to_string(), format!("consent/{}", other.id.0)]);
    for canary in canaries {
        assert!(!all.contains(&canary), "another person's data ({canary}) in the export");
    }
    let unknown = subjects.export(nobody).await.expect("export");
    assert!(unknown.values().all(Vec::is_empty), "nothing about an unknown person: {unknown:?}");

    let before = log.count().await;
    subjects.anonymise(nobody, &event(3, "privacy.run", "person", nobody.0)).await.expect("an unknown person");
    log.wrote_nothing(before, "anonymising an unknown person").await;
    if let Some(failing) = failing {
        let before = log.count().await;
        assert!(failing.anonymise(anna, &event(4, "privacy.run", "person", anna.0)).await.is_err());
        log.wrote_nothing(before, "a failed anonymisation").await;
        let after = subjects.export(anna).await.expect("export");
        assert_eq!(without_trail(after), without_trail(export.clone()), "a failed anonymisation writes nothing");
    }

    let boris_before = subjects.export(boris).await.expect("export");
    let before = log.count().await;
    let ev = event(5, "privacy.run", "person", anna.0);
    subjects.anonymise(anna, &ev).await.expect("anonymise");
    log.wrote(before, &ev, "anonymisation").await;
    let once = subjects.export(anna).await.expect("export");
    let all = text(&once);
    for identifier in &identifiers {
        assert!(!all.contains(identifier.as_str()), "{identifier} survived anonymisation: {all}");
    }
    for (table, rows) in without_trail(export.clone()) {
        assert_eq!(once[&table].len(), rows.len(), "{table}: anonymisation keeps every record");
    }
    assert!(subjects.exists(anna).await.expect("exists") && subjects.held_on_consent(anna).await.expect("held"));
    assert!(subjects.anonymised(anna).await.expect("anonymised"), "anna's record is anonymised");
    assert!(!subjects.anonymised(boris).await.expect("anonymised"), "boris's is not");
    let kept = consents.get(own.id).await.expect("get").expect("kept");
    assert_eq!(kept, Consent { document: REMOVED_DOCUMENT.into(), ..own.clone() }, "only the document reference goes");
    let kept = requests.get(asked.id).await.expect("get").expect("kept");
    assert_eq!(kept, crate::rules::anonymised_request(&asked), "only the extension's reason goes");
    assert_eq!(kept.extension.map(|(to, _)| to), Some(day(2026, 3, 24)), "the extension's date stays");
    assert_eq!(subjects.export(boris).await.expect("export"), boris_before, "nobody else is touched");
    assert_eq!(consents.get(other.id).await.expect("get"), Some(other.clone()));
    assert_eq!(requests.get(boris_asked.id).await.expect("get"), Some(boris_asked.clone()), "nor anyone's request");

    let before = log.count().await;
    let ev = event(6, "privacy.run", "person", anna.0);
    subjects.anonymise(anna, &ev).await.expect("anonymise again");
    log.wrote(before, &ev, "anonymising again (an action like any other)").await;
    let twice = subjects.export(anna).await.expect("export");
    assert_eq!(without_trail(twice), without_trail(once), "anonymising twice changes nothing");

    // Destruction after anonymisation keeps the rewritten document.
    consents.mark_destroyed(own.id, at(90), &event(7, "privacy.run", "consent", own.id.0)).await.expect("mark");
    let destroyed = consents.get(own.id).await.expect("get").expect("kept");
    assert_eq!((destroyed.document.as_str(), destroyed.destroyed_at), (REMOVED_DOCUMENT, Some(at(90))));
}

/// Every suite, each on fresh stores from `fresh`.
pub async fn all<F, Fut>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Stores>,
{
    consent_repo(fresh().await).await;
    subject_request_repo(fresh().await).await;
    subjects(fresh().await).await;
}
