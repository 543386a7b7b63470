//! What reaches beyond the branch: a pull request's review asked for again, and the project's
//! tickets pushed to the repository's issues.

use super::*;
use crate::delivery::issues;
use crate::grammar::ExportOptions;
use crate::service::bot::{checks, review::PullContext};

impl Conversation<'_> {
    /// `/spec review`: checks the pull request again and posts its review comment.
    pub(super) async fn review(&self) -> Result<()> {
        let Some(number) = self.event.change_request else {
            return self
                .say("review", "`/spec review` works on a pull request: it says what the change means for the spec.")
                .await;
        };
        let ends = self.forge.change_request(number).await?;
        let context = PullContext::new(&self.event.repo, number);
        let reviewed =
            checks::check(self.bot, self.queue, self.job, &self.forge, &ends.head.0, &ends.base.0, Some(&context))
                .await?;
        if !reviewed {
            return self.say("review", "This pull request changes no spec files, so there is nothing to review.").await;
        }
        Ok(())
    }

    /// `/spec export issues`: the project's tickets (as committed on its branch, else on the
    /// default branch) pushed to the repository's issues.
    pub(super) async fn export(&self, options: &ExportOptions) -> Result<()> {
        let default_branch = self.event.repo.default_branch().to_owned();
        let (slug, rev) = match (&self.project, &options.project) {
            (Some(p), None) => (p.slug.clone(), p.branch.clone()),
            (_, Some(slug)) => (slug.clone(), default_branch),
            (None, None) => {
                let files = self.forge.list_files(&default_branch, "specs", 5_000).await?;
                let slugs: Vec<String> = (files.iter())
                    .filter_map(|f| f.path.strip_prefix("specs/")?.strip_suffix(&format!("/{}", issues::TICKETS_FILE)))
                    .map(str::to_owned)
                    .collect();
                match slugs.as_slice() {
                    [slug] => (slug.clone(), default_branch),
                    [] => {
                        return self
                            .say("export", "No project here has tickets yet: `/spec generate tickets` first.")
                            .await;
                    }
                    _ => {
                        let text = format!(
                            "Several projects have tickets ({}); say which: `/spec export issues --project <slug>`.",
                            slugs.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                        );
                        return self.say("export", &text).await;
                    }
                }
            }
        };
        let path = format!("specs/{slug}/{}", issues::TICKETS_FILE);
        let Some(bytes) = self.forge.read_file(&rev, &path).await? else {
            let text = format!(
                "`{}` has no tickets on `{}` yet: `/spec generate tickets` first.",
                render::escape(&slug),
                render::escape(&rev)
            );
            return self.say("export", &text).await;
        };
        let file = spec_format::RepoFile::new(path, bytes);
        let tickets = issues::tickets(std::slice::from_ref(&file), &format!("specs/{slug}"))?.unwrap_or_default();
        let pushed = issues::push(&self.forge, &slug, &tickets, options.dry_run).await?;
        self.audit(
            "export-issues",
            json!({ "project": slug, "created": pushed.created.len(), "updated": pushed.updated.len(), "dry_run": options.dry_run }),
        )
        .await?;
        self.say("export", &pushed.markdown(options.dry_run)).await
    }
}
