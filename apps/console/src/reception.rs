//! The public reception's pages: the service finder (active social services of the region's NGOs
//! by need, municipality and form; no personal data) and the appeal form, which asks for consent
//! to the processing of the data in the appeal and answers with the registration number and the
//! date an answer is due (59-FZ).

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use kernel::{Channel, Cursor, Localized as _, TermKind};
use maud::{Markup, html};
use serde::Deserialize;
use services_catalog::ServicesError;
use services_catalog::model::directory::Cost;
use services_catalog::ports::{DirectoryFilter, SERVICE_BY_NAME};
use services_catalog::service::AppealInput;

use crate::Console;
use crate::format::date;
use crate::layout::{failure, notice, public_page, render};
use crate::texts::t;
use crate::visit::{Visit, query_of};

fn public_visit(mut visit: Visit) -> Visit {
    visit.actor.channel = Channel::Public;
    visit
}

/// The finder's query.
#[derive(Deserialize, Default)]
pub struct FinderQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    need: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    form: String,
    after: Option<String>,
}

fn code(raw: &str) -> Option<services_catalog::model::values::Code> {
    services_catalog::model::values::Code::parse(raw).ok().filter(|_| !raw.trim().is_empty())
}

/// The service finder.
pub async fn finder(State(console): State<Console>, visit: Visit, RawQuery(raw): RawQuery) -> Response {
    let visit = public_visit(visit);
    let lang = visit.lang;
    let query: FinderQuery = query_of(raw.as_deref());
    let vocabulary = console.services.registry.vocabulary();
    let filter = DirectoryFilter {
        text: Some(query.q.trim().to_owned()).filter(|q| !q.is_empty()),
        need: code(&query.need),
        municipality: code(&query.municipality),
        form: code(&query.form),
        ..Default::default()
    };
    let found = match crate::visit::page_request(lang, query.after.as_deref(), SERVICE_BY_NAME, 20) {
        Err(problem) => Err(problem),
        Ok(request) => match console.services.catalog.find_services(&visit.actor, filter, request).await {
            Ok(page) => Ok(page),
            Err(ServicesError::Invalid(invalid)) => {
                Err(format!("«{}»: {}", t(lang, "Название", "Name"), invalid.problem.message(lang)))
            }
            Err(error) => {
                tracing::error!(%error, "the service finder failed");
                return failure(StatusCode::SERVICE_UNAVAILABLE, lang);
            }
        },
    };
    let select = |kinds: &[TermKind], name: &str, label: &str, current: &str| {
        html! {
            p {
                label for=(name) { (label) }
                select id=(name) name=(name) {
                    option value="" { (t(lang, "любой", "any")) }
                    @for kind in kinds {
                        @for term in vocabulary.terms(*kind) {
                            option value=(term.code) selected[term.code == current] { (vocabulary.name(*kind, &term.code, lang)) }
                        }
                    }
                }
            }
        }
    };
    let next = found.as_ref().ok().filter(|p| p.has_next).and_then(|p| p.positions.last()).map(|end| {
        let cursor = Cursor::new(SERVICE_BY_NAME, end.clone()).encode();
        let pairs: Vec<(&str, &str)> = [
            ("q", query.q.as_str()),
            ("need", query.need.as_str()),
            ("municipality", query.municipality.as_str()),
            ("form", query.form.as_str()),
            ("after", cursor.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
        format!("/services?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    });
    let body = html! {
        form.filters method="get" action="/services" role="search" {
            div.grid {
                p { label for="q" { (t(lang, "Название", "Name")) } input id="q" name="q" type="search" value=(query.q); }
                (select(&[TermKind::TargetGroup, TermKind::ServiceType], "need", t(lang, "С чем нужна помощь", "What help is needed"), &query.need))
                (select(&[TermKind::Municipality], "municipality", t(lang, "Где вы живёте", "Where you live"), &query.municipality))
                (select(&[TermKind::ServiceForm], "form", t(lang, "Как оказывается", "How it is given"), &query.form))
            }
            p { button type="submit" { (t(lang, "Найти", "Search")) } }
        }
        @match &found {
            Err(problem) => (notice(true, problem)),
            Ok(page) => {
                @if page.items.is_empty() { p { (t(lang, "Ничего не найдено. Напишите нам — подберём помощь.", "Nothing found. Write to us and we will find help.")) } }
                @for s in &page.items {
                    article.service {
                        h2 { (s.name) }
                        p { (s.description) }
                        dl.card {
                            dt { (t(lang, "Стоимость", "Cost")) }
                            dd { (match s.cost { Cost::Free => t(lang, "бесплатно", "free"), Cost::Paid => t(lang, "платно", "paid"), Cost::Partly => t(lang, "бесплатно для отдельных категорий", "free for some") }) }
                            @if let Some(schedule) = &s.schedule { dt { (t(lang, "Когда", "When")) } dd { (schedule) } }
                            @if !s.eligibility.documents.is_empty() { dt { (t(lang, "Документы", "Documents")) } dd { (s.eligibility.documents.join(", ")) } }
                            @if !s.pathway.is_empty() {
                                dt { (t(lang, "Как получить", "How to get it")) }
                                dd { ol { @for step in &s.pathway { li { (step.title) " — " (step.who) } } } }
                            }
                        }
                        p { a href=(format!("/directory/{}", s.provider)) { (t(lang, "Организация и контакты →", "The organisation and contacts →")) } }
                    }
                }
                @if let Some(next) = &next { nav.pages { a rel="next" href=(next) { (t(lang, "Дальше →", "Next →")) } } }
            }
        }
        p { a href="/appeal" { (t(lang, "Написать обращение в общественную приёмную →", "Write to the public reception →")) } }
    };
    let status = if found.is_ok() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = public_page(lang, t(lang, "Найти помощь", "Find help"), body);
    visit.finish(render(status, page))
}

/// What the appeal form sends (and shows again when something must be corrected).
#[derive(Deserialize, Default)]
pub struct AppealForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    postal_address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    text: String,
    consent: Option<String>,
    form_token: Option<String>,
    /// This form's own id: a second post of it gets the first one's receipt.
    #[serde(default)]
    form_id: String,
}

fn appeal_form(visit: &Visit, values: &AppealForm, problem: Option<&str>) -> Markup {
    let lang = visit.lang;
    html! {
        @if let Some(problem) = problem { (notice(true, problem)) }
        p { (t(lang, "Обращение регистрируется сразу; ответ направляется на электронную почту в течение 30 дней (59-ФЗ).",
               "The appeal is registered at once; the answer comes to your e-mail within 30 days (59-FZ).")) }
        form.card method="post" action="/appeal" {
            input type="hidden" name="form_token" value=(visit.form_token());
            input type="hidden" name="form_id" value=(new_form_id());
            p { label for="name" { (t(lang, "Фамилия, имя, отчество", "Full name")) } input id="name" name="name" type="text" autocomplete="name" value=(values.name) required; }
            p { label for="email" { (t(lang, "Электронная почта для ответа", "E-mail for the answer")) } input id="email" name="email" type="email" autocomplete="email" value=(values.email) required; }
            p { label for="postal_address" { (t(lang, "Почтовый адрес (если нужен ответ по почте)", "Postal address (for an answer by post)")) } input id="postal_address" name="postal_address" type="text" value=(values.postal_address); }
            p { label for="phone" { (t(lang, "Телефон", "Phone")) } input id="phone" name="phone" type="tel" value=(values.phone); }
            p { label for="topic" { (t(lang, "Тема", "Topic")) } input id="topic" name="topic" type="text" value=(values.topic) required; }
            p { label for="text" { (t(lang, "Обращение", "Your appeal")) } textarea id="text" name="text" rows="8" required { (values.text) } }
            p.consent {
                input id="consent" name="consent" type="checkbox" value="yes" checked[values.consent.is_some()] required;
                label for="consent" { (t(lang, "Я согласен(на) на обработку персональных данных, указанных в обращении, для его рассмотрения (152-ФЗ, ст. 9).",
                                          "I consent to the processing of the personal data in this appeal for its consideration (152-FZ art. 9).")) }
            }
            button type="submit" { (t(lang, "Отправить", "Send")) }
        }
    }
}

/// The receipt an appeal's redirect carries: its number and dates (nothing about the person),
/// signed for the browser that sent the appeal.
#[derive(Deserialize, Default)]
pub struct Receipt {
    registered: Option<String>,
    on: Option<String>,
    due: Option<String>,
    sig: Option<String>,
}

/// The signature of a receipt for this browser: a link to a receipt made up elsewhere, or sent
/// to someone else, shows the form, not an official-looking confirmation.
fn receipt_signature(visit: &Visit, number: &str, on: &str, due: &str) -> String {
    visit.submission_key(&["receipt", number, on, due])
}

/// The appeal form, or the receipt of the appeal just sent (after the redirect, so reloading
/// the page sends nothing again).
pub async fn appeal_page(visit: Visit, RawQuery(raw): RawQuery) -> Response {
    let visit = public_visit(visit).with_form_secret();
    let lang = visit.lang;
    let title = t(lang, "Общественная приёмная", "Public reception");
    let receipt: Receipt = query_of(raw.as_deref());
    let day = |raw: &Option<String>| raw.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let number = receipt.registered.as_deref().filter(|n| {
        n.len() == 10 && n.as_bytes()[4] == b'-' && n.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit())
    });
    let signed = number.is_some_and(|number| {
        let (on, due) = (receipt.on.as_deref().unwrap_or_default(), receipt.due.as_deref().unwrap_or_default());
        receipt.sig.as_deref() == Some(receipt_signature(&visit, number, on, due).as_str())
    });
    if let (true, Some(number), Some(on)) = (signed, number, day(&receipt.on)) {
        let body = html! {
            (notice(false, t(lang, "Обращение зарегистрировано.", "Your appeal is registered.")))
            dl.card {
                dt { (t(lang, "Регистрационный номер", "Registration number")) } dd { strong { (number) } }
                dt { (t(lang, "Дата регистрации", "Registered on")) } dd { (date(lang, on)) }
                @if let Some(due) = day(&receipt.due) { dt { (t(lang, "Ответ не позднее", "Answer by")) } dd { (date(lang, due)) } }
            }
            p { (t(lang, "Сохраните номер: называйте его во всех письмах по обращению.", "Keep the number: quote it in every letter about the appeal.")) }
        };
        return visit.finish(render(StatusCode::OK, public_page(lang, title, body)));
    }
    let page = public_page(lang, title, appeal_form(&visit, &AppealForm::default(), None));
    visit.finish(render(StatusCode::OK, page))
}

/// Receives an appeal.
pub async fn submit(State(console): State<Console>, visit: Visit, Form(form): Form<AppealForm>) -> Response {
    let visit = public_visit(visit).with_form_secret();
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let input = AppealInput {
        name: form.name.clone(),
        email: form.email.clone(),
        postal_address: Some(form.postal_address.clone()).filter(|a| !a.trim().is_empty()),
        phone: Some(form.phone.clone()).filter(|p| !p.trim().is_empty()),
        topic: form.topic.clone(),
        text: form.text.clone(),
        consent: form.consent.is_some(),
        submission: None,
    };
    let title = t(lang, "Общественная приёмная", "Public reception");
    if !is_form_id(&form.form_id) {
        let stale = t(lang, "Форма устарела: откройте её заново.", "The form is out of date: open it again.");
        let page = public_page(lang, title, appeal_form(&visit, &form, Some(stale)));
        return visit.finish(render(StatusCode::BAD_REQUEST, page));
    }
    // This browser's post of this form with this text: posted again (a double click, a resend
    // after a lost answer, after a restart too) it answers the receipt of the appeal it filed;
    // edited, or from another browser, it is another appeal.
    let consent = if input.consent { "yes" } else { "no" };
    let key = visit.submission_key(&[
        &form.form_id,
        &form.name,
        &form.email,
        &form.postal_address,
        &form.phone,
        &form.topic,
        &form.text,
        consent,
    ]);
    let input = AppealInput { submission: Some(key), ..input };
    match console.services.catalog.submit_appeal(&visit.actor, &input).await {
        Ok(request) => {
            let on = request.registered_on.unwrap_or(request.received_on).to_string();
            let due = request.answer_due.map(|d| d.to_string()).unwrap_or_default();
            let sig = receipt_signature(&visit, &request.number, &on, &due);
            let pairs =
                [("registered", request.number.as_str()), ("on", on.as_str()), ("due", due.as_str()), ("sig", &sig)];
            let to = format!("/appeal?{}", serde_urlencoded::to_string(pairs).unwrap_or_default());
            visit.finish(axum::response::Redirect::to(&to))
        }
        Err(ServicesError::TooManyAppeals { retry_after }) => {
            let message = ServicesError::TooManyAppeals { retry_after }.message(lang);
            let mut response = render(
                StatusCode::TOO_MANY_REQUESTS,
                public_page(lang, title, appeal_form(&visit, &form, Some(&message))),
            );
            if let Ok(value) = axum::http::HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
            }
            visit.finish(response)
        }
        Err(ServicesError::Invalid(invalid)) => {
            let label = crate::texts::field_label(lang, &invalid.field).unwrap_or(&invalid.field).to_owned();
            let message = format!("«{label}»: {}", invalid.problem.message(lang));
            let page = public_page(lang, title, appeal_form(&visit, &form, Some(&message)));
            visit.finish(render(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(error) => {
            tracing::error!(%error, "an appeal was not received");
            failure(StatusCode::SERVICE_UNAVAILABLE, lang)
        }
    }
}

/// A fresh form id: 128 random bits in hex.
fn new_form_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Whether `id` has the shape of [`new_form_id`]'s ids.
fn is_form_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
