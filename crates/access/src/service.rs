//! Account use cases: add, list, disable, unlock, change roles and passwords, log in,
//! authenticate a bearer token, log out. Each passes the gate (policy and audit) like every
//! other use case.

use std::sync::Mutex;

use audit::{AuditEvent, Gate, Outcome, object};
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use kernel::{Action, Actor, Channel, OrganizationId, PersonId, Role};

use crate::actions::{ACCOUNT_CHANGE_OWN_PASSWORD, ACCOUNT_MANAGE, ACCOUNT_READ, LOGIN, LOGIN_THROTTLED, LOGOUT};
use crate::error::AccessError;
use crate::model::{Account, AccountId, Session, TokenHash};
use crate::ports::{AccessPorts, RecordState};
use crate::rules::credentials::{
    SESSION_IDLE, SESSION_LIFETIME, check_password, decoy_hash, hash_password, normalize_login, verify_password,
};
use crate::rules::limits::{LoginLimiter, LoginLimits};

/// Requests closer together than this do not rewrite the session's last-seen time.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);
const TOKEN_BYTES: usize = 32;

/// A token just issued at login: shown to the client once, stored only as a hash.
#[derive(Debug)]
pub struct IssuedToken {
    /// The bearer token (256 random bits, base64url).
    pub token: String,
    /// The account it belongs to.
    pub account: Account,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The account use cases.
pub struct Access {
    ports: AccessPorts,
    gate: Gate,
    limiter: Mutex<LoginLimiter>,
}

/// A new account, or an account's new role, as an administrator describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The role.
    pub role: Role,
    /// The organisation, for `ngo_representative` (and only for it).
    pub organization: Option<OrganizationId>,
    /// The person record, for `volunteer` (and only for it).
    pub person: Option<PersonId>,
}

impl Assignment {
    /// A role that is bound to nothing.
    pub fn role(role: Role) -> Self {
        Self { role, organization: None, person: None }
    }

    fn check(&self) -> Result<(), AccessError> {
        match (self.role, self.organization, self.person) {
            (Role::Anonymous, _, _) => Err(AccessError::Binding("anonymous is not a role an account can have")),
            (Role::NgoRepresentative, Some(_), None) | (Role::Volunteer, None, Some(_)) => Ok(()),
            (Role::NgoRepresentative, _, _) => Err(AccessError::Binding("an ngo_representative needs an organization")),
            (Role::Volunteer, _, _) => Err(AccessError::Binding("a volunteer needs their person record")),
            (_, None, None) => Ok(()),
            _ => Err(AccessError::Binding("only ngo_representative and volunteer accounts are bound to a record")),
        }
    }
}

/// One login attempt, with where it came from.
#[derive(Clone, Copy, Debug)]
pub struct LoginAttempt<'a> {
    /// The login as typed.
    pub login: &'a str,
    /// The password as typed.
    pub password: &'a str,
    /// The peer address (never a forwarded header from an untrusted client).
    pub peer: &'a str,
    /// Where the attempt came from.
    pub channel: Channel,
    /// The request id.
    pub request_id: &'a str,
}

impl LoginAttempt<'_> {
    /// Who the attempt is recorded as: the account, when known, else the login as typed (`login`,
    /// normalised); from the peer address.
    fn actor(&self, account: Option<&Account>, login: &str) -> Actor {
        let mut actor = match account {
            Some(account) => actor_of(account, self.channel, self.request_id),
            None => Actor { channel: self.channel, login: login.to_owned(), ..Actor::anonymous(self.request_id) },
        };
        actor.origin = Some(self.peer.to_owned());
        actor
    }
}

/// The actor an account acts as.
pub fn actor_of(account: &Account, channel: Channel, request_id: &str) -> Actor {
    Actor {
        account: Some(account.id.0),
        login: account.login.clone(),
        role: account.role,
        organization: account.organization,
        person: account.person,
        channel,
        request_id: request_id.to_owned(),
        origin: None,
    }
}

impl Access {
    /// The use cases over these ports, with the default login limits. Every use case passes
    /// `gate`: the policy decides, the audit log records.
    pub async fn open(ports: AccessPorts, gate: Gate) -> Result<Self, AccessError> {
        Ok(Self { ports, gate, limiter: Mutex::new(LoginLimiter::new(LoginLimits::default())) })
    }

    /// The same use cases with these login limits.
    pub fn with_limits(self, limits: LoginLimits) -> Self {
        Self { limiter: Mutex::new(LoginLimiter::new(limits)), ..self }
    }

    fn now(&self) -> DateTime<Utc> {
        self.gate.clock().now()
    }

    fn limiter(&self) -> std::sync::MutexGuard<'_, LoginLimiter> {
        self.limiter.lock().expect("never poisoned")
    }

    async fn existing(&self, login: &str) -> Result<Account, AccessError> {
        let login = normalize_login(login).map_err(|_| AccessError::UnknownAccount)?;
        self.ports.accounts.by_login(&login).await?.ok_or(AccessError::UnknownAccount)
    }

    /// Creates an account with an argon2id hash of the password.
    pub async fn add_account(
        &self,
        actor: &Actor,
        login: &str,
        assignment: &Assignment,
        password: &str,
    ) -> Result<Account, AccessError> {
        self.gate.check(actor, ACCOUNT_MANAGE, None).await?;
        let account = self.new_account(login, assignment, password)?;
        self.bound_records_exist(assignment).await?;
        let event = self.gate.event(actor, ACCOUNT_MANAGE, object("account", account.id.0)).with_detail(format!(
            "create {} as {}",
            account.login,
            account.role.code()
        ));
        self.ports.accounts.insert(&account, &event).await?;
        Ok(account)
    }

    /// Creates the first administrator of an empty system (the first run); refused once any
    /// account exists. Recorded as the new administrator's own act on the command line.
    pub async fn create_first_admin(&self, login: &str, password: &str) -> Result<Account, AccessError> {
        if self.has_accounts().await? {
            return Err(AccessError::LoginTaken);
        }
        let account = self.new_account(login, &Assignment::role(Role::Admin), password)?;
        let actor = actor_of(&account, Channel::Cli, "first-run");
        let event = self.gate.event(&actor, ACCOUNT_MANAGE, object("account", account.id.0)).with_detail("first run");
        self.ports.accounts.insert(&account, &event).await?;
        Ok(account)
    }

    /// Refuses an assignment to an organisation or a person that is not on record.
    async fn bound_records_exist(&self, assignment: &Assignment) -> Result<(), AccessError> {
        let records = &self.ports.records;
        let bindable = |state: RecordState, field: &'static str, record: &'static str| match state {
            RecordState::Open => Ok(()),
            RecordState::Unknown => Err(AccessError::UnknownRecord { field, record }),
            RecordState::Closed => Err(AccessError::ClosedRecord { field, record }),
        };
        if let Some(id) = assignment.organization {
            bindable(records.organization(id).await.map_err(AccessError::Store)?, "organizationId", "organization")?;
        }
        if let Some(id) = assignment.person {
            bindable(records.person(id).await.map_err(AccessError::Store)?, "personId", "person")?;
        }
        Ok(())
    }

    fn new_account(&self, login: &str, assignment: &Assignment, password: &str) -> Result<Account, AccessError> {
        let login = normalize_login(login)?;
        if login.starts_with(crate::rules::credentials::ANONYMISED_LOGIN_PREFIX) {
            return Err(AccessError::ReservedLogin);
        }
        assignment.check()?;
        check_password(password)?;
        Ok(Account {
            id: AccountId::new(),
            login,
            role: assignment.role,
            organization: assignment.organization,
            person: assignment.person,
            password_hash: hash_password(password)?,
            disabled: false,
            created_at: self.now(),
            unlocked_at: None,
        })
    }

    /// Every account (the reading is recorded: logins and roles are staff's personal data).
    pub async fn accounts(&self, actor: &Actor) -> Result<Vec<Account>, AccessError> {
        self.gate.check(actor, ACCOUNT_READ, None).await?;
        let accounts = self.ports.accounts.list().await?;
        let event = self.gate.event(actor, ACCOUNT_READ, None).with_detail(format!("{} accounts", accounts.len()));
        self.gate.record(&event).await?;
        Ok(accounts)
    }

    /// Whether any account exists (the first start creates the administrator when none does).
    pub async fn has_accounts(&self) -> Result<bool, AccessError> {
        Ok(!self.ports.accounts.list().await?.is_empty())
    }

    /// The account an operator names (`nko --as LOGIN`), if it exists and is enabled.
    pub async fn operator(&self, login: &str) -> Result<Account, AccessError> {
        match self.existing(login).await {
            Ok(account) if !account.disabled => Ok(account),
            _ => Err(AccessError::UnknownAccount),
        }
    }

    async fn change(
        &self,
        actor: &Actor,
        action: Action,
        account: &Account,
        detail: String,
    ) -> Result<(), AccessError> {
        let event = self.gate.event(actor, action, object("account", account.id.0)).with_detail(detail);
        self.ports.accounts.update_and_revoke(account, &event).await?;
        Ok(())
    }

    /// Disables an account and ends its sessions.
    pub async fn disable(&self, actor: &Actor, login: &str) -> Result<Account, AccessError> {
        self.gate.check(actor, ACCOUNT_MANAGE, None).await?;
        let mut account = self.existing(login).await?;
        if Some(account.id.0) == actor.account {
            return Err(AccessError::OwnAccount);
        }
        account.disabled = true;
        self.change(actor, ACCOUNT_MANAGE, &account, format!("disable {}", account.login)).await?;
        Ok(account)
    }

    /// Gives an account another role (and binding); its sessions end, so the new role applies
    /// from the next login.
    pub async fn set_role(&self, actor: &Actor, login: &str, assignment: &Assignment) -> Result<Account, AccessError> {
        self.gate.check(actor, ACCOUNT_MANAGE, None).await?;
        assignment.check()?;
        self.bound_records_exist(assignment).await?;
        let mut account = self.existing(login).await?;
        if Some(account.id.0) == actor.account && assignment.role != Role::Admin {
            return Err(AccessError::OwnAccount);
        }
        let detail = format!("role of {}: {} -> {}", account.login, account.role.code(), assignment.role.code());
        account.role = assignment.role;
        account.organization = assignment.organization;
        account.person = assignment.person;
        self.change(actor, ACCOUNT_MANAGE, &account, detail).await?;
        Ok(account)
    }

    /// Sets a new password for someone who lost theirs; their sessions end.
    pub async fn reset_password(&self, actor: &Actor, login: &str, password: &str) -> Result<Account, AccessError> {
        self.gate.check(actor, ACCOUNT_MANAGE, None).await?;
        check_password(password)?;
        let mut account = self.existing(login).await?;
        account.password_hash = hash_password(password)?;
        self.change(actor, ACCOUNT_MANAGE, &account, format!("reset password of {}", account.login)).await?;
        Ok(account)
    }

    /// Lifts the lock that failed logins put on an account, from every address: the failures
    /// so far no longer count. The time is stored with the account, so the gateway's limiter
    /// honours an unlock made by another process (`nko account unlock`); sessions stay.
    pub async fn unlock(&self, actor: &Actor, login: &str) -> Result<Account, AccessError> {
        self.gate.check(actor, ACCOUNT_MANAGE, None).await?;
        let mut account = self.existing(login).await?;
        let now = self.now();
        account.unlocked_at = Some(now);
        let event = self
            .gate
            .event(actor, ACCOUNT_MANAGE, object("account", account.id.0))
            .with_detail(format!("unlock {}", account.login));
        self.ports.accounts.unlock(account.id, now, &event).await?;
        self.limiter().unlock(&account.login);
        Ok(account)
    }

    /// Changes the actor's own password after checking the current one; every session of the
    /// account ends, this one included.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str) -> Result<(), AccessError> {
        self.gate.check(actor, ACCOUNT_CHANGE_OWN_PASSWORD, None).await?;
        check_password(new)?;
        let id = actor.account.ok_or(AccessError::InvalidSession)?;
        let mut account = self.ports.accounts.get(AccountId(id)).await?.ok_or(AccessError::InvalidSession)?;
        if !verify_password(current, &account.password_hash) {
            let event = AuditEvent::new(actor, ACCOUNT_CHANGE_OWN_PASSWORD.code(), None, Outcome::Failed, self.now());
            self.gate.record(&event).await?;
            return Err(AccessError::WrongPassword);
        }
        account.password_hash = hash_password(new)?;
        self.change(actor, ACCOUNT_CHANGE_OWN_PASSWORD, &account, "password changed".into()).await
    }

    /// Checks the password and opens a session. Unknown logins, disabled accounts and wrong
    /// passwords all get `BadCredentials` after the same amount of hashing work. Every attempt
    /// is admitted by the limiter, and counted as a failure, before its password is checked, so
    /// attempts arriving at once check no more passwords than the limits allow; a success takes
    /// its failure back.
    pub async fn login(&self, attempt: LoginAttempt<'_>) -> Result<IssuedToken, AccessError> {
        let login = normalize_login(attempt.login).ok();
        let key = login.clone().unwrap_or_else(|| "<invalid>".into());
        let account = match &login {
            Some(login) => self.ports.accounts.by_login(login).await?,
            None => None,
        };
        let now = self.now();
        let admitted = self.limiter().admit(attempt.peer, &key, account.as_ref().and_then(|a| a.unlocked_at), now);
        let reservation = match admitted {
            Ok(reservation) => reservation,
            Err(retry_after) => {
                self.gate.record_refusal(LOGIN_THROTTLED, &attempt.actor(None, &key)).await?;
                return Err(AccessError::TooManyAttempts { retry_after });
            }
        };
        let hash = account.as_ref().map_or(decoy_hash(), |a| a.password_hash.as_str());
        let password_ok = verify_password(attempt.password, hash);
        let account = match account {
            Some(account) if password_ok && !account.disabled => account,
            known => {
                self.limiter().failed(reservation);
                let actor = attempt.actor(known.as_ref(), &key);
                self.gate.record(&AuditEvent::new(&actor, LOGIN, None, Outcome::Failed, now)).await?;
                return Err(AccessError::BadCredentials);
            }
        };
        self.limiter().succeeded(reservation, now);
        let bytes: [u8; TOKEN_BYTES] = rand::random();
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let session = Session {
            token_hash: TokenHash::of(&token),
            account: account.id,
            created_at: now,
            expires_at: now + SESSION_LIFETIME,
            last_seen_at: now,
        };
        let actor = attempt.actor(Some(&account), &key);
        let event = AuditEvent::new(&actor, LOGIN, object("account", account.id.0), Outcome::Success, now);
        self.ports.sessions.insert(&session, &event).await?;
        Ok(IssuedToken { token, account, expires_at: session.expires_at })
    }

    /// The account behind a bearer token, if the session is valid: neither past its absolute
    /// lifetime nor idle too long, and its account enabled.
    pub async fn authenticate(&self, token: &str) -> Result<Account, AccessError> {
        let hash = TokenHash::of(token);
        let (session, account) = self.ports.sessions.get(&hash).await?.ok_or(AccessError::InvalidSession)?;
        let now = self.now();
        if session.expires_at <= now || now - session.last_seen_at >= SESSION_IDLE {
            self.ports.sessions.delete(&hash, None).await?;
            return Err(AccessError::InvalidSession);
        }
        if account.disabled {
            return Err(AccessError::InvalidSession);
        }
        if now - session.last_seen_at >= TOUCH_EVERY {
            self.ports.sessions.touch(&hash, now).await?;
        }
        Ok(account)
    }

    /// Ends the session of this token.
    pub async fn logout(&self, actor: &Actor, token: &str) -> Result<(), AccessError> {
        let event = self.gate.event(actor, Action(LOGOUT), actor.account.and_then(|a| object("account", a)));
        Ok(self.ports.sessions.delete(&TokenHash::of(token), Some(&event)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn only_representatives_and_volunteers_are_bound(role_index in 0usize..9, org in any::<bool>(), person in any::<bool>()) {
            let role = Role::ALL[role_index];
            let assignment = Assignment {
                role,
                organization: org.then(|| OrganizationId(uuid::Uuid::from_u128(1))),
                person: person.then(|| PersonId(uuid::Uuid::from_u128(2))),
            };
            let expected = match role {
                Role::Anonymous => false,
                Role::NgoRepresentative => org && !person,
                Role::Volunteer => person && !org,
                _ => !org && !person,
            };
            prop_assert_eq!(assignment.check().is_ok(), expected);
        }
    }
}
