//! The delivery plan: atomic tasks in phases (setup, foundation, one phase per user story in
//! priority order, supporting work by area, polish), each delivering one thing — an operation,
//! a table, a screen, a job, a notification, a file — in the conventional place of the decided
//! stack, with at most eight acceptance criteria that name the requirements and scenarios they
//! prove. Every operation, table and screen is delivered by exactly one task.

mod criteria;

use super::implied::{Body, Implied, Item, Operation, Origin};
use super::layout::Layout;
use super::prd::area_name;
use super::schema::{self, Table};
use super::spec::Requirement;
use super::{Spec, entities};
use criteria::{answer_criterion, criterion, lower, owners, setting_criterion};
use spec_format::model::implies::Phase;
use std::collections::{BTreeMap, BTreeSet};

/// The handle of the task that makes the project: the one the template's manifest tasks join.
const SKELETON: &str = "skeleton";

/// The most acceptance criteria a task carries; more means it is not atomic.
pub const MAX_CRITERIA: usize = 8;

pub struct Task {
    /// `T001`, `T002`, ... in plan order.
    pub id: String,
    pub title: String,
    /// What it delivers, in words: "operation `createInvitation` (`POST /invitations`)".
    pub delivers: String,
    /// The file it creates or changes.
    pub path: String,
    pub phase: usize,
    pub story: Option<String>,
    pub criteria: Vec<String>,
    pub requirements: Vec<String>,
    pub depends_on: Vec<String>,
    /// No dependency inside its own phase: it can be done beside the phase's other tasks.
    pub parallel: bool,
    pub size: &'static str,
    pub label: String,
}

pub struct PhaseInfo {
    pub title: String,
    /// What is true when the phase is done.
    pub checkpoint: String,
}

pub struct Plan {
    pub layout: &'static Layout,
    pub phases: Vec<PhaseInfo>,
    pub tasks: Vec<Task>,
}

struct Draft {
    handle: String,
    title: String,
    delivers: String,
    path: String,
    phase: usize,
    story: Option<String>,
    criteria: Vec<String>,
    requirements: Vec<String>,
    needs: Vec<String>,
    label: String,
}

pub fn plan(spec: &Spec<'_>) -> Plan {
    let implied = spec.implied();
    let layout = Layout::of(spec.word("stack.language").as_deref());
    let requirements: BTreeMap<&str, &Requirement> = spec.requirements().iter().map(|r| (r.id.as_str(), r)).collect();
    let tables = schema::tables(spec);
    let mut b = Builder {
        implied,
        manifest: layout.manifest,
        owners: owners(implied, &requirements),
        drafts: Vec::new(),
        phases: Vec::new(),
        requirements: &requirements,
    };

    // Setup.
    let setup = b.phase("Setup", "the project builds and its empty test suite passes in CI");
    // A template's own tasks for the manifest are the skeleton's: one task, their checks added.
    let own: Vec<&super::implied::Task> = implied.tasks.iter().filter(|t| t.spec.delivers == layout.manifest).collect();
    let mut criteria = vec![
        format!("`{}` succeeds on a clean clone", layout.build),
        format!("`{}` runs and reports 0 failures", layout.test),
        "CI runs the build and the tests on every pull request and blocks the merge when either fails".into(),
    ];
    criteria.extend(own.iter().flat_map(|t| t.spec.done_when.iter().cloned()));
    let mut seen = BTreeSet::new();
    criteria.retain(|c| seen.insert(c.clone()));
    criteria.truncate(MAX_CRITERIA);
    b.push(Draft {
        handle: SKELETON.into(),
        title: format!("Create the {} project skeleton", layout.language),
        delivers: "the project skeleton and its CI".into(),
        path: layout.manifest.into(),
        phase: setup,
        story: None,
        criteria,
        requirements: own.iter().flat_map(|t| t.origin.requirements.iter().cloned()).collect(),
        needs: Vec::new(),
        label: "setup".into(),
    });
    for (n, chunk) in implied.config.chunks(6).enumerate() {
        let mut criteria: Vec<String> = chunk.iter().map(setting_criterion).collect();
        criteria.push(
            "a missing required setting stops start-up with an error that names it; no secret value is ever logged"
                .into(),
        );
        b.push(Draft {
            handle: format!("config:{n}"),
            title: format!(
                "Read configuration: {}",
                chunk.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
            delivers: format!("{} setting(s) read at start-up", chunk.len()),
            path: layout.config.into(),
            phase: setup,
            story: None,
            criteria,
            requirements: chunk.iter().flat_map(|i| i.origin.requirements.iter().take(1).cloned()).collect(),
            needs: vec![SKELETON.into()],
            label: "setup".into(),
        });
    }
    b.declared(spec, Phase::Setup, setup, None);

    // Foundation: every table, in the order their foreign keys need.
    let foundation =
        b.phase("Foundation", "every migration applies to an empty database and the schema matches `schema.sql`");
    for (n, table) in tables.iter().enumerate() {
        b.push(table_draft(table, n + 1, layout, foundation, implied));
    }
    b.declared(spec, Phase::Foundation, foundation, None);

    // One phase per story, in priority order; then the work no story claims, by area.
    let mut delivered_reqs: BTreeSet<String> = BTreeSet::new();
    for (i, story) in implied.stories.iter().enumerate() {
        let phase = b.phase(
            &format!("{} {} ({})", story.id, story.title, story.priority.as_str()),
            &format!("the acceptance scenarios of {} pass on their own", story.id),
        );
        let label = spec.decision(&story.key).and_then(|d| d.category.clone()).unwrap_or_else(|| "spec".into());
        b.capabilities(spec, Some(i), phase, Some(story.id.clone()), &label, layout, &tables, &mut delivered_reqs);
    }
    let mut areas: Vec<String> = Vec::new();
    for origin in story_less(spec) {
        let area = category_of(spec, &origin.key);
        if !areas.contains(&area) {
            areas.push(area);
        }
    }
    for area in &areas {
        let phase = b.phase(
            &format!("{} (no user story)", area_name(area)),
            &format!("the {area} requirements' scenarios pass"),
        );
        b.area_capabilities(spec, area, phase, layout, &tables, &mut delivered_reqs);
    }
    // Requirements that no capability delivered: one task per decision, proved by its scenarios.
    let leftover: Vec<&Requirement> = spec.requirements().iter().filter(|r| !delivered_reqs.contains(&r.id)).collect();
    let mut by_key: Vec<(String, Vec<&Requirement>)> = Vec::new();
    for r in leftover {
        match by_key.iter_mut().find(|(k, _)| *k == r.key) {
            Some((_, list)) => list.push(r),
            None => by_key.push((r.key.clone(), vec![r])),
        }
    }
    let polish =
        b.phase("Polish and hardening", "every non-functional requirement is measured and every scenario passes in CI");
    for (key, reqs) in by_key {
        for (n, chunk) in reqs.chunks(MAX_CRITERIA).enumerate() {
            let category = chunk[0].category.clone();
            let phase = match chunk[0].story {
                Some(s) => b.story_phase(&implied.stories[s].id).unwrap_or(polish),
                None => polish,
            };
            let file = category.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
            b.push(Draft {
                handle: format!("behaviour:{key}:{n}"),
                title: format!("Meet the requirements of `{key}`"),
                delivers: format!("the behaviour `{key}` decides, proved by `features/{file}.feature`"),
                path: format!("features/{file}.feature"),
                phase,
                story: chunk[0].story.map(|s| implied.stories[s].id.clone()),
                criteria: chunk.iter().map(|r| criterion(r)).collect(),
                requirements: chunk.iter().map(|r| r.id.clone()).collect(),
                needs: vec![SKELETON.into()],
                label: category,
            });
        }
    }
    let mut nfr_keys: Vec<&str> = Vec::new();
    for n in &implied.nfrs {
        if !nfr_keys.contains(&n.key.as_str()) {
            nfr_keys.push(&n.key);
        }
    }
    for key in nfr_keys {
        let nfrs: Vec<_> = implied.nfrs.iter().filter(|n| n.key == key).collect();
        for (n, chunk) in nfrs.chunks(MAX_CRITERIA).enumerate() {
            b.push(Draft {
                handle: format!("nfr:{key}:{n}"),
                title: format!("Measure the non-functional requirements of `{key}`"),
                delivers: "a check in CI or an alert in production for each threshold".into(),
                path: format!("ops/checks/{}.md", key.replace('.', "-")),
                phase: polish,
                story: None,
                criteria: chunk
                    .iter()
                    .map(|n| format!("{}: {} — measured, with the result recorded", n.id, n.text))
                    .collect(),
                requirements: Vec::new(),
                needs: vec![SKELETON.into()],
                label: category_of(spec, key),
            });
        }
    }
    b.declared(spec, Phase::Polish, polish, None);
    b.finish(layout)
}

struct Builder<'r> {
    implied: &'r Implied,
    /// The stack's manifest file, delivered by the skeleton task alone.
    manifest: &'static str,
    /// Which capability (by handle) delivers each requirement.
    owners: BTreeMap<String, String>,
    drafts: Vec<Draft>,
    phases: Vec<PhaseInfo>,
    requirements: &'r BTreeMap<&'r str, &'r Requirement>,
}

impl Builder<'_> {
    /// The requirements a capability delivers, in id order.
    fn assigned(&self, handle: &str) -> Vec<String> {
        self.owners.iter().filter(|(_, h)| *h == handle).map(|(id, _)| id.clone()).collect()
    }

    fn phase(&mut self, title: &str, checkpoint: &str) -> usize {
        self.phases.push(PhaseInfo { title: title.to_owned(), checkpoint: checkpoint.to_owned() });
        self.phases.len() - 1
    }

    fn story_phase(&self, story: &str) -> Option<usize> {
        self.phases.iter().position(|p| p.title.starts_with(&format!("{story} ")))
    }

    fn push(&mut self, draft: Draft) {
        if !self.drafts.iter().any(|d| d.handle == draft.handle) {
            self.drafts.push(draft);
        }
    }

    /// The template's own tasks of one phase (and, for story tasks, of one story).
    fn declared(&mut self, spec: &Spec<'_>, phase: Phase, index: usize, story: Option<usize>) {
        for t in spec
            .implied
            .tasks
            .iter()
            .filter(|t| t.spec.phase == phase && (phase != Phase::Story || t.origin.story == story))
        {
            let mut criteria: Vec<String> = t.spec.done_when.iter().take(MAX_CRITERIA).cloned().collect();
            if criteria.is_empty() {
                criteria.push(format!("`{}` exists and is reviewed", t.spec.delivers));
            }
            self.push(Draft {
                handle: format!("task:{}", t.spec.delivers),
                title: t.spec.title.clone(),
                delivers: format!("`{}`", t.spec.delivers),
                path: t.spec.delivers.clone(),
                phase: index,
                story: story.map(|s| spec.implied.stories[s].id.clone()),
                criteria,
                requirements: t.origin.requirements.clone(),
                needs: vec![SKELETON.into()],
                label: category_of(spec, &t.origin.key),
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn capabilities(
        &mut self,
        spec: &Spec<'_>,
        story: Option<usize>,
        phase: usize,
        story_id: Option<String>,
        label: &str,
        layout: &Layout,
        tables: &[Table],
        delivered: &mut BTreeSet<String>,
    ) {
        let implied = &spec.implied;
        let ops: Vec<&Operation> = implied.operations.iter().filter(|o| o.origin.story == story).collect();
        self.operations(&ops, phase, story_id.clone(), label, layout, tables, delivered);
        for (list, kind) in
            [(&implied.screens, "screen"), (&implied.jobs, "job"), (&implied.notifications, "notification")]
        {
            let items: Vec<&Item> = list.iter().filter(|i| i.origin.story == story).collect();
            self.items(&items, kind, phase, story_id.clone(), label, layout, delivered);
        }
        if story.is_some() {
            self.declared(spec, Phase::Story, phase, story);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn area_capabilities(
        &mut self,
        spec: &Spec<'_>,
        area: &str,
        phase: usize,
        layout: &Layout,
        tables: &[Table],
        delivered: &mut BTreeSet<String>,
    ) {
        let implied = &spec.implied;
        let here = |o: &Origin| o.story.is_none() && category_of(spec, &o.key) == area;
        let ops: Vec<&Operation> = implied.operations.iter().filter(|o| here(&o.origin)).collect();
        self.operations(&ops, phase, None, area, layout, tables, delivered);
        for (list, kind) in
            [(&implied.screens, "screen"), (&implied.jobs, "job"), (&implied.notifications, "notification")]
        {
            let items: Vec<&Item> = list.iter().filter(|i| here(&i.origin)).collect();
            self.items(&items, kind, phase, None, area, layout, delivered);
        }
        let manifest = self.manifest;
        let tasks = implied
            .tasks
            .iter()
            .filter(|t| t.spec.phase == Phase::Story && here(&t.origin) && t.spec.delivers != manifest);
        for t in tasks {
            let criteria = if t.spec.done_when.is_empty() {
                vec![format!("`{}` exists and is reviewed", t.spec.delivers)]
            } else {
                t.spec.done_when.iter().take(MAX_CRITERIA).cloned().collect()
            };
            self.push(Draft {
                handle: format!("task:{}", t.spec.delivers),
                title: t.spec.title.clone(),
                delivers: format!("`{}`", t.spec.delivers),
                path: t.spec.delivers.clone(),
                phase,
                story: None,
                criteria,
                requirements: t.origin.requirements.clone(),
                needs: vec![SKELETON.into()],
                label: area.to_owned(),
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn operations(
        &mut self,
        ops: &[&Operation],
        phase: usize,
        story: Option<String>,
        label: &str,
        layout: &Layout,
        tables: &[Table],
        delivered: &mut BTreeSet<String>,
    ) {
        for op in ops {
            let (path, _test) = layout.handler(&op.path);
            let mut criteria = Vec::new();
            let mut covered = Vec::new();
            let handle = format!("op:{}", op.id);
            for id in self.assigned(&handle).into_iter().take(MAX_CRITERIA - 3) {
                if let Some(r) = self.requirements.get(id.as_str()) {
                    criteria.push(criterion(r));
                    covered.push(id.clone());
                    delivered.insert(id.clone());
                }
            }
            if op.public {
                criteria.push(format!("`{} {}` answers without credentials", op.method, op.path));
            } else {
                criteria
                    .push(format!("`{} {}` without credentials answers 401 and changes nothing", op.method, op.path));
            }
            if !op.denied.is_empty() {
                criteria.push(format!(
                    "a {} gets 403; only {} may call it",
                    op.denied.join(" or "),
                    op.roles.join(" or ")
                ));
            }
            criteria.insert(0, answer_criterion(op));
            criteria.truncate(MAX_CRITERIA);
            let mut needs = vec![SKELETON.to_owned()];
            needs.extend(tables_for(op, tables, self.implied).into_iter().map(|t| format!("table:{t}")));
            self.push(Draft {
                handle: format!("op:{}", op.id),
                title: format!("`{} {}`: {}", op.method, op.path, op.summary),
                delivers: format!("operation `{}` (`{} {}`)", op.id, op.method, op.path),
                path,
                phase,
                story: story.clone(),
                criteria,
                requirements: covered,
                needs,
                label: label.to_owned(),
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn items(
        &mut self,
        items: &[&Item],
        kind: &str,
        phase: usize,
        story: Option<String>,
        label: &str,
        layout: &Layout,
        delivered: &mut BTreeSet<String>,
    ) {
        for item in items {
            let (title, delivers, path, first) = match kind {
                "screen" => (
                    format!("Screen `{}`: {}", item.name, item.detail),
                    format!("screen `{}`", item.name),
                    layout.screen(&item.name),
                    format!("`{}` shows: {}", item.name, lower(&item.purpose)),
                ),
                "job" => (
                    format!("Job `{}` ({})", item.name, item.detail),
                    format!("job `{}`", item.name),
                    layout.job(&item.name),
                    format!(
                        "runs on `{}` and does this: {}; a second run over the same data changes nothing",
                        item.detail,
                        lower(&item.purpose)
                    ),
                ),
                _ => (
                    format!("Notification `{}` ({})", item.name, item.detail),
                    format!("notification `{}`", item.name),
                    layout.notification(&item.name),
                    format!("sent by {} {}; the test captures exactly one message", item.detail, item.purpose),
                ),
            };
            let mut criteria = vec![first];
            let mut covered = Vec::new();
            for id in self.assigned(&format!("{kind}:{}", item.name)).into_iter().take(MAX_CRITERIA - 1) {
                if let Some(r) = self.requirements.get(id.as_str()) {
                    criteria.push(criterion(r));
                    covered.push(id.clone());
                    delivered.insert(id.clone());
                }
            }
            let mut needs = vec![SKELETON.to_owned()];
            if kind == "screen" {
                needs.extend(
                    self.drafts
                        .iter()
                        .filter(|d| d.phase == phase && d.handle.starts_with("op:"))
                        .map(|d| d.handle.clone())
                        .take(1),
                );
            } else {
                needs.extend(origin_tables(&item.origin, self.implied));
            }
            self.push(Draft {
                handle: format!("{kind}:{}", item.name),
                title,
                delivers,
                path,
                phase,
                story: story.clone(),
                criteria,
                requirements: covered,
                needs,
                label: label.to_owned(),
            });
        }
    }

    /// Numbers the drafts in phase order and turns handles into task ids.
    fn finish(mut self, layout: &'static Layout) -> Plan {
        // Phases no task landed in are dropped, and the rest numbered without gaps.
        let used: BTreeSet<usize> = self.drafts.iter().map(|d| d.phase).collect();
        let renumber: BTreeMap<usize, usize> = used.iter().enumerate().map(|(new, &old)| (old, new)).collect();
        for d in &mut self.drafts {
            d.phase = renumber[&d.phase];
            let mut seen = BTreeSet::new();
            d.requirements.retain(|r| seen.insert(r.clone()));
        }
        let phases: Vec<PhaseInfo> = std::mem::take(&mut self.phases)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| used.contains(i))
            .map(|(_, p)| p)
            .collect();
        self.phases = phases;
        let mut order: Vec<usize> = (0..self.drafts.len()).collect();
        order.sort_by_key(|&i| self.drafts[i].phase);
        let ids: BTreeMap<&str, String> = (order.iter().enumerate())
            .map(|(n, &i)| (self.drafts[i].handle.as_str(), format!("T{:03}", n + 1)))
            .collect();
        let phase_of: BTreeMap<&str, usize> = self.drafts.iter().map(|d| (d.handle.as_str(), d.phase)).collect();
        let tasks = (order.iter())
            .map(|&i| {
                let d = &self.drafts[i];
                let needs: Vec<&str> =
                    d.needs.iter().map(String::as_str).filter(|h| *h != d.handle && ids.contains_key(h)).collect();
                let parallel = needs.iter().all(|h| phase_of.get(h).is_some_and(|p| *p < d.phase));
                let mut depends_on: Vec<String> = needs.iter().map(|h| ids[h].clone()).collect();
                depends_on.sort();
                depends_on.dedup();
                let size = match d.criteria.len() {
                    0..=2 => "S",
                    3..=5 => "M",
                    _ => "L",
                };
                Task {
                    id: ids[d.handle.as_str()].clone(),
                    title: d.title.clone(),
                    delivers: d.delivers.clone(),
                    path: d.path.clone(),
                    phase: d.phase,
                    story: d.story.clone(),
                    criteria: d.criteria.clone(),
                    requirements: d.requirements.clone(),
                    depends_on,
                    parallel,
                    size,
                    label: d.label.clone(),
                }
            })
            .collect();
        Plan { layout, phases: self.phases, tasks }
    }
}

fn table_draft(table: &Table, n: usize, layout: &Layout, phase: usize, implied: &Implied) -> Draft {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let mut criteria = vec![format!("the migration creates `{}` with {}", table.name, columns.join(", "))];
    let refs: Vec<String> = table.columns.iter().filter_map(|c| c.references.clone()).collect();
    if !refs.is_empty() {
        criteria.push(format!(
            "foreign keys to {} refuse rows that point nowhere",
            refs.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    let checks: Vec<&str> = table.columns.iter().filter_map(|c| c.check.as_deref()).collect();
    if !checks.is_empty() {
        criteria.push(format!("CHECK constraints hold: {}", checks.join("; ")));
    }
    criteria.push("the migration applies to an empty database and `schema.sql` matches the migrated schema".into());
    let origin =
        implied.tables.iter().find(|t| t.name == table.name).map(|t| t.origin.requirements.clone()).unwrap_or_default();
    let mut needs = vec![SKELETON.to_owned()];
    needs.extend(refs.iter().filter(|r| **r != table.name).map(|r| format!("table:{r}")));
    Draft {
        handle: format!("table:{}", table.name),
        title: format!("Create the `{}` table", table.name),
        delivers: format!("table `{}`", table.name),
        path: layout.migration(n, &table.name),
        phase,
        story: None,
        criteria,
        requirements: origin,
        needs,
        label: "data".into(),
    }
}

/// The tables an operation reads or writes: its request and response types.
fn tables_for(op: &Operation, tables: &[Table], implied: &Implied) -> Vec<String> {
    let mut out = Vec::new();
    for body in [&op.request, &op.response] {
        if let Body::Type { name, .. } = body
            && let Some(snake) = entities::snake(name)
        {
            let plural = entities::plural(&snake);
            if tables.iter().any(|t| t.name == plural) {
                out.push(plural);
            }
        }
    }
    out.extend(
        origin_tables(&op.origin, implied).into_iter().filter_map(|h| h.strip_prefix("table:").map(str::to_owned)),
    );
    out.sort();
    out.dedup();
    out
}

/// The handles of the tables declared in the same block as an item.
fn origin_tables(origin: &Origin, implied: &Implied) -> Vec<String> {
    (implied.tables.iter())
        .filter(|t| t.origin.key == origin.key && t.origin.requirements == origin.requirements)
        .map(|t| format!("table:{}", t.name))
        .collect()
}

fn category_of(spec: &Spec<'_>, key: &str) -> String {
    spec.decision(key)
        .and_then(|d| d.category.clone())
        .unwrap_or_else(|| key.split('.').next().unwrap_or("spec").to_owned())
}

/// Origins of capabilities no story claims.
fn story_less<'s>(spec: &'s Spec<'_>) -> Vec<&'s Origin> {
    let i = &spec.implied;
    (i.operations.iter().map(|o| &o.origin))
        .chain(i.screens.iter().map(|x| &x.origin))
        .chain(i.jobs.iter().map(|x| &x.origin))
        .chain(i.notifications.iter().map(|x| &x.origin))
        .chain(i.tasks.iter().filter(|t| t.spec.phase == Phase::Story).map(|t| &t.origin))
        .filter(|o| o.story.is_none())
        .collect()
}
