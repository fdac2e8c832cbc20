//! `nko seed [--profile FILE]`: loads the region profile's reference lists.

use std::io::Write;

use system::{Settings, bootstrap};

/// Loads the profile as the operator; terms already stored are updated, none are removed.
pub async fn run(settings: &Settings, operator: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let (system, actor) = crate::open_as(settings, operator).await?;
    let count = bootstrap::seed(&system.services, &actor, &settings.profile_text()?).await?;
    writeln!(out, "Загружено терминов / terms loaded: {count}")?;
    Ok(())
}
