//! Requests and appeals: receive them (staff, a representative, the public form), take them
//! through their state machine on 59-FZ deadlines, and read them by queue.

use audit::object;
use chrono::NaiveDate;
use kernel::{Actor, OrganizationId, Page, PageRequest, PersonId, Scope};

use crate::actions::{REQUEST_MANAGE, REQUEST_READ, REQUEST_SUBMIT};
use crate::error::{Conflict, ServicesError};
use crate::model::catalogue::CatalogueServiceId;
use crate::model::request::{
    Applicant, ApplicantContact, Attachment, IntakeChannel, RejectionReason, Request, RequestEvent, RequestId,
    RequestKind, RequestState,
};
use crate::model::values::{self, AtField, Invalid, Problem};
use crate::ports::{Queue, QueueCounts, RequestFilter};
use crate::rules::deadlines::{self, DeadlinePolicy};
use crate::rules::request_flow::{self, Step};
use crate::service::{Narrow, ServicesCatalog};

/// The most attachments one request describes.
const MAX_ATTACHMENTS: usize = 20;
/// The longest request text.
pub const MAX_TEXT: usize = 20_000;

/// The applicant as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplicantInput {
    /// An organisation of the registry.
    Organization(OrganizationId),
    /// A person of the registry.
    Person(PersonId),
    /// A citizen by what they wrote.
    Citizen {
        /// Name.
        name: Option<String>,
        /// E-mail.
        email: Option<String>,
        /// Postal address.
        postal_address: Option<String>,
        /// Telephone.
        phone: Option<String>,
    },
    /// Nobody named.
    Anonymous,
}

/// An attachment's description as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentInput {
    /// File name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

/// A request as staff or a representative enter it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInput {
    /// `ngo` or `citizen`.
    pub kind: RequestKind,
    /// How it came.
    pub channel: IntakeChannel,
    /// Subject in a line.
    pub topic: String,
    /// The catalogue service asked for.
    pub service: Option<CatalogueServiceId>,
    /// The text.
    pub text: String,
    /// Files that came with it.
    pub attachments: Vec<AttachmentInput>,
    /// Who it comes from.
    pub applicant: ApplicantInput,
    /// The applicant consented to the processing of their data in it.
    pub consent_given: bool,
    /// The day it was received (today when absent).
    pub received_on: Option<NaiveDate>,
}

/// A citizen's appeal from the public form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppealInput {
    /// Surname, name, patronymic.
    pub name: String,
    /// E-mail for the answer.
    pub email: String,
    /// Postal address, if the answer should come by post too.
    pub postal_address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Subject in a line.
    pub topic: String,
    /// The appeal.
    pub text: String,
    /// Consent to the processing of the personal data in the appeal (required).
    pub consent: bool,
    /// The posted form's key (64 hex digits: the console hashes the browser's form secret, the
    /// form's id and what it says): a second post of the same form answers the request the first
    /// one filed, and files nothing.
    pub submission: Option<String>,
}

/// A step as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepInput {
    /// Register.
    Register,
    /// Assign to a login.
    Assign(String),
    /// Start work.
    Start,
    /// Extend once.
    Extend {
        /// Days, 1 to 30.
        days: i64,
        /// Why.
        reason: String,
        /// How the applicant was told.
        notice: String,
    },
    /// Answer.
    Answer(String),
    /// Redirect to a body.
    Redirect(String),
    /// Leave without an answer.
    Reject(RejectionReason),
    /// Close.
    Close,
    /// Reopen.
    Reopen,
}

impl StepInput {
    fn validate(&self) -> Result<Step, Invalid> {
        Ok(match self {
            StepInput::Register => Step::Register,
            StepInput::Assign(login) => Step::Assign { to: login_of(login).at("assignee")? },
            StepInput::Start => Step::Start,
            StepInput::Extend { days, reason, notice } => Step::Extend {
                days: u16::try_from(*days)
                    .ok()
                    .filter(|d| (1..=deadlines::MAX_EXTENSION_DAYS).contains(d))
                    .ok_or(Problem::OutOfRange { min: 1, max: i64::from(deadlines::MAX_EXTENSION_DAYS) })
                    .at("days")?,
                reason: values::text(reason, 2000, true).at("reason")?,
                notice: values::text(notice, 500, false).at("notice")?,
            },
            StepInput::Answer(text) => Step::Answer { text: values::text(text, MAX_TEXT, true).at("answer")? },
            StepInput::Redirect(to) => Step::Redirect { to: values::text(to, 500, false).at("redirectTo")? },
            StepInput::Reject(reason) => Step::Reject { reason: *reason },
            StepInput::Close => Step::Close,
            StepInput::Reopen => Step::Reopen,
        })
    }
}

fn login_of(raw: &str) -> Result<String, Problem> {
    let login = raw.trim();
    let valid = !login.is_empty()
        && login.len() <= 64
        && login.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    valid.then(|| login.to_owned()).ok_or(Problem::NotOneOf { accepted: &["a login: letters, digits, . _ - @"] })
}

/// An e-mail address: one `@`, a dotted domain, no space or control character.
fn email(raw: &str) -> Result<String, Problem> {
    let text = values::text(raw, 254, false)?.to_lowercase();
    let valid = text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.split('.').count() >= 2
            && domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
            && !local.chars().any(|c| c.is_whitespace() || "\"(),:;<>[\\]".contains(c))
    });
    valid.then_some(text).ok_or(Problem::NotOneOf { accepted: &["name@example.ru"] })
}

fn phone(raw: &str) -> Result<String, Problem> {
    let text = values::text(raw, 30, false)?;
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let valid = (5..=15).contains(&digits) && text.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    valid.then_some(text).ok_or(Problem::NotOneOf { accepted: &["+7 484 200-00-00"] })
}

fn applicant(input: &ApplicantInput) -> Result<Applicant, Invalid> {
    Ok(match input {
        ApplicantInput::Organization(id) => Applicant::Organization(*id),
        ApplicantInput::Person(id) => Applicant::Person(*id),
        ApplicantInput::Anonymous => Applicant::Anonymous,
        ApplicantInput::Citizen { name, email: mail, postal_address, phone: tel } => {
            let contact = ApplicantContact {
                name: values::optional_text(name.as_deref(), 300, false).at("applicant.name")?,
                email: mail.as_deref().filter(|m| !m.trim().is_empty()).map(email).transpose().at("applicant.email")?,
                postal_address: values::optional_text(postal_address.as_deref(), 500, false)
                    .at("applicant.postalAddress")?,
                phone: tel.as_deref().filter(|p| !p.trim().is_empty()).map(phone).transpose().at("applicant.phone")?,
            };
            if contact == ApplicantContact::default() { Applicant::Anonymous } else { Applicant::Citizen(contact) }
        }
    })
}

fn attachments(raw: &[AttachmentInput]) -> Result<Vec<Attachment>, Invalid> {
    if raw.len() > MAX_ATTACHMENTS {
        return Err(Problem::TooMany { max: MAX_ATTACHMENTS }).at("attachments");
    }
    raw.iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(Attachment {
                name: values::text(&a.name, 255, false).at(format!("attachments[{i}].name"))?,
                media_type: values::text(&a.media_type, 100, false).at(format!("attachments[{i}].mediaType"))?,
                size_bytes: u64::try_from(a.size_bytes)
                    .ok()
                    .filter(|s| *s <= 1 << 34)
                    .ok_or(Problem::OutOfRange { min: 0, max: 1 << 34 })
                    .at(format!("attachments[{i}].sizeBytes"))?,
            })
        })
        .collect()
}

impl ServicesCatalog {
    /// Receives a request entered by staff or by an organisation's representative (for their
    /// organisation only). It starts `received`; registration is a step of its own.
    pub async fn receive(&self, actor: &Actor, input: &RequestInput) -> Result<Request, ServicesError> {
        let scope = self.gate.check(actor, REQUEST_SUBMIT, None).await?;
        let mut applicant = applicant(&input.applicant)?;
        let today = self.today();
        match scope {
            Scope::All => {}
            Scope::Organization(own) => {
                applicant = Applicant::Organization(own);
                // A representative sends a request today, as their organisation's.
                if input.received_on.is_some_and(|day| day != today) {
                    return Err(Problem::Inconsistent {
                        ru: "дату получения указывает центр: представитель отправляет запрос сегодняшним днём",
                        en: "the centre sets the day of receipt: a representative's request is received today",
                    })
                    .at("receivedOn")?;
                }
            }
            Scope::Own(person) => applicant = Applicant::Person(person),
        }
        let organization_applies = matches!(applicant, Applicant::Organization(_));
        if (input.kind == RequestKind::Ngo) != organization_applies {
            return Err(Problem::Inconsistent {
                ru: "запрос НКО подаёт организация, обращение гражданина — гражданин: вид и заявитель не совпадают",
                en: "an NGO's request comes from an organisation and a citizen's appeal from a citizen: the kind and the applicant disagree",
            })
            .at("kind")?;
        }
        let received_on = values::past_day(input.received_on.unwrap_or(today), today).at("receivedOn")?;
        let policy = match input.service {
            None => DeadlinePolicy::APPEAL,
            Some(id) => {
                let service = self.ports.catalogue.get(id).await?.ok_or(Invalid {
                    field: "serviceId".into(),
                    problem: Problem::UnknownCode { code: id.to_string(), list: "catalogue" },
                })?;
                if !service.is_offered(received_on) {
                    return Err(ServicesError::NotOffered);
                }
                let audience = match input.kind {
                    RequestKind::Ngo => crate::model::catalogue::Audience::Ngo,
                    RequestKind::Citizen => crate::model::catalogue::Audience::Citizen,
                };
                if !service.audiences.contains(&audience) {
                    return Err(Problem::Inconsistent {
                        ru: "эта услуга каталога не для такого заявителя (см. «кто может обратиться»)",
                        en: "this catalogue service is not for this kind of applicant (see its audiences)",
                    })
                    .at("serviceId")?;
                }
                service.deadline
            }
        };
        let request = self.new_request(
            input.kind,
            input.channel,
            values::text(&input.topic, 300, false).at("topic")?,
            input.service,
            values::text(&input.text, MAX_TEXT, true).at("text")?,
            attachments(&input.attachments)?,
            applicant,
            input.consent_given,
            received_on,
            policy,
        )?;
        self.store_new(actor, request, "receive", None).await
    }

    /// A citizen's appeal from the public form (at most five an hour from one address, the actor's
    /// origin): received and registered at once (an electronic
    /// appeal is registered on the day it arrives), answered to the e-mail given.
    pub async fn submit_appeal(&self, actor: &Actor, input: &AppealInput) -> Result<Request, ServicesError> {
        self.gate.require_all(actor, REQUEST_SUBMIT, None).await?;
        if !input.consent {
            return Err(Problem::Inconsistent {
                ru: "без согласия на обработку персональных данных обращение принять нельзя",
                en: "an appeal cannot be accepted without consent to the processing of personal data",
            })
            .at("consent")?;
        }
        let contact = ApplicantContact {
            name: Some(values::text(&input.name, 300, false).at("name")?),
            email: Some(email(&input.email).at("email")?),
            postal_address: values::optional_text(input.postal_address.as_deref(), 500, false).at("postalAddress")?,
            phone: input.phone.as_deref().filter(|p| !p.trim().is_empty()).map(phone).transpose().at("phone")?,
        };
        let today = self.today();
        let received = self.new_request(
            RequestKind::Citizen,
            IntakeChannel::Web,
            values::text(&input.topic, 300, false).at("topic")?,
            None,
            values::text(&input.text, MAX_TEXT, true).at("text")?,
            Vec::new(),
            Applicant::Citizen(contact),
            true,
            today,
            DeadlinePolicy::APPEAL,
        )?;
        let mut request = request_flow::apply(&received, &Step::Register, today)?;
        request.version = 1;
        let submission = input.submission.as_deref().map(submission_key).transpose().at("submission")?;
        if let Some(key) = submission
            && let Some(filed) = self.ports.requests.by_submission(key).await?
        {
            return Ok(filed);
        }
        // Only an appeal that will be stored counts against the address's hour.
        let address = actor.origin.as_deref().unwrap_or("unknown");
        let admitted = self
            .appeals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .admit(address, self.gate.clock().now());
        if let Err(retry_after) = admitted {
            return Err(ServicesError::TooManyAppeals { retry_after });
        }
        match self.store_new(actor, request, "submit", submission).await {
            // The same form, posted at the same moment, filed it first.
            Err(ServicesError::Conflict(Conflict::DuplicateSubmission)) => {
                let key = submission.unwrap_or_default();
                self.ports.requests.by_submission(key).await?.ok_or(ServicesError::NotFound("request"))
            }
            other => other,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn new_request(
        &self,
        kind: RequestKind,
        channel: IntakeChannel,
        topic: String,
        service: Option<CatalogueServiceId>,
        text: String,
        attachments: Vec<Attachment>,
        applicant: Applicant,
        consent_given: bool,
        received_on: NaiveDate,
        policy: DeadlinePolicy,
    ) -> Result<Request, ServicesError> {
        let register_due = deadlines::register_due(received_on).map_err(request_flow::FlowError::from)?;
        let now = self.gate.clock().now();
        Ok(Request {
            id: RequestId::new(),
            number: String::new(),
            version: 1,
            kind,
            channel,
            topic,
            service,
            text,
            attachments,
            applicant,
            consent_given,
            received_on,
            register_due: register_due.on,
            policy,
            state: RequestState::Received,
            registered_on: None,
            answer_due: None,
            due_predicted: register_due.predicted,
            extension: None,
            assignee: None,
            answer: None,
            resolved_on: None,
            redirected_to: None,
            rejection: None,
            created_at: now,
            updated_at: now,
        })
    }

    async fn store_new(
        &self,
        actor: &Actor,
        mut request: Request,
        what: &str,
        submission: Option<&str>,
    ) -> Result<Request, ServicesError> {
        let event = RequestEvent {
            request: request.id,
            at: request.created_at,
            by: actor.login.clone(),
            state: request.state,
            what: what.to_owned(),
            note: None,
        };
        let audit = self
            .gate
            .event(actor, REQUEST_SUBMIT, object("request", request.id.0))
            .with_detail(format!("{what} via {}", request.channel.code()));
        request.number =
            self.ports.requests.insert(&request, &event, &audit, submission).await.map_err(|e| match e {
                kernel::StoreError::Conflict(Conflict::MissingReference) => ServicesError::Invalid(Invalid {
                    field: "applicant".into(),
                    problem: Problem::UnknownCode { code: "id".into(), list: "registry" },
                }),
                other => other.into(),
            })?;
        Ok(request)
    }

    /// Takes a step on a request read at `expected_version`.
    pub async fn step(
        &self,
        actor: &Actor,
        id: RequestId,
        expected_version: i64,
        input: &StepInput,
    ) -> Result<Request, ServicesError> {
        self.gate.require_all(actor, REQUEST_MANAGE, object("request", id.0)).await?;
        let step = input.validate()?;
        if let Step::Assign { to } = &step {
            self.staff_for(to, REQUEST_MANAGE, "assignee").await?;
        }
        let request = self.ports.requests.get(id).await?.ok_or(ServicesError::NotFound("request"))?;
        if request.version != expected_version {
            return Err(ServicesError::Conflict(Conflict::StaleVersion));
        }
        let mut next = request_flow::apply(&request, &step, self.today())?;
        next.updated_at = self.gate.clock().now();
        let note = match &step {
            Step::Extend { days, reason, .. } => Some(format!("+{days}: {reason}")),
            Step::Assign { to } => Some(to.clone()),
            Step::Redirect { to } => Some(to.clone()),
            Step::Reject { reason } => Some(reason.code().to_owned()),
            _ => None,
        };
        let event = RequestEvent {
            request: id,
            at: next.updated_at,
            by: actor.login.clone(),
            state: next.state,
            what: step.code().to_owned(),
            note,
        };
        let audit = self.gate.event(actor, REQUEST_MANAGE, object("request", id.0)).with_detail(format!(
            "{} -> {} (version {})",
            step.code(),
            next.state.code(),
            next.version
        ));
        self.ports.requests.update(&next, &event, &audit).await?;
        Ok(next)
    }

    /// One request, with its personal data: the read is recorded.
    pub async fn request(&self, actor: &Actor, id: RequestId) -> Result<Request, ServicesError> {
        let request = self.readable_request(actor, id).await?;
        self.gate
            .record(&self.gate.event(actor, REQUEST_READ, object("request", id.0)).with_detail("read card"))
            .await?;
        Ok(request)
    }

    /// The request, if the actor may read it (a representative: their organisation's).
    async fn readable_request(&self, actor: &Actor, id: RequestId) -> Result<Request, ServicesError> {
        let stored = self.ports.requests.get(id).await?;
        let holders: Vec<OrganizationId> = stored.iter().filter_map(|r| r.applicant.organization()).collect();
        let person = stored.as_ref().and_then(|r| r.applicant.person());
        let reached = self
            .gate
            .reach(actor, REQUEST_READ, object("request", id.0), async |scope| {
                Ok::<_, ServicesError>(stored.is_some() && scope.covers(&holders, person))
            })
            .await?;
        stored.filter(|_| reached).ok_or(ServicesError::NotFound("request"))
    }

    /// A request's history, oldest first (the card's read of the request is recorded by
    /// [`Self::request`]; the history adds no personal data to it).
    pub async fn history(&self, actor: &Actor, id: RequestId) -> Result<Vec<RequestEvent>, ServicesError> {
        let request = self.readable_request(actor, id).await?;
        Ok(self.ports.requests.history(request.id).await?)
    }

    /// The queue's filter for today.
    fn queue_filter(&self, actor: &Actor, queue: QueueName) -> Result<Queue, ServicesError> {
        let today = self.today();
        Ok(match queue {
            QueueName::Mine => Queue::Mine(actor.login.clone()),
            QueueName::Unassigned => Queue::Unassigned,
            QueueName::AtRisk => Queue::AtRisk {
                from: today,
                until: deadlines::at_risk_until(today).map_err(request_flow::FlowError::from)?,
            },
            QueueName::Overdue => Queue::Overdue(today),
        })
    }

    /// A page of requests, of a queue (by deadline) or newest first; a representative sees
    /// their organisation's.
    pub async fn requests(
        &self,
        actor: &Actor,
        queue: Option<QueueName>,
        mut filter: RequestFilter,
        page: PageRequest,
    ) -> Result<Page<Request>, ServicesError> {
        let scope = self.gate.check(actor, REQUEST_READ, None).await?;
        match Narrow::from(scope) {
            Narrow::All => {}
            Narrow::Organization(own) if filter.organization.is_none_or(|o| o == own) => {
                filter.organization = Some(own)
            }
            _ => return Ok(Page::empty(&page)),
        }
        filter.queue = queue.map(|q| self.queue_filter(actor, q)).transpose()?;
        Ok(self.ports.requests.list(&filter, page).await?)
    }

    /// How many open requests each queue holds today (a representative: their organisation's).
    pub async fn queue_counts(&self, actor: &Actor) -> Result<QueueCounts, ServicesError> {
        let scope = self.gate.check(actor, REQUEST_READ, None).await?;
        let organization = match Narrow::from(scope) {
            Narrow::All => None,
            Narrow::Organization(own) => Some(own),
            Narrow::Nothing => return Ok(QueueCounts::default()),
        };
        let today = self.today();
        let until = deadlines::at_risk_until(today).map_err(request_flow::FlowError::from)?;
        Ok(self.ports.requests.counts(today, until, &actor.login, organization).await?)
    }

    /// The requests of these organisations (the `requests` field of a page of organisations).
    pub async fn requests_of(
        &self,
        actor: &Actor,
        organizations: &[OrganizationId],
    ) -> Result<Vec<Request>, ServicesError> {
        let scope = self.gate.check(actor, REQUEST_READ, None).await?;
        let ids = Narrow::from(scope).organizations(organizations);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.ports.requests.of_organizations(&ids).await?)
    }
}

/// The queues of the request desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueueName {
    /// Assigned to me.
    Mine,
    /// Nobody assigned.
    Unassigned,
    /// Deadline within three working days.
    AtRisk,
    /// Deadline passed.
    Overdue,
}

crate::coded!(QueueName { Mine => "mine", Unassigned => "unassigned", AtRisk => "at_risk", Overdue => "overdue" });

/// A submission key as the console makes it: 64 lower-case hex digits (a SHA-256).
fn submission_key(key: &str) -> Result<&str, Problem> {
    let hex = key.len() == 64 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex.then_some(key).ok_or(Problem::Inconsistent {
        ru: "ключ отправки формы — 64 шестнадцатеричные цифры",
        en: "a form's submission key is 64 hexadecimal digits",
    })
}
