//! Accounts, for administrators: the list with each account's role, binding and state, and the
//! forms that add an account, change a role, reset a password, unlock a login and disable an
//! account (the access use cases, with their checks and audit).

use access::{ACCOUNT_MANAGE, Account, Assignment, MIN_PASSWORD_LENGTH};
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kernel::{OrganizationId, PersonId, Role};
use maud::{Markup, html};
use registry::model::Inn;
use registry::ports::OrganizationFilter;
use serde::Deserialize;

use crate::Console;
use crate::format::moment;
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Done, Staff, Visit, query_of};

/// The roles an account can have, in the order the forms offer them: not `Role::ALL`'s order,
/// whose first (preselected) role is the administrator's, and without the public's `anonymous`.
const ROLES: [Role; 8] = [
    Role::Coordinator,
    Role::Trainer,
    Role::VolunteerCoordinator,
    Role::Researcher,
    Role::Lawyer,
    Role::Volunteer,
    Role::NgoRepresentative,
    Role::Admin,
];

fn role_select(lang: kernel::Lang, id: &str, current: Option<Role>) -> Markup {
    html! {
        select id=(id) name="role" {
            @for role in ROLES {
                option value=(role.code()) selected[current == Some(role)] { (role.title(lang)) }
            }
        }
    }
}

fn binding_fields(lang: kernel::Lang, suffix: &str) -> Markup {
    html! {
        p {
            label for=(format!("organization{suffix}")) { (t(lang, "ИНН или id организации (для представителя НКО)", "INN or id of the organisation (NGO representative)")) }
            input id=(format!("organization{suffix}")) name="organization" type="text";
        }
        p {
            label for=(format!("person{suffix}")) { (t(lang, "id карточки человека (для волонтёра; из адреса его карточки)", "id of the person's record (volunteer; from the card's address)")) }
            input id=(format!("person{suffix}")) name="person" type="text";
        }
    }
}

fn account_row(visit: &Visit, account: &Account) -> Markup {
    let lang = visit.lang;
    let login = &account.login;
    html! {
        article.request {
            h2 { (login) }
            dl.card {
                dt { (t(lang, "Роль", "Role")) } dd { (account.role.title(lang)) }
                @if let Some(org) = account.organization { dt { (t(lang, "Организация", "Organisation")) } dd { a href=(format!("/console/organizations/{org}")) { (org) } } }
                @if let Some(person) = account.person { dt { (t(lang, "Человек", "Person")) } dd { a href=(format!("/console/people/{person}")) { (person) } } }
                dt { (t(lang, "Состояние", "State")) } dd { @if account.disabled { strong.bad { (t(lang, "отключена", "disabled")) } } @else { (t(lang, "действует", "active")) } }
                dt { (t(lang, "Создана", "Created")) } dd { (moment(lang, account.created_at)) }
            }
            details.more {
                summary { (t(lang, "Изменить", "Change")) }
                form.edit method="post" action="/console/accounts/role" {
                    (form_token(visit)) input type="hidden" name="login" value=(login);
                    p { label for=(format!("role-{login}")) { (t(lang, "Новая роль", "New role")) } (role_select(lang, &format!("role-{login}"), Some(account.role))) }
                    (binding_fields(lang, &format!("-{login}")))
                    p { button type="submit" data-action=(ACCOUNT_MANAGE.code()) { (t(lang, "Сменить роль (сеансы завершатся)", "Change the role (sessions end)")) } }
                }
                form.inline method="post" action="/console/accounts/password" {
                    (form_token(visit)) input type="hidden" name="login" value=(login);
                    label for=(format!("password-{login}")) { (t(lang, "Новый пароль", "New password")) }
                    input id=(format!("password-{login}")) name="password" type="password" autocomplete="new-password" required minlength=(MIN_PASSWORD_LENGTH);
                    button type="submit" data-action=(ACCOUNT_MANAGE.code()) { (t(lang, "Сбросить пароль", "Reset the password")) }
                }
                form.inline method="post" action="/console/accounts/unlock" {
                    (form_token(visit)) input type="hidden" name="login" value=(login);
                    button type="submit" data-action=(ACCOUNT_MANAGE.code()) { (t(lang, "Снять блокировку входа", "Unlock the login")) }
                }
                @if !account.disabled {
                    form.inline method="post" action="/console/accounts/disable" {
                        (form_token(visit)) input type="hidden" name="login" value=(login);
                        button type="submit" data-action=(ACCOUNT_MANAGE.code()) { (t(lang, "Отключить учётную запись", "Disable the account")) }
                    }
                }
            }
        }
    }
}

/// The accounts and the form that adds one.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let done: Done = query_of(raw.as_deref());
    let accounts = match console.services.access.accounts(&visit.actor).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    let body = html! {
        @if done.done.is_some() { (notice(false, t(lang, "Сделано.", "Done."))) }
        details.more {
            summary data-action=(ACCOUNT_MANAGE.code()) { (t(lang, "Добавить учётную запись", "Add an account")) }
            form.edit method="post" action="/console/accounts" {
                (form_token(&visit))
                p { label for="new-login" { (t(lang, "Логин (a-z, 0-9, «.», «_», «-»)", "Login (a-z, 0-9, «.», «_», «-»)")) } input id="new-login" name="login" type="text" required; }
                p { label for="new-password" { (t(lang, "Пароль, символов не меньше:", "Password, characters at least:")) " " (MIN_PASSWORD_LENGTH) } input id="new-password" name="password" type="password" autocomplete="new-password" required minlength=(MIN_PASSWORD_LENGTH); }
                p { label for="new-role" { (t(lang, "Роль", "Role")) } (role_select(lang, "new-role", None)) }
                (binding_fields(lang, "-new"))
                p { button type="submit" data-action=(ACCOUNT_MANAGE.code()) { (t(lang, "Добавить", "Add")) } }
            }
        }
        @for account in &accounts { (account_row(&visit, account)) }
    };
    let page = staff_page(&console, &visit, t(lang, "Учётные записи", "Accounts"), body);
    visit.finish(render(StatusCode::OK, page))
}

/// What the account forms send.
#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    role: Option<String>,
    organization: Option<String>,
    person: Option<String>,
    form_token: Option<String>,
}

/// The assignment a form describes: the role, and the organisation (by ИНН or id) or person it
/// binds; a value that names nothing is refused by its field.
async fn assignment(console: &Console, visit: &Visit, form: &AccountForm) -> Result<Assignment, &'static str> {
    let lang = visit.lang;
    let role = form.role.as_deref().and_then(Role::parse).filter(|r| *r != Role::Anonymous).ok_or(t(
        lang,
        "«Роль»: выберите роль из списка.",
        "«Role»: choose a role from the list.",
    ))?;
    let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let organization = match present(&form.organization) {
        None => None,
        Some(raw) => match uuid::Uuid::parse_str(&raw) {
            Ok(id) => Some(OrganizationId(id)),
            Err(_) => {
                let inn = Inn::parse(&raw).map_err(|_| {
                    t(lang, "«Организация»: это не ИНН и не id.", "«Organisation»: neither an INN nor an id.")
                })?;
                let filter = OrganizationFilter { inn: Some(inn), ..OrganizationFilter::default() };
                let page =
                    kernel::PageRequest::new(1, None).map_err(|_| t(lang, "внутренняя ошибка", "internal error"))?;
                let found = console
                    .services
                    .registry
                    .organizations(&visit.actor, &filter, registry::ports::OrganizationOrder::NameAsc, page)
                    .await;
                let found = found.map_err(|_| {
                    t(lang, "«Организация»: реестр не ответил.", "«Organisation»: the registry did not answer.")
                })?;
                Some(found.items.first().map(|o| o.id).ok_or(t(
                    lang,
                    "«Организация»: в реестре нет организации с таким ИНН.",
                    "«Organisation»: no organisation with this INN.",
                ))?)
            }
        },
    };
    let person = match present(&form.person) {
        None => None,
        Some(raw) => Some(PersonId(
            uuid::Uuid::parse_str(&raw)
                .map_err(|_| t(lang, "«Человек»: это не id карточки.", "«Person»: not a record id."))?,
        )),
    };
    Ok(Assignment { role, organization, person })
}

/// What an account form does.
#[derive(Clone, Copy)]
enum Change {
    Add,
    Role,
    Password,
    Unlock,
    Disable,
}

/// Adds an account.
pub async fn add(State(console): State<Console>, Staff(visit): Staff, Form(form): Form<AccountForm>) -> Response {
    apply(&console, visit, &form, Change::Add).await
}

/// Changes an account: `role` (its sessions end), `password` (a reset; its sessions end),
/// `unlock` (a login's lock, from every address) or `disable` (its sessions end).
pub async fn change(
    State(console): State<Console>,
    Staff(visit): Staff,
    Path(what): Path<String>,
    Form(form): Form<AccountForm>,
) -> Response {
    let change = match what.as_str() {
        "role" => Change::Role,
        "password" => Change::Password,
        "unlock" => Change::Unlock,
        "disable" => Change::Disable,
        _ => return crate::layout::failure(StatusCode::NOT_FOUND, visit.lang),
    };
    apply(&console, visit, &form, change).await
}

async fn apply(console: &Console, visit: Visit, form: &AccountForm, change: Change) -> Response {
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let access = &console.services.access;
    let (actor, login) = (&visit.actor, form.login.as_str());
    let done = match change {
        Change::Add | Change::Role => {
            let assignment = match assignment(console, &visit, form).await {
                Ok(assignment) => assignment,
                Err(message) => return with_message(console, visit, StatusCode::UNPROCESSABLE_ENTITY, message),
            };
            match change {
                Change::Add => access.add_account(actor, login, &assignment, &form.password).await,
                _ => access.set_role(actor, login, &assignment).await,
            }
        }
        Change::Password => access.reset_password(actor, login, &form.password).await,
        Change::Unlock => access.unlock(actor, login).await,
        Change::Disable => access.disable(actor, login).await,
    };
    match done {
        Ok(_) => visit.finish(Redirect::to("/console/accounts?done=1")),
        Err(error) => refused(console, visit, &error),
    }
}
