//! What each request carries into resolvers: who calls, in which language, under which request id.

use std::sync::Arc;

use access::{Access, Account};
use async_graphql::Context;
use kernel::Lang;
use registry::Registry;

use super::errors::{Code, error, lang};

/// Per-request facts.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    /// The request id, also in the server log and in every error's extensions.
    pub id: String,
    /// The caller's language.
    pub lang: Lang,
}

/// The caller of the staff API: an account with its bearer token, or nobody.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// The logged-in account.
    pub account: Option<Account>,
    /// The bearer token that authenticated it.
    pub token: Option<String>,
}

/// The use cases a schema serves.
#[derive(Clone)]
pub struct Services {
    /// The registry.
    pub registry: Arc<Registry>,
    /// Accounts and sessions.
    pub access: Arc<Access>,
    /// The clock ("today" for active periods).
    pub clock: Arc<dyn kernel::Clock>,
}

/// The logged-in account, or `UNAUTHENTICATED`.
pub fn account<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Account> {
    match ctx.data_opt::<Caller>().and_then(|c| c.account.as_ref()) {
        Some(account) => Ok(account),
        None => {
            let message = match lang(ctx) {
                Lang::Ru => "нужно войти в систему: передайте токен в заголовке Authorization: Bearer",
                Lang::En => "log in first: send the token in the Authorization: Bearer header",
            };
            Err(error(ctx, Code::Unauthenticated, message, None))
        }
    }
}

/// The use cases.
pub fn services<'a>(ctx: &Context<'a>) -> &'a Services {
    ctx.data_unchecked::<Services>()
}
