//! Who visits a page: the language, the account of the session cookie, and the form token that
//! guards every form against posts from other sites.
//!
//! The session cookie holds the same session token the API's bearer header does, so the console
//! has the API's idle and absolute expiry, login limits and logout. Cookies are `HttpOnly` and
//! `SameSite=Strict` (and `Secure` when the gateway is reached over TLS). A form's token is a
//! hash of a secret the browser keeps in an `HttpOnly` cookie (the session token once logged in,
//! before that a random pre-session secret), so another site can neither read nor forge it; a
//! post is also refused when the browser says it comes from another origin.

use std::net::SocketAddr;

use access::{AccessError, Account};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kernel::{Action, Actor, Channel, Lang};
use sha2::{Digest, Sha256};

use crate::Console;
use crate::layout;
use crate::texts::t;

/// The cookie holding the session token.
pub const SESSION_COOKIE: &str = "nko_session";
/// The cookie holding the pre-session secret that login forms are bound to.
pub const FORM_COOKIE: &str = "nko_form";
/// The hidden field of every form that carries the form token.
pub const FORM_FIELD: &str = "form_token";

/// A visit to a page.
pub struct Visit {
    /// The visitor's language (`Accept-Language`).
    pub lang: Lang,
    /// Who acts: the account's actor, or the anonymous public.
    pub actor: Actor,
    /// The logged-in account.
    pub account: Option<Account>,
    /// The peer's address (login limits).
    pub peer: String,
    session: Option<String>,
    form_secret: Option<String>,
    /// Whether the browser says the request comes from this site (see [`same_origin`]).
    from_this_site: bool,
    set_cookies: Vec<String>,
    secure: bool,
}

/// The visitor's language from `Accept-Language`, by its weights.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// The value of a cookie, from every `Cookie` header.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// A page's query string read leniently: what does not parse counts as absent (every field of a
/// page's query has a default), so a mangled link shows the page, never a bare refusal.
pub fn query_of<T: serde::de::DeserializeOwned + Default>(raw: Option<&str>) -> T {
    // A parameter given twice counts once, as first given: the page keeps its other filters.
    let Some(pairs) = raw.and_then(|raw| serde_urlencoded::from_str::<Vec<(String, String)>>(raw).ok()) else {
        return T::default();
    };
    let mut first: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        if !first.iter().any(|(k, _)| *k == key) {
            first.push((key, value));
        }
    }
    serde_urlencoded::to_string(&first).ok().and_then(|text| serde_urlencoded::from_str(&text).ok()).unwrap_or_default()
}

/// The page of a list that a page's `after` asks for: the first page without one (or with an
/// empty one), the page after the cursor's item otherwise; a cursor that is not one of this
/// list's is named in the visitor's words, not the API's.
pub fn page_request(
    lang: Lang,
    after: Option<&str>,
    order: kernel::ListOrder,
    size: i64,
) -> Result<kernel::PageRequest, String> {
    let after = match after.filter(|a| !a.is_empty()) {
        None => None,
        Some(cursor) => Some(kernel::Cursor::decode(cursor).and_then(|c| c.after_in(order)).map_err(|_| {
            t(
                lang,
                "Ссылка на страницу списка устарела или повреждена: откройте список с первой страницы.",
                "The link to this page of the list is stale or damaged: open the list from its first page.",
            )
            .to_owned()
        })?),
    };
    kernel::PageRequest::new(size, after).map_err(|e| kernel::Localized::message(&e, lang))
}

/// A secret is what the server hands out: 43 characters of URL-safe base64 (32 random bytes).
fn looks_like_secret(value: &str) -> bool {
    value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The form token bound to a secret.
fn form_token_of(secret: &str) -> String {
    let digest = Sha256::new().chain_update(b"nko-console-form\0").chain_update(secret.as_bytes()).finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

/// Equal without telling by its timing where the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the browser says the request comes from this site: `Sec-Fetch-Site` when sent, and an
/// `Origin` whose host is the `Host` the request was sent to. A client that sends neither (not a
/// browser, or an old one) is judged by the form token alone.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site"))
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match text(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = origin.split_once("://").map(|(_, rest)| rest);
            matches!((host, text(header::HOST)), (Some(from), Some(to)) if from.eq_ignore_ascii_case(to))
        }
    }
}

/// A `Set-Cookie` value: the whole site, not readable by scripts, never sent by other sites.
fn set_cookie(name: &str, value: &str, secure: bool, clear: bool) -> String {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if clear {
        text.push_str("; Max-Age=0");
    }
    if secure {
        text.push_str("; Secure");
    }
    text
}

/// Why a posted form was refused; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormRefusal {
    /// The browser says the form was posted from another site.
    OtherOrigin,
    /// The form's token is missing or is not this visitor's.
    BadToken,
}

impl Visit {
    /// The visit of a request: its language, and the account of a live session cookie. A cookie
    /// naming no live session is recorded as a refusal and cleared; a store that does not answer
    /// is an error page.
    pub async fn open(console: &Console, headers: &HeaderMap, peer: Option<SocketAddr>) -> Result<Self, Response> {
        let lang = lang_of(headers);
        let request_id = uuid::Uuid::now_v7().to_string();
        // The socket's address; in-process tests have none ("local").
        let peer = peer.map_or_else(|| "local".to_owned(), |addr| addr.ip().to_string());
        let secure = console.settings.secure_cookies;
        let mut actor = Actor::anonymous(&request_id);
        actor.channel = Channel::Console;
        actor.origin = Some(peer.clone());
        let mut visit = Visit {
            lang,
            actor,
            account: None,
            peer,
            session: None,
            form_secret: None,
            from_this_site: same_origin(headers),
            set_cookies: Vec::new(),
            secure,
        };
        if let Some(token) = cookie(headers, SESSION_COOKIE) {
            match console.services.access.authenticate(token).await {
                Ok(account) => {
                    visit.actor = access::actor_of(&account, Channel::Console, &request_id);
                    visit.actor.origin = Some(visit.peer.clone());
                    visit.account = Some(account);
                    visit.session = Some(token.to_owned());
                }
                Err(AccessError::InvalidSession) => {
                    if let Err(error) =
                        console.services.gate.record_refusal("session.invalid_token", &visit.actor).await
                    {
                        tracing::error!(request_id, error = %error, "cannot record a refusal");
                    }
                    visit.set_cookies.push(set_cookie(SESSION_COOKIE, "", secure, true));
                }
                Err(_) => return Err(layout::failure(StatusCode::SERVICE_UNAVAILABLE, lang)),
            }
        }
        visit.form_secret = match (&visit.session, cookie(headers, FORM_COOKIE).filter(|v| looks_like_secret(v))) {
            (Some(session), _) => Some(session.clone()),
            (None, secret) => secret.map(str::to_owned),
        };
        Ok(visit)
    }

    /// Makes sure an anonymous visitor has the pre-session secret a login form is bound to (set
    /// only by the page that shows that form, so the public pages set no cookie).
    pub fn with_form_secret(mut self) -> Self {
        if self.form_secret.is_none() {
            let secret = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
            self.set_cookies.push(set_cookie(FORM_COOKIE, &secret, self.secure, false));
            self.form_secret = Some(secret);
        }
        self
    }

    /// The session token of a logged-in visitor.
    pub fn session(&self) -> Option<&str> {
        self.session.as_deref()
    }

    /// The token every form of this visitor carries in [`FORM_FIELD`] (empty, and so refused,
    /// for a visitor without a secret).
    pub fn form_token(&self) -> String {
        self.form_secret.as_deref().map(form_token_of).unwrap_or_default()
    }

    /// A key of what this browser posted: SHA-256 of its form secret and `parts` (each ended by
    /// a NUL), in hex. The same parts from another browser give another key.
    pub fn submission_key(&self, parts: &[&str]) -> String {
        let mut digest = Sha256::new().chain_update(b"nko-console-submission\0");
        digest.update(self.form_secret.as_deref().unwrap_or_default().as_bytes());
        for part in parts {
            digest.update(b"\0");
            digest.update(part.as_bytes());
        }
        digest.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Admits a posted form: from this site, with this visitor's token.
    pub fn check_form(&self, submitted: Option<&str>) -> Result<(), FormRefusal> {
        if !self.from_this_site {
            return Err(FormRefusal::OtherOrigin);
        }
        match (submitted, &self.form_secret) {
            (Some(token), Some(secret)) if same(token, &form_token_of(secret)) => Ok(()),
            _ => Err(FormRefusal::BadToken),
        }
    }

    /// Whether the policy lets this visitor take an action on some records (what a page offers;
    /// the use case still decides on each record).
    pub fn may(&self, console: &Console, action: Action) -> bool {
        console.services.gate.allows(&self.actor, action)
    }

    /// Starts a session: the cookie that carries its token from now on.
    pub fn start_session(&mut self, token: &str) {
        self.set_cookies.push(set_cookie(SESSION_COOKIE, token, self.secure, false));
    }

    /// Ends the session's cookie.
    pub fn end_session(&mut self) {
        self.set_cookies.push(set_cookie(SESSION_COOKIE, "", self.secure, true));
    }

    /// The answer with the cookies this visit set.
    pub fn finish(self, response: impl IntoResponse) -> Response {
        let mut response = response.into_response();
        for value in self.set_cookies {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// The way to the login page for a visitor without a session, coming back to `path` after.
    pub fn send_to_login(self, path: &str) -> Response {
        let back = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
        self.finish(Redirect::to(&format!("/console/login?{back}")))
    }

    /// The page a refused form gets: nothing was changed.
    pub fn refused_form(self, refusal: FormRefusal) -> Response {
        let lang = self.lang;
        let message = match refusal {
            FormRefusal::OtherOrigin => t(
                lang,
                "Форма отправлена с другого сайта и не принята. Ничего не изменено.",
                "The form was sent from another site and was not accepted. Nothing was changed.",
            ),
            FormRefusal::BadToken => t(
                lang,
                "Форма устарела или открыта в другом сеансе. Ничего не изменено: обновите страницу и повторите.",
                "The form is stale or from another session. Nothing was changed: reload the page and retry.",
            ),
        };
        let page = layout::message_page(&self, StatusCode::FORBIDDEN, message);
        self.finish(page)
    }
}

/// Every page's visit, taken from the request: its language, its session, its form secret.
impl FromRequestParts<Console> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self, Response> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| *addr);
        Visit::open(console, &parts.headers, peer).await
    }
}

/// The visit of a staff page: a visitor without a live session is sent to the login page, to
/// come back to the page after.
pub struct Staff(pub Visit);

impl FromRequestParts<Console> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self, Response> {
        let visit = Visit::from_request_parts(parts, console).await?;
        if visit.account.is_none() {
            let back = parts.uri.path_and_query().map_or("/console/", |p| p.as_str());
            return Err(visit.send_to_login(back));
        }
        Ok(Staff(visit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    #[test]
    fn a_post_is_from_this_site_only_when_the_browser_does_not_say_otherwise() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080")])), "no browser headers: the token decides");
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")])));
        assert!(same_origin(&headers(&[("host", "nko.example"), ("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://evil.example")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "null")])));
        assert!(!same_origin(&headers(&[("origin", "http://127.0.0.1:8080")])), "an origin without a host");
        assert!(!same_origin(&headers(&[("host", "a"), ("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("host", "a"), ("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn cookies_are_read_from_every_cookie_header() {
        let map = headers(&[("cookie", "a=1; nko_form=x"), ("cookie", "nko_session=tok")]);
        assert_eq!(cookie(&map, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&map, FORM_COOKIE), Some("x"));
        assert_eq!(cookie(&map, "missing"), None);
    }

    #[test]
    fn a_set_cookie_is_http_only_and_strict_and_secure_when_asked() {
        assert_eq!(set_cookie("n", "v", false, false), "n=v; Path=/; HttpOnly; SameSite=Strict");
        assert_eq!(set_cookie("n", "", true, true), "n=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
    }

    proptest! {
        #[test]
        fn a_form_token_is_accepted_for_its_own_secret_only(a in "[A-Za-z0-9_-]{43}", b in "[A-Za-z0-9_-]{43}", junk in ".{0,60}") {
            let token = form_token_of(&a);
            prop_assert!(same(&token, &form_token_of(&a)));
            prop_assert_eq!(same(&token, &form_token_of(&b)), a == b);
            prop_assert_eq!(same(&token, &junk), junk == token);
        }
    }
}

/// The query of a page reached after a change: `?done=1` says the change was saved.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    /// Present after a saved change.
    pub done: Option<String>,
}
