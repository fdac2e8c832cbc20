//! Who acts: the role, the organisation or person an account is bound to, and the channel.
//!
//! Every use case takes an [`Actor`]; the gateway builds it from the session, the CLI from the
//! operator account named by `--as`. There is no actor without a role, hence no "system mode".

use uuid::Uuid;

use crate::{OrganizationId, PersonId};

/// What an account is for. What each role may do is data: see [`crate::Policy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Runs the system: accounts, audit, everything else.
    Admin,
    /// Centre staff: the registry, appeals, services.
    Coordinator,
    /// Runs training and issues certificates.
    Trainer,
    /// Recruits volunteers and verifies their hours.
    VolunteerCoordinator,
    /// Needs research; works with aggregates, not with people.
    Researcher,
    /// Legal consultations and public expertise of draft laws.
    Lawyer,
    /// A volunteer: their own records only.
    Volunteer,
    /// A representative of one NGO: that organisation's records only.
    NgoRepresentative,
    /// The public, without an account.
    Anonymous,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::Coordinator,
        Role::Trainer,
        Role::VolunteerCoordinator,
        Role::Researcher,
        Role::Lawyer,
        Role::Volunteer,
        Role::NgoRepresentative,
        Role::Anonymous,
    ];

    /// The stable code used in storage, in the policy file and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Trainer => "trainer",
            Role::VolunteerCoordinator => "volunteer_coordinator",
            Role::Researcher => "researcher",
            Role::Lawyer => "lawyer",
            Role::Volunteer => "volunteer",
            Role::NgoRepresentative => "ngo_representative",
            Role::Anonymous => "anonymous",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The role's name for people, in their language.
    pub fn title(self, lang: crate::Lang) -> &'static str {
        let (ru, en) = match self {
            Role::Admin => ("администратор", "administrator"),
            Role::Coordinator => ("координатор", "coordinator"),
            Role::Trainer => ("тренер", "trainer"),
            Role::VolunteerCoordinator => ("координатор волонтёров", "volunteer coordinator"),
            Role::Researcher => ("исследователь", "researcher"),
            Role::Lawyer => ("юрист", "lawyer"),
            Role::Volunteer => ("волонтёр", "volunteer"),
            Role::NgoRepresentative => ("представитель НКО", "NGO representative"),
            Role::Anonymous => ("гость", "guest"),
        };
        crate::Phrase { ru, en }.in_lang(lang)
    }
}

/// Where a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The staff GraphQL API.
    Graphql,
    /// The public GraphQL API.
    Public,
    /// The `nko` command line.
    Cli,
    /// The web console of the staff (browser pages).
    Console,
}

impl Channel {
    /// The stable code kept in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Graphql => "graphql",
            Channel::Public => "public",
            Channel::Cli => "cli",
            Channel::Console => "console",
        }
    }

    /// Every channel, in a stable order.
    pub const ALL: [Channel; 4] = [Channel::Graphql, Channel::Public, Channel::Cli, Channel::Console];
}

/// The one who acts, as every use case sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The account, or `None` for the public.
    pub account: Option<Uuid>,
    /// The account's login (`anonymous` for the public).
    pub login: String,
    /// The role the policy is asked about.
    pub role: Role,
    /// The organisation an `ngo_representative` acts for.
    pub organization: Option<OrganizationId>,
    /// The person record of the account holder (a volunteer's own record).
    pub person: Option<PersonId>,
    /// Where the request came from.
    pub channel: Channel,
    /// The request id, kept in the audit log and in error messages.
    pub request_id: String,
    /// Where the act came from beyond the account: the peer address of an HTTP request, the
    /// operating-system user and host of a command (`nko --as` trusts whoever runs it).
    pub origin: Option<String>,
}

impl Actor {
    /// The public, on the public API.
    pub fn anonymous(request_id: impl Into<String>) -> Self {
        Self {
            account: None,
            login: "anonymous".into(),
            role: Role::Anonymous,
            organization: None,
            person: None,
            channel: Channel::Public,
            request_id: request_id.into(),
            origin: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_code_reads_back_as_the_same_role() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("staff"), None);
    }
}
