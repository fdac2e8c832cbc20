//! The staff pages of organisations: the list with filters, search and key paging; an
//! organisation's card with its people, ties and coalitions; the edit form with optimistic
//! concurrency, where a stale edit is told who changed what since the form was opened.

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use chrono::NaiveDate;
use kernel::{Cursor, Localized as _, Page, TermKind};
use maud::{Markup, html};
use registry::actions::{ORGANIZATION_WRITE, PERSON_PERSONAL_DATA, PERSON_READ};
use registry::input::{OrganizationInput, filter_code};
use registry::model::{Inn, Ogrn, OrgStatus, Organization, OrganizationId, RelationshipKind};
use registry::ports::{OrganizationFilter, OrganizationOrder, StatusKind};
use registry::service::ChangeNote;
use registry::vocabulary::Vocabulary;
use registry::{InvalidField, Problem, RegistryError};
use serde::Deserialize;

use crate::Console;
use crate::format::{count, date, moment};
use crate::layout::{form_token, notice, render, staff_page};
use crate::texts::t;
use crate::visit::{FORM_FIELD, Staff, Visit};

/// The list's page size.
const PAGE_SIZE: i64 = 20;

/// The list's query string: the filters, the cursor, and whether to count.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    legal_form: String,
    #[serde(default)]
    activity_area: String,
    #[serde(default)]
    target_group: String,
    #[serde(default)]
    status: String,
    after: Option<String>,
    count: Option<String>,
}

impl ListQuery {
    /// The filter the query asks for; a wrong value is named by its field.
    fn filter(&self, vocabulary: &Vocabulary) -> Result<OrganizationFilter, InvalidField> {
        let code = |kind, name: &str, raw: &str| {
            let raw = raw.trim();
            (!raw.is_empty()).then(|| filter_code(vocabulary, kind, name, raw)).transpose()
        };
        let q = self.q.trim();
        let digits = !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit());
        let identifier = digits && matches!(q.len(), 10 | 13);
        let status = match self.status.trim() {
            "" => None,
            "active" => Some(StatusKind::Active),
            "suspended" => Some(StatusKind::Suspended),
            "liquidated" => Some(StatusKind::Liquidated),
            other => return Err(InvalidField::new("status", Problem::UnknownCode { code: other.to_owned() })),
        };
        Ok(OrganizationFilter {
            // Digits that are neither an ИНН (10) nor an ОГРН (13) are looked for in names.
            text: (!q.is_empty() && !identifier).then(|| q.to_owned()),
            inn: (digits && q.len() == 10).then(|| Inn::parse(q)).transpose().map_err(|p| InvalidField::new("q", p))?,
            ogrn: (digits && q.len() == 13)
                .then(|| Ogrn::parse(q))
                .transpose()
                .map_err(|p| InvalidField::new("q", p))?,
            municipality: code(TermKind::Municipality, "municipality", &self.municipality)?,
            legal_form: code(TermKind::LegalForm, "legal_form", &self.legal_form)?,
            activity_area: code(TermKind::ActivityArea, "activity_area", &self.activity_area)?,
            target_group: code(TermKind::TargetGroup, "target_group", &self.target_group)?,
            status,
            relationship: None,
            only: None,
        })
    }

    /// Whether any filter beyond the search text is set (the filters then show open).
    fn narrowed(&self) -> bool {
        [&self.municipality, &self.legal_form, &self.activity_area, &self.target_group, &self.status]
            .iter()
            .any(|v| !v.trim().is_empty())
    }

    /// The query string of the same filters with other paging.
    fn link(&self, after: Option<&str>, counted: bool) -> String {
        let mut pairs: Vec<(&str, &str)> = [
            ("q", self.q.as_str()),
            ("municipality", self.municipality.as_str()),
            ("legal_form", self.legal_form.as_str()),
            ("activity_area", self.activity_area.as_str()),
            ("target_group", self.target_group.as_str()),
            ("status", self.status.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
        if let Some(after) = after {
            pairs.push(("after", after));
        }
        if counted {
            pairs.push(("count", "1"));
        }
        format!("/console/organizations?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

fn status_name(lang: kernel::Lang, status: &OrgStatus) -> String {
    match status {
        OrgStatus::Active => t(lang, "действует", "active").to_owned(),
        OrgStatus::Suspended => t(lang, "приостановлена", "suspended").to_owned(),
        OrgStatus::Liquidated { on } => format!("{} {}", t(lang, "ликвидирована", "liquidated on"), date(lang, *on)),
    }
}

/// A field of the filter or of the form: its name in forms and errors, and its label.
/// A field's label (see [`crate::texts::field_label`]), or «Поле» for a name it does not know.
pub(crate) fn label(lang: kernel::Lang, field: &str) -> &'static str {
    crate::texts::field_label(lang, field).unwrap_or(t(lang, "Поле", "Field"))
}

fn invalid_message(lang: kernel::Lang, field: &InvalidField) -> String {
    format!("«{}»: {}", label(lang, &field.field), field.problem.message(lang))
}

fn tie_kind_name(lang: kernel::Lang, kind: registry::model::TieKind) -> &'static str {
    use registry::model::TieKind::*;
    match kind {
        Partnership => t(lang, "партнёрство", "partnership"),
        JointProject => t(lang, "совместный проект", "joint project"),
        InformationExchange => t(lang, "обмен информацией", "information exchange"),
        Funding => t(lang, "финансирование", "funding"),
        Mentoring => t(lang, "наставничество", "mentoring"),
        Other => t(lang, "другое", "other"),
    }
}

fn coalition_role_name(lang: kernel::Lang, role: registry::model::CoalitionRole) -> &'static str {
    use registry::model::CoalitionRole::*;
    match role {
        Founder => t(lang, "учредитель", "founder"),
        Member => t(lang, "участник", "member"),
        Coordinator => t(lang, "координатор", "coordinator"),
        Observer => t(lang, "наблюдатель", "observer"),
    }
}

fn relationship_name(lang: kernel::Lang, kind: RelationshipKind) -> &'static str {
    match kind {
        RelationshipKind::RegularClient => t(lang, "постоянный получатель услуг", "regular client"),
        RelationshipKind::OccasionalClient => t(lang, "эпизодический получатель услуг", "occasional client"),
        RelationshipKind::None => t(lang, "не обслуживается", "not served"),
    }
}

/// The page of a registry refusal outside a form.
pub(crate) fn refused(console: &Console, visit: Visit, error: &RegistryError) -> Response {
    crate::refusals::refused(console, visit, error)
}

/// A select of a reference list, the current value chosen, with an empty "any" choice.
fn term_select(
    vocabulary: &Vocabulary,
    lang: kernel::Lang,
    kind: TermKind,
    name: &str,
    current: &str,
    any: &str,
) -> Markup {
    html! {
        select id=(name) name=(name) {
            option value="" { (any) }
            @for term in vocabulary.terms(kind) {
                option value=(term.code) selected[term.code == current] { (vocabulary.name(kind, &term.code, lang)) }
            }
        }
    }
}

/// The list of organisations.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let query: ListQuery = crate::visit::query_of(raw.as_deref());
    let vocabulary = console.services.registry.vocabulary();
    let order = OrganizationOrder::NameAsc;
    let request = crate::visit::page_request(lang, query.after.as_deref(), order.list_order(), PAGE_SIZE)
        .map(|r| if query.count.is_some() { r.counted() } else { r });
    let filter = query.filter(&vocabulary).map_err(|f| invalid_message(lang, &f));
    let found: Result<Page<Organization>, String> = match (filter, request) {
        (Ok(filter), Ok(request)) => {
            match console.services.registry.organizations(&visit.actor, &filter, order, request).await {
                Ok(page) => Ok(page),
                Err(error) => return refused(&console, visit, &error),
            }
        }
        (Err(problem), _) | (_, Err(problem)) => Err(problem),
    };
    let any = t(lang, "любой", "any");
    let body = html! {
        form.filters method="get" action="/console/organizations" role="search" {
            div.search {
                p {
                    label for="q" { (label(lang, "q")) }
                    input id="q" name="q" type="search" value=(query.q);
                }
                p { button type="submit" { (t(lang, "Найти", "Search")) } }
            }
            details.more open[query.narrowed()] {
                summary { (t(lang, "Фильтры", "Filters")) }
                div.grid {
                    p { label for="municipality" { (label(lang, "municipality")) } (term_select(&vocabulary, lang, TermKind::Municipality, "municipality", &query.municipality, any)) }
                    p { label for="legal_form" { (label(lang, "legal_form")) } (term_select(&vocabulary, lang, TermKind::LegalForm, "legal_form", &query.legal_form, any)) }
                    p { label for="activity_area" { (label(lang, "activity_area")) } (term_select(&vocabulary, lang, TermKind::ActivityArea, "activity_area", &query.activity_area, any)) }
                    p { label for="target_group" { (label(lang, "target_group")) } (term_select(&vocabulary, lang, TermKind::TargetGroup, "target_group", &query.target_group, any)) }
                    p {
                        label for="status" { (label(lang, "status")) }
                        select id="status" name="status" {
                            option value="" { (any) }
                            @for (code, ru, en) in [("active", "действует", "active"), ("suspended", "приостановлена", "suspended"), ("liquidated", "ликвидирована", "liquidated")] {
                                option value=(code) selected[query.status == code] { (t(lang, ru, en)) }
                            }
                        }
                    }
                }
            }
        }
        @match &found {
            Err(problem) => (notice(true, problem)),
            Ok(page) => {
                @if let Some(total) = page.total {
                    p.total { (t(lang, "Найдено организаций: ", "Organisations found: ")) (count(lang, total)) }
                } @else {
                    p.total { a href=(query.link(query.after.as_deref(), true)) { (t(lang, "Сколько всего?", "How many in all?")) } }
                }
                @if page.items.is_empty() {
                    p { (t(lang, "Ничего не найдено.", "Nothing found.")) }
                } @else {
                    table.list {
                        caption.sr { (t(lang, "Организации", "Organisations")) }
                        thead { tr {
                            th scope="col" { (t(lang, "Название", "Name")) }
                            th scope="col" { (label(lang, "inn")) }
                            th scope="col" { (label(lang, "municipality")) }
                            th scope="col" { (t(lang, "Форма", "Form")) }
                            th scope="col" { (label(lang, "status")) }
                        } }
                        tbody {
                            @for o in &page.items {
                                tr {
                                    td { a href=(format!("/console/organizations/{}", o.id)) { (o.profile.full_name.as_str()) } }
                                    td { @if let Some(inn) = &o.profile.inn { (inn.as_str()) } }
                                    td { @if let Some(m) = &o.profile.municipality { (vocabulary.name(TermKind::Municipality, m.as_str(), lang)) } }
                                    td { (vocabulary.name(TermKind::LegalForm, o.profile.legal_form.as_str(), lang)) }
                                    td { (status_name(lang, &o.status)) }
                                }
                            }
                        }
                    }
                }
                nav.pages aria-label=(t(lang, "Страницы", "Pages")) {
                    @if query.after.is_some() {
                        a href=(query.link(None, false)) { (t(lang, "← В начало", "← First page")) }
                    }
                    @if page.has_next {
                        @if let Some(end) = page.positions.last() {
                            a rel="next" href=(query.link(Some(&Cursor::new(order.list_order(), end.clone()).encode()), false)) { (t(lang, "Дальше →", "Next →")) }
                        }
                    }
                }
            }
        }
    };
    let status = if found.is_ok() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = staff_page(&console, &visit, t(lang, "Организации", "Organisations"), body);
    visit.finish(render(status, page))
}

/// The card's query string.
#[derive(Deserialize, Default)]
pub struct CardQuery {
    contacts: Option<String>,
    saved: Option<String>,
}

fn parse_id(raw: &str) -> Option<OrganizationId> {
    uuid::Uuid::parse_str(raw).ok().map(OrganizationId)
}

/// An organisation's card.
pub async fn card(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query: CardQuery = crate::visit::query_of(raw.as_deref());
    let lang = visit.lang;
    let registry = &console.services.registry;
    let Some(id) = parse_id(&id) else {
        return refused(&console, visit, &RegistryError::NotFound { entity: "organization" });
    };
    let organization = match registry.organization(&visit.actor, id).await {
        Ok(Some(o)) => o,
        Ok(None) => return refused(&console, visit, &RegistryError::NotFound { entity: "organization" }),
        Err(error) => return refused(&console, visit, &error),
    };
    let members = if visit.may(&console, PERSON_READ) {
        match registry.members_of_organizations(&visit.actor, &[id]).await {
            Ok(members) => Some(members),
            Err(error) => return refused(&console, visit, &error),
        }
    } else {
        None
    };
    let show_contacts = query.contacts.is_some() && visit.may(&console, PERSON_PERSONAL_DATA);
    let contacts = match (&members, show_contacts) {
        (Some(members), true) => {
            let ids: Vec<_> = members.iter().map(|(_, p)| p.id).collect();
            match registry.personal_data(&visit.actor, &ids).await {
                Ok(found) => found,
                Err(error) => return refused(&console, visit, &error),
            }
        }
        _ => Vec::new(),
    };
    let ties = match registry.ties_of(&visit.actor, &[id]).await {
        Ok(ties) => ties,
        Err(error) => return refused(&console, visit, &error),
    };
    let coalitions = match registry.coalition_memberships_of(&visit.actor, &[id]).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    let coalition_names = match registry
        .coalitions_by_ids(&visit.actor, &coalitions.iter().map(|c| c.coalition).collect::<Vec<_>>())
        .await
    {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    let others: Vec<OrganizationId> =
        ties.iter().filter_map(|tie| tie.other_end(id)).map(|end| end.organization).collect();
    let other_names = match registry.organizations_by_ids(&visit.actor, &others).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    let vocabulary = registry.vocabulary();
    let p = &organization.profile;
    let may_edit = console.services.gate.scope(&visit.actor, ORGANIZATION_WRITE).is_some_and(|s| s.covers(&[id], None));
    let body = html! {
        @if query.saved.is_some() { (notice(false, t(lang, "Изменения сохранены.", "Changes saved."))) }
        @if may_edit {
            p.actions { a.button href=(format!("/console/organizations/{id}/edit")) data-action=(ORGANIZATION_WRITE.code()) { (t(lang, "Изменить", "Edit")) } }
        }
        dl.card {
            @if let Some(short) = &p.short_name { dt { (label(lang, "short_name")) } dd { (short.as_str()) } }
            dt { (label(lang, "legal_form")) } dd { (vocabulary.name(TermKind::LegalForm, p.legal_form.as_str(), lang)) }
            dt { (label(lang, "status")) } dd { (status_name(lang, &organization.status)) }
            @if let Some(v) = &p.inn { dt { (label(lang, "inn")) } dd { (v.as_str()) } }
            @if let Some(v) = &p.ogrn { dt { (label(lang, "ogrn")) } dd { (v.as_str()) } }
            @if let Some(v) = &p.kpp { dt { (label(lang, "kpp")) } dd { (v.as_str()) } }
            @if let Some(v) = p.registered_on { dt { (label(lang, "registered_on")) } dd { (date(lang, v)) } }
            @if let Some(m) = &p.municipality { dt { (label(lang, "municipality")) } dd { (vocabulary.name(TermKind::Municipality, m.as_str(), lang)) } }
            @if let Some(v) = &p.legal_address { dt { (label(lang, "legal_address")) } dd { (v.as_str()) } }
            @if let Some(v) = &p.postal_address { dt { (label(lang, "postal_address")) } dd { (v.as_str()) } }
            @if !p.phones.is_empty() { dt { (label(lang, "phones")) } dd { @for (i, v) in p.phones.iter().enumerate() { @if i > 0 { ", " } (v.as_str()) } } }
            @if !p.emails.is_empty() { dt { (label(lang, "emails")) } dd { @for (i, v) in p.emails.iter().enumerate() { @if i > 0 { ", " } (v.as_str()) } } }
            @if let Some(v) = &p.website { dt { (label(lang, "website")) } dd { (v.as_str()) } }
            @if !p.activity_areas.is_empty() { dt { (label(lang, "activity_areas")) } dd { ul { @for c in &p.activity_areas { li { (vocabulary.name(TermKind::ActivityArea, c.as_str(), lang)) } } } } }
            @if !p.target_groups.is_empty() { dt { (label(lang, "target_groups")) } dd { ul { @for c in &p.target_groups { li { (vocabulary.name(TermKind::TargetGroup, c.as_str(), lang)) } } } } }
            dt { (label(lang, "relationship")) }
            dd {
                (relationship_name(lang, p.relationship.kind))
                @if let Some(since) = p.relationship.since { " " (t(lang, "с", "since")) " " (date(lang, since)) }
            }
            dt { (t(lang, "Реестры", "Registers")) }
            dd {
                @if p.in_sonko_register { (label(lang, "in_sonko_register")) br; }
                @if p.social_service_provider { (label(lang, "social_service_provider")) }
                @if !p.in_sonko_register && !p.social_service_provider { "—" }
            }
            dt { (t(lang, "Проверка центром", "Checked by the centre")) }
            dd { @match &organization.verification { Some(v) => { (v.by) ", " (moment(lang, v.at)) }, None => { (t(lang, "не проверена", "not checked")) } } }
            dt { (t(lang, "Версия записи", "Record version")) } dd { (organization.version) ", " (moment(lang, organization.updated_at)) }
        }
        @if let Some(members) = &members {
            section aria-labelledby="people" data-action=(PERSON_READ.code()) {
                h2 id="people" { (t(lang, "Люди", "People")) }
                @if members.is_empty() {
                    p { (t(lang, "Никого нет.", "Nobody.")) }
                } @else {
                    @if visit.may(&console, PERSON_PERSONAL_DATA) && !show_contacts {
                        p { a href=(format!("/console/organizations/{id}?contacts=1")) data-action=(PERSON_PERSONAL_DATA.code()) { (t(lang, "Показать телефоны и почту (просмотр записывается в журнал)", "Show phones and e-mails (the view is recorded)")) } }
                    }
                    table.list {
                        thead { tr {
                            th scope="col" { (t(lang, "ФИО", "Name")) }
                            th scope="col" { (t(lang, "Должность", "Position")) }
                            th scope="col" { (t(lang, "Период", "Period")) }
                            @if show_contacts { th scope="col" data-action=(PERSON_PERSONAL_DATA.code()) { (t(lang, "Контакты", "Contacts")) } }
                        } }
                        tbody {
                            @for (membership, person) in members {
                                tr {
                                    td { a href=(format!("/console/people/{}", person.id)) { (crate::people::full_name(person)) } }
                                    td { (membership.position.as_str()) }
                                    td { (date(lang, membership.period.from())) " — " @if let Some(to) = membership.period.to() { (date(lang, to)) } }
                                    @if show_contacts {
                                        td data-action=(PERSON_PERSONAL_DATA.code()) {
                                            @for c in contacts.iter().filter(|c| c.person == person.id) {
                                                @for v in &c.phones { (v.as_str()) br; }
                                                @for v in &c.emails { (v.as_str()) br; }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="ties" {
            h2 id="ties" { (t(lang, "Связи с организациями", "Ties with organisations")) }
            @if ties.is_empty() { p { (t(lang, "Связей нет.", "No ties.")) } }
            ul {
                @for tie in &ties {
                    @if let Some(other) = tie.other_end(id) {
                        li {
                            @match other_names.iter().find(|o| o.id == other.organization) {
                                Some(o) => { a href=(format!("/console/organizations/{}", o.id)) { (o.profile.full_name.as_str()) } },
                                None => { (t(lang, "организация вне вашего доступа", "an organisation outside your scope")) },
                            }
                            " — " (tie_kind_name(lang, tie.kind))
                            @if let Some(role) = &other.role { " (" (role.as_str()) ")" }
                            " (" (date(lang, tie.period.from())) @if let Some(to) = tie.period.to() { " — " (date(lang, to)) } ")"
                        }
                    }
                }
            }
        }
        section aria-labelledby="coalitions" {
            h2 id="coalitions" { (t(lang, "Коалиции", "Coalitions")) }
            @if coalitions.is_empty() { p { (t(lang, "Не входит в коалиции.", "In no coalition.")) } }
            ul {
                @for member in &coalitions {
                    li {
                        @if let Some(c) = coalition_names.iter().find(|c| c.id == member.coalition) { (c.name.as_str()) } @else { "—" }
                        ", " (coalition_role_name(lang, member.role))
                        " (" (date(lang, member.period.from())) @if let Some(to) = member.period.to() { " — " (date(lang, to)) } ")"
                    }
                }
            }
        }
    };
    let page = staff_page(&console, &visit, organization.profile.full_name.as_str(), body);
    visit.finish(render(StatusCode::OK, page))
}

/// The edit form's values, as typed (or as stored, when the form opens).
#[derive(Clone, Default)]
struct OrgForm {
    version: i64,
    text: std::collections::BTreeMap<&'static str, String>,
    activity_areas: Vec<String>,
    target_groups: Vec<String>,
    relationship: String,
    in_sonko_register: bool,
    social_service_provider: bool,
}

/// The single-line fields of the form, by their API names (errors name them so).
const TEXT_FIELDS: [&str; 11] = [
    "fullName",
    "shortName",
    "inn",
    "ogrn",
    "kpp",
    "registeredOn",
    "municipality",
    "legalAddress",
    "postalAddress",
    "website",
    "relationshipSince",
];

impl OrgForm {
    fn of(o: &Organization) -> Self {
        let p = &o.profile;
        let mut text = std::collections::BTreeMap::new();
        let mut put = |k: &'static str, v: Option<String>| {
            text.insert(k, v.unwrap_or_default());
        };
        put("fullName", Some(p.full_name.to_string()));
        put("shortName", p.short_name.as_ref().map(ToString::to_string));
        put("legalForm", Some(p.legal_form.to_string()));
        put("inn", p.inn.as_ref().map(ToString::to_string));
        put("ogrn", p.ogrn.as_ref().map(ToString::to_string));
        put("kpp", p.kpp.as_ref().map(ToString::to_string));
        put("registeredOn", p.registered_on.map(|d| d.to_string()));
        put("municipality", p.municipality.as_ref().map(ToString::to_string));
        put("legalAddress", p.legal_address.as_ref().map(ToString::to_string));
        put("postalAddress", p.postal_address.as_ref().map(ToString::to_string));
        put("website", p.website.as_ref().map(ToString::to_string));
        put("relationshipSince", p.relationship.since.map(|d| d.to_string()));
        put("phones", Some(p.phones.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")));
        put("emails", Some(p.emails.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")));
        Self {
            version: o.version,
            text,
            activity_areas: p.activity_areas.iter().map(ToString::to_string).collect(),
            target_groups: p.target_groups.iter().map(ToString::to_string).collect(),
            relationship: p.relationship.kind.code().to_owned(),
            in_sonko_register: p.in_sonko_register,
            social_service_provider: p.social_service_provider,
        }
    }

    /// The form as posted; the token is returned apart. Unknown fields are ignored.
    fn posted(pairs: Vec<(String, String)>) -> (Self, Option<String>) {
        let mut form = OrgForm::default();
        let mut token = None;
        let mut version = None;
        for (key, value) in pairs {
            match key.as_str() {
                FORM_FIELD => token = Some(value),
                "expectedVersion" => version = Some(value),
                "activityAreas" => form.activity_areas.push(value),
                "targetGroups" => form.target_groups.push(value),
                "relationship" => form.relationship = value,
                "inSonkoRegister" => form.in_sonko_register = true,
                "socialServiceProvider" => form.social_service_provider = true,
                other => {
                    if let Some(name) =
                        TEXT_FIELDS.iter().chain(["legalForm", "phones", "emails"].iter()).find(|n| **n == other)
                    {
                        form.text.insert(name, value);
                    }
                }
            }
        }
        form.version = version.and_then(|v| v.trim().parse().ok()).unwrap_or(-1);
        (form, token)
    }

    fn get(&self, name: &str) -> &str {
        self.text.get(name).map_or("", String::as_str)
    }

    /// The registry's input; a date that is not a date is named by its field.
    fn input(&self) -> Result<OrganizationInput, InvalidField> {
        let optional = |name: &str| Some(self.get(name).trim().to_owned()).filter(|v| !v.is_empty());
        let day = |name: &str| -> Result<Option<NaiveDate>, InvalidField> {
            optional(name)
                .map(|v| {
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| InvalidField::new(name, Problem::DateShape))
                })
                .transpose()
        };
        let lines =
            |name: &str| self.get(name).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        Ok(OrganizationInput {
            full_name: self.get("fullName").to_owned(),
            short_name: optional("shortName"),
            legal_form: self.get("legalForm").to_owned(),
            inn: optional("inn"),
            ogrn: optional("ogrn"),
            kpp: optional("kpp"),
            registered_on: day("registeredOn")?,
            municipality: optional("municipality"),
            legal_address: optional("legalAddress"),
            postal_address: optional("postalAddress"),
            phones: lines("phones"),
            emails: lines("emails"),
            website: optional("website"),
            activity_areas: self.activity_areas.clone(),
            target_groups: self.target_groups.clone(),
            relationship: Some(RelationshipKind::parse(&self.relationship).ok_or_else(|| {
                InvalidField::new("relationship", Problem::UnknownCode { code: self.relationship.clone() })
            })?),
            relationship_since: day("relationshipSince")?,
            in_sonko_register: self.in_sonko_register,
            social_service_provider: self.social_service_provider,
        })
    }
}

/// The edit form, with a problem to show (its field marked) and who changed the record meanwhile.
fn edit_page(
    console: &Console,
    visit: &Visit,
    organization: &Organization,
    form: &OrgForm,
    problem: Option<(Option<&str>, String)>,
    changes: &[ChangeNote],
) -> Markup {
    let lang = visit.lang;
    let vocabulary = console.services.registry.vocabulary();
    let bad = problem.as_ref().and_then(|(field, _)| *field);
    let text_input = |name: &'static str, kind: &str, required: bool| {
        html! {
            p {
                label for=(name) { (label(lang, name)) @if required { " *" } }
                input id=(name) name=(name) type=(kind) value=(form.get(name)) required[required] aria-invalid=[(bad == Some(name)).then_some("true")];
            }
        }
    };
    let checks = |name: &'static str, kind: TermKind, chosen: &[String]| {
        html! {
            fieldset.checks aria-invalid=[(bad == Some(name)).then_some("true")] {
                legend { (label(lang, name)) }
                @for term in vocabulary.terms(kind) {
                    label.check {
                        input type="checkbox" name=(name) value=(term.code) checked[chosen.contains(&term.code)];
                        " " (vocabulary.name(kind, &term.code, lang))
                    }
                }
            }
        }
    };
    html! {
        @if let Some((_, message)) = &problem { (notice(true, message)) }
        @if !changes.is_empty() {
            section.changes aria-labelledby="changes" {
                h2 id="changes" { (t(lang, "Что изменили другие", "What others changed")) }
                ul {
                    @for change in changes {
                        li {
                            strong { (change.by) } ", " (moment(lang, change.at)) ": "
                            @if change.fields.is_empty() { (t(lang, "проверка или смена статуса", "a check or a status change")) }
                            @for (i, field) in change.fields.iter().enumerate() { @if i > 0 { ", " } (label(lang, field)) }
                        }
                    }
                }
                p { (t(lang, "Сейчас в записи:", "The record now holds:")) }
                dl.card {
                    @for field in changes.iter().flat_map(|c| c.fields.iter()).collect::<std::collections::BTreeSet<_>>() {
                        dt { (label(lang, field)) }
                        dd { (current_value(&vocabulary, lang, organization, field)) }
                    }
                }
                p { (t(lang, "Форма ниже содержит ваши значения. Сверьте их с текущими и сохраните снова, если они верны.", "The form below holds your values. Compare them with the current ones and save again if they are right.")) }
            }
        }
        form.edit method="post" action=(format!("/console/organizations/{}/edit", organization.id)) {
            (form_token(visit))
            input type="hidden" name="expectedVersion" value=(form.version);
            (text_input("fullName", "text", true))
            (text_input("shortName", "text", false))
            p {
                label for="legalForm" { (label(lang, "legalForm")) " *" }
                (term_select(&vocabulary, lang, TermKind::LegalForm, "legalForm", form.get("legalForm"), "—"))
            }
            (text_input("inn", "text", false))
            (text_input("ogrn", "text", false))
            (text_input("kpp", "text", false))
            (text_input("registeredOn", "date", false))
            p {
                label for="municipality" { (label(lang, "municipality")) }
                (term_select(&vocabulary, lang, TermKind::Municipality, "municipality", form.get("municipality"), "—"))
            }
            (text_input("legalAddress", "text", false))
            (text_input("postalAddress", "text", false))
            p {
                label for="phones" { (label(lang, "phones")) " " small { (t(lang, "(по одному в строке)", "(one per line)")) } }
                textarea id="phones" name="phones" rows="3" aria-invalid=[(bad == Some("phones")).then_some("true")] { (form.get("phones")) }
            }
            p {
                label for="emails" { (label(lang, "emails")) " " small { (t(lang, "(по одному в строке)", "(one per line)")) } }
                textarea id="emails" name="emails" rows="3" aria-invalid=[(bad == Some("emails")).then_some("true")] { (form.get("emails")) }
            }
            (text_input("website", "text", false))
            (checks("activityAreas", TermKind::ActivityArea, &form.activity_areas))
            (checks("targetGroups", TermKind::TargetGroup, &form.target_groups))
            p {
                label for="relationship" { (label(lang, "relationship")) }
                select id="relationship" name="relationship" {
                    @for kind in RelationshipKind::ALL {
                        option value=(kind.code()) selected[form.relationship == kind.code()] { (relationship_name(lang, kind)) }
                    }
                }
            }
            (text_input("relationshipSince", "date", false))
            p { label.check { input type="checkbox" name="inSonkoRegister" value="1" checked[form.in_sonko_register]; " " (label(lang, "in_sonko_register")) } }
            p { label.check { input type="checkbox" name="socialServiceProvider" value="1" checked[form.social_service_provider]; " " (label(lang, "social_service_provider")) } }
            p.actions {
                button type="submit" data-action=(ORGANIZATION_WRITE.code()) { (t(lang, "Сохранить", "Save")) }
                " "
                a href=(format!("/console/organizations/{}", organization.id)) { (t(lang, "Отмена", "Cancel")) }
            }
        }
    }
}

/// A stored field's value as the card shows it.
fn current_value(vocabulary: &Vocabulary, lang: kernel::Lang, o: &Organization, field: &str) -> String {
    let p = &o.profile;
    let join = |v: Vec<String>| if v.is_empty() { "—".to_owned() } else { v.join(", ") };
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    match field {
        "full_name" => p.full_name.to_string(),
        "short_name" => opt(p.short_name.as_ref().map(ToString::to_string)),
        "legal_form" => vocabulary.name(TermKind::LegalForm, p.legal_form.as_str(), lang),
        "inn" => opt(p.inn.as_ref().map(ToString::to_string)),
        "ogrn" => opt(p.ogrn.as_ref().map(ToString::to_string)),
        "kpp" => opt(p.kpp.as_ref().map(ToString::to_string)),
        "registered_on" => opt(p.registered_on.map(|d| date(lang, d))),
        "municipality" => {
            opt(p.municipality.as_ref().map(|c| vocabulary.name(TermKind::Municipality, c.as_str(), lang)))
        }
        "legal_address" => opt(p.legal_address.as_ref().map(ToString::to_string)),
        "postal_address" => opt(p.postal_address.as_ref().map(ToString::to_string)),
        "phones" => join(p.phones.iter().map(ToString::to_string).collect()),
        "emails" => join(p.emails.iter().map(ToString::to_string).collect()),
        "website" => opt(p.website.as_ref().map(ToString::to_string)),
        "activity_areas" => {
            join(p.activity_areas.iter().map(|c| vocabulary.name(TermKind::ActivityArea, c.as_str(), lang)).collect())
        }
        "target_groups" => {
            join(p.target_groups.iter().map(|c| vocabulary.name(TermKind::TargetGroup, c.as_str(), lang)).collect())
        }
        "relationship" => relationship_name(lang, p.relationship.kind).to_owned(),
        "in_sonko_register" => {
            t(lang, if p.in_sonko_register { "да" } else { "нет" }, if p.in_sonko_register { "yes" } else { "no" })
                .to_owned()
        }
        "social_service_provider" => t(
            lang,
            if p.social_service_provider { "да" } else { "нет" },
            if p.social_service_provider { "yes" } else { "no" },
        )
        .to_owned(),
        _ => "—".to_owned(),
    }
}

/// Reads the organisation a form is about, within the visitor's scope.
async fn editable(console: &Console, visit: &Visit, raw: &str) -> Result<Organization, RegistryError> {
    let id = parse_id(raw).ok_or(RegistryError::NotFound { entity: "organization" })?;
    console
        .services
        .registry
        .organization(&visit.actor, id)
        .await?
        .ok_or(RegistryError::NotFound { entity: "organization" })
}

/// The edit form, filled with the stored values.
pub async fn edit_form(State(console): State<Console>, Staff(visit): Staff, Path(id): Path<String>) -> Response {
    let organization = match editable(&console, &visit, &id).await {
        Ok(o) => o,
        Err(error) => return refused(&console, visit, &error),
    };
    let may_edit = console
        .services
        .gate
        .scope(&visit.actor, ORGANIZATION_WRITE)
        .is_some_and(|s| s.covers(&[organization.id], None));
    if !may_edit {
        let denied = RegistryError::Gate(audit::GateError::Denied(kernel::Denied {
            action: ORGANIZATION_WRITE,
            role: visit.actor.role,
        }));
        return refused(&console, visit, &denied);
    }
    let lang = visit.lang;
    let form = OrgForm::of(&organization);
    let title = format!("{}: {}", t(lang, "Изменение", "Editing"), organization.profile.full_name.as_str());
    let page = staff_page(&console, &visit, &title, edit_page(&console, &visit, &organization, &form, None, &[]));
    visit.finish(render(StatusCode::OK, page))
}

/// Saves the form if nobody changed the record since it was opened; otherwise says who changed
/// what and keeps the visitor's values.
pub async fn edit(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (mut form, token) = OrgForm::posted(pairs);
    if let Err(refusal) = visit.check_form(token.as_deref()) {
        return visit.refused_form(refusal);
    }
    // The use case reads the organisation (its scope, its version): no read before it.
    let Some(id) = parse_id(&id) else {
        return refused(&console, visit, &RegistryError::NotFound { entity: "organization" });
    };
    let lang = visit.lang;
    let registry = &console.services.registry;
    // The version the form was opened at: a form without a readable one cannot be saved.
    if form.version < 1 {
        let message = t(
            lang,
            "Форма повреждена: в ней нет версии записи. Ничего не изменено: откройте запись и форму заново.",
            "The form is damaged: it carries no record version. Nothing was changed: open the record and the form again.",
        );
        return crate::refusals::with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, message);
    }
    let outcome = match form.input() {
        Ok(input) => registry.update_organization(&visit.actor, id, form.version, &input).await,
        Err(field) => Err(RegistryError::Invalid(field)),
    };
    let (status, problem, changes) = match outcome {
        Ok(saved) => return visit.finish(Redirect::to(&format!("/console/organizations/{}?saved=1", saved.id))),
        Err(RegistryError::Invalid(field)) => {
            let name = TEXT_FIELDS
                .iter()
                .chain(["legalForm", "phones", "emails", "activityAreas", "targetGroups"].iter())
                .find(|n| field.field.starts_with(**n))
                .copied();
            (StatusCode::UNPROCESSABLE_ENTITY, (name, invalid_message(lang, &field)), Vec::new())
        }
        Err(RegistryError::StaleVersion { expected, current }) => {
            let changes = registry.changes_since(&visit.actor, id, expected).await.unwrap_or_default();
            let me = visit.account.as_ref().map(|a| a.login.as_str());
            let who: Vec<&str> = changes
                .iter()
                .map(|c| {
                    if Some(c.by.as_str()) == me {
                        t(lang, "вы сами в другой вкладке", "you, in another tab")
                    } else {
                        c.by.as_str()
                    }
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let message = if who.is_empty() {
                // No change after the form's version is on record: the version is not one this
                // record had when a form was opened (a damaged form, or one from the future).
                t(
                    lang,
                    "Не сохранено: версия в форме не совпадает с версией записи. Откройте запись и форму заново.",
                    "Not saved: the form's version is not the record's. Open the record and the form again.",
                )
                .to_owned()
            } else {
                format!(
                    "{}: {} {}",
                    t(
                        lang,
                        "Не сохранено: пока вы редактировали, запись изменили",
                        "Not saved: while you were editing, the record was changed by"
                    ),
                    who.join(", "),
                    t(lang, "(см. ниже).", "(see below)."),
                )
            };
            // The form now carries the stored version: saving again is a decision taken after
            // seeing the other changes.
            form.version = current;
            (StatusCode::CONFLICT, (None, message), changes)
        }
        Err(error @ (RegistryError::Duplicate { .. } | RegistryError::Liquidated)) => {
            (StatusCode::CONFLICT, (None, error.message(lang)), Vec::new())
        }
        Err(error) => return refused(&console, visit, &error),
    };
    let current = match registry.organization(&visit.actor, id).await {
        Ok(Some(current)) => current,
        Ok(None) => return refused(&console, visit, &RegistryError::NotFound { entity: "organization" }),
        Err(error) => return refused(&console, visit, &error),
    };
    let title = format!("{}: {}", t(lang, "Изменение", "Editing"), current.profile.full_name.as_str());
    let page =
        staff_page(&console, &visit, &title, edit_page(&console, &visit, &current, &form, Some(problem), &changes));
    visit.finish(render(status, page))
}
