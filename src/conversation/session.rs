//! A project's conversation in a local repository: the branch read from git, and commits made
//! to it with gix, the in-memory branch kept as the commit leaves it.

use super::*;

/// A project's conversation in a local repository: the branch as read, and where it was.
pub struct Session {
    pub repo: gix::Repository,
    pub head: BranchHead,
    branch: Branch,
    kept: Kept,
}

/// Where the branch is kept between commands ([`super::kept`]), what it was kept at, and what
/// was committed since.
struct Kept {
    file: std::path::PathBuf,
    root: String,
    /// The tree the kept file ends at, and how many records it holds; `None` when there is
    /// no file for this branch to add to.
    at: Option<(String, usize)>,
    /// Files committed since, in order.
    written: Vec<(String, Vec<u8>)>,
}

impl Session {
    /// Keeps the branch as it is now, for the next command: what was committed is added to the
    /// kept file, or the branch is written in full. Failing costs only speed.
    fn keep(&mut self) {
        // Up to date: kept, and nothing committed since.
        if self.kept.at.is_some() && self.kept.written.is_empty() {
            return;
        }
        let written = std::mem::take(&mut self.kept.written);
        let Some(tree) = self.head.0.and_then(|head| tree_of(&self.repo, head).ok()).map(|t| t.to_string()) else {
            return;
        };
        let Kept { file, root, at, .. } = &self.kept;
        if let Some((from, records)) = at
            && *records < super::kept::MAX_RECORDS
            && super::kept::append(file, &self.branch, from, &tree, &written).is_ok()
        {
            self.kept.at = Some((tree, records + 1));
        } else if super::kept::save(file, &self.branch, root, &tree).is_ok() {
            self.kept.at = Some((tree, 0));
        }
    }
}

fn tree_of(repo: &gix::Repository, commit: gix::ObjectId) -> anyhow::Result<gix::ObjectId> {
    Ok(repo.find_commit(commit)?.tree_id()?.detach())
}

impl Drop for Session {
    fn drop(&mut self) {
        self.keep();
    }
}

impl std::ops::Deref for Session {
    type Target = Branch;
    fn deref(&self) -> &Branch {
        &self.branch
    }
}

impl Session {
    /// Opens the conversation of `slug`, or of the only project branch when none is named.
    pub fn open(dir: &Path, slug: Option<&str>) -> anyhow::Result<Session> {
        let repo = store::open(dir)?;
        let slug = match slug {
            Some(slug) => slug.to_owned(),
            None => only_project_branch(&repo)?,
        };
        if !spec_format::ident::is_slug(&slug) {
            bail!("`{slug}` is not a project slug (lowercase letters, digits and `-`)");
        }
        let branch = store::project_branch(&slug);
        let head = store::read_branch_head(&repo, &branch)?;
        let Some(commit) = head.0 else {
            bail!("there is no branch `{branch}`; start the project with `specbuilder new {slug} --template <id>`");
        };
        let layout = Layout { specs_dir: Config::load(dir)?.specs_dir().to_owned() };
        let tree = tree_of(&repo, commit).context("reading the branch")?.to_string();
        let root = source::prefix_in_repo(&repo, dir).to_string_lossy().into_owned();
        let file = super::kept::path(repo.common_dir(), &slug);
        let (branch, at) = match super::kept::load(&file, &slug, &layout, &root, &tree) {
            Some(loaded) => (loaded.branch, Some((tree, loaded.records))),
            None => {
                let snapshot = source::read_revision(dir, &commit.to_string(), &layout.specs_dir)?;
                (Branch::new(&slug, layout, snapshot), None)
            }
        };
        Ok(Session { repo, head, branch, kept: Kept { file, root, at, written: Vec::new() } })
    }

    /// The branch as read, by value.
    pub fn into_branch(mut self) -> Branch {
        self.keep();
        let empty = Branch::new("", Layout::default(), source::Snapshot::default());
        std::mem::replace(&mut self.branch, empty)
    }

    /// Checks `decision` against every decision on the branch and commits it, unless it
    /// contradicts them: then nothing is written.
    pub fn record(&mut self, decision: &Decision) -> anyhow::Result<Recorded> {
        self.record_as(decision, &format!("spec({}): {}", self.slug, record::summary(decision)))
    }

    /// [`Session::record`] with a commit message of the caller's.
    pub fn record_as(&mut self, decision: &Decision, message: &str) -> anyhow::Result<Recorded> {
        match self.prepare(decision)? {
            Prepared::Contradiction { findings, file } => Ok(Recorded::Contradiction { findings, file }),
            Prepared::Ready { path, bytes, revised } => {
                let message = format!("{message}{}", revised_note(&revised));
                let id = self.commit(&Prepared::files(path, bytes, revised), &message)?;
                Ok(Recorded::Committed { id, message })
            }
        }
    }

    /// Commits `files` onto the head as read (refused if the branch moved since), and keeps the
    /// session in step: what is in memory is what the branch now holds, without reading it again.
    fn commit(&mut self, files: &[(String, Vec<u8>)], message: &str) -> anyhow::Result<gix::ObjectId> {
        let id = store::commit_files(&self.repo, &self.branch.branch, self.head, self.head.0, files, message)?;
        self.head = BranchHead(Some(id));
        self.branch.apply(files);
        self.kept.written.extend_from_slice(files);
        Ok(id)
    }
}

/// Where a command should read a project when no revision is given: the project's branch
/// `spec/<slug>` if there is one (the conversation lives there), else the files on disk.
pub fn conversation_ref(dir: &Path, slug: Option<&str>) -> Option<String> {
    let repo = store::open(dir).ok()?;
    let slug = match slug {
        Some(slug) => slug.to_owned(),
        None => only_project_branch(&repo).ok()?,
    };
    let branch = store::project_branch(&slug);
    store::read_branch_head(&repo, &branch).ok()?.0.map(|_| format!("refs/heads/{branch}"))
}

impl Session {
    /// Records, as assumptions, the questions that apply now but that the project's depth does
    /// not ask, in one commit. Returns the commit and the keys assumed, if there were any.
    pub fn assume_skipped(
        &mut self,
        by: impl Fn() -> record::Provenance,
    ) -> anyhow::Result<Option<(gix::ObjectId, Vec<String>)>> {
        let Some(assumptions) = self.skipped_assumptions(by)? else { return Ok(None) };
        let Assumptions { files, keys, message } = assumptions;
        let id = self.commit(&files, &message)?;
        Ok(Some((id, keys)))
    }

    /// Records skipped-depth assumptions until none apply: an assumption can make further
    /// questions apply. Returns every key assumed.
    pub fn assume_all_skipped(&mut self) -> anyhow::Result<Vec<String>> {
        let mut assumed = Vec::new();
        // Each round commits at least one decision, so this ends; the bound is a safety net.
        for _ in 0..64 {
            let by = local_provenance(&self.repo);
            match self.assume_skipped(|| by.clone())? {
                Some((_, keys)) => assumed.extend(keys),
                None => break,
            }
        }
        Ok(assumed)
    }
}

/// [`Session::assume_all_skipped`] on the project as its branch stands now. Returns every key
/// assumed, and the session after them.
pub fn assume_all_skipped(dir: &Path, slug: &str) -> anyhow::Result<(Vec<String>, Session)> {
    let mut session = Session::open(dir, Some(slug))?;
    let assumed = session.assume_all_skipped()?;
    Ok((assumed, session))
}

/// The slug of the only `spec/*` branch.
pub fn only_project_branch(repo: &gix::Repository) -> anyhow::Result<String> {
    let references = repo.references().context("listing branches")?;
    let slugs: Vec<String> = references
        .prefixed("refs/heads/spec/")
        .context("listing branches")?
        .filter_map(Result::ok)
        .filter_map(|r| r.name().as_bstr().to_string().strip_prefix("refs/heads/spec/").map(str::to_owned))
        .collect();
    match slugs.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("no project branches (spec/<slug>); start one with `specbuilder new <slug> --template <id>`"),
        many => bail!("several project branches; pick one with --project ({})", many.join(", ")),
    }
}

/// `local:<git user>` and now, for decisions recorded from the CLI.
pub fn local_provenance(repo: &gix::Repository) -> record::Provenance {
    use gix::bstr::ByteSlice;
    let user = match repo.author() {
        Some(Ok(author)) => author.name.to_str_lossy().into_owned(),
        _ => "unknown".to_owned(),
    };
    record::Provenance {
        answered_by: format!("local:{user}"),
        answered_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: None,
    }
}

/// Answers every question the plan asks, from `script` (key, reply) or else the recommended
/// option, through the engine, one commit each; an answer that contradicts is replaced by the
/// recommendation, else deferred. Returns how many were answered and deferred.
pub fn autopilot(mut session: Session, script: &[(&str, &str)]) -> anyhow::Result<(usize, usize)> {
    let (mut answered, mut deferred) = (0, 0);
    // Each round records one decision, so the plan runs out; the bound is a safety net.
    for _ in 0..200 {
        let template = session.template()?;
        let Some(next) = Plan::new(template, session.project()?).next_question() else { break };
        let q = template.questions.iter().find(|q| q.key == next.key).context("the plan asks template questions")?;
        let q = &q.clone();
        let scripted = script.iter().find(|(key, _)| *key == q.key).map(|(_, a)| (*a).to_owned());
        let plan = Plan::new(template, session.project()?);
        let recommended = plan.recommendation(q).map(|(answer, _)| answer.clone());
        let mut choices: Vec<Answer> = scripted.iter().filter_map(|reply| reply::parse(q, reply).ok()).collect();
        choices.extend(recommended);
        if choices.is_empty() {
            choices.extend(q.options.first().map(|o| Answer::Text(o.id.clone())));
        }
        let mut done = false;
        for choice in choices {
            let by = local_provenance(&session.repo);
            let decision = record::decision(q, Some(choice), Status::Accepted, None, by);
            if let Recorded::Committed { .. } = session.record(&decision)? {
                answered += 1;
                done = true;
                break;
            }
        }
        if !done {
            let by = local_provenance(&session.repo);
            session.record(&record::decision(q, None, Status::Deferred, None, by))?;
            deferred += 1;
        }
        session.assume_all_skipped()?;
    }
    Ok((answered, deferred))
}
