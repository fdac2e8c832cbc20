//! A real gateway on port 0 over a fresh database, and a small GraphQL client for it.

use gateway::{Application, GatewayConfig};
use serde_json::{Value, json};
use storage::Database;
use system::Settings;
use tokio::sync::oneshot;

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// Two tests, `$name::on_sqlite` and `$name::on_postgres`, each running `$check(gateway)` on a
/// gateway over that database (PostgreSQL when configured, reported as `$name_on_postgres`).
macro_rules! gateway_on_both_databases {
    ($name:ident, $check:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$check($crate::support::TestGateway::start().await).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                let test = concat!(stringify!($name), "_on_postgres");
                let Some(url) = storage::testing::postgres_url(test).await else { return };
                let db = $crate::support::Db::Postgres(url);
                super::$check($crate::support::TestGateway::start_on(db).await).await;
            }
        }
    };
}
pub(crate) use gateway_on_both_databases;

/// A running gateway; stopped when dropped.
pub struct TestGateway {
    pub base: String,
    pub db: Database,
    pub client: reqwest::Client,
    pub system: system::System,
    _stop: oneshot::Sender<()>,
    pub dir: TempDir,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Which database a test gateway runs on.
pub enum Db {
    /// A fresh SQLite file in a fresh data folder.
    Sqlite,
    /// A fresh PostgreSQL database at this URL.
    Postgres(String),
}

impl TestGateway {
    /// Starts the gateway with no database configured: the embedded SQLite default in a new folder.
    pub async fn start() -> Self {
        Self::start_on(Db::Sqlite).await
    }

    /// Starts the gateway on the given database.
    pub async fn start_on(db: Db) -> Self {
        Self::start_with(db, 10).await
    }

    /// Starts the gateway on the given database, admitting `login_limit` logins per minute from
    /// one address.
    pub async fn start_with(db: Db, login_limit: usize) -> Self {
        let dir = TempDir(std::env::temp_dir().join(format!("nko-e2e-{}", uuid_like())));
        let config = GatewayConfig {
            settings: Settings {
                data_dir: dir.0.clone(),
                database_url: match db {
                    Db::Sqlite => None,
                    Db::Postgres(url) => Some(url),
                },
                profile: None,
                catalogue: None,
                permissions: None,
                audit_key_file: None,
            },
            listen: "127.0.0.1:0".parse().expect("valid address"),
            admin_password: Some(ADMIN_PASSWORD.into()),
            request_timeout_secs: 10,
            login_attempts_per_minute: login_limit,
            secure_cookies: false,
        };
        let app = Application::build(&config).await.expect("the gateway starts");
        let base = format!("http://{}", app.local_addr());
        let system = app.system().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self { base, db: system.db.clone(), client: reqwest::Client::new(), system, _stop: stop, dir }
    }

    /// The first administrator, as an actor of the command line (for setting up data directly
    /// through the use cases).
    pub async fn admin_actor(&self) -> kernel::Actor {
        let account = self.system.services.access.operator("admin").await.expect("the first admin exists");
        access::actor_of(&account, kernel::Channel::Cli, "test-setup")
    }

    /// POSTs a query to `path` with an optional bearer token; returns the JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request =
            self.client.post(format!("{}{path}", self.base)).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the gateway answers").json().await.expect("a JSON answer")
    }

    /// A staff query.
    pub async fn staff(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.post("/graphql", token, query, variables).await
    }

    /// Logs in as the first-run administrator.
    pub async fn admin_token(&self) -> String {
        let answer = self
            .staff(
                None,
                "mutation($p: String!) { login(login: \"admin\", password: $p) { token } }",
                json!({ "p": ADMIN_PASSWORD }),
            )
            .await;
        answer["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("login failed: {answer}")).to_owned()
    }
}

fn uuid_like() -> String {
    format!(
        "{:x}{:x}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}

/// The first error's `extensions.code`.
pub fn error_code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("expected an error: {answer}"))
}

/// A new person `last_name` (with `phone`) referred to `org`'s `shelter` on the organisation's
/// request, with the person's consent for `org`: answers the request's and the referral's ids.
pub async fn referral(
    gw: &TestGateway,
    org: registry::model::OrganizationId,
    shelter: services_catalog::model::directory::DirectoryServiceId,
    last_name: &str,
    phone: Option<&str>,
) -> (services_catalog::model::request::RequestId, services_catalog::model::referral::ReferralId) {
    use services_catalog::model::request::{IntakeChannel, RequestKind};
    use services_catalog::service::{ApplicantInput, ReferralInput, RequestInput};
    let (admin, services) = (gw.admin_actor().await, &gw.system.services);
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "направление в НКО".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: Some(format!("Согласие {last_name}")),
    };
    let input = registry::input::PersonInput {
        last_name: last_name.into(),
        first_name: "Анна".into(),
        phones: phone.map(str::to_owned).into_iter().collect(),
        ..Default::default()
    };
    let person = services.registry.add_person(&admin, &input, &basis).await.expect("a person");
    let request = RequestInput {
        kind: RequestKind::Ngo,
        channel: IntakeChannel::Visit,
        topic: "Подопечная".into(),
        service: None,
        text: "Просим разместить".into(),
        attachments: Vec::new(),
        applicant: ApplicantInput::Organization(org),
        consent_given: true,
        received_on: None,
    };
    let request = services.catalog.receive(&admin, &request).await.expect("a request");
    let consent = privacy::NewConsent {
        subject: person.id,
        kind: privacy::ConsentKind::Processing,
        purpose: services_catalog::ports::REFERRAL_CONSENT_PURPOSE.into(),
        categories: vec!["name".into()],
        document: format!("Согласие {last_name} на передачу"),
        recipient: Some(org),
    };
    services.privacy.record_consent(&admin, consent).await.expect("a consent");
    let referral = ReferralInput { request: request.id, person: person.id, service: shelter, note: None };
    (request.id, services.catalog.refer(&admin, &referral).await.expect("a referral").id)
}
