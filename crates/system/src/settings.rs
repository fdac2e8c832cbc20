//! Settings shared by the gateway and the CLI: flags with environment fallbacks, no global state.

use std::path::PathBuf;

use clap::Args;

/// The profile shipped with the project, used when no `--profile` is given.
pub const KALUGA_PROFILE: &str = include_str!("../../../profiles/kaluga.toml");

/// The centre's catalogue shipped with the project, used when no `--catalogue` is given.
pub const CATALOGUE: &str = include_str!("../../../profiles/services.toml");

/// The permission policy shipped with the project, used when no `--permissions` is given.
pub const PERMISSIONS: &str = include_str!("../../../profiles/permissions.toml");

/// Where the data lives and where the gateway listens.
#[derive(Args, Clone, Debug)]
pub struct Settings {
    /// Folder of the embedded database (created on first run).
    #[arg(long, env = "NKO_DATA_DIR", default_value = "./nko-data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://...` or `postgres://...`; default: the SQLite file in the data folder.
    #[arg(long, env = "NKO_DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    /// Region profile (TOML); default: the Kaluga profile built into the binary.
    #[arg(long, env = "NKO_PROFILE", global = true)]
    pub profile: Option<PathBuf>,
    /// The centre's catalogue of services (TOML); default: the catalogue built into the binary.
    #[arg(long, env = "NKO_CATALOGUE", global = true)]
    pub catalogue: Option<PathBuf>,
    /// Permission policy (TOML); default: the policy built into the binary.
    #[arg(long, env = "NKO_PERMISSIONS", global = true)]
    pub permissions: Option<PathBuf>,
    /// The audit log's key file (owner-only permissions; created on first start); default:
    /// `audit.key` in the data folder. `NKO_AUDIT_KEY` (the file's lines, separated by commas)
    /// takes its place when set.
    #[arg(long, env = "NKO_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,
}

impl Settings {
    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.sqlite_path().display()))
    }

    /// Whether the embedded SQLite default is in use.
    pub fn uses_embedded_database(&self) -> bool {
        self.database_url.is_none()
    }

    /// The audit key file in effect.
    pub fn audit_key_path(&self) -> PathBuf {
        self.audit_key_file.clone().unwrap_or_else(|| self.data_dir.join(crate::audit_key::KEY_FILE))
    }

    /// The embedded database file.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("nko.sqlite")
    }

    /// The text of the region profile in effect.
    pub fn profile_text(&self) -> anyhow::Result<String> {
        use anyhow::Context as _;
        match &self.profile {
            Some(path) => {
                std::fs::read_to_string(path).with_context(|| format!("cannot read the profile {}", path.display()))
            }
            None => Ok(KALUGA_PROFILE.to_owned()),
        }
    }

    /// The text of the centre's catalogue in effect.
    pub fn catalogue_text(&self) -> anyhow::Result<String> {
        use anyhow::Context as _;
        match &self.catalogue {
            Some(path) => {
                std::fs::read_to_string(path).with_context(|| format!("cannot read the catalogue {}", path.display()))
            }
            None => Ok(CATALOGUE.to_owned()),
        }
    }
}

impl Settings {
    /// The permission policy in effect, checked against every action the code asks about.
    pub fn policy(&self) -> anyhow::Result<kernel::Policy> {
        use anyhow::Context as _;
        let text = match &self.permissions {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the permissions {}", path.display()))?,
            None => PERMISSIONS.to_owned(),
        };
        crate::bootstrap::checked_policy(&text)
    }
}
