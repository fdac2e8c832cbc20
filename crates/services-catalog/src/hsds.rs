//! The directory in Open Referral HSDS 3.0: each directory service as a `service` with its
//! organisation, service areas, languages, cost option, required documents, schedule and the
//! profile's terms as attributes; each organisation as an `organization` with its ИНН and ОГРН as
//! identifiers. Nested records get ids derived from their owner and content, so an export of the
//! same data always reads the same.

use chrono::{DateTime, Utc};
use kernel::{OrganizationId, Term, TermKind};
use serde_json::{Value, json};

use crate::model::directory::{Cost, DirectoryService, ServiceStatus};
use crate::model::values::Code;

/// What HSDS says of an organisation, as the registry holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HsdsOrganization {
    /// Identity.
    pub id: OrganizationId,
    /// The full name.
    pub name: String,
    /// The short name, if any.
    pub alternate_name: Option<String>,
    /// Its legal form's name.
    pub legal_status: String,
    /// ИНН.
    pub inn: Option<String>,
    /// ОГРН.
    pub ogrn: Option<String>,
    /// The first public e-mail.
    pub email: Option<String>,
    /// The website.
    pub website: Option<String>,
    /// The year of state registration.
    pub year_incorporated: Option<i32>,
    /// Working (neither suspended nor liquidated): a closed organisation's services are inactive.
    pub open: bool,
}

/// A stable UUID for a record nested in `owner`, named by `parts`: FNV-1a over them, marked as a
/// custom (version 8, RFC 9562) UUID.
pub fn derived_id(owner: uuid::Uuid, parts: &[&str]) -> uuid::Uuid {
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    let prime: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    for byte in owner.as_bytes().iter().copied().chain(parts.iter().flat_map(|p| p.bytes().chain([0xFF]))) {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(prime);
    }
    let mut bytes = hash.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0F) | 0x80;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    uuid::Uuid::from_bytes(bytes)
}

fn name_of(terms: &[Term], kind: TermKind, code: &Code) -> (String, Option<String>) {
    terms
        .iter()
        .find(|t| t.kind == kind && t.code == code.as_str())
        .map(|t| (t.name_ru.clone(), t.source.clone()))
        .unwrap_or_else(|| (code.to_string(), None))
}

fn taxonomy(kind: TermKind) -> &'static str {
    match kind {
        TermKind::ServiceType => "442-ФЗ ст. 20-22: виды социальных услуг",
        TermKind::ServiceForm => "442-ФЗ ст. 19: формы социального обслуживания",
        TermKind::TargetGroup => "442-ФЗ ст. 15, 124-ФЗ ст. 1: обстоятельства и группы",
        TermKind::Municipality => "Муниципальные образования",
        TermKind::LegalForm => "ОКОПФ",
        TermKind::ActivityArea => "7-ФЗ ст. 31.1",
    }
}

/// An organisation as an HSDS `organization` (the fields of `organization_list`).
pub fn organization(org: &HsdsOrganization) -> Value {
    let mut out = json!({
        "id": org.id.0.to_string(),
        "name": org.name,
        "description": format!("{} ({})", org.name, org.legal_status),
        "legal_status": org.legal_status,
    });
    let fields = [
        ("alternate_name", org.alternate_name.clone().map(Value::from)),
        ("tax_id", org.inn.clone().map(Value::from)),
        ("email", org.email.clone().map(Value::from)),
        ("website", org.website.clone().map(Value::from)),
        ("year_incorporated", org.year_incorporated.map(Value::from)),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            out[key] = value;
        }
    }
    out
}

/// The organisation with its identifiers, as a service embeds it.
fn embedded_organization(org: &HsdsOrganization) -> Value {
    let mut out = organization(org);
    let identifiers: Vec<Value> = [("ИНН", "RU-INN", &org.inn), ("ОГРН", "RU-OGRN", &org.ogrn)]
        .into_iter()
        .filter_map(|(kind, scheme, value)| {
            let value = value.as_ref()?;
            Some(json!({
                "id": derived_id(org.id.0, &["identifier", kind]).to_string(),
                "organization_id": org.id.0.to_string(),
                "identifier_scheme": scheme,
                "identifier_type": kind,
                "identifier": value,
            }))
        })
        .collect();
    out["organization_identifiers"] = Value::Array(identifiers);
    out
}

fn eligibility_description(service: &DirectoryService, terms: &[Term]) -> Option<String> {
    let e = &service.eligibility;
    let mut parts = Vec::new();
    match (e.min_age, e.max_age) {
        (Some(min), Some(max)) => parts.push(format!("возраст от {min} до {max} лет")),
        (Some(min), None) => parts.push(format!("возраст от {min} лет")),
        (None, Some(max)) => parts.push(format!("возраст до {max} лет")),
        (None, None) => {}
    }
    if !e.target_groups.is_empty() {
        let names: Vec<String> = e.target_groups.iter().map(|g| name_of(terms, TermKind::TargetGroup, g).0).collect();
        parts.push(format!("для групп: {}", names.join("; ")));
    }
    if let Some(limit) = e.income_limit {
        parts.push(format!("среднедушевой доход не выше {}.{:02} прожиточного минимума", limit / 100, limit % 100));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn application_process(service: &DirectoryService) -> Option<String> {
    let steps: Vec<String> = service
        .pathway
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let documents = if s.documents.is_empty() {
                String::new()
            } else {
                format!("; документы: {}", s.documents.join(", "))
            };
            format!("{}. {} ({}; дней: {}{documents})", i + 1, s.title, s.who, s.expected_days)
        })
        .collect();
    (!steps.is_empty()).then(|| steps.join("\n"))
}

/// A directory service as an HSDS `service` with everything it embeds (`service_with_definitions`).
pub fn service(service: &DirectoryService, provider: &HsdsOrganization, terms: &[Term], region: &str) -> Value {
    let id = service.id.0;
    let sid = id.to_string();
    let nested = |kind: &str, key: &str| derived_id(id, &[kind, key]).to_string();
    let areas: Vec<Value> = if service.municipalities.is_empty() {
        vec![json!({ "id": nested("area", "region"), "service_id": sid, "name": region, "extent_type": "region" })]
    } else {
        service
            .municipalities
            .iter()
            .map(|m| {
                let (name, _) = name_of(terms, TermKind::Municipality, m);
                json!({ "id": nested("area", m.as_str()), "service_id": sid, "name": name, "description": m.as_str() })
            })
            .collect()
    };
    let languages: Vec<Value> = service
        .spoken()
        .map(|code| json!({ "id": nested("language", code), "service_id": sid, "code": code }))
        .collect();
    let option = match service.cost {
        Cost::Free => "бесплатно",
        Cost::Paid => "платно",
        Cost::Partly => "бесплатно для отдельных категорий, для остальных платно",
    };
    let mut cost =
        json!({ "id": nested("cost", service.cost.code()), "service_id": sid, "option": option, "currency": "RUB" });
    if let Some(fees) = &service.fees {
        cost["amount_description"] = Value::from(fees.as_str());
    }
    let mut documents: Vec<&str> = service.eligibility.documents.iter().map(String::as_str).collect();
    documents.extend(service.pathway.iter().flat_map(|s| s.documents.iter().map(String::as_str)));
    let mut seen = std::collections::HashSet::new();
    documents.retain(|d| seen.insert(*d));
    let required_documents: Vec<Value> =
        documents.iter().map(|d| json!({ "id": nested("document", d), "service_id": sid, "document": d })).collect();
    let schedules: Vec<Value> = service
        .schedule
        .iter()
        .map(|s| json!({ "id": nested("schedule", "main"), "service_id": sid, "description": s }))
        .collect();
    let tagged = [
        (TermKind::ServiceType, &service.service_types),
        (TermKind::ServiceForm, &service.forms),
        (TermKind::TargetGroup, &service.needs),
    ];
    let attributes: Vec<Value> = tagged
        .into_iter()
        .flat_map(|(kind, codes)| codes.iter().map(move |code| (kind, code)))
        .map(|(kind, code)| {
            let (name, source) = name_of(terms, kind, code);
            let term_id = derived_id(uuid::Uuid::nil(), &[kind.as_str(), code.as_str()]).to_string();
            json!({
                "id": nested("attribute", &format!("{}:{code}", kind.as_str())),
                "link_id": sid,
                "link_type": kind.as_str(),
                "link_entity": "service",
                "taxonomy_term_id": term_id,
                "taxonomy_term": {
                    "id": term_id,
                    "code": code.as_str(),
                    "name": name,
                    "description": source.unwrap_or_else(|| taxonomy(kind).to_owned()),
                    "taxonomy": taxonomy(kind),
                    "language": "ru",
                },
            })
        })
        .collect();
    let mut out = json!({
        "id": sid,
        "organization_id": provider.id.0.to_string(),
        "name": service.name,
        "description": service.description,
        "status": if service.status == ServiceStatus::Active && provider.open { "active" } else { "inactive" },
        "last_modified": last_modified(service.updated_at),
        "organization": embedded_organization(provider),
        "service_areas": areas,
        "languages": languages,
        "cost_options": [cost],
        "required_documents": required_documents,
        "schedules": schedules,
        "attributes": attributes,
    });
    let optional = [
        ("fees_description", service.fees.clone()),
        ("eligibility_description", eligibility_description(service, terms)),
        ("application_process", application_process(service)),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            out[key] = Value::from(value);
        }
    }
    if let Some(min) = service.eligibility.min_age {
        out["minimum_age"] = Value::from(min);
    }
    if let Some(max) = service.eligibility.max_age {
        out["maximum_age"] = Value::from(max);
    }
    out
}

fn last_modified(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
