//! Shared vocabulary of the centre's domains: ids, periods, pages, the clock, messages and the region profile.
//!
//! The kernel stays small: something moves here only when two domains need the same thing.

mod actor;
mod clock;
mod ids;
mod message;
mod page;
mod period;
mod policy;
pub mod profile;
mod store;
pub mod text;
pub mod workdays;

pub use actor::{Actor, Channel, Role};
pub use clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use ids::{OrganizationId, PersonId, new_uuid};
pub use message::{DENIED, INTERNAL, Lang, Localized, Phrase, STORAGE_UNAVAILABLE};
pub use page::{
    After, Cursor, CursorError, KeyKind, ListOrder, MAX_KEY_BYTES, MAX_PAGE_SIZE, Page, PageRequest, SortKey, page_of,
};
pub use period::{Period, PeriodError};
pub use policy::{Action, Denied, Policy, PolicyError, Scope, ScopeKind};
pub use profile::{ProfileError, RegionProfile, Term, TermKind};
pub use store::{StoreError, Unavailable};
