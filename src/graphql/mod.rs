//! The GraphQL API: one file per domain type (its object, inputs, queries and mutations), and
//! the shared mechanisms they use (ids, filters, paging, loaders, error codes).

pub mod audit;
pub mod catalogue_event;
pub mod catalogue_release;
pub mod compiled;
pub mod compliance;
pub mod connection;
pub mod context;
pub mod data_item;
pub mod data_service;
pub mod database;
pub mod derivation;
mod documents;
pub mod engine;
pub mod errors;
pub mod feedback;
pub mod filter;
pub mod focal_point;
mod follows;
pub mod idle;
pub mod ids;
pub mod information_system;
pub mod inventory;
pub mod limits;
pub mod lineage;
pub mod loader;
pub mod mutation;
pub mod node;
pub mod open_data;
mod order;
pub mod organization;
pub mod quality;
pub mod report;
pub mod scalars;
pub mod search;
pub mod share;
pub mod sharing_agreement;
pub mod sharing_policy;
pub mod sharing_request;
pub mod statistics;
pub mod usage;
pub mod viewer;
pub mod vocabulary;

use std::sync::Arc;

use async_graphql::{MergedObject, SDLExportOptions, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use crate::access::Caller;
use crate::access::rate_limit::{Key, RateLimits};
use crate::config::Limits;
use loader::RequestLoader;

/// Reads. What a caller sees depends on its token: the public reads the published
/// catalogue and the sharing graph of published items; a token adds its organization's own.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    organization::OrganizationQuery,
    focal_point::FocalPointQuery,
    information_system::InformationSystemQuery,
    database::DatabaseQuery,
    data_item::DataItemQuery,
    sharing_policy::SharingPolicyQuery,
    data_service::DataServiceQuery,
    share::ShareQuery,
    derivation::DerivationQuery,
    lineage::LineageQuery,
    compliance::ComplianceQuery,
    viewer::ViewerQuery,
    audit::AuditQuery,
    sharing_agreement::SharingAgreementQuery,
    sharing_request::SharingRequestQuery,
    quality::QualityQuery,
    usage::UsageQuery,
    catalogue_release::CatalogueReleaseQuery,
    open_data::OpenDataQuery,
    feedback::FeedbackQuery,
    report::ReportQuery,
    inventory::InventoryQuery,
    search::SearchQuery,
    vocabulary::VocabularyQuery,
);

/// Writes, each one transaction and one audit entry per changed row. Stewards write their own
/// organization's catalogue, admins everything; anyone may send feedback and vote.
#[derive(MergedObject, Default)]
pub struct Mutation(
    organization::OrganizationMutation,
    focal_point::FocalPointMutation,
    information_system::InformationSystemMutation,
    database::DatabaseMutation,
    data_item::DataItemMutation,
    sharing_policy::SharingPolicyMutation,
    data_service::DataServiceMutation,
    share::ShareMutation,
    derivation::DerivationMutation,
    sharing_agreement::SharingAgreementMutation,
    sharing_request::SharingRequestMutation,
    quality::QualityMutation,
    usage::UsageMutation,
    catalogue_release::CatalogueReleaseMutation,
    open_data::OpenDataMutation,
    feedback::FeedbackMutation,
    inventory::InventoryMutation,
    data_item::DeleteDataItemMutation,
    data_service::DeleteDataServiceMutation,
    database::DeleteDatabaseMutation,
    derivation::DeleteDerivationMutation,
    focal_point::DeleteFocalPointMutation,
    information_system::DeleteInformationSystemMutation,
    open_data::DeleteOpenDatasetMutation,
    organization::DeleteOrganizationMutation,
    quality::DeleteQualityAssessmentMutation,
    share::DeleteShareMutation,
    sharing_agreement::DeleteSharingAgreementMutation,
    sharing_policy::DeleteSharingPolicyMutation,
);

pub type Subscription = catalogue_event::CatalogueEventSubscription;

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// The schema's types, before limits and data.
fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .register_output_type::<scalars::SpecifiedBy>()
}

/// Builds the schema with its limits, inside the [`engine::Engine`] that runs each operation.
/// The database connection and limits are shared; loaders are added per request by
/// [`request_data`].
pub fn build(
    db: DatabaseConnection,
    limits: Arc<Limits>,
    rate_limits: Arc<RateLimits>,
    metrics: Arc<crate::metrics::Metrics>,
    feed: Arc<crate::domain::events::Feed>,
) -> engine::Engine {
    let mut builder = builder();
    if !limits.introspection {
        // A production deployment that publishes its schema elsewhere (schema.graphql) need
        // not describe itself to every caller, nor suggest field names to a prober.
        builder = builder.disable_introspection().disable_suggestions();
    }
    // No schema extensions: what they would do runs once per operation in the engine.
    let schema = builder
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(32)
        .limit_directives(8)
        .data(db)
        .data(limits.clone())
        .data(rate_limits)
        .data(metrics.clone())
        .data(feed.clone())
        .finish();
    engine::Engine::new(schema, limits, metrics, feed)
}

/// Gives a request its caller and its own loaders, which read as that caller: created fresh
/// for each request so that nothing cached outlives it or crosses to another caller.
/// `walks` is the HTTP request's walk budget, shared by every operation of a batch.
pub fn prepare(
    mut request: async_graphql::Request,
    db: &DatabaseConnection,
    caller: &Caller,
    client: &Key,
    walks: &lineage::WalkBudget,
) -> async_graphql::Request {
    request.data = request_data(db, caller, client);
    request.data.insert(walks.clone());
    // One operation's list queries. Not in `request_data`: a WebSocket connection runs many
    // operations over the same data, and a field of a finished one may share an address with
    // a field of the next.
    request.data.insert(connection::ListQueries::default());
    request
}

/// What a request (or a WebSocket connection's subscriptions) reads as: its caller, its
/// client key, and loaders that read as that caller (they batch but cache nothing, so a
/// long-lived connection still reads current rows).
pub fn request_data(db: &DatabaseConnection, caller: &Caller, client: &Key) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    let idle = Arc::new(idle::Idle::default());
    data.insert(RequestLoader::tracking(
        db.clone(),
        caller.clone(),
        idle.clone(),
    ));
    data.insert(idle);
    data.insert(caller.clone());
    data.insert(client.clone());
    data
}

/// The schema as SDL, stable across runs (sorted), as checked in at `schema.graphql`.
pub fn sdl() -> String {
    let schema = builder().finish();
    schema.sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items()
            .include_specified_by(),
    )
}
