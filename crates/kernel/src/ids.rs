//! Id newtypes: every entity has its own id type over a time-ordered UUID v7.

/// A fresh time-ordered UUID (v7): ids sort by creation time, which keeps indexes compact.
pub fn new_uuid() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// Defines a newtype id over a UUID, so that an organization id can never be passed as a person id.
#[macro_export]
macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new, unique, time-ordered id.
            pub fn new() -> Self {
                Self($crate::new_uuid())
            }

            /// Parses the textual form of the id; the error says the text is not an id.
            pub fn parse(text: &str) -> Result<Self, uuid::Error> {
                uuid::Uuid::parse_str(text.trim()).map(Self)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

define_id!(
    /// Identifies an organisation (the registry's; every domain refers to organisations by it).
    OrganizationId
);
define_id!(
    /// Identifies a person (the registry's; every domain refers to people by it).
    PersonId
);
