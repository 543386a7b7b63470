//! The app itself, as its JWT sees it: who it is and where it is installed.

use crate::client::{ClientError, GitHubApp};
use serde::Deserialize;

/// The registered app.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AppInfo {
    pub id: u64,
    #[serde(default)]
    pub slug: Option<String>,
    pub name: String,
    #[serde(default)]
    pub events: Vec<String>,
}

/// One installation of the app on an account.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Installation {
    pub id: u64,
    pub account: Option<Account>,
    /// `all` or `selected`.
    pub repository_selection: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Account {
    #[serde(default)]
    pub login: Option<String>,
}

impl GitHubApp {
    /// `GET /app`: checks the app id and key are right, and names the app.
    pub async fn app_info(&self) -> Result<AppInfo, ClientError> {
        self.as_app(|crab| async move { crab.get::<AppInfo, _, ()>("/app", None).await }).await
    }

    /// Every installation of the app, all pages.
    pub async fn installations(&self) -> Result<Vec<Installation>, ClientError> {
        let mut all = Vec::new();
        for page in 1u32.. {
            let batch: Vec<Installation> = self
                .as_app(|crab| async move {
                    crab.get("/app/installations", Some(&[("per_page", 100), ("page", page)])).await
                })
                .await?;
            let count = batch.len();
            all.extend(batch);
            if count < 100 {
                break;
            }
        }
        Ok(all)
    }
}
