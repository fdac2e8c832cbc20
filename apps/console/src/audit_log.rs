//! The audit log, for administrators: rows newest first with filters by action, login, object
//! and outcome, a page at a time by key (reading it is itself recorded), and the verification of
//! the whole chain against the local checkpoint.

use audit::{AUDIT_READ, AuditFilter, AuditRecord, GateError, Outcome};
use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use kernel::{Cursor, StoreError};
use maud::html;
use serde::Deserialize;

use crate::Console;
use crate::format::moment;
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::refused;
use crate::texts::t;
use crate::visit::{Staff, Visit, query_of};

/// The log's query string.
#[derive(Deserialize, Default)]
pub struct LogQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    outcome: String,
    after: Option<String>,
}

impl LogQuery {
    fn filter(&self) -> AuditFilter {
        let present = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        AuditFilter {
            action: present(&self.action),
            login: present(&self.login),
            object: present(&self.object),
            outcome: Outcome::ALL.into_iter().find(|o| o.code() == self.outcome.trim()),
        }
    }

    fn next(&self, after: &str) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("action", self.action.as_str()),
            ("login", self.login.as_str()),
            ("object", self.object.as_str()),
            ("outcome", self.outcome.as_str()),
            ("after", after),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
        format!("/console/audit?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }
}

fn outcome_name(lang: kernel::Lang, outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success => t(lang, "выполнено", "done"),
        Outcome::Denied => t(lang, "отказано", "denied"),
        Outcome::Failed => t(lang, "не удалось", "failed"),
    }
}

async fn page(console: &Console, visit: Visit, query: &LogQuery, verdict: Option<(bool, String)>) -> Response {
    let lang = visit.lang;
    let request = crate::visit::page_request(lang, query.after.as_deref(), AuditRecord::ORDER, 50);
    let found = match request {
        Ok(request) => match console.services.gate.read_log(&visit.actor, &query.filter(), request).await {
            Ok(page) => Ok(page),
            Err(error) => return refused(console, visit, &error),
        },
        Err(problem) => Err(problem),
    };
    let body = html! {
        @if let Some((intact, message)) = &verdict { (notice(!intact, message)) }
        form.inline method="post" action="/console/audit/verify" {
            (form_token(&visit))
            button type="submit" data-action=(AUDIT_READ.code()) { (t(lang, "Проверить целостность журнала", "Verify the log's integrity")) }
        }
        form.filters method="get" action="/console/audit" role="search" {
            div.grid {
                p { label for="action" { (t(lang, "Действие (например, organization.write)", "Action (e.g. organization.write)")) } input id="action" name="action" type="text" value=(query.action); }
                p { label for="login" { (t(lang, "Логин", "Login")) } input id="login" name="login" type="text" value=(query.login); }
                p { label for="object" { (t(lang, "Объект (например, organization/<id>)", "Object (e.g. organization/<id>)")) } input id="object" name="object" type="text" value=(query.object); }
                p {
                    label for="outcome" { (t(lang, "Итог", "Outcome")) }
                    select id="outcome" name="outcome" {
                        option value="" { (t(lang, "любой", "any")) }
                        @for outcome in Outcome::ALL { option value=(outcome.code()) selected[query.outcome == outcome.code()] { (outcome_name(lang, outcome)) } }
                    }
                }
            }
            p { button type="submit" { (t(lang, "Показать", "Show")) } }
        }
        @match &found {
            Err(problem) => (notice(true, problem)),
            Ok(rows) => {
                @if rows.items.is_empty() { p { (t(lang, "Записей нет.", "No rows.")) } }
                @else {
                    table.list {
                        thead { tr {
                            th scope="col" { "№" } th scope="col" { (t(lang, "Когда", "When")) } th scope="col" { (t(lang, "Кто", "Who")) }
                            th scope="col" { (t(lang, "Действие", "Action")) } th scope="col" { (t(lang, "Объект", "Object")) }
                            th scope="col" { (t(lang, "Итог", "Outcome")) } th scope="col" { (t(lang, "Подробности", "Detail")) }
                        } }
                        tbody {
                            @for row in &rows.items {
                                @let e = &row.event;
                                tr {
                                    td { (row.seq) } td { (moment(lang, e.at)) }
                                    td { (e.login) br; small { (e.role.title(lang)) ", " (e.channel.code()) @if let Some(origin) = &e.origin { ", " (origin) } } }
                                    td { (e.action) } td { (e.object.as_deref().unwrap_or("—")) }
                                    td { (outcome_name(lang, e.outcome)) } td { (e.detail.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
                @if rows.has_next {
                    @if let Some(end) = rows.positions.last() {
                        nav.pages aria-label=(t(lang, "Страницы", "Pages")) {
                            a rel="next" href=(query.next(&Cursor::new(AuditRecord::ORDER, end.clone()).encode())) { (t(lang, "Раньше →", "Older →")) }
                        }
                    }
                }
            }
        }
    };
    let status = match (&found, &verdict) {
        (Err(_), _) => StatusCode::BAD_REQUEST,
        (_, Some((false, _))) => StatusCode::CONFLICT,
        _ => StatusCode::OK,
    };
    let page = staff_page(console, &visit, t(lang, "Журнал аудита", "Audit log"), body);
    visit.finish(render(status, page))
}

/// The log.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let query: LogQuery = query_of(raw.as_deref());
    page(&console, visit, &query, None).await
}

/// What the verification form sends.
#[derive(Deserialize)]
pub struct VerifyForm {
    form_token: Option<String>,
}

/// Walks the whole chain (against the local checkpoint, when the gateway keeps one) and shows
/// the verdict above the log.
pub async fn verify(State(console): State<Console>, Staff(visit): Staff, Form(form): Form<VerifyForm>) -> Response {
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let lang = visit.lang;
    let checkpoint =
        console.settings.checkpoint.as_deref().and_then(|path| system::audit_key::read_checkpoint(path).ok().flatten());
    let verdict = match console.services.gate.verify_log(&visit.actor, checkpoint.as_ref()).await {
        Ok(rows) => (
            true,
            format!("{} {rows}.", t(lang, "Журнал цел: проверено записей —", "The log is intact: rows verified —")),
        ),
        Err(GateError::Audit(StoreError::Conflict(broken))) => (
            false,
            format!(
                "{} {broken}",
                t(
                    lang,
                    "ЖУРНАЛ ПОВРЕЖДЁН. Сообщите администратору сервера:",
                    "THE LOG IS BROKEN. Tell the server's administrator:"
                )
            ),
        ),
        Err(error) => return refused(&console, visit, &error),
    };
    page(&console, visit, &LogQuery::default(), Some(verdict)).await
}
