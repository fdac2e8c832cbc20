//! GraphQL errors: a stable English code in `extensions.code`, a message in the caller's language,
//! the offending field where there is one, and the request id. Database text never reaches a client:
//! storage failures are logged under the request id and answered with a generic message.
//!
//! This file is the one place where every domain's errors become codes.

use std::sync::Arc;

use access::AccessError;
use async_graphql::{Context, Error, ErrorExtensions};
use kernel::{Denied, Lang, Localized};
use privacy::PrivacyError;
use registry::rules::ties::TieRuleViolation;
use registry::{InvalidField, Problem, RegistryError, RepoError};

use super::context::{Caller, RequestInfo, unauthenticated};

/// The stable error codes of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// An argument or input field is wrong; `extensions.field` names it.
    BadUserInput,
    /// No valid session: log in.
    Unauthenticated,
    /// The caller may not do this.
    Forbidden,
    /// No such record.
    NotFound,
    /// The change conflicts with stored data (duplicate key, stale version, active tie).
    Conflict,
    /// Too many attempts; retry after `extensions.retryAfter` seconds.
    TooManyRequests,
    /// The database is unavailable; retry later.
    Unavailable,
    /// A fault in the system; the log has details under the request id.
    Internal,
}

impl Code {
    /// The code as clients see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadUserInput => "BAD_USER_INPUT",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::Forbidden => "FORBIDDEN",
            Code::NotFound => "NOT_FOUND",
            Code::Conflict => "CONFLICT",
            Code::TooManyRequests => "TOO_MANY_REQUESTS",
            Code::Unavailable => "UNAVAILABLE",
            Code::Internal => "INTERNAL",
        }
    }
}

/// Builds an error with a code, a message, and optionally the field at fault.
pub fn error(ctx: &Context<'_>, code: Code, message: impl Into<String>, field: Option<&str>) -> Error {
    let request_id = ctx.data_opt::<RequestInfo>().map(|r| r.id.clone()).unwrap_or_default();
    Error::new(message).extend_with(|_, e| {
        e.set("code", code.as_str());
        e.set("requestId", request_id.as_str());
        if let Some(field) = field {
            e.set("field", field);
        }
    })
}

/// The caller's language.
pub fn lang(ctx: &Context<'_>) -> Lang {
    ctx.data_opt::<RequestInfo>().map(|r| r.lang).unwrap_or_default()
}

/// Turns a use case's error into a GraphQL error.
pub trait IntoGql {
    /// The GraphQL error for this failure, in the caller's language.
    fn gql(self, ctx: &Context<'_>) -> Error;
}

/// A storage failure: logged under the request id, answered with a generic message.
fn store_failure(ctx: &Context<'_>, failure: &dyn std::fmt::Display, unavailable: bool) -> Error {
    let request_id = ctx.data_opt::<RequestInfo>().map(|r| r.id.as_str()).unwrap_or_default();
    tracing::error!(request_id, error = %failure, "storage failure");
    let (code, ru, en) = if unavailable {
        (Code::Unavailable, "хранилище недоступно, повторите попытку позже", "storage is unavailable, try again later")
    } else {
        (
            Code::Internal,
            "внутренняя ошибка; подробности в журнале сервера",
            "internal error; the server log has details",
        )
    };
    error(ctx, code, if lang(ctx) == Lang::En { en } else { ru }, None)
}

impl IntoGql for RegistryError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let message = self.message(lang(ctx));
        match &self {
            RegistryError::Invalid(field) => error(ctx, Code::BadUserInput, message, Some(&field.field)),
            RegistryError::NotFound { .. } => error(ctx, Code::NotFound, message, None),
            RegistryError::Duplicate { key, .. } => error(ctx, Code::Conflict, message, Some(key.field())),
            RegistryError::StaleVersion { current, .. } => {
                let current = *current;
                error(ctx, Code::Conflict, message, Some("expectedVersion"))
                    .extend_with(|_, e| e.set("currentVersion", current))
            }
            RegistryError::Rule(TieRuleViolation::DuplicateActiveTie) | RegistryError::Liquidated => {
                error(ctx, Code::Conflict, message, None)
            }
            RegistryError::Rule(_) | RegistryError::EndBeforeStart => error(ctx, Code::BadUserInput, message, None),
            RegistryError::Denied(d) => denied(ctx, d),
            RegistryError::ForbiddenFilter { field } => {
                let field = format!("filter.{field}");
                error(ctx, Code::Forbidden, message, Some(&field))
            }
            RegistryError::Store(RepoError::Unavailable(detail)) => store_failure(ctx, detail, true),
            RegistryError::Store(other) => store_failure(ctx, other, false),
        }
    }
}

impl IntoGql for AccessError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let message = self.message(lang(ctx));
        match &self {
            AccessError::BadCredentials | AccessError::InvalidSession => {
                error(ctx, Code::Unauthenticated, message, None)
            }
            AccessError::BadLogin => error(ctx, Code::BadUserInput, message, Some("login")),
            AccessError::WrongPassword => error(ctx, Code::BadUserInput, message, Some("current")),
            AccessError::WeakPassword => error(ctx, Code::BadUserInput, message, Some("password")),
            AccessError::LoginTaken => error(ctx, Code::Conflict, message, Some("login")),
            AccessError::UnknownAccount => error(ctx, Code::NotFound, message, None),
            AccessError::TooManyAttempts { retry_after } => {
                let retry_after = *retry_after;
                error(ctx, Code::TooManyRequests, message, None).extend_with(|_, e| e.set("retryAfter", retry_after))
            }
            AccessError::Denied(d) => denied(ctx, d),
            AccessError::OwnAccount => error(ctx, Code::BadUserInput, message, Some("login")),
            AccessError::Binding(_) => error(ctx, Code::BadUserInput, message, Some("assignment")),
            AccessError::Store(detail) => store_failure(ctx, detail, true),
        }
    }
}

impl IntoGql for PrivacyError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let message = self.message(lang(ctx));
        match &self {
            PrivacyError::Invalid { field, .. } => error(ctx, Code::BadUserInput, message, Some(field)),
            PrivacyError::Rule(_) => error(ctx, Code::BadUserInput, message, None),
            PrivacyError::NotFound(_) => error(ctx, Code::NotFound, message, None),
            PrivacyError::Denied(d) => denied(ctx, d),
            PrivacyError::Store(e) => store_failure(ctx, e, true),
        }
    }
}

impl IntoGql for audit::GateError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        match self {
            audit::GateError::Denied(d) => denied(ctx, &d),
            audit::GateError::Audit(e) => store_failure(ctx, &e, true),
        }
    }
}

/// A refusal by the policy: `FORBIDDEN`, or `UNAUTHENTICATED` for a caller without a session
/// (logging in may help them; nothing else would).
fn denied(ctx: &Context<'_>, denied: &Denied) -> Error {
    let anonymous = ctx.data_opt::<Caller>().is_none_or(|c| c.account.is_none());
    if anonymous {
        return unauthenticated(ctx);
    }
    // Every domain words a refusal the same way (`kernel::Denied` is the refusal of them all).
    let message = RegistryError::Denied(*denied).message(lang(ctx));
    error(ctx, Code::Forbidden, message, None)
}

/// An id argument that is not an id, naming the argument.
pub fn bad_id(ctx: &Context<'_>, field: &str) -> Error {
    RegistryError::Invalid(InvalidField::new(field, Problem::IdShape)).gql(ctx)
}

/// A batched load's failure, shared by every key of the failed batch (so cheap to clone): a
/// refusal by the policy, or a failure the log is told about and the client is not.
#[derive(Clone, Debug)]
pub enum LoadError {
    /// The policy refused the read.
    Denied(Denied),
    /// Anything else, as the log should read it.
    Failed(Arc<str>),
}

impl From<RegistryError> for LoadError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::Denied(d) => LoadError::Denied(d),
            other => LoadError::Failed(other.to_string().into()),
        }
    }
}

impl From<PrivacyError> for LoadError {
    fn from(error: PrivacyError) -> Self {
        match error {
            PrivacyError::Denied(d) => LoadError::Denied(d),
            other => LoadError::Failed(other.to_string().into()),
        }
    }
}

impl IntoGql for LoadError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        match self {
            LoadError::Denied(d) => denied(ctx, &d),
            LoadError::Failed(failure) => store_failure(ctx, &failure, true),
        }
    }
}

/// Shorthand: map a use case's result into a GraphQL result.
pub trait GqlResult<T> {
    /// Maps the error with [`IntoGql`].
    fn gql(self, ctx: &Context<'_>) -> async_graphql::Result<T>;
}

impl<T, E: IntoGql> GqlResult<T> for Result<T, E> {
    fn gql(self, ctx: &Context<'_>) -> async_graphql::Result<T> {
        self.map_err(|e| e.gql(ctx))
    }
}
