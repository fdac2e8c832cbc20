//! The rules: one purpose per consent document, the public directory shows only people with a
//! distribution consent for it, destruction 30 days after withdrawal, the working-day deadlines
//! of a subject access request, and what anonymisation leaves of a consent.

use chrono::{Days, NaiveDate};
use kernel::workdays::{OutOfCalendar, add_working_days};

use crate::model::{Consent, ConsentKind, SubjectRequest};

/// Days within which data held on a withdrawn consent are destroyed (art. 21 p. 5).
pub const DESTROY_WITHIN_DAYS: u64 = 30;
/// Working days to answer a subject access request (art. 14 p. 3, art. 20 p. 1).
pub const ANSWER_WITHIN_WORKING_DAYS: u32 = 10;
/// Working days one reasoned extension adds.
pub const EXTENSION_WORKING_DAYS: u32 = 5;

/// The purpose of the distribution consent (art. 10.1) that lets the public directory show a
/// person. A distribution consent for another purpose (a newsletter, a report) does not.
pub const PUBLIC_DIRECTORY: &str = "public_directory";
/// What a distribution consent can grant: what the public directory can show of a person.
pub const PUBLISHABLE_CATEGORIES: &[&str] = &["email", "name", "phone", "position"];

/// Whether this consent lets the public directory show its subject: given, not withdrawn, a
/// distribution consent, and for the public directory.
pub fn publishes_in_directory(consent: &Consent) -> bool {
    consent.is_active() && consent.kind == ConsentKind::Distribution && consent.purpose == PUBLIC_DIRECTORY
}

/// What replaces a consent's document reference when its subject is anonymised.
pub const REMOVED_DOCUMENT: &str = "Обезличено";

/// The consent of an anonymised subject: the record of lawful processing stays (purpose,
/// categories, dates), its document reference, which may carry the name ("Согласие Ивановой"),
/// does not. Idempotent.
pub fn anonymised(consent: &Consent) -> Consent {
    Consent { document: REMOVED_DOCUMENT.to_owned(), ..consent.clone() }
}

/// What replaces the reason given for extending a subject request's deadline when its subject is
/// anonymised: the reason is free text sent to the person and may name them.
pub const REMOVED_REASON: &str = "Обезличено";

/// The subject request of an anonymised subject: dates and the fact of the extension stay (the
/// record that the request was answered in time), the reason's text does not. Idempotent.
pub fn anonymised_request(request: &SubjectRequest) -> SubjectRequest {
    let extension = request.extension.as_ref().map(|(to, _)| (*to, REMOVED_REASON.to_owned()));
    SubjectRequest { extension, ..request.clone() }
}

/// A privacy rule refuses the operation.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PrivacyRuleError {
    /// The document already carries a consent for another purpose.
    #[error("document `{document}` already carries a consent for `{other}`: one purpose per consent document")]
    OnePurposePerDocument {
        /// The document.
        document: String,
        /// The purpose already recorded from it.
        other: String,
    },
    /// The document already carries a consent of the other kind: a consent to distribute
    /// (publish) personal data is a document of its own (152-FZ art. 10.1 p. 1).
    #[error("document `{document}` already carries a {other} consent: a distribution consent is a document of its own")]
    OneKindPerDocument {
        /// The document.
        document: String,
        /// The kind already recorded from it (its code).
        other: &'static str,
    },
    /// The subject already has the same consent, active, from the same document.
    #[error("this person already has an active {kind} consent for `{purpose}` from document `{document}`")]
    AlreadyGiven {
        /// The consent's kind (its code).
        kind: &'static str,
        /// Its purpose.
        purpose: String,
        /// The document.
        document: String,
    },
    /// The consent was withdrawn already.
    #[error("the consent was already withdrawn")]
    AlreadyWithdrawn,
    /// A request may be extended once.
    #[error("the request was already extended once")]
    AlreadyExtended,
    /// An extension needs a reason sent to the subject.
    #[error("an extension needs a reason")]
    ReasonRequired,
    /// An extension is a notice given while the answer is still due: not after the due day.
    #[error("the answer was due on {due_on}: a request cannot be extended after its due day")]
    ExtensionTooLate {
        /// The day the answer was due.
        due_on: NaiveDate,
    },
    /// The request is answered.
    #[error("the request is already answered")]
    AlreadyAnswered,
    /// An answer dated before the request was received, or after today.
    #[error("an answer must be dated between the day the request was received and today")]
    AnswerOutOfRange,
    /// A date the production calendar does not cover.
    #[error(transparent)]
    Calendar(#[from] OutOfCalendar),
}

/// Refuses a new consent whose document already carries another purpose or the other kind
/// (processing, distribution), or that repeats an active consent of the same person. `existing` holds the
/// consents recorded from the new one's document; the store checks this inside the insert's own
/// transaction, so two parallel inserts cannot both pass.
pub fn check_new_consent(new: &Consent, existing: &[Consent]) -> Result<(), PrivacyRuleError> {
    let same_document = existing.iter().filter(|c| c.document == new.document);
    for c in same_document {
        if c.purpose != new.purpose {
            return Err(PrivacyRuleError::OnePurposePerDocument {
                document: new.document.clone(),
                other: c.purpose.clone(),
            });
        }
        if c.kind != new.kind {
            return Err(PrivacyRuleError::OneKindPerDocument { document: new.document.clone(), other: c.kind.code() });
        }
        if c.recipient != new.recipient {
            let to = |r: Option<kernel::OrganizationId>| r.map_or("—".to_owned(), |r| r.0.to_string());
            return Err(PrivacyRuleError::OnePurposePerDocument {
                document: new.document.clone(),
                other: format!("{} → {}", c.purpose, to(c.recipient)),
            });
        }
        if c.subject == new.subject && c.kind == new.kind && c.is_active() {
            return Err(PrivacyRuleError::AlreadyGiven {
                kind: new.kind.code(),
                purpose: new.purpose.clone(),
                document: new.document.clone(),
            });
        }
    }
    Ok(())
}

/// The last day to destroy data held on a consent withdrawn on `withdrawn_on`.
pub fn destroy_by(withdrawn_on: NaiveDate) -> NaiveDate {
    withdrawn_on + Days::new(DESTROY_WITHIN_DAYS)
}

/// The due date of a request received on `received_on`, and whether it rests on a predicted calendar.
pub fn answer_due(received_on: NaiveDate) -> Result<(NaiveDate, bool), PrivacyRuleError> {
    let due = add_working_days(received_on, ANSWER_WITHIN_WORKING_DAYS)?;
    Ok((due.date, due.predicted))
}

/// The request answered on `on`: once, not before it was received and not after `today`.
pub fn answered(request: &SubjectRequest, on: NaiveDate, today: NaiveDate) -> Result<SubjectRequest, PrivacyRuleError> {
    if request.answered_on.is_some() {
        return Err(PrivacyRuleError::AlreadyAnswered);
    }
    if on < request.received_on || on > today {
        return Err(PrivacyRuleError::AnswerOutOfRange);
    }
    Ok(SubjectRequest { answered_on: Some(on), ..request.clone() })
}

/// The request extended once by five working days with `reason`, on `today`: an extension is
/// a notice sent while the answer is still due, so it is refused after the due day (it would
/// hide a missed deadline).
pub fn extend(request: &SubjectRequest, reason: &str, today: NaiveDate) -> Result<SubjectRequest, PrivacyRuleError> {
    if request.answered_on.is_some() {
        return Err(PrivacyRuleError::AlreadyAnswered);
    }
    if request.extension.is_some() {
        return Err(PrivacyRuleError::AlreadyExtended);
    }
    if today > request.due_on {
        return Err(PrivacyRuleError::ExtensionTooLate { due_on: request.due_on });
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(PrivacyRuleError::ReasonRequired);
    }
    let extended = add_working_days(request.due_on, EXTENSION_WORKING_DAYS)?;
    Ok(SubjectRequest {
        extension: Some((extended.date, reason.to_owned())),
        due_predicted: request.due_predicted || extended.predicted,
        ..request.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConsentId, PersonId, SubjectRequestId};
    use kernel::workdays::{day, working_days_between};
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    fn consent(document: &str, purpose: &str) -> Consent {
        Consent {
            id: ConsentId::new(),
            subject: PersonId(uuid::Uuid::nil()),
            kind: ConsentKind::Processing,
            purpose: purpose.into(),
            categories: vec!["name".into()],
            document: document.into(),
            recipient: None,
            given_at: chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("valid"),
            recorded_by: "coordinator".into(),
            withdrawn_at: None,
            destroy_by: None,
            destroyed_at: None,
        }
    }

    fn request(received_on: NaiveDate) -> SubjectRequest {
        let (due_on, due_predicted) = answer_due(received_on).expect("in range");
        SubjectRequest {
            id: SubjectRequestId::new(),
            subject: PersonId(uuid::Uuid::nil()),
            received_on,
            due_on,
            due_predicted,
            extension: None,
            answered_on: None,
        }
    }

    #[test]
    fn a_document_carries_one_purpose() {
        let existing = [consent("Согласие №1 v2", "training")];
        let another_person =
            Consent { subject: PersonId(uuid::Uuid::from_u128(2)), ..consent("Согласие №1 v2", "training") };
        assert!(check_new_consent(&another_person, &existing).is_ok());
        assert!(check_new_consent(&consent("Согласие №2 v1", "newsletter"), &existing).is_ok());
        let to_an_ngo = Consent {
            recipient: Some(kernel::OrganizationId(uuid::Uuid::from_u128(9))),
            ..consent("Согласие №1 v2", "training")
        };
        assert!(
            matches!(check_new_consent(&to_an_ngo, &existing), Err(PrivacyRuleError::OnePurposePerDocument { .. })),
            "one document names one recipient"
        );
        assert_eq!(
            check_new_consent(&consent("Согласие №1 v2", "newsletter"), &existing),
            Err(PrivacyRuleError::OnePurposePerDocument {
                document: "Согласие №1 v2".into(),
                other: "training".into()
            })
        );
    }

    #[test]
    fn a_person_gives_the_same_consent_again_only_after_withdrawing_it() {
        let given = consent("Согласие №1 v2", "training");
        let again = consent("Согласие №1 v2", "training");
        assert_eq!(
            check_new_consent(&again, std::slice::from_ref(&given)),
            Err(PrivacyRuleError::AlreadyGiven {
                kind: "processing",
                purpose: "training".into(),
                document: "Согласие №1 v2".into()
            })
        );
        let withdrawn = Consent { withdrawn_at: Some(given.given_at), ..given.clone() };
        assert!(check_new_consent(&again, &[withdrawn]).is_ok());
        let distribution = Consent { kind: ConsentKind::Distribution, ..again };
        assert_eq!(
            check_new_consent(&distribution, &[given]),
            Err(PrivacyRuleError::OneKindPerDocument {
                document: "Согласие №1 v2".into(), other: "processing"
            }),
            "a distribution consent is a document of its own"
        );
    }

    #[test]
    fn only_an_active_distribution_consent_for_the_directory_publishes() {
        let with = |kind, purpose: &str, withdrawn: bool| Consent {
            kind,
            withdrawn_at: withdrawn.then(|| chrono::DateTime::from_timestamp(1_780_000_001, 0).expect("valid")),
            ..consent("doc", purpose)
        };
        assert!(publishes_in_directory(&with(ConsentKind::Distribution, "public_directory", false)));
        assert!(!publishes_in_directory(&with(ConsentKind::Distribution, "newsletter", false)), "another purpose");
        assert!(!publishes_in_directory(&with(ConsentKind::Processing, "public_directory", false)), "not distribution");
        assert!(!publishes_in_directory(&with(ConsentKind::Distribution, "public_directory", true)), "withdrawn");
    }

    #[test]
    fn a_request_received_before_the_new_year_is_due_after_the_holidays_and_extends_once() {
        let r = request(date(2025, 12, 29));
        assert_eq!(r.due_on, date(2026, 1, 22));
        let today = date(2026, 1, 12);
        assert!(matches!(extend(&r, "  ", today), Err(PrivacyRuleError::ReasonRequired)));
        let extended = extend(&r, "запрошены архивные данные", today).expect("extended");
        assert_eq!(extended.deadline(), date(2026, 1, 29));
        assert_eq!(extend(&extended, "ещё раз", today), Err(PrivacyRuleError::AlreadyExtended));
        let late = extend(&r, "поздно", date(2026, 1, 23));
        assert_eq!(late, Err(PrivacyRuleError::ExtensionTooLate { due_on: date(2026, 1, 22) }));
        assert!(extend(&r, "в последний день", date(2026, 1, 22)).is_ok(), "the due day itself still extends");
    }

    proptest! {
        #[test]
        fn an_anonymised_request_keeps_every_date_and_no_word_of_the_reason(
            received in 0u64..3000, extended in proptest::option::of((0u64..30, "\\PC{1,200}")), answered in any::<bool>(),
        ) {
            let day = |n: u64| date(2020, 1, 1) + Days::new(n);
            let mut asked = request(day(received));
            asked.extension = extended.clone().map(|(after, why)| (asked.due_on + Days::new(after), why));
            asked.answered_on = answered.then(|| day(received));
            let once = anonymised_request(&asked);
            prop_assert_eq!(anonymised_request(&once), once.clone(), "idempotent");
            prop_assert_eq!(
                (once.id, once.subject, once.received_on, once.due_on, once.answered_on, once.deadline()),
                (asked.id, asked.subject, asked.received_on, asked.due_on, asked.answered_on, asked.deadline())
            );
            prop_assert_eq!(once.extension.map(|(_, why)| why), extended.map(|_| REMOVED_REASON.to_owned()));
        }

        #[test]
        fn an_answer_is_dated_between_receipt_and_today_and_given_once(
            received in 0u64..3000, on in 0u64..3200, today in 0u64..3200,
        ) {
            let day = |n: u64| date(2020, 1, 1) + Days::new(n);
            let request = request(day(received));
            let result = answered(&request, day(on), day(today));
            let in_range = on >= received && on <= today;
            prop_assert_eq!(result.is_ok(), in_range);
            if let Ok(done) = result {
                prop_assert_eq!(done.answered_on, Some(day(on)));
                prop_assert_eq!(answered(&done, day(on), day(today)), Err(PrivacyRuleError::AlreadyAnswered));
            } else {
                prop_assert_eq!(answered(&request, day(on), day(today)), Err(PrivacyRuleError::AnswerOutOfRange));
            }
        }

        #[test]
        fn a_request_is_extended_exactly_when_today_is_no_later_than_its_due_day(received in 0u32..400, asked in 0u32..60) {
            let received = date(2025, 1, 1) + Days::new(u64::from(received));
            let r = request(received);
            let today = received + Days::new(u64::from(asked));
            let extended = extend(&r, "причина", today);
            prop_assert_eq!(extended.is_ok(), today <= r.due_on, "{:?}", extended);
        }

        #[test]
        fn a_request_is_due_exactly_ten_working_days_after_receipt(offset in 0u32..2000) {
            let received = date(2021, 1, 1) + Days::new(u64::from(offset));
            let r = request(received);
            prop_assert!(day(r.due_on).unwrap().working);
            prop_assert_eq!(working_days_between(received + Days::new(1), r.due_on + Days::new(1)).unwrap(), 10);
            let extended = extend(&r, "причина", received).unwrap();
            prop_assert_eq!(working_days_between(r.due_on + Days::new(1), extended.deadline() + Days::new(1)).unwrap(), 5);
        }

        #[test]
        fn a_new_consent_is_refused_only_for_a_second_purpose_or_kind_or_a_repeat_of_an_active_one(
            a in "[a-c]", b in "[a-c]", same_doc in any::<bool>(), same_person in any::<bool>(), withdrawn in any::<bool>(),
            same_kind in any::<bool>(),
        ) {
            let mut given = consent("doc-1", &a);
            if withdrawn {
                given.withdrawn_at = Some(given.given_at);
            }
            let mut new = consent(if same_doc { "doc-1" } else { "doc-2" }, &b);
            if !same_person {
                new.subject = PersonId(uuid::Uuid::from_u128(7));
            }
            if !same_kind {
                new.kind = ConsentKind::Distribution;
            }
            let verdict = check_new_consent(&new, &[given]);
            let second_purpose = same_doc && a != b;
            let other_kind = same_doc && a == b && !same_kind;
            let repeat = same_doc && a == b && same_kind && same_person && !withdrawn;
            prop_assert_eq!(verdict.is_err(), second_purpose || other_kind || repeat);
            prop_assert_eq!(matches!(verdict, Err(PrivacyRuleError::AlreadyGiven { .. })), repeat);
        }
    }
}
