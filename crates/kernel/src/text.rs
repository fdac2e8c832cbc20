//! What every stored text may contain: no control characters (a NUL breaks files and
//! terminals) and no invisible formatting (bidirectional overrides and zero-width characters
//! make a name read differently from what is stored, and can hide a spreadsheet formula).

use std::borrow::Cow;

/// `raw` trimmed, with every run of whitespace made one space; borrowed when it already is (as
/// every stored text is, so reading a row copies nothing here).
pub fn collapse_whitespace(raw: &str) -> Cow<'_, str> {
    let mut after_space = true; // a space at the start is one too many
    let collapsed = raw.chars().all(|c| {
        let ok = if c.is_whitespace() { c == ' ' && !after_space } else { true };
        after_space = c.is_whitespace();
        ok
    }) && !raw.ends_with(' ');
    if collapsed { Cow::Borrowed(raw) } else { Cow::Owned(raw.split_whitespace().collect::<Vec<_>>().join(" ")) }
}

/// The first character a stored text may not hold, if any. With `newlines`, line feeds (and
/// tabs) are allowed, for free texts such as a reason sent to a person.
pub fn forbidden_char(text: &str, newlines: bool) -> Option<char> {
    text.chars().find(|c| {
        let allowed_space = newlines && matches!(c, '\n' | '\t');
        (c.is_control() && !allowed_space) || is_invisible_format(*c)
    })
}

/// Characters that print as nothing or change how their neighbours read: the format characters
/// of Unicode (bidirectional controls, zero-width characters, soft hyphen, tags...), variation
/// selectors, fillers that render blank, private-use characters (no meaning outside one font),
/// specials and noncharacters.
fn is_invisible_format(c: char) -> bool {
    let code = u32::from(c);
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{E000}'..='\u{F8FF}'
            | '\u{FDD0}'..='\u{FDEF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFF}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
            | '\u{F0000}'..='\u{10FFFF}'
    ) || code & 0xFFFE == 0xFFFE
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
            ("Свет\u{00AD}лый", Some('\u{00AD}')),
            ("луч\u{E0020}", Some('\u{E0020}')),
            ("\u{3164}", Some('\u{3164}')),
            ("a\u{034F}b", Some('\u{034F}')),
            ("a\u{FE0F}", Some('\u{FE0F}')),
            ("a\u{E000}", Some('\u{E000}')),
            ("a\u{1FFFF}", Some('\u{1FFFF}')),
            ("a\u{180E}", Some('\u{180E}')),
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
        fn collapsing_whitespace_trims_and_joins_the_words_with_one_space(text in "[ \t\n\u{A0}\u{3000}aбв]{0,12}") {
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let collapsed = collapse_whitespace(&text);
            prop_assert_eq!(&*collapsed, words.as_str());
            prop_assert_eq!(matches!(collapsed, Cow::Borrowed(_)), text == words, "borrowed exactly when already collapsed");
        }

        #[test]
        fn a_text_without_a_forbidden_char_has_no_control_or_override(text in "\\PC{0,40}") {
            if forbidden_char(&text, false).is_none() {
                let overrides = '\u{202A}'..='\u{202E}';
                prop_assert!(!text.chars().any(|c| c.is_control() || overrides.contains(&c)), "{:?}", text);
            }
        }
    }
}
