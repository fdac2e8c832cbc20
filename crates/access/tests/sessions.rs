//! Account use cases on in-memory stores: passwords, tokens, expiry, disabling.

use std::sync::Arc;

use access::testing::{InMemoryAccess, contract};
use access::{Access, AccessError, Role, SESSION_LIFETIME};
use kernel::{Clock, FixedClock};

fn access_at(store: &InMemoryAccess, clock: FixedClock) -> Access {
    Access::new(Arc::new(store.clone()), Arc::new(store.clone()), Arc::new(clock))
}

fn start() -> FixedClock {
    FixedClock(chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap())
}

#[tokio::test]
async fn the_in_memory_stores_keep_the_contract() {
    let store = InMemoryAccess::default();
    contract(Arc::new(store.clone()), Arc::new(store)).await;
}

#[tokio::test]
async fn a_login_issues_a_long_random_token_that_authenticates_until_logout() {
    let store = InMemoryAccess::default();
    let access = access_at(&store, start());
    access.add_account("Maria", Role::Staff, "correct horse battery").await.unwrap();
    let issued = access.login("maria", "correct horse battery").await.unwrap();
    assert!(issued.token.len() >= 43, "256 bits in base64url");
    assert_ne!(issued.token, access.login("maria", "correct horse battery").await.unwrap().token);
    assert_eq!(access.authenticate(&issued.token).await.unwrap().login, "maria");
    access.logout(&issued.token).await.unwrap();
    assert!(matches!(access.authenticate(&issued.token).await, Err(AccessError::InvalidSession)));
}

#[tokio::test]
async fn unknown_logins_and_wrong_passwords_get_the_same_answer() {
    let store = InMemoryAccess::default();
    let access = access_at(&store, start());
    access.add_account("maria", Role::Staff, "correct horse battery").await.unwrap();
    let wrong = access.login("maria", "wrong password!").await.unwrap_err();
    let unknown = access.login("nobody", "wrong password!").await.unwrap_err();
    assert_eq!(wrong.to_string(), unknown.to_string());
    assert!(matches!(wrong, AccessError::BadCredentials));
}

#[tokio::test]
async fn a_token_stops_working_when_it_expires() {
    let store = InMemoryAccess::default();
    let access = access_at(&store, start());
    access.add_account("maria", Role::Staff, "correct horse battery").await.unwrap();
    let issued = access.login("maria", "correct horse battery").await.unwrap();
    let later = access_at(&store, FixedClock(start().now() + SESSION_LIFETIME));
    assert!(matches!(later.authenticate(&issued.token).await, Err(AccessError::InvalidSession)));
}

#[tokio::test]
async fn disabling_an_account_revokes_its_sessions_and_refuses_login() {
    let store = InMemoryAccess::default();
    let access = access_at(&store, start());
    access.add_account("maria", Role::Admin, "correct horse battery").await.unwrap();
    let issued = access.login("maria", "correct horse battery").await.unwrap();
    access.disable("maria").await.unwrap();
    assert!(matches!(access.authenticate(&issued.token).await, Err(AccessError::InvalidSession)));
    assert!(matches!(access.login("maria", "correct horse battery").await, Err(AccessError::BadCredentials)));
}

#[tokio::test]
async fn short_passwords_and_taken_logins_are_refused() {
    let store = InMemoryAccess::default();
    let access = access_at(&store, start());
    assert!(matches!(access.add_account("maria", Role::Staff, "short").await, Err(AccessError::WeakPassword)));
    access.add_account("maria", Role::Staff, "correct horse battery").await.unwrap();
    assert!(matches!(
        access.add_account("MARIA", Role::Staff, "correct horse battery").await,
        Err(AccessError::LoginTaken)
    ));
}
