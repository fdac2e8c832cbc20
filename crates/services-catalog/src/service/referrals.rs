//! Dispatch and referrals: rank the directory's services for a person's need, send the person
//! to the chosen NGO with their consent, and let the NGO answer in its own scope; every answer
//! is written into the request's history.

use audit::object;
use kernel::{Actor, OrganizationId, Page, PageRequest, PersonId, TermKind};

use crate::actions::{DISPATCH, REFERRAL_ANSWER, REFERRAL_MANAGE, REFERRAL_PERSON, REFERRAL_READ};
use crate::error::{Conflict, ServicesError};
use crate::model::directory::{DirectoryService, DirectoryServiceId, ServiceStatus};
use crate::model::referral::{Referral, ReferralId, ReferralState, ReferredPerson};
use crate::model::request::{RequestEvent, RequestId};
use crate::model::values::{self, AtField, Code, Problem};
use crate::ports::ReferralFilter;
use crate::rules::dispatch::{self, Need, Ranked};
use crate::rules::referral_flow::{self, ReferralStep, Withheld};
use crate::service::{Narrow, ServicesCatalog};

/// The most services one dispatch considers.
pub const MAX_CANDIDATES: u64 = 500;
/// The most ranked services one dispatch answers.
pub const MAX_RANKED: usize = 50;

/// A person's need as typed by a dispatcher.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NeedInput {
    /// A `target_group` or `service_type` code.
    pub need: String,
    /// A `municipality` code.
    pub municipality: Option<String>,
    /// `target_group` codes.
    pub target_groups: Vec<String>,
    /// Age in years.
    pub age: Option<i64>,
    /// ISO 639-1 language.
    pub language: Option<String>,
    /// Income as a multiple of the subsistence minimum, in hundredths.
    pub income: Option<i64>,
}

/// A ranked service with the service itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispatched {
    /// Its rank's score and reasons.
    pub ranked: Ranked,
    /// The service.
    pub service: DirectoryService,
}

/// A referral as a dispatcher sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralInput {
    /// The request it serves.
    pub request: RequestId,
    /// The person referred.
    pub person: PersonId,
    /// The directory service.
    pub service: DirectoryServiceId,
    /// What the centre tells the NGO.
    pub note: Option<String>,
}

impl ServicesCatalog {
    /// Ranks the directory's services for a need: eligible ones serving it, best first, with the
    /// reasons; at most [`MAX_RANKED`].
    pub async fn dispatch(&self, actor: &Actor, input: &NeedInput) -> Result<Vec<Dispatched>, ServicesError> {
        self.gate.require_all(actor, DISPATCH, None).await?;
        let lists = self.lists().await?;
        let need = Code::parse(&input.need).at("need")?;
        let known_need = lists.check(TermKind::TargetGroup, "need", std::slice::from_ref(&need)).is_ok()
            || lists.check(TermKind::ServiceType, "need", std::slice::from_ref(&need)).is_ok();
        if !known_need {
            return Err(Problem::UnknownCode { code: need.to_string(), list: "target_group / service_type" })
                .at("need")?;
        }
        let municipality = input.municipality.as_deref().filter(|m| !m.trim().is_empty()).map(Code::parse);
        let municipality = municipality.transpose().at("municipality")?;
        lists.check(TermKind::Municipality, "municipality", municipality.as_slice())?;
        let target_groups = values::codes(&input.target_groups, 50).at("targetGroups")?;
        lists.check(TermKind::TargetGroup, "targetGroups", &target_groups)?;
        let need = Need {
            need,
            municipality,
            target_groups,
            age: input
                .age
                .map(|a| u8::try_from(a).ok().filter(|a| *a <= 120).ok_or(Problem::OutOfRange { min: 0, max: 120 }))
                .transpose()
                .at("age")?,
            language: input
                .language
                .as_deref()
                .filter(|l| !l.trim().is_empty())
                .map(Code::parse)
                .transpose()
                .at("language")?,
            income: input
                .income
                .map(|i| {
                    u16::try_from(i).ok().filter(|i| *i <= 10_000).ok_or(Problem::OutOfRange { min: 0, max: 10_000 })
                })
                .transpose()
                .at("income")?,
        };
        let candidates = self.ports.directory.candidates(&need.need, MAX_CANDIDATES).await?;
        let ranked = dispatch::rank(&candidates, &need);
        Ok(ranked
            .into_iter()
            .take(MAX_RANKED)
            .filter_map(|ranked| {
                let service = candidates.iter().find(|s| s.id == ranked.service)?.clone();
                Some(Dispatched { ranked, service })
            })
            .collect())
    }

    /// Refers a person to a directory service for a request: refused when the person has not
    /// consented to their data going to the service's provider.
    pub async fn refer(&self, actor: &Actor, input: &ReferralInput) -> Result<Referral, ServicesError> {
        self.gate.require_all(actor, REFERRAL_MANAGE, object("request", input.request.0)).await?;
        let note = values::optional_text(input.note.as_deref(), 2000, true).at("note")?;
        let request = self.ports.requests.get(input.request).await?.ok_or(ServicesError::NotFound("request"))?;
        if !request.state.is_open() {
            return Err(crate::rules::request_flow::FlowError::NotAllowed { from: request.state, step: "refer" }.into());
        }
        if !referral_flow::may_refer(&request.applicant, input.person) {
            return Err(Problem::Inconsistent {
                ru: "обращение подал другой человек из реестра: направить можно только его",
                en: "the request is from another person of the registry: only they may be referred",
            })
            .at("personId")?;
        }
        let service =
            self.ports.directory.get(input.service).await?.ok_or(ServicesError::NotFound("directory service"))?;
        let provider_open = !self.ports.parties.active_organizations(&[service.provider]).await?.is_empty();
        if service.status == ServiceStatus::Retired || !provider_open {
            return Err(ServicesError::NotOffered);
        }
        if !self.ports.parties.consented_to_share(input.person, service.provider).await? {
            let refusal = audit::AuditEvent::new(
                actor,
                REFERRAL_MANAGE.code(),
                object("person", input.person.0),
                audit::Outcome::Denied,
                self.gate.clock().now(),
            )
            .with_detail(format!("no consent to share with organization:{}", service.provider.0));
            self.gate.record(&refusal).await?;
            return Err(ServicesError::NoConsent);
        }
        let open = ReferralFilter { request: Some(request.id), ..Default::default() };
        let page = kernel::PageRequest { first: kernel::MAX_PAGE_SIZE, after: None, count: false };
        let mut after = None;
        loop {
            let found =
                self.ports.referrals.list(&open, kernel::PageRequest { after: after.clone(), ..page.clone() }).await?;
            let duplicate =
                found.items.iter().any(|r| r.person == input.person && r.service == service.id && r.state.is_open());
            if duplicate {
                return Err(ServicesError::AlreadyReferred);
            }
            if !found.has_next {
                break;
            }
            after = found.positions.last().cloned();
        }
        let now = self.gate.clock().now();
        let referral = Referral {
            id: ReferralId::new(),
            version: 1,
            request: request.id,
            person: input.person,
            service: service.id,
            provider: service.provider,
            state: ReferralState::Pending,
            note,
            outcome: None,
            created_by: actor.login.clone(),
            created_at: now,
            answered_by: None,
            updated_at: now,
        };
        let event = RequestEvent {
            request: request.id,
            at: now,
            by: actor.login.clone(),
            state: request.state,
            what: "referral_sent".into(),
            note: Some(service.name.clone()),
        };
        let audit = self
            .gate
            .event(actor, REFERRAL_MANAGE, object("referral", referral.id.0))
            .with_detail(format!("refer person:{} to organization:{}", input.person.0, service.provider.0));
        self.ports.referrals.insert(&referral, &event, &audit).await.map_err(|e| match e {
            kernel::StoreError::Conflict(Conflict::MissingReference) => ServicesError::NotFound("person"),
            other => other.into(),
        })?;
        Ok(referral)
    }

    /// The referral, if the actor may reach it with `action` (a representative: referrals to
    /// their organisation).
    async fn reachable_referral(
        &self,
        actor: &Actor,
        action: kernel::Action,
        id: ReferralId,
    ) -> Result<Referral, ServicesError> {
        let stored = self.ports.referrals.get(id).await?;
        let holders: Vec<OrganizationId> = stored.iter().map(|r| r.provider).collect();
        let reached = self
            .gate
            .reach(actor, action, object("referral", id.0), async |scope| {
                Ok::<_, ServicesError>(stored.is_some() && scope.covers(&holders, None))
            })
            .await?;
        stored.filter(|_| reached).ok_or(ServicesError::NotFound("referral"))
    }

    /// Accepts, declines, completes or revokes a referral read at `expected_version`. The NGO's
    /// representative answers referrals to their organisation; revoking is the centre's. A
    /// decline or a revocation says why.
    pub async fn answer_referral(
        &self,
        actor: &Actor,
        id: ReferralId,
        expected_version: i64,
        step: ReferralStep,
        outcome: Option<&str>,
    ) -> Result<Referral, ServicesError> {
        let action = if step.is_the_providers() { REFERRAL_ANSWER } else { REFERRAL_MANAGE };
        let mut referral = self.reachable_referral(actor, action, id).await?;
        let outcome = values::optional_text(outcome, 2000, true).at("outcome")?;
        if outcome.is_none() && matches!(step, ReferralStep::Decline | ReferralStep::Revoke) {
            return Err(Problem::Empty).at("outcome")?;
        }
        if referral.version != expected_version {
            return Err(ServicesError::Conflict(Conflict::StaleVersion));
        }
        let to = referral_flow::target(referral.state, step)
            .ok_or(ServicesError::ReferralStep { from: referral.state.code(), step: step.code() })?;
        // The person's data go to the NGO while it works with them: a consent withdrawn since the
        // referral was sent stops it being taken up or completed (it can still be declined or
        // revoked).
        if matches!(step, ReferralStep::Accept | ReferralStep::Complete)
            && !self.ports.parties.consented_to_share(referral.person, referral.provider).await?
        {
            return Err(ServicesError::NoConsent);
        }
        let request = self.ports.requests.get(referral.request).await?.ok_or(ServicesError::NotFound("request"))?;
        let now = self.gate.clock().now();
        referral.state = to;
        referral.version += 1;
        referral.outcome = outcome.clone().or(referral.outcome);
        referral.answered_by = Some(actor.login.clone());
        referral.updated_at = now;
        let event = RequestEvent {
            request: referral.request,
            at: now,
            by: actor.login.clone(),
            state: request.state,
            what: format!("referral_{}", to.code()),
            note: outcome,
        };
        let audit = self.gate.event(actor, action, object("referral", id.0)).with_detail(format!(
            "{} -> {}",
            step.code(),
            to.code()
        ));
        self.ports.referrals.update(&referral, &event, &audit).await?;
        Ok(referral)
    }

    /// One referral.
    pub async fn referral(&self, actor: &Actor, id: ReferralId) -> Result<Referral, ServicesError> {
        self.reachable_referral(actor, REFERRAL_READ, id).await
    }

    /// The name and contacts of the person the referral sends, for the NGO it is sent to (and
    /// the centre): only while the referral is open and the person's consent to share their data
    /// with that NGO holds. Every read is recorded in the audit log as a read of the person's
    /// data; a refusal because of the state or the consent is recorded too.
    pub async fn referred_person(&self, actor: &Actor, id: ReferralId) -> Result<ReferredPerson, ServicesError> {
        let referral = self.reachable_referral(actor, REFERRAL_PERSON, id).await?;
        let consented = referral.state.is_open()
            && self.ports.parties.consented_to_share(referral.person, referral.provider).await?;
        let at = object("person", referral.person.0);
        if let Some(withheld) = referral_flow::withheld(referral.state, consented) {
            let why = match withheld {
                Withheld::Closed => referral.state.code(),
                Withheld::NoConsent => "without the person's consent for this organisation",
            };
            let now = self.gate.clock().now();
            let denied = audit::AuditEvent::new(actor, REFERRAL_PERSON.code(), at.clone(), audit::Outcome::Denied, now)
                .with_detail(format!("referral:{} is {why}", id.0));
            self.gate.record(&denied).await?;
            return Err(match withheld {
                Withheld::Closed => ServicesError::ReferralClosed(referral.state.code()),
                Withheld::NoConsent => ServicesError::NoConsent,
            });
        }
        let person =
            self.ports.parties.referred_person(referral.person).await?.ok_or(ServicesError::NotFound("person"))?;
        let read =
            self.gate.event(actor, REFERRAL_PERSON, at).with_detail(format!("name and contacts by referral:{}", id.0));
        self.gate.record(&read).await?;
        Ok(person)
    }

    /// A page of referrals, newest first; a representative sees those to their organisation.
    pub async fn referrals(
        &self,
        actor: &Actor,
        mut filter: ReferralFilter,
        page: PageRequest,
    ) -> Result<Page<Referral>, ServicesError> {
        let scope = self.gate.check(actor, REFERRAL_READ, None).await?;
        match Narrow::from(scope) {
            Narrow::All => {}
            Narrow::Organization(own) if filter.provider.is_none_or(|p| p == own) => filter.provider = Some(own),
            _ => return Ok(Page::empty(&page)),
        }
        Ok(self.ports.referrals.list(&filter, page).await?)
    }

    /// The referrals to these organisations (the `referralsReceived` field).
    pub async fn referrals_to(
        &self,
        actor: &Actor,
        providers: &[OrganizationId],
    ) -> Result<Vec<Referral>, ServicesError> {
        let scope = self.gate.check(actor, REFERRAL_READ, None).await?;
        let ids = Narrow::from(scope).organizations(providers);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.ports.referrals.of_providers(&ids).await?)
    }
}
