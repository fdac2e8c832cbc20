//! The domain's pure rules, each with a property: 59-FZ deadlines on the production calendar,
//! a request's and a referral's state machines, dispatch ranking, and what anonymising a
//! person leaves of the records about them.

pub mod anonymise;
pub mod appeal_limits;
pub mod deadlines;
pub mod dispatch;
pub mod referral_flow;
pub mod request_flow;
