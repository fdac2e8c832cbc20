//! The use cases, built once over their ports and shared by every frontend.

use std::sync::Arc;

use access::{Access, AccessPorts, LoginLimits};
use anyhow::Context as _;
use audit::{AuditLog, Gate};
use kernel::{Clock, Policy};
use privacy::{Privacy, PrivacyPorts};
use registry::{Registry, RegistryPorts};

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
    /// Accounts and sessions.
    pub access: AccessPorts,
    /// Consents, subject access requests, and the people the data are about.
    pub privacy: PrivacyPorts,
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
        Ok(Self {
            registry: Arc::new(registry),
            privacy: Arc::new(privacy),
            access: Arc::new(access.with_limits(limits)),
            gate,
            clock,
        })
    }
}
