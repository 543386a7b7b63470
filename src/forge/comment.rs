//! How the bot's comments are recognised on any host: a hidden marker per topic and part, and
//! long bodies split at line breaks. Defined with the GitHub client, where comments began; every
//! host's adapter uses the same, so a topic's comment is found again wherever it was posted.

pub use github_app::client::{MARKER_PREFIX, marker, split_comment};
