//! One comment's job: who said what where, and what the bot does about it — start a project,
//! read an answer, change, lock, generate, merge — with every effect recorded so a run after a
//! crash does nothing twice.

use super::{Bot, Failure, Result, commands, once, provenance, remote, render, to_writes};
use crate::conversation::{Branch, Prepared};
use crate::engine::{Catalog, Plan, record, reply};
use crate::forge::event::CommentEvent;
use crate::forge::{CommitId, Forge, ForgeError, Head, HostedForge};
use crate::grammar::{GenerateOptions, NewOptions};
use crate::service::jobs::{Job, Queue};
use commands::Command;
use serde_json::{Value, json};
use spec_format::model::{Answer, Status};
use spec_format::{Code, write};
use sqlx::Row;

mod branch;
mod start;
mod tracker;

/// Picks a conversation by its thread: host `$1`, owner `$2`, repository `$3`, thread kind `$4`
/// and number `$5`.
const THREAD: &str = "WHERE host = $1 AND owner = $2 AND repo = $3 AND thread_kind = $4 AND issue_number = $5";

/// A project conversation row.
struct Started {
    id: i64,
    slug: String,
    branch: String,
    base_branch: String,
    /// The newest comment of the conversation the bot has handled.
    last_comment_id: i64,
}

/// One comment's job: who said what where.
pub(super) struct Conversation<'a> {
    bot: &'a Bot,
    queue: &'a Queue,
    job: &'a Job,
    forge: HostedForge,
    event: &'a CommentEvent,
    project: Option<Started>,
}

impl<'a> Conversation<'a> {
    pub(super) async fn for_comment(
        bot: &'a Bot,
        queue: &'a Queue,
        job: &'a Job,
        event: &'a CommentEvent,
    ) -> Result<Self> {
        let forge = bot.hosts.forge(&event.repo)?;
        let row =
            sqlx::query(&format!("SELECT id, slug, branch, base_branch, last_comment_id FROM conversations {THREAD}"))
                .bind(event.repo.host.as_str())
                .bind(&event.repo.owner)
                .bind(&event.repo.name)
                .bind(event.thread.kind())
                .bind(event.thread.number() as i64)
                .fetch_optional(&bot.pool)
                .await?;
        let project = row.map(|r| Started {
            id: r.get("id"),
            slug: r.get("slug"),
            branch: r.get("branch"),
            base_branch: r.get("base_branch"),
            last_comment_id: r.get("last_comment_id"),
        });
        Ok(Conversation { bot, queue, job, forge, event, project })
    }

    /// Who acted: the comment's author when it was created, the person who edited it when
    /// edited: permission is checked, and the answer recorded, against them.
    fn login(&self) -> &str {
        &self.event.actor
    }

    /// The person acting, as decisions and the audit log name them (`github:octocat`).
    fn actor(&self) -> String {
        format!("{}:{}", self.event.repo.host, self.login())
    }

    /// Handles the comment once: a comment the conversation has handled already (its webhook
    /// came after the reconciler queued it, or twice) does nothing.
    pub(super) async fn handle(self) -> Result<()> {
        let created = !self.event.edited;
        let id = self.event.comment as i64;
        if created && self.project.as_ref().is_some_and(|p| id <= p.last_comment_id) {
            return Ok(());
        }
        let (pool, event) = (self.bot.pool.clone(), self.event);
        match self.respond().await {
            // It will never work: say why rather than go quiet (then the job is dead-lettered).
            Err(Failure::Fail(reason)) => {
                let text = format!("I could not do that: {}", render::escape(&reason));
                self.say("error", &text).await?;
                return Err(Failure::Fail(reason));
            }
            other => other?,
        }
        if created {
            let set = "UPDATE conversations SET last_comment_id = GREATEST(last_comment_id, $6), updated_at = now()";
            sqlx::query(&format!("{set} {THREAD}"))
                .bind(event.repo.host.as_str())
                .bind(&event.repo.owner)
                .bind(&event.repo.name)
                .bind(event.thread.kind())
                .bind(event.thread.number() as i64)
                .bind(id)
                .execute(&pool)
                .await?;
        }
        Ok(())
    }

    async fn respond(&self) -> Result<()> {
        let body = self.event.body.as_str();
        let Some(command) = commands::parse(body) else { return Ok(()) };
        let plain_reply = matches!(command, Command::Reply { .. });
        if plain_reply && self.project.is_none() {
            return Ok(()); // people talking on an issue without a project
        }
        if plain_reply && !self.may_write().await? {
            return Ok(()); // a reader talking: only a command of theirs gets a refusal
        }
        if self.event.edited {
            // An edited answer is a change of that answer; an edited command is not run again.
            return match command {
                Command::Answer { reply, .. } | Command::Reply { reply } if self.may_write().await? => {
                    self.edited(&reply).await
                }
                Command::Answer { .. } => self.refuse().await,
                _ => Ok(()),
            };
        }
        if command.writes() && !self.may_write().await? {
            return self.refuse().await;
        }
        match command {
            Command::Help => self.say("help", render::HELP).await,
            Command::Unknown { given, suggestion } => {
                let hint = suggestion.map(|s| format!(" Did you mean `{s}`?")).unwrap_or_default();
                self.say(
                    "unknown",
                    &format!("I don't know `{}`.{hint} `/spec help` lists what I can do.", render::escape(&given)),
                )
                .await
            }
            Command::Invalid { message } => self.say("invalid", &render::code_block(&message)).await,
            Command::New(options) => self.start(&options).await,
            Command::Answer { key, reply } => self.answer(key.as_deref(), Reply::Text(&reply)).await,
            Command::Reply { reply } => self.answer(None, Reply::Text(&reply)).await,
            Command::Skip => self.answer(None, Reply::Skip).await,
            Command::Defer => self.answer(None, Reply::Defer).await,
            Command::Change { key, reply } => self.change(&key, &reply).await,
            Command::Status => self.status().await,
            Command::Why { key } => self.why(&key).await,
            Command::Branch => match &self.project {
                Some(p) => self.say("branch", &format!("The spec lives on branch `{}`.", p.branch)).await,
                None => self.no_project().await,
            },
            Command::Merge => self.merge().await,
            Command::Lock { key } => self.lock(&key).await,
            Command::Generate(options) => self.generate(&options).await,
            Command::Review => self.review().await,
            Command::Export(options) => self.export(&options).await,
        }
    }

    /// Whether the person acting may change the spec; asked of the host at most once a minute
    /// per repository, installation and person.
    async fn may_write(&self) -> Result<bool> {
        let repo = &self.event.repo;
        let key = (repo.key(), repo.installation, self.login().to_owned());
        if let Some(permission) = self.bot.permissions.get(&key) {
            return Ok(permission.can_write());
        }
        let permission = self.forge.permission(self.login(), self.event.actor_id).await?;
        self.bot.permissions.put(key, permission);
        Ok(permission.can_write())
    }

    async fn refuse(&self) -> Result<()> {
        self.audit("refused", json!({ "comment": self.event.comment })).await?;
        let text = format!(
            "Thanks, @{} — answering and changing this spec needs write access to the repository, so I left it as it is. \
             A maintainer can answer, or give you access.",
            self.login()
        );
        self.say("refused", &text).await
    }

    /// Posts (once per job and topic) a comment on the issue; topics are per comment, so each
    /// command gets its own reply.
    async fn say(&self, topic: &str, body: &str) -> Result<()> {
        let topic = format!("{topic}/{}", self.event.comment);
        self.post(&topic, body).await
    }

    async fn post(&self, topic: &str, body: &str) -> Result<()> {
        let step = format!("comment:{topic}");
        let (thread, repo) = (self.event.thread, &self.event.repo);
        // The comment this topic already has, as we recorded it: edited without reading the thread.
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT b.comment_id FROM bot_comments b JOIN conversations c ON c.id = b.conversation_id
             WHERE c.host = $1 AND c.owner = $2 AND c.repo = $3 AND c.thread_kind = $4 AND c.issue_number = $5
               AND b.topic = $6",
        )
        .bind(repo.host.as_str())
        .bind(&repo.owner)
        .bind(&repo.name)
        .bind(thread.kind())
        .bind(thread.number() as i64)
        .bind(topic)
        .fetch_optional(&self.bot.pool)
        .await?;
        let known = known.map(|id| id as u64);
        let id: u64 = once(self.queue, self.job, &step, async {
            Ok(self.forge.upsert_comment(thread, topic, body, known).await?)
        })
        .await?;
        // Which comment says what, for the conversation's record.
        let insert =
            "INSERT INTO bot_comments (conversation_id, topic, comment_id) SELECT id, $6, $7 FROM conversations";
        sqlx::query(&format!(
            "{insert} {THREAD}
             ON CONFLICT (conversation_id, topic) DO UPDATE SET comment_id = EXCLUDED.comment_id, posted_at = now()"
        ))
        .bind(repo.host.as_str())
        .bind(&repo.owner)
        .bind(&repo.name)
        .bind(thread.kind())
        .bind(thread.number() as i64)
        .bind(topic)
        .bind(id as i64)
        .execute(&self.bot.pool)
        .await?;
        Ok(())
    }

    async fn audit(&self, action: &str, detail: Value) -> Result<()> {
        sqlx::query("INSERT INTO audit_log (actor, action, repository, detail) VALUES ($1, $2, $3, $4)")
            .bind(self.actor())
            .bind(action)
            .bind(self.event.repo.full_name())
            .bind(detail)
            .execute(&self.bot.pool)
            .await?;
        Ok(())
    }

    /// The project's branch as it stands now, and its head: as the last reply left it when
    /// nobody moved it since, else read.
    async fn read_branch(&self, project: &Started) -> Result<(Branch, CommitId)> {
        let Some(head) = self.forge.branch_head(&project.branch).await? else {
            return Err(Failure::Fail(format!("branch `{}` is gone", project.branch)));
        };
        let repo = self.event.repo.key();
        if let Some(warm) = self.bot.branches.take(&repo, &project.branch, &head.0) {
            return Ok((warm, head));
        }
        Ok((remote::branch(&self.forge, &self.bot.cache, &project.slug, &head.0, &self.bot.limits).await?, head))
    }

    /// Keeps `branch`, as it stands at `head`, for the next reply.
    fn keep(&self, branch: Branch, head: &CommitId) {
        self.bot.branches.keep(&self.event.repo.key(), branch, &head.0);
    }

    async fn no_project(&self) -> Result<()> {
        self.say("none", "There is no project on this issue yet. Start one with `/spec new <slug> [template]`.").await
    }

    /// Commits the assumptions the project's depth makes, until none apply.
    async fn assume(&self, mut branch: Branch, mut head: CommitId) -> Result<(Branch, CommitId)> {
        for _ in 0..64 {
            let by = || provenance(&format!("{}:specbuilder", self.event.repo.host), None);
            let Some(assumptions) = branch.skipped_assumptions(by)? else { break };
            let writes = to_writes(&assumptions.files);
            head =
                self.forge.commit_files(&branch.branch, &Head::At(head.clone()), &writes, &assumptions.message).await?;
            branch = branch.with_files(&assumptions.files);
        }
        Ok((branch, head))
    }

    /// Says a reply was not recorded because it holds a secret: what kind and where, never it.
    async fn refuse_secret(&self, key: &str, found: &[String]) -> Result<()> {
        let found: Vec<String> = found.iter().map(|f| format!("- {}", render::escape(f))).collect();
        let text = format!(
            "I did not record that: it holds what looks like a secret.\n\n{}\n\nPlease delete your comment and rotate \
             the secret; the spec should name where a secret lives (such as `STRIPE_SECRET_KEY`), never its value.",
            found.join("\n")
        );
        self.audit("secret-refused", json!({ "key": key })).await?;
        self.say("secret", &text).await
    }

    async fn ask_next(&self, branch: &Branch) -> Result<()> {
        let template = branch.template()?;
        let project = branch.project()?;
        let plan = Plan::new(template, project);
        let slug = &branch.slug;
        match branch.next_question()? {
            Some(q) => {
                let remaining = plan.progress().iter().map(|t| t.blockers.len()).max().unwrap_or(1).max(1);
                self.post(&format!("question/{slug}/{}", q.key), &render::question(slug, &q, remaining)).await
            }
            None => {
                let text = format!("Every question of `{slug}` is decided. `/spec merge` opens the pull request.");
                self.post(&format!("done/{slug}"), &text).await
            }
        }
    }

    async fn answer(&self, key: Option<&str>, reply: Reply<'_>) -> Result<()> {
        let Some(project) = &self.project else { return self.no_project().await };
        // Before anything reads the reply (a parse error would quote it): no secret goes on.
        if let Reply::Text(text) = &reply
            && let Some(secret) = spec_format::secrets::scan(text).first()
        {
            return self.refuse_secret(key.unwrap_or("the question"), &[secret.describe(text)]).await;
        }
        let (branch, head) = self.read_branch(project).await?;
        // Which question this answers is decided once: a run after a crash must not apply the
        // reply to the question that came after.
        let rerun = self.queue.step(self.job, "answers").await?.is_some();
        let key: String = once(self.queue, self.job, "answers", async {
            match key {
                Some(key) => Ok(key.to_owned()),
                None => {
                    let plan = Plan::new(branch.template()?, branch.project()?);
                    Ok(plan.next_question().map(|q| q.key.to_owned()).unwrap_or_default())
                }
            }
        })
        .await?;
        if key.is_empty() {
            return self
                .say("nothing", "Every question is decided already; `/spec change <key> <reply>` replaces an answer.")
                .await;
        }
        if let Some(done) = branch.decision(&key)?.filter(|d| d.decision().status.is_in_force()) {
            if rerun {
                // This job committed it before it was stopped, or on a host that cannot refuse a
                // moved branch, on top of someone else's commit: both are kept, and if together
                // they contradict, the conversation says so. Then what came after.
                if let Prepared::Contradiction { findings, .. } = branch.prepare(done.decision())? {
                    let proposed =
                        done.decision().answer.as_ref().map(|a| format!("{key} = {a}")).unwrap_or(key.clone());
                    let text = format!(
                        "Someone else committed to `{}` while I recorded `{key}`; both commits are kept, but \
                         together they contradict.\n\n{}",
                        branch.branch,
                        render::side_by_side(&findings, &proposed)
                    );
                    self.say("moved", &text).await?;
                }
                self.index(&branch, done.decision(), &head.0).await?;
                let (branch, head) = self.assume(branch, head).await?;
                self.ask_next(&branch).await?;
                self.keep(branch, &head);
                return Ok(());
            }
            let text = format!("`{key}` is decided already; `/spec change {key} <reply>` replaces the answer.");
            return self.say("decided", &text).await;
        }
        self.record(branch, head, &key, reply, Status::Accepted).await
    }

    /// The comment that answered a question was edited: record the new text as a change of the
    /// decision that comment made (found by its `source`).
    async fn edited(&self, reply: &str) -> Result<()> {
        let Some(project) = &self.project else { return Ok(()) };
        let Some(url) = &self.event.url else { return Ok(()) };
        let (branch, _) = self.read_branch(project).await?;
        let made = (branch.project()?.decisions.iter())
            .find(|d| d.decision().source.as_deref() == Some(url.as_str()))
            .map(|d| d.decision().key.clone());
        match made {
            Some(key) => self.change(&key, reply).await,
            // It answered nothing before: now it is a reply like any other, from whoever edited it.
            None => self.answer(None, Reply::Text(reply)).await,
        }
    }

    async fn change(&self, key: &str, reply: &str) -> Result<()> {
        let Some(project) = &self.project else { return self.no_project().await };
        let (branch, head) = self.read_branch(project).await?;
        if branch.decision(key)?.is_some_and(|d| d.decision().locked) {
            return self.say("locked", &format!("`{key}` is locked; it changes only through a pull request.")).await;
        }
        self.record(branch, head, key, Reply::Text(reply), Status::Accepted).await
    }

    /// Reads the reply against the question, checks it against the branch and commits it; a
    /// contradiction is shown side by side and nothing is committed.
    async fn record(&self, branch: Branch, head: CommitId, key: &str, reply: Reply<'_>, status: Status) -> Result<()> {
        // Whatever its status and whichever command reaches here, a locked decision stays.
        if branch.decision(key)?.is_some_and(|d| d.decision().locked) {
            let text = format!("`{}` is locked; it changes only through a pull request.", render::escape(key));
            return self.say("locked", &text).await;
        }
        let template = branch.template()?;
        let Some(q) = template.questions.iter().find(|q| q.key == key) else {
            let hint = spec_format::ident::did_you_mean(key, template.questions.iter().map(|q| q.key.as_str()))
                .map(|s| format!(" Did you mean `{s}`?"))
                .unwrap_or_default();
            return self.say("key", &format!("There is no question `{}`.{hint}", render::escape(key))).await;
        };
        let by = provenance(&self.actor(), self.event.url.clone());
        let decision = match reply {
            Reply::Text(text) if key == crate::generate::spec::ENTITIES_KEY && !text.trim().starts_with("other:") => {
                if let Err(error) = crate::generate::entities::parse(text) {
                    let text = format!(
                        "I could not read those entities: {error}. Example: `Project: name!; Task: title, done:bool, project:Project`"
                    );
                    return self.say("reply", &text).await;
                }
                record::decision(q, Some(Answer::Text(text.trim().to_owned())), status, None, by)
            }
            Reply::Text(text) => match reply::parse(q, text) {
                Ok(answer) => record::decision(q, Some(answer), status, None, by),
                Err(error) => {
                    let text = format!("I could not read that as an answer to `{key}`: {error}.");
                    return self.say("reply", &render::escape(&text)).await;
                }
            },
            // The recommendation, or the nearest answer the rules allow when it contradicts.
            Reply::Skip => {
                let plan = Plan::new(branch.template()?, branch.project()?);
                let Some((default, why)) = plan.recommendation(q) else {
                    return self.say("skip", &format!("`{key}` has no default to take; answer it or `/defer`.")).await;
                };
                let reason = format!("skipped by @{}: {}", self.login(), why.unwrap_or("the template default"));
                let index = branch.fact_index()?;
                let path = branch.decision_path(key)?;
                let make = || by.clone();
                match crate::conversation::consistent_assumption(q, default, &reason, index, &path, &make)? {
                    Some((_, doc)) => doc.doc.value,
                    None => {
                        let text =
                            format!("Every option of `{key}` contradicts what is decided; answer it or `/defer`.");
                        return self.say("skip", &text).await;
                    }
                }
            }
            Reply::Defer => record::decision(q, None, Status::Deferred, None, by),
        };
        let (files, note) = match branch.prepare(&decision)? {
            Prepared::Ready { path, bytes, revised } => {
                let note = crate::conversation::revised_note(&revised);
                (Prepared::files(path, bytes, revised), note)
            }
            Prepared::Contradiction { findings, .. } if findings.iter().any(|f| f.code == Code::SecretInSpec) => {
                let found: Vec<String> =
                    findings.iter().filter(|f| f.code == Code::SecretInSpec).map(|f| f.message.clone()).collect();
                return self.refuse_secret(key, &found).await;
            }
            Prepared::Contradiction { findings, .. } => {
                let proposed =
                    decision.answer.as_ref().map(|a| format!("{key} = {a}")).unwrap_or_else(|| key.to_owned());
                self.audit("contradiction", json!({ "key": key })).await?;
                self.say("contradiction", &render::contradiction(key, &findings, &proposed)).await?;
                self.keep(branch, &head);
                return Ok(());
            }
        };
        let message = format!("spec({}): {}{note}", branch.slug, record::summary(&decision));
        let committed: String = once(self.queue, self.job, "commit", async {
            let writes = to_writes(&files);
            Ok(self.forge.commit_files(&branch.branch, &Head::At(head.clone()), &writes, &message).await?.0)
        })
        .await?;
        self.index(&branch, &decision, &committed).await?;
        self.audit("answer", json!({ "key": key, "commit": committed })).await?;
        let branch = branch.with_files(&files);
        let (branch, head) = self.assume(branch, CommitId(committed)).await?;
        self.ask_next(&branch).await?;
        self.keep(branch, &head);
        Ok(())
    }

    /// Keeps the decision index (full-text search, the web viewer) up to date.
    async fn index(&self, branch: &Branch, decision: &spec_format::model::Decision, commit: &str) -> Result<()> {
        let repo = &self.event.repo;
        sqlx::query(
            "INSERT INTO decision_index (host, owner, repo, branch, key, question, answer, status, commit_sha)
             VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (host, owner, repo, branch, key) DO UPDATE SET question = EXCLUDED.question,
               answer = EXCLUDED.answer, status = EXCLUDED.status, commit_sha = EXCLUDED.commit_sha",
        )
        .bind(&repo.owner)
        .bind(&repo.name)
        .bind(&branch.branch)
        .bind(&decision.key)
        .bind(&decision.question)
        .bind(decision.answer.as_ref().map(|a| a.to_string()).unwrap_or_default())
        .bind(decision.status.as_str())
        .bind(commit)
        .bind(repo.host.as_str())
        .execute(&self.bot.pool)
        .await?;
        Ok(())
    }
}

enum Reply<'a> {
    Text(&'a str),
    Skip,
    Defer,
}
