//! GraphQL errors: a stable English code in `extensions.code`, a message in the caller's language,
//! the offending field where there is one, and the request id. Database text never reaches a client:
//! storage failures are logged under the request id and answered with a generic message.
//!
//! This file is the one place where every domain's errors become codes.

use access::AccessError;
use async_graphql::{Context, Error, ErrorExtensions};
use kernel::{Lang, Localized, StoreError};
use privacy::{PrivacyError, PrivacyRuleError};
use registry::rules::ties::TieRuleViolation;
use registry::{InvalidField, Problem, RegistryError};
use services_catalog::rules::request_flow::FlowError;
use services_catalog::{Conflict as ServicesConflict, ServicesError};

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

/// A storage failure, answered with a generic message (storage logged it once, inside the
/// request's span): `UNAVAILABLE` when retrying may help, `INTERNAL` otherwise.
impl<C: std::fmt::Debug + std::fmt::Display> IntoGql for StoreError<C> {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let code = if matches!(self, StoreError::Unavailable(_)) { Code::Unavailable } else { Code::Internal };
        error(ctx, code, self.message(lang(ctx)), None)
    }
}

impl IntoGql for RegistryError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let message = self.message(lang(ctx));
        match self {
            RegistryError::Gate(gate) => gate.gql(ctx),
            RegistryError::Store(store) => store.gql(ctx),
            RegistryError::Invalid(field) => error(ctx, Code::BadUserInput, message, Some(&field.field)),
            RegistryError::NotFound { .. } => error(ctx, Code::NotFound, message, None),
            RegistryError::Duplicate { key, .. } => error(ctx, Code::Conflict, message, Some(key.field())),
            RegistryError::StaleVersion { current, .. } => error(ctx, Code::Conflict, message, Some("expectedVersion"))
                .extend_with(|_, e| e.set("currentVersion", current)),
            RegistryError::Rule(TieRuleViolation::DuplicateActiveTie)
            | RegistryError::Liquidated
            | RegistryError::Anonymised => error(ctx, Code::Conflict, message, None),
            RegistryError::Rule(_) | RegistryError::EndBeforeStart => error(ctx, Code::BadUserInput, message, None),
            RegistryError::ForbiddenFilter { field } => {
                let field = format!("filter.{field}");
                error(ctx, Code::Forbidden, message, Some(&field))
            }
        }
    }
}

impl IntoGql for AccessError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let message = self.message(lang(ctx));
        match self {
            AccessError::Gate(gate) => gate.gql(ctx),
            AccessError::Store(store) => store.gql(ctx),
            AccessError::BadCredentials | AccessError::InvalidSession => {
                error(ctx, Code::Unauthenticated, message, None)
            }
            AccessError::BadLogin | AccessError::ReservedLogin => {
                error(ctx, Code::BadUserInput, message, Some("login"))
            }
            AccessError::WrongPassword => error(ctx, Code::BadUserInput, message, Some("current")),
            AccessError::WeakPassword => error(ctx, Code::BadUserInput, message, Some("password")),
            AccessError::LoginTaken => error(ctx, Code::Conflict, message, Some("login")),
            AccessError::UnknownAccount => error(ctx, Code::NotFound, message, None),
            AccessError::TooManyAttempts { retry_after } => {
                error(ctx, Code::TooManyRequests, message, None).extend_with(|_, e| e.set("retryAfter", retry_after))
            }
            AccessError::OwnAccount => error(ctx, Code::BadUserInput, message, Some("login")),
            AccessError::Binding(_) => error(ctx, Code::BadUserInput, message, Some("assignment")),
            AccessError::UnknownRecord { field, .. } => {
                error(ctx, Code::BadUserInput, message, Some(&format!("assignment.{field}")))
            }
            AccessError::ClosedRecord { field, .. } => {
                error(ctx, Code::Conflict, message, Some(&format!("assignment.{field}")))
            }
        }
    }
}

impl IntoGql for PrivacyError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let message = self.message(lang(ctx));
        match self {
            PrivacyError::Gate(gate) => gate.gql(ctx),
            PrivacyError::Store(store) => store.gql(ctx),
            PrivacyError::Invalid { field, .. } => error(ctx, Code::BadUserInput, message, Some(field)),
            PrivacyError::Rule(
                PrivacyRuleError::OnePurposePerDocument { .. }
                | PrivacyRuleError::OneKindPerDocument { .. }
                | PrivacyRuleError::AlreadyGiven { .. },
            ) => error(ctx, Code::BadUserInput, message, Some("input.document")),
            PrivacyError::Rule(_) => error(ctx, Code::BadUserInput, message, None),
            PrivacyError::NotFound(_) => error(ctx, Code::NotFound, message, None),
            PrivacyError::Anonymised => error(ctx, Code::Conflict, message, None),
        }
    }
}

impl IntoGql for ServicesError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let message = self.message(lang(ctx));
        match self {
            ServicesError::Gate(gate) => gate.gql(ctx),
            ServicesError::Store(store) => store.gql(ctx),
            ServicesError::Invalid(invalid) => error(ctx, Code::BadUserInput, message, Some(&invalid.field)),
            ServicesError::Flow(FlowError::ExtensionLength) => {
                error(ctx, Code::BadUserInput, message, Some("step.extend.days"))
            }
            ServicesError::Flow(_)
            | ServicesError::ReferralStep { .. }
            | ServicesError::ReferralClosed(_)
            | ServicesError::NotOffered
            | ServicesError::AlreadyReferred => error(ctx, Code::Conflict, message, None),
            ServicesError::NoConsent => error(ctx, Code::Conflict, message, Some("input.personId")),
            ServicesError::NotFound(_) => error(ctx, Code::NotFound, message, None),
            ServicesError::TooManyAppeals { retry_after } => {
                error(ctx, Code::TooManyRequests, message, None).extend_with(|_, e| e.set("retryAfter", retry_after))
            }
            ServicesError::Conflict(ServicesConflict::StaleVersion) => {
                error(ctx, Code::Conflict, message, Some("expectedVersion"))
            }
            ServicesError::Conflict(ServicesConflict::DuplicateCode(_)) => {
                error(ctx, Code::Conflict, message, Some("input.code"))
            }
            ServicesError::Conflict(ServicesConflict::MissingReference) => {
                error(ctx, Code::BadUserInput, message, None)
            }
            ServicesError::Conflict(ServicesConflict::DuplicateSubmission) => error(ctx, Code::Conflict, message, None),
        }
    }
}

impl IntoGql for audit::GateError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        match self {
            audit::GateError::Denied(_) => denied(ctx),
            audit::GateError::Audit(store) => store.gql(ctx),
        }
    }
}

/// A refusal by the policy: `FORBIDDEN`, or `UNAUTHENTICATED` for a caller without a session
/// (logging in may help them; nothing else would).
fn denied(ctx: &Context<'_>) -> Error {
    let anonymous = ctx.data_opt::<Caller>().is_none_or(|c| c.account.is_none());
    if anonymous {
        return unauthenticated(ctx);
    }
    // Every domain words a refusal the same way.
    error(ctx, Code::Forbidden, kernel::DENIED.in_lang(lang(ctx)), None)
}

/// An id argument that is not an id, naming the argument.
pub fn bad_id(ctx: &Context<'_>, field: &str) -> Error {
    RegistryError::Invalid(InvalidField::new(field, Problem::IdShape)).gql(ctx)
}

/// A batched load's failure, shared by every key of the failed batch (so cheap to clone): a
/// refusal by the policy, or a failure already logged where it happened (storage logs its own,
/// inside the request's span) and answered without its detail.
#[derive(Clone, Copy, Debug)]
pub enum LoadError {
    /// The policy refused the read.
    Denied,
    /// The storage is unavailable: retrying may help.
    Unavailable,
    /// Anything else: a fault the caller cannot fix.
    Internal,
}

impl LoadError {
    fn of_gate(gate: &audit::GateError) -> Self {
        match gate {
            audit::GateError::Denied(_) => LoadError::Denied,
            audit::GateError::Audit(store) => Self::of_store(store),
        }
    }

    fn of_store<C: std::fmt::Debug + std::fmt::Display>(store: &StoreError<C>) -> Self {
        if matches!(store, StoreError::Unavailable(_)) { LoadError::Unavailable } else { LoadError::Internal }
    }

    /// A use case's refusal a batched read should never meet (a bad input, a rule): logged here,
    /// since no store logged it.
    fn unexpected(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "a batched load was refused");
        LoadError::Internal
    }
}

impl From<RegistryError> for LoadError {
    fn from(error: RegistryError) -> Self {
        match &error {
            RegistryError::Gate(gate) => Self::of_gate(gate),
            RegistryError::Store(store) => Self::of_store(store),
            other => Self::unexpected(other),
        }
    }
}

impl From<PrivacyError> for LoadError {
    fn from(error: PrivacyError) -> Self {
        match &error {
            PrivacyError::Gate(gate) => Self::of_gate(gate),
            PrivacyError::Store(store) => Self::of_store(store),
            other => Self::unexpected(other),
        }
    }
}

impl From<ServicesError> for LoadError {
    fn from(error: ServicesError) -> Self {
        match &error {
            ServicesError::Gate(gate) => Self::of_gate(gate),
            ServicesError::Store(store) => Self::of_store(store),
            other => Self::unexpected(other),
        }
    }
}

impl From<system::DirectoryError> for LoadError {
    fn from(error: system::DirectoryError) -> Self {
        match error {
            system::DirectoryError::Registry(error) => error.into(),
            system::DirectoryError::Privacy(error) => error.into(),
        }
    }
}

impl IntoGql for LoadError {
    fn gql(self, ctx: &Context<'_>) -> Error {
        let phrase = match self {
            LoadError::Denied => return denied(ctx),
            LoadError::Unavailable => (Code::Unavailable, kernel::STORAGE_UNAVAILABLE),
            LoadError::Internal => (Code::Internal, kernel::INTERNAL),
        };
        error(ctx, phrase.0, phrase.1.in_lang(lang(ctx)), None)
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
