//! In-process tests of the console's pages over the in-memory fakes: sessions, form tokens and
//! origins, the stale edit, what each role is offered (read from the shipped policy), and the
//! public directory's consented contacts. The browser tests in the `tests` crate drive the same
//! pages in Chromium over HTTP.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use access::{Assignment, LoginLimits};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kernel::{FixedClock, Policy, Role};
use registry::input::OrganizationInput;
use registry::model::Organization;
use registry::testing::fixtures::{inn_number, instant};
use tower::ServiceExt as _;

use crate::{ConsoleSettings, router};

const PASSWORD: &str = "a long enough password";

/// One browser: a cookie jar over the console's router (a clone is another tab).
#[derive(Clone)]
struct Browser {
    app: Router,
    cookies: HashMap<String, String>,
}

/// An answer: status, `Location`, body.
struct Answer {
    status: StatusCode,
    location: Option<String>,
    /// `Cache-Control`.
    cache: Option<String>,
    body: String,
}

impl Browser {
    fn new(app: &Router) -> Self {
        Self { app: app.clone(), cookies: HashMap::new() }
    }

    async fn send(&mut self, request: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(request).await.expect("the router answers");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("a cookie is text");
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let header_of =
            |name| response.headers().get(name).map(|v: &header::HeaderValue| v.to_str().expect("text").to_owned());
        let (location, cache) = (header_of(header::LOCATION), header_of(header::CACHE_CONTROL));
        let body = axum::body::to_bytes(response.into_body(), 4 << 20).await.expect("a body");
        Answer { status, location, cache, body: String::from_utf8(body.to_vec()).expect("UTF-8") }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn get(&mut self, path: &str) -> Answer {
        let request =
            Request::get(path).header(header::COOKIE, self.cookie_header()).body(Body::empty()).expect("a request");
        self.send(request).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> Answer {
        let body = serde_urlencoded::to_string(form).expect("a form");
        let mut request = Request::post(path)
            .header(header::HOST, "console.test")
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        self.send(request.body(Body::from(body)).expect("a request")).await
    }

    /// Posts a multipart form (the import page's), with the file's bytes as `file`.
    async fn post_file(&mut self, path: &str, fields: &[(&str, &str)], file: &[u8]) -> Answer {
        let boundary = "nko-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orgs.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .expect("a request");
        self.send(request).await
    }

    /// Logs in through the login form.
    async fn log_in(&mut self, login: &str) {
        let page = self.get("/console/login").await;
        let token = form_token(&page.body);
        let answer = self
            .post(
                "/console/login",
                &[("login", login), ("password", PASSWORD), ("form_token", &token)],
                Some("http://console.test"),
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{login} logs in: {}", answer.body);
    }
}

/// The form token in a page.
fn form_token(page: &str) -> String {
    hidden(page, "form_token")
}

/// The value of the hidden field `name` on a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker).unwrap_or_else(|| panic!("the page has a {name}")) + marker.len();
    page[at..].split('"').next().expect("a value").to_owned()
}

/// Every `data-action` a page carries.
fn offered(page: &str) -> BTreeSet<String> {
    page.split("data-action=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect()
}

/// The first administrator, acting on the command line (for setting up and checking data).
async fn admin_of(w: &World) -> kernel::Actor {
    let account = w.system.services.access.operator("admin").await.expect("the first administrator");
    access::actor_of(&account, kernel::Channel::Cli, "setup")
}

struct World {
    system: system::testing::InMemory,
    app: Router,
    org: Organization,
    other: Organization,
}

async fn world() -> World {
    let system = system::testing::in_memory(Arc::new(FixedClock(instant())), PASSWORD, LoginLimits::default())
        .await
        .expect("the fakes start");
    let app = router(system.services.clone(), ConsoleSettings::default());
    let admin = system.services.access.operator("admin").await.expect("admin");
    let admin = access::actor_of(&admin, kernel::Channel::Cli, "setup");
    let registry = &system.services.registry;
    let input = |name: &str, n| OrganizationInput {
        full_name: name.into(),
        legal_form: "ano".into(),
        inn: Some(inn_number(n)),
        ..Default::default()
    };
    let org = registry.create_organization(&admin, &input("АНО «Первая»", 1)).await.expect("org");
    let other = registry.create_organization(&admin, &input("АНО «Вторая»", 2)).await.expect("org");
    for (login, role) in [
        ("coord", Role::Coordinator),
        ("trainer", Role::Trainer),
        ("volcoord", Role::VolunteerCoordinator),
        ("research", Role::Researcher),
        ("lawyer", Role::Lawyer),
    ] {
        system.services.access.add_account(&admin, login, &Assignment::role(role), PASSWORD).await.expect("account");
    }
    let rep = Assignment { role: Role::NgoRepresentative, organization: Some(org.id), person: None };
    system.services.access.add_account(&admin, "rep", &rep, PASSWORD).await.expect("representative");
    World { system, app, org, other }
}

#[tokio::test]
async fn a_visitor_without_a_session_is_sent_to_log_in_and_brought_back_after() {
    let w = world().await;
    let mut browser = Browser::new(&w.app);
    let path = format!("/console/organizations/{}", w.org.id);
    let answer = browser.get(&path).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let login = answer.location.expect("to the login page");
    assert!(login.starts_with("/console/login?next="), "{login}");
    let page = browser.get(&login).await;
    let token = form_token(&page.body);
    let next = path.clone();
    let wrong = browser
        .post(
            "/console/login",
            &[("login", "coord"), ("password", "wrong"), ("form_token", &token), ("next", &next)],
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("неверный логин или пароль"), "{}", wrong.body);
    assert!(!browser.cookies.contains_key(crate::SESSION_COOKIE));
    let right = browser
        .post(
            "/console/login",
            &[("login", "coord"), ("password", PASSWORD), ("form_token", &token), ("next", &next)],
            None,
        )
        .await;
    assert_eq!(right.location.as_deref(), Some(path.as_str()), "back where the visitor was going");
    let card = browser.get(&path).await;
    assert_eq!(card.status, StatusCode::OK);
    assert!(card.body.contains("АНО «Первая»"));
}

#[tokio::test]
async fn a_session_cookie_is_http_only_strict_and_secure_when_the_gateway_is_behind_tls() {
    let w = world().await;
    let app = router(w.system.services.clone(), ConsoleSettings { secure_cookies: true, checkpoint: None });
    let page = app
        .clone()
        .oneshot(Request::get("/console/login").body(Body::empty()).expect("a request"))
        .await
        .expect("an answer");
    let set = page.headers().get(header::SET_COOKIE).expect("a pre-session cookie").to_str().expect("text").to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Secure"), "{set}");
    let csp = page.headers().get(header::CONTENT_SECURITY_POLICY).expect("a CSP").to_str().expect("text");
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe"), "{csp}");
}

#[tokio::test]
async fn a_form_posted_without_its_token_or_from_another_origin_changes_nothing() {
    let w = world().await;
    let mut browser = Browser::new(&w.app);
    browser.log_in("coord").await;
    let edit = format!("/console/organizations/{}/edit", w.org.id);
    let page = browser.get(&edit).await;
    let token = form_token(&page.body);
    let fields = |token: Option<&'static str>| {
        let mut fields = vec![
            ("fullName", "АНО «Захваченная»"),
            ("legalForm", "ano"),
            ("relationship", "none"),
            ("expectedVersion", "1"),
        ];
        fields.extend(token.map(|t| ("form_token", t)));
        fields
    };
    let token: &'static str = token.leak();
    let forged = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let cases = [
        ("no token", fields(None), None),
        ("a forged token", fields(forged), None),
        ("another origin", fields(Some(token)), Some("http://evil.example")),
        ("an opaque origin", fields(Some(token)), Some("null")),
    ];
    for (case, form, origin) in cases {
        let answer = browser.post(&edit, &form, origin).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{case}");
        assert!(answer.body.contains("Ничего не изменено"), "{case}: {}", answer.body);
    }
    let admin = admin_of(&w).await;
    let stored = w.system.services.registry.organization(&admin, w.org.id).await.expect("read").expect("exists");
    assert_eq!(stored.version, 1, "nothing was written");
    assert_eq!(stored.profile.full_name.as_str(), "АНО «Первая»");
    let accepted = browser.post(&edit, &fields(Some(token)), Some("http://console.test")).await;
    assert_eq!(
        accepted.status,
        StatusCode::SEE_OTHER,
        "the same form with its token and origin is saved: {}",
        accepted.body
    );
}

#[tokio::test]
async fn a_logged_in_visitors_token_is_not_another_visitors_token() {
    let w = world().await;
    let (mut mine, mut theirs) = (Browser::new(&w.app), Browser::new(&w.app));
    mine.log_in("coord").await;
    theirs.log_in("coord").await;
    let edit = format!("/console/organizations/{}/edit", w.org.id);
    let my_token = form_token(&mine.get(&edit).await.body);
    let form = [
        ("fullName", "АНО «Чужая»"),
        ("legalForm", "ano"),
        ("relationship", "none"),
        ("expectedVersion", "1"),
        ("form_token", my_token.as_str()),
    ];
    let answer = theirs.post(&edit, &form, None).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "a token is bound to its session");
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_says_who_changed_what() {
    let w = world().await;
    let (mut first, mut second) = (Browser::new(&w.app), Browser::new(&w.app));
    first.log_in("coord").await;
    second.log_in("admin").await;
    let edit = format!("/console/organizations/{}/edit", w.org.id);
    let first_token = form_token(&first.get(&edit).await.body);
    let second_token = form_token(&second.get(&edit).await.body);
    let saved = second
        .post(
            &edit,
            &[
                ("fullName", "АНО «Первая» (новое имя)"),
                ("legalForm", "ano"),
                ("phones", "+7 484 200-00-00"),
                ("relationship", "none"),
                ("expectedVersion", "1"),
                ("form_token", &second_token),
            ],
            None,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = first
        .post(
            &edit,
            &[
                ("fullName", "АНО «Первая»"),
                ("legalForm", "ano"),
                ("website", "https://first.example"),
                ("relationship", "none"),
                ("expectedVersion", "1"),
                ("form_token", &first_token),
            ],
            None,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Не сохранено: пока вы редактировали, запись изменили: admin"), "{}", stale.body);
    assert!(
        stale.body.contains("Полное название") && stale.body.contains("Телефоны"),
        "names what changed: {}",
        stale.body
    );
    assert!(stale.body.contains("+74842000000"), "shows the current value (phones are kept normalised)");
    assert!(stale.body.contains("https://first.example"), "keeps the visitor's values");
    let admin = admin_of(&w).await;
    let stored = w.system.services.registry.organization(&admin, w.org.id).await.expect("read").expect("exists");
    assert_eq!(stored.version, 2, "the stale form wrote nothing");
    assert!(stored.profile.website.is_none());
}

#[tokio::test]
async fn a_representative_sees_only_their_organisation() {
    let w = world().await;
    let mut browser = Browser::new(&w.app);
    browser.log_in("rep").await;
    let list = browser.get("/console/organizations").await;
    assert!(list.body.contains("АНО «Первая»"));
    assert!(!list.body.contains("АНО «Вторая»"), "another organisation is not listed");
    let other = browser.get(&format!("/console/organizations/{}", w.other.id)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "another organisation's card is missing, not forbidden");
    assert!(!other.body.contains("АНО «Вторая»"));
    let edit = browser.get(&format!("/console/organizations/{}/edit", w.other.id)).await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
}

/// The header's sections, on every page.
const SECTIONS: [&str; 10] = [
    "organization.read",
    "person.read",
    "organization.import",
    "privacy.subject_request",
    "request.read",
    "dispatch.run",
    "referral.read",
    "delivery.read",
    "account.read",
    "audit.read",
];

/// The pages every role is shown, with the actions each page can offer beyond the header's.
fn pages(
    w: &World,
    person: registry::model::PersonId,
    desk: &ServicesOnPage,
) -> Vec<(String, &'static [&'static str])> {
    const CARD: &[&str] = &["organization.write", "person.read", "person.personal_data"];
    const PERSON: &[&str] = &["person.personal_data", "consent.manage", "privacy.subject_request"];
    vec![
        ("/console/organizations".to_owned(), &[][..]),
        (format!("/console/organizations/{}", w.org.id), CARD),
        (format!("/console/organizations/{}?contacts=1", w.org.id), CARD),
        (format!("/console/organizations/{}/edit", w.org.id), &["organization.write"][..]),
        ("/console/import".to_owned(), &[][..]),
        ("/console/people".to_owned(), &[][..]),
        (format!("/console/people/{person}"), PERSON),
        (format!("/console/people/{person}?contacts=1"), PERSON),
        ("/console/requests".to_owned(), &[][..]),
        ("/console/desk".to_owned(), &[][..]),
        (format!("/console/desk/{}", desk.request), &["request.manage", "dispatch.run"][..]),
        (format!("/console/dispatch?request={}&need=homelessness", desk.request), &["referral.manage"][..]),
        ("/console/referrals".to_owned(), &["referral.answer", "referral.manage", "referral.person"][..]),
        ("/console/deliveries".to_owned(), &["delivery.write"][..]),
        ("/console/cases".to_owned(), &[][..]),
        ("/console/catalogue".to_owned(), &["catalogue.manage"][..]),
        ("/console/catalogue/new".to_owned(), &["catalogue.manage"][..]),
        (format!("/console/cases/{}", desk.case), &["case.manage"][..]),
        ("/console/accounts".to_owned(), &["account.manage"][..]),
        ("/console/audit".to_owned(), &[][..]),
    ]
}

/// The services records the pages show: a request of the organisation, a service it offers,
/// a pending referral of the person to it (with their consent) and a case from the request.
struct ServicesOnPage {
    request: String,
    case: String,
}

async fn services_on_page(w: &World, admin: &kernel::Actor, person: registry::model::PersonId) -> ServicesOnPage {
    use services_catalog::model::request::{IntakeChannel, RequestKind};
    use services_catalog::service::{ApplicantInput, DirectoryInput, ReferralInput, RequestInput};
    let services = &w.system.services;
    let service = DirectoryInput {
        provider: Some(w.org.id),
        name: "Ночлег".into(),
        description: "Ночлег и питание".into(),
        needs: vec!["homelessness".into()],
        cost: "free".into(),
        ..Default::default()
    };
    let service = services.catalog.add_service(admin, &service).await.expect("a service");
    let request = RequestInput {
        kind: RequestKind::Ngo,
        channel: IntakeChannel::Visit,
        topic: "Консультация".into(),
        service: None,
        text: "Нужна помощь".into(),
        attachments: Vec::new(),
        applicant: ApplicantInput::Organization(w.org.id),
        consent_given: true,
        received_on: None,
    };
    let request = services.catalog.receive(admin, &request).await.expect("a request");
    let consent = privacy::NewConsent {
        subject: person,
        kind: privacy::ConsentKind::Processing,
        purpose: services_catalog::ports::REFERRAL_CONSENT_PURPOSE.into(),
        categories: vec!["name".into()],
        document: "Согласие на передачу".into(),
        recipient: Some(w.org.id),
    };
    services.privacy.record_consent(admin, consent).await.expect("a referral consent");
    let referral = ReferralInput { request: request.id, person, service: service.id, note: None };
    services.catalog.refer(admin, &referral).await.expect("a referral");
    let case = services_catalog::service::CaseInput { subject: "Защита прав".into(), ..Default::default() };
    let case = services.catalog.open_case(admin, request.id, &case).await.expect("a case");
    let deadline = services_catalog::service::CaseChange::AddDeadline {
        due_on: registry::testing::fixtures::day(2026, 1, 15),
        what: "Подать жалобу".into(),
    };
    services.catalog.change_case(admin, case.id, 1, &deadline).await.expect("a deadline");
    ServicesOnPage { request: request.id.to_string(), case: case.id.to_string() }
}

#[tokio::test]
async fn every_page_offers_a_role_exactly_the_actions_the_shipped_policy_grants_it() {
    let w = world().await;
    let policy = Policy::parse(system::PERMISSIONS).expect("the shipped policy");
    let every_action = system::bootstrap::actions();
    let admin = admin_of(&w).await;
    let person = member_with_phone(&w, "Сотрудница", Some("+7 900 100-00-00")).await;
    let volunteer = Assignment { role: Role::Volunteer, organization: None, person: Some(person.id) };
    w.system.services.access.add_account(&admin, "vol", &volunteer, PASSWORD).await.expect("a volunteer");
    let request = w.system.services.privacy.register_request(&admin, person.id, None).await.expect("a request");
    let desk = services_on_page(&w, &admin, person.id).await;
    for login in ["admin", "coord", "trainer", "volcoord", "research", "lawyer", "rep", "vol"] {
        let role = w.system.services.access.operator(login).await.expect("account").role;
        let mut browser = Browser::new(&w.app);
        browser.log_in(login).await;
        for (path, offers) in pages(&w, person.id, &desk) {
            let page = browser.get(&path).await;
            let shown = offered(&page.body);
            let granted = |code: &str| {
                let action = every_action.iter().find(|a| a.code() == code);
                action.is_some_and(|a| policy.grant(role, *a).is_some())
            };
            for action in &shown {
                assert!(granted(action), "{login} ({role:?}) is offered {action} on {path}, which the policy denies");
            }
            if page.status == StatusCode::OK {
                for action in offers.iter().chain(SECTIONS.iter()).filter(|a| granted(a)) {
                    assert!(shown.contains(*action), "{login} ({role:?}) may {action} but {path} does not offer it");
                }
            }
            if path == "/console/requests" {
                let listed = page.body.contains(&request.id.0.to_string());
                assert_eq!(listed, granted("privacy.subject_request"), "{login} and the open request on {path}");
            }
            let contacts_shown = page.body.contains("+79001000000");
            assert!(!contacts_shown || granted("person.personal_data"), "{login} sees a phone on {path}");
        }
    }
}

#[tokio::test]
async fn the_public_directory_shows_a_consented_contact_and_hides_a_withdrawn_one() {
    let w = world().await;
    let admin = admin_of(&w).await;
    let registry = &w.system.services.registry;
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: None,
    };
    let mut consents = Vec::new();
    for (last, phone) in [("Открытая", "+7 900 111-11-11"), ("Отозвавшая", "+7 900 222-22-22")] {
        let input = registry::input::PersonInput {
            last_name: last.into(),
            first_name: "Ольга".into(),
            phones: vec![phone.into()],
            ..Default::default()
        };
        let person = registry.add_person(&admin, &input, &basis).await.expect("person");
        registry.add_membership(&admin, person.id, w.org.id, "председатель", None).await.expect("membership");
        let consent = privacy::NewConsent {
            subject: person.id,
            kind: privacy::ConsentKind::Distribution,
            purpose: "public_directory".into(),
            categories: vec!["name".into(), "position".into(), "phone".into()],
            document: format!("Согласие {last}"),
            recipient: None,
        };
        consents.push(w.system.services.privacy.record_consent(&admin, consent).await.expect("consent"));
    }
    w.system.services.privacy.withdraw_consent(&admin, consents[1].id).await.expect("withdrawn");
    let mut visitor = Browser::new(&w.app);
    let directory = visitor.get("/").await;
    assert_eq!(directory.status, StatusCode::OK);
    assert!(directory.body.contains("АНО «Первая»") && directory.body.contains("АНО «Вторая»"));
    let card = visitor.get(&format!("/directory/{}", w.org.id)).await;
    assert!(card.body.contains("Открытая Ольга") && card.body.contains("+79001111111"), "{}", card.body);
    assert!(
        !card.body.contains("Отозвавшая") && !card.body.contains("+79002222222"),
        "withdrawn consent hides the contact"
    );
    let escaped = visitor.get("/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!escaped.body.contains("<script>") && escaped.body.contains("&lt;script&gt;"), "typed text is escaped");
    let hostile = visitor.get("/?after=not-a-cursor&municipality=nowhere").await;
    assert_eq!(hostile.status, StatusCode::BAD_REQUEST);
    assert!(hostile.body.contains("role=\"alert\""), "a clear message, not a failure");
}

#[tokio::test]
async fn an_imported_file_with_one_bad_line_is_named_and_nothing_is_written_until_confirmed() {
    let w = world().await;
    let mut browser = Browser::new(&w.app);
    browser.log_in("coord").await;
    let token = form_token(&browser.get("/console/import").await.body);
    let bad = format!(
        "full_name;legal_form;inn\nАНО «Импорт-1»;ano;{}\nАНО «Импорт-2»;ano;1234567890\nАНО «Импорт-3»;ano;{}\n",
        inn_number(11),
        inn_number(13)
    );
    let checked =
        browser.post_file("/console/import", &[("form_token", &token), ("action", "check")], bad.as_bytes()).await;
    assert_eq!(checked.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", checked.body);
    assert!(checked.body.contains("<td>3</td><td>inn</td>"), "line 3's ИНН is named: {}", checked.body);
    assert_eq!(checked.body.matches("error-row").count(), 1, "one problem");
    assert!(checked.body.contains("Ничего не записано"));
    let written =
        browser.post_file("/console/import", &[("form_token", &token), ("action", "write")], bad.as_bytes()).await;
    assert_eq!(written.status, StatusCode::UNPROCESSABLE_ENTITY, "a file with a problem is never written");
    let coord = access::actor_of(
        &w.system.services.access.operator("coord").await.expect("coord"),
        kernel::Channel::Cli,
        "check",
    );
    let names = |page: kernel::Page<Organization>| {
        page.items.iter().map(|o| o.profile.full_name.to_string()).collect::<Vec<_>>()
    };
    let all = || async {
        let request = kernel::PageRequest::new(100, None).expect("a page");
        let filter = registry::ports::OrganizationFilter::default();
        names(
            w.system
                .services
                .registry
                .organizations(&coord, &filter, registry::ports::OrganizationOrder::NameAsc, request)
                .await
                .expect("a page"),
        )
    };
    assert_eq!(all().await.len(), 2, "nothing of the bad file was written");

    let good = bad.replace("1234567890", &inn_number(12));
    let preview =
        browser.post_file("/console/import", &[("form_token", &token), ("action", "check")], good.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("будет добавлена") && preview.body.contains("Пока ничего не записано"));
    assert_eq!(all().await.len(), 2, "a preview writes nothing");
    let written =
        browser.post_file("/console/import", &[("form_token", &token), ("action", "write")], good.as_bytes()).await;
    assert!(written.body.contains("Записано. Добавлено: 3"), "{}", written.body);
    assert_eq!(all().await.len(), 5);
    let without_token =
        browser.post_file("/console/import", &[("action", "write")], good.replace("Импорт", "Чужой").as_bytes()).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    assert_eq!(all().await.len(), 5);
}

/// A person of the first organisation, added by the administrator.
async fn member(w: &World, last_name: &str) -> registry::model::Person {
    member_with_phone(w, last_name, None).await
}

/// A person of the first organisation with a phone, added by the administrator.
async fn member_with_phone(w: &World, last_name: &str, phone: Option<&str>) -> registry::model::Person {
    let admin = admin_of(w).await;
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: Some("Согласие №1".into()),
    };
    let input = registry::input::PersonInput {
        last_name: last_name.into(),
        first_name: "Ирина".into(),
        phones: phone.map(str::to_owned).into_iter().collect(),
        ..Default::default()
    };
    let registry = &w.system.services.registry;
    let person = registry.add_person(&admin, &input, &basis).await.expect("a person");
    registry.add_membership(&admin, person.id, w.org.id, "директор", None).await.expect("a membership");
    person
}

#[tokio::test]
async fn a_coordinator_records_and_withdraws_a_consent_on_a_persons_card() {
    let w = world().await;
    let person = member(&w, "Согласова").await;
    let other = member(&w, "Другая").await;
    let mut browser = Browser::new(&w.app);
    browser.log_in("coord").await;
    let card = format!("/console/people/{}", person.id);
    let page = browser.get(&card).await;
    assert!(
        page.body.contains("согласие (ст. 6 ч. 1 п. 1 152-ФЗ)") && page.body.contains("Согласие №1"),
        "the legal basis"
    );
    let token = form_token(&page.body);
    let form = [
        ("kind", "distribution"),
        ("purpose", "public_directory"),
        ("categories", "name"),
        ("categories", "phone"),
        ("document", "Р-7"),
        ("form_token", token.as_str()),
    ];
    let recorded = browser.post(&format!("{card}/consents"), &form, None).await;
    assert_eq!(recorded.location.as_deref(), Some(format!("{card}?done=consent").as_str()), "{}", recorded.body);
    let admin = admin_of(&w).await;
    let consents = w.system.services.privacy.consents_of(&admin, person.id).await.expect("consents");
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].categories, vec!["name".to_owned(), "phone".to_owned()]);
    let shown = browser.get(&card).await;
    assert!(
        shown.body.contains("на распространение") && shown.body.contains("Р-7") && shown.body.contains("действует с")
    );
    let through_other = browser
        .post(
            &format!("/console/people/{}/consents/{}/withdraw", other.id, consents[0].id),
            &[("form_token", token.as_str())],
            None,
        )
        .await;
    assert_eq!(through_other.status, StatusCode::NOT_FOUND, "a consent is withdrawn only through its own person");
    assert!(w.system.services.privacy.consents_of(&admin, person.id).await.expect("consents")[0].is_active());
    let withdrawn = browser
        .post(&format!("{card}/consents/{}/withdraw", consents[0].id), &[("form_token", token.as_str())], None)
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    assert!(!w.system.services.privacy.consents_of(&admin, person.id).await.expect("consents")[0].is_active());
    let bad = browser
        .post(
            &format!("{card}/consents"),
            &[
                ("kind", "distribution"),
                ("purpose", "public_directory"),
                ("categories", "passport"),
                ("document", "Р-8"),
                ("form_token", token.as_str()),
            ],
            None,
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a category the directory cannot show is refused: {}",
        bad.body
    );
}

#[tokio::test]
async fn a_subject_request_is_registered_extended_once_and_answered_with_its_due_dates() {
    let w = world().await;
    let person = member(&w, "Запросова").await;
    let mut browser = Browser::new(&w.app);
    browser.log_in("lawyer").await;
    let card = format!("/console/people/{}", person.id);
    let token = form_token(&browser.get(&card).await.body);
    let registered = browser
        .post(&format!("{card}/requests"), &[("received_on", "2026-05-25"), ("form_token", token.as_str())], None)
        .await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER, "{}", registered.body);
    let list = browser.get("/console/requests").await;
    let admin = admin_of(&w).await;
    let open = w.system.services.privacy.open_requests(&admin).await.expect("requests");
    assert!(list.body.contains("Запросова Ирина") && list.body.contains("25.05.2026"), "{}", list.body);
    let due = open[0].deadline().format("%d.%m.%Y").to_string();
    assert_eq!(due, "08.06.2026", "10 working days after Monday 25 May 2026");
    assert!(list.body.contains(&due), "the due date is shown: {}", list.body);
    let id = open[0].id.0;
    let extended = browser
        .post(
            &format!("/console/requests/{id}/extend"),
            &[("reason", "нужны сведения из архива"), ("form_token", token.as_str())],
            None,
        )
        .await;
    assert_eq!(extended.status, StatusCode::SEE_OTHER, "{}", extended.body);
    let list = browser.get("/console/requests").await;
    assert!(
        list.body.contains("нужны сведения из архива") && !list.body.contains("Продлить на 5"),
        "extended once: {}",
        list.body
    );
    let again = browser
        .post(&format!("/console/requests/{id}/extend"), &[("reason", "ещё раз"), ("form_token", token.as_str())], None)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a second extension is refused: {}", again.body);
    let answered = browser
        .post(&format!("/console/requests/{id}/answer"), &[("on", "2026-05-27"), ("form_token", token.as_str())], None)
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    assert!(w.system.services.privacy.open_requests(&admin).await.expect("requests").is_empty());
    let mut trainer = Browser::new(&w.app);
    trainer.log_in("trainer").await;
    assert_eq!(trainer.get("/console/requests").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_administrator_adds_a_representative_by_inn_and_others_may_not_manage_accounts() {
    let w = world().await;
    let mut admin = Browser::new(&w.app);
    admin.log_in("admin").await;
    let token = form_token(&admin.get("/console/accounts").await.body);
    let inn = w.org.profile.inn.as_ref().expect("an INN").to_string();
    let form = [
        ("login", "newrep"),
        ("password", PASSWORD),
        ("role", "ngo_representative"),
        ("organization", inn.as_str()),
        ("form_token", token.as_str()),
    ];
    let added = admin.post("/console/accounts", &form, None).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let account = w.system.services.access.operator("newrep").await.expect("added");
    assert_eq!((account.role, account.organization), (Role::NgoRepresentative, Some(w.org.id)));
    let mut rep = Browser::new(&w.app);
    rep.log_in("newrep").await;
    assert!(!rep.get("/console/organizations").await.body.contains("АНО «Вторая»"));
    let unknown = admin
        .post(
            "/console/accounts",
            &[
                ("login", "ghost"),
                ("password", PASSWORD),
                ("role", "ngo_representative"),
                ("organization", "7707083893"),
                ("form_token", token.as_str()),
            ],
            None,
        )
        .await;
    assert!(unknown.body.contains("в реестре нет организации с таким ИНН"), "{}", unknown.body);
    let disabled =
        admin.post("/console/accounts/disable", &[("login", "newrep"), ("form_token", token.as_str())], None).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        rep.get("/console/organizations").await.status,
        StatusCode::SEE_OTHER,
        "a disabled account's session ends"
    );
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let coord_token = form_token(&coord.get("/console/organizations").await.body);
    let refused = coord
        .post(
            "/console/accounts",
            &[("login", "sneaky"), ("password", PASSWORD), ("role", "admin"), ("form_token", coord_token.as_str())],
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(w.system.services.access.operator("sneaky").await.is_err(), "nothing was created");
}

#[tokio::test]
async fn the_audit_log_page_filters_rows_and_verifies_the_chain() {
    let w = world().await;
    let mut admin = Browser::new(&w.app);
    admin.log_in("admin").await;
    let page = admin.get("/console/audit?action=organization.write").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("organization.write") && !page.body.contains("<td>account.manage</td>"), "filtered");
    assert!(page.body.contains(&format!("organization/{}", w.org.id)));
    let token = form_token(&page.body);
    let verified = admin.post("/console/audit/verify", &[("form_token", token.as_str())], None).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    assert!(verified.body.contains("Журнал цел: проверено записей"), "{}", verified.body);
    let hostile = admin.get("/console/audit?after=%00%FF&outcome=%3Cb%3E").await;
    assert_eq!(hostile.status, StatusCode::BAD_REQUEST, "a bad cursor is named, not a failure");
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    assert_eq!(coord.get("/console/audit").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_search_longer_than_the_limit_is_named_not_taken_for_a_failure() {
    let w = world().await;
    let long = "а".repeat(registry::input::MAX_SEARCH + 1);
    let mut visitor = Browser::new(&w.app);
    let public = visitor.get(&format!("/?q={}", long)).await;
    assert_eq!(public.status, StatusCode::BAD_REQUEST, "{}", public.body);
    assert!(public.body.contains("200"), "names the limit: {}", public.body);
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let staff = coord.get(&format!("/console/organizations?q={long}")).await;
    assert_eq!(staff.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", staff.body);
    let people = coord.get(&format!("/console/people?q={long}")).await;
    assert_eq!(people.status, StatusCode::UNPROCESSABLE_ENTITY);
    let empty_cursor = coord.get("/console/organizations?after=").await;
    assert_eq!(empty_cursor.status, StatusCode::OK, "an empty cursor is the first page");
}

#[tokio::test]
async fn a_damaged_or_future_version_in_the_form_writes_nothing_and_says_so() {
    let w = world().await;
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let edit = format!("/console/organizations/{}/edit", w.org.id);
    let token = form_token(&coord.get(&edit).await.body);
    for (version, status, says) in [
        ("abc", StatusCode::UNPROCESSABLE_ENTITY, "Форма повреждена"),
        ("", StatusCode::UNPROCESSABLE_ENTITY, "Форма повреждена"),
        ("9", StatusCode::CONFLICT, "версия в форме не совпадает с версией записи"),
    ] {
        let form = [
            ("fullName", "АНО «Подмена»"),
            ("legalForm", "ano"),
            ("relationship", "none"),
            ("expectedVersion", version),
            ("form_token", token.as_str()),
        ];
        let answer = coord.post(&edit, &form, None).await;
        assert_eq!(answer.status, status, "version «{version}»");
        assert!(answer.body.contains(says), "version «{version}»: {}", answer.body);
    }
    let admin = admin_of(&w).await;
    let stored = w.system.services.registry.organization(&admin, w.org.id).await.expect("read").expect("exists");
    assert_eq!((stored.version, stored.profile.full_name.as_str()), (1, "АНО «Первая»"));
}

#[tokio::test]
async fn an_import_names_the_fields_it_would_empty_and_a_stale_edit_after_it_names_the_importer() {
    let w = world().await;
    let admin_actor = admin_of(&w).await;
    let mut input = OrganizationInput {
        full_name: "АНО «Первая»".into(),
        legal_form: "ano".into(),
        inn: Some(inn_number(1)),
        website: Some("https://first.example".into()),
        ..Default::default()
    };
    input.phones = vec!["+7 484 200-00-01".into()];
    w.system.services.registry.update_organization(&admin_actor, w.org.id, 1, &input).await.expect("described");
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let edit = format!("/console/organizations/{}/edit", w.org.id);
    let edit_token = form_token(&coord.get(&edit).await.body);
    let mut admin = Browser::new(&w.app);
    admin.log_in("admin").await;
    let token = form_token(&admin.get("/console/import").await.body);
    let file = format!("full_name;legal_form;inn;version\nАНО «Первая»;ano;{};2\n", inn_number(1));
    let preview =
        admin.post_file("/console/import", &[("form_token", &token), ("action", "check")], file.as_bytes()).await;
    assert!(
        preview.body.contains("будет изменена: Телефоны, Сайт"),
        "the fields the file lacks are named: {}",
        preview.body
    );
    let written =
        admin.post_file("/console/import", &[("form_token", &token), ("action", "write")], file.as_bytes()).await;
    assert!(written.body.contains("изменено: 1"), "{}", written.body);
    let form = [
        ("fullName", "АНО «Первая»"),
        ("legalForm", "ano"),
        ("shortName", "Первая"),
        ("relationship", "none"),
        ("expectedVersion", "2"),
        ("form_token", edit_token.as_str()),
    ];
    let stale = coord.post(&edit, &form, None).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("запись изменили: admin"), "{}", stale.body);
    assert!(stale.body.contains("Телефоны, Сайт"), "the import's fields: {}", stale.body);
}

#[tokio::test]
async fn a_browser_preferring_english_gets_english_pages_and_russian_is_the_default() {
    let w = world().await;
    let english = w
        .app
        .clone()
        .oneshot(
            Request::get("/")
                .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,ru;q=0.5")
                .body(Body::empty())
                .expect("a request"),
        )
        .await
        .expect("an answer");
    let body = axum::body::to_bytes(english.into_body(), 1 << 20).await.expect("a body");
    let body = String::from_utf8(body.to_vec()).expect("UTF-8");
    assert!(body.contains("<html lang=\"en\">") && body.contains("Non-profit organisations of the region"), "{body}");
    let mut russian = Browser::new(&w.app);
    let page = russian.get("/").await;
    assert!(page.body.contains("<html lang=\"ru\">") && page.body.contains("Некоммерческие организации региона"));
    assert!(page.body.contains("<label for=\"q\">"), "every field has its label");
}

#[tokio::test]
async fn a_volunteer_opens_their_own_card_and_no_one_elses() {
    let w = world().await;
    let own = member_with_phone(&w, "Волонтёрова", Some("+7 900 555-55-55")).await;
    let other = member(&w, "Чужая").await;
    let volunteer = Assignment { role: Role::Volunteer, organization: None, person: Some(own.id) };
    w.system.services.access.add_account(&admin_of(&w).await, "vol", &volunteer, PASSWORD).await.expect("a volunteer");
    let mut vol = Browser::new(&w.app);
    vol.log_in("vol").await;
    let card = vol.get(&format!("/console/people/{}?contacts=1", own.id)).await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.body);
    assert!(
        card.body.contains("Волонтёрова Ирина") && card.body.contains("+79005555555") && card.body.contains("директор")
    );
    assert!(!card.body.contains("АНО «Первая»"), "no organisation is open to a volunteer");
    assert_eq!(vol.get(&format!("/console/people/{}", other.id)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_consent_of_no_known_kind_is_refused_by_its_field() {
    let w = world().await;
    let person = member(&w, "Видова").await;
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let card = format!("/console/people/{}", person.id);
    let token = form_token(&coord.get(&card).await.body);
    for kind in [Some("zzz"), Some(""), None] {
        let mut form =
            vec![("purpose", "training"), ("categories", "name"), ("document", "Д-1"), ("form_token", token.as_str())];
        form.extend(kind.map(|k| ("kind", k)));
        let answer = coord.post(&format!("{card}/consents"), &form, None).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "kind {kind:?}");
        assert!(answer.body.contains("«Вид согласия»"), "{}", answer.body);
    }
    let admin = admin_of(&w).await;
    assert!(w.system.services.privacy.consents_of(&admin, person.id).await.expect("consents").is_empty());
}

#[tokio::test]
async fn a_repeated_parameter_counts_once_and_a_hidden_character_is_never_shown_as_such() {
    let w = world().await;
    let mut visitor = Browser::new(&w.app);
    let twice = visitor.get("/?q=%D0%9F%D0%B5%D1%80%D0%B2%D0%B0%D1%8F&q=zzz").await;
    assert!(twice.body.contains("АНО «Первая»") && !twice.body.contains("АНО «Вторая»"), "the first q is kept");
    let bidi = visitor.get("/?activity_area=%E2%80%AEevil%00").await;
    assert_eq!(bidi.status, StatusCode::BAD_REQUEST);
    assert!(!bidi.body.contains('\u{202E}') && !bidi.body.contains('\0'), "{}", bidi.body);
    let stale = visitor.get("/?after=abc").await;
    assert!(stale.body.contains("Ссылка на страницу списка устарела или повреждена"), "{}", stale.body);
}

/// The form fields of a page that have no label: neither a `<label for>` naming their id nor a
/// `<label>` around them (hidden fields and buttons need none).
fn unlabelled_fields(page: &str) -> Vec<String> {
    let starts =
        page.match_indices("<input").chain(page.match_indices("<select")).chain(page.match_indices("<textarea"));
    let mut missing = Vec::new();
    for (at, _) in starts {
        let end = at + page[at..].find('>').expect("a closed tag");
        let tag = &page[at..=end];
        if tag.contains("type=\"hidden\"") || tag.contains("aria-hidden=\"true\"") {
            continue;
        }
        let id = tag.split("id=\"").nth(1).and_then(|rest| rest.split('"').next());
        let named = id.is_some_and(|id| page.contains(&format!("for=\"{id}\"")));
        let before = &page[..at];
        let wrapped =
            before.rfind("<label").is_some_and(|open| before.rfind("</label>").is_none_or(|close| close < open));
        if !named && !wrapped {
            missing.push(tag.to_owned());
        }
    }
    missing
}

#[tokio::test]
async fn every_field_of_every_page_has_a_label_and_every_page_one_main_heading() {
    let w = world().await;
    let person = member_with_phone(&w, "Доступная", Some("+7 900 700-00-00")).await;
    let admin_actor = admin_of(&w).await;
    w.system.services.privacy.register_request(&admin_actor, person.id, None).await.expect("a request");
    let desk = services_on_page(&w, &admin_actor, person.id).await;
    let mut admin = Browser::new(&w.app);
    admin.log_in("admin").await;
    let mut pages: Vec<String> = pages(&w, person.id, &desk).into_iter().map(|(path, _)| path).collect();
    pages.extend(["/console/accounts".to_owned(), format!("/console/people/{}", person.id)]);
    pages.extend(["/services".to_owned(), "/appeal".to_owned(), "/services?need=homelessness".to_owned()]);
    for path in &pages {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(unlabelled_fields(&page.body), Vec::<String>::new(), "{path}");
        assert_eq!(page.body.matches("<h1").count(), 1, "{path}: one main heading");
        assert!(
            page.body.contains("<main id=\"main\">") && page.body.contains("href=\"#main\""),
            "{path}: a skip link to main"
        );
    }
    let mut visitor = Browser::new(&w.app);
    for path in ["/".to_owned(), format!("/directory/{}", w.org.id), "/console/login".to_owned()] {
        let page = visitor.get(&path).await;
        assert_eq!(unlabelled_fields(&page.body), Vec::<String>::new(), "{path}");
        assert_eq!(page.body.matches("<h1").count(), 1, "{path}");
    }
}

#[tokio::test]
async fn an_anonymised_person_leaves_the_public_directory_although_their_consent_was_never_withdrawn() {
    let w = world().await;
    let person = member_with_phone(&w, "Публичная", Some("+7 900 800-00-00")).await;
    let admin = admin_of(&w).await;
    let consent = privacy::NewConsent {
        subject: person.id,
        kind: privacy::ConsentKind::Distribution,
        purpose: "public_directory".into(),
        categories: vec!["name".into(), "position".into(), "phone".into()],
        document: "Р-9".into(),
        recipient: None,
    };
    w.system.services.privacy.record_consent(&admin, consent).await.expect("a consent");
    let mut visitor = Browser::new(&w.app);
    let card = format!("/directory/{}", w.org.id);
    assert!(visitor.get(&card).await.body.contains("Публичная Ирина"), "published while consenting");
    w.system.services.privacy.anonymise(&admin, person.id).await.expect("anonymised");
    let after = visitor.get(&card).await;
    assert!(!after.body.contains("Обезличено") && !after.body.contains("директор"), "{}", after.body);
}

#[tokio::test]
async fn a_file_too_large_to_confirm_or_no_file_at_all_is_named_before_anything_is_written() {
    let w = world().await;
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let token = form_token(&coord.get("/console/import").await.body);
    let empty = coord.post_file("/console/import", &[("form_token", &token), ("action", "check")], b"").await;
    assert!(empty.body.contains("файл не выбран или пуст"), "{}", empty.body);
    // Cyrillic in Windows-1251 is one byte a letter, two in UTF-8: 150 KB of it would not fit
    // the confirmation's request.
    let mut cp1251 = b"full_name;legal_form;ogrn\n".to_vec();
    while cp1251.len() < 150 * 1024 {
        cp1251.extend_from_slice(&[0xC0; 60]);
        cp1251.extend_from_slice(b";ano;1027700132195\n");
    }
    let big = coord.post_file("/console/import", &[("form_token", &token), ("action", "check")], &cp1251).await;
    assert_eq!(big.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(big.body.contains("загрузите его командой nko import"), "{}", big.body);
}

#[tokio::test]
async fn an_exported_row_of_a_liquidated_organisation_is_not_added_as_a_working_one() {
    let w = world().await;
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let token = form_token(&coord.get("/console/import").await.body);
    let file = format!(
        "full_name,legal_form,inn,status,liquidated_on,version\nАНО «Закрытая давно»,ano,{},liquidated,2020-01-01,3\n",
        inn_number(71)
    );
    let checked =
        coord.post_file("/console/import", &[("form_token", &token), ("action", "check")], file.as_bytes()).await;
    assert_eq!(checked.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", checked.body);
    assert!(
        checked.body.contains("<td>2</td><td>status</td>") && checked.body.contains("только действующие"),
        "{}",
        checked.body
    );
    let directory = Browser::new(&w.app).get("/?q=Закрытая").await;
    assert!(!directory.body.contains("Закрытая давно"), "nothing was published");
}

#[tokio::test]
async fn a_citizen_sends_an_appeal_with_consent_and_gets_its_number_and_due_date() {
    let w = world().await;
    let mut citizen = Browser::new(&w.app);
    let form = citizen.get("/appeal").await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form_token(&form.body);
    let form_id = hidden(&form.body, "form_id");
    let fields = |consent: bool| {
        let mut fields = vec![
            ("name", "Иванова Анна Петровна"),
            ("email", "anna@example.ru"),
            ("topic", "Нужен ночлег"),
            ("text", "Прошу помочь с ночлегом"),
            ("form_token", token.as_str()),
            ("form_id", form_id.as_str()),
        ];
        if consent {
            fields.push(("consent", "yes"));
        }
        fields
    };
    let without = citizen.post("/appeal", &fields(false), Some("http://console.test")).await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        without.body.contains("Согласие на обработку данных") && without.body.contains("Иванова Анна Петровна"),
        "the message names the field and the form keeps the values"
    );
    let forged = citizen.post("/appeal", &[("name", "x"), ("form_token", "forged")], Some("http://console.test")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let sent = citizen.post("/appeal", &fields(true), Some("http://console.test")).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let receipt_path = sent.location.expect("to the receipt");
    let receipt = citizen.get(&receipt_path).await;
    assert!(receipt.body.contains("2026-00001") && receipt.body.contains("Ответ не позднее"), "{}", receipt.body);
    assert_eq!(form.cache.as_deref(), Some("no-store"), "the form carries this visit's id and token");
    // The receipt is signed for the browser that sent the appeal: the same link elsewhere, or a
    // receipt made up, shows the form.
    let elsewhere = Browser::new(&w.app).get(&receipt_path).await;
    assert!(!elsewhere.body.contains("Обращение зарегистрировано"), "{}", elsewhere.body);
    let made_up = citizen.get("/appeal?registered=2099-99999&on=2026-12-02&due=2099-12-31").await;
    assert!(!made_up.body.contains("2099-99999") && made_up.body.contains("name=\"form_id\""), "{}", made_up.body);
    let admin = admin_of(&w).await;
    let page = kernel::PageRequest::new(10, None).unwrap();
    let stored = w.system.services.catalog.requests(&admin, None, Default::default(), page).await.unwrap();
    assert_eq!(stored.items.len(), 1, "one appeal stored: the refused and forged ones wrote nothing");
}

#[tokio::test]
async fn a_form_posted_twice_files_one_appeal_and_both_posts_get_its_receipt() {
    let w = world().await;
    let mut citizen = Browser::new(&w.app);
    let form = citizen.get("/appeal").await;
    let (token, form_id) = (form_token(&form.body), hidden(&form.body, "form_id"));
    let fields = [
        ("name", "Петрова Мария"),
        ("email", "maria@example.ru"),
        ("topic", "Ночлег"),
        ("text", "Прошу помочь"),
        ("consent", "yes"),
        ("form_token", token.as_str()),
        ("form_id", form_id.as_str()),
    ];
    // A double click: both posts at once.
    let (mut click, mut double_click) = (citizen.clone(), citizen.clone());
    let (first, second) = tokio::join!(
        click.post("/appeal", &fields, Some("http://console.test")),
        double_click.post("/appeal", &fields, Some("http://console.test")),
    );
    assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{}", second.body);
    assert_eq!(first.location, second.location, "the second post gets the first one's receipt");
    let later = citizen.post("/appeal", &fields, Some("http://console.test")).await;
    assert_eq!(later.location, first.location, "a resend after a lost answer too");
    let admin = admin_of(&w).await;
    let page = kernel::PageRequest::new(10, None).unwrap();
    let stored = w.system.services.catalog.requests(&admin, None, Default::default(), page.clone()).await.unwrap();
    assert_eq!(stored.items.len(), 1, "one form, one appeal");

    let another = citizen.get("/appeal").await;
    let next_id = hidden(&another.body, "form_id");
    assert_ne!(next_id, form_id, "each form has its own id");
    let mut second_appeal = fields;
    second_appeal[6] = ("form_id", next_id.as_str());
    let filed = citizen.post("/appeal", &second_appeal, Some("http://console.test")).await;
    assert_ne!(filed.location, first.location, "a new form files a new appeal");
    let mut forged = fields;
    forged[6] = ("form_id", "../../etc");
    let refused = citizen.post("/appeal", &forged, Some("http://console.test")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "a form id of another shape is refused");
    assert!(refused.body.contains("Петрова Мария"), "the form keeps what was typed");

    // Back, a typo mended, sent again: another appeal, not the first one's receipt.
    let mut edited = second_appeal;
    edited[3] = ("text", "Прошу помочь с ночлегом");
    let mended = citizen.post("/appeal", &edited, Some("http://console.test")).await;
    assert_ne!(mended.location, filed.location, "an edited form files what it says now");
    // Another browser posting the same form id: its own appeal, never someone else's receipt.
    let mut stranger = Browser::new(&w.app);
    let own = stranger.get("/appeal").await;
    let mut theirs = fields;
    let stranger_token = form_token(&own.body);
    theirs[5] = ("form_token", stranger_token.as_str());
    let copied = stranger.post("/appeal", &theirs, Some("http://console.test")).await;
    assert_eq!(copied.status, StatusCode::SEE_OTHER, "{}", copied.body);
    assert_ne!(copied.location, first.location, "another browser's post is its own appeal");
    let stored = w.system.services.catalog.requests(&admin, None, Default::default(), page).await.unwrap();
    assert_eq!(stored.items.len(), 4, "the first form, a new form, the mended one, the other browser's");
}

#[tokio::test]
async fn a_representative_accepts_a_referral_to_their_organisation_on_the_referrals_page() {
    let w = world().await;
    let admin = admin_of(&w).await;
    let person = member_with_phone(&w, "Направленная", Some("+7 910 555-12-34")).await;
    services_on_page(&w, &admin, person.id).await;
    let mut rep = Browser::new(&w.app);
    rep.log_in("rep").await;
    let page = rep.get("/console/referrals").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(offered(&page.body).contains("referral.answer"), "{}", page.body);
    assert!(page.body.contains("АНО «Первая»"), "the NGO by name, not by id: {}", page.body);
    let prefix = "action=\"/console/referrals/";
    let at = page.body.find(prefix).expect("an answer form") + prefix.len();
    let id = page.body[at..].split('"').next().unwrap().to_owned();
    let token = form_token(&page.body);
    let path = format!("/console/referrals/{id}");
    let accepted = rep
        .post(
            &path,
            &[("version", "1"), ("step", "accept"), ("outcome", "Ждём"), ("form_token", &token)],
            Some("http://console.test"),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let after = rep.get("/console/referrals").await;
    assert!(after.body.contains("принято"), "{}", after.body);
    assert!(!after.body.contains("+79105551234"), "the contacts only behind the link: {}", after.body);
    let link = format!("/console/referrals?person={id}");
    assert!(after.body.contains(&link), "an open referral offers its person: {}", after.body);
    let read_before = w.system.audit.rows().iter().filter(|r| r.event.action == "referral.person").count();
    let shown = rep.get(&link).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Направленная Ирина") && shown.body.contains("+79105551234"), "{}", shown.body);
    let read_after = w.system.audit.rows().iter().filter(|r| r.event.action == "referral.person").count();
    assert_eq!(read_after, read_before + 1, "the view is recorded");
    let damaged = rep.get("/console/referrals?person=not-an-id").await;
    assert!(damaged.body.contains("Ссылка на человека повреждена"), "{}", damaged.body);
    let denied_before = w.system.audit.rows().iter().filter(|r| r.event.outcome == audit::Outcome::Denied).count();
    let foreign = rep.get(&format!("/console/referrals?person={}", uuid::Uuid::now_v7())).await;
    assert!(
        foreign.body.contains("Такого направления нет"),
        "an id not in the list is named missing: {}",
        foreign.body
    );
    let denied_after = w.system.audit.rows().iter().filter(|r| r.event.outcome == audit::Outcome::Denied).count();
    assert_eq!(denied_after, denied_before + 1, "the probe is recorded");
    let again = rep
        .post(&path, &[("version", "1"), ("step", "accept"), ("form_token", &token)], Some("http://console.test"))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a stale answer is refused");
    let mut other = Browser::new(&w.app);
    other.log_in("trainer").await;
    assert_eq!(other.get("/console/referrals").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_lawyer_keeps_a_case_on_its_card_and_a_stale_change_is_refused() {
    let w = world().await;
    let admin = admin_of(&w).await;
    let person = member_with_phone(&w, "Истцова", None).await;
    let desk = services_on_page(&w, &admin, person.id).await;
    let mut lawyer = Browser::new(&w.app);
    lawyer.log_in("lawyer").await;
    let list = lawyer.get("/console/cases").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Защита прав") && list.body.contains("просрочен"), "{}", list.body);
    let path = format!("/console/cases/{}", desk.case);
    let card = lawyer.get(&path).await;
    assert!(card.body.contains("Подать жалобу"), "{}", card.body);
    let token = form_token(&card.body);
    let (tab, at) = (lawyer.clone(), path.clone());
    let post = move |fields: Vec<(&'static str, String)>| {
        let mut lawyer = tab.clone();
        let (path, token) = (at.clone(), token.clone());
        async move {
            let mut form: Vec<(&str, String)> = fields;
            form.push(("form_token", token));
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            lawyer.post(&path, &form, Some("http://console.test")).await
        }
    };
    let hearing = post(vec![
        ("version", "2".into()),
        ("change", "hearing".into()),
        ("at", "2026-06-10T14:30".into()),
        ("place", "Калужский районный суд, зал 5".into()),
    ])
    .await;
    assert_eq!(hearing.status, StatusCode::SEE_OTHER, "{}", hearing.body);
    let met = post(vec![("version", "3".into()), ("change", "deadline_done".into()), ("index", "0".into())]).await;
    assert_eq!(met.status, StatusCode::SEE_OTHER, "{}", met.body);
    let stale = post(vec![("version", "3".into()), ("change", "close".into()), ("outcome", "Иск удовлетворён".into())]);
    assert_eq!(stale.await.status, StatusCode::CONFLICT, "a change made on an old version is refused");
    let no_place = post(vec![("version", "4".into()), ("change", "hearing".into()), ("at", "2026-06-11T10:00".into())]);
    let no_place = no_place.await;
    assert_eq!(no_place.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_place.body.contains("«Где»"), "the field by its label: {}", no_place.body);
    let bad_time = post(vec![("version", "4".into()), ("change", "hearing".into()), ("at", "завтра".into())]).await;
    assert_eq!(bad_time.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_time.body.contains("«Когда»"), "the field is named: {}", bad_time.body);
    let card = lawyer.get(&path).await;
    assert!(card.body.contains("10.06.2026 14:30") && card.body.contains("зал 5"), "Moscow time: {}", card.body);
    assert!(card.body.contains("выполнено 28.05.2026") && !card.body.contains("просрочен"), "{}", card.body);
    let closed =
        post(vec![("version", "4".into()), ("change", "close".into()), ("outcome", "Иск удовлетворён".into())]);
    assert_eq!(closed.await.status, StatusCode::SEE_OTHER);
    assert!(!lawyer.get("/console/cases").await.body.contains("Защита прав"), "closed cases leave the open list");
    assert!(lawyer.get("/console/cases?all=1").await.body.contains("Защита прав"), "all cases show closed ones");
    assert!(lawyer.get(&path).await.body.contains("Иск удовлетворён"), "the outcome is on the card");
    assert_eq!(lawyer.get("/console/cases?after=%00garbage").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(lawyer.get("/console/cases/not-a-case").await.status, StatusCode::NOT_FOUND);
    let mut trainer = Browser::new(&w.app);
    trainer.log_in("trainer").await;
    assert_eq!(trainer.get("/console/cases").await.status, StatusCode::FORBIDDEN);
    assert_eq!(trainer.get(&path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_coordinator_adds_changes_and_retires_a_catalogue_service_and_a_stale_change_is_refused() {
    let w = world().await;
    let mut coord = Browser::new(&w.app);
    coord.log_in("coord").await;
    let form = coord.get("/console/catalogue/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form_token(&form.body);
    let fields = |days: &'static str| {
        vec![
            ("version", "0"),
            ("code", "grant_clinic"),
            ("category", "training_consulting"),
            ("name_ru", "Грантовая клиника"),
            ("name_en", "Grant clinic"),
            ("description", "Разбор заявки на грант"),
            ("ngo", "yes"),
            ("unit", "consultation"),
            ("deadline_days", days),
            ("deadline_counting", "working"),
            ("responsible", "trainer"),
        ]
    };
    let tab = coord.clone();
    let post = move |fields: Vec<(&'static str, &'static str)>, path: String| {
        let (mut tab, token) = (tab.clone(), token.clone());
        async move {
            let mut form: Vec<(&str, &str)> = fields;
            form.push(("form_token", token.as_str()));
            tab.post(&path, &form, Some("http://console.test")).await
        }
    };
    let bad = post(fields("400"), "/console/catalogue/new".into()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("«Срок ответа, дней»") && bad.body.contains("Грантовая клиника"), "{}", bad.body);
    let added = post(fields("10"), "/console/catalogue/new".into()).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let list = coord.get("/console/catalogue").await;
    assert!(list.body.contains("Грантовая клиника") && list.body.contains("10 раб. дн."), "{}", list.body);
    let admin = admin_of(&w).await;
    let stored = w.system.services.catalog.catalogue(&admin).await.expect("the catalogue");
    let clinic = stored.iter().find(|s| s.code.as_str() == "grant_clinic").expect("added").clone();
    let path = format!("/console/catalogue/{}", clinic.id);
    let edit = coord.get(&path).await;
    assert!(edit.body.contains("value=\"grant_clinic\""), "the form holds the stored values: {}", edit.body);
    let mut renamed = fields("10");
    renamed[3] = ("name_ru", "Грантовая клиника НКО");
    renamed[0] = ("version", "1");
    assert_eq!(post(renamed.clone(), path.clone()).await.status, StatusCode::SEE_OTHER);
    let stale = post(renamed, path.clone()).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a change on version 1 again is stale");
    assert!(stale.body.contains("Грантовая клиника НКО"), "the form keeps what was typed: {}", stale.body);
    let taken = post(fields("10"), "/console/catalogue/new".into()).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(taken.body.contains("grant_clinic") && taken.body.contains("Грантовая клиника"), "{}", taken.body);
    let retire = post(vec![("version", "2")], format!("{path}/retire")).await;
    assert_eq!(retire.status, StatusCode::SEE_OTHER, "{}", retire.body);
    let after = w.system.services.catalog.catalogue_service(&admin, clinic.id).await.expect("stays in the catalogue");
    assert!(after.retired_on.is_some() && after.name_ru == "Грантовая клиника НКО", "{after:?}");
    let mut trainer = Browser::new(&w.app);
    trainer.log_in("trainer").await;
    assert_eq!(trainer.get("/console/catalogue").await.status, StatusCode::OK, "the catalogue is open to read");
    assert_eq!(trainer.get("/console/catalogue/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(coord.get("/console/catalogue/not-an-id").await.status, StatusCode::NOT_FOUND);
}
