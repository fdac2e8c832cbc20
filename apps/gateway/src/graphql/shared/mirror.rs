//! `mirror_enum!`: a GraphQL enum mirroring a domain enum variant for variant (async-graphql's
//! `remote`, which also writes both conversions), with its derive and names written once and each
//! variant on one line beside its description. Domain crates know nothing of GraphQL, so the
//! gateway holds the mirror; a variant missing from it does not compile.

/// `mirror_enum!(/// doc  MirrorGql as "GraphQLName" = "path::to::Domain" { Variant => "doc", ... })`.
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $mirror:ident as $name:literal = $remote:literal { $($variant:ident => $doc:literal,)+ }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
        #[graphql(name = $name, remote = $remote)]
        pub enum $mirror {
            $(#[doc = $doc] $variant,)+
        }
    };
}

pub(crate) use mirror_enum;
