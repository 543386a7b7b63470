//! The conversation in comments, commits, checks and the job queue.

use super::*;

#[tokio::test]
async fn a_conversation_from_new_to_merge_commits_one_answer_at_a_time() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    assert!(service.branch_files().contains(&"specs/tracker/project.md".to_owned()), "{:?}", service.branch_files());
    let first = service.last_bot_comment();
    assert!(first.contains("<!-- specbuilder:topic=question/tracker/"), "{first}");
    assert!(first.contains("Why it matters") && first.contains("recommended"), "{first}");

    // Answer every question with its first option until the bot says all is decided.
    let mut answered = Vec::new();
    for _ in 0..40 {
        let question = service.last_bot_comment();
        if question.contains("Every question of `tracker` is decided") {
            break;
        }
        let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
        let before = service.fake.head("spec/tracker");
        service.comment("dana", &recommended(&question)).await;
        assert_ne!(
            service.fake.head("spec/tracker"),
            before,
            "answering {key} committed: {}",
            service.last_bot_comment()
        );
        assert!(
            service.branch_files().contains(&format!("specs/tracker/decisions/{key}.md")),
            "{key} is on the branch; the bot said: {}",
            service.last_bot_comment()
        );
        answered.push(key);
    }
    assert!(answered.len() >= 5, "quick depth asks a handful of questions: {answered:?}");
    assert!(service.last_bot_comment().contains("is decided"), "{}", service.last_bot_comment());

    // The decisions are indexed for search.
    let hits: Vec<String> = sqlx::query_scalar(
        "SELECT key FROM decision_index WHERE search @@ plainto_tsquery('english', 'sign accounts') ORDER BY key",
    )
    .fetch_all(&service.state.pool)
    .await
    .unwrap();
    assert!(hits.contains(&"auth.accounts".to_owned()), "{hits:?}");

    // One commit per answer (besides the start and the assumptions of the quick depth).
    let log = service.fake.log("spec/tracker");
    for key in &answered {
        let commits = log.iter().filter(|m| m.starts_with(&format!("spec(tracker): {key} = "))).count();
        assert_eq!(commits, 1, "{key}: {log:#?}");
    }
    assert!(log.iter().any(|m| m.starts_with("spec(tracker): start the project")), "{log:#?}");

    service.comment("dana", "/spec generate prd schema").await;
    let generated = service.last_bot_comment();
    assert!(generated.contains("Generated prd, schema"), "{generated}");
    let files = service.branch_files();
    assert!(files.contains(&"specs/tracker/artifacts/schema.sql".to_owned()), "{files:?}");
    assert!(files.contains(&"specs/tracker/artifacts/manifest.json".to_owned()), "{files:?}");
    service.comment("dana", "/spec generate prd schema").await;
    assert!(service.last_bot_comment().contains("up to date"), "{}", service.last_bot_comment());

    service.comment("dana", "/spec merge").await;
    let pulls = service.fake.state.lock().unwrap().pulls.clone();
    assert_eq!(pulls.len(), 1);
    assert_eq!((pulls[0].head.as_str(), pulls[0].base.as_str()), ("spec/tracker", "main"));
    assert!(service.last_bot_comment().contains("Opened #1"), "{}", service.last_bot_comment());

    // The pull request's check is green.
    let head = service.fake.head("spec/tracker").unwrap();
    service.deliver("pull_request", "pr-opened", &pull_request(&head, &service.fake.head("main").unwrap())).await;
    service.work().await;
    let state = service.fake.state.lock().unwrap();
    let run = state.check_runs.last().expect("a check run");
    assert_eq!((run.head_sha.as_str(), run.conclusion.as_deref()), (head.as_str(), Some("success")));
    assert_eq!(state.violations, Vec::<String>::new());
}

#[tokio::test]
async fn a_reply_that_fits_nothing_gets_a_reason_and_nothing_is_committed() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let head = service.fake.head("spec/tracker");
    service.comment("dana", "9").await;
    assert_eq!(service.fake.head("spec/tracker"), head);
    let reason = service.last_bot_comment();
    assert!(reason.contains("I could not read that as an answer") && reason.contains("from 1 to"), "{reason}");
    service.comment("dana", "/spec new other nonsense-template").await;
    assert!(service.last_bot_comment().contains("already holds project"), "{}", service.last_bot_comment());
}

/// `/spec new` takes the CLI's flags, and starts from the repository's own templates on the
/// default branch; a broken one is named with its first error, a mistyped flag gets a suggestion.
#[tokio::test]
async fn the_bot_starts_from_a_repository_template_with_the_cli_flags() {
    let service = Service::start().await;
    let clinic =
        std::fs::read_to_string(format!("{}/tests/fixtures/templates/clinic.yaml", env!("CARGO_MANIFEST_DIR")));
    let broken = "id: broken\nname: Broken\nversion: 1\nquestions:\n- key: a.b\n  text: Q?\n  catgory: product\n";
    let clinic = clinic.unwrap();
    let files =
        [(".specbuilder/templates/clinic.yaml", clinic.as_str()), (".specbuilder/templates/broken.yaml", broken)];
    service.fake.push("main", &files, "our templates");

    service.comment("dana", "/spec new tracker --tempalte clinic").await;
    let said = service.last_bot_comment();
    assert!(said.contains("unexpected argument '--tempalte'") && said.contains("--template"), "{said}");
    service.comment("dana", "/spec new tracker --template broken").await;
    let said = service.last_bot_comment();
    assert!(said.contains("broken.yaml") && said.contains("catgory"), "{said}");
    assert_eq!(service.fake.head("spec/tracker"), None, "nothing started");

    let command =
        r#"/spec new tracker --template clinic --depth quick --targets prd --idea "Patients book visits online""#;
    service.comment("dana", command).await;
    let project = service.fake.files("spec/tracker").into_iter().find(|(p, _)| p == "specs/tracker/project.md");
    let project = project.expect("the project started").1;
    assert!(project.contains("template: clinic") && project.contains("depth: quick"), "{project}");
    assert!(project.contains("- prd") && project.contains("Patients book visits online"), "{project}");
    let question = service.last_bot_comment();
    assert!(question.contains("Who runs the clinics?"), "{question}");
    // The multi question the depth skips was assumed with its list default.
    assert!(service.branch_files().contains(&"specs/tracker/decisions/notify.channels.md".to_owned()));
}

#[tokio::test]
async fn a_secret_in_a_reply_is_refused_and_never_repeated() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    service.answer_until_decided("data.store").await;
    let head = service.fake.head("spec/tracker");
    let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    service.comment("dana", &format!("/answer data.entities Project: name; Key: value // {secret}")).await;
    assert_eq!(service.fake.head("spec/tracker"), head, "nothing committed");
    let said = service.last_bot_comment();
    assert!(said.contains("looks like a secret") && said.contains("a Stripe key"), "{said}");
    assert!(!said.contains(secret), "the bot repeated the secret: {said}");
    assert!(!service.branch_files().iter().any(|f| f.ends_with("data.entities.md")), "nothing written");
}

#[tokio::test]
async fn readers_are_refused_politely_and_bots_ignored() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let head = service.fake.head("spec/tracker");
    let comments = service.bot_comments().len();
    service.comment("eve", "1").await;
    assert_eq!(service.fake.head("spec/tracker"), head, "a reader's answer is not committed");
    assert_eq!(service.bot_comments().len(), comments, "a reader's plain words get no reply");
    service.comment("eve", "/answer 1").await;
    assert_eq!(service.fake.head("spec/tracker"), head, "a reader's answer is not committed");
    let refusal = service.last_bot_comment();
    assert!(refusal.contains("needs write access") && refusal.contains("@eve"), "{refusal}");

    service.comment("other-app[bot]", "1").await;
    assert_eq!(service.fake.head("spec/tracker"), head);
    assert_eq!(service.bot_comments().len(), comments + 1, "only the refusal was added");

    service.comment("eve", "/spec stauts").await;
    assert!(service.last_bot_comment().contains("Did you mean `/spec status`?"), "{}", service.last_bot_comment());
    service.comment("eve", "```\n/spec merge\n```").await;
    assert!(service.fake.state.lock().unwrap().pulls.is_empty(), "a command in a code block is not run");
}

#[tokio::test]
async fn a_contradiction_is_shown_side_by_side_and_nothing_is_committed() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    // auth.signup needs personal accounts: the contradiction to come.
    service.answer_until_decided("auth.signup").await;
    let head = service.fake.head("spec/tracker");
    service.comment("dana", "/spec change auth.accounts shared").await;
    assert_eq!(service.fake.head("spec/tracker"), head, "nothing committed");
    let shown = service.last_bot_comment();
    assert!(shown.contains("contradicts earlier decisions"), "{shown}");
    assert!(shown.contains("| your answer | contradicts |") && shown.contains("auth.signup.md"), "{shown}");
}

#[tokio::test]
async fn the_reconciler_answers_a_comment_whose_webhook_never_came() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let question = service.last_bot_comment();
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    // Dana answers, but GitHub never delivers the webhook.
    let lost = service.fake.add_comment(12, "dana", "1");
    assert_eq!(specbuilder::service::reconcile::run_once(&service.bot).await.unwrap(), 1);
    service.work().await;
    assert!(
        service.branch_files().contains(&format!("specs/tracker/decisions/{key}.md")),
        "{:?}",
        service.branch_files()
    );
    let asked = service.bot_comments().len();

    // Nothing is queued twice, and the late webhook for the same comment does nothing.
    assert_eq!(specbuilder::service::reconcile::run_once(&service.bot).await.unwrap(), 0);
    let head = service.fake.head("spec/tracker");
    let (status, _) = service.deliver("issue_comment", "late", &comment("dana", "1", lost)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;
    assert_eq!(service.fake.head("spec/tracker"), head, "the late webhook changed nothing");
    assert_eq!(service.bot_comments().len(), asked);
}

#[tokio::test]
async fn an_edited_answer_is_a_change_of_that_answer() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let question = service.last_bot_comment();
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    let path = format!("specs/tracker/decisions/{key}.md");
    let answer = service.comment("dana", "1").await;
    let first = service.fake.files("spec/tracker").into_iter().find(|(p, _)| *p == path).unwrap().1;
    let head = service.fake.head("spec/tracker");
    service.edit("dana", answer, "2").await;
    let second = service.fake.files("spec/tracker").into_iter().find(|(p, _)| *p == path).unwrap().1;
    assert_ne!(service.fake.head("spec/tracker"), head, "the edit was committed");
    assert_ne!(first, second, "{key} now holds the edited answer");

    // An edited command is not run again, and a reader's edit changes nothing.
    let head = service.fake.head("spec/tracker");
    service.edit("eve", answer, "3").await;
    assert_eq!(service.fake.head("spec/tracker"), head);
}

#[tokio::test]
async fn a_locked_decision_changes_only_through_a_pull_request() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let question = service.last_bot_comment();
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    service.comment("dana", &recommended(&question)).await;
    service.comment("dana", &format!("/spec lock {key}")).await;
    let path = format!("specs/tracker/decisions/{key}.md");
    let file = service.fake.files("spec/tracker").into_iter().find(|(p, _)| *p == path).unwrap().1;
    assert!(file.contains("locked: true"), "{file}");
    let head = service.fake.head("spec/tracker");
    service.comment("dana", &format!("/spec change {key} 2")).await;
    assert_eq!(service.fake.head("spec/tracker"), head);
    assert!(service.last_bot_comment().contains("is locked"), "{}", service.last_bot_comment());
    let recorded: i64 =
        sqlx::query_scalar("SELECT count(*) FROM bot_comments").fetch_one(&service.state.pool).await.unwrap();
    assert!(recorded >= 4, "the bot's comments are recorded per topic: {recorded}");
}

#[tokio::test]
async fn a_crash_between_commit_and_comment_is_recovered_without_doubles() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let before = service.bot_comments().len();
    let head = service.fake.head("spec/tracker").unwrap();
    // The commit lands, then posting the next question fails: the job fails after its commit.
    let fault = Fault { method: "POST", status: 502, headers: vec![], message: "Server Error" };
    service.fake.fail_next_on("/issues/12/comments", fault);
    let commits_before = commits_made(&service);
    service.comment("dana", "1").await;
    let job: (String, i32) = sqlx::query_as("SELECT state, attempts FROM jobs ORDER BY id DESC LIMIT 1")
        .fetch_one(&service.state.pool)
        .await
        .unwrap();
    assert_eq!(job, ("done".to_owned(), 2), "failed once, finished on the retry");
    assert_ne!(service.fake.head("spec/tracker").unwrap(), head);
    assert_eq!(commits_made(&service), commits_before + 1, "one commit for the answer, not two");
    assert_eq!(service.bot_comments().len(), before + 1, "one next question, not two");
}

#[tokio::test]
async fn a_worker_killed_right_after_its_commit_is_finished_by_the_next_run() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    service.comment("dana", "1").await;
    let (head, comments, commits) = (service.fake.head("spec/tracker"), service.bot_comments(), commits_made(&service));
    // As if the worker died after the commit landed, before it recorded anything else: only the
    // choice of question survives, and the lease ran out.
    let pool = &service.state.pool;
    let job: i64 = sqlx::query_scalar("SELECT max(id) FROM jobs").fetch_one(pool).await.unwrap();
    sqlx::query("DELETE FROM job_steps WHERE job_id = $1 AND step <> 'answers'").bind(job).execute(pool).await.unwrap();
    sqlx::query("UPDATE jobs SET state = 'running', locked_until = now() - interval '1 second' WHERE id = $1")
        .bind(job)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE conversations SET last_comment_id = 0").execute(pool).await.unwrap();
    service.work().await;
    assert_eq!(service.fake.head("spec/tracker"), head, "no second commit");
    assert_eq!(commits_made(&service), commits);
    assert_eq!(service.bot_comments(), comments, "the next question is not posted twice");
}

/// How many commits the client has made through the git data API.
fn commits_made(service: &Service) -> usize {
    let requests = service.fake.state.lock().unwrap().requests.clone();
    requests.iter().filter(|(m, p)| m == "POST" && p.ends_with("/git/commits")).count()
}

#[tokio::test]
async fn a_pull_request_with_a_contradicting_decision_gets_a_red_check_on_both_lines() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    service.answer_until_decided("auth.signup").await;
    let (_, accounts) =
        service.fake.files("spec/tracker").into_iter().find(|(p, _)| p.ends_with("auth.accounts.md")).unwrap();
    let contradicting =
        accounts.replace("answer: personal", "answer: shared").replace("auth.accounts: true", "auth.accounts: false");
    assert_ne!(contradicting, accounts);
    let head = service.fake.push(
        "spec/tracker",
        &[("specs/tracker/decisions/auth.accounts.md", &contradicting)],
        "Edit by hand",
    );
    let base = service.fake.head("main").unwrap();

    let (status, _) = service.deliver("pull_request", "pr-1", &pull_request(&head, &base)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;

    // "Re-run" on the check asks again, and gets the same answer.
    let mut rerun = fixture("check_run.rerequested.7.json");
    rerun["check_run"]["head_sha"] = json!(head);
    rerun["check_run"]["pull_requests"] = json!([{ "number": 7, "id": 7, "url": "https://api.github.com/repos/octo/tracker/pulls/7",
        "head": { "ref": "spec/tracker", "sha": head }, "base": { "ref": "main", "sha": base } }]);
    rerun["sender"] = account("dana", 3);
    repository(&mut rerun);
    let (status, _) = service.deliver("check_run", "rerun-1", &rerun).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    service.work().await;

    let state = service.fake.state.lock().unwrap();
    assert_eq!(state.check_runs.len(), 2, "checked on open and again on re-run");
    let run = state.check_runs.last().expect("a check run");
    assert_eq!((run.name.as_str(), run.head_sha.as_str()), ("Spec Builder", head.as_str()));
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    let files: Vec<&str> = run.annotations.iter().filter_map(|a| a["path"].as_str()).collect();
    assert!(files.iter().any(|f| f.ends_with("auth.accounts.md")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("auth.signup.md")), "both sides are annotated: {files:?}");
    assert_eq!(state.violations, Vec::<String>::new());
}

#[tokio::test]
async fn jobs_of_one_project_run_in_order_and_others_in_parallel() {
    let pool = database().await;
    let mut conn = pool.acquire().await.unwrap();
    for project in ["a", "a", "b"] {
        jobs::enqueue(&mut conn, "test", project, None, &json!({})).await.unwrap();
    }
    let (one, two) = (Queue::new(pool.clone(), "one"), Queue::new(pool.clone(), "two"));
    let first = one.claim().await.unwrap().unwrap();
    let second = two.claim().await.unwrap().unwrap();
    assert_eq!((first.project_key.as_str(), second.project_key.as_str()), ("a", "b"));
    assert!(one.claim().await.unwrap().is_none(), "a's second job waits for its first");
    one.finish(&first, &Outcome::Done).await.unwrap();
    let third = two.claim().await.unwrap().unwrap();
    assert_eq!((third.project_key.as_str(), third.id), ("a", first.id + 1));

    // A wait GitHub asked for is kept as given.
    let mut conn = pool.acquire().await.unwrap();
    let waiting = jobs::enqueue(&mut conn, "test", "c", None, &json!({})).await.unwrap();
    let job = loop {
        let job = two.claim().await.unwrap().unwrap();
        if job.id == waiting {
            break job;
        }
        two.finish(&job, &Outcome::Done).await.unwrap();
    };
    let hour = std::time::Duration::from_secs(3600);
    two.finish(&job, &Outcome::Retry { error: "rate limit".into(), after: Some(hour) }).await.unwrap();
    let due: f64 = sqlx::query_scalar("SELECT extract(epoch FROM run_at - now())::float8 FROM jobs WHERE id = $1")
        .bind(waiting)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!((3590.0..=3600.0).contains(&due), "due in an hour: {due}");

    // Retries back off, then the job is dead, kept with its last error.
    let mut queue = Queue::new(pool.clone(), "three");
    queue.backoff = std::time::Duration::ZERO;
    for attempt in 1..=5 {
        let job = if attempt == 1 { third.clone() } else { queue.claim().await.unwrap().unwrap() };
        assert_eq!(job.id, third.id);
        queue.finish(&job, &Outcome::Retry { error: format!("failure {attempt}"), after: None }).await.unwrap();
    }
    let (state, error): (String, String) = sqlx::query_as("SELECT state, last_error FROM jobs WHERE id = $1")
        .bind(third.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((state.as_str(), error.as_str()), ("dead", "failure 5"));
}

#[tokio::test]
async fn a_reply_starts_from_the_branch_the_last_reply_left_unless_someone_moved_it() {
    let service = Service::start().await;
    service.comment("dana", "/spec new tracker saas-web quick").await;
    let reads = || {
        let state = service.fake.state.lock().unwrap();
        state.requests.iter().filter(|(m, p)| m == "GET" && p.contains("/contents/")).count()
    };
    service.comment("dana", &recommended(&service.last_bot_comment())).await;
    let before = reads();
    let head = service.fake.head("spec/tracker");
    service.comment("dana", &recommended(&service.last_bot_comment())).await;
    assert_ne!(service.fake.head("spec/tracker"), head, "the answer committed");
    assert_eq!(reads(), before, "no file was read: the branch was kept as the last reply left it");
    assert_eq!(service.bot.branches.len(), 1);

    // Someone else commits the open question's decision: the next reply reads the branch again.
    let question = service.last_bot_comment();
    let key = question.split("` · ").next().unwrap().rsplit('`').next().unwrap().to_owned();
    let path = format!("specs/tracker/decisions/{key}.md");
    let text =
        format!("---\nkey: {key}\nquestion: Decided by hand\nformat: text\nanswer: by hand\nstatus: accepted\n---\n");
    service.fake.push("spec/tracker", &[(path.as_str(), text.as_str())], "by hand");
    service.comment("dana", &format!("/answer {key} {}", recommended(&question))).await;
    assert!(reads() > before, "the moved branch was read again");
    let said = service.last_bot_comment();
    assert!(said.contains(&format!("`{key}` is decided already")), "the hand-made decision counts: {said}");
}
