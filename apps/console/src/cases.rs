//! Advocacy cases: the lawyers' list (open cases by default, newest first, paged by key) with
//! each case's next hearing and nearest open procedural deadline, and a case's card with its
//! parties, hearings, deadlines (overdue marked), register of documents and outcome, and the
//! forms that add a hearing, a deadline or a document, mark a deadline met, close or reopen it.

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use kernel::{Cursor, Lang};
use maud::{Markup, html};
use serde::Deserialize;
use services_catalog::actions::CASE_MANAGE;
use services_catalog::model::case::{AdvocacyCase, CaseId, Direction};
use services_catalog::ports::{CASE_NEWEST, CaseFilter};
use services_catalog::service::{CaseChange, DocumentInput, HearingInput};

use crate::Console;
use crate::format::{date, moment};
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Done, Staff, page_request, query_of};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
struct ListQuery {
    /// Closed cases too.
    all: Option<String>,
    after: Option<String>,
}

impl ListQuery {
    fn link(&self, after: Option<&str>) -> String {
        let mut pairs = Vec::new();
        if self.all.is_some() {
            pairs.push(("all", "1"));
        }
        if let Some(after) = after {
            pairs.push(("after", after));
        }
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if query.is_empty() { "/console/cases".to_owned() } else { format!("/console/cases?{query}") }
    }
}

/// The first deadline not yet met, by its day.
fn next_deadline(case: &AdvocacyCase) -> Option<&services_catalog::model::case::ProceduralDeadline> {
    case.deadlines.iter().filter(|d| d.done_on.is_none()).min_by_key(|d| d.due_on)
}

/// The cases, open ones by default.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let query: ListQuery = query_of(raw.as_deref());
    let page = match page_request(lang, query.after.as_deref(), CASE_NEWEST, PAGE_SIZE) {
        Ok(page) => page,
        Err(message) => return with_message(&console, visit, StatusCode::BAD_REQUEST, &message),
    };
    let filter = CaseFilter { lawyer: None, open: query.all.is_none() };
    let found = match console.services.catalog.cases(&visit.actor, filter, page).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    let (today, now) = (console.services.clock.today(), console.services.clock.now());
    let body = html! {
        p {
            @if query.all.is_some() {
                a href="/console/cases" { (t(lang, "Только открытые", "Open cases only")) }
            } @else {
                a href="/console/cases?all=1" { (t(lang, "Все дела, с закрытыми", "All cases, closed ones too")) }
            }
        }
        @if found.items.is_empty() { p { (t(lang, "Дел нет.", "No cases.")) } }
        @for case in &found.items {
            article.request {
                h2 { a href=(format!("/console/cases/{}", case.id)) { (case.subject) } }
                dl.card {
                    @if let Some(number) = &case.case_number { dt { (t(lang, "Номер дела", "Case number")) } dd { (number) } }
                    @if let Some(forum) = &case.forum { dt { (t(lang, "Суд или орган", "Court or body")) } dd { (forum) } }
                    dt { (t(lang, "Юрист", "Lawyer")) } dd { (case.lawyer) }
                    @if let Some(hearing) = case.hearings.iter().filter(|h| h.at >= now).min_by_key(|h| h.at) {
                        dt { (t(lang, "Ближайшее заседание", "Next hearing")) } dd { (moment(lang, hearing.at)) ", " (hearing.place) }
                    }
                    @if let Some(deadline) = next_deadline(case) {
                        dt { (t(lang, "Ближайший срок", "Next deadline")) }
                        dd { (deadline_line(lang, deadline.due_on, &deadline.what, today)) }
                    }
                    @if let Some(closed) = case.closed_on { dt { (t(lang, "Закрыто", "Closed")) } dd { (date(lang, closed)) } }
                }
            }
        }
        nav.pages aria-label=(t(lang, "Страницы", "Pages")) {
            @if query.after.is_some() { a href=(query.link(None)) { (t(lang, "← В начало", "← First page")) } }
            @if found.has_next {
                @if let Some(end) = found.positions.last() {
                    a rel="next" href=(query.link(Some(&Cursor::new(CASE_NEWEST, end.clone()).encode()))) { (t(lang, "Дальше →", "Next →")) }
                }
            }
        }
    };
    let page = staff_page(&console, &visit, t(lang, "Дела", "Cases"), body);
    visit.finish(render(StatusCode::OK, page))
}

/// A deadline's day and task, marked when it has passed.
fn deadline_line(lang: Lang, due_on: NaiveDate, what: &str, today: NaiveDate) -> Markup {
    html! {
        (date(lang, due_on)) " — " (what)
        @if due_on < today { " " strong.overdue { (t(lang, "просрочен", "overdue")) } }
    }
}

fn parse_case(id: &str) -> Option<CaseId> {
    uuid::Uuid::parse_str(id).ok().map(CaseId)
}

/// A case's card.
pub async fn card(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = visit.lang;
    let Some(id) = parse_case(&id) else {
        return refused(&console, visit, &services_catalog::ServicesError::NotFound("case"));
    };
    let case = match console.services.catalog.case(&visit.actor, id).await {
        Ok(case) => case,
        Err(error) => return refused(&console, visit, &error),
    };
    let done: Done = query_of(raw.as_deref());
    let today = console.services.clock.today();
    let managing = visit.may(&console, CASE_MANAGE);
    let action = format!("/console/cases/{}", case.id);
    let change_form = |change: &str, fields: Markup, button: &str| {
        html! {
            form.card method="post" action=(action) {
                (form_token(&visit))
                input type="hidden" name="version" value=(case.version);
                input type="hidden" name="change" value=(change);
                (fields)
                button type="submit" data-action=(CASE_MANAGE.code()) { (button) }
            }
        }
    };
    let mut hearings: Vec<_> = case.hearings.iter().collect();
    hearings.sort_by_key(|h| h.at);
    let body = html! {
        @if done.done.is_some() { (notice(false, t(lang, "Изменение записано.", "The change is recorded."))) }
        dl.card {
            dt { (t(lang, "Юрист", "Lawyer")) } dd { (case.lawyer) }
            @if let Some(forum) = &case.forum { dt { (t(lang, "Суд или орган", "Court or body")) } dd { (forum) } }
            @if let Some(number) = &case.case_number { dt { (t(lang, "Номер дела", "Case number")) } dd { (number) } }
            @for party in &case.parties { dt { (party.role) } dd { (party.name) } }
            dt { (t(lang, "Открыто", "Opened")) } dd { (moment(lang, case.opened_at)) }
            dd { a href=(format!("/console/desk/{}", case.request)) { (t(lang, "Обращение, из которого открыто дело", "The request the case came from")) } }
            @if let Some(outcome) = &case.outcome { dt { (t(lang, "Итог", "Outcome")) } dd { (outcome) } }
            @if let Some(closed) = case.closed_on { dt { (t(lang, "Закрыто", "Closed")) } dd { (date(lang, closed)) } }
        }
        section aria-labelledby="hearings" {
            h2 id="hearings" { (t(lang, "Заседания", "Hearings")) }
            @if hearings.is_empty() { p { (t(lang, "Заседаний нет.", "No hearings.")) } }
            ul { @for h in &hearings { li { (moment(lang, h.at)) ", " (h.place) @if let Some(n) = &h.note { " — " (n) } } } }
            @if managing && case.closed_on.is_none() {
                (change_form("hearing", html! {
                    p { label for="at" { (t(lang, "Когда (московское время)", "When (Moscow time)")) } input id="at" name="at" type="datetime-local" required; }
                    p { label for="place" { (t(lang, "Где", "Where")) } input id="place" name="place" type="text" required; }
                    p { label for="note" { (t(lang, "Заметка", "Note")) } input id="note" name="note" type="text"; }
                }, t(lang, "Добавить заседание", "Add a hearing")))
            }
        }
        section aria-labelledby="deadlines" {
            h2 id="deadlines" { (t(lang, "Процессуальные сроки", "Procedural deadlines")) }
            @if case.deadlines.is_empty() { p { (t(lang, "Сроков нет.", "No deadlines.")) } }
            ul {
                @for (index, d) in case.deadlines.iter().enumerate() {
                    li {
                        @if let Some(on) = d.done_on {
                            (date(lang, d.due_on)) " — " (d.what) " (" (t(lang, "выполнено", "met")) " " (date(lang, on)) ")"
                        } @else {
                            (deadline_line(lang, d.due_on, &d.what, today))
                            @if managing && case.closed_on.is_none() {
                                (change_form("deadline_done", html! {
                                    input type="hidden" name="index" value=(index);
                                }, t(lang, "Выполнено сегодня", "Met today")))
                            }
                        }
                    }
                }
            }
            @if managing && case.closed_on.is_none() {
                (change_form("deadline", html! {
                    p { label for="due_on" { (t(lang, "Последний день", "Last day")) } input id="due_on" name="due_on" type="date" required; }
                    p { label for="what" { (t(lang, "Что сделать", "What to do")) } input id="what" name="what" type="text" required; }
                }, t(lang, "Добавить срок", "Add a deadline")))
            }
        }
        section aria-labelledby="documents" {
            h2 id="documents" { (t(lang, "Документы", "Documents")) }
            @if case.documents.is_empty() { p { (t(lang, "Документов нет.", "No documents.")) } }
            ul {
                @for d in &case.documents {
                    li {
                        (match d.direction { Direction::Incoming => t(lang, "входящий", "incoming"), Direction::Outgoing => t(lang, "исходящий", "outgoing") })
                        " № " (d.number) " " (t(lang, "от", "of")) " " (date(lang, d.dated)) " — " (d.title)
                    }
                }
            }
            @if managing && case.closed_on.is_none() {
                (change_form("document", html! {
                    p {
                        label for="direction" { (t(lang, "Входящий или исходящий", "Incoming or outgoing")) }
                        select id="direction" name="direction" {
                            option value="incoming" { (t(lang, "входящий", "incoming")) }
                            option value="outgoing" { (t(lang, "исходящий", "outgoing")) }
                        }
                    }
                    p { label for="number" { (t(lang, "Номер", "Number")) } input id="number" name="number" type="text" required; }
                    p { label for="dated" { (t(lang, "Дата", "Date")) } input id="dated" name="dated" type="date" required; }
                    p { label for="title" { (t(lang, "Что за документ", "What it is")) } input id="title" name="title" type="text" required; }
                }, t(lang, "Добавить в реестр", "Add to the register")))
            }
        }
        @if managing {
            @if case.closed_on.is_none() {
                (change_form("close", html! {
                    p { label for="outcome" { (t(lang, "Итог", "Outcome")) } input id="outcome" name="outcome" type="text" required; }
                }, t(lang, "Закрыть дело", "Close the case")))
            } @else {
                (change_form("reopen", html! {}, t(lang, "Открыть снова", "Reopen")))
            }
        }
    };
    let page = staff_page(&console, &visit, &case.subject, body);
    visit.finish(render(StatusCode::OK, page))
}

/// What a change form sends (each change uses its own fields).
#[derive(Deserialize)]
pub struct ChangeForm {
    version: String,
    change: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    index: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    dated: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    outcome: String,
    form_token: Option<String>,
}

/// The change a form describes, or what is wrong with it (in the visitor's words).
fn change_of(form: &ChangeForm, lang: Lang, today: NaiveDate) -> Result<CaseChange, &'static str> {
    let day = |raw: &str, ru: &'static str, en: &'static str| {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| t(lang, ru, en))
    };
    let optional = |raw: &str| Some(raw.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(match form.change.as_str() {
        "hearing" => {
            let moscow = NaiveDateTime::parse_from_str(form.at.trim(), "%Y-%m-%dT%H:%M")
                .map_err(|_| t(lang, "«Когда»: укажите дату и время.", "«When»: give a date and a time."))?;
            let at = (moscow - TimeDelta::hours(3)).and_utc();
            CaseChange::AddHearing(HearingInput { at, place: form.place.clone(), note: optional(&form.note) })
        }
        "deadline" => CaseChange::AddDeadline {
            due_on: day(&form.due_on, "«Последний день»: укажите дату.", "«Last day»: give a date.")?,
            what: form.what.clone(),
        },
        "deadline_done" => {
            CaseChange::DeadlineDone { index: form.index.trim().parse().map_err(|_| damaged(lang))?, on: today }
        }
        "document" => CaseChange::AddDocument(DocumentInput {
            direction: Direction::parse(&form.direction).ok_or_else(|| damaged(lang))?,
            number: form.number.clone(),
            dated: day(&form.dated, "«Дата»: укажите дату.", "«Date»: give a date.")?,
            title: form.title.clone(),
        }),
        "close" => CaseChange::Close { outcome: form.outcome.clone() },
        "reopen" => CaseChange::Reopen,
        _ => return Err(damaged(lang)),
    })
}

fn damaged(lang: Lang) -> &'static str {
    t(lang, "Форма повреждена: откройте дело заново.", "The form is damaged: open the case again.")
}

/// Changes a case.
pub async fn change(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Response {
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let Some(id) = parse_case(&id) else {
        return refused(&console, visit, &services_catalog::ServicesError::NotFound("case"));
    };
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return with_message(&console, visit, StatusCode::BAD_REQUEST, damaged(lang));
    };
    let change = match change_of(&form, lang, console.services.clock.today()) {
        Ok(change) => change,
        Err(message) => return with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, message),
    };
    match console.services.catalog.change_case(&visit.actor, id, version, &change).await {
        Ok(_) => visit.finish(Redirect::to(&format!("/console/cases/{}?done=1", id.0))),
        Err(error) => refused(&console, visit, &error),
    }
}
