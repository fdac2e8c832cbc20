//! The rules for adding a tie between two organisations.

use kernel::{Lang, Localized};

use crate::model::{OrgStatus, Organization, Tie};

/// Why a tie may not be added.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TieRuleViolation {
    /// Both ends are the same organisation.
    #[error("an organisation cannot have a tie with itself")]
    SelfTie,
    /// An active tie of the same kind already joins the pair for an overlapping period.
    #[error("these organisations already have an active tie of this kind")]
    DuplicateActiveTie,
    /// One of the organisations is liquidated.
    #[error("a liquidated organisation cannot get new ties")]
    LiquidatedEnd,
}

impl Localized for TieRuleViolation {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (TieRuleViolation::SelfTie, Lang::Ru) => "организация не может быть связана сама с собой".into(),
            (TieRuleViolation::DuplicateActiveTie, Lang::Ru) => {
                "у этих организаций уже есть действующая связь этого вида".into()
            }
            (TieRuleViolation::LiquidatedEnd, Lang::Ru) => "ликвидированной организации нельзя добавить связь".into(),
        }
    }
}

/// Decides whether `new` may be added, given both organisations and every tie already between them.
///
/// Rules: no self-tie; a liquidated organisation gets no new ties; no two ties of the same kind
/// between the same pair with overlapping periods (so at most one active tie per kind and pair).
pub fn check_new_tie(
    new: &Tie,
    ends: [&Organization; 2],
    existing_between_pair: &[Tie],
) -> Result<(), TieRuleViolation> {
    let (a, b) = new.pair();
    if a == b {
        return Err(TieRuleViolation::SelfTie);
    }
    if ends.iter().any(|o| matches!(o.status, OrgStatus::Liquidated { .. })) {
        return Err(TieRuleViolation::LiquidatedEnd);
    }
    let clash = existing_between_pair
        .iter()
        .any(|t| t.id != new.id && t.pair() == (a, b) && t.kind == new.kind && t.period.overlaps(&new.period));
    if clash {
        return Err(TieRuleViolation::DuplicateActiveTie);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TieEnd, TieId, TieKind};
    use crate::testing::strategies::{organization, period, tie_kind};
    use kernel::Period;
    use proptest::prelude::*;

    fn active(mut org: Organization) -> Organization {
        org.status = OrgStatus::Active;
        org
    }

    fn end(org: &Organization) -> TieEnd {
        TieEnd { organization: org.id, role: None }
    }

    proptest! {
        #[test]
        fn the_tie_a_b_is_the_tie_b_a(a in organization(), b in organization(), kind in tie_kind(), p in period()) {
            let id = TieId::new();
            let ab = Tie::new(id, kind, end(&a), end(&b), p, None);
            let ba = Tie::new(id, kind, end(&b), end(&a), p, None);
            prop_assert_eq!(&ab, &ba);
            prop_assert_eq!(ab.other_end(a.id).map(|e| e.organization), Some(b.id));
            prop_assert_eq!(ab.other_end(b.id).map(|e| e.organization), Some(a.id));
        }

        #[test]
        fn no_organisation_may_be_tied_to_itself(a in organization(), kind in tie_kind(), p in period()) {
            let tie = Tie::new(TieId::new(), kind, end(&a), end(&a), p, None);
            prop_assert_eq!(check_new_tie(&tie, [&a, &a], &[]), Err(TieRuleViolation::SelfTie));
        }

        #[test]
        fn a_second_tie_of_one_kind_is_refused_exactly_when_the_periods_overlap(
            a in organization(), b in organization(), kind in tie_kind(), p1 in period(), p2 in period(), swap in any::<bool>(),
        ) {
            let (a, b) = (active(a), active(b));
            let first = Tie::new(TieId::new(), kind, end(&a), end(&b), p1, None);
            let (x, y) = if swap { (&b, &a) } else { (&a, &b) };
            let second = Tie::new(TieId::new(), kind, end(x), end(y), p2, None);
            let verdict = check_new_tie(&second, [x, y], std::slice::from_ref(&first));
            let expected = if p1.overlaps(&p2) { Err(TieRuleViolation::DuplicateActiveTie) } else { Ok(()) };
            prop_assert_eq!(verdict, expected);
        }

        #[test]
        fn ties_of_different_kinds_never_clash(a in organization(), b in organization(), p in period()) {
            let (a, b) = (active(a), active(b));
            let first = Tie::new(TieId::new(), TieKind::Funding, end(&a), end(&b), p, None);
            let second = Tie::new(TieId::new(), TieKind::Mentoring, end(&a), end(&b), p, None);
            prop_assert_eq!(check_new_tie(&second, [&a, &b], &[first]), Ok(()));
        }

        #[test]
        fn a_liquidated_organisation_gets_no_new_tie(a in organization(), b in organization(), kind in tie_kind(), on in period()) {
            let mut b = b;
            b.status = OrgStatus::Liquidated { on: on.from() };
            let tie = Tie::new(TieId::new(), kind, end(&a), end(&b), Period::open(on.from()), None);
            prop_assert_eq!(check_new_tie(&tie, [&a, &b], &[]), Err(TieRuleViolation::LiquidatedEnd));
        }
    }
}
