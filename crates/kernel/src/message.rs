//! User-facing messages: Russian by default, English on request; error codes stay English.

/// The language of a user-facing message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Russian, the language of the centre's users.
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language`-like value: English only when it is asked for first.
    pub fn from_accept_language(header: &str) -> Self {
        match header.trim_start().get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("en") => Lang::En,
            _ => Lang::Ru,
        }
    }
}

/// An error or notice that can explain itself to a person in their language.
pub trait Localized {
    /// The message in the given language.
    fn message(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_chosen_only_when_asked_for_first() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("ru,en;q=0.5"), Lang::Ru);
        assert_eq!(Lang::from_accept_language(""), Lang::Ru);
    }
}
