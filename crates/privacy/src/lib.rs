//! Personal data under 152-FZ as behaviour: consents (one purpose per document), the separate
//! distribution consent of art. 10.1, withdrawal followed by destruction within 30 days, subject
//! access requests answered within 10 working days (once extendable by 5 with a reason), and the
//! export of everything held about a person.
//!
//! Pure rules and use cases behind ports; storage implements them, and the schema walk that
//! finds every table referring to a person.

pub mod actions;
pub mod error;
pub mod model;
pub mod ports;
pub mod rules;
pub mod service;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{InputProblem, PrivacyError};
pub use model::{Consent, ConsentId, ConsentKind, PersonId, SubjectExport, SubjectRequest, SubjectRequestId};
pub use ports::{ConsentRepo, PrivacyPorts, SubjectRequestRepo, Subjects};
pub use rules::PrivacyRuleError;
pub use service::{NewConsent, Privacy, RunReport};
