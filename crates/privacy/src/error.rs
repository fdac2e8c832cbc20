//! Why a privacy use case refused: a wrong input field, a 152-FZ rule, a missing record, the
//! gate, or the store.

use audit::GateError;
use kernel::{Lang, Localized, StoreError};

use crate::rules::{self, PrivacyRuleError};

/// Why a privacy use case refused.
#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// A field is wrong.
    #[error("{field}: {problem}")]
    Invalid {
        /// The input field.
        field: &'static str,
        /// What is wrong.
        problem: InputProblem,
    },
    /// A rule refuses it.
    #[error(transparent)]
    Rule(#[from] PrivacyRuleError),
    /// No such record.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The person's record was anonymised: no new consent can name them.
    #[error("the person's record is anonymised: add them as a new person and record the consent there")]
    Anonymised,
    /// The policy refuses it (the refusal is in the audit log), or the audit log could not
    /// record it.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What is wrong with an input field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputProblem {
    /// Not a code of 2 to 64 characters a-z, 0-9, `_`.
    CodeShape,
    /// Empty or longer than the limit.
    Length {
        /// The most characters allowed.
        max: usize,
    },
    /// No category given.
    NoCategory,
    /// A category a distribution consent cannot grant (the public directory shows only these).
    NotPublishable {
        /// The category given.
        category: String,
    },
    /// A control or invisible formatting character (see `kernel::text`).
    ForbiddenCharacter {
        /// The character, as `U+XXXX`.
        code_point: String,
    },
    /// A date after today.
    InTheFuture,
    /// A date before 2000 (before 152-FZ and the production calendar).
    TooEarly,
    /// More values than a list may hold.
    TooMany {
        /// The limit.
        max: usize,
    },
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl Localized for InputProblem {
    fn message(&self, lang: Lang) -> String {
        let ru = lang != Lang::En;
        match self {
            InputProblem::CodeShape if ru => "код: от 2 до 64 символов a-z, 0-9, _".into(),
            InputProblem::CodeShape => "2-64 characters a-z, 0-9, _".into(),
            InputProblem::Length { max } if ru => format!("от 1 до {max} символов"),
            InputProblem::Length { max } => format!("1-{max} characters"),
            InputProblem::NoCategory if ru => "нужна хотя бы одна категория".into(),
            InputProblem::NoCategory => "at least one category".into(),
            InputProblem::NotPublishable { category } if ru => format!(
                "«{category}»: согласие на распространение может разрешать только {}",
                rules::PUBLISHABLE_CATEGORIES.join(", ")
            ),
            InputProblem::NotPublishable { category } => format!(
                "`{category}`: a distribution consent can grant only {}",
                rules::PUBLISHABLE_CATEGORIES.join(", ")
            ),
            InputProblem::ForbiddenCharacter { code_point } if ru => {
                format!("недопустимый символ {code_point} (управляющий или невидимый)")
            }
            InputProblem::ForbiddenCharacter { code_point } => {
                format!("the character {code_point} is not allowed (a control or invisible character)")
            }
            InputProblem::InTheFuture if ru => "дата в будущем".into(),
            InputProblem::InTheFuture => "in the future".into(),
            InputProblem::TooEarly if ru => "дата раньше 2000 года: проверьте год".into(),
            InputProblem::TooEarly => "a date before 2000: check the year".into(),
            InputProblem::TooMany { max } if ru => format!("не больше {max} значений"),
            InputProblem::TooMany { max } => format!("at most {max} values"),
        }
    }
}

impl From<StoreError<PrivacyRuleError>> for PrivacyError {
    /// A rule the store checked inside its transaction is the rule's refusal.
    fn from(error: StoreError<PrivacyRuleError>) -> Self {
        match error {
            StoreError::Conflict(rule) => PrivacyError::Rule(rule),
            StoreError::Corrupt(what) => PrivacyError::Store(StoreError::Corrupt(what)),
            StoreError::Unavailable(source) => PrivacyError::Store(StoreError::Unavailable(source)),
        }
    }
}

impl Localized for PrivacyError {
    fn message(&self, lang: Lang) -> String {
        match self {
            PrivacyError::Gate(gate) => gate.message(lang),
            PrivacyError::Store(store) => store.message(lang),
            _ if lang == Lang::En => self.to_string(),
            PrivacyError::Invalid { field, problem } => format!("{field}: {}", problem.message(lang)),
            PrivacyError::Rule(PrivacyRuleError::OnePurposePerDocument { document, other }) => format!(
                "документ «{document}» уже содержит согласие на цель «{other}»: одно согласие — одна цель (152-ФЗ, ст. 9)"
            ),
            PrivacyError::Rule(PrivacyRuleError::OneKindPerDocument { document, other }) => format!(
                "документ «{document}» уже содержит согласие другого вида ({other}): согласие на распространение \
                 оформляется отдельным документом (152-ФЗ, ст. 10.1)"
            ),
            PrivacyError::Rule(PrivacyRuleError::AlreadyGiven { kind, purpose, document }) => format!(
                "у этого человека уже есть действующее согласие ({kind}) на цель «{purpose}» по документу «{document}»"
            ),
            PrivacyError::Anonymised => {
                "данные человека обезличены: добавьте его как нового человека и оформите согласие там".into()
            }
            PrivacyError::Rule(PrivacyRuleError::AlreadyWithdrawn) => "согласие уже отозвано".into(),
            PrivacyError::Rule(PrivacyRuleError::AlreadyExtended) => "срок ответа уже продлевался".into(),
            PrivacyError::Rule(PrivacyRuleError::ReasonRequired) => "для продления срока укажите причину".into(),
            PrivacyError::Rule(PrivacyRuleError::ExtensionTooLate { due_on }) => format!(
                "ответить нужно было до {}: продлить срок после этого дня нельзя (продление — уведомление до срока)",
                due_on.format("%d.%m.%Y")
            ),
            PrivacyError::Rule(PrivacyRuleError::AlreadyAnswered) => "на запрос уже дан ответ".into(),
            PrivacyError::Rule(PrivacyRuleError::AnswerOutOfRange) => {
                "дата ответа — не раньше дня получения запроса и не позже сегодняшнего дня".into()
            }
            PrivacyError::Rule(PrivacyRuleError::Calendar(e)) => e.to_string(),
            PrivacyError::NotFound(what) => format!("запись не найдена ({what})"),
        }
    }
}
