//! The dependency graph's questions: which top-level module each file belongs to, how much the
//! code leans on each module (PageRank), and what a change to some files reaches (`impact`).

use super::{Analysis, Component, Edge, EntryPoint, FileInfo, Parsed, entries};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// Source roots that say nothing about the module a file belongs to.
const SOURCE_ROOTS: &[&str] = &[
    "src/main/java/",
    "src/main/kotlin/",
    "src/test/java/",
    "src/",
    "lib/",
    "app/",
    "pkg/",
    "internal/",
    "packages/",
    "apps/",
    "services/",
];

/// The top-level module of each file: the first folder under the source roots and under the
/// folders every file shares (a Java tree's `com/acme/shop/`), or the file's own name when it
/// sits at that level.
pub fn component_names(files: &[Parsed]) -> Vec<String> {
    let stripped: Vec<&str> = files
        .iter()
        .map(|f| SOURCE_ROOTS.iter().find_map(|root| f.path.strip_prefix(root)).unwrap_or(&f.path))
        .collect();
    let mut shared: Option<Vec<&str>> = None;
    for path in &stripped {
        let folders: Vec<&str> = path.split('/').collect();
        let folders = &folders[..folders.len() - 1];
        shared = Some(match shared {
            None => folders.to_vec(),
            Some(prefix) => prefix.iter().zip(folders).take_while(|(a, b)| a == b).map(|(a, _)| *a).collect(),
        });
    }
    let depth = shared.map_or(0, |s| s.len());
    (stripped.iter())
        .map(|path| {
            let mut parts = path.split('/').skip(depth);
            let part = parts.next().unwrap_or(path);
            // A file at that level is its own component, named without its extension.
            if parts.next().is_none() { part.split('.').next().unwrap_or(part) } else { part }.to_owned()
        })
        .collect()
}

/// Components ranked by the PageRank of their files in the dependency graph.
pub fn components(files: &[FileInfo], edges: &[Edge]) -> Vec<Component> {
    let index: HashMap<&str, usize> = files.iter().enumerate().map(|(i, f)| (f.path.as_str(), i)).collect();
    let mut links = Vec::with_capacity(edges.len());
    let mut uses: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for edge in edges {
        if let (Some(&a), Some(&b)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
            links.push((a, b));
            let (from, to) = (files[a].component.as_str(), files[b].component.as_str());
            if from != to {
                uses.entry(from).or_default().insert(to.to_owned());
            }
        }
    }
    let ranks = page_rank(files.len(), &links, 0.85, 30);
    let mut by_name: BTreeMap<&str, Component> = BTreeMap::new();
    for (file, rank) in files.iter().zip(ranks) {
        let name = file.component.as_str();
        let component = by_name.entry(name).or_insert_with(|| Component {
            name: name.to_owned(),
            files: 0,
            loc: 0,
            rank: 0.0,
            uses: uses.get(name).map(|u| u.iter().cloned().collect()).unwrap_or_default(),
        });
        component.files += 1;
        component.loc += file.loc as usize;
        component.rank += rank;
    }
    let mut components: Vec<Component> = by_name.into_values().collect();
    components.sort_by(|a, b| b.rank.total_cmp(&a.rank).then(a.name.cmp(&b.name)));
    components
}

/// PageRank by power iteration, O(edges) per round; a file that imports nothing spreads its
/// rank evenly (as petgraph's does, whose version costs O(nodes²) per round: seconds at 3,000
/// files).
pub fn page_rank(nodes: usize, links: &[(usize, usize)], damping: f64, rounds: usize) -> Vec<f64> {
    if nodes == 0 {
        return Vec::new();
    }
    let n = nodes as f64;
    let mut out_degree = vec![0usize; nodes];
    for &(from, _) in links {
        out_degree[from] += 1;
    }
    let mut rank = vec![1.0 / n; nodes];
    for _ in 0..rounds {
        let dangling: f64 = (0..nodes).filter(|&i| out_degree[i] == 0).map(|i| rank[i]).sum();
        let base = (1.0 - damping) / n + damping * dangling / n;
        let mut next = vec![base; nodes];
        for &(from, to) in links {
            next[to] += damping * rank[from] / out_degree[from] as f64;
        }
        rank = next;
    }
    rank
}

/// What a change reaches.
#[derive(Debug, Serialize)]
pub struct Impact {
    /// The files the query named.
    pub changed: Vec<String>,
    /// Files that depend on them, directly or through others, nearest first.
    pub dependents: Vec<Dependent>,
    /// Tests among the changed files and their dependents: the tests to run.
    pub tests: Vec<String>,
    pub entry_points: Vec<EntryPoint>,
    /// Deployables whose code includes a changed or dependent file.
    pub containers: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Dependent {
    pub path: String,
    /// 1 for a direct importer.
    pub distance: usize,
}

/// The graph read backwards, for impact queries: built once, then each query is a
/// breadth-first walk over integers.
pub struct Dependents<'a> {
    paths: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
    importers: Vec<Vec<u32>>,
}

impl<'a> Dependents<'a> {
    pub fn new(analysis: &'a Analysis) -> Self {
        let paths: Vec<&str> = analysis.files.iter().map(|f| f.path.as_str()).collect();
        let index: HashMap<&str, u32> = paths.iter().enumerate().map(|(i, p)| (*p, i as u32)).collect();
        let mut importers = vec![Vec::new(); paths.len()];
        for edge in &analysis.edges {
            if let (Some(&from), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
                importers[to as usize].push(from);
            }
        }
        Dependents { paths, index, importers }
    }

    /// Breadth-first over importers: each dependent once, at its shortest distance.
    pub fn of(&self, changed: &[&str]) -> Vec<(&'a str, usize)> {
        let mut distance = vec![usize::MAX; self.paths.len()];
        let mut queue = VecDeque::new();
        for file in changed.iter().filter_map(|c| self.index.get(c)) {
            distance[*file as usize] = 0;
            queue.push_back(*file);
        }
        let mut out = Vec::new();
        while let Some(file) = queue.pop_front() {
            let next = distance[file as usize] + 1;
            for &importer in &self.importers[file as usize] {
                if distance[importer as usize] == usize::MAX {
                    distance[importer as usize] = next;
                    out.push((self.paths[importer as usize], next));
                    queue.push_back(importer);
                }
            }
        }
        out
    }
}

/// The files a query names: a file, a folder, a dotted module (`shop.billing`, also found under
/// a source root), or a component.
pub fn select<'a>(analysis: &'a Analysis, query: &str) -> Vec<&'a str> {
    let query = query.trim_end_matches('/').trim_start_matches("./");
    if let Some(file) = analysis.files.iter().find(|f| f.path == query) {
        return vec![file.path.as_str()];
    }
    let module = query.replace("::", "/").replace('.', "/");
    let (under, ending, inside) = (format!("{module}/"), format!("/{module}"), format!("/{module}/"));
    let names_module = |path: &str| {
        let stem = path.rsplit_once('.').map_or(path, |(p, _)| p);
        let is_or_under = |p: &str| p == module || p.starts_with(&under);
        is_or_under(stem) || is_or_under(path) || stem.ends_with(&ending) || path.contains(&inside)
    };
    let found: Vec<&str> = analysis.files.iter().filter(|f| names_module(&f.path)).map(|f| f.path.as_str()).collect();
    if !found.is_empty() {
        return found;
    }
    analysis.files.iter().filter(|f| f.component == query).map(|f| f.path.as_str()).collect()
}

/// The impact of changing `changed`.
pub fn impact(analysis: &Analysis, dependents: &Dependents, changed: &[&str]) -> Impact {
    let reached = dependents.of(changed);
    let mut touched: BTreeSet<&str> = changed.iter().copied().collect();
    touched.extend(reached.iter().map(|(path, _)| *path));
    let tests = touched.iter().filter(|p| entries::is_test(p)).map(|p| (*p).to_owned()).collect();
    let entry_points = (analysis.entry_points.iter()).filter(|e| touched.contains(e.path.as_str())).cloned().collect();
    let containers = (analysis.containers.iter())
        .filter(|c| {
            c.context.as_deref().is_some_and(|folder| {
                folder.is_empty() || touched.iter().any(|p| p.starts_with(folder) && p[folder.len()..].starts_with('/'))
            })
        })
        .map(|c| c.name.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Impact {
        changed: changed.iter().map(|c| (*c).to_owned()).collect(),
        dependents: reached.into_iter().map(|(path, distance)| Dependent { path: path.to_owned(), distance }).collect(),
        tests,
        entry_points,
        containers,
    }
}

#[cfg(test)]
mod tests {
    use super::page_rank;

    #[test]
    fn page_rank_flows_to_what_is_imported_and_sums_to_one() {
        // 0 → 1 → 2, and 3 → 2: file 2 is leaned on most, 0 and 3 by nobody.
        let ranks = page_rank(4, &[(0, 1), (1, 2), (3, 2)], 0.85, 50);
        assert!((ranks.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{ranks:?}");
        assert!(ranks[2] > ranks[1] && ranks[1] > ranks[0], "{ranks:?}");
        assert!((ranks[0] - ranks[3]).abs() < 1e-12);
    }
}
