//! The Relay `Node` interface and the `node`/`nodes` root fields.

use async_graphql::{Context, ID, Interface, Object};
use entity::{
    catalogue_release, catalogue_review, data_item, data_service, database, derivation, feedback,
    focal_point, information_system, open_dataset, organization, quality_assessment, share,
    sharing_agreement, sharing_policy, sharing_request,
};

use super::catalogue_release::{CatalogueRelease, CatalogueReview};
use super::context::ContextData;
use super::data_item::DataItem;
use super::data_service::DataService;
use super::database::Database;
use super::derivation::Derivation;
use super::feedback::Feedback;
use super::focal_point::FocalPoint;
use super::ids::{self, Kind};
use super::information_system::InformationSystem;
use super::loader::RequestLoader;
use super::open_data::OpenDataset;
use super::organization::Organization;
use super::quality::QualityAssessment;
use super::share::Share;
use super::sharing_agreement::SharingAgreement;
use super::sharing_policy::SharingPolicy;
use super::sharing_request::SharingRequest;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Most ids one `nodes` call takes.
const MAX_NODES: usize = 100;

/// An object with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    Organization(Organization),
    FocalPoint(FocalPoint),
    InformationSystem(InformationSystem),
    Database(Database),
    DataItem(DataItem),
    SharingPolicy(SharingPolicy),
    DataService(DataService),
    Share(Share),
    Derivation(Derivation),
    SharingAgreement(SharingAgreement),
    SharingRequest(SharingRequest),
    QualityAssessment(QualityAssessment),
    CatalogueRelease(CatalogueRelease),
    CatalogueReview(CatalogueReview),
    OpenDataset(OpenDataset),
    Feedback(Feedback),
}

async fn load(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let (kind, n) = ids::decode("id", id)?;
    load_node(ctx, kind, n).await
}

/// Loads any object by its type and row id, through the request's loaders.
pub async fn load_node(ctx: &Context<'_>, kind: Kind, n: i64) -> Result<Option<Node>> {
    load_node_with(ctx.loaders(), kind, n).await
}

/// Loads any object by its type and row id, as `loader`'s caller sees it.
pub async fn load_node_with(loader: &RequestLoader, kind: Kind, n: i64) -> Result<Option<Node>> {
    async fn by_id<E: crate::access::visibility::Visible>(
        loader: &RequestLoader,
        n: i64,
    ) -> Result<Option<E::Model>> {
        Ok(loader.by_id::<E>(n).await?)
    }
    Ok(match kind {
        Kind::Organization => by_id::<organization::Entity>(loader, n)
            .await?
            .map(|m| Node::Organization(m.into())),
        Kind::FocalPoint => by_id::<focal_point::Entity>(loader, n)
            .await?
            .map(|m| Node::FocalPoint(m.into())),
        Kind::InformationSystem => by_id::<information_system::Entity>(loader, n)
            .await?
            .map(|m| Node::InformationSystem(m.into())),
        Kind::Database => by_id::<database::Entity>(loader, n)
            .await?
            .map(|m| Node::Database(m.into())),
        Kind::DataItem => by_id::<data_item::Entity>(loader, n)
            .await?
            .map(|m| Node::DataItem(m.into())),
        Kind::SharingPolicy => by_id::<sharing_policy::Entity>(loader, n)
            .await?
            .map(|m| Node::SharingPolicy(m.into())),
        Kind::DataService => by_id::<data_service::Entity>(loader, n)
            .await?
            .map(|m| Node::DataService(m.into())),
        Kind::Share => by_id::<share::Entity>(loader, n)
            .await?
            .map(|m| Node::Share(m.into())),
        Kind::Derivation => by_id::<derivation::Entity>(loader, n)
            .await?
            .map(|m| Node::Derivation(m.into())),
        Kind::SharingAgreement => by_id::<sharing_agreement::Entity>(loader, n)
            .await?
            .map(|m| Node::SharingAgreement(m.into())),
        Kind::SharingRequest => by_id::<sharing_request::Entity>(loader, n)
            .await?
            .map(|m| Node::SharingRequest(m.into())),
        Kind::QualityAssessment => by_id::<quality_assessment::Entity>(loader, n)
            .await?
            .map(|m| Node::QualityAssessment(m.into())),
        Kind::CatalogueRelease => by_id::<catalogue_release::Entity>(loader, n)
            .await?
            .map(|m| Node::CatalogueRelease(m.into())),
        Kind::CatalogueReview => by_id::<catalogue_review::Entity>(loader, n)
            .await?
            .map(|m| Node::CatalogueReview(m.into())),
        Kind::OpenDataset => by_id::<open_dataset::Entity>(loader, n)
            .await?
            .map(|m| Node::OpenDataset(m.into())),
        Kind::Feedback => by_id::<feedback::Entity>(loader, n)
            .await?
            .map(|m| Node::Feedback(m.into())),
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; `null` when there is none.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as any object's `id` gives it.")] id: ID,
    ) -> Result<Option<Node>> {
        load(ctx, &id).await
    }

    /// Objects by global ids, in the order given; `null` where there is none.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids, at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(Error::LimitExceeded(
                Text::key("nodes-max")
                    .arg("max", MAX_NODES)
                    .arg("count", ids.len()),
            ));
        }
        // Loads run concurrently, so the loaders batch them per type.
        futures_util::future::try_join_all(ids.iter().map(|id| load(ctx, id))).await
    }
}
