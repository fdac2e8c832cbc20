//! Organisations: create, describe, liquidate, verify; read within the scope; counts and exports.

use audit::{AuditFilter, Outcome, object};
use chrono::NaiveDate;
use kernel::{Action, Actor, Page, PageRequest, Scope};

use crate::actions::{
    ORGANIZATION_EXPORT, ORGANIZATION_READ, ORGANIZATION_VERIFY, ORGANIZATION_WRITE, REGISTRY_SUMMARY,
};
use crate::error::{Conflict, DateProblem, InvalidField, Problem, RegistryError};
use crate::input::OrganizationInput;
use crate::model::{OrgStatus, Organization, OrganizationId, OrganizationProfile, Verification};
use crate::ports::{OrganizationFilter, OrganizationOrder, RegistrySummary};
use crate::rules::changes::{change_detail, changed_fields, read_change_detail};
use crate::rules::dedup::shared_key;
use kernel::StoreError;

use super::{Registry, new_organization};

/// One change of an organisation as the audit log tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeNote {
    /// The version the change made.
    pub version: i64,
    /// The login of who made it.
    pub by: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The fields of the description it changed (none for a verification or a liquidation).
    pub fields: Vec<&'static str>,
}

impl Registry {
    // Organisations.

    /// Adds an organisation after validating it; an ИНН or ОГРН already in the registry is refused.
    pub async fn create_organization(
        &self,
        actor: &Actor,
        input: &OrganizationInput,
    ) -> Result<Organization, RegistryError> {
        self.gate.require_all(actor, ORGANIZATION_WRITE, None).await?;
        let profile = input.validate(&self.vocabulary(), self.today())?;
        self.refuse_duplicates(actor, &profile, None).await?;
        let organization = new_organization(profile, self.now());
        let event = self.gate.event(actor, ORGANIZATION_WRITE, object("organization", organization.id.0));
        self.ports
            .organizations
            .insert(&organization, &event.with_detail("create"))
            .await
            .map_err(|e| Self::conflict(e, &organization))?;
        Ok(organization)
    }

    /// Replaces an organisation's description if nobody changed it since `expected_version`.
    pub async fn update_organization(
        &self,
        actor: &Actor,
        id: OrganizationId,
        expected_version: i64,
        input: &OrganizationInput,
    ) -> Result<Organization, RegistryError> {
        self.reach_organization(actor, ORGANIZATION_WRITE, id).await?;
        let profile = input.validate(&self.vocabulary(), self.today())?;
        self.change(actor, ORGANIZATION_WRITE, "update", id, expected_version, |org| {
            org.profile = profile;
            Ok(())
        })
        .await
    }

    /// Marks an organisation liquidated on `on`; its ties and memberships stay as history.
    pub async fn liquidate_organization(
        &self,
        actor: &Actor,
        id: OrganizationId,
        expected_version: i64,
        on: NaiveDate,
    ) -> Result<Organization, RegistryError> {
        self.reach_organization(actor, ORGANIZATION_WRITE, id).await?;
        let today = self.today();
        self.change(actor, ORGANIZATION_WRITE, "liquidate", id, expected_version, |org| {
            if on > today {
                return Err(
                    InvalidField::new("on", Problem::ImpossibleDate { reason: DateProblem::InTheFuture }).into()
                );
            }
            if org.profile.registered_on.is_some_and(|r| on < r) {
                return Err(InvalidField::new(
                    "on",
                    Problem::ImpossibleDate { reason: DateProblem::BeforeRegistration },
                )
                .into());
            }
            org.status = OrgStatus::Liquidated { on };
            Ok(())
        })
        .await
    }

    /// Records that the actor checked the organisation's record now.
    pub async fn verify_organization(
        &self,
        actor: &Actor,
        id: OrganizationId,
        expected_version: i64,
    ) -> Result<Organization, RegistryError> {
        self.reach_organization(actor, ORGANIZATION_VERIFY, id).await?;
        let (by, at) = (actor.login.clone(), self.now());
        self.change(actor, ORGANIZATION_VERIFY, "verify", id, expected_version, |org| {
            org.verification = Some(Verification { by, at });
            Ok(())
        })
        .await
    }

    /// Applies a change to an organisation at `expected_version`: refused when stale, nothing
    /// written when it changes nothing, otherwise the next version and its audit row naming the
    /// fields it touched.
    async fn change(
        &self,
        actor: &Actor,
        action: Action,
        what: &str,
        id: OrganizationId,
        expected_version: i64,
        apply: impl FnOnce(&mut Organization) -> Result<(), RegistryError>,
    ) -> Result<Organization, RegistryError> {
        let mut organization = self.existing_organization(id).await?;
        if organization.version != expected_version {
            return Err(RegistryError::StaleVersion { expected: expected_version, current: organization.version });
        }
        let unchanged = organization.clone();
        let before = organization.profile.clone();
        let keys_before = (organization.profile.inn.clone(), organization.profile.ogrn.clone());
        apply(&mut organization)?;
        // A change that changes nothing writes nothing: no new version for others to trip on.
        if organization == unchanged {
            return Ok(organization);
        }
        // Only a changed ИНН or ОГРН can clash with another organisation.
        if keys_before != (organization.profile.inn.clone(), organization.profile.ogrn.clone()) {
            self.refuse_duplicates(actor, &organization.profile, Some(id)).await?;
        }
        organization.version += 1;
        organization.updated_at = self.now();
        let event = self.gate.event(actor, action, object("organization", id.0)).with_detail(change_detail(
            what,
            organization.version,
            &changed_fields(&before, &organization.profile),
        ));
        match self.ports.organizations.update(&organization, &event).await {
            Ok(()) => Ok(organization),
            Err(StoreError::Conflict(Conflict::StaleVersion)) => {
                let current = self.existing_organization(id).await?.version;
                Err(RegistryError::StaleVersion { expected: expected_version, current })
            }
            Err(error) => Err(Self::conflict(error, &organization)),
        }
    }

    /// Refuses a profile whose ИНН or ОГРН another organisation has. The other organisation's
    /// id is named only to callers who may read that organisation: to anyone else the conflict
    /// would map an ИНН to an organisation id.
    async fn refuse_duplicates(
        &self,
        actor: &Actor,
        profile: &OrganizationProfile,
        except: Option<OrganizationId>,
    ) -> Result<(), RegistryError> {
        let inns: Vec<_> = profile.inn.iter().cloned().collect();
        let ogrns: Vec<_> = profile.ogrn.iter().cloned().collect();
        if inns.is_empty() && ogrns.is_empty() {
            return Ok(());
        }
        let found = self.ports.organizations.find_by_keys(&inns, &ogrns).await?;
        for other in found.into_iter().filter(|o| Some(o.id) != except) {
            if let Some(key) = shared_key(profile, &other.profile) {
                let readable = match self.gate.scope(actor, ORGANIZATION_READ) {
                    Some(Scope::All) => true,
                    Some(Scope::Organization(own)) => own == other.id,
                    Some(Scope::Own(_)) | None => false,
                };
                return Err(RegistryError::Duplicate { key, existing: readable.then_some(other.id) });
            }
        }
        Ok(())
    }

    /// Turns a storage conflict that raced past the checks into the use case's error (which
    /// organisation won the race is not known here).
    fn conflict(error: StoreError<Conflict>, organization: &Organization) -> RegistryError {
        match error {
            StoreError::Conflict(Conflict::Duplicate(key)) => RegistryError::Duplicate { key, existing: None },
            StoreError::Conflict(Conflict::StaleVersion) => {
                RegistryError::StaleVersion { expected: organization.version - 1, current: organization.version }
            }
            other => RegistryError::Store(other),
        }
    }

    /// One organisation; `None` when it does not exist or lies outside the actor's scope.
    pub async fn organization(&self, actor: &Actor, id: OrganizationId) -> Result<Option<Organization>, RegistryError> {
        match self.reach_organization(actor, ORGANIZATION_READ, id).await {
            Ok(()) => Ok(self.ports.organizations.get(id).await?),
            Err(RegistryError::NotFound { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Several organisations by id (for batched loading); those outside the scope are skipped.
    pub async fn organizations_by_ids(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<Organization>, RegistryError> {
        let ids: Vec<OrganizationId> = match self.gate.check(actor, ORGANIZATION_READ, None).await? {
            Scope::All => ids.to_vec(),
            Scope::Organization(own) => ids.iter().copied().filter(|id| *id == own).collect(),
            Scope::Own(_) => Vec::new(),
        };
        Ok(self.ports.organizations.get_many(&ids).await?)
    }

    /// A page of the filtered, ordered list of organisations within the actor's scope.
    pub async fn organizations(
        &self,
        actor: &Actor,
        filter: &OrganizationFilter,
        order: OrganizationOrder,
        page: PageRequest,
    ) -> Result<Page<Organization>, RegistryError> {
        crate::input::check_search("filter.text", filter.text.as_deref())?;
        let mut filter = filter.clone();
        match self.gate.check(actor, ORGANIZATION_READ, None).await? {
            Scope::All => {}
            Scope::Organization(own) => match filter.only {
                Some(other) if other != own => return Ok(Page::empty(&page)),
                _ => filter.only = Some(own),
            },
            Scope::Own(_) => return Ok(Page::empty(&page)),
        }
        Ok(self.ports.organizations.list(&filter, order, page).await?)
    }

    /// Who changed an organisation after `version`, when, and which fields, newest first (from
    /// the audit log's rows of its edits and imports; among its last 20 rows): what a stale edit's
    /// author is told. Needs the organisation in the actor's reading scope.
    pub async fn changes_since(
        &self,
        actor: &Actor,
        id: OrganizationId,
        version: i64,
    ) -> Result<Vec<ChangeNote>, RegistryError> {
        self.reach_organization(actor, ORGANIZATION_READ, id).await?;
        // Edits (`organization.write`, `organization.verify`) and imports name the version they made.
        let filter = AuditFilter {
            action: None,
            object: object("organization", id.0),
            outcome: Some(Outcome::Success),
            login: None,
        };
        let request = PageRequest::new(20, None).expect("a page of 20 is within the limits");
        let rows = self.gate.log().list(&filter, request).await.map_err(audit::GateError::from)?;
        Ok(rows
            .items
            .into_iter()
            .filter_map(|row| {
                let (made, fields) = read_change_detail(row.event.detail.as_deref()?)?;
                (made > version).then_some(ChangeNote { version: made, by: row.event.login, at: row.event.at, fields })
            })
            .collect())
    }

    /// Counts of organisations by municipality, legal form, activity area and relationship.
    pub async fn summary(&self, actor: &Actor) -> Result<RegistrySummary, RegistryError> {
        self.gate.require_all(actor, REGISTRY_SUMMARY, None).await?;
        Ok(self.ports.organizations.summary().await?)
    }

    /// Passes an actor who may export the whole list of organisations, and records the export.
    pub async fn record_export(&self, actor: &Actor, rows: usize) -> Result<(), RegistryError> {
        self.gate.require_all(actor, ORGANIZATION_EXPORT, None).await?;
        let event = self.gate.event(actor, ORGANIZATION_EXPORT, None).with_detail(format!("{rows} organizations"));
        Ok(self.gate.record(&event).await?)
    }
}
