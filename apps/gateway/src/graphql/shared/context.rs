//! What each request carries into resolvers: who calls, in which language, under which request id.

use access::Account;
use async_graphql::Context;
use kernel::{Actor, Lang};

pub use system::Services;

use super::errors::{Code, error, lang};

/// Per-request facts.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    /// The request id, also in the server log and in every error's extensions.
    pub id: String,
    /// The caller's language.
    pub lang: Lang,
}

impl RequestInfo {
    /// The facts of a new request: a fresh id, and the caller's language.
    pub fn new(lang: Lang) -> Self {
        Self { id: uuid::Uuid::now_v7().to_string(), lang }
    }
}

/// The caller: the actor every use case is asked for, the account and token behind it (none for
/// the public), and the peer address (login limits).
#[derive(Clone, Debug)]
pub struct Caller {
    /// Who acts.
    pub actor: Actor,
    /// The logged-in account.
    pub account: Option<Account>,
    /// The bearer token that authenticated it.
    pub token: Option<String>,
    /// The peer's IP address as the socket reports it (forwarded headers are not trusted).
    pub peer: String,
}

/// The error for a caller without a session.
pub fn unauthenticated(ctx: &Context<'_>) -> async_graphql::Error {
    let message = match lang(ctx) {
        Lang::Ru => "нужно войти в систему: передайте токен в заголовке Authorization: Bearer",
        Lang::En => "log in first: send the token in the Authorization: Bearer header",
    };
    error(ctx, Code::Unauthenticated, message, None)
}

/// The logged-in account, or `UNAUTHENTICATED`.
pub fn account<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Account> {
    ctx.data_opt::<Caller>().and_then(|c| c.account.as_ref()).ok_or_else(|| unauthenticated(ctx))
}

/// The logged-in actor of the staff API, or `UNAUTHENTICATED`.
pub fn actor<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Actor> {
    match ctx.data_opt::<Caller>() {
        Some(caller) if caller.account.is_some() => Ok(&caller.actor),
        _ => Err(unauthenticated(ctx)),
    }
}

/// The caller, whoever it is (the public API's anonymous actor included).
pub fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data_unchecked::<Caller>()
}

/// The use cases.
pub fn services<'a>(ctx: &Context<'a>) -> &'a Services {
    ctx.data_unchecked::<Services>()
}
