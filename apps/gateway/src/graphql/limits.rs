//! The limits a query must keep before it runs: depth, complexity, directives, and what the
//! document costs to validate and execute (fragments, fields, aliases), measured before
//! validation.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned};

/// Deepest accepted query (OWASP depth limiting).
pub const MAX_DEPTH: usize = 10;
/// Highest accepted complexity of a staff query; list fields cost `first` times their children.
pub const MAX_COMPLEXITY: usize = 2_000;
/// Highest accepted complexity of a public query.
pub const MAX_PUBLIC_COMPLEXITY: usize = 1_000;
/// Most directives in one query (CVE-2024-47614).
pub const MAX_DIRECTIVES: usize = 10;
/// Most aliases in one query: alias floods are a cheap way to multiply work.
pub const MAX_ALIASES: usize = 60;
/// Most fragment definitions in one document: validating thousands of (unused, chained)
/// fragments costs seconds of CPU before any limit above applies.
pub const MAX_FRAGMENTS: usize = 50;
/// Most fields written in one document (before fragments are expanded): validation compares
/// fields pairwise, so a flat list of tens of thousands stalls a worker.
pub const MAX_FIELDS: usize = 1_000;
/// Most fields and fragment spreads one document executes with its fragments expanded: ten
/// fragments each spreading the next ten times expand to ten billion, from 700 bytes.
pub const MAX_EXPANDED: usize = 10_000;

/// What a selection executes once fragments are expanded where they are spread: fields, aliases
/// and spreads (the engine's work grows with all three).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Expanded {
    fields: usize,
    aliases: usize,
    spreads: usize,
}

impl Expanded {
    fn plus(self, other: Self) -> Self {
        Self {
            fields: self.fields.saturating_add(other.fields),
            aliases: self.aliases.saturating_add(other.aliases),
            spreads: self.spreads.saturating_add(other.spreads),
        }
    }
}

/// Tallies what a selection executes, with every fragment spread expanded where it is spread:
/// ten aliased fields spreading a 50-alias fragment are 500 aliases plus ten. Each fragment's
/// tally is computed once (`known`), so a tree of spreads that expands to billions of fields
/// costs its written size to measure; tallies saturate instead of overflowing. A spread of an
/// unknown fragment, or one inside its own cycle, counts nothing here: validation refuses the
/// document anyway.
fn expanded<'a>(
    set: &'a SelectionSet,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    known: &mut HashMap<&'a str, Expanded>,
    visiting: &mut Vec<&'a str>,
) -> Expanded {
    set.items.iter().fold(Expanded::default(), |total, item| {
        let here = match &item.node {
            Selection::Field(field) => {
                let own = Expanded { fields: 1, aliases: usize::from(field.node.alias.is_some()), spreads: 0 };
                own.plus(expanded(&field.node.selection_set.node, fragments, known, visiting))
            }
            Selection::InlineFragment(fragment) => {
                expanded(&fragment.node.selection_set.node, fragments, known, visiting)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                let inner = match (known.get(name), fragments.get(name)) {
                    (Some(tally), _) => *tally,
                    (None, Some(fragment)) if !visiting.contains(&name) => {
                        visiting.push(name);
                        let tally = expanded(&fragment.node.selection_set.node, fragments, known, visiting);
                        visiting.pop();
                        known.insert(name, tally);
                        tally
                    }
                    _ => Expanded::default(),
                };
                Expanded { spreads: 1, ..Expanded::default() }.plus(inner)
            }
        };
        total.plus(here)
    })
}

/// Fields as written in a selection set (fragments not expanded), saturating.
fn fields_written(set: &SelectionSet) -> usize {
    set.items.iter().fold(0usize, |total, item| {
        total.saturating_add(match &item.node {
            Selection::Field(field) => 1usize.saturating_add(fields_written(&field.node.selection_set.node)),
            Selection::InlineFragment(fragment) => fields_written(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
    })
}

/// What a document costs before it is validated: its fragments, its written fields, and the
/// fields, spreads and aliases it executes with fragments expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentSize {
    /// Fragment definitions.
    pub fragments: usize,
    /// Fields as written, in operations and fragment definitions.
    pub fields: usize,
    /// Fields and fragment spreads executed, fragments expanded where they are spread.
    pub expanded: usize,
    /// Aliases executed, fragments expanded where they are spread.
    pub aliases: usize,
}

impl DocumentSize {
    /// Measures a parsed document.
    pub fn of(document: &ExecutableDocument) -> Self {
        let fields = document
            .operations
            .iter()
            .map(|(_, op)| fields_written(&op.node.selection_set.node))
            .chain(document.fragments.values().map(|f| fields_written(&f.node.selection_set.node)))
            .fold(0usize, usize::saturating_add);
        let mut known = HashMap::new();
        let mut visiting = Vec::new();
        let run = document.operations.iter().fold(Expanded::default(), |total, (_, op)| {
            total.plus(expanded(&op.node.selection_set.node, &document.fragments, &mut known, &mut visiting))
        });
        Self {
            fragments: document.fragments.len(),
            fields,
            expanded: run.fields.saturating_add(run.spreads),
            aliases: run.aliases,
        }
    }

    /// The first limit this document exceeds, said in `lang`; `None` within every limit.
    pub(crate) fn over_limit(self, lang: kernel::Lang) -> Option<String> {
        let (what_ru, what_en, count, max) = if self.fragments > MAX_FRAGMENTS {
            ("Фрагментов", "fragments defined", self.fragments, MAX_FRAGMENTS)
        } else if self.fields > MAX_FIELDS {
            ("Полей", "fields written", self.fields, MAX_FIELDS)
        } else if self.expanded > MAX_EXPANDED {
            (
                "Полей и подстановок фрагментов после раскрытия",
                "fields and fragment spreads expanded",
                self.expanded,
                MAX_EXPANDED,
            )
        } else if self.aliases > MAX_ALIASES {
            ("Псевдонимов (aliases)", "aliases", self.aliases, MAX_ALIASES)
        } else {
            return None;
        };
        Some(match lang {
            kernel::Lang::Ru => format!("{what_ru} в запросе: {count}; допускается не больше {max}"),
            kernel::Lang::En => format!("the query has {count} {what_en}; at most {max} are allowed"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{DocumentSize, MAX_FIELDS, MAX_FRAGMENTS};

    fn document_size(query: &str) -> Option<DocumentSize> {
        async_graphql::parser::parse_query(query).ok().map(|document| DocumentSize::of(&document))
    }

    fn aliases_in(query: &str) -> Option<usize> {
        document_size(query).map(|size| size.aliases)
    }

    #[test]
    fn fragments_and_written_fields_are_counted_before_validation() {
        let chain: String = (0..5_000).map(|i| format!("fragment F{i} on Query {{ ...F{} }} ", i + 1)).collect();
        let size = document_size(&format!("query {{ __typename }} {chain}")).expect("parses");
        assert!(size.fragments > MAX_FRAGMENTS, "{size:?}");
        let flat: String = (0..5_000).map(|_| "__typename ").collect();
        let size = document_size(&format!("{{ {flat} }}")).expect("parses");
        assert!(size.fields > MAX_FIELDS, "{size:?}");
        let size = document_size("{ organizations { nodes { id fullName } } }").expect("parses");
        assert_eq!((size.fragments, size.fields, size.expanded, size.aliases), (0, 4, 4, 0));
    }

    #[test]
    fn a_fan_out_of_fragments_is_measured_by_its_expansion_without_expanding_it() {
        let spreads = |next: usize| (0..10).map(|_| format!("...F{next} ")).collect::<String>();
        let mut query = String::from("{ ...F0 }");
        for level in 0..9 {
            query.push_str(&format!(" fragment F{level} on Query {{ {} }}", spreads(level + 1)));
        }
        query.push_str(" fragment F9 on Query { __typename }");
        let size = document_size(&query).expect("parses");
        assert!(size.fragments <= MAX_FRAGMENTS && size.fields <= MAX_FIELDS, "{size:?}");
        assert!(size.expanded > 1_000_000_000, "{size:?}");
    }

    #[test]
    fn a_fragment_counts_once_per_spread() {
        let fragment: String = (0..50).map(|i| format!("a{i}: __typename ")).collect();
        let spreads: String = (0..10).map(|i| format!("s{i}: organizations {{ ...F }} ")).collect();
        let query = format!("query {{ {spreads} }} fragment F on OrganizationConnection {{ {fragment} }}");
        assert_eq!(aliases_in(&query), Some(10 + 10 * 50));
    }

    #[test]
    fn nested_fragments_multiply_and_saturate_instead_of_overflowing() {
        let mut query = String::from("query { ...F0 }");
        for level in 0..80 {
            query.push_str(&format!(" fragment F{level} on Query {{ x: __typename ...F{n} ...F{n} }}", n = level + 1));
        }
        query.push_str(" fragment F80 on Query { y: __typename }");
        assert_eq!(aliases_in(&query), Some(usize::MAX));
    }

    #[test]
    fn a_fragment_cycle_and_an_unknown_fragment_end_the_count() {
        let query = "query { a: __typename ...A ...Missing } fragment A on Query { b: __typename ...A }";
        assert_eq!(aliases_in(query), Some(2));
    }

    #[test]
    fn a_fragment_no_operation_spreads_executes_no_alias() {
        assert_eq!(aliases_in("query { a: __typename } fragment F on Query { b: __typename c: __typename }"), Some(1));
    }
}
