//! Refusals before any account is known (logins over their limit, staff calls with no or a
//! forged token) are recorded without letting an anonymous flood grow the log without bound: the
//! first refusal of each kind from each origin in a minute gets its own row at once, the rest of
//! that minute are counted and written as one summary row when the minute is over.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// Distinct (kind, origin) pairs tracked per minute; beyond it, further origins share one
/// counter under [`OVERFLOW`], so memory and rows stay bounded whatever the flood.
pub const MAX_TRACKED: usize = 1_000;
/// The origin a flood from too many addresses is counted under.
pub const OVERFLOW: &str = "*";

/// A row to write: the refusal's kind (the audit action), its origin, when, and how many
/// refusals it stands for (1 for the first of a minute; the rest for a summary).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusalRow {
    /// The audit action, e.g. `session.unauthenticated`.
    pub kind: String,
    /// The peer address (or [`OVERFLOW`]).
    pub origin: String,
    /// The refusal's time (the first's), or the minute's start for a summary.
    pub at: DateTime<Utc>,
    /// How many refusals the row stands for.
    pub count: u64,
    /// Whether it is a summary of the rest of a minute.
    pub summary: bool,
}

/// Counts refusals per (kind, origin) and minute.
#[derive(Debug, Default)]
pub struct RefusalTally {
    minute: Option<DateTime<Utc>>,
    counts: HashMap<(String, String), u64>,
}

fn minute_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::minutes(1)).unwrap_or(at)
}

impl RefusalTally {
    /// Notes one refusal; returns the rows to write now (the summaries of a minute that ended,
    /// then this refusal's own row if it is the first of its kind and origin this minute).
    pub fn note(&mut self, kind: &str, origin: &str, at: DateTime<Utc>) -> Vec<RefusalRow> {
        let mut rows = self.flush(at);
        self.minute = Some(minute_of(at));
        let mut key = (kind.to_owned(), origin.to_owned());
        if self.counts.len() >= MAX_TRACKED && !self.counts.contains_key(&key) {
            key.1 = OVERFLOW.to_owned();
        }
        match self.counts.entry(key) {
            Entry::Occupied(mut seen) => *seen.get_mut() += 1,
            Entry::Vacant(first) => {
                let (kind, origin) = first.key().clone();
                first.insert(0);
                rows.push(RefusalRow { kind, origin, at, count: 1, summary: false });
            }
        }
        rows
    }

    /// The summaries of the minute that ended before `now` (nothing while it lasts).
    pub fn flush(&mut self, now: DateTime<Utc>) -> Vec<RefusalRow> {
        let Some(minute) = self.minute.filter(|m| *m < minute_of(now)) else {
            return Vec::new();
        };
        self.minute = None;
        let mut rows: Vec<RefusalRow> = self
            .counts
            .drain()
            .filter(|(_, count)| *count > 0)
            .map(|((kind, origin), count)| RefusalRow { kind, origin, at: minute, count, summary: true })
            .collect();
        rows.sort_by(|a, b| (&a.kind, &a.origin).cmp(&(&b.kind, &b.origin)));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_020 + seconds, 0).expect("valid")
    }

    #[test]
    fn a_flood_in_one_minute_is_one_row_now_and_one_summary_after() {
        let mut tally = RefusalTally::default();
        let first = tally.note("session.unauthenticated", "10.0.0.1", at(0));
        assert_eq!(first.len(), 1);
        for n in 1..500 {
            assert!(tally.note("session.unauthenticated", "10.0.0.1", at(n % 30)).is_empty());
        }
        assert!(tally.flush(at(35)).is_empty(), "the minute is not over");
        let summary = tally.flush(at(61));
        assert_eq!(summary.len(), 1);
        assert_eq!((summary[0].count, summary[0].summary), (499, true));
    }

    proptest! {
        #[test]
        fn every_refusal_is_counted_once_and_rows_stay_bounded(
            events in proptest::collection::vec((0u8..3, 0u16..1_500, 0i64..5), 1..3_000),
        ) {
            let mut tally = RefusalTally::default();
            let mut rows = Vec::new();
            let mut now = 0;
            for (kind, origin, gap) in &events {
                now += gap;
                rows.extend(tally.note(&format!("kind{kind}"), &format!("10.0.{}.{}", origin / 256, origin % 256), at(now)));
            }
            rows.extend(tally.flush(at(now + 120)));
            let counted: u64 = rows.iter().map(|r| r.count).sum();
            prop_assert_eq!(counted, events.len() as u64, "every refusal is in exactly one row");
            let minutes = (now / 60 + 2) as usize;
            prop_assert!(rows.len() <= 2 * (MAX_TRACKED + 3) * minutes, "{} rows", rows.len());
            let mut per_minute: HashMap<(i64, String, String, bool), usize> = HashMap::new();
            for row in &rows {
                *per_minute.entry((row.at.timestamp() / 60, row.kind.clone(), row.origin.clone(), row.summary)).or_default() += 1;
            }
            prop_assert!(per_minute.values().all(|n| *n == 1), "one first row and one summary per kind, origin and minute");
        }
    }
}
