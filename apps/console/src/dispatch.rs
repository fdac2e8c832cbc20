//! The dispatch page: a person's need (need, municipality, target groups, age, language, income)
//! ranks the directory's services with their score and reasons, eligibility excluding; from a
//! request's card a service is chosen and the person referred (with their consent to share their
//! data with that NGO, or not at all).

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kernel::{Lang, PersonId, TermKind};
use maud::html;
use serde::Deserialize;
use services_catalog::actions::REFERRAL_MANAGE;
use services_catalog::model::directory::DirectoryServiceId;
use services_catalog::model::request::RequestId;
use services_catalog::rules::dispatch::Reason;
use services_catalog::service::{NeedInput, ReferralInput};

use crate::Console;
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Staff, query_of};

/// A reason of a ranking in the visitor's words.
pub fn reason_text(lang: Lang, reason: &Reason) -> String {
    match reason {
        Reason::ServesMunicipality => {
            t(lang, "работает в муниципалитете человека", "serves the person's municipality").into()
        }
        Reason::ServesRegion => t(lang, "работает по всей области", "serves the whole region").into(),
        Reason::Remote => t(lang, "помогает дистанционно", "helps remotely").into(),
        Reason::OutsideTerritory => {
            t(lang, "не работает в этом муниципалитете", "does not serve this municipality").into()
        }
        Reason::TerritoryUnknown => t(lang, "муниципалитет не указан", "municipality not given").into(),
        Reason::MatchesNeed => t(lang, "помогает с этой нуждой", "serves this need").into(),
        Reason::MatchesTargetGroup(g) => format!("{} «{g}»", t(lang, "работает с группой", "serves the group")),
        Reason::FreePlaces(n) => format!("{}: {n}", t(lang, "свободных мест", "free places")),
        Reason::Full => t(lang, "свободных мест нет", "no free place").into(),
        Reason::CapacityUnknown => t(lang, "число мест не указано", "places not given").into(),
        Reason::SpeaksLanguage(l) => format!("{} «{l}»", t(lang, "работает на языке", "works in")),
        Reason::OtherLanguage => t(lang, "не работает на языке человека", "not in the person's language").into(),
        Reason::CheckAge => t(lang, "есть ограничение по возрасту — уточните", "has an age limit: check").into(),
        Reason::CheckIncome => t(lang, "есть ограничение по доходу — уточните", "has an income limit: check").into(),
    }
}

/// The dispatch form's query.
#[derive(Deserialize, Default)]
pub struct NeedQuery {
    #[serde(default)]
    request: String,
    #[serde(default)]
    need: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    target_group: String,
    #[serde(default)]
    age: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    income: String,
}

/// The dispatch page.
pub async fn page(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let query: NeedQuery = query_of(raw.as_deref());
    let vocabulary = console.services.registry.vocabulary();
    let number = |raw: &str| raw.trim().is_empty() || raw.trim().parse::<u8>().is_ok();
    let income_ok = query.income.trim().is_empty() || services_catalog::service::parse_quantity(&query.income).is_ok();
    let ranked = if query.need.trim().is_empty() {
        None
    } else if !number(&query.age) || !income_ok {
        Some(Err(t(
            lang,
            "«Возраст» — целое число лет, «Доход» — число прожиточных минимумов (например, 1,5).",
            "«Age» is a whole number of years, «Income» a number of subsistence minimums (e.g. 1.5).",
        )
        .to_owned()))
    } else {
        let input = NeedInput {
            need: query.need.clone(),
            municipality: Some(query.municipality.clone()).filter(|m| !m.trim().is_empty()),
            target_groups: Some(query.target_group.clone()).filter(|g| !g.trim().is_empty()).into_iter().collect(),
            age: query.age.trim().parse().ok(),
            language: Some(query.language.clone()).filter(|l| !l.trim().is_empty()),
            income: services_catalog::service::parse_quantity(&query.income).ok(),
        };
        match console.services.catalog.dispatch(&visit.actor, &input).await {
            Ok(found) => Some(Ok(found)),
            Err(services_catalog::ServicesError::Invalid(invalid)) => {
                Some(Err(format!("{}: {}", invalid.field, kernel::Localized::message(&invalid.problem, lang))))
            }
            Err(error) => return refused(&console, visit, &error),
        }
    };
    let select = |kind: TermKind, name: &str, label: &str, current: &str| {
        html! {
            p {
                label for=(name) { (label) }
                select id=(name) name=(name) {
                    option value="" { "—" }
                    @for term in vocabulary.terms(kind) {
                        option value=(term.code) selected[term.code == current] { (vocabulary.name(kind, &term.code, lang)) }
                    }
                }
            }
        }
    };
    let referring = !query.request.trim().is_empty() && visit.may(&console, REFERRAL_MANAGE);
    let body = html! {
        form.filters method="get" action="/console/dispatch" {
            input type="hidden" name="request" value=(query.request);
            div.grid {
                p {
                    label for="need" { (t(lang, "Нужда или вид услуги", "Need or service type")) }
                    select id="need" name="need" required {
                        option value="" { "—" }
                        @for kind in [TermKind::TargetGroup, TermKind::ServiceType] {
                            @for term in vocabulary.terms(kind) {
                                option value=(term.code) selected[term.code == query.need] { (vocabulary.name(kind, &term.code, lang)) }
                            }
                        }
                    }
                }
                (select(TermKind::Municipality, "municipality", t(lang, "Где живёт", "Lives in"), &query.municipality))
                (select(TermKind::TargetGroup, "target_group", t(lang, "Группа", "Group"), &query.target_group))
                p { label for="age" { (t(lang, "Возраст", "Age")) } input id="age" name="age" type="number" min="0" max="120" value=(query.age); }
                p { label for="language" { (t(lang, "Язык (ru, en, uk…)", "Language (ru, en, uk…)")) } input id="language" name="language" type="text" value=(query.language); }
                p { label for="income" { (t(lang, "Доход, в прожиточных минимумах", "Income, in subsistence minimums")) } input id="income" name="income" type="text" value=(query.income); }
            }
            p { button type="submit" { (t(lang, "Подобрать", "Rank services")) } }
        }
        @match &ranked {
            None => {},
            Some(Err(problem)) => (notice(true, problem)),
            Some(Ok(found)) => {
                @if found.is_empty() { p { (t(lang, "Подходящих услуг нет: ни одна не служит этой нужде или все исключены условиями.", "No service fits: none serves this need, or every one is excluded by its conditions.")) } }
                ol.ranked {
                    @for d in found {
                        li {
                            strong { (d.service.name) } " · " (t(lang, "баллы", "score")) " " (d.ranked.score)
                            ul { @for r in &d.ranked.reasons { li { (reason_text(lang, r)) } } }
                            @if referring {
                                form.inline method="post" action="/console/dispatch/refer" {
                                    (form_token(&visit))
                                    input type="hidden" name="request" value=(query.request);
                                    input type="hidden" name="service" value=(d.service.id);
                                    label for=(format!("person-{}", d.service.id)) { (t(lang, "Человек (id из раздела «Люди»)", "Person (id from People)")) }
                                    input id=(format!("person-{}", d.service.id)) name="person" type="text" required;
                                    label for=(format!("note-{}", d.service.id)) { (t(lang, "Что передать организации", "Note to the NGO")) }
                                    input id=(format!("note-{}", d.service.id)) name="note" type="text";
                                    button type="submit" data-action=(REFERRAL_MANAGE.code()) { (t(lang, "Направить", "Refer")) }
                                }
                            }
                        }
                    }
                }
            },
        }
    };
    let status = if matches!(ranked, Some(Err(_))) { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = staff_page(&console, &visit, t(lang, "Диспетчерская: подбор услуги", "Dispatch: find a service"), body);
    visit.finish(render(status, page))
}

/// What the refer form sends.
#[derive(Deserialize)]
pub struct ReferForm {
    #[serde(default)]
    request: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    note: String,
    form_token: Option<String>,
}

/// Refers a person to a service for a request.
pub async fn refer(State(console): State<Console>, Staff(visit): Staff, Form(form): Form<ReferForm>) -> Response {
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let parse = |raw: &str| uuid::Uuid::parse_str(raw.trim()).ok();
    let (Some(request), Some(service)) = (parse(&form.request), parse(&form.service)) else {
        let damaged = t(
            lang,
            "Форма повреждена: начните с карточки обращения.",
            "The form is damaged: start from the request's card.",
        );
        return with_message(&console, visit, StatusCode::BAD_REQUEST, damaged);
    };
    let Some(person) = parse(&form.person) else {
        let message = t(
            lang,
            "«Человек»: вставьте идентификатор из карточки человека.",
            "«Person»: paste the id from the person's card.",
        );
        return with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, message);
    };
    let input = ReferralInput {
        request: RequestId(request),
        person: PersonId(person),
        service: DirectoryServiceId(service),
        note: Some(form.note).filter(|n| !n.trim().is_empty()),
    };
    match console.services.catalog.refer(&visit.actor, &input).await {
        Ok(_) => visit.finish(Redirect::to(&format!("/console/desk/{request}?done=1"))),
        Err(error) => refused(&console, visit, &error),
    }
}
