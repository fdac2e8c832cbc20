//! The console in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`)
//! driven over WebDriver by fantoccini, against a gateway on loopback over a real SQLite file.
//!
//! Each test starts its own chromedriver and browser and ends them, whatever the outcome. When
//! chromedriver is not installed the tests say so and pass, unless `NKO_REQUIRE_BROWSER` is set
//! (CI sets it, and `.ci/run` installs the browser). With `NKO_SCREENSHOTS_DIR` set, the tests
//! also write screenshots of the pages they visit at desktop and phone widths:
//!
//! ```sh
//! NKO_SCREENSHOTS_DIR=docs/screenshots cargo test -p tests browser::
//! ```

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use access::Assignment;
use fantoccini::{Client, ClientBuilder, Locator};
use kernel::Role;
use registry::input::OrganizationInput;
use registry::testing::fixtures::inn_number;
use serde_json::json;

use crate::support::{TempDir, TestGateway};

const PASSWORD: &str = "a browser user's password";

/// A chromedriver of this test, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free loopback port, or says why there is none (a failure when the
/// browser is required).
async fn driver() -> Option<Driver> {
    let binary =
        std::env::var_os("NKO_CHROMEDRIVER").map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    if !binary.exists() {
        assert!(
            std::env::var_os("NKO_REQUIRE_BROWSER").is_none(),
            "NKO_REQUIRE_BROWSER is set but {} is missing: apt-get install chromium chromium-driver",
            binary.display()
        );
        eprintln!("browser tests skipped: {} is missing (apt-get install chromium chromium-driver)", binary.display());
        return None;
    }
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("an address").port();
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not listen on port {port} within 5 s");
}

/// A fresh headless Chromium asking for Russian pages, in a profile folder of its own.
async fn browser(driver: &Driver, profile: &TempDir) -> Client {
    let binary = std::env::var("NKO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--lang=ru-RU", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.0.display()),
            ],
            "prefs": { "intl.accept_languages": "ru-RU,ru" },
        },
    });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!("an object") };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

/// Runs a story in a browser and ends the browser, then the story's panic if it failed.
async fn in_browser<F, Fut>(gw: &TestGateway, story: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Some(driver) = driver().await else { return };
    let profile = TempDir(gw.dir.0.join("chromium-profile"));
    let client = browser(&driver, &profile).await;
    let outcome = tokio::spawn(story(client.clone(), gw.base.clone())).await;
    let _ = client.close().await;
    if let Err(failed) = outcome {
        std::panic::resume_unwind(failed.into_panic());
    }
}

/// The visible text of the page's main part.
async fn main_text(client: &Client) -> String {
    client.find(Locator::Css("main")).await.expect("a main element").text().await.expect("its text")
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.expect("cleared");
    field.send_keys(text).await.expect("typed");
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.expect("clicked");
}

/// Clicks a button or link that loads another page, and waits until the page it was on is gone.
async fn click_through(client: &Client, css: &str) {
    let before = client.find(Locator::Css("html")).await.expect("a page");
    click(client, css).await;
    for _ in 0..200 {
        if before.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("clicking {css} did not load a page within 5 s");
}

async fn log_in(client: &Client, base: &str, login: &str) {
    client.goto(&format!("{base}/console/login")).await.expect("the login page");
    fill(client, "#login", login).await;
    fill(client, "#password", PASSWORD).await;
    click_through(client, "form.login button[type=submit]").await;
    let url = client.current_url().await.expect("a URL");
    assert!(url.path().starts_with("/console/organizations"), "logged in as {login}: {url}");
}

/// Screenshots of the current page at desktop and phone widths, when asked for.
async fn shoot(client: &Client, name: &str) {
    let Some(dir) = std::env::var_os("NKO_SCREENSHOTS_DIR") else { return };
    // A relative folder is taken from the workspace's root, where the command is run.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    for (width, height, suffix) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.expect("resized");
        let png = client.screenshot().await.expect("a screenshot");
        std::fs::write(dir.join(format!("{name}-{suffix}.png")), png).expect("written");
    }
    client.set_window_size(1280, 900).await.expect("resized back");
}

/// Adds an account with the browser users' password.
async fn account(gw: &TestGateway, login: &str, assignment: Assignment) {
    let admin = gw.admin_actor().await;
    gw.system.services.access.add_account(&admin, login, &assignment, PASSWORD).await.expect("an account");
}

async fn organization(gw: &TestGateway, name: &str, n: u32) -> registry::model::Organization {
    let admin = gw.admin_actor().await;
    let input = OrganizationInput {
        full_name: name.into(),
        legal_form: "ano".into(),
        inn: Some(inn_number(n)),
        ..Default::default()
    };
    gw.system.services.registry.create_organization(&admin, &input).await.expect("an organisation")
}

#[tokio::test]
async fn a_coordinator_finds_and_edits_an_organisation_and_a_second_tabs_stale_edit_is_refused() {
    let gw = TestGateway::start().await;
    account(&gw, "coord", Assignment::role(Role::Coordinator)).await;
    let org = organization(&gw, "АНО «Браузерная»", 21).await;
    organization(&gw, "Фонд «Другой»", 22).await;
    in_browser(&gw, move |client, base| async move {
        client.goto(&format!("{base}/console/organizations")).await.expect("a page");
        assert!(
            client.current_url().await.expect("a URL").path().starts_with("/console/login"),
            "sent to log in first"
        );
        shoot(&client, "login").await;
        log_in(&client, &base, "coord").await;
        fill(&client, "#q", "Браузерная").await;
        click_through(&client, "form.filters button[type=submit]").await;
        let found = main_text(&client).await;
        assert!(found.contains("АНО «Браузерная»") && !found.contains("Фонд «Другой»"), "{found}");
        shoot(&client, "organizations").await;
        click_through(&client, &format!("a[href='/console/organizations/{}']", org.id)).await;
        shoot(&client, "organization-card").await;
        click_through(&client, "a.button[data-action='organization.write']").await;
        let edit_url = client.current_url().await.expect("a URL").to_string();
        assert!(edit_url.ends_with(&format!("/console/organizations/{}/edit", org.id)), "{edit_url}");
        shoot(&client, "organization-edit").await;

        let first_tab = client.window().await.expect("this tab");
        let second_tab = client.new_window(true).await.expect("a second tab").handle;
        client.switch_to_window(second_tab.clone()).await.expect("to the second tab");
        client.goto(&edit_url).await.expect("the same form in the second tab");
        client.switch_to_window(first_tab).await.expect("back to the first tab");
        fill(&client, "#website", "https://browser.example").await;
        click_through(&client, "form.edit button[type=submit]").await;
        assert!(main_text(&client).await.contains("Изменения сохранены."), "the first tab saves");

        client.switch_to_window(second_tab).await.expect("to the second tab");
        fill(&client, "#shortName", "Браузерная").await;
        click_through(&client, "form.edit button[type=submit]").await;
        let refused = main_text(&client).await;
        assert!(
            refused.contains("Не сохранено: пока вы редактировали, запись изменили: вы сами в другой вкладке"),
            "{refused}"
        );
        assert!(
            refused.contains("Сайт") && refused.contains("https://browser.example"),
            "says what changed: {refused}"
        );
        shoot(&client, "organization-stale-edit").await;
    })
    .await;
    let admin = gw.admin_actor().await;
    let stored = gw.system.services.registry.organization(&admin, org.id).await.expect("read").expect("exists");
    assert_eq!(stored.version, 2, "only the first tab's edit was written");
    assert!(stored.profile.short_name.is_none(), "the stale tab wrote nothing");
}

#[tokio::test]
async fn a_representative_sees_only_their_organisation_in_the_browser() {
    let gw = TestGateway::start().await;
    let own = organization(&gw, "АНО «Своя»", 31).await;
    let other = organization(&gw, "АНО «Чужая»", 32).await;
    account(&gw, "rep", Assignment { role: Role::NgoRepresentative, organization: Some(own.id), person: None }).await;
    in_browser(&gw, move |client, base| async move {
        log_in(&client, &base, "rep").await;
        let list = main_text(&client).await;
        assert!(list.contains("АНО «Своя»") && !list.contains("АНО «Чужая»"), "{list}");
        let header = client.find(Locator::Css("header")).await.expect("a header").text().await.expect("text");
        assert!(!header.contains("Импорт"), "no import for a representative: {header}");
        client.goto(&format!("{base}/console/organizations/{}", other.id)).await.expect("a page");
        let missing = main_text(&client).await;
        assert!(
            missing.contains("Такой записи нет или она вам недоступна") && !missing.contains("АНО «Чужая»"),
            "{missing}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_csv_with_one_bad_line_is_named_in_the_browser_before_anything_is_written() {
    let gw = TestGateway::start().await;
    account(&gw, "coord", Assignment::role(Role::Coordinator)).await;
    let file = gw.dir.0.join("organisations.csv");
    let rows = format!(
        "full_name;legal_form;inn\nАНО «Первая из файла»;ano;{}\nАНО «Кривая»;ano;1234567890\nАНО «Третья из файла»;ano;{}\n",
        inn_number(41),
        inn_number(43)
    );
    std::fs::write(&file, rows).expect("the file");
    in_browser(&gw, move |client, base| async move {
        log_in(&client, &base, "coord").await;
        client.goto(&format!("{base}/console/import")).await.expect("the import page");
        client
            .find(Locator::Css("#file"))
            .await
            .expect("a file field")
            .send_keys(&file.display().to_string())
            .await
            .expect("chosen");
        click_through(&client, "form.edit button[type=submit]").await;
        let checked = main_text(&client).await;
        assert!(checked.contains("Ничего не записано"), "{checked}");
        let rows = client.find_all(Locator::Css("tr.error-row")).await.expect("rows");
        assert_eq!(rows.len(), 1, "one bad line");
        let row = rows[0].text().await.expect("text");
        assert!(row.starts_with("3 inn"), "line 3, column inn: {row}");
        shoot(&client, "import-errors").await;
    })
    .await;
    let admin = gw.admin_actor().await;
    let filter = registry::ports::OrganizationFilter::default();
    let page = kernel::PageRequest::new(10, None).expect("a page");
    let found = gw
        .system
        .services
        .registry
        .organizations(&admin, &filter, registry::ports::OrganizationOrder::NameAsc, page)
        .await
        .expect("a page");
    assert!(found.items.is_empty(), "nothing of the file was written");
}

#[tokio::test]
async fn the_public_directory_in_the_browser_shows_a_consented_contact_and_hides_a_withdrawn_one() {
    let gw = TestGateway::start().await;
    let org = organization(&gw, "АНО «Открытая дверь»", 51).await;
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: None,
    };
    let mut consents = Vec::new();
    for (last, phone) in [("Согласная", "+7 900 333-33-33"), ("Отозвавшая", "+7 900 444-44-44")] {
        let input = registry::input::PersonInput {
            last_name: last.into(),
            first_name: "Вера".into(),
            phones: vec![phone.into()],
            ..Default::default()
        };
        let person = registry.add_person(&admin, &input, &basis).await.expect("a person");
        registry.add_membership(&admin, person.id, org.id, "директор", None).await.expect("a membership");
        let consent = privacy::NewConsent {
            subject: person.id,
            kind: privacy::ConsentKind::Distribution,
            purpose: "public_directory".into(),
            categories: vec!["name".into(), "position".into(), "phone".into()],
            document: format!("Согласие {last}"),
            recipient: None,
        };
        consents.push(gw.system.services.privacy.record_consent(&admin, consent).await.expect("a consent"));
    }
    gw.system.services.privacy.withdraw_consent(&admin, consents[1].id).await.expect("withdrawn");
    in_browser(&gw, move |client, base| async move {
        client.goto(&format!("{base}/")).await.expect("the directory");
        shoot(&client, "directory").await;
        click_through(&client, &format!("a[href='/directory/{}']", org.id)).await;
        let card = main_text(&client).await;
        assert!(card.contains("Согласная Вера") && card.contains("+79003333333"), "{card}");
        assert!(!card.contains("Отозвавшая") && !card.contains("+79004444444"), "{card}");
        shoot(&client, "directory-card").await;
    })
    .await;
}

#[tokio::test]
async fn an_administrator_works_through_people_requests_accounts_and_the_audit_log_in_the_browser() {
    let gw = TestGateway::start().await;
    account(&gw, "chief", Assignment::role(Role::Admin)).await;
    let org = organization(&gw, "АНО «Журнальная»", 61).await;
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт членов".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: Some("Согласие №5".into()),
    };
    let input =
        registry::input::PersonInput {
            last_name: "Петрова".into(), first_name: "Анна".into(), ..Default::default()
        };
    let person = registry.add_person(&admin, &input, &basis).await.expect("a person");
    registry.add_membership(&admin, person.id, org.id, "председатель", None).await.expect("a membership");
    in_browser(&gw, move |client, base| async move {
        log_in(&client, &base, "chief").await;
        client.goto(&format!("{base}/console/people/{}", person.id)).await.expect("the card");
        assert!(main_text(&client).await.contains("Согласие №5"), "the legal basis is shown");
        click(&client, "details.more summary").await;
        fill(&client, "#purpose", "public_directory").await;
        click(&client, "input[name=categories][value=name]").await;
        fill(&client, "#document", "Р-11 от 01.12.2026").await;
        click_through(&client, "form.edit button[data-action='consent.manage']").await;
        let card = main_text(&client).await;
        assert!(card.contains("Согласие записано.") && card.contains("Р-11 от 01.12.2026"), "{card}");
        shoot(&client, "person-card").await;
        click_through(&client, "button[data-action='privacy.subject_request']").await;
        client.goto(&format!("{base}/console/requests")).await.expect("the requests");
        let requests = main_text(&client).await;
        assert!(requests.contains("Петрова Анна") && requests.contains("Ответить до"), "{requests}");
        shoot(&client, "subject-requests").await;
        client.goto(&format!("{base}/console/accounts")).await.expect("the accounts");
        assert!(main_text(&client).await.contains("chief"));
        shoot(&client, "accounts").await;
        client.goto(&format!("{base}/console/audit")).await.expect("the log");
        click_through(&client, "form.inline button[data-action='audit.read']").await;
        let log = main_text(&client).await;
        assert!(log.contains("Журнал цел: проверено записей"), "{log}");
        shoot(&client, "audit-log").await;
    })
    .await;
}

#[tokio::test]
async fn a_citizen_finds_a_service_and_sends_an_appeal_and_the_desk_takes_it_through_in_the_browser() {
    let gw = TestGateway::start().await;
    let org = organization(&gw, "АНО «Тёплый дом»", 61).await;
    let admin = gw.admin_actor().await;
    let service = services_catalog::service::DirectoryInput {
        provider: Some(org.id),
        name: "Ночлег и горячее питание".into(),
        description: "Койко-место, ужин и завтрак".into(),
        needs: vec!["homelessness".into()],
        municipalities: vec!["kaluga_city".into()],
        cost: "free".into(),
        pathway: vec![services_catalog::service::PathwayStepInput {
            title: "Прийти в пункт приёма".into(),
            who: "Человек".into(),
            documents: Vec::new(),
            expected_days: 0,
        }],
        ..Default::default()
    };
    gw.system.services.catalog.add_service(&admin, &service).await.expect("a service");
    account(&gw, "desk", Assignment::role(Role::Coordinator)).await;
    in_browser(&gw, move |client, base| async move {
        client.goto(&format!("{base}/services?need=homelessness")).await.expect("the finder");
        let found = main_text(&client).await;
        assert!(found.contains("Ночлег и горячее питание") && found.contains("Прийти в пункт приёма"), "{found}");
        shoot(&client, "service-finder").await;
        client.goto(&format!("{base}/appeal")).await.expect("the appeal form");
        fill(&client, "#name", "Иванова Анна Петровна").await;
        fill(&client, "#email", "anna@example.ru").await;
        fill(&client, "#topic", "Нужен ночлег").await;
        fill(&client, "#text", "Осталась без жилья, прошу помочь").await;
        click(&client, "#consent").await;
        shoot(&client, "appeal-form").await;
        click_through(&client, "form.card button[type=submit]").await;
        let receipt = main_text(&client).await;
        assert!(receipt.contains("Обращение зарегистрировано") && receipt.contains("-00001"), "{receipt}");
        shoot(&client, "appeal-receipt").await;

        log_in(&client, &base, "desk").await;
        client.goto(&format!("{base}/console/desk?queue=unassigned")).await.expect("the desk");
        let desk = main_text(&client).await;
        assert!(desk.contains("Нужен ночлег") && desk.contains("зарегистрировано"), "{desk}");
        shoot(&client, "request-desk").await;
        click_through(&client, "table.list a").await;
        click_through(&client, "section.steps form:nth-of-type(1) button").await;
        let card = main_text(&client).await;
        assert!(card.contains("Сохранено") && card.contains("назначено"), "taken by the coordinator: {card}");
        shoot(&client, "request-card").await;
        client
            .goto(&format!("{base}/console/dispatch?need=homelessness&municipality=kaluga_city"))
            .await
            .expect("dispatch");
        let ranked = main_text(&client).await;
        assert!(
            ranked.contains("Ночлег и горячее питание") && ranked.contains("работает в муниципалитете человека"),
            "{ranked}"
        );
        shoot(&client, "dispatch").await;
    })
    .await;
}

#[tokio::test]
async fn an_ngo_sees_whom_it_was_sent_and_a_lawyer_keeps_a_case_in_the_browser() {
    use services_catalog::service::{CaseChange, CaseInput, DirectoryInput};
    let gw = TestGateway::start().await;
    let org = organization(&gw, "АНО «Приют»", 71).await;
    let admin = gw.admin_actor().await;
    let services = &gw.system.services;
    let shelter = DirectoryInput {
        provider: Some(org.id),
        name: "Ночлег".into(),
        description: "Койко-место".into(),
        needs: vec!["homelessness".into()],
        cost: "free".into(),
        ..Default::default()
    };
    let shelter = services.catalog.add_service(&admin, &shelter).await.expect("a service");
    let (request, _) =
        crate::support::referral(&gw, org.id, shelter.id, "Направленова", Some("+7 910 700-70-70")).await;
    let case =
        CaseInput { subject: "Восстановление регистрации".into(), ..Default::default() };
    let case = services.catalog.open_case(&admin, request, &case).await.expect("a case");
    let deadline = CaseChange::AddDeadline {
        due_on: registry::testing::fixtures::day(2027, 1, 20),
        what: "Подать заявление в МФЦ".into(),
    };
    services.catalog.change_case(&admin, case.id, 1, &deadline).await.expect("a deadline");
    account(&gw, "shelter", Assignment { role: Role::NgoRepresentative, organization: Some(org.id), person: None })
        .await;
    account(&gw, "jurist", Assignment::role(Role::Lawyer)).await;
    in_browser(&gw, move |client, base| async move {
        log_in(&client, &base, "shelter").await;
        client.goto(&format!("{base}/console/referrals")).await.expect("the referrals");
        let list = main_text(&client).await;
        assert!(!list.contains("+79107007070"), "no contacts before the link: {list}");
        click_through(&client, "a[data-action='referral.person']").await;
        let shown = main_text(&client).await;
        assert!(shown.contains("Направленова Анна") && shown.contains("+79107007070"), "{shown}");
        shoot(&client, "referral-person").await;
        click_through(&client, "form.logout button").await;

        log_in(&client, &base, "jurist").await;
        client.goto(&format!("{base}/console/cases")).await.expect("the cases");
        let cases = main_text(&client).await;
        assert!(cases.contains("Восстановление регистрации") && cases.contains("Подать заявление в МФЦ"), "{cases}");
        shoot(&client, "cases").await;
        click_through(&client, "article.request h2 a").await;
        client.execute("document.getElementById('at').value = '2027-01-12T10:00'", vec![]).await.expect("a time typed");
        fill(&client, "#place", "Калужский районный суд").await;
        click_through(&client, "section[aria-labelledby=hearings] form button").await;
        let card = main_text(&client).await;
        assert!(card.contains("Изменение записано") && card.contains("12.01.2027 10:00"), "{card}");
        shoot(&client, "case-card").await;
    })
    .await;
}
