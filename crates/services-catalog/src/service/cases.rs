//! Public advocacy cases: a lawyer opens a case from a request and keeps its parties, hearings,
//! procedural deadlines and register of documents until its outcome.

use audit::object;
use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Page, PageRequest};

use crate::actions::{CASE_MANAGE, CASE_READ};
use crate::error::{Conflict, ServicesError};
use crate::model::case::{AdvocacyCase, CaseDocument, CaseId, Direction, Hearing, Party, ProceduralDeadline};
use crate::model::request::RequestId;
use crate::model::values::{self, AtField, Invalid, Problem};
use crate::ports::CaseFilter;
use crate::service::ServicesCatalog;

/// The most entries of one list of a case.
const MAX_ENTRIES: usize = 500;

/// A case's details as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseInput {
    /// The case's subject.
    pub subject: String,
    /// The lawyer's login (the opener when absent).
    pub lawyer: Option<String>,
    /// Court or body.
    pub forum: Option<String>,
    /// Case number there.
    pub case_number: Option<String>,
    /// Parties: role and name.
    pub parties: Vec<(String, String)>,
}

/// A hearing as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HearingInput {
    /// When.
    pub at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Note.
    pub note: Option<String>,
}

/// A register entry as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInput {
    /// In or out.
    pub direction: Direction,
    /// Its number.
    pub number: String,
    /// Its date.
    pub dated: NaiveDate,
    /// What it is.
    pub title: String,
}

/// One change to a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseChange {
    /// New details.
    Details(CaseInput),
    /// A hearing.
    AddHearing(HearingInput),
    /// A procedural deadline.
    AddDeadline {
        /// The last day.
        due_on: NaiveDate,
        /// What must be done.
        what: String,
    },
    /// A deadline met (by its position in the case's list, from 0).
    DeadlineDone {
        /// Its position.
        index: usize,
        /// The day.
        on: NaiveDate,
    },
    /// A document in the register.
    AddDocument(DocumentInput),
    /// The outcome: closes the case.
    Close {
        /// How it ended.
        outcome: String,
    },
    /// Opens a closed case again.
    Reopen,
}

impl CaseChange {
    fn code(&self) -> &'static str {
        match self {
            CaseChange::Details(_) => "details",
            CaseChange::AddHearing(_) => "hearing",
            CaseChange::AddDeadline { .. } => "deadline",
            CaseChange::DeadlineDone { .. } => "deadline_done",
            CaseChange::AddDocument(_) => "document",
            CaseChange::Close { .. } => "close",
            CaseChange::Reopen => "reopen",
        }
    }
}

fn details(case: &mut AdvocacyCase, input: &CaseInput) -> Result<(), Invalid> {
    case.subject = values::text(&input.subject, 500, false).at("subject")?;
    if let Some(lawyer) = &input.lawyer {
        case.lawyer = values::text(lawyer, 64, false).at("lawyer")?;
    }
    case.forum = values::optional_text(input.forum.as_deref(), 500, false).at("forum")?;
    case.case_number = values::optional_text(input.case_number.as_deref(), 100, false).at("caseNumber")?;
    if input.parties.len() > 50 {
        return Err(Problem::TooMany { max: 50 }).at("parties");
    }
    case.parties = input
        .parties
        .iter()
        .enumerate()
        .map(|(i, (role, name))| {
            Ok(Party {
                role: values::text(role, 100, false).at(format!("parties[{i}].role"))?,
                name: values::text(name, 500, false).at(format!("parties[{i}].name"))?,
            })
        })
        .collect::<Result<_, Invalid>>()?;
    Ok(())
}

/// `case` after `change` on `today`; the case itself is not touched.
fn changed(case: &AdvocacyCase, change: &CaseChange, today: NaiveDate) -> Result<AdvocacyCase, Invalid> {
    let mut next = case.clone();
    let closed = case.closed_on.is_some();
    if closed && !matches!(change, CaseChange::Reopen) {
        return Err(Problem::Inconsistent {
            ru: "дело закрыто: откройте его снова, чтобы изменить",
            en: "the case is closed: reopen it to change it",
        })
        .at("case");
    }
    let full = |len: usize, field: &str| {
        if len >= MAX_ENTRIES { Err(Problem::TooMany { max: MAX_ENTRIES }).at(field) } else { Ok(()) }
    };
    match change {
        CaseChange::Details(input) => details(&mut next, input)?,
        CaseChange::AddHearing(h) => {
            full(next.hearings.len(), "hearings")?;
            next.hearings.push(Hearing {
                at: h.at,
                place: values::text(&h.place, 500, false).at("place")?,
                note: values::optional_text(h.note.as_deref(), 2000, true).at("note")?,
            });
            next.hearings.sort_by_key(|h| h.at);
        }
        CaseChange::AddDeadline { due_on, what } => {
            full(next.deadlines.len(), "deadlines")?;
            next.deadlines.push(ProceduralDeadline {
                due_on: values::calendar_day(*due_on, today).at("dueOn")?,
                what: values::text(what, 500, false).at("what")?,
                done_on: None,
            });
            next.deadlines.sort_by_key(|d| d.due_on);
        }
        CaseChange::DeadlineDone { index, on } => {
            let on = values::past_day(*on, today).at("on")?;
            let deadline = next
                .deadlines
                .get_mut(*index)
                .ok_or(Problem::OutOfRange { min: 0, max: case.deadlines.len() as i64 - 1 })
                .at("index")?;
            if deadline.done_on.is_some() {
                return Err(Problem::Inconsistent {
                    ru: "этот срок уже отмечен исполненным",
                    en: "this deadline is marked done already",
                })
                .at("deadlineDone.index");
            }
            deadline.done_on = Some(on);
        }
        CaseChange::AddDocument(d) => {
            full(next.documents.len(), "documents")?;
            let number = values::text(&d.number, 100, false).at("number")?;
            if next.documents.iter().any(|x| x.direction == d.direction && x.number == number) {
                return Err(Problem::Inconsistent {
                    ru: "документ с таким номером уже есть в реестре",
                    en: "the register already holds a document with this number",
                })
                .at("number");
            }
            next.documents.push(CaseDocument {
                direction: d.direction,
                number,
                dated: values::past_day(d.dated, today).at("dated")?,
                title: values::text(&d.title, 500, false).at("title")?,
            });
        }
        CaseChange::Close { outcome } => {
            next.outcome = Some(values::text(outcome, 4000, true).at("outcome")?);
            next.closed_on = Some(today);
        }
        CaseChange::Reopen => {
            if !closed {
                return Err(Problem::Inconsistent { ru: "дело не закрыто", en: "the case is not closed" }).at("case");
            }
            next.closed_on = None;
        }
    }
    next.version += 1;
    Ok(next)
}

impl ServicesCatalog {
    /// Opens an advocacy case from a request.
    pub async fn open_case(
        &self,
        actor: &Actor,
        request: RequestId,
        input: &CaseInput,
    ) -> Result<AdvocacyCase, ServicesError> {
        self.gate.require_all(actor, CASE_MANAGE, object("request", request.0)).await?;
        self.ports.requests.get(request).await?.ok_or(ServicesError::NotFound("request"))?;
        let now = self.gate.clock().now();
        let mut case = AdvocacyCase {
            id: CaseId::new(),
            version: 1,
            request,
            lawyer: actor.login.clone(),
            subject: String::new(),
            parties: Vec::new(),
            forum: None,
            case_number: None,
            hearings: Vec::new(),
            deadlines: Vec::new(),
            documents: Vec::new(),
            outcome: None,
            closed_on: None,
            opened_at: now,
            updated_at: now,
        };
        details(&mut case, input)?;
        if case.lawyer != actor.login {
            self.staff_for(&case.lawyer, CASE_MANAGE, "lawyer").await?;
        }
        let audit = self.gate.event(actor, CASE_MANAGE, object("case", case.id.0)).with_detail("open");
        self.ports.cases.insert(&case, &audit).await?;
        Ok(case)
    }

    /// Changes a case read at `expected_version`.
    pub async fn change_case(
        &self,
        actor: &Actor,
        id: CaseId,
        expected_version: i64,
        change: &CaseChange,
    ) -> Result<AdvocacyCase, ServicesError> {
        self.gate.require_all(actor, CASE_MANAGE, object("case", id.0)).await?;
        let case = self.ports.cases.get(id).await?.ok_or(ServicesError::NotFound("case"))?;
        if case.version != expected_version {
            return Err(ServicesError::Conflict(Conflict::StaleVersion));
        }
        let mut next = changed(&case, change, self.today())?;
        if next.lawyer != case.lawyer && next.lawyer != actor.login {
            self.staff_for(&next.lawyer, CASE_MANAGE, "change.details.lawyer").await?;
        }
        next.updated_at = self.gate.clock().now();
        let audit = self.gate.event(actor, CASE_MANAGE, object("case", id.0)).with_detail(format!(
            "{} -> version {}",
            change.code(),
            next.version
        ));
        self.ports.cases.update(&next, &audit).await?;
        Ok(next)
    }

    /// One case.
    pub async fn case(&self, actor: &Actor, id: CaseId) -> Result<AdvocacyCase, ServicesError> {
        self.gate.require_all(actor, CASE_READ, object("case", id.0)).await?;
        self.ports.cases.get(id).await?.ok_or(ServicesError::NotFound("case"))
    }

    /// A page of cases, newest first.
    pub async fn cases(
        &self,
        actor: &Actor,
        filter: CaseFilter,
        page: PageRequest,
    ) -> Result<Page<AdvocacyCase>, ServicesError> {
        self.gate.require_all(actor, CASE_READ, None).await?;
        Ok(self.ports.cases.list(&filter, page).await?)
    }
}
