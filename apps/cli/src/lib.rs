//! The maintenance command line `nko`: migrations, the region profile, imports and exports of
//! organisations, and accounts. It opens the system the same way the gateway does and calls the
//! same use cases.

pub mod commands;
pub mod csv_format;

use std::io::Write;

use clap::{Parser, Subcommand};
use gateway::Settings;

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
    /// Manage staff accounts.
    Account {
        /// add, list or disable.
        #[command(subcommand)]
        action: commands::account::Action,
    },
}

/// Runs the command; output goes to `out`, progress and diagnostics to standard error.
pub async fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    match cli.command {
        Command::Migrate { action } => commands::migrate::run(&cli.settings, action, out).await,
        Command::Seed => commands::seed::run(&cli.settings, out).await,
        Command::Import { what } => commands::import::run(&cli.settings, what, out).await,
        Command::Export { what } => commands::export::run(&cli.settings, what, out).await,
        Command::Account { action } => commands::account::run(&cli.settings, action, out).await,
    }
}
