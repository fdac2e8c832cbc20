//! Accounts and sessions.

use chrono::{DateTime, Utc};
use kernel::{OrganizationId, PersonId, Role, define_id};
use sha2::{Digest, Sha256};

define_id!(
    /// Identifies an account.
    AccountId
);

/// An account of the centre's staff, a volunteer or an NGO's representative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Identity.
    pub id: AccountId,
    /// The login, lower case.
    pub login: String,
    /// The role.
    pub role: Role,
    /// The organisation an `ngo_representative` acts for.
    pub organization: Option<OrganizationId>,
    /// The account holder's own person record (a volunteer's).
    pub person: Option<PersonId>,
    /// The argon2id hash in PHC string form.
    pub password_hash: String,
    /// A disabled account cannot log in and its sessions are revoked.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When an administrator last unlocked the login: failed logins before it no longer count.
    pub unlocked_at: Option<DateTime<Utc>>,
}

/// The SHA-256 of a bearer token, hex-encoded: what storage keeps instead of the token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenHash(pub String);

impl TokenHash {
    /// Hashes a token as the client presents it.
    pub fn of(token: &str) -> Self {
        let digest = Sha256::digest(token.as_bytes());
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// A logged-in session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The hash of the bearer token.
    pub token_hash: TokenHash,
    /// Whose session it is.
    pub account: AccountId,
    /// When the session was opened.
    pub created_at: DateTime<Utc>,
    /// When the token stops working, however active it is (the absolute timeout).
    pub expires_at: DateTime<Utc>,
    /// The last request made with it (the idle timeout counts from here).
    pub last_seen_at: DateTime<Utc>,
}
