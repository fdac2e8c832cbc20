//! `nko audit verify|checkpoint|rotate-key|list`: the audit log for administrators.

use std::io::Write;

use anyhow::Context as _;
use audit::{AUDIT_MANAGE, AUDIT_READ, AuditFilter, ChainHead, Gate, GateError, Outcome};
use clap::Subcommand;
use kernel::{MAX_PAGE_SIZE, PageRequest, StoreError};
use system::Settings;

use system::audit_key;

use crate::explain;

/// What to do with the audit log.
#[derive(Subcommand, Debug, Clone)]
pub enum Action {
    /// Walk the whole hash chain; fails, naming the row, if a row was edited or removed.
    Verify {
        /// A checkpoint printed earlier by `nko audit checkpoint` (SEQ:HASH) and kept outside
        /// the database: detects a rewritten chain or a cut tail with its head moved back.
        #[arg(long, value_name = "SEQ:HASH")]
        checkpoint: Option<String>,
    },
    /// Print the chain's head as SEQ:HASH, to keep outside the database (on paper, in another
    /// system, in the operator's mail) and pass to `verify --checkpoint` later.
    Checkpoint,
    /// Start a new audit key for the rows from the next one on (the old keys stay in the file to
    /// verify older rows). Run it with the gateway stopped.
    RotateKey,
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
    let check = match action {
        // Rotation writes: the keys must fit. Reading and verifying work whatever they are.
        Action::RotateKey => system::bootstrap::KeyCheck::Required,
        _ => system::bootstrap::KeyCheck::Skipped,
    };
    let (system, actor) = crate::open_checked_as(settings, operator, check).await?;
    let gate = &system.services.gate;
    match action {
        Action::Verify { checkpoint } => {
            // The policy first: nothing about the log (the checkpoints) is shown to whom it refuses.
            gate.check(&actor, AUDIT_READ, None).await.map_err(gate_error)?;
            let given = checkpoint
                .map(|text| {
                    ChainHead::parse(&text).with_context(|| {
                        format!("--checkpoint: ожидается НОМЕР:ХЕШ / expected SEQ:HASH (64 hex digits), got `{text}`")
                    })
                })
                .transpose()?;
            let local = audit_key::read_checkpoint(&audit_key::checkpoint_path(settings))?;
            if given.is_none()
                && let Some(local) = &local
            {
                writeln!(
                    out,
                    "Сверка с локальной контрольной точкой {seq} / checking against the local checkpoint {seq}",
                    seq = local.seq
                )?;
            }
            verify(gate, &actor, given.as_ref().or(local.as_ref()), out).await?;
        }
        Action::Checkpoint => match gate.checkpoint(&actor).await.map_err(gate_error)? {
            Some(head) => {
                audit_key::advance_checkpoint(gate.log().as_ref(), &audit_key::checkpoint_path(settings), &head)
                    .await?;
                writeln!(out, "{head}")?;
            }
            None => anyhow::bail!("журнал аудита пуст / the audit log is empty"),
        },
        Action::RotateKey => {
            gate.require_all(&actor, AUDIT_MANAGE, None).await.map_err(gate_error)?;
            if std::env::var(audit_key::KEY_VARIABLE).is_ok_and(|v| !v.trim().is_empty()) {
                anyhow::bail!(
                    "ключ задан переменной NKO_AUDIT_KEY: добавьте новую строку в неё сами / the key comes from \
                     NKO_AUDIT_KEY: add the new line to it yourself"
                );
            }
            let path = settings.audit_key_path();
            let mut keys = audit_key::read_file(&path)?;
            // Under the chain head's lock: no process appends between the new key's first row
            // and this rotation's own row, which is that first row; every process rereads the
            // key file before its next append.
            let event = gate.event(&actor, AUDIT_MANAGE, None).with_detail("rotate key");
            let record = storage::SqlAudit::new(system.db.clone())
                .rotate_key(&event, |from| {
                    keys.rotate(from).map_err(|e| e.to_string())?;
                    audit_key::replace_file(&path, &keys).map_err(|e| format!("{e:#}"))?;
                    Ok(keys.clone())
                })
                .await?;
            let fingerprint = keys.newest().fingerprint();
            writeln!(
                out,
                "Новый ключ {fingerprint} запечатывает записи с {from}; сохраните копию {path} / the new key \
                 {fingerprint} seals rows from {from}; back up {path}",
                from = record.seq,
                path = path.display()
            )?;
        }

        Action::List { limit, action, login, object, denied } => {
            let filter = AuditFilter { action, login, object, outcome: denied.then_some(Outcome::Denied) };
            let page = PageRequest { first: limit.clamp(1, MAX_PAGE_SIZE), after: None, count: false };
            let found = gate.read_log(&actor, &filter, page).await.map_err(gate_error)?;
            for row in found.items {
                let e = row.event;
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    row.seq,
                    e.at.format("%Y-%m-%d %H:%M:%S"),
                    e.login,
                    e.role.code(),
                    e.channel.code(),
                    e.action,
                    e.object.as_deref().unwrap_or("-"),
                    e.outcome.code(),
                    e.detail.as_deref().unwrap_or(""),
                    e.origin.as_deref().unwrap_or("-")
                )?;
            }
        }
    }
    Ok(())
}

async fn verify(
    gate: &Gate,
    actor: &kernel::Actor,
    checkpoint: Option<&ChainHead>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match gate.verify_log(actor, checkpoint).await {
        Ok(rows) => {
            writeln!(out, "Журнал аудита цел: записей {rows} / the audit log is intact: {rows} rows")?;
            Ok(())
        }
        Err(GateError::Audit(StoreError::Conflict(broken))) => {
            anyhow::bail!("ЖУРНАЛ АУДИТА ПОВРЕЖДЁН / THE AUDIT LOG IS BROKEN: {broken}")
        }
        Err(other) => Err(gate_error(other)),
    }
}

fn gate_error(error: GateError) -> anyhow::Error {
    match error {
        GateError::Audit(store) => anyhow::Error::new(store),
        denied => explain(&denied),
    }
}
