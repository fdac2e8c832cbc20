//! A request's state machine: which step may follow which state, and what each step does to
//! the request's deadlines. Every step not in [`target`]'s table is refused with
//! [`FlowError::NotAllowed`], so no sequence of steps reaches a state by an illegal change.

use chrono::NaiveDate;
use kernel::workdays::OutOfCalendar;

use crate::model::request::{Extension, RejectionReason, Request, RequestState};
use crate::rules::deadlines::{self, DayCount, MAX_EXTENSION_DAYS};

/// One thing staff do to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Register it: the answer term starts.
    Register,
    /// Give it to a member of staff (or to another one).
    Assign {
        /// Their login.
        to: String,
    },
    /// The assignee starts work.
    Start,
    /// Extend the answer term once.
    Extend {
        /// Calendar days, 1 to 30.
        days: u16,
        /// Why.
        reason: String,
        /// How the applicant was told.
        notice: String,
    },
    /// Answer on the merits.
    Answer {
        /// The answer as sent.
        text: String,
    },
    /// Send it on to the competent body or organisation.
    Redirect {
        /// Where.
        to: String,
    },
    /// Leave it without an answer on the merits.
    Reject {
        /// Why (59-FZ art. 11, or withdrawn).
        reason: RejectionReason,
    },
    /// Close it after its answer, redirection or rejection.
    Close,
    /// Open it again (new arguments, a mistake): a fresh answer term from today, never before
    /// the day already promised; the extension stays used.
    Reopen,
}

impl Step {
    /// The stable code of the step, as the history and the audit log name it.
    pub fn code(&self) -> &'static str {
        match self {
            Step::Register => "register",
            Step::Assign { .. } => "assign",
            Step::Start => "start",
            Step::Extend { .. } => "extend",
            Step::Answer { .. } => "answer",
            Step::Redirect { .. } => "redirect",
            Step::Reject { .. } => "reject",
            Step::Close => "close",
            Step::Reopen => "reopen",
        }
    }
}

/// Why a step is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// The step cannot follow the request's state.
    #[error("a request that is {} cannot be {}", .from.code().replace('_', " "), participle(.step))]
    NotAllowed {
        /// The state now.
        from: RequestState,
        /// The step's code.
        step: &'static str,
    },
    /// The answer term was extended already (59-FZ allows one extension).
    #[error("the answer term was extended already")]
    AlreadyExtended,
    /// More than 30 days, or none.
    #[error("an extension is 1 to {MAX_EXTENSION_DAYS} days")]
    ExtensionLength,
    /// The deadline has passed: an extension is decided (and the applicant told) before it.
    #[error("the answer was due on {due}: a term cannot be extended after it")]
    ExtensionTooLate {
        /// The deadline that passed.
        due: NaiveDate,
    },
    /// No answer is owed (an anonymous appeal), so there is no term to extend.
    #[error("no answer is owed on this request, so there is no term to extend")]
    NoTerm,
    /// 59-FZ art. 11 p. 1: without a name and an address no answer is given.
    #[error("the applicant left no name or address: no answer can be given (reject it as anonymous, or redirect it)")]
    CannotBeAnswered,
    /// "Anonymous" is the reason only for an appeal without a name or an address.
    #[error("the applicant left a name and an address: the request is not anonymous")]
    NotAnonymous,
    /// A date outside the production calendar.
    #[error(transparent)]
    Calendar(#[from] OutOfCalendar),
}

/// A step's past participle, as an English message needs it (`close` -> `closed`).
pub fn participle(step: &str) -> String {
    match step {
        "refer" => "referred".to_owned(),
        "reopen" => "reopened".to_owned(),
        s if s.ends_with('e') => format!("{s}d"),
        s => format!("{s}ed"),
    }
}

/// The state a step leads to from `from`, or `None` when the step may not follow it.
pub fn target(from: RequestState, step: &Step, has_assignee: bool) -> Option<RequestState> {
    use RequestState::*;
    let working = matches!(from, Registered | Assigned | InProgress);
    match step {
        Step::Register => (from == Received).then_some(Registered),
        Step::Assign { .. } => working.then_some(Assigned),
        Step::Start => (from == Assigned).then_some(InProgress),
        Step::Extend { .. } => working.then_some(from),
        Step::Answer { .. } => working.then_some(Answered),
        Step::Redirect { .. } => working.then_some(Redirected),
        Step::Reject { .. } => from.is_open().then_some(Rejected),
        Step::Close => matches!(from, Answered | Redirected | Rejected).then_some(Closed),
        Step::Reopen => matches!(from, Answered | Redirected | Rejected | Closed).then_some(if has_assignee {
            Assigned
        } else {
            Registered
        }),
    }
}

/// `request` after `step` taken on `today`, with its version one higher; the request itself is
/// not touched, so a refused step changes nothing.
pub fn apply(request: &Request, step: &Step, today: NaiveDate) -> Result<Request, FlowError> {
    let to = target(request.state, step, request.assignee.is_some())
        .ok_or(FlowError::NotAllowed { from: request.state, step: step.code() })?;
    let mut next = request.clone();
    next.state = to;
    next.version += 1;
    match step {
        Step::Register => {
            next.registered_on = Some(today);
            start_answer_term(&mut next, today)?;
        }
        Step::Assign { to } => next.assignee = Some(to.clone()),
        Step::Start => {}
        Step::Extend { days, reason, notice } => {
            if !(1..=MAX_EXTENSION_DAYS).contains(days) {
                return Err(FlowError::ExtensionLength);
            }
            if request.extension.is_some() {
                return Err(FlowError::AlreadyExtended);
            }
            let due = request.answer_due.ok_or(FlowError::NoTerm)?;
            if today > due {
                return Err(FlowError::ExtensionTooLate { due });
            }
            let shift = request.policy.shift_to_working_day || request.policy.counting == DayCount::Working;
            let extended = deadlines::extended_due(due, *days, shift)?;
            next.answer_due = Some(extended.on);
            next.due_predicted |= extended.predicted;
            next.extension = Some(Extension { on: today, days: *days, reason: reason.clone(), notice: notice.clone() });
        }
        Step::Answer { text } => {
            if !request.applicant.can_be_answered() {
                return Err(FlowError::CannotBeAnswered);
            }
            next.answer = Some(text.clone());
            next.resolved_on = Some(today);
        }
        Step::Redirect { to } => {
            next.redirected_to = Some(to.clone());
            next.resolved_on = Some(today);
        }
        Step::Reject { reason } => {
            if *reason == RejectionReason::Anonymous && request.applicant.can_be_answered() {
                return Err(FlowError::NotAnonymous);
            }
            next.rejection = Some(*reason);
            next.resolved_on = Some(today);
        }
        Step::Close => next.resolved_on = Some(today),
        Step::Reopen => {
            next.answer = None;
            next.redirected_to = None;
            next.rejection = None;
            next.resolved_on = None;
            if next.registered_on.is_none() {
                // A request rejected before registration is registered by reopening it.
                next.registered_on = Some(today);
            }
            let promised = request.answer_due;
            start_answer_term(&mut next, today)?;
            // A fresh term from today, never earlier than the day already promised (with its
            // extension).
            if let (Some(fresh), Some(promised)) = (next.answer_due, promised) {
                next.answer_due = Some(fresh.max(promised));
            }
        }
    }
    Ok(next)
}

/// The answer term from `from` by the request's policy; none when no answer can be given.
fn start_answer_term(request: &mut Request, from: NaiveDate) -> Result<(), FlowError> {
    request.answer_due = if request.applicant.can_be_answered() {
        let due = request.policy.answer_due(from)?;
        request.due_predicted |= due.predicted;
        Some(due.on)
    } else {
        None
    };
    Ok(())
}
