//! `nko seed [--profile FILE]`: loads the region profile's reference lists.

use std::io::Write;

use gateway::{Settings, bootstrap};

/// Loads the profile; terms already stored are updated, none are removed.
pub async fn run(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<()> {
    let system = bootstrap::open_existing(settings).await?;
    let count = bootstrap::seed(&system.services, &settings.profile_text()?).await?;
    writeln!(out, "Загружено терминов / terms loaded: {count}")?;
    Ok(())
}
