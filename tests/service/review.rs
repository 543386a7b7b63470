//! What a spec pull request means, on the fake GitHub: one review comment per pull request kept
//! current across pushes, overlap notes between pull requests that change the same decision, and
//! tickets pushed to issues idempotently with drift reported, never overwritten.

use super::*;

const PROJECT: &str = "---\nname: Tracker\n---\nA tracker.\n";

fn decision(key: &str, answer: &str) -> String {
    format!(
        "---\nkey: {key}\nquestion: What about {key}?\nformat: single\noptions:\n- id: a\n  label: Option A\n  facts:\n    {key}: a\n- id: b\n  label: Option B\n  facts:\n    {key}: b\n- id: c\n  label: Option C\n  facts:\n    {key}: c\nanswer: {answer}\nstatus: accepted\nanswered_by: github:dana\n---\n"
    )
}

/// `main` with a small project: two decisions.
fn seed(service: &Service) -> String {
    let signup = decision("auth.signup", "a");
    let digest = decision("notify.digest", "a");
    service.fake.push(
        "main",
        &[
            ("specs/tracker/project.md", PROJECT),
            ("specs/tracker/decisions/auth.signup.md", &signup),
            ("specs/tracker/decisions/notify.digest.md", &digest),
        ],
        "the spec",
    )
}

/// GitHub's recorded `pull_request` delivery for pull request `number` from `branch`, as `action`.
fn pull_event(service: &Service, number: u64, branch: &str, action: &str) -> Value {
    let mut payload = fixture("pull_request.opened.0.json");
    payload["action"] = json!(action);
    payload["number"] = json!(number);
    payload["pull_request"]["number"] = json!(number);
    payload["pull_request"]["head"]["sha"] = json!(service.fake.head(branch).unwrap());
    payload["pull_request"]["head"]["ref"] = json!(branch);
    payload["pull_request"]["base"]["sha"] = json!(service.fake.head("main").unwrap());
    payload["pull_request"]["base"]["ref"] = json!("main");
    payload["pull_request"]["merged"] = json!(action == "closed");
    payload["repository"]["html_url"] = json!("https://github.com/octo/tracker");
    payload["sender"] = account("dana", 3);
    repository(&mut payload);
    payload
}

async fn deliver_pull(service: &Service, number: u64, branch: &str, action: &str) {
    let n = service.deliveries.fetch_add(1, Ordering::Relaxed);
    let (status, answer) =
        service.deliver("pull_request", &format!("pr-{n}"), &pull_event(service, number, branch, action)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    service.work().await;
}

fn bot_comments_on(service: &Service, number: u64) -> Vec<String> {
    service.fake.comments(number).into_iter().filter(|c| c.login == "specbuilder[bot]").map(|c| c.body).collect()
}

fn with_topic(service: &Service, number: u64, topic: &str) -> Vec<String> {
    let marker = format!("<!-- specbuilder:topic={topic} -->");
    bot_comments_on(service, number).into_iter().filter(|c| c.contains(&marker)).collect()
}

#[tokio::test]
async fn a_pull_request_gets_one_review_comment_kept_current_across_pushes() {
    let service = Service::start().await;
    seed(&service);
    let b = decision("auth.signup", "b");
    service.fake.branch("signup", "main");
    service.fake.push("signup", &[("specs/tracker/decisions/auth.signup.md", &b)], "signup b");
    let number = service.fake.open_pull("signup", "main", "Sign-up b");
    deliver_pull(&service, number, "signup", "opened").await;
    let reviews = with_topic(&service, number, "review");
    assert_eq!(reviews.len(), 1, "{:?}", bot_comments_on(&service, number));
    assert!(reviews[0].contains("changed [`auth.signup`](https://github.com/octo/tracker/blob/"), "{}", reviews[0]);
    assert!(reviews[0].contains("Option A → **Option B** — by github:dana"), "{}", reviews[0]);

    let c = decision("auth.signup", "c");
    service.fake.push("signup", &[("specs/tracker/decisions/auth.signup.md", &c)], "signup c");
    deliver_pull(&service, number, "signup", "synchronize").await;
    let added = decision("ui.theme", "a");
    service.fake.push("signup", &[("specs/tracker/decisions/ui.theme.md", &added)], "a theme");
    deliver_pull(&service, number, "signup", "synchronize").await;

    let reviews = with_topic(&service, number, "review");
    assert_eq!(reviews.len(), 1, "one comment, edited on each push: {:?}", bot_comments_on(&service, number));
    assert!(reviews[0].contains("Option A → **Option C**"), "{}", reviews[0]);
    assert!(reviews[0].contains("added [`ui.theme`]"), "the third push shows: {}", reviews[0]);
    assert!(!reviews[0].contains("notify.digest"), "untouched decisions are not mentioned: {}", reviews[0]);
    assert_eq!(bot_comments_on(&service, number).len(), 1, "no overlap note with nothing to overlap");

    // Asked again: the same comment, and the check run again.
    let runs = service.fake.state.lock().unwrap().check_runs.len();
    let id = service.fake.add_comment(number, "dana", "/spec review");
    let mut payload = comment("dana", "/spec review", id);
    payload["issue"]["number"] = json!(number);
    payload["issue"]["pull_request"] =
        json!({ "url": format!("https://api.github.com/repos/octo/tracker/pulls/{number}") });
    service.deliver("issue_comment", "review-again", &payload).await;
    service.work().await;
    assert_eq!(with_topic(&service, number, "review").len(), 1);
    assert_eq!(service.fake.state.lock().unwrap().check_runs.len(), runs + 1);
    assert_eq!(service.fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn two_pull_requests_changing_one_decision_are_told_of_each_other_until_one_merges() {
    let service = Service::start().await;
    seed(&service);
    let b = decision("auth.signup", "b");
    let c = decision("auth.signup", "c");
    let digest = decision("notify.digest", "b");
    for branch in ["one", "two", "apart"] {
        service.fake.branch(branch, "main");
    }
    service.fake.push("one", &[("specs/tracker/decisions/auth.signup.md", &b)], "one");
    service.fake.push("two", &[("specs/tracker/decisions/auth.signup.md", &c)], "two");
    service.fake.push("apart", &[("specs/tracker/decisions/notify.digest.md", &digest)], "apart");
    let one = service.fake.open_pull("one", "main", "One");
    let two = service.fake.open_pull("two", "main", "Two");
    let apart = service.fake.open_pull("apart", "main", "Apart");
    for (number, branch) in [(one, "one"), (two, "two"), (apart, "apart")] {
        deliver_pull(&service, number, branch, "opened").await;
    }
    let on_one = with_topic(&service, one, "overlap");
    let on_two = with_topic(&service, two, "overlap");
    assert_eq!((on_one.len(), on_two.len()), (1, 1), "{on_one:?} {on_two:?}");
    assert!(on_one[0].contains(&format!("#{two} also changes `tracker/auth.signup`")), "{}", on_one[0]);
    assert!(on_two[0].contains(&format!("#{one} also changes `tracker/auth.signup`")), "{}", on_two[0]);
    assert!(with_topic(&service, apart, "overlap").is_empty(), "a change to another decision overlaps nothing");

    // A second push to one keeps one note each, not a new one.
    let b2 = b.replace("answered_by: github:dana", "answered_by: github:ben");
    service.fake.push("one", &[("specs/tracker/decisions/auth.signup.md", &b2)], "one again");
    deliver_pull(&service, one, "one", "synchronize").await;
    assert_eq!(with_topic(&service, two, "overlap").len(), 1);

    service.fake.close_pull(one);
    deliver_pull(&service, one, "one", "closed").await;
    assert!(with_topic(&service, two, "overlap").is_empty(), "{:?}", bot_comments_on(&service, two));
    assert!(with_topic(&service, one, "overlap").is_empty(), "{:?}", bot_comments_on(&service, one));

    // A push that takes the spec change back: the review says so, and two overlaps with nothing.
    service.fake.push("two", &[("specs/tracker/decisions/auth.signup.md", &decision("auth.signup", "a"))], "undo");
    deliver_pull(&service, two, "two", "synchronize").await;
    let review = with_topic(&service, two, "review");
    assert_eq!(review.len(), 1);
    assert!(review[0].contains("no longer changes any spec file"), "{}", review[0]);
    assert_eq!(service.fake.violations(), Vec::<String>::new());
}

fn tickets(second_title: &str) -> String {
    tickets_up_to(3, second_title)
}

fn tickets_up_to(count: usize, second_title: &str) -> String {
    let ticket = |id: &str, title: &str, depends: &str| {
        json!({ "title": format!("{id} {title}"), "labels": ["spec", "backend", "size:S"],
                "body": format!("**Delivers:** {title}\n\n### Acceptance criteria\n\n- [ ] it works\n{depends}") })
    };
    let mut list = vec![
        ticket("T001", "Create the users table", ""),
        ticket("T002", second_title, "\nDepends on: T001"),
        ticket("T003", "Invite a colleague", "\nDepends on: T001, T002"),
    ];
    list.truncate(count);
    serde_json::to_string_pretty(&list).unwrap()
}

#[tokio::test]
async fn tickets_become_issues_once_changes_update_them_and_drift_is_left_alone() {
    let service = Service::start().await;
    seed(&service);
    let path = "specs/tracker/artifacts/tickets/github-issues.json";
    service.fake.push("main", &[(path, &tickets("Sign up with an email"))], "tickets");

    service.comment("dana", "/spec export issues --dry-run").await;
    assert!(service.last_bot_comment().contains("would create 3"), "{}", service.last_bot_comment());
    assert!(service.fake.issues().is_empty(), "a dry run creates nothing");

    service.comment("dana", "/spec export issues").await;
    let issues = service.fake.issues();
    assert_eq!(issues.len(), 3, "{}", service.last_bot_comment());
    let number = |id: &str| issues.iter().find(|i| i.title.starts_with(id)).unwrap().number;
    let third = &issues[2];
    assert!(third.body.contains("- [ ] it works"), "the acceptance criteria are a task list: {}", third.body);
    assert!(
        third.body.contains(&format!("Depends on: T001 (#{}), T002 (#{})", number("T001"), number("T002"))),
        "{}",
        third.body
    );
    assert!(third.body.contains("<!-- specbuilder:ticket project=tracker id=T003 sha="), "{}", third.body);
    assert_eq!(third.labels, ["spec", "backend", "size:S"]);

    service.comment("dana", "/spec export issues").await;
    assert_eq!(service.fake.issues().len(), 3, "run again, nothing twice");
    assert!(service.last_bot_comment().contains("created 0, updated 0, 3 unchanged"), "{}", service.last_bot_comment());

    service.fake.push("main", &[(path, &tickets("Sign up with a magic link"))], "tickets changed");
    service.comment("dana", "/spec export issues").await;
    assert!(service.last_bot_comment().contains("created 0, updated 1"), "{}", service.last_bot_comment());
    let second = service.fake.issues().into_iter().find(|i| i.number == number("T002")).unwrap();
    assert_eq!(second.title, "T002 Sign up with a magic link");

    // People close one and rewrite another; the next push reports both and leaves them be.
    service.fake.edit_issue(number("T001"), |i| i.open = false);
    service.fake.edit_issue(number("T003"), |i| i.body = i.body.replace("- [ ] it works", "- [x] it works, says Ben"));
    service.fake.push("main", &[(path, &tickets("Sign up with a passkey"))], "tickets changed again");
    service.comment("dana", "/spec export issues").await;
    let said = service.last_bot_comment();
    assert!(said.contains(&format!("#{} (`T001`) is closed while its ticket still stands", number("T001"))), "{said}");
    assert!(said.contains(&format!("#{} (`T003`) was edited by hand", number("T003"))), "{said}");
    assert!(said.contains("-- [x] it works, says Ben") && said.contains("+- [ ] it works"), "the difference: {said}");
    let after = service.fake.issues();
    assert!(!after[0].open, "left closed");
    assert!(after[2].body.contains("says Ben"), "the hand edit is kept");
    assert_eq!(after[1].title, "T002 Sign up with a passkey", "the rest is still kept current");

    // A ticket dropped from the plan: its open issue is reported, and stays open.
    service.fake.push("main", &[(path, &tickets_up_to(2, "Sign up with a passkey"))], "T003 dropped");
    service.comment("dana", "/spec export issues").await;
    let said = service.last_bot_comment();
    assert!(said.contains(&format!("#{} (`T003`) is open but its ticket was removed", number("T003"))), "{said}");
    assert!(service.fake.issues()[2].open, "left open");

    // A reader may look, not push.
    service.fake.state.lock().unwrap().roles.insert("ben".into(), "read".into());
    service.comment("ben", "/spec export issues").await;
    assert!(service.last_bot_comment().contains("needs write access"), "{}", service.last_bot_comment());
    assert_eq!(service.fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_review_too_long_for_one_comment_is_cut_and_split_never_refused() {
    let service = Service::start().await;
    // 300 decisions whose answers are long labels: the change is far bigger than one comment.
    let long = |key: &str, choice: &str| {
        let label = |o: &str| format!("Option {o}, {}", "a very long option label that says a great deal ".repeat(40));
        format!(
            "---\nkey: {key}\nquestion: What about {key}?\nformat: single\noptions:\n- id: a\n  label: {}\n- id: b\n  label: {}\nanswer: {choice}\nstatus: accepted\n---\n",
            label("A"),
            label("B")
        )
    };
    let keys: Vec<String> = (0..300).map(|i| format!("area.q{i}")).collect();
    let before: Vec<(String, String)> =
        keys.iter().map(|k| (format!("specs/tracker/decisions/{k}.md"), long(k, "a"))).collect();
    let mut files: Vec<(&str, &str)> = before.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    files.push(("specs/tracker/project.md", PROJECT));
    service.fake.push("main", &files, "the spec");
    service.fake.branch("big", "main");
    let after: Vec<(String, String)> =
        keys.iter().map(|k| (format!("specs/tracker/decisions/{k}.md"), long(k, "b"))).collect();
    let files: Vec<(&str, &str)> = after.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    service.fake.push("big", &files, "every answer changes");
    let number = service.fake.open_pull("big", "main", "Everything");
    deliver_pull(&service, number, "big", "opened").await;

    let parts: Vec<String> = (bot_comments_on(&service, number).into_iter())
        .filter(|c| c.contains("<!-- specbuilder:topic=review"))
        .collect();
    assert!(parts.len() >= 2, "split across comments: {} part(s)", parts.len());
    assert!(parts.iter().all(|p| p.chars().count() <= 65_536), "each part fits GitHub's limit");
    let whole = parts.concat();
    assert!(whole.contains("### Spec review: 300 decisions changed"), "the headline counts them all");
    assert!(whole.contains("… and 275 more: `specbuilder review --base"), "the rest is counted, with the command");

    // Back to a small change: one comment again, the old second part gone.
    let small: Vec<(String, String)> = (keys.iter().enumerate())
        .map(|(i, k)| (format!("specs/tracker/decisions/{k}.md"), long(k, if i == 0 { "b" } else { "a" })))
        .collect();
    let files: Vec<(&str, &str)> = small.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    service.fake.push("big", &files, "only the first changes");
    deliver_pull(&service, number, "big", "synchronize").await;
    let parts: Vec<String> = (bot_comments_on(&service, number).into_iter())
        .filter(|c| c.contains("<!-- specbuilder:topic=review"))
        .collect();
    assert_eq!(parts.len(), 1, "{:?}", parts.iter().map(|p| p.len()).collect::<Vec<_>>());
    assert!(parts[0].contains("### Spec review: 1 decision changed"), "{}", &parts[0][..200]);
    assert_eq!(service.fake.violations(), Vec::<String>::new());
}
