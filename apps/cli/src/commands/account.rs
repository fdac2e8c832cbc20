//! `nko account add|list|disable`.

use std::io::Write;

use access::Role;
use anyhow::Context as _;
use clap::Subcommand;
use gateway::{Settings, bootstrap};
use kernel::{Lang, Localized};

/// What to do with accounts.
#[derive(Subcommand, Debug, Clone)]
pub enum Action {
    /// Create an account; the password comes from NKO_PASSWORD or a prompt.
    Add {
        /// The login.
        #[arg(long)]
        login: String,
        /// The role: admin or staff.
        #[arg(long, value_parser = ["admin", "staff"])]
        role: String,
        /// The password; prefer the NKO_PASSWORD variable or the prompt, which stay out of the shell history.
        #[arg(long, env = "NKO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List accounts.
    List,
    /// Disable an account and end its sessions.
    Disable {
        /// The login.
        login: String,
    },
}

fn prompt_password() -> anyhow::Result<String> {
    let first = rpassword::prompt_password("Пароль / password: ").context("cannot read the password")?;
    let second = rpassword::prompt_password("Ещё раз / again: ").context("cannot read the password")?;
    anyhow::ensure!(first == second, "пароли не совпадают / the passwords differ");
    Ok(first)
}

/// Runs the account command.
pub async fn run(settings: &Settings, action: Action, out: &mut dyn Write) -> anyhow::Result<()> {
    let system = bootstrap::open_existing(settings).await?;
    let access = &system.services.access;
    let explain = |e: access::AccessError| anyhow::anyhow!("{} / {}", e.message(Lang::Ru), e.message(Lang::En));
    match action {
        Action::Add { login, role, password } => {
            let role = Role::parse(&role).context("unknown role")?;
            let password = match password {
                Some(p) => p,
                None => prompt_password()?,
            };
            let account = access.add_account(&login, role, &password).await.map_err(explain)?;
            writeln!(out, "Создана учётная запись / created: {} ({})", account.login, account.role.code())?;
        }
        Action::List => {
            for account in access.accounts().await.map_err(explain)? {
                let state = if account.disabled { "disabled" } else { "active" };
                writeln!(
                    out,
                    "{}\t{}\t{state}\t{}",
                    account.login,
                    account.role.code(),
                    account.created_at.format("%Y-%m-%d")
                )?;
            }
        }
        Action::Disable { login } => {
            let account = access.disable(&login).await.map_err(explain)?;
            writeln!(out, "Отключена / disabled: {}", account.login)?;
        }
    }
    Ok(())
}
