//! Dispatch: which directory services can help a person with a need, best first, and why.
//!
//! Eligibility is a hard filter: a service whose rules exclude the person (age, target group,
//! income, retired) is never ranked. The rest are ordered by territory, then how well they match
//! the need, then free places, then language; ties by the service's id, so the same question
//! always gets the same answer. What the person did not say is never held against them: it is
//! named as something to check.

use crate::model::directory::{DirectoryService, DirectoryServiceId, ServiceStatus};
use crate::model::values::Code;

/// What a dispatcher knows of the person and their need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// The need (a `target_group` code: an art. 15 circumstance) or a service type.
    pub need: Code,
    /// Where the person lives.
    pub municipality: Option<Code>,
    /// The person's target groups.
    pub target_groups: Vec<Code>,
    /// Their age in years.
    pub age: Option<u8>,
    /// The language they speak best (ISO 639-1).
    pub language: Option<Code>,
    /// Their household's average per-capita income as a multiple of the subsistence minimum, in
    /// hundredths.
    pub income: Option<u16>,
}

/// Why a service is ranked where it is: each reason is a fact about the service and the person.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// Serves the person's municipality by name.
    ServesMunicipality,
    /// Serves the whole region.
    ServesRegion,
    /// Given remotely, so the territory does not matter.
    Remote,
    /// Does not serve the person's municipality.
    OutsideTerritory,
    /// The person's municipality is unknown.
    TerritoryUnknown,
    /// Names the need among the needs or types it serves.
    MatchesNeed,
    /// Serves one of the person's target groups.
    MatchesTargetGroup(Code),
    /// Has free places.
    FreePlaces(u32),
    /// Has no free place now.
    Full,
    /// Does not say how many places it has.
    CapacityUnknown,
    /// Is given in the person's language.
    SpeaksLanguage(Code),
    /// Is not given in the person's language.
    OtherLanguage,
    /// Has an age limit and the person's age is unknown: check it.
    CheckAge,
    /// Has an income limit and the person's income is unknown: check it.
    CheckIncome,
}

/// Why a service is not offered to the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exclusion {
    /// The service is retired.
    Retired,
    /// The person is younger than the youngest age served.
    TooYoung,
    /// The person is older than the oldest age served.
    TooOld,
    /// The person is in none of the target groups the service is for.
    NotInTargetGroup,
    /// The person's income is above the service's limit.
    IncomeAboveLimit,
    /// The service does not serve the need.
    OtherNeed,
}

/// A service as ranked for a need: its score (higher is better) and the reasons for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked {
    /// The service.
    pub service: DirectoryServiceId,
    /// The score: territory weighs most, then the need, then places, then language.
    pub score: u32,
    /// The reasons, in the order of the factors.
    pub reasons: Vec<Reason>,
}

/// Whether the service's eligibility lets the person in; `Ok` carries what must be checked.
pub fn eligibility(service: &DirectoryService, need: &Need) -> Result<Vec<Reason>, Exclusion> {
    let rules = &service.eligibility;
    if service.status == ServiceStatus::Retired {
        return Err(Exclusion::Retired);
    }
    let mut checks = Vec::new();
    match need.age {
        Some(age) if rules.min_age.is_some_and(|min| age < min) => return Err(Exclusion::TooYoung),
        Some(age) if rules.max_age.is_some_and(|max| age > max) => return Err(Exclusion::TooOld),
        None if rules.min_age.is_some() || rules.max_age.is_some() => checks.push(Reason::CheckAge),
        _ => {}
    }
    if !rules.target_groups.is_empty() && !rules.target_groups.iter().any(|g| need.target_groups.contains(g)) {
        return Err(Exclusion::NotInTargetGroup);
    }
    match (need.income, rules.income_limit) {
        (Some(income), Some(limit)) if income > limit => return Err(Exclusion::IncomeAboveLimit),
        (None, Some(_)) => checks.push(Reason::CheckIncome),
        _ => {}
    }
    Ok(checks)
}

/// Scores one eligible service: `None` when it does not serve the need at all.
fn score(service: &DirectoryService, need: &Need) -> Option<(u32, Vec<Reason>)> {
    if !service.needs.contains(&need.need) && !service.service_types.contains(&need.need) {
        return None;
    }
    let mut reasons = Vec::new();
    let remote = service.forms.iter().any(|f| f.as_str() == "remote");
    let territory = match &need.municipality {
        Some(m) if service.municipalities.contains(m) => (3, Reason::ServesMunicipality),
        _ if service.municipalities.is_empty() => (2, Reason::ServesRegion),
        _ if remote => (1, Reason::Remote),
        Some(_) => (0, Reason::OutsideTerritory),
        None => (0, Reason::TerritoryUnknown),
    };
    reasons.push(territory.1);
    reasons.push(Reason::MatchesNeed);
    let groups: Vec<&Code> = need.target_groups.iter().filter(|g| service.needs.contains(g)).take(8).collect();
    reasons.extend(groups.iter().map(|g| Reason::MatchesTargetGroup((*g).clone())));
    let places = match service.capacity {
        Some(c) if c.free > 0 => (2, Reason::FreePlaces(c.free)),
        Some(_) => (0, Reason::Full),
        None => (1, Reason::CapacityUnknown),
    };
    reasons.push(places.1);
    let language = match &need.language {
        Some(l) if service.spoken().any(|s| s == l.as_str()) => (1, Some(Reason::SpeaksLanguage(l.clone()))),
        Some(_) => (0, Some(Reason::OtherLanguage)),
        None => (1, None),
    };
    reasons.extend(language.1);
    let need_points = 1 + u32::try_from(groups.len()).expect("at most 8");
    Some((territory.0 * 1000 + need_points * 100 + places.0 * 10 + language.0, reasons))
}

/// The services that can help, best first: eligible ones serving the need, by score, then by id.
pub fn rank<'s>(services: impl IntoIterator<Item = &'s DirectoryService>, need: &Need) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = services
        .into_iter()
        .filter_map(|service| {
            let checks = eligibility(service, need).ok()?;
            let (score, mut reasons) = score(service, need)?;
            reasons.extend(checks);
            Some(Ranked { service: service.id, score, reasons })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then(a.service.cmp(&b.service)));
    ranked.dedup_by_key(|r| r.service);
    ranked
}
