//! Check digits of Russian tax and registration numbers: ИНН, ОГРН, ОГРНИП, КПП.
//!
//! Written by hand because no maintained crate exists (domain-reference section 1.3); each rule is a
//! few lines of arithmetic from the FNS algorithms in domain-reference section 1.1.

const INN10_WEIGHTS: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/// The digits of `text` when it consists of exactly `len` ASCII digits.
fn digits(text: &str, len: usize) -> Option<Vec<u32>> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.bytes().map(|b| u32::from(b - b'0')).collect())
}

fn weighted_check(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// The check digit of a legal entity's ИНН for its first nine digits.
pub fn inn10_check_digit(prefix: &[u32; 9]) -> u32 {
    weighted_check(prefix, &INN10_WEIGHTS)
}

/// The two check digits of a person's ИНН for its first ten digits.
pub fn inn12_check_digits(prefix: &[u32; 10]) -> (u32, u32) {
    let c11 = weighted_check(prefix, &INN12_WEIGHTS_11);
    let mut eleven = prefix.to_vec();
    eleven.push(c11);
    (c11, weighted_check(&eleven, &INN12_WEIGHTS_12))
}

/// Whether `text` is a legal entity's ИНН: ten digits with a valid check digit.
pub fn is_valid_inn10(text: &str) -> bool {
    digits(text, 10).is_some_and(|d| {
        let prefix: [u32; 9] = d[..9].try_into().expect("nine digits");
        inn10_check_digit(&prefix) == d[9]
    })
}

/// Whether `text` is a person's ИНН: twelve digits with two valid check digits.
pub fn is_valid_inn12(text: &str) -> bool {
    digits(text, 12).is_some_and(|d| {
        let prefix: [u32; 10] = d[..10].try_into().expect("ten digits");
        inn12_check_digits(&prefix) == (d[10], d[11])
    })
}

fn prefix_value(digits: &[u32]) -> u64 {
    digits.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d))
}

/// The check digit of an ОГРН for its first twelve digits: the number mod 11, then mod 10.
pub fn ogrn_check_digit(prefix: &[u32; 12]) -> u32 {
    (prefix_value(prefix) % 11 % 10) as u32
}

/// The check digit of an ОГРНИП for its first fourteen digits: the last digit of the number mod 13.
///
/// python-stdnum compares against the whole remainder, so remainders 10..12 never validate there;
/// the FNS rule takes the last digit (domain-reference section 1.1, "Discrepancy").
pub fn ogrnip_check_digit(prefix: &[u32; 14]) -> u32 {
    (prefix_value(prefix) % 13 % 10) as u32
}

/// Whether `text` is an organisation's ОГРН: 13 digits, first digit 1 or 5, valid check digit.
pub fn is_valid_ogrn(text: &str) -> bool {
    digits(text, 13).is_some_and(|d| {
        let prefix: [u32; 12] = d[..12].try_into().expect("twelve digits");
        matches!(d[0], 1 | 5) && ogrn_check_digit(&prefix) == d[12]
    })
}

/// Whether `text` is an individual entrepreneur's ОГРНИП: 15 digits, first digit 3, valid check digit.
pub fn is_valid_ogrnip(text: &str) -> bool {
    digits(text, 15).is_some_and(|d| {
        let prefix: [u32; 14] = d[..14].try_into().expect("fourteen digits");
        d[0] == 3 && ogrnip_check_digit(&prefix) == d[14]
    })
}

/// Whether `text` has the shape of a КПП: four digits, two digits or Latin capitals, three digits.
///
/// A КПП has no check digit, so this is the whole rule.
pub fn is_valid_kpp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 9
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4..6].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && b[6..].iter().all(u8::is_ascii_digit)
}

/// Removes the separators people type inside numbers: spaces, `-` and `.`.
pub fn strip_separators(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '.').collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_valid_numbers_are_accepted() {
        let inn10 = [
            "0108003670",
            "0273074555",
            "0279111370",
            "0716007984",
            "5190187770",
            "6223002330",
            "6440019934",
            "6672238301",
            "6903022126",
            "6908012650",
            "6911001698",
            "7609000881",
            "7709442668",
            "7716450028",
            "7724051595",
            "7726485118",
            "7727705694",
            "7728127936",
            "7813045547",
            "7825498171",
            "8614008550",
            "8906008726",
            "8906008740",
            "1234567894",
            "7707083893",
            "7830002293",
        ];
        for inn in inn10 {
            assert!(is_valid_inn10(inn), "{inn}");
        }
        for inn in ["005826107187", "123456789047", "773370857141", "344809916052", "500100732259"] {
            assert!(is_valid_inn12(inn), "{inn}");
        }
        let ogrn = [
            "1022300000502",
            "1022300001811",
            "1022400007508",
            "1022500000566",
            "1022600000092",
            "1027100000311",
            "1027739552642",
            "1137847171846",
            "1159102022738",
            "1022500001325",
            "1022200525819",
            "1022500001930",
            "1022500001061",
            "1022700000685",
            "1022500000786",
            "1024100000121",
            "1022400000160",
            "1022400010005",
            "1020500003919",
            "1022300003703",
            "1022200531484",
        ];
        for number in ogrn {
            assert!(is_valid_ogrn(number), "{number}");
        }
        for number in ["385768585948949", "307760324100018", "304000000000030"] {
            assert!(is_valid_ogrnip(number), "{number}");
        }
        for kpp in ["000000000", "123456789", "0000AZ000", "402701001", "111111111"] {
            assert!(is_valid_kpp(kpp), "{kpp}");
        }
    }

    #[test]
    fn published_invalid_numbers_are_refused() {
        for inn in ["1234567895", "7707083890", "77070838", "770708389a", ""] {
            assert!(!is_valid_inn10(inn), "{inn}");
        }
        for inn in ["123456789037", "773370857142", "344809916053", "77337085714", "qwertyuiopas"] {
            assert!(!is_valid_inn12(inn), "{inn}");
        }
        let ogrn = [
            "1022500001328",
            "0022500001325",
            "10277395526422",
            "102250000",
            "1027739552",
            "1027739",
            "11677",
            "315774600002662123",
            "",
        ];
        for number in ogrn {
            assert!(!is_valid_ogrn(number), "{number}");
        }
        for number in ["385768585948948", "985768585948944", "307760324100010", "307760324100017", "307760324100019"] {
            assert!(!is_valid_ogrnip(number), "{number}");
        }
        for kpp in ["12345", "1234567890", "402701O01", "4027ab001", "40270100 "] {
            assert!(!is_valid_kpp(kpp), "{kpp}");
        }
    }

    #[test]
    fn numbers_that_collide_under_mod_11_mod_10_are_both_valid() {
        // A single changed digit is not always detected: this is the algorithm, not a bug.
        assert!(is_valid_inn10("7654433090") && is_valid_inn10("7664433090"));
        assert!(is_valid_ogrn("1136286075320") && is_valid_ogrn("1036286075320"));
    }

    fn with_check(prefix: &[u32], check: &[u32]) -> String {
        prefix.iter().chain(check).map(|d| char::from_digit(*d, 10).unwrap()).collect()
    }

    /// For any prefix, exactly one ending validates: the computed one.
    fn check_exactly_one_ending_validates(
        prefix: &[u32],
        endings: &[Vec<u32>],
        expected: &[u32],
        valid: fn(&str) -> bool,
    ) {
        let accepted: Vec<&Vec<u32>> = endings.iter().filter(|e| valid(&with_check(prefix, e))).collect();
        assert_eq!(accepted, vec![&expected.to_vec()], "prefix {prefix:?}");
    }

    /// A КПП built from its parts as domain-reference §1.1 describes them: the tax office
    /// (4 digits), the reason (2 digits or Latin capitals, since 2013), the serial (3 digits).
    fn kpp_parts() -> impl Strategy<Value = String> {
        ("[0-9]{4}", "[0-9A-Z]{2}", "[0-9]{3}").prop_map(|(office, reason, serial)| format!("{office}{reason}{serial}"))
    }

    /// A candidate КПП and whether it is valid, known by construction: half are built from the
    /// parts, half are such a КПП broken in one way the rule forbids.
    fn kpp_candidate() -> impl Strategy<Value = (String, bool)> {
        let valid = kpp_parts().prop_map(|k| (k, true));
        let digit_position = prop_oneof![0usize..4, 6usize..9];
        let broken = prop_oneof![
            // One character too few or too many.
            (kpp_parts(), 0usize..9).prop_map(|(k, at)| {
                let mut k = k;
                k.remove(at);
                k
            }),
            (kpp_parts(), 0usize..10, "[0-9A-Z]").prop_map(|(k, at, extra)| {
                let mut k = k;
                k.insert_str(at, &extra);
                k
            }),
            // A letter where only digits may stand.
            (kpp_parts(), digit_position.clone(), "[A-Z]").prop_map(|(k, at, c)| replace(&k, at, &c)),
            // A character allowed nowhere: lower case, Cyrillic look-alikes, spaces, punctuation.
            (kpp_parts(), 0usize..9, "[a-zАОРСЕ -./]").prop_map(|(k, at, c)| replace(&k, at, &c)),
            // A digit that is not ASCII (full-width, Arabic-Indic).
            (kpp_parts(), digit_position, "[０-９٠-٩]").prop_map(|(k, at, c)| replace(&k, at, &c)),
        ];
        prop_oneof![valid, broken.prop_map(|k| (k, false))]
    }

    fn replace(text: &str, at: usize, with: &str) -> String {
        text.chars().enumerate().map(|(i, c)| if i == at { with.to_owned() } else { c.to_string() }).collect()
    }

    #[test]
    fn the_kpp_candidates_are_valid_about_half_the_time() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let tree = |runner: &mut proptest::test_runner::TestRunner| {
            proptest::strategy::ValueTree::current(&kpp_candidate().new_tree(runner).expect("a value"))
        };
        let valid = (0..1000).filter(|_| tree(&mut runner).1).count();
        assert!((400..=600).contains(&valid), "{valid} valid of 1000");
    }

    fn single_digits() -> Vec<Vec<u32>> {
        (0..10).map(|d| vec![d]).collect()
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_validates_an_inn10_prefix(prefix in proptest::array::uniform9(0u32..10)) {
            check_exactly_one_ending_validates(&prefix, &single_digits(), &[inn10_check_digit(&prefix)], is_valid_inn10);
        }

        #[test]
        fn exactly_one_check_pair_validates_an_inn12_prefix(prefix in proptest::array::uniform10(0u32..10)) {
            let pairs: Vec<Vec<u32>> = (0..100).map(|n| vec![n / 10, n % 10]).collect();
            let (c11, c12) = inn12_check_digits(&prefix);
            check_exactly_one_ending_validates(&prefix, &pairs, &[c11, c12], is_valid_inn12);
        }

        #[test]
        fn exactly_one_check_digit_validates_an_ogrn_prefix(lead in prop_oneof![Just(1u32), Just(5u32)], rest in proptest::array::uniform11(0u32..10)) {
            let mut prefix = [0u32; 12];
            prefix[0] = lead;
            prefix[1..].copy_from_slice(&rest);
            check_exactly_one_ending_validates(&prefix, &single_digits(), &[ogrn_check_digit(&prefix)], is_valid_ogrn);
        }

        #[test]
        fn exactly_one_check_digit_validates_an_ogrnip_prefix(rest in proptest::array::uniform13(0u32..10)) {
            let mut prefix = [3u32; 14];
            prefix[1..].copy_from_slice(&rest);
            check_exactly_one_ending_validates(&prefix, &single_digits(), &[ogrnip_check_digit(&prefix)], is_valid_ogrnip);
        }

        #[test]
        fn an_ogrn_starting_with_anything_but_1_or_5_is_refused(lead in 0u32..10, rest in proptest::array::uniform11(0u32..10)) {
            prop_assume!(lead != 1 && lead != 5);
            let mut prefix = [0u32; 12];
            prefix[0] = lead;
            prefix[1..].copy_from_slice(&rest);
            prop_assert!(!is_valid_ogrn(&with_check(&prefix, &[ogrn_check_digit(&prefix)])));
        }

        #[test]
        fn kpp_accepts_exactly_its_shape((text, valid) in kpp_candidate()) {
            prop_assert_eq!(is_valid_kpp(&text), valid, "{:?}", text);
        }

        #[test]
        fn stripping_separators_is_idempotent(text in "[0-9 .-]{0,20}") {
            let once = strip_separators(&text);
            prop_assert_eq!(strip_separators(&once), once.clone());
            prop_assert!(once.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
