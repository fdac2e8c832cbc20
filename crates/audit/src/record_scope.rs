//! The record scope every domain calls: the policy may grant an action only on some records (a
//! representative: their organisation's; a volunteer: their own). Outside the scope the answer is
//! exactly the one for a missing record, so a caller learns nothing about records they may not
//! see, and the probe is recorded as a refusal.

use kernel::{Action, Actor, Scope};

use crate::error::GateError;
use crate::service::Gate;

impl Gate {
    /// Asks the policy for `action` on `object`, then `in_scope` whether the record sits inside
    /// the granted scope (domains answer with [`Scope::covers`], loading what they must to know
    /// who holds the record). `Ok(true)`: go on. `Ok(false)`: the probe is recorded and the caller
    /// must answer exactly as for a missing record. A policy refusal is an error, recorded too.
    pub async fn reach<E: From<GateError>>(
        &self,
        actor: &Actor,
        action: Action,
        object: Option<String>,
        in_scope: impl AsyncFnOnce(Scope) -> Result<bool, E>,
    ) -> Result<bool, E> {
        let scope = self.check(actor, action, object.clone()).await?;
        if in_scope(scope).await? {
            return Ok(true);
        }
        self.record_out_of_scope(actor, action, object).await?;
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use kernel::{FixedClock, OrganizationId, PersonId, Policy, Role};
    use proptest::prelude::*;

    use super::*;
    use crate::model::Outcome;
    use crate::testing::{MemoryAuditLog, coordinator, instant};

    const READ: Action = Action("record.read");
    const POLICY: &str = r#"
        ["record.read"]
        coordinator = "all"
        ngo_representative = "organization"
        volunteer = "own"
    "#;

    fn gate(log: &MemoryAuditLog) -> Gate {
        let policy = Arc::new(Policy::parse(POLICY).expect("valid"));
        Gate::new(policy, Arc::new(log.clone()), Arc::new(FixedClock(instant())))
    }

    fn actor(role: Role, organization: u128, person: u128) -> Actor {
        Actor {
            role,
            organization: (role == Role::NgoRepresentative)
                .then(|| OrganizationId(uuid::Uuid::from_u128(organization))),
            person: (role == Role::Volunteer).then(|| PersonId(uuid::Uuid::from_u128(person))),
            ..coordinator()
        }
    }

    proptest! {
        /// The record scope, for any role and any record: inside the scope nothing is recorded
        /// and the caller goes on; outside it the answer is "missing" and exactly one refusal
        /// naming the record is recorded; a role the policy refuses gets the refusal, recorded.
        #[test]
        fn a_record_is_reached_exactly_when_the_scope_covers_it_and_every_probe_is_recorded(
            role in prop::sample::select(vec![Role::Coordinator, Role::NgoRepresentative, Role::Volunteer, Role::Trainer]),
            own_organization in 0u128..3, own_person in 0u128..3,
            holders in prop::collection::vec(0u128..3, 0..3), about in prop::option::of(0u128..3),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let log = MemoryAuditLog::default();
            let gate = gate(&log);
            let actor = actor(role, own_organization, own_person);
            let holders: Vec<OrganizationId> = holders.into_iter().map(|n| OrganizationId(uuid::Uuid::from_u128(n))).collect();
            let about = about.map(|n| PersonId(uuid::Uuid::from_u128(n)));
            let object = Some("record:7".to_owned());
            let reached = runtime.block_on(gate.reach(&actor, READ, object.clone(), async |scope: Scope| {
                Ok::<_, GateError>(scope.covers(&holders, about))
            }));
            let rows = log.rows();
            match role {
                Role::Trainer => {
                    prop_assert!(matches!(reached, Err(GateError::Denied(_))));
                    prop_assert_eq!(rows.len(), 1);
                }
                _ => {
                    let expected = match role {
                        Role::Coordinator => true,
                        Role::NgoRepresentative => holders.contains(&actor.organization.expect("bound")),
                        _ => about == actor.person,
                    };
                    prop_assert_eq!(reached.expect("no refusal by the policy"), expected);
                    prop_assert_eq!(rows.len(), usize::from(!expected), "one row per probe outside the scope");
                }
            }
            for row in rows {
                prop_assert_eq!(row.event.outcome, Outcome::Denied);
                prop_assert_eq!(&row.event.object, &object);
                prop_assert_eq!(row.event.action.as_str(), READ.code());
            }
        }
    }
}
