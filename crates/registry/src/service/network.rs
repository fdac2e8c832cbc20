//! Coalitions and ties between organisations.

use std::collections::HashSet;

use audit::object;
use chrono::NaiveDate;
use kernel::{Actor, Period, Scope};

use crate::actions::{COALITION_WRITE, ORGANIZATION_READ, TIE_WRITE};
use crate::error::{Conflict, InvalidField, RegistryError};
use crate::input::{not_in_future, plausible_start};
use crate::model::{
    Coalition, CoalitionId, CoalitionMember, CoalitionMemberId, CoalitionRole, MAX_SHORT_TEXT, MAX_TEXT, OrgName,
    OrgStatus, OrganizationId, Text, Tie, TieEnd, TieId, TieKind,
};
use crate::rules::ties::check_new_tie;
use kernel::StoreError;

use super::{Registry, missing_reference};

/// A new tie, as a client describes it.
#[derive(Clone, Debug)]
pub struct NewTie {
    /// What the organisations do together.
    pub kind: TieKind,
    /// One side.
    pub a: OrganizationId,
    /// Its role.
    pub a_role: Option<String>,
    /// The other side.
    pub b: OrganizationId,
    /// Its role.
    pub b_role: Option<String>,
    /// The first day (today when absent).
    pub from: Option<NaiveDate>,
    /// The last day, for a tie that has already ended.
    pub to: Option<NaiveDate>,
    /// A note.
    pub note: Option<String>,
}

impl Registry {
    // Coalitions.

    /// Creates a coalition.
    pub async fn create_coalition(
        &self,
        actor: &Actor,
        name: &str,
        purpose: Option<&str>,
        founded_on: Option<NaiveDate>,
    ) -> Result<Coalition, RegistryError> {
        self.gate.require_all(actor, COALITION_WRITE, None).await?;
        not_in_future("foundedOn", founded_on, self.today())?;
        let coalition = Coalition {
            id: CoalitionId::new(),
            name: OrgName::parse(name).map_err(|p| InvalidField::new("name", p))?,
            purpose: purpose
                .filter(|p| !p.trim().is_empty())
                .map(|p| Text::parse(p, MAX_TEXT))
                .transpose()
                .map_err(|p| InvalidField::new("purpose", p))?,
            founded_on,
            created_at: self.now(),
        };
        let event = self.gate.event(actor, COALITION_WRITE, object("coalition", coalition.id.0)).with_detail("create");
        self.ports.coalitions.insert(&coalition, &event).await?;
        Ok(coalition)
    }

    /// Every coalition (for a representative: those their organisation belongs to).
    pub async fn coalitions(&self, actor: &Actor) -> Result<Vec<Coalition>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        let all = self.ports.coalitions.list().await?;
        self.coalitions_in_scope(scope, all).await
    }

    /// Several coalitions by id, within the actor's scope.
    pub async fn coalitions_by_ids(&self, actor: &Actor, ids: &[CoalitionId]) -> Result<Vec<Coalition>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        let found = self.ports.coalitions.get_many(ids).await?;
        self.coalitions_in_scope(scope, found).await
    }

    async fn coalitions_in_scope(&self, scope: Scope, found: Vec<Coalition>) -> Result<Vec<Coalition>, RegistryError> {
        match scope {
            Scope::All => Ok(found),
            Scope::Organization(own) => {
                let joined: HashSet<CoalitionId> =
                    self.ports.coalitions.memberships_of(&[own]).await?.into_iter().map(|m| m.coalition).collect();
                Ok(found.into_iter().filter(|c| joined.contains(&c.id)).collect())
            }
            Scope::Own(_) => Ok(Vec::new()),
        }
    }

    /// Coalition member records within the scope: a representative sees their organisation's own.
    fn members_in_scope(scope: Scope, found: Vec<CoalitionMember>) -> Vec<CoalitionMember> {
        match scope {
            Scope::All => found,
            Scope::Organization(own) => found.into_iter().filter(|m| m.organization == own).collect(),
            Scope::Own(_) => Vec::new(),
        }
    }

    /// Adds an organisation to a coalition from `from` (today when absent).
    pub async fn add_coalition_member(
        &self,
        actor: &Actor,
        coalition: CoalitionId,
        organization: OrganizationId,
        role: CoalitionRole,
        from: Option<NaiveDate>,
    ) -> Result<CoalitionMember, RegistryError> {
        self.gate.require_all(actor, COALITION_WRITE, object("coalition", coalition.0)).await?;
        if self.ports.coalitions.get_many(&[coalition]).await?.is_empty() {
            return Err(RegistryError::NotFound { entity: "coalition" });
        }
        let org = self.existing_organization(organization).await?;
        if matches!(org.status, OrgStatus::Liquidated { .. }) {
            return Err(RegistryError::Liquidated);
        }
        let member = CoalitionMember {
            id: CoalitionMemberId::new(),
            coalition,
            organization,
            role,
            period: Period::open(plausible_start("from", from, self.today())?),
        };
        let event = self.gate.event(actor, COALITION_WRITE, object("coalition_member", member.id.0));
        self.ports.coalitions.insert_member(&member, &event).await.map_err(missing_reference)?;
        Ok(member)
    }

    /// Ends a coalition membership on `on` (today when absent).
    pub async fn end_coalition_member(
        &self,
        actor: &Actor,
        id: CoalitionMemberId,
        on: Option<NaiveDate>,
    ) -> Result<CoalitionMember, RegistryError> {
        let object = object("coalition_member", id.0);
        self.gate.require_all(actor, COALITION_WRITE, object.clone()).await?;
        let mut member = self
            .ports
            .coalitions
            .get_member(id)
            .await?
            .ok_or(RegistryError::NotFound { entity: "coalition member" })?;
        member.period =
            member.period.ended_on(on.unwrap_or_else(|| self.today())).map_err(|_| RegistryError::EndBeforeStart)?;
        let event = self.gate.event(actor, COALITION_WRITE, object).with_detail("end");
        self.ports.coalitions.set_member_end(id, member.period.to().expect("just ended"), &event).await?;
        Ok(member)
    }

    /// Members of these coalitions.
    pub async fn members_of_coalitions(
        &self,
        actor: &Actor,
        ids: &[CoalitionId],
    ) -> Result<Vec<CoalitionMember>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        Ok(Self::members_in_scope(scope, self.ports.coalitions.members_of(ids).await?))
    }

    /// Coalition memberships of these organisations.
    pub async fn coalition_memberships_of(
        &self,
        actor: &Actor,
        ids: &[OrganizationId],
    ) -> Result<Vec<CoalitionMember>, RegistryError> {
        let scope = self.gate.check(actor, ORGANIZATION_READ, None).await?;
        Ok(Self::members_in_scope(scope, self.ports.coalitions.memberships_of(ids).await?))
    }

    // Ties.

    /// Adds a tie between two organisations after checking the tie rules.
    pub async fn add_tie(&self, actor: &Actor, new: &NewTie) -> Result<Tie, RegistryError> {
        self.gate.require_all(actor, TIE_WRITE, None).await?;
        let role = |name: &str, value: &Option<String>| {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| Text::parse(v, MAX_SHORT_TEXT))
                .transpose()
                .map_err(|p| InvalidField::new(name, p))
        };
        let from = plausible_start("from", new.from, self.today())?;
        let period = Period::new(from, new.to).map_err(|_| RegistryError::EndBeforeStart)?;
        let note = new
            .note
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| Text::parse(v, MAX_TEXT))
            .transpose()
            .map_err(|p| InvalidField::new("note", p))?;
        let tie = Tie::new(
            TieId::new(),
            new.kind,
            TieEnd { organization: new.a, role: role("aRole", &new.a_role)? },
            TieEnd { organization: new.b, role: role("bRole", &new.b_role)? },
            period,
            note,
        );
        let a = self.existing_organization(new.a).await?;
        let b = if new.a == new.b { a.clone() } else { self.existing_organization(new.b).await? };
        let existing: Vec<Tie> =
            self.ports.ties.of_organizations(&[new.a]).await?.into_iter().filter(|t| t.pair() == tie.pair()).collect();
        check_new_tie(&tie, [&a, &b], &existing)?;
        let event = self.gate.event(actor, TIE_WRITE, object("tie", tie.id.0)).with_detail("create");
        match self.ports.ties.insert(&tie, &event).await {
            Err(StoreError::Conflict(Conflict::ActiveTie)) => {
                Err(crate::rules::ties::TieRuleViolation::DuplicateActiveTie.into())
            }
            other => other.map_err(missing_reference),
        }?;
        Ok(tie)
    }

    /// Ends a tie on `on` (today when absent).
    pub async fn end_tie(&self, actor: &Actor, id: TieId, on: Option<NaiveDate>) -> Result<Tie, RegistryError> {
        let object = object("tie", id.0);
        self.gate.require_all(actor, TIE_WRITE, object.clone()).await?;
        let tie = self.ports.ties.get(id).await?.ok_or(RegistryError::NotFound { entity: "tie" })?;
        let period =
            tie.period.ended_on(on.unwrap_or_else(|| self.today())).map_err(|_| RegistryError::EndBeforeStart)?;
        let event = self.gate.event(actor, TIE_WRITE, object).with_detail("end");
        self.ports.ties.set_end(id, period.to().expect("just ended"), &event).await?;
        Ok(tie.with_period(period))
    }

    /// Ties of these organisations (a representative sees only ties of their organisation).
    pub async fn ties_of(&self, actor: &Actor, ids: &[OrganizationId]) -> Result<Vec<Tie>, RegistryError> {
        let ids: Vec<OrganizationId> = match self.gate.check(actor, ORGANIZATION_READ, None).await? {
            Scope::All => ids.to_vec(),
            Scope::Organization(own) => ids.iter().copied().filter(|id| *id == own).collect(),
            Scope::Own(_) => Vec::new(),
        };
        Ok(self.ports.ties.of_organizations(&ids).await?)
    }
}
