//! The services domain's commands: `nko export hsds DIR` (the directory as Open Referral HSDS 3.0
//! files), `nko import deliveries FILE.csv` (services given, all rows or none, every problem by
//! line and column) and `nko requests overdue` (the requests past their deadline, for cron).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use chrono::NaiveDate;
use kernel::{Actor, Lang, Localized, MAX_PAGE_SIZE, OrganizationId, PageRequest, PersonId, TermKind};
use registry_csv::{Encoding, RowError, decode, detect_delimiter, unguard};
use services_catalog::hsds::{self, HsdsOrganization};
use services_catalog::model::delivery::DeliveredService;
use services_catalog::model::directory::DirectoryServiceId;
use services_catalog::model::request::{Request, RequestId};
use services_catalog::ports::{DirectoryFilter, RequestFilter};
use services_catalog::service::{DeliveryInput, QueueName, RecipientInput, parse_quantity};
use system::{Services, Settings};

use crate::explain;

/// Every directory service, page by page.
async fn every_service(
    services: &Services,
    actor: &Actor,
) -> anyhow::Result<Vec<services_catalog::model::directory::DirectoryService>> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = PageRequest { first: MAX_PAGE_SIZE, after: after.clone(), count: false };
        let found =
            services.catalog.services(actor, DirectoryFilter::default(), page).await.map_err(|e| explain(&e))?;
        all.extend(found.items);
        if !found.has_next {
            return Ok(all);
        }
        let next = found.positions.last().cloned();
        anyhow::ensure!(next.is_some() && next > after, "the service list did not advance; nothing was written");
        after = next;
    }
}

/// Writes `services.json` (each a `service_with_definitions`) and `organizations.json` (each an
/// `organization`) into `dir`; answers how many of each.
pub async fn export_hsds(
    settings: &Settings,
    operator: Option<&str>,
    dir: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (system, actor) = crate::open_as(settings, operator).await?;
    let services = &system.services;
    let directory = every_service(services, &actor).await?;
    let mut providers: Vec<OrganizationId> = directory.iter().map(|s| s.provider).collect();
    providers.sort();
    providers.dedup();
    let vocabulary = services.registry.vocabulary();
    let mut organizations = HashMap::new();
    for chunk in providers.chunks(500) {
        let found = services.registry.organizations_by_ids(&actor, chunk).await.map_err(|e| explain(&e))?;
        for org in found {
            let profile = &org.profile;
            let hsds = HsdsOrganization {
                id: org.id,
                name: profile.full_name.as_str().to_owned(),
                alternate_name: profile.short_name.as_ref().map(|n| n.as_str().to_owned()),
                legal_status: vocabulary.name(TermKind::LegalForm, profile.legal_form.as_str(), Lang::Ru),
                inn: profile.inn.as_ref().map(|v| v.as_str().to_owned()),
                ogrn: profile.ogrn.as_ref().map(|v| v.as_str().to_owned()),
                email: profile.emails.first().map(ToString::to_string),
                website: profile.website.as_ref().map(|w| w.as_str().to_owned()),
                year_incorporated: profile.registered_on.map(|d| chrono::Datelike::year(&d)),
                open: org.status == registry::model::OrgStatus::Active,
            };
            organizations.insert(org.id, hsds);
        }
    }
    let profile = kernel::RegionProfile::parse(&settings.profile_text()?).context("the region profile is not valid")?;
    let terms = profile.terms.clone();
    let mut service_docs = Vec::with_capacity(directory.len());
    for service in &directory {
        let provider = organizations
            .get(&service.provider)
            .with_context(|| format!("the provider of service {} is not readable", service.id))?;
        service_docs.push(hsds::service(service, provider, &terms, &profile.region.name_ru));
    }
    let mut orgs: Vec<&HsdsOrganization> = organizations.values().collect();
    orgs.sort_by_key(|o| o.id);
    let org_docs: Vec<serde_json::Value> = orgs.into_iter().map(hsds::organization).collect();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    system::files::replace(&dir.join("services.json"), &serde_json::to_string_pretty(&service_docs)?)?;
    system::files::replace(&dir.join("organizations.json"), &serde_json::to_string_pretty(&org_docs)?)?;
    writeln!(
        out,
        "HSDS 3.0: услуг / services {}, организаций / organizations {} → {}",
        service_docs.len(),
        org_docs.len(),
        dir.display()
    )?;
    Ok(())
}

/// The columns of a deliveries file.
pub const DELIVERY_COLUMNS: [&str; 13] = [
    "catalogue_service",
    "directory_service",
    "organization_inn",
    "person_id",
    "group_size",
    "group_description",
    "delivered_on",
    "quantity",
    "staff_login",
    "volunteer_id",
    "outcome",
    "satisfaction",
    "request_number",
];

fn problem(line: u64, column: &str, reason: impl Into<String>) -> RowError {
    RowError { line, column: Some(column.to_owned()), reason: reason.into() }
}

/// A date as written: `ДД.ММ.ГГГГ` or `ГГГГ-ММ-ДД`.
fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d.%m.%Y").or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d")).ok()
}

/// Reads, checks and records a deliveries file: every problem by line and column, and nothing
/// written unless every row is right.
pub async fn import_deliveries(
    settings: &Settings,
    operator: Option<&str>,
    file: &Path,
    dry_run: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = match decode(&bytes, Encoding::Auto) {
        Ok(text) => text,
        Err(errors) => return refuse(&errors, out),
    };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(detect_delimiter(&text)).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers()?.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut errors = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        if !DELIVERY_COLUMNS.contains(&header.as_str()) {
            errors.push(problem(1, header, "неизвестный столбец / unknown column"));
        } else if headers[..i].contains(header) {
            errors.push(problem(1, header, "столбец повторяется / repeated column"));
        }
    }
    for required in ["delivered_on", "quantity"] {
        if !headers.iter().any(|h| h == required) {
            errors.push(problem(1, required, "нет обязательного столбца / required column missing"));
        }
    }
    if !errors.is_empty() {
        return refuse(&errors, out);
    }
    let (system, actor) = crate::open_as(settings, operator).await?;
    let services = &system.services;
    let catalogue = services.catalog.catalogue(&actor).await.map_err(|e| explain(&e))?;
    let mut inns: HashMap<String, Option<OrganizationId>> = HashMap::new();
    let mut numbers: HashMap<String, Option<RequestId>> = HashMap::new();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(RowError { line, column: None, reason: format!("неверная строка CSV: {e}") });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .map(|v| unguard(v.trim()).to_owned())
                .filter(|v| !v.is_empty())
        };
        let before = errors.len();
        let service = match (cell("catalogue_service"), cell("directory_service")) {
            (Some(code), None) => match catalogue.iter().find(|s| s.code.as_str() == code) {
                Some(s) => Some(DeliveredService::Catalogue(s.id)),
                None => {
                    errors.push(problem(line, "catalogue_service", format!("нет услуги «{code}» в каталоге")));
                    None
                }
            },
            (None, Some(id)) => match DirectoryServiceId::parse(&id) {
                Ok(id) => Some(DeliveredService::Directory(id)),
                Err(_) => {
                    errors.push(problem(line, "directory_service", "не идентификатор услуги / not a service id"));
                    None
                }
            },
            _ => {
                errors.push(problem(
                    line,
                    "catalogue_service",
                    "укажите одну услугу: catalogue_service или directory_service",
                ));
                None
            }
        };
        let recipient = match (cell("organization_inn"), cell("person_id"), cell("group_size")) {
            (Some(inn), None, None) => {
                if !inns.contains_key(&inn) {
                    let filter = registry::ports::OrganizationFilter {
                        inn: registry::model::Inn::parse(&inn).ok(),
                        ..Default::default()
                    };
                    let found = match filter.inn {
                        Some(_) => services
                            .registry
                            .organizations(
                                &actor,
                                &filter,
                                registry::ports::OrganizationOrder::NameAsc,
                                PageRequest::new(1, None)?,
                            )
                            .await
                            .map_err(|e| explain(&e))?
                            .items
                            .first()
                            .map(|o| o.id),
                        None => None,
                    };
                    inns.insert(inn.clone(), found);
                }
                match inns[&inn] {
                    Some(id) => Some(RecipientInput::Organization(id)),
                    None => {
                        errors.push(problem(
                            line,
                            "organization_inn",
                            format!("нет организации с ИНН «{inn}» в реестре"),
                        ));
                        None
                    }
                }
            }
            (None, Some(id), None) => match PersonId::parse(&id) {
                Ok(id) => Some(RecipientInput::Person(id)),
                Err(_) => {
                    errors.push(problem(line, "person_id", "не идентификатор человека / not a person id"));
                    None
                }
            },
            (None, None, Some(size)) => match size.parse::<i64>() {
                Ok(n) => Some(RecipientInput::Group {
                    head_count: n,
                    description: cell("group_description").unwrap_or_default(),
                }),
                Err(_) => {
                    errors.push(problem(line, "group_size", "не число / not a number"));
                    None
                }
            },
            _ => {
                errors.push(problem(
                    line,
                    "organization_inn",
                    "укажите одного получателя: organization_inn, person_id или group_size",
                ));
                None
            }
        };
        let delivered_on = cell("delivered_on").and_then(|d| date(&d));
        if delivered_on.is_none() {
            errors.push(problem(line, "delivered_on", "дата ДД.ММ.ГГГГ / a date DD.MM.YYYY"));
        }
        let quantity = match cell("quantity").map(|q| parse_quantity(&q)) {
            Some(Ok(q)) => Some(q),
            _ => {
                errors.push(problem(line, "quantity", "количество: число, не больше двух знаков после запятой"));
                None
            }
        };
        let volunteer = match cell("volunteer_id").map(|v| PersonId::parse(&v)) {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => {
                errors.push(problem(line, "volunteer_id", "не идентификатор человека / not a person id"));
                None
            }
        };
        let satisfaction = match cell("satisfaction").map(|s| s.parse::<i64>()) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(_)) => {
                errors.push(problem(line, "satisfaction", "оценка от 1 до 5 / a score 1 to 5"));
                None
            }
        };
        let request = match cell("request_number") {
            None => None,
            Some(number) => {
                if !numbers.contains_key(&number) {
                    numbers.insert(number.clone(), request_by_number(services, &actor, &number).await?);
                }
                match numbers[&number] {
                    Some(id) => Some(id),
                    None => {
                        errors.push(problem(line, "request_number", format!("нет обращения № {number}")));
                        None
                    }
                }
            }
        };
        if errors.len() > before {
            continue;
        }
        let (Some(service), Some(recipient), Some(delivered_on), Some(quantity)) =
            (service, recipient, delivered_on, quantity)
        else {
            continue;
        };
        rows.push(DeliveryInput {
            service,
            recipient,
            delivered_on,
            quantity,
            volunteer,
            staff: cell("staff_login"),
            outcome: cell("outcome"),
            satisfaction,
            request,
        });
        lines.push(line);
    }
    // The use case's checks of every row that parsed (values, catalogue, the records named,
    // staff logins, requests), so every problem is named, on a dry run too, before anything is
    // written.
    if !rows.is_empty() {
        let checked = services.catalog.check_deliveries(&actor, &rows).await;
        let problems = checked.map_err(|e| anyhow::anyhow!("{}", e.message(Lang::Ru)))?.err().unwrap_or_default();
        for invalid in problems {
            let message = invalid.problem.message(Lang::Ru);
            match row_of(&invalid.field, &lines) {
                Some((line, field)) => errors.push(problem(line, &column_of(field), message)),
                None => anyhow::bail!("{}: {message}", invalid.field),
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    if !errors.is_empty() {
        return refuse(&errors, out);
    }
    if rows.is_empty() {
        anyhow::bail!("в файле нет строк / the file has no rows");
    }
    if dry_run {
        writeln!(out, "Проверено строк / rows checked: {}; ничего не записано (--dry-run)", rows.len())?;
        return Ok(());
    }
    let recorded = services
        .catalog
        .record_deliveries(&actor, &rows)
        .await
        .map_err(|e| anyhow::anyhow!("ничего не записано / nothing was written: {}", e.message(Lang::Ru)))?;
    writeln!(out, "Записано оказанных услуг / deliveries recorded: {}", recorded.len())?;
    Ok(())
}

/// The file's line and the row's field of a use-case field `deliveries[i].field`.
fn row_of<'a>(field: &'a str, lines: &[u64]) -> Option<(u64, &'a str)> {
    let (index, field) = field.strip_prefix("deliveries[")?.split_once("].")?;
    Some((*lines.get(index.parse::<usize>().ok()?)?, field))
}

/// The CSV column of a use-case field.
fn column_of(field: &str) -> String {
    match field {
        "catalogueServiceId" => "catalogue_service",
        "requestId" => "request_number",
        "deliveredOn" => "delivered_on",
        "organizationId" => "organization_inn",
        "personId" => "person_id",
        "volunteerId" => "volunteer_id",
        "directoryServiceId" => "directory_service",
        "staffLogin" => "staff_login",
        "recipient.headCount" => "group_size",
        "recipient.description" => "group_description",
        "deliveredBy" => "staff_login",
        "quantity" => "quantity",
        "satisfaction" => "satisfaction",
        "outcome" => "outcome",
        other => other,
    }
    .to_owned()
}

fn refuse(errors: &[RowError], out: &mut dyn Write) -> anyhow::Result<()> {
    for error in errors.iter().take(200) {
        writeln!(out, "{error}")?;
    }
    if errors.len() > 200 {
        writeln!(out, "… и ещё {} / and {} more", errors.len() - 200, errors.len() - 200)?;
    }
    let n = errors.len();
    anyhow::bail!("в файле {n} {}: ничего не записано / {n} problems: nothing was written", errors_ru(n))
}

/// «ошибка», «ошибки» or «ошибок», as Russian counts them.
fn errors_ru(n: usize) -> &'static str {
    match (n % 10, n % 100) {
        (1, h) if h != 11 => "ошибка",
        (2..=4, h) if !(12..=14).contains(&h) => "ошибки",
        _ => "ошибок",
    }
}

#[cfg(test)]
mod tests {
    use super::errors_ru;

    #[test]
    fn errors_are_counted_as_russian_counts_them() {
        let words: Vec<&str> = [1, 2, 5, 11, 12, 21, 22, 25, 101, 111, 114].into_iter().map(errors_ru).collect();
        assert_eq!(
            words,
            [
                "ошибка",
                "ошибки",
                "ошибок",
                "ошибок",
                "ошибок",
                "ошибка",
                "ошибки",
                "ошибок",
                "ошибка",
                "ошибок",
                "ошибок"
            ]
        );
    }
}

/// The request with this registration number, if any.
async fn request_by_number(services: &Services, actor: &Actor, number: &str) -> anyhow::Result<Option<RequestId>> {
    let mut after = None;
    loop {
        let page = PageRequest { first: MAX_PAGE_SIZE, after: after.clone(), count: false };
        let found =
            services.catalog.requests(actor, None, RequestFilter::default(), page).await.map_err(|e| explain(&e))?;
        if let Some(r) = found.items.iter().find(|r| r.number == number) {
            return Ok(Some(r.id));
        }
        if !found.has_next || found.positions.last().is_none_or(|p| p.key < kernel::SortKey::Text(number.to_owned())) {
            return Ok(None);
        }
        after = found.positions.last().cloned();
    }
}

/// What `nko requests` does.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum RequestsAction {
    /// List the open requests past their deadline (exits non-zero when there are any).
    Overdue,
}

/// Prints the open requests past their deadline, earliest first; exits with an error when there
/// are any (so cron mails the operator).
pub async fn overdue(settings: &Settings, operator: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let (system, actor) = crate::open_as(settings, operator).await?;
    let services = &system.services;
    let mut late: Vec<Request> = Vec::new();
    let mut after = None;
    loop {
        let page = PageRequest { first: MAX_PAGE_SIZE, after: after.clone(), count: false };
        let found = services
            .catalog
            .requests(&actor, Some(QueueName::Overdue), RequestFilter::default(), page)
            .await
            .map_err(|e| explain(&e))?;
        late.extend(found.items);
        if !found.has_next {
            break;
        }
        let next = found.positions.last().cloned();
        anyhow::ensure!(next.is_some() && next > after, "the request list did not advance");
        after = next;
    }
    if late.is_empty() {
        writeln!(out, "Просроченных обращений нет / no overdue requests")?;
        return Ok(());
    }
    writeln!(out, "номер\tсостояние\tсрок\tназначено\tтема")?;
    for r in &late {
        let due = r.deadline().map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_default();
        // A topic is the applicant's text: neutralised like every cell the system writes.
        let topic = registry_csv::guard(&r.topic.chars().filter(|c| !c.is_control()).collect::<String>());
        writeln!(out, "{}\t{}\t{due}\t{}\t{topic}", r.number, r.state.code(), r.assignee.as_deref().unwrap_or("—"))?;
    }
    anyhow::bail!("просроченных обращений: {} / overdue requests: {}", late.len(), late.len())
}
