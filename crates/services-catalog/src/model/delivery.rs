//! A delivery: one service given, the ground truth of the KPI "number of social services
//! provided" and of the service reach.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{OrganizationId, PersonId, define_id};

use crate::model::catalogue::CatalogueServiceId;
use crate::model::directory::DirectoryServiceId;
use crate::model::request::RequestId;

define_id!(
    /// Identifies a delivery.
    DeliveryId
);

/// Which service was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveredService {
    /// One of the centre's.
    Catalogue(CatalogueServiceId),
    /// An NGO's, from the directory.
    Directory(DirectoryServiceId),
}

/// Who received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// An organisation of the registry.
    Organization(OrganizationId),
    /// A person of the registry.
    Person(PersonId),
    /// People not recorded one by one (a seminar's audience), counted.
    Group {
        /// How many.
        head_count: u32,
        /// Who they were (`участники семинара в Обнинске`).
        description: String,
    },
}

/// Who gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deliverer {
    /// A member of staff (login).
    Staff(String),
    /// A volunteer of the registry.
    Volunteer(PersonId),
}

/// One service given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Identity.
    pub id: DeliveryId,
    /// The service.
    pub service: DeliveredService,
    /// The recipient.
    pub recipient: Recipient,
    /// The day it was given.
    pub delivered_on: NaiveDate,
    /// How much, in the service's unit, in hundredths (150 = 1.5 hours).
    pub quantity: u32,
    /// Who gave it.
    pub delivered_by: Deliverer,
    /// What came of it.
    pub outcome: Option<String>,
    /// The recipient's satisfaction, 1 to 5.
    pub satisfaction: Option<u8>,
    /// The request it answered, if any.
    pub request: Option<RequestId>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl Delivery {
    /// The organisation it went to, if any (a representative's record scope).
    pub fn organization(&self) -> Option<OrganizationId> {
        match self.recipient {
            Recipient::Organization(id) => Some(id),
            _ => None,
        }
    }

    /// The person it went to, if any.
    pub fn person(&self) -> Option<PersonId> {
        match self.recipient {
            Recipient::Person(id) => Some(id),
            _ => None,
        }
    }

    /// The volunteer who gave it, if a volunteer did.
    pub fn volunteer(&self) -> Option<PersonId> {
        match self.delivered_by {
            Deliverer::Volunteer(id) => Some(id),
            Deliverer::Staff(_) => None,
        }
    }

    /// The NGO's directory service it was, if it was one.
    pub fn directory_service(&self) -> Option<DirectoryServiceId> {
        match self.service {
            DeliveredService::Directory(id) => Some(id),
            DeliveredService::Catalogue(_) => None,
        }
    }
}
