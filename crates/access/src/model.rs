//! Accounts, roles and sessions.

use chrono::{DateTime, Utc};
use kernel::define_id;
use sha2::{Digest, Sha256};

define_id!(
    /// Identifies an account.
    AccountId
);

/// What an account may do. The fine-grained policy comes with the roles issue; today an admin
/// manages accounts and a staff member works with the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages accounts and everything else.
    Admin,
    /// Centre staff: keeps the registry.
    Staff,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 2] = [Role::Admin, Role::Staff];

    /// The stable code used in storage and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A staff account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Identity.
    pub id: AccountId,
    /// The login, lower case.
    pub login: String,
    /// The role.
    pub role: Role,
    /// The argon2id hash in PHC string form.
    pub password_hash: String,
    /// A disabled account cannot log in and its sessions are revoked.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
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
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
}
