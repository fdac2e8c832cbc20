//! The maintenance command line `nko`: migrations, the region profile, imports and exports of
//! organisations, and accounts. It opens the system the same way the gateway does and calls the
//! same use cases.

pub mod commands;

use std::io::Write;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use kernel::{Actor, Channel, Lang, Localized};
use system::Settings;
use system::System;
use system::bootstrap::{self};

/// The command line.
#[derive(Parser, Debug)]
#[command(
    name = "nko",
    version,
    about = "Обслуживание системы ресурсного центра НКО / maintenance of the NGO support centre system"
)]
pub struct Cli {
    /// Shared settings (database, data folder, profile).
    #[command(flatten)]
    pub settings: Settings,
    /// The operator's account: every command but `migrate` acts as this account, under its
    /// role's permissions, and is recorded in the audit log with channel `cli`.
    #[arg(long = "as", env = "NKO_OPERATOR", global = true, value_name = "LOGIN")]
    pub operator: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply, roll back or show schema migrations.
    Migrate {
        /// up, down or status.
        #[command(subcommand)]
        action: commands::migrate::Action,
    },
    /// Load the region profile's reference lists (municipalities, legal forms, activity areas, target groups).
    Seed,
    /// Import records from a file.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: commands::import::What,
    },
    /// Export records to standard output or a file.
    Export {
        /// What to export.
        #[command(subcommand)]
        what: commands::export::What,
    },
    /// Manage accounts.
    Account {
        /// add, list, set-role, reset-password, disable or unlock.
        #[command(subcommand)]
        action: commands::account::Action,
    },
    /// Personal data: destruction after withdrawal (`run`, daily from cron), subject exports.
    Privacy {
        /// run, export or requests.
        #[command(subcommand)]
        action: commands::privacy::Action,
    },
    /// Requests and appeals: `overdue` lists those past their deadline (daily from cron).
    Requests {
        /// overdue.
        #[command(subcommand)]
        action: commands::services::RequestsAction,
    },
    /// Read and verify the audit log.
    Audit {
        /// verify or list.
        #[command(subcommand)]
        action: commands::audit::Action,
    },
}

/// Runs the command; output goes to `out`, progress and diagnostics to standard error.
pub async fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    let operator = cli.operator.as_deref();
    match cli.command {
        Command::Migrate { action } => commands::migrate::run(&cli.settings, action, out).await,
        Command::Seed => commands::seed::run(&cli.settings, operator, out).await,
        Command::Import { what } => commands::import::run(&cli.settings, operator, what, out).await,
        Command::Export { what } => commands::export::run(&cli.settings, operator, what, out).await,
        Command::Account { action } => commands::account::run(&cli.settings, operator, action, out).await,
        Command::Audit { action } => commands::audit::run(&cli.settings, operator, action, out).await,
        Command::Privacy { action } => commands::privacy::run(&cli.settings, operator, action, out).await,
        Command::Requests { action: commands::services::RequestsAction::Overdue } => {
            commands::services::overdue(&cli.settings, operator, out).await
        }
    }
}

/// Opens the system and resolves the operator named by `--as` (or `NKO_OPERATOR`): an existing,
/// enabled account. There is no command without one but `migrate` and the very first account.
pub async fn open_as(settings: &Settings, operator: Option<&str>) -> anyhow::Result<(System, Actor)> {
    open_checked_as(settings, operator, bootstrap::KeyCheck::Required).await
}

/// [`open_as`], checking the audit keys as asked (`nko audit` opens even when they do not fit,
/// so that `verify` can name the row).
pub async fn open_checked_as(
    settings: &Settings,
    operator: Option<&str>,
    check: bootstrap::KeyCheck,
) -> anyhow::Result<(System, Actor)> {
    let system = bootstrap::open_existing_with(settings, check).await?;
    let actor = operator_actor(&system, operator).await?;
    Ok((system, actor))
}

/// The actor of the operator account `login` on the command line.
pub async fn operator_actor(system: &System, operator: Option<&str>) -> anyhow::Result<Actor> {
    let login = operator.context(
        "укажите учётную запись оператора: --as ЛОГИН или переменная NKO_OPERATOR / \
         name the operator's account: --as LOGIN or NKO_OPERATOR",
    )?;
    let account = system.services.access.operator(login).await.map_err(|_| {
        anyhow::anyhow!(
            "учётной записи оператора «{login}» нет или она отключена / no enabled account has the login `{login}`"
        )
    })?;
    let mut actor = access::actor_of(&account, Channel::Cli, &uuid::Uuid::now_v7().to_string());
    actor.origin = Some(os_origin());
    Ok(actor)
}

/// Who runs this command on which machine, for the audit log: `--as` names an account but proves
/// nothing (the CLI is for the server's operators), so every CLI row also records the operating
/// system's user as the kernel knows it (the real uid, and its name in `/etc/passwd`; never the
/// environment, which the caller sets), and the host.
pub fn os_origin() -> String {
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:").and_then(|ids| ids.split_whitespace().next().map(str::to_owned)))
        })
        .unwrap_or_else(|| "?".into());
    let user = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                (fields.nth(1)? == uid).then(|| name.to_owned())
            })
        })
        .unwrap_or_else(|| "?".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "?".into());
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).take(64).collect::<String>();
    let map = std::fs::read_to_string("/proc/self/uid_map").unwrap_or_default();
    match outer_uid(&map, &uid) {
        // In a user namespace anyone may be "root" on any host name: record the uid outside it.
        Some(outer) => format!("os:?(uid {} outside a user namespace)@?", clean(&outer)),
        None => format!("os:{}(uid {})@{}", clean(&user), clean(&uid), clean(&host)),
    }
}

/// The uid outside the user namespace the process runs in, when it runs in one (its uid map,
/// `map`, is not the initial namespace's identity map); `None` in the initial namespace.
fn outer_uid(map: &str, uid: &str) -> Option<String> {
    let lines: Vec<Vec<u64>> =
        map.lines().map(|l| l.split_whitespace().filter_map(|n| n.parse().ok()).collect()).collect();
    if lines == [vec![0, 0, u64::from(u32::MAX)]] {
        return None;
    }
    let inside: u64 = uid.parse().ok()?;
    let outer = lines.iter().find_map(|l| match l.as_slice() {
        [first, outside, count] if (*first..first.saturating_add(*count)).contains(&inside) => {
            Some(outside + (inside - first))
        }
        _ => None,
    });
    Some(outer.map_or_else(|| "?".to_owned(), |o| o.to_string()))
}

/// An error of a use case, in Russian and English.
pub fn explain(error: &dyn Localized) -> anyhow::Error {
    anyhow::anyhow!("{} / {}", error.message(Lang::Ru), error.message(Lang::En))
}

#[cfg(test)]
mod tests {
    use super::outer_uid;

    #[test]
    fn a_user_namespace_is_seen_through_to_the_uid_outside_it() {
        assert_eq!(outer_uid("         0          0 4294967295\n", "1001"), None, "the initial namespace");
        assert_eq!(outer_uid("         0       4242          1\n", "0"), Some("4242".into()), "unshare -Ur as 4242");
        assert_eq!(outer_uid("0 100000 65536\n", "1000"), Some("101000".into()), "a subordinate range");
        assert_eq!(outer_uid("0 4242 1\n", "7"), Some("?".into()), "a uid outside the map");
        assert_eq!(outer_uid("", "0"), Some("?".into()), "no map to read: nothing is trusted");
    }
}
