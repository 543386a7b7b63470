//! `.specbuilder.toml`: optional repository configuration.

use serde::Deserialize;
use std::path::Path;

pub const CONFIG_FILE: &str = ".specbuilder.toml";

#[derive(Debug, Default, Deserialize)]
pub struct Config {
    /// The folder holding one sub-folder per project.
    pub specs_dir: Option<String>,
    /// The template `new` uses when none is given.
    pub default_template: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    /// Reads `<dir>/.specbuilder.toml`; a missing file means the defaults.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let path = dir.join(CONFIG_FILE);
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io { path: shown, source });
            }
        };
        let config: Config =
            toml::from_str(&text).map_err(|e| ConfigError::Invalid { path: shown.clone(), message: e.to_string() })?;
        if let Some(dir) = &config.specs_dir {
            let safe = !dir.is_empty()
                && !dir.starts_with('/')
                && dir.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
            if !safe {
                return Err(ConfigError::Invalid {
                    path: shown,
                    message: format!("specs_dir `{dir}` must be a relative path inside the repository, without `..`"),
                });
            }
        }
        Ok(config)
    }

    pub fn specs_dir(&self) -> &str {
        self.specs_dir.as_deref().unwrap_or("specs")
    }
}
