//! `nko migrate up|down|status`.

use std::io::Write;

use clap::Subcommand;
use system::{Settings, bootstrap};

/// What to do with migrations.
#[derive(Subcommand, Debug, Clone, Copy)]
pub enum Action {
    /// Apply every pending migration.
    Up,
    /// Roll back migrations (the last one by default).
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List applied and pending migrations.
    Status,
}

/// Runs the migration command.
pub async fn run(settings: &Settings, action: Action, out: &mut dyn Write) -> anyhow::Result<()> {
    let db = bootstrap::connect(settings).await?;
    match action {
        Action::Up => db.migrate_up().await?,
        Action::Down { steps } => db.migrate_down(Some(steps)).await?,
        Action::Status => {}
    }
    let state = db.migration_state().await?;
    for name in &state.applied {
        writeln!(out, "applied  {name}")?;
    }
    for name in &state.pending {
        writeln!(out, "pending  {name}")?;
    }
    Ok(())
}
