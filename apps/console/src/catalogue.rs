//! The centre's catalogue of services: every service with who may ask, its unit and its answer
//! term, and for those who manage it a form to add or change a service (a change made on an old
//! version is refused) and a button to retire one (it stays in past records).

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kernel::{Lang, Localized as _, Role};
use maud::{Markup, html};
use serde::Deserialize;
use services_catalog::ServicesError;
use services_catalog::actions::CATALOGUE_MANAGE;
use services_catalog::model::catalogue::{Audience, CatalogueService, CatalogueServiceId};
use services_catalog::rules::deadlines::DayCount;
use services_catalog::service::{CATEGORIES, CatalogueInput};

use crate::Console;
use crate::format::date;
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Done, Staff, Visit, query_of};

/// The roles a service may be the responsibility of.
const RESPONSIBLE: [Role; 6] =
    [Role::Admin, Role::Coordinator, Role::Trainer, Role::VolunteerCoordinator, Role::Researcher, Role::Lawyer];

fn category_name(lang: Lang, code: &str) -> &'static str {
    match code {
        "technical_help" => t(lang, "Техническая помощь", "Technical help"),
        "information_support" => t(lang, "Информационная поддержка", "Information support"),
        "training_consulting" => t(lang, "Обучение и консультации", "Training and consulting"),
        "organisational_support" => t(lang, "Организационная поддержка", "Organisational support"),
        "common_interest" => t(lang, "Общие интересы НКО", "Common interest of NGOs"),
        "additional" => t(lang, "Дополнительные услуги", "Additional services"),
        _ => t(lang, "Другое", "Other"),
    }
}

fn audience_name(lang: Lang, audience: Audience) -> &'static str {
    match audience {
        Audience::Ngo => t(lang, "НКО", "NGOs"),
        Audience::Citizen => t(lang, "граждане", "citizens"),
        Audience::Business => t(lang, "бизнес", "businesses"),
        Audience::PublicBody => t(lang, "органы власти", "public bodies"),
    }
}

fn term(lang: Lang, service: &CatalogueService) -> String {
    let d = service.deadline;
    match (d.counting, lang) {
        (DayCount::Calendar, Lang::Ru) => format!("{} календ. дн.", d.days),
        (DayCount::Working, Lang::Ru) => format!("{} раб. дн.", d.days),
        (DayCount::Calendar, Lang::En) => format!("{} calendar days", d.days),
        (DayCount::Working, Lang::En) => format!("{} working days", d.days),
    }
}

/// The catalogue, by section.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let done: Done = query_of(raw.as_deref());
    let mut services = match console.services.catalog.catalogue(&visit.actor).await {
        Ok(services) => services,
        Err(error) => return refused(&console, visit, &error),
    };
    services.sort_by(|a, b| a.name_ru.cmp(&b.name_ru));
    let managing = visit.may(&console, CATALOGUE_MANAGE);
    let today = console.services.clock.today();
    let body = html! {
        @if done.done.is_some() { (notice(false, t(lang, "Каталог изменён.", "The catalogue is changed."))) }
        @if managing { p { a href="/console/catalogue/new" data-action=(CATALOGUE_MANAGE.code()) { (t(lang, "Добавить услугу", "Add a service")) } } }
        @for category in CATEGORIES {
            @let here: Vec<&CatalogueService> = services.iter().filter(|s| s.category.as_str() == *category).collect();
            @if !here.is_empty() {
                h2 { (category_name(lang, category)) }
                table.list {
                    thead { tr {
                        th { (t(lang, "Услуга", "Service")) }
                        th { (t(lang, "Кто может обратиться", "Who may ask")) }
                        th { (t(lang, "Единица", "Unit")) }
                        th { (t(lang, "Срок ответа", "Answer term")) }
                        th { (t(lang, "Отвечает", "Responsible")) }
                    } }
                    tbody {
                        @for s in here {
                            tr {
                                td {
                                    @if managing { a href=(format!("/console/catalogue/{}", s.id)) { (name(lang, s)) } } @else { (name(lang, s)) }
                                    br; small { (s.code) }
                                    @if let Some(on) = s.retired_on { br; strong { (t(lang, "снята с ", "retired on ")) (date(lang, on)) } }
                                }
                                td { (s.audiences.iter().map(|a| audience_name(lang, *a)).collect::<Vec<_>>().join(", ")) }
                                td { (s.unit) }
                                td { (term(lang, s)) }
                                td { (s.responsible.title(lang)) }
                            }
                            @if managing && s.is_offered(today) {
                                tr { td colspan="5" {
                                    form.inline method="post" action=(format!("/console/catalogue/{}/retire", s.id)) {
                                        (form_token(&visit))
                                        input type="hidden" name="version" value=(s.version);
                                        button type="submit" data-action=(CATALOGUE_MANAGE.code()) { (t(lang, "Снять с каталога", "Retire")) " — " (name(lang, s)) }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = staff_page(&console, &visit, t(lang, "Каталог услуг центра", "The centre's catalogue"), body);
    visit.finish(render(StatusCode::OK, page))
}

fn name(lang: Lang, s: &CatalogueService) -> &str {
    match lang {
        Lang::Ru => &s.name_ru,
        Lang::En => &s.name_en,
    }
}

/// What the service form sends.
#[derive(Deserialize, Default)]
pub struct ServiceForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    name_ru: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    ngo: Option<String>,
    #[serde(default)]
    citizen: Option<String>,
    #[serde(default)]
    business: Option<String>,
    #[serde(default)]
    public_body: Option<String>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    deadline_days: String,
    #[serde(default)]
    deadline_counting: String,
    #[serde(default)]
    shift: Option<String>,
    #[serde(default)]
    responsible: String,
    form_token: Option<String>,
}

impl ServiceForm {
    fn of(s: &CatalogueService) -> Self {
        let has = |a| s.audiences.contains(&a).then(|| "yes".to_owned());
        Self {
            version: s.version.to_string(),
            code: s.code.to_string(),
            category: s.category.to_string(),
            name_ru: s.name_ru.clone(),
            name_en: s.name_en.clone(),
            description: s.description.clone(),
            ngo: has(Audience::Ngo),
            citizen: has(Audience::Citizen),
            business: has(Audience::Business),
            public_body: has(Audience::PublicBody),
            unit: s.unit.to_string(),
            deadline_days: s.deadline.days.to_string(),
            deadline_counting: s.deadline.counting.code().to_owned(),
            shift: s.deadline.shift_to_working_day.then(|| "yes".to_owned()),
            responsible: s.responsible.code().to_owned(),
            form_token: None,
        }
    }

    fn input(&self) -> CatalogueInput {
        let audiences = [
            (&self.ngo, Audience::Ngo),
            (&self.citizen, Audience::Citizen),
            (&self.business, Audience::Business),
            (&self.public_body, Audience::PublicBody),
        ];
        CatalogueInput {
            code: self.code.clone(),
            category: self.category.clone(),
            name_ru: self.name_ru.clone(),
            name_en: self.name_en.clone(),
            description: self.description.clone(),
            audiences: audiences.iter().filter(|(on, _)| on.is_some()).map(|(_, a)| a.code().to_owned()).collect(),
            unit: self.unit.clone(),
            // Out of range stays out of range: the use case names the field.
            deadline_days: self.deadline_days.trim().parse().unwrap_or(0),
            deadline_counting: self.deadline_counting.clone(),
            shift_to_working_day: self.shift.is_some(),
            responsible: self.responsible.clone(),
        }
    }
}

/// The label of a catalogue field the use case names.
fn label(lang: Lang, field: &str) -> &'static str {
    match field {
        "code" => t(lang, "Код", "Code"),
        "category" => t(lang, "Раздел", "Section"),
        "nameRu" => t(lang, "Название по-русски", "Name in Russian"),
        "nameEn" => t(lang, "Название по-английски", "Name in English"),
        "description" => t(lang, "Описание", "Description"),
        "audiences" => t(lang, "Кто может обратиться", "Who may ask"),
        "unit" => t(lang, "Единица учёта", "Unit"),
        "deadlineDays" => t(lang, "Срок ответа, дней", "Answer term, days"),
        "deadlineCounting" => t(lang, "Как считать дни", "How days are counted"),
        "responsible" => t(lang, "Кто отвечает", "Responsible"),
        _ => t(lang, "Форма", "Form"),
    }
}

fn service_form(visit: &Visit, action: &str, values: &ServiceForm, problem: Option<&str>) -> Markup {
    let lang = visit.lang;
    let text = |id: &'static str, value: &str, required: bool| {
        html! { p { label for=(id) { (label(lang, id)) } input id=(id) name=(id_name(id)) type="text" value=(value) required[required]; } }
    };
    html! {
        @if let Some(problem) = problem { (notice(true, problem)) }
        form.card method="post" action=(action) {
            (form_token(visit))
            input type="hidden" name="version" value=(values.version);
            (text("code", &values.code, true))
            p {
                label for="category" { (label(lang, "category")) }
                select id="category" name="category" {
                    @for c in CATEGORIES { option value=(c) selected[values.category == *c] { (category_name(lang, c)) } }
                }
            }
            (text("nameRu", &values.name_ru, true))
            (text("nameEn", &values.name_en, true))
            p { label for="description" { (label(lang, "description")) } textarea id="description" name="description" rows="4" { (values.description) } }
            fieldset {
                legend { (label(lang, "audiences")) }
                @for (name, on, audience) in [("ngo", &values.ngo, Audience::Ngo), ("citizen", &values.citizen, Audience::Citizen), ("business", &values.business, Audience::Business), ("public_body", &values.public_body, Audience::PublicBody)] {
                    input id=(name) name=(name) type="checkbox" value="yes" checked[on.is_some()];
                    label for=(name) { (audience_name(lang, audience)) } " "
                }
            }
            (text("unit", &values.unit, true))
            p { label for="deadlineDays" { (label(lang, "deadlineDays")) } input id="deadlineDays" name="deadline_days" type="number" min="1" max="365" value=(values.deadline_days) required; }
            p {
                label for="deadlineCounting" { (label(lang, "deadlineCounting")) }
                select id="deadlineCounting" name="deadline_counting" {
                    option value="calendar" selected[values.deadline_counting != "working"] { (t(lang, "календарные (59-ФЗ)", "calendar (59-FZ)")) }
                    option value="working" selected[values.deadline_counting == "working"] { (t(lang, "рабочие", "working")) }
                }
            }
            p {
                input id="shift" name="shift" type="checkbox" value="yes" checked[values.shift.is_some()];
                label for="shift" { (t(lang, "Срок, выпавший на выходной, переносится на рабочий день", "A term ending on a day off moves to the next working day")) }
            }
            p {
                label for="responsible" { (label(lang, "responsible")) }
                select id="responsible" name="responsible" {
                    @for role in RESPONSIBLE { option value=(role.code()) selected[values.responsible == role.code()] { (role.title(lang)) } }
                }
            }
            button type="submit" data-action=(CATALOGUE_MANAGE.code()) { (t(lang, "Сохранить", "Save")) }
        }
    }
}

/// The form field's name for a label id (the use case's camel case, the form's snake case).
fn id_name(id: &str) -> &str {
    match id {
        "nameRu" => "name_ru",
        "nameEn" => "name_en",
        other => other,
    }
}

fn parse_service(id: &str) -> Option<CatalogueServiceId> {
    uuid::Uuid::parse_str(id).ok().map(CatalogueServiceId)
}

/// The form of a new service (`new`) or of a stored one.
pub async fn edit_form(State(console): State<Console>, Staff(visit): Staff, Path(id): Path<String>) -> Response {
    let lang = visit.lang;
    // The form is for those who may manage the catalogue (a refusal is recorded, as the use
    // case's would be).
    if let Err(denied) = console.services.gate.require_all(&visit.actor, CATALOGUE_MANAGE, None).await {
        return refused(&console, visit, &ServicesError::Gate(denied));
    }
    let (title, values) = if id == "new" {
        let values = ServiceForm {
            version: "0".into(),
            deadline_days: "30".into(),
            shift: Some("yes".into()),
            responsible: "coordinator".into(),
            ..Default::default()
        };
        (t(lang, "Новая услуга каталога", "A new catalogue service").to_owned(), values)
    } else {
        let Some(id) = parse_service(&id) else {
            return refused(&console, visit, &ServicesError::NotFound("catalogue service"));
        };
        match console.services.catalog.catalogue_service(&visit.actor, id).await {
            Ok(s) => (name(lang, &s).to_owned(), ServiceForm::of(&s)),
            Err(error) => return refused(&console, visit, &error),
        }
    };
    let action = format!("/console/catalogue/{}", if values.version == "0" { "new".to_owned() } else { id });
    let page = staff_page(&console, &visit, &title, service_form(&visit, &action, &values, None));
    visit.finish(render(StatusCode::OK, page))
}

/// Adds (`new`) or changes a service.
pub async fn save(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(form): Form<ServiceForm>,
) -> Response {
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let catalog = &console.services.catalog;
    let input = form.input();
    let saved = if id == "new" {
        catalog.add_catalogue_service(&visit.actor, &input).await
    } else {
        let (Some(service), Ok(version)) = (parse_service(&id), form.version.trim().parse::<i64>()) else {
            return refused(&console, visit, &ServicesError::NotFound("catalogue service"));
        };
        catalog.change_catalogue_service(&visit.actor, service, version, &input).await
    };
    match saved {
        Ok(_) => visit.finish(Redirect::to("/console/catalogue?done=1")),
        // The form comes back with what was typed and what is wrong: a field, a code taken by
        // another service, or a change someone saved first.
        Err(error @ (ServicesError::Invalid(_) | ServicesError::Conflict(_))) => {
            let (status, message) = match &error {
                ServicesError::Invalid(invalid) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("«{}»: {}", label(lang, &invalid.field), invalid.problem.message(lang)),
                ),
                other => (StatusCode::CONFLICT, other.message(lang)),
            };
            let action = format!("/console/catalogue/{id}");
            let title = t(lang, "Услуга каталога", "Catalogue service");
            let page = staff_page(&console, &visit, title, service_form(&visit, &action, &form, Some(&message)));
            visit.finish(render(status, page))
        }
        Err(error) => refused(&console, visit, &error),
    }
}

/// What the retire button sends.
#[derive(Deserialize)]
pub struct RetireForm {
    version: String,
    form_token: Option<String>,
}

/// Retires a service from today.
pub async fn retire(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(form): Form<RetireForm>,
) -> Response {
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let (Some(id), Ok(version)) = (parse_service(&id), form.version.trim().parse::<i64>()) else {
        let damaged =
            t(lang, "Форма повреждена: откройте каталог заново.", "The form is damaged: open the catalogue again.");
        return with_message(&console, visit, StatusCode::BAD_REQUEST, damaged);
    };
    match console.services.catalog.retire_catalogue_service(&visit.actor, id, version, None).await {
        Ok(_) => visit.finish(Redirect::to("/console/catalogue?done=1")),
        Err(error) => refused(&console, visit, &error),
    }
}
