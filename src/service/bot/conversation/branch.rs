//! What acts on the project branch as a whole: lock, generate, status, why, merge.

use super::*;

impl Conversation<'_> {
    /// Locks a decision: from then on it changes only through a pull request (`check --base`
    /// refuses a changed locked decision).
    pub(super) async fn lock(&self, key: &str) -> Result<()> {
        let Some(project) = &self.project else { return self.no_project().await };
        let (branch, head) = self.read_branch(project).await?;
        let Some(doc) = branch.decision(key)? else {
            return self.say("lock", &format!("`{}` is not decided yet; answer it first.", render::escape(key))).await;
        };
        if doc.decision().locked {
            return self.say("lock", &format!("`{key}` is locked already.")).await;
        }
        let mut decision = doc.decision().clone();
        decision.locked = true;
        let files = vec![(branch.decision_path(key)?, write::decision(&decision).into_bytes())];
        let message = format!("spec({}): lock {key}", branch.slug);
        let commit: String = once(self.queue, self.job, "commit", async {
            Ok(self.forge.commit_files(&branch.branch, &Head::At(head.clone()), &to_writes(&files), &message).await?.0)
        })
        .await?;
        self.audit("lock", json!({ "key": key, "commit": commit })).await?;
        self.say("lock", &format!("Locked `{key}`: from now on it changes only through a pull request.")).await
    }

    /// Generates the artifacts on the branch in one commit (as `specbuilder generate`): blocked
    /// targets are named with the decisions they wait for (`--partial` generates them with gaps
    /// marked), and hand-edited artifacts are never replaced from a comment.
    pub(super) async fn generate(&self, options: &GenerateOptions) -> Result<()> {
        use crate::delivery::{self, Generated, Request};
        let Some(project) = &self.project else { return self.no_project().await };
        let (mut targets, partial) = (options.targets.clone(), options.partial);
        let (branch, head) = self.read_branch(project).await?;
        let spec = branch.project()?;
        let template = branch.template().ok();
        if targets.is_empty() {
            targets = delivery::default_targets(spec, template);
        }
        let request = Request { targets: &targets, partial, force: false, overview: None };
        let text = match delivery::plan(spec, template, &branch.snapshot.files, request)? {
            Generated::Ready(delivery) => {
                let names: Vec<&str> = targets.iter().map(|t| t.as_str()).collect();
                let message = format!("spec({}): generate {}", branch.slug, names.join(", "));
                let commit: String = once(self.queue, self.job, "commit", async {
                    let writes = to_writes(&delivery.files);
                    Ok(self.forge.commit_files(&branch.branch, &Head::At(head.clone()), &writes, &message).await?.0)
                })
                .await?;
                self.audit("generate", json!({ "targets": names, "commit": commit })).await?;
                let files: Vec<String> = delivery.files.iter().map(|(path, _)| format!("- `{path}`")).collect();
                format!(
                    "Generated {} on `{}` ({} files):\n\n{}",
                    names.join(", "),
                    branch.branch,
                    files.len(),
                    files.join("\n")
                )
            }
            Generated::UpToDate(_) => "Every artifact is up to date with the decisions.".to_owned(),
            Generated::Blocked(blocked) => {
                let lines: Vec<String> = (blocked.iter())
                    .map(|(target, open)| {
                        let keys: Vec<String> = open.iter().map(|q| format!("`{}`", q.key)).collect();
                        format!("- {}: waits for {}", target.as_str(), keys.join(", "))
                    })
                    .collect();
                format!(
                    "Not yet — decisions are missing:\n\n{}\n\n`/spec generate --partial` generates anyway, with the gaps marked.",
                    lines.join("\n")
                )
            }
            Generated::Refused(refusal) => {
                let files: Vec<String> = refusal.diffs.iter().map(|(path, _)| format!("- `{path}`")).collect();
                format!(
                    "These artifacts were edited by hand and would change, so nothing was generated (run `specbuilder generate --force` on the branch to replace them):\n\n{}",
                    files.join("\n")
                )
            }
            Generated::Committed { .. } | Generated::Written(_) => String::new(),
        };
        self.say("generate", &text).await
    }

    pub(super) async fn status(&self) -> Result<()> {
        let Some(project) = &self.project else { return self.no_project().await };
        let (branch, _) = self.read_branch(project).await?;
        let plan = Plan::new(branch.template()?, branch.project()?);
        let decided = branch.project()?.decisions.len();
        let text = render::status(&project.slug, &plan.progress(), decided, plan.next_question().map(|q| q.key));
        self.say("status", &text).await
    }

    pub(super) async fn why(&self, key: &str) -> Result<()> {
        let Some(project) = &self.project else { return self.no_project().await };
        let (branch, _) = self.read_branch(project).await?;
        let text = match branch.decision(key)? {
            Some(doc) => {
                let d = doc.decision();
                let answer = d.answer.as_ref().map(|a| a.to_string()).unwrap_or_else(|| "(none)".into());
                let by = d.answered_by.as_deref().unwrap_or("unknown");
                let reason =
                    d.assumption.as_deref().map(|r| format!("\n\nAssumed: {}", render::escape(r))).unwrap_or_default();
                format!(
                    "`{key}` = `{}` ({}), decided by {} — `{}`{reason}",
                    answer.replace('`', "'"),
                    d.status.as_str(),
                    render::escape(by),
                    doc.path()
                )
            }
            None => format!("`{}` is not decided on `{}`.", render::escape(key), project.branch),
        };
        self.say("why", &text).await
    }

    pub(super) async fn merge(&self) -> Result<()> {
        let Some(project) = &self.project else { return self.no_project().await };
        let title = format!("Spec: {}", project.slug);
        let body = format!(
            "The specification of `{}`, from the conversation in {}.",
            project.slug,
            self.event.thread.reference(self.event.repo.host)
        );
        let opened: Option<(u64, String)> = once(self.queue, self.job, "pull", async {
            match self.forge.open_change_request(&project.branch, &project.base_branch, &title, &body).await {
                Ok(request) => Ok(Some((request.number, request.url))),
                Err(ForgeError::Host(e)) if e.contains("already exists") => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
        match opened {
            Some((number, url)) => {
                sqlx::query("UPDATE conversations SET pull_number = $1, updated_at = now() WHERE id = $2")
                    .bind(number as i64)
                    .bind(project.id)
                    .execute(&self.bot.pool)
                    .await?;
                self.audit("merge", json!({ "pull": number })).await?;
                let opened = self.event.repo.host.change_request_ref(number);
                self.say("merge", &format!("Opened {opened} to merge `{}`: {url}", project.branch)).await
            }
            None => self.say("merge", "A pull request for this branch is open already.").await,
        }
    }
}
