//! `/spec new`: a project started on its branch, from the built-in or the repository's templates.

use super::*;

impl Conversation<'_> {
    pub(super) async fn start(&self, options: &NewOptions) -> Result<()> {
        let slug = options.slug.as_str();
        // This job ran before (it failed, or its process stopped) after starting the branch:
        // carry on from there rather than call the project its own obstacle.
        if let Some(p) = &self.project
            && self.queue.step(self.job, "start").await?.is_some()
        {
            let (branch, head) = self.read_branch(p).await?;
            let (branch, _) = self.assume(branch, head).await?;
            return self.ask_next(&branch).await;
        }
        if let Some(p) = &self.project {
            return self
                .say("exists", &format!("This issue already holds project `{}` (branch `{}`).", p.slug, p.branch))
                .await;
        }
        if !spec_format::ident::is_slug(slug) {
            let text =
                format!("`{}` is not a valid slug: use lowercase letters, digits and `-`.", render::escape(slug));
            return self.say("slug", &text).await;
        }
        let (template_id, depth) = match options.template_and_depth() {
            Ok(chosen) => chosen,
            Err(message) => return self.say("invalid", &render::escape(&message)).await,
        };
        if let Some(idea) = &options.idea {
            let found = spec_format::secrets::scan(idea);
            if !found.is_empty() {
                let found: Vec<String> = found.iter().map(|s| s.describe(idea)).collect();
                return self.refuse_secret("idea", &found).await;
            }
        }
        let repo = &self.event.repo;
        let base = repo.default_branch().to_owned();
        let Some(base_head) = self.forge.branch_head(&base).await? else {
            return Err(Failure::Fail(format!("the default branch `{base}` does not exist")));
        };
        // The repository's own templates count, as they do for the CLI: read where the branch starts.
        let layout = spec_format::Layout { specs_dir: "specs".to_owned() };
        let snapshot = remote::snapshot(&self.forge, &self.bot.cache, &base_head.0, &layout, &self.bot.limits).await?;
        let catalog = Catalog::for_workspace(&crate::conversation::workspace(&snapshot, &layout));
        let Some(template) = catalog.get(&template_id).map(|t| &t.template.value) else {
            return self.say("template", &render::escape(&catalog.missing(&template_id))).await;
        };
        if let Some(target) = options.targets.iter().find(|t| !template.artifacts.contains_key(*t)) {
            let known: Vec<&str> = template.artifacts.keys().map(String::as_str).collect();
            let text = format!(
                "Template `{}` cannot generate `{}`; it knows {}.",
                template.id,
                render::escape(target),
                known.join(", ")
            );
            return self.say("invalid", &text).await;
        }
        let branch_name = crate::store::project_branch(slug);
        let project = options.project(&template.id, depth, Some(&self.event.title));
        let path = format!("specs/{slug}/project.md");
        let files = vec![(path.clone(), write::project(&project).into_bytes())];
        let message = format!("spec({slug}): start the project from template {}", template.id);
        let started: Option<String> = once(self.queue, self.job, "start", async {
            let writes = to_writes(&files);
            match self.forge.commit_files(&branch_name, &Head::NewFrom(base_head.clone()), &writes, &message).await {
                Ok(id) => Ok(Some(id.0)),
                Err(ForgeError::Moved { .. }) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
        let Some(head) = started else {
            return self.say("exists", &format!("Branch `{branch_name}` exists already; pick another slug.")).await;
        };
        sqlx::query(
            "INSERT INTO conversations
               (host, installation_id, owner, repo, thread_kind, issue_number, slug, branch, base_branch)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        )
        .bind(repo.host.as_str())
        .bind(repo.installation as i64)
        .bind(&repo.owner)
        .bind(&repo.name)
        .bind(self.event.thread.kind())
        .bind(self.event.thread.number() as i64)
        .bind(slug)
        .bind(&branch_name)
        .bind(&base)
        .execute(&self.bot.pool)
        .await?;
        sqlx::query(
            "INSERT INTO repositories (host, installation_id, owner, name, default_branch) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (host, owner, name) DO UPDATE SET installation_id = EXCLUDED.installation_id,
               default_branch = EXCLUDED.default_branch",
        )
        .bind(repo.host.as_str())
        .bind(repo.installation as i64)
        .bind(&repo.owner)
        .bind(&repo.name)
        .bind(&base)
        .execute(&self.bot.pool)
        .await?;
        self.audit("start", json!({ "slug": slug, "template": template.id })).await?;
        let branch = remote::branch(&self.forge, &self.bot.cache, slug, &head, &self.bot.limits).await?;
        let (branch, _) = self.assume(branch, CommitId(head)).await?;
        self.ask_next(&branch).await
    }
}
