//! Rows to domain values and back. Every value read is validated again by the domain's own
//! constructors, so a row edited behind the system's back shows up as `Corrupt`, not as a bad value.

use kernel::StoreError;
use kernel::{Period, Term, TermKind};
use registry::Conflict;
use registry::model::{
    Coalition, CoalitionId, CoalitionMember, CoalitionMemberId, CoalitionRole, Code, Email, Inn, Kpp, LegalBasis,
    LegalBasisKind, MAX_SHORT_TEXT, MAX_TEXT, Membership, MembershipId, Ogrn, OrgName, OrgStatus, Organization,
    OrganizationId, OrganizationProfile, Person, PersonId, PersonProfile, Phone, Relationship, RelationshipKind, Text,
    Tie, TieEnd, TieId, TieKind, Verification, Website,
};
use registry::rules::names::{name_key, person_key, search_key};
use sea_orm::sqlx;
use sea_orm::{ActiveModelTrait, IntoActiveModel};

use crate::entities::{coalition, coalition_member, membership, organization, person, reference_term, tie};
use storage::errors::corrupt;

fn parse<T>(
    what: &str,
    value: &str,
    f: impl Fn(&str) -> Result<T, registry::Problem>,
) -> Result<T, StoreError<Conflict>> {
    f(value).map_err(|p| corrupt(what, p))
}

fn parse_opt<T>(
    what: &str,
    value: &Option<String>,
    f: impl Fn(&str) -> Result<T, registry::Problem>,
) -> Result<Option<T>, StoreError<Conflict>> {
    value.as_deref().map(|v| parse(what, v, &f)).transpose()
}

fn json_of<T: std::fmt::Display>(values: &[T]) -> String {
    serde_json::to_string(&values.iter().map(ToString::to_string).collect::<Vec<_>>()).expect("strings serialise")
}

fn from_json<T>(
    what: &str,
    text: &str,
    f: impl Fn(&str) -> Result<T, registry::Problem>,
) -> Result<Vec<T>, StoreError<Conflict>> {
    if text == "[]" {
        return Ok(Vec::new());
    }
    // Borrowed from the text when no item holds an escape (codes, phones, e-mails never do).
    if let Ok(values) = serde_json::from_str::<Vec<&str>>(text) {
        return values.into_iter().map(|v| parse(what, v, &f)).collect();
    }
    let values: Vec<String> = serde_json::from_str(text).map_err(|e| corrupt(what, e))?;
    values.iter().map(|v| parse(what, v, &f)).collect()
}

/// The JSON text a list column holds for these codes: also what the `LIKE` filter looks for.
pub fn json_item(code: &str) -> String {
    serde_json::to_string(code).expect("a string serialises")
}

/// The row of an organisation: the one place that decides how an organisation is stored.
pub fn organization_model(org: &Organization) -> organization::Model {
    let p = &org.profile;
    let (status, liquidated_on) = match org.status {
        OrgStatus::Active => ("active", None),
        OrgStatus::Suspended => ("suspended", None),
        OrgStatus::Liquidated { on } => ("liquidated", Some(on)),
    };
    organization::Model {
        id: org.id.0,
        version: org.version,
        full_name: p.full_name.to_string(),
        short_name: p.short_name.as_ref().map(ToString::to_string),
        search_key: search_key(p.full_name.as_str(), p.short_name.as_ref().map(|s| s.as_str())),
        sort_key: name_key(p.full_name.as_str()),
        legal_form: p.legal_form.to_string(),
        inn: p.inn.as_ref().map(ToString::to_string),
        ogrn: p.ogrn.as_ref().map(ToString::to_string),
        kpp: p.kpp.as_ref().map(ToString::to_string),
        registered_on: p.registered_on,
        municipality: p.municipality.as_ref().map(ToString::to_string),
        legal_address: p.legal_address.as_ref().map(ToString::to_string),
        postal_address: p.postal_address.as_ref().map(ToString::to_string),
        phones: json_of(&p.phones),
        emails: json_of(&p.emails),
        website: p.website.as_ref().map(ToString::to_string),
        activity_areas: json_of(&p.activity_areas),
        target_groups: json_of(&p.target_groups),
        relationship: p.relationship.kind.code().to_owned(),
        relationship_since: p.relationship.since,
        in_sonko_register: p.in_sonko_register,
        social_service_provider: p.social_service_provider,
        status: status.to_owned(),
        liquidated_on,
        verified_by: org.verification.as_ref().map(|v| v.by.clone()),
        verified_at: org.verification.as_ref().map(|v| v.at),
        created_at: org.created_at,
        updated_at: org.updated_at,
    }
}

/// The organisation as an active model with every column set.
pub fn organization_row(org: &Organization) -> organization::ActiveModel {
    organization_model(org).into_active_model().reset_all()
}

/// Appends the organisation as one line of PostgreSQL's COPY text format, columns in
/// [`COPY_COLUMNS`] order.
pub fn organization_copy_line(org: &Organization, out: &mut String) {
    let m = organization_model(org);
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    let time = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339();
    let flag = |b: bool| Some(if b { "t" } else { "f" }.to_owned());
    let cells: [Option<String>; 29] = [
        Some(m.id.to_string()),
        Some(m.version.to_string()),
        Some(m.full_name),
        m.short_name,
        Some(m.search_key),
        Some(m.sort_key),
        Some(m.legal_form),
        m.inn,
        m.ogrn,
        m.kpp,
        date(m.registered_on),
        m.municipality,
        m.legal_address,
        m.postal_address,
        Some(m.phones),
        Some(m.emails),
        m.website,
        Some(m.activity_areas),
        Some(m.target_groups),
        Some(m.relationship),
        date(m.relationship_since),
        flag(m.in_sonko_register),
        flag(m.social_service_provider),
        Some(m.status),
        date(m.liquidated_on),
        m.verified_by,
        m.verified_at.map(time),
        Some(time(m.created_at)),
        Some(time(m.updated_at)),
    ];
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match cell {
            None => out.push_str("\\N"),
            Some(text) => {
                for c in text.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\t' => out.push_str("\\t"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        c => out.push(c),
                    }
                }
            }
        }
    }
    out.push('\n');
}

/// The columns of [`organization_copy_line`], in order.
pub const COPY_COLUMNS: &str = "id, version, full_name, short_name, search_key, sort_key, legal_form, inn, ogrn, kpp, registered_on, municipality, legal_address, postal_address, phones, emails, website, activity_areas, target_groups, relationship, relationship_since, in_sonko_register, social_service_provider, status, liquidated_on, verified_by, verified_at, created_at, updated_at";

/// `INSERT INTO organizations (COPY_COLUMNS) VALUES (?, ...), ...` for `rows` rows on SQLite,
/// bound by [`bind_organization`] in [`COPY_COLUMNS`] order; built by sea-query, so only
/// placeholders ever stand for values.
pub fn organization_insert_statement(rows: usize) -> String {
    use sea_orm::sea_query::{Alias, Expr, Query, SqliteQueryBuilder, Value};
    let columns: Vec<Alias> = COPY_COLUMNS.split(", ").map(Alias::new).collect();
    let width = columns.len();
    let mut insert = Query::insert();
    insert.into_table(Alias::new("organizations")).columns(columns);
    for _ in 0..rows {
        insert.values_panic(std::iter::repeat_n(Expr::val(Value::String(None)), width));
    }
    insert.build(SqliteQueryBuilder).0
}

/// Binds one organisation's row in [`COPY_COLUMNS`] order, with the same types sea-orm binds.
pub fn bind_organization<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    m: &'q organization::Model,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    query
        .bind(m.id)
        .bind(m.version)
        .bind(m.full_name.as_str())
        .bind(m.short_name.as_deref())
        .bind(m.search_key.as_str())
        .bind(m.sort_key.as_str())
        .bind(m.legal_form.as_str())
        .bind(m.inn.as_deref())
        .bind(m.ogrn.as_deref())
        .bind(m.kpp.as_deref())
        .bind(m.registered_on)
        .bind(m.municipality.as_deref())
        .bind(m.legal_address.as_deref())
        .bind(m.postal_address.as_deref())
        .bind(m.phones.as_str())
        .bind(m.emails.as_str())
        .bind(m.website.as_deref())
        .bind(m.activity_areas.as_str())
        .bind(m.target_groups.as_str())
        .bind(m.relationship.as_str())
        .bind(m.relationship_since)
        .bind(m.in_sonko_register)
        .bind(m.social_service_provider)
        .bind(m.status.as_str())
        .bind(m.liquidated_on)
        .bind(m.verified_by.as_deref())
        .bind(m.verified_at)
        .bind(m.created_at)
        .bind(m.updated_at)
}

pub fn organization_from(row: organization::Model) -> Result<Organization, StoreError<Conflict>> {
    let text = |v: &str| Text::parse(v, MAX_TEXT);
    let status = match (row.status.as_str(), row.liquidated_on) {
        ("active", _) => OrgStatus::Active,
        ("suspended", _) => OrgStatus::Suspended,
        ("liquidated", Some(on)) => OrgStatus::Liquidated { on },
        (other, _) => return Err(corrupt("organizations.status", other)),
    };
    let verification = match (row.verified_by, row.verified_at) {
        (Some(by), Some(at)) => Some(Verification { by, at }),
        _ => None,
    };
    Ok(Organization {
        id: OrganizationId(row.id),
        version: row.version,
        profile: OrganizationProfile {
            full_name: parse("organizations.full_name", &row.full_name, OrgName::parse)?,
            short_name: parse_opt("organizations.short_name", &row.short_name, OrgName::parse)?,
            legal_form: parse("organizations.legal_form", &row.legal_form, Code::parse)?,
            inn: parse_opt("organizations.inn", &row.inn, Inn::parse)?,
            ogrn: parse_opt("organizations.ogrn", &row.ogrn, Ogrn::parse)?,
            kpp: parse_opt("organizations.kpp", &row.kpp, Kpp::parse)?,
            registered_on: row.registered_on,
            municipality: parse_opt("organizations.municipality", &row.municipality, Code::parse)?,
            legal_address: parse_opt("organizations.legal_address", &row.legal_address, text)?,
            postal_address: parse_opt("organizations.postal_address", &row.postal_address, text)?,
            phones: from_json("organizations.phones", &row.phones, Phone::parse)?,
            emails: from_json("organizations.emails", &row.emails, Email::parse)?,
            website: parse_opt("organizations.website", &row.website, Website::parse)?,
            activity_areas: from_json("organizations.activity_areas", &row.activity_areas, Code::parse)?,
            target_groups: from_json("organizations.target_groups", &row.target_groups, Code::parse)?,
            relationship: Relationship {
                kind: RelationshipKind::parse(&row.relationship)
                    .ok_or_else(|| corrupt("organizations.relationship", &row.relationship))?,
                since: row.relationship_since,
            },
            in_sonko_register: row.in_sonko_register,
            social_service_provider: row.social_service_provider,
        },
        status,
        verification,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub fn person_row(person: &Person) -> person::ActiveModel {
    let p = &person.profile;
    let b = &person.legal_basis;
    person::Model {
        id: person.id.0,
        last_name: p.last_name.to_string(),
        first_name: p.first_name.to_string(),
        middle_name: p.middle_name.as_ref().map(ToString::to_string),
        search_key: person_key(p.last_name.as_str(), p.first_name.as_str(), p.middle_name.as_ref().map(|m| m.as_str())),
        phones: json_of(&p.phones),
        emails: json_of(&p.emails),
        basis_kind: b.kind.code().to_owned(),
        basis_purpose: b.purpose.to_string(),
        basis_since: b.since,
        basis_document: b.document.as_ref().map(ToString::to_string),
        created_at: person.created_at,
    }
    .into_active_model()
    .reset_all()
}

pub fn person_from(row: person::Model) -> Result<Person, StoreError<Conflict>> {
    let short = |v: &str| Text::parse(v, MAX_SHORT_TEXT);
    let long = |v: &str| Text::parse(v, MAX_TEXT);
    Ok(Person {
        id: PersonId(row.id),
        profile: PersonProfile {
            last_name: parse("people.last_name", &row.last_name, short)?,
            first_name: parse("people.first_name", &row.first_name, short)?,
            middle_name: parse_opt("people.middle_name", &row.middle_name, short)?,
            phones: from_json("people.phones", &row.phones, Phone::parse)?,
            emails: from_json("people.emails", &row.emails, Email::parse)?,
        },
        legal_basis: LegalBasis {
            kind: LegalBasisKind::parse(&row.basis_kind)
                .ok_or_else(|| corrupt("people.basis_kind", &row.basis_kind))?,
            purpose: parse("people.basis_purpose", &row.basis_purpose, long)?,
            since: row.basis_since,
            document: parse_opt("people.basis_document", &row.basis_document, long)?,
        },
        created_at: row.created_at,
    })
}

fn period(what: &str, from: chrono::NaiveDate, to: Option<chrono::NaiveDate>) -> Result<Period, StoreError<Conflict>> {
    Period::new(from, to).map_err(|e| corrupt(what, e))
}

pub fn membership_row(m: &Membership) -> membership::ActiveModel {
    membership::Model {
        id: m.id.0,
        person_id: m.person.0,
        organization_id: m.organization.0,
        position: m.position.to_string(),
        valid_from: m.period.from(),
        valid_to: m.period.to(),
    }
    .into_active_model()
    .reset_all()
}

pub fn membership_from(row: membership::Model) -> Result<Membership, StoreError<Conflict>> {
    Ok(Membership {
        id: MembershipId(row.id),
        person: PersonId(row.person_id),
        organization: OrganizationId(row.organization_id),
        position: parse("memberships.position", &row.position, |v| Text::parse(v, MAX_SHORT_TEXT))?,
        period: period("memberships.valid_to", row.valid_from, row.valid_to)?,
    })
}

pub fn coalition_row(c: &Coalition) -> coalition::ActiveModel {
    coalition::Model {
        id: c.id.0,
        name: c.name.to_string(),
        sort_key: name_key(c.name.as_str()),
        purpose: c.purpose.as_ref().map(ToString::to_string),
        founded_on: c.founded_on,
        created_at: c.created_at,
    }
    .into_active_model()
    .reset_all()
}

pub fn coalition_from(row: coalition::Model) -> Result<Coalition, StoreError<Conflict>> {
    Ok(Coalition {
        id: CoalitionId(row.id),
        name: parse("coalitions.name", &row.name, OrgName::parse)?,
        purpose: parse_opt("coalitions.purpose", &row.purpose, |v| Text::parse(v, MAX_TEXT))?,
        founded_on: row.founded_on,
        created_at: row.created_at,
    })
}

pub fn coalition_member_row(m: &CoalitionMember) -> coalition_member::ActiveModel {
    coalition_member::Model {
        id: m.id.0,
        coalition_id: m.coalition.0,
        organization_id: m.organization.0,
        role: m.role.code().to_owned(),
        valid_from: m.period.from(),
        valid_to: m.period.to(),
    }
    .into_active_model()
    .reset_all()
}

pub fn coalition_member_from(row: coalition_member::Model) -> Result<CoalitionMember, StoreError<Conflict>> {
    Ok(CoalitionMember {
        id: CoalitionMemberId(row.id),
        coalition: CoalitionId(row.coalition_id),
        organization: OrganizationId(row.organization_id),
        role: CoalitionRole::parse(&row.role).ok_or_else(|| corrupt("coalition_members.role", &row.role))?,
        period: period("coalition_members.valid_to", row.valid_from, row.valid_to)?,
    })
}

pub fn tie_row(t: &Tie) -> tie::ActiveModel {
    let [a, b] = t.ends();
    tie::Model {
        id: t.id.0,
        kind: t.kind.code().to_owned(),
        organization_a: a.organization.0,
        role_a: a.role.as_ref().map(ToString::to_string),
        organization_b: b.organization.0,
        role_b: b.role.as_ref().map(ToString::to_string),
        valid_from: t.period.from(),
        valid_to: t.period.to(),
        note: t.note.as_ref().map(ToString::to_string),
    }
    .into_active_model()
    .reset_all()
}

pub fn tie_from(row: tie::Model) -> Result<Tie, StoreError<Conflict>> {
    let role = |v: &str| Text::parse(v, MAX_SHORT_TEXT);
    Ok(Tie::new(
        TieId(row.id),
        TieKind::parse(&row.kind).ok_or_else(|| corrupt("ties.kind", &row.kind))?,
        TieEnd { organization: OrganizationId(row.organization_a), role: parse_opt("ties.role_a", &row.role_a, role)? },
        TieEnd { organization: OrganizationId(row.organization_b), role: parse_opt("ties.role_b", &row.role_b, role)? },
        period("ties.valid_to", row.valid_from, row.valid_to)?,
        parse_opt("ties.note", &row.note, |v| Text::parse(v, MAX_TEXT))?,
    ))
}

pub fn term_row(t: &Term) -> reference_term::ActiveModel {
    reference_term::Model {
        kind: t.kind.as_str().to_owned(),
        code: t.code.clone(),
        name_ru: t.name_ru.clone(),
        name_en: t.name_en.clone(),
        external_code: t.external_code.clone(),
        category: t.category.clone(),
        source: t.source.clone(),
        valid_from: t.valid_from,
        valid_to: t.valid_to,
    }
    .into_active_model()
    .reset_all()
}

pub fn term_from(row: reference_term::Model) -> Result<Term, StoreError<Conflict>> {
    Ok(Term {
        kind: TermKind::parse(&row.kind).ok_or_else(|| corrupt("reference_terms.kind", &row.kind))?,
        code: row.code,
        name_ru: row.name_ru,
        name_en: row.name_en,
        external_code: row.external_code,
        category: row.category,
        source: row.source,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
    })
}
