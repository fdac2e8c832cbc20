//! The actions the registry's use cases ask the permission policy about (`profiles/permissions.toml`).

use kernel::Action;

/// Storing the region profile's reference lists.
pub const REFERENCE_WRITE: Action = Action("reference.write");
/// The public directory of organisations (public fields only).
pub const DIRECTORY_READ: Action = Action("directory.read");
/// Counts of the whole registry.
pub const REGISTRY_SUMMARY: Action = Action("registry.summary");
/// Reading organisations (scoped for an NGO's representative).
pub const ORGANIZATION_READ: Action = Action("organization.read");
/// Creating, describing and liquidating organisations.
pub const ORGANIZATION_WRITE: Action = Action("organization.write");
/// Marking an organisation's record as checked.
pub const ORGANIZATION_VERIFY: Action = Action("organization.verify");
/// Importing organisations from files.
pub const ORGANIZATION_IMPORT: Action = Action("organization.import");
/// Exporting the list of organisations.
pub const ORGANIZATION_EXPORT: Action = Action("organization.export");
/// Creating coalitions and changing their members.
pub const COALITION_WRITE: Action = Action("coalition.write");
/// Adding and ending ties between organisations.
pub const TIE_WRITE: Action = Action("tie.write");
/// Reading people's names and memberships.
pub const PERSON_READ: Action = Action("person.read");
/// Reading people's personal fields (phones, e-mails); every read is audited.
pub const PERSON_PERSONAL_DATA: Action = Action("person.personal_data");
/// Adding people.
pub const PERSON_WRITE: Action = Action("person.write");
/// Adding and ending memberships.
pub const MEMBERSHIP_WRITE: Action = Action("membership.write");

/// Every action of the registry.
pub const ACTIONS: &[Action] = &[
    REFERENCE_WRITE,
    DIRECTORY_READ,
    REGISTRY_SUMMARY,
    ORGANIZATION_READ,
    ORGANIZATION_WRITE,
    ORGANIZATION_VERIFY,
    ORGANIZATION_IMPORT,
    ORGANIZATION_EXPORT,
    COALITION_WRITE,
    TIE_WRITE,
    PERSON_READ,
    PERSON_PERSONAL_DATA,
    PERSON_WRITE,
    MEMBERSHIP_WRITE,
];
