//! Why an account operation was refused: the caller's mistake, the gate, or the store.

use audit::GateError;
use kernel::{Lang, Localized, StoreError};

use crate::ports::LoginTaken;
use crate::rules::credentials::MIN_PASSWORD_LENGTH;

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Unknown login or wrong password: deliberately the same answer for both.
    #[error("wrong login or password")]
    BadCredentials,
    /// The current password given to change it is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// The token is unknown, expired, or its account is disabled.
    #[error("the session is not valid; log in again")]
    InvalidSession,
    /// The login is not 3..=64 characters of a-z, 0-9, `.`, `_`, `-`.
    #[error("the login must be 3 to 64 characters: a-z, 0-9, '.', '_' or '-'")]
    BadLogin,
    /// The login starts with `anonymised-`, kept for the accounts of anonymised people.
    #[error("logins starting with `anonymised-` are kept for the accounts of anonymised people")]
    ReservedLogin,
    /// The password is too short, holds a control character, or is only spaces.
    #[error(
        "the password must have at least {MIN_PASSWORD_LENGTH} characters, no control character, and not only spaces"
    )]
    WeakPassword,
    /// The login is taken.
    #[error("an account with this login already exists")]
    LoginTaken,
    /// No account has this login.
    #[error("no account has this login")]
    UnknownAccount,
    /// Too many login attempts from this address or for this login.
    #[error("too many login attempts; try again in {retry_after} s")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The policy refuses the operation (the refusal is in the audit log), or the audit log
    /// could not record it.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// An administrator cannot disable or demote their own account (someone must stay admin).
    #[error("you cannot disable your own account or take away your own admin role")]
    OwnAccount,
    /// A role bound to an organisation or a person lacks the binding, or another role has one.
    #[error("{0}")]
    Binding(&'static str),
    /// The assignment binds the account to a record that does not exist.
    #[error("{field}: no {record} has this id")]
    UnknownRecord {
        /// The assignment's field (`organizationId`, `personId`).
        field: &'static str,
        /// The kind of record (`organization`, `person`).
        record: &'static str,
    },
    /// The assignment binds the account to a liquidated organisation or an anonymised person.
    #[error(
        "{field}: the {record} is closed (a liquidated organisation, an anonymised person) and takes no new account"
    )]
    ClosedRecord {
        /// The assignment's field (`organizationId`, `personId`).
        field: &'static str,
        /// The kind of record (`organization`, `person`).
        record: &'static str,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

/// A taken login is the caller's to fix; every other store failure is storage's.
impl From<StoreError<LoginTaken>> for AccessError {
    fn from(error: StoreError<LoginTaken>) -> Self {
        match error {
            StoreError::Conflict(LoginTaken) => AccessError::LoginTaken,
            StoreError::Corrupt(what) => AccessError::Store(StoreError::Corrupt(what)),
            StoreError::Unavailable(source) => AccessError::Store(StoreError::Unavailable(source)),
        }
    }
}

impl Localized for AccessError {
    fn message(&self, lang: Lang) -> String {
        match self {
            AccessError::Gate(gate) => gate.message(lang),
            AccessError::Store(store) => store.message(lang),
            _ if lang == Lang::En => self.to_string(),
            AccessError::BadCredentials => "неверный логин или пароль".into(),
            AccessError::InvalidSession => "сеанс недействителен; войдите снова".into(),
            AccessError::WrongPassword => "текущий пароль указан неверно".into(),
            AccessError::BadLogin => "логин: от 3 до 64 символов a-z, 0-9, «.», «_» или «-»".into(),
            AccessError::ReservedLogin => {
                "логины, начинающиеся с «anonymised-», зарезервированы за учётными записями обезличенных людей".into()
            }
            AccessError::WeakPassword => {
                format!("пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов, без управляющих символов и не из одних пробелов")
            }
            AccessError::LoginTaken => "учётная запись с таким логином уже есть".into(),
            AccessError::UnknownAccount => "учётной записи с таким логином нет".into(),
            AccessError::TooManyAttempts { retry_after } => {
                format!("слишком много попыток входа; повторите через {retry_after} с")
            }
            AccessError::OwnAccount => {
                "нельзя отключить свою учётную запись или снять с себя роль администратора".into()
            }
            AccessError::UnknownRecord { field, record: "organization" } => {
                format!("{field}: организации с таким идентификатором нет")
            }
            AccessError::UnknownRecord { field, .. } => format!("{field}: карточки человека с таким идентификатором нет"),
            AccessError::ClosedRecord { field, record: "organization" } => {
                format!("{field}: организация ликвидирована, к ней нельзя привязать учётную запись")
            }
            AccessError::ClosedRecord { field, .. } => {
                format!("{field}: данные человека обезличены, к ним нельзя привязать учётную запись")
            }
            AccessError::Binding(_) => {
                "роль «представитель НКО» требует организацию, роль «волонтёр» — карточку человека; другим ролям привязка не нужна"
                    .into()
            }
        }
    }
}
