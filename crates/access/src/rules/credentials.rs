//! The credentials rules: what a login may look like, how strong a password must be, how
//! passwords are hashed (argon2id) and checked in the same time whether or not the login exists,
//! and how long a session lives.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use chrono::TimeDelta;
use kernel::StoreError;

use crate::error::AccessError;

/// The shortest password accepted.
pub const MIN_PASSWORD_LENGTH: usize = 10;

/// The login an account bound to an anonymised person takes (the account is also disabled and
/// its sessions end): a login may be the person's name ("ivanova.a"), so it becomes one made of
/// the account's id, unique as the id is, and itself a valid login.
pub fn anonymised_login(account: crate::model::AccountId) -> String {
    format!("{ANONYMISED_LOGIN_PREFIX}{}", account.0.simple())
}

/// The start of every anonymised login, refused to a new account so that none can take the
/// login an anonymisation will give.
pub const ANONYMISED_LOGIN_PREFIX: &str = "anonymised-";
/// How long a session token works at most, however active (the absolute timeout).
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(12);
/// How long a session token works without requests (the idle timeout).
pub const SESSION_IDLE: TimeDelta = TimeDelta::minutes(30);

pub fn normalize_login(login: &str) -> Result<String, AccessError> {
    let login = login.trim().to_ascii_lowercase();
    let valid = (3..=64).contains(&login.len())
        && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    valid.then_some(login).ok_or(AccessError::BadLogin)
}

pub fn hash_password(password: &str) -> Result<String, AccessError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| AccessError::Store(StoreError::Corrupt(e.to_string())))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccessError::Store(StoreError::Corrupt(e.to_string())))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash of a random password, verified against when the login is unknown so that an unknown
/// login and a wrong password take the same time.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let password: [u8; 16] = rand::random();
        hash_password(&base64::engine::general_purpose::STANDARD.encode(password)).expect("hashing a decoy cannot fail")
    })
}

/// A password of at least [`MIN_PASSWORD_LENGTH`] characters that a person can type: no control
/// characters (a NUL, a newline) and not only spaces. Any other character is allowed: a long
/// phrase is a good password.
pub fn check_password(password: &str) -> Result<(), AccessError> {
    let typeable = !password.chars().any(char::is_control) && !password.trim().is_empty();
    if password.chars().count() < MIN_PASSWORD_LENGTH || !typeable { Err(AccessError::WeakPassword) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn blank_and_control_passwords_are_refused_and_a_phrase_is_taken() {
        assert!(check_password("          ").is_err(), "ten spaces");
        assert!(check_password(&"\0".repeat(10)).is_err(), "ten NULs");
        assert!(check_password("correct\nhorse battery").is_err(), "a newline");
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password("пароль из слов").is_ok());
    }

    proptest! {
        #[test]
        fn a_password_is_taken_exactly_when_it_is_long_enough_typeable_and_not_blank(password in "\\PC{0,14}|[ \\t\\x00\\n]{0,14}|[a-z \\x00]{8,14}") {
            let long_enough = password.chars().count() >= MIN_PASSWORD_LENGTH;
            let typeable = !password.chars().any(char::is_control) && !password.trim().is_empty();
            prop_assert_eq!(check_password(&password).is_ok(), long_enough && typeable, "{:?}", password);
        }

        #[test]
        fn an_anonymised_login_is_a_valid_login_of_its_account_alone(a in any::<u128>(), b in any::<u128>()) {
            let login = |n: u128| anonymised_login(crate::model::AccountId(uuid::Uuid::from_u128(n)));
            prop_assert_eq!(normalize_login(&login(a)).ok(), Some(login(a)), "valid as it is");
            prop_assert_eq!(login(a) == login(b), a == b);
        }

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
