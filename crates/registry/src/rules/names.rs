//! Normalisation of organisations' names, so that the same name typed twice compares equal.

/// Quote characters people and office software use around an organisation's name.
const QUOTES: [char; 8] = ['«', '»', '“', '”', '„', '"', '‟', '″'];

/// The normal form of a name: trimmed, inner whitespace collapsed to one space, every kind of
/// double quote unified to «» (opening before a word, closing after one).
///
/// Normalising twice gives the same result as normalising once.
pub fn normalize_name(raw: &str) -> String {
    let collapsed = kernel::text::collapse_whitespace(raw);
    if !collapsed.contains(QUOTES) {
        return collapsed.into_owned();
    }
    let mut out = String::with_capacity(collapsed.len());
    let mut previous: Option<char> = None;
    for c in collapsed.chars() {
        if QUOTES.contains(&c) {
            // A quote opens at the start, after a space, an opening bracket or quote, or a mark
            // that separates parts of a name (`;`, `,`, `:`, `/`, a dash).
            let opens = previous.is_none_or(|p| p.is_whitespace() || "(«[;,:/—–".contains(p));
            out.push(if opens { '«' } else { '»' });
        } else {
            out.push(c);
        }
        previous = out.chars().last();
    }
    out
}

/// A key for comparing names regardless of case and quotes: used by duplicate search, not stored.
pub fn name_key(name: &str) -> String {
    normalize_name(name)
        .chars()
        .filter(|c| !QUOTES.contains(c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// The text that name searches look in: the keys of the full and short names on separate lines,
/// so that a search never matches across the two.
pub fn search_key(full_name: &str, short_name: Option<&str>) -> String {
    match short_name {
        Some(short) => format!("{}\n{}", name_key(full_name), name_key(short)),
        None => name_key(full_name),
    }
}

/// The search and sort key of a person: surname, given name and patronymic.
pub fn person_key(last_name: &str, first_name: &str, middle_name: Option<&str>) -> String {
    name_key(&format!("{last_name} {first_name} {}", middle_name.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;
    use proptest::prelude::*;

    fn check(raw: &str, expected: expect_test::Expect) {
        expected.assert_eq(&normalize_name(raw));
    }

    #[test]
    fn names_are_trimmed_collapsed_and_quoted_alike() {
        check("  АНО   \"Свет\"  ", expect!["АНО «Свет»"]);
        check("Фонд “Добро” Калуги", expect!["Фонд «Добро» Калуги"]);
        check("РОО «Вместе»", expect!["РОО «Вместе»"]);
        check("Союз \"Клуб \"Надежда\"\"", expect!["Союз «Клуб «Надежда»»"]);
        check("Ассоциация (\"Альфа\";\"Бета\")", expect!["Ассоциация («Альфа»;«Бета»)"]);
        check("АНО \"Север\",\"Юг\"", expect!["АНО «Север»,«Юг»"]);
        check("\tОбщество\nинвалидов ", expect!["Общество инвалидов"]);
    }

    #[test]
    fn the_comparison_key_ignores_case_quotes_and_yo() {
        assert_eq!(name_key("АНО «Ёлка»"), name_key("ано \"елка\""));
    }

    proptest! {
        #[test]
        fn normalising_is_idempotent(raw in "[ \t\nАБВа-я«»“”\"a-z()]{0,40}") {
            let once = normalize_name(&raw);
            prop_assert_eq!(normalize_name(&once), once.clone());
            prop_assert_eq!(once.trim(), once.as_str());
            prop_assert!(!once.contains("  "));
        }
    }
}
