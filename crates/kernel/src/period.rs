//! A period of dates, closed at the start and open-ended or closed at the end.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A span of dates: from `from` (inclusive) to `to` (inclusive), or open when `to` is `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// Why a period cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the period ends ({to}) before it starts ({from})")]
pub struct PeriodError {
    /// The start that was given.
    pub from: NaiveDate,
    /// The end that was given.
    pub to: NaiveDate,
}

impl Period {
    /// A period from `from` to `to`; the end may not come before the start.
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Self, PeriodError> {
        match to {
            Some(to) if to < from => Err(PeriodError { from, to }),
            _ => Ok(Self { from, to }),
        }
    }

    /// An open period starting on `from`.
    pub fn open(from: NaiveDate) -> Self {
        Self { from, to: None }
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day, if the period has ended.
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    /// Whether `day` falls inside the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }

    /// Whether the two periods share at least one day.
    pub fn overlaps(&self, other: &Period) -> bool {
        let starts_before_other_ends = other.to.is_none_or(|to| self.from <= to);
        let other_starts_before_self_ends = self.to.is_none_or(|to| other.from <= to);
        starts_before_other_ends && other_starts_before_self_ends
    }

    /// The same period closed on `to`; the end may not come before the start.
    pub fn ended_on(&self, to: NaiveDate) -> Result<Self, PeriodError> {
        Self::new(self.from, Some(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: u16) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(u64::from(n))
    }

    fn period() -> impl Strategy<Value = Period> {
        (0u16..400, proptest::option::of(0u16..200))
            .prop_map(|(start, len)| Period::new(day(start), len.map(|l| day(start + l))).unwrap())
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused() {
        assert_eq!(Period::new(day(5), Some(day(4))), Err(PeriodError { from: day(5), to: day(4) }));
    }

    proptest! {
        #[test]
        fn overlap_is_symmetric_and_means_a_shared_day(a in period(), b in period()) {
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
            let shared = (0u16..700).map(day).any(|d| a.contains(d) && b.contains(d));
            prop_assert_eq!(a.overlaps(&b), shared);
        }
    }
}
