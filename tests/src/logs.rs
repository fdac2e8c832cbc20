//! Secrets and personal data never reach the log (security plan S10): with every event at
//! debug level captured, a session of logins, a person with contacts and reads of them leave
//! no password, token, `Authorization` header or phone number in the log.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;

use crate::support::{ADMIN_PASSWORD, TestGateway};

/// Everything logged by this test binary, at debug level.
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
        log
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn passwords_tokens_and_phones_never_reach_the_log() {
    let log = captured();
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let wrong = "wrong-password-canary-4711";
    gw.staff(None, "mutation($p: String!) { login(login: \"admin\", password: $p) { token } }", json!({ "p": wrong }))
        .await;
    let add = "mutation($p: PersonInput!, $b: LegalBasisInput!) { addPerson(input: $p, legalBasis: $b) { id } }";
    let person = json!({ "lastName": "Журналова", "firstName": "Ирина", "phones": ["+7 912 345-67-89"] });
    let basis = json!({ "kind": "CONSENT", "purpose": "учёт", "since": "2026-01-10" });
    let added = gw.staff(Some(&token), add, json!({ "p": person, "b": basis })).await;
    let id = added["data"]["addPerson"]["id"].as_str().unwrap_or_else(|| panic!("{added}")).to_owned();
    gw.staff(Some(&token), "query($id: ID!) { person(id: $id) { phones } }", json!({ "id": id })).await;
    gw.staff(Some("not-a-valid-token-canary"), "{ me { login } }", json!({})).await;
    let text = String::from_utf8_lossy(&log.lock().expect("not poisoned")).into_owned();
    assert!(text.contains("graphql request"), "requests are logged: the check below is not vacuous");
    for secret in
        [ADMIN_PASSWORD, wrong, token.as_str(), "not-a-valid-token-canary", "Bearer", "345-67-89", "79123456789"]
    {
        assert!(!text.contains(secret), "the log contains `{secret}`");
    }
}
