//! What a page answers when a use case refuses: a missing record (or one outside the visitor's
//! scope, answered the same), a denial by the policy, an input to correct, or a store that does
//! not answer; each as a page with the use case's message in the visitor's language.

use axum::http::StatusCode;
use axum::response::Response;
use kernel::Localized;

use crate::Console;
use crate::layout::{notice, render, staff_page};
use crate::texts::t;
use crate::visit::Visit;

/// A use case's refusal as a page shows it.
pub trait PageError: Localized {
    /// The page's status.
    fn status(&self) -> StatusCode;
}

fn gate_status(error: &audit::GateError) -> StatusCode {
    match error {
        audit::GateError::Denied(_) => StatusCode::FORBIDDEN,
        audit::GateError::Audit(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl PageError for registry::RegistryError {
    fn status(&self) -> StatusCode {
        use registry::RegistryError::*;
        match self {
            NotFound { .. } => StatusCode::NOT_FOUND,
            Gate(gate) => gate_status(gate),
            Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            StaleVersion { .. } | Duplicate { .. } | Liquidated | Anonymised => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl PageError for privacy::PrivacyError {
    fn status(&self) -> StatusCode {
        use privacy::PrivacyError::*;
        match self {
            NotFound(_) => StatusCode::NOT_FOUND,
            Gate(gate) => gate_status(gate),
            Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            Anonymised => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl PageError for access::AccessError {
    fn status(&self) -> StatusCode {
        use access::AccessError::*;
        match self {
            UnknownAccount => StatusCode::NOT_FOUND,
            Gate(gate) => gate_status(gate),
            Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            LoginTaken | ClosedRecord { .. } | OwnAccount => StatusCode::CONFLICT,
            TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl PageError for services_catalog::ServicesError {
    fn status(&self) -> StatusCode {
        use services_catalog::ServicesError::*;
        match self {
            NotFound(_) => StatusCode::NOT_FOUND,
            Gate(gate) => gate_status(gate),
            Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            TooManyAppeals { .. } => StatusCode::TOO_MANY_REQUESTS,
            Flow(_)
            | ReferralStep { .. }
            | ReferralClosed(_)
            | NoConsent
            | NotOffered
            | AlreadyReferred
            | Conflict(_) => StatusCode::CONFLICT,
            Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl PageError for audit::GateError {
    fn status(&self) -> StatusCode {
        gate_status(self)
    }
}

/// The page of a refusal. A missing record and one outside the scope read the same.
pub fn refused(console: &Console, visit: Visit, error: &dyn PageError) -> Response {
    let lang = visit.lang;
    let status = error.status();
    let message = if status == StatusCode::NOT_FOUND {
        t(lang, "Такой записи нет или она вам недоступна.", "There is no such record, or it is not open to you.")
            .to_owned()
    } else {
        labelled(lang, &error.message(lang))
    };
    let page = staff_page(console, &visit, t(lang, "Действие не выполнено", "Not done"), notice(true, &message));
    visit.finish(render(status, page))
}

/// A use case's message that starts with the API's name of a field (`receivedOn: ...`) starts
/// with the field's label instead (`«Дата получения запроса»: ...`).
fn labelled(lang: kernel::Lang, message: &str) -> String {
    match message.split_once(": ") {
        Some((field, rest)) => match crate::texts::field_label(lang, field) {
            Some(label) => format!("«{label}»: {rest}"),
            None => message.to_owned(),
        },
        None => message.to_owned(),
    }
}

/// The page of a refusal the console itself makes (an input it cannot read).
pub fn with_message(console: &Console, visit: Visit, status: StatusCode, message: &str) -> Response {
    let lang = visit.lang;
    let page = staff_page(console, &visit, t(lang, "Действие не выполнено", "Not done"), notice(true, message));
    visit.finish(render(status, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_naming_an_api_field_names_its_label() {
        assert_eq!(
            labelled(kernel::Lang::Ru, "receivedOn: дата в будущем"),
            "«Дата получения запроса»: дата в будущем"
        );
        assert_eq!(labelled(kernel::Lang::Ru, "phones[1]: это не номер"), "«Телефоны»: это не номер");
        assert_eq!(labelled(kernel::Lang::Ru, "запись не найдена: x"), "запись не найдена: x", "no field: unchanged");
    }
}
