//! The gate every use case passes: ask the policy, record a refusal, stamp the audit event of a
//! permitted operation. One place, so no domain can forget the audit row of a denial.

use std::sync::{Arc, Mutex};

use kernel::{Action, Actor, Clock, Denied, Page, PageRequest, Policy, Scope};

use crate::actions::AUDIT_READ;
use crate::error::GateError;

use crate::model::{AuditEvent, AuditRecord, ChainHead, Outcome};
use crate::ports::{AuditFilter, AuditLog, verify_log};
use crate::rules::refusals::{RefusalRow, RefusalTally};

/// The policy, the audit log and the clock, shared by every use case.
#[derive(Clone)]
pub struct Gate {
    policy: Arc<Policy>,
    log: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
    refusals: Arc<Mutex<RefusalTally>>,
}

impl Gate {
    /// The gate over this policy and log.
    pub fn new(policy: Arc<Policy>, log: Arc<dyn AuditLog>, clock: Arc<dyn Clock>) -> Self {
        Self { policy, log, clock, refusals: Arc::default() }
    }

    /// Records a refusal that comes before any account is known (a login over its limit, a
    /// staff call with no or a forged token) as `kind`, at most one row per kind, origin and
    /// minute now and one summary row with the count of the rest after it (see [`refusals`]).
    pub async fn record_refusal(&self, kind: &str, actor: &Actor) -> Result<(), GateError> {
        let origin = actor.origin.as_deref().unwrap_or("unknown");
        let rows = self.refusals.lock().unwrap_or_else(|e| e.into_inner()).note(kind, origin, self.clock.now());
        self.record_refusal_rows(rows, Some(actor)).await
    }

    /// Writes the summaries of the minute that has ended (the gateway calls it every minute).
    pub async fn flush_refusals(&self) -> Result<(), GateError> {
        let rows = self.refusals.lock().unwrap_or_else(|e| e.into_inner()).flush(self.clock.now());
        self.record_refusal_rows(rows, None).await
    }

    async fn record_refusal_rows(&self, rows: Vec<RefusalRow>, actor: Option<&Actor>) -> Result<(), GateError> {
        let events: Vec<AuditEvent> = rows
            .into_iter()
            .map(|row| {
                let mut who = match actor {
                    Some(actor) if !row.summary => actor.clone(),
                    _ => Actor::anonymous("refusal-summary"),
                };
                who.origin = Some(row.origin.clone());
                let detail = if row.summary {
                    format!(
                        "{} more refusals from {} in the minute from {}",
                        row.count,
                        row.origin,
                        row.at.format("%H:%M")
                    )
                } else {
                    "the first refusal from this origin this minute; the rest are counted in one summary row".to_owned()
                };
                AuditEvent::new(&who, &row.kind, None, Outcome::Denied, row.at).with_detail(detail)
            })
            .collect();
        self.record_all(&events).await
    }

    /// The policy's verdict; a refusal is recorded with the object asked for.
    pub async fn check(&self, actor: &Actor, action: Action, object: Option<String>) -> Result<Scope, GateError> {
        match self.policy.decide(actor, action) {
            Ok(scope) => Ok(scope),
            Err(denied) => {
                self.record(&AuditEvent::new(actor, action.code(), object, Outcome::Denied, self.clock.now())).await?;
                Err(GateError::Denied(denied))
            }
        }
    }

    /// Passes only actors the policy lets reach every record (creating records, imports,
    /// exports): a scoped grant is refused too, and recorded like any refusal.
    pub async fn require_all(&self, actor: &Actor, action: Action, object: Option<String>) -> Result<(), GateError> {
        match self.check(actor, action, object.clone()).await? {
            Scope::All => Ok(()),
            _ => {
                self.record_out_of_scope(actor, action, object).await?;
                Err(GateError::Denied(Denied { action, role: actor.role }))
            }
        }
    }

    /// Whether the policy grants the action, without recording anything (for choosing what
    /// to show, never for permitting a change).
    pub fn allows(&self, actor: &Actor, action: Action) -> bool {
        self.policy.decide(actor, action).is_ok()
    }

    /// The records the policy lets the actor reach with the action, without recording anything
    /// (for choosing what to show, never for permitting a change); `None` when refused.
    pub fn scope(&self, actor: &Actor, action: Action) -> Option<Scope> {
        self.policy.decide(actor, action).ok()
    }

    /// Records a refusal found after the policy said yes: a scoped actor reaching outside its
    /// scope. The caller then answers exactly as for a missing record.
    pub async fn record_out_of_scope(
        &self,
        actor: &Actor,
        action: Action,
        object: Option<String>,
    ) -> Result<(), GateError> {
        self.record(&AuditEvent::new(actor, action.code(), object, Outcome::Denied, self.clock.now())).await
    }

    /// The success event of an operation, stamped now; the store writes it with the change.
    pub fn event(&self, actor: &Actor, action: Action, object: Option<String>) -> AuditEvent {
        AuditEvent::new(actor, action.code(), object, Outcome::Success, self.clock.now())
    }

    /// Records an event that changes nothing else (a read, a login, a refusal).
    pub async fn record(&self, event: &AuditEvent) -> Result<(), GateError> {
        self.log.append(event).await?;
        Ok(())
    }

    /// Records several events at once (reads of many people's personal data).
    pub async fn record_all(&self, events: &[AuditEvent]) -> Result<(), GateError> {
        if !events.is_empty() {
            self.log.append_all(events).await?;
        }
        Ok(())
    }

    /// A page of the audit log, newest first (for administrators). Reading it is itself recorded.
    pub async fn read_log(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditRecord>, GateError> {
        self.check(actor, AUDIT_READ, None).await?;
        let found = self.log.list(filter, page).await?;
        self.record(&self.event(actor, AUDIT_READ, None).with_detail(format!("{} rows", found.items.len()))).await?;
        Ok(found)
    }

    /// Walks the whole chain (and checks an earlier checkpoint, when given); the number of rows
    /// verified, or where it breaks.
    pub async fn verify_log(&self, actor: &Actor, checkpoint: Option<&ChainHead>) -> Result<u64, GateError> {
        self.check(actor, AUDIT_READ, None).await?;
        let verified = verify_log(self.log.as_ref(), checkpoint).await;
        let outcome = if verified.is_ok() { Outcome::Success } else { Outcome::Failed };
        let detail = match &verified {
            Ok(rows) => format!("verify: {rows} rows intact"),
            Err(e) => format!("verify: {e}"),
        };
        // Recorded after the walk, so the verdict covers every row before this one. A broken
        // chain may refuse the row (a forged row already holds its place): the break is the
        // answer then, not the failure to record it.
        let recorded = self
            .record(&AuditEvent::new(actor, AUDIT_READ.code(), None, outcome, self.clock.now()).with_detail(detail))
            .await;
        match (verified, recorded) {
            (Err(broken), _) => Err(broken.into()),
            (Ok(_), Err(error)) => Err(error),
            (Ok(rows), Ok(())) => Ok(rows),
        }
    }

    /// The chain's head as a checkpoint to keep outside the database (`None` for an empty log).
    /// Reading it is recorded like any reading of the log, after the head is taken.
    pub async fn checkpoint(&self, actor: &Actor) -> Result<Option<ChainHead>, GateError> {
        self.check(actor, AUDIT_READ, None).await?;
        let head = self.log.head().await?;
        let detail = head.as_ref().map_or_else(|| "checkpoint: empty".to_owned(), |h| format!("checkpoint: {}", h.seq));
        self.record(&self.event(actor, AUDIT_READ, None).with_detail(detail)).await?;
        Ok(head)
    }

    /// The audit log itself (for tests and the storage of changes; reading it for people goes
    /// through [`Gate::read_log`]).
    pub fn log(&self) -> &Arc<dyn AuditLog> {
        &self.log
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
