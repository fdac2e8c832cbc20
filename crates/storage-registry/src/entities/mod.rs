//! The registry's sea-orm entities: one module per table. They never leave this crate; rows are
//! re-validated into domain values on the way in.

pub mod coalition;
pub mod coalition_member;
pub mod membership;
pub mod organization;
pub mod person;
pub mod reference_term;
pub mod tie;

// Rows are read by column position (`storage::all_by_position`), the fields in declared order.
storage::by_position!(organization::Model {
    id,
    version,
    full_name,
    short_name,
    search_key,
    sort_key,
    legal_form,
    inn,
    ogrn,
    kpp,
    registered_on,
    municipality,
    legal_address,
    postal_address,
    phones,
    emails,
    website,
    activity_areas,
    target_groups,
    relationship,
    relationship_since,
    in_sonko_register,
    social_service_provider,
    status,
    liquidated_on,
    verified_by,
    verified_at,
    created_at,
    updated_at,
});
storage::by_position!(person::Model {
    id,
    last_name,
    first_name,
    middle_name,
    search_key,
    phones,
    emails,
    basis_kind,
    basis_purpose,
    basis_since,
    basis_document,
    created_at,
});
storage::by_position!(membership::Model { id, person_id, organization_id, position, valid_from, valid_to });
storage::by_position!(coalition::Model { id, name, sort_key, purpose, founded_on, created_at });
storage::by_position!(coalition_member::Model { id, coalition_id, organization_id, role, valid_from, valid_to });
storage::by_position!(tie::Model {
    id,
    kind,
    organization_a,
    role_a,
    organization_b,
    role_b,
    valid_from,
    valid_to,
    note,
});
