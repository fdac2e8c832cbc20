//! The public appeal form files one appeal however often it is posted: each rendered form carries
//! an id of its own, and a second post of the same form (a double click, a resend after a lost
//! answer) waits for the first and gets its receipt instead of filing the appeal again. Kept per
//! process, at most [`SentForms::MAX`] forms, each for [`SentForms::KEPT`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// Where the receipt of a form's appeal is, once it was filed.
pub type Receipt = Arc<OnceCell<String>>;

/// The forms posted lately and their receipts.
pub struct SentForms {
    forms: Mutex<Forms>,
    capacity: usize,
}

/// Each form's first post (when, and its place in the order of first posts) and its receipt.
#[derive(Default)]
struct Forms {
    by_id: HashMap<String, (Instant, u64, Receipt)>,
    posted: u64,
}

impl Default for SentForms {
    fn default() -> Self {
        Self::with_capacity(Self::MAX)
    }
}

impl SentForms {
    /// The most forms remembered: past it, those older than [`Self::KEPT`] are forgotten, then
    /// the oldest.
    pub const MAX: usize = 10_000;
    /// How long a form's receipt is kept.
    pub const KEPT: Duration = Duration::from_secs(60 * 60);

    /// A memory of at most `capacity` forms.
    pub fn with_capacity(capacity: usize) -> Self {
        Self { forms: Mutex::default(), capacity: capacity.max(1) }
    }

    /// The receipt slot of the form `id` (the same slot for every post of the form), or `None`
    /// when `id` is not a form id this console gives out.
    pub fn slot(&self, id: &str, now: Instant) -> Option<Receipt> {
        if !is_form_id(id) {
            return None;
        }
        let mut forms = self.forms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Forms { by_id, posted } = &mut *forms;
        if !by_id.contains_key(id) && by_id.len() >= self.capacity {
            by_id.retain(|_, (at, _, _)| now.saturating_duration_since(*at) < Self::KEPT);
            // The first posted goes first (by order, not by time: two forms may share an instant).
            if by_id.len() >= self.capacity
                && let Some(oldest) = by_id.iter().min_by_key(|(_, (_, order, _))| *order).map(|(k, _)| k.clone())
            {
                by_id.remove(&oldest);
            }
        }
        let (_, _, receipt) = by_id.entry(id.to_owned()).or_insert_with(|| {
            *posted += 1;
            (now, *posted, Receipt::default())
        });
        Some(receipt.clone())
    }

    /// How many forms are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.forms.lock().unwrap_or_else(std::sync::PoisonError::into_inner).by_id.len()
    }
}

/// A fresh form id: 128 random bits in hex.
pub fn new_form_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Whether `id` has the shape of [`new_form_id`]'s ids.
fn is_form_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_post_of_one_form_shares_its_receipt_and_other_forms_do_not() {
        let sent = SentForms::default();
        let now = Instant::now();
        let (a, b) = (new_form_id(), new_form_id());
        let first = sent.slot(&a, now).expect("a form id");
        assert!(first.set("/appeal?registered=2026-00001".into()).is_ok());
        let again = sent.slot(&a, now).expect("a form id");
        assert_eq!(again.get().map(String::as_str), Some("/appeal?registered=2026-00001"));
        assert_eq!(sent.slot(&b, now).expect("a form id").get(), None);
        assert!(sent.slot("not-an-id", now).is_none() && sent.slot(&a.to_uppercase(), now).is_none());
    }

    proptest! {
        /// Any stream of posts of a few ids at any times: never more forms remembered than the
        /// capacity, the form just posted is among them, and a form posted again within the hour
        /// of its first post, with fewer than `capacity` other forms posted since, still has the
        /// receipt its first post set.
        #[test]
        fn the_memory_stays_bounded_and_a_recent_form_keeps_its_receipt(
            posts in prop::collection::vec((0u32..20, 0u64..15), 1..300),
        ) {
            const CAPACITY: usize = 8;
            let sent = SentForms::with_capacity(CAPACITY);
            let mut now = Instant::now();
            let mut history: Vec<(String, Instant)> = Vec::new();
            for (n, minutes) in posts {
                now += Duration::from_secs(minutes * 60);
                let id = format!("{n:032x}");
                let recent = history.iter().position(|(other, _)| *other == id).is_some_and(|first| {
                    let mut others: Vec<&String> =
                        history[first..].iter().map(|(other, _)| other).filter(|o| **o != id).collect();
                    others.sort();
                    others.dedup();
                    others.len() < CAPACITY && now.saturating_duration_since(history[first].1) < SentForms::KEPT
                });
                let slot = sent.slot(&id, now).expect("a form id");
                if recent {
                    prop_assert_eq!(slot.get(), Some(&id), "a recent form lost its receipt");
                }
                let _ = slot.set(id.clone());
                let again = sent.slot(&id, now).expect("a form id");
                prop_assert_eq!(again.get(), Some(&id));
                prop_assert!(sent.len() <= CAPACITY);
                history.push((id, now));
            }
        }
    }

    #[test]
    fn a_full_memory_forgets_the_old_forms_first() {
        let sent = SentForms::default();
        let start = Instant::now();
        for n in 0..SentForms::MAX {
            sent.slot(&format!("{n:032x}"), start).expect("a form id");
        }
        let later = start + SentForms::KEPT + Duration::from_secs(1);
        let newest = new_form_id();
        sent.slot(&newest, later).expect("a form id");
        assert_eq!(sent.len(), 1, "every form older than an hour is forgotten when the memory is full");
    }
}
