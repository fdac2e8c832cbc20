//! Referrals: the centre's list of everyone referred, and a representative's list of the people
//! referred to their organisation, with the answers each may give (accept, decline, complete;
//! revoke for the centre), and behind an audited link the referred person's name and contacts
//! while the referral is open and the person's consent for that NGO holds.

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kernel::Lang;
use kernel::Localized as _;
use maud::html;
use serde::Deserialize;
use services_catalog::actions::{REFERRAL_ANSWER, REFERRAL_MANAGE, REFERRAL_PERSON};
use services_catalog::model::referral::{ReferralId, ReferralState};
use services_catalog::ports::ReferralFilter;
use services_catalog::rules::referral_flow::{ReferralStep, target};

use crate::Console;
use crate::format::moment;
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Staff, query_of};

/// A referral state in the visitor's words.
pub fn state_name(lang: Lang, state: ReferralState) -> &'static str {
    match lang {
        Lang::Ru => services_catalog::error::state_ru(state.code()),
        Lang::En => state.code(),
    }
}

fn step_name(lang: Lang, step: ReferralStep) -> &'static str {
    match step {
        ReferralStep::Accept => t(lang, "Принять", "Accept"),
        ReferralStep::Decline => t(lang, "Отклонить", "Decline"),
        ReferralStep::Complete => t(lang, "Услуга оказана", "Completed"),
        ReferralStep::Revoke => t(lang, "Отозвать", "Revoke"),
    }
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
    /// The referral whose person the visitor asked to see.
    person: Option<String>,
}

/// The referrals the visitor may see, newest first.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let done: Done = query_of(raw.as_deref());
    let page = kernel::PageRequest::new(100, None).expect("a valid size");
    let found = match console.services.catalog.referrals(&visit.actor, ReferralFilter::default(), page).await {
        Ok(found) => found.items,
        Err(error) => return refused(&console, visit, &error),
    };
    // Names where the visitor may read them (one batched read each); an id otherwise.
    let registry = &console.services.registry;
    let mut providers: Vec<_> = found.iter().map(|f| f.provider).collect();
    providers.sort();
    providers.dedup();
    let organizations = registry.organizations_by_ids(&visit.actor, &providers).await.unwrap_or_default();
    let mut people: Vec<_> = found.iter().map(|f| f.person).collect();
    people.sort();
    people.dedup();
    let persons = if visit.may(&console, registry::actions::PERSON_READ) {
        registry.people_by_ids(&visit.actor, &people).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let organization_name = |id| {
        organizations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.profile.full_name.as_str().to_owned())
    };
    let person_name = |id| persons.iter().find(|p| p.id == id).map_or_else(|| id.to_string(), crate::people::full_name);
    // The one referral whose person was asked for: read (and recorded) only on that request. An
    // id that is not a referral of the list is looked up (another organisation's is "not found",
    // and the probe is recorded); the page says why nothing is shown.
    let asked = done.person.as_deref().map(|raw| uuid::Uuid::parse_str(raw).ok().map(ReferralId));
    let (shown, unshown) = match asked {
        None => (None, None),
        Some(None) => (
            None,
            Some(
                t(
                    lang,
                    "Ссылка на человека повреждена: откройте список заново.",
                    "The link is damaged: open the list again.",
                )
                .to_owned(),
            ),
        ),
        Some(Some(id)) if found.iter().any(|f| f.id == id) => (
            Some((id, console.services.catalog.referred_person(&visit.actor, id).await.map_err(|e| e.message(lang)))),
            None,
        ),
        Some(Some(id)) => match console.services.catalog.referral(&visit.actor, id).await {
            Err(services_catalog::ServicesError::NotFound(_)) => (
                None,
                Some(
                    t(
                        lang,
                        "Такого направления нет или оно вам недоступно.",
                        "There is no such referral, or it is not open to you.",
                    )
                    .to_owned(),
                ),
            ),
            Err(error) => (None, Some(error.message(lang))),
            Ok(_) => (
                None,
                Some(
                    t(
                        lang,
                        "Этого направления нет на этой странице списка.",
                        "This referral is not on this page of the list.",
                    )
                    .to_owned(),
                ),
            ),
        },
    };
    let may_see_people = visit.may(&console, REFERRAL_PERSON);
    let body = html! {
        @if done.done.is_some() { (notice(false, t(lang, "Ответ записан.", "The answer is recorded."))) }
        @if let Some(message) = &unshown { (notice(true, message)) }
        @if found.is_empty() { p { (t(lang, "Направлений нет.", "No referrals.")) } }
        @for f in &found {
            // This referral's person, when the visitor asked for them.
            @let here = shown.as_ref().filter(|(id, _)| *id == f.id).map(|(_, read)| read);
            article.request {
                h2 { (state_name(lang, f.state)) " · " (moment(lang, f.created_at)) }
                dl.card {
                    dt { (t(lang, "Человек", "Person")) }
                    dd {
                        @match here {
                            Some(Ok(p)) => { (p.last_name) " " (p.first_name) @if let Some(m) = &p.middle_name { " " (m) } }
                            _ => { (person_name(f.person)) }
                        }
                    }
                    dt { (t(lang, "Организация", "Organisation")) } dd { (organization_name(f.provider)) }
                    @if let Some(n) = &f.note { dt { (t(lang, "От центра", "From the centre")) } dd { (n) } }
                    @if let Some(o) = &f.outcome { dt { (t(lang, "Итог", "Outcome")) } dd { (o) } }
                }
                @match here {
                    Some(Ok(p)) => {
                        dl.card data-action=(REFERRAL_PERSON.code()) {
                            dt { (t(lang, "Телефоны", "Phones")) }
                            dd { @if p.phones.is_empty() { "—" } @else { (p.phones.join(", ")) } }
                            dt { (t(lang, "Почта", "E-mail")) }
                            dd { @if p.emails.is_empty() { "—" } @else { (p.emails.join(", ")) } }
                        }
                    }
                    Some(Err(message)) => { (notice(true, message)) }
                    None => {
                        @if may_see_people && f.state.is_open() {
                            p { a data-action=(REFERRAL_PERSON.code()) href=(format!("/console/referrals?person={}", f.id)) {
                                (t(lang, "Показать имя и контакты (по согласию человека; просмотр записывается в журнал)",
                                   "Show the name and contacts (by the person's consent; the view is recorded)"))
                            } }
                        }
                    }
                }
                @for step in ReferralStep::ALL {
                    @let action = if step.is_the_providers() { REFERRAL_ANSWER } else { REFERRAL_MANAGE };
                    @if target(f.state, *step).is_some() && visit.may(&console, action) {
                        form.inline method="post" action=(format!("/console/referrals/{}", f.id)) {
                            (form_token(&visit))
                            input type="hidden" name="version" value=(f.version);
                            input type="hidden" name="step" value=(step.code());
                            @if matches!(step, ReferralStep::Decline | ReferralStep::Revoke) {
                                label for=(format!("why-{}-{}", f.id, step.code())) { (t(lang, "Почему", "Why")) }
                                input id=(format!("why-{}-{}", f.id, step.code())) name="outcome" type="text" required;
                            } @else {
                                label for=(format!("note-{}-{}", f.id, step.code())) { (t(lang, "Комментарий", "Comment")) }
                                input id=(format!("note-{}-{}", f.id, step.code())) name="outcome" type="text";
                            }
                            button type="submit" data-action=(action.code()) { (step_name(lang, *step)) }
                        }
                    }
                }
            }
        }
    };
    let page = staff_page(&console, &visit, t(lang, "Направления", "Referrals"), body);
    visit.finish(render(StatusCode::OK, page))
}

/// What an answer form sends.
#[derive(Deserialize)]
pub struct AnswerForm {
    version: String,
    step: String,
    #[serde(default)]
    outcome: String,
    form_token: Option<String>,
}

/// Answers a referral.
pub async fn answer(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let Some(id) = uuid::Uuid::parse_str(&id).ok().map(ReferralId) else {
        return refused(&console, visit, &services_catalog::ServicesError::NotFound("referral"));
    };
    let (Ok(version), Some(step)) = (form.version.trim().parse::<i64>(), ReferralStep::parse(&form.step)) else {
        let damaged = t(lang, "Форма повреждена: откройте список заново.", "The form is damaged: open the list again.");
        return with_message(&console, visit, StatusCode::BAD_REQUEST, damaged);
    };
    let outcome = Some(form.outcome.as_str()).filter(|o| !o.trim().is_empty());
    match console.services.catalog.answer_referral(&visit.actor, id, version, step, outcome).await {
        Ok(_) => visit.finish(Redirect::to("/console/referrals?done=1")),
        Err(error) => refused(&console, visit, &error),
    }
}
