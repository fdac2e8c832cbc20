//! The domain's records: the centre's catalogue, the directory of NGOs' services with their
//! pathways, requests, referrals, deliveries and advocacy cases, and the values they are built of.

pub mod case;
pub mod catalogue;
pub mod delivery;
pub mod directory;
pub mod referral;
pub mod request;
pub mod values;

/// Gives a field-less enum its stable storage codes: `ALL`, `code()` and `parse()`.
#[macro_export]
#[doc(hidden)]
macro_rules! coded {
    ($ty:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stable code kept in storage and files.
            pub fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),+
                }
            }

            /// Reads a code back.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.code() == code)
            }

            /// Every code, for messages that list what is accepted.
            pub const CODES: &'static [&'static str] = &[$($code),+];
        }
    };
}
