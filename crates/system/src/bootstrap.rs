//! Opening the system: connect, migrate an empty database, load the region profile, create the
//! first administrator. The gateway and the CLI open it the same way.

use std::sync::Arc;

use access::{LoginLimits, actor_of};
use anyhow::Context as _;
use base64::Engine as _;
use kernel::{Action, Actor, Channel, Clock, Policy, RegionProfile, SystemClock};
use storage::{Database, SqlAudit};
use storage_access::SqlAccess;
use storage_privacy::SqlPrivacy;
use storage_registry::SqlRegistry;
use storage_services::SqlServices;

use crate::services::{Ports, Services};
use crate::settings::Settings;

/// The opened system: the database and the use cases over it.
#[derive(Clone)]
pub struct System {
    /// The database.
    pub db: Database,
    /// The use cases.
    pub services: Services,
}

/// What the first run did, so the caller can tell the operator.
#[derive(Debug, Default)]
pub struct FirstRun {
    /// The database was empty and has been migrated.
    pub migrated: bool,
    /// Reference terms were loaded from the profile.
    pub seeded_terms: usize,
    /// The administrator account was created; the password is here when it was generated.
    pub admin_created: Option<Option<String>>,
}

/// Connects to the database in `settings`, creating the data folder for the embedded default.
/// A new data folder and a new database file are its owner's only (0700, 0600: the file holds
/// people's data; SQLite gives its journal files the database file's permissions).
pub async fn connect(settings: &Settings) -> anyhow::Result<Database> {
    if settings.uses_embedded_database() {
        let mut folder = std::fs::DirBuilder::new();
        folder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
        folder
            .create(&settings.data_dir)
            .with_context(|| format!("cannot create the data folder {}", settings.data_dir.display()))?;
        // An empty file is an empty SQLite database.
        let file = settings.sqlite_path();
        match crate::files::create_new(&file, "") {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(e).with_context(|| format!("cannot create {}", file.display()));
            }
            _ => {}
        }
    }
    Database::connect(&settings.database_url()).await.context("cannot open the database")
}

/// Whether opening checks that the audit keys seal the log's last row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// Refuse to open with keys that do not fit (everything that writes).
    Required,
    /// Open anyway (verifying the log, which then names the row that does not fit).
    Skipped,
}

/// Gives the database its audit keys (loaded, or created on first start), checked as asked.
pub async fn with_audit_keys(settings: &Settings, db: Database, check: KeyCheck) -> anyhow::Result<Database> {
    let unkeyed = SqlAudit::new(db.clone()).port();
    let (keys, source, _) = crate::audit_key::load_or_create(settings, unkeyed.as_ref()).await?;
    if check == KeyCheck::Required {
        crate::audit_key::check_against(unkeyed.as_ref(), &keys).await?;
    }
    Ok(db.with_key_source(source))
}

/// Every action the use cases ask the permission policy about: the policy file must list
/// exactly these.
pub fn actions() -> Vec<Action> {
    [
        registry::actions::ACTIONS,
        access::ACTIONS,
        audit::ACTIONS,
        privacy::actions::ACTIONS,
        services_catalog::actions::ACTIONS,
    ]
    .concat()
}

/// A permission policy, checked against every action the code asks about.
pub fn checked_policy(text: &str) -> anyhow::Result<Policy> {
    let policy = Policy::parse(text)?;
    policy.require_exactly(&actions())?;
    Ok(policy)
}

/// Builds the use cases over an opened database.
pub async fn services(
    db: &Database,
    clock: Arc<dyn Clock>,
    policy: Policy,
    limits: LoginLimits,
) -> anyhow::Result<Services> {
    let ports = Ports {
        audit: SqlAudit::new(db.clone()).port(),
        registry: SqlRegistry::new(db.clone()).ports(),
        access: SqlAccess::new(db.clone()).ports(),
        privacy: SqlPrivacy::new(db.clone(), crate::personal_data::hooks()).ports(),
        catalog: SqlServices::new(db.clone()).ports(),
    };
    Services::assemble(ports, clock, policy, limits).await
}

/// What loading the profile and the catalogue stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    /// Reference terms in the profile.
    pub terms: usize,
    /// What loading the centre's catalogue changed.
    pub catalogue: services_catalog::service::SeedReport,
}

/// Loads the profile's reference lists and the centre's catalogue into the database as `actor`.
pub async fn seed(
    services: &Services,
    actor: &Actor,
    profile_text: &str,
    catalogue_text: &str,
) -> anyhow::Result<Seeded> {
    let profile = RegionProfile::parse(profile_text).context("the region profile is not valid")?;
    let entries = services_catalog::service::parse_catalogue(catalogue_text).context("the catalogue is not valid")?;
    services
        .registry
        .seed_references(actor, &profile.terms)
        .await
        .map_err(|e| anyhow::anyhow!("{} / {e}", kernel::Localized::message(&e, kernel::Lang::Ru)))
        .context("cannot store the reference lists")?;
    let catalogue = services
        .catalog
        .seed_catalogue(actor, &entries)
        .await
        .map_err(|e| anyhow::anyhow!("{} / {e}", kernel::Localized::message(&e, kernel::Lang::Ru)))
        .context("cannot store the catalogue")?;
    Ok(Seeded { terms: profile.terms.len(), catalogue })
}

/// Gives a system without accounts its first administrator (with `admin_password`, or a random
/// one reported once), and one without reference lists those of the profile, loaded by that
/// administrator. The same over a database and over the in-memory fakes.
pub async fn first_run(
    services: &Services,
    admin_password: Option<&str>,
    profile_text: impl FnOnce() -> anyhow::Result<(String, String)>,
) -> anyhow::Result<FirstRun> {
    let mut first_run = FirstRun::default();
    let mut first_admin = None;
    if !services.access.has_accounts().await? {
        let (password, generated) = match admin_password {
            Some(p) => (p.to_owned(), None),
            None => {
                let bytes: [u8; 15] = rand::random();
                let p = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
                (p.clone(), Some(p))
            }
        };
        let admin =
            services.access.create_first_admin("admin", &password).await.context("cannot create the administrator")?;
        first_admin = Some(admin);
        first_run.admin_created = Some(generated);
    }
    if services.registry.vocabulary().is_empty() {
        // The profile is loaded by the first administrator, like any other change.
        let admin = first_admin
            .as_ref()
            .context("the reference lists are empty: load them with `nko seed --as <an administrator's login>`")?;
        let (profile, catalogue) = profile_text()?;
        let seeded = seed(services, &actor_of(admin, Channel::Cli, "first-run"), &profile, &catalogue).await?;
        first_run.seeded_terms = seeded.terms;
    }
    Ok(first_run)
}

/// Opens the system for the gateway: an empty database is migrated, seeded and given an
/// administrator; a partly migrated one is refused with a pointer to `nko migrate up`.
pub async fn open_for_gateway(
    settings: &Settings,
    admin_password: Option<&str>,
    limits: LoginLimits,
) -> anyhow::Result<(System, FirstRun)> {
    let db = connect(settings).await?;
    let state = db.migration_state().await.context("cannot read the migration state")?;
    let migrated = state.applied.is_empty();
    if migrated {
        db.migrate_up().await.context("cannot migrate the new database")?;
    } else {
        db.require_migrated().await?;
    }
    let db = with_audit_keys(settings, db, KeyCheck::Required).await?;
    let services = services(&db, Arc::new(SystemClock), settings.policy()?, limits).await?;
    let texts = || Ok((settings.profile_text()?, settings.catalogue_text()?));
    let first_run = FirstRun { migrated, ..first_run(&services, admin_password, texts).await? };
    Ok((System { db, services }, first_run))
}

/// Opens an already migrated system (the CLI's everyday path).
pub async fn open_existing(settings: &Settings) -> anyhow::Result<System> {
    open_existing_with(settings, KeyCheck::Required).await
}

/// Opens an already migrated system, checking the audit keys as asked.
pub async fn open_existing_with(settings: &Settings, check: KeyCheck) -> anyhow::Result<System> {
    let db = connect(settings).await?;
    db.require_migrated().await?;
    let db = with_audit_keys(settings, db, check).await?;
    let services = services(&db, Arc::new(SystemClock), settings.policy()?, LoginLimits::default()).await?;
    Ok(System { db, services })
}
