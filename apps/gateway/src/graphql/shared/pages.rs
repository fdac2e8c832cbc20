//! The arguments and answers every list and lookup shares: ids, `first`/`after`, page info.

use async_graphql::{Context, ID, Result, SimpleObject};
use kernel::{Cursor, Localized as _, Page, PageRequest};

use super::errors::{Code, bad_id, error, lang};

/// Parses an id argument, naming the argument when it is not an id.
pub fn parse_id<T>(ctx: &Context<'_>, field: &str, id: &ID, make: fn(uuid::Uuid) -> T) -> Result<T> {
    uuid::Uuid::parse_str(id.as_str()).map(make).map_err(|_| bad_id(ctx, field))
}

/// Validates `first` and `after`.
pub fn page_request(ctx: &Context<'_>, first: i32, after: Option<String>) -> Result<PageRequest> {
    let after = after
        .map(|a| Cursor::decode(&a))
        .transpose()
        .map_err(|e| error(ctx, Code::BadUserInput, e.message(lang(ctx)), Some("after")))?;
    PageRequest::new(i64::from(first), after)
        .map_err(|e| error(ctx, Code::BadUserInput, e.message(lang(ctx)), Some("first")))
}

/// Paging information of a connection.
#[derive(SimpleObject)]
#[graphql(name = "PageInfo")]
pub struct PageInfoGql {
    /// Whether more items follow.
    pub has_next_page: bool,
    /// The cursor of the last item, to pass as `after`.
    pub end_cursor: Option<String>,
}

/// The page information of any page.
pub fn page_info<T>(page: &Page<T>) -> PageInfoGql {
    PageInfoGql {
        has_next_page: page.has_next(),
        end_cursor: (!page.items.is_empty()).then(|| page.cursor_of(page.items.len() - 1).encode()),
    }
}
