//! `export`: a project's committed artifacts (and the spec they came from) as a folder or a zip.

use anyhow::{Context, bail};
use spec_format::RepoFile;
use std::io::Write;
use std::path::Path;

/// The files of an export, as `<slug>/<path inside the project>` and bytes, sorted.
pub fn collect<'a>(
    files: &'a [RepoFile],
    project_dir: &str,
    slug: &str,
    keep: impl Fn(&str) -> bool,
) -> Vec<(String, &'a [u8])> {
    let prefix = format!("{project_dir}/");
    let mut out: Vec<(String, &[u8])> = (files.iter())
        .filter_map(|f| f.path.strip_prefix(&prefix).map(|inner| (inner, f)))
        .filter(|(inner, _)| keep(inner))
        .map(|(inner, f)| (format!("{slug}/{inner}"), f.bytes.as_slice()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Writes the files under `dir`. Unless `force`, a different existing file is refused, and
/// every file is checked before any is written, so a refusal leaves the folder as it was.
pub fn to_dir(dir: &Path, files: &[(String, &[u8])], force: bool) -> anyhow::Result<()> {
    if !force {
        for (name, bytes) in files {
            let path = dir.join(name);
            if std::fs::read(&path).is_ok_and(|existing| existing != *bytes) {
                bail!("{} exists with other content; nothing was written; pass --force to replace it", path.display());
            }
        }
    }
    write_files(dir, files.iter().map(|(name, bytes)| (name.as_str(), *bytes)))
}

/// Writes each (relative path, bytes) under `root`, creating folders.
pub fn write_files<'a>(root: &Path, files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> anyhow::Result<()> {
    let files: Vec<(&str, &[u8])> = files.into_iter().collect();
    if let Some((name, _)) = files.iter().find(|(name, _)| !crate::source::is_safe_relative(name)) {
        bail!("`{name}` would be written outside {}; nothing was written", root.display());
    }
    for (name, bytes) in files {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Writes a zip with fixed timestamps, so the same artifacts give the same archive. The archive
/// is written to a temporary file first and renamed, so a failure leaves no half file.
pub fn to_zip(path: &Path, files: &[(String, &[u8])]) -> anyhow::Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp =
        tempfile::NamedTempFile::new_in(parent).with_context(|| format!("writing in {}", parent.display()))?;
    {
        let mut zip = zip::ZipWriter::new(temp.as_file_mut());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for (name, bytes) in files {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        zip.finish()?;
    }
    temp.persist(path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
