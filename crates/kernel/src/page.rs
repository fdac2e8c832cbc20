//! Pages of lists, by key: a page is the `first` items after a position (the sort key and the id
//! of the last item seen), so it costs the same at the start of a list and deep into it, at a
//! thousand rows and at a million; the whole list is counted only when the caller asks.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// The largest page anyone may ask for; bigger requests are refused, not clamped silently.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The longest cursor text accepted. The longest key the system gives out is a name folded for
/// sorting: 1,000 characters, which folding may double (`İ` lowers to two), of up to 4 bytes each,
/// is 8,000 bytes, and base64 makes 10,700 characters of it with the order and the id. A key of
/// up to [`MAX_KEY_BYTES`] fits.
const MAX_CURSOR_CHARS: usize = 16 * 1024;

/// The longest key (in UTF-8 bytes) a cursor is guaranteed to carry back.
pub const MAX_KEY_BYTES: usize = 10_000;

/// Separates a cursor's parts before encoding (a control character no key contains).
const SEPARATOR: char = '\u{1f}';

/// Why a page request is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// The cursor text was not produced by this system.
    #[error("the cursor is not one this system gave out")]
    Malformed,
    /// The cursor belongs to another list or another order of this list.
    #[error("the cursor belongs to another list or order: pass the endCursor of this list's previous page")]
    OtherOrder,
    /// The page size is outside 1..=MAX_PAGE_SIZE.
    #[error("page size {0} is outside 1..={MAX_PAGE_SIZE}")]
    PageSize(i64),
}

impl crate::Localized for CursorError {
    fn message(&self, lang: crate::Lang) -> String {
        match (self, lang) {
            (_, crate::Lang::En) => self.to_string(),
            (CursorError::Malformed, _) => {
                "курсор не выдан этой системой: передайте endCursor предыдущей страницы".into()
            }
            (CursorError::OtherOrder, _) => {
                "курсор от другого списка или другого порядка: передайте endCursor предыдущей страницы этого списка"
                    .into()
            }
            (CursorError::PageSize(n), _) => format!("размер страницы {n} вне диапазона 1..={MAX_PAGE_SIZE}"),
        }
    }
}

/// The sort key of an item: text (a name folded for sorting) or a number (a time in
/// nanoseconds, a sequence number).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SortKey {
    /// A text key, compared byte by byte (as both databases compare under `COLLATE "C"`/BINARY).
    Text(String),
    /// A numeric key.
    Number(i64),
}

/// Which kind of key an order sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// [`SortKey::Text`].
    Text,
    /// [`SortKey::Number`].
    Number,
}

/// One order of one list: its name (which a cursor carries, so a cursor of one order is refused
/// in another) and the kind of its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListOrder {
    /// A short stable name, e.g. `org.name.asc`.
    pub name: &'static str,
    /// The kind of key it sorts by.
    pub key: KeyKind,
}

/// Where a page starts: after the item with this key and id, in the list's order (the id breaks
/// ties between equal keys, so every position is exact).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct After {
    /// The sort key of the last item seen.
    pub key: SortKey,
    /// Its id.
    pub id: Uuid,
}

/// A position as a client holds it: opaque text naming the order and the position in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    order: String,
    after: After,
}

impl Cursor {
    /// The cursor of the item at `after` in `order`.
    pub fn new(order: ListOrder, after: After) -> Self {
        Self { order: order.name.to_owned(), after }
    }

    /// The text a client passes back as `after`.
    pub fn encode(&self) -> String {
        let key = match &self.after.key {
            SortKey::Text(text) => format!("t{text}"),
            SortKey::Number(n) => format!("n{n}"),
        };
        let plain = format!("{}{SEPARATOR}{key}{SEPARATOR}{}", self.order, id_text(self.after.id));
        URL_SAFE_NO_PAD.encode(plain)
    }

    /// Reads a cursor given out by [`Cursor::encode`]; anything else is refused.
    pub fn decode(text: &str) -> Result<Self, CursorError> {
        if text.len() > MAX_CURSOR_CHARS {
            return Err(CursorError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| CursorError::Malformed)?;
        let plain = String::from_utf8(bytes).map_err(|_| CursorError::Malformed)?;
        let mut parts = plain.split(SEPARATOR);
        let (Some(order), Some(key), Some(id_part), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CursorError::Malformed);
        };
        let key = match key.split_at_checked(1) {
            Some(("t", text)) if !text.chars().any(char::is_control) => SortKey::Text(text.to_owned()),
            Some(("n", digits)) if digits.bytes().all(|b| b.is_ascii_digit() || b == b'-') => {
                SortKey::Number(digits.parse().map_err(|_| CursorError::Malformed)?)
            }
            _ => return Err(CursorError::Malformed),
        };
        let id = Uuid::try_parse(id_part).map_err(|_| CursorError::Malformed)?;
        let well_named = !order.is_empty() && order.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_');
        if !well_named || id_part != id_text(id) {
            return Err(CursorError::Malformed);
        }
        Ok(Self { order: order.to_owned(), after: After { key, id } })
    }

    /// The position, when the cursor belongs to `order`.
    pub fn after_in(self, order: ListOrder) -> Result<After, CursorError> {
        let kind = match self.after.key {
            SortKey::Text(_) => KeyKind::Text,
            SortKey::Number(_) => KeyKind::Number,
        };
        if self.order == order.name && kind == order.key { Ok(self.after) } else { Err(CursorError::OtherOrder) }
    }
}

/// The canonical text of an id inside a cursor.
fn id_text(id: Uuid) -> String {
    id.simple().to_string()
}

/// Which slice of a list to return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items to return, 1..=MAX_PAGE_SIZE.
    pub first: u32,
    /// Start after this position; `None` starts at the beginning.
    pub after: Option<After>,
    /// Whether to count the whole filtered list (a second statement: only when asked for).
    pub count: bool,
}

impl PageRequest {
    /// Validates the size asked for by a client.
    pub fn new(first: i64, after: Option<After>) -> Result<Self, CursorError> {
        u32::try_from(first)
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .map(|first| Self { first, after, count: false })
            .ok_or(CursorError::PageSize(first))
    }

    /// The same request, counting the whole list too.
    pub fn counted(self) -> Self {
        Self { count: true, ..self }
    }

    /// How many rows a store reads: one more than the page, to know whether another follows.
    pub fn limit(&self) -> u64 {
        u64::from(self.first) + 1
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { first: 20, after: None, count: false }
    }
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// The position of each item (pass the last one's as `after` to go on).
    pub positions: Vec<After>,
    /// Whether items follow this page.
    pub has_next: bool,
    /// How many items the whole filtered list has, when the request asked for the count.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// The page of `request` from the rows a store read with [`PageRequest::limit`]: at most
    /// `first` of them, and whether one more was there.
    pub fn from_rows(mut rows: Vec<(T, After)>, request: &PageRequest, total: Option<u64>) -> Self {
        let has_next = rows.len() > request.first as usize;
        rows.truncate(request.first as usize);
        let (items, positions) = rows.into_iter().unzip();
        Self { items, positions, has_next, total }
    }

    /// An empty page (nothing to show in the caller's scope).
    pub fn empty(request: &PageRequest) -> Self {
        Self { items: Vec::new(), positions: Vec::new(), has_next: false, total: request.count.then_some(0) }
    }

    /// The same page with each item changed by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            positions: self.positions,
            has_next: self.has_next,
            total: self.total,
        }
    }
}

/// The rows of a sorted list that a page request selects, for in-memory stores: the `limit()`
/// first rows after the position, with the count when asked. `rows` must be in the list's order:
/// ascending by position, or descending when `descending`.
pub fn page_of<T: Clone>(rows: &[(T, After)], request: &PageRequest, descending: bool) -> Page<T> {
    let start = request
        .after
        .as_ref()
        .map_or(0, |after| rows.partition_point(|(_, p)| if descending { p >= after } else { p <= after }));
    let taken = rows[start..].iter().take(request.limit() as usize).cloned().collect();
    Page::from_rows(taken, request, request.count.then_some(rows.len() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAMES: ListOrder = ListOrder { name: "org.name.asc", key: KeyKind::Text };
    const SEQ: ListOrder = ListOrder { name: "audit.seq", key: KeyKind::Number };

    fn after(key: SortKey, id: u128) -> After {
        After { key, id: Uuid::from_u128(id) }
    }

    #[test]
    fn page_sizes_outside_the_limit_are_refused() {
        assert_eq!(PageRequest::new(0, None), Err(CursorError::PageSize(0)));
        assert_eq!(PageRequest::new(101, None), Err(CursorError::PageSize(101)));
        assert_eq!(PageRequest::new(-5, None), Err(CursorError::PageSize(-5)));
        assert_eq!(PageRequest::new(100, None).map(|p| p.first), Ok(100));
    }

    #[test]
    fn foreign_cursors_are_refused() {
        let forged = |plain: &str| URL_SAFE_NO_PAD.encode(plain);
        let id = Uuid::from_u128(7).simple().to_string();
        for text in [
            String::new(),
            "o12".into(),
            "!!!".into(),
            forged(""),
            forged(&format!("org.name.asc\u{1f}x1\u{1f}{id}")),
            forged(&format!("org.name.asc\u{1f}n1x\u{1f}{id}")),
            forged(&format!("org.name.asc\u{1f}n99999999999999999999\u{1f}{id}")),
            forged("org.name.asc\u{1f}tА\u{1f}not-an-id"),
            forged(&format!("org.name.asc\u{1f}tА\u{1f}{id}\u{1f}more")),
            forged(&format!("ORG\u{1f}tА\u{1f}{id}")),
            forged(&format!("org\u{1f}t\u{7}\u{1f}{id}")),
            forged(&format!("org\u{1f}tА\u{1f}{}", Uuid::from_u128(7).hyphenated())),
            "A".repeat(MAX_CURSOR_CHARS + 1),
            URL_SAFE_NO_PAD.encode(format!("org.name.asc\u{1f}t{}\u{1f}{id}", "я".repeat(MAX_CURSOR_CHARS))),
        ] {
            assert_eq!(Cursor::decode(&text), Err(CursorError::Malformed), "{text}");
        }
    }

    #[test]
    fn a_cursor_carries_back_the_longest_key_the_system_gives_out() {
        // A 1,000-character name of 4-byte characters, each folding to two: 8,000 bytes.
        for key in ["𝔄".repeat(MAX_KEY_BYTES / 4), "İ".repeat(2_000), "д".repeat(MAX_KEY_BYTES / 2)] {
            let cursor = Cursor::new(NAMES, after(SortKey::Text(key), 1));
            assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        }
    }

    #[test]
    fn a_cursor_of_another_order_or_key_kind_is_refused() {
        let cursor = Cursor::new(NAMES, after(SortKey::Text("ромашка".into()), 1));
        let decoded = Cursor::decode(&cursor.encode()).expect("decodes");
        assert_eq!(decoded.clone().after_in(SEQ), Err(CursorError::OtherOrder));
        let other_kind = ListOrder { name: NAMES.name, key: KeyKind::Number };
        assert_eq!(decoded.after_in(other_kind), Err(CursorError::OtherOrder));
    }

    #[test]
    fn a_page_knows_whether_more_follow_from_one_extra_row() {
        let rows: Vec<(u32, After)> = (0..5).map(|n| (n, after(SortKey::Number(i64::from(n)), 1))).collect();
        let request = PageRequest::new(2, None).expect("valid");
        let page = page_of(&rows, &request, false);
        assert_eq!((page.items.clone(), page.has_next, page.total), (vec![0, 1], true, None));
        let next = PageRequest { after: page.positions.last().cloned(), ..request.clone() }.counted();
        assert_eq!(page_of(&rows, &next, false).items, vec![2, 3]);
        assert_eq!(page_of(&rows, &next, false).total, Some(5));
        let last = PageRequest { after: Some(rows[3].1.clone()), ..request.clone() };
        assert_eq!((page_of(&rows, &last, false).items, page_of(&rows, &last, false).has_next), (vec![4], false));
        let newest_first: Vec<(u32, After)> = rows.iter().rev().cloned().collect();
        let after_three = PageRequest { after: Some(rows[3].1.clone()), ..request };
        assert_eq!(page_of(&newest_first, &after_three, true).items, vec![2, 1]);
    }

    fn sort_key() -> impl Strategy<Value = SortKey> {
        prop_oneof!["\\PC{0,40}".prop_map(SortKey::Text), any::<i64>().prop_map(SortKey::Number)]
    }

    proptest! {
        #[test]
        fn a_cursor_reads_back_as_itself(key in sort_key(), id in any::<u128>()) {
            let order = match key { SortKey::Text(_) => NAMES, SortKey::Number(_) => SEQ };
            let cursor = Cursor::new(order, after(key, id));
            let decoded = Cursor::decode(&cursor.encode());
            prop_assert_eq!(decoded.clone(), Ok(cursor.clone()));
            prop_assert_eq!(decoded.and_then(|c| c.after_in(order)), Ok(cursor.after));
        }

        #[test]
        fn any_text_decodes_to_a_cursor_or_is_refused_without_a_panic(text in "\\PC{0,80}|[A-Za-z0-9_-]{0,120}") {
            let _ = Cursor::decode(&text).map(|c| c.after_in(NAMES));
        }

        #[test]
        fn paging_through_a_sorted_list_visits_every_row_once(
            keys in proptest::collection::vec(0i64..20, 0..60),
            first in 1u32..7,
            descending in any::<bool>(),
        ) {
            let mut rows: Vec<(usize, After)> =
                keys.iter().enumerate().map(|(i, k)| (i, after(SortKey::Number(*k), i as u128))).collect();
            rows.sort_by(|a, b| a.1.cmp(&b.1));
            if descending {
                rows.reverse();
            }
            let mut seen = Vec::new();
            let mut request = PageRequest::new(i64::from(first), None).expect("valid");
            loop {
                let page = page_of(&rows, &request, descending);
                prop_assert!(page.items.len() <= first as usize);
                seen.extend(page.items.iter().copied());
                if !page.has_next {
                    break;
                }
                request.after = page.positions.last().cloned();
            }
            prop_assert_eq!(seen, rows.iter().map(|(i, _)| *i).collect::<Vec<_>>());
        }
    }
}
