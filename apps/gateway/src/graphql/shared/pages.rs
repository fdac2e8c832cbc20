//! The arguments and answers every list and lookup shares: ids, `first`/`after`, page info.

use async_graphql::{Context, ID, Result, SimpleObject};
use kernel::{Cursor, ListOrder, Localized as _, Page, PageRequest};

use super::errors::{Code, bad_id, error, lang};

/// Parses an id argument, naming the argument when it is not an id.
pub fn parse_id<T>(ctx: &Context<'_>, field: &str, id: &ID, make: fn(uuid::Uuid) -> T) -> Result<T> {
    uuid::Uuid::parse_str(id.as_str()).map(make).map_err(|_| bad_id(ctx, field))
}

/// Validates `first` and `after` (a cursor of this list's `order`, or `BAD_USER_INPUT` naming
/// `after`), and asks for the count only when the selection has `totalCount`: a page alone is one
/// statement, the count a second one.
pub fn page_request(ctx: &Context<'_>, first: i32, after: Option<String>, order: ListOrder) -> Result<PageRequest> {
    let after = after
        .map(|a| Cursor::decode(&a).and_then(|c| c.after_in(order)))
        .transpose()
        .map_err(|e| error(ctx, Code::BadUserInput, e.message(lang(ctx)), Some("after")))?;
    let request = PageRequest::new(i64::from(first), after)
        .map_err(|e| error(ctx, Code::BadUserInput, e.message(lang(ctx)), Some("first")))?;
    Ok(if ctx.look_ahead().field("totalCount").exists() { request.counted() } else { request })
}

/// The count of a page whose request asked for it when `totalCount` was selected (the only
/// time this is read).
pub fn total_count<T>(page: &Page<T>) -> u64 {
    page.total.unwrap_or_default()
}

/// The cursor of each item of a page, in `order`.
pub fn cursors<T>(page: &Page<T>, order: ListOrder) -> impl Iterator<Item = String> + '_ {
    page.positions.iter().map(move |at| Cursor::new(order, at.clone()).encode())
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

/// The page information of any page of a list in `order`.
pub fn page_info<T>(page: &Page<T>, order: ListOrder) -> PageInfoGql {
    PageInfoGql {
        has_next_page: page.has_next,
        end_cursor: page.positions.last().map(|at| Cursor::new(order, at.clone()).encode()),
    }
}
