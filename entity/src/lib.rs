//! sea-orm entities of sharegraph. Relations are not declared here: the server loads every
//! relation through batched loaders keyed by foreign-key columns, so the entities stay plain.

pub mod access_event;
pub mod api_token;
pub mod audit_entry;
pub mod audit_head;
pub mod catalogue_release;
pub mod catalogue_review;
pub mod data_item;
pub mod data_service;
pub mod data_service_item;
pub mod database;
pub mod derivation;
pub mod enums;
pub mod feedback;
pub mod feedback_vote;
pub mod focal_point;
pub mod holiday;
pub mod information_system;
pub mod open_dataset;
pub mod open_dataset_item;
pub mod organization;
pub mod quality_assessment;
pub mod share;
pub mod share_edge;
pub mod sharing_agreement;
pub mod sharing_policy;
pub mod sharing_request;
pub mod sharing_request_item;
