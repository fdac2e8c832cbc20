//! What every stored text may contain: no control characters (a NUL breaks files and
//! terminals) and no invisible formatting (bidirectional overrides and zero-width characters
//! make a name read differently from what is stored, and can hide a spreadsheet formula).

/// The first character a stored text may not hold, if any. With `newlines`, line feeds (and
/// tabs) are allowed, for free texts such as a reason sent to a person.
pub fn forbidden_char(text: &str, newlines: bool) -> Option<char> {
    text.chars().find(|c| {
        let allowed_space = newlines && matches!(c, '\n' | '\t');
        (c.is_control() && !allowed_space) || is_invisible_format(*c)
    })
}

/// Bidirectional embeddings, overrides and isolates, zero-width characters, word joiners and the
/// byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A character as people and tools name it: `U+202E`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn controls_and_invisible_formatting_are_found_and_ordinary_text_is_not() {
        for (text, found) in [
            ("\u{0}=1+1", Some('\u{0}')),
            ("Анна\u{202E}", Some('\u{202E}')),
            ("\u{FEFF}=1", Some('\u{FEFF}')),
            ("a\u{200B}b", Some('\u{200B}')),
            ("line\nline", Some('\n')),
            ("АНО «Свет» — №1, ул. Ленина, 5", None),
        ] {
            assert_eq!(forbidden_char(text, false), found, "{text:?}");
        }
        assert_eq!(forbidden_char("line\nline\twith tab", true), None);
        assert_eq!(forbidden_char("line\r\nline", true), Some('\r'));
        assert_eq!(code_point('\u{202E}'), "U+202E");
    }

    proptest! {
        #[test]
        fn a_text_without_a_forbidden_char_has_no_control_or_override(text in "\\PC{0,40}") {
            if forbidden_char(&text, false).is_none() {
                let overrides = '\u{202A}'..='\u{202E}';
                prop_assert!(!text.chars().any(|c| c.is_control() || overrides.contains(&c)), "{:?}", text);
            }
        }
    }
}
