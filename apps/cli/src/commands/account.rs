//! `nko account add|list|set-role|reset-password|disable|unlock`.

use std::io::Write;

use access::Assignment;
use anyhow::Context as _;
use clap::{Args, Subcommand};
use kernel::{Channel, Role};
use system::{Settings, bootstrap};

use crate::explain;

/// A role and the record it binds to.
#[derive(Args, Debug, Clone)]
pub struct RoleArgs {
    /// The role: admin, coordinator, trainer, volunteer_coordinator, researcher, lawyer,
    /// volunteer or ngo_representative.
    #[arg(long)]
    role: String,
    /// The organisation of an ngo_representative (its id).
    #[arg(long)]
    organization: Option<uuid::Uuid>,
    /// The person record of a volunteer (its id).
    #[arg(long)]
    person: Option<uuid::Uuid>,
}

impl RoleArgs {
    fn assignment(&self) -> anyhow::Result<Assignment> {
        let role = Role::parse(&self.role)
            .filter(|r| *r != Role::Anonymous)
            .with_context(|| format!("неизвестная роль «{}» / unknown role `{}`", self.role, self.role))?;
        Ok(Assignment {
            role,
            organization: self.organization.map(kernel::OrganizationId),
            person: self.person.map(kernel::PersonId),
        })
    }
}

/// What to do with accounts.
#[derive(Subcommand, Debug, Clone)]
pub enum Action {
    /// Create an account; the password comes from NKO_PASSWORD or a prompt. On an empty system
    /// the first account is created without `--as` and must be an admin.
    Add {
        /// The login.
        #[arg(long)]
        login: String,
        /// The role and its binding.
        #[command(flatten)]
        role: RoleArgs,
        /// The password; prefer the NKO_PASSWORD variable or the prompt, which stay out of the shell history.
        #[arg(long, env = "NKO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List accounts.
    List,
    /// Give an account another role; its sessions end.
    SetRole {
        /// The login.
        login: String,
        /// The new role and its binding.
        #[command(flatten)]
        role: RoleArgs,
    },
    /// Set a new password for an account; its sessions end.
    ResetPassword {
        /// The login.
        login: String,
        /// The new password (NKO_PASSWORD or a prompt are better).
        #[arg(long, env = "NKO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Disable an account and end its sessions.
    Disable {
        /// The login.
        login: String,
    },
    /// Lift the lock that failed logins put on an account, from every address (the running
    /// gateway honours it at the next attempt); its sessions stay.
    Unlock {
        /// The login.
        login: String,
    },
}

fn password_or_prompt(password: Option<String>) -> anyhow::Result<String> {
    if let Some(p) = password {
        return Ok(p);
    }
    let first = rpassword::prompt_password("Пароль / password: ").context("cannot read the password")?;
    let second = rpassword::prompt_password("Ещё раз / again: ").context("cannot read the password")?;
    anyhow::ensure!(first == second, "пароли не совпадают / the passwords differ");
    Ok(first)
}

/// Runs the account command.
pub async fn run(
    settings: &Settings,
    operator: Option<&str>,
    action: Action,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let system = bootstrap::open_existing(settings).await?;
    let access = &system.services.access;
    if let Action::Add { login, role, password } = &action
        && operator.is_none()
        && !access.has_accounts().await.map_err(|e| explain(&e))?
    {
        anyhow::ensure!(
            role.assignment()?.role == Role::Admin,
            "первая учётная запись должна быть администратором / the first account must be an admin"
        );
        let account =
            access.create_first_admin(login, &password_or_prompt(password.clone())?).await.map_err(|e| explain(&e))?;
        writeln!(out, "Создана первая учётная запись / created the first account: {} (admin)", account.login)?;
        return Ok(());
    }
    let actor = crate::operator_actor(&system, operator).await?;
    debug_assert_eq!(actor.channel, Channel::Cli);
    match action {
        Action::Add { login, role, password } => {
            let assignment = role.assignment()?;
            let password = password_or_prompt(password)?;
            let account = access.add_account(&actor, &login, &assignment, &password).await.map_err(|e| explain(&e))?;
            writeln!(out, "Создана учётная запись / created: {} ({})", account.login, account.role.code())?;
        }
        Action::List => {
            for account in access.accounts(&actor).await.map_err(|e| explain(&e))? {
                let state = if account.disabled { "disabled" } else { "active" };
                let binding = account
                    .organization
                    .map(|o| o.to_string())
                    .or(account.person.map(|p| p.to_string()))
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    out,
                    "{}\t{}\t{binding}\t{state}\t{}",
                    account.login,
                    account.role.code(),
                    account.created_at.format("%Y-%m-%d")
                )?;
            }
        }
        Action::SetRole { login, role } => {
            let account = access.set_role(&actor, &login, &role.assignment()?).await.map_err(|e| explain(&e))?;
            writeln!(out, "Роль изменена / role changed: {} ({})", account.login, account.role.code())?;
        }
        Action::ResetPassword { login, password } => {
            let password = password_or_prompt(password)?;
            let account = access.reset_password(&actor, &login, &password).await.map_err(|e| explain(&e))?;
            writeln!(out, "Пароль изменён / password reset: {}", account.login)?;
        }
        Action::Disable { login } => {
            let account = access.disable(&actor, &login).await.map_err(|e| explain(&e))?;
            writeln!(out, "Отключена / disabled: {}", account.login)?;
        }
        Action::Unlock { login } => {
            let account = access.unlock(&actor, &login).await.map_err(|e| explain(&e))?;
            writeln!(out, "Вход разблокирован / unlocked: {}", account.login)?;
        }
    }
    Ok(())
}
