//! A project branch as the last command left it, kept on disk under `.git/specbuilder/` so the
//! next command starts warm: its files and parsed decisions, for the tree they were read from.
//! Read back only for that very tree, by this very version; missing, corrupt, stale or foreign,
//! it is ignored and the branch is read from git as usual (and kept again).
//!
//! The file is the branch in full, then one record per command that committed since: the files
//! it wrote and their decisions, parsed. Appending costs what the commit changed, not what the
//! branch holds; after [`MAX_RECORDS`] records the file is written in full again.

use super::Branch;
use crate::source::Snapshot;
use serde::{Deserialize, Serialize};
use serde_bytes::{ByteBuf, Bytes};
use spec_format::workspace::DecisionDoc;
use spec_format::{Layout, RepoFile};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"specbuilder branch cache 1\n";
pub const MAX_RECORDS: usize = 100;

/// What the file says it holds; all of it must match for the rest to be trusted.
#[derive(Serialize, Deserialize)]
struct Header {
    /// The binary that wrote it: another version may parse differently.
    version: String,
    slug: String,
    /// Where the command ran inside the repository, and the specs folder under it: paths are
    /// relative to the first.
    root: String,
    specs_dir: String,
    /// The tree of the branch head the files were read from.
    tree: String,
}

/// The files one command committed, and the tree they made from the one before.
#[derive(Deserialize)]
struct Record {
    from: String,
    to: String,
    files: Vec<(String, ByteBuf)>,
    docs: Vec<(DecisionDoc, String)>,
}

/// [`Record`] as written, borrowing what it writes.
#[derive(Serialize)]
struct RecordOut<'a> {
    from: &'a str,
    to: &'a str,
    files: Vec<(&'a str, &'a Bytes)>,
    docs: Vec<(&'a DecisionDoc, &'a str)>,
}

/// The branch as kept, and what is needed to add to the file.
pub struct Loaded {
    pub branch: Branch,
    pub records: usize,
}

/// Where the branch `slug` is kept in the repository whose git directory is `git_dir`.
pub fn path(git_dir: &Path, slug: &str) -> PathBuf {
    git_dir.join("specbuilder").join("branches").join(format!("{slug}.cache"))
}

/// The branch `slug` as kept for `tree`, if it was, intact and by this version.
pub fn load(file: &Path, slug: &str, layout: &Layout, root: &str, tree: &str) -> Option<Loaded> {
    let bytes = std::fs::read(file).ok()?;
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let header: Header = rmp_serde::from_slice(section(&mut rest)?).ok()?;
    let expected = [env!("CARGO_PKG_VERSION"), slug, root, layout.specs_dir.as_str()];
    if [&header.version, &header.slug, &header.root, &header.specs_dir] != expected {
        return None;
    }
    let mut files: Vec<RepoFile> = rmp_serde::from_slice::<Vec<(String, ByteBuf)>>(section(&mut rest)?)
        .ok()?
        .into_iter()
        .map(|(path, bytes)| RepoFile::new(path, bytes.into_vec()))
        .collect();
    let docs: Vec<(DecisionDoc, String)> = rmp_serde::from_slice(section(&mut rest)?).ok()?;
    let mut kept = by_path(docs);
    let (mut at, mut records) = (header.tree, 0);
    while !rest.is_empty() {
        let record: Record = rmp_serde::from_slice(section(&mut rest)?).ok()?;
        if record.from != at {
            return None; // written by two commands at once, or for another history
        }
        for (path, bytes) in record.files {
            kept.remove(&path);
            let file = RepoFile::new(path, bytes.into_vec());
            match files.binary_search_by(|f| f.path.cmp(&file.path)) {
                Ok(i) => files[i] = file,
                Err(i) => files.insert(i, file),
            }
        }
        kept.extend(by_path(record.docs));
        (at, records) = (record.to, records + 1);
    }
    // Every kept decision must be a file of the snapshot, or the file is not what it says.
    if at != tree || kept.keys().any(|path| files.binary_search_by(|f| f.path.as_str().cmp(path)).is_err()) {
        return None;
    }
    let snapshot = Snapshot { files, findings: Vec::new() };
    Some(Loaded { branch: Branch::keeping(slug, layout.clone(), snapshot, &mut kept), records })
}

/// Keeps `branch` as read from `tree`, in full. Written to a temporary file and renamed: a
/// reader sees the old file or the new one.
pub fn save(file: &Path, branch: &Branch, root: &str, tree: &str) -> std::io::Result<()> {
    if !keepable(branch) {
        return Ok(());
    }
    let header = Header {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        slug: branch.slug.clone(),
        root: root.to_owned(),
        specs_dir: branch.layout.specs_dir.clone(),
        tree: tree.to_owned(),
    };
    let files: Vec<(&str, &Bytes)> =
        branch.snapshot.files.iter().map(|f| (f.path.as_str(), Bytes::new(&f.bytes))).collect();
    let paths: Vec<&str> = branch.snapshot.files.iter().map(|f| f.path.as_str()).collect();
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut out = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(out.as_file_mut());
        w.write_all(MAGIC)?;
        write_section(&mut w, &encode(&header)?)?;
        write_section(&mut w, &encode(&files)?)?;
        write_section(&mut w, &encode(&clean_docs(branch, &paths))?)?;
        w.flush()?;
    }
    out.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Adds what one command committed (`files`, making `to` out of `from`) to the kept branch.
pub fn append(file: &Path, branch: &Branch, from: &str, to: &str, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    if !keepable(branch) {
        return Err(std::io::Error::other("the branch cannot be kept"));
    }
    let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    let record = RecordOut {
        from,
        to,
        files: files.iter().map(|(path, bytes)| (path.as_str(), Bytes::new(bytes))).collect(),
        docs: clean_docs(branch, &paths),
    };
    let mut bytes = Vec::new();
    write_section(&mut bytes, &encode(&record)?)?;
    let mut out = std::fs::OpenOptions::new().append(true).open(file)?;
    out.write_all(&bytes)
}

/// A branch with files that were refused cannot be rebuilt from the files alone.
fn keepable(branch: &Branch) -> bool {
    branch.snapshot.findings.is_empty() && branch.snapshot.files.is_sorted_by(|a, b| a.path <= b.path)
}

/// The decisions at `paths` that parsed without a finding (the others are parsed again, to
/// report their findings), with their bodies, which serde skips.
fn clean_docs<'b>(branch: &'b Branch, paths: &[&str]) -> Vec<(&'b DecisionDoc, &'b str)> {
    let Some(project) = branch.workspace.project(&branch.slug) else { return Vec::new() };
    let noisy: std::collections::HashSet<&str> =
        branch.workspace.findings.iter().chain(&project.findings).map(|f| f.path.as_str()).collect();
    let wanted: std::collections::HashSet<&str> = paths.iter().copied().collect();
    (project.decisions.iter())
        .filter(|d| wanted.contains(d.path()) && !noisy.contains(d.path()))
        .map(|d| (d, d.decision().body.as_str()))
        .collect()
}

fn by_path(docs: Vec<(DecisionDoc, String)>) -> HashMap<String, DecisionDoc> {
    docs.into_iter()
        .map(|(mut doc, body)| {
            doc.doc.value.body = body;
            (doc.doc.path.clone(), doc)
        })
        .collect()
}

fn encode(value: &impl Serialize) -> std::io::Result<Vec<u8>> {
    rmp_serde::to_vec_named(value).map_err(std::io::Error::other)
}

fn section<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, after) = rest.split_first_chunk::<8>()?;
    let (section, after) = after.split_at_checked(usize::try_from(u64::from_le_bytes(*len)).ok()?)?;
    *rest = after;
    Some(section)
}

fn write_section(w: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    w.write_all(&(bytes.len() as u64).to_le_bytes())?;
    w.write_all(bytes)
}
