//! Subject access requests (152-FZ art. 14, 20): the open requests with their due dates on the
//! production calendar, the overdue ones first and marked, and the forms that extend a request
//! once (with its reason, sent to the person) and record its answer.

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use chrono::NaiveDate;
use maud::html;
use privacy::SubjectRequestId;
use privacy::actions::SUBJECT_REQUEST;
use serde::Deserialize;

use crate::Console;
use crate::format::date;
use crate::layout::{form_token, notice, render, staff_page};
use crate::people::full_name;
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Done, Staff, Visit, query_of};

/// The open requests.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let done: Done = query_of(raw.as_deref());
    let mut open = match console.services.privacy.open_requests(&visit.actor).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    open.sort_by_key(|r| (r.deadline(), r.received_on));
    let subjects: Vec<_> = open.iter().map(|r| r.subject).collect();
    let people = match console.services.registry.people_by_ids(&visit.actor, &subjects).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    let today = console.services.clock.today();
    let body = html! {
        @if let Some(done) = &done.done {
            (notice(false, if done == "answered" { t(lang, "Ответ записан.", "The answer is recorded.") } else { t(lang, "Срок продлён.", "The due date is extended.") }))
        }
        p { (t(lang, "Срок ответа — 10 рабочих дней с получения, продление — один раз на 5 рабочих дней с указанием причины (152-ФЗ, ст. 14, 20).", "An answer is due within 10 working days of receipt; one extension of 5 working days with a reason (152-FZ arts. 14, 20).")) }
        @if open.is_empty() { p { (t(lang, "Открытых запросов нет.", "No open requests.")) } }
        @for request in &open {
            @let overdue = request.deadline() < today;
            article.request.overdue[overdue] {
                h2 {
                    @match people.iter().find(|p| p.id == request.subject) {
                        Some(person) => { a href=(format!("/console/people/{}", person.id)) { (full_name(person)) } },
                        None => { (t(lang, "человек вне вашего доступа", "a person outside your scope")) },
                    }
                }
                dl.card {
                    dt { (t(lang, "Получен", "Received")) } dd { (date(lang, request.received_on)) }
                    dt { (t(lang, "Ответить до", "Answer by")) }
                    dd {
                        strong { (date(lang, request.deadline())) }
                        @if overdue { " — " strong.bad { (t(lang, "срок прошёл", "overdue")) } }
                        @if request.due_predicted { " " small { (t(lang, "(календарь на этот год ещё не утверждён: срок по прогнозу)", "(this year's calendar is not yet official: a predicted date)")) } }
                    }
                    @if let Some((until, reason)) = &request.extension {
                        dt { (t(lang, "Продлён до", "Extended to")) } dd { (date(lang, *until)) ": " (reason) }
                    }
                }
                // An extension is a notice given before the due day (152-FZ): not offered after it.
                @if request.extension.is_none() && !overdue {
                    form.inline method="post" action=(format!("/console/requests/{}/extend", request.id)) {
                        (form_token(&visit))
                        label for=(format!("reason-{}", request.id)) { (t(lang, "Причина продления (её получит человек)", "Reason for the extension (sent to the person)")) }
                        input id=(format!("reason-{}", request.id)) name="reason" type="text" required;
                        button type="submit" data-action=(SUBJECT_REQUEST.code()) { (t(lang, "Продлить на 5 рабочих дней", "Extend by 5 working days")) }
                    }
                }
                form.inline method="post" action=(format!("/console/requests/{}/answer", request.id)) {
                    (form_token(&visit))
                    label for=(format!("on-{}", request.id)) { (t(lang, "Дата ответа", "Answered on")) }
                    input id=(format!("on-{}", request.id)) name="on" type="date" value=(today.to_string());
                    button type="submit" data-action=(SUBJECT_REQUEST.code()) { (t(lang, "Ответ дан", "Answered")) }
                }
            }
        }
    };
    let page = staff_page(&console, &visit, t(lang, "Запросы субъектов данных", "Subject access requests"), body);
    visit.finish(render(StatusCode::OK, page))
}

/// A posted request form: its id, admitted from this site with this visitor's token.
fn posted(
    console: &Console,
    visit: Visit,
    raw: &str,
    token: Option<&str>,
) -> Result<(Visit, SubjectRequestId), Response> {
    if let Err(refusal) = visit.check_form(token) {
        return Err(visit.refused_form(refusal));
    }
    match uuid::Uuid::parse_str(raw).ok().map(SubjectRequestId) {
        Some(id) => Ok((visit, id)),
        None => Err(refused(console, visit, &privacy::PrivacyError::NotFound("subject request"))),
    }
}

/// What the extension form sends.
#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    reason: String,
    form_token: Option<String>,
}

/// Extends a request once.
pub async fn extend(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(form): Form<ExtendForm>,
) -> Response {
    let (visit, id) = match posted(&console, visit, &id, form.form_token.as_deref()) {
        Ok(found) => found,
        Err(page) => return page,
    };
    match console.services.privacy.extend_request(&visit.actor, id, &form.reason).await {
        Ok(_) => visit.finish(Redirect::to("/console/requests?done=extended")),
        Err(error) => refused(&console, visit, &error),
    }
}

/// What the answer form sends.
#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    on: String,
    form_token: Option<String>,
}

/// Records that a request was answered.
pub async fn answer(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let (visit, id) = match posted(&console, visit, &id, form.form_token.as_deref()) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let on = match form.on.trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                let message = t(visit.lang, "«Дата ответа»: это не дата.", "«Answered on»: not a date.");
                return with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, message);
            }
        },
    };
    match console.services.privacy.answer_request(&visit.actor, id, on).await {
        Ok(_) => visit.finish(Redirect::to("/console/requests?done=answered")),
        Err(error) => refused(&console, visit, &error),
    }
}
