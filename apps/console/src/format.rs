//! Dates, times and numbers as Russian (or English) readers write them.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::Lang;

/// A date: `01.12.2026` in Russian, `2026-12-01` in English.
pub fn date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Ru => day.format("%d.%m.%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// A moment, in Moscow time (UTC+3, the region's time): `01.12.2026 15:04`.
pub fn moment(lang: Lang, at: DateTime<Utc>) -> String {
    let moscow = at.naive_utc() + chrono::Duration::hours(3);
    match lang {
        Lang::Ru => moscow.format("%d.%m.%Y %H:%M").to_string(),
        Lang::En => moscow.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A count: groups of three digits split by a narrow no-break space in Russian (`12 345`), by a
/// comma in English (`12,345`).
pub fn count(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let separator = match lang {
        Lang::Ru => '\u{202F}',
        Lang::En => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dates_and_counts_are_written_the_russian_way() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 8).expect("a date");
        assert_eq!(date(Lang::Ru, day), "08.03.2026");
        assert_eq!(date(Lang::En, day), "2026-03-08");
        assert_eq!(count(Lang::Ru, 1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(count(Lang::En, 999), "999");
        let at = DateTime::parse_from_rfc3339("2026-12-01T21:30:00Z").expect("a time").with_timezone(&Utc);
        assert_eq!(moment(Lang::Ru, at), "02.12.2026 00:30", "Moscow is three hours ahead");
    }

    proptest! {
        #[test]
        fn a_written_count_reads_back_as_the_same_number(n in any::<u64>()) {
            let written = count(Lang::Ru, n);
            let digits: String = written.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits.parse::<u64>().ok(), Some(n));
            let narrow_space = char::from_u32(0x202F).expect("a character");
            prop_assert!(written.split(narrow_space).skip(1).all(|group| group.len() == 3), "groups of three: {}", written);
        }
    }
}
