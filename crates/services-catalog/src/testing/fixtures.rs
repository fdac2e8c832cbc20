//! Records and reference terms for tests: valid values a test changes only where it matters.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{OrganizationId, PersonId, Role, Term, TermKind};

use crate::model::catalogue::{Audience, CatalogueService, CatalogueServiceId};
use crate::model::delivery::{DeliveredService, Deliverer, Delivery, DeliveryId, Recipient};
use crate::model::directory::{
    Capacity, Cost, DirectoryService, DirectoryServiceId, Eligibility, PathwayStep, ServiceStatus,
};
use crate::model::request::{
    Applicant, ApplicantContact, IntakeChannel, Request, RequestEvent, RequestId, RequestKind, RequestState,
};
use crate::model::values::Code;
use crate::rules::deadlines::{self, DeadlinePolicy};

/// A code known to be valid.
pub fn code(text: &str) -> Code {
    Code::parse(text).expect("a valid code")
}

/// A day.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// The reference terms the fixtures use.
pub fn terms() -> Vec<Term> {
    let term = |kind, code: &str| Term {
        kind,
        code: code.to_owned(),
        name_ru: code.to_owned(),
        name_en: None,
        external_code: None,
        category: None,
        source: None,
        valid_from: None,
        valid_to: None,
    };
    let mut terms = Vec::new();
    for m in ["kaluga_city", "obninsk_city", "borovsky"] {
        terms.push(term(TermKind::Municipality, m));
    }
    for g in
        ["homelessness", "disabled_children", "family_conflict_violence", "unemployment_no_means", "self_care_loss"]
    {
        terms.push(term(TermKind::TargetGroup, g));
    }
    for t in ["social_legal", "social_psychological", "social_household", "hot_meals_food_kits"] {
        terms.push(term(TermKind::ServiceType, t));
    }
    for f in ["home_based", "semi_residential", "residential", "remote"] {
        terms.push(term(TermKind::ServiceForm, f));
    }
    terms
}

/// A catalogue service with this code.
pub fn catalogue_service(code_text: &str) -> CatalogueService {
    CatalogueService {
        id: CatalogueServiceId::new(),
        code: code(code_text),
        version: 1,
        category: code("training_consulting"),
        name_ru: format!("Услуга {code_text}"),
        name_en: format!("Service {code_text}"),
        description: "Консультация по вопросам НКО".into(),
        audiences: vec![Audience::Ngo, Audience::Citizen],
        unit: code("consultation"),
        deadline: DeadlinePolicy::APPEAL,
        responsible: Role::Coordinator,
        retired_on: None,
    }
}

/// A directory service of `provider` serving homelessness in Kaluga.
pub fn directory_service(provider: OrganizationId, name: &str, at: DateTime<Utc>) -> DirectoryService {
    DirectoryService {
        id: DirectoryServiceId::new(),
        version: 1,
        provider,
        name: name.to_owned(),
        description: "Ночлег и горячее питание".into(),
        service_types: vec![code("social_household")],
        forms: vec![code("semi_residential")],
        needs: vec![code("homelessness")],
        municipalities: vec![code("kaluga_city")],
        eligibility: Eligibility {
            min_age: Some(18),
            max_age: None,
            target_groups: Vec::new(),
            income_limit: None,
            documents: vec!["Паспорт (если есть)".into()],
        },
        languages: vec![code("ru")],
        schedule: Some("Ежедневно 18:00–08:00".into()),
        cost: Cost::Free,
        fees: None,
        capacity: Some(Capacity { total: 20, free: 3 }),
        pathway: vec![PathwayStep {
            title: "Прийти в пункт приёма".into(),
            who: "Человек".into(),
            documents: Vec::new(),
            expected_days: 0,
        }],
        status: ServiceStatus::Active,
        updated_at: at,
    }
}

/// A request received on `received_on`, from `applicant`, not registered yet.
pub fn request(applicant: Applicant, received_on: NaiveDate, at: DateTime<Utc>) -> Request {
    let due = deadlines::register_due(received_on).expect("in the calendar");
    Request {
        id: RequestId::new(),
        number: String::new(),
        version: 1,
        kind: RequestKind::Citizen,
        channel: IntakeChannel::Email,
        topic: "Нужен ночлег".into(),
        service: None,
        text: "Прошу помочь с ночлегом".into(),
        attachments: Vec::new(),
        applicant,
        consent_given: true,
        received_on,
        register_due: due.on,
        policy: DeadlinePolicy::APPEAL,
        state: RequestState::Received,
        registered_on: None,
        answer_due: None,
        due_predicted: due.predicted,
        extension: None,
        assignee: None,
        answer: None,
        resolved_on: None,
        redirected_to: None,
        rejection: None,
        created_at: at,
        updated_at: at,
    }
}

/// A citizen known by name and e-mail.
pub fn citizen(name: &str) -> Applicant {
    Applicant::Citizen(ApplicantContact {
        name: Some(name.to_owned()),
        email: Some("citizen@example.ru".into()),
        postal_address: None,
        phone: None,
    })
}

/// The history entry of a change to `request`.
pub fn event(request: &Request, what: &str, at: DateTime<Utc>) -> RequestEvent {
    RequestEvent {
        request: request.id,
        at,
        by: "coordinator".into(),
        state: request.state,
        what: what.into(),
        note: None,
    }
}

/// A delivery of a catalogue service to an organisation on `on`.
pub fn delivery(service: CatalogueServiceId, to: OrganizationId, on: NaiveDate, at: DateTime<Utc>) -> Delivery {
    Delivery {
        id: DeliveryId::new(),
        service: DeliveredService::Catalogue(service),
        recipient: Recipient::Organization(to),
        delivered_on: on,
        quantity: 100,
        delivered_by: Deliverer::Staff("coordinator".into()),
        outcome: Some("Проконсультированы".into()),
        satisfaction: Some(5),
        request: None,
        recorded_by: "coordinator".into(),
        recorded_at: at,
    }
}

/// A delivery to a person, by a volunteer.
pub fn delivery_to_person(
    service: DirectoryServiceId,
    to: PersonId,
    by: PersonId,
    on: NaiveDate,
    at: DateTime<Utc>,
) -> Delivery {
    Delivery {
        service: DeliveredService::Directory(service),
        recipient: Recipient::Person(to),
        delivered_by: Deliverer::Volunteer(by),
        ..delivery(CatalogueServiceId::new(), OrganizationId::new(), on, at)
    }
}
