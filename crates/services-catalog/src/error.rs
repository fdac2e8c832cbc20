//! Why a services use case refused: a wrong input field, a step the state machine refuses, a
//! missing consent, a stale version, a missing record, the gate, or the store.

use audit::GateError;
use kernel::{Lang, Localized, StoreError};

use crate::model::values::Invalid;
use crate::rules::deadlines::MAX_EXTENSION_DAYS;
use crate::rules::request_flow::FlowError;

/// What the store refuses inside its transaction.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// The stored version is not the one the change was made from (someone changed it since).
    #[error("the record was changed by someone else since it was read")]
    StaleVersion,
    /// Another catalogue service has this code.
    #[error("another catalogue service has the code `{0}`")]
    DuplicateCode(String),
    /// A record this one names does not exist (an organisation, a person, a service, a request).
    #[error("a record it refers to does not exist")]
    MissingReference,
    /// This submission (an appeal form posted before) already filed a request.
    #[error("this form was already sent")]
    DuplicateSubmission,
}

/// Why a services use case refused.
#[derive(Debug, thiserror::Error)]
pub enum ServicesError {
    /// An input field is wrong; nothing was written.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The request's state machine refuses the step.
    #[error(transparent)]
    Flow(#[from] FlowError),
    /// The referral's state does not allow the step.
    #[error("a referral that is {from} cannot be {}", crate::rules::request_flow::participle(step))]
    ReferralStep {
        /// The referral's state.
        from: &'static str,
        /// The step.
        step: &'static str,
    },
    /// The person has not consented to their data going to this NGO (152-FZ art. 6, 9).
    #[error("the person has no active consent to share their data with this organisation for a referral")]
    NoConsent,
    /// The referral is answered or withdrawn: the NGO no longer sees the person's data.
    #[error("the referral is {0}: the NGO sees the person's name and contacts only while it is pending or accepted")]
    ReferralClosed(&'static str),
    /// The person already has an open referral to this service for this request.
    #[error("the person already has an open referral to this service for this request")]
    AlreadyReferred,
    /// The service is retired, or the catalogue service is not offered any more.
    #[error("the service is not offered any more")]
    NotOffered,
    /// The address sent as many appeals as the public form takes in an hour.
    #[error("too many appeals from this address: try again in {retry_after} seconds")]
    TooManyAppeals {
        /// Seconds until another is taken.
        retry_after: u64,
    },
    /// No such record (or the caller may not know it exists).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The store refused the change.
    #[error(transparent)]
    Conflict(Conflict),
    /// The policy refuses it (the refusal is in the audit log), or the audit log could not
    /// record it.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError<Conflict>> for ServicesError {
    fn from(error: StoreError<Conflict>) -> Self {
        match error {
            StoreError::Conflict(conflict) => ServicesError::Conflict(conflict),
            StoreError::Corrupt(what) => ServicesError::Store(StoreError::Corrupt(what)),
            StoreError::Unavailable(source) => ServicesError::Store(StoreError::Unavailable(source)),
        }
    }
}

impl From<StoreError> for ServicesError {
    fn from(error: StoreError) -> Self {
        ServicesError::Store(error)
    }
}

fn flow_ru(error: &FlowError) -> String {
    match error {
        FlowError::NotAllowed { from, step } => {
            format!("обращение в состоянии «{}» нельзя {}", state_ru(from.code()), step_ru(step))
        }
        FlowError::AlreadyExtended => "срок ответа уже продлевался: 59-ФЗ допускает одно продление".into(),
        FlowError::ExtensionLength => format!("продление — от 1 до {MAX_EXTENSION_DAYS} дней (59-ФЗ, ст. 12 ч. 2)"),
        FlowError::ExtensionTooLate { due } => format!(
            "ответ был нужен до {}: продлевают срок и уведомляют заявителя до его истечения",
            due.format("%d.%m.%Y")
        ),
        FlowError::NoTerm => "ответ по этому обращению не даётся, продлевать нечего".into(),
        FlowError::CannotBeAnswered => "в обращении нет фамилии или адреса: ответ не даётся (59-ФЗ, ст. 11 ч. 1); \
             оставьте его без ответа как анонимное или перенаправьте"
            .into(),
        FlowError::NotAnonymous => "заявитель указал имя и адрес: обращение не анонимное".into(),
        FlowError::Calendar(e) => e.to_string(),
    }
}

/// A state's name in Russian.
pub fn state_ru(code: &str) -> &'static str {
    match code {
        "received" => "получено",
        "registered" => "зарегистрировано",
        "assigned" => "назначено",
        "in_progress" => "в работе",
        "answered" => "дан ответ",
        "redirected" => "перенаправлено",
        "rejected" => "оставлено без ответа",
        "closed" => "закрыто",
        "pending" => "ожидает ответа",
        "accepted" => "принято",
        "declined" => "отклонено",
        "completed" => "выполнено",
        "revoked" => "отозвано",
        _ => "неизвестно",
    }
}

fn step_ru(code: &str) -> &'static str {
    match code {
        "register" => "зарегистрировать",
        "assign" => "назначить",
        "start" => "взять в работу",
        "extend" => "продлить",
        "answer" => "ответить",
        "redirect" => "перенаправить",
        "reject" => "оставить без ответа",
        "close" => "закрыть",
        "reopen" => "открыть снова",
        "accept" => "принять",
        "decline" => "отклонить",
        "complete" => "отметить выполненным",
        "revoke" => "отозвать",
        _ => "изменить",
    }
}

impl Localized for ServicesError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ServicesError::Gate(gate) => gate.message(lang),
            ServicesError::Store(store) => store.message(lang),
            ServicesError::Invalid(Invalid { field, problem }) => format!("{field}: {}", problem.message(lang)),
            _ if lang == Lang::En => self.to_string(),
            ServicesError::Flow(flow) => flow_ru(flow),
            ServicesError::ReferralStep { from, step } => {
                format!("направление в состоянии «{}» нельзя {}", state_ru(from), step_ru(step))
            }
            ServicesError::NoConsent => "нет действующего согласия человека на передачу его данных этой организации \
                 (152-ФЗ): оформите согласие на цель «referral» с этой организацией как получателем"
                .into(),
            ServicesError::ReferralClosed(state) => format!(
                "направление уже в состоянии «{}»: имя и контакты человека организация видит, только пока \
                 направление ожидает ответа или принято",
                state_ru(state)
            ),
            ServicesError::NotOffered => "услуга больше не оказывается".into(),
            ServicesError::AlreadyReferred => {
                "человек уже направлен на эту услугу по этому обращению, направление ещё открыто".into()
            }
            ServicesError::TooManyAppeals { retry_after } => {
                format!("слишком много обращений с этого адреса: попробуйте через {} мин.", retry_after.div_ceil(60))
            }
            ServicesError::NotFound(what) => format!("запись не найдена ({what})"),
            ServicesError::Conflict(Conflict::StaleVersion) => {
                "запись изменили, пока вы с ней работали: откройте её заново и повторите".into()
            }
            ServicesError::Conflict(Conflict::DuplicateCode(code)) => {
                format!("в каталоге уже есть услуга с кодом «{code}»")
            }
            ServicesError::Conflict(Conflict::MissingReference) => {
                "запись, на которую ссылается изменение, не существует".into()
            }
            ServicesError::Conflict(Conflict::DuplicateSubmission) => "эта форма уже отправлена".into(),
        }
    }
}
