//! The services use cases: the catalogue, the directory and its public finder, requests and
//! appeals through their state machine, dispatch and referrals, deliveries and advocacy cases.
//! Each use case passes the gate and hands the store the audit event of its change.

mod cases;
mod catalogue;
mod deliveries;
mod directory;
mod referrals;
mod requests;

use audit::Gate;
use chrono::NaiveDate;
use kernel::{OrganizationId, Scope, Term, TermKind};

use crate::error::ServicesError;
use crate::model::values::{AtField, Code, Invalid, Problem};
use crate::ports::ServicesPorts;

pub use cases::{CaseChange, CaseInput, DocumentInput, HearingInput};
pub use catalogue::{CATEGORIES, CatalogueFileError, CatalogueInput, SeedReport, parse_catalogue};
pub use deliveries::{DeliveryInput, RecipientInput, parse_quantity};
pub use directory::{DirectoryInput, EligibilityInput, PathwayStepInput};
pub use referrals::{Dispatched, NeedInput, ReferralInput};
pub use requests::{AppealInput, ApplicantInput, AttachmentInput, QueueName, RequestInput, StepInput};

/// The services use cases.
pub struct ServicesCatalog {
    ports: ServicesPorts,
    gate: Gate,
    /// The public form's appeals by address (per process: a restart forgets them).
    appeals: std::sync::Mutex<crate::rules::appeal_limits::AppealWindow>,
}

/// Which records of an organisation-held kind a scope lets a list show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Narrow {
    /// Every record.
    All,
    /// Only this organisation's.
    Organization(OrganizationId),
    /// None (a person-bound scope: these records belong to organisations).
    Nothing,
}

impl Narrow {
    /// Of these organisations, those the scope lets a read reach.
    fn organizations(self, ids: &[OrganizationId]) -> Vec<OrganizationId> {
        match self {
            Narrow::All => ids.to_vec(),
            Narrow::Organization(own) => ids.iter().copied().filter(|id| *id == own).collect(),
            Narrow::Nothing => Vec::new(),
        }
    }
}

impl From<Scope> for Narrow {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::All => Narrow::All,
            Scope::Organization(id) => Narrow::Organization(id),
            Scope::Own(_) => Narrow::Nothing,
        }
    }
}

/// The reference lists, as the profile holds them, for checking a record's codes.
struct Lists(Vec<Term>);

impl Lists {
    /// Every code of `codes` is in the `kind` list; the field names the first that is not.
    fn check(&self, kind: TermKind, field: &str, codes: &[Code]) -> Result<(), Invalid> {
        for code in codes {
            if !self.0.iter().any(|t| t.kind == kind && t.code == code.as_str()) {
                return Err(Problem::UnknownCode { code: code.to_string(), list: kind.as_str() }).at(field);
            }
        }
        Ok(())
    }
}

impl ServicesCatalog {
    /// The use cases over these ports. Every use case passes `gate`: the policy decides, the
    /// audit log records.
    pub async fn open(ports: ServicesPorts, gate: Gate) -> Result<Self, ServicesError> {
        Ok(Self { ports, gate, appeals: Default::default() })
    }

    fn today(&self) -> NaiveDate {
        self.gate.clock().today()
    }

    async fn lists(&self) -> Result<Lists, ServicesError> {
        Ok(Lists(self.ports.parties.terms().await?))
    }

    /// `login` is an enabled account whose role the policy lets do `action`; the field names
    /// where the login was given.
    async fn staff_for(&self, login: &str, action: kernel::Action, field: &str) -> Result<(), ServicesError> {
        let role = self.ports.parties.staff_role(login).await?;
        let allowed = role.is_some_and(|role| {
            let mut someone = kernel::Actor::anonymous("check");
            someone.role = role;
            self.gate.allows(&someone, action)
        });
        if allowed {
            Ok(())
        } else {
            Err(Problem::Inconsistent {
                ru: "нет такой действующей учётной записи с ролью, которой это разрешено",
                en: "no enabled account with this login has a role allowed to do this",
            })
            .at(field)?
        }
    }
}
