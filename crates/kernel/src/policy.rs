//! The permission policy: which role may take which action, over which records, as data.
//!
//! The table lives in `profiles/permissions.toml`; every use case asks [`Policy::decide`] before
//! it reads or writes, so the gateway and the CLI get the same verdicts. A role not listed for an
//! action is refused (deny by default), and the file must name exactly the actions the code asks
//! about ([`Policy::require_exactly`]): a typo or a forgotten action stops the start, not a user.

use std::collections::{BTreeMap, BTreeSet};

use crate::actor::{Actor, Role};
use crate::{OrganizationId, PersonId};

/// An operation the policy decides on, named `noun.verb` (e.g. `organization.write`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Action(pub &'static str);

impl Action {
    /// The action's code.
    pub fn code(self) -> &'static str {
        self.0
    }
}

/// Which records a permitted action reaches, as written in the policy file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// Every record.
    All,
    /// The records of the actor's own organisation.
    Organization,
    /// The actor's own records.
    Own,
}

impl ScopeKind {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "all" => Some(ScopeKind::All),
            "organization" => Some(ScopeKind::Organization),
            "own" => Some(ScopeKind::Own),
            _ => None,
        }
    }
}

/// The records a permitted action reaches, bound to this actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every record.
    All,
    /// The records of this organisation.
    Organization(OrganizationId),
    /// The records of this person.
    Own(PersonId),
}

impl Scope {
    /// Whether a record held by these organisations and about this person is inside the scope:
    /// everything for `All`; for an organisation's scope, a record of that organisation; for
    /// one's own scope, a record about oneself. Every domain's record scope asks this.
    pub fn covers(self, organizations: &[OrganizationId], person: Option<PersonId>) -> bool {
        match self {
            Scope::All => true,
            Scope::Organization(own) => organizations.contains(&own),
            Scope::Own(own) => person == Some(own),
        }
    }
}

/// A refusal: the role may not take the action (or is not bound to the records it would reach).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the role {} may not {}", role.code(), action.code())]
pub struct Denied {
    /// What was asked.
    pub action: Action,
    /// By whom.
    pub role: Role,
}

/// The policy file does not describe a policy.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Not TOML of the expected shape.
    #[error("the permissions file is not valid TOML: {0}")]
    Syntax(String),
    /// An unknown role code.
    #[error("permissions: action `{action}` names an unknown role `{role}`")]
    UnknownRole { action: String, role: String },
    /// An unknown scope.
    #[error("permissions: action `{action}`, role `{role}`: scope must be all, organization or own, not `{scope}`")]
    UnknownScope { action: String, role: String, scope: String },
    /// Actions the code asks about that the file does not list.
    #[error("permissions: these actions are not in the file: {}", .0.join(", "))]
    Missing(Vec<String>),
    /// Actions the file lists that no code asks about (a typo, or a removed action).
    #[error("permissions: the file lists actions no code asks about: {}", .0.join(", "))]
    Unknown(Vec<String>),
}

/// The parsed policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    rules: BTreeMap<String, BTreeMap<Role, ScopeKind>>,
}

impl Policy {
    /// Reads the policy file: one table per action, mapping role codes to scopes.
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let raw: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        let mut rules = BTreeMap::new();
        for (action, grants) in raw {
            let mut parsed = BTreeMap::new();
            for (role, scope) in grants {
                let Some(r) = Role::parse(&role) else {
                    return Err(PolicyError::UnknownRole { action, role });
                };
                let Some(s) = ScopeKind::parse(&scope) else {
                    return Err(PolicyError::UnknownScope { action, role, scope });
                };
                parsed.insert(r, s);
            }
            rules.insert(action, parsed);
        }
        Ok(Self { rules })
    }

    /// Checks that the file lists exactly these actions.
    pub fn require_exactly(&self, actions: &[Action]) -> Result<(), PolicyError> {
        let asked: BTreeSet<&str> = actions.iter().map(|a| a.code()).collect();
        let listed: BTreeSet<&str> = self.rules.keys().map(String::as_str).collect();
        let missing: Vec<String> = asked.difference(&listed).map(|s| (*s).to_owned()).collect();
        if !missing.is_empty() {
            return Err(PolicyError::Missing(missing));
        }
        let unknown: Vec<String> = listed.difference(&asked).map(|s| (*s).to_owned()).collect();
        if !unknown.is_empty() {
            return Err(PolicyError::Unknown(unknown));
        }
        Ok(())
    }

    /// What the file grants this role for this action, unbound.
    pub fn grant(&self, role: Role, action: Action) -> Option<ScopeKind> {
        self.rules.get(action.code()).and_then(|grants| grants.get(&role)).copied()
    }

    /// The verdict for this actor: the records the action may reach, or a refusal. A scoped
    /// grant refuses an actor who is not bound to an organisation or a person.
    pub fn decide(&self, actor: &Actor, action: Action) -> Result<Scope, Denied> {
        let denied = Denied { action, role: actor.role };
        match self.grant(actor.role, action).ok_or(denied)? {
            ScopeKind::All => Ok(Scope::All),
            ScopeKind::Organization => actor.organization.map(Scope::Organization).ok_or(denied),
            ScopeKind::Own => actor.person.map(Scope::Own).ok_or(denied),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Channel;
    use proptest::prelude::*;

    const READ: Action = Action("thing.read");
    const WRITE: Action = Action("thing.write");

    fn actor(role: Role, organization: Option<OrganizationId>, person: Option<PersonId>) -> Actor {
        Actor {
            account: Some(uuid::Uuid::nil()),
            login: "someone".into(),
            role,
            organization,
            person,
            channel: Channel::Graphql,
            request_id: "r".into(),
            origin: None,
        }
    }

    fn policy() -> Policy {
        Policy::parse(
            r#"
            ["thing.read"]
            admin = "all"
            ngo_representative = "organization"
            volunteer = "own"
            ["thing.write"]
            admin = "all"
            "#,
        )
        .expect("a valid policy")
    }

    #[test]
    fn unlisted_roles_are_refused() {
        let verdict = policy().decide(&actor(Role::Coordinator, None, None), READ);
        assert_eq!(verdict, Err(Denied { action: READ, role: Role::Coordinator }));
    }

    #[test]
    fn scoped_grants_bind_to_the_actors_organisation_or_person() {
        let (org, person) = (OrganizationId(uuid::Uuid::from_u128(7)), PersonId(uuid::Uuid::from_u128(9)));
        let p = policy();
        assert_eq!(p.decide(&actor(Role::NgoRepresentative, Some(org), None), READ), Ok(Scope::Organization(org)));
        assert_eq!(p.decide(&actor(Role::Volunteer, None, Some(person)), READ), Ok(Scope::Own(person)));
        assert!(p.decide(&actor(Role::NgoRepresentative, None, None), READ).is_err(), "unbound representative");
        assert!(p.decide(&actor(Role::Volunteer, None, Some(person)), WRITE).is_err());
    }

    #[test]
    fn the_file_must_list_exactly_the_actions_the_code_asks_about() {
        let p = policy();
        assert_eq!(p.require_exactly(&[READ, WRITE]), Ok(()));
        assert_eq!(
            p.require_exactly(&[READ, WRITE, Action("thing.delete")]),
            Err(PolicyError::Missing(vec!["thing.delete".into()]))
        );
        assert_eq!(p.require_exactly(&[READ]), Err(PolicyError::Unknown(vec!["thing.write".into()])));
    }

    #[test]
    fn unknown_roles_and_scopes_are_named() {
        assert_eq!(
            Policy::parse("[\"a.b\"]\nstaff = \"all\""),
            Err(PolicyError::UnknownRole { action: "a.b".into(), role: "staff".into() })
        );
        assert_eq!(
            Policy::parse("[\"a.b\"]\nadmin = \"some\""),
            Err(PolicyError::UnknownScope { action: "a.b".into(), role: "admin".into(), scope: "some".into() })
        );
    }

    proptest! {
        #[test]
        fn a_verdict_is_exactly_what_the_table_grants(grants in proptest::collection::vec(any::<bool>(), 9)) {
            let text: String = Role::ALL
                .iter()
                .zip(&grants)
                .filter(|(_, g)| **g)
                .map(|(r, _)| format!("{} = \"all\"\n", r.code()))
                .collect();
            let p = Policy::parse(&format!("[\"thing.read\"]\n{text}")).unwrap();
            for (role, granted) in Role::ALL.iter().zip(&grants) {
                let verdict = p.decide(&actor(*role, None, None), READ);
                prop_assert_eq!(verdict.is_ok(), *granted);
            }
        }
    }
}
