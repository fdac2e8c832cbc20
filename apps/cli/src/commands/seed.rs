//! `nko seed [--profile FILE] [--catalogue FILE]`: loads the region profile's reference lists and
//! the centre's catalogue of services.

use std::io::Write;

use system::{Settings, bootstrap};

/// Loads the profile as the operator; terms already stored are updated, none are removed.
pub async fn run(settings: &Settings, operator: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let (system, actor) = crate::open_as(settings, operator).await?;
    let seeded =
        bootstrap::seed(&system.services, &actor, &settings.profile_text()?, &settings.catalogue_text()?).await?;
    writeln!(out, "Загружено терминов / terms loaded: {}", seeded.terms)?;
    let c = &seeded.catalogue;
    writeln!(
        out,
        "Каталог услуг / catalogue: добавлено {} / added, изменено {} / changed, без изменений {} / unchanged",
        c.added, c.changed, c.unchanged
    )?;
    Ok(())
}
