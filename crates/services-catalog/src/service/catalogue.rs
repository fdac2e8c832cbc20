//! The centre's catalogue: read it, add, change and retire services, and load it from the
//! profile file (`profiles/services.toml`).

use audit::object;
use chrono::NaiveDate;
use kernel::{Actor, Role};

use crate::actions::{CATALOGUE_MANAGE, CATALOGUE_READ};
use crate::error::{Conflict, ServicesError};
use crate::model::catalogue::{Audience, CatalogueService, CatalogueServiceId};
use crate::model::values::{self, AtField, Code, Invalid, Problem};
use crate::rules::deadlines::{DayCount, DeadlinePolicy, MAX_TERM_DAYS};
use crate::service::ServicesCatalog;

/// A catalogue service as typed or read from the profile file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueInput {
    /// Stable code.
    pub code: String,
    /// The catalogue's section.
    pub category: String,
    /// Name in Russian.
    pub name_ru: String,
    /// Name in English.
    pub name_en: String,
    /// What the centre does.
    pub description: String,
    /// Who may ask: `ngo`, `citizen`, `business`, `public_body`.
    pub audiences: Vec<String>,
    /// The unit deliveries are counted in.
    pub unit: String,
    /// The answer term in days.
    pub deadline_days: u16,
    /// `calendar` (59-FZ) or `working`.
    #[serde(default = "calendar")]
    pub deadline_counting: String,
    /// A calendar deadline on a day off moves to the next working day.
    #[serde(default = "yes")]
    pub shift_to_working_day: bool,
    /// The role that answers for it.
    pub responsible: String,
}

fn calendar() -> String {
    "calendar".to_owned()
}

fn yes() -> bool {
    true
}

/// The sections of the centre's catalogue (seed, sections 7 and 8).
pub const CATEGORIES: &[&str] = &[
    "technical_help",
    "information_support",
    "training_consulting",
    "organisational_support",
    "common_interest",
    "additional",
];

/// The longest name or description of a catalogue service.
const MAX_NAME: usize = 300;
const MAX_DESCRIPTION: usize = 4000;

impl CatalogueInput {
    /// The service this input describes, with `id` and `version`; the field names the problem.
    pub fn validate(&self, id: CatalogueServiceId, version: i64) -> Result<CatalogueService, Invalid> {
        let mut audiences = self
            .audiences
            .iter()
            .map(|a| Audience::parse(a.trim()).ok_or(Problem::NotOneOf { accepted: Audience::CODES }))
            .collect::<Result<Vec<_>, _>>()
            .at("audiences")?;
        audiences.sort();
        audiences.dedup();
        if audiences.is_empty() {
            return Err(Problem::Empty).at("audiences");
        }
        let counting = DayCount::parse(self.deadline_counting.trim())
            .ok_or(Problem::NotOneOf { accepted: DayCount::CODES })
            .at("deadlineCounting")?;
        let deadline = DeadlinePolicy::new(self.deadline_days, counting, self.shift_to_working_day)
            .ok_or(Problem::OutOfRange { min: 1, max: i64::from(MAX_TERM_DAYS) })
            .at("deadlineDays")?;
        let responsible = Role::parse(self.responsible.trim())
            .filter(|r| !matches!(r, Role::Anonymous | Role::NgoRepresentative | Role::Volunteer))
            .ok_or(Problem::NotOneOf {
                accepted: &["admin", "coordinator", "trainer", "volunteer_coordinator", "researcher", "lawyer"],
            })
            .at("responsible")?;
        Ok(CatalogueService {
            id,
            code: Code::parse(&self.code).at("code")?,
            version,
            category: Code::parse(&self.category)
                .ok()
                .filter(|c| CATEGORIES.contains(&c.as_str()))
                .ok_or(Problem::NotOneOf { accepted: CATEGORIES })
                .at("category")?,
            name_ru: values::text(&self.name_ru, MAX_NAME, false).at("nameRu")?,
            name_en: values::text(&self.name_en, MAX_NAME, false).at("nameEn")?,
            description: values::text(&self.description, MAX_DESCRIPTION, true).at("description")?,
            audiences,
            unit: Code::parse(&self.unit).at("unit")?,
            deadline,
            responsible,
            retired_on: None,
        })
    }
}

/// Why the catalogue file cannot be loaded: its syntax, or one entry's field.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueFileError {
    /// Not valid TOML, or unknown or missing keys.
    #[error("the catalogue file is not valid: {0}")]
    Syntax(String),
    /// An entry's field is wrong.
    #[error("entry {number} ({code}): {invalid}")]
    Entry {
        /// The entry's number in the file, from 1.
        number: usize,
        /// Its code as written.
        code: String,
        /// What is wrong.
        invalid: Invalid,
    },
    /// Two entries have one code.
    #[error("the code `{0}` appears twice")]
    Duplicate(String),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    services: Vec<CatalogueInput>,
}

/// Reads and checks the catalogue file: every entry valid, every code once.
pub fn parse_catalogue(text: &str) -> Result<Vec<CatalogueInput>, CatalogueFileError> {
    let file: CatalogueFile = toml::from_str(text).map_err(|e| CatalogueFileError::Syntax(e.to_string()))?;
    let mut seen = std::collections::HashSet::new();
    for (index, entry) in file.services.iter().enumerate() {
        let service = entry.validate(CatalogueServiceId::new(), 1).map_err(|invalid| CatalogueFileError::Entry {
            number: index + 1,
            code: entry.code.clone(),
            invalid,
        })?;
        if !seen.insert(service.code.clone()) {
            return Err(CatalogueFileError::Duplicate(service.code.to_string()));
        }
    }
    Ok(file.services)
}

/// What loading the catalogue file changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Services added.
    pub added: usize,
    /// Services changed to match the file.
    pub changed: usize,
    /// Services already as in the file.
    pub unchanged: usize,
}

impl ServicesCatalog {
    /// The catalogue, retired services too, by category then code.
    pub async fn catalogue(&self, actor: &Actor) -> Result<Vec<CatalogueService>, ServicesError> {
        self.gate.require_all(actor, CATALOGUE_READ, None).await?;
        Ok(self.ports.catalogue.all().await?)
    }

    /// One catalogue service.
    pub async fn catalogue_service(
        &self,
        actor: &Actor,
        id: CatalogueServiceId,
    ) -> Result<CatalogueService, ServicesError> {
        self.gate.require_all(actor, CATALOGUE_READ, object("catalogue_service", id.0)).await?;
        self.ports.catalogue.get(id).await?.ok_or(ServicesError::NotFound("catalogue service"))
    }

    /// Adds a service to the catalogue.
    pub async fn add_catalogue_service(
        &self,
        actor: &Actor,
        input: &CatalogueInput,
    ) -> Result<CatalogueService, ServicesError> {
        self.gate.require_all(actor, CATALOGUE_MANAGE, None).await?;
        let service = input.validate(CatalogueServiceId::new(), 1)?;
        let event = self
            .gate
            .event(actor, CATALOGUE_MANAGE, object("catalogue_service", service.id.0))
            .with_detail(format!("add {}", service.code));
        self.ports.catalogue.insert(&service, &event).await?;
        Ok(service)
    }

    /// Changes a service read at `expected_version`; a retired one stays retired.
    pub async fn change_catalogue_service(
        &self,
        actor: &Actor,
        id: CatalogueServiceId,
        expected_version: i64,
        input: &CatalogueInput,
    ) -> Result<CatalogueService, ServicesError> {
        self.gate.require_all(actor, CATALOGUE_MANAGE, object("catalogue_service", id.0)).await?;
        let stored = self.ports.catalogue.get(id).await?.ok_or(ServicesError::NotFound("catalogue service"))?;
        if stored.version != expected_version {
            return Err(ServicesError::Conflict(Conflict::StaleVersion));
        }
        let mut service = input.validate(id, stored.version + 1)?;
        service.retired_on = stored.retired_on;
        let event = self
            .gate
            .event(actor, CATALOGUE_MANAGE, object("catalogue_service", id.0))
            .with_detail(format!("change {} -> version {}", service.code, service.version));
        self.ports.catalogue.update(&service, &event).await?;
        Ok(service)
    }

    /// Retires a service from `on` (today when absent): requests and deliveries that name it
    /// stay, new ones cannot.
    pub async fn retire_catalogue_service(
        &self,
        actor: &Actor,
        id: CatalogueServiceId,
        expected_version: i64,
        on: Option<NaiveDate>,
    ) -> Result<CatalogueService, ServicesError> {
        self.gate.require_all(actor, CATALOGUE_MANAGE, object("catalogue_service", id.0)).await?;
        let on = values::calendar_day(on.unwrap_or_else(|| self.today()), self.today()).at("on")?;
        let mut service = self.ports.catalogue.get(id).await?.ok_or(ServicesError::NotFound("catalogue service"))?;
        if service.version != expected_version {
            return Err(ServicesError::Conflict(Conflict::StaleVersion));
        }
        if service.retired_on.is_some() {
            return Err(ServicesError::NotOffered);
        }
        service.version += 1;
        service.retired_on = Some(on);
        let event = self
            .gate
            .event(actor, CATALOGUE_MANAGE, object("catalogue_service", id.0))
            .with_detail(format!("retire {} from {on}", service.code));
        self.ports.catalogue.update(&service, &event).await?;
        Ok(service)
    }

    /// Loads the catalogue file: adds the services it names by code, changes those that differ,
    /// leaves the rest (and services the file does not name) as they are.
    pub async fn seed_catalogue(&self, actor: &Actor, entries: &[CatalogueInput]) -> Result<SeedReport, ServicesError> {
        self.gate.require_all(actor, CATALOGUE_MANAGE, None).await?;
        let stored = self.ports.catalogue.all().await?;
        let mut report = SeedReport::default();
        for entry in entries {
            let code = Code::parse(&entry.code).at("code")?;
            match stored.iter().find(|s| s.code == code) {
                None => {
                    self.add_catalogue_service(actor, entry).await?;
                    report.added += 1;
                }
                Some(current) => {
                    let mut wanted = entry.validate(current.id, current.version)?;
                    wanted.retired_on = current.retired_on;
                    if &wanted == current {
                        report.unchanged += 1;
                    } else {
                        self.change_catalogue_service(actor, current.id, current.version, entry).await?;
                        report.changed += 1;
                    }
                }
            }
        }
        Ok(report)
    }
}
