//! Account use cases on in-memory stores: passwords, tokens, idle and absolute expiry,
//! revocation, login limits (also under attempts arriving at once), unlocking, the policy's
//! verdicts and their audit rows.

use std::sync::{Arc, Barrier};

use access::testing::InMemoryAccess;
use access::{
    ACTIONS, Access, AccessError, Assignment, LoginAttempt, LoginLimits, SESSION_IDLE, SESSION_LIFETIME, actor_of,
};
use audit::testing::MemoryAuditLog;
use audit::{Gate, Outcome};
use chrono::{DateTime, TimeDelta};
use kernel::{Actor, Channel, Clock, Lang, Localized, ManualClock, Policy, Role};
use kernel::{OrganizationId, PersonId};
use proptest::prelude::*;
use uuid::Uuid;

const POLICY: &str = r#"
    ["account.read"]
    admin = "all"
    ["account.manage"]
    admin = "all"
    ["account.change_own_password"]
    admin = "all"
    coordinator = "all"
"#;
const PASSWORD: &str = "correct horse battery";

struct World {
    access: Arc<Access>,
    audit: MemoryAuditLog,
    clock: Arc<ManualClock>,
    admin: Actor,
    store: InMemoryAccess,
    gate: Gate,
}

impl World {
    /// The use cases as another process over the same stores has them (the CLI next to the
    /// gateway): the same accounts, a limiter of its own.
    async fn another_process(&self) -> Access {
        Access::open(self.store.ports(), self.gate.clone()).await.expect("opens")
    }
}

async fn world() -> World {
    world_with(LoginLimits::default()).await
}

async fn world_with(limits: LoginLimits) -> World {
    let audit = MemoryAuditLog::default();
    let store = InMemoryAccess::new(audit.clone());
    let clock = Arc::new(ManualClock::new(DateTime::from_timestamp(1_780_000_000, 0).expect("valid")));
    let policy = Arc::new(Policy::parse(POLICY).expect("valid"));
    policy.require_exactly(ACTIONS).expect("the test policy covers the actions");
    let gate = Gate::new(policy, Arc::new(audit.clone()), clock.clone());
    let access = Arc::new(Access::open(store.ports(), gate.clone()).await.expect("opens").with_limits(limits));
    let admin = access.create_first_admin("admin", PASSWORD).await.expect("first admin");
    let admin = actor_of(&admin, Channel::Graphql, "r0");
    World { access, audit, clock, admin, store, gate }
}

fn attempt<'a>(login: &'a str, password: &'a str, peer: &'a str) -> LoginAttempt<'a> {
    LoginAttempt { login, password, peer, channel: Channel::Graphql, request_id: "r1" }
}

fn actions(audit: &MemoryAuditLog) -> Vec<(String, Outcome)> {
    audit.rows().into_iter().map(|r| (r.event.action, r.event.outcome)).collect()
}

#[tokio::test]
async fn an_unknown_login_and_a_wrong_password_get_the_same_answer() {
    let w = world().await;
    let unknown = w.access.login(attempt("nobody", PASSWORD, "p1")).await.unwrap_err();
    let wrong = w.access.login(attempt("admin", "wrong password", "p1")).await.unwrap_err();
    assert_eq!(unknown.to_string(), wrong.to_string());
    assert_eq!(unknown.message(Lang::Ru), wrong.message(Lang::Ru));
    let failed: Vec<_> = actions(&w.audit).into_iter().filter(|(_, o)| *o == Outcome::Failed).collect();
    assert_eq!(failed.len(), 2, "both failed logins are audited");
}

#[tokio::test]
async fn sessions_end_when_idle_or_past_their_lifetime() {
    let w = world().await;
    let token = w.access.login(attempt("admin", PASSWORD, "p")).await.expect("login").token;
    w.clock.advance(SESSION_IDLE - TimeDelta::seconds(1));
    w.access.authenticate(&token).await.expect("still active");
    w.clock.advance(SESSION_IDLE - TimeDelta::seconds(1));
    w.access.authenticate(&token).await.expect("each request resets the idle timer");
    w.clock.advance(SESSION_IDLE);
    assert!(matches!(w.access.authenticate(&token).await, Err(AccessError::InvalidSession)), "idle too long");

    let token = w.access.login(attempt("admin", PASSWORD, "p")).await.expect("login").token;
    for _ in 0..(SESSION_LIFETIME.num_minutes() / 20) {
        w.clock.advance(TimeDelta::minutes(20));
        if w.access.authenticate(&token).await.is_err() {
            break;
        }
    }
    assert!(matches!(w.access.authenticate(&token).await, Err(AccessError::InvalidSession)), "absolute timeout");
}

#[tokio::test]
async fn role_changes_password_changes_and_logout_revoke_tokens_at_once() {
    let w = world().await;
    let maria = Assignment::role(Role::Coordinator);
    w.access.add_account(&w.admin, "maria", &maria, PASSWORD).await.expect("add");
    let login = || w.access.login(attempt("maria", PASSWORD, "p"));
    let token = login().await.expect("login").token;
    w.access.set_role(&w.admin, "maria", &Assignment::role(Role::Lawyer)).await.expect("role");
    assert!(w.access.authenticate(&token).await.is_err(), "a role change ends the sessions");

    let token = login().await.expect("login").token;
    let maria = actor_of(&w.access.authenticate(&token).await.expect("valid"), Channel::Graphql, "r2");
    assert_eq!(maria.role, Role::Lawyer);
    let refused = w.access.change_password(&maria, PASSWORD, "another long password").await;
    assert!(
        matches!(refused, Err(AccessError::Gate(audit::GateError::Denied(_)))),
        "the test policy does not let lawyers change it"
    );

    let token = w.access.login(attempt("admin", PASSWORD, "p")).await.expect("login").token;
    assert!(matches!(
        w.access.change_password(&w.admin, "not the password", "another long password").await,
        Err(AccessError::WrongPassword)
    ));
    w.access.change_password(&w.admin, PASSWORD, "another long password").await.expect("change");
    assert!(w.access.authenticate(&token).await.is_err(), "a password change ends the sessions");

    let token = w.access.login(attempt("admin", "another long password", "p")).await.expect("login").token;
    w.access.logout(&w.admin, &token).await.expect("logout");
    assert!(w.access.authenticate(&token).await.is_err(), "logout ends the session");
}

#[tokio::test]
async fn only_an_admin_manages_accounts_and_refusals_are_audited() {
    let w = world().await;
    w.access.add_account(&w.admin, "maria", &Assignment::role(Role::Coordinator), PASSWORD).await.expect("add");
    let maria = actor_of(&w.access.operator("maria").await.expect("exists"), Channel::Cli, "r3");
    let before = w.audit.rows().len();
    let refused = w.access.add_account(&maria, "anton", &Assignment::role(Role::Admin), PASSWORD).await;
    assert!(matches!(refused, Err(AccessError::Gate(audit::GateError::Denied(_)))));
    assert!(matches!(
        w.access.set_role(&maria, "maria", &Assignment::role(Role::Admin)).await,
        Err(AccessError::Gate(audit::GateError::Denied(_)))
    ));
    let rows = w.audit.rows();
    assert_eq!(rows.len(), before + 2);
    assert!(rows[before..].iter().all(|r| r.event.outcome == Outcome::Denied && r.event.channel == Channel::Cli));
    assert!(matches!(w.access.operator("anton").await, Err(AccessError::UnknownAccount)));
    assert!(matches!(w.access.disable(&w.admin, "admin").await, Err(AccessError::OwnAccount)));
}

#[tokio::test]
async fn bound_roles_need_their_binding() {
    let w = world().await;
    let unbound = Assignment::role(Role::NgoRepresentative);
    assert!(matches!(w.access.add_account(&w.admin, "rep", &unbound, PASSWORD).await, Err(AccessError::Binding(_))));
    let bound = Assignment { organization: Some(kernel::OrganizationId(Uuid::from_u128(3))), ..unbound };
    assert!(
        matches!(
            w.access.add_account(&w.admin, "rep", &bound, PASSWORD).await,
            Err(AccessError::UnknownRecord { field: "organizationId", .. })
        ),
        "an organisation not on record"
    );
    w.store.records().add_organization(kernel::OrganizationId(Uuid::from_u128(3)));
    let rep = w.access.add_account(&w.admin, "rep", &bound, PASSWORD).await.expect("bound");
    assert_eq!(rep.organization, Some(kernel::OrganizationId(Uuid::from_u128(3))));
    let wrong = Assignment { role: Role::Coordinator, ..bound };
    assert!(matches!(w.access.add_account(&w.admin, "coord", &wrong, PASSWORD).await, Err(AccessError::Binding(_))));
}

#[tokio::test]
async fn fifty_login_attempts_in_a_row_from_one_address_are_fifty_attempts() {
    let w = world().await;
    let mut limited = 0;
    for _ in 0..50 {
        if let Err(AccessError::TooManyAttempts { .. }) = w.access.login(attempt("admin", "wrong", "p9")).await {
            limited += 1;
        }
    }
    assert_eq!(limited, 45, "five failures lock the login from this address for the window");
    assert!(matches!(w.access.login(attempt("admin", PASSWORD, "p9")).await, Err(AccessError::TooManyAttempts { .. })));
    w.access.login(attempt("admin", PASSWORD, "other")).await.expect("another address is not locked out");
}

/// How many passwords were checked and found wrong: each such check, and nothing else, writes a
/// failed `session.login` row.
fn checked_and_failed(audit: &MemoryAuditLog) -> usize {
    actions(audit)
        .into_iter()
        .filter(|(action, outcome)| action == "session.login" && *outcome == Outcome::Failed)
        .count()
}

/// Sends one login per peer from as many threads at the same moment (each thread with its own
/// runtime, so the password checks really run side by side); returns how many were refused by
/// the limits.
fn at_once(access: &Arc<Access>, login: &'static str, password: &'static str, peers: Vec<String>) -> usize {
    let barrier = Arc::new(Barrier::new(peers.len()));
    let threads: Vec<_> = peers
        .into_iter()
        .map(|peer| {
            let (access, barrier) = (access.clone(), barrier.clone());
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
                barrier.wait();
                runtime.block_on(access.login(attempt(login, password, &peer)))
            })
        })
        .collect();
    let answers: Vec<_> = threads.into_iter().map(|t| t.join().expect("no panic")).collect();
    assert!(
        answers.iter().all(|a| matches!(a, Err(AccessError::BadCredentials | AccessError::TooManyAttempts { .. }))),
        "every wrong password is refused"
    );
    answers.iter().filter(|a| matches!(a, Err(AccessError::TooManyAttempts { .. }))).count()
}

#[test]
fn thirty_wrong_passwords_at_once_from_one_address_check_no_more_than_five() {
    let w = tokio::runtime::Runtime::new().expect("a runtime").block_on(world());
    let refused = at_once(&w.access, "admin", "wrong password", vec!["10.0.0.1".to_owned(); 30]);
    assert_eq!(checked_and_failed(&w.audit), 5, "the pair's limit: five password checks");
    assert_eq!(refused, 25);
}

#[test]
fn thirty_wrong_passwords_at_once_from_thirty_addresses_check_no_more_than_the_login_allows() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let peers = || (0..30).map(|n| format!("10.0.1.{n}")).collect();
    let w = runtime.block_on(world());
    let refused = at_once(&w.access, "admin", "wrong password", peers());
    assert_eq!(checked_and_failed(&w.audit), 20, "the login's default limit: twenty password checks");
    assert_eq!(refused, 10);
    let w = runtime.block_on(world_with(LoginLimits { failures_per_login: 5, ..LoginLimits::default() }));
    let refused = at_once(&w.access, "admin", "wrong password", peers());
    assert_eq!(checked_and_failed(&w.audit), 5, "a limit of five: five password checks");
    assert_eq!(refused, 25);
}

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_login_from_another() {
    let w = world().await;
    for _ in 0..5 {
        let _ = w.access.login(attempt("admin", "a wrong guess", "203.0.113.7")).await;
    }
    assert!(matches!(
        w.access.login(attempt("admin", PASSWORD, "203.0.113.7")).await,
        Err(AccessError::TooManyAttempts { .. })
    ));
    w.access.login(attempt("admin", PASSWORD, "office")).await.expect("the guesser cannot lock admin out");
}

#[tokio::test]
async fn a_distributed_guesser_cannot_lock_the_owner_out_of_the_address_they_logged_in_from() {
    let w = world().await;
    w.access.login(attempt("admin", PASSWORD, "home")).await.expect("the owner's usual login");
    for n in 0..25 {
        let _ = w.access.login(attempt("admin", "a wrong guess", &format!("198.51.100.{n}"))).await;
    }
    assert_eq!(checked_and_failed(&w.audit), 20, "twenty guesses from everywhere, then no more");
    assert!(matches!(
        w.access.login(attempt("admin", PASSWORD, "a new address")).await,
        Err(AccessError::TooManyAttempts { .. })
    ));
    w.access.login(attempt("admin", PASSWORD, "home")).await.expect("the owner still logs in from home");
    w.clock.advance(TimeDelta::minutes(15));
    w.access.login(attempt("admin", PASSWORD, "a new address")).await.expect("the window passed");
}

#[tokio::test]
async fn an_unlock_by_another_process_lifts_the_lock_through_the_store() {
    let w = world().await;
    w.access.add_account(&w.admin, "maria", &Assignment::role(Role::Coordinator), PASSWORD).await.expect("add");
    for n in 0..25 {
        let peer = if n < 5 { "maria's laptop".to_owned() } else { format!("198.51.100.{n}") };
        let _ = w.access.login(attempt("maria", "a wrong guess", &peer)).await;
    }
    for peer in ["maria's laptop", "a new address"] {
        let locked = w.access.login(attempt("maria", PASSWORD, peer)).await;
        assert!(matches!(locked, Err(AccessError::TooManyAttempts { .. })), "{peer} is locked");
    }

    let cli = w.another_process().await;
    let maria = actor_of(&w.access.operator("maria").await.expect("exists"), Channel::Cli, "r4");
    assert!(
        matches!(cli.unlock(&maria, "maria").await, Err(AccessError::Gate(audit::GateError::Denied(_)))),
        "only an admin unlocks"
    );
    let before = w.audit.rows().len();
    let unlocked = cli.unlock(&w.admin, "maria").await.expect("unlock");
    assert_eq!(unlocked.unlocked_at, Some(w.clock.now()));
    let rows = w.audit.rows();
    assert_eq!(rows.len(), before + 1, "one audit row");
    let row = &rows[before].event;
    assert_eq!(
        (row.action.as_str(), row.outcome, row.detail.as_deref()),
        ("account.manage", Outcome::Success, Some("unlock maria"))
    );

    w.clock.advance(TimeDelta::seconds(1));
    w.access.login(attempt("maria", PASSWORD, "maria's laptop")).await.expect("unlocked in the gateway too");
    w.access.login(attempt("maria", PASSWORD, "a new address")).await.expect("from every address");
    assert!(matches!(w.access.unlock(&w.admin, "nobody").await, Err(AccessError::UnknownAccount)));
}

#[tokio::test]
async fn a_session_used_every_ten_minutes_ends_exactly_twelve_hours_after_login() {
    let w = world().await;
    let logged_in = w.clock.now();
    let issued = w.access.login(attempt("admin", PASSWORD, "p")).await.expect("login");
    assert_eq!(issued.expires_at, logged_in + TimeDelta::hours(12));
    while w.clock.now() + TimeDelta::minutes(10) < logged_in + TimeDelta::hours(12) {
        w.clock.advance(TimeDelta::minutes(10));
        let used = w.access.authenticate(&issued.token).await;
        assert!(used.is_ok(), "refused {} after login", w.clock.now() - logged_in);
    }
    assert_eq!(w.clock.now() - logged_in, TimeDelta::minutes(11 * 60 + 50), "never idle for long");
    w.clock.advance(TimeDelta::minutes(9));
    w.access.authenticate(&issued.token).await.expect("works at 11 h 59 min");
    w.clock.advance(TimeDelta::minutes(1));
    let at_twelve = w.access.authenticate(&issued.token).await;
    assert!(matches!(at_twelve, Err(AccessError::InvalidSession)), "refused at 12 h 00 min");
}

#[tokio::test]
async fn a_login_issues_a_long_random_token_that_authenticates_until_logout() {
    let w = world().await;
    let issued = w.access.login(attempt("ADMIN", PASSWORD, "p")).await.expect("login");
    assert!(issued.token.len() >= 43, "256 bits in base64url");
    assert_ne!(issued.token, w.access.login(attempt("admin", PASSWORD, "p")).await.expect("login").token);
    assert_eq!(w.access.authenticate(&issued.token).await.expect("valid").login, "admin");
    w.access.logout(&w.admin, &issued.token).await.expect("logout");
    assert!(matches!(w.access.authenticate(&issued.token).await, Err(AccessError::InvalidSession)));
}

#[tokio::test]
async fn disabling_an_account_revokes_its_sessions_and_refuses_login() {
    let w = world().await;
    w.access.add_account(&w.admin, "maria", &Assignment::role(Role::Coordinator), PASSWORD).await.expect("add");
    let issued = w.access.login(attempt("maria", PASSWORD, "p")).await.expect("login");
    w.access.disable(&w.admin, "maria").await.expect("disable");
    assert!(matches!(w.access.authenticate(&issued.token).await, Err(AccessError::InvalidSession)));
    assert!(matches!(w.access.login(attempt("maria", PASSWORD, "p")).await, Err(AccessError::BadCredentials)));
}

#[tokio::test]
async fn short_passwords_and_taken_logins_are_refused() {
    let w = world().await;
    let role = Assignment::role(Role::Coordinator);
    assert!(matches!(w.access.add_account(&w.admin, "maria", &role, "short").await, Err(AccessError::WeakPassword)));
    w.access.add_account(&w.admin, "maria", &role, PASSWORD).await.expect("add");
    assert!(matches!(w.access.add_account(&w.admin, "MARIA", &role, PASSWORD).await, Err(AccessError::LoginTaken)));
    assert!(matches!(w.access.create_first_admin("root", PASSWORD).await, Err(AccessError::LoginTaken)));
}

#[tokio::test]
async fn each_change_writes_exactly_one_audit_row() {
    let w = world().await;
    let before = w.audit.rows().len();
    w.access.add_account(&w.admin, "maria", &Assignment::role(Role::Coordinator), PASSWORD).await.expect("add");
    w.access.set_role(&w.admin, "maria", &Assignment::role(Role::Lawyer)).await.expect("role");
    w.access.reset_password(&w.admin, "maria", "a brand new password").await.expect("reset");
    w.access.disable(&w.admin, "maria").await.expect("disable");
    let rows = w.audit.rows();
    assert_eq!(rows.len(), before + 4);
    assert!(rows[before..].iter().all(|r| r.event.action == "account.manage" && r.event.outcome == Outcome::Success));
    assert!(rows.iter().all(|r| !r.event.detail.clone().unwrap_or_default().contains(PASSWORD)), "no passwords");
    w.access.accounts(&w.admin).await.expect("list");
    assert_eq!(w.audit.rows().last().map(|r| r.event.action.clone()).as_deref(), Some("account.read"));
}

#[tokio::test]
async fn throttled_logins_leave_one_row_per_address_and_minute_and_a_summary_with_the_count() {
    let w = world_with(LoginLimits { per_peer: 2, ..LoginLimits::default() }).await;
    let before = w.audit.rows().len();
    for _ in 0..12 {
        let _ = w.access.login(attempt("admin", "wrong password", "198.51.100.7")).await;
    }
    let throttled = |w: &World| {
        w.audit
            .rows()
            .into_iter()
            .skip(before)
            .filter(|r| r.event.action == access::LOGIN_THROTTLED)
            .collect::<Vec<_>>()
    };
    let rows = throttled(&w);
    assert_eq!(rows.len(), 1, "ten refusals in one minute: one row now");
    assert_eq!(rows[0].event.origin.as_deref(), Some("198.51.100.7"));
    assert_eq!(rows[0].event.login, "admin", "the login tried is named");
    w.clock.advance(TimeDelta::minutes(1));
    w.gate.flush_refusals().await.expect("flushed");
    let rows = throttled(&w);
    assert_eq!(rows.len(), 2, "and one summary after the minute");
    assert!(
        rows[1].event.detail.as_deref().is_some_and(|d| d.starts_with("9 more refusals from 198.51.100.7")),
        "{rows:?}"
    );
    w.gate.flush_refusals().await.expect("flushed");
    assert_eq!(throttled(&w).len(), 2, "a summary is written once");
    assert!(audit::verify_log(w.gate.log().as_ref(), None).await.is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// No account can take a login an anonymisation will give (it would block that person's
    /// anonymisation on the unique login), whatever follows the prefix and however it is cased.
    #[test]
    fn a_new_account_cannot_take_a_login_kept_for_anonymised_people(rest in "[a-z0-9]{1,30}", upper in any::<bool>()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let w = world().await;
            let login = format!("{}{rest}", if upper { "ANONYMISED-" } else { "anonymised-" });
            let rows = w.audit.rows().len();
            let refused = w.access.add_account(&w.admin, &login, &Assignment::role(Role::Lawyer), PASSWORD).await;
            prop_assert!(matches!(refused, Err(AccessError::ReservedLogin)), "{:?}", refused);
            prop_assert_eq!(w.audit.rows().len(), rows, "nothing written");
            let fine = format!("not-anonymised-{rest}");
            prop_assert!(w.access.add_account(&w.admin, &fine, &Assignment::role(Role::Lawyer), PASSWORD).await.is_ok());
            Ok(())
        })?;
    }
}

/// Where an assignment points, in the property below.
#[derive(Clone, Copy, Debug)]
enum Target {
    None,
    OnRecord,
    /// A liquidated organisation, an anonymised person.
    Closed,
    Unknown,
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![Just(Target::None), Just(Target::OnRecord), Just(Target::Closed), Just(Target::Unknown)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_account_is_bound_only_to_a_record_that_exists_and_is_not_liquidated_or_anonymised(
        role in prop_oneof![Just(Role::NgoRepresentative), Just(Role::Volunteer), Just(Role::Coordinator)],
        organization in target(),
        person in target(),
        by_set_role in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let w = world().await;
            let known_org = OrganizationId(Uuid::from_u128(1));
            let known_person = PersonId(Uuid::from_u128(2));
            w.store.records().add_organization(known_org);
            w.store.records().add_person(known_person);
            w.store.records().add_liquidated_organization(OrganizationId(Uuid::from_u128(3)));
            w.store.records().add_anonymised_person(PersonId(Uuid::from_u128(4)));
            let pick = |t: Target, known: Uuid, closed: u128| match t {
                Target::None => None,
                Target::OnRecord => Some(known),
                Target::Closed => Some(Uuid::from_u128(closed)),
                Target::Unknown => Some(Uuid::from_u128(99)),
            };
            let assignment = Assignment {
                role,
                organization: pick(organization, known_org.0, 3).map(OrganizationId),
                person: pick(person, known_person.0, 4).map(PersonId),
            };
            let shape_fits = matches!(
                (role, organization, person),
                (Role::NgoRepresentative, Target::OnRecord | Target::Closed | Target::Unknown, Target::None)
                    | (Role::Volunteer, Target::None, Target::OnRecord | Target::Closed | Target::Unknown)
                    | (Role::Coordinator, Target::None, Target::None)
            );
            let points_at_unknown = matches!(organization, Target::Unknown) || matches!(person, Target::Unknown);
            let points_at_closed = matches!(organization, Target::Closed) || matches!(person, Target::Closed);
            let outcome = if by_set_role {
                w.access.add_account(&w.admin, "maria", &Assignment::role(Role::Lawyer), PASSWORD).await.expect("add");
                w.access.set_role(&w.admin, "maria", &assignment).await
            } else {
                w.access.add_account(&w.admin, "maria", &assignment, PASSWORD).await
            };
            match outcome {
                Ok(account) => {
                    prop_assert!(shape_fits && !points_at_unknown && !points_at_closed, "accepted {assignment:?}");
                    prop_assert_eq!((account.organization, account.person), (assignment.organization, assignment.person));
                }
                Err(AccessError::Binding(_)) => prop_assert!(!shape_fits),
                Err(AccessError::UnknownRecord { .. }) => prop_assert!(shape_fits && points_at_unknown),
                Err(AccessError::ClosedRecord { .. }) => prop_assert!(shape_fits && points_at_closed),
                Err(other) => prop_assert!(false, "unexpected refusal {other:?}"),
            }
            let stored = w.access.accounts(&w.admin).await.expect("list");
            let maria = stored.iter().find(|a| a.login == "maria");
            if !shape_fits || points_at_unknown || points_at_closed {
                prop_assert!(maria.is_none_or(|a| a.role == Role::Lawyer), "a refused assignment changes nothing");
            }
            Ok(())
        })?;
    }
}
