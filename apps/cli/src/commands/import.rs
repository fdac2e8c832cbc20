//! `nko import organizations FILE.csv [--dry-run] [--skip-invalid] [--overwrite-newer]`: upserts
//! organisations on ИНН and ОГРН. Every rejected row is reported with its line, column and reason.
//! Without `--skip-invalid` a file with any invalid row writes nothing. A row that would change an
//! organisation edited since the file was exported (its `version` is not the stored one), or that
//! has no version, is such an invalid row unless `--overwrite-newer` is given. Rows are written in
//! transactions of [`BATCH`] rows, and re-running a file (also after a crash half-way) ends in the
//! same state.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use kernel::{Lang, Localized};
use registry::service::{ImportRow, RowOutcome, RowRejection, RowValidator, StaleRows};
use system::Settings;
use tokio::task::JoinSet;

use registry_csv::{Encoding, RowError, decode, detect_delimiter, line_count, read};

/// Rows per transaction.
pub const BATCH: usize = 1000;

/// What to import.
#[derive(Subcommand, Debug, Clone)]
pub enum What {
    /// Organisations from a CSV file (columns: see docs/import-organizations.md).
    Organizations {
        /// The CSV file.
        file: PathBuf,
        /// Check and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows even when others are invalid.
        #[arg(long)]
        skip_invalid: bool,
        /// Also change organisations edited since the file was exported, and rows without a
        /// version; the audit log records each such overwrite.
        #[arg(long)]
        overwrite_newer: bool,
        /// The file's encoding.
        #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
        encoding: EncodingArg,
        /// The delimiter (`,` or `;`); by default read from the header line.
        #[arg(long)]
        delimiter: Option<char>,
    },
    /// Services given, from a CSV file (columns: see docs/import-deliveries.md); every row or none.
    Deliveries {
        /// The CSV file.
        file: PathBuf,
        /// Check and report, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// How the command line lets an operator write over a record changed since the export.
const OVERWRITE_HINT: &str = "запустите с --overwrite-newer";

fn rejection(line: u64, reason: &RowRejection, lines: &[u64]) -> RowError {
    registry_csv::rejection(line, reason, lines, Some(OVERWRITE_HINT))
}

/// The file's encoding, as the command line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 when the file is valid UTF-8, Windows-1251 when it has no UTF-8 at all.
    Auto,
    /// UTF-8 (a byte-order mark is allowed).
    Utf8,
    /// Windows-1251 (Excel's "CSV" on Russian Windows).
    Windows1251,
}

impl From<EncodingArg> for Encoding {
    fn from(arg: EncodingArg) -> Self {
        match arg {
            EncodingArg::Auto => Encoding::Auto,
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Windows1251 => Encoding::Windows1251,
        }
    }
}

/// Counts of what the import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// New organisations.
    pub inserted: usize,
    /// Changed organisations.
    pub updated: usize,
    /// Organisations already identical.
    pub unchanged: usize,
    /// Refused rows.
    pub rejected: usize,
}

/// Runs the import.
pub async fn run(settings: &Settings, operator: Option<&str>, what: What, out: &mut dyn Write) -> anyhow::Result<()> {
    let (file, dry_run, skip_invalid, overwrite_newer, encoding, delimiter) = match what {
        What::Organizations { file, dry_run, skip_invalid, overwrite_newer, encoding, delimiter } => {
            (file, dry_run, skip_invalid, overwrite_newer, encoding, delimiter)
        }
        What::Deliveries { file, dry_run } => {
            return crate::commands::services::import_deliveries(settings, operator, &file, dry_run, out).await;
        }
    };
    let stale = if overwrite_newer { StaleRows::Overwrite } else { StaleRows::Refuse };
    let (system, actor) = crate::open_as(settings, operator).await?;
    system.services.registry.may_import(&actor).await.map_err(|e| crate::explain(&e))?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = match decode(&bytes, encoding.into()) {
        Ok(text) => text,
        Err(errors) => return refuse(out, &errors, errors.len()),
    };
    drop(bytes);
    let delimiter = match delimiter {
        Some(c) => u8::try_from(c).ok().filter(|b| *b == b',' || *b == b';').context("the delimiter must be , or ;")?,
        None => detect_delimiter(&text),
    };
    // Rows are read, validated and dropped a batch at a time; only their validated profiles
    // are kept until every batch is planned.
    let mut reader = match read(&text, delimiter) {
        Ok(reader) => reader,
        Err(errors) => return refuse(out, &errors, errors.len()),
    };
    let expected_rows = line_count(&text);
    let mut errors = Vec::new();
    let registry = &system.services.registry;
    let vocabulary = registry.vocabulary();
    let mut validator = RowValidator::new(&vocabulary, system.services.clock.today(), expected_rows);
    // The line of each row the validator checked, by the validator's index (for "repeats row N").
    let mut lines: Vec<u64> = Vec::with_capacity(expected_rows);
    // Validate a batch, then look it up in the registry in the background while the next batch
    // is validated: the lookups cost no wall time of their own.
    let mut lookups = JoinSet::new();
    let (mut batches, mut plans) = (Vec::new(), Vec::new());
    let mut valid_lines = Vec::new();
    let mut more = true;
    while more {
        let mut batch = Vec::with_capacity(BATCH);
        let mut checked = 0;
        while checked < BATCH {
            let Some(row) = reader.next() else {
                more = false;
                break;
            };
            let row = match row {
                Ok(row) => row,
                Err(problems) => {
                    errors.extend(problems);
                    continue;
                }
            };
            checked += 1;
            lines.push(row.line);
            match validator.check(&row.input) {
                Ok(profile) => {
                    valid_lines.push(row.line);
                    batch.push(ImportRow::new(profile, row.version).with_status(row.status));
                }
                Err(reason) => errors.push(rejection(row.line, &reason, &lines)),
            }
        }
        if batch.is_empty() {
            continue;
        }
        if lookups.len() >= IN_FLIGHT {
            plans.push(lookups.join_next().await.expect("a task is running")??);
        }
        let (registry, actor, batch, index) = (registry.clone(), actor.clone(), Arc::new(batch), batches.len());
        batches.push(batch.clone());
        lookups.spawn(async move { registry.plan_import(&actor, &batch, stale).await.map(|plan| (index, plan)) });
    }
    drop(reader);
    drop(text);
    while let Some(done) = lookups.join_next().await {
        plans.push(done??);
    }
    plans.sort_by_key(|(index, _)| *index);
    let planned: Vec<RowOutcome> = plans.into_iter().flat_map(|(_, plan)| plan).collect();
    let valid: Vec<_> =
        batches.into_iter().flat_map(|batch| Arc::try_unwrap(batch).expect("every lookup has finished")).collect();
    for (line, outcome) in valid_lines.iter().zip(&planned) {
        if let RowOutcome::Rejected(reason) = outcome {
            errors.push(rejection(*line, reason, &lines));
        }
    }
    errors.sort_by_key(|e| e.line);
    let rejected_lines: std::collections::BTreeSet<u64> = errors.iter().map(|e| e.line).collect();
    if !errors.is_empty() && !skip_invalid {
        return refuse(out, &errors, rejected_lines.len());
    }
    for error in &errors {
        writeln!(out, "{error}")?;
    }
    let mut tally = Tally { rejected: rejected_lines.len(), ..Tally::default() };
    if dry_run {
        for outcome in &planned {
            tally.count(outcome);
        }
    } else {
        let keep: Vec<bool> = valid_lines.iter().map(|line| !rejected_lines.contains(line)).collect();
        let progress = ProgressBar::new(keep.iter().filter(|k| **k).count() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} строк, {per_sec}, осталось {eta}")
                .expect("a valid template"),
        );
        let mut rows = valid
            .into_iter()
            .zip(planned)
            .zip(keep)
            .zip(&valid_lines)
            .filter_map(|(((row, plan), keep), line)| keep.then_some((row, (plan == RowOutcome::Inserted, *line))));
        // Batches are written by IN_FLIGHT tasks at a time, so preparing one overlaps writing
        // another; each batch is its own transaction, and a re-run completes an interrupted import.
        let mut writes = JoinSet::new();
        loop {
            let (batch, planned): (Vec<ImportRow>, Vec<(bool, u64)>) = rows.by_ref().take(BATCH).unzip();
            if batch.is_empty() {
                break;
            }
            let lines = (planned[0].1, planned[planned.len() - 1].1);
            if writes.len() >= IN_FLIGHT {
                record_write(writes.join_next().await.expect("a task is running")?, &mut tally, &progress)?;
            }
            let (registry, actor) = (registry.clone(), actor.clone());
            writes.spawn(async move {
                // A batch the plan found entirely new skips the second lookup; the unique indexes
                // still refuse a row someone added meanwhile, and then nothing of it is written.
                let written = if planned.iter().all(|(new, _)| *new) {
                    registry.insert_planned(&actor, batch.into_iter().map(|row| row.profile).collect()).await
                } else {
                    registry.import_batch(&actor, batch, stale).await
                };
                (lines, written)
            });
        }
        while let Some(done) = writes.join_next().await {
            record_write(done?, &mut tally, &progress)?;
        }
        progress.finish_and_clear();
    }
    let mode = if dry_run { "проверка без записи / dry run" } else { "импорт / import" };
    writeln!(
        out,
        "{mode}: добавлено {}, изменено {}, без изменений {}, отклонено {} / inserted {}, updated {}, unchanged {}, rejected {}",
        tally.inserted,
        tally.updated,
        tally.unchanged,
        tally.rejected,
        tally.inserted,
        tally.updated,
        tally.unchanged,
        tally.rejected
    )?;
    Ok(())
}

/// Batches looked up or written at the same time.
const IN_FLIGHT: usize = 2;

/// Counts a written batch, or explains why the batch of lines `first..=last` was not written
/// (the batches before it stay written; a re-run completes the import).
fn record_write(
    ((first, last), written): ((u64, u64), Result<Vec<RowOutcome>, registry::RegistryError>),
    tally: &mut Tally,
    progress: &ProgressBar,
) -> anyhow::Result<()> {
    let outcomes = written.map_err(|e| {
        anyhow::anyhow!(
            "строки {first}–{last} не записаны: {}. Запустите импорт снова: проверка назовёт строку / lines \
             {first}-{last} were not written: {e}; run the import again to find the row",
            e.message(Lang::Ru)
        )
    })?;
    progress.inc(outcomes.len() as u64);
    for outcome in &outcomes {
        tally.count(outcome);
    }
    Ok(())
}

impl Tally {
    fn count(&mut self, outcome: &RowOutcome) {
        match outcome {
            RowOutcome::Inserted => self.inserted += 1,
            RowOutcome::Updated { .. } => self.updated += 1,
            RowOutcome::Unchanged => self.unchanged += 1,
            RowOutcome::Rejected(_) => self.rejected += 1,
        }
    }
}

fn refuse(out: &mut dyn Write, errors: &[RowError], rows: usize) -> anyhow::Result<()> {
    for error in errors {
        writeln!(out, "{error}")?;
    }
    anyhow::bail!(
        "в файле ошибок: {} (строк: {rows}); ничего не записано. Исправьте файл или запустите с --skip-invalid / \
         {} problem(s) in {rows} row(s); nothing was written",
        errors.len(),
        errors.len()
    )
}
