//! `specbuilder review`: what a change to the specs means, between two git revisions.

use super::Outcome;
use crate::config::Config;
use crate::review::markdown::{self, Links};
use crate::review::{self, CommitRef, History, Side, overlap};
use crate::source;
use anyhow::Context;
use clap::Args;
use gix::ObjectId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Review a change to the specs in product terms: decisions added, changed (old answer -> new,
/// who, which commit) and removed; locked decisions touched; assumptions replaced by answers;
/// contradictions introduced and resolved; requirements, scenarios and tickets added, changed or
/// removed; artifacts made stale (with the command that regenerates them); breaking contract
/// changes; and targets whose blockers changed.
///
/// Reads git revisions only: nothing is written, the working tree is not read.
///
/// Exit status: 0 reviewed, 1 the change introduces a contradiction or touches a locked
/// decision, 2 could not run.
///
/// Examples:
///   specbuilder review --base main                    the current branch (HEAD) against main
///   specbuilder review --base main --head spec/crm    a project branch
///   specbuilder review --base v1.0 --format json      for tools (schema: spec-format/schema/review.schema.json)
///   specbuilder review --base main --against origin/pr/12 origin/pr/14
///                                                     also name other changes that touch the
///                                                     same decisions (or facts a rule relates)
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReviewArgs {
    /// The revision the change starts from (a branch, tag or commit).
    #[arg(long, value_name = "REV")]
    pub base: String,

    /// The revision the change ends at.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub head: String,

    /// Other changes (revisions) to compare with: overlaps with each are listed.
    #[arg(long, value_name = "REV", num_args = 1..)]
    pub against: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Markdown)]
    pub format: ReviewFormat,

    /// The repository directory.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    /// For people: short, grouped, with links when the `origin` remote is a web host.
    Markdown,
    /// For tools: one object, as spec-format/schema/review.schema.json describes.
    Json,
}

pub fn run(args: ReviewArgs) -> anyhow::Result<Outcome> {
    let repo =
        gix::discover(&args.dir).with_context(|| format!("{} is not in a git repository", args.dir.display()))?;
    let specs_dir = Config::load(&args.dir)?.specs_dir().to_owned();
    let layout = spec_format::Layout { specs_dir: specs_dir.clone() };
    let resolve = |rev: &str| -> anyhow::Result<ObjectId> {
        let id = repo.rev_parse_single(rev).map_err(|e| anyhow::anyhow!("`{rev}` is not a revision here: {e}"))?;
        Ok(id.object()?.peel_to_commit()?.id)
    };
    let read = |id: ObjectId, rev: &str| {
        let snapshot = source::read_revision(&args.dir, &id.to_string(), &specs_dir)
            .with_context(|| format!("reading `{rev}`"))?;
        let workspace = crate::conversation::workspace(&snapshot, &layout);
        anyhow::Ok((snapshot, workspace))
    };
    let (base_id, head_id) = (resolve(&args.base)?, resolve(&args.head)?);
    let (base_snapshot, base_ws) = read(base_id, &args.base)?;
    let (head_snapshot, head_ws) = read(head_id, &args.head)?;
    let base = Side { rev: &base_id.to_string(), snapshot: &base_snapshot, workspace: &base_ws };
    let head = Side { rev: &head_id.to_string(), snapshot: &head_snapshot, workspace: &head_ws };
    let prefix = source::prefix_in_repo(&repo, &args.dir);
    let history = GitHistory::new(&repo, head_id, base_id, &prefix, &specs_dir)?;
    let mut review = review::review(&base, &head, &history);
    let mine = review.footprint();
    for other in &args.against {
        let other_id = resolve(other)?;
        let (snapshot, workspace) = read(other_id, other)?;
        let theirs =
            review::review(&base, &Side { rev: other, snapshot: &snapshot, workspace: &workspace }, &review::NoHistory);
        review.overlaps.extend(overlap::between(other, &mine, &theirs.footprint()));
    }
    match args.format {
        ReviewFormat::Json => println!("{}", serde_json::to_string_pretty(&review)?),
        ReviewFormat::Markdown => {
            let links = (repo.find_remote("origin").ok())
                .and_then(|r| r.url(gix::remote::Direction::Fetch).map(|u| u.to_bstring().to_string()))
                .and_then(|url| Links::from_remote(&url));
            let rerun = format!("specbuilder review --base {} --head {}", args.base, args.head);
            print!("{}", markdown::render(&review, links.as_ref(), &rerun));
        }
    }
    let alarming =
        review.projects.iter().any(|p| !p.contradictions.introduced.is_empty() || !p.locked_touched.is_empty());
    Ok(if alarming { Outcome::Errors } else { Outcome::Clean })
}

/// The commits of a change (reachable from its head, not from its base), newest first: for each
/// spec file, the newest commit that wrote it. Each commit's spec folder is listed once (its
/// parent's listing is the next commit's own), so a change of many files and commits costs a
/// handful of tree reads, not one per file and commit.
struct GitHistory {
    last: HashMap<String, CommitRef>,
}

impl GitHistory {
    fn new(
        repo: &gix::Repository,
        head: ObjectId,
        base: ObjectId,
        prefix: &Path,
        specs_dir: &str,
    ) -> anyhow::Result<GitHistory> {
        let walk = repo
            .rev_walk([head])
            .sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()))
            .with_hidden([base])
            .all()?;
        let mut listings: HashMap<ObjectId, HashMap<String, ObjectId>> = HashMap::new();
        let mut last = HashMap::new();
        for info in walk {
            let id = info?.id;
            let commit = repo.find_commit(id)?;
            let found = CommitRef {
                id: id.to_hex_with_len(7).to_string(),
                author: commit.author()?.name.to_string(),
                summary: commit.message()?.summary().to_string(),
            };
            let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
            for commit in std::iter::once(id).chain(parents.iter().copied()) {
                if let std::collections::hash_map::Entry::Vacant(slot) = listings.entry(commit) {
                    slot.insert(spec_files(repo, commit, prefix, specs_dir)?);
                }
            }
            let mine = &listings[&id];
            let paths: std::collections::BTreeSet<&String> =
                mine.keys().chain(parents.iter().flat_map(|p| listings[p].keys())).collect();
            for path in paths {
                // A merge wrote a file only when it differs from every parent.
                let wrote = parents.iter().all(|p| listings[p].get(path) != mine.get(path));
                if wrote && !last.contains_key(path) {
                    last.insert(path.clone(), found.clone());
                }
            }
        }
        Ok(GitHistory { last })
    }
}

/// Every file under the specs folder of `commit`, as `specs/...` (relative to the checked
/// directory), with its blob id.
fn spec_files(
    repo: &gix::Repository,
    commit: ObjectId,
    prefix: &Path,
    specs_dir: &str,
) -> anyhow::Result<HashMap<String, ObjectId>> {
    let tree = repo.find_commit(commit)?.tree()?;
    let Some(entry) = tree.lookup_entry_by_path(prefix.join(specs_dir))? else { return Ok(HashMap::new()) };
    if !entry.mode().is_tree() {
        return Ok(HashMap::new());
    }
    let files = entry.object()?.into_tree().traverse().breadthfirst.files()?;
    Ok(files.into_iter().filter(|r| r.mode.is_blob()).map(|r| (format!("{specs_dir}/{}", r.filepath), r.oid)).collect())
}

impl History for GitHistory {
    fn last_commit(&self, path: &str) -> Option<CommitRef> {
        self.last.get(path).cloned()
    }
}
