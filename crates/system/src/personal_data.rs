//! Every domain's part in anonymising a person. The composition root is the one place that knows
//! every domain, so it lists their personal-data hooks for the privacy store; a domain whose
//! tables hold data about people adds its hook here (the contract test in `tests/` then checks
//! that anonymisation leaves none of the person's identifiers in any table about them).

use std::sync::Arc;

use storage::PersonalDataHook;
use storage_access::AccessPersonalData;
use storage_registry::RegistryPersonalData;
use storage_services::ServicesPersonalData;

/// The hooks `SqlPrivacy` runs when it anonymises a person (besides privacy's own, which it
/// always runs): one per domain holding data about people.
pub fn hooks() -> Vec<Arc<dyn PersonalDataHook>> {
    vec![Arc::new(RegistryPersonalData), Arc::new(AccessPersonalData), Arc::new(ServicesPersonalData)]
}
