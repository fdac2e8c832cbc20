//! How many appeals the public form takes from one address: [`APPEALS_PER_HOUR`] in any hour.
//! An address past it is told how many seconds to wait; the limiter remembers at most
//! [`REMEMBERED_ADDRESSES`] addresses, forgetting the least recently seen first, so a flood of
//! addresses cannot grow it without bound.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

/// Appeals one address may send in an hour.
pub const APPEALS_PER_HOUR: usize = 5;
/// Addresses remembered at once.
pub const REMEMBERED_ADDRESSES: usize = 10_000;

/// The appeals each address sent in the last hour.
#[derive(Debug, Default)]
pub struct AppealWindow {
    seen: HashMap<String, Vec<DateTime<Utc>>>,
}

impl AppealWindow {
    /// Counts an appeal from `address` at `now`; `Err(seconds)` to wait when the address has sent
    /// [`APPEALS_PER_HOUR`] in the hour before `now` (the refused one is not counted).
    pub fn admit(&mut self, address: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let hour = TimeDelta::hours(1);
        let recent = |at: &DateTime<Utc>| now - *at < hour && *at <= now;
        if self.seen.len() >= REMEMBERED_ADDRESSES && !self.seen.contains_key(address) {
            self.seen.retain(|_, times| times.iter().any(recent));
            if self.seen.len() >= REMEMBERED_ADDRESSES {
                let stalest =
                    self.seen.iter().min_by_key(|(_, times)| times.iter().max().copied()).map(|(k, _)| k.clone());
                if let Some(stalest) = stalest {
                    self.seen.remove(&stalest);
                }
            }
        }
        let times = self.seen.entry(address.to_owned()).or_default();
        times.retain(recent);
        if times.len() >= APPEALS_PER_HOUR {
            let oldest = times.iter().min().copied().unwrap_or(now);
            let wait = (oldest + hour - now).num_seconds().max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        times.push(now);
        Ok(())
    }

    /// How many addresses are remembered.
    pub fn addresses(&self) -> usize {
        self.seen.len()
    }
}
