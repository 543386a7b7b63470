//! What the client tests share: the app, configured to talk to the fake GitHub.

use fake_github::{APP_ID, FakeGitHub, TEST_APP_KEY};
use github_app::{AppConfig, GitHubApp};
use std::time::Duration;

/// The test app against `fake`, with short 5xx backoffs so retries do not slow the tests.
pub fn app(fake: &FakeGitHub) -> GitHubApp {
    let config = AppConfig { api_url: fake.url.clone(), app_id: APP_ID, private_key_pem: TEST_APP_KEY.to_owned() };
    let mut app = GitHubApp::new(&config).unwrap();
    app.policy.backoff = Duration::from_millis(20);
    app
}
