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
    /// Picks the language from an `Accept-Language` value by its weights (RFC 9110, 12.5.4):
    /// English when it weighs more than Russian, or as much and comes first; `*` stands for a
    /// language the header does not name; `q=0` refuses one; an entry with a malformed weight is
    /// ignored. Russian when the header says nothing either way.
    pub fn from_accept_language(header: &str) -> Self {
        // (weight, position) of Russian, English and `*`, each at its heaviest entry.
        let mut best: [Option<(u16, usize)>; 3] = [None; 3];
        for (position, entry) in header.split(',').enumerate() {
            let mut parts = entry.split(';');
            let range = parts.next().unwrap_or_default().trim();
            let primary = range.split('-').next().unwrap_or_default();
            let slot = if primary.eq_ignore_ascii_case("ru") {
                0
            } else if primary.eq_ignore_ascii_case("en") {
                1
            } else if range == "*" {
                2
            } else {
                continue;
            };
            let weight = parts.find_map(|p| {
                let (key, value) = p.split_once('=')?;
                key.trim().eq_ignore_ascii_case("q").then(|| value.trim())
            });
            let Some(weight) = weight.map_or(Some(1000), thousandths) else { continue };
            if best[slot].is_none_or(|(w, _)| weight > w) {
                best[slot] = Some((weight, position));
            }
        }
        let [ru, en, any] = best;
        let (ru, en) = (ru.or(any), en.or(any));
        match (ru, en) {
            (_, None) | (_, Some((0, _))) => Lang::Ru,
            (None, Some(_)) => Lang::En,
            (Some((rw, rp)), Some((ew, ep))) if ew > rw || (ew == rw && ep < rp) => Lang::En,
            _ => Lang::Ru,
        }
    }
}

/// A weight `0`, `0.x`, `0.xx`, `0.xxx` or `1`, `1.0`... in thousandths; `None` when malformed.
fn thousandths(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(fraction),
        "1" if fraction == 0 => Some(1000),
        _ => None,
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
    fn english_is_chosen_when_it_weighs_more_or_as_much_and_comes_first() {
        let cases = [
            ("en-GB,en;q=0.9", Lang::En),
            ("ru,en;q=0.5", Lang::Ru),
            ("", Lang::Ru),
            ("ru;q=0.1, en;q=0.9", Lang::En),
            ("de, en;q=0.5", Lang::En),
            ("de, fr", Lang::Ru),
            ("en;q=0, de", Lang::Ru),
            ("*;q=0.5, en", Lang::En),
            ("en;q=0.4, *;q=0.5", Lang::Ru),
            ("en;q=banana, ru;q=0.2", Lang::Ru),
            ("EN-us;Q=1.0", Lang::En),
            ("en;q=1.5", Lang::Ru),
            ("en, ru", Lang::En),
            ("ru;q=0.9, en;q =0.1", Lang::Ru),
            ("ru;q=0.2, en; q = 0.3", Lang::En),
            ("ru, en", Lang::Ru),
        ];
        for (header, expected) in cases {
            assert_eq!(Lang::from_accept_language(header), expected, "{header:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_order_of_entries_of_different_weights_does_not_matter(
            ru in 0u16..=1000, en in 0u16..=1000, others in proptest::collection::vec(("[a-z]{2}", 0u16..=1000), 0..4),
            en_first in proptest::bool::ANY,
        ) {
            proptest::prop_assume!(ru != en);
            let q = |w: u16| format!("{}.{:03}", w / 1000, w % 1000);
            let (r, e) = (format!("ru;q={}", q(ru)), format!("en;q={}", q(en)));
            let rest: Vec<String> =
                others.iter().filter(|(t, _)| t != "ru" && t != "en").map(|(t, w)| format!("{t};q={}", q(*w))).collect();
            let mut entries = if en_first { vec![e, r] } else { vec![r, e] };
            entries.extend(rest);
            let header = entries.join(", ");
            let expected = if en > ru { Lang::En } else { Lang::Ru };
            proptest::prop_assert_eq!(Lang::from_accept_language(&header), expected, "{}", header);
        }

        #[test]
        fn any_header_gives_an_answer(header in "\\PC{0,80}") {
            let _ = Lang::from_accept_language(&header);
        }
    }
}
