//! The services domain's sea-orm entities: one module per table. They never leave this crate;
//! rows are re-validated into domain values on the way in (`convert`).

pub mod advocacy_case;
pub mod catalogue_service;
pub mod delivery;
pub mod directory_service;
pub mod referral;
pub mod request;
pub mod request_event;

// Rows are read by column position (`storage::all_by_position`), the fields in declared order.
storage::by_position!(catalogue_service::Model {
    id,
    code,
    version,
    category,
    name_ru,
    name_en,
    description,
    audiences,
    unit,
    deadline_days,
    deadline_counting,
    shift_to_working_day,
    responsible,
    retired_on
});
storage::by_position!(directory_service::Model {
    id,
    version,
    provider_id,
    name,
    sort_key,
    description,
    service_types,
    forms,
    needs,
    municipalities,
    eligibility,
    languages,
    schedule,
    cost,
    fees,
    capacity_total,
    capacity_free,
    pathway,
    status,
    updated_at
});
storage::by_position!(request::Model {
    id,
    number,
    number_year,
    number_seq,
    version,
    kind,
    channel,
    topic,
    catalogue_service_id,
    body,
    attachments,
    applicant_kind,
    organization_id,
    person_id,
    applicant_name,
    applicant_email,
    applicant_postal_address,
    applicant_phone,
    consent_given,
    received_on,
    register_due,
    deadline_days,
    deadline_counting,
    shift_to_working_day,
    state,
    registered_on,
    answer_due,
    due_predicted,
    extended_on,
    extension_days,
    extension_reason,
    extension_notice,
    assignee,
    answer,
    resolved_on,
    redirected_to,
    rejection,
    deadline_key,
    created_at,
    updated_at
});
storage::by_position!(request_event::Model { id, request_id, at, actor, state, what, note });
storage::by_position!(referral::Model {
    id,
    version,
    request_id,
    person_id,
    service_id,
    provider_id,
    state,
    note,
    outcome,
    created_by,
    created_at,
    answered_by,
    updated_at
});
storage::by_position!(delivery::Model {
    id,
    catalogue_service_id,
    directory_service_id,
    recipient_kind,
    organization_id,
    person_id,
    head_count,
    group_description,
    delivered_on,
    quantity,
    staff_login,
    volunteer_id,
    outcome,
    satisfaction,
    request_id,
    recorded_by,
    recorded_at
});
storage::by_position!(advocacy_case::Model {
    id,
    version,
    request_id,
    lawyer,
    subject,
    parties,
    forum,
    case_number,
    hearings,
    deadlines,
    documents,
    outcome,
    closed_on,
    opened_at,
    updated_at
});
