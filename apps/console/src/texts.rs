//! The console's words in both languages: one call per phrase, Russian first.

use kernel::Lang;

/// The phrase in the visitor's language.
pub fn t(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}
