//! The use cases, built once over their ports and shared by every frontend.

use std::sync::Arc;

use access::{Access, AccessPorts, LoginLimits};
use anyhow::Context as _;
use audit::{AuditLog, Gate};
use kernel::{Clock, Policy};
use privacy::{Privacy, PrivacyPorts};
use registry::{Registry, RegistryPorts};
use services_catalog::{ServicesCatalog, ServicesPorts};

/// The use cases every frontend serves (the gateway's schemas, the CLI's commands).
#[derive(Clone)]
pub struct Services {
    /// The registry.
    pub registry: Arc<Registry>,
    /// Accounts and sessions.
    pub access: Arc<Access>,
    /// Consents, subject access requests, destruction.
    pub privacy: Arc<privacy::Privacy>,
    /// The centre's services, the directory, requests, dispatch, referrals, deliveries, cases.
    pub catalog: Arc<ServicesCatalog>,
    /// The policy, the audit log and the clock every use case passes.
    pub gate: audit::Gate,
    /// The clock ("today" for active periods).
    pub clock: Arc<dyn kernel::Clock>,
}

/// Every port the use cases need, all over one store (a database, or the in-memory fakes), so
/// that each change and its audit row are written together.
pub struct Ports {
    /// The audit log.
    pub audit: Arc<dyn AuditLog>,
    /// The registry's ports.
    pub registry: RegistryPorts,
    /// Accounts and sessions.
    pub access: AccessPorts,
    /// Consents, subject access requests, and the people the data are about.
    pub privacy: PrivacyPorts,
    /// The services domain's ports.
    pub catalog: ServicesPorts,
}

impl Services {
    /// The use cases over these ports: one gate (policy, audit log, clock) for all.
    pub async fn assemble(
        ports: Ports,
        clock: Arc<dyn Clock>,
        policy: Policy,
        limits: LoginLimits,
    ) -> anyhow::Result<Self> {
        let gate = Gate::new(Arc::new(policy), ports.audit, clock.clone());
        let registry = Registry::open(ports.registry, gate.clone()).await.context("cannot load the registry")?;
        let privacy = Privacy::open(ports.privacy, gate.clone()).await.context("cannot open the personal data")?;
        let access = Access::open(ports.access, gate.clone()).await.context("cannot open the accounts")?;
        let catalog = ServicesCatalog::open(ports.catalog, gate.clone()).await.context("cannot open the services")?;
        Ok(Self {
            registry: Arc::new(registry),
            privacy: Arc::new(privacy),
            catalog: Arc::new(catalog),
            access: Arc::new(access.with_limits(limits)),
            gate,
            clock,
        })
    }
}

/// A read of the public directory that two domains answer together failed in one of them.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The registry refused or failed.
    #[error(transparent)]
    Registry(#[from] registry::RegistryError),
    /// The personal-data store refused or failed.
    #[error(transparent)]
    Privacy(#[from] privacy::PrivacyError),
}

impl Services {
    /// The public cards of these organisations' people: the registry's current members, the
    /// distribution consents privacy holds for the directory (152-FZ art. 10.1), and of each
    /// consenting person only the consented categories. Three reads for any number of
    /// organisations; what every frontend of the public directory shows.
    pub async fn public_contacts(
        &self,
        actor: &kernel::Actor,
        organizations: &[kernel::OrganizationId],
    ) -> Result<Vec<(kernel::OrganizationId, registry::service::PublicPerson)>, DirectoryError> {
        let members = self.registry.directory_members(actor, organizations).await?;
        let consented = self.privacy.publishable(&members).await?;
        Ok(self.registry.directory_people(actor, organizations, &consented).await?)
    }
}
