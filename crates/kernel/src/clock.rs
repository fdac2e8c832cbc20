//! The clock port: use cases ask it for "now" so that tests can fix time.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Moscow time, UTC+3 all year since 2014: the time zone in which the centre's dates are decided.
const MOSCOW_OFFSET_SECONDS: i32 = 3 * 3600;

/// Tells the current time. Dates ("today") are taken in Moscow time.
pub trait Clock: Send + Sync {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Moscow, where the centre works.
    fn today(&self) -> NaiveDate {
        let moscow = FixedOffset::east_opt(MOSCOW_OFFSET_SECONDS).expect("UTC+3 is a valid offset");
        self.now().with_timezone(&moscow).date_naive()
    }
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always says the same instant: for tests.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock that tests move forward by hand (session timeouts, deadlines).
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(start))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::TimeDelta) {
        *self.0.lock().expect("never poisoned") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("never poisoned")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_taken_in_moscow_time() {
        let late_evening_utc = DateTime::parse_from_rfc3339("2026-03-01T22:30:00Z").unwrap().to_utc();
        let clock = FixedClock(late_evening_utc);
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    }
}
