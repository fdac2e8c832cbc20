//! The accounts' part of the staff schema: sessions, passwords, accounts and roles. Every field
//! passes the same use cases as the CLI.

use access::{Account, Assignment, LoginAttempt};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use kernel::{Channel, OrganizationId, PersonId};

use super::shared::{GqlResult, account, actor, caller, parse_id, services, unauthenticated};
use crate::graphql::shared::mirror::mirror_enum;

mirror_enum! {
    /// A role: what an account may do is decided by the permission policy.
    RoleGql as "Role" = "kernel::Role" {
        Admin => "Runs the system: accounts, audit, everything else.",
        Coordinator => "Centre staff.",
        Trainer => "Runs training.",
        VolunteerCoordinator => "Recruits volunteers and verifies their hours.",
        Researcher => "Works with aggregates, not with people.",
        Lawyer => "Legal consultations and expertise of draft laws.",
        Volunteer => "A volunteer: their own records only.",
        NgoRepresentative => "A representative of one NGO: that organisation's records only.",
        Anonymous => "The public (no account has this role).",
    }
}

/// An account.
#[derive(SimpleObject)]
#[graphql(name = "Account")]
pub struct AccountGql {
    /// The login.
    pub login: String,
    /// The role.
    pub role: RoleGql,
    /// The organisation an NGO's representative acts for.
    pub organization_id: Option<ID>,
    /// The person record of a volunteer.
    pub person_id: Option<ID>,
    /// A disabled account cannot log in.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl From<Account> for AccountGql {
    fn from(a: Account) -> Self {
        Self {
            login: a.login,
            role: a.role.into(),
            organization_id: a.organization.map(|id| ID(id.to_string())),
            person_id: a.person.map(|id| ID(id.to_string())),
            disabled: a.disabled,
            created_at: a.created_at,
        }
    }
}

/// A session token issued by `login`.
#[derive(SimpleObject)]
#[graphql(name = "Session")]
pub struct SessionGql {
    /// The bearer token: send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When it stops working at the latest (it also ends after 30 minutes without requests).
    pub expires_at: DateTime<Utc>,
    /// The account.
    pub account: AccountGql,
}

/// A role with the record it is bound to.
#[derive(InputObject)]
#[graphql(name = "RoleAssignmentInput")]
pub struct AssignmentGql {
    /// The role.
    pub role: RoleGql,
    /// Required for `NGO_REPRESENTATIVE`, refused for the others.
    pub organization_id: Option<ID>,
    /// Required for `VOLUNTEER`, refused for the others.
    pub person_id: Option<ID>,
}

impl AssignmentGql {
    fn parse(self, ctx: &Context<'_>) -> Result<Assignment> {
        let organization = self
            .organization_id
            .map(|id| parse_id(ctx, "assignment.organizationId", &id, OrganizationId))
            .transpose()?;
        let person = self.person_id.map(|id| parse_id(ctx, "assignment.personId", &id, PersonId)).transpose()?;
        Ok(Assignment { role: self.role.into(), organization, person })
    }
}

/// The accounts' queries.
#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The logged-in account.
    async fn me(&self, ctx: &Context<'_>) -> Result<AccountGql> {
        Ok(account(ctx)?.clone().into())
    }

    /// Every account, by login (administrators).
    async fn accounts(&self, ctx: &Context<'_>) -> Result<Vec<AccountGql>> {
        let actor = actor(ctx)?;
        Ok(services(ctx).access.accounts(actor).await.gql(ctx)?.into_iter().map(Into::into).collect())
    }
}

/// The accounts' mutations.
#[derive(Default)]
pub struct AccessMutation;

#[Object]
impl AccessMutation {
    /// Opens a session. An unknown login and a wrong password get the same answer; every call
    /// counts against the limits of the login and of the caller's address, aliases included
    /// (`TOO_MANY_REQUESTS` beyond them).
    async fn login(&self, ctx: &Context<'_>, login: String, password: String) -> Result<SessionGql> {
        let caller = caller(ctx);
        let attempt = LoginAttempt {
            login: &login,
            password: &password,
            peer: &caller.peer,
            channel: Channel::Graphql,
            request_id: &caller.actor.request_id,
        };
        let issued = services(ctx).access.login(attempt).await.gql(ctx)?;
        Ok(SessionGql { token: issued.token, expires_at: issued.expires_at, account: issued.account.into() })
    }

    /// Ends the current session.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool> {
        let actor = actor(ctx)?;
        let token = caller(ctx).token.clone().ok_or_else(|| unauthenticated(ctx))?;
        services(ctx).access.logout(actor, &token).await.gql(ctx)?;
        Ok(true)
    }

    /// Changes the caller's own password; every session of the account ends, this one too.
    async fn change_password(&self, ctx: &Context<'_>, current: String, new: String) -> Result<bool> {
        let actor = actor(ctx)?;
        services(ctx).access.change_password(actor, &current, &new).await.gql(ctx)?;
        Ok(true)
    }

    /// Adds an account (administrators).
    async fn add_account(
        &self,
        ctx: &Context<'_>,
        login: String,
        password: String,
        assignment: AssignmentGql,
    ) -> Result<AccountGql> {
        let actor = actor(ctx)?;
        let assignment = assignment.parse(ctx)?;
        Ok(services(ctx).access.add_account(actor, &login, &assignment, &password).await.gql(ctx)?.into())
    }

    /// Gives an account another role; its sessions end (administrators).
    async fn set_account_role(
        &self,
        ctx: &Context<'_>,
        login: String,
        assignment: AssignmentGql,
    ) -> Result<AccountGql> {
        let actor = actor(ctx)?;
        let assignment = assignment.parse(ctx)?;
        Ok(services(ctx).access.set_role(actor, &login, &assignment).await.gql(ctx)?.into())
    }

    /// Sets a new password for an account; its sessions end (administrators).
    async fn reset_password(&self, ctx: &Context<'_>, login: String, password: String) -> Result<AccountGql> {
        let actor = actor(ctx)?;
        Ok(services(ctx).access.reset_password(actor, &login, &password).await.gql(ctx)?.into())
    }

    /// Disables an account and ends its sessions (administrators).
    async fn disable_account(&self, ctx: &Context<'_>, login: String) -> Result<AccountGql> {
        let actor = actor(ctx)?;
        Ok(services(ctx).access.disable(actor, &login).await.gql(ctx)?.into())
    }

    /// Lifts the lock that failed logins put on an account, from every address; its sessions
    /// stay (administrators).
    async fn unlock_account(&self, ctx: &Context<'_>, login: String) -> Result<AccountGql> {
        let actor = actor(ctx)?;
        Ok(services(ctx).access.unlock(actor, &login).await.gql(ctx)?.into())
    }
}
