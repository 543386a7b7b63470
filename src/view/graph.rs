//! `/p/<slug>/graph`: the decision graph, laid out on the server. Decisions are nodes (fill by
//! status, outline by category), edges are `depends_on` (solid), `supersedes` (dashed) and
//! decisions related by a shared fact or a rule (dotted). Layers follow `depends_on`; within a
//! layer a few barycentre sweeps keep edges short. Up to [`WHOLE`] decisions the whole graph is
//! drawn; a larger one opens focused on a category, a search or a decision's neighbourhood.

use super::page::{Links, page};
use super::project::{crumbs, find, status_name};
use super::repo::{State, ViewError};
use maud::{Markup, html};
use serde::Deserialize;
use spec_format::facts::PlacedRule;
use spec_format::workspace::ProjectSpec;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// The most decisions drawn at once.
pub const WHOLE: usize = 1_000;
const COLUMN: f32 = 250.0;
const ROW: f32 = 40.0;
const NODE_WIDTH: f32 = 210.0;
const NODE_HEIGHT: f32 = 28.0;
/// Outline patterns for categories (by CSS class `c0`..`c7`).
const CATEGORY_STYLES: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    DependsOn,
    Supersedes,
    Related,
}

#[derive(Debug)]
pub struct Graph {
    /// Indices into the project's decisions, with their positions.
    pub nodes: Vec<(usize, f32, f32)>,
    /// From and to, as indices into `nodes`.
    pub edges: Vec<(usize, usize, EdgeKind)>,
    pub width: f32,
    pub height: f32,
}

/// What to show of the graph (from the query).
#[derive(Debug, Default, Deserialize)]
pub struct Selection {
    /// A decision whose neighbourhood (two steps) is shown.
    pub focus: Option<String>,
    pub category: Option<String>,
    /// Decisions whose key or question holds this text.
    pub q: Option<String>,
}

/// Every edge between the project's decisions, as (from, to, kind) over decision indices.
pub fn edges_of(project: &ProjectSpec, rules: &[PlacedRule]) -> Vec<(usize, usize, EdgeKind)> {
    let index: HashMap<&str, usize> =
        project.decisions.iter().enumerate().map(|(i, d)| (d.decision().key.as_str(), i)).collect();
    let mut edges = BTreeSet::new();
    for (i, doc) in project.decisions.iter().enumerate() {
        let d = doc.decision();
        for dep in &d.depends_on {
            if let Some(&from) = index.get(dep.as_str()) {
                edges.insert((from, i, EdgeKind::DependsOn));
            }
        }
        for old in &d.supersedes {
            if let Some(&from) = index.get(old.as_str()) {
                edges.insert((from, i, EdgeKind::Supersedes));
            }
        }
    }
    // Decisions asserting the same fact, or facts one rule reads, are related: chained in key
    // order so that n related decisions cost n - 1 edges, not n².
    let mut by_fact: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (i, doc) in project.decisions.iter().enumerate() {
        let d = doc.decision();
        if !d.status.is_in_force() {
            continue;
        }
        let chosen = d.answer.as_ref().map(|a| a.chosen_ids()).unwrap_or_default();
        let options = d.options.iter().filter(|o| chosen.contains(&o.id.as_str()));
        for name in d.facts.keys().chain(options.flat_map(|o| o.facts.keys())) {
            by_fact.entry(name.as_str()).or_default().insert(i);
        }
    }
    let mut groups: Vec<BTreeSet<usize>> = by_fact.values().cloned().collect();
    for rule in rules {
        let group: BTreeSet<usize> = rule.rule.fact_names().filter_map(|n| by_fact.get(n)).flatten().copied().collect();
        groups.push(group);
    }
    let linked: BTreeSet<(usize, usize)> = edges.iter().map(|(a, b, _)| (*a.min(b), *a.max(b))).collect();
    let mut related = BTreeSet::new();
    for group in groups {
        let members: Vec<usize> = group.into_iter().collect();
        for pair in members.windows(2) {
            let (a, b) = (pair[0].min(pair[1]), pair[0].max(pair[1]));
            if !linked.contains(&(a, b)) {
                related.insert((a, b));
            }
        }
    }
    edges.extend(related.into_iter().map(|(a, b)| (a, b, EdgeKind::Related)));
    edges.into_iter().collect()
}

/// Lays out the decisions `chosen` (indices into the project's) with the edges among them.
pub fn layout(project: &ProjectSpec, chosen: &[usize], all_edges: &[(usize, usize, EdgeKind)]) -> Graph {
    let position: HashMap<usize, usize> = chosen.iter().enumerate().map(|(n, &i)| (i, n)).collect();
    let edges: Vec<(usize, usize, EdgeKind)> =
        (all_edges.iter()).filter_map(|(a, b, kind)| Some((*position.get(a)?, *position.get(b)?, *kind))).collect();
    let n = chosen.len();

    // Layers: the longest `depends_on` path to each node (Kahn's order; a cycle's nodes go last).
    let mut incoming = vec![0usize; n];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, kind) in &edges {
        if kind != EdgeKind::Related {
            incoming[b] += 1;
            outgoing[a].push(b);
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&v| incoming[v] == 0).collect();
    let mut placed = vec![false; n];
    while let Some(v) = queue.pop_front() {
        placed[v] = true;
        for &w in &outgoing[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            incoming[w] -= 1;
            if incoming[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    let deepest = layer.iter().copied().max().unwrap_or(0);
    for v in (0..n).filter(|&v| !placed[v]) {
        layer[v] = deepest + 1;
    }
    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);

    // Order within each layer: by category and key, then barycentres of the neighbours.
    let category = |v: usize| project.decisions[chosen[v]].decision().category.clone().unwrap_or_default();
    let key = |v: usize| project.decisions[chosen[v]].decision().key.clone();
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for v in 0..n {
        rows[layer[v]].push(v);
    }
    for row in &mut rows {
        row.sort_by_cached_key(|&v| (category(v), key(v)));
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _) in &edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    let mut order = vec![0f32; n];
    for sweep in 0..4 {
        for row in &rows {
            for (i, &v) in row.iter().enumerate() {
                order[v] = i as f32;
            }
        }
        let range: Vec<usize> =
            if sweep % 2 == 0 { (1..layers).collect() } else { (0..layers.saturating_sub(1)).rev().collect() };
        for l in range {
            let mut keyed: Vec<(f32, usize)> = rows[l]
                .iter()
                .map(|&v| {
                    let near: Vec<f32> = neighbours[v].iter().filter(|&&w| layer[w] != l).map(|&w| order[w]).collect();
                    let centre = if near.is_empty() { order[v] } else { near.iter().sum::<f32>() / near.len() as f32 };
                    (centre, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            rows[l] = keyed.into_iter().map(|(_, v)| v).collect();
        }
    }

    let mut nodes = vec![(0usize, 0f32, 0f32); n];
    let tallest = rows.iter().map(Vec::len).max().unwrap_or(0);
    for (l, row) in rows.iter().enumerate() {
        for (i, &v) in row.iter().enumerate() {
            nodes[v] = (chosen[v], 10.0 + l as f32 * COLUMN, 10.0 + i as f32 * ROW);
        }
    }
    Graph {
        nodes,
        edges,
        width: 20.0 + layers.saturating_sub(1) as f32 * COLUMN + NODE_WIDTH,
        height: 20.0 + tallest as f32 * ROW,
    }
}

/// The decisions to draw for `selection`, or `None` when the graph is too large to draw whole
/// and nothing narrows it.
fn select(project: &ProjectSpec, edges: &[(usize, usize, EdgeKind)], selection: &Selection) -> Option<Vec<usize>> {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_lowercase);
    let decisions = &project.decisions;
    if let Some(focus) = selection.focus.as_deref().filter(|f| !f.is_empty()) {
        let start = decisions.iter().position(|d| d.decision().key == focus)?;
        let mut near: BTreeSet<usize> = BTreeSet::from([start]);
        for _ in 0..2 {
            let ring: Vec<usize> = (edges.iter())
                .filter_map(|&(a, b, _)| match (near.contains(&a), near.contains(&b)) {
                    (true, false) => Some(b),
                    (false, true) => Some(a),
                    _ => None,
                })
                .collect();
            near.extend(ring);
        }
        return Some(near.into_iter().take(WHOLE).collect());
    }
    let category = text(&selection.category);
    let query = text(&selection.q);
    if category.is_none() && query.is_none() {
        return (decisions.len() <= WHOLE).then(|| (0..decisions.len()).collect());
    }
    let chosen: Vec<usize> = (0..decisions.len())
        .filter(|&i| {
            let d = decisions[i].decision();
            category.as_ref().is_none_or(|c| d.category.as_deref().map(str::to_lowercase).as_ref() == Some(c))
                && query
                    .as_ref()
                    .is_none_or(|q| d.key.to_lowercase().contains(q) || d.question.to_lowercase().contains(q))
        })
        .take(WHOLE)
        .collect();
    Some(chosen)
}

pub fn graph(state: &State, slug: &str, selection: &Selection) -> Result<Markup, ViewError> {
    let project = find(state, slug)?;
    let links = Links { slug: project.slug.clone(), revision: state.revision.clone() };
    let edges = edges_of(project, &state.workspace.rules_for(project));
    if let Some(focus) = selection.focus.as_deref().filter(|f| !f.is_empty())
        && !project.decisions.iter().any(|d| d.decision().key == focus)
    {
        return Err(ViewError::NotFound(format!("project `{slug}` has no decision `{focus}` to focus on")));
    }
    let mut categories: Vec<String> = project.decisions.iter().filter_map(|d| d.decision().category.clone()).collect();
    categories.sort();
    categories.dedup();
    let style_of: HashMap<&str, usize> =
        categories.iter().enumerate().map(|(i, c)| (c.as_str(), i % CATEGORY_STYLES)).collect();
    let chosen = select(project, &edges, selection);
    let body = html! {
        form method="get" class="filters" role="search" {
            input type="hidden" name="ref" value=(state.revision.query());
            label { "Find " input type="search" name="q" value=[selection.q.as_deref()] id="graph-search" aria-label="Find decisions by key or question"; }
            label { "Category " select name="category" {
                option value="" { "any" }
                @for c in &categories { option value=(c) selected[selection.category.as_deref() == Some(c.as_str())] { (c) } }
            } }
            button type="submit" { "Show" }
        }
        @match &chosen {
            None => {
                p class="notice" {
                    (project.decisions.len()) " decisions are too many to draw at once (at most " (WHOLE) "). "
                    "Choose a category, search, or focus on a decision."
                }
                ul class="cards" {
                    @for c in &categories {
                        @let count = project.decisions.iter().filter(|d| d.decision().category.as_deref() == Some(c.as_str())).count();
                        li { a href={ (links.graph()) "&category=" (super::page::encode(c)) } { (c) } " (" (count) " decisions)" }
                    }
                }
            }
            Some(chosen) => {
                @let graph = layout(project, chosen, &edges);
                p class="meta" {
                    (graph.nodes.len()) " decisions, " (graph.edges.len()) " links"
                    @if let Some(focus) = selection.focus.as_deref().filter(|f| !f.is_empty()) {
                        " around " a href=(links.decision(focus)) { (focus) } " · " a href=(links.graph()) { "the whole graph" }
                    }
                    ". Drag to pan, scroll or " kbd { "+" } " / " kbd { "−" } " to zoom, arrow keys to move between decisions."
                }
                (legend())
                (svg(project, &graph, &links, &style_of))
            }
        }
    };
    Ok(page("Decision graph", &crumbs(&links), body))
}

fn legend() -> Markup {
    html! {
        ul class="legend" aria-label="Legend" {
            @for (class, label) in [("decided", "decided"), ("assumed", "assumed"), ("deferred", "deferred"), ("superseded", "superseded")] {
                li { svg width="14" height="14" aria-hidden="true" { rect class={ "s-" (class) } x="1" y="1" width="12" height="12" rx="3" {} } " " (label) }
            }
            li { "— depends on" } li { "- - supersedes" } li { "··· shares a fact or rule" }
        }
    }
}

fn svg(project: &ProjectSpec, graph: &Graph, links: &Links, style_of: &HashMap<&str, usize>) -> Markup {
    let (w, h) = (graph.width, graph.height);
    html! {
        div class="graph" tabindex="-1" {
            svg id="graph" xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (w) " " (h) } width=(w) height=(h)
                role="group" aria-label="Decision graph" {
                defs {
                    marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" orient="auto-start-reverse" {
                        path d="M0,0 L8,4 L0,8 z" class="arrowhead" {}
                    }
                }
                g class="edges" {
                    @for &(a, b, kind) in &graph.edges {
                        @let (_, ax, ay) = graph.nodes[a];
                        @let (_, bx, by) = graph.nodes[b];
                        @let (x1, x2) = if ax < bx { (ax + NODE_WIDTH, bx) } else if ax > bx { (ax, bx + NODE_WIDTH) } else { (ax + NODE_WIDTH, bx + NODE_WIDTH) };
                        line x1=(x1) y1=(ay + NODE_HEIGHT / 2.0) x2=(x2) y2=(by + NODE_HEIGHT / 2.0)
                            class=(match kind { EdgeKind::DependsOn => "e-depends", EdgeKind::Supersedes => "e-supersedes", EdgeKind::Related => "e-related" })
                            marker-end=[(kind != EdgeKind::Related).then_some("url(#arrow)")]
                            data-from=(project.decisions[graph.nodes[a].0].decision().key)
                            data-to=(project.decisions[graph.nodes[b].0].decision().key) {}
                    }
                }
                g class="nodes" {
                    @for &(i, x, y) in &graph.nodes {
                        @let d = project.decisions[i].decision();
                        @let style = d.category.as_deref().and_then(|c| style_of.get(c)).copied().unwrap_or(0);
                        a href=(links.decision(&d.key)) class={ "node s-" (status_name(d.status)) " c" (style) }
                            data-key=(d.key) transform={ "translate(" (x) "," (y) ")" } {
                            title { (d.key) ": " (d.question) }
                            rect width=(NODE_WIDTH) height=(NODE_HEIGHT) rx="6" {}
                            text x="8" y="18" { (short(&d.key)) }
                        }
                    }
                }
            }
        }
    }
}

/// A label that fits a node.
fn short(key: &str) -> String {
    const MAX: usize = 28;
    if key.chars().count() <= MAX {
        key.to_owned()
    } else {
        format!("{}…", key.chars().take(MAX - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Snapshot;
    use spec_format::Layout;

    fn project(decisions: usize) -> spec_format::Workspace {
        let snapshot = Snapshot { files: crate::synth::project("big", decisions, decisions / 5), findings: Vec::new() };
        crate::conversation::workspace(&snapshot, &Layout { specs_dir: "specs".into() })
    }

    #[test]
    fn layers_follow_dependencies_and_related_decisions_are_chained() {
        let workspace = project(120);
        let project = &workspace.projects[0];
        let edges = edges_of(project, &workspace.rules_for(project));
        let depends = edges.iter().filter(|e| e.2 == EdgeKind::DependsOn).count();
        assert_eq!(depends, 80, "decision i depends on i - 40");
        assert!(edges.iter().any(|e| e.2 == EdgeKind::Related), "shared category facts relate decisions");
        let all: Vec<usize> = (0..project.decisions.len()).collect();
        let graph = layout(project, &all, &edges);
        for &(a, b, kind) in &graph.edges {
            if kind == EdgeKind::DependsOn {
                assert!(graph.nodes[a].1 < graph.nodes[b].1, "a dependency is left of what depends on it");
            }
        }
        let mut places: Vec<(i64, i64)> = graph.nodes.iter().map(|n| (n.1 as i64, n.2 as i64)).collect();
        places.sort();
        places.dedup();
        assert_eq!(places.len(), graph.nodes.len(), "no two decisions in one place");
    }

    #[test]
    fn a_large_graph_opens_focused_never_whole() {
        let workspace = project(1_200);
        let project = &workspace.projects[0];
        let edges = edges_of(project, &workspace.rules_for(project));
        assert!(select(project, &edges, &Selection::default()).is_none());
        let focus = Selection { focus: Some(crate::synth::key(500)), ..Selection::default() };
        let near = select(project, &edges, &focus).unwrap();
        assert!(near.len() > 1 && near.len() < 200, "{} around one decision", near.len());
        let category = Selection { category: Some("area7".into()), ..Selection::default() };
        assert_eq!(select(project, &edges, &category).unwrap().len(), 30);
    }
}
