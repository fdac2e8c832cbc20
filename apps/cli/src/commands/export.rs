//! `nko export organizations --format csv|json [--output FILE]`: every organisation, in the
//! import format (so an export imports back unchanged). CSV goes through
//! [`CsvWriter`](registry_csv::CsvWriter), which neutralises every cell for spreadsheets;
//! JSON carries the values as stored.

use std::io::Write;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use kernel::{MAX_PAGE_SIZE, PageRequest};
use registry::ports::{OrganizationFilter, OrganizationOrder};
use system::Settings;

use crate::explain;
use registry_csv::{CsvWriter, header, record};

/// Output formats.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum Format {
    /// Comma-separated, UTF-8, header line; cells neutralised for spreadsheets.
    Csv,
    /// A JSON array of objects keyed by column, values as stored.
    Json,
}

/// What to export.
#[derive(Subcommand, Debug, Clone)]
pub enum What {
    /// Every organisation.
    Organizations {
        /// The format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The directory of NGOs' social services as Open Referral HSDS 3.0 JSON files
    /// (`services.json`, `organizations.json`) in a folder.
    Hsds {
        /// The folder to write into (created when missing; the two files are replaced).
        dir: PathBuf,
    },
}

/// Runs the export.
pub async fn run(settings: &Settings, operator: Option<&str>, what: What, out: &mut dyn Write) -> anyhow::Result<()> {
    let (format, output) = match what {
        What::Organizations { format, output } => (format, output),
        What::Hsds { dir } => return crate::commands::services::export_hsds(settings, operator, &dir, out).await,
    };
    let (system, actor) = crate::open_as(settings, operator).await?;
    let registry = &system.services.registry;
    let total = registry
        .organizations(
            &actor,
            &OrganizationFilter::default(),
            OrganizationOrder::CreatedAsc,
            PageRequest::new(1, None)?.counted(),
        )
        .await
        .map_err(|e| explain(&e))?
        .total
        .unwrap_or_default();
    registry.record_export(&actor, usize::try_from(total).unwrap_or(usize::MAX)).await.map_err(|e| explain(&e))?;
    let mut file;
    let sink: &mut dyn Write = match &output {
        Some(path) => {
            file = std::io::BufWriter::new(system::files::private_file(path)?);
            &mut file
        }
        None => out,
    };
    let header = header();
    let mut csv_writer = matches!(format, Format::Csv).then(|| CsvWriter::new(Vec::new(), b','));
    if let Some(writer) = csv_writer.as_mut() {
        writer.write_record(&header)?;
    }
    let mut json_rows = Vec::new();
    let mut after = None;
    loop {
        let page = PageRequest { first: MAX_PAGE_SIZE, after: after.clone(), count: false };
        let found = registry
            .organizations(&actor, &OrganizationFilter::default(), OrganizationOrder::CreatedAsc, page)
            .await
            .map_err(|e| explain(&e))?;
        for org in &found.items {
            let cells = record(org);
            match csv_writer.as_mut() {
                Some(writer) => writer.write_record(&cells)?,
                None => json_rows.push(serde_json::Value::Object(
                    header.iter().zip(cells).map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v))).collect(),
                )),
            }
        }
        if !found.has_next {
            break;
        }
        let next = found.positions.last().cloned();
        // Each page must move on: a store that repeated itself would otherwise never end the file.
        anyhow::ensure!(next.is_some() && next > after, "the organisation list did not advance; nothing was written");
        after = next;
    }
    match csv_writer {
        Some(writer) => sink.write_all(&writer.into_inner()?)?,
        None => writeln!(sink, "{}", serde_json::to_string_pretty(&json_rows)?)?,
    }
    sink.flush()?;
    Ok(())
}
