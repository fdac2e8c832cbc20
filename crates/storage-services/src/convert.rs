//! Rows to domain values and back. Reading goes through the domain's constructors and parsers,
//! so a row edited behind the system's back is `Corrupt`, never a bad value inside the domain.

use chrono::Datelike;
use kernel::{OrganizationId, PersonId, Role, StoreError};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use services_catalog::Conflict;
use services_catalog::model::case::{AdvocacyCase, CaseId};
use services_catalog::model::catalogue::{Audience, CatalogueService, CatalogueServiceId};
use services_catalog::model::delivery::{DeliveredService, Deliverer, Delivery, DeliveryId, Recipient};
use services_catalog::model::directory::{Capacity, Cost, DirectoryService, DirectoryServiceId, ServiceStatus};
use services_catalog::model::referral::{Referral, ReferralId, ReferralState};
use services_catalog::model::request::{
    Applicant, ApplicantContact, Extension, IntakeChannel, RejectionReason, Request, RequestEvent, RequestId,
    RequestKind, RequestState,
};
use services_catalog::model::values::{self, Code};
use services_catalog::ports::name_key;
use services_catalog::rules::deadlines::{DayCount, DeadlinePolicy};
use storage::errors::corrupt;

use crate::entities::{
    advocacy_case, catalogue_service, delivery, directory_service, referral, request, request_event,
};

type Read<T> = Result<T, StoreError<Conflict>>;

/// The running deadline's key of a request with none (closed, or owed no answer): after every date.
pub const NO_DEADLINE: i64 = i64::MAX;

/// A date's key: days from the common era.
pub fn day_key(day: chrono::NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce())
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("domain values serialise")
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Read<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn coded<T>(what: &str, text: &str, parse: impl Fn(&str) -> Option<T>) -> Read<T> {
    parse(text).ok_or_else(|| corrupt(what, text))
}

fn code(what: &str, text: &str) -> Read<Code> {
    Code::parse(text).ok().filter(|c| c.as_str() == text).ok_or_else(|| corrupt(what, text))
}

/// A stored text as the domain accepts it (no control or invisible character, not empty).
fn text(what: &str, stored: String) -> Read<String> {
    match values::text(&stored, 1_000_000, true) {
        Ok(checked) if checked == stored => Ok(stored),
        _ => Err(corrupt(what, "not a text the domain accepts")),
    }
}

fn optional(what: &str, stored: Option<String>) -> Read<Option<String>> {
    stored.map(|s| text(what, s)).transpose()
}

fn positive(what: &str, version: i64) -> Read<i64> {
    if version >= 1 { Ok(version) } else { Err(corrupt(what, version)) }
}

fn small<T: TryFrom<i64>>(what: &str, n: i64) -> Read<T> {
    T::try_from(n).map_err(|_| corrupt(what, n))
}

fn policy(what: &str, days: i32, counting: &str, shift: bool) -> Read<DeadlinePolicy> {
    let counting = coded(what, counting, DayCount::parse)?;
    DeadlinePolicy::new(small(what, i64::from(days))?, counting, shift).ok_or_else(|| corrupt(what, days))
}

fn codes(what: &str, text: &str) -> Read<Vec<Code>> {
    parse_json(what, text)
}

pub fn catalogue_row(s: &CatalogueService) -> catalogue_service::ActiveModel {
    let audiences: Vec<&str> = s.audiences.iter().map(|a| a.code()).collect();
    catalogue_service::Model {
        id: s.id.0,
        code: s.code.to_string(),
        version: s.version,
        category: s.category.to_string(),
        name_ru: s.name_ru.clone(),
        name_en: s.name_en.clone(),
        description: s.description.clone(),
        audiences: json(&audiences),
        unit: s.unit.to_string(),
        deadline_days: i32::from(s.deadline.days),
        deadline_counting: s.deadline.counting.code().to_owned(),
        shift_to_working_day: s.deadline.shift_to_working_day,
        responsible: s.responsible.code().to_owned(),
        retired_on: s.retired_on,
    }
    .into_active_model()
    .reset_all()
}

pub fn catalogue_from(row: catalogue_service::Model) -> Read<CatalogueService> {
    let audiences: Vec<String> = parse_json("catalogue_services.audiences", &row.audiences)?;
    let audiences = audiences
        .iter()
        .map(|a| coded("catalogue_services.audiences", a, Audience::parse))
        .collect::<Read<Vec<_>>>()?;
    if audiences.is_empty() {
        return Err(corrupt("catalogue_services.audiences", "empty"));
    }
    Ok(CatalogueService {
        id: CatalogueServiceId(row.id),
        code: code("catalogue_services.code", &row.code)?,
        version: positive("catalogue_services.version", row.version)?,
        category: code("catalogue_services.category", &row.category)?,
        name_ru: text("catalogue_services.name_ru", row.name_ru)?,
        name_en: text("catalogue_services.name_en", row.name_en)?,
        description: text("catalogue_services.description", row.description)?,
        audiences,
        unit: code("catalogue_services.unit", &row.unit)?,
        deadline: policy(
            "catalogue_services.deadline",
            row.deadline_days,
            &row.deadline_counting,
            row.shift_to_working_day,
        )?,
        responsible: coded("catalogue_services.responsible", &row.responsible, Role::parse)?,
        retired_on: row.retired_on,
    })
}

pub fn directory_row(s: &DirectoryService) -> directory_service::ActiveModel {
    directory_service::Model {
        id: s.id.0,
        version: s.version,
        provider_id: s.provider.0,
        name: s.name.clone(),
        sort_key: name_key(&s.name),
        description: s.description.clone(),
        service_types: json(&s.service_types),
        forms: json(&s.forms),
        needs: json(&s.needs),
        municipalities: json(&s.municipalities),
        eligibility: json(&s.eligibility),
        languages: json(&s.languages),
        schedule: s.schedule.clone(),
        cost: s.cost.code().to_owned(),
        fees: s.fees.clone(),
        capacity_total: s.capacity.map(|c| i32::try_from(c.total).unwrap_or(i32::MAX)),
        capacity_free: s.capacity.map(|c| i32::try_from(c.free).unwrap_or(i32::MAX)),
        pathway: json(&s.pathway),
        status: s.status.code().to_owned(),
        updated_at: s.updated_at,
    }
    .into_active_model()
    .reset_all()
}

pub fn directory_from(row: directory_service::Model) -> Read<DirectoryService> {
    let capacity = match (row.capacity_total, row.capacity_free) {
        (None, None) => None,
        (Some(total), Some(free)) if 0 <= free && free <= total => Some(Capacity {
            total: small("directory_services.capacity_total", i64::from(total))?,
            free: small("directory_services.capacity_free", i64::from(free))?,
        }),
        other => return Err(corrupt("directory_services.capacity", format!("{other:?}"))),
    };
    let eligibility: services_catalog::model::directory::Eligibility =
        parse_json("directory_services.eligibility", &row.eligibility)?;
    if let (Some(min), Some(max)) = (eligibility.min_age, eligibility.max_age)
        && min > max
    {
        return Err(corrupt("directory_services.eligibility", "minimum age above the maximum"));
    }
    Ok(DirectoryService {
        id: DirectoryServiceId(row.id),
        version: positive("directory_services.version", row.version)?,
        provider: OrganizationId(row.provider_id),
        name: text("directory_services.name", row.name)?,
        description: text("directory_services.description", row.description)?,
        service_types: codes("directory_services.service_types", &row.service_types)?,
        forms: codes("directory_services.forms", &row.forms)?,
        needs: codes("directory_services.needs", &row.needs)?,
        municipalities: codes("directory_services.municipalities", &row.municipalities)?,
        eligibility,
        languages: codes("directory_services.languages", &row.languages)?,
        schedule: optional("directory_services.schedule", row.schedule)?,
        cost: coded("directory_services.cost", &row.cost, Cost::parse)?,
        fees: optional("directory_services.fees", row.fees)?,
        capacity,
        pathway: parse_json("directory_services.pathway", &row.pathway)?,
        status: coded("directory_services.status", &row.status, ServiceStatus::parse)?,
        updated_at: row.updated_at,
    })
}

/// A request's row; `number`, `number_year` and `number_seq` are the store's to give.
pub fn request_row(r: &Request, number: &str, seq: i32) -> request::ActiveModel {
    let (kind, organization, person, contact) = match &r.applicant {
        Applicant::Organization(id) => ("organization", Some(id.0), None, ApplicantContact::default()),
        Applicant::Person(id) => ("person", None, Some(id.0), ApplicantContact::default()),
        Applicant::Citizen(contact) => ("citizen", None, None, contact.clone()),
        Applicant::Anonymous => ("anonymous", None, None, ApplicantContact::default()),
    };
    request::Model {
        id: r.id.0,
        number: number.to_owned(),
        number_year: r.received_on.year(),
        number_seq: seq,
        version: r.version,
        kind: r.kind.code().to_owned(),
        channel: r.channel.code().to_owned(),
        topic: r.topic.clone(),
        catalogue_service_id: r.service.map(|s| s.0),
        body: r.text.clone(),
        attachments: json(&r.attachments),
        applicant_kind: kind.to_owned(),
        organization_id: organization,
        person_id: person,
        applicant_name: contact.name,
        applicant_email: contact.email,
        applicant_postal_address: contact.postal_address,
        applicant_phone: contact.phone,
        consent_given: r.consent_given,
        received_on: r.received_on,
        register_due: r.register_due,
        deadline_days: i32::from(r.policy.days),
        deadline_counting: r.policy.counting.code().to_owned(),
        shift_to_working_day: r.policy.shift_to_working_day,
        state: r.state.code().to_owned(),
        registered_on: r.registered_on,
        answer_due: r.answer_due,
        due_predicted: r.due_predicted,
        extended_on: r.extension.as_ref().map(|e| e.on),
        extension_days: r.extension.as_ref().map(|e| i32::from(e.days)),
        extension_reason: r.extension.as_ref().map(|e| e.reason.clone()),
        extension_notice: r.extension.as_ref().map(|e| e.notice.clone()),
        assignee: r.assignee.clone(),
        answer: r.answer.clone(),
        resolved_on: r.resolved_on,
        redirected_to: r.redirected_to.clone(),
        rejection: r.rejection.map(|x| x.code().to_owned()),
        deadline_key: r.deadline().map_or(NO_DEADLINE, day_key),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
    .into_active_model()
    .reset_all()
}

pub fn request_from(row: request::Model) -> Read<Request> {
    let what = "requests.applicant";
    let contact = ApplicantContact {
        name: optional(what, row.applicant_name)?,
        email: optional(what, row.applicant_email)?,
        postal_address: optional(what, row.applicant_postal_address)?,
        phone: optional(what, row.applicant_phone)?,
    };
    let applicant = match (row.applicant_kind.as_str(), row.organization_id, row.person_id) {
        ("organization", Some(id), None) => Applicant::Organization(OrganizationId(id)),
        ("person", None, Some(id)) => Applicant::Person(PersonId(id)),
        ("citizen", None, None) if contact != ApplicantContact::default() => Applicant::Citizen(contact.clone()),
        ("anonymous", None, None) => Applicant::Anonymous,
        (kind, ..) => return Err(corrupt(what, kind)),
    };
    if !matches!(applicant, Applicant::Citizen(_)) && contact != ApplicantContact::default() {
        return Err(corrupt(what, "contact fields on a registry applicant"));
    }
    let extension = match (row.extended_on, row.extension_days, row.extension_reason, row.extension_notice) {
        (None, None, None, None) => None,
        (Some(on), Some(days), Some(reason), Some(notice)) => Some(Extension {
            on,
            days: small("requests.extension_days", i64::from(days))?,
            reason: text("requests.extension_reason", reason)?,
            notice: text("requests.extension_notice", notice)?,
        }),
        _ => return Err(corrupt("requests.extension", "partly filled")),
    };
    let request = Request {
        id: RequestId(row.id),
        number: text("requests.number", row.number)?,
        version: positive("requests.version", row.version)?,
        kind: coded("requests.kind", &row.kind, RequestKind::parse)?,
        channel: coded("requests.channel", &row.channel, IntakeChannel::parse)?,
        topic: text("requests.topic", row.topic)?,
        service: row.catalogue_service_id.map(CatalogueServiceId),
        text: text("requests.body", row.body)?,
        attachments: parse_json("requests.attachments", &row.attachments)?,
        applicant,
        consent_given: row.consent_given,
        received_on: row.received_on,
        register_due: row.register_due,
        policy: policy("requests.deadline", row.deadline_days, &row.deadline_counting, row.shift_to_working_day)?,
        state: coded("requests.state", &row.state, RequestState::parse)?,
        registered_on: row.registered_on,
        answer_due: row.answer_due,
        due_predicted: row.due_predicted,
        extension,
        assignee: optional("requests.assignee", row.assignee)?,
        answer: optional("requests.answer", row.answer)?,
        resolved_on: row.resolved_on,
        redirected_to: optional("requests.redirected_to", row.redirected_to)?,
        rejection: row
            .rejection
            .as_deref()
            .map(|r| coded("requests.rejection", r, RejectionReason::parse))
            .transpose()?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    };
    if request.answer_due.is_some_and(|due| request.registered_on.is_none_or(|r| due < r)) {
        return Err(corrupt("requests.answer_due", "before registration"));
    }
    if row.deadline_key != request.deadline().map_or(NO_DEADLINE, day_key) {
        return Err(corrupt("requests.deadline_key", row.deadline_key));
    }
    Ok(request)
}

pub fn event_row(e: &RequestEvent) -> request_event::ActiveModel {
    request_event::Model {
        id: kernel::new_uuid(),
        request_id: e.request.0,
        at: e.at,
        actor: e.by.clone(),
        state: e.state.code().to_owned(),
        what: e.what.clone(),
        note: e.note.clone(),
    }
    .into_active_model()
    .reset_all()
}

pub fn event_from(row: request_event::Model) -> Read<RequestEvent> {
    Ok(RequestEvent {
        request: RequestId(row.request_id),
        at: row.at,
        by: text("request_events.actor", row.actor)?,
        state: coded("request_events.state", &row.state, RequestState::parse)?,
        what: code("request_events.what", &row.what).map(|c| c.to_string())?,
        note: optional("request_events.note", row.note)?,
    })
}

pub fn referral_row(r: &Referral) -> referral::ActiveModel {
    referral::Model {
        id: r.id.0,
        version: r.version,
        request_id: r.request.0,
        person_id: r.person.0,
        service_id: r.service.0,
        provider_id: r.provider.0,
        state: r.state.code().to_owned(),
        note: r.note.clone(),
        outcome: r.outcome.clone(),
        created_by: r.created_by.clone(),
        created_at: r.created_at,
        answered_by: r.answered_by.clone(),
        updated_at: r.updated_at,
    }
    .into_active_model()
    .reset_all()
}

pub fn referral_from(row: referral::Model) -> Read<Referral> {
    Ok(Referral {
        id: ReferralId(row.id),
        version: positive("referrals.version", row.version)?,
        request: RequestId(row.request_id),
        person: PersonId(row.person_id),
        service: DirectoryServiceId(row.service_id),
        provider: OrganizationId(row.provider_id),
        state: coded("referrals.state", &row.state, ReferralState::parse)?,
        note: optional("referrals.note", row.note)?,
        outcome: optional("referrals.outcome", row.outcome)?,
        created_by: text("referrals.created_by", row.created_by)?,
        created_at: row.created_at,
        answered_by: optional("referrals.answered_by", row.answered_by)?,
        updated_at: row.updated_at,
    })
}

pub fn delivery_row(d: &Delivery) -> delivery::ActiveModel {
    let (catalogue, directory) = match d.service {
        DeliveredService::Catalogue(id) => (Some(id.0), None),
        DeliveredService::Directory(id) => (None, Some(id.0)),
    };
    let (kind, organization, person, head_count, description) = match &d.recipient {
        Recipient::Organization(id) => ("organization", Some(id.0), None, None, None),
        Recipient::Person(id) => ("person", None, Some(id.0), None, None),
        Recipient::Group { head_count, description } => {
            ("group", None, None, Some(i32::try_from(*head_count).unwrap_or(i32::MAX)), Some(description.clone()))
        }
    };
    let (staff, volunteer) = match &d.delivered_by {
        Deliverer::Staff(login) => (Some(login.clone()), None),
        Deliverer::Volunteer(id) => (None, Some(id.0)),
    };
    delivery::Model {
        id: d.id.0,
        catalogue_service_id: catalogue,
        directory_service_id: directory,
        recipient_kind: kind.to_owned(),
        organization_id: organization,
        person_id: person,
        head_count,
        group_description: description,
        delivered_on: d.delivered_on,
        quantity: i64::from(d.quantity),
        staff_login: staff,
        volunteer_id: volunteer,
        outcome: d.outcome.clone(),
        satisfaction: d.satisfaction.map(i32::from),
        request_id: d.request.map(|r| r.0),
        recorded_by: d.recorded_by.clone(),
        recorded_at: d.recorded_at,
    }
    .into_active_model()
    .reset_all()
}

pub fn delivery_from(row: delivery::Model) -> Read<Delivery> {
    let service = match (row.catalogue_service_id, row.directory_service_id) {
        (Some(id), None) => DeliveredService::Catalogue(CatalogueServiceId(id)),
        (None, Some(id)) => DeliveredService::Directory(DirectoryServiceId(id)),
        _ => return Err(corrupt("deliveries.service", "not exactly one service")),
    };
    let recipient = match (
        row.recipient_kind.as_str(),
        row.organization_id,
        row.person_id,
        row.head_count,
        row.group_description,
    ) {
        ("organization", Some(id), None, None, None) => Recipient::Organization(OrganizationId(id)),
        ("person", None, Some(id), None, None) => Recipient::Person(PersonId(id)),
        ("group", None, None, Some(n), Some(description)) if n >= 1 => Recipient::Group {
            head_count: small("deliveries.head_count", i64::from(n))?,
            description: text("deliveries.group_description", description)?,
        },
        (kind, ..) => return Err(corrupt("deliveries.recipient", kind)),
    };
    let delivered_by = match (row.staff_login, row.volunteer_id) {
        (Some(login), None) => Deliverer::Staff(text("deliveries.staff_login", login)?),
        (None, Some(id)) => Deliverer::Volunteer(PersonId(id)),
        _ => return Err(corrupt("deliveries.delivered_by", "not exactly one")),
    };
    let quantity: u32 = small("deliveries.quantity", row.quantity)?;
    let satisfaction = row.satisfaction.map(|s| small::<u8>("deliveries.satisfaction", i64::from(s))).transpose()?;
    if quantity == 0 || satisfaction.is_some_and(|s| !(1..=5).contains(&s)) {
        return Err(corrupt("deliveries.quantity", quantity));
    }
    Ok(Delivery {
        id: DeliveryId(row.id),
        service,
        recipient,
        delivered_on: row.delivered_on,
        quantity,
        delivered_by,
        outcome: optional("deliveries.outcome", row.outcome)?,
        satisfaction,
        request: row.request_id.map(RequestId),
        recorded_by: text("deliveries.recorded_by", row.recorded_by)?,
        recorded_at: row.recorded_at,
    })
}

pub fn case_row(c: &AdvocacyCase) -> advocacy_case::ActiveModel {
    advocacy_case::Model {
        id: c.id.0,
        version: c.version,
        request_id: c.request.0,
        lawyer: c.lawyer.clone(),
        subject: c.subject.clone(),
        parties: json(&c.parties),
        forum: c.forum.clone(),
        case_number: c.case_number.clone(),
        hearings: json(&c.hearings),
        deadlines: json(&c.deadlines),
        documents: json(&c.documents),
        outcome: c.outcome.clone(),
        closed_on: c.closed_on,
        opened_at: c.opened_at,
        updated_at: c.updated_at,
    }
    .into_active_model()
    .reset_all()
}

pub fn case_from(row: advocacy_case::Model) -> Read<AdvocacyCase> {
    Ok(AdvocacyCase {
        id: CaseId(row.id),
        version: positive("advocacy_cases.version", row.version)?,
        request: RequestId(row.request_id),
        lawyer: text("advocacy_cases.lawyer", row.lawyer)?,
        subject: text("advocacy_cases.subject", row.subject)?,
        parties: parse_json("advocacy_cases.parties", &row.parties)?,
        forum: optional("advocacy_cases.forum", row.forum)?,
        case_number: optional("advocacy_cases.case_number", row.case_number)?,
        hearings: parse_json("advocacy_cases.hearings", &row.hearings)?,
        deadlines: parse_json("advocacy_cases.deadlines", &row.deadlines)?,
        documents: parse_json("advocacy_cases.documents", &row.documents)?,
        outcome: optional("advocacy_cases.outcome", row.outcome)?,
        closed_on: row.closed_on,
        opened_at: row.opened_at,
        updated_at: row.updated_at,
    })
}
