//! The types of the format, one file per kind of document.

pub mod decision;
pub mod implies;
pub mod manifest;
pub mod project;
pub mod rules;
pub mod template;

pub use decision::{Answer, AnswerFormat, AnswerOption, Decision, Status};
pub use implies::Implication;
pub use manifest::{ArtifactEntry, Manifest};
pub use project::{Codebase, Depth, Project, ProjectKind, ProjectStatus};
pub use rules::{Condition, Rule, RulesFile};
pub use template::{ArtifactRequirements, Question, Recommend, Template, TemplateOption};
