//! Account use cases: add, list, disable, log in, authenticate a bearer token, log out.

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use chrono::TimeDelta;
use kernel::{Clock, Lang, Localized};

use crate::model::{Account, AccountId, Role, Session, TokenHash};
use crate::ports::{AccountRepo, SessionRepo, StoreError};

/// The shortest password accepted.
pub const MIN_PASSWORD_LENGTH: usize = 10;
/// How long a session token works.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(12);
const TOKEN_BYTES: usize = 32;

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Unknown login or wrong password: deliberately the same answer for both.
    #[error("wrong login or password")]
    BadCredentials,
    /// The token is unknown, expired, or its account is disabled.
    #[error("the session is not valid; log in again")]
    InvalidSession,
    /// The login is not 3..=64 characters of a-z, 0-9, `.`, `_`, `-`.
    #[error("the login must be 3 to 64 characters: a-z, 0-9, '.', '_' or '-'")]
    BadLogin,
    /// The password is too short.
    #[error("the password must have at least {MIN_PASSWORD_LENGTH} characters")]
    WeakPassword,
    /// The login is taken.
    #[error("an account with this login already exists")]
    LoginTaken,
    /// No account has this login.
    #[error("no account has this login")]
    UnknownAccount,
    /// Storage failed.
    #[error("storage failed: {0}")]
    Store(StoreError),
}

impl From<StoreError> for AccessError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::LoginTaken => AccessError::LoginTaken,
            other => AccessError::Store(other),
        }
    }
}

impl Localized for AccessError {
    fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            AccessError::BadCredentials => "неверный логин или пароль".into(),
            AccessError::InvalidSession => "сеанс недействителен; войдите снова".into(),
            AccessError::BadLogin => "логин: от 3 до 64 символов a-z, 0-9, «.», «_» или «-»".into(),
            AccessError::WeakPassword => {
                format!("пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов")
            }
            AccessError::LoginTaken => "учётная запись с таким логином уже есть".into(),
            AccessError::UnknownAccount => "учётной записи с таким логином нет".into(),
            AccessError::Store(_) => "хранилище недоступно, повторите попытку позже".into(),
        }
    }
}

/// A token just issued at login: shown to the client once, stored only as a hash.
#[derive(Debug)]
pub struct IssuedToken {
    /// The bearer token (256 random bits, base64url).
    pub token: String,
    /// The account it belongs to.
    pub account: Account,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The account use cases.
pub struct Access {
    accounts: Arc<dyn AccountRepo>,
    sessions: Arc<dyn SessionRepo>,
    clock: Arc<dyn Clock>,
}

fn normalize_login(login: &str) -> Result<String, AccessError> {
    let login = login.trim().to_ascii_lowercase();
    let valid = (3..=64).contains(&login.len())
        && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    valid.then_some(login).ok_or(AccessError::BadLogin)
}

fn hash_password(password: &str) -> Result<String, AccessError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| AccessError::Store(StoreError::Corrupt(e.to_string())))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccessError::Store(StoreError::Corrupt(e.to_string())))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash of a random password, verified against when the login is unknown so that an unknown
/// login and a wrong password take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let password: [u8; 16] = rand::random();
        hash_password(&base64::engine::general_purpose::STANDARD.encode(password)).expect("hashing a decoy cannot fail")
    })
}

impl Access {
    /// The use cases over these ports.
    pub fn new(accounts: Arc<dyn AccountRepo>, sessions: Arc<dyn SessionRepo>, clock: Arc<dyn Clock>) -> Self {
        Self { accounts, sessions, clock }
    }

    /// Creates an account with an argon2id hash of the password.
    pub async fn add_account(&self, login: &str, role: Role, password: &str) -> Result<Account, AccessError> {
        let login = normalize_login(login)?;
        if password.chars().count() < MIN_PASSWORD_LENGTH {
            return Err(AccessError::WeakPassword);
        }
        let account = Account {
            id: AccountId::new(),
            login,
            role,
            password_hash: hash_password(password)?,
            disabled: false,
            created_at: self.clock.now(),
        };
        self.accounts.insert(&account).await?;
        Ok(account)
    }

    /// Every account.
    pub async fn accounts(&self) -> Result<Vec<Account>, AccessError> {
        Ok(self.accounts.list().await?)
    }

    /// Whether any account exists (the first start creates the administrator when none does).
    pub async fn has_accounts(&self) -> Result<bool, AccessError> {
        Ok(!self.accounts.list().await?.is_empty())
    }

    /// Disables an account and revokes its sessions.
    pub async fn disable(&self, login: &str) -> Result<Account, AccessError> {
        let login = normalize_login(login).map_err(|_| AccessError::UnknownAccount)?;
        let mut account = self.accounts.by_login(&login).await?.ok_or(AccessError::UnknownAccount)?;
        self.accounts.set_disabled(account.id, true).await?;
        self.sessions.delete_for_account(account.id).await?;
        account.disabled = true;
        Ok(account)
    }

    /// Checks the password and opens a session. Unknown logins, disabled accounts and wrong
    /// passwords all get `BadCredentials` after the same amount of hashing work.
    pub async fn login(&self, login: &str, password: &str) -> Result<IssuedToken, AccessError> {
        let account = match normalize_login(login) {
            Ok(login) => self.accounts.by_login(&login).await?,
            Err(_) => None,
        };
        let hash = account.as_ref().map_or(decoy_hash(), |a| a.password_hash.as_str());
        let password_ok = verify_password(password, hash);
        let account = match account {
            Some(account) if password_ok && !account.disabled => account,
            _ => return Err(AccessError::BadCredentials),
        };
        let bytes: [u8; TOKEN_BYTES] = rand::random();
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = self.clock.now();
        let session = Session {
            token_hash: TokenHash::of(&token),
            account: account.id,
            created_at: now,
            expires_at: now + SESSION_LIFETIME,
        };
        self.sessions.insert(&session).await?;
        Ok(IssuedToken { token, account, expires_at: session.expires_at })
    }

    /// The account behind a bearer token, if the session is valid.
    pub async fn authenticate(&self, token: &str) -> Result<Account, AccessError> {
        let hash = TokenHash::of(token);
        let session = self.sessions.get(&hash).await?.ok_or(AccessError::InvalidSession)?;
        if session.expires_at <= self.clock.now() {
            self.sessions.delete(&hash).await?;
            return Err(AccessError::InvalidSession);
        }
        match self.accounts.get(session.account).await? {
            Some(account) if !account.disabled => Ok(account),
            _ => Err(AccessError::InvalidSession),
        }
    }

    /// Ends the session of this token.
    pub async fn logout(&self, token: &str) -> Result<(), AccessError> {
        Ok(self.sessions.delete(&TokenHash::of(token)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn normalised_logins_are_stable_and_lower_case(login in "[A-Za-z0-9._-]{3,20}") {
            let once = normalize_login(&login).unwrap();
            prop_assert_eq!(normalize_login(&once).unwrap(), once.clone());
            prop_assert_eq!(once, login.to_ascii_lowercase());
        }

        #[test]
        fn logins_with_other_characters_are_refused(login in "[a-z]{1,5}[ @/А-я][a-z]{1,5}") {
            prop_assert!(matches!(normalize_login(&login), Err(AccessError::BadLogin)));
        }
    }
}
