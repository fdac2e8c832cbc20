//! The Russian production calendar and working-day arithmetic for every legal deadline.
//!
//! Federal data come from `holidays-ru` (official decrees through [`LAST_OFFICIAL_YEAR`]); years
//! the decree has not fixed yet are predicted by the Labour Code's rules and flagged, so a deadline
//! that depends on a prediction says so. Kaluga region has no regional non-working days.
//!
//! A deadline of "n working days from receipt" counts from the day after receipt (Civil Code
//! art. 191): [`add_working_days`] with `n = 10` on a Friday request is the tenth working day after it.

use chrono::{Datelike, Days, NaiveDate};
use holidays_ru::{DayFlags, Federal, Resolved};

/// The last year whose calendar is fixed by a published Government decree in the data.
pub const LAST_OFFICIAL_YEAR: i32 = holidays_ru::LAST_FACT_YEAR;

/// What kind of day a date is in the production calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDay {
    /// A working day (including a Saturday or Sunday made working by a transfer).
    pub working: bool,
    /// A working day shortened by one hour because a holiday follows it (Labour Code art. 95).
    pub short: bool,
    /// One of the non-working holidays of Labour Code art. 112.
    pub holiday: bool,
    /// The day's status is predicted by the Labour Code's rules, not fixed by a decree.
    pub predicted: bool,
}

/// A date reached by working-day arithmetic, flagged when a predicted year was consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingDate {
    pub date: NaiveDate,
    /// At least one day on the way lies in a year without an official calendar yet.
    pub predicted: bool,
}

/// A year's totals, as published with the production calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearSummary {
    pub working_days: u32,
    pub non_working_days: u32,
    pub short_days: u32,
    /// The working-time norm of a 40-hour week: 8 hours per working day less one per short day.
    pub norm_hours_40: u32,
    pub predicted: bool,
}

/// A date outside the calendar's range (1900–2100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "дата {0} вне производственного календаря (1900–2100) / date {0} is outside the production calendar (1900–2100)"
)]
pub struct OutOfCalendar(pub NaiveDate);

/// The calendar's verdict on one date.
pub fn day(date: NaiveDate) -> Result<CalendarDay, OutOfCalendar> {
    let month = u8::try_from(date.month()).expect("a month fits in u8");
    let day_of_month = u8::try_from(date.day()).expect("a day fits in u8");
    let resolved = holidays_ru::flags_ymd::<Federal>(date.year(), month, day_of_month).ok_or(OutOfCalendar(date))?;
    let predicted = matches!(resolved, Resolved::Predict(_));
    let flags: DayFlags = resolved.value();
    Ok(CalendarDay {
        working: flags.is_working_day(),
        short: flags.is_short_day(),
        holiday: flags.is_holiday(),
        predicted,
    })
}

/// The `n`-th working day after `start` (`start` itself is not counted); `start` when `n` is 0.
pub fn add_working_days(start: NaiveDate, n: u32) -> Result<WorkingDate, OutOfCalendar> {
    let mut reached = WorkingDate { date: start, predicted: false };
    let mut left = n;
    while left > 0 {
        reached.date = reached.date.checked_add_days(Days::new(1)).ok_or(OutOfCalendar(reached.date))?;
        let today = day(reached.date)?;
        reached.predicted |= today.predicted;
        if today.working {
            left -= 1;
        }
    }
    Ok(reached)
}

/// Working days in the half-open range `from..to` (zero when `to` is not after `from`).
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> Result<u32, OutOfCalendar> {
    let mut count = 0;
    for date in from.iter_days().take_while(|d| *d < to) {
        count += u32::from(day(date)?.working);
    }
    Ok(count)
}

/// The totals of one calendar year.
pub fn year_summary(year: i32) -> Result<YearSummary, OutOfCalendar> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(OutOfCalendar(NaiveDate::MIN))?;
    let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or(OutOfCalendar(first))?;
    let mut summary =
        YearSummary { working_days: 0, non_working_days: 0, short_days: 0, norm_hours_40: 0, predicted: false };
    for date in first.iter_days().take_while(|d| *d < next) {
        let today = day(date)?;
        summary.predicted |= today.predicted;
        if today.working {
            summary.working_days += 1;
            summary.short_days += u32::from(today.short);
        } else {
            summary.non_working_days += 1;
        }
    }
    summary.norm_hours_40 = 8 * summary.working_days - summary.short_days;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid test date")
    }

    fn days_off(year: i32) -> Vec<NaiveDate> {
        let first = date(year, 1, 1);
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| !day(*d).expect("in range").working)
            .filter(|d| d.weekday().number_from_monday() < 6)
            .collect()
    }

    fn working_weekends(year: i32) -> Vec<NaiveDate> {
        date(year, 1, 1)
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| day(*d).expect("in range").working && d.weekday().number_from_monday() >= 6)
            .collect()
    }

    fn short_days(year: i32) -> Vec<NaiveDate> {
        date(year, 1, 1)
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| day(*d).expect("in range").short)
            .collect()
    }

    #[test]
    fn the_2025_calendar_matches_decree_1335() {
        let weekday_days_off = [
            date(2025, 1, 1),
            date(2025, 1, 2),
            date(2025, 1, 3),
            date(2025, 1, 6),
            date(2025, 1, 7),
            date(2025, 1, 8),
            date(2025, 5, 1),
            date(2025, 5, 2),
            date(2025, 5, 8),
            date(2025, 5, 9),
            date(2025, 6, 12),
            date(2025, 6, 13),
            date(2025, 11, 3),
            date(2025, 11, 4),
            date(2025, 12, 31),
        ];
        assert_eq!(days_off(2025), weekday_days_off);
        assert_eq!(working_weekends(2025), [date(2025, 11, 1)]);
        assert_eq!(short_days(2025), [date(2025, 3, 7), date(2025, 4, 30), date(2025, 6, 11), date(2025, 11, 1)]);
        let summary = year_summary(2025).expect("in range");
        assert_eq!((summary.working_days, summary.non_working_days, summary.norm_hours_40), (247, 118, 1972));
        assert!(!summary.predicted);
    }

    #[test]
    fn the_2026_calendar_matches_decree_1466() {
        let weekday_days_off = [
            date(2026, 1, 1),
            date(2026, 1, 2),
            date(2026, 1, 5),
            date(2026, 1, 6),
            date(2026, 1, 7),
            date(2026, 1, 8),
            date(2026, 1, 9),
            date(2026, 2, 23),
            date(2026, 3, 9),
            date(2026, 5, 1),
            date(2026, 5, 11),
            date(2026, 6, 12),
            date(2026, 11, 4),
            date(2026, 12, 31),
        ];
        assert_eq!(days_off(2026), weekday_days_off);
        assert_eq!(working_weekends(2026), Vec::<NaiveDate>::new());
        assert_eq!(short_days(2026), [date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11), date(2026, 11, 3)]);
        let summary = year_summary(2026).expect("in range");
        assert_eq!((summary.working_days, summary.non_working_days, summary.norm_hours_40), (247, 118, 1972));
        assert!(!summary.predicted);
    }

    #[test]
    fn a_request_received_before_the_new_year_holidays_is_due_after_them() {
        // Received Monday 29 December 2025: 30 Dec is the first working day, 31 Dec–11 Jan are
        // off, 12–22 Jan are the other nine.
        let due = add_working_days(date(2025, 12, 29), 10).expect("in range");
        assert_eq!(due, WorkingDate { date: date(2026, 1, 22), predicted: false });
        let extended = add_working_days(due.date, 5).expect("in range");
        assert_eq!(extended.date, date(2026, 1, 29));
    }

    #[test]
    fn deadlines_in_years_without_a_decree_are_flagged_as_predicted() {
        let due = add_working_days(date(LAST_OFFICIAL_YEAR, 12, 20), 10).expect("in range");
        assert!(due.predicted);
        assert!(!add_working_days(date(2026, 3, 2), 10).expect("in range").predicted);
    }

    #[test]
    fn dates_outside_the_calendar_are_refused() {
        assert_eq!(day(date(2101, 1, 1)), Err(OutOfCalendar(date(2101, 1, 1))));
        assert!(add_working_days(date(2100, 12, 30), 5).is_err());
    }

    #[test]
    fn every_official_short_day_comes_just_before_days_off_that_include_a_holiday() {
        // From 2013 on; earlier decrees also shortened some working Saturdays with no holiday
        // next (27 February 2010, 12 May 2012).
        let first = date(2013, 1, 1);
        let short: Vec<NaiveDate> = first
            .iter_days()
            .take_while(|d| d.year() <= LAST_OFFICIAL_YEAR)
            .filter(|d| day(*d).unwrap().short)
            .collect();
        assert!(short.len() > 50, "the official years have short days");
        for start in short {
            let run: Vec<CalendarDay> =
                start.iter_days().skip(1).map(|d| day(d).unwrap()).take_while(|d| !d.working).collect();
            assert!(run.iter().any(|d| d.holiday), "no holiday after the short day {start}");
        }
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0u32..(366 * 12)).prop_map(|offset| date(2020, 1, 1) + Days::new(u64::from(offset)))
    }

    proptest! {
        #[test]
        fn adding_working_days_lands_on_a_working_day(start in any_date(), n in 1u32..60) {
            let due = add_working_days(start, n).unwrap();
            prop_assert!(day(due.date).unwrap().working);
            prop_assert!(due.date > start);
            prop_assert_eq!(working_days_between(start + Days::new(1), due.date + Days::new(1)).unwrap(), n);
        }

        #[test]
        fn adding_working_days_is_monotonic(start in any_date(), n in 0u32..60, later in 0u32..30, more in 0u32..30) {
            let due = add_working_days(start, n).unwrap().date;
            prop_assert!(add_working_days(start, n + more).unwrap().date >= due);
            let later_start = start + Days::new(u64::from(later));
            prop_assert!(add_working_days(later_start, n).unwrap().date >= due);
        }

        #[test]
        fn every_year_splits_into_working_and_non_working_days(year in 1980i32..2060) {
            let summary = year_summary(year).unwrap();
            let length = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() { 366 } else { 365 };
            prop_assert_eq!(summary.working_days + summary.non_working_days, length);
            prop_assert_eq!(summary.norm_hours_40, 8 * summary.working_days - summary.short_days);
            prop_assert_eq!(summary.predicted, !(holidays_ru::FIRST_FACT_YEAR..=LAST_OFFICIAL_YEAR).contains(&year));
        }

        #[test]
        fn holidays_are_never_working_days(start in any_date()) {
            let today = day(start).unwrap();
            prop_assert!(!(today.holiday && today.working));
            prop_assert!(!today.short || today.working);
        }

    }
}
