//! Login rate limits: attempts per peer address, failures per (login, address) pair and per
//! login, in sliding windows.
//!
//! Every call of `login` counts, however it arrives: fifty aliases in one GraphQL request are
//! fifty attempts. Logins are counted whether or not an account has them, so the limit says
//! nothing about which logins exist.
//!
//! An admitted attempt is counted as a failure *before* its password is checked (`admit` reserves
//! the failure under the caller's lock); a success takes the reservation back. So however many
//! attempts arrive at once, no more passwords are checked than the limits allow.
//!
//! Failures lock only the address they came from (5 per login in 15 minutes), so nobody can lock
//! a known login out from elsewhere. A login with many failures from everywhere (20 in 15
//! minutes: a distributed guesser) is refused from every address except those it logged in from
//! recently, so its owner keeps working from their usual address.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

/// The limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    /// Attempts one peer address may make per `peer_window`.
    pub per_peer: usize,
    /// The peer window.
    pub peer_window: TimeDelta,
    /// Failed attempts one login may have from one address per `login_window` before that
    /// address is refused for that login.
    pub failures_per_pair: usize,
    /// Failed attempts one login may have from all addresses together per `login_window` before
    /// addresses it has not recently logged in from are refused for it.
    pub failures_per_login: usize,
    /// The window of both failure limits.
    pub login_window: TimeDelta,
    /// How long an address a login succeeded from stays exempt from `failures_per_login`.
    pub trusted_for: TimeDelta,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_peer: 10,
            peer_window: TimeDelta::minutes(1),
            failures_per_pair: 5,
            failures_per_login: 20,
            login_window: TimeDelta::minutes(15),
            trusted_for: TimeDelta::days(30),
        }
    }
}

/// Keys kept before expired ones are swept out.
const SWEEP_AT: usize = 10_000;

/// An admitted attempt: a failure reserved for its login and address until `succeeded` takes it
/// back or `failed` confirms it.
#[derive(Debug)]
#[must_use = "an admitted attempt ends with `succeeded` or `failed`"]
pub struct Reservation {
    login: String,
    peer: String,
    id: u64,
}

/// One failure of a login (a reserved one until its password check ends).
#[derive(Debug)]
struct Failure {
    at: DateTime<Utc>,
    peer: String,
    id: u64,
    settled: bool,
}

/// What the limiter remembers about one login.
#[derive(Debug, Default)]
struct LoginState {
    /// Failures from every address, reserved ones included.
    failures: Vec<Failure>,
    /// Addresses the login succeeded from, with the time of the last success.
    trusted: HashMap<String, DateTime<Utc>>,
}

impl LoginState {
    fn prune(&mut self, now: DateTime<Utc>, limits: &LoginLimits, unlocked_at: Option<DateTime<Utc>>) {
        self.failures.retain(|f| now - f.at < limits.login_window && unlocked_at.is_none_or(|u| f.at > u));
        self.trusted.retain(|_, at| now - *at < limits.trusted_for);
    }

    fn is_empty(&self) -> bool {
        self.failures.is_empty() && self.trusted.is_empty()
    }
}

/// Counts attempts; one per process (the gateway and the CLI each have their own).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: LoginLimits,
    peers: HashMap<String, VecDeque<DateTime<Utc>>>,
    logins: HashMap<String, LoginState>,
    next_id: u64,
}

fn prune(times: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>, window: TimeDelta) {
    while times.front().is_some_and(|t| now - *t >= window) {
        times.pop_front();
    }
}

/// Seconds until fewer than `limit` of `times` are younger than `window`: at least 1.
fn wait_below(mut times: Vec<DateTime<Utc>>, limit: usize, window: TimeDelta, now: DateTime<Utc>) -> u64 {
    times.sort_unstable();
    let index = times.len().saturating_sub(limit.max(1));
    times.get(index).map_or(1, |t| (*t + window - now).num_seconds().max(1).unsigned_abs())
}

impl LoginLimiter {
    /// A limiter with these limits.
    pub fn new(limits: LoginLimits) -> Self {
        Self { limits, ..Self::default() }
    }

    fn sweep(&mut self, now: DateTime<Utc>) {
        let limits = self.limits;
        if self.peers.len() >= SWEEP_AT {
            self.peers.retain(|_, times| {
                prune(times, now, limits.peer_window);
                !times.is_empty()
            });
        }
        if self.logins.len() >= SWEEP_AT {
            self.logins.retain(|_, state| {
                state.prune(now, &limits, None);
                !state.is_empty()
            });
        }
    }

    /// Admits an attempt from `peer` for `login` and reserves a failure for it, or refuses it,
    /// with the seconds to wait, when the peer is over its attempts, the pair over its failures,
    /// or the login over its failures and the peer not one it recently logged in from. Failures
    /// up to `unlocked_at` (an administrator's unlock) are forgotten.
    pub fn admit(
        &mut self,
        peer: &str,
        login: &str,
        unlocked_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Reservation, u64> {
        let limits = self.limits;
        self.sweep(now);
        if let Some(attempts) = self.peers.get_mut(peer) {
            prune(attempts, now, limits.peer_window);
            if attempts.len() >= limits.per_peer {
                return Err(wait_below(attempts.iter().copied().collect(), limits.per_peer, limits.peer_window, now));
            }
        }
        if let Some(state) = self.logins.get_mut(login) {
            state.prune(now, &limits, unlocked_at);
            let from_peer: Vec<_> = state.failures.iter().filter(|f| f.peer == peer).map(|f| f.at).collect();
            if from_peer.len() >= limits.failures_per_pair {
                return Err(wait_below(from_peer, limits.failures_per_pair, limits.login_window, now));
            }
            if state.failures.len() >= limits.failures_per_login && !state.trusted.contains_key(peer) {
                let all = state.failures.iter().map(|f| f.at).collect();
                return Err(wait_below(all, limits.failures_per_login, limits.login_window, now));
            }
        }
        self.peers.entry(peer.to_owned()).or_default().push_back(now);
        self.next_id += 1;
        let id = self.next_id;
        let failure = Failure { at: now, peer: peer.to_owned(), id, settled: false };
        self.logins.entry(login.to_owned()).or_default().failures.push(failure);
        Ok(Reservation { login: login.to_owned(), peer: peer.to_owned(), id })
    }

    /// The password was wrong (or the login unknown or disabled): the reserved failure stays.
    pub fn failed(&mut self, reservation: Reservation) {
        if let Some(state) = self.logins.get_mut(&reservation.login)
            && let Some(failure) = state.failures.iter_mut().find(|f| f.id == reservation.id)
        {
            failure.settled = true;
        }
    }

    /// The login succeeded: takes back its reservation, forgets the earlier failures from the
    /// same address, and remembers the address as one the login is used from.
    pub fn succeeded(&mut self, reservation: Reservation, now: DateTime<Utc>) {
        let state = self.logins.entry(reservation.login).or_default();
        state.failures.retain(|f| f.id != reservation.id && !(f.settled && f.peer == reservation.peer));
        state.trusted.insert(reservation.peer, now);
    }

    /// Forgets every failure of `login` (an administrator unlocked it); the addresses it logged
    /// in from stay trusted.
    pub fn unlock(&mut self, login: &str) {
        if let Some(state) = self.logins.get_mut(login) {
            state.failures.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier, Mutex};

    use super::*;
    use proptest::prelude::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).expect("valid")
    }

    /// Runs `attempts` at the same moment on as many threads, each admitting, "checking the
    /// password" for a while outside the lock, and failing; returns how many were admitted.
    fn at_once(limiter: &Arc<Mutex<LoginLimiter>>, attempts: Vec<(String, String)>) -> usize {
        let barrier = Arc::new(Barrier::new(attempts.len()));
        let threads: Vec<_> = attempts
            .into_iter()
            .map(|(peer, login)| {
                let (limiter, barrier) = (limiter.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let admitted = limiter.lock().expect("never poisoned").admit(&peer, &login, None, at(0));
                    let Ok(reservation) = admitted else { return false };
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    limiter.lock().expect("never poisoned").failed(reservation);
                    true
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("no panic")).filter(|admitted| *admitted).count()
    }

    #[test]
    fn fifty_attempts_at_once_from_one_address_admit_only_the_peer_limit() {
        let limiter = Arc::new(Mutex::new(LoginLimiter::default()));
        let attempts = (0..50).map(|n| ("10.0.0.1".to_owned(), format!("login{n}"))).collect();
        assert_eq!(at_once(&limiter, attempts), 10);
        let mut limiter = limiter.lock().expect("never poisoned");
        assert!(limiter.admit("10.0.0.2", "anton", None, at(0)).is_ok(), "another peer is not affected");
        assert!(limiter.admit("10.0.0.1", "maria", None, at(60)).is_ok(), "the window slides");
    }

    #[test]
    fn thirty_attempts_at_once_for_one_login_admit_only_the_failure_limits() {
        let limiter = Arc::new(Mutex::new(LoginLimiter::default()));
        let one_address = (0..30).map(|_| ("10.0.0.1".to_owned(), "maria".to_owned())).collect();
        assert_eq!(at_once(&limiter, one_address), 5, "the pair's failure limit");
        let many_addresses = (0..30).map(|n| (format!("10.0.1.{n}"), "maria".to_owned())).collect();
        assert_eq!(at_once(&limiter, many_addresses), 15, "the login's 20 failures, five of them already used");
    }

    #[test]
    fn five_failures_lock_only_the_address_they_came_from() {
        let mut limiter = LoginLimiter::default();
        for n in 0..5 {
            let reservation = limiter.admit("10.0.0.1", "maria", None, at(n)).expect("admitted");
            limiter.failed(reservation);
        }
        assert_eq!(limiter.admit("10.0.0.1", "maria", None, at(10)).map(|_| ()), Err(900 - 10));
        assert!(limiter.admit("10.0.0.1", "anton", None, at(10)).is_ok(), "other logins from that address");
        assert!(limiter.admit("10.0.0.2", "maria", None, at(10)).is_ok(), "the login from another address");
        assert!(limiter.admit("10.0.0.1", "maria", None, at(905)).is_ok(), "the window passes");
    }

    #[test]
    fn a_distributed_guesser_is_stopped_but_the_owners_usual_address_still_works() {
        let mut limiter = LoginLimiter::default();
        let owner = limiter.admit("home", "maria", None, at(0)).expect("admitted");
        limiter.succeeded(owner, at(0));
        for n in 0..20 {
            let reservation = limiter.admit(&format!("10.0.1.{n}"), "maria", None, at(1)).expect("admitted");
            limiter.failed(reservation);
        }
        assert_eq!(limiter.admit("10.0.2.1", "maria", None, at(1)).map(|_| ()), Err(900), "a new address");
        assert!(limiter.admit("home", "maria", None, at(1)).is_ok(), "the address maria logged in from");
    }

    #[test]
    fn an_unlock_forgets_the_failures_before_it() {
        let mut limiter = LoginLimiter::default();
        for n in 0..5 {
            let reservation = limiter.admit("10.0.0.1", "maria", None, at(n)).expect("admitted");
            limiter.failed(reservation);
        }
        assert!(limiter.admit("10.0.0.1", "maria", Some(at(-1)), at(10)).is_err(), "an unlock before the failures");
        assert!(limiter.admit("10.0.0.1", "maria", Some(at(4)), at(10)).is_ok(), "unlocked in the database");
        let mut limiter = LoginLimiter::default();
        for n in 0..5 {
            let reservation = limiter.admit("10.0.0.1", "maria", None, at(n)).expect("admitted");
            limiter.failed(reservation);
        }
        limiter.unlock("maria");
        assert!(limiter.admit("10.0.0.1", "maria", None, at(10)).is_ok(), "unlocked in this process");
    }

    #[test]
    fn a_success_takes_back_its_reservation_but_not_the_pending_ones_of_others() {
        let mut limiter = LoginLimiter::default();
        let pending: Vec<_> =
            (0..4).map(|n| limiter.admit("10.0.0.1", "maria", None, at(n)).expect("admitted")).collect();
        let success = limiter.admit("10.0.0.1", "maria", None, at(5)).expect("the fifth");
        assert!(limiter.admit("10.0.0.1", "maria", None, at(5)).is_err(), "five checks are running");
        limiter.succeeded(success, at(6));
        pending.into_iter().for_each(|r| limiter.failed(r));
        let sixth = limiter.admit("10.0.0.1", "maria", None, at(7)).expect("one slot came back");
        limiter.failed(sixth);
        assert!(limiter.admit("10.0.0.1", "maria", None, at(7)).is_err(), "the four pending ones still count");
    }

    /// One attempt of the generated sequences: seconds since the last one, the address, the
    /// login and whether the password was right.
    fn attempts() -> impl Strategy<Value = Vec<(i64, u8, u8, bool)>> {
        proptest::collection::vec((0i64..40, 0u8..30, 0u8..2, proptest::bool::weighted(0.1)), 1..300)
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
            for (n, (gap, peer)) in gaps.iter().zip(&peers).enumerate() {
                now += gap;
                if let Ok(reservation) = limiter.admit(&peer.to_string(), &format!("someone{n}"), None, at(now)) {
                    limiter.failed(reservation);
                    admitted.push((*peer, now));
                }
            }
            for (peer, start) in &admitted {
                let within = admitted.iter().filter(|(p, t)| p == peer && *t >= *start && *t < start + 60).count();
                prop_assert!(within <= 10, "peer {} got {} attempts in a minute", peer, within);
            }
        }

        #[test]
        fn no_pair_fails_more_than_five_times_and_untrusted_peers_no_more_than_twenty_in_a_window(
            sequence in attempts(),
        ) {
            let limits = LoginLimits { per_peer: usize::MAX, ..LoginLimits::default() };
            let mut limiter = LoginLimiter::new(limits);
            let mut now = 0;
            // (time, peer, login, whether the peer had succeeded for the login before)
            let mut failures: Vec<(i64, u8, u8, bool)> = Vec::new();
            let mut trusted: Vec<(u8, u8)> = Vec::new();
            for (gap, peer, login, right) in sequence {
                now += gap;
                let Ok(reservation) = limiter.admit(&peer.to_string(), &login.to_string(), None, at(now)) else {
                    continue;
                };
                if right {
                    limiter.succeeded(reservation, at(now));
                    failures.retain(|(_, p, l, _)| (*p, *l) != (peer, login));
                    trusted.push((peer, login));
                } else {
                    limiter.failed(reservation);
                    failures.push((now, peer, login, trusted.contains(&(peer, login))));
                }
            }
            for (start, peer, login, _) in &failures {
                let window = |f: &&(i64, u8, u8, bool)| f.2 == *login && f.0 >= *start && f.0 < start + 900;
                let pair = failures.iter().filter(window).filter(|f| f.1 == *peer).count();
                prop_assert!(pair <= 5, "{} failures of one pair in 15 minutes", pair);
                let untrusted = failures.iter().filter(window).filter(|f| !f.3).count();
                prop_assert!(untrusted <= 20, "{} failures of one login from untrusted peers", untrusted);
            }
        }

        #[test]
        fn a_peer_that_logged_in_is_never_refused_for_other_peers_failures(
            sequence in attempts(),
        ) {
            let limits = LoginLimits { per_peer: usize::MAX, ..LoginLimits::default() };
            let mut limiter = LoginLimiter::new(limits);
            let owner = limiter.admit("home", "0", None, at(0)).expect("the first attempt");
            limiter.succeeded(owner, at(0));
            let mut now = 0;
            for (gap, peer, login, right) in sequence {
                now += gap;
                if let Ok(reservation) = limiter.admit(&peer.to_string(), &login.to_string(), None, at(now)) {
                    if right { limiter.succeeded(reservation, at(now)) } else { limiter.failed(reservation) }
                }
                let home = limiter.admit("home", "0", None, at(now));
                prop_assert!(home.is_ok(), "the owner's address was refused at {}", now);
                if let Ok(reservation) = home {
                    limiter.succeeded(reservation, at(now));
                }
            }
        }
    }
}
