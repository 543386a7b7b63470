//! Any bytes as the body of each GitHub webhook event the service reads: parsed or refused with
//! an error, never a panic, whatever the JSON holds.

#![no_main]

use github_app::Event;
use libfuzzer_sys::fuzz_target;

const EVENTS: &[&str] = &[
    "issue_comment",
    "issues",
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "check_run",
    "check_suite",
    "installation",
    "installation_repositories",
    "push",
    "ping",
    "unknown_event",
];

fuzz_target!(|data: &[u8]| {
    for name in EVENTS {
        let _ = Event::parse(name, data);
    }
});
