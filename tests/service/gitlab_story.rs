//! GitHub's story on GitLab, under a sub-path: notes in, the real `gitlab` client out to the
//! fake GitLab, one commit per answer, a contradiction refused, a merge request with its
//! "Spec Builder" status, a hand-edited contradiction found on both lines, a moved branch that
//! keeps both commits, a Reporter refused, a redelivery that posts nothing.

use super::*;
use fake_gitlab::{BOT_USERNAME, FakeGitLab, PROJECT_ID, PROJECT_PATH};
use gitlab_app::{ClientConfig, GitLab, WebhookVerifier};
use specbuilder::forge::Hosts;

const TOKEN: &str = "gitlab-hook-token";
const ISSUE: (&str, u64) = ("issues", 3);

struct Lab {
    fake: FakeGitLab,
    state: AppState,
    bot: Arc<Bot>,
    queue: Queue,
    members: std::collections::HashMap<&'static str, u64>,
    deliveries: AtomicUsize,
}

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("gitlab-app/tests/fixtures/webhooks").join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

impl Lab {
    async fn start() -> Lab {
        let fake = FakeGitLab::start().await;
        let pool = database().await;
        let client = GitLab::connect(&ClientConfig::new(&fake.url, fake_gitlab::TOKEN)).await.unwrap();
        let state = AppState {
            pool: pool.clone(),
            secrets: None,
            gitlab: Some(WebhookVerifier::new(TOKEN, None).unwrap()),
            metrics: Arc::default(),
            wake: Arc::default(),
            per_ip: None,
            workers: Arc::default(),
        };
        let hosts = Hosts { github: None, gitlab: Some(Arc::new(client)) };
        let bot = Arc::new(Bot::new(pool.clone(), hosts));
        let mut queue = Queue::new(pool, "gitlab-worker");
        queue.backoff = std::time::Duration::ZERO;
        let members = [("dana", fake.add_member("dana", 30)), ("rita", fake.add_member("rita", 20))].into();
        Lab { fake, state, bot, queue, members, deliveries: AtomicUsize::new(0) }
    }

    fn project(&self) -> Value {
        json!({ "id": PROJECT_ID, "name": "tracker", "path_with_namespace": PROJECT_PATH,
                "web_url": format!("{}/{PROJECT_PATH}", self.fake.url), "default_branch": "main" })
    }

    /// Posts a hook as GitLab would; returns the status.
    async fn hook(&self, event: &str, key: &str, payload: &Value) -> StatusCode {
        let request = Request::post("/webhooks/gitlab")
            .header("content-type", "application/json")
            .header("x-gitlab-token", TOKEN)
            .header("x-gitlab-event", event)
            .header("idempotency-key", key)
            .body(Body::from(payload.to_string()))
            .unwrap();
        let status = router(self.state.clone()).oneshot(request).await.unwrap().status();
        while worker::run_one(&self.bot, &self.queue, &self.state).await.unwrap() {}
        status
    }

    /// `user` writes `body` on issue 3; the Note Hook comes and the workers run.
    async fn note(&self, user: &str, body: &str) -> Value {
        let id = self.fake.add_note(ISSUE, user, body);
        let mut payload = fixture("note_issue.json");
        payload["project"] = self.project();
        payload["project_id"] = json!(PROJECT_ID);
        payload["user"] = json!({ "id": self.members[user], "username": user, "name": user });
        let note = &mut payload["object_attributes"];
        note["id"] = json!(id);
        note["note"] = json!(body);
        note["url"] = json!(format!("{}/{PROJECT_PATH}/-/issues/3#note_{id}", self.fake.url));
        note["updated_at"] = json!(format!("2026-12-02 10:00:{:02} UTC", id % 60));
        payload["issue"]["iid"] = json!(3);
        payload["issue"]["title"] = json!("A tracker for small teams");
        let n = self.deliveries.fetch_add(1, Ordering::Relaxed);
        assert_eq!(self.hook("Note Hook", &format!("note-{n}"), &payload).await, StatusCode::ACCEPTED);
        payload
    }

    fn bot_notes(&self) -> Vec<String> {
        self.fake.notes(ISSUE).into_iter().filter(|n| n.author == BOT_USERNAME).map(|n| n.body).collect()
    }

    fn last(&self) -> String {
        self.bot_notes().pop().unwrap_or_default()
    }

    fn branch_files(&self) -> Vec<String> {
        self.fake.files("spec/tracker").into_iter().map(|(p, _)| p).collect()
    }

    /// A Merge Request Hook for `!1` from spec/tracker at its head.
    async fn merge_request_hook(&self, key: &str, action: &str) -> StatusCode {
        let mut payload = fixture("merge_request.json");
        payload["project"] = self.project();
        payload["user"] = json!({ "id": self.members["dana"], "username": "dana", "name": "dana" });
        let mr = &mut payload["object_attributes"];
        mr["iid"] = json!(1);
        mr["action"] = json!(action);
        mr["source_branch"] = json!("spec/tracker");
        mr["target_branch"] = json!("main");
        mr["last_commit"]["id"] = json!(self.fake.head("spec/tracker").unwrap());
        if action == "update" {
            mr["oldrev"] = json!(self.fake.head("main").unwrap());
        }
        self.hook("Merge Request Hook", key, &payload).await
    }
}

#[tokio::test]
async fn the_conversation_on_gitlab_from_new_to_a_checked_merge_request() {
    let lab = Lab::start().await;
    lab.note("dana", "/spec new tracker saas-web quick").await;
    assert!(lab.branch_files().contains(&"specs/tracker/project.md".to_owned()), "{}", lab.last());
    assert!(lab.last().contains("<!-- specbuilder:topic=question/tracker/"), "{}", lab.last());

    // Answers until auth.signup is decided: one commit each.
    let mut answered = 0;
    while !lab.branch_files().contains(&"specs/tracker/decisions/auth.signup.md".to_owned()) {
        let before = lab.fake.head("spec/tracker");
        lab.note("dana", &recommended(&lab.last())).await;
        assert_ne!(lab.fake.head("spec/tracker"), before, "{}", lab.last());
        answered += 1;
        assert!(answered < 40, "auth.signup was never asked: {}", lab.last());
    }
    let log = lab.fake.log("spec/tracker");
    assert!(log.iter().any(|m| m.starts_with("spec(tracker): auth.signup = ")), "{log:#?}");

    // A contradiction is refused side by side; nothing is committed.
    let head = lab.fake.head("spec/tracker");
    lab.note("dana", "/spec change auth.accounts shared").await;
    assert_eq!(lab.fake.head("spec/tracker"), head);
    assert!(
        lab.last().contains("| your answer | contradicts |") && lab.last().contains("auth.signup.md"),
        "{}",
        lab.last()
    );

    // A Reporter is refused politely; nothing changes.
    let said = lab.bot_notes().len();
    lab.note("rita", "/spec change auth.accounts personal").await;
    assert_eq!(lab.fake.head("spec/tracker"), head);
    assert!(lab.last().contains("needs write access"), "{}", lab.last());
    assert_eq!(lab.bot_notes().len(), said + 1);

    // The same delivery again posts nothing.
    let (said, head) = (lab.bot_notes().len(), lab.fake.head("spec/tracker"));
    let question = lab.last_question();
    let payload = lab.note("dana", &recommended(&question)).await;
    let (after, head_after) = (lab.bot_notes().len(), lab.fake.head("spec/tracker"));
    assert_ne!(head_after, head);
    let n = lab.deliveries.load(Ordering::Relaxed) - 1;
    assert_eq!(lab.hook("Note Hook", &format!("note-{n}"), &payload).await, StatusCode::ACCEPTED);
    assert_eq!(
        (lab.bot_notes().len(), lab.fake.head("spec/tracker")),
        (after, head_after),
        "a redelivery does nothing"
    );
    assert!(after > said);

    // Someone commits between the bot's read and its commit: both commits stay.
    lab.fake.move_before_next_commit("spec/tracker", &[("specs/tracker/notes.md", "theirs\n")]);
    let question = lab.last_question();
    lab.note("dana", &recommended(&question)).await;
    let log = lab.fake.log("spec/tracker");
    assert!(log.iter().any(|m| m == "Someone else's commit"), "{log:#?}");
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    assert!(lab.branch_files().contains(&format!("specs/tracker/decisions/{key}.md")), "{log:#?}");
    assert!(lab.branch_files().contains(&"specs/tracker/notes.md".to_owned()));

    // An answer whose Note Hook never came is found by the reconciler and answered.
    let before = lab.fake.head("spec/tracker");
    lab.fake.add_note(ISSUE, "dana", "/spec lock auth.accounts");
    assert_eq!(specbuilder::service::reconcile::run_once(&lab.bot).await.unwrap(), 1);
    while worker::run_one(&lab.bot, &lab.queue, &lab.state).await.unwrap() {}
    assert_ne!(lab.fake.head("spec/tracker"), before, "{}", lab.last());
    assert_eq!(specbuilder::service::reconcile::run_once(&lab.bot).await.unwrap(), 0, "nothing queued twice");

    // `/spec merge` opens a merge request; its head gets a green status.
    lab.note("dana", "/spec merge").await;
    assert!(lab.last().contains("Opened !1"), "{}", lab.last());
    assert_eq!(lab.fake.merge_requests().len(), 1);
    assert_eq!(lab.merge_request_hook("mr-open", "open").await, StatusCode::ACCEPTED);
    let head = lab.fake.head("spec/tracker").unwrap();
    let status = lab.fake.statuses().pop().expect("a status");
    assert_eq!(
        (status.sha.as_str(), status.name.as_str(), status.state.as_str()),
        (head.as_str(), "Spec Builder", "success")
    );

    // A hand-edited decision that contradicts: a failed status and discussions on both lines.
    let (_, accounts) =
        lab.fake.files("spec/tracker").into_iter().find(|(p, _)| p.ends_with("auth.accounts.md")).unwrap();
    let contradicting =
        accounts.replace("answer: personal", "answer: shared").replace("auth.accounts: true", "auth.accounts: false");
    assert_ne!(contradicting, accounts);
    lab.fake.push("spec/tracker", &[("specs/tracker/decisions/auth.accounts.md", &contradicting)], "Edit by hand");
    assert_eq!(lab.merge_request_hook("mr-push", "update").await, StatusCode::ACCEPTED);
    let status = lab.fake.statuses().pop().unwrap();
    assert_eq!((status.sha, status.state.as_str()), (lab.fake.head("spec/tracker").unwrap(), "failed"));
    let on: Vec<String> =
        lab.fake.discussions().iter().map(|d| d.position["new_path"].as_str().unwrap().to_owned()).collect();
    assert!(
        on.iter().any(|p| p.ends_with("auth.accounts.md")) && on.iter().any(|p| p.ends_with("auth.signup.md")),
        "{on:?}"
    );
    // The same push checked again: the discussions are not repeated.
    let discussions = lab.fake.discussions().len();
    assert_eq!(lab.merge_request_hook("mr-push-again", "reopen").await, StatusCode::ACCEPTED);
    assert_eq!(lab.fake.discussions().len(), discussions);
    assert_eq!(lab.fake.violations(), Vec::<String>::new());
}

impl Lab {
    /// The newest question the bot asked.
    fn last_question(&self) -> String {
        self.bot_notes().into_iter().rev().find(|n| n.contains("topic=question/")).unwrap_or_default()
    }
}
