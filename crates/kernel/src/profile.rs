//! The region profile: the region's municipalities, the legal reference lists and KPI targets, as data.
//!
//! Legal lists change (7-FZ art. 31.1 gained an item in 2025; municipal districts become okrugs), so
//! they live in a TOML file an operator can correct without a release, never in enums.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The reference lists a profile carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    /// Municipalities of the region (ОКТМО as the external code).
    Municipality,
    /// Organisational-legal forms of NGOs (ОКОПФ as the external code).
    LegalForm,
    /// Activity areas of socially oriented NGOs (7-FZ art. 31.1).
    ActivityArea,
    /// Target groups: 442-FZ art. 15 circumstances and 124-FZ categories.
    TargetGroup,
    /// Types of social services (442-FZ art. 20 and 21).
    ServiceType,
    /// Forms of social service (442-FZ art. 19, and remote).
    ServiceForm,
}

impl TermKind {
    /// Every kind, in a stable order.
    pub const ALL: [TermKind; 6] = [
        TermKind::Municipality,
        TermKind::LegalForm,
        TermKind::ActivityArea,
        TermKind::TargetGroup,
        TermKind::ServiceType,
        TermKind::ServiceForm,
    ];

    /// The stable snake_case name used in storage and in files.
    pub fn as_str(self) -> &'static str {
        match self {
            TermKind::Municipality => "municipality",
            TermKind::LegalForm => "legal_form",
            TermKind::ActivityArea => "activity_area",
            TermKind::TargetGroup => "target_group",
            TermKind::ServiceType => "service_type",
            TermKind::ServiceForm => "service_form",
        }
    }

    /// Reads the stable name back.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One entry of a reference list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Which list the entry belongs to (filled in from the section it was read from).
    #[serde(skip_deserializing, default = "default_kind")]
    pub kind: TermKind,
    /// The stable snake_case code stored in records.
    pub code: String,
    /// The name in Russian.
    pub name_ru: String,
    /// The name in English, when known.
    #[serde(default)]
    pub name_en: Option<String>,
    /// The official code outside this system (ОКОПФ for legal forms, ОКТМО for municipalities).
    #[serde(default)]
    pub external_code: Option<String>,
    /// A subdivision of the list (e.g. a municipality's kind, or the law a target group comes from).
    #[serde(default)]
    pub category: Option<String>,
    /// Where the entry comes from (law and article).
    #[serde(default)]
    pub source: Option<String>,
    /// The first day the entry is in force.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// The last day the entry is in force.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

fn default_kind() -> TermKind {
    TermKind::Municipality
}

/// The region the profile describes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The subject code (40 for Kaluga region).
    pub code: String,
    /// The name in Russian.
    pub name_ru: String,
    /// The name in English.
    pub name_en: String,
}

/// A region profile: everything region-specific that another centre replaces with its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionProfile {
    /// The region.
    pub region: Region,
    /// Every reference term, of every kind.
    pub terms: Vec<Term>,
    /// KPI targets by name (e.g. `regular_clients = 38`).
    pub kpi_targets: BTreeMap<String, i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    region: Region,
    #[serde(default)]
    kpi_targets: BTreeMap<String, i64>,
    #[serde(default)]
    municipalities: Vec<Term>,
    #[serde(default)]
    legal_forms: Vec<Term>,
    #[serde(default)]
    activity_areas: Vec<Term>,
    #[serde(default)]
    target_groups: Vec<Term>,
    #[serde(default)]
    service_types: Vec<Term>,
    #[serde(default)]
    service_forms: Vec<Term>,
}

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The text is not valid TOML or has unknown or missing keys.
    #[error("the profile is not valid: {0}")]
    Syntax(#[from] toml::de::Error),
    /// A code appears twice in one list.
    #[error("the code `{code}` appears twice in the {kind} list", kind = .kind.as_str())]
    DuplicateCode {
        /// The list.
        kind: TermKind,
        /// The repeated code.
        code: String,
    },
    /// A code is not snake_case ASCII.
    #[error("the code `{code}` in the {kind} list must be lower-case ASCII letters, digits and `_`", kind = .kind.as_str())]
    BadCode {
        /// The list.
        kind: TermKind,
        /// The bad code.
        code: String,
    },
    /// A list the registry needs is empty.
    #[error("the {} list is empty", .0.as_str())]
    EmptyList(TermKind),
}

/// Whether a code is lower-case snake_case ASCII.
pub fn is_valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl RegionProfile {
    /// Parses and checks a profile: unique snake_case codes, no empty list.
    pub fn parse(text: &str) -> Result<Self, ProfileError> {
        let file: ProfileFile = toml::from_str(text)?;
        let lists = [
            (TermKind::Municipality, file.municipalities),
            (TermKind::LegalForm, file.legal_forms),
            (TermKind::ActivityArea, file.activity_areas),
            (TermKind::TargetGroup, file.target_groups),
            (TermKind::ServiceType, file.service_types),
            (TermKind::ServiceForm, file.service_forms),
        ];
        let mut terms = Vec::new();
        for (kind, list) in lists {
            if list.is_empty() {
                return Err(ProfileError::EmptyList(kind));
            }
            let mut seen = HashSet::new();
            for mut term in list {
                if !is_valid_code(&term.code) {
                    return Err(ProfileError::BadCode { kind, code: term.code });
                }
                if !seen.insert(term.code.clone()) {
                    return Err(ProfileError::DuplicateCode { kind, code: term.code });
                }
                term.kind = kind;
                terms.push(term);
            }
        }
        Ok(Self { region: file.region, terms, kpi_targets: file.kpi_targets })
    }

    /// The terms of one list, in file order.
    pub fn terms_of(&self, kind: TermKind) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(move |t| t.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        [region]
        code = "40"
        name_ru = "Калужская область"
        name_en = "Kaluga region"
        [[municipalities]]
        code = "kaluga_city"
        name_ru = "Калуга"
        [[legal_forms]]
        code = "ano"
        name_ru = "АНО"
        external_code = "71400"
        [[activity_areas]]
        code = "charity_volunteering"
        name_ru = "Благотворительность"
        [[target_groups]]
        code = "homelessness"
        name_ru = "Бездомность"
        [[service_types]]
        code = "social_legal"
        name_ru = "Социально-правовые"
        [[service_forms]]
        code = "remote"
        name_ru = "Дистанционно"
    "#;

    #[test]
    fn a_minimal_profile_reads_with_each_term_in_its_list() {
        let profile = RegionProfile::parse(MINIMAL).unwrap();
        let forms: Vec<_> = profile.terms_of(TermKind::LegalForm).map(|t| t.code.as_str()).collect();
        assert_eq!(forms, ["ano"]);
        assert_eq!(profile.terms.len(), 6);
    }

    #[test]
    fn a_repeated_code_is_named_in_the_error() {
        let text = format!("{MINIMAL}\n[[target_groups]]\ncode = \"homelessness\"\nname_ru = \"x\"\n");
        let error = RegionProfile::parse(&text).unwrap_err();
        assert_eq!(error.to_string(), "the code `homelessness` appears twice in the target_group list");
    }

    #[test]
    fn a_code_that_is_not_snake_case_is_refused() {
        let text = MINIMAL.replace("\"ano\"", "\"Ano Form\"");
        assert!(matches!(RegionProfile::parse(&text), Err(ProfileError::BadCode { code, .. }) if code == "Ano Form"));
    }

    #[test]
    fn the_kaluga_profile_shipped_with_the_project_is_valid() {
        let profile = RegionProfile::parse(include_str!("../../../profiles/kaluga.toml")).unwrap();
        assert_eq!(profile.region.code, "40");
        assert_eq!(profile.terms_of(TermKind::Municipality).count(), 26);
        assert_eq!(profile.kpi_targets.get("regular_clients"), Some(&38));
        assert_eq!(profile.kpi_targets.get("occasional_clients"), Some(&61));
    }
}
