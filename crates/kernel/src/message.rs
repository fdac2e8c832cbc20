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

/// A message written once, in Russian and in English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phrase {
    /// Russian.
    pub ru: &'static str,
    /// English.
    pub en: &'static str,
}

impl Phrase {
    /// The message in `lang`.
    pub fn in_lang(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ru => self.ru,
            Lang::En => self.en,
        }
    }
}

/// The storage failed; trying later may help.
pub const STORAGE_UNAVAILABLE: Phrase = Phrase {
    ru: "хранилище недоступно, повторите попытку позже",
    en: "storage is unavailable, try again later",
};

/// A fault the caller cannot fix (corrupt stored data, a bug); the log has the details.
pub const INTERNAL: Phrase = Phrase {
    ru: "внутренняя ошибка; подробности в журнале сервера",
    en: "internal error; the server log has details",
};

/// The policy refuses the operation.
pub const DENIED: Phrase =
    Phrase { ru: "недостаточно прав для этого действия", en: "you may not do this" };

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
