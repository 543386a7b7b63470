//! The interrogation engine: which question to ask next, what may be assumed, and how far
//! each target artifact is from being generable.

pub mod catalog;
pub mod plan;
pub mod record;
pub mod reply;

pub use catalog::{Catalog, TemplateSource};
pub use plan::{Assumption, NextQuestion, Plan, TargetProgress};
