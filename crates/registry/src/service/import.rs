//! Imports of organisations: row validation, planning against the registry, batch writes.
//!
//! An import row carries the version its organisation had when the file was exported. A row that
//! would change an organisation whose stored version is another one (it was edited since the
//! export), or that has no version at all (a hand-made file), is refused unless the import
//! overwrites on purpose ([`StaleRows::Overwrite`]); then the batch's audit row names every
//! organisation overwritten that way. The write expects the version the row was checked against
//! (`WHERE version = expected`), so an edit made between the plan and the write is not lost.

use std::collections::HashMap;

use audit::{AuditEvent, object};
use chrono::NaiveDate;
use kernel::Actor;

use crate::actions::ORGANIZATION_IMPORT;
use crate::error::{Conflict, InvalidField, NaturalKey, RegistryError};
use crate::input::OrganizationInput;
use crate::model::{Organization, OrganizationId, OrganizationProfile};
use crate::ports::{BatchOutcome, StatusKind};
use crate::rules::changes::{change_detail, changed_fields};
use crate::rules::dedup::shared_key;
use crate::vocabulary::Vocabulary;
use kernel::StoreError;

use super::{Registry, new_organization};

/// What happened to one import row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    /// A new organisation was (or, in a dry run, would be) added.
    Inserted,
    /// An existing organisation was (or would be) changed in these fields (of
    /// `rules::changes::PROFILE_FIELDS`): what a preview shows, so that a file without a column
    /// cannot empty that field unseen.
    Updated {
        /// The fields the row changes.
        fields: Vec<&'static str>,
    },
    /// The organisation exists and is identical.
    Unchanged,
    /// The row was refused.
    Rejected(RowRejection),
}

/// Why an import row was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowRejection {
    /// A field is invalid.
    Invalid(InvalidField),
    /// The row has neither ИНН nor ОГРН, so it cannot be matched on a re-run.
    NoNaturalKey,
    /// Another row of the same file has the same key.
    RepeatsRow {
        /// The key they share.
        key: NaturalKey,
        /// The index of the earlier row.
        first: usize,
    },
    /// Its ИНН and ОГРН belong to two different stored organisations.
    KeysOfTwoOrganizations,
    /// The row would change an organisation that is not at the row's version: it was edited
    /// after the file was exported, or the row has no version (refused unless overwriting).
    NotAtVersion {
        /// The row's version (`None`: the row has none).
        row: Option<i64>,
        /// The stored version.
        stored: i64,
    },
    /// The row would add an organisation the file says is suspended or liquidated: an import
    /// adds working organisations only (a closed one would be published as working).
    NotActive {
        /// The status the file gives.
        status: StatusKind,
    },
}

/// A validated import row and the version its organisation had when the file was exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// The organisation as the row describes it.
    pub profile: OrganizationProfile,
    /// The exported version (`None`: the file gives none, as a hand-made file).
    pub version: Option<i64>,
    /// The status the file gives (an export's `status` column; `None`: the file gives none). It
    /// never changes a stored organisation; a new one is added only when it is active.
    pub status: Option<StatusKind>,
}

impl ImportRow {
    /// A row of a file exported at `version` (`None`: without a version).
    pub fn new(profile: OrganizationProfile, version: Option<i64>) -> Self {
        Self { profile, version, status: None }
    }

    /// The same row with the status its file gives.
    pub fn with_status(mut self, status: Option<StatusKind>) -> Self {
        self.status = status;
        self
    }
}

/// What an import does with a row that would change an organisation not at the row's version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StaleRows {
    /// Refuse the row (the default): a newer edit is never undone silently.
    #[default]
    Refuse,
    /// Overwrite the stored organisation anyway; the audit row says so (`--overwrite-newer`).
    Overwrite,
}

/// Why a row may not change a stored organisation: it was exported at another version, or has
/// none. `None` when the row is at the stored version.
fn staleness(row: &ImportRow, existing: &Organization) -> Option<RowRejection> {
    (row.version != Some(existing.version))
        .then_some(RowRejection::NotAtVersion { row: row.version, stored: existing.version })
}

/// Validates import rows one after another, remembering the natural keys seen so far: rows
/// without a natural key and repeats of an earlier row's key are refused.
pub struct RowValidator<'a> {
    vocabulary: &'a Vocabulary,
    today: NaiveDate,
    first_by_key: HashMap<(NaturalKey, String), usize>,
    next_index: usize,
}

impl<'a> RowValidator<'a> {
    /// A validator for a file of about `rows` rows.
    pub fn new(vocabulary: &'a Vocabulary, today: NaiveDate, rows: usize) -> Self {
        Self { vocabulary, today, first_by_key: HashMap::with_capacity(rows * 2), next_index: 0 }
    }

    /// The verdict on the next row (rows are numbered from 0 in the order they are checked).
    pub fn check(&mut self, row: &OrganizationInput) -> Result<OrganizationProfile, RowRejection> {
        let index = self.next_index;
        self.next_index += 1;
        let profile = row.validate(self.vocabulary, self.today).map_err(RowRejection::Invalid)?;
        let keys = [
            profile.inn.as_ref().map(|v| (NaturalKey::Inn, v.to_string())),
            profile.ogrn.as_ref().map(|v| (NaturalKey::Ogrn, v.to_string())),
        ];
        if keys.iter().all(Option::is_none) {
            return Err(RowRejection::NoNaturalKey);
        }
        for key in keys.iter().flatten() {
            if let Some(&first) = self.first_by_key.get(key) {
                return Err(RowRejection::RepeatsRow { key: key.0, first });
            }
        }
        for key in keys.into_iter().flatten() {
            self.first_by_key.insert(key, index);
        }
        Ok(profile)
    }
}

/// Validates import rows without touching storage: each row's profile, or why it is refused.
pub fn validate_rows(
    rows: &[OrganizationInput],
    vocabulary: &Vocabulary,
    today: NaiveDate,
) -> Vec<Result<OrganizationProfile, RowRejection>> {
    let mut validator = RowValidator::new(vocabulary, today, rows.len());
    rows.iter().map(|row| validator.check(row)).collect()
}

/// Why a row may not add its organisation: the file says it is not working.
fn closed(row: &ImportRow) -> Option<RowRejection> {
    match row.status {
        Some(status @ (StatusKind::Suspended | StatusKind::Liquidated)) => Some(RowRejection::NotActive { status }),
        _ => None,
    }
}

impl Registry {
    /// Passes an actor who may import organisations (checked once before a file is read).
    pub async fn may_import(&self, actor: &Actor) -> Result<(), RegistryError> {
        Ok(self.gate.require_all(actor, ORGANIZATION_IMPORT, None).await?)
    }

    async fn existing_for(&self, rows: &[ImportRow]) -> Result<KeyIndex, RegistryError> {
        let inns: Vec<_> = rows.iter().filter_map(|r| r.profile.inn.clone()).collect();
        let ogrns: Vec<_> = rows.iter().filter_map(|r| r.profile.ogrn.clone()).collect();
        Ok(KeyIndex::new(self.ports.organizations.find_by_keys(&inns, &ogrns).await?))
    }

    /// What importing these validated rows would do, row by row, without writing anything. A row
    /// that would change an organisation not at the row's version is rejected unless `stale` is
    /// [`StaleRows::Overwrite`].
    pub async fn plan_import(
        &self,
        actor: &Actor,
        rows: &[ImportRow],
        stale: StaleRows,
    ) -> Result<Vec<RowOutcome>, RegistryError> {
        self.gate.require_all(actor, ORGANIZATION_IMPORT, None).await?;
        let index = self.existing_for(rows).await?;
        Ok(rows
            .iter()
            .map(|row| match index.matching(&row.profile) {
                Match::None => match closed(row) {
                    Some(rejection) => RowOutcome::Rejected(rejection),
                    None => RowOutcome::Inserted,
                },
                Match::One(existing) if existing.profile == row.profile => RowOutcome::Unchanged,
                Match::One(existing) => match (staleness(row, existing), stale) {
                    (None, _) | (Some(_), StaleRows::Overwrite) => {
                        RowOutcome::Updated { fields: changed_fields(&existing.profile, &row.profile) }
                    }
                    (Some(rejection), StaleRows::Refuse) => RowOutcome::Rejected(rejection),
                },
                Match::Two => RowOutcome::Rejected(RowRejection::KeysOfTwoOrganizations),
            })
            .collect())
    }

    fn batch_event(&self, actor: &Actor, inserted: usize, updated: usize, overwritten: &[String]) -> AuditEvent {
        let mut detail = format!("batch: {inserted} new, {updated} changed");
        if !overwritten.is_empty() {
            detail.push_str(&format!(
                "; --overwrite-newer: {} overwritten although not at the file's version: {}",
                overwritten.len(),
                overwritten.join(", ")
            ));
        }
        self.gate.event(actor, ORGANIZATION_IMPORT, None).with_detail(detail)
    }

    /// Imports validated rows: organisations matched by ИНН or ОГРН are updated when they differ,
    /// the others inserted, all in one atomic write with one audit row. Returns one outcome per
    /// row, in order.
    ///
    /// A changed organisation is written only if it is still at the row's version (`WHERE version
    /// = expected` in storage), unless `stale` is [`StaleRows::Overwrite`]: then it is written
    /// over whatever version is stored, and the audit row lists it.
    ///
    /// # Errors
    /// `StaleVersion` when a row would change an organisation that is not at the row's version
    /// (and `stale` is `Refuse`), or that someone changed while the batch was being written:
    /// nothing of the batch is written.
    pub async fn import_batch(
        &self,
        actor: &Actor,
        rows: Vec<ImportRow>,
        stale: StaleRows,
    ) -> Result<Vec<RowOutcome>, RegistryError> {
        self.gate.require_all(actor, ORGANIZATION_IMPORT, None).await?;
        let index = self.existing_for(&rows).await?;
        let now = self.now();
        let (mut new, mut changed, mut outcomes) = (Vec::new(), Vec::new(), Vec::with_capacity(rows.len()));
        let mut events = Vec::new();
        let mut overwritten = Vec::new();
        for row in rows {
            let outcome = match index.matching(&row.profile) {
                Match::None => match closed(&row) {
                    Some(rejection) => RowOutcome::Rejected(rejection),
                    None => {
                        new.push(new_organization(row.profile, now));
                        RowOutcome::Inserted
                    }
                },
                Match::One(existing) if existing.profile == row.profile => RowOutcome::Unchanged,
                Match::One(existing) => {
                    match (staleness(&row, existing), stale) {
                        (None, _) => {}
                        (Some(_), StaleRows::Overwrite) => overwritten.push(format!(
                            "{} (version {} in the file, {} stored)",
                            existing.id,
                            row.version.map_or_else(|| "none".to_owned(), |v| v.to_string()),
                            existing.version
                        )),
                        (Some(_), StaleRows::Refuse) => {
                            return Err(RegistryError::StaleVersion {
                                expected: row.version.unwrap_or(0),
                                current: existing.version,
                            });
                        }
                    }
                    let fields = changed_fields(&existing.profile, &row.profile);
                    let mut updated = existing.clone();
                    updated.profile = row.profile;
                    updated.version += 1;
                    updated.updated_at = now;
                    // Each changed organisation has its own row, naming the fields, as an edit has.
                    let event = self.gate.event(actor, ORGANIZATION_IMPORT, object("organization", updated.id.0));
                    events.push(event.with_detail(change_detail("import", updated.version, &fields)));
                    changed.push(updated);
                    RowOutcome::Updated { fields }
                }
                Match::Two => RowOutcome::Rejected(RowRejection::KeysOfTwoOrganizations),
            };
            outcomes.push(outcome);
        }
        if !new.is_empty() || !changed.is_empty() {
            events.push(self.batch_event(actor, new.len(), changed.len(), &overwritten));
            match self.ports.organizations.write_batch(&new, &changed, &events).await {
                Ok(BatchOutcome { .. }) => {}
                Err(StoreError::Conflict(Conflict::StaleVersion)) => {
                    return Err(self.batch_conflict(&changed).await);
                }
                Err(other) => return Err(other.into()),
            }
        }
        Ok(outcomes)
    }

    /// The use case's error for a batch whose version check failed in storage: someone changed
    /// one of its organisations after it was read.
    async fn batch_conflict(&self, changed: &[Organization]) -> RegistryError {
        let ids: Vec<OrganizationId> = changed.iter().map(|o| o.id).collect();
        let stored = self.ports.organizations.get_many(&ids).await.unwrap_or_default();
        changed
            .iter()
            .find_map(|org| {
                let now = stored.iter().find(|s| s.id == org.id)?;
                (now.version != org.version - 1)
                    .then_some(RegistryError::StaleVersion { expected: org.version - 1, current: now.version })
            })
            .unwrap_or(RegistryError::Store(StoreError::Conflict(Conflict::StaleVersion)))
    }

    /// Inserts rows that `plan_import` found new, without looking them up again. A row that
    /// became known meanwhile fails the whole batch with `Duplicate`; nothing of it is written.
    pub async fn insert_planned(
        &self,
        actor: &Actor,
        rows: Vec<OrganizationProfile>,
    ) -> Result<Vec<RowOutcome>, RegistryError> {
        self.gate.require_all(actor, ORGANIZATION_IMPORT, None).await?;
        let now = self.now();
        let new: Vec<Organization> = rows.into_iter().map(|profile| new_organization(profile, now)).collect();
        let event = self.batch_event(actor, new.len(), 0, &[]);
        match self.ports.organizations.write_batch(&new, &[], std::slice::from_ref(&event)).await {
            Ok(_) => Ok(vec![RowOutcome::Inserted; new.len()]),
            Err(StoreError::Conflict(Conflict::Duplicate(key))) => {
                Err(RegistryError::Duplicate { key, existing: None })
            }
            Err(other) => Err(other.into()),
        }
    }
}

/// Stored organisations indexed by their natural keys, for matching import rows.
struct KeyIndex {
    existing: Vec<Organization>,
    by_inn: HashMap<String, usize>,
    by_ogrn: HashMap<String, usize>,
}

/// Which stored organisations an import row matches.
enum Match<'a> {
    None,
    One(&'a Organization),
    Two,
}

impl KeyIndex {
    fn new(existing: Vec<Organization>) -> Self {
        let mut by_inn = HashMap::new();
        let mut by_ogrn = HashMap::new();
        for (i, org) in existing.iter().enumerate() {
            if let Some(inn) = &org.profile.inn {
                by_inn.insert(inn.to_string(), i);
            }
            if let Some(ogrn) = &org.profile.ogrn {
                by_ogrn.insert(ogrn.to_string(), i);
            }
        }
        Self { existing, by_inn, by_ogrn }
    }

    /// The stored organisations sharing the row's ИНН or ОГРН (the rule of `rules::dedup`).
    fn matching(&self, profile: &OrganizationProfile) -> Match<'_> {
        let by_inn = profile.inn.as_ref().and_then(|v| self.by_inn.get(v.as_str()));
        let by_ogrn = profile.ogrn.as_ref().and_then(|v| self.by_ogrn.get(v.as_str()));
        match (by_inn, by_ogrn) {
            (None, None) => Match::None,
            (Some(a), Some(b)) if a != b => Match::Two,
            (Some(i), _) | (None, Some(i)) => {
                let found = &self.existing[*i];
                debug_assert!(shared_key(profile, &found.profile).is_some());
                Match::One(found)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::strategies::profile;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_new_row_may_add_its_organisation_exactly_when_its_file_does_not_say_it_is_closed(
            profile in profile(),
            status in proptest::option::of(proptest::sample::select(vec![StatusKind::Active, StatusKind::Suspended, StatusKind::Liquidated])),
        ) {
            let refused = closed(&ImportRow::new(profile, None).with_status(status));
            let working = matches!(status, None | Some(StatusKind::Active));
            prop_assert_eq!(refused.is_none(), working);
            if let Some(status) = status.filter(|_| !working) {
                prop_assert_eq!(refused, Some(RowRejection::NotActive { status }));
            }
        }
    }
}
