//! What every domain's part of the schemas shares: the request's context, the error codes with
//! the mapping of every domain's errors to them, id and page arguments, and the batched loaders.

pub mod context;
pub mod errors;
pub mod loaders;
pub mod mirror;
pub mod pages;

pub use context::{Caller, RequestInfo, Services, account, actor, caller, services, unauthenticated};
pub use errors::{Code, GqlResult, IntoGql, LoadError, error, lang};
pub use pages::{PageInfoGql, cursors, page_info, page_request, parse_id, total_count};
