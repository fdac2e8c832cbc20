//! The staff pages of people: the list with search and key paging; a person's card with the
//! legal basis on which the centre holds their data, their positions, their contacts (each view
//! recorded), their consents with the forms that record and withdraw them, and the registration
//! of their subject access request.

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use chrono::NaiveDate;
use kernel::Cursor;
use maud::{Markup, html};
use privacy::actions::{CONSENT_MANAGE, SUBJECT_REQUEST};
use privacy::{ConsentId, ConsentKind, NewConsent};
use registry::actions::PERSON_PERSONAL_DATA;
use registry::model::{LegalBasisKind, Person, PersonId};
use registry::ports::{PEOPLE_ORDER, PersonFilter};
use serde::Deserialize;

use crate::Console;
use crate::format::{date, moment};
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::refused;
use crate::texts::t;
use crate::visit::{Staff, Visit, query_of};

/// The list's query string.
#[derive(Deserialize, Default)]
pub struct PeopleQuery {
    #[serde(default)]
    q: String,
    after: Option<String>,
}

/// A person's full name.
pub fn full_name(person: &Person) -> String {
    let p = &person.profile;
    match &p.middle_name {
        Some(middle) => format!("{} {} {}", p.last_name.as_str(), p.first_name.as_str(), middle.as_str()),
        None => format!("{} {}", p.last_name.as_str(), p.first_name.as_str()),
    }
}

fn basis_name(lang: kernel::Lang, kind: LegalBasisKind) -> &'static str {
    match kind {
        LegalBasisKind::Consent => t(lang, "согласие (ст. 6 ч. 1 п. 1 152-ФЗ)", "consent (152-FZ art. 6(1)(1))"),
        LegalBasisKind::Law => t(lang, "требование закона (п. 2)", "required by law (p. 2)"),
        LegalBasisKind::Contract => t(lang, "договор с человеком (п. 5)", "a contract with the person (p. 5)"),
        LegalBasisKind::VitalInterests => t(lang, "жизненно важные интересы (п. 6)", "vital interests (p. 6)"),
        LegalBasisKind::LegitimateInterests => {
            t(lang, "законные интересы центра (п. 7)", "legitimate interests (p. 7)")
        }
        LegalBasisKind::Research => t(lang, "статистика и исследования (п. 9)", "statistics and research (p. 9)"),
    }
}

fn consent_kind_name(lang: kernel::Lang, kind: ConsentKind) -> &'static str {
    match kind {
        ConsentKind::Processing => t(lang, "на обработку", "processing"),
        ConsentKind::Distribution => t(lang, "на распространение", "distribution"),
    }
}

fn category_name(lang: kernel::Lang, code: &str) -> String {
    match code {
        "name" => t(lang, "ФИО", "name").to_owned(),
        "position" => t(lang, "должность", "position").to_owned(),
        "phone" => t(lang, "телефон", "phone").to_owned(),
        "email" => t(lang, "эл. почта", "e-mail").to_owned(),
        other => other.to_owned(),
    }
}

/// The list of people.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let query: PeopleQuery = query_of(raw.as_deref());
    let request = crate::visit::page_request(lang, query.after.as_deref(), PEOPLE_ORDER, 20);
    let filter =
        PersonFilter { text: Some(query.q.trim().to_owned()).filter(|q| !q.is_empty()), ..PersonFilter::default() };
    let found = match request {
        Ok(request) => match console.services.registry.people(&visit.actor, &filter, request).await {
            Ok(page) => Ok(page),
            Err(error) => return refused(&console, visit, &error),
        },
        Err(problem) => Err(problem),
    };
    let next = |after: &str| {
        let pairs: Vec<(&str, &str)> =
            [("q", query.q.as_str()), ("after", after)].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!("/console/people?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    };
    let body = html! {
        form.filters method="get" action="/console/people" role="search" {
            div.search {
                p { label for="q" { (t(lang, "Фамилия, имя или отчество", "Name")) } input id="q" name="q" type="search" value=(query.q); }
                p { button type="submit" { (t(lang, "Найти", "Search")) } }
            }
        }
        @match &found {
            Err(problem) => (notice(true, problem)),
            Ok(page) => {
                @if page.items.is_empty() { p { (t(lang, "Никого не найдено.", "Nobody found.")) } }
                ul.directory {
                    @for person in &page.items {
                        li { a href=(format!("/console/people/{}", person.id)) { (full_name(person)) } }
                    }
                }
                @if page.has_next {
                    @if let Some(end) = page.positions.last() {
                        nav.pages aria-label=(t(lang, "Страницы", "Pages")) {
                            a rel="next" href=(next(&Cursor::new(PEOPLE_ORDER, end.clone()).encode())) { (t(lang, "Дальше →", "Next →")) }
                        }
                    }
                }
            }
        }
    };
    let status = if found.is_ok() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = staff_page(&console, &visit, t(lang, "Люди", "People"), body);
    visit.finish(render(status, page))
}

/// The card's query string.
#[derive(Deserialize, Default)]
pub struct CardQuery {
    contacts: Option<String>,
    done: Option<String>,
}

fn parse_id(raw: &str) -> Option<PersonId> {
    uuid::Uuid::parse_str(raw).ok().map(PersonId)
}

fn consent_form(visit: &Visit, id: PersonId) -> Markup {
    let lang = visit.lang;
    html! {
        details.more {
            summary data-action=(CONSENT_MANAGE.code()) { (t(lang, "Записать согласие", "Record a consent")) }
            form.edit method="post" action=(format!("/console/people/{id}/consents")) {
                (form_token(visit))
                p {
                    label for="kind" { (t(lang, "Вид согласия", "Kind")) }
                    select id="kind" name="kind" {
                        option value="processing" { (consent_kind_name(lang, ConsentKind::Processing)) }
                        option value="distribution" { (consent_kind_name(lang, ConsentKind::Distribution)) }
                    }
                }
                p {
                    label for="purpose" { (t(lang, "Цель (одна цель — один документ)", "Purpose (one purpose per document)")) }
                    input id="purpose" name="purpose" type="text" required placeholder="public_directory";
                }
                fieldset.checks {
                    legend { (t(lang, "Какие данные", "Which data")) }
                    @for code in privacy::rules::PUBLISHABLE_CATEGORIES {
                        label.check { input type="checkbox" name="categories" value=(code); " " (category_name(lang, code)) }
                    }
                }
                p {
                    label for="document" { (t(lang, "Документ (номер и дата)", "Document (number and date)")) }
                    input id="document" name="document" type="text" required;
                }
                p {
                    label for="recipient" { (t(lang, "ИНН организации-получателя (для согласия на передачу данных, цель referral)", "Recipient organisation's INN (for a consent to transfer, purpose referral)")) }
                    input id="recipient" name="recipient" type="text" inputmode="numeric";
                }
                p { button type="submit" data-action=(CONSENT_MANAGE.code()) { (t(lang, "Записать", "Record")) } }
            }
        }
    }
}

/// A person's card.
pub async fn card(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = visit.lang;
    let query: CardQuery = query_of(raw.as_deref());
    let registry = &console.services.registry;
    let missing = registry::RegistryError::NotFound { entity: "person" };
    let Some(id) = parse_id(&id) else { return refused(&console, visit, &missing) };
    let person = match registry.person(&visit.actor, id).await {
        Ok(Some(person)) => person,
        Ok(None) => return refused(&console, visit, &missing),
        Err(error) => return refused(&console, visit, &error),
    };
    let memberships = match registry.memberships_of_people(&visit.actor, &[id]).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    // A volunteer reads their own card but no organisation: their positions show without names.
    let organizations = if visit.may(&console, registry::actions::ORGANIZATION_READ) {
        let orgs: Vec<_> = memberships.iter().map(|m| m.organization).collect();
        match registry.organizations_by_ids(&visit.actor, &orgs).await {
            Ok(found) => found,
            Err(error) => return refused(&console, visit, &error),
        }
    } else {
        Vec::new()
    };
    let show_contacts = query.contacts.is_some() && visit.may(&console, PERSON_PERSONAL_DATA);
    let contacts = if show_contacts {
        match registry.personal_data(&visit.actor, &[id]).await {
            Ok(found) => found,
            Err(error) => return refused(&console, visit, &error),
        }
    } else {
        Vec::new()
    };
    let consents = if visit.may(&console, CONSENT_MANAGE) {
        match console.services.privacy.consents_of(&visit.actor, id).await {
            Ok(found) => Some(found),
            Err(error) => return refused(&console, visit, &error),
        }
    } else {
        None
    };
    let basis = &person.legal_basis;
    let body = html! {
        @if let Some(done) = &query.done { (notice(false, done_message(lang, done))) }
        section aria-labelledby="basis" {
            h2 id="basis" { (t(lang, "Основание обработки данных", "Legal basis")) }
            dl.card {
                dt { (t(lang, "Основание", "Basis")) } dd { (basis_name(lang, basis.kind)) }
                dt { (t(lang, "Цель", "Purpose")) } dd { (basis.purpose.as_str()) }
                dt { (t(lang, "С какого дня", "Since")) } dd { (date(lang, basis.since)) }
                @if let Some(document) = &basis.document { dt { (t(lang, "Документ", "Document")) } dd { (document.as_str()) } }
                dt { (t(lang, "Запись создана", "Recorded")) } dd { (moment(lang, person.created_at)) }
            }
        }
        section aria-labelledby="positions" {
            h2 id="positions" { (t(lang, "Должности", "Positions")) }
            @if memberships.is_empty() { p { (t(lang, "Нет.", "None.")) } }
            ul {
                @for m in &memberships {
                    li {
                        @match organizations.iter().find(|o| o.id == m.organization) {
                            Some(o) => { a href=(format!("/console/organizations/{}", o.id)) { (o.profile.full_name.as_str()) } },
                            None => { (t(lang, "организация вне вашего доступа", "an organisation outside your scope")) },
                        }
                        ", " (m.position.as_str()) ", " (date(lang, m.period.from())) " — " @if let Some(to) = m.period.to() { (date(lang, to)) }
                    }
                }
            }
        }
        @if visit.may(&console, PERSON_PERSONAL_DATA) {
            section aria-labelledby="contacts" data-action=(PERSON_PERSONAL_DATA.code()) {
                h2 id="contacts" { (t(lang, "Контакты", "Contacts")) }
                @if show_contacts {
                    @for c in &contacts {
                        @for v in &c.phones { p { (v.as_str()) } }
                        @for v in &c.emails { p { (v.as_str()) } }
                        @if c.phones.is_empty() && c.emails.is_empty() { p { (t(lang, "Не указаны.", "None given.")) } }
                    }
                    @if contacts.is_empty() { p { (t(lang, "Контакты вам недоступны.", "The contacts are not open to you.")) } }
                } @else {
                    p { a href=(format!("/console/people/{id}?contacts=1")) { (t(lang, "Показать телефоны и почту (просмотр записывается в журнал)", "Show phones and e-mails (the view is recorded)")) } }
                }
            }
        }
        @if let Some(consents) = &consents {
            section aria-labelledby="consents" data-action=(CONSENT_MANAGE.code()) {
                h2 id="consents" { (t(lang, "Согласия", "Consents")) }
                @if consents.is_empty() { p { (t(lang, "Согласий нет.", "No consents.")) } }
                @else {
                    table.list {
                        thead { tr {
                            th scope="col" { (t(lang, "Вид", "Kind")) } th scope="col" { (t(lang, "Цель", "Purpose")) }
                            th scope="col" { (t(lang, "Данные", "Data")) } th scope="col" { (t(lang, "Документ", "Document")) }
                            th scope="col" { (t(lang, "Состояние", "State")) } th scope="col" { span.sr { (t(lang, "Действие", "Action")) } }
                        } }
                        tbody {
                            @for c in consents {
                                tr {
                                    td { (consent_kind_name(lang, c.kind)) } td { (c.purpose) }
                                    td { @for (i, code) in c.categories.iter().enumerate() { @if i > 0 { ", " } (category_name(lang, code)) } }
                                    td { (c.document) }
                                    td {
                                        @match (c.withdrawn_at, c.destroy_by) {
                                            (None, _) => { (t(lang, "действует с ", "active since ")) (moment(lang, c.given_at)) },
                                            (Some(at), Some(by)) => { (t(lang, "отозвано ", "withdrawn ")) (moment(lang, at)) "; " (t(lang, "уничтожить до ", "destroy by ")) (date(lang, by)) },
                                            (Some(at), None) => { (t(lang, "отозвано ", "withdrawn ")) (moment(lang, at)) },
                                        }
                                    }
                                    td {
                                        @if c.is_active() {
                                            form method="post" action=(format!("/console/people/{id}/consents/{}/withdraw", c.id)) {
                                                (form_token(&visit))
                                                button type="submit" data-action=(CONSENT_MANAGE.code()) { (t(lang, "Отозвать", "Withdraw")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (consent_form(&visit, id))
            }
        }
        @if visit.may(&console, SUBJECT_REQUEST) {
            section aria-labelledby="request" data-action=(SUBJECT_REQUEST.code()) {
                h2 id="request" { (t(lang, "Запрос субъекта данных", "Subject access request")) }
                form.edit method="post" action=(format!("/console/people/{id}/requests")) {
                    (form_token(&visit))
                    p {
                        label for="received_on" { (t(lang, "Дата получения запроса", "Received on")) }
                        input id="received_on" name="received_on" type="date" value=(console.services.clock.today().to_string());
                    }
                    p { button type="submit" data-action=(SUBJECT_REQUEST.code()) { (t(lang, "Зарегистрировать запрос", "Register the request")) } }
                }
            }
        }
    };
    let page = staff_page(&console, &visit, &full_name(&person), body);
    visit.finish(render(StatusCode::OK, page))
}

fn done_message(lang: kernel::Lang, done: &str) -> &'static str {
    match done {
        "consent" => t(lang, "Согласие записано.", "The consent is recorded."),
        "withdrawn" => t(
            lang,
            "Согласие отозвано: обработка по нему прекращена.",
            "The consent is withdrawn: processing for it stops.",
        ),
        "request" => t(
            lang,
            "Запрос зарегистрирован; срок ответа — в разделе «Запросы субъектов».",
            "The request is registered; its due date is under Subject requests.",
        ),
        _ => t(lang, "Готово.", "Done."),
    }
}

/// The answer to a person's form: back to their card saying what was done, or the refusal.
fn back_to_card<T>(
    console: &Console,
    visit: Visit,
    id: PersonId,
    done: &str,
    outcome: Result<T, privacy::PrivacyError>,
) -> Response {
    match outcome {
        Ok(_) => visit.finish(Redirect::to(&format!("/console/people/{id}?done={done}"))),
        Err(error) => refused(console, visit, &error),
    }
}

/// A form's fields, as posted (repeated fields kept in order).
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The person a form is about, or the page that refuses it.
fn posted_person(
    console: &Console,
    visit: Visit,
    raw_id: &str,
    fields: &Fields,
) -> Result<(Visit, PersonId), Response> {
    if let Err(refusal) = visit.check_form(field(fields, crate::FORM_FIELD)) {
        return Err(visit.refused_form(refusal));
    }
    match parse_id(raw_id) {
        Some(id) => Ok((visit, id)),
        None => Err(refused(console, visit, &registry::RegistryError::NotFound { entity: "person" })),
    }
}

/// Records a consent.
pub async fn record_consent(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let (visit, id) = match posted_person(&console, visit, &id, &fields) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let kind = match field(&fields, "kind") {
        Some("processing") => ConsentKind::Processing,
        Some("distribution") => ConsentKind::Distribution,
        _ => {
            let message = t(
                visit.lang,
                "«Вид согласия»: выберите «на обработку» или «на распространение».",
                "«Kind»: choose processing or distribution.",
            );
            return crate::refusals::with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, message);
        }
    };
    let recipient = match field(&fields, "recipient").map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(inn) => {
            let unknown = t(
                visit.lang,
                "«ИНН организации-получателя»: такой организации нет в реестре.",
                "«Recipient organisation's INN»: no such organisation in the registry.",
            );
            let Ok(inn) = registry::model::Inn::parse(inn) else {
                return crate::refusals::with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, unknown);
            };
            let filter = registry::ports::OrganizationFilter { inn: Some(inn), ..Default::default() };
            let page = kernel::PageRequest::new(1, None).expect("a valid size");
            let order = registry::ports::OrganizationOrder::NameAsc;
            match console.services.registry.organizations(&visit.actor, &filter, order, page).await {
                Ok(found) => match found.items.first() {
                    Some(org) => Some(org.id),
                    None => {
                        return crate::refusals::with_message(
                            &console,
                            visit,
                            StatusCode::UNPROCESSABLE_ENTITY,
                            unknown,
                        );
                    }
                },
                Err(error) => return crate::refusals::refused(&console, visit, &error),
            }
        }
    };
    let new = NewConsent {
        subject: id,
        kind,
        purpose: field(&fields, "purpose").unwrap_or_default().to_owned(),
        categories: fields.iter().filter(|(k, _)| k == "categories").map(|(_, v)| v.clone()).collect(),
        document: field(&fields, "document").unwrap_or_default().to_owned(),
        recipient,
    };
    let outcome = console.services.privacy.record_consent(&visit.actor, new).await;
    back_to_card(&console, visit, id, "consent", outcome)
}

/// Withdraws a consent.
pub async fn withdraw_consent(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path((id, consent)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    let (visit, id) = match posted_person(&console, visit, &id, &fields) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Some(consent) = uuid::Uuid::parse_str(&consent).ok().map(ConsentId) else {
        return refused(&console, visit, &privacy::PrivacyError::NotFound("consent"));
    };
    // The consent must be this person's: a form cannot reach another person's consent by its id.
    match console.services.privacy.consents_of(&visit.actor, id).await {
        Ok(found) if found.iter().any(|c| c.id == consent) => {}
        Ok(_) => return refused(&console, visit, &privacy::PrivacyError::NotFound("consent")),
        Err(error) => return refused(&console, visit, &error),
    }
    let outcome = console.services.privacy.withdraw_consent(&visit.actor, consent).await;
    back_to_card(&console, visit, id, "withdrawn", outcome)
}

/// Registers a subject access request received on a date (today when empty).
pub async fn register_request(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let (visit, id) = match posted_person(&console, visit, &id, &fields) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let received = match field(&fields, "received_on").map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                let lang = visit.lang;
                let message = t(lang, "«Дата получения запроса»: это не дата.", "«Received on»: not a date.");
                return crate::refusals::with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, message);
            }
        },
    };
    let outcome = console.services.privacy.register_request(&visit.actor, id, received).await;
    back_to_card(&console, visit, id, "request", outcome)
}
