//! `nko import organizations FILE.csv [--dry-run] [--skip-invalid]`: upserts organisations on ИНН
//! and ОГРН. Every rejected row is reported with its line, column and reason. Without
//! `--skip-invalid` a file with any invalid row writes nothing. Rows are written in transactions of
//! [`BATCH`] rows, and re-running a file (also after a crash half-way) ends in the same state.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use gateway::{Settings, bootstrap};
use indicatif::{ProgressBar, ProgressStyle};
use kernel::{Lang, Localized};
use registry::model::OrganizationProfile;
use registry::service::{RowOutcome, RowRejection, validate_rows};

use crate::csv_format::{Encoding, RowError, column_of, decode, detect_delimiter, parse};

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
        /// The file's encoding.
        #[arg(long, value_enum, default_value_t = Encoding::Auto)]
        encoding: Encoding,
        /// The delimiter (`,` or `;`); by default read from the header line.
        #[arg(long)]
        delimiter: Option<char>,
    },
}

fn rejection(line: u64, rejection: &RowRejection, lines: &[u64]) -> RowError {
    match rejection {
        RowRejection::Invalid(field) => RowError {
            line,
            column: Some(column_of(&field.field)),
            reason: field.problem.message(Lang::Ru),
        },
        RowRejection::NoNaturalKey => RowError {
            line,
            column: Some("inn".into()),
            reason: "нужен ИНН или ОГРН, чтобы повторный импорт не создал дубль".into(),
        },
        RowRejection::RepeatsRow { key, first } => RowError {
            line,
            column: Some(key.field().into()),
            reason: format!(
                "повторяет строку {} (тот же {})",
                lines[*first],
                key.field()
            ),
        },
        RowRejection::KeysOfTwoOrganizations => RowError {
            line,
            column: Some("inn".into()),
            reason: "ИНН и ОГРН принадлежат двум разным организациям реестра".into(),
        },
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
pub async fn run(settings: &Settings, what: What, out: &mut dyn Write) -> anyhow::Result<()> {
    let What::Organizations {
        file,
        dry_run,
        skip_invalid,
        encoding,
        delimiter,
    } = what;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = match decode(&bytes, encoding) {
        Ok(text) => text,
        Err(errors) => return refuse(out, &errors, errors.len()),
    };
    let delimiter = match delimiter {
        Some(c) => u8::try_from(c)
            .ok()
            .filter(|b| *b == b',' || *b == b';')
            .context("the delimiter must be , or ;")?,
        None => detect_delimiter(&text),
    };
    let (rows, mut errors) = parse(&text, delimiter);
    let system = bootstrap::open_existing(settings).await?;
    let registry = &system.services.registry;
    let inputs: Vec<_> = rows.iter().map(|r| r.input.clone()).collect();
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    let mut valid: Vec<(u64, OrganizationProfile)> = Vec::new();
    for (verdict, line) in validate_rows(
        &inputs,
        &registry.vocabulary(),
        system.services.clock.today(),
    )
    .into_iter()
    .zip(&lines)
    {
        match verdict {
            Ok(profile) => valid.push((*line, profile)),
            Err(reason) => errors.push(rejection(*line, &reason, &lines)),
        }
    }
    // Matching against the registry can refuse rows too; find them before writing anything.
    for chunk in valid.chunks(BATCH) {
        let profiles: Vec<_> = chunk.iter().map(|(_, p)| p.clone()).collect();
        for ((line, _), outcome) in chunk
            .iter()
            .zip(registry.import_batch(&profiles, true).await?)
        {
            if let RowOutcome::Rejected(reason) = outcome {
                errors.push(rejection(*line, &reason, &lines));
            }
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
    let valid: Vec<_> = valid
        .into_iter()
        .filter(|(line, _)| !rejected_lines.contains(line))
        .collect();
    let progress = ProgressBar::new(valid.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} строк, {per_sec}, осталось {eta}")
            .expect("a valid template"),
    );
    let mut tally = Tally {
        rejected: rejected_lines.len(),
        ..Tally::default()
    };
    for chunk in valid.chunks(BATCH) {
        let profiles: Vec<_> = chunk.iter().map(|(_, p)| p.clone()).collect();
        for outcome in registry.import_batch(&profiles, dry_run).await? {
            match outcome {
                RowOutcome::Inserted => tally.inserted += 1,
                RowOutcome::Updated => tally.updated += 1,
                RowOutcome::Unchanged => tally.unchanged += 1,
                RowOutcome::Rejected(_) => tally.rejected += 1,
            }
        }
        progress.inc(chunk.len() as u64);
    }
    progress.finish_and_clear();
    let mode = if dry_run {
        "проверка без записи / dry run"
    } else {
        "импорт / import"
    };
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
