//! Logging in and out of the console: the API's login use case (its limits, decoy hashing and
//! audit), a session cookie instead of a bearer header.

use access::{AccessError, LoginAttempt};
use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kernel::{Channel, Localized as _};
use maud::html;
use serde::Deserialize;

use crate::Console;
use crate::layout::{form_token, notice, public_page, render};
use crate::texts::t;
use crate::visit::Visit;

/// Where to go after logging in: a console path, never another site.
#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> &str {
    match next {
        // Printable ASCII only: a control character would make the redirect's header invalid.
        Some(path)
            if path.starts_with("/console/")
                && !path.contains("//")
                && !path.contains('\\')
                && path.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            path
        }
        _ => "/console/organizations",
    }
}

/// The login form.
pub async fn form(visit: Visit, RawQuery(raw): RawQuery) -> Response {
    let next: Next = crate::visit::query_of(raw.as_deref());
    let visit = visit.with_form_secret();
    if visit.account.is_some() {
        let to = safe_next(next.next.as_deref()).to_owned();
        return visit.finish(Redirect::to(&to));
    }
    let page = page(&visit, next.next.as_deref(), "", None);
    visit.finish(render(StatusCode::OK, page))
}

fn page(visit: &Visit, next: Option<&str>, login: &str, problem: Option<&str>) -> maud::Markup {
    let lang = visit.lang;
    let body = html! {
        @if let Some(problem) = problem { (notice(true, problem)) }
        form.login method="post" action="/console/login" {
            (form_token(visit))
            input type="hidden" name="next" value=(safe_next(next));
            p {
                label for="login" { (t(lang, "Логин", "Login")) }
                input id="login" name="login" type="text" autocomplete="username" required value=(login) autofocus;
            }
            p {
                label for="password" { (t(lang, "Пароль", "Password")) }
                input id="password" name="password" type="password" autocomplete="current-password" required;
            }
            p { button type="submit" { (t(lang, "Войти", "Log in")) } }
        }
    };
    public_page(lang, t(lang, "Вход для сотрудников", "Staff login"), body)
}

/// What the login form sends.
#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
    form_token: Option<String>,
}

/// Checks the password and starts a session cookie.
pub async fn submit(State(console): State<Console>, mut visit: Visit, Form(form): Form<LoginForm>) -> Response {
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let attempt = LoginAttempt {
        login: &form.login,
        password: &form.password,
        peer: &visit.peer,
        channel: Channel::Console,
        request_id: &visit.actor.request_id,
    };
    match console.services.access.login(attempt).await {
        Ok(issued) => {
            visit.start_session(&issued.token);
            let to = safe_next(form.next.as_deref()).to_owned();
            visit.finish(Redirect::to(&to))
        }
        Err(error) => {
            let status = match error {
                AccessError::BadCredentials => StatusCode::UNAUTHORIZED,
                AccessError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            let message = error.message(visit.lang);
            let page = page(&visit, form.next.as_deref(), &form.login, Some(&message));
            let mut response = render(status, page);
            if let AccessError::TooManyAttempts { retry_after } = error {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
            }
            visit.finish(response)
        }
    }
}

/// What the logout form sends.
#[derive(Deserialize)]
pub struct LogoutForm {
    form_token: Option<String>,
}

/// Ends the session and its cookie.
pub async fn logout(State(console): State<Console>, mut visit: Visit, Form(form): Form<LogoutForm>) -> Response {
    let Some(token) = visit.session().map(str::to_owned) else {
        return visit.finish(Redirect::to("/console/login"));
    };
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    if let Err(error) = console.services.access.logout(&visit.actor, &token).await {
        tracing::error!(request_id = %visit.actor.request_id, error = %error, "cannot end a console session");
    }
    visit.end_session();
    visit.finish(Redirect::to("/console/login"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_forms_token_field_is_the_one_every_form_carries() {
        assert_eq!(crate::visit::FORM_FIELD, "form_token", "the field of LoginForm and LogoutForm");
    }

    #[test]
    fn after_login_a_visitor_goes_only_to_a_console_page() {
        assert_eq!(safe_next(Some("/console/organizations/1")), "/console/organizations/1");
        for hostile in [
            "https://evil.example/",
            "//evil.example/console/",
            "/console//evil",
            "/console/\\evil",
            "/other",
            "/console/people?q=a\nb",
            "/console/x\r\nSet-Cookie: a=b",
            "/console/с кириллицей",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/console/organizations", "{hostile}");
        }
        assert_eq!(safe_next(None), "/console/organizations");
    }
}
