//! The use cases, built once over their ports and shared by every frontend.

use std::sync::Arc;

use access::{Access, AccountRepo, LoginLimits, SessionRepo};
use anyhow::Context as _;
use audit::{AuditLog, Gate};
use kernel::{Clock, Policy};
use privacy::{ConsentRepo, Privacy, SubjectRequestRepo, Subjects};
use registry::Registry;
use registry::service::RegistryPorts;

/// The use cases every frontend serves (the gateway's schemas, the CLI's commands).
#[derive(Clone)]
pub struct Services {
    /// The registry.
    pub registry: Arc<Registry>,
    /// Accounts and sessions.
    pub access: Arc<Access>,
    /// Consents, subject access requests, destruction.
    pub privacy: Arc<privacy::Privacy>,
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
    /// Accounts.
    pub accounts: Arc<dyn AccountRepo>,
    /// Sessions.
    pub sessions: Arc<dyn SessionRepo>,
    /// Consents.
    pub consents: Arc<dyn ConsentRepo>,
    /// Subject access requests.
    pub requests: Arc<dyn SubjectRequestRepo>,
    /// The people the data are about, across every domain.
    pub subjects: Arc<dyn Subjects>,
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
        Ok(Self {
            registry: Arc::new(registry),
            privacy: Arc::new(Privacy::new(ports.consents, ports.requests, ports.subjects, gate.clone())),
            access: Arc::new(Access::with_limits(ports.accounts, ports.sessions, gate.clone(), limits)),
            gate,
            clock,
        })
    }
}
