//! The frame every page shares: the document head, the header with the sections the visitor's
//! role may open, the logout form, messages, and the error pages. maud escapes every value.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kernel::Lang;
use maud::{DOCTYPE, Markup, html};

use crate::Console;
use crate::texts::t;
use crate::visit::{FORM_FIELD, Visit};

/// A section of the staff console, shown in the header to roles whose policy grants its action.
struct Section {
    path: &'static str,
    ru: &'static str,
    en: &'static str,
    action: kernel::Action,
}

const SECTIONS: &[Section] = &[
    Section {
        path: "/console/organizations",
        ru: "Организации",
        en: "Organisations",
        action: registry::actions::ORGANIZATION_READ,
    },
    Section { path: "/console/people", ru: "Люди", en: "People", action: registry::actions::PERSON_READ },
    Section {
        path: "/console/import", ru: "Импорт", en: "Import", action: registry::actions::ORGANIZATION_IMPORT
    },
    Section {
        path: "/console/requests",
        ru: "Запросы субъектов",
        en: "Subject requests",
        action: privacy::actions::SUBJECT_REQUEST,
    },
    Section {
        path: "/console/desk", ru: "Обращения", en: "Requests", action: services_catalog::actions::REQUEST_READ
    },
    Section {
        path: "/console/dispatch",
        ru: "Диспетчерская",
        en: "Dispatch",
        action: services_catalog::actions::DISPATCH,
    },
    Section {
        path: "/console/referrals",
        ru: "Направления",
        en: "Referrals",
        action: services_catalog::actions::REFERRAL_READ,
    },
    Section {
        path: "/console/deliveries",
        ru: "Услуги оказаны",
        en: "Services given",
        action: services_catalog::actions::DELIVERY_READ,
    },
    Section { path: "/console/cases", ru: "Дела", en: "Cases", action: services_catalog::actions::CASE_READ },
    Section {
        path: "/console/catalogue",
        ru: "Каталог",
        en: "Catalogue",
        action: services_catalog::actions::CATALOGUE_READ,
    },
    Section {
        path: "/console/accounts", ru: "Учётные записи", en: "Accounts", action: access::ACCOUNT_READ
    },
    Section { path: "/console/audit", ru: "Журнал", en: "Audit log", action: audit::AUDIT_READ },
];

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        title { (title) " — " (t(lang, "НКО-центр", "NGO centre")) }
        link rel="stylesheet" href="/assets/console.css";
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "ru",
        Lang::En => "en",
    }
}

/// The hidden field carrying the visitor's form token.
pub fn form_token(visit: &Visit) -> Markup {
    html! { input type="hidden" name=(FORM_FIELD) value=(visit.form_token()); }
}

/// A staff page: the header with the sections the role may open and the logout button, then
/// the page's own content under its title.
pub fn staff_page(console: &Console, visit: &Visit, title: &str, content: Markup) -> Markup {
    let lang = visit.lang;
    html! {
        (DOCTYPE)
        html lang=(lang_code(lang)) {
            head { (head(lang, title)) }
            body {
                a.skip href="#main" { (t(lang, "К содержанию", "Skip to content")) }
                header.top {
                    a.brand href="/console/" { (t(lang, "НКО-центр", "NGO centre")) }
                    nav aria-label=(t(lang, "Разделы", "Sections")) {
                        ul {
                            @for section in SECTIONS {
                                @if visit.may(console, section.action) {
                                    li { a href=(section.path) data-action=(section.action.code()) { (t(lang, section.ru, section.en)) } }
                                }
                            }
                        }
                    }
                    @if let Some(account) = &visit.account {
                        form.logout method="post" action="/console/logout" {
                            (form_token(visit))
                            span.who { (account.login.as_str()) " · " (account.role.title(lang)) }
                            button type="submit" { (t(lang, "Выйти", "Log out")) }
                        }
                    }
                }
                main id="main" {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// A public page: the directory's header, no staff navigation.
pub fn public_page(lang: Lang, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang_code(lang)) {
            head { (head(lang, title)) }
            body {
                a.skip href="#main" { (t(lang, "К содержанию", "Skip to content")) }
                header.top.public {
                    a.brand href="/" { (t(lang, "Каталог некоммерческих организаций", "Directory of non-profit organisations")) }
                }
                main id="main" {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// A notice in a page: an error (`role="alert"`) or a confirmation. A message may quote what
/// the visitor typed; control and invisible formatting characters are not shown as such.
pub fn notice(error: bool, text: &str) -> Markup {
    let text = visible(text);
    let text = text.as_str();
    if error {
        html! { p.notice.error role="alert" { (text) } }
    } else {
        html! { p.notice.done role="status" { (text) } }
    }
}

/// The text without control characters and bidirectional or zero-width formatting (each
/// replaced by `�`), so that a quoted input cannot reorder or hide the message around it.
pub fn visible(text: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    };
    text.chars().map(|c| if hidden(c) { '\u{FFFD}' } else { c }).collect()
}

/// A page that only says something (a refusal, an error), with a way back.
pub fn message_page(visit: &Visit, status: StatusCode, message: &str) -> Response {
    let lang = visit.lang;
    let title = t(lang, "Действие не выполнено", "Not done");
    let body = html! {
        (notice(true, message))
        p { a href="/console/" { (t(lang, "На главную", "Home")) } }
    };
    (status, Html(public_page(lang, title, body).into_string())).into_response()
}

/// An error page for a status, without a visit (panics, unknown paths, an unavailable store).
pub fn failure(status: StatusCode, lang: Lang) -> Response {
    let (title, text) = match status {
        StatusCode::NOT_FOUND => (
            t(lang, "Страница не найдена", "Page not found"),
            t(lang, "Такой страницы нет или она вам недоступна.", "There is no such page, or it is not open to you."),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            t(lang, "Слишком большой запрос", "The request is too large"),
            t(
                lang,
                "Запрос больше 256 КиБ. Большие файлы загружайте командой nko import.",
                "The request is over 256 KiB. Import large files with nko import.",
            ),
        ),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => (
            t(lang, "База данных недоступна", "The database is unavailable"),
            t(lang, "Хранилище не отвечает; повторите через минуту.", "The store does not answer; retry in a minute."),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            t(lang, "Запрос отклонён", "The request was refused"),
            t(
                lang,
                "Эта страница так не открывается: перейдите на неё по ссылке или кнопкой.",
                "This page is not opened this way: follow a link or a button to it.",
            ),
        ),
        s if s.is_client_error() => (
            t(lang, "Запрос отклонён", "The request was refused"),
            t(
                lang,
                "Форма или адрес пришли в неверном виде. Ничего не изменено: откройте страницу заново.",
                "The form or address came malformed. Nothing was changed: open the page again.",
            ),
        ),
        _ => (
            t(lang, "Внутренняя ошибка", "Internal error"),
            t(
                lang,
                "Что-то пошло не так; сообщите администратору время ошибки.",
                "Something went wrong; tell the administrator when it happened.",
            ),
        ),
    };
    let body = html! { (notice(true, text)) p { a href="/" { (t(lang, "На главную", "Home")) } } };
    (status, Html(public_page(lang, title, body).into_string())).into_response()
}

/// A rendered page with its status.
pub fn render(status: StatusCode, page: Markup) -> Response {
    (status, Html(page.into_string())).into_response()
}
