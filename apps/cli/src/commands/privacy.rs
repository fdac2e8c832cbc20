//! `nko privacy run|export|requests`: personal data under 152-FZ from the command line.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use privacy::PersonId;
use system::Settings;

use crate::explain;

/// What to do.
#[derive(Subcommand, Debug, Clone)]
pub enum Action {
    /// Carry out destruction of data whose consent was withdrawn (anonymising people left with
    /// no ground), and list late subject access requests. Idempotent: run it daily from cron.
    Run,
    /// Everything held about a person, as JSON: the answer to a subject access request.
    Export {
        /// The person's id.
        #[arg(long)]
        person: uuid::Uuid,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Subject access requests not answered yet, earliest deadline first.
    Requests,
}

/// Runs the privacy command.
pub async fn run(
    settings: &Settings,
    operator: Option<&str>,
    action: Action,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (system, actor) = crate::open_as(settings, operator).await?;
    let privacy = &system.services.privacy;
    match action {
        Action::Run => {
            let report = privacy.run(&actor).await.map_err(|e| explain(&e))?;
            writeln!(
                out,
                "уничтожено по отзыву согласий: {}, обезличено людей: {}, просрочено уничтожений: {} / destroyed: {}, anonymised: {}, overdue: {}",
                report.destroyed,
                report.anonymised,
                report.overdue,
                report.destroyed,
                report.anonymised,
                report.overdue
            )?;
            for late in &report.late_requests {
                writeln!(
                    out,
                    "ПРОСРОЧЕН запрос субъекта / LATE subject request {} (person {}): срок / due {}",
                    late.id,
                    late.subject.0,
                    late.deadline()
                )?;
            }
            anyhow::ensure!(
                report.overdue == 0 && report.late_requests.is_empty(),
                "есть просроченные сроки 152-ФЗ (см. выше) / legal deadlines were missed (see above)"
            );
        }
        Action::Export { person, output } => {
            let export = privacy.export(&actor, PersonId(person)).await.map_err(|e| explain(&e))?;
            let json = serde_json::to_string_pretty(&export)?;
            match output {
                Some(path) => system::files::private_file(&path)?
                    .write_all(json.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => writeln!(out, "{json}")?,
            }
        }
        Action::Requests => {
            for r in privacy.open_requests(&actor).await.map_err(|e| explain(&e))? {
                let predicted = if r.due_predicted {
                    " (по прогнозу календаря / predicted calendar)"
                } else {
                    ""
                };
                writeln!(out, "{}\t{}\t{}\t{}{predicted}", r.id, r.subject.0, r.received_on, r.deadline())?;
            }
        }
    }
    Ok(())
}
