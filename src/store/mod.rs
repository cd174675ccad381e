//! Storage access that is not tied to one entity: connecting, paging, counting.
pub mod connect;
pub mod page;
