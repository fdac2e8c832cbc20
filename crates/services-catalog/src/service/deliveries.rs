//! Deliveries: record the services given, one by one or a whole file at once (all rows or
//! none), and read them back by service, recipient and period.

use chrono::NaiveDate;
use kernel::{Actor, OrganizationId, Page, PageRequest, PersonId};

use crate::actions::{DELIVERY_READ, DELIVERY_WRITE};
use crate::error::{Conflict, ServicesError};
use crate::model::catalogue::CatalogueService;
use crate::model::delivery::{DeliveredService, Deliverer, Delivery, DeliveryId, Recipient};
use crate::model::directory::DirectoryServiceId;
use crate::model::request::Applicant;
use crate::model::values::{self, AtField, Invalid, Problem};
use crate::ports::DeliveryFilter;
use crate::service::{Narrow, ServicesCatalog};

/// The most deliveries one batch records.
pub const MAX_BATCH: usize = 10_000;
/// The largest quantity of one delivery, in hundredths of its unit.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// The recipient as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientInput {
    /// An organisation.
    Organization(OrganizationId),
    /// A person.
    Person(PersonId),
    /// A counted group.
    Group {
        /// How many.
        head_count: i64,
        /// Who.
        description: String,
    },
}

/// A delivery as typed or read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryInput {
    /// The service.
    pub service: DeliveredService,
    /// The recipient.
    pub recipient: RecipientInput,
    /// The day.
    pub delivered_on: NaiveDate,
    /// Quantity in hundredths of the unit.
    pub quantity: i64,
    /// A volunteer who gave it; staff (the recording login) when absent.
    pub volunteer: Option<PersonId>,
    /// The member of staff who gave it, when not the one recording it.
    pub staff: Option<String>,
    /// The outcome.
    pub outcome: Option<String>,
    /// Satisfaction 1 to 5.
    pub satisfaction: Option<i64>,
    /// The request it answered.
    pub request: Option<crate::model::request::RequestId>,
}

/// A quantity as written (`2`, `1.5`, `0,25`): positive, at most two decimals, in hundredths.
pub fn parse_quantity(raw: &str) -> Result<i64, Problem> {
    let text = raw.trim().replace(',', ".");
    let bad = || Problem::OutOfRange { min: 0, max: i64::from(MAX_QUANTITY / 100) };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || whole.len() > 7 || fraction.len() > 2 {
        return Err(bad());
    }
    if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let fraction: i64 = if fraction.is_empty() { 0 } else { format!("{fraction:0<2}").parse().map_err(|_| bad())? };
    Ok(whole * 100 + fraction)
}

impl DeliveryInput {
    /// The delivery this input describes, recorded by `recorded_by` at `now`; a catalogue
    /// service must be offered on the day.
    pub fn validate(
        &self,
        catalogue: &[CatalogueService],
        recorded_by: &str,
        now: chrono::DateTime<chrono::Utc>,
        today: NaiveDate,
    ) -> Result<Delivery, Invalid> {
        let delivered_on = values::past_day(self.delivered_on, today).at("deliveredOn")?;
        if let DeliveredService::Catalogue(id) = self.service {
            let service = catalogue.iter().find(|s| s.id == id);
            match service {
                None => {
                    return Err(Problem::UnknownCode { code: id.to_string(), list: "catalogue" })
                        .at("catalogueServiceId")?;
                }
                Some(s) if !s.is_offered(delivered_on) => {
                    return Err(Problem::Inconsistent {
                        ru: "услуга снята с каталога раньше этого дня",
                        en: "the service was retired before that day",
                    })
                    .at("catalogueServiceId");
                }
                // A person or a group may be an NGO's staff at a seminar; an organisation is
                // never a citizen.
                Some(s)
                    if matches!(self.recipient, RecipientInput::Organization(_))
                        && !s.audiences.iter().any(|a| a.is_organisation()) =>
                {
                    return Err(Problem::Inconsistent {
                        ru: "эта услуга каталога оказывается только гражданам, не организациям",
                        en: "this catalogue service is for citizens only, not for organisations",
                    })
                    .at("organizationId");
                }
                Some(_) => {}
            }
        }
        let recipient = match &self.recipient {
            RecipientInput::Organization(id) => Recipient::Organization(*id),
            RecipientInput::Person(id) => Recipient::Person(*id),
            RecipientInput::Group { head_count, description } => Recipient::Group {
                head_count: u32::try_from(*head_count)
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or(Problem::OutOfRange { min: 1, max: 100_000 })
                    .at("recipient.headCount")?,
                description: values::text(description, 300, false).at("recipient.description")?,
            },
        };
        let delivered_by = match (&self.volunteer, &self.staff) {
            (Some(_), Some(_)) => {
                return Err(Problem::Inconsistent {
                    ru: "укажите либо добровольца, либо сотрудника",
                    en: "name either a volunteer or a member of staff",
                })
                .at("deliveredBy");
            }
            (Some(person), None) => Deliverer::Volunteer(*person),
            (None, Some(login)) => Deliverer::Staff(values::text(login, 64, false).at("deliveredBy")?),
            (None, None) => Deliverer::Staff(recorded_by.to_owned()),
        };
        Ok(Delivery {
            id: DeliveryId::new(),
            service: self.service,
            recipient,
            delivered_on,
            quantity: u32::try_from(self.quantity)
                .ok()
                .filter(|q| (1..=MAX_QUANTITY).contains(q))
                .ok_or(Problem::OutOfRange { min: 1, max: i64::from(MAX_QUANTITY) })
                .at("quantity")?,
            delivered_by,
            outcome: values::optional_text(self.outcome.as_deref(), 2000, true).at("outcome")?,
            satisfaction: self
                .satisfaction
                .map(|s| {
                    u8::try_from(s).ok().filter(|s| (1..=5).contains(s)).ok_or(Problem::OutOfRange { min: 1, max: 5 })
                })
                .transpose()
                .at("satisfaction")?,
            request: self.request,
            recorded_by: recorded_by.to_owned(),
            recorded_at: now,
        })
    }
}

impl ServicesCatalog {
    /// Records deliveries, all or none: a row that does not pass names its index and field
    /// (`deliveries[3].quantity`), and nothing is written.
    pub async fn record_deliveries(
        &self,
        actor: &Actor,
        inputs: &[DeliveryInput],
    ) -> Result<Vec<Delivery>, ServicesError> {
        let deliveries = match self.check_deliveries(actor, inputs).await? {
            Ok(deliveries) => deliveries,
            Err(problems) => {
                return Err(problems.into_iter().next().map_or(ServicesError::NotFound("delivery"), Into::into));
            }
        };
        let audit = self.gate.event(actor, DELIVERY_WRITE, None).with_detail(format!(
            "record {} deliveries ({}..{})",
            deliveries.len(),
            deliveries.first().map(|d| d.id.0).unwrap_or_default(),
            deliveries.last().map(|d| d.id.0).unwrap_or_default()
        ));
        self.ports.deliveries.insert_all(&deliveries, &audit).await.map_err(|e| match e {
            kernel::StoreError::Conflict(Conflict::MissingReference) => ServicesError::Invalid(Invalid {
                field: "deliveries".into(),
                problem: Problem::Inconsistent {
                    ru: "запись ссылается на несуществующую услугу, организацию, человека или обращение",
                    en: "a record names a service, organisation, person or request that does not exist",
                },
            }),
            other => other.into(),
        })?;
        Ok(deliveries)
    }

    /// Checks a batch of deliveries as [`Self::record_deliveries`] would, writing nothing: the
    /// deliveries, or every problem of every row, in row order, each naming its index and field
    /// (`deliveries[3].personId`): the values, the catalogue, the records named, the staff
    /// logins and the requests answered. `nko import deliveries --dry-run` runs this alone.
    pub async fn check_deliveries(
        &self,
        actor: &Actor,
        inputs: &[DeliveryInput],
    ) -> Result<Result<Vec<Delivery>, Vec<Invalid>>, ServicesError> {
        self.gate.require_all(actor, DELIVERY_WRITE, None).await?;
        if inputs.is_empty() || inputs.len() > MAX_BATCH {
            return Err(Problem::OutOfRange { min: 1, max: MAX_BATCH as i64 }).at("deliveries")?;
        }
        let catalogue = self.ports.catalogue.all().await?;
        let (now, today) = (self.gate.clock().now(), self.today());
        let at = |i: usize, invalid: Invalid| Invalid {
            field: format!("deliveries[{i}].{}", invalid.field),
            problem: invalid.problem,
        };
        let mut problems: Vec<Invalid> = Vec::new();
        let mut valid: Vec<(usize, Delivery)> = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            match input.validate(&catalogue, &actor.login, now, today) {
                Ok(delivery) => valid.push((i, delivery)),
                Err(invalid) => problems.push(at(i, invalid)),
            }
        }
        // Each login named is checked once, however many rows name it.
        let mut checked_logins: std::collections::HashMap<&str, Option<Invalid>> = std::collections::HashMap::new();
        for (i, delivery) in &valid {
            if let Deliverer::Staff(login) = &delivery.delivered_by
                && login != &actor.login
            {
                if !checked_logins.contains_key(login.as_str()) {
                    let verdict = match self.staff_for(login, DELIVERY_WRITE, "staffLogin").await {
                        Ok(()) => None,
                        Err(ServicesError::Invalid(invalid)) => Some(invalid),
                        Err(other) => return Err(other),
                    };
                    checked_logins.insert(login, verdict);
                }
                if let Some(Some(invalid)) = checked_logins.get(login.as_str()) {
                    problems.push(at(*i, invalid.clone()));
                }
            }
        }
        problems.extend(self.missing_references(&valid).await?);
        problems.extend(self.unmatched_requests(&valid).await?);
        problems.sort_by_key(|p| row_of(&p.field));
        Ok(if problems.is_empty() { Ok(valid.into_iter().map(|(_, d)| d).collect()) } else { Err(problems) })
    }

    /// The rows whose request is not from their recipient (or does not exist): an organisation's
    /// request is answered to that organisation, a registry person's to that person; a citizen
    /// known only by their letter may be recorded as a person.
    async fn unmatched_requests(&self, deliveries: &[(usize, Delivery)]) -> Result<Vec<Invalid>, ServicesError> {
        let mut asked: Vec<crate::model::request::RequestId> =
            deliveries.iter().filter_map(|(_, d)| d.request).collect();
        asked.sort();
        asked.dedup();
        let requests = if asked.is_empty() { Vec::new() } else { self.ports.requests.get_many(&asked).await? };
        let mut problems = Vec::new();
        for (i, delivery) in deliveries {
            let Some(id) = delivery.request else { continue };
            let matches =
                requests.iter().find(|r| r.id == id).is_some_and(|r| match (&delivery.recipient, &r.applicant) {
                    (Recipient::Organization(o), applicant) => applicant.organization() == Some(*o),
                    (Recipient::Person(p), Applicant::Person(q)) => p == q,
                    (Recipient::Person(_), Applicant::Organization(_)) => false,
                    (Recipient::Person(_), Applicant::Citizen(_) | Applicant::Anonymous) => true,
                    (Recipient::Group { .. }, _) => true,
                });
            if !matches {
                let problem = Problem::Inconsistent {
                    ru: "обращение не от этого получателя (или его нет)",
                    en: "the request is not from this recipient (or does not exist)",
                };
                problems.push(Invalid { field: format!("deliveries[{i}].requestId"), problem });
            }
        }
        Ok(problems)
    }

    /// The rows naming an organisation, person, volunteer or directory service not on record,
    /// each with its field: one read of each kind for the whole batch.
    async fn missing_references(&self, deliveries: &[(usize, Delivery)]) -> Result<Vec<Invalid>, ServicesError> {
        let mut organizations: Vec<OrganizationId> = deliveries.iter().filter_map(|(_, d)| d.organization()).collect();
        let mut people: Vec<PersonId> =
            deliveries.iter().flat_map(|(_, d)| d.person().into_iter().chain(d.volunteer())).collect();
        let mut services: Vec<DirectoryServiceId> =
            deliveries.iter().filter_map(|(_, d)| d.directory_service()).collect();
        organizations.sort();
        organizations.dedup();
        people.sort();
        people.dedup();
        services.sort();
        services.dedup();
        let (known_organizations, known_people) = self.ports.parties.known(&organizations, &people).await?;
        let known_services: Vec<DirectoryServiceId> = if services.is_empty() {
            Vec::new()
        } else {
            self.ports.directory.get_many(&services).await?.iter().map(|s| s.id).collect()
        };
        let missing = |i: &usize, field: &str| Invalid {
            field: format!("deliveries[{i}].{field}"),
            problem: Problem::Inconsistent {
                ru: "такой записи нет (проверьте идентификатор)",
                en: "no such record is on file (check the id)",
            },
        };
        let mut problems = Vec::new();
        for (i, d) in deliveries {
            if d.organization().is_some_and(|o| !known_organizations.contains(&o)) {
                problems.push(missing(i, "organizationId"));
            }
            if d.person().is_some_and(|p| !known_people.contains(&p)) {
                problems.push(missing(i, "personId"));
            }
            if d.volunteer().is_some_and(|p| !known_people.contains(&p)) {
                problems.push(missing(i, "volunteerId"));
            }
            if d.directory_service().is_some_and(|s| !known_services.contains(&s)) {
                problems.push(missing(i, "directoryServiceId"));
            }
        }
        Ok(problems)
    }

    /// A page of deliveries, latest first; a representative sees what their organisation received.
    pub async fn deliveries(
        &self,
        actor: &Actor,
        mut filter: DeliveryFilter,
        page: PageRequest,
    ) -> Result<Page<Delivery>, ServicesError> {
        let scope = self.gate.check(actor, DELIVERY_READ, None).await?;
        match Narrow::from(scope) {
            Narrow::All => {}
            Narrow::Organization(own) if filter.organization.is_none_or(|o| o == own) => {
                filter.organization = Some(own)
            }
            _ => return Ok(Page::empty(&page)),
        }
        Ok(self.ports.deliveries.list(&filter, page).await?)
    }

    /// The deliveries these organisations received (the `deliveriesReceived` field).
    pub async fn deliveries_to(
        &self,
        actor: &Actor,
        organizations: &[OrganizationId],
    ) -> Result<Vec<Delivery>, ServicesError> {
        let scope = self.gate.check(actor, DELIVERY_READ, None).await?;
        let ids = Narrow::from(scope).organizations(organizations);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.ports.deliveries.of_organizations(&ids).await?)
    }
}

/// The row a batch field names (`deliveries[3].quantity` is row 3).
fn row_of(field: &str) -> usize {
    field.strip_prefix("deliveries[").and_then(|rest| rest.split(']').next()).and_then(|i| i.parse().ok()).unwrap_or(0)
}
