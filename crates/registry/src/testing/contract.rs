//! The contract suite: what every implementation of the registry's ports must do. Run against the
//! in-memory fake here, and against SQLite and PostgreSQL in `storage`.
//!
//! Each function takes fresh, empty ports and panics with a message on the first broken promise.

use std::sync::Arc;

use audit::{AuditEvent, AuditLog};
use kernel::{PageRequest, Period, TermKind};

use crate::error::{Conflict, NaturalKey};
use crate::model::{Code, Inn, OrgStatus, Organization, RelationshipKind, TieKind};
use crate::ports::RegistryPorts;
use crate::ports::{OrganizationFilter, OrganizationOrder, PersonFilter, StatusKind, person_position};
use crate::testing::fixtures;
use kernel::StoreError;

/// A sample audit event for the changes of the suite.
fn ev() -> AuditEvent {
    audit::testing::event(1)
}

/// The stores under test: the registry's ports and the audit log they write their rows into.
#[derive(Clone)]
pub struct Stores {
    /// The ports.
    pub ports: RegistryPorts,
    /// The log the ports' changes append to.
    pub audit: Arc<dyn AuditLog>,
}

async fn audit_rows(audit: &Arc<dyn AuditLog>) -> usize {
    audit.scan(0, 100_000).await.expect("scan the audit log").len()
}

fn conflict_of<T: std::fmt::Debug>(result: Result<T, StoreError<Conflict>>) -> Conflict {
    match result {
        Err(StoreError::Conflict(c)) => c,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// The first page of `first` items, counted.
fn page(first: i64) -> PageRequest {
    PageRequest::new(first, None).expect("valid page").counted()
}

fn sorted_ids<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<K> {
    let mut ids: Vec<K> = items.iter().map(key).collect();
    ids.sort();
    ids
}

/// Organisations: round trip, natural keys, versions, batches, lists and counts.
pub async fn organization_repo(stores: Stores) {
    let Stores { ports, audit } = stores;
    let repo = &ports.organizations;
    let first = fixtures::organization(1);
    repo.insert(&first, &ev()).await.expect("insert");
    assert_eq!(audit_rows(&audit).await, 1, "a change writes exactly one audit row");
    assert_eq!(repo.get(first.id).await.expect("get"), Some(first.clone()), "a stored organisation reads back equal");

    // Natural keys.
    let mut same_inn = fixtures::organization(2);
    same_inn.profile.inn = first.profile.inn.clone();
    assert_eq!(conflict_of(repo.insert(&same_inn, &ev()).await), Conflict::Duplicate(NaturalKey::Inn));
    let mut same_ogrn = fixtures::organization(3);
    same_ogrn.profile.ogrn = first.profile.ogrn.clone();
    assert_eq!(conflict_of(repo.insert(&same_ogrn, &ev()).await), Conflict::Duplicate(NaturalKey::Ogrn));
    assert_eq!(audit_rows(&audit).await, 1, "a refused change writes no audit row");
    assert_eq!(repo.get(same_inn.id).await.expect("get"), None, "a refused insert writes nothing");
    let mut keyless = fixtures::organization(4);
    keyless.profile.inn = None;
    keyless.profile.ogrn = None;
    let mut keyless_too = fixtures::organization(5);
    keyless_too.profile.inn = None;
    keyless_too.profile.ogrn = None;
    repo.insert(&keyless, &ev()).await.expect("an organisation without keys is allowed");
    repo.insert(&keyless_too, &ev()).await.expect("two organisations without keys do not clash");

    // Versions.
    let mut changed = first.clone();
    changed.version = 2;
    changed.profile.relationship.kind = RelationshipKind::OccasionalClient;
    changed.status = OrgStatus::Liquidated { on: fixtures::day(2026, 1, 1) };
    repo.update(&changed, &ev()).await.expect("update with the next version");
    assert_eq!(repo.get(first.id).await.expect("get"), Some(changed.clone()));
    assert_eq!(
        conflict_of(repo.update(&changed, &ev()).await),
        Conflict::StaleVersion,
        "the same version twice is stale"
    );
    let mut ghost = fixtures::organization(6);
    ghost.version = 2;
    assert_eq!(
        conflict_of(repo.update(&ghost, &ev()).await),
        Conflict::StaleVersion,
        "updating a missing row is stale"
    );
    let mut stealing = keyless.clone();
    stealing.version = 2;
    stealing.profile.inn = first.profile.inn.clone();
    assert_eq!(conflict_of(repo.update(&stealing, &ev()).await), Conflict::Duplicate(NaturalKey::Inn));
    assert_eq!(audit_rows(&audit).await, 4, "three inserts and one update; the refused ones wrote nothing");
    assert_eq!(repo.get(keyless.id).await.expect("get").map(|o| o.version), Some(1));

    // Batch loading and key lookup.
    let many = repo.get_many(&[first.id, ghost.id, keyless.id]).await.expect("get_many");
    assert_eq!(sorted_ids(&many, |o| o.id), sorted_ids(&[first.id, keyless.id], |id| *id));
    let inn = first.profile.inn.clone().expect("fixture has an INN");
    let found =
        repo.find_by_keys(&[inn, Inn::parse(&fixtures::inn_number(999)).expect("valid")], &[]).await.expect("find");
    assert_eq!(found.iter().map(|o| o.id).collect::<Vec<_>>(), vec![first.id]);
    let found =
        repo.find_by_keys(&[], &[first.profile.ogrn.clone().expect("fixture has an OGRN")]).await.expect("find");
    assert_eq!(found.iter().map(|o| o.id).collect::<Vec<_>>(), vec![first.id]);
    assert!(repo.find_by_keys(&[], &[]).await.expect("find").is_empty());

    // Batches are atomic.
    let fresh: Vec<Organization> = (10..14).map(fixtures::organization).collect();
    let mut clash = fixtures::organization(14);
    clash.profile.ogrn = first.profile.ogrn.clone();
    let mut with_clash = fresh.clone();
    with_clash.push(clash);
    assert_eq!(conflict_of(repo.write_batch(&with_clash, &[], &[ev()]).await), Conflict::Duplicate(NaturalKey::Ogrn));
    assert!(
        repo.get_many(&fresh.iter().map(|o| o.id).collect::<Vec<_>>()).await.expect("get").is_empty(),
        "a failed batch writes nothing"
    );
    assert_eq!(audit_rows(&audit).await, 4, "nor its audit row");
    let mut renamed = keyless_too.clone();
    renamed.version = 2;
    renamed.profile.full_name = crate::model::OrgName::parse("АНО «Новое имя»").expect("valid");
    let outcome = repo
        .write_batch(&fresh, std::slice::from_ref(&renamed), &[ev(), audit::testing::event(2)])
        .await
        .expect("batch");
    assert_eq!(audit_rows(&audit).await, 6, "a batch writes every audit row it is given");
    assert_eq!((outcome.inserted, outcome.updated), (4, 1));
    assert_eq!(repo.get(renamed.id).await.expect("get"), Some(renamed.clone()));
    let stale_batch =
        repo.write_batch(&[fixtures::organization(20)], std::slice::from_ref(&renamed), &[ev(), ev()]).await;
    assert_eq!(conflict_of(stale_batch), Conflict::StaleVersion);
    assert_eq!(audit_rows(&audit).await, 6, "a refused batch writes none of its audit rows");
    assert_eq!(repo.get_many(&[]).await.expect("get").len(), 0);

    organization_lists(&ports).await;
    bulk_round_trip(&ports).await;
    let rows = audit::verify_log(audit.as_ref(), None).await.expect("the audit chain verifies, bulk writes included");
    assert_eq!(rows, 7, "three inserts, one update, two batches and one change of the second");
}

/// An all-new batch (the bulk path of imports) stores every field exactly as `insert` does.
async fn bulk_round_trip(ports: &RegistryPorts) {
    let repo = &ports.organizations;
    let mut rich = fixtures::organization(30);
    rich.profile.kpp = Some(crate::model::Kpp::parse("402701001").expect("valid"));
    rich.profile.website = Some(crate::model::Website::parse("https://example.org/").expect("valid"));
    rich.profile.postal_address = Some(crate::model::Text::parse("248000, Калуга, а/я 1", 200).expect("valid"));
    rich.profile.relationship.since = Some(fixtures::day(2024, 2, 29));
    rich.profile.in_sonko_register = true;
    rich.status = OrgStatus::Liquidated { on: fixtures::day(2026, 6, 30) };
    rich.verification = Some(crate::model::Verification { by: "coordinator".into(), at: fixtures::instant() });
    let mut bare = fixtures::organization(31);
    bare.profile.short_name = None;
    bare.profile.inn = None;
    bare.profile.ogrn = None;
    bare.profile.registered_on = None;
    bare.profile.phones.clear();
    bare.profile.emails.clear();
    let batch = vec![rich, bare];
    let outcome = repo.write_batch(&batch, &[], &[ev()]).await.expect("an all-new batch");
    let clash = repo.write_batch(&batch, &[], &[ev()]).await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "the same batch again clashes and writes nothing");
    assert_eq!((outcome.inserted, outcome.updated), (2, 0));
    for org in &batch {
        assert_eq!(repo.get(org.id).await.expect("get").as_ref(), Some(org), "read back as written");
    }
}

async fn organization_lists(ports: &RegistryPorts) {
    let repo = &ports.organizations;
    // Stored now: 1 (liquidated, occasional), 4, 5 («Новое имя»), 10..13.
    let all = repo.list(&OrganizationFilter::default(), OrganizationOrder::NameAsc, page(100)).await.expect("list");
    assert_eq!(all.total, Some(7));
    assert!(!all.has_next, "the whole list on one page");
    assert_eq!(all.items.len(), 7);
    let names: Vec<String> = all.items.iter().map(|o| o.profile.full_name.to_string()).collect();
    let mut expected = names.clone();
    expected.sort_by_key(|n| crate::rules::names::name_key(n));
    assert_eq!(names, expected, "NameAsc sorts by the name key");

    // In every order, pages of 3 cover the list without overlap, in the order of a single page,
    // each position is the order's position of its item, and the count is made only when asked.
    let orders = [
        OrganizationOrder::NameAsc,
        OrganizationOrder::NameDesc,
        OrganizationOrder::CreatedAsc,
        OrganizationOrder::CreatedDesc,
    ];
    for order in orders {
        let whole = repo.list(&OrganizationFilter::default(), order, page(100)).await.expect("list");
        let positions: Vec<_> = whole.items.iter().map(|o| order.position(o)).collect();
        assert_eq!(whole.positions, positions, "positions are the order's ({order:?})");
        let mut sorted = positions.clone();
        sorted.sort();
        if order.descending() {
            sorted.reverse();
        }
        assert_eq!(positions, sorted, "the page is in the order's sequence ({order:?})");
        let mut paged = Vec::new();
        let mut request = PageRequest::new(3, None).expect("valid");
        loop {
            let p = repo.list(&OrganizationFilter::default(), order, request.clone()).await.expect("list");
            assert_eq!(p.total, None, "not counted unless asked");
            paged.extend(p.items.iter().map(|o| o.id));
            if !p.has_next {
                assert!(p.items.len() <= 3);
                break;
            }
            assert_eq!(p.items.len(), 3, "a page followed by another is full");
            request.after = p.positions.last().cloned();
        }
        assert_eq!(paged, whole.items.iter().map(|o| o.id).collect::<Vec<_>>(), "pages cover the list ({order:?})");
    }
    let desc = repo.list(&OrganizationFilter::default(), OrganizationOrder::NameDesc, page(100)).await.expect("list");
    let asc: Vec<_> = all.items.iter().map(|o| o.id).collect();
    assert_eq!(desc.items.iter().rev().map(|o| o.id).collect::<Vec<_>>(), asc, "NameDesc is NameAsc reversed");
    let after_last = PageRequest { after: all.positions.last().cloned(), ..page(10) };
    let past_end =
        repo.list(&OrganizationFilter::default(), OrganizationOrder::NameAsc, after_last).await.expect("list");
    assert!(past_end.items.is_empty() && !past_end.has_next && past_end.total == Some(7));

    let count = |filter: OrganizationFilter| async move {
        repo.list(&filter, OrganizationOrder::CreatedAsc, page(100)).await.expect("list").total.expect("counted")
    };
    let code = |c: &str| Some(Code::parse(c).expect("valid"));
    assert_eq!(
        count(OrganizationFilter { text: Some("помощь 1".into()), ..Default::default() }).await,
        5,
        "1, 10, 11, 12, 13"
    );
    assert_eq!(
        count(OrganizationFilter { text: Some("ПОМОЩЬ 12".into()), ..Default::default() }).await,
        1,
        "case is ignored"
    );
    assert_eq!(
        count(OrganizationFilter { text: Some("«новое".into()), ..Default::default() }).await,
        1,
        "quotes are ignored"
    );
    assert_eq!(
        count(OrganizationFilter { text: Some("100%_".into()), ..Default::default() }).await,
        0,
        "wildcards are literal"
    );
    let inn = Inn::parse(&fixtures::inn_number(11)).expect("valid");
    assert_eq!(count(OrganizationFilter { inn: Some(inn), ..Default::default() }).await, 1);
    assert_eq!(
        count(OrganizationFilter { municipality: code("kaluga_city"), ..Default::default() }).await,
        3,
        "4, 10 and 12"
    );
    assert_eq!(count(OrganizationFilter { legal_form: code("fund"), ..Default::default() }).await, 0);
    assert_eq!(
        count(OrganizationFilter { activity_area: code("charity_volunteering"), ..Default::default() }).await,
        7
    );
    assert_eq!(
        count(OrganizationFilter { activity_area: code("charity"), ..Default::default() }).await,
        0,
        "codes match whole"
    );
    assert_eq!(count(OrganizationFilter { target_group: code("homelessness"), ..Default::default() }).await, 7);
    assert_eq!(count(OrganizationFilter { status: Some(StatusKind::Liquidated), ..Default::default() }).await, 1);
    assert_eq!(count(OrganizationFilter { status: Some(StatusKind::Active), ..Default::default() }).await, 6);
    assert_eq!(
        count(OrganizationFilter { relationship: Some(RelationshipKind::OccasionalClient), ..Default::default() })
            .await,
        1
    );

    let summary = repo.summary().await.expect("summary");
    assert_eq!(summary.total, 7);
    assert_eq!(summary.by_legal_form, vec![("ano".to_string(), 7)]);
    assert_eq!(summary.by_activity_area, vec![("charity_volunteering".to_string(), 7)]);
    assert_eq!(
        summary.by_municipality,
        vec![(Some("kaluga_city".to_string()), 3), (Some("obninsk_city".to_string()), 4)]
    );
    assert_eq!(
        summary.by_relationship,
        vec![(RelationshipKind::OccasionalClient, 1), (RelationshipKind::RegularClient, 6)]
    );
}

/// People: round trip, batch loading, search and the organisation filter.
pub async fn person_repo(stores: Stores) {
    let ports = stores.ports;
    let people = &ports.people;
    let anna = fixtures::person("Ёлкина");
    let boris = fixtures::person("Борисова");
    people.insert(&anna, &ev()).await.expect("insert");
    people.insert(&boris, &ev()).await.expect("insert");
    assert_eq!(people.get(anna.id).await.expect("get"), Some(anna.clone()));
    assert_eq!(people.get_many(&[anna.id, boris.id]).await.expect("get_many").len(), 2);
    let list = people.list(&PersonFilter::default(), page(10)).await.expect("list");
    assert_eq!(list.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![boris.id, anna.id], "sorted by surname");
    assert_eq!(list.positions, list.items.iter().map(person_position).collect::<Vec<_>>(), "positions by name");
    let after_boris = PageRequest { after: Some(list.positions[0].clone()), ..page(10) };
    let rest = people.list(&PersonFilter::default(), after_boris).await.expect("list");
    assert_eq!((rest.items.iter().map(|p| p.id).collect::<Vec<_>>(), rest.has_next), (vec![anna.id], false));
    let found = people
        .list(&PersonFilter { text: Some("елкина анна".into()), ..Default::default() }, page(10))
        .await
        .expect("list");
    assert_eq!(found.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![anna.id], "ё and е match, case ignored");

    let org = fixtures::organization(1);
    ports.organizations.insert(&org, &ev()).await.expect("insert");
    ports.memberships.insert(&fixtures::membership(boris.id, org.id), &ev()).await.expect("membership");
    let members =
        people.list(&PersonFilter { organization: Some(org.id), ..Default::default() }, page(10)).await.expect("list");
    assert_eq!(members.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![boris.id]);
    assert_eq!(members.total, Some(1));
}

/// Memberships: references are checked, ends are stored, batch lookups go both ways.
pub async fn membership_repo(stores: Stores) {
    let ports = stores.ports;
    let person = fixtures::person("Иванова");
    let org = fixtures::organization(1);
    let orphan = fixtures::membership(person.id, org.id);
    assert_eq!(conflict_of(ports.memberships.insert(&orphan, &ev()).await), Conflict::MissingReference);
    ports.people.insert(&person, &ev()).await.expect("insert");
    ports.organizations.insert(&org, &ev()).await.expect("insert");
    let membership = fixtures::membership(person.id, org.id);
    ports.memberships.insert(&membership, &ev()).await.expect("insert");
    assert_eq!(ports.memberships.get(membership.id).await.expect("get"), Some(membership.clone()));
    let end = fixtures::day(2026, 6, 30);
    ports.memberships.set_end(membership.id, end, &ev()).await.expect("end");
    let stored = ports.memberships.get(membership.id).await.expect("get").expect("present");
    assert_eq!(stored.period.to(), Some(end));
    assert_eq!(ports.memberships.of_organizations(&[org.id]).await.expect("of").len(), 1);
    assert_eq!(ports.memberships.of_people(&[person.id]).await.expect("of"), vec![stored.clone()]);
    assert!(ports.memberships.of_people(&[]).await.expect("of").is_empty());

    // With their people, oldest first, in one query: what a page of organisations shows.
    let later = fixtures::person("Петров");
    ports.people.insert(&later, &ev()).await.expect("insert");
    let mut second = fixtures::membership(later.id, org.id);
    second.period = Period::open(fixtures::day(2026, 7, 1));
    ports.memberships.insert(&second, &ev()).await.expect("insert");
    let other = fixtures::organization(2);
    ports.organizations.insert(&other, &ev()).await.expect("insert");
    let stored_person = ports.people.get(person.id).await.expect("get").expect("present");
    let stored_later = ports.people.get(later.id).await.expect("get").expect("present");
    assert_eq!(
        ports.memberships.members_of_organizations(&[org.id, other.id]).await.expect("members"),
        vec![(stored, stored_person), (second, stored_later)]
    );
    assert!(ports.memberships.members_of_organizations(&[other.id]).await.expect("members").is_empty());
    assert!(ports.memberships.members_of_organizations(&[]).await.expect("members").is_empty());
}

/// Coalitions and their members.
pub async fn coalition_repo(stores: Stores) {
    let ports = stores.ports;
    let repo = &ports.coalitions;
    let b = fixtures::coalition("Сеть «Вместе»");
    let a = fixtures::coalition("Альянс семейных НКО");
    repo.insert(&b, &ev()).await.expect("insert");
    repo.insert(&a, &ev()).await.expect("insert");
    assert_eq!(repo.list().await.expect("list").iter().map(|c| c.id).collect::<Vec<_>>(), vec![a.id, b.id]);
    assert_eq!(repo.get_many(&[b.id]).await.expect("get"), vec![b.clone()]);
    let org = fixtures::organization(1);
    let orphan = fixtures::coalition_member(a.id, org.id);
    assert_eq!(conflict_of(repo.insert_member(&orphan, &ev()).await), Conflict::MissingReference);
    ports.organizations.insert(&org, &ev()).await.expect("insert");
    let member = fixtures::coalition_member(a.id, org.id);
    repo.insert_member(&member, &ev()).await.expect("insert member");
    assert_eq!(repo.get_member(member.id).await.expect("get"), Some(member.clone()));
    repo.set_member_end(member.id, fixtures::day(2026, 2, 1), &ev()).await.expect("end");
    let ended = repo.get_member(member.id).await.expect("get").expect("present");
    assert_eq!(ended.period.to(), Some(fixtures::day(2026, 2, 1)));
    assert_eq!(repo.members_of(&[a.id, b.id]).await.expect("members"), vec![ended.clone()]);
    assert_eq!(repo.memberships_of(&[org.id]).await.expect("memberships"), vec![ended]);
}

/// Ties: symmetric storage, one open tie per kind and pair, lookups from either end.
pub async fn tie_repo(stores: Stores) {
    let ports = stores.ports;
    let [a, b, c] = [1, 2, 3].map(fixtures::organization);
    for org in [&a, &b, &c] {
        ports.organizations.insert(org, &ev()).await.expect("insert");
    }
    let ab = fixtures::tie(TieKind::Partnership, a.id, b.id);
    ports.ties.insert(&ab, &ev()).await.expect("insert");
    assert_eq!(ports.ties.get(ab.id).await.expect("get"), Some(ab.clone()));
    let ba = fixtures::tie(TieKind::Partnership, b.id, a.id);
    assert_eq!(conflict_of(ports.ties.insert(&ba, &ev()).await), Conflict::ActiveTie, "B-A is A-B");
    ports.ties.insert(&fixtures::tie(TieKind::Funding, b.id, a.id), &ev()).await.expect("another kind is allowed");
    ports.ties.insert(&fixtures::tie(TieKind::Partnership, c.id, a.id), &ev()).await.expect("another pair is allowed");
    let ghost = fixtures::tie(TieKind::Partnership, a.id, fixtures::organization(9).id);
    assert_eq!(conflict_of(ports.ties.insert(&ghost, &ev()).await), Conflict::MissingReference);
    assert_eq!(ports.ties.of_organizations(&[a.id]).await.expect("of").len(), 3);
    assert_eq!(ports.ties.of_organizations(&[b.id]).await.expect("of").len(), 2, "found from the other end too");
    ports.ties.set_end(ab.id, fixtures::day(2025, 12, 31), &ev()).await.expect("end");
    assert_eq!(
        ports.ties.get(ab.id).await.expect("get").expect("present").period.to(),
        Some(fixtures::day(2025, 12, 31))
    );
    ports.ties.insert(&ba, &ev()).await.expect("after the old tie ended a new one may start");
}

/// Reference terms: upsert by kind and code.
pub async fn reference_repo(stores: Stores) {
    let ports = stores.ports;
    let mut terms = fixtures::terms();
    ports.references.upsert(&terms, &ev()).await.expect("upsert");
    let mut stored = ports.references.all().await.expect("all");
    let key = |t: &kernel::Term| (t.kind, t.code.clone());
    stored.sort_by_key(key);
    terms.sort_by_key(key);
    assert_eq!(stored, terms);
    let mut renamed = terms[0].clone();
    renamed.name_ru = "Новое название".into();
    renamed.valid_from = Some(fixtures::day(2025, 1, 1));
    ports.references.upsert(std::slice::from_ref(&renamed), &ev()).await.expect("upsert");
    let stored = ports.references.all().await.expect("all");
    assert_eq!(stored.len(), terms.len(), "an upsert of a known code adds nothing");
    assert!(stored.contains(&renamed));
    assert!(stored.iter().any(|t| t.kind == TermKind::TargetGroup));
}

/// The filters that carry the record scope (an NGO's representative: `only` their organisation,
/// and people with a membership in it; a volunteer: `only` their person): the page and its total
/// hold nothing outside the scope, whatever else the filter says.
pub async fn record_scope(stores: Stores) {
    let ports = stores.ports;
    let orgs: Vec<Organization> = (1..=4).map(fixtures::organization).collect();
    for org in &orgs {
        ports.organizations.insert(org, &ev()).await.expect("insert");
    }
    let own = orgs[2].id;
    let ids = |page: &kernel::Page<Organization>| page.items.iter().map(|o| o.id).collect::<Vec<_>>();
    let list = |filter: OrganizationFilter| {
        let repo = ports.organizations.clone();
        async move { repo.list(&filter, OrganizationOrder::NameAsc, page(100)).await.expect("list") }
    };
    let everything = list(OrganizationFilter::default()).await;
    assert_eq!(everything.total, Some(4), "without a scope every organisation is listed");
    let scoped = list(OrganizationFilter { only: Some(own), ..Default::default() }).await;
    assert_eq!((scoped.total, ids(&scoped)), (Some(1), vec![own]), "`only` limits the page and its total");
    for order in [OrganizationOrder::NameDesc, OrganizationOrder::CreatedAsc, OrganizationOrder::CreatedDesc] {
        let filter = OrganizationFilter { only: Some(own), ..Default::default() };
        let scoped = ports.organizations.list(&filter, order, page(1)).await.expect("list");
        assert_eq!((scoped.total, ids(&scoped)), (Some(1), vec![own]), "in every order ({order:?})");
    }
    let text = OrganizationFilter { text: Some("помощь".into()), only: Some(own), ..Default::default() };
    assert_eq!(list(text).await.total, Some(1), "`only` narrows a search that matches every organisation");
    let liquidated = OrganizationFilter { status: Some(StatusKind::Liquidated), only: Some(own), ..Default::default() };
    assert_eq!(list(liquidated).await.total, Some(0), "`only` and another filter both apply");
    let nobody =
        list(OrganizationFilter { only: Some(crate::model::OrganizationId::new()), ..Default::default() }).await;
    assert_eq!((nobody.total, nobody.items.len()), (Some(0), 0), "an unknown organisation: an empty scope");

    let people: Vec<_> = ["Аверина", "Белова", "Волкова", "Галкина"].into_iter().map(fixtures::person).collect();
    for person in &people {
        ports.people.insert(person, &ev()).await.expect("insert");
    }
    for (person, org) in [(0, 2), (1, 2), (1, 0), (2, 1)] {
        ports.memberships.insert(&fixtures::membership(people[person].id, orgs[org].id), &ev()).await.expect("link");
    }
    let person_ids = |page: &kernel::Page<crate::model::Person>| page.items.iter().map(|p| p.id).collect::<Vec<_>>();
    let list = |filter: PersonFilter| {
        let repo = ports.people.clone();
        async move { repo.list(&filter, page(100)).await.expect("list") }
    };
    assert_eq!(list(PersonFilter::default()).await.total, Some(4), "without a scope every person is listed");
    let members = list(PersonFilter { organization: Some(own), ..Default::default() }).await;
    assert_eq!(
        (members.total, person_ids(&members)),
        (Some(2), vec![people[0].id, people[1].id]),
        "members of the scope"
    );
    let first = ports.people.list(&PersonFilter { organization: Some(own), ..Default::default() }, page(1)).await;
    assert_eq!(first.expect("list").total, Some(2), "the total of a short page counts the whole scope, nothing more");
    let volunteer = list(PersonFilter { only: Some(people[3].id), ..Default::default() }).await;
    assert_eq!((volunteer.total, person_ids(&volunteer)), (Some(1), vec![people[3].id]), "`only` limits people too");
    let outside = PersonFilter { organization: Some(own), only: Some(people[3].id), ..Default::default() };
    assert_eq!(list(outside).await.total, Some(0), "`only` someone outside the organisation: nobody");
    let search = PersonFilter { text: Some("анна".into()), only: Some(people[2].id), ..Default::default() };
    assert_eq!(person_ids(&list(search).await), vec![people[2].id], "`only` narrows a search that matches everyone");

    // A membership that ended on 31 January: a member on that day, a former member the day after.
    let mut ended = fixtures::membership(people[3].id, orgs[2].id);
    ended.period = kernel::Period::new(fixtures::day(2024, 1, 1), Some(fixtures::day(2026, 1, 31))).expect("period");
    ports.memberships.insert(&ended, &ev()).await.expect("link");
    let on = |day| PersonFilter { organization: Some(own), member_on: Some(day), ..Default::default() };
    assert_eq!(
        person_ids(&list(on(fixtures::day(2026, 1, 31))).await),
        vec![people[0].id, people[1].id, people[3].id],
        "on its last day a membership is current"
    );
    let current = list(on(fixtures::day(2026, 2, 1))).await;
    assert_eq!(
        (current.total, person_ids(&current)),
        (Some(2), vec![people[0].id, people[1].id]),
        "`member_on` leaves out a membership ended before the day"
    );
    let ever = list(PersonFilter { organization: Some(own), ..Default::default() }).await;
    assert_eq!(ever.total, Some(3), "without `member_on`, former members too");
    let mut planned = fixtures::membership(people[2].id, orgs[2].id);
    planned.period = kernel::Period::open(fixtures::day(2026, 3, 1));
    ports.memberships.insert(&planned, &ev()).await.expect("link");
    assert_eq!(
        person_ids(&list(on(fixtures::day(2026, 2, 28))).await),
        vec![people[0].id, people[1].id],
        "`member_on` leaves out a membership that starts after the day"
    );
    assert_eq!(list(on(fixtures::day(2026, 3, 1))).await.total, Some(3), "and takes it in on its first day");
}

/// Every suite, each on fresh ports from `fresh`.
pub async fn all<F, Fut>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Stores>,
{
    organization_repo(fresh().await).await;
    person_repo(fresh().await).await;
    membership_repo(fresh().await).await;
    coalition_repo(fresh().await).await;
    tie_repo(fresh().await).await;
    reference_repo(fresh().await).await;
    record_scope(fresh().await).await;
    pages_of_one_instant(fresh().await).await;
}

/// Organisations created in one instant, to the nanosecond (an import's batch): pages by creation
/// time walk them by id, each once, in both directions, whatever precision the store keeps.
pub async fn pages_of_one_instant(stores: Stores) {
    let repo = &stores.ports.organizations;
    let instant = fixtures::instant() + chrono::TimeDelta::nanoseconds(123_456_789);
    let batch: Vec<_> = (20..26)
        .map(|n| {
            let mut org = fixtures::organization(n);
            org.created_at = instant;
            org
        })
        .collect();
    repo.write_batch(&batch, &[], &[ev()]).await.expect("a batch");
    for order in [OrganizationOrder::CreatedAsc, OrganizationOrder::CreatedDesc] {
        let mut seen = Vec::new();
        let mut request = PageRequest::new(2, None).expect("valid");
        for _ in 0..10 {
            let page = repo.list(&OrganizationFilter::default(), order, request.clone()).await.expect("list");
            seen.extend(page.items.iter().map(|o| o.id));
            if !page.has_next {
                break;
            }
            request.after = page.positions.last().cloned();
        }
        let mut expected: Vec<_> = batch.iter().map(|o| o.id).collect();
        expected.sort();
        if order.descending() {
            expected.reverse();
        }
        assert_eq!(seen, expected, "each organisation of the instant once, by id ({order:?})");
    }
}
