//! The composition root on the in-memory fakes of every port (the `testing` feature): the same
//! use cases, bootstrapped the same way as over a new database, with one in-memory audit log
//! that every fake writes into, as the SQL stores share one database. GraphQL and the role
//! matrix run on it in-process, without a database.

use std::collections::BTreeMap;
use std::sync::Arc;

use access::testing::InMemoryAccess;
use access::{BoundRecords, LoginLimits, RecordState};
use async_trait::async_trait;
use audit::testing::MemoryAuditLog;
use kernel::Clock;
use kernel::{OrganizationId, PersonId, StoreError};
use privacy::testing::{HeldPeople, InMemoryPrivacy};
use registry::RegistryPorts;
use registry::rules::anonymise::bears_removed_names;
use registry::testing::InMemoryRegistry;
use services_catalog::testing::{InMemoryServices, Records};

use crate::bootstrap::{FirstRun, checked_policy, first_run};
use crate::services::{Ports, Services};
use crate::settings::{CATALOGUE, KALUGA_PROFILE, PERMISSIONS};

/// The use cases on the in-memory fakes, and the log they all write into.
pub struct InMemory {
    /// The use cases.
    pub services: Services,
    /// The one audit log of every fake.
    pub audit: MemoryAuditLog,
    /// What bootstrapping did (the administrator `admin`, the Kaluga profile's terms).
    pub first_run: FirstRun,
}

/// The registry fake's organisations and people as the records accounts are bound to (on a
/// database the account adapter reads the registry's tables).
struct RegistryRecords(RegistryPorts);

/// A conflict reported by a read (none is expected) is the store failing.
fn read_failure(error: StoreError<registry::Conflict>) -> StoreError {
    match error {
        StoreError::Conflict(conflict) => StoreError::unavailable(format!("a read reported a conflict: {conflict}")),
        StoreError::Corrupt(what) => StoreError::Corrupt(what),
        StoreError::Unavailable(source) => StoreError::Unavailable(source),
    }
}

#[async_trait]
impl BoundRecords for RegistryRecords {
    async fn organization(&self, id: OrganizationId) -> Result<RecordState, StoreError> {
        Ok(match self.0.organizations.get(id).await.map_err(read_failure)? {
            None => RecordState::Unknown,
            Some(o) if matches!(o.status, registry::model::OrgStatus::Liquidated { .. }) => RecordState::Closed,
            Some(_) => RecordState::Open,
        })
    }

    async fn person(&self, id: PersonId) -> Result<RecordState, StoreError> {
        Ok(match self.0.people.get(id).await.map_err(read_failure)? {
            None => RecordState::Unknown,
            Some(p) if bears_removed_names(&p) => RecordState::Closed,
            Some(_) => RecordState::Open,
        })
    }
}

/// The registry's and privacy's fakes as the records services rows name: organisations, people,
/// reference terms, referral consents (on a database the services adapter reads their tables).
struct ServiceRecords {
    registry: RegistryPorts,
    access: access::AccessPorts,
    /// Set once privacy's fake exists (it holds the services fake among every domain's people).
    privacy: Arc<std::sync::OnceLock<privacy::PrivacyPorts>>,
}

#[async_trait]
impl Records for ServiceRecords {
    async fn exist(&self, organizations: &[OrganizationId], people: &[PersonId]) -> bool {
        let found_organizations = self.registry.organizations.get_many(organizations).await.map(|o| o.len());
        let found_people = self.registry.people.get_many(people).await.map(|p| p.len());
        let distinct = |n: usize, ids: usize| n == ids;
        let mut o = organizations.to_vec();
        o.sort();
        o.dedup();
        let mut p = people.to_vec();
        p.sort();
        p.dedup();
        found_organizations.is_ok_and(|n| distinct(n, o.len())) && found_people.is_ok_and(|n| distinct(n, p.len()))
    }

    async fn active(&self, organizations: &[OrganizationId]) -> Vec<OrganizationId> {
        let found = self.registry.organizations.get_many(organizations).await.unwrap_or_default();
        found.into_iter().filter(|o| o.status == registry::model::OrgStatus::Active).map(|o| o.id).collect()
    }

    async fn staff_role(&self, login: &str) -> Option<kernel::Role> {
        let account = self.access.accounts.by_login(login).await.ok().flatten()?;
        (!account.disabled).then_some(account.role)
    }

    async fn terms(&self) -> Vec<kernel::Term> {
        self.registry.references.all().await.unwrap_or_default()
    }

    async fn consented(&self, person: PersonId, organization: OrganizationId) -> bool {
        let Some(privacy) = self.privacy.get() else { return false };
        let consents = privacy.consents.of_subject(person).await.unwrap_or_default();
        consents.iter().any(|c| {
            c.is_active()
                && c.kind == privacy::ConsentKind::Processing
                && c.purpose == services_catalog::ports::REFERRAL_CONSENT_PURPOSE
                && c.recipient == Some(organization)
        })
    }

    async fn person(&self, person: PersonId) -> Option<services_catalog::model::referral::ReferredPerson> {
        let found = self.registry.people.get_many(&[person]).await.ok()?.into_iter().next()?;
        Some(storage_services::referred_person(&found))
    }
}

/// The people of every in-memory domain as privacy's fake sees them, as `personal_data::hooks`
/// lists them for the SQL store: the registry holds their records, and anonymising a person also
/// reaches the accounts bound to them.
struct EveryDomain {
    registry: InMemoryRegistry,
    access: InMemoryAccess,
    services: InMemoryServices,
}

impl HeldPeople for EveryDomain {
    fn held_on_consent(&self, person: PersonId) -> Option<bool> {
        self.registry.held_on_consent(person)
    }

    fn anonymised(&self, person: PersonId) -> bool {
        self.registry.anonymised(person)
    }

    fn anonymise(&self, person: PersonId) {
        self.registry.anonymise(person);
        self.access.anonymise_person(person);
        self.services.anonymise_person(person);
    }

    fn export(&self, person: PersonId) -> BTreeMap<String, Vec<serde_json::Value>> {
        self.registry.export(person)
    }
}

/// The use cases on fresh in-memory fakes under the shipped policy, bootstrapped like a new
/// database: the administrator `admin` with `admin_password`, and the Kaluga profile's lists.
/// Privacy's subjects are the registry fake's people, as the SQL store's are the `people` table.
pub async fn in_memory(clock: Arc<dyn Clock>, admin_password: &str, limits: LoginLimits) -> anyhow::Result<InMemory> {
    let audit = MemoryAuditLog::default();
    let registry = InMemoryRegistry::with_audit(audit.clone());
    let access = InMemoryAccess::over(audit.clone(), Arc::new(RegistryRecords(registry.ports())));
    let registry_ports = registry.ports();
    let privacy_ports = Arc::new(std::sync::OnceLock::new());
    let records =
        ServiceRecords { registry: registry_ports.clone(), access: access.ports(), privacy: privacy_ports.clone() };
    let services = InMemoryServices::over(audit.clone(), Arc::new(records));
    let every = EveryDomain { registry, access: access.clone(), services: services.clone() };
    let privacy = InMemoryPrivacy::over(audit.clone(), Arc::new(every)).ports();
    privacy_ports.set(privacy.clone()).unwrap_or_else(|_| unreachable!("set once, here"));
    let ports = Ports {
        audit: Arc::new(audit.clone()),
        registry: registry_ports,
        access: access.ports(),
        privacy,
        catalog: services.ports(),
    };
    let services = Services::assemble(ports, clock, checked_policy(PERMISSIONS)?, limits).await?;
    let texts = || Ok((KALUGA_PROFILE.to_owned(), CATALOGUE.to_owned()));
    let first_run = first_run(&services, Some(admin_password), texts).await?;
    Ok(InMemory { services, audit, first_run })
}

#[cfg(test)]
mod tests {
    use kernel::{Channel, FixedClock, Role};
    use privacy::rules::REMOVED_DOCUMENT;
    use registry::input::{LegalBasisInput, PersonInput};
    use registry::model::LegalBasisKind;
    use registry::testing::fixtures::{day, instant};

    use super::*;

    async fn started() -> InMemory {
        in_memory(Arc::new(FixedClock(instant())), "an administrator's password", LoginLimits::default())
            .await
            .expect("the fakes start")
    }

    #[tokio::test]
    async fn the_in_memory_root_starts_like_a_new_database_with_an_administrator_and_the_profile() {
        let system = started().await;
        assert_eq!(system.first_run.admin_created, Some(None), "the password was given, not generated");
        assert!(system.first_run.seeded_terms > 0);
        assert!(!system.services.registry.vocabulary().is_empty());
        let admin = system.services.access.operator("admin").await.expect("admin exists");
        assert_eq!(admin.role, Role::Admin);
    }

    #[tokio::test]
    async fn every_fake_writes_into_the_one_audit_log_and_privacy_sees_the_registrys_people() {
        let system = started().await;
        let admin = system.services.access.operator("admin").await.expect("admin exists");
        let admin = access::actor_of(&admin, Channel::Cli, "test");
        let rows = system.audit.rows().len();
        let basis = LegalBasisInput {
            kind: LegalBasisKind::Consent,
            purpose: "учёт".into(),
            since: day(2026, 1, 1),
            document: None,
        };
        let person =
            PersonInput { last_name: "Иванова".into(), first_name: "Анна".into(), ..Default::default() };
        let person = system.services.registry.add_person(&admin, &person, &basis).await.expect("person");
        let consent = privacy::NewConsent {
            subject: person.id,
            kind: privacy::ConsentKind::Processing,
            purpose: "ngo_contacts".into(),
            categories: vec!["name".into()],
            document: "Согласие Ивановой".into(),
            recipient: None,
        };
        system.services.privacy.record_consent(&admin, consent).await.expect("a consent of a registry person");
        let volunteer = access::Assignment { person: Some(person.id), ..access::Assignment::role(Role::Volunteer) };
        let account = system.services.access.add_account(&admin, "ivanova.a", &volunteer, "a long password").await;
        let account = account.expect("a volunteer account");
        system.services.privacy.anonymise(&admin, person.id).await.expect("anonymised");
        let stored = system.services.registry.person(&admin, person.id).await.expect("read").expect("kept");
        assert_ne!(stored.profile.last_name.as_str(), "Иванова", "the name is gone, the record stays");
        let consents = system.services.privacy.consents_of(&admin, person.id).await.expect("consents");
        assert_eq!(consents.iter().map(|c| c.document.as_str()).collect::<Vec<_>>(), [REMOVED_DOCUMENT]);
        let actions: Vec<String> = system.audit.rows()[rows..].iter().map(|r| r.event.action.clone()).collect();
        assert_eq!(actions.len(), 4, "one row per change, none for these reads: {actions:?}");
        let accounts = system.services.access.accounts(&admin).await.expect("accounts");
        let bound = accounts.iter().find(|a| a.id == account.id).expect("the account stays");
        assert_eq!(bound.login, access::rules::credentials::anonymised_login(account.id), "its login was her name");
        assert!(bound.disabled && !accounts.iter().any(|a| a.login == "ivanova.a"));
    }
}
