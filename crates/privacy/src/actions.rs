//! The actions the privacy use cases ask the permission policy about.

use kernel::Action;

/// Recording and withdrawing consents.
pub const CONSENT_MANAGE: Action = Action("consent.manage");
/// Registering subject access requests, extending and answering them, exporting a subject's data.
pub const SUBJECT_REQUEST: Action = Action("privacy.subject_request");
/// Running destruction of withdrawn data, and anonymising a person.
pub const PRIVACY_RUN: Action = Action("privacy.run");

/// Every action of this crate.
pub const ACTIONS: &[Action] = &[CONSENT_MANAGE, SUBJECT_REQUEST, PRIVACY_RUN];
