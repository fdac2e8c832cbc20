//! The public pages: the directory of active NGOs with filters by municipality, activity area
//! and target group, and an organisation's public card with the contacts of the people who
//! consented to appear (152-FZ art. 10.1). Nothing else of the registry is shown here.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use kernel::{Channel, Cursor, Localized as _, TermKind};
use maud::html;
use registry::input::filter_code;
use registry::model::{OrgStatus, OrganizationId};
use registry::ports::{OrganizationFilter, OrganizationOrder, StatusKind};
use registry::vocabulary::Vocabulary;
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, notice, public_page, render};
use crate::texts::t;
use crate::visit::Visit;

/// The directory's query string.
#[derive(Deserialize, Default)]
pub struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    activity_area: String,
    #[serde(default)]
    target_group: String,
    after: Option<String>,
}

impl DirectoryQuery {
    fn filter(&self, vocabulary: &Vocabulary, lang: kernel::Lang) -> Result<OrganizationFilter, String> {
        let code = |kind, name: &str, label: &str, raw: &str| {
            let raw = raw.trim();
            (!raw.is_empty())
                .then(|| filter_code(vocabulary, kind, name, raw))
                .transpose()
                .map_err(|f| format!("«{label}»: {}", f.problem.message(lang)))
        };
        Ok(OrganizationFilter {
            text: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            municipality: code(
                TermKind::Municipality,
                "municipality",
                t(lang, "Муниципалитет", "Municipality"),
                &self.municipality,
            )?,
            activity_area: code(
                TermKind::ActivityArea,
                "activity_area",
                t(lang, "Вид деятельности", "Activity area"),
                &self.activity_area,
            )?,
            target_group: code(
                TermKind::TargetGroup,
                "target_group",
                t(lang, "Кому помогают", "Who is helped"),
                &self.target_group,
            )?,
            status: Some(StatusKind::Active),
            ..Default::default()
        })
    }

    fn next_link(&self, after: &str) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("q", self.q.as_str()),
            ("municipality", self.municipality.as_str()),
            ("activity_area", self.activity_area.as_str()),
            ("target_group", self.target_group.as_str()),
            ("after", after),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
        format!("/?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

fn select(
    vocabulary: &Vocabulary,
    lang: kernel::Lang,
    kind: TermKind,
    name: &str,
    label: &str,
    current: &str,
) -> maud::Markup {
    html! {
        p {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                option value="" { (t(lang, "любой", "any")) }
                @for term in vocabulary.terms(kind) {
                    option value=(term.code) selected[term.code == current] { (vocabulary.name(kind, &term.code, lang)) }
                }
            }
        }
    }
}

/// A visit of a public page: the public, on the public channel.
fn public_visit(mut visit: Visit) -> Visit {
    visit.actor.channel = Channel::Public;
    visit
}

/// The directory of organisations.
pub async fn directory(State(console): State<Console>, visit: Visit, RawQuery(raw): RawQuery) -> Response {
    let visit = public_visit(visit);
    let lang = visit.lang;
    let query: DirectoryQuery = crate::visit::query_of(raw.as_deref());
    let registry = &console.services.registry;
    let vocabulary = registry.vocabulary();
    let order = OrganizationOrder::NameAsc.list_order();
    let request = crate::visit::page_request(lang, query.after.as_deref(), order, 20);
    let found: Result<_, String> = match (query.filter(&vocabulary, lang), request) {
        (Ok(filter), Ok(request)) => match registry.directory(&visit.actor, &filter, request).await {
            Ok(page) => Ok(page),
            Err(registry::RegistryError::Invalid(field)) => {
                Err(format!("«{}»: {}", t(lang, "Название", "Name"), field.problem.message(lang)))
            }
            Err(error) => return failure(StatusCode::SERVICE_UNAVAILABLE, lang).tap_log(&error),
        },
        (Err(problem), _) | (_, Err(problem)) => Err(problem),
    };
    let body = html! {
        form.filters method="get" action="/" role="search" {
            div.search {
                p {
                    label for="q" { (t(lang, "Название", "Name")) }
                    input id="q" name="q" type="search" value=(query.q);
                }
                p { button type="submit" { (t(lang, "Найти", "Search")) } }
            }
            details.more open[![&query.municipality, &query.activity_area, &query.target_group].iter().all(|v| v.trim().is_empty())] {
                summary { (t(lang, "Фильтры: район, деятельность, кому помогают", "Filters: district, activity, who is helped")) }
                div.grid {
                    (select(&vocabulary, lang, TermKind::Municipality, "municipality", t(lang, "Муниципалитет", "Municipality"), &query.municipality))
                    (select(&vocabulary, lang, TermKind::ActivityArea, "activity_area", t(lang, "Вид деятельности", "Activity area"), &query.activity_area))
                    (select(&vocabulary, lang, TermKind::TargetGroup, "target_group", t(lang, "Кому помогают", "Who is helped"), &query.target_group))
                }
            }
        }
        @match &found {
            Err(problem) => (notice(true, problem)),
            Ok(page) => {
                @if page.items.is_empty() { p { (t(lang, "Ничего не найдено.", "Nothing found.")) } }
                ul.directory {
                    @for o in &page.items {
                        li {
                            a href=(format!("/directory/{}", o.id)) { (o.profile.full_name.as_str()) }
                            @if let Some(m) = &o.profile.municipality { br; small { (vocabulary.name(TermKind::Municipality, m.as_str(), lang)) } }
                        }
                    }
                }
                @if page.has_next {
                    @if let Some(end) = page.positions.last() {
                        nav.pages aria-label=(t(lang, "Страницы", "Pages")) {
                            a rel="next" href=(query.next_link(&Cursor::new(order, end.clone()).encode())) { (t(lang, "Дальше →", "Next →")) }
                        }
                    }
                }
            }
        }
        p.small { a href="/console/login" { (t(lang, "Вход для сотрудников центра", "Staff login")) } }
    };
    let status = if found.is_ok() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = public_page(
        lang,
        t(lang, "Некоммерческие организации региона", "Non-profit organisations of the region"),
        body,
    );
    visit.finish(render(status, page))
}

/// An organisation's public card.
pub async fn card(State(console): State<Console>, visit: Visit, Path(id): Path<String>) -> Response {
    let visit = public_visit(visit);
    let lang = visit.lang;
    let Some(id) = uuid::Uuid::parse_str(&id).ok().map(OrganizationId) else {
        return failure(StatusCode::NOT_FOUND, lang);
    };
    let registry = &console.services.registry;
    let organization = match registry.directory_entry(&visit.actor, id).await {
        Ok(Some(o)) if o.status == OrgStatus::Active => o,
        Ok(_) => return failure(StatusCode::NOT_FOUND, lang),
        Err(error) => return failure(StatusCode::SERVICE_UNAVAILABLE, lang).tap_log(&error),
    };
    let contacts = match console.services.public_contacts(&visit.actor, &[id]).await {
        Ok(found) => found,
        Err(error) => return failure(StatusCode::SERVICE_UNAVAILABLE, lang).tap_log(&error),
    };
    let vocabulary = registry.vocabulary();
    let p = &organization.profile;
    let body = html! {
        dl.card {
            @if let Some(short) = &p.short_name { dt { (t(lang, "Краткое название", "Short name")) } dd { (short.as_str()) } }
            dt { (t(lang, "Форма", "Legal form")) } dd { (vocabulary.name(TermKind::LegalForm, p.legal_form.as_str(), lang)) }
            @if let Some(m) = &p.municipality { dt { (t(lang, "Муниципалитет", "Municipality")) } dd { (vocabulary.name(TermKind::Municipality, m.as_str(), lang)) } }
            @if !p.activity_areas.is_empty() { dt { (t(lang, "Виды деятельности", "Activity areas")) } dd { ul { @for c in &p.activity_areas { li { (vocabulary.name(TermKind::ActivityArea, c.as_str(), lang)) } } } } }
            @if !p.target_groups.is_empty() { dt { (t(lang, "Кому помогают", "Who is helped")) } dd { ul { @for c in &p.target_groups { li { (vocabulary.name(TermKind::TargetGroup, c.as_str(), lang)) } } } } }
            @if let Some(v) = &p.postal_address { dt { (t(lang, "Почтовый адрес", "Postal address")) } dd { (v.as_str()) } }
            @if !p.phones.is_empty() { dt { (t(lang, "Телефоны", "Phones")) } dd { @for (i, v) in p.phones.iter().enumerate() { @if i > 0 { ", " } (v.as_str()) } } }
            @if !p.emails.is_empty() { dt { (t(lang, "Электронная почта", "E-mail")) } dd { @for (i, v) in p.emails.iter().enumerate() { @if i > 0 { ", " } (v.as_str()) } } }
            @if let Some(v) = &p.website { dt { (t(lang, "Сайт", "Website")) } dd { (v.as_str()) } }
        }
        section aria-labelledby="contacts" {
            h2 id="contacts" { (t(lang, "Контактные лица", "Contact people")) }
            @if contacts.is_empty() { p { (t(lang, "Контактные лица не указаны.", "No contact people are listed.")) } }
            ul.contacts {
                @for (_, person) in &contacts {
                    li.contact {
                        strong { (person.full_name) }
                        @if let Some(position) = &person.position { ", " (position) }
                        @for phone in &person.phones { br; (phone.as_str()) }
                        @for email in &person.emails { br; (email.as_str()) }
                    }
                }
            }
        }
        p { a href="/" { (t(lang, "← Ко всем организациям", "← All organisations")) } }
    };
    let page = public_page(lang, p.full_name.as_str(), body);
    visit.finish(render(StatusCode::OK, page))
}

/// Logs the failure behind an error page (the page shows no detail).
trait TapLog {
    fn tap_log(self, error: &dyn std::fmt::Display) -> Self;
}

impl TapLog for Response {
    fn tap_log(self, error: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %error, "a public page failed");
        self
    }
}
