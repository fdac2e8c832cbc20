//! Pages of lists: a requested size with an opaque cursor, and the page that comes back.

/// The largest page anyone may ask for; bigger requests are refused, not clamped silently.
pub const MAX_PAGE_SIZE: u32 = 100;

/// An opaque position in a stably sorted list: the number of items before it. Never more than
/// `i64::MAX`, the largest offset either database accepts, so a cursor always binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Cursor(u64);

/// Why a page request is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// The cursor text was not produced by this system.
    #[error("the cursor is not one this system gave out")]
    Malformed,
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
            (CursorError::PageSize(n), _) => format!("размер страницы {n} вне диапазона 1..={MAX_PAGE_SIZE}"),
        }
    }
}

const CURSOR_PREFIX: &str = "o";

impl Cursor {
    /// The largest position a cursor can name.
    pub const MAX: u64 = i64::MAX as u64;

    /// The position after `offset` items (at most [`Cursor::MAX`]).
    pub fn at(offset: u64) -> Self {
        Self(offset.min(Self::MAX))
    }

    /// How many items come before this position.
    pub fn offset(self) -> u64 {
        self.0
    }

    /// The text a client passes back as `after`.
    pub fn encode(self) -> String {
        format!("{CURSOR_PREFIX}{}", self.0)
    }

    /// Reads a cursor given out by [`Cursor::encode`]; anything else, a position past
    /// [`Cursor::MAX`] included, is refused.
    pub fn decode(text: &str) -> Result<Self, CursorError> {
        text.strip_prefix(CURSOR_PREFIX)
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u64>().ok())
            .filter(|offset| *offset <= Self::MAX)
            .map(Self)
            .ok_or(CursorError::Malformed)
    }
}

/// Which slice of a list to return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items to return, 1..=MAX_PAGE_SIZE.
    pub first: u32,
    /// Start after this position; `None` starts at the beginning.
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// Validates the size asked for by a client.
    pub fn new(first: i64, after: Option<Cursor>) -> Result<Self, CursorError> {
        u32::try_from(first)
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .map(|first| Self { first, after })
            .ok_or(CursorError::PageSize(first))
    }

    /// The number of items to skip.
    pub fn offset(&self) -> u64 {
        self.after.map_or(0, |c| c.offset())
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { first: 20, after: None }
    }
}

/// One page of a list, with the total count of the whole filtered list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in the list's stable order.
    pub items: Vec<T>,
    /// How many items the whole filtered list has.
    pub total: u64,
    /// The offset of the first item.
    pub offset: u64,
}

impl<T> Page<T> {
    /// The cursor of the item at `index` in this page.
    pub fn cursor_of(&self, index: usize) -> Cursor {
        Cursor::at(self.offset.saturating_add(index as u64 + 1))
    }

    /// Whether items follow this page.
    pub fn has_next(&self) -> bool {
        self.offset + (self.items.len() as u64) < self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn page_sizes_outside_the_limit_are_refused() {
        assert_eq!(PageRequest::new(0, None), Err(CursorError::PageSize(0)));
        assert_eq!(PageRequest::new(101, None), Err(CursorError::PageSize(101)));
        assert_eq!(PageRequest::new(-5, None), Err(CursorError::PageSize(-5)));
        assert_eq!(PageRequest::new(100, None).map(|p| p.first), Ok(100));
    }

    #[test]
    fn foreign_cursors_are_refused() {
        for text in ["", "o", "x12", "o-1", "o1x", "o+1", " o1", "o1 ", "o99999999999999999999999", "o١"] {
            assert_eq!(Cursor::decode(text), Err(CursorError::Malformed), "{text}");
        }
    }

    #[test]
    fn a_cursor_past_the_largest_database_offset_is_refused() {
        assert_eq!(Cursor::decode("o9223372036854775807"), Ok(Cursor::at(i64::MAX as u64)));
        assert_eq!(Cursor::decode("o9223372036854775808"), Err(CursorError::Malformed));
        assert_eq!(Cursor::decode(&format!("o{}", u64::MAX)), Err(CursorError::Malformed));
    }

    proptest! {
        #[test]
        fn a_cursor_reads_back_as_itself(offset in 0..=i64::MAX as u64) {
            prop_assert_eq!(Cursor::decode(&Cursor::at(offset).encode()), Ok(Cursor::at(offset)));
        }

        #[test]
        fn every_decoded_cursor_fits_a_database_offset(text in "o[0-9]{1,25}|\\PC{0,30}") {
            if let Ok(cursor) = Cursor::decode(&text) {
                prop_assert!(i64::try_from(cursor.offset()).is_ok(), "{} decoded to {}", text, cursor.offset());
            }
        }
    }
}
