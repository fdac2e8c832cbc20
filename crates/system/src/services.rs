//! The use cases, built once over their ports and shared by every frontend.

use std::sync::Arc;

use access::Access;
use registry::Registry;

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
