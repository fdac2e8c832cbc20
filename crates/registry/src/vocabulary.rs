//! The vocabulary: which codes each reference list allows, loaded from the region profile's data.

use std::collections::{BTreeMap, HashMap};

use kernel::{Lang, Term, TermKind};

use crate::error::Problem;
use crate::model::Code;

/// The allowed codes of every reference list, with their Russian and English names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    lists: HashMap<TermKind, BTreeMap<String, Term>>,
}

impl Vocabulary {
    /// Builds the vocabulary from reference terms (as stored by `nko seed`).
    pub fn from_terms(terms: impl IntoIterator<Item = Term>) -> Self {
        let mut lists: HashMap<TermKind, BTreeMap<String, Term>> = HashMap::new();
        for term in terms {
            lists.entry(term.kind).or_default().insert(term.code.clone(), term);
        }
        Self { lists }
    }

    /// Checks that `raw` is a code of the `kind` list.
    pub fn code(&self, kind: TermKind, raw: &str) -> Result<Code, Problem> {
        let code = Code::parse(raw)?;
        if self.lists.get(&kind).is_some_and(|list| list.contains_key(code.as_str())) {
            Ok(code)
        } else {
            Err(Problem::UnknownCode { code: raw.trim().to_owned() })
        }
    }

    /// The term behind a code, if the list has it.
    pub fn term(&self, kind: TermKind, code: &str) -> Option<&Term> {
        self.lists.get(&kind)?.get(code)
    }

    /// A term's name in the reader's language (the Russian one when no English is known; the
    /// code itself for a code the list does not have).
    pub fn name(&self, kind: TermKind, code: &str, lang: Lang) -> String {
        match (self.term(kind, code), lang) {
            (Some(term), Lang::En) => term.name_en.clone().unwrap_or_else(|| term.name_ru.clone()),
            (Some(term), Lang::Ru) => term.name_ru.clone(),
            (None, _) => code.to_owned(),
        }
    }

    /// The terms of one list, ordered by code.
    pub fn terms(&self, kind: TermKind) -> impl Iterator<Item = &Term> {
        self.lists.get(&kind).into_iter().flat_map(|list| list.values())
    }

    /// Whether no list has any term (the database has not been seeded).
    pub fn is_empty(&self) -> bool {
        self.lists.values().all(BTreeMap::is_empty)
    }
}
