//! The policy actions the audit log's own use cases ask about.

use kernel::Action;

/// Reading and verifying the audit log.
pub const AUDIT_READ: Action = Action("audit.read");
/// Changing how the log is sealed (rotating its key).
pub const AUDIT_MANAGE: Action = Action("audit.manage");
/// Every action of this crate.
pub const ACTIONS: &[Action] = &[AUDIT_READ, AUDIT_MANAGE];
