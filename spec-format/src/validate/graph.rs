//! Checks across a project's decisions: dependencies, cycles, supersedes, duplicate questions.

use crate::finding::{Code, Finding, Location, Severity};
use crate::ident::did_you_mean;
use crate::model::Status;
use crate::workspace::{DecisionDoc, ProjectSpec};
use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;
use std::collections::HashMap;

pub fn check(project: &ProjectSpec, out: &mut Vec<Finding>) {
    let by_key: HashMap<&str, &DecisionDoc> =
        project.decisions.iter().map(|d| (d.decision().key.as_str(), d)).collect();
    dependencies(project, &by_key, out);
    cycles(project, out);
    supersedes(project, &by_key, out);
    duplicate_questions(project, out);
}

fn at(doc: &DecisionDoc, field: &str) -> Location {
    Location::new(doc.path(), doc.doc.lines.first_of(&[field, "key"]))
}

fn dependencies(project: &ProjectSpec, by_key: &HashMap<&str, &DecisionDoc>, out: &mut Vec<Finding>) {
    for doc in &project.decisions {
        let here = at(doc, "depends_on");
        for dep in &doc.decision().depends_on {
            match by_key.get(dep.as_str()) {
                None => {
                    let finding = Finding::new(
                        Code::MissingDependency,
                        &here.path,
                        here.line,
                        format!(
                            "`{}` depends on `{dep}`, which project `{}` does not have",
                            doc.decision().key,
                            project.slug
                        ),
                    );
                    out.push(match did_you_mean(dep, by_key.keys().copied()) {
                        Some(s) => finding.help(format!("did you mean `{s}`?")),
                        None => finding.help(format!("answer `{dep}` first, or remove it from `depends_on`")),
                    });
                }
                Some(target) => {
                    let t = target.decision();
                    let undecided = match t.status {
                        Status::Deferred | Status::Superseded => Some(t.status.as_str()),
                        _ if t.answer.is_none() => Some("unanswered"),
                        _ => None,
                    };
                    if let Some(state) = undecided {
                        out.push(
                            Finding::new(
                                Code::UndecidedDependency,
                                &here.path,
                                here.line,
                                format!("`{}` depends on `{dep}`, which is {state}", doc.decision().key),
                            )
                            .related(at(target, "status").with_message(format!("`{dep}` is {state}"))),
                        );
                    }
                }
            }
        }
    }
}

fn cycles(project: &ProjectSpec, out: &mut Vec<Finding>) {
    let mut graph = DiGraph::<usize, ()>::with_capacity(project.decisions.len(), project.decisions.len());
    let nodes: Vec<_> = (0..project.decisions.len()).map(|i| graph.add_node(i)).collect();
    let index: HashMap<&str, usize> =
        project.decisions.iter().enumerate().map(|(i, d)| (d.decision().key.as_str(), i)).collect();
    for (i, doc) in project.decisions.iter().enumerate() {
        for dep in &doc.decision().depends_on {
            if let Some(&j) = index.get(dep.as_str()) {
                graph.add_edge(nodes[i], nodes[j], ());
            }
        }
    }
    for component in tarjan_scc(&graph) {
        let first = component[0];
        let self_loop = component.len() == 1 && graph.contains_edge(first, first);
        if component.len() < 2 && !self_loop {
            continue;
        }
        let mut members: Vec<&DecisionDoc> = component.iter().map(|n| &project.decisions[graph[*n]]).collect();
        members.sort_by(|a, b| a.path().cmp(b.path()));
        let keys: Vec<&str> = members.iter().map(|d| d.decision().key.as_str()).collect();
        let head = at(members[0], "depends_on");
        let mut finding = Finding::new(
            Code::DependencyCycle,
            &head.path,
            head.line,
            format!("dependency cycle: {} -> {}", keys.join(" -> "), keys[0]),
        )
        .help("a decision cannot build on itself; remove one `depends_on` entry of the cycle");
        for member in &members[1..] {
            finding = finding.related(at(member, "depends_on"));
        }
        out.push(finding);
    }
}

fn supersedes(project: &ProjectSpec, by_key: &HashMap<&str, &DecisionDoc>, out: &mut Vec<Finding>) {
    let mut replaced: HashMap<&str, &DecisionDoc> = HashMap::new();
    for doc in &project.decisions {
        let here = at(doc, "supersedes");
        for old in &doc.decision().supersedes {
            replaced.insert(old.as_str(), doc);
            let problem = match by_key.get(old.as_str()) {
                None => Some(format!("`{}` supersedes `{old}`, which does not exist", doc.decision().key)),
                Some(target) if target.decision().status != Status::Superseded => Some(format!(
                    "`{}` supersedes `{old}`, but `{old}` is still {}",
                    doc.decision().key,
                    target.decision().status.as_str()
                )),
                Some(_) => None,
            };
            if let Some(message) = problem {
                let mut finding = Finding::new(Code::InconsistentSupersedes, &here.path, here.line, message)
                    .help(format!("set `status: superseded` on `{old}`, or remove it from `supersedes`"));
                if let Some(target) = by_key.get(old.as_str()) {
                    finding = finding.related(at(target, "status"));
                }
                out.push(finding);
            }
        }
    }
    for doc in project.decisions.iter().filter(|d| d.decision().status == Status::Superseded) {
        if !replaced.contains_key(doc.decision().key.as_str()) {
            let here = at(doc, "status");
            out.push(
                Finding::new(
                    Code::InconsistentSupersedes,
                    &here.path,
                    here.line,
                    format!("`{}` is superseded, but no decision supersedes it", doc.decision().key),
                )
                .severity(Severity::Warning)
                .help("list it in the `supersedes` of the decision that replaced it"),
            );
        }
    }
}

fn duplicate_questions(project: &ProjectSpec, out: &mut Vec<Finding>) {
    let mut seen: HashMap<String, &DecisionDoc> = HashMap::new();
    for doc in &project.decisions {
        let normalised = doc.decision().question.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if normalised.is_empty() {
            continue;
        }
        match seen.get(&normalised) {
            Some(first) => {
                let here = at(doc, "question");
                out.push(
                    Finding::new(
                        Code::DuplicateQuestion,
                        &here.path,
                        here.line,
                        format!("`{}` asks the same question as `{}`", doc.decision().key, first.decision().key),
                    )
                    .related(at(first, "question"))
                    .help("keep one decision and supersede the other"),
                );
            }
            None => {
                seen.insert(normalised, doc);
            }
        }
    }
}
