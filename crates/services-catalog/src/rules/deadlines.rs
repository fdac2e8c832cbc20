//! The deadlines of 59-FZ on the production calendar (domain reference 4.1): a request is
//! registered within 3 days of receipt, answered within 30 days of registration (or the term of
//! its catalogue service), extended once by at most 30 days with a reason and a notice, and
//! redirected within 7 days of registration.
//!
//! 59-FZ counts calendar days; a deadline falling on a day off moves to the next working day (the
//! common reading, by analogy with Civil Code art. 193). The shift is part of each service's
//! deadline policy, so a centre that reads the law otherwise switches it off in its profile.

use chrono::{Days, NaiveDate};
use kernel::workdays::{self, OutOfCalendar};

/// Registration: within 3 days of receipt (art. 8 p. 2).
pub const REGISTER_DAYS: u16 = 3;
/// Redirection to the competent body: within 7 days of registration (art. 8 p. 3).
pub const REDIRECT_DAYS: u16 = 7;
/// The answer: within 30 days of registration (art. 12 p. 1).
pub const ANSWER_DAYS: u16 = 30;
/// The one extension: at most 30 days (art. 12 p. 2).
pub const MAX_EXTENSION_DAYS: u16 = 30;
/// The longest answer term a catalogue service may set.
pub const MAX_TERM_DAYS: u16 = 365;
/// A request is at risk when its deadline is at most this many working days away.
pub const AT_RISK_WORKING_DAYS: u32 = 3;

/// How a term's days are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DayCount {
    /// Calendar days (59-FZ).
    Calendar,
    /// Working days of the production calendar.
    Working,
}

crate::coded!(DayCount { Calendar => "calendar", Working => "working" });

/// How long the centre has to answer a request for a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeadlinePolicy {
    /// The answer term, 1 to [`MAX_TERM_DAYS`].
    pub days: u16,
    /// How the days are counted.
    pub counting: DayCount,
    /// A calendar deadline on a day off moves to the next working day.
    pub shift_to_working_day: bool,
}

impl DeadlinePolicy {
    /// 59-FZ: 30 calendar days from registration, moved off days off.
    pub const APPEAL: DeadlinePolicy =
        DeadlinePolicy { days: ANSWER_DAYS, counting: DayCount::Calendar, shift_to_working_day: true };

    /// A policy, if its term is 1 to [`MAX_TERM_DAYS`] days.
    pub fn new(days: u16, counting: DayCount, shift_to_working_day: bool) -> Option<Self> {
        (1..=MAX_TERM_DAYS).contains(&days).then_some(Self { days, counting, shift_to_working_day })
    }

    /// The day an answer is due for a request registered (or reopened) on `from`.
    pub fn answer_due(&self, from: NaiveDate) -> Result<Due, OutOfCalendar> {
        match self.counting {
            DayCount::Calendar => calendar_deadline(from, self.days, self.shift_to_working_day),
            DayCount::Working => {
                let reached = workdays::add_working_days(from, u32::from(self.days))?;
                Ok(Due { on: reached.date, predicted: reached.predicted })
            }
        }
    }
}

/// A deadline, flagged when a year without an official calendar was consulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    /// The last day.
    pub on: NaiveDate,
    /// The production calendar of a year on the way is predicted, not decreed.
    pub predicted: bool,
}

/// `from` + `days` calendar days, moved to the next working day when `shift` and it falls on a
/// day off.
pub fn calendar_deadline(from: NaiveDate, days: u16, shift: bool) -> Result<Due, OutOfCalendar> {
    let mut on = from.checked_add_days(Days::new(u64::from(days))).ok_or(OutOfCalendar(from))?;
    let mut day = workdays::day(on)?;
    let mut predicted = day.predicted;
    while shift && !day.working {
        on = on.checked_add_days(Days::new(1)).ok_or(OutOfCalendar(on))?;
        day = workdays::day(on)?;
        predicted |= day.predicted;
    }
    Ok(Due { on, predicted })
}

/// The day a request received on `received_on` must be registered by.
pub fn register_due(received_on: NaiveDate) -> Result<Due, OutOfCalendar> {
    calendar_deadline(received_on, REGISTER_DAYS, true)
}

/// The day a request registered on `registered_on` must be redirected by, if outside the
/// centre's competence.
pub fn redirect_due(registered_on: NaiveDate) -> Result<Due, OutOfCalendar> {
    calendar_deadline(registered_on, REDIRECT_DAYS, true)
}

/// The answer deadline `due` extended by `days` (1 to [`MAX_EXTENSION_DAYS`]) calendar days.
pub fn extended_due(due: NaiveDate, days: u16, shift: bool) -> Result<Due, OutOfCalendar> {
    calendar_deadline(due, days, shift)
}

/// The last day a deadline counts as "at risk" rather than comfortably ahead, seen on `today`.
pub fn at_risk_until(today: NaiveDate) -> Result<NaiveDate, OutOfCalendar> {
    Ok(workdays::add_working_days(today, AT_RISK_WORKING_DAYS)?.date)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    #[test]
    fn an_appeal_registered_on_the_first_of_december_2026_is_due_on_the_last_day_of_december() {
        // 31.12.2026 is a Thursday, declared a day off by the 2026 decree: the answer moves to
        // the first working day after the New Year holidays.
        let due = DeadlinePolicy::APPEAL.answer_due(date(2026, 12, 1)).expect("in the calendar");
        assert_eq!(due.on, date(2027, 1, 11));
    }

    #[test]
    fn a_deadline_on_a_saturday_moves_to_monday_only_when_the_policy_shifts() {
        // 05.12.2026 is a Saturday.
        assert_eq!(calendar_deadline(date(2026, 11, 5), 30, true).expect("ok").on, date(2026, 12, 7));
        assert_eq!(calendar_deadline(date(2026, 11, 5), 30, false).expect("ok").on, date(2026, 12, 5));
    }

    proptest! {
        /// Every shifted deadline is a working day, never before its start plus its days, and
        /// at most the longest run of days off (the New Year holidays) later.
        #[test]
        fn a_shifted_deadline_is_a_working_day_on_or_after_the_plain_one(
            start in 0u32..4000, days in 1u16..=365,
        ) {
            let from = date(2020, 1, 1) + chrono::Days::new(u64::from(start));
            let due = calendar_deadline(from, days, true).expect("in the calendar");
            let plain = from + chrono::Days::new(u64::from(days));
            prop_assert!(workdays::day(due.on).expect("in the calendar").working);
            prop_assert!(due.on >= plain);
            prop_assert!(due.on <= plain + chrono::Days::new(12), "{} from {}", due.on, plain);
        }
    }
}
