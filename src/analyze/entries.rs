//! Where programs start and what gets deployed: files that start a program (from their facts),
//! package.json `main`/`bin`/start scripts, Dockerfiles (and their CMD), compose services and
//! Kubernetes workloads; and which files are tests, with the code they import.

use super::resolve::{join, normalize, parent};
use super::{Container, Edge, EntryPoint, Parsed, TestFile};
use std::collections::{BTreeMap, HashMap};

/// Kubernetes kinds that run code.
const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"];

/// `system` names what a Dockerfile at the top builds.
pub fn find(files: &[Parsed], configs: &HashMap<String, String>, system: &str) -> (Vec<EntryPoint>, Vec<Container>) {
    let mut entries: Vec<EntryPoint> = (files.iter())
        .filter_map(|f| Some(EntryPoint { path: f.path.clone(), kind: f.facts.main.clone()?, name: None }))
        .collect();
    let mut containers = Vec::new();
    let mut configs: Vec<(&String, &String)> = configs.iter().collect();
    configs.sort();
    for (path, text) in configs {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == "package.json" {
            entries.extend(package_json(path, text));
        } else if name == "Dockerfile" || name.starts_with("Dockerfile.") || name.ends_with(".dockerfile") {
            let folder = parent(path);
            let service = folder.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or(system);
            let context = Some(folder.to_owned());
            containers.push(Container { name: service.into(), path: path.clone(), kind: "docker".into(), context });
            let command = text.lines().rev().find_map(|l| {
                let l = l.trim();
                l.strip_prefix("CMD ").or_else(|| l.strip_prefix("ENTRYPOINT ")).map(str::trim)
            });
            if let Some(command) = command {
                entries.push(EntryPoint { path: path.clone(), kind: "docker CMD".into(), name: Some(command.into()) });
            }
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            let (found_entries, found_containers) = yaml(path, text);
            entries.extend(found_entries);
            containers.extend(found_containers);
        }
    }
    entries.sort();
    entries.dedup();
    (entries, containers)
}

fn package_json(path: &str, text: &str) -> Vec<EntryPoint> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else { return Vec::new() };
    let folder = parent(path);
    let file = |relative: &str| normalize(&join(folder, relative)).unwrap_or_else(|| relative.to_owned());
    let mut out = Vec::new();
    if let Some(main) = json["main"].as_str() {
        out.push(EntryPoint { path: file(main), kind: "package.json main".into(), name: None });
    }
    match &json["bin"] {
        serde_json::Value::String(bin) => {
            let name = json["name"].as_str().map(str::to_owned);
            out.push(EntryPoint { path: file(bin), kind: "package.json bin".into(), name });
        }
        serde_json::Value::Object(bins) => out.extend(bins.iter().filter_map(|(name, bin)| {
            Some(EntryPoint { path: file(bin.as_str()?), kind: "package.json bin".into(), name: Some(name.clone()) })
        })),
        _ => {}
    }
    for script in ["start", "serve", "dev"] {
        if let Some(command) = json["scripts"][script].as_str() {
            let kind = format!("npm script {script}");
            out.push(EntryPoint { path: path.to_owned(), kind, name: Some(command.to_owned()) });
        }
    }
    out
}

/// A compose file's services, or a Kubernetes manifest's workloads (each document of it).
fn yaml(path: &str, text: &str) -> (Vec<EntryPoint>, Vec<Container>) {
    let (mut entries, mut containers) = (Vec::new(), Vec::new());
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.starts_with("docker-compose") || name.starts_with("compose.") {
        let Ok(doc) = yaml_serde::from_str::<yaml_serde::Value>(text) else { return (entries, containers) };
        let Some(services) = doc.get("services").and_then(|s| s.as_mapping()) else { return (entries, containers) };
        for (service, spec) in services {
            let Some(service) = service.as_str() else { continue };
            let build = spec.get("build");
            let context = build.and_then(|b| b.as_str().or_else(|| b.get("context").and_then(|c| c.as_str())));
            let context = context.and_then(|c| normalize(&join(parent(path), c)));
            let kind = "compose service".to_owned();
            containers.push(Container { name: service.into(), path: path.into(), kind: kind.clone(), context });
            entries.push(EntryPoint { path: path.into(), kind, name: Some(service.into()) });
        }
        return (entries, containers);
    }
    if !text.contains("apiVersion") {
        return (entries, containers);
    }
    for document in text.split("\n---") {
        let Ok(doc) = yaml_serde::from_str::<yaml_serde::Value>(document) else { continue };
        let kind = doc.get("kind").and_then(|k| k.as_str()).unwrap_or_default();
        if !WORKLOADS.contains(&kind) {
            continue;
        }
        let Some(name) = doc.get("metadata").and_then(|m| m.get("name")).and_then(|n| n.as_str()) else { continue };
        let kind = format!("kubernetes {kind}");
        containers.push(Container { name: name.into(), path: path.into(), kind: kind.clone(), context: None });
        entries.push(EntryPoint { path: path.into(), kind, name: Some(name.into()) });
    }
    (entries, containers)
}

/// Whether a path is a test, by the conventions of its ecosystem.
pub fn is_test(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let mut folders = path.split('/');
    folders.next_back();
    folders.any(|folder| matches!(folder, "tests" | "test" | "__tests__" | "spec"))
        || name.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || name.contains(".test.")
        || name.contains(".spec.")
        || ((stem.ends_with("Test") || stem.ends_with("Tests")) && stem.len() > 5)
}

/// Test files and the code files they import directly.
pub fn tests(files: &[Parsed], edges: &[Edge]) -> Vec<TestFile> {
    let mut covers: BTreeMap<&str, Vec<String>> =
        files.iter().filter(|f| is_test(&f.path)).map(|f| (f.path.as_str(), Vec::new())).collect();
    for edge in edges {
        if let Some(list) = covers.get_mut(edge.from.as_str())
            && !is_test(&edge.to)
        {
            list.push(edge.to.clone());
        }
    }
    covers.into_iter().map(|(path, covers)| TestFile { path: path.to_owned(), covers }).collect()
}

#[cfg(test)]
mod tests {
    use super::is_test;

    #[test]
    fn test_files_by_convention() {
        for path in [
            "tests/test_orders.py",
            "pkg/orders/service_test.go",
            "src/app.test.ts",
            "web/__tests__/cart.js",
            "src/test/java/com/acme/OrderServiceTest.java",
            "spec/models/user_spec.rb",
            "Shop.Tests/OrderTests.cs",
        ] {
            assert!(is_test(path), "{path}");
        }
        for path in ["src/shop/orders.py", "pkg/testing.go", "src/latest.ts", "app/models/contest.rb", "Test.java"] {
            assert!(!is_test(path), "{path}");
        }
    }
}
