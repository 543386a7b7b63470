//! The Spec Builder file format (v1): types, parsing with file:line:column in every error,
//! canonical writing, the rule language and the validator.
//!
//! Pure by design: text in, types and findings out. No I/O, no async; the caller reads files
//! (from a directory, a git tree or a host API) and hands over bytes.
//!
//! ```
//! use spec_format::{Layout, RepoFile, Workspace, validate};
//! let files = vec![
//!     RepoFile::new("specs/demo/project.md", "---\nname: Demo\n---\nAn idea.\n"),
//!     RepoFile::new("specs/demo/decisions/auth.accounts.md",
//!         "---\nkey: auth.accounts\nquestion: Do users have accounts?\nformat: text\nanswer: yes\nfacts: { auth.accounts: true }\n---\n"),
//! ];
//! let ws = Workspace::load(&files, &Layout::default());
//! assert!(validate::validate(&ws, &validate::Options::default()).is_empty());
//! ```

pub mod document;
pub mod facts;
pub mod fast_yaml;
pub mod finding;
pub mod ident;
pub mod model;
pub mod secrets;
pub mod validate;
pub mod value;
pub mod words;
pub mod workspace;
pub mod write;

pub use finding::{Code, Finding, Location, Severity, Summary};
pub use workspace::{Layout, RepoFile, Workspace};
