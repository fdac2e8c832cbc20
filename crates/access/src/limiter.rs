//! Login rate limits: attempts per peer address and failures per login, in sliding windows.
//!
//! Every call of `login` counts, however it arrives: fifty aliases in one GraphQL request are
//! fifty attempts. Logins are counted whether or not an account has them, so the limit says
//! nothing about which logins exist.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

/// The limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    /// Attempts one peer address may make per `peer_window`.
    pub per_peer: usize,
    /// The peer window.
    pub peer_window: TimeDelta,
    /// Failed attempts one login may have per `login_window` before it is refused.
    pub failures_per_login: usize,
    /// The login window.
    pub login_window: TimeDelta,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_peer: 10,
            peer_window: TimeDelta::minutes(1),
            failures_per_login: 5,
            login_window: TimeDelta::minutes(15),
        }
    }
}

/// Keys kept before expired ones are swept out.
const SWEEP_AT: usize = 10_000;

/// Counts attempts; one per process (the gateway and the CLI each have their own).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: LoginLimits,
    peers: HashMap<String, VecDeque<DateTime<Utc>>>,
    failures: HashMap<String, VecDeque<DateTime<Utc>>>,
}

fn prune(times: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>, window: TimeDelta) {
    while times.front().is_some_and(|t| now - *t >= window) {
        times.pop_front();
    }
}

fn sweep(map: &mut HashMap<String, VecDeque<DateTime<Utc>>>, now: DateTime<Utc>, window: TimeDelta) {
    if map.len() >= SWEEP_AT {
        map.retain(|_, times| {
            prune(times, now, window);
            !times.is_empty()
        });
    }
}

impl LoginLimiter {
    /// A limiter with these limits.
    pub fn new(limits: LoginLimits) -> Self {
        Self { limits, ..Self::default() }
    }

    /// Counts an attempt from `peer` for `login`; refuses it, with the seconds to wait, when the
    /// peer or the login is over its limit.
    pub fn admit(&mut self, peer: &str, login: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let limits = self.limits;
        sweep(&mut self.peers, now, limits.peer_window);
        sweep(&mut self.failures, now, limits.login_window);
        let wait = |times: &VecDeque<DateTime<Utc>>, window: TimeDelta| {
            times.front().map_or(1, |first| (*first + window - now).num_seconds().max(1).unsigned_abs())
        };
        if let Some(failures) = self.failures.get_mut(login) {
            prune(failures, now, limits.login_window);
            if failures.len() >= limits.failures_per_login {
                return Err(wait(failures, limits.login_window));
            }
        }
        let attempts = self.peers.entry(peer.to_owned()).or_default();
        prune(attempts, now, limits.peer_window);
        if attempts.len() >= limits.per_peer {
            return Err(wait(attempts, limits.peer_window));
        }
        attempts.push_back(now);
        Ok(())
    }

    /// Counts a failed attempt for `login`.
    pub fn failed(&mut self, login: &str, now: DateTime<Utc>) {
        self.failures.entry(login.to_owned()).or_default().push_back(now);
    }

    /// Forgets the login's failures after a successful login.
    pub fn succeeded(&mut self, login: &str) {
        self.failures.remove(login);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).expect("valid")
    }

    #[test]
    fn fifty_attempts_at_once_admit_only_the_peer_limit() {
        let mut limiter = LoginLimiter::default();
        let admitted = (0..50).filter(|_| limiter.admit("10.0.0.1", "maria", at(0)).is_ok()).count();
        assert_eq!(admitted, 10);
        assert!(limiter.admit("10.0.0.2", "anton", at(0)).is_ok(), "another peer is not affected");
        assert!(limiter.admit("10.0.0.1", "maria", at(60)).is_ok(), "the window slides");
    }

    #[test]
    fn a_login_with_five_failures_is_refused_from_any_address_until_the_window_passes() {
        let mut limiter = LoginLimiter::default();
        for n in 0..5 {
            limiter.admit(&format!("10.0.0.{n}"), "maria", at(n)).expect("admitted");
            limiter.failed("maria", at(n));
        }
        assert_eq!(limiter.admit("10.0.0.99", "maria", at(10)), Err(900 - 10));
        assert!(limiter.admit("10.0.0.99", "anton", at(10)).is_ok());
        assert!(limiter.admit("10.0.0.99", "maria", at(905)).is_ok());
    }

    proptest! {
        #[test]
        fn no_peer_ever_gets_more_than_its_limit_within_a_window(
            gaps in proptest::collection::vec(0i64..20, 1..200),
            peers in proptest::collection::vec(0u8..3, 200),
        ) {
            let mut limiter = LoginLimiter::default();
            let mut now = 0;
            let mut admitted: Vec<(u8, i64)> = Vec::new();
            for (gap, peer) in gaps.iter().zip(&peers) {
                now += gap;
                if limiter.admit(&peer.to_string(), "someone", at(now)).is_ok() {
                    admitted.push((*peer, now));
                }
            }
            for (peer, start) in &admitted {
                let within = admitted.iter().filter(|(p, t)| p == peer && *t >= *start && *t < start + 60).count();
                prop_assert!(within <= 10, "peer {} got {} attempts in a minute", peer, within);
            }
        }
    }
}
