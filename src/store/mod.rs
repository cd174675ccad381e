//! Storage access that is not tied to one entity: connecting, paging, counting.
pub mod backup;
pub mod connect;
pub mod hierarchy;
pub mod page;
pub mod tree;
