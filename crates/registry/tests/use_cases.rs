//! The registry's use cases on in-memory ports: validation, duplicates, versions, ties, imports.

use proptest::prelude::*;
use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
use registry::model::{LegalBasisKind, OrgStatus, TieKind};
use registry::service::{ImportRow, NewTie, RowOutcome, RowRejection, StaleRows, validate_rows};
use registry::testing::fixtures::admin;
use registry::testing::{InMemoryRegistry, fixtures};
use registry::{NaturalKey, Problem, Registry, RegistryError};

async fn registry() -> Registry {
    let store = InMemoryRegistry::new();
    let registry = Registry::open(store.ports(), fixtures::gate(store.audit().clone())).await.expect("open");
    registry.seed_references(&admin(), &fixtures::terms()).await.expect("seed");
    registry
}

fn input(n: u32) -> OrganizationInput {
    OrganizationInput {
        full_name: format!("  АНО   \"Помощь {n}\" "),
        legal_form: "ano".into(),
        inn: Some(fixtures::inn_number(n)),
        ogrn: Some(fixtures::ogrn_number(n)),
        municipality: Some("kaluga_city".into()),
        activity_areas: vec!["charity_volunteering".into(), "charity_volunteering".into()],
        phones: vec!["8 (4842) 12-34-56".into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn a_created_organisation_is_normalised_and_starts_at_version_one() {
    let registry = registry().await;
    let org = registry.create_organization(&admin(), &input(1)).await.expect("create");
    assert_eq!(org.profile.full_name.as_str(), "АНО «Помощь 1»");
    assert_eq!(org.version, 1);
    assert_eq!(org.profile.activity_areas.len(), 1, "repeated codes collapse");
    assert_eq!(org.profile.phones[0].as_str(), "+74842123456", "a Russian 8-number becomes +7");
    assert_eq!(registry.organization(&admin(), org.id).await.expect("get"), Some(org));
}

#[tokio::test]
async fn a_bad_inn_is_refused_naming_the_field() {
    let registry = registry().await;
    let mut bad = input(1);
    bad.inn = Some("7707083890".into());
    let error = registry.create_organization(&admin(), &bad).await.unwrap_err();
    assert!(
        matches!(&error, RegistryError::Invalid(f) if f.field == "inn" && f.problem == Problem::InnChecksum),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unknown_code_is_refused_naming_the_list_field() {
    let registry = registry().await;
    let mut bad = input(1);
    bad.activity_areas = vec!["charity_volunteering".into(), "space_travel".into()];
    let error = registry.create_organization(&admin(), &bad).await.unwrap_err();
    assert!(matches!(&error, RegistryError::Invalid(f) if f.field == "activityAreas[1]"), "{error:?}");
}

#[tokio::test]
async fn a_second_organisation_with_the_same_inn_is_a_duplicate() {
    let registry = registry().await;
    let first = registry.create_organization(&admin(), &input(1)).await.expect("create");
    let mut again = input(2);
    again.inn = input(1).inn;
    let error = registry.create_organization(&admin(), &again).await.unwrap_err();
    assert!(matches!(error, RegistryError::Duplicate { key: NaturalKey::Inn, existing } if existing == Some(first.id)));
}

#[tokio::test]
async fn an_update_with_a_stale_version_is_refused_with_the_current_version() {
    let registry = registry().await;
    let org = registry.create_organization(&admin(), &input(1)).await.expect("create");
    let mut changed = input(1);
    changed.short_name = Some("Помощь".into());
    let updated = registry.update_organization(&admin(), org.id, 1, &changed).await.expect("update");
    assert_eq!(updated.version, 2);
    let error = registry.update_organization(&admin(), org.id, 1, &changed).await.unwrap_err();
    assert!(matches!(error, RegistryError::StaleVersion { expected: 1, current: 2 }), "{error:?}");
}

#[tokio::test]
async fn a_liquidated_organisation_gets_no_new_ties_but_keeps_old_ones() {
    let registry = registry().await;
    let a = registry.create_organization(&admin(), &input(1)).await.expect("create");
    let b = registry.create_organization(&admin(), &input(2)).await.expect("create");
    let tie = |kind| NewTie { kind, a: a.id, a_role: None, b: b.id, b_role: None, from: None, to: None, note: None };
    registry.add_tie(&admin(), &tie(TieKind::Partnership)).await.expect("tie");
    let error = registry.add_tie(&admin(), &tie(TieKind::Partnership)).await.unwrap_err();
    assert!(matches!(error, RegistryError::Rule(_)), "{error:?}");
    let b = registry.liquidate_organization(&admin(), b.id, 1, fixtures::day(2026, 1, 1)).await.expect("liquidate");
    assert!(matches!(b.status, OrgStatus::Liquidated { .. }));
    let error = registry.add_tie(&admin(), &tie(TieKind::Funding)).await.unwrap_err();
    assert_eq!(error.to_string(), "a liquidated organisation cannot get new ties");
    assert_eq!(registry.ties_of(&admin(), &[a.id]).await.expect("ties").len(), 1);
}

#[tokio::test]
async fn a_person_needs_a_purpose_for_the_legal_basis() {
    let registry = registry().await;
    let person =
        PersonInput { last_name: "Петрова".into(), first_name: "Ольга".into(), ..Default::default() };
    let basis = LegalBasisInput {
        kind: LegalBasisKind::Consent,
        purpose: "  ".into(),
        since: fixtures::day(2026, 1, 1),
        document: None,
    };
    let error = registry.add_person(&admin(), &person, &basis).await.unwrap_err();
    assert!(
        matches!(&error, RegistryError::Invalid(f) if f.field == "legalBasis.purpose" && f.problem == Problem::Required)
    );
}

#[tokio::test]
async fn importing_the_same_rows_twice_changes_nothing_the_second_time() {
    let registry = registry().await;
    let vocabulary = registry.vocabulary();
    let rows: Vec<_> = (1..=5).map(input).collect();
    let profiles: Vec<_> = validate_rows(&rows, &vocabulary, fixtures::day(2026, 11, 1))
        .into_iter()
        .map(|row| ImportRow::new(row.unwrap(), None))
        .collect();
    let first = registry.import_batch(&admin(), profiles.clone(), StaleRows::Refuse).await.expect("import");
    assert!(first.iter().all(|o| *o == RowOutcome::Inserted));
    let planned = registry.plan_import(&admin(), &profiles, StaleRows::Refuse).await.expect("plan");
    assert!(planned.iter().all(|o| *o == RowOutcome::Unchanged));
    let second = registry.import_batch(&admin(), profiles.clone(), StaleRows::Refuse).await.expect("import");
    assert!(second.iter().all(|o| *o == RowOutcome::Unchanged), "{second:?}");
    // A row exported at the stored version 1 changes its organisation.
    let mut changed: Vec<_> = profiles.iter().map(|row| ImportRow::new(row.profile.clone(), Some(1))).collect();
    changed[2].profile.in_sonko_register = true;
    let third = registry.import_batch(&admin(), changed, StaleRows::Refuse).await.expect("import");
    assert_eq!(third.iter().filter(|o| matches!(o, RowOutcome::Updated { .. })).count(), 1);
    assert!(third.contains(&RowOutcome::Updated { fields: vec!["in_sonko_register"] }), "the changed field is named");
}

/// One imported organisation and its row as exported at version 1.
async fn imported_at_version_one(registry: &Registry) -> (registry::model::Organization, ImportRow) {
    let profile = input(1).validate(&registry.vocabulary(), fixtures::day(2026, 11, 1)).expect("valid");
    let row = ImportRow::new(profile, Some(1));
    registry.import_batch(&admin(), vec![row.clone()], StaleRows::Refuse).await.expect("import");
    let org = registry
        .organizations(&admin(), &Default::default(), Default::default(), kernel::PageRequest::new(1, None).unwrap())
        .await
        .expect("list")
        .items
        .remove(0);
    (org, row)
}

#[tokio::test]
async fn an_old_export_does_not_undo_a_newer_edit_unless_overwriting_is_asked_for() {
    let store = InMemoryRegistry::new();
    let registry = Registry::open(store.ports(), fixtures::gate(store.audit().clone())).await.expect("open");
    registry.seed_references(&admin(), &fixtures::terms()).await.expect("seed");
    let (org, mut old_row) = imported_at_version_one(&registry).await;
    let mut edit = input(1);
    edit.phones = vec!["+7 900 000-00-01".into()];
    let edited = registry.update_organization(&admin(), org.id, 1, &edit).await.expect("edit");
    assert_eq!(edited.version, 2);
    old_row.profile.in_sonko_register = true;

    let planned = registry.plan_import(&admin(), std::slice::from_ref(&old_row), StaleRows::Refuse).await.unwrap();
    assert_eq!(planned, vec![RowOutcome::Rejected(RowRejection::NotAtVersion { row: Some(1), stored: 2 })]);
    let refused = registry.import_batch(&admin(), vec![old_row.clone()], StaleRows::Refuse).await;
    assert!(matches!(refused, Err(RegistryError::StaleVersion { expected: 1, current: 2 })), "{refused:?}");
    let without_version = ImportRow::new(old_row.profile.clone(), None);
    let planned = registry.plan_import(&admin(), &[without_version], StaleRows::Refuse).await.unwrap();
    assert_eq!(planned, vec![RowOutcome::Rejected(RowRejection::NotAtVersion { row: None, stored: 2 })]);
    assert_eq!(registry.organization(&admin(), org.id).await.unwrap(), Some(edited.clone()), "the edit is kept");

    let planned = registry.plan_import(&admin(), std::slice::from_ref(&old_row), StaleRows::Overwrite).await.unwrap();
    let both = RowOutcome::Updated { fields: vec!["phones", "in_sonko_register"] };
    assert_eq!(planned, vec![both.clone()], "the row undoes the edit's phone too");
    let written = registry.import_batch(&admin(), vec![old_row.clone()], StaleRows::Overwrite).await.unwrap();
    assert_eq!(written, vec![both]);
    let now = registry.organization(&admin(), org.id).await.unwrap().expect("stored");
    assert_eq!((now.version, &now.profile), (3, &old_row.profile));
    let last = store.audit().rows().pop().expect("an audit row");
    assert!(
        last.event
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("--overwrite-newer") && d.contains(&org.id.to_string())),
        "{last:?}"
    );
}

#[tokio::test]
async fn an_edit_made_between_the_plan_and_the_write_of_an_import_is_kept() {
    let registry = registry().await;
    let (org, mut row) = imported_at_version_one(&registry).await;
    row.profile.in_sonko_register = true;
    let planned = registry.plan_import(&admin(), std::slice::from_ref(&row), StaleRows::Refuse).await.unwrap();
    let sonko = RowOutcome::Updated { fields: vec!["in_sonko_register"] };
    assert_eq!(planned, vec![sonko], "the row is at the stored version when planned");
    let mut edit = input(1);
    edit.phones = vec!["+7 900 000-00-02".into()];
    let edited = registry.update_organization(&admin(), org.id, 1, &edit).await.expect("a concurrent edit");
    let written = registry.import_batch(&admin(), vec![row], StaleRows::Refuse).await;
    assert!(matches!(written, Err(RegistryError::StaleVersion { expected: 1, current: 2 })), "{written:?}");
    assert_eq!(registry.organization(&admin(), org.id).await.unwrap(), Some(edited));
}

#[tokio::test]
async fn planning_an_import_writes_nothing() {
    let registry = registry().await;
    let profiles: Vec<_> = validate_rows(&[input(1)], &registry.vocabulary(), fixtures::day(2026, 11, 1))
        .into_iter()
        .map(|row| ImportRow::new(row.unwrap(), None))
        .collect();
    assert_eq!(
        registry.plan_import(&admin(), &profiles, StaleRows::Refuse).await.expect("dry run"),
        vec![RowOutcome::Inserted]
    );
    assert_eq!(registry.summary(&admin()).await.expect("summary").total, 0);
}

/// A row's keys, each drawn from a pool of three or absent: an ОГРН repeats with another ИНН,
/// with none, or with its own, as often as an ИНН does.
fn keys() -> impl Strategy<Value = (Option<u32>, Option<u32>)> {
    (proptest::option::of(1u32..4), proptest::option::of(1u32..4))
}

proptest! {
    #[test]
    fn validate_rows_refuses_every_repeat_of_either_key_and_keeps_first_occurrences(rows in proptest::collection::vec(keys(), 1..20)) {
        let vocabulary = registry::Vocabulary::from_terms(fixtures::terms());
        let inputs: Vec<_> = rows
            .iter()
            .enumerate()
            .map(|(n, (inn, ogrn))| OrganizationInput {
                full_name: format!("АНО «Строка {n}»"),
                legal_form: "ano".into(),
                inn: inn.map(fixtures::inn_number),
                ogrn: ogrn.map(fixtures::ogrn_number),
                ..Default::default()
            })
            .collect();
        let verdicts = validate_rows(&inputs, &vocabulary, fixtures::day(2026, 11, 1));
        // The oracle, from the rule: a row without a key is refused; a row sharing either key
        // with a row kept before it is refused (the ИНН named first); any other row is kept.
        let mut kept: Vec<(usize, Option<u32>, Option<u32>)> = Vec::new();
        for (index, ((inn, ogrn), verdict)) in rows.iter().zip(&verdicts).enumerate() {
            let same = |mine: &Option<u32>, theirs: &Option<u32>| mine.is_some() && mine == theirs;
            let expected = if inn.is_none() && ogrn.is_none() {
                Err(RowRejection::NoNaturalKey)
            } else if let Some((first, ..)) = kept.iter().find(|(_, i, _)| same(inn, i)) {
                Err(RowRejection::RepeatsRow { key: NaturalKey::Inn, first: *first })
            } else if let Some((first, ..)) = kept.iter().find(|(_, _, o)| same(ogrn, o)) {
                Err(RowRejection::RepeatsRow { key: NaturalKey::Ogrn, first: *first })
            } else {
                kept.push((index, *inn, *ogrn));
                Ok(())
            };
            prop_assert_eq!(verdict.clone().map(|_| ()), expected, "row {}: {:?}", index, rows);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn an_import_changes_an_organisation_only_at_its_stored_version_or_when_overwriting(
        edits in 0i64..4,
        row_version in proptest::option::of(0i64..7),
        overwrite in any::<bool>(),
        same_profile in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        runtime.block_on(async {
            let registry = registry().await;
            let (org, mut row) = imported_at_version_one(&registry).await;
            let mut stored = org.version;
            for n in 0..edits {
                let mut edit = input(1);
                edit.phones = vec![format!("+7 900 000-00-{n:02}")];
                stored = registry.update_organization(&admin(), org.id, stored, &edit).await.expect("edit").version;
            }
            row.version = row_version;
            let current = registry.organization(&admin(), org.id).await.unwrap().expect("stored");
            if same_profile {
                row.profile = current.profile.clone();
            } else {
                row.profile.social_service_provider = true;
            }
            let stale = if overwrite { StaleRows::Overwrite } else { StaleRows::Refuse };
            let planned = registry.plan_import(&admin(), std::slice::from_ref(&row), stale).await.unwrap();
            let expected = if same_profile {
                RowOutcome::Unchanged
            } else if overwrite || row_version == Some(stored) {
                RowOutcome::Updated { fields: registry::rules::changes::changed_fields(&current.profile, &row.profile) }
            } else {
                RowOutcome::Rejected(RowRejection::NotAtVersion { row: row_version, stored })
            };
            prop_assert_eq!(&planned[0], &expected);
            let written = registry.import_batch(&admin(), vec![row.clone()], stale).await;
            let after = registry.organization(&admin(), org.id).await.unwrap().expect("stored");
            match expected {
                RowOutcome::Rejected(_) => {
                    prop_assert!(matches!(written, Err(RegistryError::StaleVersion { .. })), "{:?}", written);
                    prop_assert_eq!(after, current, "a refused row changes nothing");
                }
                RowOutcome::Unchanged => prop_assert_eq!(after, current),
                _ => prop_assert_eq!((after.version, after.profile), (stored + 1, row.profile)),
            }
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn start_dates_before_1900_are_refused_naming_the_field_and_planned_starts_are_kept() {
    let registry = registry().await;
    let admin = admin();
    let a = registry.create_organization(&admin, &input(1)).await.expect("A");
    let b = registry.create_organization(&admin, &input(2)).await.expect("B");
    let basis = LegalBasisInput {
        kind: LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: fixtures::day(2026, 1, 1),
        document: None,
    };
    let person =
        PersonInput { last_name: "Иванова".into(), first_name: "Анна".into(), ..Default::default() };
    let person = registry.add_person(&admin, &person, &basis).await.expect("person");
    let early = Some(fixtures::day(1899, 12, 31));
    let too_early = |result: Result<_, RegistryError>, name: &str| match result {
        Err(RegistryError::Invalid(field)) => {
            assert_eq!(field.field, name);
            assert!(matches!(field.problem, Problem::ImpossibleDate { .. }), "{field:?}");
        }
        other => panic!("{name}: expected a refusal, got {other:?}"),
    };
    too_early(registry.add_membership(&admin, person.id, a.id, "директор", early).await.map(|_| ()), "from");
    too_early(registry.create_coalition(&admin, "Сеть", None, early).await.map(|_| ()), "foundedOn");
    let tie = NewTie {
        kind: TieKind::Partnership,
        a: a.id,
        a_role: None,
        b: b.id,
        b_role: None,
        from: early,
        to: None,
        note: None,
    };
    too_early(registry.add_tie(&admin, &tie).await.map(|_| ()), "from");
    let planned = fixtures::day(2100, 1, 1);
    let membership =
        registry.add_membership(&admin, person.id, a.id, "директор", Some(planned)).await.expect("planned");
    assert_eq!(membership.period.from(), planned, "a planned start is not a typing error");
}

#[tokio::test]
async fn saving_an_organisation_unchanged_writes_no_new_version_and_no_audit_row() {
    let store = InMemoryRegistry::new();
    let registry = Registry::open(store.ports(), fixtures::gate(store.audit().clone())).await.expect("open");
    registry.seed_references(&admin(), &fixtures::terms()).await.expect("seed");
    let created = registry.create_organization(&admin(), &input(7)).await.expect("created");
    let rows = store.audit().rows().len();
    let saved = registry.update_organization(&admin(), created.id, 1, &input(7)).await.expect("saved");
    assert_eq!(saved.version, 1, "nothing changed, so no new version");
    assert_eq!(store.audit().rows().len(), rows, "and no audit row of a change");
    let mut edit = input(7);
    edit.website = Some("https://seven.example".into());
    let changed = registry.update_organization(&admin(), created.id, 1, &edit).await.expect("changed");
    assert_eq!(changed.version, 2);
    let detail = store.audit().rows().pop().and_then(|r| r.event.detail).expect("a detail");
    assert_eq!(detail, "update -> version 2: website", "the audit row names the field");
    let notes = registry.changes_since(&admin(), created.id, 1).await.expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].version, notes[0].fields.clone()), (2, vec!["website"]));
}

#[tokio::test]
async fn an_import_adds_no_organisation_its_file_says_is_closed_and_never_changes_a_stored_status() {
    let registry = registry().await;
    let vocabulary = registry.vocabulary();
    let profile = |n| input(n).validate(&vocabulary, fixtures::day(2026, 11, 1)).expect("valid");
    let closed = ImportRow::new(profile(31), None).with_status(Some(registry::ports::StatusKind::Liquidated));
    let suspended = ImportRow::new(profile(32), None).with_status(Some(registry::ports::StatusKind::Suspended));
    let working = ImportRow::new(profile(33), None).with_status(Some(registry::ports::StatusKind::Active));
    let rows = vec![closed.clone(), suspended, working];
    let planned = registry.plan_import(&admin(), &rows, StaleRows::Refuse).await.expect("a plan");
    assert_eq!(
        planned,
        vec![
            RowOutcome::Rejected(RowRejection::NotActive { status: registry::ports::StatusKind::Liquidated }),
            RowOutcome::Rejected(RowRejection::NotActive { status: registry::ports::StatusKind::Suspended }),
            RowOutcome::Inserted,
        ]
    );
    let written = registry.import_batch(&admin(), rows, StaleRows::Refuse).await.expect("written");
    assert_eq!(written[2], RowOutcome::Inserted);
    let page = kernel::PageRequest::new(10, None).unwrap();
    let stored = registry.organizations(&admin(), &Default::default(), Default::default(), page).await.expect("a page");
    assert_eq!(stored.items.len(), 1, "only the working organisation was added");
    // A stored organisation's row says liquidated: its status column changes nothing.
    let again = ImportRow::new(stored.items[0].profile.clone(), Some(1))
        .with_status(Some(registry::ports::StatusKind::Liquidated));
    let planned = registry.plan_import(&admin(), &[again], StaleRows::Refuse).await.expect("a plan");
    assert_eq!(planned, vec![RowOutcome::Unchanged]);
}
