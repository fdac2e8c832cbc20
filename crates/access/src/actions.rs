//! The policy actions the account use cases ask about, and the events they record without one.

use kernel::Action;

/// Reading the list of accounts.
pub const ACCOUNT_READ: Action = Action("account.read");
/// Adding accounts, changing their roles, disabling them, resetting passwords, unlocking them.
pub const ACCOUNT_MANAGE: Action = Action("account.manage");
/// Changing one's own password.
pub const ACCOUNT_CHANGE_OWN_PASSWORD: Action = Action("account.change_own_password");
/// Every action these use cases ask the policy about.
pub const ACTIONS: &[Action] = &[ACCOUNT_READ, ACCOUNT_MANAGE, ACCOUNT_CHANGE_OWN_PASSWORD];

/// Events recorded without a policy action of their own.
pub(crate) const LOGIN: &str = "session.login";
pub(crate) const LOGOUT: &str = "session.logout";
/// A login refused by the limits before its password was checked (recorded per address and minute).
pub const LOGIN_THROTTLED: &str = "session.login_throttled";
