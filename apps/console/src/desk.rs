//! The request desk: the queues (mine, unassigned, at risk, overdue) with their counts and
//! running deadlines, and a request's card with its history, its referrals and the steps its
//! state allows (59-FZ: register within 3 days, answer within 30, one extension of at most 30).

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kernel::{Cursor, Lang};
use maud::{Markup, html};
use serde::Deserialize;
use services_catalog::actions::{DISPATCH, REQUEST_MANAGE};
use services_catalog::model::request::{Applicant, RejectionReason, Request, RequestId, RequestState};
use services_catalog::ports::{REQUEST_BY_DEADLINE, REQUEST_NEWEST, ReferralFilter, RequestFilter};
use services_catalog::rules::request_flow::{Step, target};
use services_catalog::service::{QueueName, StepInput};

use crate::Console;
use crate::format::{date, moment};
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Staff, query_of};

/// A state's name in the visitor's language.
pub fn state_name(lang: Lang, state: RequestState) -> &'static str {
    match lang {
        Lang::Ru => services_catalog::error::state_ru(state.code()),
        Lang::En => state.code(),
    }
}

fn queue_name(lang: Lang, queue: QueueName) -> &'static str {
    match queue {
        QueueName::Mine => t(lang, "Мои", "Mine"),
        QueueName::Unassigned => t(lang, "Не назначены", "Unassigned"),
        QueueName::AtRisk => t(lang, "Срок близко", "At risk"),
        QueueName::Overdue => t(lang, "Просрочены", "Overdue"),
    }
}

fn rejection_name(lang: Lang, reason: RejectionReason) -> &'static str {
    match reason {
        RejectionReason::Anonymous => t(lang, "анонимное (нет имени или адреса)", "anonymous (no name or address)"),
        RejectionReason::Offensive => t(lang, "оскорбительные выражения", "offensive language"),
        RejectionReason::Unreadable => t(lang, "текст не поддаётся прочтению", "cannot be read"),
        RejectionReason::CourtDecision => t(lang, "обжалование решения суда", "against a court decision"),
        RejectionReason::Repeated => t(lang, "повторное без новых доводов", "repeated without new arguments"),
        RejectionReason::Withdrawn => t(lang, "отозвано заявителем", "withdrawn by the applicant"),
    }
}

/// Who a request comes from, in a line.
fn applicant_line(lang: Lang, applicant: &Applicant) -> String {
    match applicant {
        Applicant::Organization(id) => format!("{} {id}", t(lang, "организация", "organisation")),
        Applicant::Person(id) => format!("{} {id}", t(lang, "человек из реестра", "a registry person")),
        Applicant::Citizen(c) => {
            c.name.clone().unwrap_or_else(|| t(lang, "гражданин без имени", "an unnamed citizen").to_owned())
        }
        Applicant::Anonymous => t(lang, "анонимно", "anonymous").to_owned(),
    }
}

/// The queue's query string.
#[derive(Deserialize, Default)]
pub struct DeskQuery {
    queue: Option<String>,
    after: Option<String>,
    done: Option<String>,
}

/// The queues.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let query: DeskQuery = query_of(raw.as_deref());
    let queue = query.queue.as_deref().and_then(QueueName::parse);
    let order = if queue.is_some() { REQUEST_BY_DEADLINE } else { REQUEST_NEWEST };
    let request = match crate::visit::page_request(lang, query.after.as_deref(), order, 50) {
        Ok(request) => request,
        Err(problem) => return with_message(&console, visit, StatusCode::BAD_REQUEST, &problem),
    };
    let catalog = &console.services.catalog;
    let counts = match catalog.queue_counts(&visit.actor).await {
        Ok(counts) => counts,
        Err(error) => return refused(&console, visit, &error),
    };
    let page = match catalog.requests(&visit.actor, queue, RequestFilter::default(), request).await {
        Ok(page) => page,
        Err(error) => return refused(&console, visit, &error),
    };
    let today = console.services.clock.today();
    let next = page.positions.last().filter(|_| page.has_next).map(|end| {
        let cursor = Cursor::new(order, end.clone()).encode();
        let mut pairs = vec![("after", cursor.as_str())];
        if let Some(q) = queue {
            pairs.push(("queue", q.code()));
        }
        format!("/console/desk?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    });
    let tabs = [
        (None, t(lang, "Все", "All"), None),
        (Some(QueueName::Mine), queue_name(lang, QueueName::Mine), Some(counts.mine)),
        (Some(QueueName::Unassigned), queue_name(lang, QueueName::Unassigned), Some(counts.unassigned)),
        (Some(QueueName::AtRisk), queue_name(lang, QueueName::AtRisk), Some(counts.at_risk)),
        (Some(QueueName::Overdue), queue_name(lang, QueueName::Overdue), Some(counts.overdue)),
    ];
    let body = html! {
        @if query.done.is_some() { (notice(false, t(lang, "Сохранено.", "Saved."))) }
        p { (t(lang, "Открытых обращений", "Open requests")) ": " strong { (counts.open) } ". "
            (t(lang, "Регистрация — 3 дня с получения, ответ — 30 дней с регистрации (59-ФЗ), срок на выходном переносится на рабочий день.",
               "Register within 3 days of receipt, answer within 30 days of registration (59-FZ); a deadline on a day off moves to the next working day.")) }
        nav.tabs aria-label=(t(lang, "Очереди", "Queues")) {
            ul {
                @for (code, name, n) in tabs {
                    li {
                        @let href = code.map_or("/console/desk".to_owned(), |q| format!("/console/desk?queue={}", q.code()));
                        a href=(href) aria-current=[(code == queue).then_some("page")] {
                            (name) @if let Some(n) = n { " (" (n) ")" }
                        }
                    }
                }
            }
        }
        @if page.items.is_empty() { p { (t(lang, "Обращений нет.", "No requests.")) } }
        table.list {
            thead { tr {
                th { (t(lang, "Номер", "Number")) } th { (t(lang, "Тема", "Topic")) } th { (t(lang, "Состояние", "State")) }
                th { (t(lang, "Срок", "Deadline")) } th { (t(lang, "Исполнитель", "Assignee")) }
            } }
            tbody {
                @for r in &page.items {
                    tr.overdue[r.is_overdue(today)] {
                        td { a href=(format!("/console/desk/{}", r.id)) { (r.number) } }
                        td { (r.topic) }
                        td { (state_name(lang, r.state)) }
                        td {
                            @match r.deadline() {
                                Some(d) => { (date(lang, d)) @if r.is_overdue(today) { " " strong.bad { (t(lang, "просрочено", "overdue")) } } },
                                None => { "—" },
                            }
                        }
                        td { (r.assignee.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
        @if let Some(next) = &next {
            nav.pages { a rel="next" href=(next) { (t(lang, "Дальше →", "Next →")) } }
        }
    };
    let page = staff_page(&console, &visit, t(lang, "Обращения", "Requests"), body);
    visit.finish(render(StatusCode::OK, page))
}

fn step_button(visit: &crate::visit::Visit, request: &Request, step: &str, label: &str, extra: Markup) -> Markup {
    html! {
        form.inline method="post" action=(format!("/console/desk/{}/step", request.id)) {
            (form_token(visit))
            input type="hidden" name="version" value=(request.version);
            input type="hidden" name="step" value=(step);
            (extra)
            button type="submit" data-action=(REQUEST_MANAGE.code()) { (label) }
        }
    }
}

/// The steps a request's state allows, as forms.
fn steps(console: &Console, visit: &crate::visit::Visit, r: &Request) -> Markup {
    let lang = visit.lang;
    if !visit.may(console, REQUEST_MANAGE) {
        return html! {};
    }
    let allowed = |step: &Step| target(r.state, step, r.assignee.is_some()).is_some();
    let login = visit.account.as_ref().map(|a| a.login.as_str().to_owned()).unwrap_or_default();
    html! {
        section.steps {
            h2 { (t(lang, "Действия", "Actions")) }
            @if allowed(&Step::Register) { (step_button(visit, r, "register", t(lang, "Зарегистрировать", "Register"), html! {})) }
            @if allowed(&Step::Assign { to: login.clone() }) && r.assignee.as_deref() != Some(login.as_str()) {
                (step_button(visit, r, "assign", t(lang, "Взять себе", "Take it"), html! { input type="hidden" name="text" value=(login); }))
            }
            @if allowed(&Step::Start) { (step_button(visit, r, "start", t(lang, "Начать работу", "Start work"), html! {})) }
            @if allowed(&Step::Answer { text: String::new() }) && r.applicant.can_be_answered() {
                (step_button(visit, r, "answer", t(lang, "Записать ответ", "Record the answer"), html! {
                    label for="answer" { (t(lang, "Ответ по существу", "The answer")) }
                    textarea id="answer" name="text" rows="4" required {}
                }))
            }
            @if allowed(&Step::Extend { days: 1, reason: String::new(), notice: String::new() }) && r.extension.is_none() && r.answer_due.is_some() {
                (step_button(visit, r, "extend", t(lang, "Продлить срок (один раз)", "Extend (once)"), html! {
                    label for="days" { (t(lang, "На сколько дней (до 30)", "Days (up to 30)")) }
                    input id="days" name="days" type="number" min="1" max="30" value="30" required;
                    label for="reason" { (t(lang, "Причина", "Reason")) }
                    input id="reason" name="reason" type="text" required;
                    label for="notice" { (t(lang, "Как уведомлён заявитель", "How the applicant was told")) }
                    input id="notice" name="notice" type="text" required;
                }))
            }
            @if allowed(&Step::Redirect { to: String::new() }) {
                (step_button(visit, r, "redirect", t(lang, "Перенаправить", "Redirect"), html! {
                    label for="redirect" { (t(lang, "Куда (орган или организация)", "To (body or organisation)")) }
                    input id="redirect" name="text" type="text" required;
                }))
            }
            @if allowed(&Step::Reject { reason: RejectionReason::Withdrawn }) {
                (step_button(visit, r, "reject", t(lang, "Оставить без ответа", "Leave without an answer"), html! {
                    label for="rejection" { (t(lang, "Основание (59-ФЗ, ст. 11)", "Ground (59-FZ art. 11)")) }
                    select id="rejection" name="rejection" {
                        @for reason in RejectionReason::ALL {
                            @if *reason != RejectionReason::Anonymous || !r.applicant.can_be_answered() {
                                option value=(reason.code()) { (rejection_name(lang, *reason)) }
                            }
                        }
                    }
                }))
            }
            @if allowed(&Step::Close) { (step_button(visit, r, "close", t(lang, "Закрыть", "Close"), html! {})) }
            @if allowed(&Step::Reopen) { (step_button(visit, r, "reopen", t(lang, "Открыть снова", "Reopen"), html! {})) }
            @if r.state.is_open() && visit.may(console, DISPATCH) {
                p { a href=(format!("/console/dispatch?request={}", r.id)) data-action=(DISPATCH.code()) { (t(lang, "Подобрать услугу и направить →", "Find a service and refer →")) } }
            }
        }
    }
}

/// A request's card.
pub async fn card(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = visit.lang;
    let query: DeskQuery = query_of(raw.as_deref());
    let Some(id) = uuid::Uuid::parse_str(&id).ok().map(RequestId) else {
        return refused(&console, visit, &services_catalog::ServicesError::NotFound("request"));
    };
    let catalog = &console.services.catalog;
    let request = match catalog.request(&visit.actor, id).await {
        Ok(request) => request,
        Err(error) => return refused(&console, visit, &error),
    };
    let history = match catalog.history(&visit.actor, id).await {
        Ok(history) => history,
        Err(error) => return refused(&console, visit, &error),
    };
    let referrals = if visit.may(&console, services_catalog::actions::REFERRAL_READ) {
        let filter = ReferralFilter { request: Some(id), ..Default::default() };
        let page = kernel::PageRequest::new(100, None).expect("a valid size");
        match catalog.referrals(&visit.actor, filter, page).await {
            Ok(page) => page.items,
            Err(error) => return refused(&console, visit, &error),
        }
    } else {
        Vec::new()
    };
    let r = &request;
    let today = console.services.clock.today();
    let body = html! {
        @if query.done.is_some() { (notice(false, t(lang, "Сохранено.", "Saved."))) }
        dl.card {
            dt { (t(lang, "Состояние", "State")) } dd { (state_name(lang, r.state)) }
            dt { (t(lang, "Тема", "Topic")) } dd { (r.topic) }
            dt { (t(lang, "Заявитель", "Applicant")) } dd {
                (applicant_line(lang, &r.applicant))
                @if let Applicant::Citizen(c) = &r.applicant {
                    @if let Some(e) = &c.email { br; (e) }
                    @if let Some(a) = &c.postal_address { br; (a) }
                    @if let Some(p) = &c.phone { br; (p) }
                }
                @if !r.applicant.can_be_answered() { br; small { (t(lang, "нет имени или адреса: ответ не даётся (59-ФЗ, ст. 11)", "no name or address: no answer is given (59-FZ art. 11)")) } }
            }
            dt { (t(lang, "Получено", "Received")) } dd { (date(lang, r.received_on)) }
            dt { (t(lang, "Зарегистрировать до", "Register by")) } dd { (date(lang, r.register_due)) }
            @if let Some(on) = r.registered_on { dt { (t(lang, "Зарегистрировано", "Registered")) } dd { (date(lang, on)) } }
            @if let Some(due) = r.answer_due {
                dt { (t(lang, "Ответить до", "Answer by")) }
                dd { strong { (date(lang, due)) } @if r.is_overdue(today) { " " strong.bad { (t(lang, "срок прошёл", "overdue")) } }
                     @if r.due_predicted { " " small { (t(lang, "(по прогнозу календаря)", "(on a predicted calendar)")) } } }
            }
            @if let Some(e) = &r.extension {
                dt { (t(lang, "Продлено", "Extended")) } dd { "+" (e.days) " " (t(lang, "дн.", "days")) " (" (date(lang, e.on)) "): " (e.reason) "; " (e.notice) }
            }
            dt { (t(lang, "Исполнитель", "Assignee")) } dd { (r.assignee.as_deref().unwrap_or("—")) }
            dt { (t(lang, "Текст", "Text")) } dd { pre.text { (r.text) } }
            @if let Some(a) = &r.answer { dt { (t(lang, "Ответ", "Answer")) } dd { pre.text { (a) } } }
            @if let Some(to) = &r.redirected_to { dt { (t(lang, "Перенаправлено", "Redirected to")) } dd { (to) } }
            @if let Some(reason) = r.rejection { dt { (t(lang, "Без ответа", "No answer")) } dd { (rejection_name(lang, reason)) } }
        }
        (steps(&console, &visit, r))
        @if !referrals.is_empty() {
            h2 { (t(lang, "Направления", "Referrals")) }
            ul { @for f in &referrals { li { (crate::referrals::state_name(lang, f.state)) " — " (f.outcome.as_deref().unwrap_or("")) } } }
        }
        h2 { (t(lang, "История", "History")) }
        ol.history {
            @for e in &history {
                li { (moment(lang, e.at)) " · " (e.by) " · " (e.what) " → " (state_name(lang, e.state)) @if let Some(n) = &e.note { ": " (n) } }
            }
        }
    };
    let title = format!("{} № {}", t(lang, "Обращение", "Request"), r.number);
    let page = staff_page(&console, &visit, &title, body);
    visit.finish(render(StatusCode::OK, page))
}

/// What a step form sends.
#[derive(Deserialize)]
pub struct StepForm {
    version: String,
    step: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    rejection: String,
    form_token: Option<String>,
}

/// Takes a step on a request.
pub async fn step(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Response {
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let Some(id) = uuid::Uuid::parse_str(&id).ok().map(RequestId) else {
        return refused(&console, visit, &services_catalog::ServicesError::NotFound("request"));
    };
    let damaged =
        t(lang, "Форма повреждена: откройте обращение заново.", "The form is damaged: open the request again.");
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return with_message(&console, visit, StatusCode::BAD_REQUEST, damaged);
    };
    let input = match form.step.as_str() {
        "register" => StepInput::Register,
        "assign" => StepInput::Assign(form.text),
        "start" => StepInput::Start,
        "extend" => {
            StepInput::Extend { days: form.days.trim().parse().unwrap_or(0), reason: form.reason, notice: form.notice }
        }
        "answer" => StepInput::Answer(form.text),
        "redirect" => StepInput::Redirect(form.text),
        "reject" => match RejectionReason::parse(&form.rejection) {
            Some(reason) => StepInput::Reject(reason),
            None => return with_message(&console, visit, StatusCode::BAD_REQUEST, damaged),
        },
        "close" => StepInput::Close,
        "reopen" => StepInput::Reopen,
        _ => return with_message(&console, visit, StatusCode::BAD_REQUEST, damaged),
    };
    match console.services.catalog.step(&visit.actor, id, version, &input).await {
        Ok(_) => visit.finish(Redirect::to(&format!("/console/desk/{id}?done=1"))),
        Err(error) => refused(&console, visit, &error),
    }
}
