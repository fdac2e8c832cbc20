//! The audit log's part of the staff schema: its rows, newest first, for administrators.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use audit::{AuditFilter, AuditRecord, Outcome};
use chrono::{DateTime, Utc};
use kernel::Page;

use super::access::RoleGql;
use super::shared::{GqlResult, PageInfoGql, actor, page_info, page_request, services, total_count};
use crate::graphql::shared::mirror::mirror_enum;

mirror_enum! {
    /// How an audited operation ended.
    OutcomeGql as "AuditOutcome" = "audit::Outcome" {
        Success => "Done.",
        Denied => "Refused by the policy.",
        Failed => "Tried and failed.",
    }
}

/// One row of the audit log.
#[derive(SimpleObject)]
#[graphql(name = "AuditRecord")]
pub struct AuditRecordGql {
    /// The position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// The acting login.
    pub login: String,
    /// The acting role.
    pub role: RoleGql,
    /// `graphql`, `public` or `cli`.
    pub channel: String,
    /// The action or event.
    pub action: String,
    /// What was acted on (`kind/id`).
    pub object: Option<String>,
    /// The request id.
    pub request_id: String,
    /// How it ended.
    pub outcome: OutcomeGql,
    /// A note.
    pub detail: Option<String>,
    /// Where it came from beyond the account: the peer address of an HTTP request, or
    /// `os:USER(uid N)@HOST` for a command run on the server.
    pub origin: Option<String>,
    /// The row's hash in the chain.
    pub hash: String,
}

impl From<AuditRecord> for AuditRecordGql {
    fn from(r: AuditRecord) -> Self {
        let e = r.event;
        Self {
            seq: r.seq,
            at: e.at,
            login: e.login,
            role: e.role.into(),
            channel: e.channel.code().to_owned(),
            action: e.action,
            object: e.object,
            request_id: e.request_id,
            outcome: e.outcome.into(),
            detail: e.detail,
            origin: e.origin,
            hash: r.hash,
        }
    }
}

/// Which audit rows to list.
#[derive(InputObject, Default)]
#[graphql(name = "AuditFilter")]
pub struct AuditFilterGql {
    /// Only this action.
    pub action: Option<String>,
    /// Only this login.
    pub login: Option<String>,
    /// Only rows about this object (`kind/id`).
    pub object: Option<String>,
    /// Only this outcome.
    pub outcome: Option<OutcomeGql>,
}

/// A page of the audit log, newest first.
#[derive(SimpleObject)]
#[graphql(name = "AuditConnection")]
pub struct AuditConnectionGql {
    /// Rows matching the filter.
    pub total_count: u64,
    /// Where the page ends.
    pub page_info: PageInfoGql,
    /// The rows.
    pub nodes: Vec<AuditRecordGql>,
}

/// The audit log's queries.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, newest first (administrators). Reading it is itself recorded.
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterGql>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<AuditConnectionGql> {
        let actor = actor(ctx)?;
        let f = filter.unwrap_or_default();
        let filter =
            AuditFilter { action: f.action, login: f.login, object: f.object, outcome: f.outcome.map(Outcome::from) };
        let page = page_request(ctx, first, after, AuditRecord::ORDER)?;
        let found: Page<AuditRecord> = services(ctx).gate.read_log(actor, &filter, page).await.gql(ctx)?;
        Ok(AuditConnectionGql {
            total_count: total_count(&found),
            page_info: page_info(&found, AuditRecord::ORDER),
            nodes: found.items.into_iter().map(Into::into).collect(),
        })
    }
}
