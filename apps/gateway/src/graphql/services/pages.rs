//! The services domain's pages: directory services, requests, referrals, deliveries and cases a
//! page at a time, with the organisations the selection names loaded in one batch.

use std::sync::Arc;

use async_graphql::{Context, Lookahead, Object, Result, SimpleObject};
use kernel::{ListOrder, OrganizationId, Page};
use services_catalog::model::case::AdvocacyCase;
use services_catalog::model::delivery::Delivery;
use services_catalog::model::directory::DirectoryService;
use services_catalog::model::referral::Referral;
use services_catalog::model::request::Request;

use super::types::{AdvocacyCaseGql, DeliveryGql, DirectoryServiceGql, ReferralGql, RequestGql};
use crate::graphql::registry::loaders::loaders as registry_loaders;
use crate::graphql::shared::{GqlResult, PageInfoGql, cursors, page_info, total_count};

/// Loads in one batch the organisations a page's selected `field` names, so each item's
/// organisation then answers from the request's cache: one statement for the page, whatever its
/// size.
async fn organizations(
    ctx: &Context<'_>,
    node: Lookahead<'_>,
    field: &[&str],
    ids: impl Iterator<Item = OrganizationId>,
) -> Result<()> {
    let selected = field.iter().fold(node, |at, name| at.field(name));
    if selected.exists() {
        registry_loaders(ctx).organizations.load_many(ids).await.gql(ctx)?;
    }
    Ok(())
}

macro_rules! connection {
    ($(#[$doc:meta])* $conn:ident as $name:literal, $edge:ident as $edge_name:literal, $gql:ident, $record:ty,
     |$ctx:ident, $node:ident, $items:ident| $prefetch:expr) => {
        $(#[$doc])*
        pub struct $conn(pub Page<Arc<$record>>, pub ListOrder);

        /// An item with its cursor.
        #[derive(SimpleObject)]
        #[graphql(name = $edge_name)]
        pub struct $edge {
            /// Pass as `after` to continue after this item.
            pub cursor: String,
            /// The item.
            pub node: $gql,
        }

        impl $conn {
            async fn prefetch($ctx: &Context<'_>, $node: Lookahead<'_>, $items: &[Arc<$record>]) -> Result<()> {
                $prefetch
            }
        }

        #[Object(name = $name)]
        impl $conn {
            /// How many items match the filter in all (a second statement: select it only when needed).
            async fn total_count(&self) -> u64 {
                total_count(&self.0)
            }
            async fn page_info(&self) -> PageInfoGql {
                page_info(&self.0, self.1)
            }
            async fn edges(&self, ctx: &Context<'_>) -> Result<Vec<$edge>> {
                Self::prefetch(ctx, ctx.look_ahead().field("node"), &self.0.items).await?;
                let nodes = self.0.items.iter().cloned().map($gql);
                Ok(cursors(&self.0, self.1).zip(nodes).map(|(cursor, node)| $edge { cursor, node }).collect())
            }
            /// The items of the page, without cursors.
            async fn nodes(&self, ctx: &Context<'_>) -> Result<Vec<$gql>> {
                Self::prefetch(ctx, ctx.look_ahead(), &self.0.items).await?;
                Ok(self.0.items.iter().cloned().map($gql).collect())
            }
        }
    };
}

connection!(
    /// A page of directory services.
    DirectoryServiceConnection as "DirectoryServiceConnection",
    DirectoryServiceEdge as "DirectoryServiceEdge",
    DirectoryServiceGql,
    DirectoryService,
    |ctx, node, items| organizations(ctx, node, &["provider"], items.iter().map(|s| s.provider)).await
);

connection!(
    /// A page of requests.
    RequestConnection as "RequestConnection",
    RequestEdge as "RequestEdge",
    RequestGql,
    Request,
    |ctx, node, items| {
        let ids = items.iter().filter_map(|r| r.applicant.organization());
        organizations(ctx, node, &["applicant", "organization"], ids).await
    }
);

connection!(
    /// A page of referrals.
    ReferralConnection as "ReferralConnection",
    ReferralEdge as "ReferralEdge",
    ReferralGql,
    Referral,
    |ctx, node, items| organizations(ctx, node, &["provider"], items.iter().map(|r| r.provider)).await
);

connection!(
    /// A page of deliveries.
    DeliveryConnection as "DeliveryConnection",
    DeliveryEdge as "DeliveryEdge",
    DeliveryGql,
    Delivery,
    |ctx, node, items| organizations(ctx, node, &["organization"], items.iter().filter_map(|d| d.organization())).await
);

connection!(
    /// A page of advocacy cases.
    AdvocacyCaseConnection as "AdvocacyCaseConnection",
    AdvocacyCaseEdge as "AdvocacyCaseEdge",
    AdvocacyCaseGql,
    AdvocacyCase,
    |_ctx, _node, _items| Ok(())
);
