//! The privacy use cases on in-memory stores: consents and their withdrawal, destruction by the
//! daily run (idempotent), subject access requests with working-day deadlines, and the policy.

use std::sync::Arc;

use audit::Gate;
use audit::testing::MemoryAuditLog;
use chrono::{DateTime, NaiveDate, TimeDelta};
use kernel::{Actor, Channel, ManualClock, Policy, Role};
use privacy::rules::PUBLIC_DIRECTORY;
use privacy::testing::InMemoryPrivacy;
use privacy::{ConsentKind, ConsentRepo, InputProblem, NewConsent, PersonId, Privacy, PrivacyError, PrivacyRuleError};

const POLICY: &str = r#"
    ["consent.manage"]
    admin = "all"
    coordinator = "all"
    ["privacy.subject_request"]
    admin = "all"
    lawyer = "all"
    ["privacy.run"]
    admin = "all"
"#;

struct World {
    privacy: Privacy,
    store: InMemoryPrivacy,
    audit: MemoryAuditLog,
    clock: Arc<ManualClock>,
    anna: PersonId,
    boris: PersonId,
}

fn actor(role: Role) -> Actor {
    Actor {
        account: Some(uuid::Uuid::from_u128(role as u128 + 1)),
        login: role.code().into(),
        role,
        organization: None,
        person: None,
        channel: Channel::Cli,
        request_id: "test".into(),
        origin: Some("tester(1000)@test-host".into()),
    }
}

async fn world() -> World {
    let audit = MemoryAuditLog::default();
    let store = InMemoryPrivacy::new(audit.clone());
    // Monday 2 March 2026, 10:00 Moscow time.
    let clock = Arc::new(ManualClock::new(DateTime::parse_from_rfc3339("2026-03-02T07:00:00Z").unwrap().to_utc()));
    let policy = Policy::parse(POLICY).expect("valid");
    policy.require_exactly(privacy::actions::ACTIONS).expect("the test policy covers the actions");
    let gate = Gate::new(Arc::new(policy), Arc::new(audit.clone()), clock.clone());
    let privacy = Privacy::open(store.ports(), gate).await.expect("opens");
    let (anna, boris) = (PersonId(uuid::Uuid::from_u128(10)), PersonId(uuid::Uuid::from_u128(11)));
    store.add_subject(anna, "Анна Аннова", true);
    store.add_subject(boris, "Борис Борисов", false);
    World { privacy, store, audit, clock, anna, boris }
}

fn consent(subject: PersonId, kind: ConsentKind, purpose: &str, document: &str) -> NewConsent {
    NewConsent {
        subject,
        kind,
        purpose: purpose.into(),
        categories: vec!["name".into(), "phone".into()],
        document: document.into(),
        recipient: None,
    }
}

#[tokio::test]
async fn a_withdrawn_consent_leads_to_anonymisation_at_the_next_run_and_the_run_is_idempotent() {
    let w = world().await;
    let coordinator = actor(Role::Coordinator);
    let admin = actor(Role::Admin);
    let given = w
        .privacy
        .record_consent(&coordinator, consent(w.anna, ConsentKind::Processing, "ngo_contacts", "Согласие №1 v1"))
        .await
        .unwrap();
    let withdrawn = w.privacy.withdraw_consent(&coordinator, given.id).await.unwrap();
    assert_eq!(withdrawn.destroy_by, Some(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()), "30 days after withdrawal");
    assert!(matches!(
        w.privacy.withdraw_consent(&coordinator, given.id).await,
        Err(PrivacyError::Rule(PrivacyRuleError::AlreadyWithdrawn))
    ));
    w.clock.advance(TimeDelta::days(29));
    let first = w.privacy.run(&admin).await.unwrap();
    assert_eq!((first.destroyed, first.anonymised, first.overdue), (1, 1, 0));
    assert_eq!(w.store.subject(w.anna).unwrap().name, None, "no direct identifier left");
    w.clock.advance(TimeDelta::days(2));
    let again = w.privacy.run(&admin).await.unwrap();
    assert_eq!((again.destroyed, again.anonymised), (0, 0), "a second run changes nothing");
    assert_eq!(w.store.subject(w.boris).unwrap().name.as_deref(), Some("Борис Борисов"), "others untouched");
}

#[tokio::test]
async fn a_person_held_on_another_ground_or_consent_is_not_anonymised() {
    let w = world().await;
    let coordinator = actor(Role::Coordinator);
    let on_law = w
        .privacy
        .record_consent(&coordinator, consent(w.boris, ConsentKind::Processing, "training", "Т-1"))
        .await
        .unwrap();
    let first = w
        .privacy
        .record_consent(&coordinator, consent(w.anna, ConsentKind::Processing, "training", "Т-2"))
        .await
        .unwrap();
    w.privacy
        .record_consent(&coordinator, consent(w.anna, ConsentKind::Processing, "ngo_contacts", "К-1"))
        .await
        .unwrap();
    w.privacy.withdraw_consent(&coordinator, on_law.id).await.unwrap();
    w.privacy.withdraw_consent(&coordinator, first.id).await.unwrap();
    let report = w.privacy.run(&actor(Role::Admin)).await.unwrap();
    assert_eq!((report.destroyed, report.anonymised), (2, 0));
    assert!(w.store.subject(w.anna).unwrap().name.is_some());
    assert!(w.store.subject(w.boris).unwrap().name.is_some());
}

#[tokio::test]
async fn a_distribution_consent_decides_what_the_public_may_see_and_withdrawal_acts_at_once() {
    let w = world().await;
    let coordinator = actor(Role::Coordinator);
    let both = [w.anna, w.boris];
    assert!(w.privacy.publishable(&both).await.unwrap().is_empty(), "nobody without a distribution consent");
    w.privacy
        .record_consent(&coordinator, consent(w.boris, ConsentKind::Processing, "ngo_contacts", "П-1"))
        .await
        .unwrap();
    let mut new = consent(w.anna, ConsentKind::Distribution, "public_directory", "Р-1");
    new.categories = vec!["name".into()];
    let given = w.privacy.record_consent(&coordinator, new).await.unwrap();
    let shown = w.privacy.publishable(&both).await.unwrap();
    assert_eq!(
        shown.keys().copied().collect::<Vec<_>>(),
        vec![w.anna],
        "a processing consent is not a distribution consent"
    );
    assert_eq!(shown[&w.anna].iter().collect::<Vec<_>>(), vec!["name"], "only the consented categories");
    w.privacy.withdraw_consent(&coordinator, given.id).await.unwrap();
    assert!(w.privacy.publishable(&both).await.unwrap().is_empty(), "withdrawal takes effect at once");
}

#[tokio::test]
async fn a_distribution_consent_for_another_purpose_does_not_publish_anyone() {
    let w = world().await;
    let coordinator = actor(Role::Coordinator);
    let both = [w.anna, w.boris];
    let mut newsletter = consent(w.anna, ConsentKind::Distribution, "newsletter", "Р-2");
    newsletter.categories = vec!["name".into(), "email".into()];
    w.privacy.record_consent(&coordinator, newsletter).await.unwrap();
    assert!(w.privacy.publishable(&both).await.unwrap().is_empty(), "a newsletter is not the public directory");
    let found = w.store.distributing(&both, PUBLIC_DIRECTORY).await.unwrap();
    assert!(found.is_empty(), "the store's query asks for the purpose too: {found:?}");

    let mut directory = consent(w.boris, ConsentKind::Distribution, PUBLIC_DIRECTORY, "Р-3");
    directory.categories = vec!["name".into()];
    w.privacy.record_consent(&coordinator, directory).await.unwrap();
    let shown = w.privacy.publishable(&both).await.unwrap();
    assert_eq!(shown.keys().copied().collect::<Vec<_>>(), vec![w.boris]);
    assert_eq!(w.store.distributing(&both, PUBLIC_DIRECTORY).await.unwrap().len(), 1);
}

#[tokio::test]
async fn one_document_carries_one_purpose() {
    let w = world().await;
    let coordinator = actor(Role::Coordinator);
    w.privacy.record_consent(&coordinator, consent(w.anna, ConsentKind::Processing, "training", "Д-7")).await.unwrap();
    let second =
        w.privacy.record_consent(&coordinator, consent(w.anna, ConsentKind::Processing, "newsletter", "Д-7")).await;
    assert!(matches!(second, Err(PrivacyError::Rule(PrivacyRuleError::OnePurposePerDocument { .. }))));
    let bad = w
        .privacy
        .record_consent(&coordinator, consent(PersonId(uuid::Uuid::nil()), ConsentKind::Processing, "training", "Д-8"))
        .await;
    assert!(matches!(bad, Err(PrivacyError::NotFound("person"))));
}

#[tokio::test]
async fn a_subject_request_is_due_in_ten_working_days_extends_once_and_late_ones_are_reported() {
    let w = world().await;
    let lawyer = actor(Role::Lawyer);
    // Received Monday 2 March 2026: 9 March is a holiday (8 March fell on a Sunday).
    let request = w.privacy.register_request(&lawyer, w.anna, None).await.unwrap();
    assert_eq!(request.due_on, NaiveDate::from_ymd_opt(2026, 3, 17).unwrap());
    let extended = w.privacy.extend_request(&lawyer, request.id, "нужны данные из архива").await.unwrap();
    assert_eq!(extended.deadline(), NaiveDate::from_ymd_opt(2026, 3, 24).unwrap());
    assert!(w.privacy.extend_request(&lawyer, request.id, "ещё").await.is_err());
    w.clock.advance(TimeDelta::days(30));
    let report = w.privacy.run(&actor(Role::Admin)).await.unwrap();
    assert_eq!(report.late_requests.iter().map(|r| r.id).collect::<Vec<_>>(), vec![request.id]);
    w.privacy.answer_request(&lawyer, request.id, None).await.unwrap();
    assert!(w.privacy.run(&actor(Role::Admin)).await.unwrap().late_requests.is_empty());
}

#[tokio::test]
async fn the_policy_decides_and_every_change_is_audited() {
    let w = world().await;
    let trainer = actor(Role::Trainer);
    let refused = w.privacy.record_consent(&trainer, consent(w.anna, ConsentKind::Processing, "training", "X")).await;
    assert!(matches!(refused, Err(PrivacyError::Gate(audit::GateError::Denied(_)))));
    assert!(matches!(
        w.privacy.export(&actor(Role::Coordinator), w.anna).await,
        Err(PrivacyError::Gate(audit::GateError::Denied(_)))
    ));
    assert!(matches!(
        w.privacy.run(&actor(Role::Coordinator)).await,
        Err(PrivacyError::Gate(audit::GateError::Denied(_)))
    ));
    let before = w.audit.rows().len();
    let export = w.privacy.export(&actor(Role::Lawyer), w.anna).await.unwrap();
    assert!(export.tables.contains_key("people"));
    assert_eq!(w.audit.rows().len(), before + 1, "the export is recorded");
    assert!(w.audit.rows().iter().filter(|r| r.event.outcome == audit::Outcome::Denied).count() >= 3);
}

mod properties {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::*;

    /// One consent as generated: whose (an index), distribution or not, the purpose, the
    /// categories (indexes), and whether it is withdrawn.
    type Generated = (usize, bool, &'static str, BTreeSet<usize>, bool);

    const PURPOSES: [&str; 3] = ["public_directory", "newsletter", "training"];
    const CATEGORIES: [&str; 4] = ["name", "position", "phone", "email"];

    fn consents() -> impl Strategy<Value = Vec<Generated>> {
        let one = (
            0usize..3,
            any::<bool>(),
            proptest::sample::select(PURPOSES.to_vec()),
            proptest::collection::btree_set(0usize..4, 1..4),
            any::<bool>(),
        );
        proptest::collection::vec(one, 0..8)
    }

    /// What happens, in time order.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Step {
        Withdraw,
        Run,
    }

    /// The date in Moscow (UTC+3 all year) of an instant.
    fn moscow_date(at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
        (at + TimeDelta::hours(3)).date_naive()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever consent is asked for, an anonymised person's record takes none (someone who
        /// comes back is a new record), the refusal writes nothing, and anyone else's is taken.
        #[test]
        fn an_anonymised_person_takes_no_new_consent(
            distribution in any::<bool>(),
            purpose in "[a-z][a-z_]{1,20}",
            document in "[А-Яа-я0-9№][А-Яа-я0-9 №-]{0,39}",
            anonymise_anna in any::<bool>(),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let w = world().await;
                let coordinator = actor(Role::Coordinator);
                if anonymise_anna {
                    w.privacy.anonymise(&actor(Role::Admin), w.anna).await.expect("anonymised");
                }
                let kind = if distribution { ConsentKind::Distribution } else { ConsentKind::Processing };
                let mut asked = consent(w.anna, kind, &purpose, &document);
                asked.categories = vec!["name".into()];
                let rows = w.audit.rows().len();
                let answer = w.privacy.record_consent(&coordinator, asked.clone()).await;
                if anonymise_anna {
                    assert!(matches!(answer, Err(PrivacyError::Anonymised)), "{answer:?}");
                    assert_eq!(w.audit.rows().len(), rows, "nothing written");
                    assert!(w.privacy.consents_of(&coordinator, w.anna).await.expect("consents").is_empty());
                } else {
                    assert_eq!(answer.expect("recorded").subject, w.anna);
                }
                let boris = NewConsent { subject: w.boris, ..asked };
                assert_eq!(w.privacy.record_consent(&coordinator, boris).await.expect("recorded").subject, w.boris);
            });
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn the_daily_run_destroys_the_data_within_thirty_days_of_withdrawal_and_never_before_it(
            given in 0i64..(60 * 24 * 400),
            withdraw_after in 0i64..(60 * 24 * 20),
            mut runs in proptest::collection::vec(0i64..(60 * 24 * 80), 1..6),
            another_consent in any::<bool>(),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let w = world().await;
                let (coordinator, admin) = (actor(Role::Coordinator), actor(Role::Admin));
                w.clock.advance(TimeDelta::minutes(given));
                let start = kernel::Clock::now(w.clock.as_ref());
                let held = consent(w.anna, ConsentKind::Processing, "ngo_contacts", "Согласие Н-1");
                let held = w.privacy.record_consent(&coordinator, held).await.expect("recorded");
                if another_consent {
                    let other = consent(w.anna, ConsentKind::Processing, "training", "Согласие Н-2");
                    w.privacy.record_consent(&coordinator, other).await.expect("recorded");
                }
                runs.sort_unstable();
                runs.dedup();
                let mut steps: Vec<(i64, Step)> = runs.iter().map(|r| (*r, Step::Run)).collect();
                steps.push((withdraw_after, Step::Withdraw));
                steps.sort();
                let withdrawn_at = start + TimeDelta::minutes(withdraw_after);
                // The deadline from the rule itself: 30 days from the day of withdrawal in Moscow.
                let deadline = moscow_date(withdrawn_at) + chrono::Days::new(30);
                let (mut now, mut destroyed) = (0, false);
                for (at, step) in steps {
                    w.clock.advance(TimeDelta::minutes(at - now));
                    now = at;
                    let instant = start + TimeDelta::minutes(at);
                    match step {
                        Step::Withdraw => {
                            let withdrawn = w.privacy.withdraw_consent(&coordinator, held.id).await.expect("withdrawn");
                            assert_eq!(withdrawn.destroy_by, Some(deadline), "due 30 days after the day of withdrawal");
                        }
                        Step::Run => {
                            let report = w.privacy.run(&admin).await.expect("run");
                            let identified = w.store.subject(w.anna).expect("a subject").name.is_some();
                            if instant < withdrawn_at {
                                assert_eq!((report.destroyed, report.anonymised), (0, 0), "nothing is due before withdrawal");
                                assert!(identified, "anonymised before the consent was withdrawn");
                            } else if !destroyed {
                                destroyed = true;
                                assert_eq!(report.destroyed, 1, "the first run after withdrawal destroys");
                                assert_eq!(report.anonymised, usize::from(!another_consent));
                                assert_eq!(identified, another_consent, "anonymised unless another consent holds");
                                let late = moscow_date(instant) > deadline;
                                assert_eq!(report.overdue, usize::from(late), "a run after the deadline raises the alarm");
                                let stored = w.privacy.consents_of(&admin, w.anna).await.expect("consents");
                                let stored = stored.iter().find(|c| c.id == held.id).expect("kept");
                                let done = stored.destroyed_at.map(moscow_date).expect("marked destroyed");
                                assert!(done <= deadline || late, "destroyed on {done}, due {deadline}");
                            } else {
                                assert_eq!((report.destroyed, report.overdue), (0, 0), "done once");
                                assert_eq!(identified, another_consent);
                            }
                        }
                    }
                }
            });
        }

        #[test]
        fn the_directory_shows_exactly_the_people_with_an_active_distribution_consent_for_it(generated in consents()) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let w = world().await;
                let coordinator = actor(Role::Coordinator);
                let subjects: Vec<PersonId> = (0..3).map(|n| PersonId(uuid::Uuid::from_u128(100 + n))).collect();
                for (n, subject) in subjects.iter().enumerate() {
                    w.store.add_subject(*subject, &format!("Субъект {n}"), true);
                }
                // The oracle, from the rule as the user guide states it: only a distribution
                // consent with the purpose `public_directory`, while it is not withdrawn.
                let mut expected: BTreeMap<PersonId, BTreeSet<String>> = BTreeMap::new();
                for (n, (who, distribution, purpose, categories, withdrawn)) in generated.iter().enumerate() {
                    let kind = if *distribution { ConsentKind::Distribution } else { ConsentKind::Processing };
                    let new = NewConsent {
                        subject: subjects[*who],
                        kind,
                        purpose: (*purpose).into(),
                        categories: categories.iter().map(|c| CATEGORIES[*c].to_owned()).collect(),
                        document: format!("Документ {n}"),
                        recipient: None,
                    };
                    let recorded = w.privacy.record_consent(&coordinator, new).await.expect("recorded");
                    if *withdrawn {
                        w.privacy.withdraw_consent(&coordinator, recorded.id).await.expect("withdrawn");
                    } else if *distribution && *purpose == "public_directory" {
                        expected.entry(subjects[*who]).or_default().extend(categories.iter().map(|c| CATEGORIES[*c].to_owned()));
                    }
                }
                let shown: BTreeMap<PersonId, BTreeSet<String>> =
                    w.privacy.publishable(&subjects).await.expect("publishable").into_iter().collect();
                assert_eq!(shown, expected);
            });
        }
    }
}

fn invalid<T: std::fmt::Debug>(result: Result<T, PrivacyError>) -> (&'static str, InputProblem) {
    match result {
        Err(PrivacyError::Invalid { field, problem }) => (field, problem),
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[tokio::test]
async fn consents_and_reasons_refuse_hidden_characters_overlong_text_and_unpublishable_categories() {
    let w = world().await;
    let coordinator = actor(Role::Coordinator);
    let lawyer = actor(Role::Lawyer);
    let mut hidden = consent(w.anna, ConsentKind::Processing, "ngo_contacts", "Согласие\u{202E}1");
    let (field, problem) = invalid(w.privacy.record_consent(&coordinator, hidden.clone()).await);
    assert_eq!((field, problem), ("document", InputProblem::ForbiddenCharacter { code_point: "U+202E".into() }));
    hidden.document = "Д".repeat(201);
    assert_eq!(invalid(w.privacy.record_consent(&coordinator, hidden).await).1, InputProblem::Length { max: 200 });
    let mut everything = consent(w.anna, ConsentKind::Distribution, "public_directory", "Р-1");
    everything.categories = vec!["name".into(), "password".into()];
    let (field, problem) = invalid(w.privacy.record_consent(&coordinator, everything.clone()).await);
    assert_eq!((field, problem.clone()), ("categories", InputProblem::NotPublishable { category: "password".into() }));
    assert!(kernel::Localized::message(&problem, kernel::Lang::Ru).contains("согласие на распространение"));
    everything.categories = vec!["name".into(), "position".into(), "name".into()];
    let recorded = w.privacy.record_consent(&coordinator, everything).await.expect("publishable categories");
    assert_eq!(recorded.categories, vec!["name".to_owned(), "position".to_owned()], "sorted and without repeats");

    let request = w.privacy.register_request(&lawyer, w.anna, None).await.expect("a request");
    let long = "причина ".repeat(200);
    let (field, problem) = invalid(w.privacy.extend_request(&lawyer, request.id, &long).await);
    assert_eq!((field, problem), ("reason", InputProblem::Length { max: 1_000 }));
    let (_, problem) = invalid(w.privacy.extend_request(&lawyer, request.id, "a\u{0}b").await);
    assert_eq!(problem, InputProblem::ForbiddenCharacter { code_point: "U+0000".into() });
    let extended =
        w.privacy.extend_request(&lawyer, request.id, "запрос архива\nорганизации").await.expect("two lines");
    assert!(extended.extension.is_some());
}

#[tokio::test]
async fn a_request_cannot_be_received_before_2000_nor_answered_before_it_was_received() {
    let w = world().await;
    let lawyer = actor(Role::Lawyer);
    let old = NaiveDate::from_ymd_opt(1899, 1, 1);
    let (field, problem) = invalid(w.privacy.register_request(&lawyer, w.anna, old).await);
    assert_eq!((field, problem), ("receivedOn", InputProblem::TooEarly));
    let received = NaiveDate::from_ymd_opt(2026, 2, 20);
    let request = w.privacy.register_request(&lawyer, w.anna, received).await.expect("a request");
    let before = w.privacy.answer_request(&lawyer, request.id, NaiveDate::from_ymd_opt(2026, 2, 19)).await;
    assert!(matches!(before, Err(PrivacyError::Rule(PrivacyRuleError::AnswerOutOfRange))), "{before:?}");
    let answered = w.privacy.answer_request(&lawyer, request.id, received).await.expect("answered the same day");
    assert_eq!(answered.answered_on, received);
    let mut many = consent(w.anna, ConsentKind::Processing, "ngo_contacts", "К-1");
    many.categories = (0..21).map(|n| format!("category_{n}")).collect();
    assert_eq!(
        invalid(w.privacy.record_consent(&actor(Role::Coordinator), many).await).1,
        InputProblem::TooMany { max: 20 }
    );
}
