//! The actions the services use cases ask the permission policy about.

use kernel::Action;

/// Reading the centre's catalogue.
pub const CATALOGUE_READ: Action = Action("catalogue.read");
/// Adding, changing and retiring the centre's services, and loading them from the profile.
pub const CATALOGUE_MANAGE: Action = Action("catalogue.manage");
/// Reading the directory of NGOs' services with everything staff see.
pub const SERVICE_READ: Action = Action("service.read");
/// Adding, changing and retiring directory services (a representative: their organisation's).
pub const SERVICE_WRITE: Action = Action("service.write");
/// The public service finder: active services without personal data.
pub const SERVICE_FIND: Action = Action("service.find");
/// Sending a request or an appeal to the centre (the public: an appeal; a representative: their
/// organisation's request).
pub const REQUEST_SUBMIT: Action = Action("request.submit");
/// Reading requests, their history and queues (a representative: their organisation's).
pub const REQUEST_READ: Action = Action("request.read");
/// Registering, assigning, extending, answering, redirecting, rejecting, closing and reopening
/// requests.
pub const REQUEST_MANAGE: Action = Action("request.manage");
/// Ranking directory services for a person's need.
pub const DISPATCH: Action = Action("dispatch.run");
/// Reading referrals (a representative: those to their organisation).
pub const REFERRAL_READ: Action = Action("referral.read");
/// Sending and revoking referrals.
pub const REFERRAL_MANAGE: Action = Action("referral.manage");
/// Accepting, declining and completing referrals (a representative: those to their organisation).
pub const REFERRAL_ANSWER: Action = Action("referral.answer");
/// Reading the name and contacts of the person a referral sends (a representative: referrals to
/// their organisation), while the referral is open and the person's consent for that NGO holds;
/// every read is recorded.
pub const REFERRAL_PERSON: Action = Action("referral.person");
/// Reading deliveries (a representative: those their organisation received).
pub const DELIVERY_READ: Action = Action("delivery.read");
/// Recording deliveries, one by one or from a file.
pub const DELIVERY_WRITE: Action = Action("delivery.write");
/// Reading advocacy cases.
pub const CASE_READ: Action = Action("case.read");
/// Opening, keeping and closing advocacy cases.
pub const CASE_MANAGE: Action = Action("case.manage");

/// Every action of this crate.
pub const ACTIONS: &[Action] = &[
    CATALOGUE_READ,
    CATALOGUE_MANAGE,
    SERVICE_READ,
    SERVICE_WRITE,
    SERVICE_FIND,
    REQUEST_SUBMIT,
    REQUEST_READ,
    REQUEST_MANAGE,
    DISPATCH,
    REFERRAL_READ,
    REFERRAL_MANAGE,
    REFERRAL_ANSWER,
    REFERRAL_PERSON,
    DELIVERY_READ,
    DELIVERY_WRITE,
    CASE_READ,
    CASE_MANAGE,
];
