//! `nko audit verify|list`: the audit log for administrators.

use std::io::Write;

use audit::{AuditError, AuditFilter, GateError, Outcome};
use clap::Subcommand;
use gateway::Settings;
use kernel::{MAX_PAGE_SIZE, PageRequest};

use crate::explain;

/// What to do with the audit log.
#[derive(Subcommand, Debug, Clone)]
pub enum Action {
    /// Walk the whole hash chain; fails, naming the row, if a row was edited or removed.
    Verify,
    /// The newest rows first.
    List {
        /// How many rows (at most 100).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Only this action (e.g. organization.write, session.login).
        #[arg(long)]
        action: Option<String>,
        /// Only this login.
        #[arg(long)]
        login: Option<String>,
        /// Only this object (kind/id).
        #[arg(long)]
        object: Option<String>,
        /// Only refusals by the policy.
        #[arg(long)]
        denied: bool,
    },
}

/// Runs the audit command.
pub async fn run(
    settings: &Settings,
    operator: Option<&str>,
    action: Action,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (system, actor) = crate::open_as(settings, operator).await?;
    let gate = &system.services.gate;
    match action {
        Action::Verify => match gate.verify_log(&actor).await {
            Ok(rows) => writeln!(out, "Журнал аудита цел: записей {rows} / the audit log is intact: {rows} rows")?,
            Err(GateError::Audit(AuditError::Broken(broken))) => {
                anyhow::bail!("ЖУРНАЛ АУДИТА ПОВРЕЖДЁН / THE AUDIT LOG IS BROKEN: {broken}")
            }
            Err(GateError::Denied(denied)) => return Err(explain(&registry::RegistryError::Denied(denied))),
            Err(other) => return Err(anyhow::anyhow!("{other}")),
        },
        Action::List { limit, action, login, object, denied } => {
            let filter = AuditFilter { action, login, object, outcome: denied.then_some(Outcome::Denied) };
            let page = PageRequest { first: limit.clamp(1, MAX_PAGE_SIZE), after: None };
            let found = gate.read_log(&actor, &filter, page).await.map_err(|e| match e {
                GateError::Denied(denied) => explain(&registry::RegistryError::Denied(denied)),
                other => anyhow::anyhow!("{other}"),
            })?;
            for row in found.items {
                let e = row.event;
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    row.seq,
                    e.at.format("%Y-%m-%d %H:%M:%S"),
                    e.login,
                    e.role.code(),
                    e.channel.code(),
                    e.action,
                    e.object.as_deref().unwrap_or("-"),
                    e.outcome.code(),
                    e.detail.as_deref().unwrap_or("")
                )?;
            }
        }
    }
    Ok(())
}
