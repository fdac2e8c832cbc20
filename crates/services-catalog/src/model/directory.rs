//! The directory of NGOs' social services, shaped after HSDS 3.0: what an organisation of the
//! registry offers, to whom (machine-readable eligibility), where, in which language, at what
//! cost and capacity, and its pathway: the ordered steps a person goes through.

use chrono::{DateTime, Utc};
use kernel::{OrganizationId, define_id};

use crate::model::values::Code;

define_id!(
    /// Identifies a service of the directory.
    DirectoryServiceId
);

/// What a service costs the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cost {
    /// Free of charge.
    Free,
    /// Paid.
    Paid,
    /// Free for some (442-FZ art. 31), paid for others, or partly paid.
    Partly,
}

crate::coded!(Cost { Free => "free", Paid => "paid", Partly => "partly" });

/// Whether a directory service takes new people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceStatus {
    /// Offered.
    Active,
    /// No longer offered (kept for the deliveries and referrals that name it).
    Retired,
}

crate::coded!(ServiceStatus { Active => "active", Retired => "retired" });

/// Who a service is for, as rules a dispatcher's search applies (an absent limit does not limit).
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Eligibility {
    /// The youngest age served, in years.
    pub min_age: Option<u8>,
    /// The oldest age served, in years.
    pub max_age: Option<u8>,
    /// Only people of at least one of these target groups (empty: anyone).
    pub target_groups: Vec<Code>,
    /// Only people whose average per-capita income is at most this multiple of the regional
    /// subsistence minimum, in hundredths (150 = 1.5 × ПМ, 442-FZ art. 31).
    pub income_limit: Option<u16>,
    /// Documents the person brings.
    pub documents: Vec<String>,
}

/// How many people a service can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Capacity {
    /// Places in all.
    pub total: u32,
    /// Places free now.
    pub free: u32,
}

/// One step of a service pathway: the seed's "optimally organised algorithm".
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathwayStep {
    /// What happens.
    pub title: String,
    /// Who does it (the person, the NGO, the social protection office...).
    pub who: String,
    /// Documents needed at this step.
    pub documents: Vec<String>,
    /// Expected duration in calendar days (0: the same day).
    pub expected_days: u16,
}

/// A social service an organisation of the registry offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryService {
    /// Identity.
    pub id: DirectoryServiceId,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The organisation that provides it.
    pub provider: OrganizationId,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Types of social services (442-FZ art. 20 and 21; the `service_type` list).
    pub service_types: Vec<Code>,
    /// Forms (at home, semi-residential, residential, remote; the `service_form` list).
    pub forms: Vec<Code>,
    /// Needs served (442-FZ art. 15 circumstances, 124-FZ categories; the `target_group` list).
    pub needs: Vec<Code>,
    /// Municipalities served; empty: the whole region.
    pub municipalities: Vec<Code>,
    /// Who may receive it.
    pub eligibility: Eligibility,
    /// Languages it is given in (ISO 639-1: `ru`, `en`...); empty: Russian.
    pub languages: Vec<Code>,
    /// When it is given, as the provider says it.
    pub schedule: Option<String>,
    /// What it costs.
    pub cost: Cost,
    /// Tariffs or how the fee is computed.
    pub fees: Option<String>,
    /// Places.
    pub capacity: Option<Capacity>,
    /// The pathway's steps, in order.
    pub pathway: Vec<PathwayStep>,
    /// Offered or retired.
    pub status: ServiceStatus,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl DirectoryService {
    /// The languages it is given in (Russian when none is named).
    pub fn spoken(&self) -> impl Iterator<Item = &str> {
        let russian: &[&str] = if self.languages.is_empty() { &["ru"] } else { &[] };
        self.languages.iter().map(Code::as_str).chain(russian.iter().copied())
    }
}
