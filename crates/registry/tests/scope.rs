//! Record scope, personal-data protection and the audit trail of the registry's use cases: an
//! NGO's representative reaches only their organisation, a volunteer only their own record, a
//! probe outside the scope looks exactly like a missing record, and every change and refusal
//! leaves one audit row.

use audit::Outcome;
use audit::testing::MemoryAuditLog;
use kernel::{Lang, Localized, PageRequest, Role};
use registry::model::{OrganizationId, PersonId};
use registry::ports::{OrganizationFilter, OrganizationOrder, PersonFilter};
use registry::testing::InMemoryRegistry;
use registry::testing::fixtures::{self, actor, admin};
use registry::{NaturalKey, Registry, RegistryError};

struct World {
    registry: Registry,
    audit: MemoryAuditLog,
    a: OrganizationId,
    b: OrganizationId,
    /// A member of A, with a phone.
    anna: PersonId,
    /// A member of B.
    boris: PersonId,
}

async fn world() -> World {
    let store = InMemoryRegistry::new();
    let registry = Registry::open(store.ports(), fixtures::gate(store.audit().clone())).await.expect("open");
    let admin = admin();
    registry.seed_references(&admin, &fixtures::terms()).await.expect("seed");
    let input = |n: u32| registry::input::OrganizationInput {
        full_name: format!("АНО «Организация {n}»"),
        legal_form: "ano".into(),
        inn: Some(fixtures::inn_number(n)),
        ..Default::default()
    };
    let a = registry.create_organization(&admin, &input(1)).await.expect("A").id;
    let b = registry.create_organization(&admin, &input(2)).await.expect("B").id;
    let person = |last: &str| registry::input::PersonInput {
        last_name: last.into(),
        first_name: "Тест".into(),
        phones: vec!["+7 912 000-00-01".into()],
        emails: vec![format!("{}@example.org", last.len())],
        ..Default::default()
    };
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт контактов НКО".into(),
        since: fixtures::day(2026, 1, 10),
        document: None,
    };
    let anna = registry.add_person(&admin, &person("Аннова"), &basis).await.expect("anna").id;
    let boris = registry.add_person(&admin, &person("Борисов"), &basis).await.expect("boris").id;
    registry.add_membership(&admin, anna, a, "директор", None).await.expect("anna in A");
    registry.add_membership(&admin, boris, b, "бухгалтер", None).await.expect("boris in B");
    World { registry, audit: store.audit().clone(), a, b, anna, boris }
}

fn page() -> PageRequest {
    PageRequest::new(100, None).expect("valid").counted()
}

#[tokio::test]
async fn a_representative_reaches_only_their_organisation_and_a_probe_looks_like_a_missing_id() {
    let w = world().await;
    let rep = actor(Role::NgoRepresentative, Some(w.a), None);
    assert!(w.registry.organization(&rep, w.a).await.expect("own").is_some());
    let other = w.registry.organization(&rep, w.b).await.expect("answered");
    let missing = w.registry.organization(&rep, OrganizationId::new()).await.expect("answered");
    assert_eq!((other, missing), (None, None));

    let edit = |id| {
        let input = registry::input::OrganizationInput {
            full_name: "АНО «Чужое имя»".into(),
            legal_form: "ano".into(),
            ..Default::default()
        };
        let (registry, rep) = (&w.registry, rep.clone());
        async move { registry.update_organization(&rep, id, 1, &input).await.unwrap_err().to_string() }
    };
    assert_eq!(edit(w.b).await, edit(OrganizationId::new()).await, "the same answer as for a missing id");

    let list = w
        .registry
        .organizations(&rep, &OrganizationFilter::default(), OrganizationOrder::NameAsc, page())
        .await
        .expect("list");
    assert_eq!((list.total, list.items[0].id), (Some(1), w.a), "the total does not reveal other organisations");
    let asked_for_b = OrganizationFilter { only: Some(w.b), ..Default::default() };
    let list = w.registry.organizations(&rep, &asked_for_b, OrganizationOrder::NameAsc, page()).await.expect("list");
    assert_eq!(list.total, Some(0));

    let denials: Vec<_> = w.audit.rows().into_iter().filter(|r| r.event.outcome == Outcome::Denied).collect();
    assert_eq!(denials.len(), 4, "two reads and two edits outside the scope are recorded");
    assert!(denials.iter().all(|r| r.event.login == "ngo_representative"));
}

#[tokio::test]
async fn a_representative_sees_only_their_organisations_people() {
    let w = world().await;
    let rep = actor(Role::NgoRepresentative, Some(w.a), None);
    let people = w.registry.people(&rep, &PersonFilter::default(), page()).await.expect("list");
    assert_eq!(people.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![w.anna]);
    assert_eq!(people.total, Some(1));
    assert!(w.registry.person(&rep, w.boris).await.expect("answered").is_none());
    assert!(w.registry.person(&rep, PersonId::new()).await.expect("answered").is_none());
    let by_ids = w.registry.people_by_ids(&rep, &[w.anna, w.boris]).await.expect("batch");
    assert_eq!(by_ids.iter().map(|p| p.id).collect::<Vec<_>>(), vec![w.anna]);
    let memberships = w.registry.memberships_of_people(&rep, &[w.anna, w.boris]).await.expect("memberships");
    assert!(memberships.iter().all(|m| m.organization == w.a));
}

#[tokio::test]
async fn a_representative_cannot_link_a_person_of_another_organisation_and_is_answered_as_for_a_missing_person() {
    let w = world().await;
    let rep = actor(Role::NgoRepresentative, Some(w.a), None);
    let link = |person| {
        let (registry, rep, a) = (&w.registry, rep.clone(), w.a);
        async move { registry.add_membership(&rep, person, a, "волонтёр", None).await }
    };
    let foreign = link(w.boris).await.expect_err("Boris is only in B");
    let missing = link(PersonId::new()).await.expect_err("nobody has this id");
    assert!(matches!(foreign, RegistryError::NotFound { entity: "person" }), "{foreign:?}");
    assert_eq!(foreign.to_string(), missing.to_string(), "the same answer as for a missing id");
    let admin = admin();
    let boris_in = w.registry.memberships_of_people(&admin, &[w.boris]).await.expect("memberships");
    assert!(boris_in.iter().all(|m| m.organization == w.b), "no membership in A was written");
    assert!(w.registry.person(&rep, w.boris).await.expect("answered").is_none(), "Boris stays out of reach");
    assert!(w.registry.personal_data(&rep, &[w.boris]).await.expect("answered").is_empty());
    let probes: Vec<_> = w
        .audit
        .rows()
        .into_iter()
        .filter(|r| r.event.outcome == Outcome::Denied && r.event.action == "membership.write")
        .collect();
    assert_eq!(probes.len(), 2, "both attempts are recorded as out of scope");
    assert_eq!(probes[0].event.object.as_deref(), Some(format!("person/{}", w.boris.0).as_str()));

    let second = link(w.anna).await.expect("Anna is within A's scope: a second position is allowed");
    assert_eq!((second.person, second.organization), (w.anna, w.a));
    let linked_by_staff = w.registry.add_membership(&admin, w.boris, w.a, "партнёр", None).await;
    assert!(linked_by_staff.is_ok(), "staff with every record in scope may link anyone");
}

#[tokio::test]
async fn ending_a_membership_outside_the_scope_reads_like_ending_a_missing_one_and_both_are_recorded() {
    let w = world().await;
    let admin = admin();
    let rep = actor(Role::NgoRepresentative, Some(w.a), None);
    let of_boris = w.registry.memberships_of_people(&admin, &[w.boris]).await.expect("memberships")[0].id;
    let before = w.audit.rows().len();
    let foreign = w.registry.end_membership(&rep, of_boris, None).await.expect_err("B's membership");
    let missing =
        w.registry.end_membership(&rep, registry::model::MembershipId::new(), None).await.expect_err("missing");
    assert_eq!(foreign.to_string(), missing.to_string());
    let rows = w.audit.rows()[before..].to_vec();
    assert_eq!(rows.len(), 2, "each probe is recorded: {rows:?}");
    assert!(rows.iter().all(|r| r.event.outcome == Outcome::Denied && r.event.action == "membership.write"));
    let still = w.registry.memberships_of_people(&admin, &[w.boris]).await.expect("memberships");
    assert!(still[0].period.to().is_none(), "B's membership is not ended");
}

#[tokio::test]
async fn a_conflict_on_an_inn_names_the_other_organisation_only_to_callers_who_may_read_it() {
    let w = world().await;
    let b = w.registry.organization(&admin(), w.b).await.expect("read").expect("B exists");
    let taking_bs_inn = registry::input::OrganizationInput {
        full_name: "АНО «Организация 1»".into(),
        legal_form: "ano".into(),
        inn: b.profile.inn.as_ref().map(ToString::to_string),
        ..Default::default()
    };
    let rep = actor(Role::NgoRepresentative, Some(w.a), None);
    let refused = w.registry.update_organization(&rep, w.a, 1, &taking_bs_inn).await.expect_err("B has the INN");
    assert!(matches!(refused, RegistryError::Duplicate { key: NaturalKey::Inn, existing: None }), "{refused:?}");
    for lang in [Lang::Ru, Lang::En] {
        let message = refused.message(lang);
        assert!(!message.contains(&w.b.to_string()), "B's id leaks to the representative: {message}");
    }
    assert!(refused.message(Lang::Ru).starts_with("организация с таким ИНН уже есть в реестре"));

    let coordinator = actor(Role::Coordinator, None, None);
    let refused =
        w.registry.update_organization(&coordinator, w.a, 1, &taking_bs_inn).await.expect_err("B has the INN");
    assert!(matches!(refused, RegistryError::Duplicate { existing: Some(id), .. } if id == w.b), "{refused:?}");
    assert!(refused.message(Lang::Ru).contains(&w.b.to_string()), "staff who may read B are told which it is");
}

#[tokio::test]
async fn a_representative_sees_only_the_coalitions_and_coalition_records_of_their_organisation() {
    let w = world().await;
    let admin = admin();
    let shared = w.registry.create_coalition(&admin, "Общая сеть", None, None).await.expect("coalition");
    let other = w.registry.create_coalition(&admin, "Чужая сеть", None, None).await.expect("coalition");
    let member = registry::model::CoalitionRole::Member;
    w.registry.add_coalition_member(&admin, shared.id, w.a, member, None).await.expect("A joins");
    w.registry.add_coalition_member(&admin, shared.id, w.b, member, None).await.expect("B joins");
    w.registry.add_coalition_member(&admin, other.id, w.b, member, None).await.expect("B joins");
    let rep = actor(Role::NgoRepresentative, Some(w.a), None);
    let seen: Vec<_> = w.registry.coalitions(&rep).await.expect("list").into_iter().map(|c| c.id).collect();
    assert_eq!(seen, vec![shared.id]);
    let members = w.registry.members_of_coalitions(&rep, &[shared.id, other.id]).await.expect("members");
    assert_eq!(members.iter().map(|m| m.organization).collect::<Vec<_>>(), vec![w.a], "B's records stay hidden");
    assert!(w.registry.coalitions_by_ids(&rep, &[other.id]).await.expect("by id").is_empty());
    let all = w.registry.members_of_coalitions(&admin, &[shared.id, other.id]).await.expect("members");
    assert_eq!(all.len(), 3, "staff see every record");
}

#[tokio::test]
async fn a_volunteer_sees_only_their_own_record() {
    let w = world().await;
    let volunteer = actor(Role::Volunteer, None, Some(w.boris));
    let people = w.registry.people(&volunteer, &PersonFilter::default(), page()).await.expect("list");
    assert_eq!(people.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![w.boris]);
    assert!(w.registry.person(&volunteer, w.anna).await.expect("answered").is_none());
    let contacts = w.registry.personal_data(&volunteer, &[w.anna, w.boris]).await.expect("own contacts");
    assert_eq!(contacts.iter().map(|c| c.person).collect::<Vec<_>>(), vec![w.boris]);
    let orgs =
        w.registry.organizations(&volunteer, &OrganizationFilter::default(), OrganizationOrder::NameAsc, page()).await;
    assert!(
        matches!(orgs, Err(RegistryError::Gate(audit::GateError::Denied(_)))),
        "volunteers do not browse the registry"
    );
}

#[tokio::test]
async fn contacts_come_only_through_their_own_permission_and_every_read_is_recorded() {
    let w = world().await;
    let coordinator = actor(Role::Coordinator, None, None);
    let card = w.registry.person(&coordinator, w.anna).await.expect("read").expect("exists");
    assert!(card.profile.phones.is_empty() && card.profile.emails.is_empty(), "cards never carry contacts");

    let before = w.audit.rows().len();
    let contacts = w.registry.personal_data(&coordinator, &[w.anna, w.boris]).await.expect("contacts");
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].phones[0].as_str(), "+79120000001");
    let reads: Vec<_> = w.audit.rows()[before..].to_vec();
    assert_eq!(reads.len(), 2, "one audit row per person read");
    assert!(reads.iter().all(|r| r.event.action == "person.personal_data" && r.event.outcome == Outcome::Success));

    let trainer = actor(Role::Trainer, None, None);
    assert!(matches!(
        w.registry.personal_data(&trainer, &[w.anna]).await,
        Err(RegistryError::Gate(audit::GateError::Denied(_)))
    ));
    let researcher = actor(Role::Researcher, None, None);
    assert!(matches!(
        w.registry.person(&researcher, w.anna).await,
        Err(RegistryError::Gate(audit::GateError::Denied(_)))
    ));
}

#[tokio::test]
async fn a_former_members_contacts_leave_the_organisations_scope_while_the_membership_stays_in_its_history() {
    let w = world().await;
    let rep = actor(Role::NgoRepresentative, Some(w.a), None);
    // Boris was a member of A from January to March (today, in the fixtures, is 28 May 2026).
    let past = w
        .registry
        .add_membership(&admin(), w.boris, w.a, "волонтёр", Some(fixtures::day(2026, 1, 1)))
        .await
        .expect("boris in A");
    w.registry.end_membership(&admin(), past.id, Some(fixtures::day(2026, 3, 1))).await.expect("ended");

    let history = w.registry.memberships_of_organizations(&rep, &[w.a]).await.expect("history");
    assert!(history.iter().any(|m| m.person == w.boris), "the organisation's history keeps the former member");
    assert!(w.registry.person(&rep, w.boris).await.expect("answered").is_some(), "and their card, without contacts");

    let contacts = w.registry.personal_data(&rep, &[w.anna, w.boris]).await.expect("contacts");
    assert_eq!(contacts.iter().map(|c| c.person).collect::<Vec<_>>(), vec![w.anna], "a current member's only");
    let search = PersonFilter { contact: Some("+7912".into()), ..Default::default() };
    let found = w.registry.people(&rep, &search, page()).await.expect("a search");
    assert_eq!(found.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![w.anna], "nor found by a contact");
    assert_eq!(found.total, Some(1));

    // The organisation cannot bring him back itself (that would bring his contacts back too); the
    // centre's staff can, and then the contacts are the organisation's again.
    let relink = w.registry.add_membership(&rep, w.boris, w.a, "волонтёр", None).await;
    assert!(matches!(relink, Err(RegistryError::NotFound { entity: "person" })), "{relink:?}");
    let planned = w.registry.add_membership(&admin(), w.boris, w.a, "волонтёр", Some(fixtures::day(2026, 9, 1))).await;
    planned.expect("a membership from September");
    assert!(w.registry.personal_data(&rep, &[w.boris]).await.expect("contacts").is_empty(), "not before it starts");
    w.registry.add_membership(&admin(), w.boris, w.a, "волонтёр", None).await.expect("boris back in A");
    let contacts = w.registry.personal_data(&rep, &[w.boris]).await.expect("contacts");
    assert_eq!(contacts.len(), 1);
    let coordinator = actor(Role::Coordinator, None, None);
    assert_eq!(w.registry.personal_data(&coordinator, &[w.boris]).await.expect("contacts").len(), 1);
}

#[tokio::test]
async fn filtering_by_contacts_is_refused_to_those_who_may_not_read_them() {
    let w = world().await;
    let probe = PersonFilter { contact: Some("+7912".into()), ..Default::default() };
    let trainer = actor(Role::Trainer, None, None);
    let refused = w.registry.people(&trainer, &probe, page()).await;
    assert!(matches!(refused, Err(RegistryError::ForbiddenFilter { field: "contact" })));
    let coordinator = actor(Role::Coordinator, None, None);
    let before = w.audit.rows().len();
    assert_eq!(w.registry.people(&coordinator, &probe, page()).await.expect("allowed").total, Some(2));
    // A search by contact is a read of contacts: a count alone, asked digit by digit, reveals a
    // number, so every search leaves a row, and each person it shows one more.
    let rows: Vec<_> = w.audit.rows()[before..].to_vec();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r.event.action == "person.personal_data"));
    assert_eq!(rows[0].event.detail.as_deref(), Some("contact search: 2 found"));
    assert!(rows.iter().all(|r| !r.event.detail.as_deref().unwrap_or("").contains("+7912")), "no contact in the log");
    let plain = PersonFilter::default();
    let before = w.audit.rows().len();
    w.registry.people(&coordinator, &plain, page()).await.expect("allowed");
    assert_eq!(w.audit.rows().len(), before, "a list without a contact search reads no contacts");
}

#[tokio::test]
async fn each_change_writes_one_audit_row_and_a_refused_one_none() {
    let w = world().await;
    let admin = admin();
    let before = w.audit.rows().len();
    let org = w.registry.organization(&admin, w.a).await.expect("read").expect("exists");
    w.registry.verify_organization(&admin, w.a, org.version).await.expect("verify");
    assert_eq!(w.audit.rows().len(), before + 1);
    let stale = w.registry.verify_organization(&admin, w.a, org.version).await;
    assert!(matches!(stale, Err(RegistryError::StaleVersion { .. })));
    let duplicate = registry::input::OrganizationInput {
        full_name: "АНО «Дубль»".into(),
        legal_form: "ano".into(),
        inn: Some(fixtures::inn_number(1)),
        ..Default::default()
    };
    assert!(matches!(w.registry.create_organization(&admin, &duplicate).await, Err(RegistryError::Duplicate { .. })));
    assert_eq!(w.audit.rows().len(), before + 1, "refused changes leave no audit row");
    let last = w.audit.rows().pop().expect("a row");
    assert_eq!((last.event.action.as_str(), last.event.login.as_str()), ("organization.verify", "admin"));
}

mod properties {
    use std::collections::BTreeSet;

    use kernel::{PageRequest, Role};
    use proptest::prelude::*;
    use registry::model::{OrganizationId, PersonId};
    use registry::ports::PersonFilter;
    use registry::testing::InMemoryRegistry;
    use registry::testing::fixtures::{self, actor, admin};
    use registry::{Registry, RegistryError};

    /// People, organisations and who is a member where, as indexes.
    fn memberships() -> impl Strategy<Value = (usize, usize, Vec<(usize, usize)>, usize)> {
        (1usize..5, 1usize..8).prop_flat_map(|(orgs, people)| {
            (Just(orgs), Just(people), proptest::collection::vec((0..people, 0..orgs), 0..12), 0..orgs)
        })
    }

    /// A registry with these organisations, people and memberships (as indexes).
    async fn populated(
        orgs: usize,
        people: usize,
        links: &[(usize, usize)],
    ) -> (Registry, Vec<OrganizationId>, Vec<PersonId>) {
        let store = InMemoryRegistry::new();
        let registry = Registry::open(store.ports(), fixtures::gate(store.audit().clone())).await.expect("open");
        let admin = admin();
        registry.seed_references(&admin, &fixtures::terms()).await.expect("seed");
        let mut org_ids = Vec::new();
        for n in 0..orgs {
            let input = registry::input::OrganizationInput {
                full_name: format!("АНО «Н{n}»"),
                legal_form: "ano".into(),
                inn: Some(fixtures::inn_number(n as u32 + 1)),
                ..Default::default()
            };
            org_ids.push(registry.create_organization(&admin, &input).await.expect("org").id);
        }
        let basis = registry::input::LegalBasisInput {
            kind: registry::model::LegalBasisKind::Consent,
            purpose: "учёт".into(),
            since: fixtures::day(2026, 1, 1),
            document: None,
        };
        let mut person_ids: Vec<PersonId> = Vec::new();
        for n in 0..people {
            let input = registry::input::PersonInput {
                last_name: format!("Человек{n}"),
                first_name: "Тест".into(),
                phones: vec![format!("+7 912 000-00-{n:02}")],
                ..Default::default()
            };
            person_ids.push(registry.add_person(&admin, &input, &basis).await.expect("person").id);
        }
        for (p, o) in links {
            registry.add_membership(&admin, person_ids[*p], org_ids[*o], "член", None).await.expect("link");
        }
        (registry, org_ids, person_ids)
    }

    fn in_scope_of(own: usize, links: &[(usize, usize)], person_ids: &[PersonId]) -> BTreeSet<PersonId> {
        links.iter().filter(|(_, o)| *o == own).map(|(p, _)| person_ids[*p]).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn a_representative_sees_exactly_the_members_of_their_organisation((orgs, people, links, own) in memberships()) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let (registry, org_ids, person_ids) = populated(orgs, people, &links).await;
                let rep = actor(Role::NgoRepresentative, Some(org_ids[own]), None);
                let expected = in_scope_of(own, &links, &person_ids);
                let page = registry
                    .people(&rep, &PersonFilter::default(), PageRequest::new(100, None).expect("page").counted())
                    .await
                    .expect("list");
                let seen: BTreeSet<PersonId> = page.items.iter().map(|p| p.id).collect();
                assert_eq!(seen, expected);
                assert_eq!(page.total, Some(expected.len() as u64), "the total counts only the scope");
                for id in &person_ids {
                    let found = registry.person(&rep, *id).await.expect("answered").is_some();
                    assert_eq!(found, expected.contains(id));
                }
                for (n, id) in org_ids.iter().enumerate() {
                    let found = registry.organization(&rep, *id).await.expect("answered").is_some();
                    assert_eq!(found, n == own);
                }
                let missing: OrganizationId = OrganizationId::new();
                assert!(registry.organization(&rep, missing).await.expect("answered").is_none());
            });
        }

        #[test]
        fn a_pages_people_in_one_read_are_exactly_the_memberships_and_people_of_the_two_reads(
            (orgs, people, links, own) in memberships(),
            role in prop::sample::select(Role::ALL.to_vec()),
            me in 0usize..8,
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let (registry, org_ids, person_ids) = populated(orgs, people, &links).await;
                let caller = actor(role, Some(org_ids[own]), Some(person_ids[me % person_ids.len()]));
                let joined = registry.members_of_organizations(&caller, &org_ids).await;
                let memberships = registry.memberships_of_organizations(&caller, &org_ids).await;
                match (joined, memberships) {
                    (Ok(joined), Ok(memberships)) => {
                        let ids: Vec<PersonId> = memberships.iter().map(|m| m.person).collect();
                        let people = registry.people_by_ids(&caller, &ids).await.expect("people");
                        let mut expected: Vec<_> = memberships
                            .into_iter()
                            .filter_map(|m| people.iter().find(|p| p.id == m.person).map(|p| (m, p.clone())))
                            .collect();
                        let mut joined = joined;
                        let key = |(m, _): &(registry::model::Membership, registry::model::Person)| m.id;
                        expected.sort_by_key(key);
                        joined.sort_by_key(key);
                        assert_eq!(joined, expected);
                        assert!(joined.iter().all(|(_, p)| p.profile.phones.is_empty()), "no contacts on this path");
                    }
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => panic!("the joined read and the two reads disagree: {a:?} / {b:?}"),
                }
            });
        }

        #[test]
        fn a_representative_reads_the_contacts_of_exactly_the_current_members_of_their_organisation(
            (orgs, people, links, own) in memberships(),
            ended in proptest::collection::vec((0usize..8, 0usize..5), 0..8),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let (registry, org_ids, person_ids) = populated(orgs, people, &links).await;
                let ended: Vec<(usize, usize)> = ended.into_iter().map(|(p, o)| (p % people, o % orgs)).collect();
                for (p, o) in &ended {
                    let from = Some(fixtures::day(2026, 1, 1));
                    let m = registry.add_membership(&admin(), person_ids[*p], org_ids[*o], "бывший", from).await.expect("link");
                    registry.end_membership(&admin(), m.id, Some(fixtures::day(2026, 3, 1))).await.expect("ended");
                }
                let rep = actor(Role::NgoRepresentative, Some(org_ids[own]), None);
                let current = in_scope_of(own, &links, &person_ids);
                let contacts: BTreeSet<PersonId> =
                    registry.personal_data(&rep, &person_ids).await.expect("contacts").iter().map(|c| c.person).collect();
                assert_eq!(contacts, current, "contacts of current members, none of former ones");
                let search = PersonFilter { contact: Some("+7912".into()), ..Default::default() };
                let found = registry.people(&rep, &search, PageRequest::new(100, None).expect("page")).await.expect("search");
                assert_eq!(found.items.iter().map(|p| p.id).collect::<BTreeSet<_>>(), current, "a contact search alike");
                let history: BTreeSet<PersonId> =
                    in_scope_of(own, &ended, &person_ids).union(&current).copied().collect();
                let everyone = PersonFilter::default();
                let cards = registry.people(&rep, &everyone, PageRequest::new(100, None).expect("page")).await;
                let cards: BTreeSet<PersonId> = cards.expect("list").items.iter().map(|p| p.id).collect();
                assert_eq!(cards, history, "the cards of former members stay in the organisation's history");
            });
        }

        #[test]
        fn a_representative_links_exactly_the_people_within_their_scope((orgs, people, links, own) in memberships()) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let (registry, org_ids, person_ids) = populated(orgs, people, &links).await;
                let rep = actor(Role::NgoRepresentative, Some(org_ids[own]), None);
                let scope = in_scope_of(own, &links, &person_ids);
                for id in person_ids.iter().copied().chain([PersonId::new()]) {
                    match registry.add_membership(&rep, id, org_ids[own], "новая должность", None).await {
                        Ok(m) => assert!(scope.contains(&id) && m.person == id, "linked {id:?} from outside the scope"),
                        Err(RegistryError::NotFound { entity: "person" }) => assert!(!scope.contains(&id)),
                        Err(other) => panic!("unexpected answer: {other:?}"),
                    }
                }
                let page = PageRequest::new(100, None).expect("page").counted();
                let seen: BTreeSet<PersonId> =
                    registry.people(&rep, &PersonFilter::default(), page).await.expect("list").items.iter().map(|p| p.id).collect();
                assert_eq!(seen, scope, "the scope did not grow");
            });
        }
    }
}
