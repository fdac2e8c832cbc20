//! What the subject access export discloses, column by column. The export walks the schema for
//! every table about a person, so a new table is covered the day it is created; what leaves the
//! centre is decided here, per column: `Export` (data about the person, sent to them) or
//! `Withheld` with the reason (a credential, another person's data, internal bookkeeping).
//!
//! A column found by the walk but missing here is withheld (and logged), never exported; a test
//! reads both databases' catalogues and fails on any such column, and on any column named like a
//! secret (`hash`, `token`, `secret`, `password`, `key`...) that is not withheld.

/// Whether a column of a table about a person leaves the centre in a subject access export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disclosure {
    /// Sent to the data subject: data about them, or what is needed to read it.
    Export,
    /// Never sent, for this reason.
    Withheld(&'static str),
}

use Disclosure::{Export, Withheld};

const CREDENTIAL: &str = "a credential: disclosing it would weaken the account, and it says nothing about the person";
const STAFF: &str = "identifies a staff member of the centre: another person's data (152-FZ art. 14 p. 7 leaves out the operator's staff)";
const DERIVED: &str = "derived from the name for searching; the name itself is exported";
const INTERNAL: &str = "internal bookkeeping of the system, not data about the person";

/// Every column of every table the export reads, with its disclosure: the tables about a person
/// (by a foreign key to `people` or to another such table, or a `person_id` column) and the audit
/// log (its rows about the person's records).
pub const COLUMNS: &[(&str, &str, Disclosure)] = &[
    ("people", "id", Export),
    ("people", "last_name", Export),
    ("people", "first_name", Export),
    ("people", "middle_name", Export),
    ("people", "search_key", Withheld(DERIVED)),
    ("people", "phones", Export),
    ("people", "emails", Export),
    ("people", "basis_kind", Export),
    ("people", "basis_purpose", Export),
    ("people", "basis_since", Export),
    ("people", "basis_document", Export),
    ("people", "created_at", Export),
    ("memberships", "id", Export),
    ("memberships", "person_id", Export),
    ("memberships", "organization_id", Export),
    ("memberships", "position", Export),
    ("memberships", "valid_from", Export),
    ("memberships", "valid_to", Export),
    ("consents", "id", Export),
    ("consents", "person_id", Export),
    ("consents", "kind", Export),
    ("consents", "purpose", Export),
    ("consents", "categories", Export),
    ("consents", "document", Export),
    ("consents", "recipient_id", Export),
    ("consents", "given_at", Export),
    ("consents", "recorded_by", Withheld(STAFF)),
    ("consents", "withdrawn_at", Export),
    ("consents", "destroy_by", Export),
    ("consents", "destroyed_at", Export),
    ("subject_requests", "id", Export),
    ("subject_requests", "person_id", Export),
    ("subject_requests", "received_on", Export),
    ("subject_requests", "due_on", Export),
    ("subject_requests", "due_predicted", Export),
    ("subject_requests", "extended_to", Export),
    ("subject_requests", "extension_reason", Export),
    ("subject_requests", "answered_on", Export),
    ("accounts", "id", Export),
    ("accounts", "login", Export),
    ("accounts", "role", Export),
    ("accounts", "password_hash", Withheld(CREDENTIAL)),
    ("accounts", "disabled", Export),
    ("accounts", "created_at", Export),
    ("accounts", "organization_id", Export),
    ("accounts", "person_id", Export),
    ("accounts", "unlocked_at", Export),
    ("sessions", "token_hash", Withheld(CREDENTIAL)),
    ("sessions", "account_id", Export),
    ("sessions", "created_at", Export),
    ("sessions", "expires_at", Export),
    ("sessions", "last_seen_at", Export),
    // Who processed the person's data, when, and what was done (152-FZ art. 14 p. 7): the role
    // and channel say who, not the staff member's identity.
    ("audit_log", "seq", Export),
    ("audit_log", "at", Export),
    ("audit_log", "account_id", Withheld(STAFF)),
    ("audit_log", "login", Withheld(STAFF)),
    ("audit_log", "role", Export),
    ("audit_log", "channel", Export),
    ("audit_log", "action", Export),
    ("audit_log", "object", Export),
    ("audit_log", "request_id", Withheld(INTERNAL)),
    ("audit_log", "outcome", Export),
    ("audit_log", "detail", Export),
    // The peer address or the operating-system user of whoever acted: staff's identity.
    ("audit_log", "origin", Withheld(STAFF)),
    ("audit_log", "prev_hash", Withheld(INTERNAL)),
    ("audit_log", "hash", Withheld(INTERNAL)),
    // The services domain: requests and appeals, their history, referrals, deliveries, cases.
    ("requests", "id", Export),
    ("requests", "number", Export),
    ("requests", "number_year", Withheld(INTERNAL)),
    ("requests", "number_seq", Withheld(INTERNAL)),
    ("requests", "version", Withheld(INTERNAL)),
    ("requests", "kind", Export),
    ("requests", "channel", Export),
    ("requests", "topic", Export),
    ("requests", "catalogue_service_id", Export),
    ("requests", "body", Export),
    ("requests", "attachments", Export),
    ("requests", "applicant_kind", Export),
    ("requests", "organization_id", Export),
    ("requests", "person_id", Export),
    ("requests", "applicant_name", Export),
    ("requests", "applicant_email", Export),
    ("requests", "applicant_postal_address", Export),
    ("requests", "applicant_phone", Export),
    ("requests", "consent_given", Export),
    ("requests", "received_on", Export),
    ("requests", "register_due", Export),
    ("requests", "deadline_days", Export),
    ("requests", "deadline_counting", Export),
    ("requests", "shift_to_working_day", Export),
    ("requests", "state", Export),
    ("requests", "registered_on", Export),
    ("requests", "answer_due", Export),
    ("requests", "due_predicted", Export),
    ("requests", "extended_on", Export),
    ("requests", "extension_days", Export),
    ("requests", "extension_reason", Export),
    ("requests", "extension_notice", Export),
    ("requests", "assignee", Withheld(STAFF)),
    ("requests", "answer", Export),
    ("requests", "resolved_on", Export),
    ("requests", "redirected_to", Export),
    ("requests", "rejection", Export),
    ("requests", "deadline_key", Withheld(INTERNAL)),
    ("requests", "created_at", Export),
    ("requests", "updated_at", Export),
    ("request_events", "id", Withheld(INTERNAL)),
    ("request_events", "request_id", Export),
    ("request_events", "at", Export),
    ("request_events", "actor", Withheld(STAFF)),
    ("request_events", "state", Export),
    ("request_events", "what", Export),
    ("request_events", "note", Export),
    // A posted form's key: a hash that says nothing about the person; the request it filed is
    // exported with its own row.
    ("appeal_submissions", "submission_key", Withheld(INTERNAL)),
    ("appeal_submissions", "request_id", Export),
    ("appeal_submissions", "created_at", Export),
    ("referrals", "id", Export),
    ("referrals", "version", Withheld(INTERNAL)),
    ("referrals", "request_id", Export),
    ("referrals", "person_id", Export),
    ("referrals", "service_id", Export),
    ("referrals", "provider_id", Export),
    ("referrals", "state", Export),
    ("referrals", "note", Export),
    ("referrals", "outcome", Export),
    ("referrals", "created_by", Withheld(STAFF)),
    ("referrals", "created_at", Export),
    ("referrals", "answered_by", Withheld(STAFF)),
    ("referrals", "updated_at", Export),
    ("deliveries", "id", Export),
    ("deliveries", "catalogue_service_id", Export),
    ("deliveries", "directory_service_id", Export),
    ("deliveries", "recipient_kind", Export),
    ("deliveries", "organization_id", Export),
    ("deliveries", "person_id", Export),
    ("deliveries", "head_count", Export),
    ("deliveries", "group_description", Export),
    ("deliveries", "delivered_on", Export),
    ("deliveries", "quantity", Export),
    ("deliveries", "staff_login", Withheld(STAFF)),
    ("deliveries", "volunteer_id", Export),
    ("deliveries", "outcome", Export),
    ("deliveries", "satisfaction", Export),
    ("deliveries", "request_id", Export),
    ("deliveries", "recorded_by", Withheld(STAFF)),
    ("deliveries", "recorded_at", Export),
    ("advocacy_cases", "id", Export),
    ("advocacy_cases", "version", Withheld(INTERNAL)),
    ("advocacy_cases", "request_id", Export),
    ("advocacy_cases", "lawyer", Withheld(STAFF)),
    ("advocacy_cases", "subject", Export),
    ("advocacy_cases", "parties", Export),
    ("advocacy_cases", "forum", Export),
    ("advocacy_cases", "case_number", Export),
    ("advocacy_cases", "hearings", Export),
    ("advocacy_cases", "deadlines", Export),
    ("advocacy_cases", "documents", Export),
    ("advocacy_cases", "outcome", Export),
    ("advocacy_cases", "closed_on", Export),
    ("advocacy_cases", "opened_at", Export),
    ("advocacy_cases", "updated_at", Export),
];

/// The tables whose rows the audit log names as `kind/id` (`audit::object`): the audit rows about
/// the person's own records are part of the export.
pub const AUDITED_AS: &[(&str, &str)] = &[
    ("people", "person"),
    ("memberships", "membership"),
    ("consents", "consent"),
    ("subject_requests", "subject_request"),
    ("accounts", "account"),
    ("requests", "request"),
    ("referrals", "referral"),
    ("advocacy_cases", "case"),
];

/// The audit log's table.
pub const AUDIT_TABLE: &str = "audit_log";

/// How a column of a table is disclosed; `None` when it is not classified (the export then
/// withholds it).
pub fn disclosure(table: &str, column: &str) -> Option<Disclosure> {
    COLUMNS.iter().find(|(t, c, _)| *t == table && *c == column).map(|(_, _, d)| *d)
}

/// The kind of audit object a table's rows are, if the audit log names them.
pub fn audited_as(table: &str) -> Option<&'static str> {
    AUDITED_AS.iter().find(|(t, _)| *t == table).map(|(_, kind)| *kind)
}
