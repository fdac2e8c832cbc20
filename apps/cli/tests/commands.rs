//! The `nko` commands on a real SQLite file: migrations, seeding, imports with their error
//! reports, idempotent re-runs, exports and accounts.

#[path = "commands/services.rs"]
mod services;

use clap::Parser;
use registry::testing::fixtures::{inn_number, ogrn_number};
use storage::testing::TempSqlite;

pub(crate) struct Env {
    url: String,
    _sqlite: Option<TempSqlite>,
    dir: std::path::PathBuf,
}

impl Env {
    async fn new() -> Self {
        let sqlite = TempSqlite::new();
        Self::on(sqlite.url(), Some(sqlite)).await
    }

    /// The same commands on a fresh PostgreSQL database, when one is configured.
    async fn postgres(test: &str) -> Option<Self> {
        let url = storage::testing::postgres_url(test).await?;
        Some(Self::on(url, None).await)
    }

    async fn on(url: String, sqlite: Option<TempSqlite>) -> Self {
        let env = Self { url, _sqlite: sqlite, dir: std::env::temp_dir().join(format!("nko-cli-{}", uuid_like())) };
        std::fs::create_dir_all(&env.dir).unwrap();
        env.ok(&["migrate", "up"]).await;
        env.run_as(None, &["account", "add", "--login", "admin", "--role", "admin", "--password", ADMIN_PASSWORD])
            .await
            .0
            .expect("the first admin is created without --as");
        env.ok(&["seed"]).await;
        env
    }

    /// Runs a command as the administrator.
    async fn run(&self, args: &[&str]) -> (anyhow::Result<()>, String) {
        self.run_as(Some("admin"), args).await
    }

    /// Runs a command as `operator` (or with no operator).
    async fn run_as(&self, operator: Option<&str>, args: &[&str]) -> (anyhow::Result<()>, String) {
        let data_dir = self.dir.display().to_string();
        let mut argv = vec!["nko", "--database-url", &self.url, "--data-dir", &data_dir];
        if let Some(login) = operator {
            argv.extend(["--as", login]);
        }
        argv.extend_from_slice(args);
        let cli = cli::Cli::try_parse_from(argv).expect("valid arguments");
        let mut out = Vec::new();
        let result = cli::run(cli, &mut out).await;
        (result, String::from_utf8(out).unwrap())
    }

    async fn ok(&self, args: &[&str]) -> String {
        let (result, out) = self.run(args).await;
        result.unwrap_or_else(|e| panic!("{args:?} failed: {e:#}\n{out}"));
        out
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    /// The system as another process on the same data (the gateway beside the CLI), and the
    /// administrator as an actor of it.
    async fn open_as_admin(&self) -> (system::bootstrap::System, kernel::Actor) {
        let settings = system::Settings {
            data_dir: self.dir.clone(),
            database_url: Some(self.url.clone()),
            profile: None,
            catalogue: None,
            permissions: None,
            audit_key_file: None,
        };
        let system = system::bootstrap::open_existing(&settings).await.unwrap();
        let account = system.services.access.operator("admin").await.unwrap();
        let admin = access::actor_of(&account, kernel::Channel::Cli, "test");
        (system, admin)
    }

    async fn export(&self) -> String {
        self.ok(&["export", "organizations", "--format", "csv"]).await
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const ADMIN_PASSWORD: &str = "the administrator's password";

fn uuid_like() -> String {
    format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

pub(crate) fn csv_rows(range: std::ops::Range<u32>) -> String {
    let mut text = String::from("full_name;legal_form;inn;ogrn;municipality;activity_areas;phones;in_sonko_register\n");
    for n in range {
        text.push_str(&format!(
            "АНО \"Помощь {n}\";ano;{};{};kaluga_city;charity_volunteering|education_culture_health_sport;8 (4842) 00-00-{:02};да\n",
            inn_number(n),
            ogrn_number(n),
            n % 100
        ));
    }
    text
}

#[tokio::test]
async fn migrate_status_lists_every_applied_migration() {
    let env = Env::new().await;
    let out = env.ok(&["migrate", "status"]).await;
    assert_eq!(out.lines().filter(|l| l.starts_with("applied")).count(), 9, "{out}");
    assert!(!out.contains("pending"));
}

async fn check_importing_twice(env: &Env) {
    let file = env.file("orgs.csv", csv_rows(0..30).as_bytes());
    let first = env.ok(&["import", "organizations", &file]).await;
    assert!(first.contains("inserted 30, updated 0, unchanged 0, rejected 0"), "{first}");
    let before = env.export().await;
    let second = env.ok(&["import", "organizations", &file]).await;
    assert!(second.contains("inserted 0, updated 0, unchanged 30, rejected 0"), "{second}");
    assert_eq!(env.export().await, before);
}

#[tokio::test]
async fn importing_the_same_file_twice_inserts_once_and_then_changes_nothing() {
    check_importing_twice(&Env::new().await).await;
}

#[tokio::test]
async fn importing_the_same_file_twice_on_postgres_inserts_once_and_then_changes_nothing() {
    let test = "importing_the_same_file_twice_on_postgres_inserts_once_and_then_changes_nothing";
    let Some(env) = Env::postgres(test).await else { return };
    check_importing_twice(&env).await;
    // A larger file goes through COPY in several batches, and an update goes through the other path.
    let file = env.file("more.csv", csv_rows(0..2500).as_bytes());
    let out = env.ok(&["import", "organizations", &file]).await;
    assert!(out.contains("inserted 2470, updated 0, unchanged 30"), "{out}");
    // A hand-made file (no version column) changes an existing organisation only on purpose.
    let changed = csv_rows(0..2500).replacen("kaluga_city", "obninsk_city", 1);
    let changed = env.file("changed.csv", changed.as_bytes());
    let (refused, out) = env.run(&["import", "organizations", &changed]).await;
    assert!(refused.is_err() && out.contains("строка 2, столбец version: нет версии"), "{out}");
    let out = env.ok(&["import", "organizations", "--overwrite-newer", &changed]).await;
    assert!(out.contains("inserted 0, updated 1, unchanged 2499"), "{out}");
    assert_eq!(env.export().await.lines().count(), 2501);
}

#[tokio::test]
async fn a_windows_1251_file_imports_like_its_utf8_twin() {
    let env = Env::new().await;
    let utf8 = csv_rows(0..5);
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&utf8);
    let file = env.file("orgs-1251.csv", &cp1251);
    let out = env.ok(&["import", "organizations", &file]).await;
    assert!(out.contains("inserted 5"), "{out}");
    assert!(env.export().await.contains("АНО «Помощь 3»"));
}

#[tokio::test]
async fn a_bad_file_is_reported_line_by_line_and_leaves_the_database_as_it_was() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("good.csv", csv_rows(0..3).as_bytes())]).await;
    let before = env.export().await;

    // A bad INN on line 3 and line 5 repeating line 2.
    let mut text = csv_rows(10..14);
    text = text.replacen(&inn_number(11), "7707083890", 1);
    let repeated = text.lines().nth(1).unwrap().to_owned();
    text.push_str(&repeated);
    text.push('\n');
    let (result, out) = env.run(&["import", "organizations", &env.file("bad.csv", text.as_bytes())]).await;
    assert!(result.is_err());
    assert!(out.contains("строка 3, столбец inn: контрольная цифра ИНН не сходится"), "{out}");
    assert!(out.contains("строка 6, столбец inn: повторяет строку 2"), "{out}");
    assert_eq!(env.export().await, before, "nothing was written");

    // A missing column.
    let (result, out) =
        env.run(&["import", "organizations", &env.file("nocol.csv", "full_name;inn\nА;7707083893\n".as_bytes())]).await;
    assert!(result.is_err());
    assert!(out.contains("строка 1, столбец legal_form: нет обязательного столбца"), "{out}");

    // A file whose lines are in two encodings.
    let mut mixed = csv_rows(20..22).into_bytes();
    mixed.extend_from_slice(
        &encoding_rs::WINDOWS_1251.encode(&format!("{}\n", csv_rows(22..23).lines().nth(1).unwrap())).0,
    );
    let (result, out) = env.run(&["import", "organizations", &env.file("mixed.csv", &mixed)]).await;
    assert!(result.is_err());
    assert!(out.contains("строка 4: строка не в кодировке UTF-8"), "{out}");
    assert_eq!(env.export().await, before, "nothing was written");

    // With --skip-invalid the valid rows go in and the bad ones are still reported.
    let out = env.ok(&["import", "organizations", "--skip-invalid", &env.file("bad2.csv", text.as_bytes())]).await;
    assert!(out.contains("inserted 3, updated 0, unchanged 0, rejected 2"), "{out}");
}

#[tokio::test]
async fn a_dry_run_reports_but_writes_nothing() {
    let env = Env::new().await;
    let out = env.ok(&["import", "organizations", "--dry-run", &env.file("orgs.csv", csv_rows(0..4).as_bytes())]).await;
    assert!(out.contains("inserted 4"), "{out}");
    assert_eq!(env.export().await.lines().count(), 1, "only the header");
}

/// A count read with a raw query (`SELECT CAST(COUNT(*) AS TEXT) ...`), as someone looking at the
/// database would.
async fn count(db: &storage::Database, sql: &str) -> usize {
    storage::testing::query_strings(db, sql).await[0].parse().expect("a count")
}

const ORGANIZATIONS: &str = "SELECT CAST(COUNT(*) AS TEXT) FROM organizations";
const IMPORT_BATCHES: &str =
    "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'organization.import' AND detail LIKE 'batch:%'";

#[tokio::test]
async fn an_import_killed_after_its_first_batch_and_run_again_ends_like_one_clean_run() {
    use std::os::unix::process::ExitStatusExt as _;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    const ROWS: usize = 12_500;
    let batch = cli::commands::import::BATCH;
    let crashed = Env::new().await;
    let all = csv_rows(0..ROWS as u32);
    let file = crashed.file("all.csv", all.as_bytes());
    let db = storage::Database::connect(&crashed.url).await.unwrap();
    let dir = crashed.dir.display().to_string();
    let mut nko = Command::new(env!("CARGO_BIN_EXE_nko"))
        .args(["--data-dir", &dir, "--database-url", &crashed.url, "--as", "admin", "import", "organizations", &file])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nko");
    // Kill it as soon as anything is committed: its first batch.
    let started = Instant::now();
    let seen = loop {
        let rows = count(&db, ORGANIZATIONS).await;
        if rows > 0 {
            nko.kill().expect("SIGKILL");
            break rows;
        }
        assert!(nko.try_wait().unwrap().is_none(), "nko ended before a batch was committed");
        assert!(started.elapsed() < Duration::from_secs(300), "no batch was committed in five minutes");
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let status = nko.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "nko was killed, it did not finish: {status:?}");

    // Only whole batches are there, each with its audit row.
    let left = count(&db, ORGANIZATIONS).await;
    assert!(left >= seen.max(batch) && left < ROWS, "killed half-way: {left} of {ROWS} rows");
    assert_eq!(left % batch, 0, "only whole batches of {batch}: {left} rows");
    let batches = count(&db, IMPORT_BATCHES).await;
    assert_eq!(batches, left / batch, "one audit row per committed batch");
    db.close().await.unwrap();

    // A re-run completes the import without duplicates, and ends like one clean run.
    let rerun = crashed.ok(&["import", "organizations", &file]).await;
    let expected = format!("inserted {}, updated 0, unchanged {left}, rejected 0", ROWS - left);
    assert!(rerun.contains(&expected), "{rerun}");
    let clean = Env::new().await;
    clean.ok(&["import", "organizations", &clean.file("all.csv", all.as_bytes())]).await;
    let sorted = |text: String| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    let crashed_export = sorted(crashed.export().await);
    assert_eq!(crashed_export.len(), ROWS + 1, "no duplicates");
    assert_eq!(crashed_export, sorted(clean.export().await));
}

/// Edits the organisation with the `n`-th sample ИНН through the registry's use case (as the API
/// does): its version goes up by one. Returns the new municipality.
async fn edit_through_the_use_case(env: &Env, n: u32) -> &'static str {
    let (system, admin) = env.open_as_admin().await;
    let registry = &system.services.registry;
    let page = registry
        .organizations(
            &admin,
            &Default::default(),
            registry::ports::OrganizationOrder::CreatedAsc,
            kernel::PageRequest::new(100, None).unwrap(),
        )
        .await
        .unwrap();
    let org =
        page.items.into_iter().find(|o| o.profile.inn.as_ref().is_some_and(|i| i.as_str() == inn_number(n))).unwrap();
    let input = registry::input::OrganizationInput {
        full_name: org.profile.full_name.to_string(),
        legal_form: org.profile.legal_form.to_string(),
        inn: org.profile.inn.as_ref().map(ToString::to_string),
        ogrn: org.profile.ogrn.as_ref().map(ToString::to_string),
        municipality: Some("borovsky".into()),
        ..Default::default()
    };
    let edited = registry.update_organization(&admin, org.id, org.version, &input).await.unwrap();
    assert_eq!(edited.version, org.version + 1);
    "borovsky"
}

async fn check_an_old_export_does_not_undo_a_newer_edit(env: &Env) {
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..3).as_bytes())]).await;
    let old_export = env.export().await;
    let old_file = env.file("old-export.csv", old_export.as_bytes());
    let line = 1 + old_export.lines().position(|l| l.contains(&inn_number(1))).unwrap();
    let municipality = edit_through_the_use_case(env, 1).await;
    let edited = env.export().await;
    assert!(edited.contains(municipality));

    let (refused, out) = env.run(&["import", "organizations", &old_file]).await;
    assert!(refused.is_err(), "the import exits non-zero: {out}");
    assert!(out.contains(&format!("строка {line}, столбец version: «1» — в реестре уже версия 2")), "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("строка")).count(), 1, "only the edited row: {out}");
    assert_eq!(env.export().await, edited, "nothing was written, the edit is kept");

    let out = env.ok(&["import", "organizations", "--overwrite-newer", &old_file]).await;
    assert!(out.contains("inserted 0, updated 1, unchanged 2, rejected 0"), "{out}");
    let now = env.export().await;
    assert!(!now.contains(municipality), "the old values are back: {now}");
    let audit = env.ok(&["audit", "list", "--action", "organization.import"]).await;
    let overwrite = audit.lines().find(|l| l.contains("--overwrite-newer")).unwrap_or_else(|| panic!("{audit}"));
    assert!(
        overwrite.contains("1 overwritten") && overwrite.contains("version 1 in the file, 2 stored"),
        "{overwrite}"
    );
}

#[tokio::test]
async fn importing_an_export_older_than_an_edit_is_refused_unless_overwriting_newer_is_asked_for() {
    check_an_old_export_does_not_undo_a_newer_edit(&Env::new().await).await;
}

#[tokio::test]
async fn importing_an_export_older_than_an_edit_on_postgres_is_refused_unless_overwriting_newer_is_asked_for() {
    let Some(env) = Env::postgres(
        "importing_an_export_older_than_an_edit_on_postgres_is_refused_unless_overwriting_newer_is_asked_for",
    )
    .await
    else {
        return;
    };
    check_an_old_export_does_not_undo_a_newer_edit(&env).await;
}

#[tokio::test]
async fn formulas_in_e_mails_and_phones_are_neutralised_and_an_export_imports_back_to_the_same_values() {
    let env = Env::new().await;
    // A formula that is still a valid address (quotes and brackets are not: see `Email`).
    let hyperlink = "=2+5*a@evil.example";
    let text = format!(
        "full_name;legal_form;inn;emails;phones;legal_address\n\"''=1 Фонд\";fund;{};\"{}|-1+1@x.y\";+7 900 000-00-00;\"''@адрес\"\n",
        inn_number(1),
        hyperlink.replace('"', "\"\"")
    );
    env.ok(&["import", "organizations", &env.file("orgs.csv", text.as_bytes())]).await;
    let export = env.export().await;
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    for record in reader.records() {
        for cell in &record.unwrap() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a cell starts a formula: {cell:?}");
        }
    }
    assert!(export.contains("'+79000000000"), "{export}");
    assert!(export.contains("\n''=1 Фонд,"), "a stored apostrophe gets one more: {export}");
    // Importing the export changes nothing, and an export of the import is the same file.
    let out = env.ok(&["import", "organizations", &env.file("export.csv", export.as_bytes())]).await;
    assert!(out.contains("inserted 0, updated 0, unchanged 1"), "{out}");
    let target = Env::new().await;
    target.ok(&["import", "organizations", &target.file("export.csv", export.as_bytes())]).await;
    assert_eq!(target.export().await, export);
    let json = env.ok(&["export", "organizations", "--format", "json"]).await;
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let stored = format!("-1+1@x.y|{}", hyperlink.to_lowercase());
    assert_eq!(parsed[0]["emails"], stored, "JSON carries the stored values");
    assert_eq!(parsed[0]["full_name"], "'=1 Фонд", "the file's '' stands for one stored apostrophe");
    assert_eq!(parsed[0]["legal_address"], "'@адрес");
    let copied = target.ok(&["export", "organizations", "--format", "json"]).await;
    assert_eq!(copied, json, "the stored values went through export and import unchanged");
    assert!(export.contains(&format!(",'{stored},")), "the whole list cell is neutralised: {export}");
}

#[tokio::test]
async fn an_export_imports_back_unchanged() {
    let source = Env::new().await;
    source.ok(&["import", "organizations", &source.file("orgs.csv", csv_rows(0..7).as_bytes())]).await;
    let exported = source.export().await;
    let target = Env::new().await;
    let out = target.ok(&["import", "organizations", &target.file("export.csv", exported.as_bytes())]).await;
    assert!(out.contains("inserted 7"), "{out}");
    assert_eq!(target.export().await, exported);
    let json = source.ok(&["export", "organizations", "--format", "json"]).await;
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 7);
    assert_eq!(parsed[0]["municipality"], "kaluga_city");
}

#[tokio::test]
async fn accounts_are_added_listed_and_disabled() {
    let env = Env::new().await;
    let add = |login: &'static str, role: &'static str, password: &'static str| {
        ["account", "add", "--login", login, "--role", role, "--password", password]
    };
    env.ok(&add("maria", "coordinator", "a long enough password")).await;
    let (result, _) = env.run(&add("maria", "coordinator", "a long enough password")).await;
    assert!(result.unwrap_err().to_string().contains("уже есть"));
    let (result, _) = env.run(&add("ivan", "coordinator", "short")).await;
    assert!(result.is_err());
    let (result, _) = env.run(&add("ivan", "ngo_representative", "a long enough password")).await;
    assert!(result.unwrap_err().to_string().contains("организацию"), "a representative needs an organisation");
    assert!(env.ok(&["account", "list"]).await.contains("maria\tcoordinator\t-\tactive"));
    env.ok(&["account", "set-role", "maria", "--role", "lawyer"]).await;
    env.ok(&["account", "disable", "maria"]).await;
    assert!(env.ok(&["account", "list"]).await.contains("maria\tlawyer\t-\tdisabled"));
}

#[tokio::test]
async fn account_unlock_lifts_the_running_gateways_lock_through_the_database() {
    let env = Env::new().await;
    env.ok(&["account", "add", "--login", "maria", "--role", "coordinator", "--password", ADMIN_PASSWORD]).await;
    let (gateway, _) = env.open_as_admin().await;
    let login = |password: &'static str| {
        let access = gateway.services.access.clone();
        async move {
            let attempt = access::LoginAttempt {
                login: "maria",
                password,
                peer: "203.0.113.5",
                channel: kernel::Channel::Graphql,
                request_id: "t",
            };
            access.login(attempt).await
        }
    };
    for _ in 0..5 {
        assert!(matches!(login("a wrong guess").await, Err(access::AccessError::BadCredentials)));
    }
    let locked = login(ADMIN_PASSWORD).await;
    assert!(matches!(locked, Err(access::AccessError::TooManyAttempts { .. })), "locked from this address");

    let (refused, _) = env.run_as(Some("maria"), &["account", "unlock", "maria"]).await;
    assert!(refused.unwrap_err().to_string().contains("недостаточно прав"), "only administrators unlock");
    let (unknown, _) = env.run(&["account", "unlock", "nobody"]).await;
    assert!(unknown.unwrap_err().to_string().contains("нет"), "an unknown login is named as such");
    let out = env.ok(&["account", "unlock", "maria"]).await;
    assert!(out.contains("unlocked: maria"), "{out}");
    login(ADMIN_PASSWORD).await.expect("the gateway honours the unlock made by another process");
    let trail = env.ok(&["audit", "list", "--action", "account.manage", "--login", "admin"]).await;
    assert!(trail.lines().any(|l| l.contains("\tcli\t") && l.contains("success\tunlock maria\t")), "{trail}");
}

#[tokio::test]
async fn every_command_but_migrate_needs_an_operator_account() {
    let env = Env::new().await;
    let (result, _) = env.run_as(None, &["export", "organizations"]).await;
    assert!(result.unwrap_err().to_string().contains("--as"), "the error says how to name the operator");
    let (result, _) = env.run_as(Some("nobody"), &["export", "organizations"]).await;
    assert!(result.unwrap_err().to_string().contains("nobody"));
    let (result, _) = env
        .run_as(None, &["account", "add", "--login", "second", "--role", "admin", "--password", ADMIN_PASSWORD])
        .await;
    assert!(result.is_err(), "only the very first account is created without an operator");
}

#[tokio::test]
async fn the_command_line_gets_the_same_verdicts_as_the_api_and_is_audited_as_cli() {
    let env = Env::new().await;
    env.ok(&["account", "add", "--login", "maria", "--role", "coordinator", "--password", ADMIN_PASSWORD]).await;
    env.ok(&["account", "add", "--login", "rita", "--role", "researcher", "--password", ADMIN_PASSWORD]).await;
    let file = env.file("orgs.csv", csv_rows(0..3).as_bytes());
    let (refused, _) = env.run_as(Some("rita"), &["import", "organizations", &file]).await;
    assert!(refused.unwrap_err().to_string().contains("недостаточно прав"), "researchers do not import");
    let (refused, _) = env
        .run_as(Some("maria"), &["account", "add", "--login", "x1", "--role", "admin", "--password", ADMIN_PASSWORD])
        .await;
    assert!(refused.is_err(), "coordinators do not manage accounts");
    let (refused, _) = env.run_as(Some("maria"), &["audit", "list"]).await;
    assert!(refused.is_err(), "coordinators do not read the audit log");
    env.run_as(Some("maria"), &["import", "organizations", &file]).await.0.expect("coordinators import");
    let exported = env.run_as(Some("rita"), &["export", "organizations"]).await;
    assert!(exported.0.is_ok(), "researchers export the (non-personal) list of organisations");

    let denied = env.ok(&["audit", "list", "--denied"]).await;
    assert!(denied.lines().any(|l| l.contains("rita\tresearcher\tcli\torganization.import")), "{denied}");
    assert!(denied.lines().any(|l| l.contains("maria\tcoordinator\tcli\taccount.manage")), "{denied}");
    let imports = env.ok(&["audit", "list", "--action", "organization.import"]).await;
    assert!(imports.lines().any(|l| l.contains("maria\tcoordinator\tcli") && l.contains("success")), "{imports}");
    let exports = env.ok(&["audit", "list", "--action", "organization.export", "--login", "rita"]).await;
    assert_eq!(exports.lines().count(), 1, "{exports}");
}

#[tokio::test]
async fn audit_verify_detects_an_edited_or_deleted_row() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..3).as_bytes())]).await;
    let intact = env.ok(&["audit", "verify"]).await;
    assert!(intact.contains("цел"), "{intact}");
    let db = storage::Database::connect(&env.url).await.unwrap();
    let sql = |q: &'static str| {
        let db = db.clone();
        async move { storage::testing::execute_sql(&db, q).await }
    };
    assert!(sql("UPDATE audit_log SET login = 'someone' WHERE seq = 2").await.is_err(), "the table refuses edits");
    sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").await.unwrap();
    sql("UPDATE audit_log SET login = 'someone' WHERE seq = 2").await.unwrap();
    let (broken, _) = env.run(&["audit", "verify"]).await;
    let message = broken.unwrap_err().to_string();
    assert!(message.contains("ПОВРЕЖДЁН") && message.contains("row 2 was edited"), "{message}");
    sql("UPDATE audit_log SET login = 'admin' WHERE seq = 2").await.unwrap();
    env.ok(&["audit", "verify"]).await;
    sql("DELETE FROM audit_log WHERE seq = 3").await.unwrap();
    let (broken, _) = env.run(&["audit", "verify"]).await;
    assert!(broken.unwrap_err().to_string().contains("row 3 is missing"));
}

/// Reseals every row and the head through SQL with `keys`, as someone who edited a row would.
async fn reseal_with(db: &storage::Database, keys: &audit::ChainKeys) {
    let log = storage::SqlAudit::new(db.clone()).port();
    let rows = log.scan(0, 10_000).await.unwrap();
    let mut prev = audit::GENESIS.to_owned();
    for row in &rows {
        let hash = keys.seal(&prev, row.seq, &row.event);
        let sql = format!("UPDATE audit_log SET prev_hash = '{prev}', hash = '{hash}' WHERE seq = {}", row.seq);
        storage::testing::execute_sql(db, &sql).await.unwrap();
        prev = hash;
    }
    let sql = format!("UPDATE audit_head SET seq = {}, hash = '{prev}' WHERE id = 1", rows.len());
    storage::testing::execute_sql(db, &sql).await.unwrap();
}

#[tokio::test]
async fn a_rewritten_chain_or_a_cut_tail_fails_verify_given_the_key_or_a_checkpoint() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..3).as_bytes())]).await;
    let checkpoint = env.ok(&["audit", "checkpoint"]).await.trim().to_owned();
    let (seq, hash) = checkpoint.split_once(':').expect("SEQ:HASH");
    assert!(seq.parse::<i64>().unwrap() >= 3 && hash.len() == 64, "{checkpoint}");
    let key_file = env.dir.join("audit.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600, "owner-only key file");
    }
    let keys = system::audit_key::read_file(&key_file).unwrap();
    // `checkpoint` also keeps it beside the key; here the operator keeps it elsewhere only.
    let local = env.dir.join("audit.checkpoint");
    assert_eq!(std::fs::read_to_string(&local).unwrap().trim(), checkpoint);
    std::fs::remove_file(&local).unwrap();
    let db = storage::Database::connect(&env.url).await.unwrap();
    storage::testing::execute_sql(&db, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .await
        .unwrap();

    // Edited and resealed without the key: verify names the first row it can no longer trust.
    storage::testing::execute_sql(&db, "UPDATE audit_log SET login = 'someone' WHERE seq = 2").await.unwrap();
    reseal_with(&db, &audit::ChainKeys::generate(1)).await;
    let (broken, _) = env.run(&["audit", "verify"]).await;
    assert!(broken.unwrap_err().to_string().contains("row 1 was edited"), "an unkeyed reseal is found");
    // With the key itself (a stolen key file): only the checkpoint tells.
    reseal_with(&db, &keys).await;
    env.ok(&["audit", "verify"]).await;
    let (broken, _) = env.run(&["audit", "verify", "--checkpoint", &checkpoint]).await;
    let message = broken.unwrap_err().to_string();
    assert!(message.contains("differs from the checkpoint"), "{message}");

    // Cutting the tail and moving the head back: a checkpoint names the lost rows.
    storage::testing::execute_sql(&db, "UPDATE audit_log SET login = 'admin' WHERE seq = 2").await.unwrap();
    reseal_with(&db, &keys).await;
    storage::testing::execute_sql(&db, "DELETE FROM audit_log WHERE seq > 2").await.unwrap();
    reseal_with(&db, &keys).await;
    // (Every verify appends its own row, so the cut log is checked with the checkpoint first.)
    let (broken, _) = env.run(&["audit", "verify", "--checkpoint", &checkpoint]).await;
    let message = broken.unwrap_err().to_string();
    assert!(message.contains(&format!("ends at row 2 but row {seq} existed")), "{message}");
    env.ok(&["audit", "verify"]).await;
    let (bad, _) = env.run(&["audit", "verify", "--checkpoint", "12:zz"]).await;
    assert!(bad.unwrap_err().to_string().contains("--checkpoint"), "a malformed checkpoint is named");
}

#[tokio::test]
async fn wiping_the_whole_log_fails_verify_against_the_local_checkpoint() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..3).as_bytes())]).await;
    let checkpoint = env.ok(&["audit", "checkpoint"]).await.trim().to_owned();
    let db = storage::Database::connect(&env.url).await.unwrap();
    let wipe = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log; \
                UPDATE audit_head SET seq = 0, hash = '' WHERE id = 1;";
    storage::testing::execute_sql(&db, wipe).await.unwrap();
    let (broken, out) = env.run(&["audit", "verify"]).await;
    let message = broken.unwrap_err().to_string();
    let seq = checkpoint.split_once(':').unwrap().0;
    assert!(message.contains(&format!("ends at row 0 but row {seq} existed")), "{message}");
    assert!(out.contains("local checkpoint"), "verify says what it checked against: {out}");
    env.ok(&["account", "add", "--login", "maria", "--role", "coordinator", "--password", ADMIN_PASSWORD]).await;
    let (refused, out) = env.run_as(Some("maria"), &["audit", "verify"]).await;
    assert!(refused.is_err(), "a coordinator may not verify the log");
    assert!(!out.contains("checkpoint"), "nothing about the log is shown to whom the policy refuses: {out}");
}

#[tokio::test]
async fn a_forged_row_beyond_the_head_is_named_as_a_break_not_a_storage_error() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..2).as_bytes())]).await;
    let log = storage::SqlAudit::new(storage::Database::connect(&env.url).await.unwrap()).port();
    let head = log.head().await.unwrap().unwrap();
    let forged = format!(
        "INSERT INTO audit_log (seq, at, login, role, channel, action, request_id, outcome, prev_hash, hash) \
         VALUES ({}, '2026-01-01 00:00:00+00:00', 'x', 'admin', 'cli', 'x', 'x', 'success', '{}', '{}')",
        head.seq + 1,
        head.hash,
        "0".repeat(64)
    );
    let db = storage::Database::connect(&env.url).await.unwrap();
    storage::testing::execute_sql(&db, &forged).await.unwrap();
    let (broken, _) = env.run(&["audit", "verify"]).await;
    let message = broken.unwrap_err().to_string();
    assert!(
        message.contains("ПОВРЕЖДЁН") && message.contains(&format!("row {} was edited", head.seq + 1)),
        "{message}"
    );
    assert!(!message.contains("UNIQUE") && !message.contains("Execution"), "{message}");
}

#[tokio::test]
async fn a_missing_key_file_of_a_sealed_log_is_refused_not_replaced() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..2).as_bytes())]).await;
    let key_file = env.dir.join("audit.key");
    std::fs::remove_file(&key_file).unwrap();
    let (refused, _) = env.run(&["export", "organizations"]).await;
    assert!(refused.unwrap_err().to_string().contains("restore the file from the backup"));
    assert!(!key_file.exists(), "no stray key takes the lost one's place");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_rotated_while_another_process_writes_keeps_the_chain_whole() {
    let env = Env::new().await;
    // The gateway beside the CLI: its own pool, its own reading of the key file.
    let (gateway, admin) = env.open_as_admin().await;
    let writer = tokio::spawn(async move {
        for n in 0..60 {
            let input = registry::input::OrganizationInput {
                full_name: format!("АНО «Пишущая {n}»"),
                legal_form: "ano".into(),
                inn: Some(inn_number(1000 + n)),
                ..Default::default()
            };
            gateway.services.registry.create_organization(&admin, &input).await.expect("the gateway keeps writing");
        }
    });
    for _ in 0..3 {
        env.ok(&["audit", "rotate-key"]).await;
    }
    writer.await.unwrap();
    let keys = system::audit_key::read_file(&env.dir.join("audit.key")).unwrap();
    assert_eq!(keys.all().len(), 4);
    let out = env.ok(&["audit", "verify"]).await;
    assert!(out.contains("цел"), "{out}");
}

#[tokio::test]
async fn every_command_row_names_the_operating_system_user_and_host() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..2).as_bytes())]).await;
    let rows = env.ok(&["audit", "list", "--action", "organization.import"]).await;
    let origin = cli::os_origin();
    assert!(origin.starts_with("os:") && origin.contains("(uid ") && origin.contains('@'), "{origin}");
    let id = std::process::Command::new("id").arg("-un").output().expect("id runs");
    let user = String::from_utf8(id.stdout).expect("a name").trim().to_owned();
    assert!(origin.starts_with(&format!("os:{user}(uid ")), "the kernel's user, not the environment's: {origin}");
    assert!(rows.lines().all(|l| l.ends_with(&format!("\t{origin}"))), "{rows}");
    assert_eq!(rows.lines().count(), 1, "{rows}");
}

#[tokio::test]
async fn a_rotated_key_seals_later_rows_and_every_row_still_verifies() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..2).as_bytes())]).await;
    let said = env.ok(&["audit", "rotate-key"]).await;
    assert!(said.contains("seals rows from"), "{said}");
    env.ok(&["import", "organizations", &env.file("more.csv", csv_rows(2..4).as_bytes())]).await;
    let keys = system::audit_key::read_file(&env.dir.join("audit.key")).unwrap();
    assert_eq!(keys.all().len(), 2, "the old key stays to verify older rows");
    env.ok(&["audit", "verify"]).await;
    // A key file with the old key only no longer fits: the process refuses to start.
    let old_only = audit::ChainKeys::parse(&keys.to_text().lines().take(3).collect::<Vec<_>>().join("\n")).unwrap();
    system::audit_key::replace_file(&env.dir.join("audit.key"), &old_only).unwrap();
    let (refused, _) = env.run(&["export", "organizations"]).await;
    assert!(refused.unwrap_err().to_string().contains("does not match this database"));
    let (broken, _) = env.run(&["audit", "verify"]).await;
    assert!(broken.unwrap_err().to_string().contains("was edited"), "verify still runs and names the row");
}

#[tokio::test]
async fn privacy_run_destroys_withdrawn_data_once_and_exports_act_as_the_operator() {
    let env = Env::new().await;
    let (system, admin) = env.open_as_admin().await;
    let person = registry::input::PersonInput {
        last_name: "Удаляемова".into(),
        first_name: "Анна".into(),
        phones: vec!["+7 900 555-55-55".into()],
        ..Default::default()
    };
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: None,
    };
    let person = system.services.registry.add_person(&admin, &person, &basis).await.unwrap();
    let subject = person.id;
    let consent = privacy::NewConsent {
        subject,
        kind: privacy::ConsentKind::Processing,
        purpose: "ngo_contacts".into(),
        categories: vec!["name".into()],
        document: "Согласие К-1".into(),
        recipient: None,
    };
    let consent = system.services.privacy.record_consent(&admin, consent).await.unwrap();
    system.services.privacy.withdraw_consent(&admin, consent.id).await.unwrap();

    env.ok(&["account", "add", "--login", "maria", "--role", "coordinator", "--password", ADMIN_PASSWORD]).await;
    let (refused, _) = env.run_as(Some("maria"), &["privacy", "run"]).await;
    assert!(refused.unwrap_err().to_string().contains("недостаточно прав"), "only administrators run destruction");
    let first = env.ok(&["privacy", "run"]).await;
    assert!(first.contains("destroyed: 1, anonymised: 1"), "{first}");
    let second = env.ok(&["privacy", "run"]).await;
    assert!(second.contains("destroyed: 0, anonymised: 0"), "the run is idempotent: {second}");
    let id = person.id.0.to_string();
    let export = env.ok(&["privacy", "export", "--person", &id]).await;
    let parsed: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert!(parsed["tables"]["people"].as_array().is_some_and(|rows| rows.len() == 1), "{export}");
    assert!(!export.contains("Удаляемова") && !export.contains("555-55-55"), "anonymised: {export}");
    // Written to a file, an export is readable by its owner only, even over an older file.
    let file = env.dir.join("subject.json");
    std::fs::write(&file, "old").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        env.ok(&["privacy", "export", "--person", &id, "--output", &file.display().to_string()]).await;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(
            (&written["subject"], &written["tables"]["people"]),
            (&parsed["subject"], &parsed["tables"]["people"])
        );
    }
    let trail = env.ok(&["audit", "list", "--action", "privacy.run", "--login", "admin"]).await;
    assert!(trail.lines().all(|l| l.contains("\tcli\t")) && trail.lines().count() >= 2, "{trail}");
}

#[tokio::test]
async fn the_local_checkpoint_does_not_follow_a_log_cut_through_the_database() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", csv_rows(0..3).as_bytes())]).await;
    let kept = env.ok(&["audit", "checkpoint"]).await.trim().to_owned();
    let local = env.dir.join("audit.checkpoint");
    let keys = system::audit_key::read_file(&env.dir.join("audit.key")).unwrap();
    let db = storage::Database::connect(&env.url).await.unwrap();
    let cut = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; \
               DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 2 FROM audit_log);";
    storage::testing::execute_sql(&db, cut).await.unwrap();
    reseal_with(&db, &keys).await;
    // New rows after the cut (an import writes one): the head passes the checkpoint's number again.
    for (n, rows) in [3..5, 5..7, 7..9].into_iter().enumerate() {
        env.ok(&["import", "organizations", &env.file(&format!("more{n}.csv"), csv_rows(rows).as_bytes())]).await;
    }
    let (refused, _) = env.run(&["audit", "checkpoint"]).await;
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("no longer holds row"), "{message}");
    assert_eq!(std::fs::read_to_string(&local).unwrap().trim(), kept, "the local checkpoint stays where it was");
    let (broken, _) = env.run(&["audit", "verify"]).await;
    assert!(broken.unwrap_err().to_string().contains("differs from the checkpoint"));
}
