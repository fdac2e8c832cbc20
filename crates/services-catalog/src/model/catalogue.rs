//! The centre's own catalogue: every service of the seed's sections 7 and 8, with who may ask
//! for it, its unit of measure, its answer term and the role responsible for it.

use chrono::NaiveDate;
use kernel::{Role, define_id};

use crate::model::values::Code;
use crate::rules::deadlines::DeadlinePolicy;

define_id!(
    /// Identifies a service of the centre's catalogue.
    CatalogueServiceId
);

/// Who may ask the centre for a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    /// A non-profit organisation.
    Ngo,
    /// A citizen.
    Citizen,
    /// A business (charity programmes).
    Business,
    /// A state or municipal body.
    PublicBody,
}

crate::coded!(Audience { Ngo => "ngo", Citizen => "citizen", Business => "business", PublicBody => "public_body" });

impl Audience {
    /// Whether this audience is an organisation (the registry's organisations receive services
    /// as such; a citizen does not).
    pub fn is_organisation(self) -> bool {
        !matches!(self, Audience::Citizen)
    }
}

/// One service of the centre.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueService {
    /// Identity.
    pub id: CatalogueServiceId,
    /// Stable code (`room_booking`, `legal_advocacy`), unique.
    pub code: Code,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The section of the catalogue (`technical_help`, `information_support`,
    /// `training_consulting`, `organisational_support`, `common_interest`, `additional`).
    pub category: Code,
    /// The name in Russian.
    pub name_ru: String,
    /// The name in English.
    pub name_en: String,
    /// What the centre does.
    pub description: String,
    /// Who may ask for it (at least one).
    pub audiences: Vec<Audience>,
    /// The unit a delivery is counted in (`consultation`, `hour`, `event`, `booking`,
    /// `publication`, `case`...).
    pub unit: Code,
    /// The answer term of a request for it.
    pub deadline: DeadlinePolicy,
    /// The role that answers for it.
    pub responsible: Role,
    /// The day it was retired: no new request or delivery names it after.
    pub retired_on: Option<NaiveDate>,
}

impl CatalogueService {
    /// Offered on `day`.
    pub fn is_offered(&self, day: NaiveDate) -> bool {
        self.retired_on.is_none_or(|retired| day < retired)
    }
}
